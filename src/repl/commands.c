/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The REPL's commands.  Every register is named through the field tables
 * and reached through the library's register API, which keeps the spec's
 * access rules (widths, selectors saved and restored, config_generation,
 * ISR only on request).  Every write echoes the access made (the trace) and
 * the value read back.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"

#define INIT_QUEUES_MAX 64u  /* init sets up at most these */
#define POLL_ENTRIES_MAX 64u /* used entries one poll takes */

const char *const repl_sections[] = { "all",    "caps",   "map",  "status", "features",
				      "queues", "device", "msix", "legacy", NULL };

__attribute__((format(printf, 2, 3))) static int fail(struct repl *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int lib_fail(struct repl *r)
{
	return fail(r, "%s", vlp_ctx_error(r->ctx));
}

static const struct vlp_layout *layout(const struct repl *r)
{
	return r->s->layout;
}

static int need_bars(struct repl *r)
{
	if (r->s->bars)
		return 0;
	return fail(r, "no BAR access: %s", r->s->bars_error[0] ? r->s->bars_error : "not opened");
}

/* Destructive writes ask first when a person is at the terminal. */
static bool confirm(struct repl *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool confirm(struct repl *r, const char *fmt, ...)
{
	char line[64];
	va_list ap;

	if (!r->interactive || r->o->yes || r->o->dry_run)
		return true;
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputs(" [y/N] ", stdout);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

static int words_need(struct repl *r, const struct words *w, size_t min, size_t max)
{
	const struct command *c = repl_find_command(w->w[0]);

	if (w->n - 1 < min || w->n - 1 > max)
		return fail(r, "usage: %s", c ? c->synopsis : w->w[0]);
	return 0;
}

/* ------------------------------------------------------------ values */

/* "0x01 (ACKNOWLEDGE)" style text of a scalar value of a field; "(none)"
 * when a bit-named value has no bit set. */
static void describe_value(char *buf, size_t len, const struct vlp_field *f, uint64_t v)
{
	struct vlp_field_value fv = { true, true, v, NULL };
	struct vlp_field element = *f;

	/* one element of an array is shown as a scalar of its width */
	element.count = 0;
	element.flags &= ~(unsigned)(VLP_FIELD_STRING | VLP_FIELD_MAC);
	format_named_value(buf, len, &element, &fv, true);
}

static void reg_label(char *buf, size_t len, const struct repl *r, const struct vlp_reg *reg)
{
	int n = snprintf(buf, len, "%s.%s", vlp_block_name(reg->block), reg->field->name);

	if (reg->element >= 0)
		n += snprintf(buf + n, len - (size_t)n, "[%d]", reg->element);
	switch (reg->field->selector) {
	case VLP_SEL_QUEUE:
		snprintf(buf + n, len - (size_t)n, " (queue %u)", r->sel.queue);
		break;
	case VLP_SEL_DEVICE_FEATURE:
		snprintf(buf + n, len - (size_t)n, " (select %u)", r->sel.device_feature_select);
		break;
	case VLP_SEL_DRIVER_FEATURE:
		snprintf(buf + n, len - (size_t)n, " (select %u)", r->sel.driver_feature_select);
		break;
	case VLP_SEL_NONE:
		break;
	}
}

/* Reads a field (arrays element by element) as its text. */
static int read_text(struct repl *r, const struct vlp_reg *reg, char *buf, size_t len)
{
	const struct vlp_field *f = reg->field;
	unsigned count = f->count > 1 ? f->count : 1;
	uint64_t v;

	if (f->count > 1 && reg->element < 0) {
		struct vlp_field_value fv = { true, true, 0, NULL };
		struct vlp_reg one = *reg;
		uint8_t bytes[512];

		if ((size_t)count * f->width > sizeof(bytes))
			return fail(r, "%s: too large to show", f->name);
		for (unsigned i = 0; i < count; i++) {
			one.element = (int)i;
			if (vlp_reg_read(r->ctx, r->s->dev, layout(r), &one, &r->sel, 0, &v))
				return lib_fail(r);
			for (unsigned b = 0; b < f->width; b++)
				bytes[i * f->width + b] = (uint8_t)(v >> (8 * b));
		}
		fv.bytes = bytes;
		format_value(buf, len, f, &fv);
		return 0;
	}
	if (vlp_reg_read(r->ctx, r->s->dev, layout(r), reg, &r->sel, 0, &v))
		return lib_fail(r);
	describe_value(buf, len, f, v);
	return 0;
}

static int find_reg(struct repl *r, const char *name, struct vlp_reg *reg)
{
	if (vlp_reg_find(r->ctx, layout(r), name, reg))
		return lib_fail(r);
	if (!vlp_reg_exists(reg))
		return fail(r, "%s: at 0x%x, past the end of the %s structure (%" PRIu64 " bytes)",
			    reg->field->name, reg->field->offset, vlp_block_name(reg->block),
			    reg->length);
	return 0;
}

/* num_queues of the common configuration; 0 when unknown (the legacy
 * header has no count: queue indices are then not checked). */
static unsigned queue_count(struct repl *r)
{
	struct vlp_reg reg;
	uint64_t n = 0;

	if (!r->s->bars)
		return 0;
	if (vlp_reg_row(r->ctx, layout(r), VLP_BLOCK_COMMON, VLP_COMMON_NUM_QUEUES, &reg) == 0 &&
	    vlp_reg_read(r->ctx, r->s->dev, layout(r), &reg, NULL, 0, &n) == 0)
		return (unsigned)n;
	return 0;
}

/* ------------------------------------------------------------ queues */

/* A queue a person names: its index, or its name for the device's type
 * ("requestq", "receiveq1", "controlq"), as --nudge and ring take it.  The
 * names follow num_queues and the driver's features (where a virtio-net's
 * control queue sits: reading them moves the feature selector, put back);
 * 0 with the index in *q, or the failure. */
static int queue_arg(struct repl *r, const char *cmd, const char *arg, uint64_t *q)
{
	uint32_t drv[VLP_FEATURE_WORDS];
	const uint32_t *words = NULL;
	char name[32], list[300];
	size_t used = 0;
	unsigned n;

	if (parse_number(arg, q) == 0)
		return 0;
	n = queue_count(r);
	if (!n)
		return fail(r, "%s: '%s' is not a queue index (queue names need num_queues)", cmd, arg);
	if (vlp_features_read(r->ctx, r->s->dev, layout(r), true, drv) == 0)
		words = drv;
	list[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		vlp_queue_name(r->type, i, n, words, name, sizeof(name), NULL);
		if (!strcasecmp(name, arg)) {
			*q = i;
			return 0;
		}
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%u %s",
						 i ? ", " : "", i, name);
	}
	return fail(r, "%s: no queue '%s' (queues: %s)", cmd, arg, list);
}

/* The queues the REPL drives (4.1.5.1.3): opened with the first setup,
 * which turns bus mastering on; released by a reset or at the end. */
static int need_vqs(struct repl *r)
{
	if (r->vqs)
		return 0;
	if (need_bars(r))
		return -1;
	if (vlp_vqs_open(r->ctx, r->s->dev, layout(r), NULL, &r->vqs))
		return lib_fail(r);
	/* A signal that ends the process would free memory the device may
	 * still write: held back until the queues are released (a person at
	 * the prompt keeps Ctrl-C, which only cancels the line). */
	sigemptyset(&r->held_signals);
	sigaddset(&r->held_signals, SIGTERM);
	sigaddset(&r->held_signals, SIGHUP);
	sigaddset(&r->held_signals, SIGQUIT);
	sigaddset(&r->held_signals, SIGPIPE);
	if (!r->interactive)
		sigaddset(&r->held_signals, SIGINT);
	sigprocmask(SIG_BLOCK, &r->held_signals, &r->saved_mask);
	return 0;
}

int repl_release_queues(struct repl *r)
{
	unsigned waited = 0;
	bool dry = r->vqs && vlp_vqs_dry_run(r->vqs);

	if (!r->vqs)
		return 0;
	if (vlp_vqs_close(r->ctx, r->vqs, &waited)) {
		r->vqs = NULL;
		/* signals stay held: the memory may still be in use */
		return lib_fail(r);
	}
	r->vqs = NULL;
	fflush(r->out);
	sigprocmask(SIG_SETMASK, &r->saved_mask, NULL);
	if (dry)
		fprintf(r->out,
			"reset: device_status <- 0x00 (dry run: not written); queue plan dropped\n");
	else
		fprintf(r->out,
			"reset: device_status <- 0x00; reads back 0x00 after %u ms (4.1.4.3.2); queue memory freed, Command register restored\n",
			waited);
	return 0;
}

/* The memory plan of a queue set up: where each area is. */
static void print_plan(struct repl *r, unsigned q, const struct vlp_vq_info *i)
{
	const struct vlp_vq_layout *l = &i->layout;

	fprintf(r->out, "queue %u: %s ring of %u, %s memory%s\n", q,
		vlp_ring_format_name(i->format), i->size, vlp_dma_kind_name(i->kind),
		i->kind == VLP_DMA_PLAIN ? " (dry run: not device-visible, addresses made up)" : "");
	fprintf(r->out,
		"  descriptors 0x%09" PRIx64 " (%zu bytes), driver 0x%09" PRIx64
		" (%zu bytes), device 0x%09" PRIx64 " (%zu bytes)\n",
		i->desc_pa, l->desc_len, i->driver_pa, l->driver_len, i->device_pa, l->device_len);
	fprintf(r->out, "  buffers: one %u-byte page per descriptor, allocated when posted\n",
		VLP_VQ_BUF_MAX);
}

static int setup_queue(struct repl *r, unsigned q, unsigned size)
{
	const struct vlp_vq_info *info;

	bool before;

	if (need_vqs(r))
		return -1;
	before = vlp_vqs_info(r->vqs, q) != NULL;
	if (vlp_vqs_setup(r->ctx, r->vqs, q, size, &info))
		return fail(r, "queue setup: %s", vlp_ctx_error(r->ctx));
	if (before)
		fprintf(r->out, "queue %u: set up already (size %u, descriptors 0x%09" PRIx64 ")\n",
			q, info->size, info->desc_pa);
	else
		print_plan(r, q, info);
	return 0;
}

static int parse_queue(struct repl *r, const char *cmd, const char *arg, unsigned *q)
{
	uint64_t v;

	if (queue_arg(r, cmd, arg, &v))
		return -1;
	if (v > UINT16_MAX)
		return fail(r, "%s: '%s' is not a queue index", cmd, arg);
	*q = (unsigned)v;
	return 0;
}

static int queue_setup_cmd(struct repl *r, const struct words *w)
{
	uint64_t size = 0;
	unsigned q = 0;

	if (w->n < 3 || w->n > 4)
		return fail(r, "usage: queue setup Q [SIZE]");
	if (parse_queue(r, "queue setup", w->w[2], &q))
		return -1;
	if (w->n == 4 && (parse_number(w->w[3], &size) || size == 0 || size > VLP_VQ_SIZE_MAX))
		return fail(r, "queue setup: '%s' is not a queue size (1-%u)", w->w[3],
			    VLP_VQ_SIZE_MAX);
	if (!confirm(r, "set up queue %u (its memory is given to the device)?", q))
		return fail(r, "not confirmed: nothing written");
	return setup_queue(r, q, (unsigned)size);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int cmd_post(struct repl *r, const struct words *w)
{
	uint8_t data[VLP_VQ_BUF_MAX];
	size_t ndata = 0;
	uint64_t len;
	unsigned q = 0, id;
	bool in;

	if (words_need(r, w, 3, 4) || parse_queue(r, "post", w->w[1], &q))
		return -1;
	if (strcmp(w->w[2], "in") && strcmp(w->w[2], "out"))
		return fail(r, "post: '%s': give in (the device writes) or out (the device reads)",
			    w->w[2]);
	in = !strcmp(w->w[2], "in");
	if (parse_number(w->w[3], &len) || len == 0 || len > VLP_VQ_BUF_MAX)
		return fail(r, "post: '%s' is not a length (1-%u)", w->w[3], VLP_VQ_BUF_MAX);
	if (w->n == 5) {
		const char *h = w->w[4] + (strncasecmp(w->w[4], "0x", 2) ? 0 : 2);
		size_t hl = strlen(h);

		if (hl % 2 || hl / 2 > len)
			return fail(r,
				    "post: '%s': give an even number of hex digits, at most %" PRIu64
				    " bytes",
				    w->w[4], len);
		for (size_t i = 0; i < hl / 2; i++) {
			int hi = hex_digit(h[2 * i]), lo = hex_digit(h[2 * i + 1]);

			if (hi < 0 || lo < 0)
				return fail(r, "post: '%s' is not hex", w->w[4]);
			data[i] = (uint8_t)(hi << 4 | lo);
		}
		ndata = hl / 2;
	}
	if (!r->vqs || !vlp_vqs_info(r->vqs, q))
		return fail(r, "post: queue %u is not set up (queue setup %u)", q, q);
	if (vlp_vqs_post(r->ctx, r->vqs, q, in, data, ndata, (size_t)len, &id))
		return lib_fail(r);
	fprintf(r->out, "post queue %u: buffer %u, %" PRIu64 " bytes %s; avail.idx %u\n", q, id,
		len, in ? "device-writable (in)" : "device-readable (out)",
		vlp_vqs_info(r->vqs, q)->avail_idx);
	return 0;
}

static int cmd_kick(struct repl *r, const struct words *w)
{
	struct vlp_notify n;
	unsigned q = 0;

	if (words_need(r, w, 1, 1) || parse_queue(r, "kick", w->w[1], &q))
		return -1;
	if (!r->vqs || !vlp_vqs_info(r->vqs, q))
		return fail(r, "kick: queue %u is not set up (queue setup %u)", q, q);
	if (vlp_vqs_kick(r->ctx, r->vqs, q, &n))
		return lib_fail(r);
	fprintf(r->out, "kick queue %u: wrote 0x%x (%u bytes) at BAR%u+0x%" PRIx64 "%s\n", q,
		n.value, n.width, n.bar, n.offset,
		vlp_device_dry_run(r->s->dev) ? " (dry run: not written)" : "");
	return 0;
}

static int cmd_poll(struct repl *r, const struct words *w)
{
	struct vlp_vq_used used[POLL_ENTRIES_MAX];
	uint64_t ms = 1000;
	unsigned q = 0, waited;
	size_t n;

	if (words_need(r, w, 1, 2) || parse_queue(r, "poll", w->w[1], &q))
		return -1;
	if (w->n == 3 && (parse_number(w->w[2], &ms) || ms > VLP_VQ_POLL_MAX_MS))
		return fail(r, "poll: '%s' is not a timeout in ms (0-%u)", w->w[2], VLP_VQ_POLL_MAX_MS);
	if (!r->vqs || !vlp_vqs_info(r->vqs, q))
		return fail(r, "poll: queue %u is not set up (queue setup %u)", q, q);
	if (vlp_vqs_poll(r->ctx, r->vqs, q, (unsigned)ms, used, POLL_ENTRIES_MAX, &n, &waited))
		return lib_fail(r);
	fprintf(r->out, "poll queue %u: %zu used after %u ms; used.idx %u\n", q, n, waited,
		vlp_vqs_info(r->vqs, q)->used_idx);
	for (size_t i = 0; i < n; i++) {
		const struct vlp_vq_used *u = &used[i];
		uint32_t shown = u->len < u->buf_len ? u->len : u->buf_len;

		fprintf(r->out, "  used id %u len %" PRIu32 "%s\n", u->id, u->len,
			u->len_exceeds
				? (u->device_writable
					   ? " (more than the buffer holds, 2.7.8.1)"
					   : " (a device-readable buffer: len should be 0, 2.7.8.1)")
				: "");
		if (!u->device_writable)
			continue;
		for (uint32_t off = 0; off < shown; off += 32) {
			fprintf(r->out, "    %04" PRIx32 ":", off);
			for (uint32_t b = off; b < shown && b < off + 32; b++)
				fprintf(r->out, "%s%02x", (b - off) % 4 ? "" : " ", u->data[b]);
			fputc('\n', r->out);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ commands */

static int cmd_help(struct repl *r, const struct words *w)
{
	const struct command *c;

	if (w->n > 1) {
		c = repl_find_command(w->w[1]);
		if (!c)
			return fail(r, "no command '%s' (help lists them)", w->w[1]);
		fprintf(r->out, "%s\n    %s\n", c->synopsis, c->help);
		return 0;
	}
	for (size_t i = 0; i < repl_ncommands; i++)
		fprintf(r->out, "  %-34s %s\n", repl_commands[i].synopsis, repl_commands[i].help);
	fprintf(r->out,
		"Fields are named as in the spec, optionally with their block: common.queue_size,\n"
		"device.mac[2], legacy.queue_address.  Values: 0x hex, decimal, 0b binary, or names\n"
		"(ACKNOWLEDGE|DRIVER).  Several commands on a line: separate them with ';'.\n");
	return 0;
}

static int cmd_show(struct repl *r, const struct words *w)
{
	struct output out = { r->out, r->ctx, { 0 }, 0, { 0 } };
	struct vlp_state_opts sopts = { 0 };
	struct vlp_state *state = NULL;
	struct device_view view = { .dev = r->s->dev, .layout = layout(r) };

	out.opts.verbose = 2;
	out.opts.domains = true;
	for (size_t i = 1; i < w->n; i++) {
		size_t k;

		for (k = 0; repl_sections[k] && strcasecmp(repl_sections[k], w->w[i]); k++)
			;
		if (!repl_sections[k])
			return fail(r, "show: no section '%s' (all caps map status features queues device msix legacy)",
				    w->w[i]);
		/* "all" is index 0: no bit, everything */
		if (k)
			out.opts.sections |= 1u << (k - 1);
	}
	if (r->s->bars) {
		if (vlp_read_state(r->ctx, r->s->dev, layout(r), &sopts, &state))
			view.state_error = vlp_ctx_error(r->ctx);
	} else {
		view.state_error = r->s->bars_error;
	}
	view.state = state;
	text_printer.device(&out, &view);
	vlp_state_free(state);
	return 0;
}

static int cmd_get(struct repl *r, const struct words *w)
{
	struct vlp_reg reg;
	char label[96], text[700];

	if (words_need(r, w, 1, REPL_MAX_WORDS) || need_bars(r))
		return -1;
	for (size_t i = 1; i < w->n; i++) {
		if (find_reg(r, w->w[i], &reg))
			return -1;
		if (reg.field->flags & VLP_FIELD_READ_CLEARS)
			return fail(r, "%s: reading clears it (4.1.4.5): use the isr command", w->w[i]);
		if (read_text(r, &reg, text, sizeof(text)))
			return -1;
		reg_label(label, sizeof(label), r, &reg);
		fprintf(r->out, "%s = %s\n", label, text);
	}
	return 0;
}

/* Whether f is row of the common configuration. */
static bool common_row(const struct vlp_field *f, unsigned row)
{
	return f == &vlp_common_cfg_table()->fields[row];
}

static bool is_destructive(const struct vlp_field *f)
{
	return (f->flags & (VLP_FIELD_WRITE_RESETS | VLP_FIELD_NOTIFIES)) ||
	       common_row(f, VLP_COMMON_QUEUE_ENABLE) || common_row(f, VLP_COMMON_QUEUE_RESET);
}

static bool packed_ring(struct repl *r)
{
	uint32_t words[VLP_FEATURE_WORDS];

	return vlp_features_read(r->ctx, r->s->dev, layout(r), true, words) == 0 &&
	       vlp_packed_ring_negotiated(words);
}

static int do_reset(struct repl *r, bool feature_note);

/* Writes a field and reports what it reads back. */
static int write_field(struct repl *r, const struct vlp_reg *reg, uint64_t v)
{
	const struct vlp_field *f = reg->field;
	char label[96], rule[200], text[700];
	uint64_t back;

	if (vlp_reg_check_value(r->ctx, reg, v))
		return lib_fail(r);
	if (vlp_reg_driver_rule(reg, v, packed_ring(r), rule, sizeof(rule)) && !r->o->force)
		return fail(r, "refused: %s (--force writes it anyway)", rule);
	if ((f->flags & VLP_FIELD_WRITE_RESETS) && v == 0)
		return do_reset(r, true);
	reg_label(label, sizeof(label), r, reg);
	if (is_destructive(f) && !confirm(r, "write 0x%" PRIx64 " to %s?", v, label))
		return fail(r, "not confirmed: nothing written");
	if (vlp_reg_write(r->ctx, r->s->dev, layout(r), reg, &r->sel, v))
		return lib_fail(r);
	/* A selector written by hand is the REPL's selection from now on. */
	if (common_row(f, VLP_COMMON_QUEUE_SELECT) ||
	    f == &vlp_legacy_header_table()->fields[VLP_LEGACY_QUEUE_SELECT])
		r->sel.queue = (uint32_t)v;
	else if (common_row(f, VLP_COMMON_DEVICE_FEATURE_SELECT))
		r->sel.device_feature_select = (uint32_t)v;
	else if (common_row(f, VLP_COMMON_DRIVER_FEATURE_SELECT))
		r->sel.driver_feature_select = (uint32_t)v;
	describe_value(text, sizeof(text), f, v);
	if (vlp_device_dry_run(r->s->dev)) {
		fprintf(r->out, "%s <- %s (dry run: not written)\n", label, text);
		return 0;
	}
	if (f->access == VLP_WO || (f->flags & (VLP_FIELD_NOTIFIES | VLP_FIELD_READ_CLEARS))) {
		fprintf(r->out, "%s <- %s\n", label, text);
		return 0;
	}
	if (vlp_reg_read(r->ctx, r->s->dev, layout(r), reg, &r->sel, 0, &back))
		return lib_fail(r);
	fprintf(r->out, "%s <- %s; ", label, text);
	describe_value(text, sizeof(text), f, back);
	fprintf(r->out, "reads back %s%s\n", text, back == v ? "" : " (differs)");
	return 0;
}

static int cmd_set(struct repl *r, const struct words *w)
{
	struct vlp_reg reg;
	uint64_t v;

	if (words_need(r, w, 2, 2) || need_bars(r) || find_reg(r, w->w[1], &reg))
		return -1;
	if (reg.field->count > 1 && reg.element < 0)
		return fail(r, "%s is an array of %u: set one element, %s[0]", reg.field->name,
			    reg.field->count, reg.field->name);
	if (parse_field_value(w->w[2], reg.field->names, &v, r->err, sizeof(r->err)))
		return -1;
	return write_field(r, &reg, v);
}

/* A field that exists only with a feature (4.1.4.3: the 1.2 fields) when
 * the driver has not accepted it. */
static const char *missing_feature(struct repl *r, const struct vlp_field *f)
{
	uint32_t drv[VLP_FEATURE_WORDS];
	unsigned bit;

	if (!f->feature)
		return NULL;
	bit = VLP_FEATURE_BIT(f->feature);
	if (vlp_features_read(r->ctx, r->s->dev, layout(r), true, drv) ||
	    vlp_feature_on(drv, (unsigned)bit))
		return NULL;
	return vlp_feature_name(r->type, bit);
}

/* The queue_* rows of the block (common, or legacy without one). */
static int show_queue(struct repl *r)
{
	struct vlp_reg block;
	char label[96], text[700];
	const char *needs;

	if (vlp_block_find(r->ctx, layout(r), VLP_BLOCK_COMMON, &block) &&
	    vlp_block_find(r->ctx, layout(r), VLP_BLOCK_LEGACY, &block))
		return lib_fail(r);
	fprintf(r->out, "queue %u:\n", r->sel.queue);
	for (size_t i = 0; i < block.table->count; i++) {
		struct vlp_reg reg = block;

		reg.field = &block.table->fields[i];
		if (reg.field->selector != VLP_SEL_QUEUE || !vlp_reg_exists(&reg))
			continue;
		if (reg.field->access == VLP_WO || (reg.field->flags & VLP_FIELD_NOTIFIES))
			continue;
		reg_label(label, sizeof(label), r, &reg);
		if ((needs = missing_feature(r, reg.field)))
			snprintf(text, sizeof(text), "n/a (%s not negotiated)", needs);
		else if (read_text(r, &reg, text, sizeof(text)))
			snprintf(text, sizeof(text), "<unavailable: %s>", r->err);
		fprintf(r->out, "  %-28s %s\n", reg.field->name, text);
	}
	return 0;
}

static int cmd_queue(struct repl *r, const struct words *w)
{
	uint64_t q;
	unsigned n;

	if (w->n > 1 && !strcmp(w->w[1], "setup"))
		return queue_setup_cmd(r, w);
	if (words_need(r, w, 0, 1) || need_bars(r))
		return -1;
	if (w->n == 2) {
		if (queue_arg(r, "queue", w->w[1], &q))
			return -1;
		n = queue_count(r);
		if (n && q >= n)
			return fail(r, "queue %" PRIu64 ": the device has %u queues (0-%u)", q, n,
				    n - 1);
		if (q > UINT16_MAX)
			return fail(r, "queue %" PRIu64 ": queue_select is 16 bits", q);
		r->sel.queue = (uint32_t)q;
	}
	return show_queue(r);
}

static int read_both(struct repl *r, uint32_t dev[VLP_FEATURE_WORDS], uint32_t drv[VLP_FEATURE_WORDS])
{
	if (vlp_features_read(r->ctx, r->s->dev, layout(r), false, dev) ||
	    vlp_features_read(r->ctx, r->s->dev, layout(r), true, drv))
		return lib_fail(r);
	return 0;
}

static void print_feature_words(struct repl *r, const char *label,
				const uint32_t words[VLP_FEATURE_WORDS])
{
	fprintf(r->out, "%-11s", label);
	for (int i = VLP_FEATURE_WORDS - 1; i >= 0; i--)
		fprintf(r->out, " %08" PRIx32, words[i]);
	fputc('\n', r->out);
}

static int cmd_features(struct repl *r, const struct words *w)
{
	uint32_t dev[VLP_FEATURE_WORDS], drv[VLP_FEATURE_WORDS], neg[VLP_FEATURE_WORDS];

	if (words_need(r, w, 0, 0) || need_bars(r) || read_both(r, dev, drv))
		return -1;
	for (unsigned i = 0; i < VLP_FEATURE_WORDS; i++)
		neg[i] = dev[i] & drv[i];
	print_feature_words(r, "device:", dev);
	print_feature_words(r, "driver:", drv);
	print_feature_words(r, "negotiated:", neg);
	fprintf(r->out, "  bit  %-34s device driver\n", "name");
	for (unsigned bit = 0; bit < 32 * VLP_FEATURE_WORDS; bit++) {
		bool d = vlp_feature_on(dev, (unsigned)bit), g = vlp_feature_on(drv, (unsigned)bit);
		const char *name = vlp_feature_name(r->type, bit);

		if (d || g)
			fprintf(r->out, "  %3u  %-34s %-6s %s%s\n", bit, name ? name : "(unnamed)",
				d ? "+" : "-", g ? "+" : "-",
				g && !d ? "   not offered: FEATURES_OK will not stick (2.2.1)" : "");
	}
	return 0;
}

static int cmd_feature(struct repl *r, const struct words *w)
{
	uint32_t dev[VLP_FEATURE_WORDS], drv[VLP_FEATURE_WORDS];
	const char *name;

	if (words_need(r, w, 1, REPL_MAX_WORDS) || need_bars(r) || read_both(r, dev, drv))
		return -1;
	for (size_t i = 1; i < w->n; i++) {
		const char *arg = w->w[i];
		int bit;

		if (arg[0] == '=') {
			uint64_t mask;
			const char *v = arg[1] ? arg + 1 : (i + 1 < w->n ? w->w[++i] : "");

			if (!strcasecmp(v, "device")) {
				memcpy(drv, dev, sizeof(drv));
				continue;
			}
			if (parse_number(v, &mask))
				return fail(r, "feature =: '%s' is not a mask (a number, or 'device' for every offered bit)",
					    v);
			memset(drv, 0, sizeof(drv));
			drv[0] = (uint32_t)mask;
			drv[1] = (uint32_t)(mask >> 32);
			continue;
		}
		if (arg[0] != '+' && arg[0] != '-')
			return fail(r, "feature: '%s': give +NAME, -NAME or = MASK", arg);
		bit = parse_feature(r->type, arg + 1);
		if (bit < 0)
			return fail(r, "feature: no feature '%s' for this device type (tab completes them)",
				    arg + 1);
		if (arg[0] == '+')
			drv[bit / 32] |= 1u << (bit % 32);
		else
			drv[bit / 32] &= ~(1u << (bit % 32));
		name = vlp_feature_name(r->type, (unsigned)bit);
		if (arg[0] == '+' && !(vlp_feature_on(dev, (unsigned)bit)))
			fprintf(r->out,
				"warning: %s (bit %d) is not offered by the device: the driver must not accept it (2.2.1) and the device must then refuse FEATURES_OK (2.2.2)\n",
				name ? name : "feature", bit);
	}
	if (vlp_features_write(r->ctx, r->s->dev, layout(r), drv))
		return lib_fail(r);
	if (vlp_device_dry_run(r->s->dev)) {
		print_feature_words(r, "driver <-", drv);
		fprintf(r->out, "(dry run: not written)\n");
		return 0;
	}
	if (vlp_features_read(r->ctx, r->s->dev, layout(r), true, drv))
		return lib_fail(r);
	print_feature_words(r, "driver:", drv);
	return 0;
}

static int status_reg(struct repl *r, struct vlp_reg *reg)
{
	return vlp_reg_device_status(r->ctx, layout(r), reg) ? lib_fail(r) : 0;
}

bool repl_reset_feature_note(const uint32_t drv[VLP_FEATURE_WORDS], char *buf, size_t len)
{
	bool any = false;
	size_t used;

	buf[0] = '\0';
	for (unsigned i = 0; i < VLP_FEATURE_WORDS; i++)
		any |= drv[i] != 0;
	if (!any)
		return false;
	used = (size_t)snprintf(buf, len, "note: driver_feature still reads");
	for (int i = VLP_FEATURE_WORDS - 1; i >= 0 && used < len; i--)
		used += (size_t)snprintf(buf + used, len - used, " %08" PRIx32, drv[i]);
	if (used < len)
		snprintf(buf + used, len - used,
			 " after the reset (the previous driver's bits: QEMU 7.2 keeps them), and 'feature +NAME' keeps them too; start from zero with 'feature = 0 +NAME'");
	return true;
}

/* feature_note: say when driver_feature survived the reset.  The driver
 * writes the whole subset it accepts (3.1.1 step 5), but 'feature +NAME'
 * adds to what reads back, so old bits would be accepted silently.  init
 * writes every word itself and passes false. */
static int do_reset(struct repl *r, bool feature_note)
{
	uint32_t drv[VLP_FEATURE_WORDS];
	struct vlp_drive d;
	char note[300];
	unsigned waited;

	if (!confirm(r, "reset the device (device_status <- 0)?"))
		return fail(r, "not confirmed: nothing written");
	if (r->vqs) {
		/* the queues' memory goes once the reset has read back 0 */
		if (repl_release_queues(r))
			return -1;
		return 0;
	}
	if (vlp_drive_begin(r->ctx, r->s->dev, layout(r), &d) || vlp_drive_reset(&d, &waited))
		return lib_fail(r);
	if (vlp_device_dry_run(r->s->dev)) {
		fprintf(r->out, "reset: device_status <- 0x00 (dry run: not written)\n");
		return 0;
	}
	fprintf(r->out, "reset: device_status <- 0x00; reads back 0x00 after %u ms (4.1.4.3.2)\n",
		waited);
	if (feature_note && vlp_features_read(r->ctx, r->s->dev, layout(r), true, drv) == 0 &&
	    repl_reset_feature_note(drv, note, sizeof(note)))
		fprintf(r->out, "%s\n", note);
	return 0;
}

/* 2.2.2: a device MUST fail FEATURES_OK for a subset it cannot accept; one
 * with bits it never offered is not a valid subset.  Say so when it stuck. */
static void warn_unoffered(struct repl *r)
{
	uint32_t dev[VLP_FEATURE_WORDS], drv[VLP_FEATURE_WORDS];
	char names[400] = "";
	size_t used = 0;

	if (vlp_features_read(r->ctx, r->s->dev, layout(r), false, dev) ||
	    vlp_features_read(r->ctx, r->s->dev, layout(r), true, drv))
		return;
	for (unsigned bit = 0; bit < 32 * VLP_FEATURE_WORDS && used < sizeof(names); bit++) {
		const char *name = vlp_feature_name(r->type, bit);

		if (vlp_feature_on(drv, (unsigned)bit) && !(vlp_feature_on(dev, (unsigned)bit)))
			used += name ? (size_t)snprintf(names + used, sizeof(names) - used, " %s", name)
				     : (size_t)snprintf(names + used, sizeof(names) - used,
							" bit%u", bit);
	}
	if (used)
		fprintf(r->out,
			"warning: FEATURES_OK stuck although driver_feature holds bits the device does not offer:%s; the device should have refused FEATURES_OK (2.2.2)\n",
			names);
}

/* Says what a write of device_status (want, over was) read back and
 * judges it: FEATURES_OK not reading back means the device refused the
 * features (3.1.1 step 6). */
static int status_written(struct repl *r, const struct vlp_drive *d, uint64_t want, uint64_t was,
			  uint64_t back)
{
	const struct vlp_field *f = d->status.field;
	const uint64_t fok = VLP_S_MASK(VLP_S_FEATURES_OK);
	char text[256];

	describe_value(text, sizeof(text), f, want);
	if (vlp_device_dry_run(r->s->dev)) {
		fprintf(r->out, "device_status <- %s (dry run: not written)\n", text);
		return 0;
	}
	fprintf(r->out, "device_status <- %s; ", text);
	describe_value(text, sizeof(text), f, back);
	fprintf(r->out, "reads back %s\n", text);
	if ((want & fok) && !(back & fok))
		return fail(r, "FEATURES_OK did not stick: the device does not accept the driver features (3.1.1 step 6; 'features' shows them)");
	if ((want & fok) && !(was & fok))
		warn_unoffered(r);
	if (back & VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET))
		return fail(r, "the device set DEVICE_NEEDS_RESET (2.1.2): reset it");
	if ((back & want) != want)
		return fail(r, "device_status reads back 0x%02" PRIx64 ", not 0x%02" PRIx64, back,
			    want);
	return 0;
}

/* status: device_status <- want, over what reads now (was). */
static int status_set(struct repl *r, uint64_t want, uint64_t was)
{
	struct vlp_drive d;
	uint64_t back = 0;
	char text[256];

	if (vlp_drive_begin(r->ctx, r->s->dev, layout(r), &d))
		return lib_fail(r);
	/* 2.1.1: the driver MUST NOT clear a device status bit. */
	if ((was & ~want) && want != 0 && !r->o->force)
		return fail(r, "refused: the driver must not clear a status bit (2.1.1); reset instead (--force writes it anyway)");
	if (want == 0)
		return do_reset(r, true);
	describe_value(text, sizeof(text), d.status.field, want);
	if (!confirm(r, "write %s to device_status?", text))
		return fail(r, "not confirmed: nothing written");
	if (vlp_drive_write_status(&d, (unsigned)want, &back))
		return lib_fail(r);
	return status_written(r, &d, want, was, back);
}

/* init: the next status bit of 3.1.1 (steps 2, 3 and 8). */
static int init_status(struct repl *r, struct vlp_drive *d, enum vlp_status_bit bit)
{
	uint64_t was = d->bits, back = 0;
	char text[256];

	describe_value(text, sizeof(text), d->status.field, was | VLP_S_MASK(bit));
	if (!confirm(r, "write %s to device_status?", text))
		return fail(r, "not confirmed: nothing written");
	if (bit == VLP_S_DRIVER_OK ? vlp_drive_driver_ok(d, &back)
				   : vlp_drive_set_status(d, bit, &back))
		return lib_fail(r);
	return status_written(r, d, d->bits, was, back);
}

static int cmd_status(struct repl *r, const struct words *w)
{
	struct vlp_reg reg;
	uint64_t cur, v = 0;
	char text[256];

	if (need_bars(r) || status_reg(r, &reg))
		return -1;
	if (vlp_reg_read(r->ctx, r->s->dev, layout(r), &reg, NULL, 0, &cur))
		return lib_fail(r);
	if (w->n == 1) {
		describe_value(text, sizeof(text), reg.field, cur);
		fprintf(r->out, "device_status = %s\n", text);
		return 0;
	}
	v = cur;
	for (size_t i = 1; i < w->n; i++) {
		const char *arg = w->w[i];
		uint64_t bits;

		if (arg[0] == '=') {
			const char *val = arg[1] ? arg + 1 : (i + 1 < w->n ? w->w[++i] : "");

			if (parse_field_value(val, reg.field->names, &v, r->err, sizeof(r->err)))
				return -1;
			if (v > 0xff)
				return fail(r, "0x%" PRIx64 " does not fit device_status (8 bits)", v);
			continue;
		}
		if ((arg[0] != '+' && arg[0] != '-') ||
		    parse_field_value(arg + 1, reg.field->names, &bits, r->err, sizeof(r->err)))
			return fail(r, "status: '%s': give +NAME, -NAME or = VALUE (names: ACKNOWLEDGE DRIVER FEATURES_OK DRIVER_OK FAILED ...)",
				    arg);
		if (bits > 0xff)
			return fail(r, "0x%" PRIx64 " does not fit device_status (8 bits)", bits);
		v = arg[0] == '+' ? v | bits : v & ~bits;
	}
	return status_set(r, v, cur);
}

static int cmd_reset(struct repl *r, const struct words *w)
{
	if (words_need(r, w, 0, 0) || need_bars(r))
		return -1;
	return do_reset(r, true);
}

/* 3.1.1: the driver's initialization sequence, one step at a time, each
 * through the driving layer (drive.c). */
static int cmd_init(struct repl *r, const struct words *w)
{
	uint32_t dev[VLP_FEATURE_WORDS], drv[VLP_FEATURE_WORDS];
	struct vlp_drive d;
	uint64_t was, back = 0;
	bool accepted;
	unsigned n;

	if (need_bars(r))
		return -1;
	if (vlp_drive_begin(r->ctx, r->s->dev, layout(r), &d))
		return lib_fail(r);
	fprintf(r->out, "step 1 (3.1.1): reset\n");
	if (do_reset(r, false))
		return -1;
	fprintf(r->out, "step 2: ACKNOWLEDGE (the guest noticed the device)\n");
	if (init_status(r, &d, VLP_S_ACKNOWLEDGE))
		return -1;
	fprintf(r->out, "step 3: DRIVER (the guest knows how to drive it)\n");
	if (init_status(r, &d, VLP_S_DRIVER))
		return -1;
	fprintf(r->out, "step 4: read the device features and choose\n");
	if (read_both(r, dev, drv))
		return -1;
	print_feature_words(r, "device:", dev);
	if (w->n > 1) {
		memset(drv, 0, sizeof(drv));
		for (size_t i = 1; i < w->n; i++) {
			int bit = parse_feature(r->type, w->w[i][0] == '+' ? w->w[i] + 1 : w->w[i]);

			if (bit < 0)
				return fail(r, "init: no feature '%s' for this device type", w->w[i]);
			drv[bit / 32] |= 1u << (bit % 32);
		}
	} else {
		memcpy(drv, dev, sizeof(drv)); /* every offered feature */
	}
	if (!confirm(r, "accept features %08" PRIx32 " %08" PRIx32 " %08" PRIx32 " %08" PRIx32 "?",
		     drv[3], drv[2], drv[1], drv[0]))
		return fail(r, "not confirmed: stopped after step 3");
	if (vlp_drive_write_features(&d, drv))
		return lib_fail(r);
	print_feature_words(r, "driver <-", drv);
	if (!d.modern) {
		fprintf(r->out, "legacy interface: no FEATURES_OK step (4.1.4.10)\n");
	} else {
		fprintf(r->out, "step 5: FEATURES_OK\n");
		was = d.bits;
		if (vlp_drive_features_ok(&d, &accepted, &back))
			return lib_fail(r);
		if (status_written(r, &d, d.bits, was, back))
			return -1;
		fprintf(r->out, "step 6: FEATURES_OK re-read: it stuck\n");
	}
	fprintf(r->out, "step 7: queue discovery and setup (4.1.5.1.3)\n");
	if (!d.modern) {
		fprintf(r->out,
			"legacy interface: queues are set up through the modern interface only; stopped before DRIVER_OK\n");
		return 0;
	}
	n = queue_count(r);
	if (n > INIT_QUEUES_MAX)
		fprintf(r->out, "  %u queues: the first %u are set up\n", n, INIT_QUEUES_MAX);
	for (unsigned q = 0; q < n && q < INIT_QUEUES_MAX; q++) {
		uint64_t size = 0;

		if (vlp_drive_queue_size(&d, q, &size))
			return lib_fail(r);
		if (size == 0) { /* 4.1.5.1.3: not available */
			fprintf(r->out, "  queue %u: not available (queue_size 0)\n", q);
			continue;
		}
		if (setup_queue(r, q, 0))
			return -1;
	}
	fprintf(r->out, "step 8: DRIVER_OK\n");
	return init_status(r, &d, VLP_S_DRIVER_OK);
}

static int cmd_notify(struct repl *r, const struct words *w)
{
	struct vlp_notify n;
	uint64_t q;

	if (words_need(r, w, 1, 1) || need_bars(r))
		return -1;
	if (queue_arg(r, "notify", w->w[1], &q))
		return -1;
	if (q > UINT16_MAX)
		return fail(r, "notify: '%s' is not a queue index", w->w[1]);
	if (!confirm(r, "notify queue %" PRIu64 "?", q))
		return fail(r, "not confirmed: nothing written");
	if (vlp_queue_notify(r->ctx, r->s->dev, layout(r), (unsigned)q, &n))
		return lib_fail(r);
	fprintf(r->out, "notify queue %" PRIu64 ": wrote 0x%x (%u bytes) at BAR%u+0x%" PRIx64 "%s\n",
		q, n.value, n.width, n.bar, n.offset,
		vlp_device_dry_run(r->s->dev) ? " (dry run: not written)" : "");
	return 0;
}

static int cmd_isr(struct repl *r, const struct words *w)
{
	struct vlp_reg reg;
	char text[256];
	uint64_t v;

	if (words_need(r, w, 0, 0) || need_bars(r))
		return -1;
	if (vlp_reg_row(r->ctx, layout(r), VLP_BLOCK_ISR, VLP_ISR_ISR, &reg) &&
	    vlp_reg_row(r->ctx, layout(r), VLP_BLOCK_LEGACY, VLP_LEGACY_ISR, &reg))
		return lib_fail(r);
	fprintf(r->out, "warning: reading the ISR clears it and de-asserts the interrupt (4.1.4.5)\n");
	if (!confirm(r, "read (and clear) the ISR?"))
		return fail(r, "not confirmed: not read");
	if (vlp_reg_read(r->ctx, r->s->dev, layout(r), &reg, NULL, VLP_REG_READ_CLEARS, &v))
		return lib_fail(r);
	describe_value(text, sizeof(text), reg.field, v);
	fprintf(r->out, "isr = %s (now cleared)\n", text);
	return 0;
}

static int parse_bar_args(struct repl *r, const struct words *w, unsigned *bar, uint64_t *off,
			  unsigned *width)
{
	uint64_t b;

	if (parse_number(w->w[1], &b) || b >= VLP_NUM_BARS)
		return fail(r, "'%s' is not a BAR number (0-5)", w->w[1]);
	if (parse_number(w->w[2], off))
		return fail(r, "'%s' is not an offset", w->w[2]);
	if (parse_width(w->w[3], width))
		return fail(r, "'%s' is not a width (1, 2, 4 or b, w, l)", w->w[3]);
	if (*off % *width)
		return fail(r, "0x%" PRIx64 ": a %u-byte access must be aligned (4.1.3.1)", *off,
			    *width);
	*bar = (unsigned)b;
	return 0;
}

static const char *bar_error(int err)
{
	switch (err) {
	case -ENODEV:
		return "this BAR is not accessible";
	case -ERANGE:
		return "outside the BAR";
	case -EACCES:
		return "the configuration access window reaches only virtio structures (4.1.4.9.2)";
	case -ENOENT:
		return "not recorded in the snapshot";
	default:
		return strerror(-err);
	}
}

/* Reading these has side effects: ISR (read clears) and notify registers. */
static bool read_has_side_effects(const struct repl *r, unsigned bar, uint64_t off)
{
	const struct vlp_layout *l = layout(r);

	for (size_t i = 0; i < l->nregions; i++) {
		const struct vlp_region *g = &l->regions[i];

		if (g->bar == bar && off >= g->offset && off < g->offset + g->length &&
		    ((g->kind == VLP_REGION_VIRTIO &&
		      (g->cfg_type == VLP_CFG_ISR || g->cfg_type == VLP_CFG_NOTIFY))))
			return true;
	}
	/* legacy: the ISR byte at 19 (4.1.4.10) */
	return l->legacy.present && bar == 0 && off <= 19 && off + 4 > 19;
}

static int cmd_read(struct repl *r, const struct words *w)
{
	unsigned bar, width;
	uint64_t off;
	uint32_t v;
	int err;

	if (words_need(r, w, 3, 3) || need_bars(r) || parse_bar_args(r, w, &bar, &off, &width))
		return -1;
	if (read_has_side_effects(r, bar, off) &&
	    !confirm(r, "BAR%u+0x%" PRIx64 " is an ISR or notify register: reading may clear it; read?",
		     bar, off))
		return fail(r, "not confirmed: not read");
	err = vlp_bar_read(r->s->dev, bar, off, width, &v);
	if (err)
		return fail(r, "read BAR%u+0x%" PRIx64 ": %s", bar, off, bar_error(err));
	fprintf(r->out, "BAR%u+0x%" PRIx64 " = 0x%0*" PRIx32 "\n", bar, off, (int)width * 2, v);
	return 0;
}

static int cmd_write(struct repl *r, const struct words *w)
{
	unsigned bar, width;
	uint64_t off, v;
	uint32_t back;
	int err;

	if (words_need(r, w, 4, 4) || need_bars(r) || parse_bar_args(r, w, &bar, &off, &width))
		return -1;
	if (parse_number(w->w[4], &v))
		return fail(r, "'%s' is not a value", w->w[4]);
	if (width < 8 && v >> (8 * width))
		return fail(r, "0x%" PRIx64 " does not fit %u bytes", v, width);
	if (!confirm(r, "raw write of 0x%" PRIx64 " to BAR%u+0x%" PRIx64 "?", v, bar, off))
		return fail(r, "not confirmed: nothing written");
	err = vlp_bar_write(r->s->dev, bar, off, width, (uint32_t)v);
	if (err)
		return fail(r, "write BAR%u+0x%" PRIx64 ": %s", bar, off,
			    (err == -EROFS || err == -EBUSY) && vlp_device_write_refusal(r->s->dev)
				    ? vlp_device_write_refusal(r->s->dev)
				    : bar_error(err));
	if (vlp_device_dry_run(r->s->dev) || read_has_side_effects(r, bar, off)) {
		fprintf(r->out, "BAR%u+0x%" PRIx64 " <- 0x%0*" PRIx64 "%s\n", bar, off,
			(int)width * 2, v,
			vlp_device_dry_run(r->s->dev) ? " (dry run: not written)" : " (not read back)");
		return 0;
	}
	err = vlp_bar_read(r->s->dev, bar, off, width, &back);
	if (err)
		return fail(r, "read back BAR%u+0x%" PRIx64 ": %s", bar, off, bar_error(err));
	fprintf(r->out, "BAR%u+0x%" PRIx64 " <- 0x%0*" PRIx64 "; reads back 0x%0*" PRIx32 "\n", bar,
		off, (int)width * 2, v, (int)width * 2, back);
	return 0;
}

static int cmd_cfg(struct repl *r, const struct words *w)
{
	struct cfg_access a;
	bool write;
	uint32_t v;

	if (words_need(r, w, 2, 2))
		return -1;
	if (strcmp(w->w[1], "read") && strcmp(w->w[1], "write"))
		return fail(r, "usage: cfg read REG[.B|.W|.L] | cfg write REG[.B|.W|.L]=VALUE");
	write = !strcmp(w->w[1], "write");
	if (parse_cfg_access(w->w[2], write, &a, r->err, sizeof(r->err)))
		return -1;
	if (!write) {
		if (vlp_config_read(r->ctx, r->s->dev, a.offset, a.width, &v))
			return lib_fail(r);
		fprintf(r->out, "config 0x%03x.%c = 0x%0*" PRIx32 "\n", a.offset, "?BW?L"[a.width],
			(int)a.width * 2, v);
		return 0;
	}
	if (!confirm(r, "write 0x%0*" PRIx32 " to config space at 0x%03x?", (int)a.width * 2,
		     a.value, a.offset))
		return fail(r, "not confirmed: nothing written");
	if (vlp_config_write(r->ctx, r->s->dev, a.offset, a.width, a.value))
		return lib_fail(r);
	if (vlp_device_dry_run(r->s->dev)) {
		fprintf(r->out, "config 0x%03x <- 0x%0*" PRIx32 " (dry run: not written)\n",
			a.offset, (int)a.width * 2, a.value);
		return 0;
	}
	if (vlp_config_read(r->ctx, r->s->dev, a.offset, a.width, &v))
		return lib_fail(r);
	fprintf(r->out, "config 0x%03x <- 0x%0*" PRIx32 "; reads back 0x%0*" PRIx32 "\n", a.offset,
		(int)a.width * 2, a.value, (int)a.width * 2, v);
	/* The capability chain may have changed. */
	if (session_redecode(r->s))
		return lib_fail(r);
	return 0;
}

/* A key pressed on the terminal within ms milliseconds. */
static bool key_within(int ms)
{
	struct pollfd p = { STDIN_FILENO, POLLIN, 0 };
	char c;

	if (poll(&p, 1, ms) <= 0)
		return false;
	return read(STDIN_FILENO, &c, 1) >= 0;
}

static int cmd_watch(struct repl *r, const struct words *w)
{
	struct vlp_reg regs[REPL_MAX_WORDS];
	char prev[REPL_MAX_WORDS][700], text[700];
	uint64_t count = r->interactive ? UINT64_MAX : 1;
	double interval = 1.0;
	size_t nregs = 0, i = 1;
	struct termios saved, raw;
	bool raw_mode = false;
	int ret = 0;

	if (need_bars(r))
		return -1;
	for (; i < w->n && w->w[i][0] == '-'; i += 2) {
		uint64_t v;

		if (i + 1 >= w->n)
			return fail(r, "usage: watch [-n COUNT] [-i SECONDS] FIELD...");
		if (!strcmp(w->w[i], "-n") && !parse_number(w->w[i + 1], &v) && v)
			count = v;
		else if (!strcmp(w->w[i], "-i") && (interval = strtod(w->w[i + 1], NULL)) >= 0.1)
			;
		else
			return fail(r, "watch: bad option %s %s (-n COUNT >= 1, -i SECONDS >= 0.1)",
				    w->w[i], w->w[i + 1]);
	}
	for (; i < w->n; i++) {
		if (find_reg(r, w->w[i], &regs[nregs]))
			return -1;
		if (regs[nregs].field->flags & VLP_FIELD_READ_CLEARS)
			return fail(r, "%s: reading clears it (4.1.4.5): not watched", w->w[i]);
		prev[nregs][0] = '\0';
		nregs++;
	}
	if (!nregs)
		return fail(r, "usage: watch [-n COUNT] [-i SECONDS] FIELD...");
	if (r->interactive && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw_mode = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
		fprintf(r->out, "watching every %.1f s; press a key to stop\n", interval);
	}
	for (uint64_t n = 0; n < count; n++) {
		size_t col = 0;

		for (size_t k = 0; k < nregs; k++) {
			char label[96];

			if (read_text(r, &regs[k], text, sizeof(text))) {
				ret = -1;
				goto out;
			}
			reg_label(label, sizeof(label), r, &regs[k]);
			/* a '*' marks a value that changed since the last read */
			col += (size_t)fprintf(r->out, "%s%s=%s%s", col ? "  " : "", label, text,
					       n && strcmp(prev[k], text) ? "*" : "");
			snprintf(prev[k], sizeof(prev[k]), "%s", text);
		}
		fputc('\n', r->out);
		fflush(r->out);
		if (n + 1 < count) {
			if (raw_mode ? key_within((int)(interval * 1000)) : false)
				break;
			if (!raw_mode) {
				struct timespec ts = { (time_t)interval,
						       (long)((interval - (double)(time_t)interval) *
							      1e9) };

				nanosleep(&ts, NULL);
			}
		}
	}
out:
	if (raw_mode)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return ret;
}

static const char *const on_off[] = { "on", "off", NULL };

static int cmd_trace(struct repl *r, const struct words *w)
{
	if (words_need(r, w, 0, 1))
		return -1;
	if (w->n == 2 && strcmp(w->w[1], "on") && strcmp(w->w[1], "off"))
		return fail(r, "usage: trace [on|off]");
	if (w->n == 2)
		r->trace = !strcmp(w->w[1], "on");
	fprintf(r->out, "trace %s: %s\n", r->trace ? "on" : "off",
		r->trace ? "every access is shown" : "writes are shown");
	return 0;
}

static int cmd_shell(struct repl *r, const struct words *w)
{
	char cmd[REPL_LINE_MAX] = "";
	size_t used = 0;
	int status;

	if (words_need(r, w, 1, REPL_MAX_WORDS))
		return -1;
	for (size_t i = 1; i < w->n && used < sizeof(cmd); i++)
		used += (size_t)snprintf(cmd + used, sizeof(cmd) - used, "%s%s", i > 1 ? " " : "",
					 w->w[i]);
	fflush(r->out);
	status = system(cmd);
	if (status == -1)
		return fail(r, "shell: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail(r, "shell: '%s' failed (status %d)", cmd,
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}

static int cmd_echo(struct repl *r, const struct words *w)
{
	for (size_t i = 1; i < w->n; i++)
		fprintf(r->out, "%s%s", i > 1 ? " " : "", w->w[i]);
	fputc('\n', r->out);
	return 0;
}

static int cmd_quit(struct repl *r, const struct words *w)
{
	(void)w;
	r->quit = true;
	return 0;
}

/* ------------------------------------------------------------ rings */

/* Text of a view printer, its first `tabs` tab stops taken off every line
 * and deeper ones shown as two spaces (the REPL starts at the margin). */
static void print_dedented(struct repl *r, const char *text, unsigned tabs)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		unsigned skip = 0;

		while (skip < tabs && skip < len && p[skip] == '\t')
			skip++;
		for (size_t i = skip; i < len && p[i] == '\t'; i++, skip++)
			fputs("  ", r->out);
		fprintf(r->out, "%.*s\n", (int)(len - skip), p + skip);
		p += len + (nl ? 1 : 0);
	}
}

/* Guest memory, the state and the rings of the device, read afresh for
 * one command (ring, chain, irq): with rings_wanted, -1 and the one-line
 * reason when no ring can be read.  Free with ring_data_free. */
struct ring_data {
	struct vlp_state *state;
	struct vlp_rings *rings;
	struct vlp_guestmem *mem;
	char why[600]; /* why there is no state */
};

static void ring_data_free(struct ring_data *d)
{
	vlp_rings_free(d->rings);
	vlp_guestmem_free(d->mem);
	vlp_state_free(d->state);
	memset(d, 0, sizeof(*d));
}

static int ring_data_read(struct repl *r, const char *cmd, bool rings_wanted, bool live_memory,
			  struct ring_data *d)
{
	/* Only what locating the rings and their vectors needs (virtio-input
	 * answers need select writes: never here). */
	struct vlp_state_opts sopts = { .skip = VLP_STATE_SKIP_DEVICE | VLP_STATE_SKIP_INPUT };
	struct vlp_rings_opts ropts = { 0 };
	char mem_error[256] = "";

	memset(d, 0, sizeof(*d));
	if (!r->s->bars) {
		snprintf(d->why, sizeof(d->why), "no BAR access: %s", r->s->bars_error);
		if (!rings_wanted)
			return 0;
		return fail(r, "%s: rings not read: %s", cmd,
			    vlp_device_origin(r->s->dev) == VLP_ORIGIN_DUMP
				    ? "a dump holds config space only"
				    : "no BAR access: the ring addresses are registers");
	}
	if (vlp_read_state(r->ctx, r->s->dev, layout(r), &sopts, &d->state)) {
		snprintf(d->why, sizeof(d->why), "%s", vlp_ctx_error(r->ctx));
		d->state = NULL;
		return rings_wanted ? fail(r, "%s: rings not read: %s", cmd, d->why) : 0;
	}
	/* Rings set up here are in this process: read them from its own
	 * memory (recorded at their physical addresses), not /proc/kcore. */
	if (live_memory && r->vqs && vlp_vqs_in_use(r->vqs) && !vlp_vqs_dry_run(r->vqs)) {
		if (vlp_vqs_guestmem(r->ctx, r->vqs, &d->mem))
			snprintf(mem_error, sizeof(mem_error), "%s", vlp_ctx_error(r->ctx));
	} else if (live_memory && vlp_device_origin(r->s->dev) == VLP_ORIGIN_LIVE &&
		   vlp_guestmem_open_kcore(r->ctx, NULL, &d->mem))
		snprintf(mem_error, sizeof(mem_error), "%s", vlp_ctx_error(r->ctx));
	ropts.mem = d->mem;
	ropts.mem_error = mem_error[0] ? mem_error : NULL;
	if (vlp_read_rings(r->ctx, r->s->dev, layout(r), d->state, &ropts, &d->rings)) {
		ring_data_free(d);
		return fail(r, "%s: rings: %s", cmd, vlp_ctx_error(r->ctx));
	}
	if (rings_wanted && d->rings->error[0]) {
		fail(r, "%s: rings not read: %s", cmd, d->rings->error);
		ring_data_free(d);
		return -1;
	}
	return 0;
}

/* Queue Q of the rings: its index, or its name ("receiveq1"). */
static const struct vlp_queue_ring *find_ring(struct repl *r, const char *cmd,
					      const struct vlp_rings *rings, const char *q)
{
	char list[300];
	size_t used = 0;
	uint64_t n;
	bool number = parse_number(q, &n) == 0;

	for (size_t i = 0; i < rings->nqueues; i++)
		if (number ? rings->queues[i].index == n : !strcasecmp(rings->queues[i].name, q))
			return &rings->queues[i];
	list[0] = '\0';
	for (size_t i = 0; i < rings->nqueues && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%u %s", i ? ", " : "",
					 rings->queues[i].index, rings->queues[i].name);
	if (!rings->nqueues)
		fail(r, "%s: no queue '%s': the device has no queues", cmd, q);
	else
		fail(r, "%s: no queue '%s' (queues: %s)", cmd, q, list);
	return NULL;
}

/* The text printer's output at a verbosity, dedented by tabs. */
static int print_ring_text(struct repl *r, const struct vlp_queue_ring *q,
			   const struct vlp_ring_chain *chain, int verbose, unsigned tabs)
{
	struct output out = { 0 };
	char *text = NULL;
	size_t size = 0;

	out.f = open_memstream(&text, &size);
	if (!out.f)
		return fail(r, "out of memory");
	out.ctx = r->ctx;
	out.opts.verbose = verbose;
	if (chain)
		text_ring_chain(&out, q->ring, chain);
	else
		text_queue_ring(&out, q, false);
	fclose(out.f);
	print_dedented(r, text, tabs);
	free(text);
	return 0;
}

static int cmd_ring(struct repl *r, const struct words *w)
{
	struct ring_data d;
	const struct vlp_queue_ring *q;
	int ret;

	if (words_need(r, w, 1, 1) || ring_data_read(r, w->w[0], true, true, &d))
		return -1;
	q = find_ring(r, w->w[0], d.rings, w->w[1]);
	if (!q)
		ret = -1;
	else if (!q->ring)
		ret = fail(r, "ring: queue %u %s: %s", q->index, q->name,
			   q->error[0] ? q->error : "not read");
	else
		ret = print_ring_text(r, q, NULL, 2, 2);
	ring_data_free(&d);
	return ret;
}

static int cmd_chain(struct repl *r, const struct words *w)
{
	const struct vlp_queue_ring *q;
	const struct vlp_ring *ring;
	struct ring_data d;
	uint64_t pos;
	int ret = -1;

	if (words_need(r, w, 2, 2))
		return -1;
	/* 2.7.6: avail positions are free-running 16-bit indices. */
	if (parse_number(w->w[2], &pos) || pos > 0xffff)
		return fail(r, "chain: '%s' is not a ring position (0-65535)", w->w[2]);
	if (ring_data_read(r, w->w[0], true, true, &d))
		return -1;
	q = find_ring(r, w->w[0], d.rings, w->w[1]);
	if (!q)
		goto out;
	ring = q->ring;
	if (!ring) {
		ret = fail(r, "chain: queue %u %s: %s", q->index, q->name,
			   q->error[0] ? q->error : "not read");
		goto out;
	}
	for (size_t c = 0; c < ring->nchains; c++)
		if (ring->chains[c].position == pos) {
			ret = print_ring_text(r, q, &ring->chains[c], 3, 3);
			goto out;
		}
	if (!ring->nchains)
		ret = fail(r, "chain: position %" PRIu64 " of %s is not in flight (nothing is in flight)",
			   pos, q->name);
	else
		ret = fail(r,
			   "chain: position %" PRIu64
			   " of %s is not in flight (%zu in flight: positions %u to %u)",
			   pos, q->name, ring->nchains, ring->chains[0].position,
			   ring->chains[ring->nchains - 1].position);
out:
	ring_data_free(&d);
	return ret;
}

/* The IRQ line of an MSI-X vector (config or a queue): Linux's IRQ, its
 * name and count when Linux has one. */
static void print_vector_irq(struct repl *r, const struct vlp_irqs *irqs, bool vector_valid,
			     unsigned vector)
{
	const struct vlp_irq *irq;

	if (!vector_valid) {
		fprintf(r->out, "vector not read\n");
		return;
	}
	if (vector == VLP_NO_VECTOR) { /* 4.1.4.3 */
		fprintf(r->out, "no vector (NO_VECTOR)\n");
		return;
	}
	fprintf(r->out, "vector %u", vector);
	irq = irqs ? vlp_irqs_find_entry(irqs, vector) : NULL;
	if (irq && irq->counted)
		fprintf(r->out, ", IRQ %u %s, %" PRIu64 " interrupt%s\n", irq->linux_irq,
			irq->name[0] ? irq->name : "(unnamed)", irq->count,
			irq->count == 1 ? "" : "s");
	else if (irq)
		fprintf(r->out, ", IRQ %u (not in /proc/interrupts)\n", irq->linux_irq);
	else
		fprintf(r->out, "%s\n", irqs ? ", no Linux IRQ" : "");
}

static int cmd_irq(struct repl *r, const struct words *w)
{
	struct output out = { 0 };
	struct device_view view = { .dev = r->s->dev, .layout = layout(r) };
	struct vlp_irqs *irqs = NULL;
	const struct vlp_field_value *cv;
	struct ring_data d;
	bool live = vlp_device_origin(r->s->dev) == VLP_ORIGIN_LIVE;
	char *text = NULL, why[256] = "";
	size_t size = 0;

	if (words_need(r, w, 0, 0))
		return -1;
	if (!live && !r->s->bars)
		return fail(r, "irq: %s",
			    vlp_device_origin(r->s->dev) == VLP_ORIGIN_DUMP
				    ? "a dump holds config space only (no MSI-X table, no Linux IRQs)"
				    : "no BAR access and no Linux to ask");
	/* Queue vectors and names come with the rings' description; their
	 * memory is not needed here. */
	if (ring_data_read(r, w->w[0], false, false, &d))
		return -1;
	if (live && vlp_irqs_read(r->ctx, vlp_device_slot(r->s->dev), NULL, &irqs))
		snprintf(why, sizeof(why), "%s", vlp_ctx_error(r->ctx));
	view.state = d.state;
	view.irqs = irqs;
	view.rings = d.rings;
	out.f = open_memstream(&text, &size);
	if (!out.f) {
		vlp_irqs_free(irqs);
		ring_data_free(&d);
		return fail(r, "out of memory");
	}
	out.ctx = r->ctx;
	out.opts.verbose = 1;
	if (irqs)
		text_interrupts(&out, &view);
	fclose(out.f);
	if (irqs)
		print_dedented(r, text, 1);
	else if (live)
		fprintf(r->out, "Interrupts: unavailable (%s)\n", why);
	else
		fprintf(r->out,
			"Interrupts: unavailable (snapshot: the Linux IRQs of the machine it was captured on are not recorded)\n");
	free(text);
	if (!d.state) {
		fprintf(r->out, "Vectors: unknown (%s)\n", d.why);
	} else if (layout(r)->msix_index < 0 || !layout(r)->caps[layout(r)->msix_index].u.msix.enabled) {
		/* 4.1.5.1.2: without MSI-X every event is the INTx line and ISR. */
		fprintf(r->out, "Vectors: none (MSI-X %s): config and queues interrupt through INTx\n",
			layout(r)->msix_index < 0 ? "absent" : "disabled");
	} else {
		cv = d.rings->legacy ? vlp_regs_row(&d.state->legacy, vlp_legacy_header_table(),
						    VLP_LEGACY_CONFIG_MSIX_VECTOR)
				     : vlp_regs_row(&d.state->common, vlp_common_cfg_table(),
						    VLP_COMMON_CONFIG_MSIX_VECTOR);
		fprintf(r->out, "Config: ");
		print_vector_irq(r, irqs, cv && cv->valid, cv ? (unsigned)cv->value : 0);
		for (size_t i = 0; i < d.rings->nqueues; i++) {
			const struct vlp_queue_ring *q = &d.rings->queues[i];

			fprintf(r->out, "Queue %u %s: ", q->index, q->name);
			print_vector_irq(r, irqs, q->vector_valid, q->msix_vector);
		}
	}
	vlp_irqs_free(irqs);
	ring_data_free(&d);
	return 0;
}

static const char *const cfg_words[] = { "read", "write", NULL };

const struct command repl_commands[] = {
	{ "help", "help [COMMAND]", "list the commands, or explain one", cmd_help, COMPLETE_COMMAND,
	  NULL },
	{ "show", "show [SECTION...]",
	  "the -vv view, or sections of it: caps map status features queues device msix legacy",
	  cmd_show, COMPLETE_SECTION, NULL },
	{ "get", "get FIELD...", "read fields by name (common, device, legacy), e.g. get num_queues mac",
	  cmd_get, COMPLETE_FIELD, NULL },
	{ "set", "set FIELD VALUE",
	  "write a field and read it back; read-only fields and values that do not fit are refused",
	  cmd_set, COMPLETE_FIELD, NULL },
	{ "queue", "queue [Q] | queue setup Q [SIZE]",
	  "select queue Q for the queue_* fields (Q: index 0..num_queues-1, or name: receiveq1, controlq, requestq) and show it; queue setup gives queue Q a ring in pinned memory of SIZE (default: the device's maximum, at most 256) and enables it (4.1.5.1.3, NO_VECTOR: polled)",
	  cmd_queue, COMPLETE_QUEUE, NULL },
	{ "features", "features", "device, driver and negotiated feature bits with their names",
	  cmd_features, COMPLETE_NONE, NULL },
	{ "feature", "feature +NAME|-NAME|= MASK...",
	  "change the driver features and write every select word: +NAME adds a bit, -NAME removes one (to what driver_feature reads now); = MASK sets the words to exactly MASK (= device: every offered bit), names after it add or remove bits, e.g. feature = 0 +VERSION_1 +NET_F_MAC",
	  cmd_feature, COMPLETE_FEATURE, NULL },
	{ "status", "status [+NAME|-NAME|= VALUE...]",
	  "show or change device_status by bit names; = 0 resets and waits for 0 (4.1.4.3.2)",
	  cmd_status, COMPLETE_STATUS, NULL },
	{ "reset", "reset",
	  "write 0 to device_status and wait until it reads 0 (4.1.4.3.2); a note says when driver_feature still holds bits",
	  cmd_reset, COMPLETE_NONE, NULL },
	{ "init", "init [FEATURE...]",
	  "the initialization sequence of 3.1.1 step by step: reset, ACKNOWLEDGE, DRIVER, features (all offered, or these), FEATURES_OK and its re-read, every queue set up (as queue setup), DRIVER_OK",
	  cmd_init, COMPLETE_FEATURE, NULL },
	{ "post", "post Q in|out LEN [HEX]",
	  "make a buffer of LEN bytes (at most 4096) available on queue Q set up here: in = the device writes it, out = the device reads it (HEX: its first bytes)",
	  cmd_post, COMPLETE_QUEUE, NULL },
	{ "kick", "kick Q", "notify queue Q set up here, after a memory barrier (4.1.5.2)",
	  cmd_kick, COMPLETE_QUEUE, NULL },
	{ "poll", "poll Q [MS]",
	  "wait up to MS ms (default 1000) for used entries of queue Q set up here: id, len, and the bytes the device wrote into in buffers (hex)",
	  cmd_poll, COMPLETE_QUEUE, NULL },
	{ "notify", "notify N", "notify queue N: write its notification address (4.1.4.4)",
	  cmd_notify, COMPLETE_QUEUE, NULL },
	{ "isr", "isr", "read the ISR status; reading clears it (4.1.4.5)", cmd_isr, COMPLETE_NONE,
	  NULL },
	{ "read", "read BAR OFFSET WIDTH", "raw read of 1, 2 or 4 bytes (b, w, l) in a BAR",
	  cmd_read, COMPLETE_NONE, NULL },
	{ "write", "write BAR OFFSET WIDTH VALUE", "raw write, then read back", cmd_write,
	  COMPLETE_NONE, NULL },
	{ "cfg", "cfg read|write REG[.B|.W|.L][=VALUE]",
	  "config space in setpci's syntax (hex): cfg read COMMAND, cfg write 4.w=0406", cmd_cfg,
	  COMPLETE_WORDS, cfg_words },
	{ "watch", "watch [-n COUNT] [-i SECONDS] FIELD...",
	  "re-read fields until a key is pressed (batch: COUNT times); '*' marks changes",
	  cmd_watch, COMPLETE_FIELD, NULL },
	{ "trace", "trace [on|off]", "show every register access, reads too", cmd_trace,
	  COMPLETE_WORDS, on_off },
	{ "shell", "shell COMMAND...", "run a shell command (scripts: wait for something between steps)",
	  cmd_shell, COMPLETE_NONE, NULL },
	{ "echo", "echo TEXT...", "print the text (batch logs)", cmd_echo, COMPLETE_NONE, NULL },
	{ "ring", "ring Q",
	  "queue Q's ring (Q: index or name): indices, flags, event fields, in-flight chains, findings",
	  cmd_ring, COMPLETE_QUEUE, NULL },
	{ "chain", "chain Q POSITION",
	  "one in-flight chain of queue Q at its avail position (packed: ring slot): its descriptors, indirect tables followed",
	  cmd_chain, COMPLETE_QUEUE, NULL },
	{ "irq", "irq",
	  "the device's interrupts as Linux sees them, and the vector and IRQ of config and each queue",
	  cmd_irq, COMPLETE_NONE, NULL },
	{ "quit", "quit", "leave (also exit, Ctrl-D)", cmd_quit, COMPLETE_NONE, NULL },
	{ "exit", "exit", "leave", cmd_quit, COMPLETE_NONE, NULL },
};
const size_t repl_ncommands = sizeof(repl_commands) / sizeof(repl_commands[0]);

const struct command *repl_find_command(const char *name)
{
	for (size_t i = 0; i < repl_ncommands; i++)
		if (!strcmp(repl_commands[i].name, name))
			return &repl_commands[i];
	return NULL;
}

int repl_run_command(struct repl *r, const char *cmd)
{
	const struct command *c;
	struct words w = { .n = 0 };

	r->err[0] = '\0';
	if (split_words(cmd, &w, r->err, sizeof(r->err)))
		return -1;
	if (!w.n)
		return 0;
	c = repl_find_command(w.w[0]);
	if (!c)
		return fail(r, "unknown command '%s' (help lists them)", w.w[0]);
	return c->run(r, &w);
}
