/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: a VM's monitor through libvirt (for hosts where libvirtd owns
 * QEMU's QMP socket), and the running domains.  Part of <vlp.h>. */
#ifndef VLP_LIBVIRT_H
#define VLP_LIBVIRT_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vlp_monitor; /* <vlp/host.h> */

/* true when the library was built with libvirt (pkg-config libvirt-qemu at
 * build time); otherwise every call below fails with -ENOTSUP. */
VLP_API bool vlp_libvirt_built(void);

/* Loads libvirt (libvirt-qemu.so.0, at run time: it is not linked) if not
 * loaded yet: 0, or -ENOTSUP saying why not (not built in, not installed,
 * too old).  The calls below load it themselves; --version asks. */
VLP_API int vlp_libvirt_load(struct vlp_ctx *ctx);

/* What a face says once per domain on first use (at most this long). */
#define VLP_LIBVIRT_NOTE_MAX 256

/* Opens the QEMU monitor of the running domain NAME through libvirt's
 * monitor passthrough (virDomainQemuMonitorCommand, JSON mode) on the
 * connection URI (NULL: libvirt's default, qemu:///system for root).  The
 * monitor passes only the read-only queries (<vlp/host.h>).  libvirt marks
 * a domain it passes monitor commands to as tainted ("custom-monitor"):
 * note (note_size bytes, may be NULL) receives the line to tell the user,
 * saying whether the domain already was.  Errors name the domain: -ENOENT
 * (no such domain), -ESRCH (not running), -ECONNREFUSED (libvirtd not
 * reached), -EACCES (permission), -ENOTSUP (built without libvirt, or a
 * driver that is not QEMU), -EIO (anything else libvirt says). */
VLP_API int vlp_monitor_open_libvirt(struct vlp_ctx *ctx, const char *uri, const char *name,
				     struct vlp_monitor **out, char *note, size_t note_size);

/* The running domains' names on URI (NULL: default), sorted: *names (free
 * with vlp_libvirt_names_free), *count (0: none running). */
VLP_API int vlp_libvirt_domains(struct vlp_ctx *ctx, const char *uri, char ***names, size_t *count);
VLP_API void vlp_libvirt_names_free(char **names, size_t count);

#ifdef __cplusplus
}
#endif
#endif /* VLP_LIBVIRT_H */
