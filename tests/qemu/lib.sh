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
