#!/bin/bash
# Builds the guest initramfs (uncompressed cpio newc): busybox, the virtio modules with
# their dependency closure, the host's lspci with its libraries and pci.ids, an /init, the
# guest test script as /test.sh, the guest scripts' helpers (guest-lib.sh as
# /lib/vlp-guest.sh, /bin/vlp-sync) and any extra files.
#
#   tests/qemu/mkinitramfs.sh [-o OUT] [--test SCRIPT] [--add HOSTPATH[:GUESTPATH]]...
#                             [--module NAME]...
#
#   -o OUT        output file (default: <cache>/initramfs.cpio)
#   --test FILE   host script copied to /test.sh (run by /init between the markers)
#   --add H[:G]   copy host file or folder H to G in the guest (default: the same path);
#                 an ELF file brings the libraries ldd lists for it
#   --module M    load module M as well (with its dependencies)
#
# /init knows these kernel parameters: vlp.unbind=1 unbinds every virtio-pci device from
# its driver before /test.sh runs; vlp.hold=1 keeps the guest up after /test.sh (the host
# ends it, see run-guest.sh --hook); vlp.nomod=1 loads no module; vlp.nodriver=BDF[,BDF...]
# keeps every driver off those functions (driver_override, before the modules load): a
# device whose interrupts cannot reach the guest (QEMU's x-pci-proxy-dev) would hang its
# driver's probe.
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"

usage() { vlp_usage; }

out=
test_script=
adds=()
modules=(virtio virtio_pci virtio_pci_legacy_dev virtio_pci_modern_dev virtio_net virtio_blk
	virtio_scsi virtio-rng virtio_balloon virtio_console virtio_input virtio_crypto virtio_mem
	virtio_pmem 9pnet_virtio virtio-gpu vmw_vsock_virtio_transport)
while (($#)); do
	case $1 in
	-o) out=${2:?-o needs a file}; shift 2 ;;
	--test) test_script=${2:?--test needs a file}; shift 2 ;;
	--add) adds+=("${2:?--add needs HOSTPATH[:GUESTPATH]}"); shift 2 ;;
	--module) modules+=("${2:?--module needs a name}"); shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; vlp_die "unknown argument: $1" ;;
	esac
done

vlp_load_kernel_env
[[ -x /bin/busybox ]] || vlp_die "/bin/busybox missing: run tests/qemu/setup.sh"
command -v lspci >/dev/null || vlp_die "lspci missing: run tests/qemu/setup.sh"
cache=$(vlp_cache_dir)
out=${out:-$cache/initramfs.cpio}
[[ -z $test_script || -r $test_script ]] || vlp_die "test script $test_script not readable"

# The full kernel tree gets a modules.dep once (the .deb ships none).
if [[ ! -s $MODDIR/modules.dep ]]; then
	busybox depmod -b "$KROOT" "$KVER" || vlp_die "busybox depmod on $MODDIR failed"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/vlp-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,mnt,lib64} \
	"$root/lib/modules/$KVER" "$root/usr/share/misc"

# busybox and its applet links (an applet never hides a real program added below).
cp /bin/busybox "$root/bin/busybox"
while read -r applet; do
	[[ -e $root/$applet || -L $root/$applet ]] && continue
	ln -s /bin/busybox "$root/$applet"
done < <(busybox --list-full)

