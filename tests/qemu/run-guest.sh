#!/bin/bash
# Boots one QEMU guest (TCG) with the harness initramfs, runs a script inside it and
# prints what the script printed (between the guest's marker lines). Exits with the guest
# script's exit code.
#
#   tests/qemu/run-guest.sh --test SCRIPT [options] [--] [QEMU ARGS...]
#
#   --test FILE       guest script, run by /init as /test.sh (output: stdout and stderr)
#   --add H[:G]       extra file for the initramfs (see mkinitramfs.sh); repeatable
#   --module NAME     extra kernel module to load; repeatable
#   --initrd FILE     use this initramfs instead of building one (--test/--add ignored)
#   --machine M       q35 (default) or pc
#   -m, --mem SPEC    guest memory, as QEMU's -m (default 1G)
#   --append STR      more kernel parameters
#   --unbind          unbind every virtio-pci device from its driver before the script
#   --hook FILE       host script run while the guest is up; environment: VLP_QMP_SOCKET,
#                     VLP_CONSOLE_LOG, VLP_GUEST_OUTPUT (the guest output so far),
#                     VLP_GUEST_RC (at end only), VLP_QMP (path of qmp.sh)
#   --hook-at WHEN    end (default): after the script, with the guest held up (vlp.hold=1),
#                     then QEMU is told to quit; start: as soon as QMP is up, in parallel
#   --hook-start FILE another host script started as soon as QMP is up, in parallel (beside
#                     --hook at the end); VLP_CONSOLE_RAW is the console as it grows
#   --timeout SEC     kill QEMU after SEC seconds (default ${VLP_QEMU_TIMEOUT:-120})
#   --boot-timeout SEC  the guest must reach its script (===VLP-BEGIN===) within SEC
#                     seconds (default ${VLP_QEMU_BOOT_TIMEOUT:-100}; a TCG boot takes 5 to
#                     20): if not, QEMU's view of the guest (query-status, info registers)
#                     goes to stderr, and without start hooks the guest is booted once more
#   -o, --output FILE write the guest output to FILE instead of stdout
#   --log FILE        keep the whole console log (escape sequences and \r stripped)
#   --accel A         QEMU accelerator (default tcg)
#   QEMU ARGS         e.g. -device virtio-net-pci,netdev=n0 -netdev user,id=n0
#
# Exit: the guest script's code; the hook's code if the script passed and the hook did
# not; 124 on timeout, 125 if the markers are missing, 1 on a harness error.
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh
VLP_PROG=run-guest

usage() { vlp_usage; }

test_script='' initrd='' machine=q35 mem=1G append='' unbind=0 hook='' hook_at=end hook_start=''
timeout=${VLP_QEMU_TIMEOUT:-120} boot_timeout=${VLP_QEMU_BOOT_TIMEOUT:-100} output='' log='' accel=tcg
mk_args=()
qemu_args=()
while (($#)); do
	case $1 in
	--test) test_script=${2:?}; shift 2 ;;
	--add) mk_args+=(--add "${2:?}"); shift 2 ;;
	--module) mk_args+=(--module "${2:?}"); shift 2 ;;
	--initrd) initrd=${2:?}; shift 2 ;;
	--machine) machine=${2:?}; shift 2 ;;
	-m | --mem) mem=${2:?}; shift 2 ;;
	--append) append=${2?}; shift 2 ;;
	--unbind) unbind=1; shift ;;
	--hook) hook=${2:?}; shift 2 ;;
	--hook-at) hook_at=${2:?}; shift 2 ;;
	--hook-start) hook_start=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--boot-timeout) boot_timeout=${2:?}; shift 2 ;;
	-o | --output) output=${2:?}; shift 2 ;;
	--log) log=${2:?}; shift 2 ;;
	--accel) accel=${2:?}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; qemu_args+=("$@"); break ;;
	-*) qemu_args+=("$@"); break ;;
	*) usage >&2; vlp_die "unknown argument: $1" ;;
	esac
