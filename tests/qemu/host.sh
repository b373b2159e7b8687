#!/bin/bash
# The host's view (make qemu-host): one TCG guest (q35, 512M of guest RAM in a shared
# memfd for the vhost-user device) with a virtio-net (00:02.0), -blk (03), -rng (04,
# rate-limited by QEMU: max-bytes=64 per 10 minutes), -serial with a virtconsole (05),
# -scsi with a scsi-hd (06), a vhost-user-blk served by qemu-storage-daemon (07), a
# packed virtio-blk (08, packed=on) and a virtio-rng without its driver (09), looked at from both sides at the same moment (the guest waits on a step while the host
# reads; tests/qemu/host/guest.sh and hook.sh):
#   - per device, joined by PCI slot, the host view (virtio-lspci --qmp=SOCKET -J -vv
#     --rings) equals the guest's own (-J -vv --rings inside) on device type, status,
#     device/driver/negotiated features, and per queue on size, addresses, enable and the
#     ring indices avail.idx and used.idx (a queue that moved between the guest's two
#     reads around the host's is compared on the bounds only);
#   - a stall made on purpose: the blk throttled (QMP block_set_io_throttle, 64 bytes/s)
#     while the guest reads it, and the rng whose reader waits on QEMU's rate limit: the
#     host's --sample names the verdict the guest's --sample names, with QEMU's indices
#     as evidence (inuse, last_avail_idx, used_idx) and the host-only cause
#     (fetched-not-completed, kicked-not-fetched);
#   - moved while sampled: a sample's two reads (QEMU's indices, then or before the ring
#     in guest RAM) that disagree say so (moved_while_sampled, motion): none while the
#     guest waits (every device, --sample=3x100ms); the virtio-blk read in a loop
#     (--sample=10x100ms) is progressing, never stalled, and a moved sample names both
#     values and which was read first, in JSON and in text;
#   - a device made to need a reset (a virtio-rng, 09: the guest's REPL writes queue_enable
#     0 while DRIVER_OK, QEMU's virtio_error): guest and host --sample name it
#     device-stalled (2.1.2), the host with QEMU's broken as the cause (device-broken);
#   - --top --rings on the throttled blk in a tmux pane (200x50): the verdict column says
#     "device-stalled (host: fetched-not-completed)", the words of --sample's text;
#   - a packed virtio-blk (08, packed=on) throttled as the blk: QEMU's indices are ring
#     slots (no wrap counters), the host names the guest's verdict and
#     fetched-not-completed with QEMU's inuse and the ring's next slot; moved while
#     sampled is compared on the sample whose QEMU read came first only, and the JSON
#     says the others were not judged (host_not_judged); read in a loop beside the blk, it
#     is progressing and a moved sample names QEMU's slot and the ring's; the vhost-user-blk's queue is
#     neither compared nor judged (QEMU has none of its indices) and says so;
#   - the vhost-user-blk still serves the guest after the host's reads (its queues are
#     never asked x-query-virtio-queue-status, whose VHOST_USER_GET_VRING_BASE stops
#     the backend's ring);
#   - the host faces: text (-vv) says it is QEMU's view through the monitor, --check,
#     --save decoded offline by -F as the live host view, -s;
#   - refusals, each one line and exit 1: a socket that is not QMP (a banner, an echo
#     server), a monitor busy with another client, QEMU with -compat
#     unstable-input=reject, a path that does not exist;
#   - every command the tool sent (--monitor-log) is a query: qmp_capabilities, query-*,
#     x-query-virtio, -status, -queue-status, -vhost-queue-status, pmemsave, or
#     human-monitor-command "xp"/"info"; never x-query-virtio-queue-element (it
#     overwrites QEMU's shadow_avail_idx).
#
#   tests/qemu/host.sh [--keep DIR]   (VLP_QEMU_CACHE: the kernel cache, see README.md)
#
# Output: FAIL lines, "note:" lines, then "qemu-host: N passed, M failed"; exit 0 only if
# every check passed. Not root: "SKIP: reason" and exit 0 (vlp_setup_or_skip).
# About 51-55 s (45 s before the packed virtio-blk was added, measured back to back).
# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite qemu-host
vlp_parse_keep "$@"
vlp_need jq socat base64 tar
command -v qemu-storage-daemon >/dev/null ||
	vlp_cant "qemu-storage-daemon is missing (Debian's qemu-system-common ships it)"
