/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The per-type exercise checks' judgements (checkextypes.c), fed the
 * answers a compliant device gives and answers a faulty one gives: each
 * check seen failing, with its evidence; the expectations only as notes;
 * the registry rows they report under. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

#define S(bit) VLP_S_MASK(VLP_S_##bit)

static void assert_pass(const struct vlp_extype_verdict *v)
{
	assert_false(v->not_run);
	assert_false(v->failed);
}

static void assert_fail(const struct vlp_extype_verdict *v, enum vlp_severity sev, const char *evidence)
{
	assert_false(v->not_run);
	assert_true(v->failed);
	assert_int_equal(v->severity, sev);
	if (!strstr(v->evidence, evidence))
		fail_msg("evidence \"%s\" lacks \"%s\"", v->evidence, evidence);
}

static void test_flush_wce(void **state)
{
	uint32_t w[VLP_FEATURE_WORDS] = { 1u << VLP_BLK_F_FLUSH | 1u << VLP_BLK_F_CONFIG_WCE, 1 };
	struct vlp_extype_verdict v;

	(void)state;
	vlp_extype_flush_wce(w, &v);
	assert_pass(&v);
	w[0] = 1u << VLP_BLK_F_CONFIG_WCE; /* MUST broken */
	vlp_extype_flush_wce(w, &v);
	assert_fail(&v, VLP_SEV_ERROR,
		    "VIRTIO_BLK_F_CONFIG_WCE (bit 11) offered without VIRTIO_BLK_F_FLUSH");
	w[0] = 0; /* SHOULD broken */
	vlp_extype_flush_wce(w, &v);
	assert_fail(&v, VLP_SEV_WARNING, "VIRTIO_BLK_F_FLUSH (bit 9) not offered");
}

static void test_ro_write(void **state)
{
	uint8_t a[512], b[512];
	struct vlp_extype_verdict v;

	(void)state;
	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	vlp_extype_ro_write(VLP_BLK_S_IOERR, a, b, sizeof(a), &v);
	assert_pass(&v);
	vlp_extype_ro_write(VLP_BLK_S_OK, a, b, sizeof(a), &v);
	assert_fail(&v, VLP_SEV_ERROR, "status 0 (VIRTIO_BLK_S_OK), not VIRTIO_BLK_S_IOERR");
	b[3] = 0xa5; /* written although refused */
	vlp_extype_ro_write(VLP_BLK_S_IOERR, a, b, sizeof(a), &v);
	assert_fail(&v, VLP_SEV_ERROR,
		    "VIRTIO_BLK_S_IOERR, yet the data was written: byte 3 reads 0xa5, 0x5a before");
	vlp_extype_ro_write(VLP_BLK_S_OK, a, b, sizeof(a), &v);
	assert_fail(&v, VLP_SEV_ERROR, "and the data was written: byte 3");
}

static void test_expectations(void **state)
{
	uint8_t id[VLP_BLK_ID_BYTES] = "QM00001";
	struct vlp_extype_verdict v;

	(void)state;
	vlp_extype_get_id(VLP_BLK_S_OK, id, &v);
	assert_pass(&v);
	memcpy(id, "01234567890123456789", VLP_BLK_ID_BYTES); /* 20 bytes, no NUL */
	vlp_extype_get_id(VLP_BLK_S_OK, id, &v);
	assert_pass(&v);
	id[5] = 0;
	id[6] = 'x'; /* text after the padding */
	vlp_extype_get_id(VLP_BLK_S_OK, id, &v);
	assert_fail(&v, VLP_SEV_INFO, "expectation: VIRTIO_BLK_T_GET_ID answered 3031323334");
	vlp_extype_get_id(VLP_BLK_S_UNSUPP, id, &v);
	assert_fail(&v, VLP_SEV_INFO, "status 2 (VIRTIO_BLK_S_UNSUPP): no device ID");
	vlp_extype_unsupported(0x7e, VLP_BLK_S_UNSUPP, &v);
	assert_pass(&v);
	vlp_extype_unsupported(0x7e, VLP_BLK_S_OK, &v);
	assert_fail(&v, VLP_SEV_INFO, "request type 126 (not defined) answered status 0");
	vlp_extype_out_of_range(2048, 2048, VLP_BLK_S_IOERR, &v);
	assert_pass(&v);
	vlp_extype_out_of_range(2048, 2048, VLP_BLK_S_OK, &v);
	assert_fail(&v, VLP_SEV_INFO, "sector 2048 (capacity 2048 sectors) answered status 0");
}

static void test_num_buffers(void **state)
{
	uint8_t hdr[64] = { 0 };
	struct vlp_extype_verdict v;

	(void)state;
	hdr[10] = 1;
	vlp_extype_num_buffers(hdr, 60, &v);
	assert_pass(&v);
	hdr[10] = 0;
	vlp_extype_num_buffers(hdr, 60, &v);
	assert_fail(&v, VLP_SEV_ERROR, "a 60-byte packet with num_buffers 0");
	hdr[10] = 2;
	hdr[11] = 1;
	vlp_extype_num_buffers(hdr, 60, &v);
	assert_fail(&v, VLP_SEV_ERROR, "num_buffers 258");
	hdr[10] = 1;
	hdr[11] = 0;
	vlp_extype_num_buffers(hdr, 8, &v);
	assert_fail(&v, VLP_SEV_ERROR, "used length 8, shorter than struct virtio_net_hdr (12 bytes)");
}

