/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conformance checker: one table of checks, each rule written once.
 * Rules the decoder already applies while decoding (the capability walk,
 * structure lengths, the BAR map, the state reader) report findings that
 * carry their check id; the table gives them a row and no function.  The
 * rest are functions in checkstatic.c and checkirq.c, run on the decoded
 * layout and, when the registers could be read, on the state; the ring
 * checks are ringfields.c's; the active ones checkactive.c's.  This file holds
 * the registry (each row's id, section and sentence) and the run over a
 * device (checkrun.h names the floors). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"

#define C VLP_CHECK_CONFIG
#define S VLP_CHECK_STATE
#define A VLP_CHECK_ACTIVE
#define X VLP_CHECK_EXERCISE
#define E VLP_SEV_ERROR
#define W VLP_SEV_WARNING
#define I VLP_SEV_INFO
/* Where the ring checks (vlp_ring_check_at) sit in the table's order. */
#define RING_ROWS_HERE                                                                             \
	{                                                                                          \
		{ NULL, NULL, I, VLP_CHECK_RINGS, NULL, NULL }, NULL                               \
	}

/* The table: every rule the tool checks, in the order reports list them.
 * The man page's CHECKS section lists the same ids (make docs-check). */
static const struct check_row checks[] = {
	/* PCI discovery and IDs (4.1.2) */
	{ { "id-device-type", "5", W, C, "header", "the virtio device type is one the spec defines" },
	  NULL },
	{ { "id-modern-revision", "4.1.2.1", W, C, "header",
	    "non-transitional devices have Revision ID 1 or higher" },
	  NULL },
	{ { "id-modern-subsystem", "4.1.2.1", W, C, "header",
	    "non-transitional devices have Subsystem Device ID 0x40 or higher" },
	  NULL },
	{ { "id-transitional-device", "4.1.2.1", W, C, "header",
	    "transitional device IDs are those of the 4.1.2.1 table" },
	  check_transitional_device_id },
	{ { "id-transitional-revision", "4.1.2.3", E, C, "header",
	    "transitional devices have Revision ID 0" },
	  NULL },
	{ { "id-transitional-subsystem", "4.1.2.3", W, C, "header",
	    "a transitional device's Subsystem Device ID is its virtio device type" },
	  NULL },
	{ { "legacy-io-bar0", "4.1.5.1.1.1", E, C, "BAR0",
	    "legacy and transitional devices have the legacy interface in I/O BAR0" },
	  NULL },
	/* The capability chain */
	{ { "cap-chain-pointer", "PCI 6.7", E, C, "capability",
	    "capability pointers stay out of the header (0x40+, extended 0x100+)" },
	  NULL },
	{ { "cap-chain-loop", "PCI 6.7", E, C, "capability", "the capability chain has no loop" }, NULL },
	{ { "cap-config-space", "4.1.4", E, C, "capability", "a capability fits in config space" },
	  NULL },
	{ { "cap-len", "4.1.4.2", E, C, "capability",
	    "cap_len covers the structure of the capability's cfg_type" },
	  NULL },
	{ { "cap-cfg-type-reserved", "4.1.4.1", I, C, "capability",
	    "cfg_type is a defined value (drivers ignore reserved ones)" },
	  NULL },
	{ { "cap-bar-reserved", "4.1.4", W, C, "capability",
	    "bar is 0-5 (drivers ignore a capability with a reserved BAR value)" },
	  NULL },
	{ { "cap-bar-upper-half", "4.1.4", E, C, "capability",
	    "bar does not name the upper half of a 64-bit BAR" },
	  NULL },
	{ { "cap-bar-missing", "4.1.4", E, C, "capability", "bar names an implemented BAR" }, NULL },
	/* Mandatory capabilities and the instance a driver uses */
	{ { "common-present", "4.1.4.3.1", E, C, "capabilities",
	    "a usable common configuration capability exists" },
	  NULL },
	{ { "notify-present", "4.1.4.4.1", E, C, "capabilities",
	    "a usable notification capability exists" },
	  NULL },
	{ { "isr-present", "4.1.4.5.1", E, C, "capabilities", "a usable ISR status capability exists" },
	  NULL },
	{ { "pci-cfg-present", "4.1.4.9.1", E, C, "capabilities",
	    "a PCI configuration access capability exists" },
	  NULL },
	{ { "device-cfg-present", "4.1.4.6.1", E, C, "capabilities",
	    "a device configuration capability exists where the device type has a configuration" },
	  NULL },
	{ { "driver-choice", "4.1.4.1", I, C, "capabilities",
	    "which instance of each structure a driver uses, and why others are skipped" },
	  check_driver_choice },
	/* Alignment and length per structure */
	{ { "common-align", "4.1.4.3.1", E, C, "capability",
	    "the common configuration offset is 4-byte aligned" },
	  NULL },
	{ { "common-length", "4.1.4.3", E, C, "capability",
	    "the common configuration is at least 0x38 bytes" },
	  NULL },
	{ { "notify-align", "4.1.4.4.1", E, C, "capability",
	    "the notification structure offset is 2-byte aligned" },
	  NULL },
	{ { "notify-length", "4.1.4.4.1", E, C, "capability",
	    "the notification structure is at least 2 bytes" },
	  NULL },
	{ { "isr-length", "4.1.4.5.1", E, C, "capability", "the ISR status structure is at least 1 byte" },
	  NULL },
	{ { "device-cfg-align", "4.1.4.6.1", E, C, "capability",
	    "the device configuration offset is 4-byte aligned" },
	  NULL },
	{ { "device-cfg-length", "4.1.4.6.1", E, C, "capability",
	    "the device configuration length is not 0" },
	  NULL },
	{ { "shm-length", "4.1.4.7.1", E, C, "capability", "a shared memory region is not empty" },
	  NULL },
	/* Structures in their BARs */
	{ { "struct-wrap", "4.1.4", E, C, "capability", "offset + length does not wrap around 32 bits" },
	  NULL },
	{ { "struct-in-bar", "4.1.4", E, C, "BAR map",
	    "every structure, MSI-X table and PBA lies inside its BAR" },
	  NULL },
	{ { "bar-size-known", "4.1.4", I, C, "BAR map",
	    "the size of every BAR holding a structure is known (else structures are not checked against it)" },
	  check_bar_size_known },
	{ { "struct-overlap", "4.1.4", E, C, "BAR map",
	    "structures, the MSI-X table and the PBA do not overlap" },
	  NULL },
	/* Notifications */
	{ { "notify-multiplier", "4.1.4.4.1", E, C, "capability",
	    "notify_off_multiplier is 0 or a power of 2" },
	  NULL },
	{ { "notify-multiplier-even", "4.1.4.4.1", W, C, "capability",
	    "notify_off_multiplier is even (\"an even power of 2\"), so 2-byte notifications do not overlap" },
	  check_notify_multiplier_even },
	{ { "notify-data-rules", "4.1.4.4.1", E, S, "capability",
	    "with VIRTIO_F_NOTIFICATION_DATA: multiplier a multiple of 4, offset 4-aligned, length 4 or more" },
	  check_notify_data_rules },
	{ { "notify-queue-offset", "4.1.4.4.1", E, S, "queue",
	    "every queue's notify address lies inside the notification structure (Linux: \"bad notification offset\")" },
	  NULL },
	{ { "notify-zero-multiplier", "4.1.4.4.1", W, S, "queue",
	    "a zero notify_off_multiplier comes with queue_notify_off 0 for every queue" },
	  check_notify_zero_multiplier },
	/* Shared memory and vendor data */
	{ { "shm-id-unique", "4.1.4.7.1", E, C, "capability", "shared memory capability ids are unique" },
	  NULL },
	{ { "linux-shm-cap-len", "4.1.4.7", W, C, "capability",
	    "shared memory capabilities are exactly 24 bytes (Linux: \"shm cap with bad size\")" },
	  check_linux_shm_cap_len },
	{ { "vendor-data-id", "4.1.4.8.1", E, C, "capability",
	    "a vendor data capability's vendor ID is not 0x1AF4" },
	  NULL },
	{ { "vendor-data-length", "4.1.4.8.1", E, C, "capability",
	    "a vendor data capability's length is a multiple of 4" },
	  NULL },
	/* MSI-X */
	{ { "msix-unique", "PCI 6.8.2", E, C, "capability", "one MSI-X capability" }, NULL },
	{ { "msix-bir", "PCI 6.8.2", E, C, "capability", "MSI-X table and PBA BIRs are 0-5" }, NULL },
	{ { "msix-bar", "PCI 6.8.2", E, C, "BAR map", "MSI-X table and PBA lie in implemented BARs" },
	  NULL },
	{ { "msix-vectors", "4.1.5.1.2.1", I, C, "capability",
	    "the device supports at least 2 MSI-X vectors" },
	  NULL },
	/* What known drivers do differently */
	{ { "linux-probe", "4.1.4.1", W, C, "capabilities",
	    "Linux's virtio_pci probe (first capability with an implemented BAR) accepts the device" },
	  check_linux_probe },
	{ { "dpdk-cap-choice", "4.1.4.1", W, C, "capabilities",
	    "DPDK's choice (the last capability of a type, all four required) matches the spec's" },
	  check_dpdk_choice },
	/* Common configuration and features */
	{ { "common-length-features", "4.1.4.3", E, S, "common",
	    "the common configuration covers the fields of the offered features (Linux: \"common cfg size does not match the feature\")" },
	  check_common_length_features },
	{ { "feature-version-1", "6.2", E, S, "features",
	    "the modern interface offers VIRTIO_F_VERSION_1" },
	  check_feature_version_1 },
	{ { "feature-legacy-only", "6.3", W, S, "features",
	    "a non-transitional device offers no legacy-only feature bit (24, 27, 30)" },
	  check_feature_legacy_only },
	{ { "feature-sr-iov", "6.2", E, S, "features",
	    "VIRTIO_F_SR_IOV only with an SR-IOV extended capability" },
	  check_feature_sr_iov },
	{ { "feature-platform", "6.2", I, S, "features",
	    "add-in cards offer VIRTIO_F_ACCESS_PLATFORM and VIRTIO_F_ORDER_PLATFORM (recommended)" },
	  check_feature_platform },
	/* Queues, status and reset */
	{ { "queue-size-pow2", "4.1.4.3.1", E, S, "queue",
	    "queue_size is 0 or a power of 2 unless VIRTIO_F_RING_PACKED" },
	  check_queue_size_pow2 },
	{ { "queue-count", "4.1.4.3.1", W, S, "common",
	    "num_queues is not 0 and the queues below it exist" },
	  check_queue_count },
	{ { "status-bits", "2.1", W, S, "common",
	    "device_status holds defined bits in a sensible combination" },
	  check_status_bits },
	{ { "reset-state", "4.1.4.3.1", E, S, "common",
	    "in reset (device_status 0): queues disabled, vectors unmapped" },
	  check_reset_state },
	{ { "config-generation-stable", "4.1.4.3.1", W, S, "device",
	    "config_generation settles while the device configuration is read" },
	  NULL },
	/* The interrupt path: event -> vector -> MSI-X table entry -> PBA */
	{ { "irq-queue-vector", "4.1.5.1.2", I, S, "queue",
	    "with MSI-X enabled, an enabled queue is mapped to a vector (NO_VECTOR: no used buffer notification, the driver polls)" },
	  check_irq_queue_vector },
	{ { "irq-vector-range", "4.1.5.1.2.1", E, S, "queue",
	    "config and queue vectors index the MSI-X table (the device answers NO_VECTOR to a mapping it cannot make)" },
	  check_irq_vector_range },
	{ { "irq-vector-shared", "4.1.5.1.2", I, S, "queue",
	    "events share a vector (Linux's fallback when it gets fewer vectors than queues + 1)" },
	  check_irq_vector_shared },
	{ { VLP_MSIX_HELD_CHECK, VLP_MSIX_HELD_SECTION, W, S, "MSI-X",
	    "no vector in use is masked with its pending bit set (an interrupt held back)" },
	  check_irq_masked_pending },
	/* The rings in guest memory (ringfields.c: the decoder reports them) */
	RING_ROWS_HERE,
	/* Checks that write (--check --active) */
	{ { "active-reset", "4.1.4.3.1", E, A, "common",
	    "writing 0 to device_status resets the device: it reads back 0" },
	  NULL },
	{ { "active-feature-window", "4.1.4.3.1", W, A, "common",
	    "device_feature reads 0 for device_feature_select beyond the defined words (4-7)" },
	  NULL },
	{ { "active-queue-size-max", "4.1.4.3", E, A, "queue",
	    "after reset, queue_size reads the maximum again" },
	  NULL },
	{ { "active-config-generation", "4.1.4.3.1", E, A, "common",
	    "The device MUST present a changed config_generation after the driver has read a device-specific configuration value which has changed since any part of the device-specific configuration was last read." },
	  NULL },
	/* Checks that drive the device (--check --exercise, checkexercise.c):
	 * the sentence of the published spec each tests. */
	{ { "exercise-reset-status", "2.4.1", E, X, "common",
	    "A device MUST reinitialize device status to 0 after receiving a reset." },
	  NULL },
	{ { "exercise-reset-queues", "4.1.4.3.1", E, X, "queue",
	    "The device MUST present a 0 in queue_enable on reset." },
	  NULL },
	{ { "exercise-reset-vectors", "4.1.5.1.2.1", E, X, "common",
	    "The device MUST have all queue and configuration change events unmapped upon reset." },
	  NULL },
	{ { "exercise-device-feature", "4.1.4.3.1", E, X, "common",
	    "The device MUST present the feature bits it is offering in device_feature, starting at bit device_feature_select * 32 for any device_feature_select written by the driver." },
	  NULL },
	{ { "exercise-version-1", "6.2", E, X, "common", "A device MUST offer VIRTIO_F_VERSION_1." },
	  NULL },
	{ { "exercise-unoffered-bit", "2.2.2", E, X, "common",
	    "The device SHOULD accept any valid subset of features the driver accepts, otherwise it MUST fail to set the FEATURES_OK device status bit when the driver writes it." },
	  NULL },
	{ { "exercise-features-ok-again", "2.2.2", W, X, "common",
	    "The device SHOULD NOT fail re-negotiation of the same set of features after a device or system reset." },
	  NULL },
	{ { "exercise-driver-feature", "4.1.4.3.1", E, X, "common",
	    "The device MUST present any valid feature bits the driver has written in driver_feature, starting at bit driver_feature_select * 32 for any driver_feature_select written by the driver." },
	  NULL },
	{ { "exercise-queue-size-absent", "4.1.4.3.1", E, X, "queue",
	    "The device MUST present a 0 in queue_size if the virtqueue corresponding to the current queue_select is unavailable." },
	  NULL },
	{ { "exercise-queue-size-pow2", "4.1.4.3.1", E, X, "queue",
	    "If VIRTIO_F_RING_PACKED has not been negotiated, the device MUST present either a value of 0 or a power of 2 in queue_size." },
	  NULL },
	{ { "exercise-config-64bit", "4.1.3.2", E, X, "device",
	    "For 64-bit device configuration fields, the device MUST allow driver independent access to high and low 32-bit parts of the field." },
	  NULL },
	{ { "exercise-pci-cfg-window", "4.1.4.9.1", E, X, "capability",
	    "Upon detecting driver read access to pci_cfg_data, the device MUST execute a read access of length cap.length at offset cap.offset at BAR selected by cap.bar and store the first cap.length bytes in pci_cfg_data." },
	  NULL },
	{ { "exercise-vector-map", "4.1.5.1.2.1", E, X, "common",
	    "Device MUST support mapping any event type to any valid vector 0 to MSI-X Table Size." },
	  NULL },
	{ { "exercise-vector-map-fail", "4.1.5.1.2.1", E, X, "common",
	    "Devices MUST report mapping failures by returning the NO_VECTOR value when the relevant config_msix_vector/queue_msix_vector field is read." },
	  NULL },
	{ { "exercise-before-driver-ok", "2.1.2", E, X, "queue",
	    "The device MUST NOT consume buffers or send any used buffer notifications to the driver before DRIVER_OK." },
	  NULL },
	{ { "exercise-isr-read-clears", "4.1.4.5.1", E, X, "ISR status",
	    "The device MUST reset ISR status to 0 on driver read." },
	  NULL },
	{ { "exercise-notify-used", "2.7.7.2", E, X, "queue",
	    "If flags is 0, the device MUST send a notification." },
	  NULL },
	{ { "exercise-no-vector-no-irq", "4.1.5.3.1", E, X, "queue",
	    "If MSI-X capability is enabled and queue_msix_vector is NO_VECTOR for a virtqueue, the device MUST NOT deliver an interrupt for that virtqueue." },
	  NULL },
	{ { "exercise-entropy-bytes", "5.4.6.2", E, X, "queue",
	    "The device MUST place one or more random bytes into the buffer, but it MAY use less than the entire buffer length." },
	  NULL },
	/* exercise: device types (checkextypes.c): what each type's Device
	 * Requirements let a driver observe without harm; what 5.2.6 says in
	 * prose only is an expectation (info), never a MUST. */
	{ { "exercise-blk-flush-wce", "5.2.5.2", E, X, "features",
	    "Devices SHOULD always offer VIRTIO_BLK_F_FLUSH, and MUST offer it if they offer VIRTIO_BLK_F_CONFIG_WCE." },
	  NULL },
	{ { "exercise-blk-read-only", "5.2.6.2", E, X, "queue",
	    "A device MUST set the status byte to VIRTIO_BLK_S_IOERR for a write request if the VIRTIO_BLK_F_RO feature if offered, and MUST NOT write any data." },
	  NULL },
	{ { "exercise-blk-get-id", "5.2.6", I, X, "queue",
	    "expectation (said in prose only, not a requirement): VIRTIO_BLK_T_GET_ID answers the device ID string, a NUL-padded ASCII string up to 20 bytes long." },
	  NULL },
	{ { "exercise-blk-unsupported", "5.2.6", I, X, "queue",
	    "expectation (said in prose only, not a requirement): the status byte is VIRTIO_BLK_S_UNSUPP for a request unsupported by device (a type not defined)." },
	  NULL },
	{ { "exercise-blk-out-of-range", "5.2.6", I, X, "queue",
	    "expectation (said in prose only, not a requirement): the status byte is VIRTIO_BLK_S_IOERR for device or driver error (a read beyond capacity)." },
	  NULL },
	{ { "exercise-net-num-buffers", "5.1.6.4.1", E, X, "queue",
	    "If VIRTIO_NET_F_MRG_RXBUF has not been negotiated, the device MUST set num_buffers to 1." },
	  NULL },
	{ { "exercise-net-mac-addr-set", "5.1.6.5.2.1", E, X, "queue",
	    "The device MUST update mac in config space before it consumes the VIRTIO_NET_CTRL_MAC_ADDR_SET command, if VIRTIO_NET_F_MAC has been negotiated." },
	  NULL },
	{ { "exercise-console-emerg", "5.3.5.1", E, X, "device",
	    "The device MUST allow a write to emerg_wr, even on an unconfigured device." },
	  NULL },
	{ { "exercise-scsi-sizes-reset", "5.6.4.2", E, X, "device",
	    "On reset, the device MUST set sense_size to 96 and cdb_size to 32." },
	  NULL },
	{ { "exercise-scsi-bad-target", "5.6.6.1.1", E, X, "queue",
	    "The device MUST write the response byte as one of the following: ... VIRTIO_SCSI_S_BAD_TARGET if the request was never processed because the target indicated by lun does not exist." },
	  NULL },
	{ { "exercise-needs-reset", "2.1.2", E, X, "common",
	    "If DRIVER_OK is set, after it sets DEVICE_NEEDS_RESET, the device MUST send a device configuration change notification to the driver." },
	  NULL },
	/* exercise: rings (checkexrings.c): block reads of sectors 0.., their
	 * device-writable buffers filled with a pattern first (the layout and
	 * indirect checks: a SCSI TEST UNIT READY too). */
	{ { "exercise-used-id", "2.7.8", E, X, "queue",
	    "id indicates the head entry of the descriptor chain describing the buffer (this matches an entry placed in the available ring by the guest earlier). (The used ring's definition: no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-used-len", "2.7.8.2", E, X, "queue",
	    "The device MUST write at least len bytes to descriptor, beginning at the first device-writable buffer, prior to updating the used idx." },
	  NULL },
	{ { "exercise-used-idx", "2.7.8", E, X, "queue",
	    "idx field indicates where the device would put the next descriptor entry in the ring (modulo the queue size). (The used ring's definition: no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-readable-intact", "2.7.5.1", E, X, "queue",
	    "A device MUST NOT write to a device-readable buffer." },
	  NULL },
	{ { "exercise-desc-intact", "2.7.5.1", E, X, "queue",
	    "A device MUST NOT write to any descriptor table entry." },
	  NULL },
	{ { "exercise-notify-suppressed", "2.7.7.2", W, X, "queue",
	    "If flags is 1, the device SHOULD NOT send a notification." },
	  NULL },
	{ { "exercise-requests-complete", "2.7.8", E, X, "queue",
	    "Every buffer made available comes back in the used ring within 2 s (liveness: no MUST sentence states it)." },
	  NULL },
	{ { "exercise-used-after-reset", "2.4.1", E, X, "queue",
	    "A device MUST NOT send notifications or interact with the queues after indicating completion of the reset by reinitializing device status to 0, until the driver re-initializes the device." },
	  NULL },
	{ { "exercise-any-layout", "2.7.4.1", E, X, "queue",
	    "The device MUST NOT make assumptions about the particular arrangement of descriptors." },
	  NULL },
	{ { "exercise-indirect", "2.7.5.3.2", E, X, "queue",
	    "The device MUST handle the case of zero or more normal chained descriptors followed by a single descriptor with flags&VIRTQ_DESC_F_INDIRECT." },
	  NULL },
	{ { "exercise-event-idx-quiet", "2.7.7.2", W, X, "queue",
	    "If the VIRTIO_F_EVENT_IDX feature bit is negotiated: ... Otherwise [the idx field in the used ring was not equal to used_event] the device SHOULD NOT send a notification." },
	  NULL },
	{ { "exercise-event-idx-notify", "2.7.7.2", E, X, "queue",
	    "If the VIRTIO_F_EVENT_IDX feature bit is negotiated: ... If the idx field in the used ring (which determined where that descriptor index was placed) was equal to used_event, the device MUST send a notification." },
	  NULL },
	{ { "exercise-spurious-kick", "2.7.10.2", E, X, "queue",
	    "The device MUST handle spurious notifications from the driver." },
	  NULL },
	{ { "exercise-hostile", "2.1.2", I, X, "queue",
	    "expectation (said in prose only, not a requirement): a device given a malformed chain does not wedge; it may set DEVICE_NEEDS_RESET, and works again after a reset." },
	  NULL },
	/* exercise: packed rings and IN_ORDER (checkexpacked.c): block reads as
	 * lists of three descriptors in a session with VIRTIO_F_RING_PACKED. */
	{ { "exercise-packed-used-id", "2.8", E, X, "queue",
	    "When the device has finished processing the buffer, it writes a used device descriptor including the Buffer ID into the Descriptor Ring (overwriting a driver descriptor previously made available). (A Buffer ID made available and not yet used; the packed ring's definition: no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-packed-used-flags", "2.8.1", E, X, "queue",
	    "To mark a descriptor as used, the device sets the VIRTQ_DESC_F_USED bit in Flags to match the internal Device Ring Wrap Counter. It also sets the VIRTQ_DESC_F_AVAIL bit to match the same value. (The packed ring's definition: no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-packed-used-len", "2.8.4", E, X, "queue",
	    "In a used descriptor, ... Element Length specifies the length of the buffer that has been initialized (written to) by the device. (At most the writable bytes, at least those written; no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-packed-used-write", "2.8.3", E, X, "queue",
	    "In a used descriptor, this bit is used to specify whether any data has been written by the device into any parts of the buffer. (VIRTQ_DESC_F_WRITE on the used descriptor of a buffer written into: without it Element Length is reserved, 2.8.4; no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-packed-list-skip", "2.8.6", E, X, "queue",
	    "The device only writes out a single used descriptor for the whole list. It then skips forward according to the number of descriptors in the list. (The packed ring's definition: no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-packed-readable", "2.8.15", E, X, "queue",
	    "A device MUST NOT write to a device-readable buffer." },
	  NULL },
	{ { "exercise-packed-complete", "2.8", E, X, "queue",
	    "Every buffer made available in a packed ring comes back as a used descriptor within 2 s (liveness: no MUST sentence states it)." },
	  NULL },
	{ { "exercise-packed-notify", "2.8.10", E, X, "queue",
	    "The Driver Event Suppression structure is read-only by the device and controls the used buffer notifications sent by the device to the driver. ... RING_EVENT_FLAGS_ENABLE: Enable events. (A notification after a used descriptor with flags ENABLE; no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-packed-quiet", "2.8.10", I, X, "queue",
	    "expectation (said in prose only, not a requirement): with the Driver Event Suppression flags RING_EVENT_FLAGS_DISABLE (\"Disable events\") the device sends no used buffer notification." },
	  NULL },
	{ { "exercise-packed-desc-quiet", "2.8.10", I, X, "queue",
	    "expectation (said in prose only, not a requirement): with VIRTIO_F_EVENT_IDX and the Driver Event Suppression flags RING_EVENT_FLAGS_DESC (\"Enable events for a specific descriptor\"), no used buffer notification before the device uses the descriptor at Descriptor Ring Change Event Offset and Wrap Counter." },
	  NULL },
	{ { "exercise-packed-desc-event", "2.8.10", E, X, "queue",
	    "Descriptor Ring Change Event Offset: If Event Flags set to descriptor specific event: offset within the ring (in units of descriptor size). Event will only trigger when this descriptor is made available/used respectively. (A notification when the device uses the descriptor at the offset and wrap counter, VIRTIO_F_EVENT_IDX negotiated; no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-packed-indirect", "2.8.7", E, X, "queue",
	    "The VIRTIO_F_INDIRECT_DESC feature allows this. To increase ring capacity the driver can store a (read-only by the device) table of indirect descriptors anywhere in memory, and insert a descriptor in the main virtqueue (with Flags bit VIRTQ_DESC_F_INDIRECT on) that refers to a buffer element containing this indirect descriptor table; addr and len refer to the indirect table address and length in bytes, respectively. (Where VIRTIO_F_INDIRECT_DESC is offered with VIRTIO_F_RING_PACKED; no MUST sentence states it.)" },
	  NULL },
	{ { "exercise-in-order", "6.2", E, X, "queue",
	    "If VIRTIO_F_IN_ORDER has been negotiated, a device MUST use buffers in the same order in which they have been available." },
	  NULL },
	/* Not a rule: what could not be read, so what was not checked */
	{ { "data-incomplete", NULL, I, C, "device",
	    "data a check needs could not be read (the check is then not made)" },
	  NULL },
};

#undef C
#undef S
#undef A
#undef X
#undef E
#undef W
#undef I
#undef RING_ROWS_HERE

const char *vlp_check_data_name(enum vlp_check_data d)
{
	static const char *const names[] = {
		[VLP_CHECK_CONFIG] = "config",     [VLP_CHECK_STATE] = "registers",
		[VLP_CHECK_ACTIVE] = "active",     [VLP_CHECK_RINGS] = "rings",
		[VLP_CHECK_EXERCISE] = "exercise",
	};

	return (unsigned)d < VLP_ARRAY_SIZE(names) ? names[d] : NULL;
}

/* The table's order: checks[] up to the RING_ROWS_HERE row, the ring
 * checks, then the rest of checks[]. */
static size_t ring_rows_at(void)
{
	size_t i = 0;

	while (i < VLP_ARRAY_SIZE(checks) && checks[i].info.id)
		i++;
	return i;
}

size_t vlp_check_count(void)
{
	return VLP_ARRAY_SIZE(checks) - 1 + vlp_ring_check_count();
}

static const struct check_row *row_at(size_t index)
{
	size_t at = ring_rows_at(), nring = vlp_ring_check_count();

	if (index < at)
		return &checks[index];
	if (index < at + nring)
		return NULL;
	index = index - nring + 1;
	return index < VLP_ARRAY_SIZE(checks) ? &checks[index] : NULL;
}

const struct vlp_check *vlp_check_at(size_t index)
{
	size_t at = ring_rows_at();
	const struct check_row *row;

	if (index >= at && index - at < vlp_ring_check_count())
		return vlp_ring_check_at(index - at);
	row = row_at(index);
	return row ? &row->info : NULL;
}

const struct vlp_check *vlp_check_find(const char *id)
{
	const struct vlp_check *c;

	for (size_t i = 0; id && (c = vlp_check_at(i)); i++)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

/* Position of a check in the table's order (vlp_check_at); past the end
 * for none. */
static size_t table_index(const struct vlp_check *c)
{
	const struct check_row *row = (const struct check_row *)(const void *)c;
	size_t at = ring_rows_at(), nring = vlp_ring_check_count();

	if (!c)
		return vlp_check_count();
	for (size_t i = 0; i < nring; i++)
		if (vlp_ring_check_at(i) == c)
			return at + i;
	for (size_t i = 0; i < VLP_ARRAY_SIZE(checks); i++)
		if (row == &checks[i])
			return i < at ? i : i - 1 + nring;
	return vlp_check_count();
}

/* Findings in table order, in the order found within a check (insertion
 * sort: stable, and reports are short). */
void chk_sort_findings(struct vlp_check_report *rep)
{
	size_t *keys = malloc((rep->nfindings ? rep->nfindings : 1) * sizeof(*keys));

	for (size_t i = 0; keys && i < rep->nfindings; i++)
		keys[i] = table_index(rep->findings[i].check);
	for (size_t i = 1; i < rep->nfindings; i++) {
		struct vlp_check_finding tmp = rep->findings[i];
		size_t key = keys ? keys[i] : table_index(tmp.check), j = i;

		while (j > 0 && (keys ? keys[j - 1] : table_index(rep->findings[j - 1].check)) > key) {
			rep->findings[j] = rep->findings[j - 1];
			if (keys)
				keys[j] = keys[j - 1];
			j--;
		}
		rep->findings[j] = tmp;
		if (keys)
			keys[j] = key;
	}
	free(keys);
}

/* ------------------------------------------------------------ running */

static void collect(struct check_run *r, const struct vlp_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		chk_add_finding(r, vlp_check_find(f[i].check), &f[i], NULL);
}

/* A ring check: the findings the decoder made under its id, per queue;
 * NULL when the rings were read, else why not. */
static const char *ring_row(struct check_run *r, const char *no_rings_reason)
{
	const struct vlp_rings *rs = r->rings;

	if (!rs)
		return no_rings_reason ? no_rings_reason : "rings not read";
	if (rs->error[0])
		return rs->error;
	for (size_t i = 0; i < rs->nqueues; i++) {
		const struct vlp_queue_ring *q = &rs->queues[i];
		const struct vlp_ring *ring = q->ring;
		bool said = false;

		if (!ring)
			continue;
		for (size_t k = 0; k < ring->nfindings; k++) {
			if (!ring->findings[k].check || strcmp(ring->findings[k].check, r->check->id))
				continue;
			snprintf(r->where, sizeof(r->where), "queue %u %s", q->index, q->name);
			chk_add_finding(r, r->check, &ring->findings[k], r->where);
			said = true;
		}
		/* Beyond VLP_RING_FINDINGS_MAX the decoder counts, once per
		 * ring: said under the check of its last finding. */
		if (said && ring->findings_omitted && ring->nfindings &&
		    !strcmp(ring->findings[ring->nfindings - 1].check, r->check->id))
			chk_report(r, VLP_SEV_INFO, -1, r->where,
				   "%zu more ring findings of queue %u not listed",
				   ring->findings_omitted, q->index);
	}
	return NULL;
}

static bool same_finding(const struct vlp_finding *a, const struct vlp_finding *b)
{
	return a->check && b->check && !strcmp(a->check, b->check) && !strcmp(a->message, b->message);
}

size_t vlp_rings_keep_confirmed(struct vlp_rings *rings, const struct vlp_rings *earlier)
{
	size_t dropped = 0;

	for (size_t i = 0; rings && i < rings->nqueues; i++) {
		struct vlp_ring *now = rings->queues[i].ring;
		const struct vlp_ring *before = NULL;
		size_t kept = 0;

		for (size_t k = 0; earlier && k < earlier->nqueues && !before; k++)
			if (earlier->queues[k].index == rings->queues[i].index)
				before = earlier->queues[k].ring;
		for (size_t f = 0; now && f < now->nfindings; f++) {
			bool seen = false;

			for (size_t e = 0; before && e < before->nfindings && !seen; e++)
				seen = same_finding(&now->findings[f], &before->findings[e]);
			if (seen)
				now->findings[kept++] = now->findings[f];
			else
				dropped++;
		}
		if (now)
			now->nfindings = kept;
	}
	return dropped;
}

int vlp_check_device(struct vlp_ctx *ctx, const struct vlp_device *dev, const struct vlp_layout *l,
		     const struct vlp_state *state, const char *no_state_reason,
		     struct vlp_check_report **out)
{
	return vlp_check_device_rings(ctx, dev, l, state, no_state_reason, NULL, NULL, out);
}

int vlp_check_device_rings(struct vlp_ctx *ctx, const struct vlp_device *dev,
			   const struct vlp_layout *l, const struct vlp_state *state,
			   const char *no_state_reason, const struct vlp_rings *rings,
			   const char *no_rings_reason, struct vlp_check_report **out)
{
	struct check_run r = { .ctx = ctx, .dev = dev, .l = l, .s = state, .rings = rings };
	bool header_only = !vlp_device_config_valid(dev, VLP_CONFIG_HEADER,
						    VLP_CONFIG_LEGACY - VLP_CONFIG_HEADER);

	r.rep = calloc(1, sizeof(*r.rep));
	if (!r.rep)
		return vlp_error(ctx, ENOMEM, "out of memory");
	collect(&r, l->findings, l->nfindings);
	if (state)
		collect(&r, state->findings, state->nfindings);
	for (size_t i = 0; i < vlp_check_count(); i++) {
		const struct check_row *row = row_at(i); /* NULL: a ring check */
		const struct vlp_check *c = vlp_check_at(i);
		const char *why = NULL;

		r.check = c;
		if (c->data == VLP_CHECK_ACTIVE)
			why = "writes to the device"; /* made when asked: not_asked */
		else if (c->data == VLP_CHECK_EXERCISE)
			why = "drives the device's queues"; /* made when asked */
		else if (!l->virtio.is_virtio)
			why = "not a virtio device";
		else if (header_only && strcmp(c->where, "header"))
			why = vlp_device_origin(dev) == VLP_ORIGIN_HOST
				      ? "not visible from the host (QEMU's monitor gives the IDs and BARs, not the config space)"
				      : "only the 64-byte config header was read";
		else if ((c->data == VLP_CHECK_STATE || c->data == VLP_CHECK_RINGS) && !state)
			why = no_state_reason ? no_state_reason : "registers behind the BARs not read";
		else if (!row)
			why = ring_row(&r, no_rings_reason);
		else if (row->fn)
			why = row->fn(&r);
		if (why) {
			chk_skip(&r, c, why);
			if ((c->data == VLP_CHECK_ACTIVE || c->data == VLP_CHECK_EXERCISE) &&
			    !r.out_of_memory)
				r.rep->skipped[r.rep->nskipped - 1].not_asked = true;
		} else
			r.rep->checks_run++;
	}
	if (r.out_of_memory) {
		vlp_check_report_free(r.rep);
		return vlp_error(ctx, ENOMEM, "out of memory");
	}
	chk_sort_findings(r.rep);
	*out = r.rep;
	return 0;
}
