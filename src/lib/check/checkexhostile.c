/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --check --exercise --hostile: malformed chains sent to a virtio-blk or
 * virtio-rng device (one path: a per-type description of the chain), each
 * in a driver's session of its own (ex_session_open: the configuration
 * change event on vector 0, masked, so a notification is its pending bit).
 * The spec says what a driver must not do (2.7.5.2, 2.7.5.3.1, 4.1.4.3.2),
 * not what a device does with it: what happened is a note
 * (exercise-hostile); a device that set DEVICE_NEEDS_RESET with DRIVER_OK
 * must have notified (2.1.2, exercise-needs-reset); after the reset one
 * request (a READ, an entropy request) must work again.  Never the default:
 * a device may stay broken until it is reset, and the run resets it after
 * each input. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checkrun.h"

#define H_DATA VLP_BLK_SECTOR
#define H_WAIT_MS 500 /* what the device does with the input, watched that long */
/* Far past any RAM or MMIO of a guest (QEMU's TCG CPUs have 40 address
 * bits): the device must not reach it (never an address that exists). */
#define H_OUTSIDE_RAM 0xfffffffff000ull

/* The queue a chain longer than it goes to: its table (Queue Size + 1
 * descriptors) and buffers then fit the one page of an indirect post. */
#define H_LONG_QSIZE 16u

enum h_input { H_LOOP, H_NEXT_RANGE, H_ZERO_LEN, H_OUTSIDE, H_NESTED, H_LONG, H_DISABLED, H_COUNT };
static const char *const h_names[H_COUNT] = {
	[H_LOOP] = "a descriptor loop (the last descriptor's next is the head)",
	[H_NEXT_RANGE] = "next out of range (the last descriptor's next is Queue Size)",
	[H_ZERO_LEN] = "a zero-length device-writable buffer (the second descriptor's len 0)",
	[H_OUTSIDE] = "an address outside guest RAM (the second descriptor at 0xfffffffff000)",
	[H_NESTED] = "VIRTQ_DESC_F_INDIRECT inside an indirect table",
	[H_LONG] = "a chain longer than the queue (Queue Size + 1 descriptors, indirect)",
	[H_DISABLED] = "a READ on a queue the driver disabled (queue_enable written 0)",
};

/* The chain of a type: three buffers, the second and third written by the
 * device.  virtio-blk: the READ header (read by the device), 512 bytes of
 * data, the status byte (5.2.6).  virtio-rng: its requestq holds
 * device-writable buffers only (5.4.6), so the first is writable too. */
struct h_type {
	bool blk;
	unsigned first;      /* the first buffer's length */
	const char *request; /* the request, as a note names it */
};

static struct h_type h_type_of(const struct ex *x)
{
	if (x->l->virtio.device_type.value == VLP_ID_BLOCK)
		return (struct h_type){ true, VLP_SELFTEST_BLK_HDR, "a READ of sector 0" };
	return (struct h_type){ false, 16, "an entropy request" };
}

static const char *h_name(const struct h_type *t, enum h_input in)
{
	return in == H_DISABLED && !t->blk
		       ? "an entropy request on a queue the driver disabled (queue_enable written 0)"
		       : h_names[in];
}

static void put_desc(uint8_t *d, unsigned row, uint64_t v)
{
	const struct vlp_field *f = &vlp_split_desc_table()->fields[row];
	uint8_t le[8] = { 0 };

	for (unsigned i = 0; i < f->width; i++)
		le[i] = (uint8_t)(v >> (8 * i));
	memcpy(d + f->offset, le, f->width);
}

static uint64_t get_desc(const uint8_t *d, unsigned row)
{
	return vlp_field_read_mem(&vlp_split_desc_table()->fields[row], d);
}

/* 2.7.5.3.1: "A driver MUST NOT create a descriptor chain longer than the
 * Queue Size of the device."  The indirect table posted as id (one page:
 * the table, then its buffers) rewritten as Queue Size + 1 descriptors: the
 * header, Queue Size - 1 data buffers of the sector's 512 bytes, the status
 * byte; the ring's descriptor given the table's new length. */
