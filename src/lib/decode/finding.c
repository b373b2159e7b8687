/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the decoder's files record into the layout: findings and capabilities. */
#include <stdarg.h>
#include <string.h>

#include "finding.h"

void vlp_finding(struct vlp_decode_state *st, const char *check, enum vlp_severity sev,
		 const char *section, int position, const char *fmt, ...)
{
	struct vlp_layout *l = st->layout;
	va_list ap;

	va_start(ap, fmt);
	if (!vlp_findings_append(&l->findings, &l->nfindings, &st->findings_alloc, check, sev,
				 section, position, fmt, ap))
		st->out_of_memory = true;
	va_end(ap);
}

struct vlp_cap *vlp_cap_append(struct vlp_decode_state *st)
{
	struct vlp_layout *l = st->layout;
	struct vlp_cap *c;

	if (vlp_grow((void **)&l->caps, &st->caps_alloc, l->ncaps, sizeof(*c), 16)) {
		st->out_of_memory = true;
		return NULL;
	}
	c = &l->caps[l->ncaps++];
	memset(c, 0, sizeof(*c));
	return c;
}
