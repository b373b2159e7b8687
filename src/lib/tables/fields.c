/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Field tables of the virtio capability structures (4.1.4) and the generic
 * field reader.  Printers, JSON and the REPL read these tables: a field is
 * described here once.
 */
#include <string.h>

#include "internal.h"

/* One row per enum value: a row left out would be a zeroed row. */

const char *vlp_names_lookup(const struct vlp_names *names, uint64_t v)
{
	if (!names || names->kind != VLP_NAMES_ENUM)
		return NULL;
	for (size_t i = 0; i < names->count; i++)
		if (names->entries[i].value == v)
			return names->entries[i].name;
	return NULL;
}

const struct vlp_field_value *vlp_regs_row(const struct vlp_regs *regs,
					   const struct vlp_field_table *table, unsigned row)
{
	if (!regs || !regs->table || regs->table != table || row >= table->count ||
	    !regs->values[row].present)
		return NULL;
	return &regs->values[row];
}

const struct vlp_field *vlp_field_find(const struct vlp_field_table *table, const char *name)
{
	for (size_t i = 0; i < table->count; i++)
		if (!strcmp(table->fields[i].name, name) || !strcmp(table->fields[i].json_key, name))
			return &table->fields[i];
	return NULL;
}

static const struct vlp_name cfg_type_entries[] = {
	{ VLP_CFG_COMMON, "common" }, { VLP_CFG_NOTIFY, "notify" },
	{ VLP_CFG_ISR, "isr" },       { VLP_CFG_DEVICE, "device" },
	{ VLP_CFG_PCI, "pci_cfg" },   { VLP_CFG_SHARED_MEMORY, "shared_memory" },
	{ VLP_CFG_VENDOR, "vendor" },
};
static const struct vlp_names cfg_type_names = { VLP_NAMES_ENUM, cfg_type_entries,
						 VLP_ARRAY_SIZE(cfg_type_entries) };

/* The header every virtio capability starts with (4.1.4). */
#define CAP_HEADER_FIELDS                                                                           \
	[VLP_CAP_CAP_VNDR] =                                                                        \
		FIELD("cap_vndr", 0x0, 1, VLP_RO, 0, NULL, "capability ID: 0x09, vendor specific"), \
	[VLP_CAP_CAP_NEXT] =                                                                        \
		FIELD("cap_next", 0x1, 1, VLP_RO, 0, NULL, "position of the next capability"),      \
	[VLP_CAP_CAP_LEN] = FIELD("cap_len", 0x2, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL,               \
				  "length of this capability, extra data included"),                \
	[VLP_CAP_CFG_TYPE] = FIELD("cfg_type", 0x3, 1, VLP_RO, VLP_FIELD_DECIMAL, &cfg_type_names,  \
				   "structure type")

/* bar/id/offset/length of struct virtio_pci_cap; access differs for the
 * PCI configuration access capability, whose bar, offset and length the
 * driver writes (4.1.4.9). */
#define CAP_LOCATION_FIELDS(acc)                                                                   \
	[VLP_CAP_BAR] = FIELD("bar", 0x4, 1, acc, VLP_FIELD_DECIMAL, NULL,                         \
			      "BAR holding the structure (0-5; other values reserved)"),           \
	[VLP_CAP_ID] = FIELD("id", 0x5, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL,                        \
			     "identifies one of several capabilities of a type (1.2+)"),           \
	[VLP_CAP_OFFSET] =                                                                         \
		FIELD("offset", 0x8, 4, acc, 0, NULL, "offset of the structure within the BAR"),   \
	[VLP_CAP_LENGTH] = FIELD("length", 0xc, 4, acc, 0, NULL, "length of the structure in bytes")

/* Header and location: struct virtio_pci_cap. */
#define CAP_FIELDS(acc) CAP_HEADER_FIELDS, CAP_LOCATION_FIELDS(acc)

static const struct vlp_field cap_fields[] = { CAP_FIELDS(VLP_RO) };
ROWS_MATCH(cap_fields, VLP_CAP_ROWS);

