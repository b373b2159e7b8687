/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of a snapshot's store (src/lib/source/records.c) and of its
 * "# vlp-mem" and orphan lines (snapshot.c, dump.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"
#include "source/records.h"

static struct vlp_ctx *ctx;

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

/* Many reads: every one found, a later read of the same key wins, a key
 * that differs in any part (BAR, offset, width, selector) is a miss. */
static void test_index_many_reads(void **state)
{
	struct vlp_snapshot *snap = vlp_snapshot_new();
	const unsigned n = 100000;
	uint32_t v;

	(void)state;
	assert_non_null(snap);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(vlp_snapshot_add(snap, i % 6, 4ull * (i / 6), 4,
						  i % 7 ? (int64_t)(i % 7) : -1, i),
				 0);
	for (unsigned i = 0; i < n; i += 3) /* a later read of the same register */
		assert_int_equal(vlp_snapshot_add(snap, i % 6, 4ull * (i / 6), 4,
						  i % 7 ? (int64_t)(i % 7) : -1, i ^ 0xdead0000u),
				 0);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(vlp_snapshot_lookup(snap, i % 6, 4ull * (i / 6), 4,
						     i % 7 ? (int64_t)(i % 7) : -1, &v),
				 0);
		assert_int_equal(v, i % 3 ? i : i ^ 0xdead0000u);
	}
	/* Misses: each part of the key changed alone. */
	assert_int_equal(vlp_snapshot_lookup(snap, 0, 0, 2, -1, &v), -ENODATA);
	assert_int_equal(vlp_snapshot_lookup(snap, 0, 0, 4, 3, &v), -ENODATA);
	assert_int_equal(vlp_snapshot_lookup(snap, 5, 0, 4, -1, &v), -ENODATA);
	assert_int_equal(vlp_snapshot_lookup(snap, 0, 4ull * n, 4, -1, &v), -ENODATA);
	assert_int_equal(vlp_snapshot_lookup(NULL, 0, 0, 4, -1, &v), -ENODATA);
	vlp_snapshot_free(snap);
}

/* An empty store finds nothing; an overwrite keeps one record. */
static void test_index_empty_and_overwrite(void **state)
{
	struct vlp_snapshot *snap = vlp_snapshot_new();
	uint32_t v = 7;

	(void)state;
	assert_int_equal(vlp_snapshot_lookup(snap, 4, 0, 4, -1, &v), -ENODATA);
	assert_int_equal(v, 7);
	assert_int_equal(vlp_snapshot_add(snap, 4, 0x10, 2, 1, 0x1111), 0);
	assert_int_equal(vlp_snapshot_add(snap, 4, 0x10, 2, 1, 0x2222), 0);
	assert_int_equal(vlp_snapshot_add(snap, 4, 0x10, 2, 2, 0x3333), 0);
	assert_int_equal(vlp_snapshot_lookup(snap, 4, 0x10, 2, 1, &v), 0);
	assert_int_equal(v, 0x2222);
	assert_int_equal(vlp_snapshot_lookup(snap, 4, 0x10, 2, 2, &v), 0);
	assert_int_equal(v, 0x3333);
	vlp_snapshot_free(snap);
}

/* The top of the address space: a range may end at 2^64, not past it;
 * a range ending there is not continued at 0. */
static void test_range_edges(void **state)
{
	struct vlp_snapshot *snap = vlp_snapshot_new();
	uint8_t b[32] = { 0 };

	(void)state;
	assert_true(vlp_snapshot_range_fits(UINT64_MAX, 1));
	assert_true(vlp_snapshot_range_fits(UINT64_MAX - 31, 32));
	assert_false(vlp_snapshot_range_fits(UINT64_MAX - 30, 32));
	assert_false(vlp_snapshot_range_fits(0, 0));
	assert_true(vlp_snapshot_range_fits(0, SIZE_MAX));
	assert_int_equal(vlp_snapshot_add_mem(snap, UINT64_MAX - 31, b, 32), 0);
	assert_int_equal(vlp_snapshot_add_mem(snap, UINT64_MAX - 15, b, 17), -ERANGE);
	assert_int_equal(vlp_snapshot_add_mem(snap, 0, b, 32), 0);
	assert_int_equal(snap->nmem, 2);
	assert_int_equal(snap->mem[0].len, 32);
	assert_int_equal(snap->mem[1].pa, 0);
	vlp_snapshot_free(snap);
}

/* Reads the text as a dump: the devices (at most 4) and the last return. */
static int read_devices(const char *text, struct vlp_device **devs, unsigned *n)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct vlp_dump_reader *r;
	struct vlp_device *dev;
	int ret;

	assert_non_null(f);
	assert_int_equal(vlp_dump_reader_open_stream(ctx, f, "snap.txt", VLP_FORMAT_AUTO, &r), 0);
	*n = 0;
	while ((ret = vlp_dump_reader_next(r, &dev)) > 0) {
		assert_true(*n < 4);
		devs[(*n)++] = dev;
	}
	vlp_dump_reader_close(r);
	fclose(f);
	return ret;
}

#define DEVICE_LINES                                                                               \
	"00:06.0 rng\n00: f4 1a 44 10 07 05 10 00 01 00 ff 00 00 00 00 00\n# vlp-snapshot 1\n"

