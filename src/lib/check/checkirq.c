/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interrupt path checks: which event each MSI-X vector serves
 * (4.1.5.1.2) and what the MSI-X table says of it (checkrun.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"

/* ------------------------------------------------------ interrupt path */

/* One event a vector can be mapped to (4.1.5.1.2): the configuration
 * change, or a queue. */
struct irq_event {
	bool config;
	unsigned queue;
	bool active; /* the queue is enabled (config: always) */
	uint16_t vector;
};

#define IRQ_EVENTS_MAX 1025 /* the config event and at most 1024 queues read */

/* "queue 2 receiveq2" when the rings named it, else "queue 2". */
static const char *at_event(struct check_run *r, const struct irq_event *e)
{
	if (e->config) {
		snprintf(r->where, sizeof(r->where), "config");
		return r->where;
	}
	if (r->rings)
		for (size_t i = 0; i < r->rings->nqueues; i++)
			if (r->rings->queues[i].index == e->queue && r->rings->queues[i].name[0]) {
				snprintf(r->where, sizeof(r->where), "queue %u %s", e->queue,
					 r->rings->queues[i].name);
				return r->where;
			}
	return chk_at_queue(r, e->queue);
}

/* The MSI-X capability when enabled, or why vectors are not in use. */
static const char *need_msix(const struct check_run *r, const struct vlp_msix_cap **out)
{
	if (r->l->msix_index < 0)
		return "no MSI-X capability: the device interrupts through INTx";
	*out = &r->l->caps[r->l->msix_index].u.msix;
	if (!(*out)->enabled)
		return "MSI-X is disabled: the device interrupts through INTx (no vectors)";
	return NULL;
}

/* The vectors of the interface a driver uses (4.1.4.3 config_msix_vector,
 * queue_msix_vector; 4.1.4.10 the legacy ones), or why they are unknown. */
static const char *irq_events(struct check_run *r, struct irq_event *ev, size_t *n)
{
	const struct vlp_msix_cap *mc;
	const char *why = need_msix(r, &mc);
	bool legacy = vlp_legacy_interface_in_use(r->s);
	const struct vlp_field_table *t = legacy ? vlp_legacy_header_table() : vlp_common_cfg_table();
	const struct vlp_regs *regs = legacy ? &r->s->legacy : &r->s->common;
	const struct vlp_queue_state *qs = legacy ? r->s->legacy_queues : r->s->queues;
	size_t nq = legacy ? r->s->nlegacy_queues : r->s->nqueues;
	unsigned config_row = legacy ? VLP_LEGACY_CONFIG_MSIX_VECTOR : VLP_COMMON_CONFIG_MSIX_VECTOR;
	unsigned queue_row = legacy ? VLP_LEGACY_QUEUE_MSIX_VECTOR : VLP_COMMON_QUEUE_MSIX_VECTOR;
	unsigned active_row = legacy ? VLP_LEGACY_QUEUE_ADDRESS : VLP_COMMON_QUEUE_ENABLE;
	const struct vlp_field_value *fv;

	*n = 0;
	if (why)
		return why;
	if (!regs->table)
		return legacy ? "the legacy registers were not read"
			      : "the common configuration was not read";
	fv = vlp_regs_row(regs, t, config_row);
	if (fv && fv->valid)
		ev[(*n)++] = (struct irq_event){ .config = true,
						 .active = true,
						 .vector = (uint16_t)fv->value };
	for (size_t i = 0; i < nq && *n < IRQ_EVENTS_MAX; i++) {
		const struct vlp_field_value *vec = vlp_regs_row(&qs[i].regs, t, queue_row);
		const struct vlp_field_value *on = vlp_regs_row(&qs[i].regs, t, active_row);

		if (!vec || !vec->valid)
			continue;
		ev[(*n)++] = (struct irq_event){ .queue = qs[i].index,
						 .active = on && on->valid && on->value != 0,
						 .vector = (uint16_t)vec->value };
	}
	if (!*n)
		return "no vector register was read";
	return NULL;
}

/* Runs fn over the events; the array is too large for the stack of a
 * library call on a small thread. */
static const char *with_events(struct check_run *r,
			       void (*fn)(struct check_run *r, const struct irq_event *ev, size_t n))
{
	struct irq_event *ev = calloc(IRQ_EVENTS_MAX, sizeof(*ev));
	const char *why;
	size_t n;

	if (!ev) {
		r->out_of_memory = true;
		return NULL;
	}
	why = irq_events(r, ev, &n);
	if (!why)
		fn(r, ev, n);
	free(ev);
	return why;
}

/* 4.1.5.1.2: NO_VECTOR "disables" the event's interrupt.  A driver may do
 * that for a queue it polls (Linux maps no vector to a queue without a
 * callback), so it is a note: a queue the driver waits on would stall. */
static void irq_queue_vector(struct check_run *r, const struct irq_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ev[i].config && ev[i].active && ev[i].vector == VLP_NO_VECTOR)
			chk_report(r, VLP_SEV_INFO, -1, at_event(r, &ev[i]),
				   "queue %u is enabled with queue_msix_vector NO_VECTOR: the device sends it no used buffer notification, so the driver must poll it",
				   ev[i].queue);
}

