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

#define VLP_CONFIG_MAX 4096u   /* PCIe extended config space */
#define VLP_CONFIG_LEGACY 256u /* conventional PCI config space */
#define VLP_CONFIG_HEADER 64u  /* type 0 header, all that sysfs gives non-root */
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
VLP_API const char *vlp_pci_name(struct vlp_ctx *ctx, enum vlp_name_kind kind, char *buf,
				 size_t len, unsigned a, unsigned b, unsigned c, unsigned d);

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
VLP_API int vlp_device_from_bytes(struct vlp_ctx *ctx, const struct vlp_slot *slot,
				  const uint8_t *bytes, const uint8_t *valid, unsigned len,
				  const uint64_t *bar_sizes, struct vlp_device **out);

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
	const char *dump_path;           /* NULL: live; "-": standard input */
	enum vlp_dump_format format;     /* dumps only */
	const char *access_method;       /* live only: libpci method name, NULL = auto */
	const struct vlp_filter *filter; /* NULL: no filter */
	bool virtio_only;                /* skip devices that are not 1af4:1000-107f */
};

struct vlp_source;
VLP_API int vlp_source_open(struct vlp_ctx *ctx, const struct vlp_source_opts *opts,
			    struct vlp_source **out);
/* 1 and *out set: a device (free with vlp_device_free); 0: end; <0: error
 * (message in ctx; for dumps it names the file and line; a dump that holds
 * no device at all is an error, one whose devices are all filtered out is not). */
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
#define VLP_FEATURE_BIT(f) ((unsigned)(f)-1)
#define VLP_FEATURE_WORDS 4 /* feature selects 0..3: bits 0-127 */

/* Device-independent feature bit numbers (chapter 6 and 6.3, legacy 24, 27,
 * 30); defined here once, the name table (features.c) is built from them. */
enum vlp_feature_bit {
	VLP_F_NOTIFY_ON_EMPTY = 24,
	VLP_F_ANY_LAYOUT = 27,
	VLP_F_INDIRECT_DESC = 28,
	VLP_F_EVENT_IDX = 29,
	VLP_F_UNUSED = 30,
	VLP_F_VERSION_1 = 32,
	VLP_F_ACCESS_PLATFORM = 33,
	VLP_F_RING_PACKED = 34,
	VLP_F_IN_ORDER = 35,
	VLP_F_ORDER_PLATFORM = 36,
	VLP_F_SR_IOV = 37,
	VLP_F_NOTIFICATION_DATA = 38,
	VLP_F_NOTIF_CONFIG_DATA = 39,
	VLP_F_RING_RESET = 40,
	VLP_F_ADMIN_VQ = 41,
	VLP_F_SUSPEND = 43,
};

/* Device status bit numbers (2.1); the mask of bit b is 1u << b. */
enum vlp_status_bit {
	VLP_S_ACKNOWLEDGE = 0,
	VLP_S_DRIVER = 1,
	VLP_S_DRIVER_OK = 2,
	VLP_S_FEATURES_OK = 3,
	VLP_S_SUSPEND = 4,
	VLP_S_DEVICE_NEEDS_RESET = 6,
	VLP_S_FAILED = 7,
	VLP_S_UNDEFINED_5 = 5, /* the one bit 2.1 does not define */
};
#define VLP_S_MASK(bit) (1u << (bit))

/* VIRTIO_MSI_NO_VECTOR (4.1.4.3): no MSI-X vector mapped to the event; also what
 * the device reads back for a mapping it could not make (4.1.5.1.2.1). */
#define VLP_NO_VECTOR 0xffffu

/* How long a driver waits for device_status to read back 0 after writing 0
 * (4.1.4.3.2: "the driver MUST wait for a read of device_status to return
 * 0"); the one timeout every reset in the library and its faces uses. */
#define VLP_RESET_TIMEOUT_MS 1000u

/* ISR status bit numbers (4.1.4.5). */
enum vlp_isr_bit {
	VLP_ISR_QUEUE_INTERRUPT = 0,
	VLP_ISR_CONFIG_INTERRUPT = 1,
};

/* Virtio device IDs (chapter 5; 14 and 15 unassigned, 37 Linux's dmabuf). */
enum vlp_device_id {
	VLP_ID_NET = 1,
	VLP_ID_BLOCK = 2,
	VLP_ID_CONSOLE = 3,
	VLP_ID_ENTROPY = 4,
	VLP_ID_BALLOON = 5,
	VLP_ID_IOMEMORY = 6,
	VLP_ID_RPMSG = 7,
	VLP_ID_SCSI = 8,
	VLP_ID_9P = 9,
	VLP_ID_MAC80211_WLAN = 10,
	VLP_ID_RPROC_SERIAL = 11,
	VLP_ID_CAIF = 12,
	VLP_ID_MEMORY_BALLOON = 13,
	VLP_ID_GPU = 16,
	VLP_ID_RTC = 17,
	VLP_ID_INPUT = 18,
	VLP_ID_VSOCK = 19,
	VLP_ID_CRYPTO = 20,
	VLP_ID_SIGNAL_DIST = 21,
	VLP_ID_PSTORE = 22,
	VLP_ID_IOMMU = 23,
	VLP_ID_MEM = 24,
	VLP_ID_SOUND = 25,
	VLP_ID_FS = 26,
	VLP_ID_PMEM = 27,
	VLP_ID_RPMB = 28,
	VLP_ID_MAC80211_HWSIM = 29,
	VLP_ID_VIDEO_ENCODER = 30,
	VLP_ID_VIDEO_DECODER = 31,
	VLP_ID_SCMI = 32,
	VLP_ID_NITRO_SEC_MOD = 33,
	VLP_ID_I2C = 34,
	VLP_ID_WATCHDOG = 35,
	VLP_ID_CAN = 36,
	VLP_ID_DMABUF = 37,
	VLP_ID_PARAM_SERV = 38,
	VLP_ID_AUDIO_POLICY = 39,
	VLP_ID_BLUETOOTH = 40,
	VLP_ID_GPIO = 41,
	VLP_ID_RDMA = 42,
	VLP_ID_CAMERA = 43,
	VLP_ID_ISM = 44,
	VLP_ID_SPI = 45,
	VLP_ID_TEE = 46,
	VLP_ID_CPU_BALLOON = 47,
	VLP_ID_MEDIA = 48,
	VLP_ID_USB = 49,
	VLP_ID_COUNT /* one past the highest ID named */
};

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
	unsigned flags;                /* enum vlp_field_flags */
	const struct vlp_names *names; /* value decoder, or NULL */
	const char *help;              /* one line */
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

/* Row enums: code reaches a row as table->fields[VLP_COMMON_QUEUE_SELECT];
 * each table has exactly one row per enum value (static asserts in
 * fields.c), in this order.  Names are looked up only where a person types
 * them (vlp_field_find). */
