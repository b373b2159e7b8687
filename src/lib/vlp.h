/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvlp: decoding library behind virtio-lspci.
 *
 * Sources (live through libpci, offline from dumps) produce devices; a device
 * holds the config-space bytes that were read, with a map of which bytes are
 * valid.  vlp_decode() turns a device into a layout: header, BARs, the
 * capability chain with every virtio structure, MSI-X, the BAR map and the
 * findings.  Register blocks are described once, in field tables, which the
 * decoder, every printer and later the REPL read.
 *
 * Rules: the library never prints, exits or touches the terminal.  Functions
 * return 0 (or a count) on success and a negative errno on failure, with a
 * one-line message retrievable with vlp_ctx_error().
 */
#ifndef VLP_H
#define VLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VLP_VERSION "0.1.0"

/* Public symbols are exported from the shared library; everything else in
 * it is hidden (built with -fvisibility=hidden). */
#define VLP_API __attribute__((visibility("default")))

#define VLP_CONFIG_MAX 4096u    /* PCIe extended config space */
#define VLP_CONFIG_LEGACY 256u  /* conventional PCI config space */
#define VLP_CONFIG_HEADER 64u   /* type 0 header, all that sysfs gives non-root */
#define VLP_NUM_BARS 6u

#define VLP_VIRTIO_VENDOR 0x1af4u
#define VLP_VIRTIO_DEVICE_FIRST 0x1000u
#define VLP_VIRTIO_DEVICE_LAST 0x107fu
#define VLP_VIRTIO_MODERN_BASE 0x1040u

/* ------------------------------------------------------------------ */
/* Context                                                             */
/* ------------------------------------------------------------------ */

struct vlp_ctx;

VLP_API int vlp_ctx_new(struct vlp_ctx **out);
VLP_API void vlp_ctx_free(struct vlp_ctx *ctx);
/* Message of the last failure ("" if none).  Valid until the next call. */
VLP_API const char *vlp_ctx_error(const struct vlp_ctx *ctx);

/* Names from the PCI ID database (pci.ids, through libpci).  Return buf, or
 * NULL when the database has no entry (the caller prints numbers then). */
enum vlp_name_kind {
	VLP_NAME_VENDOR,    /* a = vendor */
	VLP_NAME_DEVICE,    /* a = vendor, b = device */
	VLP_NAME_SUBSYSTEM, /* a = vendor, b = device, c = subvendor, d = subdevice */
	VLP_NAME_CLASS,     /* a = class << 8 | subclass */
};
VLP_API const char *vlp_pci_name(struct vlp_ctx *ctx, enum vlp_name_kind kind, char *buf, size_t len,
			 unsigned a, unsigned b, unsigned c, unsigned d);

/* Names of libpci's access methods available in this build, NULL-terminated
 * iteration: index 0.. until NULL. */
VLP_API const char *vlp_access_method_name(unsigned index);

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

struct vlp_device;

struct vlp_slot {
	int domain;
	uint8_t bus, dev, func;
};

enum vlp_origin {
	VLP_ORIGIN_LIVE,     /* read now through libpci */
	VLP_ORIGIN_DUMP,     /* parsed from a hex dump or raw binary */
	VLP_ORIGIN_SNAPSHOT, /* parsed from a virtio-lspci snapshot */
};

/* Why fewer bytes than the device has could be read. */
enum vlp_config_limit {
	VLP_LIMIT_NONE,       /* everything the device has was read */
	VLP_LIMIT_PRIVILEGE,  /* live, not root: sysfs gives only the 64-byte header */
	VLP_LIMIT_DUMP,       /* the dump holds only part of config space */
	VLP_LIMIT_READ_ERROR, /* live read failed part way */
};

VLP_API void vlp_device_free(struct vlp_device *dev);
VLP_API const struct vlp_slot *vlp_device_slot(const struct vlp_device *dev);
VLP_API enum vlp_origin vlp_device_origin(const struct vlp_device *dev);
VLP_API enum vlp_config_limit vlp_device_config_limit(const struct vlp_device *dev);
/* Size of the config space the device has (64, 256 or 4096); for dumps the
 * extent of the dump rounded up to one of those. */
