/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --check --exercise --hostile: malformed chains built from a device
 * type's harmless request (ex_request_of: a virtio-blk READ, an entropy
 * request, a line on a console's transmitq, a SCSI TEST UNIT READY), each
 * in a driver's session of its own (ex_session_open: the configuration
 * change event on vector 0, masked, so a notification is its pending bit);
 * where VIRTIO_F_RING_PACKED is offered, broken lists on a packed ring too.
 * The spec says what a driver must not do (2.7.5.2, 2.7.5.3.1, 4.1.4.3.2,
 * 2.8.17, 2.8.19),
 * not what a device does with it: what happened is a note
 * (exercise-hostile); a device that set DEVICE_NEEDS_RESET with DRIVER_OK
 * must have notified (2.1.2, exercise-needs-reset); after the reset the
 * request must work again.  Never the default: a device may stay broken
 * until it is reset, and the run resets it after each input. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checkrun.h"

#define H_WAIT_MS 500 /* what the device does with the input, watched that long */
/* Far past any RAM or MMIO of a guest (QEMU's TCG CPUs have 40 address
 * bits): the device must not reach it (never an address that exists). */
#define H_OUTSIDE_RAM 0xfffffffff000ull

/* The queue a chain longer than it goes to: its table (Queue Size + 1
 * descriptors) and buffers then fit the one page of an indirect post. */
#define H_LONG_QSIZE 16u
#define H_LONG_MAX (H_LONG_QSIZE + 1)

enum h_input {
	H_LOOP,
	H_NEXT_RANGE,
	H_ZERO_LEN,
	H_OUTSIDE,
	H_NESTED,
	H_LONG,
	H_DISABLED,
	/* packed rings only (2.8.17, 2.8.19) */
	H_RUN_ON,
	H_INDIRECT_IN_LIST,
	H_COUNT
};
static const char *const h_names[H_COUNT] = {
	[H_LOOP] = "a descriptor loop (the last descriptor's next is the head)",
	[H_NEXT_RANGE] = "next out of range (the last descriptor's next is Queue Size)",
	[H_ZERO_LEN] = "a zero-length buffer (the second descriptor's len 0)",
	[H_OUTSIDE] = "an address outside guest RAM (the second descriptor at 0xfffffffff000)",
	[H_NESTED] = "VIRTQ_DESC_F_INDIRECT inside an indirect table",
	[H_LONG] = "a chain longer than the queue (Queue Size + 1 descriptors, indirect)",
	[H_DISABLED] = "on a queue the driver disabled (queue_enable written 0)",
	[H_RUN_ON] = "a list that runs on (NEXT on its last descriptor, into slots never made available)",
	[H_INDIRECT_IN_LIST] = "VIRTQ_DESC_F_INDIRECT on the second descriptor of a list linked by NEXT",
};
/* What each ring gets: split, every input but the packed ones; packed
 * (where VIRTIO_F_RING_PACKED is offered), the list's malformations. */
static const enum h_input split_inputs[] = { H_LOOP,   H_NEXT_RANGE, H_ZERO_LEN, H_OUTSIDE,
					     H_NESTED, H_LONG,       H_DISABLED };
static const enum h_input packed_inputs[] = { H_RUN_ON, H_ZERO_LEN, H_OUTSIDE, H_NESTED,
					      H_INDIRECT_IN_LIST };

/* The input as notes name it: the disabled queue's names the request; on
 * a packed ring, says so. */
static const char *h_name(const struct ex_request *req, enum h_input in, bool packed, char *buf,
			  size_t len)
{
	if (in == H_DISABLED)
		snprintf(buf, len, "%s %s", req->name, h_names[in]);
	else if (packed)
		snprintf(buf, len, "on a packed ring, %s", h_names[in]);
	else
		return h_names[in];
	return buf;
}

/* The hostile chain: the request's buffers, a request of one buffer split
 * in two so that every input has a second descriptor. */
