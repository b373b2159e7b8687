/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Top of the decoder: header, BARs, virtio identity, legacy layout. */
#include <errno.h>
#include <pci/pci.h>
#include <stdlib.h>
#include <string.h>

#include "barmap.h"
#include "caps.h"
#include "finding.h"
#include "virtio.h"

/* A row of a config-space table at base; invalid when a byte was not read. */
static struct vlp_val read_row(const struct vlp_device *dev, unsigned base, const struct vlp_field *f)
{
	uint64_t v;
	bool ok = !vlp_field_read_config(dev, base, f, &v);

	return (struct vlp_val){ ok ? v : 0, ok };
}

static void decode_header(struct vlp_decode_state *st)
{
	const struct vlp_field_table *t = vlp_pci_header_table();

	for (size_t i = 0; i < t->count; i++)
		*vlp_header_slot(&st->layout->header, (enum vlp_pci_header_row)i) =
			read_row(st->dev, 0, &t->fields[i]);
}

static void decode_bars(struct vlp_decode_state *st)
{
	const struct vlp_device *dev = st->dev;
	const struct vlp_field *row = vlp_pci_bar_table()->fields;
	struct vlp_layout *l = st->layout;
	/* Bits 0-6 of the header type are the layout; bit 7 says multi-function.
	 * Unknown (a host device: QEMU's query-pci gives the BARs, not the
	 * header type), the BAR registers there are a type 0 header's. */
	bool type0 = !l->header.header_type.valid ||
		     (l->header.header_type.value & 0x7f) == PCI_HEADER_TYPE_NORMAL;
	uint64_t raw, hi;

	for (unsigned i = 0; i < VLP_NUM_BARS; i++) {
		struct vlp_bar *b = &l->bars[i];
		unsigned base = PCI_BASE_ADDRESS_0 + 4 * i;
		uint64_t size;

		b->index = i;
		if (!type0 || vlp_field_read_config(dev, base, &row[VLP_BARREG_REGISTER], &raw))
			continue; /* a bridge has two BARs; virtio devices are type 0 */
		if (i > 0 && l->bars[i - 1].valid && l->bars[i - 1].is_64bit &&
		    !l->bars[i - 1].upper_half) {
			b->valid = true;
			b->upper_half = true;
			b->raw = (uint32_t)raw;
			continue;
		}
		b->valid = true;
		b->raw = (uint32_t)raw;
		if (vlp_field_extract(&row[VLP_BARREG_SPACE], raw) == PCI_BASE_ADDRESS_SPACE_IO) {
			b->space = VLP_BAR_IO;
			b->address = raw & (uint32_t)PCI_BASE_ADDRESS_IO_MASK;
		} else {
			b->space = VLP_BAR_MEMORY;
			b->is_64bit = vlp_field_extract(&row[VLP_BARREG_MEMORY_TYPE], raw) ==
				      PCI_BASE_ADDRESS_MEM_TYPE_64 >> 1;
			b->prefetchable = vlp_field_extract(&row[VLP_BARREG_PREFETCHABLE], raw);
			b->address = raw & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK;
			if (b->is_64bit) {
				/* Both halves or nothing: a half address is wrong. */
				if (i + 1 >= VLP_NUM_BARS ||
				    vlp_field_read_config(dev, base + 4, &row[VLP_BARREG_REGISTER],
							  &hi)) {
					b->valid = false;
					continue;
				}
				b->address |= hi << 32;
			}
		}
		if (!vlp_device_bar_size(dev, i, &size)) {
			b->size_known = true;
			b->size = size;
		}
		/* An unassigned BAR reads its flags only; a zero register with
		 * no known size is absent. */
		b->present = raw != 0 || (b->size_known && b->size != 0);
		if (b->size_known && b->size == 0)
			b->present = false;
	}
}

/* Transitional device IDs (4.1.2.1, table "Transitional PCI Device IDs"). */
static int transitional_type(uint16_t device)
{
	switch (device) {
	case 0x1000:
		return 1;
	case 0x1001:
		return 2;
	case 0x1002:
		return 5;
	case 0x1003:
		return 3;
	case 0x1004:
		return 8;
	case 0x1005:
		return 4;
	case 0x1009:
		return 9;
	default:
		return -1;
	}
}

static bool has_virtio_cap(const struct vlp_layout *l)
{
	for (size_t i = 0; i < l->ncaps; i++)
		if (l->caps[i].kind == VLP_CAP_VIRTIO)
			return true;
	return false;
}

/* Identity before the chain is walked: is it virtio at all. */
static void decode_virtio_ids(struct vlp_decode_state *st)
{
	struct vlp_layout *l = st->layout;
	struct vlp_virtio_id *v = &l->virtio;
	uint16_t device = (uint16_t)l->header.device_id.value;
	int by_id;

	if (!l->header.vendor_id.valid || !l->header.device_id.valid ||
	    !vlp_is_virtio_id((uint16_t)l->header.vendor_id.value, device))
		return;
	v->is_virtio = true;
	if (device >= VLP_VIRTIO_MODERN_BASE) {
		/* 4.1.2.1: modern device ID = 0x1040 + virtio device ID. */
		v->transport = VLP_TRANSPORT_MODERN;
		v->device_type = (struct vlp_val){ device - VLP_VIRTIO_MODERN_BASE, true };
	} else {
		/* 4.1.2.3: legacy and transitional devices carry the virtio
		 * device ID in the Subsystem Device ID. */
		v->transport = VLP_TRANSPORT_LEGACY; /* refined after the chain */
		by_id = transitional_type(device);
		if (l->header.subsystem_id.valid)
			v->device_type = (struct vlp_val){ l->header.subsystem_id.value, true };
		else if (by_id >= 0)
			v->device_type = (struct vlp_val){ (uint64_t)by_id, true };
		if (by_id >= 0 && l->header.subsystem_id.valid &&
		    l->header.subsystem_id.value != (uint64_t)by_id)
			vlp_finding(st, "id-transitional-subsystem", VLP_SEV_WARNING, "4.1.2.3", -1,
				    "transitional device ID 0x%04x means virtio device type %d, but the subsystem device ID says %u",
				    device, by_id, (unsigned)l->header.subsystem_id.value);
	}
	if (v->device_type.valid)
		v->type_name = vlp_virtio_type_name((unsigned)v->device_type.value);
}

