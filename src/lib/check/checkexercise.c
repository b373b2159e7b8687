/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exercise checks (--check --exercise): the device driven from here,
 * its behaviour judged against the spec's device requirements.  First the
 * registers (reset, features, queue sizes, vectors, the configuration
 * access window), then one harmless request per device type through
 * queues in this process's memory (the driving layer's vq.c), with MSI-X
 * enabled and every vector masked by the Function Mask, so that an
 * interrupt the device sends shows as its pending bit in the PBA and
 * reaches no CPU.  The device is left reset; the Command register and the
 * MSI-X Message Control as they were. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkrun.h"

static const char *const row_ids[XR_COUNT] = {
	[XR_RESET_STATUS] = "exercise-reset-status",
	[XR_RESET_QUEUE_ENABLE] = "exercise-reset-queues",
	[XR_RESET_VECTORS] = "exercise-reset-vectors",
	[XR_DEVICE_FEATURE] = "exercise-device-feature",
	[XR_VERSION_1] = "exercise-version-1",
	[XR_FOK_UNOFFERED] = "exercise-unoffered-bit",
	[XR_FOK_AGAIN] = "exercise-features-ok-again",
	[XR_DRIVER_FEATURE] = "exercise-driver-feature",
	[XR_QSIZE_UNAVAILABLE] = "exercise-queue-size-absent",
	[XR_QSIZE_POW2] = "exercise-queue-size-pow2",
	[XR_CONFIG_64BIT] = "exercise-config-64bit",
	[XR_PCI_CFG_WINDOW] = "exercise-pci-cfg-window",
	[XR_VECTOR_MAP] = "exercise-vector-map",
	[XR_VECTOR_MAP_FAIL] = "exercise-vector-map-fail",
	[XR_BEFORE_DRIVER_OK] = "exercise-before-driver-ok",
	[XR_ISR_READ_CLEARS] = "exercise-isr-read-clears",
	[XR_NOTIFY_USED] = "exercise-notify-used",
	[XR_NO_VECTOR_NO_IRQ] = "exercise-no-vector-no-irq",
	[XR_ENTROPY_BYTES] = "exercise-entropy-bytes",

	/* device types (checkextypes.c) */
	[XR_BLK_FLUSH_WCE] = "exercise-blk-flush-wce",
	[XR_BLK_READ_ONLY] = "exercise-blk-read-only",
	[XR_BLK_GET_ID] = "exercise-blk-get-id",
	[XR_BLK_UNSUPPORTED] = "exercise-blk-unsupported",
	[XR_BLK_OUT_OF_RANGE] = "exercise-blk-out-of-range",
	[XR_NET_NUM_BUFFERS] = "exercise-net-num-buffers",
	[XR_NET_MAC_ADDR_SET] = "exercise-net-mac-addr-set",
	[XR_CONSOLE_EMERG_WRITE] = "exercise-console-emerg",
	[XR_SCSI_SIZES_RESET] = "exercise-scsi-sizes-reset",
	[XR_SCSI_BAD_TARGET] = "exercise-scsi-bad-target",
	[XR_NEEDS_RESET_NOTIFY] = "exercise-needs-reset",

	/* rings (checkexrings.c) */
	[XR_USED_ID] = "exercise-used-id",
	[XR_USED_LEN] = "exercise-used-len",
	[XR_USED_IDX] = "exercise-used-idx",
	[XR_READABLE_UNTOUCHED] = "exercise-readable-intact",
	[XR_DESC_UNTOUCHED] = "exercise-desc-intact",
	[XR_NOTIFY_SUPPRESSED] = "exercise-notify-suppressed",
	[XR_REQUESTS_COMPLETE] = "exercise-requests-complete",
	[XR_USED_AFTER_RESET] = "exercise-used-after-reset",
	[XR_ANY_LAYOUT] = "exercise-any-layout",
	[XR_INDIRECT] = "exercise-indirect",
	[XR_EVENT_IDX_QUIET] = "exercise-event-idx-quiet",
	[XR_EVENT_IDX_NOTIFY] = "exercise-event-idx-notify",
	[XR_SPURIOUS_KICK] = "exercise-spurious-kick",
	/* one rule, one name: the active row, made here when watched */
	[XR_CONFIG_GENERATION] = "active-config-generation",
	[XR_HOSTILE] = "exercise-hostile",
	/* packed rings and IN_ORDER (checkexpacked.c) */
	[XR_PACKED_USED_ID] = "exercise-packed-used-id",
	[XR_PACKED_USED_FLAGS] = "exercise-packed-used-flags",
	[XR_PACKED_USED_LEN] = "exercise-packed-used-len",
	[XR_PACKED_USED_WRITE] = "exercise-packed-used-write",
	[XR_PACKED_LIST_SKIP] = "exercise-packed-list-skip",
	[XR_PACKED_READABLE] = "exercise-packed-readable",
	[XR_PACKED_REQUESTS_COMPLETE] = "exercise-packed-complete",
	[XR_PACKED_NOTIFY] = "exercise-packed-notify",
	[XR_PACKED_NOTIFY_OFF] = "exercise-packed-quiet",
	[XR_PACKED_DESC_QUIET] = "exercise-packed-desc-quiet",
	[XR_PACKED_DESC_EVENT] = "exercise-packed-desc-event",
	[XR_PACKED_INDIRECT] = "exercise-packed-indirect",
	[XR_IN_ORDER] = "exercise-in-order",
};