static unsigned h_chain(const struct ex_request *req, struct vlp_vq_seg segs[3])
{
	const struct vlp_vq_seg *whole = &req->segs[0];
	size_t half = whole->len / 2;

	if (req->nsegs > 1) {
		memcpy(segs, req->segs, sizeof(req->segs));
		return req->nsegs;
	}
	segs[0] = *whole;
	segs[0].len = half;
	segs[0].data_len = whole->data_len < half ? whole->data_len : half;
	segs[1] = *whole;
	segs[1].data = whole->data ? (const uint8_t *)whole->data + half : NULL;
	segs[1].len = whole->len - half;
	segs[1].data_len = whole->data_len > half ? whole->data_len - half : 0;
	return 2;
}

/* One descriptor of the long chain: bytes from..from+len of the request's
 * buffer seg, at off in the indirect post's page. */
struct h_piece {
	unsigned seg;
	size_t from, len, off;
};

/* The long chain's n descriptors: the request's buffers in order, its
 * largest spread over as many descriptors as the others leave, each
 * buffer 16-byte aligned after the table.  False when a piece would be
 * empty or the whole does not fit the page. */
static bool long_layout(const struct ex_request *req, unsigned n, size_t table_bytes,
			struct h_piece p[H_LONG_MAX])
{
	unsigned big = 0, i = 0;
	size_t off = (table_bytes + 15) & ~(size_t)15;

	if (n > H_LONG_MAX || n < req->nsegs)
		return false;
	for (unsigned s = 1; s < req->nsegs; s++)
		if (req->segs[s].len > req->segs[big].len)
			big = s;
	for (unsigned s = 0; s < req->nsegs; s++) {
		unsigned k = s == big ? n - (req->nsegs - 1) : 1;
		size_t len = req->segs[s].len;

		if (len < k)
			return false;
		for (unsigned j = 0; j < k; j++, i++) {
			p[i] = (struct h_piece){ s, len / k * j,
						 j + 1 < k ? len / k : len - len / k * j, off };
			off = (off + p[i].len + 15) & ~(size_t)15;
		}
	}
	return off <= VLP_VQ_BUF_MAX;
}

/* A field of a descriptor d as table lays it out (split, 2.7.5; packed,
 * 2.8.13). */
static void put_field(uint8_t *d, const struct vlp_field_table *t, unsigned row, uint64_t v)
{
	vlp_field_write_mem(&t->fields[row], d, v);
}

static uint64_t get_field(const uint8_t *d, const struct vlp_field_table *t, unsigned row)
{
	return vlp_field_read_mem(&t->fields[row], d);
}

static void put_desc(uint8_t *d, unsigned row, uint64_t v)
{
	put_field(d, vlp_split_desc_table(), row, v);
}

static uint64_t get_desc(const uint8_t *d, unsigned row)
{
	return get_field(d, vlp_split_desc_table(), row);
}

/* 2.7.5.3.1: "A driver MUST NOT create a descriptor chain longer than the
 * Queue Size of the device."  The indirect table posted as id (one page:
 * the table, then its buffers) rewritten as Queue Size + 1 descriptors
 * (long_layout), the ring's descriptor given the table's new length. */
static void long_table(struct vlp_vqs *vqs, const struct ex_request *req, unsigned id)
{
	const struct vlp_field_table *dt = vlp_split_desc_table();
	unsigned n = vlp_vqs_info(vqs, req->q)->size + 1;
	uint8_t *ring_d = vlp_vqs_area(vqs, req->q, VLP_VQ_DESC) + (size_t)dt->size * id;
	uint32_t len;
	uint8_t *page = (uint8_t *)(uintptr_t)vlp_vqs_buf(vqs, req->q, id, &len);
	uint64_t pa = get_desc(ring_d, VLP_DESC_ADDR);
	struct h_piece p[H_LONG_MAX];

	if (!long_layout(req, n, (size_t)dt->size * n, p))
		return; /* one() sent it only where it fits */
	for (unsigned i = 0; i < n; i++) {
		const struct vlp_vq_seg *seg = &req->segs[p[i].seg];
		uint8_t *d = page + (size_t)dt->size * i;
		size_t data = seg->data_len > p[i].from ? seg->data_len - p[i].from : 0;

		if (data > p[i].len)
			data = p[i].len;
		memset(page + p[i].off, EX_FILL, p[i].len);
		if (data)
			memcpy(page + p[i].off, (const uint8_t *)seg->data + p[i].from, data);
		put_desc(d, VLP_DESC_ADDR, pa + p[i].off);
		put_desc(d, VLP_DESC_LEN, p[i].len);
		put_desc(d, VLP_DESC_FLAGS,
			 (seg->device_writable ? VLP_DESC_F_WRITE : 0) |
				 (i + 1 < n ? VLP_DESC_F_NEXT : 0));
		put_desc(d, VLP_DESC_NEXT, i + 1 < n ? i + 1 : 0);
	}
	put_desc(ring_d, VLP_DESC_LEN, (uint64_t)dt->size * n);
}

