#!/bin/bash
# User-space DMA in a QEMU guest (make qemu-dma): a virtio-rng, its driver unbound
# (--unbind), is driven by the REPL's batch mode: init (every queue set up, DRIVER_OK),
# `queue setup 0 8; post 0 in 64; kick 0; poll 0 1000`. Checked: a used entry of len 64
# whose 64 bytes are not all zero; QEMU's x-query-virtio-queue-status (over QMP, while the
# tool holds the queue) shows vring-desc = the address the tool wrote and used-idx 1;
# afterwards QEMU shows status 0 (the reset before the memory went); a second run gives
# other bytes; --dry-run prints the writes and the memory plan and writes nothing; a
# device with a bound driver refuses without --force (one line, exit 1, --stats: nothing
# written). A third virtio-rng with packed=on is driven through a packed ring.
#
#   tests/qemu/dma.sh [--keep DIR]
#
# Needs ./virtio-lspci, root (tests/qemu/setup.sh), socat and jq. Output: FAIL lines, then
# "qemu-dma: N passed, M failed"; exit 0 only if every check passed.
# Not root: "SKIP: reason", "qemu-dma: 0 passed, 0 failed, 1 skipped", exit 0
# (vlp_setup_or_skip in lib.sh; as root, a tests/qemu/setup.sh that fails fails the suite).
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_stepped_suite qemu-dma "$@"
export VLP_DMA_OUT=$qmp VLP_DMA_SYNC=$sock
vlp_guest_stepped --test "$VLP_QEMU_DIR/dma/guest.sh" --unbind \
	--hook "$VLP_QEMU_DIR/dma/hook.sh" --hook-at start \
	--timeout 180 -- \
	-device virtio-rng-pci,id=vlp03,addr=0x3 -device virtio-rng-pci,id=vlp04,addr=0x4 \
	-device virtio-rng-pci,id=vlp05,addr=0x5,packed=on

# The bytes the device wrote, as one hex string (the dump lines after "used id").
bytes_of() { vlp_part "$1" | awk '/^  used id/ { on = 1; next } on && /^    [0-9a-f][0-9a-f][0-9a-f][0-9a-f]:/ { $1 = ""; gsub(/ /, ""); printf "%s", $0; next } { on = 0 }'; }

for run in 1 2; do
	vlp_has "run $run: exit" "run $run" "rc=0"
	vlp_has "run $run: DRIVER_OK" "run $run" "device_status <- 0x0f (ACKNOWLEDGE DRIVER DRIVER_OK FEATURES_OK); reads back 0x0f"
	vlp_has "run $run: used entry" "run $run" "  used id 0 len 64"
	vlp_has "run $run: reset, memory freed" "run $run" "queue memory freed, Command register restored"
	b=$(bytes_of "run $run")
	vlp_expect "run $run: 64 bytes" "${#b}" 128
	if [[ $b =~ ^0+$ ]]; then fail "run $run: the 64 bytes are all zero"; else pass; fi
	vlp_expect "run $run: status after (reset)" "$(vlp_at "after$run" '.rng.status | qemu_status')" 0
	eval "bytes$run=\$b"
done
# shellcheck disable=SC2154 # set by the eval above
if [[ $bytes1 != "$bytes2" ]]; then pass; else fail "the two runs gave the same bytes: $bytes1"; fi
desc=$(vlp_part "run 1" | sed -n 's/^  descriptors 0x\([0-9a-f]*\) .*/\1/p' | head -1)
[[ -n $desc ]] || desc=0
vlp_expect "held: QEMU's vring-desc is the address written" "$(vlp_at held1 '.q0["vring-desc"]')" "$((16#$desc))"
vlp_expect "held: used-idx" "$(vlp_at held1 '.q0["used-idx"]')" 1
vlp_expect "held: vring-num" "$(vlp_at held1 '.q0["vring-num"]')" 8
vlp_expect "held: status DRIVER_OK" "$(vlp_at held1 '.rng.status | qemu_status')" 15
vlp_has "held: ring 0 read from the REPL's own memory" "run 1" "Queue 0 requestq (request, split, size 8): avail 1, used 1, in flight 0"
if [[ $(vlp_part "run 1") == *Warning* ]]; then fail "run 1: the ring decoder found a fault in the REPL's own ring"; else pass; fi
vlp_has "packed: exit" "packed" "rc=0"
vlp_has "packed: packed ring" "packed" "queue 0: packed ring of 8, locked memory"
vlp_has "packed: used entry" "packed" "  used id 0 len 32"
b=$(bytes_of packed)
vlp_expect "packed: 32 bytes" "${#b}" 64
if [[ $b =~ ^0+$ ]]; then fail "packed: the 32 bytes are all zero"; else pass; fi
vlp_has "dry run: exit" "dry run" "rc=0"
vlp_has "dry run: writes shown" "dry run" "would write -> BAR"
vlp_has "dry run: plan" "dry run" "plain memory (dry run: not device-visible, addresses made up)"
vlp_has "dry run: bus mastering shown" "dry run" "would write -> config+0x004.W"
vlp_expect "dry run: status untouched" "$(vlp_at dry '.rng.status | qemu_status')" 0
vlp_expect "dry run: no ring" "$(vlp_at dry '.q0["vring-desc"]')" 0
vlp_has "bound: exit 1" "bound" "rc=1"
vlp_has "bound: refused" "bound" "command 1 (queue setup 0 8): queues refused: driver virtio-pci is bound to 0000:00:04.0: unbind it first"
vlp_expect "bound: one line" "$(vlp_part bound | grep -vc -e '^rc=' -e ': stats: ')" 1
vlp_has "bound: no config write (--stats)" "bound" "config_writes=0 "
vlp_has "bound: no BAR write (--stats)" "bound" "bar_writes=0"
vlp_expect "bound: status untouched" "$(vlp_at bound '.bound.status | qemu_status')" 15
echo "qemu-dma: $((SECONDS - VLP_T0)) s"
summary "$VLP_PROG"
