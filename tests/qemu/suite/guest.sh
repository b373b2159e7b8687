#!/bin/sh
# Guest side of tests/qemu/suite.sh (busybox sh; run by the harness's /init as /test.sh).
# For every virtio PCI device: the guest kernel's sysfs view, then virtio-lspci through
# each backend, passive before and after, and snapshots. Each device's files are sent as
# a gzip'd tar in base64 between "@@VLP-DEV SLOT begin" and "@@VLP-DEV SLOT end" lines,
# so console noise between lines cannot corrupt them unnoticed (gzip has a CRC).
#
# Files per device (NAME.out is stdout, NAME.err stderr, NAME.rc the exit code):
#   sysfs              pci_driver, virtio, device, vendor, features, status, driver
#   passive-before.*   --passive -J --stats, before anything else touched the device
#   irqs               "irq N KIND AFFINITY" per sysfs msi_irqs entry, and its
#                      /proc/interrupts line "before"/"after" the mmap run
#   mmap.*             -J --access=mmap --stats --save snap-json.lspci
#   window.*           -J --access=window --stats
#   vv.*               -vv --access=mmap --save snap-vv.lspci
#   passive-after.*    --passive -J --stats, after the full reads
#   isr.*              -J --read-isr (only on slot $isr_slot, the virtio-rng)
#   check.*            --check -J: the conformance checker on the live device
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
out=/tmp/vlp
isr_slot=0000:00:05.0
mkdir -p "$out"

# run DIR NAME COMMAND...: stdout to DIR/NAME.out, stderr to .err, exit code to .rc.
run() {
	dir=$1 name=$2
	shift 2
	"$@" >"$dir/$name.out" 2>"$dir/$name.err"
	echo $? >"$dir/$name.rc"
}

for p in $(vlp_virtio_devices); do
	s=${p##*/}
	d=$out/$s
	mkdir -p "$d"
	{
		drv=none
		[ -e "$p/driver" ] && drv=$(basename "$(readlink "$p/driver")")
		echo "pci_driver $drv"
		for v in "$p"/virtio*; do
			[ -d "$v" ] || continue
			echo "virtio ${v##*/}"
			for k in device vendor features status; do
				echo "$k $(cat "$v/$k")"
			done
			drv=none
			[ -e "$v/driver" ] && drv=$(basename "$(readlink "$v/driver")")
			echo "driver $drv"
		done
	} >"$d/sysfs"

	run "$d" passive-before virtio-lspci --passive -J --stats -s "$s"
	# The kernel's interrupts of the device around the mmap run: IRQ, then
	# the /proc/interrupts line before and after ("irq N ..." lines).
	for i in "$p"/msi_irqs/*; do
		[ -e "$i" ] || continue
		i=${i##*/}
		echo "irq $i $(cat "$p/msi_irqs/$i") $(cat "/proc/irq/$i/smp_affinity_list" 2>/dev/null)"
		grep -E "^ *$i:" /proc/interrupts | sed 's/^/before /'
	done >"$d/irqs"
	run "$d" mmap virtio-lspci -J --access=mmap --stats --save "$d/snap-json.lspci" -s "$s"
	for i in "$p"/msi_irqs/*; do
		[ -e "$i" ] || continue
		grep -E "^ *${i##*/}:" /proc/interrupts | sed 's/^/after /'
	done >>"$d/irqs"
	run "$d" window virtio-lspci -J --access=window --stats -s "$s"
	run "$d" vv virtio-lspci -vv --access=mmap --save "$d/snap-vv.lspci" -s "$s"
	if [ "$s" = "$isr_slot" ]; then
		run "$d" isr virtio-lspci -J --read-isr -s "$s"
	fi
	run "$d" passive-after virtio-lspci --passive -J --stats -s "$s"
	run "$d" check virtio-lspci --check -J -s "$s"
done

vlp_send_archives "$out"
