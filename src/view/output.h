/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printers: one per output format, fed one decoded device at a time. */
#ifndef VLP_OUTPUT_H
#define VLP_OUTPUT_H

#include <stdio.h>

#include "json.h"
#include "vlp.h"

/* Parts of a device's text view, for showing one at a time (the REPL's
 * show command); 0 shows everything. */
enum show_section {
	SHOW_CAPS = 1u << 0,   /* identity, BARs, capabilities, findings */
	SHOW_MAP = 1u << 1,    /* BAR map and what a driver uses */
	SHOW_STATUS = 1u << 2, /* common configuration registers */
	SHOW_FEATURES = 1u << 3,
	SHOW_QUEUES = 1u << 4,
	SHOW_DEVICE = 1u << 5, /* device-specific configuration */
	SHOW_MSIX = 1u << 6,
	SHOW_LEGACY = 1u << 7,
};

struct output_opts {
	int verbose;       /* -v count */
	int numeric;       /* -n count */
	int hex;           /* -x count */
	bool domains;      /* -D */
	unsigned sections; /* enum show_section mask; 0: all */
};

static inline bool show_section(const struct output_opts *o, enum show_section s)
{
	return !o->sections || (o->sections & s);
}

struct output {
	FILE *f;
	struct vlp_ctx *ctx;
	struct output_opts opts;
	unsigned devices; /* printed so far */
	struct json json;
};

/* What is known of one device: config space decoded, and the registers
 * behind the BARs when they could be read. */
struct device_view {
	const struct vlp_device *dev;
	const struct vlp_layout *layout;
	const struct vlp_state *state; /* NULL: not read */
	const char *state_error;       /* why not, when it was tried */
	const struct vlp_irqs *irqs;   /* Linux's IRQs of a live device; NULL: not read */
	const char *irqs_error;        /* why not, when it was tried */
	bool rings_asked;              /* --rings: show what the rings hold */
	const struct vlp_rings *rings; /* NULL: not read (no state, or not asked) */
	const char *rings_error;       /* why rings is NULL when asked */
	/* --sample: reads asked for and their spacing (0: a single read) */
	unsigned sample_count, sample_interval_ms;
	bool samples_repeat; /* a snapshot: one moment, read once whatever was asked */
	const char *domain;  /* the libvirt domain it is in, every-domain listing; NULL: none */
};

struct printer {
	const char *name;
	void (*begin)(struct output *o);
	void (*device)(struct output *o, const struct device_view *v);
	void (*end)(struct output *o);
};

extern const struct printer text_printer;
extern const struct printer json_printer;

/* Prometheus text exposition 0.0.4 (print_prom.c): samples gathered from
 * devices (the listing) and check reports (--check), then written grouped
 * by metric, each series once, no timestamps. */
struct prom;
struct prom *prom_new(void);
void prom_device(struct prom *p, const struct device_view *v);
void prom_check(struct prom *p, const char *slot, const struct vlp_check_report *rep);
/* The collector's own metrics; mode "list" or "check" tells two textfiles
 * apart. */
void prom_collector(struct prom *p, const char *mode, double seconds, bool success, unsigned devices);
/* 0, or -1 when memory ran out and the output is incomplete. */
int prom_write(struct prom *p, FILE *f);
void prom_free(struct prom *p);

/* Findings of the layout or of the state: errors and warnings always,
 * info notes with -vvv (text); all of them in JSON. */
void text_findings(struct output *o, const struct vlp_finding *f, size_t n);
void json_finding_list(struct json *j, const char *key, const struct vlp_finding *f, size_t n);
/* A capability position, or null for what has none (-1). */
void json_position(struct json *j, const char *key, int position);

/* The state behind the BARs (print_state.c). */
void text_state(struct output *o, const struct device_view *v);
void json_state(struct output *o, const struct device_view *v);

/* The device's interrupts as Linux sees them, with the MSI-X table's mask
 * and pending bits and the events each vector serves where the state was
 * read (print_irq.c). */
void text_interrupts(struct output *o, const struct device_view *v);
void json_interrupts(struct output *o, const struct device_view *v);

/* Inside the queues (print_rings.c): the keys each queue object gains
 * (name, role, irq, and ring with --rings), and the text section of the
 * rings. */
void json_queue_extras(struct output *o, const struct device_view *v, bool legacy,
		       const struct vlp_queue_state *q);
