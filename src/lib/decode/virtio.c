/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Virtio Structure PCI capabilities (virtio spec 4.1.4): decoding of each
 * capability through its field table, and the choice a driver makes. */
#include <string.h>

#include "virtio.h"

#define VIRTIO_CAP_MIN 16u /* struct virtio_pci_cap */

/* Rules per cfg_type: required offset alignment, least structure length,
 * spec section stating them. */
struct structure_rule {
	unsigned align;
	uint64_t min_length;
	const char *section;
	const char *title;
	/* Conformance checks reporting a misaligned offset and a short
	 * length (NULL: no alignment rule). */
	const char *align_check, *length_check;
};

static const struct structure_rule *rule_for(uint8_t cfg_type)
{
	/* 4.1.4.3.1: common offset 4-aligned; Linux maps at least the 1.0
	 * layout, 0x38 bytes.  4.1.4.4.1: notify offset 2-aligned (4 with
	 * VIRTIO_F_NOTIFICATION_DATA, which config space cannot tell), length
	 * >= 2.  4.1.4.5.1: ISR at least one byte, any alignment.
	 * 4.1.4.6.1: device config 4-aligned. */
	static const struct structure_rule common = {
		4, 0x38, "4.1.4.3.1", "common configuration", "common-align", "common-length"
	};
	static const struct structure_rule notify = {
		2, 2, "4.1.4.4.1", "notification", "notify-align", "notify-length"
	};
	static const struct structure_rule isr = { 1,    1,           "4.1.4.5.1", "ISR status",
						   NULL, "isr-length" };
	static const struct structure_rule device = {
		4, 1, "4.1.4.6.1", "device configuration", "device-cfg-align", "device-cfg-length"
	};
	static const struct structure_rule shm = { 1,    1,           "4.1.4.7.1", "shared memory",
						   NULL, "shm-length" };

	switch (cfg_type) {
	case VLP_CFG_COMMON:
		return &common;
	case VLP_CFG_NOTIFY:
		return &notify;
	case VLP_CFG_ISR:
		return &isr;
	case VLP_CFG_DEVICE:
		return &device;
	case VLP_CFG_SHARED_MEMORY:
		return &shm;
	default:
		return NULL;
	}
}

/* Row of v's table (enum vlp_cap_row; the caller knows which table v has). */
static bool field_value(const struct vlp_virtio_cap *v, unsigned row, uint64_t *out)
{
	if (row >= v->table->count || row >= VLP_ARRAY_SIZE(v->fields) || !v->fields[row].valid)
		return false;
	*out = v->fields[row].value;
	return true;
}

static unsigned field_end(const struct vlp_field *f)
{
	unsigned end = f->offset + f->width;

	if (f->hi_offset && f->hi_offset + 4u > end)
		end = f->hi_offset + 4u;
	return end;
}

const struct vlp_bar *vlp_bar_for_structure(const struct vlp_layout *l, unsigned bar, const char **why)
{
	const struct vlp_bar *b;

	if (bar >= VLP_NUM_BARS) {
		*why = "reserved BAR index (4.1.4.1: drivers ignore the capability)";
		return NULL;
	}
	b = &l->bars[bar];
	if (!b->valid) {
		*why = "the BAR register was not read";
		return NULL;
	}
	if (b->upper_half) {
		*why = "the BAR is the upper half of a 64-bit BAR";
		return NULL;
	}
	if (!b->present) {
		*why = "the BAR is absent (no address, no size)";
		return NULL;
	}
	return b;
}

static void unusable(struct vlp_virtio_cap *v, const char *why)
{
	v->usable = false;
	if (!v->skip_reason)
		v->skip_reason = why;
}

