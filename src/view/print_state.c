/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registers behind the BARs, as text and as JSON.  Both walk the same
 * field tables: a field's name, JSON key, width and value names come from
 * one row.
 */
#include <inttypes.h>
#include <string.h>

#include "output.h"

#define UNAVAILABLE "<unavailable>"

/* ------------------------------------------------------- values */

static uint64_t element(const struct vlp_field *f, const uint8_t *bytes, unsigned i)
{
	uint64_t v = 0;

	for (unsigned b = 0; b < f->width; b++)
		v |= (uint64_t)bytes[i * f->width + b] << (8 * b);
	return v;
}

void format_value(char *buf, size_t len, const struct vlp_field *f, const struct vlp_field_value *v)
{
	unsigned count = f->count > 1 ? f->count : 1;
	size_t used = 0;

	if (!v->valid) {
		snprintf(buf, len, UNAVAILABLE);
		return;
	}
	if (count == 1) {
		struct vlp_val val = { v->value, true };

		format_field(buf, len, f, &val);
		return;
	}
	if (f->flags & VLP_FIELD_STRING) {
		/* A NUL-padded string: printable characters, others as \xNN. */
		used += (size_t)snprintf(buf, len, "\"");
		for (unsigned i = 0; i < count && v->bytes[i] && used < len; i++) {
			uint8_t c = v->bytes[i];

			used += (size_t)(c >= 0x20 && c < 0x7f && c != '"' && c != '\\'
						 ? snprintf(buf + used, len - used, "%c", c)
						 : snprintf(buf + used, len - used, "\\x%02x", c));
		}
		if (used < len)
			snprintf(buf + used, len - used, "\"");
		return;
	}
	for (unsigned i = 0; i < count && used < len; i++) {
		if (f->flags & VLP_FIELD_MAC)
			used += (size_t)snprintf(buf + used, len - used, "%s%02x", i ? ":" : "",
						 v->bytes[i]);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%0*" PRIx64,
						 i ? " " : "", f->width * 2, element(f, v->bytes, i));
	}
}

void format_named_value(char *buf, size_t len, const struct vlp_field *f,
			const struct vlp_field_value *v, bool say_none)
{
	char names[256];

	format_value(buf, len, f, v);
	if (!v->valid || !f->names || f->names->kind != VLP_NAMES_BITS || f->count > 1)
		return;
	format_bit_names(names, sizeof(names), f->names, v->value);
	if ((names[0] || say_none) && strlen(buf) + strlen(names) + 8 < len)
		snprintf(buf + strlen(buf), len - strlen(buf), " (%s)", names[0] ? names : "none");
}

void json_value(struct json *j, const char *key, const struct vlp_field *f,
		const struct vlp_field_value *v)
{
	unsigned count = f->count > 1 ? f->count : 1;
	char buf[512];

	if (!v->valid) {
		json_null(j, key);
	} else if (count == 1) {
		json_uint(j, key, v->value);
	} else if (f->flags & (VLP_FIELD_STRING | VLP_FIELD_MAC)) {
		format_value(buf, sizeof(buf), f, v);
		if (f->flags & VLP_FIELD_STRING) {
			/* JSON gets the characters, not our quoting. */
			size_t n = strnlen((const char *)v->bytes, count);

			snprintf(buf, sizeof(buf), "%.*s", (int)n, (const char *)v->bytes);
		}
		json_string(j, key, buf);
	} else {
		json_begin_array(j, key);
		for (unsigned i = 0; i < count; i++)
			json_uint(j, NULL, element(f, v->bytes, i));
		json_end_array(j);
	}
}

/* Rows a reader leaves alone on purpose: write-only, notify registers, and
 * the ISR unless asked (reading clears it). */
static bool not_read_by_design(const struct vlp_field *f, const struct vlp_field_value *v)
{
	return f->access == VLP_WO || (f->flags & VLP_FIELD_NOTIFIES) ||
	       ((f->flags & VLP_FIELD_READ_CLEARS) && !v->valid);
}

/* One block, "name=value" per present row, wrapped over lines that start
 * with indent (the first line with first). */
