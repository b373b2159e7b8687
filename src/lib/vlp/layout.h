/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: the decoded layout: header, BARs, capabilities, virtio structures, MSI-X, findings.  Part of <vlp.h>. */
#ifndef VLP_LAYOUT_H
#define VLP_LAYOUT_H

#include "base.h"
#include "spec.h"
#include "tables.h"
#include "devices.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
}
#endif
#endif /* VLP_LAYOUT_H */
