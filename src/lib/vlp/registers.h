/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: BAR access and the register state behind the capabilities, one field by name.  Part of <vlp.h>. */
#ifndef VLP_REGISTERS_H
#define VLP_REGISTERS_H

#include "base.h"
#include "spec.h"
#include "tables.h"
#include "devices.h"
#include "layout.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* BAR access: what lies behind the capabilities                       */
/* ------------------------------------------------------------------ */

enum vlp_access_mode {
	VLP_ACCESS_AUTO,   /* mmap/pread of sysfs resourceN, else the window */
	VLP_ACCESS_MMAP,   /* sysfs resourceN only (mmap memory BARs, pread I/O BARs) */
	VLP_ACCESS_WINDOW, /* the PCI configuration access capability only (4.1.4.9) */
};
/* "auto", "mmap", "window" */
VLP_API int vlp_access_mode_parse(const char *name, enum vlp_access_mode *out);

struct vlp_bar_opts {
	enum vlp_access_mode mode;
	bool passive;  /* no writes at all, not even selectors */
	bool writable; /* any register may be written (interactive use); otherwise
			* only the selectors, to read selector-dependent fields */
	bool force;    /* writable even while a kernel driver is bound */
	bool dry_run;  /* writes are reported to the trace, not made (the
			* selector moves that reading needs are still made) */
};

/* Every BAR and config access made through the device, for echoing and
 * dry runs. */
enum vlp_event_kind {
	VLP_EVENT_BAR_READ,
	VLP_EVENT_BAR_WRITE,
	VLP_EVENT_CONFIG_READ,
	VLP_EVENT_CONFIG_WRITE
};
struct vlp_access_event {
	enum vlp_event_kind kind;
	bool dry_run;    /* a write that was not made */
	bool selector;   /* the register is a selector */
	bool internal;   /* a selector moved to reach a register, put back after */
	unsigned bar;    /* BAR accesses */
	uint64_t offset; /* in the BAR, or in config space */
	unsigned width;
	uint32_t value;
};
typedef void (*vlp_trace_fn)(void *arg, const struct vlp_access_event *ev);

/* Accesses made so far: config space through the window, and the BAR
 * registers as the device sees them. */
struct vlp_access_stats {
	unsigned long config_reads, config_writes;
	unsigned long bar_reads, bar_writes;
};

/* Opens BAR access for a device: live devices through sysfs or the window,
 * snapshot devices through their recorded registers.  Takes an advisory
 * lock per device so that two instances never interleave.  0, or a negative
 * errno with a message (e.g. -EPERM when config writes are refused and no
 * BAR can be mapped). */
VLP_API int vlp_device_open_bars(struct vlp_ctx *ctx, struct vlp_device *dev,
				 const struct vlp_layout *layout, const struct vlp_bar_opts *opts);
VLP_API void vlp_device_close_bars(struct vlp_device *dev);
/* "mmap", "window", "mmap+window", "snapshot"; NULL when not open. */
VLP_API const char *vlp_device_backend(const struct vlp_device *dev);
/* One access of exactly width bytes (1, 2 or 4), little-endian. */
VLP_API int vlp_bar_read(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width,
			 uint32_t *val);
VLP_API int vlp_bar_write(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width,
			  uint32_t val);
VLP_API const struct vlp_access_stats *vlp_device_stats(const struct vlp_device *dev);
/* Why registers other than selectors cannot be written (one line), or NULL
 * when they can (set by vlp_device_open_bars from its options). */
VLP_API const char *vlp_device_write_refusal(const struct vlp_device *dev);
VLP_API bool vlp_device_dry_run(const struct vlp_device *dev);
/* Calls fn for every access made from now on (NULL: stop). */
VLP_API void vlp_device_set_trace(struct vlp_device *dev, vlp_trace_fn fn, void *arg);
/* Config space, one access of width bytes at off: live devices read the
 * device (and refresh the decoder's copy), dumps their bytes.  Writes obey
 * the write policy of vlp_device_open_bars (driver bound, dry run); a
 * write the kernel refuses is -EPERM with a message. */
VLP_API int vlp_config_read(struct vlp_ctx *ctx, struct vlp_device *dev, unsigned off,
			    unsigned width, uint32_t *val);
VLP_API int vlp_config_write(struct vlp_ctx *ctx, struct vlp_device *dev, unsigned off,
			     unsigned width, uint32_t val);
/* Writes a snapshot of the device: its config space in lspci -xxx(x)
 * format, which lspci -F reads, and in comment lines the BAR sizes, the
 * driver and every register read made since vlp_snapshot_start(). */
VLP_API int vlp_snapshot_start(struct vlp_ctx *ctx, struct vlp_device *dev);
VLP_API int vlp_snapshot_write(struct vlp_ctx *ctx, FILE *f, const struct vlp_device *dev,
			       const char *title);

/* ------------------------------------------------------------------ */
/* Live state: the register blocks read through the BARs              */
/* ------------------------------------------------------------------ */

