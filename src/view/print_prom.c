/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prometheus text exposition format 0.0.4: what node_exporter's textfile
 * collector and `promtool check metrics` parse.  node_exporter 1.5 rejects a
 * whole file for an OpenMetrics-only type (info), for any sample timestamp
 * or a parse error, and silently drops a duplicate series: so identity is
 * a gauge `..._info` of value 1, counters are typed counter and end in
 * `_total`, no sample has a timestamp, each metric has one HELP and one
 * TYPE line before all of its samples, and no series is written twice.
 *
 * Labels are the JSON keys and check ids (slot, device_type_name, index,
 * name, severity, check, vector), bounded: never an address, a descriptor
 * or free text.  Every metric is in the man page (METRICS), with the
 * number of series per device.
 *
 * Samples are gathered per metric while devices are fed in, and written
 * grouped by metric at the end.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* One metric: its name, type and help, in the order they are written. */
enum prom_metric {
	PM_DEVICE_INFO,
	PM_DEVICE_REGISTERS_READ,
	PM_DEVICE_STATUS,
	PM_DEVICE_STATUS_BIT,
	PM_DEVICE_FEATURES,
	PM_DEVICE_NEGOTIATED_FEATURES,
	PM_DEVICE_NUM_QUEUES,
	PM_DEVICE_FINDINGS,
	PM_QUEUE_SIZE,
	PM_QUEUE_ENABLED,
	PM_QUEUE_RING_READ,
	PM_QUEUE_IN_FLIGHT,
	PM_QUEUE_AVAIL_IDX,
	PM_QUEUE_USED_IDX,
	PM_QUEUE_VERDICT,
	PM_QUEUE_SAMPLES,
	PM_INTERRUPTS,
	PM_CHECK_FINDINGS,
	PM_CHECK_FINDINGS_BY_CHECK,
	PM_CHECK_CHECKS_MADE,
	PM_CHECK_NOT_MADE,
	PM_COLLECTOR_SUCCESS,
	PM_COLLECTOR_DURATION,
	PM_COLLECTOR_DEVICES,
	PM_COUNT
};

