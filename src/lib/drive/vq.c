/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One virtqueue driven from user space (vlp_vq): the rings in DMA memory
 * (dma.c), the buffers posted into them and the used entries the device
 * returns; memory only, testable on plain memory.  A device's queues set
 * up through its common configuration are vqs.c's.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The ring structures are laid out by the ring field tables (ringfields.c):
 * a field's offset and width are its row's, reached by the row's enum; a
 * structure's size is its table's.  The flags are vlp.h's VLP_*_F_*. */

/* Where a row of the structure at base lies. */
static uint8_t *at(uint8_t *base, const struct vlp_field_table *t, unsigned row)
{
	return base + t->fields[row].offset;
}

/* Entry i of a row that is an array of Queue Size entries (avail and used
 * rings, 2.7.6, 2.7.8). */
static uint8_t *entry(uint8_t *base, const struct vlp_field_table *t, unsigned row, unsigned i)
{
	return at(base, t, row) + (size_t)t->fields[row].width * i;
}

/* Ring fields are little-endian (2.7, 2.8 with VERSION_1). */
static void put_le(uint8_t *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/* A row of the structure at base, written in its width. */
static void put(uint8_t *base, const struct vlp_field_table *t, unsigned row, uint64_t v)
{
	vlp_field_write_mem(&t->fields[row], base, v);
}

/* A row of the structure at base, read. */
static uint64_t get(const uint8_t *base, const struct vlp_field_table *t, unsigned row)
{
	return vlp_field_read_mem(&t->fields[row], base);
}

struct vq_buf {
	struct vlp_dma *mem; /* VLP_VQ_BUF_MAX bytes, kept for the next post */
	uint32_t len;
	bool writable;
	bool in_flight;
	bool has_next; /* chained (vlp_vq_post_chain): next is the following descriptor */
	uint16_t next;
	uint16_t ring_n; /* packed: ring slots the buffer took (a chain: one each, 2.8.6) */
	/* an indirect table (vlp_vq_post_indirect): its buffers inside mem */
	unsigned nind;
	uint16_t ind_off[VLP_VQ_CHAIN_MAX], ind_len[VLP_VQ_CHAIN_MAX];
	bool ind_writable[VLP_VQ_CHAIN_MAX];
};

/* A packed list's first flags, held back until released (vlp_vq_hold). */
struct vlp_vq_pending {
	uint16_t slot, flags;
};

struct vlp_vq {
	struct vlp_vq_info info;
	struct vlp_dma *ring;
	struct vq_buf *bufs; /* info.size */
	enum vlp_dma_kind kind;
	uint64_t plain_next; /* made-up addresses of plain buffers */
	/* packed (2.8.1): wrap counters and positions */
	uint16_t next_avail, next_used;
	bool avail_wrap, used_wrap;
	unsigned ring_busy; /* packed: ring slots of the buffers in flight */
	bool event_idx;     /* VIRTIO_F_EVENT_IDX negotiated */
	/* avail.idx (split) or the lists' first flags (packed) not written
	 * until released (vlp_vq_hold) */
	bool held;
	struct vlp_vq_pending *pending; /* packed, held: in the order posted */
	unsigned npending;
};

int vlp_vq_layout(struct vlp_ctx *ctx, unsigned size, enum vlp_ring_format format,
		  struct vlp_vq_layout *out)
{
	memset(out, 0, sizeof(*out));
	if (format == VLP_RING_LEGACY_SPLIT)
		return vlp_error(
			ctx, EOPNOTSUPP,
			"queue setup: the legacy interface is not supported (modern only, 4.1.4.3)");
	if (size == 0 || size > VLP_VQ_SIZE_MAX)
		return vlp_error(ctx, EINVAL, "queue size %u: give 1 to %u", size, VLP_VQ_SIZE_MAX);
	/* 2.7: a split ring's Queue Size is a power of 2 (2.8: any for packed). */
	if (format == VLP_RING_SPLIT && (size & (size - 1)))
		return vlp_error(ctx, EINVAL,
				 "queue size %u: a split ring's size is a power of 2 (2.7)", size);
	out->size = size;
	out->format = format;
	/* Each area at a page boundary: one of 4 KiB or less is then
	 * physically contiguous on locked pages too; the alignments of 2.7
	 * (16, 2, 4) and 2.8.10 (16, 4, 4) follow. */
	if (format == VLP_RING_SPLIT) {
		const struct vlp_field_table *avail = vlp_avail_table(), *used = vlp_used_table();

		out->desc_len = vlp_split_desc_table()->size * size;
		/* flags, idx, used_event (the table's size) and ring[] (2.7.6) */
		out->driver_len = avail->size + avail->fields[VLP_AVAIL_RING].width * size;
		/* flags, idx, avail_event and ring[] (2.7.8) */
		out->device_len = used->size + used->fields[VLP_USED_RING].width * size;
	} else {
		out->desc_len = vlp_packed_desc_table()->size * size;
		/* struct pvirtq_event_suppress each (2.8.10) */
		out->driver_len = vlp_event_suppress_table()->size;
		out->device_len = vlp_event_suppress_table()->size;
	}
	out->desc_off = 0;
	out->driver_off = (out->desc_len + VLP_VQ_PAGE - 1) / VLP_VQ_PAGE * VLP_VQ_PAGE;
	out->device_off =
		out->driver_off + (out->driver_len + VLP_VQ_PAGE - 1) / VLP_VQ_PAGE * VLP_VQ_PAGE;
	out->total = out->device_off + (out->device_len + VLP_VQ_PAGE - 1) / VLP_VQ_PAGE * VLP_VQ_PAGE;
	return 0;
}

static int area_pa(struct vlp_ctx *ctx, struct vlp_vq *vq, size_t off, size_t len, uint64_t *pa,
		   const char *what)
{
	if (vlp_dma_pa(ctx, vq->ring, off, len, pa))
		return vlp_error(ctx, ENOSPC, "queue size %u: the %s (%zu bytes) %s", vq->info.size,
				 what, len,
				 strstr(vlp_ctx_error(ctx), "not physically contiguous")
					 ? "is not physically contiguous (no free huge page): give a smaller size (256 fits in a page)"
					 : vlp_ctx_error(ctx));
	return 0;
}

/* used_event, after the avail ring (2.7.6; split rings with EVENT_IDX). */
static uint8_t *used_event(struct vlp_vq *vq)
{
	const struct vlp_field_table *t = vlp_avail_table();

	return vlp_vq_area(vq, VLP_VQ_DRIVER) +
	       vlp_ring_field_offset(t, &t->fields[VLP_AVAIL_USED_EVENT], vq->info.size);
}

int vlp_vq_new(struct vlp_ctx *ctx, unsigned size, enum vlp_ring_format format, uint64_t features,
	       enum vlp_dma_kind kind, uint64_t plain_base, struct vlp_vq **out)
{
	struct vlp_vq *vq;
	int err;

	*out = NULL;
	vq = calloc(1, sizeof(*vq));
	if (!vq)
		return vlp_error(ctx, ENOMEM, "out of memory");
	err = vlp_vq_layout(ctx, size, format, &vq->info.layout);
	if (err)
		goto fail;
	vq->bufs = calloc(size, sizeof(*vq->bufs));
	if (!vq->bufs) {
		err = vlp_error(ctx, ENOMEM, "out of memory");
		goto fail;
	}
	vq->kind = kind == VLP_DMA_PLAIN ? VLP_DMA_PLAIN : VLP_DMA_LOCKED;
	vq->plain_next = plain_base + vq->info.layout.total;
	err = vlp_dma_alloc(ctx, vq->info.layout.total, vq->kind, plain_base, &vq->ring);
	if (err)
		goto fail;
	vq->info.size = size;
	vq->info.format = format;
	vq->info.kind = vlp_dma_kind(vq->ring);
	err = area_pa(ctx, vq, vq->info.layout.desc_off, vq->info.layout.desc_len,
		      &vq->info.desc_pa, "descriptor area");
	if (!err)
		err = area_pa(ctx, vq, vq->info.layout.driver_off, vq->info.layout.driver_len,
			      &vq->info.driver_pa, "driver area");
	if (!err)
		err = area_pa(ctx, vq, vq->info.layout.device_off, vq->info.layout.device_len,
			      &vq->info.device_pa, "device area");
	if (err)
		goto fail;
	/* No interrupts are wanted: the used ring is polled (2.7.7, 2.8.10).
	 * With VIRTIO_F_EVENT_IDX avail.flags must stay 0 (2.7.7.1): used_event
	 * is kept half the index space ahead instead (vlp_vq_reap). */
	vq->event_idx = features >> VLP_F_EVENT_IDX & 1;
	if (format == VLP_RING_SPLIT && vq->event_idx)
		put_le(used_event(vq), vlp_avail_table()->fields[VLP_AVAIL_USED_EVENT].width,
		       VLP_VQ_USED_EVENT_AHEAD);
	else if (format == VLP_RING_SPLIT)
		put(vlp_vq_area(vq, VLP_VQ_DRIVER), vlp_avail_table(), VLP_AVAIL_FLAGS,
		    VLP_AVAIL_F_NO_INTERRUPT);
	else
		put(vlp_vq_area(vq, VLP_VQ_DRIVER), vlp_event_suppress_table(), VLP_EVENT_FLAGS,
		    VLP_EVENT_F_DISABLE);
	vq->avail_wrap = vq->used_wrap = true; /* 2.8.1: both start at 1 */
	*out = vq;
	return 0;
fail:
	vlp_vq_free(vq);
	return err;
}

uint8_t *vlp_vq_area(struct vlp_vq *vq, enum vlp_vq_area a)
{
	uint8_t *base = vlp_dma_ptr(vq->ring);

	switch (a) {
	case VLP_VQ_DESC:
		return base + vq->info.layout.desc_off;
	case VLP_VQ_DRIVER:
		return base + vq->info.layout.driver_off;
	case VLP_VQ_DEVICE:
		return base + vq->info.layout.device_off;
	}
	return base;
}

const struct vlp_vq_info *vlp_vq_info(const struct vlp_vq *vq)
{
	return &vq->info;
}

/* A field the device writes: one 16-bit load (never torn), acquire, so
 * what the device wrote before it is seen too (2.7.13, 2.8.21). */
static uint16_t load16(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_ACQUIRE));
}

