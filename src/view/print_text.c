/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text output in lspci's look: a line per device, then with -v the
 * decoded detail indented by tabs, "+"/"-" flags, "[size=512K]". */
#include <inttypes.h>
#include <string.h>

#include "output.h"

#define UNAVAILABLE "<unavailable>"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct bit_name {
	unsigned mask;
	const char *name;
};

/* PCI Local Bus spec, Command and Status registers (as lspci names them). */
static const struct bit_name command_bits[] = {
	{ 0x001, "I/O" },     { 0x002, "Mem" },      { 0x004, "BusMaster" }, { 0x008, "SpecCycle" },
	{ 0x010, "MemWINV" }, { 0x020, "VGASnoop" }, { 0x040, "ParErr" },    { 0x080, "Stepping" },
	{ 0x100, "SERR" },    { 0x200, "FastB2B" },  { 0x400, "DisINTx" },
};

static const struct bit_name status_bits_low[] = {
	{ 0x010, "Cap" },     { 0x020, "66MHz" },  { 0x040, "UDF" },
	{ 0x080, "FastB2B" }, { 0x100, "ParErr" },
};

static const struct bit_name status_bits_high[] = {
	{ 0x0800, ">TAbort" }, { 0x1000, "<TAbort" }, { 0x2000, "<MAbort" },
	{ 0x4000, ">SERR" },   { 0x8000, "<PERR" },   { 0x0008, "INTx" },
};

static void print_flags(FILE *f, const struct bit_name *bits, size_t n, unsigned value)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, " %s%c", bits[i].name, (value & bits[i].mask) ? '+' : '-');
}

static void text_begin(struct output *o)
{
	(void)o;
}

/* The line every mode starts a device with; it also starts with the slot
 * and a space, so lspci -F reads our -x output. */
static void print_summary(struct output *o, const struct vlp_layout *l, const char *domain)
{
	const struct vlp_header *h = &l->header;
	char slot[32], title[96];

	/* every running domain's devices: each line says which */
	if (domain)
		fprintf(o->f, "[%s] ", domain);

	format_slot(slot, sizeof(slot), &l->slot, o->opts.domains || l->slot.domain != 0);
	format_type_title(title, sizeof(title), l);
	fprintf(o->f, "%s %s [%04x:%04x] (%s", slot, title, (unsigned)h->vendor_id.value,
		(unsigned)h->device_id.value, vlp_transport_name(l->virtio.transport));
	if (h->revision.valid)
		fprintf(o->f, ", rev %02x", (unsigned)h->revision.value);
	fputs(")\n", o->f);
}

/* lspci's -n / -nn: names, numbers, or both. */
static void print_named(struct output *o, const char *label, const char *name, const char *numbers)
{
	if (o->opts.numeric == 1 || !name)
		fprintf(o->f, "\t%s: %s\n", label, numbers);
	else if (o->opts.numeric >= 2)
		fprintf(o->f, "\t%s: %s [%s]\n", label, name, numbers);
	else
		fprintf(o->f, "\t%s: %s\n", label, name);
}

static void print_identity(struct output *o, const struct vlp_layout *l)
{
	const struct vlp_header *h = &l->header;
	char buf[256], num[32];
	const char *name;
	unsigned ven = (unsigned)h->vendor_id.value, dev = (unsigned)h->device_id.value;

	snprintf(num, sizeof(num), "%04x:%04x", ven, dev);
	name = NULL;
	if (o->opts.numeric != 1) {
		char vendor[128], device[128];
		const char *vn =
			vlp_pci_name(o->ctx, VLP_NAME_VENDOR, vendor, sizeof(vendor), ven, 0, 0, 0);
		const char *dn =
			vlp_pci_name(o->ctx, VLP_NAME_DEVICE, device, sizeof(device), ven, dev, 0, 0);

		/* Like lspci: "Vendor Device", each part only when known. */
		if (vn || dn) {
			snprintf(buf, sizeof(buf), "%s%s%s", vn ? vn : "", vn && dn ? " " : "",
				 dn ? dn : "");
			name = buf;
		}
	}
	print_named(o, "Device", name, num);
	if (h->subsystem_vendor_id.valid && h->subsystem_id.valid) {
		unsigned sv = (unsigned)h->subsystem_vendor_id.value,
			 sd = (unsigned)h->subsystem_id.value;

		snprintf(num, sizeof(num), "%04x:%04x", sv, sd);
		name = o->opts.numeric == 1 ? NULL
					    : vlp_pci_name(o->ctx, VLP_NAME_SUBSYSTEM, buf,
							   sizeof(buf), ven, dev, sv, sd);
		print_named(o, "Subsystem", name, num);
	} else {
		fprintf(o->f, "\tSubsystem: " UNAVAILABLE "\n");
	}
	if (h->class_code.valid) {
		unsigned cls = (unsigned)(h->class_code.value >> 8);

		snprintf(num, sizeof(num), "%04x", cls);
		name = o->opts.numeric == 1
			       ? NULL
			       : vlp_pci_name(o->ctx, VLP_NAME_CLASS, buf, sizeof(buf), cls, 0, 0, 0);
		print_named(o, "Class", name, num);
	}
	fprintf(o->f, "\tVirtio: ");
	if (l->virtio.device_type.valid)
		fprintf(o->f, "type %u (%s), ", (unsigned)l->virtio.device_type.value,
			l->virtio.type_name ? l->virtio.type_name : "unknown");
	else
		fprintf(o->f, "type " UNAVAILABLE ", ");
	fprintf(o->f, "%s transport\n", vlp_transport_name(l->virtio.transport));
}

