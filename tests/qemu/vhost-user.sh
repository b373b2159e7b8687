#!/usr/bin/env bash
# The vhost-user suite (make qemu-vhost-user): one guest (q35, 512M of guest RAM in a
# shared memfd) with vhost-user-blk devices whose back-ends run on the host: faulty-blk
# clean (tests/vhost-user), qemu-storage-daemon's vhost-user-blk export (a device that is
# not QEMU's), and one faulty-blk per fault.  The guest's virtio_blk binds to the clean
# ones, reads the known pattern back (a row, the whole disk's md5) and reads back a write;
# each faulty device is armed by its control write and read once, and what the fault
# does is checked where the guest can see it: the kernel's messages, a read that never
# ends or returns other data, the page cache, the offered features and configuration,
# --check and --selftest.  The back-ends' counts show each fault applied.  The same
# faults on packed rings (faulty-blk --packed, packed=on): each packed --check --exercise
# check failing on its fault and passing on the clean --packed back-end.
# Prints "vhost-user: N passed, M failed".
#   tests/qemu/vhost-user.sh [--keep DIR] (VLP_QEMU_CACHE: the kernel cache, see README.md)
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite vhost-user
vlp_parse_keep "$@"
vlp_need jq
vlp_faulty_blk
# (after setup.sh: it installs qemu-system-x86, which brings qemu-system-common)
vlp_setup_or_skip
command -v qemu-storage-daemon >/dev/null ||
	vlp_cant "qemu-storage-daemon is missing (Debian's qemu-system-common ships it)"
vlp_work "$keep"
out=$work/guest.out vlp_mark=@@VLP-VU
# faulty-blk's refusals of what --rng, --scsi and --net cannot serve: one line each, exit 1.
fb_refused() { # WHAT ARGS...: the back-end started with ARGS refuses, saying WHAT
	local what=$1
	shift
	vlp_refused "faulty-blk $*" "$what" "$fb" "$@" --socket-path="$work/refused.sock"
}
fb_refused "--rng: one split queue" --rng --packed
fb_refused "--fault no-entropy: needs --rng" --fault=no-entropy
fb_refused "--scsi: one request queue, split" --scsi --packed
fb_refused "--fault bad-target-failure: needs --scsi" --fault=bad-target-failure
fb_refused "--fault target-failure: needs --scsi" --fault=target-failure
fb_refused "--net: one queue pair, split" --net --rng
fb_refused "--fault num-buffers-two: needs --net" --fault=num-buffers-two
size=4M
bytes=$((4 << 20))

# slot name: 03 the clean faulty-blk (functions 1 and 2: faulty-blk --rng behind QEMU's
# vhost-user-rng-pci, clean and with its fault; 3, 4 and 7: faulty-blk --scsi behind
# vhost-user-scsi-pci, clean, with its fault and with a failing target; 5 and 6: faulty-blk --net behind a vhost-user netdev,
# the same), 04 qemu-storage-daemon, then one device
# per fault;
# packed-NAME: faulty-blk --packed with QEMU's packed=on (functions of slots 1d and 1e:
# the bus has no slot left; functions 4 to 6 of 1e hold split devices).
devices=(03.0:clean 03.1:rng-clean 03.2:rng-no-entropy 03.3:scsi-clean 03.4:scsi-bad-target-failure
	03.5:net-clean 03.6:net-num-buffers-two 03.7:scsi-target-failure 04:qsd 05:used-id-not-head 06:used-id-twice 07:used-len-over
	08:used-len-under 09:used-idx-skip 0a:used-flags 0b:write-readable 0c:write-desc-table
	0d:no-notify 0e:notify-suppressed 0f:ignore-indirect 10:split-header 11:hang
	12:complete-after-reset 13:out-of-order 14:ro-writes 15:wce-no-flush 16:config-padding
	17:no-version1 18:used-id-not-head+x 19:no-notify+x 1a:hang+x 1b:complete-after-reset+x
	1c:spurious-used+x 1d.0:packed-clean+x 1d.1:packed-used-id-not-head+x
	1d.2:packed-used-id-twice+x 1d.3:packed-used-len-over+x 1d.4:packed-used-flags+x
	1d.5:packed-write-readable+x 1d.6:packed-write-desc-table+x 1d.7:packed-hang+x
	1e.0:packed-no-notify+x 1e.1:packed-notify-suppressed+x 1e.2:packed-desc-as-enable+x
	1e.3:packed-no-write-flag+x 1e.4:get-id-unsupp 1e.5:unknown-ok 1e.6:out-of-range-ok
	1e.7:packed-ignore-indirect+x)
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
stop_backends() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
trap 'stop_backends; vlp_cleanup' EXIT

