/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * faulty-pci: faulty-blk's PCI front (--pci-proxy).  QEMU's x-pci-proxy-dev
 * (multi-process QEMU, hw/remote/proxy.c) forwards every configuration space
 * and BAR access of a PCI function to another process over a socket; here
 * that process is faulty-blk, which then owns the whole virtio-pci function:
 * the configuration space with its capabilities (4.1.4), the common
 * configuration, ISR status, device configuration and notification
 * structures in BAR 4, the MSI-X table and PBA in BAR 1, and the rings
 * (faulty-blk.c's engine).  So the faults can break the registers that QEMU
 * keeps for a vhost-user device.
 *
 * QEMU cannot take an interrupt from the remote process but through an
 * INTx irqfd, which only KVM routes: MSI-X messages are never delivered, and
 * an interrupt of a masked vector sets its pending bit, which is how a
 * driver without an interrupt handler sees one (and how --check --exercise
 * does).  Guest RAM comes as the file descriptors of its memory backend
 * (memory-backend-memfd,share=on).
 *
 * The wire format (QEMU include/hw/remote/mpqemu-link.h, 7.2): a 16-byte
 * header (int cmd, size_t size) with the file descriptors, then size bytes
 * of data; the requests that wait for an answer get MPQEMU_CMD_RET with a
 * u64.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faulty-blk.h"
#include "vlp/spec.h"

/* ------------------------------------------------------------ the wire */
enum mpq_cmd {
	MPQ_SYNC_SYSMEM,
	MPQ_RET,
	MPQ_PCI_CFGWRITE,
	MPQ_PCI_CFGREAD,
	MPQ_BAR_WRITE,
	MPQ_BAR_READ,
	MPQ_SET_IRQFD,
	MPQ_DEVICE_RESET,
};
#define MPQ_MAX_FDS 8
#define MPQ_HDR_SIZE 16 /* int cmd, 4 bytes of padding, size_t size */
struct mpq_sysmem {
	uint64_t gpa[MPQ_MAX_FDS], size[MPQ_MAX_FDS], offset[MPQ_MAX_FDS];
};
struct mpq_pci_conf {
	uint32_t addr, val;
	int32_t len;
};
struct mpq_bar {
	uint64_t addr, val; /* addr: the guest-physical address of the access */
	uint32_t size;
	uint8_t memory, pad[3];
};

/* ------------------------------------------------------------ the function */
/* Configuration space (PCI 3.0, 6.1) and the capabilities' places. */
enum {
	PCI_COMMAND = 0x04,
	PCI_STATUS = 0x06,
	PCI_STATUS_CAP_LIST = 0x10,
	PCI_BAR0 = 0x10,
	PCI_SUBSYSTEM_VENDOR = 0x2c,
	PCI_CAP_PTR = 0x34,
	PCI_INTERRUPT_LINE = 0x3c,
	PCI_CAP_ID_MSIX = 0x11,
	PCI_CAP_ID_VNDR = 0x09,
	MSIX_CTL_ENABLE = 0x8000,
	MSIX_CTL_FMASK = 0x4000,
	CAP_MSIX = 0x40, /* 12 bytes */
	CAP_COMMON = 0x50, /* the virtio capabilities (4.1.4): 16 bytes each */
	CAP_ISR = 0x60,
	CAP_DEVICE = 0x70,
	CAP_NOTIFY = 0x80, /* 20 bytes: notify_off_multiplier */
	CAP_PCI_CFG = 0x98, /* 20 bytes: pci_cfg_data */
	CFG_SIZE = 256,
};
/* struct virtio_pci_cap (4.1.4): the fields after cap_vndr, cap_next. */
enum { VCAP_LEN = 2, VCAP_TYPE = 3, VCAP_BAR = 4, VCAP_OFFSET = 8, VCAP_LENGTH = 12, VCAP_DATA = 16 };
enum vcap_type { VCAP_COMMON = 1, VCAP_NOTIFY = 2, VCAP_ISR = 3, VCAP_DEVICE = 4, VCAP_PCI = 5 };

/* BAR 1: MSI-X table and PBA; BAR 4: the virtio structures. */
#define MSIX_BAR 1u
#define MSIX_BAR_SIZE 0x1000u
#define MSIX_PBA 0x800u
#define VIRTIO_BAR 4u
#define VIRTIO_BAR_SIZE 0x4000u
enum { AT_COMMON = 0x0000, AT_ISR = 0x1000, AT_DEVICE = 0x2000, AT_NOTIFY = 0x3000, AREA = 0x1000 };
#define NOTIFY_MULTIPLIER 4u
#define QUEUE_SIZE 256u /* what queue_size presents after a reset */

/* struct virtio_pci_common_cfg (4.1.4.3): offsets. */
enum {
	CC_DFSELECT = 0x00,
	CC_DF = 0x04,
	CC_GFSELECT = 0x08,
	CC_GF = 0x0c,
	CC_MSIX = 0x10,
	CC_NUMQ = 0x12,
	CC_STATUS = 0x14,
	CC_CFGGEN = 0x15,
	CC_Q_SELECT = 0x16,
	CC_Q_SIZE = 0x18,
	CC_Q_MSIX = 0x1a,
	CC_Q_ENABLE = 0x1c,
	CC_Q_NOFF = 0x1e,
	CC_Q_DESC = 0x20,
	CC_Q_DRIVER = 0x28,
	CC_Q_DEVICE = 0x30,
	CC_SIZE = 0x38,
};

struct queue {
	uint16_t size, vector;
	uint16_t vector_at_ok; /* vector-remap-ignored: the one DRIVER_OK found */
	bool enabled, kicked_early;
	uint64_t desc, driver, device;
};

static struct {
	uint8_t cfg[CFG_SIZE], wmask[CFG_SIZE];
	uint32_t dfselect, gfselect, driver_features[2];
	uint16_t config_vector, queue_select;
	uint8_t status, isr, generation;
	struct queue q[MAX_QUEUES];
	unsigned nq, vectors;
	uint8_t msix_table[MSIX_PBA];
	uint64_t pba;
	int intx; /* QEMU's INTx eventfd (routed by KVM only) */
	/* fault state */
	unsigned long feature_reads;
	uint64_t accepted;
	bool accepted_valid, refused_once, latched, enable_shown[MAX_QUEUES];
	uint32_t latch;
	unsigned long lost; /* MSI-X messages QEMU cannot carry */
} P;

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static void vendor_cap(uint8_t at, uint8_t next, uint8_t len, enum vcap_type type, uint32_t off,
		       uint32_t length)
{
	uint8_t *c = P.cfg + at;

	c[0] = PCI_CAP_ID_VNDR;
	c[1] = next;
	c[VCAP_LEN] = len;
	c[VCAP_TYPE] = type;
	c[VCAP_BAR] = VIRTIO_BAR;
	put_le32(c + VCAP_OFFSET, off);
	put_le32(c + VCAP_LENGTH, length);
}

static void wmask32(unsigned at, uint32_t m)
{
	put_le32(P.wmask + at, m);
}

/* The configuration space of a modern virtio-pci function (4.1.2, 4.1.4). */
static void build_config_space(void)
{
	uint32_t type = fb_device_id();
	uint8_t *c = P.cfg;
	uint8_t after_isr = fb_config_size() ? CAP_DEVICE : CAP_NOTIFY;

	memset(&P.cfg, 0, sizeof(P.cfg));
	memset(&P.wmask, 0, sizeof(P.wmask));
	put_le16(c, VLP_VIRTIO_VENDOR);
	put_le16(c + 2, (uint16_t)(VLP_VIRTIO_MODERN_BASE + type));
	put_le16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[0x08] = 1; /* revision 1: a modern-only device (4.1.2.1) */
	c[0x0a] = 0x80;
	c[0x0b] = 0xff; /* class: unassigned */
	put_le16(c + PCI_SUBSYSTEM_VENDOR, VLP_VIRTIO_VENDOR);
	put_le16(c + PCI_SUBSYSTEM_VENDOR + 2, 0x1100);
	c[PCI_CAP_PTR] = CAP_MSIX;
	c[PCI_INTERRUPT_LINE + 1] = 1; /* INTA */
	/* MSI-X: nq + 1 vectors, the table at BAR 1 + 0, the PBA at + 0x800 */
	c[CAP_MSIX] = PCI_CAP_ID_MSIX;
	c[CAP_MSIX + 1] = CAP_COMMON;
	put_le16(c + CAP_MSIX + 2, (uint16_t)(P.vectors - 1));
	put_le32(c + CAP_MSIX + 4, MSIX_BAR);
	put_le32(c + CAP_MSIX + 8, MSIX_PBA | MSIX_BAR);
	vendor_cap(CAP_COMMON, CAP_ISR, 16, VCAP_COMMON, AT_COMMON, CC_SIZE);
	vendor_cap(CAP_ISR, after_isr, 16, VCAP_ISR, AT_ISR, 1);
	if (fb_config_size())
		vendor_cap(CAP_DEVICE, CAP_NOTIFY, 16, VCAP_DEVICE, AT_DEVICE, fb_config_size());
	vendor_cap(CAP_NOTIFY, CAP_PCI_CFG, 20, VCAP_NOTIFY, AT_NOTIFY,
		   NOTIFY_MULTIPLIER * P.nq);
	put_le32(c + CAP_NOTIFY + VCAP_DATA, NOTIFY_MULTIPLIER);
	vendor_cap(CAP_PCI_CFG, 0, 20, VCAP_PCI, 0, 0);
	c[CAP_PCI_CFG + VCAP_BAR] = 0;
	/* what a driver may write: command (I/O, memory, bus master, parity,
	 * SERR, INTx disable), the BARs' address bits, the interrupt line,
	 * MSI-X enable and function mask, the window's bar, offset, length */
	P.wmask[PCI_COMMAND] = 0x47;
	P.wmask[PCI_COMMAND + 1] = 0x05;
	wmask32(PCI_BAR0 + 4 * MSIX_BAR, ~(MSIX_BAR_SIZE - 1));
	wmask32(PCI_BAR0 + 4 * VIRTIO_BAR, ~(VIRTIO_BAR_SIZE - 1));
	P.wmask[PCI_INTERRUPT_LINE] = 0xff;
	P.wmask[CAP_MSIX + 3] = (MSIX_CTL_ENABLE | MSIX_CTL_FMASK) >> 8;
	P.wmask[CAP_PCI_CFG + VCAP_BAR] = 0xff;
	wmask32(CAP_PCI_CFG + VCAP_OFFSET, 0xffffffff);
	wmask32(CAP_PCI_CFG + VCAP_LENGTH, 0xffffffff);
}

static uint16_t msix_control(void)
{
	return (uint16_t)(P.cfg[CAP_MSIX + 2] | P.cfg[CAP_MSIX + 3] << 8);
}

static bool vector_masked(unsigned v)
{
	return msix_control() & MSIX_CTL_FMASK || ld32(P.msix_table + 16 * v + 12) & 1;
}

unsigned long fp_messages_lost(void)
{
	return P.lost;
}

/* An unmasked vector's pending message is sent, or would be: QEMU's proxy
 * has no way to carry it. */
static void msix_send_pending(void)
{
	if (!(msix_control() & MSIX_CTL_ENABLE))
		return;
	for (unsigned v = 0; v < P.vectors; v++)
		if (P.pba >> v & 1 && !vector_masked(v)) {
			P.pba &= ~(1ull << v);
			P.lost++;
		}
}

/* An interrupt on vector v (4.1.5.4; PCI 3.0, 6.8.2: a masked vector keeps it
 * pending), or on INTx without MSI-X. */
static void interrupt(unsigned v)
{
	uint64_t one = 1;

	if (!(msix_control() & MSIX_CTL_ENABLE)) {
		if (P.intx >= 0 && write(P.intx, &one, sizeof(one)) < 0)
			fb_log("INTx eventfd: %s", strerror(errno));
		return;
	}
	if (v >= P.vectors)
		return;
	P.pba |= 1ull << v;
	if (fb_verbose())
		fb_log("vector %u %s", v, vector_masked(v) ? "pending" : "sent (not carried)");
	msix_send_pending();
}

void fp_queue_interrupt(unsigned qi)
{
	unsigned v = P.q[qi].vector;

	if (fb_fault(F_VECTOR_REMAP_IGNORED) && v != P.q[qi].vector_at_ok) {
		fb_applied(F_VECTOR_REMAP_IGNORED, "queue %u: vector %u mapped, %u used", qi, v,
			   P.q[qi].vector_at_ok);
		v = P.q[qi].vector_at_ok;
	}

	P.isr |= 1u << VLP_ISR_QUEUE_INTERRUPT;
	if (v == VLP_NO_VECTOR && msix_control() & MSIX_CTL_ENABLE) {
		if (!fb_fault(F_NO_VECTOR_IRQ))
			return;
		fb_applied(F_NO_VECTOR_IRQ, "queue %u (NO_VECTOR): interrupt on vector 0", qi);
		v = 0;
	}
	interrupt(v);
}

void fp_needs_reset(void)
{
	P.status |= VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET);
	if (!(P.status & VLP_S_MASK(VLP_S_DRIVER_OK)))
		return;
	if (fb_fault(F_NEEDS_RESET_SILENT)) {
		fb_applied(F_NEEDS_RESET_SILENT, "DEVICE_NEEDS_RESET set without a notification");
		return;
	}
	P.isr |= 1u << VLP_ISR_CONFIG_INTERRUPT;
	interrupt(P.config_vector);
}

