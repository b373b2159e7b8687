# jq helpers of tests/qemu/suite.sh (include "suite"; with -L tests/qemu/suite).

# QEMU 7.2's x-query-virtio-status decodes feature bits into "NAME: description" strings,
# with QEMU's own macro names (hw/virtio/virtio.c, the *_feature_map tables) where they
# differ from the spec's: VIRTIO_RING_F_* for 28/29, VIRTIO_F_IOMMU_PLATFORM for
# ACCESS_PLATFORM, and vhost names for bits 26, 27 and 30 (VHOST_F_LOG_ALL,
# VHOST_NET_F_VIRTIO_NET_HDR, VHOST_USER_F_PROTOCOL_FEATURES; bit 30 is the legacy
# VIRTIO_F_BAD_FEATURE that QEMU sets on every device). Bits it has no name for are summed
# in "unknown-dev-features". The values are the spec's (and Linux's uapi headers').
def qemu_feature_bits: {
	"VIRTIO_F_NOTIFY_ON_EMPTY": 24, "VIRTIO_F_ANY_LAYOUT": 27, "VIRTIO_F_VERSION_1": 32,
	"VIRTIO_F_IOMMU_PLATFORM": 33, "VIRTIO_F_RING_PACKED": 34, "VIRTIO_F_IN_ORDER": 35,
	"VIRTIO_F_ORDER_PLATFORM": 36, "VIRTIO_F_SR_IOV": 37, "VIRTIO_F_NOTIFICATION_DATA": 38,
	"VIRTIO_F_RING_RESET": 40,
	"VIRTIO_RING_F_INDIRECT_DESC": 28, "VIRTIO_RING_F_EVENT_IDX": 29,
	"VHOST_F_LOG_ALL": 26, "VHOST_NET_F_VIRTIO_NET_HDR": 27, "VHOST_USER_F_PROTOCOL_FEATURES": 30,
	"VIRTIO_BLK_F_BARRIER": 0, "VIRTIO_BLK_F_SIZE_MAX": 1, "VIRTIO_BLK_F_SEG_MAX": 2,
	"VIRTIO_BLK_F_GEOMETRY": 4, "VIRTIO_BLK_F_RO": 5, "VIRTIO_BLK_F_BLK_SIZE": 6,
	"VIRTIO_BLK_F_SCSI": 7, "VIRTIO_BLK_F_FLUSH": 9, "VIRTIO_BLK_F_TOPOLOGY": 10,
	"VIRTIO_BLK_F_CONFIG_WCE": 11, "VIRTIO_BLK_F_MQ": 12, "VIRTIO_BLK_F_DISCARD": 13,
	"VIRTIO_BLK_F_WRITE_ZEROES": 14, "VIRTIO_BLK_F_LIFETIME": 15,
	"VIRTIO_BLK_F_SECURE_ERASE": 16, "VIRTIO_BLK_F_ZONED": 17,
	"VIRTIO_CONSOLE_F_SIZE": 0, "VIRTIO_CONSOLE_F_MULTIPORT": 1, "VIRTIO_CONSOLE_F_EMERG_WRITE": 2,
	"VIRTIO_GPU_F_VIRGL": 0, "VIRTIO_GPU_F_EDID": 1, "VIRTIO_GPU_F_RESOURCE_UUID": 2,
	"VIRTIO_GPU_F_RESOURCE_BLOB": 3, "VIRTIO_GPU_F_CONTEXT_INIT": 4,
	"VIRTIO_NET_F_CSUM": 0, "VIRTIO_NET_F_GUEST_CSUM": 1, "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS": 2,
	"VIRTIO_NET_F_MTU": 3, "VIRTIO_NET_F_MAC": 5, "VIRTIO_NET_F_GSO": 6,
	"VIRTIO_NET_F_GUEST_TSO4": 7, "VIRTIO_NET_F_GUEST_TSO6": 8, "VIRTIO_NET_F_GUEST_ECN": 9,
	"VIRTIO_NET_F_GUEST_UFO": 10, "VIRTIO_NET_F_HOST_TSO4": 11, "VIRTIO_NET_F_HOST_TSO6": 12,
	"VIRTIO_NET_F_HOST_ECN": 13, "VIRTIO_NET_F_HOST_UFO": 14, "VIRTIO_NET_F_MRG_RXBUF": 15,
	"VIRTIO_NET_F_STATUS": 16, "VIRTIO_NET_F_CTRL_VQ": 17, "VIRTIO_NET_F_CTRL_RX": 18,
	"VIRTIO_NET_F_CTRL_VLAN": 19, "VIRTIO_NET_F_CTRL_RX_EXTRA": 20,
	"VIRTIO_NET_F_GUEST_ANNOUNCE": 21, "VIRTIO_NET_F_MQ": 22, "VIRTIO_NET_F_CTRL_MAC_ADDR": 23,
	"VIRTIO_NET_F_VQ_NOTF_COAL": 52, "VIRTIO_NET_F_NOTF_COAL": 53, "VIRTIO_NET_F_GUEST_USO4": 54,
	"VIRTIO_NET_F_GUEST_USO6": 55, "VIRTIO_NET_F_HOST_USO": 56, "VIRTIO_NET_F_HASH_REPORT": 57,
	"VIRTIO_NET_F_GUEST_HDRLEN": 59, "VIRTIO_NET_F_RSS": 60, "VIRTIO_NET_F_RSC_EXT": 61,
	"VIRTIO_NET_F_STANDBY": 62, "VIRTIO_NET_F_SPEED_DUPLEX": 63,
	"VIRTIO_SCSI_F_INOUT": 0, "VIRTIO_SCSI_F_HOTPLUG": 1, "VIRTIO_SCSI_F_CHANGE": 2,
	"VIRTIO_SCSI_F_T10_PI": 3,
	"VIRTIO_BALLOON_F_MUST_TELL_HOST": 0, "VIRTIO_BALLOON_F_STATS_VQ": 1,
	"VIRTIO_BALLOON_F_DEFLATE_ON_OOM": 2, "VIRTIO_BALLOON_F_FREE_PAGE_HINT": 3,
	"VIRTIO_BALLOON_F_PAGE_POISON": 4, "VIRTIO_BALLOON_F_REPORTING": 5,
	"VIRTIO_IOMMU_F_INPUT_RANGE": 0, "VIRTIO_IOMMU_F_DOMAIN_RANGE": 1,
	"VIRTIO_IOMMU_F_MAP_UNMAP": 2, "VIRTIO_IOMMU_F_BYPASS": 3, "VIRTIO_IOMMU_F_PROBE": 4,
	"VIRTIO_IOMMU_F_MMIO": 5, "VIRTIO_IOMMU_F_BYPASS_CONFIG": 6,
	"VIRTIO_MEM_F_ACPI_PXM": 0, "VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE": 1,
	"VIRTIO_VSOCK_F_SEQPACKET": 1, "VIRTIO_I2C_F_ZERO_LENGTH_REQUEST": 0
};
# Device status bits (QEMU lists VIRTIO_CONFIG_S_* names, and "unknown-statuses").
def qemu_status_bits: {
	"VIRTIO_CONFIG_S_ACKNOWLEDGE": 1, "VIRTIO_CONFIG_S_DRIVER": 2,
	"VIRTIO_CONFIG_S_DRIVER_OK": 4, "VIRTIO_CONFIG_S_FEATURES_OK": 8,
	"VIRTIO_CONFIG_S_NEEDS_RESET": 64, "VIRTIO_CONFIG_S_FAILED": 128
};

