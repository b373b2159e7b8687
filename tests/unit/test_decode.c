/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the decoder on synthetic config spaces built field by field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

struct cfg {
	uint8_t b[4096];
	uint8_t valid[4096];
	unsigned len;
	uint64_t bar_sizes[6];
};

static void put8(struct cfg *c, unsigned off, uint8_t v)
{
	c->b[off] = v;
}
static void put16(struct cfg *c, unsigned off, uint16_t v)
{
	c->b[off] = v & 0xff;
	c->b[off + 1] = v >> 8;
}
static void put32(struct cfg *c, unsigned off, uint32_t v)
{
	put16(c, off, v & 0xffff);
	put16(c, off + 2, v >> 16);
}

/* A modern device: 64-bit memory BAR4 (16K), caps from 0x40. */
static void modern_header(struct cfg *c, uint16_t device)
{
	memset(c, 0, sizeof(*c));
	c->len = 256;
	memset(c->valid, 1, 256);
	for (int i = 0; i < 6; i++)
		c->bar_sizes[i] = UINT64_MAX;
	put16(c, 0x00, 0x1af4);
	put16(c, 0x02, device);
	put16(c, 0x04, 0x0406);
	put16(c, 0x06, 0x0010); /* capability list */
	put8(c, 0x08, device >= 0x1040 ? 1 : 0);
	put16(c, 0x2c, 0x1af4);
	put16(c, 0x2e, device >= 0x1040 ? 0x1100 : 1);
	put32(c, 0x20, 0xfe000000 | 0xc); /* BAR4: 64-bit prefetchable memory */
	put32(c, 0x24, 0);
	c->bar_sizes[4] = 0x4000;
	put8(c, 0x34, 0x40);
}

/* A virtio capability of cap_len bytes at pos. */
static void virtio_cap(struct cfg *c, unsigned pos, unsigned next, uint8_t type, uint8_t bar,
		       uint32_t offset, uint32_t length, uint8_t cap_len)
{
	put8(c, pos, 0x09);
	put8(c, pos + 1, (uint8_t)next);
	put8(c, pos + 2, cap_len);
	put8(c, pos + 3, type);
	put8(c, pos + 4, bar);
	put32(c, pos + 8, offset);
	put32(c, pos + 12, length);
}

/* QEMU's layout: common, ISR, device, notify (mult 4), PCI cfg. */
static void qemu_caps(struct cfg *c)
{
	virtio_cap(c, 0x40, 0x50, 1, 4, 0x0000, 0x1000, 16);
	virtio_cap(c, 0x50, 0x60, 3, 4, 0x1000, 0x1000, 16);
	virtio_cap(c, 0x60, 0x70, 4, 4, 0x2000, 0x1000, 16);
	virtio_cap(c, 0x70, 0x84, 2, 4, 0x3000, 0x1000, 20);
	put32(c, 0x80, 4);
	virtio_cap(c, 0x84, 0x00, 5, 0, 0, 0, 20);
}

static struct vlp_ctx *ctx;

static struct vlp_layout *decode(struct cfg *c)
{
	struct vlp_slot slot = { 0, 0, 4, 0 };
	struct vlp_device *dev;
	struct vlp_layout *l;

	assert_int_equal(
		vlp_device_from_bytes(ctx, &slot, c->b, c->valid, c->len, c->bar_sizes, &dev), 0);
	assert_int_equal(vlp_decode(ctx, dev, &l), 0);
	vlp_device_free(dev);
	return l;
}

/* Findings of a severity whose message contains text (NULL: any). */
static int count_findings(const struct vlp_layout *l, enum vlp_severity sev, const char *section,
			  const char *text)
{
	int n = 0;

	for (size_t i = 0; i < l->nfindings; i++)
		if (l->findings[i].severity == sev &&
		    (!section || (l->findings[i].section && !strcmp(l->findings[i].section, section))) &&
		    (!text || strstr(l->findings[i].message, text)))
			n++;
	return n;
}

static int problems(const struct vlp_layout *l)
{
	/* Say what they are when a test fails on them. */
	for (size_t i = 0; i < l->nfindings; i++)
		if (l->findings[i].severity != VLP_SEV_INFO)
			print_message("finding: %s [%s] %s\n",
				      vlp_severity_name(l->findings[i].severity),
				      l->findings[i].section ? l->findings[i].section : "-",
				      l->findings[i].message);
	return count_findings(l, VLP_SEV_ERROR, NULL, NULL) +
	       count_findings(l, VLP_SEV_WARNING, NULL, NULL);
}

