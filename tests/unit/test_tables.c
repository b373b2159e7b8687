/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the tables: device configuration layouts (devcfg.c),
 * feature bit names (features.c), the register and capability tables
 * (fields.c) and the device-type registry (types.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

#define MAX_TYPE 64

/* Last byte (exclusive) a row covers, the high half of 64-bit rows
 * included. */
static unsigned row_end(const struct vlp_field *f)
{
	unsigned n = f->count > 1 ? f->count : 1;
	unsigned end = f->offset + (unsigned)f->width * n;

	if (f->hi_offset && f->hi_offset + 4u > end)
		end = f->hi_offset + 4u;
	return end;
}

static bool json_key_ok(const char *k)
{
	if (!k || !*k)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
			return false;
	return true;
}

static void check_config_table(unsigned type, const struct vlp_field_table *t)
{
	char what[160];

	assert_non_null(t->name);
	assert_true(t->count > 0);
	assert_true(t->size > 0);
	for (size_t i = 0; i < t->count; i++) {
		const struct vlp_field *f = &t->fields[i];

		snprintf(what, sizeof(what), "type %u %s row %zu %s", type, t->name, i,
			 f->name ? f->name : "(null)");
		assert_non_null(f->name);
		assert_non_null(f->help);
		assert_true(f->help[0] != '\0');
		if (!json_key_ok(f->json_key))
			fail_msg("%s: bad json key", what);
		if (f->width != 1 && f->width != 2 && f->width != 4)
			fail_msg("%s: width %u", what, f->width);
		if (f->offset % f->width)
			fail_msg("%s: offset %u not aligned to %u", what, f->offset, f->width);
		if (f->hi_offset) {
			/* 64-bit: two 32-bit halves, high right after low */
			if (f->width != 4 || f->hi_offset != f->offset + 4 || f->count > 1)
				fail_msg("%s: bad 64-bit layout", what);
		}
		if (row_end(f) > t->size)
			fail_msg("%s: ends at %u past size %u", what, row_end(f), t->size);
		if (i > 0) {
			const struct vlp_field *p = &t->fields[i - 1];

			if (f->offset <= p->offset)
				fail_msg("%s: not sorted by offset", what);
			if (row_end(p) > f->offset)
				fail_msg("%s: overlaps %s", what, p->name);
		}
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(t->fields[j].name, f->name))
				fail_msg("%s: duplicate name", what);
			if (!strcmp(t->fields[j].json_key, f->json_key))
				fail_msg("%s: duplicate json key", what);
		}
		if (f->feature && !vlp_feature_name(type, VLP_FEATURE_BIT(f->feature)))
			fail_msg("%s: feature bit %u has no name", what, VLP_FEATURE_BIT(f->feature));
		if (f->access == VLP_WO && f->names && f->names->kind == VLP_NAMES_ENUM)
			fail_msg("%s: write-only field with a value decoder", what);
		if ((f->flags & VLP_FIELD_MAC) && !(f->width == 1 && f->count == 6))
			fail_msg("%s: MAC field is not u8[6]", what);
		if ((f->flags & VLP_FIELD_STRING) && !(f->width == 1 && f->count > 1))
			fail_msg("%s: string field is not a byte array", what);
		if (f->names) {
			for (size_t k = 1; k < f->names->count; k++)
				if (f->names->entries[k].value <= f->names->entries[k - 1].value)
					fail_msg("%s: value names not sorted", what);
			if (f->names->kind == VLP_NAMES_BITS)
				for (size_t k = 0; k < f->names->count; k++)
					if (f->names->entries[k].value >= 8u * f->width)
						fail_msg("%s: bit name beyond width", what);
		}
	}
}

