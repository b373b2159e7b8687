#!/usr/bin/env bash
# --save round-trips: every snapshot in tests/data (ring snapshots and the
# broken corpus included) and mutants of each are decoded, saved and the
# saved file decoded again; the decode (-J -vv --rings and -vv --rings) of
# the saved file is the decode of the original, and saving the saved file
# gives the same file.  Mutants: reads dropped, memory lines dropped, a
# register value changed, a register read twice (the later wins), a
# "# vlp-mem" range made bad (refused alone: the original exits 1 with a
# warning naming its line, the rest decodes; the saved file has only what
# was kept), a range ending at 2^64 added.
set -uo pipefail
tool=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
snaps=()
for f in tests/data/*.lspci tests/data/*.snap tests/data/rings/*.lspci tests/data/broken/*.lspci; do
	grep -q '^# vlp-snapshot' "$f" && snaps+=("$f")
done
check "there are snapshots to round-trip (${#snaps[@]})" [ ${#snaps[@]} -ge 20 ]

# mutate KIND IN OUT: a mutant of a snapshot; fails when the kind does
# not apply (no line of that kind).
mutate() {
	local kind=$1 in=$2 out=$3
	case $kind in
	reads-dropped) # every third register read gone
		awk '/^# vlp-read / && ++n % 3 == 0 { next } { print }' "$in" >"$out" ;;
	mem-dropped) # the second half of the ring memory gone
		awk -v total="$(grep -c '^# vlp-mem ' "$in")" \
			'/^# vlp-mem / && ++n > total / 2 { next } { print }' "$in" >"$out" ;;
	value-changed) # the fifth register read reads otherwise
		awk '/^# vlp-read / && ++n == 5 { $NF = ($NF == "0x00000000" ? "0x00000001" : "0x00000000") } { print }' \
			"$in" >"$out" ;;
	read-twice) # the first register read again with another value, later
		awk '/^# vlp-read / && !first { first = $0; sub(/0x[0-9a-f]+$/, "0x00000003", first) }
			/^# vlp-(read|mem) / { last = NR } { line[NR] = $0 }
			END { for (i = 1; i <= NR; i++) { print line[i]; if (i == last) print first } }' "$in" >"$out" ;;
	mem-bad) # a range past 2^64 and a garbage line among the others
		awk '/^# vlp-mem / && !done { print "# vlp-mem 0xfffffffffffffff0 00112233445566778899aabbccddeeff00"; print "# vlp-mem 0x1000 xyz"; done = 1 } { print }' \
			"$in" >"$out" ;;
	mem-top) # a range ending exactly at 2^64, after the device's last line
		awk '/^# vlp-/ { last = NR } { line[NR] = $0 }
			END { for (i = 1; i <= NR; i++) { print line[i]; if (i == last) print "# vlp-mem 0xffffffffffffffe0 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" } }' \
			"$in" >"$out" ;;
	esac
	! cmp -s "$in" "$out"
}

# roundtrip NAME FILE WARNED: decoded, saved, the saved file decoded again.
roundtrip() {
	local name=$1 file=$2 warned=$3 mode rc rc2 i=0
	for mode in "-J -vv --rings" "-vv --rings"; do
		i=$((i + 1))
		# shellcheck disable=SC2086 # the mode is words
		"$tool" -F "$file" $mode --save="$tmp/saved$i" >"$tmp/a$i" 2>"$tmp/a$i.err"
		rc=$?
		# shellcheck disable=SC2086
		"$tool" -F "$tmp/saved$i" $mode --save="$tmp/again$i" >"$tmp/b$i" 2>"$tmp/b$i.err"
		rc2=$?
		if [ "$warned" = yes ]; then
			check "$name [$mode]: the original exits 1 ($rc) with its warnings" \
				grep -q "^virtio-lspci: warning: $file:[0-9]*: vlp-mem" "$tmp/a$i.err"
			check "$name [$mode]: exit 1 for the refused line ($rc)" [ "$rc" = 1 ]
			check "$name [$mode]: the saved file holds no refused line, exit 0 ($rc2)" [ "$rc2" = 0 ]
		else
			check "$name [$mode]: same exit status ($rc, $rc2)" [ "$rc" = "$rc2" ]
		fi
		compare "$name [$mode]: the saved file decodes as the original" "$tmp/a$i" "$tmp/b$i"
		check "$name [$mode]: saving the saved file gives it again" cmp -s "$tmp/saved$i" "$tmp/again$i"
	done
	check "$name: the JSON is valid" jq -e .schema_version "$tmp/a1" >/dev/null
}

# mutants KINDS IN OUT: the mutations of KINDS ("a+b") one after the
# other; fails when none applied.
mutants() {
	local kind changed=1
	cp "$2" "$3"
	for kind in ${1//+/ }; do
		mutate "$kind" "$3" "$3.next" && changed=0
		mv "$3.next" "$3"
	done
	return $changed
}

for snap in "${snaps[@]}"; do
	rel=${snap#tests/data/}
	roundtrip "$rel" "$snap" no
	# The broken corpus is one device changed a little each time: its
	# mutants are combined, to keep the suite short.
	case $rel in
	broken/*) kinds="reads-dropped+value-changed+read-twice mem-dropped+mem-top mem-bad" ;;
	*) kinds="reads-dropped mem-dropped value-changed read-twice mem-bad mem-top" ;;
	esac
	for kind in $kinds; do
		mutant="$tmp/$(basename "$snap").$kind"
		mutants "$kind" "$snap" "$mutant" || continue
		roundtrip "$rel ($kind)" "$mutant" "$([ "$kind" = mem-bad ] && echo yes || echo no)"
	done
done

# The range ending at 2^64 is kept: its bytes are in the saved file.
ring=tests/data/rings/rng-split.lspci
mutate mem-top "$ring" "$tmp/top.lspci"
"$tool" -F "$tmp/top.lspci" --save="$tmp/top.saved" >/dev/null 2>&1
check "a range ending at 2^64 is kept by --save" \
	grep -q '^# vlp-mem 0xffffffffffffffe0 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f$' "$tmp/top.saved"
summary roundtrip
