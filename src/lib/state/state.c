/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State readers: the register blocks behind the BARs, read through the
 * device's BAR access and described by the field tables.  The spec's rules
 * for reading them are kept here:
 * - exact access widths, 64-bit fields as two 32-bit reads low first
 *   (4.1.3.1);
 * - selectors saved first and restored last; none written when passive;
 * - device configuration read between two equal config_generation reads
 *   (4.1.4.3.1, 2.5.1);
 * - ISR never read unless asked: reading clears it (4.1.4.5).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

#define MAX_QUEUES 1024    /* QEMU's VIRTQUEUE_MAX; more is reported, not read */
#define RAW_CONFIG_MAX 256 /* bytes shown of a configuration we have no table for */

/* Registers by their rows (4.1.4.3, 4.1.4.10). */
#define COMMON_DFSELECT COMMON_OFF(VLP_COMMON_DEVICE_FEATURE_SELECT)
#define COMMON_DF COMMON_OFF(VLP_COMMON_DEVICE_FEATURE)
#define COMMON_GFSELECT COMMON_OFF(VLP_COMMON_DRIVER_FEATURE_SELECT)
#define COMMON_GF COMMON_OFF(VLP_COMMON_DRIVER_FEATURE)
#define COMMON_NUMQ COMMON_OFF(VLP_COMMON_NUM_QUEUES)
#define COMMON_CFGGENERATION COMMON_OFF(VLP_COMMON_CONFIG_GENERATION)
#define COMMON_Q_SELECT COMMON_OFF(VLP_COMMON_QUEUE_SELECT)
#define COMMON_Q_NOFF COMMON_OFF(VLP_COMMON_QUEUE_NOTIFY_OFF)
#define LEGACY_Q_SIZE LEGACY_OFF(VLP_LEGACY_QUEUE_SIZE)
#define LEGACY_Q_SELECT LEGACY_OFF(VLP_LEGACY_QUEUE_SELECT)

/* A raw block's single row, sized to the structure (state owns it). */
struct raw_block {
	struct vlp_field field;
	struct vlp_field_table table;
};

struct reader {
	struct vlp_device *dev;
	const struct vlp_layout *l;
	const struct vlp_state_opts *opts;
	struct vlp_state *s;
	size_t findings_alloc;
	int fatal; /* stop reading: access refused or out of memory */
	char fatal_msg[200];
};

