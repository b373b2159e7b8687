/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --negotiate search against simulated devices (a required set and a
 * rejected set, or a QEMU-like rule): what it finds, that every found bit
 * was confirmed by a candidate of its own, the bound on candidates; and
 * that the probe writes nothing to a snapshot. */
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

/* A simulated device: it accepts a candidate holding every required bit
 * and no rejected one; refuse_all refuses everything; qemu_like checks
 * only with VIRTIO_F_VERSION_1 accepted, as QEMU 7.2 does. */
struct sim {
	uint32_t required[VLP_FEATURE_WORDS], rejected[VLP_FEATURE_WORDS];
	uint32_t any_of[VLP_FEATURE_WORDS]; /* one of these, when not empty */
	bool refuse_all, qemu_like;
	unsigned tries, fail_at;
};

static void bit(uint32_t w[VLP_FEATURE_WORDS], unsigned b)
{
	w[b / 32] |= 1u << (b % 32);
}

static int sim_try(void *arg, const uint32_t w[VLP_FEATURE_WORDS], bool *accepted)
{
	struct sim *s = arg;
	bool ok = !s->refuse_all;

	s->tries++;
	if (s->fail_at && s->tries == s->fail_at)
		return -EIO;
	if (s->qemu_like && !vlp_feature_on(w, VLP_F_VERSION_1)) {
		*accepted = ok;
		return 0;
	}
	bool any = true;

	for (unsigned i = 0; i < VLP_FEATURE_WORDS; i++) {
		if ((w[i] & s->required[i]) != s->required[i] || (w[i] & s->rejected[i]))
			ok = false;
		any = any && !s->any_of[i];
	}
	for (unsigned i = 0; i < VLP_FEATURE_WORDS; i++)
		any = any || (w[i] & s->any_of[i]);
	*accepted = ok && any;
	return 0;
}

/* What a virtio-rng in QEMU offers: 24 28 29 32 33, plus 34 here. */
static void offered(uint32_t o[VLP_FEATURE_WORDS])
{
	memset(o, 0, VLP_FEATURE_WORDS * sizeof(*o));
	bit(o, 24);
	bit(o, 28);
	bit(o, 29);
	bit(o, 32);
	bit(o, 33);
	bit(o, 34);
}

static void run(struct sim *s, bool pin_version1, struct vlp_negotiate_result *r)
{
	uint32_t o[VLP_FEATURE_WORDS], pin[VLP_FEATURE_WORDS] = { 0 };
	struct vlp_ctx *ctx;

	offered(o);
	if (pin_version1)
		bit(pin, VLP_F_VERSION_1);
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_negotiate_search(ctx, o, pin, VLP_NEGOTIATE_MAX_TRIES, sim_try, s, r), 0);
	assert_int_equal(r->tries, s->tries);
	assert_true(r->tries <= 32);
	vlp_ctx_free(ctx);
}

static void expect(const uint32_t got[VLP_FEATURE_WORDS], const unsigned *bits, unsigned n)
{
	uint32_t want[VLP_FEATURE_WORDS] = { 0 };

	for (unsigned i = 0; i < n; i++)
		bit(want, bits[i]);
	for (unsigned i = 0; i < VLP_FEATURE_WORDS; i++)
		assert_int_equal(got[i], want[i]);
}

static void test_requires_33(void **state)
{
	static const unsigned want[] = { 33 };
	struct sim s = { 0 };
	struct vlp_negotiate_result r;

	(void)state;
	bit(s.required, 33);
	run(&s, true, &r);
	assert_true(r.any_accepted);
	expect(r.required, want, 1);
	expect(r.rejected, NULL, 0);
}

static void test_requires_32_33(void **state)
{
	static const unsigned want[] = { 32, 33 };
	struct sim s = { 0 };
	struct vlp_negotiate_result r;

	(void)state;
	bit(s.required, 32);
	bit(s.required, 33);
	run(&s, true, &r);
	expect(r.required, want, 2);
	expect(r.rejected, NULL, 0);
	/* The same without pinning: the bisection finds both. */
	memset(&s, 0, sizeof(s));
	bit(s.required, 32);
	bit(s.required, 33);
	run(&s, false, &r);
	expect(r.required, want, 2);
}

static void test_rejects_34(void **state)
{
	static const unsigned want[] = { 34 };
	struct sim s = { 0 };
	struct vlp_negotiate_result r;

	(void)state;
	bit(s.rejected, 34);
	run(&s, true, &r);
	assert_true(r.any_accepted);
	expect(r.rejected, want, 1);
	expect(r.required, NULL, 0);
	/* The largest accepted set: all offered but 34. */
	assert_int_equal(r.accepted_set[0], (1u << 24) | (1u << 28) | (1u << 29));
	assert_int_equal(r.accepted_set[1], 3u);
}