/* ------------------------------------------------------------ requests */

#define BLK_HDR VLP_SELFTEST_BLK_HDR
#define EXERCISE_LINE "virtio-lspci --check --exercise\n"

const char *ex_request_of(struct ex *x, struct ex_request *req)
{
	unsigned type = (unsigned)x->l->virtio.device_type.value;
	uint64_t cdb = VLP_SCSI_CDB_DEFAULT, sense = VLP_SCSI_SENSE_DEFAULT;
	struct vlp_reg reg;

	memset(req, 0, sizeof(*req));
	req->type = type;
	switch (type) {
	case VLP_ID_ENTROPY: /* 5.4.6: requestq, a device-writable buffer */
		req->q = VLP_ENTROPY_REQUESTQ;
		req->name = "an entropy request";
		req->segs[0] = (struct vlp_vq_seg){ true, NULL, 0, ENTROPY_LEN };
		req->nsegs = 1;
		return NULL;
	case VLP_ID_BLOCK: /* 5.2.6: VIRTIO_BLK_T_IN of sector 0 */
		vlp_selftest_blk_header(req->hdr, 0, 0);
		req->q = VLP_BLK_REQUESTQ;
		req->name = "a READ of sector 0";
		req->segs[0] = (struct vlp_vq_seg){ false, req->hdr, BLK_HDR, BLK_HDR };
		req->segs[1] = (struct vlp_vq_seg){ true, NULL, 0, 512 };
		req->segs[2] = (struct vlp_vq_seg){ true, NULL, 0, 1 };
		req->nsegs = 3;
		return NULL;
	case VLP_ID_CONSOLE: /* 5.3.6: port 0's transmitq, one line */
		req->q = VLP_CONSOLE_TRANSMITQ;
		req->name = "a line on port 0's transmitq";
		req->segs[0] = (struct vlp_vq_seg){ false, EXERCISE_LINE, strlen(EXERCISE_LINE),
						    strlen(EXERCISE_LINE) };
		req->nsegs = 1;
		return NULL;
	case VLP_ID_SCSI: /* 5.6.6: TEST UNIT READY to target 0, LUN 0 */
		if (!vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_DEVICE, VLP_SCSI_CDB_SIZE, &reg))
			vlp_reg_read(x->r.ctx, x->dev, x->l, &reg, NULL, 0, &cdb);
		if (!vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_DEVICE, VLP_SCSI_SENSE_SIZE, &reg))
			vlp_reg_read(x->r.ctx, x->dev, x->l, &reg, NULL, 0, &sense);
		if (cdb > VLP_SCSI_CDB_MAX || sense > VLP_SCSI_SENSE_MAX)
			return "cdb_size or sense_size larger than this tool's buffers";
		req->q = VLP_SCSI_REQUESTQ;
		req->name = "a TEST UNIT READY to target 0";
		vlp_selftest_scsi_lun(req->hdr, 0, 0);
		req->segs[0] = (struct vlp_vq_seg){ false, req->hdr, VLP_SCSI_REQ_HDR + (size_t)cdb,
						    VLP_SCSI_REQ_HDR + (size_t)cdb };
		req->segs[1] = (struct vlp_vq_seg){ true, NULL, 0, VLP_SCSI_RESP_HDR + (size_t)sense };
		req->nsegs = 2;
		return NULL;
	case VLP_ID_NET:
		return "a network device uses a receive buffer only when traffic arrives, and a transmit puts a frame on the network: no harmless request";
	case VLP_ID_BALLOON:
		return "each balloon queue changes the guest's memory accounting or waits for the host: no harmless request";
	}
	return "no harmless request is known for this device type";
}

