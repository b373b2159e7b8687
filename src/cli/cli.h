/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line faces: the device listing, the conformance checker,
 * the diff, the feature probe and the kick probe. */
#ifndef VLP_CLI_H
#define VLP_CLI_H

#include "options.h"

int list_main(struct vlp_ctx *ctx, const struct options *o);
int check_main(struct vlp_ctx *ctx, const struct options *o);
int diff_main(struct vlp_ctx *ctx, const struct options *o, const char *a, const char *b);
int list_checks_main(const struct options *o);
/* --negotiate: the feature probe on each slot asked for. */
int negotiate_main(struct vlp_ctx *ctx, const struct options *o);
/* --nudge=Q: the kick probe on each slot asked for. */
int nudge_main(struct vlp_ctx *ctx, const struct options *o);
/* --selftest: each slot asked for driven without its driver. */
int selftest_main(struct vlp_ctx *ctx, const struct options *o);

#endif
