/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: field tables, one per register block, their row enums, the device-type registry, names.  Part of <vlp.h>. */
#ifndef VLP_TABLES_H
#define VLP_TABLES_H

#include "base.h"
#include "spec.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vlp_device;
struct vlp_field_value;
struct vlp_regs;
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
/* One fact, one name: a vector masked (Vector Control or the Function Mask)
 * with its Pending Bit set holds its interrupt until it is unmasked (PCI
 * Local Bus 3.0, 6.8.2).  The check that reports it (--check) and the
 * interrupt-not-delivered verdict resting on it (--rings, --top) name it by
 * this check id and cite this section. */
#define VLP_MSIX_HELD_CHECK "irq-masked-pending"
#define VLP_MSIX_HELD_SECTION "PCI 6.8.2"
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
/* The field's value within the register value reg: its bits (shift, mask)
 * and VLP_FIELD_PLUS_ONE applied. */
VLP_API uint64_t vlp_field_extract(const struct vlp_field *field, uint64_t reg);

/* Register blocks behind the BARs. */
VLP_API const struct vlp_field_table *vlp_common_cfg_table(void);    /* 4.1.4.3 */
VLP_API const struct vlp_field_table *vlp_legacy_header_table(void); /* 4.1.4.10 */
VLP_API const struct vlp_field_table *vlp_msix_entry_table(void);    /* PCI MSI-X table entry */
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

/* Feature bits (kind VLP_NAMES_BITS, sorted by bit): those of a device
 * type (its chapter; never NULL, possibly empty) and those of the transport
 * and reserved range (chapter 6). */
VLP_API const struct vlp_names *vlp_device_feature_names(unsigned device_type);
/* Whether bit is set in feature words (false for NULL words or a bit past
 * them). */
VLP_API bool vlp_feature_on(const uint32_t words[VLP_FEATURE_WORDS], unsigned bit);
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

#ifdef __cplusplus
}
#endif
#endif /* VLP_TABLES_H */
