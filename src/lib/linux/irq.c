/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linux's view of a device's interrupts, read without touching the device:
 * which Linux IRQ serves which MSI-X table entry, the name the driver gave
 * it ("virtio2-input.0"), its counts per CPU and its affinity.
 *
 *   /sys/bus/pci/devices/SLOT/msi_irqs/N   one file per IRQ of the device,
 *                                          holding "msix" or "msi"
 *   /sys/bus/pci/devices/SLOT/irq          the INTx line when no MSI is in use
 *   /proc/interrupts                       counts per CPU, chip, hwirq, names
 *   /proc/irq/N/smp_affinity_list          the CPUs allowed to take it
 *
 * The entry number comes from the hwirq column of /proc/interrupts: since
 * Linux 6.2 every device has its own MSI domain ("PCI-MSIX-0000:00:03.0"
 * with hwirq = entry); before, x86's global domain ("PCI-MSI") encodes the
 * requester ID above bit 11 and the entry below it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* x86's global PCI-MSI domain: hwirq = domain << 27 | bus << 19 |
 * devfn << 11 | entry (arch/x86/kernel/apic/msi.c). */
#define LEGACY_MSI_ENTRY_BITS 11
#define LEGACY_MSI_ENTRY_MASK ((1u << LEGACY_MSI_ENTRY_BITS) - 1)
/* The longest /proc/interrupts line read: 4096 CPUs of 11 characters. */
#define INTERRUPTS_LINE_MAX (4096 * 11 + 512)

const char *vlp_irq_kind_name(enum vlp_irq_kind k)
{
	switch (k) {
	case VLP_IRQ_MSIX:
		return "msix";
	case VLP_IRQ_MSI:
		return "msi";
	case VLP_IRQ_INTX:
		return "intx";
	}
	return NULL;
}

void vlp_irqs_free(struct vlp_irqs *irqs)
{
	if (!irqs)
		return;
	for (size_t i = 0; i < irqs->count; i++)
		free(irqs->items[i].per_cpu);
	free(irqs->items);
	free(irqs);
}

const struct vlp_irq *vlp_irqs_find_entry(const struct vlp_irqs *irqs, unsigned entry)
{
	for (size_t i = 0; irqs && i < irqs->count; i++)
		if (irqs->items[i].kind != VLP_IRQ_INTX && irqs->items[i].entry == (int)entry)
			return &irqs->items[i];
	return NULL;
}

/* First line of a small file, trailing white space cut; false when absent. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;
	size_t n;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return false;
	n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return true;
}

static int add_irq(struct vlp_ctx *ctx, struct vlp_irqs *irqs, unsigned irq, enum vlp_irq_kind kind)
{
	struct vlp_irq *it = realloc(irqs->items, (irqs->count + 1) * sizeof(*it));

	/* A device has at most 2048 vectors: one step at a time is cheap. */
	if (!it)
		return vlp_error(ctx, ENOMEM, "out of memory");
	irqs->items = it;
	it = &irqs->items[irqs->count++];
	*it = (struct vlp_irq){ .linux_irq = irq, .kind = kind, .entry = -1 };
	return 0;
}

static int cmp_irq(const void *a, const void *b)
{
	const struct vlp_irq *x = a, *y = b;

	return (x->linux_irq > y->linux_irq) - (x->linux_irq < y->linux_irq);
}

/* The IRQs sysfs lists for the device: msi_irqs/ when MSI or MSI-X is in
 * use, else the INTx line (none when it reads 0). */
static int list_device_irqs(struct vlp_ctx *ctx, const char *dir, struct vlp_irqs *irqs)
{
	char path[512], line[32];
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (access(dir, F_OK))
		return vlp_error(ctx, ENOENT, "%s: no such device in sysfs", dir);
	snprintf(path, sizeof(path), "%s/msi_irqs", dir);
	d = opendir(path);
	if (d) {
		while (!err && (de = readdir(d))) {
			char *end;
			unsigned long irq = strtoul(de->d_name, &end, 10);
			enum vlp_irq_kind kind = VLP_IRQ_MSIX;
			char file[sizeof(path) + sizeof(de->d_name) + 1];

			if (!isdigit((unsigned char)de->d_name[0]) || *end)
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
			if (read_line(file, line, sizeof(line)) && !strcmp(line, "msi"))
				kind = VLP_IRQ_MSI;
			err = add_irq(ctx, irqs, (unsigned)irq, kind);
		}
		closedir(d);
		if (err)
			return err;
		if (irqs->count) {
			qsort(irqs->items, irqs->count, sizeof(*irqs->items), cmp_irq);
			return 0;
		}
	}
	snprintf(path, sizeof(path), "%s/irq", dir);
	if (read_line(path, line, sizeof(line)) && strtoul(line, NULL, 10) > 0)
		return add_irq(ctx, irqs, (unsigned)strtoul(line, NULL, 10), VLP_IRQ_INTX);
	return 0;
}

static struct vlp_irq *find_irq(struct vlp_irqs *irqs, unsigned irq)
{
	for (size_t i = 0; i < irqs->count; i++)
		if (irqs->items[i].linux_irq == irq)
			return &irqs->items[i];
	return NULL;
}

