#!/usr/bin/env bash
# The live view (--top) driven through tmux: snapshots (tests/data/snapshot-*)
# in a pane at 80x24 and 200x50; every panel and key values on screen; keys
# (scroll, focus, help, map, interval, pause, quit) and their effect; resize
# redraws; the device picker; NO_COLOR.  Waits poll the pane (no timing
# assertions).
set -uo pipefail
tool=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
if ! command -v tmux >/dev/null; then
	echo "tui: tmux is not installed (tests/install-deps.sh test)"
	exit 1
fi
tmp=$(mktemp -d)
# A server of our own: nothing of the user's tmux is touched.
T=(tmux -L "vlp-tui-$$" -f "$tmp/tmux.conf")
trap '"${T[@]}" kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
# The pane stays after the program exits, so that exits can be seen.
printf 'set -g remain-on-exit on\nset -g default-terminal screen\n' >"$tmp/tmux.conf"
snap=tests/data/snapshot-modern.lspci

start() { # COLS LINES ARGS...: the view in a fresh pane
	local w=$1 h=$2
	shift 2
	"${T[@]}" kill-server >/dev/null 2>&1
	sleep 0.1
	rm -f "$tmp/rc"
	# The exit status lands in $tmp/rc.
	"${T[@]}" new-session -d -s tui -x "$w" -y "$h" "$*; echo \$? >$tmp/rc"
}
screen() { "${T[@]}" capture-pane -p -t tui; }
# wait_for TEXT: until the pane shows TEXT (5 s at most); 0 when it did.
wait_for() {
	for _ in $(seq 50); do
		screen >"$tmp/screen"
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.1
	done
	return 1
}
wait_gone() { # TEXT: until the pane no longer shows it
	for _ in $(seq 50); do
		screen >"$tmp/screen"
		grep -qF -- "$1" "$tmp/screen" || return 0
		sleep 0.1
	done
	return 1
}
keys() { "${T[@]}" send-keys -t tui "$@"; }
shows() { # NAME TEXT...: every TEXT is on the last captured screen
	local name=$1 t
	shift
	for t in "$@"; do
		if ! grep -qF -- "$t" "$tmp/screen"; then
			sed 's/^/  | /' "$tmp/screen"
			fail "$name: '$t' not on screen"
			return
		fi
	done
	pass
}
lacks() { # NAME TEXT
	if grep -qF -- "$2" "$tmp/screen"; then fail "$1: '$2' on screen"; else pass; fi
}
pane_dead() { [ "$("${T[@]}" display-message -p -t tui '#{pane_dead}')" = 1 ]; }
pane_alive() { ! pane_dead; }
size_is() { # COLS LINES: the last screen has LINES rows and its status line ends at COLS
	[ "$(wc -l <"$tmp/screen")" -eq "$2" ] &&
		[ "$(tail -n 1 "$tmp/screen" | wc -L)" -eq "$1" ]
}

# ---- 80x24: every panel, key values
start 80 24 "$tool" -F "$snap" --top 00:02.0
check "80x24: view starts" wait_for "q:quit"
shows "80x24 identity" "virtio-lspci --top" "0000:00:02.0" "Network device [1af4:1041] (modern)" \
	"driver: virtio-pci" "access: snapshot" "SNAPSHOT (static)"
shows "80x24 status" "Status 0x0f" "ACKNOWLEDGE+" "DRIVER+" "DRIVER_OK+" "FEATURES_OK+" "FAILED-" \
	"config_generation=0" "config_msix_vector=0x0000" "num_queues=3"
shows "80x24 features" ">Features" "dev drv neg" "VIRTIO_NET_F_MAC" "1-6/14"
shows "80x24 device config" "Device virtio_net_config" "52:54:00:12:34:56"
shows "80x24 queues" "Queues" "size" "msix" "enable" "notify" "desc" \
	"000000000298e000" "000000003fe884c0"