void text_rings(struct output *o, const struct device_view *v);
/* One queue of text_rings (two tabs in): its line, and from -vv on its
 * flags, event fields, chains and findings (the REPL's ring, the live
 * view's chains); one chain at three tabs, descriptors from -vvv. */
/* sampled: the queue's verdict from --sample follows its line (a single
 * read's verdict is not-sampled and left out of the text). */
void text_queue_ring(struct output *o, const struct vlp_queue_ring *q, bool sampled);
void text_ring_chain(struct output *o, const struct vlp_ring *r, const struct vlp_ring_chain *ch);
/* The spec's name of a queue for the device type ("receiveq0"), and its
 * role. */
void format_queue_name(char *buf, size_t len, const struct device_view *v, bool legacy,
		       unsigned index, enum vlp_queue_role *role);
/* A queue's verdict in words: "device-stalled (host: fetched-not-completed)",
 * "progressing (host: moved while sampled)", "idle" (--sample's text, the
 * live view's verdict column). */
void format_verdict(char *buf, size_t len, const struct vlp_verdict *vd);

/* Guest memory for the rings (ringmem.c): /proc/kcore for live devices,
 * opened on the first read and kept until ring_memory_close; snapshots use
 * the memory they recorded. */
struct ring_memory {
	bool tried;
	struct vlp_guestmem *mem;
	char error[256]; /* why kcore could not be opened */
	/* The decoding budget of every ring read through it (the run's, or
	 * the live view's refresh: ring_memory_new_budget starts it again) */
	struct vlp_ring_budget budget;
};
/* Opens it for a live device (once): why it cannot be had, or NULL. */
const char *ring_memory_open(struct vlp_ctx *ctx, struct ring_memory *rm, const struct vlp_device *dev);
/* vlp_read_rings with that memory: 0, or a negative errno (message in ctx). */
int ring_memory_read(struct vlp_ctx *ctx, struct ring_memory *rm, struct vlp_device *dev,
		     const struct vlp_layout *layout, const struct vlp_state *state,
		     struct vlp_rings **out);
void ring_memory_close(struct ring_memory *rm);
/* A fresh budget for the reads that follow (the live view's refreshes). */
void ring_memory_new_budget(struct ring_memory *rm);

/* Shared by the printers. */
void format_slot(char *buf, size_t len, const struct vlp_slot *s, bool domain);
/* --stats: the accesses made on a device, one line on f ("virtio-lspci:
 * stats: SLOT backend=... config_reads=N config_writes=N bar_reads=N
 * bar_writes=N"). */
void print_access_stats(FILE *f, const struct vlp_device *dev);
/* The device type's title ("Network device", "Virtio device type 99"). */
void format_type_title(char *buf, size_t len, const struct vlp_layout *l);
/* "Network device [1af4:1041] (modern)": how every face names a device. */
void format_device_title(char *buf, size_t len, const struct vlp_layout *l);
/* lspci's size notation: 512K, 4M, 32. */
void format_size(char *buf, size_t len, uint64_t size);
/* Value of a table field as text: decimal or hex by the field's flags,
 * "<unavailable>" when not read. */
void format_field(char *buf, size_t len, const struct vlp_field *f, const struct vlp_val *v);
/* A register value read from a block: scalars like format_field, arrays
 * as MAC, string or a list of elements. */
void format_value(char *buf, size_t len, const struct vlp_field *f, const struct vlp_field_value *v);
/* format_value, then for a bit-named scalar the names of its set bits:
 * "0x0f (ACKNOWLEDGE DRIVER DRIVER_OK FEATURES_OK)"; with say_none, "(none)"
 * when no bit is set.  (Enum names come with format_value already.) */
void format_named_value(char *buf, size_t len, const struct vlp_field *f,
			const struct vlp_field_value *v, bool say_none);
/* Names of the set bits of a bit-named value, space-separated ("bitN"
 * for unnamed bits); "" when none is set. */
void format_bit_names(char *buf, size_t len, const struct vlp_names *names, uint64_t value);
/* The device's virtio type (5), 0 when unknown. */
unsigned view_device_type(const struct device_view *v);
/* The events an MSI-X vector serves: "config, queues 0-62, queue 64"; ""
 * when none. */
void format_vector_users(char *buf, size_t len, const struct vlp_state *s, unsigned vector);
/* The same value as JSON: number, string (MAC, strings), array, or null. */
void json_value(struct json *j, const char *key, const struct vlp_field *f,
		const struct vlp_field_value *v);

#endif
