/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Registers by name: one field of a register block read or written through
 * the device's BAR access, for the REPL, the live view and the checker.
 * The spec's access rules are kept here, as in the state readers:
 * - exact widths, 64-bit fields as two 32-bit accesses, low half first
 *   (4.1.3.1);
 * - a selector-dependent field is reached by saving the selector, moving it,
 *   making the access and putting it back;
 * - device configuration reads inside the config_generation loop (2.5.1);
 * - read-to-clear registers (ISR, 4.1.4.5) only when the caller says so;
 * - fields the driver must not write are refused with the section saying so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define RESET_POLL_NS 1000000L /* 1 ms between reads of device_status */

/* Each block's name (what the REPL takes before the dot) and where the
 * spec says a field of the block is read-only for the driver. */
static const struct {
	const char *name, *ro_section;
} blocks[VLP_BLOCK_COUNT] = {
	[VLP_BLOCK_COMMON] = { "common", "4.1.4.3.2" },
	[VLP_BLOCK_DEVICE] = { "device", "2.5" },
	[VLP_BLOCK_ISR] = { "isr", "4.1.4.5" },
	[VLP_BLOCK_LEGACY] = { "legacy", "4.1.4.10" },
	[VLP_BLOCK_LEGACY_DEVICE] = { "legacy_device", "4.1.4.10" },
};

const char *vlp_block_name(enum vlp_block b)
{
	return (unsigned)b < VLP_BLOCK_COUNT ? blocks[b].name : NULL;
}

static const struct vlp_virtio_cap *used_cap(const struct vlp_layout *l, unsigned cfg_type)
{
	int idx = l->driver_uses[cfg_type];

	return idx >= 0 ? &l->caps[idx].u.virtio : NULL;
}

int vlp_block_find(struct vlp_ctx *ctx, const struct vlp_layout *l, enum vlp_block b,
		   struct vlp_reg *out)
{
	const struct vlp_virtio_cap *c = NULL;
	const struct vlp_field_table *t = NULL;
	unsigned type = l->virtio.device_type.valid ? (unsigned)l->virtio.device_type.value : 0;

	memset(out, 0, sizeof(*out));
	out->block = b;
	out->element = -1;
	switch (b) {
	case VLP_BLOCK_COMMON:
		c = used_cap(l, VLP_CFG_COMMON);
		t = vlp_common_cfg_table();
		break;
	case VLP_BLOCK_DEVICE:
		c = used_cap(l, VLP_CFG_DEVICE);
		t = vlp_device_config_table(type);
		break;
	case VLP_BLOCK_ISR:
		c = used_cap(l, VLP_CFG_ISR);
		t = vlp_isr_table();
		break;
	case VLP_BLOCK_LEGACY:
	case VLP_BLOCK_LEGACY_DEVICE:
		if (!l->legacy.present || !l->legacy.bar0_is_io)
			return vlp_error(ctx, ENOENT, "no legacy interface (I/O BAR0)");
		out->bar = 0;
		if (b == VLP_BLOCK_LEGACY) {
			out->table = vlp_legacy_header_table();
			out->length = out->table->size;
			return 0;
		}
		/* 4.1.4.10: the device-specific part follows at 20, or 24
		 * while MSI-X is enabled. */
		out->table = vlp_device_config_table(type);
		if (!out->table || !l->legacy.device_config_offset.valid)
			return vlp_error(ctx, ENOENT,
					 "no legacy device configuration known for this device");
		out->base = l->legacy.device_config_offset.value;
		out->length = out->table->size;
		return 0;
	default:
		return vlp_error(ctx, EINVAL, "unknown register block %d", (int)b);
	}
	if (!c)
		return vlp_error(ctx, ENOENT, "the device has no %s structure a driver would use",
				 vlp_cfg_type_label(b == VLP_BLOCK_COMMON   ? VLP_CFG_COMMON
						    : b == VLP_BLOCK_DEVICE ? VLP_CFG_DEVICE
									    : VLP_CFG_ISR));
	if (!t)
		return vlp_error(ctx, ENOENT,
				 "no field table for the configuration of device type %u", type);
	out->table = t;
	out->bar = c->bar;
	out->base = c->offset;
	out->length = c->length < t->size ? c->length : t->size;
	return 0;
}

