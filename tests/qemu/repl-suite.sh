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
# "qemu-repl: N passed, M failed"; exit 0 only if every check passed. Without QEMU (setup.sh
# fails): "SKIP: reason", "qemu-repl: 0 passed, 0 failed, 1 skipped", exit 0.
# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib.sh
. "$VLP_REPO_ROOT/tests/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh
VLP_PROG=qemu-repl

keep=
case ${1:-} in
--keep) keep=${2:?--keep needs a folder} ;;
-h | --help) vlp_usage; exit 0 ;;
'') ;;
*) vlp_die "unknown argument $1" ;;
esac
cant() {
	echo "qemu-repl: cannot run: $*"
	echo "qemu-repl: 0 passed, 1 failed"
	exit 1
}
tool=$VLP_REPO_ROOT/virtio-lspci
[[ -x $tool ]] || cant "$tool is missing: run make first"
for c in jq socat; do command -v "$c" >/dev/null || cant "$c is missing"; done
# QEMU that cannot be set up here is a skip (counted apart by tests/run-suites.sh).
vlp_setup_or_skip qemu-repl
work=$(mktemp -d "${TMPDIR:-/tmp}/vlp-qemu-repl.XXXXXX")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[[ -n $keep ]] && mkdir -p "$keep" && cp -a "$work/." "$keep/"
	rm -rf "$work"
}
trap cleanup EXIT

export VLP_REPL_OUT=$work/qmp.jsonl VLP_REPL_SYNC=$work/sync.sock
t0=$SECONDS
rc=0
"$VLP_QEMU_DIR/run-guest.sh" --test "$VLP_QEMU_DIR/repl/guest.sh" \
	--add "$tool:/usr/bin/virtio-lspci" --hook "$VLP_QEMU_DIR/repl/hook.sh" --hook-at start \
	--append "mem=512M" -o "$work/guest.out" --timeout 180 -- \
	-netdev user,id=n02 -device virtio-net-pci,netdev=n02,disable-legacy=on,id=vlp02,addr=0x2 \
	-device virtio-rng-pci,id=vlp03,addr=0x3 \
	-netdev user,id=n04 -device virtio-net-pci,netdev=n04,disable-legacy=on,iommu_platform=on,id=vlp04,addr=0x4 \
	-chardev "socket,id=sync,path=$VLP_REPL_SYNC,server=on,wait=off" \
	-serial mon:stdio -serial chardev:sync || rc=$?
((rc == 0)) || cant "the guest run failed (exit $rc): $(tail -5 "$work/guest.out" 2>/dev/null)"
out=$work/guest.out
qmp=$VLP_REPL_OUT

# QEMU's view at a step, through the suite's jq helpers (status byte, feature bits).
at() { jq -L "$VLP_QEMU_DIR/suite" -r --arg s "$1" "include \"suite\"; select(.step == \$s) | $2" "$qmp"; }
expect() { # expect NAME GOT WANT
	if [[ $2 == "$3" ]]; then pass; else fail "$1: QEMU says $2, expected $3"; fi
}
section() { awk -v s="== $1" '$0 == s { on = 1; next } /^== / { on = 0 } on' "$out"; }
has() { # has NAME SECTION TEXT
	if [[ $(section "$2") == *"$3"* ]]; then pass; else fail "$1: no '$3' in the guest output of '$2'"; fi
}

status_at() { at "$1" '.net.status | qemu_status'; }
expect "reset: status" "$(status_at reset)" 0
expect "ACKNOWLEDGE: status" "$(status_at acknowledge)" 1
expect "DRIVER: status" "$(status_at driver)" 3
expect "features: guest features" "$(at features '.net["guest-features"] | qemu_features | join(",")')" "5,16,32"
expect "FEATURES_OK: status" "$(status_at features_ok)" 11
for q in 0 1; do
	base=$((0x30000000 + q * 0x10000))
	expect "queue $q: size" "$(at queues ".q${q}[\"vring-num\"]")" 64
	expect "queue $q: desc" "$(at queues ".q${q}[\"vring-desc\"]")" "$base"
	expect "queue $q: driver area" "$(at queues ".q${q}[\"vring-avail\"]")" "$((base + 0x1000))"
	expect "queue $q: device area" "$(at queues ".q${q}[\"vring-used\"]")" "$((base + 0x2000))"
done
expect "DRIVER_OK: status" "$(status_at driver_ok)" 15
expect "reset again: status" "$(status_at reset_again)" 0
has "batch init: exit" "batch init" "rc=0"
has "batch init: read back" "batch init" "device_status <- 0x0f (ACKNOWLEDGE DRIVER DRIVER_OK FEATURES_OK); reads back 0x0f"
has "batch init: reset wait" "batch init" "reads back 0x00 after"
# QEMU 7.2 keeps VERSION_1, MAC and STATUS (bits 32, 5, 16) in driver_feature
# after the second reset: the REPL says so.
has "batch init: driver_feature kept after reset, noted" "batch init" \
	"note: driver_feature still reads 00000000 00000000 00000001 00010020 after the reset"
has "batch init: notify" "batch init" "notify queue 1: wrote 0x1"
expect "unoffered feature: status (QEMU masks the bit)" "$(status_at unoffered)" 11
expect "unoffered feature: QEMU's guest features" "$(at unoffered '.net["guest-features"] | qemu_features | join(",")')" "32"
has "unoffered feature: warned" "unoffered feature" "VIRTIO_F_RING_PACKED (bit 34) is not offered by the device: the driver must not accept it (2.2.1)"
has "unoffered feature: reported" "unoffered feature" "FEATURES_OK stuck although driver_feature holds bits the device does not offer: VIRTIO_F_RING_PACKED"
expect "refused features: status" "$(at refused '.iommu.status | qemu_status')" 3
has "refused features: exit" "refused features" "rc=1"
has "refused features: reported" "refused features" "FEATURES_OK did not stick"
expect "reset: status" "$(status_at reset_final)" 0
has "reset: exit" "reset" "rc=0"
expect "dry run: status" "$(status_at dry_run)" 0
has "dry run: shown" "dry run" "would write -> BAR"
has "dry run: exit" "dry run" "rc=0"
expect "bound driver: rng status untouched" "$(at bound '.rng.status | qemu_status')" 15
has "bound driver: refused" "driver bound" "driver virtio-pci is bound to 0000:00:03.0: unbind it first"
has "bound driver: exit" "driver bound" "rc=1"
has "read-only field: refused" "read-only field, out of range, stdin batch" "num_queues is read-only for the driver (4.1.4.3.2)"
has "out of range: refused" "read-only field, out of range, stdin batch" "0x10000 does not fit queue_size (16 bits)"
echo "qemu-repl: $(wc -l <"$qmp") QMP views, $((SECONDS - t0)) s"
summary qemu-repl
