/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal interfaces between the decoder's files. */
#ifndef VLP_DECODE_H
#define VLP_DECODE_H

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

/* The member of h that holds a row of vlp_pci_header_table() (pcicfg.c). */
struct vlp_val *vlp_header_slot(struct vlp_header *h, enum vlp_pci_header_row row);

void vlp_decode_cap_chain(struct vlp_decode_state *st);
void vlp_decode_ecap_chain(struct vlp_decode_state *st);
void vlp_decode_virtio_cap(struct vlp_decode_state *st, struct vlp_cap *cap);
/* After the chain: which capability a driver uses, mandatory ones. */
void vlp_virtio_choose(struct vlp_decode_state *st);
void vlp_build_bar_map(struct vlp_decode_state *st);

/* BAR a structure lives in, checked: NULL with *why set when a driver
 * could not use it. */
const struct vlp_bar *vlp_bar_for_structure(const struct vlp_layout *l, unsigned bar, const char **why);

#endif
