#!/usr/bin/env bash
# make bench: virtio-lspci against lspci on the same generated dumps, in one
# run.  Prints ratios, asserts nothing (timings are not tests).
#   time ratio  = virtio-lspci -vv -F / lspci -vvv -F   on 8192 devices (goal <= 0.5)
#   RSS growth  = peak RSS at 32768 devices / at 8192 - 1          (goal <= 20%)
set -euo pipefail
tool=$(realpath "$1")
cd "$(dirname "$0")/../.."
if ! command -v lspci >/dev/null || [ ! -x /usr/bin/time ]; then
	tests/install-deps.sh build
	if [ "$(id -u)" -eq 0 ] && [ ! -x /usr/bin/time ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
	fi
fi
work=build/bench
mkdir -p "$work"
tests/bench/gen-dump.sh 8192 "$work/8k.txt"
tests/bench/gen-dump.sh 32768 "$work/32k.txt"
echo "dumps: $(grep -c '^[0-9a-f]\{4\}:' "$work/8k.txt") and $(grep -c '^[0-9a-f]\{4\}:' "$work/32k.txt") devices ($(du -h "$work/8k.txt" | cut -f1), $(du -h "$work/32k.txt" | cut -f1))"

# best of N wall-clock seconds, and peak RSS in KiB, of a command
measure() { # RUNS CMD...
	local runs=$1 best="" rss=0 t r
	shift
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
		read -r t r <"$work/time"
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	echo "$best $rss"
}

read -r t_ours rss8 < <(measure 3 "$tool" -vv -F "$work/8k.txt")
read -r t_lspci rss_lspci < <(measure 3 lspci -vvv -F "$work/8k.txt")
read -r t_ours32 rss32 < <(measure 1 "$tool" -vv -F "$work/32k.txt")
echo "virtio-lspci -vv -F (8192):  ${t_ours} s, peak RSS ${rss8} KiB"
echo "lspci -vvv -F (8192):        ${t_lspci} s, peak RSS ${rss_lspci} KiB"
echo "virtio-lspci -vv -F (32768): ${t_ours32} s, peak RSS ${rss32} KiB"
awk -v a="$t_ours" -v b="$t_lspci" 'BEGIN { printf "time ratio (virtio-lspci / lspci, 8192 devices): %.3f (goal <= 0.5)\n", (b > 0 ? a / b : 0) }'
awk -v a="$rss32" -v b="$rss8" 'BEGIN { printf "peak RSS growth 8192 -> 32768 devices: %+.1f%% (goal <= 20%%)\n", (a / b - 1) * 100 }'
