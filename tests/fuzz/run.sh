#!/usr/bin/env bash
# make fuzz: builds the libFuzzer target (dump reader + decoder + printers)
# with ASan+UBSan and runs it for a bounded time from the seed corpus: the
# test dumps and snapshots, the ring snapshots (ring bytes in # vlp-mem
# lines, registers in # vlp-read lines) and tests/fuzz/corpus, with a
# dictionary of the snapshot lines' words.  Any crash, leak or sanitizer
# report fails, and so does an input that takes more than TIMEOUT seconds
# or RSS_MB of memory (or a single allocation of MALLOC_MB): a blow-up of
# time or memory is a failure too.  The input is kept in build/fuzz.
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
cp -n tests/fuzz/corpus/* tests/data/*.lspci tests/data/rings/*.lspci "$out/corpus/" 2>/dev/null || true
log=$out/fuzz.log
# Per input: TIMEOUT s, RSS_MB of memory, no single allocation of MALLOC_MB.
# The largest ring snapshot (about 43 KB) fits in max_len.  A small ASan
# quarantine, so that the RSS limit measures the input, not freed memory.
timeout=5 rss_mb=512 malloc_mb=128
asan="quarantine_size_mb=16${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
(cd "$out" && ASAN_OPTIONS=$asan ./fuzz_dump \
	-max_total_time="$seconds" -max_len=49152 -timeout=$timeout -rss_limit_mb=$rss_mb \
	-malloc_limit_mb=$malloc_mb -dict=../../tests/fuzz/snapshot.dict -print_final_stats=1 \
	corpus) >"$log" 2>&1
rc=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|INFO: .*corpus)' "$log" | tail -4
if [ $rc -eq 0 ]; then
	pass
else
	grep -A30 -E 'ERROR: |SUMMARY|ALARM|out-of-memory|malloc\(' "$log" | head -40
	fail "fuzzing found a problem: a crash, a sanitizer report, more than ${timeout}s or ${rss_mb} MB for one input (input saved under $out, log $log)"
fi
summary fuzz
