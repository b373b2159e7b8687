/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conformance checker's floor: the report a run fills (findings,
 * checks not made) and the helpers every check uses.  Calls nothing above
 * it (checkrun.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"

/* ------------------------------------------------------------ report */

void chk_grow(void **arr, size_t *alloc, size_t used, size_t size, bool *oom)
{
	if (vlp_grow(arr, alloc, used, size, 16))
		*oom = true;
}

void chk_add_finding(struct check_run *r, const struct vlp_check *check,
		     const struct vlp_finding *f, const char *where)
{
	struct vlp_check_report *rep = r->rep;
	struct vlp_check_finding *cf;

	chk_grow((void **)&rep->findings, &r->findings_alloc, rep->nfindings, sizeof(*cf),
		 &r->out_of_memory);
	if (r->out_of_memory)
		return;
	cf = &rep->findings[rep->nfindings++];
	memset(cf, 0, sizeof(*cf));
	cf->check = check;
	cf->finding = *f;
	if (!cf->finding.section && check)
		cf->finding.section = check->section;
	cf->finding.check = check ? check->id : f->check;
	if (f->position >= 0)
		snprintf(cf->where, sizeof(cf->where), f->position >= 0x100 ? "[%03x]" : "[%02x]",
			 (unsigned)f->position);
	else
		snprintf(cf->where, sizeof(cf->where), "%s",
			 where   ? where
			 : check ? check->where
				 : "device");
	rep->count[f->severity]++;
}

/* A finding of the running check. */
void chk_report(struct check_run *r, enum vlp_severity sev, int position, const char *where,
		const char *fmt, ...)
{
	struct vlp_finding f = { .severity = sev, .position = position };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f.message, sizeof(f.message), fmt, ap);
	va_end(ap);
	chk_add_finding(r, r->check, &f, where);
}

void chk_skip(struct check_run *r, const struct vlp_check *check, const char *reason)
{
	struct vlp_check_report *rep = r->rep;
	struct vlp_check_skip *sk;

	chk_grow((void **)&rep->skipped, &r->skipped_alloc, rep->nskipped, sizeof(*sk),
		 &r->out_of_memory);
	if (r->out_of_memory)
		return;
	sk = &rep->skipped[rep->nskipped++];
	sk->check = check;
	sk->not_asked = false;
	/* A reason longer than the report holds ends in "...", never silently cut. */
	if (snprintf(sk->reason, sizeof(sk->reason), "%s", reason) >= (int)sizeof(sk->reason))
		memcpy(sk->reason + sizeof(sk->reason) - 4, "...", 4);
}

void vlp_check_report_free(struct vlp_check_report *rep)
{
	if (!rep)
		return;
	free(rep->findings);
	free(rep->skipped);
	free(rep);
}

/* ------------------------------------------------------------ helpers */

bool chk_is_modern_interface(const struct vlp_layout *l)
{
	return l->virtio.transport == VLP_TRANSPORT_MODERN ||
	       l->virtio.transport == VLP_TRANSPORT_TRANSITIONAL;
}

const struct vlp_virtio_cap *chk_used_cap(const struct vlp_layout *l, uint8_t cfg_type)
{
	int i = l->driver_uses[cfg_type];

	return i >= 0 ? &l->caps[i].u.virtio : NULL;
}

/* "common.<row name>": where a finding about a common configuration row
 * points (the name the REPL takes for it). */
const char *chk_at_row(struct check_run *r, unsigned row)
{
	snprintf(r->where, sizeof(r->where), "%s.%s", vlp_block_name(VLP_BLOCK_COMMON),
		 vlp_common_cfg_table()->fields[row].name);
	return r->where;
}

const char *chk_at_queue(struct check_run *r, unsigned index)
{
	snprintf(r->where, sizeof(r->where), "queue %u", index);
	return r->where;
}

/* A common configuration row (enum vlp_common_row) as read. */
bool chk_regs_value(const struct vlp_regs *regs, unsigned row, uint64_t *v)
{
	const struct vlp_field_value *fv = vlp_regs_row(regs, vlp_common_cfg_table(), row);

	if (!fv || !fv->valid)
		return false;
	*v = fv->value;
	return true;
}

/* Whether the device offers a feature bit: -1 when not read. */
int chk_offered(const struct vlp_state *s, unsigned bit)
{
	bool on;

	return vlp_state_feature(s, false, bit, &on) ? on : -1;
}

const char *chk_need_common(const struct check_run *r)
{
	if (!chk_is_modern_interface(r->l))
		return "a legacy device has no modern common configuration";
	if (!r->s->common.table)
		return "the common configuration was not read";
	return NULL;
}

/* A common configuration row as read, or why a check on it cannot run. */
const char *chk_need_row(struct check_run *r, unsigned row, uint64_t *v)
{
	const char *why = chk_need_common(r);

	if (why || chk_regs_value(&r->s->common, row, v))
		return why;
	snprintf(r->why, sizeof(r->why), "%s was not read", vlp_common_cfg_table()->fields[row].name);
	return r->why;
}

const char *chk_need_queues(const struct check_run *r)
{
	const char *why = chk_need_common(r);

	if (why)
		return why;
	if (!r->s->nqueues)
		return r->s->passive ? "queues not read (passive access reads the selected queue only)"
				     : "no queue was read";
	return NULL;
}

bool chk_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* ------------------------------------------------------------ outcomes */

const char *vlp_check_outcome_name(enum vlp_check_outcome o)
{
	static const char *const names[] = {
		[VLP_OUTCOME_PASS] = "PASS",
		[VLP_OUTCOME_FAIL] = "FAIL",
		[VLP_OUTCOME_WARN] = "WARN",
		[VLP_OUTCOME_NOT_RUN] = "NOT RUN",
	};

	return (unsigned)o < VLP_ARRAY_SIZE(names) ? names[o] : NULL;
}

enum vlp_check_outcome vlp_check_outcome(const struct vlp_check_report *rep,
					 const struct vlp_check *c, const struct vlp_check_skip **skip)
{
	bool warned = false;

	if (skip)
		*skip = NULL;
	for (size_t i = 0; i < rep->nskipped; i++)
		if (rep->skipped[i].check == c) {
			if (skip)
				*skip = &rep->skipped[i];
			return VLP_OUTCOME_NOT_RUN;
		}
	for (size_t i = 0; i < rep->nfindings; i++) {
		if (rep->findings[i].check != c)
			continue;
		if (rep->findings[i].finding.severity == VLP_SEV_ERROR)
			return VLP_OUTCOME_FAIL;
		warned |= rep->findings[i].finding.severity == VLP_SEV_WARNING;
	}
	return warned ? VLP_OUTCOME_WARN : VLP_OUTCOME_PASS;
}

void chk_unskip(struct vlp_check_report *rep, const struct vlp_check *c)
{
	for (size_t i = 0; i < rep->nskipped; i++)
		if (rep->skipped[i].check == c) {
			memmove(&rep->skipped[i], &rep->skipped[i + 1],
				(rep->nskipped - i - 1) * sizeof(*rep->skipped));
			rep->nskipped--;
			return;
		}
}
