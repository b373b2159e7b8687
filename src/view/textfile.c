/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --textfile=PATH: the run's standard output goes to a temporary file in
 * PATH's directory (named .NAME.XXXXXX: node_exporter's textfile collector
 * reads only names ending in .prom), which is flushed, synced and renamed
 * over PATH when the run succeeded.  Whatever fails, PATH keeps its
 * previous contents: a reader sees the old file or the new one, never a
 * half-written one.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "textfile.h"

static void say(const struct textfile *t, const char *what, int err)
{
	fprintf(stderr, PROG ": --textfile %s: %s: %s; the previous file is left in place\n",
		t->path, what, strerror(err));
}

int textfile_begin(struct textfile *t, const char *path)
{
	char copy[sizeof(t->tmp)];
	const char *dir, *base;
	size_t dlen;
	int fd;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->fd = t->saved_stdout = -1;
	if (!path[0] || strlen(path) + 16 >= sizeof(t->tmp)) {
		say(t, "bad path", ENAMETOOLONG);
		return EXIT_USAGE;
	}
	/* DIR/.NAME.XXXXXX */
	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	dlen = strlen(dir);
	memcpy(t->tmp, dir, dlen);
	t->tmp[dlen] = '\0';
	snprintf(copy, sizeof(copy), "%s", path);
	base = basename(copy);
	strcat(t->tmp, "/.");
	strcat(t->tmp, base);
	strcat(t->tmp, ".XXXXXX");
	fd = mkstemp(t->tmp);
	if (fd < 0) {
		say(t, "cannot create a temporary file beside it", errno);
		t->tmp[0] = '\0';
		return EXIT_RUNTIME;
	}
	/* Readable by node_exporter's user, as a file written by a shell. */
	if (fchmod(fd, 0644) || fflush(stdout) || (t->saved_stdout = dup(STDOUT_FILENO)) < 0 ||
	    dup2(fd, STDOUT_FILENO) < 0) {
		say(t, "cannot redirect the output", errno);
		close(fd);
		if (t->saved_stdout >= 0)
			close(t->saved_stdout);
		t->saved_stdout = -1;
		unlink(t->tmp);
		t->tmp[0] = '\0';
		return EXIT_RUNTIME;
	}
	t->fd = fd;
	return EXIT_OK;
}

/* Syncs the directory, so that the rename survives a crash. */
static void sync_dir(const char *path)
{
	char copy[4096];
	int fd;

	snprintf(copy, sizeof(copy), "%s", path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int textfile_end(struct textfile *t, bool commit)
{
	int err = 0, ret = EXIT_OK;
	const char *what = NULL;

	if (t->fd < 0)
		return EXIT_OK;
	if (fflush(stdout) || ferror(stdout)) {
		err = errno ? errno : EIO;
		what = "write error";
	} else if (commit && fsync(t->fd)) {
		err = errno;
		what = "fsync";
	}
	/* Standard output is the caller's again. */
	dup2(t->saved_stdout, STDOUT_FILENO);
	close(t->saved_stdout);
	clearerr(stdout);
	if (close(t->fd) && !what) {
		err = errno;
		what = "close";
	}
	t->fd = -1;
	if (commit && !what && rename(t->tmp, t->path)) {
		err = errno;
		what = "rename";
	}
	if (!commit || what) {
		unlink(t->tmp);
		if (what) {
			say(t, what, err);
			ret = EXIT_RUNTIME;
		}
		return ret;
	}
	sync_dir(t->path);
	return EXIT_OK;
}
