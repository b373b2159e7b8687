/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The spec's access rules, written once for the bulk reader (state.c), the
 * single-field engine (regs.c) and the BAR layer: which feature set a rule
 * reads, the notify address (4.1.4.4), the config_generation loop
 * (2.5.1, 4.1.4.3.1) and selector save/move/restore.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* Which feature set a rule reads: the negotiated one, the bits the driver
 * wrote to driver_feature AND the device offers in device_feature.  A bit
 * the driver accepted that the device does not offer is not in force
 * (2.2.1: the driver must not accept it; 2.2.2: the device then refuses
 * FEATURES_OK), and a bit only offered has not been agreed to; so neither
 * set alone says how the device behaves.  Before FEATURES_OK the driver's
 * bits are still its proposal: the intersection is what the device would
 * apply once it accepts them. */
void vlp_features_negotiated(const uint32_t device[VLP_FEATURE_WORDS],
			     const uint32_t driver[VLP_FEATURE_WORDS], uint32_t out[VLP_FEATURE_WORDS])
{
	for (unsigned w = 0; w < VLP_FEATURE_WORDS; w++)
		out[w] = device[w] & driver[w];
}

/* 4.1.4.4: the queue's notify address is cap.offset + queue_notify_off *
 * notify_off_multiplier in the notification structure's BAR; the driver
 * writes 2 bytes (the queue index, 4.1.5.2), 4 with
 * VIRTIO_F_NOTIFICATION_DATA (4.1.5.2: next_off/next_wrap in the high
 * half); with VIRTIO_F_NOTIF_CONFIG_DATA the value is the queue's
 * queue_notif_config_data instead of its index (the caller reads it). */
int vlp_notify_address(const struct vlp_layout *l, uint64_t queue_notify_off,
		       const uint32_t negotiated[VLP_FEATURE_WORDS], struct vlp_notify *out,
		       bool *inside)
{
	int idx = l->driver_uses[VLP_CFG_NOTIFY];
	const struct vlp_virtio_cap *n;
	uint64_t rel;

	if (idx < 0 || !l->caps[idx].u.virtio.has_multiplier)
		return -ENOENT;
	n = &l->caps[idx].u.virtio;
	rel = queue_notify_off * n->notify_off_multiplier;
	out->bar = n->bar;
	out->offset = n->offset + rel;
	out->width = vlp_feature_on(negotiated, VLP_F_NOTIFICATION_DATA) ? 4 : 2;
	/* 4.1.4.4.1: the address lies inside the structure's length. */
	*inside = rel + out->width <= n->length;
	return 0;
}

/* 2.5.1 / 4.1.4.3.1: fields read together are consistent when
 * config_generation reads the same before and after them; otherwise read
 * again, up to VLP_GENERATION_TRIES times. */
int vlp_read_consistent(struct vlp_device *dev, unsigned gen_bar, uint64_t gen_off,
			int (*read)(void *arg), void *arg, unsigned *retries)
{
	uint32_t g1, g2;
	int err;

	for (unsigned i = 0; i < VLP_GENERATION_TRIES; i++) {
		if ((err = vlp_bar_read(dev, gen_bar, gen_off, 1, &g1)) || (err = read(arg)) ||
		    (err = vlp_bar_read(dev, gen_bar, gen_off, 1, &g2)))
			return err;
		if (g1 == g2)
			return 0;
		if (retries)
			(*retries)++;
	}
	return -EAGAIN;
}

/* A selector (feature select, queue_select, input select/subsel) moved to
 * reach the registers behind it and put back afterwards: the driver may be
 * using it.  value: what it holds now, the value to restore. */
void vlp_selector_init(struct vlp_sel_save *s, unsigned bar, uint64_t off, unsigned width, uint32_t value)
{
	*s = (struct vlp_sel_save){
		.bar = bar, .off = off, .width = width, .saved = value, .current = value
	};
}

/* The same, reading the value to restore. */
int vlp_selector_save(struct vlp_device *dev, unsigned bar, uint64_t off, unsigned width,
		      struct vlp_sel_save *s)
{
	uint32_t v = 0;
	int err = vlp_bar_read(dev, bar, off, width, &v);

	vlp_selector_init(s, bar, off, width, v);
	return err;
}

/* Writes want, only when the selector holds something else. */
int vlp_selector_move(struct vlp_device *dev, struct vlp_sel_save *s, uint32_t want)
{
	int err;

	if (s->current == want)
		return 0;
	err = vlp_bar_select(dev, s->bar, s->off, s->width, want);
	if (!err) {
		s->current = want;
		s->moved = true;
	}
	return err;
}

int vlp_selector_restore(struct vlp_device *dev, struct vlp_sel_save *s)
{
	return vlp_selector_move(dev, s, s->saved);
}
