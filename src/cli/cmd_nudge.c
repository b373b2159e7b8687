/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --nudge=Q: the kick probe.  On a live device, reads the queue's ring
 * from guest memory, writes the queue's notification exactly as a driver
 * would (vlp_queue_notify_next: address, width and value of 4.1.4.4 /
 * 4.1.5.2), then polls used in ring memory only (no register read) until
 * it moves or the timeout, and says what that means (vlp_nudge_judge).
 * Writes only with no bound driver or --force; every refusal is one line
 * on stderr and exit 1, before anything is written. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "json.h"

/* One nudge, as reported. */
struct nudge {
	char slot[32];
	const struct vlp_queue_ring *q;
	struct vlp_notify notify;
	bool written; /* the notification was written (not a dry run) */
	struct vlp_nudge_counts before, after;
	bool advanced;
	unsigned waited_ms;
	enum vlp_nudge_conclusion conclusion;
	const char *no_ring; /* why the ring was not read, NULL: read */
};

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void counts_of(const struct vlp_ring *ring, struct vlp_nudge_counts *c)
{
	struct vlp_queue_sample s;

	memset(c, 0, sizeof(*c));
	if (!ring)
		return;
	vlp_queue_sample_from_ring(ring, &s);
	c->valid = ring->device_read && ring->driver_read;
	c->avail = s.avail;
	c->used = s.used;
	c->in_flight = s.in_flight;
}

/* The queue asked for: its index, or its name ("requestq", "receiveq0"). */
static const struct vlp_queue_ring *find_queue(const struct vlp_rings *r, const char *want)
{
	char *end;
	unsigned long idx;

	errno = 0;
	idx = strtoul(want, &end, 0);
	for (size_t i = 0; i < r->nqueues; i++) {
		const struct vlp_queue_ring *q = &r->queues[i];

		if (*want >= '0' && *want <= '9' && !*end && !errno ? q->index == idx
								    : !strcasecmp(q->name, want))
			return q;
	}
	return NULL;
}

static bool driver_ok(const struct vlp_state *st, bool legacy, uint64_t *status)
{
	const struct vlp_field_value *v =
		legacy ? vlp_regs_row(&st->legacy, vlp_legacy_header_table(), VLP_LEGACY_DEVICE_STATUS)
		       : vlp_regs_row(&st->common, vlp_common_cfg_table(), VLP_COMMON_DEVICE_STATUS);

	*status = v && v->valid ? v->value : 0;
	return v && v->valid && (v->value & VLP_S_MASK(VLP_S_DRIVER_OK));
}

/* Polls the ring (memory only) until used moves or timeout_ms passed. */
static int poll_used(struct vlp_ctx *ctx, struct vlp_guestmem *mem, const struct vlp_ring_params *p,
		     unsigned timeout_ms, double t0, struct nudge *nu)
{
	const struct timespec pause = { 0, 500000 };

	for (;;) {
		struct vlp_ring *ring;
		double t;

		if (vlp_ring_read(ctx, mem, p, &ring))
			return -1;
		t = now_ms() - t0;
		counts_of(ring, &nu->after);
		vlp_ring_free(ring);
		nu->waited_ms = (unsigned)(t + 0.5);
		if (!nu->after.valid || nu->after.used != nu->before.used || t >= timeout_ms)
			return 0;
		nanosleep(&pause, NULL);
	}
}

static void text_counts(const char *label, const struct vlp_nudge_counts *c)
{
	printf("  %s avail %" PRIu32 ", used %" PRIu32 ", in flight %u\n", label, c->avail, c->used,
	       c->in_flight);
}

static void text_report(const struct nudge *nu, const struct options *o)
{
	printf("%s queue %u %s\n", nu->slot, nu->q->index, nu->q->name);
	if (nu->before.valid)
		text_counts("before:", &nu->before);
	else
		printf("  before: ring not read: %s\n", nu->no_ring);
	printf("  notify: %s 0x%0*" PRIx32 " (%u bytes) at BAR%u+0x%" PRIx64 "%s\n",
	       nu->written ? "wrote" : "would write", (int)nu->notify.width * 2, nu->notify.value,
	       nu->notify.width, nu->notify.bar, nu->notify.offset,
	       nu->written ? "" : " (dry run: nothing written)");
	if (!nu->written)
		return;
	if (nu->before.valid && nu->after.valid) {
		char label[64];

		snprintf(label, sizeof(label), "after %u ms:", nu->waited_ms);
		text_counts(label, &nu->after);
		if (nu->advanced)
			printf("  used advanced by %" PRIu32 " in %u ms\n",
			       (nu->after.used - nu->before.used) &
				       (nu->q->params.format == VLP_RING_PACKED ? 0xffffffffu : 0xffffu),
			       nu->waited_ms);
		else
			printf("  used did not move in %u ms (--timeout=%u)\n", nu->waited_ms,
			       o->timeout_ms);
	}
	printf("  conclusion: %s\n", vlp_nudge_conclusion_text(nu->conclusion));
}

static void json_counts(struct json *j, const char *key, const struct vlp_nudge_counts *c)
{
	if (!c->valid) {
		json_null(j, key);
		return;
	}
	json_begin_object(j, key);
	json_uint(j, "avail", c->avail);
	json_uint(j, "used", c->used);
	json_uint(j, "in_flight", c->in_flight);
	json_end_object(j);
}