const char *ex_request_answered(const struct ex_request *req, const struct vlp_vq_used *u)
{
	const unsigned last = req->nsegs - 1;

	switch (req->type) {
	case VLP_ID_BLOCK: /* the status byte (5.2.6) */
		return u->nsegs == req->nsegs && u->seg_data[last][0] == VLP_BLK_S_OK
			       ? NULL
			       : "did not answer VIRTIO_BLK_S_OK";
	case VLP_ID_SCSI: /* the response's response (5.6.6) */
		return u->nsegs == req->nsegs && u->seg_data[last][VLP_SCSI_RESP_RESPONSE] == VLP_SCSI_S_OK
			       ? NULL
			       : "did not answer VIRTIO_SCSI_S_OK";
	case VLP_ID_ENTROPY: /* 5.4.6.1: one or more bytes */
		return u->len >= 1 && u->len <= req->segs[0].len
			       ? NULL
			       : "returned no bytes, or more than the buffer";
	}
	return NULL; /* a line transmitted: taken is all */
}

/* The checks that need a request completed. */
/* The first request's checks (phase_notify has the notification and
 * ring checks, in a session of their own). */
static const enum ex_row request_rows[] = { XR_BEFORE_DRIVER_OK, XR_ISR_READ_CLEARS,
					    XR_NO_VECTOR_NO_IRQ, XR_ENTROPY_BYTES };

static void requests_not_run(struct ex *x, const char *why)
{
	for (size_t i = 0; i < VLP_ARRAY_SIZE(request_rows); i++)
		ex_not_run(x, request_rows[i], "%s", why);
}

static int post_kick(struct ex *x, struct vlp_vqs *vqs, const struct ex_request *req, unsigned *id)
{
	struct vlp_notify n;
	int err = vlp_vqs_post_chain(x->r.ctx, vqs, req->q, req->segs, req->nsegs, id);

	return err ? err : vlp_vqs_kick(x->r.ctx, vqs, req->q, &n);
}

/* 5.4.6.2: the entropy read's used length. */
static void judge_entropy(struct ex *x, const struct ex_request *req, const struct vlp_vq_used *u)
{
	if (req->type != VLP_ID_ENTROPY) {
		ex_not_run(x, XR_ENTROPY_BYTES, "not an entropy device");
		return;
	}
	if (ex_request_answered(req, u))
		ex_fail(x, XR_ENTROPY_BYTES, VLP_SEV_ERROR, chk_at_queue(&x->r, 0),
			"queue 0: used entry id %u with len %" PRIu32 " for a %u-byte buffer",
			u->id, u->len, ENTROPY_LEN);
	ex_ran(x, XR_ENTROPY_BYTES);
}

/* DRIVER_OK and the first request (kicked before it): 2.1.2, then the
 * request completed with every vector NO_VECTOR (4.1.5.3.1), the ISR. */
