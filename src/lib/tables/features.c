/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Feature bit names: the device-independent ("reserved") bits of chapter 6
 * and the device-specific bits of each device type of chapter 5, virtio
 * spec 1.4.  Names are spelled as the spec spells them.
 *
 * Allocation (2.2): bits 0-23, 41-42 (legacy net only) and 50-127 are the
 * device type's; 24-40 and 43 are the transport's and the virtqueues'
 * (chapter 6), 41 is VIRTIO_F_ADMIN_VQ in chapter 6 (1.4-cs01 still lists
 * it there although 5.1.3.2 gives 41 to the legacy VIRTIO_NET_F_GUEST_RSC4);
 * vlp_feature_name() resolves 24-41 and 43 through the transport table.
 *
 * The bit numbers are vlp.h's (enum vlp_feature_bit and one enum per
 * device type): each row is made from its constant, the name being the
 * constant's own spelling with VIRTIO_ for VLP_, so a name and its number
 * cannot disagree.  Rows are listed, not indexed by bit ([bit] = ...): a
 * table is a dense array sorted by bit that the REPL and the printers walk,
 * and the bits have gaps.  Every table is sorted by bit and holds exactly
 * the constants of its enum; tests/unit/test_features.c checks both.
 */
#include "internal.h"

#define BITS(arr) NAMES(VLP_NAMES_BITS, arr)
/* A device type's bit from its vlp.h constant: TYPE_BIT(NET_F_MAC) is
 * VLP_NET_F_MAC named "VIRTIO_NET_F_MAC". */
#define TYPE_BIT(n)                                                                                \
	{                                                                                          \
		VLP_##n, "VIRTIO_" #n                                                              \
	}

/* 6 Reserved Feature Bits, and 6.3 Legacy Interface: Reserved Feature Bits
 * (24, 27, 30).  Bit 30 is "UNUSED" in the spec (QEMU: VIRTIO_F_BAD_FEATURE);
 * 43 (SUSPEND) is new in 1.4. */
/* Built from the bit numbers of vlp.h (enum vlp_feature_bit). */
#define TRANSPORT_BIT(n)                                                                           \
	{                                                                                          \
		VLP_F_##n, "VIRTIO_F_" #n                                                          \
	}
static const struct vlp_name transport_bits[] = {
	TRANSPORT_BIT(NOTIFY_ON_EMPTY),
	TRANSPORT_BIT(ANY_LAYOUT),
	TRANSPORT_BIT(INDIRECT_DESC),
	TRANSPORT_BIT(EVENT_IDX),
	TRANSPORT_BIT(UNUSED),
	TRANSPORT_BIT(VERSION_1),
	TRANSPORT_BIT(ACCESS_PLATFORM),
	TRANSPORT_BIT(RING_PACKED),
	TRANSPORT_BIT(IN_ORDER),
	TRANSPORT_BIT(ORDER_PLATFORM),
	TRANSPORT_BIT(SR_IOV),
	TRANSPORT_BIT(NOTIFICATION_DATA),
	TRANSPORT_BIT(NOTIF_CONFIG_DATA),
	TRANSPORT_BIT(RING_RESET),
	TRANSPORT_BIT(ADMIN_VQ),
	TRANSPORT_BIT(SUSPEND),
};

/* 5.1.3 Feature bits (network device), with 5.1.3.2 Legacy Interface:
 * Feature bits (GSO 6, GUEST_RSC4 41, GUEST_RSC6 42).  Bits 65-70 are the
 * 1.4 additions (UDP tunnel GSO, outer network header, IPsec); their
 * numbers match Linux include/uapi/linux/virtio_net.h. */
