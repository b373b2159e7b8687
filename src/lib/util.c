/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growing arrays and appending findings: one implementation for the
 * decoder, the state reader, the checker, the BAR map, --diff and
 * snapshots; and whether an IOMMU translates for a device (the rings and
 * user-space DMA both depend on it). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int vlp_grow(void **arr, size_t *alloc, size_t count, size_t elem, size_t first)
{
	size_t n;
	void *p;

	if (count < *alloc)
		return 0;
	n = *alloc ? *alloc * 2 : first;
	p = realloc(*arr, n * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*alloc = n;
	return 0;
}

struct vlp_finding *vlp_findings_append(struct vlp_finding **arr, size_t *count, size_t *alloc,
					const char *check, enum vlp_severity sev, const char *section,
					int position, const char *fmt, va_list ap)
{
	struct vlp_finding *f;

	if (vlp_grow((void **)arr, alloc, *count, sizeof(**arr), 8))
		return NULL;
	f = &(*arr)[(*count)++];
	f->severity = sev;
	f->section = section;
	f->position = position;
	f->check = check;
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	return f;
}

bool vlp_iommu_translates(const char *sys_root, const struct vlp_slot *slot, char *group,
			  size_t glen, char *type, size_t tlen)
{
	char path[512], link[256];
	const char *root = sys_root ? sys_root : "/sys";
	ssize_t n;
	FILE *f;

	group[0] = type[0] = '\0';
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%04x:%02x:%02x.%u/iommu_group", root,
		 (unsigned)slot->domain, slot->bus, slot->dev, slot->func);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false; /* no IOMMU group: the device sees physical addresses */
	link[n] = '\0';
	snprintf(group, glen, "%s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%04x:%02x:%02x.%u/iommu_group/type", root,
		 (unsigned)slot->domain, slot->bus, slot->dev, slot->func);
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