static void test_config_tables_consistent(void **state)
{
	unsigned n = 0;

	(void)state;
	for (unsigned type = 0; type < MAX_TYPE; type++) {
		const struct vlp_field_table *t = vlp_device_config_table(type);

		if (t) {
			check_config_table(type, t);
			n++;
		}
	}
	/* net, blk, console, balloon, scsi, 9p, gpu, input, vsock, crypto,
	 * iommu, mem, sound, fs, pmem at least */
	assert_true(n >= 15);
	assert_null(vlp_device_config_table(0));
	assert_null(vlp_device_config_table(4));    /* entropy: no config */
	assert_null(vlp_device_config_table(34));   /* i2c: none defined */
	assert_null(vlp_device_config_table(1000)); /* out of range */
}

static void test_required_config_tables(void **state)
{
	static const unsigned types[] = { 1, 2, 3, 5, 8, 9, 16, 18, 19, 20, 23, 24, 25, 26, 27 };

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!vlp_device_config_table(types[i]))
			fail_msg("no config table for type %u", types[i]);
}

static const struct vlp_field *field(unsigned type, const char *name)
{
	const struct vlp_field_table *t = vlp_device_config_table(type);
	const struct vlp_field *f;

	assert_non_null(t);
	f = vlp_field_find(t, name);
	if (!f)
		fail_msg("type %u: no field %s", type, name);
	return f;
}

static void expect_field(unsigned type, const char *name, unsigned off, unsigned width,
			 unsigned count, int feature_bit)
{
	const struct vlp_field *f = field(type, name);

	if (f->offset != off || f->width != width || (count > 1 && f->count != count) ||
	    (count <= 1 && f->count > 1))
		fail_msg("type %u %s: offset %u width %u count %u", type, name, f->offset, f->width,
			 f->count);
	if (feature_bit < 0 ? f->feature != 0 : f->feature != VLP_FEATURE((unsigned)feature_bit))
		fail_msg("type %u %s: feature %u", type, name, f->feature);
}

/* Offsets from the structs of chapter 5 of the spec. */
static void test_net_layout(void **state)
{
	const struct vlp_field *f;

	(void)state;
	assert_int_equal(vlp_device_config_table(1)->size, 28);
	assert_string_equal(vlp_device_config_table(1)->name, "virtio_net_config");
	expect_field(1, "mac", 0, 1, 6, 5);
	expect_field(1, "status", 6, 2, 0, 16);
	expect_field(1, "max_virtqueue_pairs", 8, 2, 0, 22);
	expect_field(1, "mtu", 10, 2, 0, 3);
	expect_field(1, "speed", 12, 4, 0, 63);
	expect_field(1, "duplex", 16, 1, 0, 63);
	expect_field(1, "rss_max_key_size", 17, 1, 0, 60);
	expect_field(1, "rss_max_indirection_table_length", 18, 2, 0, 60);
	expect_field(1, "supported_hash_types", 20, 4, 0, 60);
	expect_field(1, "supported_tunnel_types", 24, 4, 0, 51);
	f = field(1, "mac");
	assert_true(f->flags & VLP_FIELD_MAC);
	f = field(1, "status");
	assert_non_null(f->names);
	assert_int_equal(f->names->kind, VLP_NAMES_BITS);
	assert_string_equal(f->names->entries[0].name, "VIRTIO_NET_S_LINK_UP");
	assert_int_equal(f->names->entries[0].value, 0);
	assert_string_equal(vlp_names_lookup(field(1, "duplex")->names, 1), "full");
	assert_true(field(1, "mtu")->flags & VLP_FIELD_DECIMAL);
	for (size_t i = 0; i < vlp_device_config_table(1)->count; i++)
		assert_int_equal(vlp_device_config_table(1)->fields[i].access, VLP_RO);
}

