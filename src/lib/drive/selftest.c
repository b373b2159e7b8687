/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Does the device work at all, without its driver?  The driver's
 * initialization (3.1.1) up to DRIVER_OK with every queue set up in
 * user-space memory (vq.c), then the test of the device's type from one
 * table (what its chapter 5 section makes possible), then a reset read
 * back as 0 before the memory goes (vlp_vqs_close), on every path.
 * Each step is recorded with its outcome; nothing is printed here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* The block test's step that checks the capacity the config reports. */
#define STEP_CAPACITY "capacity check"

#define POLL_MS 2000 /* how long a request may take */

/* The queues, requests and answers: vlp/spec.h. */
#define NET_FRAME_LEN 60u /* Ethernet's shortest frame, without its FCS */
#define SCSI_TARGETS_MAX 256

struct run {
	struct vlp_ctx *ctx;
	struct vlp_device *dev;
	const struct vlp_layout *l;
	struct vlp_vqs *vqs;
	uint32_t drv[VLP_FEATURE_WORDS]; /* the accepted features */
	struct vlp_selftest_result *out;
	unsigned scsi_cdb_size, scsi_sense_size, scsi_tag;
};

static bool step(struct run *r, const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool step(struct run *r, const char *name, bool ok, const char *fmt, ...)
{
	struct vlp_selftest_result *o = r->out;
	struct vlp_selftest_step *s;
	va_list ap;

	if (!ok)
		o->ok = false;
	if (o->nsteps >= VLP_SELFTEST_STEPS_MAX)
		return ok;
	s = &o->steps[o->nsteps++];
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->ok = ok;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
	return ok;
}

/* A failed library call as a failed step: its message is the detail. */
static bool lib_step(struct run *r, const char *name)
{
	return step(r, name, false, "%s", vlp_ctx_error(r->ctx));
}

void vlp_selftest_hex(char *buf, size_t len, const uint8_t *data, size_t n)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; i < n && 2 * i + 2 < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", data[i]);
	buf[2 * i] = '\0';
}

/* ------------------------------------------------------------ one request */

/* Posts one buffer on queue q, notifies, and waits for it to be used. */
static int transfer(struct run *r, unsigned q, bool device_writable, const void *data,
		    size_t data_len, size_t len, struct vlp_vq_used *u)
{
	struct vlp_notify n;
	unsigned id, waited;
	size_t got = 0;
	int err;

	err = vlp_vqs_post(r->ctx, r->vqs, q, device_writable, data, data_len, len, &id);
	if (!err)
		err = vlp_vqs_kick(r->ctx, r->vqs, q, &n);
	if (!err)
		err = vlp_vqs_poll(r->ctx, r->vqs, q, POLL_MS, u, 1, &got, &waited);
	if (!err && (got != 1 || u->id != id))
		err = vlp_error(r->ctx, EPROTO,
				"queue %u: the device used another buffer (id %u, posted %u)", q,
				u->id, id);
	if (!err && u->len_exceeds)
		err = vlp_error(r->ctx, EPROTO,
				"queue %u: used length %" PRIu32
				" exceeds what the buffer allows (2.7.8.1)",
				q, u->len);
	return err;
}

/* ------------------------------------------------------------ per type */

/* 5.4: each buffer in requestq is filled with random bytes. */
static void test_entropy(struct run *r)
{
	struct vlp_selftest_result *o = r->out;
	char hex[2 * VLP_SELFTEST_READ_LEN + 1];
	struct vlp_vq_used u;

	for (unsigned i = 0; i < 2; i++) {
		char name[16];

		snprintf(name, sizeof(name), "read %u", i + 1);
		if (transfer(r, VLP_ENTROPY_REQUESTQ, true, NULL, 0, VLP_SELFTEST_READ_LEN, &u)) {
			lib_step(r, name);
			return;
		}
		if (u.len != VLP_SELFTEST_READ_LEN) {
			step(r, name, false, "%" PRIu32 " bytes returned, %u asked for", u.len,
			     VLP_SELFTEST_READ_LEN);
			return;
		}
		memcpy(o->reads[i], u.data, VLP_SELFTEST_READ_LEN);
		o->nreads++;
		vlp_selftest_hex(hex, sizeof(hex), o->reads[i], VLP_SELFTEST_READ_LEN);
		step(r, name, true, "%u bytes: %s", VLP_SELFTEST_READ_LEN, hex);
	}
	if (memcmp(o->reads[0], o->reads[1], VLP_SELFTEST_READ_LEN))
		step(r, "reads differ", true, "the two reads differ");
	else
		step(r, "reads differ", false, "the two reads are equal: not random");
}

