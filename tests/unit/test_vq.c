/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Virtqueues driven from user space, without hardware: the memory plan
 * (ring layout), descriptors and avail/used written into plain memory and
 * read back by the ring decoder, used entries taken back (split and
 * packed), the IOMMU refusal on a made-up sysfs, and the refusals on a
 * snapshot (snapshots are never written). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

/* A context and a queue on plain memory at base, or the test fails. */
static struct vlp_vq *new_vq(struct vlp_ctx **ctx, unsigned size, enum vlp_ring_format format,
			     uint64_t features, uint64_t base)
{
	struct vlp_vq *vq = NULL;

	assert_int_equal(vlp_ctx_new(ctx), 0);
	assert_int_equal(vlp_vq_new(*ctx, size, format, features, VLP_DMA_PLAIN, base, &vq), 0);
	return vq;
}

static void test_layout(void **state)
{
	struct vlp_vq_layout l;
	struct vlp_ctx *ctx;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	/* 2.7: 16 bytes per descriptor, 6 + 2n available, 6 + 8n used */
	assert_int_equal(vlp_vq_layout(ctx, 8, VLP_RING_SPLIT, &l), 0);
	assert_int_equal(l.desc_len, 128);
	assert_int_equal(l.driver_len, 22);
	assert_int_equal(l.device_len, 70);
	assert_int_equal(l.desc_off, 0);
	assert_int_equal(l.driver_off, 4096);
	assert_int_equal(l.device_off, 8192);
	assert_int_equal(l.total, 12288);
	/* 256: the descriptor area fills exactly one page */
	assert_int_equal(vlp_vq_layout(ctx, 256, VLP_RING_SPLIT, &l), 0);
	assert_int_equal(l.desc_len, 4096);
	assert_int_equal(l.driver_off, 4096);
	assert_int_equal(l.device_len, 2054);
	/* 1024: the descriptor area spans four pages */
	assert_int_equal(vlp_vq_layout(ctx, 1024, VLP_RING_SPLIT, &l), 0);
	assert_int_equal(l.driver_off, 16384);
	/* 2.8.10: packed event suppression structures are 4 bytes */
	assert_int_equal(vlp_vq_layout(ctx, 6, VLP_RING_PACKED, &l), 0);
	assert_int_equal(l.desc_len, 96);
	assert_int_equal(l.driver_len, 4);
	assert_int_equal(l.device_len, 4);
	/* refusals */
	assert_int_equal(vlp_vq_layout(ctx, 6, VLP_RING_SPLIT, &l), -22);
	assert_string_equal(vlp_ctx_error(ctx),
			    "queue size 6: a split ring's size is a power of 2 (2.7)");
	assert_int_equal(vlp_vq_layout(ctx, 0, VLP_RING_SPLIT, &l), -22);
	assert_string_equal(vlp_ctx_error(ctx), "queue size 0: give 1 to 32768");
	assert_int_equal(vlp_vq_layout(ctx, 65536, VLP_RING_PACKED, &l), -22);
	assert_int_not_equal(vlp_vq_layout(ctx, 8, VLP_RING_LEGACY_SPLIT, &l), 0);
	vlp_ctx_free(ctx);
}

static void test_plain_memory(void **state)
{
	struct vlp_ctx *ctx;
	struct vlp_dma *m;
	uint64_t pa;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_dma_alloc(ctx, 100, VLP_DMA_PLAIN, 0x5000, &m), 0);
	assert_int_equal(vlp_dma_kind(m), VLP_DMA_PLAIN);
	assert_string_equal(vlp_dma_kind_name(vlp_dma_kind(m)), "plain");
	assert_int_equal(vlp_dma_len(m), 100);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(((uint8_t *)vlp_dma_ptr(m))[i], 0);
	assert_int_equal(vlp_dma_pa(ctx, m, 16, 8, &pa), 0);
	assert_int_equal(pa, 0x5010);
	assert_int_equal(vlp_dma_pa(ctx, m, 96, 8, &pa), -34);
	assert_string_equal(vlp_ctx_error(ctx), "DMA memory: 8 bytes at 96: outside the 100 bytes");
	vlp_dma_free(m);
	assert_int_equal(vlp_dma_alloc(ctx, 0, VLP_DMA_PLAIN, 0, &m), -22);
	assert_int_equal(vlp_dma_alloc(ctx, VLP_DMA_MAX + 1, VLP_DMA_LOCKED, 0, &m), -22);
	assert_null(m);
	vlp_ctx_free(ctx);
}

