/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the queues: each queue's name and role, the interrupt that serves
 * it, and with --rings what its ring holds (indices, in-flight chains, the
 * last used entries, the ring's findings).  Text: a line per queue at -v,
 * chains at -vv, descriptors at -vvv.  JSON: keys of each queue object.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

void format_queue_name(char *buf, size_t len, const struct device_view *v, bool legacy,
		       unsigned index, enum vlp_queue_role *role)
{
	const struct vlp_queue_ring *q = vlp_rings_queue(v->rings, legacy, index);
	uint32_t words[VLP_FEATURE_WORDS] = { 0 };
	const struct vlp_field_value *nq;
	unsigned type = view_device_type(v);
	unsigned num_queues = 0;

	if (q) {
		snprintf(buf, len, "%s", q->name);
		if (role)
			*role = q->role;
		return;
	}
	if (v->state) {
		if (legacy) {
			const struct vlp_field_value *g =
				vlp_regs_row(&v->state->legacy, vlp_legacy_header_table(),
					     VLP_LEGACY_GUEST_FEATURES);

			if (g && g->valid)
				words[0] = (uint32_t)g->value;
			num_queues = (unsigned)v->state->nlegacy_queues;
		} else {
			vlp_state_negotiated(v->state, words);
			nq = vlp_regs_row(&v->state->common, vlp_common_cfg_table(),
					  VLP_COMMON_NUM_QUEUES);
			num_queues =
				nq && nq->valid ? (unsigned)nq->value : (unsigned)v->state->nqueues;
		}
	}
	vlp_queue_name(type, index, num_queues, words, buf, len, role);
}

/* The vector a queue's register holds, when read. */
static bool queue_vector(const struct vlp_queue_state *q, bool legacy, unsigned *vector)
{
	const struct vlp_field_value *fv =
		legacy ? vlp_regs_row(&q->regs, vlp_legacy_header_table(), VLP_LEGACY_QUEUE_MSIX_VECTOR)
		       : vlp_regs_row(&q->regs, vlp_common_cfg_table(), VLP_COMMON_QUEUE_MSIX_VECTOR);

	if (!fv || !fv->valid)
		return false;
	*vector = (unsigned)fv->value;
	return true;
}

static void json_irq(struct json *j, const struct device_view *v, const struct vlp_queue_state *q,
		     bool legacy)
{
	const struct vlp_irq *irq;
	unsigned vector;

	if (!queue_vector(q, legacy, &vector) || vector == VLP_NO_VECTOR) {
		json_null(j, "irq");
		return;
	}
	irq = v->irqs ? vlp_irqs_find_entry(v->irqs, vector) : NULL;
	json_begin_object(j, "irq");
	json_uint(j, "vector", vector);
	if (irq && irq->counted) {
		json_uint(j, "linux_irq", irq->linux_irq);
		json_string(j, "name", irq->name);
		json_uint(j, "count", irq->count);
	} else {
		json_null(j, "linux_irq");
		json_null(j, "name");
		json_null(j, "count");
	}
	if (v->state && vector < v->state->nmsix && v->state->msix[vector].control.valid)
		json_bool(j, "masked", v->state->msix[vector].control.value & VLP_MSIX_VECTOR_MASKED);
	else
		json_null(j, "masked");
	if (v->state && vector < v->state->nmsix && v->state->msix[vector].pending_valid)
		json_bool(j, "pending", v->state->msix[vector].pending);
	else
		json_null(j, "pending");
	json_end_object(j);
}

static void json_flags(struct json *j, const char *key, const struct vlp_names *names, uint64_t flags)
{
	json_begin_array(j, key);
	for (unsigned bit = 0; bit < 16; bit++) {
		const char *name = NULL;

		if (!(flags >> bit & 1))
			continue;
		for (size_t i = 0; i < names->count; i++)
			if (names->entries[i].value == bit)
				name = names->entries[i].name;
		if (name) {
			char lower[32];
			size_t k;

			for (k = 0; name[k] && k + 1 < sizeof(lower); k++)
				lower[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] - 'A' + 'a'
										   : name[k]);
			lower[k] = '\0';
			json_string(j, NULL, lower);
		} else {
			char other[16];

			snprintf(other, sizeof(other), "bit%u", bit);
			json_string(j, NULL, other);
		}
	}
	json_end_array(j);
}

static const struct vlp_names *desc_flag_names(const struct vlp_ring *r)
{
	return r->format == VLP_RING_PACKED ? vlp_packed_desc_flag_names()
					    : vlp_split_desc_flag_names();
}

