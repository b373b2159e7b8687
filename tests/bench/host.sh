#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench, the host's view: monitor commands and milliseconds per sample of
# virtio-lspci --qmp, measured (no goal asserted):
#   - one TCG guest with a 4-pair virtio-net (mq=on, vectors=10, a tap netdev with
#     queues=4: 9 queues, the guest's driver sets them all up): the first read
#     (--sample=1: listing, state, rings) and each further sample
#     (--sample=11x10ms less --sample=1 and the 100 ms of waits, over 10), commands from --monitor-log;
#   - 8 running TCG guests (192M each, each its QMP socket, a virtio-net and a
#     virtio-blk, booted two at a time until both devices are DRIVER_OK): the first
#     read and each further sample of every VM, as above, in all and per VM; and
#     what booting them costs (about a minute on 2 cores).
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

# ---- 8 running guests, each its QMP socket
# Each: q35, 192M, TCG, a virtio-net (-netdev user, eth0 up) and a virtio-blk (a null
# drive), the harness's initramfs with an idle script that loads the two drivers only
# (vlp.nomod=1: /init loads none of its 32 modules, the boot's longest part under TCG).
# Booted two at a time (2 cores), each waited for until it says it is idle and QEMU
# shows DRIVER_OK on both devices; then, for every VM: one first read (--sample=1:
# listing, state, rings) and --sample=11x10ms, best of 3, commands from --monitor-log.
cat >"$work/idle.sh" <<'GUEST'
#!/bin/sh
modprobe -a virtio_pci virtio_net virtio_blk
for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do [ -e "$f" ] && echo 1 >"$f"; done
ip link set eth0 up
echo VLP-BENCH-IDLE
exec sleep 3600
GUEST
vlp_load_kernel_env
t_boot=$(date +%s%N)
"$VLP_QEMU_DIR/mkinitramfs.sh" -o "$work/idle.cpio" --test "$work/idle.sh" >/dev/null 2>"$work/mkinitramfs.err" ||
	echo "host view (--qmp), 8 guests: mkinitramfs.sh failed: $(head -c 300 "$work/mkinitramfs.err")"
# boot I: guest I in the background, its console in vmI.console.
boot() {
	qemu-system-x86_64 -accel tcg -machine q35 -m 192M -display none -nodefaults -no-reboot \
		-kernel "$VMLINUZ" -initrd "$work/idle.cpio" -append "console=ttyS0 panic=-1 quiet vlp.nomod=1" \
		-serial "file:$work/vm$1.console" -qmp "unix:$work/vm$1.sock,server=on,wait=off" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0,addr=0x2 \
		-drive "if=none,id=d0,driver=null-co" -device virtio-blk-pci,drive=d0,addr=0x3 \
		</dev/null >"$work/vm$1.log" 2>&1 &
	pids+=($!)
}
# ready I: guest I is idle and both its devices are DRIVER_OK (90 s at most).
ready() {
	local _
	for _ in $(seq 450); do
		if grep -q VLP-BENCH-IDLE "$work/vm$1.console" 2>/dev/null &&
			"$tool" --qmp="$work/vm$1.sock" -J 2>/dev/null |
			jq -e '[.devices[].state.common.fields.device_status] | length == 2 and all(. != null and (. % 8 >= 4))' >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}
up=() pair_s=()
for pair in "1 2" "3 4" "5 6" "7 8"; do
	t0=$SECONDS
	for i in $pair; do boot "$i"; done
	for i in $pair; do ready "$i" && up+=("$i"); done
	pair_s+=($((SECONDS - t0)))
done
t_up=$(date +%s%N)
# vm_ms I NAME ARGS...: the tool on guest I, wall-clock ms in vmI-NAME.ms, its log.
vm_ms() {
	local i=$1 n=$2 t0 t1
	shift 2
	t0=$(date +%s%N)
	"$tool" --qmp="$work/vm$i.sock" --monitor-log="$work/vm$i-$n.log" -J "$@" >"$work/vm$i-$n.json" 2>"$work/vm$i-$n.err"
	echo $? >"$work/vm$i-$n.rc"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$work/vm$i-$n.ms"
}
for k in 1 2 3; do
	for i in "${up[@]}"; do
		vm_ms "$i" "one$k" --sample=1
		vm_ms "$i" "eleven$k" --sample=11x10ms
	done
done
t_end=$(date +%s%N)
if ((${#up[@]})); then
	ok=0 c1=0 c11=0 m1=0 m11=0 nq=0 rings=0
	for i in "${up[@]}"; do
		[[ $(cat "$work/vm$i-one1.rc") == 0 && $(cat "$work/vm$i-eleven1.rc") == 0 ]] && ok=$((ok + 1))
		c1=$((c1 + $(grep -c '"execute"' "$work/vm$i-one1.log" 2>/dev/null || echo 0)))
		c11=$((c11 + $(grep -c '"execute"' "$work/vm$i-eleven1.log" 2>/dev/null || echo 0)))
		m1=$((m1 + $(for k in 1 2 3; do cat "$work/vm$i-one$k.ms"; done | sort -n | head -1)))
		m11=$((m11 + $(for k in 1 2 3; do cat "$work/vm$i-eleven$k.ms"; done | sort -n | head -1)))
		nq=$((nq + $(jq '[.devices[].state.common.queues[]? | select(.queue_enable == 1)] | length' "$work/vm$i-one1.json" 2>/dev/null || echo 0)))
		rings=$((rings + $(jq '[.devices[].state.common.queues[]?.ring | select(. != null and .error == null)] | length' "$work/vm$i-one1.json" 2>/dev/null || echo 0)))
	done
	n=${#up[@]}
	echo "host view (--qmp), every VM of a host running 8 TCG guests (192M each, a virtio-net and a virtio-blk each, DRIVER_OK; $n of 8 up, $ok read; $nq queues enabled, $rings rings read), best of 3 per VM:"
	echo "  first read of every VM (listing, state, rings): $c1 monitor commands, $m1 ms in all ($((m1 / n)) ms per VM, process included)"
	awk -v c1="$c1" -v c11="$c11" -v m1="$m1" -v m11="$m11" -v q="$nq" -v n="$n" 'BEGIN {
		printf "  each further sample of every VM: %.1f monitor commands (%.2f per queue, goal <= 2), %.1f ms in all (%.1f ms per VM)\n",
			(c11 - c1) / 10, (q > 0 ? (c11 - c1) / 10 / q : 0), (m11 - m1 - 100 * n) / 10, (m11 - m1 - 100 * n) / 10 / n }'
	echo "  cost: $(((t_up - t_boot) / 1000000000)) s to boot the 8 guests two at a time (${pair_s[*]} s a pair), $(((t_end - t_up) / 1000000000)) s to measure"
else
	echo "host view (--qmp), 8 guests: none came up: $(tail -c 300 "$work/vm1.console" 2>/dev/null) $(head -c 300 "$work/vm1.log" 2>/dev/null)"
fi
