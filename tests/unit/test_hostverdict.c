/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host's verdict of a queue (rings/hostverdict.c) from synthetic
 * series of the ring in guest RAM and QEMU's indices: fetched and held,
 * made available and not fetched, a broken device, a completion not
 * notified with its witness and without one, vhost backends, receive
 * queues, a moving queue, the 2^16 wrap, the cause names, a sample
 * whose two reads (QEMU's, the ring's) disagree: moved while sampled, and
 * packed rings (slots without wrap counters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

#define MAXS 8

struct series {
	struct vlp_queue_sample s[MAXS];
	struct vlp_host_queue q[MAXS];
	size_t n;
	struct vlp_verdict_input gin;
	struct vlp_host_verdict_input in;
	struct vlp_verdict v;
};

/* n reads 0.2 s apart, all alike: the ring shows avail, used in RAM, QEMU
 * last_avail_idx la, used_idx = used, inuse. */
static void series(struct series *x, size_t n, uint16_t avail, uint16_t used, uint16_t la, uint32_t inuse)
{
	memset(x, 0, sizeof(*x));
	x->n = n;
	for (size_t k = 0; k < n; k++) {
		x->s[k].t = 0.2 * (double)k;
		x->s[k].size = 256;
		x->s[k].avail = avail;
		x->s[k].used = used;
		x->s[k].in_flight = (uint16_t)(avail - used);
		x->s[k].used_event = used;
		x->q[k].valid = true;
		x->q[k].vring_num = 256;
		x->q[k].has_last_avail_idx = true;
		x->q[k].last_avail_idx = la;
		x->q[k].has_shadow_avail_idx = true;
		x->q[k].shadow_avail_idx = la;
		x->q[k].used_idx = used;
		x->q[k].inuse = inuse;
		/* sampler.c's order: the first QEMU read is the state's, made
		 * before the rings; each later one after the ring read */
		x->q[k].after_ring = k > 0;
	}
	x->gin.samples = x->s;
	x->gin.nsamples = n;
	x->gin.role = VLP_QUEUE_REQUEST;
	x->in.samples = x->s;
	x->in.host = x->q;
	x->in.nsamples = n;
	x->in.role = VLP_QUEUE_REQUEST;
}

/* The guest's verdict from the ring, then the host's over it. */
static enum vlp_host_cause judge(struct series *x)
{
	vlp_verdict_judge(&x->gin, &x->v);
	vlp_host_verdict_judge(&x->in, &x->v);
	print_message("%s / %s: %s\n", vlp_verdict_state_name(x->v.state),
		      vlp_host_cause_name(x->v.host_cause), x->v.evidence);
	return x->v.host_cause;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vlp_host_cause_name(VLP_HOST_CAUSE_NONE), "none");
	assert_string_equal(vlp_host_cause_name(VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED),
			    "fetched-not-completed");
	assert_string_equal(vlp_host_cause_name(VLP_HOST_CAUSE_KICKED_NOT_FETCHED),
			    "kicked-not-fetched");
	assert_string_equal(vlp_host_cause_name(VLP_HOST_CAUSE_DEVICE_BROKEN), "device-broken");
	assert_string_equal(vlp_host_cause_name(VLP_HOST_CAUSE_COMPLETED_NOT_NOTIFIED),
			    "completed-not-notified");
	assert_string_equal(vlp_host_cause_name(VLP_HOST_CAUSE_CANNOT_TELL),
			    "cannot-tell-from-the-host");
	assert_string_equal(vlp_host_cause_name(VLP_HOST_CAUSES), "unknown");
}

/* The throttled virtio-blk of make qemu-host: avail 6, used 4, QEMU popped
 * both (last_avail_idx 6) and holds them (inuse 2). */
static void test_fetched_not_completed(void **state)
{
	struct series x;

	(void)state;
	series(&x, 5, 6, 4, 6, 2);
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED);
	assert_int_equal(x.v.state, VLP_VERDICT_DEVICE_STALLED); /* the guest's name */
	assert_non_null(strstr(x.v.evidence, "inuse 2, last_avail_idx 6, used_idx 4"));
	assert_non_null(strstr(x.v.evidence, "over 5 samples"));
	assert_non_null(strstr(x.v.evidence, "guest RAM avail.idx 6, used.idx 4"));
}

