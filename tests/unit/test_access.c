/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The spec's access rules (src/lib/source/access.c), shared by the bulk reader
 * (state.c) and the single-field engine (regs.c): the feature set they
 * read, the notify address, the config_generation loop and selector
 * save/move/restore.  Devices: hand-made layouts, and the virtio-net of
 * tests/data/snapshot-modern.lspci replayed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

#define SNAPSHOT "tests/data/snapshot-modern.lspci"

static struct vlp_ctx *ctx;

/* The decision: a rule reads device & driver (access.c). */
static void test_negotiated(void **state)
{
	uint32_t device[VLP_FEATURE_WORDS] = { 0 }, driver[VLP_FEATURE_WORDS] = { 0 };
	uint32_t out[VLP_FEATURE_WORDS];

	(void)state;
	device[1] = 1u << (VLP_F_NOTIFICATION_DATA - 32) | 1u << (VLP_F_VERSION_1 - 32);
	driver[1] = 1u << (VLP_F_NOTIFICATION_DATA - 32) | 1u << (VLP_F_NOTIF_CONFIG_DATA - 32);
	vlp_features_negotiated(device, driver, out);
	assert_true(vlp_feature_on(out, VLP_F_NOTIFICATION_DATA));  /* both */
	assert_false(vlp_feature_on(out, VLP_F_NOTIF_CONFIG_DATA)); /* driver only */
	assert_false(vlp_feature_on(out, VLP_F_VERSION_1));         /* device only */
	assert_false(vlp_feature_on(NULL, VLP_F_VERSION_1));
	assert_false(vlp_feature_on(out, 32 * VLP_FEATURE_WORDS));
}

/* A layout with one notification capability: BAR4+0x3000, 0x1000 bytes,
 * multiplier 4. */
static void notify_layout(struct vlp_layout *l, struct vlp_cap *cap)
{
	memset(l, 0, sizeof(*l));
	memset(cap, 0, sizeof(*cap));
	for (unsigned i = 0; i < VLP_CFG_TYPE_SLOTS; i++)
		l->driver_uses[i] = -1;
	cap->kind = VLP_CAP_VIRTIO;
	cap->u.virtio.cfg_type = VLP_CFG_NOTIFY;
	cap->u.virtio.bar = 4;
	cap->u.virtio.offset = 0x3000;
	cap->u.virtio.length = 0x1000;
	cap->u.virtio.has_multiplier = true;
	cap->u.virtio.notify_off_multiplier = 4;
	l->caps = cap;
	l->ncaps = 1;
	l->driver_uses[VLP_CFG_NOTIFY] = 0;
}

static void test_notify_address(void **state)
{
	uint32_t none[VLP_FEATURE_WORDS] = { 0 }, data[VLP_FEATURE_WORDS] = { 0 };
	uint32_t device[VLP_FEATURE_WORDS] = { 0 }, driver[VLP_FEATURE_WORDS] = { 0 };
	struct vlp_layout l;
	struct vlp_cap cap;
	struct vlp_notify n;
	bool inside;

	(void)state;
	notify_layout(&l, &cap);
	/* 4.1.4.4: cap.offset + queue_notify_off * notify_off_multiplier */
	assert_int_equal(vlp_notify_address(&l, 3, none, &n, &inside), 0);
	assert_int_equal(n.bar, 4);
	assert_int_equal(n.offset, 0x300c);
	assert_int_equal(n.width, 2);
	assert_true(inside);
	/* VIRTIO_F_NOTIFICATION_DATA negotiated: 4 bytes (4.1.5.2) */
	data[1] = 1u << (VLP_F_NOTIFICATION_DATA - 32);
	assert_int_equal(vlp_notify_address(&l, 3, data, &n, &inside), 0);
	assert_int_equal(n.width, 4);
	/* accepted by the driver but not offered: not in force */
	driver[1] = data[1];
	vlp_features_negotiated(device, driver, data);
	assert_int_equal(vlp_notify_address(&l, 3, data, &n, &inside), 0);
	assert_int_equal(n.width, 2);
	/* 4.1.4.4.1: the last 2 bytes fit, 4 do not */
	cap.u.virtio.notify_off_multiplier = 2;
	assert_int_equal(vlp_notify_address(&l, 0x7ff, none, &n, &inside), 0);
	assert_true(inside);
	data[1] = 1u << (VLP_F_NOTIFICATION_DATA - 32);
	assert_int_equal(vlp_notify_address(&l, 0x7ff, data, &n, &inside), 0);
	assert_false(inside);
	/* no notification capability a driver would use */
	l.driver_uses[VLP_CFG_NOTIFY] = -1;
	assert_int_equal(vlp_notify_address(&l, 0, none, &n, &inside), -ENOENT);
}

