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
 *     used_idx are not the backend's, and the used ring in RAM is the
 *     backend's.  Its last_avail_idx would come from the backend
 *     (vhost_get_vring_base), but QEMU 7.2 reports that call's return code
 *     instead, and for vhost-user the call stops the ring: such queues are
 *     not asked (hoststate.c), and without last_avail_idx nothing is
 *     judged here beyond the guest's verdict.
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

/*
 * Moved while sampled.  A sample of a host queue is two monitor round trips
 * while the guest runs: QEMU's x-query-virtio-queue-status and the ring
 * read from guest RAM (pmemsave or xp).  sampler.c's order: the first
 * sample's QEMU read is the state's, made before the rings are read (so is
 * every refresh of the live view); each later sample reads the ring, then
 * asks QEMU (vlp_host_queue.after_ring).  What a queue that stood still
 * between the two reads must show, split rings, QEMU's own device model
 * (hw/virtio/virtio.c, 7.2):
 *   - used: vring_used_idx_set() writes used.idx into guest RAM and sets
 *     vq->used_idx to the same value in one step, under the lock the
 *     monitor's command also runs under: a still queue reads the same
 *     number on both sides.  Different, the device completed buffers
 *     between the two reads (QEMU's ahead when read after the ring, RAM's
 *     ahead when read after QEMU; the other way, the queue was reset).
 *   - avail: the device fetches only what the driver made available and
 *     the driver makes available at most the queue size beyond it (2.7:
 *     "at most Queue Size buffers"; QEMU's virtqueue_num_heads() stops the
 *     device with "Guest moved used index" past that): still,
 *     avail.idx - last_avail_idx is 0..size.  Past size, either QEMU
 *     fetched beyond the avail.idx the ring showed before (read after the
 *     ring), or the driver made more than size available after QEMU's
 *     read (read before), which it can only once the device fetched.
 *   - shadow_avail_idx is QEMU's last read of avail.idx, so it is never
 *     ahead of avail.idx in RAM at any later moment: read after the ring
 *     and ahead of its avail.idx, the driver made buffers available between
 *     the two reads.  Read before the ring, it tells nothing.
 * Packed rings (2.8; measured on QEMU 7.2 with virtio-blk-pci,packed=on):
 * QEMU's last-avail-idx, shadow-avail-idx and used-idx are ring slots
 * (0..size-1) without their wrap counters, and shadow-avail-idx is QEMU's
 * last_avail_idx after a pop, not a read of the ring.  The ring in RAM
 * gives the driver's next slot for sure (the AVAIL bits step there) and
 * the slots still available before it.  2.8.6: the device writes one used
 * descriptor for a whole list and skips the list's other slots, which keep
 * the AVAIL/USED flags the driver gave them and so still read as
 * available: the slots in flight counted from RAM are never fewer than the
 * device's, only more.  Hence the one rule that holds: with QEMU read
 * before the ring, fewer slots in flight in RAM than QEMU's (from its
 * used_idx to the ring's next slot) means the device used descriptors
 * between the two reads.  With QEMU read after the ring, more in RAM is
 * either motion or those skipped slots: not judged, and said.
 * A vhost backend's queue: not judged, and said (VHOST_WHY).
 */
/* (a - b) modulo 2^16 as a signed distance (2.7.6, 2.7.8): > 0, a ahead. */
static int distance(uint16_t a, uint16_t b)
{
	uint16_t d = (uint16_t)(a - b);

	return d < 0x8000 ? (int)d : (int)d - 0x10000;
}

static void motion_say(struct vlp_host_motion *m, const struct vlp_host_queue *q,
		       const char *qemu_field, uint16_t qemu, const char *ring_field, uint16_t ring,
		       const char *what)
{
	m->qemu_field = qemu_field;
	m->ring_field = ring_field;
	m->qemu = qemu;
	m->ring = ring;
	m->after_ring = q->after_ring;
	snprintf(m->evidence, sizeof(m->evidence), "QEMU's %s %u, read %s guest RAM's %s %u: %s",
		 qemu_field, qemu, q->after_ring ? "after" : "before", ring_field, ring, what);
}

/* A packed ring: the slots from QEMU's next one (a slot, no wrap counter)
 * to the driver's next slot in RAM (2.8.1: sure from the AVAIL bits). */
static uint16_t packed_waiting(const struct vlp_queue_sample *r, uint16_t qemu_slot)
{
	uint32_t size = r->size ? r->size : 1;

	return (uint16_t)((r->avail % size + size - qemu_slot % size) % size);
}

/* Why a vhost backend's queue is not judged from the host. */
static const char VHOST_WHY[] =
	"a vhost backend runs the queue and QEMU 7.2 has none of its indices: x-query-virtio-vhost-queue-status gives fds, addresses and size only, and x-query-virtio-queue-status (not sent) reports vhost_get_vring_base()'s return code as last-avail-idx and stops a vhost-user ring; motion and stall cannot be told from the host";
