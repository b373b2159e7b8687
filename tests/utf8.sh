#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Text from input that is not UTF-8 never makes the output invalid: a
# snapshot and a ring snapshot given bytes that are no UTF-8 (0xff, an
# overlong, a surrogate, a code point above U+10FFFF, a sequence cut short,
# control characters) in every line that carries text (the device header
# line, # vlp-driver, # vlp-backend, plain comments), under a file name that
# is no UTF-8 either; then
#   - every JSON output (-J -vv, --rings -J -vvv, --sample -J, --check -J,
#     --diff -J) decodes as strict UTF-8 and parses (python3), and a replaced
#     byte shows as U+FFFD;
#   - every Prometheus output (the listing, --rings, --check) passes
#     `promtool check metrics` and decodes as strict UTF-8.
# Prints "utf8: N passed, M failed".
#   tests/utf8.sh TOOL
set -uo pipefail
tool=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v python3 >/dev/null; then
	fail "python3 is not installed"
	summary utf8
	exit 1
fi
if ! command -v promtool >/dev/null; then
	fail "promtool is not installed (Debian package prometheus; make test-deps)"
	summary utf8
	exit 1
fi

# Bytes that are no UTF-8, one of each kind, and control characters.
bad=$'\xff\xfe\xc0\x80\xe0\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80\xf0\x9f\x98\x01\x1b[31m\x7f'

# hostile IN OUT: every text-bearing line of snapshot IN given the bad bytes.
hostile() {
	awk -v bad="$bad" '
		NR == 1 { print $0 " " bad; print "# a comment " bad; next }
		/^# vlp-driver / { print "# vlp-driver drv" bad; next }
		/^# vlp-backend / { print "# vlp-backend mmap" bad; next }
		/^$/ { print "# " bad }
		{ print }' "$1" >"$2"
}

snap="$tmp/snap-$bad.lspci"
ring="$tmp/ring-$bad.lspci"
hostile tests/data/snapshot-modern.lspci "$snap"
hostile tests/data/rings/blk-split.lspci "$ring"
check "the hostile snapshot carries the bytes" grep -qa $'drv\xff\xfe' "$snap"

# valid_json NAME FILE: strict UTF-8 and JSON.
valid_json() {
	if python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))' "$2" 2>"$tmp/py"; then
		pass
	else
		head -3 "$tmp/py"
		fail "$1: not strict UTF-8 JSON"
	fi
}

# json_run NAME ARGS...: the tool's JSON output (exit 0 or 1), valid.
json_run() {
	local name=$1 rc=0
	shift
	"$tool" "$@" >"$tmp/out.json" 2>"$tmp/err" || rc=$?
	if [ "$rc" -gt 1 ] || [ ! -s "$tmp/out.json" ]; then
		fail "$name: exit $rc, $(head -1 "$tmp/err")"
		return
	fi
	valid_json "$name" "$tmp/out.json"
}

json_run "-J -vv" -J -vv -F "$snap"
check "-J: the driver's bad bytes are U+FFFD" grep -q 'drv\\ufffd\\ufffd' "$tmp/out.json"
check "-J: the escape character is escaped" grep -q '\\u001b\[31m' "$tmp/out.json"
json_run "--rings -J -vvv" --rings -J -vvv -F "$ring"
json_run "--sample -J" --sample=2x10ms -J -vv -F "$ring"
json_run "--check -J (snapshot)" --check -J -F "$snap"
json_run "--check -J (ring snapshot)" --check -J -F "$ring"
json_run "--diff -J" --diff -J -s 00:02.0 tests/data/snapshot-modern.lspci "$snap"
check "--diff -J: the file name's bad bytes are U+FFFD" grep -q 'snap-\\ufffd' "$tmp/out.json"
json_run "--diff -J (rings)" --diff -J tests/data/rings/blk-split.lspci "$ring"
json_run "--list-checks -J" --list-checks -J

# prom_run NAME ARGS...: the tool's Prometheus output, clean under promtool.
prom_run() {
	local name=$1 rc=0
	shift
	"$tool" "$@" >"$tmp/out.prom" 2>"$tmp/err" || rc=$?
	if [ "$rc" -gt 1 ] || [ ! -s "$tmp/out.prom" ]; then
		fail "$name: exit $rc, $(head -1 "$tmp/err")"
		return
	fi
	if ! python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8", "strict")' "$tmp/out.prom" 2>/dev/null; then
		fail "$name: not strict UTF-8"
	elif ! promtool check metrics <"$tmp/out.prom" >"$tmp/promtool" 2>&1; then
		head -3 "$tmp/promtool"
		fail "$name: promtool check metrics"
	else
		pass
	fi
}

prom_run "-o prometheus" -o prometheus -F "$snap"
prom_run "-o prometheus --rings" -o prometheus --rings -F "$ring"
prom_run "--check -o prometheus" --check -o prometheus -F "$snap"
prom_run "--check -o prometheus (ring snapshot)" --check -o prometheus -F "$ring"

summary utf8
