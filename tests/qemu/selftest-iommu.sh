#!/usr/bin/env bash
# --selftest and --rings behind a translating IOMMU, in one guest (q35 with QEMU's
# intel-iommu, the kernel booted with intel_iommu=on, so each device's IOMMU group has
# a DMA domain): --selftest on an unbound virtio-rng is refused in one line naming the
# IOMMU group and its type, exit 1, nothing on stdout and nothing written (--stats);
# --rings on a virtio-rng whose driver negotiated VIRTIO_F_ACCESS_PLATFORM
# (iommu_platform=on) gives rings_error naming the IOVAs.
# Prints "selftest-iommu: N passed, M failed".
#   tests/qemu/selftest-iommu.sh [TOOL]   (VLP_QEMU_CACHE: the kernel cache, see README.md)
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite selftest-iommu "${1:-}"
vlp_work
vlp_setup_or_skip
out=$work/guest.out vlp_mark=@@VLP-ST

vlp_guest @@VLP-ST-END --test "$VLP_QEMU_DIR/selftest/iommu-guest.sh" \
	--append intel_iommu=on --timeout 120 -- \
	-device intel-iommu \
	-device virtio-rng-pci,disable-legacy=on,addr=0x03 \
	-device virtio-rng-pci,disable-legacy=on,iommu_platform=on,addr=0x04

read -r group type <<<"$(vlp_section group-00:03.0)"
check "00:03.0 is in an IOMMU group with a DMA domain (got: '$group $type')" \
	grep -qE '^[0-9]+ DMA' <<<"$group $type"
err=$(vlp_section selftest-err)
check "--selftest: exit 1" [ "$(vlp_rc_of selftest-err)" = 1 ]
check "--selftest: nothing on stdout" [ -z "$(vlp_section selftest-out)" ]
check "--selftest: one line besides --stats" [ "$(grep -vc ': stats: ' <<<"$err")" = 1 ]
check "--selftest: the line names the IOMMU group and its type" \
	grep -qF "00:03.0: --selftest refused: DMA refused: the device is in IOMMU group $group (type $type)" <<<"$err"
check "--selftest: nothing written (--stats)" grep -q 'config_writes=0 bar_reads=[0-9]* bar_writes=0$' <<<"$err"
read -r group4 type4 <<<"$(vlp_section group-00:04.0)"
check "--rings: exit 0" [ "$(vlp_rc_of rings)" = 0 ]
# shellcheck disable=SC2016 # $g is jq's
check "--rings: rings_error names VIRTIO_F_ACCESS_PLATFORM, group $group4 ($type4) and IOVAs" \
	jq -e --arg g "IOMMU group $group4 (type $type4)" '.devices[0].rings_error
		| test("VIRTIO_F_ACCESS_PLATFORM") and contains($g) and test("IOVAs")' <(vlp_section rings) >/dev/null
summary "$VLP_PROG"
