/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the conformance checker: the table, the findings the
 * decoder reports under check ids, and rules on synthetic config spaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"
#include "junit.h"
#include "check/checkrun.h"

struct cfg {
	uint8_t b[4096];
	uint8_t valid[4096];
	uint64_t bar_sizes[6];
};

static struct vlp_ctx *ctx;

static void put8(struct cfg *c, unsigned off, uint8_t v)
{
	c->b[off] = v;
}
static void put16(struct cfg *c, unsigned off, uint16_t v)
{
	put8(c, off, v & 0xff);
	put8(c, off + 1, v >> 8);
}
static void put32(struct cfg *c, unsigned off, uint32_t v)
{
	put16(c, off, v & 0xffff);
	put16(c, off + 2, v >> 16);
}

static void cap(struct cfg *c, unsigned pos, unsigned next, uint8_t type, uint32_t offset,
		uint32_t length, uint8_t cap_len)
{
	put8(c, pos, 0x09);
	put8(c, pos + 1, (uint8_t)next);
	put8(c, pos + 2, cap_len);
	put8(c, pos + 3, type);
	put8(c, pos + 4, 4);
	put32(c, pos + 8, offset);
	put32(c, pos + 12, length);
}

/* A modern device laid out like QEMU's: BAR4 of 16K holding common, ISR,
 * device config, notify (multiplier 4); a PCI cfg cap at 0x84. */
static void qemu_device(struct cfg *c, uint16_t device)
{
	memset(c, 0, sizeof(*c));
	memset(c->valid, 1, 256);
	for (int i = 0; i < 6; i++)
		c->bar_sizes[i] = UINT64_MAX;
	c->bar_sizes[4] = 0x4000;
	put16(c, 0x00, 0x1af4);
	put16(c, 0x02, device);
	put16(c, 0x06, 0x0010);
	put8(c, 0x08, 1);
	put32(c, 0x20, 0xfe00000c);
	put16(c, 0x2c, 0x1af4);
	put16(c, 0x2e, 0x1100);
	put8(c, 0x34, 0x40);
	cap(c, 0x40, 0x50, 1, 0x0000, 0x1000, 16);
	cap(c, 0x50, 0x60, 3, 0x1000, 0x1000, 16);
	cap(c, 0x60, 0x70, 4, 0x2000, 0x1000, 16);
	cap(c, 0x70, 0x84, 2, 0x3000, 0x1000, 20);
	put32(c, 0x80, 4);
	cap(c, 0x84, 0x00, 5, 0, 0, 20);
	put8(c, 0x88, 0);
}

/* Decodes and checks c without registers. */
static struct vlp_check_report *check(struct cfg *c, struct vlp_layout **lout)
{
	struct vlp_slot slot = { 0, 0, 4, 0 };
	struct vlp_device *dev;
	struct vlp_layout *l;
	struct vlp_check_report *rep;

	assert_int_equal(vlp_device_from_bytes(ctx, &slot, c->b, c->valid, 256, c->bar_sizes, &dev), 0);
	assert_int_equal(vlp_decode(ctx, dev, &l), 0);
	assert_int_equal(vlp_check_device(ctx, dev, l, NULL, "no registers in this test", &rep), 0);
	vlp_device_free(dev);
	if (lout)
		*lout = l;
	else
		vlp_layout_free(l);
	return rep;
}

static int count(const struct vlp_check_report *rep, const char *id)
{
	int n = 0;

	for (size_t i = 0; i < rep->nfindings; i++)
		n += rep->findings[i].check && !strcmp(rep->findings[i].check->id, id);
	return n;
}

static const char *skip_reason(const struct vlp_check_report *rep, const char *id)
{
	for (size_t i = 0; i < rep->nskipped; i++)
		if (!strcmp(rep->skipped[i].check->id, id))
			return rep->skipped[i].reason;
	return NULL;
}

static void test_table(void **state)
{
	(void)state;
	assert_true(vlp_check_count() >= 60);
	assert_null(vlp_check_at(vlp_check_count()));
	assert_null(vlp_check_find("no-such-check"));
	for (size_t i = 0; i < vlp_check_count(); i++) {
		const struct vlp_check *c = vlp_check_at(i);

		assert_non_null(c->id);
		assert_non_null(c->title);
		assert_non_null(c->where);
		assert_non_null(vlp_check_data_name(c->data));
		assert_ptr_equal(vlp_check_find(c->id), c);
		/* Only the data-incomplete note and guest memory that could
		 * not be read are not rules of a spec. */
		if (strcmp(c->id, "data-incomplete") && strcmp(c->id, "ring-memory"))
			assert_non_null(c->section);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(vlp_check_at(j)->id, c->id);
	}
}

