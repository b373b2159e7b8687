/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ring-level exercise checks (--check --exercise): virtio-blk READs of
 * sectors 0.. through a split queue in this process's memory, their
 * device-writable buffers filled with a pattern and the used ring's next
 * entries poisoned first; then what the device left there is judged: the
 * used entries (2.7.8, 2.7.8.2), the readable buffers and the descriptor
 * table (2.7.5.1), the notification with VIRTQ_AVAIL_F_NO_INTERRUPT set
 * (2.7.7.2, seen as an MSI-X pending bit), liveness, and the used ring
 * after a reset (2.4.1).  The judging functions are pure (unit tested). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"

#define RX_READS 3      /* requests in the batch */
#define RX_SETTLE_MS 20 /* how long used.idx is watched after the batch */
#define RX_LATE_MS 400  /* how long the used ring is watched after a reset */
#define RX_DATA VLP_BLK_SECTOR
#define RX_FINDINGS 8
#define RX_KICKS 4 /* notifications with nothing new made available */
/* How long the device's answer to them is watched for: a back-end process
 * on a loaded host may take that long to wake for the kick. */
#define RX_SPURIOUS_WATCH_MS 500u

/* ------------------------------------------------------------ judging */

void vlp_ex_finding_add(struct vlp_ex_finding *out, size_t max, size_t *n, enum vlp_ex_fault f,
			const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return;
	out[*n].fault = f;
	va_start(ap, fmt);
	vsnprintf(out[*n].message, sizeof(out[*n].message), fmt, ap);
	va_end(ap);
	(*n)++;
}

size_t vlp_rx_judge_used(const struct vlp_rx_window *w, struct vlp_ex_finding *out, size_t max)
{
	uint16_t count = (uint16_t)(w->idx - w->seen);
	size_t n = 0, in_flight = 0;

	for (size_t c = 0; c < w->nchains; c++)
		in_flight += !w->chains[c].used;
	/* 2.7.8: idx counts the entries written, one per chain used. */
	if (count > in_flight)
		vlp_ex_finding_add(out, max, &n, VLP_RX_IDX_PAST,
				   "used.idx %u moved %u entries past %u with %zu chains in flight",
				   w->idx, count, w->seen, in_flight);
	for (uint16_t i = 0; i < count && i < w->size; i++) {
		unsigned slot = (uint16_t)(w->seen + i) % w->size;
		const struct vlp_rx_elem *e = &w->ring[slot];
		struct vlp_rx_chain *ch = NULL;

		if (e->id == VLP_RX_POISON && e->len == VLP_RX_POISON) {
			vlp_ex_finding_add(
				out, max, &n, VLP_RX_SLOT_UNWRITTEN,
				"used.ring[%u] below used.idx %u was never written (id and len 0x%08x as filled before)",
				slot, w->idx, VLP_RX_POISON);
			continue;
		}
		for (size_t c = 0; c < w->nchains && !ch; c++)
			if (w->chains[c].head == e->id)
				ch = &w->chains[c];
		if (!ch) {
			vlp_ex_finding_add(out, max, &n, VLP_RX_ID_NOT_HEAD,
					   "used.ring[%u] id %" PRIu32 " len %" PRIu32
					   ": not the head of a chain made available (heads %u..%u)",
					   slot, e->id, e->len, w->nchains ? w->chains[0].head : 0,
					   w->nchains ? w->chains[w->nchains - 1].head : 0);
		} else if (ch->used) {
			vlp_ex_finding_add(out, max, &n, VLP_RX_ID_TWICE,
					   "used.ring[%u] id %" PRIu32 " len %" PRIu32
					   ": that chain was already returned",
					   slot, e->id, e->len);
		} else {
			ch->used = true;
			/* 2.7.8.2: len counts bytes written, so at most the
			 * writable bytes. */
			if (e->len > ch->writable)
				vlp_ex_finding_add(out, max, &n, VLP_RX_LEN_OVER,
						   "used.ring[%u] id %" PRIu32 " len %" PRIu32
						   ": above the chain's %" PRIu32
						   " device-writable bytes",
						   slot, e->id, e->len, ch->writable);
		}
	}
	return n;
}

size_t vlp_rx_written(const uint8_t *buf, uint8_t fill, size_t n)
{
	while (n && buf[n - 1] == fill)
		n--;
	return n;
}

