/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BAR access behind the device handle.  Per BAR, one of:
 *   mmap     sysfs resourceN mapped (memory BARs)
 *   pio      pread/pwrite of sysfs resourceN (I/O BARs: in/out of that width)
 *   window   the PCI configuration access capability (4.1.4.9), through
 *            config space only: works where mapping is refused
 *   snapshot register reads recorded at capture time
 * Every access has the exact width asked for (4.1.3.1).  Accesses are
 * counted; reads can be recorded for a snapshot, keyed by the value of the
 * selector the register depends on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/pcilib.h"

#define LOCK_DIR "/run/lock"
#define LOCK_WAIT_MS 2000

/* Offsets in struct virtio_pci_cfg_cap (4.1.4.9). */
#define WIN_BAR 4
#define WIN_OFFSET 8
#define WIN_LENGTH 12
#define WIN_DATA 16

/* Selector registers: common cfg (4.1.4.3), legacy header (4.1.4.10), and
 * virtio-input's select and subsel (5.8.4), on which its size and union u
 * depend. */
#define COMMON_DFSELECT COMMON_OFF(VLP_COMMON_DEVICE_FEATURE_SELECT)
#define COMMON_GFSELECT COMMON_OFF(VLP_COMMON_DRIVER_FEATURE_SELECT)
#define COMMON_Q_SELECT COMMON_OFF(VLP_COMMON_QUEUE_SELECT)
#define LEGACY_Q_SELECT LEGACY_OFF(VLP_LEGACY_QUEUE_SELECT)
#define INPUT_SELECT INPUT_OFF(VLP_INPUT_SELECT)
#define INPUT_SUBSEL INPUT_OFF(VLP_INPUT_SUBSEL)
#define INPUT_SIZE INPUT_OFF(VLP_INPUT_SIZE)
#define INPUT_END vlp_device_config_table(VLP_ID_INPUT)->size

enum method { M_NONE, M_MMAP, M_PIO, M_WINDOW, M_SNAPSHOT };

static const char *const method_names[] = {
	[M_NONE] = NULL,       [M_MMAP] = "mmap",         [M_PIO] = "pio",
	[M_WINDOW] = "window", [M_SNAPSHOT] = "snapshot",
};

struct bar_access {
	enum method method;
	volatile uint8_t *map;
	uint64_t size; /* 0: unknown */
	int fd;
};

/* The window's registers as we last wrote (or found) them. */
struct window {
	int pos; /* capability position, -1: none */
	uint8_t bar, orig_bar;
	uint32_t offset, length, orig_offset, orig_length;
	bool touched;
};

struct selector {
	bool known;
	uint32_t value;
};

struct vlp_bars {
	struct bar_access bar[VLP_NUM_BARS];
	struct window win;
	int lock_fd;
	bool passive;
	char backend[32];
	char why[512]; /* why sysfs access failed where it did */
	/* where the selectors live, to key recorded reads */
	bool have_common, have_legacy, have_input;
	unsigned common_bar, input_bar;
	uint64_t common_off, input_off;
	struct selector dfselect, gfselect, qselect, legacy_qselect;
	struct selector input_select, input_subsel;
	/* virtio structure ranges: what the window may reach (4.1.4.9.2) */
	struct vlp_region *regions;
	size_t nregions;
};

int vlp_access_mode_parse(const char *name, enum vlp_access_mode *out)
{
	static const char *const names[] = { "auto", "mmap", "window" };

	for (unsigned i = 0; i < VLP_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i])) {
			*out = (enum vlp_access_mode)i;
			return 0;
		}
	return -EINVAL;
}

/* ------------------------------------------------------------ locking */

/* One advisory lock per device: two instances must never interleave
 * selector or window accesses.  Where the lock directory cannot be used
 * (not root), there is nothing to protect against: root alone can access
 * BARs. */
