/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON output: the information of -vv, snake_case keys, numbers as numbers,
 * null for what was not read.  Keys of register fields come from the field
 * tables.  Stable within a schema_version: keys are added, never changed. */
#include <stdio.h>

#include "output.h"

#define SCHEMA_VERSION 1

static void json_val(struct json *j, const char *key, const struct vlp_val *v)
{
	if (v->valid)
		json_uint(j, key, v->value);
	else
		json_null(j, key);
}

static void json_begin(struct output *o)
{
	json_init(&o->json, o->f, true);
	json_begin_object(&o->json, NULL);
	json_uint(&o->json, "schema_version", SCHEMA_VERSION);
	json_begin_array(&o->json, "devices");
}

static void json_name(struct output *o, const char *key, enum vlp_name_kind kind, bool ok,
		      unsigned a, unsigned b, unsigned c, unsigned d)
{
	char buf[256];

	json_string(&o->json, key,
		    ok && o->opts.numeric != 1
			    ? vlp_pci_name(o->ctx, kind, buf, sizeof(buf), a, b, c, d)
			    : NULL);
}

/* Header rows in the order of schema 1's keys (rows added later last):
 * every row of the PCI header table, under its JSON key. */
static const enum vlp_pci_header_row header_json_order[] = {
	VLP_HDR_VENDOR_ID,           VLP_HDR_DEVICE_ID,     VLP_HDR_REVISION,       VLP_HDR_CLASS,
	VLP_HDR_SUBSYSTEM_VENDOR_ID, VLP_HDR_SUBSYSTEM_ID,  VLP_HDR_COMMAND,        VLP_HDR_STATUS,
	VLP_HDR_HEADER_TYPE,         VLP_HDR_INTERRUPT_PIN, VLP_HDR_INTERRUPT_LINE, VLP_HDR_CAP_PTR,
};
_Static_assert(sizeof(header_json_order) / sizeof(header_json_order[0]) == VLP_HDR_COUNT,
	       "every header row has its place in the JSON");

static void json_header(struct output *o, const struct vlp_device *dev, const struct vlp_layout *l)
{
	struct json *j = &o->json;
	const struct vlp_header *h = &l->header;
	unsigned ven = (unsigned)h->vendor_id.value, did = (unsigned)h->device_id.value;
	const char *origin = vlp_device_origin(dev) == VLP_ORIGIN_LIVE       ? "live"
			     : vlp_device_origin(dev) == VLP_ORIGIN_SNAPSHOT ? "snapshot"
			     : vlp_device_origin(dev) == VLP_ORIGIN_HOST     ? "host"
									     : "dump";
	char slot[32];

	format_slot(slot, sizeof(slot), &l->slot, true);
	json_string(j, "slot", slot);
	json_string(j, "source", origin); /* schema 1; "origin" is the checker's name */
	json_string(j, "origin", origin);
	for (size_t i = 0; i < VLP_HDR_COUNT; i++) {
		enum vlp_pci_header_row row = header_json_order[i];
		struct vlp_val v = vlp_header_value(h, row);

		json_val(j, vlp_pci_header_table()->fields[row].json_key, &v);
	}
	json_name(o, "vendor_name", VLP_NAME_VENDOR, h->vendor_id.valid, ven, 0, 0, 0);
	json_name(o, "device_name", VLP_NAME_DEVICE, h->vendor_id.valid && h->device_id.valid, ven,
		  did, 0, 0);
	json_name(o, "subsystem_name", VLP_NAME_SUBSYSTEM,
		  h->subsystem_vendor_id.valid && h->subsystem_id.valid, ven, did,
		  (unsigned)h->subsystem_vendor_id.value, (unsigned)h->subsystem_id.value);
	json_name(o, "class_name", VLP_NAME_CLASS, h->class_code.valid,
		  (unsigned)(h->class_code.value >> 8), 0, 0, 0);
	json_string(j, "driver", vlp_device_driver(dev));
	json_uint(j, "config_size", vlp_device_config_size(dev));
	json_string(j, "config_limit", vlp_config_limit_name(vlp_device_config_limit(dev)));
}

