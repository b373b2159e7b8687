/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the bounded JSON reader (src/lib/core/jsonparse.c). */
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
#include "core/json.h"

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

static int parse(const char *text, struct vlp_jv **v)
{
	return vlp_json_parse(ctx, "t", text, strlen(text), v);
}

static void test_qmp_reply(void **state)
{
	struct vlp_jv *v;
	const struct vlp_jv *r;
	uint64_t u;
	bool b;

	(void)state;
	assert_int_equal(parse(" {\"return\": [{\"path\": \"/machine/peripheral/blk0/virtio-backend\","
			       " \"name\": \"virtio-blk\"}], \"x\": true, \"y\": null}\r\n",
			       &v),
			 0);
	r = vlp_jv_get(v, "return");
	assert_int_equal(vlp_jv_len(r), 1);
	assert_string_equal(vlp_jv_get_str(vlp_jv_at(r, 0), "name"), "virtio-blk");
	assert_true(vlp_jv_get_bool(v, "x", &b) && b);
	assert_int_equal(vlp_jv_get(v, "y")->type, VLP_JV_NULL);
	assert_null(vlp_jv_get(v, "z"));
	assert_false(vlp_jv_get_u64(v, "x", &u));
	vlp_jv_free(v);
}

static void test_numbers(void **state)
{
	struct vlp_jv *v;
	uint64_t u;
	int64_t i;

	(void)state;
	assert_int_equal(
		parse("[18446744073709551615, -9223372036854775808, 0, -0, 1.5, 2e3,"
		      " 18446744073709551616, 123456789012345678901234567890123456789012345678901234567890123456789]",
		      &v),
		0);
	assert_true(vlp_jv_u64(vlp_jv_at(v, 0), &u) && u == UINT64_MAX);
	assert_false(vlp_jv_i64(vlp_jv_at(v, 0), &i));
	assert_true(vlp_jv_i64(vlp_jv_at(v, 1), &i) && i == INT64_MIN);
	assert_false(vlp_jv_u64(vlp_jv_at(v, 1), &u));
	assert_true(vlp_jv_u64(vlp_jv_at(v, 2), &u) && u == 0);
	assert_true(vlp_jv_u64(vlp_jv_at(v, 3), &u) && u == 0);
	assert_false(vlp_jv_u64(vlp_jv_at(v, 4), &u));
	assert_true(vlp_jv_at(v, 4)->d == 1.5);
	assert_false(vlp_jv_u64(vlp_jv_at(v, 5), &u)); /* not written as an integer */
	assert_false(vlp_jv_u64(vlp_jv_at(v, 6), &u)); /* too big: kept as a double only */
	assert_true(vlp_jv_at(v, 6)->d > 1.8e19);
	assert_true(vlp_jv_at(v, 7)->d > 1e68);
	vlp_jv_free(v);
}

static void test_strings(void **state)
{
	struct vlp_jv *v;

	(void)state;
	assert_int_equal(parse("\"a\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00 \xc3\xa9\"", &v), 0);
	assert_string_equal(v->s, "a\"\\/\n\xc3\xa9\xf0\x9f\x98\x80 \xc3\xa9");
	vlp_jv_free(v);
	assert_int_equal(parse("\"\\u0000\"", &v), -EINVAL);
	assert_int_equal(parse("\"\\ud800\"", &v), -EINVAL);
	assert_int_equal(parse("\"\xff\"", &v), -EINVAL);
	assert_int_equal(parse("\"\xc0\xaf\"", &v), -EINVAL); /* overlong */
	assert_int_equal(parse("\"a\nb\"", &v), -EINVAL);
	assert_int_equal(parse("\"\\x\"", &v), -EINVAL);
}

static void test_garbage(void **state)
{
	static const char *bad[] = { "",     " ",       "{",        "[",          "[1,",
				     "[1,]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{1:2}",
				     "tru",  "nul",     "01",       "-",          "1.",
				     "1e",   "\"abc",   "[1] x",    "{\"a\":1}}", "\x01",
				     "+1",   ".5",      "[1 2]" };
	struct vlp_jv *v = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &v), -EINVAL);
		assert_null(v);
		assert_non_null(strstr(vlp_ctx_error(ctx), "t: JSON at byte "));
	}
	assert_int_equal(parse("[1, x]", &v), -EINVAL);
	assert_string_equal(vlp_ctx_error(ctx), "t: JSON at byte 4: unexpected character");
}

static void test_truncated_everywhere(void **state)
{
	const char *text =
		"{\"return\": {\"a\": [1, -2.5e3, \"s\\u00e9\", true, false, null], \"b\": {}}}";
	size_t n = strlen(text), k;
	struct vlp_jv *v;

	(void)state;
	for (k = 0; k < n; k++) {
		assert_int_equal(vlp_json_parse(ctx, "t", text, k, &v), -EINVAL);
		assert_null(v);
	}
	assert_int_equal(vlp_json_parse(ctx, "t", text, n, &v), 0);
	vlp_jv_free(v);
}

static void test_deep_nesting(void **state)
{
	size_t n = 100000, i;
	char *deep = malloc(2 * n + 1);
	struct vlp_jv *v;

	(void)state;
	for (i = 0; i < n; i++) {
		deep[i] = '[';
		deep[n + i] = ']';
	}
	deep[2 * n] = '\0';
	assert_int_equal(parse(deep, &v), -E2BIG);
	assert_non_null(strstr(vlp_ctx_error(ctx), "nested too deep"));
	/* the limit itself passes */
	memmove(deep, deep + n - (VLP_JSON_DEPTH_MAX + 1), VLP_JSON_DEPTH_MAX + 1);
	memset(deep + VLP_JSON_DEPTH_MAX + 1, ']', VLP_JSON_DEPTH_MAX + 1);
	deep[2 * (VLP_JSON_DEPTH_MAX + 1)] = '\0';
	assert_int_equal(parse(deep, &v), 0);
	vlp_jv_free(v);
	free(deep);
}

static void test_size_limit(void **state)
{
	struct vlp_jv *v;

	(void)state;
	assert_int_equal(vlp_json_parse(ctx, "t", "1", (size_t)VLP_JSON_SIZE_MAX + 1, &v), -E2BIG);
}

static void test_quote(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(vlp_json_quote(buf, sizeof(buf), "a\"b\\c\n"), 15);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\"");
	assert_int_equal(vlp_json_quote(buf, 4, "abcdef"), 8);
	assert_string_equal(buf, "\"ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qmp_reply),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_quote),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
