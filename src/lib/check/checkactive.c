/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The active checks (--check --active): writes to a device with no driver,
 * through the driving layer (drive.c), and the device left reset. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"

/* ------------------------------------------------------- active checks */

#define BEYOND_FIRST VLP_FEATURE_WORDS
#define BEYOND_LAST 7

/* 4.1.4.3.1: the device resets on device_status = 0 and reads back 0. */
static int active_reset(struct check_run *r, struct vlp_device *dev)
{
	struct vlp_drive d;
	unsigned waited;
	int err = vlp_drive_begin(r->ctx, dev, r->l, &d);

	if (!err)
		err = vlp_drive_reset(&d, &waited);

	if (err == -ETIMEDOUT) {
		chk_report(r, VLP_SEV_ERROR, -1, NULL, "%s", vlp_ctx_error(r->ctx));
		return 0;
	}
	return err;
}

static int active_feature_window(struct check_run *r, struct vlp_device *dev)
{
	struct vlp_reg reg;
	int err;

	if (!chk_is_modern_interface(r->l))
		return 1;
	if ((err = vlp_reg_row(r->ctx, r->l, VLP_BLOCK_COMMON, VLP_COMMON_DEVICE_FEATURE, &reg)))
		return err;
	for (uint32_t w = BEYOND_FIRST; w <= BEYOND_LAST; w++) {
		struct vlp_selection sel = { .device_feature_select = w };
		uint64_t v;

		if ((err = vlp_reg_read(r->ctx, dev, r->l, &reg, &sel, 0, &v)))
			return err;
		if (v)
			chk_report(r, VLP_SEV_WARNING, -1, chk_at_row(r, VLP_COMMON_DEVICE_FEATURE),
				   "device_feature_select %u reads device_feature 0x%08llx: bits %u-%u are not defined by the spec",
				   w, (unsigned long long)v, 32 * w, 32 * w + 31);
	}
	return 0;
}

/* "queue_size: On reset, specifies the maximum queue size supported by
 * the device" (4.1.4.3): write a smaller size to queue 0, reset, read. */
static int active_queue_size_max(struct check_run *r, struct vlp_device *dev)
{
	struct vlp_selection sel = { .queue = 0 };
	struct vlp_reg num_reg, size_reg;
	uint64_t num, max, after;
	int err;

	if (!chk_is_modern_interface(r->l))
		return 1;
	if ((err = vlp_reg_row(r->ctx, r->l, VLP_BLOCK_COMMON, VLP_COMMON_NUM_QUEUES, &num_reg)) ||
	    (err = vlp_reg_row(r->ctx, r->l, VLP_BLOCK_COMMON, VLP_COMMON_QUEUE_SIZE, &size_reg)) ||
	    (err = vlp_reg_read(r->ctx, dev, r->l, &num_reg, NULL, 0, &num)))
		return err;
	if (num == 0)
		return 1;
	if ((err = vlp_reg_read(r->ctx, dev, r->l, &size_reg, &sel, 0, &max)))
		return err;
	if (max < 2)
		return 1;
	if ((err = vlp_reg_write(r->ctx, dev, r->l, &size_reg, &sel, max / 2)) ||
	    (err = active_reset(r, dev)) ||
	    (err = vlp_reg_read(r->ctx, dev, r->l, &size_reg, &sel, 0, &after)))
		return err;
	if (after != max)
		chk_report(r, VLP_SEV_ERROR, -1, "queue 0",
			   "queue 0: queue_size reads %llu after writing %llu and resetting; the maximum read before was %llu",
			   (unsigned long long)after, (unsigned long long)(max / 2),
			   (unsigned long long)max);
	return 0;
}

int vlp_check_active(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		     struct vlp_check_report *rep)
{
	struct check_run r = { .ctx = ctx, .dev = dev, .l = l, .rep = rep };
	const char *refusal = vlp_device_write_refusal(dev);
	static const struct {
		const char *id;
		int (*fn)(struct check_run *r, struct vlp_device *dev);
		const char *not_applicable;
	} steps[] = {
		{ "active-reset", active_reset, NULL },
		{ "active-feature-window", active_feature_window,
		  "a legacy device has one feature word" },
		{ "active-queue-size-max", active_queue_size_max, "no queue with a size of 2 or more" },
	};
	int err = 0;

	struct vlp_drive d;

	/* The face refused first (vlp_drive_open); this holds for any caller. */
	if (refusal)
		return vlp_error(ctx, EBUSY, "%s", refusal);
	if (vlp_device_dry_run(dev))
		return vlp_error(ctx, EINVAL, "the active checks make their writes: not in a dry run");
	r.findings_alloc = rep->nfindings;
	r.skipped_alloc = rep->nskipped;
	for (size_t i = 0; i < VLP_ARRAY_SIZE(steps) && !err; i++) {
		r.check = vlp_check_find(steps[i].id);
		chk_unskip(rep, r.check);
		err = steps[i].fn(&r, dev);
		if (err == 1) {
			chk_skip(&r, r.check, steps[i].not_applicable);
			err = 0;
		} else if (!err) {
			rep->checks_run++;
		}
	}
	/* A config change the driver can provoke would need a device type
	 * with a writable field whose change the device reports; the changes
	 * worth testing come from the host (the QEMU suite's QMP hook). */
	r.check = vlp_check_find("active-config-generation");
	chk_unskip(rep, r.check);
	chk_skip(&r, r.check,
		 "no configuration change a driver can provoke (--check --exercise --watch-config=SECONDS watches for one the host makes)");
	/* Leave the device reset, whatever happened above. */
	if (!vlp_drive_begin(ctx, dev, l, &d) && !vlp_drive_reset(&d, NULL))
		rep->reset_done = true;
	if (r.out_of_memory)
		return vlp_error(ctx, ENOMEM, "out of memory");
	chk_sort_findings(rep);
	return err;
}
