#!/bin/bash
# The QEMU guest suite: boots TCG guests with every virtio-pci device kind (three variants:
# QEMU's default, i.e. transitional where the type allows it; disable-legacy=on;
# disable-modern=on; plus MSI-X off, vectors=0, on a few devices of each), runs
# ./virtio-lspci inside them on every device and checks what it read behind the BARs
# against three oracles: the other backend, the guest kernel (sysfs) and QEMU (QMP).
#
#   tests/qemu/suite.sh [-j JOBS] [--keep DIR] [VARIANT...]
#
#   -j JOBS      guests booted in parallel (default 2)
#   --keep DIR   keep every guest's raw output and the decoded files in DIR
#   --from DIR   boot nothing: check again what a --keep run left in DIR (the host replays
#                the snapshots with today's ./virtio-lspci: use the build the guests ran)
#   VARIANT      only these (default all): default modern legacy
#
# Needs ./virtio-lspci (run make first) and root (tests/qemu/setup.sh installs QEMU and
# fetches the guest kernel). Inside each guest (tests/qemu/suite/guest.sh), per device:
#   virtio-lspci --passive -J --stats -s SLOT                     (before)
#   virtio-lspci -J --access=mmap --stats --save SNAP -s SLOT
#   virtio-lspci -J --access=window --stats -s SLOT
#   virtio-lspci -vv --access=mmap --save SNAP2 -s SLOT
#   virtio-lspci --passive -J --stats -s SLOT                     (after)
#   virtio-lspci -J --read-isr -s 0000:00:05.0                    (one device per guest)
# and, while the guest is held, QMP x-query-virtio-status / -queue-status from the host
# (tests/qemu/suite/qmp-hook.sh). The checks: the "checks" array below.
#
# Output: one FAIL line per failed check (variant, slot, device kind, what differed), a
# few "note:" lines, then "qemu: V variants, D devices" and "qemu: N passed, M failed".
# Exit status 0 only if every check passed; 1 also when a guest cannot be run.
# Not root: "SKIP: reason", "qemu: 0 passed, 0 failed, 1 skipped", exit 0
# (vlp_setup_or_skip in lib.sh; as root, a tests/qemu/setup.sh that fails fails the suite).
# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite qemu
vlp_parse_variants 2 "default modern legacy" "$@"
# A missing piece the tree or make test-deps provides is a failure (vlp_cant).
vlp_need jq lspci base64 tar
suite=$VLP_QEMU_DIR/suite
vlp_variant_work

# Multiqueue virtio-net needs a tap netdev with queues=4 (root, /dev/net/tun).
tap_ok=0
if [[ -z $from ]]; then
	if ip tuntap add dev "vlpprobe$$" mode tap multi_queue 2>/dev/null; then
		ip link del "vlpprobe$$" 2>/dev/null || true
		tap_ok=1
	else
		skip "no multiqueue tap here: the mq=on virtio-net (default variant, 00:11.0) is left out"
	fi
	vlp_initrd "$suite/guest.sh"
fi

# ---------------------------------------------------------------- the guests
# Every device has id=vlpXX and addr=0xXX (the standard set from vlp_std_set in lib.sh): QMP
# path /machine/peripheral/vlpXX/virtio-backend is PCI slot 0000:00:XX.0.
# variant_args VARIANT: fills A with the QEMU arguments (machine q35, memory MEM).
variant_args() {
	local v=$1
	A=()
	MEM=1G,slots=4,maxmem=4G
	case $v in
	default) # QEMU's defaults: transitional where the type allows it
		vlp_std_set "$work" "$v" ""
		truncate -s 16M "$work/$v-blk2.img"
		A+=(-netdev user,id=n12 -device virtio-net-pci,netdev=n12,vectors=0,id=vlp12,addr=0x12
			-drive "if=none,id=d13,format=raw,file=$work/$v-blk2.img"
			-device virtio-blk-pci,drive=d13,vectors=0,id=vlp13,addr=0x13
			-device virtio-vga,id=vlp14,addr=0x14)
		if ((tap_ok)); then
			A+=(-netdev "tap,id=n11,ifname=vlpq$$,script=no,downscript=no,queues=4"
				-device virtio-net-pci,netdev=n11,mq=on,vectors=10,id=vlp11,addr=0x11)
		fi
		;;
	modern) # disable-legacy=on: modern only
		vlp_std_set "$work" "$v" ",disable-legacy=on"
		A+=(-device virtio-scsi-pci,disable-legacy=on,vectors=0,id=vlp12,addr=0x12
			-device virtio-rng-pci,disable-legacy=on,vectors=0,id=vlp13,addr=0x13)
		;;
	legacy) # disable-modern=on: legacy only (ignored by the virtio-1-only types)
		vlp_std_set "$work" "$v" ",disable-modern=on"
		A+=(-netdev user,id=n12 -device virtio-net-pci,netdev=n12,disable-modern=on,vectors=0,id=vlp12,addr=0x12
			-device virtio-serial-pci,disable-modern=on,vectors=0,id=vlp13,addr=0x13)
		;;
	esac
}
# boot VARIANT: one guest; leaves $work/$v.{out,log,err,qmp}.
boot() {
	local v=$1
	variant_args "$v"
	VLP_SUITE_QMP_OUT=$work/$v.qmp "$VLP_QEMU_DIR/run-guest.sh" --initrd "$initrd" \
		--mem "$MEM" --timeout 170 --hook "$suite/qmp-hook.sh" \
		-o "$work/$v.out" --log "$work/$v.log" -- "${A[@]}" 2>"$work/$v.err"
}
vlp_boot_variants boot

