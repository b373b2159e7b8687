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

#define QUEUES(arr) arr, VLP_ARRAY_SIZE(arr)
#define NO_QUEUES NULL, 0

/* 5.1.2: receiveqN/transmitqN pairs, controlq last (2N) with VIRTIO_NET_F_CTRL_VQ */
static const struct vlp_queue_def net_group[] = {
	{ "receiveq%u", VLP_QUEUE_RECEIVE, NULL },
	{ "transmitq%u", VLP_QUEUE_TRANSMIT, NULL },
};
static const struct vlp_queue_def net_tail[] = {
	{ "controlq", VLP_QUEUE_CONTROL, "VIRTIO_NET_F_CTRL_VQ" },
};

/* 5.2.2 */
static const struct vlp_queue_def blk_group[] = {
	{ "requestq%u", VLP_QUEUE_REQUEST, NULL },
};

/* 5.3.2: port 0, then the control queues and the ports 1.. with VIRTIO_CONSOLE_F_MULTIPORT */
static const struct vlp_queue_def console_head[] = {
	{ "receiveq(port0)", VLP_QUEUE_RECEIVE, NULL },
	{ "transmitq(port0)", VLP_QUEUE_TRANSMIT, NULL },
	{ "control receiveq", VLP_QUEUE_CONTROL, "VIRTIO_CONSOLE_F_MULTIPORT" },
	{ "control transmitq", VLP_QUEUE_CONTROL, "VIRTIO_CONSOLE_F_MULTIPORT" },
};
static const struct vlp_queue_def console_group[] = {
	{ "receiveq(port%u)", VLP_QUEUE_RECEIVE, "VIRTIO_CONSOLE_F_MULTIPORT" },
	{ "transmitq(port%u)", VLP_QUEUE_TRANSMIT, "VIRTIO_CONSOLE_F_MULTIPORT" },
};

/* 5.4.2 */
static const struct vlp_queue_def entropy_head[] = {
	{ "requestq", VLP_QUEUE_REQUEST, NULL },
};

/* 5.5.2: statsq, free_page_vq, reporting_vq only with their features */
static const struct vlp_queue_def balloon_head[] = {
	{ "inflateq", VLP_QUEUE_TRANSMIT, NULL },
	{ "deflateq", VLP_QUEUE_TRANSMIT, NULL },
	{ "statsq", VLP_QUEUE_TRANSMIT, "VIRTIO_BALLOON_F_STATS_VQ" },
	{ "free_page_vq", VLP_QUEUE_TRANSMIT, "VIRTIO_BALLOON_F_FREE_PAGE_HINT" },
	{ "reporting_vq", VLP_QUEUE_TRANSMIT, "VIRTIO_BALLOON_F_PAGE_REPORTING" },
};

/* 5.6.2: request queues from 2 */
static const struct vlp_queue_def scsi_head[] = {
	{ "controlq", VLP_QUEUE_CONTROL, NULL },
	{ "eventq", VLP_QUEUE_EVENT, NULL },
};
static const struct vlp_queue_def scsi_group[] = {
	{ "requestq%u", VLP_QUEUE_REQUEST, NULL },
};

/* 9P transport (no chapter in 1.x): one request queue */
static const struct vlp_queue_def p9_head[] = {
	{ "requestq", VLP_QUEUE_REQUEST, NULL },
};

/* 5.7.2 */
static const struct vlp_queue_def gpu_head[] = {
	{ "controlq", VLP_QUEUE_CONTROL, NULL },
	{ "cursorq", VLP_QUEUE_CONTROL, NULL },
};

/* 5.23.2: alarmq only with VIRTIO_RTC_F_ALARM */
static const struct vlp_queue_def rtc_head[] = {
	{ "requestq", VLP_QUEUE_REQUEST, NULL },
	{ "alarmq", VLP_QUEUE_EVENT, "VIRTIO_RTC_F_ALARM" },
};

/* 5.8.2 */
static const struct vlp_queue_def input_head[] = {
	{ "eventq", VLP_QUEUE_EVENT, NULL },
	{ "statusq", VLP_QUEUE_RECEIVE, NULL },
};

/* 5.10.2 */
static const struct vlp_queue_def vsock_head[] = {
	{ "rx", VLP_QUEUE_RECEIVE, NULL },
	{ "tx", VLP_QUEUE_TRANSMIT, NULL },
	{ "event", VLP_QUEUE_EVENT, NULL },
};

