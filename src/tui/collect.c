/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live view's data: reads the device through the library (the same
 * state reader, selector save/restore and lock as the printers), notices a
 * device that went away, and remembers what each displayed value was so
 * that changes can be highlighted.  No curses here.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"

double tui_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* ------------------------------------------------------- model access */

/* The block of the interface the driver uses (the library's one answer,
 * vlp_legacy_interface_in_use), NULL when it was not read. */
static const struct vlp_regs *in_use(const struct vlp_state *s, const struct vlp_regs *modern,
				     const struct vlp_regs *legacy)
{
	const struct vlp_regs *r = vlp_legacy_interface_in_use(s) ? legacy : modern;

	return r->table ? r : NULL;
}

const struct vlp_regs *tui_config_regs(const struct vlp_state *s)
{
	return s ? in_use(s, &s->common, &s->legacy) : NULL;
}

const struct vlp_field_value *tui_reg(const struct vlp_regs *regs, int common_row, int legacy_row,
				      const struct vlp_field **field)
{
	int row = !regs || !regs->table                      ? -1
		  : regs->table == vlp_common_cfg_table()    ? common_row
		  : regs->table == vlp_legacy_header_table() ? legacy_row
							     : -1;
	const struct vlp_field *f = row >= 0 ? &regs->table->fields[row] : NULL;

	if (field)
		*field = f;
	if (!f || !regs->values[f - regs->table->fields].present)
		return NULL;
	return &regs->values[f - regs->table->fields];
}

const struct vlp_queue_state *tui_queues(const struct vlp_state *s, size_t *n)
{
	*n = 0;
	if (!s)
		return NULL;
	if (!vlp_legacy_interface_in_use(s)) {
		*n = s->nqueues;
		return s->queues;
	}
	*n = s->nlegacy_queues;
	return s->legacy_queues;
}

const struct vlp_regs *tui_device_regs(const struct vlp_state *s)
{
	return s ? in_use(s, &s->device, &s->legacy_device) : NULL;
}

void tui_features(const struct vlp_state *s, bool driver, struct vlp_val words[VLP_FEATURE_WORDS])
{
	const struct vlp_field_value *v;

	memset(words, 0, sizeof(*words) * VLP_FEATURE_WORDS);
	if (!s)
		return;
	if (!vlp_legacy_interface_in_use(s)) {
		for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++)
			words[w] = driver ? s->driver_features[w] : s->device_features[w];
		return;
	}
	/* The legacy header has bits 0-31 only (4.1.4.10). */
	v = tui_reg(&s->legacy, -1, driver ? VLP_LEGACY_GUEST_FEATURES : VLP_LEGACY_HOST_FEATURES,
		    NULL);
	if (v)
		words[0] = (struct vlp_val){ v->value, v->valid };
}

/* ------------------------------------------------------- changes */

/* FNV-1a, 64-bit: keys and shown texts are compared by hash. */
static uint64_t hash_text(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h ? h : 1; /* 0 marks an empty slot */
}

static struct tui_change *change_slot(struct tui_change *table, size_t cap, uint64_t key)
{
	size_t i = (size_t)key & (cap - 1);

	while (table[i].key && table[i].key != key)
		i = (i + 1) & (cap - 1);
	return &table[i];
}

static bool changes_grow(struct tui_data *d)
{
	size_t cap = d->changes_cap ? d->changes_cap * 2 : 256;
	struct tui_change *t = calloc(cap, sizeof(*t));

	if (!t)
		return false;
	for (size_t i = 0; i < d->changes_cap; i++)
		if (d->changes[i].key)
			*change_slot(t, cap, d->changes[i].key) = d->changes[i];
	free(d->changes);
	d->changes = t;
	d->changes_cap = cap;
	return true;
}

bool tui_changed(struct tui_data *d, const char *key, const char *text)
{
	uint64_t k = hash_text(key), v = hash_text(text);
	struct tui_change *c;

	if ((d->nchanges + 1) * 2 > d->changes_cap && !changes_grow(d))
		return false;
	c = change_slot(d->changes, d->changes_cap, k);
	if (!c->key) {
		/* First seen: nothing to compare with. */
		*c = (struct tui_change){ k, v, 0 };
		d->nchanges++;
		return false;
	}
	if (c->value != v) {
		c->value = v;
		c->changed_at = d->refreshes;
	}
	return c->changed_at && d->refreshes - c->changed_at < TUI_HIGHLIGHT_REFRESHES;
}

