#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-docs.sh BINARY: check that every option BINARY --help lists is
# documented and completed (in the spirit of util-linux's checkcompletion.sh
# and checkmanpage.sh).
#
#   every --long option     in man/virtio-lspci.8 (as \-\-long\-name),
#                           completions/virtio-lspci.bash, _virtio-lspci,
#                           virtio-lspci.fish (as -l long-name) and README.md
#   every short option -X   in man/virtio-lspci.8 (as \-X) and the bash
#                           completion
#   the man page            clean under groff -ww -z -man
#   every check id          of BINARY --list-checks in the man page's CHECKS
#                           section (as .BR id\-name), with its section
#
# Prints one line per failed check, then "N passed, M failed" (one check per
# option per file).  Exit status: 0 all passed, 1 some failed, 2 usage error.

set -euo pipefail

if [[ $# -ne 1 || $1 == -h || $1 == --help ]]; then
    echo "usage: ${0##*/} BINARY" >&2
    exit 2
fi
bin=$1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
man=man/virtio-lspci.8
bash_comp=completions/virtio-lspci.bash
zsh_comp=completions/_virtio-lspci
fish_comp=completions/virtio-lspci.fish
readme=README.md

passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail()
{
    failed=$((failed + 1))
    printf 'FAIL: %s\n' "$*"
}

# has FILE PCRE: FILE (relative to the tree's root) matches the pattern.
has()
{
    [[ -f $root/$1 ]] && grep -qP -- "$2" "$root/$1"
}

# check FILE WHAT PCRE
check()
{
    local file=$1 what=$2 re=$3
    if [[ ! -f $root/$file ]]; then
        fail "$file: $what missing (no such file)"
    elif has "$file" "$re"; then
        pass
    else
        fail "$file: $what missing"
    fi
}

if ! grep -qP 'x' <<<x 2>/dev/null; then
    echo "${0##*/}: grep -P (PCRE) is needed" >&2
    exit 2
fi

# --- the options, from --help -------------------------------------------

help_rc=0
help=$("$bin" --help 2>/dev/null) || help_rc=$?
mapfile -t longs < <(grep -oE -- '--[[:alnum:]][[:alnum:]-]*' <<<"$help" | sed 's/^--//' | sort -u)
mapfile -t shorts < <(sed -nE 's/^[[:space:]]+-([[:alnum:]])([,[:space:]=]|$).*/\1/p' <<<"$help" | sort -u)

if [[ $help_rc -ne 0 ]]; then
    fail "$bin --help: exit status $help_rc"
elif [[ ${#longs[@]} -eq 0 ]]; then
    fail "$bin --help: lists no --long options"
elif [[ ${#shorts[@]} -eq 0 ]]; then
    fail "$bin --help: lists no -X short options"
else
    pass
fi

# --- long options ---------------------------------------------------------

for name in "${longs[@]}"; do
    opt=--$name
    # man: \-\-access\-method (every '-' escaped), not followed by more name.
    man_name=${name//-/\\\\-}
    check "$man" "$opt (as \\-\\-${name//-/\\-})" "\\\\-\\\\-${man_name}(?![[:alnum:]_]|\\\\-|-)"
    # --access-method, not part of a longer option.
    plain="(?<![[:alnum:]_-])--${name}(?![[:alnum:]_-])"
    check "$bash_comp" "$opt" "$plain"
    check "$zsh_comp" "$opt" "$plain"
    # fish: -l access-method (or --long / --long-option).
    check "$fish_comp" "$opt (as -l $name)" \
        "(?<![[:alnum:]_-])(?:-l|--long(?:-option)?)(?:\\s+|=)['\"]?${name}(?![[:alnum:]_-])"
    check "$readme" "$opt" "$plain"
done

# --- short options --------------------------------------------------------

for letter in "${shorts[@]}"; do
    opt=-$letter
    # man: \-X standing alone (\fB\-s\fR, \-s, ...), not the tail of \-\-x.
    check "$man" "$opt (as \\-$letter)" "(?<!-)\\\\-${letter}(?![[:alnum:]_])"
    check "$bash_comp" "$opt" "(?<![[:alnum:]_-])-${letter}(?![[:alnum:]_-])"
done

# --- every conformance check is in the man page's CHECKS section ----------

checks_rc=0
checks=$("$bin" --list-checks 2>/dev/null) || checks_rc=$?
if [[ $checks_rc -ne 0 || -z $checks ]]; then
    fail "$bin --list-checks: exit status $checks_rc or no checks"
else
    # --list-checks columns: id (26), severity (7), section (11), data, title.
    while IFS= read -r line; do
        id=$(sed -E 's/ +$//' <<<"${line:0:26}")
        severity=$(sed -E 's/ +$//' <<<"${line:27:7}")
        section=$(sed -E 's/ +$//' <<<"${line:35:11}")
        [[ $section == - ]] && section="no section"
        want=".BR ${id//-/\\-} \" ($severity, $section, "
        if grep -qF -- "$want" "$root/$man"; then
            pass
        else
            fail "$man: check $id missing from CHECKS (as: $want)"
        fi
    done <<<"$checks"
fi
# --- REPL commands: each in the man page's INTERACTIVE COMMANDS ---------

snapshot=$root/tests/data/snapshot-modern.lspci
mapfile -t commands < <("$bin" -F "$snapshot" -c help 00:02.0 2>/dev/null |
    sed -nE 's/^  ([a-z]+)( .*)?$/\1/p' | sort -u)
if [[ ${#commands[@]} -lt 10 ]]; then
    fail "$bin -c help: lists ${#commands[@]} commands"
fi
for cmd in "${commands[@]}"; do
    check "$man" "REPL command $cmd" "^\\.(?:B|BR) \"?${cmd}\b"
    check "$bash_comp" "REPL command $cmd (after -c)" "\\b${cmd}\\b"
done

# --- one exit status table: --help, the man page, README.md ---------------
#
# Each as "N<TAB>meaning" lines: --help's "Exit status" block (entries
# "  N  text", continued by indented lines), the man page's EXIT STATUS
# entries (.TP / .B N / text, roff's \- read as -), README.md's table rows
# "| N | text |".  The three must be equal, with 0, 1 and 2 in them.

exit_help=$(awk '/^Exit status/ { on = 1; next }
	on && /^  [0-9]  / { if (c != "") print c "\t" t; c = $1; sub(/^  [0-9]  /, ""); t = $0; next }
	on && /^     / { sub(/^ +/, ""); t = t " " $0; next }
	on { on = 0 }
	END { if (c != "") print c "\t" t }' <<<"$help")
exit_man=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH [^E]/p' "$root/$man" | awk '
	tp && /^\.B [0-9]$/ { c = $2; t = ""; tp = 0; next }
	/^\./ { if (c != "") print c "\t" t; c = ""; tp = /^\.TP/; next }
	c != "" { t = (t == "" ? $0 : t " " $0) }
	END { if (c != "") print c "\t" t }' | sed 's/\\-/-/g')
exit_readme=$(sed -nE 's/^\| ([0-9]) \| (.*) \|$/\1\t\2/p' "$root/$readme")
if [[ $(cut -f1 <<<"$exit_help" | paste -sd ' ') != "0 1 2" ]]; then
    fail "$bin --help: the exit status table has no entries 0, 1, 2 (got: $(cut -f1 <<<"$exit_help" | paste -sd ' '))"
else
    pass
fi
if [[ $exit_man == "$exit_help" ]]; then
    pass
else
    fail "$man: EXIT STATUS differs from --help's table"
    diff <(printf '%s\n' "$exit_help") <(printf '%s\n' "$exit_man") | sed 's/^/    /'
fi
if [[ $exit_readme == "$exit_help" ]]; then
    pass
else
    fail "$readme: the exit status table differs from --help's"
    diff <(printf '%s\n' "$exit_help") <(printf '%s\n' "$exit_readme") | sed 's/^/    /'
fi

# --- the man page renders without warnings --------------------------------

if ! command -v groff >/dev/null 2>&1; then
    fail "$man: groff not installed, cannot check it"
elif [[ ! -f $root/$man ]]; then
    fail "$man: groff check impossible (no such file)"
else
    groff_rc=0
    warnings=$(groff -ww -z -man "$root/$man" 2>&1) || groff_rc=$?
    if [[ $groff_rc -ne 0 ]]; then
        fail "$man: groff -ww -z -man exits with status $groff_rc"
        [[ -z $warnings ]] || printf '%s\n' "$warnings" | sed 's/^/    /'
    elif [[ -n $warnings ]]; then
        fail "$man: groff -ww -z -man warns"
        printf '%s\n' "$warnings" | sed 's/^/    /'
    else
        pass
    fi
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
