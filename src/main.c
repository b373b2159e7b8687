/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-lspci: option parsing, and the dispatch to the face the options
 * choose.  The one file that knows every face. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "textfile.h"
#include "repl.h"
#include "tui.h"

enum long_only {
	OPT_FORMAT = 0x100,
	OPT_ACCESS,
	OPT_PASSIVE,
	OPT_READ_ISR,
	OPT_SAVE,
	OPT_STATS,
	OPT_FORCE,
	OPT_DRY_RUN,
	OPT_YES,
	OPT_TOP,
	OPT_INTERVAL,
	OPT_CHECK,
	OPT_ACTIVE,
	OPT_STRICT,
	OPT_DIFF,
	OPT_LIST_CHECKS,
	OPT_RINGS,
	OPT_SAMPLE,
	OPT_NEGOTIATE,
	OPT_NUDGE,
	OPT_TIMEOUT,
	OPT_SELFTEST,
	OPT_REBIND,
	OPT_TEXTFILE,
	OPT_QMP,
	OPT_MONITOR_LOG,
	OPT_EXERCISE,
	OPT_DOMAIN,
	OPT_ALL_DOMAINS,
	OPT_CONNECT,
	OPT_MEDIA_WRITES,
	OPT_CONFIG_WRITES,
	OPT_WATCH_CONFIG,
	OPT_HOSTILE,
};

