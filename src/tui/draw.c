/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live view's panels, drawn with curses from what collect.c read.
 * Values are formatted by the printers' helpers (format_value, ...) and
 * named by the field tables; nothing here reads the device.
 *
 *   identity (2 rows) / status, generation, vectors (flowing, 2-3 rows)
 *   features grid | device configuration
 *   queues table            (beside MSI-X on wide terminals)
 *   MSI-X vectors
 *   status line
 * The capability/BAR map replaces the panels below the status on 'm'.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

#define NA "N/A"
#define MIN_COLS 60
#define MIN_LINES 16
#define WIDE_COLS 140    /* queues and MSI-X side by side from here */
#define FEATURES_COLS 50 /* bit, the longest names, three flag columns */

enum { PAIR_TITLE = 1, PAIR_FOCUS, PAIR_CHANGED, PAIR_ON, PAIR_ERROR };

static attr_t style_title, style_focus, style_changed, style_on, style_off, style_error, style_head;

void tui_draw_init(struct tui_view *v)
{
	const char *no_color = getenv("NO_COLOR");

	/* https://no-color.org: any non-empty value turns colours off. */
	v->color = has_colors() && !(no_color && no_color[0]);
	if (v->color) {
		start_color();
		use_default_colors();
		init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_FOCUS, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_CHANGED, COLOR_BLACK, COLOR_YELLOW);
		init_pair(PAIR_ON, COLOR_GREEN, -1);
		init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
		style_title = COLOR_PAIR(PAIR_TITLE);
		style_focus = COLOR_PAIR(PAIR_FOCUS) | A_BOLD;
		style_changed = COLOR_PAIR(PAIR_CHANGED) | A_BOLD;
		style_on = COLOR_PAIR(PAIR_ON) | A_BOLD;
		style_error = COLOR_PAIR(PAIR_ERROR) | A_BOLD;
	} else {
		/* Monochrome: bold and reverse carry the same distinctions. */
		style_title = A_UNDERLINE;
		style_focus = A_REVERSE;
		style_changed = A_REVERSE | A_BOLD;
		style_on = A_BOLD;
		style_error = A_BOLD | A_REVERSE;
	}
	style_off = A_NORMAL;
	style_head = A_BOLD;
}

struct rect {
	int y, x, h, w;
};

/* Text at (y, x), clipped at column end; highlighted while the value under
 * key (NULL: not tracked) changed recently.  Returns the column after it. */
static int cell(struct tui_data *d, int y, int x, int end, const char *key, const char *text, attr_t attr)
{
	int n = end - x, len = (int)strlen(text);

	if (key && tui_changed(d, key, text))
		attr = style_changed;
	if (n <= 0)
		return x;
	attrset(attr);
	mvaddnstr(y, x, text, n);
	attrset(A_NORMAL);
	return x + (len < n ? len : n);
}