done
case $machine in q35 | pc) ;; *) vlp_die "--machine must be q35 or pc" ;; esac
case $hook_at in start | end) ;; *) vlp_die "--hook-at must be start or end" ;; esac
[[ $timeout =~ ^[0-9]+$ ]] || vlp_die "--timeout must be a number of seconds"
[[ $boot_timeout =~ ^[0-9]+$ ]] || vlp_die "--boot-timeout must be a number of seconds"
[[ -z $hook || -x $hook ]] || vlp_die "hook $hook is not executable"
[[ -z $hook_start || -x $hook_start ]] || vlp_die "hook $hook_start is not executable"
[[ -n $initrd || -n $test_script ]] || vlp_die "--test SCRIPT (or --initrd FILE) is required"
command -v qemu-system-x86_64 >/dev/null || vlp_die "qemu-system-x86_64 missing: run tests/qemu/setup.sh"
vlp_load_kernel_env

work=$(mktemp -d "${TMPDIR:-/tmp}/vlp-guest.XXXXXX")
qpid=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [[ -n $qpid ]] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		sleep 1
		kill -9 "$qpid" 2>/dev/null || true
	fi
	if [[ ${VLP_KEEP_WORK:-0} == 1 ]]; then
		vlp_log "work folder kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [[ -z $initrd ]]; then
	initrd=$work/initrd.cpio
	"$VLP_QEMU_DIR/mkinitramfs.sh" -o "$initrd" --test "$test_script" "${mk_args[@]}" 2>/dev/null ||
		vlp_die "building the initramfs failed (run tests/qemu/mkinitramfs.sh to see why)"
fi

# Without a hook the guest powers off by itself; with one at the end it waits (vlp.hold=1).
cmdline="console=ttyS0 panic=-1 iomem=relaxed quiet"
((unbind)) && cmdline+=" vlp.unbind=1"
[[ -n $hook && $hook_at == end ]] && cmdline+=" vlp.hold=1"
[[ -n $append ]] && cmdline+=" $append"

qmp=$work/qmp.sock
console=$work/console.raw
launch() {
	rm -f "$qmp"
	qemu-system-x86_64 -accel "$accel" -machine "$machine" -m "$mem" -nographic -no-reboot \
		-nic none -vga none -kernel "$VMLINUZ" -initrd "$initrd" -append "$cmdline" \
		-qmp "unix:$qmp,server=on,wait=off" "${qemu_args[@]}" \
		</dev/null >"$console" 2>"$work/qemu.err" &
	qpid=$!
}
launch

