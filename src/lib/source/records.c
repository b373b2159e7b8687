/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The store behind snapshots: recorded register reads and guest memory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "records.h"

#define INDEX_FIRST 256u /* slots of the first index: 128 reads */

struct vlp_snapshot *vlp_snapshot_new(void)
{
	return calloc(1, sizeof(struct vlp_snapshot));
}

void vlp_snapshot_free(struct vlp_snapshot *snap)
{
	if (!snap)
		return;
	free(snap->records);
	free(snap->index);
	for (size_t i = 0; i < snap->nmem; i++)
		free(snap->mem[i].bytes);
	free(snap->mem);
	vlp_guestmem_free(snap->guestmem);
	free(snap->warnings);
	free(snap);
}

/* 64-bit mix of the key (splitmix64's finaliser), so that offsets a
 * stride apart and selectors counting up spread over the table. */
static uint64_t key_hash(unsigned bar, uint64_t off, unsigned width, int64_t selector)
{
	uint64_t h = off * 0x9e3779b97f4a7c15u ^ (uint64_t)selector * 0xc2b2ae3d27d4eb4fu ^
		     ((uint64_t)bar << 8 | width);

	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9u;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebu;
	return h ^ h >> 31;
}

static bool same_key(const struct recorded_read *r, unsigned bar, uint64_t off, unsigned width,
		     int64_t selector)
{
	return r->bar == bar && r->off == off && r->width == width && r->selector == selector;
}

/* The index slot of the key: where it is, or the free slot where it goes.
 * The table is never full (at most half), so the probe ends. */
static size_t slot_of(const struct vlp_snapshot *snap, unsigned bar, uint64_t off, unsigned width,
		      int64_t selector)
{
	size_t mask = snap->index_size - 1;
	size_t i = (size_t)key_hash(bar, off, width, selector) & mask;

	while (snap->index[i] &&
	       !same_key(&snap->records[snap->index[i] - 1], bar, off, width, selector))
		i = (i + 1) & mask;
	return i;
}

/* Doubles the index (or makes the first) and puts every record back. */
static int grow_index(struct vlp_snapshot *snap)
{
	size_t size = snap->index_size ? snap->index_size * 2 : INDEX_FIRST;
	uint32_t *index;

	if (size > (size_t)UINT32_MAX || size > SIZE_MAX / sizeof(*index))
		return -ENOMEM;
	index = calloc(size, sizeof(*index));
	if (!index)
		return -ENOMEM;
	free(snap->index);
	snap->index = index;
	snap->index_size = size;
	for (size_t n = 0; n < snap->count; n++) {
		const struct recorded_read *r = &snap->records[n];

		snap->index[slot_of(snap, r->bar, r->off, r->width, r->selector)] = (uint32_t)n + 1;
	}
	return 0;
}

static struct recorded_read *find(const struct vlp_snapshot *snap, unsigned bar, uint64_t off,
				  unsigned width, int64_t selector)
{
	uint32_t n;

	if (!snap->index_size)
		return NULL;
	n = snap->index[slot_of(snap, bar, off, width, selector)];
	return n ? &snap->records[n - 1] : NULL;
}

int vlp_snapshot_add(struct vlp_snapshot *snap, unsigned bar, uint64_t off, unsigned width,
		     int64_t selector, uint32_t value)
{
	struct recorded_read *r = find(snap, bar, off, width, selector);

	if (r) { /* a later read of the same register wins */
		r->value = value;
		return 0;
	}
	if ((snap->count + 1) * 2 > snap->index_size && grow_index(snap))
		return -ENOMEM;
	if (vlp_grow((void **)&snap->records, &snap->alloc, snap->count, sizeof(*r), 64))
		return -ENOMEM;
	snap->index[slot_of(snap, bar, off, width, selector)] = (uint32_t)snap->count + 1;
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

/* pa + len - 1 without passing 2^64 - 1: the range may end at 2^64
 * exactly, not beyond. */
bool vlp_snapshot_range_fits(uint64_t pa, size_t len)
{
	return len && (uint64_t)(len - 1) <= UINT64_MAX - pa;
}

int vlp_snapshot_add_mem(struct vlp_snapshot *snap, uint64_t pa, const void *bytes, size_t len)
{
	struct mem_range *m = snap->nmem ? &snap->mem[snap->nmem - 1] : NULL;

	if (!len)
		return 0;
	if (!vlp_snapshot_range_fits(pa, len))
		return -ERANGE;
	if (len > VLP_MEM_MAX - snap->mem_bytes)
		return -EFBIG;
	/* Bytes that go on where the last range ends extend it, so that a
	 * ring area read in one piece replays as one piece (a range that
	 * ends at 2^64 is not continued at 0). */
	if (!m || pa <= m->pa || pa - m->pa != m->len) {
		if (vlp_grow((void **)&snap->mem, &snap->mem_alloc, snap->nmem, sizeof(*m), 8))
			return -ENOMEM;
		m = &snap->mem[snap->nmem++];
		*m = (struct mem_range){ .pa = pa };
	}
	while (m->len + len > m->alloc)
		if (vlp_grow((void **)&m->bytes, &m->alloc, m->alloc, 1, len))
			return -ENOMEM;
	memcpy(m->bytes + m->len, bytes, len);
	m->len += len;
	snap->mem_bytes += len;
	return 0;
}

struct vlp_guestmem *vlp_snapshot_guestmem(struct vlp_device *dev)
{
	struct vlp_snapshot *snap = dev->snapshot;
	size_t added = 0;

	if (!snap || !snap->nmem)
		return NULL;
	if (snap->guestmem)
		return snap->guestmem;
	if (vlp_guestmem_new_recorded(NULL, &snap->guestmem))
		return NULL;
	/* Every range was checked when it was recorded; one that cannot be
	 * added (out of memory) does not take the others with it. */
	for (size_t i = 0; i < snap->nmem; i++)
		if (!vlp_guestmem_add_range(NULL, snap->guestmem, snap->mem[i].pa,
					    snap->mem[i].bytes, snap->mem[i].len))
			added++;
	if (!added) {
		vlp_guestmem_free(snap->guestmem);
		snap->guestmem = NULL;
	}
	return snap->guestmem;
}

void vlp_snapshot_warn(struct vlp_snapshot *snap, const char *name, unsigned long line, const char *why)
{
	if (!snap->warnings)
		snap->warnings = calloc(VLP_SNAPSHOT_WARNINGS, sizeof(*snap->warnings));
	if (snap->warnings && snap->nwarnings < VLP_SNAPSHOT_WARNINGS) {
		snprintf(snap->warnings[snap->nwarnings++], sizeof(*snap->warnings), "%s:%lu: %s",
			 name, line, why);
		return;
	}
	snap->more++;
	snprintf(snap->more_text, sizeof(snap->more_text),
		 "%s: %lu more snapshot lines refused, the last at line %lu", name, snap->more, line);
}

const char *vlp_device_warning(const struct vlp_device *dev, size_t i)
{
	const struct vlp_snapshot *snap = dev ? dev->snapshot : NULL;

	if (!snap)
		return NULL;
	if (i < snap->nwarnings)
		return snap->warnings[i];
	return i == snap->nwarnings && snap->more ? snap->more_text : NULL;
}