/* A row's background, then its text. */
static void bar(int y, int x, int w, attr_t attr)
{
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

/* The value of a row, as the printers format it (named bits appended). */
static void value_text(char *buf, size_t len, const struct vlp_field *f,
		       const struct vlp_field_value *v)
{
	if (!v || !v->valid) {
		snprintf(buf, len, NA);
		return;
	}
	format_named_value(buf, len, f, v, false);
}

/* Rows a reader leaves alone on purpose (write-only, notify, ISR). */
static bool shown_row(const struct vlp_field *f, const struct vlp_field_value *v)
{
	return v->present && f->access != VLP_WO && !(f->flags & VLP_FIELD_NOTIFIES) &&
	       !((f->flags & VLP_FIELD_READ_CLEARS) && !v->valid);
}

static unsigned device_type(const struct session *s)
{
	const struct vlp_virtio_id *id = &s->layout->virtio;

	return id->device_type.valid ? (unsigned)id->device_type.value : 0;
}

/* ------------------------------------------------------- panel frame */

typedef void (*row_fn)(struct tui_data *d, struct tui_view *v, int row, int y, int x, int w);

/* A title bar and content rows [0, count), the first header_rows of which
 * stay put while the rest scroll. */
static void panel(struct tui_data *d, struct tui_view *v, enum tui_panel p, const char *title,
		  const char *right, struct rect r, int count, int header_rows, row_fn fn)
{
	int page = r.h - 1 - header_rows, max_scroll, x;
	char pos[48];

	if (r.h < 1 || r.w < 1)
		return;
	if (page < 0)
		page = 0;
	max_scroll = count - header_rows - page;
	if (max_scroll < 0)
		max_scroll = 0;
	if (v->scroll[p] > max_scroll)
		v->scroll[p] = max_scroll;
	if (v->scroll[p] < 0)
		v->scroll[p] = 0;
	v->page[p] = page;
	v->content[p] = count - header_rows;
	bar(r.y, r.x, r.w, v->focus == p ? style_focus : style_title);
	x = cell(d, r.y, r.x, r.x + r.w, NULL, v->focus == p ? ">" : " ",
		 v->focus == p ? style_focus : style_title);
	x = cell(d, r.y, x, r.x + r.w, NULL, title,
		 (v->focus == p ? style_focus : style_title) | A_BOLD);
	pos[0] = '\0';
	if (count - header_rows > page && page > 0)
		snprintf(pos, sizeof(pos), "  %d-%d/%d", v->scroll[p] + 1,
			 v->scroll[p] + page < count - header_rows ? v->scroll[p] + page
								   : count - header_rows,
			 count - header_rows);
	cell(d, r.y, x, r.x + r.w, NULL, pos, v->focus == p ? style_focus : style_title);
	if (right && (int)strlen(right) < r.w - x + r.x)
		cell(d, r.y, r.x + r.w - (int)strlen(right), r.x + r.w, NULL, right,
		     v->focus == p ? style_focus : style_title);
	for (int i = 0; i < r.h - 1; i++) {
		int row = i < header_rows ? i : i + v->scroll[p];

		if (row < count)
			fn(d, v, row, r.y + 1 + i, r.x, r.w);
	}
}

/* ------------------------------------------------------- identity, status */

static void draw_identity(struct tui_data *d, struct tui_view *v, int w)
{
	const struct session *s = d->session;
	const struct vlp_layout *l = s->layout;
	const char *backend = s->bars && d->backend[0] ? d->backend : NULL;
	char buf[256], title[160];
	int x;

	(void)v;
	bar(0, 0, w, style_title);
	format_device_title(title, sizeof(title), l);
	snprintf(buf, sizeof(buf), " virtio-lspci --top  %s  %s", s->name, title);
	cell(d, 0, 0, w, NULL, buf, style_title | A_BOLD);
	x = cell(d, 1, 0, w, NULL, " driver: ", style_head);
	x = cell(d, 1, x, w, "identity.driver", d->driver[0] ? d->driver : "none", A_NORMAL);
	x = cell(d, 1, x, w, NULL, "   access: ", style_head);
	snprintf(buf, sizeof(buf), "%s%s", backend ? backend : "none (config space only)",
		 d->opts->passive ? ", passive" : "");
	x = cell(d, 1, x, w, NULL, buf, A_NORMAL);
	x = cell(d, 1, x, w, NULL, "   origin: ", style_head);
	x = cell(d, 1, x, w, NULL, s->origin, A_NORMAL);
	/* A dump has no values to hold still: "origin: dump" says it all. */
	if (d->is_static && vlp_device_origin(s->dev) == VLP_ORIGIN_SNAPSHOT)
		cell(d, 1, x + 3, w, NULL, " SNAPSHOT (static) ", style_error);
}

/* Cells placed left to right, wrapping at the width; with draw false only
 * the rows needed are counted. */
struct flow {
	struct tui_data *d;
	bool draw;
	int y, x, w;
};

static void flow_cell(struct flow *f, const char *key, const char *text, attr_t attr, bool space)
{
	int len = (int)strlen(text) + (space && f->x > 1 ? 1 : 0);

	if (f->x > 1 && f->x + len > f->w) {
		f->y++;
		f->x = 1; /* continuation rows indented like the first */
	}
	if (space && f->x > 1)
		f->x++;
	if (f->draw)
		f->x = cell(f->d, f->y, f->x, f->w, key, text, attr);
	else
		f->x += (int)strlen(text);
}

/* Rows of the status line: common configuration, legacy header (-1: none). */
static const struct {
	int common, legacy;
} status_rows[] = {
	{ VLP_COMMON_CONFIG_GENERATION, -1 },
	{ VLP_COMMON_CONFIG_MSIX_VECTOR, VLP_LEGACY_CONFIG_MSIX_VECTOR },
	{ VLP_COMMON_NUM_QUEUES, -1 },
	{ VLP_COMMON_QUEUE_SELECT, VLP_LEGACY_QUEUE_SELECT },
};

/* Device status as named bits (2.1), then the generation and the config
 * vector; returns the rows used. */
static int flow_status(struct tui_data *d, int y, int w, bool draw)
{
	const struct vlp_regs *regs = tui_config_regs(d->state);
	const struct vlp_field *f;
	const struct vlp_field_value *status =
		tui_reg(regs, VLP_COMMON_DEVICE_STATUS, VLP_LEGACY_DEVICE_STATUS, &f);
	const struct vlp_names *names = vlp_status_names();
	struct flow fl = { .d = d, .draw = draw, .y = y, .x = 0, .w = w };
	char buf[128], key[64];

	flow_cell(&fl, NULL, " Status", style_head, false);
	if (status && status->valid)
		snprintf(buf, sizeof(buf), "0x%02x", (unsigned)status->value);
	else
		snprintf(buf, sizeof(buf), NA);
	flow_cell(&fl, "status", buf, A_NORMAL, true);
	for (size_t i = 0; i < names->count; i++) {
		bool on = status && status->valid && ((status->value >> names->entries[i].value) & 1);

		snprintf(buf, sizeof(buf), "%s%c", names->entries[i].name,
			 !status || !status->valid ? '?'
			 : on                      ? '+'
						   : '-');
		snprintf(key, sizeof(key), "status.%s", names->entries[i].name);
		flow_cell(&fl, key, buf, on ? style_on : style_off, true);
	}
	fl.x += 1;
	for (size_t i = 0; i < sizeof(status_rows) / sizeof(status_rows[0]); i++) {
		const struct vlp_field_value *val =
			tui_reg(regs, status_rows[i].common, status_rows[i].legacy, &f);
		const char *name = vlp_common_cfg_table()->fields[status_rows[i].common].name;
		char text[96];

		if (!f && regs)
			continue; /* the legacy header lacks the generation */
		value_text(text, sizeof(text), f, val);
		snprintf(buf, sizeof(buf), "%s=%s", name, f ? text : NA);
		snprintf(key, sizeof(key), "common.%s", name);
		flow_cell(&fl, key, buf, A_NORMAL, true);
	}
	return fl.y - y + 1;
}

/* ------------------------------------------------------- features */

/* Bit numbers of the grid rows. */
static int feature_rows(const struct tui_data *d, unsigned *bits)
{
	int n = 0;

	for (unsigned b = 0; b < 32 * VLP_FEATURE_WORDS; b++)
		if ((d->features_seen[b / 32] >> (b % 32)) & 1)
			bits[n++] = b;
	return n;
}

static char flag(const struct vlp_val *words, unsigned bit)
{
	if (!words[bit / 32].valid)
		return '?';
	return (words[bit / 32].value >> (bit % 32)) & 1 ? '+' : '-';
}

static void row_features(struct tui_data *d, struct tui_view *v, int row, int y, int x, int w)
{
	unsigned bits[32 * VLP_FEATURE_WORDS];
	struct vlp_val dev[VLP_FEATURE_WORDS], drv[VLP_FEATURE_WORDS], neg[VLP_FEATURE_WORDS];
	int n = feature_rows(d, bits);
	const char *name;
	char buf[64], key[32], unnamed[16];
	char flags[3];
	unsigned bit;

	(void)v;
	if (n == 0) {
		cell(d, y, x + 1, x + w, NULL, d->state ? "no feature bits set" : NA, A_NORMAL);
		return;
	}
	bit = bits[row];
	tui_features(d->state, false, dev);
	tui_features(d->state, true, drv);
	for (unsigned i = 0; i < VLP_FEATURE_WORDS; i++)
		neg[i] = (struct vlp_val){ dev[i].value & drv[i].value, dev[i].valid && drv[i].valid };
	name = vlp_feature_name(device_type(d->session), bit);
	if (!name) {
		snprintf(unnamed, sizeof(unnamed), "bit%u", bit);
		name = unnamed;
	}
	snprintf(buf, sizeof(buf), "%4u %s", bit, name);
	flags[0] = flag(dev, bit);
	flags[1] = flag(drv, bit);
	flags[2] = flag(neg, bit);
	cell(d, y, x, x + w - 13, NULL, buf, flags[2] == '+' ? style_on : A_NORMAL);
	for (int c = 0; c < 3; c++) {
		static const char *const col[] = { "dev", "drv", "neg" };
		char text[2] = { flags[c], '\0' };

		snprintf(key, sizeof(key), "feat.%u.%s", bit, col[c]);
		cell(d, y, x + w - 11 + 4 * c, x + w, key, text,
		     flags[c] == '+' ? style_on : style_off);
	}
}

static int count_features(const struct tui_data *d)
{
	unsigned bits[32 * VLP_FEATURE_WORDS];
	int n = feature_rows(d, bits);

	return n ? n : 1;
}

/* ------------------------------------------------------- device config */

static int device_rows(const struct vlp_regs *regs, size_t *rows)
{
	int n = 0;

	for (size_t i = 0; regs && i < regs->table->count; i++)
		if (shown_row(&regs->table->fields[i], &regs->values[i]))
			rows[n++] = i;
	return n;
}

static void row_device(struct tui_data *d, struct tui_view *v, int row, int y, int x, int w)
{
	const struct vlp_regs *regs = tui_device_regs(d->state);
	size_t rows[128], name_w = 0;
	int n = regs && regs->table->count <= 128 ? device_rows(regs, rows) : 0, end = x + w;
	char buf[600], key[64];
	const struct vlp_field *f;

	(void)v;
	if (n == 0) {
		const char *why = d->skipped & VLP_STATE_SKIP_DEVICE ? "not read (not shown)"
				  : !d->state                        ? NA
				  : regs                             ? "no fields"
								     : "none for this device";

		cell(d, y, x + 1, x + w, NULL, why, A_NORMAL);
		return;
	}
	for (int i = 0; i < n; i++)
		if (strlen(regs->table->fields[rows[i]].name) > name_w)
			name_w = strlen(regs->table->fields[rows[i]].name);
	if ((int)name_w > w / 2)
		name_w = (size_t)w / 2;
	f = &regs->table->fields[rows[row]];
	snprintf(buf, sizeof(buf), " %-*s ", (int)name_w, f->name);
	x = cell(d, y, x, end, NULL, buf, A_NORMAL);
	value_text(buf, sizeof(buf), f, &regs->values[rows[row]]);
	snprintf(key, sizeof(key), "dev.%s", f->name);
	cell(d, y, x, end, key, buf, A_NORMAL);
}

static int count_device(const struct tui_data *d)
{
	const struct vlp_regs *regs = tui_device_regs(d->state);
	size_t rows[128];
	int n = regs && regs->table->count <= 128 ? device_rows(regs, rows) : 0;

	return n ? n : 1;
}

/* ------------------------------------------------------- queues */

#define MAX_QUEUE_COLS 16

struct queue_cols {
	size_t row[MAX_QUEUE_COLS]; /* table rows shown as columns */
	char head[MAX_QUEUE_COLS][24];
	int width[MAX_QUEUE_COLS];
	int n;
	bool compact; /* hex values without 0x: the table would not fit otherwise */
};

/* Column header: the field's name without "queue_", up to the next '_'
 * ("queue_msix_vector" -> "msix"). */
static void column_head(char *buf, size_t len, const char *name)
{
	const char *p = strncmp(name, "queue_", 6) ? name : name + 6;

	snprintf(buf, len, "%.*s", (int)strcspn(p, "_"), p);
}

/* A queue cell: the row's value, hex without its "0x" in a compact table. */
static void queue_text(char *buf, size_t len, const struct vlp_field *f,
		       const struct vlp_field_value *v, bool compact)
{
	value_text(buf, len, f, v);
	if (compact && !strncmp(buf, "0x", 2))
		memmove(buf, buf + 2, strlen(buf) - 1); /* the rest and its NUL */
}

/* The per-queue rows of the table (selector: queue), present in some queue. */
static void queue_columns(const struct vlp_queue_state *qs, size_t nq, int avail, struct queue_cols *c)
{
	const struct vlp_field_table *t = nq ? qs[0].regs.table : NULL;
	char buf[96];
	int total;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; t && i < t->count && c->n < MAX_QUEUE_COLS; i++) {
		const struct vlp_field *f = &t->fields[i];
		bool any = false;

		if (f->selector != VLP_SEL_QUEUE)
			continue;
		for (size_t q = 0; q < nq; q++)
			any |= shown_row(f, &qs[q].regs.values[i]);
		if (!any)
			continue;
		c->row[c->n] = i;
		column_head(c->head[c->n], sizeof(c->head[0]), f->name);
		c->n++;
	}
	for (int pass = 0; pass < 2; pass++) {
		total = 4;
		c->compact = pass == 1;
		for (int k = 0; k < c->n; k++) {
			const struct vlp_field *f = &t->fields[c->row[k]];

			c->width[k] = (int)strlen(c->head[k]);
			for (size_t q = 0; q < nq; q++) {
				queue_text(buf, sizeof(buf), f, &qs[q].regs.values[c->row[k]],
					   c->compact);
				if ((int)strlen(buf) > c->width[k])
					c->width[k] = (int)strlen(buf);
			}
			total += c->width[k] + 1;
		}
		if (total <= avail)
			break;
	}
}