/* Values of a register block, one per table row. */
struct vlp_field_value {
	bool present;   /* the field exists here (structure length, features) */
	bool valid;     /* and was read */
	uint64_t value; /* scalars */
	uint8_t *bytes; /* arrays (count > 1): count * width bytes, little-endian */
};

struct vlp_regs {
	const struct vlp_field_table *table; /* NULL: block not read */
	struct vlp_field_value *values;      /* table->count entries */
	unsigned bar;
	uint64_t offset; /* of the block within the BAR */
	uint64_t length; /* bytes of the block that exist */
};

struct vlp_queue_state {
	unsigned index;
	struct vlp_regs regs; /* queue_* rows of the common cfg (or legacy) table */
	bool notify_known;    /* notify address computable */
	unsigned notify_bar;
	uint64_t notify_offset; /* cap.offset + queue_notify_off * multiplier */
	bool notify_inside;     /* the 2 (or 4) bytes lie inside the notify structure */
};

struct vlp_msix_entry {
	struct vlp_field_value address, data, control;
	bool pending, pending_valid;
};

/* One answer of a virtio-input device (5.8.4): what u holds for a select
 * and subsel. */
struct vlp_input_answer {
	uint8_t select, subsel;
	bool valid;
	uint8_t size; /* bytes of data that count; 0: not supported */
	uint8_t data[128];
};

struct vlp_state {
	const char *backend;    /* NULL: no BAR access (the reason is in the ctx message) */
	bool passive;           /* no selector writes were made */
	bool selectors_touched; /* selectors were written, then restored */
	/* modern common configuration (current selection for per-queue rows) */
	struct vlp_regs common;
	struct vlp_val device_features[VLP_FEATURE_WORDS];
	struct vlp_val driver_features[VLP_FEATURE_WORDS];
	struct vlp_queue_state *queues;
	size_t nqueues;
	/* device-specific configuration, read within config_generation */
	struct vlp_regs device;
	unsigned generation_retries;
	bool device_consistent; /* two equal config_generation reads around it */
	/* virtio-input: name, serial, IDs and property bits, asked for one by
	 * one through select/subsel (which are restored) */
	struct vlp_input_answer *input;
	size_t ninput;
	/* ISR: only when asked (reading clears it, 4.1.4.5) */
	struct vlp_regs isr;
	/* MSI-X table and PBA */
	struct vlp_msix_entry *msix;
	size_t nmsix;
	/* legacy I/O interface (transitional and legacy devices) */
	struct vlp_regs legacy;
	struct vlp_queue_state *legacy_queues;
	size_t nlegacy_queues;
	struct vlp_regs legacy_device; /* device config at 20/24, legacy layout */
	/* problems met while reading */
	struct vlp_finding *findings;
	size_t nfindings;
	/* host devices: what QEMU's monitor said (vlp_state_host()) */
	struct vlp_host_view *host;
};

/* Parts of the state a reader may leave out (a live view reads only what
 * it shows).  The common configuration (status, features) is always read. */
enum vlp_state_skip {
	VLP_STATE_SKIP_QUEUES = 1u << 0, /* per-queue rows, modern and legacy */
	VLP_STATE_SKIP_DEVICE = 1u << 1, /* device-specific configuration, both layouts */
	VLP_STATE_SKIP_INPUT = 1u << 2,  /* virtio-input questions (they write select/subsel) */
	VLP_STATE_SKIP_MSIX = 1u << 3,   /* MSI-X table and PBA */
};

struct vlp_state_opts {
	bool passive;  /* write nothing: selector-dependent fields for the current selection only */
	bool read_isr; /* read (and so clear) the ISR status byte */
	unsigned skip; /* enum vlp_state_skip bits; 0 reads everything */
};

/* Reads everything the layout points to through the device's BAR access
 * (vlp_device_open_bars first).  Selectors are saved and restored. */
VLP_API int vlp_read_state(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
			   const struct vlp_state_opts *opts, struct vlp_state **out);
VLP_API void vlp_state_free(struct vlp_state *state);

/* ------------------------------------------------------------------ */
/* Registers by name: one field read or written (REPL, live view,      */
/* checker)                                                            */
/* ------------------------------------------------------------------ */

enum vlp_block {
	VLP_BLOCK_COMMON,        /* common configuration (4.1.4.3) */
	VLP_BLOCK_DEVICE,        /* device-specific configuration (chapter 5) */
	VLP_BLOCK_ISR,           /* ISR status (4.1.4.5) */
	VLP_BLOCK_LEGACY,        /* legacy header in I/O BAR0 (4.1.4.10) */
	VLP_BLOCK_LEGACY_DEVICE, /* device-specific part of the legacy layout */
};
#define VLP_BLOCK_COUNT 5
/* "common", "device", "isr", "legacy", "legacy_device"; NULL otherwise. */
VLP_API const char *vlp_block_name(enum vlp_block b);

