/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conformance checker: one table of checks, each rule written once.
 * Rules the decoder already applies while decoding (the capability walk,
 * structure lengths, the BAR map, the state reader) report findings that
 * carry their check id; the table gives them a row and no function.  The
 * rest are functions here, run on the decoded layout and, when the
 * registers could be read, on the state. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <pci/header.h>

#include "internal.h"

/* Device status masks (2.1). */
#define S_DRIVER_OK VLP_S_MASK(VLP_S_DRIVER_OK)
#define S_FEATURES_OK VLP_S_MASK(VLP_S_FEATURES_OK)
#define S_UNDEFINED VLP_S_MASK(VLP_S_UNDEFINED_5)
#define S_NEEDS_RESET VLP_S_MASK(VLP_S_DEVICE_NEEDS_RESET)
#define S_FAILED VLP_S_MASK(VLP_S_FAILED)

struct run {
	struct vlp_ctx *ctx;
	const struct vlp_device *dev;
	const struct vlp_layout *l;
	const struct vlp_state *s;
	const struct vlp_rings *rings; /* NULL: not read */
	struct vlp_check_report *rep;
	const struct vlp_check *check; /* the one running */
	size_t findings_alloc, skipped_alloc;
	bool out_of_memory;
	char why[64];   /* a reason built at run time (need_row) */
	char where[48]; /* where a finding points, built for one report() */
};

/* A check function: NULL when it ran, else why it could not. */
typedef const char *(*check_fn)(struct run *r);

struct check_row {
	struct vlp_check info;
	check_fn fn; /* NULL: reported by the decoder or state reader */
};

static const char *check_transitional_device_id(struct run *r);
static const char *check_bar_size_known(struct run *r);
static const char *check_driver_choice(struct run *r);
static const char *check_linux_probe(struct run *r);
static const char *check_dpdk_choice(struct run *r);
static const char *check_linux_shm_cap_len(struct run *r);
static const char *check_notify_multiplier_even(struct run *r);
static const char *check_notify_data_rules(struct run *r);
static const char *check_notify_zero_multiplier(struct run *r);
static const char *check_common_length_features(struct run *r);
static const char *check_feature_version_1(struct run *r);
static const char *check_feature_legacy_only(struct run *r);
static const char *check_feature_sr_iov(struct run *r);
static const char *check_feature_platform(struct run *r);
static const char *check_queue_size_pow2(struct run *r);
static const char *check_queue_count(struct run *r);
static const char *check_status_bits(struct run *r);
static const char *check_reset_state(struct run *r);
static const char *check_irq_queue_vector(struct run *r);
static const char *check_irq_vector_range(struct run *r);
static const char *check_irq_vector_shared(struct run *r);
static const char *check_irq_masked_pending(struct run *r);

#define C VLP_CHECK_CONFIG
#define S VLP_CHECK_STATE
#define A VLP_CHECK_ACTIVE
#define E VLP_SEV_ERROR
#define W VLP_SEV_WARNING
#define I VLP_SEV_INFO
/* Where the ring checks (vlp_ring_check_at) sit in the table's order. */
#define RING_ROWS_HERE                                                                             \
	{                                                                                          \
		{ NULL, NULL, I, VLP_CHECK_RINGS, NULL, NULL }, NULL                               \
	}

/* The table: every rule the tool checks, in the order reports list them.
 * The man page's CHECKS section lists the same ids (make docs-check). */
