#!/usr/bin/env bash
# --sample in a QEMU guest: a held virtio-blk request, an idle network interface and a
# moving virtio-rng queue, each judged by the verdict.
#   - the host throttles the disk over QMP (block_set_io_throttle on the -drive id, bps=64,
#     the other five limits 0) while the guest reads it (cat /dev/vda): the blk request
#     queue is device-stalled with requests in flight;
#   - eth0 (split ring) and eth1 (packed=on) are up with no traffic (IPv6 off): their
#     receive queues, 256 buffers posted, are waiting-for-input;
#   - the guest reads /dev/hwrng: the rng request queue is progressing;
#   - --stats: a --sample run makes as many BAR reads as a single --rings read.
# Prints "sample-check: N passed, M failed" (", 1 skipped" and a SKIP line when not
# run as root: QEMU guests need it).  Not in CHECK_SUITES: run by hand (one guest, about 40 s).
#   tests/qemu/sample-check.sh [TOOL]   (VLP_QEMU_CACHE: the kernel cache, see README.md)
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite sample-check "${1:-}"
vlp_work
vlp_setup_or_skip
out=$work/out

cat >"$work/guest.sh" <<'GUEST'
#!/bin/sh
dmesg -n 1
for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do echo 1 >"$f"; done
ip link set eth0 up
ip link set eth1 up
sleep 1
# The host throttles the disk once it sees this line.
echo "@@SAMPLE ready"
sleep 5
cat /dev/vda >/dev/null &
cat /dev/hwrng >/dev/null &
sleep 2
for s in 00:03.0 00:04.0 00:05.0 00:06.0; do
	virtio-lspci --rings -J --stats -s "$s" >/dev/null 2>/tmp/single.err
	virtio-lspci --sample 5x200ms -J --stats -s "$s" >/tmp/sample.json 2>/tmp/sample.err
	echo "@@SAMPLE $s rc $?"
	echo "@@SAMPLE $s json"
	cat /tmp/sample.json
	echo "@@SAMPLE $s single-stats"
	grep 'stats:' /tmp/single.err
	echo "@@SAMPLE $s sample-stats"
	grep 'stats:' /tmp/sample.err
	echo "@@SAMPLE $s text"
	virtio-lspci --sample 5x200ms -vv -s "$s" 2>&1 | sed -n '/Rings/,/Kernel driver/p'
done
echo "@@SAMPLE end"
GUEST

cat >"$work/hook.sh" <<'HOOK'
#!/bin/bash
# run-guest.sh --hook-at start: waits for the guest's ready line on the console (the
# console file beside the QMP socket), then throttles drive d0.
console=$(dirname "$VLP_QMP_SOCKET")/console.raw
for _ in $(seq 600); do
	grep -q '@@SAMPLE ready' "$console" 2>/dev/null && break
	sleep 0.2
done
"$VLP_QMP" "$VLP_QMP_SOCKET" '{"execute":"block_set_io_throttle","arguments":{"device":"d0","bps":64,"bps_rd":0,"bps_wr":0,"iops":0,"iops_rd":0,"iops_wr":0}}'
HOOK
chmod +x "$work/hook.sh"
truncate -s 64M "$work/blk.img"

vlp_guest '@@SAMPLE end' --test "$work/guest.sh" \
	--hook "$work/hook.sh" --hook-at start --timeout 170 -- \
	-netdev user,id=n0 -device virtio-net-pci,netdev=n0,addr=0x3 \
	-drive "if=none,id=d0,format=raw,file=$work/blk.img" -device virtio-blk-pci,drive=d0,addr=0x4 \
	-device virtio-rng-pci,addr=0x5 \
	-netdev user,id=n1 -device virtio-net-pci,netdev=n1,addr=0x6,packed=on

# section SLOT NAME: the lines of one result.
section() { awk -v h="@@SAMPLE $1 $2" 'index($0, "@@SAMPLE") == 1 { on = ($0 == h); next } on' "$work/out"; }
bar_reads() { section "$1" "$2" | sed -n 's/.* bar_reads=\([0-9]*\).*/\1/p'; }

for s in 00:03.0 00:04.0 00:05.0 00:06.0; do
	section "$s" json >"$work/$s.json"
	check "$s: --sample exits 0" grep -qx "@@SAMPLE $s rc 0" "$work/out"
	check "$s: 5 samples of every ring read" \
		jq -e '[.devices[0].state.common.queues[] | .ring | select(.in_flight != null) | .verdict.samples == 5] | length > 0 and all' "$work/$s.json"
	single=$(bar_reads "$s" single-stats) sampled=$(bar_reads "$s" sample-stats)
	check "$s: BAR reads of --sample 5x200ms ($sampled) == of one read ($single)" \
		[ -n "$single" ] && [ "$single" = "$sampled" ]
	echo "$s: BAR reads: one read $single, --sample 5x200ms $sampled"
	echo "$s: $(jq -c '[.devices[0].state.common.queues[] | select(.ring.verdict != null) | {name, in_flight: .ring.in_flight, state: .ring.verdict.state, rates: .ring.verdict.rates}]' "$work/$s.json")"
done
q() { jq -r "$2" "$work/$1.json"; }
check "blk requestq1 is device-stalled (got $(q 00:04.0 '.devices[0].state.common.queues[0].ring.verdict.state'))" \
	[ "$(q 00:04.0 '.devices[0].state.common.queues[0].ring.verdict.state')" = device-stalled ]
check "blk requestq1 has requests in flight ($(q 00:04.0 '.devices[0].state.common.queues[0].ring.in_flight'))" \
	[ "$(q 00:04.0 '.devices[0].state.common.queues[0].ring.in_flight')" -gt 0 ]
check "net receiveq1 is waiting-for-input (got $(q 00:03.0 '.devices[0].state.common.queues[0].ring.verdict.state'))" \
	[ "$(q 00:03.0 '.devices[0].state.common.queues[0].ring.verdict.state')" = waiting-for-input ]
check "net receiveq1 has buffers posted" [ "$(q 00:03.0 '.devices[0].state.common.queues[0].ring.in_flight')" -gt 0 ]
check "packed net receiveq1 is waiting-for-input (got $(q 00:06.0 '.devices[0].state.common.queues[0].ring.verdict.state'))" \
	[ "$(q 00:06.0 '.devices[0].state.common.queues[0].ring.format')/$(q 00:06.0 '.devices[0].state.common.queues[0].ring.verdict.state')" = packed/waiting-for-input ]
check "rng requestq is progressing (got $(q 00:05.0 '.devices[0].state.common.queues[0].ring.verdict.state'))" \
	[ "$(q 00:05.0 '.devices[0].state.common.queues[0].ring.verdict.state')" = progressing ]
check "rng requestq used rate > 0" jq -e '.devices[0].state.common.queues[0].ring.verdict.rates.used_per_s > 0' "$work/00:05.0.json"
for s in 00:03.0 00:04.0 00:05.0 00:06.0; do
	if [ "$s" = 00:03.0 ] || [ "$s" = 00:06.0 ]; then
		echo "--- $s -vv (the 256 receive chains left out)"
		section "$s" text | grep -v $'^\t\t\tchain at'
	else
		echo "--- $s -vv"
		section "$s" text
	fi
done
summary "$VLP_PROG"