static void test_clean_device(void **state)
{
	struct cfg c;
	struct vlp_check_report *rep;

	(void)state;
	qemu_device(&c, 0x1041);
	rep = check(&c, NULL);
	for (size_t i = 0; i < rep->nfindings; i++)
		print_message("unexpected: %s: %s\n", rep->findings[i].check->id,
			      rep->findings[i].finding.message);
	assert_int_equal(rep->nfindings, 0);
	/* Register checks are not made without registers, and say why. */
	assert_string_equal(skip_reason(rep, "queue-size-pow2"), "no registers in this test");
	assert_non_null(skip_reason(rep, "active-reset"));
	assert_null(skip_reason(rep, "notify-multiplier"));
	assert_int_equal(rep->checks_run + rep->nskipped, vlp_check_count());
	vlp_check_report_free(rep);
}

/* Every finding the decoder makes carries an id of the table. */
static void test_decoder_findings_have_ids(void **state)
{
	struct cfg c;
	struct vlp_layout *l;
	struct vlp_check_report *rep;

	(void)state;
	qemu_device(&c, 0x1041);
	put8(&c, 0x08, 0);  /* revision 0 */
	put32(&c, 0x48, 2); /* common cfg misaligned */
	put32(&c, 0x80, 3); /* multiplier 3 */
	put8(&c, 0x87, 10); /* reserved cfg_type */
	rep = check(&c, &l);
	for (size_t i = 0; i < l->nfindings; i++) {
		assert_non_null(l->findings[i].check);
		assert_non_null(vlp_check_find(l->findings[i].check));
	}
	assert_int_equal(count(rep, "id-modern-revision"), 1);
	assert_int_equal(count(rep, "common-align"), 1);
	assert_int_equal(count(rep, "notify-multiplier"), 1);
	assert_int_equal(count(rep, "cap-cfg-type-reserved"), 1);
	assert_int_equal(count(rep, "linux-probe"), 1);
	assert_int_equal(count(rep, "common-present"), 1);
	assert_int_equal(count(rep, "pci-cfg-present"), 1);
	/* Findings come in table order. */
	for (size_t i = 1; i < rep->nfindings; i++) {
		size_t a = 0, b = 0;

		while (vlp_check_at(a) != rep->findings[i - 1].check)
			a++;
		while (vlp_check_at(b) != rep->findings[i].check)
			b++;
		assert_true(a <= b);
	}
	vlp_check_report_free(rep);
	vlp_layout_free(l);
}

/* Shared memory: unique ids (4.1.4.7.1), Linux's exact cap_len, length. */
static void test_shared_memory(void **state)
{
	struct cfg c;
	struct vlp_check_report *rep;

	(void)state;
	qemu_device(&c, 0x105a);
	put8(&c, 0x85, 0xa0);
	cap(&c, 0xa0, 0xc0, 8, 0x0, 0x1000, 28); /* 4 bytes more than Linux accepts */
	put8(&c, 0xa5, 1);
	cap(&c, 0xc0, 0x00, 8, 0x1000, 0, 24); /* empty, same id */
	put8(&c, 0xc5, 1);
	rep = check(&c, NULL);
	assert_int_equal(count(rep, "linux-shm-cap-len"), 1);
	assert_int_equal(count(rep, "shm-length"), 1);
	vlp_check_report_free(rep);

	put32(&c, 0xcc, 0x1000); /* not empty now: both used, same id */
	rep = check(&c, NULL);
	assert_int_equal(count(rep, "shm-id-unique"), 1);
	vlp_check_report_free(rep);
}

/* Two common cfg caps, the first misaligned: the spec's driver uses the
 * second, Linux the first (and fails), DPDK the last. */