/* --rings: the ring columns, right after the queue's index and name, not
 * scrolled sideways with the register columns. */
enum {
	RC_AVAIL,
	RC_USED,
	RC_IN_FLIGHT,
	RC_AVAIL_RATE,
	RC_USED_RATE,
	RC_IRQ_RATE,
	RC_VERDICT,
	RING_COLS
};
static const char *const ring_heads[RING_COLS] = { "avail",  "used",  "in-flight", "avail/s",
						   "used/s", "IRQ/s", "verdict" };
#define RING_COL_WIDTH 7 /* "12345.6"; the verdict column is as wide as its longest value */

static void rate_text(char *buf, size_t len, bool known, double rate)
{
	if (!known)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, rate < 10 ? "%.1f" : "%.0f", rate);
}

/* The ring cells of queue index: its name and the RING_COLS values. */
static void ring_texts(const struct tui_data *d, unsigned index, char *name, size_t name_len,
		       char cols[RING_COLS][64])
{
	const struct tui_ring_sample *smp;
	const struct vlp_queue_ring *q = tui_ring(d, index, &smp);
	bool read = smp && smp->read;

	snprintf(name, name_len, "%s", q ? q->name : "-");
	for (int c = 0; c < RING_COLS; c++)
		snprintf(cols[c], sizeof(cols[0]), "-");
	if (!read)
		return;
	snprintf(cols[RC_AVAIL], sizeof(cols[0]), "%u", smp->avail);
	if (!smp->packed)
		snprintf(cols[RC_USED], sizeof(cols[0]), "%u", smp->used);
	snprintf(cols[RC_IN_FLIGHT], sizeof(cols[0]), "%u", smp->in_flight);
	rate_text(cols[RC_AVAIL_RATE], sizeof(cols[0]), smp->rates.valid, smp->rates.avail_per_s);
	rate_text(cols[RC_USED_RATE], sizeof(cols[0]), smp->rates.valid, smp->rates.used_per_s);
	rate_text(cols[RC_IRQ_RATE], sizeof(cols[0]), smp->rates.irq_valid, smp->rates.irq_per_s);
	snprintf(cols[RC_VERDICT], sizeof(cols[0]), "%s", tui_queue_verdict(smp));
}