static void json_virtio(struct output *o, const struct vlp_layout *l)
{
	struct json *j = &o->json;
	const struct vlp_legacy *lg = &l->legacy;

	json_begin_object(j, "virtio");
	json_val(j, "device_type", &l->virtio.device_type);
	json_string(j, "device_type_name", l->virtio.type_name);
	json_string(j, "device_type_title",
		    l->virtio.device_type.valid
			    ? vlp_virtio_type_title((unsigned)l->virtio.device_type.value)
			    : NULL);
	json_string(j, "transport", vlp_transport_name(l->virtio.transport));
	json_begin_object(j, "driver_uses");
	for (unsigned t = 0; t < VLP_CFG_TYPE_SLOTS; t++) {
		if (!vlp_cfg_type_name(t) || t == VLP_CFG_VENDOR)
			continue;
		json_position(j, vlp_cfg_type_name(t),
			      l->driver_uses[t] >= 0 ? l->caps[l->driver_uses[t]].position : -1);
	}
	json_end_object(j);
	if (lg->present) {
		json_begin_object(j, "legacy");
		json_uint(j, "bar", 0);
		json_bool(j, "bar_is_io", lg->bar0_is_io);
		if (lg->msix_enabled.valid)
			json_bool(j, "msix_enabled", lg->msix_enabled.value);
		else
			json_null(j, "msix_enabled");
		json_val(j, "device_config_offset", &lg->device_config_offset);
		json_end_object(j);
	} else {
		json_null(j, "legacy");
	}
	json_end_object(j);
}

