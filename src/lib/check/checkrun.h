/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conformance checker's private header: what its files share.  The
 * files sit in floors, each calling only those below it:
 *   checkexercise.c the exercise checks' requests and run (--check --exercise)
 *   checkexhostile.c --hostile's malformed chains
 *   checkexpacked.c the exercise checks on packed rings and IN_ORDER
 *   checkexlayouts.c descriptor arrangements, indirect tables, EVENT_IDX
 *   checkexrings.c the ring and notification checks
 *   checkexcfg.c   --watch-config (config_generation under a change)
 *   checkextypes.c the exercise checks per device type, DEVICE_NEEDS_RESET,
 *                  and the driver's session the others open
 *   checkexregs.c  the exercise checks on registers, their verdicts
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
/* A check that was skipped and then ran: its skip taken back. */
void chk_unskip(struct vlp_check_report *rep, const struct vlp_check *check);
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

/* ---------------------------------------------- checkexregs.c (below checkexercise.c) */

/* The exercise checks' timing and the registers they reach directly. */
#define QUEUES_BEYOND 4    /* queue_select num_queues .. +3 */
#define VECTORS_ALL_MAX 64 /* tables up to this size: every vector tried */
#define BEFORE_DOK_MS 300  /* how long a request kicked before DRIVER_OK may sit */
#define REQUEST_MS 2000u   /* how long a request may take */
#define PENDING_MS 100     /* how long a notification may trail its used entry */
/* The device-writable buffers' pattern before a request: what differs
 * from it afterwards the device wrote (2.7.8.2, 2.8.4). */
#define EX_FILL 0xa5
#define ENTROPY_LEN 64u
#define MSIX_CONTROL 2      /* Message Control in the MSI-X capability */
#define MSIX_ENABLE 0x8000u /* PCI 6.8.2.3 */
#define MSIX_FMASK 0x4000u
#define CMD_INTX_DISABLE 0x400u /* PCI Command bit 10 */
/* struct virtio_pci_cfg_cap (4.1.4.9): cap.bar, cap.offset, cap.length,
 * pci_cfg_data */
#define WIN_BAR 4
#define WIN_OFFSET 8
#define WIN_LENGTH 12
#define WIN_DATA 16

/* The exercise rows of the registry (check.c), in its order. */
enum ex_row {
	XR_RESET_STATUS,
	XR_RESET_QUEUE_ENABLE,
	XR_RESET_VECTORS,
	XR_DEVICE_FEATURE,
	XR_VERSION_1,
	XR_FOK_UNOFFERED,
	XR_FOK_AGAIN,
	XR_DRIVER_FEATURE,
	XR_QSIZE_UNAVAILABLE,
	XR_QSIZE_POW2,
	XR_CONFIG_64BIT,
	XR_PCI_CFG_WINDOW,
	XR_VECTOR_MAP,
	XR_VECTOR_MAP_FAIL,
	XR_BEFORE_DRIVER_OK,
	XR_ISR_READ_CLEARS,
	XR_NOTIFY_USED,
	XR_NO_VECTOR_NO_IRQ,
	XR_ENTROPY_BYTES,

	/* device types (checkextypes.c) */
	XR_BLK_FLUSH_WCE,
	XR_BLK_READ_ONLY,
	XR_BLK_GET_ID,
	XR_BLK_UNSUPPORTED,
	XR_BLK_OUT_OF_RANGE,
	XR_NET_NUM_BUFFERS,
	XR_NET_MAC_ADDR_SET,
	XR_CONSOLE_EMERG_WRITE,
	XR_SCSI_SIZES_RESET,
	XR_SCSI_BAD_TARGET,
	XR_NEEDS_RESET_NOTIFY,

	/* rings (checkexrings.c) */
	XR_USED_ID,
	XR_USED_LEN,
	XR_USED_IDX,
	XR_READABLE_UNTOUCHED,
	XR_DESC_UNTOUCHED,
	XR_NOTIFY_SUPPRESSED,
	XR_REQUESTS_COMPLETE,
	XR_USED_AFTER_RESET,
	XR_ANY_LAYOUT,
	XR_INDIRECT,
	XR_EVENT_IDX_QUIET,
	XR_EVENT_IDX_NOTIFY,
	XR_SPURIOUS_KICK,
	/* the configuration watched (checkexcfg.c, --watch-config) */
	XR_CONFIG_GENERATION,
	/* malformed chains (checkexhostile.c, --hostile) */
	XR_HOSTILE,
	/* packed rings and IN_ORDER (checkexpacked.c): together, from
	 * XR_PACKED_USED_ID to XR_IN_ORDER (packed_not_run_but) */
	XR_PACKED_USED_ID,
	XR_PACKED_USED_FLAGS,
	XR_PACKED_USED_LEN,
	XR_PACKED_USED_WRITE,
	XR_PACKED_LIST_SKIP,
	XR_PACKED_READABLE,
	XR_PACKED_REQUESTS_COMPLETE,
	XR_PACKED_NOTIFY,
	XR_PACKED_NOTIFY_OFF,
	XR_PACKED_DESC_QUIET,
	XR_PACKED_DESC_EVENT,
	XR_PACKED_INDIRECT,
	XR_IN_ORDER,
	XR_COUNT
};

