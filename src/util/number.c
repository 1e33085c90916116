#include "util/number.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the two layouts of shortest digits differ. */
typedef struct float_layout {
	int min_decpt;   /* positional from this decimal point position up to 16 */
	int exp_digits;  /* the exponent's least digits */
} float_layout;

static const float_layout python_repr = { -3, 2 };
/* zmij's (orjson's): positional for exponents -5..15, exponent unpadded */
static const float_layout orjson_float = { -4, 1 };

/*
 * Shortest digits that read back as v, laid out positionally when the
 * decimal point falls within min_decpt <= decpt <= 16, with ".0" on
 * integral values; otherwise d.ddde+XX. Returns the length.
 */
static size_t format_shortest(double v, const float_layout *layout, char *buf, size_t size)
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
	if (v == 0 || (decpt >= layout->min_decpt && decpt <= 16)) {
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
		snprintf(out + o, sizeof(out) - o, "e%c%0*d", decpt - 1 < 0 ? '-' : '+',
			 layout->exp_digits, abs(decpt - 1));
	}
	return (size_t)snprintf(buf, size, "%s", out);
}

size_t ll_double_repr(double v, char *buf, size_t size)
{
	return format_shortest(v, &python_repr, buf, size);
}

size_t ll_double_json(double v, char *buf, size_t size)
{
	return format_shortest(v, &orjson_float, buf, size);
}

const double ll_exact_pow10[23] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};
#define MAX_EXACT_POW10 22
#define MAX_EXACT_MANTISSA (UINT64_C(1) << 53)
#define MAX_FRACTION_DIGITS 100000 /* zeros included; keeps the exponent an int */

static bool is_dec_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Appends the digits from p to *mant (wrapping past 19 of them, which the
 * caller refuses); returns where they end. */
static const char *take_digits(const char *p, const char *end, uint64_t *mant)
{
	uint64_t m = *mant;
	for (; p < end; p++) {
		unsigned d = (unsigned)(unsigned char)*p - '0';
		if (d > 9)
			break;
		m = m * 10 + d;
	}
	*mant = m;
	return p;
}

static const char *skip_zeros(const char *p, const char *end)
{
	while (p < end && *p == '0')
		p++;
	return p;
}

/* The exponent after 'e'/'E'; capped far beyond any fast-path value so it
 * cannot overflow. */
static int take_exponent(const char **p, const char *end)
{
	bool neg = false;
	if (*p < end && (**p == '+' || **p == '-'))
		neg = *(*p)++ == '-';
	int e = 0;
	for (; *p < end && is_dec_digit(**p); (*p)++) {
		if (e < 100000)
			e = e * 10 + (**p - '0');
	}
	return neg ? -e : e;
}

bool ll_double_parse_exact(const char *s, size_t len, double *out)
{
	/* Extended-precision evaluation (x87) would round twice. */
	if (FLT_EVAL_METHOD != 0)
		return false;
	const char *p = s, *end = s + len;
	bool neg = p < end && *p == '-';
	p += neg;
	/* leading zeros are not significant digits; the rest all count, so
	 * each part is one plain loop */
	p = skip_zeros(p, end);
	const char *first = p;
	uint64_t mant = 0;
	p = take_digits(p, end, &mant);
	size_t ndigits = (size_t)(p - first);
	int exp10 = 0;
	if (p < end && *p == '.') {
		const char *fraction = ++p;
		if (mant == 0)
			p = skip_zeros(p, end);
		first = p;
		p = take_digits(p, end, &mant);
		ndigits += (size_t)(p - first);
		if (p - fraction > MAX_FRACTION_DIGITS)
			return false;
		exp10 = -(int)(p - fraction);
	}
	if (ndigits > LL_DOUBLE_FAST_DIGITS)
		return false;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		exp10 += take_exponent(&p, end);
	}
	if (p != end || mant > MAX_EXACT_MANTISSA)
		return false;
	/* 1e25 is 1000 * 1e22: move the excess into the mantissa while it
	 * stays exact. */
	while (exp10 > MAX_EXACT_POW10 && mant != 0 && mant <= MAX_EXACT_MANTISSA / 10) {
		mant *= 10;
		exp10--;
	}
	if (mant != 0 && (exp10 > MAX_EXACT_POW10 || exp10 < -MAX_EXACT_POW10))
		return false;
	double d = (double)mant;
	if (mant != 0)
		d = exp10 < 0 ? d / ll_exact_pow10[-exp10] : d * ll_exact_pow10[exp10];
	*out = neg ? -d : d;
	return true;
}
