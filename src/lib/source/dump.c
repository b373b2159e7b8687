/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dump reader: turns lspci -x/-xxx/-xxxx output (with or without -v text),
 * raw binary config space, xxd and hexdump -C output into devices, one at a
 * time, so memory stays flat however many devices the input holds.
 *
 * The input is read in chunks into a buffer the reader owns: format detection
 * looks at that buffer instead of seeking, so standard input and pipes work.
 * Lines are copied into a fixed-size buffer; a longer line keeps only its
 * start (data lines are short, so an over-long line is text or garbage).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Overridable so that a fuzzing build can make lines straddle chunks. */
#ifndef DUMP_CHUNK
#define DUMP_CHUNK (64u * 1024u)
#endif
#define DUMP_LINE_MAX 1024u
#define DUMP_SNIFF_BYTES 64u /* bytes looked at to tell binary from text */
_Static_assert(DUMP_CHUNK >= DUMP_SNIFF_BYTES, "the first chunk must hold the sniffed bytes");
#define DUMP_RAW_COUNT_MAX (1u << 20) /* raw input is counted this far for messages */
#define DUMP_LSPCI_LINE_BYTES 16u

struct vlp_dump_reader {
	struct vlp_ctx *ctx;
	FILE *stream;
	bool owns_stream;
	char *name;
	enum vlp_dump_format fmt; /* VLP_FORMAT_AUTO until detected */
	bool started;             /* first chunk read and sniffed */
	bool raw_done;            /* raw: the one device was returned */
	unsigned long devices;    /* devices returned so far */
	int error;                /* sticky: once failed, always failed */

	unsigned char *buf; /* input chunk */
	size_t pos, len;
	bool eof;

	char line[DUMP_LINE_MAX + 1]; /* current line, NUL-terminated */
	size_t line_len;
	bool line_truncated;
	unsigned long lineno;

	struct vlp_device *dev; /* device being assembled */

	/* xxd and hexdump -C: '*' repeats the previous data line. */
	bool star_pending;
	unsigned prev_off, prev_len;
};

static const char *const format_names[] = {
	[VLP_FORMAT_AUTO] = "auto", [VLP_FORMAT_LSPCI] = "lspci",     [VLP_FORMAT_RAW] = "raw",
	[VLP_FORMAT_XXD] = "xxd",   [VLP_FORMAT_HEXDUMP] = "hexdump",
};