enum vlp_common_row { /* struct virtio_pci_common_cfg (4.1.4.3) */
		      VLP_COMMON_DEVICE_FEATURE_SELECT,
		      VLP_COMMON_DEVICE_FEATURE,
		      VLP_COMMON_DRIVER_FEATURE_SELECT,
		      VLP_COMMON_DRIVER_FEATURE,
		      VLP_COMMON_CONFIG_MSIX_VECTOR,
		      VLP_COMMON_NUM_QUEUES,
		      VLP_COMMON_DEVICE_STATUS,
		      VLP_COMMON_CONFIG_GENERATION,
		      VLP_COMMON_QUEUE_SELECT,
		      VLP_COMMON_QUEUE_SIZE,
		      VLP_COMMON_QUEUE_MSIX_VECTOR,
		      VLP_COMMON_QUEUE_ENABLE,
		      VLP_COMMON_QUEUE_NOTIFY_OFF,
		      VLP_COMMON_QUEUE_DESC,
		      VLP_COMMON_QUEUE_DRIVER,
		      VLP_COMMON_QUEUE_DEVICE,
		      VLP_COMMON_QUEUE_NOTIF_CONFIG_DATA,
		      VLP_COMMON_QUEUE_RESET,
		      VLP_COMMON_ADMIN_QUEUE_INDEX,
		      VLP_COMMON_ADMIN_QUEUE_NUM,
		      VLP_COMMON_ROWS
};
enum vlp_legacy_row { /* legacy header in I/O BAR0 (4.1.4.10) */
		      VLP_LEGACY_HOST_FEATURES,
		      VLP_LEGACY_GUEST_FEATURES,
		      VLP_LEGACY_QUEUE_ADDRESS,
		      VLP_LEGACY_QUEUE_SIZE,
		      VLP_LEGACY_QUEUE_SELECT,
		      VLP_LEGACY_QUEUE_NOTIFY,
		      VLP_LEGACY_DEVICE_STATUS,
		      VLP_LEGACY_ISR,
		      VLP_LEGACY_CONFIG_MSIX_VECTOR,
		      VLP_LEGACY_QUEUE_MSIX_VECTOR,
		      VLP_LEGACY_ROWS
};
enum vlp_isr_row { VLP_ISR_ISR, VLP_ISR_ROWS }; /* 4.1.4.5 */
enum vlp_msix_entry_row {                       /* MSI-X table entry (PCI Local Bus 3.0, 6.8.2) */
			  VLP_MSIX_ENTRY_MESSAGE_ADDRESS,
			  VLP_MSIX_ENTRY_MESSAGE_DATA,
			  VLP_MSIX_ENTRY_VECTOR_CONTROL,
			  VLP_MSIX_ENTRY_ROWS
};
/* Vector Control bit 0: the vector is masked (PCI Local Bus 3.0, 6.8.2.9). */
#define VLP_MSIX_VECTOR_MASKED_BIT 0
#define VLP_MSIX_VECTOR_MASKED (1u << VLP_MSIX_VECTOR_MASKED_BIT)
/* The virtio capability structures (4.1.4): every table starts with the
 * header rows; virtio_pci_cap, _notify_cap, _cfg_cap and _cap64 go on with
 * bar, id, offset, length, then their own row. */
enum vlp_cap_row {
	VLP_CAP_CAP_VNDR,
	VLP_CAP_CAP_NEXT,
	VLP_CAP_CAP_LEN,
	VLP_CAP_CFG_TYPE,
	VLP_CAP_BAR,
	VLP_CAP_ID,
	VLP_CAP_OFFSET,
	VLP_CAP_LENGTH,
	VLP_CAP_ROWS,
	VLP_CAP_NOTIFY_OFF_MULTIPLIER = VLP_CAP_ROWS, /* virtio_pci_notify_cap (4.1.4.4) */
	VLP_CAP_PCI_CFG_DATA = VLP_CAP_ROWS,          /* virtio_pci_cfg_cap (4.1.4.9) */
	VLP_CAP_VENDOR_ID = VLP_CAP_CFG_TYPE + 1,     /* virtio_pci_vndr_data (4.1.4.8) */
};
enum vlp_net_row { /* struct virtio_net_config (5.1.4) */
		   VLP_NET_MAC,
		   VLP_NET_STATUS,
		   VLP_NET_MAX_VIRTQUEUE_PAIRS,
		   VLP_NET_MTU,
		   VLP_NET_SPEED,
		   VLP_NET_DUPLEX,
		   VLP_NET_RSS_MAX_KEY_SIZE,
		   VLP_NET_RSS_MAX_INDIRECTION_TABLE_LENGTH,
		   VLP_NET_SUPPORTED_HASH_TYPES,
		   VLP_NET_SUPPORTED_TUNNEL_TYPES,
		   VLP_NET_ROWS
};
enum vlp_blk_row { /* struct virtio_blk_config (5.2.4) */
		   VLP_BLK_CAPACITY,
		   VLP_BLK_SIZE_MAX,
		   VLP_BLK_SEG_MAX,
		   VLP_BLK_GEOMETRY_CYLINDERS,
		   VLP_BLK_GEOMETRY_HEADS,
		   VLP_BLK_GEOMETRY_SECTORS,
		   VLP_BLK_BLK_SIZE,
		   VLP_BLK_TOPOLOGY_PHYSICAL_BLOCK_EXP,
		   VLP_BLK_TOPOLOGY_ALIGNMENT_OFFSET,
		   VLP_BLK_TOPOLOGY_MIN_IO_SIZE,
		   VLP_BLK_TOPOLOGY_OPT_IO_SIZE,
		   VLP_BLK_WRITEBACK,
		   VLP_BLK_UNUSED0,
		   VLP_BLK_NUM_QUEUES,
		   VLP_BLK_MAX_DISCARD_SECTORS,
		   VLP_BLK_MAX_DISCARD_SEG,
		   VLP_BLK_DISCARD_SECTOR_ALIGNMENT,
		   VLP_BLK_MAX_WRITE_ZEROES_SECTORS,
		   VLP_BLK_MAX_WRITE_ZEROES_SEG,
		   VLP_BLK_WRITE_ZEROES_MAY_UNMAP,
		   VLP_BLK_UNUSED1,
		   VLP_BLK_MAX_SECURE_ERASE_SECTORS,
		   VLP_BLK_MAX_SECURE_ERASE_SEG,
		   VLP_BLK_SECURE_ERASE_SECTOR_ALIGNMENT,
		   VLP_BLK_ZONED_ZONE_SECTORS,
		   VLP_BLK_ZONED_MAX_OPEN_ZONES,
		   VLP_BLK_ZONED_MAX_ACTIVE_ZONES,
		   VLP_BLK_ZONED_MAX_APPEND_SECTORS,
		   VLP_BLK_ZONED_WRITE_GRANULARITY,
		   VLP_BLK_ZONED_MODEL,
		   VLP_BLK_ROWS
};
enum vlp_console_row { /* struct virtio_console_config (5.3.4); cols and rows: N* */
		       VLP_CONSOLE_NCOLS,
		       VLP_CONSOLE_NROWS,
		       VLP_CONSOLE_MAX_NR_PORTS,
		       VLP_CONSOLE_EMERG_WR,
		       VLP_CONSOLE_ROWS
};
enum vlp_scsi_row { /* struct virtio_scsi_config (5.6.4) */
		    VLP_SCSI_NUM_QUEUES,
		    VLP_SCSI_SEG_MAX,
		    VLP_SCSI_MAX_SECTORS,
		    VLP_SCSI_CMD_PER_LUN,
		    VLP_SCSI_EVENT_INFO_SIZE,
		    VLP_SCSI_SENSE_SIZE,
		    VLP_SCSI_CDB_SIZE,
		    VLP_SCSI_MAX_CHANNEL,
		    VLP_SCSI_MAX_TARGET,
		    VLP_SCSI_MAX_LUN,
		    VLP_SCSI_ROWS
};
/* struct virtio_input_config (5.8.4). */
enum vlp_input_row {
	VLP_INPUT_SELECT,
	VLP_INPUT_SUBSEL,
	VLP_INPUT_SIZE,
	VLP_INPUT_U,
	VLP_INPUT_ROWS
};