/* struct virtio_pci_notify_cap (4.1.4.4). */
static const struct vlp_field notify_cap_fields[] = {
	CAP_FIELDS(VLP_RO),
	[VLP_CAP_NOTIFY_OFF_MULTIPLIER] =
		FIELD("notify_off_multiplier", 0x10, 4, VLP_RO, 0, NULL,
		      "multiplier for queue_notify_off; 0: one notify address for all queues"),
};
ROWS_MATCH(notify_cap_fields, VLP_CAP_NOTIFY_OFF_MULTIPLIER + 1);

/* struct virtio_pci_cfg_cap (4.1.4.9). */
static const struct vlp_field pci_cfg_cap_fields[] = {
	CAP_FIELDS(VLP_RW),
	[VLP_CAP_PCI_CFG_DATA] = FIELD("pci_cfg_data", 0x10, 4, VLP_RW, 0, NULL,
				       "window onto the BAR bytes selected by bar, offset and length"),
};
ROWS_MATCH(pci_cfg_cap_fields, VLP_CAP_PCI_CFG_DATA + 1);

/* struct virtio_pci_cap64 (4.1.4.7): offset_hi at 0x10, length_hi at 0x14. */
static const struct vlp_field shm_cap_fields[] = {
	CAP_HEADER_FIELDS,
	[VLP_CAP_BAR] = FIELD("bar", 0x4, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL,
			      "BAR holding the shared memory region"),
	[VLP_CAP_ID] = FIELD("id", 0x5, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL,
			     "shared memory region ID, unique per device"),
	[VLP_CAP_OFFSET] =
		FIELD64("offset", 0x8, 0x10, VLP_RO, 0,
			"64-bit offset of the region within the BAR (offset | offset_hi << 32)"),
	[VLP_CAP_LENGTH] = FIELD64("length", 0xc, 0x14, VLP_RO, 0,
				   "64-bit length of the region (length | length_hi << 32)"),
};
ROWS_MATCH(shm_cap_fields, VLP_CAP_ROWS);

/* struct virtio_pci_vndr_data (4.1.4.8): no bar/offset/length. */
static const struct vlp_field vendor_cap_fields[] = {
	CAP_HEADER_FIELDS,
	[VLP_CAP_VENDOR_ID] = FIELD("vendor_id", 0x4, 2, VLP_RO, 0, NULL,
				    "PCI-SIG vendor ID qualifying the vendor data (never 0x1AF4)"),
};
ROWS_MATCH(vendor_cap_fields, VLP_CAP_VENDOR_ID + 1);

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

/* Device status bits (2.1). */
static const struct vlp_name status_entries[] = {
	{ VLP_S_ACKNOWLEDGE, "ACKNOWLEDGE" }, { VLP_S_DRIVER, "DRIVER" },
	{ VLP_S_DRIVER_OK, "DRIVER_OK" },     { VLP_S_FEATURES_OK, "FEATURES_OK" },
	{ VLP_S_SUSPEND, "SUSPEND" },         { VLP_S_DEVICE_NEEDS_RESET, "DEVICE_NEEDS_RESET" },
	{ VLP_S_FAILED, "FAILED" },
};
static const struct vlp_names status_names = NAMES(VLP_NAMES_BITS, status_entries);

const struct vlp_names *vlp_status_names(void)
{
	return &status_names;
}

/* ISR status bits (4.1.4.5). */
static const struct vlp_name isr_entries[] = {
	{ VLP_ISR_QUEUE_INTERRUPT, "QUEUE_INTERRUPT" },
	{ VLP_ISR_CONFIG_INTERRUPT, "CONFIG_INTERRUPT" },
};
static const struct vlp_names isr_names = NAMES(VLP_NAMES_BITS, isr_entries);

#define QUEUE_FIELD(n, off, w, acc, fl, hlp)                                                       \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = w, .access = acc,                \
		.selector = VLP_SEL_QUEUE, .flags = fl, .help = hlp                                \
	}
