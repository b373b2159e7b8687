#!/bin/sh
# Guest side of tests/qemu/host.sh (busybox sh; run by the harness's /init as /test.sh).
# The guest looks at its own devices and then stops at "STEP NAME" on the second serial
# port while the host looks at the same devices through QEMU's monitor
# (tests/qemu/host/hook.sh answers OK when it is done), so that both look at the same
# moment:
#   STEP compare    after the guest's virtio-lspci -J -vv --rings (all devices); the
#                   same read again after the host's (a queue that moved in between is
#                   seen); a read of the vhost-user-blk before and after (vdb-before,
#                   vdb-after: "rc 0", or "hung")
#   STEP moving     while the guest reads the virtio-blk in a loop (the page cache
#                   dropped before each pass, so that every pass reaches the device):
#                   the host samples it, and its queue moves between a sample's two reads
#   STEP throttle   the host throttles the virtio-blk's drive and the packed one's (64
#                   bytes/s); then the guest reads both disks and the entropy device
#                   (whose QEMU rate limit, 64 bytes per 10 minutes, is spent at once)
#                   in the background
#   STEP stall      after the guest's --sample of the blk, the rng and the packed blk:
#                   the host samples them through the monitor
#   STEP broken     the virtio-rng at 00:09.0 (its driver unbound) made to need a reset by
#                   the REPL (a buffer posted, queue_enable written 0 while DRIVER_OK:
#                   QEMU's virtio_error), sampled by the guest, then by the host; the
#                   REPL's exit resets it
#   STEP finished   the host's last queries
# Stillness: IPv6 is off before eth0 goes up (no router solicitations on the transmit
# queue). The files go back as one gzip'd tar in base64 between "@@VLP-HOST begin" and
# "@@VLP-HOST end".
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
out=/tmp/host
blk=0000:00:03.0
rng=0000:00:04.0
packed=0000:00:08.0
broken=0000:00:09.0
echo "$broken" >/sys/bus/pci/drivers/virtio-pci/unbind
mkdir -p "$out"
# The sync port stays open for the whole run (bytes sent while it is closed are lost).
exec 3<>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null
step() {
	echo "STEP $*" >&3
	read -r ack <&3
	[ "$ack" = OK ] || echo "@@VLP-NOTE step $1: host answered '$ack'"
}
# run NAME ARGS...: virtio-lspci ARGS, stdout in NAME.json, stderr in NAME.err, status in NAME.rc.
run() {
	n=$1
	shift
	virtio-lspci "$@" >"$out/$n.json" 2>"$out/$n.err"
	echo $? >"$out/$n.rc"
}

for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
	[ -e "$f" ] && echo 1 >"$f"
done
for i in /sys/class/net/*; do
	case ${i##*/} in lo) ;; *) ip link set "${i##*/}" up ;; esac
done
sleep 1

# vdb_read NAME SKIP: 64 KiB of the vhost-user-blk (/dev/vdb) at 4 KiB block SKIP, past
# the page cache; NAME holds "rc N", or "hung" when no answer came within 3 s.
vdb_read() {
	echo 3 >/proc/sys/vm/drop_caches
	(
		dd if=/dev/vdb of=/dev/null bs=4096 count=16 skip="$2" 2>/dev/null
		echo "rc $?" >"$out/$1"
	) &
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		[ -s "$out/$1" ] && return
		sleep 0.2
	done
	echo hung >"$out/$1"
}

vdb_read vdb-before 1000
run guest1 -J -vv --rings
step compare
run guest2 -J -vv --rings
# The host has read every queue of every device several times: the vhost-user-blk
# still serves the guest.
vdb_read vdb-after 2000

# read_in_loop DEV FILE: /dev/DEV read whole again and again, past the page cache, a
# line in FILE per pass.
read_in_loop() {
	while :; do
		echo 3 >/proc/sys/vm/drop_caches
		cat "/dev/$1" >/dev/null 2>&1
		echo pass >>"$out/$2"
	done
}
# /dev/vda: the virtio-blk (00:03.0), not yet throttled; /dev/vdc: the packed one (00:08.0)
read_in_loop vda moving-passes &
mover=$!
read_in_loop vdc packed-moving-passes &
packed_mover=$!
sleep 1
step moving
kill "$mover" "$packed_mover" 2>/dev/null
sleep 1

step throttle
cat /dev/vda >/dev/null 2>&1 &
# /dev/vdc: the packed virtio-blk (00:08.0), throttled as well
cat /dev/vdc >/dev/null 2>&1 &
dd if=/dev/hwrng of=/dev/null bs=64 count=64 2>/dev/null &
sleep 3
cat /sys/class/misc/hw_random/rng_current >"$out/rng_current" 2>&1
run guest-blk-sample -J --rings --sample=5x200ms -s "$blk"
run guest-rng-sample -J --rings --sample=5x200ms -s "$rng"
run guest-packed-sample -J --rings --sample=5x200ms -s "$packed"
step stall
# --force: 4.1.4.3.2 forbids writing queue_enable 0; -y: no question asked.
virtio-lspci --force -y -c "init; queue setup 0 8; post 0 in 64; queue 0; set queue_enable 0; shell virtio-lspci -J --rings --sample=3x100ms -s $broken >$out/guest-broken-sample.json 2>$out/guest-broken-sample.err; shell echo \$? >$out/guest-broken-sample.rc; shell vlp-sync broken" "$broken" >"$out/broken-repl.txt" 2>&1
run guest-blk-after -J --rings -s "$blk"
step finished

echo "@@VLP-HOST begin"
tar -C "$out" -czf - . | base64
echo "@@VLP-HOST end"
