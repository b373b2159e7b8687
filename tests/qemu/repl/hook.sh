#!/bin/bash
# Host hook of tests/qemu/repl-suite.sh (run-guest.sh --hook-at start). Serves the guest's
# "STEP NAME" lines on the second serial port: for each, asks QEMU over QMP for the
# virtio-net's status, features and queues 0-1, the virtio-rng's and the second
# virtio-net's status, appends one JSON line {step, net, rng, iommu, q0, q1} to
# $VLP_REPL_OUT, then answers OK.
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/../lib.sh"
out=${VLP_REPL_OUT:?} sock=${VLP_REPL_SYNC:?}
: "${VLP_QMP:?}" "${VLP_QMP_SOCKET:?}"

# step NAME: QEMU's view at the step, one JSON line.
step() {
	local r net
	net=$(vlp_qom vlp02)
	mapfile -t r < <(vlp_qmp "$(vlp_qmp_virtio_status "$net")" "$(vlp_qmp_virtio_status "$(vlp_qom vlp03)")" \
		"$(vlp_qmp_virtio_status "$(vlp_qom vlp04)")" "$(vlp_qmp_queue_status "$net" 0)" "$(vlp_qmp_queue_status "$net" 1)")
	jq -cn --arg s "$1" --argjson net "${r[0]:-null}" --argjson rng "${r[1]:-null}" \
		--argjson iommu "${r[2]:-null}" --argjson q0 "${r[3]:-null}" --argjson q1 "${r[4]:-null}" \
		'{step: $s, net: $net.return, rng: $rng.return, iommu: $iommu.return, q0: $q0.return, q1: $q1.return}' >>"$out"
}
vlp_serve_steps "$sock" "$out" step
