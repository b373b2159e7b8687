/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Field tables of PCI configuration space: the type 0 header, a Base
 * Address Register and the PCI capabilities the decoder reads (MSI-X,
 * Power Management, PCI Express).  Register offsets and bits are libpci's
 * (<pci/header.h>); a row's name is also its JSON key, so the decoder, the
 * printers and --diff name a field the same way.
 */
#include <pci/pci.h>
#include <stddef.h>

#include "internal.h"

#define ROW(n, off, w, fl, hlp)                                                                    \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = w, .access = VLP_RO,             \
		.flags = fl, .help = hlp                                                           \
	}
/* A part of a register: (register >> sh) & m. */
#define BITS(n, off, w, sh, m, fl, nm, hlp)                                                        \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = w, .access = VLP_RO,             \
		.flags = fl, .shift = sh, .mask = m, .names = nm, .help = hlp                      \
	}

uint64_t vlp_field_extract(const struct vlp_field *f, uint64_t reg)
{
	uint64_t v = f->mask ? (reg >> f->shift) & f->mask : reg;

	return (f->flags & VLP_FIELD_PLUS_ONE) ? v + 1 : v;
}

/* Type 0 configuration space header (PCI Local Bus 3.0, 6.1). */
static const struct vlp_field header_fields[] = {
	[VLP_HDR_VENDOR_ID] = ROW("vendor_id", PCI_VENDOR_ID, 2, 0, "vendor ID (0x1af4: virtio)"),
	[VLP_HDR_DEVICE_ID] = ROW("device_id", PCI_DEVICE_ID, 2, 0,
				  "device ID (4.1.2: 0x1040 + type, or transitional 0x1000-0x103f)"),
	[VLP_HDR_COMMAND] = ROW("command", PCI_COMMAND, 2, 0, "command register"),
	[VLP_HDR_STATUS] = ROW("status", PCI_STATUS, 2, 0, "status register"),
	[VLP_HDR_REVISION] = ROW("revision", PCI_REVISION_ID, 1, 0, "revision ID"),
	/* Class code: the three bytes above the revision ID. */
	[VLP_HDR_CLASS] = BITS("class", PCI_CLASS_REVISION, 4, 8, 0xffffff, 0, NULL,
			       "class code: base class, subclass, programming interface"),
	[VLP_HDR_HEADER_TYPE] = ROW("header_type", PCI_HEADER_TYPE, 1, 0,
				    "header layout (bits 0-6), multi-function (bit 7)"),
	[VLP_HDR_SUBSYSTEM_VENDOR_ID] =
		ROW("subsystem_vendor_id", PCI_SUBSYSTEM_VENDOR_ID, 2, 0, "subsystem vendor ID"),
	[VLP_HDR_SUBSYSTEM_ID] = ROW("subsystem_id", PCI_SUBSYSTEM_ID, 2, 0,
				     "subsystem ID (4.1.2.3: the virtio type of legacy devices)"),
	[VLP_HDR_CAP_PTR] =
		ROW("cap_ptr", PCI_CAPABILITY_LIST, 1, 0, "position of the first capability"),
	[VLP_HDR_INTERRUPT_LINE] = ROW("interrupt_line", PCI_INTERRUPT_LINE, 1, VLP_FIELD_DECIMAL,
				       "interrupt line the system assigned"),
	[VLP_HDR_INTERRUPT_PIN] = ROW("interrupt_pin", PCI_INTERRUPT_PIN, 1, VLP_FIELD_DECIMAL,
				      "INTx pin used (1 INTA .. 4 INTD, 0 none)"),
};
_Static_assert(VLP_ARRAY_SIZE(header_fields) == VLP_HDR_COUNT, "one row per vlp_pci_header_row");
static const struct vlp_field_table header_table = TABLE("pci_header_type0", header_fields, 0x40);

/* Where each header row lands in struct vlp_header. */
static const size_t header_member[] = {
	[VLP_HDR_VENDOR_ID] = offsetof(struct vlp_header, vendor_id),
	[VLP_HDR_DEVICE_ID] = offsetof(struct vlp_header, device_id),
	[VLP_HDR_COMMAND] = offsetof(struct vlp_header, command),
	[VLP_HDR_STATUS] = offsetof(struct vlp_header, status),
	[VLP_HDR_REVISION] = offsetof(struct vlp_header, revision),
	[VLP_HDR_CLASS] = offsetof(struct vlp_header, class_code),
	[VLP_HDR_HEADER_TYPE] = offsetof(struct vlp_header, header_type),
	[VLP_HDR_SUBSYSTEM_VENDOR_ID] = offsetof(struct vlp_header, subsystem_vendor_id),
	[VLP_HDR_SUBSYSTEM_ID] = offsetof(struct vlp_header, subsystem_id),
	[VLP_HDR_CAP_PTR] = offsetof(struct vlp_header, cap_ptr),
	[VLP_HDR_INTERRUPT_LINE] = offsetof(struct vlp_header, interrupt_line),
	[VLP_HDR_INTERRUPT_PIN] = offsetof(struct vlp_header, interrupt_pin),
};
_Static_assert(VLP_ARRAY_SIZE(header_member) == VLP_HDR_COUNT, "one member per header row");

