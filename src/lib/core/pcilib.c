/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcilib.h"

/* libpci's hooks carry no user pointer: the armed handle is per thread. */
static _Thread_local struct vlp_pcilib *armed_handle;

__attribute__((format(printf, 2, 0))) static void record(struct vlp_pcilib *h, const char *msg,
							 va_list ap)
{
	vsnprintf(h->message, sizeof(h->message), msg, ap);
}

/* Declared noreturn to match libpci's hook type. */
__attribute__((noreturn, format(printf, 1, 2))) static void hook_error(char *msg, ...)
{
	struct vlp_pcilib *h = armed_handle;
	va_list ap;

	if (!h)
		abort(); /* libpci failed outside a bracket: a bug of ours */
	va_start(ap, msg);
	record(h, msg, ap);
	va_end(ap);
	armed_handle = NULL;
	longjmp(h->jump, 1);
}

__attribute__((format(printf, 1, 2))) static void hook_warning(char *msg, ...)
{
	struct vlp_pcilib *h = armed_handle;
	va_list ap;

	/* Warnings (e.g. "Unable to load libkmod resources") are not fatal
	 * and must not reach the terminal from a library: keep the last. */
	if (!h)
		return;
	va_start(ap, msg);
	record(h, msg, ap);
	va_end(ap);
}

static void hook_debug(char *msg, ...)
{
	(void)msg;
}

void vlp_pcilib_arm(struct vlp_pcilib *h)
{
	armed_handle = h;
}

void vlp_pcilib_untry(struct vlp_pcilib *h)
{
	(void)h;
	armed_handle = NULL;
}

int vlp_pcilib_acquire(struct vlp_ctx *ctx, struct vlp_pcilib *h, const char *method, bool init)
{
	struct pci_access *pacc;
	int index;

	memset(h, 0, sizeof(*h));
	pacc = pci_alloc();
	if (!pacc)
		return vlp_error(ctx, ENOMEM, "libpci: out of memory");
	pacc->error = hook_error;
	pacc->warning = hook_warning;
	pacc->debug = hook_debug;
	h->pacc = pacc;
	if (method) {
		index = pci_lookup_method((char *)method);
		if (index < 0) {
			vlp_pcilib_release(h);
			return vlp_error(ctx, EINVAL,
					 "unknown access method '%s' (-A help lists them)", method);
		}
		pacc->method = (unsigned)index;
	}
	if (!init)
		return 0;
	if (VLP_PCILIB_TRY(h)) {
		int err = vlp_error(ctx, EIO, "libpci: %s", h->message);

		pci_cleanup(h->pacc);
		h->pacc = NULL;
		return err;
	}
	pci_init(pacc);
	vlp_pcilib_untry(h);
	h->initialised = true;
	return 0;
}

void vlp_pcilib_release(struct vlp_pcilib *h)
{
	if (!h->pacc)
		return;
	/* pci_cleanup can report errors too; swallow them. */
	if (VLP_PCILIB_TRY(h)) {
		h->pacc = NULL;
		return;
	}
	pci_cleanup(h->pacc);
	vlp_pcilib_untry(h);
	h->pacc = NULL;
}
