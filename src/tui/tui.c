/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live view (--top, issue 5): one device, read again every interval
 * and drawn as panels.  This file runs the loop: the device picker, keys,
 * timing (the process sleeps in getch timeouts: no busy waiting) and the
 * REPL key.  Reading is in collect.c, drawing in draw.c.
 */
#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "tui.h"

/* Refresh intervals '+' and '-' step through, in seconds. */
static const double interval_steps[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300, 600, 1800, 3600 };
#define NSTEPS (sizeof(interval_steps) / sizeof(interval_steps[0]))

static volatile sig_atomic_t quit_signal;

static void on_quit_signal(int sig)
{
	quit_signal = sig;
}

static void curses_start(struct tui_view *v)
{
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Esc closes the chains view: no need to wait a second for an
	 * escape sequence that is not coming. */
	set_escdelay(25);
	curs_set(0);
	tui_draw_init(v);
}

/* ------------------------------------------------------- picker */

struct pick_list {
	char (*slot)[32];
	char (*summary)[160];
	size_t n, cap;
};

static void pick_add(void *arg, const char *slot, const char *summary)
{
	struct pick_list *p = arg;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		char(*slots)[32] = realloc(p->slot, cap * sizeof(*p->slot));
		char(*summaries)[160];

		if (!slots)
			return;
		p->slot = slots;
		summaries = realloc(p->summary, cap * sizeof(*p->summary));
		if (!summaries)
			return;
		p->summary = summaries;
		p->cap = cap;
	}
	snprintf(p->slot[p->n], sizeof(p->slot[0]), "%s", slot);
	snprintf(p->summary[p->n], sizeof(p->summary[0]), "%s", summary);
	p->n++;
}

/* The user picks one device; -1 when they quit. */
static int pick(const struct pick_list *p)
{
	int sel = 0, first = 0;

	for (;;) {
		int rows = LINES - 3;

		erase();
		attrset(A_BOLD);
		mvaddnstr(0, 0, "virtio-lspci --top: pick a virtio device (Up/Down, Enter; q quits)",
			  COLS);
		attrset(A_NORMAL);
		if (sel < first)
			first = sel;
		if (rows > 0 && sel >= first + rows)
			first = sel - rows + 1;
		for (int i = 0; i < rows && first + i < (int)p->n; i++) {
			char line[256];

			snprintf(line, sizeof(line), " %s  %s", p->slot[first + i],
				 p->summary[first + i]);
			attrset(first + i == sel ? A_REVERSE : A_NORMAL);
			mvaddnstr(2 + i, 0, line, COLS);
		}
		attrset(A_NORMAL);
		refresh();
		switch (getch()) {
		case KEY_UP:
		case 'k':
			sel = sel > 0 ? sel - 1 : 0;
			break;
		case KEY_DOWN:
		case 'j':
			sel = sel + 1 < (int)p->n ? sel + 1 : sel;
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
			return sel;
		case 'q':
		case 27:
			return -1;
		default:
			break;
		}
		if (quit_signal)
			return -1;
	}
}

/* ------------------------------------------------------- keys */

static void step_interval(struct tui_view *v, int dir)
{
	size_t i;

	if (dir > 0) {
		for (i = 0; i < NSTEPS && interval_steps[i] <= v->interval + 1e-9; i++)
			;
		if (i < NSTEPS)
			v->interval = interval_steps[i];
	} else {
		for (i = NSTEPS; i > 0 && interval_steps[i - 1] >= v->interval - 1e-9; i--)
			;
		if (i > 0)
			v->interval = interval_steps[i - 1];
	}
	snprintf(v->message, sizeof(v->message), "interval %gs", v->interval);
}

static void move_focus(struct tui_view *v, int dir)
{
	enum tui_panel order[PANEL_COUNT];
	int n = tui_focus_order(v, order), at = 0;

	for (int i = 0; i < n; i++)
		if (order[i] == v->focus)
			at = i;
	v->focus = order[(at + dir + n) % n];
}