/* A field that makes a buffer available: one 16-bit store with release,
 * so the device sees the descriptor before it (2.7.13.3, 2.8.21). */
static void store16_release(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, htole16(v), __ATOMIC_RELEASE);
}

/* 2.7.13.3: avail.idx makes a split ring's chains available to the
 * device; while held, only the driver's copy moves. */
static void split_publish(struct vlp_vq *vq, uint16_t idx)
{
	vq->info.avail_idx = idx;
	if (!vq->held)
		store16_release(at(vlp_vq_area(vq, VLP_VQ_DRIVER), vlp_avail_table(), VLP_AVAIL_IDX),
				idx);
}

/* 2.8.21: a packed list is available once its first descriptor's flags
 * are written, after the rest of the list; while held they wait. */
static void packed_publish(struct vlp_vq *vq, uint16_t slot, uint16_t flags)
{
	const struct vlp_field_table *dt = vlp_packed_desc_table();

	if (vq->held) {
		vq->pending[vq->npending++] = (struct vlp_vq_pending){ slot, flags };
		return;
	}
	store16_release(at(vlp_vq_area(vq, VLP_VQ_DESC) + dt->size * slot, dt, VLP_PDESC_FLAGS), flags);
}

int vlp_vq_hold(struct vlp_ctx *ctx, struct vlp_vq *vq, bool hold)
{
	if (vq->info.format == VLP_RING_SPLIT) {
		vq->held = hold;
		if (!hold)
			split_publish(vq, vq->info.avail_idx);
		return 0;
	}
	/* At most one list per slot is posted while held. */
	if (hold && !vq->pending && !(vq->pending = calloc(vq->info.size, sizeof(*vq->pending))))
		return vlp_error(ctx, ENOMEM, "hold: out of memory");
	vq->held = hold;
	for (unsigned i = 0; !hold && i < vq->npending; i++)
		packed_publish(vq, vq->pending[i].slot, vq->pending[i].flags);
	if (!hold)
		vq->npending = 0;
	return 0;
}

