/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parsed command line and the device session, shared by every face
 * (list, REPL, live view, checker, diff).  No face's entry point is
 * declared here: each face has its own header, and only src/main.c knows
 * them all. */
#ifndef VLP_OPTIONS_H
#define VLP_OPTIONS_H

#include <stdbool.h>

#include "output.h"
#include "vlp.h"

#define PROG "virtio-lspci"

/* The exit status table (--help, the man page's EXIT STATUS): 0 done and
 * nothing wrong found, 1 an input or runtime problem or something found
 * (--check errors, --diff differences, a --selftest step failed), 2 a
 * usage error.  EXIT_FOUND is the faces' "ran, and found something": the
 * process exits 1 for it (exit_status()); main tells it from a problem
 * only to keep --textfile's metrics of a run that worked. */
enum exit_code { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_FOUND = 3 };

static inline int exit_status(int ret)
{
	return ret == EXIT_FOUND ? EXIT_RUNTIME : ret;
}

/* What the run does; one per run. */
enum mode {
	MODE_LIST,        /* the default: decode and print devices */
	MODE_REPL,        /* -i / -c: commands on one device */
	MODE_TOP,         /* --top: the live view of one device */
	MODE_CHECK,       /* --check: conformance findings */
	MODE_DIFF,        /* --diff A B */
	MODE_LIST_CHECKS, /* --list-checks */
	MODE_NEGOTIATE,   /* --negotiate SLOT...: the feature probe */
	MODE_NUDGE,       /* --nudge=Q SLOT...: the kick probe */
	MODE_SELFTEST,    /* --selftest SLOT...: drive each device without its driver */
};

#define MAX_SELECTORS 64
#define SAMPLE_COUNT_MAX 1000u
#define WATCH_CONFIG_MAX_S 600u /* --watch-config: at most ten minutes */
#define SAMPLE_INTERVAL_MIN_MS 10u
#define SAMPLE_INTERVAL_MAX_MS 60000u
#define SAMPLE_INTERVAL_DEFAULT_MS 200u

struct session;

struct options {
	enum mode mode;
	struct output_opts out;
	const struct printer *printer;
	bool json;            /* -J / -o json */
	bool junit;           /* -o junit: --check as JUnit XML */
	bool prometheus;      /* -o prometheus, --textfile */
	const char *textfile; /* --textfile=PATH: the output written there atomically */
	const char *dump_path;
	const char *qmp_path;    /* --qmp: a VM through QEMU's monitor */
	const char *monitor_log; /* --monitor-log=FILE: every monitor command and reply */
	enum vlp_dump_format format;
	/* A VM's devices through libvirt: --domain=NAME, --all-domains (the
	 * listing: every running domain), --connect=URI (NULL: the default) */
	const char *libvirt_domain;
	bool all_domains;
	const char *libvirt_uri;
	/* The monitor the devices are read through (main opens --domain's, the
	 * every-domain listing one per domain) and, in that listing, the domain
	 * each device is labelled with; NULL: none. */
	struct vlp_monitor *monitor;
	const char *domain_label;
	const char *access_method;
	enum vlp_access_mode access; /* BAR access */
	bool passive, read_isr, stats;
	bool rings; /* --rings: read what the rings hold */
	/* --sample=COUNT[xINTERVAL]: reads of the rings (0: not given) */
	unsigned sample_count, sample_interval_ms;
	const char *save_path;
	const char *slots[MAX_SELECTORS];
	unsigned nslots;
	const char *ids[MAX_SELECTORS];
	unsigned nids;
	/* writes (REPL, --check --active, --negotiate) */
	bool force, dry_run, yes;
	bool rebind;             /* --selftest --rebind, --check --exercise --rebind */
	bool media_writes;       /* --check --exercise --media-writes */
	bool config_writes;      /* --check --exercise --config-writes */
	unsigned watch_config_s; /* --check --exercise --watch-config=SECONDS (0: none) */
	bool hostile;            /* --check --exercise --hostile */
	const char *commands;    /* -c: batch commands */
	/* --nudge=Q: the queue (index or name), --timeout in ms */
	const char *nudge_queue;
	unsigned timeout_ms;
	bool timeout_set;
	/* live view */
	double interval; /* seconds */
	/* checker */
	bool active, strict;
	bool exercise; /* --check --exercise (implies active) */
	/* The REPL on a session another face holds (the live view's 'i' key),
	 * set by main so that no face calls another directly; NULL: none. */
	int (*repl_session)(struct session *s, const struct options *o);
};

/* One device a face works on: opened from the selection (slots, IDs, -F),
 * decoded, with BAR access when it could be had. */
struct session {
	struct vlp_ctx *ctx;
	struct vlp_source *src;
	struct vlp_filter *filter;
	struct vlp_device *dev;
	struct vlp_layout *layout;
	char name[32];        /* "0000:00:04.0" */
	const char *origin;   /* "live", "dump" or "snapshot" */
	bool bars;            /* BAR access is open */
	char bars_error[512]; /* why not, when it was tried */
	unsigned warnings;    /* input lines refused alone, said on stderr: exit 1 */
};

/* Opens the one device the options select (slots, IDs, -F); a message on
 * stderr and an exit code when none or several match.  BAR access is opened
 * with bopts (NULL: not at all); its failure is kept in bars_error, not an
 * error.  Returns EXIT_OK or an exit code. */
int session_open(struct session *s, struct vlp_ctx *ctx, const struct options *o,
		 const struct vlp_bar_opts *bopts);
/* Same, for an explicit source: a dump/snapshot path (NULL: live) and a
 * slot (NULL: the only device). */
int session_open_source(struct session *s, struct vlp_ctx *ctx, const char *dump_path,
			const char *slot, const struct options *o, const struct vlp_bar_opts *bopts);
/* Decodes config space again (after config writes); BAR access stays. */
int session_redecode(struct session *s);
void session_close(struct session *s);

/* The virtio devices the selection matches, by slot name, for pickers and
 * messages: calls fn for each; returns how many or -1 (message printed). */
int session_list(struct vlp_ctx *ctx, const struct options *o,
		 void (*fn)(void *arg, const char *slot, const char *summary), void *arg);

/* The QEMU monitor of the libvirt domain name on uri (NULL: default):
 * libvirt's taint note said once on stderr; -1 with the message there. */
int open_domain(struct vlp_ctx *ctx, const char *uri, const char *name, struct vlp_monitor **out);
/* The virtio devices of a dump (dump_path), a VM's monitor (o->monitor) or
 * the live system, through filter; -1 with the message on stderr. */
int open_source(struct vlp_ctx *ctx, const struct options *o, const char *dump_path,
		struct vlp_filter *filter, struct vlp_source **out);
/* The filter of the options and the source of the devices it selects:
 * EXIT_OK, or EXIT_USAGE (bad slot or ID) / EXIT_RUNTIME (the source could
 * not be opened) with the message on stderr and nothing left to free. */
int open_selection(struct vlp_ctx *ctx, const struct options *o, struct vlp_filter **filter,
		   struct vlp_source **src);
/* The slots and IDs asked for, as "00:04.0, 1af4:1041", for messages. */
void describe_selection(const struct options *o, char *buf, size_t len);
/* Each line of the input refused for dev alone (vlp_device_warning) on
 * stderr as "virtio-lspci: warning: FILE:LINE: why"; how many. */
unsigned say_device_warnings(const struct vlp_device *dev);
/* The slot and ID criteria of the options as a filter (NULL: none). */
int build_filter(struct vlp_ctx *ctx, const struct options *o, struct vlp_filter **out);

#endif