static const char usage_text[] =
	"Usage: " PROG " [OPTIONS] [SLOT...]\n"
	"       " PROG " -i|-c COMMANDS [OPTIONS] SLOT     commands on one device\n"
	"       " PROG " --top [OPTIONS] [SLOT]            live view of one device\n"
	"       " PROG " --check [--active] [OPTIONS] [SLOT...]  conformance check\n"
	"       " PROG
	" --check --exercise [--rebind] [--media-writes] SLOT...  drive the device, judge it\n"
	"       " PROG " --diff A B                        compare snapshots or devices\n"
	"       " PROG " --negotiate [-J] SLOT...          which features a device insists on\n"
	"       " PROG " --nudge=Q [--timeout=MS] SLOT...  kick a queue: was a kick lost?\n"
	"       " PROG " --selftest [--rebind] [-J] SLOT...  does a device work without its driver\n"
	"Inspect virtio devices on the PCI bus: identity, BARs, the Virtio Structure\n"
	"capabilities and where they point, MSI-X, the legacy interface, findings.\n"
	"\n"
	"Selection:\n"
	"  -s, --slot=[[[[DOMAIN]:]BUS]:][DEV][.[FUNC]]  only matching devices (repeatable;\n"
	"                           a SLOT argument is the same)\n"
	"  -d, --id=[VENDOR]:[DEVICE][:CLASS[:PROGIF]]   only devices with these IDs\n"
	"Source:\n"
	"  -F, --file=FILE          decode a dump instead of the live system (\"-\": stdin)\n"
	"      --format=FORMAT      dump format: auto (default), lspci, raw, xxd, hexdump\n"
	"      --qmp=SOCKET         a VM's devices from the host, through QEMU's QMP\n"
	"                           monitor socket (queries only)\n"
	"      --monitor-log=FILE   with --qmp or --domain: append every command sent to the\n"
	"                           monitor and its reply to FILE\n"
	"  -A, --access-method=METHOD  libpci access method for live reads (\"-A help\")\n"
	"      --domain=NAME        the devices of the running libvirt domain NAME, read\n"
	"                           through libvirtd's QEMU monitor passthrough (queries\n"
	"                           only; libvirt marks the domain tainted: custom-monitor)\n"
	"      --all-domains        the devices of every running libvirt domain, each\n"
	"                           labelled with its domain (the listing)\n"
	"      --connect=URI        libvirt connection for --domain and --all-domains\n"
	"                           (default: libvirt's, qemu:///system for root)\n"
	"Registers behind the BARs (live devices and snapshots, with -v or -J):\n"
	"      --access=MODE        auto (default: sysfs mmap, else the PCI configuration\n"
	"                           access window), mmap, or window\n"
	"      --passive            write nothing, not even selectors: selector-dependent\n"
	"                           fields only for the current selection\n"
	"      --read-isr           also read the ISR status (reading clears it)\n"
	"      --save=FILE          write a snapshot (config space and every register\n"
	"                           read) that -F decodes offline and lspci -F reads\n"
	"      --stats              count BAR register accesses, and the config-space\n"
	"                           accesses the window made for them (on stderr)\n"
	"      --rings              also what each queue's ring holds, read from guest\n"
	"                           memory (/proc/kcore; snapshots: what they recorded):\n"
	"                           indices, in-flight chains (-vv), descriptors (-vvv);\n"
	"                           with --top, ring columns in the Queues panel\n"
	"      --sample=COUNT[xINTERVAL]  read rings and IRQ counts COUNT times,\n"
	"                           INTERVAL apart (ms or s; default 200ms), with no BAR\n"
	"                           access after the first read, and give each queue a\n"
	"                           verdict (idle, progressing, device-stalled, ...);\n"
	"                           a snapshot is decoded once (one moment: not-sampled);\n"
	"                           implies --rings\n"
	"Interactive and batch commands (see 'help' inside):\n"
	"  -i, --interactive        a command prompt on one device (readline); commands\n"
	"                           are read from standard input when it is not a terminal\n"
	"  -c, --command=COMMANDS   run these commands (separated by ';') and exit;\n"
	"                           stops at the first failing one\n"
	"      --force              allow writes while a kernel driver is bound (-i/-c,\n"
	"                           --check --active, --negotiate)\n"
	"      --dry-run            print the writes instead of making them\n"
	"  -y, --yes                do not ask before destructive writes\n"
	"Live view:\n"
	"  -w, --top, --watch       full-screen view of one device's registers, refreshed\n"
	"      --interval=SECONDS   refresh interval (default 1, at least 0.1)\n"
	"Conformance:\n"
	"      --check              check devices against the virtio spec; exit 1 on errors\n"
	"                           (-v names the checks that could not be made)\n"
	"      --active             with --check: also the checks that write (reset, selects)\n"
	"      --exercise           with --check (implies --active): drive the device's\n"
	"                           queues in this process's memory as --selftest does and\n"
	"                           judge what it does against the spec's device\n"
	"                           requirements (reset, features, queue sizes, vectors,\n"
	"                           interrupts seen as MSI-X pending bits); same refusals\n"
	"                           as --selftest; the device is left reset\n"
	"      --media-writes       with --check --exercise: allow writes to a block\n"
	"                           device's medium (a read-only device must refuse one;\n"
	"                           a sector it wrote is written back); never by default\n"
	"      --config-writes      with --check --exercise: change the configuration\n"
	"                           fields a driver may write (SCSI sense_size, cdb_size)\n"
	"                           before a reset; QEMU's vhost-scsi and vhost-user-scsi\n"
	"                           end the VM on it; never by default\n"
	"      --watch-config=SECONDS  with --check --exercise: keep the device DRIVER_OK\n"
	"                           that long, watching its configuration and\n"
	"                           config_generation (change it from the host meanwhile)\n"
	"      --hostile            with --check --exercise: also send malformed chains\n"
	"                           (blk, rng, console, scsi: a loop, next out of\n"
	"                           range, a zero-length buffer, an address outside RAM,\n"
	"                           INDIRECT in a table, a chain longer than the queue,\n"
	"                           a disabled queue); may break it until reset\n"
	"      --strict             with --check: warnings fail the run too\n"
	"      --list-checks        list every check with its spec section\n"
	"      --diff               compare two snapshots (or a snapshot and a live slot):\n"
	"                           --diff A B; exit 1 when they differ\n"
	"Feature negotiation (writes; a device without a bound driver, or --force):\n"
	"      --negotiate          reset the device and try feature sets until the offered\n"
	"                           bits it requires and those it rejects are known (each\n"
	"                           confirmed alone); the device is left reset; --dry-run\n"
	"                           prints the first candidate's writes\n"
	"Kick probe (writes one notification; a bound driver needs --force):\n"
	"      --nudge=Q            read queue Q's ring (Q: index or name, e.g. requestq),\n"
	"                           notify the queue as its driver would, and poll used\n"
	"                           in ring memory: did the device take what was waiting?\n"
	"      --timeout=MS         how long --nudge polls (default 1000, at most 60000)\n"
	"      --selftest           initialize the device to DRIVER_OK with every queue in\n"
	"                           this process's memory, run its type's test (network,\n"
	"                           entropy, block, console, scsi; others: initialization\n"
	"                           only), reset it; exit 1 when a step failed (root, no\n"
	"                           translating IOMMU); --dry-run: the queues' memory plan,\n"
	"                           the writes up to DRIVER_OK and the requests the test\n"
	"                           would post, nothing written\n"
	"      --rebind             after --selftest or --check --exercise, bind the kernel\n"
	"                           driver again and check that it bound\n"
	"Display:\n"
	"  -v, --verbose            more detail (repeat): -v structures and BAR map,\n"
	"                           -vv every field with its raw value, -vvv reasoning notes\n"
	"  -n, --numeric            numeric IDs instead of names; -nn both\n"
	"  -x, --hex                hex dump of config space in lspci's format:\n"
	"                           -x 64 bytes, -xxx 256, -xxxx 4096\n"
	"  -D, --domain             always show PCI domain numbers (no argument; with\n"
	"                           =NAME it names a libvirt domain, see Source)\n"
	"  -J, --json               JSON output (same as -o json)\n"
	"  -o, --output=FORMAT      text (default), json, prometheus (text exposition\n"
	"                           0.0.4: the listing, --rings, --sample, --check), or\n"
	"                           junit (--check: JUnit XML, a test case per check)\n"
	"      --textfile=PATH      write the output to PATH atomically (a temporary file\n"
	"                           beside it, renamed when the run succeeded; on failure\n"
	"                           PATH is left as it was); implies -o prometheus\n"
	"  -h, --help               this help\n"
	"  -V, --version            version\n"
	"\n"
	"Exit status (every face):\n"
	"  0  done, nothing wrong found\n"
	"  1  an input or runtime problem (unreadable or malformed input, no such\n"
	"     device, no permission, a step that failed), or something found\n"
	"     (--check: an error, with --strict a warning; --diff: a difference;\n"
	"     --selftest: a failed step)\n"
	"  2  a usage error (a bad option, option argument or combination)\n";

