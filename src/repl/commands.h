/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The REPL's state and its command table (commands.c): one row per command,
 * its help and how its words complete. */
#ifndef VLP_REPL_COMMANDS_H
#define VLP_REPL_COMMANDS_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "options.h"
#include "parse.h"
#include "vlp.h"

struct repl {
	struct session *s;
	const struct options *o;
	struct vlp_ctx *ctx;
	FILE *out;
	unsigned type;            /* virtio device type, 0 unknown */
	struct vlp_selection sel; /* what selector-dependent fields refer to */
	bool interactive;         /* a person at a terminal: confirmations, watch keys */
	bool trace;               /* echo every access, reads too */
	bool quit;
	struct vlp_vqs *vqs;               /* queues set up here (queue setup, init); NULL: none */
	sigset_t held_signals, saved_mask; /* blocked while vqs lives */
	char err[512];                     /* why the last command failed */
};

/* One command of the table: help text and completion come from here. */
enum complete_kind {
	COMPLETE_NONE,
	COMPLETE_COMMAND, /* help CMD */
	COMPLETE_FIELD,   /* get, set, watch */
	COMPLETE_FEATURE, /* feature +NAME */
	COMPLETE_STATUS,  /* status +NAME */
	COMPLETE_QUEUE,   /* queue N, notify N */
	COMPLETE_SECTION, /* show SECTION */
	COMPLETE_WORDS,   /* a fixed list: cfg read|write, trace on|off */
};

struct command {
	const char *name;
	const char *synopsis;
	const char *help;
	int (*run)(struct repl *r, const struct words *w);
	enum complete_kind complete;
	const char *const *words; /* COMPLETE_WORDS */
};

extern const struct command repl_commands[];
extern const size_t repl_ncommands;
extern const char *const repl_sections[]; /* show's section names, NULL-ended */

const struct command *repl_find_command(const char *name);
/* After a reset: the driver feature words read back (word 0 first).  Writes
 * the one-line note to give (no newline) and returns true when they are not
 * all 0; false, and buf "", when they are. */
bool repl_reset_feature_note(const uint32_t drv[VLP_FEATURE_WORDS], char *buf, size_t len);
/* Resets the device and frees the queues set up here (the memory goes only
 * after the reset read back 0); 0, or -1 with r->err set. */
int repl_release_queues(struct repl *r);
/* Runs one command (a line without ';'); 0, or -1 with r->err set. */
int repl_run_command(struct repl *r, const char *cmd);

#endif
