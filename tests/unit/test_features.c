/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the feature bit constants of vlp.h against the name tables
 * of features.c: each table holds exactly the constants of its enum, each
 * under the constant's own spelling (VIRTIO_ for VLP_).  The lists below
 * are switches over the enums without a default, so gcc's -Wswitch
 * (-Wall, an error with WERROR=1) fails the build when a constant is added
 * to vlp.h and not here; the test then fails when it is not in the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vlp.h"

/* One constant: its bit and the name the table must give it. */
#define BIT(n)                                                                                     \
	case VLP_##n:                                                                              \
		return "VIRTIO_" #n;

static const char *transport_bit(unsigned bit)
{
	switch ((enum vlp_feature_bit)bit) {
		BIT(F_NOTIFY_ON_EMPTY)
		BIT(F_ANY_LAYOUT)
		BIT(F_INDIRECT_DESC)
		BIT(F_EVENT_IDX)
		BIT(F_UNUSED)
		BIT(F_VERSION_1)
		BIT(F_ACCESS_PLATFORM)
		BIT(F_RING_PACKED)
		BIT(F_IN_ORDER)
		BIT(F_ORDER_PLATFORM)
		BIT(F_SR_IOV)
		BIT(F_NOTIFICATION_DATA)
		BIT(F_NOTIF_CONFIG_DATA)
		BIT(F_RING_RESET)
		BIT(F_ADMIN_VQ)
		BIT(F_SUSPEND)
	}
	return NULL;
}

static const char *type_net_bit(unsigned bit)
{
	switch ((enum vlp_net_feature_bit)bit) {
		BIT(NET_F_CSUM)
		BIT(NET_F_GUEST_CSUM)
		BIT(NET_F_CTRL_GUEST_OFFLOADS)
		BIT(NET_F_MTU)
		BIT(NET_F_MAC)
		BIT(NET_F_GSO)
		BIT(NET_F_GUEST_TSO4)
		BIT(NET_F_GUEST_TSO6)
		BIT(NET_F_GUEST_ECN)
		BIT(NET_F_GUEST_UFO)
		BIT(NET_F_HOST_TSO4)
		BIT(NET_F_HOST_TSO6)
		BIT(NET_F_HOST_ECN)
		BIT(NET_F_HOST_UFO)
		BIT(NET_F_MRG_RXBUF)
		BIT(NET_F_STATUS)
		BIT(NET_F_CTRL_VQ)
		BIT(NET_F_CTRL_RX)
		BIT(NET_F_CTRL_VLAN)
		BIT(NET_F_CTRL_RX_EXTRA)
		BIT(NET_F_GUEST_ANNOUNCE)
		BIT(NET_F_MQ)
		BIT(NET_F_CTRL_MAC_ADDR)
		BIT(NET_F_GUEST_RSC4)
		BIT(NET_F_GUEST_RSC6)
		BIT(NET_F_DEVICE_STATS)
		BIT(NET_F_HASH_TUNNEL)
		BIT(NET_F_VQ_NOTF_COAL)
		BIT(NET_F_NOTF_COAL)
		BIT(NET_F_GUEST_USO4)
		BIT(NET_F_GUEST_USO6)
		BIT(NET_F_HOST_USO)
		BIT(NET_F_HASH_REPORT)
		BIT(NET_F_GUEST_HDRLEN)
		BIT(NET_F_RSS)
		BIT(NET_F_RSC_EXT)
		BIT(NET_F_STANDBY)
		BIT(NET_F_SPEED_DUPLEX)
		BIT(NET_F_RSS_CONTEXT)
		BIT(NET_F_GUEST_UDP_TUNNEL_GSO)
		BIT(NET_F_GUEST_UDP_TUNNEL_GSO_CSUM)
		BIT(NET_F_HOST_UDP_TUNNEL_GSO)
		BIT(NET_F_HOST_UDP_TUNNEL_GSO_CSUM)
		BIT(NET_F_OUT_NET_HEADER)
		BIT(NET_F_IPSEC)
	}
	return NULL;
}

static const char *type_blk_bit(unsigned bit)
{
	switch ((enum vlp_blk_feature_bit)bit) {
		BIT(BLK_F_BARRIER)
		BIT(BLK_F_SIZE_MAX)
		BIT(BLK_F_SEG_MAX)
		BIT(BLK_F_GEOMETRY)
		BIT(BLK_F_RO)
		BIT(BLK_F_BLK_SIZE)
		BIT(BLK_F_SCSI)
		BIT(BLK_F_FLUSH)
		BIT(BLK_F_TOPOLOGY)
		BIT(BLK_F_CONFIG_WCE)
		BIT(BLK_F_MQ)
		BIT(BLK_F_DISCARD)
		BIT(BLK_F_WRITE_ZEROES)
		BIT(BLK_F_LIFETIME)
		BIT(BLK_F_SECURE_ERASE)
		BIT(BLK_F_ZONED)
	}
	return NULL;
}