/* "[block.]field[[index]]": without a block, the common configuration, the
 * device configuration, then the legacy header (legacy devices: the legacy
 * header and its device part first). */
int vlp_reg_find(struct vlp_ctx *ctx, const struct vlp_layout *l, const char *name, struct vlp_reg *out)
{
	static const enum vlp_block modern_order[] = { VLP_BLOCK_COMMON, VLP_BLOCK_DEVICE,
						       VLP_BLOCK_ISR, VLP_BLOCK_LEGACY,
						       VLP_BLOCK_LEGACY_DEVICE };
	static const enum vlp_block legacy_order[] = { VLP_BLOCK_LEGACY, VLP_BLOCK_LEGACY_DEVICE };
	const enum vlp_block *order = modern_order;
	size_t norder = VLP_ARRAY_SIZE(modern_order);
	char field[64];
	const char *dot = strchr(name, '.'), *bracket;
	int element = -1;
	size_t len;

	if (dot) {
		norder = 0;
		for (unsigned b = 0; b < VLP_BLOCK_COUNT; b++)
			if (strlen(blocks[b].name) == (size_t)(dot - name) &&
			    !strncmp(name, blocks[b].name, (size_t)(dot - name))) {
				order = &modern_order[b];
				norder = 1;
			}
		if (!norder)
			return vlp_error(ctx, ENOENT,
					 "%s: unknown block (common, device, isr, legacy, legacy_device)",
					 name);
		name = dot + 1;
	} else if (used_cap(l, VLP_CFG_COMMON) == NULL && l->legacy.present) {
		order = legacy_order;
		norder = VLP_ARRAY_SIZE(legacy_order);
	}
	bracket = strchr(name, '[');
	len = bracket ? (size_t)(bracket - name) : strlen(name);
	if (!len || len >= sizeof(field))
		return vlp_error(ctx, ENOENT, "'%s': not a field name", name);
	memcpy(field, name, len);
	field[len] = '\0';
	if (bracket) {
		char *end;
		unsigned long v = strtoul(bracket + 1, &end, 0);

		if (end == bracket + 1 || strcmp(end, "]") || v > UINT16_MAX)
			return vlp_error(ctx, EINVAL, "%s: bad array index", name);
		element = (int)v;
	}
	for (size_t i = 0; i < norder; i++) {
		const struct vlp_field *f;

		if (vlp_block_find(ctx, l, order[i], out)) {
			if (dot)
				return -ENOENT; /* the named block is missing: say so */
			continue;
		}
		f = vlp_field_find(out->table, field);
		if (!f)
			continue;
		out->field = f;
		out->element = element;
		if (element >= 0 && element >= (f->count > 1 ? f->count : 1))
			return vlp_error(ctx, ERANGE, "%s: index %d out of range (%u elements)",
					 field, element, f->count > 1 ? f->count : 1);
		if (element < 0 && f->count > 1)
			out->element = -1; /* whole array: the caller reads elements */
		return 0;
	}
	return vlp_error(ctx, ENOENT, "no field '%s' on this device", field);
}

bool vlp_reg_exists(const struct vlp_reg *reg)
{
	const struct vlp_field *f = reg->field;
	unsigned end;

	if (!f)
		return false;
	end = f->offset + f->width * (f->count > 1 ? f->count : 1);
	if (f->hi_offset && f->hi_offset + 4u > end)
		end = f->hi_offset + 4u;
	return end <= reg->length;
}

/* The selector row (of reg's table) the field depends on; -1 none. */
static int selector_reg(const struct vlp_reg *reg)
{
	switch (reg->field->selector) {
	case VLP_SEL_QUEUE:
		return reg->block == VLP_BLOCK_COMMON   ? VLP_COMMON_QUEUE_SELECT
		       : reg->block == VLP_BLOCK_LEGACY ? VLP_LEGACY_QUEUE_SELECT
							: -1;
	case VLP_SEL_DEVICE_FEATURE:
		return reg->block == VLP_BLOCK_COMMON ? VLP_COMMON_DEVICE_FEATURE_SELECT : -1;
	case VLP_SEL_DRIVER_FEATURE:
		return reg->block == VLP_BLOCK_COMMON ? VLP_COMMON_DRIVER_FEATURE_SELECT : -1;
	case VLP_SEL_NONE:
		break;
	}
	return -1;
}