/* Checks of the structure a capability points at. */
static void check_location(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	struct vlp_virtio_cap *v = &cap->u.virtio;
	const struct structure_rule *rule = rule_for(v->cfg_type);
	const char *label = vlp_cfg_type_label(v->cfg_type);
	const struct vlp_bar *bar;
	const char *why = NULL;
	int pos = cap->position;

	bar = vlp_bar_for_structure(st->layout, v->bar, &why);
	if (!bar) {
		const char *bar_check = v->bar >= VLP_NUM_BARS                ? "cap-bar-reserved"
					: st->layout->bars[v->bar].upper_half ? "cap-bar-upper-half"
									      : "cap-bar-missing";

		unusable(v, why);
		vlp_finding(st, bar_check, v->bar >= VLP_NUM_BARS ? VLP_SEV_WARNING : VLP_SEV_ERROR,
			    "4.1.4", pos, "%s capability at [%02x] points to BAR%u: %s", label, pos,
			    v->bar, why);
	}
	if (!rule)
		return;
	if (v->offset % rule->align) {
		unusable(v, "misaligned offset");
		vlp_finding(st, rule->align_check, VLP_SEV_ERROR, rule->section, pos,
			    "%s structure offset 0x%llx is not %u-byte aligned", rule->title,
			    (unsigned long long)v->offset, rule->align);
	}
	if (v->length < rule->min_length) {
		unusable(v, "structure too short");
		if (v->cfg_type == VLP_CFG_COMMON)
			vlp_finding(st, rule->length_check, VLP_SEV_ERROR, "4.1.4.3", pos,
				    "common configuration length 0x%llx is shorter than the 0x38-byte structure (Linux: \"bad capability len\")",
				    (unsigned long long)v->length);
		else if (v->cfg_type == VLP_CFG_DEVICE)
			vlp_finding(st, rule->length_check, VLP_SEV_ERROR, rule->section, pos,
				    "device configuration length is 0 (Linux refuses it: \"bad capability len 0\")");
		else
			vlp_finding(st, rule->length_check, VLP_SEV_ERROR, rule->section, pos,
				    "%s structure length %llu is below the minimum of %llu",
				    rule->title, (unsigned long long)v->length,
				    (unsigned long long)rule->min_length);
	}
	if (v->cfg_type != VLP_CFG_SHARED_MEMORY && v->offset + v->length > 0xffffffffull + 1) {
		unusable(v, "offset + length wraps around");
		vlp_finding(st, "struct-wrap", VLP_SEV_ERROR, "4.1.4", pos,
			    "offset 0x%llx + length 0x%llx wraps around 32 bits",
			    (unsigned long long)v->offset, (unsigned long long)v->length);
	}
	if (bar && bar->size_known && (v->offset > bar->size || v->length > bar->size - v->offset))
		unusable(v, "structure extends past the end of its BAR");
}

static void check_notify(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	uint32_t m = cap->u.virtio.notify_off_multiplier;

	/* 4.1.4.4.1: the multiplier is 0 or a power of 2 (an even one, or a
	 * multiple of 4 with VIRTIO_F_NOTIFICATION_DATA). */
	if (cap->u.virtio.has_multiplier && m != 0 && (m & (m - 1)))
		vlp_finding(st, "notify-multiplier", VLP_SEV_ERROR, "4.1.4.4.1", cap->position,
			    "notify_off_multiplier %u is neither 0 nor a power of 2", m);
}

static void check_vendor(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	const struct vlp_virtio_cap *v = &cap->u.virtio;

	if (v->has_vendor_id && v->vendor_id == VLP_VIRTIO_VENDOR)
		vlp_finding(st, "vendor-data-id", VLP_SEV_ERROR, "4.1.4.8.1", cap->position,
			    "vendor data capability uses vendor ID 0x1af4 (must be another vendor's)");
	if (v->cap_len % 4)
		vlp_finding(st, "vendor-data-length", VLP_SEV_ERROR, "4.1.4.8.1", cap->position,
			    "vendor data capability length %u is not a multiple of 4", v->cap_len);
}

