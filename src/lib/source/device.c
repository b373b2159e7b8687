/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device handle: config-space bytes with a validity map. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/monitor.h"
#include "records.h"

struct vlp_device *vlp_device_alloc(void)
{
	struct vlp_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->config_size = VLP_CONFIG_HEADER;
	for (unsigned i = 0; i < VLP_NUM_BARS; i++)
		dev->bar_size[i] = VLP_BAR_SIZE_UNKNOWN;
	return dev;
}

void vlp_device_free(struct vlp_device *dev)
{
	if (!dev)
		return;
	if (dev->close_bars)
		dev->close_bars(dev);
	vlp_snapshot_free(dev->snapshot);
	vlp_snapshot_free(dev->recording);
	vlp_guestmem_free(dev->host_mem);
	vlp_monitor_records_free(dev->host_records);
	vlp_monitor_close(dev->monitor);
	free(dev->qom_path);
	free(dev);
}

static unsigned config_size_covering(unsigned end)
{
	if (end <= VLP_CONFIG_HEADER)
		return VLP_CONFIG_HEADER;
	if (end <= VLP_CONFIG_LEGACY)
		return VLP_CONFIG_LEGACY;
	return VLP_CONFIG_MAX;
}

void vlp_device_set_bytes(struct vlp_device *dev, unsigned off, const uint8_t *bytes, unsigned len)
{
	if (off >= VLP_CONFIG_MAX || len > VLP_CONFIG_MAX - off)
		return; /* callers check; never write past the buffer */
	memcpy(dev->config + off, bytes, len);
	for (unsigned i = off; i < off + len; i++)
		dev->valid[i / 8] |= (uint8_t)(1u << (i % 8));
	if (config_size_covering(off + len) > dev->config_size)
		dev->config_size = config_size_covering(off + len);
}

void vlp_device_set_driver(struct vlp_device *dev, const char *driver)
{
	snprintf(dev->driver, sizeof(dev->driver), "%s", driver ? driver : "");
}

int vlp_device_from_bytes(struct vlp_ctx *ctx, const struct vlp_slot *slot, const uint8_t *bytes,
			  const uint8_t *valid, unsigned len, const uint64_t *bar_sizes,
			  struct vlp_device **out)
{
	struct vlp_device *dev;

	if (len > VLP_CONFIG_MAX)
		return vlp_error(ctx, EINVAL, "config space of %u bytes (at most %u)", len,
				 VLP_CONFIG_MAX);
	dev = vlp_device_alloc();
	if (!dev)
		return vlp_error(ctx, ENOMEM, "out of memory");
	if (slot)
		dev->slot = *slot;
	dev->origin = VLP_ORIGIN_DUMP;
	for (unsigned i = 0; i < len; i++)
		if (!valid || valid[i])
			vlp_device_set_bytes(dev, i, bytes + i, 1);
	if (bar_sizes)
		memcpy(dev->bar_size, bar_sizes, sizeof(dev->bar_size));
	*out = dev;
	return 0;
}

const struct vlp_slot *vlp_device_slot(const struct vlp_device *dev)
{
	return &dev->slot;
}

enum vlp_origin vlp_device_origin(const struct vlp_device *dev)
{
	return dev->origin;
}

enum vlp_config_limit vlp_device_config_limit(const struct vlp_device *dev)
{
	return dev->limit;
}

unsigned vlp_device_config_size(const struct vlp_device *dev)
{
	return dev->config_size;
}

bool vlp_device_config_valid(const struct vlp_device *dev, unsigned off, unsigned len)
{
	if (off > VLP_CONFIG_MAX || len > VLP_CONFIG_MAX - off)
		return false;
	for (unsigned i = off; i < off + len; i++)
		if (!(dev->valid[i / 8] & (1u << (i % 8))))
			return false;
	return true;
}

int vlp_device_read_config(const struct vlp_device *dev, unsigned off, unsigned len, void *buf)
{
	if (off > VLP_CONFIG_MAX || len > VLP_CONFIG_MAX - off)
		return -ERANGE;
	if (!vlp_device_config_valid(dev, off, len))
		return -ENODATA;
	memcpy(buf, dev->config + off, len);
	return 0;
}

/* Config space is little-endian (PCI); assemble values byte by byte so the
 * result does not depend on the host. */
static int read_le(const struct vlp_device *dev, unsigned off, unsigned len, uint32_t *val)
{
	uint8_t b[4];
	int err = vlp_device_read_config(dev, off, len, b);

	if (err)
		return err;
	*val = 0;
	for (unsigned i = 0; i < len; i++)
		*val |= (uint32_t)b[i] << (8 * i);
	return 0;
}

int vlp_cfg_u8(const struct vlp_device *dev, unsigned off, uint8_t *val)
{
	uint32_t v;
	int err = read_le(dev, off, 1, &v);

	if (!err)
		*val = (uint8_t)v;
	return err;
}

int vlp_cfg_u16(const struct vlp_device *dev, unsigned off, uint16_t *val)
{
	uint32_t v;
	int err = read_le(dev, off, 2, &v);

	if (!err)
		*val = (uint16_t)v;
	return err;
}

int vlp_cfg_u32(const struct vlp_device *dev, unsigned off, uint32_t *val)
{
	return read_le(dev, off, 4, val);
}

const char *vlp_device_driver(const struct vlp_device *dev)
{
	return dev->driver[0] ? dev->driver : NULL;
}

int vlp_device_bar_size(const struct vlp_device *dev, unsigned bar, uint64_t *size)
{
	if (bar >= VLP_NUM_BARS || dev->bar_size[bar] == VLP_BAR_SIZE_UNKNOWN)
		return -ENODATA;
	*size = dev->bar_size[bar];
	return 0;
}

/* A config-space structure's field through its table row (the table says
 * where and how wide; the handle holds the bytes). */
int vlp_field_read_config(const struct vlp_device *dev, unsigned base,
			  const struct vlp_field *field, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	uint16_t w16;
	uint8_t w8;
	int err;

	switch (field->width) {
	case 1:
		err = vlp_cfg_u8(dev, base + field->offset, &w8);
		lo = w8;
		break;
	case 2:
		err = vlp_cfg_u16(dev, base + field->offset, &w16);
		lo = w16;
		break;
	case 4:
		err = vlp_cfg_u32(dev, base + field->offset, &lo);
		break;
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	/* 64-bit fields are two 32-bit halves, low first (4.1.3). */
	if (field->hi_offset) {
		err = vlp_cfg_u32(dev, base + field->hi_offset, &hi);
		if (err)
			return err;
	}
	*val = vlp_field_extract(field, (uint64_t)hi << 32 | lo);
	return 0;
}
