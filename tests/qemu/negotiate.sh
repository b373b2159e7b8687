#!/usr/bin/env bash
# --negotiate in one guest (booted with --unbind): a virtio-rng with iommu_platform=on
# requires bit 33 VIRTIO_F_ACCESS_PLATFORM, the same device without it requires nothing;
# QEMU's own view over QMP afterwards (x-query-virtio-status) has no DRIVER, FEATURES_OK or
# DRIVER_OK bit on either; --dry-run writes nothing; on a device bound again to its driver
# it is refused in one line, exit 1, nothing written (--stats, and QMP shows the driver's
# status untouched).  Prints "negotiate: N passed, M failed".
#   tests/qemu/negotiate.sh [TOOL]   (VLP_QEMU_CACHE: the kernel cache, see README.md;
#   VLP_NEGOTIATE_KEEP=DIR keeps the guest's output and QEMU's replies there)
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite negotiate "${1:-}"
vlp_work "${VLP_NEGOTIATE_KEEP:-}"
vlp_setup_or_skip
out=$work/guest.out qmp=$work/qmp.json vlp_mark=@@VLP-NEG

VLP_SUITE_QMP_OUT=$qmp vlp_guest @@VLP-NEG-END --test "$VLP_QEMU_DIR/negotiate/guest.sh" \
	--unbind --timeout 170 \
	--hook "$VLP_QEMU_DIR/suite/qmp-hook.sh" -- \
	-device virtio-rng-pci,disable-legacy=on,iommu_platform=on,id=vlp03,addr=0x03 \
	-device virtio-rng-pci,disable-legacy=on,id=vlp04,addr=0x04 \
	-device virtio-rng-pci,disable-legacy=on,id=vlp05,addr=0x05

check "iommu_platform=on: exit 0" [ "$(vlp_rc_of iommu-text)" = 0 ]
check "iommu_platform=on: text names bit 33" \
	grep -qx '  requires bit 33 VIRTIO_F_ACCESS_PLATFORM' <(vlp_section iommu-text)
check "iommu_platform=on: JSON required is [33 VIRTIO_F_ACCESS_PLATFORM], offered holds 33, nothing rejected" \
	jq -e '.schema_version == 1 and (.negotiate | length == 1) and (.negotiate[0] |
		.slot == "00:03.0" and .required == [{"bit": 33, "name": "VIRTIO_F_ACCESS_PLATFORM"}]
		and .rejected == [] and ([.offered[].bit] | index(33) != null)
		and .resets > 2 and .left_reset == true)' <(vlp_section iommu-json) >/dev/null
check "without iommu_platform: exit 0, requires nothing" \
	jq -e '.negotiate[0] | .slot == "00:04.0" and .required == [] and .rejected == []
		and ([.offered[].bit] | index(33) == null) and .left_reset' <(vlp_section plain-json) >/dev/null
check "without iommu_platform: text says so" \
	grep -q '^  requires: nothing' <(vlp_section plain-text)
# --dry-run: the status and feature writes are printed, not made; the only writes made
# are the selector moves (put back after) that every read of a feature word needs.
dry_selectors=$(vlp_section dry-run | grep -c '^  write .*(selector, put back after)$')
check "--dry-run: exit 0" [ "$(vlp_rc_of dry-run)" = 0 ]
check "--dry-run: would write FEATURES_OK (0x0b) to device_status" \
	grep -q '^  would write BAR4+0x0014 device_status *<- 0x0b$' <(vlp_section dry-run)
check "--dry-run: the writes made are the $dry_selectors selector moves only (--stats)" \
	grep -q "bar_writes=$dry_selectors\$" <(vlp_section dry-run)
check "afterwards the guest reads device_status 0 on both" \
	jq -e '[.devices[].state.common.fields.device_status] == [0, 0]' <(vlp_section status-after) >/dev/null
for id in vlp03 vlp04; do
	st=$(vlp_qmp_status $id)
	check "QMP: $id status has no DRIVER/FEATURES_OK/DRIVER_OK (got: '$st')" \
		test -z "$(grep -oE 'S_(DRIVER|FEATURES_OK|DRIVER_OK)\b' <<<"$st")"
done
check "bound device: exit 1" [ "$(vlp_rc_of bound)" = 1 ]
check "bound device: one line besides --stats" [ "$(vlp_section bound | grep -vc ': stats: ')" = 1 ]
check "bound device: the line names the driver" \
	grep -q '^virtio-lspci: 00:05.0: --negotiate refused: driver virtio-pci is bound' <(vlp_section bound)
check "bound device: nothing written (--stats)" grep -q 'bar_writes=0$' <(vlp_section bound)
st=$(vlp_qmp_status vlp05)
check "QMP: the bound device keeps its driver's DRIVER_OK (got: '$st')" grep -q 'S_DRIVER_OK' <<<"$st"
summary "$VLP_PROG"