void vlp_decode_virtio_cap(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	struct vlp_virtio_cap *v = &cap->u.virtio;
	const struct vlp_device *dev = st->dev;
	unsigned pos = cap->position, span;
	uint64_t value;

	if (vlp_cfg_u8(dev, pos + 2, &v->cap_len) || vlp_cfg_u8(dev, pos + 3, &v->cfg_type)) {
		cap->complete = false;
		return;
	}
	cap->kind = VLP_CAP_VIRTIO;
	v->table = vlp_virtio_cap_table(v->cfg_type);
	/* Read the fields the capability's length covers (4.1.4.1: a driver
	 * accepts cap_len larger than the structure). */
	for (size_t i = 0; i < v->table->count && i < VLP_ARRAY_SIZE(v->fields); i++) {
		const struct vlp_field *f = &v->table->fields[i];

		if (field_end(f) > v->cap_len && f->offset >= 4)
			continue;
		if (vlp_field_read_config(dev, pos, f, &value) == 0)
			v->fields[i] = (struct vlp_val){ value, true };
		else
			cap->complete = false;
	}
	span = v->cap_len < v->table->size ? v->cap_len : v->table->size;
	if (pos + span > VLP_CONFIG_LEGACY) {
		vlp_finding(st, "cap-config-space", VLP_SEV_ERROR, "4.1.4", (int)pos,
			    "capability at [%02x] with cap_len %u extends past the end of config space",
			    pos, v->cap_len);
		cap->complete = false;
	}
	v->usable = true;
	if (!vlp_cfg_type_name(v->cfg_type)) {
		unusable(v, "reserved cfg_type (4.1.4.1: drivers ignore it)");
		vlp_finding(st, "cap-cfg-type-reserved", VLP_SEV_INFO, "4.1.4.1", (int)pos,
			    "cfg_type %u is reserved; drivers ignore this capability", v->cfg_type);
	}
	if (v->cap_len < v->table->size) {
		unusable(v, "cap_len too short for its cfg_type");
		vlp_finding(st, "cap-len", VLP_SEV_ERROR, "4.1.4.2", (int)pos,
			    "cap_len %u is too short for a %s capability (%u bytes)", v->cap_len,
			    vlp_cfg_type_label(v->cfg_type) ? vlp_cfg_type_label(v->cfg_type) : "virtio",
			    v->table->size);
	}
	if (!cap->complete)
		unusable(v, "capability bytes not available");

	if (v->cfg_type == VLP_CFG_VENDOR) {
		/* Vendor data has no BAR location; drivers only report it. */
		v->usable = false;
		if (field_value(v, VLP_CAP_VENDOR_ID, &value)) {
			v->has_vendor_id = true;
			v->vendor_id = (uint16_t)value;
		}
		check_vendor(st, cap);
		return;
	}
	if (v->cap_len >= VIRTIO_CAP_MIN && field_value(v, VLP_CAP_BAR, &value)) {
		v->bar = (uint8_t)value;
		v->has_location = field_value(v, VLP_CAP_OFFSET, &v->offset) &&
				  field_value(v, VLP_CAP_LENGTH, &v->length);
		if (field_value(v, VLP_CAP_ID, &value))
			v->id = (uint8_t)value;
	}
	if (v->cfg_type == VLP_CFG_NOTIFY && field_value(v, VLP_CAP_NOTIFY_OFF_MULTIPLIER, &value)) {
		v->has_multiplier = true;
		v->notify_off_multiplier = (uint32_t)value;
		check_notify(st, cap);
	}
	/* PCI_CFG's bar/offset/length are a window the driver programs
	 * (4.1.4.9), not the location of a structure. */
	if (v->has_location && v->cfg_type != VLP_CFG_PCI && vlp_cfg_type_name(v->cfg_type))
		check_location(st, cap);
}

/* Device types whose chapter defines a device-specific configuration
 * layout (4.1.4.6.1 requires a DEVICE_CFG capability for them). */
static bool type_has_device_config(unsigned type)
{
	static const uint8_t types[] = { 1,  2,  3,  5,  8,  9,  16, 18, 19,
					 20, 23, 24, 25, 26, 27, 28, 41 };

	for (size_t i = 0; i < sizeof(types); i++)
		if (types[i] == type)
			return true;
	return false;
}

struct mandatory {
	uint8_t cfg_type;
	const char *section;
	const char *title;
	const char *check;
};

