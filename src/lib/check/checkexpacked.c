/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The packed ring exercise checks (--check --exercise, 2.8): where the
 * device offers VIRTIO_F_RING_PACKED, a driver's session of its own with
 * it negotiated (and VIRTIO_F_IN_ORDER where offered), three virtio-blk
 * READs of sectors 0.. made available as lists of three descriptors
 * (header, data, status; the device-writable buffers filled with a
 * pattern) with the Driver Event Suppression flags DISABLE, then one more
 * with them ENABLE.  What the device left in the descriptor ring is
 * walked as a driver walks it (2.8.1, 2.8.6, 2.8.8) and judged: the used
 * descriptors' Buffer IDs, flags and lengths, the slots a device skips,
 * the readable buffers (2.8.15), the order with IN_ORDER (6.2), and the
 * notifications (2.8.10, seen as the queue's masked MSI-X pending bit).
 * The judging function is pure (unit tested). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"

#define PX_READS 3      /* lists in the batch */
#define PX_NDESC 3      /* descriptors in a list: header, data, status */
#define PX_SETTLE_MS 20 /* how long the ring is watched after the batch */
#define PX_DATA VLP_BLK_SECTOR
#define PX_FINDINGS 8

/* ------------------------------------------------------------ judging */

static bool same_desc(const struct vlp_px_desc *a, const struct vlp_px_desc *b)
{
	return a->addr == b->addr && a->len == b->len && a->id == b->id && a->flags == b->flags;
}

static struct vlp_px_chain *chain_of(struct vlp_px_window *w, unsigned id, size_t *index)
{
	for (size_t c = 0; c < w->nchains; c++)
		if (w->chains[c].id == id) {
			*index = c;
			return &w->chains[c];
		}
	return NULL;
}

/* The slots after a used descriptor's that its list (or batch) took: the
 * device skips them (2.8.6, 2.8.8) and writes none. */
static void judge_skipped(struct vlp_px_window *w, unsigned pos, unsigned nskip,
			  const struct vlp_px_desc *used, bool wrap, struct vlp_ex_finding *out,
			  size_t max, size_t *n)
{
	for (unsigned k = 1; k < nskip; k++) {
		unsigned s = (pos + k) % w->size;
		const struct vlp_px_desc *a = &w->after[s];
		size_t ci;

		if (same_desc(a, &w->before[s]))
			continue;
		if (w->in_order && vlp_packed_desc_used(a->flags, (pos + k >= w->size) != wrap) &&
		    chain_of(w, a->id, &ci))
			vlp_ex_finding_add(
				out, max, n, VLP_PX_OUT_OF_ORDER,
				"slot %u: used descriptor id %u flags 0x%04x len %" PRIu32
				" inside the batch that id %u at slot %u returned: buffer used out of the order made available",
				s, a->id, a->flags, a->len, used->id, pos);
		else
			vlp_ex_finding_add(
				out, max, n, VLP_PX_SKIP_WRITTEN,
				"slot %u (skipped after id %u at slot %u) written: id %u flags 0x%04x len %" PRIu32
				", made available as id %u flags 0x%04x len %" PRIu32,
				s, used->id, pos, a->id, a->flags, a->len, w->before[s].id,
				w->before[s].flags, w->before[s].len);
	}
}

size_t vlp_px_judge(struct vlp_px_window *w, struct vlp_ex_finding *out, size_t max)
{
	unsigned pos = w->start, walked = 0, total = 0;
	bool wrap = w->wrap;
	size_t n = 0, next = 0;

	w->stopped = false;
	for (size_t c = 0; c < w->nchains; c++)
		total += w->chains[c].ndesc;
	while (walked < total) {
		const struct vlp_px_desc *a = &w->after[pos];
		struct vlp_px_chain *ch;
		unsigned nskip;
		size_t ci;

		if (same_desc(a, &w->before[pos]))
			break; /* not used yet */
		if (!vlp_packed_desc_used(a->flags, wrap)) {
			vlp_ex_finding_add(
				out, max, &n, VLP_PX_FLAGS,
				"slot %u written (id %u flags 0x%04x len %" PRIu32
				") but AVAIL and USED are not both the Device Ring Wrap Counter %u",
				pos, a->id, a->flags, a->len, wrap);
			w->stopped = true;
			break;
		}
		if (!(ch = chain_of(w, a->id, &ci))) {
			vlp_ex_finding_add(out, max, &n, VLP_PX_ID_UNKNOWN,
					   "slot %u: used descriptor id %u flags 0x%04x len %" PRIu32
					   " (wrap counter %u): not a Buffer ID made available",
					   pos, a->id, a->flags, a->len, wrap);
			w->stopped = true;
			break;
		}
		if (ch->used) {
			vlp_ex_finding_add(out, max, &n, VLP_PX_ID_TWICE,
					   "slot %u: used descriptor id %u flags 0x%04x len %" PRIu32
					   " (wrap counter %u): that buffer was already used%s",
					   pos, a->id, a->flags, a->len, wrap,
					   ch->batched ? " (returned with a later buffer's batch, IN_ORDER)"
						       : "");
			w->stopped = true;
			break;
		}
		/* 2.8.4: len, with WRITE, counts the bytes written. */
		if ((a->flags & VLP_DESC_F_WRITE) && a->len > ch->writable)
			vlp_ex_finding_add(out, max, &n, VLP_PX_LEN,
					   "slot %u: used descriptor id %u flags 0x%04x len %" PRIu32
					   ": above the list's %" PRIu32 " device-writable bytes",
					   pos, a->id, a->flags, a->len, ch->writable);
		ch->used = true;
		ch->slot = pos;
		nskip = ch->ndesc;
		/* 2.8.8: with IN_ORDER the lists before it were used too. */
		for (size_t j = next; w->in_order && j < ci; j++)
			if (!w->chains[j].used) {
				w->chains[j].used = w->chains[j].batched = true;
				w->chains[j].slot = pos;
				nskip += w->chains[j].ndesc;
			}
		while (next < w->nchains && w->chains[next].used)
			next++;
		judge_skipped(w, pos, nskip, a, wrap, out, max, &n);
		walked += nskip;
		pos += nskip;
		if (pos >= w->size) {
			pos -= w->size;
			wrap = !wrap;
		}
	}
	w->end = pos;
	w->end_wrap = wrap;
	return n;
}

size_t vlp_px_judge_list(const struct vlp_px_chain *ch, const struct vlp_px_desc *u, size_t written,
			 size_t seen, struct vlp_ex_finding out[2])
{
	size_t n = 0;

	if (!ch->used)
		return 0;
	/* 6.2 with 2.8.8: a batch returns lists the device used completely. */
	if (ch->batched) {
		if (written < seen)
			vlp_ex_finding_add(
				out, 2, &n, VLP_PX_BATCH_UNUSED,
				"id %u returned in a batch by id %u at slot %u (IN_ORDER), but its status byte is still the fill: not used",
				ch->id, u->id, ch->slot);
		return n;
	}
	/* 2.8.3: WRITE says the device wrote. */
	if (written && !(u->flags & VLP_DESC_F_WRITE))
		vlp_ex_finding_add(
			out, 2, &n, VLP_PX_NO_WRITE,
			"slot %u: used descriptor id %u flags 0x%04x len %" PRIu32
			" without VIRTQ_DESC_F_WRITE (len reserved), %zu device-writable bytes written",
			ch->slot, u->id, u->flags, u->len, written);
	/* 2.8.4: len counts the bytes written (judged where the device wrote,
	 * with WRITE or without: what it meant). */
	if ((written || (u->flags & VLP_DESC_F_WRITE)) && u->len <= ch->writable && u->len < written)
		vlp_ex_finding_add(out, 2, &n, VLP_PX_LEN_UNDER,
				   "slot %u: used descriptor id %u flags 0x%04x len %" PRIu32
				   " but the first %zu device-writable bytes differ from the fill",
				   ch->slot, u->id, u->flags, u->len, written);
	return n;
}

/* ------------------------------------------------------------ the device */

/* Every packed row (XR_PACKED_USED_ID to XR_IN_ORDER: checkrun.h keeps
 * them together) but except. */
static void packed_not_run_but(struct ex *x, enum ex_row except, const char *why)
{
	for (enum ex_row k = XR_PACKED_USED_ID; k <= XR_IN_ORDER; k++)
		if (k != except)
			ex_not_run(x, k, "%s", why);
}

static void packed_not_run(struct ex *x, const char *why)
{
	packed_not_run_but(x, XR_COUNT, why);
}

static void read_ring(const uint8_t *desc, unsigned size, struct vlp_px_desc *out)
{
	const struct vlp_field_table *dt = vlp_packed_desc_table();

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	for (unsigned s = 0; s < size; s++) {
		const uint8_t *d = desc + (size_t)dt->size * s;

		out[s] = (struct vlp_px_desc){
			vlp_field_read_mem(&dt->fields[VLP_PDESC_ADDR], d),
			(uint32_t)vlp_field_read_mem(&dt->fields[VLP_PDESC_LEN], d),
			(uint16_t)vlp_field_read_mem(&dt->fields[VLP_PDESC_ID], d),
			(uint16_t)vlp_field_read_mem(&dt->fields[VLP_PDESC_FLAGS], d),
		};
	}
}

/* A READ of sector s as header, PX_DATA bytes and the status byte, the
 * last two filled with EX_FILL. */
static int post_read(struct ex *x, struct vlp_vqs *vqs, uint64_t s,
		     uint8_t hdr[VLP_SELFTEST_BLK_HDR], unsigned *id)
{
	static uint8_t fill[PX_DATA];
	struct vlp_vq_seg segs[PX_NDESC];

	memset(fill, EX_FILL, sizeof(fill));
	vlp_selftest_blk_header(hdr, VLP_BLK_T_IN, s);
	segs[0] = (struct vlp_vq_seg){ false, hdr, VLP_SELFTEST_BLK_HDR, VLP_SELFTEST_BLK_HDR };
	segs[1] = (struct vlp_vq_seg){ true, fill, PX_DATA, PX_DATA };
	segs[2] = (struct vlp_vq_seg){ true, fill, 1, 1 };
	return vlp_vqs_post_chain(x->r.ctx, vqs, 0, segs, PX_NDESC, id);
}

/* The queue's vector in a packed session: the table's last, masked (a
 * notification shows as its pending bit). */
static unsigned packed_vector(const struct ex *x)
{
	return x->msix ? x->table_size - 1 : VLP_NO_VECTOR;
}

/* The notification checks of the first session and of the DESC one. */
static const enum ex_row notify_rows[2] = { XR_PACKED_NOTIFY, XR_PACKED_NOTIFY_OFF };
static const enum ex_row desc_rows[2] = { XR_PACKED_DESC_QUIET, XR_PACKED_DESC_EVENT };

/* The session's state: the ring before and as read, the lists. */
struct px {
	struct ex *x;
	struct vlp_vqs *vqs;
	unsigned size, vector;
	bool in_order, quiet;
	uint8_t *desc;
	struct vlp_px_desc *before, *after;
	struct vlp_px_chain chains[PX_READS + 1];
	uint8_t hdr[PX_READS + 1][VLP_SELFTEST_BLK_HDR];
};

/* The ring as the driver made it, before the device may have used any of
 * the lists posted while held (a device need not wait for the kick:
 * vhost-user back-ends look at the ring when it starts), then the lists
 * made available. */
static int snapshot_release(struct px *p)
{
	read_ring(p->desc, p->size, p->before);
	for (unsigned s = 0; s < p->size; s++)
		vlp_vqs_held_flags(p->vqs, 0, s, &p->before[s].flags);
	return vlp_vqs_hold(p->x->r.ctx, p->vqs, 0, false);
}

/* Waits up to REQUEST_MS for every list of w to be used (or a finding),
 * then PX_SETTLE_MS more; the last walk's findings in f. */
static size_t wait_walk(struct px *p, struct vlp_px_window *w, struct vlp_ex_finding *f, unsigned *waited)
{
	unsigned t = 0;

	for (;; t++) {
		bool all = true;
		size_t nf;

		for (size_t c = 0; c < w->nchains; c++)
			w->chains[c].used = w->chains[c].batched = false;
		read_ring(p->desc, p->size, p->after);
		nf = vlp_px_judge(w, f, PX_FINDINGS);
		for (size_t c = 0; c < w->nchains; c++)
			all = all && w->chains[c].used;
		if (all || nf || t >= REQUEST_MS)
			break;
		ex_sleep_ms(1);
	}
	*waited = t;
	ex_sleep_ms(PX_SETTLE_MS);
	for (size_t c = 0; c < w->nchains; c++)
		w->chains[c].used = w->chains[c].batched = false;
	read_ring(p->desc, p->size, p->after);
	return vlp_px_judge(w, f, PX_FINDINGS);
}

static void fault_row(struct ex *x, const struct vlp_ex_finding *f)
{
	static const enum ex_row rows[] = {
		[VLP_PX_ID_UNKNOWN] = XR_PACKED_USED_ID,
		[VLP_PX_ID_TWICE] = XR_PACKED_USED_ID,
		[VLP_PX_FLAGS] = XR_PACKED_USED_FLAGS,
		[VLP_PX_LEN] = XR_PACKED_USED_LEN,
		[VLP_PX_SKIP_WRITTEN] = XR_PACKED_LIST_SKIP,
		[VLP_PX_OUT_OF_ORDER] = XR_IN_ORDER,
		[VLP_PX_LEN_UNDER] = XR_PACKED_USED_LEN,
		[VLP_PX_NO_WRITE] = XR_PACKED_USED_WRITE,
		[VLP_PX_BATCH_UNUSED] = XR_IN_ORDER,
	};

	ex_fail(x, rows[f->fault], VLP_SEV_ERROR, chk_at_queue(&x->r, 0), "queue 0: %s", f->message);
}

/* One list as the device left it: the header as posted (2.8.15), and
 * its device-writable bytes against the used descriptor (2.8.4, 6.2). */
static void judge_buffers(struct px *p, size_t k)
{
	struct ex *x = p->x;
	const struct vlp_px_chain *ch = &p->chains[k];
	struct vlp_ex_finding f[2];
	size_t nf;
	const uint8_t *buf;
	uint32_t len;
	size_t off, written = 0, seen = 0;

	if (!ch->used)
		return;
	if ((buf = vlp_vqs_buf(p->vqs, 0, ch->id, &len)) &&
	    vlp_rx_changed(p->hdr[k], buf, VLP_SELFTEST_BLK_HDR, &off))
		ex_fail(x, XR_PACKED_READABLE, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
			"queue 0: id %u (list at slot %u): device-readable header byte %zu is 0x%02x, posted 0x%02x",
			ch->id, (unsigned)(k * PX_NDESC), off, buf[off], p->hdr[k][off]);
	/* The data and status buffers: the ids after the head (post_chain
	 * takes the lowest free ones; the session's only lists). */
	for (unsigned i = 1; i < PX_NDESC; i++) {
		size_t w;

		if (!(buf = vlp_vqs_buf(p->vqs, 0, ch->id + i, &len)) || len != (i == 1 ? PX_DATA : 1))
			return;
		w = vlp_rx_written(buf, EX_FILL, len);
		if (w)
			written = seen + w;
		seen += len;
	}
	nf = vlp_px_judge_list(ch, &p->after[ch->slot], written, seen, f);
	for (size_t i = 0; i < nf; i++)
		fault_row(x, &f[i]);
}

/* The vector's pending bit clear before the requests (false: the
 * notification checks are not made). */
static int vector_quiet(struct ex *x, unsigned vector, const enum ex_row rows[2], bool *ok)
{
	uint32_t w;
	int err;

	*ok = false;
	if (!x->msix || vector == VLP_NO_VECTOR) {
		const char *why = x->msix ? "the queue has no vector" : "no MSI-X capability";

		ex_not_run(x, rows[0], "%s", why);
		ex_not_run(x, rows[1], "%s", why);
		return 0;
	}
	if ((err = ex_pba_word(x, vector, &w)))
		return err;
	*ok = !(w >> (vector % 32) & 1);
	if (!*ok) {
		ex_not_run(x, rows[0], "the pending bit of vector %u was set before", vector);
		ex_not_run(x, rows[1], "the pending bit of vector %u was set before", vector);
	}
	return 0;
}

/* The batch with the event flags DISABLE, judged. */
static int batch(struct px *p, struct vlp_px_window *w)
{
	struct ex *x = p->x;
	struct vlp_ex_finding f[PX_FINDINGS];
	struct vlp_notify nt;
	unsigned waited;
	size_t nf;
	int err;

	if ((err = vlp_vqs_hold(x->r.ctx, p->vqs, 0, true)))
		return err;
	for (unsigned k = 0; k < PX_READS; k++) {
		if ((err = post_read(x, p->vqs, k, p->hdr[k], &p->chains[k].id)))
			return err;
		p->chains[k].ndesc = PX_NDESC;
		p->chains[k].writable = PX_DATA + 1;
	}
	if ((err = snapshot_release(p)) || (err = vlp_vqs_kick(x->r.ctx, p->vqs, 0, &nt)))
		return err;
	nf = wait_walk(p, w, f, &waited);
	for (size_t i = 0; i < nf; i++)
		fault_row(x, &f[i]);
	for (unsigned k = 0; k < PX_READS; k++) {
		const struct vlp_px_desc *e = &p->after[w->end];

		if (!p->chains[k].used && w->stopped)
			ex_not_run(x, XR_PACKED_REQUESTS_COMPLETE,
				   "the ring walk stopped at slot %u (a finding of its used descriptor): the lists after it were not judged",
				   w->end);
		else if (!p->chains[k].used)
			ex_fail(x, XR_PACKED_REQUESTS_COMPLETE, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
				"queue 0: READ of sector %u (id %u, slots %u-%u) not used after %u ms; slot %u (wrap counter %u) reads id %u flags 0x%04x len %" PRIu32
				", Device Event Suppression flags 0x%04x",
				k, p->chains[k].id, k * PX_NDESC, k * PX_NDESC + PX_NDESC - 1,
				waited, w->end, w->end_wrap, e->id, e->flags, e->len,
				(unsigned)vlp_field_read_mem(
					&vlp_event_suppress_table()->fields[VLP_EVENT_FLAGS],
					vlp_vqs_area(p->vqs, 0, VLP_VQ_DEVICE)));
		judge_buffers(p, k);
	}
	ex_ran(x, XR_PACKED_REQUESTS_COMPLETE);
	if (w->end == w->start && !nf) {
		packed_not_run_but(x, XR_PACKED_REQUESTS_COMPLETE, "no used descriptor came back");
		return 0;
	}
	ex_ran(x, XR_PACKED_USED_ID);
	ex_ran(x, XR_PACKED_USED_FLAGS);
	ex_ran(x, XR_PACKED_USED_LEN);
	ex_ran(x, XR_PACKED_USED_WRITE);
	ex_ran(x, XR_PACKED_LIST_SKIP);
	ex_ran(x, XR_PACKED_READABLE);
	if (p->in_order)
		ex_ran(x, XR_IN_ORDER);
	if (p->quiet) {
		bool set;

		if ((err = ex_pba_wait(x, p->vector, &set)))
			return err;
		if (set)
			ex_fail(x, XR_PACKED_NOTIFY_OFF, VLP_SEV_INFO, chk_at_queue(&x->r, 0),
				"queue 0: %u lists used (next used slot %u) with the Driver Event Suppression flags RING_EVENT_FLAGS_DISABLE: the pending bit of its vector %u set",
				PX_READS, w->end, p->vector);
		ex_ran(x, XR_PACKED_NOTIFY_OFF);
	}
	return 0;
}

/* 2.8.10: the event flags ENABLE, one more READ: its used descriptor must
 * be notified. */
static int notify_enabled(struct px *p, const struct vlp_px_window *prev)
{
	struct ex *x = p->x;
	struct vlp_ex_finding f[PX_FINDINGS];
	struct vlp_px_window w = *prev;
	struct vlp_notify nt;
	unsigned waited;
	bool set;
	int err;

	if (!p->quiet || x->decided[XR_PACKED_NOTIFY])
		return 0;
	if (prev->end != (prev->start + PX_READS * PX_NDESC) % p->size) {
		ex_not_run(x, XR_PACKED_NOTIFY, "the batch's used descriptors were not all read");
		return 0;
	}
	w.start = prev->end;
	w.wrap = prev->end_wrap;
	w.chains = &p->chains[PX_READS];
	w.nchains = 1;
	w.chains[0] = (struct vlp_px_chain){ .ndesc = PX_NDESC, .writable = PX_DATA + 1 };
	if ((err = vlp_vqs_notifications(x->r.ctx, p->vqs, 0, true)) ||
	    (err = vlp_vqs_hold(x->r.ctx, p->vqs, 0, true)) ||
	    (err = post_read(x, p->vqs, PX_READS, p->hdr[PX_READS], &w.chains[0].id)) ||
	    (err = snapshot_release(p)) || (err = vlp_vqs_kick(x->r.ctx, p->vqs, 0, &nt)))
		return err;
	wait_walk(p, &w, f, &waited);
	if (!w.chains[0].used) {
		ex_not_run(x, XR_PACKED_NOTIFY, "the READ was not used within %u ms", REQUEST_MS);
		return 0;
	}
	if ((err = ex_pba_wait(x, p->vector, &set)))
		return err;
	if (!set)
		ex_fail(x, XR_PACKED_NOTIFY, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
			"queue 0: slot %u: used descriptor id %u flags 0x%04x len %" PRIu32
			" with the Driver Event Suppression flags RING_EVENT_FLAGS_ENABLE: the pending bit of vector %u stayed 0 for %u ms",
			w.chains[0].slot, p->after[w.chains[0].slot].id,
			p->after[w.chains[0].slot].flags, p->after[w.chains[0].slot].len, p->vector,
			PENDING_MS);
	ex_ran(x, XR_PACKED_NOTIFY);
	return 0;
}

static int session(struct px *p)
{
	const struct vlp_vq_info *info = vlp_vqs_info(p->vqs, 0);
	struct vlp_px_window w;
	int err;

	if (!info || info->format != VLP_RING_PACKED) {
		packed_not_run(p->x, "the request queue is not a packed ring set up here");
		return 0;
	}
	p->size = info->size;
	p->desc = vlp_vqs_area(p->vqs, 0, VLP_VQ_DESC);
	p->before = calloc(p->size, sizeof(*p->before));
	p->after = calloc(p->size, sizeof(*p->after));
	if (!p->before || !p->after)
		return vlp_error(p->x->r.ctx, ENOMEM, "out of memory");
	if (p->size < (PX_READS + 1) * PX_NDESC) {
		packed_not_run(p->x, "the request queue is smaller than 12 descriptors");
		return 0;
	}
	/* A fresh ring: slot 0, both wrap counters 1 (2.8.1). */
	w = (struct vlp_px_window){ .size = p->size,
				    .start = 0,
				    .wrap = true,
				    .in_order = p->in_order,
				    .before = p->before,
				    .after = p->after,
				    .chains = p->chains,
				    .nchains = PX_READS };
	if ((err = vector_quiet(p->x, p->vector, notify_rows, &p->quiet)) || (err = batch(p, &w)))
		return err;
	return notify_enabled(p, &w);
}

/* ------------------------------------------------- RING_EVENT_FLAGS_DESC */

static void desc_not_run(struct ex *x, const char *why)
{
	ex_not_run(x, desc_rows[0], "%s", why);
	ex_not_run(x, desc_rows[1], "%s", why);
}

/* An off_wrap n slots after at (2.8.14: the wrap counter flips where the
 * slot passes the ring's end). */
static uint16_t off_wrap_after(uint16_t at, unsigned n, unsigned size)
{
	unsigned slot = (at & VLP_OFF_WRAP_SLOT) + n, wrap = at & VLP_OFF_WRAP_WRAP;

	if (slot >= size) {
		slot -= size;
		wrap ^= VLP_OFF_WRAP_WRAP;
	}
	return (uint16_t)(slot | wrap);
}

/* One READ of sector 0 made available and kicked, and its used
 * descriptor awaited: *used false when it did not come. */
static int desc_read(struct ex *x, struct vlp_vqs *vqs, bool *used)
{
	uint8_t hdr[VLP_SELFTEST_BLK_HDR];
	struct vlp_vq_used u;
	struct vlp_notify nt;
	unsigned id;
	int err;

	if ((err = post_read(x, vqs, 0, hdr, &id)) || (err = vlp_vqs_kick(x->r.ctx, vqs, 0, &nt)))
		return err;
	return ex_await(x, vqs, 0, id, REQUEST_MS, &u, used);
}

/* The session's READs: one with DISABLE (a device may notify the first
 * used buffer after a start whatever the flags say, as QEMU 7.2 does:
 * exercise-event-idx-quiet shows it on split rings; here the event flags
 * are judged in steady state), one with the event half the ring ahead,
 * one with the event where its used descriptor goes. */
static int desc_session(struct ex *x, struct vlp_vqs *vqs, unsigned vector)
{
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, 0);
	unsigned size = info ? info->size : 0;
	uint16_t at, far;
	char why[96];
	bool used, set, quiet;
	int err;

	if (!info || info->format != VLP_RING_PACKED) {
		desc_not_run(x, "the request queue is not a packed ring set up here");
		return 0;
	}
	if ((err = vector_quiet(x, vector, desc_rows, &quiet)) || !quiet)
		return err;
	if ((err = vlp_vqs_notifications(x->r.ctx, vqs, 0, false)) ||
	    (err = desc_read(x, vqs, &used)) || (err = ex_pba_wait(x, vector, &set)))
		return err;
	if (!used || set) {
		snprintf(why, sizeof(why), "the first READ was not used within %u ms", REQUEST_MS);
		desc_not_run(
			x, !used ? why
				 : "the first READ, made with RING_EVENT_FLAGS_DISABLE, set the pending bit (exercise-packed-quiet)");
		return 0;
	}
	at = vlp_vqs_next_used(vqs, 0);
	far = off_wrap_after(at, size / 2, size);
	if ((err = vlp_vqs_used_event(x->r.ctx, vqs, 0, far)) || (err = desc_read(x, vqs, &used)) ||
	    (err = ex_pba_wait(x, vector, &set)))
		return err;
	if (!used) {
		snprintf(why, sizeof(why), "the second READ was not used within %u ms", REQUEST_MS);
		desc_not_run(x, why);
		return 0;
	}
	ex_ran(x, XR_PACKED_DESC_QUIET);
	if (set) {
		ex_fail(x, XR_PACKED_DESC_QUIET, VLP_SEV_INFO, chk_at_queue(&x->r, 0),
			"queue 0: used descriptor at slot %u (wrap counter %u) with RING_EVENT_FLAGS_DESC at slot %u (wrap counter %u): the pending bit of vector %u set",
			at & VLP_OFF_WRAP_SLOT, !!(at & VLP_OFF_WRAP_WRAP), far & VLP_OFF_WRAP_SLOT,
			!!(far & VLP_OFF_WRAP_WRAP), vector);
		ex_not_run(x, XR_PACKED_DESC_EVENT,
			   "the pending bit of vector %u was set by the READ before (exercise-packed-desc-quiet)",
			   vector);
		return 0;
	}
	at = vlp_vqs_next_used(vqs, 0);
	if ((err = vlp_vqs_used_event(x->r.ctx, vqs, 0, at)) || (err = desc_read(x, vqs, &used)) ||
	    (err = ex_pba_wait(x, vector, &set)))
		return err;
	if (!used) {
		ex_not_run(x, XR_PACKED_DESC_EVENT, "the third READ was not used within %u ms",
			   REQUEST_MS);
		return 0;
	}
	if (!set)
		ex_fail(x, XR_PACKED_DESC_EVENT, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
			"queue 0: used descriptor at slot %u (wrap counter %u) with RING_EVENT_FLAGS_DESC at that slot and wrap counter: the pending bit of vector %u stayed 0 for %u ms",
			at & VLP_OFF_WRAP_SLOT, !!(at & VLP_OFF_WRAP_WRAP), vector, PENDING_MS);
	ex_ran(x, XR_PACKED_DESC_EVENT);
	return 0;
}