struct vlp_regs;
struct vlp_field_value;
/* The value of row (an enum of table's rows) in regs, NULL when regs holds
 * another table or the field is not present. */
VLP_API const struct vlp_field_value *vlp_regs_row(const struct vlp_regs *regs,
						   const struct vlp_field_table *table, unsigned row);

/* Name of value v under names (enum), NULL when unnamed. */
VLP_API const char *vlp_names_lookup(const struct vlp_names *names, uint64_t v);
/* Read a field from config space at base; -ENODATA when bytes are missing. */
VLP_API int vlp_field_read_config(const struct vlp_device *dev, unsigned base,
				  const struct vlp_field *field, uint64_t *val);
/* The field's value within the register value reg: its bits (shift, mask)
 * and VLP_FIELD_PLUS_ONE applied. */
VLP_API uint64_t vlp_field_extract(const struct vlp_field *field, uint64_t reg);
/* Look a field up by name or JSON key; NULL if absent. */
VLP_API const struct vlp_field *vlp_field_find(const struct vlp_field_table *table, const char *name);

/* The virtio capability structures (4.1.4): the table that applies to a
 * cfg_type (the generic virtio_pci_cap for reserved types). */
VLP_API const struct vlp_field_table *vlp_virtio_cap_table(uint8_t cfg_type);

/* Register blocks behind the BARs. */
VLP_API const struct vlp_field_table *vlp_common_cfg_table(void);    /* 4.1.4.3 */
VLP_API const struct vlp_field_table *vlp_legacy_header_table(void); /* 4.1.4.10 */
VLP_API const struct vlp_field_table *vlp_msix_entry_table(void);    /* PCI MSI-X table entry */
VLP_API const struct vlp_field_table *vlp_isr_table(void);           /* 4.1.4.5 */
/* The device-type registry (types.c): one row per virtio device ID. */
enum vlp_queue_role {
	VLP_QUEUE_OTHER,
	VLP_QUEUE_RECEIVE,  /* the device writes buffers to the driver */
	VLP_QUEUE_TRANSMIT, /* the driver sends buffers to the device */
	VLP_QUEUE_CONTROL,
	VLP_QUEUE_REQUEST,
	VLP_QUEUE_EVENT,
};
struct vlp_queue_def {
	const char *name; /* as the chapter's "Virtqueues" names it; %u: numbered */
	enum vlp_queue_role role;
	uint16_t feature; /* VLP_FEATURE(bit): exists only with that device feature; 0: always */
};
/* Queue N: the head queues from 0, then the group repeated (numbered from
 * first), the tail queues last (counted back from num_queues). */
struct vlp_queue_layout {
	const struct vlp_queue_def *head;
	size_t nhead;
	const struct vlp_queue_def *group;
	size_t ngroup;
	unsigned first;
	const struct vlp_queue_def *tail;
	size_t ntail;
};
struct vlp_device_type {
	unsigned id;                          /* enum vlp_device_id */
	const char *name;                     /* short, stable: JSON and scripts ("network") */
	const char *title;                    /* as chapter 5 names it ("Network device") */
	const struct vlp_field_table *config; /* device configuration, NULL: none/not described */
	bool spec_config;                     /* the chapter defines a configuration layout */
	bool no_config;                       /* the chapter says there is none */
	const struct vlp_names *features;     /* device feature bits, never NULL */
	struct vlp_queue_layout queues;
};
/* The registry row of a device ID, NULL when the ID is unknown. */
VLP_API const struct vlp_device_type *vlp_device_type(unsigned id);
/* Name of queue index of a device type ("receiveq2", "controlq"), given
 * num_queues (0: unknown) and the driver's feature words (NULL: none), in
 * buf; "queueN" when the type does not name it.  *role (may be NULL) gets
 * its role. */
VLP_API const char *vlp_queue_name(unsigned type, unsigned index, unsigned num_queues,
				   const uint32_t driver_features[VLP_FEATURE_WORDS], char *buf,
				   size_t len, enum vlp_queue_role *role);
/* "receive", "transmit", "control", "request", "event", "other". */
VLP_API const char *vlp_queue_role_name(enum vlp_queue_role role);
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
/* Device-specific feature bit numbers                                 */
/* ------------------------------------------------------------------ */

/* The feature bits of each device type (chapter 5, "Feature bits" of each
 * device's chapter; 2.2: bits 0-23, 50-127 and, legacy net only, 41-42),
 * named VLP_ for the spec's VIRTIO_.  Defined here once: the name tables
 * of features.c are built from these constants (the name a table shows is
 * the constant's own spelling), and code that means one bit names it. */

/* 5.1.3 (network device); 5.1.3.2 legacy: GSO 6, GUEST_RSC4 41 (also
 * VIRTIO_F_ADMIN_VQ of chapter 6, vlp_feature_name() says that), GUEST_RSC6 42 */
enum vlp_net_feature_bit {
	VLP_NET_F_CSUM = 0,
	VLP_NET_F_GUEST_CSUM = 1,
	VLP_NET_F_CTRL_GUEST_OFFLOADS = 2,
	VLP_NET_F_MTU = 3,
	VLP_NET_F_MAC = 5,
	VLP_NET_F_GSO = 6,
	VLP_NET_F_GUEST_TSO4 = 7,
	VLP_NET_F_GUEST_TSO6 = 8,
	VLP_NET_F_GUEST_ECN = 9,
	VLP_NET_F_GUEST_UFO = 10,
	VLP_NET_F_HOST_TSO4 = 11,
	VLP_NET_F_HOST_TSO6 = 12,
	VLP_NET_F_HOST_ECN = 13,
	VLP_NET_F_HOST_UFO = 14,
	VLP_NET_F_MRG_RXBUF = 15,
	VLP_NET_F_STATUS = 16,
	VLP_NET_F_CTRL_VQ = 17,
	VLP_NET_F_CTRL_RX = 18,
	VLP_NET_F_CTRL_VLAN = 19,
	VLP_NET_F_CTRL_RX_EXTRA = 20,
	VLP_NET_F_GUEST_ANNOUNCE = 21,
	VLP_NET_F_MQ = 22,
	VLP_NET_F_CTRL_MAC_ADDR = 23,
	VLP_NET_F_GUEST_RSC4 = 41,
	VLP_NET_F_GUEST_RSC6 = 42,
	VLP_NET_F_DEVICE_STATS = 50,
	VLP_NET_F_HASH_TUNNEL = 51,
	VLP_NET_F_VQ_NOTF_COAL = 52,
	VLP_NET_F_NOTF_COAL = 53,
	VLP_NET_F_GUEST_USO4 = 54,
	VLP_NET_F_GUEST_USO6 = 55,
	VLP_NET_F_HOST_USO = 56,
	VLP_NET_F_HASH_REPORT = 57,
	VLP_NET_F_GUEST_HDRLEN = 59,
	VLP_NET_F_RSS = 60,
	VLP_NET_F_RSC_EXT = 61,
	VLP_NET_F_STANDBY = 62,
	VLP_NET_F_SPEED_DUPLEX = 63,
	VLP_NET_F_RSS_CONTEXT = 64,
	VLP_NET_F_GUEST_UDP_TUNNEL_GSO = 65,
	VLP_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM = 66,
	VLP_NET_F_HOST_UDP_TUNNEL_GSO = 67,
	VLP_NET_F_HOST_UDP_TUNNEL_GSO_CSUM = 68,
	VLP_NET_F_OUT_NET_HEADER = 69,
	VLP_NET_F_IPSEC = 70,
};

