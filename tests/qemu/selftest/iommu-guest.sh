#!/bin/sh
# Guest side of tests/qemu/selftest-iommu.sh (busybox sh, run as /test.sh in a guest
# with QEMU's intel-iommu and intel_iommu=on): 00:03.0 a virtio-rng unbound here,
# 00:04.0 a virtio-rng with iommu_platform=on left to its driver.  Prints one
# "@@VLP-ST NAME RC" line per run, then its output lines prefixed with "| ".
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
VLP_MARK=@@VLP-ST
for s in 00:03.0 00:04.0; do
	d=/sys/bus/pci/devices/0000:$s
	echo "$(readlink "$d/iommu_group" | sed 's#.*/##') $(cat "$d/iommu_group/type" 2>&1)" >/tmp/g.out
	vlp_show "group-$s" 0 /tmp/g.out
done
echo 0000:00:03.0 >/sys/bus/pci/drivers/virtio-pci/unbind
virtio-lspci --selftest --stats 00:03.0 >/tmp/st.out 2>/tmp/st.err
rc=$?
vlp_show selftest-out $rc /tmp/st.out
vlp_show selftest-err $rc /tmp/st.err
virtio-lspci --rings -J 00:04.0 >/tmp/st.json 2>/dev/null
vlp_show rings $? /tmp/st.json
echo "@@VLP-ST-END"
