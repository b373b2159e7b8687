#!/bin/sh
# Guest side of tests/qemu/negotiate.sh (busybox sh, run as /test.sh in a guest booted with
# --unbind).  00:03.0 is a virtio-rng with iommu_platform=on, 00:04.0 the same without it,
# 00:05.0 another one bound again to virtio-pci here (the refusal).  Prints one
# "@@VLP-NEG NAME RC" line per run, then its output lines prefixed with "| ".
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
VLP_MARK=@@VLP-NEG
echo 0000:00:05.0 >/sys/bus/pci/drivers/virtio-pci/bind
vlp_run iommu-text --negotiate 00:03.0
vlp_json iommu-json --negotiate -J 00:03.0
vlp_run plain-text --negotiate 00:04.0
vlp_json plain-json --negotiate -J 00:04.0
vlp_run dry-run --negotiate --dry-run --stats 00:04.0
vlp_run status-after -s 00:03.0 -s 00:04.0 -J -v
vlp_run bound --negotiate --stats 00:05.0
vlp_run bound-driver -s 00:05.0 -J
echo "@@VLP-NEG-END"
