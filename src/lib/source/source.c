/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sources: live devices through libpci, a dump stream, or a VM through
 * QEMU's monitor (hostsrc.c); one device at a time every way. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/pcilib.h"

struct vlp_source {
	struct vlp_ctx *ctx;
	const struct vlp_filter *filter;
	bool virtio_only;
	unsigned skipped;
	/* live */
	struct vlp_pcilib pci;
	struct pci_dev **live;
	size_t nlive, next_live;
	/* dump */
	struct vlp_dump_reader *dump;
	const char *dump_name;
	/* host: a VM through its monitor */
	struct vlp_host_source *host;
};

static int slot_cmp(const void *a, const void *b)
{
	const struct pci_dev *x = *(struct pci_dev *const *)a, *y = *(struct pci_dev *const *)b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->func > y->func) - (x->func < y->func);
}

/* The libpci calls that can fail, each alone in its bracket so that no
 * local variable changes between setjmp and a longjmp. */
static int scan_bus(struct vlp_source *src)
{
	if (VLP_PCILIB_TRY(&src->pci))
		return vlp_error(src->ctx, EIO, "libpci: %s", src->pci.message);
	pci_scan_bus(src->pci.pacc);
	vlp_pcilib_untry(&src->pci);
	return 0;
}

static int fill_info(struct vlp_source *src, struct pci_dev *d)
{
	if (VLP_PCILIB_TRY(&src->pci))
		return vlp_error(src->ctx, EIO, "%04x:%02x:%02x.%d: libpci: %s", d->domain, d->bus,
				 d->dev, d->func, src->pci.message);
	pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_BASES | PCI_FILL_SIZES);
	vlp_pcilib_untry(&src->pci);
	return 0;
}

static void read_live_config(struct vlp_device *dev, struct pci_dev *d);

static int read_device(struct vlp_source *src, struct pci_dev *d, struct vlp_device *dev)
{
	char driver[sizeof(dev->driver)];

	if (VLP_PCILIB_TRY(&src->pci))
		return vlp_error(src->ctx, EIO, "%04x:%02x:%02x.%d: libpci: %s", d->domain, d->bus,
				 d->dev, d->func, src->pci.message);
	read_live_config(dev, d);
	vlp_host_driver(NULL, &dev->slot, driver, sizeof(driver));
	vlp_device_set_driver(dev, driver);
	vlp_pcilib_untry(&src->pci);
	return 0;
}

static int open_live(struct vlp_source *src, const char *method)
{
	struct pci_dev *d;
	size_t n = 0;
	int err;

	err = vlp_pcilib_acquire(src->ctx, &src->pci, method, true);
	if (!err)
		err = scan_bus(src);
	if (err)
		return err;
	for (d = src->pci.pacc->devices; d; d = d->next)
		n++;
	src->live = calloc(n ? n : 1, sizeof(*src->live));
	if (!src->live)
		return vlp_error(src->ctx, ENOMEM, "out of memory");
	for (d = src->pci.pacc->devices; d; d = d->next)
		src->live[src->nlive++] = d;
	/* lspci's order: by domain, bus, device, function. */
	qsort(src->live, src->nlive, sizeof(*src->live), slot_cmp);
	return 0;
}

int vlp_source_open(struct vlp_ctx *ctx, const struct vlp_source_opts *opts, struct vlp_source **out)
{
	struct vlp_source *src = calloc(1, sizeof(*src));
	int err;

	if (!src)
		return vlp_error(ctx, ENOMEM, "out of memory");
	src->ctx = ctx;
	src->filter = opts->filter;
	src->virtio_only = opts->virtio_only;
	src->dump_name = opts->dump_path && strcmp(opts->dump_path, "-") ? opts->dump_path : "<stdin>";
	if (opts->monitor) {
		err = vlp_host_source_open(ctx, opts->monitor, &src->host);
	} else if (opts->qmp_path) {
		struct vlp_monitor *mon;

		err = vlp_monitor_open_qmp(ctx, opts->qmp_path, opts->monitor_timeout_ms, &mon);
		if (!err) {
			err = vlp_host_source_open(ctx, mon, &src->host);
			vlp_monitor_close(mon);
		}
	} else if (opts->dump_path)
		err = vlp_dump_reader_open(ctx, opts->dump_path, opts->format, &src->dump);
	else
		err = open_live(src, opts->access_method);
	if (err) {
		vlp_source_close(src);
		return err;
	}
	*out = src;
	return 0;
}

/* Read what config space the OS lets us: the 64-byte header always, the rest
 * of conventional space and extended space when permitted and present. */
