/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The REPL (GNU readline, on a terminal) and batch mode (-c, or commands on
 * standard input that is not a terminal) over one device.  Batch mode stops
 * at the first failing command and names it.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "complete.h"
#include "repl.h"

#define HISTORY_LINES 1000

/* Every write is echoed as it is made; with trace on, reads too. */
static void echo_access(void *arg, const struct vlp_access_event *ev)
{
	struct repl *r = arg;
	bool write = ev->kind == VLP_EVENT_BAR_WRITE || ev->kind == VLP_EVENT_CONFIG_WRITE;
	bool config = ev->kind == VLP_EVENT_CONFIG_READ || ev->kind == VLP_EVENT_CONFIG_WRITE;
	char where[48];

	if (!r->trace && (!write || ev->internal))
		return;
	if (config)
		snprintf(where, sizeof(where), "config+0x%03" PRIx64, ev->offset);
	else
		snprintf(where, sizeof(where), "BAR%u+0x%04" PRIx64, ev->bar, ev->offset);
	fprintf(r->out, "  %s %s %s.%c 0x%0*" PRIx32 "%s\n",
		ev->dry_run ? "would write"
		: write     ? "write"
			    : "read ",
		write ? "->" : "<-", where, "?BW?L"[ev->width], (int)ev -> width * 2, ev -> value,
		ev -> internal ? " (selector, put back after)" : "");
}

static void history_path(char *buf, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	buf[0] = '\0';
	if (state && state[0] == '/') {
		/* $XDG_STATE_HOME may not exist yet (the spec says to create it) */
		mkdir(state, 0700);
		snprintf(buf, len, "%s/virtio-lspci", state);
		mkdir(buf, 0700);
		snprintf(buf, len, "%s/virtio-lspci/history", state);
	} else if (home && home[0] == '/') {
		snprintf(buf, len, "%s/.virtio-lspci_history", home);
	}
}

/* ------------------------------------------------------------ completion */

static struct repl *completing;

struct candidates {
	char **v;
	size_t n, cap;
};

static void add_candidate(void *arg, const char *cand)
{
	struct candidates *c = arg;

	if (c->n + 1 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		char **v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n] = strdup(cand);
	if (c->v[c->n])
		c->n++;
}

static struct candidates pending;
static size_t pending_next;

static char *next_candidate(const char *text, int state)
{
	(void)text;
	(void)state;
	if (pending_next < pending.n)
		return pending.v[pending_next++]; /* readline frees it */
	return NULL;
}

/* Words before the one being completed, from the last ';' on. */
static char **complete_line(const char *text, int start, int end)
{
	char before[REPL_LINE_MAX], errbuf[64];
	struct complete_ctx cc = { 0 };
	struct vlp_reg reg;
	struct words w;
	const char *seg;
	uint64_t n;

	(void)end;
	rl_attempted_completion_over = 1; /* never fall back to file names */
	snprintf(before, sizeof(before), "%.*s", start, rl_line_buffer);
	seg = strrchr(before, ';');
	seg = seg ? seg + 1 : before;
	if (split_words(seg, &w, errbuf, sizeof(errbuf)))
		return NULL;
	for (size_t i = pending_next; i < pending.n; i++)
		free(pending.v[i]);
	pending.n = 0;
	pending_next = 0;
	cc.ctx = completing->ctx;
	cc.layout = completing->s->layout;
	if (completing->s->bars &&
	    vlp_reg_row(completing->ctx, cc.layout, VLP_BLOCK_COMMON, VLP_COMMON_NUM_QUEUES, &reg) == 0 &&
	    vlp_reg_read(completing->ctx, completing->s->dev, cc.layout, &reg, NULL, 0, &n) == 0)
		cc.nqueues = (unsigned)n;
	repl_complete(&cc, (const char *const *)w.w, w.n, text, add_candidate, &pending);
	if (!pending.n)
		return NULL;
	return rl_completion_matches(text, next_candidate);
}

/* ------------------------------------------------------------ the loop */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static char *accepted_line;
static bool line_done;

static void line_handler(char *line)
{
	accepted_line = line;
	line_done = true;
	/* keep the prompt from reappearing while the command runs */
	rl_callback_handler_remove();
}

static int run_one(void *arg, const char *cmd)
{
	struct repl *r = arg;

	if (repl_run_command(r, cmd)) {
		fprintf(stderr, "error: %s\n", r->err);
		return 0; /* interactive: go on with the next command */
	}
	return r->quit ? 1 : 0;
}

static int run_line(struct repl *r, const char *line)
{
	return split_commands(line, run_one, r);
}

/* readline's callback interface: Ctrl-C cancels the line being typed, and
 * Ctrl-D on an empty line quits. */
