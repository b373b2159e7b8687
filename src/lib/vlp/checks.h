/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: conformance checks (--check) and differences between two devices (--diff).  Part of <vlp.h>. */
#ifndef VLP_CHECKS_H
#define VLP_CHECKS_H

#include "base.h"
#include "tables.h"
#include "devices.h"
#include "layout.h"
#include "registers.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vlp_rings;
/* ------------------------------------------------------------------ */
/* Conformance checks (--check) and differences between two devices   */
/* (--diff)                                                            */
/* ------------------------------------------------------------------ */

/* What a check needs to run. */
enum vlp_check_data {
	VLP_CHECK_CONFIG,   /* config space: every dump, snapshot and live device */
	VLP_CHECK_STATE,    /* the registers behind the BARs: snapshots, live with BAR access */
	VLP_CHECK_ACTIVE,   /* writes to the device: --check --active only */
	VLP_CHECK_RINGS,    /* the rings in guest memory (and the registers locating them) */
	VLP_CHECK_EXERCISE, /* drives queues in this process's memory: --check --exercise only */
};
/* "config", "registers", "active", "rings", "exercise" */
VLP_API const char *vlp_check_data_name(enum vlp_check_data d);

/* One rule of the table of checks: the decoder reports some of them while
 * decoding (their findings carry the id), the checker runs the rest. */
struct vlp_check {
	const char *id;             /* stable, e.g. "notify-multiplier" */
	const char *section;        /* virtio spec section ("4.1.4.4.1"); "PCI ..." for PCI rules */
	enum vlp_severity severity; /* the worst it reports */
	enum vlp_check_data data;
	const char *where; /* what it looks at: "header", "capability", "common", ... */
	/* One line; for the exercise checks the spec sentence they test,
	 * quoted from the published spec. */
	const char *title;
};

VLP_API size_t vlp_check_count(void);
VLP_API const struct vlp_check *vlp_check_at(size_t index); /* NULL past the end */

struct vlp_check_finding {
	const struct vlp_check *check;
	struct vlp_finding finding; /* section never NULL when the check has one */
	char where[48];             /* "[70]" (capability), "queue 2", "common", "header" */
};

/* A check that could not run on this device, and why (a longer reason
 * ends in "..."). */
#define VLP_CHECK_REASON_MAX 160
struct vlp_check_skip {
	const struct vlp_check *check;
	char reason[VLP_CHECK_REASON_MAX];
	bool not_asked; /* a check that writes to the device, made only when asked */
};

struct vlp_check_report {
	struct vlp_check_finding *findings;
	size_t nfindings;
	struct vlp_check_skip *skipped;
	size_t nskipped;
	unsigned checks_run;
	unsigned count[3]; /* findings by enum vlp_severity */
	/* --active: the device was left reset (device_status 0) */
	bool reset_done;
	/* --exercise: the device was left reset with the PCI Command register
	 * (bus mastering) and the MSI-X Message Control as found */
	bool exercised, restored;
};

/* What became of one check of the table on one device. */
enum vlp_check_outcome {
	VLP_OUTCOME_PASS,    /* made, no error or warning */
	VLP_OUTCOME_FAIL,    /* made, an error */
	VLP_OUTCOME_WARN,    /* made, a warning (no error) */
	VLP_OUTCOME_NOT_RUN, /* not made: the skip's reason */
};
/* "PASS", "FAIL", "WARN", "NOT RUN" */
VLP_API const char *vlp_check_outcome_name(enum vlp_check_outcome o);
/* The outcome of check c in rep; *skip (may be NULL) the skip when not
 * run. */
VLP_API enum vlp_check_outcome vlp_check_outcome(const struct vlp_check_report *rep,
						 const struct vlp_check *c,
						 const struct vlp_check_skip **skip);

/* Runs every check the data allows: config-space checks always, register
 * checks when state is not NULL (otherwise each is skipped with
 * no_state_reason).  The report lists findings in table order. */
struct vlp_rings;
/* The same with the device's rings (vlp_read_rings on that state): the
 * ring checks report the decoder's findings per queue ("queue 2
 * receiveq2"); with rings NULL, or rings whose error says none could be
 * read, they are not made (no_rings_reason, or that error). */
VLP_API int vlp_check_device_rings(struct vlp_ctx *ctx, const struct vlp_device *dev,
				   const struct vlp_layout *layout, const struct vlp_state *state,
				   const char *no_state_reason, const struct vlp_rings *rings,
				   const char *no_rings_reason, struct vlp_check_report **out);
/* Live rings change while they are read: the areas are read one after the
 * other, so a ring the driver or device is updating can show a fault that
 * is not there (used idx read after new completions, a chain read before
 * the driver wrote it).  Keeps in rings only the findings that an earlier
 * read of the same device also made (same queue, check and message);
 * returns how many were dropped. */
