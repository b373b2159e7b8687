#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench, the host's view: monitor commands and milliseconds per sample of
# virtio-lspci --qmp, measured (no goal asserted):
#   - one TCG guest with a 4-pair virtio-net (mq=on, vectors=10, a tap netdev with
#     queues=4: 9 queues, the guest's driver sets them all up): the first read
#     (--sample=1: listing, state, rings) and each further sample
#     (--sample=11x10ms less --sample=1 and the 100 ms of waits, over 10), commands from --monitor-log;
#   - 8 small QEMUs (-S, each its QMP socket, a virtio-net and a virtio-blk): one
#     --qmp -J listing of every VM, in all and per VM.
# Needs root (the tap device, tests/qemu/setup.sh); otherwise says why and exits 0.
#   tests/bench/host.sh TOOL
set -uo pipefail
tool=$(realpath "${1:-./virtio-lspci}")
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../qemu/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh
VLP_PROG=bench-host
if ! "$tool" --help 2>&1 | grep -- '--qmp' >/dev/null; then
	echo "host view (--qmp): this build has no --qmp"
	exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! "$VLP_QEMU_DIR/setup.sh" >/dev/null 2>&1; then
	echo "host view (--qmp): QEMU cannot be set up here (root needed)"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/vlp-bench-host.XXXXXX")
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# ---- one guest, a 9-queue virtio-net
cat >"$work/guest.sh" <<'GUEST'
#!/bin/sh
for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do [ -e "$f" ] && echo 1 >"$f"; done
ip link set eth0 up
sleep 1
ls /sys/class/net/eth0/queues
GUEST
cat >"$work/hook.sh" <<HOOK
#!/bin/bash
# ms NAME ARGS...: the run's wall-clock milliseconds in NAME.ms, its log in NAME.log.
ms() {
	local n=\$1 t0 t1
	shift
	t0=\$(date +%s%N)
	"$tool" --qmp="\$VLP_QMP_SOCKET" --monitor-log="$work/\$n.log" -s 00:02.0 -J "\$@" >"$work/\$n.json" 2>"$work/\$n.err"
	echo \$? >"$work/\$n.rc"
	t1=\$(date +%s%N)
	echo \$(((t1 - t0) / 1000000)) >"$work/\$n.ms"
}
for i in 1 2 3; do
	ms one\$i --sample=1
	ms eleven\$i --sample=11x10ms
done
HOOK
chmod +x "$work/guest.sh" "$work/hook.sh"
tap=vlpbench$$
"$VLP_QEMU_DIR/run-guest.sh" -o "$work/guest.out" --test "$work/guest.sh" --add "$tool:/usr/bin/virtio-lspci" \
	--hook "$work/hook.sh" --timeout 150 -- \
	-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no,queues=4,vhost=off" \
	-device virtio-net-pci,netdev=n0,mq=on,vectors=10,addr=0x2 >"$work/run.log" 2>&1
cmds() { grep -c '"execute"' "$work/$1.log" 2>/dev/null || echo 0; }
best() { for i in 1 2 3; do cat "$work/$1$i.ms" 2>/dev/null; done | sort -n | head -1; }
if [[ $(cat "$work/one1.rc" 2>/dev/null) == 0 && $(cat "$work/eleven1.rc" 2>/dev/null) == 0 ]]; then
	nq=$(jq '[.devices[0].state.common.queues[] | select(.queue_enable == 1)] | length' "$work/one1.json" 2>/dev/null)
	c1=$(cmds one1) c11=$(cmds eleven1) m1=$(best one) m11=$(best eleven)
	echo
	echo "host view (--qmp), a 4-pair virtio-net ($nq queues enabled), TCG guest, best of 3:"
	echo "  first read (listing, state, rings): $c1 monitor commands, $m1 ms (process included)"
	awk -v c1="$c1" -v c11="$c11" -v m1="$m1" -v m11="$m11" -v q="$nq" 'BEGIN {
		printf "  each further sample: %.1f monitor commands (%.2f per queue, goal <= 2), %.1f ms\n",
			(c11 - c1) / 10, (q > 0 ? (c11 - c1) / 10 / q : 0), (m11 - m1 - 100) / 10 }'
else
	echo "host view (--qmp), 9-queue virtio-net: the run failed: $(head -c 300 "$work/one1.err" "$work/eleven1.err" 2>/dev/null) $(tail -3 "$work/run.log")"
fi

# ---- 8 small VMs, each its QMP socket
for i in 1 2 3 4 5 6 7 8; do
	qemu-system-x86_64 -accel tcg -machine q35 -m 64M -display none -nodefaults -S \
		-qmp "unix:$work/vm$i.sock,server=on,wait=off" -netdev user,id=n0 \
		-device virtio-net-pci,netdev=n0 -device virtio-blk-pci,drive=d0 \
		-drive "if=none,id=d0,driver=null-co" </dev/null >"$work/vm$i.log" 2>&1 &
	pids+=($!)
done
for i in 1 2 3 4 5 6 7 8; do
	for _ in $(seq 50); do [[ -S $work/vm$i.sock ]] && break; sleep 0.1; done
done
t0=$(date +%s%N)
ok=0
for i in 1 2 3 4 5 6 7 8; do
	"$tool" --qmp="$work/vm$i.sock" --monitor-log="$work/vm$i.cmds" -J >/dev/null 2>"$work/vm$i.err" && ok=$((ok + 1))
done
t1=$(date +%s%N)
c=0
for i in 1 2 3 4 5 6 7 8; do c=$((c + $(grep -c '"execute"' "$work/vm$i.cmds" 2>/dev/null || echo 0))); done
echo "host view (--qmp), 8 VMs stopped before boot (-S; a virtio-net and a virtio-blk each): $ok of 8 listed," \
	"$c monitor commands, $(((t1 - t0) / 1000000)) ms in all ($(((t1 - t0) / 8000000)) ms per VM)"
