/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ncurses live view (issue 5): placeholder until it lands. */
#include <stdio.h>

#include "options.h"

int tui_main(struct vlp_ctx *ctx, const struct options *o)
{
	(void)ctx;
	(void)o;
	fprintf(stderr, PROG ": --top is not built yet\n");
	return EXIT_RUNTIME;
}
