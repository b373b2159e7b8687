#!/bin/sh
# Guest side of tests/qemu/selftest.sh (busybox sh, run as /test.sh in a guest booted with
# --unbind): 00:03.0 virtio-rng, 00:04.0 virtio-blk, 00:05.0 virtio-serial with a
# virtconsole, 00:06.0 virtio-balloon, 00:08.0 virtio-scsi (a disk on
# target 2), 00:09.0 virtio-net, 00:0a.0 virtio-blk (--dry-run only), 00:07.0 a virtio-rng bound again here (the
# refusal).  Prints one "@@VLP-ST NAME RC" line per run, then its output lines prefixed
# with "| ".
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
VLP_MARK=@@VLP-ST
echo 0000:00:07.0 >/sys/bus/pci/drivers/virtio-pci/bind
# 00:0a.0, a second virtio-blk, only ever gets the dry run.
vlp_json blk-dry-before -s 00:0a.0 -J -v
vlp_run blk-dry --selftest --dry-run --stats 00:0a.0
vlp_json blk-dry-after -s 00:0a.0 -J -v
vlp_run rng-text --selftest 00:03.0
vlp_json rng-json --selftest -J 00:03.0
vlp_run blk-text --selftest 00:04.0
vlp_json blk-json --selftest --rebind -J 00:04.0
# The kernel's driver reads the same sector 0 (the node appears once virtio_blk probed).
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
dd if=/dev/vda bs=512 count=1 2>/dev/null | od -An -tx1 -v | tr -d ' \n' >/tmp/vda.hex
echo >>/tmp/vda.hex
vlp_show vda 0 /tmp/vda.hex
vlp_run console-text --selftest 00:05.0
vlp_json console-json --selftest -J 00:05.0
vlp_run balloon-text --selftest 00:06.0
vlp_json balloon-json --selftest -J 00:06.0
vlp_run scsi-text --selftest 00:08.0
vlp_json scsi-json --selftest -J 00:08.0
vlp_run net-text --selftest 00:09.0
vlp_json net-json --selftest -J 00:09.0
vlp_run bound --selftest --stats 00:07.0
# Not root: refused before anything (a user for busybox su).
echo 'vlpuser:x:1000:1000::/tmp:/bin/sh' >>/etc/passwd
su vlpuser -s /bin/sh -c 'virtio-lspci --selftest --stats 00:03.0' >/tmp/st.out 2>&1
vlp_show not-root $? /tmp/st.out
vlp_json status-after -s 00:03.0 -s 00:05.0 -s 00:06.0 -s 00:08.0 -s 00:09.0 -J -v
echo "@@VLP-ST-END"
