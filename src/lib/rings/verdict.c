/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who is stuck: the verdict of one queue over a series of reads of its
 * ring and of the IRQ count of its vector.  Pure: plain numbers in, a
 * state and one sentence of evidence out.  And used.len judged across two
 * reads of a ring (vlp_ring_used_len_check, 2.7.8.2).
 *
 * The notification rules weighed (split 2.7.7, 2.7.10; packed 2.8.10):
 *   - the device asks for kicks unless used.flags has NO_NOTIFY; with
 *     EVENT_IDX the driver kicks when avail.idx passes avail_event
 *     (2.7.10); packed: device event suppression ENABLE, or DESC at
 *     off_wrap (2.8.10).
 *   - the driver asks for interrupts unless avail.flags has NO_INTERRUPT;
 *     with EVENT_IDX the device interrupts when used.idx passes
 *     used_event (2.7.7); packed: driver event suppression (2.8.10).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SPLIT_MOD 65536u /* 2.7.6, 2.7.8: idx fields wrap at 2^16 */

const char *vlp_verdict_state_name(enum vlp_verdict_state s)
{
	static const char *const names[VLP_VERDICT_STATES] = {
		[VLP_VERDICT_NOT_SAMPLED] = "not-sampled",
		[VLP_VERDICT_IDLE] = "idle",
		[VLP_VERDICT_WAITING_FOR_INPUT] = "waiting-for-input",
		[VLP_VERDICT_PROGRESSING] = "progressing",
		[VLP_VERDICT_DEVICE_STALLED] = "device-stalled",
		[VLP_VERDICT_INTERRUPT_NOT_DELIVERED] = "interrupt-not-delivered",
		[VLP_VERDICT_NOTIFICATIONS_SUPPRESSED] = "notifications-suppressed",
		[VLP_VERDICT_DRIVER_STALLED] = "driver-stalled",
	};

	return (unsigned)s < VLP_VERDICT_STATES ? names[s] : "unknown";
}

/* The modulus of a sample's counters. */
static uint32_t modulus(const struct vlp_queue_sample *s)
{
	return s->packed ? 2u * (s->size ? s->size : 1) : SPLIT_MOD;
}

/* (a - b) modulo m, for counters below m. */
static uint32_t delta(uint32_t a, uint32_t b, uint32_t m)
{
	return (uint32_t)(((uint64_t)a + m - (b % m)) % m);
}

/* The event index rule (2.7.7.2, 2.7.10.1): a notification is due when the
 * counter moved from old to new past event, i.e. event in [old, new). */
static bool need_event(uint32_t event, uint32_t new, uint32_t old, uint32_t m)
{
	return delta(new, (event + 1) % m, m) < delta(new, old, m);
}

/* A packed off_wrap (2.8.14: offset in bits 0-14, wrap counter in bit 15)
 * as a counter of the sample's kind. */
static uint32_t off_wrap_counter(uint16_t off_wrap, unsigned size)
{
	uint32_t off = off_wrap & VLP_OFF_WRAP_SLOT;

	return (off + ((off_wrap & VLP_OFF_WRAP_WRAP) ? 0 : size)) % (2u * (size ? size : 1));
}

/* The device asks for a kick for what is available (2.7.10, 2.8.10): with
 * an event index, the driver has reached it (the index is at or before the
 * avail counter). */
static bool kick_wanted(const struct vlp_queue_sample *s)
{
	uint32_t m = modulus(s);

	if (s->packed) {
		if (s->device_event_flags == VLP_EVENT_F_DISABLE)
			return false;
		if (s->device_event_flags == VLP_EVENT_F_DESC)
			return delta(s->avail, off_wrap_counter(s->device_event_off_wrap, s->size),
				     m) <= s->size;
		return true;
	}
	if (s->event_idx)
		return delta(s->avail, s->avail_event, m) <= s->size;
	return !(s->used_flags & VLP_USED_F_NO_NOTIFY);
}

/* The driver asks for an interrupt for the step old -> new of the used
 * counter (2.7.7, 2.8.10). */
static bool irq_wanted(const struct vlp_queue_sample *old, const struct vlp_queue_sample *new)
{
	uint32_t m = modulus(new);

	if (new->used == old->used)
		return false;
	if (new->packed) {
		if (new->driver_event_flags == VLP_EVENT_F_DISABLE)
			return false;
		if (new->driver_event_flags == VLP_EVENT_F_DESC)
			return need_event(off_wrap_counter(new->driver_event_off_wrap, new->size),
					  new->used, old->used, m);
		return true;
	}
	if (new->event_idx)
		return need_event(new->used_event, new->used, old->used, m);
	return !(new->avail_flags &VLP_AVAIL_F_NO_INTERRUPT) ||
	       !(old->avail_flags & VLP_AVAIL_F_NO_INTERRUPT);
}