static const struct {
	const char *name, *type, *help;
} metrics[PM_COUNT] = {
	[PM_DEVICE_INFO] = { "virtio_device_info", "gauge",
			     "Identity of a virtio PCI device: always 1." },
	[PM_DEVICE_REGISTERS_READ] = { "virtio_device_registers_read", "gauge",
				       "1 when the registers behind the BARs were read, 0 when not." },
	[PM_DEVICE_STATUS] = { "virtio_device_status", "gauge",
			       "The device_status register (virtio 2.1)." },
	[PM_DEVICE_STATUS_BIT] = { "virtio_device_status_bit", "gauge",
				   "One bit of device_status by its spec name (virtio 2.1): 1 set, 0 clear." },
	[PM_DEVICE_FEATURES] = { "virtio_device_features", "gauge",
				 "Number of feature bits the device offers." },
	[PM_DEVICE_NEGOTIATED_FEATURES] = { "virtio_device_negotiated_features", "gauge",
					    "Number of feature bits both offered and accepted." },
	[PM_DEVICE_NUM_QUEUES] = { "virtio_device_num_queues", "gauge",
				   "Queues the device has (num_queues, or the legacy queues read)." },
	[PM_DEVICE_FINDINGS] = { "virtio_device_findings", "gauge",
				 "Findings of the decoder and the register reader, by severity." },
	[PM_QUEUE_SIZE] = { "virtio_queue_size", "gauge", "queue_size: entries of the queue." },
	[PM_QUEUE_ENABLED] = { "virtio_queue_enabled", "gauge",
			       "1 when the queue is enabled (queue_enable, or a legacy queue address)." },
	[PM_QUEUE_RING_READ] = { "virtio_queue_ring_read", "gauge",
				 "1 when the queue's ring was read from guest memory, 0 when not." },
	[PM_QUEUE_IN_FLIGHT] = { "virtio_queue_in_flight", "gauge",
				 "Buffers made available by the driver and not yet used by the device." },
	[PM_QUEUE_AVAIL_IDX] = { "virtio_queue_avail_idx", "gauge",
				 "Split ring avail.idx (free-running modulo 65536)." },
	[PM_QUEUE_USED_IDX] = { "virtio_queue_used_idx", "gauge",
				"Split ring used.idx (free-running modulo 65536)." },
	[PM_QUEUE_VERDICT] = { "virtio_queue_verdict", "gauge",
			       "The queue's verdict: 1 for the current one, 0 for the others." },
	[PM_QUEUE_SAMPLES] = { "virtio_queue_samples", "gauge",
			       "Reads of the ring the verdict rests on." },
	[PM_INTERRUPTS] = { "virtio_interrupts_total", "counter",
			    "Interrupts Linux counted on the vector (all CPUs)." },
	[PM_CHECK_FINDINGS] = { "virtio_check_findings", "gauge",
				"Findings of --check on the device, by severity." },
	[PM_CHECK_FINDINGS_BY_CHECK] = { "virtio_check_findings_per_check", "gauge",
					 "Findings of one check of --check on the device." },
	[PM_CHECK_CHECKS_MADE] = { "virtio_check_checks_made", "gauge",
				   "Checks --check made on the device." },
	[PM_CHECK_NOT_MADE] = { "virtio_check_not_checked", "gauge",
				"Checks --check could not make on the device." },
	[PM_COLLECTOR_SUCCESS] = { "virtio_collector_success", "gauge",
				   "1 when the collection succeeded, 0 when it failed." },
	[PM_COLLECTOR_DURATION] = { "virtio_collector_duration_seconds", "gauge",
				    "Wall-clock time the collection took." },
	[PM_COLLECTOR_DEVICES] = { "virtio_collector_devices", "gauge",
				   "Devices the collection covered." },
};

struct prom_sample {
	char *series; /* name{labels} */
	char value[32];
};

struct prom_family {
	struct prom_sample *s;
	size_t n, cap;
};

struct prom {
	struct prom_family fam[PM_COUNT];
	char **slots; /* devices seen: a slot is written once */
	size_t nslots;
	bool failed; /* out of memory: the output is incomplete */
};

struct prom *prom_new(void)
{
	return calloc(1, sizeof(struct prom));
}

void prom_free(struct prom *p)
{
	if (!p)
		return;
	for (unsigned m = 0; m < PM_COUNT; m++) {
		for (size_t i = 0; i < p->fam[m].n; i++)
			free(p->fam[m].s[i].series);
		free(p->fam[m].s);
	}
	for (size_t i = 0; i < p->nslots; i++)
		free(p->slots[i]);
	free(p->slots);
	free(p);
}

/* Text for the exposition (0.0.4): \\ and newline escaped, and " in a label
 * value (not in HELP); valid UTF-8, which the format requires: each byte
 * outside a well-formed sequence, and each other control character, becomes
 * U+FFFD.  Cut at a whole character when out is full. */
static size_t escape_text(char *out, size_t len, const char *v, bool label)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	size_t k = 0;

	while (v && *v) {
		size_t n = utf8_sequence(v);
		unsigned char c = (unsigned char)*v;
		const char *put = v;
		size_t m = n;

		if (n == 0 || (n == 1 && c != '\n' && (c < 0x20 || c == 0x7f))) {
			put = replacement;
			m = 3;
			n = 1;
		} else if (c == '\\' || (c == '"' && label) || c == '\n') {
			put = c == '\\' ? "\\\\" : c == '"' ? "\\\"" : "\\n";
			m = 2;
		}
		if (k + m >= len)
			break;
		memcpy(out + k, put, m);
		k += m;
		v += n;
	}
	if (len)
		out[k] = '\0';
	return k;
}

