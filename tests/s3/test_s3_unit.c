/*
 * The S3 client's pieces that need no server: the XML parser (with a
 * mutation loop, so malformed replies are shown not to crash it), request
 * addressing and key encoding, configuration checks, retry decisions,
 * backoff bounds, part sizes and body hashing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storage/s3_internal.h"
#include "test.h"
#include "util/hash.h"

static const char list_reply[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!-- a comment -->\n"
	"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	"<Name>bkt</Name><Prefix></Prefix><KeyCount>2</KeyCount>"
	"<IsTruncated>true</IsTruncated><NextContinuationToken>1ue+/=</NextContinuationToken>"
	"<Contents><Key>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#xFC;&#252;</Key>"
	"<Size>12</Size><ETag>&quot;abc&quot;</ETag></Contents>"
	"<Contents><Key><![CDATA[x<y>&z]]></Key><Size>0</Size></Contents>"
	"<s3:Empty xmlns:s3=\"urn:x\" a='1' b=\"&gt;\"/>"
	"</ListBucketResult>\n";

static void test_xml_parse(void)
{
	ll_s3_xml doc;
	ll_error err;
	CHECK_OK(ll_s3_xml_parse(&doc, list_reply, strlen(list_reply), &err), &err);
	CHECK_STR(doc.nodes[0].name, "ListBucketResult");
	CHECK_STR(ll_s3_xml_child_text(&doc, 0, "NextContinuationToken"), "1ue+/=");
	int32_t c = ll_s3_xml_child(&doc, 0, "Contents");
	CHECK_STR(ll_s3_xml_child_text(&doc, c, "Key"), "a & b <c> \"d\" 'e' \xC3\xBC\xC3\xBC");
	CHECK_STR(ll_s3_xml_child_text(&doc, c, "ETag"), "\"abc\"");
	c = ll_s3_xml_next(&doc, c);
	CHECK_STR(ll_s3_xml_child_text(&doc, c, "Key"), "x<y>&z");
	CHECK_INT(ll_s3_xml_next(&doc, c), -1);
	CHECK(ll_s3_xml_child(&doc, 0, "Empty") >= 0);
	CHECK(ll_s3_xml_child_text(&doc, 0, "Missing") == NULL);
	ll_s3_xml_free(&doc);
}

static void test_xml_rejects(void)
{
	static const char *const bad[] = {
		"",
		"   ",
		"<a>",
		"<a></b>",
		"<a><b></a></b>",
		"<a/><b/>",
		"text<a/>",
		"<a>&unknown;</a>",
		"<a>&#0;</a>",
		"<a>&#xD800;</a>",
		"<a>&#x110000;</a>",
		"<a>&amp</a>",
		"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
		"<a b=c/>",
		"<a b=\"unterminated/>",
		"<a><!-- unterminated </a>",
		"<a><![CDATA[unterminated</a>",
		"<?xml version=\"1.0\"",
		"</a>",
		"<>",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ll_s3_xml doc;
		ll_error err;
		ll_error_clear(&err);
		ll_status st = ll_s3_xml_parse(&doc, bad[i], strlen(bad[i]), &err);
		if (st != LL_EFORMAT)
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CHECK_INT(st, LL_EFORMAT);
		CHECK(strstr(err.message, "malformed XML") != NULL);
		ll_s3_xml_free(&doc);
	}
}

static void test_xml_depth(void)
{
	ll_buf deep = LL_BUF_INIT;
	for (int i = 0; i < 100; i++)
		ll_buf_puts(&deep, "<a>");
	for (int i = 0; i < 100; i++)
		ll_buf_puts(&deep, "</a>");
	ll_s3_xml doc;
	CHECK_INT(ll_s3_xml_parse(&doc, deep.data, deep.len, NULL), LL_EFORMAT);
	ll_s3_xml_free(&doc);
	ll_buf_free(&deep);
}

/* Truncated and corrupted replies must fail cleanly (ASan watches). */
static void test_xml_mutations(void)
{
	size_t len = strlen(list_reply);
	char *copy = malloc(len);
	uint64_t rnd = 42;
	int accepted = 0;
	for (int iter = 0; iter < 20000; iter++) {
		memcpy(copy, list_reply, len);
		size_t n = len;
		rnd = ll_mix64(rnd);
		if (rnd % 3 == 0)
			n = (size_t)(rnd >> 8) % len;
		for (int k = 0; k < 1 + (int)(rnd >> 40) % 4; k++) {
			rnd = ll_mix64(rnd);
			copy[(rnd >> 8) % len] = "<>&;/!?[]\"'#x0 a"[(rnd >> 32) % 16];
		}
		ll_s3_xml doc;
		if (ll_s3_xml_parse(&doc, copy, n, NULL) == LL_OK) {
			accepted++;
			CHECK(doc.count > 0);
			for (size_t i = 0; i < doc.count; i++)
				CHECK(doc.nodes[i].name && doc.nodes[i].text);
		}
		ll_s3_xml_free(&doc);
	}
	CHECK(accepted > 0);
	free(copy);
}