/* "avail 6, used 4" or the packed counters. */
static void indices(char *buf, size_t len, const struct vlp_queue_sample *s)
{
	if (s->packed)
		snprintf(buf, len, "next avail %u wrap %u", s->avail % (s->size ? s->size : 1),
			 s->avail < s->size);
	else
		snprintf(buf, len, "avail %" PRIu32 ", used %" PRIu32, s->avail, s->used);
}

/* Why the device does (not) ask for kicks, in the ring's own terms. */
static void kick_reason(char *buf, size_t len, const struct vlp_queue_sample *s)
{
	if (s->packed)
		snprintf(buf, len, "device event suppression %s off_wrap %u",
			 vlp_event_flags_name(s->device_event_flags), s->device_event_off_wrap);
	else if (s->event_idx)
		snprintf(buf, len, "avail_event %u", s->avail_event);
	else
		snprintf(buf, len, "used.flags %u", s->used_flags);
}

static void irq_reason(char *buf, size_t len, const struct vlp_queue_sample *s)
{
	if (s->packed)
		snprintf(buf, len, "driver event suppression %s off_wrap %u",
			 vlp_event_flags_name(s->driver_event_flags), s->driver_event_off_wrap);
	else if (s->event_idx)
		snprintf(buf, len, "used_event %u", s->used_event);
	else
		snprintf(buf, len, "avail.flags %u", s->avail_flags);
}

