/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device-type registry: per virtio device ID (chapter 5) its short
 * name, title, device configuration table (devcfg.c), feature bit names
 * (features.c) and virtqueues (name and role of queue N, from each
 * chapter's "Virtqueues" section).  Every part of the tool reads device
 * types from here.
 *
 * A new type: one row in types[] below (plus its tables in devcfg.c and
 * features.c, declared in internal.h).  tests/unit/test_tables.c fails
 * when a type whose chapter has a configuration layout has no table.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Queue roles, short. */
#define RECEIVE VLP_QUEUE_RECEIVE
#define TRANSMIT VLP_QUEUE_TRANSMIT
#define CONTROL VLP_QUEUE_CONTROL
#define REQUEST VLP_QUEUE_REQUEST
#define EVENT VLP_QUEUE_EVENT

/* A queue, and one that exists only with a device feature (its vlp.h
 * constant, e.g. VLP_NET_F_CTRL_VQ). */
#define Q(n, r)                                                                                    \
	{                                                                                          \
		.name = n, .role = r                                                               \
	}
#define QF(n, r, bit)                                                                              \
	{                                                                                          \
		.name = n, .role = r, .feature = VLP_FEATURE(bit)                                  \
	}

/* A registry row: ID, short name, title, then what the type has. */
#define TYPE(idv, nm, ttl, ...) [idv] = { .id = idv, .name = nm, .title = ttl, __VA_ARGS__ }
#define CONFIG(t) .config = &(t)
/* The chapter defines a configuration layout (a fact of the spec, kept
 * apart from the table so that a missing table fails test_tables). */
#define SPEC_CONFIG .spec_config = true
#define FEATURES(n) .features = &(n)
#define HEAD(arr) .queues.head = arr, .queues.nhead = VLP_ARRAY_SIZE(arr)
#define GROUP(arr, n) .queues.group = arr, .queues.ngroup = VLP_ARRAY_SIZE(arr), .queues.first = n
#define TAIL(arr) .queues.tail = arr, .queues.ntail = VLP_ARRAY_SIZE(arr)
#define NO_CONFIG .no_config = true
#define NO_FEATURES FEATURES(no_features)

/* 5.1.2: receiveqN/transmitqN pairs, controlq last (2N) with VIRTIO_NET_F_CTRL_VQ */
static const struct vlp_queue_def net_group[] = { Q("receiveq%u", RECEIVE),
						  Q("transmitq%u", TRANSMIT) };
static const struct vlp_queue_def net_tail[] = { QF("controlq", CONTROL, VLP_NET_F_CTRL_VQ) };

/* 5.2.2 */
static const struct vlp_queue_def blk_group[] = { Q("requestq%u", REQUEST) };

/* 5.3.2: port 0, then the control queues and the ports 1.. with VIRTIO_CONSOLE_F_MULTIPORT */
static const struct vlp_queue_def console_head[] = {
	Q("receiveq(port0)", RECEIVE), Q("transmitq(port0)", TRANSMIT),
	QF("control receiveq", CONTROL, VLP_CONSOLE_F_MULTIPORT),
	QF("control transmitq", CONTROL, VLP_CONSOLE_F_MULTIPORT)
};
static const struct vlp_queue_def console_group[] = {
	QF("receiveq(port%u)", RECEIVE, VLP_CONSOLE_F_MULTIPORT),
	QF("transmitq(port%u)", TRANSMIT, VLP_CONSOLE_F_MULTIPORT)
};

/* 5.4.2 */
static const struct vlp_queue_def entropy_head[] = { Q("requestq", REQUEST) };

/* 5.5.2: statsq, free_page_vq, reporting_vq only with their features */
static const struct vlp_queue_def balloon_head[] = {
	Q("inflateq", TRANSMIT), Q("deflateq", TRANSMIT),
	QF("statsq", TRANSMIT, VLP_BALLOON_F_STATS_VQ),
	QF("free_page_vq", TRANSMIT, VLP_BALLOON_F_FREE_PAGE_HINT),
	QF("reporting_vq", TRANSMIT, VLP_BALLOON_F_PAGE_REPORTING)
};

/* 5.6.2: request queues from 2 */
static const struct vlp_queue_def scsi_head[] = { Q("controlq", CONTROL), Q("eventq", EVENT) };
static const struct vlp_queue_def scsi_group[] = { Q("requestq%u", REQUEST) };

/* 9P transport (no chapter in 1.x): one request queue */
static const struct vlp_queue_def p9_head[] = { Q("requestq", REQUEST) };

/* 5.7.2 */
static const struct vlp_queue_def gpu_head[] = { Q("controlq", CONTROL), Q("cursorq", CONTROL) };

/* 5.23.2: alarmq only with VIRTIO_RTC_F_ALARM */
static const struct vlp_queue_def rtc_head[] = { Q("requestq", REQUEST),
						 QF("alarmq", EVENT, VLP_RTC_F_ALARM) };

/* 5.8.2: eventq carries input events to the driver, statusq LED and other
 * status from the driver to the device. */
static const struct vlp_queue_def input_head[] = { Q("eventq", EVENT), Q("statusq", TRANSMIT) };

/* 5.10.2 */
static const struct vlp_queue_def vsock_head[] = { Q("rx", RECEIVE), Q("tx", TRANSMIT),
						   Q("event", EVENT) };

/* 5.9.2: dataqN, controlq last */
static const struct vlp_queue_def crypto_group[] = { Q("dataq%u", REQUEST) };
static const struct vlp_queue_def crypto_tail[] = { Q("controlq", CONTROL) };

/* 5.13.2 */
static const struct vlp_queue_def iommu_head[] = { Q("requestq", REQUEST), Q("eventq", EVENT) };

/* 5.15.2 */
static const struct vlp_queue_def mem_head[] = { Q("guest-request", REQUEST) };

/* 5.14.2 */
static const struct vlp_queue_def sound_head[] = { Q("controlq", CONTROL), Q("eventq", EVENT),
						   Q("txq", TRANSMIT), Q("rxq", RECEIVE) };

/* 5.11.2: the notification queue only with VIRTIO_FS_F_NOTIFICATION */
static const struct vlp_queue_def fs_head[] = { Q("hiprio", REQUEST), QF("notification queue", EVENT,
									 VLP_FS_F_NOTIFICATION) };
static const struct vlp_queue_def fs_group[] = { Q("requestq%u", REQUEST) };

/* 5.19.2 */
static const struct vlp_queue_def pmem_head[] = { Q("req_vq", REQUEST) };

/* 5.12.2 */
static const struct vlp_queue_def rpmb_head[] = { Q("requestq", REQUEST) };

/* 5.17.2: eventq only with VIRTIO_SCMI_F_P2A_CHANNELS */
static const struct vlp_queue_def scmi_head[] = { Q("cmdq", REQUEST),
						  QF("eventq", EVENT, VLP_SCMI_F_P2A_CHANNELS) };

/* 5.16.2 */
static const struct vlp_queue_def i2c_head[] = { Q("requestq", REQUEST) };

/* 5.20.2 */
static const struct vlp_queue_def can_head[] = { Q("txq", TRANSMIT), Q("rxq", RECEIVE),
						 Q("controlq", CONTROL) };

/* 5.18.2: eventq only with VIRTIO_GPIO_F_IRQ */
static const struct vlp_queue_def gpio_head[] = { Q("requestq", REQUEST),
						  QF("eventq", EVENT, VLP_GPIO_F_IRQ) };

/* 5.21.2 */
static const struct vlp_queue_def spi_head[] = { Q("requestq", REQUEST) };

/* 5.22.2 */
static const struct vlp_queue_def media_head[] = { Q("commandq", REQUEST), Q("eventq", EVENT) };

/* Types the spec describes without device-specific bits, and every type
 * without a chapter. */
static const struct vlp_names no_features = { VLP_NAMES_BITS, NULL, 0 };

/* Indexed by device ID; 14 and 15 are unassigned, 37 is Linux's
 * VIRTIO_ID_DMABUF (not in the spec).  spec_config: the chapter defines a
 * device configuration layout; no_config: it says there is none. */
static const struct vlp_device_type types[] = {
	TYPE(VLP_ID_NET, "network", "Network device", SPEC_CONFIG, CONFIG(vlp_config_net),
	     FEATURES(vlp_features_net), GROUP(net_group, 1), TAIL(net_tail)),
	TYPE(VLP_ID_BLOCK, "block", "Block device", SPEC_CONFIG, CONFIG(vlp_config_blk),
	     FEATURES(vlp_features_blk), GROUP(blk_group, 1)),
	TYPE(VLP_ID_CONSOLE, "console", "Console device", SPEC_CONFIG, CONFIG(vlp_config_console),
	     FEATURES(vlp_features_console), HEAD(console_head), GROUP(console_group, 1)),
	TYPE(VLP_ID_ENTROPY, "entropy", "Entropy device", NO_CONFIG, NO_FEATURES, HEAD(entropy_head)),
	TYPE(VLP_ID_BALLOON, "balloon", "Traditional memory balloon device", SPEC_CONFIG,
	     CONFIG(vlp_config_balloon), FEATURES(vlp_features_balloon), HEAD(balloon_head)),
	TYPE(VLP_ID_IOMEMORY, "iomemory", "ioMemory device", NO_FEATURES),
	TYPE(VLP_ID_RPMSG, "rpmsg", "rpmsg device", NO_FEATURES),
	TYPE(VLP_ID_SCSI, "scsi", "SCSI host device", SPEC_CONFIG, CONFIG(vlp_config_scsi),
	     FEATURES(vlp_features_scsi), HEAD(scsi_head), GROUP(scsi_group, 1)),
	TYPE(VLP_ID_9P, "9p", "9P transport", CONFIG(vlp_config_p9), FEATURES(vlp_features_p9),
	     HEAD(p9_head)),
	TYPE(VLP_ID_MAC80211_WLAN, "mac80211_wlan", "mac80211 wlan device", NO_FEATURES),
	TYPE(VLP_ID_RPROC_SERIAL, "rproc_serial", "rproc serial device", NO_FEATURES),
	TYPE(VLP_ID_CAIF, "caif", "virtio CAIF device", NO_FEATURES),
	TYPE(VLP_ID_MEMORY_BALLOON, "memory_balloon", "Memory balloon device", NO_FEATURES),
	TYPE(VLP_ID_GPU, "gpu", "GPU device", SPEC_CONFIG, CONFIG(vlp_config_gpu),
	     FEATURES(vlp_features_gpu), HEAD(gpu_head)),
	TYPE(VLP_ID_RTC, "rtc", "RTC device", NO_CONFIG, FEATURES(vlp_features_rtc), HEAD(rtc_head)),
	TYPE(VLP_ID_INPUT, "input", "Input device", SPEC_CONFIG, CONFIG(vlp_config_input),
	     NO_FEATURES, HEAD(input_head)),
	TYPE(VLP_ID_VSOCK, "socket", "Socket device", SPEC_CONFIG, CONFIG(vlp_config_vsock),
	     FEATURES(vlp_features_vsock), HEAD(vsock_head)),
	TYPE(VLP_ID_CRYPTO, "crypto", "Crypto device", SPEC_CONFIG, CONFIG(vlp_config_crypto),
	     FEATURES(vlp_features_crypto), GROUP(crypto_group, 1), TAIL(crypto_tail)),
	TYPE(VLP_ID_SIGNAL_DIST, "signal_dist", "Signal Distribution Module", NO_FEATURES),
	TYPE(VLP_ID_PSTORE, "pstore", "pstore device", NO_FEATURES),
	TYPE(VLP_ID_IOMMU, "iommu", "IOMMU device", SPEC_CONFIG, CONFIG(vlp_config_iommu),
	     FEATURES(vlp_features_iommu), HEAD(iommu_head)),
	TYPE(VLP_ID_MEM, "memory", "Memory device", SPEC_CONFIG, CONFIG(vlp_config_mem),
	     FEATURES(vlp_features_mem), HEAD(mem_head)),
	TYPE(VLP_ID_SOUND, "sound", "Sound device", SPEC_CONFIG, CONFIG(vlp_config_sound),
	     FEATURES(vlp_features_sound), HEAD(sound_head)),
	TYPE(VLP_ID_FS, "fs", "File system device", SPEC_CONFIG, CONFIG(vlp_config_fs),
	     FEATURES(vlp_features_fs), HEAD(fs_head), GROUP(fs_group, 1)),
	TYPE(VLP_ID_PMEM, "pmem", "PMEM device", SPEC_CONFIG, CONFIG(vlp_config_pmem),
	     FEATURES(vlp_features_pmem), HEAD(pmem_head)),
	TYPE(VLP_ID_RPMB, "rpmb", "RPMB device", SPEC_CONFIG, CONFIG(vlp_config_rpmb), NO_FEATURES,
	     HEAD(rpmb_head)),
	TYPE(VLP_ID_MAC80211_HWSIM, "mac80211_hwsim", "mac80211 hwsim wireless simulation device",
	     NO_FEATURES),
	TYPE(VLP_ID_VIDEO_ENCODER, "video_encoder", "Video encoder device", NO_FEATURES),
	TYPE(VLP_ID_VIDEO_DECODER, "video_decoder", "Video decoder device", NO_FEATURES),
	TYPE(VLP_ID_SCMI, "scmi", "SCMI device", NO_CONFIG, FEATURES(vlp_features_scmi),
	     HEAD(scmi_head)),
	TYPE(VLP_ID_NITRO_SEC_MOD, "nitro_sec_mod", "NitroSecureModule", NO_FEATURES),
	TYPE(VLP_ID_I2C, "i2c", "I2C adapter", NO_CONFIG, FEATURES(vlp_features_i2c), HEAD(i2c_head)),
	TYPE(VLP_ID_WATCHDOG, "watchdog", "Watchdog device", NO_FEATURES),
	TYPE(VLP_ID_CAN, "can", "CAN device", SPEC_CONFIG, CONFIG(vlp_config_can),
	     FEATURES(vlp_features_can), HEAD(can_head)),
	TYPE(VLP_ID_DMABUF, "dmabuf", "dmabuf device (Linux, not in the spec)", NO_FEATURES),
	TYPE(VLP_ID_PARAM_SERV, "param_serv", "Parameter Server", NO_FEATURES),
	TYPE(VLP_ID_AUDIO_POLICY, "audio_policy", "Audio policy device", NO_FEATURES),
	TYPE(VLP_ID_BLUETOOTH, "bluetooth", "Bluetooth device", NO_FEATURES),
	TYPE(VLP_ID_GPIO, "gpio", "GPIO device", SPEC_CONFIG, CONFIG(vlp_config_gpio),
	     FEATURES(vlp_features_gpio), HEAD(gpio_head)),
	TYPE(VLP_ID_RDMA, "rdma", "RDMA device", NO_FEATURES),
	TYPE(VLP_ID_CAMERA, "camera", "Camera device", NO_FEATURES),
	TYPE(VLP_ID_ISM, "ism", "ISM device", NO_FEATURES),
	TYPE(VLP_ID_SPI, "spi", "SPI controller", SPEC_CONFIG, CONFIG(vlp_config_spi), NO_FEATURES,
	     HEAD(spi_head)),
	TYPE(VLP_ID_TEE, "tee", "TEE device", NO_FEATURES),
	TYPE(VLP_ID_CPU_BALLOON, "cpu_balloon", "CPU balloon device", NO_FEATURES),
	TYPE(VLP_ID_MEDIA, "media", "Media device", SPEC_CONFIG, CONFIG(vlp_config_media),
	     NO_FEATURES, HEAD(media_head)),
	TYPE(VLP_ID_USB, "usb", "USB controller", NO_FEATURES),
};

const struct vlp_device_type *vlp_device_type(unsigned id)
{
	return id < VLP_ARRAY_SIZE(types) && types[id].name ? &types[id] : NULL;
}

/* Thin readers of the registry, kept for the faces. */
const char *vlp_virtio_type_name(unsigned type)
{
	const struct vlp_device_type *t = vlp_device_type(type);

	return t ? t->name : NULL;
}

const char *vlp_virtio_type_title(unsigned type)
{
	const struct vlp_device_type *t = vlp_device_type(type);

	return t ? t->title : NULL;
}

const struct vlp_field_table *vlp_device_config_table(unsigned device_type)
{
	const struct vlp_device_type *t = vlp_device_type(device_type);

	return t ? t->config : NULL;
}

const struct vlp_names *vlp_device_feature_names(unsigned device_type)
{
	const struct vlp_device_type *t = vlp_device_type(device_type);

	return t ? t->features : &no_features;
}

/* A queue exists when it needs no feature or the feature is on.  Without
 * the driver's features (NULL), every optional queue counts as absent. */
static bool queue_present(const struct vlp_queue_def *q, const uint32_t *features)
{
	return !q->feature || vlp_feature_on(features, VLP_FEATURE_BIT(q->feature));
}

/* The k-th present queue of defs, NULL past the last; *n counts them. */
static const struct vlp_queue_def *nth_present(const struct vlp_queue_def *defs, size_t ndefs,
					       const uint32_t *features, unsigned k, unsigned *n)
{
	const struct vlp_queue_def *found = NULL;

	*n = 0;
	for (size_t i = 0; i < ndefs; i++)
		if (queue_present(&defs[i], features) && (*n)++ == k)
			found = &defs[i];
	return found;
}

/* The name with its number in place of "%u". */
static const char *queue_text(char *buf, size_t len, const char *name, unsigned number)
{
	const char *at = strstr(name, "%u");

	if (at)
		snprintf(buf, len, "%.*s%u%s", (int)(at - name), name, number, at + 2);
	else
		snprintf(buf, len, "%s", name);
	return buf;
}

const char *vlp_queue_name(unsigned type, unsigned index, unsigned num_queues,
			   const uint32_t driver_features[VLP_FEATURE_WORDS], char *buf, size_t len,
			   enum vlp_queue_role *role)
{
	const struct vlp_device_type *t = vlp_device_type(type);
	const struct vlp_queue_layout *ql = t ? &t->queues : NULL;
	const struct vlp_queue_def *q = NULL;
	unsigned nhead = 0, ntail = 0, ngroup = 0;
	unsigned number = 0;

	if (ql) {
		q = nth_present(ql->head, ql->nhead, driver_features, index, &nhead);
		if (!q && index >= nhead && num_queues && index < num_queues) {
			/* The tail queues are the last ones (4.1.4.3: num_queues). */
			nth_present(ql->tail, ql->ntail, driver_features, 0, &ntail);
			if (ntail && index >= num_queues - ntail && num_queues >= nhead + ntail)
				q = nth_present(ql->tail, ql->ntail, driver_features,
						index - (num_queues - ntail), &ntail);
		}
		if (!q && index >= nhead) {
			unsigned g = index - nhead;

			nth_present(ql->group, ql->ngroup, driver_features, 0, &ngroup);
			if (ngroup) {
				q = nth_present(ql->group, ql->ngroup, driver_features, g % ngroup,
						&ngroup);
				number = ql->first + g / ngroup;
			} else if (!num_queues) {
				/* No count known: the tail follows the head. */
				q = nth_present(ql->tail, ql->ntail, driver_features, g, &ntail);
			}
		}
	}
	if (role)
		*role = q ? q->role : VLP_QUEUE_OTHER;
	if (!q) {
		snprintf(buf, len, "queue%u", index);
		return buf;
	}
	return queue_text(buf, len, q->name, number);
}

const char *vlp_queue_role_name(enum vlp_queue_role role)
{
	static const char *const names[] = {
		[VLP_QUEUE_OTHER] = "other",       [VLP_QUEUE_RECEIVE] = "receive",
		[VLP_QUEUE_TRANSMIT] = "transmit", [VLP_QUEUE_CONTROL] = "control",
		[VLP_QUEUE_REQUEST] = "request",   [VLP_QUEUE_EVENT] = "event",
	};

	return (unsigned)role < VLP_ARRAY_SIZE(names) ? names[role] : names[VLP_QUEUE_OTHER];
}

/* vlp_feature_name: the transport's bits (6) from features.c's table,
 * the others from the device type's row. */
static const char *bit_lookup(const struct vlp_names *names, unsigned bit)
{
	for (size_t i = 0; i < names->count; i++)
		if (names->entries[i].value == bit)
			return names->entries[i].name;
	return NULL;
}

/* Bits 24-41 and 43 are the transport's (6); the rest the device type's. */
static bool transport_bit(unsigned bit)
{
	/* 2.2: 24-40 and 43 (with 41, VIRTIO_F_ADMIN_VQ) are the transport's. */
	return (bit >= VLP_F_NOTIFY_ON_EMPTY && bit <= VLP_F_ADMIN_VQ) || bit == VLP_F_SUSPEND;
}

const char *vlp_feature_name(unsigned device_type, unsigned bit)
{
	if (transport_bit(bit))
		return bit_lookup(vlp_transport_feature_names(), bit);
	return bit_lookup(vlp_device_feature_names(device_type), bit);
}
