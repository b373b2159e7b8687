/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rings of a device's queues: where each one lives (from the registers
 * the state reader read), which interface and format the driver uses, and
 * what the ring holds (ring.c), read from guest memory (guestmem.c).
 *
 * Nothing here touches the device: the registers come from the state, the
 * rings from memory.  So sampling (vlp_rings_sample) costs no BAR access.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A legacy driver cannot set bit 32: without VERSION_1 in the driver's
 * features a transitional device is driven through the legacy interface
 * (6: VIRTIO_F_VERSION_1; 4.1.4.10). */
bool vlp_legacy_interface_in_use(const struct vlp_state *s)
{
	if (!s->common.table)
		return s->legacy.table != NULL;
	if (!s->legacy.table)
		return false;
	return !(s->driver_features[VLP_F_VERSION_1 / 32].valid &&
		 (s->driver_features[VLP_F_VERSION_1 / 32].value >> (VLP_F_VERSION_1 % 32) & 1));
}

static bool row_value(const struct vlp_regs *regs, const struct vlp_field_table *t, unsigned row,
		      uint64_t *v)
{
	const struct vlp_field_value *fv = vlp_regs_row(regs, t, row);

	if (!fv || !fv->valid)
		return false;
	*v = fv->value;
	return true;
}

/* Where ring addresses are IOVAs rather than guest-physical: the device
 * negotiated VIRTIO_F_ACCESS_PLATFORM and sits in an IOMMU group whose
 * domain translates.  Without the feature "the device will always use
 * physical addresses matching addresses used by the driver" (6). */
bool vlp_rings_iova(const char *sys_root, const struct vlp_slot *slot, uint64_t negotiated,
		    char *why, size_t len)
{
	char group[64], type[32];

	if (!(negotiated >> VLP_F_ACCESS_PLATFORM & 1) ||
	    !vlp_iommu_translates(sys_root, slot, group, sizeof(group), type, sizeof(type)))
		return false;
	snprintf(why, len,
		 "VIRTIO_F_ACCESS_PLATFORM is negotiated and the device is in IOMMU group %s (type %s): ring addresses are IOVAs, not guest-physical",
		 group, type[0] ? type : "unknown");
	return true;
}

/* What the registers say of queue i: its ring parameters, or why there is
 * no ring to read. */
static void queue_params(struct vlp_queue_ring *q, const struct vlp_state *s, bool legacy, size_t i,
			 uint64_t negotiated)
{
	const struct vlp_queue_state *qs = legacy ? &s->legacy_queues[i] : &s->queues[i];
	uint64_t size = 0, enable = 0, pfn = 0, desc = 0, drv = 0, dev = 0, vec = 0;

	q->index = qs->index;
	q->legacy = legacy;
	q->params.negotiated = negotiated;
	q->params.format = vlp_ring_format_for(negotiated, legacy);
	if (legacy) {
		const struct vlp_field_table *t = vlp_legacy_header_table();

		q->enabled = row_value(&qs->regs, t, VLP_LEGACY_QUEUE_ADDRESS, &pfn) && pfn != 0;
		row_value(&qs->regs, t, VLP_LEGACY_QUEUE_SIZE, &size);
		q->vector_valid = row_value(&qs->regs, t, VLP_LEGACY_QUEUE_MSIX_VECTOR, &vec);
		q->params.pfn = (uint32_t)pfn;
	} else {
		const struct vlp_field_table *t = vlp_common_cfg_table();

		q->enabled = row_value(&qs->regs, t, VLP_COMMON_QUEUE_ENABLE, &enable) && enable == 1;
		row_value(&qs->regs, t, VLP_COMMON_QUEUE_SIZE, &size);
		q->vector_valid = row_value(&qs->regs, t, VLP_COMMON_QUEUE_MSIX_VECTOR, &vec);
		row_value(&qs->regs, t, VLP_COMMON_QUEUE_DESC, &desc);
		row_value(&qs->regs, t, VLP_COMMON_QUEUE_DRIVER, &drv);
		row_value(&qs->regs, t, VLP_COMMON_QUEUE_DEVICE, &dev);
		q->params.desc = desc;
		q->params.driver = drv;
		q->params.device = dev;
	}
	if (q->vector_valid)
		q->msix_vector = (uint16_t)vec;
	q->params.size = (unsigned)size;
	if (!q->enabled)
		snprintf(q->error, sizeof(q->error), "%s",
			 legacy ? "queue not set up (Queue Address 0)"
				: "queue not enabled (queue_enable 0)");
	else if (size == 0 || size > VLP_RING_SIZE_MAX)
		snprintf(q->error, sizeof(q->error),
			 "queue size %" PRIu64 " is not a ring size (1..%u)", size, VLP_RING_SIZE_MAX);
}

