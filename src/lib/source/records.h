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

/* Guest memory: contiguous bytes from pa on. */
struct mem_range {
	uint64_t pa;
	uint8_t *bytes;
	size_t len, alloc;
};

/* Ring memory a snapshot may hold: 64 queues of 32768 entries stay far
 * below; a hostile file does not make us allocate without bound. */
#define VLP_MEM_MAX (256u << 20)

struct vlp_snapshot {
	struct recorded_read *records;
	size_t count, alloc;
	char backend[32]; /* how the capture reached the BARs */
	struct mem_range *mem;
	size_t nmem, mem_alloc;
	uint64_t mem_bytes;
	struct vlp_guestmem *guestmem; /* replay: built from mem on first use */
};

#endif