static const struct check_row checks[] = {
	/* PCI discovery and IDs (4.1.2) */
	{ { "id-device-type", "5", W, C, "header", "the virtio device type is one the spec defines" },
	  NULL },
	{ { "id-modern-revision", "4.1.2.1", W, C, "header",
	    "non-transitional devices have Revision ID 1 or higher" },
	  NULL },
	{ { "id-modern-subsystem", "4.1.2.1", W, C, "header",
	    "non-transitional devices have Subsystem Device ID 0x40 or higher" },
	  NULL },
	{ { "id-transitional-device", "4.1.2.1", W, C, "header",
	    "transitional device IDs are those of the 4.1.2.1 table" },
	  check_transitional_device_id },
	{ { "id-transitional-revision", "4.1.2.3", E, C, "header",
	    "transitional devices have Revision ID 0" },
	  NULL },
	{ { "id-transitional-subsystem", "4.1.2.3", W, C, "header",
	    "a transitional device's Subsystem Device ID is its virtio device type" },
	  NULL },
	{ { "legacy-io-bar0", "4.1.5.1.1.1", E, C, "BAR0",
	    "legacy and transitional devices have the legacy interface in I/O BAR0" },
	  NULL },
	/* The capability chain */
	{ { "cap-chain-pointer", "PCI 6.7", E, C, "capability",
	    "capability pointers stay out of the header (0x40+, extended 0x100+)" },
	  NULL },
	{ { "cap-chain-loop", "PCI 6.7", E, C, "capability", "the capability chain has no loop" }, NULL },
	{ { "cap-config-space", "4.1.4", E, C, "capability", "a capability fits in config space" },
	  NULL },
	{ { "cap-len", "4.1.4.2", E, C, "capability",
	    "cap_len covers the structure of the capability's cfg_type" },
	  NULL },
	{ { "cap-cfg-type-reserved", "4.1.4.1", I, C, "capability",
	    "cfg_type is a defined value (drivers ignore reserved ones)" },
	  NULL },
	{ { "cap-bar-reserved", "4.1.4", W, C, "capability",
	    "bar is 0-5 (drivers ignore a capability with a reserved BAR value)" },
	  NULL },
	{ { "cap-bar-upper-half", "4.1.4", E, C, "capability",
	    "bar does not name the upper half of a 64-bit BAR" },
	  NULL },
	{ { "cap-bar-missing", "4.1.4", E, C, "capability", "bar names an implemented BAR" }, NULL },
	/* Mandatory capabilities and the instance a driver uses */
	{ { "common-present", "4.1.4.3.1", E, C, "capabilities",
	    "a usable common configuration capability exists" },
	  NULL },
	{ { "notify-present", "4.1.4.4.1", E, C, "capabilities",
	    "a usable notification capability exists" },
	  NULL },
	{ { "isr-present", "4.1.4.5.1", E, C, "capabilities", "a usable ISR status capability exists" },
	  NULL },
	{ { "pci-cfg-present", "4.1.4.9.1", E, C, "capabilities",
	    "a PCI configuration access capability exists" },
	  NULL },
	{ { "device-cfg-present", "4.1.4.6.1", E, C, "capabilities",
	    "a device configuration capability exists where the device type has a configuration" },
	  NULL },
	{ { "driver-choice", "4.1.4.1", I, C, "capabilities",
	    "which instance of each structure a driver uses, and why others are skipped" },
	  check_driver_choice },
	/* Alignment and length per structure */
	{ { "common-align", "4.1.4.3.1", E, C, "capability",
	    "the common configuration offset is 4-byte aligned" },
	  NULL },
	{ { "common-length", "4.1.4.3", E, C, "capability",
	    "the common configuration is at least 0x38 bytes" },
	  NULL },
	{ { "notify-align", "4.1.4.4.1", E, C, "capability",
	    "the notification structure offset is 2-byte aligned" },
	  NULL },
	{ { "notify-length", "4.1.4.4.1", E, C, "capability",
	    "the notification structure is at least 2 bytes" },
	  NULL },
	{ { "isr-length", "4.1.4.5.1", E, C, "capability", "the ISR status structure is at least 1 byte" },
	  NULL },
	{ { "device-cfg-align", "4.1.4.6.1", E, C, "capability",
	    "the device configuration offset is 4-byte aligned" },
	  NULL },
	{ { "device-cfg-length", "4.1.4.6.1", E, C, "capability",
	    "the device configuration length is not 0" },
	  NULL },
	{ { "shm-length", "4.1.4.7.1", E, C, "capability", "a shared memory region is not empty" },
	  NULL },
	/* Structures in their BARs */
	{ { "struct-wrap", "4.1.4", E, C, "capability", "offset + length does not wrap around 32 bits" },
	  NULL },
	{ { "struct-in-bar", "4.1.4", E, C, "BAR map",
	    "every structure, MSI-X table and PBA lies inside its BAR" },
	  NULL },
	{ { "bar-size-known", "4.1.4", I, C, "BAR map",
	    "the size of every BAR holding a structure is known (else structures are not checked against it)" },
	  check_bar_size_known },
	{ { "struct-overlap", "4.1.4", E, C, "BAR map",
	    "structures, the MSI-X table and the PBA do not overlap" },
	  NULL },
	/* Notifications */
	{ { "notify-multiplier", "4.1.4.4.1", E, C, "capability",
	    "notify_off_multiplier is 0 or a power of 2" },
	  NULL },
	{ { "notify-multiplier-even", "4.1.4.4.1", W, C, "capability",
	    "notify_off_multiplier is even (\"an even power of 2\"), so 2-byte notifications do not overlap" },
	  check_notify_multiplier_even },
	{ { "notify-data-rules", "4.1.4.4.1", E, S, "capability",
	    "with VIRTIO_F_NOTIFICATION_DATA: multiplier a multiple of 4, offset 4-aligned, length 4 or more" },
	  check_notify_data_rules },
	{ { "notify-queue-offset", "4.1.4.4.1", E, S, "queue",
	    "every queue's notify address lies inside the notification structure (Linux: \"bad notification offset\")" },
	  NULL },
	{ { "notify-zero-multiplier", "4.1.4.4.1", W, S, "queue",
	    "a zero notify_off_multiplier comes with queue_notify_off 0 for every queue" },
	  check_notify_zero_multiplier },
	/* Shared memory and vendor data */
	{ { "shm-id-unique", "4.1.4.7.1", E, C, "capability", "shared memory capability ids are unique" },
	  NULL },
	{ { "linux-shm-cap-len", "4.1.4.7", W, C, "capability",
	    "shared memory capabilities are exactly 24 bytes (Linux: \"shm cap with bad size\")" },
	  check_linux_shm_cap_len },
	{ { "vendor-data-id", "4.1.4.8.1", E, C, "capability",
	    "a vendor data capability's vendor ID is not 0x1AF4" },
	  NULL },
	{ { "vendor-data-length", "4.1.4.8.1", E, C, "capability",
	    "a vendor data capability's length is a multiple of 4" },
	  NULL },
	/* MSI-X */
	{ { "msix-unique", "PCI 6.8.2", E, C, "capability", "one MSI-X capability" }, NULL },
	{ { "msix-bir", "PCI 6.8.2", E, C, "capability", "MSI-X table and PBA BIRs are 0-5" }, NULL },
	{ { "msix-bar", "PCI 6.8.2", E, C, "BAR map", "MSI-X table and PBA lie in implemented BARs" },
	  NULL },
	{ { "msix-vectors", "4.1.5.1.2.1", I, C, "capability",
	    "the device supports at least 2 MSI-X vectors" },
	  NULL },
	/* What known drivers do differently */
	{ { "linux-probe", "4.1.4.1", W, C, "capabilities",
	    "Linux's virtio_pci probe (first capability with an implemented BAR) accepts the device" },
	  check_linux_probe },
	{ { "dpdk-cap-choice", "4.1.4.1", W, C, "capabilities",
	    "DPDK's choice (the last capability of a type, all four required) matches the spec's" },
	  check_dpdk_choice },
	/* Common configuration and features */
	{ { "common-length-features", "4.1.4.3", E, S, "common",
	    "the common configuration covers the fields of the offered features (Linux: \"common cfg size does not match the feature\")" },
	  check_common_length_features },
	{ { "feature-version-1", "6.2", E, S, "features",
	    "the modern interface offers VIRTIO_F_VERSION_1" },
	  check_feature_version_1 },
	{ { "feature-legacy-only", "6.3", W, S, "features",
	    "a non-transitional device offers no legacy-only feature bit (24, 27, 30)" },
	  check_feature_legacy_only },
	{ { "feature-sr-iov", "6.2", E, S, "features",
	    "VIRTIO_F_SR_IOV only with an SR-IOV extended capability" },
	  check_feature_sr_iov },
	{ { "feature-platform", "6.2", I, S, "features",
	    "add-in cards offer VIRTIO_F_ACCESS_PLATFORM and VIRTIO_F_ORDER_PLATFORM (recommended)" },
	  check_feature_platform },
	/* Queues, status and reset */
	{ { "queue-size-pow2", "4.1.4.3.1", E, S, "queue",
	    "queue_size is 0 or a power of 2 unless VIRTIO_F_RING_PACKED" },
	  check_queue_size_pow2 },
	{ { "queue-count", "4.1.4.3.1", W, S, "common",
	    "num_queues is not 0 and the queues below it exist" },
	  check_queue_count },
	{ { "status-bits", "2.1", W, S, "common",
	    "device_status holds defined bits in a sensible combination" },
	  check_status_bits },
	{ { "reset-state", "4.1.4.3.1", E, S, "common",
	    "in reset (device_status 0): queues disabled, vectors unmapped" },
	  check_reset_state },
	{ { "config-generation-stable", "4.1.4.3.1", W, S, "device",
	    "config_generation settles while the device configuration is read" },
	  NULL },
	/* The interrupt path: event -> vector -> MSI-X table entry -> PBA */
	{ { "irq-queue-vector", "4.1.5.1.2", I, S, "queue",
	    "with MSI-X enabled, an enabled queue is mapped to a vector (NO_VECTOR: no used buffer notification, the driver polls)" },
	  check_irq_queue_vector },
	{ { "irq-vector-range", "4.1.5.1.2.1", E, S, "queue",
	    "config and queue vectors index the MSI-X table (the device answers NO_VECTOR to a mapping it cannot make)" },
	  check_irq_vector_range },
	{ { "irq-vector-shared", "4.1.5.1.2", I, S, "queue",
	    "events share a vector (Linux's fallback when it gets fewer vectors than queues + 1)" },
	  check_irq_vector_shared },
	{ { "irq-masked-pending", "PCI 6.8.2", W, S, "MSI-X",
	    "no vector in use is masked with its pending bit set (an interrupt held back)" },
	  check_irq_masked_pending },
	/* The rings in guest memory (ringfields.c: the decoder reports them) */
	RING_ROWS_HERE,
	/* Checks that write (--check --active) */
	{ { "active-reset", "4.1.4.3.1", E, A, "common",
	    "writing 0 to device_status resets the device: it reads back 0" },
	  NULL },
	{ { "active-feature-window", "4.1.4.3.1", W, A, "common",
	    "device_feature reads 0 for device_feature_select beyond the defined words (4-7)" },
	  NULL },
	{ { "active-queue-size-max", "4.1.4.3", E, A, "queue",
	    "after reset, queue_size reads the maximum again" },
	  NULL },
	{ { "active-config-generation", "4.1.4.3.1", E, A, "common",
	    "config_generation changes when the device configuration changes" },
	  NULL },
	/* Not a rule: what could not be read, so what was not checked */
	{ { "data-incomplete", NULL, I, C, "device",
	    "data a check needs could not be read (the check is then not made)" },
	  NULL },
};

#undef C
#undef S
#undef A
#undef E
#undef W
#undef I
#undef RING_ROWS_HERE

const char *vlp_check_data_name(enum vlp_check_data d)
{
	static const char *const names[] = {
		[VLP_CHECK_CONFIG] = "config",
		[VLP_CHECK_STATE] = "registers",
		[VLP_CHECK_ACTIVE] = "active",
		[VLP_CHECK_RINGS] = "rings",
	};

	return (unsigned)d < VLP_ARRAY_SIZE(names) ? names[d] : NULL;
}

/* The table's order: checks[] up to the RING_ROWS_HERE row, the ring
 * checks, then the rest of checks[]. */
static size_t ring_rows_at(void)
{
	size_t i = 0;

	while (i < VLP_ARRAY_SIZE(checks) && checks[i].info.id)
		i++;
	return i;
}

size_t vlp_check_count(void)
{
	return VLP_ARRAY_SIZE(checks) - 1 + vlp_ring_check_count();
}

static const struct check_row *row_at(size_t index)
{
	size_t at = ring_rows_at(), nring = vlp_ring_check_count();

	if (index < at)
		return &checks[index];
	if (index < at + nring)
		return NULL;
	index = index - nring + 1;
	return index < VLP_ARRAY_SIZE(checks) ? &checks[index] : NULL;
}

const struct vlp_check *vlp_check_at(size_t index)
{
	size_t at = ring_rows_at();
	const struct check_row *row;

	if (index >= at && index - at < vlp_ring_check_count())
		return vlp_ring_check_at(index - at);
	row = row_at(index);
	return row ? &row->info : NULL;
}