static void finding(struct reader *r, const char *check, enum vlp_severity sev, const char *section,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void finding(struct reader *r, const char *check, enum vlp_severity sev, const char *section,
		    const char *fmt, ...)
{
	struct vlp_state *s = r->s;
	va_list ap;

	va_start(ap, fmt);
	if (!vlp_findings_append(&s->findings, &s->nfindings, &r->findings_alloc, check, sev,
				 section, -1, fmt, ap))
		r->fatal = -ENOMEM;
	va_end(ap);
}

static void read_failed(struct reader *r, int err, unsigned bar, uint64_t off);

static int rd(struct reader *r, unsigned bar, uint64_t off, unsigned width, uint32_t *val)
{
	int err;

	if (r->fatal)
		return r->fatal;
	err = vlp_bar_read(r->dev, bar, off, width, val);
	read_failed(r, err, bar, off);
	return err;
}

/* A refused access ends all reading: every later one would fail the same
 * way. */
static void read_failed(struct reader *r, int err, unsigned bar, uint64_t off)
{
	if (err == -EPERM || err == -EIO) {
		const char *why = vlp_bars_why(r->dev);

		r->fatal = err;
		if (err == -EPERM)
			snprintf(r->fatal_msg, sizeof(r->fatal_msg),
				 "no BAR access: %s%sPCI configuration access window: config space writes refused (EPERM)",
				 why ? why : "", why ? "; " : "");
		else
			snprintf(r->fatal_msg, sizeof(r->fatal_msg), "reading BAR%u offset 0x%llx: %s",
				 bar, (unsigned long long)off, strerror(-err));
	}
}

static unsigned row_end(const struct vlp_field *f)
{
	unsigned end = f->offset + f->width * (f->count > 1 ? f->count : 1);

	if (f->hi_offset && f->hi_offset + 4u > end)
		end = f->hi_offset + 4u;
	return end;
}

static int regs_init(struct vlp_regs *regs, const struct vlp_field_table *t, unsigned bar,
		     uint64_t off, uint64_t length)
{
	regs->table = t;
	regs->bar = bar;
	regs->offset = off;
	regs->length = length;
	regs->values = calloc(t->count ? t->count : 1, sizeof(*regs->values));
	if (!regs->values)
		return -ENOMEM;
	for (size_t i = 0; i < t->count; i++)
		regs->values[i].present = row_end(&t->fields[i]) <= length;
	return 0;
}

static bool is_raw(const struct vlp_field_table *t);

static void regs_free(struct vlp_regs *regs)
{
	if (regs->values)
		for (size_t i = 0; regs->table && i < regs->table->count; i++)
			free(regs->values[i].bytes);
	free(regs->values);
	regs->values = NULL;
	/* A raw table belongs to its block (config_table_for). */
	if (is_raw(regs->table))
		free((void *)((const char *)regs->table - offsetof(struct raw_block, table)));
	regs->table = NULL;
}

/* Reads one row with the field's own width; arrays element by element. */
static void read_row(struct reader *r, const struct vlp_regs *regs, size_t row)
{
	const struct vlp_field *f = &regs->table->fields[row];
	struct vlp_field_value *v = &regs->values[row];
	unsigned count = f->count > 1 ? f->count : 1;
	uint32_t lo, hi = 0;

	if (!v->present || f->access == VLP_WO || (f->flags & VLP_FIELD_NOTIFIES))
		return;
	if ((f->flags & VLP_FIELD_READ_CLEARS) && !r->opts->read_isr)
		return; /* 4.1.4.5: reading the ISR clears it */
	if (count > 1) {
		if (!v->bytes)
			v->bytes = calloc(count, f->width);
		if (!v->bytes) {
			r->fatal = -ENOMEM;
			return;
		}
		for (unsigned i = 0; i < count; i++) {
			if (rd(r, regs->bar, regs->offset + f->offset + (uint64_t)i * f->width,
			       f->width, &lo))
				return;
			for (unsigned b = 0; b < f->width; b++)
				v->bytes[i * f->width + b] = (uint8_t)(lo >> (8 * b));
		}
		v->valid = true;
		return;
	}
	if (rd(r, regs->bar, regs->offset + f->offset, f->width, &lo))
		return;
	/* 64-bit fields: low half first, then high (4.1.3). */
	if (f->hi_offset && rd(r, regs->bar, regs->offset + f->hi_offset, 4, &hi))
		return;
	v->value = (uint64_t)hi << 32 | lo;
	v->valid = true;
}

/* Reads the rows that depend on selector sel, grouped by access width: the
 * order of reads is free, and through the window every change of width
 * costs a config write (cap.length, 4.1.4.9). */
static void read_rows_by_width(struct reader *r, const struct vlp_regs *regs, enum vlp_selector sel)
{
	static const uint8_t widths[] = { 4, 2, 1 };

	for (size_t w = 0; w < VLP_ARRAY_SIZE(widths); w++)
		for (size_t i = 0; i < regs->table->count; i++)
			if (regs->table->fields[i].width == widths[w] &&
			    regs->table->fields[i].selector == sel && !regs->values[i].valid)
				read_row(r, regs, i);
}

/* The negotiated feature words (access.c); a word not read counts as 0. */
static void negotiated_words(const struct vlp_state *s, uint32_t out[VLP_FEATURE_WORDS])
{
	uint32_t device[VLP_FEATURE_WORDS], driver[VLP_FEATURE_WORDS];

	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++) {
		device[w] = s->device_features[w].valid ? (uint32_t)s->device_features[w].value : 0;
		driver[w] = s->driver_features[w].valid ? (uint32_t)s->driver_features[w].value : 0;
	}
	vlp_features_negotiated(device, driver, out);
}

void vlp_state_negotiated(const struct vlp_state *s, uint32_t words[VLP_FEATURE_WORDS])
{
	negotiated_words(s, words);
}

static bool negotiated(const struct vlp_state *s, unsigned bit)
{
	uint32_t words[VLP_FEATURE_WORDS];

	negotiated_words(s, words);
	return vlp_feature_on(words, bit);
}