/* ------------------------------------------------------- reading */

/* The driver bound now: drivers come and go while the view runs. */
static void read_driver(struct tui_data *d)
{
	const struct session *s = d->session;
	const char *driver = vlp_device_driver(s->dev);

	if (vlp_device_origin(s->dev) != VLP_ORIGIN_LIVE) {
		snprintf(d->driver, sizeof(d->driver), "%s", driver ? driver : "");
		return;
	}
	vlp_host_driver(NULL, vlp_device_slot(s->dev), d->driver, sizeof(d->driver));
}

/* A live device is there while sysfs lists it and its vendor ID reads as
 * something other than all ones (what a removed device answers). */
static bool still_there(struct tui_data *d)
{
	struct session *s = d->session;
	char path[PATH_MAX];
	uint32_t vendor;
	int err;

	if (vlp_device_origin(s->dev) != VLP_ORIGIN_LIVE)
		return true;
	err = vlp_host_slot_present(NULL, vlp_device_slot(s->dev), path, sizeof(path));
	if (err) {
		snprintf(d->error, sizeof(d->error), "%.200s is gone: %s", path, strerror(-err));
		return false;
	}
	if (vlp_config_read(s->ctx, s->dev, 0, 2, &vendor)) {
		snprintf(d->error, sizeof(d->error), "config space no longer readable: %s",
			 vlp_ctx_error(s->ctx));
		return false;
	}
	if (vendor == 0xffff) {
		snprintf(d->error, sizeof(d->error),
			 "the vendor ID reads 0xffff: the device was removed or is not responding");
		return false;
	}
	return true;
}

/* A removed device's mapped BAR can raise SIGBUS on access: the read is
 * abandoned and the device taken as gone rather than the process killed. */
static sigjmp_buf bus_error_jump;

static void on_bus_error(int sig)
{
	(void)sig;
	siglongjmp(bus_error_jump, 1);
}

/* Registers reading all ones are what a vanished device answers: status
 * 0xff has every bit set, including FAILED and NEEDS_RESET together. */
static bool reads_all_ones(const struct vlp_state *s)
{
	const struct vlp_field_value *status =
		tui_reg(tui_config_regs(s), VLP_COMMON_DEVICE_STATUS, VLP_LEGACY_DEVICE_STATUS, NULL);

	return status && status->valid && status->value == 0xff;
}

static void collect_state(struct tui_data *d, unsigned skip)
{
	struct session *s = d->session;
	struct vlp_state_opts sopts = { .passive = d->opts->passive, .skip = skip };
	struct vlp_state *state = NULL;
	struct sigaction sa = { 0 }, old;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &d->read_at);
	d->refreshes++;
	d->skipped = skip;
	d->error[0] = '\0';
	read_driver(d);
	vlp_state_free(d->state);
	d->state = NULL;
	d->gone = !still_there(d);
	if (d->gone)
		return;
	/* "registers: none (why)" is the line the view opens with, above the
	 * capability/BAR map, when there is no register state. */
	if (!s->bars) {
		if (vlp_device_origin(s->dev) == VLP_ORIGIN_DUMP)
			snprintf(d->error, sizeof(d->error),
				 "registers: none (dump: config space only)");
		else
			snprintf(d->error, sizeof(d->error), "registers: none (%.480s)", s->bars_error);
		return;
	}
	if (vlp_device_open_bars(s->ctx, s->dev, s->layout, &d->bar_opts)) {
		snprintf(d->error, sizeof(d->error), "registers: none (no BAR access: %.460s)",
			 vlp_ctx_error(s->ctx));
		return;
	}
	snprintf(d->backend, sizeof(d->backend), "%s", vlp_device_backend(s->dev));
	sa.sa_handler = on_bus_error;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_error_jump, 1)) {
		sigaction(SIGBUS, &old, NULL);
		/* The reader's allocations of this read are lost: once, at most. */
		vlp_device_close_bars(s->dev);
		s->bars = false;
		snprintf(s->bars_error, sizeof(s->bars_error), "a BAR access failed (SIGBUS)");
		snprintf(d->error, sizeof(d->error), "a BAR access failed (SIGBUS): device removed?");
		d->gone = true;
		return;
	}
	err = vlp_read_state(s->ctx, s->dev, s->layout, &sopts, &state);
	sigaction(SIGBUS, &old, NULL);
	vlp_device_close_bars(s->dev);
	if (err) {
		snprintf(d->error, sizeof(d->error), "register state not readable: %s",
			 vlp_ctx_error(s->ctx));
		return;
	}
	d->state = state;
	if (reads_all_ones(state) && vlp_device_origin(s->dev) == VLP_ORIGIN_LIVE) {
		snprintf(d->error, sizeof(d->error),
			 "device_status reads 0xff: the device was removed or is not responding");
		d->gone = true;
		return;
	}
	for (unsigned driver = 0; driver < 2; driver++) {
		struct vlp_val words[VLP_FEATURE_WORDS];

		tui_features(state, driver, words);
		for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++)
			if (words[w].valid)
				d->features_seen[w] |= (uint32_t)words[w].value;
	}
	for (size_t i = 0; i < state->nfindings && !d->error[0]; i++)
		if (state->findings[i].severity != VLP_SEV_INFO)
			snprintf(d->error, sizeof(d->error), "%s", state->findings[i].message);
}