# Copies one host file to the same or another path in the guest, following symlinks.
put() {
	local src=$1 dst=${2:-$1}
	mkdir -p "$root/$(dirname "$dst")"
	rm -f "$root/$dst"
	cp -L "$src" "$root/$dst"
}
is_elf() { [[ -f $1 && $(head -c 4 "$1" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]; }
# Copies the shared libraries ldd names for an ELF file (and the loader).
put_libs() {
	local lib
	# Lines look like "libx.so.1 => /lib/.../libx.so.1 (0x...)" or "/lib64/ld-... (0x...)".
	while read -r lib; do
		[[ -e $lib ]] && put "$lib"
	done < <(ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
}

# Modules: the dependency closure of the list, from the full tree's modules.dep.
mapfile -t modfiles < <(awk -v want="${modules[*]}" '
	BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { m = w[i]; gsub(/-/, "_", m); need[m] = 1 } }
	{
		f = $1; sub(/:$/, "", f); name = f; sub(/.*\//, "", name); sub(/\.ko(\.[a-z]+)?$/, "", name)
		gsub(/-/, "_", name); path[name] = f; deps[name] = ""
		for (i = 2; i <= NF; i++) deps[name] = deps[name] " " $i
	}
	END {
		for (m in need) if (!(m in path)) { print "MISSING " m; exit }
		changed = 1
		while (changed) {
			changed = 0
			for (m in need) {
				n = split(deps[m], d, " ")
				for (i = 1; i <= n; i++) {
					x = d[i]; sub(/.*\//, "", x); sub(/\.ko(\.[a-z]+)?$/, "", x); gsub(/-/, "_", x)
					if (!(x in need)) { need[x] = 1; changed = 1 }
				}
			}
		}
		for (m in need) print path[m]
	}' "$MODDIR/modules.dep")
for f in "${modfiles[@]}"; do
	[[ $f == MISSING* ]] && vlp_die "module ${f#MISSING } is not in $MODDIR"
	mkdir -p "$root/lib/modules/$KVER/$(dirname "$f")"
	case $f in
	*.ko.xz) xz -dc "$MODDIR/$f" >"$root/lib/modules/$KVER/${f%.xz}" ;;
	*.ko.gz) gzip -dc "$MODDIR/$f" >"$root/lib/modules/$KVER/${f%.gz}" ;;
	*.ko.zst) vlp_die "zstd-compressed module $f: not handled" ;;
	*) cp "$MODDIR/$f" "$root/lib/modules/$KVER/$f" ;;
	esac
done
for f in modules.builtin modules.order; do
	[[ -r $MODDIR/$f ]] && cp "$MODDIR/$f" "$root/lib/modules/$KVER/$f"
done
sed -i 's/\.ko\.\(xz\|gz\)$/.ko/' "$root/lib/modules/$KVER/modules.order" 2>/dev/null || true
busybox depmod -b "$root" "$KVER" || vlp_die "busybox depmod in the initramfs failed"
printf '%s\n' "${modules[@]}" >"$root/etc/vlp-modules"

# lspci from the host, its libraries and the ID database.
lspci_bin=$(command -v lspci)
put "$lspci_bin" /usr/bin/lspci
put_libs "$lspci_bin"
[[ -r /usr/share/misc/pci.ids ]] && put /usr/share/misc/pci.ids

# Extra files.
for a in "${adds[@]}"; do
	src=${a%%:*}
	dst=${a#*:}
	[[ $a == *:* ]] || dst=$src
	[[ $dst == /* ]] || dst=/$dst
	[[ -e $src ]] || vlp_die "--add: $src does not exist"
	if [[ -d $src ]]; then
		mkdir -p "$root/$dst"
		cp -a "$src/." "$root/$dst/"
	else
		put "$src" "$dst"
		is_elf "$src" && put_libs "$src"
	fi
done

if [[ -n $test_script ]]; then
	put "$test_script" /test.sh
	chmod 755 "$root/test.sh"
fi

# The guest scripts' helpers, and the one a command of its own.
put "$VLP_QEMU_DIR/guest-lib.sh" /lib/vlp-guest.sh
printf '#!/bin/sh\n. /lib/vlp-guest.sh\nvlp_sync "$@"\n' >"$root/bin/vlp-sync"
chmod 755 "$root/bin/vlp-sync"

cat >"$root/init" <<'INIT'
#!/bin/sh
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
dmesg -n 1
unbind=0 hold=0 nomod=0
for w in $(cat /proc/cmdline); do
	case $w in
	vlp.unbind=1) unbind=1 ;;
	vlp.hold=1) hold=1 ;;
	vlp.nomod=1) nomod=1 ;;
	vlp.nodriver=*)
		for bdf in $(echo "${w#vlp.nodriver=}" | tr , ' '); do
			echo vlp-none >"/sys/bus/pci/devices/0000:$bdf/driver_override"
		done ;;
	esac
done
if [ "$nomod" != 1 ]; then
	# shellcheck disable=SC2046
	modprobe -a $(cat /etc/vlp-modules) 2>/dev/null || true
fi
if [ "$unbind" = 1 ] && [ -d /sys/bus/pci/drivers/virtio-pci ]; then
	for d in /sys/bus/pci/drivers/virtio-pci/0000:*; do
		[ -e "$d" ] && echo "${d##*/}" >/sys/bus/pci/drivers/virtio-pci/unbind
	done
fi
export VLP_UNBIND=$unbind
cd /
echo "===VLP-BEGIN==="
if [ -r /test.sh ]; then
	sh /test.sh </dev/null 2>&1
	rc=$?
else
	echo "no /test.sh in the initramfs"
	rc=127
fi
echo "===VLP-END=== rc=$rc"
if [ "$hold" = 1 ]; then
	echo "===VLP-HOLD==="
	while :; do sleep 60; done
fi
sync
poweroff -f
INIT
chmod 755 "$root/init"

mkdir -p "$(dirname "$out")"
tmp_out=$(mktemp "$out.XXXXXX")
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) >"$tmp_out" ||
	vlp_die "busybox cpio failed"
mv "$tmp_out" "$out"
chmod 644 "$out"
vlp_log "$out: ${#modfiles[@]} modules, $(($(stat -c %s "$out") / 1024)) KiB"