static int take_lock(struct vlp_ctx *ctx, struct vlp_bars *b, const struct vlp_slot *s)
{
	char path[128];
	struct timespec pause = { 0, 50 * 1000 * 1000 };

	b->lock_fd = -1;
	snprintf(path, sizeof(path), LOCK_DIR "/virtio-lspci.%04x:%02x:%02x.%u.lock",
		 (unsigned)s->domain, s->bus, s->dev, s->func);
	b->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (b->lock_fd < 0)
		return 0;
	for (int waited = 0; flock(b->lock_fd, LOCK_EX | LOCK_NB) < 0; waited += 50) {
		if (errno != EWOULDBLOCK || waited >= LOCK_WAIT_MS) {
			close(b->lock_fd);
			b->lock_fd = -1;
			return vlp_error(
				ctx, EBUSY,
				"%04x:%02x:%02x.%u: another virtio-lspci holds the device lock %s",
				(unsigned)s->domain, s->bus, s->dev, s->func, path);
		}
		nanosleep(&pause, NULL);
	}
	return 0;
}

/* ------------------------------------------------------------ sysfs */

static int open_sysfs_bar(struct vlp_device *dev, unsigned i, bool writable, char *why, size_t whylen)
{
	struct bar_access *a = &dev->bars->bar[i];
	char path[160], name[16];
	struct stat st;
	int fd;

	snprintf(name, sizeof(name), "resource%u", i);
	vlp_host_slot_path(path, sizeof(path), NULL, &dev->slot, name);
	fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", name, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		a->size = (uint64_t)st.st_size;
	if (dev->bar_size[i] != VLP_BAR_SIZE_UNKNOWN)
		a->size = dev->bar_size[i];
	a->fd = fd;
	if (i < VLP_NUM_BARS && (dev->config[0x10 + 4 * i] & 1)) {
		a->method = M_PIO; /* I/O BAR: pread/pwrite become in/out */
		return 0;
	}
	a->map = mmap(NULL, (size_t)a->size, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED,
		      fd, 0);
	if (a->map == MAP_FAILED) {
		int err = errno;

		/* EINVAL: the kernel refuses mapping a region a driver claimed
		 * (CONFIG_IO_STRICT_DEVMEM) unless booted with iomem=relaxed. */
		snprintf(why, whylen, "mmap of %s: %s%s", name, strerror(err),
			 err == EINVAL ? " (claimed by a driver: boot with iomem=relaxed or unbind it)"
				       : "");
		a->map = NULL;
		close(fd);
		a->fd = -1;
		return -err;
	}
	a->method = M_MMAP;
	return 0;
}

/* One access of exactly width bytes, little-endian: volatile and aligned
 * through the mapping, else pread/pwrite of the resource file (I/O BARs). */
static int sysfs_access(struct bar_access *a, uint64_t off, unsigned width, uint32_t *val, bool write)
{
	uint8_t buf[4];
	ssize_t n;

	if (a->method == M_MMAP) {
		volatile void *p = a->map + off;

		if (width == 1 && write)
			*(volatile uint8_t *)p = (uint8_t)*val;
		else if (width == 1)
			*val = *(volatile uint8_t *)p;
		else if (width == 2 && write)
			*(volatile uint16_t *)p = (uint16_t)*val;
		else if (width == 2)
			*val = *(volatile uint16_t *)p;
		else if (write)
			*(volatile uint32_t *)p = *val;
		else
			*val = *(volatile uint32_t *)p;
		return 0;
	}
	if (write)
		for (unsigned i = 0; i < width; i++)
			buf[i] = (uint8_t)(*val >> (8 * i));
	n = write ? pwrite(a->fd, buf, width, (off_t)off) : pread(a->fd, buf, width, (off_t)off);
	if (n != (ssize_t)width)
		return errno ? -errno : -EIO;
	if (!write) {
		*val = 0;
		for (unsigned i = 0; i < width; i++)
			*val |= (uint32_t)buf[i] << (8 * i);
	}
	return 0;
}

/* ------------------------------------------------------------ window */

