/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest memory and the virtqueue ring decoder: synthetic rings laid out in
 * recorded guest memory (split, legacy, packed, one per fault, hostile
 * memory), and the kcore backend over a synthetic ELF64 core file. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"
#include "output.h"

#define F_INDIRECT (1ull << 28)
#define F_EVENT_IDX (1ull << 29)
#define F_PACKED (1ull << 34)

#define BASE 0x100000ull   /* guest-physical start of the synthetic memory */
#define MEM_LEN (2u << 20) /* 2 MiB: room for a 32768-entry ring */
#define DESC (BASE)        /* split: 16 x size */
#define INDIRECT_TAB (BASE + 0x180000)

static struct vlp_ctx *ctx;
static uint8_t *mem; /* the bytes at BASE */

static void put(uint64_t pa, uint64_t v, unsigned width)
{
	assert_true(pa >= BASE && pa + width <= BASE + MEM_LEN);
	for (unsigned i = 0; i < width; i++)
		mem[pa - BASE + i] = (uint8_t)(v >> (8 * i));
}

static void desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	put(table + 16u * i, addr, 8);
	put(table + 16u * i + 8, len, 4);
	put(table + 16u * i + 12, flags, 2);
	put(table + 16u * i + 14, next, 2);
}

static void pdesc(uint64_t ring, unsigned i, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags)
{
	put(ring + 16u * i, addr, 8);
	put(ring + 16u * i + 8, len, 4);
	put(ring + 16u * i + 12, id, 2);
	put(ring + 16u * i + 14, flags, 2);
}

/* A split ring of size entries: avail right after the table, used at the
 * next 4-byte boundary after avail. */
struct split {
	unsigned size;
	uint64_t desc, avail, used;
};

static struct split split_at(unsigned size)
{
	struct split s = { size, DESC, DESC + 16u * size, 0 };

	s.used = (s.avail + 6 + 2u * size + 3) & ~3ull;
	return s;
}

static void avail(const struct split *s, uint16_t flags, uint16_t idx, uint16_t used_event)
{
	put(s->avail, flags, 2);
	put(s->avail + 2, idx, 2);
	put(s->avail + 4 + 2u * s->size, used_event, 2);
}

static void avail_ring(const struct split *s, uint16_t pos, uint16_t head)
{
	put(s->avail + 4 + 2u * (pos % s->size), head, 2);
}

static void used(const struct split *s, uint16_t flags, uint16_t idx, uint16_t avail_event)
{
	put(s->used, flags, 2);
	put(s->used + 2, idx, 2);
	put(s->used + 4 + 8u * s->size, avail_event, 2);
}

static void used_elem(const struct split *s, uint16_t pos, uint32_t id, uint32_t len)
{
	put(s->used + 4 + 8u * (pos % s->size), id, 4);
	put(s->used + 8 + 8u * (pos % s->size), len, 4);
}

static struct vlp_guestmem *memory(void)
{
	struct vlp_guestmem *gm;

	assert_int_equal(vlp_guestmem_new_recorded(ctx, &gm), 0);
	assert_int_equal(vlp_guestmem_add_range(ctx, gm, BASE, mem, MEM_LEN), 0);
	return gm;
}

static struct vlp_ring *read_split(const struct split *s, uint64_t features)
{
	struct vlp_ring_params p = { .format = VLP_RING_SPLIT,
				     .size = s->size,
				     .desc = s->desc,
				     .driver = s->avail,
				     .device = s->used,
				     .negotiated = features };
	struct vlp_guestmem *gm = memory();
	struct vlp_ring *r;

	assert_int_equal(vlp_ring_read(ctx, gm, &p, &r), 0);
	assert_non_null(r);
	vlp_guestmem_free(gm);
	return r;
}

static const struct vlp_finding *find(const struct vlp_ring *r, const char *check)
{
	for (size_t i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].check, check))
			return &r->findings[i];
	return NULL;
}

/* Exactly one finding of that check, in that section; returns it. */
static const struct vlp_finding *expect(const struct vlp_ring *r, const char *check, const char *section)
{
	const struct vlp_finding *f = find(r, check);
	size_t n = 0;

	if (!f) {
		for (size_t i = 0; i < r->nfindings; i++)
			print_message("  finding %s: %s\n", r->findings[i].check,
				      r->findings[i].message);
		fail_msg("no %s finding", check);
	}
	for (size_t i = 0; i < r->nfindings; i++)
		n += !strcmp(r->findings[i].check, check);
	assert_int_equal(n, 1);
	if (section)
		assert_string_equal(f->section, section);
	else
		assert_null(f->section);
	/* the id is a row of the ring check table */
	for (size_t i = 0;; i++) {
		assert_non_null(vlp_ring_check_at(i));
		if (!strcmp(vlp_ring_check_at(i)->id, check))
			break;
	}
	assert_true(f->severity <= VLP_SEV_ERROR);
	return f;
}

static void no_findings(const struct vlp_ring *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		print_message("  unexpected %s: %s\n", r->findings[i].check, r->findings[i].message);
	assert_int_equal(r->nfindings, 0);
}

static int setup(void **state)
{
	(void)state;
	memset(mem, 0, MEM_LEN);
	return 0;
}

/* A healthy split ring: used idx 5, avail idx 7, two chains in flight,
 * the second through an indirect table; five used entries of which the
 * newest name free chains 0 and 1. */
static void healthy_split(const struct split *s)
{
	avail(s, 0, 7, 0);
	used(s, 0, 5, 0);
	avail_ring(s, 5, 2);
	avail_ring(s, 6, 6);
	desc(s->desc, 2, 0x200000, 16, 1 /* NEXT */, 3);
	desc(s->desc, 3, 0x201000, 512, 3 /* NEXT|WRITE */, 4);
	desc(s->desc, 4, 0x202000, 1, 2 /* WRITE */, 0);
	desc(s->desc, 6, INDIRECT_TAB, 48, 4 /* INDIRECT */, 0);
	desc(INDIRECT_TAB, 0, 0x300000, 16, 1, 1);
	desc(INDIRECT_TAB, 1, 0x301000, 4096, 3, 2);
	desc(INDIRECT_TAB, 2, 0x302000, 1, 2, 0);
	desc(s->desc, 0, 0x203000, 100, 2, 0);
	desc(s->desc, 1, 0x204000, 10, 0, 0);
	for (unsigned i = 0; i < 5; i++)
		used_elem(s, (uint16_t)i, i % 2, i % 2 ? 0 : 100);
}

