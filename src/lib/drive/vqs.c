/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A device's virtqueues driven from user space (vlp_vqs): each queue's
 * memory is a vlp_vq (vq.c), set up through the common configuration
 * (4.1.5.1.3), notified and polled without interrupts.  The memory is
 * freed only after the device was reset and device_status read back 0
 * (4.1.4.3.2): until then the device may still write it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define VQ_DEFAULT_SIZE 256  /* every split area then fits in one 4 KiB page */
#define VQ_LATE_GRACE_MS 500 /* memory kept after a reset with chains in flight */

struct vlp_vqs {
	struct vlp_device *dev;
	const struct vlp_layout *layout;
	struct vlp_vq **q; /* by queue index */
	unsigned nq;
	bool plain; /* dry run: plain memory, nothing written */
	bool command_valid;
	bool master_set;  /* bus mastering was enabled here */
	uint16_t command; /* the Command register before */
};

bool vlp_vqs_dry_run(const struct vlp_vqs *vqs)
{
	return vqs->plain;
}

int vlp_vqs_open(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
		 const struct vlp_vqs_opts *opts, struct vlp_vqs **out)
{
	const struct vlp_field *master = &vlp_pci_command_table()->fields[VLP_CMD_BUS_MASTER];
	struct vlp_reg reg;
	struct vlp_vqs *v;
	uint64_t n = 0;
	uint32_t cmd;
	int err;

	*out = NULL;
	if (vlp_device_write_refusal(dev))
		return vlp_error(ctx, EROFS, "queues refused: %s", vlp_device_write_refusal(dev));
	if (vlp_device_origin(dev) != VLP_ORIGIN_LIVE)
		return vlp_error(ctx, EROFS,
				 "queues refused: a device read from a file has no memory to DMA into");
	if (vlp_block_find(ctx, layout, VLP_BLOCK_COMMON, &reg))
		return vlp_error(
			ctx, EOPNOTSUPP,
			"queues refused: no common configuration (legacy interface only; modern rings are set up through 4.1.4.3)");
	err = vlp_reg_row(ctx, layout, VLP_BLOCK_COMMON, VLP_COMMON_NUM_QUEUES, &reg);
	if (!err)
		err = vlp_reg_read(ctx, dev, layout, &reg, NULL, 0, &n);
	if (err)
		return err;
	if (!vlp_device_dry_run(dev)) {
		err = vlp_dma_check_device(ctx, vlp_device_slot(dev), opts ? opts->sys_root : NULL);
		if (err)
			return err;
	}
	v = calloc(1, sizeof(*v));
	if (!v || !(v->q = calloc(n ? n : 1, sizeof(*v->q)))) {
		free(v);
		return vlp_error(ctx, ENOMEM, "out of memory");
	}
	v->dev = dev;
	v->layout = layout;
	v->nq = (unsigned)n;
	v->plain = vlp_device_dry_run(dev);
	/* PCI Command bit 2: without bus mastering the device cannot reach
	 * memory.  Enabled for the run, restored by vlp_vqs_close. */
	err = vlp_config_read(ctx, dev, master->offset, master->width, &cmd);
	if (!err) {
		v->command_valid = true;
		v->command = (uint16_t)cmd;
		if (!vlp_field_extract(master, cmd)) {
			err = vlp_config_write(ctx, dev, master->offset, master->width,
					       cmd | master->mask << master->shift);
			v->master_set = err == 0;
		}
	}
	if (err) {
		free(v->q);
		free(v);
		return err;
	}
	*out = v;
	return 0;
}

const struct vlp_vq_info *vlp_vqs_info(const struct vlp_vqs *vqs, unsigned q)
{
	return q < vqs->nq && vqs->q[q] ? vlp_vq_info(vqs->q[q]) : NULL;
}

unsigned vlp_vqs_count(const struct vlp_vqs *vqs)
{
	return vqs->nq;
}

static int write_row(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned row, unsigned q, uint64_t val)
{
	struct vlp_selection sel = { .queue = q };
	struct vlp_reg reg;
	int err = vlp_reg_row(ctx, v->layout, VLP_BLOCK_COMMON, row, &reg);

	return err ? err : vlp_reg_write(ctx, v->dev, v->layout, &reg, &sel, val);
}