const struct vlp_check *vlp_check_find(const char *id)
{
	const struct vlp_check *c;

	for (size_t i = 0; id && (c = vlp_check_at(i)); i++)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

/* ------------------------------------------------------------ report */

static void grow(void **arr, size_t *alloc, size_t used, size_t size, bool *oom)
{
	if (vlp_grow(arr, alloc, used, size, 16))
		*oom = true;
}

static void add_finding(struct run *r, const struct vlp_check *check, const struct vlp_finding *f,
			const char *where)
{
	struct vlp_check_report *rep = r->rep;
	struct vlp_check_finding *cf;

	grow((void **)&rep->findings, &r->findings_alloc, rep->nfindings, sizeof(*cf),
	     &r->out_of_memory);
	if (r->out_of_memory)
		return;
	cf = &rep->findings[rep->nfindings++];
	memset(cf, 0, sizeof(*cf));
	cf->check = check;
	cf->finding = *f;
	if (!cf->finding.section && check)
		cf->finding.section = check->section;
	cf->finding.check = check ? check->id : f->check;
	if (f->position >= 0)
		snprintf(cf->where, sizeof(cf->where), f->position >= 0x100 ? "[%03x]" : "[%02x]",
			 (unsigned)f->position);
	else
		snprintf(cf->where, sizeof(cf->where), "%s",
			 where   ? where
			 : check ? check->where
				 : "device");
	rep->count[f->severity]++;
}

/* A finding of the running check. */
__attribute__((format(printf, 5, 6))) static void
report(struct run *r, enum vlp_severity sev, int position, const char *where, const char *fmt, ...)
{
	struct vlp_finding f = { .severity = sev, .position = position };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f.message, sizeof(f.message), fmt, ap);
	va_end(ap);
	add_finding(r, r->check, &f, where);
}

static void skip(struct run *r, const struct vlp_check *check, const char *reason)
{
	struct vlp_check_report *rep = r->rep;
	struct vlp_check_skip *sk;

	grow((void **)&rep->skipped, &r->skipped_alloc, rep->nskipped, sizeof(*sk), &r->out_of_memory);
	if (r->out_of_memory)
		return;
	sk = &rep->skipped[rep->nskipped++];
	sk->check = check;
	sk->not_asked = false;
	snprintf(sk->reason, sizeof(sk->reason), "%s", reason);
}

/* Position of a check in the table's order (vlp_check_at); past the end
 * for none. */
static size_t table_index(const struct vlp_check *c)
{
	const struct check_row *row = (const struct check_row *)(const void *)c;
	size_t at = ring_rows_at(), nring = vlp_ring_check_count();

	if (!c)
		return vlp_check_count();
	for (size_t i = 0; i < nring; i++)
		if (vlp_ring_check_at(i) == c)
			return at + i;
	for (size_t i = 0; i < VLP_ARRAY_SIZE(checks); i++)
		if (row == &checks[i])
			return i < at ? i : i - 1 + nring;
	return vlp_check_count();
}

/* Findings in table order, in the order found within a check (insertion
 * sort: stable, and reports are short). */
static void sort_findings(struct vlp_check_report *rep)
{
	size_t *keys = malloc((rep->nfindings ? rep->nfindings : 1) * sizeof(*keys));

	for (size_t i = 0; keys && i < rep->nfindings; i++)
		keys[i] = table_index(rep->findings[i].check);
	for (size_t i = 1; i < rep->nfindings; i++) {
		struct vlp_check_finding tmp = rep->findings[i];
		size_t key = keys ? keys[i] : table_index(tmp.check), j = i;

		while (j > 0 && (keys ? keys[j - 1] : table_index(rep->findings[j - 1].check)) > key) {
			rep->findings[j] = rep->findings[j - 1];
			if (keys)
				keys[j] = keys[j - 1];
			j--;
		}
		rep->findings[j] = tmp;
		if (keys)
			keys[j] = key;
	}
	free(keys);
}

void vlp_check_report_free(struct vlp_check_report *rep)
{
	if (!rep)
		return;
	free(rep->findings);
	free(rep->skipped);
	free(rep);
}

/* ------------------------------------------------------------ helpers */

static bool is_modern_interface(const struct vlp_layout *l)
{
	return l->virtio.transport == VLP_TRANSPORT_MODERN ||
	       l->virtio.transport == VLP_TRANSPORT_TRANSITIONAL;
}

static const struct vlp_virtio_cap *used_cap(const struct vlp_layout *l, uint8_t cfg_type)
{
	int i = l->driver_uses[cfg_type];

	return i >= 0 ? &l->caps[i].u.virtio : NULL;
}

/* "common.<row name>": where a finding about a common configuration row
 * points (the name the REPL takes for it). */
static const char *at_row(struct run *r, unsigned row)
{
	snprintf(r->where, sizeof(r->where), "%s.%s", vlp_block_name(VLP_BLOCK_COMMON),
		 vlp_common_cfg_table()->fields[row].name);
	return r->where;
}

static const char *at_queue(struct run *r, unsigned index)
{
	snprintf(r->where, sizeof(r->where), "queue %u", index);
	return r->where;
}

/* A common configuration row (enum vlp_common_row) as read. */
static bool regs_value(const struct vlp_regs *regs, unsigned row, uint64_t *v)
{
	const struct vlp_field_value *fv = vlp_regs_row(regs, vlp_common_cfg_table(), row);

	if (!fv || !fv->valid)
		return false;
	*v = fv->value;
	return true;
}

/* Whether the device offers a feature bit: -1 when not read. */
static int offered(const struct vlp_state *s, unsigned bit)
{
	bool on;

	return vlp_state_feature(s, false, bit, &on) ? on : -1;
}

static const char *need_common(const struct run *r)
{
	if (!is_modern_interface(r->l))
		return "a legacy device has no modern common configuration";
	if (!r->s->common.table)
		return "the common configuration was not read";
	return NULL;
}

/* A common configuration row as read, or why a check on it cannot run. */
static const char *need_row(struct run *r, unsigned row, uint64_t *v)
{
	const char *why = need_common(r);

	if (why || regs_value(&r->s->common, row, v))
		return why;
	snprintf(r->why, sizeof(r->why), "%s was not read", vlp_common_cfg_table()->fields[row].name);
	return r->why;
}