shows "80x24 MSI-X" "MSI-X (4 vectors, enabled)" "fee01004" "masked+" "queue 1"
shows "80x24 status line" "every 1s" "read " "?:help"
check "80x24: fits" size_is 80 24
keys End
wait_for "RING_RESET"
shows "End scrolls features to the last bit" "VIRTIO_F_RING_RESET" "9-14/14"
lacks "End scrolled the first bit away" "CTRL_GUEST_OFFLOADS"
keys Home Down Down
wait_for "3-8/14"
shows "Down scrolls by a row" "3-8/14" "VIRTIO_NET_F_MRG_RXBUF"
keys PPage
wait_for "1-6/14"
shows "PgUp scrolls back" "CTRL_GUEST_OFFLOADS"
keys Tab
wait_for ">Device virtio_net_config"
shows "Tab focuses the device panel" ">Device virtio_net_config"
lacks "focus left features" ">Features"
keys Tab Tab Tab
wait_for ">Features"
shows "Tab cycles back to features" ">Features"
keys '?'
wait_for "capability and BAR map"
shows "? shows the help" "PgUp, PgDn" "capability and BAR map"
keys x
wait_gone "virtio-lspci --top: keys"
shows "any key closes the help" ">Features" "Queues"
keys m
wait_for "BAR map"
shows "m shows the capability/BAR map" "Capabilities and BAR map" "Capabilities: [98] MSI-X: Enable+ Count=4"
keys End
wait_for "CommonCfg [40]"
shows "map scrolls to the BAR map" "00000000-00000fff  CommonCfg [40]" "Driver uses:"
keys m
wait_for ">Features"
shows "m goes back to the panels" "Queues" "MSI-X"
keys +
wait_for "every 2s"
shows "+ lengthens the interval" "every 2s"
keys - - - -
wait_for "every 0.1s"
shows "- shortens it down to 0.1 s" "every 0.1s"
keys - p
wait_for "PAUSED"
shows "p pauses" "every 0.1s" "PAUSED"
keys p r
check "p again resumes" wait_gone "PAUSED"
# i: the REPL on the same device, then the view again.
keys i
wait_for "REPL on 0000:00:02.0"
shows "i opens the REPL on the device" "quit it to return to the live view"
keys "get num_queues" Enter
wait_for "num_queues"
keys quit Enter
wait_for "REPL exited"
shows "quitting the REPL returns to the view" "REPL exited (status 0)" "Queues" "MSI-X (4"

# ---- resize: the same view redrawn for the new size
"${T[@]}" resize-window -t tui -x 200 -y 50
wait_for "VIRTIO_F_RING_RESET"
check "resize to 200x50: full size" size_is 200 50
shows "200x50: every feature and the wide queue table" "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS" \
	"VIRTIO_F_RING_RESET" "reset" "0x000000000298e000" "MSI-X (4 vectors, enabled)" \
	"status 0x0001 (VIRTIO_NET_S_LINK_UP)"
lacks "200x50: no scroll position (all rows fit)" "/14"
# Offered, not accepted: dev + drv - neg -.
check "CTRL_RX_EXTRA: dev+ drv- neg-" grep -qE 'CTRL_RX_EXTRA +\+ +- +-' "$tmp/screen"
"${T[@]}" resize-window -t tui -x 80 -y 24
wait_for "/14"
check "resize back to 80x24" size_is 80 24
shows "80x24 again" "Queues" "MSI-X (4" "?:help"
"${T[@]}" resize-window -t tui -x 50 -y 10
wait_for "terminal too small"
shows "too small a terminal says so" "terminal too small: 50x10"
"${T[@]}" resize-window -t tui -x 80 -y 24
wait_for "Queues"
keys q
for _ in $(seq 50); do pane_dead && break; sleep 0.1; done
check "q quits" pane_dead
for _ in $(seq 50); do [ -s "$tmp/rc" ] && break; sleep 0.1; done
check "q exits with status 0" [ "$(cat "$tmp/rc" 2>/dev/null)" = 0 ]

# ---- 200x50 from the start
start 200 50 "$tool" -F "$snap" --top 00:02.0
wait_for "q:quit"
shows "200x50 start" "VIRTIO_F_RING_RESET" "queue 1" "52:54:00:12:34:56" "fee01004"
check "200x50: fits" size_is 200 50
keys q

# ---- legacy device: the legacy header's registers
start 80 24 "$tool" -F tests/data/snapshot-legacy.lspci --top 00:04.0
wait_for "q:quit"
shows "legacy device" "SCSI host device [1af4:1004] (legacy)" "Status 0x07" "address" \
	"VIRTIO_SCSI_F_HOTPLUG" "virtio_scsi_config" "cdb_size"
keys q

# ---- no slot: the picker
start 80 24 "$tool" -F "$snap" --top
wait_for "pick a virtio device"
shows "picker lists the devices" "0000:00:02.0" "0000:00:03.0" "Block device"
keys Down Enter
wait_for "q:quit"
shows "picked device shown" "0000:00:03.0" "Block device [1af4:1042]"
keys q

# ---- a dump has no register state: it opens on the map, the header says why
start 80 24 "$tool" -F tests/data/qemu-modern.lspci --top 00:02.0
wait_for "q:quit"
shows "dump opens on the map with the reason" "registers: none (dump: config space only)" \
	">Capabilities and BAR map" "Capabilities: [98] MSI-X" "m: panels"
lacks "dump: no status row of N/A" "Status N/A"
lacks "dump: not called a snapshot" "SNAPSHOT"
keys m
wait_for ">Features"
shows "dump: m shows the panels (N/A), the reason stays" "registers: none (dump: config space only)" \
	"Queues" "N/A"
keys m
wait_for ">Capabilities and BAR map"
shows "dump: m goes back to the map" "Capabilities: [98] MSI-X"
keys q