# ---------------------------------------------------------------- decoding
for v in "${booted[@]}"; do
	vlp_decode_archives "$v"
done

# ---------------------------------------------------------------- checks
# Every check is a jq expression over one device's context (built by context() below):
#   .m .w          virtio-lspci -J --access=mmap / --access=window (the device object)
#   .pb .pa        virtio-lspci --passive -J, before and after the full reads
#   .isr           virtio-lspci -J --read-isr (one device per guest), else null
#   .snap          the host's ./virtio-lspci -F SNAP -J of the guest's --save (same run as .m)
#   .vv_diff       diff of the host's ./virtio-lspci -F SNAP2 -vv against the guest's -vv
#                  (without the "BAR access:" line); .lspci_err: lspci -F SNAP -vvv problems
#   .sysfs         the guest kernel: /sys/bus/virtio/devices/virtioN/{device,status,features}
#   .qmp           QEMU: x-query-virtio-status and -queue-status of this device, else null
#   .chk           virtio-lspci --check -J (the device object of its report)
#   .stats         the --stats lines of each run; .rc: exit codes
#   .irqs          the guest kernel's IRQs of the device (sysfs msi_irqs, /proc/interrupts
#                  before and after the mmap run), null when it has none
# An expression gives true (pass), a string (fail: what differed) or null (not applicable).
# Fields: "legacy only" devices (disable-modern=on) have no common configuration: their
# status, features and queues are those of the legacy header in I/O BAR0.
# shellcheck disable=SC2016 # jq programs: their $names are jq's
checks=(
	# --- the runs themselves
	"runs" '[.rc | to_entries[] | select(.value != 0) | "\(.key) exited \(.value)"]
		| if length == 0 then true else join(", ") end'
	# --- the conformance checker: every QEMU device kind and variant is clean of
	# errors, with the register checks made (not skipped for want of BARs).
	"--check clean" 'if .chk == null then "no --check output" else
		([.chk.findings[] | select(.severity == "error") | "\(.check): \(.message)"]
		| if length == 0 then true else join("; ") end) end'
	"--check made the register checks" 'if .chk == null then null else
		([.chk.not_checked[] | select(.reason | startswith("no BAR access")) | .check]
		| if length == 0 then true else "not checked: \(join(" "))" end) end'
	"mmap reads the BARs" 'if .m.state != null then true else "state null: \(.m.state_error)" end'
	# --- a. the two backends agree
	"window reads the BARs" 'if .m.virtio.driver_uses.pci_cfg == null then
			(if .w.state == null then null else "window read a device that has no PCI cfg capability" end)
		elif .w.state != null then true else "state null: \(.w.state_error)" end'
	# virtio-input: QEMU bumps config_generation on every select/subsel write (virtio_input_set_config
	# calls virtio_notify_config), and a full read asks its questions through them.
	"mmap = window: common" 'if .w.state == null then null
		else (if .m.virtio.device_type == 18 then del(.m.state.common.fields.config_generation, .w.state.common.fields.config_generation) else . end)
		| (diffline(.m.state.common | irq_counts_out; .w.state.common | irq_counts_out) | if . == "" then true else "mmap != window: \(.)" end) end'
	"mmap = window: device_config" 'if .w.state == null then null
		else (diffline(.m.state.device_config; .w.state.device_config) | if . == "" then true else "mmap != window: \(.)" end) end'
	# What the window cannot reach (spec 4.1.4.9.2: it reaches virtio structures only) may
	# differ only by being unread: MSI-X entries without values, no legacy block.
	"mmap = window: the rest" 'if .w.state == null then null else
		(.m.state | del(.backend, .selectors_touched, .common, .device_config, .findings)
			| .msix |= map(.address = null | .data = null | .vector_control = null | .masked = null | .pending = null)
			| .legacy = null) as $m
		| (.w.state | del(.backend, .selectors_touched, .common, .device_config, .findings)) as $w
		| diffline($m; $w) | if . == "" then true else "window differs beyond what it cannot reach: \(.)" end end'
	# --- b. the guest kernel (sysfs)
	"sysfs: device type" 'expect("device_type"; .m.virtio.device_type; .sysfs.device | tonum)'
	"sysfs: status" 'if .sysfs.status == null then null
		else expect("device_status"; tool_status(.m); .sysfs.status | tonum) end'
	"sysfs: features" 'if .sysfs.features == null then null else
		(.sysfs.features | length) as $n
		| (.sysfs.features | split("") | to_entries | map(select(.value == "1") | .key)) as $k
		| tool_negotiated(.m) as $t
		| if ($t | map(select(. < $n))) == $k then true
		  else "negotiated bits \($t) != kernel \($k)" + (if (tool_driver(.m) | map(select(. < $n))) == $k
			then " (the driver features match)" else "" end) end end'
	# --- c. QEMU (QMP)
	"qmp: status" 'if .qmp == null then "no QMP data for this device"
		elif .qmp.status.return == null then "QMP x-query-virtio-status: \(.qmp.status.error // .qmp.status)" else
		expect("device_status"; tool_status(.m); .qmp.status.return.status | qemu_status) end'
	"qmp: device features" 'if .qmp == null then null else
		(.qmp.status.return["host-features"] | qemu_features) as $q
		| if legacy_only then expect("legacy host_features bits"; .m.state.legacy.fields.host_features | numbits; $q | low32)
		  else (.m.state.common.device_features_bits) as $t | (legacy_only_bits(.m)) as $l
			| if ($q - $l) == $t then true
			  else "device_features_bits \($t) != QEMU host-features \($q) minus legacy-only bits \($l)" end end end'
	"qmp: driver features" 'if .qmp == null then null else
		(.qmp.status.return["guest-features"] | qemu_features) as $q
		| if legacy_only then expect("legacy guest_features bits"; .m.state.legacy.fields.guest_features | numbits; $q)
		  else expect("driver_features_bits"; .m.state.common.driver_features_bits; $q) end end'
	"qmp: queue_select" 'if .qmp == null then null else
		expect("queue_select after the full read"; tool_qsel(.pa); .qmp.status.return["queue-sel"]) end'
	"qmp: queue count" 'if .qmp == null or legacy_only then null else
		expect("num_queues"; .m.state.common.fields.num_queues; .qmp.status.return["num-vqs"]) end'
	"qmp: queues" 'if .qmp == null then null else
		(.qmp.queues | map(.return)) as $q
		| [ (if legacy_only then
				.m.state.legacy.queues[] | . as $t | $q[$t.index] as $o
				| (if $o == null then "queue \($t.index): QEMU has no such queue"
				   elif $t.queue_size != $o["vring-num"] then "queue \($t.index): queue_size \($t.queue_size) != vring-num \($o["vring-num"])"
				   elif $t.queue_address * 4096 != $o["vring-desc"] then "queue \($t.index): queue_address*4096 \($t.queue_address * 4096) != vring-desc \($o["vring-desc"])"
				   else empty end)
			else
				.m.state.common.queues[] | . as $t | $q[$t.index] as $o
				| (if $o == null then "queue \($t.index): QEMU has no such queue"
				   elif $t.queue_size != $o["vring-num"] then "queue \($t.index): queue_size \($t.queue_size) != vring-num \($o["vring-num"])"
				   elif $t.queue_enable != 1 then empty
				   elif [$t.queue_desc, $t.queue_driver, $t.queue_device] != [$o["vring-desc"], $o["vring-avail"], $o["vring-used"]]
				   then "queue \($t.index): desc/driver/device \([$t.queue_desc, $t.queue_driver, $t.queue_device])" +
					" != vring-desc/avail/used \([$o["vring-desc"], $o["vring-avail"], $o["vring-used"]])"
				   else empty end)
			end) ]
		| if length == 0 then true else (.[0:3] | join("; ")) + (if length > 3 then "; ... (\(length))" else "" end) end end'
	# --- d. snapshots
	"snapshot -J = live -J" 'if .snap == null then "the snapshot does not decode: \(.snap_err)" else
		(.m | live_only_out | .state.backend = null) as $live
		| (.snap | live_only_out | .state.backend = null
			| if .driver == null then .driver = $live.driver else . end) as $snap
		| (.snap.source == "snapshot" and .snap.state.backend == "snapshot") as $marked
		| diffline($live; $snap) | if . == "" and $marked then true
		  elif . == "" then "source/backend not \"snapshot\"" else "replay differs: \(.)" end end'
	"snapshot -vv = live -vv" 'if .vv_diff == "" then true else "replay differs: \(.vv_diff)" end'
	"lspci -F snapshot" 'if .lspci_err == "" then true else .lspci_err end'
	# --- e. selectors: restored, and --passive writes nothing
	"selectors restored" 'if .pb.state == null then "passive read failed: \(.pb.state_error)" else
		diffline(selectors(.pb); selectors(.pa)) | if . == "" then true else "before != after: \(.)" end end'
	"full read reports the selectors it found" 'if .pb.state == null then null else
		diffline(selectors(.pb); selectors(.m)) | if . == "" then true else "passive != full read: \(.)" end end'
	"a full read leaves config_generation alone" 'if .pb.state.common == null or .pa.state.common == null then null else
		[.pb, .pa | .state.common.fields.config_generation] as [$b, $a]
		| if $a == $b then true
		  elif .m.virtio.device_type == 18 and $a > $b then
			{note: "config_generation grows over the 3 full reads: QEMU counts every select/subsel write to a virtio-input device as a config change (and interrupts the guest)", what: "\($b) -> \($a)"}
		  else "config_generation \($b) before, \($a) after" end end'
	"--passive writes nothing" '[.stats | to_entries[] | select(.key | startswith("passive"))
			| select(.value.config_writes != 0 or .value.bar_writes != 0) | "\(.key): \(.value)"]
		+ [.pb, .pa | select(.state != null) | select(.state.passive != true or .state.selectors_touched != false)
			| "state.passive/selectors_touched = \(.state.passive)/\(.state.selectors_touched)"]
		| if length == 0 then true else join("; ") end'
	# --- f. transitional devices: the legacy header agrees with the modern interface
	"transitional: legacy block" 'if .m.virtio.transport != "transitional" then null
		elif .m.state.legacy == null then "legacy is null" else true end'
	"transitional: legacy host_features" 'if .m.virtio.transport != "transitional" or .m.state.legacy == null then null else
		(.m.state.legacy.fields.host_features | numbits) as $l
		| (.m.state.common.device_features_bits | low32) as $t | legacy_only_bits(.m) as $x
		| if ($l - $x) == $t and ($t - $l) == [] then true
		  else "legacy host_features bits \($l) minus legacy-only \($x) != device_features_bits below 32 \($t)" end end'
	"transitional: legacy = modern" 'if .m.virtio.transport != "transitional" or .m.state.legacy == null then null else
		.m.state as $s
		| [ (if $s.legacy.fields.device_status != $s.common.fields.device_status then "device_status legacy \($s.legacy.fields.device_status) != modern \($s.common.fields.device_status)" else empty end),
			(if $s.legacy.fields.queue_select != $s.common.fields.queue_select then "queue_select legacy \($s.legacy.fields.queue_select) != modern \($s.common.fields.queue_select)" else empty end),
			(if $s.legacy.fields.guest_features != $s.common.negotiated_features_words[0] then "guest_features \($s.legacy.fields.guest_features) != negotiated word 0 \($s.common.negotiated_features_words[0])" else empty end),
			(if ($s.legacy.queues | map(.queue_size)) != ($s.common.queues | map(.queue_size)) then "queue sizes legacy \($s.legacy.queues | map(.queue_size)) != modern \($s.common.queues | map(.queue_size))" else empty end),
			($s.common.queues[] | select(.queue_enable == 1) | . as $c | $s.legacy.queues[$c.index]
				| select(.queue_address != (($c.queue_desc / 4096) | floor))
				| "queue \($c.index): legacy queue_address \(.queue_address) != queue_desc/4096 \(($c.queue_desc / 4096) | floor)") ]
		| if length == 0 then true else join("; ") end end'
	# --- MSI-X: "used_by" names the events whose vector is that entry
	"msix used_by" 'if .m.state.msix == null or (.m.state.msix | length) == 0 then null else
		.m.state as $s
		| (if $s.common != null then [$s.common.fields.config_msix_vector, $s.common.queues]
		   else [$s.legacy.fields.config_msix_vector, $s.legacy.queues] end) as [$cv, $qs]
		| [$s.msix[] | msix_users($cv; $qs; .vector) as $want | select(.used_by != $want)
			| "vector \(.vector): used_by \(.used_by | tojson), config/queue vectors say \($want | tojson)"]
		| if length == 0 then true else (.[0:3] | join("; ")) end end'
	# --- the interrupt path as Linux sees it: every IRQ of sysfs msi_irqs with the entry,
	# name and affinity of /proc/interrupts, a count between the two reads around the
	# run, and the mask/pending/used_by of the MSI-X table entry it serves.
	"interrupts = /proc/interrupts" 'if .irqs == null then null
		elif .m.interrupts == null then "interrupts null: \(.m.interrupts_error)" else
		.m.interrupts as $t
		| [ (if ($t | map(.linux_irq)) != (.irqs | map(.irq)) then "IRQs \($t | map(.linux_irq)) != msi_irqs \(.irqs | map(.irq))" else empty end),
			(.irqs[] | . as $k | ($t[] | select(.linux_irq == $k.irq)) as $o
			| (if $o.vector != $k.entry then "IRQ \($k.irq): vector \($o.vector) != hwirq \($k.entry)"
			   elif $o.name != $k.name then "IRQ \($k.irq): name \($o.name) != \($k.name)"
			   elif $o.kind != $k.kind then "IRQ \($k.irq): kind \($o.kind) != \($k.kind)"
			   elif $o.affinity != $k.affinity then "IRQ \($k.irq): affinity \($o.affinity) != \($k.affinity)"
			   elif $o.count < $k.before or $o.count > $k.after then "IRQ \($k.irq): count \($o.count) outside \($k.before)..\($k.after)"
			   else empty end)) ]
		| if length == 0 then true else (.[0:3] | join("; ")) end end'
	"interrupts = MSI-X table" 'if .m.interrupts == null or (.m.state.msix // [] | length) == 0 then null else
		.m.state.msix as $x
		| [ .m.interrupts[] | select(.vector != null) | . as $i | $x[$i.vector] as $e
			| select([$i.masked, $i.pending, $i.used_by] != [$e.masked, $e.pending, $e.used_by])
			| "vector \($i.vector): masked/pending/used_by \([$i.masked, $i.pending, $i.used_by]) != MSI-X table \([$e.masked, $e.pending, $e.used_by])" ]
		| if length == 0 then true else (.[0:3] | join("; ")) end end'
	# --- g. the window backend counts config-space accesses
	"--stats: window accesses" 'if .w.state == null then null
		elif .stats.window == null then "no stats line on stderr"
		elif .stats.window.backend != "window" then "backend=\(.stats.window.backend)"
		elif .stats.window.config_reads > 0 and .stats.window.config_writes > 0 then true
		else "config_reads=\(.stats.window.config_reads) config_writes=\(.stats.window.config_writes)" end'
	# --- h. the ISR is read only with --read-isr, and then once
	"ISR not read by default" '[.m, .w, .pb, .pa | select(.state != null)
			| select(.state.isr != null or .state.legacy.fields.isr != null) | "isr read (\(.state.backend))"]
		| if length == 0 then true else join("; ") end'
	"--read-isr gives the ISR" 'if .isr == null then null
		elif (.isr.state.isr | type) == "number" then true
		elif legacy_only and (.isr.state.legacy.fields.isr | type) == "number" then true
		else "isr = \(.isr.state.isr | tojson), legacy isr = \(.isr.state.legacy.fields.isr | tojson)" end'
	# (a legacy-only device has only the legacy ISR: state.isr shows that one read)
	"--read-isr reads the ISR once" 'if .isr == null then null
		elif .isr.state.common != null and .isr.state.isr != null and .isr.state.legacy.fields.isr != null then
			"read twice (modern ISR \(.isr.state.isr), then legacy header ISR \(.isr.state.legacy.fields.isr)): reading clears it (4.1.4.5.1)"
		else true end'
)