static const char *need_queues(const struct run *r)
{
	const char *why = need_common(r);

	if (why)
		return why;
	if (!r->s->nqueues)
		return r->s->passive ? "queues not read (passive access reads the selected queue only)"
				     : "no queue was read";
	return NULL;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* --------------------------------------------------- config-space checks */

static const char *check_transitional_device_id(struct run *r)
{
	static const uint16_t ids[] = { 0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1009 };
	const struct vlp_header *h = &r->l->header;
	uint16_t device = (uint16_t)h->device_id.value;

	if (!r->l->virtio.is_virtio || device >= VLP_VIRTIO_MODERN_BASE)
		return NULL;
	for (size_t i = 0; i < VLP_ARRAY_SIZE(ids); i++)
		if (ids[i] == device)
			return NULL;
	/* 4.1.2.1 lists the transitional IDs; other 0x1000-0x103f IDs were
	 * legacy-only assignments a transitional device should not use. */
	report(r, r->l->virtio.transport == VLP_TRANSPORT_TRANSITIONAL ? VLP_SEV_WARNING : VLP_SEV_INFO,
	       -1, NULL,
	       "device ID 0x%04x is not one of the transitional IDs of 4.1.2.1 (0x1000-0x1005, 0x1009)",
	       device);
	return NULL;
}

static const char *check_bar_size_known(struct run *r)
{
	const struct vlp_layout *l = r->l;
	bool said[VLP_NUM_BARS] = { false };
	char where[16];

	for (size_t i = 0; i < l->nregions; i++) {
		const struct vlp_region *g = &l->regions[i];

		if (g->bar >= VLP_NUM_BARS || said[g->bar] || g->bad_bar || l->bars[g->bar].size_known)
			continue;
		said[g->bar] = true;
		snprintf(where, sizeof(where), "BAR%u", g->bar);
		report(r, VLP_SEV_INFO, -1, where,
		       "BAR%u size unknown: the structures in it are not checked against its end",
		       g->bar);
	}
	return NULL;
}

static size_t count_type(const struct vlp_layout *l, uint8_t cfg_type)
{
	size_t n = 0;

	for (size_t i = 0; i < l->ncaps; i++)
		n += l->caps[i].kind == VLP_CAP_VIRTIO && l->caps[i].u.virtio.cfg_type == cfg_type;
	return n;
}

static const char *check_driver_choice(struct run *r)
{
	const struct vlp_layout *l = r->l;
	static const uint8_t types[] = { VLP_CFG_COMMON, VLP_CFG_NOTIFY, VLP_CFG_ISR,
					 VLP_CFG_DEVICE, VLP_CFG_PCI };

	/* 4.1.4.1: the driver uses the first instance it can support; the
	 * decoder recorded why each other one is skipped. */
	for (size_t t = 0; t < VLP_ARRAY_SIZE(types); t++) {
		int used = l->driver_uses[types[t]];

		if (count_type(l, types[t]) < 2)
			continue;
		for (size_t i = 0; i < l->ncaps; i++) {
			const struct vlp_cap *c = &l->caps[i];

			if (c->kind != VLP_CAP_VIRTIO || c->u.virtio.cfg_type != types[t] ||
			    (int)i == used)
				continue;
			if (used >= 0)
				report(r, VLP_SEV_INFO, c->position, NULL,
				       "%s capability [%02x] is not used (driver uses [%02x]): %s",
				       vlp_cfg_type_label(types[t]), c->position,
				       l->caps[used].position,
				       c->u.virtio.skip_reason ? c->u.virtio.skip_reason
							       : "not usable");
			else
				report(r, VLP_SEV_INFO, c->position, NULL,
				       "%s capability [%02x] is not used: %s",
				       vlp_cfg_type_label(types[t]), c->position,
				       c->u.virtio.skip_reason ? c->u.virtio.skip_reason
							       : "not usable");
		}
	}
	return NULL;
}

/* What Linux's vp_modern_map_capability() checks, with its parameters per
 * structure (drivers/virtio/virtio_pci_modern_dev.c). */
struct linux_map {
	uint8_t cfg_type;
	uint32_t minlen, align;
};

static const struct linux_map linux_maps[] = {
	{ VLP_CFG_COMMON, 0x38, 4 },
	{ VLP_CFG_ISR, 1, 1 },
	{ VLP_CFG_NOTIFY, 2, 2 },
	{ VLP_CFG_DEVICE, 0, 4 },
};

/* Linux's virtio_pci_find_capability(): the first capability of the type
 * whose BAR is 0-5 and implemented; it never looks at cap_len. */
static int linux_pick(const struct vlp_layout *l, uint8_t cfg_type)
{
	for (size_t i = 0; i < l->ncaps; i++) {
		const struct vlp_virtio_cap *v = &l->caps[i].u.virtio;
		const struct vlp_bar *b;

		if (l->caps[i].kind != VLP_CAP_VIRTIO || v->cfg_type != cfg_type ||
		    v->cap_len < 16 || v->bar >= VLP_NUM_BARS)
			continue;
		b = &l->bars[v->bar];
		if (b->valid && b->present && !b->upper_half && !(b->size_known && b->size == 0))
			return (int)i;
	}
	return -1;
}

static const char *check_linux_probe(struct run *r)
{
	const struct vlp_layout *l = r->l;
	int pick[VLP_CFG_TYPE_SLOTS];

	if (!is_modern_interface(l))
		return NULL;
	for (size_t t = 0; t < VLP_ARRAY_SIZE(linux_maps); t++)
		pick[linux_maps[t].cfg_type] = linux_pick(l, linux_maps[t].cfg_type);
	if (pick[VLP_CFG_COMMON] < 0) {
		report(r, VLP_SEV_WARNING, -1, NULL,
		       "Linux finds no common configuration capability: \"virtio_pci: leaving for legacy driver\"%s",
		       l->virtio.transport == VLP_TRANSPORT_MODERN
			       ? " and the device stays without a driver"
			       : "");
		return NULL;
	}
	if (pick[VLP_CFG_ISR] < 0 || pick[VLP_CFG_NOTIFY] < 0) {
		report(r, VLP_SEV_WARNING, -1, NULL,
		       "Linux's probe fails: \"virtio_pci: missing capabilities %i/%i/%i\"",
		       l->caps[pick[VLP_CFG_COMMON]].position,
		       pick[VLP_CFG_ISR] < 0 ? 0 : l->caps[pick[VLP_CFG_ISR]].position,
		       pick[VLP_CFG_NOTIFY] < 0 ? 0 : l->caps[pick[VLP_CFG_NOTIFY]].position);
		return NULL;
	}
	for (size_t t = 0; t < VLP_ARRAY_SIZE(linux_maps); t++) {
		const struct linux_map *m = &linux_maps[t];
		const struct vlp_cap *c;
		const struct vlp_virtio_cap *v;
		const struct vlp_bar *b;
		int spec = l->driver_uses[m->cfg_type];

		if (pick[m->cfg_type] < 0)
			continue;
		c = &l->caps[pick[m->cfg_type]];
		v = &c->u.virtio;
		b = &l->bars[v->bar];
		if (v->length == 0)
			report(r, VLP_SEV_WARNING, c->position, NULL,
			       "Linux's probe fails on %s [%02x]: \"virtio_pci: bad capability len %llu (>0 expected)\"",
			       vlp_cfg_type_label(m->cfg_type), c->position,
			       (unsigned long long)v->length);
		else if (v->length < m->minlen)
			report(r, VLP_SEV_WARNING, c->position, NULL,
			       "Linux's probe fails on %s [%02x]: \"virtio_pci: bad capability len %llu (>=%u expected)\"",
			       vlp_cfg_type_label(m->cfg_type), c->position,
			       (unsigned long long)v->length, m->minlen);
		else if (v->offset & (m->align - 1))
			report(r, VLP_SEV_WARNING, c->position, NULL,
			       "Linux's probe fails on %s [%02x]: \"virtio_pci: offset %llu not aligned to %u\"",
			       vlp_cfg_type_label(m->cfg_type), c->position,
			       (unsigned long long)v->offset, m->align);
		else if (b->size_known && m->minlen + v->offset > b->size)
			report(r, VLP_SEV_WARNING, c->position, NULL,
			       "Linux's probe fails on %s [%02x]: \"virtio_pci: map virtio %u@%llu out of range on bar %u length %llu\"",
			       vlp_cfg_type_label(m->cfg_type), c->position, m->minlen,
			       (unsigned long long)v->offset, v->bar, (unsigned long long)b->size);
		else if (spec >= 0 && spec != pick[m->cfg_type])
			report(r, VLP_SEV_WARNING, c->position, NULL,
			       "Linux uses %s [%02x] (the first with an implemented BAR), a spec-following driver [%02x]",
			       vlp_cfg_type_label(m->cfg_type), c->position, l->caps[spec].position);
	}
	return NULL;
}

static const char *check_dpdk_choice(struct run *r)
{
	const struct vlp_layout *l = r->l;
	static const uint8_t types[] = { VLP_CFG_COMMON, VLP_CFG_NOTIFY, VLP_CFG_DEVICE, VLP_CFG_ISR };
	bool all = true;

	if (!is_modern_interface(l))
		return NULL;
	/* DPDK's virtio_read_caps() keeps the last capability of each type
	 * (4.1.4.1 says the first usable one) and needs all four. */
	for (size_t t = 0; t < VLP_ARRAY_SIZE(types); t++) {
		int last = -1, spec = l->driver_uses[types[t]];

		for (size_t i = 0; i < l->ncaps; i++)
			if (l->caps[i].kind == VLP_CAP_VIRTIO &&
			    l->caps[i].u.virtio.cfg_type == types[t] &&
			    l->caps[i].u.virtio.bar < VLP_NUM_BARS)
				last = (int)i;
		if (last < 0) {
			all = false;
			continue;
		}
		if (spec >= 0 && spec != last)
			report(r, VLP_SEV_WARNING, l->caps[last].position, NULL,
			       "DPDK uses the last %s capability [%02x]; the spec's driver uses the first usable one [%02x]",
			       vlp_cfg_type_label(types[t]), l->caps[last].position,
			       l->caps[spec].position);
		else if (spec < 0)
			report(r, VLP_SEV_WARNING, l->caps[last].position, NULL,
			       "DPDK uses %s capability [%02x], which a spec-following driver finds unusable: %s",
			       vlp_cfg_type_label(types[t]), l->caps[last].position,
			       l->caps[last].u.virtio.skip_reason ? l->caps[last].u.virtio.skip_reason
								  : "");
	}
	if (!all)
		report(r, VLP_SEV_WARNING, -1, NULL,
		       "DPDK needs common, notify, device and ISR capabilities: \"no modern virtio pci device found.\" (it tries the legacy interface)");
	return NULL;
}

static const char *check_linux_shm_cap_len(struct run *r)
{
	const struct vlp_layout *l = r->l;

	for (size_t i = 0; i < l->ncaps; i++) {
		const struct vlp_virtio_cap *v = &l->caps[i].u.virtio;

		/* Linux's virtio_pci_find_shm_cap() wants sizeof(struct
		 * virtio_pci_cap64) exactly; the spec allows more (4.1.4.2). */
		if (l->caps[i].kind == VLP_CAP_VIRTIO && v->cfg_type == VLP_CFG_SHARED_MEMORY &&
		    v->cap_len > 24)
			report(r, VLP_SEV_WARNING, l->caps[i].position, NULL,
			       "shared memory capability has cap_len %u; Linux accepts only 24 (\"shm cap with bad size\")",
			       v->cap_len);
	}
	return NULL;
}

static const char *check_notify_multiplier_even(struct run *r)
{
	const struct vlp_layout *l = r->l;

	for (size_t i = 0; i < l->ncaps; i++) {
		const struct vlp_virtio_cap *v = &l->caps[i].u.virtio;

		/* Multiplier 1 puts queue n+1's 2-byte register one byte after
		 * queue n's. */
		if (l->caps[i].kind == VLP_CAP_VIRTIO && v->has_multiplier &&
		    v->notify_off_multiplier == 1)
			report(r, VLP_SEV_WARNING, l->caps[i].position, NULL,
			       "notify_off_multiplier 1 is not even: the 2-byte notify registers of consecutive queue_notify_off values overlap");
	}
	return NULL;
}

/* ------------------------------------------------------ register checks */

static const char *check_notify_data_rules(struct run *r)
{
	const struct vlp_virtio_cap *n = used_cap(r->l, VLP_CFG_NOTIFY);
	int pos = r->l->driver_uses[VLP_CFG_NOTIFY];
	const char *why = need_common(r);

	if (why)
		return why;
	if (!n)
		return "no notification capability is used";
	if (offered(r->s, VLP_F_NOTIFICATION_DATA) < 0)
		return "device features not read";
	if (!offered(r->s, VLP_F_NOTIFICATION_DATA))
		return NULL;
	pos = r->l->caps[pos].position;
	if (n->notify_off_multiplier % 4)
		report(r, VLP_SEV_ERROR, pos, NULL,
		       "VIRTIO_F_NOTIFICATION_DATA is offered but notify_off_multiplier %u is not a multiple of 4",
		       n->notify_off_multiplier);
	if (n->offset % 4)
		report(r, VLP_SEV_ERROR, pos, NULL,
		       "VIRTIO_F_NOTIFICATION_DATA is offered but the notification offset 0x%llx is not 4-byte aligned",
		       (unsigned long long)n->offset);
	if (n->length < 4)
		report(r, VLP_SEV_ERROR, pos, NULL,
		       "VIRTIO_F_NOTIFICATION_DATA is offered but the notification structure is %llu bytes (4 needed)",
		       (unsigned long long)n->length);
	return NULL;
}

static const char *check_notify_zero_multiplier(struct run *r)
{
	const struct vlp_virtio_cap *n = used_cap(r->l, VLP_CFG_NOTIFY);
	const char *why = need_queues(r);
	uint64_t off;

	if (why)
		return why;
	if (!n || !n->has_multiplier)
		return "no notification capability is used";
	if (n->notify_off_multiplier)
		return NULL;
	for (size_t i = 0; i < r->s->nqueues; i++) {
		const struct vlp_queue_state *q = &r->s->queues[i];

		if (regs_value(&q->regs, VLP_COMMON_QUEUE_NOTIFY_OFF, &off) && off) {
			report(r, VLP_SEV_WARNING, -1, at_queue(r, q->index),
			       "queue %u has queue_notify_off %llu but notify_off_multiplier is 0: every queue notifies at the same address, the offset is ignored",
			       q->index, (unsigned long long)off);
		}
	}
	return NULL;
}

static const char *check_common_length_features(struct run *r)
{
	/* Fields that exist only with a feature (4.1.4.3), read from the
	 * table: a feature's need is the end of its last row, the length
	 * Linux's vp_check_common_size() then wants. */
	const struct vlp_field_table *t = vlp_common_cfg_table();
	const struct vlp_virtio_cap *c = used_cap(r->l, VLP_CFG_COMMON);
	const char *why = need_common(r);

	if (why)
		return why;
	if (!c)
		return "no common configuration capability is used";
	for (size_t i = 0; i < t->count; i++) {
		const struct vlp_field *f = &t->fields[i];
		unsigned bit = VLP_FEATURE_BIT(f->feature);
		uint64_t need = f->offset + f->width;
		const char *name = vlp_feature_name(0, bit);
		int on;

		if (!f->feature || (i + 1 < t->count && t->fields[i + 1].feature == f->feature))
			continue;
		if ((on = offered(r->s, bit)) < 0)
			return "device features not read";
		if (on && c->length < need)
			report(r, VLP_SEV_ERROR,
			       r->l->caps[r->l->driver_uses[VLP_CFG_COMMON]].position, NULL,
			       "%s is offered but the common configuration is 0x%llx bytes (0x%llx needed); Linux: \"virtio: common cfg size(%llu) does not match the feature %s\"",
			       name, (unsigned long long)c->length, (unsigned long long)need,
			       (unsigned long long)c->length, name);
	}
	return NULL;
}

/* Whether the device offers bit, or why a check on it cannot run. */
static const char *need_offered(struct run *r, unsigned bit, bool *on)
{
	const char *why = need_common(r);
	int v;

	if (why)
		return why;
	if ((v = offered(r->s, bit)) < 0)
		return "device features not read";
	*on = v;
	return NULL;
}

static const char *check_feature_version_1(struct run *r)
{
	bool on;
	const char *why = need_offered(r, VLP_F_VERSION_1, &on);

	if (why)
		return why;
	if (!on)
		report(r, VLP_SEV_ERROR, -1, NULL,
		       "VIRTIO_F_VERSION_1 is not offered through the modern interface (Linux: \"virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1\")");
	return NULL;
}

static const char *check_feature_legacy_only(struct run *r)
{
	static const unsigned bits[] = { VLP_F_NOTIFY_ON_EMPTY, VLP_F_ANY_LAYOUT, VLP_F_UNUSED };
	const char *why = need_common(r);

	if (why)
		return why;
	if (r->l->virtio.transport != VLP_TRANSPORT_MODERN)
		return NULL; /* 6.3: transitional devices may offer them */
	for (size_t i = 0; i < VLP_ARRAY_SIZE(bits); i++) {
		int on = offered(r->s, bits[i]);
		const char *name = vlp_feature_name(0, bits[i]);

		if (on < 0)
			return "device features not read";
		if (on)
			report(r, VLP_SEV_WARNING, -1, NULL,
			       "non-transitional device offers legacy-only feature bit %u (%s)",
			       bits[i], name ? name : "legacy");
	}
	return NULL;
}

static bool has_ecap(const struct vlp_layout *l, uint16_t id)
{
	for (size_t i = 0; i < l->ncaps; i++)
		if (l->caps[i].extended && l->caps[i].id == id)
			return true;
	return false;
}

static const char *check_feature_sr_iov(struct run *r)
{
	bool on;
	const char *why = need_offered(r, VLP_F_SR_IOV, &on);

	if (why)
		return why;
	if (!on || has_ecap(r->l, PCI_EXT_CAP_ID_SRIOV))
		return NULL;
	if (!vlp_device_config_valid(r->dev, 0x100, 4))
		return "VIRTIO_F_SR_IOV is offered but extended config space was not read";
	report(r, VLP_SEV_ERROR, -1, NULL,
	       "VIRTIO_F_SR_IOV is offered but the device has no SR-IOV extended capability");
	return NULL;
}

static const char *check_feature_platform(struct run *r)
{
	const struct vlp_header *h = &r->l->header;
	const char *why = need_common(r);
	int access, order;

	if (why)
		return why;
	access = offered(r->s, VLP_F_ACCESS_PLATFORM);
	order = offered(r->s, VLP_F_ORDER_PLATFORM);
	if (access < 0 || order < 0)
		return "device features not read";
	/* 6.2 recommends both for add-in cards; a subsystem vendor other than
	 * 0x1af4 is the sign of hardware rather than a hypervisor's device. */
	if (h->subsystem_vendor_id.valid && h->subsystem_vendor_id.value != VLP_VIRTIO_VENDOR &&
	    (!access || !order))
		report(r, VLP_SEV_INFO, -1, NULL,
		       "subsystem vendor 0x%04x suggests an add-in card, which should offer VIRTIO_F_ACCESS_PLATFORM (%s) and VIRTIO_F_ORDER_PLATFORM (%s)",
		       (unsigned)h->subsystem_vendor_id.value, access ? "offered" : "not offered",
		       order ? "offered" : "not offered");
	return NULL;
}

static const char *check_queue_size_pow2(struct run *r)
{
	const char *why = need_queues(r);
	uint64_t size;
	int packed;

	if (why)
		return why;
	packed = offered(r->s, VLP_F_RING_PACKED);
	for (size_t i = 0; i < r->s->nqueues; i++) {
		const struct vlp_queue_state *q = &r->s->queues[i];

		if (!regs_value(&q->regs, VLP_COMMON_QUEUE_SIZE, &size) || size == 0 || is_pow2(size))
			continue;
		/* 4.1.4.3.1: a power of 2 unless VIRTIO_F_RING_PACKED is
		 * negotiated; a device offering it may be driven split. */
		report(r, packed > 0 ? VLP_SEV_WARNING : VLP_SEV_ERROR, -1, at_queue(r, q->index),
		       "queue %u: queue_size %llu is not a power of 2%s", q->index,
		       (unsigned long long)size,
		       packed > 0 ? " (allowed with a packed ring only; a split-ring driver cannot use it)"
				  : " and VIRTIO_F_RING_PACKED is not offered");
	}
	return NULL;
}

static const char *check_queue_count(struct run *r)
{
	uint64_t num, size;
	const char *why = need_row(r, VLP_COMMON_NUM_QUEUES, &num);

	if (why)
		return why;
	if (num == 0) {
		report(r, VLP_SEV_WARNING, -1, at_row(r, VLP_COMMON_NUM_QUEUES),
		       "num_queues is 0: the device has no queue");
		return NULL;
	}
	for (size_t i = 0; i < r->s->nqueues; i++) {
		const struct vlp_queue_state *q = &r->s->queues[i];

		if (q->index < num && regs_value(&q->regs, VLP_COMMON_QUEUE_SIZE, &size) && size == 0) {
			report(r, VLP_SEV_INFO, -1, at_queue(r, q->index),
			       "queue %u is below num_queues %llu but unavailable (queue_size 0)",
			       q->index, (unsigned long long)num);
		}
	}
	return NULL;
}

static const char *check_status_bits(struct run *r)
{
	uint64_t st;
	const char *why = need_row(r, VLP_COMMON_DEVICE_STATUS, &st);

	if (why)
		return why;
	if (st & S_UNDEFINED)
		report(r, VLP_SEV_WARNING, -1, at_row(r, VLP_COMMON_DEVICE_STATUS),
		       "device_status 0x%02llx has undefined bit 0x20 set", (unsigned long long)st);
	if ((st & S_DRIVER_OK) && !(st & S_FEATURES_OK) && !(st & S_FAILED))
		report(r, VLP_SEV_WARNING, -1, at_row(r, VLP_COMMON_DEVICE_STATUS),
		       "device_status 0x%02llx has DRIVER_OK without FEATURES_OK (3.1.1: a modern driver sets FEATURES_OK first)",
		       (unsigned long long)st);
	if (st & S_NEEDS_RESET)
		report(r, VLP_SEV_WARNING, -1, at_row(r, VLP_COMMON_DEVICE_STATUS),
		       "device_status 0x%02llx: the device has set DEVICE_NEEDS_RESET (2.1.2)",
		       (unsigned long long)st);
	if (st & S_FAILED)
		report(r, VLP_SEV_INFO, -1, at_row(r, VLP_COMMON_DEVICE_STATUS),
		       "device_status 0x%02llx: a driver gave up on the device (FAILED)",
		       (unsigned long long)st);
	return NULL;
}

static const char *check_reset_state(struct run *r)
{
	uint64_t st, v;
	const char *why = need_row(r, VLP_COMMON_DEVICE_STATUS, &st);

	if (why)
		return why;
	if (st != 0)
		return NULL; /* only a device in reset has known register values */
	/* 4.1.4.3.1: queue_enable reads 0 after reset; 4.1.5.1.2.1: reset
	 * unmaps every event from its MSI-X vector. */
	if (regs_value(&r->s->common, VLP_COMMON_CONFIG_MSIX_VECTOR, &v) && v != VLP_NO_VECTOR)
		report(r, VLP_SEV_WARNING, -1, at_row(r, VLP_COMMON_CONFIG_MSIX_VECTOR),
		       "device in reset but config_msix_vector is 0x%04llx, not NO_VECTOR (0xffff)",
		       (unsigned long long)v);
	for (size_t i = 0; i < r->s->nqueues; i++) {
		const struct vlp_queue_state *q = &r->s->queues[i];

		if (regs_value(&q->regs, VLP_COMMON_QUEUE_ENABLE, &v) && v != 0)
			report(r, VLP_SEV_ERROR, -1, at_queue(r, q->index),
			       "device in reset but queue %u has queue_enable %llu", q->index,
			       (unsigned long long)v);
		if (regs_value(&q->regs, VLP_COMMON_QUEUE_MSIX_VECTOR, &v) && v != VLP_NO_VECTOR)
			report(r, VLP_SEV_WARNING, -1, at_queue(r, q->index),
			       "device in reset but queue %u has queue_msix_vector 0x%04llx, not NO_VECTOR (0xffff)",
			       q->index, (unsigned long long)v);
	}
	return NULL;
}

/* ------------------------------------------------------ interrupt path */

/* One event a vector can be mapped to (4.1.5.1.2): the configuration
 * change, or a queue. */
struct irq_event {
	bool config;
	unsigned queue;
	bool active; /* the queue is enabled (config: always) */
	uint16_t vector;
};

#define IRQ_EVENTS_MAX 1025 /* the config event and at most 1024 queues read */

/* "queue 2 receiveq2" when the rings named it, else "queue 2". */
static const char *at_event(struct run *r, const struct irq_event *e)
{
	if (e->config) {
		snprintf(r->where, sizeof(r->where), "config");
		return r->where;
	}
	if (r->rings)
		for (size_t i = 0; i < r->rings->nqueues; i++)
			if (r->rings->queues[i].index == e->queue && r->rings->queues[i].name[0]) {
				snprintf(r->where, sizeof(r->where), "queue %u %s", e->queue,
					 r->rings->queues[i].name);
				return r->where;
			}
	return at_queue(r, e->queue);
}

/* The MSI-X capability when enabled, or why vectors are not in use. */
static const char *need_msix(const struct run *r, const struct vlp_msix_cap **out)
{
	if (r->l->msix_index < 0)
		return "no MSI-X capability: the device interrupts through INTx";
	*out = &r->l->caps[r->l->msix_index].u.msix;
	if (!(*out)->enabled)
		return "MSI-X is disabled: the device interrupts through INTx (no vectors)";
	return NULL;
}

/* The vectors of the interface a driver uses (4.1.4.3 config_msix_vector,
 * queue_msix_vector; 4.1.4.10 the legacy ones), or why they are unknown. */
static const char *irq_events(struct run *r, struct irq_event *ev, size_t *n)
{
	const struct vlp_msix_cap *mc;
	const char *why = need_msix(r, &mc);
	bool legacy = vlp_legacy_interface_in_use(r->s);
	const struct vlp_field_table *t = legacy ? vlp_legacy_header_table() : vlp_common_cfg_table();
	const struct vlp_regs *regs = legacy ? &r->s->legacy : &r->s->common;
	const struct vlp_queue_state *qs = legacy ? r->s->legacy_queues : r->s->queues;
	size_t nq = legacy ? r->s->nlegacy_queues : r->s->nqueues;
	unsigned config_row = legacy ? VLP_LEGACY_CONFIG_MSIX_VECTOR : VLP_COMMON_CONFIG_MSIX_VECTOR;
	unsigned queue_row = legacy ? VLP_LEGACY_QUEUE_MSIX_VECTOR : VLP_COMMON_QUEUE_MSIX_VECTOR;
	unsigned active_row = legacy ? VLP_LEGACY_QUEUE_ADDRESS : VLP_COMMON_QUEUE_ENABLE;
	const struct vlp_field_value *fv;

	*n = 0;
	if (why)
		return why;
	if (!regs->table)
		return legacy ? "the legacy registers were not read"
			      : "the common configuration was not read";
	fv = vlp_regs_row(regs, t, config_row);
	if (fv && fv->valid)
		ev[(*n)++] = (struct irq_event){ .config = true,
						 .active = true,
						 .vector = (uint16_t)fv->value };
	for (size_t i = 0; i < nq && *n < IRQ_EVENTS_MAX; i++) {
		const struct vlp_field_value *vec = vlp_regs_row(&qs[i].regs, t, queue_row);
		const struct vlp_field_value *on = vlp_regs_row(&qs[i].regs, t, active_row);

		if (!vec || !vec->valid)
			continue;
		ev[(*n)++] = (struct irq_event){ .queue = qs[i].index,
						 .active = on && on->valid && on->value != 0,
						 .vector = (uint16_t)vec->value };
	}
	if (!*n)
		return "no vector register was read";
	return NULL;
}

/* Runs fn over the events; the array is too large for the stack of a
 * library call on a small thread. */
static const char *with_events(struct run *r,
			       void (*fn)(struct run *r, const struct irq_event *ev, size_t n))
{
	struct irq_event *ev = calloc(IRQ_EVENTS_MAX, sizeof(*ev));
	const char *why;
	size_t n;

	if (!ev) {
		r->out_of_memory = true;
		return NULL;
	}
	why = irq_events(r, ev, &n);
	if (!why)
		fn(r, ev, n);
	free(ev);
	return why;
}

/* 4.1.5.1.2: NO_VECTOR "disables" the event's interrupt.  A driver may do
 * that for a queue it polls (Linux maps no vector to a queue without a
 * callback), so it is a note: a queue the driver waits on would stall. */
static void irq_queue_vector(struct run *r, const struct irq_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ev[i].config && ev[i].active && ev[i].vector == VLP_NO_VECTOR)
			report(r, VLP_SEV_INFO, -1, at_event(r, &ev[i]),
			       "queue %u is enabled with queue_msix_vector NO_VECTOR: the device sends it no used buffer notification, so the driver must poll it",
			       ev[i].queue);
}