# ---- a snapshot has register state: it opens on the panels
start 80 24 "$tool" -F "$snap" --top 00:03.0
wait_for "q:quit"
shows "snapshot opens on the panels" ">Features" "Queues" "Status 0x" "SNAPSHOT (static)"
lacks "snapshot: no map at start" "Capabilities and BAR map"
lacks "snapshot: registers present" "registers: none"
keys q

# ---- --rings: ring columns in the Queues panel (a ring snapshot captured in
# a QEMU guest: 256 receive buffers posted), Enter opens a queue's chains
rings=tests/data/rings/net-split.lspci
start 80 24 "$tool" -F "$rings" --top --rings
wait_for "q:quit"
shows "--rings: ring columns, Queues focused" ">Queues" "name" "avail" "used" "in-flight" "avail/s" \
	"used/s" "IRQ/s" "verdict" "receiveq1" "transmitq1" "controlq"
# A snapshot is one moment of ring memory: the verdict (as --sample's) says
# it cannot judge, rather than calling a frozen copy idle or waiting.
check "--rings: receiveq1 selected, 256 in flight, not-sampled" \
	grep -qE '^>  0 receiveq1 +256 +0 +256 +(-|0\.0) +(-|0\.0) +- not-sampled' "$tmp/screen"
check "--rings: controlq 6/6, not-sampled" grep -qE '^   2 controlq +6 +6 +0 .* not-sampled' "$tmp/screen"
keys Enter
wait_for "Chains of queue 0"
shows "Enter opens the chains of receiveq1" "Chains of queue 0 receiveq1: 256 in flight" "Esc: back" \
	"Queue 0 receiveq1 (receive, split, size 256): avail 256, used 0, in flight 256" \
	"chain at 0: head 0, 1 descriptor, 0 bytes to the device, 1536 from it" \
	"desc 0: addr 0x27b0000 len 1536 WRITE"
lacks "chains view replaces the panels" "MSI-X (4"
keys End
wait_for "chain at 255"
shows "End scrolls to the last chain" "desc 255: addr 0x3959200 len 1536 WRITE"
keys Escape
wait_gone "Chains of queue"
shows "Esc returns to the panels" ">Queues" "receiveq1" "MSI-X (4"
keys Down Enter
wait_for "Chains of queue 1"
shows "Down selects transmitq1, Enter opens it" "Chains of queue 1 transmitq1: 0 in flight" \
	"avail 0, used 0, in flight 0"
keys q
wait_gone "Chains of queue"
check "q in the chains view goes back, not out" wait_for ">Queues"
check "q in the chains view: still running" pane_alive
keys q
# A dump: no ring to read; the panel says why, once.
start 80 24 "$tool" -F tests/data/qemu-modern.lspci --top --rings 00:02.0
wait_for "q:quit"
keys m
wait_for "rings: not read"
shows "dump: the panel says why" "rings: not read (a dump holds config space only)"
check "dump: said once" [ "$(grep -c 'rings: not read' "$tmp/screen")" -eq 1 ]
keys q
# A snapshot without ring memory: the reason, and Enter says it too.
start 80 24 "$tool" -F "$snap" --top --rings 00:02.0
wait_for "q:quit"
shows "no ring memory: the panel says why" "rings: not read (the snapshot holds no ring memory)"
check "no ring memory: said once" [ "$(grep -c 'rings: not read' "$tmp/screen")" -eq 1 ]
keys Enter
wait_for "Enter: rings not read"
shows "no ring memory: Enter says why (the status line cuts it at 80 columns)" \
	"Enter: rings not read (the snapshot holds"
keys q
# Without --rings the panel is as before: no ring columns.
start 80 24 "$tool" -F "$rings" --top
wait_for "q:quit"
lacks "no --rings: no ring columns" "in-flight"
keys q

# ---- NO_COLOR: attributes only, no colour escapes
start 80 24 env NO_COLOR=1 "$tool" -F "$snap" --top 00:02.0
wait_for "q:quit"
"${T[@]}" capture-pane -e -p -t tui >"$tmp/escapes"
if grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7])m' "$tmp/escapes"; then
	fail "NO_COLOR: colour escapes on screen"
else
	pass
fi
check "NO_COLOR: reverse video for the focus" grep -qE $'\e\\[[0-9;]*7m' "$tmp/escapes"
keys q
start 80 24 "$tool" -F "$snap" --top 00:02.0
wait_for "q:quit"
"${T[@]}" capture-pane -e -p -t tui >"$tmp/escapes"
check "colours used when allowed" grep -qE $'\e\\[[0-9;]*4[0-7]m' "$tmp/escapes"
keys q

# ---- not a terminal
"$tool" -F "$snap" --top 00:02.0 </dev/null >"$tmp/out" 2>&1
check "--top without a terminal: usage error" [ $? -eq 2 ]
check "--top without a terminal: says so" grep -q "needs a terminal" "$tmp/out"
summary tui
