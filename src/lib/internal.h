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
struct vlp_bars;     /* bar.c: open BAR access */
struct vlp_snapshot; /* records.c: recorded register reads */

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
/* Guest memory bytes read for the rings, kept with a recording (--save)
 * and replayed from a snapshot's "# vlp-mem" lines. */
int vlp_snapshot_add_mem(struct vlp_snapshot *snap, uint64_t pa, const void *bytes, size_t len);
/* The snapshot's ring memory as a recorded guest memory (owned by the
 * device), NULL when it holds none. */
struct vlp_guestmem *vlp_snapshot_guestmem(struct vlp_device *dev);

/* snapshot.c: the text format.  Parses one "# vlp-..." line of a snapshot
 * into dev; -EINVAL if malformed. */
int vlp_snapshot_parse_line(struct vlp_device *dev, const char *line);

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

#endif /* VLP_INTERNAL_H */
