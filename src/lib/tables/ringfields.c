/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Field tables of the virtqueue structures in guest memory: split rings
 * (2.7.5 virtq_desc, 2.7.6 virtq_avail, 2.7.8 virtq_used/virtq_used_elem)
 * and packed rings (2.8.13 pvirtq_desc, 2.8.14 pvirtq_event_suppress), their
 * flag names, and the table of ring checks.  The decoder (ring.c) reads
 * every field through these rows; printers will take names from them.
 */
#include <assert.h>
#include <string.h>

#include "internal.h"

/* Memory fields: width 8 is one little-endian 8-byte value. */
#define MFIELD(n, off, w, nm, fl, hlp)                                                             \
	{                                                                                          \
		.name = n, .json_key = n, .offset = off, .width = w, .access = VLP_RO,             \
		.flags = fl, .names = nm, .help = hlp                                              \
	}

/* 2.7.5: VIRTQ_DESC_F_NEXT 1, _WRITE 2, _INDIRECT 4; 2.8.1: VIRTQ_DESC_F_AVAIL
 * (1 << 7), _USED (1 << 15).  Bit numbers (VLP_NAMES_BITS). */
static const struct vlp_name split_desc_flag_entries[] = {
	{ 0, "NEXT" },
	{ 1, "WRITE" },
	{ 2, "INDIRECT" },
};
static const struct vlp_name packed_desc_flag_entries[] = {
	{ 0, "NEXT" }, { 1, "WRITE" }, { 2, "INDIRECT" }, { 7, "AVAIL" }, { 15, "USED" },
};
static const struct vlp_name avail_flag_entries[] = { { 0, "NO_INTERRUPT" } }; /* 2.7.6 */
static const struct vlp_name used_flag_entries[] = { { 0, "NO_NOTIFY" } };     /* 2.7.8 */
/* 2.8.10: RING_EVENT_FLAGS_ENABLE 0, _DISABLE 1, _DESC 2; 3 reserved. */
static const struct vlp_name event_flag_entries[] = {
	{ VLP_EVENT_F_ENABLE, "ENABLE" },
	{ VLP_EVENT_F_DISABLE, "DISABLE" },
	{ VLP_EVENT_F_DESC, "DESC" },
};
static const struct vlp_names split_desc_flag_names = NAMES(VLP_NAMES_BITS, split_desc_flag_entries);
static const struct vlp_names packed_desc_flag_names = NAMES(VLP_NAMES_BITS, packed_desc_flag_entries);
static const struct vlp_names avail_flag_names = NAMES(VLP_NAMES_BITS, avail_flag_entries);
static const struct vlp_names used_flag_names = NAMES(VLP_NAMES_BITS, used_flag_entries);
static const struct vlp_names event_flag_names = NAMES(VLP_NAMES_ENUM, event_flag_entries);

static_assert(VLP_DESC_F_NEXT == 1u << 0 && VLP_DESC_F_WRITE == 1u << 1 &&
		      VLP_DESC_F_INDIRECT == 1u << 2 && VLP_DESC_F_AVAIL == 1u << 7 &&
		      VLP_DESC_F_USED == 1u << 15,
	      "descriptor flag masks match the bit numbers of the names");

/* 2.7.5 struct virtq_desc: le64 addr, le32 len, le16 flags, le16 next. */
static const struct vlp_field split_desc_fields[] = {
	[VLP_DESC_ADDR] =
		MFIELD("addr", 0, 8, NULL, VLP_FIELD_HEX, "guest-physical address of the buffer"),
	[VLP_DESC_LEN] = MFIELD("len", 8, 4, NULL, VLP_FIELD_DECIMAL, "length of the buffer in bytes"),
	[VLP_DESC_FLAGS] =
		MFIELD("flags", 12, 2, &split_desc_flag_names, VLP_FIELD_HEX,
		       "NEXT: chained via next; WRITE: device-writable; INDIRECT: a descriptor table"),
	[VLP_DESC_NEXT] =
		MFIELD("next", 14, 2, NULL, VLP_FIELD_DECIMAL, "next descriptor when NEXT is set"),
};
static_assert(VLP_ARRAY_SIZE(split_desc_fields) == VLP_DESC_ROWS,
	      "one row per enum vlp_split_desc_row");