static int first_request(struct ex *x, struct vlp_vqs *vqs, const struct ex_request *req)
{
	struct vlp_vq_used u;
	uint64_t back = 0, isr1 = 0, isr2 = 0;
	unsigned id, waited, pending = 0;
	struct vlp_reg isr;
	size_t got = 0;
	bool early;
	int err;

	if ((err = vlp_vqs_notifications(x->r.ctx, vqs, req->q, true)) ||
	    (err = post_kick(x, vqs, req, &id)))
		return err;
	err = vlp_vqs_poll(x->r.ctx, vqs, req->q, BEFORE_DOK_MS, &u, 1, &got, &waited);
	if (err == -EPROTO) { /* a used ring broken: the ring checks judge it */
		requests_not_run(x, vlp_ctx_error(x->r.ctx));
		return 0;
	}
	if (err && err != -ETIMEDOUT)
		return err;
	early = got > 0;
	if (early)
		ex_fail(x, XR_BEFORE_DRIVER_OK, VLP_SEV_ERROR, chk_at_queue(&x->r, req->q),
			"queue %u: the request kicked before DRIVER_OK (device_status 0x%02x) was used within %u ms: used entry id %u len %" PRIu32,
			req->q, x->d.bits, waited, u.id, u.len);
	ex_ran(x, XR_BEFORE_DRIVER_OK);
	if ((err = vlp_drive_driver_ok(&x->d, &back)))
		return err;
	if (!(back & S_DRIVER_OK) || (back & S_NEEDS_RESET)) {
		requests_not_run(x, "DRIVER_OK not kept");
		return 0;
	}
	if (!early) {
		struct vlp_notify n;

		if ((err = vlp_vqs_kick(x->r.ctx, vqs, req->q, &n)))
			return err;
		err = vlp_vqs_poll(x->r.ctx, vqs, req->q, REQUEST_MS, &u, 1, &got, &waited);
		if (err == -ETIMEDOUT || err == -EPROTO) {
			requests_not_run(x, vlp_ctx_error(x->r.ctx));
			return 0;
		}
		if (err)
			return err;
	}
	judge_entropy(x, req, &u);
	ex_sleep_ms(PENDING_MS);
	if (!x->msix) {
		ex_not_run(x, XR_NO_VECTOR_NO_IRQ, "no MSI-X capability");
	} else {
		if ((err = ex_pba_first(x, &pending)))
			return err;
		if (pending < x->table_size)
			ex_fail(x, XR_NO_VECTOR_NO_IRQ, VLP_SEV_ERROR, chk_at_queue(&x->r, req->q),
				"queue %u: MSI-X pending bit of vector %u set after a completion (used entry id %u len %" PRIu32
				") with every vector NO_VECTOR",
				req->q, pending, u.id, u.len);
		ex_ran(x, XR_NO_VECTOR_NO_IRQ);
	}
	if ((err = vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_ISR, VLP_ISR_ISR, &isr)) ||
	    (err = vlp_reg_read(x->r.ctx, x->dev, x->l, &isr, NULL, VLP_REG_READ_CLEARS, &isr1)) ||
	    (err = vlp_reg_read(x->r.ctx, x->dev, x->l, &isr, NULL, VLP_REG_READ_CLEARS, &isr2)))
		return err;
	if (!isr1)
		ex_not_run(x, XR_ISR_READ_CLEARS,
			   "ISR status read 0 after a completion (with MSI-X enabled the device need not set it)");
	else if (isr2)
		ex_fail(x, XR_ISR_READ_CLEARS, VLP_SEV_ERROR, vlp_block_name(VLP_BLOCK_ISR),
			"ISR status reads 0x%02" PRIx64 ", then 0x%02" PRIx64 " on the next read",
			isr1, isr2);
	else
		ex_ran(x, XR_ISR_READ_CLEARS);
	return 0;
}

/* 2.7.7.2: with avail flags 0, a notification after the request is used,
 * seen as the pending bit of the queue's masked vector. */
static int notify_used(struct ex *x, struct vlp_vqs *vqs, const struct ex_request *req, unsigned v)
{
	struct vlp_vq_used u;
	unsigned id;
	uint32_t w;
	bool got = false;
	bool set;
	int err;

	if (!x->msix || x->unresponsive) {
		ex_not_run(x, XR_NOTIFY_USED, "%s", x->msix ? EX_UNRESPONSIVE : "no MSI-X capability");
		return 0;
	}
	if ((err = ex_pba_word(x, v, &w)))
		return err;
	if (w >> (v % 32) & 1) {
		ex_not_run(x, XR_NOTIFY_USED,
			   "the pending bit of vector %u was set before the request", v);
		return 0;
	}
	if ((err = vlp_vqs_notifications(x->r.ctx, vqs, req->q, true)) ||
	    (err = post_kick(x, vqs, req, &id)))
		return err;
	/* The ring checks' reads may come back first. */
	if ((err = ex_await(x, vqs, req->q, id, REQUEST_MS, &u, &got)))
		return err;
	if (!got) {
		ex_not_run(x, XR_NOTIFY_USED, "the request was not returned within %u ms", REQUEST_MS);
		return 0;
	}
	if ((err = ex_pba_wait(x, v, &set)))
		return err;
	if (!set)
		ex_fail(x, XR_NOTIFY_USED, VLP_SEV_ERROR, chk_at_queue(&x->r, req->q),
			"queue %u: used entry id %u len %" PRIu32
			" with avail flags 0 (no VIRTIO_F_EVENT_IDX), queue_msix_vector %u: its pending bit stayed 0 for %u ms",
			req->q, u.id, u.len, v, PENDING_MS);
	ex_ran(x, XR_NOTIFY_USED);
	return 0;
}

