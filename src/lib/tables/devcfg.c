/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-specific configuration layouts (struct virtio_<type>_config) of
 * the device types of chapter 5, virtio spec 1.4: one field table per type.
 *
 * Rows follow the spec's struct: byte offsets with natural alignment as
 * written, nested members flattened as "outer.inner" (JSON key
 * "outer_inner").  64-bit fields are two 32-bit halves, low first
 * (4.1.3.1: the driver reads them as two 32-bit accesses).  Byte arrays are
 * width 1 with a count.  .feature names the bit a field "exists only if" or
 * is "valid only if"; where the spec names two, the comment says which one
 * was kept.  Padding and reserved members are left out, except blk unused0
 * and unused1, which 5.2.5.2 requires to be zero.
 *
 * tests/unit/test_tables.c checks every table: sorted, no overlap, inside
 * size, aligned, unique names, feature bits named.
 */
#include "internal.h"

/* A scalar whose JSON key is its name. */
#define ROW(n, off, w, acc, fl, nm, feat, hlp)                                                     \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = w, .access = acc, .flags = fl,   \
		.names = nm, .feature = feat, .help = hlp                                          \
	}
/* A member of a nested struct: "outer.inner", JSON key "outer_inner". */
#define SUB(n, key, off, w, acc, fl, nm, feat, hlp)                                                \
	{                                                                                          \
		.name = n, .json_key = key, .offset = off, .width = w, .access = acc, .flags = fl, \
		.names = nm, .feature = feat, .help = hlp                                          \
	}
/* cnt elements of w bytes each. */
#define ARR(n, off, w, cnt, acc, fl, feat, hlp)                                                    \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = w, .count = cnt, .access = acc,  \
		.flags = fl, .feature = feat, .help = hlp                                          \
	}
/* A le64 read as two 32-bit halves, high half at off + 4 (4.1.3.1). */
#define ROW64(n, key, off, acc, fl, feat, hlp)                                                     \
	{                                                                                          \
		.name = n, .json_key = key, .offset = off, .width = 4, .hi_offset = (off) + 4,     \
		.access = acc, .flags = fl, .feature = feat, .help = hlp                           \
	}

#define ALWAYS 0
#define F(bit) VLP_FEATURE(bit) /* bit: its vlp.h constant, e.g. VLP_NET_F_MAC */
#define HEX VLP_FIELD_HEX
#define DEC VLP_FIELD_DECIMAL
#define ENUMS(arr) NAMES(VLP_NAMES_ENUM, arr)
#define BITS(arr) NAMES(VLP_NAMES_BITS, arr)

/* ------------------------------------------------------------------ */
/* 5.1.4 Network device: struct virtio_net_config                      */
/* ------------------------------------------------------------------ */

/* VIRTIO_NET_S_LINK_UP 1, VIRTIO_NET_S_ANNOUNCE 2 (bit numbers 0, 1). */
static const struct vlp_name net_status_bits[] = {
	{ 0, "VIRTIO_NET_S_LINK_UP" },
	{ 1, "VIRTIO_NET_S_ANNOUNCE" },
};
static const struct vlp_names net_status_names = BITS(net_status_bits);

static const struct vlp_name net_speed_vals[] = {
	{ 0xffffffffu, "unknown" },
};
static const struct vlp_names net_speed_names = ENUMS(net_speed_vals);

/* 5.1.4: "0x01 for full duplex, 0x00 for half duplex and 0xff for unknown"
 * (5.1.4.1 swaps full and half; Linux and QEMU follow 5.1.4). */
static const struct vlp_name net_duplex_vals[] = {
	{ 0x00, "half" },
	{ 0x01, "full" },
	{ 0xff, "unknown" },
};
static const struct vlp_names net_duplex_names = ENUMS(net_duplex_vals);

/* 5.1.6.4.3.1 Supported/enabled hash types. */
static const struct vlp_name net_hash_type_bits[] = {
	{ 0, "VIRTIO_NET_HASH_TYPE_IPv4" },   { 1, "VIRTIO_NET_HASH_TYPE_TCPv4" },
	{ 2, "VIRTIO_NET_HASH_TYPE_UDPv4" },  { 3, "VIRTIO_NET_HASH_TYPE_IPv6" },
	{ 4, "VIRTIO_NET_HASH_TYPE_TCPv6" },  { 5, "VIRTIO_NET_HASH_TYPE_UDPv6" },
	{ 6, "VIRTIO_NET_HASH_TYPE_IP_EX" },  { 7, "VIRTIO_NET_HASH_TYPE_TCP_EX" },
	{ 8, "VIRTIO_NET_HASH_TYPE_UDP_EX" },
};
static const struct vlp_names net_hash_type_names = BITS(net_hash_type_bits);

/* Encapsulation types supported/enabled for inner header hash (5.1.6.4). */
static const struct vlp_name net_tunnel_type_bits[] = {
	{ 0, "VIRTIO_NET_HASH_TUNNEL_TYPE_GRE_2784" },
	{ 1, "VIRTIO_NET_HASH_TUNNEL_TYPE_GRE_2890" },
	{ 2, "VIRTIO_NET_HASH_TUNNEL_TYPE_GRE_7676" },
	{ 3, "VIRTIO_NET_HASH_TUNNEL_TYPE_GRE_UDP" },
	{ 4, "VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN" },
	{ 5, "VIRTIO_NET_HASH_TUNNEL_TYPE_VXLAN_GPE" },
	{ 6, "VIRTIO_NET_HASH_TUNNEL_TYPE_GENEVE" },
	{ 7, "VIRTIO_NET_HASH_TUNNEL_TYPE_IPIP" },
	{ 8, "VIRTIO_NET_HASH_TUNNEL_TYPE_NVGRE" },
};
static const struct vlp_names net_tunnel_type_names = BITS(net_tunnel_type_bits);

/* All read-only for the driver (5.1.4.2); mac was driver-writable only in
 * the legacy interface (5.1.4.3). */
