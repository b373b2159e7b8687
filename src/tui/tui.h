/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The live view (--top).  Split like htop and nvtop: collect.c reads the
 * device and remembers what changed, draw.c turns that into curses panels,
 * tui.c runs the loop (keys, timing, the device picker, the REPL key).
 */
#ifndef VLP_TUI_H
#define VLP_TUI_H

#include "options.h"

/* The face's entry point (src/main.c). */
int tui_main(struct vlp_ctx *ctx, const struct options *o);

#endif
