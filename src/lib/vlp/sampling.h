/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: the sampler: reads of the rings over time, judged queue by queue.  Part of <vlp.h>. */
#ifndef VLP_SAMPLING_H
#define VLP_SAMPLING_H

#include "base.h"
#include "devices.h"
#include "registers.h"
#include "linux.h"
#include "virtqueues.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The sampler (sampler.c): read, record, sample, judge                */
/* ------------------------------------------------------------------ */

/* One queue between two samples (vlp_queue_sample counters: modulo 2^16
 * split, 2 x size packed), per second. */
struct vlp_queue_rates {
	bool valid; /* the same ring format (and size), time passed */
	double avail_per_s, used_per_s;
	bool used_moved; /* split: used.idx moved; packed: the lists in flight changed */
	bool irq_valid;  /* the vector's Linux IRQ was counted both times */
	double irq_per_s;
};
/* Pure: no I/O (verdict.c). */
VLP_API void vlp_queue_rates(const struct vlp_queue_sample *before,
			     const struct vlp_queue_sample *after, struct vlp_queue_rates *out);

/* Whether a driver uses the legacy interface of a state's device: the
 * one answer to "legacy or modern?" for registers, queues, vectors and
 * rings.  Without VIRTIO_F_VERSION_1 among the driver's features a
 * transitional device is driven through the legacy interface, which cannot
 * offer bit 32 (6; 4.1.4.10); a device with one interface has that one. */
VLP_API bool vlp_legacy_interface_in_use(const struct vlp_state *s);

struct vlp_sample_opts {
	unsigned count;                    /* reads in all, the one already made included */
	unsigned interval_ms;              /* between the reads of a live device */
	const struct vlp_irq_roots *roots; /* where procfs and sysfs are; NULL: /proc, /sys */
	const char *one_read_why; /* a face's words for a verdict from one read; NULL: the library's */
};

/* A series of reads (--sample): the rings were just read with the state
 * (the first read, recorded here with *irqs); then count-1 more reads of
 * ring memory and of Linux's IRQ counts, interval_ms apart, and no BAR
 * access.  A snapshot holds one moment: it is decoded once (one read
 * recorded, no wait), and every verdict is not-sampled and says so.  Each queue is judged at the end
 * (vlp_rings_judge), also after a failed read.  *irqs becomes the last
 * read's (read again only when *irqs was given).  0, or the error of the
 * read that failed: *failed its number (1-based), 0 when it was not a
 * read of ring memory. */
VLP_API int vlp_rings_sample_series(struct vlp_ctx *ctx, const struct vlp_device *dev,
				    const struct vlp_state *state, struct vlp_rings *rings,
				    const struct vlp_sample_opts *opts, struct vlp_irqs **irqs,
				    unsigned *failed);
/* One step of a sliding series (the live view): records what every read
 * ring shows now (t seconds; irqs: Linux's counts now, NULL unknown),
 * keeps each queue's newest window samples (a ring not read, or read in
 * another format, starts over) and judges each queue over them; a
 * snapshot's steps repeat one moment and are judged not-sampled.  Rates
 * between the last two samples: vlp_queue_rates. */
VLP_API int vlp_rings_step(struct vlp_ctx *ctx, const struct vlp_device *dev,
			   const struct vlp_state *state, struct vlp_rings *rings,
			   const struct vlp_irqs *irqs, double t, unsigned window);
/* Carries the samples of before's queues over to the same queues of rings
 * (rings read again at the same addresses), where the ring was read in the
 * same format.  0 or -ENOMEM. */
VLP_API int vlp_rings_keep_samples(struct vlp_rings *rings, const struct vlp_rings *before);

#ifdef __cplusplus
}
#endif
#endif /* VLP_SAMPLING_H */
