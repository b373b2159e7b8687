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

# vlp_setup_or_skip SUITE: runs setup.sh (QEMU and the guest kernel). Not root: the suite
# is skipped, "SKIP: reason", counted apart by tests/run-suites.sh (a developer's make
# check as a user). As root (CI), setup must work: its failure fails the suite, so that a
# CI run that could not boot a guest never looks green. Needs tests/lib.sh (skip_suite).
vlp_setup_or_skip() {
	local err
	if [[ $(id -u) -ne 0 ]]; then
		skip_suite "$1" "QEMU guests need root (apt-get install, tap devices)"
	fi
	if ! err=$("$VLP_QEMU_DIR/setup.sh" 2>&1 >/dev/null); then
		[[ -z $err ]] || printf '%s\n' "$err" >&2
		echo "$1: cannot run: tests/qemu/setup.sh failed: ${err##*$'\n'}"
		echo "$1: 0 passed, 1 failed"
		exit 1
	fi
}
