/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state of a host device (VLP_ORIGIN_HOST) as QEMU's monitor gives it:
 * x-query-virtio-status for the device, x-query-virtio-queue-status for
 * each queue (and x-query-virtio-vhost-queue-status for a queue a vhost
 * backend runs): at most two round trips per queue.
 *
 * Into struct vlp_state, under the common configuration's rows (4.1.4.3),
 * goes what QEMU's fields are the same fact as: device_status, the device
 * and driver feature words (QEMU names the bits; the names are mapped back
 * to bits through the library's feature tables), num_queues, queue_select,
 * and per queue queue_size, queue_desc, queue_driver and queue_device.
 * Not in QMP, so unavailable (never 0): the feature selectors,
 * config_msix_vector and queue_msix_vector (vectors), config_generation,
 * queue_notify_off and the rows after it, the device-specific
 * configuration, the MSI-X table.
 *
 * queue_enable: QMP has no such field.  It is derived: 1 when QEMU holds a
 * descriptor-area address (vring-desc not 0), as QEMU's own
 * virtio_queue_enabled_legacy() decides; the host view says so
 * (vlp_host_view.enable_derived).  A driver that wrote the addresses but
 * not yet queue_enable reads as enabled.
 *
 * The ISR: x-query-virtio-status's "isr" is QEMU's copy of the ISR byte;
 * reading it through the monitor does not clear it (reading the register
 * would, 4.1.4.5), so it is reported in the host view only, never as the
 * register (vlp_state.isr stays unread).
 *
 * Everything else QEMU tells (broken, started, vhost, the device-side
 * indices last_avail_idx, shadow_avail_idx, used_idx, signalled_used,
 * inuse) goes into struct vlp_host_view (<vlp/host.h>).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"

/* QEMU's spelling of a feature or status bit where it is not the spec's
 * (QEMU 7.2, hw/virtio/virtio-qmp.c tables). */
struct qemu_alias {
	const char *qemu;
	unsigned bit;
};
static const struct qemu_alias feature_aliases[] = {
	{ "VIRTIO_RING_F_INDIRECT_DESC", VLP_F_INDIRECT_DESC },
	{ "VIRTIO_RING_F_EVENT_IDX", VLP_F_EVENT_IDX },
	{ "VIRTIO_F_IOMMU_PLATFORM", VLP_F_ACCESS_PLATFORM },
	/* bit 30: the spec's UNUSED (6.3), vhost-user's protocol feature bit */
	{ "VHOST_USER_F_PROTOCOL_FEATURES", VLP_F_UNUSED },
	/* bit 26: vhost's log bit, a bit the spec does not name */
	{ "VHOST_F_LOG_ALL", 26 },
};
static const struct qemu_alias status_aliases[] = {
	{ "VIRTIO_CONFIG_S_ACKNOWLEDGE", VLP_S_ACKNOWLEDGE },
	{ "VIRTIO_CONFIG_S_DRIVER", VLP_S_DRIVER },
	{ "VIRTIO_CONFIG_S_DRIVER_OK", VLP_S_DRIVER_OK },
	{ "VIRTIO_CONFIG_S_FEATURES_OK", VLP_S_FEATURES_OK },
	{ "VIRTIO_CONFIG_S_NEEDS_RESET", VLP_S_DEVICE_NEEDS_RESET },
	{ "VIRTIO_CONFIG_S_FAILED", VLP_S_FAILED },
};

/* Members of VirtioStatus (QAPI) that are spelled like register rows. */
enum status_key { SK_ISR, SK_STATUS, SK_KEYS };
static const char *const status_keys[SK_KEYS] = {
	[SK_ISR] = "isr",
	[SK_STATUS] = "status",
};

struct hreader {
	struct vlp_ctx *ctx;
	struct vlp_device *dev;
	struct vlp_state *s;
	struct vlp_host_view *h;
	size_t findings_alloc;
	char qpath[VLP_SOURCE_NAME_MAX + 8]; /* the QOM path as a JSON string */
};

static int note(struct hreader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int note(struct hreader *r, const char *fmt, ...)
{
	va_list ap;
	int rc = 0;

	va_start(ap, fmt);
	if (!vlp_findings_append(&r->s->findings, &r->s->nfindings, &r->findings_alloc,
				 "data-incomplete", VLP_SEV_INFO, "", -1, fmt, ap))
		rc = vlp_error(r->ctx, ENOMEM, "out of memory");
	va_end(ap);
	return rc;
}

/* "NAME: description" -> NAME, into buf. */
static const char *name_of(const char *item, char *buf, size_t len)
{
	const char *colon = strchr(item, ':');
	size_t n = colon ? (size_t)(colon - item) : strlen(item);

	if (n >= len)
		n = len - 1;
	memcpy(buf, item, n);
	buf[n] = '\0';
	return buf;
}

static bool lookup(const struct vlp_names *names, const char *name, unsigned *bit)
{
	for (size_t i = 0; names && i < names->count; i++)
		if (!strcmp(names->entries[i].name, name)) {
			*bit = (unsigned)names->entries[i].value;
			return true;
		}
	return false;
}

static bool feature_bit(unsigned type, const char *name, unsigned *bit)
{
	for (size_t i = 0; i < VLP_ARRAY_SIZE(feature_aliases); i++)
		if (!strcmp(feature_aliases[i].qemu, name)) {
			*bit = feature_aliases[i].bit;
			return true;
		}
	return lookup(vlp_transport_feature_names(), name, bit) ||
	       lookup(vlp_device_feature_names(type), name, bit);
}

/*
 * device_feature as the guest reads it.  x-query-virtio-status lists QEMU's
 * host_features whole, but QEMU 7.2's modern common configuration masks the
 * bits QEMU offers to legacy drivers only (hw/virtio/virtio-pci.c,
 * virtio_pci_common_read, VIRTIO_PCI_COMMON_DF:
 * "(vdev->host_features & ~vdev->legacy_features) >> (32 * vdev->dfselect)").
 * legacy_features is VIRTIO_LEGACY_FEATURES for every device
 * (hw/virtio/virtio.c, virtio_device_class_init: NOTIFY_ON_EMPTY 24,
 * ANY_LAYOUT 27 and VIRTIO_F_BAD_FEATURE 30, the spec's legacy bits of
 * 6.3) and, for net, VIRTIO_NET_F_GSO 6 too (hw/net/virtio-net.c,
 * virtio_net_class_init; 5.1.3.2 legacy).  The legacy header's
 * host_features register (virtio_ioport_read, VIRTIO_PCI_HOST_FEATURES)
 * gives the low 32 bits unmasked: a device whose driver acked features
 * without VERSION_1 is taken as legacy-driven and shown that way.
 */
#define BIT64(bit) (UINT64_C(1) << (bit))

static uint64_t device_feature(struct vlp_host_view *h, unsigned type, uint64_t dev_bits,
			       uint64_t drv_bits)
{
	uint64_t legacy_only =
		BIT64(VLP_F_NOTIFY_ON_EMPTY) | BIT64(VLP_F_ANY_LAYOUT) | BIT64(VLP_F_UNUSED);

	h->legacy_driven = drv_bits && !(drv_bits & BIT64(VLP_F_VERSION_1));
	if (h->legacy_driven)
		return dev_bits & 0xffffffffu;
	if (type == VLP_ID_NET)
		legacy_only |= BIT64(VLP_NET_F_GSO);
	return dev_bits & ~legacy_only;
}

/* A VirtioDeviceFeatures {transports[], dev-features[], unknown-dev-features}
 * into 64 bits; names not known are said once each. */
static int features(struct hreader *r, unsigned type, const struct vlp_jv *f, const char *whose,
		    uint64_t *bits, uint64_t *unknown)
{
	static const char *const lists[] = { "transports", "dev-features" };
	char name[96];
	uint64_t u = 0;
	unsigned bit;

	*bits = 0;
	for (size_t l = 0; l < VLP_ARRAY_SIZE(lists); l++) {
		const struct vlp_jv *arr = vlp_jv_get(f, lists[l]);

		for (size_t i = 0; i < vlp_jv_len(arr); i++) {
			const char *item = vlp_jv_str(vlp_jv_at(arr, i));

			if (!item)
				continue;
			if (feature_bit(type, name_of(item, name, sizeof(name)), &bit) && bit < 64)
				*bits |= 1ull << bit;
			else if (note(r, "%s features: QEMU names %s, which the library does not know",
				      whose, name))
				return -ENOMEM;
		}
	}
	/* bits QEMU has no name for: numbers, the same facts */
	if (vlp_jv_get_u64(f, "unknown-dev-features", &u))
		*bits |= u;
	*unknown = u;
	return 0;
}

static int regs_new(struct vlp_regs *regs)
{
	const struct vlp_field_table *t = vlp_common_cfg_table();

	regs->table = t;
	regs->length = t->size;
	regs->values = calloc(t->count, sizeof(*regs->values));
	if (!regs->values)
		return -ENOMEM;
	for (size_t i = 0; i < t->count; i++)
		regs->values[i].present = true;
	return 0;
}

static void set_row(struct vlp_regs *regs, enum vlp_common_row row, uint64_t v)
{
	regs->values[row].valid = true;
	regs->values[row].value = v;
}

static int query_path(struct hreader *r, const char *execute, int queue, struct vlp_jv **reply)
{
	char args[sizeof(r->qpath) + 32];

	if (queue < 0)
		snprintf(args, sizeof(args), "{\"path\": %s}", r->qpath);
	else
		snprintf(args, sizeof(args), "{\"path\": %s, \"queue\": %d}", r->qpath, queue);
	return vlp_monitor_query(r->ctx, r->dev->monitor, execute, args, reply);
}

static bool get_u16(const struct vlp_jv *o, const char *key, uint16_t *v)
{
	uint64_t u;

	if (!vlp_jv_get_u64(o, key, &u))
		return false;
	*v = (uint16_t)u;
	return true;
}

static int read_device(struct hreader *r, unsigned *type)
{
	struct vlp_host_view *h = r->h;
	struct vlp_state *s = r->s;
	struct vlp_jv *st = NULL;
	const struct vlp_jv *vhost, *statuses;
	uint64_t v, dev_bits = 0, drv_bits = 0, status = 0;
	int rc = query_path(r, "x-query-virtio-status", -1, &st);

	if (rc)
		return rc;
	snprintf(h->name, sizeof(h->name), "%s",
		 vlp_jv_get_str(st, "name") ? vlp_jv_get_str(st, "name") : "");
	snprintf(h->bus_name, sizeof(h->bus_name), "%s",
		 vlp_jv_get_str(st, "bus-name") ? vlp_jv_get_str(st, "bus-name") : "");
	snprintf(h->device_endian, sizeof(h->device_endian), "%s",
		 vlp_jv_get_str(st, "device-endian") ? vlp_jv_get_str(st, "device-endian") : "");
	if (vlp_jv_get_u64(st, "device-id", &v))
		h->device_id = (uint16_t)v;
	*type = h->device_id;
	vlp_jv_get_bool(st, "vhost-started", &h->vhost_started);
	vlp_jv_get_bool(st, "broken", &h->broken);
	vlp_jv_get_bool(st, "vm-running", &h->vm_running);
	vlp_jv_get_bool(st, "started", &h->started);
	vlp_jv_get_bool(st, "disabled", &h->disabled);
	vlp_jv_get_bool(st, "use-started", &h->use_started);
	vlp_jv_get_bool(st, "start-on-kick", &h->start_on_kick);
	if (vlp_jv_get_u64(st, status_keys[SK_ISR], &v))
		h->isr = (uint8_t)v; /* QEMU's copy: not cleared by asking */
	if (vlp_jv_get_u64(st, "queue-sel", &v)) {
		h->queue_sel = (uint16_t)v;
		set_row(&s->common, VLP_COMMON_QUEUE_SELECT, v);
	}
	if (vlp_jv_get_u64(st, "num-vqs", &v)) {
		h->num_vqs = (unsigned)v;
		set_row(&s->common, VLP_COMMON_NUM_QUEUES, v);
	}
	rc = features(r, *type, vlp_jv_get(st, "host-features"), "device", &dev_bits, &h->host_unknown);
	if (!rc)
		rc = features(r, *type, vlp_jv_get(st, "guest-features"), "driver", &drv_bits,
			      &h->guest_unknown);
	if (!rc && vlp_jv_get(st, "backend-features")) {
		h->has_backend_features = true;
		rc = features(r, *type, vlp_jv_get(st, "backend-features"), "backend",
			      &h->backend_features, &v);
	}
	h->host_features = dev_bits;
	h->guest_features = drv_bits;
	dev_bits = device_feature(h, *type, dev_bits, drv_bits);
	/* QEMU 7.2 keeps 64 feature bits: words 2 and 3 are 0 there. */
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++) {
		s->device_features[w] =
			(struct vlp_val){ w < 2 ? (uint32_t)(dev_bits >> (32 * w)) : 0, true };
		s->driver_features[w] =
			(struct vlp_val){ w < 2 ? (uint32_t)(drv_bits >> (32 * w)) : 0, true };
	}
	statuses = vlp_jv_get(vlp_jv_get(st, status_keys[SK_STATUS]), "statuses");
	for (size_t i = 0; !rc && i < vlp_jv_len(statuses); i++) {
		char name[64];
		size_t k;

		name_of(vlp_jv_str(vlp_jv_at(statuses, i)) ? vlp_jv_str(vlp_jv_at(statuses, i)) : "",
			name, sizeof(name));
		for (k = 0; k < VLP_ARRAY_SIZE(status_aliases); k++)
			if (!strcmp(status_aliases[k].qemu, name))
				break;
		if (k < VLP_ARRAY_SIZE(status_aliases))
			status |= VLP_S_MASK(status_aliases[k].bit);
		else
			rc = note(r, "device status: QEMU names %s, which the library does not know",
				  name);
	}
	if (vlp_jv_get_u64(vlp_jv_get(st, status_keys[SK_STATUS]), "unknown-statuses", &v))
		status |= v;
	set_row(&s->common, VLP_COMMON_DEVICE_STATUS, status & 0xff);
	vhost = vlp_jv_get(st, "vhost-dev");
	if (vhost) {
		h->has_vhost_dev = true;
		if (vlp_jv_get_u64(vhost, "nvqs", &v))
			h->vhost_nvqs = (unsigned)v;
		if (vlp_jv_get_u64(vhost, "vq-index", &v))
			h->vhost_vq_index = (unsigned)v;
		if (vlp_jv_get_u64(vhost, "max-queues", &v))
			h->vhost_max_queues = (unsigned)v;
		/* vhost-dev's feature fields are VirtioDeviceFeatures too */
		if (!rc)
			rc = features(r, *type, vlp_jv_get(vhost, "features"), "vhost",
				      &h->vhost_features, &v);
		if (!rc)
			rc = features(r, *type, vlp_jv_get(vhost, "acked-features"), "vhost acked",
				      &h->vhost_acked_features, &v);
		if (!rc)
			rc = features(r, *type, vlp_jv_get(vhost, "backend-features"),
				      "vhost backend", &h->vhost_backend_features, &v);
		vlp_jv_get_u64(vhost, "protocol-features", &h->vhost_protocol_features);
	}
	vlp_jv_free(st);
	return rc;
}

/* The vhost backend's view of the queue; false when QEMU has none
 * ("vhost device has not started yet", a queue outside the vhost
 * device's range).  A failed command leaves its message in the ctx. */
static bool vhost_queue(struct hreader *r, struct vlp_host_queue *hq)
{
	struct vlp_jv *v = NULL;
	uint64_t u;
	int64_t i;

	if (query_path(r, "x-query-virtio-vhost-queue-status", (int)hq->index, &v))
		return false;
	hq->vhost = true;
	if (vlp_jv_i64(vlp_jv_get(v, "kick"), &i))
		hq->vhost_kick = i;
	if (vlp_jv_i64(vlp_jv_get(v, "call"), &i))
		hq->vhost_call = i;
	if (vlp_jv_get_u64(v, "num", &u))
		hq->vhost_num = (uint32_t)u;
	vlp_jv_get_u64(v, "desc-phys", &hq->vhost_desc_phys);
	vlp_jv_get_u64(v, "avail-phys", &hq->vhost_avail_phys);
	vlp_jv_get_u64(v, "used-phys", &hq->vhost_used_phys);
	if (vlp_jv_get_u64(v, "desc-size", &u))
		hq->vhost_desc_size = (uint32_t)u;
	if (vlp_jv_get_u64(v, "avail-size", &u))
		hq->vhost_avail_size = (uint32_t)u;
	if (vlp_jv_get_u64(v, "used-size", &u))
		hq->vhost_used_size = (uint32_t)u;
	vlp_jv_free(v);
	return true;
}

/*
 * QEMU's view of queue hq->index into hq: 0 (a queue QEMU refuses,
 * "Invalid virtqueue number N", is left not valid with its error), or
 * -errno.
 *
 * A queue a vhost backend runs is asked x-query-virtio-vhost-queue-status
 * only, never x-query-virtio-queue-status: for such a queue QEMU 7.2's
 * handler (hw/virtio/virtio.c, qmp_x_query_virtio_queue_status) calls the
 * backend's vhost_get_vring_base(), which for vhost-user sends
 * VHOST_USER_GET_VRING_BASE, a message that stops the ring: libvhost-user
 * (qemu-storage-daemon's vhost-user-blk) marks the queue not started and
 * closes its kick and call descriptors, and QEMU drops the queue's host
 * notifier, so the guest's next request is never served (measured in make
 * qemu-host: a read of the vhost-user-blk hung after the host view).  The
 * answer would not be worth it either: QEMU stores vhost_get_vring_base()'s
 * return code, 0, as last-avail-idx (measured: 0 beside avail.idx 3), and
 * its own used_idx and inuse are not the backend's.  The vhost status
 * gives the queue's size and guest-physical ring addresses.
 */
static int queue_status(struct hreader *r, struct vlp_host_queue *hq, bool vhost)
{
	struct vlp_jv *v = NULL;
	uint64_t u;
	int rc;

	if (vhost && vhost_queue(r, hq)) {
		hq->valid = true;
		hq->vring_num = hq->vhost_num;
		hq->desc = hq->vhost_desc_phys;
		hq->avail = hq->vhost_avail_phys;
		hq->used = hq->vhost_used_phys;
		return 0;
	}
	rc = query_path(r, "x-query-virtio-queue-status", (int)hq->index, &v);
	if (rc == -EIO) {
		/* "Invalid virtqueue number N": a queue of size 0 */
		snprintf(hq->error, sizeof(hq->error), "%s", vlp_ctx_error(r->ctx));
		return 1;
	}
	if (rc)
		return rc;
	hq->valid = true;
	hq->has_indices = true;
	if (vlp_jv_get_u64(v, "vring-num", &u))
		hq->vring_num = (uint32_t)u;
	if (vlp_jv_get_u64(v, "vring-num-default", &u))
		hq->vring_num_default = (uint32_t)u;
	if (vlp_jv_get_u64(v, "vring-align", &u))
		hq->vring_align = (uint32_t)u;
	vlp_jv_get_u64(v, "vring-desc", &hq->desc);
	vlp_jv_get_u64(v, "vring-avail", &hq->avail);
	vlp_jv_get_u64(v, "vring-used", &hq->used);
	hq->has_last_avail_idx = get_u16(v, "last-avail-idx", &hq->last_avail_idx);
	hq->has_shadow_avail_idx = get_u16(v, "shadow-avail-idx", &hq->shadow_avail_idx);
	get_u16(v, "used-idx", &hq->used_idx);
	get_u16(v, "signalled-used", &hq->signalled_used);
	vlp_jv_get_bool(v, "signalled-used-valid", &hq->signalled_used_valid);
	if (vlp_jv_get_u64(v, "inuse", &u))
		hq->inuse = (uint32_t)u;
	vlp_jv_free(v);
	return 0;
}

static int read_queue(struct hreader *r, unsigned q)
{
	struct vlp_state *s = r->s;
	struct vlp_host_queue *hq = &r->h->queues[r->h->nqueues++];
	struct vlp_queue_state *qs;
	int rc;

	hq->index = q;
	rc = queue_status(r, hq, r->h->vhost_started);
	if (rc > 0)
		return 0;
	if (rc)
		return rc;
	qs = &s->queues[s->nqueues];
	qs->index = q;
	if (regs_new(&qs->regs))
		return vlp_error(r->ctx, ENOMEM, "out of memory");
	s->nqueues++;
	set_row(&qs->regs, VLP_COMMON_QUEUE_SELECT, q);
	set_row(&qs->regs, VLP_COMMON_QUEUE_SIZE, hq->vring_num);
	set_row(&qs->regs, VLP_COMMON_QUEUE_DESC, hq->desc);
	set_row(&qs->regs, VLP_COMMON_QUEUE_DRIVER, hq->avail);
	set_row(&qs->regs, VLP_COMMON_QUEUE_DEVICE, hq->used);
	set_row(&qs->regs, VLP_COMMON_QUEUE_ENABLE, hq->desc != 0); /* derived: see above */
	return 0;
}

int vlp_host_state_fill(struct vlp_ctx *ctx, struct vlp_device *dev,
			const struct vlp_state_opts *opts, struct vlp_state *s)
{
	struct hreader r = { .ctx = ctx, .dev = dev, .s = s };
	const struct vlp_field_table *t = vlp_common_cfg_table();
	bool capture = dev->recording && dev->host_records &&
		       strcmp(vlp_monitor_kind(dev->monitor), "recorded");
	unsigned type = 0, n;
	int rc;

	if (!dev->monitor || !dev->qom_path)
		return vlp_error(ctx, ENODEV, "a host device without its monitor");
	if (vlp_json_quote(r.qpath, sizeof(r.qpath), dev->qom_path) >= sizeof(r.qpath))
		return vlp_error(ctx, ENAMETOOLONG, "%s: QOM path too long", dev->qom_path);
	s->backend = "qmp";
	s->passive = true;
	s->host = calloc(1, sizeof(*s->host));
	if (!s->host || regs_new(&s->common))
		return vlp_error(ctx, ENOMEM, "out of memory");
	r.h = s->host;
	snprintf(r.h->qom_path, sizeof(r.h->qom_path), "%s", dev->qom_path);
	r.h->enable_derived = true;
	/* --save: the exchanges go with the device into its snapshot */
	if (capture)
		vlp_monitor_capture(dev->monitor, dev->host_records);
	rc = read_device(&r, &type);
	/* 1.2 rows exist only when negotiated (4.1.4.3) */
	for (size_t i = 0; i < t->count; i++)
		if (t->fields[i].feature) {
			unsigned bit = VLP_FEATURE_BIT(t->fields[i].feature);
			bool on = bit < 64 && (s->driver_features[bit / 32].value >> (bit % 32) & 1) &&
				  (s->device_features[bit / 32].value >> (bit % 32) & 1);

			s->common.values[i].present = on;
		}
	n = r.h->num_vqs;
	if (n > VLP_VQ_MAX_QUERIED)
		n = VLP_VQ_MAX_QUERIED;
	if (!rc && !(opts && (opts->skip & VLP_STATE_SKIP_QUEUES)) && n) {
		s->queues = calloc(n, sizeof(*s->queues));
		r.h->queues = calloc(n, sizeof(*r.h->queues));
		if (!s->queues || !r.h->queues)
			rc = vlp_error(ctx, ENOMEM, "out of memory");
		for (unsigned q = 0; !rc && q < n; q++)
			rc = read_queue(&r, q);
	}
	if (capture)
		vlp_monitor_capture(dev->monitor, NULL);
	/* the selected queue's rows, as the selector would show them */
	for (size_t q = 0; !rc && q < s->nqueues; q++)
		if (s->queues[q].index == r.h->queue_sel)
			for (size_t i = 0; i < t->count; i++)
				if (t->fields[i].selector == VLP_SEL_QUEUE &&
				    i != VLP_COMMON_QUEUE_SELECT)
					s->common.values[i] = s->queues[q].regs.values[i];
	return rc;
}

const struct vlp_host_view *vlp_state_host(const struct vlp_state *state)
{
	return state ? state->host : NULL;
}

int vlp_host_queue_status(struct vlp_ctx *ctx, const struct vlp_device *dev, unsigned q, bool vhost,
			  struct vlp_host_queue *out)
{
	struct hreader r = { .ctx = ctx, .dev = (struct vlp_device *)dev };

	memset(out, 0, sizeof(*out));
	out->index = q;
	if (!dev->monitor || !dev->qom_path)
		return vlp_error(ctx, ENODEV, "a host device without its monitor");
	if (vlp_json_quote(r.qpath, sizeof(r.qpath), dev->qom_path) >= sizeof(r.qpath))
		return vlp_error(ctx, ENAMETOOLONG, "%s: QOM path too long", dev->qom_path);
	return queue_status(&r, out, vhost) < 0 ? -1 : 0;
}
