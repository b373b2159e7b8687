/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text from input reaches the outputs as valid UTF-8: the JSON writer
 * (src/view/json.c) and the Prometheus renderer (src/view/print_prom.c)
 * keep well-formed sequences, replace every byte outside one with U+FFFD
 * and escape control characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"

/* What json_string writes for s, without the quotes' surroundings. */
static char *json_of(const char *s)
{
	struct json j;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	json_init(&j, f, false);
	json_string(&j, NULL, s);
	fclose(f);
	return text;
}

static void expect_json(const char *in, const char *want)
{
	char *got = json_of(in);

	assert_string_equal(got, want);
	free(got);
}

static void test_sequence_lengths(void **state)
{
	(void)state;
	assert_int_equal(utf8_sequence("a"), 1);
	assert_int_equal(utf8_sequence("\xc3\xa9"), 2);         /* U+00E9 */
	assert_int_equal(utf8_sequence("\xe2\x82\xac"), 3);     /* U+20AC */
	assert_int_equal(utf8_sequence("\xf0\x9f\x98\x80"), 4); /* U+1F600 */
	assert_int_equal(utf8_sequence("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
	assert_int_equal(utf8_sequence("\xef\xbf\xbd"), 3);     /* U+FFFD itself */
	assert_int_equal(utf8_sequence("\x80"), 0);             /* stray continuation */
	assert_int_equal(utf8_sequence("\xbf"), 0);
	assert_int_equal(utf8_sequence("\xc0\x80"), 0);         /* overlong NUL */
	assert_int_equal(utf8_sequence("\xc1\xbf"), 0);         /* overlong */
	assert_int_equal(utf8_sequence("\xe0\x80\xaf"), 0);     /* overlong '/' */
	assert_int_equal(utf8_sequence("\xe0\x9f\xbf"), 0);     /* overlong U+07FF */
	assert_int_equal(utf8_sequence("\xf0\x8f\xbf\xbf"), 0); /* overlong U+FFFF */
	assert_int_equal(utf8_sequence("\xed\xa0\x80"), 0);     /* U+D800 */
	assert_int_equal(utf8_sequence("\xed\xbf\xbf"), 0);     /* U+DFFF */
	assert_int_equal(utf8_sequence("\xed\x9f\xbf"), 3);     /* U+D7FF */
	assert_int_equal(utf8_sequence("\xf4\x90\x80\x80"), 0); /* U+110000 */
	assert_int_equal(utf8_sequence("\xf5\x80\x80\x80"), 0);
	assert_int_equal(utf8_sequence("\xff"), 0);
	assert_int_equal(utf8_sequence("\xfe"), 0);
	assert_int_equal(utf8_sequence("\xc3"), 0); /* cut by the end */
	assert_int_equal(utf8_sequence("\xe2\x82"), 0);
	assert_int_equal(utf8_sequence("\xf0\x9f\x98"), 0);
	assert_int_equal(utf8_sequence("\xe2\x82x"), 0); /* cut by ASCII */
}

static void test_json_strings(void **state)
{
	(void)state;
	expect_json("virtio-pci", "\"virtio-pci\"");
	expect_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	expect_json("a\xff"
		    "b",
		    "\"a\\ufffdb\"");
	expect_json("\xc0\x80", "\"\\ufffd\\ufffd\"");
	expect_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	expect_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* A truncated sequence: its lead byte replaced, what follows kept. */
	expect_json("\xe2\x82x", "\"\\ufffd\\ufffdx\"");
	expect_json("end\xc3", "\"end\\ufffd\"");
	expect_json("q\"b\\n\nt\tc\x01\x1f\x7f", "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u001f\\u007f\"");
	expect_json("", "\"\"");
}

/* What the Prometheus renderer writes for a collector run whose mode label
 * is the given text (the one label value a caller passes as a string). */
static char *prom_of(const char *mode)
{
	struct prom *p = prom_new();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(p);
	assert_non_null(f);
	prom_collector(p, mode, 0.5, true, 1);
	assert_int_equal(prom_write(p, f), 0);
	prom_free(p);
	fclose(f);
	return text;
}

static void expect_prom(const char *mode, const char *want_label)
{
	char *text = prom_of(mode), want[256];

	snprintf(want, sizeof(want), "virtio_collector_devices{mode=\"%s\"} 1\n", want_label);
	assert_non_null(strstr(text, want));
	for (const char *p = text; *p;) {
		size_t n = utf8_sequence(p);

		assert_int_not_equal(n, 0);
		p += n;
	}
	free(text);
}

static void test_prom_labels(void **state)
{
	(void)state;
	expect_prom("list", "list");
	expect_prom("caf\xc3\xa9", "caf\xc3\xa9");
	expect_prom("a\xff"
		    "b",
		    "a\xef\xbf\xbd"
		    "b");
	expect_prom("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	expect_prom("\xed\xb0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	expect_prom("x\xf0\x9f", "x\xef\xbf\xbd\xef\xbf\xbd");
	expect_prom("q\"b\\n\n", "q\\\"b\\\\n\\n");
	expect_prom("t\tc\x01\x7f", "t\xef\xbf\xbd"
				    "c\xef\xbf\xbd\xef\xbf\xbd");
}

/* The HELP lines: escaped as the format says, one line each. */
static void test_prom_help(void **state)
{
	char *text = prom_of("list");
	unsigned help = 0;

	(void)state;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "# HELP ", 7))
			help++;
	assert_true(help >= 1);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence_lengths),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_prom_labels),
		cmocka_unit_test(test_prom_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