static void test_driver_choices(void **state)
{
	struct cfg c;
	struct vlp_check_report *rep;

	(void)state;
	qemu_device(&c, 0x1041);
	put32(&c, 0x48, 2);
	put8(&c, 0x89, 0); /* PCI cfg cap stays; add a common cfg at 0xa0 */
	put8(&c, 0x85, 0xa0);
	cap(&c, 0xa0, 0x00, 1, 0x0, 0x1000, 16);
	rep = check(&c, NULL);
	assert_int_equal(count(rep, "common-present"), 0);
	assert_int_equal(count(rep, "driver-choice"), 1);
	assert_int_equal(count(rep, "linux-probe"), 1);
	for (size_t i = 0; i < rep->nfindings; i++)
		if (!strcmp(rep->findings[i].check->id, "linux-probe"))
			assert_non_null(strstr(rep->findings[i].finding.message,
					       "offset 2 not aligned to 4"));
	assert_int_equal(count(rep, "dpdk-cap-choice"), 0); /* last = the spec's choice */
	vlp_check_report_free(rep);
}

/* The table's order: ring checks (data "rings") between the register
 * checks and the active ones, each once; every id found back. */
static void test_ring_rows(void **state)
{
	size_t first = 0, last = 0, n = 0;

	(void)state;
	for (size_t i = 0; i < vlp_check_count(); i++) {
		const struct vlp_check *c = vlp_check_at(i);

		if (c->data != VLP_CHECK_RINGS)
			continue;
		if (!n++)
			first = i;
		last = i;
		assert_string_equal(vlp_check_data_name(c->data), "rings");
	}
	assert_int_equal(n, vlp_ring_check_count());
	assert_int_equal(last - first + 1, n); /* one block */
	for (size_t i = 0; i < vlp_ring_check_count(); i++)
		assert_ptr_equal(vlp_check_find(vlp_ring_check_at(i)->id), vlp_ring_check_at(i));
	assert_int_equal(vlp_check_at(last + 1)->data, VLP_CHECK_ACTIVE);
}

/* One split ring per side, its indices given. */
struct one_ring {
	struct vlp_ring ring;
	struct vlp_queue_ring q;
	struct vlp_rings rs;
};

static void one_ring(struct one_ring *o, uint16_t avail, uint16_t used)
{
	memset(o, 0, sizeof(*o));
	o->ring.format = VLP_RING_SPLIT;
	o->ring.size = 256;
	o->ring.avail.idx = avail;
	o->ring.used.idx = used;
	o->ring.in_flight = (uint16_t)(avail - used);
	o->q.index = 1;
	o->q.enabled = true;
	o->q.params.format = VLP_RING_SPLIT;
	o->q.params.size = 256;
	o->q.params.desc = 0x1000;
	o->q.ring = &o->ring;
	o->rs.queues = &o->q;
	o->rs.nqueues = 1;
}

static const struct vlp_difference *find_diff(const struct vlp_diff *d, const char *name)
{
	for (size_t i = 0; i < d->count; i++)
		if (!strcmp(d->items[i].name, name))
			return &d->items[i];
	return NULL;
}

/* 2.7.8: used idx is free-running modulo 2^16: 65534 -> 2 advanced by 4;
 * 10 -> 6 went backwards; a moved ring says so. */
static void test_diff_rings(void **state)
{
	struct one_ring a, b;
	struct vlp_diff d = { 0 };
	const struct vlp_difference *x;
	bool compared;

	(void)state;
	one_ring(&a, 65535, 65534);
	one_ring(&b, 3, 2);
	assert_int_equal(vlp_diff_rings(ctx, &d, &a.rs, &b.rs, &compared), 0);
	assert_true(compared);
	assert_non_null(x = find_diff(&d, "queues[1].ring.used.idx"));
	assert_string_equal(x->note, "advanced by 4");
	assert_non_null(x = find_diff(&d, "queues[1].ring.avail.idx"));
	assert_string_equal(x->note, "advanced by 4");
	assert_null(find_diff(&d, "queues[1].ring.in_flight")); /* 1 and 1 */
	free(d.items);

	memset(&d, 0, sizeof(d));
	one_ring(&a, 12, 10);
	one_ring(&b, 12, 6);
	assert_int_equal(vlp_diff_rings(ctx, &d, &a.rs, &b.rs, &compared), 0);
	assert_non_null(x = find_diff(&d, "queues[1].ring.used.idx"));
	assert_non_null(strstr(x->note, "went backwards by 4"));
	assert_non_null(x = find_diff(&d, "queues[1].ring.in_flight"));
	assert_string_equal(x->note, "in flight not preserved");
	free(d.items);

	memset(&d, 0, sizeof(d));
	one_ring(&a, 12, 10);
	one_ring(&b, 13, 10);
	b.q.params.desc = 0x2000;
	assert_int_equal(vlp_diff_rings(ctx, &d, &a.rs, &b.rs, &compared), 0);
	assert_non_null(x = find_diff(&d, "queues[1].ring.avail.idx"));
	assert_non_null(strstr(x->note, "the ring moved"));
	free(d.items);

	/* No ring memory on a side: nothing compared. */
	memset(&d, 0, sizeof(d));
	strcpy(b.rs.error, "the snapshot holds no ring memory");
	assert_int_equal(vlp_diff_rings(ctx, &d, &a.rs, &b.rs, &compared), 0);
	assert_false(compared);
	assert_int_equal(d.count, 0);
}

