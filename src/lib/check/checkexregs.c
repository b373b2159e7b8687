/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exercise checks' floor (below checkexercise.c): their verdicts,
 * register access, MSI-X with every vector masked (interrupts seen as
 * pending bits), and the checks made on the registers alone: reset,
 * features and FEATURES_OK, queue sizes, 64-bit configuration fields, the
 * configuration access window, vector mapping, the state after a reset.
 * Each cites the device requirement it tests (the registry's sentence,
 * check.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checkrun.h"

/* ------------------------------------------------------------ verdicts */

/* Check k ran (its findings, if any, reported before). */
void ex_ran(struct ex *x, enum ex_row k)
{
	if (x->decided[k])
		return;
	x->decided[k] = true;
	x->r.rep->checks_run++;
}

void ex_not_run(struct ex *x, enum ex_row k, const char *fmt, ...)
{
	char why[2 * VLP_CHECK_REASON_MAX]; /* chk_skip marks where it is cut */
	va_list ap;

	if (x->decided[k])
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	x->decided[k] = true;
	chk_skip(&x->r, x->check[k], why);
}

/* A finding of check k with its evidence; the check ran. */
void ex_fail(struct ex *x, enum ex_row k, enum vlp_severity sev, const char *where, const char *fmt, ...)
{
	struct vlp_finding f = { .severity = sev, .position = -1 };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f.message, sizeof(f.message), fmt, ap);
	va_end(ap);
	chk_add_finding(&x->r, x->check[k], &f, where);
	ex_ran(x, k);
}

/* ------------------------------------------------------------ registers */

int ex_common_read(struct ex *x, unsigned row, unsigned q, uint64_t *v)
{
	struct vlp_selection sel = { .queue = q };
	struct vlp_reg reg;
	int err = vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_COMMON, row, &reg);

	return err ? err : vlp_reg_read(x->r.ctx, x->dev, x->l, &reg, &sel, 0, v);
}

int ex_common_write(struct ex *x, unsigned row, unsigned q, uint64_t v)
{
	struct vlp_selection sel = { .queue = q };
	struct vlp_reg reg;
	int err = vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_COMMON, row, &reg);

	return err ? err : vlp_reg_write(x->r.ctx, x->dev, x->l, &reg, &sel, v);
}

static int feature_word(struct ex *x, unsigned row, uint32_t w, uint32_t *v)
{
	struct vlp_selection sel = { .device_feature_select = w, .driver_feature_select = w };
	struct vlp_reg reg;
	uint64_t val = 0;
	int err = vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_COMMON, row, &reg);

	if (!err)
		err = vlp_reg_read(x->r.ctx, x->dev, x->l, &reg, &sel, 0, &val);
	*v = (uint32_t)val;
	return err;
}

/* Reset, then ACKNOWLEDGE and DRIVER, then the feature words, then
 * FEATURES_OK: *accepted when it stayed set, *back device_status. */
int ex_negotiate(struct ex *x, const uint32_t words[VLP_FEATURE_WORDS], bool *accepted, uint64_t *back)
{
	int err = vlp_drive_reset(&x->d, NULL);

	if (!err)
		err = vlp_drive_set_status(&x->d, VLP_S_ACKNOWLEDGE, NULL);
	if (!err)
		err = vlp_drive_set_status(&x->d, VLP_S_DRIVER, NULL);
	if (!err)
		err = vlp_drive_write_features(&x->d, words);
	if (!err)
		err = vlp_drive_features_ok(&x->d, accepted, back);
	return err;
}

static int bar_read(struct ex *x, unsigned bar, uint64_t off, uint32_t *v)
{
	int err = vlp_bar_read(x->dev, bar, off, 4, v);

	return err ? vlp_error(x->r.ctx, -err, "BAR%u+0x%" PRIx64 ": read failed", bar, off) : 0;
}

/* ------------------------------------------------------------ MSI-X */

int ex_pba_word(struct ex *x, unsigned vector, uint32_t *w)
{
	return bar_read(x, x->pba_bar, x->pba_off + vector / 32 * 4, w);
}

/* The lowest vector with its pending bit set, or table_size when none. */
int ex_pba_first(struct ex *x, unsigned *first)
{
	*first = x->table_size;
	for (unsigned v = 0; v < x->table_size; v += 32) {
		uint32_t w;
		int err = ex_pba_word(x, v, &w);

		if (err)
			return err;
		for (unsigned b = 0; b < 32 && v + b < x->table_size; b++)
			if (w >> b & 1) {
				*first = v + b;
				return 0;
			}
	}
	return 0;
}

