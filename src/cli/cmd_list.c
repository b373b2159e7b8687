/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The default face: decode and print the selected devices, optionally
 * saving snapshots, on the shared per-device loop (cli_each_device). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* Notes said once per run, on stderr, and what the run opens once: guest
 * memory for --rings. */
struct notes {
	bool privilege, no_bars, no_rings;
	struct ring_memory mem;
};

/* The registers behind the BARs: live devices and snapshots, when the
 * output shows them (-v, -J) or a snapshot is saved.  A failure is not an
 * error of the run: the output falls back to config space. */
static struct vlp_state *read_state(struct vlp_ctx *ctx, const struct options *o,
				    struct vlp_device *dev, const struct vlp_layout *layout,
				    struct notes *notes, char *why, size_t whylen)
{
	struct vlp_bar_opts bopts = { .mode = o->access, .passive = o->passive };
	struct vlp_state_opts sopts = { .passive = o->passive, .read_isr = o->read_isr };
	struct vlp_state *state = NULL;
	char slot[32];

	why[0] = '\0';
	/* Nothing to read: a dump, or no structure known (e.g. only the
	 * header was readable). */
	if (vlp_device_origin(dev) == VLP_ORIGIN_DUMP ||
	    (vlp_device_origin(dev) != VLP_ORIGIN_HOST &&
	     (!layout->virtio.is_virtio || !layout->nregions)))
		return NULL;
	if (o->out.verbose < 1 && !o->json && !o->prometheus && !o->save_path)
		return NULL;
	if (vlp_device_open_bars(ctx, dev, layout, &bopts) == 0 &&
	    (!o->save_path || vlp_snapshot_start(ctx, dev) == 0) &&
	    vlp_read_state(ctx, dev, layout, &sopts, &state) == 0) {
		if (state->selectors_touched && vlp_device_driver(dev) &&
		    vlp_device_origin(dev) == VLP_ORIGIN_LIVE) {
			format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
			fprintf(stderr,
				PROG
				": note: %s: feature and queue selectors were changed to read and then restored while %s is bound (--passive avoids that)\n",
				slot, vlp_device_driver(dev));
		}
		return state;
	}
	snprintf(why, whylen, "%s", vlp_ctx_error(ctx));
	/* With --rings the rings' note says it, with the rest of why. */
	if (!notes->no_bars && !o->rings) {
		format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
		fprintf(stderr, PROG ": note: %s: %s; showing config space only\n", slot, why);
		notes->no_bars = true;
	}
	return NULL;
}

/* Linux's view of a live device's interrupts (the library asks procfs and
 * sysfs, vlp_irqs_read: no device access), when the output shows them
 * (-v, -J).  Dumps and snapshots have no Linux to ask: their JSON says
 * so. */
static struct vlp_irqs *read_irqs(struct vlp_ctx *ctx, const struct options *o,
				  const struct vlp_device *dev, char *why, size_t whylen)
{
	struct vlp_irqs *irqs = NULL;

	why[0] = '\0';
	if (o->out.verbose < 1 && !o->json && !o->prometheus)
		return NULL;
	if (vlp_device_origin(dev) != VLP_ORIGIN_LIVE) {
		snprintf(why, whylen,
			 "%s: the Linux IRQs of the machine it was captured on are not recorded",
			 vlp_device_origin(dev) == VLP_ORIGIN_DUMP ? "dump" : "snapshot");
		return NULL;
	}
	if (vlp_irqs_read(ctx, vlp_device_slot(dev), NULL, &irqs))
		snprintf(why, whylen, "%s", vlp_ctx_error(ctx));
	return irqs;
}

/* What the rings hold (--rings): live devices through /proc/kcore, opened
 * once per run; snapshots from the ring memory they recorded.  Reading
 * them needs the registers (where the rings are), so no state: no rings.
 * The run's decoding budget (notes->mem) spans every device.  *failed:
 * the rings could not be read, or only in part (the budget ran out, no
 * memory): said on stderr, the run fails after printing what there is. */
static struct vlp_rings *read_rings(struct vlp_ctx *ctx, const struct options *o,
				    struct vlp_device *dev, const struct vlp_layout *layout,
				    const struct vlp_state *state, const char *state_why,
				    struct notes *notes, char *why, size_t whylen, bool *failed)
{
	struct vlp_rings *rings = NULL;
	const char *mem_why;
	char slot[32];

