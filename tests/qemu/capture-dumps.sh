#!/bin/bash
# Regenerates tests/data/qemu-<variant>.lspci and .sysfs: boots QEMU guests with many
# virtio-pci device kinds and records, inside each guest, `lspci -d 1af4: -vvvxxxx` and the
# virtio sysfs facts of every virtio device.
#
#   tests/qemu/capture-dumps.sh [-j JOBS] [-o DIR] [VARIANT...]
#
#   -j JOBS   guests booted in parallel (default 2: TCG runs one vCPU per host thread)
#   -o DIR    output folder (default: tests/data)
#   VARIANT   only these (default: all): transitional modern legacy msix-off notify pcie pc
#   --snapshots  instead: run ./virtio-lspci -vv --save in each guest and write
#             tests/data/snapshot-<variant>.lspci (the snapshot) and .live (the live -vv
#             text printed while it was taken), the golden pair for snapshot replay
#   --access-counts DIR  instead: run ./virtio-lspci -vv --stats in each guest through the
#             mmap and the window backends and write DIR/access-<variant>.txt (make bench)
#
# .lspci: the guest's lspci output, unchanged (`lspci -F FILE` reads it).
# .sysfs: '#' comment lines (the QEMU arguments), then "SLOT KEY VALUE" lines, SLOT as in
#         sysfs (0000:00:02.0); keys: pci_id, pci_driver, virtio, device, vendor, features,
#         status, driver (see tests/qemu/README.md).
# shellcheck disable=SC2054 # commas separate QEMU sub-options, not array elements
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh
VLP_PROG=capture

all_variants=(transitional modern legacy msix-off notify pcie pc)
jobs=2
outdir=$VLP_REPO_ROOT/tests/data
variants=()
snapshots=0
counts_dir=
while (($#)); do
	case $1 in
	--snapshots) snapshots=1; shift ;;
	--access-counts) counts_dir=${2:?}; shift 2 ;;
	-j) jobs=${2:?}; shift 2 ;;
	-o) outdir=${2:?}; shift 2 ;;
	-h | --help) vlp_usage; exit 0 ;;
	-*) vlp_die "unknown option $1" ;;
	*) variants+=("$1"); shift ;;
	esac