static uint32_t selection_for(const struct vlp_field *f, const struct vlp_selection *sel)
{
	switch (f->selector) {
	case VLP_SEL_QUEUE:
		return sel->queue;
	case VLP_SEL_DEVICE_FEATURE:
		return sel->device_feature_select;
	case VLP_SEL_DRIVER_FEATURE:
		return sel->driver_feature_select;
	case VLP_SEL_NONE:
		break;
	}
	return 0;
}

static int access_error(struct vlp_ctx *ctx, struct vlp_device *dev, int err, const char *what,
			const struct vlp_reg *reg, uint64_t off)
{
	const char *why = vlp_device_write_refusal(dev);

	if ((err == -EROFS || err == -EBUSY) && why)
		return vlp_error(ctx, -err, "%s: writes refused: %s",
				 reg->field ? reg->field->name : what, why);
	if (err == -ENODEV)
		return vlp_error(ctx, ENODEV, "%s: no access to BAR%u", what, reg->bar);
	if ((err == -ENOENT || err == -ENODATA) && dev->snapshot)
		return vlp_error(ctx, ENODATA, "%s: BAR%u+0x%llx was not recorded in the snapshot",
				 what, reg->bar, (unsigned long long)off);
	if (err == -EPERM)
		return vlp_error(
			ctx, EPERM,
			"%s: no BAR access: %s%sthe PCI configuration access window needs config space writes, which are refused (EPERM)",
			what, vlp_bars_why(dev) ? vlp_bars_why(dev) : "",
			vlp_bars_why(dev) ? "; " : "");
	return vlp_error(ctx, -err, "%s at BAR%u+0x%llx: %s", what, reg->bar,
			 (unsigned long long)off, strerror(-err));
}

/* Moves the block's selector for f to the selection, remembering the value
 * to restore; nothing when the field has no selector. */
/* The selector the field depends on, saved and moved to the selection
 * (access.c); m->moved stays false when there is none. */
static int move_selector(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_reg *reg,
			 const struct vlp_selection *sel, struct vlp_sel_save *m)
{
	const struct vlp_field *sf;
	int row = selector_reg(reg);
	int err;

	*m = (struct vlp_sel_save){ 0 };
	if (row < 0)
		return 0;
	sf = &reg->table->fields[row];
	err = vlp_selector_save(dev, reg->bar, reg->base + sf->offset, sf->width, m);
	if (!err)
		err = vlp_selector_move(dev, m, selection_for(reg->field, sel));
	return err ? access_error(ctx, dev, err, sf->name, reg, m->off) : 0;
}

static void restore_selector(struct vlp_device *dev, struct vlp_sel_save *m)
{
	if (m->moved)
		vlp_selector_restore(dev, m);
}

/* The access itself: one element, or the scalar (64-bit: low then high). */
static int raw_read(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_reg *reg,
		    uint64_t *val)
{
	const struct vlp_field *f = reg->field;
	uint64_t off =
		reg->base + f->offset + (reg->element > 0 ? (uint64_t)reg->element * f->width : 0);
	uint32_t lo, hi = 0;
	int err;

	err = vlp_bar_read(dev, reg->bar, off, f->width, &lo);
	if (err)
		return access_error(ctx, dev, err, f->name, reg, off);
	if (f->hi_offset) {
		err = vlp_bar_read(dev, reg->bar, reg->base + f->hi_offset, 4, &hi);
		if (err)
			return access_error(ctx, dev, err, f->name, reg, reg->base + f->hi_offset);
	}
	*val = (uint64_t)hi << 32 | lo;
	return 0;
}

static int check_reg(struct vlp_ctx *ctx, const struct vlp_reg *reg)
{
	const struct vlp_field *f = reg->field;

	if (!f)
		return vlp_error(ctx, EINVAL, "no field given");
	if (!vlp_reg_exists(reg))
		return vlp_error(ctx, ERANGE,
				 "%s: at 0x%x, past the end of the %s structure (%llu bytes)", f->name,
				 f->offset, blocks[reg->block].name, (unsigned long long)reg->length);
	if (f->count > 1 && reg->element < 0)
		return vlp_error(ctx, EINVAL, "%s is an array of %u: give an element, %s[0]",
				 f->name, f->count, f->name);
	return 0;
}