static void test_blk_layout(void **state)
{
	const struct vlp_field *f;

	(void)state;
	assert_int_equal(vlp_device_config_table(2)->size, 96);
	f = field(2, "capacity");
	assert_int_equal(f->offset, 0);
	assert_int_equal(f->width, 4);
	assert_int_equal(f->hi_offset, 4);
	assert_int_equal(f->feature, 0);
	expect_field(2, "size_max", 8, 4, 0, 1);
	expect_field(2, "seg_max", 12, 4, 0, 2);
	expect_field(2, "geometry.cylinders", 16, 2, 0, 4);
	expect_field(2, "geometry.heads", 18, 1, 0, 4);
	expect_field(2, "geometry.sectors", 19, 1, 0, 4);
	expect_field(2, "blk_size", 20, 4, 0, 6);
	expect_field(2, "topology.physical_block_exp", 24, 1, 0, 10);
	expect_field(2, "topology.opt_io_size", 28, 4, 0, 10);
	expect_field(2, "writeback", 32, 1, 0, 11);
	expect_field(2, "num_queues", 34, 2, 0, 12);
	expect_field(2, "max_discard_sectors", 36, 4, 0, 13);
	expect_field(2, "write_zeroes_may_unmap", 56, 1, 0, 14);
	expect_field(2, "max_secure_erase_sectors", 60, 4, 0, 16);
	expect_field(2, "zoned.zone_sectors", 72, 4, 0, 17);
	expect_field(2, "zoned.model", 92, 1, 0, 17);
	assert_int_equal(field(2, "writeback")->access, VLP_RW);
	/* the JSON key of a nested member has no dot */
	assert_string_equal(field(2, "geometry.cylinders")->json_key, "geometry_cylinders");
	assert_ptr_equal(field(2, "geometry_cylinders"), field(2, "geometry.cylinders"));
}

static void test_other_layouts(void **state)
{
	const struct vlp_field *f;

	(void)state;
	/* console: cols, rows, max_nr_ports, emerg_wr (WO) */
	expect_field(3, "cols", 0, 2, 0, 0);
	expect_field(3, "rows", 2, 2, 0, 0);
	expect_field(3, "max_nr_ports", 4, 4, 0, 1);
	expect_field(3, "emerg_wr", 8, 4, 0, 2);
	assert_int_equal(field(3, "emerg_wr")->access, VLP_WO);
	/* balloon */
	expect_field(5, "num_pages", 0, 4, 0, -1);
	expect_field(5, "actual", 4, 4, 0, -1);
	assert_int_equal(field(5, "actual")->access, VLP_RW);
	expect_field(5, "free_page_hint_cmd_id", 8, 4, 0, 3);
	expect_field(5, "poison_val", 12, 4, 0, 4);
	/* scsi */
	expect_field(8, "num_queues", 0, 4, 0, -1);
	expect_field(8, "sense_size", 20, 4, 0, -1);
	expect_field(8, "max_channel", 28, 2, 0, -1);
	expect_field(8, "max_target", 30, 2, 0, -1);
	expect_field(8, "max_lun", 32, 4, 0, -1);
	assert_int_equal(field(8, "cdb_size")->access, VLP_RW);
	/* gpu */
	expect_field(16, "events_read", 0, 4, 0, -1);
	expect_field(16, "events_clear", 4, 4, 0, -1);
	expect_field(16, "num_capsets", 12, 4, 0, -1);
	expect_field(16, "blob_alignment", 16, 4, 0, 5);
	assert_int_equal(field(16, "events_clear")->access, VLP_WO);
	/* input */
	expect_field(18, "select", 0, 1, 0, -1);
	expect_field(18, "subsel", 1, 1, 0, -1);
	expect_field(18, "size", 2, 1, 0, -1);
	expect_field(18, "u", 8, 1, 128, -1);
	assert_true(field(18, "select")->flags & VLP_FIELD_SELECTOR);
	assert_int_equal(field(18, "subsel")->access, VLP_RW);
	assert_int_equal(vlp_device_config_table(18)->size, 136);
	/* vsock */
	f = field(19, "guest_cid");
	assert_int_equal(f->offset, 0);
	assert_int_equal(f->hi_offset, 4);
	/* crypto */
	expect_field(20, "max_dataqueues", 4, 4, 0, -1);
	expect_field(20, "akcipher_algo", 44, 4, 0, -1);
	f = field(20, "max_size");
	assert_int_equal(f->offset, 48);
	assert_int_equal(f->hi_offset, 52);
	/* iommu */
	assert_int_equal(field(23, "input_range.start")->offset, 8);
	assert_int_equal(field(23, "input_range.end")->hi_offset, 20);
	expect_field(23, "domain_range.start", 24, 4, 0, 1);
	expect_field(23, "probe_size", 32, 4, 0, 4);
	expect_field(23, "bypass", 36, 1, 0, 6);
	/* mem */
	expect_field(24, "node_id", 8, 2, 0, 0);
	assert_int_equal(field(24, "addr")->offset, 16);
	assert_int_equal(field(24, "requested_size")->offset, 48);
	/* sound */
	expect_field(25, "controls", 12, 4, 0, 0);
	/* fs */
	expect_field(26, "tag", 0, 1, 36, -1);
	assert_true(field(26, "tag")->flags & VLP_FIELD_STRING);
	expect_field(26, "num_request_queues", 36, 4, 0, -1);
	expect_field(26, "notify_buf_size", 40, 4, 0, 0);
	/* pmem */
	assert_int_equal(field(27, "size")->offset, 8);
	assert_int_equal(field(27, "size")->hi_offset, 12);
	/* gpio, spi */
	expect_field(41, "gpio_names_size", 4, 4, 0, -1);
	expect_field(45, "max_cs_inactive_ns", 28, 4, 0, -1);
}

