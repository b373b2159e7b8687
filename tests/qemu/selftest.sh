#!/usr/bin/env bash
# --selftest in one guest (booted with --unbind): a virtio-rng gives two different reads;
# a virtio-blk on an image whose sector 0 this script writes reports that sector as
# sector0_hex and its serial as id, then --rebind binds virtio-pci again and the guest
# kernel reads the same sector through /dev/vda; a virtio-serial's virtconsole gets the
# self-test's line, which appears in the host's chardev file; a virtio-balloon passes
# initialization and reset; a virtio-scsi finds its disk on target 2 by INQUIRY (vendor
# and product as QEMU was given them) and TEST UNIT READY passes; a virtio-net
# acknowledges promiscuous mode on and off and its frame reaches QEMU (filter-dump); a
# second virtio-blk gets only --selftest --dry-run: the memory plan, the writes up to
# DRIVER_OK and the block requests are printed, and the only BAR writes made are the
# selector moves its reads need (put back), its registers read the same before and
# after, and QMP shows the status the kernel's unbind left (ACKNOWLEDGE); QEMU's view over QMP afterwards
# (x-query-virtio-status) has status 0 on each device not rebound; a device bound again to its driver is refused in
# one line, exit 1, nothing written (--stats), and so is a run as
# another user than root.  Prints "selftest: N passed, M failed".
#   tests/qemu/selftest.sh [TOOL]   (VLP_QEMU_CACHE: the kernel cache, see README.md;
#   VLP_SELFTEST_KEEP=DIR keeps the work folder there: the guest's output, QEMU's replies,
#   the console file, the frames and the disk images)
set -uo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite selftest "${1:-}"
vlp_work "${VLP_SELFTEST_KEEP:-}"
vlp_setup_or_skip
out=$work/guest.out qmp=$work/qmp.json img=$work/disk.img con=$work/console.out vlp_mark=@@VLP-ST

# Sector 0: byte i is (i * 37 + 11 + 128 * (i >= 256)) mod 256: no two offsets of a
# 256-byte half alike, and the halves differ byte for byte.
pattern=$(for ((i = 0; i < 512; i++)); do printf '%02x' $(((i * 37 + 11 + 128 * (i >> 8)) % 256)); done)
truncate -s 1M "$img" "$work/scsi.img" "$work/dry.img"
xxd -r -p <<<"$pattern" | dd of="$img" conv=notrunc status=none
: >"$con"

VLP_SUITE_QMP_OUT=$qmp vlp_guest @@VLP-ST-END --test "$VLP_QEMU_DIR/selftest/guest.sh" \
	--unbind --timeout 120 \
	--hook "$VLP_QEMU_DIR/suite/qmp-hook.sh" -- \
	-device virtio-rng-pci,disable-legacy=on,id=vlp03,addr=0x03 \
	-drive "file=$img,format=raw,if=none,id=d0" \
	-device virtio-blk-pci,disable-legacy=on,drive=d0,serial=vlp-selftest-01,id=vlp04,addr=0x04 \
	-chardev "file,id=con0,path=$con" \
	-device virtio-serial-pci,disable-legacy=on,id=vlp05,addr=0x05 \
	-device virtconsole,chardev=con0 \
	-device virtio-balloon-pci,disable-legacy=on,id=vlp06,addr=0x06 \
	-device virtio-rng-pci,disable-legacy=on,id=vlp07,addr=0x07 \
	-device virtio-scsi-pci,disable-legacy=on,id=vlp08,addr=0x08 \
	-drive "file=$work/scsi.img,format=raw,if=none,id=d1" \
	-device scsi-hd,drive=d1,bus=vlp08.0,scsi-id=2,lun=0,vendor=VLPVEND,product=VLP-SELFTEST-HD \
	-netdev user,id=n0 -object "filter-dump,id=fd0,netdev=n0,file=$work/net.pcap" \
	-device virtio-net-pci,disable-legacy=on,netdev=n0,mac=52:54:00:12:34:56,id=vlp09,addr=0x09 \
	-drive "file=$work/dry.img,format=raw,if=none,id=d2" \
	-device virtio-blk-pci,disable-legacy=on,drive=d2,id=vlp0a,addr=0x0a

# jq -e FILTER on a run's JSON
jsect() { jq -e "$2" <(vlp_section "$1") >/dev/null; }

