#!/usr/bin/env bash
# Regenerates tests/data/broken/: one mutated copy of a real dump per rule
# the decoder and the conformance checker (--check) apply.  The base is the
# real virtio-socket device 00:04.0 of host-vm.lspci (lspci -vvvxxxx text, so
# BAR sizes are known); transitional rules mutate the virtio-net 00:02.0 of
# qemu-transitional.lspci, register rules the virtio-net 00:02.0 of the QEMU
# snapshot snapshot-modern.lspci (config space and recorded registers).
# Each file says in a "# expect: CHECK..." line the checks that must report
# it (tests/check.sh verifies them).
set -euo pipefail
cd "$(dirname "$0")"
base=$(awk '/^00:04.0 /{on=1} on&&/^$/{exit} on' host-vm.lspci)

# poke OFFSET BYTE...: set config bytes (hex) in the dump text on stdin.
poke() {
	local off=$((16#$1))
	shift
	local bytes="$*"
	awk -v off="$off" -v bytes="$bytes" '
	function hex(s,   v, i) {
		v = 0
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	BEGIN { n = split(bytes, b, " ") }
	/^[0-9a-f]+: / {
		line = hex(substr($1, 1, length($1) - 1))
		for (i = 1; i <= n; i++) {
			o = off + i - 1
			if (int(o / 16) * 16 == line) $((o % 16) + 2) = b[i]
		}
	}
	{ print }'
}
# drop OFFSET: remove the 16-byte line at OFFSET (a dump with a hole).
drop() { grep -v "^$1: "; }

mk() { # NAME DESCRIPTION [CHECK...]: stdin is the dump
	local name=$1 what=$2
	shift 2
	{ echo "# $what"; [ $# -eq 0 ] || echo "# expect: $*"; cat; } >"broken/$name.lspci"
}
# reg OFFSET WIDTH SELECTOR VALUE: replace a recorded register read of the
# common configuration (BAR4 in the snapshot base) in the snapshot on stdin.
reg() { sed -E "s/^# vlp-read 4 $1 $2 $3 0x[0-9a-f]+$/# vlp-read 4 $1 $2 $3 $4/"; }

echo "$base" | poke 85 50 | mk chain-loop "PCI cfg cap's next points back to the ISR cap at 0x50" cap-chain-loop
echo "$base" | poke 85 10 | mk pointer-into-header "PCI cfg cap's next points into the header (0x10)" cap-chain-pointer
echo "$base" | poke 86 10 | mk pci-cfg-cap-len-16 "PCI cfg cap with cap_len 16 instead of 20 (cloud-hypervisor PR #8238)" cap-len pci-cfg-present
echo "$base" | poke 6c 00 00 00 00 | mk device-cfg-zero-length "DEVICE_CFG length 0 (openvmm issue #3925: Linux 'bad capability len 0')" device-cfg-length device-cfg-present linux-probe
echo "$base" | poke 44 07 | mk reserved-bar "common cfg cap on reserved BAR 7" cap-bar-reserved common-present
echo "$base" | poke 68 00 f8 07 00 | mk outside-bar "device cfg at 0x7f800 + 0x1000 in a 512K BAR" struct-in-bar
echo "$base" | poke 48 02 | mk misaligned-common "common cfg offset 2 (must be 4-byte aligned)" common-align linux-probe
echo "$base" | poke 61 84 | mk missing-notify "chain skips the notify cap" notify-present linux-probe dpdk-cap-choice
echo "$base" | poke 80 03 | mk multiplier-3 "notify_off_multiplier 3 (not a power of 2)" notify-multiplier
echo "$base" | poke 72 10 | mk notify-cap-len-16 "notify cap without room for its multiplier" cap-len notify-present
echo "$base" | poke 9c 00 20 00 00 | mk msix-overlaps-isr "MSI-X table moved onto the ISR structure" struct-overlap
echo "$base" | poke 87 0a | mk reserved-cfg-type "PCI cfg cap turned into reserved cfg_type 10" cap-cfg-type-reserved pci-cfg-present
echo "$base" | drop 70 | mk missing-line "the dump lacks line 70: the notify capability is unavailable" data-incomplete
echo "$base" | grep -vE '^[4-9a-f]0: ' | mk header-only "only the 64-byte header (lspci -x)" data-incomplete
echo "$base" | poke 02 00 10 | poke 08 00 | poke 2e 01 00 | mk transitional-no-io-bar "device 1af4:1000 rev 0 with caps but a memory BAR0" legacy-io-bar0

# Checker rules (--check): identity, capabilities, BAR map, notifications.
echo "$base" | poke 02 7f 10 | mk id-device-type "device ID 0x107f: virtio device type 63 is not defined" id-device-type
echo "$base" | poke 08 00 | mk id-modern-revision "non-transitional device with Revision ID 0" id-modern-revision
echo "$base" | poke 2e 01 00 | mk id-modern-subsystem "non-transitional device with Subsystem Device ID 0x0001" id-modern-subsystem
echo "$base" | poke 44 01 | mk cap-bar-upper-half "common cfg cap on BAR1, the upper half of 64-bit BAR0" cap-bar-upper-half
echo "$base" | poke 44 02 | mk cap-bar-missing "common cfg cap on BAR2, which is not implemented" cap-bar-missing
echo "$base" | poke 4c 30 00 00 00 | mk common-length-short "common cfg length 0x30 (Linux: bad capability len 48)" common-length linux-probe
echo "$base" | poke 78 01 60 00 00 | mk notify-misaligned "notify structure at odd offset 0x6001" notify-align
echo "$base" | poke 7c 01 00 00 00 | mk notify-length-1 "notify structure of 1 byte" notify-length
echo "$base" | poke 5c 00 00 00 00 | mk isr-length-0 "ISR structure of 0 bytes" isr-length isr-present
echo "$base" | poke 68 02 40 00 00 | mk device-cfg-misaligned "device cfg at offset 0x4002" device-cfg-align
echo "$base" | poke 68 00 f0 ff ff 00 20 00 00 | mk struct-wrap "device cfg at 0xfffff000 + 0x2000 wraps around 32 bits" struct-wrap
echo "$base" | poke 80 01 00 00 00 | mk multiplier-1 "notify_off_multiplier 1: neighbouring queues' 2-byte registers overlap" notify-multiplier-even
echo "$base" | poke 87 09 f4 1a | mk vendor-data-1af4 "PCI cfg cap turned into vendor data with vendor ID 0x1af4" vendor-data-id
echo "$base" | poke 86 13 09 f4 10 | mk vendor-data-length "vendor data cap with cap_len 19" vendor-data-length
echo "$base" | poke 9c 07 | mk msix-reserved-bir "MSI-X table BIR 7" msix-bir
echo "$base" | poke 9c 02 | mk msix-absent-bar "MSI-X table in BAR2, which is not implemented" msix-bar
echo "$base" | poke 9a 00 | mk msix-one-vector "MSI-X table of 1 vector" msix-vectors
echo "$base" | grep -v 'Region 0:' | mk bar-size-unknown "no Region line: BAR0's size is unknown" bar-size-known
echo "$base" | poke 84 11 98 03 80 00 80 00 00 00 80 04 00 | mk msix-twice "the PCI cfg cap replaced by a second MSI-X capability" msix-unique pci-cfg-present
echo "$base" | poke 84 09 00 14 01 00 00 00 00 00 00 00 00 38 00 00 00 | poke 71 84 | poke 41 50 | mk dpdk-last-common "a second common cfg cap at the end: DPDK takes it, the spec's driver the first" dpdk-cap-choice driver-choice
echo "$base" | poke 99 f8 | poke f8 09 00 10 04 00 00 00 00 | mk cap-past-config-space "a device cfg cap at 0xf8 whose 16 bytes run past 0x100" cap-config-space

# Transitional devices (4.1.2.3).
tbase=$(awk '/^00:02.0 /{on=1} on&&/^$/{exit} on' qemu-transitional.lspci)
echo "$tbase" | poke 08 01 | mk id-transitional-revision "transitional device with Revision ID 1" id-transitional-revision
echo "$tbase" | poke 2e 02 00 | mk id-transitional-subsystem "transitional network device ID with subsystem device ID 2 (block)" id-transitional-subsystem
echo "$tbase" | poke 02 10 10 | mk id-transitional-device "transitional device with ID 0x1010, not in the 4.1.2.1 table" id-transitional-device

# Register rules: snapshots of a QEMU virtio-net (BAR4 holds common cfg at
# 0, ISR 0x1000, device cfg 0x2000, notify 0x3000 with multiplier 4).
sbase=$(awk '/^0000:00:03.0 /{exit} {print}' snapshot-modern.lspci)
echo "$sbase" | poke 4c 38 00 00 00 | mk snap-short-common-ring-reset "common cfg of 0x38 bytes while VIRTIO_F_RING_RESET is offered (Linux: common cfg size(56) does not match the feature)" common-length-features
echo "$sbase" | poke 80 00 00 00 00 | mk snap-zero-multiplier "notify_off_multiplier 0 with queue_notify_off 1 and 2" notify-zero-multiplier
echo "$sbase" | reg 0x1e 2 2 0x0400 | mk snap-notify-outside "queue 2's queue_notify_off 0x400: notify address past the notify structure" notify-queue-offset
echo "$sbase" | reg 0x18 2 2 0x0030 | mk snap-queue-size-48 "queue 2 with queue_size 48" queue-size-pow2
echo "$sbase" | reg 0x4 4 1 0x00000100 | mk snap-no-version-1 "modern device not offering VIRTIO_F_VERSION_1" feature-version-1
echo "$sbase" | reg 0x4 4 0 0x38bf8024 | mk snap-any-layout "non-transitional device offering VIRTIO_F_ANY_LAYOUT" feature-legacy-only
echo "$sbase" | reg 0x4 4 1 0x00000141 | poke 80 02 00 00 00 | mk snap-notification-data "VIRTIO_F_NOTIFICATION_DATA offered with notify_off_multiplier 2" notify-data-rules
echo "$sbase" | reg 0x14 1 - 0x07 | mk snap-driver-ok-no-features-ok "device_status DRIVER_OK without FEATURES_OK" status-bits
echo "$sbase" | reg 0x14 1 - 0x00 | mk snap-reset-queue-enabled "device_status 0 with queues still enabled and vectors mapped" reset-state
echo "$sbase" | reg 0x12 2 - 0x0000 | mk snap-no-queues "num_queues 0" queue-count
echo "$sbase" | poke 2c 34 12 | reg 0x4 4 1 0x00000101 | mk snap-add-in-card "subsystem vendor 0x1234 without ACCESS_PLATFORM/ORDER_PLATFORM" feature-platform