static const struct vlp_field net_fields[] = {
	[VLP_NET_MAC] = { .name = "mac",
			  .json_key = "mac",
			  .offset = 0,
			  .width = 1,
			  .count = 6,
			  .access = VLP_RO,
			  .flags = VLP_FIELD_MAC,
			  .feature = F(VLP_NET_F_MAC),
			  .help = "MAC address; always present, valid only with VIRTIO_NET_F_MAC" },
	[VLP_NET_STATUS] = ROW("status", 6, 2, VLP_RO, HEX, &net_status_names, F(VLP_NET_F_STATUS),
			       "link status: bit 0 link up, bit 1 announce needed"),
	/* exists with VIRTIO_NET_F_MQ (22) or VIRTIO_NET_F_RSS (60): MQ kept */
	[VLP_NET_MAX_VIRTQUEUE_PAIRS] =
		ROW("max_virtqueue_pairs", 8, 2, VLP_RO, DEC, NULL, F(VLP_NET_F_MQ),
		    "maximum number of receive/transmit queue pairs (1-0x8000)"),
	[VLP_NET_MTU] = ROW("mtu", 10, 2, VLP_RO, DEC, NULL, F(VLP_NET_F_MTU),
			    "maximum MTU the driver may use (68-65535)"),
	[VLP_NET_SPEED] = ROW("speed", 12, 4, VLP_RO, DEC, &net_speed_names,
			      F(VLP_NET_F_SPEED_DUPLEX), "link speed in Mbit/s; 0xffffffff unknown"),
	[VLP_NET_DUPLEX] = ROW("duplex", 16, 1, VLP_RO, HEX, &net_duplex_names,
			       F(VLP_NET_F_SPEED_DUPLEX), "duplex: 0x00 half, 0x01 full, 0xff unknown"),
	/* exists with VIRTIO_NET_F_RSS (60) or VIRTIO_NET_F_HASH_REPORT (57): RSS kept */
	[VLP_NET_RSS_MAX_KEY_SIZE] = ROW("rss_max_key_size", 17, 1, VLP_RO, DEC, NULL, F(VLP_NET_F_RSS),
					 "maximum RSS key length in bytes (at least 40)"),
	[VLP_NET_RSS_MAX_INDIRECTION_TABLE_LENGTH] =
		ROW("rss_max_indirection_table_length", 18, 2, VLP_RO, DEC, NULL, F(VLP_NET_F_RSS),
		    "maximum number of 16-bit entries in the RSS indirection table"),
	/* exists with VIRTIO_NET_F_RSS (60) or VIRTIO_NET_F_HASH_REPORT (57): RSS kept */
	[VLP_NET_SUPPORTED_HASH_TYPES] =
		ROW("supported_hash_types", 20, 4, VLP_RO, HEX, &net_hash_type_names,
		    F(VLP_NET_F_RSS), "bitmask of supported hash types"),
	[VLP_NET_SUPPORTED_TUNNEL_TYPES] =
		ROW("supported_tunnel_types", 24, 4, VLP_RO, HEX, &net_tunnel_type_names,
		    F(VLP_NET_F_HASH_TUNNEL),
		    "bitmask of encapsulation types supported for inner header hash"),
};
ROWS_MATCH(net_fields, VLP_NET_ROWS);

/* ------------------------------------------------------------------ */
/* 5.2.4 Block device: struct virtio_blk_config                        */
/* ------------------------------------------------------------------ */

/* 5.2.5: 0 writethrough, 1 writeback. */
static const struct vlp_name blk_writeback_vals[] = {
	{ 0, "writethrough" },
	{ 1, "writeback" },
};
static const struct vlp_names blk_writeback_names = ENUMS(blk_writeback_vals);

static const struct vlp_name blk_zoned_model_vals[] = {
	{ 0, "VIRTIO_BLK_Z_NONE" },
	{ 1, "VIRTIO_BLK_Z_HM" },
	{ 2, "VIRTIO_BLK_Z_HA" },
};
static const struct vlp_names blk_zoned_model_names = ENUMS(blk_zoned_model_vals);