static void test_modern_clean(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	l = decode(&c);
	assert_int_equal(problems(l), 0);
	assert_true(l->virtio.is_virtio);
	assert_int_equal(l->virtio.transport, VLP_TRANSPORT_MODERN);
	assert_int_equal(l->virtio.device_type.value, 1);
	assert_string_equal(l->virtio.type_name, "network");
	assert_int_equal(l->ncaps, 5);
	assert_int_equal(l->caps[l->driver_uses[VLP_CFG_COMMON]].position, 0x40);
	assert_int_equal(l->caps[l->driver_uses[VLP_CFG_NOTIFY]].position, 0x70);
	assert_int_equal(l->caps[l->driver_uses[VLP_CFG_NOTIFY]].u.virtio.notify_off_multiplier, 4);
	assert_int_equal(l->caps[l->driver_uses[VLP_CFG_PCI]].position, 0x84);
	assert_true(l->bars[4].is_64bit && l->bars[4].prefetchable);
	assert_true(l->bars[5].upper_half);
	assert_int_equal(l->bars[4].address, 0xfe000000);
	assert_int_equal(l->nregions, 4); /* PCI cfg is a window, not a region */
	assert_false(l->legacy.present);
	vlp_layout_free(l);
}

static void test_transitional_legacy_offset(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1000);
	put32(&c, 0x10, 0xc001); /* BAR0: I/O */
	c.bar_sizes[0] = 0x40;
	qemu_caps(&c);
	put8(&c, 0x85, 0x98); /* chain on to MSI-X */
	put8(&c, 0x98, 0x11);
	put16(&c, 0x9a, 0x8000 | 1);  /* enabled, 2 vectors */
	put32(&c, 0x9c, 0x1 | 0x000); /* table in BAR1 */
	put32(&c, 0xa0, 0x1 | 0x800);
	put32(&c, 0x14, 0xfebf1000);
	c.bar_sizes[1] = 0x1000;
	l = decode(&c);
	assert_int_equal(l->virtio.transport, VLP_TRANSPORT_TRANSITIONAL);
	assert_int_equal(l->virtio.device_type.value, 1); /* subsystem ID */
	assert_true(l->legacy.present && l->legacy.bar0_is_io);
	assert_int_equal(l->legacy.device_config_offset.value, 24);
	assert_int_equal(problems(l), 0);
	vlp_layout_free(l);

	put16(&c, 0x2e, 2); /* subsystem says block, device ID says network */
	l = decode(&c);
	assert_int_equal(count_findings(l, VLP_SEV_WARNING, "4.1.2.3", "means virtio device type 1"),
			 1);
	vlp_layout_free(l);
	put16(&c, 0x2e, 1);

	put16(&c, 0x9a, 1); /* MSI-X disabled: device config moves back to 20 */
	l = decode(&c);
	assert_int_equal(l->legacy.device_config_offset.value, 20);
	vlp_layout_free(l);

	put32(&c, 0x10, 0xfe800000); /* BAR0 memory: no legacy interface */
	l = decode(&c);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.5.1.1.1", "no I/O BAR0"), 1);
	vlp_layout_free(l);
}

static void test_legacy_only(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1000);
	put32(&c, 0x10, 0xc001);
	put16(&c, 0x06, 0); /* no capability list */
	l = decode(&c);
	assert_int_equal(l->virtio.transport, VLP_TRANSPORT_LEGACY);
	assert_int_equal(problems(l), 0);
	assert_int_equal(l->legacy.device_config_offset.value, 20);
	vlp_layout_free(l);
}

static void test_chain_loop(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	put8(&c, 0x85, 0x50); /* PCI cfg -> ISR again */
	l = decode(&c);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, NULL, "loops back to [50]"), 1);
	assert_int_equal(l->ncaps, 5);
	vlp_layout_free(l);
}

static void test_pointer_into_header(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	put8(&c, 0x85, 0x10);
	l = decode(&c);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, NULL, "points into the standard header"), 1);
	vlp_layout_free(l);
}

static void test_cap_len_too_short(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	put8(&c, 0x72, 16); /* notify without its multiplier */
	put8(&c, 0x86, 16); /* PCI cfg without its data window (cloud-hypervisor #8238) */
	l = decode(&c);
	assert_int_equal(
		count_findings(l, VLP_SEV_ERROR, "4.1.4.2", "cap_len 16 is too short for a Notify"), 1);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.2", "too short for a PCICfg"), 1);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.4.1", "no usable notification"), 1);
	assert_int_equal(l->driver_uses[VLP_CFG_NOTIFY], -1);
	vlp_layout_free(l);
}

