/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One device for the faces that work on one: REPL, live view, diff. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int build_filter(struct vlp_ctx *ctx, const struct options *o, struct vlp_filter **out)
{
	struct vlp_filter *f;

	*out = NULL;
	if (!o->nslots && !o->nids)
		return 0;
	if (vlp_filter_new(ctx, &f))
		return -1;
	for (unsigned i = 0; i < o->nslots; i++)
		if (vlp_filter_add_slot(ctx, f, o->slots[i]))
			goto fail;
	for (unsigned i = 0; i < o->nids; i++)
		if (vlp_filter_add_id(ctx, f, o->ids[i]))
			goto fail;
	*out = f;
	return 0;
fail:
	vlp_filter_free(f);
	return -1;
}

/* --monitor-log: the command sent, then QEMU's reply, a line each, written
 * as they pass (a run that fails halfway still shows what it sent). */
static void log_monitor(void *arg, const char *command, const char *reply)
{
	FILE *f = arg;

	fprintf(f, "%s\n%s\n", command, reply ? reply : "null");
	fflush(f);
}

/* The --monitor-log file, opened once for the run; NULL after saying why. */
static FILE *monitor_log_file(const struct options *o)
{
	static FILE *log;

	if (!log) {
		log = fopen(o->monitor_log, "ae");
		if (!log)
			fprintf(stderr, PROG ": --monitor-log %s: %s\n", o->monitor_log,
				strerror(errno));
	}
	return log;
}

/* The monitor of --qmp (opened here so that its first command is logged
 * too) or of --domain, with --monitor-log set on it; -1 after saying why. */
static int log_monitor_of(struct vlp_ctx *ctx, const struct options *o,
			  struct vlp_source_opts *sopts, struct vlp_monitor **opened)
{
	FILE *log = monitor_log_file(o);

	if (!log)
		return -1;
	if (sopts->qmp_path && !sopts->monitor) {
		if (vlp_monitor_open_qmp(ctx, sopts->qmp_path, 0, opened)) {
			fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
			return -1;
		}
		sopts->monitor = *opened;
	}
	if (sopts->monitor)
		vlp_monitor_set_log(sopts->monitor, log_monitor, log);
	return 0;
}

int open_domain(struct vlp_ctx *ctx, const char *uri, const char *name, struct vlp_monitor **out)
{
	char note[VLP_LIBVIRT_NOTE_MAX];

	if (vlp_monitor_open_libvirt(ctx, uri, name, out, note, sizeof(note))) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		return -1;
	}
	if (note[0])
		fprintf(stderr, PROG ": note: %s\n", note);
	return 0;
}

int open_source(struct vlp_ctx *ctx, const struct options *o, const char *dump_path,
		struct vlp_filter *filter, struct vlp_source **out)
{
	struct vlp_source_opts sopts = { 0 };
	struct vlp_monitor *mon = NULL;
	int err;

	sopts.dump_path = dump_path;
	sopts.format = o->format;
	sopts.access_method = dump_path ? NULL : o->access_method;
	sopts.qmp_path = dump_path ? NULL : o->qmp_path;
	sopts.monitor = dump_path ? NULL : o->monitor;
	sopts.filter = filter;
	sopts.virtio_only = true;
	if (!dump_path && o->monitor_log && log_monitor_of(ctx, o, &sopts, &mon))
		return -1;
	err = vlp_source_open(ctx, &sopts, out);
	vlp_monitor_close(mon);
	if (err) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		return -1;
	}
	return 0;
}

