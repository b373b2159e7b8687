# Shared helpers for the shell test suites: counting and a summary line.
# shellcheck shell=bash
#
# Skips: a check (or a whole suite) that cannot run here is counted apart,
# never as passed: skip REASON prints "SKIP: REASON", and the summary line
# then ends in ", K skipped".  A suite that cannot run at all calls
# skip_suite SUITE REASON, which prints "SUITE: 0 passed, 0 failed, 1
# skipped" and exits 0 (make would turn any other status into a failure);
# tests/run-suites.sh reads the SKIP lines and the summary line.
passed=0
failed=0
skipped=0
failures=()
skips=()

pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	failures+=("$1")
	echo "FAIL: $1"
}
skip() {
	skipped=$((skipped + 1))
	skips+=("$1")
	echo "SKIP: $1"
}
# check NAME COMMAND...: passes when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass; else fail "$name"; fi
}
# counts: "N passed, M failed", with ", K skipped" when something was skipped.
counts() {
	local line="$passed passed, $failed failed"
	[ "$skipped" -eq 0 ] || line+=", $skipped skipped"
	echo "$line"
}
summary() {
	local suite=$1
	echo "$suite: $(counts)"
	[ "$failed" -eq 0 ]
}
# skip_suite SUITE REASON: the whole suite cannot run here.
skip_suite() {
	skip "$2"
	summary "$1"
	exit 0
}
# compare NAME EXPECTED ACTUAL: passes when the files are equal; with
# update=--update (set by the suite) copies ACTUAL over EXPECTED instead.
# Uses the suite's $tmp.
compare() {
	if [ "${update:-}" = --update ]; then
		mkdir -p "$(dirname "$2")"
		cp "$3" "$2"
		pass
	elif diff -u "$2" "$3" >"${tmp:?compare needs tmp, the folder of the suite}/diff"; then
		pass
	else
		head -40 "$tmp/diff"
		fail "$1"
	fi
}
