/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Differences between two decoded devices (e.g. snapshots before and after
 * a migration), field by field and by name: config-space header, BARs,
 * capabilities, then the registers behind the BARs through the same field
 * tables the printers use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct builder {
	struct vlp_diff *d;
	size_t alloc;
	bool out_of_memory;
};

static bool same(const struct vlp_field *f, const struct vlp_field_value *a,
		 const struct vlp_field_value *b)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	if (f && f->count > 1)
		return a->bytes && b->bytes &&
		       !memcmp(a->bytes, b->bytes, (size_t)f->count * f->width);
	return a->value == b->value;
}

/* Compares one value; fields that were not read on a side are not
 * compared (a snapshot may hold fewer registers than a live read). */
static void compare(struct builder *bd, const char *name, const struct vlp_field *f, bool flag,
		    const struct vlp_field_value *a, const struct vlp_field_value *b)
{
	struct vlp_difference *x;

	if ((a->present && !a->valid) || (b->present && !b->valid))
		return;
	bd->d->compared++;
	if (same(f, a, b))
		return;
	if (vlp_grow((void **)&bd->d->items, &bd->alloc, bd->d->count, sizeof(*x), 16)) {
		bd->out_of_memory = true;
		return;
	}
	x = &bd->d->items[bd->d->count++];
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->field = f;
	x->flag = flag;
	x->a = *a;
	x->b = *b;
}

static struct vlp_field_value from_val(struct vlp_val v, bool present)
{
	return (struct vlp_field_value){ .present = present, .valid = v.valid, .value = v.value };
}

static void compare_val(struct builder *bd, const char *name, struct vlp_val a, struct vlp_val b)
{
	struct vlp_field_value va = from_val(a, true), vb = from_val(b, true);

	/* A header byte missing on one side (a shorter dump) is not compared. */
	if (a.valid && b.valid)
		compare(bd, name, NULL, false, &va, &vb);
}

static void compare_num(struct builder *bd, const char *name, uint64_t a, uint64_t b)
{
	struct vlp_field_value va = { true, true, a, NULL }, vb = { true, true, b, NULL };

	compare(bd, name, NULL, false, &va, &vb);
}

/* Names are the JSON keys of -J: header fields as the device's keys, BAR
 * fields as keys of its "bars" entries, index in brackets. */
static void diff_header(struct builder *bd, const struct vlp_layout *a, const struct vlp_layout *b)
{
	const struct vlp_field_table *t = vlp_pci_header_table();
	const struct vlp_field *bar = vlp_pci_bar_table()->fields;
	char name[64];

	for (size_t i = 0; i < t->count; i++)
		compare_val(bd, t->fields[i].json_key,
			    vlp_header_value(&a->header, (enum vlp_pci_header_row)i),
			    vlp_header_value(&b->header, (enum vlp_pci_header_row)i));
	for (unsigned i = 0; i < VLP_NUM_BARS; i++) {
		const struct vlp_bar *p = &a->bars[i], *q = &b->bars[i];

		if (!p->valid || !q->valid)
			continue;
		snprintf(name, sizeof(name), "bars[%u].%s", i, bar[VLP_BARREG_REGISTER].json_key);
		compare_num(bd, name, p->raw, q->raw);
		if (p->size_known && q->size_known) {
			snprintf(name, sizeof(name), "bars[%u].size", i);
			compare_num(bd, name, p->size, q->size);
		}
	}
}

static const struct vlp_cap *cap_at(const struct vlp_layout *l, uint16_t pos, bool extended)
{
	for (size_t i = 0; i < l->ncaps; i++)
		if (l->caps[i].position == pos && l->caps[i].extended == extended)
			return &l->caps[i];
	return NULL;
}

/* "capabilities[40]" or "extended_capabilities[100]", as the JSON arrays. */
static void cap_name(char *buf, size_t len, const struct vlp_cap *c)
{
	snprintf(buf, len, c->extended ? "extended_capabilities[%03x]" : "capabilities[%02x]",
		 c->position);
}

