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
 * Every table is sorted by bit; tests/unit/test_tables.c checks that.
 */
#include "internal.h"

#define BITS(arr) NAMES(VLP_NAMES_BITS, arr)

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
	{ 0, "VIRTIO_NET_F_CSUM" },
	{ 1, "VIRTIO_NET_F_GUEST_CSUM" },
	{ 2, "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS" },
	{ 3, "VIRTIO_NET_F_MTU" },
	{ 5, "VIRTIO_NET_F_MAC" },
	{ 6, "VIRTIO_NET_F_GSO" },
	{ 7, "VIRTIO_NET_F_GUEST_TSO4" },
	{ 8, "VIRTIO_NET_F_GUEST_TSO6" },
	{ 9, "VIRTIO_NET_F_GUEST_ECN" },
	{ 10, "VIRTIO_NET_F_GUEST_UFO" },
	{ 11, "VIRTIO_NET_F_HOST_TSO4" },
	{ 12, "VIRTIO_NET_F_HOST_TSO6" },
	{ 13, "VIRTIO_NET_F_HOST_ECN" },
	{ 14, "VIRTIO_NET_F_HOST_UFO" },
	{ 15, "VIRTIO_NET_F_MRG_RXBUF" },
	{ 16, "VIRTIO_NET_F_STATUS" },
	{ 17, "VIRTIO_NET_F_CTRL_VQ" },
	{ 18, "VIRTIO_NET_F_CTRL_RX" },
	{ 19, "VIRTIO_NET_F_CTRL_VLAN" },
	{ 20, "VIRTIO_NET_F_CTRL_RX_EXTRA" },
	{ 21, "VIRTIO_NET_F_GUEST_ANNOUNCE" },
	{ 22, "VIRTIO_NET_F_MQ" },
	{ 23, "VIRTIO_NET_F_CTRL_MAC_ADDR" },
	/* legacy; vlp_feature_name() reports 41 as VIRTIO_F_ADMIN_VQ (6) */
	{ 41, "VIRTIO_NET_F_GUEST_RSC4" },
	{ 42, "VIRTIO_NET_F_GUEST_RSC6" },
	{ 50, "VIRTIO_NET_F_DEVICE_STATS" },
	{ 51, "VIRTIO_NET_F_HASH_TUNNEL" },
	{ 52, "VIRTIO_NET_F_VQ_NOTF_COAL" },
	{ 53, "VIRTIO_NET_F_NOTF_COAL" },
	{ 54, "VIRTIO_NET_F_GUEST_USO4" },
	{ 55, "VIRTIO_NET_F_GUEST_USO6" },
	{ 56, "VIRTIO_NET_F_HOST_USO" },
	{ 57, "VIRTIO_NET_F_HASH_REPORT" },
	{ 59, "VIRTIO_NET_F_GUEST_HDRLEN" },
	{ 60, "VIRTIO_NET_F_RSS" },
	{ 61, "VIRTIO_NET_F_RSC_EXT" },
	{ 62, "VIRTIO_NET_F_STANDBY" },
	{ 63, "VIRTIO_NET_F_SPEED_DUPLEX" },
	{ 64, "VIRTIO_NET_F_RSS_CONTEXT" },
	{ 65, "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO" },
	{ 66, "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM" },
	{ 67, "VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO" },
	{ 68, "VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM" },
	{ 69, "VIRTIO_NET_F_OUT_NET_HEADER" },
	{ 70, "VIRTIO_NET_F_IPSEC" },
};

/* 5.2.3 Feature bits (block device), with 5.2.3.1 Legacy Interface:
 * Feature bits (BARRIER 0, SCSI 7; FLUSH was also called WCE). */
static const struct vlp_name blk_bits[] = {
	{ 0, "VIRTIO_BLK_F_BARRIER" },
	{ 1, "VIRTIO_BLK_F_SIZE_MAX" },
	{ 2, "VIRTIO_BLK_F_SEG_MAX" },
	{ 4, "VIRTIO_BLK_F_GEOMETRY" },
	{ 5, "VIRTIO_BLK_F_RO" },
	{ 6, "VIRTIO_BLK_F_BLK_SIZE" },
	{ 7, "VIRTIO_BLK_F_SCSI" },
	{ 9, "VIRTIO_BLK_F_FLUSH" },
	{ 10, "VIRTIO_BLK_F_TOPOLOGY" },
	{ 11, "VIRTIO_BLK_F_CONFIG_WCE" },
	{ 12, "VIRTIO_BLK_F_MQ" },
	{ 13, "VIRTIO_BLK_F_DISCARD" },
	{ 14, "VIRTIO_BLK_F_WRITE_ZEROES" },
	{ 15, "VIRTIO_BLK_F_LIFETIME" },
	{ 16, "VIRTIO_BLK_F_SECURE_ERASE" },
	{ 17, "VIRTIO_BLK_F_ZONED" },
};

/* 5.3.3 Feature bits (console device). */
static const struct vlp_name console_bits[] = {
	{ 0, "VIRTIO_CONSOLE_F_SIZE" },
	{ 1, "VIRTIO_CONSOLE_F_MULTIPORT" },
	{ 2, "VIRTIO_CONSOLE_F_EMERG_WRITE" },
};

