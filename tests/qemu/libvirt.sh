#!/bin/bash
# --domain and --all-domains against a real libvirtd (make qemu-libvirt):
# starts virtlogd and libvirtd by hand when none answers (no systemd on the
# CI machines; they are stopped at the end, by pid), creates a transient
# q35 domain (TCG) with virtio blk, net (user) and rng booted on the harness
# kernel and initramfs, and a second one, paused, with an rng; then
#   - virtio-lspci --domain=NAME -J -vv gives the devices, types, status,
#     device and driver features and queues that the raw answers of
#     virsh qemu-monitor-command give;
#   - --rings reads the rings from guest RAM through libvirt's monitor too;
#   - the custom-monitor taint is said on stderr, and libvirt records it;
#   - --all-domains labels each device with its domain (JSON and text);
#   - refusals are one line, exit 1 (no such domain, libvirtd not running)
#     or 2 (a writing face with --domain).
# The domains run QEMU as root with relabel='no': libvirt changes no owner
# or label of the shared kernel cache (dynamic_ownership would chown it).
#
#   tests/qemu/libvirt.sh [--keep DIR]
#
#   --keep DIR   copy the raw results (the tool's JSON, virsh's answers, the
#                domain XML and console log) into DIR
set -euo pipefail
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
vlp_suite qemu-libvirt
vlp_parse_keep "$@"
vlp_need jq
if [[ $(id -u) -ne 0 ]]; then
	skip_suite "$VLP_PROG" "libvirtd's system instance needs root"
fi
"$tool" --version | grep -q '^libvirt: built in' ||
	vlp_cant "$tool is built without libvirt (make test-deps installs libvirt-dev; rebuild)"
for c in virsh libvirtd virtlogd; do
	command -v "$c" >/dev/null ||
		vlp_cant "$c is missing (make test-deps installs libvirt-daemon-system and libvirt-clients)"
done
vlp_setup_or_skip
vlp_load_kernel_env
vlp_work "$keep"

uri=qemu:///system
dom=vlp-libvirt-$$ dom2=vlp-libvirt-$$-paused
started_libvirtd='' started_virtlogd=''
vsh() { virsh -c "$uri" -q "$@"; }
# shellcheck disable=SC2317 # called by the EXIT trap
libvirt_cleanup() {
	vsh destroy "$dom" >/dev/null 2>&1 || true
	vsh destroy "$dom2" >/dev/null 2>&1 || true
	stop_daemons
	vlp_cleanup
}
# shellcheck disable=SC2317 # called by libvirt_cleanup and below
stop_daemons() {
	local p
	for p in $started_libvirtd $started_virtlogd; do
		kill "$p" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
	started_libvirtd='' started_virtlogd=''
}
trap libvirt_cleanup EXIT

# ---- libvirtd: the one running, or one started here
if ! vsh version >/dev/null 2>&1; then
	if ! pgrep -x virtlogd >/dev/null; then
		virtlogd -d || vlp_cant "virtlogd -d failed"
		started_virtlogd=$(cat /run/virtlogd.pid 2>/dev/null || true)
	fi
	libvirtd -d || vlp_cant "libvirtd -d failed"
	started_libvirtd=$(cat /run/libvirtd.pid 2>/dev/null || true)
	for _ in $(seq 100); do vsh version >/dev/null 2>&1 && break; sleep 0.1; done
	vsh version >/dev/null 2>&1 || vlp_cant "libvirtd started but $uri does not answer: $(vsh version 2>&1 | head -1)"
	vlp_log "libvirtd started by the suite (pid $started_libvirtd)"
fi

# ---- the guest: drivers loaded, then waits
cat >"$work/guest.sh" <<'EOF'
#!/bin/sh
echo VLP-LIBVIRT-READY
while :; do sleep 60; done
EOF
chmod +x "$work/guest.sh"
"$VLP_QEMU_DIR/mkinitramfs.sh" -o "$work/initrd.cpio" --test "$work/guest.sh" 2>"$work/mkinitramfs.err" ||
	vlp_cant "mkinitramfs.sh failed: $(tail -1 "$work/mkinitramfs.err")"
