/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Virtqueue ring decoder: split rings (2.7), their legacy layout (2.7.2)
 * and packed rings (2.8), read from guest memory through vlp_guestmem.
 *
 * Each area is read once, with a bounded size (a queue has at most 32768
 * entries, 2.7 and 2.8); indirect tables are read as they are met, within a
 * per-ring byte budget.  Every byte read and every byte of decoded
 * structure allocated is charged to the run's budget (vlp_ring_budget):
 * when it runs out, decoding stops where it is and keeps what it decoded.
 * Every walk is bounded: a descriptor of the table is
 * decoded at most once per ring (a chain that reaches one already decoded
 * stops there), an indirect table's walk visits each entry at most once.
 * Whatever the memory holds, the decoder ends; faults become findings.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DESC_BYTES 16u        /* virtq_desc and pvirtq_desc (2.7.5, 2.8.13) */
#define LEGACY_ALIGN 4096u    /* Queue Align of the PCI legacy interface (4.1.5.1.3.1) */
#define EVENT_FLAGS_MASK 0x3u /* desc_event_flags : 2 (2.8.14) */

struct dec {
	struct vlp_ctx *ctx;
	struct vlp_guestmem *mem;
	struct vlp_ring *ring;
	unsigned size;
	bool packed, legacy;
	int err;       /* -ENOMEM once allocation failed */
	uint8_t *desc; /* the descriptor area, NULL when unreadable */
	uint8_t *avail, *used;
	uint32_t *claimed;          /* main-table descriptor -> chain number + 1 */
	uint64_t indirect_left;     /* indirect bytes left for this ring */
	struct vlp_ring_budget *rb; /* the run's */
	bool stopped;               /* the run's budget ran out: nothing more is decoded */
	bool noting_stop;           /* the finding that says so is being added */
	size_t fcap;
};

static bool has(const struct dec *d, unsigned bit)
{
	return d->ring->negotiated >> bit & 1;
}

/* Section of a rule: split and packed rings state the same rule in their
 * own sections. */
#define SEC(d, s_split, s_packed) ((d)->packed ? (s_packed) : (s_split))

static void finding(struct dec *d, enum vlp_severity sev, const char *check, const char *section,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Takes bytes from the run's budget; false when it has not that much left:
 * then decoding stops (d->stopped), said once by a finding. */
static bool charge(struct dec *d, uint64_t bytes)
{
	struct vlp_ring_budget *b = d->rb;

	if (d->stopped)
		return false;
	/* Once it ran out, later rings decode nothing (not what is left). */
	if (b->exhausted || bytes > b->limit - b->spent) {
		d->stopped = true;
		b->exhausted = true;
		d->ring->incomplete = true;
		d->noting_stop = true;
		finding(d, VLP_SEV_WARNING, "ring-memory", NULL,
			"decoding stopped here: the run's ring budget of %llu bytes is spent (%llu more wanted); what follows is not decoded",
			(unsigned long long)b->limit, (unsigned long long)bytes);
		d->noting_stop = false;
		return false;
	}
	b->spent += bytes;
	d->ring->budget_spent += bytes;
	return true;
}

static void finding(struct dec *d, enum vlp_severity sev, const char *check, const char *section,
		    const char *fmt, ...)
{
	struct vlp_ring *r = d->ring;
	struct vlp_finding *f;
	va_list ap;

	if (r->nfindings >= VLP_RING_FINDINGS_MAX) {
		r->findings_omitted++;
		return;
	}
	if (r->nfindings == d->fcap) {
		size_t cap = d->fcap ? d->fcap * 2 : 8;
		struct vlp_finding *n;

		/* The finding saying that the budget ran out is not charged
		 * (at most VLP_RING_FINDINGS_MAX of them per ring in any case). */
		if (!d->noting_stop && !charge(d, (cap - d->fcap) * sizeof(*n))) {
			r->findings_omitted++;
			return;
		}
		n = realloc(r->findings, cap * sizeof(*n));
		if (!n) {
			d->err = -ENOMEM;
			return;
		}
		r->findings = n;
		d->fcap = cap;
	}
	f = &r->findings[r->nfindings++];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	f->section = section;
	f->position = -1;
	f->check = check;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
}

/* One area, read once; a failure is a finding with the reader's reason
 * (a note for memory the firmware reserved: not the device's fault). */
static uint8_t *read_area(struct dec *d, const char *what, uint64_t pa, size_t len)
{
	uint8_t *buf;
	int err;

	if (!charge(d, len))
		return NULL;
	buf = malloc(len);
	if (!buf) {
		d->err = -ENOMEM;
		return NULL;
	}
	err = vlp_guestmem_read(d->ctx, d->mem, pa, buf, len);
	if (err < 0) {
		bool firmware = err == -EACCES;

		finding(d, firmware ? VLP_SEV_INFO : VLP_SEV_ERROR, "ring-memory", NULL,
			"%s not read: %s%s", what, vlp_ctx_error(d->ctx),
			firmware ? "; not judged: rings in reserved memory are the firmware's, live until a driver resets the device"
				 : "");
		free(buf);
		return NULL;
	}
	d->ring->bytes_read += len;
	return buf;
}

static uint64_t fld(const struct vlp_field_table *t, unsigned row, const uint8_t *base)
{
	return vlp_field_read_mem(&t->fields[row], base);
}

/* A row that follows the Queue Size array (used_event, avail_event). */
static uint64_t fld_sized(const struct vlp_field_table *t, unsigned row, unsigned size,
			  const uint8_t *base)
{
	const struct vlp_field *f = &t->fields[row];

	return vlp_field_read_mem(f, base + (vlp_ring_field_offset(t, f, size) - f->offset));
}

static struct vlp_ring_desc *push_desc(struct dec *d, struct vlp_ring_desc **arr, size_t *n)
{
	/* Grow by doubling; callers bound *n (queue size or indirect entries). */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;
		struct vlp_ring_desc *a;

		if (!charge(d, (cap - *n) * sizeof(*a)))
			return NULL;
		a = realloc(*arr, cap * sizeof(*a));
		if (!a) {
			d->err = -ENOMEM;
			return NULL;
		}
		*arr = a;
	}
	memset(&(*arr)[*n], 0, sizeof(**arr));
	return &(*arr)[(*n)++];
}