/*
 * LastModified as S3 sends it reads to the millisecond; a missing, empty or
 * malformed one (a date without a time, a month 13, text, a bare offset,
 * garbage after the zone) gives the fallback, which the listing sets to the
 * time it began, so vacuum counts that object as new and keeps it.
 */
static void test_xml_last_modified(void)
{
	static const char page[] =
		"<ListBucketResult>"
		"<Contents><Key>s3</Key><LastModified>2026-12-07T06:12:45.000Z</LastModified></Contents>"
		"<Contents><Key>ms</Key><LastModified>2026-12-07T06:12:45.123Z</LastModified></Contents>"
		"<Contents><Key>offset</Key><LastModified>2026-12-07T07:12:45+01:00</LastModified></Contents>"
		"<Contents><Key>old</Key><LastModified>2001-02-03T04:05:06Z</LastModified></Contents>"
		"<Contents><Key>missing</Key></Contents>"
		"<Contents><Key>empty</Key><LastModified/></Contents>"
		"<Contents><Key>date</Key><LastModified>2026-12-07</LastModified></Contents>"
		"<Contents><Key>month</Key><LastModified>2026-13-07T06:12:45Z</LastModified></Contents>"
		"<Contents><Key>text</Key><LastModified>yesterday</LastModified></Contents>"
		"<Contents><Key>http</Key><LastModified>Mon, 07 Dec 2026 06:12:45 GMT</LastModified></Contents>"
		"<Contents><Key>tail</Key><LastModified>2026-12-07T06:12:45ZZ</LastModified></Contents>"
		"<Contents><Key>nested</Key><LastModified><x>2026-12-07T06:12:45Z</x></LastModified></Contents>"
		"</ListBucketResult>";
	static const struct {
		const char *key;
		int64_t ms;
	} want[] = {
		{ "s3", 1796623965000 },     { "ms", 1796623965123 },  { "offset", 1796623965000 },
		{ "old", 981173106000 },     { "missing", -7 },        { "empty", -7 },
		{ "date", -7 },              { "month", -7 },          { "text", -7 },
		{ "http", -7 },              { "tail", -7 },           { "nested", -7 },
	};
	ll_s3_xml doc;
	ll_error err;
	CHECK_OK(ll_s3_xml_parse(&doc, page, strlen(page), &err), &err);
	size_t i = 0;
	for (int32_t c = ll_s3_xml_child(&doc, 0, "Contents"); c >= 0; c = ll_s3_xml_next(&doc, c), i++) {
		CHECK(i < sizeof(want) / sizeof(want[0]));
		if (i >= sizeof(want) / sizeof(want[0]))
			break;
		CHECK_STR(ll_s3_xml_child_text(&doc, c, "Key"), want[i].key);
		CHECK_INT(ll_s3_xml_child_time_ms(&doc, c, "LastModified", -7), want[i].ms);
	}
	CHECK_INT(i, sizeof(want) / sizeof(want[0]));
	/* no such node at all */
	CHECK_INT(ll_s3_xml_child_time_ms(&doc, -1, "LastModified", -7), -7);
	CHECK_INT(ll_s3_xml_child_time_ms(&doc, (int32_t)doc.count, "LastModified", -7), -7);
	ll_s3_xml_free(&doc);
}

