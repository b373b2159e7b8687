#!/bin/bash
# Sends QMP commands to a running QEMU and prints each reply, one JSON line per command.
#
#   tests/qemu/qmp.sh SOCKET COMMAND...
#
# COMMAND is a JSON object ('{"execute":"x-query-virtio-status","arguments":{"path":"..."}}')
# or a bare command name ('x-query-virtio'). Does the qmp_capabilities handshake first;
# asynchronous events are skipped. Exits 1 if a reply is an error, 2 on connection failure
# or timeout (VLP_QMP_TIMEOUT seconds per reply, default 10). Needs socat (setup.sh installs it).
set -euo pipefail

die() { printf 'qmp.sh: %s\n' "$*" >&2; exit 2; }
(($# >= 2)) || { sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2; }
sock=$1
shift
[[ -S $sock ]] || die "$sock is not a socket"
command -v socat >/dev/null || die "socat missing: run tests/qemu/setup.sh"
tmo=${VLP_QMP_TIMEOUT:-10}

coproc QMP { exec socat - "UNIX-CONNECT:$sock"; }
# Reads lines until one that is not an event; prints nothing, leaves it in $reply.
next_reply() {
	local line
	while :; do
		IFS= read -r -t "$tmo" line <&"${QMP[0]}" || die "no reply from $sock within ${tmo}s"
		line=${line%$'\r'}
		[[ $line == *'"event"'* && $line != *'"return"'* ]] && continue
		reply=$line
		return 0
	done
}
reply=
next_reply
[[ $reply == *'"QMP"'* ]] || die "unexpected greeting: $reply"
printf '%s\n' '{"execute":"qmp_capabilities"}' >&"${QMP[1]}"
next_reply
[[ $reply == *'"return"'* ]] || die "qmp_capabilities refused: $reply"

status=0
for cmd in "$@"; do
	[[ $cmd == \{* ]] || cmd="{\"execute\":\"$cmd\"}"
	printf '%s\n' "$cmd" >&"${QMP[1]}"
	next_reply
	printf '%s\n' "$reply"
	[[ $reply == *'"error"'* && $reply != *'"return"'* ]] && status=1
done
fd=${QMP[1]}
exec {fd}>&-
wait "${QMP_PID:-}" 2>/dev/null || true
exit "$status"
