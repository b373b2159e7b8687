#!/bin/sh
# Guest side of tests/qemu/pci-proxy.sh (busybox sh): /etc/px-devices lists "SLOT NAME
# [OPTION...]" per virtio-pci function that faulty-blk --pci-proxy serves through QEMU's
# x-pci-proxy-dev (no driver bound: vlp.nodriver).  On each: --check --exercise -J with
# the OPTIONs, shown as "NAME exercise" (its time in ms, one line of JSON, then stderr);
# the clean block device also in text and with --check alone after it.
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
VLP_MARK=@@VLP-PX

while read -r slot name opts; do
	# shellcheck disable=SC2086 # the options, one word each
	vlp_exercise "$name" "$slot" $opts
	if [ "$name" = clean ]; then
		vlp_run "clean text" --check --exercise -s "00:$slot"
		vlp_run "clean check" --check -s "00:$slot"
		vlp_run "clean show" -s "00:$slot" -vv
	fi
done </etc/px-devices
echo "@@VLP-PX-END"
