/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Field tables of the virtio capability structures (4.1.4) and the generic
 * field reader.  Printers, JSON and the REPL read these tables: a field is
 * described here once.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

const char *vlp_names_lookup(const struct vlp_names *names, uint64_t v)
{
	if (!names || names->kind != VLP_NAMES_ENUM)
		return NULL;
	for (size_t i = 0; i < names->count; i++)
		if (names->entries[i].value == v)
			return names->entries[i].name;
	return NULL;
}

int vlp_field_read_config(const struct vlp_device *dev, unsigned base, const struct vlp_field *field,
			  uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	uint16_t w16;
	uint8_t w8;
	int err;

	switch (field->width) {
	case 1:
		err = vlp_cfg_u8(dev, base + field->offset, &w8);
		lo = w8;
		break;
	case 2:
		err = vlp_cfg_u16(dev, base + field->offset, &w16);
		lo = w16;
		break;
	case 4:
		err = vlp_cfg_u32(dev, base + field->offset, &lo);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	/* 64-bit fields are two 32-bit halves, low first (4.1.3). */
	if (field->hi_offset) {
		err = vlp_cfg_u32(dev, base + field->hi_offset, &hi);
		if (err)
			return err;
	}
	*val = (uint64_t)hi << 32 | lo;
	return 0;
}

const struct vlp_field *vlp_field_find(const struct vlp_field_table *table, const char *name)
{
	for (size_t i = 0; i < table->count; i++)
		if (!strcmp(table->fields[i].name, name) || !strcmp(table->fields[i].json_key, name))
			return &table->fields[i];
	return NULL;
}

static const struct vlp_name cfg_type_entries[] = {
	{ VLP_CFG_COMMON, "common" },   { VLP_CFG_NOTIFY, "notify" },
	{ VLP_CFG_ISR, "isr" },         { VLP_CFG_DEVICE, "device" },
	{ VLP_CFG_PCI, "pci_cfg" },     { VLP_CFG_SHARED_MEMORY, "shared_memory" },
	{ VLP_CFG_VENDOR, "vendor" },
};
static const struct vlp_names cfg_type_names = { VLP_NAMES_ENUM, cfg_type_entries,
						 VLP_ARRAY_SIZE(cfg_type_entries) };

/* The header every virtio capability starts with (4.1.4). */
#define CAP_HEADER_FIELDS                                                                          \
	FIELD("cap_vndr", 0x0, 1, VLP_RO, 0, NULL, "capability ID: 0x09, vendor specific"),        \
	FIELD("cap_next", 0x1, 1, VLP_RO, 0, NULL, "position of the next capability"),             \
	FIELD("cap_len", 0x2, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL,                                  \
	      "length of this capability, extra data included"),                                  \
	FIELD("cfg_type", 0x3, 1, VLP_RO, VLP_FIELD_DECIMAL, &cfg_type_names, "structure type")

/* bar/id/offset/length of struct virtio_pci_cap; access differs for the
 * PCI configuration access capability, whose bar, offset and length the
 * driver writes (4.1.4.9). */
#define CAP_LOCATION_FIELDS(acc)                                                                   \
	FIELD("bar", 0x4, 1, acc, VLP_FIELD_DECIMAL, NULL,                                         \
	      "BAR holding the structure (0-5; other values reserved)"),                          \
	FIELD("id", 0x5, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL,                                       \
	      "identifies one of several capabilities of a type (1.2+)"),                         \
	FIELD("offset", 0x8, 4, acc, 0, NULL, "offset of the structure within the BAR"),           \
	FIELD("length", 0xc, 4, acc, 0, NULL, "length of the structure in bytes")

static const struct vlp_field cap_fields[] = {
	CAP_HEADER_FIELDS,
	CAP_LOCATION_FIELDS(VLP_RO),
};

/* struct virtio_pci_notify_cap (4.1.4.4). */
static const struct vlp_field notify_cap_fields[] = {
	CAP_HEADER_FIELDS,
	CAP_LOCATION_FIELDS(VLP_RO),
	FIELD("notify_off_multiplier", 0x10, 4, VLP_RO, 0, NULL,
	      "multiplier for queue_notify_off; 0: one notify address for all queues"),
};

/* struct virtio_pci_cfg_cap (4.1.4.9). */
static const struct vlp_field pci_cfg_cap_fields[] = {
	CAP_HEADER_FIELDS,
	CAP_LOCATION_FIELDS(VLP_RW),
	FIELD("pci_cfg_data", 0x10, 4, VLP_RW, 0, NULL,
	      "window onto the BAR bytes selected by bar, offset and length"),
};

/* struct virtio_pci_cap64 (4.1.4.7): offset_hi at 0x10, length_hi at 0x14. */
static const struct vlp_field shm_cap_fields[] = {
	CAP_HEADER_FIELDS,
	FIELD("bar", 0x4, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL, "BAR holding the shared memory region"),
	FIELD("id", 0x5, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL,
	      "shared memory region ID, unique per device"),
	FIELD64("offset", 0x8, 0x10, VLP_RO, 0,
		"64-bit offset of the region within the BAR (offset | offset_hi << 32)"),
	FIELD64("length", 0xc, 0x14, VLP_RO, 0,
		"64-bit length of the region (length | length_hi << 32)"),
};

/* struct virtio_pci_vndr_data (4.1.4.8): no bar/offset/length. */
static const struct vlp_field vendor_cap_fields[] = {
	CAP_HEADER_FIELDS,
	FIELD("vendor_id", 0x4, 2, VLP_RO, 0, NULL,
	      "PCI-SIG vendor ID qualifying the vendor data (never 0x1AF4)"),
};

static const struct vlp_field_table cap_table = TABLE("virtio_pci_cap", cap_fields, 16);
static const struct vlp_field_table notify_cap_table =
	TABLE("virtio_pci_notify_cap", notify_cap_fields, 20);
static const struct vlp_field_table pci_cfg_cap_table =
	TABLE("virtio_pci_cfg_cap", pci_cfg_cap_fields, 20);
static const struct vlp_field_table shm_cap_table = TABLE("virtio_pci_cap64", shm_cap_fields, 24);
static const struct vlp_field_table vendor_cap_table =
	TABLE("virtio_pci_vndr_data", vendor_cap_fields, 6);

const struct vlp_field_table *vlp_virtio_cap_table(uint8_t cfg_type)
{
	switch (cfg_type) {
	case VLP_CFG_NOTIFY:
		return &notify_cap_table;
	case VLP_CFG_PCI:
		return &pci_cfg_cap_table;
	case VLP_CFG_SHARED_MEMORY:
		return &shm_cap_table;
	case VLP_CFG_VENDOR:
		return &vendor_cap_table;
	default:
		return &cap_table;
	}
}