static const struct option long_options[] = {
	{ "slot", required_argument, NULL, 's' },
	{ "id", required_argument, NULL, 'd' },
	{ "file", required_argument, NULL, 'F' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "access-method", required_argument, NULL, 'A' },
	{ "access", required_argument, NULL, OPT_ACCESS },
	{ "passive", no_argument, NULL, OPT_PASSIVE },
	{ "read-isr", no_argument, NULL, OPT_READ_ISR },
	{ "save", required_argument, NULL, OPT_SAVE },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "rings", no_argument, NULL, OPT_RINGS },
	{ "sample", required_argument, NULL, OPT_SAMPLE },
	{ "interactive", no_argument, NULL, 'i' },
	{ "command", required_argument, NULL, 'c' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "yes", no_argument, NULL, 'y' },
	{ "top", no_argument, NULL, 'w' },
	{ "watch", no_argument, NULL, 'w' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "active", no_argument, NULL, OPT_ACTIVE },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "exercise", no_argument, NULL, OPT_EXERCISE },
	{ "media-writes", no_argument, NULL, OPT_MEDIA_WRITES },
	{ "config-writes", no_argument, NULL, OPT_CONFIG_WRITES },
	{ "watch-config", required_argument, NULL, OPT_WATCH_CONFIG },
	{ "hostile", no_argument, NULL, OPT_HOSTILE },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "list-checks", no_argument, NULL, OPT_LIST_CHECKS },
	{ "negotiate", no_argument, NULL, OPT_NEGOTIATE },
	{ "nudge", required_argument, NULL, OPT_NUDGE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "selftest", no_argument, NULL, OPT_SELFTEST },
	{ "rebind", no_argument, NULL, OPT_REBIND },
	{ "verbose", no_argument, NULL, 'v' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "hex", no_argument, NULL, 'x' },
	/* --domain alone is -D (lspci's PCI domains); --domain=NAME a libvirt domain */
	{ "domain", optional_argument, NULL, OPT_DOMAIN },
	{ "all-domains", no_argument, NULL, OPT_ALL_DOMAINS },
	{ "connect", required_argument, NULL, OPT_CONNECT },
	{ "json", no_argument, NULL, 'J' },
	{ "output", required_argument, NULL, 'o' },
	{ "textfile", required_argument, NULL, OPT_TEXTFILE },
	{ "qmp", required_argument, NULL, OPT_QMP },
	{ "monitor-log", required_argument, NULL, OPT_MONITOR_LOG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
	return EXIT_USAGE;
}