static void scroll_focus(struct tui_view *v, int rows)
{
	int *s = &v->scroll[v->focus];

	*s += rows;
	if (*s > v->content[v->focus] - v->page[v->focus])
		*s = v->content[v->focus] - v->page[v->focus];
	if (*s < 0)
		*s = 0;
}

/* --rings: the Queues panel has a selected row (Enter opens its chains);
 * the panel scrolls to keep it in sight. */
static bool selecting(const struct tui_data *d, const struct tui_view *v)
{
	return d->rings_on && v->focus == PANEL_QUEUES && v->chains < 0;
}

static void select_queue(struct tui_data *d, struct tui_view *v, int rows)
{
	int *scroll = &v->scroll[PANEL_QUEUES], page = v->page[PANEL_QUEUES];
	size_t n;

	tui_queues(d->state, &n);
	if (!n)
		return;
	v->queue_sel += rows;
	if (v->queue_sel >= (int)n)
		v->queue_sel = (int)n - 1;
	if (v->queue_sel < 0)
		v->queue_sel = 0;
	if (v->queue_sel < *scroll)
		*scroll = v->queue_sel;
	else if (page > 0 && v->queue_sel >= *scroll + page)
		*scroll = v->queue_sel - page + 1;
}

static void open_chains(struct tui_data *d, struct tui_view *v)
{
	size_t n;
	const struct vlp_queue_state *qs = tui_queues(d->state, &n);

	if (!d->rings_on) {
		snprintf(v->message, sizeof(v->message), "Enter: the chains need --rings");
		return;
	}
	if (!d->rings || d->rings->error[0]) {
		snprintf(v->message, sizeof(v->message), "Enter: rings not read (%.120s)",
			 d->rings_error[0] ? d->rings_error : "not read yet");
		return;
	}
	if (v->focus != PANEL_QUEUES || v->queue_sel >= (int)n) {
		snprintf(v->message, sizeof(v->message),
			 "Enter: select a queue in the Queues panel (Tab)");
		return;
	}
	v->chains = (int)qs[v->queue_sel].index;
	v->focus = PANEL_CHAINS;
	v->scroll[PANEL_CHAINS] = 0;
	d->chain_lines_at = 0; /* rendered afresh */
}

/* readline exports the terminal size as LINES and COLUMNS, which curses
 * would then take over the real size on every resize: put them back. */
struct size_env {
	char *lines, *columns;
};

static void size_env_save(struct size_env *e)
{
	const char *l = getenv("LINES"), *c = getenv("COLUMNS");

	e->lines = l ? strdup(l) : NULL;
	e->columns = c ? strdup(c) : NULL;
}

static void size_env_restore(struct size_env *e)
{
	if (e->lines)
		setenv("LINES", e->lines, 1);
	else
		unsetenv("LINES");
	if (e->columns)
		setenv("COLUMNS", e->columns, 1);
	else
		unsetenv("COLUMNS");
	free(e->lines);
	free(e->columns);
}

/* The REPL on the same device: curses steps aside, the REPL gets BAR
 * access that may write (its own write policy applies), and the view comes
 * back read-only when it quits. */
static void run_repl(struct tui_data *d, struct tui_view *v, const struct options *o)
{
	struct session *s = d->session;
	struct vlp_bar_opts repl_opts = { .mode = o->access, .writable = true };
	struct sigaction curses_winch;
	struct size_env env;
	int rc;

	if (o->passive) {
		snprintf(v->message, sizeof(v->message),
			 "i: the REPL writes registers; not with --passive");
		return;
	}
	if (!o->repl_session) {
		snprintf(v->message, sizeof(v->message), "i: no REPL in this program");
		return;
	}
	def_prog_mode();
	endwin();
	/* readline installs its own resize handler: curses gets its own back. */
	sigaction(SIGWINCH, NULL, &curses_winch);
	size_env_save(&env);
	/* Between reads the view holds no BAR access (nor the lock). */
	if (s->bars && vlp_device_open_bars(s->ctx, s->dev, s->layout, &repl_opts))
		printf(PROG ": no BAR access for the REPL: %s\n", vlp_ctx_error(s->ctx));
	printf(PROG ": REPL on %s; quit it to return to the live view\n", s->name);
	fflush(stdout);
	rc = o->repl_session(s, o);
	/* Config space may have been written: decode it again. */
	session_redecode(s);
	vlp_device_close_bars(s->dev);
	tui_map_render(d);
	sigaction(SIGWINCH, &curses_winch, NULL);
	size_env_restore(&env);
	reset_prog_mode();
	clearok(curscr, TRUE);
	snprintf(v->message, sizeof(v->message), "REPL exited (status %d)", rc);
}

