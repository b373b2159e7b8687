/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JUnit XML (-o junit) of the conformance checker: one testsuite per
 * device, one testcase per check of the registry (its id as the name),
 * a failure for errors (and warnings with --strict), skipped with the
 * reason for checks not made.  The frame is written around the devices:
 * junit_begin, junit_device for each, junit_end. */
#ifndef VLP_JUNIT_H
#define VLP_JUNIT_H

#include <stdbool.h>
#include <stdio.h>

#include "vlp.h"

void junit_begin(FILE *f);
/* One device's testsuite: name "SLOT TITLE"; classname of its cases
 * "virtio-lspci.SLOT". */
void junit_device(FILE *f, const char *slot, const char *title, const struct vlp_check_report *rep,
		  bool strict);
void junit_end(FILE *f);
/* s as XML character data or attribute value: & < > " ' escaped, other
 * control characters (not allowed in XML 1.0) as '?'. */
void junit_escape(FILE *f, const char *s);

#endif