#define QUEUE_FIELD64(n, off, acc, hlp)                                                            \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = 4, .hi_offset = off + 4,         \
		.access = acc, .selector = VLP_SEL_QUEUE, .help = hlp                              \
	}

/* struct virtio_pci_common_cfg (4.1.4.3).  Fields past 0x38 exist only with
 * the feature negotiated and a long enough structure. */
static const struct vlp_field common_cfg_fields[] = {
	[VLP_COMMON_DEVICE_FEATURE_SELECT] = FIELD(
		"device_feature_select", 0x00, 4, VLP_RW, VLP_FIELD_SELECTOR | VLP_FIELD_DECIMAL,
		NULL, "selects which 32 bits device_feature shows: 0 bits 0-31, 1 bits 32-63, ..."),
	[VLP_COMMON_DEVICE_FEATURE] = { .name = "device_feature",
					.json_key = "device_feature",
					.offset = 0x04,
					.width = 4,
					.access = VLP_RO,
					.selector = VLP_SEL_DEVICE_FEATURE,
					.help = "feature bits the device offers, 32 at a time" },
	[VLP_COMMON_DRIVER_FEATURE_SELECT] = FIELD("driver_feature_select", 0x08, 4, VLP_RW,
						   VLP_FIELD_SELECTOR | VLP_FIELD_DECIMAL, NULL,
						   "selects which 32 bits driver_feature shows"),
	[VLP_COMMON_DRIVER_FEATURE] = { .name = "driver_feature",
					.json_key = "driver_feature",
					.offset = 0x0c,
					.width = 4,
					.access = VLP_RW,
					.selector = VLP_SEL_DRIVER_FEATURE,
					.help = "feature bits the driver accepted, 32 at a time" },
	[VLP_COMMON_CONFIG_MSIX_VECTOR] =
		FIELD("config_msix_vector", 0x10, 2, VLP_RW, 0, NULL,
		      "MSI-X vector for configuration change notifications (0xffff: none)"),
	[VLP_COMMON_NUM_QUEUES] = FIELD("num_queues", 0x12, 2, VLP_RO, VLP_FIELD_DECIMAL, NULL,
					"number of virtqueues, administration virtqueues excluded"),
	[VLP_COMMON_DEVICE_STATUS] =
		FIELD("device_status", 0x14, 1, VLP_RW, VLP_FIELD_WRITE_RESETS, &status_names,
		      "device status (2.1); writing 0 resets the device"),
	[VLP_COMMON_CONFIG_GENERATION] =
		FIELD("config_generation", 0x15, 1, VLP_RO, VLP_FIELD_DECIMAL, NULL,
		      "changes whenever the device configuration changes (4.1.4.3.1)"),
	[VLP_COMMON_QUEUE_SELECT] =
		FIELD("queue_select", 0x16, 2, VLP_RW, VLP_FIELD_SELECTOR | VLP_FIELD_DECIMAL, NULL,
		      "selects the virtqueue the queue_* fields refer to"),
	[VLP_COMMON_QUEUE_SIZE] =
		QUEUE_FIELD("queue_size", 0x18, 2, VLP_RW, VLP_FIELD_DECIMAL,
			    "queue size; maximum on reset, 0 if the queue is unavailable"),
	[VLP_COMMON_QUEUE_MSIX_VECTOR] = QUEUE_FIELD("queue_msix_vector", 0x1a, 2, VLP_RW, 0,
						     "MSI-X vector for this queue (0xffff: none)"),
	[VLP_COMMON_QUEUE_ENABLE] = QUEUE_FIELD("queue_enable", 0x1c, 2, VLP_RW, VLP_FIELD_DECIMAL,
						"1 when the queue is enabled"),
	[VLP_COMMON_QUEUE_NOTIFY_OFF] =
		QUEUE_FIELD("queue_notify_off", 0x1e, 2, VLP_RO, VLP_FIELD_DECIMAL,
			    "notification offset, in units of notify_off_multiplier"),
	[VLP_COMMON_QUEUE_DESC] =
		QUEUE_FIELD64("queue_desc", 0x20, VLP_RW, "physical address of the descriptor area"),
	[VLP_COMMON_QUEUE_DRIVER] =
		QUEUE_FIELD64("queue_driver", 0x28, VLP_RW, "physical address of the driver area"),
	[VLP_COMMON_QUEUE_DEVICE] =
		QUEUE_FIELD64("queue_device", 0x30, VLP_RW, "physical address of the device area"),
	[VLP_COMMON_QUEUE_NOTIF_CONFIG_DATA] = { .name = "queue_notif_config_data",
						 .json_key = "queue_notif_config_data",
						 .offset = 0x38,
						 .width = 2,
						 .access = VLP_RO,
						 .selector = VLP_SEL_QUEUE,
						 .feature = VLP_FEATURE(VLP_F_NOTIF_CONFIG_DATA),
						 .help = "data for notifications (only with "
							 "VIRTIO_F_NOTIF_CONFIG_DATA)" },
	[VLP_COMMON_QUEUE_RESET] = { .name = "queue_reset",
				     .json_key = "queue_reset",
				     .offset = 0x3a,
				     .width = 2,
				     .access = VLP_RW,
				     .selector = VLP_SEL_QUEUE,
				     .feature = VLP_FEATURE(VLP_F_RING_RESET),
				     .flags = VLP_FIELD_DECIMAL,
				     .help = "1 while the queue is being reset (only with "
					     "VIRTIO_F_RING_RESET)" },
	[VLP_COMMON_ADMIN_QUEUE_INDEX] = { .name = "admin_queue_index",
					   .json_key = "admin_queue_index",
					   .offset = 0x3c,
					   .width = 2,
					   .access = VLP_RO,
					   .feature = VLP_FEATURE(VLP_F_ADMIN_VQ),
					   .flags = VLP_FIELD_DECIMAL,
					   .help = "index of the first administration virtqueue "
						   "(only with VIRTIO_F_ADMIN_VQ)" },
	[VLP_COMMON_ADMIN_QUEUE_NUM] = { .name = "admin_queue_num",
					 .json_key = "admin_queue_num",
					 .offset = 0x3e,
					 .width = 2,
					 .access = VLP_RO,
					 .feature = VLP_FEATURE(VLP_F_ADMIN_VQ),
					 .flags = VLP_FIELD_DECIMAL,
					 .help = "number of administration virtqueues (only with "
						 "VIRTIO_F_ADMIN_VQ)" },
};
ROWS_MATCH(common_cfg_fields, VLP_COMMON_ROWS);
static const struct vlp_field_table common_cfg_table =
	TABLE("virtio_pci_common_cfg", common_cfg_fields, 0x40);

