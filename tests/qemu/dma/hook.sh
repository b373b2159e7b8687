#!/bin/bash
# Host hook of tests/qemu/dma.sh (run-guest.sh --hook-at start). Serves the guest's
# "STEP NAME" lines on the second serial port: for each, asks QEMU over QMP for the status
# of both virtio-rng devices and the queue status of the first one's queue 0, appends one
# JSON line {step, rng, bound, q0} to $VLP_DMA_OUT, then answers OK.
set -euo pipefail
out=${VLP_DMA_OUT:?} sock=${VLP_DMA_SYNC:?}
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
	mapfile -t r < <(qmp "$(status_of vlp03)" "$(status_of vlp04)" "$(queue_of vlp03 0)")
	jq -cn --arg s "${line#STEP }" --argjson rng "${r[0]:-null}" --argjson bound "${r[1]:-null}" \
		--argjson q0 "${r[2]:-null}" \
		'{step: $s, rng: $rng.return, bound: $bound.return, q0: $q0.return}' >>"$out"
	echo OK >&"${SYNC[1]}"
done
