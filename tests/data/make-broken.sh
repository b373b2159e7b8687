#!/usr/bin/env bash
# Regenerates tests/data/broken/: one mutated copy of a real dump per rule
# the decoder checks.  The base is the real virtio-socket device 00:04.0 of
# host-vm.lspci (lspci -vvvxxxx text, so BAR sizes are known).
set -euo pipefail
cd "$(dirname "$0")"
base=$(awk '/^00:04.0 /{on=1} on&&/^$/{exit} on' host-vm.lspci)

# poke OFFSET BYTE...: set config bytes (hex) in the dump text on stdin.
poke() {
	local off=$((16#$1))
	shift
	local bytes="$*"
	awk -v off="$off" -v bytes="$bytes" '
	function hex(s,   v, i) {
		v = 0
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	BEGIN { n = split(bytes, b, " ") }
	/^[0-9a-f]+: / {
		line = hex(substr($1, 1, length($1) - 1))
		for (i = 1; i <= n; i++) {
			o = off + i - 1
			if (int(o / 16) * 16 == line) $((o % 16) + 2) = b[i]
		}
	}
	{ print }'
}
# drop OFFSET: remove the 16-byte line at OFFSET (a dump with a hole).
drop() { grep -v "^$1: "; }

mk() { # NAME DESCRIPTION: stdin is the dump
	{ echo "# $2"; cat; } >"broken/$1.lspci"
}

echo "$base" | poke 85 50 | mk chain-loop "PCI cfg cap's next points back to the ISR cap at 0x50"
echo "$base" | poke 85 10 | mk pointer-into-header "PCI cfg cap's next points into the header (0x10)"
echo "$base" | poke 86 10 | mk pci-cfg-cap-len-16 "PCI cfg cap with cap_len 16 instead of 20 (cloud-hypervisor PR #8238)"
echo "$base" | poke 6c 00 00 00 00 | mk device-cfg-zero-length "DEVICE_CFG length 0 (openvmm issue #3925: Linux 'bad capability len 0')"
echo "$base" | poke 44 07 | mk reserved-bar "common cfg cap on reserved BAR 7"
echo "$base" | poke 68 00 f8 07 00 | mk outside-bar "device cfg at 0x7f800 + 0x1000 in a 512K BAR"
echo "$base" | poke 48 02 | mk misaligned-common "common cfg offset 2 (must be 4-byte aligned)"
echo "$base" | poke 61 84 | mk missing-notify "chain skips the notify cap"
echo "$base" | poke 80 03 | mk multiplier-3 "notify_off_multiplier 3 (not a power of 2)"
echo "$base" | poke 72 10 | mk notify-cap-len-16 "notify cap without room for its multiplier"
echo "$base" | poke 9c 00 20 00 00 | mk msix-overlaps-isr "MSI-X table moved onto the ISR structure"
echo "$base" | poke 87 0a | mk reserved-cfg-type "PCI cfg cap turned into reserved cfg_type 10"
echo "$base" | drop 70 | mk missing-line "the dump lacks line 70: the notify capability is unavailable"
echo "$base" | grep -vE '^[4-9a-f]0: ' | mk header-only "only the 64-byte header (lspci -x)"
echo "$base" | poke 02 00 10 | poke 08 00 | poke 2e 01 00 | mk transitional-no-io-bar "device 1af4:1000 rev 0 with caps but a memory BAR0"
