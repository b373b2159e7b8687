/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State readers and snapshots: a real virtio-net snapshot (taken in a QEMU
 * guest, tests/data/snapshot-modern.lspci) replayed through the snapshot
 * backend, which honours selector writes the way the device did. */
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

#include "vlp.h"
#include "internal.h"

#define SNAPSHOT "tests/data/snapshot-modern.lspci"

static struct vlp_ctx *ctx;

struct fixture {
	struct vlp_source *src;
	struct vlp_filter *filter;
	struct vlp_device *dev;
	struct vlp_layout *layout;
};

/* The modern virtio-net at 00:02.0 of the snapshot. */
static void open_net(struct fixture *fx, const char *path)
{
	struct vlp_source_opts opts = { 0 };

	memset(fx, 0, sizeof(*fx));
	assert_int_equal(vlp_filter_new(ctx, &fx->filter), 0);
	assert_int_equal(vlp_filter_add_slot(ctx, fx->filter, "00:02.0"), 0);
	opts.dump_path = path;
	opts.filter = fx->filter;
	opts.virtio_only = true;
	assert_int_equal(vlp_source_open(ctx, &opts, &fx->src), 0);
	assert_int_equal(vlp_source_next(fx->src, &fx->dev), 1);
	assert_int_equal(vlp_device_origin(fx->dev), VLP_ORIGIN_SNAPSHOT);
	assert_int_equal(vlp_decode(ctx, fx->dev, &fx->layout), 0);
}

static void close_net(struct fixture *fx)
{
	vlp_layout_free(fx->layout);
	vlp_device_free(fx->dev);
	vlp_source_close(fx->src);
	vlp_filter_free(fx->filter);
}

static const struct vlp_field_value *field(const struct vlp_regs *regs, const char *name)
{
	const struct vlp_field *f = vlp_field_find(regs->table, name);

	assert_non_null(f);
	return &regs->values[f - regs->table->fields];
}

static struct vlp_state *read_state(struct fixture *fx, bool passive)
{
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO, .passive = passive };
	struct vlp_state_opts sopts = { .passive = passive };
	struct vlp_state *s;

	assert_int_equal(vlp_device_open_bars(ctx, fx->dev, fx->layout, &bopts), 0);
	assert_string_equal(vlp_device_backend(fx->dev), "snapshot");
	assert_int_equal(vlp_read_state(ctx, fx->dev, fx->layout, &sopts, &s), 0);
	return s;
}

static void test_replay_net(void **state)
{
	struct fixture fx;
	struct vlp_state *s;
	bool on;

	(void)state;
	open_net(&fx, SNAPSHOT);
	s = read_state(&fx, false);
	assert_true(s->selectors_touched);
	/* Features: all four select words were read; VERSION_1 and MAC. */
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++)
		assert_true(s->device_features[w].valid);
	assert_int_equal(s->device_features[0].value, 0x30bf8024);
	assert_true(vlp_state_feature(s, false, 32, &on) && on);
	assert_true(vlp_state_feature(s, true, 5, &on) && on);
	assert_false(vlp_state_feature(s, false, 200, &on));
	/* The common configuration shows what the selectors point at. */
	assert_int_equal(field(&s->common, "device_status")->value, 0x0f);
	assert_int_equal(field(&s->common, "num_queues")->value, 3);
	assert_int_equal(field(&s->common, "queue_select")->value, 2);
	assert_int_equal(field(&s->common, "queue_size")->value, 64);
	/* Every queue, with its notify address inside the structure. */
	assert_int_equal(s->nqueues, 3);
	assert_int_equal(field(&s->queues[0].regs, "queue_size")->value, 256);
	assert_true(s->queues[1].notify_known && s->queues[1].notify_inside);
	assert_int_equal(s->queues[1].notify_offset, 0x3004);
	/* RING_RESET negotiated: queue_reset exists; NOTIF_CONFIG_DATA not. */
	assert_true(field(&s->queues[0].regs, "queue_reset")->present);
	assert_false(field(&s->queues[0].regs, "queue_notif_config_data")->present);
	/* Device configuration of its type; mtu needs VIRTIO_NET_F_MTU. */
	assert_string_equal(s->device.table->name, "virtio_net_config");
	assert_true(s->device_consistent);
	assert_memory_equal(field(&s->device, "mac")->bytes, "\x52\x54\x00\x12\x34\x56", 6);
	assert_false(field(&s->device, "mtu")->present);
	/* MSI-X: vector 1 serves queue 0; ISR never read unasked. */
	assert_int_equal(s->nmsix, 4);
	assert_true(s->msix[1].address.valid && s->msix[1].pending_valid);
	assert_null(s->isr.table);
	assert_null(s->legacy.table); /* modern: no legacy interface */
	vlp_state_free(s);
	close_net(&fx);
}