/* Across the 2^16 wrap. */
static void test_wrap(void **state)
{
	struct series x;

	(void)state;
	series(&x, 3, 1, 65534, 1, 3);
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED);
	series(&x, 3, 2, 65535, 65535, 0);
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_KICKED_NOT_FETCHED);
	assert_non_null(strstr(x.v.evidence, "is 3 ahead of QEMU's last_avail_idx 65535"));
}

/* The rate-limited virtio-rng: one buffer available, QEMU has not popped it. */
static void test_kicked_not_fetched(void **state)
{
	struct series x;

	(void)state;
	series(&x, 5, 9, 8, 8, 0);
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_KICKED_NOT_FETCHED);
	assert_int_equal(x.v.state, VLP_VERDICT_DEVICE_STALLED);
	assert_string_equal(x.v.section, "2.7.10");
	assert_non_null(
		strstr(x.v.evidence,
		       "avail.idx 9 in guest RAM is 1 ahead of QEMU's last_avail_idx 8, inuse 0"));
}

/* The device asked for no kicks: the guest's state name stays. */
static void test_suppressed_keeps_name(void **state)
{
	struct series x;

	(void)state;
	series(&x, 4, 9, 8, 8, 0);
	for (size_t k = 0; k < x.n; k++)
		x.s[k].used_flags = VLP_USED_F_NO_NOTIFY;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_KICKED_NOT_FETCHED);
	assert_int_equal(x.v.state, VLP_VERDICT_NOTIFICATIONS_SUPPRESSED);
}

static void test_broken(void **state)
{
	struct series x;

	(void)state;
	series(&x, 2, 6, 4, 6, 2);
	x.in.broken = true;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_DEVICE_BROKEN);
	assert_int_equal(x.v.state, VLP_VERDICT_DEVICE_STALLED);
	assert_string_equal(x.v.section, "2.1.2");
	assert_non_null(strstr(x.v.evidence, "broken (virtio_error)"));
	/* one read is enough for a broken device, and NEEDS_RESET alone too */
	series(&x, 1, 0, 0, 0, 0);
	x.in.needs_reset = true;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_DEVICE_BROKEN);
	assert_non_null(strstr(x.v.evidence, "DEVICE_NEEDS_RESET"));
}

/* QEMU's counters or the ring moving, one read, an idle queue, QEMU not
 * answering: the guest's verdict stands, no cause. */
static void test_no_cause(void **state)
{
	struct series x;

	(void)state;
	series(&x, 5, 6, 4, 6, 2);
	x.q[4].used_idx = 5;
	x.q[4].inuse = 1;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	series(&x, 5, 6, 4, 6, 2);
	for (size_t k = 1; k < x.n; k++) {
		x.s[k].avail = x.s[k - 1].avail + 1;
		x.s[k].used = x.s[k - 1].used + 1;
	}
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	assert_int_equal(x.v.state, VLP_VERDICT_PROGRESSING);
	series(&x, 1, 6, 4, 6, 2);
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	assert_int_equal(x.v.state, VLP_VERDICT_NOT_SAMPLED);
	series(&x, 5, 7, 7, 7, 0);
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	assert_int_equal(x.v.state, VLP_VERDICT_IDLE);
	series(&x, 5, 6, 4, 6, 2);
	x.q[4].valid = false;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	x.in.host = NULL;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
}

/* A receive queue with posted buffers QEMU has not fetched is waiting for
 * a packet, not kicked-not-fetched. */
static void test_receive_waits(void **state)
{
	struct series x;

	(void)state;
	series(&x, 5, 256, 0, 0, 0);
	x.gin.role = x.in.role = VLP_QUEUE_RECEIVE;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	assert_int_equal(x.v.state, VLP_VERDICT_WAITING_FOR_INPUT);
}

/* Without QEMU's inuse and used_idx (a vhost backend runs the queue), the
 * backend's last_avail_idx against the ring. */
static void test_vhost(void **state)
{
	struct series x;

	(void)state;
	series(&x, 5, 6, 4, 6, 0);
	x.in.vhost = true;
	for (size_t k = 0; k < x.n; k++)
		x.q[k].used_idx = 0; /* QEMU's own, unused under vhost */
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED);
	assert_non_null(strstr(x.v.evidence, "the vhost backend fetched 2 not completed"));
	series(&x, 5, 6, 4, 4, 0);
	x.in.vhost = true;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_KICKED_NOT_FETCHED);
	series(&x, 5, 6, 4, 4, 0);
	x.in.vhost = true;
	for (size_t k = 0; k < x.n; k++)
		x.q[k].has_last_avail_idx = false;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
}

