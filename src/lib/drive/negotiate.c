/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which feature bits does a device insist on?  The driver's side of
 * feature negotiation (3.1.1), repeated with candidate feature sets:
 * reset, ACKNOWLEDGE, DRIVER, the candidate, FEATURES_OK, and device_status
 * read back.  A device that cannot work with the candidate clears
 * FEATURES_OK again (2.2.2: it "MAY" refuse, 2.1.2), e.g. one offering
 * VIRTIO_F_ACCESS_PLATFORM that is not accepted (6.1).
 *
 * The search (vlp_negotiate_search) takes the "accepted?" test as a
 * callback, so that it runs against simulated devices in the unit tests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MAX_BITS (VLP_FEATURE_WORDS * 32)

/* ------------------------------------------------------------ the search */

struct search {
	struct vlp_ctx *ctx;
	vlp_negotiate_try_fn fn;
	void *arg;
	unsigned max, tries;
};

static void set_bit(uint32_t w[VLP_FEATURE_WORDS], unsigned bit, bool on)
{
	if (on)
		w[bit / 32] |= 1u << (bit % 32);
	else
		w[bit / 32] &= ~(1u << (bit % 32));
}

static void copy_set(uint32_t to[VLP_FEATURE_WORDS], const uint32_t from[VLP_FEATURE_WORDS])
{
	memcpy(to, from, VLP_FEATURE_WORDS * sizeof(*to));
}

/* The bits of a, not in b (b may be NULL), in ascending order. */
static unsigned bits_of(const uint32_t a[VLP_FEATURE_WORDS], const uint32_t *b, unsigned out[MAX_BITS])
{
	unsigned n = 0;

	for (unsigned bit = 0; bit < MAX_BITS; bit++)
		if (vlp_feature_on(a, bit) && !(b && vlp_feature_on(b, bit)))
			out[n++] = bit;
	return n;
}

static int attempt(struct search *s, const uint32_t w[VLP_FEATURE_WORDS], bool *ok)
{
	*ok = false;
	if (s->tries >= s->max)
		return vlp_error(s->ctx, E2BIG,
				 "negotiate: stopped at the bound of %u candidate feature sets",
				 s->max);
	s->tries++;
	return s->fn(s->arg, w, ok);
}

/* Adds the group bits[0..n) to the accepted set c when the device accepts
 * that; otherwise its halves, down to single bits, which become
 * candidates in cand (binary splitting). */
static int grow(struct search *s, uint32_t c[VLP_FEATURE_WORDS], const unsigned *bits, unsigned n,
		uint32_t cand[VLP_FEATURE_WORDS])
{
	uint32_t t[VLP_FEATURE_WORDS];
	bool ok;
	int err;

	if (n == 0)
		return 0;
	copy_set(t, c);
	for (unsigned i = 0; i < n; i++)
		set_bit(t, bits[i], true);
	err = attempt(s, t, &ok);
	if (err)
		return err;
	if (ok) {
		copy_set(c, t);
		return 0;
	}
	if (n == 1) {
		set_bit(cand, bits[0], true);
		return 0;
	}
	err = grow(s, c, bits, n / 2, cand);
	return err ? err : grow(s, c, bits + n / 2, n - n / 2, cand);
}

/* Removes the group bits[0..n) from the accepted set c (c itself is left
 * as it is): when the device refuses that, the group holds a needed bit:
 * its halves are tried, down to single bits, the candidates in cand. */
static int shrink(struct search *s, const uint32_t c[VLP_FEATURE_WORDS], const unsigned *bits,
		  unsigned n, uint32_t cand[VLP_FEATURE_WORDS])
{
	uint32_t t[VLP_FEATURE_WORDS];
	bool ok;
	int err;

	if (n == 0)
		return 0;
	copy_set(t, c);
	for (unsigned i = 0; i < n; i++)
		set_bit(t, bits[i], false);
	err = attempt(s, t, &ok);
	if (err || ok)
		return err;
	if (n == 1) {
		set_bit(cand, bits[0], true);
		return 0;
	}
	err = shrink(s, c, bits, n / 2, cand);
	return err ? err : shrink(s, c, bits + n / 2, n - n / 2, cand);
}

/* Each candidate alone: toggled in c, the device must refuse (flip true:
 * added, false: removed); the confirmed ones go to out. */
static int confirm(struct search *s, const uint32_t c[VLP_FEATURE_WORDS],
		   const uint32_t cand[VLP_FEATURE_WORDS], bool add, uint32_t out[VLP_FEATURE_WORDS])
{
	unsigned bits[MAX_BITS], n = bits_of(cand, NULL, bits);
	uint32_t t[VLP_FEATURE_WORDS];
	bool ok;
	int err;

	for (unsigned i = 0; i < n; i++) {
		copy_set(t, c);
		set_bit(t, bits[i], add);
		err = attempt(s, t, &ok);
		if (err)
			return err;
		if (!ok)
			set_bit(out, bits[i], true);
	}
	return 0;
}