bool vlp_rx_changed(const uint8_t *before, const uint8_t *after, size_t n, size_t *off)
{
	for (size_t i = 0; i < n; i++)
		if (before[i] != after[i]) {
			*off = i;
			return true;
		}
	return false;
}

size_t vlp_rx_judge_spurious(const struct vlp_rx_spurious *s, struct vlp_ex_finding *out, size_t max)
{
	size_t n = 0;

	/* 2.7.8: a used entry returns a chain made available; none was. */
	if (s->idx_after != s->idx_before)
		vlp_ex_finding_add(
			out, max, &n, VLP_RX_SPURIOUS_USED,
			"used.idx moved from %u to %u after %u notifications with nothing new made available",
			s->idx_before, s->idx_after, s->kicks);
	else if (s->slot_written)
		vlp_ex_finding_add(out, max, &n, VLP_RX_SPURIOUS_USED,
				   "used.ring[%u] written (id %" PRIu32 " len %" PRIu32
				   ") after %u notifications with nothing new made available",
				   s->idx_before, s->slot.id, s->slot.len, s->kicks);
	if (s->status & VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET))
		vlp_ex_finding_add(
			out, max, &n, VLP_RX_SPURIOUS_RESET,
			"device_status 0x%02x (DEVICE_NEEDS_RESET) after %u notifications with nothing new made available",
			s->status, s->kicks);
	/* 2.7.7.2: "If flags is 1, the device SHOULD NOT send a notification." */
	if (s->pending == 1)
		vlp_ex_finding_add(
			out, max, &n, VLP_RX_SPURIOUS_NOTIFIED,
			"the queue's vector pending after %u notifications with nothing new made available and avail flags VIRTQ_AVAIL_F_NO_INTERRUPT (2.7.7.2: SHOULD NOT notify)",
			s->kicks);
	/* The READ after them, made unless one of those came first. */
	if (s->idx_after != s->idx_before || (s->status & VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET)))
		return n;
	if (!s->answered)
		vlp_ex_finding_add(
			out, max, &n, VLP_RX_SPURIOUS_NEXT,
			"the READ made after the %u notifications was not returned within %u ms",
			s->kicks, REQUEST_MS);
	else if (s->blk_status != VLP_BLK_S_OK)
		vlp_ex_finding_add(
			out, max, &n, VLP_RX_SPURIOUS_NEXT,
			"the READ made after the %u notifications answered status %u, not VIRTIO_BLK_S_OK",
			s->kicks, s->blk_status);
	return n;
}

/* ------------------------------------------------------------ the device */

static const enum ex_row ring_rows[] = { XR_USED_ID,           XR_USED_LEN,
					 XR_USED_IDX,          XR_READABLE_UNTOUCHED,
					 XR_DESC_UNTOUCHED,    XR_NOTIFY_SUPPRESSED,
					 XR_REQUESTS_COMPLETE, XR_USED_AFTER_RESET,
					 XR_SPURIOUS_KICK };

void ex_rings_not_run(struct ex *x, const char *why)
{
	if (x->l->virtio.device_type.value != VLP_ID_BLOCK)
		why = "ring checks drive virtio-blk reads only";
	for (size_t i = 0; i < VLP_ARRAY_SIZE(ring_rows); i++)
		ex_not_run(x, ring_rows[i], "%s", why);
}

/* used.idx as the device last wrote it (acquire: its entries seen too). */
uint16_t ex_used_idx(const uint8_t *used)
{
	const uint8_t *p = used + vlp_used_table()->fields[VLP_USED_IDX].offset;

	return le16toh(__atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_ACQUIRE));
}

static uint8_t *used_elem(uint8_t *used, unsigned slot)
{
	const struct vlp_field *f = &vlp_used_table()->fields[VLP_USED_RING];

	return used + f->offset + (size_t)f->width * slot;
}

static struct vlp_rx_elem elem_at(uint8_t *used, unsigned slot)
{
	const struct vlp_field_table *et = vlp_used_elem_table();
	const uint8_t *e = used_elem(used, slot);

	return (struct vlp_rx_elem){
		(uint32_t)vlp_field_read_mem(&et->fields[VLP_USED_ELEM_ID], e),
		(uint32_t)vlp_field_read_mem(&et->fields[VLP_USED_ELEM_LEN], e),
	};
}

/* The used entries from slot seen on, id and len all ones: an entry the
 * device did not write reads so. */
