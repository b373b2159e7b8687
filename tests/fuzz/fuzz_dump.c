/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the dump reader (auto-detection and every format), then
 * the decoder on each device it returns, the state readers and the ring
 * decoder on a snapshot's recorded registers and ring memory (# vlp-mem),
 * the checker, and the text and JSON printers on the result.  Built and run by
 * tests/fuzz/run.sh (make fuzz).
 *
 * Adding -DDUMP_CHUNK=64 shrinks the reader's input chunk so that lines
 * straddle chunk boundaries even in small inputs.
 */
#include <stdint.h>
#include <stdio.h>

#include "internal.h"
#include "output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rings' decoding budget of one input: small, so that an input that
 * spends it all is decoded and printed at -vvv well within the per-input
 * time limit under the sanitizers (run.sh -timeout), and so that the
 * budget's end is met often. */
#define FUZZ_RING_BUDGET (4u << 20)

/* Both printers at full verbosity, into the void: they must not read
 * anything the decoder did not vouch for. */
static void print_all(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout)
{
	static FILE *sink;
	struct output out = { 0 };
	struct device_view view = { .dev = dev, .layout = layout };
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO };
	struct vlp_state_opts sopts = { .read_isr = true };
	struct vlp_state *state = NULL;
	struct vlp_rings *rings = NULL;
	struct vlp_ring_budget budget = { .limit = FUZZ_RING_BUDGET };
	struct vlp_rings_opts ropts = { .budget = &budget };
	struct vlp_check_report *rep = NULL;

	/* A snapshot replays its register reads through the state readers,
	 * and its recorded ring memory through the ring decoder: whatever
	 * the # vlp-mem lines hold, nothing loops or reads out of bounds. */
	if (vlp_device_origin(dev) == VLP_ORIGIN_SNAPSHOT &&
	    vlp_device_open_bars(ctx, dev, layout, &bopts) == 0 &&
	    vlp_read_state(ctx, dev, layout, &sopts, &state) == 0) {
		view.state = state;
		if (vlp_read_rings(ctx, dev, layout, state, &ropts, &rings) == 0) {
			view.rings_asked = true;
			view.rings = rings;
		}
	}
	/* The checker on the same data: ring findings per queue. */
	if (vlp_check_device_rings(ctx, dev, layout, state, "no registers", rings, NULL, &rep) == 0)
		vlp_check_report_free(rep);

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink)
		return;
	out.f = sink;
	out.ctx = ctx;
	out.opts.verbose = 3;
	out.opts.numeric = 1; /* names come from pci.ids: not what is fuzzed */
	out.opts.hex = 4;
	text_printer.device(&out, &view);
	out.opts.hex = 0;
	json_printer.begin(&out);
	json_printer.device(&out, &view);
	json_printer.end(&out);
	vlp_rings_free(rings);
	vlp_state_free(state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vlp_ctx *ctx;
	struct vlp_dump_reader *r;
	struct vlp_device *dev;
	FILE *f;

	if (!ctx && vlp_ctx_new(&ctx) < 0)
		return 0;
	/* fmemopen refuses an empty buffer on older glibc. */
	f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!f)
		return 0;
	if (vlp_dump_reader_open_stream(ctx, f, "fuzz", VLP_FORMAT_AUTO, &r) == 0) {
		while (vlp_dump_reader_next(r, &dev) == 1) {
			struct vlp_layout *layout;

			if (vlp_decode(ctx, dev, &layout) == 0) {
				print_all(ctx, dev, layout);
				vlp_layout_free(layout);
			}
			vlp_device_free(dev);
		}
		vlp_dump_reader_close(r);
	}
	fclose(f);
	return 0;
}
