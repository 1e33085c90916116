/*
 * What the REST source shows of a URL in messages: secret query values and
 * user:password hidden, everything else as it was; and query encoding.
 */
#include <string.h>

#include "extract/rest_http.h"
#include "test.h"
#include "util/buf.h"

static void check_redacted(const char *url, const char *const *secret, const char *want)
{
	ll_buf out = LL_BUF_INIT;
	ll_rest_redact_url(url, secret, &out);
	CHECK_STR(ll_buf_cstr(&out), want);
	ll_buf_free(&out);
}

static void test_redact(void)
{
	const char *named[] = { "sig", NULL };
	check_redacted("https://api.example.com/v1/items?page=2", NULL,
		       "https://api.example.com/v1/items?page=2");
	check_redacted("https://api.example.com/items?api_key=abc&page=2&access_token=t", NULL,
		       "https://api.example.com/items?api_key=***&page=2&access_token=***");
	check_redacted("http://u:pw@host:8080/p?sig=zz&x=1", named, "http://host:8080/p?sig=***&x=1");
	check_redacted("http://host/p?Password=zz", NULL, "http://host/p?Password=***");
	check_redacted("http://host/p?flag&client_secret=s", NULL, "http://host/p?flag&client_secret=***");
	check_redacted("http://host/a@b", NULL, "http://host/a@b");
}

static void test_encode(void)
{
	ll_buf out = LL_BUF_INIT;
	ll_rest_url_encode(&out, "2024-01-02T10:00:00+01:00 a/b&c=d~_.");
	CHECK_STR(ll_buf_cstr(&out), "2024-01-02T10%3A00%3A00%2B01%3A00%20a%2Fb%26c%3Dd~_.");
	ll_buf_free(&out);
}

LL_TEST_MAIN(LL_TEST(test_redact), LL_TEST(test_encode))
