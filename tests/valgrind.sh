#!/usr/bin/env bash
# valgrind must be clean: the tool on every dump (text and JSON) and on the
# live devices, and every unit test binary.  Any error or leak fails.
set -uo pipefail
tool=$(realpath "$1")
shift
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

shopt -s nullglob
dumps=(tests/data/*.lspci tests/data/*.bin tests/data/*.xxd tests/data/*.hexdump tests/data/broken/* tests/data/bad/*)
check "there are dumps to run (${#dumps[@]})" [ ${#dumps[@]} -gt 0 ]
check "there are unit test binaries to run ($#)" [ $# -gt 0 ]
for dump in "${dumps[@]}"; do
	for fmt in -vvv -J; do
		"${vg[@]}" "$tool" -F "$dump" "$fmt" >/dev/null 2>/tmp/vg.$$
		rc=$?
		if [ $rc -eq 99 ]; then
			cat /tmp/vg.$$
			fail "valgrind: $dump $fmt"
		else
			pass
		fi
	done
done
"${vg[@]}" "$tool" -vvv >/dev/null 2>/tmp/vg.$$
if [ $? -eq 99 ]; then cat /tmp/vg.$$; fail "valgrind: live -vvv"; else pass; fi
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
