/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: virtqueue rings: their field tables, one ring decoded, the verdict of a queue from its samples, the rings of a device.  Part of <vlp.h>. */
#ifndef VLP_VIRTQUEUES_H
#define VLP_VIRTQUEUES_H

#include "base.h"
#include "spec.h"
#include "tables.h"
#include "devices.h"
#include "layout.h"
#include "registers.h"
#include "checks.h"
#include "linux.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Virtqueue rings (ringfields.c, ring.c): 2.7 split, 2.8 packed       */
/* ------------------------------------------------------------------ */

/* Ring structures are guest memory, not registers: a field of width 8 is
 * one little-endian 8-byte value (hi_offset 0).  An array row with count 0
 * has Queue Size elements; a row after it is at its offset plus width x
 * Queue Size (vlp_ring_field_offset).  Table size: the fixed bytes. */
enum vlp_split_desc_row {
	VLP_DESC_ADDR,
	VLP_DESC_LEN,
	VLP_DESC_FLAGS,
	VLP_DESC_NEXT,
	VLP_DESC_ROWS
};
enum vlp_avail_row {
	VLP_AVAIL_FLAGS,
	VLP_AVAIL_IDX,
	VLP_AVAIL_RING,
	VLP_AVAIL_USED_EVENT,
	VLP_AVAIL_ROWS
};
enum vlp_used_row {
	VLP_USED_FLAGS,
	VLP_USED_IDX,
	VLP_USED_RING,
	VLP_USED_AVAIL_EVENT,
	VLP_USED_ROWS
};
enum vlp_used_elem_row { VLP_USED_ELEM_ID, VLP_USED_ELEM_LEN, VLP_USED_ELEM_ROWS };
enum vlp_packed_desc_row {
	VLP_PDESC_ADDR,
	VLP_PDESC_LEN,
	VLP_PDESC_ID,
	VLP_PDESC_FLAGS,
	VLP_PDESC_ROWS
};
enum vlp_event_row { VLP_EVENT_DESC, VLP_EVENT_FLAGS, VLP_EVENT_ROWS };

VLP_API const struct vlp_names *vlp_split_desc_flag_names(void);
VLP_API const struct vlp_names *vlp_packed_desc_flag_names(void);
VLP_API const struct vlp_names *vlp_avail_flag_names(void);
VLP_API const struct vlp_names *vlp_used_flag_names(void);
VLP_API const struct vlp_names *vlp_event_flag_names(void); /* VLP_NAMES_ENUM */
/* desc_event_flags by name: "ENABLE", "DISABLE", "DESC", or "reserved" (3). */
VLP_API const char *vlp_event_flags_name(uint16_t flags);

/* Fields are decoded little-endian, also for legacy rings, whose 2.7.3 byte
 * order is the guest's own (x86, arm64 and other little-endian guests). */
enum vlp_ring_format {
	VLP_RING_SPLIT,        /* 2.7, addresses from queue_desc/driver/device */
	VLP_RING_PACKED,       /* 2.8, VIRTIO_F_RING_PACKED negotiated */
	VLP_RING_LEGACY_SPLIT, /* 2.7.2: one area at PFN x 4096 (legacy interface) */
};
/* "split", "packed", "legacy-split" */
VLP_API const char *vlp_ring_format_name(enum vlp_ring_format f);

struct vlp_ring_params {
	enum vlp_ring_format format;
	unsigned size;       /* queue_size: 1..32768 */
	uint64_t desc;       /* split/packed: queue_desc */
	uint64_t driver;     /* queue_driver: available ring / driver event suppression */
	uint64_t device;     /* queue_device: used ring / device event suppression */
	uint32_t pfn;        /* legacy: Queue Address (the three above are ignored) */
	uint64_t negotiated; /* driver features: EVENT_IDX and INDIRECT_DESC are read */
	unsigned last_used;  /* used entries to keep (0: VLP_RING_LAST_USED) */
};
#define VLP_RING_LAST_USED 8u
#define VLP_RING_FINDINGS_MAX 100u
/* Indirect tables followed per ring, in bytes: one ring does not take the
 * whole run's budget (below). */
#define VLP_RING_INDIRECT_BUDGET (8u << 20)
#define VLP_RING_SIZE_MAX 32768u /* 2.7, 2.8: queue size at most 2^15 */

