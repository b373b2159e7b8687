/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --check --exercise --hostile: malformed chains built from a device
 * type's harmless request (ex_request_of: a virtio-blk READ, an entropy
 * request, a line on a console's transmitq, a SCSI TEST UNIT READY), each
 * in a driver's session of its own (ex_session_open: the configuration
 * change event on vector 0, masked, so a notification is its pending bit).
 * The spec says what a driver must not do (2.7.5.2, 2.7.5.3.1, 4.1.4.3.2),
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

enum h_input { H_LOOP, H_NEXT_RANGE, H_ZERO_LEN, H_OUTSIDE, H_NESTED, H_LONG, H_DISABLED, H_COUNT };
static const char *const h_names[H_COUNT] = {
	[H_LOOP] = "a descriptor loop (the last descriptor's next is the head)",
	[H_NEXT_RANGE] = "next out of range (the last descriptor's next is Queue Size)",
	[H_ZERO_LEN] = "a zero-length buffer (the second descriptor's len 0)",
	[H_OUTSIDE] = "an address outside guest RAM (the second descriptor at 0xfffffffff000)",
	[H_NESTED] = "VIRTQ_DESC_F_INDIRECT inside an indirect table",
	[H_LONG] = "a chain longer than the queue (Queue Size + 1 descriptors, indirect)",
	[H_DISABLED] = "on a queue the driver disabled (queue_enable written 0)",
};

/* The input as notes name it: the disabled queue's names the request. */
static const char *h_name(const struct ex_request *req, enum h_input in, char *buf, size_t len)
{
	if (in != H_DISABLED)
		return h_names[in];
	snprintf(buf, len, "%s %s", req->name, h_names[in]);
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

static void put_desc(uint8_t *d, unsigned row, uint64_t v)
{
	const struct vlp_field *f = &vlp_split_desc_table()->fields[row];
	uint8_t le[8] = { 0 };

	for (unsigned i = 0; i < f->width; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	memcpy(d + f->offset, le, f->width);
}

static uint64_t get_desc(const uint8_t *d, unsigned row)
{
	return vlp_field_read_mem(&vlp_split_desc_table()->fields[row], d);
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
	const struct vlp_field_table *dt = vlp_split_desc_table();
	uint8_t *desc = vlp_vqs_area(vqs, q, VLP_VQ_DESC);
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

		put_desc(table, VLP_DESC_FLAGS, get_desc(table, VLP_DESC_FLAGS) | VLP_DESC_F_INDIRECT);
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
	/* Releasing publishes avail.idx with release order: the broken
	 * descriptors are seen before it (2.7.13.3). */
	if ((err = vlp_vqs_hold(x->r.ctx, vqs, q, false)))
		return err;
	return vlp_vqs_kick(x->r.ctx, vqs, q, &nt);
}

/* One input: what the device did (a note), 2.1.2 where it applies. */
static int one(struct ex *x, const struct ex_request *req, enum h_input in, bool indirect)
{
	const struct vlp_field *ring = &vlp_used_table()->fields[VLP_USED_RING];
	const struct vlp_field *used_idx = &vlp_used_table()->fields[VLP_USED_IDX];
	struct vlp_vqs *vqs = NULL;
	struct vlp_extype_verdict v;
	uint32_t words[VLP_FEATURE_WORDS];
	const uint8_t *used;
	uint64_t status = 0;
	uint32_t w;
	uint16_t seen, idx;
	unsigned head = 0, q = req->q;
	bool pending_before;
	char why[160], namebuf[160], what[64] = "nothing used";
	const char *name = h_name(req, in, namebuf, sizeof(namebuf));
	int err, cerr;

	memcpy(words, x->set, sizeof(words));
	if (in == H_NESTED || in == H_LONG)
		words[0] |= 1u << VLP_F_INDIRECT_DESC;
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
	if (!err && !why[0] && !vlp_vqs_info(vqs, q))
		snprintf(why, sizeof(why), "queue %u is not available (queue_size 0)", q);
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
	used = vlp_vqs_area(vqs, q, VLP_VQ_DEVICE);
	seen = (uint16_t)vlp_field_read_mem(used_idx, used);
	if ((err = send(x, req, vqs, in, indirect, &head)))
		goto out;
	for (unsigned ms = 0; ms < H_WAIT_MS; ms += 10) {
		ex_sleep_ms(10);
		if ((err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)))
			goto out;
		/* Decided: the device asked for a reset, or returned the chain. */
		if ((status & S_NEEDS_RESET) || (uint16_t)vlp_field_read_mem(used_idx, used) != seen)
			break;
	}
	ex_sleep_ms(PENDING_MS);
	if ((err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)) ||
	    (x->msix && (err = ex_pba_word(x, 0, &w))))
		goto out;
	idx = (uint16_t)vlp_field_read_mem(used_idx, used);
	if (idx != seen) {
		const uint8_t *e = used + ring->offset +
				   (size_t)ring->width * (seen % vlp_vqs_info(vqs, q)->size);
		int at = snprintf(
			what, sizeof(what), "used.idx moved (used len %" PRIu64,
			vlp_field_read_mem(&vlp_used_elem_table()->fields[VLP_USED_ELEM_LEN], e));

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
		for (unsigned in = 0; in < H_COUNT && !err; in++) {
			if (in == H_NESTED && !indirect)
				continue;
			if (in == H_LONG && !indirect) {
				/* A direct chain cannot have more descriptors than
				 * the table: Queue Size. */
				ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, req.q),
					"%s: not sent: VIRTIO_F_INDIRECT_DESC not offered, and a direct chain cannot be longer than the descriptor table",
					h_name(&req, (enum h_input)in, namebuf, sizeof(namebuf)));
				continue;
			}
			err = one(x, &req, (enum h_input)in, indirect);
		}
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