static void poison(uint8_t *used, unsigned size, uint16_t seen, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		memset(used_elem(used, (uint16_t)(seen + i) % size), 0xff,
		       vlp_used_table()->fields[VLP_USED_RING].width);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* A READ of sector s: header, RX_DATA bytes and the status byte, both
 * filled with EX_FILL. */
static int post_read(struct ex *x, struct vlp_vqs *vqs, unsigned q, uint64_t s,
		     uint8_t hdr[VLP_SELFTEST_BLK_HDR], unsigned *id)
{
	static uint8_t fill[RX_DATA];
	struct vlp_vq_seg segs[3];

	memset(fill, EX_FILL, sizeof(fill));
	vlp_selftest_blk_header(hdr, 0, s);
	segs[0] = (struct vlp_vq_seg){ false, hdr, VLP_SELFTEST_BLK_HDR, VLP_SELFTEST_BLK_HDR };
	segs[1] = (struct vlp_vq_seg){ true, fill, RX_DATA, RX_DATA };
	segs[2] = (struct vlp_vq_seg){ true, fill, 1, 1 };
	return vlp_vqs_post_chain(x->r.ctx, vqs, q, segs, 3, id);
}

/* One chain as the device left it: the readable header as posted, the
 * descriptors of the table before, len at most the bytes written. */
static void judge_buffers(struct ex *x, struct vlp_vqs *vqs, unsigned q, const uint8_t *desc0,
			  unsigned head, const uint8_t *hdr, const struct vlp_rx_elem *e)
{
	const struct vlp_field_table *dt = vlp_split_desc_table();
	const uint8_t *d = desc0 + dt->size * head;
	const uint8_t *buf;
	uint32_t len;
	size_t off, written = 0, seen = 0;
	unsigned id = head;

	for (unsigned k = 0; k < 3; k++) {
		if (!(buf = vlp_vqs_buf(vqs, q, id, &len)))
			return;
		if (k == 0 && vlp_rx_changed(hdr, buf, VLP_SELFTEST_BLK_HDR, &off))
			ex_fail(x, XR_READABLE_UNTOUCHED, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
				"queue %u: chain %u (used len %" PRIu32
				"): device-readable header byte %zu is 0x%02x, posted 0x%02x",
				q, head, e->len, off, buf[off], hdr[off]);
		if (k > 0) {
			size_t w = vlp_rx_written(buf, EX_FILL, len);

			if (w)
				written = seen + w;
			seen += len;
		}
		id = (unsigned)vlp_field_read_mem(&dt->fields[VLP_DESC_NEXT], d);
		d = desc0 + dt->size * id;
	}
	/* 2.7.8.2: "MUST write at least len bytes". */
	if (e->len <= seen && e->len > written)
		ex_fail(x, XR_USED_LEN, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
			"queue %u: chain %u: used len %" PRIu32
			" but only the first %zu device-writable bytes differ from the 0x%02x they were filled with",
			q, head, e->len, written, EX_FILL);
}

static void fault_row(struct ex *x, unsigned q, const struct vlp_ex_finding *f)
{
	enum ex_row k = f->fault == VLP_RX_LEN_OVER ? XR_USED_LEN
			: f->fault == VLP_RX_ID_NOT_HEAD || f->fault == VLP_RX_ID_TWICE ? XR_USED_ID
											: XR_USED_IDX;

	ex_fail(x, k, VLP_SEV_ERROR, chk_at_queue(&x->r, q), "queue %u: %s", q, f->message);
}

/* The batch's vector, mapped before DRIVER_OK: its pending bit clear
 * (false: the suppression is not checked). */
static int quiet_vector(struct ex *x, unsigned vector, bool *ok)
{
	uint32_t w;
	int err;

	*ok = false;
	if (!x->msix) {
		ex_not_run(x, XR_NOTIFY_SUPPRESSED, "no MSI-X capability");
		return 0;
	}
	if (vector == VLP_NO_VECTOR) {
		ex_not_run(x, XR_NOTIFY_SUPPRESSED, "the queue has no vector");
		return 0;
	}
	if ((err = ex_pba_word(x, vector, &w)))
		return err;
	if (w >> (vector % 32) & 1)
		ex_not_run(x, XR_NOTIFY_SUPPRESSED,
			   "the pending bit of vector %u was set before the requests", vector);
	else
		*ok = true;
	return 0;
}

/* Waits up to REQUEST_MS for n entries past seen, then RX_SETTLE_MS more
 * (an index moved too far shows then). */
static uint16_t wait_used(const uint8_t *used, uint16_t seen, unsigned n, unsigned *waited)
{
	unsigned t = 0;

	while ((uint16_t)(ex_used_idx(used) - seen) < n && t < REQUEST_MS) {
		ex_sleep_ms(1);
		t++;
	}
	ex_sleep_ms(RX_SETTLE_MS);
	*waited = t;
	return ex_used_idx(used);
}

int ex_rings(struct ex *x, struct vlp_vqs *vqs, unsigned q, unsigned vector)
{
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, q);
	struct vlp_rx_chain chains[RX_READS];
	struct vlp_ex_finding f[RX_FINDINGS];
	struct vlp_rx_elem *ring;
	uint8_t hdr[RX_READS][VLP_SELFTEST_BLK_HDR];
	uint8_t *used, *desc, *desc0;
	struct vlp_notify nt;
	size_t nf, off, dlen;
	unsigned waited;
	uint16_t seen, idx;
	bool quiet = false;
	int err;

	if (x->l->virtio.device_type.value != VLP_ID_BLOCK) {
		ex_rings_not_run(x, "ring checks drive virtio-blk reads only");
		return 0;
	}
	if (!info || info->format != VLP_RING_SPLIT) {
		ex_rings_not_run(x, "the request's queue is not a split ring set up here");
		return 0;
	}
	used = vlp_vqs_area(vqs, q, VLP_VQ_DEVICE);
	desc = vlp_vqs_area(vqs, q, VLP_VQ_DESC);
	dlen = (size_t)vlp_split_desc_table()->size * info->size;
	if ((err = vlp_vqs_notifications(x->r.ctx, vqs, q, false)) ||
	    (err = quiet_vector(x, vector, &quiet)))
		return err;
	seen = ex_used_idx(used);
	poison(used, info->size, seen, RX_READS + 2);
	for (unsigned k = 0; k < RX_READS; k++) {
		if ((err = post_read(x, vqs, q, k, hdr[k], &chains[k].head)))
			return err;
		chains[k].writable = RX_DATA + 1;
		chains[k].used = false;
	}
	desc0 = malloc(dlen);
	ring = calloc(info->size, sizeof(*ring));
	if (!desc0 || !ring) {
		free(desc0);
		free(ring);
		return vlp_error(x->r.ctx, ENOMEM, "out of memory");
	}
	memcpy(desc0, desc, dlen);
	if ((err = vlp_vqs_kick(x->r.ctx, vqs, q, &nt)))
		goto out;
	idx = wait_used(used, seen, RX_READS, &waited);
	x->unresponsive = idx == seen;
	for (unsigned s = 0; s < info->size; s++)
		ring[s] = elem_at(used, s);
	nf = vlp_rx_judge_used(&(struct vlp_rx_window){ info->size, seen, idx, ring, chains, RX_READS },
			       f, RX_FINDINGS);
	for (size_t i = 0; i < nf; i++)
		fault_row(x, q, &f[i]);
	for (unsigned k = 0; k < RX_READS; k++)
		if (!chains[k].used)
			ex_fail(x, XR_REQUESTS_COMPLETE, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
				"queue %u: READ of sector %u (chain %u) not returned after %u ms (used.idx %u, %u before)",
				q, k, chains[k].head, waited, idx, seen);
	ex_ran(x, XR_REQUESTS_COMPLETE);
	/* The buffers of the chains an entry returned in its own slot. */
	for (uint16_t i = 0; i < (uint16_t)(idx - seen) && i < info->size; i++) {
		const struct vlp_rx_elem *e = &ring[(uint16_t)(seen + i) % info->size];

		for (unsigned k = 0; k < RX_READS; k++)
			if (e->id == chains[k].head && e->len <= chains[k].writable)
				judge_buffers(x, vqs, q, desc0, chains[k].head, hdr[k], e);
	}
	if (vlp_rx_changed(desc0, desc, dlen, &off))
		ex_fail(x, XR_DESC_UNTOUCHED, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
			"queue %u: descriptor %zu byte %zu is 0x%02x after the requests, 0x%02x before",
			q, off / vlp_split_desc_table()->size, off % vlp_split_desc_table()->size,
			desc[off], desc0[off]);
	if (idx == seen) {
		const char *why = "no used entry came back";

		ex_not_run(x, XR_USED_ID, "%s", why);
		ex_not_run(x, XR_USED_LEN, "%s", why);
		ex_not_run(x, XR_USED_IDX, "%s", why);
		ex_not_run(x, XR_READABLE_UNTOUCHED, "%s", why);
		ex_not_run(x, XR_NOTIFY_SUPPRESSED, "%s", why);
	}
	ex_ran(x, XR_USED_ID);
	ex_ran(x, XR_USED_LEN);
	ex_ran(x, XR_USED_IDX);
	ex_ran(x, XR_READABLE_UNTOUCHED);
	ex_ran(x, XR_DESC_UNTOUCHED);
	if (quiet) {
		bool set;

		if ((err = ex_pba_wait(x, vector, &set)))
			goto out;
		if (set)
			ex_fail(x, XR_NOTIFY_SUPPRESSED, VLP_SEV_WARNING, chk_at_queue(&x->r, q),
				"queue %u: %u used entries (used.idx %u -> %u) with avail flags VIRTQ_AVAIL_F_NO_INTERRUPT: the pending bit of its vector %u set",
				q, (uint16_t)(idx - seen), seen, idx, vector);
		ex_ran(x, XR_NOTIFY_SUPPRESSED);
	}
out:
	free(desc0);
	free(ring);
	return err;
}