/* 4.1.5.1.2.2: the driver maps events only to vectors of the table;
 * 4.1.5.1.2.1: the device reads back NO_VECTOR for a mapping it could not
 * make.  A vector beyond Table Size read back breaks one of the two. */
static void irq_vector_range(struct run *r, const struct irq_event *ev, size_t n)
{
	unsigned size = r->l->caps[r->l->msix_index].u.msix.table_size;

	for (size_t i = 0; i < n; i++)
		if (ev[i].vector != VLP_NO_VECTOR && ev[i].vector >= size)
			report(r, VLP_SEV_ERROR, -1, at_event(r, &ev[i]),
			       "%s vector %u is beyond the MSI-X table (%u entries): its interrupt goes nowhere (a device answers NO_VECTOR to a mapping it cannot make)",
			       ev[i].config ? "config_msix_vector:" : "queue_msix_vector:", ev[i].vector,
			       size);
}

/* Several events on one vector: legitimate (4.1.5.1.2 lets any event map
 * to any vector; Linux falls back to one vector for all queues when it
 * gets fewer than queues + 1), but the handler then scans every queue. */
static void irq_vector_shared(struct run *r, const struct irq_event *ev, size_t n)
{
	enum { NAMED = 6 }; /* events named in a message; the rest counted */

	for (size_t i = 0; i < n; i++) {
		char list[128] = "";
		size_t len = 0, users = 0;
		bool first = true;

		if (!ev[i].active || ev[i].vector == VLP_NO_VECTOR)
			continue;
		for (size_t j = 0; j < i; j++)
			if (ev[j].active && ev[j].vector == ev[i].vector)
				first = false;
		if (!first)
			continue;
		for (size_t j = i; j < n; j++) {
			int k;

			if (!ev[j].active || ev[j].vector != ev[i].vector || users++ >= NAMED)
				continue;
			k = ev[j].config ? snprintf(list + len, sizeof(list) - len, "%sconfig",
						    len ? ", " : "")
					 : snprintf(list + len, sizeof(list) - len, "%squeue %u",
						    len ? ", " : "", ev[j].queue);
			if (k > 0 && len + (size_t)k < sizeof(list))
				len += (size_t)k;
		}
		if (users > NAMED)
			snprintf(list + len, sizeof(list) - len, " and %zu more", users - NAMED);
		if (users > 1)
			report(r, VLP_SEV_INFO, -1, at_event(r, &ev[i]),
			       "vector %u is shared by %zu events (%s): its handler looks at each (Linux's fallback when it gets fewer vectors than queues + 1)",
			       ev[i].vector, users, list);
	}
}