/* 4.1.5.1.2: a vector mapped, or NO_VECTOR when it cannot be. */
static uint16_t map_vector(uint16_t v)
{
	if (v == VLP_NO_VECTOR)
		return v;
	if (v >= P.vectors) {
		if (!fb_fault(F_VECTOR_UNCHECKED))
			return VLP_NO_VECTOR;
		fb_applied(F_VECTOR_UNCHECKED, "vector %u of %u kept", v, P.vectors);
		return v;
	}
	if (v && fb_fault(F_VECTOR_ZERO_ONLY)) {
		fb_applied(F_VECTOR_ZERO_ONLY, "vector %u refused", v);
		return VLP_NO_VECTOR;
	}
	return v;
}

/* The device reset (2.4): what the driver wrote is gone; the faults keep
 * some of it. */
static void device_reset(void)
{
	bool keep_vectors = fb_fault(F_RESET_VECTORS), keep_enable = fb_fault(F_RESET_QUEUE_ENABLE);

	fb_reset();
	P.status = 0;
	P.isr = 0;
	P.dfselect = P.gfselect = 0;
	P.driver_features[0] = P.driver_features[1] = 0;
	P.queue_select = 0;
	if (keep_vectors && P.config_vector != VLP_NO_VECTOR)
		fb_applied(F_RESET_VECTORS, "config_msix_vector %u kept", P.config_vector);
	if (!keep_vectors)
		P.config_vector = VLP_NO_VECTOR;
	for (unsigned i = 0; i < P.nq; i++) {
		struct queue *q = &P.q[i];

		if (keep_enable && q->enabled)
			fb_applied(F_RESET_QUEUE_ENABLE, "queue %u: queue_enable 1 kept", i);
		P.enable_shown[i] = keep_enable && q->enabled;
		*q = (struct queue){.size = QUEUE_SIZE, .vector = keep_vectors ? q->vector : VLP_NO_VECTOR};
	}
	/* vectors no longer used lose their pending messages (as QEMU does) */
	P.pba = 0;
	fb_config_reset();
}