static void test_requires_33_rejects_34(void **state)
{
	static const unsigned req[] = { 33 }, rej[] = { 34 };
	struct sim s = { 0 };
	struct vlp_negotiate_result r;

	(void)state;
	bit(s.required, 33);
	bit(s.rejected, 34);
	/* The full set is refused (34), VERSION_1 alone too (33 missing),
	 * nothing at all too: no base to grow from. */
	run(&s, true, &r);
	assert_false(r.any_accepted);
	/* With 33 pinned (a base the device accepts) both are found. */
	{
		uint32_t o[VLP_FEATURE_WORDS], pin[VLP_FEATURE_WORDS] = { 0 };
		struct vlp_ctx *ctx;

		offered(o);
		bit(pin, 33);
		memset(&s, 0, sizeof(s));
		bit(s.required, 33);
		bit(s.rejected, 34);
		assert_int_equal(vlp_ctx_new(&ctx), 0);
		assert_int_equal(vlp_negotiate_search(ctx, o, pin, 64, sim_try, &s, &r), 0);
		vlp_ctx_free(ctx);
		expect(r.required, req, 1);
		expect(r.rejected, rej, 1);
	}
}

static void test_requires_nothing(void **state)
{
	struct sim s = { 0 };
	struct vlp_negotiate_result r;
	uint32_t o[VLP_FEATURE_WORDS];

	(void)state;
	run(&s, true, &r);
	assert_true(r.any_accepted);
	expect(r.required, NULL, 0);
	expect(r.rejected, NULL, 0);
	offered(o);
	assert_memory_equal(r.accepted_set, o, sizeof(o));
	/* The full set, one bisection candidate, VERSION_1 alone. */
	assert_int_equal(r.tries, 3);
}

static void test_refuses_everything(void **state)
{
	struct sim s = { .refuse_all = true };
	struct vlp_negotiate_result r;

	(void)state;
	run(&s, true, &r);
	assert_false(r.any_accepted);
	expect(r.required, NULL, 0);
	expect(r.rejected, NULL, 0);
	/* The full set, VERSION_1 alone, nothing at all. */
	assert_int_equal(r.tries, 3);
}

/* QEMU 7.2 validates features only when VERSION_1 is accepted: removing
 * VERSION_1 together with ACCESS_PLATFORM is accepted.  Pinned, the
 * search still names bit 33 and not 32. */
static void test_qemu_like_access_platform(void **state)
{
	static const unsigned want[] = { 33 };
	struct sim s = { .qemu_like = true };
	struct vlp_negotiate_result r;

	(void)state;
	bit(s.required, 33);
	run(&s, true, &r);
	expect(r.required, want, 1);
	expect(r.rejected, NULL, 0);
}

/* Every bit found is confirmed alone: a device that refuses only the
 * removal of 28 and 29 together (either will do) has no required bit,
 * though the bisection's groups holding both are refused. */
static void test_confirmation(void **state)
{
	struct sim s = { 0 };
	struct vlp_negotiate_result r;

	(void)state;
	bit(s.any_of, 28);
	bit(s.any_of, 29);
	run(&s, true, &r);
	assert_true(r.any_accepted);
	expect(r.required, NULL, 0);
	assert_true(r.tries > 3);
}

static void test_bound_and_errors(void **state)
{
	uint32_t o[VLP_FEATURE_WORDS], pin[VLP_FEATURE_WORDS] = { 0 };
	struct sim s = { 0 };
	struct vlp_negotiate_result r;
	struct vlp_ctx *ctx;

	(void)state;
	offered(o);
	bit(s.required, 33);
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_negotiate_search(ctx, o, pin, 2, sim_try, &s, &r), -E2BIG);
	assert_int_equal(r.tries, 2);
	assert_non_null(strstr(vlp_ctx_error(ctx), "bound of 2"));
	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	assert_int_equal(vlp_negotiate_search(ctx, o, pin, 64, sim_try, &s, &r), -EIO);
	assert_int_equal(r.tries, 2);
	vlp_ctx_free(ctx);
}

/* A snapshot: refused before any write, with the write policy's reason. */
static void test_snapshot_refused(void **state)
{
	struct vlp_source_opts opts = { .dump_path = "tests/data/snapshot-modern.lspci",
					.virtio_only = true };
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO, .writable = true };
	struct vlp_negotiate_result r;
	struct vlp_ctx *ctx;
	struct vlp_source *src;
	struct vlp_device *dev;
	struct vlp_layout *layout;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_source_open(ctx, &opts, &src), 0);
	assert_int_equal(vlp_source_next(src, &dev), 1);
	assert_int_equal(vlp_decode(ctx, dev, &layout), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, layout, &bopts), 0);
	assert_int_equal(vlp_negotiate(ctx, dev, layout, &r), -EROFS);
	assert_non_null(strstr(vlp_ctx_error(ctx), "snapshot"));
	assert_int_equal(vlp_device_stats(dev)->bar_writes, 0);
	assert_int_equal(r.resets, 0);
	vlp_layout_free(layout);
	vlp_device_free(dev);
	vlp_source_close(src);
	vlp_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requires_33),
		cmocka_unit_test(test_requires_32_33),
		cmocka_unit_test(test_rejects_34),
		cmocka_unit_test(test_requires_33_rejects_34),
		cmocka_unit_test(test_requires_nothing),
		cmocka_unit_test(test_refuses_everything),
		cmocka_unit_test(test_qemu_like_access_platform),
		cmocka_unit_test(test_confirmation),
		cmocka_unit_test(test_bound_and_errors),
		cmocka_unit_test(test_snapshot_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