static const char *type_console_bit(unsigned bit)
{
	switch ((enum vlp_console_feature_bit)bit) {
		BIT(CONSOLE_F_SIZE)
		BIT(CONSOLE_F_MULTIPORT)
		BIT(CONSOLE_F_EMERG_WRITE)
	}
	return NULL;
}

static const char *type_balloon_bit(unsigned bit)
{
	switch ((enum vlp_balloon_feature_bit)bit) {
		BIT(BALLOON_F_MUST_TELL_HOST)
		BIT(BALLOON_F_STATS_VQ)
		BIT(BALLOON_F_DEFLATE_ON_OOM)
		BIT(BALLOON_F_FREE_PAGE_HINT)
		BIT(BALLOON_F_PAGE_POISON)
		BIT(BALLOON_F_PAGE_REPORTING)
	}
	return NULL;
}

static const char *type_scsi_bit(unsigned bit)
{
	switch ((enum vlp_scsi_feature_bit)bit) {
		BIT(SCSI_F_INOUT)
		BIT(SCSI_F_HOTPLUG)
		BIT(SCSI_F_CHANGE)
		BIT(SCSI_F_T10_PI)
	}
	return NULL;
}

static const char *type_9p_bit(unsigned bit)
{
	switch ((enum vlp_9p_feature_bit)bit) {
		BIT(9P_MOUNT_TAG)
	}
	return NULL;
}

static const char *type_gpu_bit(unsigned bit)
{
	switch ((enum vlp_gpu_feature_bit)bit) {
		BIT(GPU_F_VIRGL)
		BIT(GPU_F_EDID)
		BIT(GPU_F_RESOURCE_UUID)
		BIT(GPU_F_RESOURCE_BLOB)
		BIT(GPU_F_CONTEXT_INIT)
		BIT(GPU_F_BLOB_ALIGNMENT)
	}
	return NULL;
}

static const char *type_crypto_bit(unsigned bit)
{
	switch ((enum vlp_crypto_feature_bit)bit) {
		BIT(CRYPTO_F_REVISION_1)
		BIT(CRYPTO_F_CIPHER_STATELESS_MODE)
		BIT(CRYPTO_F_HASH_STATELESS_MODE)
		BIT(CRYPTO_F_MAC_STATELESS_MODE)
		BIT(CRYPTO_F_AEAD_STATELESS_MODE)
		BIT(CRYPTO_F_AKCIPHER_STATELESS_MODE)
	}
	return NULL;
}

static const char *type_vsock_bit(unsigned bit)
{
	switch ((enum vlp_vsock_feature_bit)bit) {
		BIT(VSOCK_F_STREAM)
		BIT(VSOCK_F_SEQPACKET)
		BIT(VSOCK_F_NO_IMPLIED_STREAM)
	}
	return NULL;
}

static const char *type_fs_bit(unsigned bit)
{
	switch ((enum vlp_fs_feature_bit)bit) {
		BIT(FS_F_NOTIFICATION)
	}
	return NULL;
}

static const char *type_iommu_bit(unsigned bit)
{
	switch ((enum vlp_iommu_feature_bit)bit) {
		BIT(IOMMU_F_INPUT_RANGE)
		BIT(IOMMU_F_DOMAIN_RANGE)
		BIT(IOMMU_F_MAP_UNMAP)
		BIT(IOMMU_F_BYPASS)
		BIT(IOMMU_F_PROBE)
		BIT(IOMMU_F_MMIO)
		BIT(IOMMU_F_BYPASS_CONFIG)
	}
	return NULL;
}

static const char *type_sound_bit(unsigned bit)
{
	switch ((enum vlp_sound_feature_bit)bit) {
		BIT(SND_F_CTLS)
	}
	return NULL;
}

static const char *type_mem_bit(unsigned bit)
{
	switch ((enum vlp_mem_feature_bit)bit) {
		BIT(MEM_F_ACPI_PXM)
		BIT(MEM_F_UNPLUGGED_INACCESSIBLE)
		BIT(MEM_F_PERSISTENT_SUSPEND)
	}
	return NULL;
}

static const char *type_i2c_bit(unsigned bit)
{
	switch ((enum vlp_i2c_feature_bit)bit) {
		BIT(I2C_F_ZERO_LENGTH_REQUEST)
	}
	return NULL;
}

static const char *type_scmi_bit(unsigned bit)
{
	switch ((enum vlp_scmi_feature_bit)bit) {
		BIT(SCMI_F_P2A_CHANNELS)
		BIT(SCMI_F_SHARED_MEMORY)
	}
	return NULL;
}

