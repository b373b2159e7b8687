/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The REPL's command language (words, values, setpci syntax), completion
 * from the field tables, and commands run against a real virtio-net
 * snapshot (tests/data/snapshot-modern.lspci), bad commands included. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "complete.h"
#include "repl.h"

#define SNAPSHOT "tests/data/snapshot-modern.lspci"

static struct vlp_ctx *ctx;

static void test_split_words(void **state)
{
	struct words w;
	char err[128];

	(void)state;
	assert_int_equal(split_words("  set  device_status 'A B'\t\"x\"y ", &w, err, sizeof(err)), 0);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.w[0], "set");
	assert_string_equal(w.w[2], "A B");
	assert_string_equal(w.w[3], "xy");
	assert_int_equal(split_words("echo 'open", &w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unterminated"));
	assert_int_equal(split_words("a b c d e f g h i j k l m n o p q", &w, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too many words"));
	assert_int_equal(split_words("   ", &w, err, sizeof(err)), 0);
	assert_int_equal(w.n, 0);
}

struct collected {
	char cmds[8][64];
	int n;
};

static int collect(void *arg, const char *cmd)
{
	struct collected *c = arg;

	snprintf(c->cmds[c->n++], sizeof(c->cmds[0]), "%s", cmd);
	return c->n == 8 ? 1 : 0;
}

static void test_split_commands(void **state)
{
	struct collected c = { 0 };

	(void)state;
	assert_int_equal(split_commands("reset; status +ACKNOWLEDGE;;echo 'a;b' # comment; not run\nget x",
					collect, &c),
			 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.cmds[0], "reset");
	assert_string_equal(c.cmds[1], " status +ACKNOWLEDGE");
	assert_string_equal(c.cmds[2], "echo 'a;b' ");
	assert_string_equal(c.cmds[3], "get x");
}

static void test_numbers(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_number("0x1F", &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(parse_number("0b101", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(parse_number("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_number("18446744073709551615", &v), 0);
	assert_int_equal(parse_number("18446744073709551616", &v), -1); /* 2^64 */
	assert_int_equal(parse_number("-1", &v), -1);
	assert_int_equal(parse_number("0x", &v), -1);
	assert_int_equal(parse_number("12abc", &v), -1);
	assert_int_equal(parse_number("", &v), -1);
	assert_int_equal(parse_number(" 1", &v), -1);
}

static void test_field_values(void **state)
{
	char err[128];
	uint64_t v;

	(void)state;
	assert_int_equal(
		parse_field_value("ACKNOWLEDGE|DRIVER", vlp_status_names(), &v, err, sizeof(err)), 0);
	assert_int_equal(v, 3);
	assert_int_equal(parse_field_value("features_ok,driver_ok", vlp_status_names(), &v, err,
					   sizeof(err)),
			 0);
	assert_int_equal(v, 0xc);
	assert_int_equal(parse_field_value("0x80", vlp_status_names(), &v, err, sizeof(err)), 0);
	assert_int_equal(v, 0x80);
	assert_int_equal(parse_field_value("DRIVER|BOGUS", vlp_status_names(), &v, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "BOGUS"));
	assert_int_equal(parse_field_value("ACK", NULL, &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a number"));
}

static void test_features_by_name(void **state)
{
	(void)state;
	assert_int_equal(parse_feature(1, "VIRTIO_F_VERSION_1"), 32);
	assert_int_equal(parse_feature(1, "version_1"), 32);
	assert_int_equal(parse_feature(1, "VIRTIO_NET_F_MAC"), 5);
	assert_int_equal(parse_feature(1, "MAC"), 5);
	assert_int_equal(parse_feature(2, "MAC"), -1); /* not a block device bit */
	assert_int_equal(parse_feature(1, "RING_PACKED"), 34);
	assert_int_equal(parse_feature(1, "bit34"), 34);
	assert_int_equal(parse_feature(1, "127"), 127);
	assert_int_equal(parse_feature(1, "128"), -1);
	assert_int_equal(parse_feature(1, "nonsense"), -1);
}

static void test_cfg_syntax(void **state)
{
	struct cfg_access a;
	char err[160];

	(void)state;
	assert_int_equal(parse_cfg_access("COMMAND", false, &a, err, sizeof(err)), 0);
	assert_int_equal(a.offset, 4);
	assert_int_equal(a.width, 2);
	assert_int_equal(parse_cfg_access("4.w=0406", true, &a, err, sizeof(err)), 0);
	assert_int_equal(a.offset, 4);
	assert_int_equal(a.value, 0x406);
	assert_int_equal(parse_cfg_access("0x40.L", false, &a, err, sizeof(err)), 0);
	assert_int_equal(a.offset, 0x40);
	assert_int_equal(a.width, 4);
	assert_int_equal(parse_cfg_access("3.w", false, &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "aligned"));
	assert_int_equal(parse_cfg_access("40", false, &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "width"));
	assert_int_equal(parse_cfg_access("8.b=1ff", true, &a, err, sizeof(err)), -1);
	assert_int_equal(parse_cfg_access("8.b=1", false, &a, err, sizeof(err)), -1);
	assert_int_equal(parse_cfg_access("1000.b", false, &a, err, sizeof(err)), -1);
	assert_int_equal(parse_cfg_access("zz.b", false, &a, err, sizeof(err)), -1);
}

/* ------------------------------------------------------------ device */

struct fixture {
	struct session s;
	struct options o;
	struct repl r;
	char *out;
	size_t outlen;
};

static int setup(void **state)
{
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO, .writable = true };
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(session_open_source(&fx->s, ctx, SNAPSHOT, "00:02.0", &fx->o, &bopts), 0);
	assert_true(fx->s.bars);
	fx->r.s = &fx->s;
	fx->r.o = &fx->o;
	fx->r.ctx = ctx;
	fx->r.type = 1;
	fx->r.out = open_memstream(&fx->out, &fx->outlen);
	assert_non_null(fx->r.out);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	fclose(fx->r.out);
	free(fx->out);
	session_close(&fx->s);
	free(fx);
	return 0;
}

/* Runs one command; returns its own output (what it wrote after the
 * commands before it) or, when it fails, its error message, so that an
 * earlier command's text cannot satisfy a later assertion. */
static const char *run(struct fixture *fx, const char *cmd, int want)
{
	size_t start;

	fflush(fx->r.out);
	start = fx->outlen;
	assert_int_equal(repl_run_command(&fx->r, cmd), want);
	fflush(fx->r.out);
	assert_true(fx->outlen >= start);
	if (want) /* a refused command says so in its error only */
		assert_int_equal(fx->outlen, start);
	return want ? fx->r.err : fx->out + start;
}

static void test_commands(void **state)
{
	struct fixture *fx = *state;
	const char *out;

	assert_string_equal(run(fx, "get num_queues mac", 0),
			    "common.num_queues = 3\ndevice.mac = 52:54:00:12:34:56\n");
	assert_non_null(strstr(run(fx, "queue controlq", 0), "queue_notify_off             2"));
	assert_int_equal(fx->r.sel.queue, 2);
	assert_non_null(strstr(run(fx, "queue RECEIVEQ1", 0), "queue 0:"));
	assert_int_equal(fx->r.sel.queue, 0);
	assert_string_equal(
		run(fx, "queue requestq", -1),
		"queue: no queue 'requestq' (queues: 0 receiveq1, 1 transmitq1, 2 controlq)");
	assert_non_null(strstr(run(fx, "queue 1", 0), "queue_notify_off             1"));
	assert_int_equal(fx->r.sel.queue, 1);
	out = run(fx, "get queue_size", 0);
	assert_non_null(strstr(out, "common.queue_size (queue 1) = 256"));
	assert_null(strstr(out, "queue_notify_off")); /* that was the queue command's */
	assert_non_null(strstr(run(fx, "features", 0), "32  VIRTIO_F_VERSION_1"));
	assert_non_null(strstr(run(fx, "status", 0),
			       "device_status = 0x0f (ACKNOWLEDGE DRIVER DRIVER_OK FEATURES_OK)"));
}

/* Queues driven from the REPL: a snapshot refuses them before anything is
 * allocated or written; bad arguments are refused in one line. */
static void test_queue_commands(void **state)
{
	struct fixture *fx = *state;
	const struct vlp_access_stats *st = vlp_device_stats(fx->s.dev);

	assert_string_equal(run(fx, "queue setup 0 8", -1), "queues refused: a snapshot is read-only");
	assert_null(fx->r.vqs);
	assert_string_equal(run(fx, "queue setup", -1), "usage: queue setup Q [SIZE]");
	assert_string_equal(run(fx, "queue setup 0 0", -1),
			    "queue setup: '0' is not a queue size (1-32768)");

	assert_string_equal(run(fx, "post 0 in 64", -1), "post: queue 0 is not set up (queue setup 0)");
	assert_string_equal(run(fx, "post 0 sideways 4", -1),
			    "post: 'sideways': give in (the device writes) or out (the device reads)");
	assert_string_equal(run(fx, "post 0 in 5000", -1), "post: '5000' is not a length (1-4096)");
	assert_string_equal(run(fx, "post 0 out 2 0102ff", -1),
			    "post: '0102ff': give an even number of hex digits, at most 2 bytes");
	assert_string_equal(run(fx, "post 0 out 2 zz", -1), "post: 'zz' is not hex");
	assert_string_equal(run(fx, "post 0", -1), "usage: post Q in|out LEN [HEX]");
	assert_string_equal(run(fx, "kick 0", -1), "kick: queue 0 is not set up (queue setup 0)");
	assert_string_equal(run(fx, "poll 0 70000", -1),
			    "poll: '70000' is not a timeout in ms (0-60000)");
	assert_string_equal(run(fx, "poll 1", -1), "poll: queue 1 is not set up (queue setup 1)");
	/* nothing was written, not even bus mastering */
	assert_int_equal(st->bar_writes, 0);
	assert_int_equal(st->config_writes, 0);
	/* Queues by name: the names read the driver's features (selector
	 * writes, put back), nothing else. */
	assert_string_equal(run(fx, "queue setup x", -1),
			    "queue setup: no queue 'x' (queues: 0 receiveq1, 1 transmitq1, 2 controlq)");
	assert_string_equal(run(fx, "queue setup controlq 8", -1),
			    "queues refused: a snapshot is read-only");
	assert_string_equal(run(fx, "kick transmitq1", -1),
			    "kick: queue 1 is not set up (queue setup 1)");
	assert_null(fx->r.vqs);
	assert_int_equal(st->config_writes, 0);
	assert_int_equal(repl_release_queues(&fx->r), 0);
}

static void test_bad_commands(void **state)
{
	struct fixture *fx = *state;

	assert_string_equal(run(fx, "bogus", -1), "unknown command 'bogus' (help lists them)");
	assert_string_equal(run(fx, "get", -1), "usage: get FIELD...");
	assert_string_equal(run(fx, "get nonsense", -1), "no field 'nonsense' on this device");
	assert_string_equal(run(fx, "set num_queues 1", -1),
			    "num_queues is read-only for the driver (4.1.4.3.2)");
	assert_string_equal(run(fx, "set queue_size 0x10000", -1),
			    "0x10000 does not fit queue_size (16 bits)");
	assert_string_equal(
		run(fx, "set queue_size 100", -1),
		"refused: queue_size 100 is not a power of 2 (4.1.4.3.2) (--force writes it anyway)");
	assert_string_equal(
		run(fx, "set queue_enable 0", -1),
		"refused: the driver must not write 0 to queue_enable (4.1.4.3.2): use queue_reset or a device reset (--force writes it anyway)");
	assert_string_equal(run(fx, "set device_status 1", -1),
			    "device_status: writes refused: a snapshot is read-only");
	assert_string_equal(run(fx, "set mac 1", -1), "mac is an array of 6: set one element, mac[0]");
	assert_string_equal(run(fx, "get mac[6]", -1), "mac: index 6 out of range (6 elements)");
	assert_string_equal(run(fx, "queue 3", -1), "queue 3: the device has 3 queues (0-2)");
	assert_string_equal(run(fx, "feature VERSION_1", -1),
			    "feature: 'VERSION_1': give +NAME, -NAME or = MASK");
	assert_string_equal(run(fx, "feature +NOPE", -1),
			    "feature: no feature 'NOPE' for this device type (tab completes them)");
	assert_string_equal(
		run(fx, "status -DRIVER", -1),
		"refused: the driver must not clear a status bit (2.1.1); reset instead (--force writes it anyway)");
	assert_string_equal(run(fx, "read 9 0 4", -1), "'9' is not a BAR number (0-5)");
	assert_string_equal(run(fx, "read 4 2 4", -1),
			    "0x2: a 4-byte access must be aligned (4.1.3.1)");
	assert_string_equal(run(fx, "get isr", -1),
			    "isr: reading clears it (4.1.4.5): use the isr command");
	assert_string_equal(run(fx, "cfg poke 4.w", -1),
			    "usage: cfg read REG[.B|.W|.L] | cfg write REG[.B|.W|.L]=VALUE");
	assert_string_equal(
		run(fx, "show nothing", -1),
		"show: no section 'nothing' (all caps map status features queues device msix legacy)");
}

/* ring, chain, irq on ring snapshots captured in a QEMU guest
 * (tests/data/rings): split virtio-net with 256 posted receive buffers,
 * packed virtio-net, legacy virtio-blk; and the refusals. */
static struct fixture *open_fixture(const char *path, const char *slot)
{
	struct vlp_bar_opts bopts = { .mode = VLP_ACCESS_AUTO };
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(session_open_source(&fx->s, ctx, path, slot, &fx->o, &bopts), 0);
	fx->r.s = &fx->s;
	fx->r.o = &fx->o;
	fx->r.ctx = ctx;
	fx->r.out = open_memstream(&fx->out, &fx->outlen);
	assert_non_null(fx->r.out);
	return fx;
}

static void test_rings(void **state)
{
	struct fixture *fx = open_fixture("tests/data/rings/net-split.lspci", NULL);
	const char *out;
	void *keep = fx;
	static const char ring0[] =
		"Queue 0 receiveq1 (receive, split, size 256): avail 256, used 0, in flight 256\n"
		"  avail flags 0x0 used_event 0; used flags 0x0 avail_event 0\n"
		"  chain at 0: head 0, 1 descriptor, 0 bytes to the device, 1536 from it\n";
	static const char blk0[] =
		"Queue 0 requestq1 (request, legacy-split, size 256): avail 9, used 9, in flight 0\n"
		"  avail flags 0x0 used_event 9; used flags 0x0 avail_event 9\n";

	(void)state;
	out = run(fx, "ring 0", 0);
	assert_true(!strncmp(out, ring0, strlen(ring0)));
	assert_non_null(strstr(out, "\n  chain at 255: head 255, 1 descriptor"));
	/* by name, case-insensitive */
	assert_string_equal(run(fx, "ring CONTROLQ", 0),
			    "Queue 2 controlq (control, split, size 64): avail 6, used 6, in flight 0\n"
			    "  avail flags 0x0 used_event 0; used flags 0x0 avail_event 6\n");
	assert_string_equal(run(fx, "chain receiveq1 3", 0),
			    "chain at 3: head 3, 1 descriptor, 0 bytes to the device, 1536 from it\n"
			    "  desc 3: addr 0x27b1200 len 1536 WRITE\n");
	assert_string_equal(run(fx, "irq", 0),
			    "Interrupts: unavailable (snapshot: the Linux IRQs of the machine it was captured on are not recorded)\n"
			    "Config: vector 0\n"
			    "Queue 0 receiveq1: vector 1\n"
			    "Queue 1 transmitq1: vector 2\n"
			    "Queue 2 controlq: no vector (NO_VECTOR)\n");
	assert_string_equal(run(fx, "ring 7", -1),
			    "ring: no queue '7' (queues: 0 receiveq1, 1 transmitq1, 2 controlq)");
	assert_string_equal(run(fx, "ring rxq", -1),
			    "ring: no queue 'rxq' (queues: 0 receiveq1, 1 transmitq1, 2 controlq)");
	assert_string_equal(run(fx, "chain 9 0", -1),
			    "chain: no queue '9' (queues: 0 receiveq1, 1 transmitq1, 2 controlq)");
	assert_string_equal(
		run(fx, "chain 0 300", -1),
		"chain: position 300 of receiveq1 is not in flight (256 in flight: positions 0 to 255)");
	assert_string_equal(run(fx, "chain 2 5", -1),
			    "chain: position 5 of controlq is not in flight (nothing is in flight)");
	assert_string_equal(run(fx, "chain 0 65536", -1),
			    "chain: '65536' is not a ring position (0-65535)");
	assert_string_equal(run(fx, "chain 0", -1), "usage: chain Q POSITION");
	assert_string_equal(run(fx, "ring", -1), "usage: ring Q");
	assert_string_equal(run(fx, "irq 1", -1), "usage: irq");
	teardown(&keep);

	fx = open_fixture("tests/data/rings/blk-legacy.lspci", NULL);
	keep = fx;
	assert_string_equal(run(fx, "ring 0", 0), blk0);
	assert_string_equal(run(fx, "ring requestq1", 0), blk0);
	assert_string_equal(run(fx, "chain 0 9", -1),
			    "chain: position 9 of requestq1 is not in flight (nothing is in flight)");
	assert_string_equal(run(fx, "irq", 0),
			    "Interrupts: unavailable (snapshot: the Linux IRQs of the machine it was captured on are not recorded)\n"
			    "Config: vector 0\n"
			    "Queue 0 requestq1: vector 1\n");
	assert_string_equal(run(fx, "ring 1", -1), "ring: no queue '1' (queues: 0 requestq1)");
	teardown(&keep);

	/* Packed: positions are ring slots (2.8). */
	fx = open_fixture("tests/data/rings/net-packed.lspci", NULL);
	keep = fx;
	assert_string_equal(run(fx, "chain 0 1", 0),
			    "chain at 1: head 1, 1 descriptor, 0 bytes to the device, 1536 from it\n"
			    "  desc 1: addr 0x3960600 len 1536 WRITE AVAIL id 1\n");
	assert_non_null(strstr(
		run(fx, "ring 0", 0),
		"Queue 0 receiveq1 (receive, packed, size 256): next avail 0 wrap 0, in flight 256\n"
		"  driver event DESC off_wrap 32768, device event ENABLE off_wrap 0\n"));
	assert_string_equal(run(fx, "chain 1 0", -1),
			    "chain: position 0 of transmitq1 is not in flight (nothing is in flight)");
	teardown(&keep);

	/* No ring memory: a snapshot without it, a dump. */
	fx = open_fixture(SNAPSHOT, "00:02.0");
	keep = fx;
	assert_string_equal(run(fx, "ring 0", -1),
			    "ring: rings not read: the snapshot holds no ring memory");
	assert_string_equal(run(fx, "chain 0 0", -1),
			    "chain: rings not read: the snapshot holds no ring memory");
	teardown(&keep);
	fx = open_fixture("tests/data/qemu-modern.lspci", "00:02.0");
	keep = fx;
	assert_string_equal(run(fx, "ring 0", -1),
			    "ring: rings not read: a dump holds config space only");
	assert_string_equal(run(fx, "irq", -1),
			    "irq: a dump holds config space only (no MSI-X table, no Linux IRQs)");
	teardown(&keep);
}

/* QEMU 7.2 keeps the last driver's feature bits after a reset: the note the
 * REPL gives then, fed the driver_feature words the snapshot recorded (a
 * snapshot cannot be reset: it is read-only). */
static void test_reset_feature_note(void **state)
{
	struct fixture *fx = *state;
	uint32_t drv[VLP_FEATURE_WORDS];
	char note[300];

	assert_int_equal(vlp_features_read(ctx, fx->s.dev, fx->s.layout, true, drv), 0);
	assert_true(repl_reset_feature_note(drv, note, sizeof(note)));
	assert_string_equal(
		note,
		"note: driver_feature still reads 00000000 00000000 00000101 30af8024 after the reset (the previous driver's bits: QEMU 7.2 keeps them), and 'feature +NAME' keeps them too; start from zero with 'feature = 0 +NAME'");
	memset(drv, 0, sizeof(drv));
	assert_false(repl_reset_feature_note(drv, note, sizeof(note)));
	assert_string_equal(note, "");
	drv[3] = 1; /* any word counts */
	assert_true(repl_reset_feature_note(drv, note, sizeof(note)));
	assert_non_null(strstr(note, "still reads 00000001 00000000 00000000 00000000 after"));
	/* A short buffer cuts the note, never overruns it. */
	assert_true(repl_reset_feature_note(drv, note, 20));
	assert_int_equal(strlen(note), 19);
	/* The reset itself is refused on a snapshot, and says nothing more. */
	assert_string_equal(run(fx, "reset", -1),
			    "device_status: writes refused: a snapshot is read-only");
	assert_string_equal(fx->out ? fx->out : "", "");
}

struct cands {
	char v[64][64];
	int n;
};

static void add(void *arg, const char *cand)
{
	struct cands *c = arg;

	if (c->n < 64)
		snprintf(c->v[c->n++], sizeof(c->v[0]), "%s", cand);
}

static bool has(const struct cands *c, const char *want)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->v[i], want))
			return true;
	return false;
}

static struct cands complete(struct fixture *fx, const char *line, const char *text)
{
	struct complete_ctx cc = { ctx, fx->s.layout, 3 };
	struct cands c = { .n = 0 };
	char err[64];
	struct words w;

	assert_int_equal(split_words(line, &w, err, sizeof(err)), 0);
	repl_complete(&cc, (const char *const *)w.w, w.n, text, add, &c);
	return c;
}

static void test_completion(void **state)
{
	struct fixture *fx = *state;
	struct cands c;

	c = complete(fx, "", "fe");
	assert_int_equal(c.n, 2);
	assert_true(has(&c, "feature") && has(&c, "features"));
	c = complete(fx, "get", "num_q");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0], "num_queues");
	c = complete(fx, "watch", "device.st");
	assert_true(has(&c, "device.status"));
	c = complete(fx, "get", "");
	assert_true(has(&c, "mac") && has(&c, "queue_desc") && has(&c, "common.") &&
		    has(&c, "device."));
	assert_false(has(&c, "legacy.")); /* a modern device has no legacy header */
	c = complete(fx, "feature", "+VIRTIO_NET_F_MA");
	assert_true(has(&c, "+VIRTIO_NET_F_MAC"));
	c = complete(fx, "feature", "-VIRTIO_F_VER");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0], "-VIRTIO_F_VERSION_1");
	c = complete(fx, "status", "+FEAT");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0], "+FEATURES_OK");
	c = complete(fx, "set device_status", "DRIVER_");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0], "DRIVER_OK");
	c = complete(fx, "queue", "");
	assert_int_equal(c.n, 3);
	c = complete(fx, "queue", "s");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0], "setup");
	c = complete(fx, "queue setup", "");
	assert_int_equal(c.n, 3);
	c = complete(fx, "post 1", "");
	assert_int_equal(c.n, 2);
	assert_true(has(&c, "in"));
	assert_true(has(&c, "out"));
	c = complete(fx, "", "po");
	assert_int_equal(c.n, 2);
	assert_true(has(&c, "post"));
	assert_true(has(&c, "poll"));
	c = complete(fx, "show", "q");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0], "queues");
	c = complete(fx, "help", "st");
	assert_int_equal(c.n, 1);
	c = complete(fx, "", "ri");
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0], "ring");
	c = complete(fx, "chain", "");
	assert_int_equal(c.n, 3);
	c = complete(fx, "chain 0", "");
	assert_int_equal(c.n, 0);
	c = complete(fx, "ir", "");
	c = complete(fx, "", "ir");
	assert_true(has(&c, "irq"));
	c = complete(fx, "nosuchcommand", "");
	assert_int_equal(c.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_split_commands),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_field_values),
		cmocka_unit_test(test_features_by_name),
		cmocka_unit_test(test_cfg_syntax),
		cmocka_unit_test_setup_teardown(test_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_completion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_feature_note, setup, teardown),
		cmocka_unit_test(test_rings),
	};
	int ret;

	if (vlp_ctx_new(&ctx))
		return 1;
	ret = cmocka_run_group_tests_name("test_repl", tests, NULL, NULL);
	vlp_ctx_free(ctx);
	return ret;
}