# The disk pattern: the 16 bytes at offset o are "%012x fb\n" of o.
awk -v n="$bytes" 'BEGIN { for (o = 0; o < n; o += 16) printf "%012x fb\n", o }' >"$work/qsd.img"
want_md5=$(md5sum <"$work/qsd.img" | cut -d' ' -f1)

# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
A=(-object memory-backend-memfd,id=mem,size=512M,share=on -machine memory-backend=mem)
: >"$work/vu-devices"
for d in "${devices[@]}"; do
	slot=${d%%:*} name=${d#*:} sock=$work/vu-$slot.sock log=$work/vu-$slot.log
	bdf=$slot fault=${name#packed-} fb_packed=()
	fault=${fault%+x} fault=${fault#rng-} fault=${fault#scsi-} fault=${fault#net-} netdev=()
	[[ $bdf == *.* ]] || bdf=$slot.0
	dev=vhost-user-blk-pci,chardev=c$slot,num-queues=1,id=vu$slot,addr=$bdf
	if [[ $name == packed-* ]]; then
		fb_packed=(--packed)
		dev+=,packed=on
	fi
	[[ $name == rng-* ]] && dev=vhost-user-rng-pci,chardev=c$slot,id=vu$slot,addr=$bdf
	[[ $name == scsi-* ]] && dev=vhost-user-scsi-pci,chardev=c$slot,id=vu$slot,addr=$bdf
	# virtio-net over a vhost-user netdev without MSI-X (vectors=0) and without iPXE's ROM:
	# with MSI-X, QEMU 7.2 under TCG (no irqfd) segfaults in vhost_net_start at the
	# guest's DRIVER_OK (measured: msix_set_vector_notifiers, called from
	# vhost_net_start, on the vCPU thread: QEMU's own code; faulty-blk is the only
	# vhost-user net back-end here to measure it with).
	if [[ $name == net-* ]]; then
		netdev=(-netdev "vhost-user,id=n$slot,chardev=c$slot")
		dev=virtio-net-pci,netdev=n$slot,id=vu$slot,addr=$bdf,romfile=,vectors=0
	fi
	# function 0 of a slot whose other functions are devices too
	[[ $bdf == 03.0 || $bdf == 1[de].0 ]] && dev+=,multifunction=on
	case $name in
	clean | packed-clean+x) "$fb" "${fb_packed[@]}" --socket-path="$sock" --size=$size --serial="fb-$slot" 2>"$log" & ;;
	rng-clean) "$fb" --rng --socket-path="$sock" --size=$size 2>"$log" & ;;
	rng-*) "$fb" --rng --socket-path="$sock" --size=$size --fault="$fault" 2>"$log" & ;;
	scsi-clean) "$fb" --scsi --socket-path="$sock" --size=$size 2>"$log" & ;;
	scsi-*) "$fb" --scsi --socket-path="$sock" --size=$size --fault="$fault" 2>"$log" & ;;
	net-clean) "$fb" --net --socket-path="$sock" --size=$size 2>"$log" & ;;
	net-*) "$fb" --net --socket-path="$sock" --size=$size --fault="$fault" 2>"$log" & ;;
	qsd) qemu-storage-daemon --blockdev "driver=file,node-name=f0,filename=$work/qsd.img" \
		--export "type=vhost-user-blk,id=e0,node-name=f0,addr.type=unix,addr.path=$sock,writable=on" \
		>"$log" 2>&1 & ;;
	*) "$fb" "${fb_packed[@]}" --socket-path="$sock" --size=$size --serial="fb-$slot" --fault="$fault" \
		--disarmed 2>"$log" & ;;
	esac
	pids+=($!)
	echo "$bdf $name" >>"$work/vu-devices"
	A+=(-chardev "socket,id=c$slot,path=$sock" "${netdev[@]}" -device "$dev")