VLP_API unsigned vlp_device_config_size(const struct vlp_device *dev);
/* true when every byte of [off, off+len) was read. */
VLP_API bool vlp_device_config_valid(const struct vlp_device *dev, unsigned off, unsigned len);
/* Copy [off, off+len); -ENODATA when any byte was not read, -ERANGE outside
 * config space.  Values are little-endian in config space. */
VLP_API int vlp_device_read_config(const struct vlp_device *dev, unsigned off, unsigned len, void *buf);
VLP_API int vlp_cfg_u8(const struct vlp_device *dev, unsigned off, uint8_t *val);
VLP_API int vlp_cfg_u16(const struct vlp_device *dev, unsigned off, uint16_t *val);
VLP_API int vlp_cfg_u32(const struct vlp_device *dev, unsigned off, uint32_t *val);
/* Kernel driver bound to the device (live), or the one the dump recorded;
 * NULL when unknown or none. */
VLP_API const char *vlp_device_driver(const struct vlp_device *dev);
/* BAR size when known (live: sysfs resource; dump: lspci's "[size=...]");
 * -ENODATA when unknown. */
VLP_API int vlp_device_bar_size(const struct vlp_device *dev, unsigned bar, uint64_t *size);

/* Build a device from bytes (tests, fuzzers, other front ends).  valid may be
 * NULL (all len bytes valid).  bar_sizes may be NULL (all unknown); an entry
 * of UINT64_MAX means unknown. */
VLP_API int vlp_device_from_bytes(struct vlp_ctx *ctx, const struct vlp_slot *slot, const uint8_t *bytes,
			  const uint8_t *valid, unsigned len, const uint64_t *bar_sizes,
			  struct vlp_device **out);

/* ------------------------------------------------------------------ */
/* Sources: live enumeration or a dump stream, one device at a time    */
/* ------------------------------------------------------------------ */

enum vlp_dump_format {
	VLP_FORMAT_AUTO,
	VLP_FORMAT_LSPCI,   /* lspci -x/-xxx/-xxxx, optionally with -v text */
	VLP_FORMAT_RAW,     /* raw binary config space: 64, 256 or 4096 bytes */
	VLP_FORMAT_XXD,     /* xxd output of a raw config space */
	VLP_FORMAT_HEXDUMP, /* hexdump -C output of a raw config space */
};
/* "auto", "lspci", "raw", "xxd", "hexdump"; -EINVAL for anything else. */
VLP_API int vlp_dump_format_parse(const char *name, enum vlp_dump_format *out);
VLP_API const char *vlp_dump_format_name(enum vlp_dump_format fmt);

struct vlp_filter; /* slot and ID filter, libpci syntax */
VLP_API int vlp_filter_new(struct vlp_ctx *ctx, struct vlp_filter **out);
VLP_API void vlp_filter_free(struct vlp_filter *f);
/* "[[[[<domain>]:]<bus>]:][<slot>][.[<func>]]", wildcards allowed. */
VLP_API int vlp_filter_add_slot(struct vlp_ctx *ctx, struct vlp_filter *f, const char *spec);
/* "[<vendor>]:[<device>][:<class>[:<prog_if>]]" */
VLP_API int vlp_filter_add_id(struct vlp_ctx *ctx, struct vlp_filter *f, const char *spec);
/* A device matches when it matches any slot criterion added and any id
 * criterion added (a kind with no criterion matches everything). */
VLP_API bool vlp_filter_match(const struct vlp_filter *f, const struct vlp_device *dev);

struct vlp_source_opts {
	const char *dump_path;         /* NULL: live; "-": standard input */
	enum vlp_dump_format format;   /* dumps only */
	const char *access_method;     /* live only: libpci method name, NULL = auto */
	const struct vlp_filter *filter; /* NULL: no filter */
	bool virtio_only;              /* skip devices that are not 1af4:1000-107f */
};

struct vlp_source;
VLP_API int vlp_source_open(struct vlp_ctx *ctx, const struct vlp_source_opts *opts, struct vlp_source **out);
/* 1 and *out set: a device (free with vlp_device_free); 0: end; <0: error
 * (message in ctx; for dumps it names the file and line). */
VLP_API int vlp_source_next(struct vlp_source *src, struct vlp_device **out);
/* How many devices were skipped because they are not virtio. */
VLP_API unsigned vlp_source_skipped(const struct vlp_source *src);
VLP_API void vlp_source_close(struct vlp_source *src);