struct ex {
	struct check_run r;
	struct vlp_device *dev;
	const struct vlp_layout *l;
	const struct vlp_vqs_opts *opts;
	struct vlp_drive d;
	const struct vlp_check *check[XR_COUNT];
	bool decided[XR_COUNT];
	uint32_t offered[VLP_FEATURE_WORDS];
	uint32_t set[VLP_FEATURE_WORDS]; /* the valid subset negotiated */
	bool set_accepted;
	unsigned nq;
	/* MSI-X: enabled with the Function Mask for the run */
	bool msix;
	unsigned msix_pos, table_size, pba_bar;
	uint32_t pba_off;
	uint32_t msix_ctl; /* as found */
	bool msix_changed;
	bool media_writes;  /* block: writes to the medium allowed */
	bool config_writes; /* writable configuration fields changed (SCSI sizes) */
	/* The ring checks' reads never came back: the requests after them
	 * are not made (each would only wait out REQUEST_MS again). */
	bool unresponsive;
	unsigned watch_config_ms; /* --watch-config (0: not watched) */
	bool hostile;             /* --hostile */
	unsigned session_qsize;   /* queue q's size in ex_session_open (0: the default) */
};
#define EX_UNRESPONSIVE "the device returned none of the ring checks' reads within 2000 ms"

/* Check k ran (its findings reported before), was not made (why), or
 * found something (the evidence); each decided once. */
void ex_ran(struct ex *x, enum ex_row k);
__attribute__((format(printf, 3, 4))) void ex_not_run(struct ex *x, enum ex_row k, const char *fmt,
						      ...);
__attribute__((format(printf, 5, 6))) void ex_fail(struct ex *x, enum ex_row k, enum vlp_severity sev,
						   const char *where, const char *fmt, ...);
int ex_common_read(struct ex *x, unsigned row, unsigned q, uint64_t *v);
int ex_common_write(struct ex *x, unsigned row, unsigned q, uint64_t v);
int ex_negotiate(struct ex *x, const uint32_t words[VLP_FEATURE_WORDS], bool *accepted, uint64_t *back);
int ex_pba_word(struct ex *x, unsigned vector, uint32_t *w);
int ex_pba_first(struct ex *x, unsigned *first);
void ex_sleep_ms(unsigned ms);
int ex_pba_wait(struct ex *x, unsigned vector, bool *set);
int ex_msix_begin(struct ex *x);
int ex_msix_end(struct ex *x);
int ex_check_device_feature(struct ex *x);
int ex_check_features_ok(struct ex *x);
int ex_check_queue_size(struct ex *x);
int ex_check_config_64bit(struct ex *x);
int ex_check_pci_cfg_window(struct ex *x);
int ex_try_vector(struct ex *x, unsigned row, unsigned q, unsigned v, uint64_t *back);
int ex_check_vectors(struct ex *x);
int ex_check_after_reset(struct ex *x, const char *before);
int ex_map_all(struct ex *x);
/* The ring checks (checkexrings.c) on queue q, DRIVER_OK, the queue on
 * MSI-X vector (masked; VLP_NO_VECTOR: none): block reads; then one read
 * left in flight (late) for the reset that follows, judged by
 * ex_rings_after_reset. */
int ex_rings(struct ex *x, struct vlp_vqs *vqs, unsigned q, unsigned vector);
/* Every ring check not run: why (another device type: blk reads only). */
void ex_rings_not_run(struct ex *x, const char *why);
int ex_rings_late_post(struct ex *x, struct vlp_vqs *vqs, unsigned q, bool *posted);
int ex_rings_after_reset(struct ex *x, struct vlp_vqs *vqs, unsigned q, bool posted);
/* 2.7.4.1, 2.7.5.3.2 and 2.7.7.2 with EVENT_IDX, in a session of their
 * own (INDIRECT_DESC and EVENT_IDX added where offered, the queue on
 * vector 0): the READ of sector 0 made as header, data and status, then
 * with the header split and data and status in one buffer, then through
 * an indirect table, each answering what the first did, none notified
 * (used_event far ahead); then one with used_event at its used index,
 * which must be notified. */