/* 2.2.2: FEATURES_OK only for a subset of what is offered. */
static bool features_ok(uint64_t f)
{
	if (f & ~fb_offered())
		return false;
	if (fb_fault(F_FEATURES_OK_ONCE) && !P.refused_once && P.accepted_valid && f == P.accepted) {
		P.refused_once = true;
		fb_applied(F_FEATURES_OK_ONCE, "features 0x%" PRIx64 " refused after a reset", f);
		return false;
	}
	P.accepted = f;
	P.accepted_valid = true;
	fb_ack(f);
	return true;
}

static void kick_early_queues(void)
{
	for (unsigned i = 0; i < P.nq; i++)
		if (P.q[i].kicked_early) {
			P.q[i].kicked_early = false;
			fb_queue_kick(i);
		}
}

static void write_status(uint8_t v)
{
	uint8_t was = P.status;
	const uint8_t fok = VLP_S_MASK(VLP_S_FEATURES_OK), dok = VLP_S_MASK(VLP_S_DRIVER_OK);

	if (!v) {
		if (fb_fault(F_RESET_STATUS_STUCK)) {
			fb_applied(F_RESET_STATUS_STUCK, "0 written, device_status 0x%02x kept", was);
			return;
		}
		device_reset();
		return;
	}
	/* DEVICE_NEEDS_RESET is the device's to set (2.1) */
	P.status = (uint8_t)(v | (was & VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET)));
	if (v & fok && !(was & fok) &&
	    !features_ok((uint64_t)P.driver_features[1] << 32 | P.driver_features[0]))
		P.status &= (uint8_t)~fok;
	/* 2.1.2: nothing consumed before DRIVER_OK; the kicks before it wait */
	if (v & dok && !(was & dok)) {
		for (unsigned i = 0; i < P.nq; i++)
			P.q[i].vector_at_ok = P.q[i].vector;
		kick_early_queues();
	}
}

