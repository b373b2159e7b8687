/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's monitor (QMP) behind one handle, over transports: a unix socket
 * ("qmp", monitor.c), libvirt's monitor passthrough ("libvirt",
 * monitor_libvirt.c) and a recorded exchange replayed from a snapshot
 * ("recorded").  Only queries pass: vlp_monitor_query refuses any command
 * that is not on the read-only list (monitor.c).  Library-internal (core);
 * the faces see the handle through <vlp/host.h>.
 */
#ifndef VLP_CORE_MONITOR_H
#define VLP_CORE_MONITOR_H

#include "core/json.h"
#include "internal.h"

struct vlp_monitor_transport {
	const char *kind; /* "qmp", "libvirt", "recorded" */
	/* Sends one QMP command (JSON object text with "execute"), returns the
	 * reply object's text ({"return":..} or {"error":..}) in *reply
	 * (malloc'd): 0, or -errno with a message in ctx. */
	int (*exchange)(struct vlp_ctx *ctx, void *impl, const char *command, char **reply);
	void (*close)(void *impl);
};

/* Takes ownership of impl (closed through t->close even on failure); name
 * says where it is ("SOCKET" or "domain NAME"). */
int vlp_monitor_new(struct vlp_ctx *ctx, const struct vlp_monitor_transport *t, void *impl,
		    const char *name, struct vlp_monitor **out);

/* Another reference (a device, a memory kept over the monitor). */
struct vlp_monitor *vlp_monitor_ref(struct vlp_monitor *mon);

/* A query: refused (-EPERM, message) for any command not on the read-only
 * list.  reply: the parsed "return" value (free with vlp_jv_free); an
 * {"error"} is -EIO (or -ENOTSUP for CommandNotFound and for an unstable
 * command refused by -compat unstable-input=reject) with QEMU's desc in
 * the message. */
int vlp_monitor_query(struct vlp_ctx *ctx, struct vlp_monitor *mon, const char *execute,
		      const char *arguments_json /* NULL: none */, struct vlp_jv **reply);
/* HMP through human-monitor-command (only "info mtree -f" and "xp /..."
 * pass the list): *text the output (malloc'd). */
int vlp_monitor_hmp(struct vlp_ctx *ctx, struct vlp_monitor *mon, const char *command_line,
		    char **text);
/* true when the command (and, for human-monitor-command, its command
 * line) is on the read-only list. */
bool vlp_monitor_allowed(const char *execute, const char *hmp_line);
/* The transport's kind ("qmp", ...) and the name given at creation. */
const char *vlp_monitor_kind(const struct vlp_monitor *mon);
/* Commands sent so far and the milliseconds they took, for measurement. */
void vlp_monitor_stats(const struct vlp_monitor *mon, unsigned long *commands, double *ms);
/* Exchanges kept: what a host snapshot holds (# vlp-qmp lines). */
struct vlp_monitor_record {
	char *command;
	char *reply;
};
struct vlp_monitor_records {
	struct vlp_monitor_record *r;
	size_t n, alloc;
};
/* Appends copies: 0 or -ENOMEM. */
int vlp_monitor_records_add(struct vlp_monitor_records *rs, const char *command, const char *reply);
/* Appends (copies of) every record of from. */
int vlp_monitor_records_append(struct vlp_monitor_records *rs, const struct vlp_monitor_records *from);
void vlp_monitor_records_free(struct vlp_monitor_records *rs); /* and rs itself */
/* From now on every query's exchange (QEMU's reply, error replies too;
 * not HMP and pmemsave: memory goes into a snapshot as "# vlp-mem") is
 * appended to into; NULL stops. */
void vlp_monitor_capture(struct vlp_monitor *mon, struct vlp_monitor_records *into);

/* The recorded transport: replies looked up by command text in the order
 * recorded; a command never recorded is -ENODATA ("not recorded in the
 * snapshot"). */
int vlp_monitor_open_recorded(struct vlp_ctx *ctx, const char *name,
			      const struct vlp_monitor_record *records, size_t n,
			      struct vlp_monitor **out);

#endif /* VLP_CORE_MONITOR_H */
