/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kick probe's conclusion (vlp_nudge_judge) from the counters before
 * the notification and after the poll: every conclusion, the idx wrap at
 * 65536, a receive queue, and a ring not read.  And the notification's
 * value with VIRTIO_F_NOTIFICATION_DATA (vlp_queue_notify_next), on the
 * virtio-net of tests/data/snapshot-modern.lspci with bit 38 added to the
 * device and driver features. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vlp.h"

static struct vlp_nudge_counts counts(uint32_t avail, uint32_t used)
{
	struct vlp_nudge_counts c = { .valid = true, .avail = avail, .used = used };

	c.in_flight = (uint16_t)(avail - used);
	return c;
}

static enum vlp_nudge_conclusion judge(struct vlp_nudge_counts b, struct vlp_nudge_counts a,
				       enum vlp_queue_role role)
{
	return vlp_nudge_judge(&b, &a, role);
}

/* In flight before, used moved after the kick, nothing new published. */
static void test_kick_lost(void **state)
{
	(void)state;
	assert_int_equal(judge(counts(1, 0), counts(1, 1), VLP_QUEUE_REQUEST), VLP_NUDGE_KICK_LOST);
	/* part of what was waiting is enough */
	assert_int_equal(judge(counts(8, 2), counts(8, 3), VLP_QUEUE_TRANSMIT), VLP_NUDGE_KICK_LOST);
	/* across the 2^16 wrap (2.7.6: free-running) */
	assert_int_equal(judge(counts(2, 65534), counts(2, 1), VLP_QUEUE_REQUEST), VLP_NUDGE_KICK_LOST);
	/* a receive queue that took its buffers after the kick, too */
	assert_int_equal(judge(counts(4, 0), counts(4, 4), VLP_QUEUE_RECEIVE), VLP_NUDGE_KICK_LOST);
}

/* The timeout passed with used where it was. */
static void test_no_progress(void **state)
{
	(void)state;
	assert_int_equal(judge(counts(3, 1), counts(3, 1), VLP_QUEUE_REQUEST), VLP_NUDGE_STUCK);
	assert_int_equal(judge(counts(1, 1), counts(1, 1), VLP_QUEUE_REQUEST),
			 VLP_NUDGE_NOTHING_AVAILABLE);
	assert_int_equal(judge(counts(0, 0), counts(0, 0), VLP_QUEUE_TRANSMIT),
			 VLP_NUDGE_NOTHING_AVAILABLE);
	/* receive and event queues hold buffers until input comes */
	assert_int_equal(judge(counts(256, 0), counts(256, 0), VLP_QUEUE_RECEIVE),
			 VLP_NUDGE_WAITING_FOR_INPUT);
	assert_int_equal(judge(counts(64, 0), counts(64, 0), VLP_QUEUE_EVENT),
			 VLP_NUDGE_WAITING_FOR_INPUT);
	/* the driver publishing meanwhile does not make a stuck device move */
	assert_int_equal(judge(counts(3, 1), counts(5, 1), VLP_QUEUE_REQUEST), VLP_NUDGE_STUCK);
}

/* Used moved but the driver published too: its own kick may explain it. */
static void test_driver_active(void **state)
{
	(void)state;
	assert_int_equal(judge(counts(3, 1), counts(4, 4), VLP_QUEUE_REQUEST), VLP_NUDGE_DRIVER_ACTIVE);
	assert_int_equal(judge(counts(1, 1), counts(2, 2), VLP_QUEUE_REQUEST), VLP_NUDGE_DRIVER_ACTIVE);
}

/* Nothing in flight, avail unchanged, used moved: buffers never given. */
static void test_used_past_avail(void **state)
{
	(void)state;
	assert_int_equal(judge(counts(1, 1), counts(1, 2), VLP_QUEUE_REQUEST),
			 VLP_NUDGE_USED_PAST_AVAIL);
}

/* A ring not read on either side: written, not judged. */
static void test_not_judged(void **state)
{
	struct vlp_nudge_counts none = { 0 };

	(void)state;
	assert_int_equal(judge(none, none, VLP_QUEUE_REQUEST), VLP_NUDGE_NOT_JUDGED);
	assert_int_equal(judge(counts(1, 0), none, VLP_QUEUE_REQUEST), VLP_NUDGE_NOT_JUDGED);
	assert_int_equal(judge(none, counts(1, 1), VLP_QUEUE_REQUEST), VLP_NUDGE_NOT_JUDGED);
}