static struct queue *selected(void)
{
	return P.queue_select < P.nq ? &P.q[P.queue_select] : NULL;
}

static uint32_t feature_word(void)
{
	uint32_t w = P.dfselect < 2 ? (uint32_t)(fb_offered() >> (32 * P.dfselect)) : 0;

	if (fb_fault(F_DEVICE_FEATURE_FLAKY) && P.feature_reads++ % 2) {
		fb_applied(F_DEVICE_FEATURE_FLAKY, "device_feature_select %u: 0 read", P.dfselect);
		return 0;
	}
	return w;
}

/* The common configuration as the driver reads it at off (size bytes). */
static uint64_t common_read(unsigned off, unsigned size)
{
	uint8_t img[CC_SIZE + 8] = {0};
	struct queue *q = selected();
	uint64_t v = 0;

	put_le32(img + CC_DFSELECT, P.dfselect);
	if (off <= CC_DF && off + size > CC_DF)
		put_le32(img + CC_DF, feature_word());
	put_le32(img + CC_GFSELECT, P.gfselect);
	if (P.gfselect < 2)
		put_le32(img + CC_GF, P.driver_features[P.gfselect]);
	if (P.gfselect == 1 && fb_fault(F_DRIVER_FEATURE_LOST) && off <= CC_GF && off + size > CC_GF) {
		fb_applied(F_DRIVER_FEATURE_LOST, "driver_feature_select 1: 0 read");
		put_le32(img + CC_GF, 0);
	}
	put_le16(img + CC_MSIX, P.config_vector);
	put_le16(img + CC_NUMQ, (uint16_t)P.nq);
	img[CC_STATUS] = P.status;
	img[CC_CFGGEN] = P.generation;
	put_le16(img + CC_Q_SELECT, P.queue_select);
	if (q) {
		put_le16(img + CC_Q_SIZE, q->size);
		put_le16(img + CC_Q_MSIX, q->vector);
		put_le16(img + CC_Q_ENABLE, q->enabled || P.enable_shown[P.queue_select]);
		put_le16(img + CC_Q_NOFF, P.queue_select);
		put_le32(img + CC_Q_DESC, (uint32_t)q->desc);
		put_le32(img + CC_Q_DESC + 4, (uint32_t)(q->desc >> 32));
		put_le32(img + CC_Q_DRIVER, (uint32_t)q->driver);
		put_le32(img + CC_Q_DRIVER + 4, (uint32_t)(q->driver >> 32));
		put_le32(img + CC_Q_DEVICE, (uint32_t)q->device);
		put_le32(img + CC_Q_DEVICE + 4, (uint32_t)(q->device >> 32));
	} else {
		put_le16(img + CC_Q_MSIX, VLP_NO_VECTOR);
		if (fb_fault(F_QUEUE_SIZE_ABSENT) && off <= CC_Q_SIZE && off + size > CC_Q_SIZE) {
			fb_applied(F_QUEUE_SIZE_ABSENT, "queue_select %u: queue_size %u read",
				   P.queue_select, QUEUE_SIZE);
			put_le16(img + CC_Q_SIZE, QUEUE_SIZE);
		}
	}
	if (off >= CC_SIZE || size > CC_SIZE - off)
		return 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)img[off + i] << (8 * i);
	return v;
}