/* 5.2.3 (block device); 5.2.3.1 legacy: BARRIER 0, SCSI 7 */
enum vlp_blk_feature_bit {
	VLP_BLK_F_BARRIER = 0,
	VLP_BLK_F_SIZE_MAX = 1,
	VLP_BLK_F_SEG_MAX = 2,
	VLP_BLK_F_GEOMETRY = 4,
	VLP_BLK_F_RO = 5,
	VLP_BLK_F_BLK_SIZE = 6,
	VLP_BLK_F_SCSI = 7,
	VLP_BLK_F_FLUSH = 9,
	VLP_BLK_F_TOPOLOGY = 10,
	VLP_BLK_F_CONFIG_WCE = 11,
	VLP_BLK_F_MQ = 12,
	VLP_BLK_F_DISCARD = 13,
	VLP_BLK_F_WRITE_ZEROES = 14,
	VLP_BLK_F_LIFETIME = 15,
	VLP_BLK_F_SECURE_ERASE = 16,
	VLP_BLK_F_ZONED = 17,
};

/* 5.3.3 (console device) */
enum vlp_console_feature_bit {
	VLP_CONSOLE_F_SIZE = 0,
	VLP_CONSOLE_F_MULTIPORT = 1,
	VLP_CONSOLE_F_EMERG_WRITE = 2,
};

/* 5.5.3 (traditional memory balloon device) */
enum vlp_balloon_feature_bit {
	VLP_BALLOON_F_MUST_TELL_HOST = 0,
	VLP_BALLOON_F_STATS_VQ = 1,
	VLP_BALLOON_F_DEFLATE_ON_OOM = 2,
	VLP_BALLOON_F_FREE_PAGE_HINT = 3,
	VLP_BALLOON_F_PAGE_POISON = 4,
	VLP_BALLOON_F_PAGE_REPORTING = 5,
};

/* 5.6.3 (SCSI host device) */
enum vlp_scsi_feature_bit {
	VLP_SCSI_F_INOUT = 0,
	VLP_SCSI_F_HOTPLUG = 1,
	VLP_SCSI_F_CHANGE = 2,
	VLP_SCSI_F_T10_PI = 3,
};

/* 9P transport (ID 9): no chapter in the spec; Linux include/uapi/linux/virtio_9p.h
 * (Linux names it VIRTIO_9P_MOUNT_TAG, without _F_) */
enum vlp_9p_feature_bit {
	VLP_9P_MOUNT_TAG = 0,
};

/* 5.7.3 (GPU device) */
enum vlp_gpu_feature_bit {
	VLP_GPU_F_VIRGL = 0,
	VLP_GPU_F_EDID = 1,
	VLP_GPU_F_RESOURCE_UUID = 2,
	VLP_GPU_F_RESOURCE_BLOB = 3,
	VLP_GPU_F_CONTEXT_INIT = 4,
	VLP_GPU_F_BLOB_ALIGNMENT = 5,
};

/* 5.9.3 (crypto device) */
enum vlp_crypto_feature_bit {
	VLP_CRYPTO_F_REVISION_1 = 0,
	VLP_CRYPTO_F_CIPHER_STATELESS_MODE = 1,
	VLP_CRYPTO_F_HASH_STATELESS_MODE = 2,
	VLP_CRYPTO_F_MAC_STATELESS_MODE = 3,
	VLP_CRYPTO_F_AEAD_STATELESS_MODE = 4,
	VLP_CRYPTO_F_AKCIPHER_STATELESS_MODE = 5,
};

/* 5.10.3 (socket device) */
enum vlp_vsock_feature_bit {
	VLP_VSOCK_F_STREAM = 0,
	VLP_VSOCK_F_SEQPACKET = 1,
	VLP_VSOCK_F_NO_IMPLIED_STREAM = 2,
};

/* 5.11.3 (file system device) */
enum vlp_fs_feature_bit {
	VLP_FS_F_NOTIFICATION = 0,
};

/* 5.13.3 (IOMMU device) */
enum vlp_iommu_feature_bit {
	VLP_IOMMU_F_INPUT_RANGE = 0,
	VLP_IOMMU_F_DOMAIN_RANGE = 1,
	VLP_IOMMU_F_MAP_UNMAP = 2,
	VLP_IOMMU_F_BYPASS = 3,
	VLP_IOMMU_F_PROBE = 4,
	VLP_IOMMU_F_MMIO = 5,
	VLP_IOMMU_F_BYPASS_CONFIG = 6,
};

/* 5.14.3 (sound device; the spec spells the type SND) */
enum vlp_sound_feature_bit {
	VLP_SND_F_CTLS = 0,
};

/* 5.15.3 (memory device) */
enum vlp_mem_feature_bit {
	VLP_MEM_F_ACPI_PXM = 0,
	VLP_MEM_F_UNPLUGGED_INACCESSIBLE = 1,
	VLP_MEM_F_PERSISTENT_SUSPEND = 2,
};

/* 5.16.3 (I2C adapter device) */
enum vlp_i2c_feature_bit {
	VLP_I2C_F_ZERO_LENGTH_REQUEST = 0,
};

/* 5.17.3 (SCMI device) */
enum vlp_scmi_feature_bit {
	VLP_SCMI_F_P2A_CHANNELS = 0,
	VLP_SCMI_F_SHARED_MEMORY = 1,
};

/* 5.18.3 (GPIO device) */
enum vlp_gpio_feature_bit {
	VLP_GPIO_F_IRQ = 0,
};

/* 5.19.3 (PMEM device) */
enum vlp_pmem_feature_bit {
	VLP_PMEM_F_SHMEM_REGION = 0,
};

/* 5.20.3 (CAN device) */
enum vlp_can_feature_bit {
	VLP_CAN_F_CAN_CLASSIC = 0,
	VLP_CAN_F_CAN_FD = 1,
	VLP_CAN_F_RTR_FRAMES = 2,
	VLP_CAN_F_LATE_TX_ACK = 3,
};

/* 5.23.3 (RTC device) */
enum vlp_rtc_feature_bit {
	VLP_RTC_F_ALARM = 0,
};

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

