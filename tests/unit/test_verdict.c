/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The queue verdict from synthetic sample series (plain numbers, no
 * memory): every state, the idx wrap at 65536, packed rings, the event
 * index rules; used.len across two reads; and sampling a ring snapshot
 * makes no BAR access after the first read. */
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

#define MAXS 16

/* A series of n split-ring samples 0.2 s apart, all alike; tests then set
 * what moves. */
struct series {
	struct vlp_queue_sample s[MAXS];
	size_t n;
	struct vlp_verdict_input in;
	struct vlp_verdict v;
};

static void split(struct series *x, size_t n, uint32_t avail, uint32_t used)
{
	memset(x, 0, sizeof(*x));
	x->n = n;
	for (size_t k = 0; k < n; k++) {
		x->s[k].t = 0.2 * (double)k;
		x->s[k].size = 256;
		x->s[k].avail = avail;
		x->s[k].used = used;
		x->s[k].in_flight = (uint16_t)(avail - used);
		x->s[k].irq_known = true;
		x->s[k].irq_count = 1000;
	}
	x->in.samples = x->s;
	x->in.nsamples = n;
	x->in.role = VLP_QUEUE_REQUEST;
	x->in.vector_valid = true;
	x->in.vector = 1;
}

/* Both counters advance by step per sample (modulo 2^16), the IRQ by irq. */
static void moving(struct series *x, unsigned step, unsigned irq)
{
	for (size_t k = 1; k < x->n; k++) {
		x->s[k].avail = (x->s[k - 1].avail + step) % 65536u;
		x->s[k].used = (x->s[k - 1].used + step) % 65536u;
		x->s[k].irq_count = x->s[k - 1].irq_count + irq;
	}
}

static enum vlp_verdict_state judge(struct series *x)
{
	vlp_verdict_judge(&x->in, &x->v);
	print_message("%s: %s\n", vlp_verdict_state_name(x->v.state), x->v.evidence);
	return x->v.state;
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(vlp_verdict_state_name(VLP_VERDICT_NOT_SAMPLED), "not-sampled");
	assert_string_equal(vlp_verdict_state_name(VLP_VERDICT_WAITING_FOR_INPUT), "waiting-for-input");
	assert_string_equal(vlp_verdict_state_name(VLP_VERDICT_INTERRUPT_NOT_DELIVERED),
			    "interrupt-not-delivered");
	assert_string_equal(vlp_verdict_state_name(VLP_VERDICT_NOTIFICATIONS_SUPPRESSED),
			    "notifications-suppressed");
	assert_string_equal(vlp_verdict_state_name(VLP_VERDICT_DRIVER_STALLED), "driver-stalled");
	assert_string_equal(vlp_verdict_state_name(VLP_VERDICT_STATES), "unknown");
}

static void test_not_sampled(void **state)
{
	struct series x;

	(void)state;
	split(&x, 1, 6, 4);
	assert_int_equal(judge(&x), VLP_VERDICT_NOT_SAMPLED);
	assert_false(x.v.rates_valid);
	assert_non_null(strstr(x.v.evidence, "one read"));
	split(&x, 5, 6, 4);
	x.in.unsampled_why = "a snapshot holds one read";
	assert_int_equal(judge(&x), VLP_VERDICT_NOT_SAMPLED);
	assert_string_equal(x.v.evidence, "a snapshot holds one read");
	x.in.unsampled_why = NULL;
	x.in.nsamples = 0;
	assert_int_equal(judge(&x), VLP_VERDICT_NOT_SAMPLED);
}

/* 2.1.2: DEVICE_NEEDS_RESET in device_status: stalled whatever the rings
 * do, from one read on (a snapshot too), cited and named as the host's
 * device-broken state is. */