/* Config accesses for the window, each alone in its libpci bracket. */
static int cfg_write(struct vlp_device *dev, unsigned pos, unsigned width, uint32_t val)
{
	int ok;

	dev->stats.config_writes++;
	if (VLP_PCILIB_TRY(dev->pci))
		return -EIO;
	if (width == 1)
		ok = pci_write_byte(dev->pci_dev, (int)pos, (uint8_t)val);
	else if (width == 2)
		ok = pci_write_word(dev->pci_dev, (int)pos, (uint16_t)val);
	else
		ok = pci_write_long(dev->pci_dev, (int)pos, val);
	vlp_pcilib_untry(dev->pci);
	/* libpci's sysfs backend reports a refused write as a warning and 0;
	 * the kernel refuses with EPERM where config writes are not allowed. */
	return ok ? 0 : -EPERM;
}

static int cfg_read(struct vlp_device *dev, unsigned pos, unsigned width, uint32_t *val)
{
	dev->stats.config_reads++;
	if (VLP_PCILIB_TRY(dev->pci))
		return -EIO;
	if (width == 1)
		*val = pci_read_byte(dev->pci_dev, (int)pos);
	else if (width == 2)
		*val = pci_read_word(dev->pci_dev, (int)pos);
	else
		*val = pci_read_long(dev->pci_dev, (int)pos);
	vlp_pcilib_untry(dev->pci);
	return 0;
}

/* 4.1.4.9.2: the window may only address bytes of a BAR range that another
 * virtio capability describes. */
static bool window_reaches(const struct vlp_bars *b, unsigned bar, uint64_t off, unsigned width)
{
	for (size_t i = 0; i < b->nregions; i++) {
		const struct vlp_region *r = &b->regions[i];

		if (r->kind == VLP_REGION_VIRTIO && r->bar == bar && off >= r->offset &&
		    off + width <= r->offset + r->length)
			return true;
	}
	return false;
}

/* Points the window at (bar, off, width), writing only the registers whose
 * value changes: each config access is a trap into the hypervisor. */
static int window_aim(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width)
{
	struct window *w = &dev->bars->win;
	int err;

	if (off > UINT32_MAX)
		return -ERANGE;
	if (w->bar != bar) {
		err = cfg_write(dev, (unsigned)w->pos + WIN_BAR, 1, bar);
		if (err)
			return err;
		w->bar = (uint8_t)bar;
		w->touched = true;
	}
	if (w->length != width) {
		err = cfg_write(dev, (unsigned)w->pos + WIN_LENGTH, 4, width);
		if (err)
			return err;
		w->length = width;
		w->touched = true;
	}
	/* 4.1.4.9.2: cap.offset a multiple of cap.length (our accesses are
	 * naturally aligned). */
	if (w->offset != off) {
		err = cfg_write(dev, (unsigned)w->pos + WIN_OFFSET, 4, (uint32_t)off);
		if (err)
			return err;
		w->offset = (uint32_t)off;
		w->touched = true;
	}
	return 0;
}

static int window_read(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width, uint32_t *val)
{
	int err = window_aim(dev, bar, off, width);

	return err ? err : cfg_read(dev, (unsigned)dev->bars->win.pos + WIN_DATA, width, val);
}

static int window_write(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width, uint32_t val)
{
	int err = window_aim(dev, bar, off, width);

	return err ? err : cfg_write(dev, (unsigned)dev->bars->win.pos + WIN_DATA, width, val);
}

/* Put the window's registers back as we found them. */
static void window_restore(struct vlp_device *dev)
{
	struct window *w = &dev->bars->win;

	if (w->pos < 0 || !w->touched)
		return;
	if (w->bar != w->orig_bar)
		cfg_write(dev, (unsigned)w->pos + WIN_BAR, 1, w->orig_bar);
	if (w->length != w->orig_length)
		cfg_write(dev, (unsigned)w->pos + WIN_LENGTH, 4, w->orig_length);
	if (w->offset != w->orig_offset)
		cfg_write(dev, (unsigned)w->pos + WIN_OFFSET, 4, w->orig_offset);
	w->touched = false;
}

/* ------------------------------------------------------------ selectors */

/* The selector register a (bar, off) register depends on, or NULL. */
static struct selector *selector_for(struct vlp_bars *b, unsigned bar, uint64_t off)
{
	const struct vlp_field_table *t;
	uint64_t rel;