/* ms until the next read is due or the "read N s ago" clock ticks. */
static int wait_ms(const struct tui_data *d, const struct tui_view *v)
{
	struct timespec now;
	long ago_ms, tick, due;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ago_ms = (long)(tui_elapsed(&d->read_at, &now) * 1000);
	tick = 1000 - ago_ms % 1000;
	due = v->paused ? tick : (long)(v->interval * 1000 + 0.5) - ago_ms;
	if (due > tick)
		due = tick;
	return due < 0 ? 0 : (int)due;
}

static bool read_due(const struct tui_data *d, const struct tui_view *v)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return !v->paused && tui_elapsed(&d->read_at, &now) * 1000 + 1 >= v->interval * 1000;
}

static void view_loop(struct tui_data *d, struct tui_view *v, const struct options *o)
{
	tui_collect(d, tui_view_skip(v));
	/* No register state (a dump, no BAR access): the panels would be all
	 * N/A, so open on what config space does hold, the map; 'm' toggles. */
	if (!d->state && !d->gone) {
		v->show_map = true;
		v->focus = PANEL_MAP;
	} else if (d->rings_on) {
		v->focus = PANEL_QUEUES; /* what --rings is for */
	}
	while (!quit_signal) {
		int ch;

		tui_draw(d, v);
		timeout(wait_ms(d, v));
		ch = getch();
		if (ch == ERR) {
			if (read_due(d, v))
				tui_collect(d, tui_view_skip(v));
			continue;
		}
		if (v->show_help && ch != KEY_RESIZE) {
			/* Any key closes the help; the panels it hid are read again. */
			v->show_help = false;
			tui_collect(d, tui_view_skip(v));
			if (ch != 'q')
				continue;
		}
		v->message[0] = '\0';
		/* The chains view: Esc or q goes back to the panels. */
		if (v->chains >= 0 && (ch == 27 || ch == 'q' || ch == 'Q')) {
			v->chains = -1;
			v->focus = PANEL_QUEUES;
			tui_collect(d, tui_view_skip(v));
			continue;
		}
		if (selecting(d, v)) {
			int page = v->page[PANEL_QUEUES] > 1 ? v->page[PANEL_QUEUES] - 1 : 1;
			int rows = ch == KEY_UP || ch == 'k'     ? -1
				   : ch == KEY_DOWN || ch == 'j' ? 1
				   : ch == KEY_PPAGE             ? -page
				   : ch == KEY_NPAGE             ? page
				   : ch == KEY_HOME              ? -65536
				   : ch == KEY_END               ? 65536
								 : 0;

			if (rows) {
				select_queue(d, v, rows);
				continue;
			}
		}
		switch (ch) {
		case 'q':
		case 'Q':
			return;
		case '\r':
		case '\n':
		case KEY_ENTER:
			if (v->chains < 0)
				open_chains(d, v);
			if (v->chains >= 0)
				tui_collect(d, tui_view_skip(v));
			break;
		case ' ':
		case 'r':
			/* The user's refresh also locates the rings again. */
			d->rings_reread = true;
			tui_collect(d, tui_view_skip(v));
			break;
		case '+':
		case '=':
			step_interval(v, +1);
			break;
		case '-':
			step_interval(v, -1);
			break;
		case 'p':
			v->paused = !v->paused;
			break;
		case '\t':
			move_focus(v, +1);
			break;
		case KEY_BTAB:
			move_focus(v, -1);
			break;
		case KEY_UP:
		case 'k':
			scroll_focus(v, -1);
			break;
		case KEY_DOWN:
		case 'j':
			scroll_focus(v, +1);
			break;
		case KEY_PPAGE:
			scroll_focus(v, -(v->page[v->focus] > 1 ? v->page[v->focus] - 1 : 1));
			break;
		case KEY_NPAGE:
			scroll_focus(v, v->page[v->focus] > 1 ? v->page[v->focus] - 1 : 1);
			break;
		case KEY_HOME:
			v->scroll[v->focus] = 0;
			break;
		case KEY_END:
			scroll_focus(v, v->content[v->focus]);
			break;
		case KEY_LEFT:
		case 'h':
			if (v->focus == PANEL_QUEUES && v->hscroll > 0)
				v->hscroll--;
			break;
		case KEY_RIGHT:
		case 'l':
			if (v->focus == PANEL_QUEUES)
				v->hscroll++;
			break;
		case 'm':
			if (v->chains >= 0)
				break;
			v->show_map = !v->show_map;
			v->focus = v->show_map ? PANEL_MAP : PANEL_FEATURES;
			tui_collect(d, tui_view_skip(v));
			break;
		case '?':
		case 'H':
			v->show_help = true;
			break;
		case 'i':
			run_repl(d, v, o);
			d->rings_reread = true; /* the REPL may have moved them */
			tui_collect(d, tui_view_skip(v));
			break;
		case KEY_RESIZE:
			break; /* drawn again for the new size at the top of the loop */
		default:
			break;
		}
	}
}

