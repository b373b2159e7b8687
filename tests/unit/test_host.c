/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the host source (src/lib/source/hostsrc.c, state/hoststate.c,
 * core/monitor*.c, linux/guestmem_qmp.c) against a fake QMP server: a
 * forked child on a unix socket that answers with replies recorded from
 * QEMU 7.2 (tests/data/qmp/vm.snap: a host snapshot of virtio-net, -blk
 * and -rng, whose "# vlp-qmp" lines are the exchanges and "# vlp-mem" lines
 * the guest RAM the rings were read from; tests/data/qmp/mtree.txt: that
 * VM's "info mtree -f").  Every command the child receives is logged, so a
 * test sees what the library sent.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"
#include "core/json.h"
#include "core/monitor.h"

#define DATA "tests/data/qmp/"

enum fake_mode {
	FAKE_QEMU,        /* the recorded QEMU, pmemsave works */
	FAKE_NO_PMEMSAVE, /* pmemsave refused: memory through xp */
	FAKE_UNSTABLE,    /* -compat unstable-input=reject */
	FAKE_NOT_QMP,     /* something else on the socket */
	FAKE_SILENT,      /* another client holds the monitor: no greeting */
	FAKE_NO_PCI,      /* query-pci shows no device (bridges not numbered yet) */
};

struct memrange {
	uint64_t pa;
	uint8_t bytes[32];
	size_t len;
};

static struct vlp_ctx *ctx;
static struct vlp_monitor_records records;
static struct memrange *mem;
static size_t nmem, memalloc;
static char *mtree;
static char dir[64], sock[96], logpath[96];
static pid_t child;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The recorded exchanges and memory of the snapshot, read by hand (not by
 * the library under test). */
static void load_data(void)
{
	char *text = slurp(DATA "vm.snap"), *line, *save = NULL;
	struct vlp_monitor_record *cur = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# vlp-qmp > ", 12)) {
			if (!cur || cur->reply[0]) {
				assert_int_equal(vlp_monitor_records_add(&records, "", ""), 0);
				cur = &records.r[records.n - 1];
			}
			cur->command =
				realloc(cur->command, strlen(cur->command) + strlen(line + 12) + 1);
			strcat(cur->command, line + 12);
		} else if (!strncmp(line, "# vlp-qmp < ", 12)) {
			cur->reply = realloc(cur->reply, strlen(cur->reply) + strlen(line + 12) + 1);
			strcat(cur->reply, line + 12);
		} else if (!strncmp(line, "# vlp-mem 0x", 12)) {
			struct memrange *m;
			char *p;

			assert_int_equal(vlp_grow((void **)&mem, &memalloc, nmem, sizeof(*mem), 64), 0);
			m = &mem[nmem++];
			m->pa = strtoull(line + 12, &p, 16);
			for (p++, m->len = 0; p[0] && p[1] && m->len < 32; p += 2)
				m->bytes[m->len++] = (uint8_t)(hexv(p[0]) << 4 | hexv(p[1]));
		}
	}
	free(text);
	mtree = slurp(DATA "mtree.txt");
}

static uint8_t mem_byte(uint64_t pa)
{
	for (size_t i = 0; i < nmem; i++)
		if (pa >= mem[i].pa && pa - mem[i].pa < mem[i].len)
			return mem[i].bytes[pa - mem[i].pa];
	return 0; /* pmemsave of unmapped memory gives zeros too */
}

static void say(int fd, const char *text)
{
	size_t len = strlen(text);

	while (len) {
		ssize_t n = write(fd, text, len);

		if (n <= 0)
			_exit(3);
		text += n;
		len -= (size_t)n;
	}
}

static void reply_str(int fd, const char *s)
{
	size_t need = strlen(s) * 6 + 32;
	char *q = malloc(need), *out = malloc(need + 32);

	vlp_json_quote(q, need, s);
	snprintf(out, need + 32, "{\"return\": %s}\r\n", q);
	say(fd, out);
	free(q);
	free(out);
}