bool vlp_state_feature(const struct vlp_state *s, bool driver, unsigned bit, bool *on)
{
	const struct vlp_val *w = driver ? s->driver_features : s->device_features;

	if (bit >= 32 * VLP_FEATURE_WORDS || !w[bit / 32].valid)
		return false;
	*on = (w[bit / 32].value >> (bit % 32)) & 1;
	return true;
}

/* ------------------------------------------------------- common config */

/* Moves a selector (access.c: written only when the value changes). */
static int select_value(struct reader *r, struct vlp_sel_save *sv, uint32_t want)
{
	uint32_t before = sv->current;
	int err;

	if (r->fatal)
		return r->fatal;
	err = vlp_selector_move(r->dev, sv, want);
	if (err) {
		r->fatal = err;
		snprintf(r->fatal_msg, sizeof(r->fatal_msg),
			 "writing a selector at BAR%u offset 0x%llx: %s", sv->bar,
			 (unsigned long long)sv->off,
			 err == -EPERM ? "config space writes refused" : strerror(-err));
		return err;
	}
	if (sv->current != before)
		r->s->selectors_touched = true;
	return 0;
}

static void read_features(struct reader *r, unsigned bar, uint64_t base, unsigned sel_off,
			  unsigned val_off, struct vlp_val *words, uint32_t saved)
{
	struct vlp_sel_save sv;
	uint32_t v;

	vlp_selector_init(&sv, bar, base + sel_off, 4, saved);
	if (r->opts->passive) {
		/* Only the word the selector shows now. */
		if (saved < VLP_FEATURE_WORDS && !rd(r, bar, base + val_off, 4, &v))
			words[saved] = (struct vlp_val){ v, true };
		return;
	}
	for (uint32_t w = 0; w < VLP_FEATURE_WORDS; w++) {
		if (select_value(r, &sv, w))
			return;
		if (!rd(r, bar, base + val_off, 4, &v))
			words[w] = (struct vlp_val){ v, true };
	}
	select_value(r, &sv, saved);
}

/* 4.1.4.4 with the negotiated features (access.c). */
static void notify_address(const struct vlp_layout *l, const struct vlp_state *s,
			   struct vlp_queue_state *q, uint64_t notify_off)
{
	uint32_t features[VLP_FEATURE_WORDS];
	struct vlp_notify n;

	negotiated_words(s, features);
	if (vlp_notify_address(l, notify_off, features, &n, &q->notify_inside))
		return;
	q->notify_known = true;
	q->notify_bar = n.bar;
	q->notify_offset = n.offset;
}

static void read_queues(struct reader *r, const struct vlp_regs *common, uint32_t saved_qsel)
{
	struct vlp_state *s = r->s;
	const struct vlp_field_table *t = common->table;
	size_t numq_row = VLP_COMMON_NUM_QUEUES, noff_row = VLP_COMMON_QUEUE_NOTIFY_OFF;
	unsigned n = 0, first, last;
	struct vlp_sel_save sv;

	if (common->values[numq_row].valid)
		n = (unsigned)common->values[numq_row].value;
	if (n > MAX_QUEUES) {
		finding(r, "data-incomplete", VLP_SEV_WARNING, "4.1.4.3",
			"num_queues is %u; only the first %u were read", n, MAX_QUEUES);
		n = MAX_QUEUES;
	}
	if (r->opts->skip & VLP_STATE_SKIP_QUEUES)
		return;
	/* Passive: the selected queue only. */
	first = r->opts->passive ? saved_qsel : 0;
	last = r->opts->passive ? saved_qsel + 1 : n;
	if (r->opts->passive && saved_qsel >= n)
		return;
	vlp_selector_init(&sv, common->bar, common->offset + COMMON_Q_SELECT, 2, saved_qsel);
	s->queues = calloc(last > first ? (last - first) : 1, sizeof(*s->queues));
	if (!s->queues) {
		r->fatal = -ENOMEM;
		return;
	}
	for (unsigned q = first; q < last && !r->fatal; q++) {
		struct vlp_queue_state *qs = &s->queues[s->nqueues];

		if (select_value(r, &sv, q))
			break;
		qs->index = q;
		if (regs_init(&qs->regs, t, common->bar, common->offset, common->length)) {
			r->fatal = -ENOMEM;
			break;
		}
		s->nqueues++;
		/* 1.2 fields exist only when negotiated (4.1.4.3). */
		for (size_t i = 0; i < t->count; i++)
			if (t->fields[i].feature &&
			    !negotiated(s, VLP_FEATURE_BIT(t->fields[i].feature)))
				qs->regs.values[i].present = false;
		read_rows_by_width(r, &qs->regs, VLP_SEL_QUEUE);
		if (qs->regs.values[noff_row].valid)
			notify_address(r->l, s, qs, qs->regs.values[noff_row].value);
		if (qs->notify_known && !qs->notify_inside)
			finding(r, "notify-queue-offset", VLP_SEV_ERROR, "4.1.4.4.1",
				"queue %u: notify address BAR%u+0x%llx lies outside the notification structure",
				q, qs->notify_bar, (unsigned long long)qs->notify_offset);
	}
	if (!r->opts->passive)
		select_value(r, &sv, saved_qsel);
}

