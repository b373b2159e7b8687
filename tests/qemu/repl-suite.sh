#!/bin/bash
# The REPL's write path in a QEMU guest: a batch script takes a virtio-net device (driver
# unbound) through reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queue setup and
# DRIVER_OK, pausing after each step while the host asks QEMU over QMP for its own view
# (x-query-virtio-status, x-query-virtio-queue-status); every step is checked against it.
# Then: features the device cannot accept keep FEATURES_OK from sticking (QEMU refuses a
# driver that does not accept ACCESS_PLATFORM on an iommu_platform=on device); a bit the
# device never offered, which QEMU masks and accepts, is reported; a reset brings status
# back to 0, --dry-run writes nothing, a device with a bound driver refuses writes,
# read-only fields and out-of-range values are refused.
#
#   tests/qemu/repl-suite.sh [--keep DIR]
#
# Needs ./virtio-lspci, root (tests/qemu/setup.sh), socat and jq. Output: FAIL lines, then
# "qemu-repl: N passed, M failed"; exit 0 only if every check passed.
# Not root: "SKIP: reason", "qemu-repl: 0 passed, 0 failed, 1 skipped", exit 0
# (vlp_setup_or_skip in lib.sh; as root, a tests/qemu/setup.sh that fails fails the suite).
# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_stepped_suite qemu-repl "$@"
export VLP_REPL_OUT=$qmp VLP_REPL_SYNC=$sock
vlp_guest_stepped --test "$VLP_QEMU_DIR/repl/guest.sh" \
	--hook "$VLP_QEMU_DIR/repl/hook.sh" --hook-at start \
	--append "mem=512M" --timeout 180 -- \
	-netdev user,id=n02 -device virtio-net-pci,netdev=n02,disable-legacy=on,id=vlp02,addr=0x2 \
	-device virtio-rng-pci,id=vlp03,addr=0x3 \
	-netdev user,id=n04 -device virtio-net-pci,netdev=n04,disable-legacy=on,iommu_platform=on,id=vlp04,addr=0x4

# QEMU's view at a step, through the suite's jq helpers (status byte, feature bits).
status_at() { vlp_at "$1" '.net.status | qemu_status'; }
vlp_expect "reset: status" "$(status_at reset)" 0
vlp_expect "ACKNOWLEDGE: status" "$(status_at acknowledge)" 1
vlp_expect "DRIVER: status" "$(status_at driver)" 3
vlp_expect "features: guest features" "$(vlp_at features '.net["guest-features"] | qemu_features | join(",")')" "5,16,32"
vlp_expect "FEATURES_OK: status" "$(status_at features_ok)" 11
for q in 0 1; do
	base=$((0x30000000 + q * 0x10000))
	vlp_expect "queue $q: size" "$(vlp_at queues ".q${q}[\"vring-num\"]")" 64
	vlp_expect "queue $q: desc" "$(vlp_at queues ".q${q}[\"vring-desc\"]")" "$base"
	vlp_expect "queue $q: driver area" "$(vlp_at queues ".q${q}[\"vring-avail\"]")" "$((base + 0x1000))"
	vlp_expect "queue $q: device area" "$(vlp_at queues ".q${q}[\"vring-used\"]")" "$((base + 0x2000))"
done
vlp_expect "DRIVER_OK: status" "$(status_at driver_ok)" 15
vlp_expect "reset again: status" "$(status_at reset_again)" 0
vlp_has "batch init: exit" "batch init" "rc=0"
vlp_has "batch init: read back" "batch init" "device_status <- 0x0f (ACKNOWLEDGE DRIVER DRIVER_OK FEATURES_OK); reads back 0x0f"
vlp_has "batch init: reset wait" "batch init" "reads back 0x00 after"
# QEMU 7.2 keeps VERSION_1, MAC and STATUS (bits 32, 5, 16) in driver_feature
# after the second reset: the REPL says so.
vlp_has "batch init: driver_feature kept after reset, noted" "batch init" \
	"note: driver_feature still reads 00000000 00000000 00000001 00010020 after the reset"
vlp_has "batch init: notify" "batch init" "notify queue 1: wrote 0x1"
vlp_expect "unoffered feature: status (QEMU masks the bit)" "$(status_at unoffered)" 11
vlp_expect "unoffered feature: QEMU's guest features" "$(vlp_at unoffered '.net["guest-features"] | qemu_features | join(",")')" "32"
vlp_has "unoffered feature: warned" "unoffered feature" "VIRTIO_F_RING_PACKED (bit 34) is not offered by the device: the driver must not accept it (2.2.1)"
vlp_has "unoffered feature: reported" "unoffered feature" "FEATURES_OK stuck although driver_feature holds bits the device does not offer: VIRTIO_F_RING_PACKED"
vlp_expect "refused features: status" "$(vlp_at refused '.iommu.status | qemu_status')" 3
vlp_has "refused features: exit" "refused features" "rc=1"
vlp_has "refused features: reported" "refused features" "FEATURES_OK did not stick"
vlp_expect "reset: status" "$(status_at reset_final)" 0
vlp_has "reset: exit" "reset" "rc=0"
vlp_expect "dry run: status" "$(status_at dry_run)" 0
vlp_has "dry run: shown" "dry run" "would write -> BAR"
vlp_has "dry run: exit" "dry run" "rc=0"
vlp_expect "bound driver: rng status untouched" "$(vlp_at bound '.rng.status | qemu_status')" 15
vlp_has "bound driver: refused" "driver bound" "driver virtio-pci is bound to 0000:00:03.0: unbind it first"
vlp_has "bound driver: exit" "driver bound" "rc=1"
vlp_has "read-only field: refused" "read-only field, out of range, stdin batch" "num_queues is read-only for the driver (4.1.4.3.2)"
vlp_has "out of range: refused" "read-only field, out of range, stdin batch" "0x10000 does not fit queue_size (16 bits)"
echo "qemu-repl: $(wc -l <"$qmp") QMP views, $((SECONDS - VLP_T0)) s"
summary "$VLP_PROG"