static const struct vlp_field blk_fields[] = {
	[VLP_BLK_CAPACITY] = ROW64("capacity", "capacity", 0, VLP_RO, DEC, ALWAYS,
				   "device size in 512-byte sectors"),
	[VLP_BLK_SIZE_MAX] = ROW("size_max", 8, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_SIZE_MAX),
				 "maximum size of any single segment, bytes"),
	[VLP_BLK_SEG_MAX] = ROW("seg_max", 12, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_SEG_MAX),
				"maximum number of segments in a request"),
	[VLP_BLK_GEOMETRY_CYLINDERS] =
		SUB("geometry.cylinders", "geometry_cylinders", 16, 2, VLP_RO, DEC, NULL,
		    F(VLP_BLK_F_GEOMETRY), "disk geometry: cylinders"),
	[VLP_BLK_GEOMETRY_HEADS] = SUB("geometry.heads", "geometry_heads", 18, 1, VLP_RO, DEC, NULL,
				       F(VLP_BLK_F_GEOMETRY), "disk geometry: heads"),
	[VLP_BLK_GEOMETRY_SECTORS] = SUB("geometry.sectors", "geometry_sectors", 19, 1, VLP_RO, DEC, NULL,
					 F(VLP_BLK_F_GEOMETRY), "disk geometry: sectors per track"),
	[VLP_BLK_BLK_SIZE] = ROW("blk_size", 20, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_BLK_SIZE),
				 "optimal block size in bytes"),
	[VLP_BLK_TOPOLOGY_PHYSICAL_BLOCK_EXP] =
		SUB("topology.physical_block_exp", "topology_physical_block_exp", 24, 1, VLP_RO,
		    DEC, NULL, F(VLP_BLK_F_TOPOLOGY), "logical blocks per physical block (log2)"),
	[VLP_BLK_TOPOLOGY_ALIGNMENT_OFFSET] =
		SUB("topology.alignment_offset", "topology_alignment_offset", 25, 1, VLP_RO, DEC,
		    NULL, F(VLP_BLK_F_TOPOLOGY), "offset of the first aligned logical block"),
	[VLP_BLK_TOPOLOGY_MIN_IO_SIZE] =
		SUB("topology.min_io_size", "topology_min_io_size", 26, 2, VLP_RO, DEC, NULL,
		    F(VLP_BLK_F_TOPOLOGY), "suggested minimum I/O size in blocks"),
	[VLP_BLK_TOPOLOGY_OPT_IO_SIZE] =
		SUB("topology.opt_io_size", "topology_opt_io_size", 28, 4, VLP_RO, DEC, NULL,
		    F(VLP_BLK_F_TOPOLOGY), "optimal (suggested maximum) I/O size in blocks"),
	/* the driver reads and sets the cache mode here (5.2.5) */
	[VLP_BLK_WRITEBACK] =
		ROW("writeback", 32, 1, VLP_RW, DEC, &blk_writeback_names, F(VLP_BLK_F_CONFIG_WCE),
		    "cache mode: 0 writethrough, 1 writeback (read after FEATURES_OK)"),
	[VLP_BLK_UNUSED0] = ROW("unused0", 33, 1, VLP_RO, HEX, NULL, ALWAYS,
				"padding; the device sets it to 0 (5.2.5.2)"),
	[VLP_BLK_NUM_QUEUES] = ROW("num_queues", 34, 2, VLP_RO, DEC, NULL, F(VLP_BLK_F_MQ),
				   "number of request queues"),
	[VLP_BLK_MAX_DISCARD_SECTORS] =
		ROW("max_discard_sectors", 36, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_DISCARD),
		    "maximum discard sectors in one segment (512-byte units)"),
	[VLP_BLK_MAX_DISCARD_SEG] =
		ROW("max_discard_seg", 40, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_DISCARD),
		    "maximum number of discard segments in a request"),
	[VLP_BLK_DISCARD_SECTOR_ALIGNMENT] =
		ROW("discard_sector_alignment", 44, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_DISCARD),
		    "discard alignment (512-byte units)"),
	[VLP_BLK_MAX_WRITE_ZEROES_SECTORS] =
		ROW("max_write_zeroes_sectors", 48, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_WRITE_ZEROES),
		    "maximum write zeroes sectors in one segment (512-byte units)"),
	[VLP_BLK_MAX_WRITE_ZEROES_SEG] =
		ROW("max_write_zeroes_seg", 52, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_WRITE_ZEROES),
		    "maximum number of write zeroes segments in a request"),
	[VLP_BLK_WRITE_ZEROES_MAY_UNMAP] =
		ROW("write_zeroes_may_unmap", 56, 1, VLP_RO, DEC, NULL, F(VLP_BLK_F_WRITE_ZEROES),
		    "1: write zeroes may deallocate (unmap) sectors"),
	[VLP_BLK_UNUSED1] = ARR("unused1", 57, 1, 3, VLP_RO, HEX, ALWAYS,
				"padding; the device sets it to 0 (5.2.5.2)"),
	[VLP_BLK_MAX_SECURE_ERASE_SECTORS] =
		ROW("max_secure_erase_sectors", 60, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_SECURE_ERASE),
		    "maximum secure erase sectors in one segment (512-byte units)"),
	[VLP_BLK_MAX_SECURE_ERASE_SEG] =
		ROW("max_secure_erase_seg", 64, 4, VLP_RO, DEC, NULL, F(VLP_BLK_F_SECURE_ERASE),
		    "maximum number of secure erase segments in a request"),
	[VLP_BLK_SECURE_ERASE_SECTOR_ALIGNMENT] =
		ROW("secure_erase_sector_alignment", 68, 4, VLP_RO, DEC, NULL,
		    F(VLP_BLK_F_SECURE_ERASE), "secure erase alignment (512-byte units)"),
	[VLP_BLK_ZONED_ZONE_SECTORS] =
		SUB("zoned.zone_sectors", "zoned_zone_sectors", 72, 4, VLP_RO, DEC, NULL,
		    F(VLP_BLK_F_ZONED), "zone size in 512-byte sectors"),
	[VLP_BLK_ZONED_MAX_OPEN_ZONES] =
		SUB("zoned.max_open_zones", "zoned_max_open_zones", 76, 4, VLP_RO, DEC, NULL,
		    F(VLP_BLK_F_ZONED), "maximum number of open zones"),
	[VLP_BLK_ZONED_MAX_ACTIVE_ZONES] =
		SUB("zoned.max_active_zones", "zoned_max_active_zones", 80, 4, VLP_RO, DEC, NULL,
		    F(VLP_BLK_F_ZONED), "maximum number of active zones"),
	[VLP_BLK_ZONED_MAX_APPEND_SECTORS] =
		SUB("zoned.max_append_sectors", "zoned_max_append_sectors", 84, 4, VLP_RO, DEC,
		    NULL, F(VLP_BLK_F_ZONED), "maximum zone append size in 512-byte sectors"),
	[VLP_BLK_ZONED_WRITE_GRANULARITY] =
		SUB("zoned.write_granularity", "zoned_write_granularity", 88, 4, VLP_RO, DEC, NULL,
		    F(VLP_BLK_F_ZONED), "write granularity in bytes"),
	[VLP_BLK_ZONED_MODEL] =
		SUB("zoned.model", "zoned_model", 92, 1, VLP_RO, DEC, &blk_zoned_model_names,
		    F(VLP_BLK_F_ZONED), "zoned model: 0 none, 1 host-managed, 2 host-aware"),
};
ROWS_MATCH(blk_fields, VLP_BLK_ROWS);

/* ------------------------------------------------------------------ */
/* 5.3.4 Console device: struct virtio_console_config                  */
/* ------------------------------------------------------------------ */

/* cols before rows, as in the 1.4 text and Linux (some older texts of the
 * spec listed rows first). */