static void set(struct vlp_verdict *v, enum vlp_verdict_state st, const char *section,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void set(struct vlp_verdict *v, enum vlp_verdict_state st, const char *section,
		const char *fmt, ...)
{
	va_list ap;

	v->state = st;
	v->section = section;
	va_start(ap, fmt);
	vsnprintf(v->evidence, sizeof(v->evidence), fmt, ap);
	va_end(ap);
}

void vlp_verdict_judge(const struct vlp_verdict_input *in, struct vlp_verdict *v)
{
	const struct vlp_queue_sample *first, *last;
	uint32_t m, da = 0, du = 0;
	uint64_t dirq = 0;
	bool irq_known = true, rx, wanted_early = false, kicks = true;
	size_t n = in->nsamples;
	char idx[64], why[96], over[64];
	double span;
	const char *sec_kick, *sec_irq;

	memset(v, 0, sizeof(*v));
	/* 2.1.2: "The device SHOULD set DEVICE_NEEDS_RESET when it enters an
	 * error state that a reset is needed"; until the driver resets it,
	 * nothing on any queue moves (the host's device-broken, the same
	 * state). */
	if (in->needs_reset) {
		if (n && in->samples) {
			last = &in->samples[n - 1];
			indices(idx, sizeof(idx), last);
			set(v, VLP_VERDICT_DEVICE_STALLED, "2.1.2",
			    "device_status has DEVICE_NEEDS_RESET: the device handles nothing until the driver resets it; %s, %u in flight",
			    idx, last->in_flight);
		} else {
			set(v, VLP_VERDICT_DEVICE_STALLED, "2.1.2",
			    "device_status has DEVICE_NEEDS_RESET: the device handles nothing until the driver resets it");
		}
		return;
	}
	if (in->unsampled_why || n < 2 || !in->samples) {
		set(v, VLP_VERDICT_NOT_SAMPLED, NULL, "%s",
		    in->unsampled_why ? in->unsampled_why
				      : "one read: sampling tells a stall from progress");
		return;
	}
	first = &in->samples[0];
	last = &in->samples[n - 1];
	m = modulus(last);
	/* Sums of the steps: each step is below the modulus when the interval
	 * is short enough (fewer than 2^16, or 2 x size slots, per step). */
	for (size_t k = 1; k < n; k++) {
		const struct vlp_queue_sample *a = &in->samples[k - 1], *b = &in->samples[k];

		da += delta(b->avail, a->avail, m);
		du += delta(b->used, a->used, m);
		if (a->irq_known && b->irq_known && b->irq_count >= a->irq_count)
			dirq += b->irq_count - a->irq_count;
		else
			irq_known = false;
		/* An interrupt wanted before the last step has had time to be
		 * counted by the last read. */
		if (k < n - 1 && irq_wanted(a, b))
			wanted_early = true;
		if (!kick_wanted(b))
			kicks = false;
	}
	span = last->t - first->t;
	if (span > 0) {
		v->rates_valid = true;
		v->avail_per_s = da / span;
		v->used_per_s = du / span;
		v->irq_rate_valid = irq_known;
		v->irq_per_s = irq_known ? (double)dirq / span : 0;
	}
	/* Receive-type: the driver posts buffers the device fills when
	 * something arrives (a packet, an event); until then they wait. */
	rx = in->role == VLP_QUEUE_RECEIVE || in->role == VLP_QUEUE_EVENT;
	sec_kick = last->packed ? "2.8.10" : "2.7.10";
	sec_irq = last->packed ? "2.8.10" : "2.7.7";
	indices(idx, sizeof(idx), last);
	snprintf(over, sizeof(over), "over %zu samples in %.1f s", n, span);

	/* PCI MSI-X: a masked entry holds its message in the PBA (the same
	 * fact as the irq-masked-pending check, named and cited one way). */
	if (in->vector_valid && in->masked_valid && in->masked && in->pending_valid && in->pending) {
		set(v, VLP_VERDICT_INTERRUPT_NOT_DELIVERED, VLP_MSIX_HELD_SECTION,
		    VLP_MSIX_HELD_CHECK
		    ": MSI-X vector %u is masked with its pending bit set: the interrupt is held; %s, %u in flight",
		    in->vector, idx, last->in_flight);
		return;
	}
	if (du > 0) {
		if (irq_known && dirq == 0 && wanted_early) {
			irq_reason(why, sizeof(why), last);
			set(v, VLP_VERDICT_INTERRUPT_NOT_DELIVERED, sec_irq,
			    "used moved by %" PRIu32 " %s but the IRQ count of vector %u stayed %" PRIu64
			    "; %s: the driver asks for interrupts",
			    du, over, in->vector, last->irq_count, why);
			return;
		}
		if (irq_known)
			snprintf(why, sizeof(why), ", IRQ +%" PRIu64, dirq);
		else
			why[0] = '\0';
		set(v, VLP_VERDICT_PROGRESSING, NULL,
		    "avail +%" PRIu32 ", used +%" PRIu32 "%s %s; %s, %u in flight", da, du, why,
		    over, idx, last->in_flight);
		return;
	}
	/* used frozen from here on */
	if (rx) {
		if (last->in_flight > 0) {
			set(v, VLP_VERDICT_WAITING_FOR_INPUT, NULL,
			    "%u buffers posted for the device to fill, none used %s (%s): waiting for input, not a stall",
			    last->in_flight, over, idx);
			return;
		}
		if (last->avail != 0 || last->used != 0 || da != 0) {
			set(v, VLP_VERDICT_DRIVER_STALLED, NULL,
			    "%s queue with 0 buffers posted %s (%s): the driver has not refilled it",
			    vlp_queue_role_name(in->role), over, idx);
			return;
		}
		set(v, VLP_VERDICT_IDLE, NULL, "%s queue never used (%s) %s",
		    vlp_queue_role_name(in->role), idx, over);
		return;
	}
	if (last->in_flight == 0) {
		set(v, VLP_VERDICT_IDLE, NULL, "%s, nothing in flight, unchanged %s", idx, over);
		return;
	}
	kick_reason(why, sizeof(why), last);
	if (kicks) {
		set(v, VLP_VERDICT_DEVICE_STALLED, sec_kick,
		    "%s frozen %s with %u in flight%s; %s: the device asks for kicks", idx, over,
		    last->in_flight, da ? " and growing" : "", why);
		return;
	}
	set(v, VLP_VERDICT_NOTIFICATIONS_SUPPRESSED, sec_kick,
	    "%s frozen %s with %u in flight; %s: the device asked for no kicks (it polls) yet used none",
	    idx, over, last->in_flight, why);
}

void vlp_queue_sample_from_ring(const struct vlp_ring *r, struct vlp_queue_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->size = r->size;
	s->packed = r->format == VLP_RING_PACKED;
	s->event_idx = r->negotiated >> VLP_F_EVENT_IDX & 1;
	s->in_flight = r->in_flight;
	if (s->packed) {
		uint32_t m = 2u * (r->size ? r->size : 1), slots = 0;

		/* The driver's next slot on its lap (2.8.1); the device has used
		 * every slot before the lists still in flight. */
		s->avail = (r->next_avail + (r->avail_wrap ? 0u : r->size)) % m;
		for (size_t i = 0; i < r->nchains; i++)
			slots += (uint32_t)r->chains[i].ndescs;
		s->used = delta(s->avail, slots % m, m);
		s->driver_event_flags = r->driver_event.flags & 3u;
		s->driver_event_off_wrap = r->driver_event.desc;
		s->device_event_flags = r->device_event.flags & 3u;
		s->device_event_off_wrap = r->device_event.desc;
	} else {
		s->avail = r->avail.idx;
		s->used = r->used.idx;
		s->avail_flags = r->avail.flags;
		s->used_flags = r->used.flags;
		s->used_event = r->avail.used_event;
		s->avail_event = r->used.avail_event;
	}
}

void vlp_queue_rates(const struct vlp_queue_sample *before, const struct vlp_queue_sample *after,
		     struct vlp_queue_rates *out)
{
	double dt = after->t - before->t;
	uint32_t m = modulus(after);

	memset(out, 0, sizeof(*out));
	if (before->packed != after->packed || (after->packed && before->size != after->size) || dt <= 0)
		return;
	out->valid = true;
	out->avail_per_s = delta(after->avail, before->avail, m) / dt;
	out->used_per_s = delta(after->used, before->used, m) / dt;
	/* Packed: the set of lists in flight changing is the device's (or the
	 * driver's) work; split: used.idx (2.7.8). */
	out->used_moved = after->packed ? after->in_flight != before->in_flight ||
						  after->avail != before->avail
					: after->used != before->used;
	if (before->irq_known && after->irq_known && after->irq_count >= before->irq_count) {
		out->irq_valid = true;
		out->irq_per_s = (double)(after->irq_count - before->irq_count) / dt;
	}
}

/* 2.7.8.2: the device "MUST" have written at least len bytes "beginning at
 * the first device-writable buffer": len beyond the chain's writable bytes
 * is a fault.  One read cannot judge it (a used chain may already be freed
 * or reused), two can: the chain as it was in flight before, its used
 * entry after.  Only what the reads show for certain is judged:
 *   - a chain published before the read ahead of before (positions below
 *     settled): the descriptor table, read first, already held it;
 *   - completed in order: the used entry at position u names the head of
 *     the chain at avail position u (an out-of-order completion may have
 *     freed a head that avail still shows in flight).
 * Split rings only; legacy devices are not judged (2.7.8.1: len was often
 * set incorrectly). */
int vlp_ring_used_len_check(const struct vlp_ring *before, uint16_t settled,
			    const struct vlp_ring *after, struct vlp_finding **findings,
			    size_t *nfindings)
{
	uint16_t from, count, published;

	if (!before || !after || before->format != VLP_RING_SPLIT ||
	    after->format != VLP_RING_SPLIT || before->size != after->size || !after->used.nlast)
		return 0;
	from = before->used.idx;
	count = (uint16_t)(after->used.idx - from);
	published = (uint16_t)(settled - from);
	if (published > before->nchains)
		published = (uint16_t)before->nchains;
	for (size_t i = 0; i < after->used.nlast; i++) {
		const struct vlp_ring_used_elem *e = &after->used.last[i];
		uint16_t k = (uint16_t)(e->position - from);
		const struct vlp_ring_chain *c;
		struct vlp_finding *f, *grown;

		/* entries the device wrote between the reads, for chains
		 * settled before them (chains[k] is at avail position from + k) */
		if (k >= count || k >= published)
			continue;
		c = &before->chains[k];
		if (c->position != e->position || c->head != e->id || !c->complete ||
		    e->len <= c->writable)
			continue;
		if (*nfindings >= VLP_RING_FINDINGS_MAX)
			return 0;
		grown = realloc(*findings, (*nfindings + 1) * sizeof(**findings));
		if (!grown)
			return -ENOMEM;
		*findings = grown;
		f = &grown[(*nfindings)++];
		memset(f, 0, sizeof(*f));
		f->severity = VLP_SEV_WARNING;
		f->section = "2.7.8.2";
		f->position = -1;
		f->check = "ring-used-len";
		snprintf(f->message, sizeof(f->message),
			 "used entry %u: len %" PRIu32 " is larger than the %" PRIu64
			 " device-writable bytes of chain %u (head %u) as it was in flight",
			 e->position, e->len, c->writable, c->position, c->head);
	}
	return 0;
}