done
for d in "${devices[@]}"; do
	for _ in $(seq 50); do [[ -S $work/vu-${d%%:*}.sock ]] && break; sleep 0.1; done
	[[ -S $work/vu-${d%%:*}.sock ]] || vlp_cant "back-end ${d#*:} did not listen: $(head -c 300 "$work/vu-${d%%:*}.log")"
done

vlp_guest @@VLP-VU-END --test "$VLP_QEMU_DIR/vhost-user/guest.sh" --timeout 300 -m 512M \
	--add "$work/vu-devices:/etc/vu-devices" --log "$work/console.log" -- "${A[@]}"
stop_backends

# sect NAME WHAT: the guest's run "NAME WHAT"; line N of it: sect NAME WHAT | sed -n Np.
sect() { vlp_section "$1" "$2"; }
has() { grep -q -- "$3" <(sect "$1" "$2"); }
# count_of NAME KEY: the number KEY=N in the counts line of the back-end of NAME.
count_of() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$work/vu-$(slot_of "$1").log"; }
slot_of() {
	local d
	for d in "${devices[@]}"; do [[ ${d#*:} == "$1" ]] && echo "${d%%:*}"; done
}
# jdev NAME FILTER: jq -e FILTER on the device object of NAME's one-line JSON.
jdev() { sect "$1" json | jq -e ".devices[0] | $2" >/dev/null 2>&1; }
row3=$(printf '%012x fb' $((3 * 512)))
stuck() { [ "$(sect "$1" probe)" = stuck ]; }

# ---- the clean back-ends: faulty-blk without faults, and qemu-storage-daemon.
for n in clean qsd; do
	check "$n: virtio_blk bound, VERSION_1 negotiated" \
		grep -q '^features=.\{32\}1' <(sect $n info)
	check "$n: sector 3 reads the pattern" [ "$(sect $n read | sed -n 1p)" = "$row3" ]
	check "$n: the whole disk's md5 is the pattern's" [ "$(sect $n read | sed -n 2p)" = "$want_md5" ]
	check "$n: a write reads back" [ "$(sect $n read | sed -n 3p)" = "vlp write $n" ]
	check "$n: the sector after it is untouched" \
		[ "$(sect $n read | sed -n 4p)" = "$(printf '%012x fb' $((10 * 512)))" ]
	check "$n: --check: no error" [ "$(vlp_rc_of $n check)" = 0 ]
	check "$n: --selftest --rebind passes" [ "$(vlp_rc_of $n selftest)" = 0 ]
	check "$n: read again through virtio_blk after --rebind" [ "$(sect $n reread)" = "vlp write $n" ]
	check "$n: padding byte unused0 reads 0" jdev $n '[.. | objects | select(has("unused0"))][0].unused0 == 0'
done
check "clean: the back-end counts requests" [ "$(count_of clean requests)" -gt 0 ]

# ---- faults the guest sees.
has_head() { has "$1" dmesg 'is not a head'; }
check "used-id-not-head: virtio_blk reports 'id N is not a head'" has_head used-id-not-head
check "used-id-not-head: the read never completes (the kernel's queue is broken)" stuck used-id-not-head
check "used-id-twice: virtio_blk reports 'id N is not a head'" has_head used-id-twice
check "used-id-twice: --check: ring-in-flight (used.idx past avail.idx)" has used-id-twice check 'ring-in-flight'
check "used-id-twice: --selftest fails on used.idx" has used-id-twice selftest 'FAIL .*past the last seen'
check "used-len-over: the kernel reads on (it ignores len)" [ "$(sect used-len-over probe)" = "$row3" ]
check "used-len-over: --selftest fails on the used length" has used-len-over selftest 'FAIL .*exceeds'
check "used-len-under (allowed: 2.7.8.2): --selftest passes" [ "$(vlp_rc_of used-len-under selftest)" = 0 ]
check "used-idx-skip: virtio_blk reports 'id N is not a head'" has_head used-idx-skip
check "used-idx-skip: --check: ring-in-flight" has used-idx-skip check 'ring-in-flight'
check "used-idx-skip: --selftest fails on used.idx" has used-idx-skip selftest 'FAIL .*past the last seen'
check "used-flags: --check: ring-flags (used flags 0x2)" has used-flags check 'ring-flags: used flags 0x2'
pc=$(sect write-readable pagecache | tr '\n' ' ')
read -r pc_written pc_cached pc_disk <<<"$pc"
check "write-readable: the page cache no longer holds what was written ($pc)" \
	[ -n "$pc_cached" ] && [ "$pc_cached" != "$pc_written" ]
check "write-readable: the disk holds what was written" [ "$pc_disk" = "$pc_written" ]
check "no-notify: the read never completes" stuck no-notify
check "no-notify: the back-end completed it unnotified" [ "$(count_of no-notify no-notify)" -ge 1 ]
check "ignore-indirect: the read returns other bytes than the pattern" \
	[ "$(sect ignore-indirect probe)" != "$row3" ] && ! stuck ignore-indirect
check "hang: the read never completes" stuck hang
check "complete-after-reset: the read never completes" stuck complete-after-reset
check "ro-writes: VIRTIO_BLK_F_RO offered, the kernel made the disk read-only" \
	grep -q '^ro=1' <(sect ro-writes info)
check "ro-writes: the kernel refused the control write (EPERM)" has ro-writes arm 'not permitted'
check "wce-no-flush: CONFIG_WCE offered without FLUSH" \
	jdev wce-no-flush '.state.common.device_features | index("VIRTIO_BLK_F_CONFIG_WCE") != null and index("VIRTIO_BLK_F_FLUSH") == null'
check "wce-no-flush: the guest runs a write-back cache it cannot flush" \
	grep -q 'cache=write back' <(sect wce-no-flush info)
# unused1 (offset 57) lies past the configuration QEMU 7.2 gives a vhost-user-blk without
# WRITE_ZEROES: it reads 0xff there on every device, so only unused0 can show the fault.
check "config-padding: unused0 reads 0xa5" \
	jdev config-padding '[.. | objects | select(has("unused0"))][0].unused0 == 165'
check "no-version1: QEMU made the device legacy-only (no modern interface)" \
	jdev no-version1 '.state.common == null and .state.legacy != null'
check "no-version1: VERSION_1 not negotiated" grep -q '^features=.\{32\}0' <(sect no-version1 info)

# ---- faults only a driver that sets up its own rings sees (--check --exercise): the
# kernel's I/O works on, and the back-end counts each time the fault applied.
for n in used-len-under write-desc-table notify-suppressed out-of-order split-header get-id-unsupp \
	unknown-ok out-of-range-ok; do
	check "$n: the kernel's read works" [ "$(sect $n probe)" = "$row3" ]
done
for n in used-id-not-head used-id-twice used-len-over used-len-under used-idx-skip used-flags \
	write-readable write-desc-table no-notify ignore-indirect hang complete-after-reset \
	ro-writes get-id-unsupp unknown-ok out-of-range-ok; do
	c=$(count_of $n "$n")
	check "$n: the back-end applied it (${c:-no count})" [ "${c:-0}" -ge 1 ]
done
check "notify-suppressed: notified against the driver's suppression" \
	[ "$(count_of notify-suppressed notified_against_suppression)" -ge 1 ]

# ---- --check --exercise's notification and ring checks, on each unbound device: the
# clean back-end passes them all; each fault fails its check.  The faults whose first
# request never ends for the kernel run as NAME+x: armed, the driver unbound at once,
# then only the exercise drives them.
# xids NAME SEVERITY: the check ids of NAME's exercise findings of SEVERITY.
xids() { sect "$1" exercise | sed -n 2p | jq -r ".devices[0].findings[]? | select(.severity == \"$2\") | .check" 2>/dev/null | sort -u; }
# xnot NAME: the exercise checks NAME did not make, "check: reason" per line.
xnot() { sect "$1" exercise | sed -n 2p | jq -r '.devices[0].not_checked[]? | "\(.check): \(.reason)"' 2>/dev/null | grep '^exercise-'; }
rings=(notify-used used-id used-len used-idx readable-intact desc-intact notify-suppressed requests-complete used-after-reset any-layout indirect event-idx-quiet event-idx-notify spurious-kick)
# made_clean NAME CHECK: NAME's exercise made CHECK (not in its not-run list) and found
# nothing (no finding of it, whatever the severity).
made_clean() {
	! grep -q "^exercise-$2\(:\|\$\)" <(xids "$1" error; xids "$1" warning; xids "$1" info; xnot "$1")
}
# no_finding NAME PREFIX: no error or warning of NAME's exercise has an id starting PREFIX.
no_finding() { ! grep -q "^$2" <(xids "$1" error; xids "$1" warning); }
# made_passed NAME CHECK: the check that NAME's exercise made CHECK and found nothing.
made_passed() { check "$1: exercise-$2 made and passed" made_clean "$1" "$2"; }
for r in "${rings[@]}"; do made_passed clean "$r"; done
# The block requests (checkextypes.c): the clean back-end passes those a writable device
# makes (the read-only write needs VIRTIO_BLK_F_RO: QEMU's read-only virtio-blk passes it
# in make qemu-exercise); the faults below fail each.
for r in blk-flush-wce blk-get-id blk-unsupported blk-out-of-range; do made_passed clean "$r"; done
# faulty-blk --rng behind QEMU's vhost-user-rng-pci: the clean one passes the request
# checks an entropy device makes; no-entropy (used.len 0) fails exercise-entropy-bytes.
for r in entropy-bytes before-driver-ok notify-used no-vector-no-irq; do made_passed rng-clean "$r"; done
check "rng-no-entropy: the back-end applied it ($(count_of rng-no-entropy no-entropy))" \
	[ "$(count_of rng-no-entropy no-entropy)" -ge 1 ]
made_passed rng-no-entropy notify-used
# faulty-blk --scsi behind QEMU's vhost-user-scsi-pci (QEMU keeps its configuration): the
# guest's virtio_scsi scanned it (target 0 LUN 0 found; the other targets answered
# BAD_TARGET); the clean one passes the checks a SCSI host makes, bad-target-failure fails
# exercise-scsi-bad-target; the sizes are only read after a reset (no --config-writes).
check "scsi-clean: virtio_scsi's scan found LUN 0 of target 0 only ($(sect scsi-clean scan | tr '\n' ' '))" \
	[ "$(sect scsi-clean scan | sed 's/^[0-9]*://; s/ *$//')" = "0:0:0 faulty" ]
for r in scsi-bad-target any-layout indirect before-driver-ok notify-used no-vector-no-irq; do
	made_passed scsi-clean "$r"
done
check "scsi-clean: --selftest passes (INQUIRY, TEST UNIT READY)" [ "$(vlp_rc_of scsi-clean selftest)" = 0 ]
check "scsi-clean: --selftest read the back-end's INQUIRY data" \
	grep -q 'vendor "faulty", product "faulty-scsi", peripheral type 0x1f' <(sect scsi-clean selftest)
check "scsi-clean: exercise-scsi-sizes-reset not run without --config-writes" \
	grep -q '^exercise-scsi-sizes-reset: needs --config-writes' <<<"$(xnot scsi-clean)"
check "scsi-bad-target-failure: the back-end applied it ($(count_of scsi-bad-target-failure bad-target-failure))" \
	[ "$(count_of scsi-bad-target-failure bad-target-failure)" -ge 1 ]
made_passed scsi-bad-target-failure notify-used
# A negative control: a target that fails every command (VIRTIO_SCSI_S_TARGET_FAILURE, a
# response 5.6.6.1 lists) breaks no rule: no finding beyond QEMU's own two, the
# arrangement checks not run and saying why, BAD_TARGET still judged on an absent one.
check "scsi-target-failure: the back-end applied it ($(count_of scsi-target-failure target-failure))" \
	[ "$(count_of scsi-target-failure target-failure)" -ge 1 ]
got=$(xids scsi-target-failure error; xids scsi-target-failure warning)
check "scsi-target-failure (allowed): no finding but QEMU's unoffered-bit and queue-size-pow2 ($(tr '\n' ' ' <<<"$got"))" \
	[ "$(tr '\n' ' ' <<<"$got")" = "exercise-queue-size-pow2 exercise-unoffered-bit " ]
check "scsi-target-failure: exercise-any-layout not run, the reference not answered OK" \
	grep -q '^exercise-any-layout: a TEST UNIT READY to target 0 as request and response did not answer VIRTIO_SCSI_S_OK' <(xnot scsi-target-failure)
made_passed scsi-target-failure scsi-bad-target
# faulty-blk --net behind a vhost-user netdev (QEMU keeps the control queue and the
# configuration): the frame it puts in the exercise's receive buffers carries
# num_buffers 1 (QEMU's own virtio-net writes 0, make qemu-exercise), 2 with its fault;
# the mac set through the control queue is QEMU's to honour.
for r in net-num-buffers net-mac-addr-set; do made_passed net-clean "$r"; done
check "net-num-buffers-two: the back-end applied it ($(count_of net-num-buffers-two num-buffers-two))" \
	[ "$(count_of net-num-buffers-two num-buffers-two)" -ge 1 ]
check "net-num-buffers-two: the evidence names num_buffers 2" \
	grep -q 'packet with num_buffers 2, VIRTIO_NET_F_MRG_RXBUF not negotiated' \
	<(sect net-num-buffers-two exercise | sed -n 2p | jq -r '.devices[0].findings[].message')
# --hostile on a packed ring (faulty-blk --packed, QEMU's packed=on): the five lists
# (2.8.17, 2.8.19) each sent in a session of its own and what the back-end did noted;
# faulty-blk stops the queue on those it cannot follow (the address outside RAM, INDIRECT
# in a table or in a list) and serves the run-on list (its next slot, never made
# available, reads as an empty buffer) and the zero-length buffer.
# hmsg NAME PREFIX: NAME's exercise-hostile messages that start with PREFIX.
hmsg() { sect "$1" exercise | sed -n 2p | jq -r --arg p "$2" '.devices[0].findings[] | select(.check == "exercise-hostile") | .message | select(startswith($p))'; }
pk() { hmsg packed-clean+x "$1"; }
check "packed-clean+x --hostile: five lists on a packed ring noted ($(pk 'on a packed ring' | wc -l))" \
	[ "$(pk 'on a packed ring' | wc -l)" = 5 ]
check "packed-clean+x --hostile: INDIRECT inside a packed indirect table: nothing used, no reset asked" \
	grep -q 'nothing used; device_status 0x0f;' <<<"$(pk 'on a packed ring, VIRTQ_DESC_F_INDIRECT inside')"
check "packed-clean+x --hostile: the run-on list served (slot 0 used)" \
	grep -q 'slot 0 used (used len 513)' <<<"$(pk 'on a packed ring, a list that runs on')"
check "packed-clean+x --hostile: a READ works again after the reset" grep -q 'works again' <<<"$(pk 'after the malformed')"
# --hostile on a virtio-rng that is not QEMU's: the same chains as on QEMU's (built from
# the entropy request, split 32 + 32); the loop is left unused (faulty-blk stops the
# queue), and an entropy request works again after the reset.
check "rng-clean --hostile: a descriptor loop: nothing used, no reset asked" \
	grep -q ': nothing used; device_status 0x0f;' <<<"$(hmsg rng-clean "a descriptor loop")"
check "rng-clean --hostile: an entropy request works again after the reset" \
	grep -q 'an entropy request works again (used len 64)' <<<"$(hmsg rng-clean "after the malformed")"
# ... and on a virtio-scsi that is not QEMU's: the TEST UNIT READY's chains on queue 2.
check "scsi-clean --hostile: a descriptor loop: nothing used, no reset asked" \
	grep -q ': nothing used; device_status 0x0f;' <<<"$(hmsg scsi-clean "a descriptor loop")"
check "scsi-clean --hostile: a TEST UNIT READY works again after the reset" \
	grep -q 'a TEST UNIT READY to target 0 works again (used len 108)' <<<"$(hmsg scsi-clean "after the malformed")"
# The packed ring (2.8) on faulty-blk --packed: the kernel's I/O (the boot's partition
# scan, the control write) and the exercise's packed session both through it.
packed=(packed-used-id packed-used-flags packed-used-len packed-used-write packed-list-skip
	packed-readable packed-complete packed-notify packed-quiet packed-desc-quiet packed-desc-event
	packed-indirect)
for r in "${packed[@]}"; do made_passed packed-clean+x "$r"; done
check "packed-clean+x: the guest's virtio_blk negotiated VIRTIO_F_RING_PACKED (bit 34)" \
	grep -q '^features=.\{34\}1' <(sect packed-clean+x info)
ms=$(sect clean exercise | sed -n 's/^ms=//p')
echo "vhost-user: clean faulty-blk: --check --exercise --hostile took ${ms:-?} ms in the TCG guest"
printf '%-28s %-26s %s\n' check fault "FAIL seen" >"$work/rings.table"
for pair in used-id:used-id-twice used-id:used-id-not-head+x used-idx:used-idx-skip used-idx:used-id-twice \
	used-len:used-len-over readable-intact:write-readable desc-intact:write-desc-table \
	notify-suppressed:notify-suppressed notify-used:no-notify+x requests-complete:hang+x \
	used-after-reset:complete-after-reset+x any-layout:split-header indirect:ignore-indirect \
	event-idx-quiet:notify-suppressed event-idx-notify:no-notify+x spurious-kick:spurious-used+x \
	packed-used-id:packed-used-id-not-head+x packed-used-id:packed-used-id-twice+x \
	packed-used-len:packed-used-len-over+x packed-used-flags:packed-used-flags+x \
	packed-readable:packed-write-readable+x packed-list-skip:packed-write-desc-table+x \
	packed-complete:packed-hang+x packed-notify:packed-no-notify+x \
	packed-quiet:packed-notify-suppressed+x packed-desc-quiet:packed-desc-as-enable+x \
	packed-desc-event:packed-no-notify+x packed-used-write:packed-no-write-flag+x \
	packed-indirect:packed-ignore-indirect+x \
	blk-flush-wce:wce-no-flush blk-read-only:ro-writes blk-get-id:get-id-unsupp \
	blk-unsupported:unknown-ok blk-out-of-range:out-of-range-ok entropy-bytes:rng-no-entropy \
	scsi-bad-target:scsi-bad-target-failure net-num-buffers:net-num-buffers-two; do
	r=${pair%%:*} f=${pair#*:}
	if [ -z "$(sect "$f" exercise)" ]; then
		seen="not run ($(sect "$f" unbind | head -n1))"
	elif grep -qx "exercise-$r" <(xids "$f" error; xids "$f" warning; xids "$f" info); then
		seen=yes
	else
		seen=no
	fi
	printf '%-28s %-26s %s\n' "exercise-$r" "$f" "$seen" >>"$work/rings.table"
	check "$f: --check --exercise reports exercise-$r ($seen)" [ "$seen" = yes ]
done
cat "$work/rings.table"
# --hostile on the clean faulty-blk (a device that is not QEMU's), measured: a chain it
# cannot follow (a loop, next out of range, an address outside guest memory, a nested
# indirect table) stops its queue until the next start and signals the err eventfd, which
# QEMU 7.2 only logs (vhost_virtqueue_error_notifier): nothing used, no
# DEVICE_NEEDS_RESET; a zero-length buffer and a chain longer than the queue (17
# descriptors through an indirect table on a queue of 16) are served; the queue_enable 0
# write is refused by QEMU's virtio-pci (virtio_error: DEVICE_NEEDS_RESET, notified) while
# the back-end serves the READ. After a reset a READ works again.
hn() { hmsg clean "$1"; }
for p in "a descriptor loop" "next out of range" "an address outside guest RAM" "VIRTQ_DESC_F_INDIRECT inside"; do
	check "clean --hostile: $p: nothing used, no reset asked ($(hn "$p" | sed 's/^[^:]*: //'))" \
		grep -q 'nothing used; device_status 0x0f;' <<<"$(hn "$p")"
done
check "clean --hostile: a zero-length buffer: served" grep -q 'used.idx moved (used len 1)' <<<"$(hn "a zero-length")"
check "clean --hostile: a chain longer than the queue: served whole" \
	grep -q 'used len 513, status byte 0)' <<<"$(hn "a chain longer")"
check "clean --hostile: a disabled queue: DEVICE_NEEDS_RESET (QEMU's), notified" \
	grep -q 'DEVICE_NEEDS_RESET); configuration vector pending (notified)' <<<"$(hn "a READ of sector 0 on a queue")"
check "clean --hostile: a READ works again after the reset" grep -q 'works again' <<<"$(hn "after the malformed")"
check "clean --hostile: exercise-needs-reset made and passed" \
	made_clean clean needs-reset
# Every exercise ran to its end: a fault is a finding, never the end of the run.
for d in "${devices[@]}"; do
	n=${d#*:}
	[ -n "$(sect "$n" exercise)" ] || continue
	check "$n: --check --exercise ran to its end (nothing on stderr)" \
		[ -z "$(sect "$n" exercise | sed -n '3,$p')" ]
done
# Negative controls: what the spec allows is not reported.
for n in used-len-under out-of-order; do
	check "$n (allowed): no exercise-used-* finding" \
		no_finding "$n" exercise-used-
done
# A measured deviation of qemu-storage-daemon 7.2: a queue mapped to NO_VECTOR (4.1.5.1.2)
# makes QEMU's vhost_virtqueue_start pass no call eventfd, and libvhost-user's notification
# after the first completion panics ("vu_panic: Error writing eventfd: Bad file
# descriptor"): the export then serves nothing until it is restarted.  Seen in most runs,
# not all (one local run of six this session, one CI run before), so the check is
# conditional on the panic's log line.  A race QEMU 7.2's sources show, not measured: the
# exercise's READ is already available at the start (kicked before DRIVER_OK), and
# vhost_virtqueue_start sends SET_VRING_KICK before the SET_VRING_CALL without a file
# descriptor; a read that completes in between is notified on the call eventfd QEMU's
# guest notifier setup gave it just before, and nothing panics.
if grep -q 'vu_panic: Error writing eventfd' "$work/vu-04.log"; then
	check "qsd: after libvhost-user's panic, --check --exercise reports exercise-requests-complete" \
		grep -qx exercise-requests-complete <(xids qsd error)
else
	echo "$VLP_PROG: note: qsd: no libvhost-user panic this run; its exercise ran against a serving export"
	check "qsd: no panic: --check --exercise ran to its end" [ -n "$(sect qsd exercise)" ]
fi

# QEMU refuses a modern-only device without VERSION_1 (measured: 7.2 says "Device doesn't
# support modern mode, and legacy mode is disabled").
sock=$work/nv.sock
"$fb" --socket-path="$sock" --size=1M --fault=no-version1 2>"$work/nv.log" &
pids+=($!)
for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
msg=$(timeout 30 qemu-system-x86_64 -accel tcg -machine q35,memory-backend=mem -m 128M \
	-object memory-backend-memfd,id=mem,size=128M,share=on -display none -S -monitor none \
	-serial none -chardev "socket,id=c0,path=$sock" \
	-device vhost-user-blk-pci,chardev=c0,num-queues=1,disable-legacy=on </dev/null 2>&1)
check "no-version1 with disable-legacy=on: QEMU refuses the device ($msg)" \
	grep -q "doesn't support modern mode" <<<"$msg"
stop_backends

# --config-writes measured on a vhost-user-scsi (a guest of its own: it ends): sense_size
# and cdb_size written after FEATURES_OK (5.6.4 lets a driver write them) make QEMU 7.2's
# vhost_scsi_common_set_config report "vhost-scsi does not support changing the sense
# data and CDB sizes" and exit(1), the VM gone; hence never by default.
sock=$work/cw.sock
"$fb" --scsi --socket-path="$sock" --size=1M 2>"$work/cw.log" &
pids+=($!)
for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
cw_rc=0
"$VLP_QEMU_DIR/run-guest.sh" --test "$VLP_QEMU_DIR/vhost-user/config-writes.sh" --unbind --timeout 120 \
	-m 256M --add "$tool:/usr/bin/virtio-lspci" -o "$work/cw.out" -- \
	-object memory-backend-memfd,id=mem,size=256M,share=on -machine memory-backend=mem \
	-chardev "socket,id=cw,path=$sock" -device vhost-user-scsi-pci,chardev=cw,addr=0x3 \
	2>"$work/cw.err" || cw_rc=$?
check "--config-writes on QEMU's vhost-user-scsi: the VM ends (run-guest exit $cw_rc: no end marker)" [ "$cw_rc" = 125 ]
check "--config-writes on QEMU's vhost-user-scsi: QEMU says why ($(grep -o 'vhost-scsi does not support[^;]*' "$work/cw.err" | head -n1))" \
	grep -q 'vhost-scsi does not support changing the sense data and CDB sizes' "$work/cw.err"
check "--config-writes on QEMU's vhost-user-scsi: the guest got as far as the tool's run" \
	grep -q 'config-writes: virtio-lspci --check --exercise --config-writes' "$work/cw.err"
stop_backends
echo "$VLP_PROG: guest ran in $((SECONDS - VLP_T0))s"
summary "$VLP_PROG"
