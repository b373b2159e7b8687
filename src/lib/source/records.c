/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The store behind snapshots: recorded register reads and guest memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

struct vlp_snapshot *vlp_snapshot_new(void)
{
	return calloc(1, sizeof(struct vlp_snapshot));
}

void vlp_snapshot_free(struct vlp_snapshot *snap)
{
	if (!snap)
		return;
	free(snap->records);
	for (size_t i = 0; i < snap->nmem; i++)
		free(snap->mem[i].bytes);
	free(snap->mem);
	vlp_guestmem_free(snap->guestmem);
	free(snap);
}

static struct recorded_read *find(const struct vlp_snapshot *snap, unsigned bar, uint64_t off,
				  unsigned width, int64_t selector)
{
	for (size_t i = snap->count; i-- > 0;) {
		struct recorded_read *r = &snap->records[i];

		if (r->bar == bar && r->off == off && r->width == width && r->selector == selector)
			return r;
	}
	return NULL;
}

int vlp_snapshot_add(struct vlp_snapshot *snap, unsigned bar, uint64_t off, unsigned width,
		     int64_t selector, uint32_t value)
{
	struct recorded_read *r = find(snap, bar, off, width, selector);

	if (r) { /* a later read of the same register wins */
		r->value = value;
		return 0;
	}
	if (vlp_grow((void **)&snap->records, &snap->alloc, snap->count, sizeof(*r), 64))
		return -ENOMEM;
	snap->records[snap->count++] =
		(struct recorded_read){ off, selector, value, (uint8_t)bar, (uint8_t)width };
	return 0;
}

int vlp_snapshot_lookup(const struct vlp_snapshot *snap, unsigned bar, uint64_t off, unsigned width,
			int64_t selector, uint32_t *value)
{
	const struct recorded_read *r = snap ? find(snap, bar, off, width, selector) : NULL;

	if (!r)
		return -ENODATA; /* not captured: shown as unavailable */
	*value = r->value;
	return 0;
}

int vlp_snapshot_add_mem(struct vlp_snapshot *snap, uint64_t pa, const void *bytes, size_t len)
{
	struct mem_range *m = snap->nmem ? &snap->mem[snap->nmem - 1] : NULL;

	if (!len)
		return 0;
	if (snap->mem_bytes + len > VLP_MEM_MAX)
		return -EFBIG;
	/* Bytes that go on where the last range ends extend it, so that a
	 * ring area read in one piece replays as one piece. */
	if (!m || m->pa + m->len != pa) {
		if (vlp_grow((void **)&snap->mem, &snap->mem_alloc, snap->nmem, sizeof(*m), 8))
			return -ENOMEM;
		m = &snap->mem[snap->nmem++];
		*m = (struct mem_range){ .pa = pa };
	}
	while (m->len + len > m->alloc)
		if (vlp_grow((void **)&m->bytes, &m->alloc, m->alloc, 1, 256))
			return -ENOMEM;
	memcpy(m->bytes + m->len, bytes, len);
	m->len += len;
	snap->mem_bytes += len;
	return 0;
}

struct vlp_guestmem *vlp_snapshot_guestmem(struct vlp_device *dev)
{
	struct vlp_snapshot *snap = dev->snapshot;

	if (!snap || !snap->nmem)
		return NULL;
	if (snap->guestmem)
		return snap->guestmem;
	if (vlp_guestmem_new_recorded(NULL, &snap->guestmem))
		return NULL;
	for (size_t i = 0; i < snap->nmem; i++)
		if (vlp_guestmem_add_range(NULL, snap->guestmem, snap->mem[i].pa,
					   snap->mem[i].bytes, snap->mem[i].len)) {
			vlp_guestmem_free(snap->guestmem);
			snap->guestmem = NULL;
			return NULL;
		}
	return snap->guestmem;
}