/* The long chain's last byte where the device answers (a READ's status
 * byte, EX_FILL as filled until the device writes it). */
static unsigned long_status(struct vlp_vqs *vqs, const struct ex_request *req, unsigned id)
{
	const struct vlp_field_table *dt = vlp_split_desc_table();
	unsigned n = vlp_vqs_info(vqs, req->q)->size + 1;
	uint32_t len;
	const uint8_t *page = vlp_vqs_buf(vqs, req->q, id, &len);
	struct h_piece p[H_LONG_MAX];

	return long_layout(req, n, (size_t)dt->size * n, p) ? page[p[n - 1].off] : EX_FILL;
}

/* The request written, broken as input says, made available and kicked.
 * avail.idx is held back until the chain is broken: a back-end that looks
 * at the ring without a kick (vhost-user's start) must never see the
 * intact chain. */
static int send(struct ex *x, const struct ex_request *req, struct vlp_vqs *vqs, enum h_input in,
		bool indirect, unsigned *head)
{
	struct vlp_vq_seg segs[3];
	unsigned nsegs = h_chain(req, segs), q = req->q;
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, q);
	const bool packed = info->format == VLP_RING_PACKED;
	const struct vlp_field_table *dt = vlp_split_desc_table(), *pt = vlp_packed_desc_table();
	uint8_t *desc = vlp_vqs_area(vqs, q, VLP_VQ_DESC);
	/* packed: the list's first slot (a fresh ring per input) */
	const unsigned first = vlp_vqs_next_used(vqs, q) & VLP_OFF_WRAP_SLOT;
	struct vlp_notify nt;
	unsigned id;
	int err;

	if (in == H_DISABLED && (err = ex_common_write(x, VLP_COMMON_QUEUE_ENABLE, q, 0)))
		return err;
	if ((err = vlp_vqs_hold(x->r.ctx, vqs, q, true)))
		return err;
	err = (in == H_NESTED || in == H_LONG) && indirect
		      ? vlp_vqs_post_indirect(x->r.ctx, vqs, q, req->segs, req->nsegs, &id)
		      : vlp_vqs_post_chain(x->r.ctx, vqs, q, segs, nsegs, &id);
	if (err)
		return err;
	*head = id;
	if (in == H_NESTED && indirect) {
		/* the table of an indirect chain is in its buffer */
		uint32_t len;
		uint8_t *table = (uint8_t *)(uintptr_t)vlp_vqs_buf(vqs, q, id, &len);
		const struct vlp_field_table *t = packed ? pt : dt;

		put_field(table, t, packed ? VLP_PDESC_FLAGS : VLP_DESC_FLAGS,
			  get_field(table, t, packed ? VLP_PDESC_FLAGS : VLP_DESC_FLAGS) |
				  VLP_DESC_F_INDIRECT);
	} else if (packed) {
		/* the list in the slots after first (2.8.6); the first's
		 * flags are held back, the others' written */
		uint8_t *second = desc + (size_t)pt->size * ((first + 1) % info->size);
		uint8_t *last = desc + (size_t)pt->size * ((first + nsegs - 1) % info->size);

		if (in == H_RUN_ON)
			put_field(last, pt, VLP_PDESC_FLAGS,
				  get_field(last, pt, VLP_PDESC_FLAGS) | VLP_DESC_F_NEXT);
		else if (in == H_INDIRECT_IN_LIST)
			put_field(second, pt, VLP_PDESC_FLAGS,
				  get_field(second, pt, VLP_PDESC_FLAGS) | VLP_DESC_F_INDIRECT);
		else if (in == H_ZERO_LEN)
			put_field(second, pt, VLP_PDESC_LEN, 0);
		else
			put_field(second, pt, VLP_PDESC_ADDR, H_OUTSIDE_RAM);
	} else if (in == H_LONG && indirect) {
		long_table(vqs, req, id);
	} else if (in != H_DISABLED && in != H_NESTED && in != H_LONG) {
		/* post_chain links the chain's descriptors by next */
		uint8_t *second = desc + (size_t)dt->size * get_desc(desc + (size_t)dt->size * id,
								     VLP_DESC_NEXT);
		uint8_t *last = second;

		for (unsigned k = 2; k < nsegs; k++)
			last = desc + (size_t)dt->size * get_desc(last, VLP_DESC_NEXT);
		if (in == H_LOOP || in == H_NEXT_RANGE) {
			put_desc(last, VLP_DESC_FLAGS,
				 get_desc(last, VLP_DESC_FLAGS) | VLP_DESC_F_NEXT);
			put_desc(last, VLP_DESC_NEXT, in == H_LOOP ? id : info->size);
		} else if (in == H_ZERO_LEN) {
			put_desc(second, VLP_DESC_LEN, 0);
		} else {
			put_desc(second, VLP_DESC_ADDR, H_OUTSIDE_RAM);
		}
	}
	/* Releasing publishes avail.idx (packed: the first flags) with
	 * release order: the broken descriptors are seen before it
	 * (2.7.13.3, 2.8.21). */
	if ((err = vlp_vqs_hold(x->r.ctx, vqs, q, false)))
		return err;
	return vlp_vqs_kick(x->r.ctx, vqs, q, &nt);
}

