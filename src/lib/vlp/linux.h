/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: what Linux tells: IRQs, sysfs and procfs, guest memory.  Part of <vlp.h>. */
#ifndef VLP_LINUX_H
#define VLP_LINUX_H

#include "base.h"
#include "devices.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Interrupts as Linux sees them: no device access needed             */
/* ------------------------------------------------------------------ */

#define VLP_MSIX_MAX_ENTRIES 2048u /* Table Size is 11 bits (PCI 6.8.2.3) */

enum vlp_irq_kind { VLP_IRQ_MSIX, VLP_IRQ_MSI, VLP_IRQ_INTX };
/* "msix", "msi", "intx" */
VLP_API const char *vlp_irq_kind_name(enum vlp_irq_kind k);

/* One Linux IRQ of a device (sysfs msi_irqs/ or irq, /proc/interrupts,
 * /proc/irq/N/smp_affinity_list). */
struct vlp_irq {
	unsigned linux_irq;
	enum vlp_irq_kind kind;
	int entry;         /* MSI-X table entry (MSI: vector), -1 unknown or INTx */
	bool counted;      /* found in /proc/interrupts: chip, name and counts valid */
	char chip[64];     /* "PCI-MSIX-0000:00:03.0", "IO-APIC" */
	char name[128];    /* the handlers' names, "virtio2-input.0" */
	uint64_t count;    /* sum over CPUs */
	uint64_t *per_cpu; /* ncpus counts */
	unsigned ncpus;
	char affinity[64]; /* smp_affinity_list ("0-1"), "" unknown */
};

struct vlp_irqs {
	struct vlp_irq *items; /* by Linux IRQ number */
	size_t count;
	unsigned ncpus; /* CPU columns of /proc/interrupts */
};

/* Where procfs and sysfs are (tests); NULL members: /proc and /sys. */
struct vlp_irq_roots {
	const char *proc;
	const char *sys;
};

/* The IRQs Linux has for a live device: an empty list when it has none
 * (no driver bound), -ENOENT when the slot is not in sysfs, and a message
 * naming the file when procfs cannot be read. */
VLP_API int vlp_irqs_read(struct vlp_ctx *ctx, const struct vlp_slot *slot,
			  const struct vlp_irq_roots *roots, struct vlp_irqs **out);
VLP_API void vlp_irqs_free(struct vlp_irqs *irqs);
/* The IRQ serving an MSI-X (or MSI) entry, NULL when none. */
VLP_API const struct vlp_irq *vlp_irqs_find_entry(const struct vlp_irqs *irqs, unsigned entry);

/* Guest memory (guestmem.c)                                           */
/* ------------------------------------------------------------------ */

/* Read-only, bounded access to guest-physical memory: through /proc/kcore
 * (its PT_LOAD program headers with a real p_paddr cover System RAM through
 * the kernel's direct map), or from recorded (pa, bytes) ranges (snapshots,
 * tests).  A read is served only when it lies wholly inside one segment or
 * range: a hole or MMIO is never read. */
struct vlp_guestmem;

/* Largest single read: a descriptor table of 32768 entries (2.7). */
#define VLP_GUESTMEM_READ_MAX (16u * 32768u)

/* Called after every read that succeeded, with the bytes read (--save
 * stores them as ranges). */
typedef void (*vlp_guestmem_record_fn)(void *arg, uint64_t pa, const void *bytes, size_t len);

/* Opens an ELF64 little-endian core file (path NULL: /proc/kcore).  Errors
 * have a one-line reason: -ENOENT no such file, -EACCES not root, -EPERM
 * kernel lockdown or no CAP_SYS_RAWIO, -EINVAL not an ELF64 LE core or no
 * segment with a physical address. */
VLP_API int vlp_guestmem_open_kcore(struct vlp_ctx *ctx, const char *path, struct vlp_guestmem **out);
/* "kcore" or "recorded". */
VLP_API void vlp_guestmem_free(struct vlp_guestmem *mem);

/* ------------------------------------------------------------------ */
/* Asking Linux (host.c): sysfs and procfs, one root each              */
/* ------------------------------------------------------------------ */

/* Every path under sysfs or procfs is made in host.c.  A sys_root names
 * where sysfs is (unit tests: a synthetic tree); NULL: /sys. */

/* The driver bound to the function now (the last component of its driver
 * link): true, or false with driver "" when none is bound or the slot is
 * not in sysfs. */
VLP_API bool vlp_host_driver(const char *sys_root, const struct vlp_slot *slot, char *driver,
			     size_t len);
/* Whether sysfs still lists the function: 0, or -errno of the look-up;
 * path gets the directory looked for. */
VLP_API int vlp_host_slot_present(const char *sys_root, const struct vlp_slot *slot, char *path,
				  size_t len);
#define VLP_KCORE_PATH (vlp_host_kcore_path())

#ifdef __cplusplus
}
#endif
#endif /* VLP_LINUX_H */
