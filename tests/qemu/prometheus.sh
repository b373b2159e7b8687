#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Prometheus chain end to end, with Debian's own programs on loopback only:
#   - a TCG guest with a virtio-blk (00:04.0) and a virtio-9p share (00:05.0) runs the
#     collector in a loop, as the shipped service does (virtio-lspci --sample=3x200ms
#     --textfile=...), writing into the share: the host's directory that a real
#     node_exporter (textfile collector only, 127.0.0.1) reads;
#   - a real Prometheus (127.0.0.1) scrapes it every second with a test copy of the
#     shipped rules (monitoring/virtio-lspci-alerts.yml with `for:` of seconds);
#   - the host throttles the disk over QMP (block_set_io_throttle, bps=64) while the
#     guest reads it: /api/v1/alerts shows VirtioQueueStalled firing for 0000:00:04.0
#     queue 0 (requestq1, device-stalled); the throttle lifted, the alert resolves;
#   - every series of the last file is in Prometheus (none dropped), with the same
#     labels; node_textfile_scrape_error stayed 0 for the whole run;
#   - a collector run that fails (no such device) leaves the previous file, no
#     temporary file is left in the directory;
#   - the collector stopped, the file goes stale: VirtioCollectorFailing fires
#     (node_textfile_mtime_seconds).
# Processes are stopped by the EXIT trap; every wait is bounded.  Prints
# "qemu-prometheus: N passed, M failed"; skipped (SKIP line, exit 0) when QEMU cannot
# be set up here (not root).  About 90 s.
#   tests/qemu/prometheus.sh [TOOL]   (VLP_QEMU_CACHE: the kernel cache, see README.md)
set -uo pipefail
tool=$(realpath "${1:-./virtio-lspci}")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
# quiet COMMAND...: its exit status, its output dropped (for check).
quiet() { "$@" >/dev/null 2>&1; }
# shellcheck source=tests/qemu/lib.sh
. tests/qemu/lib.sh
# shellcheck disable=SC2034 # read by lib.sh
VLP_PROG=qemu-prometheus
t0=$SECONDS

vlp_setup_or_skip qemu-prometheus
for c in promtool prometheus prometheus-node-exporter jq curl; do
	if ! command -v "$c" >/dev/null; then
		fail "$c is missing (make test-deps: Debian packages prometheus, prometheus-node-exporter, jq, curl)"
		summary qemu-prometheus
		exit 1
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vlp-qemu-prom.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
tf=$work/textfile # the share: node_exporter's textfile directory
mkdir -p "$tf" "$work/data"

# A free TCP port on 127.0.0.1.
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 30000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}
# wait_http URL SECONDS: until URL answers.
wait_http() {
	local end=$((SECONDS + $2))
	while ((SECONDS < end)); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.2
	done
	return 1
}

if ! node_port=$(free_port) || ! prom_port=$(free_port); then
	fail "no free port on 127.0.0.1"
	summary qemu-prometheus
	exit 1
fi
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$tf" >"$work/node.log" 2>&1 &
pids+=($!)

# The shipped rules with short for: and a 10-second staleness, as a test copy.
sed -e 's/^\(        for: \).*/\13s/' -e 's/node_textfile_mtime_seconds\(.*\)) > 300/node_textfile_mtime_seconds\1) > 10/' \
	monitoring/virtio-lspci-alerts.yml >"$work/rules.yml"
check "the test copy of the rules has short for: and staleness" \
	[ "$(grep -c 'for: 3s' "$work/rules.yml")" = 3 ] && grep -q ') > 10$' "$work/rules.yml"
check "promtool check rules on the test copy" quiet promtool check rules "$work/rules.yml"
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [$work/rules.yml]
scrape_configs:
  - job_name: vm
    static_configs:
      - targets: ['127.0.0.1:$node_port']
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
	--web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prom.log" 2>&1 &
pids+=($!)
check "node_exporter answers on 127.0.0.1:$node_port" wait_http "http://127.0.0.1:$node_port/metrics" 20
check "Prometheus answers on 127.0.0.1:$prom_port" wait_http "http://127.0.0.1:$prom_port/-/ready" 30