/* Width of the name column: the longest queue name. */
static int ring_name_width(const struct tui_data *d)
{
	int width = 4;

	for (size_t i = 0; d->rings && i < d->rings->nqueues; i++)
		if ((int)strlen(d->rings->queues[i].name) > width)
			width = (int)strlen(d->rings->queues[i].name);
	return width;
}

/* Width of the verdict column: the longest verdict shown
 * ("waiting-for-input"), at least a column's width. */
static int ring_verdict_width(const struct tui_data *d)
{
	int width = RING_COL_WIDTH;

	for (size_t i = 0; i < d->nsamples; i++) {
		int n = (int)strlen(tui_queue_verdict(&d->samples[i]));

		if (n > width)
			width = n;
	}
	return width;
}

/* Rows above the queues that stay put: the column heads, and with --rings
 * the line saying why no ring is shown. */
static int queue_header_rows(const struct tui_data *d)
{
	return 1 + (d->rings_on && d->rings_error[0] ? 1 : 0);
}

static void row_queues(struct tui_data *d, struct tui_view *v, int row, int y, int x, int w)
{
	size_t nq;
	const struct vlp_queue_state *qs = tui_queues(d->state, &nq);
	struct queue_cols c;
	int end = x + w, first, hdr = queue_header_rows(d), name_w = ring_name_width(d);
	int verdict_w = ring_verdict_width(d);
	int ring_w = d->rings_on
			     ? 1 + name_w + (RING_COLS - 1) * (1 + RING_COL_WIDTH) + 1 + verdict_w + 2
			     : 0;
	char buf[96], key[64];

	if (d->rings_on && row == 1 && hdr == 2) {
		snprintf(buf, sizeof(buf), " rings: %s (%.70s)",
			 d->rings && !d->rings->error[0] ? "incomplete" : "not read", d->rings_error);
		cell(d, y, x, end, NULL, buf, style_error);
		return;
	}
	if (!nq) {
		if (row == hdr)
			cell(d, y, x + 1, end, NULL,
			     d->skipped & VLP_STATE_SKIP_QUEUES ? "not read (not shown)"
			     : d->state && d->opts->passive
				     ? "none read (--passive: the selected queue only)"
			     : d->state ? "no queues"
					: NA,
			     A_NORMAL);
		return;
	}
	queue_columns(qs, nq, w - ring_w, &c);
	first = v->hscroll < c.n ? v->hscroll : (c.n ? c.n - 1 : 0);
	if (first < 0)
		first = 0;
	if (row == 0) {
		int cx = cell(d, y, x, end, NULL, "   q", style_head);

		if (d->rings_on) {
			snprintf(buf, sizeof(buf), " %-*s", name_w, "name");
			cx = cell(d, y, cx, end, NULL, buf, style_head);
			for (int k = 0; k < RING_COLS; k++) {
				snprintf(buf, sizeof(buf), " %*s",
					 k == RC_VERDICT ? -verdict_w : RING_COL_WIDTH, ring_heads[k]);
				cx = cell(d, y, cx, end, NULL, buf, style_head);
			}
			cx = cell(d, y, cx, end, NULL, " |", style_head);
		}
		for (int k = first; k < c.n; k++) {
			snprintf(buf, sizeof(buf), " %*s", c.width[k], c.head[k]);
			cx = cell(d, y, cx, end, NULL, buf, style_head);
		}
		if (first > 0)
			cell(d, y, x, end, NULL, "<", style_head);
		return;
	}
	{
		const struct vlp_queue_state *q = &qs[row - hdr];
		bool sel = d->rings_on && row - hdr == v->queue_sel;
		attr_t attr = sel ? (v->focus == PANEL_QUEUES ? A_REVERSE : A_BOLD) : A_NORMAL;
		int cx;

		if (sel)
			bar(y, x, w, attr);
		snprintf(buf, sizeof(buf), "%c%3u", sel ? '>' : ' ', q->index);
		cx = cell(d, y, x, end, NULL, buf, attr);
		if (d->rings_on) {
			char name[32], cols[RING_COLS][64];

			ring_texts(d, q->index, name, sizeof(name), cols);
			snprintf(buf, sizeof(buf), " %-*s", name_w, name);
			cx = cell(d, y, cx, end, NULL, buf, attr);
			for (int k = 0; k < RING_COLS; k++) {
				snprintf(buf, sizeof(buf), " %*s",
					 k == RC_VERDICT ? -verdict_w : RING_COL_WIDTH, cols[k]);
				snprintf(key, sizeof(key), "q%u.ring.%s", q->index, ring_heads[k]);
				cx = cell(d, y, cx, end, key, buf, attr);
			}
			cx = cell(d, y, cx, end, NULL, " |", attr);
		}
		for (int k = first; k < c.n; k++) {
			const struct vlp_field *f = &q->regs.table->fields[c.row[k]];
			char text[80];

			queue_text(text, sizeof(text), f, &q->regs.values[c.row[k]], c.compact);
			if (!q->regs.values[c.row[k]].present)
				snprintf(text, sizeof(text), "-");
			/* right-aligned under its header */
			cx += 1 + c.width[k] - (int)strlen(text);
			snprintf(key, sizeof(key), "q%u.%s", q->index, f->name);
			cx = cell(d, y, cx, end, key, text, attr);
		}
	}
}

