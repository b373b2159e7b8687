/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sampler: read, record, sample, judge.  The rings were read once with
 * the registers (rings.c); each sample reads ring memory again and Linux's
 * IRQ counts (irq.c), never a BAR; each queue's series of samples is
 * judged by the pure verdict (verdict.c).  --sample runs a fixed series
 * (vlp_rings_sample_series), the live view a sliding one, a step per
 * refresh (vlp_rings_step): the same recording and the same verdict input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/monitor.h"
#include "internal.h"

/* Linux's count of the IRQ serving a queue's vector. */
static bool irq_count(const struct vlp_queue_ring *q, const struct vlp_irqs *irqs, uint64_t *count)
{
	const struct vlp_irq *irq;

	/* 4.1.4.3: VIRTIO_MSI_NO_VECTOR has no MSI-X entry, hence no IRQ. */
	if (!irqs || !q->vector_valid || q->msix_vector == VLP_NO_VECTOR)
		return false;
	irq = vlp_irqs_find_entry(irqs, q->msix_vector);
	if (!irq || !irq->counted)
		return false;
	*count = irq->count;
	return true;
}

int vlp_rings_record(struct vlp_ctx *ctx, struct vlp_rings *r, const struct vlp_irqs *irqs, double t)
{
	for (size_t i = 0; i < r->nqueues; i++) {
		struct vlp_queue_ring *q = &r->queues[i];
		struct vlp_queue_sample *grown, *s;

		if (!q->ring)
			continue;
		grown = realloc(q->samples, (q->nsamples + 1) * sizeof(*q->samples));
		if (!grown)
			return vlp_error(ctx, ENOMEM, "out of memory");
		q->samples = grown;
		s = &grown[q->nsamples++];
		vlp_queue_sample_from_ring(q->ring, s);
		s->t = t;
		s->irq_known = irq_count(q, irqs, &s->irq_count);
	}
	r->nsamples++;
	return 0;
}

/* The verdict's input for a queue: built here only. */
/* device_status, as the state read it, has DEVICE_NEEDS_RESET (2.1.2). */
static bool state_needs_reset(const struct vlp_state *state)
{
	return state && state->common.values && state->common.values[VLP_COMMON_DEVICE_STATUS].valid &&
	       (state->common.values[VLP_COMMON_DEVICE_STATUS].value &
		VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET));
}

/* A host device: QEMU's indices beside each read of the ring refine the
 * verdict (hostverdict.c). */
static void judge_host(const struct vlp_queue_ring *cq, const struct vlp_state *state)
{
	struct vlp_queue_ring *q = (struct vlp_queue_ring *)cq;
	const struct vlp_host_view *h = vlp_state_host(state);
	struct vlp_host_verdict_input in = {
		.samples = q->samples,
		.host = q->host_samples,
		.nsamples = q->nsamples,
		.role = q->role,
	};

	if (!h || !q->host_samples || q->nhost_samples != q->nsamples)
		return;
	in.broken = h->broken;
	in.vhost = h->vhost_started;
	in.needs_reset = state_needs_reset(state);
	vlp_host_verdict_judge(&in, &q->verdict);
}

/* A host device: QEMU's view of every queue with a ring at the read just
 * recorded.  from_state: the state's own, read before the rings were (the
 * first read of a series, every step of the live view, which reads the
 * state again each time); otherwise one x-query-virtio-queue-status per
 * queue, asked after the ring read.  A queue QEMU does not answer for is
 * left not valid, as are reads that came before a ring had its series. */
static int record_host(struct vlp_ctx *ctx, const struct vlp_device *dev,
		       const struct vlp_state *state, struct vlp_rings *rings, bool from_state)
{
	const struct vlp_host_view *h = vlp_state_host(state);

	if (!h)
		return 0;
	for (size_t i = 0; i < rings->nqueues; i++) {
		struct vlp_queue_ring *q = &rings->queues[i];
		struct vlp_host_queue *grown, *hs;

		if (!q->nsamples)
			continue;
		grown = realloc(q->host_samples, q->nsamples * sizeof(*q->host_samples));
		if (!grown)
			return vlp_error(ctx, ENOMEM, "out of memory");
		q->host_samples = grown;
		if (q->nhost_samples < q->nsamples)
			memset(grown + q->nhost_samples, 0,
			       (q->nsamples - q->nhost_samples) * sizeof(*grown));
		q->nhost_samples = q->nsamples;
		hs = &grown[q->nsamples - 1];
		memset(hs, 0, sizeof(*hs));
		if (from_state) {
			for (size_t k = 0; k < h->nqueues; k++)
				if (h->queues[k].index == q->index)
					*hs = h->queues[k];
			hs->after_ring = false;
		} else if (vlp_host_queue_status(ctx, dev, q->index, h->vhost_started, hs)) {
			hs->valid = false;
		} else {
			hs->after_ring = true;
		}
	}
	return 0;
}

/* A host device read live (not a snapshot's recorded replies), or a live
 * device: its reads are moments apart. */
static bool read_live(const struct vlp_device *dev)
{
	return vlp_device_origin(dev) == VLP_ORIGIN_LIVE ||
	       (vlp_device_origin(dev) == VLP_ORIGIN_HOST && dev->monitor &&
		strcmp(vlp_monitor_kind(dev->monitor), "recorded"));
}