static void set_half(uint64_t *field, unsigned half, uint32_t v)
{
	*field = half ? (*field & 0xffffffffull) | (uint64_t)v << 32
		      : (*field & ~0xffffffffull) | v;
}

static void common_write(unsigned off, unsigned size, uint64_t v)
{
	struct queue *q = selected();

	if (size == 8 && (off == CC_Q_DESC || off == CC_Q_DRIVER || off == CC_Q_DEVICE)) {
		common_write(off, 4, (uint32_t)v);
		common_write(off + 4, 4, (uint32_t)(v >> 32));
		return;
	}
	switch (off) {
	case CC_DFSELECT: P.dfselect = (uint32_t)v; return;
	case CC_GFSELECT: P.gfselect = (uint32_t)v; return;
	case CC_GF:
		if (P.gfselect < 2)
			P.driver_features[P.gfselect] = (uint32_t)v;
		return;
	case CC_MSIX: P.config_vector = map_vector((uint16_t)v); return;
	case CC_STATUS: write_status((uint8_t)v); return;
	case CC_Q_SELECT: P.queue_select = (uint16_t)v; return;
	default: break;
	}
	if (!q)
		return;
	switch (off) {
	case CC_Q_SIZE:
		/* 4.1.4.3.1: 0 or a power of 2 presented, whatever is written */
		if (v && v <= QUEUE_SIZE && !(v & (v - 1)))
			q->size = (uint16_t)v;
		return;
	case CC_Q_MSIX: q->vector = map_vector((uint16_t)v); return;
	case CC_Q_ENABLE:
		if (v == 1 && !q->enabled) {
			q->enabled = true;
			fb_queue_start(P.queue_select, q->size, q->desc, q->driver, q->device);
		}
		return;
	case CC_Q_DESC: case CC_Q_DESC + 4: set_half(&q->desc, off & 4, (uint32_t)v); return;
	case CC_Q_DRIVER: case CC_Q_DRIVER + 4: set_half(&q->driver, off & 4, (uint32_t)v); return;
	case CC_Q_DEVICE: case CC_Q_DEVICE + 4: set_half(&q->device, off & 4, (uint32_t)v); return;
	default: fb_log("common configuration +0x%02x (%u bytes): not writable", off, size);
	}
}

