/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The packed ring exercise checks' judgement (checkexpacked.c) on
 * synthetic descriptor rings: three lists of three descriptors made
 * available (Buffer IDs 0, 3, 6; 513 device-writable bytes each), the used
 * descriptors as a good device writes them (in any order; with IN_ORDER
 * one for a batch; across the ring's end with the wrap counter 0) and as
 * each fault leaves them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

#define SIZE 10
#define AV VLP_DESC_F_AVAIL
#define US VLP_DESC_F_USED
#define WR VLP_DESC_F_WRITE
#define NX VLP_DESC_F_NEXT

static struct vlp_px_desc before[SIZE], after[SIZE];
static struct vlp_px_chain chains[3];
static struct vlp_px_window w;

/* The lists from slot start (wrap counter 1 there), as a driver makes
 * them available: header, data, status; the ring copied to after. */
static void setup(unsigned start, bool in_order)
{
	bool wrap = true;

	memset(before, 0, sizeof(before));
	for (unsigned c = 0; c < 3; c++) {
		chains[c] = (struct vlp_px_chain){ c * 3, 3, 513, false, false, 0 };
		for (unsigned i = 0; i < 3; i++) {
			unsigned s = (start + c * 3 + i) % SIZE;

			if (s == 0 && start)
				wrap = false;
			before[s] = (struct vlp_px_desc){
				0x100000 + 0x1000 * (c * 3 + i), i ? (i == 1 ? 512 : 1) : 16,
				(uint16_t)(c * 3),
				(uint16_t)((i ? WR : 0) | (i < 2 ? NX : 0) | (wrap ? AV : US))
			};
		}
	}
	memcpy(after, before, sizeof(after));
	w = (struct vlp_px_window){ SIZE,   start, true, in_order, before, after,
				    chains, 3,     0,    false,    false };
}

/* A used descriptor at slot s: Buffer ID id, len, wrap counter wrap. */
static void used(unsigned s, unsigned id, uint32_t len, bool wrap)
{
	after[s].id = (uint16_t)id;
	after[s].len = len;
	after[s].flags = (uint16_t)(WR | (wrap ? AV | US : 0));
}

static size_t judge(struct vlp_ex_finding *f)
{
	return vlp_px_judge(&w, f, 4);
}

/* Any order without IN_ORDER, each used descriptor at the next list's
 * first slot; across the end of the ring with the wrap counter 0. */
static void test_good(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup(0, false);
	used(0, 3, 513, true);
	used(3, 0, 513, true);
	used(6, 6, 100, true); /* an underestimate is not judged here */
	assert_int_equal(judge(f), 0);
	assert_true(chains[0].used && chains[1].used && chains[2].used);
	assert_int_equal(chains[1].slot, 0);
	assert_int_equal(w.end, 9);
	setup(6, false); /* slots 6-8, 9 0 1, 2-4 */
	used(6, 0, 513, true);
	used(9, 3, 513, true);
	used(2, 6, 513, false);
	assert_int_equal(judge(f), 0);
	assert_true(chains[2].used);
	assert_int_equal(w.end, 5);
	assert_false(w.end_wrap);
}

/* Nothing used yet: nothing judged, the walk stays at the start. */
static void test_none(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup(0, false);
	assert_int_equal(judge(f), 0);
	assert_false(chains[0].used);
	assert_int_equal(w.end, 0);
	assert_false(w.stopped); /* waiting, not stopped */
}

static void test_id(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup(0, false);
	used(0, 7, 513, true);
	assert_int_equal(judge(f), 1);
	assert_int_equal(f[0].fault, VLP_PX_ID_UNKNOWN);
	assert_non_null(strstr(f[0].message, "slot 0: used descriptor id 7 flags 0x8082 len 513"));
	/* the walk cannot go past it: the lists after it are not judged */
	assert_true(w.stopped);
	assert_int_equal(w.end, 0);
	setup(0, false);
	used(0, 0, 513, true);
	used(3, 0, 513, true);
	assert_int_equal(judge(f), 1);
	assert_int_equal(f[0].fault, VLP_PX_ID_TWICE);
	assert_non_null(strstr(f[0].message, "slot 3"));
}

/* 2.8.1: a written slot whose AVAIL and USED differ, or match the wrong
 * wrap counter (after the ring's end). */
static void test_flags(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup(0, false);
	used(0, 0, 513, true);
	after[0].flags = WR | US;
	assert_int_equal(judge(f), 1);
	assert_int_equal(f[0].fault, VLP_PX_FLAGS);
	assert_non_null(strstr(f[0].message, "flags 0x8002"));
	assert_false(chains[0].used);
	setup(6, false);
	used(6, 0, 513, true);
	used(9, 3, 513, true);
	used(2, 6, 513, true); /* wrap counter 1 where it is 0 */
	assert_int_equal(judge(f), 1);
	assert_int_equal(f[0].fault, VLP_PX_FLAGS);
	assert_non_null(strstr(f[0].message, "Device Ring Wrap Counter 0"));
}

static void test_len(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup(0, false);
	used(0, 0, 1025, true);
	assert_int_equal(judge(f), 1);
	assert_int_equal(f[0].fault, VLP_PX_LEN);
	assert_non_null(strstr(f[0].message, "len 1025: above the list's 513"));
	assert_false(w.stopped); /* a length is judged, the walk goes on */
	/* without WRITE len is reserved: not judged here */
	setup(0, false);
	used(0, 0, 1025, true);
	after[0].flags = AV | US;
	assert_int_equal(judge(f), 0);
}

/* 2.8.6: the list's other slots are skipped, not written. */
static void test_skip(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup(0, false);
	used(0, 0, 513, true);
	after[2].len = 0;
	used(3, 3, 513, true);
	assert_int_equal(judge(f), 1);
	assert_int_equal(f[0].fault, VLP_PX_SKIP_WRITTEN);
	assert_non_null(strstr(f[0].message, "slot 2 (skipped after id 0 at slot 0)"));
	assert_non_null(strstr(f[0].message, "len 0, made available as id 0 flags 0x0082 len 1"));
	assert_true(chains[1].used);
}

/* 2.8.8 and 6.2: with IN_ORDER one used descriptor returns a batch; a
 * buffer used after a later one shows inside the batch's slots. */
static void test_in_order(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup(0, true);
	used(0, 6, 513, true);
	assert_int_equal(judge(f), 0);
	assert_true(chains[0].batched && chains[1].batched && !chains[2].batched);
	assert_true(chains[2].used);
	assert_int_equal(w.end, 9);
	setup(0, true);
	used(0, 3, 513, true); /* 0 and 1 as a batch ... */
	used(3, 0, 513, true); /* ... but 0 used after 1, where the device skipped to */
	assert_int_equal(judge(f), 1);
	assert_int_equal(f[0].fault, VLP_PX_OUT_OF_ORDER);
	assert_non_null(strstr(f[0].message, "slot 3: used descriptor id 0"));
	/* without IN_ORDER the same ring is in order */
	setup(0, false);
	used(0, 3, 513, true);
	used(3, 0, 513, true);
	assert_int_equal(judge(f), 0);
}

/* A list's buffers against its used descriptor (2.8.4, 6.2). */
static void test_list(void **state)
{
	struct vlp_px_chain ch = { 3, 3, 513, true, false, 0 };
	struct vlp_px_desc u = { 0, 513, 3, AV | US | WR };
	struct vlp_ex_finding f[2];

	(void)state;
	assert_int_equal(vlp_px_judge_list(&ch, &u, 513, 513, f), 0);
	u.len = 100; /* below what was written */
	assert_int_equal(vlp_px_judge_list(&ch, &u, 513, 513, f), 1);
	assert_int_equal(f[0].fault, VLP_PX_LEN_UNDER);
	assert_non_null(strstr(f[0].message, "len 100 but the first 513"));
	/* written, WRITE clear (QEMU 7.2): that, and len still judged */
	u.flags = AV | US;
	assert_int_equal(vlp_px_judge_list(&ch, &u, 513, 513, f), 2);
	assert_int_equal(f[0].fault, VLP_PX_NO_WRITE);
	assert_int_equal(f[1].fault, VLP_PX_LEN_UNDER);
	u.len = 513;
	assert_int_equal(vlp_px_judge_list(&ch, &u, 513, 513, f), 1);
	assert_int_equal(f[0].fault, VLP_PX_NO_WRITE);
	/* nothing written, WRITE clear: len reserved, nothing to judge */
	u.len = 7;
	assert_int_equal(vlp_px_judge_list(&ch, &u, 0, 513, f), 0);
	u.flags = AV | US | WR;
	u.len = 513;
	/* IN_ORDER: a batched list must have been used (its status written) */
	ch.batched = true;
	u.id = 6;
	assert_int_equal(vlp_px_judge_list(&ch, &u, 513, 513, f), 0);
	assert_int_equal(vlp_px_judge_list(&ch, &u, 300, 513, f), 1);
	assert_int_equal(f[0].fault, VLP_PX_BATCH_UNUSED);
	assert_non_null(strstr(f[0].message, "id 3 returned in a batch by id 6"));
	/* not used: nothing to judge */
	ch.used = false;
	assert_int_equal(vlp_px_judge_list(&ch, &u, 0, 513, f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),     cmocka_unit_test(test_none),
		cmocka_unit_test(test_id),       cmocka_unit_test(test_flags),
		cmocka_unit_test(test_len),      cmocka_unit_test(test_skip),
		cmocka_unit_test(test_in_order), cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