/* Bytes the device reads and writes in a chain, indirect tables included. */
static void chain_bytes(const struct vlp_ring_desc *d, size_t n, uint64_t *out, uint64_t *in,
			size_t *count)
{
	for (size_t i = 0; i < n; i++) {
		if (d[i].flags & VLP_DESC_F_INDIRECT) {
			chain_bytes(d[i].indirect, d[i].nindirect, out, in, count);
			continue;
		}
		*count += 1;
		if (d[i].flags & VLP_DESC_F_WRITE)
			*in += d[i].len;
		else
			*out += d[i].len;
	}
}

static void json_descs(struct json *j, const char *key, const struct vlp_ring *r,
		       const struct vlp_ring_desc *d, size_t n)
{
	json_begin_array(j, key);
	for (size_t i = 0; i < n; i++) {
		json_begin_object(j, NULL);
		json_uint(j, "index", d[i].index);
		json_uint(j, "addr", d[i].addr);
		json_uint(j, "len", d[i].len);
		json_flags(j, "flags", desc_flag_names(r), d[i].flags);
		if (r->format == VLP_RING_PACKED)
			json_uint(j, "id", d[i].id);
		else
			json_uint(j, "next", d[i].next);
		if (d[i].flags & VLP_DESC_F_INDIRECT)
			json_descs(j, "indirect", r, d[i].indirect, d[i].nindirect);
		json_end_object(j);
	}
	json_end_array(j);
}

/* The ring's findings of its last read, then those only sampling makes
 * (used.len across reads, 2.7.8.2): one list. */
static void json_findings_of(struct json *j, const struct vlp_queue_ring *q)
{
	const struct vlp_ring *r = q->ring;
	struct vlp_finding *all;
	size_t n = r->nfindings + q->nsample_findings;

	if (!q->nsample_findings || !(all = malloc(n * sizeof(*all)))) {
		json_finding_list(j, "findings", r->findings, r->nfindings);
		return;
	}
	if (r->nfindings)
		memcpy(all, r->findings, r->nfindings * sizeof(*all));
	memcpy(all + r->nfindings, q->sample_findings, q->nsample_findings * sizeof(*all));
	json_finding_list(j, "findings", all, n);
	free(all);
}

/* A host device (QEMU's indices beside each read): moved_while_sampled,
 * host_not_judged (what the host could not judge and why: a vhost
 * backend's queue, a packed ring's samples read after the ring; absent
 * when every sample was judged), and when moved, motion: {sample (the
 * first, 1-based), samples (how many moved), qemu_field, qemu, ring_field,
 * ring (the two values), read_first ("guest_ram" or "qemu"), evidence}. */
static void json_motion(struct json *j, const struct vlp_queue_ring *q)
{
	const struct vlp_host_motion *m = &q->verdict.motion;

	if (!q->host_samples)
		return;
	json_bool(j, "moved_while_sampled", m->moved);
	if (m->not_judged)
		json_string(j, "host_not_judged", m->not_judged);
	if (!m->moved)
		return;
	json_begin_object(j, "motion");
	json_uint(j, "sample", m->sample);
	json_uint(j, "samples", m->samples);
	json_string(j, "qemu_field", m->qemu_field);
	json_uint(j, "qemu", m->qemu);
	json_string(j, "ring_field", m->ring_field);
	json_uint(j, "ring", m->ring);
	json_string(j, "read_first", m->after_ring ? "guest_ram" : "qemu");
	json_string(j, "evidence", m->evidence);
	json_end_object(j);
}

/* verdict: {state, section, evidence, samples, rates: {avail_per_s,
 * used_per_s, irq_per_s}}; rates null for a single read; host_cause (what
 * only QEMU's side shows, a name of vlp_host_cause_name) when there is one;
 * a host device's motion (json_motion). */
static void json_verdict(struct json *j, const struct vlp_queue_ring *q)
{
	const struct vlp_verdict *vd = &q->verdict;

	json_begin_object(j, "verdict");
	json_string(j, "state", vlp_verdict_state_name(vd->state));
	json_string(j, "section", vd->section);
	json_string(j, "evidence", vd->evidence);
	if (vd->host_cause != VLP_HOST_CAUSE_NONE)
		json_string(j, "host_cause", vlp_host_cause_name(vd->host_cause));
	json_motion(j, q);
	json_uint(j, "samples", q->nsamples);
	if (!vd->rates_valid || vd->state == VLP_VERDICT_NOT_SAMPLED) {
		json_null(j, "rates");
	} else {
		json_begin_object(j, "rates");
		json_real(j, "avail_per_s", vd->avail_per_s);
		json_real(j, "used_per_s", vd->used_per_s);
		if (vd->irq_rate_valid)
			json_real(j, "irq_per_s", vd->irq_per_s);
		else
			json_null(j, "irq_per_s");
		json_end_object(j);
	}
	json_end_object(j);
}

