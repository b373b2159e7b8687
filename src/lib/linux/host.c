/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asking Linux: the one place that knows where sysfs and procfs are and
 * what their files are called.  Everything else in the library, and every
 * face, asks through here.
 *
 *   SYS/bus/pci/devices/SLOT/...       a function's directory: resourceN,
 *                                      driver (link), iommu_group (link),
 *                                      msi_irqs/N, irq
 *   SYS/bus/pci/drivers_probe          asks the kernel to bind a driver
 *   PROC/interrupts, PROC/irq/N/...    Linux's IRQ counts and affinity
 *   /proc/kcore, /proc/self/pagemap    guest memory, physical addresses
 *   /proc/iomem                        what a physical range is (RAM, Reserved)
 *
 * SYS and PROC are /sys and /proc unless a caller names another root (unit
 * tests point them at a synthetic tree); NULL always means the real one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define SYS_ROOT "/sys"
#define PROC_ROOT "/proc"

const char *vlp_host_sys(const char *sys_root)
{
	return sys_root ? sys_root : SYS_ROOT;
}

const char *vlp_host_proc(const char *proc_root)
{
	return proc_root ? proc_root : PROC_ROOT;
}

int vlp_host_slot_path(char *buf, size_t len, const char *sys_root, const struct vlp_slot *slot,
		       const char *leaf)
{
	return snprintf(buf, len, "%s/bus/pci/devices/%04x:%02x:%02x.%u%s%s",
			vlp_host_sys(sys_root), (unsigned)slot->domain, slot->bus, slot->dev,
			slot->func, leaf ? "/" : "", leaf ? leaf : "");
}

void vlp_host_proc_path(char *buf, size_t len, const char *proc_root, const char *leaf)
{
	snprintf(buf, len, "%s/%s", vlp_host_proc(proc_root), leaf);
}

void vlp_host_probe_path(char *buf, size_t len, const char *sys_root)
{
	snprintf(buf, len, "%s/bus/pci/drivers_probe", vlp_host_sys(sys_root));
}

void vlp_host_unbind_path(char *buf, size_t len, const char *sys_root, const char *driver)
{
	snprintf(buf, len, "%s/bus/pci/drivers/%s/unbind", vlp_host_sys(sys_root), driver);
}

const char *vlp_host_kcore_path(void)
{
	return PROC_ROOT "/kcore";
}

const char *vlp_host_iomem_path(void)
{
	return PROC_ROOT "/iomem";
}

/* /proc/iomem's lines are "first-last : name", the nested ones indented:
 * the name of the top-level entry that holds [first, last].  Without root
 * every address reads 0, and no entry holds anything. */
bool vlp_host_iomem_name(const char *path, uint64_t first, uint64_t last, char *name, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[256];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long a, b;
		int at = 0;

		if (line[0] == ' ' || sscanf(line, "%llx-%llx : %n", &a, &b, &at) != 2 || !at)
			continue;
		if (a < b && a <= first && last <= b) {
			snprintf(name, len, "%.*s", (int)strcspn(line + at, "\n"), line + at);
			found = true;
		}
	}
	fclose(f);
	return found;
}

const char *vlp_host_pagemap_path(void)
{
	return PROC_ROOT "/self/pagemap";
}

const char *vlp_host_hugepages_path(void)
{
	return PROC_ROOT "/sys/vm/nr_hugepages";
}

/* The last component of a link's target: "../../bus/pci/drivers/virtio-pci"
 * names virtio-pci. */
static bool link_name(const char *path, char *buf, size_t len)
{
	char target[512];
	const char *slash;
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (len)
		buf[0] = '\0';
	if (n < 0)
		return false;
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(buf, len, "%s", slash ? slash + 1 : target);
	return true;
}

bool vlp_host_driver(const char *sys_root, const struct vlp_slot *slot, char *driver, size_t len)
{
	char path[512];

	vlp_host_slot_path(path, sizeof(path), sys_root, slot, "driver");
	return link_name(path, driver, len);
}

int vlp_host_slot_present(const char *sys_root, const struct vlp_slot *slot, char *path, size_t len)
{
	struct stat st;

	vlp_host_slot_path(path, len, sys_root, slot, NULL);
	return stat(path, &st) ? -errno : 0;
}

bool vlp_iommu_translates(const char *sys_root, const struct vlp_slot *slot, char *group,
			  size_t glen, char *type, size_t tlen)
{
	char path[512];
	FILE *f;

	type[0] = '\0';
	vlp_host_slot_path(path, sizeof(path), sys_root, slot, "iommu_group");
	if (!link_name(path, group, glen))
		return false; /* no IOMMU group: the device sees physical addresses */
	vlp_host_slot_path(path, sizeof(path), sys_root, slot, "iommu_group/type");
	f = fopen(path, "r");
	if (f) {
		char word[32];

		if (fscanf(f, "%31s", word) == 1)
			snprintf(type, tlen, "%s", word);
		fclose(f);
	}
	/* An identity domain passes addresses through untranslated. */
	return strcmp(type, "identity") != 0;
}