static void decode_desc(const struct dec *d, const uint8_t *p, uint16_t index, struct vlp_ring_desc *out)
{
	const struct vlp_field_table *t = d->packed ? vlp_packed_desc_table() : vlp_split_desc_table();

	out->index = index;
	if (d->packed) {
		out->addr = fld(t, VLP_PDESC_ADDR, p);
		out->len = (uint32_t)fld(t, VLP_PDESC_LEN, p);
		out->id = (uint16_t)fld(t, VLP_PDESC_ID, p);
		out->flags = (uint16_t)fld(t, VLP_PDESC_FLAGS, p);
	} else {
		out->addr = fld(t, VLP_DESC_ADDR, p);
		out->len = (uint32_t)fld(t, VLP_DESC_LEN, p);
		out->flags = (uint16_t)fld(t, VLP_DESC_FLAGS, p);
		out->next = (uint16_t)fld(t, VLP_DESC_NEXT, p);
	}
}

/* State of one chain walk. */
struct walk {
	struct vlp_ring_chain *c;
	bool quiet;      /* used.len check: no findings, no descriptors kept */
	bool seen_write; /* a device-writable descriptor was met */
	bool order_reported;
	size_t total; /* descriptors, indirect ones included */
	uint64_t writable;
	bool unknown; /* quiet walk: writable bytes could not be counted */
};

/* Device-readable and device-writable bytes; readable after writable breaks
 * 2.7.4.2 / 2.8.17 ("place any device-writable descriptor elements after
 * any device-readable descriptor elements"). */
static void account(struct dec *d, struct walk *w, const struct vlp_ring_desc *desc, const char *where)
{
	w->total++;
	if (desc->flags & VLP_DESC_F_WRITE) {
		w->seen_write = true;
		w->writable += desc->len;
		if (w->c)
			w->c->writable += desc->len;
		return;
	}
	if (w->c)
		w->c->readable += desc->len;
	if (w->seen_write && !w->order_reported && !w->quiet) {
		w->order_reported = true;
		finding(d, VLP_SEV_ERROR, "ring-write-order", SEC(d, "2.7.4.2", "2.8.17"),
			"chain %u: device-readable descriptor %s%u after a device-writable one",
			w->c->position, where, desc->index);
	}
}

/* Follows the indirect table of descriptor ind (2.7.5.3, 2.8.7): len / 16
 * descriptors at addr; split tables chain by next from entry 0, packed
 * tables are sequential. */