/* One field read inside the generation loop; failed: the error is the
 * field's and its message is already in ctx. */
struct field_read {
	struct vlp_ctx *ctx;
	struct vlp_device *dev;
	const struct vlp_reg *reg;
	uint64_t *val;
	bool failed;
};

static int read_field(void *arg)
{
	struct field_read *fr = arg;
	int err = raw_read(fr->ctx, fr->dev, fr->reg, fr->val);

	fr->failed = err != 0;
	return err;
}

/* config_generation of the common configuration, for the device
 * configuration retry loop; false when there is none. */
static bool generation_reg(struct vlp_ctx *ctx, const struct vlp_layout *l, struct vlp_reg *g)
{
	if (vlp_block_find(ctx, l, VLP_BLOCK_COMMON, g))
		return false;
	g->field = &g->table->fields[VLP_COMMON_CONFIG_GENERATION];
	return vlp_reg_exists(g);
}

int vlp_reg_read(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		 const struct vlp_reg *reg, const struct vlp_selection *sel, unsigned flags,
		 uint64_t *val)
{
	static const struct vlp_selection none = { 0 };
	const struct vlp_field *f = reg->field;
	struct vlp_reg gen;
	struct vlp_sel_save m;
	int err;

	err = check_reg(ctx, reg);
	if (err || !f)
		return err ? err : -EINVAL;
	if (f->access == VLP_WO || (f->flags & VLP_FIELD_NOTIFIES))
		return vlp_error(ctx, EACCES, "%s is write-only", f->name);
	/* 4.1.4.5: reading the ISR clears it and de-asserts the interrupt. */
	if ((f->flags & VLP_FIELD_READ_CLEARS) && !(flags & VLP_REG_READ_CLEARS))
		return vlp_error(ctx, EACCES,
				 "%s: reading clears it (4.1.4.5); not read unless asked", f->name);
	err = move_selector(ctx, dev, reg, sel ? sel : &none, &m);
	if (err)
		return err;
	if (reg->block != VLP_BLOCK_DEVICE || !generation_reg(ctx, l, &gen)) {
		err = raw_read(ctx, dev, reg, val);
	} else {
		/* 2.5.1: a field wider than 32 bits (or several) is read between
		 * two equal config_generation values (access.c). */
		struct field_read fr = { ctx, dev, reg, val, false };
		uint64_t gen_off = gen.base + gen.field->offset;

		err = vlp_read_consistent(dev, gen.bar, gen_off, read_field, &fr, NULL);
		if (err == -EAGAIN)
			err = vlp_error(ctx, EAGAIN,
					"%s: config_generation kept changing over %d reads (2.5.1)",
					f->name, VLP_GENERATION_TRIES);
		else if (err && !fr.failed)
			err = access_error(ctx, dev, err, gen.field->name, &gen, gen_off);
	}
	restore_selector(dev, &m);
	return err;
}

int vlp_reg_check_value(struct vlp_ctx *ctx, const struct vlp_reg *reg, uint64_t val)
{
	const struct vlp_field *f = reg->field;
	unsigned bits = f->hi_offset ? 64 : f->width * 8u;
	int err = check_reg(ctx, reg);

	if (err)
		return err;
	if (f->access == VLP_RO)
		return vlp_error(ctx, EACCES, "%s is read-only for the driver (%s)", f->name,
				 blocks[reg->block].ro_section);
	if (bits < 64 && val >> bits)
		return vlp_error(ctx, ERANGE, "0x%llx does not fit %s (%u bits)",
				 (unsigned long long)val, f->name, bits);
	return 0;
}

