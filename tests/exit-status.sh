#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One exit status per outcome, the same for every face (the man page's EXIT
# STATUS, --help): 0 done and nothing wrong found, 1 an input or runtime
# problem or something found, 2 a usage error.
#
# Every face (the listing, -v, -vv, -vvv, -J, -o prometheus, --textfile,
# --rings, --sample, --save, --check, --check --active, --diff, -c, -i, --top,
# --selftest, --negotiate, --nudge) over every bad input:
#   - a missing file, an empty file, a dump cut in the middle of a byte,
#     garbage text, a snapshot with a malformed line, a slot that is not
#     there (-s 99:00.0, in a snapshot and live): exit 1, and stderr is one
#     line naming the input (the file, or the slot);
#   - a snapshot with one bad "# vlp-mem" range: every face (--diff and --top
#     too) decodes the rest, warns with FILE:LINE and exits 1;
#   - a bad option, a bad option argument: exit 2, the first line of stderr
#     names the option or the argument;
#   - decodable devices with findings (a capability loop, a capability past
#     config space): the listings exit 0 and say nothing on stderr, --check
#     exits 1 (an error found) and says nothing on stderr, --diff of the file
#     with itself 0, the faces that need registers (-c, --selftest,
#     --negotiate) 1 in one line.
# Only dumps and snapshots are used, and live slots that match nothing:
# nothing here writes to a device (--check --active and --nudge with -F are
# refused as usage errors before any device is opened).  --top runs under
# script(1), for the terminal it needs; it fails before curses starts.
# Prints "exit-status: N passed, M failed".
#   tests/exit-status.sh TOOL
set -uo pipefail
tool=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v script >/dev/null; then
	fail "script (util-linux) is not installed: --top cannot be run"
fi

snap=tests/data/snapshot-modern.lspci
# A snapshot whose register read has no value.
sed 's/^# vlp-read 4 0x8 4 - 0x00000001$/# vlp-read 4 0x8 4 - zz/' "$snap" >"$tmp/malformed.lspci"
check "the malformed snapshot differs from its source" grep -q ' - zz$' "$tmp/malformed.lspci"

# run OUT ARGS...: the tool with ARGS, stdin empty; stdout dropped, stderr
# in OUT; prints the exit status.
run() {
	local out=$1 rc=0
	shift
	"$tool" "$@" </dev/null >/dev/null 2>"$out" || rc=$?
	echo "$rc"
}

# run_top OUT ARGS...: --top ARGS under script(1), a pseudo-terminal (stdout
# and stderr both in OUT, without carriage returns); prints the exit status.
run_top() {
	local out=$1 rc=0 cmd
	shift
	cmd=$(printf '%q ' "$tool" --top "$@")
	timeout 20 script -qec "$cmd" /dev/null </dev/null >"$out.raw" 2>&1 || rc=$?
	tr -d '\r' <"$out.raw" >"$out"
	echo "$rc"
}

# expect NAME WANT RC ERRFILE NAMING: exit WANT; stderr one line holding
# NAMING (a fixed string); WANT 2: the first line holds it, a second one
# may point to --help; NAMING empty: stderr empty.
expect() {
	local name=$1 want=$2 rc=$3 err=$4 naming=$5 lines
	lines=$(grep -c '' "$err")
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, want $want ($(head -1 "$err"))"
	elif [ -z "$naming" ] && [ "$lines" != 0 ]; then
		fail "$name: stderr is not empty: $(head -2 "$err" | paste -sd '|')"
	elif [ -n "$naming" ] && [ "$want" != 2 ] && [ "$lines" != 1 ]; then
		fail "$name: stderr is $lines lines, want 1: $(head -3 "$err" | paste -sd '|')"
	elif [ -n "$naming" ] && [ "$want" = 2 ] && { [ "$lines" -lt 1 ] || [ "$lines" -gt 2 ]; }; then
		fail "$name: stderr is $lines lines, want 1 (and the --help hint)"
	elif [ -n "$naming" ] && ! head -1 "$err" | grep -qF -- "$naming"; then
		fail "$name: stderr does not name $naming: $(head -1 "$err")"
	else
		pass
	fi
}

# The faces that read a file (-F); selftest and negotiate need a slot named
# (a file is refused before any write: they never write to one).
file_faces=("" -v -vv -vvv -J "-o prometheus" "--textfile=$tmp/metrics.prom" --rings
	--sample=2x10ms "--save=$tmp/saved.lspci" --check "-c status" -i)
slot_faces=(--selftest --negotiate)

