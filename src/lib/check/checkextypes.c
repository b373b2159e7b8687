/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exercise checks per device type (7.3.x: the Device Requirements
 * sections they list) and DEVICE_NEEDS_RESET (2.1.2): what a driver can
 * observe without harm.  Block: FLUSH with CONFIG_WCE, a write refused
 * by a read-only device (only with --media-writes), and what 5.2.6 says
 * in prose only (GET_ID, UNSUPP, IOERR beyond capacity) as expectations
 * (info, never a MUST); network: num_buffers of a received frame (when one
 * arrives: nothing is transmitted), the mac after
 * VIRTIO_NET_CTRL_MAC_ADDR_SET of the device's own address; console: the
 * emergency write on an unconfigured device; SCSI: sense_size and cdb_size
 * after a reset, BAD_TARGET for an absent target.  Each judgement is a
 * pure function (vlp_extype_*, internal.h) that the unit tests feed bad
 * answers; the run below gathers the answers.  The device is left reset. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"

#define BLK_T_UNKNOWN 0x7eu /* a request type 5.2.6 does not define (even: not OUT) */
#define NET_RX_BUF 1526u    /* the header and a 1514-byte frame */
#define NET_RX_BUFS 4u
#define NET_RX_MS 1000u     /* how long a received frame is waited for */
#define SCSI_TARGET_MAX 255 /* lun[1] is one byte (5.6.6.1) */
#define EMERG_LINE "virtio-lspci --check --exercise: emergency write\n"

/* ------------------------------------------------------------ judgements */

__attribute__((format(printf, 4, 5))) static void verdict(struct vlp_extype_verdict *v, bool failed,
							  enum vlp_severity sev, const char *fmt, ...)
{
	va_list ap;

	memset(v, 0, sizeof(*v));
	v->failed = failed;
	v->severity = sev;
	va_start(ap, fmt);
	vsnprintf(v->evidence, sizeof(v->evidence), fmt, ap);
	va_end(ap);
}

static void passed(struct vlp_extype_verdict *v)
{
	memset(v, 0, sizeof(*v));
}

static const char *blk_status_name(uint8_t s)
{
	switch (s) {
	case VLP_BLK_S_OK:
		return "VIRTIO_BLK_S_OK";
	case VLP_BLK_S_IOERR:
		return "VIRTIO_BLK_S_IOERR";
	case VLP_BLK_S_UNSUPP:
		return "VIRTIO_BLK_S_UNSUPP";
	}
	return "undefined";
}

/* 5.2.5.2: "Devices SHOULD always offer VIRTIO_BLK_F_FLUSH, and MUST offer
 * it if they offer VIRTIO_BLK_F_CONFIG_WCE." */
void vlp_extype_flush_wce(const uint32_t offered[VLP_FEATURE_WORDS], struct vlp_extype_verdict *v)
{
	bool flush = vlp_feature_on(offered, VLP_BLK_F_FLUSH);

	if (!flush && vlp_feature_on(offered, VLP_BLK_F_CONFIG_WCE))
		verdict(v, true, VLP_SEV_ERROR,
			"device_feature 0x%08" PRIx32
			": VIRTIO_BLK_F_CONFIG_WCE (bit %u) offered without VIRTIO_BLK_F_FLUSH (bit %u)",
			offered[0], VLP_BLK_F_CONFIG_WCE, VLP_BLK_F_FLUSH);
	else if (!flush)
		verdict(v, true, VLP_SEV_WARNING,
			"device_feature 0x%08" PRIx32
			": VIRTIO_BLK_F_FLUSH (bit %u) not offered (SHOULD always be)",
			offered[0], VLP_BLK_F_FLUSH);
	else
		passed(v);
}

/* 5.2.6.2: IOERR for a write with VIRTIO_BLK_F_RO offered, nothing
 * written (the sector read before and after). */
void vlp_extype_ro_write(uint8_t status, const uint8_t *before, const uint8_t *after, size_t n,
			 struct vlp_extype_verdict *v)
{
	size_t i = 0;

	while (i < n && before[i] == after[i])
		i++;
	if (status != VLP_BLK_S_IOERR && i < n)
		verdict(v, true, VLP_SEV_ERROR,
			"VIRTIO_BLK_T_OUT of sector 0 with VIRTIO_BLK_F_RO offered: status %u (%s), and the data was written: byte %zu reads 0x%02x, 0x%02x before",
			status, blk_status_name(status), i, after[i], before[i]);
	else if (status != VLP_BLK_S_IOERR)
		verdict(v, true, VLP_SEV_ERROR,
			"VIRTIO_BLK_T_OUT of sector 0 with VIRTIO_BLK_F_RO offered: status %u (%s), not VIRTIO_BLK_S_IOERR (sector 0 reads as before)",
			status, blk_status_name(status));
	else if (i < n)
		verdict(v, true, VLP_SEV_ERROR,
			"VIRTIO_BLK_T_OUT of sector 0 with VIRTIO_BLK_F_RO offered: VIRTIO_BLK_S_IOERR, yet the data was written: byte %zu reads 0x%02x, 0x%02x before",
			i, after[i], before[i]);
	else
		passed(v);
}

