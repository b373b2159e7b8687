#!/bin/sh
# Guest side of the --config-writes measurement in tests/qemu/vhost-user.sh (busybox sh,
# drivers unbound): 00:03.0 is QEMU's vhost-user-scsi-pci with faulty-blk --scsi behind
# it.  The exercise writes sense_size and cdb_size; QEMU 7.2 then exits, so the line after
# it is never printed and the guest never reaches its end marker.
echo "config-writes: virtio-lspci --check --exercise --config-writes 00:03.0"
virtio-lspci --check --exercise --config-writes 00:03.0
echo "config-writes: the VM lived on (exit $?)"
