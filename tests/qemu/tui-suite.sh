#!/bin/bash
# The live view in a QEMU guest: --top on a live virtio-net (driver unbound) in a
# tmux pane at 80x24 while the REPL batch mode sets ACKNOWLEDGE in device_status;
# the captured screen must show the change, highlighted.  One guest, ~30 s.
#
#   tests/qemu/tui-suite.sh [--keep DIR]
#
# Needs ./virtio-lspci, tmux and a terminfo entry for xterm on the host (they are
# copied into the initramfs, with the C.UTF-8 locale tmux needs), and tests/qemu/setup.sh.
# Output: FAIL lines, then "qemu-tui: N passed, M failed"; exit 1 on any failure.
# Not root: "SKIP: reason", "qemu-tui: 0 passed, 0 failed, 1 skipped", exit 0
# (vlp_setup_or_skip in lib.sh; as root, a tests/qemu/setup.sh that fails fails the suite).
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite qemu-tui
vlp_parse_keep "$@"
terminfo=$(find /usr/share/terminfo /lib/terminfo -name xterm -path '*/x/*' 2>/dev/null | head -1)
vlp_need tmux
[ -n "$terminfo" ] || vlp_cant "needs the xterm terminfo entry"
vlp_setup_or_skip
vlp_work "$keep"
out=$work/guest.out
"$VLP_QEMU_DIR/run-guest.sh" --test "$VLP_QEMU_DIR/tui/guest.sh" --unbind --timeout 90 \
	--add "$tool:/usr/bin/virtio-lspci" --add "$(command -v tmux):/usr/bin/tmux" \
	--add "$terminfo:/usr/share/terminfo/x/xterm" --add /usr/lib/locale/C.utf8 -o "$out" \
	-- -device virtio-net-pci,netdev=n0,addr=02.0 -netdev user,id=n0
rc=$?
section() { # KIND NAME: the lines between the markers
	awk -v b="@@$1 $2 begin" -v e="@@$1 $2 end" '$0 == e { p = 0 } p { print } $0 == b { p = 1 }' "$out"
}
check "guest ran (rc $rc)" [ "$rc" -eq 0 ]
if grep '^@@FAIL' "$out"; then fail "guest checks"; else pass; fi
section SCREEN before >"$work/before"
section SCREEN after >"$work/after"
section ESCAPES after >"$work/after.esc"
check "before: the live device, driver unbound" grep -q "driver: none" "$work/before"
check "before: status 0" grep -q "Status 0x00 ACKNOWLEDGE-" "$work/before"
check "before: registers read through the BARs" grep -qE "access: (mmap|window|mmap\+window)" "$work/before"
check "before: queues and MSI-X panels" grep -q "MSI-X (" "$work/before"
check "after: the batch's change shown" grep -q "Status 0x01 ACKNOWLEDGE+" "$work/after"
check "after: 80x24" [ "$(wc -l <"$work/after")" -eq 24 ]
# The changed values carry the highlight (black on yellow, or reverse+bold).
# The guest wrote ESC as '~'.
if grep -qE '~\[[0-9;]*(43|7)m[^~]*ACKNOWLEDGE\+' "$work/after.esc" &&
	grep -qE '~\[[0-9;]*(43|7)m[^~]*0x01' "$work/after.esc"; then
	pass
else
	fail "after: ACKNOWLEDGE+ and 0x01 highlighted"
fi
echo "80x24 screen of the live device after 'status +ACKNOWLEDGE':"
sed 's/^/  | /' "$work/after"
summary "$VLP_PROG"