/* The notification and ring checks, in a session of their own: the
 * request's queue mapped to the last vector before DRIVER_OK, as drivers
 * map it (4.1.5.1.2), not changed while the device runs: a device need
 * not pass such a change on (QEMU 7.2's vhost devices give the back-end
 * its call eventfd at DRIVER_OK, none for a queue on NO_VECTOR).  First
 * the reads with notifications suppressed, kicks with nothing new made
 * available and a read after them, then one request that asks for
 * a notification, then a read left in flight at a reset. */
static int phase_notify(struct ex *x)
{
	struct vlp_vqs *vqs = NULL;
	struct ex_request req;
	const char *why = ex_request_of(x, &req);
	unsigned v = x->msix ? x->table_size - 1 : VLP_NO_VECTOR;
	char whyopen[160];
	bool late = false;
	int err, cerr;

	if (why) {
		ex_not_run(x, XR_NOTIFY_USED, "%s", why);
		ex_rings_not_run(x, why);
		return 0;
	}
	err = ex_session_open(x, x->set, req.q, v, &vqs, whyopen, sizeof(whyopen));
	if (!err && whyopen[0]) {
		ex_not_run(x, XR_NOTIFY_USED, "%s", whyopen);
		ex_rings_not_run(x, whyopen);
	} else if (!err) {
		err = ex_rings(x, vqs, req.q, v);
		if (!err)
			err = ex_rings_spurious(x, vqs, req.q, v);
		if (!err)
			err = notify_used(x, vqs, &req, v);
		if (!err)
			err = ex_rings_late_post(x, vqs, req.q, &late);
		/* 2.4.1: after the reset the device leaves the rings alone. */
		if (!err)
			err = vlp_drive_reset(&x->d, NULL);
		if (!err)
			err = ex_rings_after_reset(x, vqs, req.q, late);
	}
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

/* Every available queue set up (as a driver would), the requests, and the
 * reset checks on a device that was DRIVER_OK with queues enabled. */
static int phase_requests(struct ex *x)
{
	struct vlp_vqs *vqs = NULL;
	struct ex_request req;
	const char *why = ex_request_of(x, &req);
	uint64_t back, size;
	/* the Command register, as the bus master row locates it */
	const struct vlp_field *command = &vlp_pci_command_table()->fields[VLP_CMD_BUS_MASTER];
	uint32_t cmd = 0;
	bool accepted = false;
	int err, cerr;

	if (why) {
		requests_not_run(x, why);
		return 1;
	}
	if (!x->set_accepted) {
		requests_not_run(x, "FEATURES_OK refused for the driver's set");
		return 1;
	}
	if (req.q >= x->nq) {
		requests_not_run(x, "the request's queue does not exist");
		return 1;
	}
	if (vlp_vqs_open(x->r.ctx, x->dev, x->l, x->opts, &vqs)) {
		requests_not_run(x, vlp_ctx_error(x->r.ctx));
		return 1;
	}
	/* Without MSI-X the ISR path raises INTx: kept off the CPU (the
	 * Command register is restored by vlp_vqs_close). */
	err = 0;
	if (!x->msix &&
	    !(err = vlp_config_read(x->r.ctx, x->dev, command->offset, command->width, &cmd)))
		err = vlp_config_write(x->r.ctx, x->dev, command->offset, command->width,
				       cmd | CMD_INTX_DISABLE);
	if (!err)
		err = ex_negotiate(x, x->set, &accepted, &back);
	if (!err && !accepted)
		requests_not_run(x, "FEATURES_OK refused for the driver's set");
	for (unsigned q = 0; !err && accepted && q < x->nq; q++) {
		const struct vlp_vq_info *info;

		if (!(err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, q, &size)) && size)
			err = vlp_drive_queue_setup(&x->d, vqs, q, 0, &info);
	}
	if (!err && accepted && !vlp_vqs_info(vqs, req.q))
		requests_not_run(x, "the request's queue is not available (queue_size 0)");
	if (!err && accepted && vlp_vqs_info(vqs, req.q)) {
		if (x->msix)
			err = ex_common_write(x, VLP_COMMON_CONFIG_MSIX_VECTOR, 0, VLP_NO_VECTOR);
		if (!err)
			err = first_request(x, vqs, &req);
		if (!err)
			err = ex_map_all(x);
		if (!err)
			err = ex_check_after_reset(
				x, "the device was DRIVER_OK with every available queue enabled");
	}
	/* Resets, restores the Command register, frees the memory. */
	cerr = vlp_vqs_close(x->r.ctx, vqs, NULL);
	return err ? err : cerr;
}