VLP_API const char *vlp_transport_name(enum vlp_transport t); /* "modern", ... */
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
	bool valid;      /* register bytes were read */
	bool present;    /* register non-zero or a size is known */
	bool upper_half; /* high dword of the previous 64-bit BAR */
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
	bool has_location; /* bar/offset/length are meaningful */
	uint8_t bar, id;
	uint64_t offset, length; /* 64-bit for shared memory */
	bool has_multiplier;
	uint32_t notify_off_multiplier;
	bool has_vendor_id;
	uint16_t vendor_id;
	bool usable;             /* a spec-following driver would consider it (4.1.4.1) */
	bool driver_uses;        /* first usable capability of its type */
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
	bool complete; /* every byte the decoder needed was available */
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
	VLP_REGION_VIRTIO, /* a virtio structure (cfg_type) */
	VLP_REGION_MSIX_TABLE,
	VLP_REGION_MSIX_PBA,
	VLP_REGION_LEGACY, /* the legacy I/O header in BAR0 (4.1.4.10) */
};

struct vlp_region {
	unsigned bar;
	uint64_t offset, length;
	enum vlp_region_kind kind;
	int position;     /* capability position, -1 for the legacy header */
	uint8_t cfg_type; /* VLP_REGION_VIRTIO */
	bool overlaps;    /* overlaps another region of the same BAR */
	bool outside_bar; /* extends past the BAR's size (when known) */
	bool bad_bar;     /* the BAR is missing, absent or of the wrong kind */
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
	bool present; /* legacy or transitional: I/O BAR0 carries the legacy header */
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
VLP_API int vlp_config_read(struct vlp_ctx *ctx, struct vlp_device *dev, unsigned off,
			    unsigned width, uint32_t *val);
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
/* Whether bit is set in feature words (false for NULL words or a bit past
 * them). */
VLP_API bool vlp_feature_on(const uint32_t words[VLP_FEATURE_WORDS], unsigned bit);
/* Writes 0 to device_status and waits up to timeout_ms for it to read 0
 * (4.1.4.3.2); -ETIMEDOUT otherwise. */
VLP_API int vlp_device_reset(struct vlp_ctx *ctx, struct vlp_device *dev,
			     const struct vlp_layout *layout, unsigned timeout_ms,
			     unsigned *waited_ms);

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

/* ------------------------------------------------------------------ */
/* Conformance checks (--check) and differences between two devices   */
/* (--diff)                                                            */
/* ------------------------------------------------------------------ */

/* What a check needs to run. */
enum vlp_check_data {
	VLP_CHECK_CONFIG, /* config space: every dump, snapshot and live device */
	VLP_CHECK_STATE,  /* the registers behind the BARs: snapshots, live with BAR access */
	VLP_CHECK_ACTIVE, /* writes to the device: --check --active only */
	VLP_CHECK_RINGS,  /* the rings in guest memory (and the registers locating them) */
};
/* "config", "registers", "active", "rings" */
VLP_API const char *vlp_check_data_name(enum vlp_check_data d);

/* One rule of the table of checks: the decoder reports some of them while
 * decoding (their findings carry the id), the checker runs the rest. */
struct vlp_check {
	const char *id;             /* stable, e.g. "notify-multiplier" */
	const char *section;        /* virtio spec section ("4.1.4.4.1"); "PCI ..." for PCI rules */
	enum vlp_severity severity; /* the worst it reports */
	enum vlp_check_data data;
	const char *where; /* what it looks at: "header", "capability", "common", ... */
	const char *title; /* one line */
};

VLP_API size_t vlp_check_count(void);
VLP_API const struct vlp_check *vlp_check_at(size_t index);     /* NULL past the end */
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
};

/* Runs every check the data allows: config-space checks always, register
 * checks when state is not NULL (otherwise each is skipped with
 * no_state_reason).  The report lists findings in table order. */
VLP_API int vlp_check_device(struct vlp_ctx *ctx, const struct vlp_device *dev,
			     const struct vlp_layout *layout, const struct vlp_state *state,
			     const char *no_state_reason, struct vlp_check_report **out);
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

/* ------------------------------------------------------------------ */
/* Interrupts as Linux sees them: no device access needed             */
/* ------------------------------------------------------------------ */

#define VLP_MSIX_MAX_ENTRIES 2048u /* Table Size is 11 bits (PCI 6.8.2.3) */

enum vlp_irq_kind { VLP_IRQ_MSIX, VLP_IRQ_MSI, VLP_IRQ_INTX };
/* "msix", "msi", "intx" */
VLP_API const char *vlp_irq_kind_name(enum vlp_irq_kind k);

/* One Linux IRQ of a device (sysfs msi_irqs/ or irq, /proc/interrupts,
 * /proc/irq/N/smp_affinity_list). */
struct vlp_irq {
	unsigned linux_irq;
	enum vlp_irq_kind kind;
	int entry;         /* MSI-X table entry (MSI: vector), -1 unknown or INTx */
	bool counted;      /* found in /proc/interrupts: chip, name and counts valid */
	char chip[64];     /* "PCI-MSIX-0000:00:03.0", "IO-APIC" */
	char name[128];    /* the handlers' names, "virtio2-input.0" */
	uint64_t count;    /* sum over CPUs */
	uint64_t *per_cpu; /* ncpus counts */
	unsigned ncpus;
	char affinity[64]; /* smp_affinity_list ("0-1"), "" unknown */
};

struct vlp_irqs {
	struct vlp_irq *items; /* by Linux IRQ number */
	size_t count;
	unsigned ncpus; /* CPU columns of /proc/interrupts */
};

/* Where procfs and sysfs are (tests); NULL members: /proc and /sys. */
struct vlp_irq_roots {
	const char *proc;
	const char *sys;
};

/* The IRQs Linux has for a live device: an empty list when it has none
 * (no driver bound), -ENOENT when the slot is not in sysfs, and a message
 * naming the file when procfs cannot be read. */
VLP_API int vlp_irqs_read(struct vlp_ctx *ctx, const struct vlp_slot *slot,
			  const struct vlp_irq_roots *roots, struct vlp_irqs **out);
VLP_API void vlp_irqs_free(struct vlp_irqs *irqs);
/* The IRQ serving an MSI-X (or MSI) entry, NULL when none. */
VLP_API const struct vlp_irq *vlp_irqs_find_entry(const struct vlp_irqs *irqs, unsigned entry);

/* Guest memory (guestmem.c)                                           */
/* ------------------------------------------------------------------ */

/* Read-only, bounded access to guest-physical memory: through /proc/kcore
 * (its PT_LOAD program headers with a real p_paddr cover System RAM through
 * the kernel's direct map), or from recorded (pa, bytes) ranges (snapshots,
 * tests).  A read is served only when it lies wholly inside one segment or
 * range: a hole or MMIO is never read. */
struct vlp_guestmem;

/* Largest single read: a descriptor table of 32768 entries (2.7). */
#define VLP_GUESTMEM_READ_MAX (16u * 32768u)

/* Called after every read that succeeded, with the bytes read (--save
 * stores them as ranges). */
typedef void (*vlp_guestmem_record_fn)(void *arg, uint64_t pa, const void *bytes, size_t len);