static void decode_identity_rules(struct vlp_decode_state *st)
{
	struct vlp_layout *l = st->layout;
	const struct vlp_header *h = &l->header;

	if (l->virtio.transport == VLP_TRANSPORT_MODERN) {
		if (h->revision.valid && h->revision.value < 1)
			vlp_finding(st, "id-modern-revision", VLP_SEV_WARNING, "4.1.2.1", -1,
				    "non-transitional device has Revision ID 0 (should be 1 or higher)");
		if (h->subsystem_id.valid && h->subsystem_id.value < 0x40)
			vlp_finding(st, "id-modern-subsystem", VLP_SEV_WARNING, "4.1.2.1", -1,
				    "non-transitional device has Subsystem Device ID 0x%04x (should be 0x40 or higher)",
				    (unsigned)h->subsystem_id.value);
	} else if (l->virtio.transport == VLP_TRANSPORT_TRANSITIONAL) {
		if (h->revision.valid && h->revision.value != 0)
			vlp_finding(st, "id-transitional-revision", VLP_SEV_ERROR, "4.1.2.3", -1,
				    "transitional device has Revision ID 0x%02x (must be 0)",
				    (unsigned)h->revision.value);
	}
	if (l->virtio.device_type.valid && !l->virtio.type_name)
		vlp_finding(st, "id-device-type", VLP_SEV_WARNING, "5", -1,
			    "virtio device type %u is not defined by the spec",
			    (unsigned)l->virtio.device_type.value);
}

static void decode_legacy(struct vlp_decode_state *st)
{
	struct vlp_layout *l = st->layout;
	struct vlp_legacy *lg = &l->legacy;

	if (l->virtio.transport != VLP_TRANSPORT_LEGACY &&
	    l->virtio.transport != VLP_TRANSPORT_TRANSITIONAL &&
	    l->virtio.transport != VLP_TRANSPORT_PRE_MODERN)
		return;
	lg->present = true;
	lg->bar0_is_io = l->bars[0].valid && l->bars[0].present && l->bars[0].space == VLP_BAR_IO;
	if (l->bars[0].valid && !lg->bar0_is_io)
		vlp_finding(st, "legacy-io-bar0", VLP_SEV_ERROR, "4.1.5.1.1.1", -1,
			    "%s device has no I/O BAR0 for the legacy interface",
			    vlp_transport_name(l->virtio.transport));
	/* The device-specific part moves from 20 to 24 while MSI-X is enabled
	 * (4.1.4.10). */
	if (l->msix_index >= 0 && l->caps[l->msix_index].complete) {
		bool en = l->caps[l->msix_index].u.msix.enabled;

		lg->msix_enabled = (struct vlp_val){ en, true };
		lg->device_config_offset = (struct vlp_val){ en ? 24 : 20, true };
	} else if (l->msix_index < 0 && vlp_device_config_valid(st->dev, 0, VLP_CONFIG_LEGACY)) {
		lg->msix_enabled = (struct vlp_val){ 0, true };
		lg->device_config_offset = (struct vlp_val){ 20, true };
	}
}

int vlp_decode(struct vlp_ctx *ctx, const struct vlp_device *dev, struct vlp_layout **out)
{
	struct vlp_decode_state st = { 0 };
	struct vlp_layout *l = calloc(1, sizeof(*l));

	if (!l)
		return vlp_error(ctx, ENOMEM, "out of memory");
	st.layout = l;
	st.dev = dev;
	l->slot = *vlp_device_slot(dev);
	l->msix_index = -1;
	for (unsigned i = 0; i < VLP_CFG_TYPE_SLOTS; i++)
		l->driver_uses[i] = -1;

	decode_header(&st);
	decode_bars(&st);
	decode_virtio_ids(&st);
	if (!l->header.status.valid)
		st.chain_unreadable = true; /* whether there is a chain is unknown */
	else if (l->header.status.value & PCI_STATUS_CAP_LIST)
		vlp_decode_cap_chain(&st);
	vlp_decode_ecap_chain(&st);
	if (l->virtio.transport == VLP_TRANSPORT_LEGACY) {
		if (has_virtio_cap(l))
			l->virtio.transport = VLP_TRANSPORT_TRANSITIONAL;
		else if (st.chain_unreadable)
			l->virtio.transport = VLP_TRANSPORT_PRE_MODERN;
	}
	decode_identity_rules(&st);
	decode_legacy(&st);
	if (l->virtio.is_virtio)
		vlp_virtio_choose(&st);
	vlp_build_bar_map(&st);

	if (st.out_of_memory) {
		vlp_layout_free(l);
		return vlp_error(ctx, ENOMEM, "out of memory");
	}
	*out = l;
	return 0;
}

void vlp_layout_free(struct vlp_layout *l)
{
	if (!l)
		return;
	free(l->caps);
	free(l->regions);
	free(l->findings);
	free(l);
}