static void long_table(struct vlp_vqs *vqs, unsigned id, const struct h_type *t, const uint8_t *hdr)
{
	const struct vlp_field_table *dt = vlp_split_desc_table();
	unsigned size = vlp_vqs_info(vqs, 0)->size, n = size + 1, ndata = size - 1;
	uint8_t *ring_d = vlp_vqs_area(vqs, 0, VLP_VQ_DESC) + (size_t)dt->size * id;
	uint32_t len;
	uint8_t *page = (uint8_t *)(uintptr_t)vlp_vqs_buf(vqs, 0, id, &len);
	uint64_t pa = get_desc(ring_d, VLP_DESC_ADDR);
	size_t off = ((size_t)dt->size * n + 15) & ~(size_t)15;

	for (unsigned i = 0; i < n; i++) {
		uint8_t *d = page + (size_t)dt->size * i;
		size_t blen = i == 0       ? t->first
			      : i == n - 1 ? 1
			      : i < ndata  ? H_DATA / ndata
					   : H_DATA - (size_t)(H_DATA / ndata) * (ndata - 1);

		if (i == 0 && t->blk)
			memcpy(page + off, hdr, t->first);
		else
			memset(page + off, EX_FILL, blen);
		put_desc(d, VLP_DESC_ADDR, pa + off);
		put_desc(d, VLP_DESC_LEN, blen);
		put_desc(d, VLP_DESC_FLAGS,
			 (i || !t->blk ? VLP_DESC_F_WRITE : 0) | (i + 1 < n ? VLP_DESC_F_NEXT : 0));
		put_desc(d, VLP_DESC_NEXT, i + 1 < n ? i + 1 : 0);
		off = (off + blen + 15) & ~(size_t)15;
	}
	put_desc(ring_d, VLP_DESC_LEN, (uint64_t)dt->size * n);
}

/* The long chain's status byte, its table's last buffer (EX_FILL as filled
 * until the device writes it). */
static unsigned long_status(struct vlp_vqs *vqs, unsigned id)
{
	const struct vlp_field_table *dt = vlp_split_desc_table();
	unsigned n = vlp_vqs_info(vqs, 0)->size + 1;
	const uint8_t *ring_d = vlp_vqs_area(vqs, 0, VLP_VQ_DESC) + (size_t)dt->size * id;
	uint32_t len;
	const uint8_t *page = vlp_vqs_buf(vqs, 0, id, &len);
	uint64_t off = get_desc(page + (size_t)dt->size * (n - 1), VLP_DESC_ADDR) -
		       get_desc(ring_d, VLP_DESC_ADDR);

	return off < VLP_VQ_BUF_MAX ? page[off] : EX_FILL;
}

/* The request (a READ of sector 0, an entropy request) written, broken as
 * input says, made available and kicked.  avail.idx is held back until
 * the chain is broken: a back-end that looks at the ring without a kick
 * (vhost-user's start) must never see the intact chain. */
static int send(struct ex *x, const struct h_type *t, struct vlp_vqs *vqs, enum h_input in,
		bool indirect, unsigned *head)
{
	static uint8_t fill[H_DATA];
	uint8_t hdr[VLP_SELFTEST_BLK_HDR] = { 0 };
	const struct vlp_vq_seg segs[3] = { { !t->blk, t->blk ? hdr : fill, t->first, t->first },
					    { true, fill, H_DATA, H_DATA },
					    { true, fill, 1, 1 } };
	const struct vlp_vq_info *info = vlp_vqs_info(vqs, 0);
	const struct vlp_field_table *dt = vlp_split_desc_table();
	uint8_t *desc = vlp_vqs_area(vqs, 0, VLP_VQ_DESC), *d;
	struct vlp_notify nt;
	unsigned id;
	int err;

	if (t->blk)
		vlp_selftest_blk_header(hdr, VLP_BLK_T_IN, 0);
	if (in == H_DISABLED && (err = ex_common_write(x, VLP_COMMON_QUEUE_ENABLE, 0, 0)))
		return err;
	if ((err = vlp_vqs_hold(x->r.ctx, vqs, 0, true)))
		return err;
	err = (in == H_NESTED || in == H_LONG) && indirect
		      ? vlp_vqs_post_indirect(x->r.ctx, vqs, 0, segs, 3, &id)
		      : vlp_vqs_post_chain(x->r.ctx, vqs, 0, segs, 3, &id);
	if (err)
		return err;
	*head = id;
	/* The chain's descriptors: head, data, status (post_chain links them
	 * by next; the table of an indirect one is in its buffer). */
	d = desc + (size_t)dt->size * id;
	if (in == H_NESTED && indirect) {
		uint32_t len;
		uint8_t *table = (uint8_t *)(uintptr_t)vlp_vqs_buf(vqs, 0, id, &len);

		put_desc(table, VLP_DESC_FLAGS, get_desc(table, VLP_DESC_FLAGS) | VLP_DESC_F_INDIRECT);
	} else if (in == H_LONG && indirect) {
		long_table(vqs, id, t, hdr);
	} else if (in != H_DISABLED && in != H_NESTED && in != H_LONG) {
		uint8_t *data = desc + (size_t)dt->size * get_desc(d, VLP_DESC_NEXT);
		uint8_t *status = desc + (size_t)dt->size * get_desc(data, VLP_DESC_NEXT);

		if (in == H_LOOP || in == H_NEXT_RANGE) {
			put_desc(status, VLP_DESC_FLAGS,
				 get_desc(status, VLP_DESC_FLAGS) | VLP_DESC_F_NEXT);
			put_desc(status, VLP_DESC_NEXT, in == H_LOOP ? id : info->size);
		} else if (in == H_ZERO_LEN) {
			put_desc(data, VLP_DESC_LEN, 0);
		} else {
			put_desc(data, VLP_DESC_ADDR, H_OUTSIDE_RAM);
		}
	}
	/* Releasing publishes avail.idx with release order: the broken
	 * descriptors are seen before it (2.7.13.3). */
	if ((err = vlp_vqs_hold(x->r.ctx, vqs, 0, false)))
		return err;
	return vlp_vqs_kick(x->r.ctx, vqs, 0, &nt);
}

