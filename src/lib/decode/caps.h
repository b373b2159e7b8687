/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capability chains (caps.c), walked by the decoder. */
#ifndef VLP_CAPS_H
#define VLP_CAPS_H

#include "finding.h"

void vlp_decode_cap_chain(struct vlp_decode_state *st);
void vlp_decode_ecap_chain(struct vlp_decode_state *st);

#endif
