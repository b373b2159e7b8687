#!/usr/bin/env bash
# gen-rings.sh QUEUES SIZE OUT: a snapshot of a virtio-blk (the real one of
# tests/data/rings/blk-split.lspci) with QUEUES enabled split queues of SIZE
# entries, every ring full: SIZE one-descriptor chains in flight (avail idx
# SIZE + 8, used idx 8) and 8 used entries, its ring memory recorded as
# --save writes it (32 bytes a # vlp-mem line).  For make bench: decoding
# QUEUES x SIZE entries from a snapshot.
set -euo pipefail
queues=$1
size=$2
out=$3
cd "$(dirname "$0")/../.."
# The device without its queue 0 registers and ring memory; num_queues set.
grep -vE '^# vlp-mem |^# vlp-read 4 0x(18|1a|1c|1e|20|24|28|2c|30|34|3a) [0-9] 0 ' tests/data/rings/blk-split.lspci |
	sed -E "s/^# vlp-read 4 0x12 2 - 0x[0-9a-f]+$/# vlp-read 4 0x12 2 - $(printf '0x%04x' "$queues")/" |
	sed -e '/^$/d' >"$out"
awk -v queues="$queues" -v size="$size" '
	function le(v, n,   s, i) {
		s = ""
		for (i = 0; i < n; i++) { s = s sprintf("%02x", v % 256); v = int(v / 256) }
		return s
	}
	# Bytes of hex h as # vlp-mem lines of 32 bytes from address a.
	function emit(a, h,   i) {
		for (i = 1; i <= length(h); i += 64) {
			printf "# vlp-mem 0x%x %s\n", a, substr(h, i, 64)
			a += 32
		}
	}
	BEGIN {
		for (q = 0; q < queues; q++) {
			base = 268435456 + q * 65536 # 0x10000000, 64K apart
			desc = base; drv = base + 16384; dev = base + 20480
			printf "# vlp-read 4 0x18 2 %d 0x%04x\n", q, size
			printf "# vlp-read 4 0x1a 2 %d 0x0001\n", q
			printf "# vlp-read 4 0x1c 2 %d 0x0001\n", q
			printf "# vlp-read 4 0x1e 2 %d 0x0000\n", q
			printf "# vlp-read 4 0x20 4 %d 0x%08x\n# vlp-read 4 0x24 4 %d 0x00000000\n", q, desc, q
			printf "# vlp-read 4 0x28 4 %d 0x%08x\n# vlp-read 4 0x2c 4 %d 0x00000000\n", q, drv, q
			printf "# vlp-read 4 0x30 4 %d 0x%08x\n# vlp-read 4 0x34 4 %d 0x00000000\n", q, dev, q
			printf "# vlp-read 4 0x3a 2 %d 0x0000\n", q
			# 2.7.5: descriptor i, a device-writable 4 KiB buffer.
			h = ""
			for (i = 0; i < size; i++)
				h = h le(536870912 + (q * size + i) * 4096, 8) le(4096, 4) le(2, 2) le(0, 2)
			emit(desc, h)
			# 2.7.6: avail idx size + 8, ring[i] = i, used_event 0.
			h = le(0, 2) le(size + 8, 2)
			for (i = 0; i < size; i++) h = h le(i, 2)
			emit(drv, h le(0, 2))
			# 2.7.8: used idx 8, entries 0-7 used (id i, len 4096).
			h = le(0, 2) le(8, 2)
			for (i = 0; i < size; i++) h = h le(i < 8 ? i : 0, 4) le(i < 8 ? 4096 : 0, 4)
			emit(dev, h le(0, 2))
		}
	}' >>"$out"
