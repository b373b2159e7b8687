#!/usr/bin/env bash
# The interactive REPL on a real terminal (tmux): Tab completion of commands (ring, chain
# too), field names, feature and status bit names, queue indices; a command's output; history recall with the
# Up arrow and the history file; Ctrl-C dropping the line; Ctrl-D quitting.
#   tests/repl-tty.sh ./virtio-lspci
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
snap=$root/tests/data/snapshot-modern.lspci
command -v tmux >/dev/null || { echo "repl-tty: tmux is missing (make test-deps installs it)"; echo "repl-tty: 0 passed, 1 failed"; exit 1; }

tmp=$(mktemp -d)
sock=$tmp/tmux.sock
t() { tmux -S "$sock" "$@"; }
trap 't kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

screen() { t capture-pane -p -t vlp; }
# wait_for TEXT: until the pane shows TEXT (5 s at most).
wait_for() {
	for _ in $(seq 50); do
		[[ $(screen) == *"$1"* ]] && return 0
		sleep 0.1
	done
	return 1
}
# The line the cursor is on.
current_line() {
	local y
	y=$(t display -p -t vlp '#{cursor_y}')
	screen | sed -n "$((y + 1))p"
}
# type_tab NAME TYPED EXPECTED: types TYPED, presses Tab, expects the line to end in
# EXPECTED, then clears the line (Ctrl-U).
type_tab() {
	t send-keys -t vlp -l "$2"
	t send-keys -t vlp Tab
	sleep 0.3
	local line
	line=$(current_line)
	if [[ $line == *"$3" || $line == *"$3 " ]]; then pass; else fail "$1: after '$2' + Tab the line is '$line', expected it to end in '$3'"; fi
	t send-keys -t vlp C-u
}

t new-session -d -s vlp -x 120 -y 40 \
	"env HOME=$tmp XDG_STATE_HOME=$tmp/state TERM=xterm $tool -F $snap -i 00:02.0; echo REPL-ENDED rc=\$?; sleep 30"
check "prompt" wait_for "vlp 00:02.0>"
type_tab "command" "fea" "feature"
type_tab "field" "get num_q" "get num_queues"
type_tab "field with block" "get device.stat" "get device.status"
type_tab "feature name" "feature +VIRTIO_F_VER" "feature +VIRTIO_F_VERSION_1"
type_tab "device feature name" "feature -VIRTIO_NET_F_MR" "feature -VIRTIO_NET_F_MRG_RXBUF"
type_tab "status bit" "status +FEATURES_" "status +FEATURES_OK"
type_tab "value name" "set device_status DRIVER_" "set device_status DRIVER_OK"
type_tab "queue index" "queue 2" "queue 2"
type_tab "show section" "show feat" "show features"
type_tab "ring command" "rin" "ring"
type_tab "chain queue index" "chain 2" "chain 2"
t send-keys -t vlp -l "get num_q"
t send-keys -t vlp Tab Enter
check "command output" wait_for "common.num_queues = 3"
# History: Up recalls the last line.
t send-keys -t vlp Up
sleep 0.2
if [[ $(current_line) == *"get num_queues"* ]]; then pass; else fail "history: Up shows '$(current_line)'"; fi
t send-keys -t vlp C-u
# Ctrl-C drops the line being typed and gives a fresh prompt.
t send-keys -t vlp -l "get bogus_field"
t send-keys -t vlp C-c
sleep 0.3
if [[ $(current_line) == "vlp 00:02.0> " || $(current_line) == "vlp 00:02.0>" ]]; then pass; else fail "Ctrl-C: the line is '$(current_line)'"; fi
# A failing command says why and the REPL goes on.
t send-keys -t vlp -l "set num_queues 1"
t send-keys -t vlp Enter
check "error shown" wait_for "error: num_queues is read-only for the driver (4.1.4.3.2)"
# Ctrl-D quits; the history file keeps the commands.
t send-keys -t vlp C-d
check "Ctrl-D quits" wait_for "REPL-ENDED rc=0"
if grep -q "^get num_queues" "$tmp/state/virtio-lspci/history" 2>/dev/null; then pass; else fail "history file: no 'get num_queues' in $tmp/state/virtio-lspci/history: $(tr "\n" "|" 2>&1 <"$tmp/state/virtio-lspci/history")"; fi
summary repl-tty
