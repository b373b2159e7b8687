/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Formatting helpers shared by the text and JSON printers. */
#include <inttypes.h>

#include "options.h"
#include "output.h"

void format_slot(char *buf, size_t len, const struct vlp_slot *s, bool domain)
{
	if (domain)
		snprintf(buf, len, "%04x:%02x:%02x.%u", (unsigned)s->domain, s->bus, s->dev, s->func);
	else
		snprintf(buf, len, "%02x:%02x.%u", s->bus, s->dev, s->func);
}

void format_size(char *buf, size_t len, uint64_t size)
{
	static const char *const suffix[] = { "", "K", "M", "G", "T" };
	unsigned i = 0;

	while (i + 1 < sizeof(suffix) / sizeof(suffix[0]) && size && size % 1024 == 0) {
		size /= 1024;
		i++;
	}
	snprintf(buf, len, "%" PRIu64 "%s", size, suffix[i]);
}

void format_field(char *buf, size_t len, const struct vlp_field *f, const struct vlp_val *v)
{
	int digits = f->hi_offset ? 16 : f->width * 2;
	const char *name;

	if (!v->valid) {
		snprintf(buf, len, "<unavailable>");
		return;
	}
	name = vlp_names_lookup(f->names, v->value);
	if (f->flags & VLP_FIELD_DECIMAL)
		snprintf(buf, len, "%" PRIu64 "%s%s%s", v->value, name ? " (" : "",
			 name ? name : "", name ? ")" : "");
	else
		snprintf(buf, len, "0x%0*" PRIx64 "%s%s%s", digits, v->value, name ? " (" : "",
			 name ? name : "", name ? ")" : "");
}

void text_findings(struct output *o, const struct vlp_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].severity == VLP_SEV_INFO && o->opts.verbose < 3)
			continue; /* reasoning notes are for -vvv */
		fprintf(o->f, "\t%s%s%s%s: %s\n",
			f[i].severity == VLP_SEV_ERROR     ? "Error"
			: f[i].severity == VLP_SEV_WARNING ? "Warning"
							   : "Note",
			f[i].section ? " [" : "", f[i].section ? f[i].section : "",
			f[i].section ? "]" : "", f[i].message);
	}
}

void json_position(struct json *j, const char *key, int position)
{
	if (position >= 0)
		json_uint(j, key, (unsigned)position);
	else
		json_null(j, key);
}

void json_finding_list(struct json *j, const char *key, const struct vlp_finding *f, size_t n)
{
	json_begin_array(j, key);
	for (size_t i = 0; i < n; i++) {
		json_begin_object(j, NULL);
		json_string(j, "check", f[i].check); /* as in the checker's findings */
		json_string(j, "severity", vlp_severity_name(f[i].severity));
		json_string(j, "section", f[i].section);
		json_position(j, "position", f[i].position);
		json_string(j, "message", f[i].message);
		json_end_object(j);
	}
	json_end_array(j);
}

void format_type_title(char *buf, size_t len, const struct vlp_layout *l)
{
	const char *title = l->virtio.device_type.valid
				    ? vlp_virtio_type_title((unsigned)l->virtio.device_type.value)
				    : NULL;

	if (title)
		snprintf(buf, len, "%s", title);
	else if (l->virtio.device_type.valid)
		snprintf(buf, len, "Virtio device type %u", (unsigned)l->virtio.device_type.value);
	else
		snprintf(buf, len, "Virtio device of unknown type");
}

void format_device_title(char *buf, size_t len, const struct vlp_layout *l)
{
	char title[96];

	format_type_title(title, sizeof(title), l);
	snprintf(buf, len, "%s [%04x:%04x] (%s)", title, (unsigned)l->header.vendor_id.value,
		 (unsigned)l->header.device_id.value, vlp_transport_name(l->virtio.transport));
}

void print_access_stats(FILE *f, const struct vlp_device *dev)
{
	const struct vlp_access_stats *st = vlp_device_stats(dev);
	char slot[32];

	format_slot(slot, sizeof(slot), vlp_device_slot(dev), true);
	fprintf(f, PROG ": stats: %s backend=%s config_reads=%lu config_writes=%lu bar_reads=%lu bar_writes=%lu\n",
		slot, vlp_device_backend(dev) ? vlp_device_backend(dev) : "none", st->config_reads,
		st->config_writes, st->bar_reads, st->bar_writes);
}

/* Names of the set bits of a bit-named value, separated by spaces. */
void format_bit_names(char *buf, size_t len, const struct vlp_names *names, uint64_t value)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned bit = 0; bit < 64 && used < len; bit++) {
		const char *name = NULL;

		if (!((value >> bit) & 1))
			continue;
		for (size_t i = 0; names && i < names->count; i++)
			if (names->entries[i].value == bit)
				name = names->entries[i].name;
		used += name ? (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "", name)
			     : (size_t)snprintf(buf + used, len - used, "%sbit%u", used ? " " : "",
						bit);
	}
}

unsigned view_device_type(const struct device_view *v)
{
	const struct vlp_virtio_id *id = &v->layout->virtio;

	return id->device_type.valid ? (unsigned)id->device_type.value : 0;
}

void format_verdict(char *buf, size_t len, const struct vlp_verdict *vd)
{
	const char *state = vlp_verdict_state_name(vd->state);

	if (vd->host_cause != VLP_HOST_CAUSE_NONE)
		snprintf(buf, len, "%s (host: %s)", state, vlp_host_cause_name(vd->host_cause));
	else if (vd->motion.moved)
		snprintf(buf, len, "%s (host: moved while sampled)", state);
	else if (vd->motion.not_judged) /* the reason: -vv, JSON host_not_judged */
		snprintf(buf, len, "%s (host: motion not judged)", state);
	else
		snprintf(buf, len, "%s", state);
}
