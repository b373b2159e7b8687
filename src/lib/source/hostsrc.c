/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host source: a VM's virtio devices as QEMU's monitor lists them.
 * x-query-virtio gives each device's QOM path (".../virtio-backend" under
 * its PCI proxy); query-pci gives the guest's PCI address, IDs and BARs.
 * They join on the proxy's id: "/machine/peripheral/ID/virtio-backend" is
 * the device added with id=ID, whose query-pci entry has qdev_id ID.  A
 * device added without id= lives at "/machine/peripheral-anon/device[N]"
 * and has qdev_id "" (measured, QEMU 7.2): its proxy's "addr" property
 * (devfn) and "parent_bus" place it (qom-get, two queries).
 *
 * A host device's config space holds only what query-pci tells: vendor,
 * device, subsystem IDs, class and subclass, and the BAR registers once
 * the guest assigned them; every other byte is unavailable (never 0):
 * VLP_LIMIT_HOST.  Its state comes from the monitor too (state/hoststate.c).
 *
 * A host snapshot (--save of a host device) keeps the monitor's replies
 * ("# vlp-qmp" lines, snapshot.c); reading it back replays them through
 * the recorded transport and this same code (vlp_host_replay).
 */
#include <errno.h>
#include <pci/pci.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "records.h"

#define HOST_BRIDGE_DEPTH 8 /* bridges below bridges that query-pci is walked */
#define VIRTIO_BACKEND "/virtio-backend"
#define PERIPHERAL "/machine/peripheral/"

/* Members of query-pci's PciDeviceInfo and PciMemoryRegion (QAPI) that
 * are spelled like register rows. */
enum pci_key { PK_BAR, PK_SIZE, PK_ADDRESS, PK_ID, PK_KEYS };
static const char *const pci_keys[PK_KEYS] = {
	[PK_BAR] = "bar",
	[PK_SIZE] = "size",
	[PK_ADDRESS] = "address",
	[PK_ID] = "id",
};

struct host_entry {
	const char *path;         /* in the x-query-virtio reply */
	const struct vlp_jv *pci; /* its query-pci device, NULL: not found */
};

struct vlp_host_source {
	struct vlp_ctx *ctx;
	struct vlp_monitor *mon;
	struct vlp_jv *virtio, *pci;
	struct vlp_monitor_records *listing;
	const struct vlp_jv **pcidevs; /* every query-pci device, bridges walked */
	size_t npcidevs, pcialloc;
	bool *claimed;
	struct host_entry *e;
	size_t n, next;
	/* virtio-pci devices that query-pci does not show (behind a bridge the
	 * guest's firmware has not numbered yet, e.g. a VM paused before boot):
	 * said once at the end of the listing, never dropped silently */
	size_t unplaced;
	const char *first_unplaced;
	bool unplaced_said;
};

static int add_pcidevs(struct vlp_host_source *hs, const struct vlp_jv *devices, unsigned depth)
{
	for (size_t i = 0; i < vlp_jv_len(devices); i++) {
		const struct vlp_jv *d = vlp_jv_at(devices, i);
		const struct vlp_jv *bridge = vlp_jv_get(d, "pci_bridge");

		if (vlp_grow((void **)&hs->pcidevs, &hs->pcialloc, hs->npcidevs,
			     sizeof(*hs->pcidevs), 32))
			return -ENOMEM;
		hs->pcidevs[hs->npcidevs++] = d;
		if (bridge && depth < HOST_BRIDGE_DEPTH &&
		    add_pcidevs(hs, vlp_jv_get(bridge, "devices"), depth + 1))
			return -ENOMEM;
	}
	return 0;
}

static bool pci_u(const struct vlp_jv *d, const char *key, uint64_t *v)
{
	return vlp_jv_get_u64(d, key, v);
}

/* The query-pci device of a proxy added with id=ID. */
static const struct vlp_jv *find_by_id(struct vlp_host_source *hs, const char *id, size_t len)
{
	for (size_t i = 0; i < hs->npcidevs; i++) {
		const char *q = vlp_jv_get_str(hs->pcidevs[i], "qdev_id");

		if (!hs->claimed[i] && q && strlen(q) == len && !strncmp(q, id, len)) {
			hs->claimed[i] = true;
			return hs->pcidevs[i];
		}
	}
	return NULL;
}

