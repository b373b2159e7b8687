#!/bin/sh
# Guest side of tests/qemu/exercise.sh (busybox sh, run as /test.sh in a guest booted
# with --unbind): 00:03.0 virtio-rng, 00:04.0 virtio-blk, 00:05.0 virtio-serial with a
# virtconsole, 00:06.0 virtio-scsi (a disk on target 0), 00:07.0 virtio-balloon,
# 00:08.0 virtio-net (a control queue), 00:09.0 a virtio-rng bound again here (the
# refusal), 00:0a.0 a read-only virtio-blk with packed=on.  Prints one "@@VLP-EX NAME RC"
# line per run, then its output lines prefixed with "| "; the seconds each text run took
# as "NAME-time".
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
VLP_MARK=@@VLP-EX
echo 0000:00:09.0 >/sys/bus/pci/drivers/virtio-pci/bind
uptime_cs() { # hundredths of a second since boot
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}
for d in rng:03 blk:04 console:05 scsi:06 balloon:07 net:08 blkro:0a; do
	name=${d%:*} slot=00:${d#*:}.0 writes=
	# the read-only virtio-blk: its JSON run with the write it must refuse
	[ "$name" = blkro ] && writes=--media-writes
	# virtio-scsi: its JSON run changes sense_size and cdb_size before the reset
	[ "$name" = scsi ] && writes=--config-writes
	t0=$(uptime_cs)
	vlp_run "$name-text" --check --exercise "$slot"
	t1=$(uptime_cs)
	echo $((t1 - t0)) >/tmp/t
	vlp_show "$name-time" 0 /tmp/t
	# shellcheck disable=SC2086 # $writes: no option or one
	vlp_json "$name-json" --check --exercise $writes -J "$slot"
done
vlp_run rng-junit --check --exercise --strict -o junit 00:03.0
vlp_run rng-active-junit --check --active -o junit 00:03.0
# The host grows the disk 2 s after this line (exercise/resize-hook.sh), while the tool
# keeps the device DRIVER_OK for 6 s watching its configuration.
echo "@@VLP-EX watch-start 0"
vlp_json blk-watch --check --exercise --watch-config=6 -J 00:04.0
vlp_json blk-hostile --check --exercise --hostile -J 00:04.0
vlp_json rng-hostile --check --exercise --hostile -J 00:03.0
vlp_json console-hostile --check --exercise --hostile -J 00:05.0
vlp_json scsi-hostile --check --exercise --hostile -J 00:06.0
vlp_json net-hostile --check --exercise --hostile -J 00:08.0
vlp_run blk-rebind --check --exercise --rebind 00:04.0
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
dd if=/dev/vda bs=512 count=1 2>/dev/null | od -An -tx1 -v | tr -d ' \n' >/tmp/vda.hex
echo >>/tmp/vda.hex
vlp_show vda 0 /tmp/vda.hex
vlp_run bound --check --exercise 00:09.0
echo 'vlpuser:x:1000:1000::/tmp:/bin/sh' >>/etc/passwd
su vlpuser -s /bin/sh -c 'virtio-lspci --check --exercise 00:03.0' >/tmp/ex.out 2>&1
vlp_show not-root $? /tmp/ex.out
vlp_json status-after -s 00:03.0 -s 00:05.0 -s 00:06.0 -s 00:07.0 -s 00:08.0 -s 00:0a.0 -J -v
echo "@@VLP-EX-END"