# ---------------------------------------------------------------- the guest
cat >"$work/guest.sh" <<'GUEST'
#!/bin/sh
dmesg -n 1
mkdir -p /tf
mount -t 9p -o trans=virtio,version=9p2000.L tf /tf || { echo "@@PROM mount failed"; exit 1; }
echo "@@PROM ready"
n=0
while [ ! -e /tf/ctl-throttled ] && [ $n -lt 300 ]; do sleep 0.2; n=$((n + 1)); done
cat /dev/vda >/dev/null &
sleep 1
# The collector, as the shipped service runs it, until the host says stop.
n=0
while [ ! -e /tf/ctl-stop ] && [ $n -lt 300 ]; do
	virtio-lspci --sample=3x200ms --textfile=/tf/virtio-lspci.prom 2>>/tmp/collector.err
	echo $? >>/tmp/rcs
	n=$((n + 1))
	sleep 0.5
done
echo "@@PROM runs $(wc -l </tmp/rcs) exits $(sort /tmp/rcs | uniq -c | tr -s ' \n' ' ')"
echo "@@PROM collector-stderr $(sort -u /tmp/collector.err | head -n 3 | tr '\n' ' ')"
# A run that fails: the previous file stays, byte for byte.
cp /tf/virtio-lspci.prom /tmp/before.prom
virtio-lspci --sample=3x200ms --textfile=/tf/virtio-lspci.prom 00:1f.7 2>/tmp/fail.err
echo "@@PROM fail-rc $?"
if cmp -s /tmp/before.prom /tf/virtio-lspci.prom; then echo "@@PROM fail-kept yes"; else echo "@@PROM fail-kept no"; fi
echo "@@PROM fail-err-lines $(wc -l </tmp/fail.err) $(head -n 1 /tmp/fail.err)"
echo "@@PROM leftovers $(ls -a /tf | grep -c '^\.virtio-lspci')"
echo "@@PROM done"
n=0
while [ ! -e /tf/ctl-end ] && [ $n -lt 600 ]; do sleep 0.2; n=$((n + 1)); done
GUEST

# The host's side, run by run-guest.sh as soon as QMP is up: throttle, watch the
# alerts, release, stop the collector, compare; one "key value" line per result.
cat >"$work/hook.sh" <<'HOOK'
#!/bin/bash
set -u
out=$PROM_RESULTS api=http://127.0.0.1:$PROM_PORT/api/v1
console=$(dirname "$VLP_QMP_SOCKET")/console.raw
say() { echo "$*" >>"$out"; }
qmp() { "$VLP_QMP" "$VLP_QMP_SOCKET" "$@" 2>/dev/null; }
throttle() {
	qmp "{\"execute\":\"block_set_io_throttle\",\"arguments\":{\"device\":\"d0\",\"bps\":$1,\"bps_rd\":0,\"bps_wr\":0,\"iops\":0,\"iops_rd\":0,\"iops_wr\":0}}"
}
# until SECONDS COMMAND...: retries COMMAND every 0.5 s for at most SECONDS.
until_ok() {
	local end=$((SECONDS + $1))
	shift
	while ((SECONDS < end)); do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}
on_console() { grep -q "$1" "$console" 2>/dev/null; }
stalled_firing() {
	curl -sf "$api/alerts" | jq -e '[.data.alerts[] | select(.labels.alertname == "VirtioQueueStalled"
		and .state == "firing" and .labels.slot == "0000:00:04.0" and .labels.index == "0")] | length > 0' >/dev/null
}
stalled_gone() {
	curl -sf "$api/alerts" | jq -e '[.data.alerts[] | select(.labels.alertname == "VirtioQueueStalled")] | length == 0' >/dev/null
}
collector_firing() {
	curl -sf "$api/alerts" | jq -e '[.data.alerts[] | select(.labels.alertname == "VirtioCollectorFailing"
		and .state == "firing")] | length > 0' >/dev/null
}
query() { curl -sf --data-urlencode "query=$1" "$api/query"; }

until_ok 60 on_console '@@PROM ready' || { say "error no-ready"; exit 0; }
say "throttle $(throttle 64 | tr -d '\n')"
touch "$TF/ctl-throttled"
s=$SECONDS
if until_ok 120 stalled_firing; then
	say "stalled-firing-after $((SECONDS - s))"
	cp "$TF/virtio-lspci.prom" "$WORK/stalled.prom"
	curl -sf "$api/alerts" | jq -c '.data.alerts[] | select(.labels.alertname == "VirtioQueueStalled")' >"$WORK/firing.json"
else
	say "stalled-firing-after none"
	curl -sf "$api/alerts" >"$WORK/firing.json"
