/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: driving a device: the driving layer, DMA memory, virtqueues, self-test, probes.  Part of <vlp.h>. */
#ifndef VLP_DRIVING_H
#define VLP_DRIVING_H

#include "base.h"
#include "spec.h"
#include "tables.h"
#include "devices.h"
#include "layout.h"
#include "registers.h"
#include "linux.h"
#include "virtqueues.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The kick probe (--nudge, nudge.c): what a notification changed       */
/* ------------------------------------------------------------------ */

/* A queue's counters as one read of its ring shows them (vlp_queue_sample
 * counters: split avail.idx and used.idx, packed slot counters). */
struct vlp_nudge_counts {
	bool valid; /* the ring was read */
	uint32_t avail, used;
	unsigned in_flight;
};

enum vlp_nudge_conclusion {
	VLP_NUDGE_KICK_LOST,         /* in flight, used advanced after the kick alone */
	VLP_NUDGE_STUCK,             /* in flight, no progress */
	VLP_NUDGE_NOTHING_AVAILABLE, /* nothing in flight, no progress */
	VLP_NUDGE_WAITING_FOR_INPUT, /* receive/event queue holding buffers: normal */
	VLP_NUDGE_DRIVER_ACTIVE,     /* advanced, but the driver made buffers available too */
	VLP_NUDGE_USED_PAST_AVAIL,   /* used moved beyond avail (2.7.8) */
	VLP_NUDGE_NOT_JUDGED,        /* the ring was not read before and after */
	VLP_NUDGE_CONCLUSIONS
};
/* "kick-lost", "stuck", "nothing-available", "waiting-for-input",
 * "driver-active", "used-past-avail", "not-judged"; NULL past the end. */
VLP_API const char *vlp_nudge_conclusion_name(enum vlp_nudge_conclusion c);
/* The one-line conclusion, e.g. "the device was waiting for a kick: a kick
 * was lost". */
VLP_API const char *vlp_nudge_conclusion_text(enum vlp_nudge_conclusion c);
/* What a kick changed: before (read just before the notification) and
 * after (the last read of the poll, which ends when used moved or at the
 * timeout).  Pure: no I/O. */
VLP_API enum vlp_nudge_conclusion vlp_nudge_judge(const struct vlp_nudge_counts *before,
						  const struct vlp_nudge_counts *after,
						  enum vlp_queue_role role);

/* ------------------------------------------------------------------ */
/* Feature negotiation probe (--negotiate)                            */
/* ------------------------------------------------------------------ */

/* One candidate feature set: *accepted when the device kept FEATURES_OK
 * (3.1.1 step 6).  A non-zero return (negative errno, message in ctx)
 * ends the search. */
typedef int (*vlp_negotiate_try_fn)(void *arg, const uint32_t words[VLP_FEATURE_WORDS], bool *accepted);

/* The most candidates one search tries (each costs vlp_negotiate a reset). */
#define VLP_NEGOTIATE_MAX_TRIES 256u

struct vlp_negotiate_result {
	uint32_t offered[VLP_FEATURE_WORDS];
	/* Offered bits whose removal alone from the largest accepted set
	 * makes the device refuse FEATURES_OK (2.2.2). */
	uint32_t required[VLP_FEATURE_WORDS];
	/* Offered bits whose addition alone to the largest accepted set makes
	 * it refuse (only searched when the full offered set is refused). */
	uint32_t rejected[VLP_FEATURE_WORDS];
	uint32_t accepted_set[VLP_FEATURE_WORDS]; /* the largest set accepted */
	bool any_accepted;                        /* false: every candidate tried was refused */
	unsigned tries;                           /* candidate sets tried */
	unsigned resets;                          /* device resets written (vlp_negotiate) */
	bool left_reset;                          /* the final reset read back 0 (vlp_negotiate) */
	bool dry_run;                             /* vlp_negotiate: one candidate's writes traced */
};

