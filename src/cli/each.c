/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one loop of the command-line faces that act on each selected
 * device (the listing, --check, --negotiate, --nudge, --selftest): the
 * selection, the JSON frame {"schema_version": 1, KEY: [...]}, one call
 * per device, and what is said when nothing matched; a face's differences
 * are hooks (struct cli_each).  And cli_drive_open: a live device opened
 * for writing, its refusal worded once for the faces that write; and
 * cli_rebind, --rebind after a face drove a device without its driver. */
#include <signal.h>
#include <stdio.h>

#include "cli.h"

#define SCHEMA_VERSION 1

/* Each device of src through face->one; the counts grow, the status is
 * returned (a source error ends the loop). */
static int each_of_source(struct vlp_ctx *ctx, const struct options *o, const struct cli_each *face,
			  struct vlp_source *src, struct json *jp, unsigned *devices,
			  unsigned *warnings)
{
	int ret = EXIT_OK, err;

	for (;;) {
		struct vlp_device *dev;

		err = vlp_source_next(src, &dev);
		if (err == 0)
			break;
		if (err < 0) {
			fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
			return EXIT_RUNTIME;
		}
		(*devices)++;
		*warnings += say_device_warnings(dev);
		err = face->one(face->arg, ctx, o, dev, jp);
		vlp_device_free(dev);
		if (err != EXIT_OK) {
			ret = err;
			if (face->stop_at_failure)
				break;
		}
	}
	return ret;
}

/* --all-domains: the devices of every running libvirt domain in turn, each
 * labelled with its domain (o->domain_label); a domain that cannot be read
 * is said and fails the run, the others are still listed. */
static int each_domain(struct vlp_ctx *ctx, const struct options *o, const struct cli_each *face,
		       struct vlp_filter *filter, struct json *jp, unsigned *devices,
		       unsigned *warnings)
{
	char **names;
	size_t n;
	int ret = EXIT_OK;

	if (vlp_libvirt_domains(ctx, o->libvirt_uri, &names, &n)) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		return EXIT_RUNTIME;
	}
	if (!n)
		fprintf(stderr, PROG ": %s: no running domain\n",
			o->libvirt_uri ? o->libvirt_uri : "libvirt's default connection");
	for (size_t i = 0; i < n; i++) {
		struct options od = *o;
		struct vlp_source *src = NULL;
		int err;

		od.domain_label = names[i];
		if (open_domain(ctx, o->libvirt_uri, names[i], &od.monitor) ||
		    open_source(ctx, &od, NULL, filter, &src)) {
			vlp_monitor_close(od.monitor);
			ret = EXIT_RUNTIME;
			continue;
		}
		err = each_of_source(ctx, &od, face, src, jp, devices, warnings);
		vlp_source_close(src);
		vlp_monitor_close(od.monitor);
		if (err != EXIT_OK) {
			ret = err;
			if (face->stop_at_failure)
				break;
		}
	}
	vlp_libvirt_names_free(names, n);
	/* no running domain has nothing to list: not an error, said above */
	return ret;
}

int cli_each_device(struct vlp_ctx *ctx, const struct options *o, const struct cli_each *face)
{
	struct vlp_filter *filter = NULL;
	struct vlp_source *src = NULL;
	struct json j, *jp = NULL;
	unsigned devices = 0, warnings = 0;
	int ret;

	if (o->all_domains) {
		if (build_filter(ctx, o, &filter)) {
			fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
			return EXIT_USAGE;
		}
	} else {
		ret = open_selection(ctx, o, &filter, &src);
		if (ret != EXIT_OK)
			return ret;
	}
	if (face->begin && (ret = face->begin(face->arg, o)) != EXIT_OK)
		goto out;
	if (face->json_key && o->json) {
		jp = &j;
		json_init(jp, stdout, true);
		json_begin_object(jp, NULL);
		json_uint(jp, "schema_version", SCHEMA_VERSION);
		json_begin_array(jp, face->json_key);
	}
	if (o->all_domains)
		ret = each_domain(ctx, o, face, filter, jp, &devices, &warnings);
	else
		ret = each_of_source(ctx, o, face, src, jp, &devices, &warnings);
	if (face->end) {
		ret = face->end(face->arg, o, ret, devices, src);
	} else if (!devices && ret == EXIT_OK && !o->all_domains) {
		char sel[256];

		describe_selection(o, sel, sizeof(sel));
		if (o->dump_path)
			fprintf(stderr, PROG ": %s: no virtio device matches %s\n", o->dump_path,
				sel[0] ? sel : "the selection");
		else
			fprintf(stderr, PROG ": %s: no such virtio device\n", sel);
		ret = EXIT_RUNTIME;
	}
	if (jp) {
		json_end_array(jp);
		if (face->summary)
			face->summary(face->arg, o, ret, jp);
		json_end_object(jp);
		fputc('\n', stdout);
	}
	/* A line refused alone: everything else was shown, the input is bad. */
	if (warnings && ret == EXIT_OK)
		ret = EXIT_RUNTIME;
out:
	vlp_source_close(src);
	vlp_filter_free(filter);
	return ret;
}

int cli_drive_open(struct vlp_ctx *ctx, const struct options *o, struct vlp_device *dev,
		   const struct vlp_layout *l, const char *slot, const char *option,
		   const char *live_verb, const char *bound_hint)
{
	struct vlp_drive_opts dopts = {
		.bars = { .mode = o->access, .writable = true, .force = o->force, .dry_run = o->dry_run }
	};
	struct vlp_drive_refused why;

	if (vlp_drive_open(ctx, dev, l, &dopts, &why) == 0)
		return 0;
	switch (why.cause) {
	case VLP_DRIVE_DUMP:
	case VLP_DRIVE_SNAPSHOT:
		fprintf(stderr, PROG ": %s: %s %s a live device: %s\n", slot, option, live_verb,
			vlp_ctx_error(ctx));
		break;
	case VLP_DRIVE_DRIVER_BOUND:
		fprintf(stderr, PROG ": %s: %s refused: driver %s is bound %s\n", slot, option,
			why.driver, bound_hint);
		break;
	case VLP_DRIVE_NO_STRUCTURE:
		fprintf(stderr, PROG ": %s: %s: no virtio structure in a BAR is known\n", slot, option);
		break;
	case VLP_DRIVE_NO_BAR_ACCESS:
		fprintf(stderr, PROG ": %s: %s needs BAR access: %s\n", slot, option, why.reason);
		break;
	default:
		fprintf(stderr, PROG ": %s: %s: %s\n", slot, option, vlp_ctx_error(ctx));
		break;
	}
	return -1;
}

void cli_rebind(struct vlp_ctx *ctx, struct vlp_device *dev, struct cli_rebind *rb)
{
	if (!rb->asked)
		return;
	rb->ok = vlp_selftest_rebind(ctx, vlp_device_slot(dev), NULL, rb->driver,
				     sizeof(rb->driver)) == 0;
	if (!rb->ok)
		snprintf(rb->error, sizeof(rb->error), "%s", vlp_ctx_error(ctx));
}

void cli_hold_signals(sigset_t *saved)
{
	sigset_t held;

	sigemptyset(&held);
	sigaddset(&held, SIGINT);
	sigaddset(&held, SIGTERM);
	sigaddset(&held, SIGHUP);
	sigaddset(&held, SIGQUIT);
	sigaddset(&held, SIGPIPE);
	sigprocmask(SIG_BLOCK, &held, saved);
}