int vlp_negotiate_search(struct vlp_ctx *ctx, const uint32_t offered[VLP_FEATURE_WORDS],
			 const uint32_t pinned[VLP_FEATURE_WORDS], unsigned max_tries,
			 vlp_negotiate_try_fn try_fn, void *arg, struct vlp_negotiate_result *out)
{
	struct search s = { ctx, try_fn, arg, max_tries, 0 };
	uint32_t c[VLP_FEATURE_WORDS], base[VLP_FEATURE_WORDS] = { 0 };
	uint32_t cand[VLP_FEATURE_WORDS] = { 0 };
	unsigned bits[MAX_BITS], n;
	bool ok;
	int err;

	memset(out->required, 0, sizeof(out->required));
	memset(out->rejected, 0, sizeof(out->rejected));
	memset(out->accepted_set, 0, sizeof(out->accepted_set));
	copy_set(out->offered, offered);
	out->any_accepted = false;
	out->tries = 0;
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++)
		base[w] = offered[w] & (pinned ? pinned[w] : 0);

	/* Every candidate is a subset of the offered bits: QEMU 7.2 masks
	 * bits it never offered and keeps FEATURES_OK, which would hide
	 * nothing but prove nothing either.  First everything offered: what
	 * a driver that understands it all writes. */
	copy_set(c, offered);
	err = attempt(&s, c, &ok);
	if (!err && !ok) {
		/* Some offered bit is not accepted (or something is needed
		 * that is not offered): grow a base that is accepted. */
		copy_set(c, base);
		err = attempt(&s, c, &ok);
		if (!err && !ok && (base[0] | base[1] | base[2] | base[3])) {
			memset(c, 0, sizeof(c));
			err = attempt(&s, c, &ok);
		}
		if (!err && ok) {
			n = bits_of(offered, c, bits);
			err = grow(&s, c, bits, n, cand);
			if (!err)
				err = confirm(&s, c, cand, true, out->rejected);
		}
	}
	if (err || !ok)
		goto done;
	out->any_accepted = true;
	copy_set(out->accepted_set, c);
	/* Required: bisection over the accepted set, the pinned bits held;
	 * those are then tried alone like every candidate. */
	memset(cand, 0, sizeof(cand));
	n = bits_of(c, base, bits);
	err = shrink(&s, c, bits, n, cand);
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++)
		cand[w] |= c[w] & base[w];
	if (!err)
		err = confirm(&s, c, cand, false, out->required);
done:
	out->tries = s.tries;
	return err;
}

/* ------------------------------------------------------------ the device */

int vlp_negotiate_try(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		      const uint32_t words[VLP_FEATURE_WORDS], bool *accepted, uint8_t *status_out)
{
	struct vlp_drive d;
	uint64_t v = 0;
	int err;

	*accepted = false;
	if (status_out)
		*status_out = 0;
	err = vlp_drive_begin(ctx, dev, l, &d);
	if (!err && !d.modern)
		return vlp_error(
			ctx, ENOTSUP,
			"negotiate: the device has no common configuration: the legacy interface has no FEATURES_OK to refuse (3.1.2)");
	/* 3.1.1 steps 1-3 */
	if (!err)
		err = vlp_drive_reset(&d, NULL);
	if (!err)
		err = vlp_drive_set_status(&d, VLP_S_ACKNOWLEDGE, NULL);
	if (!err)
		err = vlp_drive_set_status(&d, VLP_S_DRIVER, NULL);
	/* Step 4: the candidate. */
	if (!err)
		err = vlp_drive_write_features(&d, words);
	/* Steps 5-6: FEATURES_OK still set means the device accepted them. */
	if (!err)
		err = vlp_drive_features_ok(&d, accepted, &v);
	if (err || vlp_device_dry_run(dev)) {
		*accepted = false;
		return err;
	}
	if (status_out)
		*status_out = (uint8_t)v;
	return 0;
}

struct device_try {
	struct vlp_ctx *ctx;
	struct vlp_device *dev;
	const struct vlp_layout *l;
	unsigned *resets;
};

static int device_try(void *arg, const uint32_t words[VLP_FEATURE_WORDS], bool *accepted)
{
	struct device_try *t = arg;

	(*t->resets)++;
	return vlp_negotiate_try(t->ctx, t->dev, t->l, words, accepted, NULL);
}

int vlp_negotiate(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		  struct vlp_negotiate_result *out)
{
	uint32_t pinned[VLP_FEATURE_WORDS] = { 0 };
	struct device_try t = { ctx, dev, l, &out->resets };
	struct vlp_drive d;
	struct vlp_reg reg;
	char first[512], second[512];
	int err, rerr;

	memset(out, 0, sizeof(*out));
	/* Nothing is written unless everything may be. */
	if (vlp_device_write_refusal(dev))
		return vlp_error(ctx, dev->policy.refusal_err, "%s", vlp_device_write_refusal(dev));
	if (vlp_block_find(ctx, l, VLP_BLOCK_COMMON, &reg))
		return vlp_error(
			ctx, ENOTSUP,
			"the device has no common configuration: the legacy interface has no FEATURES_OK to refuse (3.1.2)");
	err = vlp_features_read(ctx, dev, l, false, out->offered);
	if (err)
		return err;
	out->dry_run = vlp_device_dry_run(dev);
	if (out->dry_run) {
		bool ok;

		out->resets = 1;
		out->tries = 1;
		err = vlp_negotiate_try(ctx, dev, l, out->offered, &ok, NULL);
	} else {
		/* 6.1: a driver MUST accept VIRTIO_F_VERSION_1 when offered,
		 * and devices check features only with it (QEMU does). */
		set_bit(pinned, VLP_F_VERSION_1, true);
		err = vlp_negotiate_search(ctx, out->offered, pinned, VLP_NEGOTIATE_MAX_TRIES,
					   device_try, &t, out);
	}
	/* Whatever happened: reset, and wait for it to read back as 0. */
	snprintf(first, sizeof(first), "%s", err ? vlp_ctx_error(ctx) : "");
	out->resets++;
	rerr = vlp_drive_begin(ctx, dev, l, &d);
	if (!rerr)
		rerr = vlp_drive_reset(&d, NULL);
	out->left_reset = rerr == 0 && !out->dry_run;
	if (err && rerr) {
		snprintf(second, sizeof(second), "%s", vlp_ctx_error(ctx));
		return vlp_error(ctx, -err, "%s; the reset after it failed too: %s", first, second);
	}
	if (err)
		return vlp_error(ctx, -err, "%s", first);
	return rerr;
}