/* Ring memory read for a snapshot (--save): kept with the device's
 * recording. */
static void record_ring_bytes(void *arg, uint64_t pa, const void *bytes, size_t len)
{
	vlp_snapshot_add_mem(arg, pa, bytes, len);
}

/*
 * A ring's three areas read in one request where they lie close together
 * (QEMU's monitor: one pmemsave per queue instead of three; the areas of a
 * split ring a driver allocates are usually one block, 2.7.2).  The span
 * from the lowest area's start to the highest area's end, at most
 * VLP_GUESTMEM_WINDOW_MAX bytes and wholly RAM (the window checks both),
 * else the areas are read one by one as before.  Split: descriptor table
 * 16 x size, available ring 6 + 2 x size, used ring 6 + 8 x size (2.7);
 * packed: descriptor ring 16 x size and the two 4-byte event suppression
 * structures (2.8).  Legacy (one PFN) rings are left to the reader.
 */
static void ring_window(struct vlp_ctx *ctx, struct vlp_guestmem *mem, const struct vlp_ring_params *p)
{
	uint64_t start[3], end[3], lo = UINT64_MAX, hi = 0, size = p->size;
	bool packed = p->format == VLP_RING_PACKED;

	if (p->pfn || !size)
		return;
	start[0] = p->desc;
	end[0] = p->desc + 16 * size;
	start[1] = p->driver;
	end[1] = p->driver + (packed ? 4 : 6 + 2 * size);
	start[2] = p->device;
	end[2] = p->device + (packed ? 4 : 6 + 8 * size);
	for (unsigned i = 0; i < 3; i++) {
		if (end[i] < start[i]) /* wraps: left to the reads to refuse */
			return;
		lo = start[i] < lo ? start[i] : lo;
		hi = end[i] > hi ? end[i] : hi;
	}
	if (hi - lo <= VLP_GUESTMEM_WINDOW_MAX)
		vlp_guestmem_window(ctx, mem, lo, (size_t)(hi - lo));
}

static int read_one(struct vlp_ctx *ctx, struct vlp_guestmem *mem, struct vlp_queue_ring *q,
		    unsigned last_used, struct vlp_ring_budget *budget)
{
	int err;

	q->params.last_used = last_used;
	vlp_ring_free(q->ring);
	q->ring = NULL;
	ring_window(ctx, mem, &q->params);
	err = vlp_ring_read_budget(ctx, mem, &q->params, budget, &q->ring);
	vlp_guestmem_window(ctx, mem, 0, 0);
	if (err) {
		snprintf(q->error, sizeof(q->error), "%s", vlp_ctx_error(ctx));
		return err == -ENOMEM ? err : 0;
	}
	return 0;
}

/* Bytes as people read them: "64.0 MiB", "241.3 KiB", "900 bytes". */
static void human(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= 1u << 20)
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1u << 20));
	else if (bytes >= 1u << 10)
		snprintf(buf, len, "%.1f KiB", (double)bytes / (1u << 10));
	else
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
}

/* incomplete: which budget ran out, at which queue, what is left out. */
static void say_budget_spent(struct vlp_rings *r, const struct vlp_queue_ring *q, size_t after)
{
	const struct vlp_ring_budget *b = r->budget;
	char limit[32], input[32];

	human(limit, sizeof(limit), b->limit);
	human(input, sizeof(input), b->input);
	snprintf(r->incomplete, sizeof(r->incomplete),
		 "the run's ring decoding budget of %s (%u MiB + %u x the %s of ring memory recorded) ran out at queue %u (%s): its ring is decoded in part%s",
		 limit, VLP_RING_BUDGET_FIXED >> 20, VLP_RING_BUDGET_PER_BYTE, input, q->index,
		 q->name, after ? ", the queues after it not at all" : "");
}

/* The ring memory a snapshot recorded, in bytes (the input the budget
 * grows with). */
