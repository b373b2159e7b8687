/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Guest memory for the rings, as every face gets it: a live device's
 * through /proc/kcore, opened on first use and kept for the run (or the
 * session); a snapshot's from the memory it recorded (the library knows). */
#include <stdio.h>

#include "output.h"

const char *ring_memory_open(struct vlp_ctx *ctx, struct ring_memory *rm, const struct vlp_device *dev)
{
	if (vlp_device_origin(dev) != VLP_ORIGIN_LIVE)
		return NULL;
	if (!rm->tried) {
		rm->tried = true;
		if (vlp_guestmem_open_kcore(ctx, NULL, &rm->mem))
			snprintf(rm->error, sizeof(rm->error), "%s", vlp_ctx_error(ctx));
	}
	return rm->error[0] ? rm->error : NULL;
}

int ring_memory_read(struct vlp_ctx *ctx, struct ring_memory *rm, struct vlp_device *dev,
		     const struct vlp_layout *layout, const struct vlp_state *state,
		     struct vlp_rings **out)
{
	struct vlp_rings_opts ropts = { 0 };

	ring_memory_open(ctx, rm, dev);
	ropts.mem = rm->mem;
	ropts.mem_error = rm->error[0] ? rm->error : NULL;
	ropts.budget = &rm->budget;
	return vlp_read_rings(ctx, dev, layout, state, &ropts, out);
}

void ring_memory_close(struct ring_memory *rm)
{
	vlp_guestmem_free(rm->mem);
	*rm = (struct ring_memory){ 0 };
}

void ring_memory_new_budget(struct ring_memory *rm)
{
	rm->budget = (struct vlp_ring_budget){ 0 };
}
