/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvlp: numbers from the virtio and PCI specifications: IDs, feature, status, ISR and descriptor bits.  Part of <vlp.h>. */
#ifndef VLP_SPEC_H
#define VLP_SPEC_H

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VLP_CONFIG_MAX 4096u   /* PCIe extended config space */
#define VLP_CONFIG_LEGACY 256u /* conventional PCI config space */
#define VLP_CONFIG_HEADER 64u  /* type 0 header, all that sysfs gives non-root */
#define VLP_NUM_BARS 6u

#define VLP_VIRTIO_VENDOR 0x1af4u
#define VLP_VIRTIO_DEVICE_FIRST 0x1000u
#define VLP_VIRTIO_DEVICE_LAST 0x107fu
#define VLP_VIRTIO_MODERN_BASE 0x1040u
/* A field that exists only when a feature bit is offered by the device:
 * .feature = VLP_FEATURE(bit); 0 means always present. */
#define VLP_FEATURE(bit) ((uint16_t)((bit) + 1))
#define VLP_FEATURE_BIT(f) ((unsigned)(f)-1)
#define VLP_FEATURE_WORDS 4 /* feature selects 0..3: bits 0-127 */

/* Device-independent feature bit numbers (chapter 6 and 6.3, legacy 24, 27,
 * 30); defined here once, the name table (features.c) is built from them. */
enum vlp_feature_bit {
	VLP_F_NOTIFY_ON_EMPTY = 24,
	VLP_F_ANY_LAYOUT = 27,
	VLP_F_INDIRECT_DESC = 28,
	VLP_F_EVENT_IDX = 29,
	VLP_F_UNUSED = 30,
	VLP_F_VERSION_1 = 32,
	VLP_F_ACCESS_PLATFORM = 33,
	VLP_F_RING_PACKED = 34,
	VLP_F_IN_ORDER = 35,
	VLP_F_ORDER_PLATFORM = 36,
	VLP_F_SR_IOV = 37,
	VLP_F_NOTIFICATION_DATA = 38,
	VLP_F_NOTIF_CONFIG_DATA = 39,
	VLP_F_RING_RESET = 40,
	VLP_F_ADMIN_VQ = 41,
	VLP_F_SUSPEND = 43,
};

/* Device status bit numbers (2.1); the mask of bit b is 1u << b. */
enum vlp_status_bit {
	VLP_S_ACKNOWLEDGE = 0,
	VLP_S_DRIVER = 1,
	VLP_S_DRIVER_OK = 2,
	VLP_S_FEATURES_OK = 3,
	VLP_S_SUSPEND = 4,
	VLP_S_DEVICE_NEEDS_RESET = 6,
	VLP_S_FAILED = 7,
	VLP_S_UNDEFINED_5 = 5, /* the one bit 2.1 does not define */
};
#define VLP_S_MASK(bit) (1u << (bit))

/* VIRTIO_MSI_NO_VECTOR (4.1.4.3): no MSI-X vector mapped to the event; also what
 * the device reads back for a mapping it could not make (4.1.5.1.2.1). */
#define VLP_NO_VECTOR 0xffffu

/* How long a driver waits for device_status to read back 0 after writing 0
 * (4.1.4.3.2: "the driver MUST wait for a read of device_status to return
 * 0"); the one timeout every reset in the library and its faces uses. */
#define VLP_RESET_TIMEOUT_MS 1000u

/* ISR status bit numbers (4.1.4.5). */
enum vlp_isr_bit {
	VLP_ISR_QUEUE_INTERRUPT = 0,
	VLP_ISR_CONFIG_INTERRUPT = 1,
};