int vlp_vq_held_flags(const struct vlp_vq *vq, unsigned slot, uint16_t *flags)
{
	for (unsigned i = 0; i < vq->npending; i++)
		if (vq->pending[i].slot == slot) {
			*flags = vq->pending[i].flags;
			return 0;
		}
	return -ENOENT;
}

/* One descriptor in the next slot of a packed ring, the buffer flags given
 * (WRITE, INDIRECT): 2.8.21, addr, len and id first; the flags (AVAIL = the
 * wrap counter, USED = its inverse, 2.8.1) last, after a barrier. */
static void packed_one(struct vlp_vq *vq, uint64_t pa, uint32_t len, unsigned id, uint16_t flags)
{
	const struct vlp_field_table *dt = vlp_packed_desc_table();
	uint8_t *d = vlp_vq_area(vq, VLP_VQ_DESC) + dt->size * vq->next_avail;

	put(d, dt, VLP_PDESC_ADDR, pa);
	put(d, dt, VLP_PDESC_LEN, len);
	put(d, dt, VLP_PDESC_ID, id);
	flags |= vq->avail_wrap ? VLP_DESC_F_AVAIL : VLP_DESC_F_USED;
	packed_publish(vq, vq->next_avail, flags);
	if (++vq->next_avail == vq->info.size) {
		vq->next_avail = 0;
		vq->avail_wrap = !vq->avail_wrap;
	}
	vq->info.avail_idx++;
	vq->ring_busy++;
}

