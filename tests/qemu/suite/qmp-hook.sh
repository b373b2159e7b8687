#!/bin/bash
# Hook of tests/qemu/suite.sh for run-guest.sh --hook (at the end: the guest is held, its
# drivers still bound). Asks QEMU over QMP for its own view of every virtio device and
# writes one JSON object per device to $VLP_SUITE_QMP_OUT:
#   {"path": P, "status": <x-query-virtio-status>, "queues": [<x-query-virtio-queue-status>...]}
# (queues 0 .. num-vqs-1). Replies that are errors are kept as they are (the suite reports
# them).
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../lib.sh"
out=${VLP_SUITE_QMP_OUT:?VLP_SUITE_QMP_OUT not set}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}"

: >"$out"
mapfile -t paths < <(vlp_qmp x-query-virtio | jq -r '.return[]?.path')
for path in "${paths[@]}"; do
	status=$(vlp_qmp "$(vlp_qmp_virtio_status "$path")")
	[[ -n $status ]] || status='{"error": {"desc": "no reply"}}'
	n=$(jq '.return["num-vqs"] // 0' <<<"$status")
	cmds=()
	for ((q = 0; q < n; q++)); do
		cmds+=("$(vlp_qmp_queue_status "$path" "$q")")
	done
	queues='[]'
	if ((n > 0)); then
		queues=$(vlp_qmp "${cmds[@]}" | jq -s -c '.')
	fi
	jq -cn --arg p "$path" --argjson s "$status" --argjson q "$queues" \
		'{path: $p, status: $s, queues: $q}' >>"$out"
done