static void follow_indirect(struct dec *d, struct walk *w, struct vlp_ring_desc *ind)
{
	const char *sec_len = SEC(d, "2.7.5.3", "2.8.7");
	const char *sec_rule = SEC(d, "2.7.5.3.1", "2.8.19");
	unsigned pos = w->c ? w->c->position : 0;
	uint64_t n = ind->len / DESC_BYTES;
	uint8_t *tab, *seen;
	unsigned i, nested = 0, bad_flags = 0;

	if (ind->len % DESC_BYTES || !n) {
		if (!w->quiet)
			finding(d, VLP_SEV_ERROR, "ring-indirect-len", sec_len,
				"chain %u: indirect table at 0x%llx has length %u, not a non-zero multiple of 16",
				pos, (unsigned long long)ind->addr, ind->len);
		if (!n)
			return;
	}
	if (n > VLP_GUESTMEM_READ_MAX / DESC_BYTES)
		n = VLP_GUESTMEM_READ_MAX / DESC_BYTES; /* a valid chain has at most 32768 */
	if (n * DESC_BYTES > d->indirect_left) {
		w->unknown = true;
		if (!w->quiet)
			finding(d, VLP_SEV_INFO, "ring-memory", NULL,
				"chain %u: indirect table at 0x%llx not followed: %u bytes of indirect tables read already",
				pos, (unsigned long long)ind->addr, VLP_RING_INDIRECT_BUDGET);
		return;
	}
	/* the table read, and a byte per entry to see loops */
	if (!charge(d, n * (DESC_BYTES + 1))) {
		w->unknown = true;
		return;
	}
	d->indirect_left -= n * DESC_BYTES;
	if (w->quiet) {
		tab = malloc(n * DESC_BYTES);
		if (!tab || vlp_guestmem_read(d->ctx, d->mem, ind->addr, tab, n * DESC_BYTES) < 0) {
			free(tab);
			w->unknown = true; /* no used.len verdict */
			return;
		}
		d->ring->bytes_read += n * DESC_BYTES;
	} else {
		char what[64];

		snprintf(what, sizeof(what), "chain %u: indirect table", pos);
		tab = read_area(d, what, ind->addr, n * DESC_BYTES);
		if (!tab)
			return;
	}
	seen = calloc(n, 1);
	if (!seen) {
		free(tab);
		d->err = -ENOMEM;
		return;
	}
	for (i = 0; i < n;) {
		struct vlp_ring_desc one, *x = &one;

		if (seen[i]) {
			if (!w->quiet)
				finding(d, VLP_SEV_ERROR, "ring-chain-loop",
					SEC(d, "2.7.5.2", "2.8.17"),
					"chain %u: indirect table at 0x%llx loops back to entry %u",
					pos, (unsigned long long)ind->addr, i);
			break;
		}
		seen[i] = 1;
		if (!w->quiet) {
			x = push_desc(d, &ind->indirect, &ind->nindirect);
			if (!x)
				break;
		}
		decode_desc(d, tab + (size_t)i * DESC_BYTES, (uint16_t)i, x);
		account(d, w, x, "indirect ");
		/* Each fault once per table: a hostile table does not flood. */
		if ((x->flags & VLP_DESC_F_INDIRECT) && !w->quiet && !nested++)
			finding(d, VLP_SEV_ERROR, "ring-indirect-nested", sec_rule,
				"chain %u: indirect entry %u sets INDIRECT (one table per descriptor)",
				pos, i);
		if (d->packed) {
			/* 2.8.19: only WRITE is valid inside an indirect table. */
			if ((x->flags & ~(VLP_DESC_F_WRITE | VLP_DESC_F_INDIRECT)) && !w->quiet &&
			    !bad_flags++)
				finding(d, VLP_SEV_WARNING, "ring-flags", "2.8.19",
					"chain %u: indirect entry %u has flags 0x%x (only WRITE is valid there)",
					pos, i, x->flags);
			i++;
			continue;
		}
		if (!(x->flags & VLP_DESC_F_NEXT))
			break;
		if (x->next >= n) {
			if (!w->quiet)
				finding(d, VLP_SEV_ERROR, "ring-next-range", "2.7.5.3",
					"chain %u: indirect entry %u has next %u beyond the table's %llu entries",
					pos, i, x->next, (unsigned long long)n);
			break;
		}
		i = x->next;
	}
	free(seen);
	free(tab);
}

/* 2.7.5.3.1 (2.8.19): INDIRECT needs the feature and excludes NEXT. */
static void indirect_rules(struct dec *d, struct walk *w, const struct vlp_ring_desc *x, bool in_list)
{
	const char *sec = SEC(d, "2.7.5.3.1", "2.8.19");

	if (w->quiet)
		return;
	if (!has(d, VLP_F_INDIRECT_DESC))
		finding(d, VLP_SEV_ERROR, "ring-indirect-feature", sec,
			"chain %u: descriptor %u sets INDIRECT but VIRTIO_F_INDIRECT_DESC is not negotiated",
			w->c->position, x->index);
	if (in_list)
		finding(d, VLP_SEV_ERROR, "ring-indirect-next", sec,
			"chain %u: descriptor %u sets INDIRECT in a list chained by NEXT",
			w->c->position, x->index);
}

