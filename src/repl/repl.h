/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The REPL and batch mode: commands on one device. */
#ifndef VLP_REPL_H
#define VLP_REPL_H

#include "options.h"

/* The face's entry points (src/main.c): the REPL or batch commands on the
 * device the options select, and the REPL on a session another face holds
 * (reached through options.repl_session, never called by another face). */
int repl_main(struct vlp_ctx *ctx, const struct options *o);
int repl_session(struct session *s, const struct options *o);

#endif