/* 5.2.6 (prose): the device ID, a NUL-padded ASCII string of up to 20
 * bytes. */
void vlp_extype_get_id(uint8_t status, const uint8_t id[VLP_BLK_ID_BYTES], struct vlp_extype_verdict *v)
{
	char hex[2 * VLP_BLK_ID_BYTES + 1];
	size_t i = 0;
	bool ok = true;

	if (status != VLP_BLK_S_OK) {
		verdict(v, true, VLP_SEV_INFO,
			"expectation: VIRTIO_BLK_T_GET_ID answered status %u (%s): no device ID",
			status, blk_status_name(status));
		return;
	}
	while (i < VLP_BLK_ID_BYTES && id[i] >= 0x20 && id[i] < 0x7f)
		i++;
	for (size_t k = i; k < VLP_BLK_ID_BYTES; k++)
		ok = ok && id[k] == 0;
	if (ok) {
		passed(v);
		return;
	}
	vlp_selftest_hex(hex, sizeof(hex), id, VLP_BLK_ID_BYTES);
	verdict(v, true, VLP_SEV_INFO,
		"expectation: VIRTIO_BLK_T_GET_ID answered %s: byte %zu is neither printable ASCII nor NUL padding",
		hex, i);
}

/* 5.2.6 (prose): "VIRTIO_BLK_S_UNSUPP for a request unsupported by
 * device". */
void vlp_extype_unsupported(uint32_t type, uint8_t status, struct vlp_extype_verdict *v)
{
	if (status == VLP_BLK_S_UNSUPP)
		passed(v);
	else
		verdict(v, true, VLP_SEV_INFO,
			"expectation: request type %" PRIu32
			" (not defined) answered status %u (%s), not VIRTIO_BLK_S_UNSUPP",
			type, status, blk_status_name(status));
}

/* 5.2.6 (prose): "VIRTIO_BLK_S_IOERR for device or driver error"; a read
 * beyond capacity is a driver's error (5.2.6.1). */
void vlp_extype_out_of_range(uint64_t sector, uint64_t capacity, uint8_t status,
			     struct vlp_extype_verdict *v)
{
	if (status == VLP_BLK_S_IOERR)
		passed(v);
	else
		verdict(v, true, VLP_SEV_INFO,
			"expectation: VIRTIO_BLK_T_IN of sector %" PRIu64 " (capacity %" PRIu64
			" sectors) answered status %u (%s), not VIRTIO_BLK_S_IOERR",
			sector, capacity, status, blk_status_name(status));
}

/* 5.1.6.4.1: "If VIRTIO_NET_F_MRG_RXBUF has not been negotiated, the
 * device MUST set num_buffers to 1." */
void vlp_extype_num_buffers(const uint8_t *hdr, uint32_t len, struct vlp_extype_verdict *v)
{
	unsigned n;

	if (len < VLP_NET_HDR_LEN) {
		verdict(v, true, VLP_SEV_ERROR,
			"receiveq1: used length %" PRIu32
			", shorter than struct virtio_net_hdr (%u bytes)",
			len, VLP_NET_HDR_LEN);
		return;
	}
	n = hdr[VLP_NET_HDR_NUM_BUFFERS] | (unsigned)hdr[VLP_NET_HDR_NUM_BUFFERS + 1] << 8;
	if (n == 1)
		passed(v);
	else
		verdict(v, true, VLP_SEV_ERROR,
			"receiveq1: a %" PRIu32
			"-byte packet with num_buffers %u, VIRTIO_NET_F_MRG_RXBUF not negotiated",
			len, n);
}

/* 5.1.6.5.2.1: "The device MUST update mac in config space before it
 * consumes the VIRTIO_NET_CTRL_MAC_ADDR_SET command"; the ack itself is
 * not normative (5.1.6.5: "the device sets the ack byte"). */