static const struct vlp_field console_fields[] = {
	[VLP_CONSOLE_NCOLS] = ROW("cols", 0, 2, VLP_RO, DEC, NULL, F(VLP_CONSOLE_F_SIZE),
				  "console width in columns (port 0)"),
	[VLP_CONSOLE_NROWS] = ROW("rows", 2, 2, VLP_RO, DEC, NULL, F(VLP_CONSOLE_F_SIZE),
				  "console height in rows (port 0)"),
	[VLP_CONSOLE_MAX_NR_PORTS] = ROW("max_nr_ports", 4, 4, VLP_RO, DEC, NULL,
					 F(VLP_CONSOLE_F_MULTIPORT), "maximum number of ports"),
	/* write-only: the driver writes a character, even before DRIVER_OK (5.3.5.1) */
	[VLP_CONSOLE_EMERG_WR] = ROW("emerg_wr", 8, 4, VLP_WO, HEX, NULL, F(VLP_CONSOLE_F_EMERG_WRITE),
				     "emergency write: the device outputs the low byte written"),
};
ROWS_MATCH(console_fields, VLP_CONSOLE_ROWS);

/* ------------------------------------------------------------------ */
/* 5.5.4 Traditional memory balloon: struct virtio_balloon_config      */
/* ------------------------------------------------------------------ */

static const struct vlp_field balloon_fields[] = {
	ROW("num_pages", 0, 4, VLP_RO, DEC, NULL, ALWAYS,
	    "number of 4 KiB pages the device wants in the balloon"),
	/* the driver updates actual after inflating or deflating (5.5.6.1) */
	ROW("actual", 4, 4, VLP_RW, DEC, NULL, ALWAYS,
	    "number of pages in the balloon, as reported by the driver"),
	ROW("free_page_hint_cmd_id", 8, 4, VLP_RO, DEC, NULL, F(VLP_BALLOON_F_FREE_PAGE_HINT),
	    "free page hinting command ID"),
	/* the driver writes the value it poisons pages with (5.5.5) */
	ROW("poison_val", 12, 4, VLP_RW, HEX, NULL, F(VLP_BALLOON_F_PAGE_POISON),
	    "value the driver writes to pages after deflating them"),
};

/* ------------------------------------------------------------------ */
/* 5.6.4 SCSI host device: struct virtio_scsi_config                   */
/* ------------------------------------------------------------------ */

/* The driver may write sense_size and cdb_size only (5.6.4.1). */
static const struct vlp_field scsi_fields[] = {
	[VLP_SCSI_NUM_QUEUES] =
		ROW("num_queues", 0, 4, VLP_RO, DEC, NULL, ALWAYS, "number of request queues"),
	[VLP_SCSI_SEG_MAX] = ROW("seg_max", 4, 4, VLP_RO, DEC, NULL, ALWAYS,
				 "maximum number of segments in a command"),
	[VLP_SCSI_MAX_SECTORS] = ROW("max_sectors", 8, 4, VLP_RO, DEC, NULL, ALWAYS,
				     "hint: maximum transfer size in sectors"),
	[VLP_SCSI_CMD_PER_LUN] = ROW("cmd_per_lun", 12, 4, VLP_RO, DEC, NULL, ALWAYS,
				     "maximum number of linked commands per LUN"),
	[VLP_SCSI_EVENT_INFO_SIZE] = ROW("event_info_size", 16, 4, VLP_RO, DEC, NULL, ALWAYS,
					 "maximum size the device fills in eventq buffers"),
	[VLP_SCSI_SENSE_SIZE] = ROW("sense_size", 20, 4, VLP_RW, DEC, NULL, ALWAYS,
				    "maximum sense data size; 96 after reset, driver-writable"),
	[VLP_SCSI_CDB_SIZE] = ROW("cdb_size", 24, 4, VLP_RW, DEC, NULL, ALWAYS,
				  "maximum CDB size; 32 after reset, driver-writable"),
	[VLP_SCSI_MAX_CHANNEL] = ROW("max_channel", 28, 2, VLP_RO, DEC, NULL, ALWAYS,
				     "highest channel number (should be 0)"),
	[VLP_SCSI_MAX_TARGET] = ROW("max_target", 30, 2, VLP_RO, DEC, NULL, ALWAYS,
				    "highest target number (at most 255)"),
	[VLP_SCSI_MAX_LUN] =
		ROW("max_lun", 32, 4, VLP_RO, DEC, NULL, ALWAYS, "highest LUN (at most 16383)"),
};
ROWS_MATCH(scsi_fields, VLP_SCSI_ROWS);

/* ------------------------------------------------------------------ */
/* 9P transport (ID 9): no chapter in the spec; struct virtio_9p_config  */
/* of Linux include/uapi/linux/virtio_9p.h.  The tag itself (tag_len    */
/* bytes at offset 2, not NUL-terminated) has no fixed size and is not  */
/* a row.                                                               */
/* ------------------------------------------------------------------ */

static const struct vlp_field p9_fields[] = {
	ROW("tag_len", 0, 2, VLP_RO, DEC, NULL, F(VLP_9P_MOUNT_TAG),
	    "length of the mount tag that follows at offset 2"),
};

/* ------------------------------------------------------------------ */
/* 5.7.4 GPU device: struct virtio_gpu_config                          */
/* ------------------------------------------------------------------ */

static const struct vlp_name gpu_event_bits[] = {
	{ 0, "VIRTIO_GPU_EVENT_DISPLAY" },
};
static const struct vlp_names gpu_event_names = BITS(gpu_event_bits);

static const struct vlp_field gpu_fields[] = {
	ROW("events_read", 0, 4, VLP_RO, HEX, &gpu_event_names, ALWAYS, "pending events"),
	/* writing 1 to a bit clears it in events_read (5.7.4.1) */
	ROW("events_clear", 4, 4, VLP_WO, HEX, &gpu_event_names, ALWAYS,
	    "write 1 to a bit to clear it in events_read"),
	ROW("num_scanouts", 8, 4, VLP_RO, DEC, NULL, ALWAYS, "maximum number of scanouts (1-16)"),
	ROW("num_capsets", 12, 4, VLP_RO, DEC, NULL, ALWAYS, "maximum number of capability sets"),
	/* new in 1.4 (VIRTIO_GPU_F_BLOB_ALIGNMENT) */
	ROW("blob_alignment", 16, 4, VLP_RO, DEC, NULL, F(VLP_GPU_F_BLOB_ALIGNMENT),
	    "required alignment of blob resource sizes and mappings, bytes"),
};