static void test_xml_error_and_escape(void)
{
	const char *e = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code>"
			"<Message>The key &apos;k&apos; does not exist</Message></Error>";
	char code[64], msg[256];
	CHECK(ll_s3_xml_error(e, strlen(e), code, sizeof(code), msg, sizeof(msg)));
	CHECK_STR(code, "NoSuchKey");
	CHECK_STR(msg, "The key 'k' does not exist");
	CHECK(!ll_s3_xml_error("<Ok/>", 5, code, sizeof(code), msg, sizeof(msg)));
	CHECK(!ll_s3_xml_error(NULL, 0, code, sizeof(code), msg, sizeof(msg)));
	CHECK_STR(code, "");

	ll_buf b = LL_BUF_INIT;
	const char *raw = "a<b>&\"c\"\x01\x7f\xc3\xbc";
	ll_s3_xml_escape(&b, raw, strlen(raw));
	CHECK_STR(ll_buf_cstr(&b), "a&lt;b&gt;&amp;&quot;c&quot;&#1;\x7f\xc3\xbc");
	ll_buf wrapped = LL_BUF_INIT;
	ll_buf_printf(&wrapped, "<K>%s</K>", ll_buf_cstr(&b));
	ll_s3_xml doc;
	CHECK_OK(ll_s3_xml_parse(&doc, wrapped.data, wrapped.len, NULL), &(ll_error){ 0 });
	CHECK_STR(doc.nodes[0].text, raw);
	ll_s3_xml_free(&doc);
	ll_buf_free(&b);
	ll_buf_free(&wrapped);
}

static ll_s3_client *open_client(const char *endpoint, ll_s3_path_style style)
{
	ll_s3_config cfg;
	ll_s3_config_init(&cfg);
	cfg.endpoint_url = endpoint;
	cfg.region = "eu-west-1";
	cfg.access_key_id = "AKID";
	cfg.secret_access_key = "SECRET";
	cfg.path_style = style;
	ll_s3_client *c = NULL;
	ll_error err;
	CHECK_OK(ll_s3_client_open(&c, &cfg, &err), &err);
	return c;
}

static void check_target(ll_s3_client *c, const char *bucket, const char *key, const char *host,
			 const char *path)
{
	ll_buf h = LL_BUF_INIT, p = LL_BUF_INIT;
	ll_s3_request_target(c, bucket, key, &h, &p);
	CHECK_STR(ll_buf_cstr(&h), host);
	CHECK_STR(ll_buf_cstr(&p), path);
	ll_buf_free(&h);
	ll_buf_free(&p);
}

static void test_addressing(void)
{
	ll_s3_client *aws = open_client(NULL, LL_S3_PATH_STYLE_AUTO);
	check_target(aws, "my-bucket", "a b/\xC3\xBC+=%.txt", "my-bucket.s3.eu-west-1.amazonaws.com",
		     "/a%20b/%C3%BC%2B%3D%25.txt");
	check_target(aws, "my-bucket", "a//b/../c", "my-bucket.s3.eu-west-1.amazonaws.com",
		     "/a//b/../c");
	check_target(aws, "my-bucket", "%41~*", "my-bucket.s3.eu-west-1.amazonaws.com",
		     "/%2541~%2A");
	check_target(aws, "my-bucket", NULL, "my-bucket.s3.eu-west-1.amazonaws.com", "/");
	/* Dotted and non-DNS names go path style: the wildcard certificate covers one label. */
	check_target(aws, "my.bucket", "k", "s3.eu-west-1.amazonaws.com", "/my.bucket/k");
	check_target(aws, "My_Bucket", "k", "s3.eu-west-1.amazonaws.com", "/My_Bucket/k");
	ll_s3_client_free(aws);

	ll_s3_client *local = open_client("http://localhost:9000/base/", LL_S3_PATH_STYLE_AUTO);
	check_target(local, "bkt", "k 1", "localhost:9000", "/base/bkt/k%201");
	check_target(local, "bkt", NULL, "localhost:9000", "/base/bkt");
	ll_s3_client_free(local);

	ll_s3_client *vhost = open_client("https://minio.example:9000", LL_S3_PATH_STYLE_OFF);
	check_target(vhost, "bkt", "k", "bkt.minio.example:9000", "/k");
	ll_s3_client_free(vhost);

	ll_s3_client *forced = open_client(NULL, LL_S3_PATH_STYLE_ON);
	check_target(forced, "bkt", "k", "s3.eu-west-1.amazonaws.com", "/bkt/k");
	ll_s3_client_free(forced);
}