/* ------------------------------------------------------- the map */

static void lines_free(char ***lines, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*lines)[i]);
	free(*lines);
	*lines = NULL;
	*n = 0;
}

/* A printer's text as screen lines: the first `strip` tabs of each line
 * dropped, other tabs as two spaces.  Takes text (freed here). */
static void lines_set(char ***lines, size_t *nlines, char *text, unsigned strip)
{
	char *line, *save = NULL;
	size_t n = 0;

	lines_free(lines, nlines);
	for (char *p = text; p && *p; p++)
		n += *p == '\n';
	*lines = calloc(n + 1, sizeof(**lines));
	for (line = *lines ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t tabs = 0, j = 0;
		char *copy;

		for (unsigned k = 0; k < strip && *line == '\t'; k++)
			line++;
		for (char *p = line; *p; p++)
			tabs += *p == '\t';
		copy = malloc(strlen(line) + tabs + 1);
		if (!copy)
			break;
		for (char *p = line; *p; p++) {
			if (*p == '\t') {
				copy[j++] = ' ';
				copy[j++] = ' ';
			} else {
				copy[j++] = *p;
			}
		}
		copy[j] = '\0';
		(*lines)[(*nlines)++] = copy;
	}
	free(text);
}

/* The text printer's -v output of the decoded config space (capabilities,
 * BAR map, which structures a driver uses), tabs as two spaces. */
void tui_map_render(struct tui_data *d)
{
	struct session *s = d->session;
	struct output out = { 0 };
	struct device_view view = { .dev = s->dev, .layout = s->layout };
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	lines_free(&d->map_lines, &d->nmap_lines);
	f = open_memstream(&text, &size);
	if (!f)
		return;
	out.f = f;
	out.ctx = s->ctx;
	out.opts.verbose = 1;
	out.opts.domains = true;
	text_printer.device(&out, &view);
	fclose(f);
	lines_set(&d->map_lines, &d->nmap_lines, text, 0);
}

/* ------------------------------------------------------- rings */

const struct vlp_queue_ring *tui_ring(const struct tui_data *d, unsigned index,
				      const struct tui_ring_sample **sample)
{
	if (sample)
		*sample = NULL;
	for (size_t i = 0; d->rings && i < d->rings->nqueues; i++)
		if (d->rings->queues[i].index == index) {
			if (sample && i < d->nsamples)
				*sample = &d->samples[i];
			return &d->rings->queues[i];
		}
	return NULL;
}

