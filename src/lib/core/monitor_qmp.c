/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "qmp" transport: QEMU's QMP on a unix socket.  QMP speaks one JSON
 * object per line: a greeting {"QMP": ...} on connect, then a reply
 * {"return"|"error": ...} per command, with asynchronous {"event": ...}
 * lines in between (skipped).  QEMU serves one client per monitor: a
 * second client is accepted by the socket but gets no greeting until the
 * first leaves, hence the greeting's timeout.  Every read is bounded in
 * time (the timeout per exchange) and in size (VLP_JSON_SIZE_MAX a line).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/monitor.h"

struct qmp_sock {
	int fd;
	char name[VLP_SOURCE_NAME_MAX];
	unsigned timeout_ms;
	char *buf; /* bytes received and not yet taken as a line */
	size_t len, alloc;
};

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line (without its end) into *line (malloc'd) by deadline:
 * -ETIMEDOUT, -ECONNRESET when the peer closed, -E2BIG when too long. */
static int read_line(struct vlp_ctx *ctx, struct qmp_sock *q, long long deadline, char **line)
{
	for (;;) {
		char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
		struct pollfd pfd = { q->fd, POLLIN, 0 };
		long long left;
		ssize_t n;

		if (nl) {
			size_t k = (size_t)(nl - q->buf);

			*line = malloc(k + 1);
			if (!*line)
				return vlp_error(ctx, ENOMEM, "%s: out of memory", q->name);
			memcpy(*line, q->buf, k);
			(*line)[k] = '\0';
			if (k && (*line)[k - 1] == '\r')
				(*line)[k - 1] = '\0';
			memmove(q->buf, nl + 1, q->len - k - 1);
			q->len -= k + 1;
			return 0;
		}
		if (q->len >= VLP_JSON_SIZE_MAX)
			return vlp_error(ctx, E2BIG, "%s: a monitor line longer than %u bytes",
					 q->name, VLP_JSON_SIZE_MAX);
		if (q->alloc - q->len < 65536) {
			size_t na = q->alloc ? q->alloc * 2 : 65536;
			char *nb;

			if (na > VLP_JSON_SIZE_MAX + 65536)
				na = VLP_JSON_SIZE_MAX + 65536;
			nb = realloc(q->buf, na);
			if (!nb)
				return vlp_error(ctx, ENOMEM, "%s: out of memory", q->name);
			q->buf = nb;
			q->alloc = na;
		}
		left = deadline - mono_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vlp_error(ctx, errno, "%s: %s", q->name, strerror(errno));
		if (n == 0)
			return -ETIMEDOUT;
		n = recv(q->fd, q->buf + q->len, q->alloc - q->len, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return vlp_error(ctx, errno, "%s: %s", q->name, strerror(errno));
		if (n == 0)
			return -ECONNRESET;
		q->len += (size_t)n;
	}
}

static int send_all(struct vlp_ctx *ctx, struct qmp_sock *q, const char *text, long long deadline)
{
	size_t len = strlen(text), done = 0;

	while (done < len) {
		struct pollfd pfd = { q->fd, POLLOUT, 0 };
		long long left = deadline - mono_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
			return vlp_error(ctx, ETIMEDOUT,
					 "%s: the monitor takes no command within %u ms", q->name,
					 q->timeout_ms);
		n = send(q->fd, text + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return vlp_error(ctx, errno, "%s: sending to the monitor: %s", q->name,
					 strerror(errno));
		done += (size_t)n;
	}
	return 0;
}

static bool is_event(const char *line)
{
	struct vlp_jv *v = NULL;
	bool event;

	if (vlp_json_parse(NULL, "", line, strlen(line), &v))
		return false; /* the caller reports what is wrong with it */
	event = vlp_jv_get(v, "event") && !vlp_jv_get(v, "return") && !vlp_jv_get(v, "error");
	vlp_jv_free(v);
	return event;
}

static int qmp_exchange(struct vlp_ctx *ctx, void *impl, const char *command, char **reply)
{
	struct qmp_sock *q = impl;
	long long deadline = mono_ms() + q->timeout_ms;
	char *line = NULL;
	int rc;

	*reply = NULL;
	rc = send_all(ctx, q, command, deadline);
	if (!rc)
		rc = send_all(ctx, q, "\n", deadline);
	while (!rc) {
		rc = read_line(ctx, q, deadline, &line);
		if (rc == -ETIMEDOUT)
			return vlp_error(ctx, ETIMEDOUT, "%s: no reply within %u ms", q->name,
					 q->timeout_ms);
		if (rc == -ECONNRESET)
			return vlp_error(ctx, ECONNRESET, "%s: QEMU closed the monitor", q->name);
		if (rc)
			return rc;
		/* an event: {"event": ..., "timestamp": ...} before our reply */
		if (is_event(line)) {
			free(line);
			line = NULL;
			continue;
		}
		*reply = line;
		return 0;
	}
	return rc;
}

static void qmp_close(void *impl)
{
	struct qmp_sock *q = impl;

	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	free(q->buf);
	free(q);
}

static const struct vlp_monitor_transport qmp_transport = {
	.kind = "qmp",
	.exchange = qmp_exchange,
	.close = qmp_close,
};

static int qmp_connect(struct vlp_ctx *ctx, struct qmp_sock *q, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return vlp_error(ctx, ENAMETOOLONG, "%s: socket path too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0)
		return vlp_error(ctx, errno, "%s: %s", path, strerror(errno));
	if (connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return vlp_error(ctx, errno, "%s: cannot connect to the monitor: %s", path,
				 strerror(errno));
	return 0;
}

/* The greeting: {"QMP": {"version": ..., "capabilities": [...]}}. */
static int qmp_greeting(struct vlp_ctx *ctx, struct qmp_sock *q)
{
	char *line = NULL;
	struct vlp_jv *g = NULL;
	int rc = read_line(ctx, q, mono_ms() + q->timeout_ms, &line);

	if (rc == -ETIMEDOUT)
		return vlp_error(
			ctx, EBUSY,
			"%s: monitor busy: no QMP greeting within %u ms (another client holds it?)",
			q->name, q->timeout_ms);
	if (rc == -ECONNRESET)
		return vlp_error(ctx, EPROTO, "%s: not a QMP monitor: closed without a greeting",
				 q->name);
	if (rc == -E2BIG)
		return vlp_error(ctx, EPROTO, "%s: not a QMP monitor: no line end in %u bytes",
				 q->name, VLP_JSON_SIZE_MAX);
	if (rc)
		return rc;
	rc = vlp_json_parse(ctx, q->name, line, strlen(line), &g);
	if (rc || !vlp_jv_get(g, "QMP")) {
		char shown[48];
		size_t i;

		for (i = 0; line[i] && i + 1 < sizeof(shown); i++)
			shown[i] = line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '?';
		shown[i] = '\0';
		rc = vlp_error(ctx, EPROTO, "%s: not a QMP monitor: it greets with \"%s%s\"",
			       q->name, shown, line[i] ? "..." : "");
	}
	vlp_jv_free(g);
	free(line);
	return rc;
}

int vlp_monitor_open_qmp(struct vlp_ctx *ctx, const char *path, unsigned timeout_ms,
			 struct vlp_monitor **out)
{
	struct qmp_sock *q = calloc(1, sizeof(*q));
	struct vlp_monitor *mon;
	struct vlp_jv *r = NULL;
	int rc;

	*out = NULL;
	if (!q)
		return vlp_error(ctx, ENOMEM, "%s: out of memory", path);
	q->fd = -1;
	q->timeout_ms = timeout_ms ? timeout_ms : VLP_MONITOR_TIMEOUT_MS;
	snprintf(q->name, sizeof(q->name), "%s", path);
	rc = qmp_connect(ctx, q, path);
	if (!rc)
		rc = qmp_greeting(ctx, q);
	if (rc) {
		qmp_close(q);
		return rc;
	}
	rc = vlp_monitor_new(ctx, &qmp_transport, q, path, &mon);
	if (rc)
		return rc;
	rc = vlp_monitor_query(ctx, mon, "qmp_capabilities", NULL, &r);
	vlp_jv_free(r);
	/* x-query-virtio itself: query-commands lists it even when
	 * -compat unstable-input=reject refuses it (measured on 7.2), so only
	 * asking tells; "No virtio devices found" is an answer too. */
	if (!rc) {
		rc = vlp_monitor_query(ctx, mon, "x-query-virtio", NULL, &r);
		vlp_jv_free(r);
		if (rc == -EIO && strstr(vlp_ctx_error(ctx), "No virtio devices found"))
			rc = 0;
	}
	if (rc) {
		vlp_monitor_close(mon);
		return rc;
	}
	*out = mon;
	return 0;
}