/* 5.5.3 Feature bits (traditional memory balloon device). */
static const struct vlp_name balloon_bits[] = {
	{ 0, "VIRTIO_BALLOON_F_MUST_TELL_HOST" }, { 1, "VIRTIO_BALLOON_F_STATS_VQ" },
	{ 2, "VIRTIO_BALLOON_F_DEFLATE_ON_OOM" }, { 3, "VIRTIO_BALLOON_F_FREE_PAGE_HINT" },
	{ 4, "VIRTIO_BALLOON_F_PAGE_POISON" },    { 5, "VIRTIO_BALLOON_F_PAGE_REPORTING" },
};

/* 5.6.3 Feature bits (SCSI host device). */
static const struct vlp_name scsi_bits[] = {
	{ 0, "VIRTIO_SCSI_F_INOUT" },
	{ 1, "VIRTIO_SCSI_F_HOTPLUG" },
	{ 2, "VIRTIO_SCSI_F_CHANGE" },
	{ 3, "VIRTIO_SCSI_F_T10_PI" },
};

/* The 9P transport (ID 9) has no chapter in the spec: this bit comes from
 * Linux include/uapi/linux/virtio_9p.h (QEMU offers it). */
static const struct vlp_name p9_bits[] = {
	{ 0, "VIRTIO_9P_MOUNT_TAG" },
};

/* 5.7.3 Feature bits (GPU device); BLOB_ALIGNMENT (5) is new in 1.4. */
static const struct vlp_name gpu_bits[] = {
	{ 0, "VIRTIO_GPU_F_VIRGL" },         { 1, "VIRTIO_GPU_F_EDID" },
	{ 2, "VIRTIO_GPU_F_RESOURCE_UUID" }, { 3, "VIRTIO_GPU_F_RESOURCE_BLOB" },
	{ 4, "VIRTIO_GPU_F_CONTEXT_INIT" },  { 5, "VIRTIO_GPU_F_BLOB_ALIGNMENT" },
};

/* 5.9.3 Feature bits (crypto device). */
static const struct vlp_name crypto_bits[] = {
	{ 0, "VIRTIO_CRYPTO_F_REVISION_1" },
	{ 1, "VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE" },
	{ 2, "VIRTIO_CRYPTO_F_HASH_STATELESS_MODE" },
	{ 3, "VIRTIO_CRYPTO_F_MAC_STATELESS_MODE" },
	{ 4, "VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE" },
	{ 5, "VIRTIO_CRYPTO_F_AKCIPHER_STATELESS_MODE" },
};

/* 5.10.3 Feature bits (socket device). */
static const struct vlp_name vsock_bits[] = {
	{ 0, "VIRTIO_VSOCK_F_STREAM" },
	{ 1, "VIRTIO_VSOCK_F_SEQPACKET" },
	{ 2, "VIRTIO_VSOCK_F_NO_IMPLIED_STREAM" },
};

/* 5.11.3 Feature bits (file system device). */
static const struct vlp_name fs_bits[] = {
	{ 0, "VIRTIO_FS_F_NOTIFICATION" },
};

/* 5.13.3 Feature bits (IOMMU device). */
static const struct vlp_name iommu_bits[] = {
	{ 0, "VIRTIO_IOMMU_F_INPUT_RANGE" },   { 1, "VIRTIO_IOMMU_F_DOMAIN_RANGE" },
	{ 2, "VIRTIO_IOMMU_F_MAP_UNMAP" },     { 3, "VIRTIO_IOMMU_F_BYPASS" },
	{ 4, "VIRTIO_IOMMU_F_PROBE" },         { 5, "VIRTIO_IOMMU_F_MMIO" },
	{ 6, "VIRTIO_IOMMU_F_BYPASS_CONFIG" },
};

/* 5.14.3 Feature Bits (sound device). */
static const struct vlp_name sound_bits[] = {
	{ 0, "VIRTIO_SND_F_CTLS" },
};

/* 5.15.3 Feature bits (memory device). */
static const struct vlp_name mem_bits[] = {
	{ 0, "VIRTIO_MEM_F_ACPI_PXM" },
	{ 1, "VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE" },
	{ 2, "VIRTIO_MEM_F_PERSISTENT_SUSPEND" },
};

/* 5.16.3 Feature bits (I2C adapter device). */
static const struct vlp_name i2c_bits[] = {
	{ 0, "VIRTIO_I2C_F_ZERO_LENGTH_REQUEST" },
};

/* 5.17.3 Feature bits (SCMI device). */
static const struct vlp_name scmi_bits[] = {
	{ 0, "VIRTIO_SCMI_F_P2A_CHANNELS" },
	{ 1, "VIRTIO_SCMI_F_SHARED_MEMORY" },
};

/* 5.18.3 Feature bits (GPIO device). */
static const struct vlp_name gpio_bits[] = {
	{ 0, "VIRTIO_GPIO_F_IRQ" },
};

/* 5.19.3 Feature bits (PMEM device). */
static const struct vlp_name pmem_bits[] = {
	{ 0, "VIRTIO_PMEM_F_SHMEM_REGION" },
};

/* 5.20.3 Feature bits (CAN device). */
static const struct vlp_name can_bits[] = {
	{ 0, "VIRTIO_CAN_F_CAN_CLASSIC" },
	{ 1, "VIRTIO_CAN_F_CAN_FD" },
	{ 2, "VIRTIO_CAN_F_RTR_FRAMES" },
	{ 3, "VIRTIO_CAN_F_LATE_TX_ACK" },
};

/* 5.23.3 Feature bits (RTC device); matches Linux virtio_rtc.h. */
static const struct vlp_name rtc_bits[] = {
	{ 0, "VIRTIO_RTC_F_ALARM" },
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
		return bit_lookup(&transport_names, bit);
	return bit_lookup(vlp_device_feature_names(device_type), bit);
}
