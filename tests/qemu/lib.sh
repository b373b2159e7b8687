# shellcheck shell=bash
# Common helpers for the QEMU guest harness; sourced by the other scripts in tests/qemu/.

VLP_QEMU_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VLP_REPO_ROOT=$(cd "$VLP_QEMU_DIR/../.." && pwd)

# Cache folder: ${VLP_QEMU_CACHE:-build/qemu}, relative paths taken from the repo root.
vlp_cache_dir() {
	local c=${VLP_QEMU_CACHE:-build/qemu}
	case $c in
	/*) printf '%s\n' "$c" ;;
	*) printf '%s\n' "$VLP_REPO_ROOT/$c" ;;
	esac
}

vlp_log() { printf '%s: %s\n' "${VLP_PROG:-${0##*/}}" "$*" >&2; }
vlp_die() {
	printf '%s: error: %s\n' "${VLP_PROG:-${0##*/}}" "$*" >&2
	exit 1
}

# Loads the kernel facts written by setup.sh (KVER, KROOT, VMLINUZ, MODDIR).
vlp_load_kernel_env() {
	local env
	env="$(vlp_cache_dir)/kernel.env"
	[[ -r $env ]] || vlp_die "no $env: run tests/qemu/setup.sh first"
	# shellcheck source=/dev/null
	. "$env"
	[[ -r ${VMLINUZ:-} && -d ${MODDIR:-} ]] || vlp_die "kernel in $env is missing: run tests/qemu/setup.sh again"
}

