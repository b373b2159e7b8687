# Shared helpers for the shell test suites: counting and a summary line.
# shellcheck shell=bash
passed=0
failed=0
failures=()

pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	failures+=("$1")
	echo "FAIL: $1"
}
# check NAME COMMAND...: passes when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass; else fail "$name"; fi
}
summary() {
	local suite=$1
	echo "$suite: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
# compare NAME EXPECTED ACTUAL: passes when the files are equal; with
# update=--update (set by the suite) copies ACTUAL over EXPECTED instead.
# Uses the suite's $tmp.
compare() {
	if [ "${update:-}" = --update ]; then
		mkdir -p "$(dirname "$2")"
		cp "$3" "$2"
		pass
	elif diff -u "$2" "$3" >"$tmp/diff"; then
		pass
	else
		head -40 "$tmp/diff"
		fail "$1"
	fi
}
