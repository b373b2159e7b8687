#!/bin/bash
# Installs what the QEMU guest harness needs and fetches the Debian kernel it boots.
# Idempotent: every step that is already done is skipped. One line per step.
#   tests/qemu/setup.sh          (cache: ${VLP_QEMU_CACHE:-build/qemu} under the repo root)
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

step() { printf 'setup: %s\n' "$*"; }

[[ $(id -u) -eq 0 ]] || vlp_die "must run as root (apt-get install)"

# 1. Host packages. pciutils: lspci (host and guest); socat: tests/qemu/qmp.sh;
#    xz-utils: decompressing modules if ever needed.
pkgs=(qemu-system-x86 busybox-static pciutils socat xz-utils)
missing=()
for p in "${pkgs[@]}"; do
	if [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) != "install ok installed" ]]; then
		missing+=("$p")
	fi
done
updated=0
if ((${#missing[@]})); then
	step "installing ${missing[*]}"
	apt-get update -qq || vlp_die "apt-get update failed"
	updated=1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		vlp_die "apt-get install ${missing[*]} failed"
else
	step "packages present (${pkgs[*]})"
fi
command -v qemu-system-x86_64 >/dev/null || vlp_die "qemu-system-x86_64 not found after install"
[[ -x /bin/busybox ]] || vlp_die "/bin/busybox not found after install"

cache=$(vlp_cache_dir)
mkdir -p "$cache/deb" "$cache/kernel"

# 2. Which kernel package is current.
kpkg_of() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'; }
kpkg=$(kpkg_of || true)
if [[ -z $kpkg && $updated -eq 0 ]]; then
	apt-get update -qq || true
	kpkg=$(kpkg_of || true)
fi
if [[ -z $kpkg ]]; then
	if [[ -r $cache/kernel.env ]]; then
		step "apt-cache names no kernel (offline?): keeping the cached one"
		vlp_load_kernel_env
		# shellcheck disable=SC2153 # KVER and KROOT come from kernel.env
		step "kernel $KVER ready in $KROOT"
		exit 0
	fi
	vlp_die "apt-cache depends linux-image-amd64 names no linux-image-6.x package (run apt-get update?)"
fi
kver=${kpkg#linux-image-}
step "current kernel package: $kpkg"

# 3. Download the .deb (never installed).
shopt -s nullglob
debs=("$cache/deb/${kpkg}"_*.deb)
if ((${#debs[@]})); then
	step "kernel .deb already downloaded: ${debs[0]##*/}"
else
	step "downloading $kpkg (about 70 MB)"
	(cd "$cache/deb" && apt-get download -qq -o APT::Sandbox::User=root "$kpkg") ||
		vlp_die "apt-get download $kpkg failed"
	debs=("$cache/deb/${kpkg}"_*.deb)
	((${#debs[@]})) || vlp_die "apt-get download left no ${kpkg}_*.deb in $cache/deb"
fi

# 4. Unpack it with dpkg -x.
kroot=$cache/kernel/$kpkg
if [[ -e $kroot/.unpacked ]]; then
	step "kernel already unpacked in $kroot"
else
	step "unpacking ${debs[0]##*/} into $kroot"
	rm -rf "$kroot" "$kroot.tmp"
	dpkg -x "${debs[0]}" "$kroot.tmp" || vlp_die "dpkg -x ${debs[0]} failed"
	mv "$kroot.tmp" "$kroot"
	touch "$kroot/.unpacked"
fi
vmlinuz=$kroot/boot/vmlinuz-$kver
moddir=$kroot/lib/modules/$kver
[[ -r $vmlinuz ]] || vlp_die "no $vmlinuz in the unpacked package"
[[ -d $moddir ]] || vlp_die "no $moddir in the unpacked package"

# 5. Record it for the other scripts.
tmp=$(mktemp "$cache/kernel.env.XXXXXX")
printf 'KVER=%q\nKROOT=%q\nVMLINUZ=%q\nMODDIR=%q\n' "$kver" "$kroot" "$vmlinuz" "$moddir" >"$tmp"
mv "$tmp" "$cache/kernel.env"
step "kernel $kver ready ($(qemu-system-x86_64 --version | head -n1))"
