/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the libvirt monitor transport (src/lib/core/monitor_libvirt.c)
 * over libvirt's test driver (test:///default: in-process, no daemon, one
 * running domain "test", no QEMU monitor: libvirt answers "this function is
 * not supported by the connection driver: virDomainQemuMonitorCommand", so
 * the transport refuses it at open), a socket nobody listens on, and a
 * build without libvirt. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"

static struct vlp_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return vlp_ctx_new(&ctx);
}

static int teardown(void **state)
{
	(void)state;
	vlp_ctx_free(ctx);
	return 0;
}

static void assert_error_has(const char *what)
{
	if (!strstr(vlp_ctx_error(ctx), what))
		fail_msg("error '%s' lacks '%s'", vlp_ctx_error(ctx), what);
	assert_null(strchr(vlp_ctx_error(ctx), '\n'));
}

#ifdef VLP_HAVE_LIBVIRT
static void test_built(void **state)
{
	(void)state;
	assert_true(vlp_libvirt_built());
}

/* libvirt is loaded at first use, not linked: loadable here (libvirt0 is
 * installed with libvirt-dev), and a second load is a no-op. */
static void test_load(void **state)
{
	(void)state;
	assert_int_equal(vlp_libvirt_load(ctx), 0);
	assert_int_equal(vlp_libvirt_load(ctx), 0);
}

static void test_domains_of_test_driver(void **state)
{
	char **names;
	size_t n;

	(void)state;
	assert_int_equal(vlp_libvirt_domains(ctx, "test:///default", &names, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "test");
	vlp_libvirt_names_free(names, n);
}

/* The test driver has no QEMU monitor: refused before any command, so the
 * domain is not tainted and the note stays empty. */
static void test_not_qemu(void **state)
{
	struct vlp_monitor *mon = (struct vlp_monitor *)1;
	char note[VLP_LIBVIRT_NOTE_MAX] = "x";

	(void)state;
	assert_int_equal(
		vlp_monitor_open_libvirt(ctx, "test:///default", "test", &mon, note, sizeof(note)),
		-ENOTSUP);
	assert_null(mon);
	assert_string_equal(note, "");
	assert_error_has("domain test: test:///default is a TEST connection, not QEMU's");
}

static void test_no_name(void **state)
{
	struct vlp_monitor *mon;

	(void)state;
	assert_int_equal(vlp_monitor_open_libvirt(ctx, "test:///default", "", &mon, NULL, 0), -EINVAL);
	assert_null(mon);
}

/* libvirtd not there: one line naming the domain, the socket and the hint. */
static void test_no_daemon(void **state)
{
	const char *uri = "qemu+unix:///system?socket=/nonexistent/vlp-libvirt-sock";
	struct vlp_monitor *mon;
	char **names;
	size_t n;

	(void)state;
	assert_int_equal(vlp_monitor_open_libvirt(ctx, uri, "vm1", &mon, NULL, 0), -ECONNREFUSED);
	assert_null(mon);
	assert_error_has("domain vm1: ");
	assert_error_has("/nonexistent/vlp-libvirt-sock");
	assert_error_has("(is libvirtd running?)");
	assert_int_equal(vlp_libvirt_domains(ctx, uri, &names, &n), -ECONNREFUSED);
	assert_null(names);
	assert_int_equal(n, 0);
	assert_error_has("libvirt: ");
}

/* A URI no driver takes: libvirt's words (the remote driver takes it to
 * libvirtd when none runs here: "Failed to connect socket"; with libvirtd
 * running: "no connection driver available"), naming domain and URI. */
static void test_bad_uri(void **state)
{
	struct vlp_monitor *mon;

	(void)state;
	assert_int_equal(vlp_monitor_open_libvirt(ctx, "vlp-nosuch:///x", "vm1", &mon, NULL, 0),
			 -ECONNREFUSED);
	assert_error_has("domain vm1: vlp-nosuch:///x: ");
}
#else
static void test_built(void **state)
{
	struct vlp_monitor *mon;
	char **names;
	size_t n;

	(void)state;
	assert_false(vlp_libvirt_built());
	assert_int_equal(vlp_monitor_open_libvirt(ctx, NULL, "vm1", &mon, NULL, 0), -ENOTSUP);
	assert_null(mon);
	assert_error_has("built without libvirt (install libvirt-dev and rebuild)");
	assert_int_equal(vlp_libvirt_domains(ctx, NULL, &names, &n), -ENOTSUP);
	assert_null(names);
	assert_int_equal(vlp_libvirt_load(ctx), -ENOTSUP);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_built),
#ifdef VLP_HAVE_LIBVIRT
		cmocka_unit_test(test_load),      cmocka_unit_test(test_domains_of_test_driver),
		cmocka_unit_test(test_not_qemu),  cmocka_unit_test(test_no_name),
		cmocka_unit_test(test_no_daemon), cmocka_unit_test(test_bad_uri),
#endif
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