int vlp_vq_post(struct vlp_ctx *ctx, struct vlp_vq *vq, bool device_writable, const void *data,
		size_t data_len, size_t len, unsigned *id_out)
{
	struct vq_buf *b = NULL;
	unsigned id;
	uint64_t pa;
	uint8_t *d;
	int err;

	if (len == 0 || len > VLP_VQ_BUF_MAX)
		return vlp_error(ctx, EINVAL, "post: length %zu: give 1 to %u", len, VLP_VQ_BUF_MAX);
	if (data_len > len)
		return vlp_error(ctx, EINVAL, "post: %zu data bytes do not fit a %zu-byte buffer",
				 data_len, len);
	for (id = 0; id < vq->info.size; id++)
		if (!vq->bufs[id].in_flight) {
			b = &vq->bufs[id];
			break;
		}
	if (!b || vq->ring_busy >= vq->info.size)
		return vlp_error(ctx, ENOSPC, "post: all %u descriptors are in flight (poll first)",
				 vq->info.size);
	if (!b->mem) {
		err = vlp_dma_alloc(ctx, VLP_VQ_BUF_MAX, vq->kind, vq->plain_next, &b->mem);
		if (err)
			return err;
		vq->plain_next += VLP_VQ_BUF_MAX;
	}
	err = vlp_dma_pa(ctx, b->mem, 0, len, &pa);
	if (err)
		return err;
	memset(vlp_dma_ptr(b->mem), 0, VLP_VQ_BUF_MAX);
	if (data_len)
		memcpy(vlp_dma_ptr(b->mem), data, data_len);
	b->len = (uint32_t)len;
	b->writable = device_writable;
	b->in_flight = true;
	b->has_next = false;
	b->nind = 0;
	b->ring_n = 1;
	if (vq->info.format == VLP_RING_SPLIT) {
		const struct vlp_field_table *dt = vlp_split_desc_table(), *avt = vlp_avail_table();
		uint8_t *avail = vlp_vq_area(vq, VLP_VQ_DRIVER);
		uint16_t idx = vq->info.avail_idx;

		/* 2.7.13.1: one descriptor per buffer, then its head in
		 * avail.ring, then (2.7.13.3) avail.idx after a write barrier. */
		d = vlp_vq_area(vq, VLP_VQ_DESC) + dt->size * id;
		put(d, dt, VLP_DESC_ADDR, pa);
		put(d, dt, VLP_DESC_LEN, len);
		put(d, dt, VLP_DESC_FLAGS, device_writable ? VLP_DESC_F_WRITE : 0);
		put(d, dt, VLP_DESC_NEXT, 0);
		put_le(entry(avail, avt, VLP_AVAIL_RING, idx % vq->info.size),
		       avt->fields[VLP_AVAIL_RING].width, id);
		split_publish(vq, (uint16_t)(idx + 1));
	} else {
		packed_one(vq, pa, (uint32_t)len, id, device_writable ? VLP_DESC_F_WRITE : 0);
	}
	vq->info.in_flight++;
	*id_out = id;
	return 0;
}

/* One used entry's buffer (every descriptor of its chain): back to the
 * free ones, described in u. */
static int take_used(struct vlp_ctx *ctx, struct vlp_vq *vq, uint32_t id, uint32_t len,
		     struct vlp_vq_used *u)
{
	uint32_t writable = 0;
	struct vq_buf *b;

	/* 2.7.8: id is the head of a chain the driver made available. */
	if (id >= vq->info.size || !vq->bufs[id].in_flight)
		return vlp_error(ctx, EPROTO,
				 "used entry with id %u: not a buffer in flight (2.7.8, 2.8.21)", id);
	b = &vq->bufs[id];
	vq->info.in_flight--;
	memset(u, 0, sizeof(*u));
	u->id = id;
	u->len = len;
	u->device_writable = b->writable;
	u->data = vlp_dma_ptr(b->mem);
	if (b->nind) { /* the table's buffers, inside the one descriptor's memory */
		for (unsigned i = 0; i < b->nind; i++) {
			u->seg_data[i] = (const uint8_t *)vlp_dma_ptr(b->mem) + b->ind_off[i];
			u->seg_len[i] = b->ind_len[i];
			u->buf_len += b->ind_len[i];
			if (b->ind_writable[i])
				writable += b->ind_len[i];
		}
		u->nsegs = b->nind;
		b->in_flight = false;
		u->len_exceeds = len > writable;
		return 0;
	}
	for (;;) {
		b->in_flight = false;
		if (u->nsegs < VLP_VQ_CHAIN_MAX) {
			u->seg_data[u->nsegs] = vlp_dma_ptr(b->mem);
			u->seg_len[u->nsegs] = b->len;
			u->nsegs++;
		}
		u->buf_len += b->len;
		if (b->writable)
			writable += b->len;
		if (!b->has_next)
			break;
		b = &vq->bufs[b->next];
	}
	/* 2.7.8.1: len is at most what the device could write. */
	u->len_exceeds = len > writable;
	return 0;
}