/* ------------------------------------------------------------------ */
/* Field tables: one per register block                                */
/* ------------------------------------------------------------------ */

enum vlp_access { VLP_RO, VLP_RW, VLP_WO };

/* Selector a field's value depends on (the REPL and state readers save and
 * restore these around reads). */
enum vlp_selector {
	VLP_SEL_NONE,
	VLP_SEL_DEVICE_FEATURE, /* device_feature_select */
	VLP_SEL_DRIVER_FEATURE, /* driver_feature_select */
	VLP_SEL_QUEUE,          /* queue_select */
};

enum vlp_field_flags {
	VLP_FIELD_READ_CLEARS = 1u << 0,  /* reading has a side effect (ISR, 4.1.4.5) */
	VLP_FIELD_WRITE_RESETS = 1u << 1, /* writing 0 resets the device (2.4) */
	VLP_FIELD_NOTIFIES = 1u << 2,     /* writing notifies the device */
	VLP_FIELD_HEX = 1u << 3,          /* show in hex (the default) */
	VLP_FIELD_DECIMAL = 1u << 4,      /* show in decimal */
	VLP_FIELD_STRING = 1u << 5,       /* u8 array holding a NUL-padded string */
	VLP_FIELD_MAC = 1u << 6,          /* u8[6] shown as aa:bb:cc:dd:ee:ff */
	VLP_FIELD_SIGNED = 1u << 7,       /* two's complement value */
	VLP_FIELD_SELECTOR = 1u << 8,     /* this field is a selector others depend on */
	VLP_FIELD_BOOL = 1u << 9,         /* one bit: JSON true/false, text +/- */
	VLP_FIELD_PLUS_ONE = 1u << 10,    /* the bits hold the value minus one (MSI-X Table Size) */
};

/* A field that exists only when a feature bit is offered by the device:
 * .feature = VLP_FEATURE(bit); 0 means always present. */
#define VLP_FEATURE(bit) ((uint16_t)((bit) + 1))
#define VLP_FEATURE_BIT(f) ((unsigned)(f) - 1)

enum vlp_names_kind { VLP_NAMES_ENUM, VLP_NAMES_BITS };

struct vlp_name {
	uint64_t value; /* enum value, or bit number for VLP_NAMES_BITS */
	const char *name;
};

struct vlp_names {
	enum vlp_names_kind kind;
	const struct vlp_name *entries;
	size_t count;
};

struct vlp_field {
	const char *name;     /* spec name, e.g. "notify_off_multiplier" */
	const char *json_key; /* snake_case JSON key */
	uint16_t offset;      /* byte offset within the block */
	uint8_t width;        /* access width in bytes: 1, 2 or 4 */
	/* 64-bit fields are two 32-bit halves (4.1.3): non-zero hi_offset is
	 * the high half's offset and the value is lo | hi << 32. */
	uint16_t hi_offset;
	enum vlp_access access;
	enum vlp_selector selector;
	unsigned flags;              /* enum vlp_field_flags */
	const struct vlp_names *names; /* value decoder, or NULL */
	const char *help;            /* one line */
	/* Arrays: count elements of width bytes each (0 or 1: a scalar). */
	uint16_t count;
	/* VLP_FEATURE(bit) when the field exists only if the device offers
	 * that feature (device chapters, "exists only if"); 0: always. */
	uint16_t feature;
	/* Part of a register (PCI header and capabilities): the value is
	 * (register >> shift) & mask; mask 0 means the whole register. */
	uint8_t shift;
	uint32_t mask;
};

struct vlp_field_table {
	const char *name; /* e.g. "virtio_pci_cap" */
	const struct vlp_field *fields;
	size_t count;
	unsigned size; /* bytes the block spans */
};

/* Name of value v under names (enum), NULL when unnamed. */
VLP_API const char *vlp_names_lookup(const struct vlp_names *names, uint64_t v);
/* Read a field from config space at base; -ENODATA when bytes are missing. */
VLP_API int vlp_field_read_config(const struct vlp_device *dev, unsigned base, const struct vlp_field *field,
			  uint64_t *val);
/* The field's value within the register value reg: its bits (shift, mask)
 * and VLP_FIELD_PLUS_ONE applied. */