/* ------------------------------------------------------------------ */
/* 5.8.4 Input device: struct virtio_input_config                      */
/* ------------------------------------------------------------------ */

static const struct vlp_name input_select_vals[] = {
	{ 0x00, "VIRTIO_INPUT_CFG_UNSET" },     { 0x01, "VIRTIO_INPUT_CFG_ID_NAME" },
	{ 0x02, "VIRTIO_INPUT_CFG_ID_SERIAL" }, { 0x03, "VIRTIO_INPUT_CFG_ID_DEVIDS" },
	{ 0x10, "VIRTIO_INPUT_CFG_PROP_BITS" }, { 0x11, "VIRTIO_INPUT_CFG_EV_BITS" },
	{ 0x12, "VIRTIO_INPUT_CFG_ABS_INFO" },
};
static const struct vlp_names input_select_names = ENUMS(input_select_vals);

/* The driver writes select and subsel only (5.8.5.1); size and u depend on
 * them. */
static const struct vlp_field input_fields[] = {
	[VLP_INPUT_SELECT] = ROW("select", 0, 1, VLP_RW, HEX | VLP_FIELD_SELECTOR,
				 &input_select_names, ALWAYS, "what to query (VIRTIO_INPUT_CFG_*)"),
	[VLP_INPUT_SUBSEL] = ROW("subsel", 1, 1, VLP_RW, HEX | VLP_FIELD_SELECTOR, NULL, ALWAYS,
				 "sub-selector: event type or axis, depending on select"),
	[VLP_INPUT_SIZE] = ROW("size", 2, 1, VLP_RO, DEC, NULL, ALWAYS,
			       "bytes of u valid for this select/subsel; 0 unsupported"),
	[VLP_INPUT_U] = ARR("u", 8, 1, 128, VLP_RO, HEX, ALWAYS,
			    "answer: string, bitmap, absinfo or devids, per select"),
};
ROWS_MATCH(input_fields, VLP_INPUT_ROWS);

/* ------------------------------------------------------------------ */
/* 5.9.5 Crypto device: struct virtio_crypto_config                    */
/* ------------------------------------------------------------------ */

static const struct vlp_name crypto_status_bits[] = {
	{ 0, "VIRTIO_CRYPTO_S_HW_READY" },
};
static const struct vlp_names crypto_status_names = BITS(crypto_status_bits);

/* 5.9.4 Supported crypto services: the constants are bit numbers. */
static const struct vlp_name crypto_service_bits[] = {
	{ 0, "VIRTIO_CRYPTO_SERVICE_CIPHER" },   { 1, "VIRTIO_CRYPTO_SERVICE_HASH" },
	{ 2, "VIRTIO_CRYPTO_SERVICE_MAC" },      { 3, "VIRTIO_CRYPTO_SERVICE_AEAD" },
	{ 4, "VIRTIO_CRYPTO_SERVICE_AKCIPHER" },
};
static const struct vlp_names crypto_service_names = BITS(crypto_service_bits);

/* 5.9.4.1 CIPHER services (all below 32: cipher_algo_l). */
static const struct vlp_name crypto_cipher_bits[] = {
	{ 0, "VIRTIO_CRYPTO_NO_CIPHER" },         { 1, "VIRTIO_CRYPTO_CIPHER_ARC4" },
	{ 2, "VIRTIO_CRYPTO_CIPHER_AES_ECB" },    { 3, "VIRTIO_CRYPTO_CIPHER_AES_CBC" },
	{ 4, "VIRTIO_CRYPTO_CIPHER_AES_CTR" },    { 5, "VIRTIO_CRYPTO_CIPHER_DES_ECB" },
	{ 6, "VIRTIO_CRYPTO_CIPHER_DES_CBC" },    { 7, "VIRTIO_CRYPTO_CIPHER_3DES_ECB" },
	{ 8, "VIRTIO_CRYPTO_CIPHER_3DES_CBC" },   { 9, "VIRTIO_CRYPTO_CIPHER_3DES_CTR" },
	{ 10, "VIRTIO_CRYPTO_CIPHER_KASUMI_F8" }, { 11, "VIRTIO_CRYPTO_CIPHER_SNOW3G_UEA2" },
	{ 12, "VIRTIO_CRYPTO_CIPHER_AES_F8" },    { 13, "VIRTIO_CRYPTO_CIPHER_AES_XTS" },
	{ 14, "VIRTIO_CRYPTO_CIPHER_ZUC_EEA3" },
};
static const struct vlp_names crypto_cipher_names = BITS(crypto_cipher_bits);

/* 5.9.4.2 HASH services. */
static const struct vlp_name crypto_hash_bits[] = {
	{ 0, "VIRTIO_CRYPTO_NO_HASH" },
	{ 1, "VIRTIO_CRYPTO_HASH_MD5" },
	{ 2, "VIRTIO_CRYPTO_HASH_SHA1" },
	{ 3, "VIRTIO_CRYPTO_HASH_SHA_224" },
	{ 4, "VIRTIO_CRYPTO_HASH_SHA_256" },
	{ 5, "VIRTIO_CRYPTO_HASH_SHA_384" },
	{ 6, "VIRTIO_CRYPTO_HASH_SHA_512" },
	{ 7, "VIRTIO_CRYPTO_HASH_SHA3_224" },
	{ 8, "VIRTIO_CRYPTO_HASH_SHA3_256" },
	{ 9, "VIRTIO_CRYPTO_HASH_SHA3_384" },
	{ 10, "VIRTIO_CRYPTO_HASH_SHA3_512" },
	{ 11, "VIRTIO_CRYPTO_HASH_SHA3_SHAKE128" },
	{ 12, "VIRTIO_CRYPTO_HASH_SHA3_SHAKE256" },
};
static const struct vlp_names crypto_hash_names = BITS(crypto_hash_bits);