/* Virtio device IDs (chapter 5; 14 and 15 unassigned, 37 Linux's dmabuf). */
enum vlp_device_id {
	VLP_ID_NET = 1,
	VLP_ID_BLOCK = 2,
	VLP_ID_CONSOLE = 3,
	VLP_ID_ENTROPY = 4,
	VLP_ID_BALLOON = 5,
	VLP_ID_IOMEMORY = 6,
	VLP_ID_RPMSG = 7,
	VLP_ID_SCSI = 8,
	VLP_ID_9P = 9,
	VLP_ID_MAC80211_WLAN = 10,
	VLP_ID_RPROC_SERIAL = 11,
	VLP_ID_CAIF = 12,
	VLP_ID_MEMORY_BALLOON = 13,
	VLP_ID_GPU = 16,
	VLP_ID_RTC = 17,
	VLP_ID_INPUT = 18,
	VLP_ID_VSOCK = 19,
	VLP_ID_CRYPTO = 20,
	VLP_ID_SIGNAL_DIST = 21,
	VLP_ID_PSTORE = 22,
	VLP_ID_IOMMU = 23,
	VLP_ID_MEM = 24,
	VLP_ID_SOUND = 25,
	VLP_ID_FS = 26,
	VLP_ID_PMEM = 27,
	VLP_ID_RPMB = 28,
	VLP_ID_MAC80211_HWSIM = 29,
	VLP_ID_VIDEO_ENCODER = 30,
	VLP_ID_VIDEO_DECODER = 31,
	VLP_ID_SCMI = 32,
	VLP_ID_NITRO_SEC_MOD = 33,
	VLP_ID_I2C = 34,
	VLP_ID_WATCHDOG = 35,
	VLP_ID_CAN = 36,
	VLP_ID_DMABUF = 37,
	VLP_ID_PARAM_SERV = 38,
	VLP_ID_AUDIO_POLICY = 39,
	VLP_ID_BLUETOOTH = 40,
	VLP_ID_GPIO = 41,
	VLP_ID_RDMA = 42,
	VLP_ID_CAMERA = 43,
	VLP_ID_ISM = 44,
	VLP_ID_SPI = 45,
	VLP_ID_TEE = 46,
	VLP_ID_CPU_BALLOON = 47,
	VLP_ID_MEDIA = 48,
	VLP_ID_USB = 49,
	VLP_ID_COUNT /* one past the highest ID named */
};
/* ------------------------------------------------------------------ */
/* Device-specific feature bit numbers                                 */
/* ------------------------------------------------------------------ */

/* The feature bits of each device type (chapter 5, "Feature bits" of each
 * device's chapter; 2.2: bits 0-23, 50-127 and, legacy net only, 41-42),
 * named VLP_ for the spec's VIRTIO_.  Defined here once: the name tables
 * of features.c are built from these constants (the name a table shows is
 * the constant's own spelling), and code that means one bit names it. */

/* 5.1.3 (network device); 5.1.3.2 legacy: GSO 6, GUEST_RSC4 41 (also
 * VIRTIO_F_ADMIN_VQ of chapter 6, vlp_feature_name() says that), GUEST_RSC6 42 */
enum vlp_net_feature_bit {
	VLP_NET_F_CSUM = 0,
	VLP_NET_F_GUEST_CSUM = 1,
	VLP_NET_F_CTRL_GUEST_OFFLOADS = 2,
	VLP_NET_F_MTU = 3,
	VLP_NET_F_MAC = 5,
	VLP_NET_F_GSO = 6,
	VLP_NET_F_GUEST_TSO4 = 7,
	VLP_NET_F_GUEST_TSO6 = 8,
	VLP_NET_F_GUEST_ECN = 9,
	VLP_NET_F_GUEST_UFO = 10,
	VLP_NET_F_HOST_TSO4 = 11,
	VLP_NET_F_HOST_TSO6 = 12,
	VLP_NET_F_HOST_ECN = 13,
	VLP_NET_F_HOST_UFO = 14,
	VLP_NET_F_MRG_RXBUF = 15,
	VLP_NET_F_STATUS = 16,
	VLP_NET_F_CTRL_VQ = 17,
	VLP_NET_F_CTRL_RX = 18,
	VLP_NET_F_CTRL_VLAN = 19,
	VLP_NET_F_CTRL_RX_EXTRA = 20,
	VLP_NET_F_GUEST_ANNOUNCE = 21,
	VLP_NET_F_MQ = 22,
	VLP_NET_F_CTRL_MAC_ADDR = 23,
	VLP_NET_F_GUEST_RSC4 = 41,
	VLP_NET_F_GUEST_RSC6 = 42,
	VLP_NET_F_DEVICE_STATS = 50,
	VLP_NET_F_HASH_TUNNEL = 51,
	VLP_NET_F_VQ_NOTF_COAL = 52,
	VLP_NET_F_NOTF_COAL = 53,
	VLP_NET_F_GUEST_USO4 = 54,
	VLP_NET_F_GUEST_USO6 = 55,
	VLP_NET_F_HOST_USO = 56,
	VLP_NET_F_HASH_REPORT = 57,
	VLP_NET_F_GUEST_HDRLEN = 59,
	VLP_NET_F_RSS = 60,
	VLP_NET_F_RSC_EXT = 61,
	VLP_NET_F_STANDBY = 62,
	VLP_NET_F_SPEED_DUPLEX = 63,
	VLP_NET_F_RSS_CONTEXT = 64,
	VLP_NET_F_GUEST_UDP_TUNNEL_GSO = 65,
	VLP_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM = 66,
	VLP_NET_F_HOST_UDP_TUNNEL_GSO = 67,
	VLP_NET_F_HOST_UDP_TUNNEL_GSO_CSUM = 68,
	VLP_NET_F_OUT_NET_HEADER = 69,
	VLP_NET_F_IPSEC = 70,
};