static const struct vlp_name net_bits[] = {
	TYPE_BIT(NET_F_CSUM),
	TYPE_BIT(NET_F_GUEST_CSUM),
	TYPE_BIT(NET_F_CTRL_GUEST_OFFLOADS),
	TYPE_BIT(NET_F_MTU),
	TYPE_BIT(NET_F_MAC),
	TYPE_BIT(NET_F_GSO),
	TYPE_BIT(NET_F_GUEST_TSO4),
	TYPE_BIT(NET_F_GUEST_TSO6),
	TYPE_BIT(NET_F_GUEST_ECN),
	TYPE_BIT(NET_F_GUEST_UFO),
	TYPE_BIT(NET_F_HOST_TSO4),
	TYPE_BIT(NET_F_HOST_TSO6),
	TYPE_BIT(NET_F_HOST_ECN),
	TYPE_BIT(NET_F_HOST_UFO),
	TYPE_BIT(NET_F_MRG_RXBUF),
	TYPE_BIT(NET_F_STATUS),
	TYPE_BIT(NET_F_CTRL_VQ),
	TYPE_BIT(NET_F_CTRL_RX),
	TYPE_BIT(NET_F_CTRL_VLAN),
	TYPE_BIT(NET_F_CTRL_RX_EXTRA),
	TYPE_BIT(NET_F_GUEST_ANNOUNCE),
	TYPE_BIT(NET_F_MQ),
	TYPE_BIT(NET_F_CTRL_MAC_ADDR),
	/* legacy; vlp_feature_name() reports 41 as VIRTIO_F_ADMIN_VQ (6) */
	TYPE_BIT(NET_F_GUEST_RSC4),
	TYPE_BIT(NET_F_GUEST_RSC6),
	TYPE_BIT(NET_F_DEVICE_STATS),
	TYPE_BIT(NET_F_HASH_TUNNEL),
	TYPE_BIT(NET_F_VQ_NOTF_COAL),
	TYPE_BIT(NET_F_NOTF_COAL),
	TYPE_BIT(NET_F_GUEST_USO4),
	TYPE_BIT(NET_F_GUEST_USO6),
	TYPE_BIT(NET_F_HOST_USO),
	TYPE_BIT(NET_F_HASH_REPORT),
	TYPE_BIT(NET_F_GUEST_HDRLEN),
	TYPE_BIT(NET_F_RSS),
	TYPE_BIT(NET_F_RSC_EXT),
	TYPE_BIT(NET_F_STANDBY),
	TYPE_BIT(NET_F_SPEED_DUPLEX),
	TYPE_BIT(NET_F_RSS_CONTEXT),
	TYPE_BIT(NET_F_GUEST_UDP_TUNNEL_GSO),
	TYPE_BIT(NET_F_GUEST_UDP_TUNNEL_GSO_CSUM),
	TYPE_BIT(NET_F_HOST_UDP_TUNNEL_GSO),
	TYPE_BIT(NET_F_HOST_UDP_TUNNEL_GSO_CSUM),
	TYPE_BIT(NET_F_OUT_NET_HEADER),
	TYPE_BIT(NET_F_IPSEC),
};

/* 5.2.3 Feature bits (block device), with 5.2.3.1 Legacy Interface:
 * Feature bits (BARRIER 0, SCSI 7; FLUSH was also called WCE). */
static const struct vlp_name blk_bits[] = {
	TYPE_BIT(BLK_F_BARRIER),      TYPE_BIT(BLK_F_SIZE_MAX), TYPE_BIT(BLK_F_SEG_MAX),
	TYPE_BIT(BLK_F_GEOMETRY),     TYPE_BIT(BLK_F_RO),       TYPE_BIT(BLK_F_BLK_SIZE),
	TYPE_BIT(BLK_F_SCSI),         TYPE_BIT(BLK_F_FLUSH),    TYPE_BIT(BLK_F_TOPOLOGY),
	TYPE_BIT(BLK_F_CONFIG_WCE),   TYPE_BIT(BLK_F_MQ),       TYPE_BIT(BLK_F_DISCARD),
	TYPE_BIT(BLK_F_WRITE_ZEROES), TYPE_BIT(BLK_F_LIFETIME), TYPE_BIT(BLK_F_SECURE_ERASE),
	TYPE_BIT(BLK_F_ZONED),
};

/* 5.3.3 Feature bits (console device). */
static const struct vlp_name console_bits[] = {
	TYPE_BIT(CONSOLE_F_SIZE),
	TYPE_BIT(CONSOLE_F_MULTIPORT),
	TYPE_BIT(CONSOLE_F_EMERG_WRITE),
};

/* 5.5.3 Feature bits (traditional memory balloon device). */
static const struct vlp_name balloon_bits[] = {
	TYPE_BIT(BALLOON_F_MUST_TELL_HOST), TYPE_BIT(BALLOON_F_STATS_VQ),
	TYPE_BIT(BALLOON_F_DEFLATE_ON_OOM), TYPE_BIT(BALLOON_F_FREE_PAGE_HINT),
	TYPE_BIT(BALLOON_F_PAGE_POISON),    TYPE_BIT(BALLOON_F_PAGE_REPORTING),
};

/* 5.6.3 Feature bits (SCSI host device). */
static const struct vlp_name scsi_bits[] = {
	TYPE_BIT(SCSI_F_INOUT),
	TYPE_BIT(SCSI_F_HOTPLUG),
	TYPE_BIT(SCSI_F_CHANGE),
	TYPE_BIT(SCSI_F_T10_PI),
};

/* The 9P transport (ID 9) has no chapter in the spec: this bit comes from
 * Linux include/uapi/linux/virtio_9p.h (QEMU offers it). */
static const struct vlp_name p9_bits[] = {
	TYPE_BIT(9P_MOUNT_TAG),
};

/* 5.7.3 Feature bits (GPU device); BLOB_ALIGNMENT (5) is new in 1.4. */
static const struct vlp_name gpu_bits[] = {
	TYPE_BIT(GPU_F_VIRGL),         TYPE_BIT(GPU_F_EDID),         TYPE_BIT(GPU_F_RESOURCE_UUID),
	TYPE_BIT(GPU_F_RESOURCE_BLOB), TYPE_BIT(GPU_F_CONTEXT_INIT), TYPE_BIT(GPU_F_BLOB_ALIGNMENT),
};