/* A live ring fault counts when a second read makes it too. */
static void test_rings_keep_confirmed(void **state)
{
	struct one_ring a, b;
	struct vlp_finding fa[1] = { { .severity = VLP_SEV_ERROR,
				       .check = "ring-chain-loop",
				       .message = "chain 4: descriptor 0 is reached twice (a loop)" } };
	struct vlp_finding fb[2] = { { .severity = VLP_SEV_ERROR,
				       .check = "ring-in-flight",
				       .message = "65535 chains in flight" },
				     { .severity = VLP_SEV_ERROR,
				       .check = "ring-chain-loop",
				       .message = "chain 4: descriptor 0 is reached twice (a loop)" } };

	(void)state;
	one_ring(&a, 5, 4);
	one_ring(&b, 5, 4);
	a.ring.findings = fa, a.ring.nfindings = 1;
	b.ring.findings = fb, b.ring.nfindings = 2;
	assert_int_equal(vlp_rings_keep_confirmed(&b.rs, &a.rs), 1);
	assert_int_equal(b.ring.nfindings, 1);
	assert_string_equal(b.ring.findings[0].check, "ring-chain-loop");
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

/* The exercise rows: category "exercise", a section, the sentence they
 * test as the title; MUST is an error, SHOULD alone a warning; ids fit
 * --list-checks' 26-character column. */
static void test_exercise_rows(void **state)
{
	const struct vlp_check *c;
	unsigned n = 0;

	(void)state;
	assert_string_equal(vlp_check_data_name(VLP_CHECK_EXERCISE), "exercise");
	for (size_t i = 0; (c = vlp_check_at(i)); i++) {
		if (c->data != VLP_CHECK_EXERCISE)
			continue;
		n++;
		assert_true(strncmp(c->id, "exercise-", 9) == 0);
		assert_true(strlen(c->id) <= 26);
		assert_non_null(c->section);
		assert_ptr_equal(vlp_check_find(c->id), c);
		/* What the spec says in prose only is an expectation: a note,
		 * never a MUST. */
		if (c->severity == VLP_SEV_INFO) {
			assert_true(strncmp(c->title, "expectation (", 13) == 0);
			assert_null(strstr(c->title, "MUST"));
			assert_null(strstr(c->title, "SHOULD"));
			continue;
		}
		assert_true(strstr(c->title, "MUST") || strstr(c->title, "SHOULD"));
		assert_int_equal(c->severity == VLP_SEV_ERROR, strstr(c->title, "MUST") != NULL);
		/* A rule the spec states only by definition says so and is an
		 * error. */
		if (strstr(c->title, "no MUST sentence"))
			assert_int_equal(c->severity, VLP_SEV_ERROR);
	}
	assert_int_equal(n, 57);
	assert_string_equal(vlp_check_find("exercise-reset-status")->section, "2.4.1");
	assert_string_equal(vlp_check_find("exercise-packed-used-flags")->section, "2.8.1");
	assert_string_equal(vlp_check_find("exercise-in-order")->section, "6.2");
	assert_string_equal(vlp_check_find("exercise-packed-desc-event")->section, "2.8.10");
	assert_string_equal(vlp_check_find("exercise-packed-indirect")->section, "2.8.7");
	assert_string_equal(vlp_check_find("exercise-notify-used")->section, "2.7.7.2");
	assert_string_equal(vlp_check_find("exercise-vector-map-fail")->section, "4.1.5.1.2.1");
}

/* A report made by hand: outcomes per check, and its JUnit rendering
 * (counts, failure types, --strict, escaping of strings). */
/* A NOT RUN reason longer than the report holds ends in "...". */
static void test_skip_reason_cut(void **state)
{
	struct vlp_check_report rep = { 0 };
	struct check_run r = { .rep = &rep };
	char longer[2 * VLP_CHECK_REASON_MAX];

	(void)state;
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	chk_skip(&r, NULL, "fits");
	chk_skip(&r, NULL, longer);
	assert_int_equal(rep.nskipped, 2);
	assert_string_equal(rep.skipped[0].reason, "fits");
	assert_int_equal(strlen(rep.skipped[1].reason), VLP_CHECK_REASON_MAX - 1);
	assert_string_equal(rep.skipped[1].reason + VLP_CHECK_REASON_MAX - 4, "...");
	free(rep.skipped);
}

static void test_outcome_junit(void **state)
{
	const struct vlp_check *err = vlp_check_find("exercise-unoffered-bit");
	const struct vlp_check *warn = vlp_check_find("exercise-features-ok-again");
	const struct vlp_check *skip = vlp_check_find("exercise-config-64bit");
	const struct vlp_check *pass = vlp_check_find("exercise-reset-status");
	struct vlp_check_finding f[2] = { { .check = err }, { .check = warn } };
	struct vlp_check_skip sk = { .check = skip };
	struct vlp_check_report rep = { .findings = f, .nfindings = 2, .skipped = &sk, .nskipped = 1 };
	const struct vlp_check_skip *got;
	char *text = NULL, want[64];
	size_t len = 0;
	FILE *out;

	(void)state;
	f[0].finding.severity = VLP_SEV_ERROR;
	f[0].finding.section = err->section; /* as chk_add_finding gives it */
	f[1].finding.section = warn->section;
	snprintf(f[0].finding.message, sizeof(f[0].finding.message), "FEATURES_OK kept <0x0b>");
	snprintf(f[0].where, sizeof(f[0].where), "common.device_status");
	f[1].finding.severity = VLP_SEV_WARNING;
	snprintf(f[1].finding.message, sizeof(f[1].finding.message), "refused & 'again'");
	snprintf(f[1].where, sizeof(f[1].where), "common");
	snprintf(sk.reason, sizeof(sk.reason), "no \"64-bit\" field\x01");
	assert_int_equal(vlp_check_outcome(&rep, err, NULL), VLP_OUTCOME_FAIL);
	assert_int_equal(vlp_check_outcome(&rep, warn, NULL), VLP_OUTCOME_WARN);
	assert_int_equal(vlp_check_outcome(&rep, skip, &got), VLP_OUTCOME_NOT_RUN);
	assert_ptr_equal(got, &sk);
	assert_int_equal(vlp_check_outcome(&rep, pass, &got), VLP_OUTCOME_PASS);
	assert_null(got);
	assert_string_equal(vlp_check_outcome_name(VLP_OUTCOME_NOT_RUN), "NOT RUN");

	for (int strict = 0; strict < 2; strict++) {
		out = open_memstream(&text, &len);
		assert_non_null(out);
		junit_begin(out);
		junit_device(out, "00:04.0", "Block <dev>", &rep, strict);
		junit_end(out);
		fclose(out);
		snprintf(want, sizeof(want), "tests=\"%zu\" failures=\"%d\" errors=\"0\" skipped=\"1\"",
			 vlp_check_count(), 1 + strict);
		assert_non_null(strstr(text, want));
		assert_non_null(strstr(text, "<testsuite name=\"00:04.0 Block &lt;dev&gt;\""));
		assert_non_null(strstr(text, "name=\"exercise-unoffered-bit\">\n      <failure type=\"error\" "
					     "message=\"2.2.2: FEATURES_OK kept &lt;0x0b&gt;\">"));
		assert_non_null(strstr(text, "<skipped message=\"no &quot;64-bit&quot; field?\"/>"));
		assert_int_equal(strstr(text, "<failure type=\"warning\"") != NULL, strict);
		assert_int_equal(
			strstr(text, "<system-out>warning 2.2.2 common: refused &amp; &apos;again&apos;") !=
				NULL,
			!strict);
		assert_null(strstr(text, "\x01"));
		free(text);
		text = NULL;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_clean_device),
		cmocka_unit_test(test_decoder_findings_have_ids),
		cmocka_unit_test(test_shared_memory),
		cmocka_unit_test(test_driver_choices),
		cmocka_unit_test(test_ring_rows),
		cmocka_unit_test(test_diff_rings),
		cmocka_unit_test(test_rings_keep_confirmed),
		cmocka_unit_test(test_exercise_rows),
		cmocka_unit_test(test_outcome_junit),
		cmocka_unit_test(test_skip_reason_cut),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
