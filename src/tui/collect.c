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
#include <sys/stat.h>
#include <unistd.h>

#include "tui.h"

double tui_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* ------------------------------------------------------- model access */

/* The modern block when it was read, else the legacy one (4.1.4.10). */
static const struct vlp_regs *modern_or_legacy(const struct vlp_regs *modern,
					       const struct vlp_regs *legacy)
{
	if (modern->table)
		return modern;
	return legacy->table ? legacy : NULL;
}

const struct vlp_regs *tui_config_regs(const struct vlp_state *s)
{
	return s ? modern_or_legacy(&s->common, &s->legacy) : NULL;
}

const struct vlp_field_value *tui_reg(const struct vlp_regs *regs, int common_row, int legacy_row,
				      const struct vlp_field **field)
{
	int row = !regs || !regs->table			       ? -1
		  : regs->table == vlp_common_cfg_table()      ? common_row
		  : regs->table == vlp_legacy_header_table()   ? legacy_row
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
	if (s->common.table) {
		*n = s->nqueues;
		return s->queues;
	}
	*n = s->nlegacy_queues;
	return s->legacy_queues;
}

const struct vlp_regs *tui_device_regs(const struct vlp_state *s)
{
	return s ? modern_or_legacy(&s->device, &s->legacy_device) : NULL;
}

void tui_features(const struct vlp_state *s, bool driver, struct vlp_val words[VLP_FEATURE_WORDS])
{
	const struct vlp_field_value *v;

	memset(words, 0, sizeof(*words) * VLP_FEATURE_WORDS);
	if (!s)
		return;
	if (s->common.table) {
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

static void sysfs_path(char *buf, size_t len, const struct session *s, const char *leaf)
{
	snprintf(buf, len, "/sys/bus/pci/devices/%s%s%s", s->name, leaf ? "/" : "", leaf ? leaf : "");
}

/* The driver bound now: drivers come and go while the view runs. */
static void read_driver(struct tui_data *d)
{
	const struct session *s = d->session;
	char path[PATH_MAX], target[PATH_MAX];
	const char *driver = vlp_device_driver(s->dev), *slash;
	ssize_t n;

	if (vlp_device_origin(s->dev) != VLP_ORIGIN_LIVE) {
		snprintf(d->driver, sizeof(d->driver), "%s", driver ? driver : "");
		return;
	}
	sysfs_path(path, sizeof(path), s, "driver");
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		d->driver[0] = '\0';
		return;
	}
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(d->driver, sizeof(d->driver), "%.63s", slash ? slash + 1 : target);
}

/* A live device is there while sysfs lists it and its vendor ID reads as
 * something other than all ones (what a removed device answers). */
static bool still_there(struct tui_data *d)
{
	struct session *s = d->session;
	char path[PATH_MAX];
	struct stat st;
	uint32_t vendor;

	if (vlp_device_origin(s->dev) != VLP_ORIGIN_LIVE)
		return true;
	sysfs_path(path, sizeof(path), s, NULL);
	if (stat(path, &st)) {
		snprintf(d->error, sizeof(d->error), "%.200s is gone: %s", path, strerror(errno));
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
	const struct vlp_field_value *status = tui_reg(tui_config_regs(s), VLP_COMMON_DEVICE_STATUS,
								      VLP_LEGACY_DEVICE_STATUS, NULL);

	return status && status->valid && status->value == 0xff;
}

void tui_collect(struct tui_data *d, unsigned skip)
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
			snprintf(d->error, sizeof(d->error), "registers: none (dump: config space only)");
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

static void map_free(struct tui_data *d)
{
	for (size_t i = 0; i < d->nmap_lines; i++)
		free(d->map_lines[i]);
	free(d->map_lines);
	d->map_lines = NULL;
	d->nmap_lines = 0;
}

/* The text printer's -v output of the decoded config space (capabilities,
 * BAR map, which structures a driver uses), tabs as two spaces. */
void tui_map_render(struct tui_data *d)
{
	struct session *s = d->session;
	struct output out = { 0 };
	struct device_view view = { .dev = s->dev, .layout = s->layout };
	char *text = NULL, *line, *save = NULL;
	size_t size = 0, n = 0;
	FILE *f;

	map_free(d);
	f = open_memstream(&text, &size);
	if (!f)
		return;
	out.f = f;
	out.ctx = s->ctx;
	out.opts.verbose = 1;
	out.opts.domains = true;
	text_printer.device(&out, &view);
	fclose(f);
	for (char *p = text; p && *p; p++)
		n += *p == '\n';
	d->map_lines = calloc(n + 1, sizeof(*d->map_lines));
	for (line = d->map_lines ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t tabs = 0, j = 0;
		char *copy;

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
		d->map_lines[d->nmap_lines++] = copy;
	}
	free(text);
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
	tui_map_render(d);
}

void tui_data_free(struct tui_data *d)
{
	vlp_state_free(d->state);
	free(d->changes);
	map_free(d);
	memset(d, 0, sizeof(*d));
}