static void print_command_status(struct output *o, const struct vlp_layout *l)
{
	static const char *const devsel[] = { "fast", "medium", "slow", "??" };
	const struct vlp_header *h = &l->header;
	unsigned st = (unsigned)h->status.value;

	fprintf(o->f, "\tControl:");
	if (h->command.valid)
		print_flags(o->f, command_bits, ARRAY_SIZE(command_bits), (unsigned)h->command.value);
	else
		fprintf(o->f, " " UNAVAILABLE);
	fprintf(o->f, "\n\tStatus:");
	if (h->status.valid) {
		print_flags(o->f, status_bits_low, ARRAY_SIZE(status_bits_low), st);
		fprintf(o->f, " DEVSEL=%s", devsel[(st >> 9) & 3]);
		print_flags(o->f, status_bits_high, ARRAY_SIZE(status_bits_high), st);
	} else {
		fprintf(o->f, " " UNAVAILABLE);
	}
	fputc('\n', o->f);
}

static void print_bars(struct output *o, const struct vlp_layout *l)
{
	char size[32];

	for (unsigned i = 0; i < VLP_NUM_BARS; i++) {
		const struct vlp_bar *b = &l->bars[i];

		if (!b->valid) {
			continue;
		}
		if (b->upper_half || !b->present)
			continue;
		fprintf(o->f, "\tRegion %u: ", i);
		if (b->space == VLP_BAR_IO) {
			if (b->address)
				fprintf(o->f, "I/O ports at %04" PRIx64, b->address);
			else
				fprintf(o->f, "I/O ports at <unassigned>");
		} else {
			if (b->address)
				fprintf(o->f, "Memory at %08" PRIx64, b->address);
			else
				fprintf(o->f, "Memory at <unassigned>");
			fprintf(o->f, " (%s, %sprefetchable)", b->is_64bit ? "64-bit" : "32-bit",
				b->prefetchable ? "" : "non-");
		}
		if (b->size_known && b->size) {
			format_size(size, sizeof(size), b->size);
			fprintf(o->f, " [size=%s]", size);
		}
		fputc('\n', o->f);
	}
}

static void print_field_line(struct output *o, const struct vlp_virtio_cap *v)
{
	char buf[64];

	fprintf(o->f, "\t\t");
	for (size_t i = 0; i < v->table->count && i < ARRAY_SIZE(v->fields); i++) {
		const struct vlp_field *f = &v->table->fields[i];

		if (!v->fields[i].valid)
			continue; /* beyond cap_len: not part of this capability */
		format_field(buf, sizeof(buf), f, &v->fields[i]);
		fprintf(o->f, "%s%s=%s", i ? " " : "", f->name, buf);
	}
	fputc('\n', o->f);
}

static void print_virtio_cap(struct output *o, const struct vlp_cap *c)
{
	const struct vlp_virtio_cap *v = &c->u.virtio;
	const char *label = vlp_cfg_type_label(v->cfg_type);

	if (label)
		fprintf(o->f, "Virtio: %s", label);
	else
		fprintf(o->f, "Virtio: reserved cfg_type %u", v->cfg_type);
	if (v->driver_uses)
		fprintf(o->f, " (driver uses this)");
	fputc('\n', o->f);
	if (v->cfg_type == VLP_CFG_VENDOR) {
		if (v->has_vendor_id)
			fprintf(o->f, "\t\tvendor=%04x len=%u\n", v->vendor_id, v->cap_len);
	} else if (v->has_location && v->cfg_type == VLP_CFG_SHARED_MEMORY) {
		fprintf(o->f, "\t\tBAR=%u offset=%016" PRIx64 " size=%016" PRIx64 " id=%u\n",
			v->bar, v->offset, v->length, v->id);
	} else if (v->has_location) {
		fprintf(o->f, "\t\tBAR=%u offset=%08" PRIx64 " size=%08" PRIx64, v->bar, v->offset,
			v->length);
		if (v->has_multiplier)
			fprintf(o->f, " multiplier=%08x", v->notify_off_multiplier);
		fputc('\n', o->f);
	}
	if (o->opts.verbose >= 2)
		print_field_line(o, v);
	if (o->opts.verbose >= 3 && v->skip_reason)
		fprintf(o->f, "\t\tNote: %s: %s\n", v->driver_uses ? "used" : "not used",
			v->skip_reason);
}