/* A proxy without id=: its devfn and bus through qom-get. */
static int find_anonymous(struct vlp_host_source *hs, const char *proxy, size_t len,
			  const struct vlp_jv **out)
{
	char args[VLP_SOURCE_NAME_MAX + 64], q[VLP_SOURCE_NAME_MAX + 8], path[VLP_SOURCE_NAME_MAX];
	struct vlp_jv *addr = NULL, *bus = NULL;
	uint64_t devfn, slot, func, b;
	const char *busname;
	size_t best = hs->npcidevs;
	int rc;

	*out = NULL;
	if (len >= sizeof(path))
		return 0;
	memcpy(path, proxy, len);
	path[len] = '\0';
	if (vlp_json_quote(q, sizeof(q), path) >= sizeof(q))
		return 0;
	snprintf(args, sizeof(args), "{\"path\": %s, \"property\": \"addr\"}", q);
	rc = vlp_monitor_query(hs->ctx, hs->mon, "qom-get", args, &addr);
	if (rc)
		return rc == -EIO ? 0 : rc; /* no such property: not a PCI proxy */
	snprintf(args, sizeof(args), "{\"path\": %s, \"property\": \"parent_bus\"}", q);
	rc = vlp_monitor_query(hs->ctx, hs->mon, "qom-get", args, &bus);
	if (rc && rc != -EIO) {
		vlp_jv_free(addr);
		return rc;
	}
	busname = vlp_jv_str(bus);
	if (vlp_jv_u64(addr, &devfn)) {
		for (size_t i = 0; i < hs->npcidevs; i++) {
			const struct vlp_jv *d = hs->pcidevs[i];

			if (hs->claimed[i] || !pci_u(d, "slot", &slot) ||
			    !pci_u(d, "function", &func) || (slot << 3 | func) != devfn)
				continue;
			if (best == hs->npcidevs)
				best = i;
			/* Two proxies at one devfn on different buses: a root
			 * bus ("pcie.0", "pci.0") is bus 0. */
			if (busname && strstr(busname, ".0") && !strstr(busname, PERIPHERAL) &&
			    pci_u(d, "bus", &b) && b == 0) {
				best = i;
				break;
			}
		}
	}
	if (best < hs->npcidevs) {
		hs->claimed[best] = true;
		*out = hs->pcidevs[best];
	}
	vlp_jv_free(addr);
	vlp_jv_free(bus);
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct host_entry *x = a, *y = b;
	uint64_t kx = 0, ky = 0, v;

	if (x->pci) {
		kx = pci_u(x->pci, "bus", &v) ? v << 16 : 0;
		kx |= pci_u(x->pci, "slot", &v) ? v << 3 : 0;
		kx |= pci_u(x->pci, "function", &v) ? v : 0;
	}
	if (y->pci) {
		ky = pci_u(y->pci, "bus", &v) ? v << 16 : 0;
		ky |= pci_u(y->pci, "slot", &v) ? v << 3 : 0;
		ky |= pci_u(y->pci, "function", &v) ? v : 0;
	}
	return (kx > ky) - (kx < ky);
}

static int host_list(struct vlp_host_source *hs)
{
	size_t nvirtio;
	int rc;

	rc = vlp_monitor_query(hs->ctx, hs->mon, "x-query-virtio", NULL, &hs->virtio);
	if (rc == -EIO && strstr(vlp_ctx_error(hs->ctx), "No virtio devices found"))
		return 0;
	if (rc)
		return rc;
	rc = vlp_monitor_query(hs->ctx, hs->mon, "query-pci", NULL, &hs->pci);
	if (rc)
		return rc;
	for (size_t i = 0; i < vlp_jv_len(hs->pci); i++)
		if (add_pcidevs(hs, vlp_jv_get(vlp_jv_at(hs->pci, i), "devices"), 0))
			return vlp_error(hs->ctx, ENOMEM, "out of memory");
	nvirtio = vlp_jv_len(hs->virtio);
	hs->claimed = calloc(hs->npcidevs + 1, sizeof(*hs->claimed));
	hs->e = calloc(nvirtio + 1, sizeof(*hs->e));
	if (!hs->claimed || !hs->e)
		return vlp_error(hs->ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < nvirtio; i++) {
		const char *path = vlp_jv_get_str(vlp_jv_at(hs->virtio, i), "path");
		struct host_entry *e = &hs->e[hs->n];
		size_t len;

		if (!path)
			continue;
		len = strlen(path);
		/* Devices that are not behind a PCI proxy (virtio-mmio, ccw)
		 * have no query-pci entry: left out. */
		if (len <= strlen(VIRTIO_BACKEND) ||
		    strcmp(path + len - strlen(VIRTIO_BACKEND), VIRTIO_BACKEND))
			continue;
		len -= strlen(VIRTIO_BACKEND);
		e->path = path;
		if (!strncmp(path, PERIPHERAL, strlen(PERIPHERAL)) &&
		    !memchr(path + strlen(PERIPHERAL), '/', len - strlen(PERIPHERAL)))
			e->pci = find_by_id(hs, path + strlen(PERIPHERAL), len - strlen(PERIPHERAL));
		else if ((rc = find_anonymous(hs, path, len, &e->pci)))
			return rc;
		if (e->pci) {
			hs->n++;
		} else {
			if (!hs->unplaced++)
				hs->first_unplaced = path;
		}
	}
	qsort(hs->e, hs->n, sizeof(*hs->e), entry_cmp);
	return 0;
}