static void test_needs_reset(void **state)
{
	struct series x;

	(void)state;
	split(&x, 5, 6, 4);
	moving(&x, 1, 1); /* even rings that moved: the status decides */
	x.in.needs_reset = true;
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
	assert_string_equal(x.v.section, "2.1.2");
	assert_non_null(strstr(x.v.evidence, "DEVICE_NEEDS_RESET"));
	assert_non_null(strstr(x.v.evidence, "in flight"));
	split(&x, 1, 6, 4);
	x.in.needs_reset = true;
	x.in.unsampled_why = "a snapshot holds one read";
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
	x.in.nsamples = 0;
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
	assert_null(strstr(x.v.evidence, "in flight"));
	/* without it, the same series judges by the rings */
	split(&x, 5, 6, 4);
	moving(&x, 1, 1);
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
}

static void test_idle(void **state)
{
	struct series x;

	(void)state;
	split(&x, 5, 300, 300);
	x.in.role = VLP_QUEUE_TRANSMIT;
	assert_int_equal(judge(&x), VLP_VERDICT_IDLE);
	assert_true(x.v.rates_valid);
	assert_true(x.v.used_per_s == 0 && x.v.avail_per_s == 0 && x.v.irq_per_s == 0);
	/* a receive queue never used (no driver traffic at all) is idle */
	split(&x, 5, 0, 0);
	x.in.role = VLP_QUEUE_RECEIVE;
	assert_int_equal(judge(&x), VLP_VERDICT_IDLE);
}

static void test_waiting_for_input(void **state)
{
	struct series x;

	(void)state;
	split(&x, 10, 256, 0);
	x.in.role = VLP_QUEUE_RECEIVE;
	assert_int_equal(judge(&x), VLP_VERDICT_WAITING_FOR_INPUT);
	assert_non_null(strstr(x.v.evidence, "256 buffers posted for the device to fill, none used"));
	assert_null(x.v.section);
	/* an event queue (scsi, input eventq) waits the same way */
	split(&x, 4, 8, 0);
	x.in.role = VLP_QUEUE_EVENT;
	assert_int_equal(judge(&x), VLP_VERDICT_WAITING_FOR_INPUT);
	/* a request queue holding the same is not waiting: it is stalled */
	x.in.role = VLP_QUEUE_REQUEST;
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
}

static void test_progressing(void **state)
{
	struct series x;

	(void)state;
	split(&x, 11, 100, 98);
	moving(&x, 3, 2);
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	assert_true(x.v.rates_valid && x.v.irq_rate_valid);
	/* 30 in 2.0 s, 20 interrupts */
	assert_true(x.v.avail_per_s > 14.99 && x.v.avail_per_s < 15.01);
	assert_true(x.v.used_per_s > 14.99 && x.v.used_per_s < 15.01);
	assert_true(x.v.irq_per_s > 9.99 && x.v.irq_per_s < 10.01);
	assert_non_null(strstr(x.v.evidence, "avail +30, used +30, IRQ +20 over 11 samples in 2.0 s"));
	/* no IRQ count known: progressing, no IRQ rate */
	for (size_t k = 0; k < x.n; k++)
		x.s[k].irq_known = false;
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	assert_false(x.v.irq_rate_valid);
}

/* 2.7.6, 2.7.8: idx fields are free-running modulo 2^16. */
static void test_wrap_65536(void **state)
{
	struct series x;

	(void)state;
	split(&x, 4, 65534, 65532);
	moving(&x, 2, 1);
	assert_int_equal(x.s[3].avail, 4);
	assert_int_equal(x.s[3].used, 2);
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	assert_non_null(strstr(x.v.evidence, "avail +6, used +6, IRQ +3"));
	/* frozen across the wrap point: in flight (avail 1 - used 65535) = 2 */
	split(&x, 4, 1, 65535);
	assert_int_equal(x.s[0].in_flight, 2);
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
	assert_non_null(strstr(x.v.evidence, "2 in flight"));
}

