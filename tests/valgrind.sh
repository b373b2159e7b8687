#!/usr/bin/env bash
# valgrind must be clean: every dump, snapshot, ring snapshot and fuzz-corpus
# input through the library and both printers (the fuzz target's replay, one
# process for all: a valgrind start costs about 1.4 s, so one per file made
# this the longest suite), the tool itself on every dump in text and JSON, on
# samples of the broken inputs and on its other faces, on the live devices,
# and every unit test binary.  Any error or leak fails.
set -uo pipefail
tool=$(realpath "$1")
replay=$(realpath "$2")
shift 2
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
# Without valgrind every run below would "pass" (status 127, not 99).
if ! command -v valgrind >/dev/null; then
	fail "valgrind is not installed (make test-deps installs it)"
	summary valgrind
	exit 1
fi
# shellcheck disable=SC2054 # a comma-separated valgrind option, one word
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect)

# Runs valgrind on one command; DESCRIPTION names it when it fails.
vg_run() {
	local what=$1
	shift
	"${vg[@]}" "$@" >/dev/null 2>/tmp/vg.$$
	if [ $? -eq 99 ]; then
		cat /tmp/vg.$$
		fail "valgrind: $what"
	else
		pass
	fi
}

shopt -s nullglob
dumps=(tests/data/*.lspci tests/data/*.bin tests/data/*.xxd tests/data/*.hexdump)
broken=(tests/data/broken/* tests/data/bad/*)
inputs=("${dumps[@]}" "${broken[@]}" tests/data/rings/*.lspci tests/fuzz/corpus/*)
check "there are dumps to run (${#dumps[@]})" [ ${#dumps[@]} -gt 0 ]
check "there are unit test binaries to run ($#)" [ $# -gt 0 ]
vg_run "the library and printers on ${#inputs[@]} inputs ($replay)" "$replay" "${inputs[@]}"
for dump in "${dumps[@]}"; do
	for fmt in -vvv -J; do
		vg_run "$dump $fmt" "$tool" -F "$dump" "$fmt"
	done
done
# The tool's own error path on every fifth broken input (all of them went
# through the library above).
for ((i = 0; i < ${#broken[@]}; i += 5)); do
	vg_run "${broken[i]} -vvv" "$tool" -F "${broken[i]}" -vvv
done
# The other faces on a snapshot: rings, checks, diff, metrics, JUnit.
ring=tests/data/rings/net-packed.lspci
vg_run "--rings -vvv" "$tool" -F "$ring" --rings -vvv
vg_run "--check -J" "$tool" -F tests/data/snapshot-modern.lspci --check -J -s 00:02.0
vg_run "--check -o junit" "$tool" -F tests/data/snapshot-modern.lspci --check -o junit -s 00:02.0
vg_run "--diff" "$tool" --diff -s 00:02.0 tests/data/snapshot-modern.lspci tests/data/snapshot-transitional.lspci
vg_run "-o prometheus --rings" "$tool" -F "$ring" --rings -o prometheus
vg_run "live -vvv" "$tool" -vvv
# The REPL in batch mode on a snapshot, failing commands included, and on a
# live device without BAR access; commands from standard input too.
repl='help; show; get num_queues mac mac[1]; queue 1; features; status; watch -n 2 -i 0.1 device_status; cfg read COMMAND; read 4 0 4; set num_queues 1'
for args in "-F tests/data/snapshot-modern.lspci -c" "-F tests/data/snapshot-transitional.lspci -c"; do
	# shellcheck disable=SC2086 # the words of args are separate options
	"${vg[@]}" "$tool" $args "$repl" 00:02.0 >/dev/null 2>/tmp/vg.$$
	if [ $? -eq 99 ]; then cat /tmp/vg.$$; fail "valgrind: REPL $args"; else pass; fi
done
# (reads only: this machine's own devices are never written)
echo "get num_queues; features" | "${vg[@]}" "$tool" -i 00:03.0 >/dev/null 2>/tmp/vg.$$
if [ $? -eq 99 ]; then cat /tmp/vg.$$; fail "valgrind: REPL on a live device, stdin"; else pass; fi
for bin in "$@"; do
	"${vg[@]}" "$bin" >/dev/null 2>/tmp/vg.$$
	if [ $? -eq 99 ]; then cat /tmp/vg.$$; fail "valgrind: $bin"; else pass; fi
done
rm -f /tmp/vg.$$
summary valgrind
