/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exercise checks on descriptor arrangements (--check --exercise): the
 * same request made with its buffers split otherwise (2.7.4.1), through an
 * indirect table (2.7.5.3.2), and the EVENT_IDX notification rules
 * (2.7.7.2): virtio-blk READs of sector 0, each answering as the usual
 * arrangement did, and virtio-scsi's TEST UNIT READY.  The judging
 * functions are pure (unit tested). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checkrun.h"

#define RX_DATA VLP_BLK_SECTOR

bool vlp_rx_same_answer(const uint8_t *ref, const uint8_t *got, size_t n, bool answered,
			uint8_t status, char *msg, size_t msglen)
{
	size_t off;

	if (!answered) {
		snprintf(msg, msglen, "not returned within %u ms", REQUEST_MS);
		return false;
	}
	if (status != VLP_BLK_S_OK) {
		snprintf(msg, msglen, "status %u, not VIRTIO_BLK_S_OK", status);
		return false;
	}
	if (vlp_rx_changed(ref, got, n, &off)) {
		snprintf(msg, msglen, "data byte %zu is 0x%02x, 0x%02x as the first READ returned it",
			 off, got[off], ref[off]);
		return false;
	}
	return true;
}

bool vlp_rx_same_scsi_answer(const struct vlp_rx_scsi_answer *ref,
			     const struct vlp_rx_scsi_answer *got, char *msg, size_t msglen)
{
	size_t off;

	if (!got->answered) {
		snprintf(msg, msglen, "not returned within %u ms", REQUEST_MS);
		return false;
	}
	/* 2.7.8.2: "The device MUST write at least len bytes to descriptor" */
	if (got->used_len > got->writable || got->used_len != ref->used_len) {
		snprintf(msg, msglen,
			 "used len %" PRIu32 " for %" PRIu32 " writable bytes; used len %" PRIu32
			 " as the first command came back",
			 got->used_len, got->writable, ref->used_len);
		return false;
	}
	if (vlp_rx_changed(ref->resp, got->resp, sizeof(ref->resp), &off)) {
		snprintf(msg, msglen,
			 "response header byte %zu is 0x%02x, 0x%02x as the first command returned it",
			 off, got->resp[off], ref->resp[off]);
		return false;
	}
	return true;
}

/* A chain made as segs on queue q (indirect: through a table), kicked and
 * waited for: *answered when it came back, with its used entry in u. */
static int transfer_as(struct ex *x, struct vlp_vqs *vqs, unsigned q, const struct vlp_vq_seg *segs,
		       unsigned n, bool indirect, struct vlp_vq_used *u, bool *answered)
{
	struct vlp_notify nt;
	unsigned id;
	int err = indirect ? vlp_vqs_post_indirect(x->r.ctx, vqs, q, segs, n, &id)
			   : vlp_vqs_post_chain(x->r.ctx, vqs, q, segs, n, &id);

	if (!err)
		err = vlp_vqs_kick(x->r.ctx, vqs, q, &nt);
	if (!err)
		err = ex_await(x, vqs, q, id, REQUEST_MS, u, answered);
	return err;
}

/* The device-writable bytes of the chain u came back as, in order (the
 * first max of them): how many. */
static size_t writable_bytes(const struct vlp_vq_seg *segs, unsigned n, const struct vlp_vq_used *u,
			     uint8_t *out, size_t max)
{
	size_t at = 0;

	for (unsigned i = 0; i < u->nsegs && i < n; i++)
		for (uint32_t k = 0; segs[i].device_writable && k < u->seg_len[i] && at < max; k++)
			out[at++] = u->seg_data[i][k];
	return at;
}

int ex_read_as(struct ex *x, struct vlp_vqs *vqs, const struct vlp_vq_seg *segs, unsigned n,
	       bool indirect, uint8_t data[RX_DATA], uint8_t *status, bool *answered)
{
	struct vlp_vq_used u;
	uint8_t flat[RX_DATA + 1] = { 0 };
	int err = transfer_as(x, vqs, 0, segs, n, indirect, &u, answered);

	if (err || !*answered)
		return err;
	/* data, then the status byte */
	writable_bytes(segs, n, &u, flat, sizeof(flat));
	memcpy(data, flat, RX_DATA);
	*status = flat[RX_DATA];
	return 0;
}