static int read_row(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned row, unsigned q, uint64_t *val)
{
	struct vlp_selection sel = { .queue = q };
	struct vlp_reg reg;
	int err = vlp_reg_row(ctx, v->layout, VLP_BLOCK_COMMON, row, &reg);

	return err ? err : vlp_reg_read(ctx, v->dev, v->layout, &reg, &sel, 0, val);
}

int vlp_vqs_setup(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q, unsigned size,
		  const struct vlp_vq_info **info)
{
	uint32_t drv[VLP_FEATURE_WORDS];
	enum vlp_ring_format format;
	uint64_t max = 0, enabled = 0;
	struct vlp_vq *vq;
	int err;

	*info = NULL;
	if (q >= v->nq)
		return vlp_error(ctx, EINVAL, "queue %u: the device has %u queues", q, v->nq);
	if (v->q[q]) {
		if (size && size != vlp_vq_info(v->q[q])->size)
			return vlp_error(
				ctx, EBUSY,
				"queue %u is set up already (size %u): a new size needs a reset first (4.1.4.3.2)",
				q, vlp_vq_info(v->q[q])->size);
		*info = vlp_vq_info(v->q[q]);
		return 0;
	}
	err = vlp_features_read(ctx, v->dev, v->layout, true, drv);
	if (!err)
		err = read_row(ctx, v, VLP_COMMON_QUEUE_SIZE, q, &max);
	if (!err)
		err = read_row(ctx, v, VLP_COMMON_QUEUE_ENABLE, q, &enabled);
	if (err)
		return err;
	format = vlp_packed_ring_negotiated(drv) ? VLP_RING_PACKED : VLP_RING_SPLIT;
	/* 4.1.5.1.3: queue_size 0 means the queue is not available. */
	if (max == 0)
		return vlp_error(ctx, ENOENT,
				 "queue %u is not available (queue_size reads 0, 4.1.5.1.3)", q);
	if (enabled && !v->plain)
		return vlp_error(
			ctx, EBUSY,
			"queue %u is enabled already (by another driver?): reset the device first", q);
	if (!size)
		size = max < VQ_DEFAULT_SIZE ? (unsigned)max : VQ_DEFAULT_SIZE;
	if (size > max)
		return vlp_error(ctx, EINVAL,
				 "queue %u: size %u is above the device's maximum %u (queue_size)",
				 q, size, (unsigned)max);
	/* Dry runs: plain memory at made-up addresses 0x10000000 + 1 MiB per queue. */
	err = vlp_vq_new(ctx, size, format, drv[0] | (uint64_t)drv[1] << 32,
			 v->plain ? VLP_DMA_PLAIN : VLP_DMA_LOCKED,
			 0x10000000ull + ((uint64_t)q << 20), &vq);
	if (err)
		return err;
	/* Kept from here on: a device may use the addresses once written. */
	v->q[q] = vq;
	/* 4.1.5.1.3 (3.1.1 step 7): size, vector, the three areas, enable. */
	if (size != max)
		err = write_row(ctx, v, VLP_COMMON_QUEUE_SIZE, q, size);
	if (!err) /* 4.1.4.3: NO_VECTOR, the queue is polled */
		err = write_row(ctx, v, VLP_COMMON_QUEUE_MSIX_VECTOR, q, VLP_NO_VECTOR);
	if (!err)
		err = write_row(ctx, v, VLP_COMMON_QUEUE_DESC, q, vlp_vq_info(vq)->desc_pa);
	if (!err)
		err = write_row(ctx, v, VLP_COMMON_QUEUE_DRIVER, q, vlp_vq_info(vq)->driver_pa);
	if (!err)
		err = write_row(ctx, v, VLP_COMMON_QUEUE_DEVICE, q, vlp_vq_info(vq)->device_pa);
	if (!err)
		err = write_row(ctx, v, VLP_COMMON_QUEUE_ENABLE, q, 1);
	if (err)
		return err;
	*info = vlp_vq_info(vq);
	return 0;
}