/* 4.1.5.1.2.2: the driver maps events only to vectors of the table;
 * 4.1.5.1.2.1: the device reads back NO_VECTOR for a mapping it could not
 * make.  A vector beyond Table Size read back breaks one of the two. */
static void irq_vector_range(struct check_run *r, const struct irq_event *ev, size_t n)
{
	unsigned size = r->l->caps[r->l->msix_index].u.msix.table_size;

	for (size_t i = 0; i < n; i++)
		if (ev[i].vector != VLP_NO_VECTOR && ev[i].vector >= size)
			chk_report(r, VLP_SEV_ERROR, -1, at_event(r, &ev[i]),
				   "%s vector %u is beyond the MSI-X table (%u entries): its interrupt goes nowhere (a device answers NO_VECTOR to a mapping it cannot make)",
				   ev[i].config ? "config_msix_vector:" : "queue_msix_vector:",
				   ev[i].vector, size);
}

/* Several events on one vector: legitimate (4.1.5.1.2 lets any event map
 * to any vector; Linux falls back to one vector for all queues when it
 * gets fewer than queues + 1), but the handler then scans every queue. */
static void irq_vector_shared(struct check_run *r, const struct irq_event *ev, size_t n)
{
	enum { NAMED = 6 }; /* events named in a message; the rest counted */

	for (size_t i = 0; i < n; i++) {
		char list[128] = "";
		size_t len = 0, users = 0;
		bool first = true;

		if (!ev[i].active || ev[i].vector == VLP_NO_VECTOR)
			continue;
		for (size_t j = 0; j < i; j++)
			if (ev[j].active && ev[j].vector == ev[i].vector)
				first = false;
		if (!first)
			continue;
		for (size_t j = i; j < n; j++) {
			int k;

			if (!ev[j].active || ev[j].vector != ev[i].vector || users++ >= NAMED)
				continue;
			k = ev[j].config ? snprintf(list + len, sizeof(list) - len, "%sconfig",
						    len ? ", " : "")
					 : snprintf(list + len, sizeof(list) - len, "%squeue %u",
						    len ? ", " : "", ev[j].queue);
			if (k > 0 && len + (size_t)k < sizeof(list))
				len += (size_t)k;
		}
		if (users > NAMED)
			snprintf(list + len, sizeof(list) - len, " and %zu more", users - NAMED);
		if (users > 1)
			chk_report(r, VLP_SEV_INFO, -1, at_event(r, &ev[i]),
				   "vector %u is shared by %zu events (%s): its handler looks at each (Linux's fallback when it gets fewer vectors than queues + 1)",
				   ev[i].vector, users, list);
	}
}

/* PCI 6.8.2.9/6.8.2.10: a masked vector's message is held with its Pending
 * Bit set until unmasked.  Pending behind a mask on a vector in use: an
 * interrupt the driver is not getting. */
static void irq_masked_pending(struct check_run *r, const struct irq_event *ev, size_t n)
{
	const struct vlp_msix_cap *mc = &r->l->caps[r->l->msix_index].u.msix;

	for (size_t i = 0; i < n; i++) {
		const struct vlp_msix_entry *e;
		bool masked;

		if (!ev[i].active || ev[i].vector == VLP_NO_VECTOR || ev[i].vector >= r->s->nmsix)
			continue;
		e = &r->s->msix[ev[i].vector];
		if (!e->pending_valid || !e->pending || !e->control.valid)
			continue;
		masked = (e->control.value & VLP_MSIX_VECTOR_MASKED) || mc->function_mask;
		if (masked)
			chk_report(r, VLP_SEV_WARNING, -1, at_event(r, &ev[i]),
				   "vector %u is masked (%s) with its pending bit set: an interrupt is held back until it is unmasked",
				   ev[i].vector,
				   mc->function_mask ? "Function Mask" : "Vector Control");
	}
}

const char *check_irq_queue_vector(struct check_run *r)
{
	return with_events(r, irq_queue_vector);
}

const char *check_irq_vector_range(struct check_run *r)
{
	return with_events(r, irq_vector_range);
}

const char *check_irq_vector_shared(struct check_run *r)
{
	return with_events(r, irq_vector_shared);
}

const char *check_irq_masked_pending(struct check_run *r)
{
	if (r->l->msix_index >= 0 && r->l->caps[r->l->msix_index].u.msix.enabled && !r->s->nmsix)
		return "the MSI-X table and PBA were not read";
	return with_events(r, irq_masked_pending);
}