VLP_API uint64_t vlp_field_extract(const struct vlp_field *field, uint64_t reg);
/* Look a field up by name or JSON key; NULL if absent. */
VLP_API const struct vlp_field *vlp_field_find(const struct vlp_field_table *table, const char *name);

/* The virtio capability structures (4.1.4): the table that applies to a
 * cfg_type (the generic virtio_pci_cap for reserved types). */
VLP_API const struct vlp_field_table *vlp_virtio_cap_table(uint8_t cfg_type);

/* Register blocks behind the BARs. */
VLP_API const struct vlp_field_table *vlp_common_cfg_table(void);   /* 4.1.4.3 */
VLP_API const struct vlp_field_table *vlp_legacy_header_table(void); /* 4.1.4.10 */
VLP_API const struct vlp_field_table *vlp_msix_entry_table(void);   /* PCI MSI-X table entry */
VLP_API const struct vlp_field_table *vlp_isr_table(void);          /* 4.1.4.5 */
/* PCI configuration space (PCI Local Bus 3.0, 6.1-6.2, 6.7-6.8): the
 * type 0 header, one Base Address Register (at 0x10 + 4 * index), and the
 * PCI capabilities decoded (MSI-X, Power Management, PCI Express; offsets
 * from the capability's position).  Every row's name is its JSON key. */
enum vlp_pci_header_row {
	VLP_HDR_VENDOR_ID,
	VLP_HDR_DEVICE_ID,
	VLP_HDR_COMMAND,
	VLP_HDR_STATUS,
	VLP_HDR_REVISION,
	VLP_HDR_CLASS,
	VLP_HDR_HEADER_TYPE,
	VLP_HDR_SUBSYSTEM_VENDOR_ID,
	VLP_HDR_SUBSYSTEM_ID,
	VLP_HDR_CAP_PTR,
	VLP_HDR_INTERRUPT_LINE,
	VLP_HDR_INTERRUPT_PIN,
	VLP_HDR_COUNT
};
enum vlp_pci_bar_row {
	VLP_BARREG_REGISTER,     /* the 32-bit register as read */
	VLP_BARREG_SPACE,        /* bit 0: 0 memory, 1 I/O */
	VLP_BARREG_MEMORY_TYPE,  /* bits 1-2 (memory): 0 32-bit, 2 64-bit */
	VLP_BARREG_PREFETCHABLE, /* bit 3 (memory) */
	VLP_BARREG_COUNT
};
enum vlp_msix_cap_row {
	VLP_MSIX_TABLE_SIZE,    /* Message Control bits 0-10, plus one */
	VLP_MSIX_ENABLED,       /* Message Control bit 15 */
	VLP_MSIX_FUNCTION_MASK, /* Message Control bit 14 */
	VLP_MSIX_TABLE_BAR,     /* Table BIR */
	VLP_MSIX_TABLE_OFFSET,
	VLP_MSIX_PBA_BAR, /* PBA BIR */
	VLP_MSIX_PBA_OFFSET,
	VLP_MSIX_COUNT
};
enum vlp_pm_cap_row { VLP_PM_VERSION, VLP_PM_POWER_STATE, VLP_PM_COUNT };
enum vlp_pcie_cap_row { VLP_PCIE_VERSION, VLP_PCIE_PORT_TYPE, VLP_PCIE_COUNT };
#define VLP_PCI_CAP_ROWS 8 /* rows of the largest PCI capability table */
VLP_API const struct vlp_field_table *vlp_pci_header_table(void);
VLP_API const struct vlp_field_table *vlp_pci_bar_table(void);
/* The table of a PCI capability ID (MSI-X, PM, PCIe); NULL for others. */
VLP_API const struct vlp_field_table *vlp_pci_cap_table(uint8_t cap_id);

/* Device-specific configuration layout of a virtio device type (chapter 5),
 * NULL when the type has none or it is not described. */
VLP_API const struct vlp_field_table *vlp_device_config_table(unsigned device_type);
/* Feature bits (kind VLP_NAMES_BITS, sorted by bit): those of a device
 * type (its chapter; never NULL, possibly empty) and those of the transport
 * and reserved range (chapter 6). */
