/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The config-space and register checks: functions of the decoded layout
 * and of the registers as read (checkrun.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pci/header.h>

#include "checkrun.h"

/* --------------------------------------------------- config-space checks */

const char *check_transitional_device_id(struct check_run *r)
{
	static const uint16_t ids[] = { 0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1009 };
	const struct vlp_header *h = &r->l->header;
	uint16_t device = (uint16_t)h->device_id.value;

	if (!r->l->virtio.is_virtio || device >= VLP_VIRTIO_MODERN_BASE)
		return NULL;
	for (size_t i = 0; i < VLP_ARRAY_SIZE(ids); i++)
		if (ids[i] == device)
			return NULL;
	/* 4.1.2.1 lists the transitional IDs; other 0x1000-0x103f IDs were
	 * legacy-only assignments a transitional device should not use. */
	chk_report(r, r->l->virtio.transport == VLP_TRANSPORT_TRANSITIONAL ? VLP_SEV_WARNING : VLP_SEV_INFO,
		   -1, NULL,
		   "device ID 0x%04x is not one of the transitional IDs of 4.1.2.1 (0x1000-0x1005, 0x1009)",
		   device);
	return NULL;
}

const char *check_bar_size_known(struct check_run *r)
{
	const struct vlp_layout *l = r->l;
	bool said[VLP_NUM_BARS] = { false };
	char where[16];

	for (size_t i = 0; i < l->nregions; i++) {
		const struct vlp_region *g = &l->regions[i];

		if (g->bar >= VLP_NUM_BARS || said[g->bar] || g->bad_bar || l->bars[g->bar].size_known)
			continue;
		said[g->bar] = true;
		snprintf(where, sizeof(where), "BAR%u", g->bar);
		chk_report(r, VLP_SEV_INFO, -1, where,
			   "BAR%u size unknown: the structures in it are not checked against its end",
			   g->bar);
	}
	return NULL;
}

static size_t count_type(const struct vlp_layout *l, uint8_t cfg_type)
{
	size_t n = 0;

	for (size_t i = 0; i < l->ncaps; i++)
		n += l->caps[i].kind == VLP_CAP_VIRTIO && l->caps[i].u.virtio.cfg_type == cfg_type;
	return n;
}

const char *check_driver_choice(struct check_run *r)
{
	const struct vlp_layout *l = r->l;
	static const uint8_t types[] = { VLP_CFG_COMMON, VLP_CFG_NOTIFY, VLP_CFG_ISR,
					 VLP_CFG_DEVICE, VLP_CFG_PCI };

	/* 4.1.4.1: the driver uses the first instance it can support; the
	 * decoder recorded why each other one is skipped. */
	for (size_t t = 0; t < VLP_ARRAY_SIZE(types); t++) {
		int used = l->driver_uses[types[t]];

		if (count_type(l, types[t]) < 2)
			continue;
		for (size_t i = 0; i < l->ncaps; i++) {
			const struct vlp_cap *c = &l->caps[i];

			if (c->kind != VLP_CAP_VIRTIO || c->u.virtio.cfg_type != types[t] ||
			    (int)i == used)
				continue;
			if (used >= 0)
				chk_report(r, VLP_SEV_INFO, c->position, NULL,
					   "%s capability [%02x] is not used (driver uses [%02x]): %s",
					   vlp_cfg_type_label(types[t]), c->position,
					   l->caps[used].position,
					   c->u.virtio.skip_reason ? c->u.virtio.skip_reason
								   : "not usable");
			else
				chk_report(r, VLP_SEV_INFO, c->position, NULL,
					   "%s capability [%02x] is not used: %s",
					   vlp_cfg_type_label(types[t]), c->position,
					   c->u.virtio.skip_reason ? c->u.virtio.skip_reason
								   : "not usable");
		}
	}
	return NULL;
}

/* What Linux's vp_modern_map_capability() checks, with its parameters per
 * structure (drivers/virtio/virtio_pci_modern_dev.c). */
struct linux_map {
	uint8_t cfg_type;
	uint32_t minlen, align;
};

static const struct linux_map linux_maps[] = {
	{ VLP_CFG_COMMON, 0x38, 4 },
	{ VLP_CFG_ISR, 1, 1 },
	{ VLP_CFG_NOTIFY, 2, 2 },
	{ VLP_CFG_DEVICE, 0, 4 },
};

/* Linux's virtio_pci_find_capability(): the first capability of the type
 * whose BAR is 0-5 and implemented; it never looks at cap_len. */
static int linux_pick(const struct vlp_layout *l, uint8_t cfg_type)
{
	for (size_t i = 0; i < l->ncaps; i++) {
		const struct vlp_virtio_cap *v = &l->caps[i].u.virtio;
		const struct vlp_bar *b;

		if (l->caps[i].kind != VLP_CAP_VIRTIO || v->cfg_type != cfg_type ||
		    v->cap_len < 16 || v->bar >= VLP_NUM_BARS)
			continue;
		b = &l->bars[v->bar];
		if (b->valid && b->present && !b->upper_half && !(b->size_known && b->size == 0))
			return (int)i;
	}
	return -1;
}

const char *check_linux_probe(struct check_run *r)
{
	const struct vlp_layout *l = r->l;
	int pick[VLP_CFG_TYPE_SLOTS];

	if (!chk_is_modern_interface(l))
		return NULL;
	for (size_t t = 0; t < VLP_ARRAY_SIZE(linux_maps); t++)
		pick[linux_maps[t].cfg_type] = linux_pick(l, linux_maps[t].cfg_type);
	if (pick[VLP_CFG_COMMON] < 0) {
		chk_report(r, VLP_SEV_WARNING, -1, NULL,
			   "Linux finds no common configuration capability: \"virtio_pci: leaving for legacy driver\"%s",
			   l->virtio.transport == VLP_TRANSPORT_MODERN
				   ? " and the device stays without a driver"
				   : "");
		return NULL;
	}
	if (pick[VLP_CFG_ISR] < 0 || pick[VLP_CFG_NOTIFY] < 0) {
		chk_report(r, VLP_SEV_WARNING, -1, NULL,
			   "Linux's probe fails: \"virtio_pci: missing capabilities %i/%i/%i\"",
			   l->caps[pick[VLP_CFG_COMMON]].position,
			   pick[VLP_CFG_ISR] < 0 ? 0 : l->caps[pick[VLP_CFG_ISR]].position,
			   pick[VLP_CFG_NOTIFY] < 0 ? 0 : l->caps[pick[VLP_CFG_NOTIFY]].position);
		return NULL;
	}
	for (size_t t = 0; t < VLP_ARRAY_SIZE(linux_maps); t++) {
		const struct linux_map *m = &linux_maps[t];
		const struct vlp_cap *c;
		const struct vlp_virtio_cap *v;
		const struct vlp_bar *b;
		int spec = l->driver_uses[m->cfg_type];

		if (pick[m->cfg_type] < 0)
			continue;
		c = &l->caps[pick[m->cfg_type]];
		v = &c->u.virtio;
		b = &l->bars[v->bar];
		if (v->length == 0)
			chk_report(r, VLP_SEV_WARNING, c->position, NULL,
				   "Linux's probe fails on %s [%02x]: \"virtio_pci: bad capability len %llu (>0 expected)\"",
				   vlp_cfg_type_label(m->cfg_type), c->position,
				   (unsigned long long)v->length);
		else if (v->length < m->minlen)
			chk_report(r, VLP_SEV_WARNING, c->position, NULL,
				   "Linux's probe fails on %s [%02x]: \"virtio_pci: bad capability len %llu (>=%u expected)\"",
				   vlp_cfg_type_label(m->cfg_type), c->position,
				   (unsigned long long)v->length, m->minlen);
		else if (v->offset & (m->align - 1))
			chk_report(r, VLP_SEV_WARNING, c->position, NULL,
				   "Linux's probe fails on %s [%02x]: \"virtio_pci: offset %llu not aligned to %u\"",
				   vlp_cfg_type_label(m->cfg_type), c->position,
				   (unsigned long long)v->offset, m->align);
		else if (b->size_known && m->minlen + v->offset > b->size)
			chk_report(r, VLP_SEV_WARNING, c->position, NULL,
				   "Linux's probe fails on %s [%02x]: \"virtio_pci: map virtio %u@%llu out of range on bar %u length %llu\"",
				   vlp_cfg_type_label(m->cfg_type), c->position, m->minlen,
				   (unsigned long long)v->offset, v->bar, (unsigned long long)b->size);
		else if (spec >= 0 && spec != pick[m->cfg_type])
			chk_report(r, VLP_SEV_WARNING, c->position, NULL,
				   "Linux uses %s [%02x] (the first with an implemented BAR), a spec-following driver [%02x]",
				   vlp_cfg_type_label(m->cfg_type), c->position,
				   l->caps[spec].position);
	}
	return NULL;
}

const char *check_dpdk_choice(struct check_run *r)
{
	const struct vlp_layout *l = r->l;
	static const uint8_t types[] = { VLP_CFG_COMMON, VLP_CFG_NOTIFY, VLP_CFG_DEVICE, VLP_CFG_ISR };
	bool all = true;

	if (!chk_is_modern_interface(l))
		return NULL;
	/* DPDK's virtio_read_caps() keeps the last capability of each type
	 * (4.1.4.1 says the first usable one) and needs all four. */
	for (size_t t = 0; t < VLP_ARRAY_SIZE(types); t++) {
		int last = -1, spec = l->driver_uses[types[t]];

		for (size_t i = 0; i < l->ncaps; i++)
			if (l->caps[i].kind == VLP_CAP_VIRTIO &&
			    l->caps[i].u.virtio.cfg_type == types[t] &&
			    l->caps[i].u.virtio.bar < VLP_NUM_BARS)
				last = (int)i;
		if (last < 0) {
			all = false;
			continue;
		}
		if (spec >= 0 && spec != last)
			chk_report(r, VLP_SEV_WARNING, l->caps[last].position, NULL,
				   "DPDK uses the last %s capability [%02x]; the spec's driver uses the first usable one [%02x]",
				   vlp_cfg_type_label(types[t]), l->caps[last].position,
				   l->caps[spec].position);
		else if (spec < 0)
			chk_report(r, VLP_SEV_WARNING, l->caps[last].position, NULL,
				   "DPDK uses %s capability [%02x], which a spec-following driver finds unusable: %s",
				   vlp_cfg_type_label(types[t]), l->caps[last].position,
				   l->caps[last].u.virtio.skip_reason ? l->caps[last].u.virtio.skip_reason
								      : "");
	}
	if (!all)
		chk_report(r, VLP_SEV_WARNING, -1, NULL,
			   "DPDK needs common, notify, device and ISR capabilities: \"no modern virtio pci device found.\" (it tries the legacy interface)");
	return NULL;
}

const char *check_linux_shm_cap_len(struct check_run *r)
{
	const struct vlp_layout *l = r->l;

	for (size_t i = 0; i < l->ncaps; i++) {
		const struct vlp_virtio_cap *v = &l->caps[i].u.virtio;

		/* Linux's virtio_pci_find_shm_cap() wants sizeof(struct
		 * virtio_pci_cap64) exactly; the spec allows more (4.1.4.2). */
		if (l->caps[i].kind == VLP_CAP_VIRTIO && v->cfg_type == VLP_CFG_SHARED_MEMORY &&
		    v->cap_len > 24)
			chk_report(r, VLP_SEV_WARNING, l->caps[i].position, NULL,
				   "shared memory capability has cap_len %u; Linux accepts only 24 (\"shm cap with bad size\")",
				   v->cap_len);
	}
	return NULL;
}

const char *check_notify_multiplier_even(struct check_run *r)
{
	const struct vlp_layout *l = r->l;

	for (size_t i = 0; i < l->ncaps; i++) {
		const struct vlp_virtio_cap *v = &l->caps[i].u.virtio;

		/* Multiplier 1 puts queue n+1's 2-byte register one byte after
		 * queue n's. */
		if (l->caps[i].kind == VLP_CAP_VIRTIO && v->has_multiplier &&
		    v->notify_off_multiplier == 1)
			chk_report(r, VLP_SEV_WARNING, l->caps[i].position, NULL,
				   "notify_off_multiplier 1 is not even: the 2-byte notify registers of consecutive queue_notify_off values overlap");
	}
	return NULL;
}

/* ------------------------------------------------------ register checks */

const char *check_notify_data_rules(struct check_run *r)
{
	const struct vlp_virtio_cap *n = chk_used_cap(r->l, VLP_CFG_NOTIFY);
	int pos = r->l->driver_uses[VLP_CFG_NOTIFY];
	const char *why = chk_need_common(r);

	if (why)
		return why;
	if (!n)
		return "no notification capability is used";
	if (chk_offered(r->s, VLP_F_NOTIFICATION_DATA) < 0)
		return "device features not read";
	if (!chk_offered(r->s, VLP_F_NOTIFICATION_DATA))
		return NULL;
	pos = r->l->caps[pos].position;
	if (n->notify_off_multiplier % 4)
		chk_report(r, VLP_SEV_ERROR, pos, NULL,
			   "VIRTIO_F_NOTIFICATION_DATA is offered but notify_off_multiplier %u is not a multiple of 4",
			   n->notify_off_multiplier);
	if (n->offset % 4)
		chk_report(r, VLP_SEV_ERROR, pos, NULL,
			   "VIRTIO_F_NOTIFICATION_DATA is offered but the notification offset 0x%llx is not 4-byte aligned",
			   (unsigned long long)n->offset);
	if (n->length < 4)
		chk_report(r, VLP_SEV_ERROR, pos, NULL,
			   "VIRTIO_F_NOTIFICATION_DATA is offered but the notification structure is %llu bytes (4 needed)",
			   (unsigned long long)n->length);
	return NULL;
}

const char *check_notify_zero_multiplier(struct check_run *r)
{
	const struct vlp_virtio_cap *n = chk_used_cap(r->l, VLP_CFG_NOTIFY);
	const char *why = chk_need_queues(r);
	uint64_t off;

	if (why)
		return why;
	if (!n || !n->has_multiplier)
		return "no notification capability is used";
	if (n->notify_off_multiplier)
		return NULL;
	for (size_t i = 0; i < r->s->nqueues; i++) {
		const struct vlp_queue_state *q = &r->s->queues[i];

		if (chk_regs_value(&q->regs, VLP_COMMON_QUEUE_NOTIFY_OFF, &off) && off) {
			chk_report(r, VLP_SEV_WARNING, -1, chk_at_queue(r, q->index),
				   "queue %u has queue_notify_off %llu but notify_off_multiplier is 0: every queue notifies at the same address, the offset is ignored",
				   q->index, (unsigned long long)off);
		}
	}
	return NULL;
}

const char *check_common_length_features(struct check_run *r)
{
	/* Fields that exist only with a feature (4.1.4.3), read from the
	 * table: a feature's need is the end of its last row, the length
	 * Linux's vp_check_common_size() then wants. */
	const struct vlp_field_table *t = vlp_common_cfg_table();
	const struct vlp_virtio_cap *c = chk_used_cap(r->l, VLP_CFG_COMMON);
	const char *why = chk_need_common(r);

	if (why)
		return why;
	if (!c)
		return "no common configuration capability is used";
	for (size_t i = 0; i < t->count; i++) {
		const struct vlp_field *f = &t->fields[i];
		unsigned bit = VLP_FEATURE_BIT(f->feature);
		uint64_t need = f->offset + f->width;
		const char *name = vlp_feature_name(0, bit);
		int on;

		if (!f->feature || (i + 1 < t->count && t->fields[i + 1].feature == f->feature))
			continue;
		if ((on = chk_offered(r->s, bit)) < 0)
			return "device features not read";
		if (on && c->length < need)
			chk_report(r, VLP_SEV_ERROR,
				   r->l->caps[r->l->driver_uses[VLP_CFG_COMMON]].position, NULL,
				   "%s is offered but the common configuration is 0x%llx bytes (0x%llx needed); Linux: \"virtio: common cfg size(%llu) does not match the feature %s\"",
				   name, (unsigned long long)c->length, (unsigned long long)need,
				   (unsigned long long)c->length, name);
	}
	return NULL;
}

/* Whether the device offers bit, or why a check on it cannot run. */
static const char *need_offered(struct check_run *r, unsigned bit, bool *on)
{
	const char *why = chk_need_common(r);
	int v;

	if (why)
		return why;
	if ((v = chk_offered(r->s, bit)) < 0)
		return "device features not read";
	*on = v;
	return NULL;
}

const char *check_feature_version_1(struct check_run *r)
{
	bool on;
	const char *why = need_offered(r, VLP_F_VERSION_1, &on);

	if (why)
		return why;
	if (!on)
		chk_report(r, VLP_SEV_ERROR, -1, NULL,
			   "VIRTIO_F_VERSION_1 is not offered through the modern interface (Linux: \"virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1\")");
	return NULL;
}

const char *check_feature_legacy_only(struct check_run *r)
{
	static const unsigned bits[] = { VLP_F_NOTIFY_ON_EMPTY, VLP_F_ANY_LAYOUT, VLP_F_UNUSED };
	const char *why = chk_need_common(r);

	if (why)
		return why;
	if (r->l->virtio.transport != VLP_TRANSPORT_MODERN)
		return NULL; /* 6.3: transitional devices may offer them */
	for (size_t i = 0; i < VLP_ARRAY_SIZE(bits); i++) {
		int on = chk_offered(r->s, bits[i]);
		const char *name = vlp_feature_name(0, bits[i]);

		if (on < 0)
			return "device features not read";
		if (on)
			chk_report(r, VLP_SEV_WARNING, -1, NULL,
				   "non-transitional device offers legacy-only feature bit %u (%s)",
				   bits[i], name ? name : "legacy");
	}
	return NULL;
}

static bool has_ecap(const struct vlp_layout *l, uint16_t id)
{
	for (size_t i = 0; i < l->ncaps; i++)
		if (l->caps[i].extended && l->caps[i].id == id)
			return true;
	return false;
}

const char *check_feature_sr_iov(struct check_run *r)
{
	bool on;
	const char *why = need_offered(r, VLP_F_SR_IOV, &on);

	if (why)
		return why;
	if (!on || has_ecap(r->l, PCI_EXT_CAP_ID_SRIOV))
		return NULL;
	if (!vlp_device_config_valid(r->dev, 0x100, 4))
		return "VIRTIO_F_SR_IOV is offered but extended config space was not read";
	chk_report(r, VLP_SEV_ERROR, -1, NULL,
		   "VIRTIO_F_SR_IOV is offered but the device has no SR-IOV extended capability");
	return NULL;
}

const char *check_feature_platform(struct check_run *r)
{
	const struct vlp_header *h = &r->l->header;
	const char *why = chk_need_common(r);
	int access, order;

	if (why)
		return why;
	access = chk_offered(r->s, VLP_F_ACCESS_PLATFORM);
	order = chk_offered(r->s, VLP_F_ORDER_PLATFORM);
	if (access < 0 || order < 0)
		return "device features not read";
	/* 6.2 recommends both for add-in cards; a subsystem vendor other than
	 * 0x1af4 is the sign of hardware rather than a hypervisor's device. */
	if (h->subsystem_vendor_id.valid && h->subsystem_vendor_id.value != VLP_VIRTIO_VENDOR &&
	    (!access || !order))
		chk_report(r, VLP_SEV_INFO, -1, NULL,
			   "subsystem vendor 0x%04x suggests an add-in card, which should offer VIRTIO_F_ACCESS_PLATFORM (%s) and VIRTIO_F_ORDER_PLATFORM (%s)",
			   (unsigned)h->subsystem_vendor_id.value,
			   access ? "offered" : "not offered", order ? "offered" : "not offered");
	return NULL;
}

const char *check_queue_size_pow2(struct check_run *r)
{
	const char *why = chk_need_queues(r);
	uint64_t size;
	int packed;

	if (why)
		return why;
	packed = chk_offered(r->s, VLP_F_RING_PACKED);
	for (size_t i = 0; i < r->s->nqueues; i++) {
		const struct vlp_queue_state *q = &r->s->queues[i];

		if (!chk_regs_value(&q->regs, VLP_COMMON_QUEUE_SIZE, &size) || size == 0 ||
		    chk_is_pow2(size))
			continue;
		/* 4.1.4.3.1: a power of 2 unless VIRTIO_F_RING_PACKED is
		 * negotiated; a device offering it may be driven split. */
		chk_report(r, packed > 0 ? VLP_SEV_WARNING : VLP_SEV_ERROR, -1,
			   chk_at_queue(r, q->index), "queue %u: queue_size %llu is not a power of 2%s",
			   q->index, (unsigned long long)size,
			   packed > 0 ? " (allowed with a packed ring only; a split-ring driver cannot use it)"
				      : " and VIRTIO_F_RING_PACKED is not offered");
	}
	return NULL;
}

const char *check_queue_count(struct check_run *r)
{
	uint64_t num, size;
	const char *why = chk_need_row(r, VLP_COMMON_NUM_QUEUES, &num);

	if (why)
		return why;
	if (num == 0) {
		chk_report(r, VLP_SEV_WARNING, -1, chk_at_row(r, VLP_COMMON_NUM_QUEUES),
			   "num_queues is 0: the device has no queue");
		return NULL;
	}
	for (size_t i = 0; i < r->s->nqueues; i++) {
		const struct vlp_queue_state *q = &r->s->queues[i];

		if (q->index < num && chk_regs_value(&q->regs, VLP_COMMON_QUEUE_SIZE, &size) &&
		    size == 0) {
			chk_report(r, VLP_SEV_INFO, -1, chk_at_queue(r, q->index),
				   "queue %u is below num_queues %llu but unavailable (queue_size 0)",
				   q->index, (unsigned long long)num);
		}
	}
	return NULL;
}

const char *check_status_bits(struct check_run *r)
{
	uint64_t st;
	const char *why = chk_need_row(r, VLP_COMMON_DEVICE_STATUS, &st);

	if (why)
		return why;
	if (st & S_UNDEFINED)
		chk_report(r, VLP_SEV_WARNING, -1, chk_at_row(r, VLP_COMMON_DEVICE_STATUS),
			   "device_status 0x%02llx has undefined bit 0x20 set",
			   (unsigned long long)st);
	if ((st & S_DRIVER_OK) && !(st & S_FEATURES_OK) && !(st & S_FAILED))
		chk_report(r, VLP_SEV_WARNING, -1, chk_at_row(r, VLP_COMMON_DEVICE_STATUS),
			   "device_status 0x%02llx has DRIVER_OK without FEATURES_OK (3.1.1: a modern driver sets FEATURES_OK first)",
			   (unsigned long long)st);
	if (st & S_NEEDS_RESET)
		chk_report(r, VLP_SEV_WARNING, -1, chk_at_row(r, VLP_COMMON_DEVICE_STATUS),
			   "device_status 0x%02llx: the device has set DEVICE_NEEDS_RESET (2.1.2)",
			   (unsigned long long)st);
	if (st & S_FAILED)
		chk_report(r, VLP_SEV_INFO, -1, chk_at_row(r, VLP_COMMON_DEVICE_STATUS),
			   "device_status 0x%02llx: a driver gave up on the device (FAILED)",
			   (unsigned long long)st);
	return NULL;
}

const char *check_reset_state(struct check_run *r)
{
	uint64_t st, v;
	const char *why = chk_need_row(r, VLP_COMMON_DEVICE_STATUS, &st);

	if (why)
		return why;
	if (st != 0)
		return NULL; /* only a device in reset has known register values */
	/* 4.1.4.3.1: queue_enable reads 0 after reset; 4.1.5.1.2.1: reset
	 * unmaps every event from its MSI-X vector. */
	if (chk_regs_value(&r->s->common, VLP_COMMON_CONFIG_MSIX_VECTOR, &v) && v != VLP_NO_VECTOR)
		chk_report(r, VLP_SEV_WARNING, -1, chk_at_row(r, VLP_COMMON_CONFIG_MSIX_VECTOR),
			   "device in reset but config_msix_vector is 0x%04llx, not NO_VECTOR (0xffff)",
			   (unsigned long long)v);
	for (size_t i = 0; i < r->s->nqueues; i++) {
		const struct vlp_queue_state *q = &r->s->queues[i];

		if (chk_regs_value(&q->regs, VLP_COMMON_QUEUE_ENABLE, &v) && v != 0)
			chk_report(r, VLP_SEV_ERROR, -1, chk_at_queue(r, q->index),
				   "device in reset but queue %u has queue_enable %llu", q->index,
				   (unsigned long long)v);
		if (chk_regs_value(&q->regs, VLP_COMMON_QUEUE_MSIX_VECTOR, &v) && v != VLP_NO_VECTOR)
			chk_report(r, VLP_SEV_WARNING, -1, chk_at_queue(r, q->index),
				   "device in reset but queue %u has queue_msix_vector 0x%04llx, not NO_VECTOR (0xffff)",
				   q->index, (unsigned long long)v);
	}
	return NULL;
}