/* A chain in a packed ring (2.8.6): one descriptor per buffer in the
 * following slots, NEXT on all but the last, the Buffer ID (the head's)
 * in each; the first descriptor's flags written last (2.8.17, 2.8.21). */
static int packed_chain(struct vlp_vq *vq, const struct vlp_vq_seg *segs, unsigned n,
			const uint64_t *pa, unsigned id, unsigned *id_out)
{
	const struct vlp_field_table *dt = vlp_packed_desc_table();
	uint16_t first = vq->next_avail, first_flags = 0;

	for (unsigned i = 0; i < n; i++) {
		uint8_t *d = vlp_vq_area(vq, VLP_VQ_DESC) + dt->size * vq->next_avail;
		uint16_t flags = (uint16_t)((segs[i].device_writable ? VLP_DESC_F_WRITE : 0) |
					    (i + 1 < n ? VLP_DESC_F_NEXT : 0) |
					    (vq->avail_wrap ? VLP_DESC_F_AVAIL : VLP_DESC_F_USED));

		put(d, dt, VLP_PDESC_ADDR, pa[i]);
		put(d, dt, VLP_PDESC_LEN, segs[i].len);
		put(d, dt, VLP_PDESC_ID, id);
		if (i)
			put(d, dt, VLP_PDESC_FLAGS, flags);
		else
			first_flags = flags;
		if (++vq->next_avail == vq->info.size) {
			vq->next_avail = 0;
			vq->avail_wrap = !vq->avail_wrap;
		}
	}
	packed_publish(vq, first, first_flags);
	vq->info.avail_idx++;
	vq->ring_busy += n;
	vq->info.in_flight++;
	*id_out = id;
	return 0;
}

int vlp_vq_post_chain(struct vlp_ctx *ctx, struct vlp_vq *vq, const struct vlp_vq_seg *segs,
		      unsigned n, unsigned *id_out)
{
	const struct vlp_field_table *dt = vlp_split_desc_table(), *avt = vlp_avail_table();
	uint8_t *avail = vlp_vq_area(vq, VLP_VQ_DRIVER);
	unsigned ids[VLP_VQ_CHAIN_MAX], found = 0;
	uint64_t pa[VLP_VQ_CHAIN_MAX];
	uint16_t idx = vq->info.avail_idx;
	int err;

	if (n == 0 || n > VLP_VQ_CHAIN_MAX)
		return vlp_error(ctx, EINVAL, "post: %u buffers in a chain: give 1 to %u", n,
				 VLP_VQ_CHAIN_MAX);
	for (unsigned i = 0; i < n; i++) {
		if (segs[i].len == 0 || segs[i].len > VLP_VQ_BUF_MAX || segs[i].data_len > segs[i].len)
			return vlp_error(ctx, EINVAL,
					 "post: chain buffer %u: length %zu (data %zu): give 1 to %u",
					 i, segs[i].len, segs[i].data_len, VLP_VQ_BUF_MAX);
		/* 2.7.4.2: device-writable buffers after every device-readable one. */
		if (i && segs[i - 1].device_writable && !segs[i].device_writable)
			return vlp_error(
				ctx, EINVAL,
				"post: chain buffer %u is device-readable after a device-writable one (2.7.4.2)",
				i);
	}
	for (unsigned id = 0; id < vq->info.size && found < n; id++)
		if (!vq->bufs[id].in_flight)
			ids[found++] = id;
	if (found < n || (vq->info.format == VLP_RING_PACKED && vq->ring_busy + n > vq->info.size))
		return vlp_error(
			ctx, ENOSPC, "post: %u free descriptors needed, %u free (poll first)", n,
			vq->info.format == VLP_RING_PACKED ? vq->info.size - vq->ring_busy : found);
	for (unsigned i = 0; i < n; i++) {
		struct vq_buf *b = &vq->bufs[ids[i]];

		if (!b->mem) {
			err = vlp_dma_alloc(ctx, VLP_VQ_BUF_MAX, vq->kind, vq->plain_next, &b->mem);
			if (err)
				return err;
			vq->plain_next += VLP_VQ_BUF_MAX;
		}
		err = vlp_dma_pa(ctx, b->mem, 0, segs[i].len, &pa[i]);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < n; i++) {
		struct vq_buf *b = &vq->bufs[ids[i]];

		memset(vlp_dma_ptr(b->mem), 0, VLP_VQ_BUF_MAX);
		if (segs[i].data_len)
			memcpy(vlp_dma_ptr(b->mem), segs[i].data, segs[i].data_len);
		b->len = (uint32_t)segs[i].len;
		b->writable = segs[i].device_writable;
		b->in_flight = true;
		b->has_next = i + 1 < n;
		b->nind = 0;
		b->next = (uint16_t)(i + 1 < n ? ids[i + 1] : 0);
		b->ring_n = (uint16_t)(i ? 0 : n);
	}
	if (vq->info.format == VLP_RING_PACKED)
		return packed_chain(vq, segs, n, pa, ids[0], id_out);
	for (unsigned i = 0; i < n; i++) {
		const struct vq_buf *b = &vq->bufs[ids[i]];
		uint8_t *d = vlp_vq_area(vq, VLP_VQ_DESC) + dt->size * ids[i];
		uint16_t flags = segs[i].device_writable ? VLP_DESC_F_WRITE : 0;

		/* 2.7.5: NEXT and next link the chain's descriptors. */
		put(d, dt, VLP_DESC_ADDR, pa[i]);
		put(d, dt, VLP_DESC_LEN, segs[i].len);
		put(d, dt, VLP_DESC_FLAGS, flags | (b->has_next ? VLP_DESC_F_NEXT : 0));
		put(d, dt, VLP_DESC_NEXT, b->next);
	}
	/* 2.7.13.1-3: the head in avail.ring, then avail.idx after a barrier. */
	put_le(entry(avail, avt, VLP_AVAIL_RING, idx % vq->info.size),
	       avt->fields[VLP_AVAIL_RING].width, ids[0]);
	split_publish(vq, (uint16_t)(idx + 1));
	vq->info.in_flight++;
	*id_out = ids[0];
	return 0;
}