int ex_rings_layouts(struct ex *x);
/* 2.7.10.2 (exercise-spurious-kick), after ex_rings in its session: the
 * batch taken back, notifications that make nothing new available, then
 * no used entry, no DEVICE_NEEDS_RESET, no notification (avail flags
 * VIRTQ_AVAIL_F_NO_INTERRUPT; a warning) and one READ that completes. */
int ex_rings_spurious(struct ex *x, struct vlp_vqs *vqs, unsigned q, unsigned vector);
/* A split ring's used.idx, read with acquire order (2.7.8). */
uint16_t ex_used_idx(const uint8_t *used);
/* Waits up to timeout_ms for the used entry of chain id, taking the
 * entries of older chains on the way: *got false when it did not come. */
int ex_await(struct ex *x, struct vlp_vqs *vqs, unsigned q, unsigned id, unsigned timeout_ms,
	     struct vlp_vq_used *u, bool *got);
/* One block READ on queue 0 made as segs (indirect: through a table, on
 * a split or a packed ring), waited for: its VLP_BLK_SECTOR data bytes
 * and status, *answered when it came back. */
int ex_read_as(struct ex *x, struct vlp_vqs *vqs, const struct vlp_vq_seg *segs, unsigned n,
	       bool indirect, uint8_t data[VLP_BLK_SECTOR], uint8_t *status, bool *answered);

/* One harmless request of a device type (checkexercise.c): a chain on
 * queue q, named as notes name it.  segs may point into hdr: not copied. */
struct ex_request {
	unsigned type; /* the device type (VLP_ID_...) */
	unsigned q;
	const char *name;
	struct vlp_vq_seg segs[3];
	unsigned nsegs;
	uint8_t hdr[VLP_SCSI_REQ_HDR + VLP_SCSI_CDB_MAX];
};
/* NULL with req filled, or why the type has none. */
const char *ex_request_of(struct ex *x, struct ex_request *req);
/* NULL when u answers req as its type does (a READ with VIRTIO_BLK_S_OK,
 * one or more random bytes and no more than the buffer, a SCSI response
 * VIRTIO_SCSI_S_OK, a console line taken), or what is wrong. */
const char *ex_request_answered(const struct ex_request *req, const struct vlp_vq_used *u);

/* ---------------------------------------------- checkextypes.c (below checkexercise.c) */

/* The per-type checks and DEVICE_NEEDS_RESET, on a device reset before
 * and after. */
int ex_types(struct ex *x);
/* A driver's session: words negotiated, every available queue set up,
 * the configuration change event on vector 0 and queue q's on vector
 * (VLP_NO_VECTOR: left unmapped) before DRIVER_OK, as a driver maps them
 * (4.1.5.1.2; masked: a notification shows as a pending bit).  why is
 * empty, or says why the session could not start (*vqs may then be
 * NULL); ex_session_close resets the device and frees the memory. */
int ex_session_open(struct ex *x, const uint32_t words[VLP_FEATURE_WORDS], unsigned q,
		    unsigned vector, struct vlp_vqs **vqs, char *why, size_t whylen);
int ex_session_close(struct ex *x, struct vlp_vqs *vqs);

/* ---------------------------------------------- checkexcfg.c (below checkexercise.c) */

/* 4.1.4.3.1 (active-config-generation): a session kept DRIVER_OK for
 * x->watch_config_ms, the device configuration and config_generation
 * read every EX_CFG_EVERY_MS; not run without --watch-config. */
int ex_watch_config(struct ex *x);

/* ---------------------------------------------- checkexpacked.c (below checkexercise.c) */

/* Where VIRTIO_F_RING_PACKED is offered, on a virtio-blk device: a
 * session with it negotiated (and VIRTIO_F_IN_ORDER where offered), block
 * READs as lists of three descriptors, the packed ring rules judged
 * (2.8, 2.8.1, 2.8.4, 2.8.6, 2.8.10, 2.8.15, 6.2); NOT RUN elsewhere. */
int ex_packed(struct ex *x);

/* ---------------------------------------------- checkexhostile.c (below checkexercise.c) */

/* --hostile on a device type with a harmless request (ex_request_of):
 * each malformed chain built from it in a session of its own, what the
 * device did as a note, 2.1.2's notification judged where it set
 * DEVICE_NEEDS_RESET, and the request again after the reset. */
int ex_hostile(struct ex *x);

/* ---------------------------------------------- check.c */

/* Findings in table order, in the order found within a check. */
void chk_sort_findings(struct vlp_check_report *rep);

#endif /* VLP_CHECKRUN_H */