static uint64_t device_config_read(unsigned off, unsigned size)
{
	const uint8_t *c = fb_config();
	uint64_t v = 0;

	if (fb_fault(F_CONFIG_64BIT_LATCH) && fb_device_id() == VLP_ID_BLOCK && size == 4 &&
	    (off == 0 || off == 4)) {
		/* capacity (5.2.4): the low half latches the high one */
		if (!off) {
			P.latch = ld32(c + 4);
			P.latched = true;
			return ld32(c);
		}
		v = P.latched ? P.latch : 0xffffffffu;
		if (!P.latched)
			fb_applied(F_CONFIG_64BIT_LATCH, "capacity's high half read first: 0x%08x",
				   (uint32_t)v);
		P.latched = false;
		return v;
	}
	for (unsigned i = 0; i < size && off + i < fb_config_size(); i++)
		v |= (uint64_t)c[off + i] << (8 * i);
	return v;
}

/* 5.3.6.1: a driver may write emerg_wr before it sets DRIVER_OK, or any
 * status bit. */
static void emergency_write(uint8_t c)
{
	fb_emergency_write(c);
	if (!P.status && fb_fault(F_EMERG_UNCONFIGURED)) {
		P.status = VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET);
		fb_applied(F_EMERG_UNCONFIGURED, "emerg_wr written at device_status 0: DEVICE_NEEDS_RESET");
	}
}

static uint64_t virtio_bar_read(uint64_t off, unsigned size)
{
	uint8_t isr;

	if (off < AT_COMMON + AREA)
		return common_read((unsigned)off, size);
	if (off == AT_ISR) {
		/* 4.1.4.5.1: reading clears it */
		isr = P.isr;
		if (isr && fb_fault(F_ISR_STICKY))
			fb_applied(F_ISR_STICKY, "ISR status 0x%02x read, kept", isr);
		else
			P.isr = 0;
		return isr;
	}
	if (off >= AT_DEVICE && off < AT_DEVICE + AREA)
		return device_config_read((unsigned)(off - AT_DEVICE), size);
	return 0;
}

static void virtio_bar_write(uint64_t off, unsigned size, uint64_t v)
{
	if (off < AT_COMMON + AREA) {
		common_write((unsigned)off, size, v);
	} else if (off >= AT_DEVICE && off < AT_DEVICE + AREA) {
		unsigned at = (unsigned)(off - AT_DEVICE);

		if (fb_device_id() == VLP_ID_CONSOLE && at == CONSOLE_CFG_EMERG_WR)
			emergency_write((uint8_t)v);
		else
			fb_config_written(at, size, v);
	} else if (off >= AT_NOTIFY && off < AT_NOTIFY + AREA) {
		unsigned qi = (unsigned)(off - AT_NOTIFY) / NOTIFY_MULTIPLIER;

		if (qi >= P.nq || !P.q[qi].enabled)
			return;
		if (P.status & VLP_S_MASK(VLP_S_DRIVER_OK))
			fb_queue_kick(qi);
		else
			P.q[qi].kicked_early = true;
	}
}

static uint64_t msix_bar_read(uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++, off++)
		if (off >= MSIX_PBA && off < MSIX_PBA + 8)
			v |= (P.pba >> (8 * (off - MSIX_PBA)) & 0xff) << (8 * i);
		else if (off < 16ull * P.vectors)
			v |= (uint64_t)P.msix_table[off] << (8 * i);
	return v;
}

static void msix_bar_write(uint64_t off, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++, off++)
		if (off < 16ull * P.vectors)
			P.msix_table[off] = (uint8_t)(v >> (8 * i));
	msix_send_pending();
}

static uint64_t bar_base(unsigned bar)
{
	return ld32(P.cfg + PCI_BAR0 + 4 * bar) & ~0xfull;
}

/* An access at a guest-physical address: the BAR it falls in, or none. */
static bool in_bar(uint64_t addr, unsigned bar, uint64_t size, uint64_t *off)
{
	uint64_t base = bar_base(bar);

	if (!base || addr < base || addr - base >= size)
		return false;
	*off = addr - base;
	return true;
}

