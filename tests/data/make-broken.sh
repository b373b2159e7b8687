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

# Ring rules (--check, data "rings"): the recorded ring memory of a virtio-rng
# snapshot taken in a QEMU guest (rings/rng-split.lspci: one queue of 8,
# descriptors at 0x1afe4000, avail ring 0x1afe4080, used ring 0x1afe40c0;
# avail idx = used idx = 4, nothing in flight).  Each file edits the
# "# vlp-mem ADDRESS HEX" lines: a chain made available at position 4 (avail
# idx 5, avail.ring[4] = its head), its descriptors, an indirect table in a
# memory range of its own (0x1b000000).
rbase=$(cat rings/rng-split.lspci)
# le VALUE BYTES: VALUE as little-endian hex.
le() {
	local v=$1 n=$2 out=""
	for ((i = 0; i < n; i++)); do
		out+=$(printf '%02x' $((v & 0xff)))
		v=$((v >> 8))
	done
	echo "$out"
}
# desc ADDR LEN FLAGS NEXT: a 16-byte virtq_desc (2.7.5); flags NEXT 1,
# WRITE 2, INDIRECT 4.
desc() { echo "$(le "$1" 8)$(le "$2" 4)$(le "$3" 2)$(le "$4" 2)"; }
# mem ADDRESS HEX: overwrite recorded guest memory (the bytes must lie in
# recorded ranges) in the snapshot on stdin.
mem() {
	awk -v addr="$1" -v bytes="$2" '
	function hex(s,   v, i) {
		s = tolower(s); sub(/^0x/, "", s); v = 0
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	BEGIN { a = hex(addr); n = length(bytes) / 2 }
	$1 == "#" && $2 == "vlp-mem" {
		base = hex($3); data = $4; len = length(data) / 2
		for (i = 0; i < n; i++) {
			p = a + i - base
			if (p >= 0 && p < len) data = substr(data, 1, 2 * p) substr(bytes, 2 * i + 1, 2) substr(data, 2 * p + 3)
		}
		$4 = data
	}
	{ print }'
}
# addmem ADDRESS HEX: a new recorded memory range, 32 bytes a line as
# --save writes them.
addmem() {
	local a=$(($1)) h=$2
	cat
	while [ -n "$h" ]; do
		printf '# vlp-mem 0x%x %s\n' "$a" "${h:0:64}"
		h=${h:64}
		a=$((a + 32))
	done
}
# avail HEAD...: the heads made available at positions 4, 5, ...
avail() {
	local ring="" n=$#
	for h in "$@"; do ring+=$(le "$h" 2); done
	mem 0x1afe4082 "$(le $((4 + n)) 2)" | mem 0x1afe408c "$ring"
}
# rreg BAR OFFSET WIDTH SELECTOR VALUE: a recorded register read.
rreg() { sed -E "s/^# vlp-read $1 $2 $3 $4 0x[0-9a-f]+$/# vlp-read $1 $2 $3 $4 $5/"; }
D=0x1afe4000 T=0x1b000000 B=0x1b95eb10
W=2 N=1 IND=4
echo "$rbase" | avail 9 | mk ring-head-range "virtio-rng: head 9 made available in a queue of 8" ring-head-range
echo "$rbase" | avail 0 | mem $D "$(desc $B 64 $((N | W)) 12)" | mk ring-next-range "virtio-rng: descriptor 0 chains to next 12 in a queue of 8" ring-next-range
echo "$rbase" | avail 0 | mem $D "$(desc $B 32 $((N | W)) 1)$(desc $B 32 $((N | W)) 0)" | mk ring-chain-loop "virtio-rng: descriptors 0 and 1 chain to each other" ring-chain-loop
table=""
for i in 0 1 2 3 4 5 6 7; do table+=$(desc $B 8 $((N | W)) $((i + 1))); done
table+=$(desc $B 8 $W 0)
echo "$rbase" | avail 0 | mem $D "$(desc $T 144 $IND 0)" | addmem $T "$table" | mk ring-chain-length "virtio-rng: an indirect table of 9 chained descriptors in a queue of 8" ring-chain-length
echo "$rbase" | avail 0 | mem $D "$(desc $T 16 $IND 0)" | addmem $T "$(desc $B 64 $W 0)" | rreg 4 0xc 4 0 0x20000000 | mk ring-indirect-feature "virtio-rng: an indirect descriptor while the driver did not accept VIRTIO_F_INDIRECT_DESC" ring-indirect-feature
echo "$rbase" | avail 0 | mem $D "$(desc $T 16 $((IND | N)) 1)$(desc $B 64 $W 0)" | addmem $T "$(desc $B 64 $W 0)" | mk ring-indirect-next "virtio-rng: descriptor 0 sets INDIRECT and NEXT" ring-indirect-next
echo "$rbase" | avail 0 | mem $D "$(desc $T 16 $IND 0)" | addmem $T "$(desc $T 16 $IND 0)" | mk ring-indirect-nested "virtio-rng: an indirect table whose entry is indirect again" ring-indirect-nested
echo "$rbase" | avail 0 | mem $D "$(desc $T 24 $IND 0)" | addmem $T "$(desc $B 64 $W 0)$(desc 0 0 0 0)" | mk ring-indirect-len "virtio-rng: an indirect table of 24 bytes (not a multiple of 16)" ring-indirect-len
echo "$rbase" | avail 0 | mem $D "$(desc $B 32 $((N | W)) 1)$(desc $B 32 0 0)" | mk ring-write-order "virtio-rng: a device-readable descriptor after a device-writable one" ring-write-order
echo "$rbase" | avail 0 1 | mem $D "$(desc $B 32 $((N | W)) 1)$(desc $B 32 $W 0)" | mk ring-chain-overlap "virtio-rng: chains 4 (heads 0) and 5 (head 1) share descriptor 1" ring-chain-overlap
echo "$rbase" | mem 0x1afe40dc "$(le 8 4)" | mk ring-used-id "virtio-rng: used entry 3 names id 8 in a queue of 8" ring-used-id
echo "$rbase" | mem 0x1afe4082 "$(le 13 2)" | mk ring-in-flight "virtio-rng: avail idx 13, used idx 4: 9 chains in flight in a queue of 8" ring-in-flight
echo "$rbase" | mem 0x1afe4080 "$(le 2 2)" | mk ring-flags "virtio-rng: avail flags 2 (undefined; 0 with VIRTIO_F_EVENT_IDX)" ring-flags
echo "$rbase" | rreg 4 0xc 4 0 0x10000000 | mk ring-event-idx "virtio-rng: used_event and avail_event set while the driver did not accept VIRTIO_F_EVENT_IDX" ring-event-idx
echo "$rbase" | rreg 4 0x20 4 0 0x1afe4008 | mk ring-alignment "virtio-rng: queue_desc 0x1afe4008 (descriptors are 16-byte aligned)" ring-alignment
echo "$rbase" | rreg 4 0x18 2 0 0x0006 | mk ring-size "virtio-rng: queue_size 6 on a split ring" ring-size queue-size-pow2
echo "$rbase" | rreg 4 0x28 4 0 0x02000000 | mk ring-memory "virtio-rng: queue_driver 0x2000000, outside the recorded (readable) guest memory" ring-memory
echo "$rbase" | grep -v '^# vlp-mem' | mk ring-no-memory "virtio-rng snapshot without ring memory: the ring checks are not made"

# Packed rings (2.8): the virtio-net of rings/net-packed.lspci, receiveq1
# (queue 0, 256 receive buffers posted): descriptors at 0x1b99a000, driver
# event suppression at 0x1b99b000.  The finding gives the 2.8 section.
pbase=$(cat rings/net-packed.lspci)
echo "$pbase" | mem 0x1b99b002 "$(le 3 2)" | mk ring-packed-event-flags "virtio-net packed: driver event suppression flags 3 (reserved, 2.8.10)" ring-flags
echo "$pbase" | mem 0x1b99a00e "$(le $((0x80 | IND | N | W)) 2)" | mk ring-packed-indirect-next "virtio-net packed: descriptor 0 sets INDIRECT and NEXT (2.8.19)" ring-indirect-next

# The interrupt path (register checks): the rng's MSI-X table of 2 entries
# (BAR1: entry 1 Vector Control at 0x1c, PBA at 0x800), queue 0 on vector 1.
echo "$rbase" | rreg 4 0x1a 2 0 0x0005 | mk irq-vector-range "virtio-rng: queue 0 mapped to vector 5 of a 2-entry MSI-X table" irq-vector-range
echo "$rbase" | rreg 4 0x1a 2 0 0x0000 | mk irq-vector-shared "virtio-rng: queue 0 and the config change share vector 0" irq-vector-shared
echo "$rbase" | rreg 4 0x1a 2 0 0xffff | mk irq-queue-vector "virtio-rng: enabled queue 0 with NO_VECTOR" irq-queue-vector
echo "$rbase" | rreg 1 0x1c 4 - 0x00000001 | rreg 1 0x800 4 - 0x00000002 | mk irq-masked-pending "virtio-rng: vector 1 (queue 0) masked with its pending bit set" irq-masked-pending