/* Why the spurious kicks cannot be sent: every chain of the batch taken
 * back first (NULL: none left in flight). */
static const char *batch_taken(struct ex *x, struct vlp_vqs *vqs, unsigned q, int *err)
{
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, q);
	struct vlp_vq_used u[RX_READS];
	size_t n;

	*err = 0;
	while (info->in_flight) {
		*err = vlp_vqs_poll(x->r.ctx, vqs, q, 0, u, RX_READS, &n, NULL);
		if (*err == -ETIMEDOUT || *err == -EPROTO) {
			*err = 0;
			return "a READ of the batch was not returned, or returned broken (the ring checks judge it)";
		}
		if (*err)
			return "";
	}
	return NULL;
}

/* Reads what the spurious kicks made the device write: used.idx and the
 * poisoned slot after it; true when either changed. */
static bool spurious_seen(uint8_t *used, unsigned size, struct vlp_rx_spurious *s)
{
	s->idx_after = ex_used_idx(used);
	s->slot = elem_at(used, s->idx_before % size);
	s->slot_written = s->slot.id != VLP_RX_POISON || s->slot.len != VLP_RX_POISON;
	return s->idx_after != s->idx_before || s->slot_written;
}

int ex_rings_spurious(struct ex *x, struct vlp_vqs *vqs, unsigned q, unsigned vector)
{
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, q);
	struct vlp_rx_spurious s = { .kicks = RX_KICKS, .pending = -1 };
	struct vlp_ex_finding f[RX_FINDINGS];
	uint8_t hdr[VLP_SELFTEST_BLK_HDR], *used;
	const char *why = NULL;
	struct vlp_vq_used u;
	struct vlp_notify nt;
	uint64_t status;
	unsigned id;
	uint32_t w;
	int err = 0;

	if (x->decided[XR_SPURIOUS_KICK])
		return 0;
	if (x->unresponsive)
		why = EX_UNRESPONSIVE;
	else if (!info || !(used = vlp_vqs_area(vqs, q, VLP_VQ_DEVICE)))
		why = "the request's queue is not set up";
	else if ((why = batch_taken(x, vqs, q, &err)) && err)
		return err;
	if (why) {
		ex_not_run(x, XR_SPURIOUS_KICK, "%s", why);
		return 0;
	}
	/* The interrupt is judged on the queue's masked vector, its pending
	 * bit clear before; with VIRTIO_F_NOTIFY_ON_EMPTY an empty ring may be
	 * notified whatever avail flags say (6). */
	if (x->msix && vector != VLP_NO_VECTOR && !vlp_feature_on(x->set, VLP_F_NOTIFY_ON_EMPTY)) {
		if ((err = ex_pba_word(x, vector, &w)))
			return err;
		s.pending = w >> (vector % 32) & 1 ? -1 : 0;
	}
	s.idx_before = ex_used_idx(used);
	poison(used, info->size, s.idx_before, 1);
	/* 2.7.10.2: notifications with nothing new made available (with
	 * VIRTIO_F_NOTIFICATION_DATA each carries the unchanged next index). */
	for (unsigned k = 0; k < RX_KICKS; k++)
		if ((err = vlp_vqs_kick(x->r.ctx, vqs, q, &nt)))
			return err;
	for (unsigned ms = 0; !spurious_seen(used, info->size, &s) && ms < RX_SPURIOUS_WATCH_MS;
	     ms += 10)
		ex_sleep_ms(10);
	/* What the device wrote, whole, and its notification if any. */
	ex_sleep_ms(PENDING_MS);
	spurious_seen(used, info->size, &s);
	if ((err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)))
		return err;
	s.status = (uint8_t)status;
	if (s.pending == 0) {
		if ((err = ex_pba_word(x, vector, &w)))
			return err;
		s.pending = w >> (vector % 32) & 1;
	}
	/* Then a READ, unless the device asked for a reset. */
	if (!(status & S_NEEDS_RESET) && s.idx_after == s.idx_before) {
		if ((err = post_read(x, vqs, q, 0, hdr, &id)) ||
		    (err = vlp_vqs_kick(x->r.ctx, vqs, q, &nt)) ||
		    (err = ex_await(x, vqs, q, id, REQUEST_MS, &u, &s.answered)))
			return err;
		s.blk_status = s.answered && u.nsegs == 3 ? u.seg_data[2][0] : EX_FILL;
	}
	for (size_t i = 0, nf = vlp_rx_judge_spurious(&s, f, RX_FINDINGS); i < nf; i++)
		ex_fail(x, XR_SPURIOUS_KICK,
			f[i].fault == VLP_RX_SPURIOUS_NOTIFIED ? VLP_SEV_WARNING : VLP_SEV_ERROR,
			chk_at_queue(&x->r, q), "queue %u: %s", q, f[i].message);
	ex_ran(x, XR_SPURIOUS_KICK);
	return 0;
}

