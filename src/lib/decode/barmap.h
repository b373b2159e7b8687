/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BAR map (barmap.c): where each structure lies, after the chain. */
#ifndef VLP_BARMAP_H
#define VLP_BARMAP_H

#include "finding.h"

void vlp_build_bar_map(struct vlp_decode_state *st);

#endif
