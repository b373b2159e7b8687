#!/bin/sh
# Guest side of tests/qemu/nudge.sh (busybox sh; every driver unbound by --unbind). The
# REPL sets up queue 0 of the virtio-rng at 00:03.0 and posts a 64-byte buffer without a
# kick; while it still holds the queue, its `shell` command runs --nudge from outside (the
# ring read through /proc/kcore, the REPL's queue memory being in its own process): first
# a dry run, then the nudge (text); after the REPL took the used entry, a second buffer and
# a nudge by queue name (JSON); then a nudge on a queue with nothing available. The host hook records QEMU's view at each `vlp-sync` step.
# The virtio-rng at 00:04.0, bound again to virtio-pci, refuses without --force; with it,
# the nudge reads the kernel driver's ring and writes.
rng=0000:00:03.0
bound=0000:00:04.0
# vlp-sync NAME (mkinitramfs.sh, guest-lib.sh): the host hook records QEMU's view at NAME.
# The step "ready" comes before the post on purpose: at DRIVER_OK QEMU kicks every queue
# itself (virtio_device_start_ioeventfd_impl sets each queue's host notifier), and that
# kick is served later by its main loop; on a loaded host it came after the post and took
# the buffer (CI, once). The step's QMP round trip passes through that main loop, so the
# post after it really has no kick.
echo "$bound" >/sys/bus/pci/drivers/virtio-pci/bind

echo "== repl"
virtio-lspci -c "init; queue setup 0 8; shell vlp-sync ready; post 0 in 64; shell virtio-lspci --nudge=0 --dry-run $rng >/tmp/dry.out 2>&1; shell vlp-sync posted; shell virtio-lspci --nudge=0 --force $rng >/tmp/lost.out 2>&1; shell vlp-sync nudged; poll 0 1000; post 0 in 32; shell virtio-lspci --nudge=requestq -J $rng >/tmp/nudge.json; shell vlp-sync nudged2; poll 0 1000; shell virtio-lspci --nudge=requestq --timeout=200 $rng >/tmp/empty.out 2>&1" "$rng" 2>&1
echo "rc=$?"
echo "== dry run"
cat /tmp/dry.out
echo "== lost"
cat /tmp/lost.out
echo "== nudge"
cat /tmp/nudge.json
echo "== empty"
cat /tmp/empty.out
echo "== bound"
virtio-lspci --stats --nudge=0 "$bound" 2>&1
echo "rc=$?"
vlp-sync bound
echo "== forced"
virtio-lspci --stats --nudge=0 --force --timeout=100 -J "$bound" 2>/tmp/forced.err
echo "rc=$?"
echo "== forced stderr"
cat /tmp/forced.err
echo "== end"