static struct vlp_vq *queue_of(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q, const char *what)
{
	if (q < v->nq && v->q[q])
		return v->q[q];
	vlp_error(ctx, ENOENT, "%s: queue %u is not set up (queue setup %u)", what, q, q);
	return NULL;
}

int vlp_vqs_post(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q, bool device_writable,
		 const void *data, size_t data_len, size_t len, unsigned *id)
{
	struct vlp_vq *vq = queue_of(ctx, v, q, "post");

	return vq ? vlp_vq_post(ctx, vq, device_writable, data, data_len, len, id) : -ENOENT;
}

int vlp_vqs_post_chain(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q,
		       const struct vlp_vq_seg *segs, unsigned n, unsigned *id)
{
	struct vlp_vq *vq = queue_of(ctx, v, q, "post");

	return vq ? vlp_vq_post_chain(ctx, vq, segs, n, id) : -ENOENT;
}

int vlp_vqs_post_indirect(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q,
			  const struct vlp_vq_seg *segs, unsigned n, unsigned *id)
{
	struct vlp_vq *vq = queue_of(ctx, v, q, "post");

	return vq ? vlp_vq_post_indirect(ctx, vq, segs, n, id) : -ENOENT;
}

int vlp_vqs_hold(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q, bool hold)
{
	struct vlp_vq *vq = queue_of(ctx, v, q, "hold");

	return vq ? vlp_vq_hold(ctx, vq, hold) : -ENOENT;
}

int vlp_vqs_held_flags(struct vlp_vqs *v, unsigned q, unsigned slot, uint16_t *flags)
{
	return q < v->nq && v->q[q] ? vlp_vq_held_flags(v->q[q], slot, flags) : -ENOENT;
}

uint8_t *vlp_vqs_area(struct vlp_vqs *v, unsigned q, enum vlp_vq_area a)
{
	return q < v->nq && v->q[q] ? vlp_vq_area(v->q[q], a) : NULL;
}

const uint8_t *vlp_vqs_buf(const struct vlp_vqs *v, unsigned q, unsigned id, uint32_t *len)
{
	return q < v->nq && v->q[q] ? vlp_vq_buf(v->q[q], id, len) : NULL;
}

int vlp_vqs_notifications(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q, bool on)
{
	struct vlp_vq *vq = queue_of(ctx, v, q, "notifications");

	return vq ? vlp_vq_notifications(ctx, vq, q, on) : -ENOENT;
}

int vlp_vqs_used_event(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q, uint16_t idx)
{
	struct vlp_vq *vq = queue_of(ctx, v, q, "event index");

	return vq ? vlp_vq_used_event(ctx, vq, q, idx) : -ENOENT;
}

uint16_t vlp_vqs_next_used(const struct vlp_vqs *v, unsigned q)
{
	return q < v->nq && v->q[q] ? vlp_vq_next_used(v->q[q]) : 0;
}

