/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's guest-physical RAM read through QEMU's monitor, for the rings of
 * a host device.
 *
 * What may be read: the "ram" regions of the flat view of address space
 * "memory" in HMP "info mtree -f" (QEMU 7.2 prints lines
 * "  START-END (prio N, ram): NAME" under " AS \"memory\", root: system").
 * ROM, ROMD, RAM devices (VFIO BARs) and I/O regions are never read: both
 * pmemsave and xp go through QEMU's memory dispatch, where a device
 * region's read has side effects.
 *
 * How (measured on QEMU 7.2, idle TCG guest, unix socket, 200 reads):
 * pmemsave of 4 KiB 1.7 ms, of 64 bytes 2.0 ms; HMP "xp /512xg" of 4 KiB
 * 56 ms, of 64 bytes 2.1 ms.  pmemsave writes a file that the QEMU process
 * opens, so it works only when QEMU may write into our private directory
 * (same uid, no confinement): tried once at open with one byte of RAM;
 * otherwise every read is xp, in byte units (target-endianness free), at
 * most XP_MAX bytes a command.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/monitor.h"

#define XP_MAX 1024u    /* bytes one "xp" command asks for */
#define MTREE_LINE 512u /* longest "info mtree -f" line looked at */

struct qmp_mem {
	struct vlp_monitor *mon;
	bool pmemsave;
	char dir[64];    /* private directory: 0700 */
	char file[96];   /* dir/mem */
	char qfile[128]; /* file as a JSON string */
};

static void qmp_mem_free(void *impl)
{
	struct qmp_mem *m = impl;

	if (!m)
		return;
	if (m->file[0])
		unlink(m->file);
	if (m->dir[0])
		rmdir(m->dir);
	vlp_monitor_close(m->mon);
	free(m);
}

