/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The REPL and batch mode (issue 4): placeholder until it lands. */
#include <stdio.h>

#include "options.h"

int repl_main(struct vlp_ctx *ctx, const struct options *o)
{
	(void)ctx;
	(void)o;
	fprintf(stderr, PROG ": -i/-c is not built yet\n");
	return EXIT_RUNTIME;
}

int repl_session(struct session *s, const struct options *o)
{
	(void)s;
	(void)o;
	fprintf(stderr, PROG ": -i/-c is not built yet\n");
	return EXIT_RUNTIME;
}
