/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's monitor behind one handle: the read-only list every command
 * passes, QMP's error replies turned into errno and one line, the log of
 * every command sent, and the "recorded" transport that replays a
 * host-side snapshot's exchanges.  Transports: monitor_qmp.c (a unix
 * socket), monitor_libvirt.c (libvirt's passthrough), recorded (here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/monitor.h"

struct vlp_monitor {
	const struct vlp_monitor_transport *t;
	void *impl;
	char name[VLP_SOURCE_NAME_MAX];
	unsigned refs;
	void (*log)(void *arg, const char *command, const char *reply);
	void *log_arg;
	struct vlp_monitor_records *capture;
	unsigned long commands;
	double ms;
};

int vlp_monitor_new(struct vlp_ctx *ctx, const struct vlp_monitor_transport *t, void *impl,
		    const char *name, struct vlp_monitor **out)
{
	struct vlp_monitor *mon = calloc(1, sizeof(*mon));

	*out = NULL;
	if (!mon) {
		if (t->close)
			t->close(impl);
		return vlp_error(ctx, ENOMEM, "%s: out of memory", name);
	}
	mon->t = t;
	mon->impl = impl;
	mon->refs = 1;
	snprintf(mon->name, sizeof(mon->name), "%s", name);
	*out = mon;
	return 0;
}

struct vlp_monitor *vlp_monitor_ref(struct vlp_monitor *mon)
{
	if (mon)
		mon->refs++;
	return mon;
}

void vlp_monitor_close(struct vlp_monitor *mon)
{
	if (!mon || --mon->refs)
		return;
	if (mon->t->close)
		mon->t->close(mon->impl);
	free(mon);
}

void vlp_monitor_set_log(struct vlp_monitor *mon,
			 void (*fn)(void *arg, const char *command, const char *reply), void *arg)
{
	mon->log = fn;
	mon->log_arg = arg;
}

const char *vlp_monitor_name(const struct vlp_monitor *mon)
{
	return mon->name;
}

const char *vlp_monitor_kind(const struct vlp_monitor *mon)
{
	return mon->t->kind;
}

void vlp_monitor_stats(const struct vlp_monitor *mon, unsigned long *commands, double *ms)
{
	*commands = mon->commands;
	*ms = mon->ms;
}

/* The read-only list.  Everything here only reads QEMU's state (or, for
 * pmemsave, guest memory into a file of ours).  Never on it:
 * x-query-virtio-queue-element (it reads avail.idx from guest RAM into
 * QEMU's shadow_avail_idx: querying changes the device's state), and
 * anything that sets, adds, stops or migrates. */
static const char *const read_only[] = {
	"qmp_capabilities", /* the transport's own handshake */
	"query-version",
	"query-commands",
	"query-status",
	"query-pci",
	"qom-get", /* only the properties below */
	"x-query-virtio",
	"x-query-virtio-status",
	"x-query-virtio-queue-status",
	"x-query-virtio-vhost-queue-status",
	"human-monitor-command", /* only the HMP lines below */
	"pmemsave",              /* guest-physical memory into our own file */
};
/* qom-get: the PCI proxy's devfn and bus, to place a device with no id=
 * (their getters only copy a field). */
/* QOM property names of a PCI device (QEMU's names, not register rows). */
static const struct {
	const char *name;
} qom_properties[] = {
	{ "addr" },
	{ "parent_bus" },
};

/* "xp /NFU ADDR": N digits, F one of x d u o c i (format), U one of b h w
 * g (unit), ADDR 0x-hex.  Nothing else of HMP. */
static bool hmp_xp_ok(const char *l)
{
	size_t n = 0;

	if (strncmp(l, "xp /", 4))
		return false;
	l += 4;
	while (*l >= '0' && *l <= '9' && n < 8) {
		l++;
		n++;
	}
	if (!n || !*l || !strchr("xduo", *l))
		return false;
	l++;
	if (!*l || !strchr("bhwg", *l))
		return false;
	l++;
	if (strncmp(l, " 0x", 3))
		return false;
	l += 3;
	n = 0;
	while ((*l >= '0' && *l <= '9') || (*l >= 'a' && *l <= 'f') || (*l >= 'A' && *l <= 'F')) {
		l++;
		n++;
	}
	return n && n <= 16 && !*l;
}

bool vlp_monitor_allowed(const char *execute, const char *hmp_line)
{
	size_t i;

	for (i = 0; i < VLP_ARRAY_SIZE(read_only); i++)
		if (!strcmp(execute, read_only[i]))
			break;
	if (i == VLP_ARRAY_SIZE(read_only))
		return false;
	if (!strcmp(execute, "human-monitor-command"))
		return hmp_line && (!strcmp(hmp_line, "info mtree -f") || hmp_xp_ok(hmp_line));
	return true;
}

static bool qom_property_ok(const struct vlp_jv *args)
{
	const char *prop = vlp_jv_get_str(args, "property");
	size_t i;

	for (i = 0; prop && i < VLP_ARRAY_SIZE(qom_properties); i++)
		if (!strcmp(prop, qom_properties[i].name))
			return true;
	return false;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* QEMU's error reply as errno and one line. */
static int qmp_error(struct vlp_ctx *ctx, const struct vlp_monitor *mon, const char *execute,
		     const struct vlp_jv *err)
{
	const char *cls = vlp_jv_get_str(err, "class");
	const char *desc = vlp_jv_get_str(err, "desc");

	if (!desc)
		desc = "(no description)";
	if (cls && !strcmp(cls, "CommandNotFound")) {
		/* QEMU 7.2 under -compat unstable-input=reject: class
		 * CommandNotFound, "Unstable command x-query-virtio disabled by
		 * policy" (measured), while query-commands still lists it. */
		if (strstr(desc, "disabled by policy"))
			return vlp_error(ctx, ENOTSUP,
					 "%s: QEMU refuses %s: %s (QEMU runs with -compat "
					 "unstable-input=reject; the x-query-virtio* commands need "
					 "unstable-input=accept)",
					 mon->name, execute, desc);
		return vlp_error(ctx, ENOTSUP,
				 "%s: QEMU has no %s: %s (x-query-virtio* needs QEMU 7.2 or later)",
				 mon->name, execute, desc);
	}
	return vlp_error(ctx, EIO, "%s: %s: %s", mon->name, execute, desc);
}

int vlp_monitor_query(struct vlp_ctx *ctx, struct vlp_monitor *mon, const char *execute,
		      const char *arguments_json, struct vlp_jv **reply)
{
	struct vlp_jv *args = NULL, *top = NULL;
	const struct vlp_jv *ret, *err;
	char *command = NULL, *text = NULL, qexec[128];
	size_t need;
	double t0;
	int rc;

	*reply = NULL;
	if (arguments_json && (vlp_json_parse(ctx, "monitor command arguments", arguments_json,
					      strlen(arguments_json), &args) ||
			       args->type != VLP_JV_OBJECT)) {
		vlp_jv_free(args);
		return vlp_error(ctx, EINVAL, "%s: %s: arguments are not a JSON object", mon->name,
				 execute);
	}
	if (!vlp_monitor_allowed(execute, vlp_jv_get_str(args, "command-line")) ||
	    (!strcmp(execute, "qom-get") && !qom_property_ok(args))) {
		vlp_jv_free(args);
		return vlp_error(ctx, EPERM, "%s: refused to send %s%s%s: not a read-only query",
				 mon->name, execute, arguments_json ? " " : "",
				 arguments_json ? arguments_json : "");
	}
	vlp_jv_free(args);
	if (vlp_json_quote(qexec, sizeof(qexec), execute) >= sizeof(qexec))
		return vlp_error(ctx, EINVAL, "%s: command name too long", mon->name);
	need = strlen(qexec) + (arguments_json ? strlen(arguments_json) : 0) + 40;
	command = malloc(need);
	if (!command)
		return vlp_error(ctx, ENOMEM, "%s: out of memory", mon->name);
	if (arguments_json)
		snprintf(command, need, "{\"execute\": %s, \"arguments\": %s}", qexec, arguments_json);
	else
		snprintf(command, need, "{\"execute\": %s}", qexec);
	t0 = now_ms();
	rc = mon->t->exchange(ctx, mon->impl, command, &text);
	mon->ms += now_ms() - t0;
	mon->commands++;
	if (mon->log)
		mon->log(mon->log_arg, command, rc ? vlp_ctx_error(ctx) : text);
	if (!rc && mon->capture && strcmp(execute, "human-monitor-command") &&
	    strcmp(execute, "pmemsave") && vlp_monitor_records_add(mon->capture, command, text))
		rc = vlp_error(ctx, ENOMEM, "%s: out of memory", mon->name);
	free(command);
	if (rc) {
		free(text);
		return rc;
	}
	rc = vlp_json_parse(ctx, mon->name, text, strlen(text), &top);
	free(text);
	if (rc)
		return rc;
	ret = vlp_jv_get(top, "return");
	err = vlp_jv_get(top, "error");
	if (err) {
		rc = qmp_error(ctx, mon, execute, err);
	} else if (!ret) {
		rc = vlp_error(ctx, EPROTO, "%s: %s: a reply with neither return nor error",
			       mon->name, execute);
	} else {
		/* detach the return value from the reply */
		size_t i;

		for (i = 0; i < top->n; i++)
			if (top->items[i] == ret)
				top->items[i] = NULL;
		*reply = (struct vlp_jv *)ret;
	}
	vlp_jv_free(top);
	return rc;
}

int vlp_monitor_hmp(struct vlp_ctx *ctx, struct vlp_monitor *mon, const char *command_line, char **text)
{
	char args[256], q[200];
	struct vlp_jv *r;
	int rc;

	*text = NULL;
	if (vlp_json_quote(q, sizeof(q), command_line) >= sizeof(q))
		return vlp_error(ctx, EINVAL, "%s: HMP command too long", mon->name);
	snprintf(args, sizeof(args), "{\"command-line\": %s}", q);
	rc = vlp_monitor_query(ctx, mon, "human-monitor-command", args, &r);
	if (rc)
		return rc;
	if (!vlp_jv_str(r)) {
		vlp_jv_free(r);
		return vlp_error(ctx, EPROTO, "%s: %s: the reply is not text", mon->name, command_line);
	}
	*text = r->s;
	r->s = NULL;
	vlp_jv_free(r);
	return 0;
}

void vlp_monitor_capture(struct vlp_monitor *mon, struct vlp_monitor_records *into)
{
	mon->capture = into;
}

int vlp_monitor_records_add(struct vlp_monitor_records *rs, const char *command, const char *reply)
{
	struct vlp_monitor_record *r;

	if (vlp_grow((void **)&rs->r, &rs->alloc, rs->n, sizeof(*rs->r), 16))
		return -ENOMEM;
	r = &rs->r[rs->n];
	r->command = strdup(command);
	r->reply = strdup(reply);
	if (!r->command || !r->reply) {
		free(r->command);
		free(r->reply);
		return -ENOMEM;
	}
	rs->n++;
	return 0;
}

int vlp_monitor_records_append(struct vlp_monitor_records *rs, const struct vlp_monitor_records *from)
{
	for (size_t i = 0; from && i < from->n; i++)
		if (vlp_monitor_records_add(rs, from->r[i].command, from->r[i].reply))
			return -ENOMEM;
	return 0;
}

void vlp_monitor_records_free(struct vlp_monitor_records *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->r[i].command);
		free(rs->r[i].reply);
	}
	free(rs->r);
	free(rs);
}