/* A field of a block, where the device has it. */
struct vlp_reg {
	enum vlp_block block;
	const struct vlp_field_table *table;
	const struct vlp_field *field; /* NULL: the block itself */
	unsigned bar;
	uint64_t base;   /* the block's offset in the BAR */
	uint64_t length; /* bytes of the block that exist */
	int element;     /* array element, -1: none given */
};

/* The selection selector-dependent fields are read and written under; the
 * device's own selectors are moved there for the access and put back. */
struct vlp_selection {
	uint32_t queue;
	uint32_t device_feature_select, driver_feature_select;
};

/* The block as a driver would use it (the capability it picks); -ENOENT
 * with a message when the device has none. */
VLP_API int vlp_block_find(struct vlp_ctx *ctx, const struct vlp_layout *layout, enum vlp_block b,
			   struct vlp_reg *out);
/* "[block.]field[[index]]", e.g. "queue_size", "device.mac[2]",
 * "legacy.queue_address".  Without a block: common, device, isr, legacy
 * (legacy devices: the legacy blocks). */
VLP_API int vlp_reg_find(struct vlp_ctx *ctx, const struct vlp_layout *layout, const char *name,
			 struct vlp_reg *out);
/* The field lies inside the structure's length. */
VLP_API bool vlp_reg_exists(const struct vlp_reg *reg);
/* The row of a block (an enum of its table, e.g. VLP_COMMON_NUM_QUEUES):
 * -ENOENT without the block, -ERANGE past the structure's end. */
VLP_API int vlp_reg_row(struct vlp_ctx *ctx, const struct vlp_layout *layout, enum vlp_block b,
			unsigned row, struct vlp_reg *out);
/* device_status (2.1): the common configuration's, or on a device without
 * one the legacy header's (4.1.4.10). */
VLP_API int vlp_reg_device_status(struct vlp_ctx *ctx, const struct vlp_layout *layout,
				  struct vlp_reg *out);

#define VLP_REG_READ_CLEARS 1u /* allow reading a read-to-clear field (ISR) */
/* One field (one element of an array): exact width, 64-bit as two 32-bit
 * reads low first, selector saved/moved/restored, device configuration
 * inside the config_generation loop. */
VLP_API int vlp_reg_read(struct vlp_ctx *ctx, struct vlp_device *dev,
			 const struct vlp_layout *layout, const struct vlp_reg *reg,
			 const struct vlp_selection *sel, unsigned flags, uint64_t *val);
/* 0 when val may be written to the field: -EACCES for a field read-only
 * for the driver (with the spec section), -ERANGE when it does not fit. */
VLP_API int vlp_reg_check_value(struct vlp_ctx *ctx, const struct vlp_reg *reg, uint64_t val);
/* A driver requirement the write would break (e.g. 0 to queue_enable,
 * 4.1.4.3.2), as a sentence in buf; NULL when none. */
VLP_API const char *vlp_reg_driver_rule(const struct vlp_reg *reg, uint64_t val, bool packed_ring,
					char *buf, size_t len);
/* Writes the field (checked as above; the device's write policy applies). */
VLP_API int vlp_reg_write(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
			  const struct vlp_reg *reg, const struct vlp_selection *sel, uint64_t val);

/* Feature words 0..3 (bits 0-127): the device's, or the driver's.  The
 * legacy interface has word 0 only. */
VLP_API int vlp_features_read(struct vlp_ctx *ctx, struct vlp_device *dev,
			      const struct vlp_layout *layout, bool driver,
			      uint32_t words[VLP_FEATURE_WORDS]);
/* Writes every driver feature word (select restored). */
VLP_API int vlp_features_write(struct vlp_ctx *ctx, struct vlp_device *dev,
			       const struct vlp_layout *layout,
			       const uint32_t words[VLP_FEATURE_WORDS]);
VLP_API bool vlp_packed_ring_negotiated(const uint32_t driver_words[VLP_FEATURE_WORDS]);

/* The notification a driver makes for a queue (4.1.4.4). */
struct vlp_notify {
	unsigned bar;
	uint64_t offset;
	unsigned width; /* 2, or 4 with VIRTIO_F_NOTIFICATION_DATA */
	uint32_t value; /* queue index, or queue_notif_config_data */
};
VLP_API int vlp_queue_notify(struct vlp_ctx *ctx, struct vlp_device *dev,
			     const struct vlp_layout *layout, unsigned queue, struct vlp_notify *out);
/* The same with the position VIRTIO_F_NOTIFICATION_DATA carries in the
 * high half (4.1.5.2, 2.9): split rings avail.idx (next_off its 15 low
 * bits, next_wrap bit 15); packed rings the next slot | wrap counter <<
 * 15.  next NULL: -EINVAL when that feature is negotiated (the position
 * must not be guessed), otherwise the plain notification. */
VLP_API int vlp_queue_notify_next(struct vlp_ctx *ctx, struct vlp_device *dev,
				  const struct vlp_layout *layout, unsigned queue,
				  const uint16_t *next, struct vlp_notify *out);

#ifdef __cplusplus
}
#endif
#endif /* VLP_REGISTERS_H */
