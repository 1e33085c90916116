/*
 * Random bytes from the kernel; see random.h.
 */
#include "util/random.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include "util/hash.h"
#include "util/time.h"

bool ll_random_bytes(void *out, size_t n)
{
	unsigned char *p = out;
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		p += got;
		n -= (size_t)got;
	}
	return true;
}

void ll_random_uuid(char out[37])
{
	unsigned char b[16];
	if (!ll_random_bytes(b, sizeof(b))) {
		static atomic_uint_fast64_t counter;
		uint64_t now = (uint64_t)ll_time_now_micros();
		uint64_t x = ll_mix64(now), y = ll_mix64(now ^ atomic_fetch_add(&counter, 1) << 1 ^ 1);
		memcpy(b, &x, 8);
		memcpy(b + 8, &y, 8);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}