static void text_regs(struct output *o, const struct vlp_regs *regs, const char *first,
		      const char *indent, enum vlp_selector only, bool all_rows)
{
	char buf[600];
	size_t col = 0;
	bool started = false;

	for (size_t i = 0; i < regs->table->count; i++) {
		const struct vlp_field *f = &regs->table->fields[i];
		const struct vlp_field_value *v = &regs->values[i];

		if (!v->present || f->selector != only || not_read_by_design(f, v))
			continue;
		if (!v->valid && !all_rows)
			continue;
		format_named_value(buf, sizeof(buf), f, v, false);
		if (col && col + strlen(f->name) + strlen(buf) + 2 > 90) {
			fputc('\n', o->f);
			col = 0;
		}
		if (!col) {
			col = (size_t)fprintf(o->f, "%s", started ? indent : first);
			started = true;
		} else {
			col += (size_t)fprintf(o->f, " ");
		}
		col += (size_t)fprintf(o->f, "%s=%s", f->name, buf);
	}
	if (col)
		fputc('\n', o->f);
}

static void json_regs(struct json *j, const struct vlp_regs *regs, enum vlp_selector only)
{
	for (size_t i = 0; i < regs->table->count; i++) {
		const struct vlp_field *f = &regs->table->fields[i];

		if (regs->values[i].present && f->selector == only &&
		    !not_read_by_design(f, &regs->values[i]))
			json_value(j, f->json_key, f, &regs->values[i]);
	}
}

/* ------------------------------------------------------- features */

struct feature_set {
	struct vlp_val words[VLP_FEATURE_WORDS];
};

/* The three sets every printer shows: offered, accepted, both. */
enum feature_kind { FEATURES_DEVICE, FEATURES_DRIVER, FEATURES_NEGOTIATED, FEATURE_KINDS };

static const struct {
	const char *title, *json_key;
} feature_kinds[FEATURE_KINDS] = {
	[FEATURES_DEVICE] = { "Device features", "device_features" },
	[FEATURES_DRIVER] = { "Driver features", "driver_features" },
	[FEATURES_NEGOTIATED] = { "Negotiated", "negotiated_features" },
};

static void features_of(const struct vlp_state *s, enum feature_kind kind, struct feature_set *out)
{
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++) {
		const struct vlp_val *dev = &s->device_features[w], *drv = &s->driver_features[w];

		switch (kind) {
		case FEATURES_DEVICE:
			out->words[w] = *dev;
			break;
		case FEATURES_DRIVER:
			out->words[w] = *drv;
			break;
		default:
			out->words[w] =
				(struct vlp_val){ dev->value & drv->value, dev->valid && drv->valid };
			break;
		}
	}
}

static bool any_word(const struct feature_set *fs)
{
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++)
		if (fs->words[w].valid)
			return true;
	return false;
}

static void text_features(struct output *o, const char *label, const struct feature_set *fs,
			  unsigned type)
{
	size_t col;

	if (!any_word(fs))
		return;
	fprintf(o->f, "\t\t%s:", label);
	for (int w = VLP_FEATURE_WORDS - 1; w >= 0; w--) {
		if (fs->words[w].valid)
			fprintf(o->f, " %08" PRIx64, fs->words[w].value);
		else
			fprintf(o->f, " ????????");
	}
	fputc('\n', o->f);
	col = 0;
	for (unsigned bit = 0; bit < 32 * VLP_FEATURE_WORDS; bit++) {
		const struct vlp_val *w = &fs->words[bit / 32];
		const char *name;
		char unnamed[16];

		if (!w->valid || !((w->value >> (bit % 32)) & 1))
			continue;
		name = vlp_feature_name(type, bit);
		if (!name) {
			snprintf(unnamed, sizeof(unnamed), "bit%u", bit);
			name = unnamed;
		}
		if (col && col + strlen(name) > 90) {
			fputc('\n', o->f);
			col = 0;
		}
		col += (size_t)fprintf(o->f, "%s%s", col ? " " : "\t\t\t", name);
	}
	if (col)
		fputc('\n', o->f);
}

