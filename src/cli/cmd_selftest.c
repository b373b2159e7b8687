/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --selftest: each slot asked for driven without its driver (the
 * library's vlp_selftest): one line per step, or JSON; --rebind hands the
 * device back to the kernel afterwards.  Writes only to a live device
 * without a bound driver (or with --force), as root; every refusal is one
 * line on stderr, exit 1, before anything is written. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"

#define HEX_LINE 32 /* bytes of sector 0 per text line */

static void text_report(const char *slot, const struct vlp_layout *l,
			const struct vlp_selftest_result *r, const struct cli_rebind *rb)
{
	char title[160], hex[2 * HEX_LINE + 1];
	unsigned failed = 0;

	format_device_title(title, sizeof(title), l);
	printf("%s %s: self-test \"%s\"\n", slot, title, r->test);
	for (unsigned i = 0; i < r->nsteps; i++) {
		printf("  %-4s %s: %s\n", r->steps[i].ok ? "ok" : "FAIL", r->steps[i].name,
		       r->steps[i].detail);
		failed += !r->steps[i].ok;
	}
	if (r->has_sector0)
		for (unsigned off = 0; off < sizeof(r->sector0); off += HEX_LINE) {
			vlp_selftest_hex(hex, sizeof(hex), r->sector0 + off, HEX_LINE);
			printf("  sector 0 +0x%03x: %s\n", off, hex);
		}
	if (rb->asked && rb->ok)
		printf("  ok   rebind: driver %s bound again\n", rb->driver);
	else if (rb->asked)
		printf("  FAIL rebind: %s\n", rb->error);
	printf("  %s: %u steps, %u failed\n", r->ok && (!rb->asked || rb->ok) ? "passed" : "FAILED",
	       r->nsteps + rb->asked, failed + (rb->asked && !rb->ok));
}

static const char *format_name(enum vlp_ring_format f)
{
	return f == VLP_RING_PACKED ? "packed" : "split";
}

/* --dry-run: the steps as they would go, the memory plan, the requests. */
static void dry_report(const char *slot, const struct vlp_layout *l,
		       const struct vlp_selftest_result *r)
{
	char title[160];

	format_device_title(title, sizeof(title), l);
	printf("%s %s: self-test \"%s\" (dry run)\n", slot, title, r->test);
	for (unsigned i = 0; i < r->nsteps; i++)
		printf("  %-4s %s: %s\n", r->steps[i].ok ? "ok" : "FAIL", r->steps[i].name,
		       r->steps[i].detail);
	printf("  memory plan (dry run: plain memory, not device-visible, addresses made up):\n");
	for (unsigned i = 0; i < r->nplan && i < VLP_SELFTEST_PLAN_MAX; i++) {
		const struct vlp_vq_info *q = &r->plan[i].info;

		printf("    queue %u: %s, size %u: descriptors %zu bytes at 0x%" PRIx64
		       ", driver area %zu bytes at 0x%" PRIx64
		       ", device area %zu bytes at 0x%" PRIx64 "\n",
		       r->plan[i].queue, format_name(q->format), q->size, q->layout.desc_len,
		       q->desc_pa, q->layout.driver_len, q->driver_pa, q->layout.device_len,
		       q->device_pa);
	}
	if (r->nplan > VLP_SELFTEST_PLAN_MAX)
		printf("    and %u more queues\n", r->nplan - VLP_SELFTEST_PLAN_MAX);
	if (!r->nplan)
		printf("    no queue\n");
	printf("  requests the test would post after DRIVER_OK:\n");
	if (!r->requests || !r->requests[0])
		printf("    none (initialization and reset only)\n");
	for (unsigned i = 0; r->requests && r->requests[i]; i++)
		printf("    %s\n", r->requests[i]);
	printf("  %s: dry run, nothing written\n", r->ok ? "planned" : "FAILED");
}

static void json_report(struct json *j, const char *slot, const struct vlp_selftest_result *r,
			const struct cli_rebind *rb)
{
	char hex[2 * sizeof(r->sector0) + 1];

	json_begin_object(j, NULL);
	json_string(j, "slot", slot);
	json_string(j, "device_type_name", vlp_virtio_type_name(r->device_type));
	json_string(j, "test", r->test);
	json_bool(j, "ok", r->ok && (!rb->asked || rb->ok));
	json_begin_array(j, "steps");
	for (unsigned i = 0; i < r->nsteps; i++) {
		json_begin_object(j, NULL);
		json_string(j, "name", r->steps[i].name);
		json_bool(j, "ok", r->steps[i].ok);
		json_string(j, "detail", r->steps[i].detail);
		json_end_object(j);
	}
	if (rb->asked) {
		json_begin_object(j, NULL);
		json_string(j, "name", "rebind");
		json_bool(j, "ok", rb->ok);
		json_string(j, "detail", rb->ok ? rb->driver : rb->error);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_object(j, "data");
	if (r->nreads) {
		json_begin_array(j, "reads");
		for (unsigned i = 0; i < r->nreads; i++) {
			vlp_selftest_hex(hex, sizeof(hex), r->reads[i], sizeof(r->reads[i]));
			json_string(j, NULL, hex);
		}
		json_end_array(j);
	}
	if (r->has_sector0) {
		vlp_selftest_hex(hex, sizeof(hex), r->sector0, sizeof(r->sector0));
		json_string(j, "sector0_hex", hex);
	}
	if (r->has_id)
		json_string(j, "id", r->id);
	if (r->device_type == VLP_ID_BLOCK && r->has_sector0)
		json_uint(j, "capacity", r->capacity);
	if (r->net_frame_hex[0] || r->net_ctrl_acks) {
		json_uint(j, "ctrl_acks", r->net_ctrl_acks);
		json_string(j, "frame_hex", r->net_frame_hex[0] ? r->net_frame_hex : NULL);
	}
	if (r->has_scsi) {
		json_uint(j, "target", r->scsi_target);
		json_string(j, "vendor", r->scsi_vendor);
		json_string(j, "product", r->scsi_product);
	}
	if (r->written[0])
		json_string(j, "written", r->written);
	if (r->emerg_written[0])
		json_string(j, "emerg_written", r->emerg_written);
	json_end_object(j);
	json_bool(j, "left_reset", r->left_reset);
	if (rb->asked)
		json_string(j, "driver", rb->ok ? rb->driver : NULL);
	json_end_object(j);
}

/* Refuses before any write; EXIT_OK when every step passed. */
static int selftest_one(void *arg, struct vlp_ctx *ctx, const struct options *o,
			struct vlp_device *dev, struct json *j)
{
	struct cli_dry d;
	struct vlp_selftest_result r;
	struct cli_rebind rb = { .asked = o->rebind };
	struct vlp_layout *l = NULL;
	sigset_t saved;
	char slot[32];
	int ret = EXIT_RUNTIME, err;

	(void)arg;
	format_slot(slot, sizeof(slot), vlp_device_slot(dev),
		    o->out.domains || vlp_device_slot(dev)->domain);
	if (vlp_decode(ctx, dev, &l)) {
		fprintf(stderr, PROG ": %s: %s\n", slot, vlp_ctx_error(ctx));
		return EXIT_RUNTIME;
	}
	/* Physical addresses come from /proc/self/pagemap, root only. */
	if (vlp_device_origin(dev) == VLP_ORIGIN_LIVE && geteuid() != 0) {
		fprintf(stderr,
			PROG
			": %s: --selftest needs root (BAR writes, locked memory, physical addresses from /proc/self/pagemap)\n",
			slot);
		goto out;
	}
	if (cli_drive_open(ctx, o, dev, l, slot, "--selftest", "drives", "(unbind it, or --force)"))
		goto out;
	/* A signal that ended the process mid-test would hand the queues'
	 * memory back to the kernel while the device may still write it: held
	 * until the device has been reset (the waits are bounded). */
	cli_hold_signals(&saved);
	if (o->dry_run) {
		printf("%s: dry run: the writes up to DRIVER_OK, then the reset after; nothing is written\n",
		       slot);
		cli_dry_begin(ctx, dev, l, &d);
	}
	err = vlp_selftest(ctx, dev, l, NULL, &r);
	vlp_device_set_trace(dev, NULL, NULL);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (err) {
		fprintf(stderr, PROG ": %s: --selftest refused: %s\n", slot, vlp_ctx_error(ctx));
		goto out;
	}
	cli_rebind(ctx, dev, &rb);
	ret = r.ok && (!rb.asked || rb.ok) ? EXIT_OK : EXIT_RUNTIME;
	if (r.dry_run)
		dry_report(slot, l, &r);
	else if (j)
		json_report(j, slot, &r, &rb);
	else
		text_report(slot, l, &r, &rb);
out:
	if (o->stats)
		print_access_stats(stderr, dev);
	vlp_layout_free(l);
	return ret;
}

int selftest_main(struct vlp_ctx *ctx, const struct options *o)
{
	const struct cli_each face = { .json_key = "selftest", .one = selftest_one };

	return cli_each_device(ctx, o, &face);
}