static void test_split_healthy(void **state)
{
	struct split s = split_at(8);
	struct vlp_ring *r;
	const struct vlp_ring_chain *c;

	(void)state;
	healthy_split(&s);
	r = read_split(&s, F_INDIRECT);
	no_findings(r);
	assert_int_equal(r->format, VLP_RING_SPLIT);
	assert_true(r->desc_read && r->driver_read && r->device_read);
	assert_int_equal(r->avail.idx, 7);
	assert_int_equal(r->used.idx, 5);
	assert_int_equal(r->in_flight, 2);
	assert_int_equal(r->avail.ring[5], 2);
	assert_int_equal(r->nchains, 2);

	c = &r->chains[0];
	assert_int_equal(c->position, 5);
	assert_int_equal(c->head, 2);
	assert_true(c->complete);
	assert_int_equal(c->ndescs, 3);
	assert_int_equal(c->descs[0].index, 2);
	assert_int_equal(c->descs[0].addr, 0x200000);
	assert_int_equal(c->descs[0].len, 16);
	assert_int_equal(c->descs[0].flags, VLP_DESC_F_NEXT);
	assert_int_equal(c->descs[0].next, 3);
	assert_int_equal(c->descs[2].index, 4);
	assert_int_equal(c->readable, 16);
	assert_int_equal(c->writable, 513);

	c = &r->chains[1];
	assert_int_equal(c->position, 6);
	assert_int_equal(c->head, 6);
	assert_int_equal(c->ndescs, 1);
	assert_int_equal(c->descs[0].flags, VLP_DESC_F_INDIRECT);
	assert_int_equal(c->descs[0].nindirect, 3);
	assert_int_equal(c->descs[0].indirect[1].addr, 0x301000);
	assert_int_equal(c->descs[0].indirect[1].len, 4096);
	assert_int_equal(c->descs[0].indirect[2].index, 2);
	assert_int_equal(c->readable, 16);
	assert_int_equal(c->writable, 4097);
	assert_true(c->complete);

	assert_int_equal(r->used.nlast, 5);
	assert_int_equal(r->used.last[0].position, 0);
	assert_int_equal(r->used.last[4].position, 4);
	assert_int_equal(r->used.last[4].id, 0);
	assert_int_equal(r->used.last[4].len, 100);
	/* 16 x 8 + (6 + 2 x 8) + (6 + 8 x 8) + the 48-byte indirect table */
	assert_int_equal(r->bytes_read, 128 + 22 + 70 + 48);
	vlp_ring_free(r);
}

/* The idx fields are free-running: avail 1, used 65535 is 2 in flight. */
static void test_split_wrap(void **state)
{
	struct split s = split_at(4);
	struct vlp_ring *r;

	(void)state;
	avail(&s, 0, 1, 0);
	used(&s, 0, 0xffff, 0);
	avail_ring(&s, 0xffff, 1);
	avail_ring(&s, 0, 2);
	desc(s.desc, 1, 0x200000, 8, 0, 0);
	desc(s.desc, 2, 0x200000, 8, 2, 0);
	r = read_split(&s, 0);
	no_findings(r);
	assert_int_equal(r->in_flight, 2);
	assert_int_equal(r->chains[0].position, 0xffff);
	assert_int_equal(r->chains[0].head, 1);
	assert_int_equal(r->chains[1].position, 0);
	assert_int_equal(r->chains[1].head, 2);
	assert_int_equal(r->used.nlast, 4); /* used idx 65535: the last 4 */
	assert_int_equal(r->used.last[3].position, 0xfffe);
	vlp_ring_free(r);
}

static void test_legacy_layout(void **state)
{
	uint64_t d, a, u;
	struct vlp_ring_params p = { .format = VLP_RING_LEGACY_SPLIT, .size = 8 };
	struct vlp_guestmem *gm;
	struct vlp_ring *r;
	struct split s;

	(void)state;
	/* 256 entries: 4096 bytes of descriptors, avail 6 + 512 (+ used_event
	 * counted in 2 x (3 + 256)), used at the next 4096 boundary. */
	vlp_ring_legacy_layout(0x12, 256, &d, &a, &u);
	assert_int_equal(d, 0x12000);
	assert_int_equal(a, 0x13000);
	assert_int_equal(u, 0x14000);
	/* 8 entries: all of desc and avail in the first page. */
	vlp_ring_legacy_layout(0x100, 8, &d, &a, &u);
	assert_int_equal(d, 0x100000);
	assert_int_equal(a, 0x100080);
	assert_int_equal(u, 0x101000);
	/* 1024 entries: avail ends at 16384 + 2054, used at 20480. */
	vlp_ring_legacy_layout(1, 1024, &d, &a, &u);
	assert_int_equal(u - d, 20480);
	assert_int_equal(vlp_ring_format_for(F_PACKED, true), VLP_RING_LEGACY_SPLIT);
	assert_int_equal(vlp_ring_format_for(F_PACKED, false), VLP_RING_PACKED);
	assert_int_equal(vlp_ring_format_for(F_INDIRECT, false), VLP_RING_SPLIT);
	assert_string_equal(vlp_ring_format_name(VLP_RING_LEGACY_SPLIT), "legacy-split");

	/* The healthy ring laid out the legacy way, read through the PFN. */
	s = (struct split){ 8, 0x100000, 0x100080, 0x101000 };
	healthy_split(&s);
	p.pfn = 0x100;
	p.negotiated = F_INDIRECT;
	gm = memory();
	assert_int_equal(vlp_ring_read(ctx, gm, &p, &r), 0);
	no_findings(r);
	assert_int_equal(r->format, VLP_RING_LEGACY_SPLIT);
	assert_int_equal(r->device_addr, 0x101000);
	assert_int_equal(r->in_flight, 2);
	assert_int_equal(r->chains[1].descs[0].nindirect, 3);
	vlp_ring_free(r);
	vlp_guestmem_free(gm);
}

/* Packed, first lap (wrap counter 1): slots 0-1 used, a three-descriptor
 * list at 2-4 (id 7), an indirect one at 5 (id 9), 6-7 never written. */