/* Where a returned chain shows: split, used.idx past seen; packed, the
 * list's first slot with AVAIL and USED both equal to the wrap counter
 * (2.8.1), its used descriptor going there (2.8.6). */
struct h_ring {
	bool packed;
	const uint8_t *used, *desc;
	uint16_t seen;
	unsigned size, slot;
	bool wrap;
};

static struct h_ring h_ring_of(struct vlp_vqs *vqs, unsigned q)
{
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, q);
	uint16_t next = vlp_vqs_next_used(vqs, q);

	return (struct h_ring){ .packed = info->format == VLP_RING_PACKED,
				.used = vlp_vqs_area(vqs, q, VLP_VQ_DEVICE),
				.desc = vlp_vqs_area(vqs, q, VLP_VQ_DESC),
				.seen = ex_used_idx(vlp_vqs_area(vqs, q, VLP_VQ_DEVICE)),
				.size = info->size,
				.slot = next & VLP_OFF_WRAP_SLOT,
				.wrap = next & VLP_OFF_WRAP_WRAP };
}

/* Whether the chain came back, and its used len. */
static bool h_returned(const struct h_ring *r, uint64_t *len)
{
	if (r->packed) {
		const struct vlp_field_table *pt = vlp_packed_desc_table();
		const uint8_t *d = r->desc + (size_t)pt->size * r->slot;
		uint64_t flags;

		/* the flags first, then (acquire) what they cover (2.8.21) */
		flags = get_field(d, pt, VLP_PDESC_FLAGS);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		*len = get_field(d, pt, VLP_PDESC_LEN);
		return vlp_packed_desc_used((uint16_t)flags, r->wrap);
	}
	const struct vlp_field *ring = &vlp_used_table()->fields[VLP_USED_RING];
	/* used.idx first (acquire), then the entry it covers */
	bool moved = ex_used_idx(r->used) != r->seen;

	*len = vlp_field_read_mem(&vlp_used_elem_table()->fields[VLP_USED_ELEM_LEN],
				  r->used + ring->offset + (size_t)ring->width * (r->seen % r->size));
	return moved;
}