void vlp_extype_mac_set(const uint8_t set[6], const uint8_t after[6], uint8_t ack,
			struct vlp_extype_verdict *v)
{
	if (memcmp(set, after, 6))
		verdict(v, true, VLP_SEV_ERROR,
			"VIRTIO_NET_CTRL_MAC_ADDR_SET %02x:%02x:%02x:%02x:%02x:%02x used (ack %u), mac reads %02x:%02x:%02x:%02x:%02x:%02x",
			set[0], set[1], set[2], set[3], set[4], set[5], ack, after[0], after[1],
			after[2], after[3], after[4], after[5]);
	else if (ack != VLP_NET_OK)
		verdict(v, true, VLP_SEV_INFO,
			"VIRTIO_NET_CTRL_MAC_ADDR_SET %02x:%02x:%02x:%02x:%02x:%02x (the device's own mac): ack %u, not VIRTIO_NET_OK",
			set[0], set[1], set[2], set[3], set[4], set[5], ack);
	else
		passed(v);
}

/* 5.3.5.1: "The device MUST allow a write to emerg_wr, even on an
 * unconfigured device": the writes leave it as it was (status 0). */
void vlp_extype_emerg_write(uint64_t status, struct vlp_extype_verdict *v)
{
	if (status)
		verdict(v, true, VLP_SEV_ERROR,
			"device_status reads 0x%02" PRIx64
			" after %zu writes to emerg_wr on the unconfigured device (status 0)",
			status, strlen(EMERG_LINE));
	else
		passed(v);
}

/* 5.6.4.2: "On reset, the device MUST set sense_size to 96 and cdb_size to
 * 32." */
void vlp_extype_scsi_sizes(uint64_t sense, uint64_t cdb, const uint64_t *wrote,
			   struct vlp_extype_verdict *v)
{
	bool defaults = sense == VLP_SCSI_SENSE_DEFAULT && cdb == VLP_SCSI_CDB_DEFAULT;

	if (!defaults && wrote)
		verdict(v, true, VLP_SEV_ERROR,
			"after a reset sense_size reads %" PRIu64 ", cdb_size %" PRIu64
			" (the driver had written %" PRIu64 " and %" PRIu64 ")",
			sense, cdb, wrote[0], wrote[1]);
	else if (!defaults)
		verdict(v, true, VLP_SEV_ERROR,
			"after a reset sense_size reads %" PRIu64 ", cdb_size %" PRIu64, sense, cdb);
	else if (wrote)
		passed(v);
	else {
		/* The defaults after a reset, but nothing had changed them:
		 * what the reset does is not seen. */
		memset(v, 0, sizeof(*v));
		v->not_run = true;
		snprintf(v->evidence, sizeof(v->evidence),
			 "needs --config-writes: sense_size %u and cdb_size %u after a reset, but not "
			 "changed before it (QEMU's vhost-scsi and vhost-user-scsi end the VM on a change)",
			 (unsigned)VLP_SCSI_SENSE_DEFAULT, (unsigned)VLP_SCSI_CDB_DEFAULT);
	}
}

/* 5.6.6.1.1: VIRTIO_SCSI_S_BAD_TARGET "if the request was never processed
 * because the target indicated by lun does not exist". */
void vlp_extype_bad_target(unsigned target, uint8_t response, struct vlp_extype_verdict *v)
{
	if (response == VLP_SCSI_S_BAD_TARGET) {
		passed(v);
		return;
	}
	if (response == VLP_SCSI_S_OK) {
		memset(v, 0, sizeof(*v));
		v->not_run = true;
		snprintf(v->evidence, sizeof(v->evidence),
			 "target %u answered VIRTIO_SCSI_S_OK: it exists (no absent target tried)",
			 target);
		return;
	}
	verdict(v, true, VLP_SEV_ERROR,
		"TEST UNIT READY to absent target %u: response %u, not VIRTIO_SCSI_S_BAD_TARGET (%u)",
		target, response, VLP_SCSI_S_BAD_TARGET);
}

/* 2.1.2: "If DRIVER_OK is set, after it sets DEVICE_NEEDS_RESET, the
 * device MUST send a device configuration change notification to the
 * driver." */
void vlp_extype_needs_reset(uint64_t status, int config_pending, int isr, struct vlp_extype_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (!(status & S_NEEDS_RESET)) {
		v->not_run = true;
		snprintf(v->evidence, sizeof(v->evidence),
			 "DEVICE_NEEDS_RESET not seen set (no harmless request makes a device need a reset)");
		return;
	}
	if (!(status & S_DRIVER_OK)) {
		v->not_run = true;
		snprintf(v->evidence, sizeof(v->evidence),
			 "DEVICE_NEEDS_RESET without DRIVER_OK (device_status 0x%02" PRIx64
			 "): no notification is required",
			 status);
		return;
	}
	if (config_pending == 1 || (isr >= 0 && (isr >> VLP_ISR_CONFIG_INTERRUPT & 1)))
		return;
	verdict(v, true, VLP_SEV_ERROR,
		"device_status 0x%02" PRIx64 " (DRIVER_OK, DEVICE_NEEDS_RESET): %s", status,
		config_pending == 0 ? "the configuration vector's pending bit stayed 0"
				    : "the ISR's configuration change bit stayed 0");
}

