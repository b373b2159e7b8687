/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: the library context, errors and what every topic shares.  Part of <vlp.h>. */
#ifndef VLP_BASE_H
#define VLP_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VLP_VERSION "0.1.0"

/* Public symbols are exported from the shared library; everything else in
 * it is hidden (built with -fvisibility=hidden). */
#define VLP_API __attribute__((visibility("default")))
/* ------------------------------------------------------------------ */
/* Context                                                             */
/* ------------------------------------------------------------------ */

struct vlp_ctx;

VLP_API int vlp_ctx_new(struct vlp_ctx **out);
VLP_API void vlp_ctx_free(struct vlp_ctx *ctx);
/* Message of the last failure ("" if none).  Valid until the next call. */
VLP_API const char *vlp_ctx_error(const struct vlp_ctx *ctx);

/* Names from the PCI ID database (pci.ids, through libpci).  Return buf, or
 * NULL when the database has no entry (the caller prints numbers then). */
enum vlp_name_kind {
	VLP_NAME_VENDOR,    /* a = vendor */
	VLP_NAME_DEVICE,    /* a = vendor, b = device */
	VLP_NAME_SUBSYSTEM, /* a = vendor, b = device, c = subvendor, d = subdevice */
	VLP_NAME_CLASS,     /* a = class << 8 | subclass */
};
VLP_API const char *vlp_pci_name(struct vlp_ctx *ctx, enum vlp_name_kind kind, char *buf,
				 size_t len, unsigned a, unsigned b, unsigned c, unsigned d);

/* Names of libpci's access methods available in this build, NULL-terminated
 * iteration: index 0.. until NULL. */
VLP_API const char *vlp_access_method_name(unsigned index);

#ifdef __cplusplus
}
#endif
#endif /* VLP_BASE_H */