struct vlp_val *vlp_header_slot(struct vlp_header *h, enum vlp_pci_header_row row)
{
	return (struct vlp_val *)((char *)h + header_member[row]);
}

struct vlp_val vlp_header_value(const struct vlp_header *h, enum vlp_pci_header_row row)
{
	return *(const struct vlp_val *)((const char *)h + header_member[row]);
}

/* Command register bits (PCI Local Bus 3.0, 6.2.2), for the library's own
 * writes: each row is one bit of the register at PCI_COMMAND. */
static const struct vlp_field command_fields[] = {
	[VLP_CMD_IO_SPACE] = BITS("io_space", PCI_COMMAND, 2, 0, 1, VLP_FIELD_BOOL, NULL,
				  "I/O Space: the device answers I/O accesses"),
	[VLP_CMD_MEMORY_SPACE] = BITS("memory_space", PCI_COMMAND, 2, 1, 1, VLP_FIELD_BOOL, NULL,
				      "Memory Space: the device answers memory accesses"),
	[VLP_CMD_BUS_MASTER] = BITS("bus_master", PCI_COMMAND, 2, 2, 1, VLP_FIELD_BOOL, NULL,
				    "Bus Master: the device may access memory (DMA)"),
};
_Static_assert(VLP_ARRAY_SIZE(command_fields) == VLP_CMD_COUNT, "one row per vlp_pci_command_row");
_Static_assert(PCI_COMMAND_IO == 1u << 0 && PCI_COMMAND_MEMORY == 1u << 1 &&
		       PCI_COMMAND_MASTER == 1u << 2,
	       "the command rows' bits are libpci's");
static const struct vlp_field_table command_table = TABLE("pci_command", command_fields, 0x40);

/* A Base Address Register (6.2.5.1); offsets from PCI_BASE_ADDRESS_0 + 4 * index. */
static const struct vlp_name space_entries[] = { { PCI_BASE_ADDRESS_SPACE_MEMORY, "memory" },
						 { PCI_BASE_ADDRESS_SPACE_IO, "io" } };
static const struct vlp_names space_names = NAMES(VLP_NAMES_ENUM, space_entries);
static const struct vlp_name mem_type_entries[] = {
	{ PCI_BASE_ADDRESS_MEM_TYPE_32 >> 1, "32-bit" },
	{ PCI_BASE_ADDRESS_MEM_TYPE_1M >> 1, "below 1M" },
	{ PCI_BASE_ADDRESS_MEM_TYPE_64 >> 1, "64-bit" },
};
static const struct vlp_names mem_type_names = NAMES(VLP_NAMES_ENUM, mem_type_entries);

static const struct vlp_field bar_fields[] = {
	[VLP_BARREG_REGISTER] = ROW("register", 0, 4, 0, "the register as read"),
	[VLP_BARREG_SPACE] = BITS("space", 0, 4, 0, PCI_BASE_ADDRESS_SPACE, 0, &space_names,
				  "memory or I/O space"),
	[VLP_BARREG_MEMORY_TYPE] = BITS(
		"memory_type", 0, 4, 1, PCI_BASE_ADDRESS_MEM_TYPE_MASK >> 1, VLP_FIELD_DECIMAL,
		&mem_type_names, "memory BARs: 0 32-bit, 2 64-bit (the next BAR is the high half)"),
	[VLP_BARREG_PREFETCHABLE] =
		BITS("prefetchable", 0, 4, 3, 1, VLP_FIELD_BOOL, NULL, "memory BARs: prefetchable"),
};
_Static_assert(VLP_ARRAY_SIZE(bar_fields) == VLP_BARREG_COUNT, "one row per vlp_pci_bar_row");
static const struct vlp_field_table bar_table = TABLE("pci_base_address", bar_fields, 4);

