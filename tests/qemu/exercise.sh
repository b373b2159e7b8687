#!/usr/bin/env bash
# --check --exercise in one guest (booted with --unbind) on QEMU 7.2's virtio-rng,
# virtio-blk, virtio-serial with a virtconsole, virtio-scsi with a disk, virtio-balloon
# and virtio-net with a control queue: every exercise check runs or is NOT RUN with a
# reason on each; each failure is one of QEMU 7.2's documented deviations (below, with
# the spec sentence and QEMU's source), every other check passes; -J lists them in
# passed; -o junit is read by python3-junitparser; --rebind binds virtio-pci to the
# virtio-blk again and the guest reads the image's sector 0 through /dev/vda; the
# devices are left reset (QMP status 0); a bound device and a non-root run are refused
# in one line, nothing written.  The seconds each device type took are printed.
# Prints "exercise: N passed, M failed".
#   tests/qemu/exercise.sh [TOOL]   (VLP_QEMU_CACHE: the kernel cache, see README.md;
#   VLP_EXERCISE_KEEP=DIR keeps the work folder there)
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite exercise "${1:-}"
vlp_work "${VLP_EXERCISE_KEEP:-}"
vlp_setup_or_skip
out=$work/guest.out qmp=$work/qmp.json img=$work/disk.img con=$work/console.out vlp_mark=@@VLP-EX

pattern=$(for ((i = 0; i < 512; i++)); do printf '%02x' $(((i * 29 + 7) % 256)); done)
truncate -s 1M "$img" "$work/scsi.img"
xxd -r -p <<<"$pattern" | dd of="$img" conv=notrunc status=none
: >"$con"

VLP_SUITE_QMP_OUT=$qmp vlp_guest @@VLP-EX-END --test "$VLP_QEMU_DIR/exercise/guest.sh" \
	--unbind --timeout 240 \
	--hook "$VLP_QEMU_DIR/suite/qmp-hook.sh" -- \
	-device virtio-rng-pci,disable-legacy=on,id=vlp03,addr=0x03 \
	-drive "file=$img,format=raw,if=none,id=d0" \
	-device virtio-blk-pci,disable-legacy=on,drive=d0,id=vlp04,addr=0x04 \
	-chardev "file,id=con0,path=$con" \
	-device virtio-serial-pci,disable-legacy=on,id=vlp05,addr=0x05 \
	-device virtconsole,chardev=con0 \
	-device virtio-scsi-pci,disable-legacy=on,id=vlp06,addr=0x06 \
	-drive "file=$work/scsi.img,format=raw,if=none,id=d1" \
	-device scsi-hd,drive=d1,bus=vlp06.0,scsi-id=0,lun=0 \
	-device virtio-balloon-pci,disable-legacy=on,id=vlp07,addr=0x07 \
	-netdev user,id=n0 \
	-device virtio-net-pci,disable-legacy=on,netdev=n0,id=vlp08,addr=0x08 \
	-device virtio-rng-pci,disable-legacy=on,id=vlp09,addr=0x09

