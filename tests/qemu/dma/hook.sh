#!/bin/bash
# Host hook of tests/qemu/dma.sh (run-guest.sh --hook-at start). Serves the guest's
# "STEP NAME" lines on the second serial port: for each, asks QEMU over QMP for the status
# of both virtio-rng devices and the queue status of the first one's queue 0, appends one
# JSON line {step, rng, bound, q0} to $VLP_DMA_OUT, then answers OK.
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../lib.sh"
out=${VLP_DMA_OUT:?} sock=${VLP_DMA_SYNC:?}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}"

# step NAME: QEMU's view at the step, one JSON line.
step() {
	local r
	mapfile -t r < <(vlp_qmp "$(vlp_qmp_virtio_status "$(vlp_qom vlp03)")" \
		"$(vlp_qmp_virtio_status "$(vlp_qom vlp04)")" "$(vlp_qmp_queue_status "$(vlp_qom vlp03)" 0)")
	jq -cn --arg s "$1" --argjson rng "${r[0]:-null}" --argjson bound "${r[1]:-null}" \
		--argjson q0 "${r[2]:-null}" \
		'{step: $s, rng: $rng.return, bound: $bound.return, q0: $q0.return}' >>"$out"
}
vlp_serve_steps "$sock" "$out" step