/* Adds a sample of metric m; the labels are name/value pairs ending with
 * NULL, value given as text. */
static void add(struct prom *p, enum prom_metric m, const char *value, ...)
{
	struct prom_family *f = &p->fam[m];
	char buf[1024], esc[300];
	const char *k, *v;
	size_t used;
	va_list ap;
	bool first = true;

	used = (size_t)snprintf(buf, sizeof(buf), "%s", metrics[m].name);
	va_start(ap, value);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		escape_text(esc, sizeof(esc), v, true);
		if (used < sizeof(buf))
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s=\"%s\"",
						 first ? "{" : ",", k, esc);
		first = false;
	}
	va_end(ap);
	if (!first && used < sizeof(buf))
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "}");
	if (used >= sizeof(buf)) {
		p->failed = true;
		return;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		struct prom_sample *s = realloc(f->s, cap * sizeof(*s));

		if (!s) {
			p->failed = true;
			return;
		}
		f->s = s;
		f->cap = cap;
	}
	if (!(f->s[f->n].series = strdup(buf))) {
		p->failed = true;
		return;
	}
	snprintf(f->s[f->n].value, sizeof(f->s[f->n].value), "%s", value);
	f->n++;
}

/* The end of add()'s labels: a pointer, as va_arg reads it. */
#define END ((const char *)NULL)

static const char *u64(char *buf, size_t len, uint64_t v)
{
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* true the first time a slot is seen: a device is written once. */
static bool first_time(struct prom *p, const char *slot)
{
	char **slots;

	for (size_t i = 0; i < p->nslots; i++)
		if (!strcmp(p->slots[i], slot))
			return false;
	slots = realloc(p->slots, (p->nslots + 1) * sizeof(*slots));
	if (!slots || !(slots[p->nslots] = strdup(slot))) {
		if (slots)
			p->slots = slots;
		p->failed = true;
		return true;
	}
	p->slots = slots;
	p->nslots++;
	return true;
}

static unsigned popcount_words(const struct vlp_val *a, const struct vlp_val *b, bool *valid)
{
	unsigned n = 0;

	*valid = false;
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++) {
		uint64_t bits;

		if (!a[w].valid || (b && !b[w].valid))
			continue;
		*valid = true;
		bits = a[w].value & (b ? b[w].value : ~0ull) & 0xffffffffu;
		n += (unsigned)__builtin_popcountll(bits);
	}
	return n;
}

static void device_status(struct prom *p, const char *slot, const struct vlp_field *f,
			  const struct vlp_field_value *fv)
{
	char num[32];

	if (!fv || !fv->valid)
		return;
	add(p, PM_DEVICE_STATUS, u64(num, sizeof(num), fv->value), "slot", slot, END);
	/* Every bit 2.1 names, set or not: a stable set of series. */
	for (size_t i = 0; f->names && i < f->names->count; i++) {
		const struct vlp_name *b = &f->names->entries[i];

		add(p, PM_DEVICE_STATUS_BIT, (fv->value >> b->value) & 1 ? "1" : "0", "slot", slot,
		    "bit", b->name, END);
	}
}