/* Opens an ELF64 little-endian core file (path NULL: /proc/kcore).  Errors
 * have a one-line reason: -ENOENT no such file, -EACCES not root, -EPERM
 * kernel lockdown or no CAP_SYS_RAWIO, -EINVAL not an ELF64 LE core or no
 * segment with a physical address. */
VLP_API int vlp_guestmem_open_kcore(struct vlp_ctx *ctx, const char *path, struct vlp_guestmem **out);
/* An empty recorded memory; add ranges with vlp_guestmem_add_range. */
VLP_API int vlp_guestmem_new_recorded(struct vlp_ctx *ctx, struct vlp_guestmem **out);
/* Copies len bytes at guest-physical pa (recorded memory only). */
VLP_API int vlp_guestmem_add_range(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa,
				   const void *bytes, size_t len);
/* Reads len (1..VLP_GUESTMEM_READ_MAX) bytes at pa: 0, or -EFAULT when the
 * range is not wholly inside one segment/range, -E2BIG above the maximum,
 * -EIO on a failed read; the message names the address. */
VLP_API int vlp_guestmem_read(struct vlp_ctx *ctx, struct vlp_guestmem *mem, uint64_t pa, void *buf,
			      size_t len);
VLP_API void vlp_guestmem_set_record(struct vlp_guestmem *mem, vlp_guestmem_record_fn fn, void *arg);
/* Bytes served by vlp_guestmem_read so far. */
VLP_API uint64_t vlp_guestmem_bytes_read(const struct vlp_guestmem *mem);
/* The readable ranges (kcore segments or recorded ranges), in order of
 * addition; vlp_guestmem_range_at gives -ERANGE past the end. */
VLP_API size_t vlp_guestmem_range_count(const struct vlp_guestmem *mem);
VLP_API int vlp_guestmem_range_at(const struct vlp_guestmem *mem, size_t i, uint64_t *pa,
				  uint64_t *len);
/* "kcore" or "recorded". */
VLP_API const char *vlp_guestmem_kind(const struct vlp_guestmem *mem);
VLP_API void vlp_guestmem_free(struct vlp_guestmem *mem);

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

VLP_API const struct vlp_field_table *vlp_split_desc_table(void);  /* virtq_desc, 2.7.5 */
VLP_API const struct vlp_field_table *vlp_avail_table(void);       /* virtq_avail, 2.7.6 */
VLP_API const struct vlp_field_table *vlp_used_table(void);        /* virtq_used, 2.7.8 */
VLP_API const struct vlp_field_table *vlp_used_elem_table(void);   /* virtq_used_elem, 2.7.8 */
VLP_API const struct vlp_field_table *vlp_packed_desc_table(void); /* pvirtq_desc, 2.8.13 */
VLP_API const struct vlp_field_table *vlp_event_suppress_table(void); /* pvirtq_event_suppress, 2.8.14 */
/* Offset of a row in a ring structure of queue_size entries. */
VLP_API unsigned vlp_ring_field_offset(const struct vlp_field_table *table,
				       const struct vlp_field *field, unsigned queue_size);
/* Reads a field (width 1, 2, 4 or 8, little-endian) from the bytes of a
 * structure that starts at base (the caller has read the bytes it spans). */
VLP_API uint64_t vlp_field_read_mem(const struct vlp_field *field, const uint8_t *base);

/* Descriptor flag bits (VLP_NAMES_BITS): split NEXT, WRITE, INDIRECT
 * (2.7.5); packed adds AVAIL (bit 7) and USED (bit 15) (2.8.1). */
#define VLP_DESC_F_NEXT 0x1u
#define VLP_DESC_F_WRITE 0x2u
#define VLP_DESC_F_INDIRECT 0x4u
#define VLP_DESC_F_AVAIL 0x80u
#define VLP_DESC_F_USED 0x8000u
#define VLP_AVAIL_F_NO_INTERRUPT 0x1u /* 2.7.6 */
#define VLP_USED_F_NO_NOTIFY 0x1u     /* 2.7.8 */
#define VLP_EVENT_F_ENABLE 0x0u       /* 2.8.10: desc_event_flags values */
#define VLP_EVENT_F_DISABLE 0x1u
#define VLP_EVENT_F_DESC 0x2u
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
/* The format in use: legacy interface (BAR0 of a legacy or transitional
 * device driven as legacy), else packed when RING_PACKED is negotiated. */
VLP_API enum vlp_ring_format vlp_ring_format_for(uint64_t negotiated, bool legacy_interface);
/* Legacy layout (2.7.2 with Queue Align 4096, 4.1.5.1.3.1): descriptors at
 * pfn x 4096, the available ring right after them, the used ring at the
 * next 4096 boundary after the available ring (including used_event). */
VLP_API void vlp_ring_legacy_layout(uint32_t pfn, unsigned queue_size, uint64_t *desc,
				    uint64_t *avail, uint64_t *used);

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
/* Indirect tables followed per ring, in bytes: bounds a hostile ring. */
#define VLP_RING_INDIRECT_BUDGET (8u << 20)
#define VLP_RING_SIZE_MAX 32768u /* 2.7, 2.8: queue size at most 2^15 */

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
};

/* Reads the ring's areas once each (bounded), then decodes it.  Memory that
 * cannot be read (outside RAM, or a read failure) is a "ring-memory"
 * finding, not an error: *out is always set on 0.  <0 (message in ctx):
 * bad parameters (size 0 or above 32768) or no memory.  Nothing loops or
 * reads without bound, whatever the memory holds. */
VLP_API int vlp_ring_read(struct vlp_ctx *ctx, struct vlp_guestmem *mem,
			  const struct vlp_ring_params *p, struct vlp_ring **out);
VLP_API void vlp_ring_free(struct vlp_ring *ring);

/* The ring checks the decoder reports (id, section of the split-ring rule;
 * the packed rule's section is in each finding), for the checker's table. */
VLP_API size_t vlp_ring_check_count(void);
VLP_API const struct vlp_check *vlp_ring_check_at(size_t index); /* NULL past the end */

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
};

struct vlp_verdict {
	enum vlp_verdict_state state;
	const char *section; /* the spec rule it rests on, NULL: none */
	char evidence[320];  /* one sentence naming the numbers */
	bool rates_valid;    /* two samples or more, time passed */
	double avail_per_s, used_per_s;
	bool irq_rate_valid; /* and the IRQ was counted in each */
	double irq_per_s;
};

/* The verdict of one queue over its samples: pure, no I/O. */
VLP_API void vlp_verdict_judge(const struct vlp_verdict_input *in, struct vlp_verdict *out);
/* The plain numbers of a decoded ring (t and the IRQ are left to the
 * caller). */
VLP_API void vlp_queue_sample_from_ring(const struct vlp_ring *ring, struct vlp_queue_sample *s);
/* 2.7.8.2 across two reads of a split ring: a chain in flight in before
 * (head, device-writable bytes) whose used entry is in after with a larger
 * len.  Judged: chains at avail positions below settled (published before
 * the read ahead of before: their descriptors were in place when before
 * read the table) that completed in order.  Appends warnings (check
 * "ring-used-len") to *findings (at most VLP_RING_FINDINGS_MAX in all);
 * after must keep the used entries since before (last_used >= their
 * count).  0, or -ENOMEM. */
