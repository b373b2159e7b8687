#!/bin/bash
# The QEMU ring suite: boots TCG guests with virtio-net, -blk, -scsi (+ scsi-hd),
# -serial (+ virtconsole), -balloon, -gpu, -keyboard and -tablet, runs
# ./virtio-lspci --rings -J inside them on every device and checks every enabled queue's
# ring against QEMU's own view over QMP, read right after the guest's read while the
# guest waits (tests/qemu/rings/guest.sh and hook.sh). One guest per variant:
#   modern        disable-legacy=on
#   transitional  QEMU's default (the driver uses the modern interface)
#   legacy        disable-modern=on (gpu and input ignore it: they stay modern)
#   packed        disable-legacy=on,packed=on
#
#   tests/qemu/rings-suite.sh [-j JOBS] [--keep DIR] [--from DIR] [VARIANT...]
#
#   -j JOBS      guests booted in parallel (default 1)
#   --keep DIR   keep every guest's raw output, QMP replies and decoded files in DIR
#   --from DIR   boot nothing: check again what a --keep run left in DIR
#
# In each guest the virtio-blk (00:03.0) is throttled over QMP (block_set_io_throttle,
# bps=64) before the guest reads the disk: its requests stay in flight. The checks: the
# "checks" array below. Output: FAIL lines, "note:" lines, then
# "qemu-rings: V variants, D devices, Q queues" and "qemu-rings: N passed, M failed".
# Exit 0 only if every check passed.
# Not root: "SKIP: reason", "qemu-rings: 0 passed, 0 failed, 1 skipped", exit 0
# (vlp_setup_or_skip in lib.sh; as root, a tests/qemu/setup.sh that fails fails the suite).
# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite qemu-rings
vlp_parse_variants 1 "modern transitional legacy packed" "$@"
vlp_need jq base64 tar socat
dir=$VLP_QEMU_DIR/rings
vlp_variant_work

# ---------------------------------------------------------------- the guests
# Device XX has id=vlpXX at addr=0xXX: QMP path /machine/peripheral/vlpXX/virtio-backend is
# PCI slot 0000:00:XX.0 (as in vlp_std_set, lib.sh). variant_args VARIANT fills A.
variant_args() {
	local v=$1 p='' pl=''
	case $v in
	modern) p=,disable-legacy=on pl=$p ;;
	transitional) ;;
	legacy) p=,disable-modern=on ;; # gpu and input are virtio 1 only: pl stays empty
	packed) p=,disable-legacy=on,packed=on pl=$p ;;
	esac
	truncate -s 16M "$work/$v-blk.img" "$work/$v-scsi.img"
	A=(-netdev user,id=n02 -device "virtio-net-pci,netdev=n02,id=vlp02,addr=0x2$p"
		-drive "if=none,id=d03,format=raw,file=$work/$v-blk.img"
		-device "virtio-blk-pci,drive=d03,id=vlp03,addr=0x3$p"
		-device "virtio-scsi-pci,id=vlp04,addr=0x4$p"
		-drive "if=none,id=d04,format=raw,file=$work/$v-scsi.img"
		-device scsi-hd,drive=d04,bus=vlp04.0
		-device "virtio-balloon-pci,id=vlp05,addr=0x5$p"
		-device "virtio-serial-pci,id=vlp06,addr=0x6$p" -chardev null,id=cn06
		-device virtconsole,chardev=cn06,bus=vlp06.0
		-device "virtio-gpu-pci,id=vlp07,addr=0x7$pl"
		-device "virtio-keyboard-pci,id=vlp08,addr=0x8$pl"
		-device "virtio-tablet-pci,id=vlp09,addr=0x9$pl")
}
# boot VARIANT: one guest; leaves $work/$v.{out,log,err,qmp}.
boot() {
	local v=$1
	variant_args "$v"
	vlp_sync_port "$work/$v.sync"
	VLP_RINGS_QMP_OUT=$work/$v.qmp VLP_RINGS_SYNC=$work/$v.sync \
		"$VLP_QEMU_DIR/run-guest.sh" --initrd "$initrd" --timeout 150 \
		--hook "$dir/hook.sh" --hook-at start -o "$work/$v.out" --log "$work/$v.log" -- "${A[@]}" \
		2>"$work/$v.err"
}
[[ -n $from ]] || vlp_initrd "$dir/guest.sh"
vlp_boot_variants boot