static void test_device_stalled(void **state)
{
	struct series x;

	(void)state;
	split(&x, 10, 6, 4);
	x.s[0].t = 0;
	x.s[9].t = 2.0;
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
	assert_string_equal(x.v.section, "2.7.10");
	assert_string_equal(
		x.v.evidence,
		"avail 6, used 4 frozen over 10 samples in 2.0 s with 2 in flight; used.flags 0: the device asks for kicks");
	/* EVENT_IDX: avail_event at avail.idx: the device has seen them all */
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].event_idx = true;
		x.s[k].avail_event = 6;
	}
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
	assert_non_null(strstr(x.v.evidence, "avail_event 6"));
	/* avail_event behind avail.idx: the driver was to kick */
	for (size_t k = 0; k < x.n; k++)
		x.s[k].avail_event = 5;
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
}

static void test_notifications_suppressed(void **state)
{
	struct series x;

	(void)state;
	split(&x, 5, 6, 4);
	for (size_t k = 0; k < x.n; k++)
		x.s[k].used_flags = VLP_USED_F_NO_NOTIFY;
	assert_int_equal(judge(&x), VLP_VERDICT_NOTIFICATIONS_SUPPRESSED);
	assert_non_null(strstr(x.v.evidence, "used.flags 1"));
	/* EVENT_IDX: avail_event not reached (ahead of avail.idx) */
	split(&x, 5, 6, 4);
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].event_idx = true;
		x.s[k].avail_event = 10;
	}
	assert_int_equal(judge(&x), VLP_VERDICT_NOTIFICATIONS_SUPPRESSED);
	/* the event index not reached across the wrap: avail 65535, event 2 */
	split(&x, 5, 65535, 65533);
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].event_idx = true;
		x.s[k].avail_event = 2;
	}
	assert_int_equal(judge(&x), VLP_VERDICT_NOTIFICATIONS_SUPPRESSED);
}

static void test_interrupt_not_delivered(void **state)
{
	struct series x;

	(void)state;
	split(&x, 6, 10, 8);
	moving(&x, 1, 0);
	assert_int_equal(judge(&x), VLP_VERDICT_INTERRUPT_NOT_DELIVERED);
	assert_string_equal(x.v.section, "2.7.7");
	assert_non_null(strstr(x.v.evidence, "IRQ count of vector 1 stayed 1000"));
	/* the driver asked for none (NO_INTERRUPT): it polls, progressing */
	for (size_t k = 0; k < x.n; k++)
		x.s[k].avail_flags = VLP_AVAIL_F_NO_INTERRUPT;
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	/* EVENT_IDX: used passes used_event 9 at the first step */
	split(&x, 6, 10, 8);
	moving(&x, 1, 0);
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].event_idx = true;
		x.s[k].used_event = 9;
	}
	assert_int_equal(judge(&x), VLP_VERDICT_INTERRUPT_NOT_DELIVERED);
	/* used_event far ahead: never passed, no interrupt due */
	for (size_t k = 0; k < x.n; k++)
		x.s[k].used_event = 100;
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	/* only the last step wanted one: not yet counted, not judged */
	split(&x, 3, 10, 8);
	x.s[2].used = 9;
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	/* the MSI-X entry is masked with its pending bit set: held */
	split(&x, 3, 10, 10);
	x.in.masked_valid = x.in.masked = x.in.pending_valid = x.in.pending = true;
	assert_int_equal(judge(&x), VLP_VERDICT_INTERRUPT_NOT_DELIVERED);
	assert_non_null(strstr(x.v.evidence, "vector 1 is masked with its pending bit set"));
	/* the same fact as the --check row, cited the same way */
	assert_string_equal(x.v.section, vlp_check_find(VLP_MSIX_HELD_CHECK)->section);
	assert_string_equal(x.v.section, "PCI 6.8.2");
	assert_non_null(strstr(x.v.evidence, "irq-masked-pending: "));
	x.in.pending = false;
	assert_int_equal(judge(&x), VLP_VERDICT_IDLE);
}