/* A bad range is refused alone, with its line; every other range stays. */
static void test_bad_ranges_refused_alone(void **state)
{
	static const char text[] = DEVICE_LINES /* lines 1-3 */
		"# vlp-mem 0xffffffffffffffe0 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
		"# vlp-mem 0xfffffffffffffff0 00112233445566778899aabbccddeeff00\n" /* 5: past 2^64 */
		"# vlp-mem 0x1000 xyz\n"                                            /* 6: not hex */
		"# vlp-mem 0x10000000000000000 00\n"                                /* 7: 65 bits */
		"# vlp-mem -1 00\n"                                                 /* 8 */
		"# vlp-mem 0x2000 0011223344556677\n"
		"\n";
	struct vlp_device *devs[4];
	struct vlp_guestmem *mem;
	uint64_t pa, len;
	uint8_t last;
	unsigned n;

	(void)state;
	assert_int_equal(read_devices(text, devs, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(
		vlp_device_warning(devs[0], 0),
		"snap.txt:5: vlp-mem 0xfffffffffffffff0 of 17 bytes runs past the top of the address space: refused");
	assert_non_null(strstr(vlp_device_warning(devs[0], 1), "snap.txt:6: vlp-mem 0x1000: not"));
	assert_non_null(strstr(vlp_device_warning(devs[0], 2), "snap.txt:7: vlp-mem: not ADDRESS"));
	assert_non_null(strstr(vlp_device_warning(devs[0], 3), "snap.txt:8: vlp-mem: not ADDRESS"));
	assert_null(vlp_device_warning(devs[0], 4));
	/* The ranges kept: the one ending at 2^64 and the one after. */
	mem = vlp_snapshot_guestmem(devs[0]);
	assert_non_null(mem);
	assert_int_equal(vlp_guestmem_range_count(mem), 2);
	assert_int_equal(vlp_guestmem_range_at(mem, 0, &pa, &len), 0);
	assert_true(pa == 0xffffffffffffffe0ull && len == 32);
	assert_int_equal(vlp_guestmem_range_at(mem, 1, &pa, &len), 0);
	assert_true(pa == 0x2000 && len == 8);
	/* The last byte of the address space reads; one past it is said
	 * without wrapping. */
	assert_int_equal(vlp_guestmem_read(ctx, mem, UINT64_MAX, &last, 1), 0);
	assert_int_equal(last, 0x1f);
	assert_int_equal(vlp_guestmem_read(ctx, mem, UINT64_MAX - 7, &pa, 8), 0);
	assert_int_equal(vlp_guestmem_read(ctx, mem, UINT64_MAX - 6, &pa, 8), -EFAULT);
	assert_non_null(strstr(vlp_ctx_error(ctx), "0xfffffffffffffff9 (8 bytes) runs past the top"));
	vlp_device_free(devs[0]);
}

/* Past VLP_SNAPSHOT_WARNINGS refused lines, a count: memory stays bounded. */
static void test_many_refusals_counted(void **state)
{
	size_t cap = 64 * 1024, used;
	char *text = malloc(cap);
	struct vlp_device *devs[4];
	unsigned n;

	(void)state;
	assert_non_null(text);
	used = (size_t)snprintf(text, cap, "%s", DEVICE_LINES);
	for (unsigned i = 0; i < 1000; i++)
		used += (size_t)snprintf(text + used, cap - used, "# vlp-mem 0x%x zz\n", i);
	assert_int_equal(read_devices(text, devs, &n), 0);
	assert_int_equal(n, 1);
	assert_non_null(vlp_device_warning(devs[0], VLP_SNAPSHOT_WARNINGS - 1));
	assert_string_equal(vlp_device_warning(devs[0], VLP_SNAPSHOT_WARNINGS),
			    "snap.txt: 992 more snapshot lines refused, the last at line 1003");
	assert_null(vlp_device_warning(devs[0], VLP_SNAPSHOT_WARNINGS + 1));
	assert_null(vlp_snapshot_guestmem(devs[0]));
	vlp_device_free(devs[0]);
	free(text);
}

/* "# vlp-" lines after the blank line that ends a device belong to none:
 * an error naming the line, after the device before them. */
static void test_orphan_lines(void **state)
{
	static const char after[] =
		DEVICE_LINES "# vlp-read 4 0x0 4 - 0x1\n\n# vlp-read 4 0x4 4 - 0x1\n";
	static const char before[] = "# vlp-snapshot 1\n" DEVICE_LINES;
	struct vlp_device *devs[4];
	unsigned n;

	(void)state;
	assert_int_equal(read_devices(after, devs, &n), -EINVAL);
	assert_int_equal(n, 1);
	assert_string_equal(
		vlp_ctx_error(ctx),
		"snap.txt:6: snapshot line outside a device (after the blank line that ends the device above)");
	vlp_device_free(devs[0]);
	assert_int_equal(read_devices(before, devs, &n), -EINVAL);
	assert_int_equal(n, 0);
	assert_string_equal(vlp_ctx_error(ctx),
			    "snap.txt:1: snapshot line outside a device (before the first device)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index_many_reads),
		cmocka_unit_test(test_index_empty_and_overwrite),
		cmocka_unit_test(test_range_edges),
		cmocka_unit_test(test_bad_ranges_refused_alone),
		cmocka_unit_test(test_many_refusals_counted),
		cmocka_unit_test(test_orphan_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
