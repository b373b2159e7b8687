#!/usr/bin/env bash
# Golden-output tests: every dump in tests/data decodes to exactly the text
# (-vvv) and JSON (-J) in tests/expected; -xxxx output round-trips through
# both our reader and lspci's; bad inputs fail with the expected one-line
# error and exit status.  --update rewrites the expected files (review the
# diff before committing it).
set -uo pipefail
tool=$(realpath "$1")
update=${2:-}
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# lspci (pciutils) is a test dependency: without it the round trips through
# lspci's reader are not made, and that is a failure, not a silent pass.
have_lspci=1
if ! command -v lspci >/dev/null; then
	have_lspci=0
	fail "lspci is not installed (pciutils; make test-deps): -xxxx output is not read by lspci -F"
fi

shopt -s nullglob
dumps=(tests/data/*.lspci tests/data/*.bin tests/data/*.xxd tests/data/*.hexdump tests/data/broken/*)
check "there are dumps to decode (${#dumps[@]})" [ ${#dumps[@]} -gt 0 ]
for dump in "${dumps[@]}"; do
	rel=${dump#tests/data/}
	name=${rel%.*}
	"$tool" -F "$dump" -vvv >"$tmp/out.txt" 2>&1
	compare "$rel text" "tests/expected/$name.txt" "$tmp/out.txt"
	"$tool" -F "$dump" -J >"$tmp/out.json" 2>"$tmp/err"
	compare "$rel json" "tests/expected/$name.json" "$tmp/out.json"
	check "$rel json is valid" jq -e '.schema_version == 1' "$tmp/out.json" >/dev/null

	# -xxxx output is a dump again: ours and lspci's readers take it.
	"$tool" -F "$dump" -xxxx >"$tmp/hex.txt" 2>/dev/null
	"$tool" -F "$tmp/hex.txt" -xxxx >"$tmp/hex2.txt" 2>/dev/null
	# Empty output would round-trip too: every dump holds a device.
	slot_re='^([0-9a-f]{4,}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] '
	n_ours=$(grep -cE "$slot_re" "$tmp/hex.txt")
	check "$rel -xxxx shows devices ($n_ours)" [ "$n_ours" -gt 0 ]
	check "$rel -xxxx round trip" cmp -s "$tmp/hex.txt" "$tmp/hex2.txt"
	if [ $have_lspci -eq 1 ]; then
		n_lspci=$(lspci -F "$tmp/hex.txt" 2>/dev/null | grep -cE "$slot_re")
		check "$rel -xxxx read by lspci -F ($n_ours devices)" [ "$n_ours" = "$n_lspci" ]
	fi
done

# Snapshots taken in QEMU guests (tests/qemu/capture-dumps.sh --snapshots):
# replayed offline they print exactly what the live command printed while
# the snapshot was taken, but for the backend, shown as snapshot.
snaps=(tests/data/snapshot-*.lspci)
check "there are snapshots to replay (${#snaps[@]})" [ ${#snaps[@]} -gt 0 ]
for snap in "${snaps[@]}"; do
	live=${snap%.lspci}.live
	rel=${snap#tests/data/}
	if [ ! -f "$live" ]; then
		fail "$rel has no ${live#tests/data/} (tests/qemu/capture-dumps.sh --snapshots writes both)"
		continue
	fi
	sed -E 's/^\tBAR access: (mmap|window|mmap\+window)/\tBAR access: snapshot/' "$live" >"$tmp/live.txt"
	"$tool" -F "$snap" -vv >"$tmp/replay.txt" 2>"$tmp/err"
	if diff -u "$tmp/live.txt" "$tmp/replay.txt" >"$tmp/diff" && [ ! -s "$tmp/err" ]; then
		pass
	else
		head -30 "$tmp/diff" "$tmp/err"
		fail "$rel replay differs from the live output captured with it"
	fi
	check "$rel: every device replays its state" \
		[ "$(grep -c 'BAR access: snapshot' "$tmp/replay.txt")" -eq "$(grep -cE '^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ' "$tmp/live.txt")" ]
done

# Ring snapshots taken in a QEMU guest with `--rings -vvv --save` (one run:
# the .live file is what it printed): replayed offline with --rings they
# print the same rings from the recorded guest memory.  Lines only a live
# run has (Linux's interrupts, the BAR backend) are left out; the memory
# source reads "recorded" instead of "kcore".
rings=(tests/data/rings/*.lspci)
check "there are ring snapshots to replay (${#rings[@]})" [ ${#rings[@]} -gt 0 ]
live_only=$'^\tBAR access:|^\tInterrupts|^\t\t(Vector [0-9]+|INTx|MSI): IRQ|^\t\t\tper CPU:'
for snap in "${rings[@]}"; do
	rel=${snap#tests/data/}
	grep -vE "$live_only" "${snap%.lspci}.live" >"$tmp/live.txt"
	"$tool" -F "$snap" --rings -vvv 2>"$tmp/err" | grep -vE "$live_only" |
		sed 's/guest memory: recorded)/guest memory: kcore)/' >"$tmp/replay.txt"
	if diff -u "$tmp/live.txt" "$tmp/replay.txt" >"$tmp/diff" && [ ! -s "$tmp/err" ]; then
		pass
	else
		head -30 "$tmp/diff" "$tmp/err"
		fail "$rel: --rings replay differs from the live output captured with it"
	fi
	check "$rel: every enabled queue's ring replayed" \
		[ "$(grep -c 'not read\|unavailable' "$tmp/replay.txt")" -eq 0 ]
	"$tool" -F "$snap" --rings -J >"$tmp/out.json" 2>/dev/null
	compare "$rel --rings json" "tests/expected/${rel%.lspci}.json" "$tmp/out.json"
done

# The broken-ring corpus (tests/data/make-broken.sh: mutated ring memory of
# rings/rng-split.lspci): decoded with --rings at every level and as JSON,
# exit status 0 (a broken ring is a finding, not a failure), no crash, and
# the JSON names the ring's findings' checks from the table.
for snap in tests/data/broken/ring-*.lspci; do
	rel=${snap#tests/data/}
	for v in -v -vv -vvv; do
		"$tool" -F "$snap" --rings $v >/dev/null 2>"$tmp/err"
		rc=$?
		check "$rel --rings $v exits 0 (got $rc)" [ "$rc" = 0 ]
	done
	"$tool" -F "$snap" --rings -J >"$tmp/out.json" 2>/dev/null
	check "$rel --rings -J is valid JSON with the queue's ring" \
		jq -e '.devices[0].state.common.queues[0].ring.format | IN("split", "packed")' "$tmp/out.json" >/dev/null
done

# Bad inputs: one line on stderr naming the input, exit status 1, no crash.
bads=(tests/data/bad/*)
check "there are bad inputs (${#bads[@]})" [ ${#bads[@]} -gt 0 ]
for bad in "${bads[@]}"; do
	rel=${bad#tests/data/}
	"$tool" -F "$bad" -vv >"$tmp/out" 2>"$tmp/err"
	rc=$?
	echo "exit=$rc" >>"$tmp/err"
	compare "$rel error" "tests/expected/${rel%.*}.err" "$tmp/err"
done
summary golden
