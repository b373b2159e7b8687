#!/bin/sh
# Guest side of tests/qemu/vhost-user.sh (busybox sh, drivers bound): /etc/vu-devices
# lists "SLOT.FUNCTION NAME" per vhost-user device, NAME clean (faulty-blk without faults), qsd
# (qemu-storage-daemon), a fault of faulty-blk, rng-clean / rng-FAULT (faulty-blk --rng
# behind vhost-user-rng-pci), scsi-clean / scsi-FAULT (--scsi behind vhost-user-scsi-pci) or
# net-clean / net-FAULT (--net behind a vhost-user netdev): only --check --exercise for those.  The clean devices are read (a row of the
# pattern, the whole disk's md5), written and read back, checked (--check), self-tested
# and bound again (--selftest --rebind), and read once more through the kernel.  Each
# faulty device is armed by its control write, then read once with O_DIRECT in the
# background (some faults never complete it: "stuck"); then the kernel's messages about
# it, --check, and, when the read ended, --selftest on the unbound device.  One
# "@@VLP-VU NAME WHAT RC" line per run, its output behind "| ".
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
VLP_MARK=@@VLP-VU

# blockdev SLOT.FUNCTION: the block device (vda...) virtio_blk made of that device.
blockdev() {
	for b in /sys/bus/pci/devices/0000:00:"$1"/virtio*/block/*; do
		[ -e "$b" ] && basename "$b"
	done
}
# pattern OFFSET: the disk pattern's row at OFFSET (a multiple of 16).
pattern() { printf '%012x fb\n' "$1"; }
# row DEV SECTOR [FLAG]: the first row of SECTOR, bytes that are not text as dots.
row() {
	vlp_row=$(dd if="/dev/$1" bs=512 count=1 skip="$2" ${3:+"$3"} 2>/dev/null | head -c 16 | head -n 1 |
		tr -d '\n' | tr -c 'a-z0-9 ' '.')
	echo "$vlp_row"
}
# show NAME WHAT FILE: FILE as the run "NAME WHAT" with exit status 0.
show() { vlp_show "$1 $2" 0 "$3"; }
# arm DEV: the control write (one sector at 200, O_DIRECT; faulty-blk does not store it).
arm() {
	printf 'faulty-blk arm\n' >/tmp/arm
	dd if=/tmp/arm of="/dev/$1" bs=512 count=1 seek=200 conv=sync,notrunc oflag=direct 2>&1 | grep -v records
}
# probe DEV SECONDS: the first row of sector 3 read with O_DIRECT in the background, or
# "stuck" when the read did not end within SECONDS.
probe() {
	rm -f /tmp/probe.rc
	(row "$1" 3 iflag=direct >/tmp/probe.out; echo $? >/tmp/probe.rc) &
	i=0
	while [ ! -e /tmp/probe.rc ] && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -e /tmp/probe.rc ]; then cat /tmp/probe.out; else echo stuck; fi
}
# check NAME SLOT: --check on the device (the ring checks read its live rings), without
# the overlap warnings a broken ring repeats for every slot.
check() {
	virtio-lspci --check -s "00:$2" >/tmp/c 2>&1
	rc=$?
	grep -v ring-chain-overlap /tmp/c >/tmp/c2
	vlp_show "$1 check" $rc /tmp/c2
}

while read -r slot name; do
	case $name in
	rng-* | scsi-* | net-*)
		# faulty-blk --rng behind vhost-user-rng-pci, --scsi behind
		# vhost-user-scsi-pci, --net behind a vhost-user netdev: the kernel's driver let go, then --check
		# --exercise (the clean ones with --hostile too).  What virtio_scsi's scan
		# found first: each SCSI device's address and vendor.
		if [ "${name#scsi-}" != "$name" ]; then
			for d in /sys/bus/pci/devices/0000:00:"$slot"/virtio*/host*/target*/[0-9]*; do
				[ -e "$d/vendor" ] && echo "${d##*/} $(cat "$d/vendor")"
			done >/tmp/scan
			show "$name" scan /tmp/scan
		fi
		echo "0000:00:$slot" >/sys/bus/pci/drivers/virtio-pci/unbind
		if [ "$name" = rng-clean ] || [ "$name" = scsi-clean ]; then
			vlp_exercise "$name" "$slot" --hostile
		else
			vlp_exercise "$name" "$slot"
		fi
		if [ "$name" = scsi-clean ]; then
			virtio-lspci --selftest "00:$slot" >/tmp/s 2>&1
			vlp_show "$name selftest" $? /tmp/s
		fi
		continue
		;;
	esac
	dev=$(blockdev "$slot")
	{
		echo "dev=$dev"
		echo "features=$(cat /sys/bus/pci/devices/0000:00:"$slot"/virtio*/features 2>/dev/null)"
		[ -z "$dev" ] || echo "ro=$(cat /sys/block/"$dev"/ro) cache=$(cat /sys/block/"$dev"/cache_type)"
	} >/tmp/info
	show "$name" info /tmp/info
	case $name in
	clean | qsd | ro-writes | wce-no-flush | config-padding | no-version1)
		# What the device offers: registers and configuration, one line of JSON.
		virtio-lspci -s "00:$slot" -J 2>/dev/null | sed 's/^ *//' | tr -d '\n' >/tmp/j
		echo >>/tmp/j
		show "$name" json /tmp/j
		;;
	esac
	[ -n "$dev" ] || continue
	case $name in
	clean | qsd)
		{
			row "$dev" 3
			md5sum <"/dev/$dev" | cut -d' ' -f1
			printf 'vlp write %s\n' "$name" >/tmp/w
			dd if=/tmp/w of="/dev/$dev" bs=512 count=1 seek=9 conv=sync,notrunc oflag=direct 2>/dev/null
			row "$dev" 9 iflag=direct
			row "$dev" 10 iflag=direct
		} >/tmp/r
		show "$name" read /tmp/r
		check "$name" "$slot"
		echo "0000:00:$slot" >/sys/bus/pci/drivers/virtio-pci/unbind
		# qemu-storage-daemon 7.2 stops serving once a queue on NO_VECTOR
		# completes (QEMU gives it no call eventfd, libvhost-user panics on
		# the notification): its exercise comes last, after the rebind.
		# The clean faulty-blk with --hostile: a device that is not QEMU's
		# given the malformed chains after the other checks.
		[ "$name" = clean ] && vlp_exercise "$name" "$slot" --hostile
		[ "$name" = qsd ] || [ "$name" = clean ] || vlp_exercise "$name" "$slot"
		virtio-lspci --selftest --rebind "00:$slot" >/tmp/s 2>&1
		vlp_show "$name selftest" $? /tmp/s
		i=0
		while [ -z "$(blockdev "$slot")" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		row "$(blockdev "$slot")" 9 iflag=direct >/tmp/r
		show "$name" reread /tmp/r
		if [ "$name" = qsd ]; then
			echo "0000:00:$slot" >/sys/bus/pci/drivers/virtio-pci/unbind
			vlp_exercise "$name" "$slot"
		fi
		;;
	*+x)
		# A fault whose first request never ends for the kernel: armed by its
		# control write, the driver unbound at once (nothing else is sent: no
		# reader, no dirty page), then only --check --exercise drives it.
		arm "$dev" >/tmp/a 2>&1
		show "$name" arm /tmp/a
		(echo "0000:00:$slot" >/sys/bus/pci/drivers/virtio-pci/unbind; echo ended >"/tmp/unbind.$slot") &
		i=0
		while [ ! -e "/tmp/unbind.$slot" ] && [ $i -lt 30 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if [ -e "/tmp/unbind.$slot" ] && [ "$name" = packed-clean+x ]; then
			# the packed clean back-end: --hostile's lists on a packed ring too
			vlp_exercise "$name" "$slot" --hostile
		elif [ -e "/tmp/unbind.$slot" ]; then
			vlp_exercise "$name" "$slot"
		else
			echo "the unbind did not end within 3 s" >/tmp/u
			vlp_show "$name unbind" 1 /tmp/u
		fi
		;;
	*)
		arm "$dev" >/tmp/a 2>&1
		show "$name" arm /tmp/a
		if [ "$name" = write-readable ]; then
			# Held open, the device keeps its page cache between the dd runs: the
			# buffered write's page is what the device scribbled on.
			exec 5<"/dev/$dev"
			pattern 0 | dd of=/tmp/pg bs=4096 count=1 conv=sync 2>/dev/null
			dd if=/tmp/pg of="/dev/$dev" bs=4096 count=1 seek=4 conv=notrunc,fsync 2>/dev/null
			{
				md5sum </tmp/pg | cut -d' ' -f1
				dd if="/dev/$dev" bs=4096 count=1 skip=4 2>/dev/null | md5sum | cut -d' ' -f1
				dd if="/dev/$dev" bs=4096 count=1 skip=4 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1
			} >/tmp/p
			exec 5<&-
			show "$name" pagecache /tmp/p
		fi
		probe "$dev" 3 >/tmp/p 2>&1
		show "$name" probe /tmp/p
		dmesg | grep "virtio_blk $(basename /sys/bus/pci/devices/0000:00:"$slot"/virtio*):" |
			grep -v 'queues$\|logical blocks' >/tmp/d
		show "$name" dmesg /tmp/d
		check "$name" "$slot"
		if [ "$(cat /tmp/p)" != stuck ]; then
			echo "0000:00:$slot" >/sys/bus/pci/drivers/virtio-pci/unbind
			# ro-writes: the write a read-only device must refuse is made
			# (faulty-blk's RAM disk; the kernel refuses writes itself).
			if [ "$name" = ro-writes ]; then
				vlp_exercise "$name" "$slot" --media-writes
			else
				vlp_exercise "$name" "$slot"
			fi
			virtio-lspci --selftest "00:$slot" >/tmp/s 2>&1
			vlp_show "$name selftest" $? /tmp/s
		fi
		;;
	esac
done </etc/vu-devices
echo "@@VLP-VU-END"