void vlp_rings_judge(struct vlp_rings *r, const struct vlp_state *state, const char *unsampled_why)
{
	for (size_t i = 0; i < r->nqueues; i++) {
		struct vlp_queue_ring *q = &r->queues[i];
		struct vlp_verdict_input in = {
			.samples = q->samples,
			.nsamples = q->nsamples,
			.role = q->role,
			/* 4.1.4.3: NO_VECTOR maps the queue to no MSI-X entry. */
			.vector_valid = q->vector_valid && q->msix_vector != VLP_NO_VECTOR,
			.vector = q->msix_vector,
			.unsampled_why = unsampled_why,
			.needs_reset = state_needs_reset(state),
		};

		if (in.vector_valid && state && q->msix_vector < state->nmsix) {
			const struct vlp_msix_entry *e = &state->msix[q->msix_vector];

			in.masked_valid = e->control.valid;
			in.masked = e->control.value & VLP_MSIX_VECTOR_MASKED;
			in.pending_valid = e->pending_valid;
			in.pending = e->pending;
		}
		vlp_verdict_judge(&in, &q->verdict);
		judge_host(q, state);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int vlp_rings_sample_series(struct vlp_ctx *ctx, const struct vlp_device *dev,
			    const struct vlp_state *state, struct vlp_rings *rings,
			    const struct vlp_sample_opts *opts, struct vlp_irqs **irqs,
			    unsigned *failed)
{
	/* a host device is a live VM read through its monitor, unless its
	 * monitor is a snapshot's recorded replies */
	bool live = read_live(dev);
	unsigned count = opts ? opts->count : 1;
	/* A snapshot is one moment of ring memory: decoded once, no wait. */
	unsigned reads = live ? count : 1;
	char why[160];
	const char *unsampled = NULL;
	double t0 = now_s();
	int err;

	*failed = 0;
	err = vlp_rings_record(ctx, rings, *irqs, 0);
	if (!err)
		err = record_host(ctx, dev, state, rings, true);
	for (unsigned k = 1; !err && rings->mem && k < reads; k++) {
		struct vlp_irqs *next = NULL;

		if (live)
			sleep_ms(opts->interval_ms);
		err = vlp_rings_sample(ctx, rings);
		if (err) {
			*failed = k + 1;
			break;
		}
		if (live && *irqs && vlp_irqs_read(ctx, vlp_device_slot(dev), opts->roots, &next) == 0) {
			vlp_irqs_free(*irqs);
			*irqs = next;
		}
		err = vlp_rings_record(ctx, rings, live ? *irqs : NULL, now_s() - t0);
		if (!err)
			err = record_host(ctx, dev, state, rings, false);
	}
	if (count > 1 && !live) {
		snprintf(why, sizeof(why),
			 "a snapshot is one moment of ring memory: decoded once, not sampled (%u reads asked)",
			 count);
		unsampled = why;
	} else if (count <= 1 && opts) {
		unsampled = opts->one_read_why;
	}
	vlp_rings_judge(rings, state, unsampled);
	return err;
}

int vlp_rings_step(struct vlp_ctx *ctx, const struct vlp_device *dev, const struct vlp_state *state,
		   struct vlp_rings *rings, const struct vlp_irqs *irqs, double t, unsigned window)
{
	int err;

	for (size_t i = 0; i < rings->nqueues; i++) {
		struct vlp_queue_ring *q = &rings->queues[i];

		/* A series is of one ring, read at every step. */
		if (!q->ring || (q->nsamples && q->samples[q->nsamples - 1].packed !=
							(q->ring->format == VLP_RING_PACKED)))
			q->nsamples = q->nhost_samples = 0;
	}
	err = vlp_rings_record(ctx, rings, irqs, t);
	/* A host device: QEMU's indices of this step are the state's, read
	 * again before the rings (no round trip of their own). */
	if (!err)
		err = record_host(ctx, dev, state, rings, true);
	if (err)
		return err;
	for (size_t i = 0; window && i < rings->nqueues; i++) {
		struct vlp_queue_ring *q = &rings->queues[i];
		size_t drop = q->nsamples > window ? q->nsamples - window : 0;

		if (!drop)
			continue;
		memmove(q->samples, q->samples + drop, window * sizeof(*q->samples));
		q->nsamples = window;
		if (q->host_samples && q->nhost_samples > drop) {
			memmove(q->host_samples, q->host_samples + drop,
				(q->nhost_samples - drop) * sizeof(*q->host_samples));
			q->nhost_samples -= drop;
		} else {
			q->nhost_samples = 0;
		}
	}
	/* A snapshot's steps read the same moment again. */
	vlp_rings_judge(rings, state,
			read_live(dev) ? NULL : "a snapshot holds one read of ring memory");
	return 0;
}

int vlp_rings_keep_samples(struct vlp_rings *rings, const struct vlp_rings *before)
{
	for (size_t i = 0; before && i < rings->nqueues; i++) {
		struct vlp_queue_ring *q = &rings->queues[i];
		const struct vlp_queue_ring *b = NULL;
		struct vlp_queue_sample *copy;

		for (size_t j = 0; j < before->nqueues && !b; j++)
			if (before->queues[j].index == q->index && before->queues[j].legacy == q->legacy)
				b = &before->queues[j];
		if (!b || !b->nsamples || !q->ring ||
		    b->samples[b->nsamples - 1].packed != (q->ring->format == VLP_RING_PACKED))
			continue;
		copy = malloc(b->nsamples * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, b->samples, b->nsamples * sizeof(*copy));
		free(q->samples);
		q->samples = copy;
		q->nsamples = b->nsamples;
		/* QEMU's indices beside them (a host device) */
		free(q->host_samples);
		q->host_samples = NULL;
		q->nhost_samples = 0;
		if (b->host_samples && b->nhost_samples) {
			q->host_samples = malloc(b->nhost_samples * sizeof(*q->host_samples));
			if (!q->host_samples)
				return -ENOMEM;
			memcpy(q->host_samples, b->host_samples,
			       b->nhost_samples * sizeof(*q->host_samples));
			q->nhost_samples = b->nhost_samples;
		}
	}
	return 0;
}