/* The decoding budget of a run: bytes of guest memory read plus bytes of
 * decoded structures (descriptors, chains, slots, findings) allocated, for
 * every ring read with it, never given back (a sample that replaces a ring
 * gives back what that ring took).  It starts at VLP_RING_BUDGET_FIXED and
 * grows by VLP_RING_BUDGET_PER_BYTE x the ring memory a snapshot recorded
 * each time a snapshot's rings are read (vlp_read_rings): memory and time
 * stay proportional to the input, whatever it holds, even with 1024 queues
 * pointing at the same memory.  When it runs out the ring being decoded
 * keeps what was decoded (vlp_ring.incomplete), the queues after it are not
 * decoded, and vlp_rings.incomplete says which budget and which queue. */
#define VLP_RING_BUDGET_FIXED (64u << 20)
#define VLP_RING_BUDGET_PER_BYTE 8u
struct vlp_ring_budget {
	uint64_t limit; /* bytes; 0: VLP_RING_BUDGET_FIXED (set at first use) */
	uint64_t spent;
	uint64_t input; /* recorded ring memory counted into limit, bytes */
	bool exhausted; /* a decode stopped short of it */
};

struct vlp_ring_desc {
	uint16_t index; /* in the descriptor table / ring, or the indirect table */
	uint64_t addr;
	uint32_t len;
	uint16_t flags; /* VLP_DESC_F_* */
	uint16_t next;  /* split: next field; packed: 0 */
	uint16_t id;    /* packed: buffer id; split: 0 */
	/* INDIRECT: the table it refers to, as far as it could be followed */
	struct vlp_ring_desc *indirect;
	size_t nindirect;
};

/* A chain made available and not yet used.  Split: positions used.idx ..
 * avail.idx - 1 (free-running, modulo 2^16).  With out-of-order completion
 * these are the newest in_flight chains, which may not be exactly the
 * outstanding ones (the used ring does not say which positions finished).
 * Packed: lists of descriptors whose AVAIL and USED bits differ (2.8.1),
 * chained by NEXT.  The device writes one used descriptor per list (2.8.6),
 * so the other slots of a list it used keep the driver's flags until the
 * driver writes them again: such leftovers show as available too. */
struct vlp_ring_chain {
	uint16_t position; /* split: avail index; packed: ring slot of the first descriptor */
	uint16_t head;     /* split: avail.ring[position % size]; packed: = position */
	uint16_t id;       /* packed: buffer id of the last descriptor; split: head */
	struct vlp_ring_desc *descs;
	size_t ndescs;               /* direct descriptors (indirect tables hang off them) */
	uint64_t readable, writable; /* bytes by direction, indirect tables included */
	bool complete;               /* walked to its end with no fault */
};

struct vlp_ring_used_elem {
	uint16_t position; /* free-running used index */
	uint32_t id, len;
};

struct vlp_ring {
	enum vlp_ring_format format;
	unsigned size;
	uint64_t desc_addr, driver_addr, device_addr;
	uint64_t negotiated;
	bool desc_read, driver_read, device_read; /* each area was read */
	/* split (2.7.6, 2.7.8) */
	struct {
		uint16_t flags, idx, used_event;
		uint16_t *ring; /* size entries, by slot; NULL when not read */
	} avail;
	struct {
		uint16_t flags, idx, avail_event;
		struct vlp_ring_used_elem *last; /* the newest entries, oldest first */
		size_t nlast;
	} used;
	unsigned in_flight; /* split: (avail.idx - used.idx) mod 2^16; packed: chains */
	/* packed (2.8.10, 2.8.14): desc is off_wrap */
	struct {
		uint16_t desc, flags;
	} driver_event, device_event;
	struct vlp_ring_chain *chains;
	size_t nchains;
	/* packed: the driver's next slot and wrap counter as the AVAIL bits
	 * show them (slots before it carry the current lap's AVAIL value) */
	uint16_t next_avail;
	bool avail_wrap;
	struct vlp_finding *findings; /* .check: a vlp_ring_check_at() id; position -1 */
	size_t nfindings;
	size_t findings_omitted; /* beyond VLP_RING_FINDINGS_MAX */
	uint64_t bytes_read;     /* guest memory read for this ring */
	uint64_t budget_spent;   /* what it took of the run's budget */
	bool incomplete;         /* decoding stopped: the budget ran out (a finding says where) */
};