static void json_features(struct json *j, const char *key, const struct feature_set *fs, unsigned type)
{
	char words_key[64], bits_key[64];

	if (!any_word(fs)) {
		json_null(j, key);
		return;
	}
	snprintf(words_key, sizeof(words_key), "%s_words", key);
	snprintf(bits_key, sizeof(bits_key), "%s_bits", key);
	/* Names for people, bit numbers for scripts, words as read. */
	json_begin_array(j, key);
	for (unsigned bit = 0; bit < 32 * VLP_FEATURE_WORDS; bit++) {
		const struct vlp_val *w = &fs->words[bit / 32];
		char unnamed[16];
		const char *name;

		if (!w->valid || !((w->value >> (bit % 32)) & 1))
			continue;
		name = vlp_feature_name(type, bit);
		snprintf(unnamed, sizeof(unnamed), "bit%u", bit);
		json_string(j, NULL, name ? name : unnamed);
	}
	json_end_array(j);
	json_begin_array(j, bits_key);
	for (unsigned bit = 0; bit < 32 * VLP_FEATURE_WORDS; bit++)
		if (fs->words[bit / 32].valid && ((fs->words[bit / 32].value >> (bit % 32)) & 1))
			json_uint(j, NULL, bit);
	json_end_array(j);
	json_begin_array(j, words_key);
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++) {
		if (fs->words[w].valid)
			json_uint(j, NULL, fs->words[w].value);
		else
			json_null(j, NULL);
	}
	json_end_array(j);
}

/* ------------------------------------------------------- MSI-X users */

/* The vector a row holds, when read: the modern row or the legacy one
 * (4.1.4.10), whichever table regs has. */
static bool vector_of(const struct vlp_regs *regs, unsigned common_row, unsigned legacy_row,
		      uint64_t *v)
{
	const struct vlp_field_value *fv = vlp_regs_row(regs, vlp_common_cfg_table(), common_row);

	if (!fv)
		fv = vlp_regs_row(regs, vlp_legacy_header_table(), legacy_row);
	if (!fv || !fv->valid)
		return false;
	*v = fv->value;
	return true;
}

/* Which events a vector serves: "config, queues 0-62, queue 64".  The
 * registers of the interface the driver uses (4.1.4.10). */
void format_vector_users(char *buf, size_t len, const struct vlp_state *s, unsigned vector)
{
	bool modern = !vlp_legacy_interface_in_use(s);
	const struct vlp_regs *cfg = modern ? &s->common : &s->legacy;
	const struct vlp_queue_state *qs = modern ? s->queues : s->legacy_queues;
	size_t n = modern ? s->nqueues : s->nlegacy_queues, used = 0;
	uint64_t v;

	buf[0] = '\0';
	if (vector_of(cfg, VLP_COMMON_CONFIG_MSIX_VECTOR, VLP_LEGACY_CONFIG_MSIX_VECTOR, &v) &&
	    v == vector)
		used += (size_t)snprintf(buf, len, "config");
	for (size_t q = 0; q < n && used < len; q++) {
		size_t last = q;

		if (!vector_of(&qs[q].regs, VLP_COMMON_QUEUE_MSIX_VECTOR,
			       VLP_LEGACY_QUEUE_MSIX_VECTOR, &v) ||
		    v != vector)
			continue;
		/* A run of consecutive queues on one vector is one range. */
		while (last + 1 < n && qs[last + 1].index == qs[last].index + 1 &&
		       vector_of(&qs[last + 1].regs, VLP_COMMON_QUEUE_MSIX_VECTOR,
				 VLP_LEGACY_QUEUE_MSIX_VECTOR, &v) &&
		       v == vector)
			last++;
		if (last == q)
			used += (size_t)snprintf(buf + used, len - used, "%squeue %u",
						 used ? ", " : "", qs[q].index);
		else
			used += (size_t)snprintf(buf + used, len - used, "%squeues %u-%u",
						 used ? ", " : "", qs[q].index, qs[last].index);
		q = last;
	}
}

/* ------------------------------------------------------- virtio-input */

/* The answers of a virtio-input device (5.8.4), by select value. */
static const struct vlp_input_answer *input_answer(const struct vlp_state *s, uint8_t select)
{
	for (size_t i = 0; i < s->ninput; i++)
		if (s->input[i].select == select && s->input[i].valid)
			return &s->input[i];
	return NULL;
}