static void print_cap(struct output *o, const struct vlp_cap *c)
{
	const char *name = c->extended ? vlp_ecap_name(c->id) : vlp_cap_name((uint8_t)c->id);

	if (c->extended)
		fprintf(o->f, "\tCapabilities: [%03x v%u] ", c->position, c->version);
	else
		fprintf(o->f, "\tCapabilities: [%02x] ", c->position);
	switch (c->kind) {
	case VLP_CAP_VIRTIO:
		print_virtio_cap(o, c);
		break;
	case VLP_CAP_MSIX:
		fprintf(o->f, "MSI-X: Enable%c Count=%u Masked%c\n", c->u.msix.enabled ? '+' : '-',
			c->u.msix.table_size, c->u.msix.function_mask ? '+' : '-');
		fprintf(o->f, "\t\tVector table: BAR=%u offset=%08x\n", c->u.msix.table_bar,
			c->u.msix.table_offset);
		fprintf(o->f, "\t\tPBA: BAR=%u offset=%08x\n", c->u.msix.pba_bar, c->u.msix.pba_offset);
		break;
	case VLP_CAP_PM:
		fprintf(o->f, "Power Management version %u\n", c->u.pm.version);
		if (o->opts.verbose >= 2)
			fprintf(o->f, "\t\tStatus: D%u\n", c->u.pm.power_state);
		break;
	case VLP_CAP_PCIE:
		fprintf(o->f, "Express (v%u) %s\n", c->u.pcie.version,
			c->u.pcie.port_type_name ? c->u.pcie.port_type_name : "Unknown type");
		break;
	case VLP_CAP_GENERIC:
		if (name)
			fprintf(o->f, "%s", name);
		else
			fprintf(o->f, "Capability ID 0x%02x", c->id);
		fprintf(o->f, "%s\n", c->complete ? "" : " " UNAVAILABLE);
		break;
	}
}

static void print_bar_map(struct output *o, const struct vlp_layout *l)
{
	unsigned bar = VLP_NUM_BARS + 1;
	char size[32];

	if (!l->nregions)
		return;
	fprintf(o->f, "\tBAR map:\n");
	for (size_t i = 0; i < l->nregions; i++) {
		const struct vlp_region *r = &l->regions[i];
		uint64_t last = r->length ? r->offset + r->length - 1 : r->offset;

		if (r->bar != bar) {
			const struct vlp_bar *b = r->bar < VLP_NUM_BARS ? &l->bars[r->bar] : NULL;

			bar = r->bar;
			fprintf(o->f, "\t\tBAR%u:", bar);
			if (!b || !b->valid || b->upper_half || !b->present)
				fprintf(o->f, " <not a usable BAR>");
			else {
				fprintf(o->f, " %s", b->space == VLP_BAR_IO ? "I/O" : "memory");
				if (b->size_known) {
					format_size(size, sizeof(size), b->size);
					fprintf(o->f, ", size %s", size);
				} else {
					fprintf(o->f, ", size unknown");
				}
			}
			fputc('\n', o->f);
		}
		fprintf(o->f, "\t\t\t%08" PRIx64 "-%08" PRIx64 "  %s", r->offset, last,
			vlp_region_name(r));
		if (r->position >= 0)
			fprintf(o->f, " [%02x]", r->position);
		if (r->overlaps)
			fprintf(o->f, " OVERLAPS");
		if (r->outside_bar)
			fprintf(o->f, " OUTSIDE-BAR");
		if (r->bad_bar)
			fprintf(o->f, " BAD-BAR");
		fputc('\n', o->f);
	}
}

static void print_driver_uses(struct output *o, const struct vlp_layout *l)
{
	bool any = false;

	for (unsigned t = 0; t < VLP_CFG_TYPE_SLOTS; t++) {
		int i = l->driver_uses[t];

		if (i < 0)
			continue;
		fprintf(o->f, "%s%s [%02x]", any ? ", " : "\tDriver uses: ", vlp_cfg_type_label(t),
			l->caps[i].position);
		any = true;
	}
	if (any)
		fputc('\n', o->f);
}