# Prints the comment block at the top of the calling script (its usage).
vlp_usage() { awk 'NR == 1 || /^# shellcheck/ { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }

# vlp_std_set DIR VARIANT PROPS: appends to the caller's array A the QEMU arguments of the
# standard set, every virtio device kind once on the root bus at addr 0x2-0x10, with PROPS
# (",disable-legacy=on" ...) on each. Device XX has id=vlpXX, so QMP's path
# /machine/peripheral/vlpXX/virtio-backend is PCI slot 0000:00:XX.0. Backing files (disk
# and pmem images, a 9p folder) are made in DIR, named after VARIANT (images take write
# locks: one set per guest).
# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
vlp_std_set() {
	local dir=$1 v=$2 all=$3
	mkdir -p "$dir/9p"
	truncate -s 64M "$dir/$v-blk.img" "$dir/$v-pmem.img"
	A+=(-netdev user,id=n02 -device "virtio-net-pci,netdev=n02,id=vlp02,addr=0x2$all"
		-drive "if=none,id=d03,format=raw,file=$dir/$v-blk.img"
		-device "virtio-blk-pci,drive=d03,num-queues=4,id=vlp03,addr=0x3$all"
		-device "virtio-scsi-pci,id=vlp04,addr=0x4$all"
		-device "virtio-rng-pci,id=vlp05,addr=0x5$all"
		-device "virtio-balloon-pci,id=vlp06,addr=0x6$all"
		-device "virtio-serial-pci,id=vlp07,addr=0x7$all" -chardev null,id=cn07
		-device virtconsole,chardev=cn07,bus=vlp07.0
		-fsdev "local,id=fs08,path=$dir/9p,security_model=none,readonly=on"
		-device "virtio-9p-pci,fsdev=fs08,mount_tag=share,id=vlp08,addr=0x8$all"
		-device "virtio-gpu-pci,id=vlp09,addr=0x9$all"
		-device "virtio-keyboard-pci,id=vlp0a,addr=0xa$all"
		-device "virtio-mouse-pci,id=vlp0b,addr=0xb$all"
		-device "virtio-tablet-pci,id=vlp0c,addr=0xc$all"
		-object cryptodev-backend-builtin,id=cr0d
		-device "virtio-crypto-pci,cryptodev=cr0d,id=vlp0d,addr=0xd$all"
		-object memory-backend-ram,id=mem0e,size=256M
		-device "virtio-mem-pci,memdev=mem0e,requested-size=128M,id=vlp0e,addr=0xe$all"
		-object "memory-backend-file,id=mem0f,share=on,mem-path=$dir/$v-pmem.img,size=64M"
		-device "virtio-pmem-pci,memdev=mem0f,id=vlp0f,addr=0xf$all"
		-device "virtio-iommu-pci,id=vlp10,addr=0x10$all")
}

# ---------------------------------------------------------------- the guest suites
# What every guest suite (suite.sh, rings-suite.sh, repl-suite.sh, dma.sh, nudge.sh,
# negotiate.sh, selftest.sh, selftest-iommu.sh, active.sh, tui-suite.sh, sample-check.sh)
# does alike: its name on the lines it prints, the counters of tests/lib.sh and the
# closing line "NAME: N passed, M failed", QEMU set up or the suite skipped, a work
# folder, and the decoding of what the guest sent back on its console.

# vlp_suite NAME [TOOL]: starts the guest suite NAME: the counters of tests/lib.sh (pass,
# fail, check, skip, summary), NAME in $VLP_PROG (vlp_log, vlp_die, vlp_cant and the lines
# below start with it), the start time in $VLP_T0, and $tool: TOOL (the virtio-lspci the
# guests run, default the tree's ./virtio-lspci) as an absolute path. The suite then
# sets $out (the guest's output), $qmp (QEMU's views) and $vlp_mark as it needs them.
vlp_suite() {
	VLP_PROG=$1
	# shellcheck disable=SC2034 # read by the suites
	VLP_T0=$SECONDS
	out='' qmp='' vlp_mark=''
	tool=$(realpath "${2:-$VLP_REPO_ROOT/virtio-lspci}")
	declare -gA vlp_notes=()
	vlp_note_keys=()
	# shellcheck source=tests/lib.sh
	. "$VLP_REPO_ROOT/tests/lib.sh"
}

# vlp_cant REASON: the suite cannot run for want of something the tree or make test-deps
# provides: a failure (QEMU that cannot be set up here is a skip: vlp_setup_or_skip).
vlp_cant() {
	echo "$VLP_PROG: cannot run: $*"
	echo "$VLP_PROG: 0 passed, 1 failed"
	exit 1
}

# vlp_need COMMAND...: $tool and every COMMAND are there, else vlp_cant.
vlp_need() {
	local c
	[[ -x $tool ]] || vlp_cant "$tool is missing: run make first"
	for c; do
		command -v "$c" >/dev/null || vlp_cant "$c is missing (make test-deps installs jq and lspci, tests/qemu/setup.sh socat)"
	done
}

# vlp_setup_or_skip: runs setup.sh (QEMU and the guest kernel). Not root: the suite is
# skipped, "SKIP: reason", counted apart by tests/run-suites.sh (a developer's make check
# as a user). As root (CI), setup must work: its failure fails the suite, so that a CI run
# that could not boot a guest never looks green.
vlp_setup_or_skip() {
	local err
	if [[ $(id -u) -ne 0 ]]; then
		skip_suite "$VLP_PROG" "QEMU guests need root (apt-get install, tap devices)"
	fi
	if ! err=$("$VLP_QEMU_DIR/setup.sh" 2>&1 >/dev/null); then
		[[ -z $err ]] || printf '%s\n' "$err" >&2
		vlp_cant "tests/qemu/setup.sh failed: ${err##*$'\n'}"
	fi
	command -v qemu-system-x86_64 >/dev/null ||
		skip_suite "$VLP_PROG" "QEMU unavailable: qemu-system-x86_64 is not installed"
}

# vlp_work [KEEP]: $work, a new temporary folder named after the suite, removed when the
# suite exits; with KEEP (a folder: --keep DIR) everything in it is copied there first.
vlp_work() {
	vlp_keep=${1:-}
	work=$(mktemp -d "${TMPDIR:-/tmp}/vlp-$VLP_PROG.XXXXXX")
	trap vlp_cleanup EXIT
}
# shellcheck disable=SC2317 # called by the EXIT trap
vlp_cleanup() {
	if [[ -n $vlp_keep ]]; then
		mkdir -p "$vlp_keep"
		cp -a "$work/." "$vlp_keep/"
		echo "$VLP_PROG: raw results kept in $vlp_keep"
	fi
	rm -rf "$work"
}

# vlp_parse_keep ARGS...: the options of a one-guest suite: --keep DIR (in $keep), --help.
vlp_parse_keep() {
	keep=
	case ${1:-} in
	--keep) keep=${2:?--keep needs a folder} ;;
	-h | --help) vlp_usage; exit 0 ;;
	'') ;;
	*) vlp_die "unknown argument $1" ;;
	esac
}