/* 5.9.4.3 MAC services, bits 0-31 (mac_algo_l). */
static const struct vlp_name crypto_mac_l_bits[] = {
	{ 0, "VIRTIO_CRYPTO_NO_MAC" },           { 1, "VIRTIO_CRYPTO_MAC_HMAC_MD5" },
	{ 2, "VIRTIO_CRYPTO_MAC_HMAC_SHA1" },    { 3, "VIRTIO_CRYPTO_MAC_HMAC_SHA_224" },
	{ 4, "VIRTIO_CRYPTO_MAC_HMAC_SHA_256" }, { 5, "VIRTIO_CRYPTO_MAC_HMAC_SHA_384" },
	{ 6, "VIRTIO_CRYPTO_MAC_HMAC_SHA_512" }, { 25, "VIRTIO_CRYPTO_MAC_CMAC_3DES" },
	{ 26, "VIRTIO_CRYPTO_MAC_CMAC_AES" },    { 27, "VIRTIO_CRYPTO_MAC_KASUMI_F9" },
	{ 28, "VIRTIO_CRYPTO_MAC_SNOW3G_UIA2" },
};
static const struct vlp_names crypto_mac_l_names = BITS(crypto_mac_l_bits);

/* MAC services 32-63 (mac_algo_h): bit n of the field is algorithm 32 + n. */
static const struct vlp_name crypto_mac_h_bits[] = {
	{ 41 - 32, "VIRTIO_CRYPTO_MAC_GMAC_AES" },
	{ 42 - 32, "VIRTIO_CRYPTO_MAC_GMAC_TWOFISH" },
	{ 49 - 32, "VIRTIO_CRYPTO_MAC_CBCMAC_AES" },
	{ 50 - 32, "VIRTIO_CRYPTO_MAC_CBCMAC_KASUMI_F9" },
	{ 53 - 32, "VIRTIO_CRYPTO_MAC_XCBC_AES" },
	{ 54 - 32, "VIRTIO_CRYPTO_MAC_ZUC_EIA3" },
};
static const struct vlp_names crypto_mac_h_names = BITS(crypto_mac_h_bits);

/* 5.9.4.4 AEAD services. */
static const struct vlp_name crypto_aead_bits[] = {
	{ 0, "VIRTIO_CRYPTO_NO_AEAD" },
	{ 1, "VIRTIO_CRYPTO_AEAD_GCM" },
	{ 2, "VIRTIO_CRYPTO_AEAD_CCM" },
	{ 3, "VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305" },
};
static const struct vlp_names crypto_aead_names = BITS(crypto_aead_bits);

/* 5.9.4.5 AKCIPHER services. */
static const struct vlp_name crypto_akcipher_bits[] = {
	{ 0, "VIRTIO_CRYPTO_NO_AKCIPHER" },
	{ 1, "VIRTIO_CRYPTO_AKCIPHER_RSA" },
	{ 2, "VIRTIO_CRYPTO_AKCIPHER_ECDSA" },
};
static const struct vlp_names crypto_akcipher_names = BITS(crypto_akcipher_bits);

static const struct vlp_field crypto_fields[] = {
	ROW("status", 0, 4, VLP_RO, HEX, &crypto_status_names, ALWAYS,
	    "bit 0 VIRTIO_CRYPTO_S_HW_READY: ready to process requests"),
	ROW("max_dataqueues", 4, 4, VLP_RO, DEC, NULL, ALWAYS, "maximum number of data queues (1-65535)"),
	ROW("crypto_services", 8, 4, VLP_RO, HEX, &crypto_service_names, ALWAYS,
	    "bitmask of offered crypto services"),
	ROW("cipher_algo_l", 12, 4, VLP_RO, HEX, &crypto_cipher_names, ALWAYS,
	    "CIPHER algorithms, bits 0-31"),
	ROW("cipher_algo_h", 16, 4, VLP_RO, HEX, NULL, ALWAYS, "CIPHER algorithms, bits 32-63"),
	ROW("hash_algo", 20, 4, VLP_RO, HEX, &crypto_hash_names, ALWAYS, "HASH algorithms"),
	ROW("mac_algo_l", 24, 4, VLP_RO, HEX, &crypto_mac_l_names, ALWAYS, "MAC algorithms, bits 0-31"),
	ROW("mac_algo_h", 28, 4, VLP_RO, HEX, &crypto_mac_h_names, ALWAYS, "MAC algorithms, bits 32-63"),
	ROW("aead_algo", 32, 4, VLP_RO, HEX, &crypto_aead_names, ALWAYS, "AEAD algorithms"),
	ROW("max_cipher_key_len", 36, 4, VLP_RO, DEC, NULL, ALWAYS, "maximum cipher key length, bytes"),
	ROW("max_auth_key_len", 40, 4, VLP_RO, DEC, NULL, ALWAYS,
	    "maximum authentication key length, bytes"),
	ROW("akcipher_algo", 44, 4, VLP_RO, HEX, &crypto_akcipher_names, ALWAYS,
	    "AKCIPHER algorithms, bits 0-31"),
	ROW64("max_size", "max_size", 48, VLP_RO, DEC, ALWAYS,
	      "maximum size of a request's variable-length content, bytes"),
};

/* ------------------------------------------------------------------ */
/* 5.10.4 Socket device: struct virtio_vsock_config                    */
/* ------------------------------------------------------------------ */

static const struct vlp_field vsock_fields[] = {
	ROW64("guest_cid", "guest_cid", 0, VLP_RO, DEC, ALWAYS,
	      "the guest's context ID (upper 32 bits reserved, 0)"),
};

/* ------------------------------------------------------------------ */
/* 5.11.4 File system device: struct virtio_fs_config                  */
/* ------------------------------------------------------------------ */

static const struct vlp_field fs_fields[] = {
	ARR("tag", 0, 1, 36, VLP_RO, VLP_FIELD_STRING, ALWAYS,
	    "file system name, UTF-8, NUL-padded (not terminated when full)"),
	ROW("num_request_queues", 36, 4, VLP_RO, DEC, NULL, ALWAYS,
	    "number of request queues (at least 1)"),
	ROW("notify_buf_size", 40, 4, VLP_RO, DEC, NULL, F(VLP_FS_F_NOTIFICATION),
	    "minimum size of each notification queue buffer, bytes"),
};

