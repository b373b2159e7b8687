/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The self-test's parts that run without hardware: the per-type table,
 * the block request header (5.2.6), chains of buffers in a split ring
 * (2.7.5, 2.7.4.2) written into plain memory and taken back, the hex
 * form, and the refusal on a snapshot (nothing written). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void test_table(void **state)
{
	(void)state;
	assert_string_equal(vlp_selftest_test_name(VLP_ID_ENTROPY), "entropy");
	assert_string_equal(vlp_selftest_test_name(VLP_ID_BLOCK), "block");
	assert_string_equal(vlp_selftest_test_name(VLP_ID_CONSOLE), "console");
	assert_string_equal(vlp_selftest_test_name(VLP_ID_SCSI), "scsi");
	assert_string_equal(vlp_selftest_test_name(VLP_ID_NET), "network");
	/* every other type: initialization and reset only */
	assert_string_equal(vlp_selftest_test_name(VLP_ID_BALLOON), "init");
	assert_string_equal(vlp_selftest_test_name(999), "init");
}

static void test_blk_header(void **state)
{
	uint8_t h[VLP_SELFTEST_BLK_HDR];
	static const uint8_t want[VLP_SELFTEST_BLK_HDR] = { 8,    0,    0,    0,    0,    0,
							    0,    0,    0xef, 0xcd, 0xab, 0x89,
							    0x67, 0x45, 0x23, 0x01 };

	(void)state;
	memset(h, 0xff, sizeof(h));
	/* le32 type (VIRTIO_BLK_T_GET_ID = 8), le32 reserved, le64 sector */
	vlp_selftest_blk_header(h, 8, 0x0123456789abcdefull);
	assert_memory_equal(h, want, sizeof(want));
}

static void test_scsi_lun(void **state)
{
	static const uint8_t t2[8] = { 1, 2, 0x40, 0, 0, 0, 0, 0 };
	static const uint8_t t255_lun300[8] = { 1, 255, 0x41, 0x2c, 0, 0, 0, 0 };
	uint8_t lun[8];

	(void)state;
	/* 5.6.6.1: 1, target, then the flat single-level LUN */
	vlp_selftest_scsi_lun(lun, 2, 0);
	assert_memory_equal(lun, t2, 8);
	vlp_selftest_scsi_lun(lun, 255, 300);
	assert_memory_equal(lun, t255_lun300, 8);
}

static void test_net_frame(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	static const uint8_t head[14] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52,
					  0x54, 0,    0x12, 0x34, 0x56, 0x88, 0xb5 };
	uint8_t buf[VLP_SELFTEST_NET_HDR + 60], zero[VLP_SELFTEST_NET_HDR] = { 0 };

	(void)state;
	assert_int_equal(vlp_selftest_net_frame(buf, sizeof(buf) - 1, mac), 0);
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(vlp_selftest_net_frame(buf, sizeof(buf), mac), sizeof(buf));
	/* the header all 0, then destination, source, EtherType, payload, padding */
	assert_memory_equal(buf, zero, sizeof(zero));
	assert_memory_equal(buf + VLP_SELFTEST_NET_HDR, head, sizeof(head));
	assert_memory_equal(buf + VLP_SELFTEST_NET_HDR + 14, VLP_SELFTEST_NET_PAYLOAD,
			    strlen(VLP_SELFTEST_NET_PAYLOAD));
	assert_int_equal(buf[sizeof(buf) - 1], 0);
}

static void test_hex(void **state)
{
	static const uint8_t d[] = { 0x00, 0x0f, 0xa5, 0xff };
	char buf[9], small[6];

	(void)state;
	vlp_selftest_hex(buf, sizeof(buf), d, sizeof(d));
	assert_string_equal(buf, "000fa5ff");
	/* cut to whole bytes that fit */
	vlp_selftest_hex(small, sizeof(small), d, sizeof(d));
	assert_string_equal(small, "000f");
}