struct fixture {
	struct vlp_source *src;
	struct vlp_filter *filter;
	struct vlp_device *dev;
	struct vlp_layout *layout;
};

static void open_net(struct fixture *fx)
{
	struct vlp_source_opts opts = { 0 };
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO };

	memset(fx, 0, sizeof(*fx));
	assert_int_equal(vlp_filter_new(ctx, &fx->filter), 0);
	assert_int_equal(vlp_filter_add_slot(ctx, fx->filter, "00:02.0"), 0);
	opts.dump_path = SNAPSHOT;
	opts.filter = fx->filter;
	opts.virtio_only = true;
	assert_int_equal(vlp_source_open(ctx, &opts, &fx->src), 0);
	assert_int_equal(vlp_source_next(fx->src, &fx->dev), 1);
	assert_int_equal(vlp_decode(ctx, fx->dev, &fx->layout), 0);
	assert_int_equal(vlp_device_open_bars(ctx, fx->dev, fx->layout, &bopts), 0);
}

static void close_net(struct fixture *fx)
{
	vlp_layout_free(fx->layout);
	vlp_device_free(fx->dev);
	vlp_source_close(fx->src);
	vlp_filter_free(fx->filter);
}

/* The bulk reader and the single-field engine compute the same notify
 * address and width for every queue. */
static void test_notify_same_in_both(void **state)
{
	struct vlp_state_opts sopts = { 0 };
	struct vlp_state *s;
	struct fixture fx;

	(void)state;
	open_net(&fx);
	assert_int_equal(vlp_read_state(ctx, fx.dev, fx.layout, &sopts, &s), 0);
	assert_true(s->nqueues > 1);
	for (size_t q = 0; q < s->nqueues; q++) {
		struct vlp_notify n;

		/* the snapshot refuses the write, after the address is known */
		vlp_queue_notify(ctx, fx.dev, fx.layout, s->queues[q].index, &n);
		assert_true(s->queues[q].notify_known);
		assert_int_equal(n.bar, s->queues[q].notify_bar);
		assert_int_equal(n.offset, s->queues[q].notify_offset);
		assert_int_equal(n.width, 2); /* NOTIFICATION_DATA not negotiated here */
	}
	vlp_state_free(s);
	close_net(&fx);
}

struct counted {
	int calls;
	int result;
};

static int count_read(void *arg)
{
	struct counted *c = arg;

	c->calls++;
	return c->result;
}

/* 2.5.1: one pass when config_generation holds still; the reader's error
 * ends the loop. */