static void queues(struct prom *p, const struct device_view *v, const char *slot, const char *type)
{
	const struct vlp_state *s = v->state;
	/* The queues of the interface the driver uses (the library's one
	 * answer: a transitional device has both). */
	bool legacy = vlp_legacy_interface_in_use(s);
	const struct vlp_queue_state *qs = legacy ? s->legacy_queues : s->queues;
	size_t n = legacy ? s->nlegacy_queues : s->nqueues;
	const struct vlp_field_table *t = legacy ? vlp_legacy_header_table() : vlp_common_cfg_table();
	char num[32], index[16], name[32];

	for (size_t i = 0; i < n; i++) {
		const struct vlp_queue_state *q = &qs[i];
		const struct vlp_queue_ring *qr = vlp_rings_queue(v->rings, legacy, q->index);
		const struct vlp_field_value *size = vlp_regs_row(
			&q->regs, t, legacy ? VLP_LEGACY_QUEUE_SIZE : VLP_COMMON_QUEUE_SIZE);
		const struct vlp_field_value *en = vlp_regs_row(
			&q->regs, t, legacy ? VLP_LEGACY_QUEUE_ADDRESS : VLP_COMMON_QUEUE_ENABLE);

		snprintf(index, sizeof(index), "%u", q->index);
		format_queue_name(name, sizeof(name), v, legacy, q->index, NULL);
#define QL "slot", slot, "device_type_name", type, "index", index, "name", name
		if (size && size->valid)
			add(p, PM_QUEUE_SIZE, u64(num, sizeof(num), size->value), QL, END);
		if (qr)
			add(p, PM_QUEUE_ENABLED, qr->enabled ? "1" : "0", QL, END);
		else if (en && en->valid)
			add(p, PM_QUEUE_ENABLED, en->value ? "1" : "0", QL, END);
		if (!v->rings_asked || !qr)
			continue;
		add(p, PM_QUEUE_RING_READ, qr->ring ? "1" : "0", QL, END);
		if (!qr->ring)
			continue;
		add(p, PM_QUEUE_IN_FLIGHT, u64(num, sizeof(num), qr->ring->in_flight), QL, END);
		if (qr->ring->format != VLP_RING_PACKED) {
			add(p, PM_QUEUE_AVAIL_IDX, u64(num, sizeof(num), qr->ring->avail.idx), QL, END);
			add(p, PM_QUEUE_USED_IDX, u64(num, sizeof(num), qr->ring->used.idx), QL, END);
		}
		add(p, PM_QUEUE_SAMPLES, u64(num, sizeof(num), qr->nsamples), QL, END);
		for (unsigned st = 0; st < VLP_VERDICT_STATES; st++)
			add(p, PM_QUEUE_VERDICT, qr->verdict.state == st ? "1" : "0", QL, "verdict",
			    vlp_verdict_state_name((enum vlp_verdict_state)st), END);
#undef QL
	}
}

static void interrupts(struct prom *p, const struct device_view *v, const char *slot)
{
	char num[32], vector[16];

	for (size_t i = 0; v->irqs && i < v->irqs->count; i++) {
		const struct vlp_irq *it = &v->irqs->items[i];

		if (!it->counted)
			continue;
		if (it->entry >= 0)
			snprintf(vector, sizeof(vector), "%d", it->entry);
		else
			vector[0] = '\0'; /* INTx: no vector */
		add(p, PM_INTERRUPTS, u64(num, sizeof(num), it->count), "slot", slot, "kind",
		    vlp_irq_kind_name(it->kind), "vector", vector, END);
	}
}