/* Every conclusion has a name and a sentence; none past the end. */
static void test_names(void **state)
{
	(void)state;
	for (unsigned c = 0; c < VLP_NUDGE_CONCLUSIONS; c++) {
		assert_non_null(vlp_nudge_conclusion_name(c));
		assert_non_null(vlp_nudge_conclusion_text(c));
		for (unsigned d = 0; d < c; d++)
			assert_string_not_equal(vlp_nudge_conclusion_name(c),
						vlp_nudge_conclusion_name(d));
	}
	assert_null(vlp_nudge_conclusion_name(VLP_NUDGE_CONCLUSIONS));
	assert_null(vlp_nudge_conclusion_text(VLP_NUDGE_CONCLUSIONS));
	assert_string_equal(vlp_nudge_conclusion_name(VLP_NUDGE_KICK_LOST), "kick-lost");
	assert_string_equal(vlp_nudge_conclusion_text(VLP_NUDGE_KICK_LOST),
			    "the device was waiting for a kick: a kick was lost");
	assert_string_equal(vlp_nudge_conclusion_text(VLP_NUDGE_NOTHING_AVAILABLE),
			    "no progress after the kick: nothing was available");
}

/* The snapshot with feature word 1 (device and driver) holding bit 38. */
static char *notification_data_snapshot(void)
{
	static const char *const from[] = { "# vlp-read 4 0x4 4 1 0x00000101",
					    "# vlp-read 4 0xc 4 1 0x00000101" };
	static const char *const to[] = { "# vlp-read 4 0x4 4 1 0x00000141",
					  "# vlp-read 4 0xc 4 1 0x00000141" };
	static char path[] = "/tmp/vlp-test-nudge-XXXXXX";
	char line[512];
	FILE *in = fopen("tests/data/snapshot-modern.lspci", "r"), *out;
	int fd = mkstemp(path), replaced = 0;

	assert_non_null(in);
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	assert_non_null(out);
	while (fgets(line, sizeof(line), in)) {
		for (int i = 0; i < 2; i++)
			if (!strncmp(line, from[i], strlen(from[i]))) {
				snprintf(line, sizeof(line), "%s\n", to[i]);
				replaced++;
			}
		fputs(line, out);
	}
	fclose(in);
	fclose(out);
	assert_true(replaced >= 2); /* every device's word 1 */
	return path;
}

/* 4.1.5.2 / 2.9: 4 bytes, the queue index low, the next position high; no
 * position known: refused, nothing guessed. */
static void test_notification_data(void **state)
{
	struct vlp_source_opts opts = { 0 };
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO };
	char *path = notification_data_snapshot();
	struct vlp_filter *filter;
	struct vlp_source *src;
	struct vlp_device *dev;
	struct vlp_layout *l;
	struct vlp_notify n;
	struct vlp_ctx *ctx;
	uint16_t next = 0x8005; /* split: avail.idx 0x8005, next_wrap its bit 15 */

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_filter_new(ctx, &filter), 0);
	assert_int_equal(vlp_filter_add_slot(ctx, filter, "00:02.0"), 0);
	opts.dump_path = path;
	opts.filter = filter;
	opts.virtio_only = true;
	assert_int_equal(vlp_source_open(ctx, &opts, &src), 0);
	assert_int_equal(vlp_source_next(src, &dev), 1);
	assert_int_equal(vlp_decode(ctx, dev, &l), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, l, &bopts), 0);
	/* the snapshot refuses the write, after the value is known */
	vlp_queue_notify_next(ctx, dev, l, 1, &next, &n);
	assert_int_equal(n.width, 4);
	assert_int_equal(n.value, 0x80050001u);
	assert_int_equal(vlp_queue_notify_next(ctx, dev, l, 1, NULL, &n), -EINVAL);
	assert_non_null(strstr(vlp_ctx_error(ctx), "VIRTIO_F_NOTIFICATION_DATA"));
	vlp_layout_free(l);
	vlp_device_free(dev);
	vlp_source_close(src);
	vlp_filter_free(filter);
	vlp_ctx_free(ctx);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kick_lost),         cmocka_unit_test(test_no_progress),
		cmocka_unit_test(test_driver_active),     cmocka_unit_test(test_used_past_avail),
		cmocka_unit_test(test_not_judged),        cmocka_unit_test(test_names),
		cmocka_unit_test(test_notification_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
