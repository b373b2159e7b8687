#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # functions called through trap and check
#
# Debian packages: `make deb` builds virtio-lspci, libvlp0 and libvlp-dev
# from a clean copy of the tree; then their contents, linking, hardening
# (hardening-check), symbols file (dpkg-gensymbols) and lintian are checked.
# As root, they are installed with dpkg -i, used (the tool from PATH,
# pkg-config, a program built against libvlp-dev, shared and static) and
# removed with dpkg -r, leaving no file behind.  The install part is skipped
# when not root or when one of the packages is installed already (not ours
# to replace or remove).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d)
installed=0
packages=(virtio-lspci libvlp0 libvlp-dev)
cleanup() {
	[ "$installed" -eq 1 ] && dpkg -r "${packages[@]}" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
skipped=0
# has_line TEXT ERE / no_line TEXT ERE: a line of TEXT matches, or none does.
has_line() { grep -qE -- "$2" <<<"$1"; }
no_line() { ! grep -qE -- "$2" <<<"$1"; }
finish() {
	echo "deb: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

# Lintian warnings accepted, each with its reason.
#   initial-upload-closes-no-bugs: there is no ITP bug to close; these
#   packages are built from the upstream tree, not uploaded to Debian.
lintian_ok='initial-upload-closes-no-bugs'

version=$(sed -n 's/^#define VLP_VERSION "\(.*\)"/\1/p' src/lib/vlp/base.h)
debver=$(dpkg-parsechangelog -l debian/changelog -S Version)
check "debian/changelog's version $debver is VLP_VERSION $version, Debian revision" \
	[ "${debver%-*}" = "$version" ]
arch=$(dpkg --print-architecture)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
dir=build/deb
deb() { echo "$dir/${1}_${debver}_$arch.deb"; }

# The build a distribution makes: nothing from a calling make (-j, WERROR=1).
unset MAKEFLAGS MFLAGS MAKELEVEL
start=$SECONDS
if make --no-print-directory deb >"$tmp/build.log" 2>&1; then
	pass
	echo "deb: make deb took $((SECONDS - start)) s"
else
	tail -30 "$tmp/build.log"
	fail "make deb"
	finish
fi
grep -E 'warning:' "$tmp/build.log" >"$tmp/warnings"
cat "$tmp/warnings"
check "the build warns about nothing (compiler, dpkg-shlibdeps, dpkg-gensymbols)" [ ! -s "$tmp/warnings" ]
check "the unit tests ran in the build" grep -q '^unit: [0-9]* passed, 0 failed' "$tmp/build.log"

for p in "${packages[@]}"; do
	check "$p: built" [ -f "$(deb "$p")" ]
done

# has PACKAGE PATH...: the package holds each path.
has() {
	local p=$1 f
	shift
	dpkg-deb -c "$(deb "$p")" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/list"
	for f in "$@"; do
		check "$p holds $f" grep -qxF "$f" "$tmp/list"
	done
}
has virtio-lspci /usr/bin/virtio-lspci /usr/share/man/man8/virtio-lspci.8.gz \
	/usr/share/bash-completion/completions/virtio-lspci \
	/usr/share/zsh/vendor-completions/_virtio-lspci \
	/usr/share/fish/vendor_completions.d/virtio-lspci.fish \
	/lib/systemd/system/virtio-lspci-textfile.service /lib/systemd/system/virtio-lspci-textfile.timer \
	/usr/share/virtio-lspci/virtio-lspci-alerts.yml
has libvlp0 "/usr/lib/$ma/libvlp.so.$version" "/usr/lib/$ma/libvlp.so.0"
has libvlp-dev /usr/include/vlp.h "/usr/lib/$ma/libvlp.a" "/usr/lib/$ma/libvlp.so" \
	"/usr/lib/$ma/pkgconfig/libvlp.pc"
check "virtio-lspci depends on libvlp0 (>= $version)" \
	has_line "$(dpkg-deb -f "$(deb virtio-lspci)" Depends)" "(^|, )libvlp0 \(>= $version\)(,|$)"

root=$tmp/root
for p in "${packages[@]}"; do dpkg-deb -x "$(deb "$p")" "$root"; done
bin=$root/usr/bin/virtio-lspci
lib=$root/usr/lib/$ma/libvlp.so.$version
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
check "the tool links libvlp.so.0" has_line "$(needed "$bin")" '^libvlp\.so\.0$'
check "the tool does not link libpci itself" no_line "$(needed "$bin")" '^libpci'
check "the library's SONAME is libvlp.so.0" has_line "$(readelf -d "$lib")" '\(SONAME\).*\[libvlp\.so\.0\]'
check "the library links libpci" has_line "$(needed "$lib")" '^libpci\.so'

# Hardening (dpkg-buildflags hardening=+all): one check per property and
# file.  A shared library is not an executable: hardening-check says
# "(ignored)" for PIE there.  Debian 12's flags ask for no stack clash or
# control-flow protection, so those lines are shown, not checked.
for f in "$bin" "$lib"; do
	hardening-check "$f" >"$tmp/hc" 2>&1
	sed "s|^$root||" "$tmp/hc"
	for prop in 'Position Independent Executable' 'Stack protected' 'Fortify Source functions' \
		'Read-only relocations' 'Immediate binding'; do
		check "${f#"$root"}: $prop" grep -qE "^ $prop: (yes|.*\(ignored\))" "$tmp/hc"
	done
done

# The symbols file lists exactly what the library exports (level 4: any new
# or missing symbol is an error).
check "debian/libvlp0.symbols matches the library's exports" \
	dpkg-gensymbols -plibvlp0 -P"$root" -v"$debver" -c4 -Idebian/libvlp0.symbols -O"$tmp/symbols"

# Lintian: no error; no warning but the accepted ones.
lintian -EvI --pedantic "$(deb virtio-lspci)" "$(deb libvlp0)" "$(deb libvlp-dev)" 2>/dev/null >"$tmp/lintian"
cat "$tmp/lintian"
check "lintian: no errors" no_line "$(cat "$tmp/lintian")" '^E:'
check "lintian: no warnings but $lintian_ok" \
	[ -z "$(grep '^W:' "$tmp/lintian" | grep -vE "^W: [^:]*: ($lintian_ok)( |$)")" ]

# ------------------------------------------------------------- install
if [ "$(id -u)" -ne 0 ]; then
	echo "deb: not root: install, use and remove skipped"
	skipped=$((skipped + 1))
	finish
fi
for p in "${packages[@]}"; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
		echo "deb: $p is installed already: install, use and remove skipped"
		skipped=$((skipped + 1))
		finish
	fi
done

# dpkg waits for no one: retry while another apt or dpkg holds the lock.
dpkg_locked() {
	for _ in $(seq 30); do
		dpkg "$@" >"$tmp/dpkg" 2>&1 && return 0
		grep -q 'lock' "$tmp/dpkg" || break
		sleep 2
	done
	cat "$tmp/dpkg"
	return 1
}
installed=1
check "dpkg -i the three packages" \
	dpkg_locked -i "$(deb virtio-lspci)" "$(deb libvlp0)" "$(deb libvlp-dev)"
dpkg -L "${packages[@]}" | while read -r f; do [ -d "$f" ] || echo "$f"; done >"$tmp/files"

# A system PATH and pkg-config search path: a copy under /usr/local must not
# answer for the packages.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PKG_CONFIG_LIBDIR=/usr/lib/$ma/pkgconfig:/usr/lib/pkgconfig:/usr/share/pkgconfig
unset PKG_CONFIG_PATH
check "virtio-lspci is found in PATH" [ "$(command -v virtio-lspci)" = /usr/bin/virtio-lspci ]
check "virtio-lspci --version says $version" [ "$(virtio-lspci --version | head -n1)" = "virtio-lspci $version" ]
virtio-lspci -F tests/data/host-vm.lspci -vvv >"$tmp/out.txt" 2>&1
compare "the installed tool decodes host-vm.lspci as the golden file" tests/expected/host-vm.txt "$tmp/out.txt"
check "pkg-config --modversion libvlp says $version" [ "$(pkg-config --modversion libvlp)" = "$version" ]
check "libvlp.pc names /usr/lib/$ma" [ "$(pkg-config --variable=libdir libvlp)" = "/usr/lib/$ma" ]

# A program of libvlp-dev's users: count the devices of a dump.
cat >"$tmp/count.c" <<'EOF'
#include <stdio.h>
#include <vlp.h>

int main(int argc, char **argv)
{
	struct vlp_source_opts opts = { .dump_path = argc > 1 ? argv[1] : "-" };
	struct vlp_ctx *ctx;
	struct vlp_source *src;
	struct vlp_device *dev;
	unsigned n = 0;
	int rc;

	if (vlp_ctx_new(&ctx) < 0)
		return 1;
	if (vlp_source_open(ctx, &opts, &src) < 0) {
		fprintf(stderr, "%s\n", vlp_ctx_error(ctx));
		return 1;
	}
	while ((rc = vlp_source_next(src, &dev)) > 0) {
		n++;
		vlp_device_free(dev);
	}
	vlp_source_close(src);
	vlp_ctx_free(ctx);
	printf("%u\n", n);
	return rc < 0;
}
EOF
devices=$(virtio-lspci -F tests/data/host-vm.lspci | wc -l)
# shellcheck disable=SC2046 # pkg-config's words are the compiler's words
check "a program builds against libvlp-dev with pkg-config" \
	cc -Wall -Werror -o "$tmp/count" "$tmp/count.c" $(pkg-config --cflags --libs libvlp)
# (/lib is /usr/lib on a merged-/usr system)
check "it uses the installed libvlp.so.0" \
	has_line "$(ldd "$tmp/count" 2>&1)" "libvlp\.so\.0 => (/usr)?/lib/$ma/libvlp\.so\.0 "
check "it counts the $devices devices of host-vm.lspci" \
	[ "$("$tmp/count" tests/data/host-vm.lspci 2>&1)" = "$devices" ]
# shellcheck disable=SC2046
check "it links the static library too" \
	cc -o "$tmp/count-static" "$tmp/count.c" $(pkg-config --cflags libvlp) \
	"/usr/lib/$ma/libvlp.a" $(pkg-config --libs libpci)
check "the static one needs no libvlp.so" no_line "$(ldd "$tmp/count-static" 2>&1)" libvlp
check "the static one counts the same" [ "$("$tmp/count-static" tests/data/host-vm.lspci 2>&1)" = "$devices" ]

# ------------------------------------------------------------- remove
check "dpkg -r the three packages" dpkg_locked -r "${packages[@]}"
installed=0
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	check "$p is gone from dpkg's database (${status:-unknown})" no_line "$status" 'installed|config-files'
done
while read -r f; do
	if [ -e "$f" ] || [ -L "$f" ]; then echo "left: $f"; fi
done <"$tmp/files" >"$tmp/left"
cat "$tmp/left"
check "no file of the packages is left" [ ! -s "$tmp/left" ]
check "the files were listed" [ -s "$tmp/files" ]
finish