static void check_names_table(const char *what, const struct vlp_names *n)
{
	assert_non_null(n);
	assert_int_equal(n->kind, VLP_NAMES_BITS);
	if (n->count)
		assert_non_null(n->entries);
	for (size_t i = 0; i < n->count; i++) {
		const struct vlp_name *e = &n->entries[i];

		if (e->value >= 128)
			fail_msg("%s: bit %u >= 128", what, (unsigned)e->value);
		if (!e->name || strncmp(e->name, "VIRTIO_", 7))
			fail_msg("%s: bit %u name %s", what, (unsigned)e->value,
				 e->name ? e->name : "(null)");
		if (i > 0 && e->value <= n->entries[i - 1].value)
			fail_msg("%s: bit %u not sorted or duplicate", what, (unsigned)e->value);
	}
}

static void test_feature_tables(void **state)
{
	char what[32];

	(void)state;
	check_names_table("transport", vlp_transport_feature_names());
	for (unsigned type = 0; type < MAX_TYPE; type++) {
		const struct vlp_names *n = vlp_device_feature_names(type);

		snprintf(what, sizeof(what), "type %u", type);
		check_names_table(what, n);
		/* device tables stay out of the transport range, but for
		 * net's legacy GUEST_RSC4 (41) of 5.1.3.2 */
		for (size_t i = 0; i < n->count; i++) {
			unsigned bit = (unsigned)n->entries[i].value;

			if (((bit >= 24 && bit <= 40) || bit == 43) || (bit == 41 && type != 1))
				fail_msg("%s: bit %u is the transport's", what, bit);
		}
	}
	/* never NULL: unknown types get an empty table */
	assert_non_null(vlp_device_feature_names(1000));
	assert_int_equal(vlp_device_feature_names(1000)->count, 0);
	assert_int_equal(vlp_device_feature_names(4)->count, 0);
	assert_int_equal(vlp_device_feature_names(18)->count, 0);
}

