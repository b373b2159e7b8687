/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growing arrays, appending findings and testing a feature bit: one
 * implementation each for the decoder, the state reader, the checker, the
 * BAR map, --diff, snapshots and the type registry. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int vlp_grow(void **arr, size_t *alloc, size_t count, size_t elem, size_t first)
{
	size_t n;
	void *p;

	if (count < *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : first;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*alloc = n;
	return 0;
}

struct vlp_finding *vlp_findings_append(struct vlp_finding **arr, size_t *count, size_t *alloc,
					const char *check, enum vlp_severity sev, const char *section,
					int position, const char *fmt, va_list ap)
{
	struct vlp_finding *f;

	if (vlp_grow((void **)arr, alloc, *count, sizeof(**arr), 8))
		return NULL;
	f = &(*arr)[(*count)++];
	f->severity = sev;
	f->section = section;
	f->position = position;
	f->check = check;
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	return f;
}

bool vlp_feature_on(const uint32_t words[VLP_FEATURE_WORDS], unsigned bit)
{
	return words && bit < 32 * VLP_FEATURE_WORDS && (words[bit / 32] >> (bit % 32) & 1);
}