static void test_driver_stalled(void **state)
{
	struct series x;

	(void)state;
	/* a receive queue with 0 buffers posted: not refilled */
	split(&x, 5, 512, 512);
	x.in.role = VLP_QUEUE_RECEIVE;
	assert_int_equal(judge(&x), VLP_VERDICT_DRIVER_STALLED);
	assert_non_null(strstr(x.v.evidence, "receive queue with 0 buffers posted"));
	/* ... also right at the wrap point */
	split(&x, 5, 0, 0);
	x.in.role = VLP_QUEUE_RECEIVE;
	x.s[0].avail = x.s[0].used = 65535;
	x.s[1].avail = x.s[1].used = 0;
	for (size_t k = 1; k < x.n; k++)
		x.s[k].irq_count = 1001;
	/* used moved by one at the wrap, then froze: progressing over the window */
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	/* 0 and 0 after the wrap cannot be told from a queue never used: idle */
	x.in.samples = &x.s[1];
	x.in.nsamples = 4;
	assert_int_equal(judge(&x), VLP_VERDICT_IDLE);
}

/* Packed rings (2.8): counters are slots modulo 2 x size with the wrap
 * counter; event suppression structures decide (2.8.10). */
static void packed(struct series *x, size_t n, uint32_t avail, unsigned in_flight)
{
	split(x, n, avail, 0);
	for (size_t k = 0; k < n; k++) {
		x->s[k].packed = true;
		x->s[k].size = 8;
		x->s[k].avail = avail;
		x->s[k].used = (avail + 16 - in_flight) % 16;
		x->s[k].in_flight = in_flight;
	}
}

static void test_packed(void **state)
{
	struct series x;

	(void)state;
	packed(&x, 5, 3, 2);
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
	assert_string_equal(x.v.section, "2.8.10");
	assert_non_null(strstr(x.v.evidence, "next avail 3 wrap 1"));
	for (size_t k = 0; k < x.n; k++)
		x.s[k].device_event_flags = VLP_EVENT_F_DISABLE;
	assert_int_equal(judge(&x), VLP_VERDICT_NOTIFICATIONS_SUPPRESSED);
	/* DESC at the driver's next slot of this lap: a kick is due there */
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].device_event_flags = VLP_EVENT_F_DESC;
		x.s[k].device_event_off_wrap = 0x8000 | 3;
	}
	assert_int_equal(judge(&x), VLP_VERDICT_DEVICE_STALLED);
	/* DESC ahead of the driver's next slot: not reached */
	for (size_t k = 0; k < x.n; k++)
		x.s[k].device_event_off_wrap = 0x8000 | 5;
	assert_int_equal(judge(&x), VLP_VERDICT_NOTIFICATIONS_SUPPRESSED);
	/* moving through two wraps: slot 7 (wrap 1), slot 7 (wrap 0), slot 1 (wrap 1) */
	packed(&x, 3, 7, 0);
	x.s[1].avail = x.s[1].used = 15;
	x.s[2].avail = x.s[2].used = 1;
	x.s[1].irq_count = 1001;
	x.s[2].irq_count = 1002;
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	assert_true(x.v.used_per_s > 24.99 && x.v.used_per_s < 25.01); /* 10 slots in 0.4 s */
	assert_non_null(strstr(x.v.evidence, "next avail 1 wrap 1"));
	/* driver event DISABLE: no interrupts wanted, none counted: fine */
	for (size_t k = 0; k < x.n; k++) {
		x.s[k].irq_count = 1000;
		x.s[k].driver_event_flags = VLP_EVENT_F_DISABLE;
	}
	assert_int_equal(judge(&x), VLP_VERDICT_PROGRESSING);
	for (size_t k = 0; k < x.n; k++)
		x.s[k].driver_event_flags = VLP_EVENT_F_ENABLE;
	assert_int_equal(judge(&x), VLP_VERDICT_INTERRUPT_NOT_DELIVERED);
	assert_string_equal(x.v.section, "2.8.10");
	/* a receive queue with posted lists waits */
	packed(&x, 4, 3, 8);
	x.in.role = VLP_QUEUE_RECEIVE;
	assert_int_equal(judge(&x), VLP_VERDICT_WAITING_FOR_INPUT);
}