# jq definitions the checks use (besides tests/qemu/suite/suite.jq).
# shellcheck disable=SC2016 # jq definitions
defs='
def tonum: if type == "string" then (if startswith("0x") then ltrimstr("0x") | explode
	| reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end))
	else tonumber end) else . end;
def expect($what; $tool; $oracle): if $tool == $oracle then true
	else "\($what): tool \($tool | tojson) != oracle \($oracle | tojson)" end;
def legacy_only: .m.virtio.transport == "legacy";
# What only a live run has: Linux'"'"'s view of the interrupts (the device list and each
# queue'"'"'s IRQ number, name and count); a snapshot records none of it.
def irq_counts_out: if .queues then .queues |= map(if .irq then .irq |= del(.count) else . end) else . end;
def live_only_out: del(.source, .origin, .interrupts, .interrupts_error)
	| if .state.common.queues then .state.common.queues |= map(if .irq then .irq |= del(.linux_irq, .name, .count) else . end) else . end
	| if .state.legacy.queues then .state.legacy.queues |= map(if .irq then .irq |= del(.linux_irq, .name, .count) else . end) else . end;
def tool_status($d): if $d.state.common != null then $d.state.common.fields.device_status
	else $d.state.legacy.fields.device_status end;
def tool_negotiated($d): if $d.state.common != null then $d.state.common.negotiated_features_bits
	else $d.state.legacy.fields.guest_features | numbits end;