/* 2.8.10 with VIRTIO_F_EVENT_IDX: RING_EVENT_FLAGS_DESC, in a packed
 * session of its own (the first one's ENABLE READ left its vector's
 * pending bit set: a reset clears it). */
static int desc_events(struct ex *x, const uint32_t base[VLP_FEATURE_WORDS])
{
	uint32_t words[VLP_FEATURE_WORDS];
	struct vlp_vqs *vqs = NULL;
	unsigned vector;
	char why[160];
	int err, cerr;

	if (!vlp_feature_on(x->offered, VLP_F_EVENT_IDX)) {
		desc_not_run(x, "VIRTIO_F_EVENT_IDX not offered (RING_EVENT_FLAGS_DESC needs it)");
		return 0;
	}
	memcpy(words, base, sizeof(words));
	words[VLP_F_EVENT_IDX / 32] |= 1u << (VLP_F_EVENT_IDX % 32);
	vector = packed_vector(x);
	err = ex_session_open(x, words, 0, vector, &vqs, why, sizeof(why));
	if (!err && why[0])
		desc_not_run(x, why);
	else if (!err)
		err = desc_session(x, vqs, vector);
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

/* ------------------------------------------------- indirect tables (2.8.7) */

/* Where VIRTIO_F_INDIRECT_DESC is offered, a packed session with it: the
 * READ of sector 0 as a list of three descriptors, then through an
 * indirect table of three (one ring slot), answering as the list did. */
static int indirect_session(struct ex *x, const uint32_t base[VLP_FEATURE_WORDS])
{
	static uint8_t fill[VLP_BLK_SECTOR + 1];
	uint8_t hdr[VLP_SELFTEST_BLK_HDR], ref[VLP_BLK_SECTOR], got[VLP_BLK_SECTOR], st_ref = 0,
										     st = 0;
	const struct vlp_vq_seg segs[PX_NDESC] = { { false, hdr, sizeof(hdr), sizeof(hdr) },
						   { true, fill, VLP_BLK_SECTOR, VLP_BLK_SECTOR },
						   { true, fill, 1, 1 } };
	const struct vlp_vq_info *info;
	uint32_t words[VLP_FEATURE_WORDS];
	struct vlp_vqs *vqs = NULL;
	bool answered = false;
	char why[160], msg[160];
	int err, cerr;

	if (!vlp_feature_on(x->offered, VLP_F_INDIRECT_DESC)) {
		ex_not_run(x, XR_PACKED_INDIRECT, "VIRTIO_F_INDIRECT_DESC not offered");
		return 0;
	}
	memset(fill, EX_FILL, sizeof(fill));
	vlp_selftest_blk_header(hdr, VLP_BLK_T_IN, 0);
	memcpy(words, base, sizeof(words));
	words[VLP_F_INDIRECT_DESC / 32] |= 1u << (VLP_F_INDIRECT_DESC % 32);
	err = ex_session_open(x, words, 0, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && !why[0] && (!(info = vlp_vqs_info(vqs, 0)) || info->format != VLP_RING_PACKED))
		snprintf(why, sizeof(why), "the request queue is not a packed ring set up here");
	if (!err && !why[0])
		err = ex_read_as(x, vqs, segs, PX_NDESC, false, ref, &st_ref, &answered);
	if (!err && !why[0] && (!answered || st_ref != VLP_BLK_S_OK))
		snprintf(why, sizeof(why), "the READ of sector 0 as a list of three descriptors %s",
			 answered ? "did not answer VIRTIO_BLK_S_OK" : "was not used");
	if (!err && why[0]) {
		ex_not_run(x, XR_PACKED_INDIRECT, "%s", why);
	} else if (!err && !(err = ex_read_as(x, vqs, segs, PX_NDESC, true, got, &st, &answered))) {
		if (!vlp_rx_same_answer(ref, got, VLP_BLK_SECTOR, answered, st, msg, sizeof(msg)))
			ex_fail(x, XR_PACKED_INDIRECT, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
				"queue 0: READ of sector 0 through an indirect table of 3 descriptors (one ring slot with VIRTQ_DESC_F_INDIRECT): %s",
				msg);
		ex_ran(x, XR_PACKED_INDIRECT);
	}
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

int ex_packed(struct ex *x)
{
	struct px p = { .x = x };
	uint32_t words[VLP_FEATURE_WORDS];
	char why[160];
	int err, cerr;

	if (x->l->virtio.device_type.value != VLP_ID_BLOCK || x->unresponsive) {
		packed_not_run(x, x->unresponsive ? EX_UNRESPONSIVE
						  : "ring checks drive virtio-blk reads only");
		return 0;
	}
	if (!vlp_feature_on(x->offered, VLP_F_RING_PACKED)) {
		if (vlp_feature_on(x->offered, VLP_F_IN_ORDER))
			ex_not_run(x, XR_IN_ORDER,
				   "VIRTIO_F_IN_ORDER is judged on a packed ring: VIRTIO_F_RING_PACKED not offered");
		packed_not_run(x, "VIRTIO_F_RING_PACKED not offered");
		return 0;
	}
	memcpy(words, x->set, sizeof(words));
	words[VLP_F_RING_PACKED / 32] |= 1u << (VLP_F_RING_PACKED % 32);
	p.in_order = vlp_feature_on(x->offered, VLP_F_IN_ORDER);
	if (p.in_order)
		words[VLP_F_IN_ORDER / 32] |= 1u << (VLP_F_IN_ORDER % 32);
	else
		ex_not_run(x, XR_IN_ORDER, "VIRTIO_F_IN_ORDER not offered");
	p.vector = packed_vector(x);
	err = ex_session_open(x, words, 0, p.vector, &p.vqs, why, sizeof(why));
	if (!err && why[0])
		packed_not_run(x, why);
	else if (!err)
		err = session(&p);
	cerr = ex_session_close(x, p.vqs);
	free(p.before);
	free(p.after);
	if (!err && !cerr && !why[0])
		err = desc_events(x, words);
	if (!err && !cerr && !why[0])
		err = indirect_session(x, words);
	return err ? err : cerr;
}