/* PCI 6.8.2.9/6.8.2.10: a masked vector's message is held with its Pending
 * Bit set until unmasked.  Pending behind a mask on a vector in use: an
 * interrupt the driver is not getting. */
static void irq_masked_pending(struct run *r, const struct irq_event *ev, size_t n)
{
	const struct vlp_msix_cap *mc = &r->l->caps[r->l->msix_index].u.msix;

	for (size_t i = 0; i < n; i++) {
		const struct vlp_msix_entry *e;
		bool masked;

		if (!ev[i].active || ev[i].vector == VLP_NO_VECTOR || ev[i].vector >= r->s->nmsix)
			continue;
		e = &r->s->msix[ev[i].vector];
		if (!e->pending_valid || !e->pending || !e->control.valid)
			continue;
		masked = (e->control.value & VLP_MSIX_VECTOR_MASKED) || mc->function_mask;
		if (masked)
			report(r, VLP_SEV_WARNING, -1, at_event(r, &ev[i]),
			       "vector %u is masked (%s) with its pending bit set: an interrupt is held back until it is unmasked",
			       ev[i].vector, mc->function_mask ? "Function Mask" : "Vector Control");
	}
}

static const char *check_irq_queue_vector(struct run *r)
{
	return with_events(r, irq_queue_vector);
}

