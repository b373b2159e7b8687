/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "libvirt" monitor transport: a running domain's QEMU monitor reached
 * through libvirt's passthrough, virDomainQemuMonitorCommand in JSON mode
 * (libvirt-qemu.h), for hosts where libvirtd owns QEMU's QMP socket.  The
 * commands go through monitor.c's read-only list like any transport's.
 * libvirt marks such a domain tainted ("custom-monitor"); the library says
 * so in a note the face prints, never itself.  Built with libvirt only when
 * the Makefile found pkg-config libvirt-qemu (VLP_HAVE_LIBVIRT); without
 * it every call says how to get it.
 *
 * libvirt is loaded at first use (dlopen), not linked: libvirt-qemu.so.0
 * brings some 55 shared libraries (glib, gnutls, libxml2, ICU, ...) whose
 * loading doubled the start-up time of every run of the tool and of every
 * program linked with libvlp, --domain or not (measured: 60 -> 126 ms for
 * one snapshot decoded), and a host without libvirt still runs everything
 * else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/monitor.h"
#include "vlp/libvirt.h"

#ifdef VLP_HAVE_LIBVIRT
#include <dlfcn.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

bool vlp_libvirt_built(void)
{
	return true;
}

/* The soname the build's headers belong to; libvirt.so.0 comes with it. */
#define LV_SONAME "libvirt-qemu.so.0"

/* The libvirt functions used, typed by libvirt's own declarations. */
static struct {
	__typeof__(virInitialize) *Initialize;
	__typeof__(virSetErrorFunc) *SetErrorFunc;
	__typeof__(virGetLastError) *GetLastError;
	__typeof__(virConnectOpen) *ConnectOpen;
	__typeof__(virConnectOpenReadOnly) *ConnectOpenReadOnly;
	__typeof__(virConnectClose) *ConnectClose;
	__typeof__(virConnectGetType) *ConnectGetType;
	__typeof__(virConnectListAllDomains) *ConnectListAllDomains;
	__typeof__(virDomainLookupByName) *DomainLookupByName;
	__typeof__(virDomainIsActive) *DomainIsActive;
	__typeof__(virDomainGetName) *DomainGetName;
	__typeof__(virDomainGetMessages) *DomainGetMessages;
	__typeof__(virDomainFree) *DomainFree;
	__typeof__(virDomainQemuMonitorCommand) *DomainQemuMonitorCommand;
} lv_api;

#define LV_SYM(name)                                                                               \
	{                                                                                          \
		"vir" #name, (void **)&lv_api.name                                                 \
	}
static const struct {
	const char *symbol;
	void **slot;
} lv_symbols[] = {
	LV_SYM(Initialize),          LV_SYM(SetErrorFunc),
	LV_SYM(GetLastError),        LV_SYM(ConnectOpen),
	LV_SYM(ConnectOpenReadOnly), LV_SYM(ConnectClose),
	LV_SYM(ConnectGetType),      LV_SYM(ConnectListAllDomains),
	LV_SYM(DomainLookupByName),  LV_SYM(DomainIsActive),
	LV_SYM(DomainGetName),       LV_SYM(DomainGetMessages),
	LV_SYM(DomainFree),          LV_SYM(DomainQemuMonitorCommand),
};

int vlp_libvirt_load(struct vlp_ctx *ctx)
{
	static void *handle;
	void *h;
	const char *why;

	if (handle)
		return 0;
	/* Kept loaded for the process's life: libvirt registers atexit and
	 * thread-local state that an unload would leave dangling. */
	h = dlopen(LV_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		return vlp_error(ctx, ENOTSUP, "libvirt: %s (install libvirt0)",
				 why ? why : LV_SONAME " cannot be loaded");
	}
	for (size_t i = 0; i < sizeof(lv_symbols) / sizeof(lv_symbols[0]); i++) {
		*lv_symbols[i].slot = dlsym(h, lv_symbols[i].symbol);
		if (!*lv_symbols[i].slot) {
			/* virDomainGetMessages came with libvirt 7.1 */
			int err = vlp_error(ctx, ENOTSUP, "libvirt: " LV_SONAME " has no %s (too old?)",
					    lv_symbols[i].symbol);

			dlclose(h);
			return err;
		}
	}
	handle = h;
	return 0;
}

struct lv_impl {
	virConnectPtr conn;
	virDomainPtr dom;
	char name[128];
	char where[160]; /* the URI, or "the default connection" */
};

/* libvirt prints every error on stderr unless told otherwise; the library
 * never prints, so its errors are only read back (virGetLastError). */