/* One input: what the device did (a note), 2.1.2 where it applies. */
static int one(struct ex *x, const struct ex_request *req, enum h_input in, bool indirect, bool packed)
{
	struct vlp_vqs *vqs = NULL;
	struct vlp_extype_verdict v;
	uint32_t words[VLP_FEATURE_WORDS];
	struct h_ring ring;
	uint64_t status = 0, len = 0;
	uint32_t w;
	unsigned head = 0, q = req->q;
	bool pending_before, returned = false;
	char why[160], namebuf[160], what[64] = "nothing used";
	const char *name = h_name(req, in, packed, namebuf, sizeof(namebuf));
	int err, cerr;

	memcpy(words, x->set, sizeof(words));
	if (in == H_NESTED || in == H_LONG)
		words[0] |= 1u << VLP_F_INDIRECT_DESC;
	if (packed)
		words[VLP_F_RING_PACKED / 32] |= 1u << (VLP_F_RING_PACKED % 32);
	if (in == H_LONG) {
		struct h_piece p[H_LONG_MAX];
		uint64_t max;

		/* After the last session's reset queue_size reads the maximum. */
		if ((err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, q, &max)))
			return err;
		x->session_qsize = H_LONG_QSIZE;
		while (x->session_qsize > max)
			x->session_qsize /= 2;
		if (max < 2 ||
		    !long_layout(req, x->session_qsize + 1,
				 (size_t)vlp_split_desc_table()->size * (x->session_qsize + 1), p)) {
			ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, q),
				"%s: not sent: queue %u's queue_size is %" PRIu64
				", and %s does not spread over %u descriptors in one page",
				name, q, max, req->name, x->session_qsize + 1);
			x->session_qsize = 0;
			return 0;
		}
	}
	err = ex_session_open(x, words, q, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	x->session_qsize = 0;
	if (!err && !why[0] &&
	    (!vlp_vqs_info(vqs, q) || (vlp_vqs_info(vqs, q)->format == VLP_RING_PACKED) != packed))
		snprintf(why, sizeof(why), "queue %u is not available (queue_size 0) or not a %s ring",
			 q, packed ? "packed" : "split");
	if (err || why[0]) {
		if (!err)
			ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, q),
				"%s: not sent: %s", name, why);
		goto out;
	}
	/* Without MSI-X there is no pending bit to read (and the ISR, read
	 * to clear, is left alone): the notification is not judged. */
	w = 0;
	if (x->msix && (err = ex_pba_word(x, 0, &w)))
		goto out;
	pending_before = !x->msix || (w & 1);
	ring = h_ring_of(vqs, q);
	if ((err = send(x, req, vqs, in, indirect, &head)))
		goto out;
	for (unsigned ms = 0; ms < H_WAIT_MS; ms += 10) {
		ex_sleep_ms(10);
		if ((err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)))
			goto out;
		/* Decided: the device asked for a reset, or returned the chain. */
		if ((status & S_NEEDS_RESET) || h_returned(&ring, &len))
			break;
	}
	ex_sleep_ms(PENDING_MS);
	if ((err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)) ||
	    (x->msix && (err = ex_pba_word(x, 0, &w))))
		goto out;
	returned = h_returned(&ring, &len);
	if (returned) {
		int at = ring.packed ? snprintf(what, sizeof(what),
						"slot %u used (used len %" PRIu64, ring.slot, len)
				     : snprintf(what, sizeof(what),
						"used.idx moved (used len %" PRIu64, len);

		if (in == H_LONG && indirect && req->type == VLP_ID_BLOCK && at > 0 &&
		    (size_t)at < sizeof(what))
			snprintf(what + at, sizeof(what) - (size_t)at, ", status byte %u",
				 long_status(vqs, req, head));
		strncat(what, ")", sizeof(what) - strlen(what) - 1);
	}
	ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, q),
		"%s: %s; device_status 0x%02" PRIx64 "%s; configuration vector %s", name, what,
		status, status & S_NEEDS_RESET ? " (DEVICE_NEEDS_RESET)" : "",
		!x->msix         ? "not judged (no MSI-X)"
		: pending_before ? "pending before (not judged)"
		: w & 1          ? "pending (notified)"
				 : "not pending");
	if ((status & S_NEEDS_RESET) && !pending_before && !x->decided[XR_NEEDS_RESET_NOTIFY]) {
		vlp_extype_needs_reset(status, (int)(w & 1), -1, &v);
		if (v.failed)
			ex_fail(x, XR_NEEDS_RESET_NOTIFY, v.severity,
				chk_at_row(&x->r, VLP_COMMON_DEVICE_STATUS), "after %s: %s", name,
				v.evidence);
		else if (!v.not_run)
			ex_ran(x, XR_NEEDS_RESET_NOTIFY);
	}