static uint64_t recorded_bytes(const struct vlp_guestmem *mem)
{
	uint64_t total = 0, pa, len;

	for (size_t i = 0; vlp_guestmem_range_at(mem, i, &pa, &len) == 0; i++)
		total += len;
	return total;
}

int vlp_read_rings(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *layout,
		   const struct vlp_state *state, const struct vlp_rings_opts *opts,
		   struct vlp_rings **out)
{
	uint32_t words[VLP_FEATURE_WORDS];
	struct vlp_rings *r = calloc(1, sizeof(*r));
	struct vlp_guestmem *mem = opts ? opts->mem : NULL;
	unsigned type =
		layout->virtio.device_type.valid ? (unsigned)layout->virtio.device_type.value : 0;
	uint64_t negotiated, num_queues = 0;
	unsigned keep;
	size_t n;
	bool legacy;

	*out = NULL;
	if (!r)
		return vlp_error(ctx, ENOMEM, "out of memory");
	legacy = vlp_legacy_interface_in_use(state);
	if (legacy) {
		/* The legacy interface has one word of 32 bits: guest_features. */
		uint64_t g = 0;

		row_value(&state->legacy, vlp_legacy_header_table(), VLP_LEGACY_GUEST_FEATURES, &g);
		memset(words, 0, sizeof(words));
		words[0] = (uint32_t)g;
		n = state->nlegacy_queues;
	} else {
		vlp_state_negotiated(state, words);
		n = state->nqueues;
		row_value(&state->common, vlp_common_cfg_table(), VLP_COMMON_NUM_QUEUES, &num_queues);
	}
	negotiated = (uint64_t)words[1] << 32 | words[0];
	r->legacy = legacy;
	r->queues = calloc(n ? n : 1, sizeof(*r->queues));
	if (!r->queues) {
		free(r);
		return vlp_error(ctx, ENOMEM, "out of memory");
	}
	r->nqueues = n;
	for (size_t i = 0; i < n; i++) {
		struct vlp_queue_ring *q = &r->queues[i];

		queue_params(q, state, legacy, i, negotiated);
		vlp_queue_name(type, q->index, (unsigned)(num_queues ? num_queues : n), words,
			       q->name, sizeof(q->name), &q->role);
	}
	/* Why no ring can be read at all, said once for the device. */
	if (vlp_device_origin(dev) == VLP_ORIGIN_SNAPSHOT ||
	    (vlp_device_origin(dev) == VLP_ORIGIN_HOST && dev->snapshot)) {
		mem = vlp_snapshot_guestmem(dev);
		if (!mem)
			snprintf(r->error, sizeof(r->error), "the snapshot holds no ring memory");
	} else if (vlp_device_origin(dev) == VLP_ORIGIN_HOST) {
		/* a VM's RAM through its monitor, opened once per device */
		if (!dev->host_mem && vlp_guestmem_open_monitor(ctx, dev->monitor, &dev->host_mem))
			snprintf(r->error, sizeof(r->error), "%s", vlp_ctx_error(ctx));
		mem = dev->host_mem;
	} else if (vlp_device_origin(dev) != VLP_ORIGIN_LIVE) {
		snprintf(r->error, sizeof(r->error), "a dump holds config space only");
		mem = NULL;
	} else if (!mem) {
		snprintf(r->error, sizeof(r->error), "%s",
			 opts && opts->mem_error ? opts->mem_error : "no guest memory access");
	} else if (vlp_rings_iova(opts ? opts->sys_root : NULL, vlp_device_slot(dev), negotiated,
				  r->error, sizeof(r->error))) {
		mem = NULL;
	}
	r->source = mem ? vlp_guestmem_kind(mem) : NULL;
	r->mem = mem;
	r->budget = opts && opts->budget ? opts->budget : &r->own_budget;
	if (!r->budget->limit)
		r->budget->limit = VLP_RING_BUDGET_FIXED;
	if (mem && (vlp_device_origin(dev) == VLP_ORIGIN_SNAPSHOT || dev->snapshot)) {
		uint64_t in = recorded_bytes(mem);

		r->budget->input += in;
		r->budget->limit += VLP_RING_BUDGET_PER_BYTE * in;
	}
	if (mem && dev->recording)
		vlp_guestmem_set_record(mem, record_ring_bytes, dev->recording);
	keep = opts && opts->last_used ? opts->last_used : 0;
	for (size_t i = 0, stopped_at = n; mem && i < n; i++) {
		struct vlp_queue_ring *q = &r->queues[i];

		if (q->error[0])
			continue;
		/* After the budget ran out or memory did, nothing more is
		 * decoded: each queue says why. */
		if (stopped_at < n) {
			snprintf(q->error, sizeof(q->error), "not decoded: %s at queue %u",
				 r->budget->exhausted ? "the ring budget ran out" : "memory ran out",
				 r->queues[stopped_at].index);
			if (r->budget->exhausted)
				say_budget_spent(r, &r->queues[stopped_at], 1);
			continue;
		}
		if (read_one(ctx, mem, q, keep, r->budget) == -ENOMEM) {
			snprintf(q->error, sizeof(q->error), "out of memory decoding its ring");
			snprintf(r->incomplete, sizeof(r->incomplete),
				 "out of memory decoding the ring of queue %u (%s): the queues after it are not decoded",
				 q->index, q->name);
			stopped_at = i;
		} else if (r->budget->exhausted) {
			say_budget_spent(r, q, 0);
			stopped_at = i;
		}
	}
	if (mem)
		vlp_guestmem_set_record(mem, NULL, NULL);
	r->last_used = opts ? opts->last_used : 0;
	*out = r;
	return 0;
}

