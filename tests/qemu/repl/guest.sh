#!/bin/sh
# Guest side of tests/qemu/repl-suite.sh (busybox sh). Drives the virtio-net device at
# 00:02.0 (driver unbound here) through the initialization sequence with one batch
# script, stopping after each step (`shell vlp-sync NAME`) so that the host hook can ask
# QEMU for its view over QMP. The virtio-rng at 00:03.0 keeps its driver: writes to it
# must be refused. The second virtio-net at 00:04.0 offers ACCESS_PLATFORM
# (iommu_platform=on): QEMU refuses FEATURES_OK when the driver does not accept it. Queue memory is at 768M, above the mem=512M the kernel may use.
net=0000:00:02.0
rng=0000:00:03.0
iommu=0000:00:04.0
# vlp-sync NAME (mkinitramfs.sh, guest-lib.sh): the host hook records QEMU's view at NAME.

echo "$net" >/sys/bus/pci/drivers/virtio-pci/unbind
echo "$iommu" >/sys/bus/pci/drivers/virtio-pci/unbind

echo "== batch init"
virtio-lspci -c '
	reset; shell vlp-sync reset
	status +ACKNOWLEDGE; shell vlp-sync acknowledge
	status +DRIVER; shell vlp-sync driver
	features; feature = 0 +VERSION_1 +NET_F_MAC +NET_F_STATUS; shell vlp-sync features
	status +FEATURES_OK; shell vlp-sync features_ok
	queue 0; set queue_size 64; set queue_desc 0x30000000; set queue_driver 0x30001000
	set queue_device 0x30002000; set queue_enable 1
	queue 1; set queue_size 64; set queue_desc 0x30010000; set queue_driver 0x30011000
	set queue_device 0x30012000; set queue_enable 1; shell vlp-sync queues
	status +DRIVER_OK; shell vlp-sync driver_ok
	notify 1; get device_status mac
	reset; shell vlp-sync reset_again' "$net"
echo "rc=$?"

echo "== unoffered feature"
virtio-lspci -c 'status +ACKNOWLEDGE; status +DRIVER; feature = 0 +VERSION_1 +RING_PACKED; status +FEATURES_OK' "$net"
echo "rc=$?"
vlp-sync unoffered

echo "== refused features"
virtio-lspci -c 'reset; status +ACKNOWLEDGE; status +DRIVER; feature = 0 +VERSION_1; status +FEATURES_OK; echo not reached' "$iommu"
echo "rc=$?"
vlp-sync refused

echo "== reset"
virtio-lspci -c reset "$net"
echo "rc=$?"
vlp-sync reset_final

echo "== dry run"
virtio-lspci --dry-run -c 'status +ACKNOWLEDGE; set queue_size 32' "$net"
echo "rc=$?"
vlp-sync dry_run

echo "== driver bound"
virtio-lspci -c 'status +ACKNOWLEDGE' "$rng"
echo "rc=$?"
vlp-sync bound

echo "== read-only field, out of range, stdin batch"
printf 'get num_queues\nset num_queues 1\n' | virtio-lspci -i "$net"
echo "rc=$?"
virtio-lspci -c 'set queue_size 0x10000' "$net"
echo "rc=$?"
