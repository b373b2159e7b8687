/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Formatting helpers shared by the text and JSON printers. */
#include <inttypes.h>

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
		snprintf(buf, len, "%" PRIu64 "%s%s%s", v->value, name ? " (" : "", name ? name : "",
			 name ? ")" : "");
	else
		snprintf(buf, len, "0x%0*" PRIx64 "%s%s%s", digits, v->value, name ? " (" : "",
			 name ? name : "", name ? ")" : "");
}