/* The probe: the offered bits, then vlp_negotiate_search with
 * VIRTIO_F_VERSION_1 pinned.  Refused before any write when the write
 * policy refuses writes (driver bound without force, snapshot, read-only).
 * With a dry run, the first candidate only.  The device is reset (and the
 * reset read back as 0) afterwards, on success and on every error. */
VLP_API int vlp_negotiate(struct vlp_ctx *ctx, struct vlp_device *dev,
			  const struct vlp_layout *layout, struct vlp_negotiate_result *out);

/* Driving a device: DMA memory (dma.c) and virtqueues (vq.c)         */
/* ------------------------------------------------------------------ */

/* Memory a device reads and writes.  Only the write path uses it. */
enum vlp_dma_kind {
	VLP_DMA_HUGETLB, /* a huge page from the hugetlb pool: contiguous */
	VLP_DMA_LOCKED,  /* anonymous pages locked with mlock */
	VLP_DMA_PLAIN,   /* heap memory at made-up addresses: tests and dry runs */
};
#define VLP_DMA_MAX (2u * 1024 * 1024) /* largest allocation */
struct vlp_dma;
/* "hugetlb", "locked", "plain" */
VLP_API const char *vlp_dma_kind_name(enum vlp_dma_kind k);

/* A virtqueue's memory: the ring areas and one buffer per descriptor. */
#define VLP_VQ_SIZE_MAX 32768 /* 2.7, 2.8 */
#define VLP_VQ_BUF_MAX 4096u  /* bytes of one posted buffer (one page) */
#define VLP_VQ_PAGE 4096u
#define VLP_VQ_POLL_MAX_MS 60000u
#define VLP_VQ_CHAIN_MAX 4u /* buffers in one chain (vlp_vq_post_chain) */
struct vlp_vq_layout {
	unsigned size;
	enum vlp_ring_format format; /* split or packed */
	/* offsets in the ring memory; each area starts a 4 KiB page */
	size_t desc_off, desc_len;     /* descriptor area */
	size_t driver_off, driver_len; /* split: available ring; packed: driver event suppression */
	size_t device_off, device_len; /* split: used ring; packed: device event suppression */
	size_t total;
};
/* The memory plan of a queue (no allocation). */
VLP_API int vlp_vq_layout(struct vlp_ctx *ctx, unsigned size, enum vlp_ring_format format,
			  struct vlp_vq_layout *out);

struct vlp_vq_info {
	unsigned size;
	enum vlp_ring_format format;
	struct vlp_vq_layout layout;
	enum vlp_dma_kind kind;
	uint64_t desc_pa, driver_pa, device_pa; /* what queue_desc/driver/device get */
	uint16_t avail_idx;                     /* buffers made available (free-running) */
	uint16_t used_idx;                      /* used entries taken (free-running) */
	unsigned in_flight;
};
/* One buffer the device gave back. */
struct vlp_vq_used {
	unsigned id;          /* the buffer (descriptor) id */
	uint32_t len;         /* bytes the device says it wrote */
	uint32_t buf_len;     /* bytes posted */
	bool device_writable; /* an "in" buffer */
	bool len_exceeds;     /* len above what it could write (2.7.8.1) */
	const uint8_t *data;  /* the buffer, until it is posted again */
	/* every buffer of a chain (vlp_vq_post_chain), the first is data */
	unsigned nsegs;
	const uint8_t *seg_data[VLP_VQ_CHAIN_MAX];
	uint32_t seg_len[VLP_VQ_CHAIN_MAX];
};
/* One buffer of a chain. */
struct vlp_vq_seg {
	bool device_writable;
	const void *data; /* data_len bytes copied in (may be NULL with 0) */
	size_t data_len;
	size_t len;
};
enum vlp_vq_area { VLP_VQ_DESC, VLP_VQ_DRIVER, VLP_VQ_DEVICE };
struct vlp_vq;
/* A queue's memory, zeroed, with interrupts suppressed in the driver area
 * (the used ring is polled; features: the negotiated bits 0-63, for
 * VIRTIO_F_EVENT_IDX).  No device access. */