VLP_API const struct vlp_names *vlp_device_feature_names(unsigned device_type);
VLP_API const struct vlp_names *vlp_transport_feature_names(void);
/* Name of one feature bit for a device type ("VIRTIO_F_VERSION_1",
 * "VIRTIO_NET_F_MAC"), NULL when unnamed.  Bits 24-41 and 43 are the
 * transport's (6), the rest the device type's. */
VLP_API const char *vlp_feature_name(unsigned device_type, unsigned bit);
/* Device status bits (2.1), kind VLP_NAMES_BITS with bit numbers. */
VLP_API const struct vlp_names *vlp_status_names(void);

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

enum vlp_transport {
	VLP_TRANSPORT_NONE,         /* not a virtio device */
	VLP_TRANSPORT_LEGACY,       /* 0x1000-0x103f without virtio capabilities */
	VLP_TRANSPORT_TRANSITIONAL, /* 0x1000-0x103f with virtio capabilities */
	VLP_TRANSPORT_MODERN,       /* 0x1040-0x107f */
	/* 0x1000-0x103f whose capability list could not be read (e.g. only
	 * the 64-byte header is readable): legacy or transitional. */
	VLP_TRANSPORT_PRE_MODERN,
};

enum vlp_cfg_type {
	VLP_CFG_COMMON = 1,
	VLP_CFG_NOTIFY = 2,
	VLP_CFG_ISR = 3,
	VLP_CFG_DEVICE = 4,
	VLP_CFG_PCI = 5,
	VLP_CFG_SHARED_MEMORY = 8,
	VLP_CFG_VENDOR = 9,
};

VLP_API const char *vlp_transport_name(enum vlp_transport t);     /* "modern", ... */
/* Short stable name of a virtio device ID ("network", "socket"), NULL unknown. */
VLP_API const char *vlp_virtio_type_name(unsigned type);
/* Spec's descriptive name ("Socket device"), NULL unknown. */
VLP_API const char *vlp_virtio_type_title(unsigned type);
/* "common", "notify", "isr", "device", "pci_cfg", "shared_memory", "vendor";
 * NULL for reserved values. */
VLP_API const char *vlp_cfg_type_name(unsigned cfg_type);
/* lspci-style label: "CommonCfg", "Notify", "ISR", "DeviceCfg", "PCICfg",
 * "SharedMemory", "VendorData"; NULL for reserved values. */
VLP_API const char *vlp_cfg_type_label(unsigned cfg_type);
/* Standard and extended capability names, NULL unknown. */
VLP_API const char *vlp_cap_name(uint8_t id);
VLP_API const char *vlp_ecap_name(uint16_t id);

/* ------------------------------------------------------------------ */
/* Decoded layout                                                      */
/* ------------------------------------------------------------------ */

/* A value that may not have been read: printers show "<unavailable>" (text)
 * or null (JSON) when !valid, never 0 or 0xff. */
struct vlp_val {
	uint64_t value;
	bool valid;
};

enum vlp_severity { VLP_SEV_INFO, VLP_SEV_WARNING, VLP_SEV_ERROR };
VLP_API const char *vlp_severity_name(enum vlp_severity s); /* "info", "warning", "error" */

#define VLP_FINDING_MSG 200
struct vlp_finding {
	enum vlp_severity severity;
	const char *section; /* virtio spec section ("4.1.4.3.1"), or NULL */
	int position;        /* capability position, or -1 */
	char message[VLP_FINDING_MSG];
	/* The conformance check that reports it (vlp_check_find()). */
	const char *check;
};

struct vlp_header {
	struct vlp_val vendor_id, device_id, command, status, revision;
	struct vlp_val class_code; /* base << 16 | sub << 8 | prog_if */
	struct vlp_val header_type, subsystem_vendor_id, subsystem_id;
	struct vlp_val cap_ptr, interrupt_line, interrupt_pin;
};

enum vlp_bar_space { VLP_BAR_MEMORY, VLP_BAR_IO };

struct vlp_bar {
	unsigned index;
	bool valid;       /* register bytes were read */
	bool present;     /* register non-zero or a size is known */
	bool upper_half;  /* high dword of the previous 64-bit BAR */
	enum vlp_bar_space space;
	bool is_64bit, prefetchable;
	uint32_t raw;     /* low register as read */
	uint64_t address; /* flags masked off */
	bool size_known;
	uint64_t size;
};

