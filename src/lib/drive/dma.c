/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory a device may read and write (DMA), for driving a device from user
 * space: only the write path uses it (vq.c).  Pinned pages: a huge page from
 * the hugetlb pool where one is free (physically contiguous), else anonymous
 * pages locked with mlock; physical addresses come from /proc/self/pagemap,
 * which shows frame numbers to CAP_SYS_ADMIN only (PFN 0 otherwise).
 * "Plain" memory is ordinary heap memory with made-up addresses: unit tests
 * and dry runs, never given to a device.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_PFN_MASK ((1ull << 55) - 1)
#define HUGE_PAGE_SIZE (2u * 1024 * 1024)

struct vlp_dma {
	uint8_t *ptr;
	size_t len;    /* bytes usable (asked for) */
	size_t mapped; /* bytes mapped (whole pages) */
	size_t page;   /* page size of the mapping */
	uint64_t *pa;  /* physical address of each page; plain: NULL */
	uint64_t plain_base;
	enum vlp_dma_kind kind;
};

const char *vlp_dma_kind_name(enum vlp_dma_kind k)
{
	switch (k) {
	case VLP_DMA_HUGETLB:
		return "hugetlb";
	case VLP_DMA_LOCKED:
		return "locked";
	case VLP_DMA_PLAIN:
		return "plain";
	}
	return "?";
}

/* The physical address of every page of m from /proc/self/pagemap (64-bit
 * entry per virtual page: bit 63 present, bits 0-54 the frame number). */