static void test_feature_names(void **state)
{
	(void)state;
	assert_string_equal(vlp_feature_name(1, 32), "VIRTIO_F_VERSION_1");
	assert_string_equal(vlp_feature_name(1, 5), "VIRTIO_NET_F_MAC");
	assert_string_equal(vlp_feature_name(1, 41), "VIRTIO_F_ADMIN_VQ");
	assert_string_equal(vlp_feature_name(1, 42), "VIRTIO_NET_F_GUEST_RSC6");
	assert_string_equal(vlp_feature_name(1, 6), "VIRTIO_NET_F_GSO");
	assert_string_equal(vlp_feature_name(1, 63), "VIRTIO_NET_F_SPEED_DUPLEX");
	assert_string_equal(vlp_feature_name(1, 64), "VIRTIO_NET_F_RSS_CONTEXT");
	assert_string_equal(vlp_feature_name(1, 70), "VIRTIO_NET_F_IPSEC");
	assert_null(vlp_feature_name(1, 4));
	assert_null(vlp_feature_name(1, 58));
	assert_null(vlp_feature_name(1, 71));
	assert_null(vlp_feature_name(4, 5));
	assert_null(vlp_feature_name(4, 0));
	assert_string_equal(vlp_feature_name(4, 32), "VIRTIO_F_VERSION_1");
	assert_string_equal(vlp_feature_name(2, 0), "VIRTIO_BLK_F_BARRIER");
	assert_string_equal(vlp_feature_name(2, 9), "VIRTIO_BLK_F_FLUSH");
	assert_string_equal(vlp_feature_name(2, 11), "VIRTIO_BLK_F_CONFIG_WCE");
	assert_string_equal(vlp_feature_name(2, 17), "VIRTIO_BLK_F_ZONED");
	assert_string_equal(vlp_feature_name(5, 0), "VIRTIO_BALLOON_F_MUST_TELL_HOST");
	assert_string_equal(vlp_feature_name(19, 0), "VIRTIO_VSOCK_F_STREAM");
	assert_string_equal(vlp_feature_name(20, 0), "VIRTIO_CRYPTO_F_REVISION_1");
	assert_string_equal(vlp_feature_name(23, 6), "VIRTIO_IOMMU_F_BYPASS_CONFIG");
	assert_string_equal(vlp_feature_name(36, 3), "VIRTIO_CAN_F_LATE_TX_ACK");
	assert_string_equal(vlp_feature_name(41, 0), "VIRTIO_GPIO_F_IRQ");
	assert_string_equal(vlp_feature_name(3, 24), "VIRTIO_F_NOTIFY_ON_EMPTY");
	assert_string_equal(vlp_feature_name(3, 30), "VIRTIO_F_UNUSED");
	assert_string_equal(vlp_feature_name(3, 43), "VIRTIO_F_SUSPEND");
	assert_null(vlp_feature_name(3, 25));
	assert_null(vlp_feature_name(3, 42));
	assert_null(vlp_feature_name(1000, 0));
	assert_string_equal(vlp_feature_name(1000, 33), "VIRTIO_F_ACCESS_PLATFORM");
}

/* ------------------------------------------------------- fields.c */

/* Bytes [off, off + n) of the table, each claimed by one row only. */
static void claim(uint8_t *owner, const struct vlp_field_table *t, size_t row, unsigned off, unsigned n)
{
	if (off + n > t->size)
		fail_msg("%s row %zu %s: ends at %u past size %u", t->name, row,
			 t->fields[row].name, off + n, t->size);
	for (unsigned b = off; b < off + n; b++) {
		if (owner[b])
			fail_msg("%s row %zu %s: byte %u also in %s", t->name, row,
				 t->fields[row].name, b, t->fields[owner[b] - 1].name);
		owner[b] = (uint8_t)(row + 1);
	}
}

/* The register and capability tables: rows within size, sorted by
 * offset, no byte in two rows (64-bit rows: both halves), names and JSON
 * keys unique, JSON keys snake_case, row count equal to the enum's. */