static void read_common(struct reader *r)
{
	const struct vlp_layout *l = r->l;
	struct vlp_state *s = r->s;
	const struct vlp_field_table *t = vlp_common_cfg_table();
	int idx = l->driver_uses[VLP_CFG_COMMON];
	const struct vlp_virtio_cap *c;
	uint32_t dfsel = 0, gfsel = 0, qsel = 0;
	struct vlp_regs *regs = &s->common;

	if (idx < 0)
		return;
	c = &l->caps[idx].u.virtio;
	if (regs_init(regs, t, c->bar, c->offset, c->length < t->size ? c->length : t->size)) {
		r->fatal = -ENOMEM;
		return;
	}
	/* The feature selectors first: their values now are what we restore. */
	read_row(r, regs, VLP_COMMON_DEVICE_FEATURE_SELECT);
	read_row(r, regs, VLP_COMMON_DRIVER_FEATURE_SELECT);
	if (r->fatal)
		return;
	dfsel = (uint32_t)regs->values[VLP_COMMON_DEVICE_FEATURE_SELECT].value;
	gfsel = (uint32_t)regs->values[VLP_COMMON_DRIVER_FEATURE_SELECT].value;
	read_features(r, c->bar, c->offset, COMMON_DFSELECT, COMMON_DF, s->device_features, dfsel);
	read_features(r, c->bar, c->offset, COMMON_GFSELECT, COMMON_GF, s->driver_features, gfsel);
	/* Rows that do not depend on a selector, queue_select among them. */
	for (size_t i = 0; i < t->count; i++)
		if (t->fields[i].feature && !negotiated(s, VLP_FEATURE_BIT(t->fields[i].feature)))
			regs->values[i].present = false;
	read_rows_by_width(r, regs, VLP_SEL_NONE);
	if (r->fatal)
		return;
	qsel = (uint32_t)regs->values[VLP_COMMON_QUEUE_SELECT].value;
	/* The selected feature words as the selectors show them. */
	if (dfsel < VLP_FEATURE_WORDS)
		regs->values[VLP_COMMON_DEVICE_FEATURE] =
			(struct vlp_field_value){ true, s->device_features[dfsel].valid,
						  s->device_features[dfsel].value, NULL };
	if (gfsel < VLP_FEATURE_WORDS)
		regs->values[VLP_COMMON_DRIVER_FEATURE] =
			(struct vlp_field_value){ true, s->driver_features[gfsel].valid,
						  s->driver_features[gfsel].value, NULL };
	read_queues(r, regs, qsel);
	/* The selected queue's rows, as the selector shows them. */
	for (size_t q = 0; q < s->nqueues; q++)
		if (s->queues[q].index == qsel)
			for (size_t i = 0; i < t->count; i++)
				if (t->fields[i].selector == VLP_SEL_QUEUE)
					regs->values[i] = (struct vlp_field_value){
						s->queues[q].regs.values[i].present,
						s->queues[q].regs.values[i].valid,
						s->queues[q].regs.values[i].value, NULL
					};
}

/* ------------------------------------------------------- device config */

/* Reads every row of a device config block; fields that exist only with a
 * feature are kept when the device offers it. */
