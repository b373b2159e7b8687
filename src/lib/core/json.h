/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small bounded JSON reader (RFC 8259) for what QEMU's monitor says: a
 * tree of values, numbers kept exact as 64-bit integers when they are
 * integers, strings as UTF-8 (escapes decoded, \u0000 refused), nesting at
 * most VLP_JSON_DEPTH_MAX deep and text at most VLP_JSON_SIZE_MAX bytes.
 * Errors name the byte offset.  Library-internal (core floor).
 */
#ifndef VLP_CORE_JSON_H
#define VLP_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vlp_ctx;

#define VLP_JSON_DEPTH_MAX 64
#define VLP_JSON_SIZE_MAX (16u << 20)

enum vlp_jv_type {
	VLP_JV_NULL,
	VLP_JV_BOOL,
	VLP_JV_NUMBER,
	VLP_JV_STRING,
	VLP_JV_ARRAY,
	VLP_JV_OBJECT,
};

struct vlp_jv {
	enum vlp_jv_type type;
	bool b; /* BOOL */
	/* NUMBER: is_u64 when the text is a non-negative integer that fits,
	 * is_i64 when an integer that fits int64_t; d always (nearest double) */
	bool is_u64, is_i64;
	uint64_t u;
	int64_t i;
	double d;
	char *s; /* STRING: NUL-terminated UTF-8; slen bytes */
	size_t slen;
	/* ARRAY and OBJECT: n items; keys (OBJECT only) beside them */
	struct vlp_jv **items;
	char **keys;
	size_t n;
};

/* Parses exactly one value (whitespace around it allowed) from len bytes
 * of text; what names the input in messages ("NAME: JSON at byte N: why").
 * -EINVAL on bad text, -E2BIG over the limits, -ENOMEM. */
int vlp_json_parse(struct vlp_ctx *ctx, const char *what, const char *text, size_t len,
		   struct vlp_jv **out);
void vlp_jv_free(struct vlp_jv *v);

/* Lookups that tolerate NULL and the wrong type (they return NULL/false). */
const struct vlp_jv *vlp_jv_get(const struct vlp_jv *obj, const char *key);
const struct vlp_jv *vlp_jv_at(const struct vlp_jv *arr, size_t i);
size_t vlp_jv_len(const struct vlp_jv *v); /* items of an array/object, else 0 */
const char *vlp_jv_str(const struct vlp_jv *v);
bool vlp_jv_u64(const struct vlp_jv *v, uint64_t *out);
bool vlp_jv_i64(const struct vlp_jv *v, int64_t *out);
bool vlp_jv_bool(const struct vlp_jv *v, bool *out);
/* obj[key] as a string / u64 / bool: false when absent or not that type. */
const char *vlp_jv_get_str(const struct vlp_jv *obj, const char *key);
bool vlp_jv_get_u64(const struct vlp_jv *obj, const char *key, uint64_t *out);
bool vlp_jv_get_bool(const struct vlp_jv *obj, const char *key, bool *out);

/* Writes s as a JSON string (quotes included) into buf; the length it
 * needs (as snprintf) so a caller can tell truncation. */
size_t vlp_json_quote(char *buf, size_t len, const char *s);

#endif /* VLP_CORE_JSON_H */