fi
say "release $(throttle 0 | tr -d '\n')"
s=$SECONDS
if until_ok 60 stalled_gone; then say "stalled-resolved-after $((SECONDS - s))"; else say "stalled-resolved-after none"; fi
touch "$TF/ctl-stop"
until_ok 60 on_console '@@PROM done' || say "error no-done"
# The last file, scraped at least twice since it was written.
sleep 3
cp "$TF/virtio-lspci.prom" "$WORK/last.prom"
query '{__name__=~"virtio_.+",job="vm"}' >"$WORK/series.json"
query 'max_over_time(node_textfile_scrape_error[10m])' >"$WORK/scrape_error.json"
query 'count_over_time(node_textfile_scrape_error[10m])' >"$WORK/scrapes.json"
curl -sf "http://127.0.0.1:$NODE_PORT/metrics" >"$WORK/node.metrics"
s=$SECONDS
if until_ok 60 collector_firing; then say "collector-firing-after $((SECONDS - s))"; else say "collector-firing-after none"; fi
curl -sf "$api/alerts" | jq -c '.data.alerts[] | select(.labels.alertname == "VirtioCollectorFailing")' >"$WORK/collector.json"
touch "$TF/ctl-end"
exit 0
HOOK
chmod +x "$work/hook.sh"
truncate -s 16M "$work/blk.img"
export PROM_RESULTS=$work/results PROM_PORT=$prom_port NODE_PORT=$node_port TF=$tf WORK=$work
: >"$work/results"
"$here/run-guest.sh" --test "$work/guest.sh" --add "$tool:/usr/bin/virtio-lspci" --module 9p \
	--hook "$work/hook.sh" --hook-at start --timeout 300 -o "$work/out" -- \
	-drive "if=none,id=d0,format=raw,file=$work/blk.img" -device virtio-blk-pci,drive=d0,addr=0x4 \
	-fsdev "local,id=fs0,path=$tf,security_model=none" -device virtio-9p-pci,fsdev=fs0,mount_tag=tf,addr=0x5 \
	2>"$work/guest.err"
rc=$?
check "the guest ran (exit $rc: $(tail -c 300 "$work/guest.err"))" [ "$rc" = 0 ]
res() { sed -n "s/^$1 //p" "$work/results" | head -n1; }
out() { sed -n "s/^@@PROM $1 //p" "$work/out" | head -n1; }
sed 's/^/qemu-prometheus: host: /' "$work/results"
grep '^@@PROM' "$work/out" | sed 's/^@@PROM /qemu-prometheus: guest: /'

check "QMP block_set_io_throttle bps=64 accepted" [ "$(res throttle)" = '{"return": {}}' ] || [ "$(res throttle)" = '{"return":{}}' ]
check "the collector's runs all exited 0 ($(out runs))" grep -qE '^@@PROM runs [0-9]+ exits +[0-9]+ 0 *$' "$work/out"
after=$(res stalled-firing-after)
check "/api/v1/alerts: VirtioQueueStalled firing for 0000:00:04.0 queue 0 (after ${after:-?} s)" [ -n "$after" ] && [ "$after" != none ]
check "the firing alert names slot, queue and verdict (requestq1, device-stalled, block)" \
	quiet jq -se 'map(select(.state == "firing" and .labels.slot == "0000:00:04.0")) | .[0].labels
		| .index == "0" and .name == "requestq1" and .verdict == "device-stalled" and .device_type_name == "block"' "$work/firing.json"
check "its summary reads well" quiet jq -se '.[0].annotations.summary | test("virtio queue 0 \\(requestq1\\) of block device 0000:00:04.0 on 127.0.0.1:[0-9]+: device-stalled")' "$work/firing.json"
# What the file said about the held queue while the alert fired.
grep -E '^virtio_queue_(in_flight|avail_idx|used_idx)\{slot="0000:00:04.0"|^virtio_queue_verdict\{slot="0000:00:04.0".*device-stalled' \
	"$work/stalled.prom" 2>/dev/null | sed 's/^/qemu-prometheus: while firing: /'
echo "qemu-prometheus: alert: $(jq -sc '.[0] | {labels, state, summary: .annotations.summary}' "$work/firing.json" 2>/dev/null)"
check "QMP throttle lifted" grep -qE '^release \{"return": ?\{\}\}' "$work/results"
resolved=$(res stalled-resolved-after)
check "VirtioQueueStalled resolves once the throttle is lifted (after ${resolved:-?} s)" [ -n "$resolved" ] && [ "$resolved" != none ]