/* 5.9.3 Feature bits (crypto device). */
static const struct vlp_name crypto_bits[] = {
	TYPE_BIT(CRYPTO_F_REVISION_1),          TYPE_BIT(CRYPTO_F_CIPHER_STATELESS_MODE),
	TYPE_BIT(CRYPTO_F_HASH_STATELESS_MODE), TYPE_BIT(CRYPTO_F_MAC_STATELESS_MODE),
	TYPE_BIT(CRYPTO_F_AEAD_STATELESS_MODE), TYPE_BIT(CRYPTO_F_AKCIPHER_STATELESS_MODE),
};

/* 5.10.3 Feature bits (socket device). */
static const struct vlp_name vsock_bits[] = {
	TYPE_BIT(VSOCK_F_STREAM),
	TYPE_BIT(VSOCK_F_SEQPACKET),
	TYPE_BIT(VSOCK_F_NO_IMPLIED_STREAM),
};

/* 5.11.3 Feature bits (file system device). */
static const struct vlp_name fs_bits[] = {
	TYPE_BIT(FS_F_NOTIFICATION),
};

/* 5.13.3 Feature bits (IOMMU device). */
static const struct vlp_name iommu_bits[] = {
	TYPE_BIT(IOMMU_F_INPUT_RANGE),   TYPE_BIT(IOMMU_F_DOMAIN_RANGE),
	TYPE_BIT(IOMMU_F_MAP_UNMAP),     TYPE_BIT(IOMMU_F_BYPASS),
	TYPE_BIT(IOMMU_F_PROBE),         TYPE_BIT(IOMMU_F_MMIO),
	TYPE_BIT(IOMMU_F_BYPASS_CONFIG),
};

/* 5.14.3 Feature Bits (sound device). */
static const struct vlp_name sound_bits[] = {
	TYPE_BIT(SND_F_CTLS),
};

/* 5.15.3 Feature bits (memory device). */
static const struct vlp_name mem_bits[] = {
	TYPE_BIT(MEM_F_ACPI_PXM),
	TYPE_BIT(MEM_F_UNPLUGGED_INACCESSIBLE),
	TYPE_BIT(MEM_F_PERSISTENT_SUSPEND),
};

/* 5.16.3 Feature bits (I2C adapter device). */
static const struct vlp_name i2c_bits[] = {
	TYPE_BIT(I2C_F_ZERO_LENGTH_REQUEST),
};

/* 5.17.3 Feature bits (SCMI device). */
static const struct vlp_name scmi_bits[] = {
	TYPE_BIT(SCMI_F_P2A_CHANNELS),
	TYPE_BIT(SCMI_F_SHARED_MEMORY),
};

/* 5.18.3 Feature bits (GPIO device). */
static const struct vlp_name gpio_bits[] = {
	TYPE_BIT(GPIO_F_IRQ),
};

/* 5.19.3 Feature bits (PMEM device). */
static const struct vlp_name pmem_bits[] = {
	TYPE_BIT(PMEM_F_SHMEM_REGION),
};

/* 5.20.3 Feature bits (CAN device). */
static const struct vlp_name can_bits[] = {
	TYPE_BIT(CAN_F_CAN_CLASSIC),
	TYPE_BIT(CAN_F_CAN_FD),
	TYPE_BIT(CAN_F_RTR_FRAMES),
	TYPE_BIT(CAN_F_LATE_TX_ACK),
};

/* 5.23.3 Feature bits (RTC device); matches Linux virtio_rtc.h. */
static const struct vlp_name rtc_bits[] = {
	TYPE_BIT(RTC_F_ALARM),
};

static const struct vlp_names transport_names = BITS(transport_bits);
const struct vlp_names vlp_features_net = BITS(net_bits);
const struct vlp_names vlp_features_blk = BITS(blk_bits);
const struct vlp_names vlp_features_console = BITS(console_bits);
const struct vlp_names vlp_features_balloon = BITS(balloon_bits);
const struct vlp_names vlp_features_scsi = BITS(scsi_bits);
const struct vlp_names vlp_features_p9 = BITS(p9_bits);
const struct vlp_names vlp_features_gpu = BITS(gpu_bits);
const struct vlp_names vlp_features_crypto = BITS(crypto_bits);
const struct vlp_names vlp_features_vsock = BITS(vsock_bits);
const struct vlp_names vlp_features_fs = BITS(fs_bits);
const struct vlp_names vlp_features_iommu = BITS(iommu_bits);
const struct vlp_names vlp_features_sound = BITS(sound_bits);
const struct vlp_names vlp_features_mem = BITS(mem_bits);
const struct vlp_names vlp_features_i2c = BITS(i2c_bits);
const struct vlp_names vlp_features_scmi = BITS(scmi_bits);
const struct vlp_names vlp_features_gpio = BITS(gpio_bits);
const struct vlp_names vlp_features_pmem = BITS(pmem_bits);
const struct vlp_names vlp_features_can = BITS(can_bits);
const struct vlp_names vlp_features_rtc = BITS(rtc_bits);

const struct vlp_names *vlp_transport_feature_names(void)
{
	return &transport_names;
}