# vlp_guest END ARGS...: boots the suite's one guest (run-guest.sh ARGS, with $tool as
# /usr/bin/virtio-lspci, its output in $out) and checks that it ran (exit 0) and
# finished: a line that starts with END.
vlp_guest() {
	local end=$1 rc=0
	shift
	"$VLP_QEMU_DIR/run-guest.sh" -o "$out" --add "$tool:/usr/bin/virtio-lspci" "$@" || rc=$?
	check "guest ran (exit $rc)" [ "$rc" = 0 ]
	check "guest finished" grep -q "^$end" "$out"
}

# vlp_faulty_blk: $fb, the test device tests/vhost-user/faulty-blk (make faulty-blk), else vlp_cant.
vlp_faulty_blk() {
	fb=$VLP_REPO_ROOT/build/tests/faulty-blk
	[[ -x $fb ]] || vlp_cant "$fb is missing: run make faulty-blk first"
}

# vlp_refused LABEL WHAT COMMAND [ARG...]: the check that COMMAND refuses to run: exit 1
# and one line that says WHAT.
vlp_refused() {
	local label=$1 what=$2 msg rc ok=false
	shift 2
	msg=$("$@" 2>&1)
	rc=$?
	[ "$rc" = 1 ] && [ "$(wc -l <<<"$msg")" = 1 ] && grep -qF -- "$what" <<<"$msg" && ok=true
	check "$label: refused, exit 1 ($msg)" "$ok"
}

# vlp_sync_port SOCKET: appends to the caller's array A the QEMU arguments of a second
# serial port (the guest's /dev/ttyS1) on the unix socket SOCKET, the console staying on
# the first: the guest's "STEP NAME" lines reach the host hook there (vlp_serve_steps),
# the hook's "OK" comes back.
vlp_sync_port() {
	A+=(-chardev "socket,id=sync,path=$1,server=on,wait=off" -serial mon:stdio -serial chardev:sync)
}

# vlp_stepped_suite NAME ARGS...: the start of a suite whose one guest is driven step by
# step while its hook asks QEMU for its view (repl-suite.sh, dma.sh, nudge.sh):
# vlp_suite NAME, the options ARGS (vlp_parse_keep), jq and socat, QEMU set up (or the
# suite skipped), vlp_work; in it $out (the guest output), $qmp (the hook's JSON lines)
# and $sock (the socket of the second serial port).
vlp_stepped_suite() {
	vlp_suite "$1"
	shift
	vlp_parse_keep "$@"
	vlp_need jq socat
	vlp_setup_or_skip
	vlp_work "$keep"
	out=$work/guest.out qmp=$work/qmp.jsonl sock=$work/sync.sock
}

# vlp_guest_stepped ARGS...: boots the suite's one guest (run-guest.sh ARGS, with $tool as
# /usr/bin/virtio-lspci, its output in $out) with the second serial port on $sock; a
# guest that did not run to its end (exit 0) is vlp_cant.
vlp_guest_stepped() {
	local A=("$@") rc=0
	vlp_sync_port "$sock"
	"$VLP_QEMU_DIR/run-guest.sh" -o "$out" --add "$tool:/usr/bin/virtio-lspci" "${A[@]}" || rc=$?
	((rc == 0)) || vlp_cant "the guest run failed (exit $rc): $(tail -5 "$out" 2>/dev/null)"
}

# ---- What the guest printed, by protocol.
# Marked runs (negotiate/guest.sh, selftest/guest.sh, suite/active-guest.sh: show NAME RC
# FILE): a line "MARK NAME RC", then the run's output lines, each behind "| ", so that no
# output line can end the run. MARK is $vlp_mark (@@VLP-ST ...), the guest output $out.
# vlp_section NAME...: the output lines of the run NAME (the words joined by spaces).
vlp_section() {
	awk -v m="$vlp_mark" -v h="$vlp_mark $* " 'index($0, m) == 1 { on = index($0, h) == 1; next } on { print substr($0, 3) }' "$out"
}
# vlp_rc_of NAME...: the exit status of the run NAME.
vlp_rc_of() { awk -v h="$vlp_mark $* " 'index($0, h) == 1 { print $NF }' "$out"; }

