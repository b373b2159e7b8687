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
/* --dry-run's printer of the writes not made (a vlp_trace_fn; arg a
 * struct cli_dry), shared by --negotiate and --selftest: BAR writes
 * named by the common configuration's fields, config-space writes. */
struct cli_dry {
	struct vlp_reg common;
	bool has_common;
};
void cli_dry_begin(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		   struct cli_dry *d);
void cli_dry_write(void *arg, const struct vlp_access_event *ev);

/* Opens a live device for writing (vlp_drive_open) as the options ask, and
 * words a refusal on stderr: "PROG: SLOT: OPTION refused: driver X is
 * bound BOUND_HINT", "OPTION LIVE_VERB a live device: ...", "OPTION needs
 * BAR access: ..."; 0 when the BARs are open. */
int cli_drive_open(struct vlp_ctx *ctx, const struct options *o, struct vlp_device *dev,
		   const struct vlp_layout *l, const char *slot, const char *option,
		   const char *live_verb, const char *bound_hint);

/* Calls one for each device the options select, inside the JSON frame
 * {"schema_version": 1, json_key: [...]} with -J (j NULL otherwise);
 * EXIT_RUNTIME when any call failed or nothing matched (each.c). */
int cli_each_device(struct vlp_ctx *ctx, const struct options *o, const char *json_key,
		    int (*one)(struct vlp_ctx *ctx, const struct options *o, struct vlp_device *dev,
			       struct json *j));
/* --negotiate: the feature probe on each slot asked for. */
int negotiate_main(struct vlp_ctx *ctx, const struct options *o);
/* --nudge=Q: the kick probe on each slot asked for. */
int nudge_main(struct vlp_ctx *ctx, const struct options *o);
/* --selftest: each slot asked for driven without its driver. */
int selftest_main(struct vlp_ctx *ctx, const struct options *o);

#endif
