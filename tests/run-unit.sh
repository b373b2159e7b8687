#!/usr/bin/env bash
# Runs cmocka test binaries; sums their counts into one line.
set -uo pipefail
total_pass=0
total_fail=0
if [ $# -eq 0 ]; then
	echo "unit: no test binaries given"
	echo "unit: 0 passed, 1 failed"
	exit 1
fi
for bin in "$@"; do
	out=$("$bin" 2>&1)
	rc=$?
	echo "$out" | grep -E '^\[  (FAILED|  ERROR)|^\[==========\]|^\[  PASSED' | sed "s|^|$(basename "$bin"): |"
	p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		echo "$out" | tail -20
		f=1
	elif [ "$rc" -eq 0 ] && [ -z "$p" ]; then
		# A binary that ran no test (or whose output we cannot read) passes nothing.
		echo "$out" | tail -20
		echo "$(basename "$bin"): no '[  PASSED  ] N test(s)' line"
		f=1
	fi
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-0}))
done
echo "unit: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