# QEMU 7.2's deviations, measured here and read in its sources (Debian's
# 1:7.2+dfsg-7+deb12u18; /work/shared/reference/frontier-facts.md): the checks that fail
# on every device, each with the spec sentence it tests and where QEMU does otherwise.
#  exercise-unoffered-bit (2.2.2 "The device SHOULD accept any valid subset of
#    features the driver accepts, otherwise it MUST fail to set the FEATURES_OK device
#    status bit when the driver writes it."): the driver_feature write calls
#    virtio_set_features() (hw/virtio/virtio-pci.c:1345), whose -1 for bits not offered
#    (virtio_set_features_nocheck, hw/virtio/virtio.c:3506-3517, which masks them off)
#    is ignored; virtio_set_status (virtio.c:2482-2509) only runs
#    virtio_validate_features (:2466).
#  exercise-queue-size-pow2 (4.1.4.3.1 "If VIRTIO_F_RING_PACKED has not been negotiated,
#    the device MUST present either a value of 0 or a power of 2 in queue_size."): the
#    queue_size write is stored as given (virtio-pci.c:1386; virtio_queue_set_num,
#    virtio.c:2833-2844, refuses only 0 <-> non-0 and > 1024), so 255 reads back 255.
# And on the devices whose request handler does not look at DRIVER_OK (virtio_queue_notify,
# virtio.c:2919, checks only the ring address and "broken"):
#  exercise-before-driver-ok (2.1.2 "The device MUST NOT consume buffers or send any used
#    buffer notifications to the driver before DRIVER_OK."): virtio-blk
#    (virtio_blk_handle_output, hw/block/virtio-blk.c:793-807, "Some guests kick before
#    setting VIRTIO_CONFIG_S_DRIVER_OK"), virtio-serial's port transmitq (handle_output in
#    hw/char/virtio-serial-bus.c: only the port's host connection is tested) and
#    virtio-scsi's request queue (virtio_scsi_handle_cmd in hw/scsi/virtio-scsi.c).  The
#    entropy device complies (virtio-rng.c:29 tests DRIVER_OK).
always_fail="exercise-unoffered-bit exercise-queue-size-pow2"
requests="exercise-before-driver-ok exercise-isr-read-clears exercise-notify-used exercise-no-vector-no-irq exercise-entropy-bytes"
declare -A fails notrun secs
fails[rng]="$always_fail"
fails[blk]="$always_fail exercise-before-driver-ok"
fails[console]="$always_fail exercise-before-driver-ok"
fails[scsi]="$always_fail exercise-before-driver-ok"
fails[balloon]="$always_fail"
fails[net]="$always_fail"
# Not run, each with its reason: no 64-bit configuration field (all but the block device),
# not an entropy device, no MSI-X (the balloon: vectors), no harmless request (balloon,
# network: the request checks).
notrun[rng]="exercise-config-64bit"
notrun[blk]="exercise-entropy-bytes"
notrun[console]="exercise-config-64bit exercise-entropy-bytes"
notrun[scsi]="exercise-config-64bit exercise-entropy-bytes"
notrun[balloon]="exercise-reset-vectors exercise-config-64bit exercise-vector-map exercise-vector-map-fail $requests"
notrun[net]="exercise-config-64bit $requests"

sorted() { tr ' ' '\n' <<<"$*" | sed '/^$/d' | sort | tr '\n' ' '; }
n_ex=$("$tool" --list-checks -J | jq '[.checks[] | select(.data == "exercise")] | length')
for t in rng blk console scsi balloon net; do
	json=$(vlp_section $t-json)
	text=$(vlp_section $t-text)
	check "$t: exit 1, a MUST failed (text $(vlp_rc_of $t-text), JSON $(vlp_rc_of $t-json))" \
		[ "$(vlp_rc_of $t-text)/$(vlp_rc_of $t-json)" = 1/1 ]
	got=$(jq -r '[.devices[0].findings[] | select(.check | startswith("exercise-")) | select(.severity == "error") | .check] | unique | join(" ")' <<<"$json")
	check "$t: the failures are QEMU 7.2's documented deviations (got: $got)" \
		[ "$(sorted "$got")" = "$(sorted "${fails[$t]}")" ]
	got=$(jq -r '[.devices[0].findings[] | select(.check | startswith("exercise-")) | select(.severity != "error") | .check] | join(" ")' <<<"$json")
	check "$t: no exercise warning (got: $got)" [ -z "$got" ]
	got=$(jq -r '[.devices[0].not_checked[] | select(.check | startswith("exercise-")) | .check] | join(" ")' <<<"$json")
	check "$t: not run, each for its reason (got: $got)" [ "$(sorted "$got")" = "$(sorted "${notrun[$t]}")" ]
	check "$t: every check not run has a reason" \
		jq -e '[.devices[0].not_checked[] | .reason | length > 0] | all' <<<"$json" >/dev/null
	np=$((n_ex - $(wc -w <<<"${fails[$t]}") - $(wc -w <<<"${notrun[$t]}")))
	# shellcheck disable=SC2016 # jq programs: their $names are jq's
	check "$t: the other $np exercise checks are in passed" jq -e --argjson n "$np" \
		'[.devices[0].passed[] | select(startswith("exercise-"))] | length == $n' <<<"$json" >/dev/null
	check "$t: JSON says the device was left as found" \
		jq -e '.devices[0].restored_after_exercise == true' <<<"$json" >/dev/null
	check "$t: text: one line per exercise check" \
		[ "$(grep -cE '^  (PASS|FAIL|WARN|NOT RUN) +[0-9.]+ +exercise-' <<<"$text")" = "$n_ex" ]
	check "$t: text: each failure with its evidence below" \
		[ "$(grep -A1 -E '^  FAIL ' <<<"$text" | grep -cE '^          error ')" = "$(wc -w <<<"${fails[$t]}")" ]
	check "$t: text: left reset, Command and MSI-X restored" \
		grep -q 'device left in reset (device_status 0), PCI Command and MSI-X Message Control restored' <<<"$text"
	cs=$(vlp_section $t-time | tr -d ' ')
	secs[$t]=$cs
	check "$t: --check --exercise took $cs/100 s (under 5 s)" [ "${cs:-999}" -lt 500 ]