/* ------------------------------------------------------------------ */
/* The recorded transport: a snapshot's exchanges, replayed             */
/* ------------------------------------------------------------------ */

struct recorded {
	struct vlp_monitor_record *r;
	bool *used;
	size_t n;
};

static int recorded_exchange(struct vlp_ctx *ctx, void *impl, const char *command, char **reply)
{
	struct recorded *rec = impl;
	size_t i, last = rec->n;

	/* The next unused reply to the same command (samples repeat a command
	 * and get their replies in the order recorded), else the last one. */
	for (i = 0; i < rec->n; i++) {
		if (strcmp(rec->r[i].command, command))
			continue;
		last = i;
		if (!rec->used[i])
			break;
	}
	if (i == rec->n)
		i = last;
	if (i == rec->n)
		return vlp_error(ctx, ENODATA, "not recorded in the snapshot: %s", command);
	rec->used[i] = true;
	*reply = strdup(rec->r[i].reply);
	return *reply ? 0 : vlp_error(ctx, ENOMEM, "out of memory");
}

static void recorded_close(void *impl)
{
	struct recorded *rec = impl;
	size_t i;

	if (!rec)
		return;
	for (i = 0; i < rec->n; i++) {
		free(rec->r[i].command);
		free(rec->r[i].reply);
	}
	free(rec->r);
	free(rec->used);
	free(rec);
}