static void check_length(struct dec *d, struct walk *w)
{
	if (!w->quiet && w->total > d->size)
		finding(d, VLP_SEV_WARNING, "ring-chain-length", SEC(d, "2.7.5.3.1", "2.8.17"),
			"chain %u: %zu descriptors, longer than the queue size %u", w->c->position,
			w->total, d->size);
}

/* Split chain from head through the descriptor table (2.7.5).  number is
 * the chain's number + 1 (claims descriptors), 0 for a quiet walk. */
static void walk_split(struct dec *d, struct walk *w, uint16_t head, uint32_t number)
{
	struct vlp_ring_chain *c = w->c;
	unsigned i = head;

	/* size + 1 steps: with claims, the step after visiting every
	 * descriptor meets a claimed one. */
	for (unsigned steps = 0; steps <= d->size; steps++) {
		struct vlp_ring_desc one, *x = &one;

		if (number && d->claimed[i]) {
			if (d->claimed[i] == number)
				finding(d, VLP_SEV_ERROR, "ring-chain-loop", "2.7.5.2",
					"chain %u: descriptor %u is reached twice (a loop)",
					c->position, i);
			else
				finding(d, VLP_SEV_WARNING, "ring-chain-overlap", "2.7.13.1",
					"chain %u: descriptor %u already belongs to another chain in flight",
					c->position, i);
			return;
		}
		if (number)
			d->claimed[i] = number;
		else if (d->claimed[i]) {
			w->unknown = true; /* reused by a chain in flight */
			return;
		}
		if (!w->quiet) {
			x = push_desc(d, &c->descs, &c->ndescs);
			if (!x)
				return;
		}
		decode_desc(d, d->desc + (size_t)i * DESC_BYTES, (uint16_t)i, x);
		if (x->flags & VLP_DESC_F_INDIRECT) {
			/* 2.7.5.3.2: WRITE of the descriptor naming a table is ignored. */
			w->total++;
			indirect_rules(d, w, x, x->flags & VLP_DESC_F_NEXT);
			follow_indirect(d, w, x);
			check_length(d, w);
			if (c)
				c->complete = !(x->flags & VLP_DESC_F_NEXT) && !d->err && !d->stopped;
			return;
		}
		account(d, w, x, "");
		if (!(x->flags & VLP_DESC_F_NEXT)) {
			check_length(d, w);
			if (c)
				c->complete = true;
			return;
		}
		if (x->next >= d->size) {
			if (!w->quiet)
				finding(d, VLP_SEV_ERROR, "ring-next-range", "2.7.5",
					"chain %u: descriptor %u has next %u, beyond the queue size %u",
					c->position, i, x->next, d->size);
			w->unknown = true;
			return;
		}
		i = x->next;
	}
	/* Only without claims (quiet): more steps than descriptors, a loop. */
	w->unknown = true;
}

static struct vlp_ring_chain *push_chain(struct dec *d)
{
	struct vlp_ring *r = d->ring;
	struct vlp_ring_chain *c;

