#!/bin/bash
# Host hook of tests/qemu/repl-suite.sh (run-guest.sh --hook-at start). Serves the guest's
# "STEP NAME" lines on the second serial port: for each, asks QEMU over QMP for the
# virtio-net's status, features and queues 0-1, the virtio-rng's and the second
# virtio-net's status, appends one JSON line {step, net, rng, iommu, q0, q1} to
# $VLP_REPL_OUT, then answers OK.
set -euo pipefail
out=${VLP_REPL_OUT:?} sock=${VLP_REPL_SYNC:?}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}"

qmp() { "$VLP_QMP" "$VLP_QMP_SOCKET" "$@" 2>/dev/null || true; }
status_of() { jq -cn --arg p "/machine/peripheral/$1/virtio-backend" '{execute: "x-query-virtio-status", arguments: {path: $p}}'; }
queue_of() { jq -cn --arg p "/machine/peripheral/$1/virtio-backend" --argjson q "$2" '{execute: "x-query-virtio-queue-status", arguments: {path: $p, queue: $q}}'; }

for _ in $(seq 200); do [[ -S $sock ]] && break; sleep 0.1; done
: >"$out"
coproc SYNC { socat - "UNIX-CONNECT:$sock"; }
while IFS= read -r line <&"${SYNC[0]}"; do
	line=${line%$'\r'}
	[[ $line == "STEP "* ]] || continue
	mapfile -t r < <(qmp "$(status_of vlp02)" "$(status_of vlp03)" "$(status_of vlp04)" \
		"$(queue_of vlp02 0)" "$(queue_of vlp02 1)")
	jq -cn --arg s "${line#STEP }" --argjson net "${r[0]:-null}" --argjson rng "${r[1]:-null}" \
		--argjson iommu "${r[2]:-null}" --argjson q0 "${r[3]:-null}" --argjson q1 "${r[4]:-null}" \
		'{step: $s, net: $net.return, rng: $rng.return, iommu: $iommu.return, q0: $q0.return, q1: $q1.return}' >>"$out"
	echo OK >&"${SYNC[1]}"
done
