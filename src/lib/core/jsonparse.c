/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small bounded JSON reader (RFC 8259), for QEMU's monitor replies.
 * Recursive descent with the depth bounded by VLP_JSON_DEPTH_MAX (so the
 * stack is too), text bounded by VLP_JSON_SIZE_MAX.  Integers are kept
 * exact in 64 bits (QEMU's feature words, addresses); strings keep their
 * UTF-8 and have their escapes decoded.  Errors name the byte offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "internal.h"

struct jp {
	struct vlp_ctx *ctx;
	const char *what;
	const char *t;
	size_t len, pos;
	int err;
};

static int jp_fail(struct jp *p, int err, const char *why)
{
	if (!p->err)
		p->err = vlp_error(p->ctx, err, "%s: JSON at byte %zu: %s", p->what, p->pos, why);
	return p->err;
}

static void jp_ws(struct jp *p)
{
	while (p->pos < p->len && (p->t[p->pos] == ' ' || p->t[p->pos] == '\t' ||
				   p->t[p->pos] == '\n' || p->t[p->pos] == '\r'))
		p->pos++;
}

void vlp_jv_free(struct vlp_jv *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		vlp_jv_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	free(v);
}

static int hex4(struct jp *p, unsigned *out)
{
	unsigned v = 0, i;

	if (p->len - p->pos < 4)
		return jp_fail(p, EINVAL, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		char c = p->t[p->pos + i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return jp_fail(p, EINVAL, "bad \\u escape");
	}
	p->pos += 4;
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t k, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* At the opening quote; *out malloc'd, NUL-terminated. */
static int parse_string(struct jp *p, char **out, size_t *outlen)
{
	size_t start = ++p->pos, n = 0, cap;
	char *o;

	/* the decoded text is never longer than the raw text */
	while (p->pos < p->len && p->t[p->pos] != '"') {
		if (p->t[p->pos] == '\\')
			p->pos++;
		p->pos++;
	}
	if (p->pos >= p->len)
		return jp_fail(p, EINVAL, "unterminated string");
	cap = p->pos - start + 1;
	o = malloc(cap);
	if (!o)
		return jp_fail(p, ENOMEM, "out of memory");
	p->pos = start;
	while (p->t[p->pos] != '"') {
		unsigned char c = (unsigned char)p->t[p->pos];

		if (c < 0x20) {
			free(o);
			return jp_fail(p, EINVAL, "control character in string");
		}
		if (c == '\\') {
			char e = p->t[++p->pos];
			unsigned cp, lo;

			p->pos++;
			switch (e) {
			case '"':
			case '\\':
			case '/':
				o[n++] = e;
				continue;
			case 'b':
				o[n++] = '\b';
				continue;
			case 'f':
				o[n++] = '\f';
				continue;
			case 'n':
				o[n++] = '\n';
				continue;
			case 'r':
				o[n++] = '\r';
				continue;
			case 't':
				o[n++] = '\t';
				continue;
			case 'u':
				break;
			default:
				p->pos--;
				free(o);
				return jp_fail(p, EINVAL, "bad escape in string");
			}
			if (hex4(p, &cp)) {
				free(o);
				return p->err;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->len - p->pos < 6 || p->t[p->pos] != '\\' ||
				    p->t[p->pos + 1] != 'u') {
					free(o);
					return jp_fail(p, EINVAL, "lone surrogate in string");
				}
				p->pos += 2;
				if (hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff) {
					free(o);
					return jp_fail(p, EINVAL, "lone surrogate in string");
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				free(o);
				return jp_fail(p, EINVAL, "lone surrogate in string");
			}
			if (cp == 0) {
				free(o);
				return jp_fail(p, EINVAL, "\\u0000 in string");
			}
			n += put_utf8(o + n, cp);
			continue;
		}
		{
			size_t k = utf8_seq((const unsigned char *)p->t + p->pos, p->len - p->pos);

			if (!k) {
				free(o);
				return jp_fail(p, EINVAL, "invalid UTF-8 in string");
			}
			memcpy(o + n, p->t + p->pos, k);
			n += k;
			p->pos += k;
		}
	}
	p->pos++;
	o[n] = '\0';
	*out = o;
	*outlen = n;
	return 0;
}

static int parse_number(struct jp *p, struct vlp_jv *v)
{
	size_t start = p->pos;
	bool neg = false, integer = true, overflow = false;
	uint64_t mag = 0;
	char buf[64];

	if (p->t[p->pos] == '-') {
		neg = true;
		p->pos++;
	}
	if (p->pos >= p->len || p->t[p->pos] < '0' || p->t[p->pos] > '9')
		return jp_fail(p, EINVAL, "bad number");
	if (p->t[p->pos] == '0' && p->pos + 1 < p->len && p->t[p->pos + 1] >= '0' &&
	    p->t[p->pos + 1] <= '9')
		return jp_fail(p, EINVAL, "leading zero in number");
	while (p->pos < p->len && p->t[p->pos] >= '0' && p->t[p->pos] <= '9') {
		unsigned d = (unsigned)(p->t[p->pos] - '0');

		if (mag > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			mag = mag * 10 + d;
		p->pos++;
	}
	if (p->pos < p->len && p->t[p->pos] == '.') {
		integer = false;
		p->pos++;
		if (p->pos >= p->len || p->t[p->pos] < '0' || p->t[p->pos] > '9')
			return jp_fail(p, EINVAL, "bad number");
		while (p->pos < p->len && p->t[p->pos] >= '0' && p->t[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos < p->len && (p->t[p->pos] == 'e' || p->t[p->pos] == 'E')) {
		integer = false;
		p->pos++;
		if (p->pos < p->len && (p->t[p->pos] == '+' || p->t[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || p->t[p->pos] < '0' || p->t[p->pos] > '9')
			return jp_fail(p, EINVAL, "bad number");
		while (p->pos < p->len && p->t[p->pos] >= '0' && p->t[p->pos] <= '9')
			p->pos++;
	}
	v->type = VLP_JV_NUMBER;
	if (p->pos - start < sizeof(buf)) {
		memcpy(buf, p->t + start, p->pos - start);
		buf[p->pos - start] = '\0';
		v->d = strtod(buf, NULL);
	} else {
		char *copy = malloc(p->pos - start + 1);

		if (!copy)
			return jp_fail(p, ENOMEM, "out of memory");
		memcpy(copy, p->t + start, p->pos - start);
		copy[p->pos - start] = '\0';
		v->d = strtod(copy, NULL);
		free(copy);
	}
	if (integer && !overflow) {
		if (!neg) {
			v->is_u64 = true;
			v->u = mag;
			if (mag <= INT64_MAX) {
				v->is_i64 = true;
				v->i = (int64_t)mag;
			}
		} else if (mag <= (uint64_t)INT64_MAX + 1) {
			v->is_i64 = true;
			v->i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
			if (mag == 0) {
				v->is_u64 = true;
				v->u = 0;
			}
		}
	}
	return 0;
}

static int parse_value(struct jp *p, unsigned depth, struct vlp_jv **out);

static int add_item(struct jp *p, struct vlp_jv *c, size_t *alloc, struct vlp_jv *item, char *key)
{
	if (c->n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 4;
		struct vlp_jv **ni = realloc(c->items, na * sizeof(*ni));

		if (!ni)
			return jp_fail(p, ENOMEM, "out of memory");
		c->items = ni;
		if (c->type == VLP_JV_OBJECT) {
			char **nk = realloc(c->keys, na * sizeof(*nk));

			if (!nk)
				return jp_fail(p, ENOMEM, "out of memory");
			c->keys = nk;
		}
		*alloc = na;
	}
	c->items[c->n] = item;
	if (c->keys)
		c->keys[c->n] = key;
	c->n++;
	return 0;
}

static int parse_container(struct jp *p, unsigned depth, struct vlp_jv *c)
{
	char close = c->type == VLP_JV_OBJECT ? '}' : ']';
	size_t alloc = 0;

	p->pos++;
	jp_ws(p);
	if (p->pos < p->len && p->t[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		struct vlp_jv *item = NULL;
		char *key = NULL;
		size_t klen;

		jp_ws(p);
		if (c->type == VLP_JV_OBJECT) {
			if (p->pos >= p->len || p->t[p->pos] != '"')
				return jp_fail(p, EINVAL, "expected a key string");
			if (parse_string(p, &key, &klen))
				return p->err;
			jp_ws(p);
			if (p->pos >= p->len || p->t[p->pos] != ':') {
				free(key);
				return jp_fail(p, EINVAL, "expected ':'");
			}
			p->pos++;
		}
		if (parse_value(p, depth + 1, &item)) {
			free(key);
			return p->err;
		}
		if (add_item(p, c, &alloc, item, key)) {
			vlp_jv_free(item);
			free(key);
			return p->err;
		}
		jp_ws(p);
		if (p->pos >= p->len)
			return jp_fail(p, EINVAL, "truncated");
		if (p->t[p->pos] == close) {
			p->pos++;
			return 0;
		}
		if (p->t[p->pos] != ',')
			return jp_fail(p, EINVAL,
				       close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		p->pos++;
	}
}

static int literal(struct jp *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->t + p->pos, word, n))
		return jp_fail(p, EINVAL, "unexpected character");
	p->pos += n;
	return 0;
}

static int parse_value(struct jp *p, unsigned depth, struct vlp_jv **out)
{
	struct vlp_jv *v;
	int err = 0;

	jp_ws(p);
	if (p->pos >= p->len)
		return jp_fail(p, EINVAL, "truncated");
	if (depth > VLP_JSON_DEPTH_MAX)
		return jp_fail(p, E2BIG, "nested too deep");
	v = calloc(1, sizeof(*v));
	if (!v)
		return jp_fail(p, ENOMEM, "out of memory");
	switch (p->t[p->pos]) {
	case '{':
		v->type = VLP_JV_OBJECT;
		err = parse_container(p, depth, v);
		break;
	case '[':
		v->type = VLP_JV_ARRAY;
		err = parse_container(p, depth, v);
		break;
	case '"':
		v->type = VLP_JV_STRING;
		err = parse_string(p, &v->s, &v->slen);
		break;
	case 't':
		v->type = VLP_JV_BOOL;
		v->b = true;
		err = literal(p, "true");
		break;
	case 'f':
		v->type = VLP_JV_BOOL;
		err = literal(p, "false");
		break;
	case 'n':
		v->type = VLP_JV_NULL;
		err = literal(p, "null");
		break;
	default:
		if (p->t[p->pos] == '-' || (p->t[p->pos] >= '0' && p->t[p->pos] <= '9'))
			err = parse_number(p, v);
		else
			err = jp_fail(p, EINVAL, "unexpected character");
	}
	if (err) {
		vlp_jv_free(v);
		return err;
	}
	*out = v;
	return 0;
}

int vlp_json_parse(struct vlp_ctx *ctx, const char *what, const char *text, size_t len,
		   struct vlp_jv **out)
{
	struct jp p = { ctx, what ? what : "input", text, len, 0, 0 };
	struct vlp_jv *v = NULL;

	*out = NULL;
	if (len > VLP_JSON_SIZE_MAX)
		return jp_fail(&p, E2BIG, "text too long");
	if (parse_value(&p, 0, &v))
		return p.err;
	jp_ws(&p);
	if (p.pos < p.len) {
		vlp_jv_free(v);
		return jp_fail(&p, EINVAL, "text after the value");
	}
	*out = v;
	return 0;
}

const struct vlp_jv *vlp_jv_get(const struct vlp_jv *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != VLP_JV_OBJECT)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

const struct vlp_jv *vlp_jv_at(const struct vlp_jv *arr, size_t i)
{
	if (!arr || (arr->type != VLP_JV_ARRAY && arr->type != VLP_JV_OBJECT) || i >= arr->n)
		return NULL;
	return arr->items[i];
}

size_t vlp_jv_len(const struct vlp_jv *v)
{
	return v && (v->type == VLP_JV_ARRAY || v->type == VLP_JV_OBJECT) ? v->n : 0;
}

const char *vlp_jv_str(const struct vlp_jv *v)
{
	return v && v->type == VLP_JV_STRING ? v->s : NULL;
}

bool vlp_jv_u64(const struct vlp_jv *v, uint64_t *out)
{
	if (!v || v->type != VLP_JV_NUMBER || !v->is_u64)
		return false;
	*out = v->u;
	return true;
}

bool vlp_jv_i64(const struct vlp_jv *v, int64_t *out)
{
	if (!v || v->type != VLP_JV_NUMBER || !v->is_i64)
		return false;
	*out = v->i;
	return true;
}

bool vlp_jv_bool(const struct vlp_jv *v, bool *out)
{
	if (!v || v->type != VLP_JV_BOOL)
		return false;
	*out = v->b;
	return true;
}

const char *vlp_jv_get_str(const struct vlp_jv *obj, const char *key)
{
	return vlp_jv_str(vlp_jv_get(obj, key));
}

bool vlp_jv_get_u64(const struct vlp_jv *obj, const char *key, uint64_t *out)
{
	return vlp_jv_u64(vlp_jv_get(obj, key), out);
}

bool vlp_jv_get_bool(const struct vlp_jv *obj, const char *key, bool *out)
{
	return vlp_jv_bool(vlp_jv_get(obj, key), out);
}

size_t vlp_json_quote(char *buf, size_t len, const char *s)
{
	size_t n = 0;

#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (n + 1 < len)                                                                   \
			buf[n] = (c);                                                              \
		n++;                                                                               \
	} while (0)
	PUT('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			PUT('\\');
			PUT((char)c);
		} else if (c < 0x20) {
			static const char hex[] = "0123456789abcdef";

			PUT('\\');
			PUT('u');
			PUT('0');
			PUT('0');
			PUT(hex[c >> 4]);
			PUT(hex[c & 15]);
		} else {
			PUT((char)c);
		}
	}
	PUT('"');
#undef PUT
	if (len)
		buf[n < len ? n : len - 1] = '\0';
	return n;
}
