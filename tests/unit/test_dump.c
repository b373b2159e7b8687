/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the dump reader (src/lib/source/dump.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/unit/data"
#endif
#ifndef GOLDEN_DATA_DIR
#define GOLDEN_DATA_DIR "tests/data"
#endif

#define MAX_DEVICES 8

struct read_result {
	int ret;        /* last return of vlp_dump_reader_next: 0 or <0 */
	unsigned count; /* devices returned before it */
	struct vlp_device *devs[MAX_DEVICES];
	char error[256];
};

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

static void result_free(struct read_result *res)
{
	for (unsigned i = 0; i < res->count && i < MAX_DEVICES; i++)
		vlp_device_free(res->devs[i]);
}

/* Drain a reader; keep the first MAX_DEVICES devices. */
static void drain(struct vlp_dump_reader *r, struct read_result *res)
{
	struct vlp_device *dev;

	for (;;) {
		res->ret = vlp_dump_reader_next(r, &dev);
		if (res->ret <= 0)
			break;
		assert_non_null(dev);
		assert_int_equal(dev->origin, VLP_ORIGIN_DUMP);
		if (res->count < MAX_DEVICES)
			res->devs[res->count] = dev;
		else
			vlp_device_free(dev);
		res->count++;
	}
	snprintf(res->error, sizeof(res->error), "%s", res->ret < 0 ? vlp_ctx_error(ctx) : "");
	/* Once finished or failed, the reader stays so. */
	assert_int_equal(vlp_dump_reader_next(r, &dev), res->ret);
	assert_null(dev);
}

static struct read_result read_buffer(const void *data, size_t len, enum vlp_dump_format fmt)
{
	struct read_result res = { 0 };
	struct vlp_dump_reader *r;
	/* fmemopen refuses a zero-sized buffer on older glibc. */
	FILE *f = len ? fmemopen((void *)data, len, "r") : fopen("/dev/null", "r");

	assert_non_null(f);
	assert_int_equal(vlp_dump_reader_open_stream(ctx, f, "dump.txt", fmt, &r), 0);
	drain(r, &res);
	vlp_dump_reader_close(r);
	fclose(f);
	return res;
}

static struct read_result read_text(const char *text, enum vlp_dump_format fmt)
{
	return read_buffer(text, strlen(text), fmt);
}

static struct read_result read_path(const char *path, enum vlp_dump_format fmt)
{
	struct read_result res = { 0 };
	struct vlp_dump_reader *r;

	res.ret = vlp_dump_reader_open(ctx, path, fmt, &r);
	if (res.ret < 0) {
		snprintf(res.error, sizeof(res.error), "%s", vlp_ctx_error(ctx));
		return res;
	}
	drain(r, &res);
	vlp_dump_reader_close(r);
	return res;
}

static bool byte_valid(const struct vlp_device *dev, unsigned off)
{
	return dev->valid[off / 8] & (1u << (off % 8));
}

static unsigned count_valid(const struct vlp_device *dev)
{
	unsigned n = 0;

	for (unsigned i = 0; i < VLP_CONFIG_MAX; i++)
		n += byte_valid(dev, i);
	return n;
}

static void assert_range_valid(const struct vlp_device *dev, unsigned off, unsigned len)
{
	for (unsigned i = off; i < off + len; i++)
		assert_true(byte_valid(dev, i));
}

static void assert_slot(const struct vlp_device *dev, int domain, unsigned bus, unsigned d, unsigned func)
{
	assert_int_equal(dev->slot.domain, domain);
	assert_int_equal(dev->slot.bus, bus);
	assert_int_equal(dev->slot.dev, d);
	assert_int_equal(dev->slot.func, func);
}

static void assert_error(const char *text, enum vlp_dump_format fmt, const char *message)
{
	struct read_result res = read_text(text, fmt);

	assert_int_equal(res.ret, -EINVAL);
	assert_string_equal(res.error, message);
	result_free(&res);
}

static void *load_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static const char lspci_x_balloon[] =
	"00:01.0 Unassigned class [ffff]: Red Hat, Inc. Virtio 1.0 memory balloon (rev 01)\n"
	"00: f4 1a 45 10 06 04 10 00 01 00 ff ff 00 00 00 00\n"
	"10: 04 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00\n"
	"20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 45 10\n"
	"30: 00 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00\n"
	"\n";

/* ------------------------------------------------------------------ */

static void test_format_names(void **state)
{
	static const char *const names[] = { "auto", "lspci", "raw", "xxd", "hexdump" };
	enum vlp_dump_format fmt;

	(void)state;
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(vlp_dump_format_parse(names[i], &fmt), 0);
		assert_int_equal(fmt, (enum vlp_dump_format)i);
		assert_string_equal(vlp_dump_format_name(fmt), names[i]);
	}
	assert_int_equal(vlp_dump_format_parse("hexdump -C", &fmt), -EINVAL);
	assert_int_equal(vlp_dump_format_parse("", &fmt), -EINVAL);
	assert_int_equal(vlp_dump_format_parse("LSPCI", &fmt), -EINVAL);
	assert_int_equal(vlp_dump_format_parse(NULL, &fmt), -EINVAL);
	assert_string_equal(vlp_dump_format_name((enum vlp_dump_format)42), "unknown");
}