static void read_device_rows(struct reader *r, struct vlp_regs *regs)
{
	struct vlp_state *s = r->s;

	for (size_t i = 0; i < regs->table->count; i++) {
		const struct vlp_field *f = &regs->table->fields[i];
		bool on;

		if (f->feature && vlp_state_feature(s, false, VLP_FEATURE_BIT(f->feature), &on) && !on)
			regs->values[i].present = false;
	}
	read_rows_by_width(r, regs, VLP_SEL_NONE);
}

/* The type's layout, or 32-bit words (as many as the structure holds, up
 * to RAW_CONFIG_MAX bytes) for a type without one.  NULL: out of memory. */
static const struct vlp_field_table *config_table_for(const struct vlp_layout *l, uint64_t length)
{
	const struct vlp_field_table *t = NULL;
	struct raw_block *raw;

	if (l->virtio.device_type.valid)
		t = vlp_device_config_table((unsigned)l->virtio.device_type.value);
	if (t)
		return t;
	raw = calloc(1, sizeof(*raw));
	if (!raw)
		return NULL;
	if (length > RAW_CONFIG_MAX)
		length = RAW_CONFIG_MAX;
	raw->field =
		(struct vlp_field){ .name = "raw",
				    .json_key = "raw",
				    .width = 4,
				    .count = (uint16_t)(length / 4),
				    .access = VLP_RO,
				    .help = "device configuration without a decoder, as 32-bit words" };
	raw->table = (struct vlp_field_table){ "device_config_raw", &raw->field,
					       length >= 4 ? 1 : 0, (unsigned)(length & ~3ull) };
	return &raw->table;
}

/* Types whose chapter defines no device configuration (entropy 5.4.4:
 * "None currently defined"; rtc, scmi, i2c) have nothing to read; types
 * without a decoder here are read raw. */
static bool has_device_config(const struct vlp_layout *l)
{
	const struct vlp_device_type *t;

	if (!l->virtio.device_type.valid)
		return true;
	t = vlp_device_type((unsigned)l->virtio.device_type.value);
	return !t || !t->no_config;
}

static bool is_raw(const struct vlp_field_table *t)
{
	return t && !strcmp(t->name, "device_config_raw");
}

static int read_device_rows_cb(void *arg)
{
	struct reader *r = arg;

	read_device_rows(r, &r->s->device);
	return r->fatal;
}

static void read_device(struct reader *r)
{
	const struct vlp_layout *l = r->l;
	struct vlp_state *s = r->s;
	int idx = l->driver_uses[VLP_CFG_DEVICE];
	const struct vlp_virtio_cap *c;
	const struct vlp_field_table *t;
	uint64_t length;
	bool have_gen;
	int err;

	if (idx < 0 || !has_device_config(l) || (r->opts->skip & VLP_STATE_SKIP_DEVICE))
		return;
	c = &l->caps[idx].u.virtio;
	t = config_table_for(l, c->length);
	if (!t) {
		r->fatal = -ENOMEM;
		return;
	}
	length = c->length < t->size ? c->length : t->size;
	if (regs_init(&s->device, t, c->bar, c->offset, length)) {
		r->fatal = -ENOMEM;
		return;
	}
	have_gen = s->common.table && s->common.values[VLP_COMMON_CONFIG_GENERATION].present;
	if (!have_gen) {
		read_device_rows(r, &s->device);
		return;
	}
	if (r->fatal)
		return;
	/* 4.1.4.3.1 / 2.5.1: the rows are read between two equal
	 * config_generation values (access.c). */
	err = vlp_read_consistent(r->dev, s->common.bar, s->common.offset + COMMON_CFGGENERATION,
				  read_device_rows_cb, r, &s->generation_retries);
	if (!err)
		s->device_consistent = true;
	else if (err == -EAGAIN)
		finding(r, "config-generation-stable", VLP_SEV_WARNING, "4.1.4.3.1",
			"config_generation kept changing over %d reads of the device configuration",
			VLP_GENERATION_TRIES);
	else
		read_failed(r, err, s->common.bar, s->common.offset + COMMON_CFGGENERATION);
}

/* ------------------------------------------------------- virtio-input */