static uint16_t le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void text_input(struct output *o, const struct vlp_state *s)
{
	const struct vlp_input_answer *name = input_answer(s, 0x01), *serial = input_answer(s, 0x02);
	const struct vlp_input_answer *ids = input_answer(s, 0x03), *props = input_answer(s, 0x10);

	if (!name && !serial && !ids && !props)
		return; /* not asked (passive) or not answered */
	fprintf(o->f, "\t\tInput: name=\"%.*s\" serial=\"%.*s\"", name ? name->size : 0,
		name ? (const char *)name->data : "", serial ? serial->size : 0,
		serial ? (const char *)serial->data : "");
	/* struct virtio_input_devids: bustype, vendor, product, version. */
	if (ids && ids->size >= 8)
		fprintf(o->f, " bustype=0x%04x vendor=0x%04x product=0x%04x version=0x%04x",
			le16_at(ids->data), le16_at(ids->data + 2), le16_at(ids->data + 4),
			le16_at(ids->data + 6));
	if (props) {
		fprintf(o->f, " prop_bits=");
		for (unsigned i = 0; i < props->size; i++)
			fprintf(o->f, "%02x", props->data[i]);
		if (!props->size)
			fprintf(o->f, "none");
	}
	fputc('\n', o->f);
}

static void json_input(struct json *j, const struct vlp_state *s)
{
	const struct vlp_input_answer *name = input_answer(s, 0x01), *serial = input_answer(s, 0x02);
	const struct vlp_input_answer *ids = input_answer(s, 0x03), *props = input_answer(s, 0x10);
	char buf[132];

	if (!name && !serial && !ids && !props) {
		json_null(j, "input");
		return;
	}
	json_begin_object(j, "input");
	snprintf(buf, sizeof(buf), "%.*s", name ? name->size : 0, name ? (const char *)name->data : "");
	json_string(j, "name", name ? buf : NULL);
	snprintf(buf, sizeof(buf), "%.*s", serial ? serial->size : 0,
		 serial ? (const char *)serial->data : "");
	json_string(j, "serial", serial ? buf : NULL);
	if (ids && ids->size >= 8) {
		json_begin_object(j, "devids");
		json_uint(j, "bustype", le16_at(ids->data));
		json_uint(j, "vendor", le16_at(ids->data + 2));
		json_uint(j, "product", le16_at(ids->data + 4));
		json_uint(j, "version", le16_at(ids->data + 6));
		json_end_object(j);
	} else {
		json_null(j, "devids");
	}
	if (props) {
		json_begin_array(j, "prop_bits");
		for (unsigned bit = 0; bit < 8u * props->size; bit++)
			if ((props->data[bit / 8] >> (bit % 8)) & 1)
				json_uint(j, NULL, bit);
		json_end_array(j);
	} else {
		json_null(j, "prop_bits");
	}
	json_end_object(j);
}

/* ------------------------------------------------------- text */

static void text_queue(struct output *o, const struct vlp_queue_state *q)
{
	char first[32];

	snprintf(first, sizeof(first), "\t\tQueue %u: ", q->index);
	text_regs(o, &q->regs, first, "\t\t\t", VLP_SEL_QUEUE, false);
	if (q->notify_known)
		fprintf(o->f, "\t\t\tnotify at BAR%u+0x%" PRIx64 "%s\n", q->notify_bar,
			q->notify_offset, q->notify_inside ? "" : " OUTSIDE the notify structure");
}

static void text_msix(struct output *o, const struct vlp_state *s)
{
	const struct vlp_field_table *t = vlp_msix_entry_table();
	char addr[64], data[64], users[256];

	if (!s->nmsix)
		return;
	fprintf(o->f, "\tMSI-X vectors:\n");
	for (size_t i = 0; i < s->nmsix; i++) {
		const struct vlp_msix_entry *e = &s->msix[i];

		format_value(addr, sizeof(addr), &t->fields[0], &e->address);
		format_value(data, sizeof(data), &t->fields[1], &e->data);
		format_vector_users(users, sizeof(users), s, (unsigned)i);
		fprintf(o->f, "\t\t%zu: %s=%s %s=%s masked%c pending%c%s%s%s\n", i,
			t->fields[0].json_key, addr, t->fields[1].json_key, data,
			!e->control.valid        ? '?'
			: (e->control.value & 1) ? '+'
						 : '-',
			!e->pending_valid ? '?'
			: e->pending      ? '+'
					  : '-',
			users[0] ? " (" : "", users, users[0] ? ")" : "");
	}
}