/* Why a packed ring's samples read after the ring are not judged. */
static const char PACKED_AFTER_WHY[] =
	"packed ring: QEMU's indices are slots without wrap counters, and a completed list's later slots still read as available in RAM (2.8.6), so with QEMU read after the ring more slots in flight in RAM is motion or those slots: only samples whose QEMU read came first are compared";

/* Slots from QEMU's used_idx to the ring's next slot (mod size) beside the
 * slots in flight in RAM, QEMU read before the ring (the rules above). */
static bool packed_moved(const struct vlp_queue_sample *r, const struct vlp_host_queue *q,
			 struct vlp_host_motion *m)
{
	uint32_t size = r->size ? r->size : 1, m2 = 2 * size;
	uint32_t used_slot = r->used % size;
	uint32_t ram = (r->avail % m2 + m2 - r->used % m2) % m2;
	uint32_t qemu = packed_waiting(r, q->used_idx);

	if (ram >= qemu)
		return false;
	motion_say(m, q, "used_idx", q->used_idx, "used slot", (uint16_t)used_slot,
		   "the device used descriptors between the two reads");
	return true;
}

/* Whether one sample's two reads disagree (the rules above); m names the
 * values when they do. */
static bool sample_moved(const struct vlp_queue_sample *r, const struct vlp_host_queue *q,
			 struct vlp_host_motion *m)
{
	uint16_t avail = (uint16_t)r->avail, used = (uint16_t)r->used;
	int d;

	if (!q->valid)
		return false;
	if (r->packed)
		return !q->after_ring && packed_moved(r, q, m);
	d = distance(q->used_idx, used);
	if (d != 0) {
		bool forward = q->after_ring ? d > 0 : d < 0;

		motion_say(m, q, "used_idx", q->used_idx, "used.idx", used,
			   forward ? "the device completed buffers between the two reads"
				   : "the queue was reset between the two reads");
		return true;
	}
	if (q->has_last_avail_idx && (uint16_t)(avail - q->last_avail_idx) > r->size) {
		motion_say(m, q, "last_avail_idx", q->last_avail_idx, "avail.idx", avail,
			   q->after_ring
				   ? "QEMU fetched buffers made available after the ring was read"
				   : "more than the queue size made available since QEMU's read, so the device fetched between the two reads");
		return true;
	}
	if (q->has_shadow_avail_idx && q->after_ring && distance(q->shadow_avail_idx, avail) > 0) {
		motion_say(m, q, "shadow_avail_idx", q->shadow_avail_idx, "avail.idx", avail,
			   "the driver made buffers available between the two reads");
		return true;
	}
	return false;
}

/* Every sample's two reads compared: v->motion. */
static void judge_motion(const struct vlp_host_verdict_input *in, struct vlp_verdict *v)
{
	struct vlp_host_motion *m = &v->motion;

	memset(m, 0, sizeof(*m));
	if (in->vhost) {
		m->not_judged = VHOST_WHY;
		return;
	}
	if (!in->samples)
		return;
	for (size_t k = 0; k < in->nsamples; k++) {
		struct vlp_host_motion one = { 0 };

		if (in->samples[k].packed && in->host[k].valid && in->host[k].after_ring)
			m->not_judged = PACKED_AFTER_WHY;
		if (!sample_moved(&in->samples[k], &in->host[k], &one))
			continue;
		if (!m->moved) {
			one.not_judged = m->not_judged;
			*m = one;
			m->moved = true;
			m->sample = (unsigned)k + 1;
		}
		m->samples++;
	}
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
	memset(&v->motion, 0, sizeof(v->motion));
	if (!in->host || n == 0)
		return;
	judge_motion(in, v);
	if (!in->host[n - 1].valid)
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
	else if (r)
		snprintf(ram, sizeof(ram), "; guest RAM next slot %u wrap %u",
			 r->size ? r->avail % r->size : 0, r->avail < r->size);
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
	/* One read, or a snapshot: the motion is said, nothing else judged. */
	if (v->state == VLP_VERDICT_NOT_SAMPLED)
		return;
	/* Motion is progress: a stall is never claimed from a series in which
	 * a sample's two reads disagree. */
	if (v->motion.moved) {
		if (v->state != VLP_VERDICT_PROGRESSING)
			say(v, VLP_VERDICT_PROGRESSING, VLP_HOST_CAUSE_NONE, NULL,
			    "moved while sampled (sample %u of %zu, %u in all): %s",
			    v->motion.sample, n, v->motion.samples, v->motion.evidence);
		return;
	}
	/* One read, a moving queue: the guest's verdict stands. */
	if (n < 2 || !frozen(in))
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
		/* packed: slots from QEMU's next to the driver's next (QEMU's
		 * index is a slot; the ring's next slot is sure, 2.8.1) */
		uint16_t waiting = r->packed ? packed_waiting(r, q->last_avail_idx)
					     : ahead((uint16_t)r->avail, q->last_avail_idx);

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
	if (!r || r->packed || !r->event_idx || r->used != q->used_idx)
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