# Console text without SeaBIOS/terminal escape sequences and \r.
clean() { sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[()][A-Za-z0-9]//g' -e 's/\x1b[A-Za-z=>]//g' -e 's/\r//g' "$console"; }
# The guest output between the markers (markers may follow other text on their line).
# awk reads to the end: exiting at the end marker cut clean's sed short, and under
# pipefail its SIGPIPE (141) became run-guest's exit code when much output was left.
extract() {
	clean | awk '
		/===VLP-END=== rc=/ { done = 1 }
		done { next }
		on { print }
		/===VLP-BEGIN===/ { on = 1 }'
}
guest_rc() { clean | sed -n 's/.*===VLP-END=== rc=\([0-9]*\).*/\1/p' | head -n1; }

export VLP_QMP_SOCKET=$qmp VLP_CONSOLE_LOG=$work/console.log VLP_GUEST_OUTPUT=$work/output
export VLP_QMP=$VLP_QEMU_DIR/qmp.sh VLP_CONSOLE_RAW=$console
# boot_stuck: the guest has not reached its script: what QEMU says of it, on stderr
# (the kernel runs quiet: the console holds the firmware's lines at most).
# The RIP tells the stage: below 1M the firmware, a few megabytes up the kernel's
# decompressor, 0xffffffff8... the kernel (Debian ships no symbols for it).
boot_stuck() {
	local regs
	regs=$("$VLP_QMP" "$qmp" '{"execute":"human-monitor-command","arguments":{"command-line":"info registers"}}' 2>&1 |
		jq -r '.return // .' 2>/dev/null)
	vlp_log "no ===VLP-BEGIN=== after ${boot_timeout}s; QEMU: $("$VLP_QMP" "$qmp" query-status 2>&1 | head -c 120); $(grep -o '^RIP=[0-9a-f]*' <<<"$regs" || echo 'RIP unknown')"
	grep -E '^(RIP|RAX|CR0)' <<<"$regs" >&2 || true
	vlp_log "console tail: $(clean | tail -n 3 | tr '\n' ' ')"
}
hook_rc=0
hook_pid=
start_pid=
start=$SECONDS
timed_out=0
ended=0
begun=0
boots=1
while kill -0 "$qpid" 2>/dev/null; do
	if ((SECONDS - start >= timeout)); then
		timed_out=1
		break
	fi
	if ((!begun)) && grep -q '===VLP-BEGIN===' "$console" 2>/dev/null; then
		begun=1
	elif ((!begun && boots == 1 && SECONDS - start >= boot_timeout)); then
		boot_stuck
		# A guest stuck before its script ran nothing: booted again, unless a
		# hook already works with this QEMU.
		if [[ -z $hook_pid && -z $start_pid ]]; then
			vlp_log "note: booting the guest again (the first boot did not reach the script)"
			kill "$qpid" 2>/dev/null || true
			wait "$qpid" 2>/dev/null || true
			boots=2
			start=$SECONDS
			launch
			continue
		fi
		boots=2
	fi
	if [[ -n $hook && $hook_at == start && -z $hook_pid && -S $qmp ]]; then
		"$hook" &
		hook_pid=$!
	fi
	if [[ -n $hook_start && -z $start_pid && -S $qmp ]]; then
		"$hook_start" &
		start_pid=$!
	fi
	if ((!ended)) && grep -q '===VLP-END=== rc=' "$console" 2>/dev/null; then
		ended=1
		if [[ -n $hook && $hook_at == end ]]; then
			# The guest is held: run the hook, then end QEMU.
			clean >"$VLP_CONSOLE_LOG"
			extract >"$VLP_GUEST_OUTPUT"
			VLP_GUEST_RC=$(guest_rc)
			export VLP_GUEST_RC
			left=$((timeout - (SECONDS - start)))
			((left > 0)) || left=1
			timeout --kill-after=2 "$left" "$hook" || hook_rc=$?
			"$VLP_QMP" "$qmp" quit >/dev/null 2>&1 || kill "$qpid" 2>/dev/null || true
		fi
	fi
	sleep 0.2
done
if ((timed_out)); then
	kill "$qpid" 2>/dev/null || true
	# A QEMU whose main loop is stuck (a device spinning with the global
	# lock held) never handles SIGTERM: killed outright after 5 s.
	for _ in $(seq 25); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.2; done
	kill -9 "$qpid" 2>/dev/null || true
fi
wait "$qpid" 2>/dev/null || true
qpid=
if [[ -n $start_pid ]]; then
	wait "$start_pid" || hook_rc=$?
fi
if [[ -n $hook_pid ]]; then
	wait "$hook_pid" || hook_rc=$?
fi

clean >"$work/console.log"
[[ -n $log ]] && cp "$work/console.log" "$log"
rc=$(guest_rc)
if [[ -z $rc ]]; then
	if ((timed_out)); then
		vlp_log "timeout: QEMU killed after ${timeout}s; console tail:"
	else
		vlp_log "no end marker in the console output; QEMU said: $(head -c 2000 "$work/qemu.err")"
		vlp_log "console tail:"
	fi
	tail -n 20 "$work/console.log" >&2
	((timed_out)) && exit 124
	exit 125
fi
if [[ -s $work/qemu.err ]]; then
	vlp_log "QEMU stderr: $(head -c 2000 "$work/qemu.err")"
fi
if [[ -n $output ]]; then
	extract >"$output"
else
	extract
fi
((hook_rc != 0)) && vlp_log "hook $hook exited $hook_rc"
if ((rc == 0 && hook_rc != 0)); then
	exit "$hook_rc"
fi
exit "$rc"
