/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interrupt path of a device as Linux sees it: for each MSI-X entry
 * (or the INTx line) the Linux IRQ, the name the driver gave it, its counts
 * and affinity (no device access needed), plus the entry's mask and
 * pending bits where the MSI-X table could be read. */
#include <inttypes.h>
#include <stdio.h>

#include "output.h"

/* The MSI-X table entry behind an IRQ, when the state has it. */
static const struct vlp_msix_entry *msix_entry(const struct device_view *v, const struct vlp_irq *irq)
{
	if (!v->state || irq->kind != VLP_IRQ_MSIX || irq->entry < 0 ||
	    (size_t)irq->entry >= v->state->nmsix)
		return NULL;
	return &v->state->msix[irq->entry];
}

static const char *kind_title(enum vlp_irq_kind k)
{
	return k == VLP_IRQ_MSIX ? "MSI-X" : k == VLP_IRQ_MSI ? "MSI" : "INTx";
}

void text_interrupts(struct output *o, const struct device_view *v)
{
	const struct vlp_irqs *irqs = v->irqs;

	if (!irqs) {
		/* A dump or snapshot has no Linux to ask: JSON says so, the
		 * text keeps quiet. */
		if (v->irqs_error && vlp_device_origin(v->dev) == VLP_ORIGIN_LIVE)
			fprintf(o->f, "\tInterrupts: unavailable (%s)\n", v->irqs_error);
		return;
	}
	if (!irqs->count) {
		fprintf(o->f, "\tInterrupts: none requested (no driver holds an IRQ)\n");
		return;
	}
	fprintf(o->f, "\tInterrupts (Linux): %zu %s IRQ%s\n", irqs->count,
		kind_title(irqs->items[0].kind), irqs->count == 1 ? "" : "s");
	for (size_t i = 0; i < irqs->count; i++) {
		const struct vlp_irq *it = &irqs->items[i];
		const struct vlp_msix_entry *e = msix_entry(v, it);
		char users[256] = "";

		if (it->entry >= 0)
			fprintf(o->f, "\t\tVector %d: ", it->entry);
		else
			fprintf(o->f, "\t\t%s: ", kind_title(it->kind));
		fprintf(o->f, "IRQ %u", it->linux_irq);
		if (!it->counted) {
			fprintf(o->f, " (not in /proc/interrupts)\n");
			continue;
		}
		fprintf(o->f, " %s, %" PRIu64 " interrupt%s", it->name[0] ? it->name : "(unnamed)",
			it->count, it->count == 1 ? "" : "s");
		if (it->affinity[0])
			fprintf(o->f, ", affinity %s", it->affinity);
		if (e)
			fprintf(o->f, ", masked%c pending%c",
				!e->control.valid                             ? '?'
				: (e->control.value & VLP_MSIX_VECTOR_MASKED) ? '+'
									      : '-',
				!e->pending_valid ? '?'
				: e->pending      ? '+'
						  : '-');
		if (v->state && it->entry >= 0)
			format_vector_users(users, sizeof(users), v->state, (unsigned)it->entry);
		if (users[0])
			fprintf(o->f, " (%s)", users);
		fputc('\n', o->f);
		if (o->opts.verbose >= 2) {
			fprintf(o->f, "\t\t\tper CPU:");
			for (unsigned c = 0; c < it->ncpus; c++)
				fprintf(o->f, " CPU%u=%" PRIu64, c, it->per_cpu[c]);
			fprintf(o->f, "; chip %s\n", it->chip);
		}
	}
}

void json_interrupts(struct output *o, const struct device_view *v)
{
	struct json *j = &o->json;
	const struct vlp_irqs *irqs = v->irqs;

	if (!irqs) {
		json_null(j, "interrupts");
		json_string(j, "interrupts_error", v->irqs_error);
		return;
	}
	json_begin_array(j, "interrupts");
	for (size_t i = 0; i < irqs->count; i++) {
		const struct vlp_irq *it = &irqs->items[i];
		const struct vlp_msix_entry *e = msix_entry(v, it);
		char users[256];

		json_begin_object(j, NULL);
		json_string(j, "kind", vlp_irq_kind_name(it->kind));
		if (it->entry >= 0)
			json_uint(j, "vector", (unsigned)it->entry);
		else
			json_null(j, "vector");
		json_uint(j, "linux_irq", it->linux_irq);
		json_string(j, "name", it->counted ? it->name : NULL);
		json_string(j, "chip", it->counted ? it->chip : NULL);
		if (it->counted) {
			json_uint(j, "count", it->count);
			json_begin_array(j, "per_cpu");
			for (unsigned c = 0; c < it->ncpus; c++)
				json_uint(j, NULL, it->per_cpu[c]);
			json_end_array(j);
		} else {
			json_null(j, "count");
			json_null(j, "per_cpu");
		}
		json_string(j, "affinity", it->affinity[0] ? it->affinity : NULL);
		if (e && e->control.valid)
			json_bool(j, "masked", e->control.value & VLP_MSIX_VECTOR_MASKED);
		else
			json_null(j, "masked");
		if (e && e->pending_valid)
			json_bool(j, "pending", e->pending);
		else
			json_null(j, "pending");
		/* The same words as the MSI-X table's used_by (state.msix[]). */
		users[0] = '\0';
		if (v->state && it->entry >= 0)
			format_vector_users(users, sizeof(users), v->state, (unsigned)it->entry);
		json_string(j, "used_by", users[0] ? users : NULL);
		json_end_object(j);
	}
	json_end_array(j);
}