def tool_driver($d): if $d.state.common != null then $d.state.common.driver_features_bits
	else $d.state.legacy.fields.guest_features | numbits end;
def tool_qsel($d): if $d.state.common != null then $d.state.common.fields.queue_select
	else $d.state.legacy.fields.queue_select end;
def selectors($d): {common: ($d.state.common.fields // {} | {device_feature_select, driver_feature_select, queue_select}),
	legacy: ($d.state.legacy.fields // {} | {queue_select})};
# Bits QEMU offers only through the legacy interface (VIRTIO_LEGACY_FEATURES: 24 NOTIFY_ON_EMPTY,
# 27 ANY_LAYOUT, 30 BAD_FEATURE; virtio-net adds 6, GSO): the modern device_feature hides them.
def legacy_only_bits($d): [24, 27, 30] + (if $d.virtio.device_type == 1 then [6] else [] end) | sort;
'
program=$defs$(vlp_check_program "${checks[@]}")

# The --stats line of a run's stderr as a JSON object ("null" without one).
stats_of() {
	local line kv json=
	line=$(sed -n 's/^virtio-lspci: stats: [^ ]* //p' "$1" 2>/dev/null | head -n1)
	[[ -n $line ]] || { echo null; return; }
	for kv in $line; do
		if [[ ${kv#*=} =~ ^[0-9]+$ ]]; then
			json+="\"${kv%%=*}\": ${kv#*=}, "
		else
			json+="\"${kv%%=*}\": \"${kv#*=}\", "
		fi
	done
	echo "{${json%, }}"
}
# The guest's irqs file as a JSON array of {irq, kind, affinity, entry, name, before,
# after} ("null" when the device has no MSI IRQs): entry and name from the /proc/interrupts
# columns after the per-CPU counts (chip, HWIRQ-handler, name); Debian's 6.1 guest kernel
# uses x86's global PCI-MSI domain, this project's development VM the per-device one.
irqs_of() {
	[[ -s $1 ]] || { echo null; return; }
	awk '
		$1 == "irq" { n++; irq[n] = $2; kind[$2] = $3; aff[$2] = $4; next }
		$1 == "before" || $1 == "after" {
			i = $2; sub(":", "", i); sum = 0; k = 3
			while ($k ~ /^[0-9]+$/) { sum += $k; k++ }
			# x86 global domain ("PCI-MSI"): hwirq = requester ID << 11 | entry
			if ($1 == "before") { before[i] = sum; hw = $(k + 1); sub(/-.*/, "", hw)
				entry[i] = ($k == "PCI-MSI" || $k == "IR-PCI-MSI") ? hw % 2048 : hw
				name[i] = ""; for (m = k + 2; m <= NF; m++) name[i] = name[i] (name[i] == "" ? "" : " ") $m }
			else after[i] = sum
		}
		END {
			printf "["
			for (j = 1; j <= n; j++) { i = irq[j]
				printf "%s{\"irq\":%s,\"kind\":\"%s\",\"affinity\":\"%s\",\"entry\":%s,\"name\":\"%s\",\"before\":%s,\"after\":%s}",
					(j > 1 ? "," : ""), i, kind[i], aff[i], (entry[i] == "" ? "null" : entry[i]), name[i],
					(before[i] == "" ? "null" : before[i]), (after[i] == "" ? "null" : after[i]) }
			print "]"
		}' "$1"
}
vv_live_only=$'BAR access:|^\tInterrupts|^\t\t(Vector [0-9]+|INTx|MSI): IRQ|^\t\t\tper CPU:'
# context VARIANT SLOT: writes DIR/ctx.json (see "checks" above).
context() {
	local v=$1 slot=$2 d=$work/res/$1/$2 n id qmp snap_err vv_diff lspci_err stats='' rcs='' r irqs
	id=vlp${slot:8:2}
	qmp=$(jq -c --arg p "/machine/peripheral/$id/virtio-backend" 'select(.path == $p)' "$work/$v.qmp" 2>/dev/null | head -n1)
	# d. The host replays the guest's snapshots.
	"$tool" -F "$d/snap-json.lspci" -J >"$d/replay.json" 2>"$d/replay.err" || true
	snap_err=$(head -c 300 "$d/replay.err")
	# (a snapshot records no Linux IRQs: the live run's Interrupts block is left out)
	vv_diff=$(diff <("$tool" -F "$d/snap-vv.lspci" -vv 2>&1 | grep -vE "$vv_live_only") \
		<(grep -vE "$vv_live_only" "$d/vv.out") | head -n 6 | tr '\n\t' '  ' | cut -c1-400 || true)
	lspci_err=
	if ! lspci -F "$d/snap-json.lspci" -vvv >/dev/null 2>"$d/lspci.err"; then
		lspci_err="lspci -F exited non-zero: "
	fi
	lspci_err+=$(grep -v 'Unable to load libkmod resources' "$d/lspci.err" | head -n 3 | tr '\n' ' ' || true)
	for n in passive-before mmap window vv passive-after isr check; do
		[[ -e $d/$n.rc ]] || continue
		rcs+="\"$n\": $(cat "$d/$n.rc"), "
		stats+="\"${n//-/_}\": $(stats_of "$d/$n.err"), "
	done
	rcs="{${rcs%, }}" stats="{${stats%, }}"
	r=null
	[[ -e $d/isr.out ]] && r=$(vlp_dev_of "$d/isr.out")
	irqs=$(irqs_of "$d/irqs")
	jq -n -c --argjson m "$(vlp_dev_of "$d/mmap.out")" --argjson w "$(vlp_dev_of "$d/window.out")" \
		--argjson pb "$(vlp_dev_of "$d/passive-before.out")" --argjson pa "$(vlp_dev_of "$d/passive-after.out")" \
		--argjson isr "$r" --argjson chk "$(vlp_dev_of "$d/check.out")" --argjson snap "$(vlp_dev_of "$d/replay.json")" --arg snap_err "$snap_err" \
		--arg vv_diff "$vv_diff" --arg lspci_err "$lspci_err" \
		--argjson qmp "${qmp:-null}" --argjson stats "$stats" --argjson rc "$rcs" --argjson irqs "$irqs" \
		--rawfile sysfs "$d/sysfs" \
		'{m: $m, w: $w, pb: $pb, pa: $pa, isr: $isr, chk: $chk, snap: $snap, snap_err: $snap_err, vv_diff: $vv_diff,
		  lspci_err: $lspci_err, qmp: $qmp, stats: $stats, rc: $rc, irqs: $irqs,
		  sysfs: ($sysfs | split("\n") | map(select(. != "") | capture("^(?<k>[^ ]+) (?<v>.*)$") | {(.k): .v}) | add)}' \
		>"$d/ctx.json"
}

# check_device VARIANT SLOT: the checks on one device.
check_device() {
	local v=$1 slot=$2 d=$work/res/$1/$2 kind label verdict name detail what
	context "$v" "$slot"
	kind=$(jq -r '.m | "\(.virtio.device_type_name // "?")/\(.virtio.transport // "?")"' "$d/ctx.json")
	label="$v ${slot#0000:} $kind"
	while IFS=$'\t' read -r verdict name detail what; do
		vlp_verdict "$verdict" "$label: $name: $detail" "$v: $name: $detail" "${slot#0000:} ($what)"
	done < <(jq -r -L "$suite" "include \"suite\"; $program" "$d/ctx.json" 2>&1 ||
		printf 'fail\tjq\tthe checks could not run\n')
}
declare -A devices_in
ndev=0
for v in "${booted[@]}"; do
	vlp_each_device "$v" check_device
	# The guest's virtio PCI devices are QEMU's virtio devices (QMP x-query-virtio).
	only_guest=$(comm -23 <(vlp_decoded "$v" | sort) \
		<(jq -r '.path | capture("/vlp(?<d>[0-9a-f]{2})/") | "0000:00:\(.d).0"' "$work/$v.qmp" 2>/dev/null | sort) | tr '\n' ' ')
	only_qemu=$(comm -13 <(vlp_decoded "$v" | sort) \
		<(jq -r '.path | capture("/vlp(?<d>[0-9a-f]{2})/") | "0000:00:\(.d).0"' "$work/$v.qmp" 2>/dev/null | sort) | tr '\n' ' ')
	if [[ -z $only_guest$only_qemu ]]; then pass; else
		fail "$v: the guest's virtio devices are not QEMU's: only in the guest: ${only_guest:-none}; only in QMP x-query-virtio: ${only_qemu:-none}"
	fi
	devices_in[$v]=$vlp_devices
	ndev=$((ndev + vlp_devices))
done

# Notes: expected differences, one line per variant and kind, with the devices.
vlp_print_notes

# The multiqueue devices have their queues: blk num-queues=4, net mq=on with 4 pairs + control
# (legacy only: the queues the legacy header shows).
mq_check() {
	local f=$work/res/$1/$2/ctx.json want=$3 what=$4 got
	# Only variants that ran; a device missing from one that did is a failure, but
	# the one left out for want of a multiqueue tap (skipped above, or in --from's run).
	[[ " ${booted[*]} " == *" $1 "* ]] || return 0
	if [[ ! -e $f ]]; then
		if [[ $2 == 0000:00:11.0 && $tap_ok == 0 ]]; then
			[[ -z $from ]] || skip "$1 ${2#0000:} $what: not in the --from run (no multiqueue tap then?)"
		else
			fail "$1 ${2#0000:} $what: no decoded output of the device"
		fi
		return 0
	fi
	got=$(jq -r '.m.state.common.fields.num_queues // (.m.state.legacy.queues | length)' "$f")
	check "$1 ${2#0000:} $what: num_queues $got, want $want" [ "$got" = "$want" ]
}
for v in "${booted[@]}"; do
	mq_check "$v" 0000:00:03.0 4 "virtio-blk num-queues=4"
done
mq_check default 0000:00:11.0 9 "virtio-net mq=on, tap queues=4"

# g. The window backend's cost, per variant (every device's line in window-stats.txt with --keep).
for v in "${booted[@]}"; do
	for f in "$work/res/$v"/*/ctx.json; do
		[[ -e $f ]] || continue
		jq -r --arg v "$v" '.m.slot as $s | .stats.window // empty | select(.backend == "window")
			| "\($v) \($s) config_reads=\(.config_reads) config_writes=\(.config_writes) bar_reads=\(.bar_reads) bar_writes=\(.bar_writes)"' "$f"
	done
done >"$work/window-stats.txt"
for v in "${booted[@]}"; do
	awk -v v="$v" '$1 == v { n++; for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[2] != "") s[kv[1]] += kv[2] } }
		END { if (n) printf "qemu: %s: window backend on %d devices: %d config reads, %d config writes, %d register reads\n",
			v, n, s["config_reads"], s["config_writes"], s["bar_reads"] }' "$work/window-stats.txt"
done

# a. What the window could not reach, per variant (the checks above made sure that is all).
for v in "${booted[@]}"; do
	cat "$work/res/$v"/*/ctx.json 2>/dev/null | jq -r -s --arg v "$v" '
		map(select(.w.state != null)) as $d
		| [$d[] | select((.w.state.msix | length) > 0 and (.w.state.msix[0].address == null))] as $x
		| [$d[] | select(.m.state.legacy != null and .w.state.legacy == null)] as $l
		| [.[] | select(.w.state == null)] as $n
		| "qemu: \($v): window backend: MSI-X table not read on \($x | length) devices, legacy header on \($l | length)"
		  + " (spec 4.1.4.9.2: it reaches virtio structures only); no window at all on \($n | length)"
		  + " (no PCI cfg capability)"'
done

counts=()
for v in "${booted[@]}"; do counts+=("$v ${devices_in[$v]}"); done
echo "qemu: ${#booted[@]} variants, $ndev devices (${counts[*]}), $((SECONDS - VLP_T0))s"
summary "$VLP_PROG"