struct vlp_virtio_cap {
	uint8_t cfg_type, cap_len;
	const struct vlp_field_table *table; /* fields of this cfg_type */
	struct vlp_val fields[16];           /* values, by table row */
	/* Decoded for convenience (valid when has_location). */
	bool has_location;    /* bar/offset/length are meaningful */
	uint8_t bar, id;
	uint64_t offset, length; /* 64-bit for shared memory */
	bool has_multiplier;
	uint32_t notify_off_multiplier;
	bool has_vendor_id;
	uint16_t vendor_id;
	bool usable;          /* a spec-following driver would consider it (4.1.4.1) */
	bool driver_uses;     /* first usable capability of its type */
	const char *skip_reason; /* why not usable / not used, or NULL */
};

struct vlp_msix_cap {
	unsigned table_size; /* entries (field + 1) */
	bool enabled, function_mask;
	uint8_t table_bar, pba_bar;
	uint32_t table_offset, pba_offset;
};

struct vlp_pm_cap {
	uint8_t version;
	uint8_t power_state; /* 0..3 = D0..D3hot */
};

struct vlp_pcie_cap {
	uint8_t version;
	uint8_t port_type;
	const char *port_type_name;
};

enum vlp_cap_kind { VLP_CAP_GENERIC, VLP_CAP_VIRTIO, VLP_CAP_MSIX, VLP_CAP_PM, VLP_CAP_PCIE };

struct vlp_cap {
	uint16_t position;
	bool extended;   /* in extended config space (>= 0x100) */
	uint16_t id;     /* 8-bit standard ID, 16-bit extended ID */
	uint8_t version; /* extended capabilities */
	uint16_t next;
	bool complete;   /* every byte the decoder needed was available */
	enum vlp_cap_kind kind;
	/* MSI-X, PM and PCIe: their table (vlp_pci_cap_table) and the value
	 * of each row; NULL for the others. */
	const struct vlp_field_table *pci_table;
	uint64_t pci_fields[VLP_PCI_CAP_ROWS];
	union {
		struct vlp_virtio_cap virtio;
		struct vlp_msix_cap msix;
		struct vlp_pm_cap pm;
		struct vlp_pcie_cap pcie;
	} u;
};

/* One range of a BAR occupied by a structure. */
enum vlp_region_kind {
	VLP_REGION_VIRTIO,     /* a virtio structure (cfg_type) */
	VLP_REGION_MSIX_TABLE,
	VLP_REGION_MSIX_PBA,
	VLP_REGION_LEGACY,     /* the legacy I/O header in BAR0 (4.1.4.10) */
};

struct vlp_region {
	unsigned bar;
	uint64_t offset, length;
	enum vlp_region_kind kind;
	int position;      /* capability position, -1 for the legacy header */
	uint8_t cfg_type;  /* VLP_REGION_VIRTIO */
	bool overlaps;     /* overlaps another region of the same BAR */
	bool outside_bar;  /* extends past the BAR's size (when known) */
	bool bad_bar;      /* the BAR is missing, absent or of the wrong kind */
};

/* "CommonCfg", "MSI-X table", "MSI-X PBA", "Legacy header". */
VLP_API const char *vlp_region_name(const struct vlp_region *r);
/* Stable kind names: "virtio", "msix_table", "msix_pba", "legacy". */
VLP_API const char *vlp_region_kind_name(enum vlp_region_kind k);
/* "privilege", "dump", "read_error"; NULL for VLP_LIMIT_NONE. */
VLP_API const char *vlp_config_limit_name(enum vlp_config_limit l);

struct vlp_virtio_id {
	bool is_virtio;
	enum vlp_transport transport;
	struct vlp_val device_type; /* virtio device ID (chapter 5) */
	const char *type_name;      /* short name, NULL unknown */
};

struct vlp_legacy {
	bool present;            /* legacy or transitional: I/O BAR0 carries the legacy header */
	bool bar0_is_io;
	struct vlp_val msix_enabled;
	struct vlp_val device_config_offset; /* 20, or 24 with MSI-X enabled (4.1.4.10) */
};