/* Completed, the driver has not consumed: used.idx 10 past used_event 7.
 * With EVENT_IDX and QEMU's signalled_used behind its used_idx: not
 * notified (witness); signalled_used = used_idx: cannot tell. */
static void test_completed_not_notified(void **state)
{
	struct series x;

	(void)state;
	series(&x, 5, 10, 10, 10, 0);
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].event_idx = true;
		x.s[k].used_event = 7;
		x.q[k].signalled_used_valid = true;
		x.q[k].signalled_used = 8;
	}
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_COMPLETED_NOT_NOTIFIED);
	assert_int_equal(x.v.state, VLP_VERDICT_INTERRUPT_NOT_DELIVERED);
	assert_non_null(strstr(x.v.evidence, "signalled_used 8 is behind its used_idx 10"));
	for (size_t k = 0; k < x.n; k++)
		x.q[k].signalled_used = 10;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_CANNOT_TELL);
	assert_int_equal(x.v.state, VLP_VERDICT_IDLE);
	assert_non_null(strstr(x.v.evidence, "cannot be told from the host"));
	/* no EVENT_IDX: no witness of what the driver has seen, nothing said */
	for (size_t k = 0; k < x.n; k++)
		x.s[k].event_idx = false;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	/* the driver caught up: used_event = used.idx asks for the next one
	 * (2.7.7.2); ahead of it (Linux's delayed callbacks) likewise */
	series(&x, 5, 10, 10, 10, 0);
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].event_idx = true;
		x.s[k].used_event = 10;
	}
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	for (size_t k = 0; k < x.n; k++)
		x.s[k].used_event = 12;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	/* one entry past used_event 9: a notification was due */
	for (size_t k = 0; k < x.n; k++)
		x.s[k].used_event = 9;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_CANNOT_TELL);
}

/* The throttled virtio-blk again, but QEMU's last read (made after the
 * ring's, as sampler.c orders a later sample) has used_idx 5: the device
 * completed one between the two reads.  The ring alone looks frozen over
 * all five reads, QEMU's counters do not: progressing, no cause, and the
 * two values as evidence. */
static void test_moved_used(void **state)
{
	struct series x;

	(void)state;
	series(&x, 5, 6, 4, 6, 2);
	x.q[4].used_idx = 5;
	x.q[4].inuse = 1;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_NONE);
	assert_int_equal(x.v.state, VLP_VERDICT_PROGRESSING);
	assert_true(x.v.motion.moved);
	assert_int_equal(x.v.motion.sample, 5);
	assert_int_equal(x.v.motion.samples, 1);
	assert_string_equal(x.v.motion.qemu_field, "used_idx");
	assert_string_equal(x.v.motion.ring_field, "used.idx");
	assert_int_equal(x.v.motion.qemu, 5);
	assert_int_equal(x.v.motion.ring, 4);
	assert_true(x.v.motion.after_ring);
	assert_non_null(
		strstr(x.v.motion.evidence,
		       "QEMU's used_idx 5, read after guest RAM's used.idx 4: the device completed"));
	assert_non_null(strstr(x.v.evidence, "moved while sampled (sample 5 of 5, 1 in all)"));
	/* the first sample: QEMU read before the ring, the ring ahead */
	series(&x, 5, 6, 4, 6, 2);
	x.q[0].used_idx = 3;
	x.q[0].inuse = 3;
	judge(&x);
	assert_int_equal(x.v.state, VLP_VERDICT_PROGRESSING);
	assert_int_equal(x.v.motion.sample, 1);
	assert_false(x.v.motion.after_ring);
	assert_non_null(strstr(x.v.motion.evidence, "read before guest RAM's used.idx 4"));
	/* recorded in make qemu-host (the virtio-blk read in a loop): the
	 * first sample, QEMU's used_idx 1139 read before guest RAM's used.idx
	 * 1151, no chain in flight in either read */
	series(&x, 2, 1151, 1151, 1151, 0);
	x.q[0].used_idx = 1139;
	x.q[0].last_avail_idx = x.q[0].shadow_avail_idx = 1139;
	x.s[1].avail = x.s[1].used = 1163;
	x.q[1].used_idx = x.q[1].last_avail_idx = x.q[1].shadow_avail_idx = 1163;
	judge(&x);
	assert_int_equal(x.v.state, VLP_VERDICT_PROGRESSING);
	assert_int_equal(x.v.motion.samples, 1);
	assert_non_null(strstr(
		x.v.motion.evidence,
		"QEMU's used_idx 1139, read before guest RAM's used.idx 1151: the device completed buffers between the two reads"));
	/* across the 2^16 wrap: 65535 in RAM, 1 in QEMU after it */
	series(&x, 3, 65535, 65535, 65535, 0);
	x.q[2].used_idx = 1;
	judge(&x);
	assert_true(x.v.motion.moved);
	assert_non_null(strstr(x.v.motion.evidence, "the device completed"));
	/* QEMU read after the ring and behind it: a reset in between */
	series(&x, 3, 6, 4, 6, 2);
	x.q[1].used_idx = 0;
	judge(&x);
	assert_non_null(strstr(x.v.motion.evidence, "reset"));
}

