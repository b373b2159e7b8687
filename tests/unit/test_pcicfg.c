/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the PCI config-space tables (pcicfg.c): their shape, the
 * bits each row takes, and the decoder reading the header, BARs, MSI-X,
 * PM and PCIe through them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static struct vlp_ctx *ctx;

static void put16(uint8_t *b, unsigned off, uint16_t v)
{
	b[off] = v & 0xff;
	b[off + 1] = v >> 8;
}

static void put32(uint8_t *b, unsigned off, uint32_t v)
{
	put16(b, off, v & 0xffff);
	put16(b, off + 2, v >> 16);
}

/* Every table: one name per row, equal to its JSON key, inside the block,
 * a mask only on rows that are part of a register, no duplicate names. */
static void check_table(const struct vlp_field_table *t, size_t rows)
{
	assert_non_null(t);
	assert_int_equal(t->count, rows);
	for (size_t i = 0; i < t->count; i++) {
		const struct vlp_field *f = &t->fields[i];

		assert_non_null(f->name);
		assert_string_equal(f->name, f->json_key);
		assert_non_null(f->help);
		assert_true(f->width == 1 || f->width == 2 || f->width == 4);
		assert_true(f->offset + f->width <= t->size);
		assert_true(f->shift < 8 * f->width);
		if (f->flags & VLP_FIELD_BOOL)
			assert_int_equal(f->mask, 1);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(t->fields[k].json_key, f->json_key);
		assert_ptr_equal(vlp_field_find(t, f->name), f);
	}
}

static void test_table_shapes(void **state)
{
	(void)state;
	check_table(vlp_pci_header_table(), VLP_HDR_COUNT);
	check_table(vlp_pci_bar_table(), VLP_BARREG_COUNT);
	check_table(vlp_pci_cap_table(0x11), VLP_MSIX_COUNT);
	check_table(vlp_pci_cap_table(0x01), VLP_PM_COUNT);
	check_table(vlp_pci_cap_table(0x10), VLP_PCIE_COUNT);
	assert_null(vlp_pci_cap_table(0x09)); /* vendor: the virtio tables */
	assert_null(vlp_pci_cap_table(0x05)); /* MSI: not decoded */
	/* The Command register's bits (the library's own, for bus mastering):
	 * rows of the register the header row names, bit 2 Bus Master. */
	check_table(vlp_pci_command_table(), VLP_CMD_COUNT);
	for (size_t i = 0; i < VLP_CMD_COUNT; i++) {
		const struct vlp_field *f = &vlp_pci_command_table()->fields[i];

		assert_int_equal(f->offset, vlp_pci_header_table()->fields[VLP_HDR_COMMAND].offset);
		assert_int_equal(f->width, vlp_pci_header_table()->fields[VLP_HDR_COMMAND].width);
		assert_int_equal(f->mask << f->shift, 1u << i);
	}
	assert_string_equal(vlp_pci_command_table()->fields[VLP_CMD_BUS_MASTER].json_key, "bus_master");
	/* Rows the faces reach by enum are the rows named so. */
	assert_string_equal(vlp_pci_header_table()->fields[VLP_HDR_CAP_PTR].json_key, "cap_ptr");
	assert_string_equal(vlp_pci_header_table()->fields[VLP_HDR_CLASS].json_key, "class");
	assert_string_equal(vlp_pci_cap_table(0x11)->fields[VLP_MSIX_ENABLED].json_key, "enabled");
	assert_string_equal(vlp_pci_cap_table(0x10)->fields[VLP_PCIE_PORT_TYPE].json_key, "port_type");
	/* The MSI-X entry: --diff and JSON use "address", "data". */
	assert_string_equal(vlp_msix_entry_table()->fields[0].json_key, "address");
	assert_string_equal(vlp_msix_entry_table()->fields[1].json_key, "data");
	assert_string_equal(vlp_msix_entry_table()->fields[2].json_key, "vector_control");
}

/* Message Control 0xc002: enabled, function mask, Table Size field 2 (3
 * entries); Table 0x00000801: BIR 1, offset 0x800. */
static void test_extract(void **state)
{
	const struct vlp_field *m = vlp_pci_cap_table(0x11)->fields;
	const struct vlp_field *b = vlp_pci_bar_table()->fields;

	(void)state;
	assert_int_equal(vlp_field_extract(&m[VLP_MSIX_TABLE_SIZE], 0xc002), 3);
	assert_int_equal(vlp_field_extract(&m[VLP_MSIX_ENABLED], 0xc002), 1);
	assert_int_equal(vlp_field_extract(&m[VLP_MSIX_FUNCTION_MASK], 0xc002), 1);
	assert_int_equal(vlp_field_extract(&m[VLP_MSIX_ENABLED], 0x4002), 0);
	assert_int_equal(vlp_field_extract(&m[VLP_MSIX_TABLE_BAR], 0x801), 1);
	assert_int_equal(vlp_field_extract(&m[VLP_MSIX_TABLE_OFFSET], 0x801), 0x800);
	/* 64-bit prefetchable memory BAR; an I/O BAR. */
	assert_int_equal(vlp_field_extract(&b[VLP_BARREG_SPACE], 0xfe00000c), 0);
	assert_int_equal(vlp_field_extract(&b[VLP_BARREG_MEMORY_TYPE], 0xfe00000c), 2);
	assert_int_equal(vlp_field_extract(&b[VLP_BARREG_PREFETCHABLE], 0xfe00000c), 1);
	assert_int_equal(vlp_field_extract(&b[VLP_BARREG_SPACE], 0xc001), 1);
	assert_int_equal(vlp_field_extract(&b[VLP_BARREG_REGISTER], 0xc001), 0xc001);
}