/* 2.7.6 struct virtq_avail: le16 flags, le16 idx, le16 ring[Queue Size],
 * le16 used_event (only if VIRTIO_F_EVENT_IDX); size 6 + 2 x Queue Size
 * (2.7 table). */
static const struct vlp_field avail_fields[] = {
	[VLP_AVAIL_FLAGS] = MFIELD("flags", 0, 2, &avail_flag_names, VLP_FIELD_HEX,
				   "NO_INTERRUPT: the driver needs no used buffer notifications"),
	[VLP_AVAIL_IDX] = MFIELD("idx", 2, 2, NULL, VLP_FIELD_DECIMAL,
				 "where the driver puts the next head (free-running, modulo 2^16)"),
	[VLP_AVAIL_RING] = MFIELD("ring", 4, 2, NULL, VLP_FIELD_DECIMAL, "heads of descriptor chains"),
	[VLP_AVAIL_USED_EVENT] = { .name = "used_event",
				   .json_key = "used_event",
				   .offset = 4,
				   .width = 2,
				   .access = VLP_RO,
				   .flags = VLP_FIELD_DECIMAL,
				   .feature = VLP_FEATURE(VLP_F_EVENT_IDX),
				   .help = "notify the driver when used idx passes this (EVENT_IDX)" },
};
static_assert(VLP_ARRAY_SIZE(avail_fields) == VLP_AVAIL_ROWS, "one row per enum vlp_avail_row");

/* 2.7.8 struct virtq_used: le16 flags, le16 idx, virtq_used_elem
 * ring[Queue Size], le16 avail_event (only if VIRTIO_F_EVENT_IDX); size
 * 6 + 8 x Queue Size (2.7 table). */
static const struct vlp_field used_fields[] = {
	[VLP_USED_FLAGS] = MFIELD("flags", 0, 2, &used_flag_names, VLP_FIELD_HEX,
				  "NO_NOTIFY: the device needs no available buffer notifications"),
	[VLP_USED_IDX] =
		MFIELD("idx", 2, 2, NULL, VLP_FIELD_DECIMAL,
		       "where the device puts the next used entry (free-running, modulo 2^16)"),
	[VLP_USED_RING] = MFIELD("ring", 4, 8, NULL, VLP_FIELD_HEX, "used entries (virtq_used_elem)"),
	[VLP_USED_AVAIL_EVENT] = { .name = "avail_event",
				   .json_key = "avail_event",
				   .offset = 4,
				   .width = 2,
				   .access = VLP_RO,
				   .flags = VLP_FIELD_DECIMAL,
				   .feature = VLP_FEATURE(VLP_F_EVENT_IDX),
				   .help = "notify the device when avail idx passes this (EVENT_IDX)" },
};
static_assert(VLP_ARRAY_SIZE(used_fields) == VLP_USED_ROWS, "one row per enum vlp_used_row");

/* 2.7.8 struct virtq_used_elem: le32 id, le32 len. */
static const struct vlp_field used_elem_fields[] = {
	[VLP_USED_ELEM_ID] =
		MFIELD("id", 0, 4, NULL, VLP_FIELD_DECIMAL, "head of the used descriptor chain"),
	[VLP_USED_ELEM_LEN] = MFIELD("len", 4, 4, NULL, VLP_FIELD_DECIMAL,
				     "bytes written into the device-writable part of the buffer"),
};
static_assert(VLP_ARRAY_SIZE(used_elem_fields) == VLP_USED_ELEM_ROWS,
	      "one row per enum vlp_used_elem_row");