# ---------------------------------------------------------------- decoding
for v in "${booted[@]}"; do
	vlp_decode_archives "$v"
done

# ---------------------------------------------------------------- checks
# Per enabled queue, jq expressions over its context (built in queue_checks below):
#   $q, $q2   the queue object of the guest's first read (virtio-lspci --rings -J --save)
#             and of its second read, made after the host's QMP queries
#   $b, $a    QEMU's x-query-virtio-queue-status of the queue right after the guest's
#             read ("before" the element queries) and after them
#   $els      x-query-virtio-queue-element at every position used.idx..avail.idx-1 the
#             guest's read named: {queue, position, reply}
#   $still    the queue did not move: both guest reads agree on avail.idx, used.idx (packed:
#             the driver's next slot and the chains) and QEMU's before = after (but
#             shadow-avail-idx: the element query itself reads avail.idx into it)
# QEMU's fields (hw/virtio/virtio.c, qmp_x_query_virtio_queue_status/_element):
#   vring-desc/-avail/-used  its VirtQueue's ring addresses (packed: descriptor ring,
#                            driver and device event suppression areas)
#   vring-num                the queue size it uses
#   used-idx                 its own count of used entries written (split: the value it
#                            stores in used.idx; packed: the next slot it writes)
#   last-avail-idx           where it pops the next chain (chains it took from the ring)
#   shadow-avail-idx         the last avail.idx it read from guest memory (a cache: it may
#                            lag the driver's avail.idx, never lead it)
#   inuse                    chains popped and not yet used (the device holds them)
#   element avail {flags, idx}, used {flags, idx}: read from guest memory at the query;
#   element index: the head at that avail position; descs: the chain (its indirect table
#   when the head is INDIRECT), in reverse order
# An expression gives true (pass), a string (fail: what differed) or null (not applicable).
# Where a queue moves between the reads (the guest read comes first, QMP after: console and
# balloon stats queues could), the exact comparisons give null and "moved: bounds" checks
# that QEMU's indices lie between the two guest reads instead.
# shellcheck disable=SC2016 # jq programs: their $names are jq's
checks=(
	"ring read" 'if $q.ring.error == null then true else "ring error: \($q.ring.error)" end'
	"queue size = vring-num" 'if $b == null then "no QMP queue status: \($berr)"
		elif $q.queue_size == $b["vring-num"] then true else "queue_size \($q.queue_size) != vring-num \($b["vring-num"])" end'
	"ring addresses = vring-desc/avail/used" 'if $b == null then null else
		ring_addresses($q) as $t | [$b["vring-desc"], $b["vring-avail"], $b["vring-used"]] as $o
		| if $t == $o then true else "tool \($t) != QEMU \($o)" end end'
	# --- split rings (modern and legacy layout)
	"used.idx = used-idx" 'if $b == null or $packed or ($still | not) then null
		elif $q.ring.used.idx == $b["used-idx"] then true else "used.idx \($q.ring.used.idx) != used-idx \($b["used-idx"])" end'
	"used-idx <= last-avail-idx <= shadow-avail-idx <= avail.idx" 'if $b == null or $packed or ($still | not) then null else
		[$b["used-idx"], $b["last-avail-idx"], $b["shadow-avail-idx"], $q.ring.avail.idx] as $i
		| if ahead($i[0]; $i[1]) + ahead($i[1]; $i[2]) + ahead($i[2]; $i[3]) == ahead($i[0]; $i[3])
			and ahead($i[0]; $i[3]) <= $q.queue_size then true
		  else "used-idx, last-avail-idx, shadow-avail-idx, avail.idx = \($i): not in ring order" end end'
	# nothing in flight: QEMU has popped everything, so its next pop is at avail.idx
	"avail.idx = last-avail-idx (nothing in flight)" 'if $b == null or $packed or ($still | not) or $q.ring.in_flight != 0 then null
		elif $q.ring.avail.idx == $b["last-avail-idx"] then true else "avail.idx \($q.ring.avail.idx) != last-avail-idx \($b["last-avail-idx"])" end'
	# the element query reads avail.idx into shadow-avail-idx: afterwards they are equal
	"avail.idx = shadow-avail-idx after the element queries" 'if $packed or ($still | not) or ($els | length) == 0 then null
		elif $q.ring.avail.idx == $a["shadow-avail-idx"] then true else "avail.idx \($q.ring.avail.idx) != shadow-avail-idx \($a["shadow-avail-idx"])" end'
	"in flight >= inuse" 'if $b == null or ($still | not) then null
		elif $q.ring.in_flight >= $b.inuse then true else "in_flight \($q.ring.in_flight) < QEMU inuse \($b.inuse)" end'
	"a QMP element per in-flight chain" 'if $packed or ($still | not) then null else
		[$q.ring.chains[].position] as $t | [$els[].position] as $o
		| if $t == $o then true else "chain positions \($t | .[0:8]) != element positions asked \($o | .[0:8])" end end'
	"elements: avail/used flags and idx = the ring" 'if $packed or ($still | not) or ($els | length) == 0 then null else
		{avail: {flags: ($q.ring.avail.flags | flag_bits), idx: $q.ring.avail.idx},
		 used: {flags: ($q.ring.used.flags | flag_bits), idx: $q.ring.used.idx}} as $t
		| [$els[] | select(.reply.return == null or {avail: (.reply.return.avail | {flags, idx}), used: .reply.return.used} != $t)
			| "position \(.position): QEMU \(.reply.return // .reply | {avail, used} | tojson) != tool \($t | tojson)"]
		| if length == 0 then true else (.[0:2] | join("; ")) end end'
	"in-flight chains = QMP elements" 'if $packed or ($still | not) or ($els | length) == 0 then null else
		(reduce $els[] as $e ({}; .[$e.position | tostring] = $e.reply.return)) as $by
		| [$q.ring.chains[] | . as $c | $by[$c.position | tostring] as $e
			| if $e == null then "chain at \($c.position): no element"
			  elif $e.index != $c.head then "chain at \($c.position): head \($c.head) != QEMU index \($e.index)"
			  elif ($c | chain_descs) != ($e | element_descs) then ($c | chain_descs) as $t | ($e | element_descs) as $o
				| ([range([$t, $o] | map(length) | max)] | map(select($t[.] != $o[.])) | .[0]) as $i
				| "chain at \($c.position) (head \($c.head), \($t | length) vs \($o | length) descriptors): descriptor \($i): \($t[$i] | tojson) != QEMU \($o[$i] | tojson)"
			  else empty end]
		| if length == 0 then true else "\(length) chains differ: \(.[0:2] | join("; "))" end end'
	# --- packed rings (2.8): QEMU 7.2 has no element query for them ("Packed ring not
	# supported"); its used-idx and last-avail-idx are ring slots
	"packed: oldest in-flight chain at used-idx" 'if $b == null or ($packed | not) or ($still | not) or $q.ring.in_flight == 0 then null
		elif $q.ring.chains[0].position == $b["used-idx"] then true
		else "first chain at slot \($q.ring.chains[0].position) != used-idx \($b["used-idx"])" end'
	"packed: nothing in flight: next avail = used-idx = last-avail-idx" 'if $b == null or ($packed | not) or ($still | not) or $q.ring.in_flight != 0 then null
		elif [$q.ring.next_avail, $q.ring.next_avail] == [$b["used-idx"], $b["last-avail-idx"]] then true
		else "next_avail \($q.ring.next_avail) != used-idx \($b["used-idx"]) / last-avail-idx \($b["last-avail-idx"])" end'
	# --- a queue that moved: QEMU's used-idx between the two guest reads (2.7.8: used.idx
	# only grows, modulo 2^16)
	"moved: bounds" 'if $still or $packed or $b == null or $a == null then null else
		[$q.ring.used.idx, $b["used-idx"], $a["used-idx"], $q2.ring.used.idx] as $i
		| if ahead($i[0]; $i[1]) + ahead($i[1]; $i[2]) + ahead($i[2]; $i[3]) == ahead($i[0]; $i[3]) and ahead($i[0]; $i[3]) < 32768
		  then {note: "queues that moved between the reads: exact checks replaced by bounds", what: "q\($q.index)"}
		  else "used.idx first read, QEMU before, after, second read = \($i): out of order" end end'
)