	if (b->have_common && bar == b->common_bar && off >= b->common_off &&
	    off < b->common_off + vlp_common_cfg_table()->size) {
		rel = off - b->common_off;
		t = vlp_common_cfg_table();
	} else if (b->have_legacy && bar == 0 && off < vlp_legacy_header_table()->size) {
		rel = off;
		t = vlp_legacy_header_table();
	} else {
		return NULL;
	}
	for (size_t i = 0; i < t->count; i++) {
		const struct vlp_field *f = &t->fields[i];

		if (rel != f->offset && !(f->hi_offset && rel == f->hi_offset))
			continue;
		switch (f->selector) {
		case VLP_SEL_DEVICE_FEATURE:
			return &b->dfselect;
		case VLP_SEL_DRIVER_FEATURE:
			return &b->gfselect;
		case VLP_SEL_QUEUE:
			return t == vlp_common_cfg_table() ? &b->qselect : &b->legacy_qselect;
		case VLP_SEL_NONE:
			return NULL;
		}
	}
	return NULL;
}

/* A register that is itself a selector: track its value. */
static void track(struct vlp_bars *b, unsigned bar, uint64_t off, uint32_t val)
{
	struct selector *s = NULL;

	if (b->have_common && bar == b->common_bar && off >= b->common_off) {
		uint64_t rel = off - b->common_off;

		if (rel == COMMON_DFSELECT)
			s = &b->dfselect;
		else if (rel == COMMON_GFSELECT)
			s = &b->gfselect;
		else if (rel == COMMON_Q_SELECT)
			s = &b->qselect;
	}
	if (b->have_legacy && bar == 0 && off == LEGACY_Q_SELECT)
		s = &b->legacy_qselect;
	if (b->have_input && bar == b->input_bar && off == b->input_off + INPUT_SELECT)
		s = &b->input_select;
	if (b->have_input && bar == b->input_bar && off == b->input_off + INPUT_SUBSEL)
		s = &b->input_subsel;
	if (s) {
		s->known = true;
		s->value = val;
	}
}

static bool in_input_union(const struct vlp_bars *b, unsigned bar, uint64_t off)
{
	return b->have_input && bar == b->input_bar && off >= b->input_off + INPUT_SIZE &&
	       off < b->input_off + INPUT_END;
}

static int64_t selector_key(struct vlp_bars *b, unsigned bar, uint64_t off)
{
	const struct selector *s;

	/* size and u of virtio-input depend on two selectors at once. */
	if (in_input_union(b, bar, off))
		return b->input_select.known && b->input_subsel.known
			       ? (int64_t)(b->input_select.value << 8 | b->input_subsel.value)
			       : -1;
	s = selector_for(b, bar, off);
	return s && s->known ? (int64_t)s->value : -1;
}

/* ------------------------------------------------------------ open/close */

/* Writes other than selectors need an explicit mode, and no kernel driver
 * bound unless forced: the tool must not fight a driver over the device. */
static void write_policy(struct vlp_device *dev, const struct vlp_bar_opts *opts)
{
	char slot[32], unbind[160];
	struct vlp_write_policy *b = &dev->policy;

	snprintf(slot, sizeof(slot), "%04x:%02x:%02x.%u", (unsigned)dev->slot.domain, dev->slot.bus,
		 dev->slot.dev, dev->slot.func);
	b->writable = false;
	b->dry_run = opts->dry_run;
	b->refusal_err = EROFS;
	if (opts->passive)
		snprintf(b->write_refusal, sizeof(b->write_refusal),
			 "passive access: nothing is written");
	else if (dev->origin == VLP_ORIGIN_HOST)
		snprintf(b->write_refusal, sizeof(b->write_refusal),
			 "a device seen through QEMU's monitor is read-only (queries only)");
	else if (dev->snapshot)
		snprintf(b->write_refusal, sizeof(b->write_refusal), "a snapshot is read-only");
	else if (!opts->writable)
		snprintf(b->write_refusal, sizeof(b->write_refusal),
			 "read-only access (writes need the REPL or batch mode)");
	else if (dev->driver[0] && !opts->force && (b->refusal_err = EBUSY)) {
		vlp_host_unbind_path(unbind, sizeof(unbind), NULL, dev->driver);
		snprintf(b->write_refusal, sizeof(b->write_refusal),
			 "driver %s is bound to %s: unbind it first (echo %s > %s) or force the writes",
			 dev->driver, slot, slot, unbind);
	} else
		b->writable = true;
}