static void answer(int fd, enum fake_mode mode, const char *line, bool *used)
{
	struct vlp_jv *cmd = NULL;
	const char *exec, *hmp;
	const struct vlp_jv *args;
	char out[512];
	size_t i, last = records.n;

	if (vlp_json_parse(NULL, "", line, strlen(line), &cmd)) {
		say(fd,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error\"}}\r\n");
		return;
	}
	exec = vlp_jv_get_str(cmd, "execute");
	args = vlp_jv_get(cmd, "arguments");
	hmp = vlp_jv_get_str(args, "command-line");
	/* an event before the reply, as QEMU sends them at any time */
	say(fd,
	    "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RTC_CHANGE\", \"data\": {\"offset\": 0}}\r\n");
	if (!exec) {
		say(fd, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no execute\"}}\r\n");
	} else if (!strcmp(exec, "qmp_capabilities")) {
		say(fd, "{\"return\": {}}\r\n");
	} else if (mode == FAKE_UNSTABLE && !strncmp(exec, "x-query-virtio", 14)) {
		/* measured on QEMU 7.2 with -compat unstable-input=reject */
		snprintf(out, sizeof(out),
			 "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"Unstable command %s disabled by policy\"}}\r\n",
			 exec);
		say(fd, out);
	} else if (mode == FAKE_NO_PCI && !strcmp(exec, "query-pci")) {
		say(fd, "{\"return\": [{\"bus\": 0, \"devices\": []}]}\r\n");
	} else if (hmp && !strcmp(hmp, "info mtree -f")) {
		reply_str(fd, mtree);
	} else if (hmp && !strncmp(hmp, "xp /", 4)) {
		unsigned n = (unsigned)strtoul(hmp + 4, NULL, 10);
		uint64_t pa = strtoull(strstr(hmp, " 0x") + 1, NULL, 16);
		char *text = calloc(n / 8 + 1, 80), *p = text;

		for (unsigned k = 0; k < n; k++) {
			if (k % 8 == 0)
				p += sprintf(p, "%s%016" PRIx64 ":", k ? "\r\n" : "", pa + k);
			p += sprintf(p, " 0x%02x", mem_byte(pa + k));
		}
		strcpy(p, "\r\n");
		reply_str(fd, text);
		free(text);
	} else if (!strcmp(exec, "pmemsave")) {
		uint64_t pa = 0, size = 0;
		const char *file = vlp_jv_get_str(args, "filename");
		FILE *f;

		vlp_jv_get_u64(args, "val", &pa);
		vlp_jv_get_u64(args, "size", &size);
		if (mode == FAKE_NO_PMEMSAVE || !file || !(f = fopen(file, "wb"))) {
			say(fd,
			    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Could not open file: Permission denied\"}}\r\n");
		} else {
			for (uint64_t k = 0; k < size; k++)
				fputc(mem_byte(pa + k), f);
			fclose(f);
			say(fd, "{\"return\": {}}\r\n");
		}
	} else {
		for (i = 0; i < records.n; i++) {
			if (strcmp(records.r[i].command, line))
				continue;
			last = i;
			if (!used[i])
				break;
		}
		if (i == records.n)
			i = last;
		if (i < records.n) {
			used[i] = true;
			say(fd, records.r[i].reply);
			say(fd, "\r\n");
		} else {
			snprintf(out, sizeof(out),
				 "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command %s has not been found\"}}\r\n",
				 exec);
			say(fd, out);
		}
	}
	vlp_jv_free(cmd);
}

static void serve(int lfd, enum fake_mode mode)
{
	int fd = accept(lfd, NULL, NULL);
	FILE *in, *log = fopen(logpath, "w");
	char *line = NULL;
	size_t cap = 0;
	bool *used = calloc(records.n + 1, sizeof(*used));

	if (fd < 0 || !log)
		_exit(2);
	setvbuf(log, NULL, _IONBF, 0);
	if (mode == FAKE_SILENT) {
		pause();
		_exit(0);
	}
	if (mode == FAKE_NOT_QMP) {
		say(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
		sleep(5);
		_exit(0);
	}
	say(fd,
	    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, \"capabilities\": [\"oob\"]}}\r\n");
	in = fdopen(dup(fd), "r");
	while (getline(&line, &cap, in) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		fprintf(log, "%s\n", line);
		answer(fd, mode, line, used);
	}
	_exit(0);
}

static void fake_start(enum fake_mode mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(lfd >= 0);
	unlink(sock);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 2), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		serve(lfd, mode);
	close(lfd);
}

static void fake_stop(void)
{
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	child = 0;
}

/* The commands the fake server received, one a line. */
static char *fake_log(void)
{
	return slurp(logpath);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vlp-test-host-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/qmp.sock", dir);
	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	load_data();
	return vlp_ctx_new(&ctx);
}