static void lv_quiet(void *arg, virErrorPtr err)
{
	(void)arg;
	(void)err;
}

static int lv_init(struct vlp_ctx *ctx)
{
	int err = vlp_libvirt_load(ctx);

	if (err)
		return err;
	lv_api.Initialize();
	lv_api.SetErrorFunc(NULL, lv_quiet);
	return 0;
}

static void lv_where(char *buf, size_t len, const char *uri)
{
	if (uri)
		snprintf(buf, len, "%s", uri);
	else
		snprintf(buf, len, "libvirt's default connection");
}

#define LV_PERMISSION " (permission denied: run as root or as a member of group libvirt)"

/* The last libvirt error as one line (libvirt's own words, newlines
 * flattened), its errno, in ctx; subject: "domain NAME" or "libvirt";
 * connecting: the error came from opening the connection. */
static int lv_fail(struct vlp_ctx *ctx, const char *subject, const char *where, bool connecting)
{
	const virError *e = lv_api.GetLastError();
	int code = e ? e->code : VIR_ERR_INTERNAL_ERROR;
	char msg[400];
	const char *hint = "";
	int err = EIO;

	snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "unknown libvirt error");
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	switch (code) {
	case VIR_ERR_NO_DOMAIN:
		return vlp_error(ctx, ENOENT, "%s: no such domain on %s", subject, where);
	case VIR_ERR_OPERATION_INVALID:
		err = ESRCH;
		break;
	case VIR_ERR_AUTH_FAILED:
	case VIR_ERR_AUTH_CANCELLED:
	case VIR_ERR_AUTH_UNAVAILABLE:
	case VIR_ERR_ACCESS_DENIED:
		err = EACCES;
		hint = LV_PERMISSION;
		break;
	case VIR_ERR_NO_SUPPORT:
	case VIR_ERR_OPERATION_UNSUPPORTED:
		err = ENOTSUP;
		break;
	case VIR_ERR_NO_CONNECT: /* no driver for that URI */
		err = ECONNREFUSED;
		break;
	case VIR_ERR_SYSTEM_ERROR:
	case VIR_ERR_RPC:
		if (e && e->int1 == EACCES) {
			err = EACCES;
			hint = LV_PERMISSION;
		} else {
			err = ECONNREFUSED;
			hint = " (is libvirtd running?)";
		}
		break;
	default:
		/* not root: polkit or the system bus said no, in its own words */
		if (connecting && geteuid() != 0) {
			err = EACCES;
			hint = LV_PERMISSION;
		}
		break;
	}
	return vlp_error(ctx, err, "%s: %s: %s%s", subject, where, msg, hint);
}

static int lv_exchange(struct vlp_ctx *ctx, void *impl, const char *command, char **reply)
{
	struct lv_impl *lv = impl;
	char subject[160], *result = NULL;

	*reply = NULL;
	if (lv_api.DomainQemuMonitorCommand(lv->dom, command, &result,
					    VIR_DOMAIN_QEMU_MONITOR_COMMAND_DEFAULT) < 0) {
		snprintf(subject, sizeof(subject), "domain %s", lv->name);
		return lv_fail(ctx, subject, lv->where, false);
	}
	if (!result)
		return vlp_error(ctx, EPROTO, "domain %s: libvirt returned no reply", lv->name);
	*reply = result; /* the reply object, as QEMU sent it (with libvirt's "id") */
	return 0;
}

static void lv_close(void *impl)
{
	struct lv_impl *lv = impl;

	if (!lv)
		return;
	if (lv->dom)
		lv_api.DomainFree(lv->dom);
	if (lv->conn)
		lv_api.ConnectClose(lv->conn);
	free(lv);
}

static const struct vlp_monitor_transport lv_transport = {
	.kind = "libvirt",
	.exchange = lv_exchange,
	.close = lv_close,
};

/* Whether libvirt lists the custom-monitor taint among the domain's
 * messages already (virDomainGetMessages, libvirt 7.1). */
static bool lv_tainted(virDomainPtr dom)
{
	char **msgs = NULL;
	int n = lv_api.DomainGetMessages(dom, &msgs, VIR_DOMAIN_MESSAGE_TAINTING);
	bool found = false;

	for (int i = 0; i < n; i++) {
		if (msgs[i] && strstr(msgs[i], "custom monitor"))
			found = true;
		free(msgs[i]);
	}
	free(msgs);
	return found;
}

int vlp_monitor_open_libvirt(struct vlp_ctx *ctx, const char *uri, const char *name,
			     struct vlp_monitor **out, char *note, size_t note_size)
{
	struct lv_impl *lv;
	char subject[160], label[160];
	const char *type;
	int err;

