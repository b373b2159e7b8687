#!/usr/bin/env bash
# The PCI proxy suite (make qemu-pci-proxy): one guest (q35, 512M of guest RAM in a shared
# memfd) whose virtio-pci functions are served whole by faulty-blk --pci-proxy through
# QEMU's x-pci-proxy-dev (multi-process QEMU): configuration space, common configuration,
# ISR, device configuration, notifications, MSI-X table and PBA, and the rings.  So the
# --check --exercise checks of the registers that QEMU keeps for its own and for
# vhost-user devices meet a device that can break them: each fails on its fault and
# passes on the clean device (block, entropy, SCSI, and block with packed rings and
# VIRTIO_F_IN_ORDER); the clean devices also pass the checks QEMU 7.2's own devices fail.
# No guest driver binds to them (vlp.nodriver): QEMU cannot carry their interrupts to
# the guest, which --check --exercise sees as MSI-X pending bits instead.
# Prints "pci-proxy: N passed, M failed".
#   tests/qemu/pci-proxy.sh [--keep DIR] (VLP_QEMU_CACHE: the kernel cache, see README.md)
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite pci-proxy
vlp_parse_keep "$@"
vlp_need jq
vlp_faulty_blk
vlp_setup_or_skip
qemu-system-x86_64 -device help 2>&1 | grep -q '"x-pci-proxy-dev"' ||
	skip_suite "$VLP_PROG" "this QEMU has no x-pci-proxy-dev (built without multi-process support)"
vlp_work "$keep"
out=$work/guest.out vlp_mark=@@VLP-PX

# faulty-blk's refusals of the register faults without the PCI front, one line each, exit 1.
fb_refused() { # WHAT ARGS...: faulty-blk started with ARGS refuses, saying WHAT
	local what=$1
	shift
	vlp_refused "faulty-blk $*" "$what" "$fb" "$@"
}
fb_refused "--fault isr-sticky: needs --pci-proxy" --socket-path="$work/r.sock" --fault=isr-sticky
fb_refused "--in-order: needs --pci-proxy" --socket-path="$work/r.sock" --in-order
fb_refused "--fault scsi-sizes-kept: needs --scsi" --pci-proxy=10 --fault=scsi-sizes-kept -- true
fb_refused "--pci-proxy: give the command to run after --" --pci-proxy=10
fb_refused "--pci-proxy 2: give a descriptor number from 3 to 1023" --pci-proxy=2 -- true
fb_refused "--console: with --pci-proxy" --socket-path="$work/r.sock" --console
fb_refused "--fault mac-set-reversed: needs --net" --pci-proxy=10 --fault=mac-set-reversed -- true
fb_refused "--fault emerg-unconfigured: needs --console" --pci-proxy=10 --fault=emerg-unconfigured -- true

# slot name: faulty-blk's options | the exercise's options.  clean, rng-clean, scsi-clean,
# packed-clean, net-clean and console-clean serve without faults; every other name is a
# fault of a block device, or of the type its options give (packed-out-of-order:
# out-of-order on packed rings with VIRTIO_F_IN_ORDER offered).
devices=(
	"0a clean||--hostile"
	"0b rng-clean|--rng|--hostile"
	"0c scsi-clean|--scsi|--config-writes"
	"0d packed-clean|--packed --in-order|"
	"05 net-clean|--net|" "06 mac-set-reversed|--net|"
	"07 console-clean|--console|" "08 emerg-unconfigured|--console|"
	"03 notify-suppressed||" "04 vector-remap-ignored|--fault=notify-suppressed|"
	"0e reset-status-stuck||" "0f reset-queue-enable||" "10 reset-vectors||"
	"11 device-feature-flaky||" "12 features-ok-once||" "13 driver-feature-lost||"
	"14 queue-size-absent||" "15 config-64bit-latch||" "16 pci-cfg-window-aligned||"
	"17 isr-sticky||" "18 vector-zero-only||" "19 vector-unchecked||" "1a no-vector-irq||"
	"1b needs-reset-silent||--hostile"
	"1c scsi-sizes-kept|--scsi|--config-writes"
	"1d packed-out-of-order|--packed --in-order --fault=out-of-order|"
	"1e no-version1||"
)
# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
A=(-object memory-backend-memfd,id=mem,size=512M,share=on -machine memory-backend=mem)
: >"$work/px-devices"
nodriver=
fd=10
launch=()
for d in "${devices[@]}"; do
	IFS='|' read -r head fbopts xopts <<<"$d"
	slot=${head% *} name=${head#* }
	read -ra opts <<<"$fbopts"
	case $name in
	*clean | packed-out-of-order) ;;
	*) opts+=(--fault="$name") ;;
	esac
	# Each faulty-blk runs the next one, the last the guest: descriptor $fd is the
	# socket QEMU's proxy device of that slot talks on.
	launch+=("$fb" --size=4M "${opts[@]}" --pci-proxy="$fd" --log="$work/px-$slot.log" --)
	A+=(-device "x-pci-proxy-dev,id=px$slot,fd=$fd,addr=$slot.0")
	echo "$slot.0 $name $xopts" >>"$work/px-devices"
	nodriver+=${nodriver:+,}00:$slot.0
	fd=$((fd + 1))