/* ------------------------------------------------------------ running */

static void decide(struct ex *x, enum ex_row k, const struct vlp_extype_verdict *v, const char *where)
{
	if (v->not_run)
		ex_not_run(x, k, "%s", v->evidence);
	else if (v->failed)
		ex_fail(x, k, v->severity, where, "%s", v->evidence);
	else
		ex_ran(x, k);
}

static int device_field(struct ex *x, unsigned row, int element, uint64_t *v)
{
	struct vlp_reg reg;
	int err = vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_DEVICE, row, &reg);

	if (err)
		return err;
	reg.element = element;
	return vlp_reg_read(x->r.ctx, x->dev, x->l, &reg, NULL, 0, v);
}

static int device_write(struct ex *x, unsigned row, uint64_t v)
{
	struct vlp_reg reg;
	int err = vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_DEVICE, row, &reg);

	return err ? err : vlp_reg_write(x->r.ctx, x->dev, x->l, &reg, NULL, v);
}

int ex_session_open(struct ex *x, const uint32_t words[VLP_FEATURE_WORDS], unsigned q,
		    unsigned vector, struct vlp_vqs **vqs, char *why, size_t whylen)
{
	const struct vlp_field *command = &vlp_pci_command_table()->fields[VLP_CMD_BUS_MASTER];
	const struct vlp_vq_info *info;
	uint64_t back = 0, size;
	uint32_t cmd;
	bool accepted = false;
	int err = 0;

	why[0] = '\0';
	if (vlp_vqs_open(x->r.ctx, x->dev, x->l, x->opts, vqs)) {
		snprintf(why, whylen, "%s", vlp_ctx_error(x->r.ctx));
		*vqs = NULL;
		return 0;
	}
	if (!x->msix &&
	    !(err = vlp_config_read(x->r.ctx, x->dev, command->offset, command->width, &cmd)))
		err = vlp_config_write(x->r.ctx, x->dev, command->offset, command->width,
				       cmd | CMD_INTX_DISABLE);
	if (!err)
		err = ex_negotiate(x, words, &accepted, &back);
	if (!err && !accepted) {
		snprintf(why, whylen, "FEATURES_OK refused for 0x%08" PRIx32 "%08" PRIx32, words[1],
			 words[0]);
		return 0;
	}
	for (unsigned i = 0; !err && i < x->nq; i++)
		if (!(err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, i, &size)) && size)
			err = vlp_drive_queue_setup(&x->d, *vqs, i, i == q ? x->session_qsize : 0,
						    &info);
	/* The configuration change event on vector 0, unless the queue has it. */
	if (!err && x->msix)
		err = ex_common_write(x, VLP_COMMON_CONFIG_MSIX_VECTOR, 0,
				      vector == 0 ? VLP_NO_VECTOR : 0);
	if (!err && x->msix && vector != VLP_NO_VECTOR) {
		uint64_t mapped = VLP_NO_VECTOR;

		if (!vlp_vqs_info(*vqs, q)) {
			snprintf(why, whylen, "queue %u is not available (queue_size 0)", q);
			return 0;
		}
		if ((err = ex_try_vector(x, VLP_COMMON_QUEUE_MSIX_VECTOR, q, vector, &mapped)))
			return err;
		if (mapped != vector) {
			snprintf(why, whylen,
				 "queue_msix_vector of queue %u did not take vector %u", q, vector);
			return 0;
		}
	}
	if (!err)
		err = vlp_drive_driver_ok(&x->d, &back);
	if (!err && (!(back & S_DRIVER_OK) || (back & S_NEEDS_RESET)))
		snprintf(why, whylen, "DRIVER_OK not kept (device_status 0x%02" PRIx64 ")", back);
	return err;
}

/* 2.1.2 after a session's requests: a device that set DEVICE_NEEDS_RESET
 * must have notified. */
static int observe_needs_reset(struct ex *x)
{
	struct vlp_extype_verdict v;
	uint64_t status, isr = 0;
	int pending = -1, err;
	uint32_t w;
	struct vlp_reg reg;

	if (x->decided[XR_NEEDS_RESET_NOTIFY] ||
	    (err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)))
		return 0;
	if (!(status & S_NEEDS_RESET))
		return 0;
	ex_sleep_ms(PENDING_MS);
	if (x->msix) {
		if ((err = ex_pba_word(x, 0, &w)))
			return err;
		pending = (int)(w & 1);
	} else if ((err = vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_ISR, VLP_ISR_ISR, &reg)) ||
		   (err = vlp_reg_read(x->r.ctx, x->dev, x->l, &reg, NULL, VLP_REG_READ_CLEARS, &isr))) {
		return err;
	}
	vlp_extype_needs_reset(status, pending, x->msix ? -1 : (int)isr, &v);
	decide(x, XR_NEEDS_RESET_NOTIFY, &v, chk_at_row(&x->r, VLP_COMMON_DEVICE_STATUS));
	return 0;
}