	*out = NULL;
	if (note && note_size)
		note[0] = '\0';
	if (!name || !*name)
		return vlp_error(ctx, EINVAL, "a libvirt domain needs a name");
	err = lv_init(ctx);
	if (err)
		return err;
	lv = calloc(1, sizeof(*lv));
	if (!lv)
		return vlp_error(ctx, ENOMEM, "out of memory");
	snprintf(lv->name, sizeof(lv->name), "%s", name);
	lv_where(lv->where, sizeof(lv->where), uri);
	snprintf(subject, sizeof(subject), "domain %s", lv->name);
	/* Read-write: libvirt refuses monitor commands on a read-only one. */
	lv->conn = lv_api.ConnectOpen(uri);
	if (!lv->conn) {
		err = lv_fail(ctx, subject, lv->where, true);
		lv_close(lv);
		return err;
	}
	type = lv_api.ConnectGetType(lv->conn);
	if (!type || strcmp(type, "QEMU") != 0) {
		err = vlp_error(ctx, ENOTSUP, "%s: %s is a %s connection, not QEMU's: no QEMU monitor",
				subject, lv->where, type ? type : "unknown");
		lv_close(lv);
		return err;
	}
	lv->dom = lv_api.DomainLookupByName(lv->conn, name);
	if (!lv->dom) {
		err = lv_fail(ctx, subject, lv->where, false);
		lv_close(lv);
		return err;
	}
	if (lv_api.DomainIsActive(lv->dom) != 1) {
		lv_close(lv);
		return vlp_error(ctx, ESRCH, "%s: not running", subject);
	}
	if (note && note_size)
		snprintf(note, note_size,
			 "domain %s: libvirt marks the domain tainted (custom-monitor) when "
			 "monitor commands are passed to it%s; only queries are sent",
			 lv->name, lv_tainted(lv->dom) ? ", as it already is" : "");
	snprintf(label, sizeof(label), "domain %s", lv->name);
	return vlp_monitor_new(ctx, &lv_transport, lv, label, out);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vlp_libvirt_domains(struct vlp_ctx *ctx, const char *uri, char ***names, size_t *count)
{
	virConnectPtr conn;
	virDomainPtr *doms = NULL;
	char where[160], **list = NULL;
	int n, err = 0;

	*names = NULL;
	*count = 0;
	lv_where(where, sizeof(where), uri);
	err = lv_init(ctx);
	if (err)
		return err;
	conn = lv_api.ConnectOpenReadOnly(uri);
	if (!conn)
		return lv_fail(ctx, "libvirt", where, true);
	n = lv_api.ConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		err = lv_fail(ctx, "libvirt", where, false);
		lv_api.ConnectClose(conn);
		return err;
	}
	if (n > 0 && !(list = calloc((size_t)n, sizeof(*list))))
		err = vlp_error(ctx, ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		const char *nm = lv_api.DomainGetName(doms[i]);

		if (!err && !(list[i] = strdup(nm ? nm : "")))
			err = vlp_error(ctx, ENOMEM, "out of memory");
		lv_api.DomainFree(doms[i]);
	}
	free(doms);
	lv_api.ConnectClose(conn);
	if (err) {
		vlp_libvirt_names_free(list, (size_t)n);
		return err;
	}
	if (n > 1)
		qsort(list, (size_t)n, sizeof(*list), name_cmp);
	*names = list;
	*count = (size_t)n;
	return 0;
}

#else /* !VLP_HAVE_LIBVIRT */

#define NO_LIBVIRT "built without libvirt (install libvirt-dev and rebuild)"

bool vlp_libvirt_built(void)
{
	return false;
}

int vlp_libvirt_load(struct vlp_ctx *ctx)
{
	return vlp_error(ctx, ENOTSUP, NO_LIBVIRT);
}

int vlp_monitor_open_libvirt(struct vlp_ctx *ctx, const char *uri, const char *name,
			     struct vlp_monitor **out, char *note, size_t note_size)
{
	(void)uri;
	(void)name;
	*out = NULL;
	if (note && note_size)
		note[0] = '\0';
	return vlp_error(ctx, ENOTSUP, NO_LIBVIRT);
}

int vlp_libvirt_domains(struct vlp_ctx *ctx, const char *uri, char ***names, size_t *count)
{
	(void)uri;
	*names = NULL;
	*count = 0;
	return vlp_error(ctx, ENOTSUP, NO_LIBVIRT);
}

#endif /* VLP_HAVE_LIBVIRT */

void vlp_libvirt_names_free(char **names, size_t count)
{
	if (!names)
		return;
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}
