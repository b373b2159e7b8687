/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The REPL's command language: splitting, words, values.  Pure functions,
 * no device access (unit-tested on their own). */
#ifndef VLP_REPL_PARSE_H
#define VLP_REPL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vlp.h"

#define REPL_MAX_WORDS 16
#define REPL_LINE_MAX 1024

struct words {
	char buf[REPL_LINE_MAX];
	char *w[REPL_MAX_WORDS];
	size_t n;
};

/* Splits one command into words at blanks; "..." and '...' group.  -1 with
 * a message in err for an unterminated quote, too many words or too long a
 * line. */
int split_words(const char *cmd, struct words *out, char *err, size_t errlen);

/* Splits a line into commands at ';' (outside quotes) and '#' starts a
 * comment: calls fn for each non-empty command; stops at the first non-zero
 * return and returns it. */
int split_commands(const char *line, int (*fn)(void *arg, const char *cmd), void *arg);

/* A number: 0x hex, 0b binary, decimal; -1 when not one, or when it does
 * not fit 64 bits. */
int parse_number(const char *s, uint64_t *out);

/* A value for a field: a number, or names from the field's value decoder
 * (an enum name, or bit names joined by '|' or ','), case-insensitive.
 * -1 with a message in err. */
int parse_field_value(const char *s, const struct vlp_names *names, uint64_t *out, char *err,
		      size_t errlen);

/* A bit of a names table by name, case-insensitive, with or without the
 * prefixes given (e.g. "VIRTIO_F_", "VIRTIO_NET_F_"): the bit or -1. */
int lookup_bit(const struct vlp_names *names, const char *name);

/* A feature bit by name for a device type ("VIRTIO_F_VERSION_1",
 * "VERSION_1", "NET_F_MAC", "MAC", "bit32", "32"): the bit or -1. */
int parse_feature(unsigned device_type, const char *name);

/* setpci's register syntax: "OFF[.B|.W|.L]" with OFF hex (setpci reads
 * hex without 0x) or a header register name ("COMMAND", "STATUS.W"); with
 * want_value, "=VALUE" must follow.  -1 with a message in err. */
struct cfg_access {
	unsigned offset, width;
	bool has_value;
	uint32_t value;
};
int parse_cfg_access(const char *s, bool want_value, struct cfg_access *out, char *err, size_t errlen);

/* An access width: 1, 2, 4, or b, w, l (setpci's letters). */
int parse_width(const char *s, unsigned *out);

#endif