static int read_pagemap(struct vlp_ctx *ctx, struct vlp_dma *m)
{
	long sys_page = sysconf(_SC_PAGESIZE);
	size_t n = m->mapped / m->page;
	int fd;

	m->pa = calloc(n, sizeof(*m->pa));
	if (!m->pa)
		return vlp_error(ctx, ENOMEM, "DMA memory: out of memory");
	fd = open(vlp_host_pagemap_path(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vlp_error(ctx, errno, "DMA memory: %s: %s", vlp_host_pagemap_path(),
				 strerror(errno));
	for (size_t i = 0; i < n; i++) {
		uintptr_t va = (uintptr_t)m->ptr + i * m->page;
		off_t off = (off_t)(va / (uintptr_t)sys_page * 8);
		uint64_t e;

		if (pread(fd, &e, sizeof(e), off) != (ssize_t)sizeof(e)) {
			close(fd);
			return vlp_error(ctx, EIO, "DMA memory: %s: short read",
					 vlp_host_pagemap_path());
		}
		if (!(e & PAGEMAP_PRESENT)) {
			close(fd);
			return vlp_error(ctx, EFAULT, "DMA memory: a locked page is not present");
		}
		if (!(e & PAGEMAP_PFN_MASK)) {
			close(fd);
			return vlp_error(
				ctx, EPERM,
				"DMA memory: %s hides frame numbers (PFN 0): physical addresses need root (CAP_SYS_ADMIN)",
				vlp_host_pagemap_path());
		}
		m->pa[i] = (e & PAGEMAP_PFN_MASK) * (uint64_t)sys_page;
	}
	close(fd);
	return 0;
}

int vlp_dma_alloc(struct vlp_ctx *ctx, size_t len, enum vlp_dma_kind kind, uint64_t plain_base,
		  struct vlp_dma **out)
{
	size_t sys_page = (size_t)sysconf(_SC_PAGESIZE);
	struct vlp_dma *m;
	int err;

	*out = NULL;
	if (len == 0 || len > VLP_DMA_MAX)
		return vlp_error(ctx, EINVAL, "DMA memory: %zu bytes: give 1 to %u", len, VLP_DMA_MAX);
	m = calloc(1, sizeof(*m));
	if (!m)
		return vlp_error(ctx, ENOMEM, "DMA memory: out of memory");
	m->len = len;
	m->kind = kind;
	if (kind == VLP_DMA_PLAIN) {
		m->page = sys_page;
		m->mapped = (len + sys_page - 1) / sys_page * sys_page;
		m->ptr = aligned_alloc(sys_page, m->mapped);
		if (!m->ptr) {
			free(m);
			return vlp_error(ctx, ENOMEM, "DMA memory: out of memory");
		}
		memset(m->ptr, 0, m->mapped);
		m->plain_base = plain_base;
		*out = m;
		return 0;
	}
	/* More than a page needs physically contiguous memory: a huge page
	 * where the pool has one (hugetlbfs), else locked pages, which are
	 * contiguous only by chance (vlp_dma_pa says when they are not). */
	m->ptr = MAP_FAILED;
	if (len > sys_page && len <= HUGE_PAGE_SIZE) {
		m->ptr = mmap(NULL, HUGE_PAGE_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1, 0);
		if (m->ptr != MAP_FAILED) {
			m->kind = VLP_DMA_HUGETLB;
			m->page = HUGE_PAGE_SIZE;
			m->mapped = HUGE_PAGE_SIZE;
		}
	}
	if (m->ptr == MAP_FAILED) {
		m->kind = VLP_DMA_LOCKED;
		m->page = sys_page;
		m->mapped = (len + sys_page - 1) / sys_page * sys_page;
		m->ptr = mmap(NULL, m->mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
		if (m->ptr == MAP_FAILED) {
			err = errno;
			free(m);
			return vlp_error(ctx, err, "DMA memory: mmap of %zu bytes: %s", len,
					 strerror(err));
		}
	}
	/* Locked pages stay resident at the frame pagemap names; they are
	 * zeroed (and so faulted in) first. */
	memset(m->ptr, 0, m->mapped);
	if (mlock(m->ptr, m->mapped)) {
		err = errno;
		vlp_dma_free(m);
		return vlp_error(ctx, err, "DMA memory: mlock of %zu bytes: %s", len, strerror(err));
	}
	err = read_pagemap(ctx, m);
	if (err) {
		vlp_dma_free(m);
		return err;
	}
	*out = m;
	return 0;
}

void *vlp_dma_ptr(const struct vlp_dma *m)
{
	return m ? m->ptr : NULL;
}

size_t vlp_dma_len(const struct vlp_dma *m)
{
	return m ? m->len : 0;
}

enum vlp_dma_kind vlp_dma_kind(const struct vlp_dma *m)
{
	return m->kind;
}

int vlp_dma_pa(struct vlp_ctx *ctx, const struct vlp_dma *m, size_t off, size_t len, uint64_t *pa)
{
	size_t first, last;

	if (!len || off > m->len || len > m->len - off)
		return vlp_error(ctx, ERANGE, "DMA memory: %zu bytes at %zu: outside the %zu bytes",
				 len, off, m->len);
	if (m->kind == VLP_DMA_PLAIN) {
		*pa = m->plain_base + off;
		return 0;
	}
	first = off / m->page;
	last = (off + len - 1) / m->page;
	for (size_t i = first; i < last; i++)
		if (m->pa[i + 1] != m->pa[i] + m->page)
			return vlp_error(
				ctx, ENOSPC,
				"DMA memory: %zu bytes are not physically contiguous (no free huge page: %s)",
				len, vlp_host_hugepages_path());
	*pa = m->pa[first] + off % m->page;
	return 0;
}

void vlp_dma_free(struct vlp_dma *m)
{
	if (!m)
		return;
	if (m->kind == VLP_DMA_PLAIN) {
		free(m->ptr);
	} else if (m->ptr && m->ptr != MAP_FAILED) {
		munlock(m->ptr, m->mapped);
		munmap(m->ptr, m->mapped);
	}
	free(m->pa);
	free(m);
}

int vlp_dma_check_device(struct vlp_ctx *ctx, const struct vlp_slot *slot, const char *sys_root)
{
	char group[64], type[32];

	if (!vlp_iommu_translates(sys_root, slot, group, sizeof(group), type, sizeof(type)))
		return 0;
	return vlp_error(
		ctx, EOPNOTSUPP,
		"DMA refused: the device is in IOMMU group %s (type %s): it would see IOVAs, not physical addresses",
		group, type[0] ? type : "unknown");
}