static void describe_backend(struct vlp_bars *b)
{
	bool direct = false, window = false, snapshot = false;

	for (unsigned i = 0; i < VLP_NUM_BARS; i++) {
		direct |= b->bar[i].method == M_MMAP || b->bar[i].method == M_PIO;
		window |= b->bar[i].method == M_WINDOW;
		snapshot |= b->bar[i].method == M_SNAPSHOT;
	}
	snprintf(b->backend, sizeof(b->backend), "%s",
		 snapshot           ? "snapshot"
		 : direct && window ? "mmap+window"
		 : direct           ? "mmap"
				    : "window");
}

static bool bar_needed(const struct vlp_layout *l, unsigned bar)
{
	for (size_t i = 0; i < l->nregions; i++)
		if (l->regions[i].bar == bar && !l->regions[i].bad_bar &&
		    !(l->regions[i].kind == VLP_REGION_VIRTIO &&
		      l->regions[i].cfg_type == VLP_CFG_SHARED_MEMORY))
			return true;
	return false;
}

static void setup_selectors(struct vlp_bars *b, const struct vlp_layout *l)
{
	int common = l->driver_uses[VLP_CFG_COMMON];

	if (common >= 0) {
		b->have_common = true;
		b->common_bar = l->caps[common].u.virtio.bar;
		b->common_off = l->caps[common].u.virtio.offset;
	}
	b->have_legacy = l->legacy.present && l->legacy.bar0_is_io;
	if (l->virtio.device_type.valid && l->virtio.device_type.value == VLP_ID_INPUT &&
	    l->driver_uses[VLP_CFG_DEVICE] >= 0) {
		b->have_input = true;
		b->input_bar = l->caps[l->driver_uses[VLP_CFG_DEVICE]].u.virtio.bar;
		b->input_off = l->caps[l->driver_uses[VLP_CFG_DEVICE]].u.virtio.offset;
	}
}

static int open_live(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		     const struct vlp_bar_opts *opts, char *reason, size_t reason_len)
{
	struct vlp_bars *b = dev->bars;
	char why[VLP_NUM_BARS][160];
	char *all = b->why;
	int window = l->driver_uses[VLP_CFG_PCI];
	bool any = false;
	size_t used = 0;
	int err;

	if (!dev->pci_dev)
		return vlp_error(ctx, ENODEV, "no live device behind this handle");
	err = take_lock(ctx, b, &dev->slot);
	if (err)
		return err;
	if (window >= 0) {
		const struct vlp_virtio_cap *v = &l->caps[window].u.virtio;

		b->win.pos = l->caps[window].position;
		b->win.bar = b->win.orig_bar = v->bar;
		b->win.offset = b->win.orig_offset = (uint32_t)v->offset;
		b->win.length = b->win.orig_length = (uint32_t)v->length;
	}
	for (unsigned i = 0; i < VLP_NUM_BARS; i++) {
		why[i][0] = '\0';
		if (!bar_needed(l, i))
			continue;
		if (opts->mode != VLP_ACCESS_WINDOW &&
		    open_sysfs_bar(dev, i, !opts->passive, why[i], sizeof(why[i])) == 0) {
			any = true;
			continue;
		}
		if (opts->mode != VLP_ACCESS_MMAP && window >= 0 && opts->passive) {
			/* Aiming the window is a config space write. */
			snprintf(why[i] + strlen(why[i]), sizeof(why[i]) - strlen(why[i]),
				 "%swindow: needs config space writes, which passive access forbids",
				 why[i][0] ? "; " : "");
		} else if (opts->mode != VLP_ACCESS_MMAP && window >= 0) {
			b->bar[i].method = M_WINDOW;
			any = true;
		} else if (opts->mode != VLP_ACCESS_MMAP && !why[i][0]) {
			snprintf(why[i], sizeof(why[i]), "no PCI configuration access capability");
		}
	}
	/* Why direct access failed, for the message if the window fails too;
	 * each reason once. */
	for (unsigned i = 0; i < VLP_NUM_BARS && used < sizeof(b->why); i++) {
		bool seen = false;

		for (unsigned j = 0; j < i; j++)
			seen |= !strcmp(why[i], why[j]);
		if (why[i][0] && !seen)
			used += (size_t)snprintf(all + used, sizeof(b->why) - used, "%s%s",
						 used ? "; " : "", why[i]);
	}
	if (!any) {
		if (reason)
			snprintf(reason, reason_len, "%s", used ? all : "no BAR to read");
		return vlp_error(ctx, ENODEV, "no BAR access: %s", used ? all : "no BAR to read");
	}
	return 0;
}