/* One SCSI command made as segs (indirect: through a table) on queue q,
 * waited for: its answer. */
static int scsi_as(struct ex *x, struct vlp_vqs *vqs, unsigned q, const struct vlp_vq_seg *segs,
		   unsigned n, bool indirect, struct vlp_rx_scsi_answer *a)
{
	struct vlp_vq_used u;
	int err;

	memset(a, 0, sizeof(*a));
	for (unsigned i = 0; i < n; i++)
		a->writable += segs[i].device_writable ? (uint32_t)segs[i].len : 0;
	err = transfer_as(x, vqs, q, segs, n, indirect, &u, &a->answered);
	if (err || !a->answered)
		return err;
	a->used_len = u.len;
	writable_bytes(segs, n, &u, a->resp, sizeof(a->resp));
	return 0;
}

/* A request's buffers arranged one way (2.7.4.1), as the finding names it. */
struct rx_layout {
	const char *how;
	unsigned n;
	struct vlp_vq_seg segs[VLP_VQ_CHAIN_MAX];
};

static const enum ex_row layout_rows[] = { XR_ANY_LAYOUT, XR_INDIRECT, XR_EVENT_IDX_QUIET,
					   XR_EVENT_IDX_NOTIFY };

static void event_idx_not_run(struct ex *x, const char *why)
{
	ex_not_run(x, XR_EVENT_IDX_QUIET, "%s", why);
	ex_not_run(x, XR_EVENT_IDX_NOTIFY, "%s", why);
}

/* After a notification against used_event set vector 0's pending bit
 * (sticky while masked), queue 0 moved to vector 1, whose bit is clear, so
 * that the notification that must come can still be seen: *vector 1, or
 * why not (why). */
static int event_idx_fresh_vector(struct ex *x, unsigned *vector, char *why, size_t whylen)
{
	uint64_t back;
	uint32_t w;
	int err;

	if (x->table_size < 2) {
		snprintf(why, whylen,
			 "vector 0's pending bit was already set (a notification against used_event) and the MSI-X table has no second vector");
		return 0;
	}
	if ((err = ex_pba_word(x, 1, &w)))
		return err;
	if (w & 2u) {
		snprintf(why, whylen,
			 "vector 0's pending bit was already set (a notification against used_event), vector 1's too");
		return 0;
	}
	if ((err = ex_try_vector(x, VLP_COMMON_QUEUE_MSIX_VECTOR, 0, 1, &back)))
		return err;
	if (back != 1) {
		snprintf(why, whylen,
			 "vector 0's pending bit was already set (a notification against used_event); queue 0 remapped to vector 1 reads back %" PRIu64,
			 back);
		return 0;
	}
	*vector = 1;
	return 0;
}

/* 2.7.7.2 with EVENT_IDX: after the reads made with used_event far ahead,
 * vector 0's pending bit is still clear; then a READ whose used entry goes
 * at used_event's index sets it (vector 1's, after a remap, when the first
 * part already set vector 0's). */