/* The columns after the counts: chip, "HWIRQ-handler" (or "-handler", or
 * nothing), then the actions' names.  The entry is the hwirq of the
 * device's own domain, or its low bits in x86's global one. */
static void parse_tail(struct vlp_irq *it, char *p)
{
	char *chip, *hw;
	size_t n;

	while (isspace((unsigned char)*p))
		p++;
	chip = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	snprintf(it->chip, sizeof(it->chip), "%s", chip);
	while (isspace((unsigned char)*p))
		p++;
	hw = p;
	if (isdigit((unsigned char)*hw) || *hw == '-') {
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
		if (it->kind != VLP_IRQ_INTX && isdigit((unsigned char)*hw)) {
			unsigned long long hwirq = strtoull(hw, NULL, 10);
			/* "PCI-MSI" or "IR-PCI-MSI" alone: x86's global domain;
			 * "PCI-MSIX-0000:00:03.0": the device's own. */
			bool global = !strcmp(it->chip, "PCI-MSI") || !strcmp(it->chip, "IR-PCI-MSI");

			if (global)
				it->entry = (int)(hwirq & LEGACY_MSI_ENTRY_MASK);
			else if (hwirq < VLP_MSIX_MAX_ENTRIES)
				it->entry = (int)hwirq;
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		p[--n] = '\0';
	snprintf(it->name, sizeof(it->name), "%s", p);
}

static int read_interrupts(struct vlp_ctx *ctx, const char *path, struct vlp_irqs *irqs)
{
	char *line = malloc(INTERRUPTS_LINE_MAX);
	FILE *f;
	int err = 0;

	if (!line)
		return vlp_error(ctx, ENOMEM, "out of memory");
	f = fopen(path, "r");
	if (!f) {
		err = vlp_error(ctx, errno, "%s: %s", path, strerror(errno));
		free(line);
		return err;
	}
	/* Header: one "CPUn" column per online CPU. */
	if (fgets(line, INTERRUPTS_LINE_MAX, f)) {
		for (char *t = strtok(line, " \t\n"); t; t = strtok(NULL, " \t\n"))
			if (!strncmp(t, "CPU", 3))
				irqs->ncpus++;
	}
	if (!irqs->ncpus) {
		err = vlp_error(ctx, EINVAL, "%s: no CPU columns in the first line", path);
		goto out;
	}
	while (!err && fgets(line, INTERRUPTS_LINE_MAX, f)) {
		char *p = line, *end;
		unsigned long irq;
		struct vlp_irq *it;

		while (isspace((unsigned char)*p))
			p++;
		irq = strtoul(p, &end, 10);
		if (end == p || *end != ':')
			continue; /* NMI, LOC, ...: not a numbered IRQ */
		it = find_irq(irqs, (unsigned)irq);
		if (!it)
			continue;
		p = end + 1;
		it->per_cpu = calloc(irqs->ncpus, sizeof(*it->per_cpu));
		if (!it->per_cpu) {
			err = vlp_error(ctx, ENOMEM, "out of memory");
			break;
		}
		it->ncpus = irqs->ncpus;
		for (unsigned c = 0; c < irqs->ncpus; c++) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p) {
				err = vlp_error(ctx, EINVAL, "%s: IRQ %lu: %u counts for %u CPUs",
						path, irq, c, irqs->ncpus);
				break;
			}
			it->per_cpu[c] = v;
			it->count += v;
			p = end;
		}
		it->counted = !err;
		if (!err)
			parse_tail(it, p);
	}
	if (!err && ferror(f))
		err = vlp_error(ctx, EIO, "%s: read error", path);
out:
	fclose(f);
	free(line);
	return err;
}

int vlp_irqs_read(struct vlp_ctx *ctx, const struct vlp_slot *slot,
		  const struct vlp_irq_roots *roots, struct vlp_irqs **out)
{
	struct vlp_irqs *irqs = calloc(1, sizeof(*irqs));
	char dir[400], path[512];
	int err;

	*out = NULL;
	if (!irqs)
		return vlp_error(ctx, ENOMEM, "out of memory");
	vlp_host_slot_path(dir, sizeof(dir), roots ? roots->sys : NULL, slot, NULL);
	err = list_device_irqs(ctx, dir, irqs);
	if (!err && irqs->count) {
		vlp_host_proc_path(path, sizeof(path), roots ? roots->proc : NULL, "interrupts");
		err = read_interrupts(ctx, path, irqs);
	}
	for (size_t i = 0; !err && i < irqs->count; i++) {
		struct vlp_irq *it = &irqs->items[i];
		char leaf[48];

		snprintf(leaf, sizeof(leaf), "irq/%u/smp_affinity_list", it->linux_irq);
		vlp_host_proc_path(path, sizeof(path), roots ? roots->proc : NULL, leaf);
		if (!read_line(path, it->affinity, sizeof(it->affinity)))
			it->affinity[0] = '\0';
	}
	if (err) {
		vlp_irqs_free(irqs);
		return err;
	}
	*out = irqs;
	return 0;
}