#define P_AVAIL VLP_DESC_F_AVAIL
#define P_USED (VLP_DESC_F_AVAIL | VLP_DESC_F_USED)
static void healthy_packed(uint64_t ring)
{
	pdesc(ring, 0, 0, 100, 3, P_USED | VLP_DESC_F_WRITE);
	pdesc(ring, 1, 0, 0, 4, P_USED);
	pdesc(ring, 2, 0x200000, 16, 7, P_AVAIL | VLP_DESC_F_NEXT);
	pdesc(ring, 3, 0x201000, 512, 7, P_AVAIL | VLP_DESC_F_NEXT | VLP_DESC_F_WRITE);
	pdesc(ring, 4, 0x202000, 1, 7, P_AVAIL | VLP_DESC_F_WRITE);
	pdesc(ring, 5, INDIRECT_TAB, 32, 9, P_AVAIL | VLP_DESC_F_INDIRECT);
	pdesc(INDIRECT_TAB, 0, 0x300000, 16, 0, 0);
	pdesc(INDIRECT_TAB, 1, 0x301000, 64, 0, VLP_DESC_F_WRITE);
}

static struct vlp_ring *read_packed(unsigned size, uint64_t features)
{
	struct vlp_ring_params p = { .format = VLP_RING_PACKED,
				     .size = size,
				     .desc = DESC,
				     .driver = DESC + 16u * size,
				     .device = DESC + 16u * size + 4,
				     .negotiated = features | F_PACKED };
	struct vlp_guestmem *gm = memory();
	struct vlp_ring *r;

	assert_int_equal(vlp_ring_read(ctx, gm, &p, &r), 0);
	vlp_guestmem_free(gm);
	return r;
}

static void test_packed_healthy(void **state)
{
	struct vlp_ring *r;
	const struct vlp_ring_chain *c;

	(void)state;
	healthy_packed(DESC);
	put(DESC + 128, 0x8003, 2); /* driver: off 3, wrap 1 */
	put(DESC + 128 + 2, VLP_EVENT_F_ENABLE, 2);
	put(DESC + 132 + 2, VLP_EVENT_F_DISABLE, 2);
	r = read_packed(8, F_INDIRECT);
	no_findings(r);
	assert_int_equal(r->format, VLP_RING_PACKED);
	assert_int_equal(r->next_avail, 6);
	assert_true(r->avail_wrap);
	assert_int_equal(r->driver_event.desc, 0x8003);
	assert_int_equal(r->driver_event.flags, 0);
	assert_int_equal(r->device_event.flags, 1);
	assert_int_equal(r->in_flight, 2);
	assert_int_equal(r->nchains, 2);
	c = &r->chains[0];
	assert_int_equal(c->position, 2);
	assert_int_equal(c->id, 7);
	assert_int_equal(c->ndescs, 3);
	assert_int_equal(c->descs[1].len, 512);
	assert_int_equal(c->readable, 16);
	assert_int_equal(c->writable, 513);
	assert_true(c->complete);
	c = &r->chains[1];
	assert_int_equal(c->position, 5);
	assert_int_equal(c->id, 9);
	assert_int_equal(c->descs[0].nindirect, 2);
	assert_int_equal(c->descs[0].indirect[1].len, 64);
	assert_int_equal(c->writable, 64);
	vlp_ring_free(r);

	/* Second lap (wrap 0): slots 0-1 rewritten with AVAIL 0, USED 1. */
	pdesc(DESC, 0, 0x400000, 8, 1, VLP_DESC_F_USED);
	pdesc(DESC, 1, 0x400000, 8, 2, P_USED); /* previous lap, used */
	pdesc(DESC, 2, 0, 0, 7, P_USED);
	pdesc(DESC, 3, 0, 0, 8, P_USED);
	pdesc(DESC, 4, 0, 0, 9, P_USED);
	pdesc(DESC, 5, 0, 0, 9, P_USED);
	pdesc(DESC, 6, 0, 0, 5, P_USED);
	pdesc(DESC, 7, 0, 0, 6, P_USED);
	r = read_packed(8, F_INDIRECT);
	no_findings(r);
	assert_int_equal(r->next_avail, 1);
	assert_false(r->avail_wrap);
	assert_int_equal(r->nchains, 1);
	assert_int_equal(r->chains[0].position, 0);
	assert_int_equal(r->chains[0].id, 1);
	vlp_ring_free(r);
}

/* ---------------------------------------------------------------- faults */

/* One chain in flight at position 0, head 0 (the fault tests' base). */
static struct split one_chain(void)
{
	struct split s = split_at(8);

	avail(&s, 0, 1, 0);
	used(&s, 0, 0, 0);
	avail_ring(&s, 0, 0);
	return s;
}

static void test_head_range(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	avail_ring(&s, 0, 8);
	r = read_split(&s, 0);
	expect(r, "ring-head-range", "2.7.5");
	assert_int_equal(r->nchains, 1);
	assert_int_equal(r->chains[0].ndescs, 0);
	assert_false(r->chains[0].complete);
	vlp_ring_free(r);
}

static void test_chain_loop(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	desc(s.desc, 0, 0x200000, 8, 1, 1);
	desc(s.desc, 1, 0x200000, 8, 1, 0);
	r = read_split(&s, 0);
	expect(r, "ring-chain-loop", "2.7.5.2");
	assert_int_equal(r->chains[0].ndescs, 2);
	assert_false(r->chains[0].complete);
	vlp_ring_free(r);
}