int vlp_vq_post_indirect(struct vlp_ctx *ctx, struct vlp_vq *vq, const struct vlp_vq_seg *segs,
			 unsigned n, unsigned *id_out)
{
	const bool packed = vq->info.format == VLP_RING_PACKED;
	/* split and packed descriptors are both 16 bytes, laid out apart */
	const struct vlp_field_table *dt = packed ? vlp_packed_desc_table() : vlp_split_desc_table(),
				     *avt = vlp_avail_table();
	uint8_t *avail = vlp_vq_area(vq, VLP_VQ_DRIVER), *table, *d;
	uint16_t idx = vq->info.avail_idx;
	size_t off = (size_t)dt->size * VLP_VQ_CHAIN_MAX; /* the buffers follow the table */
	struct vq_buf *b = NULL;
	unsigned id;
	uint64_t pa;
	int err;

	if (n == 0 || n > VLP_VQ_CHAIN_MAX)
		return vlp_error(ctx, EINVAL, "post: %u buffers in an indirect table: give 1 to %u",
				 n, VLP_VQ_CHAIN_MAX);
	for (id = 0; id < vq->info.size && !b; id++)
		if (!vq->bufs[id].in_flight)
			b = &vq->bufs[id];
	if (!b || (packed && vq->ring_busy >= vq->info.size))
		return vlp_error(ctx, ENOSPC, "post: all %u descriptors are in flight (poll first)",
				 vq->info.size);
	id--;
	if (!b->mem) {
		if ((err = vlp_dma_alloc(ctx, VLP_VQ_BUF_MAX, vq->kind, vq->plain_next, &b->mem)))
			return err;
		vq->plain_next += VLP_VQ_BUF_MAX;
	}
	if ((err = vlp_dma_pa(ctx, b->mem, 0, VLP_VQ_BUF_MAX, &pa)))
		return err;
	table = vlp_dma_ptr(b->mem);
	memset(table, 0, VLP_VQ_BUF_MAX);
	for (unsigned i = 0; i < n; i++) {
		if (segs[i].len == 0 || segs[i].data_len > segs[i].len ||
		    off + segs[i].len > VLP_VQ_BUF_MAX)
			return vlp_error(
				ctx, EINVAL,
				"post: indirect buffer %u: length %zu (data %zu) does not fit one page",
				i, segs[i].len, segs[i].data_len);
		if (i && segs[i - 1].device_writable && !segs[i].device_writable)
			return vlp_error(
				ctx, EINVAL,
				"post: indirect buffer %u is device-readable after a device-writable one (2.7.4.2)",
				i);
		if (segs[i].data_len)
			memcpy(table + off, segs[i].data, segs[i].data_len);
		b->ind_off[i] = (uint16_t)off;
		b->ind_len[i] = (uint16_t)segs[i].len;
		b->ind_writable[i] = segs[i].device_writable;
		d = table + (size_t)dt->size * i;
		if (packed) {
			/* 2.8.7: one after the other from the table's start;
			 * WRITE is the only valid flag, Buffer ID reserved. */
			put(d, dt, VLP_PDESC_ADDR, pa + off);
			put(d, dt, VLP_PDESC_LEN, segs[i].len);
			put(d, dt, VLP_PDESC_FLAGS, segs[i].device_writable ? VLP_DESC_F_WRITE : 0);
		} else {
			/* 2.7.5.3.1: the table's own descriptors chain with
			 * NEXT, from 0. */
			put(d, dt, VLP_DESC_ADDR, pa + off);
			put(d, dt, VLP_DESC_LEN, segs[i].len);
			put(d, dt, VLP_DESC_FLAGS,
			    (segs[i].device_writable ? VLP_DESC_F_WRITE : 0) |
				    (i + 1 < n ? VLP_DESC_F_NEXT : 0));
			put(d, dt, VLP_DESC_NEXT, i + 1 < n ? i + 1 : 0);
		}
		off = (off + segs[i].len + 15) & ~(size_t)15;
	}
	b->nind = n;
	b->len = (uint32_t)(dt->size * n);
	b->writable = false;
	b->in_flight = true;
	b->has_next = false;
	b->ring_n = 1;
	vq->info.in_flight++;
	*id_out = id;
	if (packed) {
		/* 2.8.7: one descriptor with INDIRECT, addr and len the table's. */
		packed_one(vq, pa, b->len, id, VLP_DESC_F_INDIRECT);
		return 0;
	}
	/* 2.7.5.3: one descriptor with INDIRECT, its len the table's bytes. */
	d = vlp_vq_area(vq, VLP_VQ_DESC) + dt->size * id;
	put(d, dt, VLP_DESC_ADDR, pa);
	put(d, dt, VLP_DESC_LEN, b->len);
	put(d, dt, VLP_DESC_FLAGS, VLP_DESC_F_INDIRECT);
	put(d, dt, VLP_DESC_NEXT, 0);
	put_le(entry(avail, avt, VLP_AVAIL_RING, idx % vq->info.size),
	       avt->fields[VLP_AVAIL_RING].width, id);
	split_publish(vq, (uint16_t)(idx + 1));
	return 0;
}

