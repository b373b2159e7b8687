/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: devices and sources: live enumeration, dumps, snapshots, filters.  Part of <vlp.h>. */
#ifndef VLP_DEVICES_H
#define VLP_DEVICES_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

struct vlp_device;

struct vlp_slot {
	int domain;
	uint8_t bus, dev, func;
};

enum vlp_origin {
	VLP_ORIGIN_LIVE,     /* read now through libpci */
	VLP_ORIGIN_DUMP,     /* parsed from a hex dump or raw binary */
	VLP_ORIGIN_SNAPSHOT, /* parsed from a virtio-lspci snapshot */
	VLP_ORIGIN_HOST,     /* a VM's device seen from the host, through QEMU's monitor
			      * (live, or replayed from a host-side snapshot) */
};

/* Why fewer bytes than the device has could be read. */
enum vlp_config_limit {
	VLP_LIMIT_NONE,       /* everything the device has was read */
	VLP_LIMIT_PRIVILEGE,  /* live, not root: sysfs gives only the 64-byte header */
	VLP_LIMIT_DUMP,       /* the dump holds only part of config space */
	VLP_LIMIT_READ_ERROR, /* live read failed part way */
	VLP_LIMIT_HOST,       /* the monitor gives no config space beyond the IDs and BARs */
};

VLP_API void vlp_device_free(struct vlp_device *dev);
VLP_API const struct vlp_slot *vlp_device_slot(const struct vlp_device *dev);
VLP_API enum vlp_origin vlp_device_origin(const struct vlp_device *dev);
VLP_API enum vlp_config_limit vlp_device_config_limit(const struct vlp_device *dev);
/* Size of the config space the device has (64, 256 or 4096); for dumps the
 * extent of the dump rounded up to one of those. */
VLP_API unsigned vlp_device_config_size(const struct vlp_device *dev);
/* true when every byte of [off, off+len) was read. */
VLP_API bool vlp_device_config_valid(const struct vlp_device *dev, unsigned off, unsigned len);
/* Copy [off, off+len); -ENODATA when any byte was not read, -ERANGE outside
 * config space.  Values are little-endian in config space. */
VLP_API int vlp_device_read_config(const struct vlp_device *dev, unsigned off, unsigned len, void *buf);
/* Kernel driver bound to the device (live), or the one the dump recorded;
 * NULL when unknown or none. */
VLP_API const char *vlp_device_driver(const struct vlp_device *dev);
/* What the input held for the device that was refused without failing it
 * (a snapshot's "# vlp-mem" line that is not a range): "FILE:LINE: why",
 * the i-th from 0, NULL past the last.  The rest of the device is there;
 * a face says each and counts the input as bad (exit status 1). */
VLP_API const char *vlp_device_warning(const struct vlp_device *dev, size_t i);

/* ------------------------------------------------------------------ */
/* Sources: live enumeration or a dump stream, one device at a time    */
/* ------------------------------------------------------------------ */

enum vlp_dump_format {
	VLP_FORMAT_AUTO,
	VLP_FORMAT_LSPCI,   /* lspci -x/-xxx/-xxxx, optionally with -v text */
	VLP_FORMAT_RAW,     /* raw binary config space: 64, 256 or 4096 bytes */
	VLP_FORMAT_XXD,     /* xxd output of a raw config space */
	VLP_FORMAT_HEXDUMP, /* hexdump -C output of a raw config space */
};
/* "auto", "lspci", "raw", "xxd", "hexdump"; -EINVAL for anything else. */
VLP_API int vlp_dump_format_parse(const char *name, enum vlp_dump_format *out);

struct vlp_filter; /* slot and ID filter, libpci syntax */
VLP_API int vlp_filter_new(struct vlp_ctx *ctx, struct vlp_filter **out);
VLP_API void vlp_filter_free(struct vlp_filter *f);
/* "[[[[<domain>]:]<bus>]:][<slot>][.[<func>]]", wildcards allowed. */
VLP_API int vlp_filter_add_slot(struct vlp_ctx *ctx, struct vlp_filter *f, const char *spec);
/* "[<vendor>]:[<device>][:<class>[:<prog_if>]]" */
VLP_API int vlp_filter_add_id(struct vlp_ctx *ctx, struct vlp_filter *f, const char *spec);

struct vlp_monitor; /* <vlp/host.h> */
struct vlp_source_opts {
	const char *dump_path;           /* NULL: live; "-": standard input */
	enum vlp_dump_format format;     /* dumps only */
	const char *access_method;       /* live only: libpci method name, NULL = auto */
	const struct vlp_filter *filter; /* NULL: no filter */
	bool virtio_only;                /* skip devices that are not 1af4:1000-107f */
	/* A VM's devices through QEMU's monitor (<vlp/host.h>): a QMP unix
	 * socket, or a monitor already open (libvirt; the source takes a
	 * reference of its own, the caller still closes it).  Either one makes
	 * the source a host source (dump_path and access_method unused). */
	const char *qmp_path;
	struct vlp_monitor *monitor;
	unsigned monitor_timeout_ms; /* 0: VLP_MONITOR_TIMEOUT_MS */
};

struct vlp_source;
VLP_API int vlp_source_open(struct vlp_ctx *ctx, const struct vlp_source_opts *opts,
			    struct vlp_source **out);
/* 1 and *out set: a device (free with vlp_device_free); 0: end; <0: error
 * (message in ctx; for dumps it names the file and line; a dump that holds
 * no device at all is an error, one whose devices are all filtered out is not). */
VLP_API int vlp_source_next(struct vlp_source *src, struct vlp_device **out);
/* How many devices were skipped because they are not virtio. */
VLP_API unsigned vlp_source_skipped(const struct vlp_source *src);
VLP_API void vlp_source_close(struct vlp_source *src);

#ifdef __cplusplus
}
#endif
#endif /* VLP_DEVICES_H */