static int count_queues(const struct tui_data *d)
{
	size_t nq;

	tui_queues(d->state, &nq);
	return queue_header_rows(d) + (nq ? (int)nq : 1);
}

/* ------------------------------------------------------- chains */

static void row_chains(struct tui_data *d, struct tui_view *v, int row, int y, int x, int w)
{
	(void)v;
	cell(d, y, x, x + w, NULL, d->chain_lines[row], A_NORMAL);
}

static void draw_chains(struct tui_data *d, struct tui_view *v, int top, int h, int w)
{
	const struct vlp_queue_ring *q;
	char title[128];

	tui_chains_render(d, (unsigned)v->chains);
	q = tui_ring(d, (unsigned)v->chains, NULL);
	if (q && q->ring)
		snprintf(title, sizeof(title), "Chains of queue %d %s: %u in flight", v->chains,
			 q->name, q->ring->in_flight);
	else
		snprintf(title, sizeof(title), "Chains of queue %d", v->chains);
	panel(d, v, PANEL_CHAINS, title, "Esc: back ", (struct rect){ top, 0, h, w },
	      (int)d->nchain_lines, 0, row_chains);
}

/* ------------------------------------------------------- MSI-X */

static const struct vlp_msix_cap *msix_cap(const struct tui_data *d)
{
	const struct vlp_layout *l = d->session->layout;

	return l->msix_index >= 0 ? &l->caps[l->msix_index].u.msix : NULL;
}

