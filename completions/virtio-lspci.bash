# bash completion for virtio-lspci(8)                      -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install as $(pkg-config --variable=completionsdir bash-completion)/virtio-lspci
# (usually /usr/share/bash-completion/completions/virtio-lspci).

# Slots of this machine's virtio PCI devices (vendor 0x1af4, device
# 0x1000-0x107f), each in the long (0000:00:04.0) and short (00:04.0) form.
_virtio_lspci_slots()
{
    local dir slot vendor device
    for dir in /sys/bus/pci/devices/*; do
        [[ -r $dir/vendor && -r $dir/device ]] || continue
        read -r vendor <"$dir/vendor" 2>/dev/null || continue
        read -r device <"$dir/device" 2>/dev/null || continue
        [[ $vendor == 0x1af4 && $device == 0x[0-9a-fA-F]* ]] || continue
        ((device >= 0x1000 && device <= 0x107f)) || continue
        slot=${dir##*/}
        printf '%s\n%s\n' "$slot" "${slot#*:}"
    done
}

# vendor:device IDs of this machine's virtio devices, plus the bare vendor.
_virtio_lspci_ids()
{
    local dir vendor device
    printf '%s\n' 1af4:
    for dir in /sys/bus/pci/devices/*; do
        [[ -r $dir/vendor && -r $dir/device ]] || continue
        read -r vendor <"$dir/vendor" 2>/dev/null || continue
        read -r device <"$dir/device" 2>/dev/null || continue
        [[ $vendor == 0x1af4 && $device == 0x[0-9a-fA-F]* ]] || continue
        ((device >= 0x1000 && device <= 0x107f)) || continue
        printf '1af4:%s\n' "${device#0x}"
    done
}

# libpci access methods: "virtio-lspci -A help" prints one name per line
# (any heading lines are skipped); a static list if that fails.
_virtio_lspci_methods()
{
    local prog=$1 out
    if out=$("$prog" -A help 2>/dev/null) &&
        out=$(printf '%s\n' "$out" | command grep -E '^[[:space:]]*[a-z0-9][a-z0-9_-]*[[:space:]]*$') &&
        [[ -n $out ]]; then
        printf '%s\n' "$out" | command sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
    else
        printf '%s\n' linux-sysfs linux-proc intel-conf1 intel-conf2 dump
    fi
}

# Readline treats ':' as a word break (COMP_WORDBREAKS): drop the part of
# each candidate up to the last colon of the word being completed.
# Running libvirt domains (virsh list --name), for --domain=NAME; none
# without virsh or libvirtd.
_virtio_lspci_domains()
{
    local uri=$1
    command -v virsh >/dev/null 2>&1 || return 0
    virsh ${uri:+-c "$uri"} -q list --name 2>/dev/null | command sed '/^$/d'
}

_virtio_lspci_ltrim_colon()
{
    local cur=$1 prefix i
    [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]] || return 0
    prefix=${cur%"${cur##*:}"}
    for i in "${!COMPREPLY[@]}"; do
        COMPREPLY[i]=${COMPREPLY[i]#"$prefix"}
    done
}

_virtio_lspci()
{
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s -n : || return
    else
        # Minimal fallback without the bash-completion package: split the
        # line on blanks only, so that "00:04.0" stays one word.
        COMPREPLY=()
        local line=${COMP_LINE:0:COMP_POINT}
        read -ra words <<<"$line"
        if [[ $line == *[[:space:]] ]]; then
            cur='' words+=("")
        else
            cur=${words[${#words[@]} - 1]}
        fi
        cword=$((${#words[@]} - 1))
        prev=${words[cword - 1]:-}
        if [[ $cur == --*=* ]]; then
            prev=${cur%%=*} cur=${cur#*=} split=true
        fi
    fi

    local prog=${words[0]:-virtio-lspci}

    # --domain=NAME: a libvirt domain (bare --domain takes no argument: -D)
    if [[ $prev == --domain ]] && $split; then
        local i uri=
        for ((i = 1; i < cword; i++)); do
            [[ ${words[i]} == --connect=* ]] && uri=${words[i]#--connect=}
            [[ ${words[i]} == --connect && -n ${words[i + 1]:-} ]] && uri=${words[i + 1]}
        done
        mapfile -t COMPREPLY < <(compgen -W "$(_virtio_lspci_domains "$uri")" -- "$cur")
        return
    fi

    case $prev in
        --connect)
            mapfile -t COMPREPLY < <(compgen -W 'qemu:///system qemu:///session qemu+ssh://' -- "$cur")
            compopt -o nospace 2>/dev/null
            return
            ;;
        -s | --slot)
            mapfile -t COMPREPLY < <(compgen -W "$(_virtio_lspci_slots)" -- "$cur")
            _virtio_lspci_ltrim_colon "$cur"
            return
            ;;
        -d | --id)
            mapfile -t COMPREPLY < <(compgen -W "$(_virtio_lspci_ids)" -- "$cur")
            _virtio_lspci_ltrim_colon "$cur"
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] &&
                compopt -o nospace 2>/dev/null
            return
            ;;
        -F | --file | --save | --textfile | --qmp | --monitor-log)
            if declare -F _filedir >/dev/null 2>&1; then
                _filedir
            else
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            return
            ;;
        --format)
            mapfile -t COMPREPLY < <(compgen -W 'auto lspci raw xxd hexdump' -- "$cur")
            return
            ;;
        -A | --access-method)
            mapfile -t COMPREPLY < <(compgen -W "$(_virtio_lspci_methods "$prog") help" -- "$cur")
            return
            ;;
        -o | --output)
            mapfile -t COMPREPLY < <(compgen -W 'text json prometheus junit' -- "$cur")
            return
            ;;
        --access)
            mapfile -t COMPREPLY < <(compgen -W 'auto mmap window' -- "$cur")
            return
            ;;
        --interval)
            mapfile -t COMPREPLY < <(compgen -W '0.1 0.5 1 2 5 10' -- "$cur")
            return
            ;;
        --nudge)
            mapfile -t COMPREPLY < <(compgen -W '0 1 2 requestq requestq1 receiveq1 transmitq1 controlq' -- "$cur")
            return
            ;;
        --timeout)
            mapfile -t COMPREPLY < <(compgen -W '200 1000 5000' -- "$cur")
            return
            ;;
        --watch-config)
            mapfile -t COMPREPLY < <(compgen -W '5 10 30' -- "$cur")
            return
            ;;
        --sample)
            mapfile -t COMPREPLY < <(compgen -W '3 5x200ms 10x200ms 5x1s 10x1s' -- "$cur")
            return
            ;;
        -c | --command)
            # commands for the REPL: the first word of each
            mapfile -t COMPREPLY < <(compgen -W 'help show get set queue features feature
                status reset init post kick poll notify isr ring chain irq read write cfg watch trace shell echo quit exit' -- "$cur")
            return
            ;;
        -h | --help | -V | --version)
            return
            ;;
    esac

    $split && return

    if [[ $cur == -* ]]; then
        local opts='-s --slot -d --id -F --file --format -A --access-method --qmp --monitor-log
            --domain= --all-domains --connect
            --access --passive --read-isr --save --stats --rings --sample
            -w --top --watch --interval
            --check --active --exercise --strict --list-checks --diff --negotiate
            --nudge --timeout --selftest --rebind --media-writes --config-writes --watch-config --hostile
            -i --interactive -c --command --force --dry-run -y --yes
            -v --verbose -n --numeric -x --hex -D --domain -J --json
            -o --output --textfile -h --help -V --version'
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
        return
    fi

    # SLOT arguments.
    mapfile -t COMPREPLY < <(compgen -W "$(_virtio_lspci_slots)" -- "$cur")
    _virtio_lspci_ltrim_colon "$cur"
} &&
    complete -F _virtio_lspci virtio-lspci

# ex: filetype=sh