VLP_API const struct vlp_vq_info *vlp_vq_info(const struct vlp_vq *vq);

/* The queues of one live device, driven from here: the device must be
 * writable (vlp_device_open_bars with writable, and force when a driver is
 * bound), modern, and see physical addresses.  Opening enables bus
 * mastering (PCI Command bit 2, through vlp_config_write); closing resets
 * the device, waits for device_status 0, restores the Command register and
 * only then frees the memory.  On a dry-run device the memory is plain and
 * every write is only traced. */
struct vlp_vqs;
struct vlp_vqs_opts {
	const char *sys_root; /* where sysfs is (tests); NULL: /sys */
};
VLP_API int vlp_vqs_open(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
			 const struct vlp_vqs_opts *opts, struct vlp_vqs **out);
VLP_API bool vlp_vqs_dry_run(const struct vlp_vqs *vqs);
VLP_API bool vlp_vqs_in_use(const struct vlp_vqs *vqs); /* a queue is set up */
/* NULL: queue q not set up. */
VLP_API const struct vlp_vq_info *vlp_vqs_info(const struct vlp_vqs *vqs, unsigned q);
/* 4.1.5.1.3: size (0: the device's maximum, at most 256), ring memory,
 * queue_size, queue_msix_vector NO_VECTOR, queue_desc/driver/device,
 * queue_enable 1.  Packed when VIRTIO_F_RING_PACKED is negotiated.  A
 * queue set up already is kept when size is 0 or its size. */
VLP_API int vlp_vqs_setup(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q, unsigned size,
			  const struct vlp_vq_info **info);
VLP_API int vlp_vqs_post(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q, bool device_writable,
			 const void *data, size_t data_len, size_t len, unsigned *id);
/* The queue's notification (vlp_queue_notify) after a full barrier. */
VLP_API int vlp_vqs_kick(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q, struct vlp_notify *n);
/* Waits up to timeout_ms (at most VLP_VQ_POLL_MAX_MS) for used entries,
 * polling every millisecond: -ETIMEDOUT when none came. */
VLP_API int vlp_vqs_poll(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q, unsigned timeout_ms,
			 struct vlp_vq_used *out, size_t max, size_t *n, unsigned *waited_ms);
/* The queues' memory as recorded guest memory, for vlp_read_rings. */
VLP_API int vlp_vqs_guestmem(struct vlp_ctx *ctx, const struct vlp_vqs *vqs, struct vlp_guestmem **out);
/* Resets the device (waiting for 0), restores the Command register, frees
 * everything.  When the reset fails the memory is freed only if bus
 * mastering could be turned off again; the error is returned. */
VLP_API int vlp_vqs_close(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned *waited_ms);

/* Self-test (selftest.c)                                             */
/* ------------------------------------------------------------------ */

/* Does a device work without its driver?  Initialization to DRIVER_OK
 * with every queue set up (3.1.1), the test of its type (entropy: two
 * reads; network: promiscuous mode on and off through the control
 * queue, one frame transmitted; block: sector 0, GET_ID, the capacity at its
 * end; SCSI: INQUIRY and TEST UNIT READY on the first target;
 * console: a line through port 0's transmitq, and the emergency
 * write when offered; other types: nothing more), then a reset read back
 * as 0 before the memory is freed, on every path. */