const char *vlp_reg_driver_rule(const struct vlp_reg *reg, uint64_t val, bool packed_ring,
				char *buf, size_t len)
{
	const struct vlp_field *f = reg->field;

	if (!f || reg->block != VLP_BLOCK_COMMON)
		return NULL;
	/* 4.1.4.3.2: "The driver MUST NOT write a 0 to queue_enable." */
	if (f == &reg->table->fields[VLP_COMMON_QUEUE_ENABLE] && val == 0) {
		snprintf(buf, len,
			 "the driver must not write 0 to queue_enable (4.1.4.3.2): use queue_reset or a device reset");
		return buf;
	}
	/* 4.1.4.3.2: queue_size a power of 2 unless the ring is packed, and
	 * never 0 with a packed ring. */
	if (f == &reg->table->fields[VLP_COMMON_QUEUE_SIZE] && !packed_ring &&
	    (val == 0 || (val & (val - 1)))) {
		snprintf(buf, len, "queue_size %llu is not a power of 2 (4.1.4.3.2)",
			 (unsigned long long)val);
		return buf;
	}
	if (f == &reg->table->fields[VLP_COMMON_QUEUE_SIZE] && packed_ring && val == 0) {
		snprintf(buf, len, "queue_size 0 with a packed ring (4.1.4.3.2)");
		return buf;
	}
	return NULL;
}

int vlp_reg_write(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		  const struct vlp_reg *reg, const struct vlp_selection *sel, uint64_t val)
{
	static const struct vlp_selection none = { 0 };
	const struct vlp_field *f = reg->field;
	uint64_t off;
	struct vlp_sel_save m;
	int err;

	(void)l;
	err = vlp_reg_check_value(ctx, reg, val);
	if (err)
		return err;
	if (vlp_device_write_refusal(dev) && !(f->flags & VLP_FIELD_SELECTOR))
		return vlp_error(ctx, dev->policy.refusal_err, "%s: writes refused: %s", f->name,
				 vlp_device_write_refusal(dev));
	err = move_selector(ctx, dev, reg, sel ? sel : &none, &m);
	if (err)
		return err;
	off = reg->base + f->offset + (reg->element > 0 ? (uint64_t)reg->element * f->width : 0);
	/* 4.1.3.1: a 64-bit field as two 32-bit writes, low half first. */
	err = vlp_bar_write(dev, reg->bar, off, f->width, (uint32_t)val);
	if (err)
		err = access_error(ctx, dev, err, f->name, reg, off);
	if (!err && f->hi_offset) {
		off = reg->base + f->hi_offset;
		err = vlp_bar_write(dev, reg->bar, off, 4, (uint32_t)(val >> 32));
		if (err)
			err = access_error(ctx, dev, err, f->name, reg, off);
	}
	restore_selector(dev, &m);
	return err;
}

/* ------------------------------------------------------------ operations */

int vlp_reg_row(struct vlp_ctx *ctx, const struct vlp_layout *l, enum vlp_block b, unsigned row,
		struct vlp_reg *out)
{
	int err = vlp_block_find(ctx, l, b, out);

	if (err)
		return err;
	if (row >= out->table->count)
		return vlp_error(ctx, EINVAL, "%s: no row %u", out->table->name, row);
	out->field = &out->table->fields[row];
	out->element = -1;
	if (!vlp_reg_exists(out))
		return vlp_error(ctx, ERANGE,
				 "%s: at 0x%x, past the end of the %s structure (%llu bytes)",
				 out->field->name, out->field->offset, blocks[b].name,
				 (unsigned long long)out->length);
	return 0;
}

/* device_status (2.1): the common configuration's, or the legacy header's
 * on a device without one (4.1.4.10). */
int vlp_reg_device_status(struct vlp_ctx *ctx, const struct vlp_layout *l, struct vlp_reg *out)
{
	if (used_cap(l, VLP_CFG_COMMON) == NULL && l->legacy.present)
		return vlp_reg_row(ctx, l, VLP_BLOCK_LEGACY, VLP_LEGACY_DEVICE_STATUS, out);
	return vlp_reg_row(ctx, l, VLP_BLOCK_COMMON, VLP_COMMON_DEVICE_STATUS, out);
}