/* 5.2.3 (block device); 5.2.3.1 legacy: BARRIER 0, SCSI 7 */
enum vlp_blk_feature_bit {
	VLP_BLK_F_BARRIER = 0,
	VLP_BLK_F_SIZE_MAX = 1,
	VLP_BLK_F_SEG_MAX = 2,
	VLP_BLK_F_GEOMETRY = 4,
	VLP_BLK_F_RO = 5,
	VLP_BLK_F_BLK_SIZE = 6,
	VLP_BLK_F_SCSI = 7,
	VLP_BLK_F_FLUSH = 9,
	VLP_BLK_F_TOPOLOGY = 10,
	VLP_BLK_F_CONFIG_WCE = 11,
	VLP_BLK_F_MQ = 12,
	VLP_BLK_F_DISCARD = 13,
	VLP_BLK_F_WRITE_ZEROES = 14,
	VLP_BLK_F_LIFETIME = 15,
	VLP_BLK_F_SECURE_ERASE = 16,
	VLP_BLK_F_ZONED = 17,
};

/* 5.3.3 (console device) */
enum vlp_console_feature_bit {
	VLP_CONSOLE_F_SIZE = 0,
	VLP_CONSOLE_F_MULTIPORT = 1,
	VLP_CONSOLE_F_EMERG_WRITE = 2,
};

/* 5.5.3 (traditional memory balloon device) */
enum vlp_balloon_feature_bit {
	VLP_BALLOON_F_MUST_TELL_HOST = 0,
	VLP_BALLOON_F_STATS_VQ = 1,
	VLP_BALLOON_F_DEFLATE_ON_OOM = 2,
	VLP_BALLOON_F_FREE_PAGE_HINT = 3,
	VLP_BALLOON_F_PAGE_POISON = 4,
	VLP_BALLOON_F_PAGE_REPORTING = 5,
};

/* 5.6.3 (SCSI host device) */
enum vlp_scsi_feature_bit {
	VLP_SCSI_F_INOUT = 0,
	VLP_SCSI_F_HOTPLUG = 1,
	VLP_SCSI_F_CHANGE = 2,
	VLP_SCSI_F_T10_PI = 3,
};

/* Virtqueue indices (5.x.2): the one request queue of a block device
 * without MQ and of an entropy device, a network device's first queue pair
 * and its control queue without VIRTIO_NET_F_MQ, port 0 of a console
 * without MULTIPORT, a SCSI host's control, event and first request queue. */
#define VLP_BLK_REQUESTQ 0
#define VLP_ENTROPY_REQUESTQ 0
#define VLP_NET_RECEIVEQ 0
#define VLP_NET_TRANSMITQ 1
#define VLP_NET_CONTROLQ 2
#define VLP_CONSOLE_RECEIVEQ 0
#define VLP_CONSOLE_TRANSMITQ 1
#define VLP_SCSI_CONTROLQ 0
#define VLP_SCSI_EVENTQ 1
#define VLP_SCSI_REQUESTQ 2

