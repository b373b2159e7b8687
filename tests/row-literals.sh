#!/usr/bin/env bash
# Counts C string literals that spell a register row's name outside the
# field tables: code reaches a row by its enum (VLP_COMMON_QUEUE_SELECT),
# only what a person types is looked up by name.  Exits 1 when any is found.
#
# Row names: the first string of every row of src/lib/tables/fields.c and
# src/lib/tables/devcfg.c, alone ("queue_size") or after a block name
# ("common.queue_size").  Not counted: comments; JSON keys (the output
# schema, json_*(w, "key", ...)) and the keys of QEMU's monitor replies
# (vlp_jv_*(obj, "key"): QEMU's schema); name tables indexed by another enum
# ([VLP_CFG_ISR] = "isr"); rows of other tables ({ "id", ... }: command-line
# options, the REPL's commands); the REPL's section names and help text and
# the live view's cell labels (what a person types or reads).
set -euo pipefail
cd "$(dirname "$0")/.."
tables=(src/lib/tables/fields.c src/lib/tables/devcfg.c src/lib/tables/pcicfg.c src/lib/tables/ringfields.c)
names=$(grep -ohE '(FIELD|FIELD64|QUEUE_FIELD|QUEUE_FIELD64|ROW|SUB|ARR|ROW64)\([A-Z_0-9]*,? *"[^"]+"|\.name = "[^"]+"' "${tables[@]}" |
	sed -E 's/.*"([^"]+)"/\1/' | sort -u)
count=0
while IFS= read -r file; do
	case " ${tables[*]} " in *" $file "*) continue ;; esac
	hits=$(awk -v names="$names" -v file="$file" '
		BEGIN { n = split(names, a, "\n"); for (i = 1; i <= n; i++) row[a[i]] = 1 }
		{
			line = $0
			if (line ~ /^[ \t]*(\*|\/\*|\/\/)/) next          # comment line
			sub(/\/\*.*$/, "", line); sub(/\/\/.*$/, "", line)
			if (line ~ /^[ \t]*\[[A-Z_0-9]+\] *= /) next        # enum-indexed name table
			if (line ~ /^[ \t]*\{ "/) next                     # a row of another table
			if (file ~ /^src\/repl\// && (line ~ /repl_sections/ || line ~ /^[ \t]*"/)) next
			gsub(/cell\([^,]*, *"[^"]*"/, "", line)             # live view labels
			gsub(/json_[a-z_]+\([^,]*, *"[^"]*"/, "", line)      # JSON keys
			gsub(/vlp_jv_[a-z_0-9]+\([^,]*, *"[^"]*"/, "", line) # QMP reply keys
			while (match(line, /"[a-z_0-9.]+"/)) {
				lit = substr(line, RSTART + 1, RLENGTH - 2)
				bare = lit
				sub(/^(common|device|isr|legacy|legacy_device)\./, "", bare)
				if (lit in row || bare in row) printf "%s:%d: \"%s\"\n", file, FNR, lit
				line = substr(line, RSTART + RLENGTH)
			}
		}' "$file")
	if [ -n "$hits" ]; then
		echo "$hits"
		count=$((count + $(printf '%s\n' "$hits" | wc -l)))
	fi
done < <(find src -name '*.[ch]' | sort)
echo "row-name literals outside the tables: $count"
if [ "$count" -eq 0 ]; then
	echo "row-literals: 1 passed, 0 failed"
else
	echo "row-literals: 0 passed, 1 failed"
	exit 1
fi
