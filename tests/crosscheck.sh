#!/usr/bin/env bash
# Cross-check against lspci: for every lspci-format dump in tests/data, the
# virtio capabilities (position, type, BAR, offset, size, multiplier), the
# MSI-X lines and the BAR regions that `lspci -F DUMP -vvv` prints must be
# the ones virtio-lspci prints for the same dump.
set -uo pipefail
tool=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Normalises either tool's -v text into comparable lines:
#   SLOT [POS] NAME BAR=.. offset=.. size=..   (virtio caps)
#   SLOT [POS] MSI-X ... / Vector table ... / PBA ...
#   SLOT Region N: ...                         (no [size=], lspci -F has none)
normalise() {
	awk '
	/^[0-9a-f]+:[0-9a-f]+/ { slot = $1; sub(/^0000:/, "", slot); cap = ""; next }
	/^\tCapabilities: \[[0-9a-f]+\] (Vendor Specific Information: VirtIO|Virtio): / {
		match($0, /\[[0-9a-f]+\]/); pos = substr($0, RSTART, RLENGTH)
		name = $0; sub(/.*(VirtIO|Virtio): /, "", name); sub(/ .*/, "", name)
		if (name !~ /^(CommonCfg|Notify|ISR|DeviceCfg|SharedMemory)$/) name = "OTHER"
		cap = slot " " pos " " name; next
	}
	/^\tCapabilities: \[[0-9a-f]+\] MSI-X:/ {
		match($0, /\[[0-9a-f]+\]/); pos = substr($0, RSTART, RLENGTH)
		line = $0; sub(/.*MSI-X: /, "", line)
		print slot " " pos " MSI-X " line; msix = slot " " pos; cap = ""; next
	}
	/^\t\t(Vector table|PBA): / && msix != "" { line = $0; sub(/^\t\t/, "", line); print msix " " line; next }
	/^\t\tBAR=/ && cap != "" {
		line = $0; sub(/^\t\t/, "", line)
		if (cap !~ / OTHER$/) print cap " " line
		cap = ""; next
	}
	/^\tCapabilities:/ { cap = ""; msix = ""; next }
	/^\tRegion [0-5]: / && $0 !~ /<unassigned>/ {
		line = $0; sub(/^\t/, "", line); sub(/ \[size=[^]]*\]/, "", line); sub(/ \[(virtual|disabled|enhanced)\]/, "", line)
		print slot " " line; next
	}'
}

shopt -s nullglob
if ! command -v lspci >/dev/null; then
	echo "crosscheck: lspci not installed"
	exit 1
fi
dumps=(tests/data/*.lspci)
check "there are lspci dumps to compare (${#dumps[@]})" [ ${#dumps[@]} -gt 0 ]
for dump in "${dumps[@]}"; do
	rel=${dump#tests/data/}
	lspci -F "$dump" -vvv 2>/dev/null | normalise | sort >"$tmp/lspci"
	"$tool" -F "$dump" -v 2>/dev/null | normalise | sort >"$tmp/ours"
	n=$(grep -cE '] (CommonCfg|Notify|ISR|DeviceCfg|SharedMemory) BAR=' "$tmp/lspci")
	# lspci's 3.9 "Region N: Memory at <unassigned>" for the upper half of a
	# 64-bit BAR is dropped above; every other line must agree both ways.
	# Two empty sides would agree: lspci's must have lines to compare.
	check "$rel: lspci -F -vvv shows capabilities or regions ($(wc -l <"$tmp/lspci") lines)" [ -s "$tmp/lspci" ]
	if diff -u "$tmp/lspci" "$tmp/ours" >"$tmp/diff"; then
		pass
		echo "crosscheck: $rel: $n virtio capabilities, $(grep -c MSI-X "$tmp/lspci") MSI-X lines, $(grep -c Region "$tmp/lspci") regions agree"
	else
		head -30 "$tmp/diff"
		fail "$rel differs from lspci -F -vvv"
	fi
done
summary crosscheck