/* avail.idx against QEMU's last_avail_idx and shadow_avail_idx. */
static void test_moved_avail(void **state)
{
	struct series x;

	(void)state;
	/* read after the ring, QEMU fetched past the avail.idx it showed */
	series(&x, 5, 9, 8, 8, 0);
	x.q[3].last_avail_idx = 10;
	x.q[3].shadow_avail_idx = 10;
	x.q[3].inuse = 2;
	judge(&x);
	assert_int_equal(x.v.state, VLP_VERDICT_PROGRESSING);
	assert_int_equal(x.v.host_cause, VLP_HOST_CAUSE_NONE);
	assert_string_equal(x.v.motion.qemu_field, "last_avail_idx");
	assert_int_equal(x.v.motion.qemu, 10);
	assert_int_equal(x.v.motion.ring, 9);
	assert_int_equal(x.v.motion.sample, 4);
	/* read before the ring: more than the queue size (256) made
	 * available since QEMU's read */
	series(&x, 5, 8 + 257, 8 + 257 - 1, 8, 0);
	x.s[0].in_flight = 1;
	for (size_t k = 1; k < x.n; k++)
		x.q[k].last_avail_idx = x.q[k].shadow_avail_idx = x.q[k].used_idx =
			(uint16_t)(8 + 257 - 1);
	judge(&x);
	assert_true(x.v.motion.moved);
	assert_int_equal(x.v.motion.sample, 1);
	assert_string_equal(x.v.motion.qemu_field, "last_avail_idx");
	/* QEMU's copy of avail.idx ahead of the avail.idx read before it */
	series(&x, 5, 9, 8, 8, 0);
	x.q[2].shadow_avail_idx = 10;
	judge(&x);
	assert_true(x.v.motion.moved);
	assert_string_equal(x.v.motion.qemu_field, "shadow_avail_idx");
	assert_int_equal(x.v.motion.samples, 1);
	assert_int_equal(x.v.state, VLP_VERDICT_PROGRESSING);
	/* read before the ring, the same copy tells nothing */
	series(&x, 5, 9, 8, 8, 0);
	x.q[0].shadow_avail_idx = 10;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_KICKED_NOT_FETCHED);
	assert_false(x.v.motion.moved);
}

/* Two reads that agree are no motion, whatever they show; vhost and packed
 * rings are not compared; a single read says its motion and stays
 * not-sampled. */
static void test_still(void **state)
{
	struct series x;

	(void)state;
	series(&x, 5, 6, 4, 6, 2);
	judge(&x);
	assert_false(x.v.motion.moved);
	assert_int_equal(x.v.motion.samples, 0);
	/* avail.idx the full queue size ahead of last_avail_idx: still */
	series(&x, 5, 256, 0, 0, 0);
	judge(&x);
	assert_false(x.v.motion.moved);
	/* a vhost backend's queue: QEMU's used_idx is not the backend's */
	series(&x, 5, 6, 4, 6, 0);
	x.in.vhost = true;
	for (size_t k = 0; k < x.n; k++)
		x.q[k].used_idx = 0;
	judge(&x);
	assert_false(x.v.motion.moved);
	assert_non_null(x.v.motion.not_judged);
	assert_non_null(strstr(x.v.motion.not_judged, "vhost backend"));
	series(&x, 5, 6, 4, 6, 0);
	for (size_t k = 0; k < x.n; k++)
		x.s[k].packed = true;
	x.q[3].used_idx = 9;
	judge(&x);
	assert_false(x.v.motion.moved);
	assert_non_null(x.v.motion.not_judged);
	assert_non_null(strstr(x.v.motion.not_judged, "packed ring"));
	/* split, every sample compared: nothing said */
	series(&x, 5, 6, 4, 6, 2);
	judge(&x);
	assert_null(x.v.motion.not_judged);
	/* one read (the state's, then the ring): reported, not judged */
	series(&x, 1, 6, 5, 6, 2);
	x.q[0].used_idx = 4;
	judge(&x);
	assert_true(x.v.motion.moved);
	assert_int_equal(x.v.state, VLP_VERDICT_NOT_SAMPLED);
	/* QEMU's read missing at a sample: nothing compared there */
	series(&x, 3, 6, 4, 6, 2);
	x.q[1].valid = false;
	x.q[1].used_idx = 0;
	judge(&x);
	assert_false(x.v.motion.moved);
}

