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
 * A register that depends on a selector (feature words, queue fields) is
 * keyed by the selector's value at the time of the read ("-": none), so
 * replaying the same reads with the same selector writes gives the same
 * values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

#define SNAPSHOT_VERSION 1
#define VLP_MEM_LINE 32u /* bytes of guest memory a "# vlp-mem" line holds */

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

static int parse_mem_line(struct vlp_snapshot *snap, const char *hex, uint64_t pa)
{
	uint8_t bytes[VLP_MEM_LINE];
	size_t n = 0;

	while (*hex && n < VLP_MEM_LINE) {
		int hi = nibble(hex[0]), lo = hi < 0 ? -1 : nibble(hex[1]);

		if (lo < 0)
			return -EINVAL;
		bytes[n++] = (uint8_t)(hi << 4 | lo);
		hex += 2;
	}
	if (*hex || !n)
		return -EINVAL;
	return vlp_snapshot_add_mem(snap, pa, bytes, n);
}

static struct vlp_snapshot *snapshot_of(struct vlp_device *dev)
{
	if (!dev->snapshot)
		dev->snapshot = vlp_snapshot_new();
	if (dev->snapshot)
		dev->origin = VLP_ORIGIN_SNAPSHOT;
	return dev->snapshot;
}

int vlp_snapshot_parse_line(struct vlp_device *dev, const char *line)
{
	struct vlp_snapshot *snap = snapshot_of(dev);
	unsigned bar, width, version;
	uint64_t off, size;
	uint32_t value;
	char sel[24], name[VLP_DRIVER_MAX];
	int64_t selector = -1;
	int n;

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
	if (sscanf(line, "# vlp-mem %" SCNx64 " %n", &off, &n) == 1 && line[n])
		return parse_mem_line(snap, line + n, off);
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

int vlp_snapshot_start(struct vlp_ctx *ctx, struct vlp_device *dev)
{
	if (dev->recording)
		return 0;
	dev->recording = vlp_snapshot_new();
	return dev->recording ? 0 : vlp_error(ctx, ENOMEM, "out of memory");
}

int vlp_snapshot_write(struct vlp_ctx *ctx, FILE *f, const struct vlp_device *dev, const char *title)
{
	const struct vlp_slot *s = &dev->slot;
	uint8_t line[16];

	fprintf(f, "%04x:%02x:%02x.%u %s\n", (unsigned)s->domain, s->bus, s->dev, s->func,
		title ? title : "virtio-lspci snapshot");
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
	if (dev->recording)
		for (size_t i = 0; i < dev->recording->count; i++) {
			const struct recorded_read *r = &dev->recording->records[i];

			fprintf(f, "# vlp-read %u 0x%" PRIx64 " %u ", r->bar, r->off, r->width);
			if (r->selector < 0)
				fputs("-", f);
			else
				fprintf(f, "%" PRId64, r->selector);
			fprintf(f, " 0x%0*" PRIx32 "\n", r->width * 2, r->value);
		}
	for (size_t i = 0; dev->recording && i < dev->recording->nmem; i++) {
		const struct mem_range *m = &dev->recording->mem[i];

		for (size_t off = 0; off < m->len; off += VLP_MEM_LINE) {
			fprintf(f, "# vlp-mem 0x%" PRIx64 " ", m->pa + off);
			for (size_t b = off; b < m->len && b < off + VLP_MEM_LINE; b++)
				fprintf(f, "%02x", m->bytes[b]);
			fputc('\n', f);
		}
	}
	fputc('\n', f);
	if (ferror(f))
		return vlp_error(ctx, EIO, "writing the snapshot: %s", strerror(errno));
	return 0;
}