done
((${#variants[@]})) || variants=("${all_variants[@]}")
for v in "${variants[@]}"; do
	[[ " ${all_variants[*]} " == *" $v "* ]] || vlp_die "unknown variant $v (known: ${all_variants[*]})"
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || vlp_die "-j needs a positive number"

t0=$SECONDS
"$VLP_QEMU_DIR/setup.sh"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vlp-capture.XXXXXX")
trap 'rm -rf "$work"' EXIT

tool=$VLP_REPO_ROOT/virtio-lspci
if [[ -n $counts_dir ]]; then
	[[ -x $tool ]] || vlp_die "--access-counts needs ./virtio-lspci: run make first"
	mkdir -p "$counts_dir"
	cat >"$work/guest.sh" <<'GUEST'
echo "@@VLP counts"
for access in mmap window; do
	virtio-lspci -vv --access=$access --stats 2>&1 >/dev/null | grep 'stats:'
done
echo "@@VLP end"
GUEST
elif ((snapshots)); then
	[[ -x $tool ]] || vlp_die "--snapshots needs ./virtio-lspci: run make first"
	# The tool's live output and its snapshot, taken in one run.
	cat >"$work/guest.sh" <<'GUEST'
virtio-lspci -vv --save /tmp/snap.txt >/tmp/live.txt 2>/tmp/err.txt
echo "@@VLP snapshot"
cat /tmp/snap.txt
echo "@@VLP live"
cat /tmp/live.txt
echo "@@VLP end"
GUEST
else
# The guest side: lspci of every 1af4 device, then the sysfs facts, between section lines.
cat >"$work/guest.sh" <<'GUEST'
echo "@@VLP lspci"
lspci -d 1af4: -vvvxxxx 2>/dev/null
echo "@@VLP sysfs"
for p in /sys/bus/pci/devices/*; do
	[ "$(cat "$p/vendor")" = 0x1af4 ] || continue
	s=${p##*/}
	echo "$s pci_id 1af4:$(sed 's/^0x//' "$p/device")"
	drv=none
	[ -e "$p/driver" ] && drv=$(basename "$(readlink "$p/driver")")
	echo "$s pci_driver $drv"
	for d in "$p"/virtio*; do
		[ -d "$d" ] || continue
		echo "$s virtio ${d##*/}"
		for k in device vendor features status; do
			echo "$s $k $(cat "$d/$k")"
		done
		drv=none
		[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		echo "$s driver $drv"
	done
done
echo "@@VLP end"
GUEST
fi
initrd=$work/initrd.cpio
add=()
if ((snapshots)) || [[ -n $counts_dir ]]; then
	add=(--add "$tool:/usr/bin/virtio-lspci")
fi
"$VLP_QEMU_DIR/mkinitramfs.sh" -o "$initrd" --test "$work/guest.sh" "${add[@]}" 2>/dev/null ||
	vlp_die "mkinitramfs.sh failed (run it by hand to see why)"
echo "capture: initramfs built"

# Backing objects for one boot; $1 names the variant (own files: images take write locks).
backing() {
	local v=$1
	mkdir -p "$work/9p"
	truncate -s 64M "$work/$v-blk.img" "$work/$v-blk2.img"
	truncate -s 64M "$work/$v-pmem.img"
}
tap_ok=0
if ip tuntap add dev "vlpprobe$$" mode tap multi_queue 2>/dev/null; then
	ip link del "vlpprobe$$" 2>/dev/null || true
	tap_ok=1
else
	echo "capture: no multiqueue tap here: the mq=on virtio-net is left out"
fi

# Fills MACHINE, MEM and A (QEMU arguments) for one variant.
variant_args() {
	local v=$1
	MACHINE=q35 MEM=1G A=()
	backing "$v"
	case $v in
	transitional) # QEMU defaults: transitional where the type allows it
		MEM=1G,slots=4,maxmem=4G
		vlp_std_set "$work" "$v" ""
		A+=(-device virtio-vga,addr=0x12)
		if ((tap_ok)); then
			A+=(-netdev "tap,id=nt0,ifname=vlpmq$$,script=no,downscript=no,queues=4"
				-device virtio-net-pci,netdev=nt0,mq=on,vectors=10,addr=0x11)
		fi
		;;
	modern) # disable-legacy=on: modern only
		MEM=1G,slots=4,maxmem=4G
		vlp_std_set "$work" "$v" ",disable-legacy=on"
		;;
	legacy) # disable-modern=on: legacy only (ignored by the virtio-1-only types)
		MEM=1G,slots=4,maxmem=4G
		vlp_std_set "$work" "$v" ",disable-modern=on"
		;;
	msix-off) # vectors=0 on every type that has MSI-X
		A+=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,vectors=0,addr=0x2
			-drive "if=none,id=d0,format=raw,file=$work/$v-blk.img"
			-device virtio-blk-pci,drive=d0,num-queues=4,vectors=0,addr=0x3
			-device virtio-scsi-pci,vectors=0,addr=0x4
			-device virtio-rng-pci,vectors=0,addr=0x5
			-device virtio-serial-pci,vectors=0,addr=0x7
			-fsdev "local,id=fs0,path=$work/9p,security_model=none,readonly=on"
			-device virtio-9p-pci,fsdev=fs0,mount_tag=share,vectors=0,addr=0x8
			-device virtio-gpu-pci,vectors=0,addr=0x9
			-device virtio-keyboard-pci,vectors=0,addr=0xa
			-object cryptodev-backend-builtin,id=cr0
			-device virtio-crypto-pci,cryptodev=cr0,vectors=0,addr=0xd
			-netdev user,id=n1 -device virtio-net-pci,netdev=n1,vectors=0,disable-legacy=on,addr=0x10
			-netdev user,id=n2 -device virtio-net-pci,netdev=n2,vectors=0,disable-modern=on,addr=0x11)
		;;
	notify) # page-per-vq=on and modern-pio-notify=on, alone and together. Not virtio-scsi
		# with modern-pio-notify=on: SeaBIOS 1.16.2 hangs probing it (transitional or not).
		A+=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,page-per-vq=on,addr=0x2
			-drive "if=none,id=d0,format=raw,file=$work/$v-blk.img"
			-device virtio-blk-pci,drive=d0,num-queues=4,page-per-vq=on,addr=0x3
			-drive "if=none,id=d1,format=raw,file=$work/$v-blk2.img"
			-device virtio-blk-pci,drive=d1,modern-pio-notify=on,addr=0x4
			-device virtio-rng-pci,modern-pio-notify=on,disable-legacy=on,addr=0x5
			-netdev user,id=n1
			-device virtio-net-pci,netdev=n1,page-per-vq=on,modern-pio-notify=on,disable-legacy=on,addr=0x6
			-device virtio-serial-pci,page-per-vq=on,disable-legacy=on,addr=0x7
			-device virtio-gpu-pci,modern-pio-notify=on,addr=0x9
			-device virtio-keyboard-pci,page-per-vq=on,addr=0xa)
		;;
	pcie) # PCIe endpoints behind pcie-root-ports (4096-byte config space)
		local i
		for i in 1 2 3 4 5 6 7 8 9; do
			A+=(-device "pcie-root-port,id=rp$i,bus=pcie.0,chassis=$i,port=$i,addr=0x1$((i - 1))")
		done
		A+=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,bus=rp1
			-drive "if=none,id=d0,format=raw,file=$work/$v-blk.img"
			-device virtio-blk-pci,drive=d0,num-queues=4,ats=on,bus=rp2
			-netdev user,id=n1 -device virtio-net-pci,netdev=n1,disable-legacy=off,bus=rp3
			-device virtio-gpu-pci,aer=on,bus=rp4
			-device virtio-keyboard-pci,bus=rp5
			-device virtio-balloon-pci,bus=rp6
			-device virtio-rng-pci,ats=on,aer=on,bus=rp7
			-object cryptodev-backend-builtin,id=cr0
			-device virtio-crypto-pci,cryptodev=cr0,bus=rp8
			-device virtio-scsi-pci,page-per-vq=on,bus=rp9)
		;;
	pc) # the i440fx machine, QEMU defaults
		MACHINE=pc
		A+=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,addr=0x3
			-drive "if=none,id=d0,format=raw,file=$work/$v-blk.img"
			-device virtio-blk-pci,drive=d0,addr=0x4
			-device virtio-rng-pci,addr=0x5
			-device virtio-balloon-pci,addr=0x6
			-device virtio-scsi-pci,disable-legacy=on,addr=0x7)
		;;
	esac
}