void ex_sleep_ms(unsigned ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* Waits up to PENDING_MS for vector's pending bit. */
int ex_pba_wait(struct ex *x, unsigned vector, bool *set)
{
	*set = false;
	for (unsigned t = 0; t <= PENDING_MS && !*set; t += 5) {
		uint32_t w;
		int err = ex_pba_word(x, vector, &w);

		if (err)
			return err;
		*set = w >> (vector % 32) & 1;
		if (!*set)
			ex_sleep_ms(5);
	}
	return 0;
}

/* MSI-X on with every vector masked by the Function Mask: the device's
 * interrupts set pending bits and reach no CPU (PCI 6.8.2.9). */
int ex_msix_begin(struct ex *x)
{
	const struct vlp_msix_cap *mc;
	uint32_t ctl;
	int err;

	if (x->l->msix_index < 0)
		return 0;
	mc = &x->l->caps[x->l->msix_index].u.msix;
	x->msix_pos = x->l->caps[x->l->msix_index].position;
	x->table_size = mc->table_size;
	x->pba_bar = mc->pba_bar;
	x->pba_off = mc->pba_offset;
	err = vlp_config_read(x->r.ctx, x->dev, x->msix_pos + MSIX_CONTROL, 2, &ctl);
	if (err)
		return err;
	x->msix_ctl = ctl;
	if ((ctl & (MSIX_ENABLE | MSIX_FMASK)) != (MSIX_ENABLE | MSIX_FMASK)) {
		err = vlp_config_write(x->r.ctx, x->dev, x->msix_pos + MSIX_CONTROL, 2,
				       ctl | MSIX_ENABLE | MSIX_FMASK);
		if (err)
			return err;
		x->msix_changed = true;
	}
	x->msix = x->table_size > 0;
	return 0;
}

int ex_msix_end(struct ex *x)
{
	if (!x->msix_changed)
		return 0;
	x->msix_changed = false;
	return vlp_config_write(x->r.ctx, x->dev, x->msix_pos + MSIX_CONTROL, 2, x->msix_ctl);
}

/* ------------------------------------------------------------ register checks */

/* device_feature for select 0-3 twice, again after a reset; VERSION_1. */
int ex_check_device_feature(struct ex *x)
{
	uint32_t a[VLP_FEATURE_WORDS], b, c;
	int err;

	for (uint32_t w = 0; w < VLP_FEATURE_WORDS; w++)
		if ((err = feature_word(x, VLP_COMMON_DEVICE_FEATURE, w, &a[w])) ||
		    (err = feature_word(x, VLP_COMMON_DEVICE_FEATURE, w, &b)))
			return err;
		else if (a[w] != b)
			ex_fail(x, XR_DEVICE_FEATURE, VLP_SEV_ERROR,
				chk_at_row(&x->r, VLP_COMMON_DEVICE_FEATURE),
				"device_feature_select %u: device_feature reads 0x%08" PRIx32
				", then 0x%08" PRIx32 " with nothing written between",
				w, a[w], b);
	if ((err = vlp_drive_reset(&x->d, NULL)))
		return err;
	for (uint32_t w = 0; w < VLP_FEATURE_WORDS; w++) {
		if ((err = feature_word(x, VLP_COMMON_DEVICE_FEATURE, w, &c)))
			return err;
		if (c != a[w])
			ex_fail(x, XR_DEVICE_FEATURE, VLP_SEV_ERROR,
				chk_at_row(&x->r, VLP_COMMON_DEVICE_FEATURE),
				"device_feature_select %u: device_feature reads 0x%08" PRIx32
				" after a reset, 0x%08" PRIx32 " before",
				w, c, a[w]);
		/* No feature bit from 64 up is defined (6, 5.x). */
		if (w >= 2 && a[w])
			ex_fail(x, XR_DEVICE_FEATURE, VLP_SEV_WARNING,
				chk_at_row(&x->r, VLP_COMMON_DEVICE_FEATURE),
				"device_feature_select %u: device_feature reads 0x%08" PRIx32
				": bits %u-%u are not defined by the spec",
				w, a[w], 32 * w, 32 * w + 31);
	}
	memcpy(x->offered, a, sizeof(a));
	ex_ran(x, XR_DEVICE_FEATURE);
	if (!vlp_feature_on(a, VLP_F_VERSION_1))
		ex_fail(x, XR_VERSION_1, VLP_SEV_ERROR, chk_at_row(&x->r, VLP_COMMON_DEVICE_FEATURE),
			"device_feature words 0x%08" PRIx32 " 0x%08" PRIx32
			": bit 32 (VIRTIO_F_VERSION_1) not offered",
			a[0], a[1]);
	ex_ran(x, XR_VERSION_1);
	return 0;
}

/* The set a driver of this tool accepts: VERSION_1, ACCESS_PLATFORM
 * (addresses are physical ones). */
static void valid_set(struct ex *x)
{
	memset(x->set, 0, sizeof(x->set));
	x->set[1] =
		x->offered[1] & (1u << (VLP_F_VERSION_1 - 32) | 1u << (VLP_F_ACCESS_PLATFORM - 32));
}

/* 2.2.2: an unoffered bit written must make FEATURES_OK fail; the valid
 * set accepted, and again after a reset; driver_feature reads it back. */
int ex_check_features_ok(struct ex *x)
{
	uint32_t words[VLP_FEATURE_WORDS];
	unsigned bit = 64;
	uint64_t back = 0, back2 = 0;
	bool accepted, again;
	int err;

	valid_set(x);
	for (unsigned b = 0; b < 64 && bit == 64; b++)
		if (!vlp_feature_on(x->offered, b))
			bit = b;
	if (bit == 64) {
		ex_not_run(x, XR_FOK_UNOFFERED, "the device offers every bit 0-63");
	} else {
		memcpy(words, x->set, sizeof(words));
		words[bit / 32] |= 1u << (bit % 32);
		if ((err = ex_negotiate(x, words, &accepted, &back)))
			return err;
		if (accepted)
			ex_fail(x, XR_FOK_UNOFFERED, VLP_SEV_ERROR,
				chk_at_row(&x->r, VLP_COMMON_DEVICE_STATUS),
				"driver_feature 0x%08" PRIx32 "%08" PRIx32
				" written (bit %u not offered: device_feature 0x%08" PRIx32
				"%08" PRIx32 "), FEATURES_OK set: device_status reads back 0x%02" PRIx64
				" with FEATURES_OK",
				words[1], words[0], bit, x->offered[1], x->offered[0], back);
		ex_ran(x, XR_FOK_UNOFFERED);
	}
	if ((err = ex_negotiate(x, x->set, &accepted, &back)))
		return err;
	x->set_accepted = accepted;
	if (!accepted) {
		ex_not_run(x, XR_FOK_AGAIN,
			   "FEATURES_OK refused the first time for 0x%08" PRIx32 "%08" PRIx32
			   " (device_status 0x%02" PRIx64 ")",
			   x->set[1], x->set[0], back);
		ex_not_run(x, XR_DRIVER_FEATURE, "FEATURES_OK refused for the driver's set");
		return 0;
	}
	for (uint32_t w = 0; w < 2; w++) {
		uint32_t v;

		if ((err = feature_word(x, VLP_COMMON_DRIVER_FEATURE, w, &v)))
			return err;
		/* "MAY present invalid bits": only the written ones must be there. */
		if ((v & x->set[w]) != x->set[w])
			ex_fail(x, XR_DRIVER_FEATURE, VLP_SEV_ERROR,
				chk_at_row(&x->r, VLP_COMMON_DRIVER_FEATURE),
				"driver_feature_select %u: driver_feature reads 0x%08" PRIx32
				" after the driver wrote 0x%08" PRIx32 " (FEATURES_OK accepted)",
				w, v, x->set[w]);
	}
	ex_ran(x, XR_DRIVER_FEATURE);
	if ((err = ex_negotiate(x, x->set, &again, &back2)))
		return err;
	if (!again)
		ex_fail(x, XR_FOK_AGAIN, VLP_SEV_WARNING, chk_at_row(&x->r, VLP_COMMON_DEVICE_STATUS),
			"features 0x%08" PRIx32 "%08" PRIx32 " accepted (device_status 0x%02" PRIx64
			"), refused after a reset (device_status 0x%02" PRIx64 ")",
			x->set[1], x->set[0], back, back2);
	ex_ran(x, XR_FOK_AGAIN);
	return vlp_drive_reset(&x->d, NULL);
}

/* 4.1.4.3.1: queue_size beyond num_queues, and a power of 2 after the
 * driver wrote another value. */
int ex_check_queue_size(struct ex *x)
{
	uint64_t size, back;
	int err;

	for (unsigned q = x->nq; q < x->nq + QUEUES_BEYOND && q <= 0xffff; q++) {
		if ((err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, q, &size)))
			return err;
		if (size)
			ex_fail(x, XR_QSIZE_UNAVAILABLE, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
				"queue_select %u (num_queues %u): queue_size reads %" PRIu64 ", not 0",
				q, x->nq, size);
	}
	ex_ran(x, XR_QSIZE_UNAVAILABLE);
	for (unsigned q = 0; q < x->nq; q++) {
		if ((err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, q, &size)))
			return err;
		if (size && !chk_is_pow2(size))
			ex_fail(x, XR_QSIZE_POW2, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
				"queue %u: queue_size reads %" PRIu64 " after a reset", q, size);
		if (size < 4 || x->decided[XR_QSIZE_POW2])
			continue;
		/* A driver MUST NOT write it (4.1.4.3.2), yet what the device
		 * then presents still has to be 0 or a power of 2. */
		if ((err = ex_common_write(x, VLP_COMMON_QUEUE_SIZE, q, size - 1)) ||
		    (err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, q, &back)))
			return err;
		if (back && !chk_is_pow2(back))
			ex_fail(x, XR_QSIZE_POW2, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
				"queue %u: queue_size reads %" PRIu64 " after the driver wrote %" PRIu64
				" (maximum %" PRIu64 ", VIRTIO_F_RING_PACKED not negotiated)",
				q, back, size - 1, size);
		ex_ran(x, XR_QSIZE_POW2);
		if ((err = vlp_drive_reset(&x->d, NULL)))
			return err;
	}
	ex_not_run(x, XR_QSIZE_POW2, "no queue with a queue_size of 4 or more");
	return 0;
}