static void print_legacy(struct output *o, const struct vlp_layout *l)
{
	const struct vlp_legacy *lg = &l->legacy;

	if (!lg->present)
		return;
	/* A host device before the guest's firmware ran has BAR0 unassigned:
	 * unknown, not "not I/O". */
	fprintf(o->f, "\tLegacy interface: BAR0 %s",
		!l->bars[0].valid ? UNAVAILABLE
		: lg->bar0_is_io  ? "I/O"
				  : "(not I/O!)");
	if (lg->device_config_offset.valid)
		fprintf(o->f, ", device config at offset %u (MSI-X %s)",
			(unsigned)lg->device_config_offset.value,
			lg->msix_enabled.value ? "enabled" : "disabled");
	else
		fprintf(o->f, ", device config offset " UNAVAILABLE " (MSI-X state not read)");
	fputc('\n', o->f);
}

static void print_hex(struct output *o, const struct vlp_device *dev)
{
	unsigned limit = o->opts.hex >= 4   ? VLP_CONFIG_MAX
			 : o->opts.hex >= 3 ? VLP_CONFIG_LEGACY
					    : VLP_CONFIG_HEADER;
	uint8_t line[16];

	if (limit > vlp_device_config_size(dev))
		limit = vlp_device_config_size(dev);
	/* Only whole lines that were read: a dump reader must not take a
	 * missing byte for 0 or 0xff. */
	for (unsigned off = 0; off < limit; off += 16) {
		if (vlp_device_read_config(dev, off, 16, line))
			continue;
		fprintf(o->f, "%02x:", off);
		for (unsigned i = 0; i < 16; i++)
			fprintf(o->f, " %02x", line[i]);
		fputc('\n', o->f);
	}
}

/* A host device (--qmp): whose view it is, and what the host cannot see,
 * said once here rather than as a row of unavailable values. */
static void print_host_origin(struct output *o, const struct vlp_device *dev)
{
	const char *qom = vlp_device_qom_path(dev);

	if (!qom)
		return;
	fprintf(o->f, "\tHost view: QEMU's view through its monitor, QOM path %s\n", qom);
	fprintf(o->f, "\t\tnot visible from the host: config space beyond the IDs and BARs, the "
		      "registers as the guest reads them through the BARs, the MSI-X table, the "
		      "guest's driver and interrupt counts\n");
}

static void text_device(struct output *o, const struct device_view *v)
{
	const struct vlp_device *dev = v->dev;
	const struct vlp_layout *l = v->layout;
	const char *driver = vlp_device_driver(dev);

	if (!o->opts.sections)
		print_summary(o, l, v->domain);
	if (o->opts.verbose >= 1 && show_section(&o->opts, SHOW_CAPS)) {
		print_identity(o, l);
		print_host_origin(o, dev);
		print_command_status(o, l);
		print_bars(o, l);
		for (size_t i = 0; i < l->ncaps; i++)
			print_cap(o, &l->caps[i]);
		/* lspci's "<access denied>": a list exists (Status bit 4,
		 * Capabilities List) but was not read. */
		if (l->header.status.valid && (l->header.status.value & 0x10) &&
		    (!l->header.cap_ptr.valid ||
		     (l->header.cap_ptr.value >= VLP_CONFIG_HEADER &&
		      !vlp_device_config_valid(dev, (unsigned)l->header.cap_ptr.value & ~3u, 2))))
			fprintf(o->f, "\tCapabilities: " UNAVAILABLE "\n");
	}
	if (o->opts.verbose >= 1 && show_section(&o->opts, SHOW_MAP)) {
		print_bar_map(o, l);
		print_driver_uses(o, l);
		print_legacy(o, l);
	}
	if (o->opts.verbose >= 1 && show_section(&o->opts, SHOW_CAPS))
		text_findings(o, l->findings, l->nfindings);
	if (o->opts.verbose >= 1) {
		text_state(o, v);
		if (!o->opts.sections) {
			text_rings(o, v);
			text_interrupts(o, v);
		}
		if (driver && !o->opts.sections)
			fprintf(o->f, "\tKernel driver in use: %s\n", driver);
	}
	if (o->opts.hex)
		print_hex(o, dev);
	if (o->opts.verbose >= 1 || o->opts.hex)
		fputc('\n', o->f);
}

static void text_end(struct output *o)
{
	(void)o;
}

const struct printer text_printer = { "text", text_begin, text_device, text_end };
