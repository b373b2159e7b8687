/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Prometheus renderer (src/view/print_prom.c): a device fed twice is
 * written once, two IRQs that would make the same series give one (the
 * first), metrics are grouped with one HELP and TYPE each, and the
 * collector's metrics close the output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"

static unsigned count_lines(const char *text, const char *prefix)
{
	unsigned n = 0;
	size_t len = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, prefix, len))
			n++;
	return n;
}

static void test_once_per_series(void **state)
{
	struct vlp_source_opts opts = { .dump_path = "tests/data/rings/blk-split.lspci" };
	struct vlp_bar_opts bopts = { 0 };
	struct vlp_state_opts sopts = { 0 };
	struct vlp_ctx *ctx;
	struct vlp_source *src;
	struct vlp_device *dev;
	struct vlp_layout *layout;
	struct vlp_state *st;
	struct vlp_irq items[3] = {
		{ .linux_irq = 11, .kind = VLP_IRQ_INTX, .entry = -1, .counted = true, .count = 5 },
		{ .linux_irq = 12, .kind = VLP_IRQ_INTX, .entry = -1, .counted = true, .count = 7 },
		{ .linux_irq = 30, .kind = VLP_IRQ_MSIX, .entry = 1, .counted = true, .count = 9 },
	};
	struct vlp_irqs irqs = { items, 3, 1 };
	struct prom *p;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(vlp_ctx_new(&ctx), 0);
	assert_int_equal(vlp_source_open(ctx, &opts, &src), 0);
	assert_int_equal(vlp_source_next(src, &dev), 1);
	assert_int_equal(vlp_decode(ctx, dev, &layout), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, layout, &bopts), 0);
	assert_int_equal(vlp_read_state(ctx, dev, layout, &sopts, &st), 0);
	{
		struct device_view v = { .dev = dev, .layout = layout, .state = st, .irqs = &irqs };

		p = prom_new();
		assert_non_null(p);
		prom_device(p, &v);
		prom_device(p, &v); /* the same slot again: not written twice */
		prom_collector(p, "list", 0.5, true, 1);
		f = open_memstream(&text, &len);
		assert_non_null(f);
		assert_int_equal(prom_write(p, f), 0);
		fclose(f);
		prom_free(p);
	}
	assert_int_equal(count_lines(text, "virtio_device_info{"), 1);
	assert_int_equal(count_lines(text, "# HELP virtio_device_info "), 1);
	assert_int_equal(count_lines(text, "# TYPE virtio_device_info gauge"), 1);
	assert_int_equal(count_lines(text, "virtio_device_status_bit{"), 7);
	/* Two INTx IRQs make the same series: the first one's count stays. */
	assert_int_equal(count_lines(text, "virtio_interrupts_total{"), 2);
	assert_non_null(strstr(
		text, "virtio_interrupts_total{slot=\"0000:00:03.0\",kind=\"intx\",vector=\"\"} 5\n"));
	assert_non_null(strstr(
		text, "virtio_interrupts_total{slot=\"0000:00:03.0\",kind=\"msix\",vector=\"1\"} 9\n"));
	assert_int_equal(count_lines(text, "# TYPE virtio_interrupts_total counter"), 1);
	/* No rings asked: no ring metrics. */
	assert_int_equal(count_lines(text, "virtio_queue_verdict"), 0);
	assert_int_equal(count_lines(text, "virtio_queue_size{"), 1);
	/* The collection's own metrics come last. */
	assert_non_null(strstr(text, "virtio_collector_devices{mode=\"list\"} 1\n"));
	assert_string_equal(text + len - strlen("virtio_collector_devices{mode=\"list\"} 1\n"),
			    "virtio_collector_devices{mode=\"list\"} 1\n");
	free(text);
	vlp_state_free(st);
	vlp_layout_free(layout);
	vlp_device_free(dev);
	vlp_source_close(src);
	vlp_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once_per_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