static void test_mac_set(void **state)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, other[6] = { 2, 0, 0, 0, 0, 1 };
	struct vlp_extype_verdict v;

	(void)state;
	vlp_extype_mac_set(mac, mac, VLP_NET_OK, &v);
	assert_pass(&v);
	vlp_extype_mac_set(mac, other, VLP_NET_OK, &v);
	assert_fail(&v, VLP_SEV_ERROR, "52:54:00:12:34:56 used (ack 0), mac reads 02:00:00:00:00:01");
	vlp_extype_mac_set(mac, mac, 1, &v); /* the ack alone is not normative */
	assert_fail(&v, VLP_SEV_INFO, "ack 1, not VIRTIO_NET_OK");
}

static void test_emerg_write(void **state)
{
	struct vlp_extype_verdict v;

	(void)state;
	vlp_extype_emerg_write(0, &v);
	assert_pass(&v);
	vlp_extype_emerg_write(S(DEVICE_NEEDS_RESET), &v);
	assert_fail(&v, VLP_SEV_ERROR, "device_status reads 0x40 after");
}

static void test_scsi(void **state)
{
	const uint64_t wrote[2] = { 64, 16 };
	struct vlp_extype_verdict v;

	(void)state;
	vlp_extype_scsi_sizes(96, 32, wrote, &v);
	assert_pass(&v);
	vlp_extype_scsi_sizes(64, 32, wrote, &v); /* sense_size kept the driver's value */
	assert_fail(&v, VLP_SEV_ERROR,
		    "after a reset sense_size reads 64, cdb_size 32 (the driver had written 64 and 16)");
	/* without --config-writes: wrong defaults still fail; right ones are
	 * not a pass (nothing had changed them) */
	vlp_extype_scsi_sizes(96, 16, NULL, &v);
	assert_fail(&v, VLP_SEV_ERROR, "after a reset sense_size reads 96, cdb_size 16");
	vlp_extype_scsi_sizes(96, 32, NULL, &v);
	assert_true(v.not_run);
	assert_non_null(strstr(v.evidence, "needs --config-writes"));
	vlp_extype_bad_target(255, VLP_SCSI_S_BAD_TARGET, &v);
	assert_pass(&v);
	vlp_extype_bad_target(255, VLP_SCSI_S_FAILURE, &v);
	assert_fail(&v, VLP_SEV_ERROR,
		    "absent target 255: response 9, not VIRTIO_SCSI_S_BAD_TARGET (3)");
	vlp_extype_bad_target(255, VLP_SCSI_S_OK, &v);
	assert_true(v.not_run);
	assert_non_null(strstr(v.evidence, "it exists"));
}

static void test_needs_reset(void **state)
{
	uint64_t ok = S(ACKNOWLEDGE) | S(DRIVER) | S(FEATURES_OK) | S(DRIVER_OK);
	struct vlp_extype_verdict v;

	(void)state;
	vlp_extype_needs_reset(ok, 0, -1, &v);
	assert_true(v.not_run);
	vlp_extype_needs_reset(S(DEVICE_NEEDS_RESET) | S(FEATURES_OK), 0, -1, &v);
	assert_true(v.not_run);
	vlp_extype_needs_reset(ok | S(DEVICE_NEEDS_RESET), 1, -1, &v);
	assert_pass(&v);
	vlp_extype_needs_reset(ok | S(DEVICE_NEEDS_RESET), -1, 3, &v);
	assert_pass(&v);
	vlp_extype_needs_reset(ok | S(DEVICE_NEEDS_RESET), 0, -1, &v);
	assert_fail(&v, VLP_SEV_ERROR,
		    "device_status 0x4f (DRIVER_OK, DEVICE_NEEDS_RESET): the configuration vector's pending bit stayed 0");
	vlp_extype_needs_reset(ok | S(DEVICE_NEEDS_RESET), -1, 1, &v);
	assert_fail(&v, VLP_SEV_ERROR, "the ISR's configuration change bit stayed 0");
}

/* The rows: category exercise; the expectations are notes, the rest
 * errors, each with the section verified against the spec text. */
static void test_rows(void **state)
{
	static const struct {
		const char *id, *section;
		enum vlp_severity sev;
	} rows[] = {
		{ "exercise-blk-flush-wce", "5.2.5.2", VLP_SEV_ERROR },
		{ "exercise-blk-read-only", "5.2.6.2", VLP_SEV_ERROR },
		{ "exercise-blk-get-id", "5.2.6", VLP_SEV_INFO },
		{ "exercise-blk-unsupported", "5.2.6", VLP_SEV_INFO },
		{ "exercise-blk-out-of-range", "5.2.6", VLP_SEV_INFO },
		{ "exercise-net-num-buffers", "5.1.6.4.1", VLP_SEV_ERROR },
		{ "exercise-net-mac-addr-set", "5.1.6.5.2.1", VLP_SEV_ERROR },
		{ "exercise-console-emerg", "5.3.5.1", VLP_SEV_ERROR },
		{ "exercise-scsi-sizes-reset", "5.6.4.2", VLP_SEV_ERROR },
		{ "exercise-scsi-bad-target", "5.6.6.1.1", VLP_SEV_ERROR },
		{ "exercise-needs-reset", "2.1.2", VLP_SEV_ERROR },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct vlp_check *c = vlp_check_find(rows[i].id);

		assert_non_null(c);
		assert_string_equal(c->section, rows[i].section);
		assert_int_equal(c->severity, rows[i].sev);
		assert_int_equal(c->data, VLP_CHECK_EXERCISE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_wce),    cmocka_unit_test(test_ro_write),
		cmocka_unit_test(test_expectations), cmocka_unit_test(test_num_buffers),
		cmocka_unit_test(test_mac_set),      cmocka_unit_test(test_emerg_write),
		cmocka_unit_test(test_scsi),         cmocka_unit_test(test_needs_reset),
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