/* 5.2.6: struct virtio_blk_req's header: le32 type, le32 reserved, le64
 * sector (in 512-byte units whatever blk_size says). */
void vlp_selftest_blk_header(uint8_t hdr[VLP_SELFTEST_BLK_HDR], uint32_t type, uint64_t sector)
{
	for (unsigned i = 0; i < 4; i++) {
		hdr[i] = (uint8_t)(type >> (8 * i));
		hdr[4 + i] = 0;
	}
	for (unsigned i = 0; i < 8; i++)
		hdr[8 + i] = (uint8_t)(sector >> (8 * i));
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
	return "an undefined status";
}

/* Posts a chain on queue q, notifies, waits for it to be used; u then
 * holds every buffer of it. */
static int chain_transfer(struct run *r, unsigned q, const struct vlp_vq_seg *segs, unsigned n,
			  struct vlp_vq_used *u)
{
	size_t writable = 0, got = 0;
	struct vlp_notify nt;
	unsigned id, waited;
	int err;

	for (unsigned i = 0; i < n; i++)
		writable += segs[i].device_writable ? segs[i].len : 0;
	err = vlp_vqs_post_chain(r->ctx, r->vqs, q, segs, n, &id);
	if (!err)
		err = vlp_vqs_kick(r->ctx, r->vqs, q, &nt);
	if (!err)
		err = vlp_vqs_poll(r->ctx, r->vqs, q, POLL_MS, u, 1, &got, &waited);
	if (err)
		return err;
	if (got != 1 || u->id != id || u->nsegs != n)
		return vlp_error(r->ctx, EPROTO,
				 "queue %u: the device used another buffer (id %u, posted %u)", q,
				 u->id, id);
	if (u->len_exceeds)
		return vlp_error(r->ctx, EPROTO,
				 "queue %u: used length %" PRIu32
				 " exceeds the %zu writable bytes (2.7.8.1)",
				 q, u->len, writable);
	return 0;
}

/* One request (5.2.6): the header device-readable, then len bytes and the
 * status byte device-writable, as one chain.  *status, and data copied. */
static int blk_request(struct run *r, uint32_t type, uint64_t sector, uint8_t *data, size_t len,
		       uint8_t *status)
{
	uint8_t hdr[VLP_SELFTEST_BLK_HDR];
	struct vlp_vq_seg segs[3] = {
		{ false, hdr, sizeof(hdr), sizeof(hdr) },
		{ true, NULL, 0, len },
		{ true, NULL, 0, 1 },
	};
	struct vlp_vq_used u;
	int err;

	vlp_selftest_blk_header(hdr, type, sector);
	err = chain_transfer(r, VLP_BLK_REQUESTQ, segs, 3, &u);
	if (err)
		return err;
	*status = u.seg_data[2][0];
	memcpy(data, u.seg_data[1], len);
	return 0;
}

/* 5.2: sector 0, the device ID, and the capacity of the configuration
 * checked at its end: the last sector reads, the one after it does not. */
static void test_block(struct run *r)
{
	struct vlp_selftest_result *o = r->out;
	uint8_t buf[VLP_BLK_SECTOR], status = 0xff;
	uint64_t cap = 0;
	struct vlp_reg reg;
	size_t n;

	if (blk_request(r, VLP_BLK_T_IN, 0, o->sector0, VLP_BLK_SECTOR, &status)) {
		lib_step(r, "read sector 0");
	} else if (status != VLP_BLK_S_OK) {
		step(r, "read sector 0", false, "VIRTIO_BLK_T_IN: status %u (%s)", status,
		     blk_status_name(status));
	} else {
		o->has_sector0 = true;
		step(r, "read sector 0", true, "VIRTIO_BLK_T_IN: %u bytes, VIRTIO_BLK_S_OK",
		     VLP_BLK_SECTOR);
	}
	memset(buf, 0, sizeof(buf));
	if (blk_request(r, VLP_BLK_T_GET_ID, 0, buf, VLP_BLK_ID_BYTES, &status)) {
		lib_step(r, "get id");
	} else if (status != VLP_BLK_S_OK) {
		step(r, "get id", false, "VIRTIO_BLK_T_GET_ID: status %u (%s)", status,
		     blk_status_name(status));
	} else {
		/* 5.2.6: NUL-terminated unless it fills all 20 bytes. */
		for (n = 0; n < VLP_BLK_ID_BYTES && buf[n]; n++)
			o->id[n] = (char)(buf[n] >= 0x20 && buf[n] < 0x7f ? buf[n] : '?');
		o->id[n] = '\0';
		o->has_id = true;
		step(r, "get id", true, "VIRTIO_BLK_T_GET_ID: \"%s\"", o->id);
	}
	if (vlp_reg_row(r->ctx, r->l, VLP_BLOCK_DEVICE, VLP_BLK_CAPACITY, &reg) ||
	    vlp_reg_read(r->ctx, r->dev, r->l, &reg, NULL, 0, &cap)) {
		lib_step(r, STEP_CAPACITY);
		return;
	}
	o->capacity = cap;
	if (cap == 0) {
		step(r, STEP_CAPACITY, true, "0 sectors: nothing to read");
		return;
	}
	if (blk_request(r, VLP_BLK_T_IN, cap - 1, buf, VLP_BLK_SECTOR, &status)) {
		lib_step(r, STEP_CAPACITY);
		return;
	}
	if (status != VLP_BLK_S_OK) {
		step(r, STEP_CAPACITY, false,
		     "the last sector %" PRIu64 " of capacity %" PRIu64 ": status %u (%s)", cap - 1,
		     cap, status, blk_status_name(status));
		return;
	}
	if (blk_request(r, VLP_BLK_T_IN, cap, buf, VLP_BLK_SECTOR, &status)) {
		lib_step(r, STEP_CAPACITY);
		return;
	}
	if (status == VLP_BLK_S_OK)
		step(r, STEP_CAPACITY, false,
		     "sector %" PRIu64 ", past the capacity of %" PRIu64 " sectors, read as well",
		     cap, cap);
	else
		step(r, STEP_CAPACITY, true,
		     "%" PRIu64 " sectors: sector %" PRIu64 " reads, sector %" PRIu64
		     " is refused (%s)",
		     cap, cap - 1, cap, blk_status_name(status));
}

