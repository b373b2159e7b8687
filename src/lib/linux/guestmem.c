/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest-physical memory, read-only and bounded.
 *
 * Two backends behind one opaque handle:
 *  - kcore: an ELF64 little-endian core file (/proc/kcore).  Its PT_LOAD
 *    program headers whose p_paddr is not -1 map System RAM through the
 *    kernel's direct map: guest-physical pa in [p_paddr, p_paddr + extent)
 *    is at file offset p_offset + (pa - p_paddr), whatever KASLR did.  The
 *    other PT_LOAD segments (vmalloc, modules, vmemmap) have p_paddr -1 and
 *    are never used.
 *  - recorded: (pa, bytes) ranges copied in by the caller (snapshots, tests).
 *  - a reader of another file (guestmem_qmp.c: a VM's RAM through QEMU's
 *    monitor): ranges without bytes, each read handed to the reader.
 * A read must lie wholly inside one segment or range; anything else (a hole,
 * MMIO, a read straddling two segments) is refused without touching the
 * file, because reading device memory can have side effects.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define KCORE_PHDR_MAX 65534u /* below PN_XNUM (0xffff), which needs section 0 */

struct gm_range {
	uint64_t pa, len;
	uint64_t file_off; /* kcore: offset of pa in the file */
	uint8_t *bytes;    /* recorded: a copy of len bytes */
};

struct vlp_guestmem {
	bool kcore;
	int fd;
	char path[256];
	char iomem[256]; /* kcore: what names the ranges that are not System RAM */
	struct gm_range *ranges;
	size_t nranges, cap;
	uint64_t bytes_read;
	vlp_guestmem_record_fn record;
	void *record_arg;
	/* a reader's backend (vlp_guestmem_new_reader) */
	const char *kind;
	vlp_guestmem_reader_fn reader;
	void (*reader_free)(void *impl);
	void *impl;
	/* vlp_guestmem_window: one read serving those inside it */
	uint8_t *win;
	uint64_t win_pa;
	size_t win_len;
};

