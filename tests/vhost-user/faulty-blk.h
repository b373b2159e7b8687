/* SPDX-License-Identifier: GPL-2.0-or-later */
/* faulty-blk: the numbers of the vhost-user protocol (QEMU's
 * docs/interop/vhost-user.rst, "Message Specification" and "Front-end message
 * types") and of the virtio block request (virtio 1.2, 5.2.6) that the test
 * device uses.  The virtio feature bits, ring flags, queue indices and
 * request codes come from the project's one table of them,
 * src/lib/vlp/spec.h; the register and configuration offsets here are the
 * test device's own, from the spec, so that a wrong offset in the
 * library's tables shows as a failure rather than being shared. */
#ifndef FAULTY_BLK_H
#define FAULTY_BLK_H

#include <stdbool.h>
#include <stdint.h>

/* Header: request (u32), flags (u32), size (u32), then size bytes of payload. */
#define VU_HDR_SIZE 12u
#define VU_VERSION 0x1u     /* flags bits 0-1 */
#define VU_FLAG_REPLY 0x4u  /* bit 2: set on every reply of the back-end */
#define VU_FLAG_NEED 0x8u   /* bit 3: need_reply (REPLY_ACK) */
#define VU_PAYLOAD_MAX 4096u
#define VU_MAX_FDS 8u       /* file descriptors in one message */
#define VU_MAX_REGIONS 8u   /* regions in SET_MEM_TABLE */
#define VU_VRING_IDX_MASK 0xffu /* SET_VRING_KICK/CALL/ERR: bits 0-7 the ring */
#define VU_VRING_NOFD 0x100u    /* bit 8: no file descriptor in the message */

/* The feature bit that announces the protocol features (VHOST_USER_F_PROTOCOL_FEATURES). */
#define VU_F_PROTOCOL_FEATURES 30u

/* Protocol feature bits ("Protocol features"). */
enum vu_protocol_feature {
	VU_PF_MQ = 0,
	VU_PF_REPLY_ACK = 3,
	VU_PF_CONFIG = 9,
};

/* Front-end requests ("Front-end message types"), by id. */
enum vu_request {
	VU_GET_FEATURES = 1,
	VU_SET_FEATURES = 2,
	VU_SET_OWNER = 3,
	VU_RESET_OWNER = 4,
	VU_SET_MEM_TABLE = 5,
	VU_SET_LOG_BASE = 6,
	VU_SET_LOG_FD = 7,
	VU_SET_VRING_NUM = 8,
	VU_SET_VRING_ADDR = 9,
	VU_SET_VRING_BASE = 10,
	VU_GET_VRING_BASE = 11,
	VU_SET_VRING_KICK = 12,
	VU_SET_VRING_CALL = 13,
	VU_SET_VRING_ERR = 14,
	VU_GET_PROTOCOL_FEATURES = 15,
	VU_SET_PROTOCOL_FEATURES = 16,
	VU_GET_QUEUE_NUM = 17,
	VU_SET_VRING_ENABLE = 18,
	VU_GET_CONFIG = 24,
	VU_SET_CONFIG = 25,
	VU_REQUEST_MAX = 41,
};

/* Payload layouts, all numbers in the machine's byte order. */
struct vu_region {
	uint64_t guest_addr;
	uint64_t size;
	uint64_t user_addr;
	uint64_t mmap_offset;
};
struct vu_vring_state {
	uint32_t index;
	uint32_t num;
};
struct vu_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;  /* user (front-end virtual) addresses */
	uint64_t used;
	uint64_t avail;
	uint64_t log;
};
#define VU_CONFIG_HDR 12u /* offset, size, flags; then size bytes */

/* Virtio block requests (5.2.6): the header the driver writes, then data,
 * then one status byte the device writes (the types, status bytes, sector
 * and ID sizes, and every device type's queue indices: vlp/spec.h). */
#define BLK_HDR_SIZE 16u /* le32 type, le32 reserved, le64 sector */
/* struct virtio_blk_config (5.2.4): offsets of the fields the device fills. */
enum blk_config_offset {
	BLK_CFG_CAPACITY = 0,   /* le64, in 512-byte sectors */
	BLK_CFG_SIZE_MAX = 8,   /* le32 */
	BLK_CFG_SEG_MAX = 12,   /* le32 */
	BLK_CFG_BLK_SIZE = 20,  /* le32 */
	BLK_CFG_WRITEBACK = 32, /* u8 (CONFIG_WCE) */
	BLK_CFG_UNUSED0 = 33,   /* u8 padding */
	BLK_CFG_NUM_QUEUES = 34, /* le16 (MQ) */
	BLK_CFG_UNUSED1 = 57,   /* u8[3] padding after write_zeroes_may_unmap */
	BLK_CFG_SIZE = 256,     /* the buffer GET_CONFIG answers from */
};

