#!/usr/bin/env bash
# One name per field: every field name --diff -J prints is a JSON key of
# the same device's -J -vv --rings output.  A --diff name is a path of JSON keys
# ("queues[2].queue_size", "capabilities[98].enabled"); each component,
# index stripped, must be a key somewhere in the listing of A or B (a field
# present on one side only is a key of that side).  Feature names, the one
# exception, are the values of the "device_features"/"driver_features"
# lists.  Pairs: each snapshot against the register mutants made from it,
# snapshots and dumps of the same slots under other QEMU transports, and
# the real dump against its config-space mutants.
# Usage: tests/diff-names.sh ./virtio-lspci
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
tool=${1:-./virtio-lspci}
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v jq >/dev/null || { echo "diff-names: jq is needed"; exit 1; }

pairs=()
for f in tests/data/broken/snap-*.lspci; do
	pairs+=("tests/data/snapshot-modern.lspci $f 00:02.0")
done
for s in 00:02.0 00:03.0 00:04.0 00:05.0 00:07.0 00:08.0 00:09.0 00:0a.0 00:0d.0 00:10.0; do
	for o in transitional msix-off legacy; do
		pairs+=("tests/data/snapshot-modern.lspci tests/data/snapshot-$o.lspci $s")
	done
	pairs+=("tests/data/qemu-modern.lspci tests/data/qemu-transitional.lspci $s")
	pairs+=("tests/data/qemu-legacy.lspci tests/data/qemu-msix-off.lspci $s")
done
# Config-space mutants: of host-vm's 00:04.0, the transitional ones of
# qemu-transitional's 00:02.0 (tests/data/make-broken.sh).
for f in tests/data/broken/*.lspci; do
	case $f in */snap-*) continue ;; esac
	slot=$(grep -m1 -oE '^[0-9a-f]{2}:[0-9a-f]{2}\.[0-9]' "$f")
	case $slot in
	00:04.0) pairs+=("tests/data/host-vm.lspci $f $slot") ;;
	00:02.0) pairs+=("tests/data/qemu-transitional.lspci $f $slot") ;;
	esac
done

# Ring snapshots: the virtio-rng ring snapshot against its ring and
# interrupt-path mutants, the packed virtio-net against its packed mutants
# (rings compared: names under "ring").
for f in tests/data/broken/ring-*.lspci tests/data/broken/irq-*.lspci; do
	case $f in
	*/ring-packed-*) pairs+=("tests/data/rings/net-packed.lspci $f 00:04.0") ;;
	*) pairs+=("tests/data/rings/rng-split.lspci $f 00:06.0") ;;
	esac
done

# The PCI capabilities with tables: PM to D3hot, PCIe Legacy Endpoint,
# MSI-X function mask set, on the PCIe machine's virtio-net.
awk '/^01:00.0 /{on=1} on&&/^$/{exit} on' tests/data/qemu-pcie.lspci |
	sed -e 's/^80: 00 00/80: 03 00/' -e 's/^40: 10 00 02 00/40: 10 00 12 00/' \
		-e 's/^\(d0: .*\) 11 c8 03 80$/\1 11 c8 03 c0/' >"$tmp/pcie.lspci"
pairs+=("tests/data/qemu-pcie.lspci $tmp/pcie.lspci 01:00.0")
"$tool" --diff -J -s 01:00.0 tests/data/qemu-pcie.lspci "$tmp/pcie.lspci" >"$tmp/pcie.json"
check "--diff names PM, PCIe and MSI-X rows" jq -e '[.differences[].field] ==
	["capabilities[dc].function_mask", "capabilities[7c].power_state", "capabilities[40].port_type"]' \
	"$tmp/pcie.json" >/dev/null

names=0
ring_names=0
offenders=()
for p in "${pairs[@]}"; do
	read -r a b slot <<<"$p"
	"$tool" --diff -J -s "$slot" "$a" "$b" >"$tmp/diff.json" 2>/dev/null
	rc=$?
	if [ "$rc" -gt 1 ]; then
		fail "--diff $a $b -s $slot exits $rc"
		continue
	fi
	[ "$rc" = 1 ] || continue # equal: no names to check
	"$tool" -J -vv --rings -F "$a" -s "$slot" >"$tmp/a.json" 2>/dev/null
	"$tool" -J -vv --rings -F "$b" -s "$slot" >"$tmp/b.json" 2>/dev/null
	# Another device type at the slot is not the same device.
	[ "$(jq -s '[.[].devices[0].virtio.device_type] | unique | length' "$tmp/a.json" "$tmp/b.json")" = 1 ] ||
		continue
	# Every key of either listing, and every feature name they list.
	jq -rs '[.[] | paths | last | strings] + [.[] | .. | objects
		| (.device_features?, .driver_features?) | arrays | .[]] | unique[]' \
		"$tmp/a.json" "$tmp/b.json" >"$tmp/keys"
	jq -r '.differences[].field' "$tmp/diff.json" >"$tmp/fields"
	ring_names=$((ring_names + $(grep -c '\.ring\.' "$tmp/fields")))
	while read -r field; do
		ok=true
		IFS=. read -ra parts <<<"$field"
		for part in "${parts[@]}"; do
			names=$((names + 1))
			if ! grep -qxF -- "${part%%\[*}" "$tmp/keys"; then
				ok=false
				offenders+=("${part%%\[*}")
				echo "diff-only name: ${part%%\[*} (in $field; $a vs $b, $slot)"
			fi
		done
		check "--diff field $field is named by JSON keys ($slot)" $ok
	done <"$tmp/fields"
done
check "pairs compared" [ "${#pairs[@]}" -gt 50 ]
check "names checked" [ "$names" -gt 100 ]
check "ring names checked ($ring_names)" [ "$ring_names" -gt 10 ]
echo "diff-names: ${#pairs[@]} pairs, $names name components, $(printf '%s\n' "${offenders[@]}" | sort -u | grep -c .) diff-only names"
summary diff-names
