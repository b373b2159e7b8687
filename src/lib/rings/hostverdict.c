/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's verdict of a queue: the guest-side verdict (verdict.c, from
 * the ring in guest RAM) refined with QEMU's own indices over the same
 * reads (x-query-virtio-queue-status: last_avail_idx, used_idx, inuse,
 * signalled_used).  Pure: plain numbers in, a cause and evidence out.
 *
 * What QEMU's numbers mean (hw/virtio/virtio.c, 7.2):
 *   - last_avail_idx: the next avail entry QEMU will pop; inuse: chains
 *     popped and not yet pushed to the used ring; used_idx: QEMU's count
 *     of used entries written.
 *   - signalled_used: used_idx at QEMU's last notification decision under
 *     EVENT_IDX (virtio_should_notify); it proves a decision was made, not
 *     that an interrupt was sent.
 *   - with a vhost backend (vhost-user, vhost-net) QEMU's inuse and
 *     used_idx are not the backend's; last_avail_idx comes from the backend
 *     (vhost_get_vring_base) and the used ring in RAM is the backend's.
 * Where the guest sees the same fact (buffers in flight, used frozen) the
 * state keeps the guest's name; the cause says what only the host sees.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *vlp_host_cause_name(enum vlp_host_cause c)
{
	static const char *const names[VLP_HOST_CAUSES] = {
		[VLP_HOST_CAUSE_NONE] = "none",
		[VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED] = "fetched-not-completed",
		[VLP_HOST_CAUSE_KICKED_NOT_FETCHED] = "kicked-not-fetched",
		[VLP_HOST_CAUSE_DEVICE_BROKEN] = "device-broken",
		[VLP_HOST_CAUSE_COMPLETED_NOT_NOTIFIED] = "completed-not-notified",
		[VLP_HOST_CAUSE_CANNOT_TELL] = "cannot-tell-from-the-host",
	};

	return (unsigned)c < VLP_HOST_CAUSES ? names[c] : "unknown";
}

/* (a - b) modulo 2^16: split ring indices are free-running (2.7.6, 2.7.8). */
static uint16_t ahead(uint16_t a, uint16_t b)
{
	return (uint16_t)(a - b);
}

