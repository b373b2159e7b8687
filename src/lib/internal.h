/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Library-internal definitions shared between src/lib files.  Not installed. */
#ifndef VLP_INTERNAL_H
#define VLP_INTERNAL_H

#include "vlp.h"

#define VLP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VLP_BAR_SIZE_UNKNOWN UINT64_MAX
#define VLP_DRIVER_MAX 64
#define VLP_SOURCE_NAME_MAX 256

/* The library context: the last error message (error.c) and the libpci
 * handle for names, made on first use (context.c). */
struct vlp_pcilib;
struct vlp_ctx {
	char error[512];
	struct vlp_pcilib *names; /* names-only handle (pci.ids); NULL until used */
};

/* Field table rows with designated initializers: members not named are 0.
 * FIELD64: a 64-bit value read as two 32-bit halves, low at off, high at hi
 * (4.1.3: "treated as two 32-bit fields"). */
#define FIELD(n, off, w, acc, fl, nm, hlp)                                                         \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = w, .access = acc, .flags = fl,   \
		.names = nm, .help = hlp                                                           \
	}
#define FIELD64(n, off, hi, acc, fl, hlp)                                                          \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = 4, .hi_offset = hi,              \
		.access = acc, .flags = fl, .help = hlp                                            \
	}
/* A table with exactly one row per value of its row enum (vlp.h). */
#define ROWS_MATCH(arr, n)                                                                         \
	_Static_assert(VLP_ARRAY_SIZE(arr) == (n), #arr ": one row per enum value")
#define NAMES(kind, arr)                                                                           \
	{                                                                                          \
		kind, arr, VLP_ARRAY_SIZE(arr)                                                     \
	}
#define TABLE(tname, arr, sz)                                                                      \
	{                                                                                          \
		tname, arr, VLP_ARRAY_SIZE(arr), sz                                                \
	}

/* Device configuration tables (devcfg.c) and feature bit names
 * (features.c) of the device types; types.c, the registry, points to them. */
extern const struct vlp_field_table vlp_config_net;
extern const struct vlp_field_table vlp_config_blk;
extern const struct vlp_field_table vlp_config_console;
extern const struct vlp_field_table vlp_config_balloon;
extern const struct vlp_field_table vlp_config_scsi;
extern const struct vlp_field_table vlp_config_p9;
extern const struct vlp_field_table vlp_config_gpu;
extern const struct vlp_field_table vlp_config_input;
extern const struct vlp_field_table vlp_config_crypto;
extern const struct vlp_field_table vlp_config_vsock;
extern const struct vlp_field_table vlp_config_fs;
extern const struct vlp_field_table vlp_config_rpmb;
extern const struct vlp_field_table vlp_config_iommu;
extern const struct vlp_field_table vlp_config_sound;
extern const struct vlp_field_table vlp_config_mem;
extern const struct vlp_field_table vlp_config_gpio;
extern const struct vlp_field_table vlp_config_pmem;
extern const struct vlp_field_table vlp_config_can;
extern const struct vlp_field_table vlp_config_spi;
extern const struct vlp_field_table vlp_config_media;
extern const struct vlp_names vlp_features_net;
extern const struct vlp_names vlp_features_blk;
extern const struct vlp_names vlp_features_console;
extern const struct vlp_names vlp_features_balloon;
extern const struct vlp_names vlp_features_scsi;
extern const struct vlp_names vlp_features_p9;
extern const struct vlp_names vlp_features_gpu;
extern const struct vlp_names vlp_features_crypto;
extern const struct vlp_names vlp_features_vsock;
extern const struct vlp_names vlp_features_fs;
extern const struct vlp_names vlp_features_iommu;
extern const struct vlp_names vlp_features_sound;
extern const struct vlp_names vlp_features_mem;
extern const struct vlp_names vlp_features_i2c;
extern const struct vlp_names vlp_features_scmi;
extern const struct vlp_names vlp_features_gpio;
extern const struct vlp_names vlp_features_pmem;
extern const struct vlp_names vlp_features_can;
extern const struct vlp_names vlp_features_rtc;

/* pcicfg.c: the bits of the PCI Command register (PCI Local Bus 3.0,
 * 6.2.2) as rows (offset and width the register's), for the library's own
 * writes (bus mastering for queues in user memory, vq.c). */
enum vlp_pci_command_row {
	VLP_CMD_IO_SPACE,
	VLP_CMD_MEMORY_SPACE,
	VLP_CMD_BUS_MASTER,
	VLP_CMD_COUNT
};
const struct vlp_field_table *vlp_pci_command_table(void);

struct pci_dev;
struct vlp_pcilib;
struct vlp_bars;            /* bar.c: open BAR access */
struct vlp_snapshot;        /* records.c: recorded register reads */
struct vlp_monitor_records; /* core/monitor.h: monitor exchanges kept */

/* What may be written, and who is told of each access (bar.c). */
struct vlp_write_policy {
	bool writable;           /* registers other than selectors, and config space */
	bool dry_run;            /* writes go to the trace only */
	int refusal_err;         /* errno when !writable: EBUSY (driver bound) or EROFS */
	char write_refusal[400]; /* why !writable, one line */
	vlp_trace_fn trace;
	void *trace_arg;
};

struct vlp_device {
	struct vlp_slot slot;
	enum vlp_origin origin;
	enum vlp_config_limit limit;
	unsigned config_size; /* 64, 256 or 4096 */
	uint8_t config[VLP_CONFIG_MAX];
	uint8_t valid[VLP_CONFIG_MAX / 8]; /* bit i set: config[i] was read */
	uint64_t bar_size[VLP_NUM_BARS];   /* VLP_BAR_SIZE_UNKNOWN when unknown */
	char driver[VLP_DRIVER_MAX];       /* "" when unknown or none */
	/* live: the libpci device and handle, valid while the source is open */
	struct pci_dev *pci_dev;
	struct vlp_pcilib *pci;
	/* BAR access (vlp_device_open_bars) and what it cost */
	struct vlp_bars *bars;
	/* set by the BAR backend that opened them (bar.c), so that the handle,
	 * which sits below every backend, can close them without knowing them */
	void (*close_bars)(struct vlp_device *dev);
	struct vlp_access_stats stats;
	struct vlp_write_policy policy;
	/* snapshot: register reads recorded at capture time (from a dump), or
	 * being recorded now (for vlp_snapshot_write) */
	struct vlp_snapshot *snapshot;
	struct vlp_snapshot *recording;
	/* host devices (VLP_ORIGIN_HOST, source/hostsrc.c): the VM's monitor
	 * (a reference of the device's own), the QOM path of its virtio
	 * backend, the monitor exchanges that listed it and read it (kept
	 * for --save; a host snapshot's replay reads them back), and guest
	 * memory over the monitor, opened on the first ring read */
	struct vlp_monitor *monitor;
	char *qom_path;
	struct vlp_monitor_records *host_records;
	struct vlp_guestmem *host_mem;
};

/* Offset of a row: register offsets come from the field tables, the one
 * place they are written down; rows are named by their enum. */
/* The member of h that holds a row of vlp_pci_header_table() (pcicfg.c). */
struct vlp_val *vlp_header_slot(struct vlp_header *h, enum vlp_pci_header_row row);

#define COMMON_OFF(row) (vlp_common_cfg_table()->fields[row].offset)
#define LEGACY_OFF(row) (vlp_legacy_header_table()->fields[row].offset)
#define INPUT_OFF(row) (vlp_device_config_table(VLP_ID_INPUT)->fields[row].offset)

/* util.c: room for element count of an array of *alloc elements of elem
 * bytes, doubling (first when empty); -ENOMEM keeps the old array. */
int vlp_grow(void **arr, size_t *alloc, size_t count, size_t elem, size_t first);
/* Appends a finding with its message formatted from fmt; NULL when out of
 * memory. */
struct vlp_finding *vlp_findings_append(struct vlp_finding **arr, size_t *count, size_t *alloc,
					const char *check, enum vlp_severity sev,
					const char *section, int position, const char *fmt,
					va_list ap) __attribute__((format(printf, 8, 0)));

/* host.c: asking Linux, the library's side (vlp.h has the faces' side).
 * sys_root, proc_root: where sysfs and procfs are (tests), NULL: /sys and
 * /proc. */
const char *vlp_host_sys(const char *sys_root);
const char *vlp_host_proc(const char *proc_root);
/* "PROC/leaf" ("interrupts", "irq/5/smp_affinity_list"). */
void vlp_host_proc_path(char *buf, size_t len, const char *proc_root, const char *leaf);
/* "SYS/bus/pci/drivers_probe": writing a slot's name there binds a driver. */
void vlp_host_probe_path(char *buf, size_t len, const char *sys_root);
/* "SYS/bus/pci/drivers/DRIVER/unbind": writing a slot's name there unbinds it. */
void vlp_host_unbind_path(char *buf, size_t len, const char *sys_root, const char *driver);
/* /proc/self/pagemap (physical addresses of this process's pages) and
 * /proc/sys/vm/nr_hugepages (the huge pages Linux keeps). */
const char *vlp_host_pagemap_path(void);
const char *vlp_host_hugepages_path(void);
/* True when an IOMMU translates the device's DMA addresses: it is in an
 * IOMMU group (sysfs under sys_root) whose type is not identity; group and
 * type get the group's number and type ("" unknown). */
bool vlp_iommu_translates(const char *sys_root, const struct vlp_slot *slot, char *group,
			  size_t glen, char *type, size_t tlen);
/* rings.c: true (and why, in why) when the device's ring addresses are
 * IOVAs: VIRTIO_F_ACCESS_PLATFORM negotiated and an IOMMU group whose type
 * is not identity (sysfs under sys_root, NULL: /sys). */
bool vlp_rings_iova(const char *sys_root, const struct vlp_slot *slot, uint64_t negotiated,
		    char *why, size_t len);

/* access.c: the spec's access rules, shared by state.c, regs.c and bar.c. */
#define VLP_GENERATION_TRIES 5
/* The feature set rules read: device & driver (the decision is in access.c). */
void vlp_features_negotiated(const uint32_t device[VLP_FEATURE_WORDS],
			     const uint32_t driver[VLP_FEATURE_WORDS],
			     uint32_t out[VLP_FEATURE_WORDS]);
/* 4.1.4.4: bar, offset and width of a queue's notification (value not
 * set); *inside: within the structure (4.1.4.4.1).  -ENOENT: no usable
 * notification capability. */
struct vlp_notify;
int vlp_notify_address(const struct vlp_layout *l, uint64_t queue_notify_off,
		       const uint32_t negotiated[VLP_FEATURE_WORDS], struct vlp_notify *out,
		       bool *inside);
/* read(arg) between two equal config_generation reads at (gen_bar,
 * gen_off): 0, -EAGAIN after VLP_GENERATION_TRIES, or the first error. */
int vlp_read_consistent(struct vlp_device *dev, unsigned gen_bar, uint64_t gen_off,
			int (*read)(void *arg), void *arg, unsigned *retries);
struct vlp_sel_save {
	unsigned bar;
	uint64_t off;
	unsigned width;
	uint32_t saved, current;
	bool moved;
};
void vlp_selector_init(struct vlp_sel_save *s, unsigned bar, uint64_t off, unsigned width,
		       uint32_t value);
int vlp_selector_save(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width,
		      struct vlp_sel_save *s);
int vlp_selector_move(struct vlp_device *dev, struct vlp_sel_save *s, uint32_t want);
int vlp_selector_restore(struct vlp_device *dev, struct vlp_sel_save *s);

/* bar.c: a selector write made to read a selector-dependent register (and
 * undone afterwards): made even in dry-run, refused when passive. */
int vlp_bar_select(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width, uint32_t val);
/* bar.c: why direct (sysfs) access failed for some BAR, or NULL. */
const char *vlp_bars_why(const struct vlp_device *dev);
/* vlp_device_open_bars, with why no BAR could be opened into reason
 * (without the "no BAR access" the message says; reason may be NULL). */
int vlp_bars_open_why(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
		      const struct vlp_bar_opts *opts, char *reason, size_t reason_len);

/* records.c: the store behind snapshots */
struct vlp_snapshot *vlp_snapshot_new(void);
void vlp_snapshot_free(struct vlp_snapshot *snap);
/* Adds a read: key (bar, off, width, selector value or -1) -> value.  A
 * later read of the same key replaces the value. */
int vlp_snapshot_add(struct vlp_snapshot *snap, unsigned bar, uint64_t off, unsigned width,
		     int64_t selector, uint32_t value);
int vlp_snapshot_lookup(const struct vlp_snapshot *snap, unsigned bar, uint64_t off, unsigned width,
			int64_t selector, uint32_t *value);
/* true when [pa, pa + len) is not empty and ends at 2^64 at most. */
bool vlp_snapshot_range_fits(uint64_t pa, size_t len);
/* Guest memory bytes read for the rings, kept with a recording (--save)
 * and replayed from a snapshot's "# vlp-mem" lines: -ERANGE when the
 * range runs past 2^64, -EFBIG past VLP_MEM_MAX bytes in all. */
int vlp_snapshot_add_mem(struct vlp_snapshot *snap, uint64_t pa, const void *bytes, size_t len);
/* A line of the input refused alone: "name:line: why", kept with the
 * snapshot for vlp_device_warning (the first few word for word, then a
 * count). */
void vlp_snapshot_warn(struct vlp_snapshot *snap, const char *name, unsigned long line,
		       const char *why);
/* The snapshot's ring memory as a recorded guest memory (owned by the
 * device), NULL when it holds none. */
struct vlp_guestmem *vlp_snapshot_guestmem(struct vlp_device *dev);

/* snapshot.c: the text format.  One "# vlp-..." line, line number lineno
 * of the dump name, into dev (the device being read, NULL between devices:
 * after_device tells after one from before the first).  0, also for a line
 * refused alone (a bad "# vlp-mem" range: a warning of dev); -EINVAL with
 * "name:line: problem" for a malformed line or one outside a device. */
int vlp_snapshot_dump_line(struct vlp_ctx *ctx, struct vlp_device *dev, bool after_device,
			   const char *line, const char *name, unsigned long lineno);

/* Allocates a device with no valid bytes, unknown BAR sizes, no driver. */
struct vlp_device *vlp_device_alloc(void);
/* Copy bytes into config space at off and mark them valid; grows
 * config_size to 64/256/4096 to cover them.  off+len must be <= 4096. */
void vlp_device_set_bytes(struct vlp_device *dev, unsigned off, const uint8_t *bytes, unsigned len);
void vlp_device_set_driver(struct vlp_device *dev, const char *driver);

/* Record a one-line message in ctx and return -err (err is a positive errno).
 * Every failing public function goes through this. */
int vlp_error(struct vlp_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Slot criteria only: lets a live source skip devices before reading
 * their config space. */
bool vlp_filter_match_slot_only(const struct vlp_filter *f, const struct vlp_slot *slot);

/* Virtio PCI IDs (4.1.2): vendor 0x1af4, device 0x1000-0x107f. */
static inline bool vlp_is_virtio_id(uint16_t vendor, uint16_t device)
{
	return vendor == VLP_VIRTIO_VENDOR && device >= VLP_VIRTIO_DEVICE_FIRST &&
	       device <= VLP_VIRTIO_DEVICE_LAST;
}

/* Dump reader: parses a dump stream into devices, one at a time, keeping
 * memory flat however long the input.  Errors name the input and the line. */
struct vlp_dump_reader;
int vlp_dump_reader_open(struct vlp_ctx *ctx, const char *path, enum vlp_dump_format fmt,
			 struct vlp_dump_reader **out);
/* Same, over an already open stream (name is used in messages; the stream
 * is not closed by the reader). */
int vlp_dump_reader_open_stream(struct vlp_ctx *ctx, FILE *stream, const char *name,
				enum vlp_dump_format fmt, struct vlp_dump_reader **out);
/* 1: *out is a new device (origin VLP_ORIGIN_DUMP); 0: end of input;
 * <0: error with message in ctx (an input that holds no device at all is
 * one: -EINVAL, "NAME: no device in the dump (why)"). */
int vlp_dump_reader_next(struct vlp_dump_reader *r, struct vlp_device **out);
void vlp_dump_reader_close(struct vlp_dump_reader *r);

/* Host source (source/hostsrc.c): a VM's virtio devices through its
 * monitor (x-query-virtio joined with query-pci).  open takes a reference
 * of the monitor; next gives devices in slot order (1, 0 at the end, <0). */
struct vlp_host_source;
int vlp_host_source_open(struct vlp_ctx *ctx, struct vlp_monitor *mon, struct vlp_host_source **out);
int vlp_host_source_next(struct vlp_host_source *hs, const struct vlp_filter *f, bool virtio_only,
			 unsigned *skipped, struct vlp_device **out);
void vlp_host_source_close(struct vlp_host_source *hs);
/* A host snapshot's device (qom_path and host_records from its "# vlp-host"
 * and "# vlp-qmp" lines) made a host device again by replaying its
 * recorded exchanges through the same listing code; name: the input's. */
int vlp_host_replay(struct vlp_ctx *ctx, const char *name, struct vlp_device *dev);

/* state/hoststate.c: a host device's state from its monitor into s
 * (allocated and, on failure, freed by the caller, vlp_read_state). */
int vlp_host_state_fill(struct vlp_ctx *ctx, struct vlp_device *dev,
			const struct vlp_state_opts *opts, struct vlp_state *s);
/* QEMU's view of queue q again (one x-query-virtio-queue-status, and the
 * vhost backend's when vhost): for the sampler's reads after the first.
 * 0 (out->valid false when QEMU refused the queue) or -errno. */
int vlp_host_queue_status(struct vlp_ctx *ctx, const struct vlp_device *dev, unsigned q, bool vhost,
			  struct vlp_host_queue *out);

/* ------------------------------------------------------------------ */
/* Entry points below the public API: the library's own files and its
 * unit tests call them; not installed, not exported from libvlp.so.  By
 * the topic header (vlp/) whose types they take.                        */
/* ------------------------------------------------------------------ */

/* below vlp/checks.h */
const struct vlp_check *vlp_check_find(const char *id); /* NULL unknown */
int vlp_check_device(struct vlp_ctx *ctx, const struct vlp_device *dev,
		     const struct vlp_layout *layout, const struct vlp_state *state,
		     const char *no_state_reason, struct vlp_check_report **out);

/* The per-type exercise checks' judgements (checkextypes.c): pure, what
 * the device answered in, the outcome and its evidence out. */
struct vlp_extype_verdict {
	bool not_run; /* nothing to judge: evidence says why */
	bool failed;  /* severity then says how badly */
	enum vlp_severity severity;
	char evidence[240];
};
void vlp_extype_flush_wce(const uint32_t offered[VLP_FEATURE_WORDS], struct vlp_extype_verdict *v);
void vlp_extype_ro_write(uint8_t status, const uint8_t *before, const uint8_t *after, size_t n,
			 struct vlp_extype_verdict *v);
void vlp_extype_get_id(uint8_t status, const uint8_t id[VLP_BLK_ID_BYTES],
		       struct vlp_extype_verdict *v);
void vlp_extype_unsupported(uint32_t type, uint8_t status, struct vlp_extype_verdict *v);
void vlp_extype_out_of_range(uint64_t sector, uint64_t capacity, uint8_t status,
			     struct vlp_extype_verdict *v);
/* hdr: the received buffer (struct virtio_net_hdr first), len its used length */
void vlp_extype_num_buffers(const uint8_t *hdr, uint32_t len, struct vlp_extype_verdict *v);
void vlp_extype_mac_set(const uint8_t set[6], const uint8_t after[6], uint8_t ack,
			struct vlp_extype_verdict *v);
/* status: device_status read after the writes to emerg_wr */
void vlp_extype_emerg_write(uint64_t status, struct vlp_extype_verdict *v);
/* wrote: the sense_size and cdb_size read back after the driver wrote
 * other sizes, or NULL when it wrote none (--config-writes not given) */
void vlp_extype_scsi_sizes(uint64_t sense, uint64_t cdb, const uint64_t *wrote,
			   struct vlp_extype_verdict *v);
void vlp_extype_bad_target(unsigned target, uint8_t response, struct vlp_extype_verdict *v);
/* status: device_status; config_pending: the config vector's pending bit
 * (MSI-X), or isr the ISR status (-1: not read) */
void vlp_extype_needs_reset(uint64_t status, int config_pending, int isr, struct vlp_extype_verdict *v);

/* below vlp/devices.h */
int vlp_cfg_u8(const struct vlp_device *dev, unsigned off, uint8_t *val);
int vlp_cfg_u16(const struct vlp_device *dev, unsigned off, uint16_t *val);
int vlp_cfg_u32(const struct vlp_device *dev, unsigned off, uint32_t *val);
/* BAR size when known (live: sysfs resource; dump: lspci's "[size=...]");
 * -ENODATA when unknown. */
int vlp_device_bar_size(const struct vlp_device *dev, unsigned bar, uint64_t *size);
/* Build a device from bytes (tests, fuzzers, other front ends).  valid may be
 * NULL (all len bytes valid).  bar_sizes may be NULL (all unknown); an entry
 * of UINT64_MAX means unknown. */
int vlp_device_from_bytes(struct vlp_ctx *ctx, const struct vlp_slot *slot, const uint8_t *bytes,
			  const uint8_t *valid, unsigned len, const uint64_t *bar_sizes,
			  struct vlp_device **out);
const char *vlp_dump_format_name(enum vlp_dump_format fmt);
/* A device matches when it matches any slot criterion added and any id
 * criterion added (a kind with no criterion matches everything). */
bool vlp_filter_match(const struct vlp_filter *f, const struct vlp_device *dev);

/* below vlp/driving.h */
/* The search alone, against any "accepted?" oracle: the full offered set
 * first; when refused, the pinned bits alone (or none) as a base grown by
 * bisection to the largest accepted set, the bits that cannot be added
 * being "rejected"; then bisection over the accepted set's bits for the
 * "required" ones.  Pinned bits stay in every bisection candidate (a
 * driver must accept VIRTIO_F_VERSION_1, 6.1, and devices skip checks
 * without it) and are tested one by one.  Each found bit is confirmed by
 * a candidate of its own.  -E2BIG past max_tries candidates. */
int vlp_negotiate_search(struct vlp_ctx *ctx, const uint32_t offered[VLP_FEATURE_WORDS],
			 const uint32_t pinned[VLP_FEATURE_WORDS], unsigned max_tries,
			 vlp_negotiate_try_fn try_fn, void *arg, struct vlp_negotiate_result *out);
/* One candidate on the device (3.1.1): reset (read back as 0),
 * ACKNOWLEDGE, DRIVER, every driver feature word, FEATURES_OK, then
 * device_status read back (*status_out, may be NULL).  Needs the modern
 * interface (the legacy one has no FEATURES_OK) and writable BAR access.
 * Leaves the device mid-initialization: the caller resets it. */
int vlp_negotiate_try(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
		      const uint32_t words[VLP_FEATURE_WORDS], bool *accepted, uint8_t *status_out);
int vlp_dma_alloc(struct vlp_ctx *ctx, size_t len, enum vlp_dma_kind kind, uint64_t plain_base,
		  struct vlp_dma **out);
void *vlp_dma_ptr(const struct vlp_dma *m);
size_t vlp_dma_len(const struct vlp_dma *m);
/* len bytes, zeroed.  VLP_DMA_HUGETLB or _LOCKED: a huge page when len is
 * above a page and the pool has one, else locked pages; physical addresses
 * from /proc/self/pagemap (-EPERM with the reason when it hides them: not
 * root).  VLP_DMA_PLAIN: addresses are plain_base + offset. */
enum vlp_dma_kind vlp_dma_kind(const struct vlp_dma *m);
int vlp_dma_pa(struct vlp_ctx *ctx, const struct vlp_dma *m, size_t off, size_t len, uint64_t *pa);
/* The physical address of len bytes at off: -ENOSPC when they are not
 * physically contiguous, -ERANGE outside the allocation. */
void vlp_dma_free(struct vlp_dma *m);
/* 0 when the device sees physical addresses: no IOMMU group, or a group of
 * type identity (sysfs, sys_root NULL: /sys); -EOPNOTSUPP with the reason
 * when an IOMMU translates (the addresses would be IOVAs). */
int vlp_dma_check_device(struct vlp_ctx *ctx, const struct vlp_slot *slot, const char *sys_root);
int vlp_vq_new(struct vlp_ctx *ctx, unsigned size, enum vlp_ring_format format, uint64_t features,
	       enum vlp_dma_kind kind, uint64_t plain_base, struct vlp_vq **out);
uint8_t *vlp_vq_area(struct vlp_vq *vq, enum vlp_vq_area a);
/* Makes one buffer of len bytes available (data_len bytes of data copied
 * into it): a descriptor, device-writable or not, then avail (2.7.13,
 * 2.8.21).  *id: the buffer id the used entry will carry. */
int vlp_vq_post(struct vlp_ctx *ctx, struct vlp_vq *vq, bool device_writable, const void *data,
		size_t data_len, size_t len, unsigned *id);
/* Makes a chain of n buffers available as one (split: 2.7.5 NEXT;
 * packed: n descriptors in the next slots, 2.8.6); device-writable
 * buffers last (2.7.4.2).  *id: the head (packed: the Buffer ID), which
 * the used entry will carry. */
int vlp_vq_post_chain(struct vlp_ctx *ctx, struct vlp_vq *vq, const struct vlp_vq_seg *segs,
		      unsigned n, unsigned *id);
/* Makes one indirect table of n buffers available (split 2.7.5.3,
 * packed 2.8.7): the table and its buffers in one page, one descriptor
 * with VIRTQ_DESC_F_INDIRECT in the ring (packed: one slot).  The used entry's seg_data
 * are the table's buffers.  Only where VIRTIO_F_INDIRECT_DESC was
 * negotiated (the caller's to know). */
int vlp_vq_post_indirect(struct vlp_ctx *ctx, struct vlp_vq *vq, const struct vlp_vq_seg *segs,
			 unsigned n, unsigned *id);
/* Holds the buffers posted back: written but not available until
 * released, so a caller can change their descriptors, or take a copy of
 * the ring, before the device may read them.  Releasing writes avail.idx
 * (split, 2.7.13.3) or each list's first flags in the order posted
 * (packed, 2.8.21). */
int vlp_vq_hold(struct vlp_ctx *ctx, struct vlp_vq *vq, bool hold);
/* Packed, held: the flags slot's first descriptor gets at the release
 * (-ENOENT: no list held there). */
int vlp_vq_held_flags(const struct vlp_vq *vq, unsigned slot, uint16_t *flags);
/* The memory of descriptor id (NULL: none; *len the length posted). */
const uint8_t *vlp_vq_buf(const struct vlp_vq *vq, unsigned id, uint32_t *len);
/* Avail flags 0 or VIRTQ_AVAIL_F_NO_INTERRUPT (2.7.7) on a split ring
 * without VIRTIO_F_EVENT_IDX, the Driver Event Suppression flags ENABLE or
 * DISABLE (2.8.10) on a packed ring (-ENOTSUP otherwise; q names the
 * queue). */
int vlp_vq_notifications(struct vlp_ctx *ctx, struct vlp_vq *vq, unsigned q, bool on);
/* With VIRTIO_F_EVENT_IDX (-ENOTSUP otherwise), a notification asked for
 * when the device uses position v only: split, used_event set to v
 * (2.7.7.2; the next reap moves it far ahead again); packed, the Driver
 * Event Suppression RING_EVENT_FLAGS_DESC at off_wrap v (2.8.10; it stays
 * until vlp_vq_notifications). */
int vlp_vq_used_event(struct vlp_ctx *ctx, struct vlp_vq *vq, unsigned q, uint16_t v);
/* Where a split ring with VIRTIO_F_EVENT_IDX keeps used_event: this far
 * past the used entries seen, so the device would interrupt only after
 * 32768 more (2.7.7.2), more than can be in flight. */
#define VLP_VQ_USED_EVENT_AHEAD 0x7fffu
/* Where the device's next used entry goes: split, the used.idx after
 * the entries reaped; packed, the slot with the wrap counter in bit 15. */
uint16_t vlp_vq_next_used(const struct vlp_vq *vq);
/* Where the driver's next buffer goes, as VIRTIO_F_NOTIFICATION_DATA
 * carries it (4.1.5.2). */
uint16_t vlp_vq_next_avail(const struct vlp_vq *vq);
/* Takes the used entries that arrived (at most max): -EPROTO when the
 * device returned an id not in flight or moved used.idx too far. */
int vlp_vq_reap(struct vlp_ctx *ctx, struct vlp_vq *vq, struct vlp_vq_used *out, size_t max, size_t *n);
int vlp_vq_add_to_guestmem(struct vlp_ctx *ctx, const struct vlp_vq *vq, struct vlp_guestmem *mem);
/* Copies the rings and buffers into recorded guest memory (vlp_ring_read). */
void vlp_vq_free(struct vlp_vq *vq);
unsigned vlp_vqs_count(const struct vlp_vqs *vqs); /* num_queues */
int vlp_vqs_post_chain(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q,
		       const struct vlp_vq_seg *segs, unsigned n, unsigned *id);
int vlp_vqs_post_indirect(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q,
			  const struct vlp_vq_seg *segs, unsigned n, unsigned *id);
int vlp_vqs_hold(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q, bool hold);
int vlp_vqs_held_flags(struct vlp_vqs *vqs, unsigned q, unsigned slot, uint16_t *flags);
/* Asks for used buffer notifications on queue q (split: avail flags 0,
 * 2.7.7; packed: event flags ENABLE, 2.8.10) or suppresses them again:
 * -ENOTSUP on a split ring with VIRTIO_F_EVENT_IDX. */
int vlp_vqs_notifications(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q, bool on);
int vlp_vqs_used_event(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q, uint16_t idx);
uint16_t vlp_vqs_next_used(const struct vlp_vqs *vqs, unsigned q); /* 0: no queue q */
/* Ring area a of queue q (NULL: not set up), and the memory of its
 * descriptor id (NULL: none; *len the length posted), for checks that
 * watch what the device writes there (checkexrings.c). */
uint8_t *vlp_vqs_area(struct vlp_vqs *vqs, unsigned q, enum vlp_vq_area a);
const uint8_t *vlp_vqs_buf(const struct vlp_vqs *vqs, unsigned q, unsigned id, uint32_t *len);
/* The name of the test a device type gets ("init" for initialization and
 * reset only). */
const char *vlp_selftest_test_name(unsigned device_type);
/* A block request's header (5.2.6): type, reserved 0, sector, little-endian. */
void vlp_selftest_blk_header(uint8_t hdr[VLP_SELFTEST_BLK_HDR], uint32_t type, uint64_t sector);
/* The self-test's frame with its virtio_net_hdr (5.1.6) into buf: the
 * bytes written, 0 when len is too small. */
size_t vlp_selftest_net_frame(uint8_t *buf, size_t len, const uint8_t mac[6]);
/* A virtio-scsi request's lun field (5.6.6.1) for target and LUN. */
void vlp_selftest_scsi_lun(uint8_t lun[8], unsigned target, unsigned lun_number);
/* 3.1.1 step 7: gives queue q a ring in the memory of vqs (vq.c) and
 * enables it; size 0: the device's maximum (at most VLP_VQ_SIZE_MAX). */
int vlp_drive_queue_setup(struct vlp_drive *d, struct vlp_vqs *vqs, unsigned q, unsigned size,
			  const struct vlp_vq_info **info);

/* below vlp/linux.h */
/* Guest memory read by another backend (linux/guestmem_qmp.c): reader gets
 * reads already checked to lie inside one range added with
 * vlp_guestmem_add_ram; reader_free(impl) at vlp_guestmem_free (and on
 * failure here).  kind: what vlp_guestmem_kind says ("qmp"). */
typedef int (*vlp_guestmem_reader_fn)(struct vlp_ctx *ctx, void *impl, uint64_t pa, void *buf,
				      size_t len);
int vlp_guestmem_new_reader(struct vlp_ctx *ctx, const char *kind, vlp_guestmem_reader_fn reader,
			    void (*reader_free)(void *impl), void *impl, struct vlp_guestmem **out);
int vlp_guestmem_add_ram(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa, uint64_t len);
void vlp_guestmem_set_kind(struct vlp_guestmem *mem, const char *kind); /* a static string */
/* A VM's RAM through its monitor (guestmem_qmp.c): only the ranges that
 * the VM's memory map ("info mtree -f", address space "memory") calls
 * "ram" (never MMIO: reading a device region has side effects); reads by
 * pmemsave into a private temporary file when QEMU can write it there and
 * this process read it (tried at open), else by HMP "xp".  Takes a
 * reference of the monitor.  Its kind says which: "qmp-pmemsave",
 * "qmp-xp". */
int vlp_guestmem_open_monitor(struct vlp_ctx *ctx, struct vlp_monitor *mon, struct vlp_guestmem **out);

/* An empty recorded memory; add ranges with vlp_guestmem_add_range. */
int vlp_guestmem_new_recorded(struct vlp_ctx *ctx, struct vlp_guestmem **out);
/* Copies len bytes at guest-physical pa (recorded memory only). */
int vlp_guestmem_add_range(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa,
			   const void *bytes, size_t len);
int vlp_guestmem_read(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa, void *buf,
		      size_t len);
/* Reads len (1..VLP_GUESTMEM_READ_MAX) bytes at pa: 0, or -EFAULT when the
 * range is not wholly inside one segment/range (kcore: -EACCES when
 * /proc/iomem calls it "Reserved", the firmware's), -E2BIG above the
 * maximum, -EIO on a failed read; the message names the address. */
/* A reader's memory (a VM's RAM through its monitor): read [pa, pa+len)
 * in one request and serve the reads wholly inside it from that copy until
 * the next call; len 0 (or a range not wholly inside one RAM range, or
 * above VLP_GUESTMEM_WINDOW_MAX) drops the copy.  A failed window read is
 * not an error: the reads then go to the reader one by one.  Other kinds
 * of memory ignore it. */
#define VLP_GUESTMEM_WINDOW_MAX (64u << 10)
void vlp_guestmem_window(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa, size_t len);
void vlp_guestmem_set_record(struct vlp_guestmem *mem, vlp_guestmem_record_fn fn, void *arg);
/* Bytes served by vlp_guestmem_read so far. */
uint64_t vlp_guestmem_bytes_read(const struct vlp_guestmem *mem);
size_t vlp_guestmem_range_count(const struct vlp_guestmem *mem);
/* The readable ranges (kcore segments or recorded ranges), in order of
 * addition; vlp_guestmem_range_at gives -ERANGE past the end. */
int vlp_guestmem_range_at(const struct vlp_guestmem *mem, size_t i, uint64_t *pa, uint64_t *len);
const char *vlp_guestmem_kind(const struct vlp_guestmem *mem);
/* "SYS/bus/pci/devices/SLOT", with "/leaf" when leaf is not NULL; returns
 * what snprintf returns. */
int vlp_host_slot_path(char *buf, size_t len, const char *sys_root, const struct vlp_slot *slot,
		       const char *leaf);
/* Linux's physical memory as an ELF core: /proc/kcore. */
const char *vlp_host_kcore_path(void);
const char *vlp_host_iomem_path(void);
bool vlp_host_iomem_name(const char *path, uint64_t first, uint64_t last, char *name, size_t len);
/* Where a kcore reader learns what a range that is not System RAM is
 * (open_kcore: /proc/iomem for /proc/kcore, none for another file). */
void vlp_guestmem_set_iomem(struct vlp_guestmem *mem, const char *path);

/* below vlp/registers.h */
/* How one BAR is reached: "mmap", "pio", "window", "snapshot", or NULL. */
const char *vlp_device_bar_backend(const struct vlp_device *dev, unsigned bar);
/* true when (bar, off) is a selector register (feature or queue select). */
bool vlp_bar_is_selector(const struct vlp_device *dev, unsigned bar, uint64_t off);
/* Device features (bits 0..127) as read; false when not read. */
bool vlp_state_feature(const struct vlp_state *s, bool driver, unsigned bit, bool *on);
/* Writes 0 to device_status and waits up to timeout_ms for it to read 0
 * (4.1.4.3.2); -ETIMEDOUT otherwise. */
int vlp_device_reset(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
		     unsigned timeout_ms, unsigned *waited_ms);

/* below vlp/sampling.h */
/* Appends what every read queue shows now to its samples (t in seconds;
 * irqs: Linux's counts now, NULL when unknown: the count of the IRQ of
 * each queue's vector). */
int vlp_rings_record(struct vlp_ctx *ctx, struct vlp_rings *rings, const struct vlp_irqs *irqs,
		     double t);
/* Each queue's verdict over its samples; the MSI-X mask and pending bits
 * come from state (the first read).  unsampled_why, when not NULL, makes
 * every verdict not-sampled with that reason. */
void vlp_rings_judge(struct vlp_rings *rings, const struct vlp_state *state, const char *unsampled_why);

/* below vlp/tables.h */
/* Read a field from config space at base; -ENODATA when bytes are missing. */
int vlp_field_read_config(const struct vlp_device *dev, unsigned base,
			  const struct vlp_field *field, uint64_t *val);
/* Look a field up by name or JSON key; NULL if absent. */
const struct vlp_field *vlp_field_find(const struct vlp_field_table *table, const char *name);
/* The virtio capability structures (4.1.4): the table that applies to a
 * cfg_type (the generic virtio_pci_cap for reserved types). */
const struct vlp_field_table *vlp_virtio_cap_table(uint8_t cfg_type);
const struct vlp_field_table *vlp_isr_table(void); /* 4.1.4.5 */
/* The registry row of a device ID, NULL when the ID is unknown. */
const struct vlp_device_type *vlp_device_type(unsigned id);
/* The table of a PCI capability ID (MSI-X, PM, PCIe); NULL for others. */
const struct vlp_field_table *vlp_pci_cap_table(uint8_t cap_id);
/* Device-specific configuration layout of a virtio device type (chapter 5),
 * NULL when the type has none or it is not described. */
const struct vlp_field_table *vlp_device_config_table(unsigned device_type);

/* below vlp/virtqueues.h */
const struct vlp_field_table *vlp_split_desc_table(void);     /* virtq_desc, 2.7.5 */
const struct vlp_field_table *vlp_avail_table(void);          /* virtq_avail, 2.7.6 */
const struct vlp_field_table *vlp_used_table(void);           /* virtq_used, 2.7.8 */
const struct vlp_field_table *vlp_used_elem_table(void);      /* virtq_used_elem, 2.7.8 */
const struct vlp_field_table *vlp_packed_desc_table(void);    /* pvirtq_desc, 2.8.13 */
const struct vlp_field_table *vlp_event_suppress_table(void); /* pvirtq_event_suppress, 2.8.14 */
/* Offset of a row in a ring structure of queue_size entries. */
unsigned vlp_ring_field_offset(const struct vlp_field_table *table, const struct vlp_field *field,
			       unsigned queue_size);
/* Reads a field (width 1, 2, 4 or 8, little-endian) from the bytes of a
 * structure that starts at base (the caller has read the bytes it spans). */
uint64_t vlp_field_read_mem(const struct vlp_field *field, const uint8_t *base);
/* Writes it there, little-endian in its width. */
void vlp_field_write_mem(const struct vlp_field *field, uint8_t *base, uint64_t v);
/* 2.8.1: a packed descriptor is used when its AVAIL and USED flags both
 * equal the ring's wrap counter. */
static inline bool vlp_packed_desc_used(uint16_t flags, bool wrap)
{
	return !(flags & VLP_DESC_F_AVAIL) == !wrap && !(flags & VLP_DESC_F_USED) == !wrap;
}
/* vlp_ring_read charged to a run's budget (ring.c; NULL: a budget of
 * VLP_RING_BUDGET_FIXED for this ring alone).  When the budget runs out the
 * ring is kept as far as it was decoded (ring->incomplete, a finding says
 * where) and budget->exhausted is set: 0 all the same. */
int vlp_ring_read_budget(struct vlp_ctx *ctx, struct vlp_guestmem *mem,
			 const struct vlp_ring_params *p, struct vlp_ring_budget *budget,
			 struct vlp_ring **out);
/* The format in use: legacy interface (BAR0 of a legacy or transitional
 * device driven as legacy), else packed when RING_PACKED is negotiated. */
enum vlp_ring_format vlp_ring_format_for(uint64_t negotiated, bool legacy_interface);
/* Legacy layout (2.7.2 with Queue Align 4096, 4.1.5.1.3.1): descriptors at
 * pfn x 4096, the available ring right after them, the used ring at the
 * next 4096 boundary after the available ring (including used_event). */
void vlp_ring_legacy_layout(uint32_t pfn, unsigned queue_size, uint64_t *desc, uint64_t *avail,
			    uint64_t *used);
size_t vlp_ring_check_count(void);
/* The ring checks the decoder reports (id, section of the split-ring rule;
 * the packed rule's section is in each finding), for the checker's table. */
const struct vlp_check *vlp_ring_check_at(size_t index); /* NULL past the end */
/* 2.7.8.2 across two reads of a split ring: a chain in flight in before
 * (head, device-writable bytes) whose used entry is in after with a larger
 * len.  Judged: chains at avail positions below settled (published before
 * the read ahead of before: their descriptors were in place when before
 * read the table) that completed in order.  Appends warnings (check
 * "ring-used-len") to *findings (at most VLP_RING_FINDINGS_MAX in all);
 * after must keep the used entries since before (last_used >= their
 * count).  0, or -ENOMEM. */
int vlp_ring_used_len_check(const struct vlp_ring *before, uint16_t settled,
			    const struct vlp_ring *after, struct vlp_finding **findings,
			    size_t *nfindings);

/* ---- The ring-level exercise checks' judgements (checkexrings.c): pure
 * functions of what the device left in memory, no device access. */
#define VLP_RX_POISON 0xffffffffu /* id and len of a used entry not yet written */
/* A chain the driver made available: its head and device-writable bytes;
 * used once a used entry returned it. */
struct vlp_rx_chain {
	unsigned head;
	uint32_t writable;
	bool used;
};
struct vlp_rx_elem {
	uint32_t id, len;
};
/* A split used ring as read after the device moved it. */
struct vlp_rx_window {
	unsigned size;                  /* Queue Size */
	uint16_t seen, idx;             /* used.idx before the requests, and now */
	const struct vlp_rx_elem *ring; /* size entries */
	struct vlp_rx_chain *chains;    /* in flight, in the order made available */
	size_t nchains;
};
/* What the ring exercise judges find: split rings (vlp_rx_judge_*,
 * checkexrings.c) and packed rings (vlp_px_judge*, checkexpacked.c). */
enum vlp_ex_fault {
	VLP_RX_IDX_PAST,       /* 2.7.8: used.idx beyond the chains in flight */
	VLP_RX_SLOT_UNWRITTEN, /* 2.7.8: used.idx passed an entry not written */
	VLP_RX_ID_NOT_HEAD,    /* 2.7.8: id is no head in flight */
	VLP_RX_ID_TWICE,       /* 2.7.8: id of a chain already used */
	VLP_RX_LEN_OVER,       /* 2.7.8.2: len above the chain's writable bytes */
	/* 2.7.10.2, after notifications that made nothing new available */
	VLP_RX_SPURIOUS_USED,     /* a used entry written (used.idx moved or its slot) */
	VLP_RX_SPURIOUS_RESET,    /* DEVICE_NEEDS_RESET set */
	VLP_RX_SPURIOUS_NOTIFIED, /* notified with VIRTQ_AVAIL_F_NO_INTERRUPT (a warning) */
	VLP_RX_SPURIOUS_NEXT,     /* the next READ not returned, or not VIRTIO_BLK_S_OK */
	/* packed rings (2.8) */
	VLP_PX_ID_UNKNOWN,   /* 2.8: a Buffer ID not made available */
	VLP_PX_ID_TWICE,     /* 2.8: a Buffer ID already used */
	VLP_PX_FLAGS,        /* 2.8.1: written, AVAIL and USED not both the wrap counter */
	VLP_PX_LEN,          /* 2.8.4: len above the writable bytes */
	VLP_PX_SKIP_WRITTEN, /* 2.8.6: a slot the device skips was written */
	VLP_PX_OUT_OF_ORDER, /* 6.2: IN_ORDER, a buffer used after a later one */
	VLP_PX_LEN_UNDER,    /* 2.8.4: len below the bytes written */
	VLP_PX_NO_WRITE,     /* 2.8.3: bytes written, VIRTQ_DESC_F_WRITE clear */
	VLP_PX_BATCH_UNUSED, /* 6.2: IN_ORDER, a batched list not used */
};
struct vlp_ex_finding {
	enum vlp_ex_fault fault;
	char message[200]; /* the evidence: entry or slot, id, len, flags, what was expected */
};
/* Appends a finding to out while fewer than max are kept (*n counts them). */
__attribute__((format(printf, 5, 6))) void vlp_ex_finding_add(struct vlp_ex_finding *out, size_t max,
							      size_t *n, enum vlp_ex_fault f,
							      const char *fmt, ...);
/* Judges the used entries from seen to idx, marking the chains they
 * return used; at most max findings, their count returned. */
size_t vlp_rx_judge_used(const struct vlp_rx_window *w, struct vlp_ex_finding *out, size_t max);
/* 2.7.10.2 ("The device MUST handle spurious notifications from the
 * driver."): what a device did with kicks after every chain made available
 * was used, then with one READ made after them. */
struct vlp_rx_spurious {
	unsigned kicks;                 /* notifications sent */
	uint16_t idx_before, idx_after; /* used.idx before the kicks, and after */
	bool slot_written;              /* the used entry at idx_before, poisoned, changed */
	struct vlp_rx_elem slot;        /* what it holds then */
	uint8_t status;                 /* device_status after the kicks */
	int pending;                    /* the queue's vector pending after them; -1: not judged */
	bool answered;                  /* the READ after them came back */
	uint8_t blk_status;             /* its status byte */
};
/* Judges it: at most max findings (VLP_RX_SPURIOUS_*), their count. */
size_t vlp_rx_judge_spurious(const struct vlp_rx_spurious *s, struct vlp_ex_finding *out, size_t max);
/* How many of the first n bytes the device demonstrably wrote: up to and
 * including the last byte that differs from fill. */
size_t vlp_rx_written(const uint8_t *buf, uint8_t fill, size_t n);
/* The first byte where after differs from before: true with *off. */
bool vlp_rx_changed(const uint8_t *before, const uint8_t *after, size_t n, size_t *off);
/* 4.1.4.3.1: two reads of the device configuration (n values each) with
 * the config_generation each was read within. */
enum vlp_cfggen_verdict {
	VLP_CFGGEN_UNCHANGED, /* the same values */
	VLP_CFGGEN_NEW_GEN,   /* changed, config_generation changed too */
	VLP_CFGGEN_SAME_GEN,  /* changed, config_generation the same: the fault */
};
enum vlp_cfggen_verdict vlp_cfggen_judge(const uint64_t *before, const uint64_t *after, size_t n,
					 uint64_t gen_before, uint64_t gen_after, size_t *first);
/* The largest cdb_size and sense_size (5.6.4) this tool's SCSI buffers
 * take (the self-test's and the exercise checks'). */
#define VLP_SCSI_CDB_MAX 64
#define VLP_SCSI_SENSE_MAX 256
/* A SCSI command's answer (5.6.6): returned or not, its used len, the
 * chain's writable bytes and the response header (sense_len, residual,
 * status_qualifier, status, response). */
struct vlp_rx_scsi_answer {
	bool answered;
	uint32_t used_len;
	uint32_t writable;
	uint8_t resp[VLP_SCSI_RESP_HDR];
};
/* The command made another way (2.7.4.1, 2.7.5.3.2) against the first:
 * answered, used len at most its writable bytes, and the same used len
 * and response header as ref.  true when it holds; else false with the
 * evidence in msg. */
bool vlp_rx_same_scsi_answer(const struct vlp_rx_scsi_answer *ref,
			     const struct vlp_rx_scsi_answer *got, char *msg, size_t msglen);
/* A block READ made another way (2.7.4.1, 2.7.5.3.2) against the first:
 * answered, status VIRTIO_BLK_S_OK and the same n bytes as ref.  true
 * when it holds; else false with the evidence in msg. */
bool vlp_rx_same_answer(const uint8_t *ref, const uint8_t *got, size_t n, bool answered,
			uint8_t status, char *msg, size_t msglen);

/* ---- The packed ring exercise checks' judgements (checkexpacked.c). */
/* A packed descriptor (2.8.13) as read from the ring. */
struct vlp_px_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id, flags;
};
/* A list the driver made available: its Buffer ID, the ring slots it took
 * (consecutive, in the order made available from the window's start) and
 * its device-writable bytes; the judge marks it used (batched: by a later
 * buffer's used descriptor, IN_ORDER, 2.8.8) and where. */
struct vlp_px_chain {
	unsigned id, ndesc;
	uint32_t writable;
	bool used, batched;
	unsigned slot;
};
struct vlp_px_window {
	unsigned size;                            /* Queue Size */
	unsigned start;                           /* the first list's first slot */
	bool wrap;                                /* the Device Ring Wrap Counter there (2.8.1) */
	bool in_order;                            /* VIRTIO_F_IN_ORDER negotiated */
	const struct vlp_px_desc *before, *after; /* size slots: as made available, as read */
	struct vlp_px_chain *chains;
	size_t nchains;
	unsigned end;  /* set: where the next used descriptor goes */
	bool end_wrap; /* set: the wrap counter there */
	bool stopped;  /* set: the walk stopped at end, at a used descriptor it could not follow */
};
/* Walks the used descriptors from w->start as a driver does (2.8.6, 2.8.8),
 * marking the lists they return; at most max findings, their count
 * returned. */
size_t vlp_px_judge(struct vlp_px_window *w, struct vlp_ex_finding *out, size_t max);
/* One used list's buffers against its used descriptor u (for a batched
 * list: the batch's): written of its seen device-writable bytes differ
 * from the fill (the status byte last).  At most 2 findings in out[2]. */
size_t vlp_px_judge_list(const struct vlp_px_chain *ch, const struct vlp_px_desc *u, size_t written,
			 size_t seen, struct vlp_ex_finding out[2]);

#endif /* VLP_INTERNAL_H */