const char *tui_queue_verdict(const struct tui_ring_sample *s)
{
	if (!s || !s->read)
		return "-";
	return s->verdict_text[0] ? s->verdict_text : vlp_verdict_state_name(s->verdict);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t reg_value(const struct vlp_regs *regs, const struct vlp_field_table *t, unsigned row)
{
	const struct vlp_field_value *v = regs->table ? vlp_regs_row(regs, t, row) : NULL;

	return v && v->valid ? v->value : ~0ull;
}

/* What the ring addresses depend on, hashed: config_generation (4.1.4.3),
 * device_status (a reset or a new driver), each queue's queue_enable
 * (legacy: its Queue Address, 4.1.4.10).  The registers are read at every
 * refresh anyway; the rings are located again only when this changes. */
static uint64_t rings_key(const struct vlp_state *s)
{
	const struct vlp_field_table *c = vlp_common_cfg_table(), *l = vlp_legacy_header_table();
	uint64_t h = 0xcbf29ce484222325ull;

	h = mix(h, reg_value(&s->common, c, VLP_COMMON_CONFIG_GENERATION));
	h = mix(h, reg_value(&s->common, c, VLP_COMMON_DEVICE_STATUS));
	h = mix(h, reg_value(&s->legacy, l, VLP_LEGACY_DEVICE_STATUS));
	h = mix(h, s->nqueues);
	for (size_t i = 0; i < s->nqueues; i++)
		h = mix(h, reg_value(&s->queues[i].regs, c, VLP_COMMON_QUEUE_ENABLE));
	h = mix(h, s->nlegacy_queues);
	for (size_t i = 0; i < s->nlegacy_queues; i++)
		h = mix(h, reg_value(&s->legacy_queues[i].regs, l, VLP_LEGACY_QUEUE_ADDRESS));
	return h;
}

/* This refresh's step of every ring's series (the library's sampler: the
 * samples, Linux's counts, the verdict) and what the Queues panel shows of
 * it: the indices read and the rates against the refresh before. */
static void take_samples(struct tui_data *d, double t)
{
	struct session *s = d->session;
	size_t n = d->rings->nqueues;

	if (d->nsamples != n) {
		free(d->samples);
		d->samples = calloc(n ? n : 1, sizeof(*d->samples));
		d->nsamples = d->samples ? n : 0;
	}
	if (vlp_rings_step(s->ctx, s->dev, d->state, d->rings, d->irqs, t, TUI_VERDICT_WINDOW)) {
		snprintf(d->rings_error, sizeof(d->rings_error), "%s", vlp_ctx_error(s->ctx));
		return;
	}
	for (size_t i = 0; i < d->nsamples; i++) {
		const struct vlp_queue_ring *q = &d->rings->queues[i];
		const struct vlp_ring *r = q->ring;
		struct tui_ring_sample *smp = &d->samples[i];

		memset(smp, 0, sizeof(*smp));
		if (!r)
			continue;
		smp->read = true;
		smp->packed = r->format == VLP_RING_PACKED;
		smp->avail = smp->packed ? r->next_avail : r->avail.idx;
		smp->used = smp->packed ? 0 : r->used.idx;
		smp->in_flight = r->in_flight;
		if (q->nsamples >= 2)
			vlp_queue_rates(&q->samples[q->nsamples - 2], &q->samples[q->nsamples - 1],
					&smp->rates);
		smp->verdict = q->verdict.state;
		/* The --sample text's words: "STATE (host: CAUSE)" */
		smp->host_cause = q->verdict.host_cause;
		smp->moved = q->verdict.motion.moved;
		format_verdict(smp->verdict_text, sizeof(smp->verdict_text), &q->verdict);
	}
}

static void rings_drop(struct tui_data *d)
{
	vlp_rings_free(d->rings);
	d->rings = NULL;
	free(d->samples);
	d->samples = NULL;
	d->nsamples = 0;
}

/* The rings at this refresh: located from the state just read when what
 * they depend on changed, else read again from memory only. */
static void collect_rings(struct tui_data *d)
{
	struct session *s = d->session;
	bool live = vlp_device_origin(s->dev) == VLP_ORIGIN_LIVE;
	struct vlp_rings *before;
	struct timespec now;
	uint64_t key;

	if (!d->rings_on)
		return;
	d->rings_error[0] = '\0';
	if (!d->state) {
		rings_drop(d);
		snprintf(d->rings_error, sizeof(d->rings_error), "%s",
			 vlp_device_origin(s->dev) == VLP_ORIGIN_DUMP
				 ? "a dump holds config space only"
				 : "no register state: the ring addresses are registers");
		return;
	}
	/* The queues were not read this time (map or help shown): the rings
	 * stay as they were. */
	if (d->skipped & VLP_STATE_SKIP_QUEUES) {
		if (d->rings && d->rings->error[0])
			snprintf(d->rings_error, sizeof(d->rings_error), "%s", d->rings->error);
		return;
	}
	key = rings_key(d->state);
	if (!d->rings || key != d->rings_key || d->rings_reread) {
		/* Read again at the same addresses ('r'): the series go on. */
		before = d->rings && key == d->rings_key ? d->rings : NULL;
		if (!before)
			vlp_rings_free(d->rings);
		d->rings = NULL;
		d->rings_reread = false;
		/* Each location of the rings has the decoding budget of a run. */
		ring_memory_new_budget(&d->mem);
		if (ring_memory_read(s->ctx, &d->mem, s->dev, s->layout, d->state, &d->rings)) {
			vlp_rings_free(before);
			rings_drop(d);
			snprintf(d->rings_error, sizeof(d->rings_error), "%s", vlp_ctx_error(s->ctx));
			return;
		}
		d->rings_key = key;
		/* Out of memory: those series start over. */
		(void)vlp_rings_keep_samples(d->rings, before);
		vlp_rings_free(before);
	} else if (d->rings->mem && vlp_rings_sample(s->ctx, d->rings) && !d->rings->incomplete[0]) {
		rings_drop(d);
		snprintf(d->rings_error, sizeof(d->rings_error), "%s", vlp_ctx_error(s->ctx));
		return;
	}
	/* Rings decoded in part (the budget ran out, no memory) are shown,
	 * with why they are incomplete. */
	if (d->rings->error[0])
		snprintf(d->rings_error, sizeof(d->rings_error), "%s", d->rings->error);
	else if (d->rings->incomplete[0])
		snprintf(d->rings_error, sizeof(d->rings_error), "%s", d->rings->incomplete);
	/* Linux's counts: procfs, no device access. */
	vlp_irqs_free(d->irqs);
	d->irqs = NULL;
	if (live && vlp_irqs_read(s->ctx, vlp_device_slot(s->dev), NULL, &d->irqs))
		d->irqs = NULL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	take_samples(d, (double)now.tv_sec + now.tv_nsec / 1e9);
}

void tui_chains_render(struct tui_data *d, unsigned index)
{
	const struct vlp_queue_ring *q = tui_ring(d, index, NULL);
	struct output out = { 0 };
	char *text = NULL;
	size_t size = 0;

	if (d->chain_lines_at == d->refreshes && d->chain_lines_queue == (int)index && d->chain_lines)
		return;
	d->chain_lines_at = d->refreshes;
	d->chain_lines_queue = (int)index;
	out.f = open_memstream(&text, &size);
	if (!out.f)
		return;
	out.ctx = d->session->ctx;
	out.opts.verbose = 3;
	if (q)
		text_queue_ring(&out, q, false);
	else
		fprintf(out.f, "Queue %u: ring not read (%s)\n", index,
			d->rings_error[0] ? d->rings_error : "no such queue");
	fclose(out.f);
	lines_set(&d->chain_lines, &d->nchain_lines, text, 2);
}

void tui_data_init(struct tui_data *d, struct session *s, const struct options *o,
		   const struct vlp_bar_opts *bar_opts)
{
	memset(d, 0, sizeof(*d));
	d->session = s;
	d->opts = o;
	d->bar_opts = *bar_opts;
	if (s->bars) {
		snprintf(d->backend, sizeof(d->backend), "%s", vlp_device_backend(s->dev));
		vlp_device_close_bars(s->dev);
	}
	d->is_static = vlp_device_origin(s->dev) != VLP_ORIGIN_LIVE;
	d->rings_on = o->rings;
	d->chain_lines_queue = -1;
	tui_map_render(d);
}

void tui_data_free(struct tui_data *d)
{
	vlp_state_free(d->state);
	free(d->changes);
	lines_free(&d->map_lines, &d->nmap_lines);
	lines_free(&d->chain_lines, &d->nchain_lines);
	rings_drop(d);
	vlp_irqs_free(d->irqs);
	ring_memory_close(&d->mem);
	memset(d, 0, sizeof(*d));
}

void tui_collect(struct tui_data *d, unsigned skip)
{
	collect_state(d, skip);
	if (!d->gone)
		collect_rings(d);
}