/* One input: what the device did (a note), 2.1.2 where it applies. */
static int one(struct ex *x, const struct h_type *t, enum h_input in, bool indirect)
{
	struct vlp_vqs *vqs = NULL;
	struct vlp_extype_verdict v;
	uint32_t words[VLP_FEATURE_WORDS];
	const uint8_t *used;
	uint64_t status = 0;
	uint32_t w;
	uint16_t seen;
	unsigned head = 0;
	bool pending_before;
	char why[160];
	int err, cerr;

	memcpy(words, x->set, sizeof(words));
	if (in == H_NESTED || in == H_LONG)
		words[0] |= 1u << VLP_F_INDIRECT_DESC;
	if (in == H_LONG) {
		uint64_t max;

		/* After the last session's reset queue_size reads the maximum. */
		if ((err = ex_common_read(x, VLP_COMMON_QUEUE_SIZE, 0, &max)))
			return err;
		if (max < 2) {
			ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, 0),
				"%s: not sent: queue 0's queue_size is %" PRIu64, h_name(t, in), max);
			return 0;
		}
		x->session_qsize = H_LONG_QSIZE;
		while (x->session_qsize > max)
			x->session_qsize /= 2;
	}
	err = ex_session_open(x, words, 0, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	x->session_qsize = 0;
	if (err || why[0]) {
		if (!err)
			ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, 0),
				"%s: not sent: %s", h_name(t, in), why);
		goto out;
	}
	/* Without MSI-X there is no pending bit to read (and the ISR, read
	 * to clear, is left alone): the notification is not judged. */
	w = 0;
	if (x->msix && (err = ex_pba_word(x, 0, &w)))
		goto out;
	pending_before = !x->msix || (w & 1);
	used = vlp_vqs_area(vqs, 0, VLP_VQ_DEVICE);
	seen = (uint16_t)vlp_field_read_mem(&vlp_used_table()->fields[VLP_USED_IDX], used);
	if ((err = send(x, t, vqs, in, indirect, &head)))
		goto out;
	for (unsigned ms = 0; ms < H_WAIT_MS; ms += 10) {
		ex_sleep_ms(10);
		if ((err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)))
			goto out;
		/* Decided: the device asked for a reset, or returned the chain. */
		if ((status & S_NEEDS_RESET) ||
		    (uint16_t)vlp_field_read_mem(&vlp_used_table()->fields[VLP_USED_IDX], used) != seen)
			break;
	}
	ex_sleep_ms(PENDING_MS);
	if ((err = ex_common_read(x, VLP_COMMON_DEVICE_STATUS, 0, &status)) ||
	    (x->msix && (err = ex_pba_word(x, 0, &w))))
		goto out;
	{
		const struct vlp_field *ring = &vlp_used_table()->fields[VLP_USED_RING];
		uint16_t idx =
			(uint16_t)vlp_field_read_mem(&vlp_used_table()->fields[VLP_USED_IDX], used);
		char what[64] = "nothing used";

		if (idx != seen) {
			const uint8_t *e = used + ring->offset +
					   (size_t)ring->width * (seen % vlp_vqs_info(vqs, 0)->size);
			int at = snprintf(
				what, sizeof(what), "used.idx moved (used len %" PRIu64,
				vlp_field_read_mem(&vlp_used_elem_table()->fields[VLP_USED_ELEM_LEN],
						   e));

			if (in == H_LONG && indirect && t->blk && at > 0 && (size_t)at < sizeof(what))
				snprintf(what + at, sizeof(what) - (size_t)at, ", status byte %u",
					 long_status(vqs, head));
			strncat(what, ")", sizeof(what) - strlen(what) - 1);
		}
		ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, 0),
			"%s: %s; device_status 0x%02" PRIx64 "%s; configuration vector %s",
			h_name(t, in), what, status,
			status & S_NEEDS_RESET ? " (DEVICE_NEEDS_RESET)" : "",
			!x->msix         ? "not judged (no MSI-X)"
			: pending_before ? "pending before (not judged)"
			: w & 1          ? "pending (notified)"
					 : "not pending");
	}
	if ((status & S_NEEDS_RESET) && !pending_before && !x->decided[XR_NEEDS_RESET_NOTIFY]) {
		vlp_extype_needs_reset(status, (int)(w & 1), -1, &v);
		if (v.failed)
			ex_fail(x, XR_NEEDS_RESET_NOTIFY, v.severity,
				chk_at_row(&x->r, VLP_COMMON_DEVICE_STATUS), "after %s: %s",
				h_name(t, in), v.evidence);
		else if (!v.not_run)
			ex_ran(x, XR_NEEDS_RESET_NOTIFY);
	}
