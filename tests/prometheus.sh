#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Prometheus output (-o prometheus, --textfile) without a guest:
#   - every face (the listing, --rings, --sample 3, --check) on every test dump and
#     snapshot, and this machine's live devices: `promtool check metrics` says nothing
#     (no error, no lint warning); and what promtool does not see: no sample timestamp,
#     no duplicate series, one HELP and one TYPE per metric before all of its samples,
#     gauge or counter only, counters ending in _total, *_info series of value 1, one
#     verdict set per queue; every metric in the man page's METRICS section;
#   - the series per device match the man page's formula (from the JSON of the same
#     snapshot);
#   - --textfile: the file is the -o prometheus output, mode 0644, no temporary file
#     left; a failing run (bad input, no device, a directory in the way) exits with its
#     one-line error and leaves the previous file byte for byte;
#   - the shipped alerting rules: promtool check rules and promtool test rules
#     (tests/prometheus/alerts.test.yml); the systemd units: systemd-analyze verify.
# Prints "prometheus: N passed, M failed".  promtool comes from Debian's prometheus
# package (make test-deps installs it): without it the suite fails.
#   tests/prometheus.sh TOOL
set -uo pipefail
tool=$(realpath "$1")
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
# quiet COMMAND...: its exit status, its output dropped (for check).
quiet() { "$@" >/dev/null 2>&1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v promtool >/dev/null; then
	fail "promtool is not installed (Debian package prometheus; make test-deps)"
	summary prometheus
	exit 1
fi

man=man/virtio-lspci.8
# The metrics of the man page's METRICS section (.B virtio_...).
sed -n '/^\.SH METRICS/,/^\.SH /p' "$man" | sed -n 's/^\.B \(virtio_[a-z_]*\).*/\1/p' | sort -u >"$tmp/man-metrics"
check "the man page's METRICS section lists metrics ($(wc -l <"$tmp/man-metrics"))" [ -s "$tmp/man-metrics" ]

# lint FILE LABEL: what promtool does not check.  Prints the problems found.
lint() {
	awk '
	function problem(m) { print m; bad = 1 }
	/^# HELP / { if (help[$3]++) problem("second HELP for " $3); next }
	/^# TYPE / {
		if (type[$3]) problem("second TYPE for " $3)
		type[$3] = $4
		if ($4 != "gauge" && $4 != "counter") problem($3 ": type " $4)
		if ($4 == "counter" && $3 !~ /_total$/) problem($3 ": counter without _total")
		if (done[$3]) problem($3 ": TYPE after its samples")
		cur = $3
		next
	}
	/^#/ { next }
	NF == 0 { problem("empty line"); next }
	{
		line = $0
		name = line; sub(/[{ ].*/, "", name)
		series = line; sub(/ [^ ]*$/, "", series)
		rest = line; sub(/^[^{ ]*(\{[^}]*\})?/, "", rest)
		if (split(rest, f, " ") != 1) problem("timestamp or extra field: " line)
		if (seen[series]++) problem("duplicate series: " series)
		if (!type[name]) problem(name ": no TYPE before its sample")
		if (name != cur) { if (done[name]) problem(name ": samples not together"); done[cur] = 1; cur = name }
		if (name ~ /_info$/ && f[1] != "1") problem(name ": info value " f[1])
		if (name == "virtio_queue_verdict") {
			q = series; sub(/,verdict="[^"]*"/, "", q)
			ones[q] += f[1]; queues[q] = 1
		}
		names[name] = 1
	}
	END {
		for (q in queues) if (ones[q] != 1) problem("verdicts of " q " sum to " ones[q])
		for (n in names) print n > "/dev/stderr"
		exit bad
	}' "$1" 2>>"$tmp/names"
}

# one LABEL ARGS...: runs the tool with -o prometheus and checks its output.
one() {
	local label=$1 out
	shift
	"$tool" -o prometheus "$@" >"$tmp/out.prom" 2>"$tmp/err"
	echo $? >"$tmp/rc"
	if [ ! -s "$tmp/out.prom" ]; then
		# A face that found nothing to say says so on stderr: bad input.
		check "$label: exits non-zero with one line when it prints no metrics" \
			[ "$(cat "$tmp/rc")" != 0 ] && [ "$(wc -l <"$tmp/err")" -ge 1 ]
		return
	fi
	# promtool once per distinct output (a dump's listing, --rings and --sample are
	# the same metrics: it has no rings), the duration left out of the comparison.
	sum=$(grep -v '^virtio_collector_duration_seconds' "$tmp/out.prom" | md5sum | cut -c1-32)
	if [ -z "${checked[$sum]:-}" ]; then
		checked[$sum]=1
		if out=$(promtool check metrics <"$tmp/out.prom" 2>&1) && [ -z "$out" ]; then
			pass
		else
			fail "$label: promtool check metrics: $(head -c 300 <<<"$out")"
		fi
	fi
	if out=$(lint "$tmp/out.prom"); then pass; else fail "$label: $(head -n 3 <<<"$out" | tr '\n' ';')"; fi
	nseries=$((nseries + $(grep -vc '^#' "$tmp/out.prom")))
	nruns=$((nruns + 1))
}

shopt -s nullglob
inputs=(tests/data/*.lspci tests/data/*.bin tests/data/*.xxd tests/data/*.hexdump tests/data/broken/* tests/data/rings/*.lspci tests/data/bad/*)
check "there are dumps and snapshots (${#inputs[@]})" [ ${#inputs[@]} -gt 20 ]
nseries=0 nruns=0
declare -A checked
for f in "${inputs[@]}"; do
	rel=${f#tests/data/}
	one "$rel" -F "$f"
	one "$rel --rings" -F "$f" --rings
	one "$rel --sample 3" -F "$f" --sample 3
	one "$rel --check" -F "$f" --check
done
# This machine's devices (none, or no BAR access, is fine: the output still parses).
one "live" 
one "live --sample 2x10ms" --sample 2x10ms
one "live --check" --check
echo "prometheus: $nruns outputs, $nseries samples checked; promtool check metrics on the ${#checked[@]} distinct ones"
sort -u "$tmp/names" >"$tmp/seen"
missing=$(comm -23 "$tmp/seen" "$tmp/man-metrics" | tr '\n' ' ')
check "every metric written is in the man page's METRICS (missing: ${missing:-none})" [ -z "$missing" ]
unseen=$(comm -13 "$tmp/seen" "$tmp/man-metrics" | grep -v '^virtio_interrupts_total$' | tr '\n' ' ')
check "every metric of the man page was written by some test input (not: ${unseen:-none})" [ -z "$unseen" ]

# ------------------------------------------------------------------ series per device
# The man page's formula, from the JSON of the same snapshot: 16 + 2Q + V for the
# listing with registers read (Q queues, V interrupt vectors counted); with --rings or
# --sample, + Q + 12R for split rings read (10 for packed).
for f in tests/data/rings/*.lspci tests/data/snapshot-*.lspci; do
	rel=${f#tests/data/}
	"$tool" -F "$f" --sample 3 -J >"$tmp/s.json" 2>/dev/null
	"$tool" -F "$f" --sample 3 -o prometheus >"$tmp/s.prom" 2>/dev/null
	while read -r slot want; do
		got=$(grep -c "slot=\"$slot\"" "$tmp/s.prom")
		check "$rel $slot: $got series per device = the formula's $want" [ "$got" = "$want" ]
	done < <(jq -r '.devices[] | (.state.common // .state.legacy) as $b
		| ($b.queues // []) as $q
		| [$q[] | select(.ring.in_flight != null)] as $r
		| [$r[] | select(.ring.format == "packed")] as $p
		| (if .state == null then 4 else 16 + 2 * ($q | length) + ($q | length) + 12 * ($r | length) - 2 * ($p | length) end) as $n
		| "\(.slot) \($n + ((.interrupts // []) | map(select(.count != null)) | length))"' "$tmp/s.json")
done

# ------------------------------------------------------------------ --textfile
snap=tests/data/rings/blk-split.lspci
dir=$tmp/textfile
mkdir -p "$dir"
prom=$dir/virtio-lspci.prom
# no_temp: nothing but the file itself in the directory.
no_temp() { [ "$(find "$dir" -mindepth 1 ! -name virtio-lspci.prom | wc -l)" = 0 ]; }
"$tool" --textfile="$prom" -F "$snap" --sample 3 >"$tmp/stdout" 2>"$tmp/err"
check "--textfile exits 0 ($(cat "$tmp/err"))" [ $? = 0 ]
check "--textfile prints nothing on stdout" [ ! -s "$tmp/stdout" ]
"$tool" -o prometheus -F "$snap" --sample 3 >"$tmp/stdout.prom"
check "--textfile writes the -o prometheus output (but the duration)" \
	diff <(grep -v duration_seconds "$prom") <(grep -v duration_seconds "$tmp/stdout.prom")
check "--textfile's file is mode 0644" [ "$(stat -c %a "$prom")" = 644 ]
check "--textfile leaves no temporary file" no_temp
cp "$prom" "$tmp/before"
# failing RC LABEL ARGS...: exits RC with one line on stderr; the file is as it was.
failing() {
	local want=$1 label=$2 rc
	shift 2
	"$tool" --textfile="$prom" "$@" >"$tmp/stdout" 2>"$tmp/err"
	rc=$?
	check "--textfile, $label: exit $rc (want $want)" [ "$rc" = "$want" ]
	check "--textfile, $label: one line on stderr ($(head -c 200 "$tmp/err"))" [ "$(wc -l <"$tmp/err")" = 1 ]
	check "--textfile, $label: the previous file is left byte for byte" cmp -s "$prom" "$tmp/before"
	check "--textfile, $label: no temporary file left" no_temp
}
failing 1 "missing dump" -F "$tmp/no-such-file"
failing 1 "bad dump" -F tests/data/bad/garbage.txt
failing 1 "no device matches" -F "$snap" -s 00:1f.7
failing 1 "--check on a dump that cannot be read" --check -F "$tmp/no-such-file"
"$tool" --textfile="$prom" -J -F "$snap" >/dev/null 2>"$tmp/err"
rc=$?
check "--textfile with -J: usage error, exit 2 ($rc)" [ "$rc" = 2 ] && grep -q -- '--textfile' "$tmp/err"
check "--textfile with -J: the previous file is left byte for byte" cmp -s "$prom" "$tmp/before"
"$tool" --textfile="$tmp/no-such-dir/x.prom" -F "$snap" >/dev/null 2>"$tmp/err"
rc=$?
check "--textfile in a missing directory: exit 1 and one line ($rc: $(cat "$tmp/err"))" [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ]
mkdir "$dir/taken.prom"
"$tool" --textfile="$dir/taken.prom" -F "$snap" >/dev/null 2>"$tmp/err"
rc=$?
check "--textfile onto a directory: exit 1, one line, the directory stays ($rc: $(cat "$tmp/err"))" \
	[ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ -d "$dir/taken.prom" ]
rmdir "$dir/taken.prom"
check "--textfile onto a directory: no temporary file left" no_temp
"$tool" --textfile="$prom" --check -F tests/data/host-vm.lspci >/dev/null 2>"$tmp/err"
check "--textfile --check: the file holds the check's metrics" grep -q '^virtio_check_findings{' "$prom"
if quiet promtool check metrics <"$prom"; then pass; else fail "--textfile --check: promtool check metrics"; fi

# ------------------------------------------------------------------ rules and units
check "promtool check rules monitoring/virtio-lspci-alerts.yml" \
	quiet promtool check rules monitoring/virtio-lspci-alerts.yml
if out=$(promtool test rules tests/prometheus/alerts.test.yml 2>&1); then
	pass
else
	fail "promtool test rules: $(tail -n 20 <<<"$out")"
fi
for alert in VirtioQueueStalled VirtioDeviceNeedsReset VirtioCollectorFailing; do
	check "the rules have $alert" grep -q "alert: $alert\$" monitoring/virtio-lspci-alerts.yml
	check "the rule tests cover $alert" grep -q "alertname: $alert\$" tests/prometheus/alerts.test.yml
done
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/units"
	sed "s|@BINDIR@|$(dirname "$tool")|" monitoring/virtio-lspci-textfile.service >"$tmp/units/virtio-lspci-textfile.service"
	cp monitoring/virtio-lspci-textfile.timer "$tmp/units/"
	out=$(cd "$tmp/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
		./virtio-lspci-textfile.service ./virtio-lspci-textfile.timer 2>&1)
	if [ -z "$out" ]; then pass; else fail "systemd-analyze verify: $(head -n 5 <<<"$out")"; fi
else
	skip "systemd-analyze verify: systemd-analyze is not installed"
fi
check "the timer runs the service every 30 s" grep -qx 'OnUnitActiveSec=30s' monitoring/virtio-lspci-textfile.timer
check "the service writes with --textfile into Debian's textfile directory" \
	grep -q -- '--textfile=/var/lib/prometheus/node-exporter/virtio-lspci.prom' monitoring/virtio-lspci-textfile.service
summary prometheus