done
check "blk: the evidence names the request used before DRIVER_OK" \
	grep -q 'kicked before DRIVER_OK (device_status 0x0b) was used' <(vlp_section blk-text)
check "rng: a non-power-of-2 queue_size read back is the evidence" \
	grep -q 'queue_size reads 7 after the driver wrote 7' <(vlp_section rng-text)

# -o junit, read by a JUnit consumer (Debian's python3-junitparser).
junit_counts() {
	/usr/bin/python3 -c '
import sys
from junitparser import JUnitXml, Failure, Skipped
x = JUnitXml.fromfile(sys.argv[1])
c = [t for s in x for t in s]
print(len(list(x)), len(c), sum(1 for t in c if any(isinstance(r, Failure) for r in t.result)),
      sum(1 for t in c if any(isinstance(r, Skipped) for r in t.result)))' "$1"
}
n_all=$("$tool" --list-checks | wc -l)
vlp_section rng-junit >"$work/rng.xml"
vlp_section rng-active-junit >"$work/rng-active.xml"
check "junit --exercise --strict: exit 1" [ "$(vlp_rc_of rng-junit)" = 1 ]
got=$(junit_counts "$work/rng.xml")
nskip=$(vlp_section rng-json | jq '.devices[0].not_checked | length')
check "junit --exercise: 1 suite, $n_all cases, the 2 deviations fail, -J's $nskip not checked skipped (got: $got)" \
	[ "$got" = "1 $n_all 2 $nskip" ]
check "junit --check --active: exit 0" [ "$(vlp_rc_of rng-active-junit)" = 0 ]
got=$(junit_counts "$work/rng-active.xml")
check "junit --check --active: 1 suite, $n_all cases, no failure, the exercise checks skipped (got: $got)" \
	[ "${got% *}" = "1 $n_all 0" ] && [ "${got##* }" -ge "$n_ex" ]

# --rebind: the driver bound again, and the guest reads the image through it.
check "blk --rebind: the driver bound again" \
	grep -q '^  rebind: driver virtio-pci bound again' <(vlp_section blk-rebind)
check "blk --rebind: /dev/vda reads the image's sector 0 through the driver" \
	[ "$(vlp_section vda)" = "$pattern" ]
check "console: the request's line reached the host's chardev" grep -q 'virtio-lspci --check --exercise' "$con"
# Refusals, in one line, exit 1 (a runtime problem), the passive checks still made.
check "bound device: exit 1" [ "$(vlp_rc_of bound)" = 1 ]
check "bound device: refused in one line" \
	grep -qx 'virtio-lspci: 00:09.0: --check --exercise refused: driver virtio-pci is bound (unbind it, or --force)' <(vlp_section bound)
check "bound device: the exercise checks not made" \
	grep -q "19 checks not made (drives the device's queues: --check --exercise)" <(vlp_section bound)
check "not root: exit 1" [ "$(vlp_rc_of not-root)" = 1 ]
check "not root: refused in one line" \
	grep -q '^virtio-lspci: 00:03.0: --check --exercise needs root' <(vlp_section not-root)
# Left reset: the guest and QEMU agree.
check "afterwards the guest reads device_status 0 on rng, console, scsi, balloon, net" \
	jq -e '[.devices[].state.common.fields.device_status] == [0, 0, 0, 0, 0]' <(vlp_section status-after) >/dev/null
for id in vlp03 vlp05 vlp06 vlp07 vlp08; do
	st=$(vlp_qmp_status $id)
	check "QMP: $id status 0 (got: '$st')" test -z "$st"
done
st=$(vlp_qmp_status vlp04)
check "QMP: the rebound blk has its driver's DRIVER_OK (got: '$st')" grep -q 'S_DRIVER_OK' <<<"$st"
times=""
for t in rng blk console scsi balloon net; do
	times+=" $t $((${secs[$t]:-0} / 100)).$(printf '%02d' $((${secs[$t]:-0} % 100))) s,"
done
echo "$VLP_PROG: --check --exercise per device type (TCG):${times%,}"
summary "$VLP_PROG"
