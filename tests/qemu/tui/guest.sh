#!/bin/sh
# Guest side of tests/qemu/tui-suite.sh (busybox sh, run as /test.sh with --unbind):
# --top on the live virtio-net at 00:02.0 in a tmux pane at 80x24, while the REPL batch
# mode sets ACKNOWLEDGE in device_status.  Prints the pane before and after (text, then
# with escape sequences, ESC written as ~) between marker lines; the host checks them.
slot=0000:00:02.0
export TERM=xterm TMUX_TMPDIR=/tmp HOME=/tmp LC_ALL=C.UTF-8
T="tmux -u -f /dev/null"
shot() { # NAME: the pane as text and with attributes
	echo "@@SCREEN $1 begin"
	$T capture-pane -p -t v
	echo "@@SCREEN $1 end"
	echo "@@ESCAPES $1 begin"
	# ESC as '~': the harness strips escape sequences from the console.
	$T capture-pane -e -p -t v | tr '\033' '~'
	echo "@@ESCAPES $1 end"
}
# wait_for TEXT: until the pane shows it (15 s at most under TCG).
wait_for() {
	i=0
	while [ $i -lt 150 ]; do
		$T capture-pane -p -t v | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# tmux needs pseudo-terminals; the harness's /init mounts no devpts.
mkdir -p /dev/pts
grep -q " /dev/pts " /proc/mounts || mount -t devpts devpts /dev/pts
echo "driver: $(readlink /sys/bus/pci/devices/$slot/driver 2>/dev/null || echo none)"
# A device nobody drives starts from status 0 (reset).
virtio-lspci -c 'status = 0' "$slot"
$T new-session -d -s v -x 80 -y 24 "TERM=xterm virtio-lspci --top --interval 0.5 $slot; sleep 60"
if ! wait_for "q:quit"; then
	echo "@@FAIL the view did not start"
	$T capture-pane -p -t v
	exit 1
fi
wait_for "Status 0x00" || echo "@@FAIL status 0x00 not shown"
shot before
virtio-lspci -c 'status +ACKNOWLEDGE' "$slot"
echo "batch rc=$?"
wait_for "ACKNOWLEDGE+" || echo "@@FAIL ACKNOWLEDGE+ not shown"
shot after
# Quit with q: the view exits 0 and leaves the terminal as it was.
$T send-keys -t v q
sleep 1
$T capture-pane -p -t v | grep -q "q:quit" && echo "@@FAIL q did not quit"
$T kill-server
virtio-lspci -c 'status = 0' "$slot" >/dev/null
