#!/bin/sh
# Guest side of tests/qemu/active.sh (busybox sh, run as /test.sh in a guest booted with
# --unbind: no driver holds the devices).  On every virtio PCI device: --check --active
# (the checks that write), then a snapshot, one REPL batch command, a second snapshot and
# --diff of the two, which must show exactly that change.  Prints one "@@VLP-ACTIVE" line
# per result: SLOT NAME RC, then the output lines prefixed with "| ".
# shellcheck source=tests/qemu/guest-lib.sh
. /lib/vlp-guest.sh
VLP_MARK=@@VLP-ACTIVE
for p in $(vlp_virtio_devices); do
	s=${p##*/}
	# show NAME RC FILE: the marked run "SLOT NAME"
	show() { vlp_show "$s $1" "$2" "$3"; }
	virtio-lspci --check --active -s "$s" >/tmp/active.out 2>&1
	show check-active $? /tmp/active.out
	virtio-lspci --check --active -J -s "$s" >/tmp/active.json 2>/tmp/active.err
	show check-active-json $? /tmp/active.json
	virtio-lspci -s "$s" --save /tmp/before.lspci >/dev/null 2>&1
	virtio-lspci -c 'status +ACKNOWLEDGE' "$s" >/tmp/cmd.out 2>&1
	show batch $? /tmp/cmd.out
	virtio-lspci -s "$s" --save /tmp/after.lspci >/dev/null 2>&1
	virtio-lspci --diff /tmp/before.lspci /tmp/after.lspci >/tmp/diff.out 2>&1
	show diff $? /tmp/diff.out
	# Leave it reset for whoever comes next.
	virtio-lspci -c 'reset' "$s" >/dev/null 2>&1
done
echo "@@VLP-ACTIVE-END"