static void test_chain_length(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	desc(s.desc, 0, INDIRECT_TAB, 16 * 10, VLP_DESC_F_INDIRECT, 0);
	for (unsigned i = 0; i < 10; i++)
		desc(INDIRECT_TAB, i, 0x200000, 8, i < 9 ? VLP_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	r = read_split(&s, F_INDIRECT);
	expect(r, "ring-chain-length", "2.7.5.3.1");
	assert_int_equal(r->chains[0].descs[0].nindirect, 10);
	vlp_ring_free(r);
}

static void test_next_range(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	desc(s.desc, 0, 0x200000, 8, VLP_DESC_F_NEXT, 8);
	r = read_split(&s, 0);
	expect(r, "ring-next-range", "2.7.5");
	vlp_ring_free(r);

	/* inside an indirect table: next beyond its 2 entries */
	desc(s.desc, 0, INDIRECT_TAB, 32, VLP_DESC_F_INDIRECT, 0);
	desc(INDIRECT_TAB, 0, 0x200000, 8, VLP_DESC_F_NEXT, 2);
	r = read_split(&s, F_INDIRECT);
	expect(r, "ring-next-range", "2.7.5.3");
	vlp_ring_free(r);
}

static void test_indirect_next(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	desc(s.desc, 0, INDIRECT_TAB, 16, VLP_DESC_F_INDIRECT | VLP_DESC_F_NEXT, 1);
	desc(INDIRECT_TAB, 0, 0x200000, 8, 0, 0);
	r = read_split(&s, F_INDIRECT);
	expect(r, "ring-indirect-next", "2.7.5.3.1");
	vlp_ring_free(r);
}

static void test_indirect_nested(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	desc(s.desc, 0, INDIRECT_TAB, 16, VLP_DESC_F_INDIRECT, 0);
	desc(INDIRECT_TAB, 0, INDIRECT_TAB, 16, VLP_DESC_F_INDIRECT, 0);
	r = read_split(&s, F_INDIRECT);
	expect(r, "ring-indirect-nested", "2.7.5.3.1");
	/* the nested table is not followed */
	assert_null(r->chains[0].descs[0].indirect[0].indirect);
	vlp_ring_free(r);
}

static void test_indirect_len(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	desc(s.desc, 0, INDIRECT_TAB, 40, VLP_DESC_F_INDIRECT, 0);
	r = read_split(&s, F_INDIRECT);
	expect(r, "ring-indirect-len", "2.7.5.3");
	assert_int_equal(r->chains[0].descs[0].nindirect, 1); /* 40 / 16 entries, ends at the first */
	vlp_ring_free(r);

	desc(s.desc, 0, INDIRECT_TAB, 0, VLP_DESC_F_INDIRECT, 0);
	r = read_split(&s, F_INDIRECT);
	expect(r, "ring-indirect-len", "2.7.5.3");
	assert_int_equal(r->chains[0].descs[0].nindirect, 0);
	vlp_ring_free(r);
}

static void test_indirect_feature(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	desc(s.desc, 0, INDIRECT_TAB, 16, VLP_DESC_F_INDIRECT, 0);
	r = read_split(&s, 0);
	expect(r, "ring-indirect-feature", "2.7.5.3.1");
	assert_int_equal(r->nfindings, 1);
	vlp_ring_free(r);
}

static void test_write_order(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;

	(void)state;
	desc(s.desc, 0, 0x200000, 8, VLP_DESC_F_WRITE | VLP_DESC_F_NEXT, 1);
	desc(s.desc, 1, 0x200000, 8, 0, 0);
	r = read_split(&s, 0);
	expect(r, "ring-write-order", "2.7.4.2");
	vlp_ring_free(r);
}

static void test_used_id(void **state)
{
	struct split s = split_at(8);
	struct vlp_ring *r;

	(void)state;
	avail(&s, 0, 2, 0);
	used(&s, 0, 2, 0);
	used_elem(&s, 0, 3, 0);
	used_elem(&s, 1, 20, 0);
	r = read_split(&s, 0);
	expect(r, "ring-used-id", "2.7.8");
	assert_int_equal(r->used.nlast, 2);
	assert_int_equal(r->used.last[1].id, 20);
	vlp_ring_free(r);
}

/* One read judges no used.len: a used chain may be freed or reused by then
 * (a real virtio-blk ring read in a QEMU guest showed recycled heads whose
 * descriptors had no writable bytes left). */
static void test_used_len_not_judged_on_one_read(void **state)
{
	struct split s = split_at(8);
	struct vlp_ring *r;

	(void)state;
	avail(&s, 0, 1, 0);
	used(&s, 0, 1, 0);
	desc(s.desc, 0, 0x200000, 16, VLP_DESC_F_NEXT, 1);
	desc(s.desc, 1, 0x201000, 100, VLP_DESC_F_WRITE, 0);
	used_elem(&s, 0, 0, 200);
	r = read_split(&s, 0);
	no_findings(r);
	assert_int_equal(r->used.last[0].len, 200);
	vlp_ring_free(r);
}

static void test_in_flight(void **state)
{
	struct split s = split_at(8);
	struct vlp_ring *r;

	(void)state;
	avail(&s, 0, 20, 0);
	used(&s, 0, 0, 0);
	for (unsigned i = 0; i < 8; i++) {
		avail_ring(&s, (uint16_t)i, (uint16_t)i);
		desc(s.desc, i, 0x200000, 8, 0, 0);
	}
	r = read_split(&s, 0);
	expect(r, "ring-in-flight", "2.7");
	assert_int_equal(r->in_flight, 20);
	assert_int_equal(r->nchains, 8); /* bounded by the queue size */
	vlp_ring_free(r);
}

static void test_event_idx(void **state)
{
	struct split s = split_at(8);
	struct vlp_ring *r;
	const struct vlp_finding *f;

	(void)state;
	avail(&s, 0, 0, 5);
	used(&s, 0, 0, 0);
	r = read_split(&s, 0);
	f = expect(r, "ring-event-idx", "2.7.7.2");
	assert_int_equal(f->severity, VLP_SEV_INFO);
	vlp_ring_free(r);
	r = read_split(&s, F_EVENT_IDX); /* negotiated: meaningful */
	no_findings(r);
	assert_int_equal(r->avail.used_event, 5);
	vlp_ring_free(r);

	/* packed: DESC needs EVENT_IDX (2.8.10) */
	memset(mem, 0, MEM_LEN);
	put(DESC + 128 + 2, VLP_EVENT_F_DESC, 2);
	r = read_packed(8, 0);
	expect(r, "ring-event-idx", "2.8.10");
	vlp_ring_free(r);
	r = read_packed(8, F_EVENT_IDX);
	no_findings(r);
	vlp_ring_free(r);
}

static void test_flags(void **state)
{
	struct split s = split_at(8);
	struct vlp_ring *r;

	(void)state;
	avail(&s, VLP_AVAIL_F_NO_INTERRUPT, 0, 0);
	used(&s, 0, 0, 0);
	r = read_split(&s, 0);
	no_findings(r);
	vlp_ring_free(r);
	r = read_split(&s, F_EVENT_IDX); /* with EVENT_IDX avail flags must be 0 */
	expect(r, "ring-flags", "2.7.7.1");
	vlp_ring_free(r);
	used(&s, 2, 0, 0);
	avail(&s, 0, 0, 0);
	r = read_split(&s, 0);
	expect(r, "ring-flags", "2.7.10.2");
	vlp_ring_free(r);
}

static void test_alignment_size(void **state)
{
	struct split s = split_at(8);
	struct vlp_ring *r;

	(void)state;
	s.desc += 8;
	r = read_split(&s, 0);
	expect(r, "ring-alignment", "2.7.1");
	vlp_ring_free(r);
	s = split_at(6);
	r = read_split(&s, 0);
	expect(r, "ring-size", "2.7");
	vlp_ring_free(r);
}

static void test_memory(void **state)
{
	struct split s = one_chain();
	struct vlp_ring *r;
	const struct vlp_finding *f;

	(void)state;
	s.used = 0x1000; /* outside the recorded memory */
	r = read_split(&s, 0);
	f = expect(r, "ring-memory", NULL);
	assert_non_null(strstr(f->message, "used ring not read"));
	assert_true(r->desc_read && r->driver_read);
	assert_false(r->device_read);
	assert_int_equal(r->nchains, 0);
	vlp_ring_free(r);

	/* an indirect table straddling the end of memory */
	s = one_chain();
	desc(s.desc, 0, BASE + MEM_LEN - 16, 32, VLP_DESC_F_INDIRECT, 0);
	r = read_split(&s, F_INDIRECT);
	expect(r, "ring-memory", NULL);
	vlp_ring_free(r);
}

static void test_overlap(void **state)
{
	struct split s = split_at(8);
	struct vlp_ring *r;

	(void)state;
	avail(&s, 0, 2, 0);
	used(&s, 0, 0, 0);
	avail_ring(&s, 0, 3);
	avail_ring(&s, 1, 3);
	desc(s.desc, 3, 0x200000, 8, 0, 0);
	r = read_split(&s, 0);
	expect(r, "ring-chain-overlap", "2.7.13.1");
	vlp_ring_free(r);
}

static void test_packed_faults(void **state)
{
	struct vlp_ring *r;

	(void)state;
	pdesc(DESC, 0, 0x200000, 8, 1, P_AVAIL | VLP_DESC_F_WRITE | VLP_DESC_F_NEXT);
	pdesc(DESC, 1, 0x200000, 8, 1, P_AVAIL);
	r = read_packed(8, 0);
	expect(r, "ring-write-order", "2.8.17");
	assert_int_equal(r->nchains, 1);
	vlp_ring_free(r);

	pdesc(DESC, 0, 0x200000, 8, 1, P_AVAIL | VLP_DESC_F_NEXT);
	pdesc(DESC, 1, INDIRECT_TAB, 16, 1, P_AVAIL | VLP_DESC_F_INDIRECT);
	r = read_packed(8, F_INDIRECT);
	expect(r, "ring-indirect-next", "2.8.19");
	vlp_ring_free(r);

	pdesc(DESC, 0, INDIRECT_TAB, 16, 1, P_AVAIL | VLP_DESC_F_INDIRECT);
	pdesc(DESC, 1, 0, 0, 0, 0);
	pdesc(INDIRECT_TAB, 0, 0x200000, 8, 0, VLP_DESC_F_INDIRECT);
	r = read_packed(8, 0);
	expect(r, "ring-indirect-feature", "2.8.19");
	expect(r, "ring-indirect-nested", "2.8.19");
	vlp_ring_free(r);
}

/* ---------------------------------------------------------------- hostile */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_hostile(void **state)
{
	struct split s = split_at(32768);
	struct vlp_ring *r;
	double t0 = now();

	(void)state;
	/* all 0xff, used idx 0: 65535 "in flight", heads 0xffff */
	memset(mem, 0xff, MEM_LEN);
	used(&s, 0xffff, 0, 0xffff);
	r = read_split(&s, F_INDIRECT | F_EVENT_IDX);
	assert_non_null(find(r, "ring-in-flight"));
	assert_non_null(find(r, "ring-head-range"));
	assert_int_equal(r->nfindings, VLP_RING_FINDINGS_MAX);
	assert_true(r->findings_omitted > 0);
	assert_int_equal(r->nchains, 32768);
	vlp_ring_free(r);

	/* every head 0, one chain through all descriptors back to 0 */
	memset(mem, 0, MEM_LEN);
	avail(&s, 0, 32768, 0);
	used(&s, 0, 0, 0);
	for (unsigned i = 0; i < 32768; i++)
		desc(s.desc, i, 0x200000, 8, VLP_DESC_F_NEXT, (uint16_t)((i + 1) % 32768));
	r = read_split(&s, 0);
	assert_non_null(find(r, "ring-chain-loop"));
	assert_non_null(find(r, "ring-chain-overlap"));
	assert_int_equal(r->chains[0].ndescs, 32768);
	assert_int_equal(r->chains[1].ndescs, 0);
	vlp_ring_free(r);

	/* every descriptor an indirect table of 32768 entries (512 KiB) that
	 * chains 0 -> 1 -> ... -> 0: bounded by the per-ring budget */
	for (unsigned i = 0; i < 32768; i++) {
		avail_ring(&s, (uint16_t)i, (uint16_t)i);
		desc(s.desc, i, BASE, 16u * 32768, VLP_DESC_F_INDIRECT | VLP_DESC_F_NEXT,
		     (uint16_t)((i + 1) % 32768));
	}
	r = read_split(&s, F_INDIRECT);
	assert_non_null(find(r, "ring-chain-loop"));
	assert_non_null(find(r, "ring-memory")); /* budget spent */
	assert_true(r->bytes_read <=
		    16u * 32768 + 6 + 2 * 32768 + 6 + 8 * 32768 + VLP_RING_INDIRECT_BUDGET);
	vlp_ring_free(r);

	/* packed: all 0xff (AVAIL == USED: nothing available), then every
	 * slot available with NEXT (no list ever ends) */
	memset(mem, 0xff, MEM_LEN);
	r = read_packed(32768, F_INDIRECT);
	assert_int_equal(r->nchains, 0);
	vlp_ring_free(r);
	for (unsigned i = 0; i < 32768; i++)
		pdesc(DESC, i, BASE, 0xffffffff, 0xffff,
		      P_AVAIL | VLP_DESC_F_NEXT | VLP_DESC_F_INDIRECT);
	r = read_packed(32768, F_INDIRECT);
	expect(r, "ring-chain-length", "2.8.17");
	assert_int_equal(r->nchains, 0);
	vlp_ring_free(r);
	/* one start at slot 0, then a list through all the others */
	pdesc(DESC, 32767, 0, 0, 0, P_USED);
	r = read_packed(32768, F_INDIRECT);
	assert_int_equal(r->nchains, 1);
	assert_true(r->chains[0].ndescs <= 32768);
	vlp_ring_free(r);

	assert_true(now() - t0 < 20.0);
}

/* One budget for the whole run: 16 rings at the same memory, each of 64
 * chains naming the same indirect table of 4096 entries (about 17 MiB of
 * decoding each), read with one budget: the first rings are decoded whole,
 * the one that meets the end keeps what it decoded, the ones after decode
 * nothing, and never more than the budget is taken. */
static void test_run_budget(void **state)
{
	struct split s = split_at(64);
	struct vlp_ring_params p = { .format = VLP_RING_SPLIT,
				     .size = s.size,
				     .desc = s.desc,
				     .driver = s.avail,
				     .device = s.used,
				     .negotiated = F_INDIRECT };
	struct vlp_ring_budget budget = { 0 };
	struct vlp_ring *r[16];
	struct vlp_guestmem *gm;
	uint64_t taken = 0;
	unsigned whole = 0, part = 0, none = 0;

	(void)state;
	memset(mem, 0, MEM_LEN);
	avail(&s, 0, 64, 0);
	used(&s, 0, 0, 0);
	for (unsigned i = 0; i < 64; i++) {
		avail_ring(&s, (uint16_t)i, (uint16_t)i);
		desc(s.desc, i, INDIRECT_TAB, 16u * 4096, VLP_DESC_F_INDIRECT, 0);
	}
	for (unsigned i = 0; i < 4096; i++)
		desc(INDIRECT_TAB, i, 0x300000, 64, i + 1 < 4096 ? VLP_DESC_F_NEXT : 0,
		     (uint16_t)(i + 1 < 4096 ? i + 1 : 0));
	gm = memory();
	for (unsigned k = 0; k < 16; k++) {
		assert_int_equal(vlp_ring_read_budget(ctx, gm, &p, &budget, &r[k]), 0);
		taken += r[k]->budget_spent;
		if (!r[k]->incomplete) {
			assert_int_equal(part + none, 0); /* whole ones come first */
			assert_int_equal(r[k]->nchains, 64);
			assert_int_equal(r[k]->chains[63].descs[0].nindirect, 4096);
			whole++;
		} else if (r[k]->nchains) {
			assert_int_equal(part + none, 0);
			expect(r[k], "ring-memory", NULL); /* says where it stopped */
			part++;
		} else {
			none++;
		}
	}
	assert_true(budget.exhausted);
	assert_int_equal(budget.limit, VLP_RING_BUDGET_FIXED);
	assert_true(budget.spent <= budget.limit);
	assert_true(taken == budget.spent);
	/* about 17 MiB a ring: three whole in 64 MiB, the rest cut */
	assert_true(whole >= 2 && whole <= 4);
	assert_true(part <= 1);
	assert_true(none >= 10);
	for (unsigned k = 0; k < 16; k++)
		vlp_ring_free(r[k]);
	/* Without a run's budget, each ring has the fixed one to itself. */
	assert_int_equal(vlp_ring_read(ctx, gm, &p, &r[0]), 0);
	assert_false(r[0]->incomplete);
	vlp_ring_free(r[0]);
	vlp_guestmem_free(gm);
}

static void test_params(void **state)
{
	struct vlp_ring_params p = { .format = VLP_RING_SPLIT, .size = 0 };
	struct vlp_guestmem *gm = memory();
	struct vlp_ring *r = (struct vlp_ring *)1;

	(void)state;
	assert_int_equal(vlp_ring_read(ctx, gm, &p, &r), -EINVAL);
	assert_null(r);
	assert_non_null(strstr(vlp_ctx_error(ctx), "queue size 0"));
	p.size = 32769;
	assert_int_equal(vlp_ring_read(ctx, gm, &p, &r), -EINVAL);
	vlp_guestmem_free(gm);
}

/* ---------------------------------------------------------------- tables */

static void test_tables(void **state)
{
	const struct vlp_field_table *t;
	uint8_t b[16] = { 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
			  0x10, 0,    0,    0,    0x03, 0,    0x05, 0 };

	(void)state;
	t = vlp_split_desc_table();
	assert_string_equal(t->name, "virtq_desc");
	assert_int_equal(t->count, VLP_DESC_ROWS);
	assert_int_equal(t->size, 16);
	assert_int_equal(vlp_field_read_mem(&t->fields[VLP_DESC_ADDR], b), 0x0102030405060708ull);
	assert_int_equal(vlp_field_read_mem(&t->fields[VLP_DESC_LEN], b), 16);
	assert_int_equal(vlp_field_read_mem(&t->fields[VLP_DESC_FLAGS], b), 3);
	assert_int_equal(vlp_field_read_mem(&t->fields[VLP_DESC_NEXT], b), 5);
	assert_string_equal(t->fields[VLP_DESC_FLAGS].names->entries[2].name, "INDIRECT");

	t = vlp_avail_table();
	assert_int_equal(vlp_ring_field_offset(t, &t->fields[VLP_AVAIL_USED_EVENT], 256), 4 + 512);
	assert_int_equal(vlp_ring_field_offset(t, &t->fields[VLP_AVAIL_IDX], 256), 2);
	assert_int_equal(t->fields[VLP_AVAIL_USED_EVENT].feature, VLP_FEATURE(29));
	t = vlp_used_table();
	assert_int_equal(vlp_ring_field_offset(t, &t->fields[VLP_USED_AVAIL_EVENT], 256), 4 + 2048);
	assert_int_equal(vlp_used_elem_table()->size, 8);
	t = vlp_packed_desc_table();
	assert_int_equal(t->fields[VLP_PDESC_ID].offset, 12);
	assert_int_equal(t->fields[VLP_PDESC_FLAGS].offset, 14);
	assert_int_equal(vlp_event_suppress_table()->fields[VLP_EVENT_FLAGS].offset, 2);
	assert_string_equal(vlp_names_lookup(vlp_event_flag_names(), VLP_EVENT_F_DESC), "DESC");
	assert_int_equal(vlp_packed_desc_flag_names()->entries[3].value, 7);
	assert_int_equal(vlp_packed_desc_flag_names()->entries[4].value, 15);
	assert_string_equal(vlp_avail_flag_names()->entries[0].name, "NO_INTERRUPT");
	assert_string_equal(vlp_used_flag_names()->entries[0].name, "NO_NOTIFY");

	/* every check the decoder reports is in the ring check table */
	for (size_t i = 0; i < vlp_ring_check_count(); i++)
		assert_non_null(vlp_ring_check_at(i)->title);
	assert_null(vlp_ring_check_at(vlp_ring_check_count()));
}

/* ---------------------------------------------------------------- guestmem */

static char tmpdir[64];

static void le_put(uint8_t *p, uint64_t v, unsigned w)
{
	for (unsigned i = 0; i < w; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Distinct for every page and offset in it (the low byte alone would not
 * tell file offset 0x3010 from 0x2010). */
static uint8_t file_byte(uint64_t off)
{
	return (uint8_t)((off & 0xff) ^ (off >> 8));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* An ELF64 core: 4 program headers (a PT_NOTE, a PT_LOAD with p_paddr -1,
 * two PT_LOAD RAM segments: pa 0x1000-0x1fff at file 0x1000 and pa
 * 0x2000-0x2fff at file 0x3000), file bytes from file_byte(). */
static void write_core(const char *path, bool big_endian)
{
	static uint8_t f[0x4000];
	struct {
		uint32_t type;
		uint64_t off, paddr, size;
	} ph[] = {
		{ PT_NOTE, 0x200, 0, 0x10 },
		{ PT_LOAD, 0x2000, UINT64_MAX, 0x1000 },
		{ PT_LOAD, 0x1000, 0x1000, 0x1000 },
		{ PT_LOAD, 0x3000, 0x2000, 0x1000 },
	};
	FILE *out;

	for (unsigned i = 0; i < sizeof(f); i++)
		f[i] = file_byte(i);
	memset(f, 0, 0x200);
	memcpy(f, ELFMAG, SELFMAG);
	f[EI_CLASS] = ELFCLASS64;
	f[EI_DATA] = big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	f[EI_VERSION] = EV_CURRENT;
	le_put(f + offsetof(Elf64_Ehdr, e_type), ET_CORE, 2);
	le_put(f + offsetof(Elf64_Ehdr, e_phoff), 64, 8);
	le_put(f + offsetof(Elf64_Ehdr, e_ehsize), 64, 2);
	le_put(f + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr), 2);
	le_put(f + offsetof(Elf64_Ehdr, e_phnum), 4, 2);
	for (unsigned i = 0; i < 4; i++) {
		uint8_t *p = f + 64 + i * sizeof(Elf64_Phdr);

		le_put(p + offsetof(Elf64_Phdr, p_type), ph[i].type, 4);
		le_put(p + offsetof(Elf64_Phdr, p_offset), ph[i].off, 8);
		le_put(p + offsetof(Elf64_Phdr, p_vaddr), 0xffff888000000000ull + ph[i].paddr, 8);
		le_put(p + offsetof(Elf64_Phdr, p_paddr), ph[i].paddr, 8);
		le_put(p + offsetof(Elf64_Phdr, p_filesz), ph[i].size, 8);
		le_put(p + offsetof(Elf64_Phdr, p_memsz), ph[i].size, 8);
	}
	out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(f, 1, sizeof(f), out), sizeof(f));
	fclose(out);
}

struct rec {
	unsigned calls;
	uint64_t pa;
	size_t len;
};

static void record(void *arg, uint64_t pa, const void *bytes, size_t len)
{
	struct rec *r = arg;

	(void)bytes;
	r->calls++;
	r->pa = pa;
	r->len = len;
}

/* The verdict's words (--sample text, --top): a host cause, motion seen,
 * or motion the host could not judge, after the state. */
static void test_verdict_words(void **state)
{
	struct vlp_verdict vd = { .state = VLP_VERDICT_IDLE };
	char buf[96];

	(void)state;
	format_verdict(buf, sizeof(buf), &vd);
	assert_string_equal(buf, vlp_verdict_state_name(VLP_VERDICT_IDLE));
	vd.motion.not_judged = "a vhost backend's queue: QEMU reports none of its indices";
	format_verdict(buf, sizeof(buf), &vd);
	assert_non_null(strstr(buf, " (host: motion not judged)"));
	vd.motion.moved = true;
	format_verdict(buf, sizeof(buf), &vd);
	assert_non_null(strstr(buf, " (host: moved while sampled)"));
}

static void test_kcore(void **state)
{
	char path[128];
	struct vlp_guestmem *gm;
	uint8_t buf[32];
	uint64_t pa, len;
	struct rec rec = { 0 };

	(void)state;
	snprintf(path, sizeof(path), "%s/kcore", tmpdir);
	write_core(path, false);
	assert_int_equal(vlp_guestmem_open_kcore(ctx, path, &gm), 0);
	assert_string_equal(vlp_guestmem_kind(gm), "kcore");
	/* the p_paddr -1 and PT_NOTE headers are not ranges */
	assert_int_equal(vlp_guestmem_range_count(gm), 2);
	assert_int_equal(vlp_guestmem_range_at(gm, 0, &pa, &len), 0);
	assert_int_equal(pa, 0x1000);
	assert_int_equal(len, 0x1000);
	assert_int_equal(vlp_guestmem_range_at(gm, 2, &pa, &len), -ERANGE);
	vlp_guestmem_set_record(gm, record, &rec);

	/* pa 0x2010 is in the second segment, file offset 0x3010 */
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x2010, buf, 8), 0);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(buf[i], file_byte(0x3010 + i));
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x1ff8, buf, 8), 0); /* last bytes of the first */
	assert_int_equal(buf[0], file_byte(0x1ff8));
	assert_int_equal(vlp_guestmem_bytes_read(gm), 16);
	assert_int_equal(rec.calls, 2);
	assert_int_equal(rec.pa, 0x1ff8);
	assert_int_equal(rec.len, 8);

	/* across the two segments (adjacent in pa): refused */
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x1ff8, buf, 16), -EFAULT);
	assert_non_null(strstr(vlp_ctx_error(ctx), "0x1ff8-0x2007 is not inside one System RAM range"));
	/* a hole, past the last segment, wrapping, bad sizes: refused */
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x0, buf, 8), -EFAULT);
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x3000, buf, 1), -EFAULT);
	assert_int_equal(vlp_guestmem_read(ctx, gm, UINT64_MAX - 3, buf, 8), -EFAULT);
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x1000, buf, 0), -E2BIG);
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x1000, buf, VLP_GUESTMEM_READ_MAX + 1), -E2BIG);
	assert_int_equal(vlp_guestmem_bytes_read(gm), 16);
	assert_int_equal(rec.calls, 2);
	/* recorded ranges are for recorded memory only */
	assert_int_equal(vlp_guestmem_add_range(ctx, gm, 0, buf, 1), -EINVAL);
	/* what /proc/iomem calls a range that is not System RAM: the firmware's
	 * reserved memory is -EACCES (a note for the ring decoder), the rest
	 * -EFAULT with its name; inside System RAM, the old reason */
	snprintf(path, sizeof(path), "%s/iomem", tmpdir);
	write_file(path, "00000000-00000fff : Reserved\n00001000-00002fff : System RAM\n"
			 "  00001000-00001fff : Kernel code\n00003000-00003fff : PCI Bus 0000:00\n");
	vlp_guestmem_set_iomem(gm, path);
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x10, buf, 8), -EACCES);
	assert_non_null(strstr(vlp_ctx_error(ctx), "0x10-0x17 is not System RAM but \"Reserved\""));
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x3000, buf, 1), -EFAULT);
	assert_non_null(strstr(vlp_ctx_error(ctx), "not System RAM but \"PCI Bus 0000:00\""));
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x1ff8, buf, 16), -EFAULT);
	assert_non_null(strstr(vlp_ctx_error(ctx), "is not inside one System RAM range"));
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x4000, buf, 1), -EFAULT); /* in no entry */
	assert_int_equal(vlp_guestmem_bytes_read(gm), 16);
	vlp_guestmem_free(gm);

	/* errors: one line each */
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(vlp_guestmem_open_kcore(ctx, path, &gm), -ENOENT);
	assert_null(gm);
	assert_true(strstr(vlp_ctx_error(ctx), "this machine has no ") == vlp_ctx_error(ctx));
	assert_non_null(strstr(vlp_ctx_error(ctx), "/missing"));
	snprintf(path, sizeof(path), "%s/kcore-be", tmpdir);
	write_core(path, true);
	assert_int_equal(vlp_guestmem_open_kcore(ctx, path, &gm), -EINVAL);
	assert_non_null(strstr(vlp_ctx_error(ctx), "not an ELF64 little-endian core file"));
	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	fclose(fopen(path, "wb"));
	assert_int_equal(vlp_guestmem_open_kcore(ctx, path, &gm), -EINVAL);
	assert_null(strchr(vlp_ctx_error(ctx), '\n'));
	if (access(VLP_KCORE_PATH, F_OK) != 0) { /* this machine: no /proc/kcore */
		assert_int_equal(vlp_guestmem_open_kcore(ctx, NULL, &gm), -ENOENT);
		assert_string_equal(vlp_ctx_error(ctx), "this machine has no /proc/kcore");
	}
}