static void test_generation_loop(void **state)
{
	const struct vlp_virtio_cap *common;
	struct counted c = { 0, 0 };
	struct fixture fx;
	unsigned retries = 0;
	uint64_t gen;

	(void)state;
	open_net(&fx);
	common = &fx.layout->caps[fx.layout->driver_uses[VLP_CFG_COMMON]].u.virtio;
	gen = common->offset + vlp_common_cfg_table()->fields[VLP_COMMON_CONFIG_GENERATION].offset;
	assert_int_equal(vlp_read_consistent(fx.dev, common->bar, gen, count_read, &c, &retries), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(retries, 0);
	c.result = -EIO;
	assert_int_equal(vlp_read_consistent(fx.dev, common->bar, gen, count_read, &c, &retries), -EIO);
	assert_int_equal(c.calls, 2);
	close_net(&fx);
}

/* A selector is written only when it must move, and put back. */
static void test_selector(void **state)
{
	const struct vlp_virtio_cap *common;
	struct vlp_sel_save sv;
	struct fixture fx;
	unsigned long writes;
	uint32_t v;
	uint64_t off;

	(void)state;
	open_net(&fx);
	common = &fx.layout->caps[fx.layout->driver_uses[VLP_CFG_COMMON]].u.virtio;
	off = common->offset + vlp_common_cfg_table()->fields[VLP_COMMON_QUEUE_SELECT].offset;
	assert_int_equal(vlp_selector_save(fx.dev, common->bar, off, 2, &sv), 0);
	assert_int_equal(sv.saved, 2); /* the snapshot's queue_select */
	writes = vlp_device_stats(fx.dev)->bar_writes;
	assert_int_equal(vlp_selector_move(fx.dev, &sv, 2), 0);
	assert_false(sv.moved);
	assert_int_equal(vlp_device_stats(fx.dev)->bar_writes, writes);
	assert_int_equal(vlp_selector_move(fx.dev, &sv, 0), 0);
	assert_true(sv.moved);
	assert_int_equal(sv.current, 0);
	assert_int_equal(vlp_device_stats(fx.dev)->bar_writes, writes + 1);
	/* the queue rows now answer for queue 0 (the snapshot's 256) */
	off = common->offset + vlp_common_cfg_table()->fields[VLP_COMMON_QUEUE_SIZE].offset;
	assert_int_equal(vlp_bar_read(fx.dev, common->bar, off, 2, &v), 0);
	assert_int_equal(v, 256);
	assert_int_equal(vlp_selector_restore(fx.dev, &sv), 0);
	assert_int_equal(sv.current, 2);
	assert_int_equal(vlp_device_stats(fx.dev)->bar_writes, writes + 2);
	close_net(&fx);
}

/* Ring addresses are IOVAs only with VIRTIO_F_ACCESS_PLATFORM negotiated
 * and a translating IOMMU group (6): a synthetic sysfs tree. */
static void test_rings_iova(void **state)
{
	char root[] = "/tmp/vlp-iova-XXXXXX", dir[256], path[320], why[300];
	struct vlp_slot slot = { 0, 0, 4, 0 };
	uint64_t ap = 1ull << VLP_F_ACCESS_PLATFORM;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/bus/pci/devices/0000:00:04.0", root);
	snprintf(path, sizeof(path), "mkdir -p '%s' '%s/kernel/iommu_groups/7'", dir, root);
	assert_int_equal(system(path), 0);
	/* No IOMMU group: physical addresses, with or without the feature. */
	assert_false(vlp_rings_iova(root, &slot, ap, why, sizeof(why)));
	snprintf(path, sizeof(path), "%s/iommu_group", dir);
	assert_int_equal(symlink("../../../../kernel/iommu_groups/7", path), 0);
	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/7/type", root);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("DMA-FQ\n", f);
	fclose(f);
	assert_true(vlp_rings_iova(root, &slot, ap, why, sizeof(why)));
	assert_string_equal(why, "VIRTIO_F_ACCESS_PLATFORM is negotiated and the device is in IOMMU group 7 "
				 "(type DMA-FQ): ring addresses are IOVAs, not guest-physical");
	/* Without the feature the device uses physical addresses. */
	assert_false(vlp_rings_iova(root, &slot, 0, why, sizeof(why)));
	/* An identity domain does not translate. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("identity\n", f);
	fclose(f);
	assert_false(vlp_rings_iova(root, &slot, ap, why, sizeof(why)));
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiated),
		cmocka_unit_test(test_notify_address),
		cmocka_unit_test(test_notify_same_in_both),
		cmocka_unit_test(test_generation_loop),
		cmocka_unit_test(test_selector),
		cmocka_unit_test(test_rings_iova),
	};
	int rc;

	if (vlp_ctx_new(&ctx))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	vlp_ctx_free(ctx);
	return rc;
}