/* 4.1.3.2: each 64-bit device configuration field in halves, low first
 * and high first, against the reader's value. */
int ex_check_config_64bit(struct ex *x)
{
	struct vlp_reg blk, reg;
	unsigned fields = 0;
	int err;

	if (vlp_block_find(x->r.ctx, x->l, VLP_BLOCK_DEVICE, &blk)) {
		ex_not_run(x, XR_CONFIG_64BIT, "no device configuration structure");
		return 0;
	}
	for (unsigned row = 0; row < blk.table->count; row++) {
		const struct vlp_field *f = &blk.table->fields[row];
		uint32_t lo1, hi1, lo2, hi2;
		uint64_t v;

		if (!f->hi_offset ||
		    (f->feature && !vlp_feature_on(x->offered, VLP_FEATURE_BIT(f->feature))) ||
		    vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_DEVICE, row, &reg))
			continue;
		if ((err = bar_read(x, reg.bar, reg.base + f->offset, &lo1)) ||
		    (err = bar_read(x, reg.bar, reg.base + f->hi_offset, &hi1)) ||
		    (err = bar_read(x, reg.bar, reg.base + f->hi_offset, &hi2)) ||
		    (err = bar_read(x, reg.bar, reg.base + f->offset, &lo2)) ||
		    (err = vlp_reg_read(x->r.ctx, x->dev, x->l, &reg, NULL, 0, &v)))
			return err;
		fields++;
		if (lo1 != lo2 || hi1 != hi2 || v != ((uint64_t)hi1 << 32 | lo1))
			ex_fail(x, XR_CONFIG_64BIT, VLP_SEV_ERROR, "device",
				"%s: low then high reads 0x%08" PRIx32 " 0x%08" PRIx32
				", high then low 0x%08" PRIx32 " 0x%08" PRIx32
				", the field 0x%016" PRIx64,
				f->name, lo1, hi1, lo2, hi2, v);
	}
	if (fields)
		ex_ran(x, XR_CONFIG_64BIT);
	else
		ex_not_run(x, XR_CONFIG_64BIT, "the device type's configuration has no 64-bit field");
	return 0;
}