VLP_API int vlp_ring_used_len_check(const struct vlp_ring *before, uint16_t settled,
				    const struct vlp_ring *after, struct vlp_finding **findings,
				    size_t *nfindings);

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
	/* private to rings.c: the memory read from, and what a sample keeps */
	struct vlp_guestmem *mem;
	unsigned last_used;
};

struct vlp_rings_opts {
	/* Live devices: guest memory, normally vlp_guestmem_open_kcore(); NULL
	 * with mem_error saying why it could not be opened.  Snapshots use the
	 * ring memory they recorded. */
	struct vlp_guestmem *mem;
	const char *mem_error;
	unsigned last_used;   /* used entries to keep per ring (0: VLP_RING_LAST_USED) */
	const char *sys_root; /* where sysfs is (tests); NULL: /sys */
};

/* Reads the ring of every enabled queue of the state (no device access:
 * registers come from state).  A ring that cannot be read is not an error:
 * its error, or the device's when none can be (a dump, no guest memory,
 * ring addresses that are IOVAs), says why.  With a snapshot recording
 * started (vlp_snapshot_start), the memory read goes into the snapshot. */
VLP_API int vlp_read_rings(struct vlp_ctx *ctx, struct vlp_device *dev,
			   const struct vlp_layout *layout, const struct vlp_state *state,
			   const struct vlp_rings_opts *opts, struct vlp_rings **out);
/* Reads every ring read before again, from memory only (no register, no
 * BAR access): the next sample.  It judges used.len across the reads it
 * makes (sample_findings). */
VLP_API int vlp_rings_sample(struct vlp_ctx *ctx, struct vlp_rings *rings);
VLP_API void vlp_rings_free(struct vlp_rings *rings);
/* The negotiated feature words (device's AND driver's) of a state; a word
 * not read counts as 0. */
VLP_API void vlp_state_negotiated(const struct vlp_state *s, uint32_t words[VLP_FEATURE_WORDS]);

/* ------------------------------------------------------------------ */
/* Asking Linux (host.c): sysfs and procfs, one root each              */
/* ------------------------------------------------------------------ */

/* Every path under sysfs or procfs is made in host.c.  A sys_root names
 * where sysfs is (unit tests: a synthetic tree); NULL: /sys. */

/* "SYS/bus/pci/devices/SLOT", with "/leaf" when leaf is not NULL; returns
 * what snprintf returns. */
VLP_API int vlp_host_slot_path(char *buf, size_t len, const char *sys_root,
			       const struct vlp_slot *slot, const char *leaf);
/* The driver bound to the function now (the last component of its driver
 * link): true, or false with driver "" when none is bound or the slot is
 * not in sysfs. */
VLP_API bool vlp_host_driver(const char *sys_root, const struct vlp_slot *slot, char *driver,
			     size_t len);
/* Whether sysfs still lists the function: 0, or -errno of the look-up;
 * path gets the directory looked for. */
VLP_API int vlp_host_slot_present(const char *sys_root, const struct vlp_slot *slot, char *path,
				  size_t len);
/* Linux's physical memory as an ELF core: /proc/kcore. */
VLP_API const char *vlp_host_kcore_path(void);
#define VLP_KCORE_PATH (vlp_host_kcore_path())

/* ------------------------------------------------------------------ */
/* The sampler (sampler.c): read, record, sample, judge                */
/* ------------------------------------------------------------------ */

/* One queue between two samples (vlp_queue_sample counters: modulo 2^16
 * split, 2 x size packed), per second. */
struct vlp_queue_rates {
	bool valid; /* the same ring format (and size), time passed */
	double avail_per_s, used_per_s;
	bool used_moved; /* split: used.idx moved; packed: the lists in flight changed */
	bool irq_valid;  /* the vector's Linux IRQ was counted both times */
	double irq_per_s;
};
/* Pure: no I/O (verdict.c). */
VLP_API void vlp_queue_rates(const struct vlp_queue_sample *before,
			     const struct vlp_queue_sample *after, struct vlp_queue_rates *out);

/* Whether a driver uses the legacy interface of a state's device: the
 * one answer to "legacy or modern?" for registers, queues, vectors and
 * rings.  Without VIRTIO_F_VERSION_1 among the driver's features a
 * transitional device is driven through the legacy interface, which cannot
 * offer bit 32 (6; 4.1.4.10); a device with one interface has that one. */
VLP_API bool vlp_legacy_interface_in_use(const struct vlp_state *s);

/* Appends what every read queue shows now to its samples (t in seconds;
 * irqs: Linux's counts now, NULL when unknown: the count of the IRQ of
 * each queue's vector). */
VLP_API int vlp_rings_record(struct vlp_ctx *ctx, struct vlp_rings *rings,
			     const struct vlp_irqs *irqs, double t);
/* Each queue's verdict over its samples; the MSI-X mask and pending bits
 * come from state (the first read).  unsampled_why, when not NULL, makes
 * every verdict not-sampled with that reason. */
VLP_API void vlp_rings_judge(struct vlp_rings *rings, const struct vlp_state *state,
			     const char *unsampled_why);

struct vlp_sample_opts {
	unsigned count;                    /* reads in all, the one already made included */
	unsigned interval_ms;              /* between the reads of a live device */
	const struct vlp_irq_roots *roots; /* where procfs and sysfs are; NULL: /proc, /sys */
	const char *one_read_why; /* a face's words for a verdict from one read; NULL: the library's */
};

/* A series of reads (--sample): the rings were just read with the state
 * (the first read, recorded here with *irqs); then count-1 more reads of
 * ring memory and of Linux's IRQ counts, interval_ms apart, and no BAR
 * access.  A snapshot holds one moment: its reads repeat it without
 * waiting, and every verdict says so.  Each queue is judged at the end
 * (vlp_rings_judge), also after a failed read.  *irqs becomes the last
 * read's (read again only when *irqs was given).  0, or the error of the
 * read that failed: *failed its number (1-based), 0 when it was not a
 * read of ring memory. */
VLP_API int vlp_rings_sample_series(struct vlp_ctx *ctx, const struct vlp_device *dev,
				    const struct vlp_state *state, struct vlp_rings *rings,
				    const struct vlp_sample_opts *opts, struct vlp_irqs **irqs,
				    unsigned *failed);
/* One step of a sliding series (the live view): records what every read
 * ring shows now (t seconds; irqs: Linux's counts now, NULL unknown),
 * keeps each queue's newest window samples (a ring not read, or read in
 * another format, starts over) and judges each queue over them; a
 * snapshot's steps repeat one moment and are judged not-sampled.  Rates
 * between the last two samples: vlp_queue_rates. */
VLP_API int vlp_rings_step(struct vlp_ctx *ctx, const struct vlp_device *dev,
			   const struct vlp_state *state, struct vlp_rings *rings,
			   const struct vlp_irqs *irqs, double t, unsigned window);
/* Carries the samples of before's queues over to the same queues of rings
 * (rings read again at the same addresses), where the ring was read in the
 * same format.  0 or -ENOMEM. */
VLP_API int vlp_rings_keep_samples(struct vlp_rings *rings, const struct vlp_rings *before);

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