# bad_input NAME FILE NAMING: every face on FILE exits 1, one line naming it.
bad_input() {
	local name=$1 file=$2 naming=$3 face rc
	for face in "${file_faces[@]}"; do
		# shellcheck disable=SC2086 # a face is words
		rc=$(run "$tmp/err" $face -F "$file")
		expect "$name: ${face:-listing}" 1 "$rc" "$tmp/err" "$naming"
	done
	for face in "${slot_faces[@]}"; do
		rc=$(run "$tmp/err" "$face" -F "$file" -s 00:02.0)
		expect "$name: $face" 1 "$rc" "$tmp/err" "$naming"
	done
	rc=$(run "$tmp/err" --diff -s 00:02.0 "$file" "$snap")
	expect "$name: --diff (first operand)" 1 "$rc" "$tmp/err" "$naming"
	rc=$(run "$tmp/err" --diff -s 00:02.0 "$snap" "$file")
	expect "$name: --diff (second operand)" 1 "$rc" "$tmp/err" "$naming"
	rc=$(run_top "$tmp/err" -F "$file")
	expect "$name: --top" 1 "$rc" "$tmp/err" "$naming"
}

bad_input "missing file" "$tmp/no-such-file.lspci" "$tmp/no-such-file.lspci"
bad_input "empty file" tests/data/bad/empty.txt tests/data/bad/empty.txt
bad_input "truncated dump" tests/data/bad/truncated-mid-byte.lspci tests/data/bad/truncated-mid-byte.lspci
bad_input "garbage text" tests/data/bad/garbage.txt tests/data/bad/garbage.txt
bad_input "malformed snapshot line" "$tmp/malformed.lspci" "$tmp/malformed.lspci"

# A snapshot with one bad "# vlp-mem" range (past 2^64): refused alone, the
# rest decoded; every face says FILE:LINE in one warning and exits 1.
ringsnap=tests/data/rings/rng-split.lspci
line=$(grep -m1 -n '^# vlp-mem ' "$ringsnap" | cut -d: -f1)
awk -v at="$line" 'NR == at { print "# vlp-mem 0xfffffffffffffff0 " sprintf("%064d", 0) } { print }' \
	"$ringsnap" >"$tmp/bad-range.lspci"
for face in "" -v -J "-o prometheus" --rings --sample=2x10ms --check "-c status" -i; do
	# shellcheck disable=SC2086
	rc=$(run "$tmp/err" $face -F "$tmp/bad-range.lspci")
	expect "one bad vlp-mem range: ${face:-listing}" 1 "$rc" "$tmp/err" "$tmp/bad-range.lspci:$line:"
done
rc=$(run "$tmp/err" --diff "$ringsnap" "$tmp/bad-range.lspci")
expect "one bad vlp-mem range: --diff" 1 "$rc" "$tmp/err" "$tmp/bad-range.lspci:$line:"
# --top starts on it (the warning is said before curses): q ends it.
rc=0
(sleep 1; printf q) | timeout 20 script -qec "$(printf '%q ' "$tool" --top --rings -F "$tmp/bad-range.lspci")" \
	/dev/null >"$tmp/top.raw" 2>&1 || rc=$?
check "one bad vlp-mem range: --top exits 1" test "$rc" = 1
check "one bad vlp-mem range: --top names the line" grep -aqF "$tmp/bad-range.lspci:$line:" "$tmp/top.raw"

# A slot the snapshot does not hold: every face exits 1 naming it.
for face in "${file_faces[@]}" "${slot_faces[@]}"; do
	# shellcheck disable=SC2086
	rc=$(run "$tmp/err" $face -F "$snap" -s 99:00.0)
	expect "no such slot in a snapshot: ${face:-listing}" 1 "$rc" "$tmp/err" 99:00.0
	check "no such slot in a snapshot: ${face:-listing}: names the file" grep -qF "$snap" "$tmp/err"
done
rc=$(run "$tmp/err" --diff -s 99:00.0 "$snap" "$snap")
expect "no such slot in a snapshot: --diff" 1 "$rc" "$tmp/err" 99:00.0
rc=$(run_top "$tmp/err" -F "$snap" -s 99:00.0)
expect "no such slot in a snapshot: --top" 1 "$rc" "$tmp/err" 99:00.0

# A live slot that matches nothing: read-only faces, and the writing ones,
# which find no device to write to.
for face in "" -J --rings --check "--check --active" --selftest --negotiate --nudge=0 "-c status"; do
	# shellcheck disable=SC2086
	rc=$(run "$tmp/err" $face -s 99:00.0)
	expect "no such live slot: ${face:-listing}" 1 "$rc" "$tmp/err" 99:00.0
done
rc=$(run "$tmp/err" --diff 99:00.0 99:00.1)
expect "no such live slot: --diff" 1 "$rc" "$tmp/err" 99:00.0
rc=$(run_top "$tmp/err" -s 99:00.0)
expect "no such live slot: --top" 1 "$rc" "$tmp/err" 99:00.0