/* 4.1.4.9.1: the first 24 bytes of the common configuration through the
 * window and through the BAR.  The window's registers are put back. */
int ex_check_pci_cfg_window(struct ex *x)
{
	static const unsigned offs[] = { 0x04, 0x0c, 0x10, 0x14 };
	const char *backend = vlp_device_backend(x->dev);
	int win = x->l->driver_uses[VLP_CFG_PCI];
	uint32_t bar0, off0, len0, via_win, via_bar;
	struct vlp_reg common;
	unsigned pos;
	int err = 0;

	if (win < 0) {
		ex_not_run(x, XR_PCI_CFG_WINDOW, "no PCI configuration access capability");
		return 0;
	}
	if (!backend || strcmp(backend, "mmap")) {
		ex_not_run(x, XR_PCI_CFG_WINDOW,
			   "the BARs are reached through the window itself (backend %s): nothing to compare with",
			   backend ? backend : "none");
		return 0;
	}
	if ((err = vlp_block_find(x->r.ctx, x->l, VLP_BLOCK_COMMON, &common)))
		return err;
	pos = x->l->caps[win].position;
	if ((err = vlp_config_read(x->r.ctx, x->dev, pos + WIN_BAR, 1, &bar0)) ||
	    (err = vlp_config_read(x->r.ctx, x->dev, pos + WIN_OFFSET, 4, &off0)) ||
	    (err = vlp_config_read(x->r.ctx, x->dev, pos + WIN_LENGTH, 4, &len0)))
		return err;
	for (size_t i = 0; i < VLP_ARRAY_SIZE(offs) && !err; i++) {
		uint64_t at = common.base + offs[i];

		if ((err = vlp_config_write(x->r.ctx, x->dev, pos + WIN_BAR, 1, common.bar)) ||
		    (err = vlp_config_write(x->r.ctx, x->dev, pos + WIN_OFFSET, 4, (uint32_t)at)) ||
		    (err = vlp_config_write(x->r.ctx, x->dev, pos + WIN_LENGTH, 4, 4)) ||
		    (err = vlp_config_read(x->r.ctx, x->dev, pos + WIN_DATA, 4, &via_win)) ||
		    (err = bar_read(x, common.bar, at, &via_bar)))
			break;
		if (via_win != via_bar)
			ex_fail(x, XR_PCI_CFG_WINDOW, VLP_SEV_ERROR, "pci_cfg",
				"BAR%u+0x%" PRIx64
				" (common configuration +0x%02x): the window reads 0x%08" PRIx32
				", the BAR 0x%08" PRIx32,
				common.bar, at, offs[i], via_win, via_bar);
	}
	/* Put the window back as found, whatever happened. */
	vlp_config_write(x->r.ctx, x->dev, pos + WIN_BAR, 1, bar0);
	vlp_config_write(x->r.ctx, x->dev, pos + WIN_OFFSET, 4, off0);
	vlp_config_write(x->r.ctx, x->dev, pos + WIN_LENGTH, 4, len0);
	if (!err)
		ex_ran(x, XR_PCI_CFG_WINDOW);
	return err;
}