int open_selection(struct vlp_ctx *ctx, const struct options *o, struct vlp_filter **filter,
		   struct vlp_source **src)
{
	if (build_filter(ctx, o, filter)) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		return EXIT_USAGE;
	}
	if (open_source(ctx, o, o->dump_path, *filter, src)) {
		vlp_filter_free(*filter);
		*filter = NULL;
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

unsigned say_device_warnings(const struct vlp_device *dev)
{
	const char *w;
	unsigned n = 0;

	while ((w = vlp_device_warning(dev, n))) {
		fprintf(stderr, PROG ": warning: %s\n", w);
		n++;
	}
	return n;
}

static const char *origin_name(enum vlp_origin origin)
{
	switch (origin) {
	case VLP_ORIGIN_LIVE:
		return "live";
	case VLP_ORIGIN_DUMP:
		return "dump";
	case VLP_ORIGIN_SNAPSHOT:
		return "snapshot";
	case VLP_ORIGIN_HOST:
		return "host";
	}
	return "?";
}

static int open_filtered(struct session *s, struct vlp_ctx *ctx, const struct options *o,
			 const char *dump_path, struct vlp_filter *filter, const char *what)
{
	struct vlp_device *dev = NULL, *extra = NULL;
	int err;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->filter = filter;
	if (open_source(ctx, o, dump_path, filter, &s->src)) {
		session_close(s);
		return EXIT_RUNTIME;
	}
	err = vlp_source_next(s->src, &dev);
	if (err > 0)
		err = vlp_source_next(s->src, &extra);
	if (err < 0) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		vlp_device_free(dev);
		session_close(s);
		return EXIT_RUNTIME;
	}
	if (!dev && !extra) {
		if (what[0] && dump_path)
			fprintf(stderr, PROG ": %s: no virtio device matches %s\n", dump_path, what);
		else if (what[0])
			fprintf(stderr, PROG ": no virtio device matches %s\n", what);
		else
			fprintf(stderr, PROG ": %s: no virtio devices\n",
				dump_path ? dump_path : "this system");
		session_close(s);
		return EXIT_RUNTIME;
	}
	if (extra) {
		char a[32], b[32];

		format_slot(a, sizeof(a), vlp_device_slot(dev), true);
		format_slot(b, sizeof(b), vlp_device_slot(extra), true);
		fprintf(stderr,
			PROG ": %s: several virtio devices match (%s, %s, ...): name one slot\n",
			what[0] ? what : (dump_path ? dump_path : "this system"), a, b);
		vlp_device_free(extra);
		vlp_device_free(dev);
		session_close(s);
		return EXIT_USAGE;
	}
	s->dev = dev;
	s->warnings = say_device_warnings(dev);
	format_slot(s->name, sizeof(s->name), vlp_device_slot(dev), true);
	s->origin = origin_name(vlp_device_origin(dev));
	if (vlp_decode(ctx, dev, &s->layout)) {
		fprintf(stderr, PROG ": %s: %s\n", s->name, vlp_ctx_error(ctx));
		session_close(s);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static void open_bars(struct session *s, const struct vlp_bar_opts *bopts)
{
	if (!bopts)
		return;
	if (vlp_device_origin(s->dev) == VLP_ORIGIN_DUMP) {
		snprintf(s->bars_error, sizeof(s->bars_error),
			 "a dump holds config space only: no BAR contents");
		return;
	}
	if (!s->layout->virtio.is_virtio || !s->layout->nregions) {
		snprintf(s->bars_error, sizeof(s->bars_error),
			 "no virtio structure in BARs is known (capabilities not readable)");
		return;
	}
	if (vlp_device_open_bars(s->ctx, s->dev, s->layout, bopts) == 0)
		s->bars = true;
	else
		snprintf(s->bars_error, sizeof(s->bars_error), "%s", vlp_ctx_error(s->ctx));
}

void describe_selection(const struct options *o, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < o->nslots && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", o->slots[i]);
	for (unsigned i = 0; i < o->nids && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", o->ids[i]);
}

int session_open(struct session *s, struct vlp_ctx *ctx, const struct options *o,
		 const struct vlp_bar_opts *bopts)
{
	struct vlp_filter *filter;
	char what[512];
	int ret;

	memset(s, 0, sizeof(*s));
	if (build_filter(ctx, o, &filter)) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		return EXIT_USAGE;
	}
	describe_selection(o, what, sizeof(what));
	ret = open_filtered(s, ctx, o, o->dump_path, filter, what);
	if (ret == EXIT_OK)
		open_bars(s, bopts);
	return ret;
}

int session_open_source(struct session *s, struct vlp_ctx *ctx, const char *dump_path,
			const char *slot, const struct options *o, const struct vlp_bar_opts *bopts)
{
	struct vlp_filter *filter = NULL;
	int ret;

	memset(s, 0, sizeof(*s));
	if (slot && (vlp_filter_new(ctx, &filter) || vlp_filter_add_slot(ctx, filter, slot))) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		vlp_filter_free(filter);
		return EXIT_USAGE;
	}
	ret = open_filtered(s, ctx, o, dump_path, filter, slot ? slot : "");
	if (ret == EXIT_OK)
		open_bars(s, bopts);
	return ret;
}

int session_redecode(struct session *s)
{
	struct vlp_layout *l;

	if (vlp_decode(s->ctx, s->dev, &l))
		return -1;
	vlp_layout_free(s->layout);
	s->layout = l;
	return 0;
}

void session_close(struct session *s)
{
	if (s->dev) {
		vlp_device_close_bars(s->dev);
		vlp_device_free(s->dev);
	}
	vlp_layout_free(s->layout);
	vlp_source_close(s->src);
	vlp_filter_free(s->filter);
	memset(s, 0, sizeof(*s));
}

int session_list(struct vlp_ctx *ctx, const struct options *o,
		 void (*fn)(void *arg, const char *slot, const char *summary), void *arg)
{
	struct vlp_filter *filter;
	struct vlp_source *src;
	struct vlp_device *dev;
	int n = 0, err;

	if (open_selection(ctx, o, &filter, &src) != EXIT_OK)
		return -1;
	while ((err = vlp_source_next(src, &dev)) > 0) {
		struct vlp_layout *l;
		char slot[32], summary[160];

		format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
		summary[0] = '\0';
		if (vlp_decode(ctx, dev, &l) == 0) {
			format_device_title(summary, sizeof(summary), l);
			vlp_layout_free(l);
		}
		fn(arg, slot, summary);
		n++;
		vlp_device_free(dev);
	}
	if (err < 0) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		n = -1;
	}
	vlp_source_close(src);
	vlp_filter_free(filter);
	return n;
}
