/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conformance checker and diff faces (issue 6): placeholder until they land. */
#include <stdio.h>

#include "options.h"

int check_main(struct vlp_ctx *ctx, const struct options *o)
{
	(void)ctx;
	(void)o;
	fprintf(stderr, PROG ": --check is not built yet\n");
	return EXIT_RUNTIME;
}

int diff_main(struct vlp_ctx *ctx, const struct options *o, const char *a, const char *b)
{
	(void)ctx;
	(void)o;
	(void)a;
	(void)b;
	fprintf(stderr, PROG ": --diff is not built yet\n");
	return EXIT_RUNTIME;
}

int list_checks_main(const struct options *o)
{
	(void)o;
	fprintf(stderr, PROG ": --list-checks is not built yet\n");
	return EXIT_RUNTIME;
}