/* A packed ring: QEMU's indices are slots, no wrap counter.  QEMU read
 * before the ring (the first sample) with more slots in flight than RAM
 * shows: the device used descriptors in between.  Read after the ring,
 * not compared (a completed list's later slots still read as available in
 * RAM), and said. */
static void packed(struct series *x)
{
	for (size_t k = 0; k < x->n; k++)
		x->s[k].packed = true;
}

static void test_packed(void **state)
{
	struct series x;

	(void)state;
	/* still: slots in flight 2 in RAM and at QEMU */
	series(&x, 3, 6, 4, 6, 2);
	packed(&x);
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED);
	assert_false(x.v.motion.moved);
	assert_non_null(strstr(x.v.evidence, "guest RAM next slot 6 wrap 1"));
	/* QEMU's used slot 3 read before RAM's 4: moved */
	series(&x, 3, 6, 4, 6, 2);
	packed(&x);
	x.q[0].used_idx = 3;
	judge(&x);
	assert_true(x.v.motion.moved);
	assert_int_equal(x.v.motion.sample, 1);
	assert_string_equal(x.v.motion.qemu_field, "used_idx");
	assert_string_equal(x.v.motion.ring_field, "used slot");
	assert_int_equal(x.v.motion.qemu, 3);
	assert_int_equal(x.v.motion.ring, 4);
	assert_int_equal(x.v.state, VLP_VERDICT_PROGRESSING);
	assert_non_null(strstr(x.v.motion.evidence, "the device used descriptors"));
	/* more slots in flight in RAM than QEMU's (skipped slots of a
	 * completed list): not motion */
	series(&x, 3, 6, 2, 6, 0);
	packed(&x);
	for (size_t k = 0; k < x.n; k++)
		x.q[k].used_idx = 6;
	judge(&x);
	assert_false(x.v.motion.moved);
	/* the wrap: slot 2 of the next lap (counter 258), QEMU at slot 254 */
	series(&x, 3, 258, 254, 254, 0);
	packed(&x);
	x.q[0].used_idx = 253;
	judge(&x);
	assert_true(x.v.motion.moved);
	/* kicked, not fetched: the ring's next slot 2 (next lap) two past
	 * QEMU's last_avail_idx 0, inuse 0 */
	series(&x, 5, 258, 256, 0, 0);
	packed(&x);
	for (size_t k = 0; k < x.n; k++)
		x.q[k].used_idx = 0;
	assert_int_equal(judge(&x), VLP_HOST_CAUSE_KICKED_NOT_FETCHED);
	assert_non_null(strstr(x.v.evidence, "2 ahead of QEMU's last_avail_idx 0"));
	/* no completed-not-notified from a packed ring (used_event is split's) */
	series(&x, 5, 10, 10, 10, 0);
	packed(&x);
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].event_idx = true;
		x.s[k].used_event = 7;
	}
	judge(&x);
	assert_int_not_equal(x.v.host_cause, VLP_HOST_CAUSE_CANNOT_TELL);
	assert_int_not_equal(x.v.host_cause, VLP_HOST_CAUSE_COMPLETED_NOT_NOTIFIED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fetched_not_completed),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_kicked_not_fetched),
		cmocka_unit_test(test_suppressed_keeps_name),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_no_cause),
		cmocka_unit_test(test_receive_waits),
		cmocka_unit_test(test_vhost),
		cmocka_unit_test(test_completed_not_notified),
		cmocka_unit_test(test_moved_used),
		cmocka_unit_test(test_moved_avail),
		cmocka_unit_test(test_still),
		cmocka_unit_test(test_packed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