/* Reads the ring's areas once each (bounded), then decodes it.  Memory that
 * cannot be read (outside RAM, or a read failure) is a "ring-memory"
 * finding, not an error: *out is always set on 0.  <0 (message in ctx):
 * bad parameters (size 0 or above 32768) or no memory.  Nothing loops or
 * reads without bound, whatever the memory holds. */
VLP_API int vlp_ring_read(struct vlp_ctx *ctx, struct vlp_guestmem *mem,
			  const struct vlp_ring_params *p, struct vlp_ring **out);
VLP_API void vlp_ring_free(struct vlp_ring *ring);

/* ------------------------------------------------------------------ */
/* Sampling and the verdict (verdict.c): who is stuck, from plain numbers */
/* ------------------------------------------------------------------ */

/* What one read of a queue shows, as plain numbers (no memory needed:
 * tests build series by hand).  Counters are free-running: split rings
 * count avail.idx and used.idx modulo 2^16 (2.7.6, 2.7.8); packed rings
 * count ring slots modulo 2 x size, the slot plus size when the wrap
 * counter is 0 (2.8.1), and their used counter is the avail counter less
 * the slots of the lists still in flight. */
struct vlp_queue_sample {
	double t;               /* seconds, any origin, increasing */
	bool packed, event_idx; /* RING_PACKED, EVENT_IDX negotiated */
	unsigned size;          /* queue size */
	uint32_t avail, used;   /* the counters above */
	unsigned in_flight;     /* chains available and not used */
	/* split (2.7.7, 2.7.10) */
	uint16_t avail_flags, used_flags, used_event, avail_event;
	/* packed event suppression (2.8.10): driver's and device's */
	uint16_t driver_event_flags, driver_event_off_wrap;
	uint16_t device_event_flags, device_event_off_wrap;
	bool irq_known; /* the Linux IRQ of the queue's vector was counted */
	uint64_t irq_count;
};

enum vlp_verdict_state {
	VLP_VERDICT_NOT_SAMPLED,
	VLP_VERDICT_IDLE,
	VLP_VERDICT_WAITING_FOR_INPUT,
	VLP_VERDICT_PROGRESSING,
	VLP_VERDICT_DEVICE_STALLED,
	VLP_VERDICT_INTERRUPT_NOT_DELIVERED,
	VLP_VERDICT_NOTIFICATIONS_SUPPRESSED,
	VLP_VERDICT_DRIVER_STALLED,
	VLP_VERDICT_STATES
};
/* "not-sampled", "idle", "waiting-for-input", "progressing",
 * "device-stalled", "interrupt-not-delivered", "notifications-suppressed",
 * "driver-stalled" */
VLP_API const char *vlp_verdict_state_name(enum vlp_verdict_state s);

/* Everything the verdict weighs for one queue. */
struct vlp_verdict_input {
	const struct vlp_queue_sample *samples; /* oldest first */
	size_t nsamples;
	enum vlp_queue_role role; /* RECEIVE, EVENT: waiting is normal */
	/* The MSI-X entry of the queue's vector, as the first read saw it */
	bool vector_valid;
	unsigned vector;
	bool masked_valid, masked, pending_valid, pending;
	/* Why a series cannot be judged (a snapshot: one moment), NULL: none */
	const char *unsampled_why;
	/* device_status, read with the state, has DEVICE_NEEDS_RESET (2.1.2):
	 * the device handles nothing until reset, whatever the samples say
	 * (one read is enough); last, so that the fields before it keep their
	 * places */
	bool needs_reset;
};

/* What only the host's side of a queue shows (vlp_host_verdict_judge). */
enum vlp_host_cause {
	VLP_HOST_CAUSE_NONE,
	VLP_HOST_CAUSE_FETCHED_NOT_COMPLETED,  /* inuse > 0, used_idx still */
	VLP_HOST_CAUSE_KICKED_NOT_FETCHED,     /* avail.idx ahead of last_avail_idx, inuse 0 */
	VLP_HOST_CAUSE_DEVICE_BROKEN,          /* QEMU's broken, NEEDS_RESET */
	VLP_HOST_CAUSE_COMPLETED_NOT_NOTIFIED, /* with a witness only */
	VLP_HOST_CAUSE_CANNOT_TELL,            /* completed, unconsumed, no witness */
	VLP_HOST_CAUSES
};

