/*
 * upload: stores local files under an S3 prefix with lakeload's storage
 * layer, one after another as the loader places job files (each large file
 * goes up as a parallel multipart upload), and prints the bytes and the
 * seconds it took as one line of JSON for bench/upload.sh.
 *
 *   upload ENDPOINT s3://BUCKET/PREFIX FILE...
 *
 * Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "storage/storage.h"
#include "util/fs.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: upload ENDPOINT s3://BUCKET/PREFIX FILE...\n");
		return 2;
	}
	ll_s3_config cfg;
	ll_s3_config_init(&cfg);
	cfg.endpoint_url = argv[1];
	cfg.access_key_id = getenv("AWS_ACCESS_KEY_ID");
	cfg.secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
	ll_storage_options opt = { .s3 = &cfg };
	ll_storage *s;
	ll_error err;
	char msg[2048];
	if (ll_storage_open(&s, argv[2], &opt, &err) != LL_OK) {
		fprintf(stderr, "upload: %s\n", ll_error_format(&err, msg, sizeof(msg)));
		return 1;
	}
	uint64_t bytes = 0;
	double start = now_seconds();
	for (int i = 3; i < argc; i++) {
		uint64_t size;
		int64_t mtime;
		if (ll_fs_stat(argv[i], &size, &mtime, &err) != LL_OK ||
		    ll_storage_put_file(s, base_name(argv[i]), argv[i], false, &err) != LL_OK) {
			fprintf(stderr, "upload: %s\n", ll_error_format(&err, msg, sizeof(msg)));
			ll_storage_free(s);
			return 1;
		}
		bytes += size;
	}
	double seconds = now_seconds() - start;
	ll_storage_free(s);
	printf("{\"bytes\": %llu, \"seconds\": %.3f}\n", (unsigned long long)bytes, seconds);
	return 0;
}