void text_state(struct output *o, const struct device_view *v)
{
	const struct vlp_state *s = v->state;
	unsigned type = view_device_type(v);
	struct feature_set fs;

	if (!s) {
		if (v->state_error)
			fprintf(o->f, "\tBAR access: unavailable (%s)\n", v->state_error);
		return;
	}
	/* A host device's registers are QEMU's answers, not BAR reads: no BAR
	 * or offset is claimed for them. */
	bool host = vlp_state_host(s) != NULL;

	if (!o->opts.sections && host)
		fprintf(o->f, "\tRegisters: QEMU's monitor (%s), not read through the BARs\n",
			s->backend);
	else if (!o->opts.sections)
		fprintf(o->f, "\tBAR access: %s%s\n", s->backend, s->passive ? ", passive" : "");
	if (s->common.table) {
		if (!o->opts.sections && host)
			fprintf(o->f, "\tCommon configuration (QEMU's values):\n");
		else if (!o->opts.sections)
			fprintf(o->f, "\tCommon configuration (BAR%u+0x%" PRIx64 "):\n",
				s->common.bar, s->common.offset);
		if (show_section(&o->opts, SHOW_STATUS))
			text_regs(o, &s->common, "\t\t", "\t\t", VLP_SEL_NONE, o->opts.verbose >= 2);
		for (unsigned k = 0; k < FEATURE_KINDS && show_section(&o->opts, SHOW_FEATURES); k++) {
			features_of(s, (enum feature_kind)k, &fs);
			text_features(o, feature_kinds[k].title, &fs, type);
		}
		if (show_section(&o->opts, SHOW_QUEUES) && o->opts.verbose >= 2)
			for (size_t q = 0; q < s->nqueues; q++)
				text_queue(o, &s->queues[q]);
		else if (show_section(&o->opts, SHOW_QUEUES) && s->nqueues)
			fprintf(o->f, "\t\tQueues: %zu read (-vv shows them)\n", s->nqueues);
	}
	if (s->device.table && show_section(&o->opts, SHOW_DEVICE)) {
		fprintf(o->f, "\tDevice configuration (%s, BAR%u+0x%" PRIx64 "%s):\n",
			s->device.table->name, s->device.bar, s->device.offset,
			s->device_consistent ? "" : ", generation not confirmed");
		text_regs(o, &s->device, "\t\t", "\t\t", VLP_SEL_NONE, o->opts.verbose >= 2);
		text_input(o, s);
	}
	if (s->isr.table && show_section(&o->opts, SHOW_STATUS))
		text_regs(o, &s->isr, "\tISR status: ", "\t\t", VLP_SEL_NONE, true);
	if (o->opts.verbose >= 2 && show_section(&o->opts, SHOW_MSIX))
		text_msix(o, s);
	if (s->legacy.table && show_section(&o->opts, SHOW_LEGACY)) {
		fprintf(o->f, "\tLegacy interface registers (BAR0):\n");
		text_regs(o, &s->legacy, "\t\t", "\t\t", VLP_SEL_NONE, o->opts.verbose >= 2);
		if (o->opts.verbose >= 2)
			for (size_t q = 0; q < s->nlegacy_queues; q++)
				text_queue(o, &s->legacy_queues[q]);
		if (s->legacy_device.table) {
			fprintf(o->f, "\t\tDevice configuration at offset %" PRIu64 ":\n",
				s->legacy_device.offset);
			text_regs(o, &s->legacy_device, "\t\t\t", "\t\t\t", VLP_SEL_NONE,
				  o->opts.verbose >= 2);
		}
	}
	text_findings(o, s->findings, s->nfindings);
}

/* ------------------------------------------------------- JSON */