static void check_block_table(const struct vlp_field_table *t, size_t rows)
{
	uint8_t owner[256] = { 0 };

	assert_non_null(t->name);
	assert_true(t->size <= sizeof(owner));
	if (t->count != rows)
		fail_msg("%s: %zu rows, enum has %zu", t->name, t->count, rows);
	for (size_t i = 0; i < t->count; i++) {
		const struct vlp_field *f = &t->fields[i];
		unsigned n = f->count > 1 ? f->count : 1;

		if (!f->name || !f->help || !f->help[0])
			fail_msg("%s row %zu: no name or help", t->name, i);
		if (!json_key_ok(f->json_key))
			fail_msg("%s row %zu %s: bad json key", t->name, i, f->name);
		if (f->width != 1 && f->width != 2 && f->width != 4)
			fail_msg("%s row %zu %s: width %u", t->name, i, f->name, f->width);
		if (f->offset % f->width)
			fail_msg("%s row %zu %s: offset not aligned", t->name, i, f->name);
		claim(owner, t, i, f->offset, (unsigned)f->width * n);
		if (f->hi_offset) {
			if (f->width != 4 || f->hi_offset % 4)
				fail_msg("%s row %zu %s: bad 64-bit layout", t->name, i, f->name);
			claim(owner, t, i, f->hi_offset, 4);
		}
		if (i > 0 && f->offset <= t->fields[i - 1].offset)
			fail_msg("%s row %zu %s: not sorted by offset", t->name, i, f->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(t->fields[j].name, f->name) ||
			    !strcmp(t->fields[j].json_key, f->json_key))
				fail_msg("%s row %zu %s: duplicate name or key", t->name, i, f->name);
		if (f->feature && !vlp_feature_name(0, VLP_FEATURE_BIT(f->feature)))
			fail_msg("%s row %zu %s: feature bit unnamed", t->name, i, f->name);
	}
}

static void test_block_tables(void **state)
{
	(void)state;
	check_block_table(vlp_common_cfg_table(), VLP_COMMON_ROWS);
	check_block_table(vlp_legacy_header_table(), VLP_LEGACY_ROWS);
	check_block_table(vlp_isr_table(), VLP_ISR_ROWS);
	check_block_table(vlp_msix_entry_table(), VLP_MSIX_ENTRY_ROWS);
	check_block_table(vlp_virtio_cap_table(VLP_CFG_COMMON), VLP_CAP_ROWS);
	check_block_table(vlp_virtio_cap_table(VLP_CFG_NOTIFY), VLP_CAP_NOTIFY_OFF_MULTIPLIER + 1);
	check_block_table(vlp_virtio_cap_table(VLP_CFG_PCI), VLP_CAP_PCI_CFG_DATA + 1);
	check_block_table(vlp_virtio_cap_table(VLP_CFG_SHARED_MEMORY), VLP_CAP_ROWS);
	check_block_table(vlp_virtio_cap_table(VLP_CFG_VENDOR), VLP_CAP_VENDOR_ID + 1);
	check_block_table(vlp_device_config_table(VLP_ID_INPUT), VLP_INPUT_ROWS);
	/* The enums name the rows they index. */
	assert_string_equal(vlp_common_cfg_table()->fields[VLP_COMMON_QUEUE_SELECT].name,
			    "queue_select");
	assert_string_equal(vlp_common_cfg_table()->fields[VLP_COMMON_ADMIN_QUEUE_NUM].name,
			    "admin_queue_num");
	assert_string_equal(vlp_legacy_header_table()->fields[VLP_LEGACY_ISR].name, "isr");
	assert_string_equal(vlp_msix_entry_table()->fields[VLP_MSIX_ENTRY_VECTOR_CONTROL].name,
			    "vector_control");
	assert_string_equal(
		vlp_virtio_cap_table(VLP_CFG_NOTIFY)->fields[VLP_CAP_NOTIFY_OFF_MULTIPLIER].name,
		"notify_off_multiplier");
	assert_string_equal(vlp_virtio_cap_table(VLP_CFG_VENDOR)->fields[VLP_CAP_VENDOR_ID].name,
			    "vendor_id");
	assert_string_equal(vlp_device_config_table(VLP_ID_INPUT)->fields[VLP_INPUT_SUBSEL].name,
			    "subsel");
	/* Bits defined once: the name tables are built from the constants. */
	assert_string_equal(vlp_feature_name(VLP_ID_NET, VLP_F_NOTIFICATION_DATA),
			    "VIRTIO_F_NOTIFICATION_DATA");
	assert_string_equal(vlp_feature_name(VLP_ID_NET, VLP_F_ADMIN_VQ), "VIRTIO_F_ADMIN_VQ");
	assert_string_equal(
		vlp_names_lookup(&(struct vlp_names){ VLP_NAMES_ENUM, vlp_status_names()->entries,
						      vlp_status_names()->count },
				 VLP_S_DEVICE_NEEDS_RESET),
		"DEVICE_NEEDS_RESET");
}