# Parts (repl/guest.sh, dma/guest.sh, nudge/guest.sh): a line "== NAME", then what the
# guest ran printed, up to the next "== " line; "rc=N" lines give exit statuses.
# vlp_part NAME: the lines of the part NAME of $out.
vlp_part() { awk -v s="== $1" '$0 == s { on = 1; next } /^== / { on = 0 } on' "$out"; }
# vlp_has NAME PART TEXT: checks that the part PART holds TEXT.
vlp_has() {
	if [[ $(vlp_part "$2") == *"$3"* ]]; then pass; else fail "$1: no '$3' in the guest output of '$2'"; fi
}
# vlp_expect NAME GOT WANT: checks that GOT is WANT.
vlp_expect() {
	if [[ $2 == "$3" ]]; then pass; else fail "$1: got '$2', expected '$3'"; fi
}

# QEMU's views over QMP, one JSON line each in $qmp.
# vlp_at STEP FILTER: jq FILTER (with suite/suite.jq: qemu_status, qemu_features) on the
# view a stepped guest's hook took at STEP (repl/hook.sh, dma/hook.sh: {step, ...}).
vlp_at() { jq -L "$VLP_QEMU_DIR/suite" -r --arg s "$1" "include \"suite\"; select(.step == \$s) | $2" "$qmp"; }
# vlp_qmp_status ID: the status names (VIRTIO_CONFIG_S_...) QEMU gives device ID (vlp03)
# in the views of suite/qmp-hook.sh: "" for status 0, "missing" without a view of the
# device, "no reply" when QEMU did not answer.
vlp_qmp_status() {
	jq -rs --arg p "/machine/peripheral/$1/virtio-backend" \
		'map(select(.path == $p)) | if length == 0 then "missing" else
		(.[0].status.return.status.statuses // ["no reply"] | map(sub(":.*"; "")) | join(" ")) end' "$qmp"
}

# ---- Guests booted one per variant (suite.sh, rings-suite.sh).
# vlp_parse_variants JOBS KNOWN ARGS...: the options: -j JOBS (guests booted in parallel,
# default JOBS), --keep DIR, --from DIR, VARIANT... (words of KNOWN; default all of them).
# Sets $jobs, $keep, $from and the array variants.
vlp_parse_variants() {
	local -a known
	local v
	jobs=$1
	read -r -a known <<<"$2"
	shift 2
	keep='' from=''
	variants=()
	while (($#)); do
		case $1 in
		-j) jobs=${2:?-j needs a number}; shift 2 ;;
		--keep) keep=${2:?--keep needs a folder}; shift 2 ;;
		--from) from=${2:?--from needs a folder}; shift 2 ;;
		-h | --help) vlp_usage; exit 0 ;;
		-*) vlp_die "unknown option $1" ;;
		*) variants+=("$1"); shift ;;
		esac
	done
	((${#variants[@]})) || variants=("${known[@]}")
	for v in "${variants[@]}"; do
		[[ " ${known[*]} " == *" $v "* ]] || vlp_die "unknown variant $v (known: ${known[*]})"
	done
	[[ $jobs =~ ^[1-9][0-9]*$ ]] || vlp_die "-j needs a positive number"
}

# vlp_variant_work: $work: with --from, the folder a --keep run left (its decoded files
# dropped; nothing kept, nothing removed at the end); else QEMU set up (or the suite
# skipped) and vlp_work.
vlp_variant_work() {
	if [[ -n $from ]]; then
		[[ -d $from ]] || vlp_cant "--from $from: no such folder"
		work=$(cd "$from" && pwd)
		keep=
		rm -rf "$work/res"
	else
		vlp_setup_or_skip
		vlp_work "$keep"
	fi
}

# vlp_initrd GUEST: $initrd, the guests' initramfs: GUEST as /test.sh, and $tool.
vlp_initrd() {
	initrd=$work/initrd.cpio
	"$VLP_QEMU_DIR/mkinitramfs.sh" -o "$initrd" --test "$1" \
		--add "$tool:/usr/bin/virtio-lspci" 2>"$work/mkinitramfs.err" ||
		vlp_cant "mkinitramfs.sh failed: $(cat "$work/mkinitramfs.err")"
}

# vlp_boot_variants BOOT: one guest per variant, $jobs at a time, each booted by the
# suite's BOOT VARIANT (its output in $work/VARIANT.{out,log,err}; the seconds it took
# go to VARIANT.time); fills the array booted with the variants whose guest ran (with
# --from: those the run left output of). A guest that failed is a failure, with the tail
# of its console; when none ran, the closing line and exit 1.
vlp_boot_variants() {
	local boot=$1 v
	local -A pid_of
	booted=()
	if [[ -n $from ]]; then
		for v in "${variants[@]}"; do
			[[ -e $work/$v.out ]] && booted+=("$v")
		done
	else
		for v in "${variants[@]}"; do
			while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
			{
				local s=$SECONDS rc=0
				"$boot" "$v" || rc=$?
				echo "$((SECONDS - s))" >"$work/$v.time"
				exit "$rc"
			} &
			pid_of[$v]=$!
		done
		for v in "${variants[@]}"; do
			if ! wait "${pid_of[$v]}"; then
				fail "$v: the guest failed: $(tr '\n' ' ' <"$work/$v.err" | cut -c1-600)"
				tail -n 15 "$work/$v.log" 2>/dev/null | sed "s/^/$VLP_PROG:   console: /" || true
				continue
			fi
			booted+=("$v")
			echo "$VLP_PROG: $v: guest ran in $(cat "$work/$v.time")s"
			grep -q 'booting the guest again' "$work/$v.err" 2>/dev/null &&
				echo "$VLP_PROG: note: $v: booted twice: $(grep -m1 'no ===VLP-BEGIN===' "$work/$v.err" | cut -c1-300)"
		done
	fi
	((${#booted[@]})) || {
		summary "$VLP_PROG" || true
		exit 1
	}
}

# vlp_decode_archives VARIANT: the guest's per-device archives (suite/guest.sh,
# rings/guest.sh: a gzip'd tar in base64 between the lines "@@VLP-DEV SLOT begin" and
# "@@VLP-DEV SLOT end" of $work/VARIANT.out) unpacked into $work/res/VARIANT/SLOT, and
# the check that every device the guest counted ("@@VLP-DEVICES N") decoded. Only
# base64 lines between the markers count, so a console line that slips in between is
# dropped; one inside a line breaks gzip's CRC: a failure, the device's files removed.
vlp_decode_archives() {
	local v=$1 res=$work/res/$1 slot want got
	mkdir -p "$res"
	while read -r slot; do
		if ! awk -v s="$slot" '
			$0 == "@@VLP-DEV " s " begin" { on = 1; next }
			$0 == "@@VLP-DEV " s " end" { exit }
			on && /^[A-Za-z0-9+\/=]+$/ { print }' "$work/$v.out" |
			base64 -d 2>/dev/null | tar -xzf - -C "$res" 2>/dev/null; then
			fail "$v $slot: the guest's archive of this device does not decode (console noise?)"
			rm -rf "${res:?}/$slot"
		fi
	done < <(sed -n 's/^@@VLP-DEV \([0-9a-f:.]*\) begin$/\1/p' "$work/$v.out")
	want=$(sed -n 's/^@@VLP-DEVICES //p' "$work/$v.out")
	got=$(vlp_decoded "$v" | wc -l)
	check "$v: every device of the guest decoded ($got of ${want:-?})" [ "$got" = "${want:-x}" ]
}
# vlp_decoded VARIANT: the slots of the devices of VARIANT that decoded, one a line.
vlp_decoded() {
	local d
	for d in "$work/res/$1"/*/; do
		if [[ -d $d ]]; then basename "$d"; fi
	done
}
# vlp_each_device VARIANT FN: FN VARIANT SLOT for every device of VARIANT that decoded
# (its files in $work/res/VARIANT/SLOT), in slot order; $vlp_devices: how many.
vlp_each_device() {
	local slot
	vlp_devices=0
	for slot in $(vlp_decoded "$1"); do
		vlp_devices=$((vlp_devices + 1))
		"$2" "$1" "$slot"
	done
}

# vlp_dev_of FILE: the first device object of a virtio-lspci -J output, null when it is not JSON.
vlp_dev_of() { jq -c '.devices[0] // null' "$1" 2>/dev/null || echo null; }

# vlp_check_program NAME EXPR...: one jq program of the suite's checks, pairs of a name and
# a jq expression that gives true (pass), null (not applicable), a string (a failure: what
# differed) or {note, what} (a pass with a note); it prints one tab-separated line per
# check: "pass NAME", "skip NAME", "fail NAME DETAIL" or "note NAME NOTE WHAT". An
# expression that stops with an error fails with jq's message.
# shellcheck disable=SC2016 # jq programs: their $names are jq's
vlp_check_program() {
	local program='[ ' sep=''
	while (($# >= 2)); do
		program+="$sep{n: $(jq -n --arg n "$1" '$n'), r: (try ($2) catch \"jq error: \\(.)\")}"
		sep=', '
		shift 2
	done
	printf '%s' "$program"' ] | .[] | if .r == true then "pass\t\(.n)" elif .r == null then "skip\t\(.n)"
	elif (.r | type) == "object" then "note\t\(.n)\t\(.r.note)\t\(.r.what)" else "fail\t\(.n)\t\(.r)" end'
}

# vlp_verdict VERDICT FAILURE NOTE ITEM: counts one line of a check program: pass; note (a
# pass: ITEM joins the note NOTE, see vlp_note); fail (the failure FAILURE); skip (not
# applicable) is not counted.
vlp_verdict() {
	case $1 in
	pass) pass ;;
	note) pass; vlp_note "$3" "$4" ;;
	fail) fail "$2" ;;
	esac
}
# Notes: expected differences, one line each at the end with what they were seen on.
# vlp_note NOTE ITEM: ITEM seen with NOTE; vlp_print_notes: "NAME: note: NOTE: ITEM ITEM...".
vlp_note() {
	[[ -n ${vlp_notes[$1]:-} ]] || vlp_note_keys+=("$1")
	vlp_notes[$1]+=" $2"
}
vlp_print_notes() {
	local key
	for key in "${vlp_note_keys[@]}"; do
		echo "$VLP_PROG: note: $key:${vlp_notes[$key]}"
	done
}

# ---- Host hooks of stepped guests (repl/hook.sh, dma/hook.sh, rings/hook.sh).
# vlp_qmp COMMAND...: qmp.sh on the guest's QMP socket; its exit status is not used (it
# ends non-zero when a reply is an error: replies that are errors are kept).
vlp_qmp() { "$VLP_QMP" "$VLP_QMP_SOCKET" "$@" 2>/dev/null || true; }
# vlp_qom ID: the QOM path of the virtio device of the PCI device with id=ID (vlp03).
vlp_qom() { printf '/machine/peripheral/%s/virtio-backend\n' "$1"; }
# vlp_qmp_virtio_status PATH, vlp_qmp_queue_status PATH QUEUE: the QMP commands.
vlp_qmp_virtio_status() { printf '{"execute":"x-query-virtio-status","arguments":{"path":"%s"}}\n' "$1"; }
vlp_qmp_queue_status() { printf '{"execute":"x-query-virtio-queue-status","arguments":{"path":"%s","queue":%s}}\n' "$1" "$2"; }
# vlp_serve_steps SOCKET OUT HANDLER: serves a stepped guest (run-guest.sh --hook-at
# start): waits for the sync port's socket SOCKET (vlp_sync_port), empties OUT, then for
# each line "STEP WORDS" the guest writes there calls HANDLER "WORDS" (it appends its
# JSON line to OUT) and answers OK.
vlp_serve_steps() {
	local sock=$1 file=$2 handler=$3 line _
	for _ in $(seq 200); do [[ -S $sock ]] && break; sleep 0.1; done
	: >"$file"
	coproc SYNC { socat - "UNIX-CONNECT:$sock"; }
	while IFS= read -r line <&"${SYNC[0]}"; do
		line=${line%$'\r'}
		[[ $line == "STEP "* ]] || continue
		"$handler" "${line#STEP }"
		echo OK >&"${SYNC[1]}"
	done
}
