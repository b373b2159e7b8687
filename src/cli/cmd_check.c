/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conformance checker's face (--check, --list-checks) and the diff's
 * (--diff): the rules and the comparison live in the library
 * (vlp_check_device_rings, vlp_check_active, vlp_diff_devices); this
 * prints them as text or JSON and sets the exit status.  --check runs on
 * the shared per-device loop (cli_each_device). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "junit.h"

static const char *severity_word(enum vlp_severity s)
{
	return vlp_severity_name(s);
}

/* ------------------------------------------------------------ --check */

/* One --check run (the arg of its hooks on the shared loop). */
struct check_totals {
	unsigned devices; /* reported */
	unsigned count[3];
	/* guest memory for the ring checks of live devices, opened once */
	struct ring_memory mem;
	struct prom *prom;  /* -o prometheus: the metrics gathered */
	struct timespec t0; /* when the run began (the collection's duration) */
};

static const char *plural(unsigned n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Why a check was not made, in the tool's words: a check that writes was
 * not asked for with --check --active. */
static const char *skip_reason(const struct vlp_check_skip *sk, char *buf, size_t len)
{
	if (!sk->not_asked)
		return sk->reason;
	snprintf(buf, len, "%s: --check %s", sk->reason,
		 sk->check->data == VLP_CHECK_EXERCISE ? "--exercise" : "--active");
	return buf;
}

/* --exercise: one line per exercise check, its evidence below a failure. */
static void exercise_lines(FILE *f, const struct vlp_check_report *rep)
{
	const struct vlp_check *c;

	for (size_t i = 0; (c = vlp_check_at(i)); i++) {
		const struct vlp_check_skip *sk;
		enum vlp_check_outcome o;

		if (c->data != VLP_CHECK_EXERCISE)
			continue;
		o = vlp_check_outcome(rep, c, &sk);
		fprintf(f, "  %-7s %-11s %s%s%s\n", vlp_check_outcome_name(o), c->section, c->id,
			sk ? ": " : "", sk ? sk->reason : "");
		for (size_t k = 0; k < rep->nfindings; k++) {
			const struct vlp_check_finding *cf = &rep->findings[k];
			/* "queue 2: ..." names its place already */
			bool named = !strncmp(cf->finding.message, cf->where, strlen(cf->where));

			if (cf->check == c)
				fprintf(f, "          %s %s%s%s\n",
					vlp_severity_name(cf->finding.severity), named ? "" : cf->where,
					named ? "" : ": ", cf->finding.message);
		}
	}
}

static bool same_reason(const struct vlp_check_skip *a, const struct vlp_check_skip *b)
{
	return a->not_asked == b->not_asked && !strcmp(a->reason, b->reason);
}

static void text_report(FILE *f, const char *slot, const char *title, const char *origin,
			const struct vlp_check_report *rep, bool active, bool list_skipped)
{
	fprintf(f, "%s %s, %s\n", slot, title, origin);
	for (size_t i = 0; i < rep->nfindings; i++) {
		const struct vlp_check_finding *cf = &rep->findings[i];

		if (rep->exercised && cf->check && cf->check->data == VLP_CHECK_EXERCISE)
			continue; /* under its check's line (exercise_lines) */
		fprintf(f, "  %-7s %-11s %-18s %s: %s\n", severity_word(cf->finding.severity),
			cf->finding.section ? cf->finding.section : "-", cf->where,
			cf->check ? cf->check->id : "-", cf->finding.message);
	}
	/* Checks not made, grouped by reason (one line each): how many by
	 * default, their names with -v. */
	for (size_t i = 0; i < rep->nskipped; i++) {
		char buf[200];
		const char *reason = skip_reason(&rep->skipped[i], buf, sizeof(buf));
		bool first = true;
		unsigned n = 0;

		if (rep->exercised && rep->skipped[i].check->data == VLP_CHECK_EXERCISE)
			continue; /* a line of its own (exercise_lines) */
		for (size_t j = 0; j < i; j++)
			if (same_reason(&rep->skipped[j], &rep->skipped[i]))
				first = false;
		if (!first)
			continue;
		for (size_t j = i; j < rep->nskipped; j++)
			if (same_reason(&rep->skipped[j], &rep->skipped[i]) &&
			    !(rep->exercised && rep->skipped[j].check->data == VLP_CHECK_EXERCISE))
				n++;
		if (!list_skipped) {
			fprintf(f, "  %u %s not made (%s); -v lists them\n", n,
				plural(n, "check", "checks"), reason);
			continue;
		}
		fprintf(f, "  not checked (%s):", reason);
		for (size_t j = i; j < rep->nskipped; j++)
			if (same_reason(&rep->skipped[j], &rep->skipped[i]))
				fprintf(f, " %s", rep->skipped[j].check->id);
		fputc('\n', f);
	}
	if (rep->exercised)
		exercise_lines(f, rep);
	if (rep->exercised)
		fprintf(f, "  %s\n",
			rep->restored
				? "device left in reset (device_status 0), PCI Command and MSI-X Message Control restored"
				: "the device could not be left as found after the exercise checks");
	else if (active)
		fprintf(f, "  %s\n",
			rep->reset_done ? "device left in reset (device_status 0) after the active checks"
					: "the device could not be reset after the active checks");
	fprintf(f, "  %s: %u %s, %u %s, %u %s; %u checks made, %zu not made\n", slot,
		rep->count[VLP_SEV_ERROR], plural(rep->count[VLP_SEV_ERROR], "error", "errors"),
		rep->count[VLP_SEV_WARNING],
		plural(rep->count[VLP_SEV_WARNING], "warning", "warnings"), rep->count[VLP_SEV_INFO],
		plural(rep->count[VLP_SEV_INFO], "note", "notes"), rep->checks_run, rep->nskipped);
}

static void json_report(struct json *j, const char *slot, const struct vlp_layout *l,
			const char *origin, const struct vlp_check_report *rep, bool active,
			const struct cli_rebind *rb)
{
	const struct vlp_field *hdr = vlp_pci_header_table()->fields;

	json_begin_object(j, NULL);
	json_string(j, "slot", slot);
	json_string(j, "origin", origin);
	json_uint(j, hdr[VLP_HDR_VENDOR_ID].json_key, l->header.vendor_id.value);
	json_uint(j, hdr[VLP_HDR_DEVICE_ID].json_key, l->header.device_id.value);
	json_string(j, "transport", vlp_transport_name(l->virtio.transport));
	json_string(j, "type", l->virtio.type_name);             /* schema 1 */
	json_string(j, "device_type_name", l->virtio.type_name); /* the listing's name */
	json_begin_array(j, "findings");
	for (size_t i = 0; i < rep->nfindings; i++) {
		const struct vlp_check_finding *cf = &rep->findings[i];

		json_begin_object(j, NULL);
		json_string(j, "check", cf->check ? cf->check->id : NULL);
		json_string(j, "severity", vlp_severity_name(cf->finding.severity));
		json_string(j, "section", cf->finding.section);
		json_position(j, "position", cf->finding.position);
		json_string(j, "where", cf->where);
		json_string(j, "message", cf->finding.message);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_array(j, "not_checked");
	for (size_t i = 0; i < rep->nskipped; i++) {
		char buf[200];

		json_begin_object(j, NULL);
		json_string(j, "check", rep->skipped[i].check->id);
		json_string(j, "reason", skip_reason(&rep->skipped[i], buf, sizeof(buf)));
		json_end_object(j);
	}
	json_end_array(j);
	/* What was tested, not only what failed. */
	json_begin_array(j, "passed");
	for (size_t i = 0; vlp_check_at(i); i++)
		if (vlp_check_outcome(rep, vlp_check_at(i), NULL) == VLP_OUTCOME_PASS)
			json_string(j, NULL, vlp_check_at(i)->id);
	json_end_array(j);
	json_uint(j, "checks_made", rep->checks_run);
	json_uint(j, "errors", rep->count[VLP_SEV_ERROR]);
	json_uint(j, "warnings", rep->count[VLP_SEV_WARNING]);
	json_uint(j, "infos", rep->count[VLP_SEV_INFO]);
	if (active)
		json_bool(j, "reset_after_active", rep->reset_done);
	if (rep->exercised)
		json_bool(j, "restored_after_exercise", rep->restored);
	if (rb && rb->asked)
		json_string(j, "driver", rb->ok ? rb->driver : NULL);
	json_end_object(j);
}

/* The words of a refusal to open the BARs (vlp_drive_open), as the
 * reason the register checks were not made. */
static void refusal_words(char *why, size_t whylen, const struct vlp_drive_refused *ref, const char *msg)
{
	switch (ref->cause) {
	case VLP_DRIVE_DUMP:
		snprintf(why, whylen, "a dump holds config space only: no BAR contents");
		break;
	case VLP_DRIVE_NO_STRUCTURE:
		snprintf(why, whylen, "no virtio structure in a BAR is known");
		break;
	case VLP_DRIVE_NO_BAR_ACCESS:
		snprintf(why, whylen, "no BAR access: %.*s", (int)(whylen > 16 ? whylen - 16 : 0),
			 ref->reason);
		break;
	default:
		snprintf(why, whylen, "%s", msg);
		break;
	}
}

/* The registers behind the BARs, for the register checks: NULL with the
 * reason in why when they cannot be read.  --active opens them writable:
 * refused (a driver bound, a snapshot, a dry run), that is said and the
 * passive checks still run (*active false, *ret EXIT_RUNTIME). */
static struct vlp_state *check_state(struct vlp_ctx *ctx, const struct options *o, bool *active,
				     int *ret, struct vlp_device *dev, const struct vlp_layout *l,
				     const char *slot, char *why, size_t whylen)
{
	struct vlp_drive_opts dopts = { .bars = { .mode = o->access,
						  .passive = o->passive,
						  .writable = *active,
						  .force = o->force,
						  .dry_run = o->dry_run },
					.no_dry_run = *active };
	struct vlp_state_opts sopts = { .passive = o->passive };
	struct vlp_drive_refused ref;
	struct vlp_state *state = NULL;
	int err = vlp_drive_open(ctx, dev, l, &dopts, &ref);

	if (*active && err &&
	    (ref.cause == VLP_DRIVE_DRIVER_BOUND || ref.cause == VLP_DRIVE_SNAPSHOT ||
	     ref.cause == VLP_DRIVE_DRY_RUN)) {
		if (ref.cause == VLP_DRIVE_DRIVER_BOUND)
			fprintf(stderr,
				PROG
				": %s: --active refused: driver %s is bound (unbind it, or --force)\n",
				slot, ref.driver);
		else if (ref.cause == VLP_DRIVE_SNAPSHOT)
			fprintf(stderr, PROG ": %s: --active: %s\n", slot, vlp_ctx_error(ctx));
		else
			fprintf(stderr,
				PROG
				": %s: --active: --check --active makes its writes: not with --dry-run\n",
				slot);
		*active = false;
		*ret = EXIT_RUNTIME;
		dopts.bars.writable = false;
		dopts.no_dry_run = false;
		err = vlp_drive_open(ctx, dev, l, &dopts, &ref);
	}
	if (err) {
		refusal_words(why, whylen, &ref, vlp_ctx_error(ctx));
		return NULL;
	}
	err = vlp_read_state(ctx, dev, l, &sopts, &state);
	if (err || !state->backend) {
		/* -EPERM: the library's message says the BAR access was refused */
		snprintf(why, whylen, "%s%s",
			 err == -EPERM ? "" : "no BAR access: ", vlp_ctx_error(ctx));
		vlp_state_free(state);
		return NULL;
	}
	return state;
}

/* The rings, for the ring checks: live devices through /proc/kcore,
 * snapshots from the memory they recorded; NULL with why when they cannot
 * be read at all (a ring the registers place badly is a finding). */
static struct vlp_rings *check_rings(struct vlp_ctx *ctx, struct vlp_device *dev,
				     const struct vlp_layout *l, const struct vlp_state *state,
				     struct check_totals *t, char *why, size_t whylen)
{
	struct vlp_rings *rings = NULL;

	if (!state)
		return NULL;
	if (ring_memory_read(ctx, &t->mem, dev, l, state, &rings)) {
		snprintf(why, whylen, "%s", vlp_ctx_error(ctx));
		return NULL;
	}
	/* Live rings move while read: a fault counts when a second read
	 * makes it too (a snapshot's recorded memory does not move). */
	if (vlp_device_origin(dev) == VLP_ORIGIN_LIVE && rings->source) {
		struct vlp_rings *again = NULL;

		if (ring_memory_read(ctx, &t->mem, dev, l, state, &again) == 0) {
			vlp_rings_keep_confirmed(again, rings);
			vlp_rings_free(rings);
			rings = again;
		}
	}
	return rings;
}

/* --exercise: the device opened for writing as --selftest opens it
 * (cli_drive_open words the refusal); false when refused. */
static bool exercise_open(struct vlp_ctx *ctx, const struct options *o, struct vlp_device *dev,
			  const struct vlp_layout *l, const char *slot)
{
	/* Physical addresses come from /proc/self/pagemap, root only. */
	if (vlp_device_origin(dev) == VLP_ORIGIN_LIVE && geteuid() != 0) {
		fprintf(stderr,
			PROG
			": %s: --check --exercise needs root (BAR writes, locked memory, physical addresses from /proc/self/pagemap)\n",
			slot);
		return false;
	}
	return cli_drive_open(ctx, o, dev, l, slot, "--check --exercise", "drives",
			      "(unbind it, or --force)") == 0;
}

/* The exercise checks with the signals that would end the process held
 * until the device has been reset (as --selftest holds them). */
static int exercise_run(struct vlp_ctx *ctx, const struct options *o, struct vlp_device *dev,
			const struct vlp_layout *l, struct vlp_check_report *rep)
{
	struct vlp_exercise_opts xo = { .media_writes = o->media_writes,
					.config_writes = o->config_writes,
					.watch_config_ms = o->watch_config_s * 1000u,
					.hostile = o->hostile };
	sigset_t saved;
	int err;

	cli_hold_signals(&saved);
	err = vlp_check_exercise_opts(ctx, dev, l, &xo, rep);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return err;
}

/* Checks one device; returns EXIT_OK, or EXIT_RUNTIME when it could not be
 * checked (not decoded) or not as asked (--active refused). */
static int check_one(void *arg, struct vlp_ctx *ctx, const struct options *o,
		     struct vlp_device *dev, struct json *j)
{
	struct check_totals *t = arg;
	struct vlp_layout *l = NULL;
	struct vlp_state *state = NULL;
	struct vlp_rings *rings = NULL;
	struct vlp_check_report *rep = NULL;
	char slot[32], title[160], why[512] = "", rings_why[256] = "";
	const char *origin;
	bool active = o->active;
	struct cli_rebind rb = { .asked = o->rebind };
	int ret = EXIT_OK;

	format_slot(slot, sizeof(slot), vlp_device_slot(dev),
		    o->out.domains || vlp_device_slot(dev)->domain);
	origin = vlp_device_origin(dev) == VLP_ORIGIN_LIVE   ? "live"
		 : vlp_device_origin(dev) == VLP_ORIGIN_DUMP ? "dump"
							     : "snapshot";
	if (vlp_decode(ctx, dev, &l)) {
		fprintf(stderr, PROG ": %s: %s\n", slot, vlp_ctx_error(ctx));
		return EXIT_RUNTIME;
	}
	/* --exercise drives the device: --selftest's rules and refusals
	 * (root, no driver or --force, BAR access), said on stderr; the
	 * passive checks still run. */
	if (o->exercise && !exercise_open(ctx, o, dev, l, slot)) {
		active = false;
		ret = EXIT_RUNTIME;
	}
	/* Writes to a device a driver holds are refused before BAR access is
	 * even opened writable; the passive checks still run. */
	state = check_state(ctx, o, &active, &ret, dev, l, slot, why, sizeof(why));
	rings = check_rings(ctx, dev, l, state, t, rings_why, sizeof(rings_why));
	/* The run's ring budget or memory ran out: the rings decoded are
	 * checked, and the run fails (an input or runtime problem). */
	if (rings && rings->incomplete[0]) {
		fprintf(stderr, PROG ": %s: rings: %s\n", slot, rings->incomplete);
		ret = EXIT_RUNTIME;
	}
	if (vlp_check_device_rings(ctx, dev, l, state, why[0] ? why : NULL, rings,
				   rings_why[0] ? rings_why : NULL, &rep)) {
		fprintf(stderr, PROG ": %s: %s\n", slot, vlp_ctx_error(ctx));
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (active) {
		if (!state) {
			fprintf(stderr, PROG ": %s: --active needs BAR access: %s\n", slot, why);
			ret = EXIT_RUNTIME;
		} else if (vlp_check_active(ctx, dev, l, rep)) {
			fprintf(stderr, PROG ": %s: --active: %s\n", slot, vlp_ctx_error(ctx));
			ret = EXIT_RUNTIME;
		} else if (o->exercise && exercise_run(ctx, o, dev, l, rep)) {
			fprintf(stderr, PROG ": %s: --exercise: %s\n", slot, vlp_ctx_error(ctx));
			ret = EXIT_RUNTIME;
		}
		if (o->exercise && rep->exercised)
			cli_rebind(ctx, dev, &rb);
	}
	format_device_title(title, sizeof(title), l);
	if (t->prom) {
		/* A metric's slot always has its domain, as in the listing's. */
		format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
		prom_check(t->prom, slot, rep);
	} else if (o->junit)
		junit_device(stdout, slot, title, rep, o->strict);
	else if (j)
		json_report(j, slot, l, origin, rep, active && ret == EXIT_OK, &rb);
	else
		text_report(stdout, slot, title, origin, rep, active && ret == EXIT_OK,
			    o->out.verbose > 0);
	if (!o->junit && !j && rb.asked && rb.ok)
		printf("  rebind: driver %s bound again\n", rb.driver);
	else if (!o->junit && !j && rb.asked && rep->exercised)
		printf("  rebind FAILED: %s\n", rb.error);
	if (rb.asked && rep->exercised && !rb.ok)
		ret = EXIT_RUNTIME;
	t->devices++;
	for (unsigned s = 0; s < 3; s++)
		t->count[s] += rep->count[s];
out:
	vlp_check_report_free(rep);
	vlp_rings_free(rings);
	vlp_state_free(state);
	vlp_layout_free(l);
	return ret;
}

/* After the last device: any failure of the run is an input or runtime
 * problem, nothing to check too (EXIT_RUNTIME); else errors, and with
 * --strict warnings, are what the run found (EXIT_FOUND: exit 1 too).  The
 * text summary line. */
static int check_end(void *arg, const struct options *o, int ret, unsigned devices,
		     const struct vlp_source *src)
{
	struct check_totals *t = arg;

	(void)src;
	if (!devices && ret == EXIT_OK) {
		char sel[256];

		describe_selection(o, sel, sizeof(sel));
		if (sel[0] && o->dump_path)
			fprintf(stderr, PROG ": %s: no virtio device matches %s\n", o->dump_path, sel);
		else if (sel[0])
			fprintf(stderr, PROG ": no virtio device matches %s\n", sel);
		else
			fprintf(stderr, PROG ": %s: no virtio device to check\n",
				o->dump_path ? o->dump_path : "this system");
		ret = EXIT_RUNTIME;
	}
	if (ret != EXIT_OK)
		ret = EXIT_RUNTIME;
	else if (t->count[VLP_SEV_ERROR] || (o->strict && t->count[VLP_SEV_WARNING]))
		ret = EXIT_FOUND;
	if (t->prom) {
		struct timespec t1;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		prom_collector(t->prom, "check",
			       (double)(t1.tv_sec - t->t0.tv_sec) + (t1.tv_nsec - t->t0.tv_nsec) / 1e9,
			       ret != EXIT_RUNTIME, t->devices);
		if (prom_write(t->prom, stdout)) {
			fprintf(stderr, PROG ": out of memory: the metrics are incomplete\n");
			ret = EXIT_RUNTIME;
		}
		prom_free(t->prom);
	} else if (o->junit) {
		junit_end(stdout);
	} else if (!o->json)
		printf("%u %s checked: %u %s, %u %s, %u %s (%zu checks in the table%s)\n",
		       t->devices, plural(t->devices, "device", "devices"), t->count[VLP_SEV_ERROR],
		       plural(t->count[VLP_SEV_ERROR], "error", "errors"), t->count[VLP_SEV_WARNING],
		       plural(t->count[VLP_SEV_WARNING], "warning", "warnings"),
		       t->count[VLP_SEV_INFO], plural(t->count[VLP_SEV_INFO], "note", "notes"),
		       vlp_check_count(), o->strict ? "; --strict: warnings fail" : "");
	ring_memory_close(&t->mem);
	return ret;
}

/* Before the first device: the metrics' store (-o prometheus). */
static int check_begin(void *arg, const struct options *o)
{
	struct check_totals *t = arg;

	if (o->prometheus && !(t->prom = prom_new())) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUNTIME;
	}
	if (o->junit)
		junit_begin(stdout);
	return EXIT_OK;
}

/* -J: the run's summary after the devices. */
static void check_summary(void *arg, const struct options *o, int ret, struct json *j)
{
	const struct check_totals *t = arg;

	json_begin_object(j, "summary");
	json_uint(j, "devices", t->devices);
	json_uint(j, "checks", vlp_check_count());
	json_uint(j, "errors", t->count[VLP_SEV_ERROR]);
	json_uint(j, "warnings", t->count[VLP_SEV_WARNING]);
	json_uint(j, "infos", t->count[VLP_SEV_INFO]);
	json_bool(j, "strict", o->strict);
	json_uint(j, "exit_status", (unsigned)exit_status(ret));
	json_end_object(j);
}

int check_main(struct vlp_ctx *ctx, const struct options *o)
{
	struct check_totals t = { 0 };
	const struct cli_each face = { .json_key = "devices",
				       .arg = &t,
				       .one = check_one,
				       .begin = check_begin,
				       .end = check_end,
				       .summary = check_summary };

	clock_gettime(CLOCK_MONOTONIC, &t.t0);
	return cli_each_device(ctx, o, &face);
}

int list_checks_main(const struct options *o)
{
	struct json j;

	if (o->json) {
		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_uint(&j, "schema_version", 1);
		json_begin_array(&j, "checks");
	}
	for (size_t i = 0; i < vlp_check_count(); i++) {
		const struct vlp_check *c = vlp_check_at(i);

		if (o->json) {
			json_begin_object(&j, NULL);
			json_string(&j, "id", c->id);
			json_string(&j, "severity", vlp_severity_name(c->severity));
			json_string(&j, "section", c->section);
			json_string(&j, "data", vlp_check_data_name(c->data));
			json_string(&j, "where", c->where);
			json_string(&j, "title", c->title);
			json_end_object(&j);
		} else {
			printf("%-26s %-7s %-11s %-9s %s\n", c->id, vlp_severity_name(c->severity),
			       c->section ? c->section : "-", vlp_check_data_name(c->data), c->title);
		}
	}
	if (o->json) {
		json_end_array(&j);
		json_end_object(&j);
		fputc('\n', stdout);
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------ --diff */

struct diff_side {
	struct session s;
	struct vlp_state *state;
	struct vlp_rings *rings; /* NULL: not read (a dump, no registers) */
	struct ring_memory mem;  /* live: /proc/kcore, while rings lives */
	const char *label;
};

/* An operand that names an existing file is a dump or snapshot (with -s
 * picking a device in it); anything else is a live slot. */
static int open_side(struct vlp_ctx *ctx, const struct options *o, const char *operand,
		     struct diff_side *d)
{
	struct vlp_bar_opts bopts = { .mode = o->access, .passive = o->passive };
	struct vlp_state_opts sopts = { .passive = o->passive };
	struct stat st;
	bool is_file = !strcmp(operand, "-") || stat(operand, &st) == 0 || strchr(operand, '/');
	int ret;

	memset(d, 0, sizeof(*d));
	d->label = operand;
	ret = session_open_source(&d->s, ctx, is_file ? operand : NULL,
				  is_file ? (o->nslots ? o->slots[0] : NULL) : operand, o, &bopts);
	if (ret != EXIT_OK)
		return ret;
	if (d->s.bars && vlp_read_state(ctx, d->s.dev, d->s.layout, &sopts, &d->state)) {
		fprintf(stderr, PROG ": %s: %s\n", operand, vlp_ctx_error(ctx));
		d->state = NULL;
	}
	/* The rings: a snapshot's recorded memory, or a live device's through
	 * /proc/kcore (per side: a diff has two devices). */
	if (d->state && ring_memory_read(ctx, &d->mem, d->s.dev, d->s.layout, d->state, &d->rings))
		d->rings = NULL;
	return EXIT_OK;
}

static void diff_value(char *buf, size_t len, const struct vlp_difference *x,
		       const struct vlp_field_value *v)
{
	if (!v->present)
		snprintf(buf, len, "<absent>");
	else if (x->flag)
		snprintf(buf, len, "%s", v->value ? "on" : "off");
	else if (x->field)
		format_value(buf, len, x->field, v);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)v->value);
}

static void json_diff_value(struct json *j, const char *key, const struct vlp_difference *x,
			    const struct vlp_field_value *v)
{
	if (!v->present)
		json_null(j, key);
	else if (x->flag)
		json_bool(j, key, v->value);
	else if (x->field)
		json_value(j, key, x->field, v);
	else
		json_uint(j, key, v->value);
}

int diff_main(struct vlp_ctx *ctx, const struct options *o, const char *a, const char *b)
{
	struct diff_side da, db;
	struct vlp_diff *diff = NULL;
	char va[256], vb[256];
	bool rings = false;
	int ret;

	if (o->nslots > 1 || o->nids) {
		fprintf(stderr, PROG
			": --diff takes two operands and at most one -s SLOT (a device in a file operand)\n");
		return EXIT_USAGE;
	}
	if ((ret = open_side(ctx, o, a, &da)) != EXIT_OK)
		return ret;
	if ((ret = open_side(ctx, o, b, &db)) != EXIT_OK) {
		vlp_rings_free(da.rings);
		ring_memory_close(&da.mem);
		vlp_state_free(da.state);
		session_close(&da.s);
		return ret;
	}
	if (vlp_diff_devices(ctx, da.s.layout, da.state, db.s.layout, db.state, &diff) ||
	    vlp_diff_rings(ctx, diff, da.rings, db.rings, &rings)) {
		fprintf(stderr, PROG ": %s\n", vlp_ctx_error(ctx));
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (o->json) {
		struct json j;

		json_init(&j, stdout, true);
		json_begin_object(&j, NULL);
		json_uint(&j, "schema_version", 1);
		json_string(&j, "a", a);
		json_string(&j, "b", b);
		json_bool(&j, "registers_compared", da.state && db.state);
		json_bool(&j, "rings_compared", rings);
		json_uint(&j, "fields_compared", diff->compared);
		json_begin_array(&j, "differences");
		for (size_t i = 0; i < diff->count; i++) {
			const struct vlp_difference *x = &diff->items[i];

			json_begin_object(&j, NULL);
			json_string(&j, "field", x->name);
			json_diff_value(&j, "a", x, &x->a);
			json_diff_value(&j, "b", x, &x->b);
			if (x->note[0])
				json_string(&j, "note", x->note);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		fputc('\n', stdout);
	} else {
		printf("--- %s (%s %s)\n+++ %s (%s %s)\n", a, da.s.origin, da.s.name, b,
		       db.s.origin, db.s.name);
		for (size_t i = 0; i < diff->count; i++) {
			const struct vlp_difference *x = &diff->items[i];

			diff_value(va, sizeof(va), x, &x->a);
			diff_value(vb, sizeof(vb), x, &x->b);
			printf("%-40s %s -> %s%s%s%s\n", x->name, va, vb, x->note[0] ? " (" : "",
			       x->note, x->note[0] ? ")" : "");
		}
		printf("%zu %s in %u fields compared%s%s\n", diff->count,
		       plural((unsigned)diff->count, "difference", "differences"), diff->compared,
		       da.state && db.state ? "" : " (config space only: registers not read on both sides)",
		       rings ? ", rings included" : "");
	}
	ret = diff->count ? EXIT_FOUND : EXIT_OK;
	/* Input lines refused alone (said on stderr) make the input bad. */
	if (ret == EXIT_OK && (da.s.warnings || db.s.warnings))
		ret = EXIT_RUNTIME;
out:
	vlp_diff_free(diff);
	vlp_rings_free(da.rings);
	vlp_rings_free(db.rings);
	ring_memory_close(&da.mem);
	ring_memory_close(&db.mem);
	vlp_state_free(da.state);
	vlp_state_free(db.state);
	session_close(&da.s);
	session_close(&db.s);
	return ret;
}