/* --scsi (5.6): where lun[8] stands in struct virtio_scsi_req_cmd, the
 * control queue's request types (5.6.6.2).  The queues, the header sizes,
 * the response's fields and values and the INQUIRY data's length are the
 * project's (vlp/spec.h). */
#define SCSI_REQ_LUN 0      /* lun[0] 1, lun[1] the target, lun[2..3] the LUN; the CDB
			     * at VLP_SCSI_REQ_HDR */
#define SCSI_S_TARGET_FAILURE 7 /* the target failed: do not retry (5.6.6.1) */
enum scsi_ctrl_type {
	SCSI_T_TMF = 0,
	SCSI_T_AN_QUERY = 1,
	SCSI_T_AN_SUBSCRIBE = 2,
};
/* SCSI itself (SAM-5, SPC-4): the status bytes, fixed-format sense for
 * ILLEGAL REQUEST (the commands: vlp/spec.h). */
enum scsi_status {
	SCSI_GOOD = 0x00,
	SCSI_CHECK_CONDITION = 0x02,
};
#define SCSI_SENSE_FIXED 0x70
#define SCSI_SENSE_FIXED_LEN 18
#define SCSI_KEY_ILLEGAL_REQUEST 0x05
#define SCSI_ASC_INVALID_OPCODE 0x20
#define SCSI_ASC_INVALID_FIELD_IN_CDB 0x24
#define SCSI_INQUIRY_EVPD 0x01 /* CDB byte 1: a vital product data page asked for */
#define SCSI_ASC_LUN_NOT_SUPPORTED 0x25

/* --net (5.1): the one queue pair, and with --pci-proxy the control queue
 * (QEMU's otherwise); the frame put in a receive buffer once per start of
 * the ring: Ethernet broadcast from a locally administered address, the
 * local experimental EtherType 0x88b5 (IEEE 802), a line of text. */
/* struct virtio_net_config (5.1.4) up to max_virtqueue_pairs, and the
 * control queue's ack for a command not supported (5.1.6.5). */
enum net_config_offset {
	NET_CFG_MAC = 0,
	NET_CFG_SIZE = 12,
};
#define NET_ERR 1
#define NET_DEVICE_MAC "\x52\x54\x00\xfb\x00\x02"

/* --console (with --pci-proxy): struct virtio_console_config (5.3.4). */
enum console_config_offset {
	CONSOLE_CFG_EMERG_WR = 8, /* le32 */
	CONSOLE_CFG_SIZE = 12,
};
#define NET_FRAME_LEN 60u      /* the shortest Ethernet frame, without its FCS */
#define NET_SRC_MAC "\x52\x54\x00\xfb\x00\x01"
#define NET_ETHERTYPE_HI 0x88
#define NET_ETHERTYPE_LO 0xb5
#define NET_PAYLOAD "faulty-blk --net: a received frame\n"

/* One switch per device rule a driver can observe (the table in
 * faulty-blk.c gives each its name, section and effect).  From
 * F_RESET_STATUS_STUCK on, the faults of registers that QEMU keeps for a
 * vhost-user device: only --pci-proxy (faulty-pci.c) can break them. */
