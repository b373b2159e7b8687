/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ring-level exercise checks' judgements (checkexrings.c) on synthetic
 * split used rings: three chains in flight (heads 0, 3, 6, 513 writable
 * bytes each), used entries as a good device writes them and as each
 * fault of tests/vhost-user/faulty-blk.c leaves them; the bytes written
 * against a fill pattern; a changed byte; kicks with nothing new made
 * available. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

#define SIZE 8
#define P VLP_RX_POISON

static struct vlp_rx_chain chains[3];
static struct vlp_rx_elem ring[SIZE];

/* seen 6: the entries wrap at SIZE (slots 6, 7, 0, ...); the rest poisoned. */
static void setup(void)
{
	for (unsigned i = 0; i < 3; i++)
		chains[i] = (struct vlp_rx_chain){ i * 3, 513, false };
	for (unsigned i = 0; i < SIZE; i++)
		ring[i] = (struct vlp_rx_elem){ P, P };
}

static void put(unsigned n, struct vlp_rx_elem e)
{
	ring[(6 + n) % SIZE] = e;
}

static size_t judge(uint16_t idx, struct vlp_ex_finding *f, size_t max)
{
	struct vlp_rx_window w = { SIZE, 6, idx, ring, chains, 3 };

	return vlp_rx_judge_used(&w, f, max);
}

