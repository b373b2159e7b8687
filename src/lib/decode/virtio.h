/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The virtio structure capabilities (virtio.c), for the decoder's files. */
#ifndef VLP_VIRTIO_H
#define VLP_VIRTIO_H

#include "finding.h"

void vlp_decode_virtio_cap(struct vlp_decode_state *st, struct vlp_cap *cap);
/* After the chain: which capability a driver uses, mandatory ones. */
void vlp_virtio_choose(struct vlp_decode_state *st);
/* BAR a structure lives in, checked: NULL with *why set when a driver
 * could not use it. */
const struct vlp_bar *vlp_bar_for_structure(const struct vlp_layout *l, unsigned bar, const char **why);

#endif