int ex_session_close(struct ex *x, struct vlp_vqs *vqs)
{
	int err = vqs ? observe_needs_reset(x) : 0;
	int cerr = vqs ? vlp_vqs_close(x->r.ctx, vqs, NULL) : 0;

	return err ? err : cerr;
}

/* One chain on queue q, kicked, waited for: *done when it was used. */
static int transfer(struct ex *x, struct vlp_vqs *vqs, unsigned q, const struct vlp_vq_seg *segs,
		    unsigned n, struct vlp_vq_used *u, bool *done)
{
	struct vlp_notify nt;
	unsigned id, waited;
	size_t got = 0;
	int err = vlp_vqs_post_chain(x->r.ctx, vqs, q, segs, n, &id);

	if (!err)
		err = vlp_vqs_kick(x->r.ctx, vqs, q, &nt);
	if (!err)
		err = vlp_vqs_poll(x->r.ctx, vqs, q, REQUEST_MS, u, 1, &got, &waited);
	*done = !err && got == 1 && u->nsegs == n;
	/* Unanswered, or a used ring the device broke (the ring checks judge
	 * that): not an error of the run. */
	return err == -ETIMEDOUT || err == -EPROTO ? 0 : err;
}

#define NO_ANSWER "the request was not used within 2000 ms"

/* A block request: header, len device-writable bytes (or data_len of
 * data device-readable), the status byte.  *status 0xff when unanswered. */
static int blk_request(struct ex *x, struct vlp_vqs *vqs, uint32_t type, uint64_t sector,
		       const uint8_t *data, size_t len, uint8_t *in, uint8_t *status)
{
	uint8_t hdr[VLP_SELFTEST_BLK_HDR];
	struct vlp_vq_seg segs[3] = { { false, hdr, sizeof(hdr), sizeof(hdr) } };
	struct vlp_vq_used u;
	unsigned n = 1;
	bool done;
	int err;

	vlp_selftest_blk_header(hdr, type, sector);
	if (len)
		segs[n++] = data ? (struct vlp_vq_seg){ false, data, len, len }
				 : (struct vlp_vq_seg){ true, NULL, 0, len };
	segs[n++] = (struct vlp_vq_seg){ true, NULL, 0, 1 };
	*status = 0xff;
	if ((err = transfer(x, vqs, VLP_BLK_REQUESTQ, segs, n, &u, &done)) || !done)
		return err;
	*status = u.seg_data[n - 1][0];
	if (in && len && !data)
		memcpy(in, u.seg_data[1], len);
	return 0;
}

/* 5.2.6.2: with VIRTIO_BLK_F_RO, a write of sector 0 (its bytes
 * inverted) refused and nothing written; a write the device made is
 * undone. */
static int blk_read_only(struct ex *x, struct vlp_vqs *vqs)
{
	uint8_t before[VLP_BLK_SECTOR], after[VLP_BLK_SECTOR], data[VLP_BLK_SECTOR], st, st2, st3;
	struct vlp_extype_verdict v;
	int err;

	if (!vlp_feature_on(x->offered, VLP_BLK_F_RO)) {
		ex_not_run(x, XR_BLK_READ_ONLY,
			   "VIRTIO_BLK_F_RO not offered: a writable medium is not written");
		return 0;
	}
	if (!x->media_writes) {
		ex_not_run(x, XR_BLK_READ_ONLY, "needs --media-writes: writes to the medium");
		return 0;
	}
	if ((err = blk_request(x, vqs, VLP_BLK_T_IN, 0, NULL, sizeof(before), before, &st)))
		return err;
	if (st != VLP_BLK_S_OK) {
		ex_not_run(x, XR_BLK_READ_ONLY, "sector 0 could not be read first (status %u)", st);
		return 0;
	}
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)~before[i];
	if ((err = blk_request(x, vqs, VLP_BLK_T_OUT, 0, data, sizeof(data), NULL, &st)) ||
	    (err = blk_request(x, vqs, VLP_BLK_T_IN, 0, NULL, sizeof(after), after, &st2)))
		return err;
	if (st == 0xff || st2 != VLP_BLK_S_OK) {
		ex_not_run(x, XR_BLK_READ_ONLY, "%s",
			   st == 0xff ? "the write was not used within 2000 ms"
				      : "sector 0 could not be read back");
		return 0;
	}
	vlp_extype_ro_write(st, before, after, sizeof(before), &v);
	if (memcmp(before, after, sizeof(before))) {
		/* written: put the sector back */
		if ((err = blk_request(x, vqs, VLP_BLK_T_OUT, 0, before, sizeof(before), NULL, &st3)))
			return err;
		size_t len = strlen(v.evidence);
		snprintf(v.evidence + len, sizeof(v.evidence) - len,
			 "; sector 0 written back: status %u", st3);
	}
	decide(x, XR_BLK_READ_ONLY, &v, chk_at_queue(&x->r, VLP_BLK_REQUESTQ));
	return 0;
}