static int event_idx(struct ex *x, struct vlp_vqs *vqs, const struct vlp_vq_seg *segs,
		     uint16_t seen_before)
{
	const uint8_t *used = vlp_vqs_area(vqs, 0, VLP_VQ_DEVICE);
	uint16_t at = vlp_vqs_info(vqs, 0)->used_idx;
	struct vlp_vq_used u;
	struct vlp_notify nt;
	bool set, answered, remapped = false;
	unsigned id, vector = 0;
	char why[200];
	int err;

	if ((err = ex_pba_wait(x, 0, &set)))
		return err;
	ex_ran(x, XR_EVENT_IDX_QUIET);
	if (set) {
		ex_fail(x, XR_EVENT_IDX_QUIET, VLP_SEV_WARNING, chk_at_queue(&x->r, 0),
			"queue 0: used entries %u to %u written with used_event %u entries ahead: the pending bit of vector 0 set",
			seen_before, (uint16_t)(at - 1), VLP_VQ_USED_EVENT_AHEAD);
		why[0] = '\0';
		vector = VLP_NO_VECTOR;
		if ((err = event_idx_fresh_vector(x, &vector, why, sizeof(why))))
			return err;
		if (vector == VLP_NO_VECTOR) {
			ex_not_run(x, XR_EVENT_IDX_NOTIFY, "%s", why);
			return 0;
		}
		remapped = true;
	}
	/* The entry is taken (which moves used_event far ahead again) only
	 * after the pending bit is read: the device reads used_event after it
	 * wrote used.idx, and a driver that moved it in between would make a
	 * good device skip the notification. */
	if ((err = vlp_vqs_used_event(x->r.ctx, vqs, 0, at)) ||
	    (err = vlp_vqs_post_chain(x->r.ctx, vqs, 0, segs, 3, &id)) ||
	    (err = vlp_vqs_kick(x->r.ctx, vqs, 0, &nt)))
		return err;
	for (unsigned t = 0; ex_used_idx(used) == at && t < REQUEST_MS; t++)
		ex_sleep_ms(1);
	if (ex_used_idx(used) == at) {
		ex_not_run(x, XR_EVENT_IDX_NOTIFY, "the READ was not returned within %u ms",
			   REQUEST_MS);
		return 0;
	}
	if ((err = ex_pba_wait(x, vector, &set)) ||
	    (err = ex_await(x, vqs, 0, id, REQUEST_MS, &u, &answered)))
		return err;
	if (!set && remapped) {
		/* 4.1.5.1.2 lets a driver map any event to any vector, yet
		 * not every device honours a remap made while DRIVER_OK
		 * (QEMU 7.2's vhost back-ends keep the notifier of DRIVER_OK):
		 * a silence here proves nothing about used_event. */
		ex_not_run(x, XR_EVENT_IDX_NOTIFY,
			   "vector 0 was already pending; queue 0 remapped to vector 1 while DRIVER_OK, vector 1's bit stayed 0 for %u ms (a remap at run time may not be honoured)",
			   PENDING_MS);
		return 0;
	}
	if (!set)
		ex_fail(x, XR_EVENT_IDX_NOTIFY, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
			"queue 0: used entry %u written with used_event %u: the pending bit of vector %u stayed 0 for %u ms",
			at, at, vector, PENDING_MS);
	ex_ran(x, XR_EVENT_IDX_NOTIFY);
	return 0;
}

static void layouts_not_run(struct ex *x, const char *why)
{
	for (size_t i = 0; i < VLP_ARRAY_SIZE(layout_rows); i++)
		ex_not_run(x, layout_rows[i], "%s", why);
}

/* virtio-scsi: its harmless command (TEST UNIT READY to target 0) as
 * request and response, then its buffers arranged otherwise (2.7.4.1)
 * and through an indirect table (2.7.5.3.2), each answering as the usual
 * arrangement did.  A command before the reference takes the unit
 * attention a reset leaves (its sense data would differ from the next). */