static uint64_t le(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = width; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static int add_range(struct vlp_ctx *ctx, struct vlp_guestmem *mem, const struct gm_range *r)
{
	if (mem->nranges == mem->cap) {
		size_t cap = mem->cap ? mem->cap * 2 : 8;
		struct gm_range *n = realloc(mem->ranges, cap * sizeof(*n));

		if (!n)
			return vlp_error(ctx, ENOMEM, "out of memory");
		mem->ranges = n;
		mem->cap = cap;
	}
	mem->ranges[mem->nranges++] = *r;
	return 0;
}

static int gm_alloc(struct vlp_ctx *ctx, struct vlp_guestmem **out)
{
	struct vlp_guestmem *mem = calloc(1, sizeof(*mem));

	*out = NULL;
	if (!mem)
		return vlp_error(ctx, ENOMEM, "out of memory");
	mem->fd = -1;
	*out = mem;
	return 0;
}

/* One line per reason the rings cannot be read (issue: no kcore, not root,
 * lockdown).  open_kcore refuses with EPERM under lockdown or without
 * CAP_SYS_RAWIO; the file mode (0400 root) gives EACCES to other users. */
static int open_error(struct vlp_ctx *ctx, const char *path, int err)
{
	switch (err) {
	case ENOENT:
		return vlp_error(ctx, err, "this machine has no %s", path);
	case EACCES:
		return vlp_error(ctx, err,
				 "%s: permission denied (reading guest memory needs root)", path);
	case EPERM:
		return vlp_error(ctx, err,
				 "%s: not permitted (kernel lockdown, or no CAP_SYS_RAWIO)", path);
	default:
		return vlp_error(ctx, err, "%s: %s", path, strerror(err));
	}
}

static int full_pread(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Parses the ELF64 header and program headers; keeps the usable segments. */
static int parse_kcore(struct vlp_ctx *ctx, struct vlp_guestmem *mem)
{
	uint8_t eh[sizeof(Elf64_Ehdr)];
	uint8_t ph[sizeof(Elf64_Phdr)];
	uint64_t phoff;
	unsigned phentsize, phnum;
	int err;

	err = full_pread(mem->fd, eh, sizeof(eh), 0);
	if (err == -EIO)
		return vlp_error(ctx, EINVAL, "%s: not an ELF64 core file (too short)", mem->path);
	if (err)
		return vlp_error(ctx, -err, "%s: %s", mem->path, strerror(-err));
	if (memcmp(eh, ELFMAG, SELFMAG) || eh[EI_CLASS] != ELFCLASS64 || eh[EI_DATA] != ELFDATA2LSB)
		return vlp_error(ctx, EINVAL, "%s: not an ELF64 little-endian core file", mem->path);
	phoff = le(eh + offsetof(Elf64_Ehdr, e_phoff), 8);
	phentsize = (unsigned)le(eh + offsetof(Elf64_Ehdr, e_phentsize), 2);
	phnum = (unsigned)le(eh + offsetof(Elf64_Ehdr, e_phnum), 2);
	if (phentsize < sizeof(Elf64_Phdr) || phnum == 0 || phnum > KCORE_PHDR_MAX ||
	    phoff > INT64_MAX / 2)
		return vlp_error(ctx, EINVAL,
				 "%s: unusable program header table (%u entries of %u bytes)",
				 mem->path, phnum, phentsize);
	for (unsigned i = 0; i < phnum; i++) {
		struct gm_range r = { 0 };
		uint64_t paddr, off, filesz, memsz;

		err = full_pread(mem->fd, ph, sizeof(ph), phoff + (uint64_t)i * phentsize);
		if (err)
			return vlp_error(ctx, EINVAL, "%s: program header %u cannot be read",
					 mem->path, i);
		if (le(ph + offsetof(Elf64_Phdr, p_type), 4) != PT_LOAD)
			continue;
		paddr = le(ph + offsetof(Elf64_Phdr, p_paddr), 8);
		off = le(ph + offsetof(Elf64_Phdr, p_offset), 8);
		filesz = le(ph + offsetof(Elf64_Phdr, p_filesz), 8);
		memsz = le(ph + offsetof(Elf64_Phdr, p_memsz), 8);
		/* p_paddr -1: no physical address (vmalloc, modules, ...). */
		if (paddr == UINT64_MAX)
			continue;
		/* Only the bytes the file holds (kcore has filesz == memsz). */
		r.len = memsz < filesz ? memsz : filesz;
		if (!r.len || paddr + r.len < paddr || off > (uint64_t)INT64_MAX ||
		    off + r.len > (uint64_t)INT64_MAX)
			continue;
		r.pa = paddr;
		r.file_off = off;
		err = add_range(ctx, mem, &r);
		if (err)
			return err;
	}
	if (!mem->nranges)
		return vlp_error(ctx, EINVAL, "%s: no PT_LOAD segment with a physical address",
				 mem->path);
	return 0;
}

int vlp_guestmem_open_kcore(struct vlp_ctx *ctx, const char *path, struct vlp_guestmem **out)
{
	struct vlp_guestmem *mem;
	int err;

	*out = NULL;
	if (!path)
		path = VLP_KCORE_PATH;
	err = gm_alloc(ctx, &mem);
	if (err)
		return err;
	mem->kcore = true;
	snprintf(mem->path, sizeof(mem->path), "%s", path);
	if (!strcmp(path, VLP_KCORE_PATH))
		vlp_guestmem_set_iomem(mem, vlp_host_iomem_path());
	mem->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (mem->fd < 0) {
		err = open_error(ctx, mem->path, errno);
		vlp_guestmem_free(mem);
		return err;
	}
	err = parse_kcore(ctx, mem);
	if (err) {
		vlp_guestmem_free(mem);
		return err;
	}
	*out = mem;
	return 0;
}

void vlp_guestmem_set_iomem(struct vlp_guestmem *mem, const char *path)
{
	snprintf(mem->iomem, sizeof(mem->iomem), "%s", path ? path : "");
}

/* A kcore read outside System RAM: what /proc/iomem calls the range, and
 * -EACCES for memory the firmware reserved (e820 "Reserved": a ring there
 * is usually the firmware's own, left live when no driver took over). */
static int not_ram(struct vlp_ctx *ctx, const struct vlp_guestmem *mem, uint64_t pa, size_t len)
{
	char kind[64];

	if (!mem->iomem[0] || !vlp_host_iomem_name(mem->iomem, pa, pa + len - 1, kind, sizeof(kind)) ||
	    !strcmp(kind, "System RAM"))
		return vlp_error(ctx, EFAULT,
				 "guest memory 0x%llx-0x%llx is not inside one System RAM range: not read",
				 (unsigned long long)pa, (unsigned long long)(pa + len - 1));
	return vlp_error(ctx, strcmp(kind, "Reserved") ? EFAULT : EACCES,
			 "guest memory 0x%llx-0x%llx is not System RAM but \"%s\" (%s): not read",
			 (unsigned long long)pa, (unsigned long long)(pa + len - 1), kind, mem->iomem);
}

int vlp_guestmem_new_recorded(struct vlp_ctx *ctx, struct vlp_guestmem **out)
{
	int err = gm_alloc(ctx, out);

	if (!err)
		snprintf((*out)->path, sizeof((*out)->path), "recorded");
	return err;
}

int vlp_guestmem_add_range(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa,
			   const void *bytes, size_t len)
{
	struct gm_range r = { .pa = pa, .len = len };
	int err;

	if (mem->kcore)
		return vlp_error(ctx, EINVAL, "ranges are added to recorded memory only");
	/* The last byte at 2^64 - 1 at most: a range may end at 2^64. */
	if (!len || len - 1 > UINT64_MAX - pa)
		return vlp_error(ctx, EINVAL, "memory range at 0x%llx of %zu bytes is empty or wraps",
				 (unsigned long long)pa, len);
	r.bytes = malloc(len);
	if (!r.bytes)
		return vlp_error(ctx, ENOMEM, "out of memory");
	memcpy(r.bytes, bytes, len);
	err = add_range(ctx, mem, &r);
	if (err)
		free(r.bytes);
	return err;
}

int vlp_guestmem_read(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa, void *buf, size_t len)
{
	const struct gm_range *r = NULL;
	int err;

	if (!len || len > VLP_GUESTMEM_READ_MAX)
		return vlp_error(ctx, E2BIG, "guest memory read of %zu bytes at 0x%llx refused (1..%u)",
				 len, (unsigned long long)pa, VLP_GUESTMEM_READ_MAX);
	/* Wholly inside one segment or range; the last byte at 2^64 - 1 at
	 * most (said without wrapping the address past it). */
	if (len - 1 > UINT64_MAX - pa)
		return vlp_error(
			ctx, EFAULT,
			"guest memory 0x%llx (%zu bytes) runs past the top of the address space: not read",
			(unsigned long long)pa, len);
	for (size_t i = 0; i < mem->nranges; i++) {
		const struct gm_range *c = &mem->ranges[i];

		if (pa >= c->pa && pa - c->pa <= c->len && len <= c->len - (pa - c->pa)) {
			r = c;
			break;
		}
	}
	if (!r && mem->kcore)
		return not_ram(ctx, mem, pa, len);
	if (!r)
		return vlp_error(ctx, EFAULT,
				 "guest memory 0x%llx-0x%llx is not inside one %s range: not read",
				 (unsigned long long)pa, (unsigned long long)(pa + len - 1),
				 mem->reader ? "RAM" : "recorded");
	if (mem->win && pa >= mem->win_pa && pa - mem->win_pa <= mem->win_len &&
	    len <= mem->win_len - (pa - mem->win_pa)) {
		memcpy(buf, mem->win + (pa - mem->win_pa), len);
	} else if (mem->reader) {
		err = mem->reader(ctx, mem->impl, pa, buf, len);
		if (err)
			return err;
	} else if (mem->kcore) {
		err = full_pread(mem->fd, buf, len, r->file_off + (pa - r->pa));
		if (err)
			return vlp_error(ctx, EIO,
					 "%s: reading guest memory 0x%llx (%zu bytes) failed: %s",
					 mem->path, (unsigned long long)pa, len, strerror(-err));
	} else {
		memcpy(buf, r->bytes + (pa - r->pa), len);
	}
	mem->bytes_read += len;
	if (mem->record)
		mem->record(mem->record_arg, pa, buf, len);
	return 0;
}

void vlp_guestmem_window(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa, size_t len)
{
	bool ram = false;

	free(mem->win);
	mem->win = NULL;
	mem->win_len = 0;
	if (!mem->reader || !len || len > VLP_GUESTMEM_WINDOW_MAX || len - 1 > UINT64_MAX - pa)
		return;
	/* RAM only, as every read: wholly inside one range */
	for (size_t i = 0; i < mem->nranges && !ram; i++) {
		const struct gm_range *c = &mem->ranges[i];

		ram = pa >= c->pa && pa - c->pa <= c->len && len <= c->len - (pa - c->pa);
	}
	if (!ram)
		return;
	mem->win = malloc(len);
	if (mem->win && mem->reader(ctx, mem->impl, pa, mem->win, len) == 0) {
		mem->win_pa = pa;
		mem->win_len = len;
		return;
	}
	free(mem->win);
	mem->win = NULL;
}

void vlp_guestmem_set_record(struct vlp_guestmem *mem, vlp_guestmem_record_fn fn, void *arg)
{
	mem->record = fn;
	mem->record_arg = arg;
}

uint64_t vlp_guestmem_bytes_read(const struct vlp_guestmem *mem)
{
	return mem->bytes_read;
}

size_t vlp_guestmem_range_count(const struct vlp_guestmem *mem)
{
	return mem->nranges;
}

int vlp_guestmem_range_at(const struct vlp_guestmem *mem, size_t i, uint64_t *pa, uint64_t *len)
{
	if (i >= mem->nranges)
		return -ERANGE;
	*pa = mem->ranges[i].pa;
	*len = mem->ranges[i].len;
	return 0;
}

const char *vlp_guestmem_kind(const struct vlp_guestmem *mem)
{
	return mem->kind ? mem->kind : mem->kcore ? "kcore" : "recorded";
}

int vlp_guestmem_new_reader(struct vlp_ctx *ctx, const char *kind, vlp_guestmem_reader_fn reader,
			    void (*reader_free)(void *impl), void *impl, struct vlp_guestmem **out)
{
	int err = gm_alloc(ctx, out);

	if (err) {
		if (reader_free)
			reader_free(impl);
		return err;
	}
	(*out)->kind = kind;
	(*out)->reader = reader;
	(*out)->reader_free = reader_free;
	(*out)->impl = impl;
	snprintf((*out)->path, sizeof((*out)->path), "%s", kind);
	return 0;
}

void vlp_guestmem_set_kind(struct vlp_guestmem *mem, const char *kind)
{
	mem->kind = kind;
}

int vlp_guestmem_add_ram(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa, uint64_t len)
{
	struct gm_range r = { .pa = pa, .len = len };

	if (!mem->reader)
		return vlp_error(ctx, EINVAL, "RAM ranges are added to a reader's memory only");
	if (!len || len - 1 > UINT64_MAX - pa)
		return vlp_error(ctx, EINVAL, "memory range at 0x%llx is empty or wraps",
				 (unsigned long long)pa);
	return add_range(ctx, mem, &r);
}

void vlp_guestmem_free(struct vlp_guestmem *mem)
{
	if (!mem)
		return;
	if (mem->fd >= 0)
		close(mem->fd);
	if (mem->reader_free)
		mem->reader_free(mem->impl);
	for (size_t i = 0; i < mem->nranges; i++)
		free(mem->ranges[i].bytes);
	free(mem->ranges);
	free(mem->win);
	free(mem);
}
