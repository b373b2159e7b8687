#!/bin/sh
# Guest side of tests/qemu/dma.sh (busybox sh; every driver unbound by --unbind). Drives
# the virtio-rng at 00:03.0 from user space: init (every queue set up, DRIVER_OK), a
# device-writable buffer of 64 bytes on queue 0, a kick, a poll; the host hook records
# QEMU's view while the tool still holds the queue (`shell vlp-sync held1`) and after it
# ended (reset). A second run gives other bytes; a dry run writes nothing; the virtio-rng
# at 00:04.0, bound again to virtio-pci, refuses without --force. The virtio-rng at 00:05.0
# (packed=on) gets packed rings.
rng=0000:00:03.0
bound=0000:00:04.0
packed=0000:00:05.0
# vlp-sync NAME (mkinitramfs.sh, guest-lib.sh): the host hook records QEMU's view at NAME.
echo "$bound" >/sys/bus/pci/drivers/virtio-pci/bind

echo "== run 1"
virtio-lspci -c 'init; queue setup 0 8; post 0 in 64; kick 0; poll 0 1000; ring 0; shell vlp-sync held1' "$rng" 2>&1
echo "rc=$?"
vlp-sync after1
echo "== run 2"
virtio-lspci -c 'init; queue setup 0 8; post 0 in 64; kick 0; poll 0 1000' "$rng" 2>&1
echo "rc=$?"
vlp-sync after2
echo "== packed"
virtio-lspci -c 'init; post 0 in 32; kick 0; poll 0 1000; ring 0' "$packed" 2>&1
echo "rc=$?"
echo "== dry run"
virtio-lspci --dry-run -c 'init; queue setup 0 8; post 0 in 64; kick 0' "$rng" 2>&1
echo "rc=$?"
vlp-sync dry
echo "== bound"
virtio-lspci --stats -c 'queue setup 0 8' "$bound" 2>&1
echo "rc=$?"
vlp-sync bound
echo "== end"