int vlp_device_open_bars(struct vlp_ctx *ctx, struct vlp_device *dev,
			 const struct vlp_layout *layout, const struct vlp_bar_opts *opts)
{
	return vlp_bars_open_why(ctx, dev, layout, opts, NULL, 0);
}

int vlp_bars_open_why(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
		      const struct vlp_bar_opts *opts, char *reason, size_t reason_len)
{
	struct vlp_bars *b;
	int err = 0;

	if (dev->bars)
		return 0;
	write_policy(dev, opts);
	b = calloc(1, sizeof(*b));
	if (!b)
		return vlp_error(ctx, ENOMEM, "out of memory");
	for (unsigned i = 0; i < VLP_NUM_BARS; i++)
		b->bar[i].fd = -1;
	b->win.pos = -1;
	b->lock_fd = -1;
	b->passive = opts->passive;
	if (layout->nregions) {
		b->regions = malloc(layout->nregions * sizeof(*b->regions));
		if (!b->regions) {
			free(b);
			return vlp_error(ctx, ENOMEM, "out of memory");
		}
		memcpy(b->regions, layout->regions, layout->nregions * sizeof(*b->regions));
		b->nregions = layout->nregions;
	}
	setup_selectors(b, layout);
	dev->bars = b;
	dev->close_bars = vlp_device_close_bars;
	if (dev->origin == VLP_ORIGIN_HOST) {
		/* A VM's device seen from the host: no BAR is reached; its
		 * state comes from QEMU's monitor (vlp_read_state). */
		snprintf(b->backend, sizeof(b->backend), "qmp");
		return 0;
	} else if (dev->snapshot) {
		for (unsigned i = 0; i < VLP_NUM_BARS; i++)
			b->bar[i].method = M_SNAPSHOT;
	} else if (dev->origin != VLP_ORIGIN_LIVE) {
		err = vlp_error(ctx, ENODEV, "a dump holds config space only: no BAR contents");
	} else {
		err = open_live(ctx, dev, layout, opts, reason, reason_len);
	}
	if (err) {
		vlp_device_close_bars(dev);
		return err;
	}
	describe_backend(b);
	return 0;
}

void vlp_device_close_bars(struct vlp_device *dev)
{
	struct vlp_bars *b = dev->bars;

	if (!b)
		return;
	window_restore(dev);
	for (unsigned i = 0; i < VLP_NUM_BARS; i++) {
		if (b->bar[i].map)
			munmap((void *)b->bar[i].map, (size_t)b->bar[i].size);
		if (b->bar[i].fd >= 0)
			close(b->bar[i].fd);
	}
	if (b->lock_fd >= 0)
		close(b->lock_fd); /* releases the flock */
	free(b->regions);
	free(b);
	dev->bars = NULL;
}

const char *vlp_device_backend(const struct vlp_device *dev)
{
	return dev->bars ? dev->bars->backend : NULL;
}

const char *vlp_device_bar_backend(const struct vlp_device *dev, unsigned bar)
{
	if (!dev->bars || bar >= VLP_NUM_BARS)
		return NULL;
	return method_names[dev->bars->bar[bar].method];
}

const struct vlp_access_stats *vlp_device_stats(const struct vlp_device *dev)
{
	return &dev->stats;
}

/* ------------------------------------------------------------ access */