/* The ring of a queue.  Its chains as text shows them: each with its
 * descriptor count and bytes both ways (text's -vv line); the descriptors
 * themselves from -vvv, as text lists them (null below), so that the
 * output stays proportional to what was asked. */
static void json_ring(struct json *j, const struct vlp_rings *rs, const struct vlp_queue_ring *q,
		      int verbose)
{
	const struct vlp_ring *r = q ? q->ring : NULL;

	json_begin_object(j, "ring");
	json_string(j, "format", q ? vlp_ring_format_name(q->params.format) : NULL);
	json_string(j, "source", r ? rs->source : NULL);
	json_string(j, "error",
		    r                  ? NULL
		    : rs->error[0]     ? rs->error
		    : q && q->error[0] ? q->error
				       : "not read");
	if (!r) {
		json_end_object(j);
		return;
	}
	if (r->format == VLP_RING_PACKED) {
		json_begin_object(j, "driver_event");
		json_uint(j, "off_wrap", r->driver_event.desc);
		json_string(j, "flags",
			    vlp_names_lookup(vlp_event_flag_names(), r->driver_event.flags));
		json_end_object(j);
		json_begin_object(j, "device_event");
		json_uint(j, "off_wrap", r->device_event.desc);
		json_string(j, "flags",
			    vlp_names_lookup(vlp_event_flag_names(), r->device_event.flags));
		json_end_object(j);
		json_uint(j, "next_avail", r->next_avail);
		json_bool(j, "avail_wrap", r->avail_wrap);
	} else {
		json_begin_object(j, "avail");
		json_flags(j, "flags", vlp_avail_flag_names(), r->avail.flags);
		json_uint(j, "idx", r->avail.idx);
		json_uint(j, "used_event", r->avail.used_event);
		json_begin_array(j, "ring");
		for (unsigned i = 0; r->avail.ring && i < r->size; i++)
			json_uint(j, NULL, r->avail.ring[i]);
		json_end_array(j);
		json_end_object(j);
		json_begin_object(j, "used");
		json_flags(j, "flags", vlp_used_flag_names(), r->used.flags);
		json_uint(j, "idx", r->used.idx);
		json_uint(j, "avail_event", r->used.avail_event);
		json_begin_array(j, "ring");
		for (size_t i = 0; i < r->used.nlast; i++) {
			json_begin_object(j, NULL);
			json_uint(j, "position", r->used.last[i].position);
			json_uint(j, "id", r->used.last[i].id);
			json_uint(j, "len", r->used.last[i].len);
			json_end_object(j);
		}
		json_end_array(j);
		json_end_object(j);
	}
	json_uint(j, "in_flight", r->in_flight);
	json_begin_array(j, "chains");
	for (size_t c = 0; c < r->nchains; c++) {
		const struct vlp_ring_chain *ch = &r->chains[c];
		uint64_t out = 0, in = 0;
		size_t count = 0;

		json_begin_object(j, NULL);
		json_uint(j, "position", ch->position);
		json_uint(j, "head", ch->head);
		if (r->format == VLP_RING_PACKED)
			json_uint(j, "id", ch->id);
		json_bool(j, "complete", ch->complete);
		chain_bytes(ch->descs, ch->ndescs, &out, &in, &count);
		json_uint(j, "descriptor_count", count);
		json_uint(j, "bytes_to_device", out);
		json_uint(j, "bytes_from_device", in);
		if (verbose >= 3)
			json_descs(j, "descriptors", r, ch->descs, ch->ndescs);
		else
			json_null(j, "descriptors");
		json_end_object(j);
	}
	json_end_array(j);
	json_findings_of(j, q);
	json_uint(j, "bytes_read", r->bytes_read);
	json_verdict(j, q);
	json_end_object(j);
}

