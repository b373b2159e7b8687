/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshots: config space plus every register read the decoder made, so a
 * device captured elsewhere decodes offline exactly as it did live.
 *
 * A snapshot is an lspci -xxx(x) dump with extra comment lines (lspci -F
 * skips them):
 *   # vlp-snapshot 1
 *   # vlp-bar-size BAR SIZE
 *   # vlp-driver NAME
 *   # vlp-read BAR OFFSET WIDTH SELECTOR VALUE
 *   # vlp-mem ADDRESS HEXBYTES      guest memory read for the rings (--rings),
 *                                   at most VLP_MEM_LINE bytes a line
 * A host device (VLP_ORIGIN_HOST: a VM seen through QEMU's monitor) has
 * no register reads and no config lines: it has what the monitor said,
 *   # vlp-host QOM_PATH             the device's virtio backend in QEMU
 *   # vlp-qmp > COMMAND             a command sent, in chunks of at most
 *   # vlp-qmp < REPLY               VLP_QMP_CHUNK bytes: consecutive lines of
 *                                   one direction join; ">" after "<" starts
 *                                   the next exchange
 * and reading it back replays those exchanges through the host source's
 * own code (hostsrc.c, vlp_host_replay), so that the device, its state
 * and its rings decode offline as they did live.
 * A register that depends on a selector (feature words, queue fields) is
 * keyed by the selector's value at the time of the read ("-": none), so
 * replaying the same reads with the same selector writes gives the same
 * values.  The same register read twice: the later line wins.
 *
 * The lines belong to the device above them, up to the blank line that
 * ends it; a "# vlp-" line after that blank line belongs to no device and
 * is an error of the input (dump.c).  A "# vlp-mem" line that is not a
 * range (not ADDRESS HEXBYTES, or its last byte past 2^64 - 1: a range may
 * end at 2^64 exactly) is refused alone: the device keeps every other
 * range and carries a warning naming the line (vlp_device_warning).
 *
 * Saving a device that came from a snapshot writes everything the snapshot
 * held (its reads and all its ring memory, whatever this run read), so a
 * saved snapshot decodes as the one it came from: a queue whose ring could
 * not be read is not read again for the same reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "records.h"

#define SNAPSHOT_VERSION 1
#define VLP_QMP_CHUNK 960u /* bytes of a monitor command or reply a line holds */
#define VLP_MEM_LINE 32u   /* bytes of guest memory a "# vlp-mem" line holds */

/* A hex digit's value, -1 for anything else (sscanf per byte made ring
 * memory the bulk of a snapshot's parse time). */
static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "ADDRESS HEXBYTES" of a "# vlp-mem" line into the snapshot's memory:
 * 0, or 1 with why when the line is refused alone, <0 out of memory. */
static int parse_mem_line(struct vlp_snapshot *snap, const char *p, char *why, size_t whylen)
{
	uint8_t bytes[VLP_MEM_LINE];
	uint64_t pa = 0;
	size_t n = 0, digits = 0;
	int err;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; nibble(*p) >= 0; p++, digits++) {
		if (pa >> 60)
			break;
		pa = pa << 4 | (uint64_t)nibble(*p);
	}
	if (!digits || *p != ' ') {
		snprintf(why, whylen, "vlp-mem: not ADDRESS HEXBYTES (a 64-bit hex address): refused");
		return 1;
	}
	p++;
	while (*p && n < VLP_MEM_LINE) {
		int hi = nibble(p[0]), lo = hi < 0 ? -1 : nibble(p[1]);

		if (lo < 0)
			break;
		bytes[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (*p || !n) {
		snprintf(why, whylen,
			 "vlp-mem 0x%" PRIx64 ": not 1 to %u bytes in hex digit pairs: refused", pa,
			 VLP_MEM_LINE);
		return 1;
	}
	err = vlp_snapshot_add_mem(snap, pa, bytes, n);
	if (err == -ERANGE)
		snprintf(why, whylen,
			 "vlp-mem 0x%" PRIx64
			 " of %zu bytes runs past the top of the address space: refused",
			 pa, n);
	else if (err == -EFBIG)
		snprintf(why, whylen,
			 "vlp-mem 0x%" PRIx64
			 ": past the %u MiB a snapshot's ring memory may hold: refused",
			 pa, VLP_MEM_MAX >> 20);
	else
		return err;
	return 1;
}

/* Appends text to *s (NULL: empty): 0 or -ENOMEM. */
static int append(char **s, const char *text)
{
	size_t a = *s ? strlen(*s) : 0, b = strlen(text);
	char *n;

	if (a + b > VLP_JSON_SIZE_MAX)
		return -EINVAL;
	n = realloc(*s, a + b + 1);
	if (!n)
		return -ENOMEM;
	memcpy(n + a, text, b + 1);
	*s = n;
	return 0;
}

/* One "# vlp-qmp" line: a chunk of a command (reply false) or a reply. */
static int parse_qmp_line(struct vlp_device *dev, bool reply, const char *chunk)
{
	struct vlp_monitor_records *rs = dev->host_records;
	struct vlp_monitor_record *last;

	if (!rs) {
		rs = dev->host_records = calloc(1, sizeof(*rs));
		if (!rs)
			return -ENOMEM;
	}
	last = rs->n ? &rs->r[rs->n - 1] : NULL;
	if (reply) {
		if (!last) /* a reply before any command */
			return -EINVAL;
		if (!last->reply && !(last->reply = strdup("")))
			return -ENOMEM;
		return append(&last->reply, chunk);
	}
	if (!last || last->reply) {
		if (vlp_monitor_records_add(rs, "", ""))
			return -ENOMEM;
		last = &rs->r[rs->n - 1];
		free(last->reply);
		last->reply = NULL; /* until its first "<" line */
	}
	return append(&last->command, chunk);
}

static void write_chunks(FILE *f, char dir, const char *text)
{
	size_t len = strlen(text);

	while (len) {
		size_t n = len < VLP_QMP_CHUNK ? len : VLP_QMP_CHUNK;

		/* a line's trailing blanks are not kept by the reader (dump.c) */
		while (n > 1 && n < len && (text[n - 1] == ' ' || text[n - 1] == '\t'))
			n--;
		fprintf(f, "# vlp-qmp %c %.*s\n", dir, (int)n, text);
		text += n;
		len -= n;
	}
}

static struct vlp_snapshot *snapshot_of(struct vlp_device *dev)
{
	if (!dev->snapshot)
		dev->snapshot = vlp_snapshot_new();
	if (dev->snapshot)
		dev->origin = VLP_ORIGIN_SNAPSHOT;
	return dev->snapshot;
}

/* One line into dev: 0; 1 when refused alone, with why; -EINVAL if
 * malformed, -ENOMEM. */
static int parse_line(struct vlp_device *dev, const char *line, char *why, size_t whylen)
{
	struct vlp_snapshot *snap = snapshot_of(dev);
	unsigned bar, width, version;
	uint64_t off, size;
	uint32_t value;
	char sel[24], name[VLP_DRIVER_MAX];
	int64_t selector = -1;
	int n;

	why[0] = '\0';
	if (!snap)
		return -ENOMEM;
	if (sscanf(line, "# vlp-snapshot %u%n", &version, &n) == 1)
		return version == SNAPSHOT_VERSION ? 0 : -EINVAL;
	if (sscanf(line, "# vlp-bar-size %u %" SCNx64 "%n", &bar, &size, &n) == 2 && !line[n]) {
		if (bar >= VLP_NUM_BARS)
			return -EINVAL;
		dev->bar_size[bar] = size;
		return 0;
	}
	if (sscanf(line, "# vlp-driver %63s%n", name, &n) == 1 && !line[n]) {
		vlp_device_set_driver(dev, name);
		return 0;
	}
	if (sscanf(line, "# vlp-backend %31s%n", snap->backend, &n) == 1 && !line[n])
		return 0;
	if (!strncmp(line, "# vlp-mem ", 10))
		return parse_mem_line(snap, line + 10, why, whylen);
	if (!strncmp(line, "# vlp-host ", 11) && line[11] == '/') {
		free(dev->qom_path);
		dev->qom_path = strdup(line + 11);
		return dev->qom_path ? 0 : -ENOMEM;
	}
	if (!strncmp(line, "# vlp-qmp > ", 12) || !strncmp(line, "# vlp-qmp < ", 12))
		return parse_qmp_line(dev, line[10] == '<', line + 12);
	if (sscanf(line, "# vlp-read %u %" SCNx64 " %u %23s %" SCNx32 "%n", &bar, &off, &width, sel,
		   &value, &n) == 5 &&
	    !line[n]) {
		if (bar >= VLP_NUM_BARS || (width != 1 && width != 2 && width != 4) || off % width)
			return -EINVAL;
		if (strcmp(sel, "-")) {
			char *end;
			long long v = strtoll(sel, &end, 0);

			if (*end || v < 0 || v > UINT32_MAX)
				return -EINVAL;
			selector = v;
		}
		return vlp_snapshot_add(snap, bar, off, width, selector, value);
	}
	return -EINVAL;
}

int vlp_snapshot_dump_line(struct vlp_ctx *ctx, struct vlp_device *dev, bool after_device,
			   const char *line, const char *name, unsigned long lineno)
{
	char why[160];
	int ret;

	if (!dev)
		return vlp_error(ctx, EINVAL, "%s:%lu: snapshot line outside a device (%s)", name,
				 lineno,
				 after_device ? "after the blank line that ends the device above"
					      : "before the first device");
	ret = parse_line(dev, line, why, sizeof(why));
	if (ret == -ENOMEM)
		return vlp_error(ctx, ENOMEM, "%s: out of memory", name);
	if (ret < 0)
		return vlp_error(ctx, EINVAL, "%s:%lu: malformed snapshot line", name, lineno);
	if (ret > 0)
		vlp_snapshot_warn(dev->snapshot, name, lineno, why);
	return 0;
}

int vlp_snapshot_start(struct vlp_ctx *ctx, struct vlp_device *dev)
{
	if (dev->recording)
		return 0;
	dev->recording = vlp_snapshot_new();
	return dev->recording ? 0 : vlp_error(ctx, ENOMEM, "out of memory");
}

/* The reads of snap, but those already written from done. */
static void write_reads(FILE *f, const struct vlp_snapshot *snap, const struct vlp_snapshot *done)
{
	uint32_t v;

	for (size_t i = 0; snap && i < snap->count; i++) {
		const struct recorded_read *r = &snap->records[i];

		if (vlp_snapshot_lookup(done, r->bar, r->off, r->width, r->selector, &v) == 0)
			continue;
		fprintf(f, "# vlp-read %u 0x%" PRIx64 " %u ", r->bar, r->off, r->width);
		if (r->selector < 0)
			fputs("-", f);
		else
			fprintf(f, "%" PRId64, r->selector);
		fprintf(f, " 0x%0*" PRIx32 "\n", r->width * 2, r->value);
	}
}

static void write_mem(FILE *f, const struct vlp_snapshot *snap)
{
	for (size_t i = 0; snap && i < snap->nmem; i++) {
		const struct mem_range *m = &snap->mem[i];

		for (size_t off = 0; off < m->len; off += VLP_MEM_LINE) {
			fprintf(f, "# vlp-mem 0x%" PRIx64 " ", m->pa + off);
			for (size_t b = off; b < m->len && b < off + VLP_MEM_LINE; b++)
				fprintf(f, "%02x", m->bytes[b]);
			fputc('\n', f);
		}
	}
}

int vlp_snapshot_write(struct vlp_ctx *ctx, FILE *f, const struct vlp_device *dev, const char *title)
{
	const struct vlp_slot *s = &dev->slot;
	uint8_t line[16];

	fprintf(f, "%04x:%02x:%02x.%u %s\n", (unsigned)s->domain, s->bus, s->dev, s->func,
		title ? title : "virtio-lspci snapshot");
	if (dev->origin == VLP_ORIGIN_HOST) {
		const struct vlp_monitor_records *rs = dev->host_records;

		fprintf(f, "# vlp-snapshot %d\n# vlp-host %s\n", SNAPSHOT_VERSION,
			dev->qom_path ? dev->qom_path : "/");
		for (size_t i = 0; rs && i < rs->n; i++) {
			write_chunks(f, '>', rs->r[i].command);
			write_chunks(f, '<', rs->r[i].reply ? rs->r[i].reply : "");
		}
		write_mem(f, dev->snapshot && dev->snapshot->nmem ? dev->snapshot : dev->recording);
		fputc('\n', f);
		return ferror(f) ? vlp_error(ctx, EIO, "writing the snapshot: %s", strerror(errno))
				 : 0;
	}
	for (unsigned off = 0; off < dev->config_size; off += 16) {
		if (vlp_device_read_config(dev, off, 16, line))
			continue; /* a byte not read stays unavailable */
		fprintf(f, "%02x:", off);
		for (unsigned i = 0; i < 16; i++)
			fprintf(f, " %02x", line[i]);
		fputc('\n', f);
	}
	fprintf(f, "# vlp-snapshot %d\n", SNAPSHOT_VERSION);
	if (vlp_device_backend(dev))
		fprintf(f, "# vlp-backend %s\n", vlp_device_backend(dev));
	for (unsigned i = 0; i < VLP_NUM_BARS; i++)
		if (dev->bar_size[i] != VLP_BAR_SIZE_UNKNOWN)
			fprintf(f, "# vlp-bar-size %u 0x%" PRIx64 "\n", i, dev->bar_size[i]);
	if (dev->driver[0])
		fprintf(f, "# vlp-driver %s\n", dev->driver);
	write_reads(f, dev->snapshot, NULL);
	write_reads(f, dev->recording, dev->snapshot);
	write_mem(f, dev->snapshot && dev->snapshot->nmem ? dev->snapshot : dev->recording);
	fputc('\n', f);
	if (ferror(f))
		return vlp_error(ctx, EIO, "writing the snapshot: %s", strerror(errno));
	return 0;
}
