#!/usr/bin/env bash
# The checks that write, in a guest of their own: --check --active on unbound devices
# (a modern, a transitional and a legacy one) exits 0 and leaves the device reset; a
# --diff of snapshots taken before and after 'status +ACKNOWLEDGE' (REPL batch mode)
# shows exactly that change.  Prints "active: N passed, M failed" (", 1 skipped" and a
# SKIP line when not run as root: QEMU guests need it).
#   tests/qemu/active.sh [TOOL]   (VLP_QEMU_CACHE: the kernel cache, see README.md)
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite active "${1:-}"
vlp_work
vlp_setup_or_skip
out=$work/guest.out vlp_mark=@@VLP-ACTIVE

vlp_guest @@VLP-ACTIVE-END --test "$VLP_QEMU_DIR/suite/active-guest.sh" \
	--unbind --timeout 170 -- \
	-device virtio-rng-pci,disable-legacy=on,id=vlp03,addr=0x03 \
	-netdev user,id=n4 -device virtio-net-pci,netdev=n4,id=vlp04,addr=0x04 \
	-device virtio-rng-pci,disable-modern=on,id=vlp05,addr=0x05

for s in 0000:00:03.0 0000:00:04.0 0000:00:05.0; do
	check "$s --check --active exits 0 (got $(vlp_rc_of "$s" check-active))" [ "$(vlp_rc_of "$s" check-active)" = 0 ]
	check "$s --check --active says the device was left reset" \
		grep -q 'device left in reset' <(vlp_section "$s" check-active)
	check "$s --check --active made the active checks" \
		jq -e '.devices[0] | (.reset_after_active == true) and ([.not_checked[].check] | index("active-reset") == null)' \
		<(vlp_section "$s" check-active-json) >/dev/null
	check "$s batch 'status +ACKNOWLEDGE' exits 0" [ "$(vlp_rc_of "$s" batch)" = 0 ]
	check "$s --diff exits 1 (they differ)" [ "$(vlp_rc_of "$s" diff)" = 1 ]
	changes=$(vlp_section "$s" diff | grep -vE '^(---|\+\+\+) |differences? in ')
	# The status register as each interface the device has shows it: the
	# modern common configuration, the legacy header, or both (transitional).
	case $s in
	0000:00:03.0) fields="common.device_status" ;;
	0000:00:04.0) fields="common.device_status legacy.device_status" ;;
	0000:00:05.0) fields="legacy.device_status" ;;
	esac
	for field in $fields; do
		check "$s --diff shows the status change in $field (got: $changes)" \
			grep -qE "^$field +0x00 -> 0x01" <<<"$changes"
	done
	check "$s --diff shows nothing else (got: $changes)" \
		[ "$(wc -l <<<"$changes")" = "$(wc -w <<<"$fields")" ]
done
summary "$VLP_PROG"
