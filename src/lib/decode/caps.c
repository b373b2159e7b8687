/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability chains, standard and extended, walked defensively: loops,
 * pointers into the header and bytes that were not read end the walk with
 * a finding, never with an out-of-bounds read.  Decoders by capability ID. */
#include <pci/pci.h>
#include <string.h>

#include "caps.h"
#include "virtio.h"

/* Reads every row of the capability's table into pci_fields; false (and
 * the capability incomplete) when a byte was not read. */
static bool read_pci_cap(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	const struct vlp_field_table *t = vlp_pci_cap_table((uint8_t)cap->id);

	for (size_t i = 0; i < t->count; i++)
		if (vlp_field_read_config(st->dev, cap->position, &t->fields[i], &cap->pci_fields[i])) {
			cap->complete = false;
			return false;
		}
	cap->pci_table = t;
	return true;
}

static void decode_pm(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	if (!read_pci_cap(st, cap))
		return;
	cap->kind = VLP_CAP_PM;
	cap->u.pm.version = (uint8_t)cap->pci_fields[VLP_PM_VERSION];
	cap->u.pm.power_state = (uint8_t)cap->pci_fields[VLP_PM_POWER_STATE];
}

static void decode_pcie(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	if (!read_pci_cap(st, cap))
		return;
	cap->kind = VLP_CAP_PCIE;
	cap->u.pcie.version = (uint8_t)cap->pci_fields[VLP_PCIE_VERSION];
	cap->u.pcie.port_type = (uint8_t)cap->pci_fields[VLP_PCIE_PORT_TYPE];
	cap->u.pcie.port_type_name = vlp_names_lookup(
		cap->pci_table->fields[VLP_PCIE_PORT_TYPE].names, cap->u.pcie.port_type);
}

static void decode_msix(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	struct vlp_layout *l = st->layout;
	struct vlp_msix_cap *m = &cap->u.msix;
	const uint64_t *v = cap->pci_fields;

	if (!read_pci_cap(st, cap))
		return;
	cap->kind = VLP_CAP_MSIX;
	m->table_size = (unsigned)v[VLP_MSIX_TABLE_SIZE];
	m->function_mask = v[VLP_MSIX_FUNCTION_MASK];
	m->enabled = v[VLP_MSIX_ENABLED];
	m->table_bar = (uint8_t)v[VLP_MSIX_TABLE_BAR];
	m->table_offset = (uint32_t)v[VLP_MSIX_TABLE_OFFSET];
	m->pba_bar = (uint8_t)v[VLP_MSIX_PBA_BAR];
	m->pba_offset = (uint32_t)v[VLP_MSIX_PBA_OFFSET];
	if (l->msix_index < 0)
		l->msix_index = (int)(cap - l->caps);
	else
		vlp_finding(st, "msix-unique", VLP_SEV_ERROR, NULL, cap->position,
			    "second MSI-X capability (the first is at [%02x])",
			    l->caps[l->msix_index].position);
	if (m->table_bar > 5 || m->pba_bar > 5)
		vlp_finding(st, "msix-bir", VLP_SEV_ERROR, NULL, cap->position,
			    "MSI-X %s BIR %u is reserved", m->table_bar > 5 ? "table" : "PBA",
			    m->table_bar > 5 ? m->table_bar : m->pba_bar);
	/* 4.1.5.1.2.1: a device SHOULD support 2 or more vectors. */
	if (m->table_size < 2 && st->layout->virtio.is_virtio)
		vlp_finding(st, "msix-vectors", VLP_SEV_INFO, "4.1.5.1.2.1", cap->position,
			    "MSI-X table has %u vector (devices should support at least 2)",
			    m->table_size);
}

static void decode_vendor(struct vlp_decode_state *st, struct vlp_cap *cap)
{
	/* Only virtio devices carry Virtio Structure capabilities (4.1.4);
	 * a vendor capability of another device is not ours to interpret. */
	if (st->layout->virtio.is_virtio)
		vlp_decode_virtio_cap(st, cap);
}

struct cap_decoder {
	uint8_t id;
	void (*decode)(struct vlp_decode_state *st, struct vlp_cap *cap);
};

static const struct cap_decoder cap_decoders[] = {
	{ PCI_CAP_ID_PM, decode_pm },
	{ PCI_CAP_ID_VNDR, decode_vendor },
	{ PCI_CAP_ID_EXP, decode_pcie },
	{ PCI_CAP_ID_MSIX, decode_msix },
};