	if ((r->nchains & (r->nchains - 1)) == 0) {
		size_t cap = r->nchains ? r->nchains * 2 : 1;
		struct vlp_ring_chain *a;

		if (!charge(d, (cap - r->nchains) * sizeof(*a)))
			return NULL;
		a = realloc(r->chains, cap * sizeof(*a));
		if (!a) {
			d->err = -ENOMEM;
			return NULL;
		}
		r->chains = a;
	}
	c = &r->chains[r->nchains++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* used.len beyond the chain's device-writable bytes (2.7.8.2: the device
 * writes at least len bytes "beginning at the first device-writable
 * buffer").  The chain is walked as the table holds it now, so only heads
 * that are free (not in a chain in flight) are judged; legacy devices are
 * not (2.7.8.1: len was often set incorrectly). */
/* 2.7.7.1 (driver, avail flags) and 2.7.10.2 (device, used flags): 0 or 1
 * without EVENT_IDX, 0 with it; the event fields count only with it
 * (2.7.7.2 and 2.7.10.1: the other side "MUST ignore" them). */
static void check_split_flags(struct dec *d)
{
	struct vlp_ring *r = d->ring;
	bool ev = has(d, VLP_F_EVENT_IDX);

	if (r->avail.flags > (ev ? 0 : 1))
		finding(d, VLP_SEV_WARNING, "ring-flags", "2.7.7.1", "avail flags 0x%x (%s)",
			r->avail.flags, ev ? "must be 0 with VIRTIO_F_EVENT_IDX" : "must be 0 or 1");
	if (r->used.flags > (ev ? 0 : 1))
		finding(d, VLP_SEV_WARNING, "ring-flags", "2.7.10.2", "used flags 0x%x (%s)",
			r->used.flags, ev ? "must be 0 with VIRTIO_F_EVENT_IDX" : "must be 0 or 1");
	if (!ev && d->avail && r->avail.used_event)
		finding(d, VLP_SEV_INFO, "ring-event-idx", "2.7.7.2",
			"used_event %u is set but VIRTIO_F_EVENT_IDX is not negotiated: the device ignores it",
			r->avail.used_event);
	if (!ev && d->used && r->used.avail_event)
		finding(d, VLP_SEV_INFO, "ring-event-idx", "2.7.10.1",
			"avail_event %u is set but VIRTIO_F_EVENT_IDX is not negotiated: the driver ignores it",
			r->used.avail_event);
}

static void decode_split(struct dec *d, unsigned last_used)
{
	const struct vlp_field_table *at = vlp_avail_table(), *ut = vlp_used_table(),
				     *et = vlp_used_elem_table();
	struct vlp_ring *r = d->ring;
	unsigned size = d->size, n, k;

	if (d->avail) {
		r->avail.flags = (uint16_t)fld(at, VLP_AVAIL_FLAGS, d->avail);
		r->avail.idx = (uint16_t)fld(at, VLP_AVAIL_IDX, d->avail);
		r->avail.used_event = (uint16_t)fld_sized(at, VLP_AVAIL_USED_EVENT, size, d->avail);
		if (!charge(d, size * sizeof(*r->avail.ring)))
			return;
		r->avail.ring = malloc(size * sizeof(*r->avail.ring));
		if (!r->avail.ring) {
			d->err = -ENOMEM;
			return;
		}
		for (unsigned i = 0; i < size; i++)
			r->avail.ring[i] = (uint16_t)vlp_field_read_mem(
				&at->fields[VLP_AVAIL_RING],
				d->avail + (size_t)at->fields[VLP_AVAIL_RING].width * i);
	}
	if (d->used) {
		r->used.flags = (uint16_t)fld(ut, VLP_USED_FLAGS, d->used);
		r->used.idx = (uint16_t)fld(ut, VLP_USED_IDX, d->used);
		r->used.avail_event = (uint16_t)fld_sized(ut, VLP_USED_AVAIL_EVENT, size, d->used);
	}
	check_split_flags(d);
	if (!d->avail || !d->used)
		return;

	/* 2.7.6/2.7.8: idx fields are free-running modulo 2^16.  2.7: "if
	 * Queue Size is 4 then at most 4 buffers can be queued at any given
	 * time". */
	r->in_flight = (uint16_t)(r->avail.idx - r->used.idx);
	n = r->in_flight;
	if (n > size) {
		finding(d, VLP_SEV_ERROR, "ring-in-flight", "2.7",
			"%u chains in flight (avail idx %u, used idx %u) but the queue holds at most %u",
			n, r->avail.idx, r->used.idx, size);
		n = size;
	}
	for (unsigned i = 0; i < n && !d->err && !d->stopped; i++) {
		uint16_t pos = (uint16_t)(r->used.idx + i);
		struct vlp_ring_chain *c = push_chain(d);
		struct walk w = { 0 };

		if (!c)
			return;
		c->position = pos;
		c->head = c->id = r->avail.ring[pos % size];
		/* 2.7.5: "The number of descriptors in the table is defined by
		 * the queue size". */
		if (c->head >= size) {
			finding(d, VLP_SEV_ERROR, "ring-head-range", "2.7.5",
				"chain %u: head %u is beyond the queue size %u", pos, c->head, size);
			continue;
		}
		if (!d->desc)
			continue;
		w.c = c;
		walk_split(d, &w, c->head, i + 1);
	}

	/* The newest used entries; positions below 0 are never shown. */
	k = last_used < size ? last_used : size;
	if (k > r->used.idx)
		k = r->used.idx;
	if (!charge(d, (k ? k : 1) * sizeof(*r->used.last)))
		return;
	r->used.last = calloc(k ? k : 1, sizeof(*r->used.last));
	if (!r->used.last) {
		d->err = -ENOMEM;
		return;
	}
	for (unsigned i = 0; i < k; i++) {
		struct vlp_ring_used_elem *e = &r->used.last[r->used.nlast++];
		uint16_t pos = (uint16_t)(r->used.idx - k + i);
		const uint8_t *p =
			d->used + ut->fields[VLP_USED_RING].offset + (size_t)(pos % size) * et->size;

		e->position = pos;
		e->id = (uint32_t)fld(et, VLP_USED_ELEM_ID, p);
		e->len = (uint32_t)fld(et, VLP_USED_ELEM_LEN, p);
		/* 2.7.8: id "indicates the head entry of the descriptor chain". */
		if (e->id >= size)
			finding(d, VLP_SEV_ERROR, "ring-used-id", "2.7.8",
				"used entry %u: id %u is not a descriptor chain head (queue size %u)",
				pos, e->id, size);
		/* used.len against the chain's writable bytes (2.7.8.2) is not
		 * judged here: once used, the driver may have freed the chain
		 * (an indirect table is freed at once) or reused its head, so
		 * one read shows stale descriptors.  Sampling judges it, with
		 * the chain as it was while in flight (vlp_ring_used_len_check). */
	}
}

/* 2.8.1: "VIRTQ_DESC_F_AVAIL and VIRTQ_DESC_F_USED bits are different for
 * an available descriptor and equal for a used descriptor". */
static bool pavail(const struct dec *d, unsigned slot, uint16_t *flags)
{
	const struct vlp_field_table *t = vlp_packed_desc_table();
	uint16_t f = (uint16_t)fld(t, VLP_PDESC_FLAGS, d->desc + (size_t)slot * DESC_BYTES);

	if (flags)
		*flags = f;
	return !(f & VLP_DESC_F_AVAIL) != !(f & VLP_DESC_F_USED);
}

static void check_event(struct dec *d, const char *which, uint16_t flags)
{
	unsigned v = flags & EVENT_FLAGS_MASK;

	/* 2.8.14: bits 2-15 of flags are reserved, set to 0; 2.8.10: 0x3 is
	 * reserved, DESC "only valid if VIRTIO_F_EVENT_IDX has been
	 * negotiated". */
	if (flags & ~EVENT_FLAGS_MASK)
		finding(d, VLP_SEV_WARNING, "ring-flags", "2.8.14",
			"%s event suppression flags 0x%x set reserved bits", which, flags);
	if (v == 3)
		finding(d, VLP_SEV_WARNING, "ring-flags", "2.8.10",
			"%s event suppression flags value 3 is reserved", which);
	if (v == VLP_EVENT_F_DESC && !has(d, VLP_F_EVENT_IDX))
		finding(d, VLP_SEV_WARNING, "ring-event-idx", "2.8.10",
			"%s event suppression uses DESC but VIRTIO_F_EVENT_IDX is not negotiated",
			which);
}

static void decode_packed(struct dec *d)
{
	const struct vlp_field_table *et = vlp_event_suppress_table();
	struct vlp_ring *r = d->ring;
	unsigned size = d->size;
	bool any = false, start_found = false;
	uint16_t f0;

	if (d->avail) {
		r->driver_event.desc = (uint16_t)fld(et, VLP_EVENT_DESC, d->avail);
		r->driver_event.flags = (uint16_t)fld(et, VLP_EVENT_FLAGS, d->avail);
		check_event(d, "driver", r->driver_event.flags);
	}
	if (d->used) {
		r->device_event.desc = (uint16_t)fld(et, VLP_EVENT_DESC, d->used);
		r->device_event.flags = (uint16_t)fld(et, VLP_EVENT_FLAGS, d->used);
		check_event(d, "device", r->device_event.flags);
	}
	if (!d->desc)
		return;

	/* The driver writes slots in ring order, AVAIL = its wrap counter
	 * (2.8.1), and so do device writes of used descriptors: slots before
	 * the driver's next one carry the current lap's AVAIL bit, the rest
	 * the previous lap's.  No step: a lap just ended (or nothing written:
	 * the counter starts at 1 over a zeroed ring, 2.8.1, 2.8.13). */
	pavail(d, 0, &f0);
	r->avail_wrap = !(f0 & VLP_DESC_F_AVAIL);
	for (unsigned i = 1; i < size; i++) {
		uint16_t f;

		pavail(d, i, &f);
		if (!(f & VLP_DESC_F_AVAIL) != !(f0 & VLP_DESC_F_AVAIL)) {
			r->next_avail = (uint16_t)i;
			r->avail_wrap = f0 & VLP_DESC_F_AVAIL;
			break;
		}
	}

	/* Lists start at an available slot whose predecessor is not an
	 * available one with NEXT (2.8.6); scanned oldest first, from the
	 * driver's next slot.  Each slot is walked at most once. */
	for (unsigned k = 0; k < size && !d->err && !d->stopped; k++) {
		unsigned s = (r->next_avail + k) % size, prev = (s + size - 1) % size;
		uint16_t pf;
		struct vlp_ring_chain *c;
		struct walk w = { 0 };
		unsigned j = s;

		if (!pavail(d, s, NULL))
			continue;
		any = true;
		if (size > 1 && pavail(d, prev, &pf) && (pf & VLP_DESC_F_NEXT))
			continue;
		start_found = true;
		c = push_chain(d);
		if (!c)
			return;
		c->position = c->head = (uint16_t)s;
		w.c = c;
		for (unsigned steps = 0;; steps++) {
			struct vlp_ring_desc *x;

			if (steps == size) {
				finding(d, VLP_SEV_WARNING, "ring-chain-length", "2.8.17",
					"chain %u: the list runs through all %u descriptors of the ring",
					s, size);
				break;
			}
			x = push_desc(d, &c->descs, &c->ndescs);
			if (!x)
				return;
			decode_desc(d, d->desc + (size_t)j * DESC_BYTES, (uint16_t)j, x);
			c->id = x->id; /* 2.8.6: the buffer id is in the last descriptor */
			if (x->flags & VLP_DESC_F_INDIRECT) {
				/* 2.8.7: WRITE is reserved in a descriptor naming a table. */
				w.total++;
				indirect_rules(d, &w, x, (x->flags & VLP_DESC_F_NEXT) || c->ndescs > 1);
				follow_indirect(d, &w, x);
			} else {
				account(d, &w, x, "");
			}
			if (!(x->flags & VLP_DESC_F_NEXT)) {
				c->complete = true;
				break;
			}
			j = (j + 1) % size;
			if (!pavail(d, j, NULL))
				break; /* the list's next slot is not available: incomplete */
		}
		check_length(d, &w);
	}
	if (any && !start_found)
		finding(d, VLP_SEV_WARNING, "ring-chain-length", "2.8.17",
			"every available descriptor continues with NEXT: a list longer than the queue size %u",
			size);
	r->in_flight = (unsigned)r->nchains;
}

static bool aligned(uint64_t a, unsigned n)
{
	return (a & (n - 1)) == 0;
}

void vlp_ring_legacy_layout(uint32_t pfn, unsigned queue_size, uint64_t *desc, uint64_t *avail,
			    uint64_t *used)
{
	/* 2.7.2: struct virtq { desc[Queue Size]; avail; pad to Queue Align;
	 * used }, with the avail ring's 2 x (3 + Queue Size) bytes (flags,
	 * idx, ring, used_event); 4.1.5.1.3.1: Queue Align 4096 and the
	 * Queue Address field holds the address divided by 4096. */
	uint64_t end;

	*desc = (uint64_t)pfn * LEGACY_ALIGN;
	*avail = *desc + (uint64_t)DESC_BYTES * queue_size;
	end = *avail + 2u * (3u + (uint64_t)queue_size);
	*used = (end + LEGACY_ALIGN - 1) & ~(uint64_t)(LEGACY_ALIGN - 1);
}

const char *vlp_ring_format_name(enum vlp_ring_format f)
{
	switch (f) {
	case VLP_RING_SPLIT:
		return "split";
	case VLP_RING_PACKED:
		return "packed";
	case VLP_RING_LEGACY_SPLIT:
		return "legacy-split";
	}
	return "?";
}

enum vlp_ring_format vlp_ring_format_for(uint64_t negotiated, bool legacy_interface)
{
	/* The legacy interface has 32 feature bits: no RING_PACKED (bit 34). */
	if (legacy_interface)
		return VLP_RING_LEGACY_SPLIT;
	return negotiated >> VLP_F_RING_PACKED & 1 ? VLP_RING_PACKED : VLP_RING_SPLIT;
}

int vlp_ring_read(struct vlp_ctx *ctx, struct vlp_guestmem *mem, const struct vlp_ring_params *p,
		  struct vlp_ring **out)
{
	return vlp_ring_read_budget(ctx, mem, p, NULL, out);
}

int vlp_ring_read_budget(struct vlp_ctx *ctx, struct vlp_guestmem *mem,
			 const struct vlp_ring_params *p, struct vlp_ring_budget *budget,
			 struct vlp_ring **out)
{
	struct vlp_ring_budget own = { 0 };
	struct dec d = { .ctx = ctx,
			 .mem = mem,
			 .size = p->size,
			 .indirect_left = VLP_RING_INDIRECT_BUDGET,
			 .rb = budget ? budget : &own };
	struct vlp_ring *r;
	size_t avail_len, used_len;

	*out = NULL;
	if (p->format != VLP_RING_SPLIT && p->format != VLP_RING_PACKED &&
	    p->format != VLP_RING_LEGACY_SPLIT)
		return vlp_error(ctx, EINVAL, "unknown ring format %d", (int)p->format);
	/* 2.7: "The maximum Queue Size value is 32768"; 2.8: up to 2^15. */
	if (p->size == 0 || p->size > VLP_RING_SIZE_MAX)
		return vlp_error(ctx, EINVAL, "queue size %u is not 1..%u", p->size, VLP_RING_SIZE_MAX);
	if (!d.rb->limit)
		d.rb->limit = VLP_RING_BUDGET_FIXED;
	r = calloc(1, sizeof(*r));
	if (!r)
		return vlp_error(ctx, ENOMEM, "out of memory");
	d.ring = r;
	(void)charge(&d, sizeof(*r));
	d.packed = p->format == VLP_RING_PACKED;
	d.legacy = p->format == VLP_RING_LEGACY_SPLIT;
	r->format = p->format;
	r->size = p->size;
	r->negotiated = p->negotiated;
	if (d.legacy) {
		vlp_ring_legacy_layout(p->pfn, p->size, &r->desc_addr, &r->driver_addr,
				       &r->device_addr);
	} else {
		r->desc_addr = p->desc;
		r->driver_addr = p->driver;
		r->device_addr = p->device;
	}

	/* 2.7: a split queue size "is always a power of 2" (not so for packed,
	 * 2.8.10.1). */
	if (!d.packed && (p->size & (p->size - 1)))
		finding(&d, VLP_SEV_WARNING, "ring-size", "2.7",
			"queue size %u is not a power of 2", p->size);
	/* 2.7.1 and 2.8.11: alignment of each part (2.7 and 2.8.10.1 tables). */
	if (!aligned(r->desc_addr, 16) || !aligned(r->driver_addr, d.packed ? 4 : 2) ||
	    !aligned(r->device_addr, 4))
		finding(&d, VLP_SEV_ERROR, "ring-alignment", SEC(&d, "2.7.1", "2.8.11"),
			"ring parts misaligned: descriptors 0x%llx (16), %s 0x%llx (%u), %s 0x%llx (4)",
			(unsigned long long)r->desc_addr, d.packed ? "driver area" : "avail",
			(unsigned long long)r->driver_addr, d.packed ? 4 : 2,
			d.packed ? "device area" : "used", (unsigned long long)r->device_addr);

	/* Sizes from the 2.7 and 2.8.10.1 tables. */
	avail_len = d.packed ? 4 : 6 + 2 * (size_t)p->size;
	used_len = d.packed ? 4 : 6 + 8 * (size_t)p->size;
	d.desc = read_area(&d, "descriptor table", r->desc_addr, (size_t)DESC_BYTES * p->size);
	d.avail = read_area(&d, d.packed ? "driver event suppression" : "available ring",
			    r->driver_addr, avail_len);
	d.used = read_area(&d, d.packed ? "device event suppression" : "used ring", r->device_addr,
			   used_len);
	r->desc_read = d.desc != NULL;
	r->driver_read = d.avail != NULL;
	r->device_read = d.used != NULL;
	if (charge(&d, p->size * sizeof(*d.claimed))) {
		d.claimed = calloc(p->size, sizeof(*d.claimed));
		if (!d.claimed)
			d.err = -ENOMEM;
	}

	if (!d.err && d.claimed) {
		if (d.packed)
			decode_packed(&d);
		else
			decode_split(&d, p->last_used ? p->last_used : VLP_RING_LAST_USED);
	}
	free(d.claimed);
	free(d.desc);
	free(d.avail);
	free(d.used);
	if (d.err) {
		vlp_ring_free(r);
		return vlp_error(ctx, -d.err, "out of memory decoding a ring");
	}
	*out = r;
	return 0;
}

static void free_descs(struct vlp_ring_desc *descs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(descs[i].indirect);
	free(descs);
}

void vlp_ring_free(struct vlp_ring *ring)
{
	if (!ring)
		return;
	for (size_t i = 0; i < ring->nchains; i++)
		free_descs(ring->chains[i].descs, ring->chains[i].ndescs);
	free(ring->chains);
	free(ring->avail.ring);
	free(ring->used.last);
	free(ring->findings);
	free(ring);
}