program=$(vlp_check_program "${checks[@]}")
# The per-queue loop around the checks: binds $q, $q2, $b, $a, $berr, $els, $still, $packed.
# shellcheck disable=SC2016
queue_program='include "rings";
	. as $c | ring_queues($c.g)[] | . as $q
	| (ring_queues($c.g2 // {}) | map(select(.index == $q.index)) | .[0]) as $q2
	| ($c.qmp.before[$q.index] // null) as $br | ($br.return // null) as $b | ($br.error.desc // "no reply") as $berr
	| ($c.qmp.after[$q.index].return // null) as $a
	| [$c.qmp.elements[]? | select(.queue == $q.index)] as $els
	| ($q.ring.format == "packed") as $packed
	| ($q2 != null and $b != null and $a != null
		and ($b | {"used-idx", "last-avail-idx", inuse}) == ($a | {"used-idx", "last-avail-idx", inuse})
		and (if $packed then ($q.ring | {next_avail, avail_wrap, in_flight}) == ($q2.ring | {next_avail, avail_wrap, in_flight})
		     else [$q.ring.avail.idx, $q.ring.used.idx] == [$q2.ring.avail.idx, $q2.ring.used.idx] end)) as $still
	| '"$program"' | "q\($q.index) \($q.name // "?")\t\(.)"'

# Device-level checks: the runs, QEMU's set-up queues all read, the host's replay.
# shellcheck disable=SC2016
device_program='include "rings";
	. as $c | [
	{n: "--rings runs exit 0", r: (if $c.rc == 0 and $c.rc2 == 0 then true else "exit codes \($c.rc), \($c.rc2): \($c.err)" end)},
	{n: "rings_error null", r: (if $c.g.rings_error == null then true else $c.g.rings_error end)},
	{n: "every queue QEMU set up has a ring", r: (if $c.qmp == null then "no QMP reply for this device" else
		[$c.qmp.before | to_entries[] | select((.value.return["vring-desc"] // 0) != 0) | .key] as $o
		| [ring_queues($c.g)[].index] as $t
		| if $t == $o then true else "tool read queues \($t) , QEMU has \($o)" end end)},
	{n: "QMP queue status and elements answered", r: ([$c.qmp.before[]?, $c.qmp.after[]?, ($c.qmp.elements[]?.reply)]
		| map(select(.return == null)) | if length == 0 then true else "\(length) errors: \(.[0] | tojson | .[0:200])" end)},
	{n: "replay of the --save snapshot = the guest JSON (but live-only keys)", r: (if $c.replay == null then "no replay: \($c.replay_err)"
		elif ($c.g | replayable) == ($c.replay | replayable) then true
		else "differs: \([($c.g | replayable | [paths(scalars)] ) - ($c.replay | replayable | [paths(scalars)])][0][0:3] | tojson)" end)}
	] | .[] | if .r == true then "pass\t\(.n)" elif .r == null then "skip\t\(.n)" else "fail\t\(.n)\t\(.r)" end'

# context VARIANT SLOT: DIR/ctx.json with g g2 rc rc2 err qmp replay replay_err.
context() {
	local v=$1 slot=$2 d=$work/res/$1/$2 qmp
	qmp=$(jq -c --arg s "$slot" 'select(.step == "read" and .slot == $s)' "$work/$v.qmp" 2>/dev/null | head -n1)
	"$tool" -F "$d/snap.lspci" --rings -J -vvv >"$d/replay.json" 2>"$d/replay.err" || true
	jq -n -c --argjson g "$(vlp_dev_of "$d/rings.json")" --argjson g2 "$(vlp_dev_of "$d/rings2.json")" \
		--argjson rc "$(cat "$d/rings.rc" 2>/dev/null || echo null)" --argjson rc2 "$(cat "$d/rings2.rc" 2>/dev/null || echo null)" \
		--arg err "$(head -c 300 "$d/rings.err" 2>/dev/null)" --argjson qmp "${qmp:-null}" \
		--argjson replay "$(vlp_dev_of "$d/replay.json")" --arg replay_err "$(head -c 300 "$d/replay.err")" \
		'{g: $g, g2: $g2, rc: $rc, rc2: $rc2, err: $err, qmp: $qmp, replay: $replay, replay_err: $replay_err}' >"$d/ctx.json"
}

declare -A tallies
tally_keys=()
# tally NAME VERDICT: counts per check name, printed at the end (what each check covered).
tally() {
	[[ -n ${tallies[$1]:-} ]] || { tally_keys+=("$1"); tallies[$1]="0 0 0"; }
	local p f s
	read -r p f s <<<"${tallies[$1]}"
	case $2 in pass | note) p=$((p + 1)) ;; fail) f=$((f + 1)) ;; *) s=$((s + 1)) ;; esac
	tallies[$1]="$p $f $s"
}
# check_device VARIANT SLOT: the device and queue checks on one device.
check_device() {
	local v=$1 slot=$2 d=$work/res/$1/$2 kind label queue verdict name detail what
	context "$v" "$slot"
	kind=$(jq -r '.g | "\(.virtio.device_type_name // "?")/\(.virtio.transport // "?")"' "$d/ctx.json")
	label="$v ${slot#0000:} $kind"
	while IFS=$'\t' read -r verdict name detail; do
		tally "$name" "$verdict"
		vlp_verdict "$verdict" "$label: $name: $detail"
	done < <(jq -r -L "$dir" "$device_program" "$d/ctx.json" 2>&1 || printf 'fail\tjq\tthe device checks could not run\n')
	while IFS=$'\t' read -r queue verdict name detail what; do
		tally "$name" "$verdict"
		vlp_verdict "$verdict" "$label $queue: $name: $detail" "$v: $name: $detail" "${slot#0000:} $what"
	done < <(jq -r -L "$dir" "$queue_program" "$d/ctx.json" 2>&1 || printf 'q?\tfail\tjq\tthe queue checks could not run\n')
	nq=$((nq + $(jq -L "$dir" 'include "rings"; ring_queues(.g) | length' "$d/ctx.json")))
}
ndev=0 nq=0
for v in "${booted[@]}"; do
	vlp_each_device "$v" check_device
	# The guest's virtio PCI devices are QEMU's virtio devices (QMP x-query-virtio).
	q=$(jq -r 'select(.step == "finished") | .reply.return[]?.path | capture("/vlp(?<d>[0-9a-f]{2})/") | "0000:00:\(.d).0"' "$work/$v.qmp" 2>/dev/null | sort | tr '\n' ' ')
	g=$(vlp_decoded "$v" | sort | tr '\n' ' ')
	check "$v: the guest's virtio devices are QEMU's (x-query-virtio: $q)" [ "$q" = "$g" ]
	check "$v: QMP block_set_io_throttle accepted" \
		[ "$(jq -c 'select(.step == "throttle") | .reply' "$work/$v.qmp" 2>/dev/null)" = '{"return":{}}' ]
	ndev=$((ndev + vlp_devices))
done
for key in "${tally_keys[@]}"; do
	read -r p f s <<<"${tallies[$key]}"
	echo "qemu-rings: check \"$key\": $p passed, $f failed, $s not applicable"
done
if [[ " ${booted[*]} " == *" packed "* ]]; then
	echo "qemu-rings: note: packed: QEMU 7.2 refuses x-query-virtio-queue-element on packed rings: their chains are checked by slot (used-idx) only"
fi
vlp_print_notes

# ---------------------------------------------------------------- held and idle queues
# held_checks VARIANT: the throttled virtio-blk (00:03.0 queue 0) has requests in flight,
# each chain equal to QEMU's element (the queue checks above compared them all; here
# that there were some and that QEMU holds them); the idle virtio-net receive queue
# (00:02.0 queue 0) has every buffer posted: in flight = queue size.
held_checks() {
	local v=$1 b=$work/res/$1/0000:00:03.0/ctx.json n=$work/res/$1/0000:00:02.0/ctx.json r
	r=$(jq -r -L "$dir" 'include "rings"; (ring_queues(.g) | map(select(.index == 0)) | .[0].ring) as $r
		| (.qmp.before[0].return.inuse // 0) as $inuse | [.qmp.elements[]? | select(.queue == 0)] as $els
		| if $r == null then "no ring read"
		  elif $r.in_flight == 0 then "nothing in flight (used.idx \($r.used.idx // "-"))"
		  elif $inuse == 0 then "QEMU holds none of the \($r.in_flight) chains (inuse 0)"
		  elif $r.format != "packed" and ($els | length) != $r.in_flight then "\($r.in_flight) chains, \($els | length) QMP elements"
		  else "ok \($r.in_flight) \($inuse)" end' "$b" 2>/dev/null || echo "no output of the device")
	if [[ $r == ok* ]]; then
		pass
		read -r nf nu <<<"${r#ok }"
		echo "qemu-rings: $v: held virtio-blk request queue: $nf chains in flight, QEMU holds $nu (inuse)"
	else
		fail "$v 03.0: held request: $r"
	fi
	r=$(jq -r -L "$dir" 'include "rings"; ring_queues(.g) | map(select(.index == 0)) | .[0]
		| if .ring == null then "no ring read" elif .ring.in_flight == .queue_size then "ok"
		  else "in flight \(.ring.in_flight) != queue size \(.queue_size)" end' "$n" 2>/dev/null || echo "no output of the device")
	check "$v 02.0: idle receive queue: every buffer posted ($r)" [ "$r" = ok ]
}

# verdict_checks VARIANT: the sampled verdicts (virtio-lspci --rings --sample 5x200ms, run
# by the guest on 00:03.0 and 00:02.0): the held virtio-blk
# request queue is device-stalled (2.7.13: requests available, used frozen), the idle
# net receive queue waiting-for-input (buffers posted, no traffic).
verdict_checks() {
	local v=$1 slot want s got
	for slot in 0000:00:03.0:device-stalled 0000:00:02.0:waiting-for-input; do
		want=${slot##*:} s=${slot%:*}
		if [[ ! -e $work/res/$v/$s/sample.json ]]; then
			fail "$v ${s#0000:}: verdict: the guest ran no --sample (its virtio-lspci lacks it?)"
			continue
		fi
		got=$(jq -r -L "$dir" 'include "rings"; .devices[0] as $d | ring_queues($d) | map(select(.index == 0)) | .[0].ring.verdict.state // "none"' \
			"$work/res/$v/$s/sample.json" 2>/dev/null || echo "no JSON")
		check "$v ${s#0000:} queue 0: verdict $got, want $want" [ "$got" = "$want" ]
	done
}
for v in "${booted[@]}"; do
	held_checks "$v"
	verdict_checks "$v"
done

echo "qemu-rings: ${#booted[@]} variants, $ndev devices, $nq queues, $((SECONDS - VLP_T0))s"
summary "$VLP_PROG"
