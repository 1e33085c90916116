#include "util/number.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Shortest digits that read back as v, laid out as Python's repr does:
 * positional when the decimal point falls within -4 < decpt <= 16, with
 * ".0" on integral values; otherwise d.ddde+XX. Returns the length.
 */
size_t ll_double_repr(double v, char *buf, size_t size)
{
	if (isnan(v))
		return (size_t)snprintf(buf, size, "nan");
	if (isinf(v))
		return (size_t)snprintf(buf, size, v < 0 ? "-inf" : "inf");
	char sci[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(sci, sizeof(sci), "%.*e", p - 1, v);
		if (strtod(sci, NULL) == v)
			break;
	}
	bool neg = sci[0] == '-';
	const char *m = sci + neg;
	char digits[24];
	size_t nd = 0;
	for (; *m && *m != 'e'; m++) {
		if (*m != '.')
			digits[nd++] = *m;
	}
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	int decpt = atoi(m + 1) + 1;
	char out[64];
	size_t o = 0;
	if (neg)
		out[o++] = '-';
	if (v == 0 || (decpt > -4 && decpt <= 16)) {
		if (decpt <= 0) {
			out[o++] = '0';
			out[o++] = '.';
			for (int i = 0; i < -decpt; i++)
				out[o++] = '0';
			for (size_t i = 0; i < nd; i++)
				out[o++] = digits[i];
		} else {
			for (int i = 0; i < decpt || i < (int)nd; i++) {
				if (i == decpt)
					out[o++] = '.';
				out[o++] = i < (int)nd ? digits[i] : '0';
			}
			if (decpt >= (int)nd) {
				out[o++] = '.';
				out[o++] = '0';
			}
		}
		out[o] = '\0';
	} else {
		out[o++] = digits[0];
		if (nd > 1) {
			out[o++] = '.';
			for (size_t i = 1; i < nd; i++)
				out[o++] = digits[i];
		}
		snprintf(out + o, sizeof(out) - o, "e%c%02d", decpt - 1 < 0 ? '-' : '+', abs(decpt - 1));
	}
	return (size_t)snprintf(buf, size, "%s", out);
}