/* The plain numbers of decoded rings (built by hand: public structures). */
static void test_sample_from_ring(void **state)
{
	struct vlp_ring r = { 0 };
	struct vlp_ring_chain chains[2] = { { 0 } };
	struct vlp_queue_sample s;

	(void)state;
	r.format = VLP_RING_SPLIT;
	r.size = 256;
	r.negotiated = 1ull << VLP_F_EVENT_IDX;
	r.avail.idx = 6;
	r.used.idx = 4;
	r.avail.used_event = 3;
	r.used.avail_event = 6;
	r.used.flags = 1;
	r.in_flight = 2;
	vlp_queue_sample_from_ring(&r, &s);
	assert_false(s.packed);
	assert_true(s.event_idx);
	assert_int_equal(s.avail, 6);
	assert_int_equal(s.used, 4);
	assert_int_equal(s.used_event, 3);
	assert_int_equal(s.avail_event, 6);
	assert_int_equal(s.used_flags, 1);
	assert_int_equal(s.in_flight, 2);

	memset(&r, 0, sizeof(r));
	r.format = VLP_RING_PACKED;
	r.size = 8;
	r.next_avail = 2;
	r.avail_wrap = false; /* second lap */
	chains[0].ndescs = 2;
	chains[1].ndescs = 1;
	r.chains = chains;
	r.nchains = 2;
	r.in_flight = 2;
	r.device_event.flags = VLP_EVENT_F_DESC;
	r.device_event.desc = 0x8004;
	vlp_queue_sample_from_ring(&r, &s);
	assert_true(s.packed);
	assert_int_equal(s.avail, 10);
	assert_int_equal(s.used, 7); /* three slots in flight */
	assert_int_equal(s.device_event_flags, VLP_EVENT_F_DESC);
	assert_int_equal(s.device_event_off_wrap, 0x8004);
}