static int interactive_loop(struct repl *r, const char *prompt)
{
	struct sigaction sa = { 0 }, old;
	char hist[512];

	history_path(hist, sizeof(hist));
	using_history();
	stifle_history(HISTORY_LINES);
	if (hist[0])
		read_history(hist);
	rl_readline_name = "virtio-lspci";
	/* a recalled line edited but not run stays as it was in the history */
	rl_variable_bind("revert-all-at-newline", "on");
	rl_attempted_completion_function = complete_line;
	rl_completer_word_break_characters = " \t;";
	completing = r;
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	rl_catch_signals = 0;
	fprintf(r->out, "%s: %s device %s (%s, BAR access: %s). 'help' lists the commands.\n", PROG,
		r->s->origin, r->s->name,
		vlp_virtio_type_name(r->type) ? vlp_virtio_type_name(r->type) : "virtio",
		r->s->bars ? vlp_device_backend(r->s->dev) : "none");
	if (!r->s->bars)
		fprintf(r->out, "note: %s; commands on registers behind the BARs will fail\n",
			r->s->bars_error);
	else if (vlp_device_write_refusal(r->s->dev)) {
		const char *driver = vlp_device_driver(r->s->dev);

		fprintf(r->out, "note: read-only: %s\n", vlp_device_write_refusal(r->s->dev));
		/* The library states why; the options that change it are ours. */
		if (r->o->passive)
			fprintf(r->out,
				"note: without --passive, set, init and queue commands write\n");
		else if (driver && driver[0] && !r->o->force)
			fprintf(r->out, "note: --force writes with the driver bound\n");
	}
	while (!r->quit) {
		struct pollfd p = { STDIN_FILENO, POLLIN, 0 };

		line_done = false;
		accepted_line = NULL;
		rl_callback_handler_install(prompt, line_handler);
		while (!line_done) {
			if (poll(&p, 1, -1) < 0) {
				if (errno != EINTR)
					break;
			} else {
				rl_callback_read_char();
			}
			if (interrupted) {
				/* Ctrl-C: drop the line, fresh prompt */
				interrupted = 0;
				rl_revert_line(1, 0); /* a recalled history line as it was */
				rl_free_line_state();
				rl_callback_sigcleanup();
				rl_replace_line("", 0);
				history_set_pos(history_length);
				fputc('\n', stdout);
				rl_on_new_line();
				rl_redisplay();
			}
		}
		if (!line_done)
			break;
		if (!accepted_line) {
			fputc('\n', r->out); /* Ctrl-D */
			break;
		}
		if (accepted_line[strspn(accepted_line, " \t")]) {
			add_history(accepted_line);
			run_line(r, accepted_line);
		}
		free(accepted_line);
		fflush(r->out);
	}
	rl_callback_handler_remove();
	if (hist[0])
		write_history(hist);
	for (size_t i = pending_next; i < pending.n; i++)
		free(pending.v[i]);
	free(pending.v);
	pending = (struct candidates){ 0 };
	pending_next = 0;
	completing = NULL;
	sigaction(SIGINT, &old, NULL);
	return EXIT_OK;
}

/* Batch: numbered commands, the first failure ends the run. */
struct batch {
	struct repl *r;
	unsigned n;
};

static int batch_one(void *arg, const char *cmd)
{
	struct batch *b = arg;
	const char *start = cmd + strspn(cmd, " \t");

	b->n++;
	if (repl_run_command(b->r, cmd)) {
		fflush(b->r->out);
		fprintf(stderr, PROG ": %s: command %u (%s): %s\n",
			b->r->s->name + (strncmp(b->r->s->name, "0000:", 5) ? 0 : 5), b->n, start,
			b->r->err);
		return -1;
	}
	return b->r->quit ? 1 : 0;
}

static int batch_loop(struct repl *r, const char *commands)
{
	struct batch b = { r, 0 };
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	if (commands) {
		ret = split_commands(commands, batch_one, &b);
	} else {
		while (ret == 0 && getline(&line, &cap, stdin) > 0)
			ret = split_commands(line, batch_one, &b);
		free(line);
	}
	return ret < 0 ? EXIT_RUNTIME : EXIT_OK;
}

static int run_session(struct session *s, const struct options *o, bool interactive)
{
	struct repl r = { 0 };
	char prompt[64];
	int ret;

	r.s = s;
	r.o = o;
	r.ctx = s->ctx;
	r.out = stdout;
	r.interactive = interactive;
	r.type = s->layout->virtio.device_type.valid ? (unsigned)s->layout->virtio.device_type.value
						     : 0;
	if (s->bars)
		vlp_device_set_trace(s->dev, echo_access, &r);
	snprintf(prompt, sizeof(prompt), "vlp %s> ", s->name + (strncmp(s->name, "0000:", 5) ? 0 : 5));
	ret = interactive ? interactive_loop(&r, prompt) : batch_loop(&r, o->commands);
	/* Queues set up here: the device is reset before their memory goes. */
	if (r.vqs && repl_release_queues(&r)) {
		fprintf(stderr, PROG ": %s\n", r.err);
		ret = EXIT_RUNTIME;
	}
	if (s->bars)
		vlp_device_set_trace(s->dev, NULL, NULL);
	if (o->stats)
		print_access_stats(stderr, s->dev);
	return ret;
}

int repl_session(struct session *s, const struct options *o)
{
	return run_session(s, o, isatty(STDIN_FILENO) && !o->commands);
}

int repl_main(struct vlp_ctx *ctx, const struct options *o)
{
	struct vlp_bar_opts bopts = {
		.mode = o->access, .writable = true, .force = o->force, .dry_run = o->dry_run
	};
	struct session s;
	int ret;

	if (o->json)
		return fprintf(stderr, PROG ": -i/-c print text only: not with -J\n"), EXIT_USAGE;
	ret = session_open(&s, ctx, o, &bopts);
	if (ret != EXIT_OK)
		return ret;
	ret = repl_session(&s, o);
	/* Input lines refused alone (said on stderr) make the input bad. */
	if (ret == EXIT_OK && s.warnings)
		ret = EXIT_RUNTIME;
	session_close(&s);
	return ret;
}