static void test_passive(void **state)
{
	struct fixture fx;
	struct vlp_state *s;

	(void)state;
	open_net(&fx, SNAPSHOT);
	s = read_state(&fx, true);
	assert_false(s->selectors_touched);
	/* Only the words and the queue the selectors point at. */
	assert_false(s->device_features[0].valid);
	assert_true(s->device_features[1].valid);
	assert_int_equal(s->nqueues, 1);
	assert_int_equal(s->queues[0].index, 2);
	assert_int_equal(vlp_device_stats(fx.dev)->bar_writes, 0);
	vlp_state_free(s);
	close_net(&fx);
}

/* A live view reads only what it shows: skipped parts stay unread, the
 * common configuration is always there. */
static void test_skip_parts(void **state)
{
	struct vlp_state_opts sopts = { .skip = VLP_STATE_SKIP_QUEUES | VLP_STATE_SKIP_DEVICE |
						VLP_STATE_SKIP_INPUT | VLP_STATE_SKIP_MSIX };
	struct fixture fx;
	struct vlp_state *s;
	unsigned long all_reads;

	(void)state;
	open_net(&fx, SNAPSHOT);
	s = read_state(&fx, false);
	all_reads = vlp_device_stats(fx.dev)->bar_reads;
	vlp_state_free(s);
	assert_int_equal(vlp_read_state(ctx, fx.dev, fx.layout, &sopts, &s), 0);
	assert_int_equal(field(&s->common, "device_status")->value, 0x0f);
	assert_true(s->device_features[0].valid);
	assert_int_equal(s->nqueues, 0);
	assert_null(s->device.table);
	assert_int_equal(s->nmsix, 0);
	assert_true(vlp_device_stats(fx.dev)->bar_reads - all_reads < all_reads);
	vlp_state_free(s);
	close_net(&fx);
}

static void test_snapshot_round_trip(void **state)
{
	struct fixture fx, again;
	struct vlp_state *s, *s2;
	char path[] = "/tmp/vlp-test-snapshot-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	open_net(&fx, SNAPSHOT);
	assert_int_equal(vlp_snapshot_start(ctx, fx.dev), 0);
	s = read_state(&fx, false);
	assert_int_equal(vlp_snapshot_write(ctx, f, fx.dev, "net"), 0);
	fclose(f);
	/* The snapshot of the replay replays to the same state. */
	open_net(&again, path);
	s2 = read_state(&again, false);
	assert_int_equal(s2->nqueues, s->nqueues);
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++)
		assert_int_equal(s2->driver_features[w].value, s->driver_features[w].value);
	assert_memory_equal(field(&s2->device, "mac")->bytes, field(&s->device, "mac")->bytes, 6);
	assert_int_equal(field(&s2->queues[2].regs, "queue_desc")->value,
			 field(&s->queues[2].regs, "queue_desc")->value);
	vlp_state_free(s2);
	close_net(&again);
	vlp_state_free(s);
	close_net(&fx);
	unlink(path);
}

static void test_snapshot_is_read_only(void **state)
{
	struct fixture fx;
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO, .writable = true };
	const struct vlp_layout *l;
	unsigned bar;
	uint64_t common;

	(void)state;
	open_net(&fx, SNAPSHOT);
	/* Asking for writes opens it, but the policy says why not. */
	assert_int_equal(vlp_device_open_bars(ctx, fx.dev, fx.layout, &bopts), 0);
	assert_non_null(vlp_device_write_refusal(fx.dev));
	assert_non_null(strstr(vlp_device_write_refusal(fx.dev), "snapshot is read-only"));
	l = fx.layout;
	bar = l->caps[l->driver_uses[VLP_CFG_COMMON]].u.virtio.bar;
	common = l->caps[l->driver_uses[VLP_CFG_COMMON]].u.virtio.offset;
	/* Selectors may be written (they steer the replay), nothing else. */
	assert_true(vlp_bar_is_selector(fx.dev, bar, common + 0x16));
	assert_false(vlp_bar_is_selector(fx.dev, bar, common + 0x14));
	assert_int_equal(vlp_bar_write(fx.dev, bar, common + 0x16, 2, 0), 0);
	assert_int_equal(vlp_bar_write(fx.dev, bar, common + 0x14, 1, 0), -EROFS);
	/* Exact, aligned widths only (4.1.3.1). */
	assert_int_equal(vlp_bar_write(fx.dev, bar, common + 0x15, 2, 0), -EINVAL);
	close_net(&fx);
}

