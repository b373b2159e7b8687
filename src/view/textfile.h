/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --textfile=PATH: standard output into PATH atomically (textfile.c). */
#ifndef VLP_TEXTFILE_H
#define VLP_TEXTFILE_H

#include <limits.h>
#include <stdbool.h>

struct textfile {
	const char *path;
	char tmp[PATH_MAX]; /* the temporary file beside path */
	int fd, saved_stdout;
};

/* Sends standard output to a new temporary file in path's directory (a
 * name not ending in .prom).  EXIT_OK, or an exit code with one line on
 * stderr (path untouched). */
int textfile_begin(struct textfile *t, const char *path);
/* commit: flush, fsync and rename the temporary file over path; otherwise
 * (or when any of that fails) remove it, path keeping its previous
 * contents.  Standard output is restored either way.  EXIT_OK, or
 * EXIT_RUNTIME with one line on stderr. */
int textfile_end(struct textfile *t, bool commit);

#endif