/* From the host: one sample's two reads (QEMU's indices, the ring in
 * guest RAM: separate monitor round trips while the guest runs) disagree in
 * a way only motion between them explains (vlp_host_verdict_judge; the
 * rules are in hostverdict.c).  The first such sample's two values. */
struct vlp_host_motion {
	bool moved;
	unsigned samples;       /* samples whose two reads disagree */
	unsigned sample;        /* the first of them, 1-based */
	const char *qemu_field; /* "used_idx", "last_avail_idx", "shadow_avail_idx" */
	const char *ring_field; /* "used.idx", "avail.idx" */
	uint16_t qemu, ring;    /* the two values */
	bool after_ring;        /* QEMU's read came after the ring's */
	char evidence[200];     /* one sentence naming them */
	/* What the host could not judge for this queue and why (a vhost
	 * backend's queue: motion and stall; a packed ring: samples whose QEMU
	 * read came after the ring's), NULL: every sample was judged */
	const char *not_judged;
};

struct vlp_verdict {
	enum vlp_verdict_state state;
	const char *section; /* the spec rule it rests on, NULL: none */
	char evidence[320];  /* one sentence naming the numbers */
	bool rates_valid;    /* two samples or more, time passed */
	double avail_per_s, used_per_s;
	bool irq_rate_valid; /* and the IRQ was counted in each */
	double irq_per_s;
	/* From the host (vlp_host_verdict_judge): what only QEMU's side of the
	 * queue shows; VLP_HOST_CAUSE_NONE from the guest. */
	enum vlp_host_cause host_cause;
	/* From the host: the guest or the device moved while a sample was
	 * taken (motion is progress: no stall is claimed then). */
	struct vlp_host_motion motion;
};

/* The verdict of one queue over its samples: pure, no I/O. */
VLP_API void vlp_verdict_judge(const struct vlp_verdict_input *in, struct vlp_verdict *out);
/* "none", "fetched-not-completed", "kicked-not-fetched", "device-broken",
 * "completed-not-notified", "cannot-tell-from-the-host" */
VLP_API const char *vlp_host_cause_name(enum vlp_host_cause c);

/* The host's side of one queue over the same reads (hostverdict.c): QEMU's
 * indices (struct vlp_host_queue of <vlp/host.h>, one per read, oldest
 * first) beside the ring as read from guest RAM (samples, may be NULL:
 * rings not read). */
struct vlp_host_queue;
struct vlp_host_verdict_input {
	const struct vlp_queue_sample *samples; /* guest RAM, as the verdict's */
	const struct vlp_host_queue *host;      /* QEMU's, the same count */
	size_t nsamples;
	enum vlp_queue_role role;
	bool broken;      /* x-query-virtio-status "broken": virtio_error() stop */
	bool needs_reset; /* device_status has DEVICE_NEEDS_RESET (2.1.2) */
	bool vhost;       /* a vhost backend runs the device: QEMU's own used_idx
			   * and inuse are not the backend's */
};
/* Refines a verdict judged from the same ring samples (vlp_verdict_judge)
 * with QEMU's indices: the cause only the host can name, QEMU's numbers in
 * the evidence.  Where the guest sees the same fact the state keeps the
 * guest's name (device-stalled); a completion not notified needs a witness
 * (EVENT_IDX: used_event behind used.idx, QEMU's signalled_used behind its
 * used_idx), otherwise it is cannot-tell-from-the-host.  Every sample's
 * two reads are compared first (v->motion): where the guest or the device
 * moved between them, a verdict other than not-sampled becomes progressing
 * and no cause is named.  Pure, no I/O. */
VLP_API void vlp_host_verdict_judge(const struct vlp_host_verdict_input *in, struct vlp_verdict *v);
/* The plain numbers of a decoded ring (t and the IRQ are left to the
 * caller). */
VLP_API void vlp_queue_sample_from_ring(const struct vlp_ring *ring, struct vlp_queue_sample *s);

/* ------------------------------------------------------------------ */
/* The rings of a device's queues (rings.c)                           */
/* ------------------------------------------------------------------ */

/* One queue: where its ring is (from the registers of a vlp_state), its
 * name and role for the device type, and what the ring holds. */
