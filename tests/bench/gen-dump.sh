#!/usr/bin/env bash
# gen-dump.sh COUNT OUT: a dump of COUNT virtio devices made by repeating
# the real devices of tests/data/*.lspci (lspci -vvvxxxx text) at new slots.
set -euo pipefail
count=$1
out=$2
cd "$(dirname "$0")/../.."
cat tests/data/*.lspci | awk -v count="$count" '
	/^#/ { next }
	/^[0-9a-f]+:[0-9a-f]+/ { n++; }
	n > 0 { block[n] = block[n] $0 "\n" }
	END {
		for (i = 0; i < count; i++) {
			b = block[i % n + 1]
			slot = sprintf("%04x:%02x:%02x.%d", int(i / 65536), int(i / 256) % 256, int(i / 8) % 32, i % 8)
			sub(/^[0-9a-f:.]+/, slot, b)
			sub(/\n*$/, "\n\n", b)
			printf "%s", b
		}
	}' >"$out"