vlp_setup_or_skip
vlp_work "$keep"
out=$work/guest.out g=$work/guest h=$work/host
mkdir -p "$g" "$h"

pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
stop_all() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
trap 'stop_all; vlp_cleanup' EXIT

# ---------------------------------------------------------------- the guest
truncate -s 16M "$work/blk.img" "$work/scsi.img" "$work/qsd.img" "$work/packed.img"
qemu-storage-daemon --blockdev "driver=file,node-name=f0,filename=$work/qsd.img" \
	--export "type=vhost-user-blk,id=e0,node-name=f0,addr.type=unix,addr.path=$work/vu.sock,writable=on" \
	>"$work/qsd.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S $work/vu.sock ]] && break; sleep 0.1; done
[[ -S $work/vu.sock ]] || vlp_cant "qemu-storage-daemon did not listen: $(head -c 300 "$work/qsd.log")"

A=(-object memory-backend-memfd,id=mem,size=512M,share=on -machine memory-backend=mem
	-netdev user,id=n02 -device virtio-net-pci,netdev=n02,id=vlp02,addr=0x2
	-drive "if=none,id=d03,format=raw,file=$work/blk.img"
	-device virtio-blk-pci,drive=d03,id=vlp03,addr=0x3
	-device virtio-rng-pci,id=vlp04,addr=0x4,max-bytes=64,period=600000
	-device virtio-serial-pci,id=vlp05,addr=0x5,max_ports=1 -chardev null,id=cn05
	-device virtconsole,chardev=cn05,bus=vlp05.0
	-device virtio-scsi-pci,id=vlp06,addr=0x6
	-drive "if=none,id=d06,format=raw,file=$work/scsi.img" -device scsi-hd,drive=d06,bus=vlp06.0
	-chardev "socket,id=c07,path=$work/vu.sock"
	-device vhost-user-blk-pci,chardev=c07,num-queues=1,id=vlp07,addr=0x7
	-drive "if=none,id=d08,format=raw,file=$work/packed.img"
	-device virtio-blk-pci,drive=d08,packed=on,id=vlp08,addr=0x8
	-device virtio-rng-pci,id=vlp09,addr=0x9)
vlp_sync_port "$work/sync.sock"
t_guest=$SECONDS
VLP_HOST_WORK=$h VLP_HOST_TOOL=$tool VLP_HOST_SYNC=$work/sync.sock \
	"$VLP_QEMU_DIR/run-guest.sh" -o "$out" --add "$tool:/usr/bin/virtio-lspci" \
	--test "$VLP_QEMU_DIR/host/guest.sh" --hook "$VLP_QEMU_DIR/host/hook.sh" --hook-at start \
	--timeout 150 -m 512M --log "$work/console.log" -- "${A[@]}" 2>"$work/run-guest.err"
rc=$?
t_guest=$((SECONDS - t_guest))
stop_all
check "guest ran (exit $rc)" [ "$rc" = 0 ]
awk '$0 == "@@VLP-HOST begin" { on = 1; next } $0 == "@@VLP-HOST end" { exit }
	on && /^[A-Za-z0-9+\/=]+$/ { print }' "$out" | base64 -d 2>/dev/null | tar -xzf - -C "$g" 2>/dev/null
check "the guest's files decoded" [ -s "$g/guest1.json" ]
[[ -s $g/guest1.json ]] || tail -n 20 "$work/console.log" | sed "s/^/$VLP_PROG:   console: /"
grep '^@@VLP-NOTE' "$out" | sed "s/^/$VLP_PROG: /"

# rc_is NAME WANT [DIR]: the exit status of the run NAME was WANT.
rc_is() { [ "$(cat "${3:-$h}/$1.rc" 2>/dev/null)" = "$2" ]; }
for n in guest1 guest2 guest-blk-sample guest-rng-sample guest-packed-sample guest-broken-sample; do
	check "guest: $n exits 0 ($(head -c 200 "$g/$n.err" 2>/dev/null))" rc_is "$n" 0 "$g"
