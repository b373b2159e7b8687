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