static void test_reserved_bar_first_usable_wins(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	/* A second common cap first in the chain, on reserved BAR 7. */
	put8(&c, 0x34, 0xa0);
	virtio_cap(&c, 0xa0, 0x40, 1, 7, 0, 0x38, 16);
	l = decode(&c);
	assert_int_equal(count_findings(l, VLP_SEV_WARNING, "4.1.4", "reserved BAR index"), 1);
	assert_int_equal(l->caps[l->driver_uses[VLP_CFG_COMMON]].position, 0x40);
	assert_false(l->caps[0].u.virtio.usable);
	assert_non_null(l->caps[0].u.virtio.skip_reason);
	vlp_layout_free(l);
}

static void test_outside_bar_and_alignment(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	put32(&c, 0x40 + 8, 2);       /* common offset 2: misaligned */
	put32(&c, 0x60 + 12, 0x3000); /* device cfg 0x2000+0x3000 > 16K */
	put32(&c, 0x70 + 16, 3);      /* multiplier 3 */
	l = decode(&c);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.3.1", "not 4-byte aligned"), 1);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.6", "extends past the BAR"), 1);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.4.1", "neither 0 nor a power of 2"),
			 1);
	assert_int_equal(l->driver_uses[VLP_CFG_DEVICE], -1);
	vlp_layout_free(l);
}

static void test_missing_mandatory(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	put8(&c, 0x71, 0);       /* chain ends before PCI cfg */
	put32(&c, 0x60 + 12, 0); /* zero-length device cfg (openvmm #3925) */
	l = decode(&c);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.9.1", "no PCI configuration access"),
			 1);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.6.1", "bad capability len 0"), 1);
	assert_int_equal(
		count_findings(l, VLP_SEV_ERROR, "4.1.4.6.1", "no usable device configuration"), 1);
	vlp_layout_free(l);
}

static void test_header_only(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1000);
	put32(&c, 0x10, 0xc001);
	qemu_caps(&c);
	c.len = 64; /* what sysfs gives a user who is not root */
	l = decode(&c);
	assert_int_equal(l->virtio.transport, VLP_TRANSPORT_PRE_MODERN);
	assert_int_equal(l->ncaps, 0);
	assert_int_equal(problems(l), 0);
	assert_true(l->header.subsystem_id.valid);
	vlp_layout_free(l);
}

static void test_unavailable_bytes(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	memset(c.valid + 0x70, 0, 16); /* a dump line missing: the notify cap */
	memset(c.valid + 0x20, 0, 4);  /* and BAR4 */
	l = decode(&c);
	assert_false(l->bars[4].valid);
	assert_int_equal(l->ncaps, 3);
	assert_int_equal(count_findings(l, VLP_SEV_INFO, NULL, "not decoded"), 1);
	vlp_layout_free(l);
}

static void test_shared_memory_and_vendor(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x105a);
	c.bar_sizes[4] = 0x400000000ull;
	qemu_caps(&c);
	put8(&c, 0x85, 0xa0);
	virtio_cap(&c, 0xa0, 0xb8, 8, 4, 0x10000, 0x1000, 24);
	put32(&c, 0xb0, 1); /* offset_hi */
	put32(&c, 0xb4, 0);
	put8(&c, 0xa5, 3);
	virtio_cap(&c, 0xb8, 0xd0, 8, 4, 0, 0x1000, 24);
	put8(&c, 0xbd, 3); /* same id */
	put8(&c, 0xd0, 0x09);
	put8(&c, 0xd1, 0x00);
	put8(&c, 0xd2, 8);
	put8(&c, 0xd3, 9);
	put16(&c, 0xd4, 0x1af4);
	l = decode(&c);
	assert_int_equal(l->caps[5].u.virtio.offset, 0x100010000ull);
	assert_int_equal(l->caps[5].u.virtio.id, 3);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.7.1", "id 3 is used by"), 1);
	assert_true(l->caps[7].u.virtio.has_vendor_id);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, "4.1.4.8.1", "0x1af4"), 1);
	vlp_layout_free(l);
}

static void test_overlap_and_cap_at_end(void **state)
{
	struct cfg c;
	struct vlp_layout *l;

	(void)state;
	modern_header(&c, 0x1041);
	qemu_caps(&c);
	put8(&c, 0x85, 0xf8);
	put8(&c, 0xf8, 0x11); /* MSI-X table on top of common cfg */
	put8(&c, 0xf9, 0x00);
	put16(&c, 0xfa, 3);
	put32(&c, 0xfc, 4); /* BIR 4, offset 0 */
	/* its PBA dword would be at 0x100: past conventional space */
	l = decode(&c);
	assert_int_equal(l->msix_index, -1);
	assert_int_equal(count_findings(l, VLP_SEV_INFO, NULL, "only partly decoded"), 1);
	vlp_layout_free(l);

	put8(&c, 0x85, 0xa0);
	put8(&c, 0xa0, 0x11);
	put8(&c, 0xa1, 0xf8);
	put16(&c, 0xa2, 3);
	put32(&c, 0xa4, 4);
	put32(&c, 0xa8, 4 | 0x800);
	virtio_cap(&c, 0xf8, 0, 4, 4, 0x2000, 0x10, 16); /* cap_len runs past 0x100 */
	l = decode(&c);
	assert_true(l->caps[l->msix_index].complete);
	assert_int_equal(count_findings(l, VLP_SEV_ERROR, NULL, "overlaps CommonCfg"), 1);
	assert_int_equal(
		count_findings(l, VLP_SEV_ERROR, "4.1.4", "extends past the end of config space"), 1);
	vlp_layout_free(l);
}

