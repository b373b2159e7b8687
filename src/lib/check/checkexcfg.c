/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --check --exercise --watch-config: a driver's session kept DRIVER_OK
 * while the host changes the device configuration (a block resize, a link
 * going down), its fields and config_generation read every
 * EX_CFG_EVERY_MS.  4.1.4.3.1: "The device MUST present a changed
 * config_generation after the driver has read a device-specific
 * configuration value which has changed since any part of the
 * device-specific configuration was last read."  Watched in DRIVER_OK
 * only: a device may leave its generation alone while nobody drives it
 * (QEMU 7.2 counts changes only then, virtio_notify_config). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checkrun.h"

#define EX_CFG_EVERY_MS 50
#define EX_CFG_MAX 96 /* values (array elements count one each) */

enum vlp_cfggen_verdict vlp_cfggen_judge(const uint64_t *before, const uint64_t *after, size_t n,
					 uint64_t gen_before, uint64_t gen_after, size_t *first)
{
	for (size_t i = 0; i < n; i++)
		if (before[i] != after[i]) {
			*first = i;
			return gen_before == gen_after ? VLP_CFGGEN_SAME_GEN : VLP_CFGGEN_NEW_GEN;
		}
	return VLP_CFGGEN_UNCHANGED;
}

struct cfg_snap {
	uint64_t gen;
	uint64_t v[EX_CFG_MAX];
	const char *name[EX_CFG_MAX];
	int element[EX_CFG_MAX];
	size_t n;
};

/* Every field of the device configuration that lies inside it, between
 * two equal config_generation reads. */
static int snapshot(struct ex *x, struct cfg_snap *s)
{
	struct vlp_reg block;
	uint64_t again;
	int err;

	if ((err = vlp_block_find(x->r.ctx, x->l, VLP_BLOCK_DEVICE, &block)))
		return err;
	for (unsigned tries = 0; tries < VLP_GENERATION_TRIES; tries++) {
		if ((err = ex_common_read(x, VLP_COMMON_CONFIG_GENERATION, 0, &s->gen)))
			return err;
		s->n = 0;
		for (unsigned r = 0; r < block.table->count && s->n < EX_CFG_MAX; r++) {
			const struct vlp_field *f = &block.table->fields[r];
			unsigned count = f->count > 1 ? f->count : 1;
			struct vlp_reg reg;

			if ((err = vlp_reg_row(x->r.ctx, x->l, VLP_BLOCK_DEVICE, r, &reg)))
				return err;
			if (!vlp_reg_exists(&reg) || f->selector)
				continue;
			for (unsigned e = 0; e < count && s->n < EX_CFG_MAX; e++) {
				reg.element = f->count > 1 ? (int)e : -1;
				if ((err = vlp_reg_read(x->r.ctx, x->dev, x->l, &reg, NULL, 0,
							&s->v[s->n])))
					return err;
				s->name[s->n] = f->name;
				s->element[s->n] = reg.element;
				s->n++;
			}
		}
		if ((err = ex_common_read(x, VLP_COMMON_CONFIG_GENERATION, 0, &again)))
			return err;
		if (again == s->gen)
			return 0;
	}
	return vlp_error(x->r.ctx, EAGAIN,
			 "config_generation changed during each of %u reads of the device configuration",
			 VLP_GENERATION_TRIES);
}

static void field_name(const struct cfg_snap *s, size_t i, char *buf, size_t len)
{
	if (s->element[i] >= 0)
		snprintf(buf, len, "%s[%d]", s->name[i], s->element[i]);
	else
		snprintf(buf, len, "%s", s->name[i]);
}

/* One watch: *changes counts the changes seen with a new generation. */
static int watch(struct ex *x, unsigned *changes)
{
	static struct cfg_snap a, b;
	char name[64];
	size_t i;
	int err;

	*changes = 0;
	if ((err = snapshot(x, &a)))
		return err;
	for (unsigned t = 0; t < x->watch_config_ms; t += EX_CFG_EVERY_MS) {
		ex_sleep_ms(EX_CFG_EVERY_MS);
		if ((err = snapshot(x, &b)))
			return err;
		switch (vlp_cfggen_judge(a.v, b.v, a.n < b.n ? a.n : b.n, a.gen, b.gen, &i)) {
		case VLP_CFGGEN_UNCHANGED:
			continue;
		case VLP_CFGGEN_NEW_GEN:
			(*changes)++;
			break;
		case VLP_CFGGEN_SAME_GEN:
			field_name(&b, i, name, sizeof(name));
			ex_fail(x, XR_CONFIG_GENERATION, VLP_SEV_ERROR,
				chk_at_row(&x->r, VLP_COMMON_CONFIG_GENERATION),
				"device configuration %s read 0x%" PRIx64 ", then 0x%" PRIx64
				" %u ms later, config_generation %" PRIu64 " both times",
				name, a.v[i], b.v[i], t + EX_CFG_EVERY_MS, b.gen);
			break;
		}
		a = b;
	}
	return 0;
}

int ex_watch_config(struct ex *x)
{
	struct vlp_vqs *vqs = NULL;
	unsigned changes = 0;
	char why[160];
	int err, cerr;

	if (!x->watch_config_ms) {
		ex_not_run(x, XR_CONFIG_GENERATION,
			   "no configuration change watched for (--watch-config=SECONDS keeps the device DRIVER_OK while the host changes it)");
		return 0;
	}
	if (vlp_block_find(x->r.ctx, x->l, VLP_BLOCK_DEVICE, &(struct vlp_reg){ 0 })) {
		ex_not_run(x, XR_CONFIG_GENERATION, "%s", vlp_ctx_error(x->r.ctx));
		return 0;
	}
	err = ex_session_open(x, x->set, 0, VLP_NO_VECTOR, &vqs, why, sizeof(why));
	if (!err && why[0])
		ex_not_run(x, XR_CONFIG_GENERATION, "%s", why);
	else if (!err && !(err = watch(x, &changes)) && !x->decided[XR_CONFIG_GENERATION]) {
		if (changes)
			ex_ran(x, XR_CONFIG_GENERATION);
		else
			ex_not_run(x, XR_CONFIG_GENERATION,
				   "the device configuration did not change in the %u ms watched",
				   x->watch_config_ms);
	}
	cerr = ex_session_close(x, vqs);
	return err ? err : cerr;
}