/* 5.3.6: without VIRTIO_CONSOLE_F_MULTIPORT, port 0's output goes through
 * transmitq; the emergency write (5.3.4) outputs one character per write
 * of emerg_wr, only when VIRTIO_CONSOLE_F_EMERG_WRITE was negotiated. */
static void test_console(struct run *r)
{
	struct vlp_selftest_result *o = r->out;
	struct vlp_vq_used u;
	struct vlp_reg reg;
	size_t len;

	snprintf(o->written, sizeof(o->written), "%s", VLP_SELFTEST_CONSOLE_LINE);
	len = strlen(o->written);
	if (transfer(r, VLP_CONSOLE_TRANSMITQ, false, o->written, len, len, &u)) {
		lib_step(r, "transmitq");
		o->written[0] = '\0';
		return;
	}
	step(r, "transmitq", true, "%zu bytes written to port 0 and used by the device", len);
	if (!vlp_feature_on(r->drv, VLP_CONSOLE_F_EMERG_WRITE)) {
		step(r, "emergency write", true, "skipped: VIRTIO_CONSOLE_F_EMERG_WRITE not offered");
		return;
	}
	if (vlp_reg_row(r->ctx, r->l, VLP_BLOCK_DEVICE, VLP_CONSOLE_EMERG_WR, &reg)) {
		lib_step(r, "emergency write");
		return;
	}
	len = strlen(VLP_SELFTEST_EMERG_LINE);
	for (size_t i = 0; i < len; i++)
		if (vlp_reg_write(r->ctx, r->dev, r->l, &reg, NULL,
				  (uint8_t)VLP_SELFTEST_EMERG_LINE[i])) {
			lib_step(r, "emergency write");
			return;
		}
	snprintf(o->emerg_written, sizeof(o->emerg_written), "%s", VLP_SELFTEST_EMERG_LINE);
	step(r, "emergency write", true, "%zu characters written to emerg_wr", len);
}

/* ------------------------------------------------------------ SCSI */

void vlp_selftest_scsi_lun(uint8_t lun[8], unsigned target, unsigned l)
{
	/* 5.6.6.1: 1, the target, then the LUN in the single-level (flat)
	 * format of SAM: 0x40 | bits 8-13, bits 0-7; the rest 0. */
	memset(lun, 0, 8);
	lun[0] = 1;
	lun[1] = (uint8_t)target;
	lun[2] = (uint8_t)(0x40 | (l >> 8 & 0x3f));
	lun[3] = (uint8_t)l;
}