/* ------------------------------------------------------------------ */
/* 5.12.4 RPMB device: struct virtio_rpmb_config                       */
/* ------------------------------------------------------------------ */

static const struct vlp_field rpmb_fields[] = {
	ROW("capacity", 0, 1, VLP_RO, DEC, NULL, ALWAYS, "capacity in 128 KiB units (0-0x80)"),
	ROW("max_wr_cnt", 1, 1, VLP_RO, DEC, NULL, ALWAYS,
	    "maximum 256-byte blocks per write request; 0 no limit"),
	ROW("max_rd_cnt", 2, 1, VLP_RO, DEC, NULL, ALWAYS,
	    "maximum 256-byte blocks per read request; 0 no limit"),
};

/* ------------------------------------------------------------------ */
/* 5.13.4 IOMMU device: struct virtio_iommu_config                     */
/* ------------------------------------------------------------------ */

/* The driver may write bypass only, with VIRTIO_IOMMU_F_BYPASS_CONFIG
 * (5.13.4.1). */
static const struct vlp_field iommu_fields[] = {
	ROW64("page_size_mask", "page_size_mask", 0, VLP_RO, HEX, ALWAYS,
	      "page sizes that can be mapped; lowest set bit is the granule"),
	ROW64("input_range.start", "input_range_start", 8, VLP_RO, HEX, F(VLP_IOMMU_F_INPUT_RANGE),
	      "lowest virtual address the IOMMU translates"),
	ROW64("input_range.end", "input_range_end", 16, VLP_RO, HEX, F(VLP_IOMMU_F_INPUT_RANGE),
	      "highest virtual address the IOMMU translates"),
	SUB("domain_range.start", "domain_range_start", 24, 4, VLP_RO, DEC, NULL,
	    F(VLP_IOMMU_F_DOMAIN_RANGE), "lowest domain ID"),
	SUB("domain_range.end", "domain_range_end", 28, 4, VLP_RO, DEC, NULL,
	    F(VLP_IOMMU_F_DOMAIN_RANGE), "highest domain ID"),
	ROW("probe_size", 32, 4, VLP_RO, DEC, NULL, F(VLP_IOMMU_F_PROBE),
	    "size of the PROBE request's properties buffer, bytes"),
	ROW("bypass", 36, 1, VLP_RW, DEC, NULL, F(VLP_IOMMU_F_BYPASS_CONFIG),
	    "1: endpoints not attached to a domain bypass the IOMMU"),
};

/* ------------------------------------------------------------------ */
/* 5.14.4 Sound device: struct virtio_snd_config                       */
/* ------------------------------------------------------------------ */

static const struct vlp_field sound_fields[] = {
	ROW("jacks", 0, 4, VLP_RO, DEC, NULL, ALWAYS, "number of jacks"),
	ROW("streams", 4, 4, VLP_RO, DEC, NULL, ALWAYS, "number of PCM streams"),
	ROW("chmaps", 8, 4, VLP_RO, DEC, NULL, ALWAYS, "number of channel maps"),
	/* the driver must not read it without VIRTIO_SND_F_CTLS (5.14.5.1) */
	ROW("controls", 12, 4, VLP_RO, DEC, NULL, F(VLP_SND_F_CTLS), "number of control elements"),
};

/* ------------------------------------------------------------------ */
/* 5.15.4 Memory device: struct virtio_mem_config                      */
/* ------------------------------------------------------------------ */

static const struct vlp_field mem_fields[] = {
	ROW64("block_size", "block_size", 0, VLP_RO, DEC, ALWAYS,
	      "size and alignment of a memory block, bytes (power of 2)"),
	ROW("node_id", 8, 2, VLP_RO, DEC, NULL, F(VLP_MEM_F_ACPI_PXM),
	    "ACPI proximity domain (PXM) of the memory"),
	ROW64("addr", "addr", 16, VLP_RO, HEX, ALWAYS,
	      "guest physical start address of the device-managed region"),
	ROW64("region_size", "region_size", 24, VLP_RO, DEC, ALWAYS,
	      "size of the device-managed region, bytes"),
	ROW64("usable_region_size", "usable_region_size", 32, VLP_RO, DEC, ALWAYS,
	      "size of the usable part of the region, bytes"),
	ROW64("plugged_size", "plugged_size", 40, VLP_RO, DEC, ALWAYS,
	      "plugged memory within the usable region, bytes"),
	ROW64("requested_size", "requested_size", 48, VLP_RO, DEC, ALWAYS,
	      "memory the device asks the driver to plug, bytes"),
};

/* ------------------------------------------------------------------ */
/* 5.18.4 GPIO device: struct virtio_gpio_config                       */
/* ------------------------------------------------------------------ */

static const struct vlp_field gpio_fields[] = {
	ROW("ngpio", 0, 2, VLP_RO, DEC, NULL, ALWAYS, "number of GPIO lines"),
	ROW("gpio_names_size", 4, 4, VLP_RO, DEC, NULL, ALWAYS,
	    "size of the line names block, bytes; 0 no names"),
};

/* ------------------------------------------------------------------ */
/* 5.19.4 PMEM device: struct virtio_pmem_config                       */
/* ------------------------------------------------------------------ */

/* Meaningful only when VIRTIO_PMEM_F_SHMEM_REGION is NOT negotiated
 * (5.19.5): no .feature, which can only say "needs a bit". */
static const struct vlp_field pmem_fields[] = {
	ROW64("start", "start", 0, VLP_RO, HEX, ALWAYS,
	      "guest physical address of the persistent memory"),
	ROW64("size", "size", 8, VLP_RO, DEC, ALWAYS, "length of the persistent memory, bytes"),
};

/* ------------------------------------------------------------------ */
/* 5.20.4 CAN device: struct virtio_can_config                         */
/* ------------------------------------------------------------------ */

static const struct vlp_name can_status_bits[] = {
	{ 0, "VIRTIO_CAN_S_CTRL_BUSOFF" },
};
static const struct vlp_names can_status_names = BITS(can_status_bits);