/* GET_ID, a type not defined, a read beyond capacity: expectations. */
static int blk_requests(struct ex *x, struct vlp_vqs *vqs)
{
	uint8_t id[VLP_BLK_ID_BYTES], sector[VLP_BLK_SECTOR], st;
	struct vlp_extype_verdict v;
	uint64_t cap = 0;
	int err;

	if ((err = blk_request(x, vqs, VLP_BLK_T_GET_ID, 0, NULL, sizeof(id), id, &st)))
		return err;
	if (st == 0xff)
		ex_not_run(x, XR_BLK_GET_ID, NO_ANSWER);
	vlp_extype_get_id(st, id, &v);
	decide(x, XR_BLK_GET_ID, &v, chk_at_queue(&x->r, VLP_BLK_REQUESTQ));
	if ((err = blk_request(x, vqs, BLK_T_UNKNOWN, 0, NULL, 0, NULL, &st)))
		return err;
	if (st == 0xff)
		ex_not_run(x, XR_BLK_UNSUPPORTED, NO_ANSWER);
	vlp_extype_unsupported(BLK_T_UNKNOWN, st, &v);
	decide(x, XR_BLK_UNSUPPORTED, &v, chk_at_queue(&x->r, VLP_BLK_REQUESTQ));
	if ((err = device_field(x, VLP_BLK_CAPACITY, -1, &cap)) ||
	    (err = blk_request(x, vqs, VLP_BLK_T_IN, cap, NULL, sizeof(sector), sector, &st)))
		return err;
	if (st == 0xff)
		ex_not_run(x, XR_BLK_OUT_OF_RANGE, NO_ANSWER);
	vlp_extype_out_of_range(cap, cap, st, &v);
	decide(x, XR_BLK_OUT_OF_RANGE, &v, chk_at_queue(&x->r, VLP_BLK_REQUESTQ));
	return blk_read_only(x, vqs);
}

