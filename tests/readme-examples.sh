#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every example command of README.md runs, so that the README cannot drift
# from the tool.  The convention (README.md, "Tests"):
#   - in a fenced block, a line starting with "$ " is an example command; it
#     goes on over the next lines while a single quote is open;
#   - an HTML comment just before the block says how its commands run:
#       <!-- example: data=FILE -->    live examples (this VM's devices),
#                                       replayed with -F FILE added to each
#                                       virtio-lspci that reads no file
#       <!-- example: exit=N -->       the status they exit with (default 0)
#       <!-- example: guest=SCRIPT --> they need a QEMU guest (root, devices
#                                       without their driver): SCRIPT, a QEMU
#                                       suite of tests/qemu that a make check
#                                       target runs, runs that face
#                                       (each long option of the command is in
#                                       it or its guest folder); here their
#                                       options must parse (ARGS --help exits
#                                       0), nothing else runs
# Commands run with bash in a scratch folder (files they write land there)
# that sees the tree's tests/ folder, with the tool first in PATH.
# Prints "readme-examples: N passed, M failed".
#   tests/readme-examples.sh TOOL
set -uo pipefail
tool=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 1
root=$PWD
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The tool as the examples call it: -F DATA added when the block says so and
# the command reads no file of its own.
mkdir -p "$tmp/bin" "$tmp/work"
cat >"$tmp/bin/virtio-lspci" <<EOF
#!/usr/bin/env bash
args=("\$@")
if [ -n "\${VLP_EXAMPLE_DATA:-}" ]; then
	file=
	for a in "\$@"; do
		case \$a in -F | -F?* | --file | --file=*) file=1 ;; esac
	done
	[ -n "\$file" ] || args+=(-F "$root/\$VLP_EXAMPLE_DATA")
fi
exec "$tool" "\${args[@]}"
EOF
chmod +x "$tmp/bin/virtio-lspci"
ln -s "$root/tests" "$tmp/work/tests"

# The examples, one per record: LINE, DATA, EXIT, GUEST, COMMAND separated
# by the unit separator (0x1f), the command's lines joined by \n escapes.
awk '
	function flush() {
		if (cmd != "") {
			print start "\037" data "\037" want "\037" guest "\037" cmd
		}
		cmd = ""
	}
	function quotes(s,   t) { t = s; return gsub(/\047/, "", t) }
	/^<!-- example:/ { pending = $0; next }
	/^```/ {
		flush()
		if (!inblock) {
			inblock = 1
			data = ""; want = 0; guest = ""
			n = split(pending, kv, /[ ]+/)
			for (i = 1; i <= n; i++) {
				if (kv[i] ~ /^data=/) data = substr(kv[i], 6)
				if (kv[i] ~ /^exit=/) want = substr(kv[i], 6)
				if (kv[i] ~ /^guest=/) guest = substr(kv[i], 7)
			}
		} else
			inblock = 0
		pending = ""
		next
	}
	{ if (pending != "" && $0 != "") pending = "" }
	inblock && open { cmd = cmd "\\n" $0; if (quotes($0) % 2) open = 0; next }
	inblock && /^\$ / {
		flush()
		start = NR; cmd = substr($0, 3)
		open = quotes(cmd) % 2
		next
	}
	inblock { flush() }
	END { flush() }
' README.md >"$tmp/examples"

total=$(grep -c '' "$tmp/examples")
check "README.md has examples ($total)" [ "$total" -ge 15 ]
# No example marker left without its block, no command prompt outside the convention.
# shellcheck disable=SC2016 # an awk program
check "README.md: every example marker is followed by a fenced block" \
	awk '/^<!-- example:/ { m = NR } m && NR == m + 1 { if ($0 !~ /^```/) exit 1; m = 0 }' README.md
check "README.md: no '# virtio-lspci' root prompt (examples start with \$)" \
	bash -c "! grep -q '^# virtio-lspci ' README.md"

while IFS=$'\x1f' read -r line data want guest cmd; do
	cmd=$(printf '%b' "$cmd")
	name="README.md:$line: ${cmd%%$'\n'*}"
	if [ -n "$guest" ]; then
		# Only the tool's own commands, their options parsed.
		[[ $cmd == virtio-lspci* ]] || continue
		if [ ! -f "$guest" ]; then
			fail "$name: guest suite $guest does not exist"
			continue
		fi
		# The make target whose recipe runs it, and that target in make check.
		target=$(awk -v s="$guest" '/^[a-z][a-z0-9-]*:/ { t = $1; sub(/:.*/, "", t) }
			/^\t/ && index($0, s) { print t; exit }' Makefile)
		if [ -z "$target" ] || ! grep -qE "^CHECK_SUITES :=.* $target( |\$)" Makefile; then
			fail "$name: $guest is not run by a make check suite (target: ${target:-none})"
			continue
		fi
		missing=
		while read -r opt; do
			grep -rqF -- "$opt" "$guest" "${guest%.sh}" "${guest%-suite.sh}" 2>/dev/null || missing+=" $opt"
		done < <(grep -oE -- '--[a-z][a-z-]*' <<<"$cmd" | sort -u)
		if [ -n "$missing" ]; then
			fail "$name: $guest does not run$missing"
			continue
		fi
		rc=0
		(cd "$tmp/work" && PATH="$tmp/bin:$PATH" bash -c "$cmd --help") >/dev/null 2>"$tmp/err" || rc=$?
		if [ "$rc" = 0 ]; then
			pass
		else
			fail "$name: options do not parse (exit $rc): $(head -1 "$tmp/err")"
		fi
		continue
	fi
	# This machine's devices are never written to: an example with a writing
	# option runs only in a guest (guest=), or on a file (data= or -F: the tool
	# refuses to write to).
	if [ -z "$data" ] && ! grep -qE -- "(^| )-F " <<<"$cmd" && grep -qE -- '--(exercise|active|selftest|negotiate|nudge|force|unbind|rebind)|(^| )(-i|-c)( |$)' <<<"$cmd"; then
		fail "$name: writes to a device: mark it guest=SCRIPT (not run here)"
		continue
	fi
	rc=0
	(cd "$tmp/work" && VLP_EXAMPLE_DATA=$data PATH="$tmp/bin:$PATH" \
		timeout 60 bash -o pipefail -c "$cmd") >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, want $want: $(head -2 "$tmp/err" | paste -sd '|')"
	elif [ ! -s "$tmp/out" ]; then
		fail "$name: no output"
	else
		pass
	fi
done <"$tmp/examples"

summary readme-examples
