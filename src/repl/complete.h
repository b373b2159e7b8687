/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Completion of the REPL's words (complete.c), from the command table and
 * the field tables. */
#ifndef VLP_REPL_COMPLETE_H
#define VLP_REPL_COMPLETE_H

#include "commands.h"

/* Completion candidates for the word `text` after the words prev[0..nprev)
 * of a command: calls add for each (pure: reads only the layout's tables). */
struct complete_ctx {
	struct vlp_ctx *ctx; /* for lookups; its message is not used */
	const struct vlp_layout *layout;
	unsigned nqueues;
};
void repl_complete(const struct complete_ctx *c, const char *const *prev, size_t nprev,
		   const char *text, void (*add)(void *arg, const char *cand), void *arg);

#endif
