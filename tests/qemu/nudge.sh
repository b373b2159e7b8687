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
# "qemu-nudge: N passed, M failed"; exit 0 only if every check passed. Without QEMU
# (setup.sh fails): "SKIP: reason", "qemu-nudge: 0 passed, 0 failed, 1 skipped", exit 0.
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib.sh
. "$VLP_REPO_ROOT/tests/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh
VLP_PROG=qemu-nudge

keep=
case ${1:-} in
--keep) keep=${2:?--keep needs a folder} ;;
-h | --help) vlp_usage; exit 0 ;;
'') ;;
*) vlp_die "unknown argument $1" ;;
esac
cant() {
	echo "qemu-nudge: cannot run: $*"
	echo "qemu-nudge: 0 passed, 1 failed"
	exit 1
}
tool=$VLP_REPO_ROOT/virtio-lspci
[[ -x $tool ]] || cant "$tool is missing: run make first"
for c in jq socat; do command -v "$c" >/dev/null || cant "$c is missing"; done
vlp_setup_or_skip qemu-nudge
work=$(mktemp -d "${TMPDIR:-/tmp}/vlp-qemu-nudge.XXXXXX")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[[ -n $keep ]] && mkdir -p "$keep" && cp -a "$work/." "$keep/"
	rm -rf "$work"
}
trap cleanup EXIT

# The DMA suite's hook serves the sync steps: QEMU's status of vlp03 and vlp04, and
# vlp03's queue 0, one JSON line per step.
export VLP_DMA_OUT=$work/qmp.jsonl VLP_DMA_SYNC=$work/sync.sock
t0=$SECONDS
rc=0
"$VLP_QEMU_DIR/run-guest.sh" --test "$VLP_QEMU_DIR/nudge/guest.sh" --unbind \
	--add "$tool:/usr/bin/virtio-lspci" --hook "$VLP_QEMU_DIR/dma/hook.sh" --hook-at start \
	-o "$work/guest.out" --timeout 120 -- \
	-device virtio-rng-pci,id=vlp03,addr=0x3 -device virtio-rng-pci,id=vlp04,addr=0x4 \
	-chardev "socket,id=sync,path=$VLP_DMA_SYNC,server=on,wait=off" \
	-serial mon:stdio -serial chardev:sync || rc=$?
((rc == 0)) || cant "the guest run failed (exit $rc): $(tail -5 "$work/guest.out" 2>/dev/null)"
out=$work/guest.out
qmp=$VLP_DMA_OUT

at() { jq -L "$VLP_QEMU_DIR/suite" -r --arg s "$1" "include \"suite\"; select(.step == \$s) | $2" "$qmp"; }
expect() { # expect NAME GOT WANT
	if [[ $2 == "$3" ]]; then pass; else fail "$1: got '$2', expected '$3'"; fi
}
section() { awk -v s="== $1" '$0 == s { on = 1; next } /^== / { on = 0 } on' "$out" | tr -d '\r'; }
has() { # has NAME SECTION TEXT
	if [[ $(section "$2") == *"$3"* ]]; then pass; else fail "$1: no '$3' in the guest output of '$2'"; fi
}
nj() { section nudge | jq -r "$1" 2>/dev/null; }

has "REPL batch: exit 0" repl "rc=0"
has "REPL: the buffer posted, no kick" repl "post queue 0: buffer 0, 64 bytes device-writable (in); avail.idx 1"
has "dry run: the write shown" "dry run" "notify: would write 0x0000 (2 bytes) at BAR"
has "dry run: nothing written" "dry run" "(dry run: nothing written)"
has "dry run: avail 1, used 0 before" "dry run" "before: avail 1, used 0, in flight 1"
expect "QMP after the post and the dry run: used-idx" "$(at posted '.q0["used-idx"]')" 0
expect "QMP after the post: last-avail-idx (not yet seen)" "$(at posted '.q0["last-avail-idx"]')" 0
has "nudge: before" lost "before: avail 1, used 0, in flight 1"
has "nudge: after" lost "avail 1, used 1, in flight 0"
has "nudge: advanced" lost "used advanced by 1 in"
has "nudge: conclusion" lost "conclusion: the device was waiting for a kick: a kick was lost"
expect "QMP after the nudge: used-idx" "$(at nudged '.q0["used-idx"]')" 1
expect "QMP after the nudge: status DRIVER_OK" "$(at nudged '.rng.status | qemu_status')" 15
expect "nudge JSON: schema_version 1, one entry" "$(nj '.schema_version, (.nudge | length)' | tr '\n' ' ')" "1 1 "
expect "nudge JSON: slot, queue, name" "$(nj '.nudge[0] | "\(.slot) \(.queue) \(.name)"')" "00:03.0 0 requestq"
expect "nudge JSON: before" "$(nj '.nudge[0].before | "\(.avail) \(.used) \(.in_flight)"')" "2 1 1"
expect "nudge JSON: after" "$(nj '.nudge[0].after | "\(.avail) \(.used) \(.in_flight)"')" "2 2 0"
expect "nudge JSON: advanced" "$(nj '.nudge[0].advanced')" true
expect "nudge JSON: conclusion" "$(nj '.nudge[0].conclusion')" kick-lost
expect "nudge JSON: notify width 2, value 0 (queue index)" "$(nj '.nudge[0].notify | "\(.width) \(.value)"')" "2 0"
w=$(nj '.nudge[0].waited_ms')
if [[ $w =~ ^[0-9]+$ ]] && ((w < 1000)); then pass; else fail "nudge JSON: waited_ms '$w' not below the timeout"; fi
expect "QMP after the JSON nudge: used-idx" "$(at nudged2 '.q0["used-idx"]')" 2
has "REPL poll: the used entry" repl "  used id 0 len 64"
has "REPL poll: the second used entry" repl "  used id 0 len 32"
has "nothing available: before" empty "before: avail 2, used 2, in flight 0"
has "nothing available: no progress" empty "used did not move in"
has "nothing available: conclusion" empty "conclusion: no progress after the kick: nothing was available"
has "bound: exit 1" bound "rc=1"
has "bound: refused" bound "virtio-lspci: 00:04.0: --nudge refused: driver virtio-pci is bound"
expect "bound: one line" "$(section bound | grep -vc -e '^rc=' -e ': stats: ')" 1
has "bound: nothing written (--stats)" bound "bar_writes=0"
expect "bound: status untouched" "$(at bound '.bound.status | qemu_status')" 15
# --force on the bound device: the kernel driver's ring read through /proc/kcore, the
# notification written; what the device does with it depends on the driver's state.
fj() { section forced | grep -v '^rc=' | jq -r "$1" 2>/dev/null; }
has "forced: exit 0" forced "rc=0"
expect "forced: the driver's ring was read" "$(fj '.nudge[0].before != null and .nudge[0].after != null')" true
expect "forced: a conclusion" "$(fj '.nudge[0].conclusion | test("^(kick-lost|stuck|nothing-available|driver-active)$")')" true
expect "forced: stderr is the --stats line alone" "$(section "forced stderr" | grep -vc ': stats: ')" 0
if [[ $(section "forced stderr") == *"bar_writes=0"* ]]; then fail "forced: nothing written (--stats)"; else pass; fi
echo "qemu-nudge: $((SECONDS - t0)) s"
summary qemu-nudge