static const char *check_irq_vector_range(struct run *r)
{
	return with_events(r, irq_vector_range);
}

static const char *check_irq_vector_shared(struct run *r)
{
	return with_events(r, irq_vector_shared);
}

static const char *check_irq_masked_pending(struct run *r)
{
	if (r->l->msix_index >= 0 && r->l->caps[r->l->msix_index].u.msix.enabled && !r->s->nmsix)
		return "the MSI-X table and PBA were not read";
	return with_events(r, irq_masked_pending);
}

/* ------------------------------------------------------------ running */

static void collect(struct run *r, const struct vlp_finding *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add_finding(r, vlp_check_find(f[i].check), &f[i], NULL);
}

/* A ring check: the findings the decoder made under its id, per queue;
 * NULL when the rings were read, else why not. */
static const char *ring_row(struct run *r, const char *no_rings_reason)
{
	const struct vlp_rings *rs = r->rings;

	if (!rs)
		return no_rings_reason ? no_rings_reason : "rings not read";
	if (rs->error[0])
		return rs->error;
	for (size_t i = 0; i < rs->nqueues; i++) {
		const struct vlp_queue_ring *q = &rs->queues[i];
		const struct vlp_ring *ring = q->ring;
		bool said = false;

		if (!ring)
			continue;
		for (size_t k = 0; k < ring->nfindings; k++) {
			if (!ring->findings[k].check || strcmp(ring->findings[k].check, r->check->id))
				continue;
			snprintf(r->where, sizeof(r->where), "queue %u %s", q->index, q->name);
			add_finding(r, r->check, &ring->findings[k], r->where);
			said = true;
		}
		/* Beyond VLP_RING_FINDINGS_MAX the decoder counts, once per
		 * ring: said under the check of its last finding. */
		if (said && ring->findings_omitted && ring->nfindings &&
		    !strcmp(ring->findings[ring->nfindings - 1].check, r->check->id))
			report(r, VLP_SEV_INFO, -1, r->where,
			       "%zu more ring findings of queue %u not listed",
			       ring->findings_omitted, q->index);
	}
	return NULL;
}

static bool same_finding(const struct vlp_finding *a, const struct vlp_finding *b)
{
	return a->check && b->check && !strcmp(a->check, b->check) && !strcmp(a->message, b->message);
}

size_t vlp_rings_keep_confirmed(struct vlp_rings *rings, const struct vlp_rings *earlier)
{
	size_t dropped = 0;

	for (size_t i = 0; rings && i < rings->nqueues; i++) {
		struct vlp_ring *now = rings->queues[i].ring;
		const struct vlp_ring *before = NULL;
		size_t kept = 0;

		for (size_t k = 0; earlier && k < earlier->nqueues && !before; k++)
			if (earlier->queues[k].index == rings->queues[i].index)
				before = earlier->queues[k].ring;
		for (size_t f = 0; now && f < now->nfindings; f++) {
			bool seen = false;

			for (size_t e = 0; before && e < before->nfindings && !seen; e++)
				seen = same_finding(&now->findings[f], &before->findings[e]);
			if (seen)
				now->findings[kept++] = now->findings[f];
			else
				dropped++;
		}
		if (now)
			now->nfindings = kept;
	}
	return dropped;
}