out:
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

/* After the inputs and a reset: the request answers as its type does
 * (ex_request_answered). */
static int works_again(struct ex *x, const struct ex_request *req)
{
	struct vlp_vqs *vqs = NULL;
	struct vlp_vq_used u = { 0 };
	struct vlp_notify nt;
	const char *wrong = NULL;
	bool got = false;
	unsigned id;
	char why[160];
	int err, cerr;

	err = ex_session_open(x, x->set, req->q, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && !why[0] && !vlp_vqs_info(vqs, req->q))
		snprintf(why, sizeof(why), "queue %u is not available (queue_size 0)", req->q);
	if (!err && !why[0] &&
	    !(err = vlp_vqs_post_chain(x->r.ctx, vqs, req->q, req->segs, req->nsegs, &id)) &&
	    !(err = vlp_vqs_kick(x->r.ctx, vqs, req->q, &nt)))
		err = ex_await(x, vqs, req->q, id, REQUEST_MS, &u, &got);
	if (!err && got)
		wrong = ex_request_answered(req, &u);
	if (!err && (why[0] || !got || wrong))
		ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, req->q),
			"after the malformed chains and a reset, %s %s", req->name,
			why[0] ? why
			: !got ? "was not returned: the device did not recover"
			       : wrong);
	else if (!err)
		ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, req->q),
			"after the malformed chains and a reset, %s works again (used len %" PRIu32 ")",
			req->name, u.len);
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

int ex_hostile(struct ex *x)
{
	bool indirect = vlp_feature_on(x->offered, VLP_F_INDIRECT_DESC), sent = false;
	struct ex_request req;
	const char *why = x->hostile ? ex_request_of(x, &req) : NULL;
	char namebuf[160];
	int err = 0;

	if (!x->hostile) {
		ex_not_run(x, XR_HOSTILE, "malformed chains only with --hostile");
	} else if (why) {
		ex_not_run(x, XR_HOSTILE, "the chains are built from a harmless request: %s", why);
	} else if (req.q >= x->nq) {
		ex_not_run(x, XR_HOSTILE, "%s goes to queue %u: the device has %u queues", req.name,
			   req.q, x->nq);
	} else if (x->unresponsive) {
		ex_not_run(x, XR_HOSTILE, "%s", EX_UNRESPONSIVE);
	} else {
		for (size_t i = 0; i < VLP_ARRAY_SIZE(split_inputs) && !err; i++) {
			enum h_input in = split_inputs[i];

			if (in == H_NESTED && !indirect)
				continue;
			if (in == H_LONG && !indirect) {
				/* A direct chain cannot have more descriptors than
				 * the table: Queue Size. */
				ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, req.q),
					"%s: not sent: VIRTIO_F_INDIRECT_DESC not offered, and a direct chain cannot be longer than the descriptor table",
					h_name(&req, in, false, namebuf, sizeof(namebuf)));
				continue;
			}
			err = one(x, &req, in, indirect, false);
		}
		/* 2.8.17, 2.8.19: the list's malformations, where packed rings
		 * are offered */
		for (size_t i = 0; vlp_feature_on(x->offered, VLP_F_RING_PACKED) &&
				   i < VLP_ARRAY_SIZE(packed_inputs) && !err;
		     i++)
			if (packed_inputs[i] != H_NESTED || indirect)
				err = one(x, &req, packed_inputs[i], indirect, true);
		if (!err)
			err = works_again(x, &req);
		sent = true;
	}
	if (!err && !x->decided[XR_NEEDS_RESET_NOTIFY]) {
		struct vlp_extype_verdict v;

		vlp_extype_needs_reset(0, -1, -1, &v);
		ex_not_run(x, XR_NEEDS_RESET_NOTIFY, "%s",
			   sent ? "DEVICE_NEEDS_RESET not seen set with DRIVER_OK, not even after the malformed chains"
				: v.evidence);
	}
	return err;
}