truncate -s 16M "$work/blk.img"
# domain_xml NAME DEVICES: a q35 TCG domain on the harness kernel
domain_xml() {
	cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>512</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$VMLINUZ</kernel>
    <initrd>$work/initrd.cpio</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
$2
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    <serial type='file'><source path='$work/$1.console'/><target port='0'/></serial>
  </devices>
</domain>
EOF
}
domain_xml "$dom" "    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='$work/blk.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='user'><model type='virtio'/></interface>
    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>" >"$work/$dom.xml"
# Paused before the firmware ran, no bridge has a bus number yet: QEMU's query-pci
# places only the devices of the root bus, so this rng sits there.
domain_xml "$dom2" "    <rng model='virtio'><backend model='random'>/dev/urandom</backend>
      <address type='pci' domain='0' bus='0' slot='5' function='0'/></rng>" >"$work/$dom2.xml"
vsh create "$work/$dom.xml" >"$work/create.out" 2>&1 || vlp_cant "virsh create failed: $(cat "$work/create.out")"
vsh create --paused "$work/$dom2.xml" >>"$work/create.out" 2>&1 ||
	vlp_cant "virsh create --paused failed: $(cat "$work/create.out")"
for _ in $(seq 120); do grep -qa VLP-LIBVIRT-READY "$work/$dom.console" 2>/dev/null && break; sleep 0.5; done
check "the guest booted and loaded its drivers" grep -qa VLP-LIBVIRT-READY "$work/$dom.console"

# ---- the tool, then QEMU's raw answers through virsh at the same moment
t=$SECONDS
rc=0
"$tool" --domain="$dom" -J -vv >"$work/tool.json" 2>"$work/tool.err" || rc=$?
vlp_log "--domain -J -vv: exit $rc in $((SECONDS - t)) s"
vlp_expect "--domain=$dom -J -vv exits 0" "$rc" 0
qmp_raw() { vsh qemu-monitor-command "$dom" "$1" | jq -c '.return'; }
qmp_raw '{"execute":"x-query-virtio"}' >"$work/virtio.json"
: >"$work/status.jsonl"
: >"$work/queues.jsonl"
for path in $(jq -r '.[].path' "$work/virtio.json"); do
	st=$(qmp_raw "{\"execute\":\"x-query-virtio-status\",\"arguments\":{\"path\":\"$path\"}}")
	echo "$st" >>"$work/status.jsonl"
	for ((q = 0; q < $(jq '."num-vqs"' <<<"$st"); q++)); do
		qmp_raw "{\"execute\":\"x-query-virtio-queue-status\",\"arguments\":{\"path\":\"$path\",\"queue\":$q}}" |
			jq -c --argjson id "$(jq '."device-id"' <<<"$st")" '. + {device_id: $id}' >>"$work/queues.jsonl"
	done
done

vlp_expect "as many devices as x-query-virtio lists" \
	"$(jq '.devices | length' "$work/tool.json")" "$(jq length "$work/virtio.json")"
vlp_expect "the same device types (virtio IDs)" \
	"$(jq -c '[.devices[].virtio.device_type] | sort' "$work/tool.json")" \
	"$(jq -sc '[.[]."device-id"] | sort' "$work/status.jsonl")"
# Per type (each once here): status, features, queues.
# shellcheck disable=SC2016 # jq programs
status_bits='{"VIRTIO_CONFIG_S_ACKNOWLEDGE":1,"VIRTIO_CONFIG_S_DRIVER":2,"VIRTIO_CONFIG_S_DRIVER_OK":4,
	"VIRTIO_CONFIG_S_FEATURES_OK":8,"VIRTIO_CONFIG_S_NEEDS_RESET":64,"VIRTIO_CONFIG_S_FAILED":128}'
