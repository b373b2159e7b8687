/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The live view's panels (draw.c): what is shown and how it is laid out. */
#ifndef VLP_TUI_DRAW_H
#define VLP_TUI_DRAW_H

#include "collect.h"

enum tui_panel {
	PANEL_FEATURES,
	PANEL_DEVICE,
	PANEL_QUEUES,
	PANEL_MSIX,
	PANEL_MAP,
	PANEL_CHAINS,
	PANEL_COUNT
};

struct tui_view {
	bool show_map, show_help, paused;
	enum tui_panel focus;
	int scroll[PANEL_COUNT];  /* first content row shown */
	int hscroll;              /* columns of the queues table scrolled off to the left */
	int page[PANEL_COUNT];    /* rows shown at the last draw (PgUp/PgDn) */
	int content[PANEL_COUNT]; /* content rows at the last draw (scroll limit) */
	double interval;          /* seconds */
	bool color;               /* colours in use (not NO_COLOR, terminal has them) */
	char message[160];        /* a one-off note for the status line */
	int queue_sel;            /* --rings: the selected row of the Queues panel */
	int chains;               /* the chains view's queue index, -1: closed */
};

/* Colour pairs or their monochrome stand-ins; honours NO_COLOR. */
void tui_draw_init(struct tui_view *v);
void tui_draw(struct tui_data *d, struct tui_view *v);
/* The parts of the state the current view does not show. */
unsigned tui_view_skip(const struct tui_view *v);
/* The panels Tab moves through, in order; returns how many. */
int tui_focus_order(const struct tui_view *v, enum tui_panel order[PANEL_COUNT]);

#endif