static void test_lspci_x_header_only(void **state)
{
	struct read_result res;
	const struct vlp_device *dev;

	(void)state;
	res = read_text(lspci_x_balloon, VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	dev = res.devs[0];
	assert_slot(dev, 0, 0, 1, 0);
	assert_int_equal(dev->config_size, 64);
	assert_int_equal(dev->limit, VLP_LIMIT_DUMP);
	assert_int_equal(count_valid(dev), 64);
	assert_range_valid(dev, 0, 64);
	assert_int_equal(dev->config[0], 0xf4);
	assert_int_equal(dev->config[0x0a], 0xff);
	assert_int_equal(dev->config[0x3f], 0x00);
	/* Bytes the dump does not hold stay unavailable. */
	assert_false(byte_valid(dev, 64));
	assert_string_equal(dev->driver, "");
	for (unsigned i = 0; i < VLP_NUM_BARS; i++)
		assert_true(dev->bar_size[i] == VLP_BAR_SIZE_UNKNOWN);
	result_free(&res);
}

static void test_lspci_golden_vvv(void **state)
{
	struct read_result res;

	(void)state;
	res = read_path(GOLDEN_DATA_DIR "/host-vm.lspci", VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 5);
	for (unsigned i = 0; i < res.count; i++) {
		const struct vlp_device *dev = res.devs[i];

		assert_slot(dev, 0, 0, i + 1, 0);
		assert_int_equal(dev->config_size, 256);
		assert_int_equal(dev->limit, VLP_LIMIT_NONE);
		assert_int_equal(count_valid(dev), 256);
		assert_int_equal(dev->config[0], 0xf4);
		assert_int_equal(dev->config[1], 0x1a);
		assert_true(dev->bar_size[0] == 512 * 1024);
		for (unsigned b = 1; b < VLP_NUM_BARS; b++)
			assert_true(dev->bar_size[b] == VLP_BAR_SIZE_UNKNOWN);
		assert_string_equal(dev->driver, "virtio-pci");
	}
	assert_int_equal(res.devs[1]->config[2], 0x42); /* block device */
	result_free(&res);
}

static void test_lspci_xxxx_4096(void **state)
{
	struct read_result res;
	const struct vlp_device *dev;
	uint8_t raw[VLP_CONFIG_MAX];
	size_t len;
	void *bin;

	(void)state;
	res = read_path(TEST_DATA_DIR "/bridge.lspci", VLP_FORMAT_LSPCI);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	dev = res.devs[0];
	assert_int_equal(dev->config_size, 4096);
	assert_int_equal(dev->limit, VLP_LIMIT_NONE);
	assert_int_equal(count_valid(dev), 4096);
	bin = load_file(TEST_DATA_DIR "/bridge4096.bin", &len);
	assert_int_equal(len, sizeof(raw));
	assert_memory_equal(dev->config, bin, sizeof(raw));
	free(bin);
	result_free(&res);
}

static void test_lspci_several_devices(void **state)
{
	/* Next header ends a device as well as a blank line does; comments
	 * and lspci's own warnings are skipped. */
	static const char text[] = "# captured on host A\n"
				   "lspci: Unable to load libkmod resources: error -2\n"
				   "0000:00:04.0 SCSI storage controller: Red Hat, Inc. Virtio SCSI\n"
				   "00: f4 1a 00 10 07 05 10 00 00 00 00 01 00 00 00 00\n"
				   "10: 01 c0 00 00 00 10 bd fe 00 00 00 00 00 00 00 00\n"
				   "10000:e1:1f.7 Ethernet controller: Something\n"
				   "00: f4 1a 41 10\n"
				   "# a comment inside a block does not end it\n"
				   "10: 01 02\n"
				   "\n"
				   "\n"
				   "ffff:ff:00.3 Bridge\n"
				   "00: 86 80 57 0d 00 00 00 00 00 00 00 06 00 00 00 00\n";
	struct read_result res;

	(void)state;
	res = read_text(text, VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 3);
	assert_slot(res.devs[0], 0, 0, 4, 0);
	assert_int_equal(count_valid(res.devs[0]), 32);
	assert_int_equal(res.devs[0]->config[0x10], 0x01);
	assert_int_equal(res.devs[0]->config[0x11], 0xc0);
	assert_slot(res.devs[1], 0x10000, 0xe1, 0x1f, 7);
	assert_int_equal(count_valid(res.devs[1]), 6);
	assert_range_valid(res.devs[1], 0, 4);
	assert_range_valid(res.devs[1], 0x10, 2);
	assert_false(byte_valid(res.devs[1], 4));
	assert_false(byte_valid(res.devs[1], 0x12));
	assert_slot(res.devs[2], 0xffff, 0xff, 0, 3);
	assert_int_equal(count_valid(res.devs[2]), 16);
	result_free(&res);
}

static void test_lspci_unavailable_bytes(void **state)
{
	/* Only 00 and 20: 0x10..0x1f and everything past 0x2f stay invalid,
	 * never zero-filled. */
	static const char text[] = "00:05.0 Communication controller: Red Hat, Inc. Virtio console\n"
				   "00: f4 1a 43 10 06 04 10 00 01 00 80 07 00 00 00 00\n"
				   "20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 43 10\n";
	struct read_result res;
	const struct vlp_device *dev;

	(void)state;
	res = read_text(text, VLP_FORMAT_LSPCI);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	dev = res.devs[0];
	assert_int_equal(count_valid(dev), 32);
	for (unsigned i = 0x10; i < 0x20; i++)
		assert_false(byte_valid(dev, i));
	assert_false(byte_valid(dev, 0x30));
	assert_int_equal(dev->config_size, 64);
	assert_int_equal(dev->limit, VLP_LIMIT_DUMP);
	result_free(&res);
}

static void test_lspci_header_without_data(void **state)
{
	static const char text[] = "00:06.0 Unclassified device: Red Hat, Inc. Virtio RNG\n"
				   "\tSubsystem: Red Hat, Inc. Device 0004\n"
				   "\n"
				   "00:07.0 Unclassified device: Red Hat, Inc. Virtio RNG\n";
	struct read_result res;

	(void)state;
	res = read_text(text, VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 2);
	assert_int_equal(count_valid(res.devs[0]), 0);
	assert_int_equal(res.devs[0]->limit, VLP_LIMIT_DUMP);
	assert_slot(res.devs[1], 0, 0, 7, 0);
	assert_int_equal(count_valid(res.devs[1]), 0);
	result_free(&res);
}

static void test_lspci_region_sizes_and_driver(void **state)
{
	static const char text[] =
		"00:03.0 Ethernet controller: Red Hat, Inc. Virtio network device\n"
		"\tRegion 0: I/O ports at c040 [size=32]\n"
		"\tRegion 1: Memory at febd1000 (32-bit, non-prefetchable) [size=4K]\n"
		"\tRegion 2: Memory at <unassigned> (64-bit, prefetchable) [virtual] [size=16M]\n"
		"\tRegion 3: Memory at <ignored> (32-bit, prefetchable) [disabled] [size=512K]\n"
		"\tRegion 4: Memory at fe000000 (64-bit, prefetchable) [enhanced] [size=8G]\n"
		"\tRegion 5: Memory at 10000000000 (64-bit, prefetchable) [size=1T]\n"
		"\tRegion 6: Memory at 1000 (32-bit, prefetchable) [size=4K]\n"
		"\tExpansion ROM at feb80000 [disabled] [size=256K]\n"
		"\tKernel driver in use: virtio-pci\n"
		"\tKernel modules: virtio_pci\n"
		"00: f4 1a 00 10 07 05 10 00 00 00 00 02 00 00 00 00\n"
		"\n"
		"00:04.0 Ethernet controller: Red Hat, Inc. Virtio network device\n"
		"\tRegion 0: I/O ports at <unassigned> [disabled]\n"
		"\tRegion 1: Memory at febd2000 (32-bit, non-prefetchable) [size=bogus]\n"
		"Region 2: Memory at 0 (32-bit) [size=4K]\n"
		"00: f4 1a 00 10 07 05 10 00 00 00 00 02 00 00 00 00\n"
		"\n"
		"\tRegion 3: Memory at 0 (32-bit) [size=4K]\n"
		"\tKernel driver in use: stray\n";
	struct read_result res;
	const struct vlp_device *dev;

	(void)state;
	res = read_text(text, VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 2);
	dev = res.devs[0];
	assert_true(dev->bar_size[0] == 32);
	assert_true(dev->bar_size[1] == 4096);
	assert_true(dev->bar_size[2] == 16ull << 20);
	assert_true(dev->bar_size[3] == 512ull << 10);
	assert_true(dev->bar_size[4] == 8ull << 30);
	assert_true(dev->bar_size[5] == 1ull << 40);
	assert_string_equal(dev->driver, "virtio-pci");
	/* No size printed, a malformed size, or a line not indented: unknown. */
	dev = res.devs[1];
	for (unsigned b = 0; b < VLP_NUM_BARS; b++)
		assert_true(dev->bar_size[b] == VLP_BAR_SIZE_UNKNOWN);
	assert_string_equal(dev->driver, "");
	result_free(&res);
}

static void test_lspci_crlf(void **state)
{
	static const char text[] =
		"00:01.0 Unassigned class [ffff]: Red Hat, Inc. Virtio 1.0 memory balloon\r\n"
		"\tRegion 0: Memory at 4000000000 (64-bit, non-prefetchable) [size=512K]\r\n"
		"\tKernel driver in use: virtio-pci\r\n"
		"00: f4 1a 45 10 06 04 10 00 01 00 ff ff 00 00 00 00\r\n"
		"10: 04 00 00 00 40 00 00 00 00 00 00 00 00 00 00 00\r\n"
		"\r\n"
		"00:02.0 Mass storage controller: Red Hat, Inc. Virtio 1.0 block device\r\n"
		"00: f4 1a 42 10\r\n";
	struct read_result res;

	(void)state;
	res = read_text(text, VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 2);
	assert_int_equal(count_valid(res.devs[0]), 32);
	assert_int_equal(res.devs[0]->config[0x0f], 0x00);
	assert_true(res.devs[0]->bar_size[0] == 512 * 1024);
	assert_string_equal(res.devs[0]->driver, "virtio-pci");
	assert_int_equal(count_valid(res.devs[1]), 4);
	assert_int_equal(res.devs[1]->config[2], 0x42);
	result_free(&res);
}

static void test_lspci_long_lines(void **state)
{
	/* A very long text line is ignored, a very long data line is an
	 * error; neither crashes. */
	size_t n = 100000;
	char *text = malloc(n + 512);
	struct read_result res;

	(void)state;
	assert_non_null(text);
	strcpy(text, "00:01.0 Device\n\tCapabilities: ");
	memset(text + strlen(text), 'x', n);
	strcpy(text + 30 + n, "\n00: f4 1a\n");
	res = read_text(text, VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	assert_int_equal(count_valid(res.devs[0]), 2);
	result_free(&res);

	strcpy(text, "00:01.0 Device\n00: f4");
	for (size_t i = 0, at = strlen(text); i < n / 3; i++, at += 3)
		memcpy(text + at, " 00", 4);
	strcat(text, "\n");
	assert_error(text, VLP_FORMAT_AUTO, "dump.txt:2: malformed hex data line");
	free(text);
}

/* ------------------------------------------------------------------ */

static void test_lspci_errors(void **state)
{
	(void)state;
	/* Truncated line: the last byte has one digit. */
	assert_error("00:01.0 X\n00: f4 1a 4\n", VLP_FORMAT_AUTO,
		     "dump.txt:2: malformed hex data line");
	/* Odd digit count in the middle. */
	assert_error("00:01.0 X\n00: f4 1 45\n", VLP_FORMAT_AUTO,
		     "dump.txt:2: malformed hex data line");
	assert_error("00:01.0 X\n00: f4 zz\n", VLP_FORMAT_AUTO, "dump.txt:2: malformed hex data line");
	assert_error("00:01.0 X\n00: f4  1a\n", VLP_FORMAT_AUTO, "dump.txt:2: malformed hex data line");
	assert_error("00:01.0 X\n00:\n", VLP_FORMAT_AUTO, "dump.txt:2: malformed hex data line");
	assert_error("00:01.0 X\n00: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10\n",
		     VLP_FORMAT_AUTO, "dump.txt:2: malformed hex data line");
	assert_error("00:01.0 X\n\n00: f4 1ff 00\n", VLP_FORMAT_AUTO,
		     "dump.txt:3: hex data line outside a device (no slot line before it)");
	assert_error("00:01.0 X\n00: f4 1ff 00\n", VLP_FORMAT_AUTO,
		     "dump.txt:2: byte value 1ff out of range (above ff)");
	assert_error("00:01.0 X\n00: f4 100\n", VLP_FORMAT_AUTO,
		     "dump.txt:2: byte value 100 out of range (above ff)");
	assert_error("00:01.0 X\n1000: 00 00\n", VLP_FORMAT_AUTO,
		     "dump.txt:2: offset 1000 outside 4096-byte config space");
	assert_error("00:01.0 X\nfffffffff0: 00\n", VLP_FORMAT_LSPCI,
		     "dump.txt:2: offset fffffffff0 outside 4096-byte config space");
	assert_error("00:01.0 X\n08: 00 00\n", VLP_FORMAT_AUTO,
		     "dump.txt:2: offset 08 is not a multiple of 16");
	assert_error("00: f4 1a\n", VLP_FORMAT_AUTO,
		     "dump.txt:1: hex data line outside a device (no slot line before it)");
	assert_error("# header\n\n00: f4 1a\n", VLP_FORMAT_LSPCI,
		     "dump.txt:3: hex data line outside a device (no slot line before it)");
	assert_error("00:01.0 X\n00: f4 1a\n10: 00\n00: f4\n", VLP_FORMAT_AUTO,
		     "dump.txt:4: duplicate offset 0");
	assert_error("00:20.0 X\n", VLP_FORMAT_AUTO,
		     "dump.txt:1: invalid slot 00:20.0 (device above 1f)");
	assert_error("00:01.0 X\n00: f4\n0000:00:01.8 X\n", VLP_FORMAT_AUTO,
		     "dump.txt:3: invalid slot 0000:00:01.8 (function above 7)");
	assert_error("80000000:00:01.0 X\n", VLP_FORMAT_AUTO,
		     "dump.txt:1: invalid slot 80000000:00:01.0 (domain above 7fffffff)");
}

static void test_error_is_sticky_and_devices_before_it_returned(void **state)
{
	static const char text[] = "00:01.0 A\n00: f4 1a\n\n00:02.0 B\n00: zz\n";
	struct read_result res;

	(void)state;
	res = read_text(text, VLP_FORMAT_AUTO);
	assert_int_equal(res.count, 1);
	assert_int_equal(res.ret, -EINVAL);
	assert_string_equal(res.error, "dump.txt:5: malformed hex data line");
	result_free(&res);
}

static void test_not_recognised(void **state)
{
	static const char message[] =
		"dump.txt: not a recognised dump (expected lspci -x, xxd, hexdump -C or raw binary)";

	(void)state;
	assert_error("Hello, world\n00:01.0 X\n", VLP_FORMAT_AUTO, message);
	assert_error("\n# only a comment before\n  00:01.0 indented\n", VLP_FORMAT_AUTO, message);
	assert_error("0000000 1af4 1041 0406 0010\n", VLP_FORMAT_AUTO, message); /* hexdump */
	assert_error("f41a41100604100001000002\n", VLP_FORMAT_AUTO, message);    /* xxd -p */
}

/* A dump holding no device is a failed capture: an error naming the input,
 * whatever the format, never an empty success. */
static void test_empty_input(void **state)
{
	static const struct {
		const char *text;
		enum vlp_dump_format fmt;
		const char *why;
	} cases[] = {
		{ "", VLP_FORMAT_AUTO, "empty input" },
		{ "", VLP_FORMAT_LSPCI, "empty input" },
		{ "", VLP_FORMAT_XXD, "empty input" },
		{ "", VLP_FORMAT_HEXDUMP, "empty input" },
		{ "\n\n# nothing\n\r\n", VLP_FORMAT_AUTO, "only blank or comment lines" },
		{ "  \t \n", VLP_FORMAT_AUTO, "only blank or comment lines" },
		{ "# vlp snapshot 1\n", VLP_FORMAT_AUTO, "only blank or comment lines" },
		{ "lspci: Unable to load libkmod resources: error -2\n", VLP_FORMAT_AUTO,
		  "no device header line such as \"00:04.0 ...\"" },
		{ "\n# x\n", VLP_FORMAT_LSPCI, "no device header line such as \"00:04.0 ...\"" },
		{ "# x\n", VLP_FORMAT_XXD, "no xxd data line" },
		{ "00000000\n", VLP_FORMAT_AUTO, "no hexdump data line" },
		{ "00000000\n", VLP_FORMAT_HEXDUMP, "no hexdump data line" },
	};
	struct read_result res;
	char want[160];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		res = read_text(cases[i].text, cases[i].fmt);
		assert_int_equal(res.ret, -EINVAL);
		assert_int_equal(res.count, 0);
		snprintf(want, sizeof(want), "dump.txt: no device in the dump (%s)", cases[i].why);
		assert_string_equal(res.error, want);
	}
	res = read_text("", VLP_FORMAT_RAW);
	assert_int_equal(res.ret, -EINVAL);
	assert_string_equal(res.error,
			    "dump.txt: empty input (raw config space must be 64, 256 or 4096 bytes)");
	/* A device that is not virtio is still a device: no error here. */
	res = read_text("00:01.0 Host bridge\n00: 86 80 37 12\n", VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	result_free(&res);
}

/* ------------------------------------------------------------------ */

static void test_raw(void **state)
{
	static const unsigned sizes[] = { 64, 256, 4096 };
	uint8_t *buf = calloc(1, 8192);
	struct read_result res;

	(void)state;
	assert_non_null(buf);
	for (unsigned i = 0; i < 8192; i++)
		buf[i] = (uint8_t)(i * 7);
	buf[0] = 0xf4;
	buf[1] = 0x1a;
	buf[2] = 0x00; /* a NUL: what makes auto-detection pick raw */
	for (unsigned s = 0; s < 3; s++) {
		for (unsigned f = 0; f < 2; f++) {
			res = read_buffer(buf, sizes[s], f ? VLP_FORMAT_RAW : VLP_FORMAT_AUTO);
			assert_int_equal(res.ret, 0);
			assert_int_equal(res.count, 1);
			assert_slot(res.devs[0], 0, 0, 0, 0);
			assert_int_equal(res.devs[0]->config_size, sizes[s]);
			assert_int_equal(count_valid(res.devs[0]), sizes[s]);
			assert_memory_equal(res.devs[0]->config, buf, sizes[s]);
			assert_int_equal(res.devs[0]->limit,
					 sizes[s] == 64 ? VLP_LIMIT_DUMP : VLP_LIMIT_NONE);
			result_free(&res);
		}
	}
	res = read_buffer(buf, 100, VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, -EINVAL);
	assert_int_equal(res.count, 0);
	assert_string_equal(res.error,
			    "dump.txt: raw config space must be 64, 256 or 4096 bytes, not 100");
	res = read_buffer(buf, 8192, VLP_FORMAT_RAW);
	assert_string_equal(res.error,
			    "dump.txt: raw config space must be 64, 256 or 4096 bytes, not 8192");
	/* Text forced to raw is just bytes of the wrong length. */
	res = read_text("00:01.0 X\n", VLP_FORMAT_RAW);
	assert_string_equal(res.error,
			    "dump.txt: raw config space must be 64, 256 or 4096 bytes, not 10");
	free(buf);

	res = read_path(TEST_DATA_DIR "/net256.bin", VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	assert_int_equal(res.devs[0]->config[2], 0x41);
	result_free(&res);
}

static void test_raw_endless_input(void **state)
{
	struct read_result res;

	(void)state;
	/* Stops counting instead of reading forever. */
	res = read_path("/dev/zero", VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, -EINVAL);
	assert_string_equal(res.error, "/dev/zero: raw config space must be 64, 256 or 4096 "
				       "bytes, not more than 1048576");
}

/* ------------------------------------------------------------------ */

static void check_net256(const char *file, enum vlp_dump_format fmt)
{
	char path[256];
	struct read_result res;
	size_t len;
	void *bin = load_file(TEST_DATA_DIR "/net256.bin", &len);

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, file);
	res = read_path(path, fmt);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	assert_slot(res.devs[0], 0, 0, 0, 0);
	assert_int_equal(res.devs[0]->config_size, 256);
	assert_int_equal(count_valid(res.devs[0]), 256);
	assert_memory_equal(res.devs[0]->config, bin, 256);
	assert_int_equal(res.devs[0]->limit, VLP_LIMIT_NONE);
	result_free(&res);
	free(bin);
}

static void test_xxd_files(void **state)
{
	(void)state;
	check_net256("net256.xxd", VLP_FORMAT_AUTO);
	check_net256("net256.xxd", VLP_FORMAT_XXD);
	check_net256("net256-g1.xxd", VLP_FORMAT_AUTO);
	check_net256("net256-a.xxd", VLP_FORMAT_AUTO); /* xxd -a: '*' for nul lines */
}

static void test_hexdump_files(void **state)
{
	struct read_result res;
	size_t len;
	void *bin;

	(void)state;
	check_net256("net256.hexdump", VLP_FORMAT_AUTO);
	check_net256("net256.hexdump", VLP_FORMAT_HEXDUMP);

	/* 4096 bytes that are mostly one '*'. */
	res = read_text("00000000  86 80 57 0d 00 00 00 00  00 00 00 06 00 00 00 00  |..W.............|\n"
			"00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n"
			"*\n"
			"00001000\n",
			VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	assert_int_equal(res.devs[0]->config_size, 4096);
	assert_int_equal(count_valid(res.devs[0]), 4096);
	bin = load_file(TEST_DATA_DIR "/bridge4096.bin", &len);
	assert_memory_equal(res.devs[0]->config, bin, 4096);
	free(bin);
	result_free(&res);
}

static void test_hex_star_repeats_previous_line(void **state)
{
	/* '*' repeats the line before it, not zeros. */
	struct read_result res;
	const struct vlp_device *dev;

	(void)state;
	res = read_text("00000000  01 02 03 04 05 06 07 08  09 0a 0b 0c 0d 0e 0f 10  |................|\n"
			"*\n"
			"00000030  aa bb                                             |..|\n"
			"00000032\n",
			VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	dev = res.devs[0];
	assert_int_equal(count_valid(dev), 0x32);
	for (unsigned i = 0; i < 0x30; i++)
		assert_int_equal(dev->config[i], i % 16 + 1);
	assert_int_equal(dev->config[0x30], 0xaa);
	assert_int_equal(dev->config[0x31], 0xbb);
	assert_false(byte_valid(dev, 0x32));
	assert_int_equal(dev->config_size, 64);
	assert_int_equal(dev->limit, VLP_LIMIT_DUMP);
	result_free(&res);

	/* The same through xxd -a. */
	res = read_text("00000000: 0102 0304 0506 0708 090a 0b0c 0d0e 0f10  ................\n"
			"*\n"
			"00000030: 0102 0304 0506 0708 090a 0b0c 0d0e 0f10  ................\n",
			VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(count_valid(res.devs[0]), 64);
	assert_int_equal(res.devs[0]->config[0x25], 6);
	result_free(&res);
}

static void test_xxd_ascii_column(void **state)
{
	/* The ASCII column holds hex-looking text and spaces; a short last
	 * line is padded before it. */
	struct read_result res;

	(void)state;
	res = read_text("00000000: 6162 6364 2020 6566 3031 3233 3435 3637  abcd  ef01234567\n"
			"00000010: 20 41                                     A\n"
			"00000012: 4142 4344 4546                           ABCDEF\n"
			"00000018: 30                                       0\n",
			VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	assert_int_equal(count_valid(res.devs[0]), 0x19);
	assert_memory_equal(res.devs[0]->config, "abcd  ef01234567 AABCDEF0", 0x19);
	result_free(&res);
}

static void test_hex_errors(void **state)
{
	(void)state;
	assert_error("00000000: f41a 4110 060  ...\n", VLP_FORMAT_AUTO,
		     "dump.txt:1: malformed xxd line");
	assert_error("00000000: f41a 4110\nhello\n", VLP_FORMAT_AUTO, "dump.txt:2: malformed xxd line");
	assert_error("00000ff8: 0001 0203 0405 0607 0809  ..........\n", VLP_FORMAT_AUTO,
		     "dump.txt:1: offset ff8 outside 4096-byte config space");
	assert_error("00000000: f41a\n00000000: f41a\n", VLP_FORMAT_AUTO,
		     "dump.txt:2: duplicate offset 0");
	assert_error("00000000  f4 1a 4  |...|\n", VLP_FORMAT_AUTO,
		     "dump.txt:1: malformed hexdump line");
	assert_error("00000000  f4 1a zz 10  |...|\n", VLP_FORMAT_AUTO,
		     "dump.txt:1: malformed hexdump line");
	assert_error("*\n", VLP_FORMAT_HEXDUMP, "dump.txt:1: '*' without a data line before it");
	assert_error("00000000  f4 1a 41 10 06 04 10 00  01 00 00 02 00 00 00 00  |..A.............|\n"
		     "*\n",
		     VLP_FORMAT_AUTO, "dump.txt:2: '*' not followed by an offset line");
	assert_error("00000000  f4 1a 41 10 06 04 10 00  01 00 00 02 00 00 00 00  |..A.............|\n"
		     "*\n"
		     "00002000\n",
		     VLP_FORMAT_AUTO, "dump.txt:3: offset 2000 outside 4096-byte config space");
	assert_error("00000010  f4 1a 41 10 06 04 10 00  01 00 00 02 00 00 00 00  |..A.............|\n"
		     "*\n"
		     "00000008\n",
		     VLP_FORMAT_AUTO,
		     "dump.txt:3: offset 8 after '*' is before the end of the previous line");
	/* A format forced on the wrong input. */
	assert_error(lspci_x_balloon, VLP_FORMAT_XXD, "dump.txt:1: malformed xxd line");
	assert_error("00000000: f41a\n", VLP_FORMAT_LSPCI,
		     "dump.txt:1: hex data line outside a device (no slot line before it)");
}

/* ------------------------------------------------------------------ */

static void test_no_such_file(void **state)
{
	struct read_result res;

	(void)state;
	res = read_path("nofile.txt", VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, -ENOENT);
	assert_string_equal(res.error, "nofile.txt: No such file or directory");
	res = read_path(TEST_DATA_DIR, VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, -EISDIR);
	assert_string_equal(res.error, TEST_DATA_DIR ": Is a directory");
}

static FILE *pipe_with(const char *text, size_t len, pid_t *writer)
{
	int fds[2];
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	*writer = fork();
	assert_true(*writer >= 0);
	if (*writer == 0) {
		close(fds[0]);
		while (len > 0) {
			ssize_t n = write(fds[1], text, len);

			if (n <= 0)
				_exit(1);
			text += n;
			len -= (size_t)n;
		}
		_exit(0);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	assert_non_null(f);
	return f;
}

static void wait_writer(pid_t writer)
{
	int status;

	assert_int_equal(waitpid(writer, &status, 0), writer);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_pipe_three_devices(void **state)
{
	struct read_result res = { 0 };
	struct vlp_dump_reader *r;
	size_t len;
	char *text = load_file(GOLDEN_DATA_DIR "/host-vm.lspci", &len);
	char *cut;
	pid_t writer;
	FILE *f;

	(void)state;
	/* Keep the first three devices. */
	cut = strstr(text, "\n00:04.0 ");
	assert_non_null(cut);
	cut[1] = '\0';
	f = pipe_with(text, strlen(text), &writer);
	assert_int_equal(fseek(f, 0, SEEK_SET), -1); /* really not seekable */
	assert_int_equal(vlp_dump_reader_open_stream(ctx, f, "<pipe>", VLP_FORMAT_AUTO, &r), 0);
	drain(r, &res);
	vlp_dump_reader_close(r);
	fclose(f);
	wait_writer(writer);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_slot(res.devs[i], 0, 0, i + 1, 0);
		assert_int_equal(count_valid(res.devs[i]), 256);
		assert_string_equal(res.devs[i]->driver, "virtio-pci");
	}
	result_free(&res);
	free(text);
}

static void test_pipe_many_devices(void **state)
{
	/* Far more than one input chunk: lines straddle chunk boundaries. */
	enum { NDEV = 3000 };
	size_t cap = (size_t)NDEV * 1000, len = 0;
	char *text = malloc(cap);
	struct vlp_dump_reader *r;
	struct vlp_device *dev;
	unsigned count = 0;
	pid_t writer;
	FILE *f;
	int ret;

	(void)state;
	assert_non_null(text);
	for (unsigned d = 0; d < NDEV; d++) {
		len += (size_t)sprintf(text + len,
				       "%04x:%02x:%02x.%u Device %u\n"
				       "\tKernel driver in use: drv%u\n",
				       d >> 8, d & 0xff, d % 32, d % 8, d, d);
		for (unsigned off = 0; off < 256; off += 16) {
			len += (size_t)sprintf(text + len, "%02x:", off);
			for (unsigned b = 0; b < 16; b++)
				len += (size_t)sprintf(text + len, " %02x", (d + off + b) & 0xff);
			text[len++] = '\n';
		}
		if (d % 2)
			text[len++] = '\n';
	}
	f = pipe_with(text, len, &writer);
	assert_int_equal(vlp_dump_reader_open_stream(ctx, f, "<pipe>", VLP_FORMAT_AUTO, &r), 0);
	while ((ret = vlp_dump_reader_next(r, &dev)) == 1) {
		char driver[16];

		assert_int_equal(dev->slot.domain, count >> 8);
		assert_int_equal(dev->slot.bus, count & 0xff);
		assert_int_equal(count_valid(dev), 256);
		for (unsigned i = 0; i < 256; i++)
			assert_int_equal(dev->config[i], (count + i) & 0xff);
		snprintf(driver, sizeof(driver), "drv%u", count);
		assert_string_equal(dev->driver, driver);
		vlp_device_free(dev);
		count++;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(count, NDEV);
	vlp_dump_reader_close(r);
	fclose(f);
	wait_writer(writer);
	free(text);
}

static void test_stdin_name(void **state)
{
	struct read_result res;

	(void)state;
	assert_non_null(freopen("/dev/null", "r", stdin));
	res = read_path("-", VLP_FORMAT_RAW);
	assert_int_equal(res.ret, -EINVAL);
	assert_string_equal(res.error,
			    "<stdin>: empty input (raw config space must be 64, 256 or 4096 bytes)");
	assert_non_null(freopen(TEST_DATA_DIR "/net256.xxd", "r", stdin));
	res = read_path("-", VLP_FORMAT_AUTO);
	assert_int_equal(res.ret, 0);
	assert_int_equal(res.count, 1);
	result_free(&res);
	assert_non_null(freopen(TEST_DATA_DIR "/net256.xxd", "r", stdin));
	res = read_path("-", VLP_FORMAT_HEXDUMP);
	assert_string_equal(res.error, "<stdin>:1: malformed hexdump line");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_lspci_x_header_only),
		cmocka_unit_test(test_lspci_golden_vvv),
		cmocka_unit_test(test_lspci_xxxx_4096),
		cmocka_unit_test(test_lspci_several_devices),
		cmocka_unit_test(test_lspci_unavailable_bytes),
		cmocka_unit_test(test_lspci_header_without_data),
		cmocka_unit_test(test_lspci_region_sizes_and_driver),
		cmocka_unit_test(test_lspci_crlf),
		cmocka_unit_test(test_lspci_long_lines),
		cmocka_unit_test(test_lspci_errors),
		cmocka_unit_test(test_error_is_sticky_and_devices_before_it_returned),
		cmocka_unit_test(test_not_recognised),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_raw_endless_input),
		cmocka_unit_test(test_xxd_files),
		cmocka_unit_test(test_hexdump_files),
		cmocka_unit_test(test_hex_star_repeats_previous_line),
		cmocka_unit_test(test_xxd_ascii_column),
		cmocka_unit_test(test_hex_errors),
		cmocka_unit_test(test_no_such_file),
		cmocka_unit_test(test_pipe_three_devices),
		cmocka_unit_test(test_pipe_many_devices),
		cmocka_unit_test(test_stdin_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