int vlp_features_read(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		      bool driver, uint32_t words[VLP_FEATURE_WORDS])
{
	struct vlp_selection sel = { 0 };
	struct vlp_reg reg;
	uint64_t v = 0;
	int err;

	memset(words, 0, VLP_FEATURE_WORDS * sizeof(*words));
	if (vlp_block_find(ctx, l, VLP_BLOCK_COMMON, &reg) == 0) {
		err = vlp_reg_row(ctx, l, VLP_BLOCK_COMMON,
				  driver ? VLP_COMMON_DRIVER_FEATURE : VLP_COMMON_DEVICE_FEATURE,
				  &reg);
		for (unsigned w = 0; !err && w < VLP_FEATURE_WORDS; w++) {
			sel.device_feature_select = sel.driver_feature_select = w;
			err = vlp_reg_read(ctx, dev, l, &reg, &sel, 0, &v);
			words[w] = err ? 0 : (uint32_t)v;
		}
		return err;
	}
	/* Legacy: 32 feature bits only (4.1.4.10). */
	err = vlp_reg_row(ctx, l, VLP_BLOCK_LEGACY,
			  driver ? VLP_LEGACY_GUEST_FEATURES : VLP_LEGACY_HOST_FEATURES, &reg);
	if (!err)
		err = vlp_reg_read(ctx, dev, l, &reg, &sel, 0, &v);
	words[0] = err ? 0 : (uint32_t)v;
	return err;
}

int vlp_features_write(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		       const uint32_t words[VLP_FEATURE_WORDS])
{
	struct vlp_selection sel = { 0 };
	struct vlp_reg reg;
	int err;

	if (vlp_block_find(ctx, l, VLP_BLOCK_COMMON, &reg) == 0) {
		err = vlp_reg_row(ctx, l, VLP_BLOCK_COMMON, VLP_COMMON_DRIVER_FEATURE, &reg);
		for (unsigned w = 0; !err && w < VLP_FEATURE_WORDS; w++) {
			sel.driver_feature_select = w;
			err = vlp_reg_write(ctx, dev, l, &reg, &sel, words[w]);
		}
		return err;
	}
	for (unsigned w = 1; w < VLP_FEATURE_WORDS; w++)
		if (words[w])
			return vlp_error(ctx, ERANGE,
					 "a legacy interface has feature bits 0-31 only (4.1.4.10)");
	err = vlp_reg_row(ctx, l, VLP_BLOCK_LEGACY, VLP_LEGACY_GUEST_FEATURES, &reg);
	return err ? err : vlp_reg_write(ctx, dev, l, &reg, &sel, words[0]);
}

int vlp_device_reset(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		     unsigned timeout_ms, unsigned *waited_ms)
{
	const struct timespec pause = { 0, RESET_POLL_NS };
	struct vlp_reg reg;
	uint64_t status = 0;
	unsigned waited = 0;
	int err;

	if (waited_ms)
		*waited_ms = 0;
	err = vlp_reg_device_status(ctx, l, &reg);
	if (!err)
		err = vlp_reg_write(ctx, dev, l, &reg, NULL, 0);
	if (err || vlp_device_dry_run(dev))
		return err;
	/* 4.1.4.3.2: after writing 0, the driver MUST wait for a read of
	 * device_status to return 0 before reinitializing. */
	for (;;) {
		err = vlp_reg_read(ctx, dev, l, &reg, NULL, 0, &status);
		if (err)
			return err;
		if (status == 0)
			break;
		if (waited >= timeout_ms)
			return vlp_error(
				ctx, ETIMEDOUT,
				"reset: device_status still reads 0x%02llx after %u ms (4.1.4.3.2)",
				(unsigned long long)status, waited);
		nanosleep(&pause, NULL);
		waited++;
	}
	if (waited_ms)
		*waited_ms = waited;
	return 0;
}