static int list_access_methods(void)
{
	const char *name;

	for (unsigned i = 0; (name = vlp_access_method_name(i)); i++)
		printf("%s\n", name);
	return EXIT_OK;
}

static int set_mode(struct options *o, enum mode m, const char *opt)
{
	static const char *const names[] = {
		[MODE_LIST] = "",
		[MODE_REPL] = "-i/-c",
		[MODE_TOP] = "--top",
		[MODE_CHECK] = "--check",
		[MODE_DIFF] = "--diff",
		[MODE_LIST_CHECKS] = "--list-checks",
		[MODE_NEGOTIATE] = "--negotiate",
		[MODE_NUDGE] = "--nudge",
		[MODE_SELFTEST] = "--selftest",
	};

	if (o->mode != MODE_LIST && o->mode != m)
		return usage_error("%s cannot be combined with %s", opt, names[o->mode]);
	o->mode = m;
	return -1;
}

static int parse_interval(const char *arg, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0.1) || v > 3600)
		return usage_error("--interval: '%s' is not a number of seconds from 0.1 to 3600", arg);
	*out = v;
	return -1;
}

/* --sample=COUNT[xINTERVAL]: "10x200ms", "5x1s", "3" (200 ms apart). */
static int parse_sample(const char *arg, unsigned *count, unsigned *interval_ms)
{
	static const char bad[] =
		"--sample: '%s' is not COUNT[xINTERVAL] (COUNT 1 to %u, INTERVAL %u ms to %u s with a ms or s unit, e.g. 10x200ms)";
	unsigned long n;
	double v, ms;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *arg < '0' || *arg > '9' || n < 1 || n > SAMPLE_COUNT_MAX)
		return usage_error(bad, arg, SAMPLE_COUNT_MAX, SAMPLE_INTERVAL_MIN_MS,
				   SAMPLE_INTERVAL_MAX_MS / 1000);
	*count = (unsigned)n;
	*interval_ms = SAMPLE_INTERVAL_DEFAULT_MS;
	if (!*end)
		return -1;
	if (*end != 'x' || end[1] < '0' || end[1] > '9')
		return usage_error(bad, arg, SAMPLE_COUNT_MAX, SAMPLE_INTERVAL_MIN_MS,
				   SAMPLE_INTERVAL_MAX_MS / 1000);
	v = strtod(end + 1, &end);
	if (!strcmp(end, "ms"))
		ms = v;
	else if (!strcmp(end, "s"))
		ms = v * 1000;
	else
		ms = -1;
	if (errno || !(ms >= SAMPLE_INTERVAL_MIN_MS) || ms > SAMPLE_INTERVAL_MAX_MS)
		return usage_error(bad, arg, SAMPLE_COUNT_MAX, SAMPLE_INTERVAL_MIN_MS,
				   SAMPLE_INTERVAL_MAX_MS / 1000);
	*interval_ms = (unsigned)(ms + 0.5);
	return -1;
}

/* --domain, --all-domains, --connect: a VM's devices from the host, read
 * only; -1 to go on, or an exit code. */
