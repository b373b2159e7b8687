#!/usr/bin/env bash
# Runs each named make target as a suite, all of them even when one fails,
# then prints which failed, which were skipped and why, and one closing
# summary line: "suites: X passed, Y failed, Z skipped".
#
# The convention (tests/lib.sh): a suite ends with "NAME: N passed, M failed"
# (", K skipped" may follow) and prints "SKIP: REASON" for what it could not
# run here.  A suite that exits 0 having skipped everything (0 passed, 0
# failed, K skipped) counts as skipped; one that skipped some checks counts
# as passed and its skips are listed; one that passed nothing, failed nothing
# and skipped nothing checked nothing, and fails.
set -uo pipefail
ok=0
bad=0
skipped=0
failed=()
skipped_suites=()
skip_notes=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
times=()
for suite in "$@"; do
	echo "===== $suite"
	started=$SECONDS
	make --no-print-directory "$suite" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	times+=("$suite $((SECONDS - started))s")
	# The closing count line: the last line with "N passed, M failed".
	counts=$(grep -oE '[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?' "$log" | tail -n1)
	read -r n_pass n_fail n_skip < <(sed -E 's/([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?/\1 \2 \4/' <<<"${counts:-x}")
	reasons=$(sed -n 's/^SKIP: //p' "$log" | paste -sd ';' - | sed 's/;/; /g')
	if [ "$rc" -ne 0 ]; then
		bad=$((bad + 1))
		failed+=("$suite")
	elif [ -n "$counts" ] && [ "$n_pass" -eq 0 ] && [ "$n_fail" -eq 0 ] && [ "${n_skip:-0}" -eq 0 ]; then
		echo "FAIL: $suite checked nothing (0 passed, 0 failed)"
		bad=$((bad + 1))
		failed+=("$suite (checked nothing)")
	elif [ -n "$counts" ] && [ "$n_pass" -eq 0 ] && [ "${n_skip:-0}" -gt 0 ]; then
		skipped=$((skipped + 1))
		skipped_suites+=("$suite")
		skip_notes+=("$suite: ${reasons:-no reason given}")
	else
		ok=$((ok + 1))
		[ "${n_skip:-0}" -gt 0 ] && skip_notes+=("$suite: $n_skip of its checks: ${reasons:-no reason given}")
	fi
done
echo "====="
[ "$bad" -gt 0 ] && echo "failed suites: ${failed[*]}"
[ "$skipped" -gt 0 ] && echo "skipped suites: ${skipped_suites[*]}"
for note in "${skip_notes[@]}"; do
	echo "skipped: $note"
done
# Where make check's time goes (CI's budget is a whole run under 20 minutes).
echo "time per suite: ${times[*]}"
echo "suites: $ok passed, $bad failed, $skipped skipped"
[ "$bad" -eq 0 ]