static void row_msix(struct tui_data *d, struct tui_view *v, int row, int y, int x, int w)
{
	const struct vlp_field_table *t = vlp_msix_entry_table();
	const struct vlp_state *s = d->state;
	char addr[64], data[64], users[256], buf[512], key[48];
	int end = x + w, cx;

	(void)v;
	if (row == 0) {
		/* Column names are the JSON keys of the "msix" entries ("vec": vector). */
		cell(d, y, x, end, NULL,
		     " vec address            data       masked pending  used_by", style_head);
		return;
	}
	if (!s || !s->nmsix) {
		cell(d, y, x + 1, end, NULL,
		     !msix_cap(d)                       ? "no MSI-X capability"
		     : d->skipped & VLP_STATE_SKIP_MSIX ? "not read (not shown)"
							: NA,
		     A_NORMAL);
		return;
	}
	{
		const struct vlp_msix_entry *e = &s->msix[row - 1];
		unsigned i = (unsigned)(row - 1);

		format_value(addr, sizeof(addr), &t->fields[0], &e->address);
		format_value(data, sizeof(data), &t->fields[1], &e->data);
		if (!e->address.valid)
			snprintf(addr, sizeof(addr), NA);
		if (!e->data.valid)
			snprintf(data, sizeof(data), NA);
		snprintf(buf, sizeof(buf), "%4u", i);
		cx = cell(d, y, x, end, NULL, buf, A_NORMAL);
		snprintf(buf, sizeof(buf), " %-18s", addr);
		snprintf(key, sizeof(key), "msix.%u.address", i);
		cx = cell(d, y, cx, end, key, buf, A_NORMAL);
		snprintf(buf, sizeof(buf), " %-10s", data);
		snprintf(key, sizeof(key), "msix.%u.data", i);
		cx = cell(d, y, cx, end, key, buf, A_NORMAL);
		snprintf(buf, sizeof(buf), " masked%c",
			 !e->control.valid        ? '?'
			 : (e->control.value & 1) ? '+'
						  : '-');
		snprintf(key, sizeof(key), "msix.%u.masked", i);
		cx = cell(d, y, cx, end, key, buf, A_NORMAL);
		snprintf(buf, sizeof(buf), " pending%c",
			 !e->pending_valid ? '?'
			 : e->pending      ? '+'
					   : '-');
		snprintf(key, sizeof(key), "msix.%u.pending", i);
		cx = cell(d, y, cx, end, key, buf, e->pending ? style_on : A_NORMAL);
		format_vector_users(users, sizeof(users), s, i);
		snprintf(buf, sizeof(buf), "  %s", users);
		snprintf(key, sizeof(key), "msix.%u.used_by", i);
		cell(d, y, cx, end, key, buf, A_NORMAL);
	}
}

static int count_msix(const struct tui_data *d)
{
	return 1 + (d->state && d->state->nmsix ? (int)d->state->nmsix : 1);
}

/* ------------------------------------------------------- map, help, error */

static void row_map(struct tui_data *d, struct tui_view *v, int row, int y, int x, int w)
{
	(void)v;
	cell(d, y, x, x + w, NULL, d->map_lines[row], A_NORMAL);
}

