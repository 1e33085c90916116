/*
 * Random bytes from the kernel; see random.h.
 */
#include "util/random.h"

#include <errno.h>
#include <sys/random.h>
#include <sys/types.h>

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