/* The answers worth showing (5.8.4): select values with subsel 0. */
static const uint8_t input_selects[] = {
	0x01, /* VIRTIO_INPUT_CFG_ID_NAME */
	0x02, /* VIRTIO_INPUT_CFG_ID_SERIAL */
	0x03, /* VIRTIO_INPUT_CFG_ID_DEVIDS */
	0x10, /* VIRTIO_INPUT_CFG_PROP_BITS */
};

/* Asks the device each question through select/subsel, then puts both back
 * (the driver may be using them).  Not when passive: that writes. */
static void read_input(struct reader *r)
{
	struct vlp_state *s = r->s;
	const struct vlp_regs *d = &s->device;
	uint32_t select, subsel, size, byte;
	struct vlp_sel_save sel, sub;

	if (r->opts->passive || (r->opts->skip & VLP_STATE_SKIP_INPUT) || !d->table ||
	    !r->l->virtio.device_type.valid || r->l->virtio.device_type.value != VLP_ID_INPUT ||
	    d->length < d->table->size)
		return;
	if (rd(r, d->bar, d->offset + INPUT_OFF(VLP_INPUT_SELECT), 1, &select) ||
	    rd(r, d->bar, d->offset + INPUT_OFF(VLP_INPUT_SUBSEL), 1, &subsel))
		return;
	s->input = calloc(VLP_ARRAY_SIZE(input_selects), sizeof(*s->input));
	if (!s->input) {
		r->fatal = -ENOMEM;
		return;
	}
	vlp_selector_init(&sel, d->bar, d->offset + INPUT_OFF(VLP_INPUT_SELECT), 1, select);
	vlp_selector_init(&sub, d->bar, d->offset + INPUT_OFF(VLP_INPUT_SUBSEL), 1, subsel);
	for (size_t i = 0; i < VLP_ARRAY_SIZE(input_selects) && !r->fatal; i++) {
		struct vlp_input_answer *a = &s->input[s->ninput++];

		a->select = input_selects[i];
		if (select_value(r, &sel, a->select) || select_value(r, &sub, 0) ||
		    rd(r, d->bar, d->offset + INPUT_OFF(VLP_INPUT_SIZE), 1, &size))
			break;
		a->size = (uint8_t)(size > 128 ? 128 : size);
		for (unsigned b = 0; b < a->size; b++) {
			if (rd(r, d->bar, d->offset + INPUT_OFF(VLP_INPUT_U) + b, 1, &byte))
				return;
			a->data[b] = (uint8_t)byte;
		}
		a->valid = true;
	}
	select_value(r, &sel, select);
	select_value(r, &sub, subsel);
}

/* ------------------------------------------------------- ISR, MSI-X */

static void read_isr(struct reader *r)
{
	int idx = r->l->driver_uses[VLP_CFG_ISR];
	const struct vlp_virtio_cap *c;

	if (idx < 0 || !r->opts->read_isr)
		return;
	c = &r->l->caps[idx].u.virtio;
	if (regs_init(&r->s->isr, vlp_isr_table(), c->bar, c->offset, c->length)) {
		r->fatal = -ENOMEM;
		return;
	}
	read_row(r, &r->s->isr, 0);
}