static uint64_t bar_read(uint64_t addr, unsigned size)
{
	uint64_t off;

	if (in_bar(addr, VIRTIO_BAR, VIRTIO_BAR_SIZE, &off))
		return virtio_bar_read(off, size);
	if (in_bar(addr, MSIX_BAR, MSIX_BAR_SIZE, &off))
		return msix_bar_read(off, size);
	return ~0ull;
}

static void bar_write(uint64_t addr, unsigned size, uint64_t v)
{
	uint64_t off;

	if (in_bar(addr, VIRTIO_BAR, VIRTIO_BAR_SIZE, &off))
		virtio_bar_write(off, size, v);
	else if (in_bar(addr, MSIX_BAR, MSIX_BAR_SIZE, &off))
		msix_bar_write(off, size, v);
}

/* 4.1.4.9: pci_cfg_data reads or writes cap.length bytes at cap.offset in
 * BAR cap.bar. */
static uint64_t window(bool write, uint64_t v)
{
	const uint8_t *c = P.cfg + CAP_PCI_CFG;
	uint32_t off = ld32(c + VCAP_OFFSET), len = ld32(c + VCAP_LENGTH);

	if (c[VCAP_BAR] != VIRTIO_BAR || (len != 1 && len != 2 && len != 4))
		return 0;
	if (!write && fb_fault(F_PCI_CFG_WINDOW_ALIGNED) && off % 16) {
		fb_applied(F_PCI_CFG_WINDOW_ALIGNED, "offset 0x%x read at 0x%x", off, off & ~15u);
		off &= ~15u;
	}
	if (write) {
		virtio_bar_write(off, len, v);
		return 0;
	}
	return virtio_bar_read(off, len);
}

static uint32_t config_read(uint32_t addr, unsigned len)
{
	uint32_t v = 0;

	if (addr >= CFG_SIZE || len > 4)
		return ~0u;
	if (addr == CAP_PCI_CFG + VCAP_DATA)
		return (uint32_t)window(false, 0);
	for (unsigned i = 0; i < len && addr + i < CFG_SIZE; i++)
		v |= (uint32_t)P.cfg[addr + i] << (8 * i);
	return v;
}

static void config_write(uint32_t addr, unsigned len, uint32_t v)
{
	if (addr >= CFG_SIZE || len > 4)
		return;
	if (addr == CAP_PCI_CFG + VCAP_DATA) {
		window(true, v);
		return;
	}
	for (unsigned i = 0; i < len && addr + i < CFG_SIZE; i++) {
		uint8_t m = P.wmask[addr + i], b = (uint8_t)(v >> (8 * i));

		P.cfg[addr + i] = (uint8_t)((P.cfg[addr + i] & ~m) | (b & m));
	}
	if (addr <= CAP_MSIX + 3 && addr + len > CAP_MSIX + 2)
		msix_send_pending();
}

/* A PCI function reset (QEMU's machine reset): the configuration space
 * as built, every MSI-X vector masked, the virtio device reset. */
static void function_reset(void)
{
	build_config_space();
	for (unsigned v = 0; v < P.vectors; v++)
		put_le32(P.msix_table + 16 * v + 12, 1);
	P.refused_once = P.accepted_valid = false;
	/* a device reset's faults keep what a function reset clears */
	P.config_vector = VLP_NO_VECTOR;
	for (unsigned i = 0; i < P.nq; i++)
		P.q[i] = (struct queue){.vector = VLP_NO_VECTOR};
	P.status = 0;
	device_reset();
	memset(P.enable_shown, 0, sizeof(P.enable_shown));
}

void fp_start(void)
{
	P.nq = fb_queue_count();
	P.vectors = P.nq + 1;
	P.intx = -1;
	function_reset();
}

/* ------------------------------------------------------------ messages */
static int reply(int sock, uint64_t v)
{
	uint8_t m[MPQ_HDR_SIZE + 8] = {0};
	int32_t cmd = MPQ_RET;
	uint64_t size = 8;

	memcpy(m, &cmd, 4);
	memcpy(m + 8, &size, 8);
	memcpy(m + MPQ_HDR_SIZE, &v, 8);
	return send(sock, m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m) ? 0 : -1;
}

static void sync_sysmem(const struct mpq_sysmem *s, const int *fds, unsigned nfds)
{
	struct fb_memory_region r[MPQ_MAX_FDS];

	for (unsigned i = 0; i < nfds; i++)
		r[i] = (struct fb_memory_region){s->gpa[i], s->size[i], s->offset[i], fds[i]};
	if (fb_map_memory(r, nfds))
		fb_log("guest memory not mapped: the rings cannot be served");
}