static const char *why_unread(const struct vlp_device *dev)
{
	switch (vlp_device_config_limit(dev)) {
	case VLP_LIMIT_PRIVILEGE:
		return "only the 64-byte header is readable without root";
	case VLP_LIMIT_DUMP:
	case VLP_LIMIT_NONE:
		if (vlp_device_origin(dev) != VLP_ORIGIN_LIVE)
			return "the dump does not contain it";
		return "it could not be read";
	case VLP_LIMIT_HOST:
		return "the monitor gives no config space beyond the IDs and BARs";
	case VLP_LIMIT_READ_ERROR:
		break;
	}
	return "it could not be read";
}

void vlp_decode_cap_chain(struct vlp_decode_state *st)
{
	const struct vlp_device *dev = st->dev;
	uint8_t seen[VLP_CONFIG_LEGACY / 8] = { 0 };
	uint8_t pos, id, next;

	if (vlp_cfg_u8(dev, PCI_CAPABILITY_LIST, &pos)) {
		st->chain_unreadable = true;
		return;
	}
	pos &= (uint8_t)~3u; /* the two low bits are reserved */
	while (pos) {
		struct vlp_cap *cap;

		if (pos < VLP_CONFIG_HEADER) {
			vlp_finding(st, "cap-chain-pointer", VLP_SEV_ERROR, NULL, -1,
				    "capability pointer 0x%02x points into the standard header; chain ends there",
				    pos);
			break;
		}
		if (seen[pos / 8] & (1u << (pos % 8))) {
			vlp_finding(st, "cap-chain-loop", VLP_SEV_ERROR, NULL, pos,
				    "capability chain loops back to [%02x]; chain ends there", pos);
			break;
		}
		seen[pos / 8] |= (uint8_t)(1u << (pos % 8));
		if (vlp_cfg_u8(dev, pos + PCI_CAP_LIST_ID, &id) ||
		    vlp_cfg_u8(dev, pos + PCI_CAP_LIST_NEXT, &next)) {
			st->chain_unreadable = true;
			vlp_finding(st, "data-incomplete", VLP_SEV_INFO, NULL, pos,
				    "capability at [%02x] not decoded: %s", pos, why_unread(dev));
			break;
		}
		cap = vlp_cap_append(st);
		if (!cap)
			return;
		cap->position = pos;
		cap->id = id;
		cap->next = next;
		cap->complete = true;
		for (size_t i = 0; i < VLP_ARRAY_SIZE(cap_decoders); i++)
			if (cap_decoders[i].id == id)
				cap_decoders[i].decode(st, cap);
		if (!cap->complete)
			vlp_finding(st, "data-incomplete", VLP_SEV_INFO, NULL, pos,
				    "capability at [%02x] only partly decoded: %s", pos,
				    why_unread(dev));
		pos = next & (uint8_t)~3u;
	}
}

void vlp_decode_ecap_chain(struct vlp_decode_state *st)
{
	const struct vlp_device *dev = st->dev;
	uint8_t seen[VLP_CONFIG_MAX / 4 / 8] = { 0 };
	unsigned pos = VLP_CONFIG_LEGACY;
	uint32_t header;

	/* Extended space exists only where all of it was read (PCIe). */
	if (vlp_cfg_u32(dev, VLP_CONFIG_LEGACY, &header) || header == 0 || header == 0xffffffffu)
		return;
	while (pos) {
		struct vlp_cap *cap;

		if (pos < VLP_CONFIG_LEGACY) {
			vlp_finding(st, "cap-chain-pointer", VLP_SEV_ERROR, NULL, -1,
				    "extended capability pointer 0x%03x points below 0x100; chain ends there",
				    pos);
			break;
		}
		if (seen[pos / 4 / 8] & (1u << (pos / 4 % 8))) {
			vlp_finding(st, "cap-chain-loop", VLP_SEV_ERROR, NULL, (int)pos,
				    "extended capability chain loops back to [%03x]; chain ends there",
				    pos);
			break;
		}
		seen[pos / 4 / 8] |= (uint8_t)(1u << (pos / 4 % 8));
		if (vlp_cfg_u32(dev, pos, &header)) {
			vlp_finding(st, "data-incomplete", VLP_SEV_INFO, NULL, (int)pos,
				    "extended capability at [%03x] not decoded: %s", pos,
				    why_unread(dev));
			break;
		}
		if (header == 0 || header == 0xffffffffu)
			break;
		cap = vlp_cap_append(st);
		if (!cap)
			return;
		cap->position = (uint16_t)pos;
		cap->extended = true;
		cap->id = header & 0xffff;
		cap->version = (header >> 16) & 0xf;
		cap->next = (uint16_t)(header >> 20);
		cap->complete = true;
		pos = cap->next & ~3u;
	}
}