static void diff_cap(struct builder *bd, const struct vlp_cap *p, const struct vlp_cap *q)
{
	char base[40], name[96];

	cap_name(base, sizeof(base), p);
	snprintf(name, sizeof(name), "%s.id", base);
	compare_num(bd, name, p->id, q->id);
	snprintf(name, sizeof(name), "%s.next", base);
	compare_num(bd, name, p->next, q->next);
	if (p->id != q->id || p->kind != q->kind)
		return;
	if (p->kind == VLP_CAP_VIRTIO && p->u.virtio.table == q->u.virtio.table) {
		const struct vlp_field_table *t = p->u.virtio.table;

		for (size_t i = 0; i < t->count && i < VLP_ARRAY_SIZE(p->u.virtio.fields); i++) {
			struct vlp_field_value va = from_val(p->u.virtio.fields[i], true);
			struct vlp_field_value vb = from_val(q->u.virtio.fields[i], true);

			if (!va.valid || !vb.valid)
				continue;
			snprintf(name, sizeof(name), "%s.%s", base, t->fields[i].json_key);
			compare(bd, name, &t->fields[i], false, &va, &vb);
		}
	} else if (p->pci_table && p->pci_table == q->pci_table) {
		/* MSI-X, PM, PCIe: every row of the capability's table. */
		const struct vlp_field_table *t = p->pci_table;

		for (size_t i = 0; i < t->count; i++) {
			struct vlp_field_value va = { true, true, p->pci_fields[i], NULL };
			struct vlp_field_value vb = { true, true, q->pci_fields[i], NULL };

			snprintf(name, sizeof(name), "%s.%s", base, t->fields[i].json_key);
			compare(bd, name, &t->fields[i], (t->fields[i].flags & VLP_FIELD_BOOL) != 0,
				&va, &vb);
		}
	}
}

static void diff_caps(struct builder *bd, const struct vlp_layout *a, const struct vlp_layout *b)
{
	char name[40];

	for (size_t i = 0; i < a->ncaps; i++) {
		const struct vlp_cap *p = &a->caps[i], *q = cap_at(b, p->position, p->extended);

		if (q) {
			diff_cap(bd, p, q);
			continue;
		}
		cap_name(name, sizeof(name), p);
		compare(bd, name, NULL, false, &(struct vlp_field_value){ true, true, p->id, NULL },
			&(struct vlp_field_value){ 0 });
	}
	for (size_t i = 0; i < b->ncaps; i++) {
		const struct vlp_cap *q = &b->caps[i];

		if (cap_at(a, q->position, q->extended))
			continue;
		cap_name(name, sizeof(name), q);
		compare(bd, name, NULL, false, &(struct vlp_field_value){ 0 },
			&(struct vlp_field_value){ true, true, q->id, NULL });
	}
}

/* Rows of a register block, by field name; rows of the kind skipped are
 * compared elsewhere (per queue, features by name). */
static void diff_regs(struct builder *bd, const char *prefix, const struct vlp_regs *a,
		      const struct vlp_regs *b, bool queue_rows)
{
	char name[96];

	if (!a->table || !b->table || a->table != b->table)
		return;
	for (size_t i = 0; i < a->table->count; i++) {
		const struct vlp_field *f = &a->table->fields[i];
		bool per_queue = f->selector == VLP_SEL_QUEUE;

		if (per_queue != queue_rows || f->selector == VLP_SEL_DEVICE_FEATURE ||
		    f->selector == VLP_SEL_DRIVER_FEATURE || (f->flags & VLP_FIELD_READ_CLEARS))
			continue;
		snprintf(name, sizeof(name), "%s.%s", prefix, f->json_key);
		compare(bd, name, f, false, &a->values[i], &b->values[i]);
	}
}

static void diff_features(struct builder *bd, unsigned type, const char *prefix,
			  const struct vlp_val *a, const struct vlp_val *b)
{
	char name[96];

	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++) {
		if (!a[w].valid || !b[w].valid)
			continue;
		for (unsigned bit = 32 * w; bit < 32 * w + 32; bit++) {
			struct vlp_field_value va = { true, true, (a[w].value >> (bit % 32)) & 1, NULL };
			struct vlp_field_value vb = { true, true, (b[w].value >> (bit % 32)) & 1, NULL };
			const char *fname = vlp_feature_name(type, bit);

			if (fname)
				snprintf(name, sizeof(name), "%s.%s", prefix, fname);
			else
				snprintf(name, sizeof(name), "%s.bit%u", prefix, bit);
			compare(bd, name, NULL, true, &va, &vb);
		}
	}
}