static int teardown(void **state)
{
	(void)state;
	fake_stop();
	unlink(sock);
	unlink(logpath);
	rmdir(dir);
	for (size_t i = 0; i < records.n; i++) {
		free(records.r[i].command);
		free(records.r[i].reply);
	}
	free(records.r);
	free(mem);
	free(mtree);
	vlp_ctx_free(ctx);
	return 0;
}

static struct vlp_source *open_src(const char *qmp, const char *dump, const char *slot)
{
	struct vlp_source_opts o = { .qmp_path = qmp, .dump_path = dump, .virtio_only = true };
	struct vlp_filter *f = NULL;
	struct vlp_source *src = NULL;

	if (slot) {
		assert_int_equal(vlp_filter_new(ctx, &f), 0);
		assert_int_equal(vlp_filter_add_slot(ctx, f, slot), 0);
		o.filter = f;
	}
	assert_int_equal(vlp_source_open(ctx, &o, &src), 0);
	/* the filter must outlive the source: kept in a static for the test */
	static struct vlp_filter *keep;
	vlp_filter_free(keep);
	keep = f;
	return src;
}

static void check_listing(struct vlp_source *src, size_t expect)
{
	static const char *const paths[] = {
		"/machine/peripheral/net0/virtio-backend", "/machine/peripheral/blk0/virtio-backend",
		"/machine/peripheral-anon/device[0]/virtio-backend", /* no id=: placed by qom-get */
	};
	struct vlp_device *dev;
	size_t n = 0;
	uint16_t v;

	while (vlp_source_next(src, &dev) == 1) {
		const struct vlp_slot *s = vlp_device_slot(dev);

		assert_int_equal(vlp_device_origin(dev), VLP_ORIGIN_HOST);
		assert_int_equal(vlp_device_config_limit(dev), VLP_LIMIT_HOST);
		assert_int_equal(s->bus, 0);
		assert_int_equal(s->dev, 2 + n);
		if (n < 3)
			assert_string_equal(vlp_device_qom_path(dev), paths[n]);
		assert_int_equal(vlp_cfg_u16(dev, 0, &v), 0);
		assert_int_equal(v, 0x1af4);
		/* what query-pci does not tell is unavailable, never 0 */
		assert_false(vlp_device_config_valid(dev, 0x04, 2)); /* command */
		assert_false(vlp_device_config_valid(dev, 0x08, 1)); /* revision */
		assert_true(vlp_device_config_valid(dev, 0x10, 4));  /* BAR0, assigned */
		vlp_device_free(dev);
		n++;
	}
	assert_int_equal(n, expect);
}

static void test_listing_join(void **state)
{
	struct vlp_source *src;

	(void)state;
	fake_start(FAKE_QEMU);
	src = open_src(sock, NULL, NULL);
	/* the recorded VM has six devices: 02.0 .. 07.0 */
	check_listing(src, 6);
	vlp_source_close(src);
	fake_stop();
	/* devices query-pci does not show are said, not dropped */
	fake_start(FAKE_NO_PCI);
	src = open_src(sock, NULL, NULL);
	{
		struct vlp_device *dev = NULL;

		assert_true(vlp_source_next(src, &dev) < 0);
		assert_null(dev);
		assert_non_null(strstr(vlp_ctx_error(ctx), "6 virtio devices not in query-pci"));
	}
	vlp_source_close(src);
	fake_stop();
	/* -s: the filter as for other sources (QEMU serves one client at a
	 * time: a new server for the next connection) */
	fake_start(FAKE_QEMU);
	src = open_src(sock, NULL, "04.0");
	{
		struct vlp_device *dev = NULL;

		assert_int_equal(vlp_source_next(src, &dev), 1);
		assert_int_equal(vlp_device_slot(dev)->dev, 4);
		vlp_device_free(dev);
		assert_int_equal(vlp_source_next(src, &dev), 0);
	}
	vlp_source_close(src);
	fake_stop();
}

static struct vlp_device *device_at(struct vlp_source *src)
{
	struct vlp_device *dev = NULL;

	assert_int_equal(vlp_source_next(src, &dev), 1);
	return dev;
}