int tui_main(struct vlp_ctx *ctx, const struct options *o)
{
	struct vlp_bar_opts bopts = { .mode = o->access, .passive = o->passive };
	struct tui_view view = { .interval = o->interval > 0 ? o->interval : 1.0, .chains = -1 };
	struct pick_list list = { 0 };
	struct sigaction sa = { 0 };
	struct session session;
	struct tui_data data;
	const char *slot = NULL;
	bool curses_on = false;
	int ret;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, PROG ": --top needs a terminal\n");
		return EXIT_USAGE;
	}
	setlocale(LC_ALL, "");
	sa.sa_handler = on_quit_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* No slot: the user picks among the virtio devices. */
	if (!o->nslots && !o->nids) {
		int n = session_list(ctx, o, pick_add, &list);

		if (n < 0) {
			ret = EXIT_RUNTIME;
			goto out;
		}
		if (list.n == 0) {
			fprintf(stderr, PROG ": %s: no virtio devices\n",
				o->dump_path ? o->dump_path : "this system");
			ret = EXIT_RUNTIME;
			goto out;
		}
		if (list.n > 1) {
			int chosen;

			curses_start(&view);
			curses_on = true;
			chosen = pick(&list);
			if (chosen < 0) {
				ret = EXIT_OK;
				goto out;
			}
			slot = list.slot[chosen];
		} else {
			slot = list.slot[0];
		}
	}
	if (slot)
		ret = session_open_source(&session, ctx, o->dump_path, slot, o, &bopts);
	else
		ret = session_open(&session, ctx, o, &bopts);
	if (ret != EXIT_OK)
		goto out;
	if (!curses_on) {
		curses_start(&view);
		curses_on = true;
	}
	tui_data_init(&data, &session, o, &bopts);
	view_loop(&data, &view, o);
	tui_data_free(&data);
	/* Input lines refused alone (said on stderr) make the input bad. */
	ret = session.warnings ? EXIT_RUNTIME : EXIT_OK;
	session_close(&session);
out:
	if (curses_on)
		endwin();
	free(list.slot);
	free(list.summary);
	return ret;
}