static const struct vlp_queue_state *queue_of(const struct vlp_queue_state *qs, size_t n, unsigned index)
{
	for (size_t i = 0; i < n; i++)
		if (qs[i].index == index)
			return &qs[i];
	return NULL;
}

static void diff_queues(struct builder *bd, const char *prefix, const struct vlp_queue_state *qa,
			size_t na, const struct vlp_queue_state *qb, size_t nb)
{
	char name[64];

	for (size_t i = 0; i < na; i++) {
		const struct vlp_queue_state *q = queue_of(qb, nb, qa[i].index);

		snprintf(name, sizeof(name), "%s[%u]", prefix, qa[i].index);
		if (q)
			diff_regs(bd, name, &qa[i].regs, &q->regs, true);
	}
	/* A queue read on one side only (e.g. num_queues changed) is a
	 * difference of num_queues, reported with the common rows. */
}

/* Entries by vector, named as the JSON's "msix" entries; an entry read on
 * one side only differs in its "vector". */
static void diff_msix(struct builder *bd, const struct vlp_state *a, const struct vlp_state *b)
{
	const struct vlp_field_table *t = vlp_msix_entry_table();
	size_t n = a->nmsix > b->nmsix ? a->nmsix : b->nmsix;
	char name[96];

	for (size_t i = 0; i < n; i++) {
		const struct vlp_msix_entry *ea = i < a->nmsix ? &a->msix[i] : NULL;
		const struct vlp_msix_entry *eb = i < b->nmsix ? &b->msix[i] : NULL;
		struct vlp_field_value here = { true, true, i, NULL }, absent = { 0 };
		const struct vlp_field_value *pa[3], *pb[3];

		if (!ea || !eb) {
			snprintf(name, sizeof(name), "msix[%zu].vector", i);
			compare(bd, name, NULL, false, ea ? &here : &absent, eb ? &here : &absent);
			continue;
		}
		pa[0] = &ea->address, pa[1] = &ea->data, pa[2] = &ea->control;
		pb[0] = &eb->address, pb[1] = &eb->data, pb[2] = &eb->control;

		for (size_t k = 0; k < 3 && k < t->count; k++) {
			snprintf(name, sizeof(name), "msix[%zu].%s", i, t->fields[k].json_key);
			compare(bd, name, &t->fields[k], false, pa[k], pb[k]);
		}
		if (a->msix[i].pending_valid && b->msix[i].pending_valid) {
			snprintf(name, sizeof(name), "msix[%zu].pending", i);
			compare_num(bd, name, a->msix[i].pending, b->msix[i].pending);
		}
	}
}

int vlp_diff_devices(struct vlp_ctx *ctx, const struct vlp_layout *a, const struct vlp_state *sa,
		     const struct vlp_layout *b, const struct vlp_state *sb, struct vlp_diff **out)
{
	struct builder bd = { 0 };
	unsigned type = a->virtio.device_type.valid ? (unsigned)a->virtio.device_type.value : 0;

	bd.d = calloc(1, sizeof(*bd.d));
	if (!bd.d)
		return vlp_error(ctx, ENOMEM, "out of memory");
	diff_header(&bd, a, b);
	diff_caps(&bd, a, b);
	if (sa && sb) {
		diff_regs(&bd, "common", &sa->common, &sb->common, false);
		diff_features(&bd, type, "device_features", sa->device_features, sb->device_features);
		diff_features(&bd, type, "driver_features", sa->driver_features, sb->driver_features);
		/* Prefixes are the keys of the blocks in -J's "state". */
		diff_queues(&bd, "queues", sa->queues, sa->nqueues, sb->queues, sb->nqueues);
		diff_regs(&bd, "device_config", &sa->device, &sb->device, false);
		diff_msix(&bd, sa, sb);
		diff_regs(&bd, "legacy", &sa->legacy, &sb->legacy, false);
		diff_queues(&bd, "legacy.queues", sa->legacy_queues, sa->nlegacy_queues,
			    sb->legacy_queues, sb->nlegacy_queues);
		diff_regs(&bd, "legacy.device_config", &sa->legacy_device, &sb->legacy_device, false);
	}
	if (bd.out_of_memory) {
		vlp_diff_free(bd.d);
		return vlp_error(ctx, ENOMEM, "out of memory");
	}
	*out = bd.d;
	return 0;
}