static void check_net_state(struct vlp_device *dev, const char *backend)
{
	struct vlp_layout *l = NULL;
	struct vlp_state *s = NULL;
	struct vlp_state_opts so = { 0 };
	struct vlp_bar_opts bo = { 0 };
	const struct vlp_host_view *h;
	uint32_t words[VLP_FEATURE_WORDS];

	assert_int_equal(vlp_decode(ctx, dev, &l), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, l, &bo), 0);
	assert_string_equal(vlp_device_backend(dev), "qmp");
	assert_int_equal(vlp_bar_write(dev, 0, 0x12, 1, 0), -ENODEV); /* nothing to write to */
	assert_int_equal(vlp_read_state(ctx, dev, l, &so, &s), 0);
	assert_string_equal(s->backend, backend);
	assert_true(s->common.values[VLP_COMMON_DEVICE_STATUS].valid);
	assert_int_equal(s->common.values[VLP_COMMON_DEVICE_STATUS].value, 0x0f);
	assert_int_equal(s->common.values[VLP_COMMON_NUM_QUEUES].value, 3);
	assert_false(s->common.values[VLP_COMMON_CONFIG_MSIX_VECTOR].valid); /* not in QMP */
	assert_false(s->common.values[VLP_COMMON_CONFIG_GENERATION].valid);
	vlp_state_negotiated(s, words);
	assert_true(vlp_feature_on(words, VLP_F_VERSION_1));
	assert_true(vlp_feature_on(words, VLP_NET_F_MAC));
	assert_false(vlp_feature_on(words, VLP_NET_F_MQ)); /* offered, not taken */
	assert_int_equal(s->nqueues, 3);
	assert_int_equal(s->queues[0].regs.values[VLP_COMMON_QUEUE_SIZE].value, 256);
	assert_int_equal(s->queues[0].regs.values[VLP_COMMON_QUEUE_DESC].value, 0x26d4000);
	assert_int_equal(s->queues[0].regs.values[VLP_COMMON_QUEUE_DRIVER].value, 0x26d5000);
	assert_int_equal(s->queues[0].regs.values[VLP_COMMON_QUEUE_DEVICE].value, 0x26d5240);
	assert_int_equal(s->queues[0].regs.values[VLP_COMMON_QUEUE_ENABLE].value, 1);
	assert_false(s->queues[0].regs.values[VLP_COMMON_QUEUE_MSIX_VECTOR].valid);
	assert_int_equal(s->queues[2].regs.values[VLP_COMMON_QUEUE_SIZE].value, 64);
	h = vlp_state_host(s);
	assert_non_null(h);
	assert_string_equal(h->name, "virtio-net");
	assert_string_equal(h->qom_path, "/machine/peripheral/net0/virtio-backend");
	assert_int_equal(h->device_id, VLP_ID_NET);
	assert_false(h->broken);
	assert_true(h->vm_running);
	assert_true(h->enable_derived);
	assert_int_equal(h->nqueues, 3);
	/* QEMU lists its legacy-only bits in host-features; device_feature, as
	 * the modern interface presents it, masks them; the host object keeps them */
	assert_false(h->legacy_driven);
	assert_true(h->host_features >> VLP_F_ANY_LAYOUT & 1);
	assert_true(h->host_features >> VLP_F_NOTIFY_ON_EMPTY & 1);
	assert_false(s->device_features[0].value >> VLP_F_ANY_LAYOUT & 1);
	assert_false(s->device_features[0].value >> VLP_F_NOTIFY_ON_EMPTY & 1);
	assert_false(s->device_features[0].value >> VLP_F_UNUSED & 1);
	assert_false(s->device_features[0].value >> VLP_NET_F_GSO & 1);
	assert_true(s->device_features[0].value >> VLP_NET_F_MAC & 1);
	assert_true(h->queues[0].valid);
	assert_int_equal(h->queues[0].vring_num, 256);
	assert_true(h->queues[0].has_shadow_avail_idx);
	assert_int_equal(h->queues[0].desc, 0x26d4000);
	vlp_state_free(s);
	vlp_layout_free(l);
}

static void test_state_fill(void **state)
{
	struct vlp_source *src;
	struct vlp_device *dev;

	(void)state;
	fake_start(FAKE_QEMU);
	src = open_src(sock, NULL, "02.0");
	dev = device_at(src);
	check_net_state(dev, "qmp");
	vlp_device_free(dev);
	vlp_source_close(src);
	fake_stop();
}

