/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The decoder's working state, shared by its files (decode.c at the top,
 * caps.c, virtio.c, barmap.c below it), and how each records what it found. */
#ifndef VLP_FINDING_H
#define VLP_FINDING_H

#include "internal.h"

/* Decoder state beyond the public layout. */
struct vlp_decode_state {
	struct vlp_layout *layout;
	const struct vlp_device *dev;
	bool out_of_memory;
	bool chain_unreadable; /* capability bytes were not available */
	size_t caps_alloc, findings_alloc;
};

/* Records a finding of conformance check `check` (an id of the check table
 * in check.c, which lists every rule once). */
void vlp_finding(struct vlp_decode_state *st, const char *check, enum vlp_severity sev,
		 const char *section, int position, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Appends a zeroed capability; NULL when out of memory. */
struct vlp_cap *vlp_cap_append(struct vlp_decode_state *st);

#endif
