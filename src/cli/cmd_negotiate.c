/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --negotiate: which offered feature bits a device insists on, and which
 * it will not take (the library's probe, vlp_negotiate), per slot asked
 * for.  Writes only to a live device without a bound driver (or with
 * --force); every refusal is one line on stderr and exit 1. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"

static const char *common_field_at(const struct cli_dry *d, unsigned bar, uint64_t off)
{
	if (!d->has_common || d->common.bar != bar || off < d->common.base)
		return NULL;
	for (size_t i = 0; i < d->common.table->count; i++)
		if (d->common.base + d->common.table->fields[i].offset == off)
			return d->common.table->fields[i].name;
	return NULL;
}

/* --dry-run: each write, in order (a selector a read needed is made and
 * put back, and says so). */
void cli_dry_write(void *arg, const struct vlp_access_event *ev)
{
	const struct cli_dry *d = arg;
	const char *name;

	if (ev->kind == VLP_EVENT_CONFIG_WRITE) {
		printf("  %s config 0x%03" PRIx64 " %-18s <- 0x%0*" PRIx32 "\n",
		       ev->dry_run ? "would write" : "write", ev->offset, "", (int)ev->width * 2,
		       ev->value);
		return;
	}
	if (ev->kind != VLP_EVENT_BAR_WRITE)
		return;
	name = common_field_at(d, ev->bar, ev->offset);
	printf("  %s BAR%u+0x%04" PRIx64 " %-22s <- 0x%0*" PRIx32 "%s\n",
	       ev->dry_run ? "would write" : "write", ev->bar, ev->offset, name ? name : "",
	       (int)ev->width * 2, ev->value, ev->internal ? " (selector, put back after)" : "");
}

/* Names the writes by the common configuration, and traces them. */
void cli_dry_begin(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		   struct cli_dry *d)
{
	d->has_common = vlp_block_find(ctx, l, VLP_BLOCK_COMMON, &d->common) == 0;
	vlp_device_set_trace(dev, cli_dry_write, d);
}

static void text_bits(const char *label, const uint32_t w[VLP_FEATURE_WORDS], unsigned type)
{
	bool any = false;

	printf("  %s:", label);
	for (unsigned b = 0; b < VLP_FEATURE_WORDS * 32; b++) {
		const char *name = vlp_feature_name(type, b);

		if (!vlp_feature_on(w, b))
			continue;
		printf("%s %u%s%s", any ? "," : "", b, name ? " " : "", name ? name : "");
		any = true;
	}
	printf("%s\n", any ? "" : " none");
}

static void text_report(const char *slot, const struct vlp_layout *l,
			const struct vlp_negotiate_result *r)
{
	unsigned type = (unsigned)l->virtio.device_type.value;
	char title[160];

	format_device_title(title, sizeof(title), l);
	printf("%s %s\n", slot, title);
	text_bits("offered", r->offered, type);
	if (!r->any_accepted) {
		printf("  refuses every candidate tried (all offered bits, VIRTIO_F_VERSION_1 alone, none): no answer\n");
	} else {
		bool any = false;

		for (unsigned b = 0; b < VLP_FEATURE_WORDS * 32; b++) {
			const char *name = vlp_feature_name(type, b);

			if (!vlp_feature_on(r->required, b))
				continue;
			printf("  requires bit %u%s%s\n", b, name ? " " : "", name ? name : "");
			any = true;
		}
		if (!any)
			printf("  requires: nothing (FEATURES_OK kept without any one offered bit)\n");
		text_bits("rejects", r->rejected, type);
	}
	printf("  resets: %u (%u candidate feature sets, then a final reset; device_status read back 0)\n",
	       r->resets, r->tries);
}

static void json_bits(struct json *j, const char *key, const uint32_t w[VLP_FEATURE_WORDS], unsigned type)
{
	json_begin_array(j, key);
	for (unsigned b = 0; b < VLP_FEATURE_WORDS * 32; b++) {
		if (!vlp_feature_on(w, b))
			continue;
		json_begin_object(j, NULL);
		json_uint(j, "bit", b);
		json_string(j, "name", vlp_feature_name(type, b));
		json_end_object(j);
	}
	json_end_array(j);
}

static void json_report(struct json *j, const char *slot, const struct vlp_layout *l,
			const struct vlp_negotiate_result *r)
{
	unsigned type = (unsigned)l->virtio.device_type.value;

	json_begin_object(j, NULL);
	json_string(j, "slot", slot);
	json_bits(j, "offered", r->offered, type);
	json_bits(j, "required", r->required, type);
	json_bits(j, "rejected", r->rejected, type);
	json_bool(j, "any_accepted", r->any_accepted);
	json_uint(j, "resets", r->resets);
	json_bool(j, "left_reset", r->left_reset);
	json_end_object(j);
}

/* Refuses before any write; EXIT_OK when the probe ran. */
static int negotiate_one(void *arg, struct vlp_ctx *ctx, const struct options *o,
			 struct vlp_device *dev, struct json *j)
{
	struct vlp_negotiate_result r;
	struct vlp_layout *l = NULL;
	struct cli_dry d;
	char slot[32];
	int ret = EXIT_RUNTIME;

	(void)arg;
	format_slot(slot, sizeof(slot), vlp_device_slot(dev),
		    o->out.domains || vlp_device_slot(dev)->domain);
	if (vlp_decode(ctx, dev, &l)) {
		fprintf(stderr, PROG ": %s: %s\n", slot, vlp_ctx_error(ctx));
		return EXIT_RUNTIME;
	}
	if (cli_drive_open(ctx, o, dev, l, slot, "--negotiate", "writes to", "(unbind it, or --force)"))
		goto out;
	if (o->dry_run) {
		printf("%s: dry run: the writes of the first candidate (every offered bit), then the final reset\n",
		       slot);
		cli_dry_begin(ctx, dev, l, &d);
	}
	if (vlp_negotiate(ctx, dev, l, &r)) {
		vlp_device_set_trace(dev, NULL, NULL);
		fprintf(stderr, PROG ": %s: --negotiate: %s\n", slot, vlp_ctx_error(ctx));
		goto out;
	}
	vlp_device_set_trace(dev, NULL, NULL);
	ret = EXIT_OK;
	if (j && !o->dry_run)
		json_report(j, slot, l, &r);
	else if (!o->dry_run)
		text_report(slot, l, &r);
out:
	if (o->stats)
		print_access_stats(stderr, dev);
	vlp_layout_free(l);
	return ret;
}

int negotiate_main(struct vlp_ctx *ctx, const struct options *o)
{
	const struct cli_each face = { .json_key = "negotiate", .one = negotiate_one };

	return cli_each_device(ctx, o, &face);
}
