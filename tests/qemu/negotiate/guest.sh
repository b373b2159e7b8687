#!/bin/sh
# Guest side of tests/qemu/negotiate.sh (busybox sh, run as /test.sh in a guest booted with
# --unbind).  00:03.0 is a virtio-rng with iommu_platform=on, 00:04.0 the same without it,
# 00:05.0 another one bound again to virtio-pci here (the refusal).  Prints one
# "@@VLP-NEG NAME RC" line per run, then its output lines prefixed with "| ".
show() { # NAME RC FILE
	echo "@@VLP-NEG $1 $2"
	sed 's/^/| /' "$3"
}
run() { # NAME ARGS...: stdout and stderr together
	name=$1
	shift
	virtio-lspci "$@" >/tmp/neg.out 2>&1
	show "$name" $? /tmp/neg.out
}
echo 0000:00:05.0 >/sys/bus/pci/drivers/virtio-pci/bind
run iommu-text --negotiate 00:03.0
virtio-lspci --negotiate -J 00:03.0 >/tmp/neg.json 2>/dev/null
show iommu-json $? /tmp/neg.json
run plain-text --negotiate 00:04.0
virtio-lspci --negotiate -J 00:04.0 >/tmp/neg.json 2>/dev/null
show plain-json $? /tmp/neg.json
run dry-run --negotiate --dry-run --stats 00:04.0
run status-after -s 00:03.0 -s 00:04.0 -J -v
run bound --negotiate --stats 00:05.0
run bound-driver -s 00:05.0 -J
echo "@@VLP-NEG-END"