static void host_source_free(struct vlp_host_source *hs)
{
	if (!hs)
		return;
	vlp_jv_free(hs->virtio);
	vlp_jv_free(hs->pci);
	vlp_monitor_records_free(hs->listing);
	free(hs->pcidevs);
	free(hs->claimed);
	free(hs->e);
	vlp_monitor_close(hs->mon);
	free(hs);
}

static int host_source_new(struct vlp_ctx *ctx, struct vlp_monitor *mon, bool keep,
			   struct vlp_host_source **out)
{
	struct vlp_host_source *hs = calloc(1, sizeof(*hs));
	int rc;

	*out = NULL;
	if (!hs)
		return vlp_error(ctx, ENOMEM, "out of memory");
	hs->ctx = ctx;
	hs->mon = vlp_monitor_ref(mon);
	if (keep) {
		hs->listing = calloc(1, sizeof(*hs->listing));
		if (!hs->listing) {
			host_source_free(hs);
			return vlp_error(ctx, ENOMEM, "out of memory");
		}
		vlp_monitor_capture(mon, hs->listing);
	}
	rc = host_list(hs);
	vlp_monitor_capture(mon, NULL);
	if (rc) {
		host_source_free(hs);
		return rc;
	}
	*out = hs;
	return 0;
}

int vlp_host_source_open(struct vlp_ctx *ctx, struct vlp_monitor *mon, struct vlp_host_source **out)
{
	return host_source_new(ctx, mon, true, out);
}

void vlp_host_source_close(struct vlp_host_source *hs)
{
	host_source_free(hs);
}

static void set_u16(struct vlp_device *dev, unsigned off, uint64_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	vlp_device_set_bytes(dev, off, b, 2);
}

static void set_u32(struct vlp_device *dev, unsigned off, uint64_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	vlp_device_set_bytes(dev, off, b, 4);
}

/* A BAR of query-pci's "regions": its size, and its register when the
 * guest assigned an address (QEMU says -1 before). */
static void fill_bar(struct vlp_device *dev, const struct vlp_jv *r)
{
	uint64_t bar, size, addr;
	const char *type = vlp_jv_get_str(r, "type");
	bool is64 = false, prefetch = false;
	int64_t a;

	if (!vlp_jv_get_u64(r, pci_keys[PK_BAR], &bar) || bar >= VLP_NUM_BARS)
		return; /* 6: the expansion ROM */
	if (vlp_jv_get_u64(r, pci_keys[PK_SIZE], &size))
		dev->bar_size[bar] = size;
	if (vlp_jv_i64(vlp_jv_get(r, pci_keys[PK_ADDRESS]), &a) && a == -1)
		return;
	if (!vlp_jv_get_u64(r, pci_keys[PK_ADDRESS], &addr) || !type)
		return;
	if (!strcmp(type, "io")) {
		set_u32(dev, PCI_BASE_ADDRESS_0 + 4 * (unsigned)bar,
			(addr & PCI_BASE_ADDRESS_IO_MASK) | PCI_BASE_ADDRESS_SPACE_IO);
		return;
	}
	vlp_jv_get_bool(r, "mem_type_64", &is64);
	vlp_jv_get_bool(r, "prefetch", &prefetch);
	set_u32(dev, PCI_BASE_ADDRESS_0 + 4 * (unsigned)bar,
		(addr & PCI_BASE_ADDRESS_MEM_MASK) | (is64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) |
			(prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0));
	if (is64 && bar + 1 < VLP_NUM_BARS)
		set_u32(dev, PCI_BASE_ADDRESS_0 + 4 * (unsigned)(bar + 1), addr >> 32);
}