int vlp_vq_reap(struct vlp_ctx *ctx, struct vlp_vq *vq, struct vlp_vq_used *out, size_t max, size_t *n)
{
	int err;

	*n = 0;
	if (vq->info.format == VLP_RING_SPLIT) {
		const struct vlp_field_table *ut = vlp_used_table(), *et = vlp_used_elem_table();
		uint8_t *used = vlp_vq_area(vq, VLP_VQ_DEVICE);
		uint16_t idx = load16(at(used, ut, VLP_USED_IDX));

		if ((uint16_t)(idx - vq->info.used_idx) > vq->info.in_flight)
			return vlp_error(
				ctx, EPROTO,
				"used.idx %u is %u past the last seen (%u), with %u in flight (2.7.8)",
				idx, (uint16_t)(idx - vq->info.used_idx), vq->info.used_idx,
				vq->info.in_flight);
		while (vq->info.used_idx != idx && *n < max) {
			const uint8_t *e =
				entry(used, ut, VLP_USED_RING, vq->info.used_idx % vq->info.size);

			err = take_used(ctx, vq, (uint32_t)get(e, et, VLP_USED_ELEM_ID),
					(uint32_t)get(e, et, VLP_USED_ELEM_LEN), &out[*n]);
			if (err)
				return err;
			(*n)++;
			vq->info.used_idx++;
		}
		if (vq->event_idx)
			store16_release(used_event(vq),
					(uint16_t)(vq->info.used_idx + VLP_VQ_USED_EVENT_AHEAD));
		return 0;
	}
	while (*n < max && vq->info.in_flight) {
		const struct vlp_field_table *dt = vlp_packed_desc_table();
		uint8_t *d = vlp_vq_area(vq, VLP_VQ_DESC) + dt->size * vq->next_used;
		if (!vlp_packed_desc_used(load16(at(d, dt, VLP_PDESC_FLAGS)), vq->used_wrap))
			break;
		uint32_t id = (uint32_t)get(d, dt, VLP_PDESC_ID);
		unsigned skip;

		err = take_used(ctx, vq, id, (uint32_t)get(d, dt, VLP_PDESC_LEN), &out[*n]);
		if (err)
			return err;
		(*n)++;
		vq->info.used_idx++;
		/* 2.8.6: the next used descriptor follows the list's slots. */
		skip = vq->bufs[id].ring_n ? vq->bufs[id].ring_n : 1;
		vq->ring_busy -= skip <= vq->ring_busy ? skip : vq->ring_busy;
		vq->next_used = (uint16_t)(vq->next_used + skip);
		if (vq->next_used >= vq->info.size) {
			vq->next_used = (uint16_t)(vq->next_used - vq->info.size);
			vq->used_wrap = !vq->used_wrap;
		}
	}
	return 0;
}