out:
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

/* After the inputs and a reset: one request answers (a READ of sector 0
 * with VIRTIO_BLK_S_OK; an entropy request with one or more bytes,
 * 5.4.6.1, no more than the buffer). */
static int works_again(struct ex *x, const struct h_type *t)
{
	static uint8_t fill[H_DATA + 1];
	uint8_t hdr[VLP_SELFTEST_BLK_HDR];
	const struct vlp_vq_seg blk[2] = { { false, hdr, sizeof(hdr), sizeof(hdr) },
					   { true, fill, H_DATA + 1, H_DATA + 1 } };
	const struct vlp_vq_seg rng[1] = { { true, fill, H_DATA, H_DATA } };
	struct vlp_vqs *vqs = NULL;
	struct vlp_vq_used u = { 0 };
	struct vlp_notify nt;
	bool got = false;
	unsigned id;
	char why[160];
	int err, cerr;

	if (t->blk)
		vlp_selftest_blk_header(hdr, VLP_BLK_T_IN, 0);
	err = ex_session_open(x, x->set, 0, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && !why[0] &&
	    !(err = vlp_vqs_post_chain(x->r.ctx, vqs, 0, t->blk ? blk : rng, t->blk ? 2 : 1, &id)) &&
	    !(err = vlp_vqs_kick(x->r.ctx, vqs, 0, &nt)))
		err = ex_await(x, vqs, 0, id, REQUEST_MS, &u, &got);
	if (!err) {
		bool ok = t->blk ? u.nsegs >= 2 && u.seg_data[1][H_DATA] == VLP_BLK_S_OK
				 : u.len >= 1 && u.len <= H_DATA;

		if (why[0] || !got || !ok)
			ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, 0),
				"after the malformed chains and a reset, %s %s", t->request,
				why[0]   ? why
				: !got   ? "was not returned: the device did not recover"
				: t->blk ? "did not answer VIRTIO_BLK_S_OK"
					 : "returned no bytes, or more than the buffer");
		else
			ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, 0),
				"after the malformed chains and a reset, %s works again (used len %" PRIu32
				")",
				t->request, u.len);
	}
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}

int ex_hostile(struct ex *x)
{
	bool indirect = vlp_feature_on(x->offered, VLP_F_INDIRECT_DESC), sent = false;
	unsigned type = x->l->virtio.device_type.value;
	struct h_type t = h_type_of(x);
	int err = 0;

	if (!x->hostile) {
		ex_not_run(x, XR_HOSTILE, "malformed chains only with --hostile");
	} else if (type != VLP_ID_BLOCK && type != VLP_ID_ENTROPY) {
		ex_not_run(x, XR_HOSTILE,
			   "--hostile sends virtio-blk reads and virtio-rng requests only");
	} else if (x->unresponsive) {
		ex_not_run(x, XR_HOSTILE, "%s", EX_UNRESPONSIVE);
	} else {
		for (unsigned in = 0; in < H_COUNT && !err; in++) {
			if (in == H_NESTED && !indirect)
				continue;
			if (in == H_LONG && !indirect) {
				/* A direct chain cannot have more descriptors than
				 * the table: Queue Size. */
				ex_fail(x, XR_HOSTILE, VLP_SEV_INFO, chk_at_queue(&x->r, 0),
					"%s: not sent: VIRTIO_F_INDIRECT_DESC not offered, and a direct chain cannot be longer than the descriptor table",
					h_name(&t, (enum h_input)in));
				continue;
			}
			err = one(x, &t, (enum h_input)in, indirect);
		}
		if (!err)
			err = works_again(x, &t);
		sent = true;
	}
	if (!err && !x->decided[XR_NEEDS_RESET_NOTIFY]) {
		struct vlp_extype_verdict v;

		vlp_extype_needs_reset(0, -1, -1, &v);
		ex_not_run(x, XR_NEEDS_RESET_NOTIFY, "%s",
			   sent ? "DEVICE_NEEDS_RESET not seen set with DRIVER_OK, not even after the malformed chains"
				: v.evidence);
	}
	return err;
}