done

rc=0
"${launch[@]}" "$VLP_QEMU_DIR/run-guest.sh" -o "$out" --add "$tool:/usr/bin/virtio-lspci" \
	--test "$VLP_QEMU_DIR/pci-proxy/guest.sh" --add "$work/px-devices:/etc/px-devices" \
	--timeout 300 -m 512M --append "vlp.nodriver=$nodriver" --log "$work/console.log" \
	-- "${A[@]}" || rc=$?
check "guest ran (exit $rc)" [ "$rc" = 0 ]
check "guest finished" grep -q '^@@VLP-PX-END' "$out"
# Each faulty-blk ends when QEMU closed its socket, its counts line last.
for d in "${devices[@]}"; do
	log=$work/px-${d%% *}.log
	for _ in $(seq 50); do grep -q 'counts:' "$log" 2>/dev/null && break; sleep 0.1; done
	grep -q 'counts:' "$log" 2>/dev/null ||
		kill -TERM "$(sed -n 's/^faulty-blk: pid \([0-9]*\) serving.*/\1/p' "$log")" 2>/dev/null
done

sect() { vlp_section "$1" "$2"; }
slot_of() {
	local d
	for d in "${devices[@]}"; do
		IFS='|' read -r head _ <<<"$d"
		[[ ${head#* } == "$1" ]] && echo "${head% *}"
	done
}
# count_of NAME KEY: the number KEY=N in the counts line of NAME's faulty-blk.
count_of() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$work/px-$(slot_of "$1").log"; }
# xjson NAME: NAME's exercise JSON; xids NAME SEVERITY: the ids of its findings of SEVERITY;
# xnot NAME: the exercise checks it did not make, "check: reason" per line.
xjson() { sect "$1" exercise | sed -n 2p; }
xids() { xjson "$1" | jq -r ".devices[0].findings[]? | select(.severity == \"$2\") | .check" 2>/dev/null | sort -u; }
xnot() { xjson "$1" | jq -r '.devices[0].not_checked[]? | "\(.check): \(.reason)"' 2>/dev/null | grep '^exercise-'; }
# made_clean NAME CHECK: NAME's exercise made CHECK and found nothing.
made_clean() {
	grep -qx "exercise-$2" <(xjson "$1" | jq -r '.devices[0].passed[]?' 2>/dev/null) &&
		! grep -q "^exercise-$2\(:\|\$\)" <(xids "$1" error; xids "$1" warning; xids "$1" info; xnot "$1")
}
made_passed() { check "$1: exercise-$2 made and passed" made_clean "$1" "$2"; }
# evidence NAME CHECK: the messages of NAME's findings of CHECK.
evidence() { xjson "$1" | jq -r --arg c "exercise-$2" '.devices[0].findings[]? | select(.check == $c) | .message' 2>/dev/null; }

# ---- every exercise ran to its end, nothing on stderr.
for d in "${devices[@]}"; do
	IFS='|' read -r head _ <<<"$d"
	n=${head#* }
	check "$n: --check --exercise ran to its end (JSON, nothing on stderr)" \
		[ -n "$(xjson "$n")" ] && [ -z "$(sect "$n" exercise | sed -n '3,$p')" ]
done

# ---- the clean devices: the register checks pass, and so do those QEMU 7.2's own
# devices fail (FEATURES_OK after an unoffered bit, queue_size after a write, requests
# consumed before DRIVER_OK: make qemu-exercise).
# (A network device has no harmless request: the request checks are not made on it.)
regs=(reset-status reset-queues reset-vectors device-feature version-1 unoffered-bit
	features-ok-again driver-feature queue-size-absent queue-size-pow2 pci-cfg-window
	vector-map vector-map-fail)
reqs=(before-driver-ok isr-read-clears no-vector-no-irq notify-used)
for n in clean rng-clean scsi-clean packed-clean net-clean console-clean; do
	for r in "${regs[@]}"; do made_passed "$n" "$r"; done
	[[ $n == net-clean ]] || for r in "${reqs[@]}"; do made_passed "$n" "$r"; done
done
made_passed net-clean net-mac-addr-set
made_passed net-clean net-num-buffers
made_passed console-clean console-emerg
check "console-clean: the emergency line reached the device" \
	grep -q 'emergency write: virtio-lspci --check --exercise: emergency write' "$work/px-$(slot_of console-clean).log"
made_passed clean config-64bit
made_passed clean needs-reset
made_passed rng-clean entropy-bytes
made_passed rng-clean needs-reset
made_passed scsi-clean scsi-sizes-reset
made_passed scsi-clean scsi-bad-target
made_passed packed-clean in-order
for r in used-id used-len used-idx readable-intact desc-intact notify-suppressed requests-complete \
	any-layout indirect spurious-kick; do made_passed clean "$r"; done
check "clean: exit 0 (no MUST failed)" [ "$(vlp_rc_of clean exercise)" = 0 ]
# SeaBIOS drove the block devices at boot and left them DRIVER_OK, their rings in memory
# it reserved: --check's ring decoder does not read there, and says so in a note.
fw=$(xjson clean | jq -r '.devices[0].findings[]? | select(.check == "ring-memory") | "\(.severity): \(.message)"' | head -n1)
check "clean: the rings SeaBIOS left live are a note, not an error ($fw)" \
	grep -q '^info: descriptor table not read: .* is not System RAM but "Reserved"' <<<"$fw"
check "clean: the text report has a PASS line per check made" \
	grep -q '^ *PASS *4.1.4.5.1 *exercise-isr-read-clears$' <(sect clean text)
check "clean: --check after the exercise: no error ($(sect clean check | tail -n1))" \
	[ "$(vlp_rc_of clean check)" = 0 ]
check "clean: the function decodes as a modern virtio-blk with MSI-X (BAR 1) and the five virtio capabilities" \
	grep -q 'Capabilities: \[98\] Virtio: PCICfg' <(sect clean show)
check "clean --hostile: a descriptor loop: the queue stopped, DEVICE_NEEDS_RESET notified" \
	grep -q 'a descriptor loop.*DEVICE_NEEDS_RESET); configuration vector pending (notified)' \
	<(evidence clean hostile)
ms=$(sect clean exercise | sed -n 's/^ms=//p')
echo "pci-proxy: clean block device: --check --exercise --hostile took ${ms:-?} ms in the TCG guest"

# ---- each fault: its check fails, with the evidence; the back-end applied it.
printf '%-30s %-24s %s\n' check fault "FAIL seen" >"$work/faults.table"
for pair in reset-status:reset-status-stuck reset-queues:reset-queue-enable \
	reset-vectors:reset-vectors device-feature:device-feature-flaky \
	features-ok-again:features-ok-once driver-feature:driver-feature-lost \
	queue-size-absent:queue-size-absent config-64bit:config-64bit-latch \
	pci-cfg-window:pci-cfg-window-aligned isr-read-clears:isr-sticky \
	vector-map:vector-zero-only vector-map-fail:vector-unchecked \
	no-vector-no-irq:no-vector-irq needs-reset:needs-reset-silent \
	scsi-sizes-reset:scsi-sizes-kept in-order:packed-out-of-order version-1:no-version1 \
	net-mac-addr-set:mac-set-reversed console-emerg:emerg-unconfigured; do
	r=${pair%%:*} f=${pair#*:} key=${f#packed-}
	if grep -qx "exercise-$r" <(xids "$f" error; xids "$f" warning); then seen=yes; else seen=no; fi
	printf '%-30s %-24s %s\n' "exercise-$r" "$f" "$seen" >>"$work/faults.table"
	check "$f: --check --exercise reports exercise-$r ($(evidence "$f" "$r" | head -n1))" [ "$seen" = yes ]
	c=$(count_of "$f" "$key")
	[[ $f == no-version1 ]] || check "$f: the back-end applied it (${c:-no count})" [ "${c:-0}" -ge 1 ]
done
cat "$work/faults.table"
# The MUSTs exit 1; features-ok-once breaks a SHOULD (a warning): exit 0 without --strict.
check "reset-vectors: exit 1 (a MUST failed)" [ "$(vlp_rc_of reset-vectors exercise)" = 1 ]
check "features-ok-once: exercise-features-ok-again is a warning, exit 0" \
	[ "$(vlp_rc_of features-ok-once exercise)" = 0 ] &&
	grep -qx exercise-features-ok-again <(xids features-ok-once warning)
# exercise-event-idx-notify after a notification against used_event (notify-suppressed):
# queue 0 is remapped to vector 1 while DRIVER_OK and judged there; a device that keeps
# the vector of DRIVER_OK (as QEMU 7.2's vhost devices do) leaves it NOT RUN, saying why.
check "notify-suppressed: exercise-event-idx-quiet (a warning)" \
	grep -qx exercise-event-idx-quiet <(xids notify-suppressed warning)
made_passed notify-suppressed event-idx-notify
check "vector-remap-ignored: exercise-event-idx-notify not run: the remap not honoured ($(xnot vector-remap-ignored | grep '^exercise-event-idx-notify' | cut -c1-80)...)" \
	grep -q '^exercise-event-idx-notify: .*(a remap at run time may not be honoured)$' \
	<(xnot vector-remap-ignored)
c=$(count_of vector-remap-ignored vector-remap-ignored)
check "vector-remap-ignored: the back-end applied it (${c:-no count})" [ "${c:-0}" -ge 1 ]
# Out of order is allowed without VIRTIO_F_IN_ORDER (make qemu-vhost-user's out-of-order):
# here it is negotiated, and only the in-order check fails.
check "packed-out-of-order: the other packed checks pass" made_clean packed-out-of-order packed-used-id
echo "$VLP_PROG: guest ran in $((SECONDS - VLP_T0))s"
summary "$VLP_PROG"
