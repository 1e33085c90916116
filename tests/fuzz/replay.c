/*
 * Replays fuzz corpora without libFuzzer: a main() that feeds every file of
 * the directories (or files) named on the command line to the target's
 * LLVMFuzzerTestOneInput, so each corpus runs under ctest in every build
 * (gcc or clang, with or without sanitizers). A crash, a sanitizer report or
 * a leak fails the test; the file being run is printed first so the failing
 * input is named.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return 1;
	}
	size_t cap = 1 << 16, len = 0, got;
	uint8_t *data = malloc(cap);
	while (data && (got = fread(data + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			uint8_t *grown = realloc(data, cap * 2);
			if (!grown) {
				free(data);
				data = NULL;
				break;
			}
			data = grown;
			cap *= 2;
		}
	}
	fclose(f);
	if (!data) {
		fprintf(stderr, "out of memory reading %s\n", path);
		return 1;
	}
	fprintf(stderr, "replaying %s (%zu bytes)\n", path, len);
	/* An exact-size copy, so ASan sees a read past the input's end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact)
		memcpy(exact, data, len);
	free(data);
	if (!exact)
		return 1;
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir, in name order so runs are repeatable. */
static int replay_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot open corpus %s\n", dir);
		return 1;
	}
	char **names = NULL;
	size_t n = 0;
	int failed = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char **grown = realloc(names, (n + 1) * sizeof(*names));
		if (grown)
			names = grown;
		if (!grown || !(names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
			fprintf(stderr, "out of memory listing %s\n", dir);
			failed = 1;
			break;
		}
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n; i++) {
		if (!failed)
			failed = replay_file(names[i]);
		free(names[i]);
	}
	free(names);
	*count += n;
	return failed;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "no corpus at %s\n", argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) : replay_file(argv[i]))
			return 1;
		if (!S_ISDIR(st.st_mode))
			count++;
	}
	if (count == 0) {
		fprintf(stderr, "no corpus files given\n");
		return 1;
	}
	printf("replayed %zu inputs\n", count);
	return 0;
}