done
for n in host-compare host-text host-save host-slot host-idle-sample host-vhost-text host-moving-sample host-moving-text \
	host-packed-moving-sample host-blk-sample host-rng-sample host-packed-sample host-blk-text host-top \
	host-broken-sample; do
	check "host: $n exits 0 ($(head -c 300 "$h/$n.err" 2>/dev/null))" rc_is "$n" 0
done

# ---------------------------------------------------------------- guest = host
# One line per check: "pass NAME", "fail NAME DETAIL", "note NAME NOTE WHAT".
# shellcheck disable=SC2016 # jq programs: their $names are jq's
compare='
def dev($d; $s): first(($d.devices // [])[] | select(.slot == $s)) // null;
def queue($d; $i): first(($d.state.common.queues // [])[] | select(.index == $i)) // null;
def same($what; $a; $b): if $a == $b then "pass\t\($what)" else "fail\t\($what)\tguest \($a | tojson) host \($b | tojson)" end;
($g1[0].devices // [])[] as $gd | $gd.slot as $s | dev($h[0]; $s) as $hd | dev($g2[0]; $s) as $gd2 |
if $hd == null then "fail\t\($s): a host device\tnone with this slot" else
	same("\($s): device type"; $gd.virtio.device_type_name; $hd.virtio.device_type_name),
	same("\($s): status"; $gd.state.common.fields.device_status; $hd.state.common.fields.device_status),
	same("\($s): device features"; $gd.state.common.device_features; $hd.state.common.device_features),
	# No FEATURES_OK (09: its driver unbound, the kernel set ACKNOWLEDGE again after the
	# reset): virtio-pci still shows the bits of the last driver in driver_feature
	# (allowed: it "MAY present invalid bits"), QEMU clears its own at the reset.
	if (($gd.state.common.fields.device_status // 0) / 8 | floor) % 2 == 0 then
		"note\t\($s): driver features\tno FEATURES_OK: driver_feature may hold the bits of the last driver, not compared\t\($s)"
	else
		same("\($s): driver features"; $gd.state.common.driver_features; $hd.state.common.driver_features),
		same("\($s): negotiated features"; $gd.state.common.negotiated_features; $hd.state.common.negotiated_features)
	end,
	(($gd.state.common.queues // [])[] as $q | queue($hd; $q.index) as $hq | queue($gd2; $q.index) as $q2 |
	"\($s) queue \($q.index)" as $n |
	if $hq == null then "fail\t\($n): a host queue\tnone" else
		same("\($n): size"; $q.queue_size; $hq.queue_size),
		same("\($n): enable"; $q.queue_enable; $hq.queue_enable),
		same("\($n): addresses"; [$q.queue_desc, $q.queue_driver, $q.queue_device]; [$hq.queue_desc, $hq.queue_driver, $hq.queue_device]),
		if $q.ring.avail.idx == null then empty
		elif [$q.ring.avail.idx, $q.ring.used.idx] == [$q2.ring.avail.idx, $q2.ring.used.idx] then
			same("\($n): avail.idx, used.idx"; [$q.ring.avail.idx, $q.ring.used.idx]; [$hq.ring.avail.idx, $hq.ring.used.idx])
		else "note\t\($n): ring indices\tthe queue moved between the guest reads: not compared\t\($n)" end
	end)
end'
while IFS=$'\t' read -r v name detail what; do
	case $v in
	pass) pass ;;
	note) vlp_note "$detail" "$what" ;;
	fail) fail "$name: $detail" ;;
	esac
done < <(jq -rn --slurpfile g1 "$g/guest1.json" --slurpfile g2 "$g/guest2.json" \
	--slurpfile h "$h/host-compare.json" "$compare" 2>"$work/compare.err")
[[ -s $work/compare.err ]] && fail "comparison: $(head -c 300 "$work/compare.err")"
ndev=$(jq '.devices | length' "$g/guest1.json" 2>/dev/null)
check "the guest saw the eight devices (${ndev:-none})" [ "${ndev:-0}" = 8 ]
check "the host saw the same devices" [ "$(jq -c '[.devices[].slot] | sort' "$h/host-compare.json" 2>/dev/null)" = \
	"$(jq -c '[.devices[].slot] | sort' "$g/guest1.json" 2>/dev/null)" ]
hj() { jq -e "$2" "$h/$1.json" >/dev/null 2>&1; }
# gj NAME FILTER: the same on the guest's NAME.json.
gj() { jq -e "$2" "$g/$1.json" >/dev/null 2>&1; }
check "host JSON: origin host, QOM path of each device" \
	hj host-compare '[.devices[] | .origin == "host" and (.host.qom_path | test("^/machine/peripheral/vlp0[2-9]/virtio-backend$"))] | all'
check "host JSON: QEMU's per-queue facts" \
	hj host-compare '[.devices[].host.queues[] | has("last_avail_idx") and has("used_idx") and has("inuse")] | length > 0 and all'
check "host JSON: the vhost-user-blk's vhost backend" \
	hj host-compare '.devices[] | select(.slot == "0000:00:07.0") | .host.vhost != null'
# x-query-virtio-queue-status on a queue a vhost-user backend runs makes QEMU send
# VHOST_USER_GET_VRING_BASE, which stops the ring (hoststate.c): never asked there.
check "vhost-user-blk: the guest reads it before the host looks ($(cat "$g/vdb-before" 2>/dev/null))" \
	[ "$(cat "$g/vdb-before" 2>/dev/null)" = "rc 0" ]
check "vhost-user-blk: and after every host read of the compare step ($(cat "$g/vdb-after" 2>/dev/null))" \
	[ "$(cat "$g/vdb-after" 2>/dev/null)" = "rc 0" ]
check "vhost-user-blk: its queue's size and ring addresses from the vhost status, QEMU's indices null" \
	hj host-compare '.devices[] | select(.slot == "0000:00:07.0") | .host.queues[0] |
		.vring_num > 0 and .vring_desc == .vhost.desc_phys and .used_idx == null and .last_avail_idx == null'

# ---------------------------------------------------------------- the stall
vstate() { jq -r '.devices[0].state.common.queues[0].ring.verdict.state // "none"' "$1" 2>/dev/null; }
vhost() { jq -r '.devices[0].state.common.queues[0].ring.verdict.host_cause // "none"' "$1" 2>/dev/null; }
vev() { jq -r '.devices[0].state.common.queues[0].ring.verdict.evidence // ""' "$1" 2>/dev/null; }
# stall TAG NAME GUEST CAUSE EVIDENCE WHAT: a stall made on purpose, seen from both sides
# (guest-NAME-sample.json, host-NAME-sample.json): the guest's verdict matches GUEST (grep
# -x), the host's is the guest's with cause CAUSE, and its evidence matches EVIDENCE,
# citing WHAT.
stall() {
	local tag=$1 gs=$g/guest-$2-sample.json hs=$h/host-$2-sample.json ev
	check "$tag: the guest's verdict is ${3//\\|/ or } ($(vstate "$gs"))" grep -qx "$3" <<<"$(vstate "$gs")"
	check "$tag: the host's verdict is the guest's ($(vstate "$hs"))" [ "$(vstate "$hs")" = "$(vstate "$gs")" ]
	check "$tag: host cause $4 ($(vhost "$hs"))" [ "$(vhost "$hs")" = "$4" ]
	ev=$(vev "$hs")
	check "$tag: the host's evidence cites $6 ($ev)" grep -q "$5" <<<"$ev"
}
stall "blk throttled" blk device-stalled fetched-not-completed 'inuse [1-9].*used_idx [0-9]' \
	"QEMU's inuse and used_idx"
stall "rng rate-limited" rng 'device-stalled\|notifications-suppressed' kicked-not-fetched \
	'last_avail_idx [0-9].*inuse 0\|inuse 0.*last_avail_idx [0-9]' "last_avail_idx and inuse 0"
qi=$(jq -sc '[.[0].return.inuse, .[0].return["used-idx"], .[1].return.inuse]' "$h/qemu-status.json" 2>/dev/null)
echo "$VLP_PROG: QEMU's [blk inuse, blk used-idx, rng inuse] at the end: ${qi:-none}"

# ---------------------------------------------------------------- packed, vhost
# A packed ring (00:08.0, throttled as the blk): QEMU's indices are slots without wrap
# counters; the host judges the stall with them and compares only the sample whose
# QEMU read came first, and says so (rings/hostverdict.c). A vhost backend's queue
# (00:07.0): QEMU 7.2 has none of its indices, neither compared nor judged, and said.
pq=$(jq -sc '.[3].return | {"last-avail-idx", "shadow-avail-idx", "used-idx", inuse, "signalled-used", "signalled-used-valid", "vring-num"}' "$h/qemu-status.json" 2>/dev/null)
echo "$VLP_PROG: QEMU's x-query-virtio-queue-status of the packed blk's queue 0 at the end: ${pq:-none}"
vq=$(jq -sc '.[4].return | keys' "$h/qemu-status.json" 2>/dev/null)
echo "$VLP_PROG: QEMU's x-query-virtio-vhost-queue-status fields of the vhost-user-blk's queue 0: ${vq:-none}"
check "packed: QEMU's indices are slots below the queue size ($pq)" \
	jq -se '.[3].return | .["last-avail-idx"] < .["vring-num"] and .["used-idx"] < .["vring-num"]' "$h/qemu-status.json" >/dev/null
check "vhost: QEMU's vhost queue status has no ring index ($vq)" \
	jq -se '.[4].return | (keys | map(select(test("idx"))) | length) == 0 and has("num")' "$h/qemu-status.json" >/dev/null
pv='.devices[0].state.common.queues[0].ring.verdict'
stall "packed throttled" packed device-stalled fetched-not-completed \
	'inuse [1-9].*guest RAM next slot [0-9]* wrap [01]' "QEMU's inuse and the ring's next slot"
check "packed throttled: not moved, later samples said not judged" \
	hj host-packed-sample "$pv | .moved_while_sampled == false and (.host_not_judged | test(\"^packed ring\"))"
check "idle guest: the packed queue did not move, and says what was not judged" \
	hj host-idle-sample '.devices[] | select(.slot == "0000:00:08.0") | .state.common.queues[0].ring.verdict |
		.moved_while_sampled == false and (.host_not_judged | test("^packed ring"))'
check "idle guest: the vhost-user-blk's queue says it is not judged from the host, and why" \
	hj host-idle-sample '.devices[] | select(.slot == "0000:00:07.0") | .state.common.queues[0].ring.verdict |
		.moved_while_sampled == false and (.host_not_judged | test("vhost backend.*none of its indices"))'
check "text: the vhost-user-blk's verdict words say its motion is not judged" \
	grep -q ' (host: motion not judged)' "$h/host-vhost-text.json"
check "text -vv: and why (host: not judged: ...)" grep -q 'host: not judged: .*vhost' "$h/host-vhost-text.json"
check "idle guest: split queues judged in every sample (no host_not_judged)" \
	hj host-idle-sample '[.devices[] | select(.slot != "0000:00:07.0" and .slot != "0000:00:08.0") |
		.state.common.queues[]?.ring.verdict | select(. != null) | has("host_not_judged")] | any | not'

# ---------------------------------------------------------------- moved while sampled
# A sample's two reads (QEMU's indices, the ring in guest RAM) disagree only where the
# guest or the device moved between them (rings/hostverdict.c).
# moved FILE: "queues-moved samples-moved" over every queue of FILE.
moved() {
	jq -r '[.devices[].state.common.queues[]?.ring.verdict | select(.moved_while_sampled == true)] |
		"\(length) \([.[].motion.samples] | add // 0)"' "$h/$1.json" 2>/dev/null
}
check "idle guest: every host queue with a ring read says moved_while_sampled (host-idle-sample)" \
	hj host-idle-sample '[.devices[].state.common.queues[]?.ring | select(.error == null) | .verdict | has("moved_while_sampled")] | length > 0 and all'
check "idle guest: no queue moved while sampled ($(moved host-idle-sample))" \
	hj host-idle-sample '[.devices[].state.common.queues[]?.ring.verdict.moved_while_sampled] | any | not'
# The virtio-blk read in a loop: its request queue moves; it is progressing, moved or
# not, and no queue of the device is called stalled.
rq='.devices[0].state.common.queues[] | select(.index == 0) | .ring.verdict'
check "disk read in a loop: the request queue is progressing ($(jq -r "$rq | .state" "$h/host-moving-sample.json" 2>/dev/null))" \
	hj host-moving-sample "$rq | .state == \"progressing\""
check "disk read in a loop: no stall claimed on a moving device" \
	hj host-moving-sample '[.devices[0].state.common.queues[].ring.verdict.state | test("stalled|not-delivered")] | any | not'
check "disk read in a loop: a moved sample carries both values and who was read first" \
	hj host-moving-sample "[.devices[0].state.common.queues[].ring.verdict | select(.moved_while_sampled) | .motion |
		(.qemu | type) == \"number\" and (.ring | type) == \"number\" and (.read_first | test(\"^(qemu|guest_ram)\$\"))] | all"
echo "$VLP_PROG: the guest read the disk $(wc -l <"$g/moving-passes" 2>/dev/null || echo 0) times while the host sampled"
echo "$VLP_PROG: moved while sampled (queues, samples): idle $(moved host-idle-sample), disk in a loop $(moved host-moving-sample) of 10 samples, throttled blk $(moved host-blk-sample)"
jq -r "$rq | \"\(.state): \(.evidence)\"" "$h/host-moving-sample.json" 2>/dev/null | sed "s/^/$VLP_PROG: blk requestq1, read in a loop: /"
jq -c "$rq | .motion" "$h/host-moving-sample.json" 2>/dev/null | sed "s/^/$VLP_PROG: blk requestq1, the first moved sample: /"
grep -A2 'requestq1' "$h/host-moving-text.json" | sed "s/^/$VLP_PROG: text: /"
check "text: the queue read in a loop is progressing" grep -q 'requestq1 .*, progressing' "$h/host-moving-text.json"
# The text run is a series of its own: where one of its samples moved, its line and its
# -vv line say so.
if grep -q 'moved while sampled' "$h/host-moving-text.json"; then
	check "text: a moved queue says so on its line" \
		grep -q 'requestq1 .*, progressing (host: moved while sampled)' "$h/host-moving-text.json"
	check "text -vv: moved while sampled: N of M samples; sample K: QEMU's FIELD N, read ..." \
		grep -qE 'moved while sampled: [0-9]+ of 10 samples; sample [0-9]+: QEMU.s [a-z_]+ [0-9]+, read (after|before) guest RAM.s [a-z.]+ [0-9]+: ' "$h/host-moving-text.json"
else
	vlp_note "the text run's 10 samples of the moving blk had no two reads apart" "text: moved while sampled"
fi
# The packed virtio-blk read in a loop at the same time: progressing, never stalled;
# its motion judged only on samples whose QEMU read came first (a packed ring's used
# slots say nothing the other way round), so a moved sample names QEMU as read first.
pm='.devices[0].state.common.queues[0].ring.verdict'
check "packed read in a loop: the request queue is progressing ($(jq -r "$pm | .state" "$h/host-packed-moving-sample.json" 2>/dev/null))" \
	hj host-packed-moving-sample "$pm | .state == \"progressing\""
check "packed read in a loop: no stall claimed" \
	hj host-packed-moving-sample "$pm | .state | test(\"stalled|not-delivered\") | not"
echo "$VLP_PROG: the guest read the packed disk $(wc -l <"$g/packed-moving-passes" 2>/dev/null || echo 0) times while the host sampled; moved while sampled (queues, samples): $(moved host-packed-moving-sample) of 10"
jq -c "$pm | {state, moved_while_sampled, motion, host_not_judged}" "$h/host-packed-moving-sample.json" 2>/dev/null |
	sed "s/^/$VLP_PROG: packed requestq1, read in a loop: /"
if hj host-packed-moving-sample "$pm | .moved_while_sampled"; then
	check "packed read in a loop: a moved sample has QEMU's slot, the ring's, QEMU read first" \
		hj host-packed-moving-sample "$pm | .motion | (.qemu | type) == \"number\" and (.ring | type) == \"number\" and .read_first == \"qemu\""
else
	vlp_note "the packed disk's 10 samples had no judged pair of reads apart" "packed: moved while sampled"
fi
check "blk throttled: held, not moving (moved_while_sampled false)" \
	hj host-blk-sample '.devices[0].state.common.queues[0].ring.verdict.moved_while_sampled == false'

# ---------------------------------------------------------------- a device that needs a reset
# 00:09.0, a virtio-rng without its driver: the guest's REPL posted a buffer and wrote
# queue_enable 0 while DRIVER_OK (--force), which QEMU answers with virtio_error (broken,
# DEVICE_NEEDS_RESET). Both sides name it device-stalled, citing 2.1.2; the host adds
# QEMU's broken as the cause (device-broken).
bv='.devices[0].state.common.queues[0].ring.verdict'
echo "$VLP_PROG: guest's --sample of the broken rng: $(jq -c "$bv | {state, section, evidence}" "$g/guest-broken-sample.json" 2>/dev/null)"
echo "$VLP_PROG: host's --sample of the broken rng: $(jq -c "$bv | {state, host_cause, section, evidence}" "$h/host-broken-sample.json" 2>/dev/null)"
check "broken rng: QEMU's status has DEVICE_NEEDS_RESET (the guest's read: $(jq -r '.devices[0].state.common.fields.device_status' "$g/guest-broken-sample.json" 2>/dev/null))" \
	gj guest-broken-sample '.devices[0].state.common.fields.device_status == 79'
check "broken rng: the guest's --sample says device-stalled, DEVICE_NEEDS_RESET (2.1.2)" \
	gj guest-broken-sample "$bv | .state == \"device-stalled\" and .section == \"2.1.2\" and (.evidence | test(\"DEVICE_NEEDS_RESET\"))"
check "broken rng: the host's --sample says device-stalled too, its cause device-broken (QEMU's virtio_error)" \
	hj host-broken-sample "$bv | .state == \"device-stalled\" and .host_cause == \"device-broken\" and (.evidence | test(\"marks the device broken .virtio_error.\"))"

# ---------------------------------------------------------------- --top
# The live view through the monitor: the verdict column has the host's cause, as
# --sample's text names it.
check "--top: the blk's requestq1 is device-stalled (host: fetched-not-completed)" \
	grep -qE 'requestq1 .*device-stalled \(host: fetched-not-completed\)' "$h/host-top.screen"
[[ -s $h/host-top.screen ]] && grep -E 'requestq1|verdict' "$h/host-top.screen" | sed "s/^/$VLP_PROG: --top: /"

# ---------------------------------------------------------------- the host faces
check "text: the header says QEMU's view through the monitor with the QOM path" \
	grep -q 'QEMU.*monitor.*/machine/peripheral/vlp03/virtio-backend' "$h/host-text.json"
check "text: the --sample verdict line names device-stalled" grep -q 'device-stalled' "$h/host-blk-text.json"
check "-s 00:04.0: one device" hj host-slot '.devices | length == 1 and .[0].slot == "0000:00:04.0"'
check "--check -J: a report" hj host-check '.devices | length == 8'
check "--check: what the host cannot see is NOT RUN, not visible from the host" \
	grep -q 'not visible from the host' "$h/host-check.json"
if [[ -s $h/host.snap ]]; then
	"$tool" -F "$h/host.snap" -J --rings >"$work/replay.json" 2>"$work/replay.err"
	check "--save: the host snapshot decodes offline (-F) ($(head -c 200 "$work/replay.err"))" [ $? = 0 ]
	check "--save: the replay equals the live host view (devices, status, queues, rings)" [ \
		"$(jq -c '[.devices[] | [.slot, .state.common.fields.device_status, [.state.common.queues[]? | [.queue_desc, .ring.avail.idx, .ring.used.idx]]]]' "$work/replay.json" 2>/dev/null)" = \
		"$(jq -c '[.devices[] | [.slot, .state.common.fields.device_status, [.state.common.queues[]? | [.queue_desc, .ring.avail.idx, .ring.used.idx]]]]' "$h/host-save.json" 2>/dev/null)" ]
else
	fail "--save: no host snapshot written"
fi

# ---------------------------------------------------------------- refusals
# refused NAME SOCKET WORDS: the tool on SOCKET exits 1 with one line on stderr holding WORDS.
refused() {
	local name=$1 s=$2 words=$3 rc t=$SECONDS
	timeout 30 "$tool" --qmp="$s" --monitor-log="$h/refused-$name.log" -J >"$work/r.out" 2>"$work/r.err"
	rc=$?
	check "refused, $name: exit 1 (got $rc, $((SECONDS - t)) s)" [ "$rc" = 1 ]
	check "refused, $name: one line on stderr ($(wc -l <"$work/r.err"))" [ "$(wc -l <"$work/r.err")" = 1 ]
	check "refused, $name: the line says $words ($(head -c 200 "$work/r.err"))" grep -qi -- "$words" "$work/r.err"
	check "refused, $name: nothing on stdout" [ ! -s "$work/r.out" ]
}
refused "no such path" "$work/none.sock" "$work/none.sock"
socat "UNIX-LISTEN:$work/banner.sock,fork" SYSTEM:'echo SSH-2.0-OpenSSH_9.2p1; cat' 2>/dev/null &
pids+=($!)
socat "UNIX-LISTEN:$work/echo.sock,fork" EXEC:cat 2>/dev/null &
pids+=($!)
# small QEMU ARGS: a QEMU stopped before its first instruction (-S), a virtio-rng, its
# QMP on $work/small.sock (no guest needed to be refused).
small() {
	rm -f "$work/small.sock"
	qemu-system-x86_64 -accel tcg -machine q35 -m 64M -display none -nodefaults -S \
		-qmp "unix:$work/small.sock,server=on,wait=off" -device virtio-rng-pci "$@" \
		</dev/null >"$work/small.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do [[ -S $work/small.sock ]] && break; sleep 0.1; done
}
for _ in $(seq 50); do [[ -S $work/banner.sock && -S $work/echo.sock ]] && break; sleep 0.1; done
refused "not QMP (a banner)" "$work/banner.sock" "not.*QMP\|QMP.*greeting"
refused "not QMP (an echo server)" "$work/echo.sock" "not.*QMP\|QMP.*greeting\|no greeting"
small
# The other client: connected, reading, never writing (it holds QMP's one connection).
timeout 40 socat -u "UNIX-CONNECT:$work/small.sock" OPEN:/dev/null 2>/dev/null &
pids+=($!)
sleep 0.5
refused "a busy monitor" "$work/small.sock" "busy\|another client"
stop_all
small -compat unstable-input=reject
refused "-compat unstable-input=reject" "$work/small.sock" "unstable"
stop_all

# ---------------------------------------------------------------- read only
# Every command of every --monitor-log: its name (and the HMP command line).
logs=("$h"/*.log)
sent=$(cat "${logs[@]}" 2>/dev/null | grep -o '"execute" *: *"[^"]*"\|"command-line" *: *"[^"]*"' |
	sed 's/.*: *"\(.*\)"/\1/' | sort | uniq -c | sort -rn)
check "--monitor-log: commands logged" [ -n "$sent" ]
bad=$(awk '{ $1 = ""; sub(/^ /, "") } !/^(qmp_capabilities|query-[a-z-]+|qom-get|qom-list|x-query-virtio|x-query-virtio-status|x-query-virtio-queue-status|x-query-virtio-vhost-queue-status|pmemsave|human-monitor-command|xp .*|info .*)$/' <<<"$sent")
check "--monitor-log: only queries and memory reads sent (${bad:-none other})" [ -z "$bad" ]
check "--monitor-log: never x-query-virtio-queue-element" [ -z "$(grep -l 'x-query-virtio-queue-element' "${logs[@]}" 2>/dev/null)" ]
echo "$VLP_PROG: commands sent, by count: $(tr -s ' \n' ' ' <<<"$sent")"
# Monitor commands per host run, for the report.
for n in host-compare host-idle-sample host-moving-sample host-packed-moving-sample host-blk-sample host-rng-sample host-packed-sample host-top; do
	echo "$VLP_PROG: $n: $(grep -c "\"execute\"" "$h/$n.log" 2>/dev/null || echo 0) monitor commands"
done

vlp_print_notes
echo "$VLP_PROG: guest ran in ${t_guest}s; steps (s): $(tr '\n' ' ' <"$h/steps" 2>/dev/null)"
echo "$VLP_PROG: $((SECONDS - VLP_T0)) s"
summary "$VLP_PROG"