/* ------------------------------------------------------- registry */

static bool feature_named(const struct vlp_names *n, unsigned bit)
{
	for (size_t i = 0; i < n->count; i++)
		if (n->entries[i].value == bit)
			return true;
	return false;
}

static void check_queue_defs(const struct vlp_device_type *t, const struct vlp_queue_def *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_non_null(q[i].name);
		if (q[i].feature && !feature_named(t->features, VLP_FEATURE_BIT(q[i].feature)))
			fail_msg("type %u queue %s: feature bit %u is not one of the type's", t->id,
				 q[i].name, VLP_FEATURE_BIT(q[i].feature));
	}
}

static void test_registry(void **state)
{
	unsigned n = 0;

	(void)state;
	for (unsigned id = 0; id < MAX_TYPE; id++) {
		const struct vlp_device_type *t = vlp_device_type(id);

		if (!t)
			continue;
		n++;
		assert_int_equal(t->id, id);
		assert_non_null(t->name);
		assert_non_null(t->title);
		assert_non_null(t->features);
		assert_ptr_equal(vlp_device_feature_names(id), t->features);
		assert_string_equal(vlp_virtio_type_name(id), t->name);
		/* A chapter with a configuration layout needs its table. */
		if (t->spec_config && !t->config)
			fail_msg("type %u (%s): its chapter has a configuration layout but there is no table",
				 id, t->name);
		if (t->no_config && t->config)
			fail_msg("type %u (%s): no configuration in its chapter, yet a table", id,
				 t->name);
		check_queue_defs(t, t->queues.head, t->queues.nhead);
		check_queue_defs(t, t->queues.group, t->queues.ngroup);
		check_queue_defs(t, t->queues.tail, t->queues.ntail);
	}
	assert_true(n >= 45);
	assert_null(vlp_device_type(0));
	assert_null(vlp_device_type(14));
	assert_null(vlp_device_type(1000));
	assert_true(vlp_device_type(VLP_ID_ENTROPY)->no_config);
}

static void expect_queue(unsigned type, unsigned index, unsigned num, const uint32_t *features,
			 const char *name, enum vlp_queue_role role)
{
	char buf[48];
	enum vlp_queue_role got;

	assert_string_equal(vlp_queue_name(type, index, num, features, buf, sizeof(buf), &got), name);
	assert_int_equal(got, role);
}