static void json_bars(struct output *o, const struct vlp_layout *l)
{
	struct json *j = &o->json;
	const struct vlp_field *row = vlp_pci_bar_table()->fields;

	json_begin_array(j, "bars");
	for (unsigned i = 0; i < VLP_NUM_BARS; i++) {
		const struct vlp_bar *b = &l->bars[i];

		if (!b->valid || b->upper_half || !b->present)
			continue;
		json_begin_object(j, NULL);
		json_uint(j, "index", i);
		json_string(j, row[VLP_BARREG_SPACE].json_key,
			    vlp_names_lookup(row[VLP_BARREG_SPACE].names,
					     vlp_field_extract(&row[VLP_BARREG_SPACE], b->raw)));
		json_bool(j, "is_64bit", b->is_64bit);
		json_bool(j, row[VLP_BARREG_PREFETCHABLE].json_key, b->prefetchable);
		json_uint(j, "address", b->address);
		if (b->size_known)
			json_uint(j, "size", b->size);
		else
			json_null(j, "size");
		json_uint(j, row[VLP_BARREG_REGISTER].json_key, b->raw);
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_virtio_cap(struct output *o, const struct vlp_virtio_cap *v)
{
	struct json *j = &o->json;

	json_begin_object(j, "virtio");
	/* Every field of the capability's structure, keyed by its table. */
	for (size_t i = 0; i < v->table->count && i < sizeof(v->fields) / sizeof(v->fields[0]); i++) {
		const struct vlp_field *f = &v->table->fields[i];

		if (v->fields[i].valid || f->offset < v->cap_len)
			json_val(j, f->json_key, &v->fields[i]);
	}
	json_string(j, "cfg_type_name", vlp_cfg_type_name(v->cfg_type));
	json_bool(j, "driver_uses", v->driver_uses);
	json_string(j, "skip_reason", v->skip_reason);
	json_end_object(j);
}

/* The JSON object of a PCI capability with a table: one key per row. */
static const char *const pci_cap_key[] = {
	[VLP_CAP_MSIX] = "msix",
	[VLP_CAP_PM] = "pm",
	[VLP_CAP_PCIE] = "pcie",
};

static void json_pci_cap(struct json *j, const struct vlp_cap *c)
{
	const struct vlp_field_table *t = c->pci_table;

	json_begin_object(j, pci_cap_key[c->kind]);
	for (size_t i = 0; t && i < t->count; i++) {
		if (t->fields[i].flags & VLP_FIELD_BOOL)
			json_bool(j, t->fields[i].json_key, c->pci_fields[i]);
		else
			json_uint(j, t->fields[i].json_key, c->pci_fields[i]);
	}
	if (c->kind == VLP_CAP_PCIE)
		json_string(j, "port_type_name", c->u.pcie.port_type_name);
	json_end_object(j);
}

static void json_cap(struct output *o, const struct vlp_cap *c)
{
	struct json *j = &o->json;
	const char *name = c->extended ? vlp_ecap_name(c->id) : vlp_cap_name((uint8_t)c->id);

	json_begin_object(j, NULL);
	json_uint(j, "position", c->position);
	json_uint(j, "id", c->id);
	json_string(j, "name", name);
	json_uint(j, "next", c->next);
	json_bool(j, "complete", c->complete);
	switch (c->kind) {
	case VLP_CAP_VIRTIO:
		json_virtio_cap(o, &c->u.virtio);
		break;
	case VLP_CAP_MSIX:
	case VLP_CAP_PM:
	case VLP_CAP_PCIE:
		json_pci_cap(j, c);
		break;
	case VLP_CAP_GENERIC:
		break;
	}
	json_end_object(j);
}

static void json_caps(struct output *o, const struct vlp_layout *l)
{
	struct json *j = &o->json;

	json_begin_array(j, "capabilities");
	for (size_t i = 0; i < l->ncaps; i++)
		if (!l->caps[i].extended)
			json_cap(o, &l->caps[i]);
	json_end_array(j);
	json_begin_array(j, "extended_capabilities");
	for (size_t i = 0; i < l->ncaps; i++)
		if (l->caps[i].extended) {
			json_begin_object(j, NULL);
			json_uint(j, "position", l->caps[i].position);
			json_uint(j, "id", l->caps[i].id);
			json_uint(j, "version", l->caps[i].version);
			json_string(j, "name", vlp_ecap_name(l->caps[i].id));
			json_uint(j, "next", l->caps[i].next);
			json_end_object(j);
		}
	json_end_array(j);
}

static void json_bar_map(struct output *o, const struct vlp_layout *l)
{
	struct json *j = &o->json;

	json_begin_array(j, "bar_map");
	for (size_t i = 0; i < l->nregions; i++) {
		const struct vlp_region *r = &l->regions[i];

		json_begin_object(j, NULL);
		json_uint(j, "bar", r->bar);
		json_uint(j, "offset", r->offset);
		json_uint(j, "length", r->length);
		json_string(j, "kind", vlp_region_kind_name(r->kind));
		json_string(j, "name", vlp_region_name(r));
		json_string(j, "cfg_type_name",
			    r->kind == VLP_REGION_VIRTIO ? vlp_cfg_type_name(r->cfg_type) : NULL);
		json_position(j, "position", r->position);
		json_bool(j, "overlaps", r->overlaps);
		json_bool(j, "outside_bar", r->outside_bar);
		json_bool(j, "bad_bar", r->bad_bar);
		json_end_object(j);
	}
	json_end_array(j);
}

/* host (a --qmp device only): QEMU's own facts of the device and of each
 * queue (x-query-virtio-status, x-query-virtio-queue-status and the vhost
 * backend's), under QEMU's names in snake_case (man page, JSON OUTPUT). */
static void json_host_queue(struct json *j, const struct vlp_host_queue *q)
{
	json_begin_object(j, NULL);
	json_uint(j, "index", q->index);
	json_string(j, "error", q->valid ? NULL : q->error);
	if (q->valid) {
		json_uint(j, "vring_num", q->vring_num);
		if (q->has_indices) {
			json_uint(j, "vring_num_default", q->vring_num_default);
			json_uint(j, "vring_align", q->vring_align);
		} else {
			json_null(j, "vring_num_default");
			json_null(j, "vring_align");
		}
		json_uint(j, "vring_desc", q->desc);
		json_uint(j, "vring_avail", q->avail);
		json_uint(j, "vring_used", q->used);
		if (q->has_last_avail_idx)
			json_uint(j, "last_avail_idx", q->last_avail_idx);
		else
			json_null(j, "last_avail_idx");
		if (q->has_shadow_avail_idx)
			json_uint(j, "shadow_avail_idx", q->shadow_avail_idx);
		else
			json_null(j, "shadow_avail_idx");
		/* a queue a vhost backend runs: not asked (hoststate.c) */
		if (q->has_indices) {
			json_uint(j, "used_idx", q->used_idx);
			json_uint(j, "signalled_used", q->signalled_used);
			json_bool(j, "signalled_used_valid", q->signalled_used_valid);
			json_uint(j, "inuse", q->inuse);
		} else {
			json_null(j, "used_idx");
			json_null(j, "signalled_used");
			json_null(j, "signalled_used_valid");
			json_null(j, "inuse");
		}
	}
	if (q->vhost) {
		json_begin_object(j, "vhost");
		json_int(j, "kick", q->vhost_kick);
		json_int(j, "call", q->vhost_call);
		json_uint(j, "num", q->vhost_num);
		json_uint(j, "desc_phys", q->vhost_desc_phys);
		json_uint(j, "avail_phys", q->vhost_avail_phys);
		json_uint(j, "used_phys", q->vhost_used_phys);
		json_end_object(j);
	} else {
		json_null(j, "vhost");
	}
	json_end_object(j);
}

static void json_host(struct json *j, const struct vlp_device *dev, const struct vlp_state *s)
{
	const struct vlp_host_view *h = vlp_state_host(s);
	const char *qom = vlp_device_qom_path(dev);

	if (!qom)
		return;
	json_begin_object(j, "host");
	json_string(j, "qom_path", qom);
	if (h) {
		json_string(j, "name", h->name);
		json_string(j, "bus_name", h->bus_name);
		json_uint(j, "num_vqs", h->num_vqs);
		json_bool(j, "broken", h->broken);
		json_bool(j, "vm_running", h->vm_running);
		json_bool(j, "started", h->started);
		json_bool(j, "disabled", h->disabled);
		json_bool(j, "vhost_started", h->vhost_started);
		json_uint(j, "isr", h->isr);
		json_uint(j, "queue_sel", h->queue_sel);
		json_uint(j, "host_features", h->host_features);
		json_uint(j, "guest_features", h->guest_features);
		json_bool(j, "legacy_driven", h->legacy_driven);
		json_begin_array(j, "queues");
		for (size_t i = 0; i < h->nqueues; i++)
			json_host_queue(j, &h->queues[i]);
		json_end_array(j);
		if (h->has_vhost_dev) {
			json_begin_object(j, "vhost");
			json_uint(j, "nvqs", h->vhost_nvqs);
			json_uint(j, "vq_index", h->vhost_vq_index);
			json_uint(j, "max_queues", h->vhost_max_queues);
			json_uint(j, "features", h->vhost_features);
			json_uint(j, "acked_features", h->vhost_acked_features);
			json_uint(j, "backend_features", h->vhost_backend_features);
			json_uint(j, "protocol_features", h->vhost_protocol_features);
			json_end_object(j);
		} else {
			json_null(j, "vhost");
		}
	}
	json_end_object(j);
}

static void json_device(struct output *o, const struct device_view *v)
{
	const struct vlp_device *dev = v->dev;
	const struct vlp_layout *l = v->layout;

	json_begin_object(&o->json, NULL);
	if (v->domain)
		json_string(&o->json, "domain", v->domain);
	json_header(o, dev, l);
	json_virtio(o, l);
	json_bars(o, l);
	json_caps(o, l);
	json_bar_map(o, l);
	json_finding_list(&o->json, "findings", l->findings, l->nfindings);
	json_state(o, v);
	json_host(&o->json, dev, v->state);
	/* With --rings: why no queue object has its ring, when none has. */
	if (v->rings_asked) {
		json_string(&o->json, "rings_error",
			    v->rings ? (v->rings->error[0] ? v->rings->error : NULL)
				     : (v->rings_error ? v->rings_error : "no register state"));
		/* Why some rings were decoded in part or not at all (the run's
		 * budget ran out, no memory): the run failed. */
		json_string(&o->json, "rings_incomplete",
			    v->rings && v->rings->incomplete[0] ? v->rings->incomplete : NULL);
	}
	json_interrupts(o, v);
	json_end_object(&o->json);
}

static void json_end(struct output *o)
{
	json_end_array(&o->json);
	json_end_object(&o->json);
}

const struct printer json_printer = { "json", json_begin, json_device, json_end };