/* The rng's one queue through monitor memory (or the snapshot's). */
static void check_rng_ring(struct vlp_device *dev, const char *source, uint16_t *avail_idx)
{
	struct vlp_layout *l = NULL;
	struct vlp_state *s = NULL;
	struct vlp_state_opts so = { 0 };
	struct vlp_bar_opts bo = { 0 };
	struct vlp_rings *r = NULL;

	assert_int_equal(vlp_decode(ctx, dev, &l), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, l, &bo), 0);
	assert_int_equal(vlp_read_state(ctx, dev, l, &so, &s), 0);
	assert_int_equal(vlp_read_rings(ctx, dev, l, s, NULL, &r), 0);
	assert_string_equal(r->error, "");
	assert_string_equal(r->source, source);
	assert_int_equal(r->nqueues, 1);
	assert_non_null(r->queues[0].ring);
	assert_true(r->queues[0].ring->avail.idx > 0);
	*avail_idx = r->queues[0].ring->avail.idx;
	/* QEMU's indices beside the ring's: QEMU completed all it fetched */
	assert_int_equal(vlp_state_host(s)->queues[0].used_idx, r->queues[0].ring->used.idx);
	vlp_rings_free(r);
	vlp_state_free(s);
	vlp_layout_free(l);
}

static void test_rings_pmemsave_and_xp(void **state)
{
	struct vlp_source *src;
	struct vlp_device *dev;
	uint16_t a, b;
	char *log;

	(void)state;
	fake_start(FAKE_QEMU);
	src = open_src(sock, NULL, "04.0");
	dev = device_at(src);
	check_rng_ring(dev, "qmp-pmemsave", &a);
	vlp_device_free(dev);
	vlp_source_close(src);
	fake_stop();
	log = fake_log();
	assert_non_null(strstr(log, "\"pmemsave\""));
	assert_null(strstr(log, "xp /"));
	free(log);

	fake_start(FAKE_NO_PMEMSAVE);
	src = open_src(sock, NULL, "04.0");
	dev = device_at(src);
	check_rng_ring(dev, "qmp-xp", &b);
	vlp_device_free(dev);
	vlp_source_close(src);
	fake_stop();
	assert_int_equal(a, b);
	log = fake_log();
	assert_non_null(strstr(log, "xp /"));
	free(log);
}

static void test_refusals(void **state)
{
	struct vlp_monitor *mon = NULL;

	(void)state;
	fake_start(FAKE_NOT_QMP);
	assert_int_equal(vlp_monitor_open_qmp(ctx, sock, 500, &mon), -EPROTO);
	assert_non_null(strstr(vlp_ctx_error(ctx),
			       "qmp.sock: not a QMP monitor: it greets with \"SSH-2.0"));
	fake_stop();

	fake_start(FAKE_SILENT);
	assert_int_equal(vlp_monitor_open_qmp(ctx, sock, 300, &mon), -EBUSY);
	assert_non_null(
		strstr(vlp_ctx_error(ctx),
		       "monitor busy: no QMP greeting within 300 ms (another client holds it?)"));
	fake_stop();

	fake_start(FAKE_UNSTABLE);
	assert_int_equal(vlp_monitor_open_qmp(ctx, sock, 1000, &mon), -ENOTSUP);
	assert_non_null(
		strstr(vlp_ctx_error(ctx), "Unstable command x-query-virtio disabled by policy"));
	assert_non_null(strstr(vlp_ctx_error(ctx), "-compat unstable-input=reject"));
	fake_stop();

	unlink(sock);
	assert_int_equal(vlp_monitor_open_qmp(ctx, sock, 300, &mon), -ENOENT);
	assert_null(mon);
}

static void logged(void *arg, const char *command, const char *reply)
{
	(*(unsigned *)arg)++;
	assert_non_null(command);
	assert_non_null(reply);
}