static int check_libvirt_options(const struct options *o)
{
	if (o->libvirt_uri && !o->libvirt_domain && !o->all_domains)
		return usage_error("%s", "--connect applies to --domain=NAME and --all-domains");
	if (!o->libvirt_domain && !o->all_domains)
		return -1;
	if (o->libvirt_domain && o->all_domains)
		return usage_error("%s", "--domain=NAME and --all-domains: one or the other");
	if (o->dump_path || o->access_method || o->qmp_path)
		return usage_error("%s", "--domain and --all-domains read a VM's monitor through "
					 "libvirt: not with -F, -A or --qmp");
	if (o->mode == MODE_REPL || o->mode == MODE_NEGOTIATE || o->mode == MODE_NUDGE ||
	    o->mode == MODE_SELFTEST || o->mode == MODE_DIFF || o->active || o->read_isr)
		return usage_error("%s", "--domain and --all-domains read only: not with a face "
					 "that writes (-i/-c, --check --active, --negotiate, --nudge, "
					 "--selftest), --read-isr or --diff");
	if (o->all_domains && (o->mode != MODE_LIST || o->rings || o->sample_count || o->save_path))
		return usage_error("%s", "--all-domains applies to the listing, without --rings, "
					 "--sample or --save: name one with --domain=NAME");
	return -1;
}

/* --version: the version, and whether --domain can reach libvirt here
 * (built with it, and libvirt-qemu.so.0 loadable: it is loaded when used). */
static void print_version(void)
{
	struct vlp_ctx *ctx = NULL;

	printf(PROG " " VLP_VERSION "\n");
	if (!vlp_libvirt_built()) {
		printf("libvirt: not built in (install libvirt-dev and rebuild)\n");
		return;
	}
	if (vlp_ctx_new(&ctx) == 0 && vlp_libvirt_load(ctx) == 0)
		printf("libvirt: built in (--domain, --all-domains), loaded when used: available\n");
	else
		printf("libvirt: built in (--domain, --all-domains), loaded when used: %s\n",
		       ctx ? vlp_ctx_error(ctx) : "out of memory");
	vlp_ctx_free(ctx);
}

