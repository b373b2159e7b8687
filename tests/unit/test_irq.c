/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Linux's view of a device's interrupts (irq.c) on synthetic procfs and
 * sysfs trees: the per-device MSI domain of Linux 6.x, x86's older global
 * PCI-MSI domain, INTx, a device with no driver, and broken files; and
 * host.c's paths and bound driver on the same tree. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "vlp.h"
#include "internal.h"

static struct vlp_ctx *ctx;
static char root[64];
static char proc[128], sys[128];

static void mkdirs(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

static void put(const char *path, const char *text)
{
	FILE *f;
	char dir[512];

	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void putf(const char *text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(const char *text, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	put(path, text);
}

/* A copy of a real /proc/interrupts (this project's development VM, Linux
 * 6.1), with two lines added in x86's older global-domain format and an
 * INTx line shared by two handlers. */
static const char interrupts[] =
	"           CPU0       CPU1       \n"
	" 11:          5          7   IO-APIC  11-fasteoi   uhci_hcd:usb1, virtio5\n"
	" 26:          0         14  IO-APIC   4-edge      ttyS0\n"
	" 37:          0          0 PCI-MSIX-0000:00:03.0   0-edge      virtio2-config\n"
	" 38:          0       1665 PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0\n"
	" 39:       1311          0 PCI-MSIX-0000:00:03.0   2-edge      virtio2-output.0\n"
	" 50:          3          4   PCI-MSI 1572864-edge      virtio7-config\n"
	" 51:        100          1   PCI-MSI 1572866-edge      virtio7-requests\n"
	"NMI:          0          0   Non-maskable interrupts\n"
	"ERR:          0\n";

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vlp-irq-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	putf(interrupts, "%s/interrupts", proc);
	/* 00:03.0: MSI-X in the device's own domain. */
	for (unsigned irq = 37; irq <= 39; irq++) {
		putf("msix\n", "%s/bus/pci/devices/0000:00:03.0/msi_irqs/%u", sys, irq);
		putf("0-1\n", "%s/irq/%u/smp_affinity_list", proc, irq);
	}
	putf("0\n", "%s/bus/pci/devices/0000:00:03.0/irq", sys);
	/* 03:00.0: x86's global domain, hwirq = (bus << 8 | devfn) << 11 | entry
	 * = 3 << 19 | entry; the device
	 * has entries 0 and 2 (1 unused). */
	putf("msix\n", "%s/bus/pci/devices/0000:03:00.0/msi_irqs/50", sys);
	putf("msix\n", "%s/bus/pci/devices/0000:03:00.0/msi_irqs/51", sys);
	/* 00:05.0: INTx on line 11, shared. */
	putf("11\n", "%s/bus/pci/devices/0000:00:05.0/irq", sys);
	putf("1\n", "%s/irq/11/smp_affinity_list", proc);
	/* 00:06.0: no driver: no msi_irqs entries, irq 0. */
	putf("0\n", "%s/bus/pci/devices/0000:00:06.0/irq", sys);
	/* 00:07.0: an IRQ sysfs lists that /proc/interrupts does not show. */
	putf("msix\n", "%s/bus/pci/devices/0000:00:07.0/msi_irqs/99", sys);
	return vlp_ctx_new(&ctx);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	vlp_ctx_free(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static struct vlp_irqs *read_slot(unsigned bus, unsigned dev, int expect)
{
	struct vlp_irq_roots roots = { proc, sys };
	struct vlp_slot slot = { 0, (uint8_t)bus, (uint8_t)dev, 0 };
	struct vlp_irqs *irqs = NULL;

	assert_int_equal(vlp_irqs_read(ctx, &slot, &roots, &irqs), expect);
	return irqs;
}

static void test_own_domain(void **state)
{
	struct vlp_irqs *irqs = read_slot(0, 3, 0);
	const struct vlp_irq *in;

	(void)state;
	assert_int_equal(irqs->ncpus, 2);
	assert_int_equal(irqs->count, 3);
	in = vlp_irqs_find_entry(irqs, 1);
	assert_non_null(in);
	assert_int_equal(in->linux_irq, 38);
	assert_int_equal(in->kind, VLP_IRQ_MSIX);
	assert_true(in->counted);
	assert_string_equal(in->chip, "PCI-MSIX-0000:00:03.0");
	assert_string_equal(in->name, "virtio2-input.0");
	assert_int_equal(in->count, 1665);
	assert_int_equal(in->per_cpu[0], 0);
	assert_int_equal(in->per_cpu[1], 1665);
	assert_string_equal(in->affinity, "0-1");
	assert_int_equal(vlp_irqs_find_entry(irqs, 0)->linux_irq, 37);
	assert_string_equal(vlp_irqs_find_entry(irqs, 2)->name, "virtio2-output.0");
	assert_null(vlp_irqs_find_entry(irqs, 3));
	vlp_irqs_free(irqs);
}

static void test_global_domain(void **state)
{
	struct vlp_irqs *irqs = read_slot(3, 0, 0);

	(void)state;
	assert_int_equal(irqs->count, 2);
	assert_int_equal(irqs->items[0].entry, 0);
	assert_int_equal(irqs->items[1].entry, 2);
	assert_string_equal(irqs->items[1].name, "virtio7-requests");
	assert_int_equal(irqs->items[1].count, 101);
	/* No affinity file: unknown, not an error. */
	assert_string_equal(irqs->items[1].affinity, "");
	assert_null(vlp_irqs_find_entry(irqs, 1));
	vlp_irqs_free(irqs);
}

static void test_intx(void **state)
{
	struct vlp_irqs *irqs = read_slot(0, 5, 0);

	(void)state;
	assert_int_equal(irqs->count, 1);
	assert_int_equal(irqs->items[0].kind, VLP_IRQ_INTX);
	assert_int_equal(irqs->items[0].entry, -1);
	assert_string_equal(irqs->items[0].chip, "IO-APIC");
	assert_string_equal(irqs->items[0].name, "uhci_hcd:usb1, virtio5");
	assert_int_equal(irqs->items[0].count, 12);
	assert_string_equal(irqs->items[0].affinity, "1");
	/* INTx serves no MSI-X entry. */
	assert_null(vlp_irqs_find_entry(irqs, 0));
	vlp_irqs_free(irqs);
}

static void test_no_driver_and_missing(void **state)
{
	struct vlp_irqs *irqs = read_slot(0, 6, 0);

	(void)state;
	assert_int_equal(irqs->count, 0);
	vlp_irqs_free(irqs);

	irqs = read_slot(0, 7, 0);
	assert_int_equal(irqs->count, 1);
	assert_false(irqs->items[0].counted);
	assert_int_equal(irqs->items[0].entry, -1);
	vlp_irqs_free(irqs);

	assert_null(read_slot(0, 9, -ENOENT));
	assert_non_null(strstr(vlp_ctx_error(ctx), "0000:00:09.0: no such device in sysfs"));
}

static void test_broken_interrupts(void **state)
{
	char path[256];
	struct vlp_irqs *irqs;

	(void)state;
	snprintf(path, sizeof(path), "%s/interrupts", proc);
	put(path, "garbage\n 38: 1 2\n");
	assert_null(read_slot(0, 3, -EINVAL));
	assert_non_null(strstr(vlp_ctx_error(ctx), "interrupts: no CPU columns in the first line"));

	put(path, "   CPU0  CPU1\n 38: 1\n");
	assert_null(read_slot(0, 3, -EINVAL));
	assert_non_null(strstr(vlp_ctx_error(ctx), "interrupts: IRQ 38: 1 counts for 2 CPUs"));

	unlink(path);
	assert_null(read_slot(0, 3, -ENOENT));
	assert_non_null(strstr(vlp_ctx_error(ctx), "interrupts: No such file or directory"));

	/* A device with no IRQ never needs the file. */
	irqs = read_slot(0, 6, 0);
	vlp_irqs_free(irqs);
	put(path, interrupts);
}

/* host.c on the same synthetic sysfs: the slot's path under the root, the
 * bound driver (the last component of its link), a slot that is gone. */
static void test_host(void **state)
{
	struct vlp_slot slot = { 0, 0, 3, 0 }, gone = { 0, 0, 9, 0 };
	char path[512], target[512], driver[64];

	(void)state;
	vlp_host_slot_path(path, sizeof(path), sys, &slot, "driver");
	snprintf(target, sizeof(target), "%s/bus/pci/devices/0000:00:03.0/driver", sys);
	assert_string_equal(path, target);
	assert_false(vlp_host_driver(sys, &slot, driver, sizeof(driver)));
	assert_string_equal(driver, "");
	assert_int_equal(symlink("../../../bus/pci/drivers/virtio-pci", path), 0);
	assert_true(vlp_host_driver(sys, &slot, driver, sizeof(driver)));
	assert_string_equal(driver, "virtio-pci");
	unlink(path);
	assert_int_equal(vlp_host_slot_present(sys, &slot, path, sizeof(path)), 0);
	assert_int_equal(vlp_host_slot_present(sys, &gone, path, sizeof(path)), -ENOENT);
	assert_non_null(strstr(path, "/sys/bus/pci/devices/0000:00:09.0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_domain),
		cmocka_unit_test(test_global_domain),
		cmocka_unit_test(test_intx),
		cmocka_unit_test(test_no_driver_and_missing),
		cmocka_unit_test(test_broken_interrupts),
		cmocka_unit_test(test_host),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