#define VLP_SELFTEST_STEPS_MAX 16
#define VLP_SELFTEST_READ_LEN 64u
#define VLP_SELFTEST_PLAN_MAX 16
/* struct virtio_net_hdr with VIRTIO_F_VERSION_1 (5.1.6) */
#define VLP_SELFTEST_NET_HDR VLP_NET_HDR_LEN
#define VLP_SELFTEST_NET_PAYLOAD "virtio-lspci self-test frame"
#define VLP_SELFTEST_BLK_HDR 16 /* struct virtio_blk_req's header (5.2.6) */
#define VLP_SELFTEST_CONSOLE_LINE "virtio-lspci self-test: port 0 transmitq\n"
#define VLP_SELFTEST_EMERG_LINE "virtio-lspci self-test: emergency write\n"
struct vlp_selftest_step {
	char name[24];
	bool ok;
	char detail[200];
};
struct vlp_selftest_result {
	unsigned device_type;
	const char *test; /* "network", "entropy", "block", "console", "scsi", "init" (initialization only) */
	bool ok;         /* every step passed */
	bool left_reset; /* the final reset read back 0 */
	unsigned nsteps;
	struct vlp_selftest_step steps[VLP_SELFTEST_STEPS_MAX];
	/* entropy */
	unsigned nreads;
	uint8_t reads[2][VLP_SELFTEST_READ_LEN];
	/* block: sector 0, the device ID (GET_ID), the configured capacity */
	bool has_sector0, has_id;
	uint8_t sector0[512];
	char id[21];
	uint64_t capacity;
	/* network: control commands acknowledged, the frame sent (hex) */
	unsigned net_ctrl_acks;
	char net_frame_hex[2 * 60 + 1];
	/* SCSI: the first target answering INQUIRY (LUN 0) */
	bool has_scsi;
	unsigned scsi_target;
	char scsi_vendor[9], scsi_product[17];
	/* console: what went out through transmitq and emerg_wr ("" none) */
	char written[64];
	char emerg_written[64];
	/* dry run (vlp_device_dry_run): no step is checked against the
	 * device; the memory plan of the queues it would set up (plain
	 * memory, addresses made up) and the requests its test would post */
	bool dry_run;
	unsigned nplan; /* queues planned (only the first VLP_SELFTEST_PLAN_MAX kept) */
	struct vlp_selftest_plan {
		unsigned queue;
		struct vlp_vq_info info;
	} plan[VLP_SELFTEST_PLAN_MAX];
	const char *const *requests; /* NULL-terminated, static text; NULL: no test */
};
/* Runs the self-test; a negative errno (message in ctx) when refused
 * before anything was written (vlp_vqs_open's refusals), else 0 with
 * every step, passed or not, in out.  A dry run writes nothing (the
 * trace sees each write) and stops after DRIVER_OK: see dry_run. */
VLP_API int vlp_selftest(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
			 const struct vlp_vqs_opts *opts, struct vlp_selftest_result *out);
/* n bytes as lowercase hex into buf (cut to fit). */
VLP_API void vlp_selftest_hex(char *buf, size_t len, const uint8_t *data, size_t n);
/* Asks the kernel to bind a driver to the slot again (sysfs
 * bus/pci/drivers_probe; sys_root NULL: /sys) and names the driver now
 * bound: -ENODEV when none bound. */
VLP_API int vlp_selftest_rebind(struct vlp_ctx *ctx, const struct vlp_slot *slot,
				const char *sys_root, char *driver, size_t len);

/* ------------------------------------------------------------------ */
/* Driving a device (drive.c)                                         */
/* ------------------------------------------------------------------ */

/* Every face that writes to a device (REPL init, --selftest, --negotiate,
 * --nudge, --check --active) goes through here: one call that makes
 * every refusal, then the driver's initialization (3.1.1) one step at a
 * time.  A refusal is a cause with its detail: faces word it. */
enum vlp_drive_refusal {
	VLP_DRIVE_ALLOWED,       /* nothing refused: the BARs are open */
	VLP_DRIVE_DUMP,          /* a dump holds config space only */
	VLP_DRIVE_SNAPSHOT,      /* read-only: a snapshot, a host device */
	VLP_DRIVE_DRIVER_BOUND,  /* a kernel driver (driver) is bound, not forced */
	VLP_DRIVE_NO_STRUCTURE,  /* no virtio structure in a BAR is known */
	VLP_DRIVE_NO_COMMON,     /* no common configuration: the legacy interface only */
	VLP_DRIVE_DRY_RUN,       /* the writes must be made, and a dry run was asked */
	VLP_DRIVE_NO_BAR_ACCESS, /* the backend opened no BAR (reason) */
};