# Every series of the last file is in Prometheus with its labels (instance, job added).
if [ -s "$work/last.prom" ]; then
	# name{k="v",...} with the labels sorted: the file's and Prometheus's, compared.
	grep -v '^#' "$work/last.prom" | sed 's/ [^ ]*$//' | awk '{
		name = $0; sub(/\{.*/, "", name); l = $0
		if (l ~ /\{/) { sub(/^[^{]*\{/, "", l); sub(/\}$/, "", l); n = split(l, a, /",/) } else n = 0
		s = ""
		for (i = 1; i <= n; i++) { x = a[i]; if (x !~ /"$/) x = x "\""; b[i] = x }
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
		for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") b[i]
		print name "{" s "}"
	}' | sort >"$work/file.series"
	jq -r '.data.result[].metric | del(.instance, .job) | (.__name__) + "{" +
		([to_entries[] | select(.key != "__name__") | "\(.key)=\"\(.value)\""] | sort | join(",")) + "}"' \
		"$work/series.json" | sort >"$work/prom.series"
	nf=$(wc -l <"$work/file.series") np=$(wc -l <"$work/prom.series")
	missing=$(comm -23 "$work/file.series" "$work/prom.series" | head -n 3 | tr '\n' ' ')
	extra=$(comm -13 "$work/file.series" "$work/prom.series" | head -n 3 | tr '\n' ' ')
	check "every series of the file is in Prometheus ($nf in the file, $np in Prometheus; missing: ${missing:-none})" [ -z "$missing" ] && [ "$nf" -gt 50 ]
	check "Prometheus has no virtio series the file does not (extra: ${extra:-none})" [ -z "$extra" ]
	if quiet promtool check metrics <"$work/last.prom"; then pass; else fail "promtool check metrics on the last file"; fi
	echo "qemu-prometheus: the last file: $nf series, $(grep -c 'slot="0000:00:04.0"' "$work/last.prom") for the virtio-blk, $(grep -c 'slot="0000:00:05.0"' "$work/last.prom") for the virtio-9p"
else
	fail "no last file was copied"
fi
check "node_exporter exports the textfile's metrics" grep -q '^virtio_device_info{' "$work/node.metrics"
check "the live file counts the virtio-blk's interrupts (virtio_interrupts_total, MSI-X vectors)" \
	grep -qE '^virtio_interrupts_total\{slot="0000:00:04.0",kind="msix",vector="[0-9]+"\} [0-9]+$' "$work/last.prom"
check "node_exporter: node_textfile_scrape_error 0 now" grep -qx 'node_textfile_scrape_error 0' "$work/node.metrics"
se=$(jq -r '.data.result[0].value[1] // "none"' "$work/scrape_error.json" 2>/dev/null)
ns=$(jq -r '.data.result[0].value[1] // "0"' "$work/scrapes.json" 2>/dev/null)
check "node_textfile_scrape_error stayed 0 over the run ($ns scrapes, max $se)" [ "$se" = 0 ] && [ "$ns" -gt 10 ]
check "a failing collector run exits 1 ($(out fail-rc))" [ "$(out fail-rc)" = 1 ]
check "a failing collector run leaves the previous file byte for byte" [ "$(out fail-kept)" = yes ]
check "a failing collector run says why in one line ($(out fail-err-lines))" grep -qE '^@@PROM fail-err-lines 1 virtio-lspci: ' "$work/out"
check "no temporary file left in the textfile directory (guest: $(out leftovers))" \
	[ "$(out leftovers)" = 0 ] && [ -z "$(find "$tf" -name '.virtio-lspci*')" ]
fired=$(res collector-firing-after)
check "the file gone stale, VirtioCollectorFailing fires (after ${fired:-?} s)" [ -n "$fired" ] && [ "$fired" != none ]
check "VirtioCollectorFailing names the stale file" quiet jq -se 'map(select(.state == "firing")) | .[0].labels.file | test("virtio-lspci\\.prom$")' "$work/collector.json"
check "nothing listens beyond loopback" [ -z "$(ss -Htlnp | grep -E ":($node_port|$prom_port) " | grep -v '127.0.0.1:')" ]
echo "qemu-prometheus: $((SECONDS - t0))s"
summary qemu-prometheus
