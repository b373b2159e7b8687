/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * faulty-blk: a vhost-user-blk back-end for QEMU that serves a RAM disk and
 * breaks device rules of the virtio spec on purpose, one switch per rule, so
 * that the test suite can show each conformance check failing on its fault
 * and passing on the clean device.  Written for the tests from the vhost-user
 * protocol (QEMU docs/interop/vhost-user.rst) and the virtio 1.2 spec.
 *
 *   faulty-blk --socket-path=PATH [--size=BYTES[K|M|G]] [--fault=NAME[,NAME...]]
 *              [--disarmed] [--serial=TEXT] [--read-only] [--queues=N]
 *              [--no-event-idx] [--no-indirect] [--packed] [--rng | --scsi | --net] [-v]
 *   faulty-blk --pci-proxy=FD [--log=FILE] [--in-order] [--console] [the options
 *              above but --socket-path] -- COMMAND [ARG...]
 *   faulty-blk --list-faults | --print-capabilities | --help
 *
 *   qemu-system-x86_64 -object memory-backend-memfd,id=mem,size=512M,share=on \
 *       -machine memory-backend=mem -m 512M \
 *       -chardev socket,id=vu0,path=PATH -device vhost-user-blk-pci,chardev=vu0,num-queues=1
 *
 * The disk holds a known pattern: the 16 bytes at offset o (o a multiple of
 * 16) are the text "%012x fb\n" of o, so every read can be checked.  The
 * faults (--list-faults prints them with their section) are armed from the
 * start, or with --disarmed only once armed: SIGUSR1 arms, SIGUSR2 disarms,
 * and so does a write request whose data begins with the line "faulty-blk
 * arm" or "faulty-blk disarm" (not stored; it completes cleanly, and the
 * faults apply from the next request on).  The faults that change what the
 * device offers (features, configuration) apply from the start.  The
 * back-end ends on SIGTERM or SIGINT and then prints one line of counts
 * (requests, notifications, requests per queue, each fault applied) on stderr.
 *
 * --packed offers VIRTIO_F_RING_PACKED (QEMU: -device ...,packed=on); where
 * the driver negotiates it the rings are packed (2.8), and the ring faults
 * apply to packed rings only and break the packed rules: used-id-not-head
 * returns a Buffer ID never made available, used-flags writes USED unlike
 * the wrap counter, write-desc-table writes a slot the device skips, the
 * notification faults read the Driver Event Suppression structure
 * (2.8.10); desc-as-enable and no-write-flag break packed rules only.
 *
 * --rng serves a virtio-rng device instead (QEMU: -device vhost-user-rng-pci):
 * one queue of device-writable buffers, each filled with bytes (5.4.6); the
 * fault no-entropy returns them with used.len 0.
 *
 * --scsi serves a virtio-scsi host instead (QEMU: -device vhost-user-scsi-pci,
 * whose configuration QEMU keeps): target 0 with LUN 0 and no medium answers
 * TEST UNIT READY, INQUIRY and REPORT LUNS (anything else: CHECK CONDITION,
 * ILLEGAL REQUEST); every other target VIRTIO_SCSI_S_BAD_TARGET (5.6.6.1.1);
 * the control queue answers each request with response 0; the event queue's
 * buffers are kept (no event ever happens).  The fault bad-target-failure
 * answers TEST UNIT READY to an absent target with VIRTIO_SCSI_S_FAILURE;
 * target-failure answers every command to target 0 with
 * VIRTIO_SCSI_S_TARGET_FAILURE (allowed: a negative control).
 *
 * --net serves the queue pair of a virtio-net instead (QEMU: -netdev
 * vhost-user,chardev=... with -device virtio-net-pci; the control queue and
 * the configuration stay QEMU's): transmitted frames are dropped, and each
 * start of the receive queue puts one broadcast frame in the first buffer the
 * driver makes available, its header's num_buffers 1 (5.1.6.4.1; MRG_RXBUF is
 * never offered).  The fault num-buffers-two writes 2 there.
 *
 * --pci-proxy=FD serves the whole virtio-pci function instead, to QEMU's
 * x-pci-proxy-dev (faulty-pci.c): it runs COMMAND (QEMU, or a script that
 * runs it) with a socket as descriptor FD, for -device
 * x-pci-proxy-dev,fd=FD, and serves from a process of its own until QEMU
 * closes it (--log=FILE: that process's messages and counts).  Then the
 * registers QEMU keeps for vhost-user devices are the back-end's too, and
 * so are their faults (from reset-status-stuck on in --list-faults);
 * --in-order offers VIRTIO_F_IN_ORDER, which QEMU 7.2 clears for vhost-user
 * devices (the fault out-of-order then breaks 6.2's MUST).  --net then has
 * a configuration (mac) and a control queue of its own, which takes
 * VIRTIO_NET_CTRL_MAC_ADDR_SET; --console serves a virtio-console's port 0
 * (transmitted lines dropped, nothing received, emerg_wr logged).  QEMU's
 * proxy carries no MSI-X message: interrupts are seen as pending bits.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "faulty-blk.h"
#include "vlp/spec.h"

#define MAX_SEGS 1024u
#define QUEUE_SIZE_MAX 1024u
#define LATE_MS 200 /* complete-after-reset: how long after the stop */
#define LOG_FIRST 3 /* each fault is logged the first few times it applies */

/* ------------------------------------------------------------ faults */
static const struct fault_row {
	const char *name, *section, *what;
} faults[F_COUNT] = {
	/* 2.7.8: "id indicates the head entry of the descriptor chain". */
	[F_USED_ID_NOT_HEAD] = {"used-id-not-head", "2.7.8",
				"used.id names a descriptor of the chain that is not its head "
				"(the next one of the chain, else head+1)"},
	/* 2.7.8: each used entry returns one buffer the driver made available. */
	[F_USED_ID_TWICE] = {"used-id-twice", "2.7.8",
			     "every chain is returned twice: two used entries with its head"},
	/* 2.7.8.2: "The device MUST write at least len bytes". */
	[F_USED_LEN_OVER] = {"used-len-over", "2.7.8.2",
			     "used.len is 512 more than the chain's device-writable bytes"},
	/* Not a violation: 2.7.8.2 lets len be an underestimate ("MAY write
	 * more than len bytes"); a check must pass on it. */
	[F_USED_LEN_UNDER] = {"used-len-under", "2.7.8.2",
			      "used.len is one less than the bytes written (allowed by the spec: "
			      "a negative control)"},
	/* 2.7.8: idx "indicates where the device would put the next descriptor
	 * entry": it advances by one per entry written. */
	[F_USED_IDX_SKIP] = {"used-idx-skip", "2.7.8",
			     "used.idx advances by 2 for one entry (the skipped slot is left as it was)"},
	/* 2.7.10.2: "The device MUST set flags to 0 or 1" (0 with EVENT_IDX). */
	[F_USED_FLAGS] = {"used-flags", "2.7.10.2", "used.flags is set to 2"},
	/* 2.7.5.1: "A device MUST NOT write to a device-readable buffer". */
	[F_WRITE_READABLE] = {"write-readable", "2.7.5.1",
			      "the last byte of every device-readable buffer is inverted after "
			      "the request is done"},
	/* 2.7.5.1: "A device MUST NOT write to any descriptor table entry." */
	[F_WRITE_DESC_TABLE] = {"write-desc-table", "2.7.5.1",
				"the len of each chain's head descriptor is increased by 1"},
	/* 2.7.7.2: "If flags is 0, the device MUST send a notification" (and
	 * with EVENT_IDX when idx was equal to used_event). */
	[F_NO_NOTIFY] = {"no-notify", "2.7.7.2", "the call eventfd is never signalled"},
	/* 2.7.7.2: flags 1, or idx not equal to used_event: "the device SHOULD
	 * NOT send a notification". */
	[F_NOTIFY_SUPPRESSED] = {"notify-suppressed", "2.7.7.2",
				 "a notification after every completion, even when flags or "
				 "used_event suppress it"},
	/* 2.7.5.3.2: "The device MUST handle the case of zero or more normal
	 * chained descriptors followed by a single descriptor with INDIRECT". */
	[F_IGNORE_INDIRECT] = {"ignore-indirect", "2.7.5.3.2",
			       "INDIRECT_DESC is offered, but a chain with an indirect table is "
			       "returned with used.len 0, none of its buffers read or written"},
	/* 2.7.4.1: "The device MUST NOT make assumptions about the particular
	 * arrangement of descriptors." */
	[F_SPLIT_HEADER] = {"split-header", "2.7.4.1",
			    "IOERR unless the 16-byte header is alone in the first descriptor and "
			    "the status byte alone in the last"},
	/* Liveness: every request the device takes is completed (issue 18's
	 * liveness check; 2.7.8: used ring returns the buffers). */
	[F_HANG] = {"hang", "2.7.8", "requests are taken from the ring and never completed"},
	/* 2.4.1: "MUST NOT send notifications or interact with the queues after
	 * indicating completion of the reset". */
	[F_COMPLETE_AFTER_RESET] = {"complete-after-reset", "2.4.1",
				    "requests are held until the ring is stopped (device reset), "
				    "then completed 200 ms after the stop"},
	/* 6.2: "If VIRTIO_F_IN_ORDER has been negotiated, a device MUST use
	 * buffers in the same order in which they have been available."  QEMU 7.2
	 * never offers IN_ORDER for vhost-user-blk: without it this order is
	 * allowed (a negative control). */
	[F_OUT_OF_ORDER] = {"out-of-order", "6.2",
			    "each batch of available requests is completed last first"},
	/* 2.7.10.2: "The device MUST handle spurious notifications from the
	 * driver." */
	[F_SPURIOUS_USED] = {"spurious-used", "2.7.10.2",
			     "a kick that makes nothing new available returns the last chain "
			     "returned once more (used.len 0)"},
	/* 2.8.10: RING_EVENT_FLAGS_DESC, "Event will only trigger when this
	 * descriptor is made available/used" (packed rings). */
	[F_DESC_AS_ENABLE] = {"desc-as-enable", "2.8.10",
			      "packed: the Driver Event Suppression flags RING_EVENT_FLAGS_DESC are "
			      "taken as ENABLE (a notification after every used descriptor)"},
	/* 2.8.3: in a used descriptor, WRITE "is used to specify whether any
	 * data has been written by the device" (packed rings). */
	[F_NO_WRITE_FLAG] = {"no-write-flag", "2.8.3",
			     "packed: used descriptors carry no VIRTQ_DESC_F_WRITE although the device "
			     "wrote into the buffer"},
	/* The block requests the spec describes in prose only (5.2.6: GET_ID
	 * "the device ID string", UNSUPP for an unsupported request, IOERR for
	 * a device or driver error): the exercise's expectations (info). */
	[F_GET_ID_UNSUPP] = {"get-id-unsupp", "5.2.6",
			     "VIRTIO_BLK_T_GET_ID answered VIRTIO_BLK_S_UNSUPP (no device ID)"},
	[F_UNKNOWN_OK] = {"unknown-ok", "5.2.6",
			  "a request type the spec does not define answered VIRTIO_BLK_S_OK"},
	[F_OUT_OF_RANGE_OK] = {"out-of-range-ok", "5.2.6",
			       "a READ past the capacity answered VIRTIO_BLK_S_OK, zeros written"},
	/* 5.2.6.2: "MUST set the status byte to VIRTIO_BLK_S_IOERR for a write
	 * request if the VIRTIO_BLK_F_RO feature if offered, and MUST NOT write
	 * any data". */
	/* --rng, 5.4.6.2: "The device MUST place one or more random bytes into
	 * the buffer". */
	[F_NO_ENTROPY] = {"no-entropy", "5.4.6.2",
			  "--rng: an entropy request returned with used.len 0, nothing written"},
	/* --scsi, 5.6.6.1.1: "VIRTIO_SCSI_S_BAD_TARGET if the request was
	 * never processed because the target indicated by lun does not exist". */
	[F_BAD_TARGET_FAILURE] = {"bad-target-failure", "5.6.6.1.1",
				  "--scsi: TEST UNIT READY to an absent target answered "
				  "VIRTIO_SCSI_S_FAILURE, not VIRTIO_SCSI_S_BAD_TARGET"},
	/* Not a violation: 5.6.6.1 lists VIRTIO_SCSI_S_TARGET_FAILURE among the
	 * responses ("the target is suffering a failure"); nothing the
	 * exercise judges may fail on it (a negative control). */
	[F_TARGET_FAILURE] = {"target-failure", "5.6.6.1",
			      "--scsi: every command to target 0 answered "
			      "VIRTIO_SCSI_S_TARGET_FAILURE (allowed: a negative control)"},
	/* --net, 5.1.6.4.1: "If VIRTIO_NET_F_MRG_RXBUF has not been negotiated,
	 * the device MUST set num_buffers to 1." */
	[F_NUM_BUFFERS_TWO] = {"num-buffers-two", "5.1.6.4.1",
			       "--net: the received frame's header carries num_buffers 2, "
			       "VIRTIO_NET_F_MRG_RXBUF never offered"},
	[F_RO_WRITES] = {"ro-writes", "5.2.6.2",
			 "VIRTIO_BLK_F_RO is offered, writes are still stored and answered OK"},
	/* 5.2.5.2: "MUST offer it [FLUSH] if they offer VIRTIO_BLK_F_CONFIG_WCE";
	 * the one feature dependency a vhost-user-blk back-end can break
	 * through QEMU (2.2.2). */
	[F_WCE_NO_FLUSH] = {"wce-no-flush", "5.2.5.2",
			    "VIRTIO_BLK_F_CONFIG_WCE offered without VIRTIO_BLK_F_FLUSH"},
	/* 5.2.5.2: "The device MUST initialize padding bytes unused0 and unused1 to 0." */
	[F_CONFIG_PADDING] = {"config-padding", "5.2.5.2",
			      "unused0 reads 0xa5 and unused1 0x5a 0x5a 0x5a"},
	/* 6.2: "A device MUST offer VIRTIO_F_VERSION_1." */
	[F_NO_VERSION1] = {"no-version1", "6.2", "VIRTIO_F_VERSION_1 is left out of GET_FEATURES"},
	/* --pci-proxy only: the registers QEMU keeps for a vhost-user device. */
	/* 2.4.1: "A device MUST reinitialize device status to 0 after receiving a reset." */
	[F_RESET_STATUS_STUCK] = {"reset-status-stuck", "2.4.1",
				  "--pci-proxy: device_status keeps its value when 0 is written "
				  "(the reset never completes)"},
	/* 4.1.4.3.1: "The device MUST present a 0 in queue_enable on reset." */
	[F_RESET_QUEUE_ENABLE] = {"reset-queue-enable", "4.1.4.3.1",
				  "--pci-proxy: queue_enable keeps reading 1 after a reset"},
	/* 4.1.5.1.2.1: "The device MUST have all queue and configuration
	 * change events unmapped upon reset." */
	[F_RESET_VECTORS] = {"reset-vectors", "4.1.5.1.2.1",
			     "--pci-proxy: config_msix_vector and queue_msix_vector keep their "
			     "vectors after a reset"},
	/* 4.1.4.3.1: "The device MUST present the feature bits it is offering
	 * in device_feature ... for any device_feature_select written". */
	[F_DEVICE_FEATURE_FLAKY] = {"device-feature-flaky", "4.1.4.3.1",
				    "--pci-proxy: every second read of device_feature reads 0"},
	/* 2.2.2: "The device SHOULD NOT fail re-negotiation of the same set of
	 * features after a device or system reset." */
	[F_FEATURES_OK_ONCE] = {"features-ok-once", "2.2.2",
				"--pci-proxy: FEATURES_OK refused once for a set accepted before "
				"the last reset (the next try is accepted)"},
	/* 4.1.4.3.1: "The device MUST present any valid feature bits the
	 * driver has written in driver_feature". */
	[F_DRIVER_FEATURE_LOST] = {"driver-feature-lost", "4.1.4.3.1",
				   "--pci-proxy: driver_feature reads 0 for driver_feature_select 1 "
				   "(the bits written are still used)"},
	/* 4.1.4.3.1: "The device MUST present a 0 in queue_size if the
	 * virtqueue corresponding to the current queue_select is unavailable." */
	[F_QUEUE_SIZE_ABSENT] = {"queue-size-absent", "4.1.4.3.1",
				 "--pci-proxy: queue_size reads 256 for a queue_select beyond "
				 "num_queues"},
	/* 4.1.3.2: "the device MUST allow driver independent access to high
	 * and low 32-bit parts of the field". */
	[F_CONFIG_64BIT_LATCH] = {"config-64bit-latch", "4.1.3.2",
				  "--pci-proxy: the high half of capacity reads what the last read "
				  "of its low half latched, once, and 0xffffffff without one"},
	/* 4.1.4.9.1: pci_cfg_data reads "cap.length at offset cap.offset at
	 * BAR selected by cap.bar". */
	[F_PCI_CFG_WINDOW_ALIGNED] = {"pci-cfg-window-aligned", "4.1.4.9.1",
				      "--pci-proxy: the PCI configuration access window reads at "
				      "cap.offset rounded down to 16"},
	/* 4.1.4.5.1: "The device MUST reset ISR status to 0 on driver read." */
	[F_ISR_STICKY] = {"isr-sticky", "4.1.4.5.1", "--pci-proxy: reading ISR status does not clear it"},
	/* 4.1.5.1.2.1: "Device MUST support mapping any event type to any valid
	 * vector 0 to MSI-X Table Size." */
	[F_VECTOR_ZERO_ONLY] = {"vector-zero-only", "4.1.5.1.2.1",
				"--pci-proxy: only vector 0 can be mapped; any other reads back "
				"NO_VECTOR"},
	/* 4.1.5.1.2.1: "Devices MUST report mapping failures by returning the
	 * NO_VECTOR value". */
	[F_VECTOR_UNCHECKED] = {"vector-unchecked", "4.1.5.1.2.1",
				"--pci-proxy: a vector beyond the MSI-X table reads back as written"},
	/* 4.1.5.3.1: "If MSI-X capability is enabled and queue_msix_vector is
	 * NO_VECTOR for a virtqueue, the device MUST NOT deliver an interrupt
	 * for that virtqueue." */
	[F_NO_VECTOR_IRQ] = {"no-vector-irq", "4.1.5.3.1",
			     "--pci-proxy: a queue mapped to NO_VECTOR interrupts on vector 0"},
	/* 2.1.2: "If DRIVER_OK is set, after it sets DEVICE_NEEDS_RESET, the
	 * device MUST send a device configuration change notification". */
	[F_NEEDS_RESET_SILENT] = {"needs-reset-silent", "2.1.2",
				  "--pci-proxy: a chain the device cannot follow sets "
				  "DEVICE_NEEDS_RESET without a configuration change notification"},
	/* 5.6.4.2: "On reset, the device MUST set sense_size to 96 and
	 * cdb_size to 32." */
	[F_SCSI_SIZES_KEPT] = {"scsi-sizes-kept", "5.6.4.2",
			       "--pci-proxy --scsi: sense_size and cdb_size keep what the driver "
			       "wrote across a reset"},
	/* 5.1.6.5.2.1: "The device MUST update mac in config space before it
	 * consumes the VIRTIO_NET_CTRL_MAC_ADDR_SET command". */
	[F_MAC_SET_REVERSED] = {"mac-set-reversed", "5.1.6.5.2.1",
				"--pci-proxy --net: VIRTIO_NET_CTRL_MAC_ADDR_SET stores the address "
				"with its bytes reversed"},
	/* 5.3.5.1: "The device MUST allow a write to emerg_wr, even on an
	 * unconfigured device." */
	[F_EMERG_UNCONFIGURED] = {"emerg-unconfigured", "5.3.5.1",
				  "--pci-proxy --console: a write to emerg_wr while device_status is "
				  "0 sets DEVICE_NEEDS_RESET"},
	/* 4.1.5.1.2: a driver maps events to vectors by writing
	 * queue_msix_vector; a device that takes a new mapping only at the
	 * next DRIVER_OK (as QEMU 7.2's vhost devices do) leaves a driver's
	 * remap at run time unheard.  The exercise does not fail it: it says
	 * why it cannot judge (exercise-event-idx-notify NOT RUN). */
	[F_VECTOR_REMAP_IGNORED] = {"vector-remap-ignored", "4.1.5.1.2",
				    "--pci-proxy: queue_msix_vector written while DRIVER_OK reads back, "
				    "but the queue interrupts on the vector of DRIVER_OK"},
};

/* ------------------------------------------------------------ state */
struct region {
	uint64_t gpa, size, uva;
	uint8_t *host;  /* where gpa is mapped here */
	void *map;      /* what munmap takes */
	size_t map_len;
};

struct held {
	uint16_t head; /* split: the chain's head; packed: its Buffer ID */
	uint32_t len;
	uint16_t ndesc; /* packed: the ring slots the list took */
};

struct vq {
	unsigned num;
	uint64_t desc_uva, avail_uva, used_uva;
	uint8_t *desc, *avail, *used; /* NULL until the addresses translate */
	/* split: avail and used indices; packed: slots, with the wrap
	 * counters below (2.8.1) */
	uint16_t last_avail, used_idx;
	bool packed, avail_wrap, used_wrap;
	int kick, call, err;
	bool started, enabled, broken;
	bool returned; /* a chain was returned since the start: last_head */
	bool frame_sent; /* --net: the receive queue's frame of this start */
	/* A start (SET_VRING_KICK, SET_VRING_ENABLE) serves what is already
	 * available, but only once every message QEMU sent has been read:
	 * QEMU 7.2 sends the call eventfd after the ring is enabled, and a
	 * chain served before it would be notified on the old one. */
	bool serve_pending;
	uint16_t last_head;
	struct held held[QUEUE_SIZE_MAX];
	unsigned nheld;
	struct timespec late; /* complete-after-reset: when to complete */
	bool late_pending;
};

static struct {
	/* options */
	const char *socket_path, *serial;
	uint64_t size;
	unsigned queues;
	bool fault[F_COUNT], armed, read_only, event_idx_off, indirect_off, packed;
	bool rng;            /* --rng: a vhost-user-rng device (5.4) instead */
	bool scsi;           /* --scsi: a vhost-user-scsi host (5.6) instead */
	bool net;            /* --net: a virtio-net's queue pair (5.1) instead */
	bool console;        /* --console: a virtio-console's port 0 (5.3), --pci-proxy only */
	bool pci;            /* --pci-proxy: the whole PCI function, not QEMU's vhost-user */
	bool in_order;       /* --in-order: VIRTIO_F_IN_ORDER offered */
	uint64_t rng_state;  /* its xorshift64 generator */
	int verbose;
	/* the disk */
	uint8_t *disk;
	uint8_t config[BLK_CFG_SIZE]; /* the device configuration (blk; scsi with --pci-proxy) */
	/* the session */
	uint64_t features, acked, protocol, acked_protocol;
	struct region regions[VU_MAX_REGIONS];
	unsigned nregions;
	struct vq vq[MAX_QUEUES];
	bool arm_pending, disarm_pending;
	bool serving_packed; /* the ring being served is packed */
	/* counts */
	unsigned long requests, writes, notified, suppressed, against, applied[F_COUNT];
	unsigned long queue_requests[MAX_QUEUES]; /* requests served, per queue */
} S;

void fb_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("faulty-blk: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void fb_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("faulty-blk: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* A fault that is switched on and, for the ring faults, armed; with
 * --packed, on packed rings only (a driver's split session of the same
 * device is served cleanly). */
static bool on(enum fault f)
{
	return S.fault[f] && S.armed && (!S.packed || S.serving_packed);
}

bool fb_fault(enum fault f)
{
	return S.fault[f] && S.armed;
}

void fb_applied(enum fault f, const char *fmt, ...)
{
	va_list ap;

	if (S.applied[f]++ >= LOG_FIRST && !S.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "faulty-blk: fault %s: ", faults[f].name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ------------------------------------------------------------ the disk */
static void fill_pattern(void)
{
	static const char hex[] = "0123456789abcdef";

	for (uint64_t o = 0; o < S.size; o += 16) {
		uint8_t *p = S.disk + o;

		for (int i = 0; i < 12; i++)
			p[i] = (uint8_t)hex[(o >> (4 * (11 - i))) & 0xf];
		memcpy(p + 12, " fb\n", 4);
	}
}

void put_le16(uint8_t *p, uint16_t v)
{
	v = htole16(v);
	memcpy(p, &v, 2);
}
void put_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}
static void put_le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static uint64_t device_features(void)
{
	/* virtio-rng defines no feature bits (5.4.3); the SCSI host offers none
	 * of its own (5.6.3), nor the network queue pair (QEMU offers its own
	 * bits: MAC, CTRL_VQ; 5.1.3) */
	uint64_t f = S.rng || S.scsi || S.net || S.console
			     ? 1ull << VLP_F_VERSION_1 | 1ull << VU_F_PROTOCOL_FEATURES
			   : 1ull << VLP_BLK_F_SIZE_MAX | 1ull << VLP_BLK_F_SEG_MAX |
				     1ull << VLP_BLK_F_BLK_SIZE | 1ull << VLP_BLK_F_FLUSH |
				     1ull << VLP_BLK_F_CONFIG_WCE | 1ull << VLP_F_VERSION_1 |
				     1ull << VU_F_PROTOCOL_FEATURES;

	if (!S.indirect_off)
		f |= 1ull << VLP_F_INDIRECT_DESC;
	if (!S.event_idx_off)
		f |= 1ull << VLP_F_EVENT_IDX;
	if (S.queues > 1 && !S.scsi && !S.net) /* a block device's request queues */
		f |= 1ull << VLP_BLK_F_MQ;
	if (S.packed)
		f |= 1ull << VLP_F_RING_PACKED;
	if (S.read_only || S.fault[F_RO_WRITES])
		f |= 1ull << VLP_BLK_F_RO;
	if (S.fault[F_WCE_NO_FLUSH])
		f &= ~(1ull << VLP_BLK_F_FLUSH);
	if (S.in_order)
		f |= 1ull << VLP_F_IN_ORDER;
	/* the network device's own configuration and control queue (5.1.3) */
	if (S.net && S.pci)
		f |= 1ull << VLP_NET_F_MAC | 1ull << VLP_NET_F_CTRL_VQ | 1ull << VLP_NET_F_CTRL_MAC_ADDR;
	if (S.console)
		f |= 1ull << VLP_CONSOLE_F_EMERG_WRITE;
	if (S.fault[F_NO_VERSION1])
		f &= ~(1ull << VLP_F_VERSION_1);
	/* the vhost-user protocol's own bit, not a device feature */
	if (S.pci)
		f &= ~(1ull << VU_F_PROTOCOL_FEATURES);
	return f;
}

static bool offered(unsigned bit)
{
	return S.features >> bit & 1;
}

static void fill_config(void)
{
	uint8_t *c = S.config;

	memset(c, 0, sizeof(S.config));
	if (S.net) {
		memcpy(c + NET_CFG_MAC, NET_DEVICE_MAC, 6);
		return;
	}
	if (S.console) /* no size, one port: emerg_wr alone matters (5.3.4) */
		return;
	if (S.scsi) {
		/* one request queue, target 0 LUN 0 (5.6.4) */
		put_le32(c + SCSI_CFG_NUM_QUEUES, 1);
		put_le32(c + SCSI_CFG_SEG_MAX, 126);
		put_le32(c + SCSI_CFG_MAX_SECTORS, 0xffff);
		put_le32(c + SCSI_CFG_CMD_PER_LUN, 128);
		put_le32(c + SCSI_CFG_SENSE_SIZE, VLP_SCSI_SENSE_DEFAULT);
		put_le32(c + SCSI_CFG_CDB_SIZE, VLP_SCSI_CDB_DEFAULT);
		put_le16(c + SCSI_CFG_MAX_TARGET, 255);
		put_le32(c + SCSI_CFG_MAX_LUN, 16383);
		return;
	}
	put_le64(c + BLK_CFG_CAPACITY, S.size / VLP_BLK_SECTOR);
	put_le32(c + BLK_CFG_SIZE_MAX, 65536);
	put_le32(c + BLK_CFG_SEG_MAX, 126); /* 5.2.4: segments in a request */
	put_le32(c + BLK_CFG_BLK_SIZE, VLP_BLK_SECTOR);
	c[BLK_CFG_WRITEBACK] = 1;
	put_le16(c + BLK_CFG_NUM_QUEUES, (uint16_t)S.queues);
	if (S.fault[F_CONFIG_PADDING]) {
		c[BLK_CFG_UNUSED0] = 0xa5;
		memset(c + BLK_CFG_UNUSED1, 0x5a, 3);
	}
}

/* ------------------------------------------------------------ memory */
static void unmap_all(void)
{
	for (unsigned i = 0; i < S.nregions; i++)
		munmap(S.regions[i].map, S.regions[i].map_len);
	S.nregions = 0;
}

/* Guest-physical address range -> here, or NULL when not inside one region. */
static uint8_t *gpa_ptr(uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < S.nregions; i++) {
		const struct region *r = &S.regions[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
			return r->host + (gpa - r->gpa);
	}
	return NULL;
}

/* QEMU's own virtual address (SET_VRING_ADDR) -> here. */
static uint8_t *uva_ptr(uint64_t uva, uint64_t len)
{
	for (unsigned i = 0; i < S.nregions; i++) {
		const struct region *r = &S.regions[i];

		if (uva >= r->uva && uva - r->uva < r->size && len <= r->size - (uva - r->uva))
			return r->host + (uva - r->uva);
	}
	return NULL;
}

static int set_mem_table(const uint8_t *p, uint32_t size, const int *fds, unsigned nfds)
{
	uint32_t n;
	long page = sysconf(_SC_PAGESIZE);

	if (size < 8)
		return -1;
	memcpy(&n, p, 4);
	if (n > VU_MAX_REGIONS || size < 8 + n * sizeof(struct vu_region) || nfds != n)
		return -1;
	unmap_all();
	for (unsigned i = 0; i < n; i++) {
		struct vu_region r;
		struct region *m = &S.regions[i];
		uint64_t off;

		memcpy(&r, p + 8 + i * sizeof(r), sizeof(r));
		off = r.mmap_offset & ~(uint64_t)(page - 1);
		m->map_len = (size_t)(r.size + (r.mmap_offset - off));
		m->map = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], (off_t)off);
		if (m->map == MAP_FAILED) {
			fb_log("SET_MEM_TABLE: region %u: mmap: %s", i, strerror(errno));
			S.nregions = i;
			return -1;
		}
		m->host = (uint8_t *)m->map + (r.mmap_offset - off);
		m->gpa = r.guest_addr;
		m->size = r.size;
		m->uva = r.user_addr;
		S.nregions = i + 1;
		if (S.verbose)
			fb_log("region %u: guest 0x%" PRIx64 " size 0x%" PRIx64 " user 0x%" PRIx64, i,
			       r.guest_addr, r.size, r.user_addr);
	}
	return 0;
}

/* ------------------------------------------------------------ rings */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next; /* next: split only */
	uint16_t id;          /* packed only: the Buffer ID (2.8.13) */
};
struct seg {
	uint8_t *p;
	uint32_t len;
	bool writable;
};
struct chain {
	struct seg seg[MAX_SEGS];
	unsigned n;
	uint64_t rlen, wlen;
	bool indirect;
	int second; /* a descriptor of the main table after the head, -1 if none */
};

static uint16_t ld16(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE));
}
static void st16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, htole16(v), __ATOMIC_RELEASE);
}
static struct desc desc_at(const uint8_t *table, unsigned i)
{
	struct desc d;