/* Keeps the newest keep used entries of a ring read with more. */
static void trim_used(struct vlp_ring *ring, unsigned keep)
{
	size_t drop;

	if (ring->used.nlast <= keep)
		return;
	drop = ring->used.nlast - keep;
	memmove(ring->used.last, ring->used.last + drop, keep * sizeof(*ring->used.last));
	ring->used.nlast = keep;
}

int vlp_rings_sample(struct vlp_ctx *ctx, struct vlp_rings *r)
{
	unsigned keep = r->last_used ? r->last_used : VLP_RING_LAST_USED;

	if (!r->mem)
		return vlp_error(ctx, ENODATA, "%s", r->error[0] ? r->error : "no ring memory");
	for (size_t i = 0; i < r->nqueues; i++) {
		struct vlp_queue_ring *q = &r->queues[i];
		struct vlp_ring *before = q->ring;
		int err;

		if (!q->enabled || !before)
			continue;
		/* Every used entry since the last read, for used.len (2.7.8.2):
		 * the before ring is judged against them, then freed.  The new
		 * read takes the place of before in the budget. */
		q->ring = NULL;
		q->params.last_used = q->params.size;
		r->budget->spent -= before->budget_spent < r->budget->spent ? before->budget_spent
									    : r->budget->spent;
		r->budget->exhausted = false;
		ring_window(ctx, r->mem, &q->params);
		err = vlp_ring_read_budget(ctx, r->mem, &q->params, r->budget, &q->ring);
		vlp_guestmem_window(ctx, r->mem, 0, 0);
		if (err) {
			q->ring = before;
			q->params.last_used = r->last_used;
			return err;
		}
		if (q->ring->incomplete) {
			say_budget_spent(r, q, 0);
			vlp_ring_free(before);
			q->params.last_used = r->last_used;
			return vlp_error(ctx, ENOBUFS, "%s", r->incomplete);
		}
		/* Chains judged: those published before the read ahead of
		 * before (none at the first sample). */
		err = vlp_ring_used_len_check(before,
					      q->settled_valid ? q->settled_avail : before->used.idx,
					      q->ring, &q->sample_findings, &q->nsample_findings);
		if (before->format != VLP_RING_PACKED) {
			q->settled_avail = before->avail.idx;
			q->settled_valid = true;
		}
		vlp_ring_free(before);
		trim_used(q->ring, keep);
		q->params.last_used = r->last_used;
		if (err)
			return vlp_error(ctx, ENOMEM, "out of memory");
	}
	return 0;
}

const struct vlp_queue_ring *vlp_rings_queue(const struct vlp_rings *r, bool legacy, unsigned index)
{
	if (!r || r->legacy != legacy)
		return NULL;
	for (size_t i = 0; i < r->nqueues; i++)
		if (r->queues[i].index == index)
			return &r->queues[i];
	return NULL;
}

void vlp_rings_free(struct vlp_rings *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nqueues; i++) {
		vlp_ring_free(r->queues[i].ring);
		free(r->queues[i].samples);
		free(r->queues[i].host_samples);
		free(r->queues[i].sample_findings);
	}
	free(r->queues);
	free(r);
}