# Usage errors: an unknown option, a bad option argument, on every face.
all_faces=("${file_faces[@]}" "${slot_faces[@]}" "--diff $snap $snap" "--nudge=0" "--check --active" --top)
for face in "${all_faces[@]}"; do
	# shellcheck disable=SC2086
	rc=$(run "$tmp/err" $face --no-such-option)
	expect "bad option: ${face:-listing}" 2 "$rc" "$tmp/err" no-such-option
	# shellcheck disable=SC2086
	rc=$(run "$tmp/err" $face --format=bogus -F "$snap")
	expect "bad --format: ${face:-listing}" 2 "$rc" "$tmp/err" bogus
done
# A slot that does not parse: checked when the selection is built.
for face in "${file_faces[@]}" "${slot_faces[@]}"; do
	# shellcheck disable=SC2086
	rc=$(run "$tmp/err" $face -F "$snap" -s 1:2:3:4:5)
	expect "bad -s: ${face:-listing}" 2 "$rc" "$tmp/err" 1:2:3:4:5
done
# The writing faces on live slots: the selection fails before any device opens.
for face in --nudge=0 "--check --active"; do
	# shellcheck disable=SC2086
	rc=$(run "$tmp/err" $face -s 1:2:3:4:5)
	expect "bad -s: $face" 2 "$rc" "$tmp/err" 1:2:3:4:5
done
rc=$(run "$tmp/err" --diff -s 1:2:3:4:5 "$snap" "$snap")
expect "bad -s: --diff" 2 "$rc" "$tmp/err" 1:2:3:4:5
rc=$(run_top "$tmp/err" -F "$snap" -s 1:2:3:4:5)
expect "bad -s: --top" 2 "$rc" "$tmp/err" 1:2:3:4:5
rc=$(run "$tmp/err" --sample=abc)
expect "bad --sample" 2 "$rc" "$tmp/err" abc
rc=$(run "$tmp/err" --interval=0 --top)
expect "bad --interval" 2 "$rc" "$tmp/err" "'0'"
rc=$(run "$tmp/err" --nudge=0 --timeout=x -s 99:00.0)
expect "bad --timeout" 2 "$rc" "$tmp/err" "'x'"
rc=$(run "$tmp/err" -o yaml)
expect "bad -o" 2 "$rc" "$tmp/err" yaml
rc=$(run "$tmp/err" --access=bogus)
expect "bad --access" 2 "$rc" "$tmp/err" bogus
# Writing faces on a file: refused as usage errors before any device opens.
rc=$(run "$tmp/err" --check --active -F "$snap")
expect "--check --active -F" 2 "$rc" "$tmp/err" -F
rc=$(run "$tmp/err" --nudge=0 -F "$snap" -s 00:02.0)
expect "--nudge -F" 2 "$rc" "$tmp/err" -F

# Devices that decode, with findings: the listing is not a judgement (0),
# --check found something (1), both quiet on stderr.
findings() {
	local name=$1 file=$2 slot face rc
	slot=$(grep -m1 -oE '^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]' "$file")
	for face in "" -v -vv -vvv -J "-o prometheus" "--textfile=$tmp/metrics.prom" --rings \
		--sample=2x10ms "--save=$tmp/saved.lspci" -i; do
		# shellcheck disable=SC2086
		rc=$(run "$tmp/err" $face -F "$file")
		expect "$name: ${face:-listing}" 0 "$rc" "$tmp/err" ""
	done
	for face in --check "--check -J" "--check -o prometheus"; do
		# shellcheck disable=SC2086
		rc=$(run "$tmp/err" $face -F "$file")
		expect "$name: $face (an error found)" 1 "$rc" "$tmp/err" ""
	done
	rc=$(run "$tmp/err" --diff "$file" "$file")
	expect "$name: --diff with itself" 0 "$rc" "$tmp/err" ""
	# A dump has no registers: what needs them fails, naming the device.
	for face in "-c status" --selftest --negotiate; do
		# shellcheck disable=SC2086
		rc=$(run "$tmp/err" $face -F "$file" -s "$slot")
		expect "$name: $face" 1 "$rc" "$tmp/err" "$slot"
	done
}
findings "capability loop" tests/data/broken/chain-loop.lspci
findings "capability past config space" tests/data/broken/cap-past-config-space.lspci

# --check -J says its exit status in the summary, as the process exits.
"$tool" --check -J -F tests/data/broken/chain-loop.lspci >"$tmp/check.json" 2>/dev/null
check "--check -J: summary.exit_status 1 with an error" jq -e '.summary.exit_status == 1' "$tmp/check.json" >/dev/null
# And done, nothing wrong: 0.
for face in "" -J --check; do
	# shellcheck disable=SC2086
	rc=$(run "$tmp/err" $face -s 00:02.0 -F "$snap")
	expect "a good snapshot: ${face:-listing}" 0 "$rc" "$tmp/err" ""
done
rc=$(run "$tmp/err" --diff -s 00:02.0 "$snap" "$snap")
expect "a good snapshot: --diff with itself" 0 "$rc" "$tmp/err" ""

summary exit-status
