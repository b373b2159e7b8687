/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpci behind a leash.  libpci reports errors through a callback that must
 * not return (its default prints and exits the process), and the callback has
 * no user pointer.  Every call into libpci that can fail is bracketed by
 * VLP_PCILIB_TRY / vlp_pcilib_untry: the installed hook records the message
 * and longjmps back to the TRY, which then returns the error to our caller.
 */
#ifndef VLP_PCILIB_H
#define VLP_PCILIB_H

#include <pci/pci.h>
#include <setjmp.h>
#include <stdbool.h>

#include "internal.h"

struct vlp_pcilib {
	struct pci_access *pacc;
	bool initialised; /* pci_init() done: device access possible */
	jmp_buf jump;
	char message[256]; /* last error or warning from libpci */
};

/* Allocate a libpci handle with our hooks; when init, select the access
 * method (NULL: libpci's auto choice) and pci_init() it. */
int vlp_pcilib_acquire(struct vlp_ctx *ctx, struct vlp_pcilib *h, const char *method, bool init);
void vlp_pcilib_release(struct vlp_pcilib *h);

/* Makes h the target of the error hook.  Internal to the TRY macro. */
void vlp_pcilib_arm(struct vlp_pcilib *h);
/* Leaves the bracket opened by VLP_PCILIB_TRY. */
void vlp_pcilib_untry(struct vlp_pcilib *h);

/* Evaluates to 0 on entry; to non-zero when libpci failed inside the
 * bracket (h->message says why; the bracket is already closed then). */
#define VLP_PCILIB_TRY(h) (vlp_pcilib_arm(h), setjmp((h)->jump))

#endif