int ex_rings_late_post(struct ex *x, struct vlp_vqs *vqs, unsigned q, bool *posted)
{
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, q);
	uint8_t hdr[VLP_SELFTEST_BLK_HDR];
	struct vlp_notify nt;
	unsigned id;
	int err;

	*posted = false;
	if (x->decided[XR_USED_AFTER_RESET] || !info || x->l->virtio.device_type.value != VLP_ID_BLOCK)
		return 0;
	if ((err = post_read(x, vqs, q, RX_READS, hdr, &id)) ||
	    (err = vlp_vqs_kick(x->r.ctx, vqs, q, &nt)))
		return err;
	*posted = true;
	return 0;
}

int ex_rings_after_reset(struct ex *x, struct vlp_vqs *vqs, unsigned q, bool posted)
{
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, q);
	uint8_t *used = vlp_vqs_area(vqs, q, VLP_VQ_DEVICE), *before;
	size_t n, off;

	if (!posted || !info || !used) {
		ex_not_run(x, XR_USED_AFTER_RESET, "no read was in flight at the reset");
		return 0;
	}
	n = info->layout.device_len;
	if (!(before = malloc(n)))
		return vlp_error(x->r.ctx, ENOMEM, "out of memory");
	memcpy(before, used, n);
	ex_sleep_ms(RX_LATE_MS);
	if (vlp_rx_changed(before, used, n, &off))
		ex_fail(x, XR_USED_AFTER_RESET, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
			"queue %u: used ring byte %zu changed from 0x%02x to 0x%02x within %u ms after the reset (used.idx %u -> %u)",
			q, off, before[off], used[off], RX_LATE_MS, ex_used_idx(before),
			ex_used_idx(used));
	ex_ran(x, XR_USED_AFTER_RESET);
	free(before);
	return 0;
}

int ex_await(struct ex *x, struct vlp_vqs *vqs, unsigned q, unsigned id, unsigned timeout_ms,
	     struct vlp_vq_used *u, bool *got)
{
	unsigned waited;
	size_t n = 0;
	int err;

	*got = false;
	do
		err = vlp_vqs_poll(x->r.ctx, vqs, q, timeout_ms, u, 1, &n, &waited);
	while (!err && n && u->id != id);
	/* Not used in time, a used ring the device broke (the ring checks
	 * judge it), or every entry taken without this chain's head. */
	if (err == -ETIMEDOUT || err == -EPROTO || err == -ENOENT)
		return 0;
	*got = !err && n && u->id == id;
	return err;
}