# The set bits of a non-negative number below 2^64 (exact up to 2^53, as jq's numbers).
def numbits: . as $n | [range(0; 64) | . as $i | ($n / pow(2; $i) | floor) as $q
	| select($q - 2 * (($q / 2) | floor) == 1) | $i];
def bitsum: reduce .[] as $b (0; . + pow(2; $b));
def low32: map(select(. < 32));

# A VirtioDeviceFeatures object -> sorted bit numbers; unknown names are an error.
def qemu_features:
	([(.transports // [])[], (.["dev-features"] // [])[]]
		| map(sub(":.*"; "") as $n | qemu_feature_bits[$n]
			// error("QEMU feature name \($n) is not in the table of tests/qemu/suite/suite.jq")))
	+ ((.["unknown-dev-features"] // 0) | numbits) | unique;
# A VirtioDeviceStatus object -> the status byte.
def qemu_status:
	((.statuses // []) | map(sub(":.*"; "") as $n | qemu_status_bits[$n]
		// error("QEMU status name \($n) is unknown")) | add // 0)
	+ (.["unknown-statuses"] // 0);

# Paths where two JSON values differ, as "a.b.0.c: A != B" strings (scalars and nulls).
def diffs($a; $b):
	[($a | paths(scalars)), ($b | paths(scalars))] | unique
	| map(. as $p | {p: ($p | map(tostring) | join(".")),
		a: ($a | try getpath($p) catch "<absent>"), b: ($b | try getpath($p) catch "<absent>")})
	| map(select(.a != .b)) | map("\(.p): \(.a | tojson) != \(.b | tojson)");
# The first few differences, on one line.
def diffline($a; $b): diffs($a; $b) as $d
	| ($d[0:4] | join("; ")) + (if ($d | length) > 4 then "; ... (\($d | length) in all)" else "" end);

# Consecutive numbers as [first, last] runs.
def runs: reduce .[] as $i ([]; if length > 0 and (.[-1][1] + 1) == $i then .[-1][1] = $i else . + [[$i, $i]] end);

# What MSI-X "used_by" should say for vector $v, from the config and queue vectors:
# "config, queues 0-62, queue 64".
def msix_users($cfgvec; $queues; $v):
	([if $cfgvec == $v then "config" else empty end]
	 + ([$queues[] | select(.queue_msix_vector == $v) | .index] | runs
	    | map(if .[0] == .[1] then "queue \(.[0])" else "queues \(.[0])-\(.[1])" end)))
	| if length == 0 then null else join(", ") end;