static void test_good(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup();
	put(0, (struct vlp_rx_elem){ 3, 513 }); /* any order without IN_ORDER */
	put(1, (struct vlp_rx_elem){ 0, 513 });
	put(2, (struct vlp_rx_elem){ 6, 1 }); /* an underestimate is allowed */
	assert_int_equal(judge(9, f, 4), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_true(chains[i].used);
	/* Partial progress: one entry, two chains left in flight. */
	setup();
	put(0, (struct vlp_rx_elem){ 6, 513 });
	assert_int_equal(judge(7, f, 4), 0);
	assert_false(chains[0].used);
	assert_true(chains[2].used);
}

/* used-id-not-head: the chain's next descriptor. */
static void test_not_head(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup();
	put(0, (struct vlp_rx_elem){ 1, 513 });
	put(1, (struct vlp_rx_elem){ 3, 513 });
	put(2, (struct vlp_rx_elem){ 6, 513 });
	assert_int_equal(judge(9, f, 4), 1);
	assert_int_equal(f[0].fault, VLP_RX_ID_NOT_HEAD);
	assert_non_null(strstr(f[0].message, "used.ring[6] id 1 len 513"));
	assert_false(chains[0].used);
}

/* used-id-twice: each chain returned twice, used.idx 6 past for 3. */
static void test_twice(void **state)
{
	struct vlp_ex_finding f[8];
	size_t n;

	(void)state;
	setup();
	for (unsigned i = 0; i < 6; i++)
		put(i, (struct vlp_rx_elem){ i / 2 * 3, 513 });
	n = judge(12, f, 8);
	assert_int_equal(n, 4);
	assert_int_equal(f[0].fault, VLP_RX_IDX_PAST);
	assert_non_null(strstr(f[0].message, "used.idx 12 moved 6 entries past 6 with 3"));
	assert_int_equal(f[1].fault, VLP_RX_ID_TWICE);
	assert_non_null(strstr(f[1].message, "used.ring[7] id 0"));
}

/* used-idx-skip: one entry, used.idx moved by 2. */
static void test_idx_skip(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup();
	put(0, (struct vlp_rx_elem){ 0, 513 });
	assert_int_equal(judge(8, f, 4), 1);
	assert_int_equal(f[0].fault, VLP_RX_SLOT_UNWRITTEN);
	assert_non_null(strstr(f[0].message, "used.ring[7] below used.idx 8"));
}

/* used-len-over: 512 above the writable bytes. */
static void test_len_over(void **state)
{
	struct vlp_ex_finding f[4];

	(void)state;
	setup();
	put(0, (struct vlp_rx_elem){ 0, 1025 });
	assert_int_equal(judge(7, f, 4), 1);
	assert_int_equal(f[0].fault, VLP_RX_LEN_OVER);
	assert_non_null(strstr(f[0].message, "len 1025: above the chain's 513"));
	/* max bounds the findings */
	setup();
	for (unsigned i = 0; i < 3; i++)
		put(i, (struct vlp_rx_elem){ i * 3, 9999 });
	assert_int_equal(judge(9, f, 2), 2);
}

static void test_written(void **state)
{
	uint8_t b[8];

	(void)state;
	memset(b, 0xa5, sizeof(b));
	assert_int_equal(vlp_rx_written(b, 0xa5, 8), 0);
	b[2] = 0;
	assert_int_equal(vlp_rx_written(b, 0xa5, 8), 3);
	b[7] = 'x';
	assert_int_equal(vlp_rx_written(b, 0xa5, 8), 8);
	assert_int_equal(vlp_rx_written(b, 0xa5, 0), 0);
}

static void test_changed(void **state)
{
	uint8_t a[16] = { 1, 2, 3 }, b[16] = { 1, 2, 3 };
	size_t off = 99;

	(void)state;
	assert_false(vlp_rx_changed(a, b, sizeof(a), &off));
	assert_int_equal(off, 99);
	b[12] ^= 0xff; /* write-readable: the last byte inverted */
	assert_true(vlp_rx_changed(a, b, sizeof(a), &off));
	assert_int_equal(off, 12);
	assert_false(vlp_rx_changed(a, b, 12, &off));
}

/* Another arrangement of the same READ (2.7.4.1, 2.7.5.3.2): the same
 * bytes and VIRTIO_BLK_S_OK hold; split-header's IOERR, ignore-indirect's
 * untouched buffer (status still the fill) and a lost request do not. */
static void test_same_answer(void **state)
{
	uint8_t ref[512], got[512];
	char msg[160];

	(void)state;
	for (unsigned i = 0; i < sizeof(ref); i++)
		ref[i] = got[i] = (uint8_t)(i * 7);
	assert_true(vlp_rx_same_answer(ref, got, sizeof(ref), true, VLP_BLK_S_OK, msg, sizeof(msg)));
	assert_false(
		vlp_rx_same_answer(ref, got, sizeof(ref), true, VLP_BLK_S_IOERR, msg, sizeof(msg)));
	assert_string_equal(msg, "status 1, not VIRTIO_BLK_S_OK");
	assert_false(vlp_rx_same_answer(ref, got, sizeof(ref), true, 0xa5, msg, sizeof(msg)));
	assert_false(vlp_rx_same_answer(ref, got, sizeof(ref), false, VLP_BLK_S_OK, msg, sizeof(msg)));
	assert_string_equal(msg, "not returned within 2000 ms");
	got[300] ^= 0xff;
	assert_false(vlp_rx_same_answer(ref, got, sizeof(ref), true, VLP_BLK_S_OK, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "data byte 300"));
}

/* Another arrangement of the same SCSI command (2.7.4.1): the same used
 * len and response header hold; QEMU 7.2's answer to a response header
 * in a buffer of its own without VIRTIO_F_ANY_LAYOUT (the rest counted as
 * data: used len 204 for 108 writable bytes), a used len that differs
 * within the writable bytes, another response and a lost command do not. */
static void test_same_scsi_answer(void **state)
{
	struct vlp_rx_scsi_answer ref = { true, 108, 108, { 0 } }, got;
	char msg[200];

	(void)state;
	got = ref;
	assert_true(vlp_rx_same_scsi_answer(&ref, &got, msg, sizeof(msg)));
	got.used_len = 204;
	assert_false(vlp_rx_same_scsi_answer(&ref, &got, msg, sizeof(msg)));
	assert_string_equal(
		msg,
		"used len 204 for 108 writable bytes; used len 108 as the first command came back");
	ref.used_len = got.used_len = 12;
	got.used_len = 20;
	assert_false(vlp_rx_same_scsi_answer(&ref, &got, msg, sizeof(msg)));
	got.used_len = 12;
	got.resp[VLP_SCSI_RESP_RESPONSE] = VLP_SCSI_S_BAD_TARGET;
	assert_false(vlp_rx_same_scsi_answer(&ref, &got, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "response header byte 11 is 0x03"));
	got = ref;
	got.answered = false;
	assert_false(vlp_rx_same_scsi_answer(&ref, &got, msg, sizeof(msg)));
	assert_string_equal(msg, "not returned within 2000 ms");
}

/* 4.1.4.3.1: a changed value with the same config_generation is the fault;
 * with a new one it holds; nothing changed, nothing to judge. */
static void test_cfggen(void **state)
{
	const uint64_t before[3] = { 2048, 0, 512 }, grown[3] = { 4096, 0, 512 };
	size_t first = 99;

	(void)state;
	assert_int_equal(vlp_cfggen_judge(before, before, 3, 1, 1, &first), VLP_CFGGEN_UNCHANGED);
	assert_int_equal(vlp_cfggen_judge(before, before, 3, 1, 2, &first), VLP_CFGGEN_UNCHANGED);
	assert_int_equal(vlp_cfggen_judge(before, grown, 3, 1, 2, &first), VLP_CFGGEN_NEW_GEN);
	assert_int_equal(first, 0);
	assert_int_equal(vlp_cfggen_judge(before, grown, 3, 1, 1, &first), VLP_CFGGEN_SAME_GEN);
	assert_int_equal(first, 0);
}

/* 2.7.10.2: kicks with nothing new made available.  A device that handles
 * them writes nothing, keeps its status, stays quiet and answers the READ
 * after them; each way of not handling them is its own finding (the
 * notification a warning, 2.7.7.2's SHOULD NOT), and the READ is not
 * judged where the device already used, or asked for a reset. */
static void test_spurious(void **state)
{
	const struct vlp_rx_spurious good = { 4, 9, 9, false, { P, P }, 0x0f, 0, true, VLP_BLK_S_OK };
	struct vlp_rx_spurious s;
	struct vlp_ex_finding f[6];

	(void)state;
	assert_int_equal(vlp_rx_judge_spurious(&good, f, 6), 0);
	s = good;
	s.pending = -1; /* not judged (no MSI-X, or pending before) */
	assert_int_equal(vlp_rx_judge_spurious(&s, f, 6), 0);
	/* An entry written for no chain, used.idx moved. */
	s = good;
	s.idx_after = 10;
	s.slot_written = true;
	s.slot = (struct vlp_rx_elem){ 6, 513 };
	s.answered = false;
	assert_int_equal(vlp_rx_judge_spurious(&s, f, 6), 1);
	assert_int_equal(f[0].fault, VLP_RX_SPURIOUS_USED);
	assert_string_equal(
		f[0].message,
		"used.idx moved from 9 to 10 after 4 notifications with nothing new made available");
	/* The entry written, used.idx not moved (yet). */
	s.idx_after = 9;
	s.answered = true;
	assert_int_equal(vlp_rx_judge_spurious(&s, f, 6), 1);
	assert_int_equal(f[0].fault, VLP_RX_SPURIOUS_USED);
	assert_non_null(strstr(f[0].message, "used.ring[9] written (id 6 len 513)"));
	/* DEVICE_NEEDS_RESET: the READ is not made, so not judged. */
	s = good;
	s.status = 0x4f;
	s.answered = false;
	assert_int_equal(vlp_rx_judge_spurious(&s, f, 6), 1);
	assert_int_equal(f[0].fault, VLP_RX_SPURIOUS_RESET);
	assert_non_null(strstr(f[0].message, "device_status 0x4f (DEVICE_NEEDS_RESET)"));
	/* Notified against VIRTQ_AVAIL_F_NO_INTERRUPT. */
	s = good;
	s.pending = 1;
	assert_int_equal(vlp_rx_judge_spurious(&s, f, 6), 1);
	assert_int_equal(f[0].fault, VLP_RX_SPURIOUS_NOTIFIED);
	/* The READ after them lost, or failed. */
	s = good;
	s.answered = false;
	assert_int_equal(vlp_rx_judge_spurious(&s, f, 6), 1);
	assert_int_equal(f[0].fault, VLP_RX_SPURIOUS_NEXT);
	assert_string_equal(f[0].message,
			    "the READ made after the 4 notifications was not returned within 2000 ms");
	s.answered = true;
	s.blk_status = VLP_BLK_S_IOERR;
	assert_int_equal(vlp_rx_judge_spurious(&s, f, 6), 1);
	assert_non_null(strstr(f[0].message, "answered status 1, not VIRTIO_BLK_S_OK"));
	/* At most max findings. */
	s.pending = 1;
	assert_int_equal(vlp_rx_judge_spurious(&s, f, 1), 1);
	assert_int_equal(f[0].fault, VLP_RX_SPURIOUS_NOTIFIED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_not_head),
		cmocka_unit_test(test_twice),
		cmocka_unit_test(test_idx_skip),
		cmocka_unit_test(test_len_over),
		cmocka_unit_test(test_written),
		cmocka_unit_test(test_changed),
		cmocka_unit_test(test_same_answer),
		cmocka_unit_test(test_same_scsi_answer),
		cmocka_unit_test(test_cfggen),
		cmocka_unit_test(test_spurious),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
