#!/usr/bin/env bash
# Installs the Debian packages a job needs, only those missing.
#   tests/install-deps.sh build   compiler, make, pkg-config, libpci, readline, ncurses,
#                                 libvirt-dev (optional: --domain; the build works without)
#   tests/install-deps.sh test    build + cmocka, lspci, valgrind, clang (fuzzer,
#                                 build-clang), groff, jq, tmux (terminal tests),
#                                 clang-format, cppcheck, shellcheck (make lint),
#                                 deb + lintian, devscripts (hardening-check),
#                                 prometheus (promtool), prometheus-node-exporter
#                                 (make prometheus, qemu-prometheus), python3-junitparser
#                                 (-o junit read by a JUnit consumer: make qemu-exercise, unit),
#                                 libvirt-daemon-system, libvirt-clients (make qemu-libvirt:
#                                 a libvirtd the suite starts by hand)
#   tests/install-deps.sh deb     build + build-essential, dpkg-dev, debhelper,
#                                 cmocka (make deb)
set -euo pipefail

build_pkgs=(gcc make pkg-config libpci-dev pciutils libreadline-dev libncurses-dev libvirt-dev)
deb_pkgs=(build-essential dpkg-dev debhelper) # build-essential: dpkg-buildpackage requires it
test_pkgs=(libcmocka-dev valgrind clang libclang-rt-14-dev groff jq tmux clang-format shellcheck cppcheck
	"${deb_pkgs[@]}" lintian devscripts prometheus prometheus-node-exporter python3-junitparser
	libvirt-daemon-system libvirt-clients)

case "${1:-build}" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
deb) want=("${build_pkgs[@]}" "${deb_pkgs[@]}" libcmocka-dev) ;; # the build runs the unit tests
*) echo "usage: $0 build|test|deb" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
