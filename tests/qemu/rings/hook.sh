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
out=${VLP_RINGS_QMP_OUT:?} sock=${VLP_RINGS_SYNC:?}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}"

# qmp.sh's exit status is not used: it ends non-zero when one reply is an error.
qmp() { "$VLP_QMP" "$VLP_QMP_SOCKET" "$@" 2>/dev/null || true; }
# A list of JSON lines as one array.
arr() { if (($#)); then printf '%s\n' "$@" | jq -s -c .; else echo '[]'; fi; }

for _ in $(seq 200); do [[ -S $sock ]] && break; sleep 0.1; done
: >"$out"
coproc SYNC { socat - "UNIX-CONNECT:$sock"; }
while IFS= read -r line <&"${SYNC[0]}"; do
	line=${line%$'\r'}
	[[ $line == "STEP "* ]] || continue
	read -r -a w <<<"${line#STEP }"
	case ${w[0]} in
	throttle)
		r=$(qmp '{"execute":"block_set_io_throttle","arguments":{"device":"d03","bps":64,"bps_rd":0,"bps_wr":0,"iops":0,"iops_rd":0,"iops_wr":0}}')
		jq -cn --argjson r "${r:-null}" '{step: "throttle", reply: $r}' >>"$out"
		;;
	read)
		slot=${w[1]}
		path=/machine/peripheral/vlp${slot:8:2}/virtio-backend
		status=$(qmp "{\"execute\":\"x-query-virtio-status\",\"arguments\":{\"path\":\"$path\"}}")
		n=$(jq '.return["num-vqs"] // 0' <<<"${status:-null}" 2>/dev/null || echo 0)
		qs=() es=() where=()
		for ((q = 0; q < n; q++)); do
			qs+=("{\"execute\":\"x-query-virtio-queue-status\",\"arguments\":{\"path\":\"$path\",\"queue\":$q}}")
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
		mapfile -t r < <(qmp "${qs[@]}" "${es[@]}" "${qs[@]}")
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
		devs=$(qmp x-query-virtio)
		jq -cn --argjson r "${devs:-null}" '{step: "finished", reply: $r}' >>"$out"
		;;
	esac
	echo OK >&"${SYNC[1]}"
done
