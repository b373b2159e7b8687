/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The library's one error channel: a negative errno returned, the one-line
 * message kept in the context for vlp_ctx_error(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

int vlp_error(struct vlp_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	if (ctx) {
		va_start(ap, fmt);
		vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
		va_end(ap);
	}
	return err > 0 ? -err : (err ? err : -EINVAL);
}

const char *vlp_ctx_error(const struct vlp_ctx *ctx)
{
	return ctx ? ctx->error : "";
}