/* A split ring read through the kcore backend: the healthy ring at pa
 * 0x1000 of a core file. */
static void test_kcore_ring(void **state)
{
	char path[128];
	struct vlp_guestmem *gm;
	struct vlp_ring_params p = {
		.format = VLP_RING_SPLIT, .size = 8, .desc = 0x1000, .driver = 0x1080, .device = 0x1100
	};
	struct vlp_ring *r;
	static uint8_t f[0x4000];
	FILE *out;

	(void)state;
	snprintf(path, sizeof(path), "%s/kcore-ring", tmpdir);
	write_core(path, false);
	out = fopen(path, "rb");
	assert_non_null(out);
	assert_int_equal(fread(f, 1, sizeof(f), out), sizeof(f));
	fclose(out);
	/* segment pa 0x1000 at file 0x1000: zero it, one chain at head 1 */
	memset(f + 0x1000, 0, 0x1000);
	le_put(f + 0x1000 + 16 + 8, 64, 4); /* desc 1: len 64, flags 0 */
	le_put(f + 0x1080 + 2, 1, 2);       /* avail idx 1 */
	le_put(f + 0x1080 + 4, 1, 2);       /* avail ring[0] = 1 */
	out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(f, 1, sizeof(f), out), sizeof(f));
	fclose(out);
	assert_int_equal(vlp_guestmem_open_kcore(ctx, path, &gm), 0);
	assert_int_equal(vlp_ring_read(ctx, gm, &p, &r), 0);
	no_findings(r);
	assert_int_equal(r->in_flight, 1);
	assert_int_equal(r->chains[0].head, 1);
	assert_int_equal(r->chains[0].readable, 64);
	assert_int_equal(vlp_guestmem_bytes_read(gm), 128 + 22 + 70);
	vlp_ring_free(r);
	vlp_guestmem_free(gm);
}