/* 2.8.13 struct pvirtq_desc: le64 addr, le32 len, le16 id, le16 flags. */
static const struct vlp_field packed_desc_fields[] = {
	[VLP_PDESC_ADDR] = MFIELD("addr", 0, 8, NULL, VLP_FIELD_HEX,
				  "buffer address (unused in used descriptors)"),
	[VLP_PDESC_LEN] = MFIELD("len", 8, 4, NULL, VLP_FIELD_DECIMAL,
				 "buffer length; in a used descriptor the bytes written"),
	[VLP_PDESC_ID] = MFIELD("id", 12, 2, NULL, VLP_FIELD_DECIMAL,
				"buffer id (in the last descriptor of a list)"),
	[VLP_PDESC_FLAGS] = MFIELD("flags", 14, 2, &packed_desc_flag_names, VLP_FIELD_HEX,
				   "AVAIL != USED: available; equal: used (2.8.1)"),
};
static_assert(VLP_ARRAY_SIZE(packed_desc_fields) == VLP_PDESC_ROWS,
	      "one row per enum vlp_packed_desc_row");

/* 2.8.14 struct pvirtq_event_suppress: le16 desc {desc_event_off : 15,
 * desc_event_wrap : 1}, le16 flags {desc_event_flags : 2, reserved : 14}. */
static const struct vlp_field event_fields[] = {
	[VLP_EVENT_DESC] =
		MFIELD("desc", 0, 2, NULL, VLP_FIELD_HEX,
		       "off_wrap: event offset (bits 0-14) and wrap counter (bit 15), used with DESC"),
	[VLP_EVENT_FLAGS] =
		MFIELD("flags", 2, 2, &event_flag_names, VLP_FIELD_HEX,
		       "desc_event_flags (bits 0-1): ENABLE, DISABLE, DESC; bits 2-15 reserved"),
};
static_assert(VLP_ARRAY_SIZE(event_fields) == VLP_EVENT_ROWS, "one row per enum vlp_event_row");

static const struct vlp_field_table split_desc_table = TABLE("virtq_desc", split_desc_fields, 16);
static const struct vlp_field_table avail_table = TABLE("virtq_avail", avail_fields, 6);
static const struct vlp_field_table used_table = TABLE("virtq_used", used_fields, 6);
static const struct vlp_field_table used_elem_table = TABLE("virtq_used_elem", used_elem_fields, 8);
static const struct vlp_field_table packed_desc_table = TABLE("pvirtq_desc", packed_desc_fields, 16);
static const struct vlp_field_table event_table = TABLE("pvirtq_event_suppress", event_fields, 4);

const struct vlp_field_table *vlp_split_desc_table(void)
{
	return &split_desc_table;
}
const struct vlp_field_table *vlp_avail_table(void)
{
	return &avail_table;
}
const struct vlp_field_table *vlp_used_table(void)
{
	return &used_table;
}
const struct vlp_field_table *vlp_used_elem_table(void)
{
	return &used_elem_table;
}
const struct vlp_field_table *vlp_packed_desc_table(void)
{
	return &packed_desc_table;
}
const struct vlp_field_table *vlp_event_suppress_table(void)
{
	return &event_table;
}

const struct vlp_names *vlp_split_desc_flag_names(void)
{
	return &split_desc_flag_names;
}
const struct vlp_names *vlp_packed_desc_flag_names(void)
{
	return &packed_desc_flag_names;
}
const struct vlp_names *vlp_avail_flag_names(void)
{
	return &avail_flag_names;
}
const struct vlp_names *vlp_used_flag_names(void)
{
	return &used_flag_names;
}
const struct vlp_names *vlp_event_flag_names(void)
{
	return &event_flag_names;
}

/* 2.8.10: 0 enable, 1 disable, 2 desc; 3 is reserved. */
const char *vlp_event_flags_name(uint16_t flags)
{
	const char *name = vlp_names_lookup(vlp_event_flag_names(), flags);

	return name ? name : "reserved";
}