/* 5.9.2: dataqN, controlq last */
static const struct vlp_queue_def crypto_group[] = {
	{ "dataq%u", VLP_QUEUE_REQUEST, NULL },
};
static const struct vlp_queue_def crypto_tail[] = {
	{ "controlq", VLP_QUEUE_CONTROL, NULL },
};

/* 5.13.2 */
static const struct vlp_queue_def iommu_head[] = {
	{ "requestq", VLP_QUEUE_REQUEST, NULL },
	{ "eventq", VLP_QUEUE_EVENT, NULL },
};

/* 5.15.2 */
static const struct vlp_queue_def mem_head[] = {
	{ "guest-request", VLP_QUEUE_REQUEST, NULL },
};

/* 5.14.2 */
static const struct vlp_queue_def sound_head[] = {
	{ "controlq", VLP_QUEUE_CONTROL, NULL },
	{ "eventq", VLP_QUEUE_EVENT, NULL },
	{ "txq", VLP_QUEUE_TRANSMIT, NULL },
	{ "rxq", VLP_QUEUE_RECEIVE, NULL },
};

/* 5.11.2: the notification queue only with VIRTIO_FS_F_NOTIFICATION */
static const struct vlp_queue_def fs_head[] = {
	{ "hiprio", VLP_QUEUE_REQUEST, NULL },
	{ "notification queue", VLP_QUEUE_EVENT, "VIRTIO_FS_F_NOTIFICATION" },
};
static const struct vlp_queue_def fs_group[] = {
	{ "requestq%u", VLP_QUEUE_REQUEST, NULL },
};

/* 5.19.2 */
static const struct vlp_queue_def pmem_head[] = {
	{ "req_vq", VLP_QUEUE_REQUEST, NULL },
};

/* 5.12.2 */
static const struct vlp_queue_def rpmb_head[] = {
	{ "requestq", VLP_QUEUE_REQUEST, NULL },
};

/* 5.17.2: eventq only with VIRTIO_SCMI_F_P2A_CHANNELS */
static const struct vlp_queue_def scmi_head[] = {
	{ "cmdq", VLP_QUEUE_REQUEST, NULL },
	{ "eventq", VLP_QUEUE_EVENT, "VIRTIO_SCMI_F_P2A_CHANNELS" },
};

/* 5.16.2 */
static const struct vlp_queue_def i2c_head[] = {
	{ "requestq", VLP_QUEUE_REQUEST, NULL },
};

/* 5.20.2 */
static const struct vlp_queue_def can_head[] = {
	{ "txq", VLP_QUEUE_TRANSMIT, NULL },
	{ "rxq", VLP_QUEUE_RECEIVE, NULL },
	{ "controlq", VLP_QUEUE_CONTROL, NULL },
};

/* 5.18.2: eventq only with VIRTIO_GPIO_F_IRQ */
static const struct vlp_queue_def gpio_head[] = {
	{ "requestq", VLP_QUEUE_REQUEST, NULL },
	{ "eventq", VLP_QUEUE_EVENT, "VIRTIO_GPIO_F_IRQ" },
};

/* 5.21.2 */
static const struct vlp_queue_def spi_head[] = {
	{ "requestq", VLP_QUEUE_REQUEST, NULL },
};

/* 5.22.2 */
static const struct vlp_queue_def media_head[] = {
	{ "commandq", VLP_QUEUE_REQUEST, NULL },
	{ "eventq", VLP_QUEUE_EVENT, NULL },
};

/* Types the spec describes without device-specific bits, and every type
 * without a chapter. */
static const struct vlp_names no_features = { VLP_NAMES_BITS, NULL, 0 };

/* Indexed by device ID; 14 and 15 are unassigned, 37 is Linux's
 * VIRTIO_ID_DMABUF (not in the spec).  spec_config: the chapter defines a
 * device configuration layout; no_config: it says there is none. */
