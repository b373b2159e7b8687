#!/bin/bash
# --nudge (the kick probe) in a QEMU guest (make qemu-nudge): a virtio-rng, its driver
# unbound (--unbind), gets a 64-byte buffer posted by the REPL's batch mode without a kick
# (`init; queue setup 0 8; post 0 in 64`); while the REPL holds the queue, --nudge=0 run
# from its `shell` command reads the ring through /proc/kcore, writes the notification and
# sees used go 0 -> 1 (advanced, "a kick was lost"); QEMU's x-query-virtio-queue-status
# agrees (used-idx 0 before, 1 after); a second buffer, nudged by queue name with -J, goes
# 1 -> 2 (QMP: 2). --dry-run before them writes nothing (QMP: used-idx still 0); a nudge
# once nothing is available reports no progress; a device with a bound driver refuses
# without --force (one line, exit 1, --stats: nothing written); with --force the nudge
# reads the kernel driver's ring and writes.
#
#   tests/qemu/nudge.sh [--keep DIR]
#
# Needs ./virtio-lspci, root (tests/qemu/setup.sh), socat and jq. Output: FAIL lines, then
# "qemu-nudge: N passed, M failed"; exit 0 only if every check passed.
# Not root: "SKIP: reason", "qemu-nudge: 0 passed, 0 failed, 1 skipped", exit 0
# (vlp_setup_or_skip in lib.sh; as root, a tests/qemu/setup.sh that fails fails the suite).
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_stepped_suite qemu-nudge "$@"
# The DMA suite's hook serves the sync steps: QEMU's status of vlp03 and vlp04, and
# vlp03's queue 0, one JSON line per step.
export VLP_DMA_OUT=$qmp VLP_DMA_SYNC=$sock
vlp_guest_stepped --test "$VLP_QEMU_DIR/nudge/guest.sh" --unbind \
	--hook "$VLP_QEMU_DIR/dma/hook.sh" --hook-at start \
	--timeout 120 -- \
	-device virtio-rng-pci,id=vlp03,addr=0x3 -device virtio-rng-pci,id=vlp04,addr=0x4

nj() { vlp_part nudge | jq -r "$1" 2>/dev/null; }

vlp_has "REPL batch: exit 0" repl "rc=0"
vlp_has "REPL: the buffer posted, no kick" repl "post queue 0: buffer 0, 64 bytes device-writable (in); avail.idx 1"
vlp_has "dry run: the write shown" "dry run" "notify: would write 0x0000 (2 bytes) at BAR"
vlp_has "dry run: nothing written" "dry run" "(dry run: nothing written)"
vlp_has "dry run: avail 1, used 0 before" "dry run" "before: avail 1, used 0, in flight 1"
vlp_expect "QMP after the post and the dry run: used-idx" "$(vlp_at posted '.q0["used-idx"]')" 0
vlp_expect "QMP after the post: last-avail-idx (not yet seen)" "$(vlp_at posted '.q0["last-avail-idx"]')" 0
vlp_has "nudge: before" lost "before: avail 1, used 0, in flight 1"
vlp_has "nudge: after" lost "avail 1, used 1, in flight 0"
vlp_has "nudge: advanced" lost "used advanced by 1 in"
vlp_has "nudge: conclusion" lost "conclusion: the device was waiting for a kick: a kick was lost"
vlp_expect "QMP after the nudge: used-idx" "$(vlp_at nudged '.q0["used-idx"]')" 1
vlp_expect "QMP after the nudge: status DRIVER_OK" "$(vlp_at nudged '.rng.status | qemu_status')" 15
vlp_expect "nudge JSON: schema_version 1, one entry" "$(nj '.schema_version, (.nudge | length)' | tr '\n' ' ')" "1 1 "
vlp_expect "nudge JSON: slot, queue, name" "$(nj '.nudge[0] | "\(.slot) \(.queue) \(.name)"')" "00:03.0 0 requestq"
vlp_expect "nudge JSON: before" "$(nj '.nudge[0].before | "\(.avail) \(.used) \(.in_flight)"')" "2 1 1"
vlp_expect "nudge JSON: after" "$(nj '.nudge[0].after | "\(.avail) \(.used) \(.in_flight)"')" "2 2 0"
vlp_expect "nudge JSON: advanced" "$(nj '.nudge[0].advanced')" true
vlp_expect "nudge JSON: conclusion" "$(nj '.nudge[0].conclusion')" kick-lost
vlp_expect "nudge JSON: notify width 2, value 0 (queue index)" "$(nj '.nudge[0].notify | "\(.width) \(.value)"')" "2 0"
w=$(nj '.nudge[0].waited_ms')
if [[ $w =~ ^[0-9]+$ ]] && ((w < 1000)); then pass; else fail "nudge JSON: waited_ms '$w' not below the timeout"; fi
vlp_expect "QMP after the JSON nudge: used-idx" "$(vlp_at nudged2 '.q0["used-idx"]')" 2
vlp_has "REPL poll: the used entry" repl "  used id 0 len 64"
vlp_has "REPL poll: the second used entry" repl "  used id 0 len 32"
vlp_has "nothing available: before" empty "before: avail 2, used 2, in flight 0"
vlp_has "nothing available: no progress" empty "used did not move in"
vlp_has "nothing available: conclusion" empty "conclusion: no progress after the kick: nothing was available"
vlp_has "bound: exit 1" bound "rc=1"
vlp_has "bound: refused" bound "virtio-lspci: 00:04.0: --nudge refused: driver virtio-pci is bound"
vlp_expect "bound: one line" "$(vlp_part bound | grep -vc -e '^rc=' -e ': stats: ')" 1
vlp_has "bound: nothing written (--stats)" bound "bar_writes=0"
vlp_expect "bound: status untouched" "$(vlp_at bound '.bound.status | qemu_status')" 15
# --force on the bound device: the kernel driver's ring read through /proc/kcore, the
# notification written; what the device does with it depends on the driver's state.
fj() { vlp_part forced | grep -v '^rc=' | jq -r "$1" 2>/dev/null; }
vlp_has "forced: exit 0" forced "rc=0"
vlp_expect "forced: the driver's ring was read" "$(fj '.nudge[0].before != null and .nudge[0].after != null')" true
vlp_expect "forced: a conclusion" "$(fj '.nudge[0].conclusion | test("^(kick-lost|stuck|nothing-available|driver-active)$")')" true
vlp_expect "forced: stderr is the --stats line alone" "$(vlp_part "forced stderr" | grep -vc ': stats: ')" 0
if [[ $(vlp_part "forced stderr") == *"bar_writes=0"* ]]; then fail "forced: nothing written (--stats)"; else pass; fi
echo "qemu-nudge: $((SECONDS - VLP_T0)) s"
summary "$VLP_PROG"