	memcpy(&d, table + 16 * i, 16);
	d.addr = le64toh(d.addr);
	d.len = le32toh(d.len);
	d.flags = le16toh(d.flags);
	d.next = le16toh(d.next);
	return d;
}

static int add_seg(struct chain *c, const struct desc *d)
{
	uint8_t *p;

	if (c->n == MAX_SEGS)
		return -1;
	p = gpa_ptr(d->addr, d->len);
	if (!p && d->len)
		return -1;
	c->seg[c->n++] = (struct seg){p, d->len, d->flags & VLP_DESC_F_WRITE};
	if (d->flags & VLP_DESC_F_WRITE)
		c->wlen += d->len;
	else
		c->rlen += d->len;
	return 0;
}

/* The chain at head: its buffers in order.  -1 for a chain the device
 * cannot follow (out-of-range next, a loop, an address outside the guest's
 * memory, a nested indirect table). */
static int walk(const struct vq *q, uint16_t head, struct chain *c)
{
	unsigned i = head, steps = 0;

	c->n = 0;
	c->rlen = c->wlen = 0;
	c->indirect = false;
	c->second = -1;
	for (;;) {
		struct desc d;

		if (i >= q->num || ++steps > q->num)
			return -1;
		d = desc_at(q->desc, i);
		if (i != head && c->second < 0)
			c->second = (int)i;
		if (d.flags & VLP_DESC_F_INDIRECT) {
			const uint8_t *t;
			unsigned n = d.len / 16, j = 0, k = 0;

			/* 2.7.5.3.1: the indirect descriptor ends the chain. */
			if (d.flags & VLP_DESC_F_NEXT || !n || d.len % 16)
				return -1;
			t = gpa_ptr(d.addr, d.len);
			if (!t)
				return -1;
			c->indirect = true;
			for (;;) {
				struct desc e;

				if (j >= n || ++k > n)
					return -1;
				e = desc_at(t, j);
				if (e.flags & VLP_DESC_F_INDIRECT || add_seg(c, &e))
					return -1;
				if (!(e.flags & VLP_DESC_F_NEXT))
					return 0;
				j = e.next;
			}
		}
		if (add_seg(c, &d))
			return -1;
		if (!(d.flags & VLP_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

/* A packed descriptor (2.8.13): addr, len, Buffer ID, flags. */
static struct desc pdesc_at(const uint8_t *ring, unsigned i)
{
	struct desc d;

	d.flags = ld16(ring + 16 * i + 14); /* first, with acquire (2.8.15) */
	memcpy(&d.addr, ring + 16 * i, 8);
	memcpy(&d.len, ring + 16 * i + 8, 4);
	memcpy(&d.id, ring + 16 * i + 12, 2);
	d.addr = le64toh(d.addr);
	d.len = le32toh(d.len);
	d.id = le16toh(d.id);
	d.next = 0;
	return d;
}

/* 2.8.1: available when AVAIL is the Driver Ring Wrap Counter and USED is
 * not. */
static bool packed_avail(const struct vq *q)
{
	uint16_t f = ld16(q->desc + 16 * q->last_avail + 14);

	return !(f & VLP_DESC_F_AVAIL) == !q->avail_wrap && !(f & VLP_DESC_F_USED) != !q->avail_wrap;
}

/* Moves a packed ring position n slots on, flipping its wrap counter
 * where it passes the end (2.8.1). */
static void advance(const struct vq *q, uint16_t *slot, bool *wrap, unsigned n)
{
	unsigned s = *slot + n;

	if (s >= q->num) {
		s -= q->num;
		*wrap = !*wrap;
	}
	*slot = (uint16_t)s;
}

/* The list made available at slot (2.8.6: NEXT links the following slots;
 * 2.8.7: an indirect table's entries are all the list's buffers): *ndesc
 * the slots it takes, *id its Buffer ID (the last descriptor's).  -1 for a
 * list the device cannot follow. */
static int walk_packed(const struct vq *q, uint16_t slot, struct chain *c, unsigned *ndesc,
		       uint16_t *id)
{
	c->n = 0;
	c->rlen = c->wlen = 0;
	c->indirect = false;
	c->second = -1;
	for (unsigned k = 0; k < q->num; k++) {
		unsigned i = (slot + k) % q->num;
		struct desc d = pdesc_at(q->desc, i);

		if (k == 1)
			c->second = (int)i;
		if (d.flags & VLP_DESC_F_INDIRECT) {
			unsigned n = d.len / 16;
			const uint8_t *t;

			if (d.flags & VLP_DESC_F_NEXT || !n || d.len % 16 || !(t = gpa_ptr(d.addr, d.len)))
				return -1;
			c->indirect = true;
			for (unsigned j = 0; j < n; j++) {
				struct desc e = pdesc_at(t, j);

				if (e.flags & VLP_DESC_F_INDIRECT || add_seg(c, &e))
					return -1;
			}
		} else if (add_seg(c, &d)) {
			return -1;
		}
		if (!(d.flags & VLP_DESC_F_NEXT)) {
			*ndesc = k + 1;
			*id = d.id;
			return 0;
		}
	}
	return -1;
}

/* Copy between a flat buffer and the readable (or writable) bytes of a chain,
 * starting `off` bytes into them. */
static void chain_copy(struct chain *c, bool writable, uint64_t off, uint8_t *buf, uint64_t len,
		       bool to_chain)
{
	for (unsigned i = 0; i < c->n && len; i++) {
		struct seg *s = &c->seg[i];
		uint64_t n;

		if (s->writable != writable)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len ? s->len - off : len;
		if (to_chain)
			memcpy(s->p + off, buf, n);
		else
			memcpy(buf, s->p + off, n);
		buf += n;
		len -= n;
		off = 0;
	}
}

static uint8_t blk_io(struct chain *c, uint32_t type, uint64_t sector, uint32_t *written)
{
	uint64_t off, dlen;

	switch (type) {
	case VLP_BLK_T_IN:
		dlen = c->wlen - 1;
		if (dlen % VLP_BLK_SECTOR)
			return VLP_BLK_S_IOERR;
		if (sector > S.size / VLP_BLK_SECTOR || dlen > S.size - sector * VLP_BLK_SECTOR) {
			static uint8_t zero[VLP_BLK_SECTOR];

			if (!on(F_OUT_OF_RANGE_OK))
				return VLP_BLK_S_IOERR;
			for (uint64_t at = 0; at < dlen; at += VLP_BLK_SECTOR)
				chain_copy(c, true, at, zero, VLP_BLK_SECTOR, true);
			fb_applied(F_OUT_OF_RANGE_OK,
				   "READ of %" PRIu64 " bytes at sector %" PRIu64 " past the capacity: OK",
				   dlen, sector);
			*written = (uint32_t)dlen + 1;
			return VLP_BLK_S_OK;
		}
		chain_copy(c, true, 0, S.disk + sector * VLP_BLK_SECTOR, dlen, true);
		*written = (uint32_t)dlen + 1;
		return VLP_BLK_S_OK;
	case VLP_BLK_T_OUT:
		dlen = c->rlen - BLK_HDR_SIZE;
		if (dlen >= sizeof(CONTROL_ARM) - 1) {
			char line[32] = {0};

			chain_copy(c, false, BLK_HDR_SIZE, (uint8_t *)line, sizeof(line) - 1, false);
			if (!strncmp(line, CONTROL_ARM, sizeof(CONTROL_ARM) - 1)) {
				S.arm_pending = true;
				return VLP_BLK_S_OK;
			}
			if (!strncmp(line, CONTROL_DISARM, sizeof(CONTROL_DISARM) - 1)) {
				S.disarm_pending = true;
				return VLP_BLK_S_OK;
			}
		}
		if (offered(VLP_BLK_F_RO) && !S.fault[F_RO_WRITES])
			return VLP_BLK_S_IOERR;
		if (dlen % VLP_BLK_SECTOR || sector > S.size / VLP_BLK_SECTOR ||
		    dlen > S.size - sector * VLP_BLK_SECTOR)
			return VLP_BLK_S_IOERR;
		if (offered(VLP_BLK_F_RO))
			fb_applied(F_RO_WRITES, "wrote %" PRIu64 " bytes at sector %" PRIu64
					     " of a read-only device, status OK", dlen, sector);
		off = sector * VLP_BLK_SECTOR;
		chain_copy(c, false, BLK_HDR_SIZE, S.disk + off, dlen, false);
		S.writes++;
		return VLP_BLK_S_OK;
	case VLP_BLK_T_FLUSH:
		return offered(VLP_BLK_F_FLUSH) ? VLP_BLK_S_OK : VLP_BLK_S_UNSUPP;
	case VLP_BLK_T_GET_ID: {
		uint8_t id[VLP_BLK_ID_BYTES] = {0};

		if (on(F_GET_ID_UNSUPP)) {
			fb_applied(F_GET_ID_UNSUPP, "GET_ID answered UNSUPP");
			return VLP_BLK_S_UNSUPP;
		}
		uint64_t n = c->wlen - 1 < VLP_BLK_ID_BYTES ? c->wlen - 1 : VLP_BLK_ID_BYTES;

		memcpy(id, S.serial, strnlen(S.serial, VLP_BLK_ID_BYTES));
		chain_copy(c, true, 0, id, n, true);
		*written = (uint32_t)n + 1;
		return VLP_BLK_S_OK;
	}
	default:
		if (on(F_UNKNOWN_OK)) {
			fb_applied(F_UNKNOWN_OK, "request type %" PRIu32 " answered OK", type);
			return VLP_BLK_S_OK;
		}
		return VLP_BLK_S_UNSUPP;
	}
}

/* --rng: an entropy request (5.4.6), its device-writable bytes filled from
 * a xorshift64 generator (bytes for tests, not entropy); the used.len. */
static uint32_t serve_entropy(uint16_t head, struct chain *c)
{
	uint8_t bytes[256];

	if (on(F_NO_ENTROPY)) {
		fb_applied(F_NO_ENTROPY, "chain %u: used.len 0 for %" PRIu64 " writable bytes", head,
			   c->wlen);
		return 0;
	}
	for (uint64_t at = 0; at < c->wlen; at += sizeof(bytes)) {
		uint64_t n = c->wlen - at < sizeof(bytes) ? c->wlen - at : sizeof(bytes);

		for (size_t i = 0; i < n; i++) {
			S.rng_state ^= S.rng_state << 13;
			S.rng_state ^= S.rng_state >> 7;
			S.rng_state ^= S.rng_state << 17;
			bytes[i] = (uint8_t)S.rng_state;
		}
		chain_copy(c, true, at, bytes, n, true);
	}
	return (uint32_t)c->wlen;
}

/* --scsi: a command on a request queue (5.6.6).  QEMU keeps the
 * configuration of a vhost-user-scsi and ends the VM on a changed
 * sense_size or cdb_size, so both are the defaults here. */
static uint32_t serve_scsi_cmd(uint16_t head, struct chain *c)
{
	uint8_t req[VLP_SCSI_REQ_HDR + VLP_SCSI_CDB_DEFAULT];
	uint8_t resp[VLP_SCSI_RESP_HDR + VLP_SCSI_SENSE_DEFAULT] = {0};
	uint8_t data[VLP_SCSI_INQUIRY_LEN] = {0}, *sense = resp + VLP_SCSI_RESP_HDR;
	const uint8_t *cdb = req + VLP_SCSI_REQ_HDR, *lun = req + SCSI_REQ_LUN;
	uint32_t dlen = 0, room, lun_nr;
	uint8_t asc = 0; /* CHECK CONDITION's additional sense code, 0: GOOD */

	if (c->rlen < sizeof(req) || c->wlen < sizeof(resp)) {
		fb_log("chain %u: no room for the command (%" PRIu64 " readable bytes) or its "
		       "response (%" PRIu64 " writable)", head, c->rlen, c->wlen);
		return 0;
	}
	chain_copy(c, false, 0, req, sizeof(req), false);
	lun_nr = (uint32_t)(lun[2] << 8 | lun[3]) & 0x3fff; /* 5.6.6: the LUN's flat format */
	if (S.verbose > 1)
		fb_log("chain %u: target %u LUN %u, command 0x%02x", head, lun[1], lun_nr, cdb[0]);
	if (lun[0] != 1 || lun[1] != 0) {
		resp[VLP_SCSI_RESP_RESPONSE] = VLP_SCSI_S_BAD_TARGET;
		if (cdb[0] == VLP_SCSI_OP_TEST_UNIT_READY && on(F_BAD_TARGET_FAILURE)) {
			fb_applied(F_BAD_TARGET_FAILURE, "chain %u: TEST UNIT READY to absent target %u: "
				   "VIRTIO_SCSI_S_FAILURE", head, lun[1]);
			resp[VLP_SCSI_RESP_RESPONSE] = VLP_SCSI_S_FAILURE;
		}
	} else if (on(F_TARGET_FAILURE)) {
		fb_applied(F_TARGET_FAILURE, "chain %u: command 0x%02x to target 0: "
			   "VIRTIO_SCSI_S_TARGET_FAILURE", head, cdb[0]);
		resp[VLP_SCSI_RESP_RESPONSE] = SCSI_S_TARGET_FAILURE;
	} else if (cdb[0] == VLP_SCSI_OP_INQUIRY && cdb[1] & SCSI_INQUIRY_EVPD) {
		asc = SCSI_ASC_INVALID_FIELD_IN_CDB; /* no vital product data pages */
	} else if (cdb[0] == VLP_SCSI_OP_INQUIRY) {
		/* SPC-4 6.6.2: peripheral qualifier 3 for a LUN that is not
		 * there; LUN 0 is of no device type (0x1f), so no upper driver
		 * binds it.  SPC-3, response data format 2. */
		data[0] = lun_nr ? 0x7f : 0x1f;
		data[2] = 5;
		data[3] = 2;
		data[4] = VLP_SCSI_INQUIRY_LEN - 5;
		memcpy(data + 8, "faulty  faulty-scsi     1   ", 28);
		dlen = (uint32_t)(cdb[3] << 8 | cdb[4]);
		dlen = dlen < VLP_SCSI_INQUIRY_LEN ? dlen : VLP_SCSI_INQUIRY_LEN;
	} else if (cdb[0] == VLP_SCSI_OP_REPORT_LUNS) {
		/* SPC-4 6.33: the list's length (one 8-byte entry, LUN 0), then it */
		data[3] = 8;
		dlen = (uint32_t)cdb[6] << 24 | (uint32_t)cdb[7] << 16 | (uint32_t)cdb[8] << 8 | cdb[9];
		dlen = dlen < 16 ? dlen : 16;
	} else if (cdb[0] != VLP_SCSI_OP_TEST_UNIT_READY || lun_nr) {
		asc = lun_nr ? SCSI_ASC_LUN_NOT_SUPPORTED : SCSI_ASC_INVALID_OPCODE;
	}
	if (asc) {
		resp[VLP_SCSI_RESP_STATUS] = SCSI_CHECK_CONDITION;
		sense[0] = SCSI_SENSE_FIXED;
		sense[2] = SCSI_KEY_ILLEGAL_REQUEST;
		sense[7] = SCSI_SENSE_FIXED_LEN - 8; /* additional sense length */
		sense[12] = asc;
		put_le32(resp + VLP_SCSI_RESP_SENSE_LEN, SCSI_SENSE_FIXED_LEN);
	}
	room = (uint32_t)c->wlen - (uint32_t)sizeof(resp);
	dlen = dlen < room ? dlen : room;
	put_le32(resp + VLP_SCSI_RESP_RESIDUAL, room - dlen);
	chain_copy(c, true, 0, resp, sizeof(resp), true);
	chain_copy(c, true, sizeof(resp), data, dlen, true);
	return (uint32_t)sizeof(resp) + dlen;
}

/* --scsi: a control queue request (5.6.6.2): a task management function
 * (nothing is ever in flight: VIRTIO_SCSI_S_FUNCTION_COMPLETE, 0) or an
 * asynchronous notification query or subscription (no event supported:
 * event_actual 0, VIRTIO_SCSI_S_OK); the answer is all zeros either way. */
static uint32_t serve_scsi_control(uint16_t head, struct chain *c)
{
	uint8_t type[4], answer[5] = {0};
	uint32_t len;

	if (c->rlen < sizeof(type) || !c->wlen) {
		fb_log("control queue: chain %u: no room for the type or the response", head);
		return 0;
	}
	chain_copy(c, false, 0, type, sizeof(type), false);
	len = type[0] == SCSI_T_TMF && !type[1] && !type[2] && !type[3] ? 1 : sizeof(answer);
	len = len < c->wlen ? len : (uint32_t)c->wlen;
	chain_copy(c, true, 0, answer, len, true);
	return len;
}

/* --net with --pci-proxy: a control queue command (5.1.6.5): class, command,
 * data, then the ack byte; VIRTIO_NET_CTRL_MAC_ADDR_SET sets the mac
 * (5.1.6.5.2), anything else VIRTIO_NET_ERR. */
static uint32_t serve_net_control(uint16_t head, struct chain *c)
{
	uint8_t cmd[2 + 6], ack = NET_ERR;

	if (c->rlen < 2 || !c->wlen) {
		fb_log("control queue: chain %u: no room for the command or the ack", head);
		return 0;
	}
	chain_copy(c, false, 0, cmd, c->rlen < sizeof(cmd) ? (uint32_t)c->rlen : sizeof(cmd), false);
	if (cmd[0] == VLP_NET_CTRL_MAC && cmd[1] == VLP_NET_CTRL_MAC_ADDR_SET && c->rlen == sizeof(cmd)) {
		for (unsigned i = 0; i < 6; i++)
			S.config[NET_CFG_MAC + i] = cmd[2 + (on(F_MAC_SET_REVERSED) ? 5 - i : i)];
		if (on(F_MAC_SET_REVERSED))
			fb_applied(F_MAC_SET_REVERSED, "%02x:%02x:%02x:%02x:%02x:%02x stored reversed",
				   cmd[2], cmd[3], cmd[4], cmd[5], cmd[6], cmd[7]);
		ack = VLP_NET_OK;
	}
	chain_copy(c, true, c->wlen - 1, &ack, 1, true);
	return 1;
}

/* Serves one chain; returns the used.len to report. */
static uint32_t serve(struct vq *q, uint16_t head, struct chain *c)
{
	uint8_t hdr[BLK_HDR_SIZE], status;
	uint32_t type, written = 1;
	uint64_t sector;

	S.requests++;
	S.queue_requests[q - S.vq]++;
	if (c->indirect && on(F_IGNORE_INDIRECT)) {
		fb_applied(F_IGNORE_INDIRECT, "chain %u uses an indirect table: returned untouched",
			   head);
		return 0;
	}
	if (S.rng)
		return serve_entropy(head, c);
	if (S.scsi)
		return q - S.vq == VLP_SCSI_CONTROLQ ? serve_scsi_control(head, c)
						 : serve_scsi_cmd(head, c);
	if (S.net && q - S.vq == VLP_NET_CONTROLQ)
		return serve_net_control(head, c);
	if (S.net || S.console) /* a transmitted frame or line: dropped, nothing written */
		return 0;
	/* 5.2.6: a header to read and a status byte to write at the least. */
	if (c->rlen < BLK_HDR_SIZE || c->wlen < 1) {
		fb_log("queue %td: chain %u: no room for the header or the status byte",
		       q - S.vq, head);
		return 0;
	}
	chain_copy(c, false, 0, hdr, BLK_HDR_SIZE, false);
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	type = le32toh(type);
	sector = le64toh(sector);
	if (on(F_SPLIT_HEADER) &&
	    (c->seg[0].writable || c->seg[0].len != BLK_HDR_SIZE || c->seg[c->n - 1].len != 1)) {
		fb_applied(F_SPLIT_HEADER, "chain %u: header or status not in a descriptor of its own: IOERR",
			   head);
		status = VLP_BLK_S_IOERR;
	} else {
		status = blk_io(c, type, sector, &written);
	}
	chain_copy(c, true, c->wlen - 1, &status, 1, true);
	if (on(F_WRITE_READABLE))
		for (unsigned i = 0; i < c->n; i++)
			if (!c->seg[i].writable && c->seg[i].len) {
				c->seg[i].p[c->seg[i].len - 1] ^= 0xff;
				fb_applied(F_WRITE_READABLE, "chain %u: inverted the last byte of a "
							  "%u-byte readable buffer", head, c->seg[i].len);
			}
	if (on(F_WRITE_DESC_TABLE) && !q->packed) {
		uint8_t *lenp = q->desc + 16 * head + 8;
		uint32_t l;

		memcpy(&l, lenp, 4);
		l = htole32(le32toh(l) + 1);
		memcpy(lenp, &l, 4);
		fb_applied(F_WRITE_DESC_TABLE, "descriptor %u: len + 1", head);
	}
	if (on(F_USED_LEN_OVER)) {
		fb_applied(F_USED_LEN_OVER, "chain %u: used.len %" PRIu64 " for %" PRIu64
					 " writable bytes", head, c->wlen + 512, c->wlen);
		return (uint32_t)c->wlen + 512;
	}
	if (on(F_USED_LEN_UNDER)) {
		fb_applied(F_USED_LEN_UNDER, "chain %u: used.len %u for %u bytes written", head,
			   written - 1, written);
		return written - 1;
	}
	return written;
}

/* One used entry; the index it went to is q->used_idx before the call. */
static void put_used(struct vq *q, uint32_t id, uint32_t len)
{
	uint8_t *e = q->used + 4 + 8 * (q->used_idx % q->num);

	put_le32(e, id);
	put_le32(e + 4, len);
	q->used_idx++;
}

static void complete(struct vq *q, uint16_t head, uint32_t len, const struct chain *c)
{
	uint32_t id = head;

	q->last_head = head;
	q->returned = true;
	if (on(F_USED_ID_NOT_HEAD)) {
		id = c && c->second >= 0 ? (uint32_t)c->second : (head + 1u) % q->num;
		fb_applied(F_USED_ID_NOT_HEAD, "chain %u returned as id %u", head, id);
	}
	put_used(q, id, len);
	if (on(F_USED_ID_TWICE)) {
		put_used(q, id, len);
		fb_applied(F_USED_ID_TWICE, "chain %u returned twice", head);
	}
	if (on(F_USED_IDX_SKIP)) {
		q->used_idx++;
		fb_applied(F_USED_IDX_SKIP, "used.idx advanced by 2 for chain %u", head);
	}
	if (on(F_USED_FLAGS)) {
		st16(q->used, 2);
		fb_applied(F_USED_FLAGS, "used.flags set to 2");
	}
}

/* One used descriptor at the next used slot (2.8.6: the device skips the
 * list's other slots); WRITE where the device wrote (2.8.3). */
static void put_used_packed(struct vq *q, uint16_t id, uint32_t len, unsigned ndesc)
{
	uint8_t *d = q->desc + 16 * q->used_idx;
	uint16_t flags = (q->used_wrap ? VLP_DESC_F_AVAIL | VLP_DESC_F_USED : 0) |
			 (len ? VLP_DESC_F_WRITE : 0);

	if (len && on(F_NO_WRITE_FLAG)) {
		flags &= (uint16_t)~VLP_DESC_F_WRITE;
		fb_applied(F_NO_WRITE_FLAG, "slot %u: %u bytes written, flags 0x%04x without WRITE",
			   q->used_idx, len, flags);
	}
	if (on(F_USED_FLAGS)) {
		flags ^= VLP_DESC_F_USED;
		fb_applied(F_USED_FLAGS, "slot %u: flags 0x%04x, USED unlike the wrap counter %u",
			   q->used_idx, flags, q->used_wrap);
	}
	put_le32(d + 8, len);
	st16(d + 12, id);
	st16(d + 14, flags); /* last, with release: none changes after USED (2.8.15) */
	advance(q, &q->used_idx, &q->used_wrap, ndesc);
}

static void complete_packed(struct vq *q, uint16_t id, uint32_t len, unsigned ndesc)
{
	uint16_t slot = q->used_idx, uid = id;

	q->last_head = id;
	q->returned = true;
	if (on(F_USED_ID_NOT_HEAD)) {
		/* The driver's Buffer IDs are below Queue Size. */
		uid = (uint16_t)(id + q->num);
		fb_applied(F_USED_ID_NOT_HEAD, "Buffer ID %u returned as %u", id, uid);
	}
	put_used_packed(q, uid, len, ndesc);
	if (on(F_USED_ID_TWICE)) {
		put_used_packed(q, uid, len, ndesc);
		fb_applied(F_USED_ID_TWICE, "Buffer ID %u returned twice", id);
	}
	if (on(F_WRITE_DESC_TABLE) && ndesc > 1) {
		uint8_t *lenp = q->desc + 16 * ((slot + 1u) % q->num) + 8;
		uint32_t l;

		memcpy(&l, lenp, 4);
		l = htole32(le32toh(l) + 1);
		memcpy(lenp, &l, 4);
		fb_applied(F_WRITE_DESC_TABLE, "slot %u (skipped after slot %u): len + 1",
			   (slot + 1u) % q->num, slot);
	}
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		fb_log("eventfd write: %s", strerror(errno));
}

/* 2.7.7.2, 2.8.10 with EVENT_IDX: the entries from old to now passed event. */
static bool passed(uint16_t event, uint16_t now, uint16_t old)
{
	return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

/* Notifies the driver where need says so (or as the faults say). */
static void notify(struct vq *q, bool need)
{
	if (on(F_NO_NOTIFY)) {
		fb_applied(F_NO_NOTIFY, "used.idx %u not notified", q->used_idx);
		return;
	}
	if (!need) {
		S.suppressed++;
		if (!on(F_NOTIFY_SUPPRESSED))
			return;
		S.against++;
		fb_applied(F_NOTIFY_SUPPRESSED, "notified used.idx %u although the driver suppressed it",
			   q->used_idx);
	}
	S.notified++;
	if (S.verbose)
		fb_log("queue %td: used.idx %u: notified (call eventfd %d)", q - S.vq, q->used_idx,
		       q->call);
	if (S.pci)
		fp_queue_interrupt((unsigned)(q - S.vq));
	else
		signal_fd(q->call);
}

/* Publishes used.idx and notifies as 2.7.7.2 says. */
static void publish(struct vq *q, uint16_t old)
{
	bool need;

	if (q->used_idx == old)
		return;
	st16(q->used + 2, q->used_idx);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (S.acked >> VLP_F_EVENT_IDX & 1)
		need = passed(ld16(q->avail + 4 + 2 * q->num), q->used_idx, old);
	else
		need = !(ld16(q->avail) & VLP_AVAIL_F_NO_INTERRUPT);
	notify(q, need);
}

/* The used descriptors from old (its wrap counter old_wrap) written:
 * notifies as the Driver Event Suppression structure says (2.8.10). */
static void publish_packed(struct vq *q, uint16_t old, bool old_wrap)
{
	uint16_t flags, off_wrap;
	bool need;

	if (q->used_idx == old && q->used_wrap == old_wrap)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	off_wrap = ld16(q->avail);
	flags = ld16(q->avail + 2) & 3;
	if (flags == VLP_EVENT_F_DESC && on(F_DESC_AS_ENABLE)) {
		need = true;
		fb_applied(F_DESC_AS_ENABLE, "slot %u: RING_EVENT_FLAGS_DESC (off_wrap 0x%04x) taken as ENABLE",
			   q->used_idx, off_wrap);
	} else if (flags == VLP_EVENT_F_DESC && S.acked >> VLP_F_EVENT_IDX & 1) {
		/* Positions as one count: the previous lap's slots below 0. */
		int now = q->used_idx, from = q->used_wrap != old_wrap ? old - (int)q->num : old;
		int event = (int)(off_wrap & VLP_OFF_WRAP_SLOT) -
			    (!(off_wrap & VLP_OFF_WRAP_WRAP) != !q->used_wrap ? (int)q->num : 0);

		need = passed((uint16_t)event, (uint16_t)now, (uint16_t)from);
	} else {
		need = flags == VLP_EVENT_F_ENABLE;
	}
	notify(q, need);
}

/* Takes the kicks waiting in the eventfd: the pass that follows answers
 * them.  At a ring's start (SET_VRING_KICK, SET_VRING_ENABLE) the driver
 * may have kicked already, before this process read QEMU's messages: that
 * kick is answered by the start's pass, and must not count as a spurious
 * one for the fault below. */
static void drain_kicks(struct vq *q)
{
	uint64_t v;

	if (q->kick >= 0)
		while (read(q->kick, &v, sizeof(v)) == sizeof(v))
			;
}

/* A kick with nothing new made available: with spurious-used, the last
 * chain returned goes into the used ring once more. */
static void spurious(struct vq *q)
{
	uint16_t old = q->used_idx;

	S.serving_packed = q->packed;
	if (!on(F_SPURIOUS_USED) || !q->started || !q->enabled || q->broken || !q->used ||
	    q->packed || !q->returned || ld16(q->avail + 2) != q->last_avail)
		return;
	put_used(q, q->last_head, 0);
	fb_applied(F_SPURIOUS_USED, "a kick with nothing new: chain %u returned again", q->last_head);
	publish(q, old);
}

static void ring_broken(struct vq *q, uint16_t head)
{
	fb_log("queue %td: chain at head %u cannot be followed: the queue stops until reset",
	       q - S.vq, head);
	q->broken = true;
	if (S.pci)
		fp_needs_reset();
	else
		signal_fd(q->err);
}

/* Faults armed or disarmed by a control write take effect after the
 * batch that held it. */
static void arm_pending(void)
{
	if (S.arm_pending || S.disarm_pending) {
		S.armed = S.arm_pending;
		fb_log("faults %s by a control write", S.armed ? "armed" : "disarmed");
		S.arm_pending = S.disarm_pending = false;
	}
}

/* Holds a request with the hang and complete-after-reset faults: true
 * when held. */
static bool hold(struct vq *q, uint16_t head, const struct chain *c, unsigned ndesc)
{
	if (!(on(F_HANG) || on(F_COMPLETE_AFTER_RESET)) || q->nheld >= QUEUE_SIZE_MAX)
		return false;
	S.requests++;
	S.queue_requests[q - S.vq]++;
	q->held[q->nheld++] = (struct held){head, (uint32_t)c->wlen, (uint16_t)ndesc};
	fb_applied(on(F_HANG) ? F_HANG : F_COMPLETE_AFTER_RESET, "chain %u held (%u held)", head,
		   q->nheld);
	return true;
}

/* 2.8: the lists made available since the last pass, each served as it
 * is read (its used descriptor may overwrite the next list's first slot
 * only after that), their used descriptors written in the order made
 * available (the out-of-order fault: last first; allowed without
 * VIRTIO_F_IN_ORDER). */
static void process_packed(struct vq *q)
{
	static struct chain c;
	static struct {
		uint16_t id;
		uint32_t len;
		unsigned ndesc;
		bool held;
	} lists[QUEUE_SIZE_MAX];

	for (;;) {
		uint16_t old = q->used_idx;
		bool old_wrap = q->used_wrap;
		unsigned n = 0;

		while (n < q->num && !q->broken && packed_avail(q)) {
			if (walk_packed(q, q->last_avail, &c, &lists[n].ndesc, &lists[n].id)) {
				ring_broken(q, q->last_avail);
				break;
			}
			lists[n].held = hold(q, lists[n].id, &c, lists[n].ndesc);
			lists[n].len = lists[n].held ? 0 : serve(q, lists[n].id, &c);
			advance(q, &q->last_avail, &q->avail_wrap, lists[n++].ndesc);
		}
		for (unsigned k = 0; k < n; k++) {
			unsigned i = on(F_OUT_OF_ORDER) ? n - 1 - k : k;

			if (!lists[i].held)
				complete_packed(q, lists[i].id, lists[i].len, lists[i].ndesc);
		}
		if (n > 1 && on(F_OUT_OF_ORDER))
			fb_applied(F_OUT_OF_ORDER, "%u requests completed last first", n);
		publish_packed(q, old, old_wrap);
		arm_pending();
		if (!n || q->broken)
			return;
	}
}

/* --net: one frame per start of the receive queue, into the first buffer
 * made available (the header, then the frame, 5.1.6.4); the kicks after it
 * take nothing, so a guest that keeps its receive queue full is not flooded. */
static void receive_frame(struct vq *q)
{
	static struct chain c;
	uint8_t frame[VLP_NET_HDR_LEN + NET_FRAME_LEN] = {0};
	uint16_t old = q->used_idx, head, num_buffers = 1;
	bool v1 = S.acked >> VLP_F_VERSION_1 & 1;
	uint32_t hdr = v1 ? VLP_NET_HDR_LEN : VLP_NET_HDR_LEGACY_LEN, len;

	if (q->frame_sent || ld16(q->avail + 2) == q->last_avail)
		return;
	head = ld16(q->avail + 4 + 2 * (q->last_avail++ % q->num));
	if (walk(q, head, &c)) {
		ring_broken(q, head);
		return;
	}
	S.requests++;
	S.queue_requests[q - S.vq]++;
	if (on(F_NUM_BUFFERS_TWO)) {
		fb_applied(F_NUM_BUFFERS_TWO, "chain %u: num_buffers 2", head);
		num_buffers = 2;
	}
	if (v1)
		put_le16(frame + VLP_NET_HDR_NUM_BUFFERS, num_buffers);
	memset(frame + hdr, 0xff, 6);
	memcpy(frame + hdr + 6, NET_SRC_MAC, 6);
	frame[hdr + 12] = NET_ETHERTYPE_HI;
	frame[hdr + 13] = NET_ETHERTYPE_LO;
	memcpy(frame + hdr + 14, NET_PAYLOAD, sizeof(NET_PAYLOAD) - 1);
	len = hdr + NET_FRAME_LEN < c.wlen ? hdr + NET_FRAME_LEN : (uint32_t)c.wlen;
	chain_copy(&c, true, 0, frame, len, true);
	complete(q, head, len, &c);
	publish(q, old);
	q->frame_sent = true;
}

static void process(struct vq *q)
{
	static struct chain c;
	uint16_t heads[QUEUE_SIZE_MAX];

	if (!q->started || !q->enabled || q->broken || !q->desc)
		return;
	/* --scsi: the event queue's buffers wait for events that never come */
	if (S.scsi && q - S.vq == VLP_SCSI_EVENTQ)
		return;
	/* --console: nothing is ever received on port 0 */
	if (S.console && q - S.vq == VLP_CONSOLE_RECEIVEQ)
		return;
	if (S.net && q - S.vq == VLP_NET_RECEIVEQ) {
		receive_frame(q);
		return;
	}
	S.serving_packed = q->packed;
	if (q->packed) {
		process_packed(q);
		return;
	}
	for (;;) {
		uint16_t avail_idx = ld16(q->avail + 2), old = q->used_idx;
		unsigned n = 0;

		if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
			fb_log("queue %td: avail.idx %u is more than %u past %u", q - S.vq, avail_idx,
			       q->num, q->last_avail);
			ring_broken(q, 0);
			return;
		}
		while (q->last_avail != avail_idx)
			heads[n++] = ld16(q->avail + 4 + 2 * (q->last_avail++ % q->num));
		for (unsigned k = 0; k < n; k++) {
			unsigned i = on(F_OUT_OF_ORDER) ? n - 1 - k : k;
			uint32_t len;

			if (walk(q, heads[i], &c)) {
				ring_broken(q, heads[i]);
				break;
			}
			if (hold(q, heads[i], &c, 1))
				continue;
			len = serve(q, heads[i], &c);
			complete(q, heads[i], len, &c);
		}
		if (n > 1 && on(F_OUT_OF_ORDER))
			fb_applied(F_OUT_OF_ORDER, "%u requests completed last first", n);
		publish(q, old);
		arm_pending();
		if (S.acked >> VLP_F_EVENT_IDX & 1) {
			/* 2.7.10: ask for a kick for the next entry. */
			st16(q->used + 4 + 8 * q->num, q->last_avail);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
		}
		if (ld16(q->avail + 2) == q->last_avail || q->broken)
			return;
	}
}

static void complete_late(struct vq *q)
{
	if (!q->late_pending)
		return;
	S.serving_packed = q->packed;
	q->late_pending = false;
	if (!q->used)
		return;
	for (unsigned i = 0; i < q->nheld; i++) {
		fb_applied(F_COMPLETE_AFTER_RESET, "chain %u completed after the ring was stopped",
			   q->held[i].head);
		if (q->packed)
			put_used_packed(q, q->held[i].head, 1, q->held[i].ndesc);
		else
			put_used(q, q->held[i].head, 1);
	}
	if (q->nheld && S.pci)
		fp_queue_interrupt((unsigned)(q - S.vq));
	else if (q->nheld)
		signal_fd(q->call);
	q->nheld = 0;
	if (!q->packed)
		st16(q->used + 2, q->used_idx);
}

static void stop_ring(struct vq *q)
{
	if (q->nheld && S.fault[F_COMPLETE_AFTER_RESET] && !q->late_pending) {
		clock_gettime(CLOCK_MONOTONIC, &q->late);
		q->late.tv_nsec += LATE_MS * 1000000L;
		if (q->late.tv_nsec >= 1000000000L) {
			q->late.tv_sec++;
			q->late.tv_nsec -= 1000000000L;
		}
		q->late_pending = true;
	} else if (!q->late_pending) {
		q->nheld = 0;
	}
	q->started = false;
	q->serve_pending = false;
	if (q->kick >= 0)
		close(q->kick);
	q->kick = -1;
}

static void reset_vq(struct vq *q)
{
	complete_late(q);
	stop_ring(q);
	if (q->call >= 0)
		close(q->call);
	if (q->err >= 0)
		close(q->err);
	memset(q, 0, sizeof(*q));
	q->kick = q->call = q->err = -1;
}

/* The ring's three areas here; false when one is outside the memory table. */
static bool translate(struct vq *q)
{
	/* 2.8.10: a packed ring's driver and device areas are the 4-byte
	 * event suppression structures. */
	q->desc = uva_ptr(q->desc_uva, 16ull * q->num);
	q->avail = uva_ptr(q->avail_uva, q->packed ? 4 : 6 + 2ull * q->num);
	q->used = uva_ptr(q->used_uva, q->packed ? 4 : 6 + 8ull * q->num);
	if (q->desc && q->avail && q->used && q->num)
		return true;
	fb_log("queue %td: ring addresses outside the memory table", q - S.vq);
	return false;
}

static void start_if_ready(struct vq *q)
{
	q->packed = S.acked >> VLP_F_RING_PACKED & 1;
	if (!translate(q))
		return;
	if (!q->packed)
		q->used_idx = ld16(q->used + 2);
	q->started = true;
	q->broken = false;
	q->returned = false;
	q->frame_sent = false;
	/* Without the protocol features a ring starts enabled (vhost-user.rst, "Ring states"). */
	if (!(S.acked >> VU_F_PROTOCOL_FEATURES & 1))
		q->enabled = true;
}

/* ------------------------------------------------------------ the engine, for the PCI front */
int fb_verbose(void)
{
	return S.verbose;
}

uint32_t fb_device_id(void)
{
	return S.rng ? VLP_ID_ENTROPY : S.scsi ? VLP_ID_SCSI : S.net ? VLP_ID_NET
		: S.console ? VLP_ID_CONSOLE : VLP_ID_BLOCK;
}

uint64_t fb_offered(void)
{
	return S.features;
}

unsigned fb_queue_count(void)
{
	return S.queues;
}

unsigned fb_config_size(void)
{
	/* virtio-rng has no configuration (5.4.4); the block one up to
	 * unused1 (5.2.4, no DISCARD or WRITE_ZEROES fields offered) */
	return S.rng ? 0 : S.scsi ? SCSI_CFG_SIZE : S.net ? NET_CFG_SIZE
		: S.console ? CONSOLE_CFG_SIZE : BLK_CFG_UNUSED1 + 3;
}

uint8_t *fb_config(void)
{
	return S.config;
}

/* The driver's configuration write: writeback (5.2.4, with CONFIG_WCE),
 * sense_size and cdb_size (5.6.4); the other bytes are read-only. */
void fb_config_written(unsigned off, unsigned len, uint64_t v)
{
	bool blk = fb_device_id() == VLP_ID_BLOCK;

	for (unsigned i = 0; i < len && off + i < fb_config_size(); i++) {
		unsigned b = off + i;
		bool writable = S.scsi ? b >= SCSI_CFG_SENSE_SIZE && b < SCSI_CFG_CDB_SIZE + 4
				       : blk && b == BLK_CFG_WRITEBACK && offered(VLP_BLK_F_CONFIG_WCE);

		if (writable)
			S.config[b] = (uint8_t)(v >> (8 * i));
	}
	if (blk && off <= BLK_CFG_WRITEBACK && off + len > BLK_CFG_WRITEBACK)
		S.config[BLK_CFG_WRITEBACK] = S.config[BLK_CFG_WRITEBACK] ? 1 : 0;
}

void fb_config_reset(void)
{
	uint8_t sizes[8];

	memcpy(sizes, S.config + SCSI_CFG_SENSE_SIZE, sizeof(sizes));
	fill_config();
	if (S.scsi && fb_fault(F_SCSI_SIZES_KEPT) &&
	    memcmp(sizes, S.config + SCSI_CFG_SENSE_SIZE, sizeof(sizes))) {
		memcpy(S.config + SCSI_CFG_SENSE_SIZE, sizes, sizeof(sizes));
		fb_applied(F_SCSI_SIZES_KEPT, "sense_size %u and cdb_size %u kept across a reset",
			   sizes[0] | sizes[1] << 8, sizes[4] | sizes[5] << 8);
	}
}

/* 5.3.6: what the driver writes to emerg_wr is output, a line at a time here. */
void fb_emergency_write(uint8_t c)
{
	static char line[128];
	static size_t n;

	if (c != '\n' && n < sizeof(line) - 1) {
		line[n++] = (char)c;
		return;
	}
	line[n] = 0;
	fb_log("emergency write: %s", line);
	n = 0;
}

void fb_ack(uint64_t features)
{
	S.acked = features;
	if (S.verbose)
		fb_log("features acked 0x%" PRIx64, S.acked);
}

int fb_map_memory(const struct fb_memory_region *r, unsigned n)
{
	long page = sysconf(_SC_PAGESIZE);

	if (n > VU_MAX_REGIONS)
		return -1;
	for (unsigned i = 0; i < MAX_QUEUES; i++)
		complete_late(&S.vq[i]);
	unmap_all();
	for (unsigned i = 0; i < n; i++) {
		struct region *m = &S.regions[i];
		uint64_t off = r[i].offset & ~(uint64_t)(page - 1);

		m->map_len = (size_t)(r[i].size + (r[i].offset - off));
		m->map = mmap(NULL, m->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r[i].fd, (off_t)off);
		if (m->map == MAP_FAILED) {
			fb_log("guest memory region %u: mmap: %s", i, strerror(errno));
			return -1;
		}
		m->host = (uint8_t *)m->map + (r[i].offset - off);
		/* the rings' addresses are guest-physical ones too */
		m->gpa = m->uva = r[i].gpa;
		m->size = r[i].size;
		S.nregions = i + 1;
		if (S.verbose)
			fb_log("region %u: guest 0x%" PRIx64 " size 0x%" PRIx64, i, m->gpa, m->size);
	}
	for (unsigned i = 0; i < S.queues; i++)
		if (S.vq[i].started)
			S.vq[i].started = translate(&S.vq[i]);
	return 0;
}

/* queue_enable 1 (4.1.4.3): the ring from its first slot, the wrap
 * counters 1 (2.8.1). */
void fb_queue_start(unsigned qi, unsigned num, uint64_t desc, uint64_t driver, uint64_t device)
{
	struct vq *q = &S.vq[qi];

	complete_late(q);
	q->num = num;
	q->desc_uva = desc;
	q->avail_uva = driver;
	q->used_uva = device;
	q->last_avail = q->used_idx = 0;
	q->avail_wrap = q->used_wrap = true;
	q->nheld = 0;
	start_if_ready(q);
	q->enabled = true;
}

void fb_queue_kick(unsigned qi)
{
	struct vq *q = &S.vq[qi];

	spurious(q);
	process(q);
}

/* Every queue stopped (the held requests of complete-after-reset wait for
 * their timer), nothing acked. */
void fb_reset(void)
{
	for (unsigned i = 0; i < MAX_QUEUES; i++) {
		stop_ring(&S.vq[i]);
		S.vq[i].enabled = false;
	}
	S.acked = 0;
}

/* ------------------------------------------------------------ messages */
static int conn = -1;

static int send_reply(uint32_t req, const void *payload, uint32_t size)
{
	uint8_t buf[VU_HDR_SIZE + VU_PAYLOAD_MAX];
	uint32_t flags = VU_VERSION | VU_FLAG_REPLY;

	memcpy(buf, &req, 4);
	memcpy(buf + 4, &flags, 4);
	memcpy(buf + 8, &size, 4);
	memcpy(buf + VU_HDR_SIZE, payload, size);
	if (send(conn, buf, VU_HDR_SIZE + size, MSG_NOSIGNAL) != (ssize_t)(VU_HDR_SIZE + size)) {
		fb_log("reply to request %u: %s", req, strerror(errno));
		return -1;
	}
	return 0;
}

static int reply_u64(uint32_t req, uint64_t v)
{
	return send_reply(req, &v, sizeof(v));
}

static const char *req_name(uint32_t r)
{
	static const char *const names[VU_REQUEST_MAX] = {
		[VU_GET_FEATURES] = "GET_FEATURES",
		[VU_SET_FEATURES] = "SET_FEATURES",
		[VU_SET_OWNER] = "SET_OWNER",
		[VU_RESET_OWNER] = "RESET_OWNER",
		[VU_SET_MEM_TABLE] = "SET_MEM_TABLE",
		[VU_SET_LOG_BASE] = "SET_LOG_BASE",
		[VU_SET_LOG_FD] = "SET_LOG_FD",
		[VU_SET_VRING_NUM] = "SET_VRING_NUM",
		[VU_SET_VRING_ADDR] = "SET_VRING_ADDR",
		[VU_SET_VRING_BASE] = "SET_VRING_BASE",
		[VU_GET_VRING_BASE] = "GET_VRING_BASE",
		[VU_SET_VRING_KICK] = "SET_VRING_KICK",
		[VU_SET_VRING_CALL] = "SET_VRING_CALL",
		[VU_SET_VRING_ERR] = "SET_VRING_ERR",
		[VU_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
		[VU_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
		[VU_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
		[VU_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
		[VU_GET_CONFIG] = "GET_CONFIG",
		[VU_SET_CONFIG] = "SET_CONFIG",
	};

	return r < VU_REQUEST_MAX && names[r] ? names[r] : "unknown";
}

static struct vq *vq_of(uint64_t index)
{
	return index < S.queues ? &S.vq[index] : NULL;
}

/* Takes over fd (or -1) as the ring's kick, call or err eventfd. */
static int set_vring_fd(uint32_t req, const uint8_t *p, uint32_t size, int *fds, unsigned *nfds)
{
	uint64_t v;
	struct vq *q;
	int fd = -1, *slot;

	if (size < 8)
		return -1;
	memcpy(&v, p, 8);
	q = vq_of(v & VU_VRING_IDX_MASK);
	if (!(v & VU_VRING_NOFD)) {
		if (*nfds != 1)
			return -1;
		fd = fds[0];
		*nfds = 0;
	}
	if (!q) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	slot = req == VU_SET_VRING_KICK ? &q->kick : req == VU_SET_VRING_CALL ? &q->call : &q->err;
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
	if (fd >= 0 && req != VU_SET_VRING_CALL)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (req == VU_SET_VRING_KICK) {
		complete_late(q);
		start_if_ready(q);
		q->serve_pending = true;
	}
	return 0;
}

/* Handles one message; -1 for a failure to answer with REPLY_ACK (or to log). */
static int handle(uint32_t req, uint32_t flags, const uint8_t *p, uint32_t size, int *fds,
		  unsigned *nfds)
{
	struct vu_vring_state st;
	struct vq *q;

	switch (req) {
	case VU_GET_FEATURES:
		return reply_u64(req, S.features) ? -2 : 1;
	case VU_SET_FEATURES:
		if (size < 8)
			return -1;
		memcpy(&S.acked, p, 8);
		if (S.verbose)
			fb_log("features acked 0x%" PRIx64, S.acked);
		return 0;
	case VU_GET_PROTOCOL_FEATURES:
		return reply_u64(req, S.protocol) ? -2 : 1;
	case VU_SET_PROTOCOL_FEATURES:
		if (size < 8)
			return -1;
		memcpy(&S.acked_protocol, p, 8);
		return 0;
	case VU_SET_OWNER:
		return 0;
	case VU_RESET_OWNER:
		for (unsigned i = 0; i < MAX_QUEUES; i++)
			stop_ring(&S.vq[i]);
		return 0;
	case VU_SET_MEM_TABLE: {
		int r;

		for (unsigned i = 0; i < MAX_QUEUES; i++)
			complete_late(&S.vq[i]);
		r = set_mem_table(p, size, fds, *nfds);
		for (unsigned i = 0; i < *nfds; i++)
			close(fds[i]);
		*nfds = 0;
		/* Rings already set up translate again in the new table. */
		for (unsigned i = 0; i < S.queues; i++)
			if (S.vq[i].started)
				start_if_ready(&S.vq[i]);
		return r;
	}
	case VU_SET_VRING_NUM:
	case VU_SET_VRING_BASE:
	case VU_SET_VRING_ENABLE:
	case VU_GET_VRING_BASE:
		if (size < sizeof(st))
			return -1;
		memcpy(&st, p, sizeof(st));
		q = vq_of(st.index);
		if (!q)
			return -1;
		if (req == VU_SET_VRING_NUM) {
			if (!st.num || st.num > QUEUE_SIZE_MAX || (st.num & (st.num - 1)))
				return -1;
			q->num = st.num;
		} else if (req == VU_SET_VRING_BASE) {
			q->last_avail = (uint16_t)st.num;
			if (S.acked >> VLP_F_RING_PACKED & 1) {
				/* vhost-user.rst: packed, the next avail position in the
				 * low half, the next used one in the high half, each an
				 * off_wrap (slot and wrap counter, 2.8.14). */
				q->last_avail = st.num & VLP_OFF_WRAP_SLOT;
				q->avail_wrap = st.num & VLP_OFF_WRAP_WRAP;
				q->used_idx = st.num >> 16 & VLP_OFF_WRAP_SLOT;
				q->used_wrap = st.num >> 16 & VLP_OFF_WRAP_WRAP;
			}
		} else if (req == VU_SET_VRING_ENABLE) {
			if (S.verbose)
				fb_log("queue %u %s", st.index, st.num ? "enabled" : "disabled");
			q->enabled = st.num != 0;
			q->serve_pending = true;
		} else {
			/* Stops the ring; the answer is where it stopped. */
			stop_ring(q);
			st.num = q->last_avail;
			if (q->packed)
				st.num = (q->last_avail | (q->avail_wrap ? VLP_OFF_WRAP_WRAP : 0)) |
					 (uint32_t)(q->used_idx | (q->used_wrap ? VLP_OFF_WRAP_WRAP : 0))
						 << 16;
			return send_reply(req, &st, sizeof(st)) ? -2 : 1;
		}
		return 0;
	case VU_SET_VRING_ADDR: {
		struct vu_vring_addr a;

		if (size < sizeof(a))
			return -1;
		memcpy(&a, p, sizeof(a));
		q = vq_of(a.index);
		if (!q)
			return -1;
		complete_late(q);
		q->desc_uva = a.desc;
		q->avail_uva = a.avail;
		q->used_uva = a.used;
		return 0;
	}
	case VU_SET_VRING_KICK:
	case VU_SET_VRING_CALL:
	case VU_SET_VRING_ERR:
		return set_vring_fd(req, p, size, fds, nfds);
	case VU_GET_QUEUE_NUM:
		return reply_u64(req, S.queues) ? -2 : 1;
	case VU_GET_CONFIG: {
		uint8_t out[VU_CONFIG_HDR + BLK_CFG_SIZE];
		uint32_t off, len;

		if (size < VU_CONFIG_HDR)
			return -1;
		memcpy(&off, p, 4);
		memcpy(&len, p + 4, 4);
		memcpy(out, p, VU_CONFIG_HDR);
		if (off > BLK_CFG_SIZE || len > BLK_CFG_SIZE - off) {
			/* A zero-length payload says the request failed. */
			return send_reply(req, out, 0) ? -2 : 1;
		}
		memcpy(out + VU_CONFIG_HDR, S.config + off, len);
		return send_reply(req, out, VU_CONFIG_HDR + len) ? -2 : 1;
	}
	case VU_SET_CONFIG: {
		uint32_t off, len;

		if (size < VU_CONFIG_HDR)
			return -1;
		memcpy(&off, p, 4);
		memcpy(&len, p + 4, 4);
		/* Only writeback is writable (5.2.4, with CONFIG_WCE). */
		if (off == BLK_CFG_WRITEBACK && len == 1 && size >= VU_CONFIG_HDR + 1 &&
		    offered(VLP_BLK_F_CONFIG_WCE)) {
			S.config[BLK_CFG_WRITEBACK] = p[VU_CONFIG_HDR] ? 1 : 0;
			return 0;
		}
		return -1;
	}
	case VU_SET_LOG_BASE:
	case VU_SET_LOG_FD:
	default:
		fb_log("request %u (%s) not supported", req, req_name(req));
		(void)flags;
		return -1;
	}
}

/* Reads and handles one message; -1 when the connection is gone. */
static int serve_message(void)
{
	uint8_t hdr[VU_HDR_SIZE], payload[VU_PAYLOAD_MAX];
	char cbuf[CMSG_SPACE(sizeof(int) * VU_MAX_FDS)];
	struct iovec iov = {hdr, sizeof(hdr)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	int fds[VU_MAX_FDS];
	unsigned nfds = 0;
	uint32_t req, flags, size;
	ssize_t n;
	int r;

	n = recvmsg(conn, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			unsigned k = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			for (unsigned i = 0; i < k && nfds < VU_MAX_FDS; i++)
				memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		}
	memcpy(&req, hdr, 4);
	memcpy(&flags, hdr + 4, 4);
	memcpy(&size, hdr + 8, 4);
	if (n != VU_HDR_SIZE || size > VU_PAYLOAD_MAX ||
	    (size && recv(conn, payload, size, MSG_WAITALL) != (ssize_t)size)) {
		if (n == VU_HDR_SIZE)
			fb_log("request %u: payload of %u bytes not read", req, size);
		for (unsigned i = 0; i < nfds; i++)
			close(fds[i]);
		return -1;
	}
	if (S.verbose)
		fb_log("<- %s (%u bytes, %u fds)", req_name(req), size, nfds);
	r = handle(req, flags, payload, size, fds, &nfds);
	for (unsigned i = 0; i < nfds; i++)
		close(fds[i]);
	if (r == -2)
		return -1;
	if (r == -1)
		fb_log("request %s: refused", req_name(req));
	/* REPLY_ACK: a u64 status for requests that have no reply of their own. */
	if (r != 1 && flags & VU_FLAG_NEED && S.acked_protocol >> VU_PF_REPLY_ACK & 1)
		if (reply_u64(req, r ? 1 : 0))
			return -1;
	return 0;
}

static void end_session(void)
{
	for (unsigned i = 0; i < MAX_QUEUES; i++)
		reset_vq(&S.vq[i]);
	unmap_all();
	S.acked = S.acked_protocol = 0;
	if (conn >= 0)
		close(conn);
	conn = -1;
}

/* ------------------------------------------------------------ main */
static void print_counts(void)
{
	fprintf(stderr,
		"faulty-blk: counts: requests=%lu writes=%lu notified=%lu suppressed_by_driver=%lu "
		"notified_against_suppression=%lu",
		S.requests, S.writes, S.notified, S.suppressed, S.against);
	for (unsigned i = 0; i < S.queues; i++)
		fprintf(stderr, "%s%lu", i ? "," : " queue_requests=", S.queue_requests[i]);
	if (S.pci)
		fprintf(stderr, " msix_messages_lost=%lu", fp_messages_lost());
	for (unsigned f = 0; f < F_COUNT; f++)
		if (S.fault[f])
			fprintf(stderr, " %s=%lu", faults[f].name, S.applied[f]);
	fputc('\n', stderr);
}

static void usage(FILE *o)
{
	fputs("usage: faulty-blk --socket-path=PATH [--size=BYTES[K|M|G]] [--fault=NAME[,NAME...]]\n"
	      "                  [--disarmed] [--serial=TEXT] [--read-only] [--queues=N]\n"
	      "                  [--no-event-idx] [--no-indirect] [--packed] [--rng | --scsi | --net] [-v]\n"
	      "       faulty-blk --pci-proxy=FD [--log=FILE] [--in-order] [--console] [OPTION...] -- COMMAND [ARG...]\n"
	      "       faulty-blk --list-faults | --print-capabilities | --help\n"
	      "A vhost-user-blk back-end for tests: a RAM disk holding a known pattern (the 16\n"
	      "bytes at offset o are \"%012x fb\\n\" of o), with faults that break virtio device\n"
	      "rules on purpose.  --disarmed: the ring faults wait for SIGUSR1 or a write whose\n"
	      "data begins with \"faulty-blk arm\" (SIGUSR2, \"faulty-blk disarm\": off again).\n"
	      "--packed: VIRTIO_F_RING_PACKED offered; the ring faults apply to packed rings only.\n"
	      "--rng: a vhost-user-rng device instead (QEMU: -device vhost-user-rng-pci): one\n"
	      "queue, each request's buffers filled with bytes (fault no-entropy).\n"
	      "--scsi: a vhost-user-scsi host instead (QEMU: -device vhost-user-scsi-pci): target\n"
	      "0 with LUN 0 and no medium; other targets BAD_TARGET (fault bad-target-failure).\n"
	      "--net: a virtio-net's queue pair instead (QEMU: -netdev vhost-user): frames sent are\n"
	      "dropped; one broadcast frame received per ring start (fault num-buffers-two).\n"
	      "--pci-proxy=FD: the whole virtio-pci function instead, for QEMU's -device\n"
	      "x-pci-proxy-dev,fd=FD: runs COMMAND with the socket as descriptor FD and serves\n"
	      "until QEMU closes it (--log=FILE: where the serving process logs); the faults from\n"
	      "reset-status-stuck on break the registers QEMU keeps for vhost-user devices.\n"
	      "--in-order (with --pci-proxy): VIRTIO_F_IN_ORDER offered.  --console (with\n"
	      "--pci-proxy): a virtio-console's port 0 instead (fault emerg-unconfigured); --net\n"
	      "with --pci-proxy has a control queue of its own (fault mac-set-reversed).\n",
	      o);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': v <<= 10; /* fall through */
	case 'M': v <<= 10; /* fall through */
	case 'K': v <<= 10; end++; break;
	default: break;
	}
	if (*end || !v || v % VLP_BLK_SECTOR)
		fb_die("--size %s: give a multiple of 512 bytes (suffix K, M or G)", s);
	return v;
}

static void parse_faults(char *list)
{
	for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
		unsigned f = 0;

		while (f < F_COUNT && strcmp(faults[f].name, name))
			f++;
		if (f == F_COUNT)
			fb_die("--fault %s: no such fault (--list-faults names them)", name);
		S.fault[f] = true;
	}
}

static int listen_on(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(a.sun_path))
		fb_die("--socket-path %s: too long for a unix socket", path);
	strcpy(a.sun_path, path);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1))
		fb_die("--socket-path %s: %s", path, strerror(errno));
	return s;
}

static int ms_until(const struct timespec *t)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket-path", required_argument, NULL, 's'},
		{"size", required_argument, NULL, 'S'},
		{"fault", required_argument, NULL, 'f'},
		{"disarmed", no_argument, NULL, 'd'},
		{"serial", required_argument, NULL, 'i'},
		{"read-only", no_argument, NULL, 'r'},
		{"queues", required_argument, NULL, 'q'},
		{"no-event-idx", no_argument, NULL, 'E'},
		{"no-indirect", no_argument, NULL, 'I'},
		{"packed", no_argument, NULL, 'P'},
		{"rng", no_argument, NULL, 'R'},
		{"scsi", no_argument, NULL, 'C'},
		{"net", no_argument, NULL, 'N'},
		{"console", no_argument, NULL, 'K'},
		{"pci-proxy", required_argument, NULL, 'p'},
		{"in-order", no_argument, NULL, 'O'},
		{"log", required_argument, NULL, 'L'},
		{"list-faults", no_argument, NULL, 'l'},
		{"print-capabilities", no_argument, NULL, 'c'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0, 0, 0, 0},
	};
	sigset_t sigs;
	int lsock = -1, sfd, c, proxy_fd = -1;
	const char *log_path = NULL;

	S.size = 64ull << 20;
	S.queues = 1;
	S.serial = "faulty-blk";
	S.armed = true;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 's': S.socket_path = optarg; break;
		case 'S': S.size = parse_size(optarg); break;
		case 'f': parse_faults(optarg); break;
		case 'd': S.armed = false; break;
		case 'i': S.serial = optarg; break;
		case 'r': S.read_only = true; break;
		case 'q':
			S.queues = (unsigned)strtoul(optarg, NULL, 10);
			if (!S.queues || S.queues > MAX_QUEUES)
				fb_die("--queues %s: give 1 to %u", optarg, MAX_QUEUES);
			break;
		case 'E': S.event_idx_off = true; break;
		case 'I': S.indirect_off = true; break;
		case 'P': S.packed = true; break;
		case 'R': S.rng = true; break;
		case 'C': S.scsi = true; break;
		case 'N': S.net = true; break;
		case 'K': S.console = true; break;
		case 'p':
			proxy_fd = (int)strtol(optarg, NULL, 10);
			if (proxy_fd < 3 || proxy_fd > 1023)
				fb_die("--pci-proxy %s: give a descriptor number from 3 to 1023", optarg);
			S.pci = true;
			break;
		case 'O': S.in_order = true; break;
		case 'L': log_path = optarg; break;
		case 'l':
			for (unsigned f = 0; f < F_COUNT; f++)
				printf("%-22s %-11s %s\n", faults[f].name, faults[f].section,
				       faults[f].what);
			return 0;
		case 'c':
			puts("{\n  \"type\": \"block-device\",\n  \"features\": [\"read-only\"]\n}");
			return 0;
		case 'v': S.verbose++; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (S.pci && optind == argc)
		fb_die("--pci-proxy: give the command to run after --, e.g. qemu-system-x86_64 ... "
		       "-device x-pci-proxy-dev,fd=%d", proxy_fd);
	if (!S.pci && optind < argc)
		fb_die("unexpected argument %s", argv[optind]);
	if (!S.socket_path && !S.pci)
		fb_die("--socket-path is required (or --pci-proxy)");
	for (unsigned f = F_FIRST_PCI; f < F_COUNT; f++)
		if (S.fault[f] && !S.pci)
			fb_die("--fault %s: needs --pci-proxy (QEMU keeps that register of a "
			       "vhost-user device)",
			       faults[f].name);
	if (S.fault[F_SCSI_SIZES_KEPT] && !S.scsi)
		fb_die("--fault scsi-sizes-kept: needs --scsi");
	if (S.in_order && !S.pci)
		fb_die("--in-order: needs --pci-proxy (QEMU 7.2 clears VIRTIO_F_IN_ORDER for "
		       "vhost-user devices)");
	if (S.console && (!S.pci || S.rng || S.scsi || S.net || S.queues != 1 || S.packed))
		fb_die("--console: with --pci-proxy, port 0 alone, split; no --rng, --scsi, --net, "
		       "--queues or --packed");
	if (S.fault[F_MAC_SET_REVERSED] && !S.net)
		fb_die("--fault mac-set-reversed: needs --net");
	if (S.fault[F_EMERG_UNCONFIGURED] && !S.console)
		fb_die("--fault emerg-unconfigured: needs --console");
	if (S.rng && (S.queues != 1 || S.packed))
		fb_die("--rng: one split queue (virtio-rng's requestq); no --queues or --packed");
	if (S.fault[F_NO_ENTROPY] && !S.rng)
		fb_die("--fault no-entropy: needs --rng");
	if (S.scsi && (S.rng || S.queues != 1 || S.packed))
		fb_die("--scsi: one request queue, split (virtio-scsi's controlq, eventq and requestq); "
		       "no --rng, --queues or --packed");
	if ((S.fault[F_BAD_TARGET_FAILURE] || S.fault[F_TARGET_FAILURE]) && !S.scsi)
		fb_die("--fault %s: needs --scsi",
		       faults[S.fault[F_BAD_TARGET_FAILURE] ? F_BAD_TARGET_FAILURE : F_TARGET_FAILURE].name);
	if (S.net && (S.rng || S.scsi || S.queues != 1 || S.packed))
		fb_die("--net: one queue pair, split (virtio-net's receiveq1 and transmitq1); "
		       "no --rng, --scsi, --queues or --packed");
	if (S.fault[F_NUM_BUFFERS_TWO] && !S.net)
		fb_die("--fault num-buffers-two: needs --net");
	if (S.scsi)
		S.queues = VLP_SCSI_REQUESTQ + 1;
	if (S.net)
		S.queues = S.pci ? VLP_NET_CONTROLQ + 1 : VLP_NET_TRANSMITQ + 1;
	if (S.console)
		S.queues = VLP_CONSOLE_TRANSMITQ + 1;
	S.rng_state = 0x9e3779b97f4a7c15ull;
	S.disk = mmap(NULL, S.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (S.disk == MAP_FAILED)
		fb_die("cannot allocate %" PRIu64 " bytes for the disk", S.size);
	fill_pattern();
	S.features = device_features();
	S.protocol = 1ull << VU_PF_MQ | 1ull << VU_PF_REPLY_ACK;
	/* QEMU's vhost-user-rng, -scsi and -net keep the configuration themselves (and
	 * warn of a back-end offering it) */
	if (!S.rng && !S.scsi && !S.net && !S.console)
		S.protocol |= 1ull << VU_PF_CONFIG;
	fill_config();
	for (unsigned i = 0; i < MAX_QUEUES; i++)
		S.vq[i].kick = S.vq[i].call = S.vq[i].err = -1;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	if (S.pci) {
		/* Here only in the process that serves; the other runs the command. */
		conn = fp_launch(proxy_fd, argv + optind);
		if (log_path && !freopen(log_path, "w", stderr))
			exit(1);
		if (log_path)
			setvbuf(stderr, NULL, _IOLBF, 0);
		fp_start();
	}
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (S.pci) {
		fb_log("pid %d serving a virtio-pci function (device type %u) on descriptor %d of %s: "
		       "features 0x%" PRIx64 ", faults %s",
		       (int)getpid(), fb_device_id(), proxy_fd, argv[optind], S.features,
		       S.armed ? "armed" : "disarmed");
	} else {
		lsock = listen_on(S.socket_path);
		fb_log("listening on %s: %" PRIu64 " bytes, features 0x%" PRIx64 ", faults %s",
		       S.socket_path, S.size, S.features, S.armed ? "armed" : "disarmed");
	}

	for (;;) {
		struct pollfd pf[2 + MAX_QUEUES];
		unsigned np = 0, qi[MAX_QUEUES];
		int timeout = -1;

		pf[np++] = (struct pollfd){sfd, POLLIN, 0};
		pf[np++] = (struct pollfd){conn >= 0 ? conn : lsock, POLLIN, 0};
		for (unsigned i = 0; i < S.queues; i++) {
			struct vq *q = &S.vq[i];

			if (q->late_pending) {
				int ms = ms_until(&q->late);

				timeout = timeout < 0 || ms < timeout ? ms : timeout;
			}
			if (q->serve_pending)
				timeout = 0;
			if (q->kick >= 0 && q->started) {
				qi[np - 2] = i;
				pf[np++] = (struct pollfd){q->kick, POLLIN, 0};
			}
		}
		if (poll(pf, np, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fb_die("poll: %s", strerror(errno));
		}
		if (pf[0].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGUSR1 || si.ssi_signo == SIGUSR2) {
					S.armed = si.ssi_signo == SIGUSR1;
					fb_log("faults %s by signal", S.armed ? "armed" : "disarmed");
				} else {
					print_counts();
					if (S.socket_path)
						unlink(S.socket_path);
					return 0;
				}
			}
		}
		for (unsigned i = 0; i < S.queues; i++)
			if (S.vq[i].late_pending && !ms_until(&S.vq[i].late))
				complete_late(&S.vq[i]);
		if (pf[1].revents && S.pci) {
			if (fp_message(conn) < 0) {
				fb_log("QEMU is gone");
				print_counts();
				return 0;
			}
			continue;
		}
		if (pf[1].revents) {
			if (conn < 0) {
				conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
				if (conn >= 0)
					fb_log("front-end connected");
			} else if (serve_message()) {
				fb_log("front-end disconnected");
				end_session();
			}
			continue;
		}
		/* The socket read to its end: the starts' passes (kicks made
		 * before a start are taken with it, so the kicks this poll
		 * saw are not acted on again: polled afresh). */
		bool served_start = false;

		for (unsigned i = 0; i < S.queues; i++) {
			struct vq *q = &S.vq[i];

			if (!q->serve_pending)
				continue;
			q->serve_pending = false;
			drain_kicks(q);
			process(q);
			served_start = true;
		}
		if (served_start)
			continue;
		for (unsigned k = 2; k < np; k++) {
			struct vq *q = &S.vq[qi[k - 2]];

			if (!pf[k].revents)
				continue;
			drain_kicks(q);
			spurious(q);
			process(q);
		}
	}
}