int vlp_check_device(struct vlp_ctx *ctx, const struct vlp_device *dev, const struct vlp_layout *l,
		     const struct vlp_state *state, const char *no_state_reason,
		     struct vlp_check_report **out)
{
	return vlp_check_device_rings(ctx, dev, l, state, no_state_reason, NULL, NULL, out);
}

int vlp_check_device_rings(struct vlp_ctx *ctx, const struct vlp_device *dev,
			   const struct vlp_layout *l, const struct vlp_state *state,
			   const char *no_state_reason, const struct vlp_rings *rings,
			   const char *no_rings_reason, struct vlp_check_report **out)
{
	struct run r = { .ctx = ctx, .dev = dev, .l = l, .s = state, .rings = rings };
	bool header_only = !vlp_device_config_valid(dev, VLP_CONFIG_HEADER,
						    VLP_CONFIG_LEGACY - VLP_CONFIG_HEADER);

	r.rep = calloc(1, sizeof(*r.rep));
	if (!r.rep)
		return vlp_error(ctx, ENOMEM, "out of memory");
	collect(&r, l->findings, l->nfindings);
	if (state)
		collect(&r, state->findings, state->nfindings);
	for (size_t i = 0; i < vlp_check_count(); i++) {
		const struct check_row *row = row_at(i); /* NULL: a ring check */
		const struct vlp_check *c = vlp_check_at(i);
		const char *why = NULL;

		r.check = c;
		if (c->data == VLP_CHECK_ACTIVE)
			why = "writes to the device"; /* made when asked: not_asked */
		else if (!l->virtio.is_virtio)
			why = "not a virtio device";
		else if (header_only && strcmp(c->where, "header"))
			why = "only the 64-byte config header was read";
		else if ((c->data == VLP_CHECK_STATE || c->data == VLP_CHECK_RINGS) && !state)
			why = no_state_reason ? no_state_reason : "registers behind the BARs not read";
		else if (!row)
			why = ring_row(&r, no_rings_reason);
		else if (row->fn)
			why = row->fn(&r);
		if (why) {
			skip(&r, c, why);
			if (c->data == VLP_CHECK_ACTIVE && !r.out_of_memory)
				r.rep->skipped[r.rep->nskipped - 1].not_asked = true;
		} else
			r.rep->checks_run++;
	}
	if (r.out_of_memory) {
		vlp_check_report_free(r.rep);
		return vlp_error(ctx, ENOMEM, "out of memory");
	}
	sort_findings(r.rep);
	*out = r.rep;
	return 0;
}

/* ------------------------------------------------------- active checks */

static void unskip(struct vlp_check_report *rep, const struct vlp_check *c)
{
	for (size_t i = 0; i < rep->nskipped; i++)
		if (rep->skipped[i].check == c) {
			memmove(&rep->skipped[i], &rep->skipped[i + 1],
				(rep->nskipped - i - 1) * sizeof(*rep->skipped));
			rep->nskipped--;
			return;
		}
}

#define BEYOND_FIRST VLP_FEATURE_WORDS
#define BEYOND_LAST 7

/* 4.1.4.3.1: the device resets on device_status = 0 and reads back 0. */
static int active_reset(struct run *r, struct vlp_device *dev)
{
	struct vlp_drive d;
	unsigned waited;
	int err = vlp_drive_begin(r->ctx, dev, r->l, &d);

	if (!err)
		err = vlp_drive_reset(&d, &waited);

	if (err == -ETIMEDOUT) {
		report(r, VLP_SEV_ERROR, -1, NULL, "%s", vlp_ctx_error(r->ctx));
		return 0;
	}
	return err;
}

static int active_feature_window(struct run *r, struct vlp_device *dev)
{
	struct vlp_reg reg;
	int err;

	if (!is_modern_interface(r->l))
		return 1;
	if ((err = vlp_reg_row(r->ctx, r->l, VLP_BLOCK_COMMON, VLP_COMMON_DEVICE_FEATURE, &reg)))
		return err;
	for (uint32_t w = BEYOND_FIRST; w <= BEYOND_LAST; w++) {
		struct vlp_selection sel = { .device_feature_select = w };
		uint64_t v;

		if ((err = vlp_reg_read(r->ctx, dev, r->l, &reg, &sel, 0, &v)))
			return err;
		if (v)
			report(r, VLP_SEV_WARNING, -1, at_row(r, VLP_COMMON_DEVICE_FEATURE),
			       "device_feature_select %u reads device_feature 0x%08llx: bits %u-%u are not defined by the spec",
			       w, (unsigned long long)v, 32 * w, 32 * w + 31);
	}
	return 0;
}

/* "queue_size: On reset, specifies the maximum queue size supported by
 * the device" (4.1.4.3): write a smaller size to queue 0, reset, read. */
static int active_queue_size_max(struct run *r, struct vlp_device *dev)
{
	struct vlp_selection sel = { .queue = 0 };
	struct vlp_reg num_reg, size_reg;
	uint64_t num, max, after;
	int err;

	if (!is_modern_interface(r->l))
		return 1;
	if ((err = vlp_reg_row(r->ctx, r->l, VLP_BLOCK_COMMON, VLP_COMMON_NUM_QUEUES, &num_reg)) ||
	    (err = vlp_reg_row(r->ctx, r->l, VLP_BLOCK_COMMON, VLP_COMMON_QUEUE_SIZE, &size_reg)) ||
	    (err = vlp_reg_read(r->ctx, dev, r->l, &num_reg, NULL, 0, &num)))
		return err;
	if (num == 0)
		return 1;
	if ((err = vlp_reg_read(r->ctx, dev, r->l, &size_reg, &sel, 0, &max)))
		return err;
	if (max < 2)
		return 1;
	if ((err = vlp_reg_write(r->ctx, dev, r->l, &size_reg, &sel, max / 2)) ||
	    (err = active_reset(r, dev)) ||
	    (err = vlp_reg_read(r->ctx, dev, r->l, &size_reg, &sel, 0, &after)))
		return err;
	if (after != max)
		report(r, VLP_SEV_ERROR, -1, "queue 0",
		       "queue 0: queue_size reads %llu after writing %llu and resetting; the maximum read before was %llu",
		       (unsigned long long)after, (unsigned long long)(max / 2),
		       (unsigned long long)max);
	return 0;
}

int vlp_check_active(struct vlp_ctx *ctx, struct vlp_device *dev, const struct vlp_layout *l,
		     struct vlp_check_report *rep)
{
	struct run r = { .ctx = ctx, .dev = dev, .l = l, .rep = rep };
	const char *refusal = vlp_device_write_refusal(dev);
	static const struct {
		const char *id;
		int (*fn)(struct run *r, struct vlp_device *dev);
		const char *not_applicable;
	} steps[] = {
		{ "active-reset", active_reset, NULL },
		{ "active-feature-window", active_feature_window,
		  "a legacy device has one feature word" },
		{ "active-queue-size-max", active_queue_size_max, "no queue with a size of 2 or more" },
	};
	int err = 0;

	struct vlp_drive d;

	/* The face refused first (vlp_drive_open); this holds for any caller. */
	if (refusal)
		return vlp_error(ctx, EBUSY, "%s", refusal);
	if (vlp_device_dry_run(dev))
		return vlp_error(ctx, EINVAL, "the active checks make their writes: not in a dry run");
	r.findings_alloc = rep->nfindings;
	r.skipped_alloc = rep->nskipped;
	for (size_t i = 0; i < VLP_ARRAY_SIZE(steps) && !err; i++) {
		r.check = vlp_check_find(steps[i].id);
		unskip(rep, r.check);
		err = steps[i].fn(&r, dev);
		if (err == 1) {
			skip(&r, r.check, steps[i].not_applicable);
			err = 0;
		} else if (!err) {
			rep->checks_run++;
		}
	}
	/* A config change the driver can provoke would need a device type
	 * with a writable field whose change the device reports; the changes
	 * worth testing come from the host (the QEMU suite's QMP hook). */
	r.check = vlp_check_find("active-config-generation");
	unskip(rep, r.check);
	skip(&r, r.check, "no configuration change a driver can provoke (changes come from the host)");
	/* Leave the device reset, whatever happened above. */
	if (!vlp_drive_begin(ctx, dev, l, &d) && !vlp_drive_reset(&d, NULL))
		rep->reset_done = true;
	if (r.out_of_memory)
		return vlp_error(ctx, ENOMEM, "out of memory");
	sort_findings(rep);
	return err;
}