void prom_device(struct prom *p, const struct device_view *v)
{
	const struct vlp_layout *l = v->layout;
	const struct vlp_state *s = v->state;
	const struct vlp_header *h = &l->header;
	const char *type = l->virtio.type_name ? l->virtio.type_name : "";
	const char *origin = vlp_device_origin(v->dev) == VLP_ORIGIN_LIVE       ? "live"
			     : vlp_device_origin(v->dev) == VLP_ORIGIN_SNAPSHOT ? "snapshot"
										: "dump";
	const char *driver = vlp_device_driver(v->dev);
	const struct vlp_field *hdr = vlp_pci_header_table()->fields;
	char slot[32], vendor[16], device[16], num[32];
	unsigned count[3] = { 0 };
	bool valid;

	format_slot(slot, sizeof(slot), &l->slot, true);
	if (!first_time(p, slot))
		return;
	vendor[0] = device[0] = '\0';
	if (h->vendor_id.valid)
		snprintf(vendor, sizeof(vendor), "0x%04" PRIx64, h->vendor_id.value);
	if (h->device_id.valid)
		snprintf(device, sizeof(device), "0x%04" PRIx64, h->device_id.value);
	/* The IDs under their JSON keys, from the header table's rows. */
	add(p, PM_DEVICE_INFO, "1", "slot", slot, "device_type_name", type, "transport",
	    vlp_transport_name(l->virtio.transport), hdr[VLP_HDR_VENDOR_ID].json_key, vendor,
	    hdr[VLP_HDR_DEVICE_ID].json_key, device, "driver", driver ? driver : "", "origin",
	    origin, END);
	for (size_t i = 0; i < l->nfindings; i++)
		count[l->findings[i].severity]++;
	for (size_t i = 0; s && i < s->nfindings; i++)
		count[s->findings[i].severity]++;
	for (unsigned sev = 0; sev < 3; sev++)
		add(p, PM_DEVICE_FINDINGS, u64(num, sizeof(num), count[sev]), "slot", slot,
		    "severity", vlp_severity_name((enum vlp_severity)sev), END);
	interrupts(p, v, slot);
	/* A dump has no registers: nothing more is known. */
	if (vlp_device_origin(v->dev) == VLP_ORIGIN_DUMP || !l->virtio.is_virtio)
		return;
	add(p, PM_DEVICE_REGISTERS_READ, s ? "1" : "0", "slot", slot, END);
	if (!s)
		return;
	if (!vlp_legacy_interface_in_use(s) && s->common.table) {
		const struct vlp_field_value *nq =
			vlp_regs_row(&s->common, vlp_common_cfg_table(), VLP_COMMON_NUM_QUEUES);

		device_status(
			p, slot, &vlp_common_cfg_table()->fields[VLP_COMMON_DEVICE_STATUS],
			vlp_regs_row(&s->common, vlp_common_cfg_table(), VLP_COMMON_DEVICE_STATUS));
		if (nq && nq->valid)
			add(p, PM_DEVICE_NUM_QUEUES, u64(num, sizeof(num), nq->value), "slot", slot,
			    END);
		{
			unsigned n = popcount_words(s->device_features, NULL, &valid);

			if (valid)
				add(p, PM_DEVICE_FEATURES, u64(num, sizeof(num), n), "slot", slot, END);
			n = popcount_words(s->device_features, s->driver_features, &valid);
			if (valid)
				add(p, PM_DEVICE_NEGOTIATED_FEATURES, u64(num, sizeof(num), n),
				    "slot", slot, END);
		}
	} else if (s->legacy.table) {
		/* The legacy header (4.1.4.10): 32 feature bits each way. */
		const struct vlp_field_table *t = vlp_legacy_header_table();
		const struct vlp_field_value *host =
			vlp_regs_row(&s->legacy, t, VLP_LEGACY_HOST_FEATURES);
		const struct vlp_field_value *guest =
			vlp_regs_row(&s->legacy, t, VLP_LEGACY_GUEST_FEATURES);

		device_status(p, slot, &t->fields[VLP_LEGACY_DEVICE_STATUS],
			      vlp_regs_row(&s->legacy, t, VLP_LEGACY_DEVICE_STATUS));
		add(p, PM_DEVICE_NUM_QUEUES, u64(num, sizeof(num), s->nlegacy_queues), "slot", slot,
		    END);
		if (host && host->valid)
			add(p, PM_DEVICE_FEATURES,
			    u64(num, sizeof(num),
				(unsigned)__builtin_popcountll(host->value & 0xffffffffu)),
			    "slot", slot, END);
		if (host && host->valid && guest && guest->valid)
			add(p, PM_DEVICE_NEGOTIATED_FEATURES,
			    u64(num, sizeof(num),
				(unsigned)__builtin_popcountll(host->value & guest->value & 0xffffffffu)),
			    "slot", slot, END);
	}
	queues(p, v, slot, type);
}

