#!/bin/bash
# Host side of exercise/guest.sh's watch run (run-guest.sh --hook-start): when the guest
# prints its mark "@@VLP-EX watch-start" (just before `--check --exercise --watch-config=6` on the
# virtio-blk 00:04.0), waits 2 s (the tool is then in its DRIVER_OK session), grows the
# disk d0 to 2 MiB with QMP block_resize (a configuration change QEMU announces: capacity
# and config_generation), and appends {"resize": REPLY, "at": SECONDS} to
# $VLP_EXERCISE_RESIZE_OUT. Ends at the guest's end marker if the line never came.
set -uo pipefail
out=${VLP_EXERCISE_RESIZE_OUT:?}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}" "${VLP_CONSOLE_RAW:?}"
for _ in $(seq 3000); do
	if grep -aq '@@VLP-EX watch-start' "$VLP_CONSOLE_RAW" 2>/dev/null; then
		sleep 2
		r=$("$VLP_QMP" "$VLP_QMP_SOCKET" '{"execute":"block_resize","arguments":{"device":"d0","size":2097152}}' 2>&1)
		jq -cn --arg r "$r" --argjson at "$SECONDS" '{resize: ($r | fromjson? // $r), at: $at}' >>"$out"
		exit 0
	fi
	grep -aq '===VLP-END===' "$VLP_CONSOLE_RAW" 2>/dev/null && exit 0
	sleep 0.1
done
exit 0