static void test_recorded(void **state)
{
	struct vlp_guestmem *gm;
	uint8_t a[4] = { 1, 2, 3, 4 }, b[4] = { 5, 6, 7, 8 }, buf[4];

	(void)state;
	assert_int_equal(vlp_guestmem_new_recorded(ctx, &gm), 0);
	assert_string_equal(vlp_guestmem_kind(gm), "recorded");
	assert_int_equal(vlp_guestmem_add_range(ctx, gm, 0x1000, a, 4), 0);
	assert_int_equal(vlp_guestmem_add_range(ctx, gm, 0x1004, b, 4), 0);
	assert_int_equal(vlp_guestmem_add_range(ctx, gm, UINT64_MAX, b, 4), -EINVAL);
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x1002, buf, 2), 0);
	assert_int_equal(buf[0], 3);
	/* adjacent ranges are still two: a read across them is refused */
	assert_int_equal(vlp_guestmem_read(ctx, gm, 0x1002, buf, 4), -EFAULT);
	assert_non_null(strstr(vlp_ctx_error(ctx), "recorded"));
	assert_int_equal(vlp_guestmem_bytes_read(gm), 2);
	vlp_guestmem_free(gm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_split_healthy, setup),
		cmocka_unit_test(test_verdict_words),
		cmocka_unit_test_setup(test_split_wrap, setup),
		cmocka_unit_test_setup(test_legacy_layout, setup),
		cmocka_unit_test_setup(test_packed_healthy, setup),
		cmocka_unit_test_setup(test_head_range, setup),
		cmocka_unit_test_setup(test_chain_loop, setup),
		cmocka_unit_test_setup(test_chain_length, setup),
		cmocka_unit_test_setup(test_next_range, setup),
		cmocka_unit_test_setup(test_indirect_next, setup),
		cmocka_unit_test_setup(test_indirect_nested, setup),
		cmocka_unit_test_setup(test_indirect_len, setup),
		cmocka_unit_test_setup(test_indirect_feature, setup),
		cmocka_unit_test_setup(test_write_order, setup),
		cmocka_unit_test_setup(test_used_id, setup),
		cmocka_unit_test_setup(test_used_len_not_judged_on_one_read, setup),
		cmocka_unit_test_setup(test_in_flight, setup),
		cmocka_unit_test_setup(test_event_idx, setup),
		cmocka_unit_test_setup(test_flags, setup),
		cmocka_unit_test_setup(test_alignment_size, setup),
		cmocka_unit_test_setup(test_memory, setup),
		cmocka_unit_test_setup(test_overlap, setup),
		cmocka_unit_test_setup(test_packed_faults, setup),
		cmocka_unit_test_setup(test_hostile, setup),
		cmocka_unit_test_setup(test_run_budget, setup),
		cmocka_unit_test_setup(test_params, setup),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_kcore),
		cmocka_unit_test(test_kcore_ring),
		cmocka_unit_test(test_recorded),
	};
	int rc;

	mem = calloc(1, MEM_LEN);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vlp-ring-XXXXXX");
	if (!mem || !mkdtemp(tmpdir) || vlp_ctx_new(&ctx) < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	vlp_ctx_free(ctx);
	free(mem);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
