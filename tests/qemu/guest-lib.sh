# shellcheck shell=sh
# Helpers of the guest scripts (busybox sh). mkinitramfs.sh puts this file in every
# initramfs as /lib/vlp-guest.sh, which a guest script sources, and /bin/vlp-sync, a
# command (the REPL's `shell vlp-sync NAME`) that runs vlp_sync. The host side of what
# they print is in tests/qemu/lib.sh.

# vlp_show NAME RC FILE: one marked run, read on the host by vlp_section and vlp_rc_of: a
# line "$VLP_MARK NAME RC", then the lines of FILE, each behind "| " (so that none of
# them can end the run).
vlp_show() {
	echo "$VLP_MARK $1 $2"
	sed 's/^/| /' "$3"
}
# vlp_run NAME ARGS...: virtio-lspci ARGS as the marked run NAME (stdout and stderr).
vlp_run() {
	vlp_name=$1
	shift
	virtio-lspci "$@" >/tmp/vlp-run.out 2>&1
	vlp_show "$vlp_name" $? /tmp/vlp-run.out
}
# vlp_json NAME ARGS...: the same, stdout only (the JSON document).
vlp_json() {
	vlp_name=$1
	shift
	virtio-lspci "$@" >/tmp/vlp-run.json 2>/dev/null
	vlp_show "$vlp_name" $? /tmp/vlp-run.json
}

# vlp_exercise NAME SLOT [OPTION...]: --check --exercise -J OPTION... on 00:SLOT, shown as
# the run "NAME exercise": its time in ms (from /proc/uptime), one line of JSON, then what
# it said on stderr.
vlp_exercise() {
	vlp_xname=$1 vlp_xslot=$2
	shift 2
	vlp_t0=$(cut -d' ' -f1 /proc/uptime | tr -d .)
	virtio-lspci --check --exercise "$@" -J -s "00:$vlp_xslot" >/tmp/vlp-x 2>/tmp/vlp-xerr
	vlp_rc=$?
	vlp_t1=$(cut -d' ' -f1 /proc/uptime | tr -d .)
	{
		echo "ms=$(((vlp_t1 - vlp_t0) * 10))"
		sed 's/^ *//' /tmp/vlp-x | tr -d '\n'
		echo
		cat /tmp/vlp-xerr
	} >/tmp/vlp-x2
	vlp_show "$vlp_xname exercise" $vlp_rc /tmp/vlp-x2
}

# vlp_sync NAME: tells the host hook "STEP NAME" on the second serial port (the host's
# vlp_serve_steps), then waits for its OK.
vlp_sync() {
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	echo "STEP $1" >/dev/ttyS1
	read -r ack </dev/ttyS1
	[ "$ack" = OK ]
}

# vlp_virtio_devices: the sysfs folders of the virtio PCI devices (vendor 0x1af4).
vlp_virtio_devices() {
	for vlp_p in /sys/bus/pci/devices/*; do
		[ "$(cat "$vlp_p/vendor")" = 0x1af4 ] && echo "$vlp_p"
	done
}

# vlp_send_archives DIR: every folder of DIR (one a device) as a gzip'd tar in base64
# between the lines "@@VLP-DEV NAME begin" and "@@VLP-DEV NAME end", then their count,
# "@@VLP-DEVICES N": decoded and checked on the host by vlp_decode_archives. Console
# noise between lines cannot corrupt them unnoticed (gzip has a CRC).
vlp_send_archives() {
	vlp_n=0
	for vlp_d in "$1"/*; do
		[ -d "$vlp_d" ] || continue
		echo "@@VLP-DEV ${vlp_d##*/} begin"
		tar -C "$1" -czf - "${vlp_d##*/}" | base64
		echo "@@VLP-DEV ${vlp_d##*/} end"
		vlp_n=$((vlp_n + 1))
	done
	echo "@@VLP-DEVICES $vlp_n"
}