	why[0] = '\0';
	if (!o->rings)
		return NULL;
	if (!state) {
		/* Both reasons, when both hold (this machine: no BAR access
		 * and no /proc/kcore), said once for the run. */
		mem_why = ring_memory_open(ctx, &notes->mem, dev);
		snprintf(why, whylen, "%s%s%s",
			 state_why && state_why[0] ? state_why : "a dump holds config space only",
			 mem_why ? "; " : "", mem_why ? mem_why : "");
		if (!notes->no_rings && vlp_device_origin(dev) == VLP_ORIGIN_LIVE) {
			format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
			fprintf(stderr, PROG ": note: %s: rings not read: %s%s\n", slot, why,
				state_why && state_why[0] ? "; showing config space only" : "");
			notes->no_rings = true;
		}
		return NULL;
	}
	if (ring_memory_read(ctx, &notes->mem, dev, layout, state, &rings)) {
		format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
		snprintf(why, whylen, "%s", vlp_ctx_error(ctx));
		fprintf(stderr, PROG ": %s: rings: %s\n", slot, why);
		*failed = true;
		return NULL;
	}
	if (rings->incomplete[0]) {
		format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
		fprintf(stderr, PROG ": %s: rings: %s\n", slot, rings->incomplete);
		*failed = true;
	}
	if (rings->error[0] && !notes->no_rings) {
		format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
		fprintf(stderr, PROG ": note: %s: rings not read: %s\n", slot, rings->error);
		notes->no_rings = true;
	}
	return rings;
}

/* --sample: the library's series of reads (vlp_rings_sample_series; a
 * snapshot is decoded once); a read that failed is said here, and fails
 * the run (false).  *irqs becomes the last read's. */
static bool sample_rings(struct vlp_ctx *ctx, const struct options *o, struct vlp_device *dev,
			 const struct vlp_state *state, struct vlp_rings *rings, struct vlp_irqs **irqs)
{
	struct vlp_sample_opts so = {
		.count = o->sample_count,
		.interval_ms = o->sample_interval_ms,
		.one_read_why = "one read: sampling (--sample) tells a stall from progress",
	};
	unsigned failed;
	char slot[32];

	if (!rings)
		return true;
	if (vlp_rings_sample_series(ctx, dev, state, rings, &so, irqs, &failed) && failed) {
		format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
		fprintf(stderr, PROG ": %s: sample %u: %s\n", slot, failed, vlp_ctx_error(ctx));
		return false;
	}
	return true;
}

/* Seconds on the monotonic clock: the collection's duration (-o prometheus). */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The summary text of a device, for the snapshot's device line. */
static void snapshot_title(char *buf, size_t len, const struct vlp_layout *l)
{
	char title[128];

	format_device_title(title, sizeof(title), l);
	snprintf(buf, len, "%s virtio-lspci snapshot", title);
}

/* One listing run (the arg of its hooks on the shared loop): the printer's
 * output, the notes, --save's file, the metrics gathered (-o prometheus). */
struct listing {
	struct output out;
	struct notes notes;
	FILE *save;
	struct prom *prom;
	double t0; /* when the collection began */
};

/* Before the first device: --save's file, the printer's frame or the
 * metrics' store. */
static int list_begin(void *arg, const struct options *o)
{
	struct listing *ls = arg;

	if (o->save_path && !(ls->save = fopen(o->save_path, "w"))) {
		fprintf(stderr, PROG ": %s: %s\n", o->save_path, strerror(errno));
		return EXIT_RUNTIME;
	}
	if (o->prometheus) {
		if (!(ls->prom = prom_new())) {
			fprintf(stderr, PROG ": out of memory\n");
			return EXIT_RUNTIME;
		}
	} else {
		o->printer->begin(&ls->out);
	}
	return EXIT_OK;
}

/* One device: decoded, what the output shows read, printed, saved. */
static int list_one(void *arg, struct vlp_ctx *ctx, const struct options *o, struct vlp_device *dev,
		    struct json *j)
{
	struct listing *ls = arg;
	struct device_view view = { 0 };
	struct vlp_layout *layout;
	struct vlp_state *state;
	struct vlp_irqs *irqs;
	struct vlp_rings *rings;
	char why[256], irqs_why[256], rings_why[600], title[160];
	bool rings_failed = false;
	int ret = EXIT_OK;

