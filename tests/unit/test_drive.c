/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The driving layer (drive.c) without hardware: each refusal of
 * vlp_drive_open is its own cause, made before anything is written, and
 * the 3.1.1 steps refuse on a device that may not be written. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"

struct one {
	struct vlp_ctx *ctx;
	struct vlp_source *src;
	struct vlp_device *dev;
	struct vlp_layout *l;
};

static void open_one(struct one *o, const char *path)
{
	struct vlp_source_opts opts = { .dump_path = path, .virtio_only = true };

	assert_int_equal(vlp_ctx_new(&o->ctx), 0);
	assert_int_equal(vlp_source_open(o->ctx, &opts, &o->src), 0);
	assert_int_equal(vlp_source_next(o->src, &o->dev), 1);
	assert_int_equal(vlp_decode(o->ctx, o->dev, &o->l), 0);
}

static void close_one(struct one *o)
{
	assert_int_equal(vlp_device_stats(o->dev)->bar_writes, 0);
	assert_int_equal(vlp_device_stats(o->dev)->config_writes, 0);
	vlp_device_close_bars(o->dev);
	vlp_layout_free(o->l);
	vlp_device_free(o->dev);
	vlp_source_close(o->src);
	vlp_ctx_free(o->ctx);
}

/* A dump holds config space only: refused whether writing or not. */
static void test_dump(void **state)
{
	struct vlp_drive_opts opts = { .bars = { .writable = false } };
	struct vlp_drive_refused why;
	struct one o;

	(void)state;
	open_one(&o, "tests/data/qemu-modern.lspci");
	assert_int_equal(vlp_drive_open(o.ctx, o.dev, o.l, &opts, &why), -ENODEV);
	assert_int_equal(why.cause, VLP_DRIVE_DUMP);
	opts.bars.writable = true;
	assert_int_equal(vlp_drive_open(o.ctx, o.dev, o.l, &opts, &why), -ENODEV);
	assert_int_equal(why.cause, VLP_DRIVE_DUMP);
	close_one(&o);
}

/* A snapshot is read: refused for writing (even forced), opened for
 * reading. */
static void test_snapshot(void **state)
{
	struct vlp_drive_opts opts = { .bars = { .writable = true, .force = true } };
	struct vlp_drive_refused why;
	struct one o;

	(void)state;
	open_one(&o, "tests/data/rings/rng-split.lspci");
	assert_int_equal(vlp_drive_open(o.ctx, o.dev, o.l, &opts, &why), -EROFS);
	assert_int_equal(why.cause, VLP_DRIVE_SNAPSHOT);
	assert_null(vlp_device_backend(o.dev)); /* nothing opened */
	opts.bars.writable = false;
	assert_int_equal(vlp_drive_open(o.ctx, o.dev, o.l, &opts, &why), 0);
	assert_int_equal(why.cause, VLP_DRIVE_ALLOWED);
	assert_string_equal(vlp_device_backend(o.dev), "snapshot");
	close_one(&o);
}

/* A face that needs real answers refuses a dry run; one that needs the
 * common configuration refuses a legacy device. */
static void test_dry_run_and_common(void **state)
{
	struct vlp_drive_opts opts = { .bars = { .dry_run = true }, .no_dry_run = true };
	struct vlp_drive_refused why;
	struct one o;

	(void)state;
	open_one(&o, "tests/data/snapshot-modern.lspci");
	assert_int_equal(vlp_drive_open(o.ctx, o.dev, o.l, &opts, &why), -EINVAL);
	assert_int_equal(why.cause, VLP_DRIVE_DRY_RUN);
	close_one(&o);

	open_one(&o, "tests/data/snapshot-legacy.lspci");
	opts = (struct vlp_drive_opts){ .need_common = true };
	assert_int_equal(vlp_drive_open(o.ctx, o.dev, o.l, &opts, &why), -ENOTSUP);
	assert_int_equal(why.cause, VLP_DRIVE_NO_COMMON);
	opts.need_common = false;
	assert_int_equal(vlp_drive_open(o.ctx, o.dev, o.l, &opts, &why), 0);
	close_one(&o);
}

/* The steps write through the device's policy: a snapshot refuses the
 * reset (3.1.1 step 1) and every status bit, and nothing is written. */
static void test_steps_refused(void **state)
{
	struct vlp_drive_opts opts = { 0 };
	struct vlp_drive_refused why;
	struct vlp_drive d;
	uint64_t back = 0;
	struct one o;

	(void)state;
	open_one(&o, "tests/data/snapshot-modern.lspci");
	assert_int_equal(vlp_drive_open(o.ctx, o.dev, o.l, &opts, &why), 0);
	assert_int_equal(vlp_drive_begin(o.ctx, o.dev, o.l, &d), 0);
	assert_true(d.modern);
	assert_int_equal(d.bits, 0);
	assert_int_equal(vlp_drive_reset(&d, NULL), -EROFS);
	assert_int_equal(vlp_drive_set_status(&d, VLP_S_ACKNOWLEDGE, &back), -EROFS);
	assert_int_equal(d.bits, 0);
	close_one(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_dry_run_and_common),
		cmocka_unit_test(test_steps_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
