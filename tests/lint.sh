#!/usr/bin/env bash
# make lint: static checks of the tree, one count per file and tool.
#   - clang-format: src/ and tests/unit follow .clang-format (make format applies it);
#   - shellcheck: every shell script in the repository, style notes included;
#   - cppcheck: src/, findings listed; tests/cppcheck-suppressions.txt holds the
#     suppressions, each with its reason.
# Prints FAIL lines, "lint TOOL: N passed, M failed" per tool, then
# "lint: N passed, M failed".  LINT_SKIP="clang-format ..." skips tools (counted
# as skipped); a tool that is not installed is a failure (make test-deps).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The files, from git when this is a checkout (untracked build output stays out).
files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files --cached --others --exclude-standard -- "$@"
	else
		find . -path ./build -prune -o -type f -print | sed 's|^\./||'
	fi | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done
}
c_files() { files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h' | grep -E '^(src|tests/unit)/.*\.[ch]$'; }
# Shell scripts: *.sh, *.bash and files whose first line names sh or bash.
shell_files() {
	files | while read -r f; do
		case ${f##*/} in
		*.sh | *.bash) echo "$f" ;;
		*.*) ;;
		*) head -n1 "$f" 2>/dev/null | grep -qE '^#!.*/(env +)?(ba)?sh( |$)' && echo "$f" ;;
		esac
	done
}

# tool TOOL: starts TOOL's count; false when it is skipped or missing.
tool_passed=0 tool_failed=0 tool_skipped=0
tool() {
	tool_passed=$passed tool_failed=$failed tool_skipped=$skipped
	if [[ " ${LINT_SKIP:-} " == *" $1 "* ]]; then
		skip "$1: LINT_SKIP names it"
		return 1
	fi
	if ! command -v "$1" >/dev/null; then
		fail "$1 is not installed (make test-deps installs it)"
		return 1
	fi
}
tool_summary() {
	local line="lint $1: $((passed - tool_passed)) passed, $((failed - tool_failed)) failed"
	[ "$skipped" -eq "$tool_skipped" ] || line+=", $((skipped - tool_skipped)) skipped"
	echo "$line"
}

# ---- clang-format: one check per file; the lines it would change are counted.
if tool clang-format; then
	lines=0
	nfiles=0
	while read -r f; do
		nfiles=$((nfiles + 1))
		if ! clang-format --style=file "$f" >"$tmp/formatted"; then
			fail "clang-format: $f: clang-format failed"
			continue
		fi
		n=$(diff "$f" "$tmp/formatted" | grep -c '^<')
		if [ "$n" -eq 0 ]; then
			pass
		else
			lines=$((lines + n))
			fail "clang-format: $f: $n lines differ from .clang-format (make format)"
		fi
	done < <(c_files)
	[ "$nfiles" -gt 0 ] || fail "clang-format: no C files found"
	echo "lint clang-format: $lines lines in $nfiles files would change"
fi
tool_summary clang-format

# ---- shellcheck: one check per script, from the top so that source= paths resolve.
if tool shellcheck; then
	nfiles=0
	while read -r f; do
		nfiles=$((nfiles + 1))
		if shellcheck -x -S style -f gcc "$f" >"$tmp/sc" 2>&1; then
			pass
		else
			sed 's/^/  /' "$tmp/sc"
			fail "shellcheck: $f: $(grep -c . "$tmp/sc") findings"
		fi
	done < <(shell_files)
	[ "$nfiles" -gt 0 ] || fail "shellcheck: no shell scripts found"
fi
tool_summary shellcheck

# ---- cppcheck: one run over src/ (each face with its include paths is
# close enough: the headers have distinct names); one check per file.
if tool cppcheck; then
	mapfile -t srcs < <(c_files | grep '^src/.*\.c$')
	if [ ${#srcs[@]} -eq 0 ]; then
		fail "cppcheck: no C files found"
	elif cppcheck --std=c11 --enable=warning,style,performance,portability --inline-suppr \
		--suppressions-list=tests/cppcheck-suppressions.txt -D_GNU_SOURCE \
		-Isrc/lib -Isrc/view -Isrc/cli -Isrc/repl -Isrc/tui --quiet -j2 \
		--template='{file}:{line}: {severity} ({id}): {message}' "${srcs[@]}" 2>"$tmp/cppcheck"; then
		for f in "${srcs[@]}"; do
			if grep -q "^$f:" "$tmp/cppcheck"; then
				grep "^$f:" "$tmp/cppcheck" | sed 's/^/  /'
				fail "cppcheck: $f: $(grep -c "^$f:" "$tmp/cppcheck") findings"
			else
				pass
			fi
		done
		# Findings on other files (headers) count once each.
		while read -r line; do
			fail "cppcheck: $line"
		done < <(grep -vE "^($(printf '%s|' "${srcs[@]}" | sed 's/|$//')):" "$tmp/cppcheck" | grep -E '^[^ ]+:[0-9]+: ')
	else
		cat "$tmp/cppcheck"
		fail "cppcheck did not run"
	fi
fi
tool_summary cppcheck
summary lint