int vlp_dump_format_parse(const char *name, enum vlp_dump_format *out)
{
	unsigned i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < VLP_ARRAY_SIZE(format_names); i++) {
		if (strcmp(name, format_names[i]) == 0) {
			if (out)
				*out = (enum vlp_dump_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *vlp_dump_format_name(enum vlp_dump_format fmt)
{
	if ((unsigned)fmt >= VLP_ARRAY_SIZE(format_names))
		return "unknown";
	return format_names[fmt];
}

/* ------------------------------------------------------------------ */
/* Hex digits                                                          */
/* ------------------------------------------------------------------ */

/* Digit value plus one; 0 marks a character that is not a hex digit. */
static const uint8_t hex_plus_one[256] = {
	['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static inline bool is_hex(char c)
{
	return hex_plus_one[(unsigned char)c] != 0;
}

static inline unsigned hex_value(char c)
{
	return hex_plus_one[(unsigned char)c] - 1u;
}

/* Length of the run of hex digits at p (stops at end). */
static size_t hex_run(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && is_hex(*q))
		q++;
	return (size_t)(q - p);
}

/* Value of n hex digits; saturates at UINT32_MAX so long runs cannot wrap. */
static uint32_t hex_number(const char *p, size_t n)
{
	uint64_t v = 0;

	while (n--) {
		v = v << 4 | hex_value(*p++);
		if (v > UINT32_MAX)
			return UINT32_MAX;
	}
	return (uint32_t)v;
}

/* ------------------------------------------------------------------ */
/* Errors and input                                                    */
/* ------------------------------------------------------------------ */

static int fail(struct vlp_dump_reader *r, int ret)
{
	r->error = ret;
	return ret;
}

/* "name:line: problem", -EINVAL. */
__attribute__((format(printf, 2, 3))) static int line_error(struct vlp_dump_reader *r,
							    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(r, vlp_error(r->ctx, EINVAL, "%s:%lu: %s", r->name, r->lineno, msg));
}

static int out_of_memory(struct vlp_dump_reader *r)
{
	return fail(r, vlp_error(r->ctx, ENOMEM, "%s: out of memory", r->name));
}

static int fill(struct vlp_dump_reader *r)
{
	size_t n;

	r->pos = 0;
	r->len = 0;
	if (r->eof)
		return 0;
	errno = 0;
	n = fread(r->buf, 1, DUMP_CHUNK, r->stream);
	r->len = n;
	if (n < DUMP_CHUNK) {
		if (ferror(r->stream)) {
			int err = errno ? errno : EIO;

			return fail(r, vlp_error(r->ctx, err, "%s: %s", r->name, strerror(err)));
		}
		r->eof = true;
	}
	return 0;
}

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Next line into r->line without its newline and trailing blanks.
 * 1: a line; 0: end of input; <0: read error. */
static int read_line(struct vlp_dump_reader *r)
{
	size_t kept = 0;
	bool truncated = false, any = false;
	int ret;

	for (;;) {
		const unsigned char *start, *nl;
		size_t avail, take, copy;

		if (r->pos == r->len) {
			if (r->eof)
				break;
			ret = fill(r);
			if (ret < 0)
				return ret;
			continue;
		}
		start = r->buf + r->pos;
		avail = r->len - r->pos;
		nl = memchr(start, '\n', avail);
		take = nl ? (size_t)(nl - start) : avail;
		any = true;
		copy = take < DUMP_LINE_MAX - kept ? take : DUMP_LINE_MAX - kept;
		memcpy(r->line + kept, start, copy);
		kept += copy;
		if (copy < take)
			truncated = true;
		r->pos += take;
		if (nl) {
			r->pos++;
			break;
		}
	}
	if (!any)
		return 0;
	r->lineno++;
	if (!truncated)
		while (kept > 0 && is_blank_char(r->line[kept - 1]))
			kept--;
	/* A UTF-8 byte order mark some editors add. */
	if (r->lineno == 1 && kept >= 3 && memcmp(r->line, "\xef\xbb\xbf", 3) == 0) {
		memmove(r->line, r->line + 3, kept - 3);
		kept -= 3;
	}
	r->line[kept] = '\0';
	r->line_len = kept;
	r->line_truncated = truncated;
	return 1;
}

static bool line_is_blank(const struct vlp_dump_reader *r)
{
	size_t i;

	for (i = 0; i < r->line_len; i++)
		if (!is_blank_char(r->line[i]))
			return false;
	return true;
}

static bool line_is_comment(const struct vlp_dump_reader *r)
{
	return r->line_len > 0 && r->line[0] == '#';
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

static bool any_valid(const struct vlp_device *dev, unsigned off, unsigned len)
{
	unsigned i;

	for (i = off; i < off + len; i++)
		if (dev->valid[i / 8] & (1u << (i % 8)))
			return true;
	return false;
}

static struct vlp_device *new_dump_device(void)
{
	struct vlp_device *dev = vlp_device_alloc();

	if (dev) {
		dev->origin = VLP_ORIGIN_DUMP;
		dev->limit = VLP_LIMIT_DUMP;
	}
	return dev;
}

/* Hand the assembled device to the caller.  The dump holds all of config
 * space only when every byte up to the size is there; a 64-byte dump never
 * does (every function has at least 256 bytes). */
static void take_device(struct vlp_dump_reader *r, struct vlp_device **out)
{
	struct vlp_device *dev = r->dev;
	unsigned size = dev->config_size;
	bool complete = size >= VLP_CONFIG_LEGACY && size <= VLP_CONFIG_MAX;
	unsigned i;

	for (i = 0; complete && i < size / 8; i++)
		if (dev->valid[i] != 0xff)
			complete = false;
	dev->limit = complete ? VLP_LIMIT_NONE : VLP_LIMIT_DUMP;
	*out = dev;
	r->dev = NULL;
	r->devices++;
}

/* Store bytes read from one line, refusing to overwrite earlier ones. */
static int store_bytes(struct vlp_dump_reader *r, uint32_t off, const uint8_t *bytes, unsigned n)
{
	if (off >= VLP_CONFIG_MAX || n > VLP_CONFIG_MAX - off)
		return line_error(r, "offset %x outside %u-byte config space", off, VLP_CONFIG_MAX);
	if (any_valid(r->dev, off, n))
		return line_error(r, "duplicate offset %x", off);
	vlp_device_set_bytes(r->dev, off, bytes, n);
	return 0;
}

/* ------------------------------------------------------------------ */
/* lspci                                                               */
/* ------------------------------------------------------------------ */

enum slot_match { SLOT_NONE, SLOT_OK, SLOT_BAD };

/* A device header: "bb:dd.f " or "dddd:bb:dd.f " at column 0, the domain
 * being 4 to 8 hex digits (VMD domains have 5). */
static enum slot_match parse_slot(const char *p, const char *end, struct vlp_slot *slot,
				  const char **why)
{
	size_t n = hex_run(p, end);
	uint32_t domain = 0;
	unsigned dev, func;

	if (n >= 4 && n <= 8 && p + n < end && p[n] == ':') {
		domain = hex_number(p, n);
		p += n + 1;
		n = hex_run(p, end);
	}
	if (n != 2 || end - p < 7 || p[2] != ':' || hex_run(p + 3, end) != 2 || p[5] != '.' ||
	    hex_run(p + 6, end) != 1)
		return SLOT_NONE;
	if (p + 7 < end && p[7] != ' ' && p[7] != '\t')
		return SLOT_NONE;
	dev = hex_value(p[3]) << 4 | hex_value(p[4]);
	func = hex_value(p[6]);
	if (domain > INT32_MAX)
		*why = "domain above 7fffffff";
	else if (dev > 0x1f)
		*why = "device above 1f";
	else if (func > 7)
		*why = "function above 7";
	else
		*why = NULL;
	if (*why)
		return SLOT_BAD;
	slot->domain = (int)domain;
	slot->bus = (uint8_t)(hex_value(p[0]) << 4 | hex_value(p[1]));
	slot->dev = (uint8_t)dev;
	slot->func = (uint8_t)func;
	return SLOT_OK;
}

/* "hh: " or "hhh: " (lspci prints 2 digits below 0x100, 3 above);
 * min_digits lets format detection be stricter than parsing. */
static bool is_lspci_data_line(const char *p, const char *end, size_t min_digits, size_t max_digits)
{
	size_t n = hex_run(p, end);

	if (n < min_digits || n > max_digits || p + n >= end || p[n] != ':')
		return false;
	return p + n + 1 == end || p[n + 1] == ' ';
}

static int lspci_data_line(struct vlp_dump_reader *r)
{
	const char *p = r->line, *end = r->line + r->line_len;
	uint8_t bytes[DUMP_LSPCI_LINE_BYTES];
	size_t digits = hex_run(p, end);
	uint32_t off = hex_number(p, digits);
	unsigned n = 0;

	if (!r->dev)
		return line_error(r, "hex data line outside a device (no slot line before it)");
	if (r->line_truncated)
		return line_error(r, "malformed hex data line");
	if (off >= VLP_CONFIG_MAX)
		return line_error(r, "offset %.*s outside %u-byte config space",
				  (int)(digits < 16 ? digits : 16), p, VLP_CONFIG_MAX);
	if (off % 16)
		return line_error(r, "offset %.*s is not a multiple of 16",
				  (int)(digits < 16 ? digits : 16), p);
	p += digits + 1;
	/* " hh" repeated, nothing else. */
	while (p < end) {
		size_t run;

		if (*p != ' ')
			return line_error(r, "malformed hex data line");
		p++;
		run = hex_run(p, end);
		if (run > 2 && hex_number(p, run) > 0xff)
			return line_error(r, "byte value %.*s out of range (above ff)",
					  (int)(run < 16 ? run : 16), p);
		if (run != 2 || n == DUMP_LSPCI_LINE_BYTES)
			return line_error(r, "malformed hex data line");
		bytes[n++] = (uint8_t)(hex_value(p[0]) << 4 | hex_value(p[1]));
		p += 2;
	}
	if (n == 0)
		return line_error(r, "malformed hex data line");
	return store_bytes(r, off, bytes, n);
}

/* "[size=512K]" as lspci prints it: a number and an optional binary suffix. */
static bool parse_lspci_size(const char *p, const char *end, uint64_t *size)
{
	static const char suffixes[] = "KMGT";
	const char *s;
	uint64_t v = 0;
	unsigned shift = 0;

	if (p == end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (p < end && *p != ']') {
		s = *p ? strchr(suffixes, *p) : NULL;
		if (!s)
			return false;
		shift = 10u * (unsigned)(s - suffixes + 1);
		p++;
	}
	if (p == end || *p != ']' || v == 0 || v > UINT64_MAX >> shift)
		return false;
	*size = v << shift;
	return true;
}

/* The -v text lspci prints that the decoder can use; everything else in a
 * device block (and any unknown line) is ignored. */
static void lspci_text_line(struct vlp_dump_reader *r)
{
	static const char region[] = "\tRegion ";
	static const char driver[] = "\tKernel driver in use: ";
	const char *end = r->line + r->line_len;

	if (r->line_len > sizeof(region) && memcmp(r->line, region, sizeof(region) - 1) == 0) {
		const char *p = r->line + sizeof(region) - 1;
		const char *size_at;
		unsigned bar;
		uint64_t size;

		if (p[0] < '0' || p[0] > '9' || p[1] != ':')
			return;
		bar = (unsigned)(p[0] - '0');
		size_at = memmem(p, (size_t)(end - p), "[size=", 6);
		if (bar < VLP_NUM_BARS && size_at && parse_lspci_size(size_at + 6, end, &size))
			r->dev->bar_size[bar] = size;
	} else if (r->line_len > sizeof(driver) - 1 &&
		   memcmp(r->line, driver, sizeof(driver) - 1) == 0) {
		vlp_device_set_driver(r->dev, r->line + sizeof(driver) - 1);
	}
}

/* 1: a device is complete; 0: keep reading; <0: error. */
static int lspci_line(struct vlp_dump_reader *r, struct vlp_device **out)
{
	const char *p = r->line, *end = r->line + r->line_len;
	struct vlp_slot slot = { 0 };
	const char *why;

	if (line_is_blank(r)) {
		if (!r->dev)
			return 0;
		take_device(r, out);
		return 1;
	}
	switch (parse_slot(p, end, &slot, &why)) {
	case SLOT_BAD: {
		size_t len = strcspn(p, " \t");

		return line_error(r, "invalid slot %.*s (%s)", (int)(len < 20 ? len : 20), p, why);
	}
	case SLOT_OK: {
		struct vlp_device *dev = new_dump_device();
		int ret = 0;

		if (!dev)
			return out_of_memory(r);
		dev->slot = slot;
		if (r->dev) {
			take_device(r, out);
			ret = 1;
		}
		r->dev = dev;
		return ret;
	}
	case SLOT_NONE:
		break;
	}
	if (is_lspci_data_line(p, end, 2, SIZE_MAX))
		return lspci_data_line(r);
	if (r->dev && p[0] == '\t')
		lspci_text_line(r);
	return 0;
}

/* ------------------------------------------------------------------ */
/* xxd and hexdump -C                                                  */
/* ------------------------------------------------------------------ */

/* "00000000: f41a 4110 ...  ASCII" (also -g1 and other group sizes): the
 * hex part ends at two spaces, so the ASCII column may hold anything. */
static int parse_xxd_line(struct vlp_dump_reader *r, uint32_t *off, uint8_t *bytes, unsigned *n)
{
	const char *p = r->line, *end = r->line + r->line_len;
	size_t digits = hex_run(p, end);

	if (digits < 8 || end - p < (ptrdiff_t)digits + 2 || p[digits] != ':' || p[digits + 1] != ' ')
		return line_error(r, "malformed xxd line");
	*off = hex_number(p, digits);
	*n = 0;
	p += digits + 2;
	for (;;) {
		size_t run = hex_run(p, end), i;

		if (run == 0 || run % 2)
			return line_error(r, "malformed xxd line");
		for (i = 0; i < run; i += 2) {
			if (*n == VLP_CONFIG_MAX)
				return line_error(r, "malformed xxd line");
			bytes[(*n)++] = (uint8_t)(hex_value(p[i]) << 4 | hex_value(p[i + 1]));
		}
		p += run;
		if (p == end || (*p == ' ' && (p + 1 == end || p[1] == ' ')))
			return 0;
		if (*p != ' ')
			return line_error(r, "malformed xxd line");
		p++;
	}
}

/* "00000090  00 00 ... 00  00 ... 00  |................|", or just the
 * offset (the total length, on the last line). */
static int parse_hexdump_line(struct vlp_dump_reader *r, uint32_t *off, uint8_t *bytes, unsigned *n)
{
	const char *p = r->line, *end = r->line + r->line_len;
	size_t digits = hex_run(p, end);

	if (digits < 8 || (p + digits < end && p[digits] != ' '))
		return line_error(r, "malformed hexdump line");
	*off = hex_number(p, digits);
	*n = 0;
	p += digits;
	while (p < end) {
		size_t spaces = 0, run;

		while (p < end && *p == ' ') {
			p++;
			spaces++;
		}
		if (p == end || *p == '|')
			return 0;
		run = hex_run(p, end);
		if (spaces == 0 || run != 2 || *n == 16)
			return line_error(r, "malformed hexdump line");
		bytes[(*n)++] = (uint8_t)(hex_value(p[0]) << 4 | hex_value(p[1]));
		p += 2;
	}
	return 0;
}

/* Bytes from the end of the line before '*' up to off repeat that line. */
static int expand_star(struct vlp_dump_reader *r, uint32_t off)
{
	uint32_t at = r->prev_off + r->prev_len;

	if (off < at)
		return line_error(r, "offset %x after '*' is before the end of the previous line", off);
	if (off > VLP_CONFIG_MAX)
		return line_error(r, "offset %x outside %u-byte config space", off, VLP_CONFIG_MAX);
	while (at < off) {
		unsigned n = off - at < r->prev_len ? off - at : r->prev_len;

		if (any_valid(r->dev, at, n))
			return line_error(r, "duplicate offset %x", at);
		vlp_device_set_bytes(r->dev, at, r->dev->config + r->prev_off, n);
		at += n;
	}
	r->star_pending = false;
	return 0;
}

static int hex_line(struct vlp_dump_reader *r)
{
	uint8_t bytes[VLP_CONFIG_MAX];
	uint32_t off = 0;
	unsigned n = 0;
	int ret;

	if (line_is_blank(r))
		return 0;
	if (r->line_len == 1 && r->line[0] == '*') {
		if (r->prev_len == 0)
			return line_error(r, "'*' without a data line before it");
		r->star_pending = true;
		return 0;
	}
	if (r->fmt == VLP_FORMAT_XXD)
		ret = parse_xxd_line(r, &off, bytes, &n);
	else
		ret = parse_hexdump_line(r, &off, bytes, &n);
	if (ret < 0)
		return ret;
	if (r->line_truncated)
		return line_error(r, "malformed %s line", vlp_dump_format_name(r->fmt));
	if (!r->dev) {
		r->dev = new_dump_device();
		if (!r->dev)
			return out_of_memory(r);
	}
	if (r->star_pending) {
		ret = expand_star(r, off);
		if (ret < 0)
			return ret;
	}
	if (n == 0) {
		if (off > VLP_CONFIG_MAX)
			return line_error(r, "offset %x outside %u-byte config space", off,
					  VLP_CONFIG_MAX);
		return 0;
	}
	ret = store_bytes(r, off, bytes, n);
	if (ret < 0)
		return ret;
	r->prev_off = off;
	r->prev_len = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Raw binary                                                          */
/* ------------------------------------------------------------------ */

static int next_raw(struct vlp_dump_reader *r, struct vlp_device **out)
{
	uint8_t config[VLP_CONFIG_MAX];
	size_t total = 0;
	int ret;

	/* Counted past 4096 only to say how long a wrong input is; bounded so
	 * that an endless stream (/dev/zero) cannot hang the reader. */
	for (;;) {
		size_t avail = r->len - r->pos;

		if (total < VLP_CONFIG_MAX) {
			size_t copy = VLP_CONFIG_MAX - total < avail ? VLP_CONFIG_MAX - total : avail;

			memcpy(config + total, r->buf + r->pos, copy);
		}
		total += avail;
		r->pos = r->len;
		if (r->eof || total > DUMP_RAW_COUNT_MAX)
			break;
		ret = fill(r);
		if (ret < 0)
			return ret;
	}
	if (total == 0)
		return fail(r, vlp_error(r->ctx, EINVAL,
					 "%s: empty input (raw config space must be 64, 256 or 4096 bytes)",
					 r->name));
	if (total > DUMP_RAW_COUNT_MAX)
		return fail(r, vlp_error(r->ctx, EINVAL,
					 "%s: raw config space must be 64, 256 or 4096 bytes, not more than %u",
					 r->name, DUMP_RAW_COUNT_MAX));
	if (total != VLP_CONFIG_HEADER && total != VLP_CONFIG_LEGACY && total != VLP_CONFIG_MAX)
		return fail(r, vlp_error(r->ctx, EINVAL,
					 "%s: raw config space must be 64, 256 or 4096 bytes, not %zu",
					 r->name, total));
	r->dev = new_dump_device();
	if (!r->dev)
		return out_of_memory(r);
	vlp_device_set_bytes(r->dev, 0, config, (unsigned)total);
	take_device(r, out);
	return 1;
}

/* ------------------------------------------------------------------ */
/* Detection and the reader                                            */
/* ------------------------------------------------------------------ */

/* A real config space always has NULs in its header; text never has
 * control characters other than tab, CR and LF. */
static bool looks_binary(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') || p[i] == 0x7f)
			return true;
	return false;
}

static int detect_text_format(struct vlp_dump_reader *r)
{
	const char *p = r->line, *end = r->line + r->line_len;
	size_t digits = hex_run(p, end);
	struct vlp_slot slot;
	const char *why;

	/* lspci run with 2>&1 may start with its own warnings. */
	if (parse_slot(p, end, &slot, &why) != SLOT_NONE || is_lspci_data_line(p, end, 2, 3) ||
	    strncmp(r->line, "lspci: ", 7) == 0 || strncmp(r->line, "pcilib: ", 8) == 0)
		r->fmt = VLP_FORMAT_LSPCI;
	else if (digits == 8 && end - p >= 10 && p[8] == ':' && p[9] == ' ')
		r->fmt = VLP_FORMAT_XXD;
	else if (digits == 8 && (end - p == 8 || (end - p >= 10 && p[8] == ' ' && p[9] == ' ')))
		r->fmt = VLP_FORMAT_HEXDUMP;
	else
		return fail(r, vlp_error(r->ctx, EINVAL,
					 "%s: not a recognised dump (expected lspci -x, xxd, hexdump -C or raw binary)",
					 r->name));
	return 0;
}

/* The first fill, and the format sniffed from it when not given. */
static int start_reading(struct vlp_dump_reader *r)
{
	int ret = fill(r);

	if (ret < 0)
		return ret;
	r->started = true;
	if (r->fmt == VLP_FORMAT_AUTO && r->len > 0)
		if (looks_binary(r->buf, r->len < DUMP_SNIFF_BYTES ? r->len : DUMP_SNIFF_BYTES))
			r->fmt = VLP_FORMAT_RAW;
	return 0;
}

/* A dump that holds no device at all is a failed capture, not a system
 * without virtio devices: say which, so that scripts see an error. */
static int no_device(struct vlp_dump_reader *r)
{
	const char *why;

	if (r->lineno == 0)
		why = "empty input";
	else if (r->fmt == VLP_FORMAT_AUTO)
		why = "only blank or comment lines";
	else if (r->fmt == VLP_FORMAT_LSPCI)
		why = "no device header line such as \"00:04.0 ...\"";
	else
		why = r->fmt == VLP_FORMAT_XXD ? "no xxd data line" : "no hexdump data line";
	return fail(r, vlp_error(r->ctx, EINVAL, "%s: no device in the dump (%s)", r->name, why));
}

static int next_text(struct vlp_dump_reader *r, struct vlp_device **out)
{
	int ret;

	for (;;) {
		ret = read_line(r);
		if (ret < 0)
			return ret;
		if (ret == 0)
			break;
		if (line_is_comment(r)) {
			/* A snapshot's register reads ride in comment lines,
			 * which lspci -F skips. */
			if (!strncmp(r->line, "# vlp-", 6) &&
			    (ret = vlp_snapshot_dump_line(r->ctx, r->dev, r->devices > 0, r->line,
							  r->name, r->lineno)) < 0)
				return fail(r, ret);
			continue;
		}
		if (r->fmt == VLP_FORMAT_AUTO) {
			if (line_is_blank(r))
				continue;
			ret = detect_text_format(r);
			if (ret < 0)
				return ret;
		}
		if (r->fmt == VLP_FORMAT_LSPCI)
			ret = lspci_line(r, out);
		else
			ret = hex_line(r);
		if (ret != 0)
			return ret;
	}
	/* End of input ends the last device. */
	if (r->star_pending)
		return line_error(r, "'*' not followed by an offset line");
	if (r->dev && r->fmt != VLP_FORMAT_LSPCI && !any_valid(r->dev, 0, VLP_CONFIG_MAX)) {
		/* Only a length line: nothing was dumped. */
		vlp_device_free(r->dev);
		r->dev = NULL;
	}
	if (!r->dev)
		return r->devices ? 0 : no_device(r);
	take_device(r, out);
	return 1;
}

int vlp_dump_reader_open_stream(struct vlp_ctx *ctx, FILE *stream, const char *name,
				enum vlp_dump_format fmt, struct vlp_dump_reader **out)
{
	struct vlp_dump_reader *r;

	*out = NULL;
	if (!name)
		name = "<stream>";
	else if (strcmp(name, "-") == 0)
		name = "<stdin>";
	if ((unsigned)fmt >= VLP_ARRAY_SIZE(format_names))
		return vlp_error(ctx, EINVAL, "%s: unknown dump format %d", name, (int)fmt);
	r = calloc(1, sizeof(*r));
	if (!r)
		return vlp_error(ctx, ENOMEM, "%s: out of memory", name);
	r->name = strdup(name);
	r->buf = malloc(DUMP_CHUNK);
	if (!r->name || !r->buf) {
		free(r->name);
		free(r->buf);
		free(r);
		return vlp_error(ctx, ENOMEM, "%s: out of memory", name);
	}
	r->ctx = ctx;
	r->stream = stream;
	r->fmt = fmt;
	*out = r;
	return 0;
}

int vlp_dump_reader_open(struct vlp_ctx *ctx, const char *path, enum vlp_dump_format fmt,
			 struct vlp_dump_reader **out)
{
	bool is_stdin;
	FILE *stream;
	int ret;

	*out = NULL;
	if (!path)
		return vlp_error(ctx, EINVAL, "no dump file given");
	is_stdin = strcmp(path, "-") == 0;
	stream = is_stdin ? stdin : fopen(path, "re");
	if (!stream) {
		int err = errno;

		return vlp_error(ctx, err, "%s: %s", path, strerror(err));
	}
	ret = vlp_dump_reader_open_stream(ctx, stream, path, fmt, out);
	if (ret < 0) {
		if (!is_stdin)
			fclose(stream);
		return ret;
	}
	(*out)->owns_stream = !is_stdin;
	return 0;
}

int vlp_dump_reader_next(struct vlp_dump_reader *r, struct vlp_device **out)
{
	int ret;

	*out = NULL;
	if (r->error)
		return r->error;
	if (!r->started) {
		ret = start_reading(r);
		if (ret < 0)
			return ret;
	}
	if (r->fmt == VLP_FORMAT_RAW) {
		/* The whole stream is one device. */
		if (r->raw_done)
			return 0;
		r->raw_done = true;
		return next_raw(r, out);
	}
	return next_text(r, out);
}

void vlp_dump_reader_close(struct vlp_dump_reader *r)
{
	if (!r)
		return;
	if (r->dev)
		vlp_device_free(r->dev);
	if (r->owns_stream)
		fclose(r->stream);
	free(r->buf);
	free(r->name);
	free(r);
}