/* Split: descriptors and avail as 2.7.5/2.7.6 lay them out, decoded by the
 * ring reader as two chains in flight; used entries written as a device
 * would, taken back with their data. */
static void test_split_post_and_reap(void **state)
{
	struct vlp_ring_params p = { 0 };
	struct vlp_guestmem *mem;
	struct vlp_vq_used u[4];
	const struct vlp_vq_info *info;
	struct vlp_ring *ring;
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	uint8_t *desc, *avail, *used;
	unsigned id0, id1;
	size_t n;

	(void)state;
	vq = new_vq(&ctx, 8, VLP_RING_SPLIT, 1ull << VLP_F_VERSION_1, 0x100000);
	info = vlp_vq_info(vq);
	assert_int_equal(info->desc_pa, 0x100000);
	assert_int_equal(info->driver_pa, 0x101000);
	assert_int_equal(info->device_pa, 0x102000);
	desc = vlp_vq_area(vq, VLP_VQ_DESC);
	avail = vlp_vq_area(vq, VLP_VQ_DRIVER);
	used = vlp_vq_area(vq, VLP_VQ_DEVICE);
	/* 2.7.7: interrupts suppressed, the used ring is polled */
	assert_int_equal(get16(avail), 1);
	assert_int_equal(vlp_vq_post(ctx, vq, true, NULL, 0, 64, &id0), 0);
	assert_int_equal(vlp_vq_post(ctx, vq, false, "\x01\x02", 2, 16, &id1), 0);
	assert_int_equal(id0, 0);
	assert_int_equal(id1, 1);
	/* descriptor 0: addr (the first buffer after the rings), len 64, WRITE */
	assert_int_equal(get32(desc) | (uint64_t)get32(desc + 4) << 32, 0x103000);
	assert_int_equal(get32(desc + 8), 64);
	assert_int_equal(get16(desc + 12), 2);
	assert_int_equal(get16(desc + 16 + 12), 0);
	assert_int_equal(get32(desc + 16 + 8), 16);
	assert_int_equal(get16(avail + 2), 2);
	assert_int_equal(get16(avail + 4), 0);
	assert_int_equal(get16(avail + 6), 1);
	assert_int_equal(info->in_flight, 2);

	/* the decoder sees the two chains in flight, and no finding */
	assert_int_equal(vlp_guestmem_new_recorded(ctx, &mem), 0);
	assert_int_equal(vlp_vq_add_to_guestmem(ctx, vq, mem), 0);
	p.format = VLP_RING_SPLIT;
	p.size = 8;
	p.desc = info->desc_pa;
	p.driver = info->driver_pa;
	p.device = info->device_pa;
	p.negotiated = 1ull << VLP_F_VERSION_1;
	assert_int_equal(vlp_ring_read(ctx, mem, &p, &ring), 0);
	assert_int_equal(ring->avail.idx, 2);
	assert_int_equal(ring->in_flight, 2);
	assert_int_equal(ring->nchains, 2);
	assert_int_equal(ring->nfindings, 0);
	vlp_ring_free(ring);
	vlp_guestmem_free(mem);

	/* nothing used yet */
	assert_int_equal(vlp_vq_reap(ctx, vq, u, 4, &n), 0);
	assert_int_equal(n, 0);
	/* the device uses buffer 0 (writes 64 bytes), then buffer 1 */
	assert_int_equal(vlp_vq_post(ctx, vq, true, NULL, 0, 8, &id0), 0);
	assert_int_equal(id0, 2);
	put32(used + 4, 0);
	put32(used + 8, 64);
	put32(used + 12, 1);
	put32(used + 16, 0);
	put16(used + 2, 2);
	assert_int_equal(vlp_vq_reap(ctx, vq, u, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(u[0].id, 0);
	assert_int_equal(u[0].len, 64);
	assert_true(u[0].device_writable);
	assert_false(u[0].len_exceeds);
	assert_int_equal(u[1].id, 1);
	assert_false(u[1].device_writable);
	assert_int_equal(u[1].data[0], 1);
	assert_int_equal(info->used_idx, 2);
	assert_int_equal(info->in_flight, 1);
	/* a used id that is not in flight is refused */
	put32(used + 4 + 16, 5);
	put32(used + 8 + 16, 0);
	put16(used + 2, 3);
	assert_int_equal(vlp_vq_reap(ctx, vq, u, 4, &n), -71);
	assert_string_equal(vlp_ctx_error(ctx),
			    "used entry with id 5: not a buffer in flight (2.7.8, 2.8.21)");
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

/* Held: chains posted (the descriptors and avail.ring written) stay
 * unavailable, avail.idx in memory unchanged, until released (2.7.13.3);
 * on a packed ring the lists' first flags wait (2.8.21). */
static void test_hold(void **state)
{
	struct vlp_vq_seg segs[2] = { { false, "\x07", 1, 1 }, { true, NULL, 0, 32 } };
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	uint8_t *desc, *avail;
	unsigned id0, id1;

	(void)state;
	vq = new_vq(&ctx, 8, VLP_RING_SPLIT, 1ull << VLP_F_VERSION_1, 0x100000);
	desc = vlp_vq_area(vq, VLP_VQ_DESC);
	avail = vlp_vq_area(vq, VLP_VQ_DRIVER);
	assert_int_equal(vlp_vq_hold(ctx, vq, true), 0);
	assert_int_equal(vlp_vq_post_chain(ctx, vq, segs, 2, &id0), 0);
	assert_int_equal(vlp_vq_post(ctx, vq, true, NULL, 0, 8, &id1), 0);
	/* written: both heads in avail.ring, the chain linked */
	assert_int_equal(get16(avail + 4), id0);
	assert_int_equal(get16(avail + 6), id1);
	assert_int_equal(get16(desc + 16 * id0 + 12), VLP_DESC_F_NEXT);
	/* not available: avail.idx still 0, the driver's count 2 */
	assert_int_equal(get16(avail + 2), 0);
	assert_int_equal(vlp_vq_info(vq)->avail_idx, 2);
	assert_int_equal(vlp_vq_next_avail(vq), 2);
	/* released: both at once */
	assert_int_equal(vlp_vq_hold(ctx, vq, false), 0);
	assert_int_equal(get16(avail + 2), 2);
	/* not held: a post is available at once */
	assert_int_equal(vlp_vq_post(ctx, vq, true, NULL, 0, 8, &id1), 0);
	assert_int_equal(get16(avail + 2), 3);
	vlp_vq_free(vq);

	assert_int_equal(vlp_vq_new(ctx, 8, VLP_RING_PACKED,
				    1ull << VLP_F_VERSION_1 | 1ull << VLP_F_RING_PACKED,
				    VLP_DMA_PLAIN, 0x100000, &vq),
			 0);
	desc = vlp_vq_area(vq, VLP_VQ_DESC);
	assert_int_equal(vlp_vq_hold(ctx, vq, true), 0);
	assert_int_equal(vlp_vq_post_chain(ctx, vq, segs, 2, &id0), 0);
	/* the second descriptor's flags written (WRITE, AVAIL: wrap counter 1),
	 * the first's not: the list is not available */
	assert_int_equal(get16(desc + 16 + 14), VLP_DESC_F_WRITE | VLP_DESC_F_AVAIL);
	assert_int_equal(get16(desc + 14), 0);
	{
		uint16_t f = 0;

		assert_int_equal(vlp_vq_held_flags(vq, 0, &f), 0);
		assert_int_equal(f, VLP_DESC_F_NEXT | VLP_DESC_F_AVAIL);
		assert_int_equal(vlp_vq_held_flags(vq, 1, &f), -ENOENT);
	}
	assert_int_equal(vlp_vq_hold(ctx, vq, false), 0);
	assert_int_equal(get16(desc + 14), VLP_DESC_F_NEXT | VLP_DESC_F_AVAIL);
	{
		uint16_t f;

		assert_int_equal(vlp_vq_held_flags(vq, 0, &f), -ENOENT);
	}
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

/* VIRTIO_F_EVENT_IDX: avail.flags stays 0 (2.7.7.1) and used_event is kept
 * far ahead of the used entries seen; the decoder finds nothing wrong. */
static void test_split_event_idx(void **state)
{
	struct vlp_ring_params p = { 0 };
	struct vlp_guestmem *mem;
	struct vlp_vq_used u[2];
	struct vlp_ring *ring;
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	uint8_t *avail, *used;
	uint64_t features = 1ull << VLP_F_VERSION_1 | 1ull << VLP_F_EVENT_IDX;
	unsigned id;
	size_t n;

	(void)state;
	vq = new_vq(&ctx, 4, VLP_RING_SPLIT, features, 0);
	avail = vlp_vq_area(vq, VLP_VQ_DRIVER);
	used = vlp_vq_area(vq, VLP_VQ_DEVICE);
	assert_int_equal(get16(avail), 0);
	assert_int_equal(get16(avail + 4 + 2 * 4), 0x7fff);
	assert_int_equal(vlp_vq_post(ctx, vq, true, NULL, 0, 16, &id), 0);
	put32(used + 4, id);
	put32(used + 8, 16);
	put16(used + 2, 1);
	assert_int_equal(vlp_vq_reap(ctx, vq, u, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(get16(avail + 4 + 2 * 4), 0x8000);
	assert_int_equal(vlp_guestmem_new_recorded(ctx, &mem), 0);
	assert_int_equal(vlp_vq_add_to_guestmem(ctx, vq, mem), 0);
	p.format = VLP_RING_SPLIT;
	p.size = 4;
	p.desc = vlp_vq_info(vq)->desc_pa;
	p.driver = vlp_vq_info(vq)->driver_pa;
	p.device = vlp_vq_info(vq)->device_pa;
	p.negotiated = features;
	assert_int_equal(vlp_ring_read(ctx, mem, &p, &ring), 0);
	assert_int_equal(ring->nfindings, 0);
	assert_int_equal(ring->used.idx, 1);
	vlp_ring_free(ring);
	vlp_guestmem_free(mem);
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

/* Packed (2.8.1): AVAIL = the wrap counter, USED = its inverse; the device
 * marks a descriptor used by making both equal to its wrap counter. */
static void test_packed_post_and_reap(void **state)
{
	struct vlp_vq_used u[4];
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	uint8_t *desc;
	unsigned id;
	size_t n;

	(void)state;
	vq = new_vq(&ctx, 2, VLP_RING_PACKED, 0, 0x200000);
	desc = vlp_vq_area(vq, VLP_VQ_DESC);
	/* 2.8.10: RING_EVENT_FLAGS_DISABLE in the driver area */
	assert_int_equal(get16(vlp_vq_area(vq, VLP_VQ_DRIVER) + 2), 1);
	assert_int_equal(vlp_vq_post(ctx, vq, true, NULL, 0, 32, &id), 0);
	assert_int_equal(get16(desc + 14), 0x0082); /* AVAIL | WRITE */
	assert_int_equal(get16(desc + 12), id);
	/* the device: len 32, flags AVAIL | USED | WRITE */
	put32(desc + 8, 32);
	put16(desc + 14, 0x8082);
	assert_int_equal(vlp_vq_reap(ctx, vq, u, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].len, 32);
	/* second and third: the third wraps to slot 0 with the counter 0 */
	assert_int_equal(vlp_vq_post(ctx, vq, false, NULL, 0, 4, &id), 0);
	assert_int_equal(get16(desc + 16 + 14), 0x0080);
	assert_int_equal(vlp_vq_post(ctx, vq, false, NULL, 0, 4, &id), 0);
	assert_int_equal(get16(desc + 14), 0x8000); /* USED only: wrap counter 0 */
	/* no VIRTIO_F_EVENT_IDX: no descriptor event */
	assert_int_equal(vlp_vq_used_event(ctx, vq, 0, 0x8001), -ENOTSUP);
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

/* 2.8.10, 2.8.14 with VIRTIO_F_EVENT_IDX: RING_EVENT_FLAGS_DESC at an
 * off_wrap; the next used position as one (slot, wrap counter in bit 15). */
static void test_packed_event_desc(void **state)
{
	struct vlp_vq_used u[2];
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	uint8_t *desc, *drv;
	unsigned id;
	size_t n;

	(void)state;
	vq = new_vq(&ctx, 2, VLP_RING_PACKED, 1ull << VLP_F_EVENT_IDX, 0x200000);
	desc = vlp_vq_area(vq, VLP_VQ_DESC);
	drv = vlp_vq_area(vq, VLP_VQ_DRIVER);
	assert_int_equal(vlp_vq_next_used(vq), 0x8000); /* slot 0, wrap counter 1 */
	assert_int_equal(vlp_vq_used_event(ctx, vq, 0, 0x8001), 0);
	assert_int_equal(get16(drv), 0x8001);
	assert_int_equal(get16(drv + 2), VLP_EVENT_F_DESC);
	/* two used: the next used slot wraps to 0 with the counter 0 */
	for (unsigned k = 0; k < 2; k++) {
		assert_int_equal(vlp_vq_post(ctx, vq, true, NULL, 0, 8, &id), 0);
		put32(desc + 16 * k + 8, 8);
		put16(desc + 16 * k + 12, (uint16_t)id);
		put16(desc + 16 * k + 14, 0x8082);
		assert_int_equal(vlp_vq_reap(ctx, vq, u, 2, &n), 0);
		assert_int_equal(n, 1);
	}
	assert_int_equal(vlp_vq_next_used(vq), 0x0000);
	/* ENABLE again */
	assert_int_equal(vlp_vq_notifications(ctx, vq, 0, true), 0);
	assert_int_equal(get16(drv + 2), VLP_EVENT_F_ENABLE);
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

/* A packed chain (2.8.6): three descriptors in the next slots, NEXT on
 * all but the last, the first's flags written; one used descriptor for
 * the list, the next one expected three slots on (wrapping). */
static void test_packed_chain(void **state)
{
	const struct vlp_vq_seg segs[3] = { { false, "hdr", 3, 16 },
					    { true, NULL, 0, 512 },
					    { true, NULL, 0, 1 } };
	struct vlp_vq_used u[4];
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	uint8_t *desc;
	unsigned id, id2;
	size_t n;

	(void)state;
	vq = new_vq(&ctx, 5, VLP_RING_PACKED, 0, 0x200000);
	desc = vlp_vq_area(vq, VLP_VQ_DESC);
	assert_int_equal(vlp_vq_post_chain(ctx, vq, segs, 3, &id), 0);
	assert_int_equal(get16(desc + 14), 0x0081);      /* AVAIL | NEXT */
	assert_int_equal(get16(desc + 16 + 14), 0x0083); /* AVAIL | WRITE | NEXT */
	assert_int_equal(get16(desc + 32 + 14), 0x0082); /* AVAIL | WRITE */
	assert_int_equal(get16(desc + 32 + 12), id);     /* the Buffer ID in the last */
	/* two slots left: a second chain of three does not fit */
	assert_int_equal(vlp_vq_post_chain(ctx, vq, segs, 3, &id2), -ENOSPC);
	put32(desc + 8, 513);
	put16(desc + 12, (uint16_t)id);
	put16(desc + 14, 0x8082);
	assert_int_equal(vlp_vq_reap(ctx, vq, u, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].nsegs, 3);
	assert_int_equal(u[0].len, 513);
	/* the next chain: slots 3, 4 and 0 (wrap counter 0 there) */
	assert_int_equal(vlp_vq_post_chain(ctx, vq, segs, 3, &id2), 0);
	assert_int_equal(get16(desc + 48 + 14), 0x0081);
	assert_int_equal(get16(desc + 14), 0x8002); /* USED | WRITE: wrapped */
	/* its used descriptor goes in slot 3 */
	put16(desc + 48 + 12, (uint16_t)id2);
	put16(desc + 48 + 14, 0x8080);
	assert_int_equal(vlp_vq_reap(ctx, vq, u, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].id, id2);
	/* 2.8.10: the driver's event flags through vlp_vq_notifications */
	assert_int_equal(vlp_vq_notifications(ctx, vq, 0, true), 0);
	assert_int_equal(get16(vlp_vq_area(vq, VLP_VQ_DRIVER) + 2), 0);
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

/* 2.8.7: an indirect table on a packed ring: one slot with INDIRECT, its
 * len the table's 16-byte descriptors; in the table WRITE only (no NEXT,
 * Buffer ID 0); the used descriptor gives the table's buffers back. */
static void test_packed_indirect(void **state)
{
	const struct vlp_vq_seg segs[3] = { { false, "hdr", 3, 16 },
					    { true, NULL, 0, 512 },
					    { true, NULL, 0, 1 } };
	const uint8_t *table;
	struct vlp_vq_used u[2];
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	uint8_t *desc;
	uint32_t len;
	unsigned id;
	size_t n;

	(void)state;
	vq = new_vq(&ctx, 2, VLP_RING_PACKED, 1ull << VLP_F_INDIRECT_DESC, 0x200000);
	desc = vlp_vq_area(vq, VLP_VQ_DESC);
	assert_int_equal(vlp_vq_post_indirect(ctx, vq, segs, 3, &id), 0);
	assert_int_equal(get16(desc + 14), 0x0084); /* AVAIL | INDIRECT */
	assert_int_equal(get32(desc + 8), 48);      /* three descriptors */
	assert_int_equal(get16(desc + 12), id);
	table = vlp_vq_buf(vq, id, &len);
	assert_non_null(table);
	assert_int_equal(get16(table + 14), 0);           /* readable, no NEXT */
	assert_int_equal(get16(table + 16 + 14), 0x0002); /* WRITE */
	assert_int_equal(get16(table + 32 + 14), 0x0002);
	assert_int_equal(get32(table + 16 + 8), 512);
	assert_int_equal(get16(table + 16 + 12), 0); /* Buffer ID reserved */
	/* one slot taken: the next post goes to slot 1 */
	assert_int_equal(vlp_vq_info(vq)->avail_idx, 1);
	put32(desc + 8, 513);
	put16(desc + 14, 0x8080);
	assert_int_equal(vlp_vq_reap(ctx, vq, u, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(u[0].id, id);
	assert_int_equal(u[0].nsegs, 3);
	assert_int_equal(u[0].seg_len[1], 512);
	assert_false(u[0].len_exceeds);
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

/* An IOMMU group of type DMA refuses; identity and no group do not. */
static void test_iommu_refusal(void **state)
{
	char root[] = "/tmp/vlp-vq-XXXXXX", path[256], target[256];
	struct vlp_slot slot = { 0, 0, 4, 0 };
	struct vlp_ctx *ctx;
	FILE *f;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/bus", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/bus/pci", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/bus/pci/devices", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:04.0", root);
	mkdir(path, 0700);
	assert_int_equal(vlp_dma_check_device(ctx, &slot, root), 0);
	snprintf(target, sizeof(target), "%s/group7", root);
	mkdir(target, 0700);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:04.0/iommu_group", root);
	assert_int_equal(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/group7/type", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("DMA\n", f);
	fclose(f);
	assert_int_equal(vlp_dma_check_device(ctx, &slot, root), -95);
	assert_string_equal(
		vlp_ctx_error(ctx),
		"DMA refused: the device is in IOMMU group group7 (type DMA): it would see IOVAs, not physical addresses");
	f = fopen(path, "w");
	fputs("identity\n", f);
	fclose(f);
	assert_int_equal(vlp_dma_check_device(ctx, &slot, root), 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:00:04.0/iommu_group", root);
	unlink(path);
	rmdir(target);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
	vlp_ctx_free(ctx);
}

/* A snapshot is never written: no queue, no bus mastering, whatever the
 * options (dry run included). */
static void test_snapshot_refusals(void **state)
{
	struct vlp_source_opts opts = { .dump_path = "tests/data/rings/rng-split.lspci",
					.virtio_only = true };
	struct vlp_bar_opts bopts = { .writable = true, .force = true };
	const struct vlp_access_stats *st;
	struct vlp_layout *layout;
	struct vlp_source *src;
	struct vlp_device *dev;
	struct vlp_vqs *vqs;
	struct vlp_ctx *ctx;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_source_open(ctx, &opts, &src), 0);
	assert_int_equal(vlp_source_next(src, &dev), 1);
	assert_int_equal(vlp_decode(ctx, dev, &layout), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, layout, &bopts), 0);
	assert_int_equal(vlp_vqs_open(ctx, dev, layout, NULL, &vqs), -30);
	assert_null(vqs);
	assert_string_equal(vlp_ctx_error(ctx), "queues refused: a snapshot is read-only");
	st = vlp_device_stats(dev);
	assert_int_equal(st->bar_writes, 0);
	assert_int_equal(st->config_writes, 0);
	/* closing nothing is nothing */
	assert_int_equal(vlp_vqs_close(ctx, NULL, NULL), 0);
	vlp_device_close_bars(dev);
	vlp_layout_free(layout);
	vlp_device_free(dev);
	vlp_source_close(src);
	vlp_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_plain_memory),
		cmocka_unit_test(test_split_post_and_reap),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_split_event_idx),
		cmocka_unit_test(test_packed_post_and_reap),
		cmocka_unit_test(test_packed_event_desc),
		cmocka_unit_test(test_packed_chain),
		cmocka_unit_test(test_packed_indirect),
		cmocka_unit_test(test_iommu_refusal),
		cmocka_unit_test(test_snapshot_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