/* Requests and answers the exercise checks make (chapter 5).  Block
 * request types and status bytes (5.2.6); the network control queue's MAC
 * class and ack (5.1.6.5, 5.1.6.5.2); the SCSI response byte (5.6.6.1). */
enum vlp_blk_request {
	VLP_BLK_T_IN = 0,
	VLP_BLK_T_OUT = 1,
	VLP_BLK_T_FLUSH = 4,
	VLP_BLK_T_GET_ID = 8,
};
enum vlp_blk_status {
	VLP_BLK_S_OK = 0,
	VLP_BLK_S_IOERR = 1,
	VLP_BLK_S_UNSUPP = 2,
};
#define VLP_BLK_ID_BYTES 20 /* GET_ID: a NUL-padded ASCII string of up to 20 bytes */
#define VLP_BLK_SECTOR 512u /* sector is in 512-byte units (5.2.6) */
/* struct virtio_net_hdr (5.1.6) with VIRTIO_F_VERSION_1, num_buffers its
 * last field; legacy without MRG_RXBUF it ends before num_buffers */
#define VLP_NET_HDR_LEN 12
#define VLP_NET_HDR_LEGACY_LEN 10
#define VLP_NET_HDR_NUM_BUFFERS 10
#define VLP_NET_CTRL_RX 0 /* class, and its command PROMISC (5.1.6.5.1) */
#define VLP_NET_CTRL_RX_PROMISC 0
#define VLP_NET_CTRL_MAC 1
#define VLP_NET_CTRL_MAC_ADDR_SET 1
#define VLP_NET_OK 0
/* 5.6: struct virtio_scsi_req_cmd before its CDB (lun[8], id, task_attr,
 * prio, crn) and struct virtio_scsi_resp_cmd before its sense (sense_len,
 * residual, status_qualifier, status, response), the response byte at 11
 * (5.6.6). */
#define VLP_SCSI_REQ_HDR 19
#define VLP_SCSI_RESP_HDR 12
#define VLP_SCSI_RESP_SENSE_LEN 0 /* le32 */
#define VLP_SCSI_RESP_RESIDUAL 4  /* le32 */
#define VLP_SCSI_RESP_STATUS 10   /* the SCSI status byte (SAM) */
#define VLP_SCSI_RESP_RESPONSE 11
#define VLP_SCSI_S_OK 0
#define VLP_SCSI_S_BAD_TARGET 3
#define VLP_SCSI_S_FAILURE 9
#define VLP_SCSI_SENSE_DEFAULT 96 /* sense_size and cdb_size on reset (5.6.4) */
#define VLP_SCSI_CDB_DEFAULT 32
/* SCSI itself (SPC-4): the commands the self-test and the exercise send (a
 * CDB's first byte), the standard INQUIRY data's length, vendor, product and
 * revision included (6.6.2) */
enum vlp_scsi_opcode {
	VLP_SCSI_OP_TEST_UNIT_READY = 0x00,
	VLP_SCSI_OP_INQUIRY = 0x12,
	VLP_SCSI_OP_REPORT_LUNS = 0xa0,
};
#define VLP_SCSI_INQUIRY_LEN 36

/* 9P transport (ID 9): no chapter in the spec; Linux include/uapi/linux/virtio_9p.h
 * (Linux names it VIRTIO_9P_MOUNT_TAG, without _F_) */
enum vlp_9p_feature_bit {
	VLP_9P_MOUNT_TAG = 0,
};

/* 5.7.3 (GPU device) */
enum vlp_gpu_feature_bit {
	VLP_GPU_F_VIRGL = 0,
	VLP_GPU_F_EDID = 1,
	VLP_GPU_F_RESOURCE_UUID = 2,
	VLP_GPU_F_RESOURCE_BLOB = 3,
	VLP_GPU_F_CONTEXT_INIT = 4,
	VLP_GPU_F_BLOB_ALIGNMENT = 5,
};

/* 5.9.3 (crypto device) */
enum vlp_crypto_feature_bit {
	VLP_CRYPTO_F_REVISION_1 = 0,
	VLP_CRYPTO_F_CIPHER_STATELESS_MODE = 1,
	VLP_CRYPTO_F_HASH_STATELESS_MODE = 2,
	VLP_CRYPTO_F_MAC_STATELESS_MODE = 3,
	VLP_CRYPTO_F_AEAD_STATELESS_MODE = 4,
	VLP_CRYPTO_F_AKCIPHER_STATELESS_MODE = 5,
};

