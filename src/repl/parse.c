/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The REPL's command language: splitting, words, values. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

int split_words(const char *cmd, struct words *out, char *err, size_t errlen)
{
	const char *p = cmd;
	char *o = out->buf, *end = out->buf + sizeof(out->buf) - 1;

	out->n = 0;
	for (;;) {
		char quote = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (out->n == REPL_MAX_WORDS) {
			snprintf(err, errlen, "too many words (at most %d)", REPL_MAX_WORDS);
			return -1;
		}
		out->w[out->n++] = o;
		while (*p && (quote || (*p != ' ' && *p != '\t'))) {
			if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p++;
				continue;
			}
			if (quote && *p == quote) {
				quote = 0;
				p++;
				continue;
			}
			if (o == end) {
				snprintf(err, errlen, "line too long (at most %d characters)",
					 REPL_LINE_MAX - 1);
				return -1;
			}
			*o++ = *p++;
		}
		if (quote) {
			snprintf(err, errlen, "unterminated %c quote", quote);
			return -1;
		}
		if (o == end) {
			snprintf(err, errlen, "line too long (at most %d characters)",
				 REPL_LINE_MAX - 1);
			return -1;
		}
		*o++ = '\0';
	}
}

int split_commands(const char *line, int (*fn)(void *arg, const char *cmd), void *arg)
{
	char cmd[REPL_LINE_MAX];
	size_t n = 0;
	char quote = 0;
	int ret;

	for (const char *p = line;; p++) {
		bool end = !*p || (!quote && (*p == ';' || *p == '#' || *p == '\n'));

		if (!end) {
			if (!quote && (*p == '"' || *p == '\''))
				quote = *p;
			else if (quote && *p == quote)
				quote = 0;
			if (n < sizeof(cmd) - 1)
				cmd[n++] = *p;
			continue;
		}
		cmd[n] = '\0';
		/* blank commands are skipped */
		if (strspn(cmd, " \t") != n && (ret = fn(arg, cmd)) != 0)
			return ret;
		n = 0;
		if (!*p)
			return 0;
		if (*p == '#') {
			/* a comment runs to the end of its line */
			p = strchr(p, '\n');
			if (!p)
				return 0;
		}
	}
}

int parse_number(const char *s, uint64_t *out)
{
	char *end;
	int base = 10;
	const char *digits = s;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		digits = s + 2;
	}
	if (!*digits || !isxdigit((unsigned char)*digits))
		return -1;
	errno = 0;
	*out = strtoull(digits, &end, base);
	if (errno || *end)
		return -1;
	return 0;
}

/* The name without "VIRTIO_<TYPE>_F_" style prefixes, for loose matching. */
static const char *bare_name(const char *name)
{
	const char *f = strstr(name, "_F_");

	return f ? f + 3 : name;
}

int lookup_bit(const struct vlp_names *names, const char *name)
{
	if (!names)
		return -1;
	for (size_t i = 0; i < names->count; i++)
		if (!strcasecmp(names->entries[i].name, name))
			return (int)names->entries[i].value;
	for (size_t i = 0; i < names->count; i++)
		if (!strcasecmp(bare_name(names->entries[i].name), bare_name(name)))
			return (int)names->entries[i].value;
	return -1;
}

int parse_feature(unsigned device_type, const char *name)
{
	const struct vlp_names *tables[] = { vlp_device_feature_names(device_type),
					     vlp_transport_feature_names() };
	uint64_t bit;
	int found = -1;

	if (!strncasecmp(name, "bit", 3) && parse_number(name + 3, &bit) == 0)
		return bit < 32 * VLP_FEATURE_WORDS ? (int)bit : -1;
	if (parse_number(name, &bit) == 0)
		return bit < 32 * VLP_FEATURE_WORDS ? (int)bit : -1;
	/* Exact names first, in both tables; then without prefixes. */
	for (size_t t = 0; t < 2 && found < 0; t++)
		for (size_t i = 0; tables[t] && i < tables[t]->count && found < 0; i++)
			if (!strcasecmp(tables[t]->entries[i].name, name))
				found = (int)tables[t]->entries[i].value;
	for (size_t t = 0; t < 2 && found < 0; t++)
		found = lookup_bit(tables[t], name);
	/* The bit must belong to the table that names it for this type. */
	if (found >= 0 && !vlp_feature_name(device_type, (unsigned)found))
		return -1;
	return found;
}

int parse_field_value(const char *s, const struct vlp_names *names, uint64_t *out, char *err,
		      size_t errlen)
{
	char copy[256], *save = NULL, *tok;
	uint64_t v = 0;

	if (parse_number(s, out) == 0)
		return 0;
	if (!names) {
		snprintf(err, errlen, "'%s' is not a number (hex 0x.., binary 0b.., or decimal)", s);
		return -1;
	}
	if (names->kind == VLP_NAMES_ENUM) {
		for (size_t i = 0; i < names->count; i++)
			if (!strcasecmp(names->entries[i].name, s)) {
				*out = names->entries[i].value;
				return 0;
			}
		snprintf(err, errlen, "'%s' is neither a number nor a value name of this field", s);
		return -1;
	}
	snprintf(copy, sizeof(copy), "%s", s);
	for (tok = strtok_r(copy, "|,", &save); tok; tok = strtok_r(NULL, "|,", &save)) {
		int bit = lookup_bit(names, tok);

		if (bit < 0 || bit > 63) {
			snprintf(err, errlen, "'%s' is not a bit name of this field", tok);
			return -1;
		}
		v |= 1ull << bit;
	}
	*out = v;
	return 0;
}