static void json_report(struct json *j, const struct nudge *nu)
{
	json_begin_object(j, NULL);
	json_string(j, "slot", nu->slot);
	json_uint(j, "queue", nu->q->index);
	json_string(j, "name", nu->q->name);
	json_begin_object(j, "notify");
	json_uint(j, "bar", nu->notify.bar);
	json_uint(j, "offset", nu->notify.offset);
	json_uint(j, "width", nu->notify.width);
	json_uint(j, "value", nu->notify.value);
	json_end_object(j);
	json_counts(j, "before", &nu->before);
	json_counts(j, "after", &nu->after);
	json_bool(j, "advanced", nu->advanced);
	json_uint(j, "waited_ms", nu->waited_ms);
	json_string(j, "conclusion", vlp_nudge_conclusion_name(nu->conclusion));
	json_string(j, "conclusion_text", vlp_nudge_conclusion_text(nu->conclusion));
	json_string(j, "ring_error", nu->no_ring);
	json_end_object(j);
}

/* Refuses before any write; EXIT_OK when the notification was written (or
 * shown, --dry-run). */
static int nudge_one(void *arg, struct vlp_ctx *ctx, const struct options *o,
		     struct vlp_device *dev, struct json *j)
{
	struct vlp_state_opts sopts = { .skip = VLP_STATE_SKIP_DEVICE | VLP_STATE_SKIP_INPUT |
						VLP_STATE_SKIP_MSIX };
	struct ring_memory rm = { 0 };
	struct vlp_rings *rings = NULL;
	struct vlp_state *st = NULL;
	struct vlp_layout *l = NULL;
	struct nudge nu = { 0 };
	uint16_t next = 0;
	uint64_t status;
	double t0;
	int ret = EXIT_RUNTIME;

	(void)arg;
	format_slot(nu.slot, sizeof(nu.slot), vlp_device_slot(dev),
		    o->out.domains || vlp_device_slot(dev)->domain);
	if (vlp_decode(ctx, dev, &l)) {
		fprintf(stderr, PROG ": %s: %s\n", nu.slot, vlp_ctx_error(ctx));
		return EXIT_RUNTIME;
	}
	if (cli_drive_open(ctx, o, dev, l, nu.slot, "--nudge", "writes to",
			   "(a stuck device normally has its driver: --force)"))
		goto out;
	if (vlp_read_state(ctx, dev, l, &sopts, &st) || ring_memory_read(ctx, &rm, dev, l, st, &rings)) {
		fprintf(stderr, PROG ": %s: --nudge: %s\n", nu.slot, vlp_ctx_error(ctx));
		goto out;
	}
	nu.q = find_queue(rings, o->nudge_queue);
	if (!nu.q) {
		fprintf(stderr,
			PROG
			": %s: --nudge: no queue '%s' (%zu queues: an index, or a name such as %s)\n",
			nu.slot, o->nudge_queue, rings->nqueues,
			rings->nqueues ? rings->queues[0].name : "requestq");
		goto out;
	}
	/* 3.1.1: the device works on its queues only after DRIVER_OK. */
	if (!driver_ok(st, rings->legacy, &status)) {
		fprintf(stderr,
			PROG ": %s: --nudge: device_status 0x%02" PRIx64
			     " has no DRIVER_OK: the queues are not live (3.1.1)\n",
			nu.slot, status);
		goto out;
	}
	if (!nu.q->enabled) {
		fprintf(stderr, PROG ": %s: --nudge: queue %u %s: %s\n", nu.slot, nu.q->index,
			nu.q->name, nu.q->error);
		goto out;
	}
	counts_of(nu.q->ring, &nu.before);
	if (!nu.before.valid) {
		nu.no_ring = nu.q->error[0]    ? nu.q->error
			     : rings->error[0] ? rings->error
					       : "ring memory not readable";
		if (!o->force) {
			fprintf(stderr,
				PROG
				": %s: --nudge: the ring of queue %u %s cannot be read (%s): without it the result cannot be judged (--force writes the notification anyway)\n",
				nu.slot, nu.q->index, nu.q->name, nu.no_ring);
			goto out;
		}
	}
	/* 4.1.5.2 / 2.9: the next available position, for NOTIFICATION_DATA. */
	if (nu.before.valid)
		next = nu.q->params.format == VLP_RING_PACKED
			       ? (uint16_t)(nu.q->ring->next_avail |
					    (nu.q->ring->avail_wrap ? 0x8000u : 0))
			       : nu.q->ring->avail.idx;
	t0 = now_ms();
	if (vlp_queue_notify_next(ctx, dev, l, nu.q->index, nu.before.valid ? &next : NULL, &nu.notify)) {
		fprintf(stderr, PROG ": %s: --nudge: %s\n", nu.slot, vlp_ctx_error(ctx));
		goto out;
	}
	nu.written = !vlp_device_dry_run(dev);
	ret = EXIT_OK;
	if (nu.written && nu.before.valid) {
		if (poll_used(ctx, rm.mem, &nu.q->params, o->timeout_ms, t0, &nu)) {
			fprintf(stderr, PROG ": %s: --nudge: %s\n", nu.slot, vlp_ctx_error(ctx));
			ret = EXIT_RUNTIME;
			goto out;
		}
		nu.advanced = nu.after.valid && nu.after.used != nu.before.used;
	}
	nu.conclusion = vlp_nudge_judge(&nu.before, &nu.after, nu.q->role);
	if (j)
		json_report(j, &nu);
	else
		text_report(&nu, o);
out:
	if (o->stats)
		print_access_stats(stderr, dev);
	vlp_rings_free(rings);
	ring_memory_close(&rm);
	vlp_state_free(st);
	vlp_layout_free(l);
	return ret;
}

int nudge_main(struct vlp_ctx *ctx, const struct options *o)
{
	const struct cli_each face = { .json_key = "nudge", .one = nudge_one };

	return cli_each_device(ctx, o, &face);
}