	(void)j;
	if (vlp_device_config_limit(dev) == VLP_LIMIT_PRIVILEGE && !ls->notes.privilege) {
		fprintf(stderr, PROG
			": note: not root: only the 64-byte config header is readable, capabilities are not shown\n");
		ls->notes.privilege = true;
	}
	if (vlp_decode(ctx, dev, &layout)) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		return EXIT_RUNTIME;
	}
	state = read_state(ctx, o, dev, layout, &ls->notes, why, sizeof(why));
	irqs = read_irqs(ctx, o, dev, irqs_why, sizeof(irqs_why));
	rings = read_rings(ctx, o, dev, layout, state, why, &ls->notes, rings_why,
			   sizeof(rings_why), &rings_failed);
	if (!sample_rings(ctx, o, dev, state, rings, &irqs))
		rings_failed = true;
	view = (struct device_view){ dev,
				     layout,
				     state,
				     why[0] ? why : NULL,
				     irqs,
				     irqs_why[0] ? irqs_why : NULL,
				     o->rings,
				     rings,
				     rings_why[0] ? rings_why : NULL,
				     o->sample_count,
				     o->sample_interval_ms,
				     o->sample_count > 1 && vlp_device_origin(dev) != VLP_ORIGIN_LIVE,
				     o->domain_label };
	if (ls->prom)
		prom_device(ls->prom, &view);
	else
		o->printer->device(&ls->out, &view);
	ls->out.devices++;
	if (ls->save) {
		snapshot_title(title, sizeof(title), layout);
		if (vlp_snapshot_write(ctx, ls->save, dev, title)) {
			fprintf(stderr, PROG ": %s: %s\n", o->save_path, vlp_ctx_error(ctx));
			ret = EXIT_RUNTIME;
		}
	}
	if (o->stats)
		print_access_stats(stderr, dev);
	/* Rings decoded in part, or not at all for want of memory: what there
	 * was is printed, and the run fails (an input or runtime problem). */
	if (rings_failed)
		ret = EXIT_RUNTIME;
	vlp_rings_free(rings);
	vlp_state_free(state);
	vlp_irqs_free(irqs);
	vlp_layout_free(layout);
	return ret;
}

/* After the last device: the printer's frame closed; nothing matched is an
 * error when a selection was made, a note for a dump, and nothing to say
 * for this system; the metrics written, ending with the collection's own;
 * --save's file and the guest memory closed. */
static int list_end(void *arg, const struct options *o, int ret, unsigned devices,
		    const struct vlp_source *src)
{
	struct listing *ls = arg;

	if (!ls->prom)
		o->printer->end(&ls->out);
	if (ret == EXIT_OK && devices == 0) {
		char what[512];

		describe_selection(o, what, sizeof(what));
		if (what[0] && o->dump_path) {
			fprintf(stderr, PROG ": %s: no virtio device matches %s\n", o->dump_path, what);
			ret = EXIT_RUNTIME;
		} else if (what[0]) {
			fprintf(stderr, PROG ": no virtio device matches %s\n", what);
			ret = EXIT_RUNTIME;
		} else if (o->dump_path) {
			fprintf(stderr,
				PROG ": %s: no virtio devices (%u non-virtio devices skipped)\n",
				o->dump_path, vlp_source_skipped(src));
		}
	}
	if (ls->prom) {
		prom_collector(ls->prom, "list", now_s() - ls->t0, ret == EXIT_OK, ls->out.devices);
		if (prom_write(ls->prom, stdout)) {
			fprintf(stderr, PROG ": out of memory: the metrics are incomplete\n");
			ret = EXIT_RUNTIME;
		}
		prom_free(ls->prom);
	}
	if (ls->save && fclose(ls->save)) {
		fprintf(stderr, PROG ": %s: %s\n", o->save_path, strerror(errno));
		ret = EXIT_RUNTIME;
	}
	ring_memory_close(&ls->notes.mem);
	return ret;
}

int list_main(struct vlp_ctx *ctx, const struct options *o)
{
	struct listing ls = { .out = { stdout, ctx, o->out, 0, { 0 } }, .t0 = now_s() };
	/* The printer frames the output (text: nothing; JSON: its own frame). */
	const struct cli_each face = {
		.arg = &ls, .one = list_one, .stop_at_failure = true, .begin = list_begin, .end = list_end
	};

	return cli_each_device(ctx, o, &face);
}