enum fault {
	F_USED_ID_NOT_HEAD,
	F_USED_ID_TWICE,
	F_USED_LEN_OVER,
	F_USED_LEN_UNDER,
	F_USED_IDX_SKIP,
	F_USED_FLAGS,
	F_WRITE_READABLE,
	F_WRITE_DESC_TABLE,
	F_NO_NOTIFY,
	F_NOTIFY_SUPPRESSED,
	F_IGNORE_INDIRECT,
	F_SPLIT_HEADER,
	F_HANG,
	F_COMPLETE_AFTER_RESET,
	F_OUT_OF_ORDER,
	F_SPURIOUS_USED,
	F_DESC_AS_ENABLE,
	F_NO_WRITE_FLAG,
	F_GET_ID_UNSUPP,
	F_UNKNOWN_OK,
	F_OUT_OF_RANGE_OK,
	F_NO_ENTROPY,
	F_BAD_TARGET_FAILURE,
	F_TARGET_FAILURE,
	F_NUM_BUFFERS_TWO,
	F_RO_WRITES,
	F_WCE_NO_FLUSH,
	F_CONFIG_PADDING,
	F_NO_VERSION1,
	F_RESET_STATUS_STUCK,
	F_RESET_QUEUE_ENABLE,
	F_RESET_VECTORS,
	F_DEVICE_FEATURE_FLAKY,
	F_FEATURES_OK_ONCE,
	F_DRIVER_FEATURE_LOST,
	F_QUEUE_SIZE_ABSENT,
	F_CONFIG_64BIT_LATCH,
	F_PCI_CFG_WINDOW_ALIGNED,
	F_ISR_STICKY,
	F_VECTOR_ZERO_ONLY,
	F_VECTOR_UNCHECKED,
	F_NO_VECTOR_IRQ,
	F_NEEDS_RESET_SILENT,
	F_SCSI_SIZES_KEPT,
	F_MAC_SET_REVERSED,
	F_EMERG_UNCONFIGURED,
	F_VECTOR_REMAP_IGNORED,
	F_COUNT
};
#define F_FIRST_PCI F_RESET_STATUS_STUCK

/* --scsi: struct virtio_scsi_config (5.6.4), the fields the device fills
 * (the configuration is the back-end's own only with --pci-proxy). */
enum scsi_config_offset {
	SCSI_CFG_NUM_QUEUES = 0,  /* le32, the request queues */
	SCSI_CFG_SEG_MAX = 4,     /* le32 */
	SCSI_CFG_MAX_SECTORS = 8, /* le32 */
	SCSI_CFG_CMD_PER_LUN = 12, /* le32 */
	SCSI_CFG_EVENT_INFO = 16, /* le32 event_info_size */
	SCSI_CFG_SENSE_SIZE = 20, /* le32, writable */
	SCSI_CFG_CDB_SIZE = 24,   /* le32, writable */
	SCSI_CFG_MAX_CHANNEL = 28, /* le16 */
	SCSI_CFG_MAX_TARGET = 30, /* le16 */
	SCSI_CFG_MAX_LUN = 32,    /* le32 */
	SCSI_CFG_SIZE = 36,
};

#define MAX_QUEUES 8u /* the most queues a device here has */

/* The device engine (faulty-blk.c), as the PCI front drives it. */
struct fb_memory_region {
	uint64_t gpa, size, offset; /* offset: where gpa starts in fd */
	int fd;
};
void put_le16(uint8_t *p, uint16_t v);
void put_le32(uint8_t *p, uint32_t v);
void fb_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fb_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* A fault switched on and armed (the register faults apply to any ring). */
bool fb_fault(enum fault f);
void fb_applied(enum fault f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fb_verbose(void);
uint32_t fb_device_id(void);      /* the virtio device type (5) */
uint64_t fb_offered(void);        /* what the device offers */
unsigned fb_queue_count(void);
unsigned fb_config_size(void);    /* 0: the type has no configuration */
uint8_t *fb_config(void);
void fb_config_written(unsigned off, unsigned len, uint64_t v);
void fb_config_reset(void);       /* what a reset does to the configuration */
void fb_emergency_write(uint8_t c); /* --console: a byte written to emerg_wr */
void fb_ack(uint64_t features);   /* FEATURES_OK accepted for these */
int fb_map_memory(const struct fb_memory_region *r, unsigned n);
void fb_queue_start(unsigned q, unsigned num, uint64_t desc, uint64_t driver, uint64_t device);
void fb_queue_kick(unsigned q);
void fb_reset(void);              /* every queue stopped, nothing acked */

/* The PCI front (faulty-pci.c): QEMU's x-pci-proxy-dev talks to it. */
int fp_launch(int fdnum, char **argv); /* the socket's end that stays here */
void fp_start(void);                   /* the function as after a PCI reset */
int fp_message(int sock);              /* one message handled; -1 when QEMU is gone */
void fp_queue_interrupt(unsigned q);   /* a used buffer notification (2.7.7.2) */
void fp_needs_reset(void);             /* a ring the device cannot follow (2.1.2) */
unsigned long fp_messages_lost(void);  /* MSI-X messages QEMU's proxy could not carry */

/* The in-band control: a write request whose data starts with one of these
 * lines arms or disarms the faults; its data is not stored. */
#define CONTROL_ARM "faulty-blk arm\n"
#define CONTROL_DISARM "faulty-blk disarm\n"

#endif /* FAULTY_BLK_H */