/* 5.10.3 (socket device) */
enum vlp_vsock_feature_bit {
	VLP_VSOCK_F_STREAM = 0,
	VLP_VSOCK_F_SEQPACKET = 1,
	VLP_VSOCK_F_NO_IMPLIED_STREAM = 2,
};

/* 5.11.3 (file system device) */
enum vlp_fs_feature_bit {
	VLP_FS_F_NOTIFICATION = 0,
};

/* 5.13.3 (IOMMU device) */
enum vlp_iommu_feature_bit {
	VLP_IOMMU_F_INPUT_RANGE = 0,
	VLP_IOMMU_F_DOMAIN_RANGE = 1,
	VLP_IOMMU_F_MAP_UNMAP = 2,
	VLP_IOMMU_F_BYPASS = 3,
	VLP_IOMMU_F_PROBE = 4,
	VLP_IOMMU_F_MMIO = 5,
	VLP_IOMMU_F_BYPASS_CONFIG = 6,
};

/* 5.14.3 (sound device; the spec spells the type SND) */
enum vlp_sound_feature_bit {
	VLP_SND_F_CTLS = 0,
};

/* 5.15.3 (memory device) */
enum vlp_mem_feature_bit {
	VLP_MEM_F_ACPI_PXM = 0,
	VLP_MEM_F_UNPLUGGED_INACCESSIBLE = 1,
	VLP_MEM_F_PERSISTENT_SUSPEND = 2,
};

/* 5.16.3 (I2C adapter device) */
enum vlp_i2c_feature_bit {
	VLP_I2C_F_ZERO_LENGTH_REQUEST = 0,
};

/* 5.17.3 (SCMI device) */
enum vlp_scmi_feature_bit {
	VLP_SCMI_F_P2A_CHANNELS = 0,
	VLP_SCMI_F_SHARED_MEMORY = 1,
};

/* 5.18.3 (GPIO device) */
enum vlp_gpio_feature_bit {
	VLP_GPIO_F_IRQ = 0,
};

/* 5.19.3 (PMEM device) */
enum vlp_pmem_feature_bit {
	VLP_PMEM_F_SHMEM_REGION = 0,
};

/* 5.20.3 (CAN device) */
enum vlp_can_feature_bit {
	VLP_CAN_F_CAN_CLASSIC = 0,
	VLP_CAN_F_CAN_FD = 1,
	VLP_CAN_F_RTR_FRAMES = 2,
	VLP_CAN_F_LATE_TX_ACK = 3,
};

/* 5.23.3 (RTC device) */
enum vlp_rtc_feature_bit {
	VLP_RTC_F_ALARM = 0,
};

/* Descriptor flag bits (VLP_NAMES_BITS): split NEXT, WRITE, INDIRECT
 * (2.7.5); packed adds AVAIL (bit 7) and USED (bit 15) (2.8.1). */
#define VLP_DESC_F_NEXT 0x1u
#define VLP_DESC_F_WRITE 0x2u
#define VLP_DESC_F_INDIRECT 0x4u
#define VLP_DESC_F_AVAIL 0x80u
#define VLP_DESC_F_USED 0x8000u
#define VLP_AVAIL_F_NO_INTERRUPT 0x1u /* 2.7.6 */
#define VLP_USED_F_NO_NOTIFY 0x1u     /* 2.7.8 */
#define VLP_EVENT_F_ENABLE 0x0u       /* 2.8.10: desc_event_flags values */
#define VLP_EVENT_F_DISABLE 0x1u
#define VLP_EVENT_F_DESC 0x2u
/* An off_wrap (2.8.14; 4.1.5.2's next_off and next_wrap): a packed ring
 * position as the slot in bits 0-14 and the wrap counter in bit 15. */
#define VLP_OFF_WRAP_SLOT 0x7fffu
#define VLP_OFF_WRAP_WRAP 0x8000u

#ifdef __cplusplus
}
#endif
#endif /* VLP_SPEC_H */