void prom_check(struct prom *p, const char *slot, const struct vlp_check_report *rep)
{
	char num[32];

	if (!first_time(p, slot))
		return;
	for (unsigned sev = 0; sev < 3; sev++)
		add(p, PM_CHECK_FINDINGS, u64(num, sizeof(num), rep->count[sev]), "slot", slot,
		    "severity", vlp_severity_name((enum vlp_severity)sev), END);
	/* One series per check that found something: its findings counted
	 * (a check reports at most one severity per finding; the worst). */
	for (size_t i = 0; i < rep->nfindings; i++) {
		const struct vlp_check_finding *cf = &rep->findings[i];
		enum vlp_severity worst = cf->finding.severity;
		unsigned n = 0;
		bool first = true;

		if (!cf->check)
			continue;
		for (size_t k = 0; k < i; k++)
			if (rep->findings[k].check == cf->check)
				first = false;
		if (!first)
			continue;
		for (size_t k = i; k < rep->nfindings; k++)
			if (rep->findings[k].check == cf->check) {
				n++;
				if (rep->findings[k].finding.severity > worst)
					worst = rep->findings[k].finding.severity;
			}
		add(p, PM_CHECK_FINDINGS_BY_CHECK, u64(num, sizeof(num), n), "slot", slot, "check",
		    cf->check->id, "severity", vlp_severity_name(worst), END);
	}
	add(p, PM_CHECK_CHECKS_MADE, u64(num, sizeof(num), rep->checks_run), "slot", slot, END);
	add(p, PM_CHECK_NOT_MADE, u64(num, sizeof(num), rep->nskipped), "slot", slot, END);
}

void prom_collector(struct prom *p, const char *mode, double seconds, bool success, unsigned devices)
{
	char num[32];

	add(p, PM_COLLECTOR_SUCCESS, success ? "1" : "0", "mode", mode, END);
	snprintf(num, sizeof(num), "%.6f", seconds);
	add(p, PM_COLLECTOR_DURATION, num, "mode", mode, END);
	add(p, PM_COLLECTOR_DEVICES, u64(num, sizeof(num), devices), "mode", mode, END);
}

static int by_series(const void *a, const void *b, void *arg)
{
	const struct prom_sample *s = arg;

	return strcmp(s[*(const size_t *)a].series, s[*(const size_t *)b].series);
}

/* Every metric with samples: HELP, TYPE, then its samples in the order
 * they came, a series already written left out.  -1 when memory ran out
 * (the output is incomplete). */
int prom_write(struct prom *p, FILE *f)
{
	char help[512];

	for (unsigned m = 0; m < PM_COUNT; m++) {
		struct prom_family *fam = &p->fam[m];
		size_t *order;
		bool *dup;

		if (!fam->n)
			continue;
		order = malloc(fam->n * sizeof(*order));
		dup = calloc(fam->n, sizeof(*dup));
		if (!order || !dup) {
			free(order);
			free(dup);
			return -1;
		}
		for (size_t i = 0; i < fam->n; i++)
			order[i] = i;
		qsort_r(order, fam->n, sizeof(*order), by_series, fam->s);
		/* In each run of equal series, all but the first one fed in. */
		for (size_t i = 0, j; i < fam->n; i = j) {
			size_t keep = order[i];

			for (j = i + 1;
			     j < fam->n && !strcmp(fam->s[order[j]].series, fam->s[order[i]].series);
			     j++)
				if (order[j] < keep)
					keep = order[j];
			for (size_t k = i; k < j; k++)
				dup[order[k]] = order[k] != keep;
		}
		escape_text(help, sizeof(help), metrics[m].help, false);
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metrics[m].name, help, metrics[m].name,
			metrics[m].type);
		for (size_t i = 0; i < fam->n; i++)
			if (!dup[i])
				fprintf(f, "%s %s\n", fam->s[i].series, fam->s[i].value);
		free(order);
		free(dup);
	}
	return p->failed ? -1 : 0;
}