static void test_read_only_list(void **state)
{
	static const struct {
		const char *execute, *args;
	} refused[] = {
		{ "x-query-virtio-queue-element",
		  "{\"path\": \"/machine/peripheral/net0/virtio-backend\", \"queue\": 0}" },
		{ "device_add", "{\"driver\": \"virtio-rng-pci\"}" },
		{ "quit", NULL },
		{ "stop", NULL },
		{ "human-monitor-command", "{\"command-line\": \"info registers\"}" },
		{ "human-monitor-command", "{\"command-line\": \"xp /8xb 0x1000; quit\"}" },
		{ "human-monitor-command", "{\"command-line\": \"x /8xb 0x1000\"}" },
		{ "qom-set", "{\"path\": \"/machine\", \"property\": \"x\", \"value\": 1}" },
		{ "qom-get", "{\"path\": \"/machine/peripheral/net0\", \"property\": \"mac\"}" },
		{ "block_set_io_throttle", "{}" },
	};
	struct vlp_monitor *mon = NULL;
	struct vlp_jv *r = NULL;
	unsigned nlog = 0;
	char *log, *p;
	int lines = 0;

	(void)state;
	fake_start(FAKE_QEMU);
	assert_int_equal(vlp_monitor_open_qmp(ctx, sock, 1000, &mon), 0);
	vlp_monitor_set_log(mon, logged, &nlog);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(vlp_monitor_query(ctx, mon, refused[i].execute, refused[i].args, &r),
				 -EPERM);
		assert_null(r);
		assert_non_null(strstr(vlp_ctx_error(ctx), "not a read-only query"));
	}
	assert_int_equal(nlog, 0);
	/* a query passes; QEMU's CommandNotFound is -ENOTSUP */
	assert_int_equal(vlp_monitor_query(ctx, mon, "query-pci", NULL, &r), 0);
	assert_int_equal(r->type, VLP_JV_ARRAY);
	vlp_jv_free(r);
	assert_int_equal(vlp_monitor_query(ctx, mon, "query-version", NULL, &r), -ENOTSUP);
	assert_int_equal(nlog, 2);
	assert_true(vlp_monitor_allowed("x-query-virtio-vhost-queue-status", NULL));
	assert_true(vlp_monitor_allowed("human-monitor-command", "xp /64xb 0x1f000"));
	assert_true(vlp_monitor_allowed("human-monitor-command", "info mtree -f"));
	assert_false(vlp_monitor_allowed("human-monitor-command", "info mtree"));
	assert_false(vlp_monitor_allowed("human-monitor-command", "xp /64xb 0x1f000 "));
	assert_false(vlp_monitor_allowed("human-monitor-command", NULL));
	vlp_monitor_close(mon);
	fake_stop();
	/* the server saw the handshake, the probe and the two queries: nothing refused */
	log = fake_log();
	for (p = log; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 4);
	assert_null(strstr(log, "queue-element"));
	assert_null(strstr(log, "device_add"));
	free(log);
}

/* Listing and state from the monitor, then the same from the host
 * snapshot, replayed without a monitor. */
static void test_replay(void **state)
{
	struct vlp_source *src;
	struct vlp_device *dev;
	uint16_t a;

	(void)state;
	src = open_src(NULL, DATA "vm.snap", NULL);
	check_listing(src, 3);
	vlp_source_close(src);
	src = open_src(NULL, DATA "vm.snap", "02.0");
	dev = device_at(src);
	check_net_state(dev, "qmp");
	vlp_device_free(dev);
	vlp_source_close(src);
	src = open_src(NULL, DATA "vm.snap", "04.0");
	dev = device_at(src);
	check_rng_ring(dev, "recorded", &a);
	vlp_device_free(dev);
	vlp_source_close(src);
}

/* --save of a host device, read back: the same device and state. */
static void test_save_roundtrip(void **state)
{
	struct vlp_source *src;
	struct vlp_device *dev;
	struct vlp_layout *l = NULL;
	struct vlp_state *s = NULL;
	struct vlp_state_opts so = { 0 };
	struct vlp_bar_opts bo = { 0 };
	char path[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/saved.lspci", dir);
	fake_start(FAKE_QEMU);
	src = open_src(sock, NULL, "02.0");
	dev = device_at(src);
	assert_int_equal(vlp_decode(ctx, dev, &l), 0);
	assert_int_equal(vlp_device_open_bars(ctx, dev, l, &bo), 0);
	assert_int_equal(vlp_snapshot_start(ctx, dev), 0);
	assert_int_equal(vlp_read_state(ctx, dev, l, &so, &s), 0);
	f = fopen(path, "w");
	assert_int_equal(vlp_snapshot_write(ctx, f, dev, NULL), 0);
	fclose(f);
	vlp_state_free(s);
	vlp_layout_free(l);
	vlp_device_free(dev);
	vlp_source_close(src);
	fake_stop();
	src = open_src(NULL, path, NULL);
	dev = device_at(src);
	check_net_state(dev, "qmp");
	vlp_device_free(dev);
	vlp_source_close(src);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listing_join),          cmocka_unit_test(test_state_fill),
		cmocka_unit_test(test_rings_pmemsave_and_xp), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_read_only_list),        cmocka_unit_test(test_replay),
		cmocka_unit_test(test_save_roundtrip),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