/* ------------------------------------------------------------ rings */

/* Ring values without a row of their own in the ring tables: the
 * in-flight count and the packed ring's driver position, as -J names them
 * (print_rings.c). */
static const struct vlp_field in_flight_field = {
	.name = "in_flight",
	.json_key = "in_flight",
	.width = 2,
	.access = VLP_RO,
	.flags = VLP_FIELD_DECIMAL,
	.help = "chains made available and not yet used",
};
static const struct vlp_field next_avail_field = {
	.name = "next_avail",
	.json_key = "next_avail",
	.width = 2,
	.access = VLP_RO,
	.flags = VLP_FIELD_DECIMAL,
	.help = "the driver's next slot (packed)",
};
static const struct vlp_field off_wrap_field = {
	.name = "off_wrap",
	.json_key = "off_wrap",
	.width = 2,
	.access = VLP_RO,
	.flags = VLP_FIELD_HEX,
	.help = "event offset and wrap counter (packed)",
};

/* The last difference added, for its note; NULL when the values were equal. */
static struct vlp_difference *ring_value(struct builder *bd, const char *base, const char *key,
					 const struct vlp_field *f, bool flag, uint64_t a, uint64_t b)
{
	struct vlp_field_value va = { true, true, a, NULL }, vb = { true, true, b, NULL };
	char name[96];
	size_t before = bd->d->count;

	snprintf(name, sizeof(name), "%s.%s", base, key);
	compare(bd, name, f, flag, &va, &vb);
	return bd->d->count > before ? &bd->d->items[bd->d->count - 1] : NULL;
}

/* 2.7.6, 2.7.8: idx fields are free-running modulo 2^16, so a - b says how
 * far one moved; half the range or more is read as going backwards (a
 * queue holds at most 32768 chains, 2.7). */
static void idx_note(struct vlp_difference *x, uint16_t a, uint16_t b, bool moved, const char *lost)
{
	uint16_t d = (uint16_t)(b - a);

	if (!x)
		return;
	if (moved)
		snprintf(x->note, sizeof(x->note),
			 "the ring moved (its addresses differ): not the same ring");
	else if (d < 0x8000)
		snprintf(x->note, sizeof(x->note), "advanced by %u", d);
	else
		snprintf(x->note, sizeof(x->note), "went backwards by %u modulo 2^16: %s",
			 (unsigned)(uint16_t)(a - b), lost);
}