int parse_width(const char *s, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned width;
	} widths[] = { { "1", 1 }, { "2", 2 }, { "4", 4 }, { "b", 1 }, { "w", 2 }, { "l", 4 } };

	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		if (!strcasecmp(s, widths[i].name)) {
			*out = widths[i].width;
			return 0;
		}
	return -1;
}

/* Header registers by setpci's names (PCI Local Bus 3.0, type 0 header). */
static const struct {
	const char *name;
	unsigned offset, width;
} cfg_names[] = {
	{ "VENDOR_ID", 0x00, 2 },      { "DEVICE_ID", 0x02, 2 },
	{ "COMMAND", 0x04, 2 },        { "STATUS", 0x06, 2 },
	{ "REVISION", 0x08, 1 },       { "CLASS_PROG", 0x09, 1 },
	{ "CLASS_DEVICE", 0x0a, 2 },   { "CACHE_LINE_SIZE", 0x0c, 1 },
	{ "LATENCY_TIMER", 0x0d, 1 },  { "HEADER_TYPE", 0x0e, 1 },
	{ "BIST", 0x0f, 1 },           { "BASE_ADDRESS_0", 0x10, 4 },
	{ "BASE_ADDRESS_1", 0x14, 4 }, { "BASE_ADDRESS_2", 0x18, 4 },
	{ "BASE_ADDRESS_3", 0x1c, 4 }, { "BASE_ADDRESS_4", 0x20, 4 },
	{ "BASE_ADDRESS_5", 0x24, 4 }, { "SUBSYSTEM_VENDOR_ID", 0x2c, 2 },
	{ "SUBSYSTEM_ID", 0x2e, 2 },   { "ROM_ADDRESS", 0x30, 4 },
	{ "CAPABILITIES", 0x34, 1 },   { "INTERRUPT_LINE", 0x3c, 1 },
	{ "INTERRUPT_PIN", 0x3d, 1 },
};

int parse_cfg_access(const char *s, bool want_value, struct cfg_access *out, char *err, size_t errlen)
{
	char reg[64], *dot, *eq, *end;
	const char *value = NULL;
	size_t n;
	bool named = false;

	memset(out, 0, sizeof(*out));
	eq = strchr(s, '=');
	n = eq ? (size_t)(eq - s) : strlen(s);
	if (!n || n >= sizeof(reg)) {
		snprintf(err, errlen, "'%s': expected REG[.B|.W|.L]%s", s, want_value ? "=VALUE" : "");
		return -1;
	}
	memcpy(reg, s, n);
	reg[n] = '\0';
	if (eq)
		value = eq + 1;
	dot = strchr(reg, '.');
	if (dot)
		*dot++ = '\0';
	for (size_t i = 0; i < sizeof(cfg_names) / sizeof(cfg_names[0]); i++)
		if (!strcasecmp(reg, cfg_names[i].name)) {
			out->offset = cfg_names[i].offset;
			out->width = cfg_names[i].width;
			named = true;
		}
	if (!named) {
		/* setpci: the register is hex, with or without 0x */
		unsigned long off = strtoul(reg, &end, 16);

		if (end == reg || *end || off >= VLP_CONFIG_MAX) {
			snprintf(err, errlen,
				 "'%s': not a config space offset (hex, below 0x1000) or register name",
				 reg);
			return -1;
		}
		out->offset = (unsigned)off;
		out->width = 4;
		if (!dot) {
			snprintf(err, errlen, "'%s': give the width: %s.B, %s.W or %s.L", reg, reg,
				 reg, reg);
			return -1;
		}
	}
	if (dot && parse_width(dot, &out->width)) {
		snprintf(err, errlen, "'.%s': the width is .B, .W or .L", dot);
		return -1;
	}
	if (out->offset % out->width || out->offset + out->width > VLP_CONFIG_MAX) {
		snprintf(err, errlen, "0x%x: a %u-byte access must be aligned to %u", out->offset,
			 out->width, out->width);
		return -1;
	}
	if (want_value != (value != NULL)) {
		snprintf(err, errlen,
			 want_value ? "'%s': expected REG.W=VALUE" : "'%s': a read takes no value", s);
		return -1;
	}
	if (value) {
		/* setpci: the value is hex too */
		unsigned long long v = strtoull(value, &end, 16);

		if (!*value || *end || v >> (8 * out->width)) {
			snprintf(err, errlen, "'%s': not a hex value of %u bytes", value, out->width);
			return -1;
		}
		out->has_value = true;
		out->value = (uint32_t)v;
	}
	return 0;
}
