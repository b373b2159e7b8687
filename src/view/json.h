/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small streaming JSON writer: keeps commas and nesting right so the
 * printer only states keys and values. */
#ifndef VLP_JSON_H
#define VLP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no member written yet at this depth */
	bool pretty;
};

void json_init(struct json *j, FILE *f, bool pretty);
void json_begin_object(struct json *j, const char *key); /* key NULL inside arrays / at top */
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_string(struct json *j, const char *key, const char *s); /* NULL -> null */
void json_null(struct json *j, const char *key);
void json_real(struct json *j, const char *key, double v); /* %.3f, null when not finite */
/* The length of the well-formed UTF-8 sequence starting at s (1-4), 0 when
 * the byte at s starts none; every writer of text from input uses it. */
size_t utf8_sequence(const char *s);

#endif