/* 2.7.8.2 across two reads. */
static void test_used_len(void **state)
{
	struct vlp_ring before = { 0 }, after = { 0 };
	struct vlp_ring_chain chains[2] = { { 0 } };
	struct vlp_ring_used_elem used[3] = { { 0 } };
	struct vlp_finding *f = NULL;
	size_t nf = 0;

	(void)state;
	before.format = after.format = VLP_RING_SPLIT;
	before.size = after.size = 256;
	before.avail.idx = 12;
	before.used.idx = 10;
	chains[0] = (struct vlp_ring_chain){
		.position = 10, .head = 3, .id = 3, .writable = 513, .complete = true
	};
	chains[1] = (struct vlp_ring_chain){
		.position = 11, .head = 7, .id = 7, .writable = 1, .complete = true
	};
	before.chains = chains;
	before.nchains = 2;
	after.used.idx = 12;
	/* position 9: used before the first read, not judged */
	used[0] = (struct vlp_ring_used_elem){ .position = 9, .id = 7, .len = 4096 };
	used[1] = (struct vlp_ring_used_elem){ .position = 10, .id = 3, .len = 513 };
	used[2] = (struct vlp_ring_used_elem){ .position = 11, .id = 7, .len = 1 };
	after.used.last = used;
	after.used.nlast = 3;
	assert_int_equal(vlp_ring_used_len_check(&before, 12, &after, &f, &nf), 0);
	assert_int_equal(nf, 0);
	used[1].len = 4096;
	/* chains published after the read ahead of before: not judged (the
	 * descriptor table, read first, may have held older descriptors) */
	assert_int_equal(vlp_ring_used_len_check(&before, 10, &after, &f, &nf), 0);
	assert_int_equal(nf, 0);
	assert_int_equal(vlp_ring_used_len_check(&before, 12, &after, &f, &nf), 0);
	assert_int_equal(nf, 1);
	assert_string_equal(f[0].check, "ring-used-len");
	assert_string_equal(f[0].section, "2.7.8.2");
	assert_int_equal(f[0].severity, VLP_SEV_WARNING);
	assert_non_null(strstr(
		f[0].message,
		"used entry 10: len 4096 is larger than the 513 device-writable bytes of chain 10 (head 3)"));
	/* chain 10 settled, chain 11 not: only the first is judged */
	used[2].len = 2;
	assert_int_equal(vlp_ring_used_len_check(&before, 11, &after, &f, &nf), 0);
	assert_int_equal(nf, 2);
	/* out-of-order completion (entry 10 names head 7): not judged */
	used[1].id = 7;
	used[2].id = 3;
	assert_int_equal(vlp_ring_used_len_check(&before, 12, &after, &f, &nf), 0);
	assert_int_equal(nf, 2);
	used[1].id = 3;
	used[2].id = 7;
	/* an incomplete chain (its writable bytes unknown) is not judged */
	chains[0].complete = chains[1].complete = false;
	assert_int_equal(vlp_ring_used_len_check(&before, 12, &after, &f, &nf), 0);
	assert_int_equal(nf, 2);
	chains[0].complete = chains[1].complete = true;
	/* across the wrap: used 65535 -> 1 */
	before.used.idx = 65535;
	before.avail.idx = 1;
	chains[0].position = 65535;
	chains[1].position = 0;
	after.used.idx = 1;
	used[1].position = 65535;
	used[1].len = 600;
	used[2].position = 0;
	used[2].len = 2;
	assert_int_equal(vlp_ring_used_len_check(&before, 1, &after, &f, &nf), 0);
	assert_int_equal(nf, 4);
	/* legacy rings are not judged (2.7.8.1) */
	before.format = after.format = VLP_RING_LEGACY_SPLIT;
	assert_int_equal(vlp_ring_used_len_check(&before, 1, &after, &f, &nf), 0);
	assert_int_equal(nf, 4);
	free(f);
}

/* --sample on a ring snapshot: the reads after the first touch no BAR (the
 * access counters do not move), and a snapshot's verdicts say why they are
 * not judged. */
static void test_sampling_snapshot_no_bar_access(void **state)
{
	struct vlp_source_opts opts = { .dump_path = "tests/data/rings/blk-split.lspci",
					.virtio_only = true };
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO };
	struct vlp_state_opts sopts = { 0 };
	struct vlp_ctx *ctx;
	struct vlp_source *src;
	struct vlp_device *dev;
	struct vlp_layout *layout;
	struct vlp_state *st;
	struct vlp_rings *rings;
	unsigned long reads, writes;
	size_t judged = 0;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_source_open(ctx, &opts, &src), 0);
	assert_int_equal(vlp_source_next(src, &dev), 1);
	assert_int_equal(vlp_decode(ctx, dev, &layout), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, layout, &bopts), 0);
	assert_int_equal(vlp_read_state(ctx, dev, layout, &sopts, &st), 0);
	assert_int_equal(vlp_read_rings(ctx, dev, layout, st, NULL, &rings), 0);
	assert_null(rings->error[0] ? rings->error : NULL);
	reads = vlp_device_stats(dev)->bar_reads;
	writes = vlp_device_stats(dev)->bar_writes;
	assert_true(reads > 0);
	assert_int_equal(vlp_rings_record(ctx, rings, NULL, 0), 0);
	for (unsigned k = 1; k < 10; k++) {
		assert_int_equal(vlp_rings_sample(ctx, rings), 0);
		assert_int_equal(vlp_rings_record(ctx, rings, NULL, 0.2 * k), 0);
	}
	assert_int_equal(vlp_device_stats(dev)->bar_reads, reads);
	assert_int_equal(vlp_device_stats(dev)->bar_writes, writes);
	assert_int_equal(rings->nsamples, 10);
	vlp_rings_judge(rings, st, NULL);
	for (size_t i = 0; i < rings->nqueues; i++) {
		if (!rings->queues[i].ring)
			continue;
		judged++;
		assert_int_equal(rings->queues[i].nsamples, 10);
		/* the recorded ring does not move: nothing in flight, idle */
		assert_int_equal(rings->queues[i].verdict.state, rings->queues[i].ring->in_flight
									 ? VLP_VERDICT_DEVICE_STALLED
									 : VLP_VERDICT_IDLE);
		assert_true(rings->queues[i].ring->used.nlast <= VLP_RING_LAST_USED);
	}
	assert_true(judged > 0);
	vlp_rings_judge(rings, st, "a snapshot");
	assert_int_equal(rings->queues[0].verdict.state, VLP_VERDICT_NOT_SAMPLED);
	vlp_rings_free(rings);
	vlp_state_free(st);
	vlp_layout_free(layout);
	vlp_device_free(dev);
	vlp_source_close(src);
	vlp_ctx_free(ctx);
}