static int blk_checks(struct ex *x)
{
	static const enum ex_row rows[] = { XR_BLK_READ_ONLY, XR_BLK_GET_ID, XR_BLK_UNSUPPORTED,
					    XR_BLK_OUT_OF_RANGE };
	uint32_t words[VLP_FEATURE_WORDS];
	struct vlp_extype_verdict v;
	struct vlp_vqs *vqs = NULL;
	char why[160];
	int err, cerr;

	vlp_extype_flush_wce(x->offered, &v);
	decide(x, XR_BLK_FLUSH_WCE, &v, chk_at_row(&x->r, VLP_COMMON_DEVICE_FEATURE));
	if (x->unresponsive) {
		for (size_t i = 0; i < VLP_ARRAY_SIZE(rows); i++)
			ex_not_run(x, rows[i], "%s", EX_UNRESPONSIVE);
		return 0;
	}
	memcpy(words, x->set, sizeof(words));
	if (vlp_feature_on(x->offered, VLP_BLK_F_RO))
		words[0] |= 1u << VLP_BLK_F_RO;
	err = ex_session_open(x, words, 0, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && why[0])
		for (size_t i = 0; i < VLP_ARRAY_SIZE(rows); i++)
			ex_not_run(x, rows[i], "%s", why);
	if (!err && !why[0])
		err = blk_requests(x, vqs);
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

/* 5.1.6.5.2.1: the device's own mac set through the control queue. */
static int net_mac_set(struct ex *x, struct vlp_vqs *vqs)
{
	uint8_t req[2 + 6] = { VLP_NET_CTRL_MAC, VLP_NET_CTRL_MAC_ADDR_SET }, after[6];
	struct vlp_vq_seg segs[2] = { { false, req, sizeof(req), sizeof(req) }, { true, NULL, 0, 1 } };
	struct vlp_extype_verdict v;
	struct vlp_vq_used u;
	uint64_t b;
	bool done;
	int err;

	for (int i = 0; i < 6; i++) {
		if ((err = device_field(x, VLP_NET_MAC, i, &b)))
			return err;
		req[2 + i] = (uint8_t)b;
	}
	if ((err = transfer(x, vqs, VLP_NET_CONTROLQ, segs, 2, &u, &done)))
		return err;
	if (!done) {
		ex_not_run(x, XR_NET_MAC_ADDR_SET, "the command was not used within 2000 ms");
		return 0;
	}
	for (int i = 0; i < 6; i++) {
		if ((err = device_field(x, VLP_NET_MAC, i, &b)))
			return err;
		after[i] = (uint8_t)b;
	}
	vlp_extype_mac_set(req + 2, after, u.seg_data[1][0], &v);
	decide(x, XR_NET_MAC_ADDR_SET, &v, chk_at_queue(&x->r, VLP_NET_CONTROLQ));
	return 0;
}

/* 5.1.6.4.1: receive buffers posted; a frame that arrives is judged.
 * Nothing is transmitted (a frame on the network is not harmless). */
static int net_receive(struct ex *x, struct vlp_vqs *vqs)
{
	struct vlp_extype_verdict v;
	struct vlp_vq_used u;
	struct vlp_notify nt;
	unsigned id, waited;
	size_t got = 0;
	int err = 0;

	for (unsigned i = 0; i < NET_RX_BUFS && !err; i++)
		err = vlp_vqs_post(x->r.ctx, vqs, VLP_NET_RECEIVEQ, true, NULL, 0, NET_RX_BUF, &id);
	if (!err)
		err = vlp_vqs_kick(x->r.ctx, vqs, VLP_NET_RECEIVEQ, &nt);
	if (!err)
		err = vlp_vqs_poll(x->r.ctx, vqs, VLP_NET_RECEIVEQ, NET_RX_MS, &u, 1, &got, &waited);
	if (err == -ETIMEDOUT || (!err && !got)) {
		ex_not_run(x, XR_NET_NUM_BUFFERS,
			   "no frame arrived within %u ms (the tool transmits nothing: a frame on the network is not harmless)",
			   NET_RX_MS);
		return 0;
	}
	if (err)
		return err;
	vlp_extype_num_buffers(u.data, u.len, &v);
	decide(x, XR_NET_NUM_BUFFERS, &v, chk_at_queue(&x->r, VLP_NET_RECEIVEQ));
	return 0;
}

static int net_checks(struct ex *x)
{
	const uint32_t need =
		1u << VLP_NET_F_MAC | 1u << VLP_NET_F_CTRL_VQ | 1u << VLP_NET_F_CTRL_MAC_ADDR;
	uint32_t words[VLP_FEATURE_WORDS];
	struct vlp_vqs *vqs = NULL;
	char why[160];
	int err, cerr;

	/* never VIRTIO_NET_F_MRG_RXBUF (num_buffers then must be 1) nor MQ */
	memcpy(words, x->set, sizeof(words));
	words[0] |= x->offered[0] & need;
	err = ex_session_open(x, words, 0, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && why[0]) {
		ex_not_run(x, XR_NET_NUM_BUFFERS, "%s", why);
		ex_not_run(x, XR_NET_MAC_ADDR_SET, "%s", why);
	}
	if (!err && !why[0]) {
		if ((x->offered[0] & need) != need)
			ex_not_run(x, XR_NET_MAC_ADDR_SET,
				   "needs VIRTIO_NET_F_MAC, _CTRL_VQ and _CTRL_MAC_ADDR offered (device_feature 0x%08" PRIx32
				   ")",
				   x->offered[0]);
		else
			err = net_mac_set(x, vqs);
		if (!err)
			err = net_receive(x, vqs);
	}
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

/* 5.3.5.1: each byte of a line written to emerg_wr of the unconfigured
 * (reset) device. */
static int console_checks(struct ex *x)
{
	struct vlp_extype_verdict v;
	const char *line = EMERG_LINE;
	uint64_t status;
	int err;

	if (!vlp_feature_on(x->offered, VLP_CONSOLE_F_EMERG_WRITE)) {
		ex_not_run(x, XR_CONSOLE_EMERG_WRITE, "VIRTIO_CONSOLE_F_EMERG_WRITE not offered");
		return 0;
	}
	if ((err = vlp_drive_reset(&x->d, NULL)))
		return err;
	for (size_t i = 0; line[i]; i++)
		if ((err = device_write(x, VLP_CONSOLE_EMERG_WR, (uint8_t)line[i])))
			return err;
	if ((err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)))
		return err;
	vlp_extype_emerg_write(status, &v);
	decide(x, XR_CONSOLE_EMERG_WRITE, &v, "device");
	return 0;
}

/* 5.6.4.2: other sizes written after FEATURES_OK (only with --config-writes:
 * QEMU's vhost_scsi_common_set_config answers a change with exit(1)), then a
 * reset; 5.6.6.1.1: TEST UNIT READY to the highest target, absent unless it
 * answers. */
static int scsi_checks(struct ex *x)
{
	uint64_t sense, cdb, wrote[2] = { 64, 16 }, max_target = SCSI_TARGET_MAX;
	struct ex_request tur;
	const char *none;
	struct vlp_extype_verdict v;
	struct vlp_vqs *vqs = NULL;
	struct vlp_vq_used u;
	unsigned target;
	bool accepted, done;
	char why[160];
	int err, cerr;

	if ((err = ex_negotiate(x, x->set, &accepted, NULL)))
		return err;
	if (x->config_writes && ((err = device_write(x, VLP_SCSI_SENSE_SIZE, wrote[0])) ||
				 (err = device_write(x, VLP_SCSI_CDB_SIZE, wrote[1])) ||
				 (err = device_field(x, VLP_SCSI_SENSE_SIZE, -1, &wrote[0])) ||
				 (err = device_field(x, VLP_SCSI_CDB_SIZE, -1, &wrote[1]))))
		return err;
	if ((err = vlp_drive_reset(&x->d, NULL)) ||
	    (err = device_field(x, VLP_SCSI_SENSE_SIZE, -1, &sense)) ||
	    (err = device_field(x, VLP_SCSI_CDB_SIZE, -1, &cdb)))
		return err;
	vlp_extype_scsi_sizes(sense, cdb, x->config_writes ? wrote : NULL, &v);
	decide(x, XR_SCSI_SIZES_RESET, &v, "device");
	/* the harmless request (TEST UNIT READY), sent to the highest target */
	if ((none = ex_request_of(x, &tur))) {
		ex_not_run(x, XR_SCSI_BAD_TARGET, "%s", none);
		return 0;
	}
	if ((err = device_field(x, VLP_SCSI_MAX_TARGET, -1, &max_target)))
		return err;
	target = max_target < SCSI_TARGET_MAX ? (unsigned)max_target : SCSI_TARGET_MAX;
	err = ex_session_open(x, x->set, tur.q, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && why[0])
		ex_not_run(x, XR_SCSI_BAD_TARGET, "%s", why);
	if (!err && !why[0]) {
		vlp_selftest_scsi_lun(tur.hdr, target, 0);
		err = transfer(x, vqs, tur.q, tur.segs, tur.nsegs, &u, &done);
		if (!err && !done)
			ex_not_run(x, XR_SCSI_BAD_TARGET, NO_ANSWER);
		if (!err && done) {
			vlp_extype_bad_target(target,
					      u.seg_data[tur.nsegs - 1][VLP_SCSI_RESP_RESPONSE], &v);
			decide(x, XR_SCSI_BAD_TARGET, &v, chk_at_queue(&x->r, tur.q));
		}
	}
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

static const struct {
	enum ex_row row;
	unsigned type;
} typed[] = {
	{ XR_BLK_FLUSH_WCE, VLP_ID_BLOCK },    { XR_BLK_READ_ONLY, VLP_ID_BLOCK },
	{ XR_BLK_GET_ID, VLP_ID_BLOCK },       { XR_BLK_UNSUPPORTED, VLP_ID_BLOCK },
	{ XR_BLK_OUT_OF_RANGE, VLP_ID_BLOCK }, { XR_NET_NUM_BUFFERS, VLP_ID_NET },
	{ XR_NET_MAC_ADDR_SET, VLP_ID_NET },   { XR_CONSOLE_EMERG_WRITE, VLP_ID_CONSOLE },
	{ XR_SCSI_SIZES_RESET, VLP_ID_SCSI },  { XR_SCSI_BAD_TARGET, VLP_ID_SCSI },
};

int ex_types(struct ex *x)
{
	unsigned type = (unsigned)x->l->virtio.device_type.value;
	int err = 0;

	for (size_t i = 0; i < VLP_ARRAY_SIZE(typed); i++)
		if (typed[i].type != type)
			ex_not_run(x, typed[i].row, "not a %s device",
				   typed[i].type == VLP_ID_BLOCK  ? "block"
				   : typed[i].type == VLP_ID_NET  ? "network"
				   : typed[i].type == VLP_ID_SCSI ? "SCSI host"
								  : "console");
	switch (type) {
	case VLP_ID_BLOCK:
		err = blk_checks(x);
		break;
	case VLP_ID_NET:
		err = net_checks(x);
		break;
	case VLP_ID_CONSOLE:
		err = console_checks(x);
		break;
	case VLP_ID_SCSI:
		err = scsi_checks(x);
		break;
	}
	if (!err)
		err = observe_needs_reset(x);
	/* With --hostile the malformed chains may still make it set. */
	if (!err && !x->decided[XR_NEEDS_RESET_NOTIFY] && !x->hostile) {
		struct vlp_extype_verdict v;

		vlp_extype_needs_reset(0, -1, -1, &v);
		decide(x, XR_NEEDS_RESET_NOTIFY, &v, NULL);
	}
	return err ? err : vlp_drive_reset(&x->d, NULL);
}