/* MSI-X capability (6.8.2): Message Control, Table Offset/BIR, PBA Offset/BIR. */
static const struct vlp_field msix_fields[] = {
	[VLP_MSIX_TABLE_SIZE] = BITS("table_size", PCI_CAP_FLAGS, 2, 0, PCI_MSIX_TABSIZE,
				     VLP_FIELD_DECIMAL | VLP_FIELD_PLUS_ONE, NULL,
				     "entries in the MSI-X table (the field holds N-1)"),
	[VLP_MSIX_ENABLED] = BITS("enabled", PCI_CAP_FLAGS, 2, 15, 1, VLP_FIELD_BOOL, NULL,
				  "MSI-X Enable: MSI-X is used instead of INTx"),
	[VLP_MSIX_FUNCTION_MASK] = BITS("function_mask", PCI_CAP_FLAGS, 2, 14, 1, VLP_FIELD_BOOL,
					NULL, "Function Mask: every vector is masked"),
	[VLP_MSIX_TABLE_BAR] = BITS("table_bar", PCI_MSIX_TABLE, 4, 0, PCI_MSIX_BIR,
				    VLP_FIELD_DECIMAL, NULL, "Table BIR: BAR holding the table"),
	[VLP_MSIX_TABLE_OFFSET] = BITS("table_offset", PCI_MSIX_TABLE, 4, 0, ~(uint32_t)PCI_MSIX_BIR,
				       0, NULL, "offset of the table in its BAR"),
	[VLP_MSIX_PBA_BAR] = BITS("pba_bar", PCI_MSIX_PBA, 4, 0, PCI_MSIX_BIR, VLP_FIELD_DECIMAL,
				  NULL, "PBA BIR: BAR holding the pending bit array"),
	[VLP_MSIX_PBA_OFFSET] = BITS("pba_offset", PCI_MSIX_PBA, 4, 0, ~(uint32_t)PCI_MSIX_BIR, 0,
				     NULL, "offset of the pending bit array in its BAR"),
};
_Static_assert(VLP_ARRAY_SIZE(msix_fields) == VLP_MSIX_COUNT, "one row per vlp_msix_cap_row");
_Static_assert(VLP_MSIX_COUNT <= VLP_PCI_CAP_ROWS, "vlp_cap.pci_fields holds every row");
static const struct vlp_field_table msix_table = TABLE("pci_msix_cap", msix_fields, 12);

/* Power Management capability (PCI Bus Power Management 1.2, 3.2). */
static const struct vlp_field pm_fields[] = {
	[VLP_PM_VERSION] = BITS("version", PCI_CAP_FLAGS, 2, 0, PCI_PM_CAP_VER_MASK,
				VLP_FIELD_DECIMAL, NULL, "PMC version (2: PM 1.1, 3: PM 1.2)"),
	[VLP_PM_POWER_STATE] = BITS("power_state", PCI_PM_CTRL, 2, 0, PCI_PM_CTRL_STATE_MASK,
				    VLP_FIELD_DECIMAL, NULL, "PMCSR power state: 0..3 = D0..D3hot"),
};
_Static_assert(VLP_ARRAY_SIZE(pm_fields) == VLP_PM_COUNT, "one row per vlp_pm_cap_row");
static const struct vlp_field_table pm_table = TABLE("pci_pm_cap", pm_fields, 8);

/* PCI Express capability (PCIe Base 7.5.3.2): the Capabilities register. */
static const struct vlp_name port_type_entries[] = {
	{ PCI_EXP_TYPE_ENDPOINT, "Endpoint" },
	{ PCI_EXP_TYPE_LEG_END, "Legacy Endpoint" },
	{ PCI_EXP_TYPE_ROOT_PORT, "Root Port" },
	{ PCI_EXP_TYPE_UPSTREAM, "Upstream Port" },
	{ PCI_EXP_TYPE_DOWNSTREAM, "Downstream Port" },
	{ PCI_EXP_TYPE_PCI_BRIDGE, "PCI-Express to PCI/PCI-X Bridge" },
	{ PCI_EXP_TYPE_PCIE_BRIDGE, "PCI/PCI-X to PCI-Express Bridge" },
	{ PCI_EXP_TYPE_ROOT_INT_EP, "Root Complex Integrated Endpoint" },
	{ PCI_EXP_TYPE_ROOT_EC, "Root Complex Event Collector" },
};
static const struct vlp_names port_type_names = NAMES(VLP_NAMES_ENUM, port_type_entries);
static const struct vlp_field pcie_fields[] = {
	[VLP_PCIE_VERSION] = BITS("version", PCI_EXP_FLAGS, 2, 0, PCI_EXP_FLAGS_VERS,
				  VLP_FIELD_DECIMAL, NULL, "capability version"),
	[VLP_PCIE_PORT_TYPE] = BITS("port_type", PCI_EXP_FLAGS, 2, 4, PCI_EXP_FLAGS_TYPE >> 4,
				    VLP_FIELD_DECIMAL, &port_type_names, "device/port type"),
};
_Static_assert(VLP_ARRAY_SIZE(pcie_fields) == VLP_PCIE_COUNT, "one row per vlp_pcie_cap_row");
static const struct vlp_field_table pcie_table = TABLE("pci_express_cap", pcie_fields, 4);

const struct vlp_field_table *vlp_pci_header_table(void)
{
	return &header_table;
}

const struct vlp_field_table *vlp_pci_command_table(void)
{
	return &command_table;
}

const struct vlp_field_table *vlp_pci_bar_table(void)
{
	return &bar_table;
}

const struct vlp_field_table *vlp_pci_cap_table(uint8_t cap_id)
{
	switch (cap_id) {
	case PCI_CAP_ID_MSIX:
		return &msix_table;
	case PCI_CAP_ID_PM:
		return &pm_table;
	case PCI_CAP_ID_EXP:
		return &pcie_table;
	default:
		return NULL;
	}
}