static ll_status try_open(ll_s3_config *cfg, ll_error *err)
{
	ll_s3_client *c = NULL;
	ll_error_clear(err);
	ll_status st = ll_s3_client_open(&c, cfg, err);
	ll_s3_client_free(c);
	CHECK(strstr(err->message, "SECRETVALUE") == NULL);
	CHECK(strstr(err->message, "TOKENVALUE") == NULL);
	return st;
}

static void test_config_checks(void)
{
	ll_s3_config cfg;
	ll_error err;
	ll_s3_config_init(&cfg);
	CHECK_INT(try_open(&cfg, &err), LL_EAUTH);
	CHECK(strstr(err.message, "aws_access_key_id") != NULL);
	cfg.access_key_id = "AKID";
	cfg.secret_access_key = "SECRETVALUE";
	cfg.session_token = "TOKENVALUE";
	CHECK_INT(try_open(&cfg, &err), LL_OK);

	static const char *const bad_endpoints[] = {
		"ftp://host", "localhost:9000", "http://", "http://user:SECRETVALUE@host",
		"http://host/?q=1", "http://host/#f", "http://ho st",
	};
	for (size_t i = 0; i < sizeof(bad_endpoints) / sizeof(bad_endpoints[0]); i++) {
		cfg.endpoint_url = bad_endpoints[i];
		CHECK_INT(try_open(&cfg, &err), LL_EINVAL);
	}
	cfg.endpoint_url = "HTTP://127.0.0.1:1";
	CHECK_INT(try_open(&cfg, &err), LL_OK);

	ll_s3_config bad = cfg;
	bad.part_size = 1 << 20;
	CHECK_INT(try_open(&bad, &err), LL_EINVAL);
	bad = cfg;
	bad.region = "EU West";
	CHECK_INT(try_open(&bad, &err), LL_EINVAL);
	bad = cfg;
	bad.max_parallel = 0;
	CHECK_INT(try_open(&bad, &err), LL_EINVAL);
	bad = cfg;
	bad.multipart_threshold = LL_S3_MAX_PUT_SIZE + 1;
	CHECK_INT(try_open(&bad, &err), LL_EINVAL);
	bad = cfg;
	bad.max_retries = -1;
	CHECK_INT(try_open(&bad, &err), LL_EINVAL);
}

static void test_names(void)
{
	ll_error err;
	CHECK_INT(ll_s3_check_names("PUT", "ok-bucket", "k", &err), LL_OK);
	CHECK_INT(ll_s3_check_names("PUT", "ab", "k", &err), LL_EINVAL);
	CHECK_INT(ll_s3_check_names("PUT", "a/b", "k", &err), LL_EINVAL);
	CHECK_INT(ll_s3_check_names("PUT", NULL, "k", &err), LL_EINVAL);
	CHECK_INT(ll_s3_check_names("PUT", "ok-bucket", "", &err), LL_EINVAL);
	char key[1026];
	memset(key, 'k', sizeof(key) - 1);
	key[1025] = '\0';
	CHECK_INT(ll_s3_check_names("PUT", "ok-bucket", key, &err), LL_EINVAL);
	key[1024] = '\0';
	CHECK_INT(ll_s3_check_names("PUT", "ok-bucket", key, &err), LL_OK);
}