const struct vlp_field_table *vlp_common_cfg_table(void)
{
	return &common_cfg_table;
}

/* The legacy interface in I/O BAR0 (4.1.4.10); the two MSI-X vector
 * fields exist only while MSI-X is enabled, the device-specific part
 * follows at 20 or 24. */
static const struct vlp_field legacy_fields[] = {
	[VLP_LEGACY_HOST_FEATURES] = { .name = "host_features",
				       .json_key = "host_features",
				       .offset = 0x00,
				       .width = 4,
				       .access = VLP_RO,
				       .help = "device feature bits 0-31" },
	[VLP_LEGACY_GUEST_FEATURES] = { .name = "guest_features",
					.json_key = "guest_features",
					.offset = 0x04,
					.width = 4,
					.access = VLP_RW,
					.help = "driver feature bits 0-31" },
	[VLP_LEGACY_QUEUE_ADDRESS] =
		QUEUE_FIELD("queue_address", 0x08, 4, VLP_RW, 0,
			    "page frame number (address / 4096) of the selected queue"),
	[VLP_LEGACY_QUEUE_SIZE] = QUEUE_FIELD("queue_size", 0x0c, 2, VLP_RO, VLP_FIELD_DECIMAL,
					      "size of the selected queue"),
	[VLP_LEGACY_QUEUE_SELECT] =
		FIELD("queue_select", 0x0e, 2, VLP_RW, VLP_FIELD_SELECTOR | VLP_FIELD_DECIMAL, NULL,
		      "selects the queue the queue_* fields refer to"),
	[VLP_LEGACY_QUEUE_NOTIFY] =
		FIELD("queue_notify", 0x10, 2, VLP_RW, VLP_FIELD_NOTIFIES | VLP_FIELD_DECIMAL, NULL,
		      "writing a queue index notifies the device"),
	[VLP_LEGACY_DEVICE_STATUS] =
		FIELD("device_status", 0x12, 1, VLP_RW, VLP_FIELD_WRITE_RESETS, &status_names,
		      "device status (2.1); writing 0 resets the device"),
	[VLP_LEGACY_ISR] = FIELD("isr", 0x13, 1, VLP_RO, VLP_FIELD_READ_CLEARS, &isr_names,
				 "ISR status; reading clears it"),
	[VLP_LEGACY_CONFIG_MSIX_VECTOR] =
		FIELD("config_msix_vector", 0x14, 2, VLP_RW, 0, NULL,
		      "MSI-X vector for configuration changes (only with MSI-X enabled)"),
	[VLP_LEGACY_QUEUE_MSIX_VECTOR] =
		QUEUE_FIELD("queue_msix_vector", 0x16, 2, VLP_RW, 0,
			    "MSI-X vector of the selected queue (only with MSI-X enabled)"),
};
ROWS_MATCH(legacy_fields, VLP_LEGACY_ROWS);
static const struct vlp_field_table legacy_table = TABLE("virtio_legacy_header", legacy_fields, 24);