static void say(struct vlp_verdict *v, enum vlp_verdict_state st, enum vlp_host_cause cause,
		const char *section, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void say(struct vlp_verdict *v, enum vlp_verdict_state st, enum vlp_host_cause cause,
		const char *section, const char *fmt, ...)
{
	va_list ap;

	v->state = st;
	v->host_cause = cause;
	v->section = section;
	va_start(ap, fmt);
	vsnprintf(v->evidence, sizeof(v->evidence), fmt, ap);
	va_end(ap);
}

/* Whether QEMU's counters stayed the same over every read. */
static bool frozen(const struct vlp_host_verdict_input *in)
{
	const struct vlp_host_queue *a = &in->host[0];

	for (size_t k = 1; k < in->nsamples; k++) {
		const struct vlp_host_queue *b = &in->host[k];

		if (b->used_idx != a->used_idx || b->inuse != a->inuse ||
		    b->has_last_avail_idx != a->has_last_avail_idx ||
		    (a->has_last_avail_idx && b->last_avail_idx != a->last_avail_idx))
			return false;
	}
	return true;
}

/* A state the guest gives a queue with buffers in flight and used frozen
 * keeps its name; without a ring read the host says device-stalled. */
static enum vlp_verdict_state stalled_state(enum vlp_verdict_state guest)
{
	return guest == VLP_VERDICT_NOTIFICATIONS_SUPPRESSED ? guest : VLP_VERDICT_DEVICE_STALLED;
}

void vlp_host_verdict_judge(const struct vlp_host_verdict_input *in, struct vlp_verdict *v)
{
	const struct vlp_host_queue *q;
	const struct vlp_queue_sample *r = NULL;
	size_t n = in->nsamples;
	char over[48], ram[64];
	bool rx, ring_still = true;
	uint16_t used;

	v->host_cause = VLP_HOST_CAUSE_NONE;
	if (!in->host || n == 0 || !in->host[n - 1].valid)
		return;
	q = &in->host[n - 1];
	if (in->samples) {
		r = &in->samples[n - 1];
		for (size_t k = 1; k < n; k++)
			if (in->samples[k].avail != in->samples[0].avail ||
			    in->samples[k].used != in->samples[0].used)
				ring_still = false;
	}
	if (n > 1)
		snprintf(over, sizeof(over), " unchanged over %zu samples", n);
	else
		over[0] = '\0';
	if (r && !r->packed)
		snprintf(ram, sizeof(ram), "; guest RAM avail.idx %" PRIu32 ", used.idx %" PRIu32,
			 r->avail, r->used);
	else
		ram[0] = '\0';

	/* 2.1.2: a device in an error state sets DEVICE_NEEDS_RESET; QEMU's
	 * virtio_error() marks it broken and handles no request until reset. */
	if (in->broken || in->needs_reset) {
		say(v, VLP_VERDICT_DEVICE_STALLED, VLP_HOST_CAUSE_DEVICE_BROKEN, "2.1.2",
		    "QEMU %s: the device handles nothing until reset (used_idx %u, inuse %" PRIu32
		    ")%s",
		    in->broken ? "marks the device broken (virtio_error)" : "shows DEVICE_NEEDS_RESET",
		    q->used_idx, q->inuse, ram);
		return;
	}
	/* One read, a packed ring (QEMU's indices count slots with a wrap bit
	 * there), a moving queue: the guest's verdict stands. */
	if (n < 2 || (r && r->packed) || !frozen(in))
		return;
	if (v->state == VLP_VERDICT_PROGRESSING || !ring_still)
		return;
	rx = in->role == VLP_QUEUE_RECEIVE || in->role == VLP_QUEUE_EVENT;

	/* Fetched and held: QEMU (or its vhost backend) popped chains it has
	 * not completed. */
	if (in->vhost) {
		uint16_t held, waiting;

		if (!q->has_last_avail_idx || !r)
			return;
		held = ahead(q->last_avail_idx, (uint16_t)r->used);
		waiting = ahead((uint16_t)r->avail, q->last_avail_idx);
		if (held > 0 && held <= r->size && !rx) {
			say(v, stalled_state(v->state), VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED, NULL,
			    "the vhost backend fetched %u not completed (last_avail_idx %u, used.idx %" PRIu32
			    ")%s: held by the backend",
			    held, q->last_avail_idx, r->used, over);
			return;
		}
		if (waiting > 0 && waiting <= r->size && !rx) {
			say(v, stalled_state(v->state), VLP_HOST_CAUSE_KICKED_NOT_FETCHED, "2.7.10",
			    "avail.idx %" PRIu32
			    " in guest RAM is %u ahead of the backend's last_avail_idx %u%s: made available, not fetched (a lost kick or a stopped kick eventfd)",
			    r->avail, waiting, q->last_avail_idx, over);
		}
		return;
	}
	if (q->inuse > 0 && !rx) {
		say(v, stalled_state(v->state), VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED, NULL,
		    "QEMU holds %" PRIu32 " (inuse %" PRIu32
		    ", last_avail_idx %u, used_idx %u)%s%s: fetched, not completed",
		    q->inuse, q->inuse, q->last_avail_idx, q->used_idx, over, ram);
		return;
	}
	if (r && q->has_last_avail_idx && q->inuse == 0 && !rx) {
		uint16_t waiting = ahead((uint16_t)r->avail, q->last_avail_idx);

		if (waiting > 0 && waiting <= r->size) {
			/* 2.7.10: the driver notifies the device after making
			 * buffers available, unless the device suppressed it. */
			say(v, stalled_state(v->state), VLP_HOST_CAUSE_KICKED_NOT_FETCHED, "2.7.10",
			    "avail.idx %" PRIu32
			    " in guest RAM is %u ahead of QEMU's last_avail_idx %u, inuse 0, used_idx %u%s: made available, not fetched (a lost kick, a stopped ioeventfd, or a device holding off)",
			    r->avail, waiting, q->last_avail_idx, q->used_idx, over);
			return;
		}
	}
	/* Completed but not consumed: with EVENT_IDX the driver's used_event
	 * says how far it asked to be told (2.7.7.2); used.idx past it and
	 * frozen means completions the driver has not seen.  QEMU's
	 * signalled_used behind its used_idx witnesses that no notification
	 * was decided for them; equal, a decision was made, and whether the
	 * interrupt reached the driver is not visible from the host. */
	if (!r || !r->event_idx || r->used != q->used_idx)
		return;
	used = (uint16_t)r->used;
	if (ahead(used, r->used_event) == 0 || ahead(used, r->used_event) > r->size)
		return;
	if (q->signalled_used_valid && q->signalled_used != q->used_idx) {
		say(v, VLP_VERDICT_INTERRUPT_NOT_DELIVERED, VLP_HOST_CAUSE_COMPLETED_NOT_NOTIFIED,
		    "2.7.7.2",
		    "used.idx %u is past used_event %u, but QEMU's signalled_used %u is behind its used_idx %u%s: completed, not notified",
		    used, r->used_event, q->signalled_used, q->used_idx, over);
		return;
	}
	say(v, v->state, VLP_HOST_CAUSE_CANNOT_TELL, "2.7.7.2",
	    "used.idx %u is past used_event %u%s (QEMU's signalled_used %s): completed, not consumed; whether the interrupt was sent cannot be told from the host",
	    used, r->used_event, over, q->signalled_used_valid ? "= used_idx" : "not valid");
}
