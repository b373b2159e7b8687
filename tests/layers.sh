#!/usr/bin/env bash
# The library's floors, checked on the built objects: a file calls only
# functions defined in its own folder or in a folder below it (the order
# below, lowest first; folders of one floor do not call each other), no two
# files call each other in a circle, no library source is over 900 lines
# and no public header over 700.
#   tests/layers.sh [BUILD_DIR]     (default build: objects in BUILD/obj/lib)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
obj=${1:-build}/obj/lib
floors=("core" "tables linux" "source" "decode state" "rings drive" "check")
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $*"
	fail=$((fail + 1))
}

declare -A floor_of
for i in "${!floors[@]}"; do
	for f in ${floors[$i]}; do floor_of[$f]=$i; done
done
for d in src/lib/*/; do
	d=${d%/}
	d=${d##*/}
	[ "$d" = vlp ] && continue
	[ -n "${floor_of[$d]:-}" ] || bad "src/lib/$d has no floor in tests/layers.sh"
done

[ -d "$obj" ] || {
	bad "no objects in $obj: build first"
	echo "layers: $pass passed, $fail failed"
	exit 1
}
defs=$(mktemp)
trap 'rm -f "$defs"' EXIT
# symbol -> file that defines it
for o in "$obj"/*/*.o; do
	nm --defined-only "$o" | awk -v f="${o#"$obj"/}" '$2 ~ /[TDRB]/ { print $3, f }'
done | sort >"$defs"

declare -A calls
for o in "$obj"/*/*.o; do
	me=${o#"$obj"/}
	me_dir=${me%%/*}
	while read -r sym; do
		other=$(awk -v s="$sym" '$1 == s { print $2; exit }' "$defs")
		[ -n "$other" ] || continue
		[ "$other" = "$me" ] && continue
		calls["$me $other"]=1
		o_dir=${other%%/*}
		if [ "$o_dir" != "$me_dir" ] && [ "${floor_of[$o_dir]}" -ge "${floor_of[$me_dir]}" ]; then
			bad "${me%.o}.c calls $sym of ${other%.o}.c: folder $o_dir is not below $me_dir"
		else
			ok
		fi
	done < <(nm --undefined-only "$o" | awk '$1 == "U" && $2 ~ /^vlp_/ { print $2 }')
done
for k in "${!calls[@]}"; do
	read -r a b <<<"$k"
	[ -n "${calls["$b $a"]:-}" ] && [[ $a < $b ]] && bad "${a%.o}.c and ${b%.o}.c call each other"
done

while read -r n f; do
	[ "$f" = total ] && continue
	if [ "$n" -gt 900 ]; then bad "$f: $n lines (at most 900)"; else ok; fi
done < <(wc -l src/lib/*/*.c)
while read -r n f; do
	[ "$f" = total ] && continue
	if [ "$n" -gt 700 ]; then bad "$f: $n lines (at most 700 for a public header)"; else ok; fi
done < <(wc -l src/lib/vlp.h src/lib/vlp/*.h)
echo "layers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