static const struct mandatory mandatory_caps[] = {
	{ VLP_CFG_COMMON, "4.1.4.3.1", "common configuration", "common-present" },
	{ VLP_CFG_NOTIFY, "4.1.4.4.1", "notification", "notify-present" },
	{ VLP_CFG_ISR, "4.1.4.5.1", "ISR status", "isr-present" },
	{ VLP_CFG_PCI, "4.1.4.9.1", "PCI configuration access", "pci-cfg-present" },
	{ VLP_CFG_DEVICE, "4.1.4.6.1", "device configuration", "device-cfg-present" },
};

static void choose_shared_memory(struct vlp_decode_state *st)
{
	struct vlp_layout *l = st->layout;

	/* Every shared memory region is used; ids must be unique (4.1.4.7.1). */
	for (size_t i = 0; i < l->ncaps; i++) {
		struct vlp_virtio_cap *v = &l->caps[i].u.virtio;

		if (l->caps[i].kind != VLP_CAP_VIRTIO || v->cfg_type != VLP_CFG_SHARED_MEMORY ||
		    !v->usable)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct vlp_virtio_cap *w = &l->caps[j].u.virtio;

			if (l->caps[j].kind == VLP_CAP_VIRTIO &&
			    w->cfg_type == VLP_CFG_SHARED_MEMORY && w->usable && w->id == v->id) {
				vlp_finding(st, "shm-id-unique", VLP_SEV_ERROR, "4.1.4.7.1",
					    l->caps[i].position,
					    "shared memory id %u is used by [%02x] and [%02x]",
					    v->id, l->caps[j].position, l->caps[i].position);
				break;
			}
		}
		v->driver_uses = true;
		if (l->driver_uses[VLP_CFG_SHARED_MEMORY] < 0)
			l->driver_uses[VLP_CFG_SHARED_MEMORY] = (int)i;
	}
}

void vlp_virtio_choose(struct vlp_decode_state *st)
{
	struct vlp_layout *l = st->layout;

	/* 4.1.4.1: the driver SHOULD use the first instance of each type it
	 * can support; the order of the list is the device's preference. */
	for (size_t i = 0; i < l->ncaps; i++) {
		struct vlp_virtio_cap *v = &l->caps[i].u.virtio;
		int *slot;

		if (l->caps[i].kind != VLP_CAP_VIRTIO || v->cfg_type >= VLP_CFG_TYPE_SLOTS ||
		    v->cfg_type == VLP_CFG_SHARED_MEMORY || v->cfg_type == VLP_CFG_VENDOR || !v->usable)
			continue;
		slot = &l->driver_uses[v->cfg_type];
		if (*slot < 0) {
			*slot = (int)i;
			v->driver_uses = true;
		} else if (!v->skip_reason) {
			v->skip_reason = "an earlier capability of this type is preferred (4.1.4.1)";
		}
	}
	choose_shared_memory(st);

	if (l->virtio.transport != VLP_TRANSPORT_MODERN &&
	    l->virtio.transport != VLP_TRANSPORT_TRANSITIONAL)
		return;
	if (st->chain_unreadable) {
		vlp_finding(st, "data-incomplete", VLP_SEV_INFO, NULL, -1,
			    "capability list not fully read: mandatory capabilities not checked");
		return;
	}
	for (size_t m = 0; m < VLP_ARRAY_SIZE(mandatory_caps); m++) {
		const struct mandatory *mc = &mandatory_caps[m];
		bool any = false;

		if (l->driver_uses[mc->cfg_type] >= 0)
			continue;
		if (mc->cfg_type == VLP_CFG_DEVICE &&
		    !(l->virtio.device_type.valid &&
		      type_has_device_config((unsigned)l->virtio.device_type.value)))
			continue;
		for (size_t i = 0; i < l->ncaps; i++)
			if (l->caps[i].kind == VLP_CAP_VIRTIO &&
			    l->caps[i].u.virtio.cfg_type == mc->cfg_type)
				any = true;
		vlp_finding(st, mc->check, VLP_SEV_ERROR, mc->section, -1,
			    any ? "no usable %s capability (every one present is unusable)"
				: "no %s capability",
			    mc->title);
	}
}