static void test_field_tables(void **state)
{
	const struct vlp_field_table *t = vlp_virtio_cap_table(VLP_CFG_SHARED_MEMORY);
	const struct vlp_field *f = vlp_field_find(t, "offset");
	struct cfg c;
	struct vlp_device *dev;
	uint64_t v;

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->hi_offset, 0x10);
	assert_non_null(vlp_field_find(vlp_virtio_cap_table(VLP_CFG_NOTIFY), "notify_off_multiplier"));
	assert_null(vlp_field_find(vlp_virtio_cap_table(VLP_CFG_COMMON), "notify_off_multiplier"));
	assert_int_equal(vlp_field_find(vlp_virtio_cap_table(VLP_CFG_PCI), "bar")->access, VLP_RW);
	modern_header(&c, 0x1041);
	put32(&c, 0xa8, 0x89abcdef);
	put32(&c, 0xb0, 0x01234567);
	assert_int_equal(vlp_device_from_bytes(ctx, NULL, c.b, c.valid, c.len, NULL, &dev), 0);
	assert_int_equal(vlp_field_read_config(dev, 0xa0, f, &v), 0);
	assert_true(v == 0x0123456789abcdefull);
	assert_int_equal(vlp_field_read_config(dev, 0xf0, f, &v), -ENODATA);
	vlp_device_free(dev);
	assert_string_equal(vlp_names_lookup(vlp_virtio_cap_table(1)->fields[3].names, 2), "notify");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vlp_virtio_type_name(19), "socket");
	assert_string_equal(vlp_virtio_type_name(49), "usb");
	assert_null(vlp_virtio_type_name(14));
	assert_null(vlp_virtio_type_name(1000));
	assert_string_equal(vlp_cfg_type_name(8), "shared_memory");
	assert_null(vlp_cfg_type_name(6));
	assert_null(vlp_cfg_type_label(200));
	assert_string_equal(vlp_cap_name(0x11), "MSI-X");
	assert_string_equal(vlp_transport_name(VLP_TRANSPORT_TRANSITIONAL), "transitional");
}

static void test_filter(void **state)
{
	struct vlp_filter *f;
	struct vlp_device *dev;
	struct cfg c;
	struct vlp_slot slot = { 0, 0, 4, 0 };

	(void)state;
	modern_header(&c, 0x1041);
	assert_int_equal(vlp_device_from_bytes(ctx, &slot, c.b, c.valid, c.len, NULL, &dev), 0);
	assert_int_equal(vlp_filter_new(ctx, &f), 0);
	assert_true(vlp_filter_match(f, dev));
	assert_int_equal(vlp_filter_add_slot(ctx, f, "00:03"), 0);
	assert_false(vlp_filter_match(f, dev));
	assert_int_equal(vlp_filter_add_slot(ctx, f, "0000:00:04.0"), 0); /* alternatives */
	assert_true(vlp_filter_match(f, dev));
	assert_int_equal(vlp_filter_add_id(ctx, f, "1af4:1042"), 0);
	assert_false(vlp_filter_match(f, dev));
	assert_int_equal(vlp_filter_add_id(ctx, f, "1af4:"), 0);
	assert_true(vlp_filter_match(f, dev));
	assert_int_equal(vlp_filter_add_slot(ctx, f, "zz:xx"), -EINVAL);
	assert_non_null(strstr(vlp_ctx_error(ctx), "invalid slot 'zz:xx'"));
	vlp_filter_free(f);
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
		cmocka_unit_test(test_modern_clean),
		cmocka_unit_test(test_transitional_legacy_offset),
		cmocka_unit_test(test_legacy_only),
		cmocka_unit_test(test_chain_loop),
		cmocka_unit_test(test_pointer_into_header),
		cmocka_unit_test(test_cap_len_too_short),
		cmocka_unit_test(test_reserved_bar_first_usable_wins),
		cmocka_unit_test(test_outside_bar_and_alignment),
		cmocka_unit_test(test_missing_mandatory),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_unavailable_bytes),
		cmocka_unit_test(test_shared_memory_and_vendor),
		cmocka_unit_test(test_overlap_and_cap_at_end),
		cmocka_unit_test(test_field_tables),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