static const char *scsi_response_name(uint8_t v)
{
	static const char *const names[] = {
		"VIRTIO_SCSI_S_OK",
		"VIRTIO_SCSI_S_OVERRUN",
		"VIRTIO_SCSI_S_ABORTED",
		"VIRTIO_SCSI_S_BAD_TARGET",
		"VIRTIO_SCSI_S_RESET",
		"VIRTIO_SCSI_S_BUSY",
		"VIRTIO_SCSI_S_TRANSPORT_FAILURE",
		"VIRTIO_SCSI_S_TARGET_FAILURE",
		"VIRTIO_SCSI_S_NEXUS_FAILURE",
		"VIRTIO_SCSI_S_FAILURE",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "an undefined response";
}

struct scsi_answer {
	uint8_t response, status;
	uint8_t sense_key, asc, ascq; /* from the sense data when given */
	uint8_t data[VLP_SCSI_INQUIRY_LEN];
};

/* 5.6.6: struct virtio_scsi_req_cmd (lun, id, task_attr, prio, crn, cdb of
 * cdb_size) device-readable; struct virtio_scsi_resp_cmd (sense_len,
 * residual, status_qualifier, status, response, sense of sense_size) and
 * the data-in buffer device-writable. */
static int scsi_command(struct run *r, unsigned target, const uint8_t *cdb, size_t cdb_len,
			size_t data_len, struct scsi_answer *a)
{
	uint8_t req[VLP_SCSI_REQ_HDR + VLP_SCSI_CDB_MAX];
	size_t req_len = VLP_SCSI_REQ_HDR + r->scsi_cdb_size;
	struct vlp_vq_seg segs[3] = {
		{ false, req, req_len, req_len },
		{ true, NULL, 0, VLP_SCSI_RESP_HDR + r->scsi_sense_size },
		{ true, NULL, 0, data_len },
	};
	struct vlp_vq_used u;
	const uint8_t *resp, *sense;
	uint32_t sense_len;
	int err;

	memset(req, 0, sizeof(req));
	memset(a, 0, sizeof(*a));
	vlp_selftest_scsi_lun(req, target, 0);
	req[8] = (uint8_t)(++r->scsi_tag); /* the command's id, little-endian */
	memcpy(req + VLP_SCSI_REQ_HDR, cdb, cdb_len);
	err = chain_transfer(r, VLP_SCSI_REQUESTQ, segs, data_len ? 3 : 2, &u);
	if (err)
		return err;
	resp = u.seg_data[1];
	a->status = resp[VLP_SCSI_RESP_STATUS];
	a->response = resp[VLP_SCSI_RESP_RESPONSE];
	sense_len = (uint32_t)resp[VLP_SCSI_RESP_SENSE_LEN] |
		    (uint32_t)resp[VLP_SCSI_RESP_SENSE_LEN + 1] << 8 |
		    (uint32_t)resp[VLP_SCSI_RESP_SENSE_LEN + 2] << 16 |
		    (uint32_t)resp[VLP_SCSI_RESP_SENSE_LEN + 3] << 24;
	sense = resp + VLP_SCSI_RESP_HDR;
	/* SPC sense data: fixed (0x70/0x71) or descriptor (0x72/0x73) format */
	if (sense_len >= 14 && (sense[0] & 0x7e) == 0x70) {
		a->sense_key = sense[2] & 0xf;
		a->asc = sense[12];
		a->ascq = sense[13];
	} else if (sense_len >= 4 && (sense[0] & 0x7e) == 0x72) {
		a->sense_key = sense[1] & 0xf;
		a->asc = sense[2];
		a->ascq = sense[3];
	}
	if (data_len)
		memcpy(a->data, u.seg_data[2], data_len < sizeof(a->data) ? data_len : sizeof(a->data));
	return 0;
}

static void scsi_text(char *to, const uint8_t *from, size_t n)
{
	size_t len = n;

	while (len && from[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < len; i++)
		to[i] = (char)(from[i] >= 0x20 && from[i] < 0x7f ? from[i] : '?');
	to[len] = '\0';
}

/* 5.6: INQUIRY on LUN 0 of each target up to max_target until one
 * answers, then TEST UNIT READY on it (a unit attention after the reset,
 * SPC's "power on, reset" condition, is reported and the command
 * repeated). */
static void test_scsi(struct run *r)
{
	static const uint8_t inquiry[6] = { VLP_SCSI_OP_INQUIRY, 0, 0, 0, VLP_SCSI_INQUIRY_LEN, 0 };
	static const uint8_t tur[6] = { VLP_SCSI_OP_TEST_UNIT_READY };
	struct vlp_selftest_result *o = r->out;
	struct scsi_answer a;
	uint64_t v = 0, max_target = 0;
	struct vlp_reg reg;
	unsigned t, tries;
	bool found = false;

	r->scsi_cdb_size = VLP_SCSI_CDB_DEFAULT; /* 5.6.4 */
	r->scsi_sense_size = VLP_SCSI_SENSE_DEFAULT;
	if (vlp_reg_row(r->ctx, r->l, VLP_BLOCK_DEVICE, VLP_SCSI_CDB_SIZE, &reg) == 0 &&
	    vlp_reg_read(r->ctx, r->dev, r->l, &reg, NULL, 0, &v) == 0 && v >= 6 &&
	    v <= VLP_SCSI_CDB_MAX)
		r->scsi_cdb_size = (unsigned)v;
	if (vlp_reg_row(r->ctx, r->l, VLP_BLOCK_DEVICE, VLP_SCSI_SENSE_SIZE, &reg) == 0 &&
	    vlp_reg_read(r->ctx, r->dev, r->l, &reg, NULL, 0, &v) == 0 && v >= 14 &&
	    v <= VLP_SCSI_SENSE_MAX)
		r->scsi_sense_size = (unsigned)v;
	if (vlp_reg_row(r->ctx, r->l, VLP_BLOCK_DEVICE, VLP_SCSI_MAX_TARGET, &reg) ||
	    vlp_reg_read(r->ctx, r->dev, r->l, &reg, NULL, 0, &max_target)) {
		lib_step(r, "inquiry");
		return;
	}
	if (max_target > SCSI_TARGETS_MAX - 1)
		max_target = SCSI_TARGETS_MAX - 1;
	for (t = 0; t <= max_target && !found; t++) {
		if (scsi_command(r, t, inquiry, sizeof(inquiry), VLP_SCSI_INQUIRY_LEN, &a)) {
			lib_step(r, "inquiry");
			return;
		}
		found = a.response == 0 && a.status == 0;
		if (!found && a.response != 3) { /* anything but VIRTIO_SCSI_S_BAD_TARGET */
			step(r, "inquiry", false, "target %u: %s, SCSI status 0x%02x", t,
			     scsi_response_name(a.response), a.status);
			return;
		}
	}
	if (!found) {
		step(r, "inquiry", false, "no target answered among 0-%" PRIu64 " (LUN 0)", max_target);
		return;
	}
	t--;
	o->has_scsi = true;
	o->scsi_target = t;
	scsi_text(o->scsi_vendor, a.data + 8, 8);
	scsi_text(o->scsi_product, a.data + 16, 16);
	step(r, "inquiry", true,
	     "target %u LUN 0: vendor \"%s\", product \"%s\", peripheral type 0x%02x", t,
	     o->scsi_vendor, o->scsi_product, a.data[0] & 0x1f);
	for (tries = 1; tries <= 3; tries++) {
		if (scsi_command(r, t, tur, sizeof(tur), 0, &a)) {
			lib_step(r, "test unit ready");
			return;
		}
		if (a.response || a.status != 0x02 || a.sense_key != 6) /* UNIT ATTENTION */
			break;
	}
	if (a.response == 0 && a.status == 0)
		step(r, "test unit ready", true, "GOOD%s",
		     tries > 1 ? " (after a unit attention)" : "");
	else
		step(r, "test unit ready", false,
		     "%s, SCSI status 0x%02x, sense key 0x%x, ASC/ASCQ 0x%02x/0x%02x",
		     scsi_response_name(a.response), a.status, a.sense_key, a.asc, a.ascq);
}

/* ------------------------------------------------------------ network */

size_t vlp_selftest_net_frame(uint8_t *buf, size_t len, const uint8_t mac[6])
{
	static const char payload[] = VLP_SELFTEST_NET_PAYLOAD;
	size_t n = VLP_NET_HDR_LEN + NET_FRAME_LEN;

	if (len < n)
		return 0;
	memset(buf, 0, n);
	/* 5.1.6: struct virtio_net_hdr, all 0 (no checksum or segmentation
	 * offload; num_buffers 0 on transmit), then the frame: broadcast
	 * destination, the source MAC, the local experimental EtherType
	 * 0x88b5 (IEEE 802), the payload, padded to the 60-byte minimum. */
	memset(buf + VLP_NET_HDR_LEN, 0xff, 6);
	memcpy(buf + VLP_NET_HDR_LEN + 6, mac, 6);
	buf[VLP_NET_HDR_LEN + 12] = 0x88;
	buf[VLP_NET_HDR_LEN + 13] = 0xb5;
	memcpy(buf + VLP_NET_HDR_LEN + 14, payload, sizeof(payload) - 1);
	return n;
}

/* 5.1.6.5: struct virtio_net_ctrl: class, command, data device-readable,
 * ack device-writable. */
static int net_ctrl(struct run *r, unsigned q, uint8_t cls, uint8_t cmd, uint8_t data, uint8_t *ack)
{
	uint8_t req[3] = { cls, cmd, data };
	struct vlp_vq_seg segs[2] = { { false, req, sizeof(req), sizeof(req) }, { true, NULL, 0, 1 } };
	struct vlp_vq_used u;
	int err = chain_transfer(r, q, segs, 2, &u);

	if (!err)
		*ack = u.seg_data[1][0];
	return err;
}

/* 5.1: with VIRTIO_NET_F_CTRL_VQ and _CTRL_RX offered, promiscuous mode
 * turned on and off again through the control queue, each acknowledged;
 * then one frame through transmitq0. */
static void test_net(struct run *r)
{
	struct vlp_selftest_result *o = r->out;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 }; /* locally administered */
	uint8_t frame[VLP_NET_HDR_LEN + NET_FRAME_LEN], ack = 0xff;
	struct vlp_vq_used u;
	struct vlp_reg reg;
	size_t n;

	if (!vlp_feature_on(r->drv, VLP_NET_F_CTRL_VQ) || !vlp_feature_on(r->drv, VLP_NET_F_CTRL_RX)) {
		step(r, "control queue", true,
		     "skipped: VIRTIO_NET_F_CTRL_VQ and VIRTIO_NET_F_CTRL_RX not both offered");
	} else {
		/* 5.1.2: without VIRTIO_NET_F_MQ the control queue is queue 2 */
		static const uint8_t modes[] = { 1, 0 };

		for (size_t i = 0; i < sizeof(modes); i++) {
			uint8_t on = modes[i];
			char name[24];

			snprintf(name, sizeof(name), "promisc %s", on ? "on" : "off");
			if (net_ctrl(r, VLP_NET_CONTROLQ, VLP_NET_CTRL_RX, VLP_NET_CTRL_RX_PROMISC,
				     on, &ack)) {
				lib_step(r, name);
				return;
			}
			if (ack != VLP_NET_OK) {
				step(r, name, false,
				     "VIRTIO_NET_CTRL_RX_PROMISC %u: ack %u (VIRTIO_NET_ERR)", on,
				     ack);
				return;
			}
			o->net_ctrl_acks++;
			step(r, name, true, "VIRTIO_NET_CTRL_RX_PROMISC %u: VIRTIO_NET_OK", on);
		}
	}
	if (vlp_feature_on(r->drv, VLP_NET_F_MAC))
		for (unsigned i = 0; i < 6; i++) {
			uint64_t v = 0;

			if (vlp_reg_row(r->ctx, r->l, VLP_BLOCK_DEVICE, VLP_NET_MAC, &reg)) {
				lib_step(r, "transmit");
				return;
			}
			reg.element = (int)i;
			if (vlp_reg_read(r->ctx, r->dev, r->l, &reg, NULL, 0, &v)) {
				lib_step(r, "transmit");
				return;
			}
			mac[i] = (uint8_t)v;
		}
	n = vlp_selftest_net_frame(frame, sizeof(frame), mac);
	if (transfer(r, VLP_NET_TRANSMITQ, false, frame, n, n, &u)) {
		lib_step(r, "transmit");
		return;
	}
	vlp_selftest_hex(o->net_frame_hex, sizeof(o->net_frame_hex), frame + VLP_NET_HDR_LEN,
			 NET_FRAME_LEN);
	step(r, "transmit", true,
	     "one %u-byte frame from %02x:%02x:%02x:%02x:%02x:%02x to ff:ff:ff:ff:ff:ff, EtherType 0x88b5, used by the device",
	     NET_FRAME_LEN, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* The per-type tests (chapter 5); a type not here gets initialization
 * and reset only. */
static const struct selftest_type {
	unsigned type;
	const char *test;
	uint32_t want_word0; /* device feature bits 0-31 the test accepts when offered */
	void (*run)(struct run *r);
	const char *const *requests; /* what run posts, for a dry run */
} TESTS[] = {
	{ VLP_ID_NET, "network",
	  1u << VLP_NET_F_MAC | 1u << VLP_NET_F_CTRL_VQ | 1u << VLP_NET_F_CTRL_RX, test_net,
	  (const char *const[]){
		  "controlq (queue 2, with VIRTIO_NET_F_CTRL_VQ and VIRTIO_NET_F_CTRL_RX): VIRTIO_NET_CTRL_RX_PROMISC on, then off (2 bytes + 1 byte device-writable ack each)",
		  "transmitq (queue 1): one 60-byte broadcast frame from the device's MAC after a 12-byte virtio_net_hdr",
		  NULL } },
	{ VLP_ID_ENTROPY, "entropy", 0, test_entropy,
	  (const char *const[]){ "requestq (queue 0): a 64-byte device-writable buffer",
				 "requestq (queue 0): a second 64-byte device-writable buffer", NULL } },
	{ VLP_ID_BLOCK, "block", 0, test_block,
	  (const char *const[]){
		  "requestq (queue 0): VIRTIO_BLK_T_IN sector 0 (16-byte header, 512 bytes + status byte device-writable)",
		  "requestq (queue 0): VIRTIO_BLK_T_GET_ID (20 bytes + status byte device-writable)",
		  "requestq (queue 0): VIRTIO_BLK_T_IN of the last sector (capacity - 1): VIRTIO_BLK_S_OK expected",
		  "requestq (queue 0): VIRTIO_BLK_T_IN of sector capacity: VIRTIO_BLK_S_IOERR expected",
		  NULL } },
	{ VLP_ID_CONSOLE, "console", 1u << VLP_CONSOLE_F_EMERG_WRITE, test_console,
	  (const char *const[]){
		  "transmitq (queue 1): the line \"virtio-lspci self-test: port 0 transmitq\"",
		  "emerg_wr (with VIRTIO_CONSOLE_F_EMERG_WRITE): each byte of \"virtio-lspci self-test: emergency write\"",
		  NULL } },
	{ VLP_ID_SCSI, "scsi", 0, test_scsi,
	  (const char *const[]){
		  "request queue (queue 2): INQUIRY (36 bytes) to LUN 0 of each target until one answers",
		  "request queue (queue 2): TEST UNIT READY to that target", NULL } },
};

static const struct selftest_type *test_of(unsigned type)
{
	for (size_t i = 0; i < sizeof(TESTS) / sizeof(TESTS[0]); i++)
		if (TESTS[i].type == type)
			return &TESTS[i];
	return NULL;
}

const char *vlp_selftest_test_name(unsigned device_type)
{
	const struct selftest_type *t = test_of(device_type);

	return t ? t->test : "init";
}

/* ------------------------------------------------------------ the sequence */

/* 3.1.1 steps 1-8 through the driving layer (drive.c); false when a step
 * failed (recorded).  A dry run takes the bits as read back: nothing was
 * written. */
static bool initialize(struct run *r, const struct selftest_type *t)
{
	const unsigned ack_drv = VLP_S_MASK(VLP_S_ACKNOWLEDGE) | VLP_S_MASK(VLP_S_DRIVER);
	uint32_t dev[VLP_FEATURE_WORDS];
	unsigned waited = 0, set = 0, unavailable = 0, sizes = 0;
	struct vlp_drive d;
	uint64_t back = 0;
	bool accepted;

	if (vlp_drive_begin(r->ctx, r->dev, r->l, &d) || vlp_drive_reset(&d, &waited))
		return lib_step(r, "reset");
	if (vlp_device_dry_run(r->dev))
		step(r, "reset", true, "device_status <- 0 (dry run: not written)");
	else
		step(r, "reset", true, "device_status reads back 0 after %u ms (4.1.4.3.2)", waited);
	if (vlp_drive_set_status(&d, VLP_S_ACKNOWLEDGE, &back) ||
	    vlp_drive_set_status(&d, VLP_S_DRIVER, &back))
		return lib_step(r, "acknowledge");
	if ((back & ack_drv) != ack_drv)
		return step(r, "acknowledge", false,
			    "device_status reads back 0x%02" PRIx64 " after ACKNOWLEDGE|DRIVER", back);
	step(r, "acknowledge", true, "ACKNOWLEDGE, DRIVER set (3.1.1 steps 2-3)%s",
	     r->out->dry_run ? " (dry run: not written)" : "");
	if (vlp_features_read(r->ctx, r->dev, r->l, false, dev))
		return lib_step(r, "features");
	/* 6.1: VIRTIO_F_VERSION_1 must be accepted; VIRTIO_F_ACCESS_PLATFORM is
	 * accepted when offered, since addresses are physical ones (no
	 * translating IOMMU: checked when the queues were opened).  No packed
	 * rings, no event index: the plain split ring suffices. */
	memset(r->drv, 0, sizeof(r->drv));
	r->drv[0] = dev[0] & (t ? t->want_word0 : 0);
	r->drv[1] = dev[1] & (1u << (VLP_F_VERSION_1 - 32) | 1u << (VLP_F_ACCESS_PLATFORM - 32));
	if (vlp_drive_write_features(&d, r->drv) || vlp_drive_features_ok(&d, &accepted, &back))
		return lib_step(r, "features");
	if (!accepted)
		return step(r, "features", false,
			    "FEATURES_OK not kept with features 0x%08" PRIx32 "%08" PRIx32
			    ": the device refuses them (3.1.1 step 6)",
			    r->drv[1], r->drv[0]);
	if (r->out->dry_run)
		step(r, "features", true,
		     "0x%08" PRIx32 "%08" PRIx32
		     " chosen from the offered ones, then FEATURES_OK (dry run: not written)",
		     r->drv[1], r->drv[0]);
	else
		step(r, "features", true,
		     "0x%08" PRIx32 "%08" PRIx32 " accepted, FEATURES_OK kept (3.1.1 steps 4-6)",
		     r->drv[1], r->drv[0]);
	/* Step 7: every queue the device has (4.1.5.1.3). */
	for (unsigned q = 0; q < vlp_vqs_count(r->vqs); q++) {
		const struct vlp_vq_info *info;
		uint64_t size = 0;

		if (vlp_drive_queue_size(&d, q, &size))
			return lib_step(r, "queues");
		if (size == 0) { /* not available */
			unavailable++;
			continue;
		}
		if (vlp_drive_queue_setup(&d, r->vqs, q, 0, &info))
			return lib_step(r, "queues");
		set++;
		sizes = info->size;
		if (r->out->dry_run && r->out->nplan < VLP_SELFTEST_PLAN_MAX)
			r->out->plan[r->out->nplan] =
				(struct vlp_selftest_plan){ .queue = q, .info = *info };
		r->out->nplan += r->out->dry_run;
	}
	if (!set)
		step(r, "queues", vlp_vqs_count(r->vqs) == 0, "no queue available (num_queues %u)",
		     vlp_vqs_count(r->vqs));
	else
		step(r, "queues", true, "%u of %u set up (split rings, last of size %u)%s", set,
		     vlp_vqs_count(r->vqs), sizes,
		     unavailable ? "; the others have queue_size 0" : "");
	if (vlp_drive_driver_ok(&d, &back))
		return lib_step(r, "DRIVER_OK");
	if (back & VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET) || !(back & VLP_S_MASK(VLP_S_DRIVER_OK)))
		return step(r, "DRIVER_OK", false, "device_status reads back 0x%02" PRIx64 "%s", back,
			    back & VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET) ? ": DEVICE_NEEDS_RESET (2.1.2)"
									: "");
	if (r->out->dry_run)
		return step(r, "DRIVER_OK", true,
			    "device_status <- 0x%02" PRIx64 " (dry run: not written)", back);
	return step(r, "DRIVER_OK", true, "device_status reads back 0x%02" PRIx64 " (3.1.1 step 8)",
		    back);
}

int vlp_selftest(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		 const struct vlp_vqs_opts *opts, struct vlp_selftest_result *out)
{
	const struct selftest_type *t = test_of((unsigned)l->virtio.device_type.value);
	struct run r = { .ctx = ctx, .dev = dev, .l = l, .out = out };
	unsigned waited = 0;
	int err;

	memset(out, 0, sizeof(*out));
	out->device_type = (unsigned)l->virtio.device_type.value;
	out->test = t ? t->test : "init";
	out->dry_run = vlp_device_dry_run(dev);
	/* Every refusal (no write access, a dump, a translating IOMMU, no
	 * common configuration) comes from here, before anything is written
	 * except the Command register's bus mastering, after the checks. */
	err = vlp_vqs_open(ctx, dev, l, opts, &r.vqs);
	if (err)
		return err;
	out->ok = true;
	/* A dry run stops after DRIVER_OK: each request needs the device's
	 * answer.  What the test would post is named instead. */
	if (initialize(&r, t) && t) {
		if (out->dry_run)
			out->requests = t->requests;
		else
			t->run(&r);
	}
	/* 4.1.4.3.2: memory is freed only after the reset read back as 0. */
	if (vlp_vqs_close(ctx, r.vqs, &waited)) {
		lib_step(&r, "reset after");
	} else if (out->dry_run) {
		step(&r, "reset after", true,
		     "device_status <- 0 (dry run: not written); the plain memory freed");
	} else {
		out->left_reset = true;
		step(&r, "reset after", true,
		     "device_status reads back 0 after %u ms; then the queue memory was freed",
		     waited);
	}
	return 0;
}

/* ------------------------------------------------------------ rebind */

int vlp_selftest_rebind(struct vlp_ctx *ctx, const struct vlp_slot *slot, const char *sys_root,
			char *driver, size_t len)
{
	char path[512], name[32];
	FILE *f;

	snprintf(name, sizeof(name), "%04x:%02x:%02x.%x", (unsigned)slot->domain, slot->bus,
		 slot->dev, slot->func);
	/* The kernel matches the device against every driver again. */
	vlp_host_probe_path(path, sizeof(path), sys_root);
	f = fopen(path, "w");
	if (!f)
		return vlp_error(ctx, errno, "%s: %s", path, strerror(errno));
	if (fputs(name, f) < 0 || fclose(f))
		return vlp_error(ctx, errno ? errno : EIO, "%s <- %s: %s", path, name,
				 strerror(errno ? errno : EIO));
	if (!vlp_host_driver(sys_root, slot, driver, len))
		return vlp_error(ctx, ENODEV, "%s: no driver bound after drivers_probe", name);
	return 0;
}