static int check_access(const struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width)
{
	const struct bar_access *a;

	if (!dev->bars)
		return -ENODEV;
	if (bar >= VLP_NUM_BARS || (width != 1 && width != 2 && width != 4))
		return -EINVAL;
	if (off % width)
		return -EINVAL; /* 4.1.3.1: aligned accesses only */
	a = &dev->bars->bar[bar];
	if (a->method == M_NONE)
		return -ENODEV;
	if ((a->method == M_MMAP || a->method == M_PIO) && a->size &&
	    (off >= a->size || width > a->size - off))
		return -ERANGE;
	return 0;
}

/* The access itself, by the BAR's backend. */
static int dispatch(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width,
		    uint32_t *val, bool write, int64_t key)
{
	struct vlp_bars *b = dev->bars;

	switch (b->bar[bar].method) {
	case M_MMAP:
	case M_PIO:
		return sysfs_access(&b->bar[bar], off, width, val, write);
	case M_WINDOW:
		if (!window_reaches(b, bar, off, width))
			return -EACCES;
		return write ? window_write(dev, bar, off, width, *val)
			     : window_read(dev, bar, off, width, val);
	case M_SNAPSHOT:
		/* Replaying: selector writes only steer which recorded values
		 * later reads return. */
		return write ? 0 : vlp_snapshot_lookup(dev->snapshot, bar, off, width, key, val);
	case M_NONE:
		break;
	}
	return -ENODEV;
}

int vlp_bar_read(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width, uint32_t *val)
{
	struct vlp_bars *b = dev->bars;
	int err = check_access(dev, bar, off, width);
	int64_t key;

	if (err)
		return err;
	key = selector_key(b, bar, off);
	err = dispatch(dev, bar, off, width, val, false, key);
	if (err)
		return err;
	dev->stats.bar_reads++;
	track(b, bar, off, *val);
	if (dev->policy.trace)
		dev->policy.trace(dev->policy.trace_arg,
				  &(struct vlp_access_event){ VLP_EVENT_BAR_READ, false,
							      vlp_bar_is_selector(dev, bar, off),
							      false, bar, off, width, *val });
	if (dev->recording && vlp_snapshot_add(dev->recording, bar, off, width, key, *val))
		return -ENOMEM;
	return 0;
}

/* One write; dry-run reports it to the trace instead of making it, unless
 * it is a selector move that reading needs (restored afterwards). */
static int bar_write(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width,
		     uint32_t val, bool for_reading)
{
	struct vlp_bars *b = dev->bars;
	bool selector = vlp_bar_is_selector(dev, bar, off);
	bool dry = dev->policy.dry_run && !for_reading;

	if (!dry) {
		int err = dispatch(dev, bar, off, width, &val, true, -1);

		if (err)
			return err;
		dev->stats.bar_writes++;
		track(b, bar, off, val);
	}
	if (dev->policy.trace)
		dev->policy.trace(dev->policy.trace_arg,
				  &(struct vlp_access_event){ VLP_EVENT_BAR_WRITE, dry, selector,
							      for_reading, bar, off, width, val });
	return 0;
}

int vlp_bar_write(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width, uint32_t val)
{
	int err = check_access(dev, bar, off, width);

	if (err)
		return err;
	/* Read-only use writes selectors only, and passive use nothing. */
	if (dev->bars->passive || (!dev->policy.writable && !vlp_bar_is_selector(dev, bar, off)))
		return -dev->policy.refusal_err;
	return bar_write(dev, bar, off, width, val, false);
}

int vlp_bar_select(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width, uint32_t val)
{
	int err = check_access(dev, bar, off, width);

	if (err)
		return err;
	if (dev->bars->passive || !vlp_bar_is_selector(dev, bar, off))
		return -EROFS;
	return bar_write(dev, bar, off, width, val, true);
}

const char *vlp_device_write_refusal(const struct vlp_device *dev)
{
	return dev->policy.writable ? NULL : dev->policy.write_refusal;
}

bool vlp_device_dry_run(const struct vlp_device *dev)
{
	return dev->policy.dry_run;
}

