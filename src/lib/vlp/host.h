/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: the host's view of a VM through QEMU's monitor (QMP): the monitor
 * handle, and what only the host knows of a device.  Part of <vlp.h>. */
#ifndef VLP_HOST_H
#define VLP_HOST_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The monitor: QEMU's QMP, queries only                               */
/* ------------------------------------------------------------------ */

/* A connection to one VM's monitor.  Whatever the transport (a QMP unix
 * socket, libvirt's passthrough, a snapshot's recorded replies), only the
 * read-only commands pass: query-version, query-commands, query-status,
 * query-pci, qom-list/qom-get, the x-query-virtio* status commands (never
 * x-query-virtio-queue-element: it overwrites QEMU's shadow_avail_idx),
 * HMP "info mtree -f" and "xp" reads, and pmemsave into this process's
 * own temporary file. */
struct vlp_monitor;

#define VLP_MONITOR_TIMEOUT_MS 3000 /* a reply, the greeting: default bound */
#define VLP_VQ_MAX_QUERIED 1024     /* queues asked about per device (QEMU's VIRTIO_QUEUE_MAX) */

/* Connects to a QMP unix socket: the greeting within timeout_ms (0:
 * VLP_MONITOR_TIMEOUT_MS), qmp_capabilities, then checks that QEMU has
 * x-query-virtio and accepts it (-ENOTSUP otherwise, naming
 * "-compat unstable-input=reject" when that is why).  A socket that does
 * not speak QMP: -EPROTO "SOCKET: not a QMP monitor: ..."; no greeting in
 * time: -EBUSY "monitor busy: ..." (QEMU's QMP serves one client). */
VLP_API int vlp_monitor_open_qmp(struct vlp_ctx *ctx, const char *path, unsigned timeout_ms,
				 struct vlp_monitor **out);
/* Drops the caller's reference; the connection closes when the last
 * device and memory opened over it are freed too. */
VLP_API void vlp_monitor_close(struct vlp_monitor *mon);
/* Every command sent and the reply text, for a face's log and tests (fn
 * NULL: none).  Replies are given as received (pmemsave: "{"return": {}}"). */
VLP_API void vlp_monitor_set_log(struct vlp_monitor *mon,
				 void (*fn)(void *arg, const char *command, const char *reply),
				 void *arg);
/* Where it is: "SOCKET", "domain NAME", or the snapshot's name. */
VLP_API const char *vlp_monitor_name(const struct vlp_monitor *mon);

/* ------------------------------------------------------------------ */
/* What only the host sees of a device (origin VLP_ORIGIN_HOST)        */
/* ------------------------------------------------------------------ */

/* One queue as QEMU keeps it (x-query-virtio-queue-status and, where a
 * vhost backend runs it, x-query-virtio-vhost-queue-status).  Indices are
 * free-running 16-bit counters as in the ring. */
struct vlp_host_queue {
	unsigned index;
	bool valid;                 /* QEMU answered for this queue */
	char error[160];            /* why not ("Invalid virtqueue number 3") */
	uint32_t vring_num;         /* the queue size in use */
	uint32_t vring_num_default; /* the device's maximum */
	uint32_t vring_align;
	uint64_t desc, avail, used; /* guest-physical ring addresses */
	bool has_last_avail_idx;    /* absent when vhost runs another vq */
	uint16_t last_avail_idx;    /* next avail entry the device will fetch */
	bool has_shadow_avail_idx;  /* absent while vhost runs the queue */
	uint16_t shadow_avail_idx;  /* QEMU's last copy of avail.idx (not RAM's) */
	uint16_t used_idx;          /* QEMU's used.idx */
	uint16_t signalled_used;    /* used_idx at the last notify decision */
	bool signalled_used_valid;  /* moves only with VIRTIO_F_EVENT_IDX */
	uint32_t inuse;             /* buffers fetched and not yet used */
	/* x-query-virtio-queue-status answered: the indices above were read.
	 * False for a queue a vhost backend runs (only the vhost backend's
	 * status is asked there: see hoststate.c) */
	bool has_indices;
	/* In a series of samples (sampler.c): this read was made after the
	 * ring memory of the same sample was read (true), or before it (the
	 * state's read, which comes before the rings are read) */
	bool after_ring;
	/* vhost: the vhost queue's view (x-query-virtio-vhost-queue-status) */
	bool vhost;
	int64_t vhost_kick, vhost_call; /* fds in QEMU */
	uint32_t vhost_num;
	uint64_t vhost_desc_phys, vhost_avail_phys, vhost_used_phys;
	uint32_t vhost_desc_size, vhost_avail_size, vhost_used_size;
};

struct vlp_host_view {
	char qom_path[256]; /* "/machine/peripheral/blk0/virtio-backend" */
	char name[64];      /* QEMU's name of the device: "virtio-blk" */
	char bus_name[64];
	char device_endian[16];
	uint16_t device_id; /* the virtio device ID */
	unsigned num_vqs;
	bool vhost_started, broken, vm_running, started, disabled, use_started, start_on_kick;
	/* QEMU's copy of the ISR byte: reading it through the monitor does not
	 * clear it (unlike the register, 4.1.4.5) */
	uint8_t isr;
	uint16_t queue_sel;
	/* feature bits QEMU names that the library has no name for, and the
	 * unknown bits it reports (host = the device's, guest = the driver's) */
	uint64_t host_unknown, guest_unknown, backend_features;
	bool has_backend_features;
	/* QEMU's host-features and guest-features as x-query-virtio-status
	 * gives them, whole: host_features keeps the legacy-only bits that the
	 * state's device_feature words leave out when the device is driven
	 * through the modern interface (legacy_driven false; see hoststate.c) */
	uint64_t host_features, guest_features;
	bool legacy_driven;
	/* vhost-dev, when a vhost backend is attached */
	bool has_vhost_dev;
	unsigned vhost_nvqs, vhost_vq_index, vhost_max_queues;
	uint64_t vhost_features, vhost_acked_features, vhost_backend_features, vhost_protocol_features;
	/* queue_enable in the state is derived (QMP has none): 1 when QEMU
	 * holds a descriptor-area address */
	bool enable_derived;
	struct vlp_host_queue *queues; /* queues 0..num_vqs-1 (at most VLP_VQ_MAX_QUERIED) */
	size_t nqueues;
};

struct vlp_state;
struct vlp_device;
/* The host's facts read with a state of a host device; NULL for states of
 * other sources. */
VLP_API const struct vlp_host_view *vlp_state_host(const struct vlp_state *state);
/* A host device's QOM path; NULL for other devices. */
VLP_API const char *vlp_device_qom_path(const struct vlp_device *dev);

#ifdef __cplusplus
}
#endif
#endif /* VLP_HOST_H */
