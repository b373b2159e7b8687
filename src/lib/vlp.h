/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvlp: decoding library behind virtio-lspci.
 *
 * Sources (live through libpci, offline from dumps) produce devices; a device
 * holds the config-space bytes that were read, with a map of which bytes are
 * valid.  vlp_decode() turns a device into a layout: header, BARs, the
 * capability chain with every virtio structure, MSI-X, the BAR map and the
 * findings.  Register blocks are described once, in field tables, which the
 * decoder, every printer and later the REPL read.
 *
 * Rules: the library never prints, exits or touches the terminal.  Functions
 * return 0 (or a count) on success and a negative errno on failure, with a
 * one-line message retrievable with vlp_ctx_error().
 */
#ifndef VLP_H
#define VLP_H

/* One header per topic (src/lib/vlp/); this one includes them all. */
#include "vlp/base.h"
#include "vlp/spec.h"
#include "vlp/tables.h"
#include "vlp/devices.h"
#include "vlp/layout.h"
#include "vlp/registers.h"
#include "vlp/checks.h"
#include "vlp/linux.h"
#include "vlp/virtqueues.h"
#include "vlp/sampling.h"
#include "vlp/driving.h"
#include "vlp/host.h"
#include "vlp/libvirt.h"

#endif /* VLP_H */