#define VLP_CFG_TYPE_SLOTS 10
struct vlp_layout {
	struct vlp_slot slot;
	struct vlp_header header;
	struct vlp_virtio_id virtio;
	struct vlp_bar bars[VLP_NUM_BARS];
	struct vlp_cap *caps; /* chain order; standard, then extended */
	size_t ncaps;
	/* Index into caps of the capability a driver uses, per cfg_type; -1 none. */
	int driver_uses[VLP_CFG_TYPE_SLOTS];
	int msix_index; /* index into caps of MSI-X, -1 none */
	struct vlp_legacy legacy;
	struct vlp_region *regions; /* sorted by bar, offset */
	size_t nregions;
	struct vlp_finding *findings;
	size_t nfindings;
};

VLP_API int vlp_decode(struct vlp_ctx *ctx, const struct vlp_device *dev, struct vlp_layout **out);
VLP_API void vlp_layout_free(struct vlp_layout *layout);
/* The value of a row of vlp_pci_header_table() in h. */
VLP_API struct vlp_val vlp_header_value(const struct vlp_header *h, enum vlp_pci_header_row row);

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
enum vlp_event_kind { VLP_EVENT_BAR_READ, VLP_EVENT_BAR_WRITE, VLP_EVENT_CONFIG_READ,
		      VLP_EVENT_CONFIG_WRITE };
struct vlp_access_event {
	enum vlp_event_kind kind;
	bool dry_run;   /* a write that was not made */
	bool selector;  /* the register is a selector */
	bool internal;  /* a selector moved to reach a register, put back after */
	unsigned bar;   /* BAR accesses */
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
/* How one BAR is reached: "mmap", "pio", "window", "snapshot", or NULL. */
VLP_API const char *vlp_device_bar_backend(const struct vlp_device *dev, unsigned bar);
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
VLP_API int vlp_config_read(struct vlp_ctx *ctx, struct vlp_device *dev, unsigned off, unsigned width,
			    uint32_t *val);
VLP_API int vlp_config_write(struct vlp_ctx *ctx, struct vlp_device *dev, unsigned off,
			     unsigned width, uint32_t val);
/* true when (bar, off) is a selector register (feature or queue select). */
VLP_API bool vlp_bar_is_selector(const struct vlp_device *dev, unsigned bar, uint64_t off);
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
	bool present;    /* the field exists here (structure length, features) */
	bool valid;      /* and was read */
	uint64_t value;  /* scalars */
	uint8_t *bytes;  /* arrays (count > 1): count * width bytes, little-endian */
};

struct vlp_regs {
	const struct vlp_field_table *table; /* NULL: block not read */
	struct vlp_field_value *values;      /* table->count entries */
	unsigned bar;
	uint64_t offset;                     /* of the block within the BAR */
	uint64_t length;                     /* bytes of the block that exist */
};

struct vlp_queue_state {
	unsigned index;
	struct vlp_regs regs;       /* queue_* rows of the common cfg (or legacy) table */
	bool notify_known;          /* notify address computable */
	unsigned notify_bar;
	uint64_t notify_offset;     /* cap.offset + queue_notify_off * multiplier */
	bool notify_inside;         /* the 2 (or 4) bytes lie inside the notify structure */
};

struct vlp_msix_entry {
	struct vlp_field_value address, data, control;
	bool pending, pending_valid;
};

#define VLP_FEATURE_WORDS 4 /* selects 0..3: bits 0-127 */

/* One answer of a virtio-input device (5.8.4): what u holds for a select
 * and subsel. */
struct vlp_input_answer {
	uint8_t select, subsel;
	bool valid;
	uint8_t size;      /* bytes of data that count; 0: not supported */
	uint8_t data[128];
};

struct vlp_state {
	const char *backend; /* NULL: no BAR access (the reason is in the ctx message) */
	bool passive;        /* no selector writes were made */
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
VLP_API int vlp_read_state(struct vlp_ctx *ctx, struct vlp_device *dev,
			   const struct vlp_layout *layout, const struct vlp_state_opts *opts,
			   struct vlp_state **out);
VLP_API void vlp_state_free(struct vlp_state *state);
/* Device features (bits 0..127) as read; false when not read. */
VLP_API bool vlp_state_feature(const struct vlp_state *s, bool driver, unsigned bit, bool *on);

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

#define VLP_REG_READ_CLEARS 1u /* allow reading a read-to-clear field (ISR) */
/* One field (one element of an array): exact width, 64-bit as two 32-bit
 * reads low first, selector saved/moved/restored, device configuration
 * inside the config_generation loop. */
VLP_API int vlp_reg_read(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
			 const struct vlp_reg *reg, const struct vlp_selection *sel, unsigned flags,
			 uint64_t *val);
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
			       const struct vlp_layout *layout, const uint32_t words[VLP_FEATURE_WORDS]);
