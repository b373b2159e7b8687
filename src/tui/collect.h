/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The live view's data (collect.c): what was read at each refresh, what
 * changed, the rings' samples and verdicts.  No curses here. */
#ifndef VLP_TUI_COLLECT_H
#define VLP_TUI_COLLECT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "options.h"
#include "output.h"

/* How many refreshes a changed value stays highlighted. */
#define TUI_HIGHLIGHT_REFRESHES 3

/* One displayed value, by a hash of its key ("q0.queue_size"). */
struct tui_change {
	uint64_t key;        /* 0: empty slot */
	uint64_t value;      /* hash of the text shown */
	unsigned changed_at; /* refresh number of the last change, 0 never */
};

/* One queue's ring at the last refresh, against the refresh before
 * (--rings).  Split rings give indices and rates; packed rings (2.8) have
 * no indices in memory: the driver's next slot stands for avail. */
/* Refreshes a queue's verdict weighs (at 1 s: the last 5 seconds). */
#define TUI_VERDICT_WINDOW 5

struct tui_ring_sample {
	bool read; /* the ring was read at the last refresh */
	bool packed;
	uint16_t avail, used; /* split: avail.idx, used.idx; packed: next_avail, 0 */
	unsigned in_flight;
	/* Against the refresh before (vlp_queue_rates) */
	struct vlp_queue_rates rates;
	/* The library's verdict over the last refreshes (vlp_rings_step: the
	 * same rules as --sample). */
	enum vlp_verdict_state verdict;
	/* A host device (--qmp): the cause only QEMU's side shows, and whether
	 * the queue moved between this refresh's two reads (the state's QEMU
	 * indices, then the ring) */
	enum vlp_host_cause host_cause;
	bool moved;
	char verdict_text[64]; /* "device-stalled (host: fetched-not-completed)" */
};

struct tui_data {
	struct session *session;
	const struct options *opts;
	struct vlp_state *state; /* the last read; NULL: none (values show N/A) */
	char error[512];         /* why the last read failed or was partial; "" none */
	bool gone;               /* the device disappeared: the error panel */
	bool is_static;          /* a snapshot: the values never change */
	char driver[64];         /* driver bound now, "" none */
	/* BAR access is opened for each read and closed after it, so that the
	 * per-device lock is held as briefly as by the printers and other
	 * instances (a REPL batch) can work on the device between reads. */
	struct vlp_bar_opts bar_opts;
	char backend[32];        /* how the last read reached the BARs, "" none */
	struct timespec read_at; /* CLOCK_MONOTONIC of the last read */
	unsigned refreshes;      /* reads made so far */
	unsigned skipped;        /* enum vlp_state_skip of the last read */
	/* Feature bits ever set by the device or the driver: the grid's rows,
	 * kept so that a bit the driver clears stays visible (and marked). */
	uint32_t features_seen[VLP_FEATURE_WORDS];
	struct tui_change *changes; /* open-addressing hash table */
	size_t nchanges, changes_cap;
	char **map_lines; /* the capability/BAR map as the text printer shows it */
	size_t nmap_lines;
	/* --rings: the rings, read from memory at every refresh (no BAR
	 * access of their own: their addresses come from the registers the
	 * view reads anyway, and are taken again only when config_generation,
	 * device_status or a queue's queue_enable changed, or on 'r'). */
	bool rings_on;
	bool rings_reread;       /* take the ring addresses again at the next read */
	struct ring_memory mem;  /* /proc/kcore, opened once (live devices) */
	struct vlp_rings *rings; /* NULL: not read (rings_error says why) */
	uint64_t rings_key;      /* hash of the registers the addresses depend on */
	char rings_error[320];   /* why no ring is shown or some only in part, "" otherwise */
	struct vlp_irqs *irqs;   /* Linux's IRQs (live), read with every sample */
	struct tui_ring_sample *samples; /* by rings->queues */
	size_t nsamples;
	char **chain_lines; /* the chains view's text */
	size_t nchain_lines;
	unsigned chain_lines_at; /* refresh they were rendered for (0: never) */
	int chain_lines_queue;   /* queue index they are of */
};

/* s has BAR access open or not (s->bars); it is closed here and opened
 * again for every read with bar_opts. */
void tui_data_init(struct tui_data *d, struct session *s, const struct options *o,
		   const struct vlp_bar_opts *bar_opts);
void tui_data_free(struct tui_data *d);
/* Reads the device again, leaving out the parts in skip (enum
 * vlp_state_skip); sets gone, error, driver and the read time. */
void tui_collect(struct tui_data *d, unsigned skip);
/* --rings: the ring of queue index (of the interface the driver uses) and
 * its sample; NULL when not read. */
const struct vlp_queue_ring *tui_ring(const struct tui_data *d, unsigned index,
				      const struct tui_ring_sample **sample);
/* A queue's state in one word, from its sample.  The one place that
 * decides it: "moving" (used advanced since the last refresh), "idle"
 * (nothing in flight), "waiting" (in flight, used still), "-" (no ring). */
/* The verdict of the last refreshes (vlp_verdict_judge), "-" when the ring
 * was not read. */
const char *tui_queue_verdict(const struct tui_ring_sample *s);
/* The chains view of queue index: the text printer's -vvv text of its
 * ring, rendered again when a refresh read the ring anew. */
void tui_chains_render(struct tui_data *d, unsigned index);
/* Renders the capability/BAR map again (after the REPL: config may have
 * changed). */
void tui_map_render(struct tui_data *d);
/* Notes the text a value is shown as under key; true while it differs from
 * what an earlier refresh showed, for TUI_HIGHLIGHT_REFRESHES refreshes. */
bool tui_changed(struct tui_data *d, const char *key, const char *text);

/* The register block holding status and features: modern common
 * configuration, or the legacy header when the driver uses the legacy
 * interface (vlp_legacy_interface_in_use); NULL when not read. */
const struct vlp_regs *tui_config_regs(const struct vlp_state *s);
/* A row of tui_config_regs(): common_row when it is the common
 * configuration, legacy_row (-1: none) when the legacy header; NULL when
 * the block lacks it or it is absent. */
const struct vlp_field_value *tui_reg(const struct vlp_regs *regs, int common_row, int legacy_row,
				      const struct vlp_field **field);
/* The queues and the device configuration of the interface the driver
 * uses (vlp_legacy_interface_in_use): the Queues panel and the rings'. */
const struct vlp_queue_state *tui_queues(const struct vlp_state *s, size_t *n);
const struct vlp_regs *tui_device_regs(const struct vlp_state *s);
/* Feature words of the device (offered) or of the driver (accepted). */
void tui_features(const struct vlp_state *s, bool driver, struct vlp_val words[VLP_FEATURE_WORDS]);
/* Seconds from a to b. */
double tui_elapsed(const struct timespec *a, const struct timespec *b);

#endif
