/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device selection with libpci's slot and ID syntax, for live and dump
 * sources alike (libpci's own matcher needs a struct pci_dev). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/pcilib.h"

#define FILTER_MAX 32

struct vlp_filter {
	struct pci_filter slots[FILTER_MAX];
	unsigned nslots;
	struct pci_filter ids[FILTER_MAX];
	unsigned nids;
};

int vlp_filter_new(struct vlp_ctx *ctx, struct vlp_filter **out)
{
	struct vlp_filter *f = calloc(1, sizeof(*f));

	if (!f)
		return vlp_error(ctx, ENOMEM, "out of memory");
	*out = f;
	return 0;
}

void vlp_filter_free(struct vlp_filter *f)
{
	free(f);
}

typedef char *(*parse_fn)(struct pci_filter *, char *);

static int add(struct vlp_ctx *ctx, struct pci_filter *list, unsigned *count, const char *spec,
	       parse_fn parse, const char *what)
{
	char buf[128];
	const char *msg;

	if (*count >= FILTER_MAX)
		return vlp_error(ctx, E2BIG, "too many %s filters (at most %d)", what, FILTER_MAX);
	if (strlen(spec) >= sizeof(buf))
		return vlp_error(ctx, EINVAL, "invalid %s '%s': too long", what, spec);
	strcpy(buf, spec); /* libpci's parsers write into their argument */
	pci_filter_init(NULL, &list[*count]);
	msg = parse(&list[*count], buf);
	if (msg)
		return vlp_error(ctx, EINVAL, "invalid %s '%s': %s", what, spec, msg);
	(*count)++;
	return 0;
}

int vlp_filter_add_slot(struct vlp_ctx *ctx, struct vlp_filter *f, const char *spec)
{
	return add(ctx, f->slots, &f->nslots, spec, pci_filter_parse_slot, "slot");
}

int vlp_filter_add_id(struct vlp_ctx *ctx, struct vlp_filter *f, const char *spec)
{
	return add(ctx, f->ids, &f->nids, spec, pci_filter_parse_id, "device ID");
}

/* -1 in a struct pci_filter field means "any" (libpci's convention). */
static bool field_ok(int want, int have)
{
	return want < 0 || want == have;
}

static bool match_slot(const struct pci_filter *pf, const struct vlp_slot *s)
{
	return field_ok(pf->domain, s->domain) && field_ok(pf->bus, s->bus) &&
	       field_ok(pf->slot, s->dev) && field_ok(pf->func, s->func);
}

static bool match_id(const struct pci_filter *pf, const struct vlp_device *dev)
{
	uint16_t vendor, device;
	uint8_t class_bytes[3];
	unsigned class16;

	/* A criterion on a value we could not read does not match. */
	if (pf->vendor >= 0 && (vlp_cfg_u16(dev, 0x00, &vendor) || vendor != pf->vendor))
		return false;
	if (pf->device >= 0 && (vlp_cfg_u16(dev, 0x02, &device) || device != pf->device))
		return false;
	if (pf->device_class < 0 && pf->prog_if < 0)
		return true;
	if (vlp_device_read_config(dev, 0x09, 3, class_bytes))
		return false;
	class16 = (unsigned)class_bytes[2] << 8 | class_bytes[1];
	if (pf->device_class >= 0 && ((class16 ^ (unsigned)pf->device_class) & pf->device_class_mask))
		return false;
	return field_ok(pf->prog_if, class_bytes[0]);
}

bool vlp_filter_match(const struct vlp_filter *f, const struct vlp_device *dev)
{
	bool slot_ok = f->nslots == 0, id_ok = f->nids == 0;

	/* Criteria of one kind are alternatives; the two kinds must both hold. */
	for (unsigned i = 0; i < f->nslots && !slot_ok; i++)
		slot_ok = match_slot(&f->slots[i], vlp_device_slot(dev));
	for (unsigned i = 0; i < f->nids && !id_ok; i++)
		id_ok = match_id(&f->ids[i], dev);
	return slot_ok && id_ok;
}

bool vlp_filter_match_slot_only(const struct vlp_filter *f, const struct vlp_slot *slot)
{
	bool ok = f->nslots == 0;

	for (unsigned i = 0; i < f->nslots && !ok; i++)
		ok = match_slot(&f->slots[i], slot);
	return ok;
}
