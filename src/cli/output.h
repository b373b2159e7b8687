/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printers: one per output format, fed one decoded device at a time. */
#ifndef VLP_OUTPUT_H
#define VLP_OUTPUT_H

#include <stdio.h>

#include "json.h"
#include "vlp.h"

struct output_opts {
	int verbose;   /* -v count */
	int numeric;   /* -n count */
	int hex;       /* -x count */
	bool domains;  /* -D */
};

struct output {
	FILE *f;
	struct vlp_ctx *ctx;
	struct output_opts opts;
	unsigned devices; /* printed so far */
	struct json json;
};

struct printer {
	const char *name;
	void (*begin)(struct output *o);
	void (*device)(struct output *o, const struct vlp_device *dev, const struct vlp_layout *l);
	void (*end)(struct output *o);
};

extern const struct printer text_printer;
extern const struct printer json_printer;

/* Shared by the printers. */
void format_slot(char *buf, size_t len, const struct vlp_slot *s, bool domain);
/* lspci's size notation: 512K, 4M, 32. */
void format_size(char *buf, size_t len, uint64_t size);
/* Value of a table field as text: decimal or hex by the field's flags,
 * "<unavailable>" when not read. */
void format_field(char *buf, size_t len, const struct vlp_field *f, const struct vlp_val *v);

#endif