static void diff_ring(struct builder *bd, const char *base, const struct vlp_queue_ring *qa,
		      const struct vlp_queue_ring *qb)
{
	const struct vlp_ring *a = qa->ring, *b = qb->ring;
	const struct vlp_field *at = vlp_avail_table()->fields, *ut = vlp_used_table()->fields;
	bool moved = qa->params.desc != qb->params.desc || qa->params.driver != qb->params.driver ||
		     qa->params.device != qb->params.device || qa->params.pfn != qb->params.pfn;
	struct vlp_difference *x;
	char part[96];

	if (a->format != b->format)
		return; /* another ring format: the queue's registers and features differ */
	if (a->format == VLP_RING_PACKED) {
		static const char *const sides[] = { "driver_event", "device_event" };
		const uint16_t ev[2][2][2] = { { { a->driver_event.desc, a->driver_event.flags },
						 { b->driver_event.desc, b->driver_event.flags } },
					       { { a->device_event.desc, a->device_event.flags },
						 { b->device_event.desc, b->device_event.flags } } };
		const struct vlp_field *flags = &vlp_event_suppress_table()->fields[VLP_EVENT_FLAGS];

		x = ring_value(bd, base, next_avail_field.json_key, &next_avail_field, false,
			       a->next_avail, b->next_avail);
		if (x && moved)
			snprintf(x->note, sizeof(x->note),
				 "the ring moved (its addresses differ): not the same ring");
		ring_value(bd, base, "avail_wrap", NULL, true, a->avail_wrap, b->avail_wrap);
		for (unsigned k = 0; k < 2; k++) {
			snprintf(part, sizeof(part), "%s.%s", base, sides[k]);
			ring_value(bd, part, off_wrap_field.json_key, &off_wrap_field, false,
				   ev[k][0][0], ev[k][1][0]);
			ring_value(bd, part, flags->json_key, flags, false, ev[k][0][1], ev[k][1][1]);
		}
	} else {
		snprintf(part, sizeof(part), "%s.avail", base);
		ring_value(bd, part, at[VLP_AVAIL_FLAGS].json_key, &at[VLP_AVAIL_FLAGS], false,
			   a->avail.flags, b->avail.flags);
		x = ring_value(bd, part, at[VLP_AVAIL_IDX].json_key, &at[VLP_AVAIL_IDX], false,
			       a->avail.idx, b->avail.idx);
		idx_note(x, a->avail.idx, b->avail.idx, moved,
			 "buffers the driver made available were lost");
		ring_value(bd, part, at[VLP_AVAIL_USED_EVENT].json_key, &at[VLP_AVAIL_USED_EVENT],
			   false, a->avail.used_event, b->avail.used_event);
		snprintf(part, sizeof(part), "%s.used", base);
		ring_value(bd, part, ut[VLP_USED_FLAGS].json_key, &ut[VLP_USED_FLAGS], false,
			   a->used.flags, b->used.flags);
		x = ring_value(bd, part, ut[VLP_USED_IDX].json_key, &ut[VLP_USED_IDX], false,
			       a->used.idx, b->used.idx);
		idx_note(x, a->used.idx, b->used.idx, moved,
			 "completions were lost, a used idx never goes back");
		ring_value(bd, part, ut[VLP_USED_AVAIL_EVENT].json_key, &ut[VLP_USED_AVAIL_EVENT],
			   false, a->used.avail_event, b->used.avail_event);
	}
	x = ring_value(bd, base, in_flight_field.json_key, &in_flight_field, false, a->in_flight,
		       b->in_flight);
	if (x && !moved && a->format != VLP_RING_PACKED) {
		uint16_t used = (uint16_t)(b->used.idx - a->used.idx);
		uint16_t made = (uint16_t)(b->avail.idx - a->avail.idx);

		if (used < 0x8000 && made < 0x8000)
			snprintf(x->note, sizeof(x->note),
				 "in flight not preserved: %u completed, %u made available", used,
				 made);
		else
			snprintf(x->note, sizeof(x->note), "in flight not preserved");
	}
}

int vlp_diff_rings(struct vlp_ctx *ctx, struct vlp_diff *diff, const struct vlp_rings *a,
		   const struct vlp_rings *b, bool *compared)
{
	struct builder bd = { .d = diff, .alloc = diff->count };
	char base[64];

	*compared = false;
	if (!a || !b || a->error[0] || b->error[0] || a->legacy != b->legacy)
		return 0;
	for (size_t i = 0; i < a->nqueues; i++) {
		const struct vlp_queue_ring *qa = &a->queues[i], *qb = NULL;

		for (size_t k = 0; k < b->nqueues && !qb; k++)
			if (b->queues[k].index == qa->index)
				qb = &b->queues[k];
		if (!qb || !qa->ring || !qb->ring)
			continue;
		/* The queue objects of -J's state that carry the ring. */
		snprintf(base, sizeof(base), "%s[%u].ring", a->legacy ? "legacy.queues" : "queues",
			 qa->index);
		diff_ring(&bd, base, qa, qb);
		*compared = true;
	}
	if (bd.out_of_memory)
		return vlp_error(ctx, ENOMEM, "out of memory");
	return 0;
}

void vlp_diff_free(struct vlp_diff *d)
{
	if (!d)
		return;
	free(d->items);
	free(d);
}
