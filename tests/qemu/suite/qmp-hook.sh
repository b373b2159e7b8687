#!/bin/bash
# Hook of tests/qemu/suite.sh for run-guest.sh --hook (at the end: the guest is held, its
# drivers still bound). Asks QEMU over QMP for its own view of every virtio device and
# writes one JSON object per device to $VLP_SUITE_QMP_OUT:
#   {"path": P, "status": <x-query-virtio-status>, "queues": [<x-query-virtio-queue-status>...]}
# (queues 0 .. num-vqs-1). Replies that are errors are kept as they are (the suite reports
# them). qmp.sh's exit status is not used: it can end non-zero after printing every reply.
set -euo pipefail
out=${VLP_SUITE_QMP_OUT:?VLP_SUITE_QMP_OUT not set}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}"

qmp() { "$VLP_QMP" "$VLP_QMP_SOCKET" "$@" 2>/dev/null || true; }

: >"$out"
mapfile -t paths < <(qmp x-query-virtio | jq -r '.return[]?.path')
for path in "${paths[@]}"; do
	status=$(qmp "$(jq -cn --arg p "$path" '{execute: "x-query-virtio-status", arguments: {path: $p}}')")
	[[ -n $status ]] || status='{"error": {"desc": "no reply"}}'
	n=$(jq '.return["num-vqs"] // 0' <<<"$status")
	cmds=()
	for ((q = 0; q < n; q++)); do
		cmds+=("$(jq -cn --arg p "$path" --argjson q "$q" \
			'{execute: "x-query-virtio-queue-status", arguments: {path: $p, queue: $q}}')")
	done
	queues='[]'
	if ((n > 0)); then
		queues=$(qmp "${cmds[@]}" | jq -s -c '.')
	fi
	jq -cn --arg p "$path" --argjson s "$status" --argjson q "$queues" \
		'{path: $p, status: $s, queues: $q}' >>"$out"
done