/* A block request's chain: header out, data and status in (5.2.6). */
static void test_chain(void **state)
{
	uint8_t hdr[VLP_SELFTEST_BLK_HDR];
	struct vlp_vq_seg segs[3] = {
		{ false, hdr, sizeof(hdr), sizeof(hdr) },
		{ true, NULL, 0, 512 },
		{ true, NULL, 0, 1 },
	};
	const struct vlp_vq_info *info;
	struct vlp_vq_used u;
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	uint8_t *desc, *avail, *used;
	unsigned id, id2;
	size_t n;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_vq_new(ctx, 8, VLP_RING_SPLIT, 1ull << VLP_F_VERSION_1, VLP_DMA_PLAIN,
				    0x100000, &vq),
			 0);
	info = vlp_vq_info(vq);
	desc = vlp_vq_area(vq, VLP_VQ_DESC);
	avail = vlp_vq_area(vq, VLP_VQ_DRIVER);
	used = vlp_vq_area(vq, VLP_VQ_DEVICE);
	vlp_selftest_blk_header(hdr, 0, 0);
	assert_int_equal(vlp_vq_post_chain(ctx, vq, segs, 3, &id), 0);
	assert_int_equal(id, 0);
	/* descriptors 0 -> 1 -> 2: NEXT (1) on the first two, WRITE (2) on the in ones */
	assert_int_equal(get32(desc + 8), 16);
	assert_int_equal(get16(desc + 12), 1);
	assert_int_equal(get16(desc + 14), 1);
	assert_int_equal(get32(desc + 16 + 8), 512);
	assert_int_equal(get16(desc + 16 + 12), 3);
	assert_int_equal(get16(desc + 16 + 14), 2);
	assert_int_equal(get32(desc + 32 + 8), 1);
	assert_int_equal(get16(desc + 32 + 12), 2);
	/* one chain made available: its head */
	assert_int_equal(get16(avail + 2), 1);
	assert_int_equal(get16(avail + 4), 0);
	assert_int_equal(info->in_flight, 1);
	/* a single buffer takes the next free descriptor */
	assert_int_equal(vlp_vq_post(ctx, vq, true, NULL, 0, 8, &id2), 0);
	assert_int_equal(id2, 3);
	/* the device uses the chain: 513 bytes written (data and status) */
	put32(used + 4, 0);
	put32(used + 8, 513);
	put16(used + 2, 1);
	assert_int_equal(vlp_vq_reap(ctx, vq, &u, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(u.id, 0);
	assert_int_equal(u.nsegs, 3);
	assert_int_equal(u.seg_len[1], 512);
	assert_int_equal(u.buf_len, 529);
	assert_false(u.len_exceeds);
	assert_int_equal(u.seg_data[0][8], 0);
	assert_int_equal(info->in_flight, 1);
	/* every descriptor of the chain is free again: the next chain reuses 0-2 */
	assert_int_equal(vlp_vq_post_chain(ctx, vq, segs, 3, &id), 0);
	assert_int_equal(id, 0);
	/* more than the writable bytes is flagged (2.7.8.1) */
	put32(used + 4 + 8, 3);
	put32(used + 8 + 8, 9);
	put16(used + 2, 2);
	assert_int_equal(vlp_vq_reap(ctx, vq, &u, 1, &n), 0);
	assert_int_equal(u.id, 3);
	assert_true(u.len_exceeds);
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

static void test_chain_refusals(void **state)
{
	struct vlp_vq_seg bad_order[2] = { { true, NULL, 0, 8 }, { false, NULL, 0, 8 } };
	struct vlp_vq_seg two[2] = { { false, NULL, 0, 8 }, { true, NULL, 0, 8 } };
	struct vlp_ctx *ctx;
	struct vlp_vq *vq;
	unsigned id;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_vq_new(ctx, 2, VLP_RING_SPLIT, 0, VLP_DMA_PLAIN, 0, &vq), 0);
	assert_int_equal(vlp_vq_post_chain(ctx, vq, bad_order, 2, &id), -22);
	assert_string_equal(
		vlp_ctx_error(ctx),
		"post: chain buffer 1 is device-readable after a device-writable one (2.7.4.2)");
	assert_int_equal(vlp_vq_post_chain(ctx, vq, two, 0, &id), -22);
	assert_int_equal(vlp_vq_post_chain(ctx, vq, two, 2, &id), 0);
	/* both descriptors in flight: no room for another chain */
	assert_int_equal(vlp_vq_post_chain(ctx, vq, two, 2, &id), -28);
	vlp_vq_free(vq);
	/* packed: a chain takes the next slots (test_vq has the layout) */
	assert_int_equal(vlp_vq_new(ctx, 4, VLP_RING_PACKED, 0, VLP_DMA_PLAIN, 0, &vq), 0);
	assert_int_equal(vlp_vq_post_chain(ctx, vq, two, 2, &id), 0);
	vlp_vq_free(vq);
	vlp_ctx_free(ctx);
}

/* A snapshot is never written: the self-test refuses before anything. */
static void test_snapshot_refusal(void **state)
{
	struct vlp_source_opts opts = { .dump_path = "tests/data/rings/rng-split.lspci",
					.virtio_only = true };
	struct vlp_bar_opts bopts = { .writable = true, .force = true };
	struct vlp_selftest_result r;
	struct vlp_layout *layout;
	struct vlp_source *src;
	struct vlp_device *dev;
	struct vlp_ctx *ctx;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_source_open(ctx, &opts, &src), 0);
	assert_int_equal(vlp_source_next(src, &dev), 1);
	assert_int_equal(vlp_decode(ctx, dev, &layout), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, layout, &bopts), 0);
	assert_int_equal(vlp_selftest(ctx, dev, layout, NULL, &r), -30);
	assert_string_equal(vlp_ctx_error(ctx), "queues refused: a snapshot is read-only");
	assert_int_equal(r.nsteps, 0);
	assert_string_equal(r.test, "entropy");
	assert_int_equal(vlp_device_stats(dev)->bar_writes, 0);
	assert_int_equal(vlp_device_stats(dev)->config_writes, 0);
	vlp_device_close_bars(dev);
	vlp_layout_free(layout);
	vlp_device_free(dev);
	vlp_source_close(src);
	vlp_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_blk_header),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_scsi_lun),
		cmocka_unit_test(test_net_frame),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_chain_refusals),
		cmocka_unit_test(test_snapshot_refusal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
