#!/bin/sh
# Guest side of tests/qemu/rings-suite.sh (busybox sh; run by the harness's /init as
# /test.sh). Holds the devices still, then reads every virtio device's rings and, after
# each read, stops at "STEP read SLOT ..." on the second serial port while the host asks
# QEMU over QMP for its view of the same queues (tests/qemu/rings/hook.sh answers OK).
#
# Stillness: IPv6 is off before eth0 goes up (no router solicitations on the transmit
# queue); fbcon's cursor does not blink (no virtio-gpu flushes); the virtio-blk at
# 00:03.0 is throttled by the host (STEP throttle: QMP block_set_io_throttle, 64 bytes/s)
# before "cat /dev/vda" starts, so its requests stay in flight.
#
# Files per device (sent as a gzip'd tar in base64 between "@@VLP-DEV SLOT begin/end"):
#   rings.{json,err,rc}    virtio-lspci --rings -J -vvv --save snap.lspci -s SLOT
#   rings2.{json,err,rc}   the same read again after the host's QMP queries (stillness)
#   sample.{json,err,rc}   --rings -J --sample 5x200ms (blk and net, when the tool has it)
#   snap.lspci             the snapshot of the first read
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
out=/tmp/vlp
blk=0000:00:03.0
net=0000:00:02.0
mkdir -p "$out"
# The sync port stays open for the whole run: bytes the host sends while it is closed
# are dropped (the OK of a quick step was lost that way between the write and the read).
exec 3<>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo 2>/dev/null
# step WORDS...: tell the host, wait for its OK.
step() {
	echo "STEP $*" >&3
	read -r ack <&3
	[ "$ack" = OK ] || echo "@@VLP-NOTE step $1: host answered '$ack'"
}
# Per queue with a ring, "INDEX:FORMAT:AVAIL_IDX:USED_IDX:IN_FLIGHT" from the tool's
# pretty JSON (one key per line): the host asks QEMU for the elements between used and
# avail idx only (elsewhere QEMU would read stale heads).
summary() {
	awk '
		/^ *"index": [0-9]+,?$/ && !inring { q = $2; sub(",", "", q) }
		/^ *"ring": \{$/ { inring = 1; depth = index($0, "\""); f = "?"; a = "-"; u = "-"; n = "-"; part = ""; next }
		!inring { next }
		/^ *"format": / { f = $2; gsub(/[",]/, "", f) }
		/^ *"avail": \{$/ { part = "a" }
		/^ *"used": \{$/ { part = "u" }
		/^ *"idx": [0-9]+,?$/ { v = $2; sub(",", "", v); if (part == "a" && a == "-") a = v; if (part == "u" && u == "-") u = v }
		/^ *"in_flight": [0-9]+,?$/ && n == "-" { n = $2; sub(",", "", n) }
		/^ *\},?$/ && index($0, "}") == depth { printf " %s:%s:%s:%s:%s", q, f, a, u, n; inring = 0 }
	' "$1"
}

for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
	[ -e "$f" ] && echo 1 >"$f"
done
for i in /sys/class/net/*; do
	case ${i##*/} in lo) ;; *) ip link set "${i##*/}" up ;; esac
done
[ -e /sys/class/graphics/fbcon/cursor_blink ] && echo 0 >/sys/class/graphics/fbcon/cursor_blink
# The held request: throttle first, then read the disk in the background.
step throttle
cat /dev/vda >/dev/null 2>&1 &
sleep 2

for p in $(vlp_virtio_devices); do
	s=${p##*/}
	d=$out/$s
	mkdir -p "$d"
	virtio-lspci --rings -J -vvv --save "$d/snap.lspci" -s "$s" >"$d/rings.json" 2>"$d/rings.err"
	echo $? >"$d/rings.rc"
	step read "$s$(summary "$d/rings.json")"
	virtio-lspci --rings -J -vvv -s "$s" >"$d/rings2.json" 2>"$d/rings2.err"
	echo $? >"$d/rings2.rc"
	if [ "$s" = $blk ] || [ "$s" = $net ]; then
		virtio-lspci --rings -J --sample 5x200ms -s "$s" >"$d/sample.json" 2>"$d/sample.err"
		echo $? >"$d/sample.rc"
	fi
done
step finished

vlp_send_archives "$out"
