#!/usr/bin/env bash
# Runs each named make target as a suite, all of them even when one fails,
# then prints which failed and one closing summary line.
set -uo pipefail
ok=0
bad=0
failed=()
for suite in "$@"; do
	echo "===== $suite"
	if make --no-print-directory "$suite"; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
		failed+=("$suite")
	fi
done
echo "====="
[ "$bad" -gt 0 ] && echo "failed suites: ${failed[*]}"
echo "suites: $ok passed, $bad failed"
[ "$bad" -eq 0 ]
