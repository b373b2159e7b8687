#!/usr/bin/env bash
# make fuzz: builds the libFuzzer target (dump reader + decoder + printers)
# with ASan+UBSan and runs it for a bounded time from the seed corpus.
# Any crash, leak or sanitizer report fails; the input is kept in build/fuzz.
set -uo pipefail
seconds=${1:-60}
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
out=build/fuzz
mkdir -p "$out/corpus"
src=(tests/fuzz/fuzz_dump.c src/lib/*/*.c src/view/format.c src/view/json.c src/view/print_text.c src/view/print_json.c src/view/print_state.c
	src/view/print_rings.c src/view/print_irq.c)
# shellcheck disable=SC2046
if ! clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -Isrc/lib -Isrc/view $(pkg-config --cflags libpci) \
	"${src[@]}" $(pkg-config --libs libpci) -o "$out/fuzz_dump"; then
	fail "fuzz target builds"
	summary fuzz
	exit 1
fi
cp -n tests/fuzz/corpus/* tests/data/*.lspci "$out/corpus/" 2>/dev/null || true
log=$out/fuzz.log
(cd "$out" && ./fuzz_dump -max_total_time="$seconds" -max_len=16384 -timeout=10 \
	-print_final_stats=1 corpus) >"$log" 2>&1
rc=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|INFO: .*corpus)' "$log" | tail -4
if [ $rc -eq 0 ]; then
	pass
else
	grep -A30 -E 'ERROR: |SUMMARY' "$log" | head -40
	fail "fuzzing found a problem (input saved under $out, log $log)"
fi
summary fuzz
