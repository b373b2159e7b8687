/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BAR map: what lies where in each BAR (virtio structures, MSI-X table
 * and PBA, the legacy header), with overlaps and out-of-BAR extents. */
#include <stdlib.h>
#include <string.h>

#include "barmap.h"
#include "virtio.h"

/* Sizes from the field tables: an MSI-X entry, and the legacy header
 * without its MSI-X vector fields, which exist only with MSI-X enabled
 * (4.1.4.10). */
#define MSIX_ENTRY_SIZE (vlp_msix_entry_table()->size)
#define LEGACY_HEADER_NO_MSIX (LEGACY_OFF(VLP_LEGACY_CONFIG_MSIX_VECTOR))

/* Appends a region; false when out of memory. */
static bool add_region(struct vlp_decode_state *st, size_t *alloc, enum vlp_region_kind kind,
		       unsigned bar, uint64_t offset, uint64_t length, int position)
{
	struct vlp_layout *l = st->layout;

	if (vlp_grow((void **)&l->regions, alloc, l->nregions, sizeof(*l->regions), 8)) {
		st->out_of_memory = true;
		return false;
	}
	l->regions[l->nregions++] = (struct vlp_region){
		.kind = kind, .bar = bar, .offset = offset, .length = length, .position = position
	};
	return true;
}

static const char *region_section(const struct vlp_region *r)
{
	switch (r->kind == VLP_REGION_VIRTIO ? r->cfg_type : 0) {
	case VLP_CFG_COMMON:
		return "4.1.4.3";
	case VLP_CFG_NOTIFY:
		return "4.1.4.4";
	case VLP_CFG_ISR:
		return "4.1.4.5";
	case VLP_CFG_DEVICE:
		return "4.1.4.6";
	case VLP_CFG_SHARED_MEMORY:
		return "4.1.4.7.1";
	default:
		return NULL;
	}
}

static int region_cmp(const void *a, const void *b)
{
	const struct vlp_region *x = a, *y = b;

	if (x->bar != y->bar)
		return x->bar < y->bar ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->length != y->length)
		return x->length < y->length ? -1 : 1;
	return x->position - y->position;
}

static void collect(struct vlp_decode_state *st)
{
	struct vlp_layout *l = st->layout;
	size_t alloc = 0;

	for (size_t i = 0; i < l->ncaps; i++) {
		const struct vlp_cap *c = &l->caps[i];

		if (c->kind == VLP_CAP_VIRTIO && c->u.virtio.has_location &&
		    c->u.virtio.cfg_type != VLP_CFG_PCI && vlp_cfg_type_name(c->u.virtio.cfg_type)) {
			if (!add_region(st, &alloc, VLP_REGION_VIRTIO, c->u.virtio.bar,
					c->u.virtio.offset, c->u.virtio.length, c->position))
				return;
			l->regions[l->nregions - 1].cfg_type = c->u.virtio.cfg_type;
		} else if (c->kind == VLP_CAP_MSIX && (int)i == l->msix_index) {
			const struct vlp_msix_cap *m = &c->u.msix;

			/* the PBA: one bit per vector, in QWORDs */
			if (!add_region(st, &alloc, VLP_REGION_MSIX_TABLE, m->table_bar, m->table_offset,
					(uint64_t)m->table_size * MSIX_ENTRY_SIZE, c->position) ||
			    !add_region(st, &alloc, VLP_REGION_MSIX_PBA, m->pba_bar, m->pba_offset,
					(m->table_size + 63u) / 64u * 8u, c->position))
				return;
		}
	}
	if (l->legacy.present && l->legacy.bar0_is_io) {
		if (!add_region(st, &alloc, VLP_REGION_LEGACY, 0, 0,
				l->legacy.device_config_offset.valid
					? l->legacy.device_config_offset.value
					: LEGACY_HEADER_NO_MSIX,
				-1))
			return;
	}
}

static bool same_structure_twice(const struct vlp_region *a, const struct vlp_region *b)
{
	/* Several capabilities may describe the same structure (4.1.4: a
	 * device MAY offer more than one structure of a type). */
	return a->kind == VLP_REGION_VIRTIO && b->kind == VLP_REGION_VIRTIO &&
	       a->cfg_type == b->cfg_type && a->offset == b->offset && a->length == b->length;
}

static void check(struct vlp_decode_state *st)
{
	struct vlp_layout *l = st->layout;

	for (size_t i = 0; i < l->nregions; i++) {
		struct vlp_region *r = &l->regions[i];
		const struct vlp_bar *bar;
		const char *why = NULL;

		bar = vlp_bar_for_structure(l, r->bar, &why);
		if (!bar) {
			r->bad_bar = true;
			/* Virtio capabilities were reported as they were decoded. */
			if (r->kind == VLP_REGION_MSIX_TABLE || r->kind == VLP_REGION_MSIX_PBA)
				vlp_finding(st, "msix-bar", VLP_SEV_ERROR, NULL, r->position,
					    "%s in BAR%u: %s", vlp_region_name(r), r->bar, why);
			continue;
		}
		if (bar->size_known && (r->offset > bar->size || r->length > bar->size - r->offset)) {
			r->outside_bar = true;
			vlp_finding(st, "struct-in-bar", VLP_SEV_ERROR, region_section(r), r->position,
				    "%s at BAR%u offset 0x%llx length 0x%llx extends past the BAR's size 0x%llx",
				    vlp_region_name(r), r->bar, (unsigned long long)r->offset,
				    (unsigned long long)r->length, (unsigned long long)bar->size);
		}
	}
	/* Regions are sorted: a region can only overlap later ones starting
	 * before its end. */
	for (size_t i = 0; i < l->nregions; i++) {
		struct vlp_region *a = &l->regions[i];

		for (size_t j = i + 1; j < l->nregions; j++) {
			struct vlp_region *b = &l->regions[j];

			if (b->bar != a->bar || b->offset >= a->offset + a->length)
				break;
			if (!b->length || !a->length || same_structure_twice(a, b))
				continue;
			a->overlaps = b->overlaps = true;
			vlp_finding(st, "struct-overlap", VLP_SEV_ERROR, NULL, b->position,
				    "%s (BAR%u 0x%llx-0x%llx) overlaps %s (0x%llx-0x%llx)",
				    vlp_region_name(b), b->bar, (unsigned long long)b->offset,
				    (unsigned long long)(b->offset + b->length - 1),
				    vlp_region_name(a), (unsigned long long)a->offset,
				    (unsigned long long)(a->offset + a->length - 1));
		}
	}
}

void vlp_build_bar_map(struct vlp_decode_state *st)
{
	collect(st);
	if (st->out_of_memory)
		return;
	if (st->layout->nregions)
		qsort(st->layout->regions, st->layout->nregions, sizeof(*st->layout->regions),
		      region_cmp);
	check(st);
}