int fp_message(int sock)
{
	uint8_t hdr[MPQ_HDR_SIZE];
	union {
		struct mpq_sysmem sysmem;
		struct mpq_pci_conf conf;
		struct mpq_bar bar;
		uint8_t raw[sizeof(struct mpq_sysmem)];
	} d;
	char cbuf[CMSG_SPACE(sizeof(int) * MPQ_MAX_FDS)];
	struct iovec iov = {hdr, sizeof(hdr)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	int fds[MPQ_MAX_FDS], cmd, r = 0;
	unsigned nfds = 0;
	uint64_t size;
	ssize_t n = recvmsg(sock, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC);

	if (n <= 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			unsigned k = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			for (unsigned i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (nfds < MPQ_MAX_FDS)
					fds[nfds++] = fd;
				else
					close(fd);
			}
		}
	memcpy(&cmd, hdr, 4);
	memcpy(&size, hdr + 8, 8);
	if (n != MPQ_HDR_SIZE || size > sizeof(d) ||
	    (size && recv(sock, &d, size, MSG_WAITALL) != (ssize_t)size)) {
		fb_log("message %d: %zd header bytes, %" PRIu64 " data bytes: not read", cmd, n, size);
		r = -1;
		goto out;
	}
	/* each request's data has its one size (mpqemu_msg_valid) */
	if (((cmd == MPQ_PCI_CFGREAD || cmd == MPQ_PCI_CFGWRITE) && size != sizeof(d.conf)) ||
	    ((cmd == MPQ_BAR_READ || cmd == MPQ_BAR_WRITE) && size != sizeof(d.bar)) ||
	    (cmd == MPQ_SYNC_SYSMEM && size != sizeof(d.sysmem))) {
		fb_log("message %d: %" PRIu64 " data bytes: not its size", cmd, size);
		r = cmd == MPQ_SYNC_SYSMEM ? 0 : reply(sock, ~0ull);
		goto out;
	}
	switch (cmd) {
	case MPQ_SYNC_SYSMEM:
		sync_sysmem(&d.sysmem, fds, nfds);
		break; /* no answer */
	case MPQ_SET_IRQFD:
		if (nfds == 2) {
			if (P.intx >= 0)
				close(P.intx);
			P.intx = fds[0];
			fds[0] = -1;
		}
		break; /* no answer */
	case MPQ_PCI_CFGREAD:
		if (fb_verbose() > 1)
			fb_log("config read 0x%02x/%d", d.conf.addr, d.conf.len);
		r = reply(sock, config_read(d.conf.addr, (unsigned)d.conf.len));
		break;
	case MPQ_PCI_CFGWRITE:
		if (fb_verbose() > 1)
			fb_log("config write 0x%02x/%d 0x%x", d.conf.addr, d.conf.len, d.conf.val);
		config_write(d.conf.addr, (unsigned)d.conf.len, d.conf.val);
		r = reply(sock, 0);
		break;
	case MPQ_BAR_READ:
		r = reply(sock, d.bar.memory && d.bar.size <= 8 ? bar_read(d.bar.addr, d.bar.size)
							       : ~0ull);
		break;
	case MPQ_BAR_WRITE:
		if (fb_verbose() > 1)
			fb_log("BAR write 0x%" PRIx64 "/%u 0x%" PRIx64, d.bar.addr, d.bar.size, d.bar.val);
		if (d.bar.memory && d.bar.size <= 8)
			bar_write(d.bar.addr, d.bar.size, d.bar.val);
		r = reply(sock, 0);
		break;
	case MPQ_DEVICE_RESET:
		function_reset();
		r = reply(sock, 0);
		break;
	default:
		fb_log("message %d: not known", cmd);
		r = reply(sock, ~0ull);
	}
out:
	for (unsigned i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}

/* Runs argv with one end of a socket pair as descriptor fdnum; returns the
 * other end in a process of its own (reparented, so that the command's
 * exit status stays the caller's), which serves until the command's end is
 * closed. */
int fp_launch(int fdnum, char **argv)
{
	int sv[2];
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		fb_die("socketpair: %s", strerror(errno));
	child = fork();
	if (child < 0)
		fb_die("fork: %s", strerror(errno));
	if (child == 0) {
		if (fork() != 0)
			_exit(0);
		close(sv[1]);
		return sv[0];
	}
	waitpid(child, NULL, 0);
	close(sv[0]);
	if (sv[1] == fdnum)
		fcntl(fdnum, F_SETFD, 0);
	else if (dup2(sv[1], fdnum) < 0)
		fb_die("dup2 to descriptor %d: %s", fdnum, strerror(errno));
	execvp(argv[0], argv);
	fb_die("%s: %s", argv[0], strerror(errno));
}
