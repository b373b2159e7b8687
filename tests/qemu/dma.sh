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
# "qemu-dma: N passed, M failed"; exit 0 only if every check passed. Without QEMU (setup.sh
# fails): "SKIP: reason", "qemu-dma: 0 passed, 0 failed, 1 skipped", exit 0.
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib.sh
. "$VLP_REPO_ROOT/tests/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh
VLP_PROG=qemu-dma

keep=
case ${1:-} in
--keep) keep=${2:?--keep needs a folder} ;;
-h | --help) vlp_usage; exit 0 ;;
'') ;;
*) vlp_die "unknown argument $1" ;;
esac
cant() {
	echo "qemu-dma: cannot run: $*"
	echo "qemu-dma: 0 passed, 1 failed"
	exit 1
}
tool=$VLP_REPO_ROOT/virtio-lspci
[[ -x $tool ]] || cant "$tool is missing: run make first"
for c in jq socat; do command -v "$c" >/dev/null || cant "$c is missing"; done
vlp_setup_or_skip qemu-dma
work=$(mktemp -d "${TMPDIR:-/tmp}/vlp-qemu-dma.XXXXXX")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[[ -n $keep ]] && mkdir -p "$keep" && cp -a "$work/." "$keep/"
	rm -rf "$work"
}
trap cleanup EXIT

export VLP_DMA_OUT=$work/qmp.jsonl VLP_DMA_SYNC=$work/sync.sock
t0=$SECONDS
rc=0
"$VLP_QEMU_DIR/run-guest.sh" --test "$VLP_QEMU_DIR/dma/guest.sh" --unbind \
	--add "$tool:/usr/bin/virtio-lspci" --hook "$VLP_QEMU_DIR/dma/hook.sh" --hook-at start \
	-o "$work/guest.out" --timeout 180 -- \
	-device virtio-rng-pci,id=vlp03,addr=0x3 -device virtio-rng-pci,id=vlp04,addr=0x4 \
	-device virtio-rng-pci,id=vlp05,addr=0x5,packed=on \
	-chardev "socket,id=sync,path=$VLP_DMA_SYNC,server=on,wait=off" \
	-serial mon:stdio -serial chardev:sync || rc=$?
((rc == 0)) || cant "the guest run failed (exit $rc): $(tail -5 "$work/guest.out" 2>/dev/null)"
out=$work/guest.out
qmp=$VLP_DMA_OUT

at() { jq -L "$VLP_QEMU_DIR/suite" -r --arg s "$1" "include \"suite\"; select(.step == \$s) | $2" "$qmp"; }
expect() { # expect NAME GOT WANT
	if [[ $2 == "$3" ]]; then pass; else fail "$1: got '$2', expected '$3'"; fi
}
section() { awk -v s="== $1" '$0 == s { on = 1; next } /^== / { on = 0 } on' "$out"; }
has() { # has NAME SECTION TEXT
	if [[ $(section "$2") == *"$3"* ]]; then pass; else fail "$1: no '$3' in the guest output of '$2'"; fi
}
# The bytes the device wrote, as one hex string (the dump lines after "used id").
bytes_of() { section "$1" | awk '/^  used id/ { on = 1; next } on && /^    [0-9a-f][0-9a-f][0-9a-f][0-9a-f]:/ { $1 = ""; gsub(/ /, ""); printf "%s", $0; next } { on = 0 }'; }

for run in 1 2; do
	has "run $run: exit" "run $run" "rc=0"
	has "run $run: DRIVER_OK" "run $run" "device_status <- 0x0f (ACKNOWLEDGE DRIVER DRIVER_OK FEATURES_OK); reads back 0x0f"
	has "run $run: used entry" "run $run" "  used id 0 len 64"
	has "run $run: reset, memory freed" "run $run" "queue memory freed, Command register restored"
	b=$(bytes_of "run $run")
	expect "run $run: 64 bytes" "${#b}" 128
	if [[ $b =~ ^0+$ ]]; then fail "run $run: the 64 bytes are all zero"; else pass; fi
	expect "run $run: status after (reset)" "$(at "after$run" '.rng.status | qemu_status')" 0
	eval "bytes$run=\$b"
done
# shellcheck disable=SC2154 # set by the eval above
if [[ $bytes1 != "$bytes2" ]]; then pass; else fail "the two runs gave the same bytes: $bytes1"; fi
desc=$(section "run 1" | sed -n 's/^  descriptors 0x\([0-9a-f]*\) .*/\1/p' | head -1)
[[ -n $desc ]] || desc=0
expect "held: QEMU's vring-desc is the address written" "$(at held1 '.q0["vring-desc"]')" "$((16#$desc))"
expect "held: used-idx" "$(at held1 '.q0["used-idx"]')" 1
expect "held: vring-num" "$(at held1 '.q0["vring-num"]')" 8
expect "held: status DRIVER_OK" "$(at held1 '.rng.status | qemu_status')" 15
has "held: ring 0 read from the REPL's own memory" "run 1" "Queue 0 requestq (request, split, size 8): avail 1, used 1, in flight 0"
if [[ $(section "run 1") == *Warning* ]]; then fail "run 1: the ring decoder found a fault in the REPL's own ring"; else pass; fi
has "packed: exit" "packed" "rc=0"
has "packed: packed ring" "packed" "queue 0: packed ring of 8, locked memory"
has "packed: used entry" "packed" "  used id 0 len 32"
b=$(bytes_of packed)
expect "packed: 32 bytes" "${#b}" 64
if [[ $b =~ ^0+$ ]]; then fail "packed: the 32 bytes are all zero"; else pass; fi
has "dry run: exit" "dry run" "rc=0"
has "dry run: writes shown" "dry run" "would write -> BAR"
has "dry run: plan" "dry run" "plain memory (dry run: not device-visible, addresses made up)"
has "dry run: bus mastering shown" "dry run" "would write -> config+0x004.W"
expect "dry run: status untouched" "$(at dry '.rng.status | qemu_status')" 0
expect "dry run: no ring" "$(at dry '.q0["vring-desc"]')" 0
has "bound: exit 1" "bound" "rc=1"
has "bound: refused" "bound" "command 1 (queue setup 0 8): queues refused: driver virtio-pci is bound to 0000:00:04.0: unbind it first"
expect "bound: one line" "$(section bound | grep -vc -e '^rc=' -e ': stats: ')" 1
has "bound: no config write (--stats)" "bound" "config_writes=0 "
has "bound: no BAR write (--stats)" "bound" "bar_writes=0"
expect "bound: status untouched" "$(at bound '.bound.status | qemu_status')" 15
echo "qemu-dma: $((SECONDS - t0)) s"
summary qemu-dma