int vlp_vqs_kick(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q, struct vlp_notify *n)
{
	struct vlp_vq *vq = queue_of(ctx, v, q, "kick");
	uint16_t next;

	if (!vq)
		return -ENOENT;
	/* With VIRTIO_F_NOTIFICATION_DATA the notification carries where the
	 * driver's next buffer goes. */
	next = vlp_vq_next_avail(vq);
	/* 2.7.13.4 / 2.8.21.3: the ring writes are seen before the notify. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vlp_queue_notify_next(ctx, v->dev, v->layout, q, &next, n);
}

int vlp_vqs_poll(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned q, unsigned timeout_ms,
		 struct vlp_vq_used *out, size_t max, size_t *n, unsigned *waited_ms)
{
	const struct timespec pause = { 0, 1000000 };
	struct vlp_vq *vq = queue_of(ctx, v, q, "poll");
	struct timespec t0, now;
	unsigned waited = 0;
	int err;

	*n = 0;
	if (waited_ms)
		*waited_ms = 0;
	if (!vq)
		return -ENOENT;
	if (timeout_ms > VLP_VQ_POLL_MAX_MS)
		return vlp_error(ctx, EINVAL, "poll: %u ms: at most %u", timeout_ms,
				 VLP_VQ_POLL_MAX_MS);
	if (!vlp_vq_info(vq)->in_flight)
		return vlp_error(ctx, ENOENT, "poll: queue %u has no buffer in flight (post first)", q);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		err = vlp_vq_reap(ctx, vq, out, max, n);
		if (err || *n)
			break;
		if (v->plain || waited >= timeout_ms) {
			err = vlp_error(
				ctx, ETIMEDOUT,
				"poll: queue %u: nothing used after %u ms (used.idx %u, %u in flight)%s",
				q, waited, vlp_vq_info(vq)->used_idx, vlp_vq_info(vq)->in_flight,
				v->plain ? " (dry run: nothing was written)" : "");
			break;
		}
		nanosleep(&pause, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (unsigned)((now.tv_sec - t0.tv_sec) * 1000 +
				    (now.tv_nsec - t0.tv_nsec) / 1000000);
	}
	if (waited_ms)
		*waited_ms = waited;
	return err;
}

int vlp_vqs_guestmem(struct vlp_ctx *ctx, const struct vlp_vqs *v, struct vlp_guestmem **out)
{
	struct vlp_guestmem *mem;
	int err;

	*out = NULL;
	err = vlp_guestmem_new_recorded(ctx, &mem);
	for (unsigned i = 0; !err && i < v->nq; i++)
		if (v->q[i])
			err = vlp_vq_add_to_guestmem(ctx, v->q[i], mem);
	if (err) {
		vlp_guestmem_free(mem);
		return err;
	}
	*out = mem;
	return 0;
}

bool vlp_vqs_in_use(const struct vlp_vqs *v)
{
	for (unsigned i = 0; v && i < v->nq; i++)
		if (v->q[i])
			return true;
	return false;
}

static bool chains_in_flight(const struct vlp_vqs *v)
{
	for (unsigned i = 0; i < v->nq; i++)
		if (v->q[i] && vlp_vq_info(v->q[i])->in_flight)
			return true;
	return false;
}

int vlp_vqs_close(struct vlp_ctx *ctx, struct vlp_vqs *v, unsigned *waited_ms)
{
	const struct vlp_field *master = &vlp_pci_command_table()->fields[VLP_CMD_BUS_MASTER];
	char why[300];
	bool freed;
	int err, cerr = 0;

	if (waited_ms)
		*waited_ms = 0;
	if (!v)
		return 0;
	/* 4.1.4.3.2: reset, and wait for device_status to read 0; only
	 * then does the device stop using the rings. */
	err = vlp_device_reset(ctx, v->dev, v->layout, VLP_RESET_TIMEOUT_MS, waited_ms);
	if (err)
		snprintf(why, sizeof(why), "%s", vlp_ctx_error(ctx));
	if (v->master_set)
		cerr = vlp_config_write(ctx, v->dev, master->offset, master->width, v->command);
	/* A device that did not reset may still write: its memory is freed
	 * only when bus mastering is off again, else kept (locked until the
	 * process ends). */
	freed = err == 0 || (v->master_set && cerr == 0) || v->plain;
	/* 2.4.1: a reset device leaves the rings alone.  One that completes
	 * a chain late anyway (a vhost-user back-end is not stopped by bus
	 * mastering) would write memory the system may already reuse: with
	 * chains still in flight at the reset, the memory is kept a while. */
	if (freed && !v->plain && chains_in_flight(v)) {
		const struct timespec grace = { 0, VQ_LATE_GRACE_MS * 1000000L };

		nanosleep(&grace, NULL);
	}
	if (freed) {
		for (unsigned i = 0; i < v->nq; i++)
			vlp_vq_free(v->q[i]);
		free(v->q);
	}
	free(v);
	if (err)
		return vlp_error(
			ctx, -err, "%s; %s", why,
			freed ? "bus mastering is off again: queue memory freed"
			      : "queue memory kept until the process ends (the device may still write it)");
	return cerr;
}