struct vlp_drive_refused {
	enum vlp_drive_refusal cause;
	char driver[64];  /* VLP_DRIVE_DRIVER_BOUND: the driver's name */
	char reason[512]; /* VLP_DRIVE_NO_BAR_ACCESS: why the backend could not */
};

struct vlp_drive_opts {
	struct vlp_bar_opts bars; /* bars.writable: the face writes (a live device only) */
	bool need_common;         /* refuse a device without a common configuration */
	bool no_dry_run;          /* refuse a dry run (the face needs real answers) */
};

/* Makes every refusal, in this order: not live (only when writing: a
 * snapshot's BARs are read; a dump has none), a driver bound without
 * force (when writing), no virtio structure in a BAR, no common
 * configuration (when asked), a dry run (when refused), and then opens
 * the BARs (the backend's reason when it cannot).  0 with cause
 * VLP_DRIVE_ALLOWED, or -errno with the cause in why and a message. */
VLP_API int vlp_drive_open(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
			   const struct vlp_drive_opts *opts, struct vlp_drive_refused *why);

/* One device being initialized: device_status (common or legacy) and
 * the status bits the driver has set so far. */
struct vlp_drive {
	struct vlp_ctx *ctx;
	struct vlp_device *dev;
	const struct vlp_layout *l;
	struct vlp_reg status; /* device_status */
	bool modern;           /* a common configuration: FEATURES_OK, queues */
	unsigned bits;         /* the device_status bits written last */
};

/* Finds device_status; BAR access must be open (vlp_drive_open). */
VLP_API int vlp_drive_begin(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
			    struct vlp_drive *d);
/* 3.1.1 step 1: reset (device_status <- 0), then wait up to
 * VLP_RESET_TIMEOUT_MS for it to read back 0 (4.1.4.3.2); -ETIMEDOUT if
 * it does not.  waited_ms may be NULL. */
VLP_API int vlp_drive_reset(struct vlp_drive *d, unsigned *waited_ms);
/* Writes device_status = bits and reads it back into back (may be NULL);
 * in a dry run back is bits (nothing was written). */
VLP_API int vlp_drive_write_status(struct vlp_drive *d, unsigned bits, uint64_t *back);
/* 3.1.1 steps 2, 3, 5 and 8: sets one more status bit (VLP_S_*) on top
 * of those set before, and reads device_status back. */
VLP_API int vlp_drive_set_status(struct vlp_drive *d, enum vlp_status_bit bit, uint64_t *back);
/* 3.1.1 step 4: writes the subset of features the driver accepts, every
 * word (QEMU keeps the previous driver's bits across a reset). */
VLP_API int vlp_drive_write_features(struct vlp_drive *d, const uint32_t words[VLP_FEATURE_WORDS]);
/* 3.1.1 steps 5-6: FEATURES_OK, and device_status re-read: accepted when
 * FEATURES_OK is still set (a dry run: true).  A legacy device has no
 * FEATURES_OK (4.1.4.10): -ENOTSUP. */
VLP_API int vlp_drive_features_ok(struct vlp_drive *d, bool *accepted, uint64_t *back);
/* 3.1.1 step 7 (4.1.5.1.3): queue q's queue_size, 0 when the queue is not
 * available. */
VLP_API int vlp_drive_queue_size(struct vlp_drive *d, unsigned q, uint64_t *size);
/* 3.1.1 step 8: DRIVER_OK, and device_status read back. */
VLP_API int vlp_drive_driver_ok(struct vlp_drive *d, uint64_t *back);

#ifdef __cplusplus
}
#endif
#endif /* VLP_DRIVING_H */