/* The search alone, against any "accepted?" oracle: the full offered set
 * first; when refused, the pinned bits alone (or none) as a base grown by
 * bisection to the largest accepted set, the bits that cannot be added
 * being "rejected"; then bisection over the accepted set's bits for the
 * "required" ones.  Pinned bits stay in every bisection candidate (a
 * driver must accept VIRTIO_F_VERSION_1, 6.1, and devices skip checks
 * without it) and are tested one by one.  Each found bit is confirmed by
 * a candidate of its own.  -E2BIG past max_tries candidates. */
VLP_API int vlp_negotiate_search(struct vlp_ctx *ctx, const uint32_t offered[VLP_FEATURE_WORDS],
				 const uint32_t pinned[VLP_FEATURE_WORDS], unsigned max_tries,
				 vlp_negotiate_try_fn try_fn, void *arg,
				 struct vlp_negotiate_result *out);
/* One candidate on the device (3.1.1): reset (read back as 0),
 * ACKNOWLEDGE, DRIVER, every driver feature word, FEATURES_OK, then
 * device_status read back (*status_out, may be NULL).  Needs the modern
 * interface (the legacy one has no FEATURES_OK) and writable BAR access.
 * Leaves the device mid-initialization: the caller resets it. */
VLP_API int vlp_negotiate_try(struct vlp_ctx *ctx, struct vlp_device *dev,
			      const struct vlp_layout *layout, const uint32_t words[VLP_FEATURE_WORDS],
			      bool *accepted, uint8_t *status_out);
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
/* len bytes, zeroed.  VLP_DMA_HUGETLB or _LOCKED: a huge page when len is
 * above a page and the pool has one, else locked pages; physical addresses
 * from /proc/self/pagemap (-EPERM with the reason when it hides them: not
 * root).  VLP_DMA_PLAIN: addresses are plain_base + offset. */
VLP_API int vlp_dma_alloc(struct vlp_ctx *ctx, size_t len, enum vlp_dma_kind kind,
			  uint64_t plain_base, struct vlp_dma **out);
VLP_API void *vlp_dma_ptr(const struct vlp_dma *m);
VLP_API size_t vlp_dma_len(const struct vlp_dma *m);
VLP_API enum vlp_dma_kind vlp_dma_kind(const struct vlp_dma *m);
/* The physical address of len bytes at off: -ENOSPC when they are not
 * physically contiguous, -ERANGE outside the allocation. */
VLP_API int vlp_dma_pa(struct vlp_ctx *ctx, const struct vlp_dma *m, size_t off, size_t len,
		       uint64_t *pa);
VLP_API void vlp_dma_free(struct vlp_dma *m);
/* 0 when the device sees physical addresses: no IOMMU group, or a group of
 * type identity (sysfs, sys_root NULL: /sys); -EOPNOTSUPP with the reason
 * when an IOMMU translates (the addresses would be IOVAs). */
VLP_API int vlp_dma_check_device(struct vlp_ctx *ctx, const struct vlp_slot *slot,
				 const char *sys_root);

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
VLP_API int vlp_vq_new(struct vlp_ctx *ctx, unsigned size, enum vlp_ring_format format,
		       uint64_t features, enum vlp_dma_kind kind, uint64_t plain_base,
		       struct vlp_vq **out);
VLP_API const struct vlp_vq_info *vlp_vq_info(const struct vlp_vq *vq);
VLP_API uint8_t *vlp_vq_area(struct vlp_vq *vq, enum vlp_vq_area a);
/* Makes one buffer of len bytes available (data_len bytes of data copied
 * into it): a descriptor, device-writable or not, then avail (2.7.13,
 * 2.8.21).  *id: the buffer id the used entry will carry. */
VLP_API int vlp_vq_post(struct vlp_ctx *ctx, struct vlp_vq *vq, bool device_writable,
			const void *data, size_t data_len, size_t len, unsigned *id);
/* Makes a chain of n buffers available as one (2.7.5 NEXT, split rings
 * only: -EOPNOTSUPP on a packed one); device-writable buffers last
 * (2.7.4.2).  *id: the head, which the used entry will carry. */
VLP_API int vlp_vq_post_chain(struct vlp_ctx *ctx, struct vlp_vq *vq, const struct vlp_vq_seg *segs,
			      unsigned n, unsigned *id);
/* Takes the used entries that arrived (at most max): -EPROTO when the
 * device returned an id not in flight or moved used.idx too far. */
VLP_API int vlp_vq_reap(struct vlp_ctx *ctx, struct vlp_vq *vq, struct vlp_vq_used *out, size_t max,
			size_t *n);
/* Copies the rings and buffers into recorded guest memory (vlp_ring_read). */
VLP_API int vlp_vq_add_to_guestmem(struct vlp_ctx *ctx, const struct vlp_vq *vq,
				   struct vlp_guestmem *mem);
VLP_API void vlp_vq_free(struct vlp_vq *vq);

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
VLP_API unsigned vlp_vqs_count(const struct vlp_vqs *vqs); /* num_queues */
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
VLP_API int vlp_vqs_post_chain(struct vlp_ctx *ctx, struct vlp_vqs *vqs, unsigned q,
			       const struct vlp_vq_seg *segs, unsigned n, unsigned *id);
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
#define VLP_SELFTEST_NET_HDR 12 /* struct virtio_net_hdr with VIRTIO_F_VERSION_1 (5.1.6) */
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
/* The name of the test a device type gets ("init" for initialization and
 * reset only). */
VLP_API const char *vlp_selftest_test_name(unsigned device_type);
/* Runs the self-test; a negative errno (message in ctx) when refused
 * before anything was written (vlp_vqs_open's refusals), else 0 with
 * every step, passed or not, in out.  A dry run writes nothing (the
 * trace sees each write) and stops after DRIVER_OK: see dry_run. */
VLP_API int vlp_selftest(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
			 const struct vlp_vqs_opts *opts, struct vlp_selftest_result *out);
/* A block request's header (5.2.6): type, reserved 0, sector, little-endian. */
VLP_API void vlp_selftest_blk_header(uint8_t hdr[VLP_SELFTEST_BLK_HDR], uint32_t type, uint64_t sector);
/* The self-test's frame with its virtio_net_hdr (5.1.6) into buf: the
 * bytes written, 0 when len is too small. */
VLP_API size_t vlp_selftest_net_frame(uint8_t *buf, size_t len, const uint8_t mac[6]);
/* A virtio-scsi request's lun field (5.6.6.1) for target and LUN. */
VLP_API void vlp_selftest_scsi_lun(uint8_t lun[8], unsigned target, unsigned lun_number);
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
	VLP_DRIVE_SNAPSHOT,      /* a snapshot is read-only */
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
/* 3.1.1 step 7: gives queue q a ring in the memory of vqs (vq.c) and
 * enables it; size 0: the device's maximum (at most VLP_VQ_SIZE_MAX). */
VLP_API int vlp_drive_queue_setup(struct vlp_drive *d, struct vlp_vqs *vqs, unsigned q,
				  unsigned size, const struct vlp_vq_info **info);
/* 3.1.1 step 8: DRIVER_OK, and device_status read back. */
VLP_API int vlp_drive_driver_ok(struct vlp_drive *d, uint64_t *back);

#ifdef __cplusplus
}
#endif
#endif /* VLP_H */