void vlp_device_set_trace(struct vlp_device *dev, vlp_trace_fn fn, void *arg)
{
	dev->policy.trace = fn;
	dev->policy.trace_arg = arg;
}

/* ------------------------------------------------------------ config space */

static int config_access_ok(struct vlp_ctx *ctx, unsigned off, unsigned width)
{
	if ((width != 1 && width != 2 && width != 4) || off % width)
		return vlp_error(ctx, EINVAL, "config 0x%x: a %u-byte access must be aligned to %u",
				 off, width, width);
	if (off + width > VLP_CONFIG_MAX)
		return vlp_error(ctx, ERANGE, "config 0x%x: outside config space", off);
	return 0;
}

int vlp_config_read(struct vlp_ctx *ctx, struct vlp_device *dev, unsigned off, unsigned width,
		    uint32_t *val)
{
	uint8_t buf[4];
	int err;

	err = config_access_ok(ctx, off, width);
	if (err)
		return err;
	if (dev->pci_dev && cfg_read(dev, off, width, val) == 0) {
		/* keep what the decoder sees in step with the device */
		for (unsigned i = 0; i < width; i++)
			buf[i] = (uint8_t)(*val >> (8 * i));
		if (off + width <= dev->config_size)
			vlp_device_set_bytes(dev, off, buf, width);
	} else if (vlp_device_read_config(dev, off, width, buf)) {
		return vlp_error(ctx, ENODATA, "config 0x%x: not in the %s", off,
				 dev->origin == VLP_ORIGIN_LIVE ? "bytes read" : "dump");
	} else {
		*val = 0;
		for (unsigned i = 0; i < width; i++)
			*val |= (uint32_t)buf[i] << (8 * i);
	}
	if (dev->policy.trace)
		dev->policy.trace(dev->policy.trace_arg,
				  &(struct vlp_access_event){ VLP_EVENT_CONFIG_READ, false, false,
							      false, 0, off, width, *val });
	return 0;
}

int vlp_config_write(struct vlp_ctx *ctx, struct vlp_device *dev, unsigned off, unsigned width,
		     uint32_t val)
{
	uint8_t buf[4];
	int err;

	err = config_access_ok(ctx, off, width);
	if (err)
		return err;
	if (!dev->pci_dev)
		return vlp_error(ctx, EROFS, "config space of a dump or snapshot is read-only");
	if (!dev->policy.writable)
		return vlp_error(ctx, dev->policy.refusal_err, "config write refused: %s",
				 dev->policy.write_refusal[0] ? dev->policy.write_refusal
							      : "read-only access");
	if (!dev->policy.dry_run) {
		err = cfg_write(dev, off, width, val);
		if (err)
			return vlp_error(ctx, -err, "config 0x%x: write refused by the kernel (%s)",
					 off, strerror(-err));
		for (unsigned i = 0; i < width; i++)
			buf[i] = (uint8_t)(val >> (8 * i));
		if (off + width <= dev->config_size)
			vlp_device_set_bytes(dev, off, buf, width);
	}
	if (dev->policy.trace)
		dev->policy.trace(dev->policy.trace_arg,
				  &(struct vlp_access_event){ VLP_EVENT_CONFIG_WRITE, dev->policy.dry_run,
							      false, false, 0, off, width, val });
	return 0;
}

bool vlp_bar_is_selector(const struct vlp_device *dev, unsigned bar, uint64_t off)
{
	const struct vlp_bars *b = dev->bars;

	if (!b)
		return false;
	if (b->have_common && bar == b->common_bar && off >= b->common_off) {
		uint64_t rel = off - b->common_off;

		if (rel == COMMON_DFSELECT || rel == COMMON_GFSELECT || rel == COMMON_Q_SELECT)
			return true;
	}
	if (b->have_input && bar == b->input_bar &&
	    (off == b->input_off + INPUT_SELECT || off == b->input_off + INPUT_SUBSEL))
		return true;
	return b->have_legacy && bar == 0 && off == LEGACY_Q_SELECT;
}

const char *vlp_bars_why(const struct vlp_device *dev)
{
	return dev->bars && dev->bars->why[0] ? dev->bars->why : NULL;
}