VLP_API bool vlp_packed_ring_negotiated(const uint32_t driver_words[VLP_FEATURE_WORDS]);
/* Writes 0 to device_status and waits up to timeout_ms for it to read 0
 * (4.1.4.3.2); -ETIMEDOUT otherwise. */
VLP_API int vlp_device_reset(struct vlp_ctx *ctx, struct vlp_device *dev,
			     const struct vlp_layout *layout, unsigned timeout_ms, unsigned *waited_ms);

/* The notification a driver makes for a queue (4.1.4.4). */
struct vlp_notify {
	unsigned bar;
	uint64_t offset;
	unsigned width; /* 2, or 4 with VIRTIO_F_NOTIFICATION_DATA */
	uint32_t value; /* queue index, or queue_notif_config_data */
};
VLP_API int vlp_queue_notify(struct vlp_ctx *ctx, struct vlp_device *dev,
			     const struct vlp_layout *layout, unsigned queue, struct vlp_notify *out);

/* ------------------------------------------------------------------ */
/* Conformance checks (--check) and differences between two devices   */
/* (--diff)                                                            */
/* ------------------------------------------------------------------ */

/* What a check needs to run. */
enum vlp_check_data {
	VLP_CHECK_CONFIG, /* config space: every dump, snapshot and live device */
	VLP_CHECK_STATE,  /* the registers behind the BARs: snapshots, live with BAR access */
	VLP_CHECK_ACTIVE, /* writes to the device: --check --active only */
};
/* "config", "registers", "active" */
VLP_API const char *vlp_check_data_name(enum vlp_check_data d);

/* One rule of the table of checks: the decoder reports some of them while
 * decoding (their findings carry the id), the checker runs the rest. */
struct vlp_check {
	const char *id;              /* stable, e.g. "notify-multiplier" */
	const char *section;         /* virtio spec section ("4.1.4.4.1"); "PCI ..." for PCI rules */
	enum vlp_severity severity;  /* the worst it reports */
	enum vlp_check_data data;
	const char *where;           /* what it looks at: "header", "capability", "common", ... */
	const char *title;           /* one line */
};

VLP_API size_t vlp_check_count(void);
VLP_API const struct vlp_check *vlp_check_at(size_t index); /* NULL past the end */
VLP_API const struct vlp_check *vlp_check_find(const char *id); /* NULL unknown */

struct vlp_check_finding {
	const struct vlp_check *check;
	struct vlp_finding finding; /* section never NULL when the check has one */
	char where[48];             /* "[70]" (capability), "queue 2", "common", "header" */
};

/* A check that could not run on this device, and why. */
struct vlp_check_skip {
	const struct vlp_check *check;
	char reason[160];
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
};

/* Runs every check the data allows: config-space checks always, register
 * checks when state is not NULL (otherwise each is skipped with
 * no_state_reason).  The report lists findings in table order. */
VLP_API int vlp_check_device(struct vlp_ctx *ctx, const struct vlp_device *dev,
			     const struct vlp_layout *layout, const struct vlp_state *state,
			     const char *no_state_reason, struct vlp_check_report **out);
/* The checks that write (reset, selects, queue_size), appended to report.
 * BAR access must be open writable (vlp_bar_opts.writable); the device is
 * reset at the end (report->reset_done).  -EBUSY with a message when the
 * write policy refuses writes (driver bound without force). */
VLP_API int vlp_check_active(struct vlp_ctx *ctx, struct vlp_device *dev,
			     const struct vlp_layout *layout, struct vlp_check_report *report);
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
VLP_API int vlp_diff_devices(struct vlp_ctx *ctx, const struct vlp_layout *a, const struct vlp_state *sa,
			     const struct vlp_layout *b, const struct vlp_state *sb, struct vlp_diff **out);
VLP_API void vlp_diff_free(struct vlp_diff *diff);

#ifdef __cplusplus
}
#endif
#endif /* VLP_H */