/* 4.1.5.1.2.1: every valid vector taken and read back; one beyond the
 * table reads back NO_VECTOR. */
int ex_try_vector(struct ex *x, unsigned row, unsigned q, unsigned v, uint64_t *back)
{
	int err = ex_common_write(x, row, q, v);

	return err ? err : ex_common_read(x, row, q, back);
}

int ex_check_vectors(struct ex *x)
{
	const char *what;
	uint64_t back, size;
	int err;

	if (!x->msix) {
		ex_not_run(x, XR_VECTOR_MAP, "no MSI-X capability");
		ex_not_run(x, XR_VECTOR_MAP_FAIL, "no MSI-X capability");
		return 0;
	}
	for (unsigned v = 0; v < x->table_size; v++) {
		if (x->table_size > VECTORS_ALL_MAX && v != 0 && v != x->table_size / 2 &&
		    v != x->table_size - 1)
			continue;
		if ((err = ex_try_vector(x, VLP_COMMON_CONFIG_MSIX_VECTOR, 0, v, &back)))
			return err;
		if (back != v)
			ex_fail(x, XR_VECTOR_MAP, VLP_SEV_ERROR,
				chk_at_row(&x->r, VLP_COMMON_CONFIG_MSIX_VECTOR),
				"config_msix_vector reads 0x%04" PRIx64
				" after vector %u was written (table size %u)",
				back, v, x->table_size);
	}
	for (unsigned q = 0; q < x->nq; q++) {
		if ((err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, q, &size)))
			return err;
		for (unsigned i = 0; size && i < 2; i++) {
			unsigned v = i ? 0 : x->table_size - 1;

			if ((err = ex_try_vector(x, VLP_COMMON_QUEUE_MSIX_VECTOR, q, v, &back)))
				return err;
			if (back != v)
				ex_fail(x, XR_VECTOR_MAP, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
					"queue %u: queue_msix_vector reads 0x%04" PRIx64
					" after vector %u was written (table size %u)",
					q, back, v, x->table_size);
		}
	}
	ex_ran(x, XR_VECTOR_MAP);
	for (unsigned i = 0; i < 2; i++) {
		unsigned row = i ? VLP_COMMON_QUEUE_MSIX_VECTOR : VLP_COMMON_CONFIG_MSIX_VECTOR;

		if (i && !x->nq)
			break;
		what = vlp_common_cfg_table()->fields[row].name;
		if ((err = ex_try_vector(x, row, 0, x->table_size, &back)))
			return err;
		if (back != VLP_NO_VECTOR)
			ex_fail(x, XR_VECTOR_MAP_FAIL, VLP_SEV_ERROR,
				i ? chk_at_queue(&x->r, 0) : chk_at_row(&x->r, row),
				"%s%s reads 0x%04" PRIx64
				" after vector %u, beyond the %u-entry MSI-X table, was written",
				i ? "queue 0: " : "", what, back, x->table_size, x->table_size);
	}
	ex_ran(x, XR_VECTOR_MAP_FAIL);
	return 0;
}

