# jq helpers of tests/qemu/rings-suite.sh (include "rings"; with -L tests/qemu/rings).

# The queues whose ring the tool read: those of the interface in use (modern common
# configuration or legacy header) carry "ring".
def ring_queues($d): [($d.state.common.queues // [])[], ($d.state.legacy.queues // [])[] | select(.ring != null)];

# b - a modulo 2^16: how far the free-running index b is ahead of a (2.7.6, 2.7.8).
def ahead($a; $b): ((($b - $a) % 65536) + 65536) % 65536;

# A flags list of the tool (names) as QEMU's number: avail NO_INTERRUPT (2.7.6) and used
# NO_NOTIFY (2.7.8) are both bit 0; no other bit is defined.
def flag_bits: [.[] | ascii_downcase | select(. == "no_interrupt" or . == "no_notify")] | if length > 0 then 1 else 0 end;

# A descriptor as both sides can say it: address, length, flag names (sorted; QEMU lists
# them in reverse order of its table).
def desc_key: {addr, len, flags: (.flags | map(ascii_downcase) | sort)};

# A chain of the tool as QEMU's element lists it: QEMU follows an indirect head into its
# table and lists only the table's descriptors (2.7.5.3: INDIRECT is never set with NEXT).
def chain_descs: [.descriptors[] | if (.indirect // null) != null then .indirect[] else . end | desc_key];

# QEMU's descs of x-query-virtio-queue-element are built by prepending: last first.
def element_descs: [.descs | reverse[] | desc_key];

# The ring's addresses as QEMU keeps them (vring.desc, vring.avail, vring.used): the
# modern registers (4.1.4.3: queue_desc, queue_driver, queue_device); the legacy header's
# Queue Address is a page number, the layout 2.7.2's (legacy interface: avail after the
# descriptors, used at the next 4096 boundary after avail's 2 x (3 + size) bytes).
def ring_addresses($q): if $q.queue_desc != null then [$q.queue_desc, $q.queue_driver, $q.queue_device]
	else ($q.queue_address * 4096) as $desc | ($desc + 16 * $q.queue_size) as $avail
		| [$desc, $avail, ((($avail + 2 * (3 + $q.queue_size) + 4095) / 4096 | floor) * 4096)] end;

# The live-only parts of a device object: the rest must equal the host's replay of the
# guest's snapshot (Linux IRQs, the origin and backend, where each ring was read from).
def replayable: del(.interrupts, .interrupts_error, .origin, .source, .state.backend)
	| (.state.common.queues[]?, .state.legacy.queues[]?) |= (del(.irq.count, .irq.linux_irq, .irq.name) | del(.ring.source));