static const char *const help_lines[] = {
	"virtio-lspci --top: keys",
	"",
	"  q           quit",
	"  space, r    read the device now",
	"  + / -       longer / shorter refresh interval",
	"  p           pause / resume reading",
	"  Tab         focus the next panel (title marked >)",
	"  Up, Down    scroll the focused panel by a row",
	"  PgUp, PgDn  scroll it by a page; Home, End",
	"  Left, Right scroll the queues table sideways",
	"  m           capability and BAR map on / off",
	"  Enter       --rings: the selected queue's chains (Esc back)",
	"  i           the REPL on this device; quit it to return",
	"  ?           this help (any key closes it)",
	"",
	"Changed values are highlighted for a few refreshes.",
	"Flags: + set, - clear, ? not read; N/A: not readable.",
};

static void draw_help(struct tui_data *d, int top, int h, int w)
{
	int n = (int)(sizeof(help_lines) / sizeof(help_lines[0]));
	int bw = 60 < w - 2 ? 60 : w - 2, bh = n + 2 < h ? n + 2 : h;
	int by = top + (h - bh) / 2, bx = (w - bw) / 2;

	for (int i = 0; i < bh; i++)
		bar(by + i, bx, bw, A_REVERSE);
	for (int i = 0; i + 1 < bh && i < n; i++)
		cell(d, by + 1 + i, bx + 2, bx + bw - 1, NULL, help_lines[i],
		     A_REVERSE | (i == 0 ? A_BOLD : 0));
}

static void draw_gone(struct tui_data *d, int top, int h, int w)
{
	char buf[600];
	int y = top + h / 3;

	bar(y, 0, w, style_error);
	snprintf(buf, sizeof(buf), " Device %s is gone or not responding", d->session->name);
	cell(d, y, 0, w, NULL, buf, style_error);
	snprintf(buf, sizeof(buf), " %s", d->error);
	cell(d, y + 2, 0, w, NULL, buf, A_BOLD);
	cell(d, y + 4, 0, w, NULL, " Reading goes on at every refresh; q quits.", A_NORMAL);
}

/* ------------------------------------------------------- layout */

/* Rows for sections wanting need[i] rows each, at least min[i], sharing
 * avail: one row at a time to each section still short. */
static void share_rows(int avail, int n, const int *need, const int *min, int *out)
{
	bool gave = true;

	for (int i = 0; i < n; i++) {
		out[i] = min[i];
		avail -= min[i];
	}
	while (avail > 0 && gave) {
		gave = false;
		for (int i = 0; i < n && avail > 0; i++)
			if (out[i] < need[i]) {
				out[i]++;
				avail--;
				gave = true;
			}
	}
	/* Rows nobody needs go to the last section. */
	if (avail > 0)
		out[n - 1] += avail;
}

static void draw_body(struct tui_data *d, struct tui_view *v, int top, int h, int w)
{
	const struct vlp_regs *dev = tui_device_regs(d->state);
	const struct vlp_msix_cap *m = msix_cap(d);
	char dev_title[96], msix_title[64];
	int top_need = count_features(d), q_need = count_queues(d), m_need = count_msix(d);
	int fw = w * 5 / 8 < FEATURES_COLS ? w * 5 / 8 : FEATURES_COLS;
	int rows[3];

	if (count_device(d) > top_need)
		top_need = count_device(d);
	snprintf(dev_title, sizeof(dev_title), "Device %s%s", dev ? dev->table->name : "config",
		 dev && d->state->device.table && !d->state->device_consistent ? " generation not confirmed"
									       : "");
	if (m)
		snprintf(msix_title, sizeof(msix_title), "MSI-X (%u vectors, %s%s)", m->table_size,
			 m->enabled ? "enabled" : "disabled",
			 m->function_mask ? ", function_mask" : "");
	else
		snprintf(msix_title, sizeof(msix_title), "MSI-X");
	if (w >= WIDE_COLS) {
		int need[2] = { top_need + 1, (q_need > m_need ? q_need : m_need) + 1 };
		int min[2] = { 4, 3 };
		int mw = 62;

		share_rows(h, 2, need, min, rows);
		panel(d, v, PANEL_FEATURES, "Features", "dev drv neg ",
		      (struct rect){ top, 0, rows[0], fw }, count_features(d), 0, row_features);
		panel(d, v, PANEL_DEVICE, dev_title, NULL,
		      (struct rect){ top, fw, rows[0], w - fw }, count_device(d), 0, row_device);
		panel(d, v, PANEL_QUEUES, "Queues", NULL,
		      (struct rect){ top + rows[0], 0, rows[1], w - mw }, q_need,
		      queue_header_rows(d), row_queues);
		panel(d, v, PANEL_MSIX, msix_title, NULL,
		      (struct rect){ top + rows[0], w - mw, rows[1], mw }, m_need, 1, row_msix);
		return;
	}
	{
		int need[3] = { top_need + 1, q_need + 1, m_need + 1 };
		int min[3] = { 4, 3, 3 };

		share_rows(h, 3, need, min, rows);
		panel(d, v, PANEL_FEATURES, "Features", "dev drv neg ",
		      (struct rect){ top, 0, rows[0], fw }, count_features(d), 0, row_features);
		panel(d, v, PANEL_DEVICE, dev_title, NULL,
		      (struct rect){ top, fw, rows[0], w - fw }, count_device(d), 0, row_device);
		panel(d, v, PANEL_QUEUES, "Queues", NULL, (struct rect){ top + rows[0], 0, rows[1], w },
		      q_need, queue_header_rows(d), row_queues);
		panel(d, v, PANEL_MSIX, msix_title, NULL,
		      (struct rect){ top + rows[0] + rows[1], 0, rows[2], w }, m_need, 1, row_msix);
	}
}

