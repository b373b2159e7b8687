/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A snapshot's store (records.c): register reads keyed by BAR, offset, width
 * and selector, and guest memory ranges.  bar.c records into it and replays
 * from it; snapshot.c reads and writes it as text. */
#ifndef VLP_RECORDS_H
#define VLP_RECORDS_H

#include "internal.h"

struct recorded_read {
	uint64_t off;
	int64_t selector;
	uint32_t value;
	uint8_t bar, width;
};

/* Guest memory: contiguous bytes from pa on (pa + len may be 2^64, never
 * more). */
struct mem_range {
	uint64_t pa;
	uint8_t *bytes;
	size_t len, alloc;
};

/* Ring memory a snapshot may hold: 64 queues of 32768 entries stay far
 * below; a hostile file does not make us allocate without bound. */
#define VLP_MEM_MAX (256u << 20)

/* Lines of the input refused alone (a bad "# vlp-mem" range): the first
 * VLP_SNAPSHOT_WARNINGS are kept word for word, the rest counted. */
#define VLP_SNAPSHOT_WARNINGS 8u
#define VLP_SNAPSHOT_WARNING_LEN 200u

struct vlp_snapshot {
	/* Reads in the order first made (a later read of the same key
	 * replaces the value in place), found through index: an open
	 * addressing hash table of record number + 1 (0: free slot), a
	 * power of two in size, at most half full. */
	struct recorded_read *records;
	size_t count, alloc;
	uint32_t *index;
	size_t index_size;
	char backend[32]; /* how the capture reached the BARs */
	struct mem_range *mem;
	size_t nmem, mem_alloc;
	uint64_t mem_bytes;
	struct vlp_guestmem *guestmem; /* replay: built from mem on first use */
	char (*warnings)[VLP_SNAPSHOT_WARNING_LEN];
	size_t nwarnings;   /* kept, at most VLP_SNAPSHOT_WARNINGS */
	unsigned long more; /* refused past those */
	char more_text[VLP_SNAPSHOT_WARNING_LEN];
};

#endif