const struct vlp_field_table *vlp_legacy_header_table(void)
{
	return &legacy_table;
}

/* An MSI-X table entry (PCI Local Bus 3.0, 6.8.2). */
static const struct vlp_name vector_control_entries[] = { { VLP_MSIX_VECTOR_MASKED_BIT, "MASKED" } };
static const struct vlp_names vector_control_names = NAMES(VLP_NAMES_BITS, vector_control_entries);
static const struct vlp_field msix_entry_fields[] = {
	/* Message Address and Message Data of the PCI spec, named as the
	 * JSON (schema 1) has always called them. */
	[VLP_MSIX_ENTRY_MESSAGE_ADDRESS] =
		FIELD64("address", 0x0, 0x4, VLP_RW, 0,
			"Message Address: where the vector's message is written"),
	[VLP_MSIX_ENTRY_MESSAGE_DATA] =
		FIELD("data", 0x8, 4, VLP_RW, 0, NULL, "Message Data: data of the vector's message"),
	[VLP_MSIX_ENTRY_VECTOR_CONTROL] = FIELD("vector_control", 0xc, 4, VLP_RW, 0,
						&vector_control_names, "bit 0: vector masked"),
};
ROWS_MATCH(msix_entry_fields, VLP_MSIX_ENTRY_ROWS);
static const struct vlp_field_table msix_entry_table =
	TABLE("msix_table_entry", msix_entry_fields, 16);

const struct vlp_field_table *vlp_msix_entry_table(void)
{
	return &msix_entry_table;
}

/* The ISR status byte (4.1.4.5): read only on request, reading clears it. */
static const struct vlp_field isr_fields[] = {
	[VLP_ISR_ISR] = FIELD("isr", 0x0, 1, VLP_RO, VLP_FIELD_READ_CLEARS, &isr_names,
			      "bit 0: queue interrupt, bit 1: configuration change; reading clears it"),
};
ROWS_MATCH(isr_fields, VLP_ISR_ROWS);
static const struct vlp_field_table isr_table = TABLE("virtio_isr", isr_fields, 1);

const struct vlp_field_table *vlp_isr_table(void)
{
	return &isr_table;
}