unsigned vlp_ring_field_offset(const struct vlp_field_table *table, const struct vlp_field *field,
			       unsigned queue_size)
{
	unsigned extra = 0;

	/* Rows after a Queue Size array (count 0, width > 0 and at a
	 * non-zero position in a table with a ring row) move by its bytes. */
	for (size_t i = 0; i < table->count && &table->fields[i] != field; i++)
		if (!strcmp(table->fields[i].name, "ring"))
			extra = table->fields[i].width * queue_size;
	return field->offset + extra;
}

uint64_t vlp_field_read_mem(const struct vlp_field *field, const uint8_t *base)
{
	const uint8_t *p = base + field->offset;
	uint64_t v = 0;

	for (unsigned i = field->width; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

void vlp_field_write_mem(const struct vlp_field *field, uint8_t *base, uint64_t v)
{
	uint8_t *p = base + field->offset;

	for (unsigned i = 0; i < field->width; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

#define E VLP_SEV_ERROR
#define W VLP_SEV_WARNING
#define I VLP_SEV_INFO
#define R VLP_CHECK_RINGS

/* Sections are those of split rings; a packed ring's finding names its own
 * (2.8.x) section. */
static const struct vlp_check ring_checks[] = {
	{ "ring-memory", NULL, E, R, "ring", "the ring areas lie in readable guest RAM" },
	{ "ring-size", "2.7", W, R, "ring", "a split queue size is a power of 2 (at most 32768)" },
	{ "ring-alignment", "2.7.1", E, R, "ring",
	  "ring parts are aligned (descriptors 16, avail 2, used 4)" },
	{ "ring-in-flight", "2.7", E, R, "ring", "no more chains in flight than the queue size" },
	{ "ring-head-range", "2.7.5", E, R, "ring", "an available head indexes the descriptor table" },
	{ "ring-next-range", "2.7.5", E, R, "ring",
	  "next indexes the descriptor table (or indirect table)" },
	{ "ring-chain-loop", "2.7.5.2", E, R, "ring", "a descriptor chain has no loop" },
	{ "ring-chain-length", "2.7.5.3.1", W, R, "ring", "a chain is not longer than the queue size" },
	{ "ring-indirect-feature", "2.7.5.3.1", E, R, "ring",
	  "INDIRECT only when VIRTIO_F_INDIRECT_DESC is negotiated" },
	{ "ring-indirect-next", "2.7.5.3.1", E, R, "ring", "INDIRECT and NEXT are not both set" },
	{ "ring-indirect-nested", "2.7.5.3.1", E, R, "ring", "no INDIRECT inside an indirect table" },
	{ "ring-indirect-len", "2.7.5.3", E, R, "ring",
	  "an indirect table length is a non-zero multiple of 16" },
	{ "ring-write-order", "2.7.4.2", E, R, "ring",
	  "device-writable descriptors follow device-readable ones" },
	{ "ring-chain-overlap", "2.7.13.1", W, R, "ring", "chains in flight share no descriptor" },
	{ "ring-used-id", "2.7.8", E, R, "ring", "a used entry names a descriptor chain head" },
	{ "ring-used-len", "2.7.8.2", W, R, "ring",
	  "used len does not exceed the chain's device-writable bytes" },
	{ "ring-flags", "2.7.7.1", W, R, "ring", "ring flags hold only defined values" },
	{ "ring-event-idx", "2.7.7.2", W, R, "ring",
	  "event index fields are meaningful only with VIRTIO_F_EVENT_IDX" },
};

size_t vlp_ring_check_count(void)
{
	return VLP_ARRAY_SIZE(ring_checks);
}

const struct vlp_check *vlp_ring_check_at(size_t index)
{
	return index < VLP_ARRAY_SIZE(ring_checks) ? &ring_checks[index] : NULL;
}