/* Returns -1 to go on, or an exit code. */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c, ret;

	o->printer = &text_printer;
	o->interval = 1.0;
	while ((c = getopt_long(argc, argv, "s:d:F:A:vnxDJo:hVic:yw", long_options, NULL)) != -1) {
		ret = -1;
		switch (c) {
		case 'i':
			ret = set_mode(o, MODE_REPL, "-i");
			break;
		case 'c':
			ret = set_mode(o, MODE_REPL, "-c");
			o->commands = optarg;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case 'y':
			o->yes = true;
			break;
		case 'w':
			ret = set_mode(o, MODE_TOP, "--top");
			break;
		case OPT_INTERVAL:
			ret = parse_interval(optarg, &o->interval);
			break;
		case OPT_CHECK:
			ret = set_mode(o, MODE_CHECK, "--check");
			break;
		case OPT_ACTIVE:
			o->active = true;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_EXERCISE:
			o->exercise = true;
			break;
		case OPT_DIFF:
			ret = set_mode(o, MODE_DIFF, "--diff");
			break;
		case OPT_LIST_CHECKS:
			ret = set_mode(o, MODE_LIST_CHECKS, "--list-checks");
			break;
		case OPT_NEGOTIATE:
			ret = set_mode(o, MODE_NEGOTIATE, "--negotiate");
			break;
		case OPT_NUDGE:
			ret = set_mode(o, MODE_NUDGE, "--nudge");
			o->nudge_queue = optarg;
			break;
		case OPT_TIMEOUT: {
			char *end;
			unsigned long ms;

			errno = 0;
			ms = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg < '0' || *optarg > '9' ||
			    ms > 60000)
				return usage_error("--timeout: '%s' is not a number of ms from 0 to 60000",
						   optarg);
			o->timeout_ms = (unsigned)ms;
			o->timeout_set = true;
			break;
		}
		case OPT_SELFTEST:
			ret = set_mode(o, MODE_SELFTEST, "--selftest");
			break;
		case OPT_REBIND:
			o->rebind = true;
			break;
		case OPT_MEDIA_WRITES:
			o->media_writes = true;
			break;
		case OPT_CONFIG_WRITES:
			o->config_writes = true;
			break;
		case OPT_HOSTILE:
			o->hostile = true;
			break;
		case OPT_WATCH_CONFIG: {
			char *end;
			unsigned long s;

			errno = 0;
			s = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg < '0' || *optarg > '9' ||
			    s < 1 || s > WATCH_CONFIG_MAX_S)
				return usage_error(
					"--watch-config: '%s' is not a number of seconds from 1 to %u",
					optarg, WATCH_CONFIG_MAX_S);
			o->watch_config_s = (unsigned)s;
			break;
		}
		case 's':
			if (o->nslots >= sizeof(o->slots) / sizeof(o->slots[0]))
				return usage_error("too many slots: %s", optarg);
			o->slots[o->nslots++] = optarg;
			break;
		case 'd':
			if (o->nids >= sizeof(o->ids) / sizeof(o->ids[0]))
				return usage_error("too many IDs: %s", optarg);
			o->ids[o->nids++] = optarg;
			break;
		case 'F':
			o->dump_path = optarg;
			break;
		case OPT_QMP:
			o->qmp_path = optarg;
			break;
		case OPT_MONITOR_LOG:
			o->monitor_log = optarg;
			break;
		case OPT_FORMAT:
			if (vlp_dump_format_parse(optarg, &o->format))
				return usage_error(
					"unknown dump format '%s' (auto, lspci, raw, xxd, hexdump)",
					optarg);
			break;
		case OPT_ACCESS:
			if (vlp_access_mode_parse(optarg, &o->access))
				return usage_error("unknown access mode '%s' (auto, mmap, window)",
						   optarg);
			break;
		case OPT_PASSIVE:
			o->passive = true;
			break;
		case OPT_READ_ISR:
			o->read_isr = true;
			break;
		case OPT_SAVE:
			o->save_path = optarg;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_RINGS:
			o->rings = true;
			break;
		case OPT_SAMPLE:
			ret = parse_sample(optarg, &o->sample_count, &o->sample_interval_ms);
			o->rings = true;
			break;
		case 'A':
			if (!strcmp(optarg, "help"))
				return list_access_methods();
			o->access_method = optarg;
			break;
		case 'v':
			o->out.verbose++;
			break;
		case 'n':
			o->out.numeric++;
			break;
		case 'x':
			o->out.hex++;
			break;
		case OPT_DOMAIN:
			if (!optarg) {
				o->out.domains = true;
				break;
			}
			if (!*optarg)
				return usage_error(
					"%s", "--domain=NAME: the libvirt domain's name is empty");
			o->libvirt_domain = optarg;
			break;
		case OPT_ALL_DOMAINS:
			o->all_domains = true;
			break;
		case OPT_CONNECT:
			o->libvirt_uri = optarg;
			break;
		case 'D':
			o->out.domains = true;
			break;
		case 'J':
			o->printer = &json_printer;
			o->json = true;
			o->prometheus = false;
			o->junit = false;
			break;
		case 'o':
			o->json = !strcmp(optarg, "json");
			o->prometheus = !strcmp(optarg, "prometheus");
			o->junit = !strcmp(optarg, "junit");
			if (!strcmp(optarg, "json"))
				o->printer = &json_printer;
			else if (!strcmp(optarg, "text"))
				o->printer = &text_printer;
			else if (o->prometheus || o->junit)
				o->printer = &text_printer; /* not used: the faces write the metrics */
			else
				return usage_error(
					"unknown output format '%s' (text, json, prometheus, junit)",
					optarg);
			break;
		case OPT_TEXTFILE:
			o->textfile = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		case 'V':
			printf(PROG " " VLP_VERSION "\n");
			print_version();
			return EXIT_OK;
		default:
			fprintf(stderr, "Try '" PROG " --help' for more information.\n");
			return EXIT_USAGE;
		}
		if (ret >= 0)
			return ret;
	}
	/* --diff takes its two operands from the arguments. */
	for (int i = optind + (o->mode == MODE_DIFF ? 2 : 0); i < argc; i++) {
		if (o->nslots >= sizeof(o->slots) / sizeof(o->slots[0]))
			return usage_error("too many slots: %s", argv[i]);
		o->slots[o->nslots++] = argv[i];
	}
	if (o->mode == MODE_DIFF && argc - optind != 2)
		return usage_error(
			"%s", "--diff compares two things: --diff A B (snapshot files or slots)");
	if (o->mode == MODE_REPL && o->passive)
		return usage_error(
			"%s",
			"-i/-c write registers: not with --passive (use --dry-run to see the writes)");
	if (o->mode == MODE_SELFTEST && o->dry_run && (o->json || o->rebind))
		return usage_error(
			"%s",
			"--selftest --dry-run prints its plan and writes as text: not with -J or --rebind");
	if ((o->force || o->dry_run) && o->mode != MODE_REPL && o->mode != MODE_NEGOTIATE &&
	    o->mode != MODE_NUDGE && o->mode != MODE_SELFTEST &&
	    !(o->mode == MODE_CHECK && (o->active || o->exercise)))
		return usage_error(
			"%s",
			"--force and --dry-run apply to -i/-c, --check --active/--exercise, --negotiate, --nudge and --selftest");
	if (o->timeout_set && o->mode != MODE_NUDGE)
		return usage_error("%s", "--timeout applies to --nudge");
	if (!o->timeout_set)
		o->timeout_ms = 1000;
	if (o->mode == MODE_NUDGE && o->dump_path)
		return usage_error("%s", "--nudge writes to a live device: not with -F");
	if (o->mode == MODE_NUDGE && !o->nslots && !o->nids)
		return usage_error("%s", "--nudge writes to devices: name them (SLOT...)");
	if (o->mode == MODE_NUDGE && o->dry_run && o->json)
		return usage_error("%s", "--nudge --dry-run prints its write as text: not with -J");
	if (o->mode == MODE_NUDGE && o->passive)
		return usage_error("%s", "--nudge writes a notification: not with --passive");
	/* The probe resets devices: only those named. */
	if (o->mode == MODE_NEGOTIATE && !o->nslots && !o->nids)
		return usage_error("%s", "--negotiate writes to devices: name them (SLOT...)");
	if (o->mode == MODE_NEGOTIATE && o->dry_run && o->json)
		return usage_error("%s",
				   "--negotiate --dry-run prints its writes as text: not with -J");
	if (o->mode == MODE_NEGOTIATE && o->passive)
		return usage_error("%s", "--negotiate writes registers: not with --passive");
	if (o->mode == MODE_SELFTEST && ((!o->nslots && !o->nids) || o->passive))
		return usage_error(
			"%s", "--selftest writes to devices: name them (SLOT...), not with --passive");
	if (o->exercise && o->mode != MODE_CHECK)
		return usage_error("%s", "--exercise applies to --check");
	if (o->exercise && (o->dump_path || o->dry_run || o->passive || (!o->nslots && !o->nids)))
		return usage_error(
			"%s",
			"--check --exercise drives devices: name them (SLOT...), not with -F, --dry-run or --passive");
	if (o->exercise)
		o->active = true; /* the third level of --check includes the second */
	if (o->media_writes && !o->exercise)
		return usage_error("%s", "--media-writes applies to --check --exercise");
	if (o->config_writes && !o->exercise)
		return usage_error("%s", "--config-writes applies to --check --exercise");
	if (o->watch_config_s && !o->exercise)
		return usage_error("%s", "--watch-config applies to --check --exercise");
	if (o->hostile && !o->exercise)
		return usage_error("%s", "--hostile applies to --check --exercise");
	if (o->rebind && o->mode != MODE_SELFTEST && !o->exercise)
		return usage_error("%s", "--rebind applies to --selftest and --check --exercise");
	if ((o->active || o->strict) && o->mode != MODE_CHECK)
		return usage_error("%s", "--active and --strict apply to --check");
	if (o->junit && o->mode != MODE_CHECK)
		return usage_error("%s", "-o junit applies to --check");
	if (o->junit && o->textfile)
		return usage_error("%s", "--textfile writes Prometheus output: not with -o junit");
	if (o->active && o->dump_path)
		return usage_error("%s", "--check --active writes to a live device: not with -F");
	if (o->mode != MODE_LIST && (o->save_path || o->out.hex))
		return usage_error("%s", "--save and -x apply to the device listing only");
	/* The metrics file: Prometheus output, of the listing or --check. */
	if (o->textfile && o->json)
		return usage_error("%s", "--textfile writes Prometheus output: not with -J or -o json");
	if (o->textfile) {
		o->prometheus = true;
		o->printer = &text_printer;
	}
	if (o->prometheus && o->mode != MODE_LIST && o->mode != MODE_CHECK)
		return usage_error("%s",
				   "-o prometheus and --textfile apply to the listing and --check");
	if (o->prometheus && o->out.hex)
		return usage_error("%s", "-x (hex dump) cannot be combined with Prometheus output");
	if (o->printer == &json_printer && o->out.hex)
		return usage_error("%s", "-x (hex dump) cannot be combined with JSON output");
	if (o->qmp_path && (o->dump_path || o->access_method))
		return usage_error("--qmp reads a VM through its monitor: not with %s",
				   o->dump_path ? "-F" : "-A");
	if (o->monitor_log && !o->qmp_path && !o->libvirt_domain && !o->all_domains)
		return usage_error("%s", "--monitor-log applies to --qmp, --domain and --all-domains");
	if (o->dump_path && o->access_method)
		return usage_error("%s", "-A (access method) applies to live reads, not to -F dumps");
	if ((ret = check_libvirt_options(o)) >= 0)
		return ret;
	if (!o->dump_path && o->format != VLP_FORMAT_AUTO)
		return usage_error("%s", "--format applies to -F dumps only");
	if (o->passive && o->read_isr)
		return usage_error("%s",
				   "--read-isr reads (and clears) a register: not with --passive");
	if (o->sample_count && o->mode != MODE_LIST)
		return usage_error("%s", "--sample applies to the device listing");
	if (o->rings && o->mode != MODE_LIST && o->mode != MODE_TOP)
		return usage_error("%s", "--rings applies to the device listing and --top");
	/* The rings are shown per queue, from -v on. */
	if (o->rings && o->out.verbose < 1)
		o->out.verbose = 1;
	return -1;
}