static int layouts_scsi(struct ex *x)
{
	struct ex_request req;
	const char *none = ex_request_of(x, &req);
	struct vlp_rx_scsi_answer ref = { 0 }, got;
	const struct vlp_vq_info *info;
	uint32_t words[VLP_FEATURE_WORDS];
	struct vlp_vqs *vqs = NULL;
	bool indirect = vlp_feature_on(x->offered, VLP_F_INDIRECT_DESC);
	char why[160], msg[200];
	int err, cerr;

	event_idx_not_run(x, "the event index checks drive virtio-blk reads");
	if (none) {
		layouts_not_run(x, none);
		return 0;
	}
	const size_t rq = req.segs[0].len, rs = req.segs[1].len;
	const uint8_t *hdr = req.hdr;
	/* The request's header apart from its CDB; the response's header
	 * apart from its sense data; both cut inside their header. */
	const struct rx_layout layouts[] = {
		{ "the request's header apart from its CDB",
		  3,
		  { { false, hdr, VLP_SCSI_REQ_HDR, VLP_SCSI_REQ_HDR },
		    { false, hdr + VLP_SCSI_REQ_HDR, rq - VLP_SCSI_REQ_HDR, rq - VLP_SCSI_REQ_HDR },
		    { true, NULL, 0, rs } } },
		{ "the response's header apart from its sense data",
		  3,
		  { { false, hdr, rq, rq },
		    { true, NULL, 0, VLP_SCSI_RESP_HDR },
		    { true, NULL, 0, rs - VLP_SCSI_RESP_HDR } } },
		{ "the request and the response each cut inside their header (after 8 and 4 bytes)",
		  4,
		  { { false, hdr, 8, 8 },
		    { false, hdr + 8, rq - 8, rq - 8 },
		    { true, NULL, 0, 4 },
		    { true, NULL, 0, rs - 4 } } },
	};
	memcpy(words, x->set, sizeof(words));
	if (indirect)
		words[0] |= 1u << VLP_F_INDIRECT_DESC;
	else
		ex_not_run(x, XR_INDIRECT, "VIRTIO_F_INDIRECT_DESC not offered");
	err = ex_session_open(x, words, req.q, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && !why[0] && (!(info = vlp_vqs_info(vqs, req.q)) || info->format != VLP_RING_SPLIT))
		snprintf(why, sizeof(why), "the request queue is not a split ring set up here");
	if (!err && !why[0] && !(err = scsi_as(x, vqs, req.q, req.segs, req.nsegs, false, &ref)) &&
	    ref.answered)
		err = scsi_as(x, vqs, req.q, req.segs, req.nsegs, false, &ref);
	if (!err && !why[0] && (!ref.answered || ref.resp[VLP_SCSI_RESP_RESPONSE] != VLP_SCSI_S_OK))
		snprintf(why, sizeof(why), "%s as request and response %s", req.name,
			 ref.answered ? "did not answer VIRTIO_SCSI_S_OK" : "was not returned");
	if (!err && why[0])
		layouts_not_run(x, why);
	if (err || why[0])
		goto out;
	for (size_t i = 0; i < VLP_ARRAY_SIZE(layouts); i++) {
		if ((err = scsi_as(x, vqs, req.q, layouts[i].segs, layouts[i].n, false, &got)))
			goto out;
		if (!vlp_rx_same_scsi_answer(&ref, &got, msg, sizeof(msg))) {
			ex_fail(x, XR_ANY_LAYOUT, VLP_SEV_ERROR, chk_at_queue(&x->r, req.q),
				"queue %u: %s with %s: %s", req.q, req.name, layouts[i].how, msg);
			break;
		}
	}
	ex_ran(x, XR_ANY_LAYOUT);
	if (indirect) {
		if ((err = scsi_as(x, vqs, req.q, req.segs, req.nsegs, true, &got)))
			goto out;
		if (!vlp_rx_same_scsi_answer(&ref, &got, msg, sizeof(msg)))
			ex_fail(x, XR_INDIRECT, VLP_SEV_ERROR, chk_at_queue(&x->r, req.q),
				"queue %u: %s through an indirect table of %u descriptors: %s",
				req.q, req.name, req.nsegs, msg);
		ex_ran(x, XR_INDIRECT);
	}
out:
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

int ex_rings_layouts(struct ex *x)
{
	static uint8_t fill[RX_DATA + 1];
	uint8_t hdr[VLP_SELFTEST_BLK_HDR], ref[RX_DATA], got[RX_DATA], st_ref, st;
	const struct vlp_vq_info *info;
	uint32_t words[VLP_FEATURE_WORDS];
	struct vlp_vqs *vqs = NULL;
	bool answered, indirect, events;
	char why[160], msg[160];
	uint16_t seen = 0;
	int err, cerr;

	if (x->l->virtio.device_type.value == VLP_ID_SCSI && !x->unresponsive)
		return layouts_scsi(x);
	if (x->l->virtio.device_type.value != VLP_ID_BLOCK || x->unresponsive) {
		layouts_not_run(
			x, x->unresponsive
				   ? EX_UNRESPONSIVE
				   : "ring checks drive virtio-blk reads and virtio-scsi commands only");
		return 0;
	}
	memset(fill, EX_FILL, sizeof(fill));
	vlp_selftest_blk_header(hdr, VLP_BLK_T_IN, 0);
	const struct vlp_vq_seg usual[3] = { { false, hdr, sizeof(hdr), sizeof(hdr) },
					     { true, fill, RX_DATA, RX_DATA },
					     { true, fill, 1, 1 } };
	memcpy(words, x->set, sizeof(words));
	indirect = vlp_feature_on(x->offered, VLP_F_INDIRECT_DESC);
	if (indirect)
		words[0] |= 1u << VLP_F_INDIRECT_DESC;
	else
		ex_not_run(x, XR_INDIRECT, "VIRTIO_F_INDIRECT_DESC not offered");
	events = x->msix && vlp_feature_on(x->offered, VLP_F_EVENT_IDX);
	if (events) {
		uint32_t w;

		/* Vector 0 (the configuration event off it): its pending bit
		 * must be clear before. */
		words[0] |= 1u << VLP_F_EVENT_IDX;
		if ((err = ex_pba_word(x, 0, &w)))
			return err;
		if (w & 1) {
			event_idx_not_run(x, "the pending bit of vector 0 was set before the requests");
			events = false;
		}
	} else {
		event_idx_not_run(x, x->msix ? "VIRTIO_F_EVENT_IDX not offered"
					     : "no MSI-X capability");
	}
	err = ex_session_open(x, words, 0, events ? 0 : VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && !why[0] && (!(info = vlp_vqs_info(vqs, 0)) || info->format != VLP_RING_SPLIT))
		snprintf(why, sizeof(why), "the request queue is not a split ring set up here");
	if (!err && why[0])
		layouts_not_run(x, why);
	if (err || why[0])
		goto out;
	/* The usual arrangement: header, data, status. */
	seen = vlp_vqs_info(vqs, 0)->used_idx;
	err = ex_read_as(x, vqs, usual, 3, false, ref, &st_ref, &answered);
	if (err)
		goto out;
	if (!answered || st_ref != VLP_BLK_S_OK) {
		snprintf(why, sizeof(why), "the READ of sector 0 as header, data, status %s",
			 answered ? "did not answer VIRTIO_BLK_S_OK" : "was not returned");
		layouts_not_run(x, why);
		goto out;
	}
	/* 2.7.4.1: the same READ with its buffers split otherwise (at most
	 * VLP_VQ_CHAIN_MAX each); the first difference is reported. */
	const struct rx_layout layouts[] = {
		{ "the header in two buffers (8 + 8 bytes) and data and status in one (513)",
		  3,
		  { { false, hdr, 8, 8 },
		    { false, hdr + 8, sizeof(hdr) - 8, sizeof(hdr) - 8 },
		    { true, fill, RX_DATA + 1, RX_DATA + 1 } } },
		{ "the data in two buffers (256 + 256 bytes), the status apart",
		  4,
		  { { false, hdr, sizeof(hdr), sizeof(hdr) },
		    { true, fill, 256, 256 },
		    { true, fill + 256, RX_DATA - 256, RX_DATA - 256 },
		    { true, fill, 1, 1 } } },
		{ "the header in two buffers (4 + 12 bytes), the data cut at 100 bytes, the status with its tail (413)",
		  4,
		  { { false, hdr, 4, 4 },
		    { false, hdr + 4, sizeof(hdr) - 4, sizeof(hdr) - 4 },
		    { true, fill, 100, 100 },
		    { true, fill + 100, RX_DATA + 1 - 100, RX_DATA + 1 - 100 } } },
	};
	for (size_t i = 0; i < VLP_ARRAY_SIZE(layouts); i++) {
		err = ex_read_as(x, vqs, layouts[i].segs, layouts[i].n, false, got, &st, &answered);
		if (err)
			goto out;
		if (!vlp_rx_same_answer(ref, got, RX_DATA, answered, st, msg, sizeof(msg))) {
			ex_fail(x, XR_ANY_LAYOUT, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
				"queue 0: READ of sector 0 with %s: %s", layouts[i].how, msg);
			break;
		}
	}
	ex_ran(x, XR_ANY_LAYOUT);
	if (indirect) {
		/* 2.7.5.3.2: the same READ through an indirect table. */
		err = ex_read_as(x, vqs, usual, 3, true, got, &st, &answered);
		if (err)
			goto out;
		if (!vlp_rx_same_answer(ref, got, RX_DATA, answered, st, msg, sizeof(msg)))
			ex_fail(x, XR_INDIRECT, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
				"queue 0: READ of sector 0 through an indirect table of 3 descriptors: %s",
				msg);
		ex_ran(x, XR_INDIRECT);
	}
	if (events)
		err = event_idx(x, vqs, usual, seen);
out:
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}