int vlp_vq_add_to_guestmem(struct vlp_ctx *ctx, const struct vlp_vq *vq, struct vlp_guestmem *mem)
{
	const struct vlp_vq_layout *l = &vq->info.layout;
	const uint8_t *base = vlp_dma_ptr(vq->ring);
	int err;

	err = vlp_guestmem_add_range(ctx, mem, vq->info.desc_pa, base + l->desc_off, l->desc_len);
	if (!err)
		err = vlp_guestmem_add_range(ctx, mem, vq->info.driver_pa, base + l->driver_off,
					     l->driver_len);
	if (!err)
		err = vlp_guestmem_add_range(ctx, mem, vq->info.device_pa, base + l->device_off,
					     l->device_len);
	for (unsigned i = 0; !err && i < vq->info.size; i++) {
		uint64_t pa;

		if (vq->bufs[i].mem && vlp_dma_pa(ctx, vq->bufs[i].mem, 0, VLP_VQ_BUF_MAX, &pa) == 0)
			err = vlp_guestmem_add_range(ctx, mem, pa, vlp_dma_ptr(vq->bufs[i].mem),
						     VLP_VQ_BUF_MAX);
	}
	return err;
}

void vlp_vq_free(struct vlp_vq *vq)
{
	if (!vq)
		return;
	for (unsigned i = 0; vq->bufs && i < vq->info.layout.size; i++)
		vlp_dma_free(vq->bufs[i].mem);
	free(vq->bufs);
	free(vq->pending);
	vlp_dma_free(vq->ring);
	free(vq);
}

const uint8_t *vlp_vq_buf(const struct vlp_vq *vq, unsigned id, uint32_t *len)
{
	if (id >= vq->info.size || !vq->bufs[id].mem)
		return NULL;
	*len = vq->bufs[id].len;
	return vlp_dma_ptr(vq->bufs[id].mem);
}

int vlp_vq_notifications(struct vlp_ctx *ctx, struct vlp_vq *vq, unsigned q, bool on)
{
	if (vq->info.format == VLP_RING_PACKED) {
		/* 2.8.10: the Driver Event Suppression flags, ENABLE or DISABLE. */
		put(vlp_vq_area(vq, VLP_VQ_DRIVER), vlp_event_suppress_table(), VLP_EVENT_FLAGS,
		    on ? VLP_EVENT_F_ENABLE : VLP_EVENT_F_DISABLE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		return 0;
	}
	if (vq->info.format != VLP_RING_SPLIT || vq->event_idx)
		return vlp_error(
			ctx, ENOTSUP,
			"queue %u: notifications are asked for through avail flags on split rings without VIRTIO_F_EVENT_IDX (or the event flags of a packed ring) only",
			q);
	/* 2.7.7: flags 0 asks for a notification after each used buffer. */
	put(vlp_vq_area(vq, VLP_VQ_DRIVER), vlp_avail_table(), VLP_AVAIL_FLAGS,
	    on ? 0 : VLP_AVAIL_F_NO_INTERRUPT);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

uint16_t vlp_vq_next_used(const struct vlp_vq *vq)
{
	/* Packed: the slot of the next used descriptor, its wrap counter in
	 * bit 15 (an off_wrap, 2.8.14); split: the next used.idx. */
	return vq->info.format == VLP_RING_PACKED
		       ? (uint16_t)(vq->next_used | (vq->used_wrap ? VLP_OFF_WRAP_WRAP : 0))
		       : vq->info.used_idx;
}

uint16_t vlp_vq_next_avail(const struct vlp_vq *vq)
{
	/* 4.1.5.2, 2.9: split, avail.idx; packed, the next slot with the
	 * wrap counter in bit 15. */
	return vq->info.format == VLP_RING_PACKED
		       ? (uint16_t)(vq->next_avail | (vq->avail_wrap ? VLP_OFF_WRAP_WRAP : 0))
		       : vq->info.avail_idx;
}

int vlp_vq_used_event(struct vlp_ctx *ctx, struct vlp_vq *vq, unsigned q, uint16_t v)
{
	if (!vq->event_idx)
		return vlp_error(ctx, ENOTSUP,
				 "queue %u: a used event index needs VIRTIO_F_EVENT_IDX negotiated",
				 q);
	if (vq->info.format == VLP_RING_PACKED) {
		/* 2.8.10, 2.8.14: RING_EVENT_FLAGS_DESC, an event when the
		 * device uses the descriptor at offset and wrap counter v;
		 * the offset first, so the flags never name a stale one. */
		uint8_t *e = vlp_vq_area(vq, VLP_VQ_DRIVER);

		put(e, vlp_event_suppress_table(), VLP_EVENT_DESC, v);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		put(e, vlp_event_suppress_table(), VLP_EVENT_FLAGS, VLP_EVENT_F_DESC);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		return 0;
	}
	/* 2.7.7.2: the device notifies when it writes the entry at index v;
	 * the next reap puts it far ahead again. */
	store16_release(used_event(vq), v);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}