static int read_pmemsave(struct vlp_ctx *ctx, struct qmp_mem *m, uint64_t pa, void *buf, size_t len)
{
	char args[256];
	struct vlp_jv *r = NULL;
	ssize_t got;
	int fd, rc;

	snprintf(args, sizeof(args), "{\"val\": %" PRIu64 ", \"size\": %zu, \"filename\": %s}", pa,
		 len, m->qfile);
	rc = vlp_monitor_query(ctx, m->mon, "pmemsave", args, &r);
	vlp_jv_free(r);
	if (rc)
		return rc;
	fd = open(m->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return vlp_error(ctx, errno, "%s: %s", m->file, strerror(errno));
	got = pread(fd, buf, len, 0);
	close(fd);
	if (got != (ssize_t)len)
		return vlp_error(ctx, EIO,
				 "pmemsave of guest memory 0x%" PRIx64 " (%zu bytes) gave %zd bytes",
				 pa, len, got);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "ADDR: 0x12 0x34 ...\r\n" lines: the bytes in order. */
static int parse_xp(struct vlp_ctx *ctx, const char *text, uint64_t pa, uint8_t *out, size_t len)
{
	size_t n = 0;
	const char *p = text;

	while (*p && n < len) {
		const char *colon = strchr(p, ':');
		const char *eol = strchr(p, '\n');

		if (!eol)
			eol = p + strlen(p);
		if (!colon || colon > eol || !strncmp(colon, ": Cannot access memory", 22))
			break;
		p = colon + 1;
		while (p < eol && n < len) {
			int v = 0, d, digits = 0;

			while (p < eol && (*p == ' ' || *p == '\r'))
				p++;
			if (p + 2 > eol || p[0] != '0' || p[1] != 'x')
				break;
			p += 2;
			while (p < eol && (d = hexval(*p)) >= 0 && digits < 2) {
				v = v << 4 | d;
				p++;
				digits++;
			}
			if (!digits)
				break;
			out[n++] = (uint8_t)v;
		}
		p = *eol ? eol + 1 : eol;
	}
	if (n != len)
		return vlp_error(ctx, EIO, "xp of guest memory 0x%" PRIx64 " (%zu bytes): %s", pa, len,
				 strstr(text, "Cannot access memory") ? "Cannot access memory"
								      : "unexpected output");
	return 0;
}

static int read_xp(struct vlp_ctx *ctx, struct qmp_mem *m, uint64_t pa, uint8_t *buf, size_t len)
{
	while (len) {
		size_t n = len < XP_MAX ? len : XP_MAX;
		char line[64], *text = NULL;
		int rc;

		snprintf(line, sizeof(line), "xp /%zuxb 0x%" PRIx64, n, pa);
		rc = vlp_monitor_hmp(ctx, m->mon, line, &text);
		if (!rc)
			rc = parse_xp(ctx, text, pa, buf, n);
		free(text);
		if (rc)
			return rc;
		pa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int qmp_mem_read(struct vlp_ctx *ctx, void *impl, uint64_t pa, void *buf, size_t len)
{
	struct qmp_mem *m = impl;

	return m->pmemsave ? read_pmemsave(ctx, m, pa, buf, len) : read_xp(ctx, m, pa, buf, len);
}

/* The "ram" lines of address space "memory" in "info mtree -f". */
static int parse_mtree(struct vlp_ctx *ctx, struct vlp_guestmem *mem, const char *text)
{
	bool in_memory = false;
	const char *p = text;
	int rc;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[MTREE_LINE];
		uint64_t start, end;
		char kind[32];
		unsigned prio;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = eol ? eol + 1 : p + strlen(p);
		if (!strncmp(line, "FlatView #", 10)) {
			in_memory = false;
			continue;
		}
		if (strstr(line, " AS \"memory\",") == line) {
			in_memory = true;
			continue;
		}
		if (!in_memory ||
		    sscanf(line, " %" SCNx64 "-%" SCNx64 " (prio %u, %31[^)]):", &start, &end,
			   &prio, kind) != 4 ||
		    strcmp(kind, "ram") || end < start)
			continue;
		rc = vlp_guestmem_add_ram(ctx, mem, start, end - start + 1);
		if (rc)
			return rc;
	}
	return vlp_guestmem_range_count(mem)
		       ? 0
		       : vlp_error(ctx, ENODATA, "the VM's memory map (info mtree -f) shows no RAM");
}

/* pmemsave into our private file works: QEMU may write it, we read it. */
static void try_pmemsave(struct vlp_ctx *ctx, struct qmp_mem *m, const struct vlp_guestmem *mem)
{
	uint64_t pa, len;
	uint8_t b;
	char *tmp = getenv("TMPDIR");

	snprintf(m->dir, sizeof(m->dir), "%s/vlp-qmp-XXXXXX",
		 tmp && tmp[0] && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(m->dir)) {
		m->dir[0] = '\0';
		return;
	}
	snprintf(m->file, sizeof(m->file), "%s/mem", m->dir);
	if (vlp_json_quote(m->qfile, sizeof(m->qfile), m->file) >= sizeof(m->qfile) ||
	    vlp_guestmem_range_at(mem, 0, &pa, &len))
		return;
	m->pmemsave = read_pmemsave(ctx, m, pa, &b, 1) == 0;
	vlp_error(ctx, 0, "%s", ""); /* a refusal here is no failure */
}

int vlp_guestmem_open_monitor(struct vlp_ctx *ctx, struct vlp_monitor *mon, struct vlp_guestmem **out)
{
	struct qmp_mem *m = calloc(1, sizeof(*m));
	struct vlp_guestmem *mem = NULL;
	char *text = NULL;
	int rc;

	*out = NULL;
	if (!m)
		return vlp_error(ctx, ENOMEM, "out of memory");
	m->mon = vlp_monitor_ref(mon);
	rc = vlp_guestmem_new_reader(ctx, "qmp-xp", qmp_mem_read, qmp_mem_free, m, &mem);
	if (rc)
		return rc;
	rc = vlp_monitor_hmp(ctx, mon, "info mtree -f", &text);
	if (!rc)
		rc = parse_mtree(ctx, mem, text);
	free(text);
	if (rc) {
		vlp_guestmem_free(mem);
		return rc;
	}
	try_pmemsave(ctx, m, mem);
	if (m->pmemsave)
		vlp_guestmem_set_kind(mem, "qmp-pmemsave");
	*out = mem;
	return 0;
}