int main(int argc, char **argv)
{
	struct options opts = { 0 };
	struct textfile textfile;
	struct vlp_ctx *ctx;
	int ret;

	ret = parse_options(argc, argv, &opts);
	if (ret >= 0)
		return ret;
	if (vlp_ctx_new(&ctx)) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_RUNTIME;
	}
	opts.repl_session = repl_session;
	if (opts.libvirt_domain &&
	    open_domain(ctx, opts.libvirt_uri, opts.libvirt_domain, &opts.monitor)) {
		vlp_ctx_free(ctx);
		return EXIT_RUNTIME;
	}
	if (opts.textfile && (ret = textfile_begin(&textfile, opts.textfile)) != EXIT_OK) {
		vlp_monitor_close(opts.monitor);
		vlp_ctx_free(ctx);
		return ret;
	}
	switch (opts.mode) {
	case MODE_LIST:
		ret = list_main(ctx, &opts);
		break;
	case MODE_REPL:
		ret = repl_main(ctx, &opts);
		break;
	case MODE_TOP:
		ret = tui_main(ctx, &opts);
		break;
	case MODE_CHECK:
		ret = check_main(ctx, &opts);
		break;
	case MODE_DIFF:
		ret = diff_main(ctx, &opts, argv[argc - 2], argv[argc - 1]);
		break;
	case MODE_LIST_CHECKS:
		ret = list_checks_main(&opts);
		break;
	case MODE_NEGOTIATE:
		ret = negotiate_main(ctx, &opts);
		break;
	case MODE_NUDGE:
		ret = nudge_main(ctx, &opts);
		break;
	case MODE_SELFTEST:
		ret = selftest_main(ctx, &opts);
		break;
	default:
		ret = EXIT_USAGE;
		break;
	}
	/* A run that found something (--check's errors) collected its metrics. */
	if (opts.textfile && textfile_end(&textfile, ret == EXIT_OK || ret == EXIT_FOUND))
		ret = EXIT_RUNTIME;
	ret = exit_status(ret);
	vlp_monitor_close(opts.monitor);
	vlp_ctx_free(ctx);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": write error on standard output: %s\n", strerror(errno));
		ret = EXIT_RUNTIME;
	}
	return ret;
}
