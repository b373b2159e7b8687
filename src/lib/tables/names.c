/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name tables: transports, cfg types, PCI capability IDs (the device
 * types are in the registry, types.c). */
#include "internal.h"

const char *vlp_transport_name(enum vlp_transport t)
{
	static const char *const names[] = {
		[VLP_TRANSPORT_NONE] = "none",
		[VLP_TRANSPORT_LEGACY] = "legacy",
		[VLP_TRANSPORT_TRANSITIONAL] = "transitional",
		[VLP_TRANSPORT_MODERN] = "modern",
		[VLP_TRANSPORT_PRE_MODERN] = "legacy-or-transitional",
	};

	return (unsigned)t < VLP_ARRAY_SIZE(names) ? names[t] : names[VLP_TRANSPORT_NONE];
}

struct cfg_type_names {
	const char *name;
	const char *label;
};

/* cfg_type values, 4.1.4; 0, 6, 7 and 10-255 are reserved. */
static const struct cfg_type_names cfg_types[] = {
	[VLP_CFG_COMMON] = { "common", "CommonCfg" },
	[VLP_CFG_NOTIFY] = { "notify", "Notify" },
	[VLP_CFG_ISR] = { "isr", "ISR" },
	[VLP_CFG_DEVICE] = { "device", "DeviceCfg" },
	[VLP_CFG_PCI] = { "pci_cfg", "PCICfg" },
	[VLP_CFG_SHARED_MEMORY] = { "shared_memory", "SharedMemory" },
	[VLP_CFG_VENDOR] = { "vendor", "VendorData" },
};

const char *vlp_cfg_type_name(unsigned cfg_type)
{
	return cfg_type < VLP_ARRAY_SIZE(cfg_types) ? cfg_types[cfg_type].name : NULL;
}

const char *vlp_cfg_type_label(unsigned cfg_type)
{
	return cfg_type < VLP_ARRAY_SIZE(cfg_types) ? cfg_types[cfg_type].label : NULL;
}

/* PCI Code and ID Assignment Specification, capability IDs. */
static const char *const cap_names[] = {
	[0x01] = "Power Management",
	[0x02] = "AGP",
	[0x03] = "Vital Product Data",
	[0x04] = "Slot Identification",
	[0x05] = "MSI",
	[0x06] = "CompactPCI Hot Swap",
	[0x07] = "PCI-X",
	[0x08] = "HyperTransport",
	[0x09] = "Vendor Specific",
	[0x0a] = "Debug port",
	[0x0b] = "CompactPCI central resource control",
	[0x0c] = "PCI Hot-plug",
	[0x0d] = "Bridge subsystem vendor/device ID",
	[0x0e] = "AGP 8x",
	[0x0f] = "Secure device",
	[0x10] = "Express",
	[0x11] = "MSI-X",
	[0x12] = "SATA HBA",
	[0x13] = "PCI Advanced Features",
	[0x14] = "Enhanced Allocation",
	[0x15] = "Flattening Portal Bridge",
};

const char *vlp_cap_name(uint8_t id)
{
	return id < VLP_ARRAY_SIZE(cap_names) ? cap_names[id] : NULL;
}

/* Extended capability IDs (PCIe). */
static const char *const ecap_names[] = {
	[0x01] = "Advanced Error Reporting",
	[0x02] = "Virtual Channel",
	[0x03] = "Device Serial Number",
	[0x04] = "Power Budgeting",
	[0x05] = "Root Complex Link Declaration",
	[0x06] = "Root Complex Internal Link Control",
	[0x07] = "Root Complex Event Collector",
	[0x08] = "Multi-Function VC Arbitration",
	[0x09] = "Virtual Channel (MFVC)",
	[0x0a] = "Root Complex Register Block",
	[0x0b] = "Vendor Specific",
	[0x0c] = "Configuration Access Correlation",
	[0x0d] = "Access Control Services",
	[0x0e] = "Alternative Routing-ID Interpretation",
	[0x0f] = "Address Translation Service",
	[0x10] = "Single Root I/O Virtualization",
	[0x11] = "Multi-Root I/O Virtualization",
	[0x12] = "Multicast",
	[0x13] = "Page Request Interface",
	[0x15] = "Resizable BAR",
	[0x16] = "Dynamic Power Allocation",
	[0x17] = "TPH Requester",
	[0x18] = "Latency Tolerance Reporting",
	[0x19] = "Secondary PCI Express",
	[0x1a] = "Protocol Multiplexing",
	[0x1b] = "Process Address Space ID",
	[0x1c] = "LN Requester",
	[0x1d] = "Downstream Port Containment",
	[0x1e] = "L1 PM Substates",
	[0x1f] = "Precision Time Measurement",
	[0x23] = "Designated Vendor-Specific",
	[0x24] = "VF Resizable BAR",
	[0x25] = "Data Link Feature",
	[0x26] = "Physical Layer 16.0 GT/s",
	[0x27] = "Lane Margining at the Receiver",
	[0x29] = "Native PCIe Enclosure Management",
	[0x2a] = "Physical Layer 32.0 GT/s",
	[0x2b] = "Alternate Protocol",
	[0x2c] = "System Firmware Intermediary",
	[0x2e] = "Data Object Exchange",
	[0x2f] = "Device 3",
	[0x30] = "Integrity and Data Encryption",
	[0x31] = "Physical Layer 64.0 GT/s",
};

const char *vlp_ecap_name(uint16_t id)
{
	return id < VLP_ARRAY_SIZE(ecap_names) ? ecap_names[id] : NULL;
}

const char *vlp_severity_name(enum vlp_severity s)
{
	switch (s) {
	case VLP_SEV_ERROR:
		return "error";
	case VLP_SEV_WARNING:
		return "warning";
	case VLP_SEV_INFO:
		break;
	}
	return "info";
}

const char *vlp_region_kind_name(enum vlp_region_kind k)
{
	switch (k) {
	case VLP_REGION_VIRTIO:
		return "virtio";
	case VLP_REGION_MSIX_TABLE:
		return "msix_table";
	case VLP_REGION_MSIX_PBA:
		return "msix_pba";
	case VLP_REGION_LEGACY:
		break;
	}
	return "legacy";
}

const char *vlp_region_name(const struct vlp_region *r)
{
	switch (r->kind) {
	case VLP_REGION_VIRTIO:
		return vlp_cfg_type_label(r->cfg_type);
	case VLP_REGION_MSIX_TABLE:
		return "MSI-X table";
	case VLP_REGION_MSIX_PBA:
		return "MSI-X PBA";
	case VLP_REGION_LEGACY:
		break;
	}
	return "Legacy header";
}

const char *vlp_config_limit_name(enum vlp_config_limit l)
{
	switch (l) {
	case VLP_LIMIT_PRIVILEGE:
		return "privilege";
	case VLP_LIMIT_DUMP:
		return "dump";
	case VLP_LIMIT_READ_ERROR:
		return "read_error";
	case VLP_LIMIT_HOST:
		return "host";
	case VLP_LIMIT_NONE:
		break;
	}
	return NULL;
}