for t in rng blk console balloon scsi net; do
	check "$t: text exit 0" [ "$(vlp_rc_of $t-text)" = 0 ]
	check "$t: text ends passed" grep -q '^  passed: ' <(vlp_section $t-text)
	check "$t: no FAIL line" test -z "$(vlp_section $t-text | grep '^  FAIL')"
	check "$t: text reaches DRIVER_OK and resets after" \
		grep -q '^  ok   reset after: device_status reads back 0' <(vlp_section $t-text)
done
check "rng: JSON exit 0" [ "$(vlp_rc_of rng-json)" = 0 ]
check "rng: two 64-byte reads that differ" \
	jsect rng-json '.schema_version == 1 and (.selftest[0] | .slot == "00:03.0" and .ok
		and .device_type_name == "entropy" and (.data.reads | length == 2)
		and (.data.reads | map(length) == [128, 128]) and .data.reads[0] != .data.reads[1])'
check "rng: every step named, ok, with a detail" \
	jsect rng-json '[.selftest[0].steps[] | (.name | length > 0) and .ok and (.detail | length > 0)] | all'
check "blk: JSON exit 0 (with --rebind)" [ "$(vlp_rc_of blk-json)" = 0 ]
check "blk: sector0_hex is the pattern written" \
	jsect blk-json ".selftest[0].data.sector0_hex == \"$pattern\""
check "blk: id is the serial" jsect blk-json '.selftest[0].data.id == "vlp-selftest-01"'
check "blk: capacity 2048 sectors" jsect blk-json '.selftest[0].data.capacity == 2048'
check "blk: rebind step ok, driver virtio-pci" \
	jsect blk-json '.selftest[0] | .driver == "virtio-pci" and (.steps[-1] | .name == "rebind" and .ok)'
check "blk: /dev/vda reads the same sector 0 after --rebind" [ "$(vlp_section vda)" = "$pattern" ]
check "console: JSON written names virtio-lspci" \
	jsect console-json '.selftest[0].data.written | test("virtio-lspci")'
line=$(vlp_section console-json | jq -r '.selftest[0].data.written | rtrimstr("\n")')
check "console: the line is in the host chardev file (twice: text and JSON run)" \
	[ "$(grep -cxF "$line" "$con")" = 2 ]
check "console: the emergency write is there too when offered" \
	jsect console-json '(.selftest[0].steps[] | select(.name == "emergency write") | .ok)'
if vlp_section console-json | jq -e '.selftest[0].data.emerg_written' >/dev/null; then
	check "console: emergency line in the chardev file" \
		grep -qF "$(vlp_section console-json | jq -r '.selftest[0].data.emerg_written | rtrimstr("\n")')" "$con"
fi
check "balloon: JSON: init test, queues and DRIVER_OK ok" \
	jsect balloon-json '.selftest[0] | .test == "init" and .ok and .left_reset
		and ([.steps[].name] | index("queues") != null and index("DRIVER_OK") != null)'
check "scsi: INQUIRY finds target 2 with the vendor and product QEMU was given" \
	jsect scsi-json '.selftest[0] | .test == "scsi" and .data.target == 2
		and .data.vendor == "VLPVEND" and .data.product == "VLP-SELFTEST-HD"'
check "scsi: TEST UNIT READY ok" \
	jsect scsi-json '.selftest[0].steps[] | select(.name == "test unit ready") | .ok'
check "net: two control commands acknowledged (promisc on, off)" \
	jsect net-json '.selftest[0] | .test == "network" and .data.ctrl_acks == 2'
check "net: the frame comes from the configured MAC" \
	jsect net-json '.selftest[0].data.frame_hex | startswith("ffffffffffff52540012345688b5")'
check "net: the frame reached QEMU's network backend (filter-dump pcap, text and JSON run)" \
	[ "$(grep -c 'virtio-lspci self-test frame' "$work/net.pcap")" -ge 1 ]
check "afterwards the guest reads device_status 0 on rng, console, balloon, scsi, net" \
	jsect status-after '[.devices[].state.common.fields.device_status] == [0, 0, 0, 0, 0]'
for id in vlp03 vlp05 vlp06 vlp08 vlp09; do
	st=$(vlp_qmp_status $id)
	check "QMP: $id status 0 (got: '$st')" test -z "$st"