/* Rates between two samples (the live view's per refresh): modulo 2^16
 * split, 2 x size packed; the IRQ only when counted both times. */
static void test_rates(void **state)
{
	struct vlp_queue_sample a = {
		.t = 1.0, .avail = 65534, .used = 65530, .size = 256, .irq_known = true, .irq_count = 10
	};
	struct vlp_queue_sample b = a;
	struct vlp_queue_rates r;

	(void)state;
	b.t = 1.5;
	b.avail = 2; /* +4 across the wrap */
	b.used = 65534;
	b.irq_count = 12;
	vlp_queue_rates(&a, &b, &r);
	assert_true(r.valid);
	assert_true(r.used_moved);
	assert_true(r.avail_per_s > 7.99 && r.avail_per_s < 8.01);
	assert_true(r.used_per_s > 7.99 && r.used_per_s < 8.01);
	assert_true(r.irq_valid);
	assert_true(r.irq_per_s > 3.99 && r.irq_per_s < 4.01);
	b.irq_known = false;
	vlp_queue_rates(&a, &b, &r);
	assert_false(r.irq_valid);
	/* packed, size 4: counters modulo 8; 7 -> 1 is 2 slots */
	a = (struct vlp_queue_sample){ .t = 0, .packed = true, .size = 4, .avail = 7, .used = 6 };
	b = a;
	b.t = 2;
	b.avail = 1;
	b.used = 0;
	vlp_queue_rates(&a, &b, &r);
	assert_true(r.valid);
	assert_true(r.avail_per_s > 0.99 && r.avail_per_s < 1.01);
	assert_true(r.used_per_s > 0.99 && r.used_per_s < 1.01);
	/* another format, or no time passed: no rates */
	b.packed = false;
	vlp_queue_rates(&a, &b, &r);
	assert_false(r.valid);
	b = a;
	vlp_queue_rates(&a, &b, &r);
	assert_false(r.valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_not_sampled),
		cmocka_unit_test(test_needs_reset),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_waiting_for_input),
		cmocka_unit_test(test_progressing),
		cmocka_unit_test(test_wrap_65536),
		cmocka_unit_test(test_device_stalled),
		cmocka_unit_test(test_notifications_suppressed),
		cmocka_unit_test(test_interrupt_not_delivered),
		cmocka_unit_test(test_driver_stalled),
		cmocka_unit_test(test_packed),
		cmocka_unit_test(test_sample_from_ring),
		cmocka_unit_test(test_used_len),
		cmocka_unit_test(test_sampling_snapshot_no_bar_access),
		cmocka_unit_test(test_rates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