/* ------------------------------------------------------------ the run */

static int exercise(struct ex *x)
{
	uint64_t n;
	int err;

	if ((err = vlp_drive_begin(x->r.ctx, x->dev, x->l, &x->d)))
		return err;
	if ((err = ex_common_read(x, VLP_COMMON_NUM_QUEUES, 0, &n)))
		return err;
	x->nq = (unsigned)n;
	if ((err = vlp_drive_reset(&x->d, NULL)) == -ETIMEDOUT) {
		ex_fail(x, XR_RESET_STATUS, VLP_SEV_ERROR,
			chk_at_row(&x->r, VLP_COMMON_DEVICE_STATUS), "%s", vlp_ctx_error(x->r.ctx));
		return 0;
	}
	if (err || (err = ex_msix_begin(x)) || (err = ex_check_device_feature(x)) ||
	    (err = ex_check_features_ok(x)) || (err = ex_check_queue_size(x)) ||
	    (err = ex_check_config_64bit(x)) || (err = ex_check_pci_cfg_window(x)) ||
	    (err = ex_check_vectors(x)) || (err = ex_watch_config(x)))
		return err;
	err = phase_requests(x);
	if (err == 1) { /* no request: the reset checks on the registers alone */
		if ((err = ex_negotiate(x, x->set, &(bool){ false }, NULL)) || (err = ex_map_all(x)))
			return err;
		err = ex_check_after_reset(x, "FEATURES_OK, every event mapped to a vector");
	}
	if (!err)
		err = phase_notify(x);
	if (!err)
		err = ex_rings_layouts(x);
	if (!err)
		err = ex_packed(x);
	if (!err)
		err = ex_types(x);
	return err ? err : ex_hostile(x);
}

int vlp_check_exercise(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		       const struct vlp_vqs_opts *opts, struct vlp_check_report *rep)
{
	struct vlp_exercise_opts xo = { .vqs = opts };

	return vlp_check_exercise_opts(ctx, dev, l, &xo, rep);
}

int vlp_check_exercise_opts(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
			    const struct vlp_exercise_opts *xo, struct vlp_check_report *rep)
{
	struct ex x = { .r = { .ctx = ctx, .dev = dev, .l = l, .rep = rep },
			.dev = dev,
			.l = l,
			.opts = xo ? xo->vqs : NULL,
			.media_writes = xo && xo->media_writes,
			.config_writes = xo && xo->config_writes,
			.watch_config_ms = xo ? xo->watch_config_ms : 0,
			.hostile = xo && xo->hostile };
	const char *refusal = vlp_device_write_refusal(dev);
	char msg[128];
	int err = 0, merr;

	if (refusal)
		return vlp_error(ctx, EBUSY, "%s", refusal);
	if (vlp_device_dry_run(dev))
		return vlp_error(ctx, EINVAL,
				 "the exercise checks make their writes: not in a dry run");
	x.r.findings_alloc = rep->nfindings;
	x.r.skipped_alloc = rep->nskipped;
	for (unsigned k = 0; k < XR_COUNT; k++) {
		x.check[k] = vlp_check_find(row_ids[k]);
		if (!x.check[k])
			return vlp_error(ctx, ENOENT, "%s: not in the check registry", row_ids[k]);
		chk_unskip(rep, x.check[k]);
	}
	x.r.check = x.check[0];
	rep->exercised = true;
	if (!chk_is_modern_interface(l)) {
		for (unsigned k = 0; k < XR_COUNT; k++)
			ex_not_run(&x, k, "a legacy device has no common configuration");
		goto out;
	}
	err = exercise(&x);
	snprintf(msg, sizeof(msg), "%s",
		 err ? vlp_ctx_error(ctx) : "an earlier step ended the exercise");
	/* Left reset, MSI-X Message Control as found. */
	if (!vlp_drive_begin(ctx, dev, l, &x.d) && !vlp_drive_reset(&x.d, NULL))
		rep->reset_done = true;
	merr = ex_msix_end(&x);
	rep->restored = rep->reset_done && !merr;
	for (unsigned k = 0; k < XR_COUNT; k++)
		ex_not_run(&x, k, "not reached: %s", msg);
out:
	if (x.r.out_of_memory)
		return vlp_error(ctx, ENOMEM, "out of memory");
	chk_sort_findings(rep);
	return err;
}