done
st=$(vlp_qmp_status vlp04)
check "QMP: the rebound blk has its driver's DRIVER_OK (got: '$st')" grep -q 'S_DRIVER_OK' <<<"$st"
# --dry-run: nothing written but the selector moves its reads need (each printed as
# "write ... (selector, put back after)"; --stats counts exactly those).
dry=$(vlp_section blk-dry)
check "dry run: exit 0" [ "$(vlp_rc_of blk-dry)" = 0 ]
check "dry run: says so first" grep -q '^00:0a.0: dry run: the writes up to DRIVER_OK' <<<"$dry"
check "dry run: the writes reach DRIVER_OK (device_status <- 0x0f)" \
	grep -qE '^  would write BAR[0-9]\+0x[0-9a-f]+ device_status +<- 0x0f$' <<<"$dry"
check "dry run: queues would be enabled" \
	grep -qE '^  would write BAR[0-9]\+0x[0-9a-f]+ queue_enable +<- 0x0001$' <<<"$dry"
check "dry run: bus mastering would be enabled (config 0x004)" \
	grep -qE '^  would write config 0x004 ' <<<"$dry"
check "dry run: memory plan of queue 0 with made-up addresses" \
	grep -qE '^    queue 0: split, size [0-9]+: descriptors [0-9]+ bytes at 0x10000000, driver area' <<<"$dry"
check "dry run: says the addresses are made up" grep -q 'addresses made up' <<<"$dry"
check "dry run: the block requests (T_IN sector 0, GET_ID, the capacity reads)" \
	[ "$(grep -cE 'VIRTIO_BLK_T_IN sector 0|VIRTIO_BLK_T_GET_ID|VIRTIO_BLK_T_IN of (the last sector|sector capacity)' <<<"$dry")" = 4 ]
check "dry run: every write made is a selector put back" \
	test -z "$(grep '^  write ' <<<"$dry" | grep -v '(selector, put back after)$')"
nsel=$(grep -c '^  write ' <<<"$dry")
check "dry run: --stats bar_writes = the $nsel selector moves, config_writes 0" \
	grep -qE "config_writes=0 bar_reads=[0-9]+ bar_writes=$nsel\$" <<<"$dry"
check "dry run: no step failed, ends planned" grep -q '^  planned: dry run, nothing written' <<<"$dry"
# The kernel's unbind leaves ACKNOWLEDGE set (its virtio core acknowledges the device
# again when the driver goes): the dry run must leave that as it was.
regs='.devices[0].state.common | {s: .fields.device_status, q: [.queues[] | {queue_enable, queue_desc, queue_driver, queue_device, queue_size, queue_msix_vector}]}'
check "dry run: device_status and every queue register as before it" \
	cmp -s <(vlp_section blk-dry-before | jq -c "$regs") <(vlp_section blk-dry-after | jq -c "$regs")
check "dry run: afterwards no queue enabled" \
	jsect blk-dry-after '[.devices[0].state.common.queues[].queue_enable] | all(. == 0)'
st=$(vlp_qmp_status vlp0a)
check "QMP: the dry-run blk keeps the unbind's status, ACKNOWLEDGE only (got: '$st')" \
	[ "$st" = VIRTIO_CONFIG_S_ACKNOWLEDGE ]
check "bound device: exit 1" [ "$(vlp_rc_of bound)" = 1 ]
check "bound device: one line besides --stats" [ "$(vlp_section bound | grep -vc ': stats: ')" = 1 ]
check "bound device: the line names the driver" \
	grep -q '^virtio-lspci: 00:07.0: --selftest refused: driver virtio-pci is bound' <(vlp_section bound)
check "bound device: nothing written (--stats)" grep -q 'bar_writes=0$' <(vlp_section bound)
check "not root: exit 1" [ "$(vlp_rc_of not-root)" = 1 ]
check "not root: one line naming root" \
	[ "$(vlp_section not-root | grep -c '^virtio-lspci: 00:03.0: --selftest needs root')" = 1 ]
check "not root: only that line and --stats, nothing written" \
	[ "$(vlp_section not-root | grep -vc ': stats: ')" = 1 ] && grep -q 'bar_writes=0$' <(vlp_section not-root)
st=$(vlp_qmp_status vlp07)
check "QMP: the bound device keeps its driver's DRIVER_OK (got: '$st')" grep -q 'S_DRIVER_OK' <<<"$st"
summary "$VLP_PROG"