static void test_queue_names(void **state)
{
	uint32_t f[VLP_FEATURE_WORDS] = { 0 };

	(void)state;
	/* net, 2 pairs and the control queue (5.1.2): VIRTIO_NET_F_CTRL_VQ 17 */
	f[0] = 1u << 17;
	expect_queue(VLP_ID_NET, 0, 5, f, "receiveq1", VLP_QUEUE_RECEIVE);
	expect_queue(VLP_ID_NET, 1, 5, f, "transmitq1", VLP_QUEUE_TRANSMIT);
	expect_queue(VLP_ID_NET, 2, 5, f, "receiveq2", VLP_QUEUE_RECEIVE);
	expect_queue(VLP_ID_NET, 3, 5, f, "transmitq2", VLP_QUEUE_TRANSMIT);
	expect_queue(VLP_ID_NET, 4, 5, f, "controlq", VLP_QUEUE_CONTROL);
	/* without the feature the last queue is a pair's */
	expect_queue(VLP_ID_NET, 3, 4, NULL, "transmitq2", VLP_QUEUE_TRANSMIT);
	/* blk (5.2.2) */
	expect_queue(VLP_ID_BLOCK, 0, 4, NULL, "requestq1", VLP_QUEUE_REQUEST);
	expect_queue(VLP_ID_BLOCK, 3, 4, NULL, "requestq4", VLP_QUEUE_REQUEST);
	/* console with VIRTIO_CONSOLE_F_MULTIPORT 1 (5.3.2) */
	f[0] = 1u << 1;
	expect_queue(VLP_ID_CONSOLE, 0, 8, f, "receiveq(port0)", VLP_QUEUE_RECEIVE);
	expect_queue(VLP_ID_CONSOLE, 1, 8, f, "transmitq(port0)", VLP_QUEUE_TRANSMIT);
	expect_queue(VLP_ID_CONSOLE, 2, 8, f, "control receiveq", VLP_QUEUE_CONTROL);
	expect_queue(VLP_ID_CONSOLE, 3, 8, f, "control transmitq", VLP_QUEUE_CONTROL);
	expect_queue(VLP_ID_CONSOLE, 4, 8, f, "receiveq(port1)", VLP_QUEUE_RECEIVE);
	expect_queue(VLP_ID_CONSOLE, 7, 8, f, "transmitq(port2)", VLP_QUEUE_TRANSMIT);
	/* without it only port 0 */
	expect_queue(VLP_ID_CONSOLE, 2, 2, NULL, "queue2", VLP_QUEUE_OTHER);
	/* scsi (5.6.2): request queues from 2 */
	expect_queue(VLP_ID_SCSI, 0, 4, NULL, "controlq", VLP_QUEUE_CONTROL);
	expect_queue(VLP_ID_SCSI, 1, 4, NULL, "eventq", VLP_QUEUE_EVENT);
	expect_queue(VLP_ID_SCSI, 2, 4, NULL, "requestq1", VLP_QUEUE_REQUEST);
	expect_queue(VLP_ID_SCSI, 3, 4, NULL, "requestq2", VLP_QUEUE_REQUEST);
	/* balloon: absent optional queues take no index (5.5.2); PAGE_REPORTING 5 */
	f[0] = 1u << 5;
	expect_queue(VLP_ID_BALLOON, 2, 3, f, "reporting_vq", VLP_QUEUE_TRANSMIT);
	/* crypto (5.9.2): controlq last */
	expect_queue(VLP_ID_CRYPTO, 1, 3, NULL, "dataq2", VLP_QUEUE_REQUEST);
	expect_queue(VLP_ID_CRYPTO, 2, 3, NULL, "controlq", VLP_QUEUE_CONTROL);
	/* fallbacks */
	expect_queue(VLP_ID_ENTROPY, 1, 2, NULL, "queue1", VLP_QUEUE_OTHER);
	expect_queue(63, 0, 1, NULL, "queue0", VLP_QUEUE_OTHER);
	assert_string_equal(vlp_queue_role_name(VLP_QUEUE_RECEIVE), "receive");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_tables_consistent),
		cmocka_unit_test(test_required_config_tables),
		cmocka_unit_test(test_net_layout),
		cmocka_unit_test(test_blk_layout),
		cmocka_unit_test(test_other_layouts),
		cmocka_unit_test(test_feature_tables),
		cmocka_unit_test(test_feature_names),
		cmocka_unit_test(test_block_tables),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_queue_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