static void draw_status_line(struct tui_data *d, struct tui_view *v, int y, int w)
{
	struct timespec now;
	char buf[700];
	double ago;
	int x;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ago = tui_elapsed(&d->read_at, &now);
	bar(y, 0, w, style_title);
	if (v->interval < 1)
		snprintf(buf, sizeof(buf), " every %.1fs | read %.1fs ago%s ", v->interval, ago,
			 v->paused ? " | PAUSED" : "");
	else
		snprintf(buf, sizeof(buf), " every %gs | read %.0fs ago%s ", v->interval, ago,
			 v->paused ? " | PAUSED" : "");
	x = cell(d, y, 0, w, NULL, buf, style_title | A_BOLD);
	if (v->message[0]) {
		snprintf(buf, sizeof(buf), " %s ", v->message);
		x = cell(d, y, x, w - 14, NULL, buf, style_title);
	}
	/* Without register state the error is the header's line already. */
	if (d->error[0] && (d->state || d->gone)) {
		snprintf(buf, sizeof(buf), " %s ", d->error);
		cell(d, y, x + 1, w - 14, NULL, buf, style_error);
	}
	cell(d, y, w - 14, w, NULL, " ?:help q:quit", style_title);
}

void tui_draw(struct tui_data *d, struct tui_view *v)
{
	int h = LINES, w = COLS, srows, top;

	erase();
	if (h < MIN_LINES || w < MIN_COLS) {
		char buf[80];

		snprintf(buf, sizeof(buf), "terminal too small: %dx%d, the view needs %dx%d (q quits)",
			 w, h, MIN_COLS, MIN_LINES);
		cell(d, 0, 0, w, NULL, buf, A_BOLD);
		refresh();
		return;
	}
	draw_identity(d, v, w);
	/* Without register state the status rows would be all N/A: the line
	 * saying why takes their place. */
	srows = d->state || d->gone ? flow_status(d, 2, w, false) : 0;
	if (srows)
		flow_status(d, 2, w, true);
	top = 2 + srows;
	if (!d->gone && !d->state && d->error[0]) {
		/* No register state at all (a dump, BARs not reachable): say why
		 * plainly above the map (or the panels, which show N/A). */
		char buf[600];
		size_t len = strlen(d->error), first = len < (size_t)w - 1 ? len : (size_t)w - 1;

		bar(top, 0, w, style_error);
		snprintf(buf, sizeof(buf), " %.*s", (int)first, d->error);
		cell(d, top, 0, w, NULL, buf, style_error);
		top++;
		if (first < len) {
			bar(top, 0, w, style_error);
			snprintf(buf, sizeof(buf), " %s", d->error + first);
			cell(d, top, 0, w, NULL, buf, style_error);
			top++;
		}
	}
	if (d->gone)
		draw_gone(d, top, h - 1 - top, w);
	else if (v->chains >= 0)
		draw_chains(d, v, top, h - 1 - top, w);
	else if (v->show_map)
		panel(d, v, PANEL_MAP, "Capabilities and BAR map (config space)", "m: panels ",
		      (struct rect){ top, 0, h - 1 - top, w }, (int)d->nmap_lines, 0, row_map);
	else
		draw_body(d, v, top, h - 1 - top, w);
	if (v->show_help)
		draw_help(d, top, h - 1 - top, w);
	draw_status_line(d, v, h - 1, w);
	refresh();
}

unsigned tui_view_skip(const struct tui_view *v)
{
	/* virtio-input answers need select/subsel writes: never for a view. */
	unsigned skip = VLP_STATE_SKIP_INPUT;

	if (v->show_map || v->show_help)
		skip |= VLP_STATE_SKIP_QUEUES | VLP_STATE_SKIP_DEVICE | VLP_STATE_SKIP_MSIX;
	/* The chains view needs the queues (where the rings are) only. */
	else if (v->chains >= 0)
		skip |= VLP_STATE_SKIP_DEVICE | VLP_STATE_SKIP_MSIX;
	return skip;
}

int tui_focus_order(const struct tui_view *v, enum tui_panel order[PANEL_COUNT])
{
	if (v->chains >= 0) {
		order[0] = PANEL_CHAINS;
		return 1;
	}
	if (v->show_map) {
		order[0] = PANEL_MAP;
		return 1;
	}
	order[0] = PANEL_FEATURES;
	order[1] = PANEL_DEVICE;
	order[2] = PANEL_QUEUES;
	order[3] = PANEL_MSIX;
	return 4;
}