static void read_live_config(struct vlp_device *dev, struct pci_dev *d)
{
	uint8_t buf[VLP_CONFIG_MAX];

	if (!pci_read_block(d, 0, buf, VLP_CONFIG_HEADER)) {
		dev->limit = VLP_LIMIT_READ_ERROR;
		return;
	}
	vlp_device_set_bytes(dev, 0, buf, VLP_CONFIG_HEADER);
	if (!pci_read_block(d, VLP_CONFIG_HEADER, buf + VLP_CONFIG_HEADER,
			    VLP_CONFIG_LEGACY - VLP_CONFIG_HEADER)) {
		/* sysfs serves only the header to users other than root. */
		dev->limit = geteuid() != 0 ? VLP_LIMIT_PRIVILEGE : VLP_LIMIT_READ_ERROR;
		return;
	}
	vlp_device_set_bytes(dev, VLP_CONFIG_HEADER, buf + VLP_CONFIG_HEADER,
			     VLP_CONFIG_LEGACY - VLP_CONFIG_HEADER);
	/* Conventional PCI devices have no extended space: the read fails. */
	if (pci_read_block(d, VLP_CONFIG_LEGACY, buf + VLP_CONFIG_LEGACY,
			   VLP_CONFIG_MAX - VLP_CONFIG_LEGACY))
		vlp_device_set_bytes(dev, VLP_CONFIG_LEGACY, buf + VLP_CONFIG_LEGACY,
				     VLP_CONFIG_MAX - VLP_CONFIG_LEGACY);
}

static int next_live(struct vlp_source *src, struct vlp_device **out)
{
	struct vlp_device *dev;
	struct pci_dev *d;
	struct vlp_slot slot;
	int err;

	while (src->next_live < src->nlive) {
		d = src->live[src->next_live++];
		slot = (struct vlp_slot){ d->domain, d->bus, d->dev, d->func };
		if (src->filter && !vlp_filter_match_slot_only(src->filter, &slot))
			continue;
		err = fill_info(src, d);
		if (err)
			return err;
		if (src->virtio_only && !vlp_is_virtio_id(d->vendor_id, d->device_id)) {
			src->skipped++;
			continue;
		}
		dev = vlp_device_alloc();
		if (!dev)
			return vlp_error(src->ctx, ENOMEM, "out of memory");
		dev->slot = slot;
		dev->origin = VLP_ORIGIN_LIVE;
		/* BAR access goes through libpci while the source is open. */
		dev->pci_dev = d;
		dev->pci = &src->pci;
		err = read_device(src, d, dev);
		if (err) {
			vlp_device_free(dev);
			return err;
		}
		for (unsigned i = 0; i < VLP_NUM_BARS; i++)
			if (d->known_fields & PCI_FILL_SIZES)
				dev->bar_size[i] = d->size[i];
		if (src->filter && !vlp_filter_match(src->filter, dev)) {
			vlp_device_free(dev);
			continue;
		}
		*out = dev;
		return 1;
	}
	return 0;
}

static bool device_is_virtio(const struct vlp_device *dev)
{
	uint16_t vendor, device;

	return !vlp_cfg_u16(dev, 0x00, &vendor) && !vlp_cfg_u16(dev, 0x02, &device) &&
	       vlp_is_virtio_id(vendor, device);
}

static int next_dump(struct vlp_source *src, struct vlp_device **out)
{
	struct vlp_device *dev;
	int ret;

	for (;;) {
		ret = vlp_dump_reader_next(src->dump, &dev);
		if (ret <= 0)
			return ret;
		/* A host snapshot's device: its monitor replies replayed. */
		if (dev->qom_path && (ret = vlp_host_replay(src->ctx, src->dump_name, dev))) {
			vlp_device_free(dev);
			return ret;
		}
		if (src->virtio_only && !device_is_virtio(dev)) {
			src->skipped++;
			vlp_device_free(dev);
			continue;
		}
		if (src->filter && !vlp_filter_match(src->filter, dev)) {
			vlp_device_free(dev);
			continue;
		}
		*out = dev;
		return 1;
	}
}

int vlp_source_next(struct vlp_source *src, struct vlp_device **out)
{
	if (src->host)
		return vlp_host_source_next(src->host, src->filter, src->virtio_only, &src->skipped,
					    out);
	return src->dump ? next_dump(src, out) : next_live(src, out);
}

unsigned vlp_source_skipped(const struct vlp_source *src)
{
	return src->skipped;
}

void vlp_source_close(struct vlp_source *src)
{
	if (!src)
		return;
	if (src->dump)
		vlp_dump_reader_close(src->dump);
	vlp_host_source_close(src->host);
	free(src->live);
	vlp_pcilib_release(&src->pci);
	free(src);
}