# Boots one variant; leaves $work/$v.out, $v.log, $v.err, $v.time, $v.args.
boot() {
	local v=$1 s=$SECONDS rc=0
	variant_args "$v"
	{
		printf '# qemu-system-x86_64 -machine %s -m %s' "$MACHINE" "$MEM"
		printf ' %s' "${A[@]}" | sed -e "s|$work/|WORK/|g" -e "s|ifname=vlpmq[0-9]*|ifname=vlpmqPID|"
		echo
	} >"$work/$v.args"
	"$VLP_QEMU_DIR/run-guest.sh" --initrd "$initrd" --machine "$MACHINE" --mem "$MEM" \
		--timeout 90 -o "$work/$v.out" --log "$work/$v.log" -- "${A[@]}" 2>"$work/$v.err" || rc=$?
	echo "$((SECONDS - s))" >"$work/$v.time"
	return "$rc"
}

declare -A pid_of
failed=()
for v in "${variants[@]}"; do
	while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
	echo "capture: booting $v"
	boot "$v" &
	pid_of[$v]=$!
done
for v in "${variants[@]}"; do
	if ! wait "${pid_of[$v]}"; then
		failed+=("$v")
		echo "capture: $v FAILED:" >&2
		cat "$work/$v.err" >&2
		tail -n 15 "$work/$v.log" >&2 2>/dev/null || true
		continue
	fi
	out=$work/$v.out
	grep -qx '@@VLP end' "$out" || { failed+=("$v"); echo "capture: $v: guest output truncated" >&2; continue; }
	if [[ -n $counts_dir ]]; then
		sed -n '/^@@VLP counts$/,/^@@VLP end$/p' "$out" | sed '1d;$d' >"$counts_dir/access-$v.txt"
		continue
	fi
	if ((snapshots)); then
		sed -n '/^@@VLP snapshot$/,/^@@VLP live$/p' "$out" | sed '1d;$d' >"$outdir/snapshot-$v.lspci"
		sed -n '/^@@VLP live$/,/^@@VLP end$/p' "$out" | sed '1d;$d' >"$outdir/snapshot-$v.live"
		echo "capture: $v: $(grep -c '^# vlp-read' "$outdir/snapshot-$v.lspci") register reads ->" \
			"${outdir#"$VLP_REPO_ROOT"/}/snapshot-$v.{lspci,live}"
		continue
	fi
	sed -n '/^@@VLP lspci$/,/^@@VLP sysfs$/p' "$out" | sed '1d;$d' >"$outdir/qemu-$v.lspci"
	{
		sed 's/^/# /; s/^# # /# /' "$work/$v.args"
		echo "# SLOT KEY VALUE: from the guest's sysfs (tests/qemu/capture-dumps.sh)"
		sed -n '/^@@VLP sysfs$/,/^@@VLP end$/p' "$out" | sed '1d;$d'
	} >"$outdir/qemu-$v.sysfs"
	# The dump must parse with the host's lspci, without a word on stderr (but libkmod's
	# complaint about a host without /lib/modules/$(uname -r) is not about the file).
	if ! lspci -F "$outdir/qemu-$v.lspci" -vvv >/dev/null 2>"$work/$v.parse" ||
		grep -qv 'Unable to load libkmod resources' "$work/$v.parse"; then
		failed+=("$v")
		echo "capture: $v: lspci -F does not read qemu-$v.lspci: $(cat "$work/$v.parse")" >&2
		continue
	fi
	n_lspci=$(lspci -F "$outdir/qemu-$v.lspci" -n | wc -l)
	n_sysfs=$(grep -c ' pci_id ' "$outdir/qemu-$v.sysfs" || true)
	if [[ $n_lspci != "$n_sysfs" ]]; then
		failed+=("$v")
		echo "capture: $v: $n_lspci devices in the dump but $n_sysfs in sysfs" >&2
		continue
	fi
	echo "capture: $v: $n_lspci devices in $(cat "$work/$v.time")s ->" \
		"${outdir#"$VLP_REPO_ROOT"/}/qemu-$v.{lspci,sysfs}"
	[[ -s $work/$v.err ]] && sed 's/^/capture:   /' "$work/$v.err"
done
echo "capture: total $((SECONDS - t0))s"
if ((${#failed[@]})); then
	vlp_die "failed: ${failed[*]}"
fi
