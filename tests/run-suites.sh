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
#
# Two lanes (VLP_SUITE_LANES=2, the default): the QEMU guest suites (qemu, qemu-*)
# one after another in one lane (one guest at a time), every other suite in the
# other, so that a TCG guest (about one core) and the host-only suites share the
# two cores of a CI machine.  The host suites form one queue that both lanes take
# from: once the guest suites are done, that lane takes the next host suite too,
# so neither lane idles while the other still has a long list (measured: the
# host suites add up to about 1190 s, the guest suites to about 790 s).
# VLP_SUITE_LANES=1 runs everything in one line, in order.  A suite's output is
# printed whole when it ends; the judgement below keeps the order the suites
# were named in.
set -uo pipefail
lanes=${VLP_SUITE_LANES:-2}
[[ $lanes == 1 || $lanes == 2 ]] || {
	echo "run-suites.sh: VLP_SUITE_LANES must be 1 or 2, not '$lanes'" >&2
	exit 2
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# Runs one suite into DIR/SUITE.{log,rc,secs} and prints its log when done.
run_suite() {
	local suite=$1 started=$SECONDS
	make --no-print-directory "$suite" >"$dir/$suite.log" 2>&1
	echo $? >"$dir/$suite.rc"
	echo $((SECONDS - started)) >"$dir/$suite.secs"
	{
		flock 9
		echo "===== $suite ($(cat "$dir/$suite.secs")s)"
		cat "$dir/$suite.log"
	} 9>"$dir/print.lock"
}
run_lane() {
	local suite
	for suite in "$@"; do run_suite "$suite"; done
}
# Takes host suites from the shared queue (DIR/next holds the index of the next
# one to run) until it is empty.
run_host_queue() {
	local i
	while :; do
		i=$({
			flock 8
			read -r i <"$dir/next"
			echo $((i + 1)) >"$dir/next"
			echo "$i"
		} 8>"$dir/queue.lock")
		((i < ${#hosts[@]})) || return 0
		run_suite "${hosts[i]}"
	done
}

guests=()
hosts=()
for suite in "$@"; do
	if [[ $lanes == 2 && ($suite == qemu || $suite == qemu-*) ]]; then
		guests+=("$suite")
	else
		hosts+=("$suite")
	fi
done
started_all=$SECONDS
echo 0 >"$dir/next"
if ((${#guests[@]})); then
	{
		run_lane "${guests[@]}"
		run_host_queue
	} &
	guest_lane=$!
fi
run_host_queue
[[ -n ${guest_lane:-} ]] && wait "$guest_lane"

ok=0
bad=0
skipped=0
failed=()
skipped_suites=()
skip_notes=()
times=()
for suite in "$@"; do
	log=$dir/$suite.log
	rc=$(cat "$dir/$suite.rc" 2>/dev/null || echo 1)
	times+=("$suite $(cat "$dir/$suite.secs" 2>/dev/null || echo '?')s")
	# The closing count line: the last line with "N passed, M failed".
	counts=$(grep -oE '[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?' "$log" 2>/dev/null | tail -n1)
	read -r n_pass n_fail n_skip < <(sed -E 's/([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?/\1 \2 \4/' <<<"${counts:-x}")
	reasons=$(sed -n 's/^SKIP: //p' "$log" 2>/dev/null | paste -sd ';' - | sed 's/;/; /g')
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
echo "suites ran in $((SECONDS - started_all))s on $lanes lane(s)"
echo "suites: $ok passed, $bad failed, $skipped skipped"
[ "$bad" -eq 0 ]
