/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs the fuzz target (fuzz_dump.c) once on each file named on the command
 * line, without libFuzzer: the reader, decoder, state and ring readers,
 * checker and both printers on every input in one process.  make valgrind
 * runs it under valgrind over every test dump and the fuzz corpus (one
 * valgrind start instead of one per file); it also replays an input that
 * make fuzz saved, under a debugger or any sanitizer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The whole file in memory, as libFuzzer hands an input over. */
static int read_whole(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return -errno;
	for (;;) {
		if (len == cap) {
			uint8_t *bigger = realloc(buf, cap ? 2 * cap : 65536);

			if (!bigger) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = bigger;
			cap = cap ? 2 * cap : 65536;
		}
		size_t got = fread(buf + len, 1, cap - len, f);

		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		uint8_t *data = NULL;
		size_t size = 0;
		int err = read_whole(argv[i], &data, &size);

		if (err) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(-err));
			failed = 1;
			continue;
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
	}
	return failed;
}