static const struct vlp_monitor_transport recorded_transport = {
	.kind = "recorded",
	.exchange = recorded_exchange,
	.close = recorded_close,
};

int vlp_monitor_open_recorded(struct vlp_ctx *ctx, const char *name,
			      const struct vlp_monitor_record *records, size_t n,
			      struct vlp_monitor **out)
{
	struct recorded *rec = calloc(1, sizeof(*rec));
	size_t i;

	*out = NULL;
	if (!rec)
		return vlp_error(ctx, ENOMEM, "%s: out of memory", name);
	rec->r = calloc(n ? n : 1, sizeof(*rec->r));
	rec->used = calloc(n ? n : 1, sizeof(*rec->used));
	if (!rec->r || !rec->used) {
		recorded_close(rec);
		return vlp_error(ctx, ENOMEM, "%s: out of memory", name);
	}
	for (i = 0; i < n; i++) {
		rec->r[i].command = strdup(records[i].command ? records[i].command : "");
		rec->r[i].reply = strdup(records[i].reply ? records[i].reply : "");
		rec->n = i + 1;
		if (!rec->r[i].command || !rec->r[i].reply) {
			recorded_close(rec);
			return vlp_error(ctx, ENOMEM, "%s: out of memory", name);
		}
	}
	return vlp_monitor_new(ctx, &recorded_transport, rec, name, out);
}
