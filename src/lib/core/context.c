/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Library context: its life, and the libpci handle used for names.  The
 * error message it carries is error.c's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pcilib.h"

int vlp_ctx_new(struct vlp_ctx **out)
{
	struct vlp_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return -ENOMEM;
	*out = ctx;
	return 0;
}

void vlp_ctx_free(struct vlp_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->names) {
		vlp_pcilib_release(ctx->names);
		free(ctx->names);
	}
	free(ctx);
}

/* Only the call inside the bracket: nothing here changes after setjmp. */
static const char *lookup(struct vlp_pcilib *h, char *buf, int len, int flags, unsigned a,
			  unsigned b, unsigned c, unsigned d)
{
	const char *name;

	if (VLP_PCILIB_TRY(h))
		return NULL; /* libpci reported an error: treat as unknown */
	name = pci_lookup_name(h->pacc, buf, len, flags, a, b, c, d);
	vlp_pcilib_untry(h);
	return name;
}

const char *vlp_pci_name(struct vlp_ctx *ctx, enum vlp_name_kind kind, char *buf, size_t len,
			 unsigned a, unsigned b, unsigned c, unsigned d)
{
	static const int kind_flags[] = {
		[VLP_NAME_VENDOR] = PCI_LOOKUP_VENDOR,
		[VLP_NAME_DEVICE] = PCI_LOOKUP_DEVICE,
		[VLP_NAME_SUBSYSTEM] = PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
		[VLP_NAME_CLASS] = PCI_LOOKUP_CLASS,
	};

	/* A names-only handle: created on first use, never initialised for
	 * device access, so dump decoding touches no hardware. */
	if (!ctx->names) {
		ctx->names = calloc(1, sizeof(*ctx->names));
		if (!ctx->names)
			return NULL;
	}
	if (!ctx->names->pacc && vlp_pcilib_acquire(ctx, ctx->names, NULL, false) < 0)
		return NULL;
	if ((unsigned)kind >= VLP_ARRAY_SIZE(kind_flags) || len == 0)
		return NULL;
	if (len > INT32_MAX)
		len = INT32_MAX;
	/* pci.ids only: libpci's udev hwdb path leaks a udev handle per
	 * lookup (libpci 3.9) and is slow for thousands of devices. */
	return lookup(ctx->names, buf, (int)len,
		      PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB | kind_flags[kind], a, b, c, d);
}

const char *vlp_access_method_name(unsigned index)
{
	const char *name;

	/* pci_get_method_name returns "" for methods not built in: skip them. */
	for (unsigned i = 0, seen = 0;; i++) {
		name = pci_get_method_name((int)i);
		if (!name)
			return NULL;
		if (!*name)
			continue;
		if (seen++ == index)
			return name;
	}
}