/* The device as query-pci describes it. */
static void fill_device(struct vlp_device *dev, const struct vlp_jv *pci)
{
	const struct vlp_jv *id = vlp_jv_get(pci, pci_keys[PK_ID]),
			    *regions = vlp_jv_get(pci, "regions");
	uint64_t v;

	dev->origin = VLP_ORIGIN_HOST;
	dev->limit = VLP_LIMIT_HOST;
	/* query-pci names no PCI domain, and QEMU 7.2's x86 machines have one:
	 * a pxb-pcie has no segment property, its buses stay in domain 0
	 * (measured: a virtio-net behind one with bus_nr=128 is 0000:81:00.0 in
	 * the guest, and query-pci lists bus 128 beside bus 0). */
	dev->slot.domain = 0;
	if (pci_u(pci, "bus", &v))
		dev->slot.bus = (uint8_t)v;
	if (pci_u(pci, "slot", &v))
		dev->slot.dev = (uint8_t)v;
	if (pci_u(pci, "function", &v))
		dev->slot.func = (uint8_t)v;
	if (vlp_jv_get_u64(id, "vendor", &v))
		set_u16(dev, PCI_VENDOR_ID, v);
	if (vlp_jv_get_u64(id, "device", &v))
		set_u16(dev, PCI_DEVICE_ID, v);
	if (vlp_jv_get_u64(id, "subsystem-vendor", &v))
		set_u16(dev, PCI_SUBSYSTEM_VENDOR_ID, v);
	if (vlp_jv_get_u64(id, "subsystem", &v))
		set_u16(dev, PCI_SUBSYSTEM_ID, v);
	/* class_info.class: base class << 8 | subclass (no prog-if, no
	 * revision in QEMU 7.2's query-pci) */
	if (vlp_jv_get_u64(vlp_jv_get(pci, "class_info"), "class", &v))
		set_u16(dev, PCI_CLASS_DEVICE, v);
	for (size_t i = 0; i < vlp_jv_len(regions); i++)
		fill_bar(dev, vlp_jv_at(regions, i));
}

static int attach(struct vlp_ctx *ctx, struct vlp_device *dev, struct vlp_monitor *mon, const char *path)
{
	if (!dev->qom_path || strcmp(dev->qom_path, path)) {
		free(dev->qom_path);
		dev->qom_path = strdup(path);
		if (!dev->qom_path)
			return vlp_error(ctx, ENOMEM, "out of memory");
	}
	vlp_monitor_close(dev->monitor);
	dev->monitor = vlp_monitor_ref(mon);
	return 0;
}

int vlp_host_source_next(struct vlp_host_source *hs, const struct vlp_filter *f, bool virtio_only,
			 unsigned *skipped, struct vlp_device **out)
{
	*out = NULL;
	while (hs->next < hs->n) {
		const struct host_entry *e = &hs->e[hs->next++];
		struct vlp_device *dev = vlp_device_alloc();
		uint16_t vendor = 0, device = 0;

		if (!dev)
			return vlp_error(hs->ctx, ENOMEM, "out of memory");
		fill_device(dev, e->pci);
		if (f && !vlp_filter_match(f, dev)) {
			vlp_device_free(dev);
			continue;
		}
		if (virtio_only && (vlp_cfg_u16(dev, PCI_VENDOR_ID, &vendor) ||
				    vlp_cfg_u16(dev, PCI_DEVICE_ID, &device) ||
				    !vlp_is_virtio_id(vendor, device))) {
			(*skipped)++;
			vlp_device_free(dev);
			continue;
		}
		dev->host_records = calloc(1, sizeof(*dev->host_records));
		if (!dev->host_records || vlp_monitor_records_append(dev->host_records, hs->listing) ||
		    attach(hs->ctx, dev, hs->mon, e->path)) {
			vlp_device_free(dev);
			return vlp_error(hs->ctx, ENOMEM, "out of memory");
		}
		*out = dev;
		return 1;
	}
	if (hs->unplaced && !hs->unplaced_said) {
		hs->unplaced_said = true;
		return vlp_error(hs->ctx, ENXIO,
				 "%s: %zu virtio device%s not in query-pci (%s%s): no PCI address "
				 "yet (behind a bridge the guest's firmware has not numbered?): "
				 "not listed",
				 vlp_monitor_name(hs->mon), hs->unplaced, hs->unplaced == 1 ? "" : "s",
				 hs->first_unplaced, hs->unplaced > 1 ? ", ..." : "");
	}
	return 0;
}

int vlp_host_replay(struct vlp_ctx *ctx, const char *name, struct vlp_device *dev)
{
	struct vlp_monitor *mon = NULL;
	struct vlp_host_source *hs = NULL;
	const struct vlp_monitor_records *rs = dev->host_records;
	int rc;

	rc = vlp_monitor_open_recorded(ctx, name, rs ? rs->r : NULL, rs ? rs->n : 0, &mon);
	if (!rc)
		rc = host_source_new(ctx, mon, false, &hs);
	for (size_t i = 0; !rc && i < hs->n; i++) {
		if (strcmp(hs->e[i].path, dev->qom_path))
			continue;
		fill_device(dev, hs->e[i].pci);
		rc = attach(ctx, dev, mon, hs->e[i].path);
		vlp_host_source_close(hs);
		vlp_monitor_close(mon);
		return rc;
	}
	if (!rc)
		rc = vlp_error(ctx, EINVAL,
			       "%s: host snapshot of %s: its recorded listing does not have it",
			       name, dev->qom_path);
	vlp_host_source_close(hs);
	vlp_monitor_close(mon);
	return rc;
}

const char *vlp_device_qom_path(const struct vlp_device *dev)
{
	return dev->origin == VLP_ORIGIN_HOST ? dev->qom_path : NULL;
}