static void read_msix(struct reader *r)
{
	const struct vlp_layout *l = r->l;
	struct vlp_state *s = r->s;
	const struct vlp_msix_cap *m;
	const struct vlp_field_table *t = vlp_msix_entry_table();
	struct vlp_regs entry;
	int err = 0;

	if (l->msix_index < 0 || !l->caps[l->msix_index].complete ||
	    (r->opts->skip & VLP_STATE_SKIP_MSIX))
		return;
	m = &l->caps[l->msix_index].u.msix;
	s->msix = calloc(m->table_size, sizeof(*s->msix));
	if (!s->msix) {
		r->fatal = -ENOMEM;
		return;
	}
	s->nmsix = m->table_size;
	for (unsigned i = 0; i < m->table_size && !r->fatal; i++) {
		if (regs_init(&entry, t, m->table_bar, m->table_offset + 16ull * i, t->size)) {
			r->fatal = -ENOMEM;
			return;
		}
		for (size_t row = 0; row < t->count; row++)
			read_row(r, &entry, row);
		s->msix[i].address = entry.values[0];
		s->msix[i].data = entry.values[1];
		s->msix[i].control = entry.values[2];
		regs_free(&entry);
		if (!s->msix[i].address.valid)
			err = -EACCES;
	}
	/* Pending bits: one per vector, read as 32-bit words of the QWORD
	 * array. */
	for (unsigned w = 0; w < (m->table_size + 31) / 32 && !r->fatal; w++) {
		uint32_t bits;

		if (rd(r, m->pba_bar, m->pba_offset + 4ull * w, 4, &bits))
			break;
		for (unsigned b = 0; b < 32 && w * 32 + b < m->table_size; b++) {
			s->msix[w * 32 + b].pending = (bits >> b) & 1;
			s->msix[w * 32 + b].pending_valid = true;
		}
	}
	if (err)
		finding(r, "data-incomplete", VLP_SEV_INFO, NULL,
			"MSI-X table in BAR%u not read: %s", m->table_bar,
			vlp_device_bar_backend(r->dev, m->table_bar) &&
					!strcmp(vlp_device_bar_backend(r->dev, m->table_bar), "window")
				? "the PCI configuration access window reaches virtio structures only (4.1.4.9.2)"
				: "not accessible");
}

/* ------------------------------------------------------- legacy */

static void read_legacy(struct reader *r)
{
	const struct vlp_layout *l = r->l;
	struct vlp_state *s = r->s;
	const struct vlp_field_table *t = vlp_legacy_header_table();
	const char *how = vlp_device_bar_backend(r->dev, 0);
	bool msix = l->legacy.msix_enabled.valid && l->legacy.msix_enabled.value;
	/* 4.1.4.10: the MSI-X vector fields exist only with MSI-X enabled. */
	unsigned header = msix ? t->size : LEGACY_OFF(VLP_LEGACY_CONFIG_MSIX_VECTOR), n;
	uint32_t saved = 0, size;
	struct vlp_sel_save sv;
	uint64_t dev_len;
	const struct vlp_field_table *dt;

	if (!l->legacy.present || !l->legacy.bar0_is_io || !how)
		return;
	if (!strcmp(how, "window")) {
		finding(r, "data-incomplete", VLP_SEV_INFO, "4.1.4.9.2",
			"legacy registers in BAR0 not read: the PCI configuration access window reaches virtio structures only");
		return;
	}
	if (regs_init(&s->legacy, t, 0, 0, header)) {
		r->fatal = -ENOMEM;
		return;
	}
	if (rd(r, 0, LEGACY_Q_SELECT, 2, &saved))
		return;
	vlp_selector_init(&sv, 0, LEGACY_Q_SELECT, 2, saved);
	for (size_t i = 0; i < t->count; i++) {
		/* The ISR is read once at most: reading clears it (4.1.4.5). */
		if ((t->fields[i].flags & VLP_FIELD_READ_CLEARS) && s->isr.table)
			continue;
		if (t->fields[i].selector == VLP_SEL_NONE)
			read_row(r, &s->legacy, i);
	}
	/* A legacy-only device's ISR lives here: show it where the modern one
	 * would be too. */
	for (size_t i = 0; i < t->count; i++)
		if ((t->fields[i].flags & VLP_FIELD_READ_CLEARS) && s->legacy.values[i].valid &&
		    !s->isr.table) {
			if (regs_init(&s->isr, vlp_isr_table(), 0, t->fields[i].offset, 1)) {
				r->fatal = -ENOMEM;
				return;
			}
			s->isr.values[0] = s->legacy.values[i];
		}
	/* Queues: as many as the modern interface says, or up to the first
	 * of size 0 (legacy devices number their queues from 0). */
	n = s->common.table && s->common.values[VLP_COMMON_NUM_QUEUES].valid
		    ? (unsigned)s->common.values[VLP_COMMON_NUM_QUEUES].value
		    : MAX_QUEUES;
	if (n > MAX_QUEUES)
		n = MAX_QUEUES;
	if (r->opts->passive || (r->opts->skip & VLP_STATE_SKIP_QUEUES))
		n = 0;
	s->legacy_queues = calloc(n ? n : 1, sizeof(*s->legacy_queues));
	if (!s->legacy_queues) {
		r->fatal = -ENOMEM;
		return;
	}
	for (unsigned q = 0; q < n && !r->fatal; q++) {
		struct vlp_queue_state *qs = &s->legacy_queues[s->nlegacy_queues];

		if (select_value(r, &sv, q) || rd(r, 0, LEGACY_Q_SIZE, 2, &size))
			break;
		if (size == 0 && !s->common.table)
			break;
		qs->index = q;
		if (regs_init(&qs->regs, t, 0, 0, header)) {
			r->fatal = -ENOMEM;
			break;
		}
		s->nlegacy_queues++;
		for (size_t i = 0; i < t->count; i++)
			if (t->fields[i].selector == VLP_SEL_QUEUE)
				read_row(r, &qs->regs, i);
	}
	if (!r->opts->passive)
		select_value(r, &sv, saved);
	/* The device-specific part follows the header (4.1.4.10), up to the
	 * end of BAR0. */
	if (!has_device_config(l) || (r->opts->skip & VLP_STATE_SKIP_DEVICE))
		return;
	dev_len = l->bars[0].size_known && l->bars[0].size > header ? l->bars[0].size - header
								    : RAW_CONFIG_MAX;
	dt = config_table_for(l, dev_len);
	if (!dt) {
		r->fatal = -ENOMEM;
		return;
	}
	if (dt->size < dev_len)
		dev_len = dt->size;
	if (regs_init(&s->legacy_device, dt, 0, header, dev_len)) {
		r->fatal = -ENOMEM;
		return;
	}
	/* Legacy: only feature bits 0-31, from host_features. */
	for (size_t i = 0; i < dt->count; i++) {
		const struct vlp_field *f = &dt->fields[i];
		const struct vlp_field_value *hf = &s->legacy.values[0];

		if (f->feature && hf->valid &&
		    (VLP_FEATURE_BIT(f->feature) >= 32 ||
		     !((hf->value >> VLP_FEATURE_BIT(f->feature)) & 1)))
			s->legacy_device.values[i].present = false;
		read_row(r, &s->legacy_device, i);
	}
}

