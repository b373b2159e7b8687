#!/bin/sh
# Guest side of tests/qemu/pci-proxy.sh (busybox sh): /etc/px-devices lists "SLOT NAME
# [OPTION...]" per virtio-pci function that faulty-blk --pci-proxy serves through QEMU's
# x-pci-proxy-dev (no driver bound: vlp.nodriver).  On each: --check --exercise -J with
# the OPTIONs, shown as "NAME exercise" (its time in ms, one line of JSON, then stderr);
# the clean block device also in text and with --check alone after it.
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
VLP_MARK=@@VLP-PX

# exercise NAME SLOT [OPTION...]
exercise() {
	name=$1 slot=$2
	shift 2
	t0=$(cut -d' ' -f1 /proc/uptime | tr -d .)
	virtio-lspci --check --exercise "$@" -J -s "00:$slot" >/tmp/x 2>/tmp/xerr
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime | tr -d .)
	{
		echo "ms=$(((t1 - t0) * 10))"
		sed 's/^ *//' /tmp/x | tr -d '\n'
		echo
		cat /tmp/xerr
	} >/tmp/x2
	vlp_show "$name exercise" $rc /tmp/x2
}

while read -r slot name opts; do
	# shellcheck disable=SC2086 # the options, one word each
	exercise "$name" "$slot" $opts
	if [ "$name" = clean ]; then
		vlp_run "clean text" --check --exercise -s "00:$slot"
		vlp_run "clean check" --check -s "00:$slot"
		vlp_run "clean show" -s "00:$slot" -vv
	fi
done </etc/px-devices
echo "@@VLP-PX-END"