void json_queue_extras(struct output *o, const struct device_view *v, bool legacy,
		       const struct vlp_queue_state *q)
{
	struct json *j = &o->json;
	enum vlp_queue_role role = VLP_QUEUE_OTHER;
	char name[32];

	format_queue_name(name, sizeof(name), v, legacy, q->index, &role);
	json_string(j, "name", name);
	json_string(j, "role", vlp_queue_role_name(role));
	json_irq(j, v, q, legacy);
	/* The ring only when asked (--rings): it reads guest memory. */
	if (v->rings_asked && (!v->rings || v->rings->legacy == legacy))
		json_ring(j, v->rings ? v->rings : &(struct vlp_rings){ 0 },
			  vlp_rings_queue(v->rings, legacy, q->index), o->opts.verbose);
}

/* ------------------------------------------------------------------ text */

static void text_descs(struct output *o, const struct vlp_ring *r, const struct vlp_ring_desc *d,
		       size_t n, const char *indent)
{
	char flags[96];

	for (size_t i = 0; i < n; i++) {
		format_bit_names(flags, sizeof(flags), desc_flag_names(r), d[i].flags);
		fprintf(o->f, "%sdesc %u: addr 0x%" PRIx64 " len %u%s%s", indent, d[i].index,
			d[i].addr, d[i].len, flags[0] ? " " : "", flags);
		if (r->format == VLP_RING_PACKED)
			fprintf(o->f, " id %u\n", d[i].id);
		else if (d[i].flags & VLP_DESC_F_NEXT)
			fprintf(o->f, " next %u\n", d[i].next);
		else
			fputc('\n', o->f);
		if (d[i].flags & VLP_DESC_F_INDIRECT) {
			char deeper[16];

			snprintf(deeper, sizeof(deeper), "%s\t", indent);
			text_descs(o, r, d[i].indirect, d[i].nindirect, deeper);
		}
	}
}

void text_ring_chain(struct output *o, const struct vlp_ring *r, const struct vlp_ring_chain *ch)
{
	uint64_t out = 0, in = 0;
	size_t count = 0;

	chain_bytes(ch->descs, ch->ndescs, &out, &in, &count);
	fprintf(o->f,
		"\t\t\tchain at %u: head %u, %zu descriptor%s, %" PRIu64
		" bytes to the device, %" PRIu64 " from it%s\n",
		ch->position, ch->head, count, count == 1 ? "" : "s", out, in,
		ch->complete ? "" : " (incomplete)");
	if (o->opts.verbose >= 3)
		text_descs(o, r, ch->descs, ch->ndescs, "\t\t\t\t");
}

static void text_finding(struct output *o, const struct vlp_finding *f)
{
	if (f->severity == VLP_SEV_INFO && o->opts.verbose < 3)
		return;
	fprintf(o->f, "\t\t\t%s [%s]: %s\n",
		f->severity == VLP_SEV_ERROR     ? "Error"
		: f->severity == VLP_SEV_WARNING ? "Warning"
						 : "Note",
		f->section ? f->section : "-", f->message);
}

/* ", progressing 12.0 used/s" at the end of the queue's line (--sample). */
static void text_verdict(struct output *o, const struct vlp_queue_ring *q)
{
	const struct vlp_verdict *vd = &q->verdict;
	char words[96];

	format_verdict(words, sizeof(words), vd);
	fprintf(o->f, ", %s", words);
	if (vd->state == VLP_VERDICT_PROGRESSING && vd->rates_valid) {
		fprintf(o->f, " (%.1f avail/s, %.1f used/s", vd->avail_per_s, vd->used_per_s);
		if (vd->irq_rate_valid)
			fprintf(o->f, ", %.1f IRQ/s", vd->irq_per_s);
		fputc(')', o->f);
	}
}

