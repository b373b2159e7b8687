/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command-line faces: the device listing, the conformance checker,
 * the diff, the feature probe, the kick probe and the self-test; the
 * per-device loop they share and the writing faces' refusals (each.c). */
#ifndef VLP_CLI_H
#define VLP_CLI_H

#include <signal.h>

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

/* --rebind: the kernel driver bound again after a face drove the device
 * without it (--selftest, --check --exercise): sysfs drivers_probe, then
 * which driver bound (vlp_selftest_rebind).  Nothing when !asked. */
struct cli_rebind {
	bool asked, ok;
	char driver[64];
	char error[256];
};
void cli_rebind(struct vlp_ctx *ctx, struct vlp_device *dev, struct cli_rebind *rb);

/* Holds the signals that would end the process (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGPIPE) while a device drives queues in this process's memory:
 * dying mid-run would hand that memory back while the device may still
 * write it.  Restore with sigprocmask(SIG_SETMASK, saved, NULL) after the
 * device has been reset (the waits are bounded). */
void cli_hold_signals(sigset_t *saved);

/* A face on the shared per-device loop (cli_each_device, each.c): what it
 * does with each device, and the optional hooks where its run differs. */
struct cli_each {
	/* -J: the frame {"schema_version": 1, json_key: [...]} around the
	 * devices, j its writer; NULL: the face frames its output itself
	 * (begin, end) and one gets j NULL. */
	const char *json_key;
	/* The face's per-run context, handed to every call. */
	void *arg;
	/* One device (freed by the loop after); EXIT_OK, or the run fails
	 * with that status. */
	int (*one)(void *arg, struct vlp_ctx *ctx, const struct options *o, struct vlp_device *dev,
		   struct json *j);
	/* The first device not handled ends the loop (the listing). */
	bool stop_at_failure;
	/* Optional: after the selection opened, before the first device; a
	 * status other than EXIT_OK ends the run with it, nothing else called. */
	int (*begin)(void *arg, const struct options *o);
	/* Optional: after the last device, before the JSON frame closes, with
	 * the run's status so far and how many devices the source gave;
	 * returns the run's exit status.  NULL: nothing matched is an error,
	 * "PROG: SELECTION: no such virtio device" (EXIT_RUNTIME). */
	int (*end)(void *arg, const struct options *o, int ret, unsigned devices,
		   const struct vlp_source *src);
	/* Optional: the last members of the JSON frame's object, after the
	 * devices' array, given the run's exit status. */
	void (*summary)(void *arg, const struct options *o, int ret, struct json *j);
};

/* Opens the selection the options make and calls face->one for each
 * device in it, with face's hooks around; returns the exit status. */
int cli_each_device(struct vlp_ctx *ctx, const struct options *o, const struct cli_each *face);
/* --negotiate: the feature probe on each slot asked for. */
int negotiate_main(struct vlp_ctx *ctx, const struct options *o);
/* --nudge=Q: the kick probe on each slot asked for. */
int nudge_main(struct vlp_ctx *ctx, const struct options *o);
/* --selftest: each slot asked for driven without its driver. */
int selftest_main(struct vlp_ctx *ctx, const struct options *o);

#endif