while read -r st; do
	id=$(jq '."device-id"' <<<"$st")
	dev=$(jq -c --argjson id "$id" '.devices[] | select(.virtio.device_type == $id)' "$work/tool.json")
	name=$(jq -r '.name' <<<"$st")
	vlp_expect "$name: device_status" "$(jq '.state.common.fields.device_status' <<<"$dev")" \
		"$(jq --argjson b "$status_bits" '[.status.statuses[] | sub(":.*"; "") | $b[.]] | add // 0' <<<"$st")"
	for side in device:host-features driver:guest-features; do
		key=${side%%:*}_features qkey=${side#*:}
		# The device's side as the modern device_feature register presents it
		# (the tool masks what QEMU's virtio_pci_common_read masks, the
		# legacy-only bits: NOTIFY_ON_EMPTY 24, ANY_LAYOUT 27, bit 30 --
		# VHOST_USER_F_PROTOCOL_FEATURES in QEMU's names -- and net's GSO 6).
		drop='[]'
		[ "$key" = device_features ] &&
			drop='["VIRTIO_F_NOTIFY_ON_EMPTY","VIRTIO_F_ANY_LAYOUT","VHOST_USER_F_PROTOCOL_FEATURES","VIRTIO_NET_F_GSO"]'
		# QEMU names a bit it knows, and counts the others in unknown-dev-features
		vlp_expect "$name: as many ${key/_/ } bits as QEMU reports" \
			"$(jq --arg k "$key" '.state.common[$k + "_bits"] | length' <<<"$dev")" \
			"$(jq --arg k "$qkey" --argjson drop "$drop" '.[$k] |
				([(.transports + ."dev-features")[] | sub(":.*"; "") | sub("^VIRTIO_RING_F_"; "VIRTIO_F_")
				  | select(. as $n | $drop | index($n) | not)] | length) +
				([range(64) as $i | select((."unknown-dev-features" / pow(2; $i) | floor) % 2 == 1)] | length)' <<<"$st")"
		# ... and every name QEMU gives is the tool's (VIRTIO_RING_F_* is VIRTIO_F_*; bit 30,
		# VHOST_USER_F_PROTOCOL_FEATURES in QEMU, is the spec's unused bit)
		missing=$(jq -r --arg k "$qkey" --argjson drop "$drop" --argjson t "$(jq -c --arg k "$key" '.state.common[$k]' <<<"$dev")" \
			'[.[$k] | (.transports + ."dev-features")[] | sub(":.*"; "") | sub("^VIRTIO_RING_F_"; "VIRTIO_F_")
			 | select(. != "VHOST_USER_F_PROTOCOL_FEATURES") | select(. as $n | $drop | index($n) | not)
			 | select(. as $n | $t | index($n) | not)] | join(" ")' <<<"$st")
		vlp_expect "$name: QEMU's ${key/_/ } names are the tool's" "$missing" ""
	done
	vlp_expect "$name: as many queues as num-vqs" "$(jq '.state.common.queues | length' <<<"$dev")" \
		"$(jq '."num-vqs"' <<<"$st")"
	vlp_expect "$name: queue sizes and addresses" \
		"$(jq -c '[.state.common.queues[] | [.queue_size, .queue_desc, .queue_driver, .queue_device]]' <<<"$dev")" \
		"$(jq -sc --argjson id "$id" '[.[] | select(.device_id == $id) | [."vring-num", ."vring-desc", ."vring-avail", ."vring-used"]]' "$work/queues.jsonl")"
done <"$work/status.jsonl"

# ---- rings through the monitor (guest RAM read by QEMU for libvirt's domain)
rc=0
"$tool" --domain="$dom" --rings -J -vv >"$work/rings.json" 2>"$work/rings.err" || rc=$?
vlp_expect "--domain --rings -J -vv exits 0" "$rc" 0
# the idle blk queue: guest RAM's avail.idx and used.idx (read through QEMU) are QEMU's used-idx
vlp_expect "blk ring indices read from guest RAM are QEMU's" \
	"$(jq -c '[.devices[] | select(.virtio.device_type == 2) | .state.common.queues[0].ring | .avail.idx, .used.idx]' "$work/rings.json")" \
	"$(jq -sc '[.[] | select(.device_id == 2) | ."used-idx", ."used-idx"]' "$work/queues.jsonl")"

# ---- the taint: said once, and recorded by libvirt
vlp_expect "the taint note, once on stderr" \
	"$(grep -c "^virtio-lspci: note: domain $dom: libvirt marks the domain tainted (custom-monitor)" "$work/tool.err")" 1
check "libvirt lists the custom-monitor taint" bash -c "virsh -c $uri dominfo $dom | grep -q 'tainted: custom monitor'"
"$tool" --domain="$dom" >/dev/null 2>"$work/again.err" || true
check "a second run says the domain already was tainted" grep -q ", as it already is;" "$work/again.err"

# ---- every running domain, each device labelled
rc=0
"$tool" --all-domains -J >"$work/all.json" 2>"$work/all.err" || rc=$?
vlp_expect "--all-domains -J exits 0" "$rc" 0
vlp_expect "--all-domains: $dom's devices labelled" \
	"$(jq --arg d "$dom" '[.devices[] | select(.domain == $d)] | length' "$work/all.json")" "$(jq length "$work/virtio.json")"
vlp_expect "--all-domains: $dom2's rng labelled" \
	"$(jq -c --arg d "$dom2" '[.devices[] | select(.domain == $d) | .virtio.device_type]' "$work/all.json")" "[4]"
vlp_expect "--all-domains: one taint note per domain" \
	"$(grep -c -e "note: domain $dom:" -e "note: domain $dom2:" "$work/all.err")" 2
"$tool" --all-domains >"$work/all.txt" 2>/dev/null || true
check "--all-domains text: each device line starts with its domain" \
	grep -q "^\[$dom2\] 00:05.0 Entropy device" "$work/all.txt"

# ---- refusals
err_line() { # NAME WANT-RC WANT-TEXT ARGS...: one line on stderr holding the text, exit WANT-RC
	local name=$1 want=$2 text=$3 rc=0 err
	shift 3
	err=$("$tool" "$@" 2>&1 >/dev/null) || rc=$?
	if [[ $rc == "$want" && $err == *"$text"* && $(grep -c . <<<"$err") -le 2 ]]; then
		pass
	else fail "$name: exit $rc, stderr: $err"; fi
}
err_line "no such domain" 1 "virtio-lspci: domain vlp-nosuch-$$: no such domain on" --domain="vlp-nosuch-$$"
err_line "a writing face" 2 "read only: not with a face that writes" --domain="$dom" -c 'get device_status'
err_line "--all-domains with --rings" 2 "--all-domains applies to the listing" --all-domains --rings
# A paused domain answers too (devices not driven yet: status 0).
rc=0
"$tool" --domain="$dom2" -J >"$work/paused.json" 2>/dev/null || rc=$?
vlp_expect "a paused domain's rng (status 0)" "$rc:$(jq -c '[.devices[].state.common.fields.device_status]' "$work/paused.json")" "0:[0]"
vsh destroy "$dom" >/dev/null 2>&1 || true
err_line "a domain that stopped" 1 "domain $dom: no such domain" --domain="$dom"
vsh destroy "$dom2" >/dev/null 2>&1 || true
if [[ -n $started_libvirtd ]]; then
	stop_daemons
	err_line "libvirtd stopped" 1 "(is libvirtd running?)" --domain="$dom"
	err_line "libvirtd stopped, --all-domains" 1 "virtio-lspci: libvirt: libvirt's default connection: " --all-domains
else
	# a libvirtd this suite did not start is left alone: a socket nobody listens on
	err_line "libvirtd not reached" 1 "(is libvirtd running?)" \
		--connect="qemu+unix:///system?socket=$work/none.sock" --domain="$dom"
fi
vlp_log "done in $((SECONDS - VLP_T0)) s"
summary "$VLP_PROG"