static void test_retry_rules(void)
{
	CHECK(ll_s3_retryable_status(500, ""));
	CHECK(ll_s3_retryable_status(503, "SlowDown"));
	CHECK(ll_s3_retryable_status(429, ""));
	CHECK(ll_s3_retryable_status(400, "RequestTimeout"));
	CHECK(ll_s3_retryable_status(0, "InternalError"));
	CHECK(!ll_s3_retryable_status(501, "NotImplemented"));
	CHECK(!ll_s3_retryable_status(400, "InvalidArgument"));
	CHECK(!ll_s3_retryable_status(403, "AccessDenied"));
	CHECK(!ll_s3_retryable_status(404, "NoSuchKey"));
	CHECK(ll_s3_retryable_curl(CURLE_RECV_ERROR));
	CHECK(ll_s3_retryable_curl(CURLE_OPERATION_TIMEDOUT));
	CHECK(ll_s3_retryable_curl(CURLE_GOT_NOTHING));
	CHECK(ll_s3_retryable_curl(CURLE_PARTIAL_FILE));
	CHECK(!ll_s3_retryable_curl(CURLE_URL_MALFORMAT));
	CHECK(!ll_s3_retryable_curl(CURLE_WRITE_ERROR));
	CHECK_INT(ll_s3_status_code(403), LL_EAUTH);
	CHECK_INT(ll_s3_status_code(404), LL_ENOTFOUND);
	CHECK_INT(ll_s3_status_code(412), LL_ECONFLICT);
	CHECK_INT(ll_s3_status_code(400), LL_EINVAL);
	CHECK_INT(ll_s3_status_code(503), LL_EIO);
}

static void test_part_size(void)
{
	ll_s3_client *c = open_client(NULL, LL_S3_PATH_STYLE_AUTO);
	CHECK_INT(ll_s3_part_size(c, 100 << 20), 16 << 20);
	uint64_t tib = UINT64_C(1) << 40;
	uint64_t ps = ll_s3_part_size(c, tib);
	CHECK(ps % (1 << 20) == 0);
	CHECK((tib + ps - 1) / ps <= 10000);
	CHECK(ps < (tib / 10000) + (2 << 20));
	ll_s3_client_free(c);
}

static void test_body_hash(void)
{
	char path[1024];
	ll_test_tmpdir("s3_unit", path, sizeof(path));
	strcat(path, "/body.bin");
	size_t len = 700000;
	char *data = malloc(len);
	for (size_t i = 0; i < len; i++)
		data[i] = (char)(i * 7 + i / 1000);
	FILE *f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
	ll_s3_body mem = ll_s3_body_memory(data, len);
	ll_s3_body file = LL_S3_NO_BODY;
	file.fd = open(path, O_RDONLY);
	file.path = path;
	file.size = len;
	ll_error err;
	CHECK_OK(ll_s3_body_hash(&mem, &err), &err);
	CHECK_OK(ll_s3_body_hash(&file, &err), &err);
	CHECK_STR(mem.sha256, file.sha256);
	ll_s3_body ms = ll_s3_body_slice(&mem, 300000, 5000);
	ll_s3_body fs = ll_s3_body_slice(&file, 300000, 5000);
	CHECK_OK(ll_s3_body_hash(&ms, &err), &err);
	CHECK_OK(ll_s3_body_hash(&fs, &err), &err);
	CHECK_STR(ms.sha256, fs.sha256);
	char expect[65];
	CHECK_OK(ll_sigv4_sha256_hex(data + 300000, 5000, expect, &err), &err);
	CHECK_STR(ms.sha256, expect);
	ll_s3_body empty = LL_S3_NO_BODY;
	CHECK_OK(ll_s3_body_hash(&empty, &err), &err);
	CHECK_STR(empty.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* A file that shrank under us is an error, not a short upload. */
	ll_s3_body longer = file;
	longer.size = len + 10;
	CHECK_INT(ll_s3_body_hash(&longer, &err), LL_EIO);
	CHECK(strstr(err.message, "shorter") != NULL);
	close(file.fd);
	free(data);

	char md5[32];
	CHECK_OK(ll_s3_content_md5("", 0, md5, &err), &err);
	CHECK_STR(md5, "1B2M2Y8AsgTpgAmY7PhCfg==");
	CHECK_OK(ll_s3_content_md5("abc", 3, md5, &err), &err);
	CHECK_STR(md5, "kAFQmDzST7DWlj99KOF/cg==");
}

LL_TEST_MAIN(LL_TEST(test_xml_parse), LL_TEST(test_xml_rejects), LL_TEST(test_xml_depth),
	     LL_TEST(test_xml_mutations), LL_TEST(test_xml_last_modified),
	     LL_TEST(test_xml_error_and_escape),
	     LL_TEST(test_addressing), LL_TEST(test_config_checks), LL_TEST(test_names),
	     LL_TEST(test_retry_rules), LL_TEST(test_part_size),
	     LL_TEST(test_body_hash))
