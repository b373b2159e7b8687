#!/usr/bin/env bash
# The conformance checker (--check) on the dumps and snapshots in
# tests/data: every real device checks free of errors; every file of the
# broken corpus (tests/data/make-broken.sh) produces the findings its
# "# expect:" line names; the text output of each matches
# tests/expected/check/; JSON, exit status, --strict and --list-checks agree.
# --update rewrites the expected files (review the diff before committing).
set -uo pipefail
tool=$(realpath "$1")
update=${2:-}
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
dumps=(tests/data/*.lspci tests/data/rings/*.lspci tests/data/broken/*.lspci)
check "there are dumps to check (${#dumps[@]})" [ ${#dumps[@]} -gt 0 ]
for dump in "${dumps[@]}"; do
	rel=${dump#tests/data/}
	name=${rel%.*}
	"$tool" --check -F "$dump" >"$tmp/out.txt" 2>&1
	rc=$?
	echo "exit=$rc" >>"$tmp/out.txt"
	compare "$rel --check text" "tests/expected/check/$name.txt" "$tmp/out.txt"

	"$tool" --check -J -F "$dump" >"$tmp/out.json" 2>/dev/null
	jrc=$?
	# shellcheck disable=SC2016 # $rc is jq's variable
	check "$rel --check -J is valid JSON with the same exit status ($rc)" \
		jq -e --argjson rc "$rc" '.schema_version == 1 and .summary.exit_status == $rc' "$tmp/out.json" >/dev/null
	check "$rel --check -J exit status $jrc = $rc" [ "$jrc" = "$rc" ]
	errors=$(jq '.summary.errors' "$tmp/out.json")
	# (a missing count must not read as 0 errors)
	check "$rel: exit status $rc matches $errors errors" \
		[ "$([[ $errors =~ ^[0-9]+$ ]] && { [ "$errors" -gt 0 ] && echo 1 || echo 0; })" = "$rc" ]

	case $rel in
	broken/*)
		expect=$(sed -n 's/^# expect: //p' "$dump")
		case $name in broken/truncated-dump | broken/ring-no-memory) [ -n "$expect" ] || continue ;; esac
		[ -n "$expect" ] || { fail "$rel has no # expect: line"; continue; }
		for id in $expect; do
			# shellcheck disable=SC2016 # $id is jq's variable
			check "$rel reports $id" jq -e --arg id "$id" \
				'[.devices[].findings[].check] | index($id) != null' "$tmp/out.json" >/dev/null
		done
		;;
	*)
		# A real device breaks no MUST (a finding would be explained in
		# the expected file).
		check "$rel (real devices) has no error" [ "$errors" = 0 ]
		;;
	esac
done

# Every check in the table has a corpus file (or is one the corpus cannot
# show: register checks without a snapshot mutation, active and exercise
# checks: tests/qemu/active.sh, tests/qemu/exercise.sh).
"$tool" --list-checks -J >"$tmp/checks.json"
check "--list-checks -J is valid" jq -e '.checks | length > 0' "$tmp/checks.json" >/dev/null
n_text=$("$tool" --list-checks | wc -l)
n_json=$(jq '.checks | length' "$tmp/checks.json")
check "--list-checks text ($n_text) and JSON ($n_json) list the same checks" [ "$n_text" = "$n_json" ]
covered=$(sed -n 's/^# expect: //p' tests/data/broken/*.lspci | tr ' ' '\n' | sort -u)
for id in $(jq -r '.checks[] | select(.data != "active" and .data != "exercise") | .id' "$tmp/checks.json"); do
	case $id in
	# Not shown by a mutated dump: SR-IOV needs extended config space in a
	# snapshot, shared memory caps need a base that has them, the
	# generation loop a device changing under the reader.
	feature-sr-iov | shm-id-unique | shm-length | linux-shm-cap-len | config-generation-stable) continue ;;
	# used len is judged by sampling only (a single read sees used chains
	# the driver may have reused): tests/unit/test_ring.c, sampling tests.
	ring-used-len) continue ;;
	esac
	check "check $id has a corpus file" grep -qx -- "$id" <<<"$covered"
done

# Ring checks: not made, with the reason, where no ring can be read; made
# on the real ring snapshots, which break no ring rule.
n_ring=$(jq '[.checks[] | select(.data == "rings")] | length' "$tmp/checks.json")
check "the table has ring checks ($n_ring)" [ "$n_ring" -gt 0 ]
"$tool" --check -J -F tests/data/broken/ring-no-memory.lspci >"$tmp/nomem.json" 2>/dev/null
# shellcheck disable=SC2016 # $n is jq's variable
check "a snapshot without ring memory: the $n_ring ring checks are not made, saying why" jq -e --argjson n "$n_ring" \
	'[.devices[0].not_checked[] | select(.check | startswith("ring-")) | .reason] as $r |
	 ($r | length) == $n and all($r[]; . == "the snapshot holds no ring memory")' "$tmp/nomem.json" >/dev/null
"$tool" --check -J -F tests/data/broken/ring-chain-loop.lspci >"$tmp/loop.json" 2>/dev/null
check "a ring finding says which queue" jq -e \
	'[.devices[0].findings[] | select(.check == "ring-chain-loop") | .where] == ["queue 0 requestq"]' "$tmp/loop.json" >/dev/null
for snap in tests/data/rings/*.lspci; do
	"$tool" --check -J -F "$snap" >"$tmp/ring.json" 2>/dev/null
	check "${snap#tests/data/}: every ring check made" jq -e \
		'[.devices[].not_checked[] | select(.check | startswith("ring-"))] == []' "$tmp/ring.json" >/dev/null
done

# --strict: warnings fail the run too.
"$tool" --check -F tests/data/qemu-notify.lspci >/dev/null 2>&1
check "qemu-notify (warnings only) exits 0" [ $? = 0 ]
"$tool" --check --strict -F tests/data/qemu-notify.lspci >/dev/null 2>&1
check "qemu-notify --strict exits 1" [ $? = 1 ]
# Checks not made: counted by default, named with -v (JSON always names them).
"$tool" --check -F tests/data/qemu-modern.lspci -s 00:02.0 >"$tmp/default.txt" 2>&1
"$tool" --check -v -F tests/data/qemu-modern.lspci -s 00:02.0 >"$tmp/verbose.txt" 2>&1
check "--check counts the checks not made" \
	grep -qx '  35 checks not made (a dump holds config space only: no BAR contents); -v lists them' "$tmp/default.txt"
check "--check does not name them by default" [ "$(grep -c 'reset-state' "$tmp/default.txt")" = 0 ]
check "--check -v names them" grep -q '^  not checked (a dump holds config space only: no BAR contents):.* reset-state' "$tmp/verbose.txt"
# Input problems: exit status 1, as every face (the EXIT STATUS table).
"$tool" --check -F tests/data/bad/empty.txt >/dev/null 2>"$tmp/err"
check "an empty dump exits 1" [ $? = 1 ]
check "an empty dump: one line naming it" grep -qx 'virtio-lspci: tests/data/bad/empty.txt: no device in the dump (empty input)' "$tmp/err"
"$tool" --diff tests/data/bad/only-comments.txt tests/data/snapshot-modern.lspci -s 00:02.0 >/dev/null 2>&1
check "--diff with a dump holding no device exits 1" [ $? = 1 ]
"$tool" --check -F tests/data/bad/raw-100-bytes.bin >/dev/null 2>&1
check "a bad dump exits 1" [ $? = 1 ]
"$tool" --check -F /nonexistent >/dev/null 2>&1
check "a missing dump exits 1" [ $? = 1 ]
"$tool" --check --active -F tests/data/host-vm.lspci >/dev/null 2>&1
check "--active with -F is a usage error (2)" [ $? = 2 ]
"$tool" --check --exercise -F tests/data/host-vm.lspci >/dev/null 2>&1
check "--exercise with -F is a usage error (2)" [ $? = 2 ]
"$tool" --check --exercise >/dev/null 2>&1
check "--exercise without a slot is a usage error (2)" [ $? = 2 ]
"$tool" --exercise -s 00:04.0 >/dev/null 2>&1
check "--exercise without --check is a usage error (2)" [ $? = 2 ]
"$tool" --check --exercise --dry-run 00:04.0 >/dev/null 2>&1
check "--exercise with --dry-run is a usage error (2)" [ $? = 2 ]
"$tool" -o junit >/dev/null 2>&1
check "-o junit without --check is a usage error (2)" [ $? = 2 ]
check "--list-checks: every exercise check quotes a MUST or SHOULD, or is an expectation (a note)" \
	jq -e '[.checks[] | select(.data == "exercise")] | length >= 30 and
		([.[] | select(.severity != "info")] | all(.title | test("MUST|SHOULD")) and
			all((.severity == "error") == (.title | test("MUST")))) and
		([.[] | select(.severity == "info")] | all(.title | test("^expectation \\(")) and
			all(.title | test("MUST|SHOULD") | not))' "$tmp/checks.json" >/dev/null

# -o junit: a JUnit consumer (Debian's python3-junitparser) reads it: one
# testsuite per device, one testcase per check, failures for errors (and
# warnings with --strict), skipped with the reason.
junit_read() { # FILE: "suites cases failures skipped" as junitparser counts them
	/usr/bin/python3 -c '
import sys
from junitparser import JUnitXml, Failure, Skipped
x = JUnitXml.fromfile(sys.argv[1])
s = list(x)
c = [t for u in s for t in u]
f = sum(1 for t in c if any(isinstance(r, Failure) for r in t.result))
k = sum(1 for t in c if any(isinstance(r, Skipped) for r in t.result))
print(len(s), len(c), f, k)' "$1"
}
if /usr/bin/python3 -c 'import junitparser' 2>/dev/null; then
	"$tool" --check -o junit -F tests/data/broken/vendor-data-length.lspci >"$tmp/j.xml"
	check "-o junit: exit 1 on errors, as text" [ $? = 1 ]
	n=$("$tool" --list-checks | wc -l)
	got=$(junit_read "$tmp/j.xml")
	check "-o junit: junitparser reads 1 suite, $n cases, 2 failures (got $got)" \
		[ "${got% *}" = "1 $n 2" ]
	"$tool" --check -J -F tests/data/broken/vendor-data-length.lspci >"$tmp/j.json"
	check "-o junit: skipped cases are -J's not_checked" \
		[ "${got##* }" = "$(jq '.devices[0].not_checked | length' "$tmp/j.json")" ]
	# shellcheck disable=SC2016 # jq programs: their $names are jq's
	check "-J: passed + failed + not_checked = the table" jq -e --argjson n "$n" \
		'.devices[0] | (.passed | length) + 2 + (.not_checked | length) == $n and
		 (.passed | index("cap-len")) != null' "$tmp/j.json" >/dev/null
	"$tool" --check -o junit --strict -F tests/data/qemu-modern.lspci >"$tmp/j2.xml"
	got=$(junit_read "$tmp/j2.xml")
	check "-o junit: 15 suites for qemu-modern (got $got)" [ "${got%% *}" = 15 ]
	check "-o junit: the skip reason names --check --exercise" \
		grep -q 'skipped message="drives the device&apos;s queues: --check --exercise"' "$tmp/j2.xml"
else
	echo "SKIP: -o junit tests (python3-junitparser not installed: make test-deps)"
fi

# --diff: equal snapshots exit 0, different ones 1 and name the fields.
"$tool" --diff -s 00:02.0 tests/data/snapshot-modern.lspci tests/data/snapshot-modern.lspci >"$tmp/diff.txt"
check "--diff of a snapshot with itself exits 0" [ $? = 0 ]
"$tool" --diff tests/data/snapshot-modern.lspci tests/data/broken/snap-queue-size-48.lspci -s 00:02.0 >"$tmp/diff.txt"
rc=$?
echo "exit=$rc" >>"$tmp/diff.txt"
compare "--diff queue_size" tests/expected/check/diff-queue-size.txt "$tmp/diff.txt"
"$tool" --diff -J tests/data/snapshot-modern.lspci tests/data/broken/snap-no-version-1.lspci -s 00:02.0 >"$tmp/diff.json"
check "--diff -J names the feature" jq -e \
	'.differences == [{"field": "device_features.VIRTIO_F_VERSION_1", "a": true, "b": false}]' "$tmp/diff.json" >/dev/null
# --diff of ring snapshots: indices with their virtio meaning.  A restore
# that lost completions (used idx 4 -> 2, so 2 chains in flight again) and
# a ring that made progress (avail idx 4 -> 13).
ring=tests/data/rings/rng-split.lspci
sed 's/^# vlp-mem 0x1afe40c0 00000400/# vlp-mem 0x1afe40c0 00000200/' "$ring" >"$tmp/backwards.lspci"
{
	"$tool" --diff "$ring" "$tmp/backwards.lspci"
	echo "exit=$?"
	"$tool" --diff "$ring" tests/data/broken/ring-in-flight.lspci
	echo "exit=$?"
	"$tool" --diff "$ring" "$ring"
	echo "exit=$?"
} 2>&1 | sed "s|$tmp/||" >"$tmp/diff-rings.txt"
compare "--diff of ring snapshots" tests/expected/check/diff-rings.txt "$tmp/diff-rings.txt"
"$tool" --diff -J "$ring" "$tmp/backwards.lspci" >"$tmp/diff.json"
check "--diff -J flags a used idx that went backwards" jq -e '.rings_compared and
	([.differences[] | select(.field == "queues[0].ring.used.idx")][0] | .a == 4 and .b == 2 and (.note | test("backwards")))' \
	"$tmp/diff.json" >/dev/null
"$tool" --diff -J tests/data/snapshot-modern.lspci tests/data/snapshot-modern.lspci -s 00:02.0 >"$tmp/diff.json"
check "--diff -J without ring memory: rings not compared" jq -e '.rings_compared == false' "$tmp/diff.json" >/dev/null
"$tool" --diff -s 00:02.0 tests/data/snapshot-modern.lspci /nonexistent/file >/dev/null 2>&1
check "--diff with a missing file exits 1" [ $? = 1 ]
summary check