static const struct vlp_device_type types[] = {
	[VLP_ID_NET] = { .id = VLP_ID_NET, .name = "network", .title = "Network device", .config = &vlp_config_net, .spec_config = true, .features = &vlp_features_net, .queues = { .head = NO_QUEUES, .group = QUEUES(net_group), .first = 1, .tail = QUEUES(net_tail) } },
	[VLP_ID_BLOCK] = { .id = VLP_ID_BLOCK, .name = "block", .title = "Block device", .config = &vlp_config_blk, .spec_config = true, .features = &vlp_features_blk, .queues = { .head = NO_QUEUES, .group = QUEUES(blk_group), .first = 1 } },
	[VLP_ID_CONSOLE] = { .id = VLP_ID_CONSOLE, .name = "console", .title = "Console device", .config = &vlp_config_console, .spec_config = true, .features = &vlp_features_console, .queues = { .head = QUEUES(console_head), .group = QUEUES(console_group), .first = 1 } },
	[VLP_ID_ENTROPY] = { .id = VLP_ID_ENTROPY, .name = "entropy", .title = "Entropy device", .no_config = true, .features = &no_features, .queues = { .head = QUEUES(entropy_head) } },
	[VLP_ID_BALLOON] = { .id = VLP_ID_BALLOON, .name = "balloon", .title = "Traditional memory balloon device", .config = &vlp_config_balloon, .spec_config = true, .features = &vlp_features_balloon, .queues = { .head = QUEUES(balloon_head) } },
	[VLP_ID_IOMEMORY] = { .id = VLP_ID_IOMEMORY, .name = "iomemory", .title = "ioMemory device", .features = &no_features },
	[VLP_ID_RPMSG] = { .id = VLP_ID_RPMSG, .name = "rpmsg", .title = "rpmsg device", .features = &no_features },
	[VLP_ID_SCSI] = { .id = VLP_ID_SCSI, .name = "scsi", .title = "SCSI host device", .config = &vlp_config_scsi, .spec_config = true, .features = &vlp_features_scsi, .queues = { .head = QUEUES(scsi_head), .group = QUEUES(scsi_group), .first = 1 } },
	[VLP_ID_9P] = { .id = VLP_ID_9P, .name = "9p", .title = "9P transport", .config = &vlp_config_p9, .spec_config = false, .features = &vlp_features_p9, .queues = { .head = QUEUES(p9_head) } },
	[VLP_ID_MAC80211_WLAN] = { .id = VLP_ID_MAC80211_WLAN, .name = "mac80211_wlan", .title = "mac80211 wlan device", .features = &no_features },
	[VLP_ID_RPROC_SERIAL] = { .id = VLP_ID_RPROC_SERIAL, .name = "rproc_serial", .title = "rproc serial device", .features = &no_features },
	[VLP_ID_CAIF] = { .id = VLP_ID_CAIF, .name = "caif", .title = "virtio CAIF device", .features = &no_features },
	[VLP_ID_MEMORY_BALLOON] = { .id = VLP_ID_MEMORY_BALLOON, .name = "memory_balloon", .title = "Memory balloon device", .features = &no_features },
	[VLP_ID_GPU] = { .id = VLP_ID_GPU, .name = "gpu", .title = "GPU device", .config = &vlp_config_gpu, .spec_config = true, .features = &vlp_features_gpu, .queues = { .head = QUEUES(gpu_head) } },
	[VLP_ID_RTC] = { .id = VLP_ID_RTC, .name = "rtc", .title = "RTC device", .no_config = true, .features = &vlp_features_rtc, .queues = { .head = QUEUES(rtc_head) } },
	[VLP_ID_INPUT] = { .id = VLP_ID_INPUT, .name = "input", .title = "Input device", .config = &vlp_config_input, .spec_config = true, .features = &no_features, .queues = { .head = QUEUES(input_head) } },
	[VLP_ID_VSOCK] = { .id = VLP_ID_VSOCK, .name = "socket", .title = "Socket device", .config = &vlp_config_vsock, .spec_config = true, .features = &vlp_features_vsock, .queues = { .head = QUEUES(vsock_head) } },
	[VLP_ID_CRYPTO] = { .id = VLP_ID_CRYPTO, .name = "crypto", .title = "Crypto device", .config = &vlp_config_crypto, .spec_config = true, .features = &vlp_features_crypto, .queues = { .head = NO_QUEUES, .group = QUEUES(crypto_group), .first = 1, .tail = QUEUES(crypto_tail) } },
	[VLP_ID_SIGNAL_DIST] = { .id = VLP_ID_SIGNAL_DIST, .name = "signal_dist", .title = "Signal Distribution Module", .features = &no_features },
	[VLP_ID_PSTORE] = { .id = VLP_ID_PSTORE, .name = "pstore", .title = "pstore device", .features = &no_features },
	[VLP_ID_IOMMU] = { .id = VLP_ID_IOMMU, .name = "iommu", .title = "IOMMU device", .config = &vlp_config_iommu, .spec_config = true, .features = &vlp_features_iommu, .queues = { .head = QUEUES(iommu_head) } },
	[VLP_ID_MEM] = { .id = VLP_ID_MEM, .name = "memory", .title = "Memory device", .config = &vlp_config_mem, .spec_config = true, .features = &vlp_features_mem, .queues = { .head = QUEUES(mem_head) } },
	[VLP_ID_SOUND] = { .id = VLP_ID_SOUND, .name = "sound", .title = "Sound device", .config = &vlp_config_sound, .spec_config = true, .features = &vlp_features_sound, .queues = { .head = QUEUES(sound_head) } },
	[VLP_ID_FS] = { .id = VLP_ID_FS, .name = "fs", .title = "File system device", .config = &vlp_config_fs, .spec_config = true, .features = &vlp_features_fs, .queues = { .head = QUEUES(fs_head), .group = QUEUES(fs_group), .first = 1 } },
	[VLP_ID_PMEM] = { .id = VLP_ID_PMEM, .name = "pmem", .title = "PMEM device", .config = &vlp_config_pmem, .spec_config = true, .features = &vlp_features_pmem, .queues = { .head = QUEUES(pmem_head) } },
	[VLP_ID_RPMB] = { .id = VLP_ID_RPMB, .name = "rpmb", .title = "RPMB device", .config = &vlp_config_rpmb, .spec_config = true, .features = &no_features, .queues = { .head = QUEUES(rpmb_head) } },
	[VLP_ID_MAC80211_HWSIM] = { .id = VLP_ID_MAC80211_HWSIM, .name = "mac80211_hwsim", .title = "mac80211 hwsim wireless simulation device", .features = &no_features },
	[VLP_ID_VIDEO_ENCODER] = { .id = VLP_ID_VIDEO_ENCODER, .name = "video_encoder", .title = "Video encoder device", .features = &no_features },
	[VLP_ID_VIDEO_DECODER] = { .id = VLP_ID_VIDEO_DECODER, .name = "video_decoder", .title = "Video decoder device", .features = &no_features },
	[VLP_ID_SCMI] = { .id = VLP_ID_SCMI, .name = "scmi", .title = "SCMI device", .no_config = true, .features = &vlp_features_scmi, .queues = { .head = QUEUES(scmi_head) } },
	[VLP_ID_NITRO_SEC_MOD] = { .id = VLP_ID_NITRO_SEC_MOD, .name = "nitro_sec_mod", .title = "NitroSecureModule", .features = &no_features },
	[VLP_ID_I2C] = { .id = VLP_ID_I2C, .name = "i2c", .title = "I2C adapter", .no_config = true, .features = &vlp_features_i2c, .queues = { .head = QUEUES(i2c_head) } },
	[VLP_ID_WATCHDOG] = { .id = VLP_ID_WATCHDOG, .name = "watchdog", .title = "Watchdog device", .features = &no_features },
	[VLP_ID_CAN] = { .id = VLP_ID_CAN, .name = "can", .title = "CAN device", .config = &vlp_config_can, .spec_config = true, .features = &vlp_features_can, .queues = { .head = QUEUES(can_head) } },
	[VLP_ID_DMABUF] = { .id = VLP_ID_DMABUF, .name = "dmabuf", .title = "dmabuf device (Linux, not in the spec)", .features = &no_features },
	[VLP_ID_PARAM_SERV] = { .id = VLP_ID_PARAM_SERV, .name = "param_serv", .title = "Parameter Server", .features = &no_features },
	[VLP_ID_AUDIO_POLICY] = { .id = VLP_ID_AUDIO_POLICY, .name = "audio_policy", .title = "Audio policy device", .features = &no_features },
	[VLP_ID_BLUETOOTH] = { .id = VLP_ID_BLUETOOTH, .name = "bluetooth", .title = "Bluetooth device", .features = &no_features },
	[VLP_ID_GPIO] = { .id = VLP_ID_GPIO, .name = "gpio", .title = "GPIO device", .config = &vlp_config_gpio, .spec_config = true, .features = &vlp_features_gpio, .queues = { .head = QUEUES(gpio_head) } },
	[VLP_ID_RDMA] = { .id = VLP_ID_RDMA, .name = "rdma", .title = "RDMA device", .features = &no_features },
	[VLP_ID_CAMERA] = { .id = VLP_ID_CAMERA, .name = "camera", .title = "Camera device", .features = &no_features },
	[VLP_ID_ISM] = { .id = VLP_ID_ISM, .name = "ism", .title = "ISM device", .features = &no_features },
	[VLP_ID_SPI] = { .id = VLP_ID_SPI, .name = "spi", .title = "SPI controller", .config = &vlp_config_spi, .spec_config = true, .features = &no_features, .queues = { .head = QUEUES(spi_head) } },
	[VLP_ID_TEE] = { .id = VLP_ID_TEE, .name = "tee", .title = "TEE device", .features = &no_features },
	[VLP_ID_CPU_BALLOON] = { .id = VLP_ID_CPU_BALLOON, .name = "cpu_balloon", .title = "CPU balloon device", .features = &no_features },
	[VLP_ID_MEDIA] = { .id = VLP_ID_MEDIA, .name = "media", .title = "Media device", .config = &vlp_config_media, .spec_config = true, .features = &no_features, .queues = { .head = QUEUES(media_head) } },
	[VLP_ID_USB] = { .id = VLP_ID_USB, .name = "usb", .title = "USB controller", .features = &no_features },
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

/* Bit of a feature named in a queue definition, -1 when the type has no
 * such bit (tests/unit/test_tables.c checks that every name resolves). */
int vlp_type_feature_bit(const struct vlp_device_type *t, const char *name)
{
	for (size_t i = 0; i < t->features->count; i++)
		if (!strcmp(t->features->entries[i].name, name))
			return (int)t->features->entries[i].value;
	return -1;
}

/* A queue exists when it needs no feature or the feature is on.  Without
 * the driver's features (NULL), every optional queue counts as absent. */
static bool queue_present(const struct vlp_device_type *t, const struct vlp_queue_def *q,
			  const uint32_t *features)
{
	int bit;

	if (!q->feature)
		return true;
	bit = vlp_type_feature_bit(t, q->feature);
	return features && bit >= 0 && (unsigned)bit < 32 * VLP_FEATURE_WORDS &&
	       (features[bit / 32] >> (bit % 32) & 1);
}

/* The k-th present queue of defs, NULL past the last; *n counts them. */
static const struct vlp_queue_def *nth_present(const struct vlp_device_type *t,
					       const struct vlp_queue_def *defs, size_t ndefs,
					       const uint32_t *features, unsigned k, unsigned *n)
{
	const struct vlp_queue_def *found = NULL;

	*n = 0;
	for (size_t i = 0; i < ndefs; i++)
		if (queue_present(t, &defs[i], features) && (*n)++ == k)
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
		q = nth_present(t, ql->head, ql->nhead, driver_features, index, &nhead);
		if (!q && index >= nhead && num_queues && index < num_queues) {
			/* The tail queues are the last ones (4.1.4.3: num_queues). */
			nth_present(t, ql->tail, ql->ntail, driver_features, 0, &ntail);
			if (ntail && index >= num_queues - ntail && num_queues >= nhead + ntail)
				q = nth_present(t, ql->tail, ql->ntail, driver_features,
						index - (num_queues - ntail), &ntail);
		}
		if (!q && index >= nhead) {
			unsigned g = index - nhead;

			nth_present(t, ql->group, ql->ngroup, driver_features, 0, &ngroup);
			if (ngroup) {
				q = nth_present(t, ql->group, ql->ngroup, driver_features, g % ngroup,
						&ngroup);
				number = ql->first + g / ngroup;
			} else if (!num_queues) {
				/* No count known: the tail follows the head. */
				q = nth_present(t, ql->tail, ql->ntail, driver_features, g, &ntail);
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
	switch (role) {
	case VLP_QUEUE_RECEIVE:
		return "receive";
	case VLP_QUEUE_TRANSMIT:
		return "transmit";
	case VLP_QUEUE_CONTROL:
		return "control";
	case VLP_QUEUE_REQUEST:
		return "request";
	case VLP_QUEUE_EVENT:
		return "event";
	case VLP_QUEUE_OTHER:
		break;
	}
	return "other";
}
