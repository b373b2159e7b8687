/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kick probe's judgement: what one driver notification changed in a
 * queue's ring.  The device consumes available buffers once notified
 * (2.7.13.4 / 2.8.21.3: the driver notifies after making buffers
 * available); a device that held buffers in flight until this kick and
 * then used them was waiting for a notification that never came.  Pure
 * functions of the counters: the face reads the ring and writes the
 * notification.
 */
#include <stddef.h>

#include "internal.h"

static const struct {
	const char *name, *text;
} conclusions[VLP_NUDGE_CONCLUSIONS] = {
	[VLP_NUDGE_KICK_LOST] = { "kick-lost", "the device was waiting for a kick: a kick was lost" },
	[VLP_NUDGE_STUCK] = { "stuck",
			      "no progress after the kick: the device is stuck (buffers were available)" },
	[VLP_NUDGE_NOTHING_AVAILABLE] = { "nothing-available",
					  "no progress after the kick: nothing was available" },
	[VLP_NUDGE_WAITING_FOR_INPUT] = { "waiting-for-input",
					  "no progress after the kick: a receive or event queue holds buffers until input arrives, which is normal" },
	[VLP_NUDGE_DRIVER_ACTIVE] = { "driver-active",
				      "used advanced, but the driver made buffers available meanwhile (and may have kicked itself): a lost kick is not shown" },
	[VLP_NUDGE_USED_PAST_AVAIL] = { "used-past-avail",
					"used moved beyond what was available: the device returned buffers it was not given (2.7.8)" },
	[VLP_NUDGE_NOT_JUDGED] = { "not-judged",
				   "the ring could not be read: the notification was written, its effect cannot be judged" },
};

const char *vlp_nudge_conclusion_name(enum vlp_nudge_conclusion c)
{
	return (unsigned)c < VLP_NUDGE_CONCLUSIONS ? conclusions[c].name : NULL;
}

const char *vlp_nudge_conclusion_text(enum vlp_nudge_conclusion c)
{
	return (unsigned)c < VLP_NUDGE_CONCLUSIONS ? conclusions[c].text : NULL;
}

enum vlp_nudge_conclusion vlp_nudge_judge(const struct vlp_nudge_counts *before,
					  const struct vlp_nudge_counts *after,
					  enum vlp_queue_role role)
{
	if (!before->valid || !after->valid)
		return VLP_NUDGE_NOT_JUDGED;
	if (after->used != before->used) {
		/* The driver published more meanwhile: its own notification may
		 * have started the device, not ours. */
		if (after->avail != before->avail)
			return VLP_NUDGE_DRIVER_ACTIVE;
		/* 2.7.8 / 2.8: the device uses only what was made available. */
		if (!before->in_flight)
			return VLP_NUDGE_USED_PAST_AVAIL;
		return VLP_NUDGE_KICK_LOST;
	}
	if (!before->in_flight)
		return VLP_NUDGE_NOTHING_AVAILABLE;
	/* Receive buffers wait for input (5.1.6.3, 5.4.2 event queues). */
	if (role == VLP_QUEUE_RECEIVE || role == VLP_QUEUE_EVENT)
		return VLP_NUDGE_WAITING_FOR_INPUT;
	return VLP_NUDGE_STUCK;
}
