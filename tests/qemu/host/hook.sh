#!/bin/bash
# Host hook of tests/qemu/host.sh (run-guest.sh --hook-at start). Serves the guest's
# "STEP NAME" lines on the second serial port (tests/qemu/host/guest.sh) and answers OK
# when its reads are done; meanwhile the guest waits, so both sides see the same moment.
# The tool ($VLP_HOST_TOOL) reads QEMU's monitor ($VLP_QMP_SOCKET) with --monitor-log
# in $VLP_HOST_WORK/NAME.log; each run leaves NAME.json (stdout), NAME.err, NAME.rc:
#   STEP compare    host-compare   --qmp -J -vv --rings (every device)
#                   host-text      --qmp -vv -s 00:03.0 (text)
#                   host-save      --qmp -J --rings --save host.snap (then decoded
#                                  offline by host.sh: -F host.snap)
#                   host-check     --qmp --check -J
#                   host-slot      --qmp -J -s 00:04.0 (the -s filter)
#                   host-idle-sample --qmp -J --rings --sample=3x100ms (the guest waits:
#                                  no queue moves)
#   STEP moving     host-moving-sample: --qmp -J --rings --sample=10x100ms -s 00:03.0
#                   host-moving-text:   --qmp --rings --sample=10x100ms -vv -s 00:03.0
#                   host-packed-moving-sample: --qmp -J --rings --sample=10x100ms -s 00:08.0
#                   (the guest reads the virtio-blk and the packed one in a loop)
#   STEP throttle   QMP block_set_io_throttle on the blk's drive d03 and the packed
#                   blk's d08: bps=64, the other five limits 0 (through
#                   tests/qemu/qmp.sh, not the tool)
#   STEP stall      host-blk-sample, host-rng-sample, host-packed-sample: --qmp -J
#                   --sample=5x200ms -s SLOT
#                   host-blk-text: --qmp --sample=5x200ms -vv -s 00:03.0
#                   host-top: --qmp --top --rings --interval=0.5 00:03.0 in a tmux pane
#                   (200x50) until the verdict column names the host's cause (20 s at
#                   most): host-top.screen, then q
#   STEP broken     host-broken-sample: --qmp -J --rings --sample=3x100ms -s 00:09.0 (a
#                   virtio-rng the guest made to need a reset)
#   STEP finished   qemu-status: QMP x-query-virtio-queue-status of the blk's queue 0
#                   and the rng's, x-query-virtio-status of the blk, the queue status
#                   of the packed blk's queue 0 and the vhost queue status of the
#                   vhost-user-blk's (qmp.sh), for the indices the verdicts cite
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../lib.sh"
w=${VLP_HOST_WORK:?} tool=${VLP_HOST_TOOL:?} sock=${VLP_HOST_SYNC:?}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}"

# host NAME ARGS...: the tool through the monitor, bounded in time.
host() {
	local n=$1
	shift
	timeout 60 "$tool" --qmp="$VLP_QMP_SOCKET" --monitor-log="$w/$n.log" "$@" >"$w/$n.json" 2>"$w/$n.err"
	echo $? >"$w/$n.rc"
}

# top NAME WAIT ARGS...: the live view through the monitor in a tmux pane of a server of
# its own, 200x50, until the pane shows WAIT (20 s at most); the last screen in
# NAME.screen, then q (NAME.rc: its exit status).
top() {
	local n=$1 wait=$2 T=(tmux -L "vlp-host-$$" -f /dev/null) _
	shift 2
	rm -f "$w/$n.rc"
	"${T[@]}" new-session -d -s top -x 200 -y 50 \
		"$tool --qmp=$VLP_QMP_SOCKET --monitor-log=$w/$n.log $* 2>$w/$n.err; echo \$? >$w/$n.rc"
	for _ in $(seq 200); do
		"${T[@]}" capture-pane -p -t top >"$w/$n.screen" 2>/dev/null
		grep -qF -- "$wait" "$w/$n.screen" && break
		sleep 0.1
	done
	"${T[@]}" send-keys -t top q
	for _ in $(seq 50); do [[ -s $w/$n.rc ]] && break; sleep 0.1; done
	"${T[@]}" kill-server >/dev/null 2>&1
}

step() {
	local t0=$SECONDS
	case $1 in
	compare)
		host host-compare -J -vv --rings
		host host-text -vv -s 00:03.0
		host host-save -J --rings --save="$w/host.snap"
		host host-check --check -J
		host host-slot -J -s 00:04.0
		host host-idle-sample -J --rings --sample=3x100ms
		host host-vhost-text --rings --sample=2x100ms -vv -s 00:07.0
		;;
	moving)
		host host-moving-sample -J --rings --sample=10x100ms -s 00:03.0
		host host-moving-text --rings --sample=10x100ms -vv -s 00:03.0
		host host-packed-moving-sample -J --rings --sample=10x100ms -s 00:08.0
		;;
	throttle)
		local d
		for d in d03 d08; do
			vlp_qmp '{"execute":"block_set_io_throttle","arguments":{"device":"'"$d"'","bps":64,"bps_rd":0,"bps_wr":0,"iops":0,"iops_rd":0,"iops_wr":0}}'
		done >"$w/throttle.json"
		;;
	stall)
		host host-blk-sample -J --sample=5x200ms -s 00:03.0
		host host-rng-sample -J --sample=5x200ms -s 00:04.0
		host host-packed-sample -J --sample=5x200ms -s 00:08.0
		host host-blk-text --sample=5x200ms -vv -s 00:03.0
		top host-top "(host: fetched-not-completed)" --top --rings --interval=0.5 00:03.0
		;;
	broken)
		host host-broken-sample -J --rings --sample=3x100ms -s 00:09.0
		;;
	finished)
		vlp_qmp "$(vlp_qmp_queue_status "$(vlp_qom vlp03)" 0)" "$(vlp_qmp_queue_status "$(vlp_qom vlp04)" 0)" \
			"$(vlp_qmp_virtio_status "$(vlp_qom vlp03)")" "$(vlp_qmp_queue_status "$(vlp_qom vlp08)" 0)" \
			'{"execute":"x-query-virtio-vhost-queue-status","arguments":{"path":"'"$(vlp_qom vlp07)"'","queue":0}}' \
			>"$w/qemu-status.json"
		;;
	esac
	echo "$1 $((SECONDS - t0))" >>"$w/steps"
}
vlp_serve_steps "$sock" "$w/steps.jsonl" step