static int queue_notify(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
			unsigned queue, const uint16_t *next, struct vlp_notify *out)
{
	const struct vlp_virtio_cap *n = used_cap(l, VLP_CFG_NOTIFY);
	struct vlp_selection sel = { .queue = queue };
	uint32_t device[VLP_FEATURE_WORDS], driver[VLP_FEATURE_WORDS], features[VLP_FEATURE_WORDS];
	struct vlp_reg reg, num;
	uint64_t noff, nqueues, data;
	bool inside;
	int err;

	memset(out, 0, sizeof(*out));
	if (vlp_block_find(ctx, l, VLP_BLOCK_COMMON, &reg)) {
		/* Legacy: the queue index written to queue_notify (4.1.4.10). */
		err = vlp_reg_row(ctx, l, VLP_BLOCK_LEGACY, VLP_LEGACY_QUEUE_NOTIFY, &reg);
		if (err)
			return err;
		out->bar = 0;
		out->offset = reg.field->offset;
		out->width = 2;
		out->value = queue;
		err = vlp_bar_write(dev, 0, out->offset, 2, queue);
		return err ? access_error(ctx, dev, err, reg.field->name, &reg, out->offset) : 0;
	}
	if (!n || !n->has_multiplier)
		return vlp_error(ctx, ENOENT,
				 "the device has no notification structure a driver would use");
	err = vlp_reg_row(ctx, l, VLP_BLOCK_COMMON, VLP_COMMON_NUM_QUEUES, &num);
	if (!err)
		err = vlp_reg_read(ctx, dev, l, &num, NULL, 0, &nqueues);
	if (err)
		return err;
	if (queue >= nqueues)
		return vlp_error(ctx, ERANGE, "queue %u: the device has %llu queues", queue,
				 (unsigned long long)nqueues);
	/* The negotiated features decide (access.c). */
	err = vlp_features_read(ctx, dev, l, false, device);
	if (!err)
		err = vlp_features_read(ctx, dev, l, true, driver);
	vlp_features_negotiated(device, driver, features);
	if (!err)
		err = vlp_reg_row(ctx, l, VLP_BLOCK_COMMON, VLP_COMMON_QUEUE_NOTIFY_OFF, &reg);
	if (!err)
		err = vlp_reg_read(ctx, dev, l, &reg, &sel, 0, &noff);
	if (err)
		return err;
	/* 4.1.4.4 (access.c); with VIRTIO_F_NOTIFICATION_DATA the high half
	 * is next_off (15 bits) and next_wrap (bit 31), 4.1.5.2 / 2.9: the
	 * caller's position, else 0 (no buffers were made available). */
	vlp_notify_address(l, noff, features, out, &inside);
	if (out->width == 4 && !next)
		return vlp_error(
			ctx, EINVAL,
			"queue %u: VIRTIO_F_NOTIFICATION_DATA is negotiated and the next available position is not known (4.1.5.2)",
			queue);
	out->value = queue;
	/* 4.1.4.5.2 / 4.1.5.2: with VIRTIO_F_NOTIF_CONFIG_DATA the driver
	 * writes queue_notif_config_data instead of the index. */
	if (vlp_feature_on(features, VLP_F_NOTIF_CONFIG_DATA)) {
		err = vlp_reg_row(ctx, l, VLP_BLOCK_COMMON, VLP_COMMON_QUEUE_NOTIF_CONFIG_DATA, &reg);
		if (!err)
			err = vlp_reg_read(ctx, dev, l, &reg, &sel, 0, &data);
		if (err)
			return err;
		out->value = (uint32_t)data;
	}
	if (out->width == 4)
		out->value = (out->value & 0xffff) | (uint32_t)*next << 16;
	if (!inside)
		return vlp_error(
			ctx, ERANGE,
			"queue %u: notify address BAR%u+0x%llx lies outside the notification structure (4.1.4.4.1)",
			queue, n->bar, (unsigned long long)out->offset);
	if (vlp_device_write_refusal(dev))
		return vlp_error(ctx, dev->policy.refusal_err, "notify: writes refused: %s",
				 vlp_device_write_refusal(dev));
	err = vlp_bar_write(dev, out->bar, out->offset, out->width, out->value);
	if (err)
		return vlp_error(ctx, -err, "notify at BAR%u+0x%llx: %s", out->bar,
				 (unsigned long long)out->offset, strerror(-err));
	return 0;
}

int vlp_queue_notify(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		     unsigned queue, struct vlp_notify *out)
{
	static const uint16_t none;

	return queue_notify(ctx, dev, l, queue, &none, out);
}

int vlp_queue_notify_next(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
			  unsigned queue, const uint16_t *next, struct vlp_notify *out)
{
	return queue_notify(ctx, dev, l, queue, next, out);
}

bool vlp_packed_ring_negotiated(const uint32_t driver_words[VLP_FEATURE_WORDS])
{
	return vlp_feature_on(driver_words, VLP_F_RING_PACKED);
}