/* A device with PM at 0x40, PCIe at 0x50 and MSI-X at 0x60, read through
 * vlp_field_read_config and the decoder. */
static void test_decode_through_tables(void **state)
{
	struct vlp_slot slot = { 0, 0, 4, 0 };
	uint8_t b[256] = { 0 };
	struct vlp_device *dev;
	struct vlp_layout *l;
	uint64_t v;

	(void)state;
	put16(b, 0x00, 0x1af4);
	put16(b, 0x02, 0x1041);
	put16(b, 0x06, 0x0010);
	put32(b, 0x08, 0x02000001); /* class 020000, revision 1 */
	put32(b, 0x10, 0xc001);     /* BAR0: I/O */
	put32(b, 0x20, 0xfe00000c); /* BAR4: 64-bit prefetchable memory */
	put32(b, 0x24, 0x1);        /* ... at 0x1_fe000000 */
	put16(b, 0x2c, 0x1af4);
	put16(b, 0x2e, 0x1100);
	b[0x34] = 0x40;
	b[0x3c] = 11;
	b[0x3d] = 1;
	b[0x40] = 0x01, b[0x41] = 0x50; /* PM: PMC version 3, D3hot */
	put16(b, 0x42, 0x0003);
	put16(b, 0x44, 0x0003);
	b[0x50] = 0x10, b[0x51] = 0x60; /* PCIe v2 Endpoint */
	put16(b, 0x52, 0x0002);
	b[0x60] = 0x11, b[0x61] = 0x00; /* MSI-X: 3 entries, enabled, table BAR4+0, PBA BAR4+0x800 */
	put16(b, 0x62, 0x8002);
	put32(b, 0x64, 0x4);
	put32(b, 0x68, 0x804);
	assert_int_equal(vlp_device_from_bytes(ctx, &slot, b, NULL, sizeof(b), NULL, &dev), 0);
	assert_int_equal(vlp_field_read_config(
				 dev, 0x60, &vlp_pci_cap_table(0x11)->fields[VLP_MSIX_TABLE_SIZE], &v),
			 0);
	assert_int_equal(v, 3);
	assert_int_equal(
		vlp_field_read_config(dev, 0, &vlp_pci_header_table()->fields[VLP_HDR_CLASS], &v), 0);
	assert_int_equal(v, 0x020000);
	assert_int_equal(vlp_decode(ctx, dev, &l), 0);
	assert_int_equal(l->header.class_code.value, 0x020000);
	assert_int_equal(l->header.revision.value, 1);
	assert_int_equal(l->header.cap_ptr.value, 0x40);
	assert_int_equal(l->header.interrupt_line.value, 11);
	assert_int_equal(l->bars[0].space, VLP_BAR_IO);
	assert_int_equal(l->bars[0].address, 0xc000);
	assert_true(l->bars[4].is_64bit && l->bars[4].prefetchable);
	assert_int_equal(l->bars[4].address, 0x1fe000000ull);
	assert_true(l->bars[5].upper_half);
	assert_int_equal(l->ncaps, 3);
	assert_int_equal(l->caps[0].kind, VLP_CAP_PM);
	assert_ptr_equal(l->caps[0].pci_table, vlp_pci_cap_table(0x01));
	assert_int_equal(l->caps[0].u.pm.version, 3);
	assert_int_equal(l->caps[0].u.pm.power_state, 3);
	assert_int_equal(l->caps[1].kind, VLP_CAP_PCIE);
	assert_int_equal(l->caps[1].u.pcie.version, 2);
	assert_string_equal(l->caps[1].u.pcie.port_type_name, "Endpoint");
	assert_int_equal(l->caps[2].kind, VLP_CAP_MSIX);
	assert_int_equal(l->caps[2].u.msix.table_size, 3);
	assert_true(l->caps[2].u.msix.enabled);
	assert_false(l->caps[2].u.msix.function_mask);
	assert_int_equal(l->caps[2].u.msix.table_bar, 4);
	assert_int_equal(l->caps[2].u.msix.pba_offset, 0x800);
	assert_int_equal(l->caps[2].pci_fields[VLP_MSIX_PBA_BAR], 4);
	vlp_layout_free(l);
	vlp_device_free(dev);
}

/* An MSI-X capability whose last register was not read is incomplete,
 * not decoded from zeros. */
static void test_msix_partly_read(void **state)
{
	struct vlp_slot slot = { 0, 0, 4, 0 };
	uint8_t b[256] = { 0 }, valid[256];
	struct vlp_device *dev;
	struct vlp_layout *l;

	(void)state;
	memset(valid, 1, sizeof(valid));
	memset(valid + 0x68, 0, 4);
	put16(b, 0x00, 0x1af4);
	put16(b, 0x02, 0x1041);
	put16(b, 0x06, 0x0010);
	b[0x34] = 0x60;
	b[0x60] = 0x11;
	put16(b, 0x62, 0x8002);
	assert_int_equal(vlp_device_from_bytes(ctx, &slot, b, valid, sizeof(b), NULL, &dev), 0);
	assert_int_equal(vlp_decode(ctx, dev, &l), 0);
	assert_int_equal(l->ncaps, 1);
	assert_false(l->caps[0].complete);
	assert_int_equal(l->caps[0].kind, VLP_CAP_GENERIC);
	assert_null(l->caps[0].pci_table);
	assert_int_equal(l->msix_index, -1);
	vlp_layout_free(l);
	vlp_device_free(dev);
}

static int setup(void **state)
{
	(void)state;
	return vlp_ctx_new(&ctx);
}

static int teardown(void **state)
{
	(void)state;
	vlp_ctx_free(ctx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_shapes),
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_decode_through_tables),
		cmocka_unit_test(test_msix_partly_read),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