struct vlp_queue_ring {
	unsigned index;
	bool legacy;   /* the legacy interface (BAR0) describes it */
	char name[32]; /* "receiveq0", "requestq0", "queue5" */
	enum vlp_queue_role role;
	bool enabled; /* queue_enable 1, or a legacy Queue Address */
	bool vector_valid;
	uint16_t msix_vector; /* queue_msix_vector (VLP_NO_VECTOR: none) */
	struct vlp_ring_params params;
	struct vlp_ring *ring; /* NULL: not read (error says why) */
	char error[200];       /* why this queue's ring was not read */
	/* Sampling (vlp_rings_record, vlp_rings_judge): one entry per read */
	struct vlp_queue_sample *samples;
	size_t nsamples;
	/* A host device (--qmp): QEMU's view of the queue at each of those
	 * reads (host_samples[k] beside samples[k]; valid false: not read) */
	struct vlp_host_queue *host_samples;
	size_t nhost_samples; /* entries of host_samples recorded (<= nsamples) */
	struct vlp_verdict verdict;
	/* Findings only a series of reads can make (ring-used-len, 2.7.8.2) */
	struct vlp_finding *sample_findings;
	size_t nsample_findings;
	/* private to rings.c: avail.idx of the read before the last one */
	uint16_t settled_avail;
	bool settled_valid;
};

struct vlp_rings {
	struct vlp_queue_ring *queues; /* the state's queues, same order */
	size_t nqueues;
	bool legacy;        /* the driver uses the legacy interface */
	const char *source; /* "kcore", "recorded"; NULL: no memory */
	char error[300];    /* why no ring could be read, "" otherwise */
	size_t nsamples;    /* reads recorded (vlp_rings_record) */
	/* Why some queues' rings were left undecoded or decoded in part (the
	 * run's budget ran out, no memory), "" otherwise: the rings shown are
	 * all there is, and the run should end with a failure. */
	char incomplete[300];
	/* private to rings.c: the memory read from, what a sample keeps, the
	 * budget charged (the caller's or own_budget) */
	struct vlp_guestmem *mem;
	unsigned last_used;
	struct vlp_ring_budget *budget;
	struct vlp_ring_budget own_budget;
};

struct vlp_rings_opts {
	/* Live devices: guest memory, normally vlp_guestmem_open_kcore(); NULL
	 * with mem_error saying why it could not be opened.  Snapshots use the
	 * ring memory they recorded. */
	struct vlp_guestmem *mem;
	const char *mem_error;
	unsigned last_used;   /* used entries to keep per ring (0: VLP_RING_LAST_USED) */
	const char *sys_root; /* where sysfs is (tests); NULL: /sys */
	/* The run's decoding budget, shared by every read of the run (it must
	 * outlive the rings read with it); NULL: one for this read alone. */
	struct vlp_ring_budget *budget;
};

/* Reads the ring of every enabled queue of the state (no device access:
 * registers come from state).  A ring that cannot be read is not an error:
 * its error, or the device's when none can be (a dump, no guest memory,
 * ring addresses that are IOVAs), says why.  Neither is the budget running
 * out or memory running short while decoding: what was decoded is kept,
 * the queues not decoded say why, and so does incomplete.  With a snapshot
 * recording started (vlp_snapshot_start), the memory read goes into the
 * snapshot. */
VLP_API int vlp_read_rings(struct vlp_ctx *ctx, struct vlp_device *dev,
			   const struct vlp_layout *layout, const struct vlp_state *state,
			   const struct vlp_rings_opts *opts, struct vlp_rings **out);
/* Reads every ring read before again, from memory only (no register, no
 * BAR access): the next sample.  It judges used.len across the reads it
 * makes (sample_findings). */
VLP_API int vlp_rings_sample(struct vlp_ctx *ctx, struct vlp_rings *rings);
VLP_API void vlp_rings_free(struct vlp_rings *rings);
/* The ring of queue index as the interface legacy (true) or the modern one
 * describes it; NULL when the rings were not read, are the other
 * interface's, or that queue's is not among them. */
VLP_API const struct vlp_queue_ring *vlp_rings_queue(const struct vlp_rings *rings, bool legacy,
						     unsigned index);
/* The negotiated feature words (device's AND driver's) of a state; a word
 * not read counts as 0. */
VLP_API void vlp_state_negotiated(const struct vlp_state *s, uint32_t words[VLP_FEATURE_WORDS]);

#ifdef __cplusplus
}
#endif
#endif /* VLP_VIRTQUEUES_H */