/* After a reset: status 0, queues disabled, vectors unmapped. */
int ex_check_after_reset(struct ex *x, const char *before)
{
	uint64_t v;
	unsigned waited = 0;
	int err = vlp_drive_reset(&x->d, &waited);

	if (err == -ETIMEDOUT) {
		ex_fail(x, XR_RESET_STATUS, VLP_SEV_ERROR, chk_at_row(&x->r, VLP_COMMON_DEVICE_STATUS),
			"%s (%s)", vlp_ctx_error(x->r.ctx), before);
		ex_not_run(x, XR_RESET_QUEUE_ENABLE, "the reset did not complete");
		ex_not_run(x, XR_RESET_VECTORS, "the reset did not complete");
		return 0;
	}
	if (err)
		return err;
	ex_ran(x, XR_RESET_STATUS);
	for (unsigned q = 0; q < x->nq; q++) {
		if ((err = ex_common_read(x, VLP_COMMON_QUEUE_ENABLE, q, &v)))
			return err;
		if (v)
			ex_fail(x, XR_RESET_QUEUE_ENABLE, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
				"queue %u: queue_enable reads %" PRIu64 " after a reset (%s)", q, v,
				before);
	}
	ex_ran(x, XR_RESET_QUEUE_ENABLE);
	if (!x->msix) {
		ex_not_run(x, XR_RESET_VECTORS, "no MSI-X capability");
		return 0;
	}
	if ((err = ex_common_read(x, VLP_COMMON_CONFIG_MSIX_VECTOR, 0, &v)))
		return err;
	if (v != VLP_NO_VECTOR)
		ex_fail(x, XR_RESET_VECTORS, VLP_SEV_ERROR,
			chk_at_row(&x->r, VLP_COMMON_CONFIG_MSIX_VECTOR),
			"config_msix_vector reads 0x%04" PRIx64 " after a reset (%s)", v, before);
	for (unsigned q = 0; q < x->nq; q++) {
		if ((err = ex_common_read(x, VLP_COMMON_QUEUE_MSIX_VECTOR, q, &v)))
			return err;
		if (v != VLP_NO_VECTOR)
			ex_fail(x, XR_RESET_VECTORS, VLP_SEV_ERROR, chk_at_queue(&x->r, q),
				"queue %u: queue_msix_vector reads 0x%04" PRIx64 " after a reset (%s)",
				q, v, before);
	}
	ex_ran(x, XR_RESET_VECTORS);
	return 0;
}

/* Every event mapped to a valid vector, so that the reset has something
 * to unmap. */
int ex_map_all(struct ex *x)
{
	uint64_t size;
	int err = 0;

	if (!x->msix)
		return 0;
	err = ex_common_write(x, VLP_COMMON_CONFIG_MSIX_VECTOR, 0, 0);
	for (unsigned q = 0; q < x->nq && !err; q++)
		if (!(err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, q, &size)) && size)
			err = ex_common_write(x, VLP_COMMON_QUEUE_MSIX_VECTOR, q, x->table_size - 1);
	return err;
}
