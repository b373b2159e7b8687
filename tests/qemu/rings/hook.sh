#!/bin/bash
# Host hook of tests/qemu/rings-suite.sh (run-guest.sh --hook-at start). Serves the guest's
# "STEP ..." lines on the second serial port (tests/qemu/rings/guest.sh), then answers OK:
#   STEP throttle       QMP block_set_io_throttle on the virtio-blk's drive d03: bps=64,
#                       the other five limits 0 (its requests then stay in flight)
#   STEP read SLOT Q:FORMAT:AVAIL:USED:IN_FLIGHT...
#                       right after the guest's read of SLOT: x-query-virtio-status, then
#                       x-query-virtio-queue-status of every queue ("before"),
#                       x-query-virtio-queue-element at every position USED..AVAIL-1 of
#                       each split queue the guest named (only there: a position outside
#                       holds a stale head, QEMU decodes garbage), and every
#                       queue-status again ("after": a queue that moved meanwhile is seen)
#   STEP finished       x-query-virtio: QEMU's virtio devices (their QOM paths)
# Appends one JSON line per step to $VLP_RINGS_QMP_OUT. Replies that are errors are kept.
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../lib.sh"
out=${VLP_RINGS_QMP_OUT:?} sock=${VLP_RINGS_SYNC:?}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}"

# A list of JSON lines as one array.
arr() { if (($#)); then printf '%s\n' "$@" | jq -s -c .; else echo '[]'; fi; }

# step WORDS: one step (above), one JSON line.
step() {
	local w r slot path status n qs es where q g fmt a u k i p before after elements devs
	read -r -a w <<<"$1"
	case ${w[0]} in
	throttle)
		r=$(vlp_qmp '{"execute":"block_set_io_throttle","arguments":{"device":"d03","bps":64,"bps_rd":0,"bps_wr":0,"iops":0,"iops_rd":0,"iops_wr":0}}')
		jq -cn --argjson r "${r:-null}" '{step: "throttle", reply: $r}' >>"$out"
		;;
	read)
		slot=${w[1]}
		path=$(vlp_qom "vlp${slot:8:2}")
		status=$(vlp_qmp "$(vlp_qmp_virtio_status "$path")")
		n=$(jq '.return["num-vqs"] // 0' <<<"${status:-null}" 2>/dev/null || echo 0)
		qs=() es=() where=()
		for ((q = 0; q < n; q++)); do
			qs+=("$(vlp_qmp_queue_status "$path" "$q")")
		done
		for g in "${w[@]:2}"; do
			IFS=: read -r q fmt a u _ <<<"$g"
			[[ $fmt == split || $fmt == legacy-split ]] || continue
			[[ $a =~ ^[0-9]+$ && $u =~ ^[0-9]+$ ]] || continue
			k=$(((a - u) & 0xffff))
			((k <= 1024)) || k=1024
			for ((i = 0; i < k; i++)); do
				p=$(((u + i) & 0xffff))
				es+=("{\"execute\":\"x-query-virtio-queue-element\",\"arguments\":{\"path\":\"$path\",\"queue\":$q,\"index\":$p}}")
				where+=("{\"queue\":$q,\"position\":$p}")
			done
		done
		mapfile -t r < <(vlp_qmp "${qs[@]}" "${es[@]}" "${qs[@]}")
		before=$(arr "${r[@]:0:n}")
		after=$(arr "${r[@]:n+${#es[@]}}")
		# Each element reply with the queue and position it was asked for.
		elements='[]'
		((${#es[@]} == 0)) || elements=$(paste -d '\t' <(printf '%s\n' "${where[@]}") <(printf '%s\n' "${r[@]:n:${#es[@]}}") |
			jq -R -s -c '[split("\n")[] | select(. != "") | split("\t") | (.[0] | fromjson) + {reply: (.[1] | fromjson? // null)}]')
		jq -cn --arg s "$slot" --arg g "${w[*]:2}" --argjson st "${status:-null}" --argjson b "$before" \
			--argjson e "$elements" --argjson a "$after" \
			'{step: "read", slot: $s, guest: $g, status: $st, before: $b, elements: $e, after: $a}' >>"$out"
		;;
	finished)
		devs=$(vlp_qmp x-query-virtio)
		jq -cn --argjson r "${devs:-null}" '{step: "finished", reply: $r}' >>"$out"
		;;
	esac
}
vlp_serve_steps "$sock" "$out" step