void text_queue_ring(struct output *o, const struct vlp_queue_ring *q, bool sampled)
{
	const struct vlp_ring *r = q->ring;
	char flags[64];

	fprintf(o->f, "\t\tQueue %u %s (%s, %s, size %u): ", q->index, q->name,
		vlp_queue_role_name(q->role), vlp_ring_format_name(q->params.format), q->params.size);
	if (!r) {
		fprintf(o->f, "%s\n", q->error[0] ? q->error : "not read");
		return;
	}
	if (r->format == VLP_RING_PACKED)
		fprintf(o->f, "next avail %u wrap %u, in flight %u", r->next_avail, r->avail_wrap,
			r->in_flight);
	else
		fprintf(o->f, "avail %u, used %u, in flight %u", r->avail.idx, r->used.idx,
			r->in_flight);
	/* The verdict only when sampling was asked for: a single read's
	 * text stays what it was (JSON always says not-sampled). */
	if (sampled)
		text_verdict(o, q);
	fputc('\n', o->f);
	if (sampled && o->opts.verbose >= 2)
		fprintf(o->f, "\t\t\tverdict: %s%s%s%s\n", q->verdict.evidence,
			q->verdict.section ? " (" : "",
			q->verdict.section ? q->verdict.section : "", q->verdict.section ? ")" : "");
	/* A host device: the two reads of a sample that disagree (a single
	 * read's too: it is a sample of its own). */
	if (q->verdict.motion.moved && o->opts.verbose >= 2)
		fprintf(o->f, "\t\t\tmoved while sampled: %u of %zu samples; sample %u: %s\n",
			q->verdict.motion.samples, q->nsamples, q->verdict.motion.sample,
			q->verdict.motion.evidence);
	if (q->verdict.motion.not_judged && o->opts.verbose >= 2)
		fprintf(o->f, "\t\t\thost: not judged: %s\n", q->verdict.motion.not_judged);
	if (o->opts.verbose >= 2) {
		if (r->format == VLP_RING_PACKED) {
			fprintf(o->f,
				"\t\t\tdriver event %s off_wrap %u, device event %s off_wrap %u\n",
				vlp_event_flags_name(r->driver_event.flags), r->driver_event.desc,
				vlp_event_flags_name(r->device_event.flags), r->device_event.desc);
		} else {
			format_bit_names(flags, sizeof(flags), vlp_avail_flag_names(), r->avail.flags);
			fprintf(o->f, "\t\t\tavail flags 0x%x%s%s%s used_event %u; ", r->avail.flags,
				flags[0] ? " (" : "", flags, flags[0] ? ")" : "", r->avail.used_event);
			format_bit_names(flags, sizeof(flags), vlp_used_flag_names(), r->used.flags);
			fprintf(o->f, "used flags 0x%x%s%s%s avail_event %u\n", r->used.flags,
				flags[0] ? " (" : "", flags, flags[0] ? ")" : "", r->used.avail_event);
		}
		for (size_t c = 0; c < r->nchains; c++)
			text_ring_chain(o, r, &r->chains[c]);
		if (r->nchains < r->in_flight)
			fprintf(o->f, "\t\t\t(%zu of %u in-flight chains shown)\n", r->nchains,
				r->in_flight);
		for (size_t i = 0; o->opts.verbose >= 3 && i < r->used.nlast; i++)
			fprintf(o->f, "\t\t\tused at %u: id %u len %u\n", r->used.last[i].position,
				r->used.last[i].id, r->used.last[i].len);
	}
	for (size_t i = 0; i < r->nfindings; i++)
		text_finding(o, &r->findings[i]);
	for (size_t i = 0; i < q->nsample_findings; i++)
		text_finding(o, &q->sample_findings[i]);
	if (r->findings_omitted)
		fprintf(o->f, "\t\t\t(%zu more findings)\n", r->findings_omitted);
}

void text_rings(struct output *o, const struct device_view *v)
{
	const struct vlp_rings *rs = v->rings;

	if (!v->rings_asked)
		return;
	if (!rs) {
		fprintf(o->f, "\tRings: unavailable (%s)\n",
			v->rings_error ? v->rings_error : "no register state");
		return;
	}
	if (rs->error[0]) {
		fprintf(o->f, "\tRings: unavailable (%s)\n", rs->error);
		return;
	}
	fprintf(o->f, "\tRings (%s interface, guest memory: %s):\n",
		rs->legacy ? "legacy" : "modern", rs->source);
	if (v->sample_count && v->samples_repeat)
		fprintf(o->f,
			"\tSamples: %zu of %u asked: a snapshot is one moment of ring memory, decoded once, not sampled\n",
			rs->nsamples, v->sample_count);
	else if (v->sample_count)
		fprintf(o->f, "\tSamples: %zu of %u, %u ms apart, no BAR access after the first\n",
			rs->nsamples, v->sample_count, v->sample_interval_ms);
	for (size_t i = 0; i < rs->nqueues; i++) {
		if (!rs->queues[i].enabled && o->opts.verbose < 2)
			continue;
		text_queue_ring(o, &rs->queues[i], v->sample_count > 0);
	}
	if (rs->incomplete[0])
		fprintf(o->f, "\tRings incomplete: %s\n", rs->incomplete);
}