VLP_API size_t vlp_rings_keep_confirmed(struct vlp_rings *rings, const struct vlp_rings *earlier);
/* The checks that write (reset, selects, queue_size), appended to report.
 * BAR access must be open writable (vlp_bar_opts.writable); the device is
 * reset at the end (report->reset_done).  -EBUSY with a message when the
 * write policy refuses writes (driver bound without force). */
VLP_API int vlp_check_active(struct vlp_ctx *ctx, struct vlp_device *dev,
			     const struct vlp_layout *layout, struct vlp_check_report *report);
/* The exercise checks (--check --exercise, checkexercise.c), appended to
 * report after vlp_check_active: register and interrupt behaviour judged
 * against the spec's device requirements, and one harmless request per
 * device type through queues in this process's memory (entropy: a read;
 * block: a read of sector 0; console: a line on port 0; SCSI: TEST UNIT
 * READY), with MSI-X enabled and every vector masked so that an interrupt
 * shows as a pending bit.  Same refusals as vlp_selftest (the face opened
 * the BARs with vlp_drive_open); the device is left reset, the Command
 * register and MSI-X Message Control as found (report->restored).  opts
 * may be NULL. */
struct vlp_vqs_opts;
VLP_API int vlp_check_exercise(struct vlp_ctx *ctx, struct vlp_device *dev,
			       const struct vlp_layout *layout, const struct vlp_vqs_opts *opts,
			       struct vlp_check_report *report);
/* What --check --exercise may do beyond its harmless requests. */
struct vlp_exercise_opts {
	const struct vlp_vqs_opts *vqs; /* may be NULL */
	/* block: a write to the medium (the read-only device's refusal,
	 * 5.2.6.2; a sector the device wrote is written back) */
	bool media_writes;
	/* 4.1.4.3.1: keep the device DRIVER_OK this long, its configuration
	 * and config_generation read every 50 ms (the host changes it
	 * meanwhile); 0: not watched */
	unsigned watch_config_ms;
	/* malformed chains sent to the device's request queue (virtio-blk,
	 * -rng, -console, -scsi; the device may need a reset after each; the
	 * run resets it) */
	bool hostile;
	/* device configuration fields a driver may write, changed before the
	 * reset that must restore them (5.6.4.2: SCSI sense_size and
	 * cdb_size); QEMU's vhost-scsi and vhost-user-scsi end the VM on such
	 * a write.  Last, so that the fields before it keep their places. */
	bool config_writes;
};
/* vlp_check_exercise with those options (xopts may be NULL). */
VLP_API int vlp_check_exercise_opts(struct vlp_ctx *ctx, struct vlp_device *dev,
				    const struct vlp_layout *layout,
				    const struct vlp_exercise_opts *xopts,
				    struct vlp_check_report *report);
VLP_API void vlp_check_report_free(struct vlp_check_report *report);

/* One field that differs between two devices (a and b). */
struct vlp_difference {
	char name[96];                 /* JSON keys as a path: "common.device_status",
					* "queues[1].queue_size", "device_features.VIRTIO_F_VERSION_1",
					* "capabilities[40].offset", "msix[0].address", "bars[4].register" */
	const struct vlp_field *field; /* formats the values; NULL: a plain number */
	bool flag;                     /* values are on (1) / off (0): feature bits */
	struct vlp_field_value a, b;   /* !present: the field does not exist on that side.
					* Array bytes point into the states compared. */
	/* What the change means, "" when nothing more than a to b: ring
	 * indices ("advanced by 3", "went backwards by 2 (modulo 2^16)"). */
	char note[120];
};

struct vlp_diff {
	struct vlp_difference *items;
	size_t count;
	unsigned compared; /* fields compared */
};

/* Compares config space (header, BARs, capabilities by position and field)
 * and, where both states were read, common configuration, features by
 * name, queues, device configuration by field, MSI-X and the legacy
 * header.  sa or sb may be NULL (then only config space is compared). */
VLP_API int vlp_diff_devices(struct vlp_ctx *ctx, const struct vlp_layout *a,
			     const struct vlp_state *sa, const struct vlp_layout *b,
			     const struct vlp_state *sb, struct vlp_diff **out);
/* Adds the rings of both sides (vlp_read_rings of the states compared)
 * with their virtio meaning, named as the keys of each queue's "ring"
 * object ("queues[1].ring.used.idx", "legacy.queues[0].ring.in_flight"):
 * avail and used indices, flags and event fields, in-flight count, packed
 * event suppression.  used.idx and avail.idx are free-running modulo 2^16:
 * a note says how far they advanced or that one went backwards (a device
 * or a restore that lost requests), and that the ring moved when its
 * addresses differ.  Queues whose ring was not read on a side are not
 * compared; *compared says whether any ring was. */
VLP_API int vlp_diff_rings(struct vlp_ctx *ctx, struct vlp_diff *diff, const struct vlp_rings *a,
			   const struct vlp_rings *b, bool *compared);
VLP_API void vlp_diff_free(struct vlp_diff *diff);

#ifdef __cplusplus
}
#endif
#endif /* VLP_CHECKS_H */