static const char *type_gpio_bit(unsigned bit)
{
	switch ((enum vlp_gpio_feature_bit)bit) {
		BIT(GPIO_F_IRQ)
	}
	return NULL;
}

static const char *type_pmem_bit(unsigned bit)
{
	switch ((enum vlp_pmem_feature_bit)bit) {
		BIT(PMEM_F_SHMEM_REGION)
	}
	return NULL;
}

static const char *type_can_bit(unsigned bit)
{
	switch ((enum vlp_can_feature_bit)bit) {
		BIT(CAN_F_CAN_CLASSIC)
		BIT(CAN_F_CAN_FD)
		BIT(CAN_F_RTR_FRAMES)
		BIT(CAN_F_LATE_TX_ACK)
	}
	return NULL;
}

static const char *type_rtc_bit(unsigned bit)
{
	switch ((enum vlp_rtc_feature_bit)bit) {
		BIT(RTC_F_ALARM)
	}
	return NULL;
}

/* The name a table gives bit, NULL when it has none. */
static const char *table_name(const struct vlp_names *n, unsigned bit)
{
	for (size_t i = 0; i < n->count; i++)
		if (n->entries[i].value == bit)
			return n->entries[i].name;
	return NULL;
}

static void check_agree(const char *what, const struct vlp_names *table,
			const char *(*constant)(unsigned bit))
{
	for (unsigned bit = 0; bit < 32 * VLP_FEATURE_WORDS; bit++) {
		const char *want = constant(bit), *have = table_name(table, bit);

		if (!want != !have || (want && strcmp(want, have)))
			fail_msg("%s: bit %u: vlp.h says %s, the table %s", what, bit,
				 want ? want : "nothing", have ? have : "nothing");
	}
}

static const struct {
	unsigned id;
	const char *(*constant)(unsigned bit);
} types[] = {
	{ VLP_ID_NET, type_net_bit },         { VLP_ID_BLOCK, type_blk_bit },
	{ VLP_ID_CONSOLE, type_console_bit }, { VLP_ID_BALLOON, type_balloon_bit },
	{ VLP_ID_SCSI, type_scsi_bit },       { VLP_ID_9P, type_9p_bit },
	{ VLP_ID_GPU, type_gpu_bit },         { VLP_ID_CRYPTO, type_crypto_bit },
	{ VLP_ID_VSOCK, type_vsock_bit },     { VLP_ID_FS, type_fs_bit },
	{ VLP_ID_IOMMU, type_iommu_bit },     { VLP_ID_SOUND, type_sound_bit },
	{ VLP_ID_MEM, type_mem_bit },         { VLP_ID_I2C, type_i2c_bit },
	{ VLP_ID_SCMI, type_scmi_bit },       { VLP_ID_GPIO, type_gpio_bit },
	{ VLP_ID_PMEM, type_pmem_bit },       { VLP_ID_CAN, type_can_bit },
	{ VLP_ID_RTC, type_rtc_bit },
};

static void test_transport_bits(void **state)
{
	(void)state;
	check_agree("transport", vlp_transport_feature_names(), transport_bit);
}

/* Every type with a table of its own is listed, and agrees with its enum. */
static void test_type_bits(void **state)
{
	char what[32];
	size_t tables = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(what, sizeof(what), "type %u", types[i].id);
		check_agree(what, vlp_device_feature_names(types[i].id), types[i].constant);
	}
	for (unsigned id = 0; id < VLP_ID_COUNT; id++)
		if (vlp_device_feature_names(id)->count)
			tables++;
	assert_int_equal(tables, sizeof(types) / sizeof(types[0]));
}

/* Code that means one bit names it: spot checks of the numbers. */
static void test_bit_numbers(void **state)
{
	(void)state;
	assert_int_equal(VLP_NET_F_MAC, 5);
	assert_int_equal(VLP_NET_F_CTRL_VQ, 17);
	assert_int_equal(VLP_NET_F_SPEED_DUPLEX, 63);
	assert_int_equal(VLP_NET_F_IPSEC, 70);
	assert_int_equal(VLP_BLK_F_ZONED, 17);
	assert_int_equal(VLP_CONSOLE_F_EMERG_WRITE, 2);
	assert_int_equal(VLP_IOMMU_F_BYPASS_CONFIG, 6);
	assert_string_equal(vlp_feature_name(VLP_ID_NET, VLP_NET_F_CTRL_VQ), "VIRTIO_NET_F_CTRL_VQ");
	assert_string_equal(vlp_feature_name(VLP_ID_9P, VLP_9P_MOUNT_TAG), "VIRTIO_9P_MOUNT_TAG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transport_bits),
		cmocka_unit_test(test_type_bits),
		cmocka_unit_test(test_bit_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