static const struct vlp_field can_fields[] = {
	ROW("status", 0, 2, VLP_RO, HEX, &can_status_names, ALWAYS,
	    "bit 0 VIRTIO_CAN_S_CTRL_BUSOFF: controller stopped on bus off"),
};

/* ------------------------------------------------------------------ */
/* 5.21.4 SPI controller: struct virtio_spi_config                     */
/* ------------------------------------------------------------------ */

/* SINGLE is always supported; bits 0-2 add DUAL, QUAD, OCTAL. */
static const struct vlp_name spi_nbits_bits[] = {
	{ 0, "DUAL" },
	{ 1, "QUAD" },
	{ 2, "OCTAL" },
};
static const struct vlp_names spi_nbits_names = BITS(spi_nbits_bits);

/* bits 0-1 CPHA=0/CPHA=1, 2-3 CPOL=0/CPOL=1, 4 CS high, 5 LSB first, 6 loop */
static const struct vlp_name spi_mode_bits[] = {
	{ 0, "CPHA_0" },  { 1, "CPHA_1" },    { 2, "CPOL_0" }, { 3, "CPOL_1" },
	{ 4, "CS_HIGH" }, { 5, "LSB_FIRST" }, { 6, "LOOP" },
};
static const struct vlp_names spi_mode_names = BITS(spi_mode_bits);

static const struct vlp_field spi_fields[] = {
	ROW("cs_max_number", 0, 1, VLP_RO, DEC, NULL, ALWAYS, "number of chip selects"),
	ROW("cs_change_supported", 1, 1, VLP_RO, DEC, NULL, ALWAYS,
	    "1: chip select can toggle between transfers of a message"),
	ROW("tx_nbits_supported", 2, 1, VLP_RO, HEX, &spi_nbits_names, ALWAYS,
	    "n-bit write modes besides SINGLE: bit 0 DUAL, 1 QUAD, 2 OCTAL"),
	ROW("rx_nbits_supported", 3, 1, VLP_RO, HEX, &spi_nbits_names, ALWAYS,
	    "n-bit read modes besides SINGLE: bit 0 DUAL, 1 QUAD, 2 OCTAL"),
	ROW("bits_per_word_mask", 4, 4, VLP_RO, HEX, NULL, ALWAYS,
	    "bit n set: n+1 bits per word supported; 0 no limit"),
	ROW("mode_func_supported", 8, 4, VLP_RO, HEX, &spi_mode_names, ALWAYS,
	    "supported CPHA/CPOL settings, CS high, LSB first, loopback"),
	ROW("max_freq_hz", 12, 4, VLP_RO, DEC, NULL, ALWAYS, "maximum clock rate, Hz; 0 no limit"),
	ROW("max_word_delay_ns", 16, 4, VLP_RO, DEC, NULL, ALWAYS,
	    "maximum delay between words, ns; 0 unsupported"),
	ROW("max_cs_setup_ns", 20, 4, VLP_RO, DEC, NULL, ALWAYS,
	    "maximum delay after chip select assertion, ns"),
	ROW("max_cs_hold_ns", 24, 4, VLP_RO, DEC, NULL, ALWAYS,
	    "maximum delay before chip select deassertion, ns"),
	ROW("max_cs_inactive_ns", 28, 4, VLP_RO, DEC, NULL, ALWAYS,
	    "maximum delay after chip select deassertion, ns"),
};

/* ------------------------------------------------------------------ */
/* 5.22.4 Media device: struct virtio_media_config                     */
/* ------------------------------------------------------------------ */

static const struct vlp_field media_fields[] = {
	ROW("device_caps", 0, 4, VLP_RO, HEX, NULL, ALWAYS,
	    "V4L2 device capabilities (struct v4l2_capability device_caps)"),
	ROW("device_type", 4, 4, VLP_RO, DEC, NULL, ALWAYS, "V4L2 device node type (vfl_devnode_type)"),
	ARR("card", 8, 1, 32, VLP_RO, VLP_FIELD_STRING, ALWAYS, "device name, UTF-8"),
};

const struct vlp_field_table vlp_config_net = TABLE("virtio_net_config", net_fields, 28);
const struct vlp_field_table vlp_config_blk = TABLE("virtio_blk_config", blk_fields, 96);
const struct vlp_field_table vlp_config_console = TABLE("virtio_console_config", console_fields, 12);
const struct vlp_field_table vlp_config_balloon = TABLE("virtio_balloon_config", balloon_fields, 16);
const struct vlp_field_table vlp_config_scsi = TABLE("virtio_scsi_config", scsi_fields, 36);
const struct vlp_field_table vlp_config_p9 = TABLE("virtio_9p_config", p9_fields, 2);
const struct vlp_field_table vlp_config_gpu = TABLE("virtio_gpu_config", gpu_fields, 20);
const struct vlp_field_table vlp_config_input = TABLE("virtio_input_config", input_fields, 136);
const struct vlp_field_table vlp_config_crypto = TABLE("virtio_crypto_config", crypto_fields, 56);
const struct vlp_field_table vlp_config_vsock = TABLE("virtio_vsock_config", vsock_fields, 8);
const struct vlp_field_table vlp_config_fs = TABLE("virtio_fs_config", fs_fields, 44);
const struct vlp_field_table vlp_config_rpmb = TABLE("virtio_rpmb_config", rpmb_fields, 3);
const struct vlp_field_table vlp_config_iommu = TABLE("virtio_iommu_config", iommu_fields, 40);
const struct vlp_field_table vlp_config_sound = TABLE("virtio_snd_config", sound_fields, 16);
const struct vlp_field_table vlp_config_mem = TABLE("virtio_mem_config", mem_fields, 56);
const struct vlp_field_table vlp_config_gpio = TABLE("virtio_gpio_config", gpio_fields, 8);
const struct vlp_field_table vlp_config_pmem = TABLE("virtio_pmem_config", pmem_fields, 16);
const struct vlp_field_table vlp_config_can = TABLE("virtio_can_config", can_fields, 2);
const struct vlp_field_table vlp_config_spi = TABLE("virtio_spi_config", spi_fields, 32);
const struct vlp_field_table vlp_config_media = TABLE("virtio_media_config", media_fields, 40);