static void json_queues(struct output *o, const struct device_view *v, bool legacy,
			const struct vlp_queue_state *qs, size_t n)
{
	struct json *j = &o->json;

	json_begin_array(j, "queues");
	for (size_t q = 0; q < n; q++) {
		json_begin_object(j, NULL);
		json_uint(j, "index", qs[q].index);
		json_queue_extras(o, v, legacy, &qs[q]);
		json_regs(j, &qs[q].regs, VLP_SEL_QUEUE);
		if (qs[q].notify_known) {
			json_begin_object(j, "notify_address");
			json_uint(j, "bar", qs[q].notify_bar);
			json_uint(j, "offset", qs[q].notify_offset);
			json_bool(j, "inside", qs[q].notify_inside);
			json_end_object(j);
		} else {
			json_null(j, "notify_address");
		}
		json_end_object(j);
	}
	json_end_array(j);
}

/* Opens the block's object with its location and fields and returns true
 * (the caller adds more and closes it), or writes null and returns false. */
static bool json_block(struct json *j, const char *key, const struct vlp_regs *regs)
{
	if (!regs->table) {
		json_null(j, key);
		return false;
	}
	json_begin_object(j, key);
	json_string(j, "structure", regs->table->name);
	json_uint(j, "bar", regs->bar);
	json_uint(j, "offset", regs->offset);
	json_begin_object(j, "fields");
	json_regs(j, regs, VLP_SEL_NONE);
	json_end_object(j);
	return true;
}

void json_state(struct output *o, const struct device_view *v)
{
	struct json *j = &o->json;
	const struct vlp_state *s = v->state;
	unsigned type = view_device_type(v);
	struct feature_set fs;
	char users[256];

	if (!s) {
		json_null(j, "state");
		json_string(j, "state_error", v->state_error);
		return;
	}
	json_begin_object(j, "state");
	json_string(j, "backend", s->backend);
	json_bool(j, "passive", s->passive);
	json_bool(j, "selectors_touched", s->selectors_touched);
	if (json_block(j, "common", &s->common)) {
		for (unsigned k = 0; k < FEATURE_KINDS; k++) {
			features_of(s, (enum feature_kind)k, &fs);
			json_features(j, feature_kinds[k].json_key, &fs, type);
		}
		json_queues(o, v, false, s->queues, s->nqueues);
		json_end_object(j);
	}
	if (json_block(j, "device_config", &s->device)) {
		json_uint(j, "generation_retries", s->generation_retries);
		json_bool(j, "consistent", s->device_consistent);
		json_input(j, s);
		json_end_object(j);
	}
	if (s->isr.table && s->isr.values[0].valid)
		json_uint(j, "isr", s->isr.values[0].value);
	else
		json_null(j, "isr");
	json_begin_array(j, "msix");
	for (size_t i = 0; i < s->nmsix; i++) {
		const struct vlp_msix_entry *e = &s->msix[i];
		const struct vlp_field_table *t = vlp_msix_entry_table();

		json_begin_object(j, NULL);
		json_uint(j, "vector", i);
		json_value(j, t->fields[0].json_key, &t->fields[0], &e->address);
		json_value(j, t->fields[1].json_key, &t->fields[1], &e->data);
		json_value(j, t->fields[2].json_key, &t->fields[2], &e->control);
		/* Vector Control bit 0 (PCI Local Bus 3.0, 6.8.2.9). */
		if (e->control.valid)
			json_bool(j, "masked", e->control.value & 1);
		else
			json_null(j, "masked");
		if (e->pending_valid)
			json_bool(j, "pending", e->pending);
		else
			json_null(j, "pending");
		format_vector_users(users, sizeof(users), s, (unsigned)i);
		json_string(j, "used_by", users[0] ? users : NULL);
		json_end_object(j);
	}
	json_end_array(j);
	if (json_block(j, "legacy", &s->legacy)) {
		json_queues(o, v, true, s->legacy_queues, s->nlegacy_queues);
		if (json_block(j, "device_config", &s->legacy_device))
			json_end_object(j);
		json_end_object(j);
	}
	json_finding_list(j, "findings", s->findings, s->nfindings);
	json_end_object(j);
}