static void test_snapshot_bad_lines(void **state)
{
	static const char *const bad[] = {
		"# vlp-read 9 0x0 4 - 0x1", /* BAR out of range */
		"# vlp-read 4 0x2 4 - 0x1", /* unaligned */
		"# vlp-read 4 0x0 3 - 0x1", /* width */
		"# vlp-read 4 0x0 4 x 0x1", /* selector */
		"# vlp-bar-size 7 0x1000",  "# vlp-snapshot 2", "# vlp-unknown",
	};
	char path[] = "/tmp/vlp-test-bad-XXXXXX";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vlp_source_opts opts = { 0 };
		struct vlp_source *src;
		struct vlp_device *dev;
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");

		assert_non_null(f);
		fprintf(f, "00:02.0 net\n00: f4 1a 41 10 07 05 10 00 01 00 00 02 00 00 00 00\n%s\n\n",
			bad[i]);
		fclose(f);
		opts.dump_path = path;
		assert_int_equal(vlp_source_open(ctx, &opts, &src), 0);
		assert_int_equal(vlp_source_next(src, &dev), -EINVAL);
		assert_non_null(strstr(vlp_ctx_error(ctx), ":3: malformed snapshot line"));
		vlp_source_close(src);
		unlink(path);
		strcpy(path, "/tmp/vlp-test-bad-XXXXXX");
	}
}

static void test_names_and_tables(void **state)
{
	const struct vlp_field_table *c = vlp_common_cfg_table();
	const struct vlp_field_table *input = vlp_device_config_table(18);
	/* The rows the readers address by name exist where the spec puts them. */
	static const struct {
		const char *name;
		unsigned offset;
	} common_rows[] = { { "device_feature_select", 0x00 },
			    { "device_feature", 0x04 },
			    { "driver_feature_select", 0x08 },
			    { "driver_feature", 0x0c },
			    { "num_queues", 0x12 },
			    { "config_generation", 0x15 },
			    { "queue_select", 0x16 },
			    { "queue_notify_off", 0x1e } };

	(void)state;
	for (size_t i = 0; i < sizeof(common_rows) / sizeof(common_rows[0]); i++)
		assert_int_equal(vlp_field_find(c, common_rows[i].name)->offset, common_rows[i].offset);
	assert_int_equal(vlp_field_find(vlp_legacy_header_table(), "queue_select")->offset, 0x0e);
	assert_int_equal(vlp_field_find(vlp_legacy_header_table(), "queue_size")->offset, 0x0c);
	assert_int_equal(vlp_field_find(input, "select")->offset, 0);
	assert_int_equal(vlp_field_find(input, "subsel")->offset, 1);
	assert_int_equal(vlp_field_find(input, "size")->offset, 2);
	assert_int_equal(vlp_field_find(input, "u")->offset, 8);
	assert_int_equal(input->size, 0x88);
	assert_int_equal(c->size, 0x40);
	assert_int_equal(vlp_field_find(c, "queue_desc")->hi_offset, 0x24);
	assert_int_equal(vlp_field_find(c, "queue_size")->selector, VLP_SEL_QUEUE);
	assert_int_equal(vlp_field_find(c, "device_feature")->selector, VLP_SEL_DEVICE_FEATURE);
	assert_int_equal(vlp_field_find(c, "queue_reset")->feature, VLP_FEATURE(40));
	assert_true(vlp_field_find(vlp_legacy_header_table(), "isr")->flags & VLP_FIELD_READ_CLEARS);
	assert_int_equal(vlp_access_mode_parse("window", &(enum vlp_access_mode){ 0 }), 0);
	assert_int_equal(vlp_access_mode_parse("dma", &(enum vlp_access_mode){ 0 }), -EINVAL);
}

static int setup(void **state)
{
	(void)state;
	return vlp_ctx_new(&ctx);
}

static int teardown(void **state)
{
	(void)state;
	vlp_ctx_free(ctx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_net),
		cmocka_unit_test(test_passive),
		cmocka_unit_test(test_skip_parts),
		cmocka_unit_test(test_snapshot_round_trip),
		cmocka_unit_test(test_snapshot_is_read_only),
		cmocka_unit_test(test_snapshot_bad_lines),
		cmocka_unit_test(test_names_and_tables),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