/* ------------------------------------------------------- entry */

int vlp_read_state(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
		   const struct vlp_state_opts *opts, struct vlp_state **out)
{
	struct reader r = { .dev = dev, .l = layout, .opts = opts };
	struct vlp_state *s;

	if (vlp_device_origin(dev) == VLP_ORIGIN_HOST) {
		/* QEMU's monitor, not the BARs (hoststate.c) */
		int err;

		s = calloc(1, sizeof(*s));
		if (!s)
			return vlp_error(ctx, ENOMEM, "out of memory");
		err = vlp_host_state_fill(ctx, dev, opts, s);
		if (err) {
			vlp_state_free(s);
			return err;
		}
		*out = s;
		return 0;
	}
	if (!vlp_device_backend(dev))
		return vlp_error(ctx, ENODEV, "BAR access is not open");
	s = calloc(1, sizeof(*s));
	if (!s)
		return vlp_error(ctx, ENOMEM, "out of memory");
	r.s = s;
	s->backend = vlp_device_backend(dev);
	s->passive = opts->passive;
	read_common(&r);
	read_device(&r);
	read_input(&r);
	read_isr(&r);
	read_msix(&r);
	read_legacy(&r);
	if (r.fatal) {
		int err = r.fatal;

		vlp_state_free(s);
		if (err == -ENOMEM)
			return vlp_error(ctx, ENOMEM, "out of memory");
		return vlp_error(ctx, -err, "%s", r.fatal_msg);
	}
	*out = s;
	return 0;
}

void vlp_state_free(struct vlp_state *s)
{
	if (!s)
		return;
	regs_free(&s->common);
	for (size_t i = 0; i < s->nqueues; i++)
		regs_free(&s->queues[i].regs);
	free(s->queues);
	regs_free(&s->device);
	regs_free(&s->isr);
	free(s->input);
	free(s->msix);
	regs_free(&s->legacy);
	for (size_t i = 0; i < s->nlegacy_queues; i++)
		regs_free(&s->legacy_queues[i].regs);
	free(s->legacy_queues);
	regs_free(&s->legacy_device);
	free(s->findings);
	if (s->host)
		free(s->host->queues);
	free(s->host);
	free(s);
}
