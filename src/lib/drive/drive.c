/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Driving a device: the layer every writing face goes through.  First one
 * call that makes every refusal (vlp_drive_open), each a cause of its own
 * with its detail, so that faces word them and never read this file's
 * messages; then the driver's initialization (3.1.1), one function per
 * step, each citing it.  Queue memory is vq.c's; this sets the steps
 * around it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------ refusals */

static int refuse(struct vlp_ctx *ctx, struct vlp_drive_refused *why, enum vlp_drive_refusal cause,
		  int err, const char *msg)
{
	why->cause = cause;
	return vlp_error(ctx, err, "%s", msg);
}

int vlp_drive_open(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		   const struct vlp_drive_opts *opts, struct vlp_drive_refused *why)
{
	const char *driver = vlp_device_driver(dev);
	enum vlp_origin origin = vlp_device_origin(dev);
	struct vlp_reg reg;
	char msg[640];

	memset(why, 0, sizeof(*why));
	if (origin == VLP_ORIGIN_DUMP)
		return refuse(ctx, why, VLP_DRIVE_DUMP, ENODEV, "a dump holds config space only");
	if (opts->bars.writable && origin == VLP_ORIGIN_HOST)
		return refuse(ctx, why, VLP_DRIVE_SNAPSHOT, EROFS,
			      "a device seen through QEMU's monitor is read-only (queries only)");
	if (opts->bars.writable && origin != VLP_ORIGIN_LIVE)
		return refuse(ctx, why, VLP_DRIVE_SNAPSHOT, EROFS, "a snapshot is read-only");
	if (opts->bars.writable && driver && !opts->bars.force) {
		snprintf(why->driver, sizeof(why->driver), "%s", driver);
		snprintf(msg, sizeof(msg), "driver %s is bound", driver);
		return refuse(ctx, why, VLP_DRIVE_DRIVER_BOUND, EBUSY, msg);
	}
	if (!l->virtio.is_virtio || !l->nregions)
		return refuse(ctx, why, VLP_DRIVE_NO_STRUCTURE, ENODEV,
			      "no virtio structure in a BAR is known");
	if (opts->need_common && vlp_block_find(ctx, l, VLP_BLOCK_COMMON, &reg))
		return refuse(ctx, why, VLP_DRIVE_NO_COMMON, ENOTSUP,
			      "the device has no common configuration: the legacy interface only");
	if (opts->no_dry_run && opts->bars.dry_run)
		return refuse(ctx, why, VLP_DRIVE_DRY_RUN, EINVAL,
			      "these writes must be made: not in a dry run");
	if (vlp_bars_open_why(ctx, dev, l, &opts->bars, why->reason, sizeof(why->reason))) {
		why->cause = VLP_DRIVE_NO_BAR_ACCESS;
		if (!why->reason[0])
			snprintf(why->reason, sizeof(why->reason), "%s", vlp_ctx_error(ctx));
		return -ENODEV;
	}
	return 0;
}

/* ------------------------------------------------------------ 3.1.1 */

int vlp_drive_begin(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		    struct vlp_drive *d)
{
	struct vlp_reg common;

	memset(d, 0, sizeof(*d));
	d->ctx = ctx;
	d->dev = dev;
	d->l = l;
	d->modern = vlp_block_find(ctx, l, VLP_BLOCK_COMMON, &common) == 0;
	return vlp_reg_device_status(ctx, l, &d->status);
}

/* Step 1: "Reset the device."  4.1.4.3.2: after writing 0 the driver
 * waits for device_status to read back 0. */
int vlp_drive_reset(struct vlp_drive *d, unsigned *waited_ms)
{
	d->bits = 0;
	return vlp_device_reset(d->ctx, d->dev, d->l, VLP_RESET_TIMEOUT_MS, waited_ms);
}

int vlp_drive_write_status(struct vlp_drive *d, unsigned bits, uint64_t *back)
{
	uint64_t v;
	int err = vlp_reg_write(d->ctx, d->dev, d->l, &d->status, NULL, bits);

	if (err)
		return err;
	d->bits = bits;
	if (vlp_device_dry_run(d->dev)) {
		if (back)
			*back = bits;
		return 0;
	}
	if (!back)
		return 0;
	err = vlp_reg_read(d->ctx, d->dev, d->l, &d->status, NULL, 0, &v);
	if (!err)
		*back = v;
	return err;
}

/* Steps 2 (ACKNOWLEDGE), 3 (DRIVER), 5 (FEATURES_OK), 8 (DRIVER_OK); 2.1.1:
 * the driver never clears a bit it set, so each adds to the last. */
int vlp_drive_set_status(struct vlp_drive *d, enum vlp_status_bit bit, uint64_t *back)
{
	return vlp_drive_write_status(d, d->bits | VLP_S_MASK(bit), back);
}

/* Step 4: "Read device feature bits, and write the subset of feature bits
 * understood by the OS and driver to the device." */
int vlp_drive_write_features(struct vlp_drive *d, const uint32_t words[VLP_FEATURE_WORDS])
{
	return vlp_features_write(d->ctx, d->dev, d->l, words);
}

/* Step 5: "Set the FEATURES_OK status bit."  Step 6: "Re-read device
 * status to ensure the FEATURES_OK bit is still set: otherwise, the device
 * does not support our subset of features." */
int vlp_drive_features_ok(struct vlp_drive *d, bool *accepted, uint64_t *back)
{
	uint64_t v = 0;
	int err;

	*accepted = false;
	if (!d->modern) /* 4.1.4.10: the legacy interface has no FEATURES_OK */
		return vlp_error(
			d->ctx, ENOTSUP,
			"the device has no common configuration: the legacy interface has no FEATURES_OK (3.1.2)");
	err = vlp_drive_set_status(d, VLP_S_FEATURES_OK, &v);
	if (err)
		return err;
	*accepted = (v & VLP_S_MASK(VLP_S_FEATURES_OK)) != 0;
	if (back)
		*back = v;
	return 0;
}

/* Step 7: "Perform device-specific setup, including discovery of
 * virtqueues for the device"; 4.1.5.1.3: queue_size 0 means the queue is
 * not available. */
int vlp_drive_queue_size(struct vlp_drive *d, unsigned q, uint64_t *size)
{
	struct vlp_selection sel = { .queue = q };
	struct vlp_reg reg;
	int err = vlp_reg_row(d->ctx, d->l, VLP_BLOCK_COMMON, VLP_COMMON_QUEUE_SIZE, &reg);

	*size = 0;
	return err ? err : vlp_reg_read(d->ctx, d->dev, d->l, &reg, &sel, 0, size);
}

/* Step 7, the queue itself: its memory and registers are vq.c's. */
int vlp_drive_queue_setup(struct vlp_drive *d, struct vlp_vqs *vqs, unsigned q, unsigned size,
			  const struct vlp_vq_info **info)
{
	return vlp_vqs_setup(d->ctx, vqs, q, size, info);
}

/* Step 8: "Set the DRIVER_OK status bit.  At this point the device is
 * 'live'." */
int vlp_drive_driver_ok(struct vlp_drive *d, uint64_t *back)
{
	return vlp_drive_set_status(d, VLP_S_DRIVER_OK, back);
}
