/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conformance checker's private header: what its files share.  The
 * files sit in floors, each calling only those below it:
 *   checkactive.c  the active checks (--check --active's writes)
 *   check.c        the check registry (rows with sections and sentences)
 *                  and the run over a device
 *   checkstatic.c  config-space and register checks
 *   checkirq.c     the interrupt path checks
 *   checkreport.c  the report (findings, skips) and the helpers of checks
 */
#ifndef VLP_CHECKRUN_H
#define VLP_CHECKRUN_H

#include "internal.h"

/* Device status masks (2.1). */
#define S_DRIVER_OK VLP_S_MASK(VLP_S_DRIVER_OK)
#define S_FEATURES_OK VLP_S_MASK(VLP_S_FEATURES_OK)
#define S_UNDEFINED VLP_S_MASK(VLP_S_UNDEFINED_5)
#define S_NEEDS_RESET VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET)
#define S_FAILED VLP_S_MASK(VLP_S_FAILED)

struct check_run {
	struct vlp_ctx *ctx;
	const struct vlp_device *dev;
	const struct vlp_layout *l;
	const struct vlp_state *s;
	const struct vlp_rings *rings; /* NULL: not read */
	struct vlp_check_report *rep;
	const struct vlp_check *check; /* the one running */
	size_t findings_alloc, skipped_alloc;
	bool out_of_memory;
	char why[64];   /* a reason built at run time (need_row) */
	char where[48]; /* where a finding points, built for one report() */
};

/* A check function: NULL when it ran, else why it could not. */
typedef const char *(*check_fn)(struct check_run *r);

struct check_row {
	struct vlp_check info;
	check_fn fn; /* NULL: reported by the decoder or state reader */
};

/* ---------------------------------------------- checkreport.c */

void chk_grow(void **arr, size_t *alloc, size_t used, size_t size, bool *oom);
void chk_add_finding(struct check_run *r, const struct vlp_check *check,
		     const struct vlp_finding *f, const char *where);
/* A finding of the running check. */
__attribute__((format(printf, 5, 6))) void chk_report(struct check_run *r, enum vlp_severity sev,
						      int position, const char *where,
						      const char *fmt, ...);
void chk_skip(struct check_run *r, const struct vlp_check *check, const char *reason);
bool chk_is_modern_interface(const struct vlp_layout *l);
const struct vlp_virtio_cap *chk_used_cap(const struct vlp_layout *l, uint8_t cfg_type);
/* "common.<row name>": where a finding about a common configuration row
 * points (the name the REPL takes for it). */
const char *chk_at_row(struct check_run *r, unsigned row);
const char *chk_at_queue(struct check_run *r, unsigned index);
/* A common configuration row (enum vlp_common_row) as read. */
bool chk_regs_value(const struct vlp_regs *regs, unsigned row, uint64_t *v);
/* Whether the device offers a feature bit: -1 when not read. */
int chk_offered(const struct vlp_state *s, unsigned bit);
const char *chk_need_common(const struct check_run *r);
/* A common configuration row as read, or why a check on it cannot run. */
const char *chk_need_row(struct check_run *r, unsigned row, uint64_t *v);
const char *chk_need_queues(const struct check_run *r);
bool chk_is_pow2(uint64_t v);

/* ---------------------------------------------- checkstatic.c, checkirq.c */

const char *check_transitional_device_id(struct check_run *r);
const char *check_bar_size_known(struct check_run *r);
const char *check_driver_choice(struct check_run *r);
const char *check_linux_probe(struct check_run *r);
const char *check_dpdk_choice(struct check_run *r);
const char *check_linux_shm_cap_len(struct check_run *r);
const char *check_notify_multiplier_even(struct check_run *r);
const char *check_notify_data_rules(struct check_run *r);
const char *check_notify_zero_multiplier(struct check_run *r);
const char *check_common_length_features(struct check_run *r);
const char *check_feature_version_1(struct check_run *r);
const char *check_feature_legacy_only(struct check_run *r);
const char *check_feature_sr_iov(struct check_run *r);
const char *check_feature_platform(struct check_run *r);
const char *check_queue_size_pow2(struct check_run *r);
const char *check_queue_count(struct check_run *r);
const char *check_status_bits(struct check_run *r);
const char *check_reset_state(struct check_run *r);
const char *check_irq_queue_vector(struct check_run *r);
const char *check_irq_vector_range(struct check_run *r);
const char *check_irq_vector_shared(struct check_run *r);
const char *check_irq_masked_pending(struct check_run *r);

/* ---------------------------------------------- check.c */

/* Findings in table order, in the order found within a check. */
void chk_sort_findings(struct vlp_check_report *rep);

#endif /* VLP_CHECKRUN_H */
