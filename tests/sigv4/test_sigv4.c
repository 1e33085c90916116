/*
 * Tests for the SigV4 signer: every case of the official AWS test suite in
 * testdata/sigv4 (both header and presigned signing, checked byte for byte),
 * the S3 examples from the AWS S3 documentation, S3 object key encoding, and
 * a check that no error message ever carries a credential.
 *
 * Suite cases are read from disk so a case added to the suite is tested
 * without touching this file; a folder the parser cannot read fails.
 */
#include <jansson.h>

#include "storage/sigv4.h"
#include "test.h"
#include "util/arena.h"
#include "util/fs.h"
#include "util/time.h"

#define MAX_PAIRS 32

/* One suite request.txt, parsed; strings live in the arena. */
typedef struct suite_request {
	ll_arena arena;
	char *method;
	char *path;
	ll_sigv4_pair query[MAX_PAIRS];
	size_t nquery;
	ll_sigv4_pair headers[MAX_PAIRS];
	size_t nheaders;
	const char *body;
	size_t body_len;
} suite_request;

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..n) into the arena; "+" stays "+", as SigV4 reads it. */
static char *decode(ll_arena *a, const char *s, size_t n)
{
	char *out = ll_arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex_value(s[i + 1]) >= 0 &&
		    hex_value(s[i + 2]) >= 0) {
			out[k++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

static bool parse_query(suite_request *r, const char *q, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *amp = memchr(q + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - q) : n;
		const char *eq = memchr(q + i, '=', end - i);
		size_t name_end = eq ? (size_t)(eq - q) : end;
		if (r->nquery == MAX_PAIRS)
			return false;
		r->query[r->nquery].name = decode(&r->arena, q + i, name_end - i);
		r->query[r->nquery].value =
			eq ? decode(&r->arena, eq + 1, end - name_end - 1) : "";
		r->nquery++;
		i = end + 1;
	}
	return true;
}

/*
 * "METHOD TARGET HTTP/1.1": the target may hold spaces (get-space-*), so it
 * runs from the first space to the last one.
 */
static bool parse_request_line(suite_request *r, const char *line, size_t n)
{
	const char *sp1 = memchr(line, ' ', n);
	const char *sp2 = line + n;
	while (sp2 > line && sp2[-1] != ' ')
		sp2--;
	if (!sp1 || sp2 - 1 <= sp1)
		return false;
	r->method = ll_arena_strndup(&r->arena, line, (size_t)(sp1 - line));
	const char *target = sp1 + 1;
	size_t tlen = (size_t)(sp2 - 1 - target);
	const char *qmark = memchr(target, '?', tlen);
	size_t plen = qmark ? (size_t)(qmark - target) : tlen;
	r->path = ll_arena_strndup(&r->arena, target, plen);
	return !qmark || parse_query(r, qmark + 1, tlen - plen - 1);
}

/*
 * Headers are "Name:value" lines; a line starting with white space continues
 * the previous value (get-header-value-multiline), kept with its newline so
 * the signer's folding is what gets tested. A blank line starts the body.
 */
static bool parse_headers(suite_request *r, const char **pos, const char *end)
{
	ll_buf values[MAX_PAIRS];
	memset(values, 0, sizeof(values));
	const char *p = *pos;
	bool ok = true;
	while (ok && p < end && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon = memchr(p, ':', n);
		if ((*p == ' ' || *p == '\t') && r->nheaders > 0) {
			ll_buf_putc(&values[r->nheaders - 1], '\n');
			ll_buf_append(&values[r->nheaders - 1], p, n);
		} else if (colon && r->nheaders < MAX_PAIRS) {
			r->headers[r->nheaders].name =
				ll_arena_strndup(&r->arena, p, (size_t)(colon - p));
			ll_buf_append(&values[r->nheaders], colon + 1, n - (size_t)(colon - p) - 1);
			r->nheaders++;
		} else {
			ok = false;
		}
		p = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < r->nheaders; i++)
		r->headers[i].value = ll_arena_strndup(&r->arena, ll_buf_cstr(&values[i]),
						       values[i].len);
	for (size_t i = 0; i < MAX_PAIRS; i++)
		ll_buf_free(&values[i]);
	*pos = p < end ? p + 1 : end;
	return ok;
}

static bool parse_request(const ll_buf *text, suite_request *r)
{
	const char *p = ll_buf_cstr(text), *end = p + text->len;
	const char *nl = memchr(p, '\n', text->len);
	size_t n = nl ? (size_t)(nl - p) : text->len;
	if (!parse_request_line(r, p, n))
		return false;
	p = nl ? nl + 1 : end;
	if (!parse_headers(r, &p, end))
		return false;
	r->body = p;
	r->body_len = (size_t)(end - p);
	return true;
}

/* A suite case's context.json; the strings stay owned by doc. */
static bool parse_context(json_t *doc, ll_sigv4_config *cfg, int64_t *expires)
{
	json_t *cred = json_object_get(doc, "credentials");
	const char *ts = json_string_value(json_object_get(doc, "timestamp"));
	int64_t micros = 0;
	if (!cred || !ts || ll_time_parse(ts, strlen(ts), &micros) != LL_TIME_TIMESTAMP)
		return false;
	memset(cfg, 0, sizeof(*cfg));
	cfg->credentials.access_key_id = json_string_value(json_object_get(cred, "access_key_id"));
	cfg->credentials.secret_access_key =
		json_string_value(json_object_get(cred, "secret_access_key"));
	cfg->credentials.session_token = json_string_value(json_object_get(cred, "token"));
	cfg->region = json_string_value(json_object_get(doc, "region"));
	cfg->service = json_string_value(json_object_get(doc, "service"));
	cfg->time = micros / 1000000;
	cfg->normalize_path = json_is_true(json_object_get(doc, "normalize"));
	/* The suite signs for a generic service, which double-encodes paths. */
	cfg->double_encode_path = true;
	cfg->sign_body = json_is_true(json_object_get(doc, "sign_body"));
	cfg->omit_session_token = json_is_true(json_object_get(doc, "omit_session_token"));
	*expires = json_integer_value(json_object_get(doc, "expiration_in_seconds"));
	return true;
}

/* Compares got with the case's file byte for byte; names the first difference. */
static bool matches_file(const char *dir, const char *file, const char *got, size_t len)
{
	char path[4096];
	ll_buf want = LL_BUF_INIT;
	ll_error err = { 0 };
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	bool ok = ll_fs_read_all(path, &want, &err) == LL_OK && want.len == len &&
		  memcmp(ll_buf_cstr(&want), got, len) == 0;
	if (!ok)
		fprintf(stderr, "  %s differs:\n--- want\n%s\n--- got\n%.*s\n", path,
			ll_buf_cstr(&want), (int)len, got);
	ll_buf_free(&want);
	return ok;
}

/* The signed request file must hold each header the signer asked the client to add. */
static bool signed_request_has_headers(const char *dir, const ll_sigv4_result *res)
{
	char path[4096];
	ll_buf text = LL_BUF_INIT;
	ll_error err = { 0 };
	snprintf(path, sizeof(path), "%s/header-signed-request.txt", dir);
	bool ok = ll_fs_read_all(path, &text, &err) == LL_OK;
	for (size_t i = 0; ok && i < res->nheaders; i++) {
		char line[4096];
		snprintf(line, sizeof(line), "\n%s:%s\n", res->headers[i].name,
			 res->headers[i].value);
		ok = strcasestr(ll_buf_cstr(&text), line) != NULL;
		if (!ok)
			fprintf(stderr, "  %s lacks %s", path, line + 1);
	}
	ll_buf_free(&text);
	return ok;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Splits q at "&" into params, each decoded and encoded again so that the
 * suite's raw UTF-8 (get-vanilla-utf8-query) compares equal to our %XX
 * form, then sorts them; returns their count.
 */
static size_t sorted_params(char *q, char **params, size_t max, ll_arena *a)
{
	size_t n = 0;
	ll_buf b = LL_BUF_INIT;
	for (char *tok = strtok(q, "&"); tok && n < max; tok = strtok(NULL, "&")) {
		char *eq = strchr(tok, '=');
		char *name = decode(a, tok, eq ? (size_t)(eq - tok) : strlen(tok));
		char *value = eq ? decode(a, eq + 1, strlen(eq + 1)) : "";
		ll_buf_clear(&b);
		ll_sigv4_uri_encode(&b, name, strlen(name), false);
		ll_buf_putc(&b, '=');
		ll_sigv4_uri_encode(&b, value, strlen(value), false);
		params[n++] = ll_arena_strndup(a, ll_buf_cstr(&b), b.len);
	}
	ll_buf_free(&b);
	qsort(params, n, sizeof(*params), compare_strings);
	return n;
}

/* The presigned URL's parameters, in any order, must be the suite's. */
static bool presigned_query_matches(const char *dir, const ll_sigv4_result *res)
{
	char path[4096];
	ll_buf text = LL_BUF_INIT;
	ll_error err = { 0 };
	snprintf(path, sizeof(path), "%s/query-signed-request.txt", dir);
	if (ll_fs_read_all(path, &text, &err) != LL_OK)
		return false;
	char *line = text.data, *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	char *q = strchr(line, '?'), *sp = strrchr(line, ' ');
	char *mine = strdup(ll_buf_cstr(&res->query));
	ll_arena arena;
	ll_arena_init(&arena, 0);
	bool ok = q && sp && sp > q && mine;
	if (ok) {
		*sp = '\0';
		char *want[MAX_PAIRS], *got[MAX_PAIRS];
		size_t nw = sorted_params(q + 1, want, MAX_PAIRS, &arena);
		size_t ng = sorted_params(mine, got, MAX_PAIRS, &arena);
		ok = nw == ng;
		for (size_t i = 0; ok && i < nw; i++)
			ok = strcmp(want[i], got[i]) == 0;
	}
	if (!ok)
		fprintf(stderr, "  %s: presigned query differs: %s\n", path,
			ll_buf_cstr(&res->query));
	free(mine);
	ll_arena_free(&arena);
	ll_buf_free(&text);
	return ok;
}

static bool check_header_signing(const char *dir, const ll_sigv4_request *req,
				 const ll_sigv4_config *cfg)
{
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	bool ok = ll_sigv4_sign_headers(req, cfg, &res, &err) == LL_OK;
	if (!ok)
		fprintf(stderr, "  %s: header signing failed: %s\n", dir, err.message);
	ok = ok && matches_file(dir, "header-canonical-request.txt", res.canonical_request.data,
				res.canonical_request.len);
	ok = ok && matches_file(dir, "header-string-to-sign.txt", res.string_to_sign.data,
				res.string_to_sign.len);
	ok = ok && matches_file(dir, "header-signature.txt", res.signature, strlen(res.signature));
	ok = ok && signed_request_has_headers(dir, &res);
	ll_sigv4_result_free(&res);
	return ok;
}

static bool check_query_signing(const char *dir, const ll_sigv4_request *req,
				const ll_sigv4_config *cfg, int64_t expires)
{
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	bool ok = ll_sigv4_presign(req, cfg, expires, &res, &err) == LL_OK;
	if (!ok)
		fprintf(stderr, "  %s: presigning failed: %s\n", dir, err.message);
	ok = ok && matches_file(dir, "query-canonical-request.txt", res.canonical_request.data,
				res.canonical_request.len);
	ok = ok && matches_file(dir, "query-string-to-sign.txt", res.string_to_sign.data,
				res.string_to_sign.len);
	ok = ok && matches_file(dir, "query-signature.txt", res.signature, strlen(res.signature));
	ok = ok && presigned_query_matches(dir, &res);
	ll_sigv4_result_free(&res);
	return ok;
}

/* Runs one suite folder in both modes; prints its verdict. */
static bool run_suite_case(const char *dir, const char *name)
{
	char path[4096];
	ll_buf text = LL_BUF_INIT;
	ll_error err = { 0 };
	suite_request r;
	memset(&r, 0, sizeof(r));
	ll_arena_init(&r.arena, 0);
	snprintf(path, sizeof(path), "%s/context.json", dir);
	json_t *doc = json_load_file(path, 0, NULL);
	ll_sigv4_config cfg;
	int64_t expires = 0;
	snprintf(path, sizeof(path), "%s/request.txt", dir);
	bool ok = doc && parse_context(doc, &cfg, &expires) &&
		  ll_fs_read_all(path, &text, &err) == LL_OK && parse_request(&text, &r);
	if (!ok)
		fprintf(stderr, "  %s: cannot read the case\n", dir);
	ll_sigv4_request req = {
		.method = r.method,
		.path = r.path,
		.query = r.query,
		.nquery = r.nquery,
		.headers = r.headers,
		.nheaders = r.nheaders,
		.payload = r.body,
		.payload_len = r.body_len,
	};
	bool header_ok = ok && check_header_signing(dir, &req, &cfg);
	bool query_ok = ok && check_query_signing(dir, &req, &cfg, expires);
	printf("  %-40s header %s  query %s\n", name, header_ok ? "pass" : "FAIL",
	       query_ok ? "pass" : "FAIL");
	json_decref(doc);
	ll_buf_free(&text);
	ll_arena_free(&r.arena);
	return header_ok && query_ok;
}

static void test_aws_suite(void)
{
	char dir[1024], sub[2048];
	char **names = NULL;
	size_t count = 0, cases = 0, passed = 0;
	ll_error err = { 0 };
	ll_testdata("sigv4", dir, sizeof(dir));
	CHECK_OK(ll_fs_list(dir, &names, &count, &err), &err);
	for (size_t i = 0; i < count; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
		if (!ll_fs_is_dir(sub))
			continue;
		cases++;
		passed += run_suite_case(sub, names[i]);
	}
	printf("  AWS SigV4 suite: %zu of %zu cases pass (header and query signing)\n", passed,
	       cases);
	CHECK(cases > 0);
	CHECK_INT(passed, cases);
	ll_fs_free_list(names, count);
}

/* The credentials and time of the examples in the S3 SigV4 documentation. */
static ll_sigv4_config s3_example_config(void)
{
	ll_sigv4_config cfg = {
		.credentials = { "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
				 NULL },
		.region = "us-east-1",
		.service = "s3",
		.time = 1369353600, /* 2013-05-24T00:00:00Z */
		.sign_body = true,
	};
	return cfg;
}

/* Line `index` (0-based) of text, copied into buf. */
static const char *line_of(const ll_buf *text, int index, char *buf, size_t size)
{
	const char *p = ll_buf_cstr(text);
	for (int i = 0; i < index && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	size_t n = p ? strcspn(p, "\n") : 0;
	snprintf(buf, size, "%.*s", (int)n, p ? p : "");
	return buf;
}

static const char *added_header(const ll_sigv4_result *res, const char *name)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (strcmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

static void test_s3_get_object_example(void)
{
	ll_sigv4_config cfg = s3_example_config();
	ll_sigv4_pair headers[] = { { "Host", "examplebucket.s3.amazonaws.com" },
				    { "Range", "bytes=0-9" } };
	ll_sigv4_request req = { .method = "GET", .path = "/test.txt", .headers = headers,
				 .nheaders = 2 };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	CHECK_OK(ll_sigv4_sign_headers(&req, &cfg, &res, &err), &err);
	CHECK_STR(res.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	CHECK_STR(ll_buf_cstr(&res.authorization),
		  "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
		  "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
		  "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
	CHECK_STR(added_header(&res, "X-Amz-Date"), "20130524T000000Z");
	CHECK_STR(added_header(&res, "X-Amz-Content-Sha256"),
		  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(added_header(&res, "X-Amz-Security-Token") == NULL);
	CHECK_STR(ll_buf_cstr(&res.query), "");
	ll_sigv4_result_free(&res);
}

/* The PUT example's key "test$file.text" also shows a key encoded once. */
static void test_s3_put_object_example(void)
{
	ll_sigv4_config cfg = s3_example_config();
	ll_buf path = LL_BUF_INIT;
	ll_buf_putc(&path, '/');
	ll_sigv4_uri_encode(&path, "test$file.text", 14, true);
	ll_sigv4_pair headers[] = { { "Host", "examplebucket.s3.amazonaws.com" },
				    { "Date", "Fri, 24 May 2013 00:00:00 GMT" },
				    { "x-amz-storage-class", "REDUCED_REDUNDANCY" } };
	const char body[] = "Welcome to Amazon S3.";
	ll_sigv4_request req = { .method = "PUT", .path = ll_buf_cstr(&path), .headers = headers,
				 .nheaders = 3, .payload = body, .payload_len = strlen(body) };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	char line[256];
	CHECK_OK(ll_sigv4_sign_headers(&req, &cfg, &res, &err), &err);
	CHECK_STR(line_of(&res.canonical_request, 1, line, sizeof(line)), "/test%24file.text");
	CHECK_STR(res.payload_hash,
		  "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
	CHECK_STR(res.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
	ll_sigv4_result_free(&res);
	ll_buf_free(&path);
}

static void test_s3_presign_example(void)
{
	ll_sigv4_config cfg = s3_example_config();
	ll_sigv4_pair headers[] = { { "Host", "examplebucket.s3.amazonaws.com" } };
	ll_sigv4_request req = { .method = "GET", .path = "/test.txt", .headers = headers,
				 .nheaders = 1, .payload_hash = LL_SIGV4_UNSIGNED_PAYLOAD };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	CHECK_OK(ll_sigv4_presign(&req, &cfg, 86400, &res, &err), &err);
	CHECK_STR(res.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
	CHECK_STR(ll_buf_cstr(&res.query),
		  "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524"
		  "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400"
		  "&X-Amz-SignedHeaders=host&X-Amz-Signature="
		  "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
	CHECK_INT(res.nheaders, 0);
	CHECK_STR(ll_buf_cstr(&res.authorization), "");
	ll_sigv4_result_free(&res);
}

/* Signs path for S3 (or double-encoding) and returns the canonical URI line. */
static const char *s3_canonical_uri(const char *path, bool double_encode, char *buf, size_t size)
{
	ll_sigv4_config cfg = s3_example_config();
	cfg.double_encode_path = double_encode;
	ll_sigv4_pair headers[] = { { "Host", "bucket.s3.amazonaws.com" } };
	ll_sigv4_request req = { .method = "GET", .path = path, .headers = headers, .nheaders = 1,
				 .payload_hash = LL_SIGV4_UNSIGNED_PAYLOAD };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	CHECK_OK(ll_sigv4_sign_headers(&req, &cfg, &res, &err), &err);
	line_of(&res.canonical_request, 1, buf, size);
	ll_sigv4_result_free(&res);
	return buf;
}

static void test_s3_key_encoded_once(void)
{
	/* spaces, UTF-8 (i with diaeresis, u with umlaut), '+', '=', '%', and "//", ".." */
	const char key[] = "data/my table/na\xc3\xafve \xc3\xbc+x=1%2//./../part.parquet";
	const char want[] = "/bucket/data/my%20table/na%C3%AFve%20%C3%BC%2Bx%3D1%252//./../"
			    "part.parquet";
	ll_buf path = LL_BUF_INIT;
	char line[512];
	ll_buf_puts(&path, "/bucket/");
	ll_sigv4_uri_encode(&path, key, strlen(key), true);
	CHECK_STR(ll_buf_cstr(&path), want);
	CHECK_STR(s3_canonical_uri(ll_buf_cstr(&path), false, line, sizeof(line)), want);
	/* what a double-encoding service would sign instead: every '%' again */
	CHECK_STR(s3_canonical_uri(ll_buf_cstr(&path), true, line, sizeof(line)),
		  "/bucket/data/my%2520table/na%25C3%25AFve%2520%25C3%25BC%252Bx%253D1%25252//./../"
		  "part.parquet");
	/* bytes a client left unencoded are encoded; escapes are kept, hex uppercased */
	CHECK_STR(s3_canonical_uri("/bucket/raw key+%2b", false, line, sizeof(line)),
		  "/bucket/raw%20key%2B%2B");
	CHECK_STR(s3_canonical_uri("", false, line, sizeof(line)), "/");
	ll_buf_free(&path);
}

static void test_s3_query_encoding(void)
{
	ll_sigv4_config cfg = s3_example_config();
	ll_sigv4_pair headers[] = { { "Host", "bucket.s3.amazonaws.com" } };
	ll_sigv4_pair query[] = { { "prefix", "my table/a+b=c" }, { "list-type", "2" },
				  { "uploads", NULL }, { "delimiter", "/" } };
	ll_sigv4_request req = { .method = "GET", .path = "/bucket", .query = query, .nquery = 4,
				 .headers = headers, .nheaders = 1,
				 .payload_hash = LL_SIGV4_UNSIGNED_PAYLOAD };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	char line[512];
	CHECK_OK(ll_sigv4_sign_headers(&req, &cfg, &res, &err), &err);
	const char *want = "delimiter=%2F&list-type=2&prefix=my%20table%2Fa%2Bb%3Dc&uploads=";
	CHECK_STR(line_of(&res.canonical_request, 2, line, sizeof(line)), want);
	CHECK_STR(ll_buf_cstr(&res.query), want);
	ll_sigv4_result_free(&res);
}

static void test_s3_content_sha256(void)
{
	ll_sigv4_config cfg = s3_example_config();
	ll_sigv4_pair headers[] = { { "Host", "bucket.s3.amazonaws.com" } };
	ll_sigv4_request req = { .method = "PUT", .path = "/bucket/k", .headers = headers,
				 .nheaders = 1, .payload = "hello", .payload_len = 5 };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	const char *hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
	char line[512], want[512];
	CHECK_OK(ll_sigv4_sign_headers(&req, &cfg, &res, &err), &err);
	snprintf(want, sizeof(want), "x-amz-content-sha256:%s", hello);
	CHECK_STR(line_of(&res.canonical_request, 4, line, sizeof(line)), want);
	CHECK_STR(line_of(&res.canonical_request, 7, line, sizeof(line)),
		  "host;x-amz-content-sha256;x-amz-date");
	CHECK_STR(line_of(&res.canonical_request, 8, line, sizeof(line)), hello);
	CHECK_STR(added_header(&res, "X-Amz-Content-Sha256"), hello);
	/* signing again into the same result replaces it; unsigned payload for streaming */
	req.payload_hash = LL_SIGV4_UNSIGNED_PAYLOAD;
	CHECK_OK(ll_sigv4_sign_headers(&req, &cfg, &res, &err), &err);
	CHECK_STR(line_of(&res.canonical_request, 4, line, sizeof(line)),
		  "x-amz-content-sha256:UNSIGNED-PAYLOAD");
	CHECK_STR(line_of(&res.canonical_request, 8, line, sizeof(line)), "UNSIGNED-PAYLOAD");
	CHECK_STR(added_header(&res, "X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
	CHECK_INT(res.nheaders, 3);
	char hex[65];
	CHECK_OK(ll_sigv4_sha256_hex("hello", 5, hex, &err), &err);
	CHECK_STR(hex, hello);
	ll_sigv4_result_free(&res);
}

static void test_session_token_signed(void)
{
	ll_sigv4_config cfg = s3_example_config();
	cfg.credentials.session_token = "FQoGZXIvYXdzEXAMPLE/token+==";
	ll_sigv4_pair headers[] = { { "Host", "bucket.s3.amazonaws.com" } };
	ll_sigv4_request req = { .method = "GET", .path = "/bucket/k", .headers = headers,
				 .nheaders = 1, .payload_hash = LL_SIGV4_UNSIGNED_PAYLOAD };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err = { 0 };
	char line[512];
	CHECK_OK(ll_sigv4_sign_headers(&req, &cfg, &res, &err), &err);
	CHECK_STR(line_of(&res.canonical_request, 8, line, sizeof(line)),
		  "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
	CHECK_STR(added_header(&res, "X-Amz-Security-Token"), "FQoGZXIvYXdzEXAMPLE/token+==");
	CHECK_OK(ll_sigv4_presign(&req, &cfg, 60, &res, &err), &err);
	CHECK(strstr(ll_buf_cstr(&res.query),
		     "X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE%2Ftoken%2B%3D%3D") != NULL);
	ll_sigv4_result_free(&res);
}

#define SECRET "SECRETwJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "TOKENAQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQ"

/* One way to get a signing call wrong; each must fail without quoting a secret. */
typedef struct bad_input {
	const char *what;
	ll_sigv4_pair header;    /* replaces the Host header when name is set */
	ll_sigv4_pair param;     /* added to the query when name is set */
	const char *access_key;  /* replaces the access key id when set */
	const char *secret;      /* replaces the secret when set */
	const char *token;       /* replaces the token when set */
	const char *region;      /* replaces the region when set */
	const char *service;     /* replaces the service when set */
	const char *path;        /* replaces the path when set */
	const char *payload_hash;
	int64_t time;            /* replaces the time when non-zero */
	int64_t expires;         /* presign with this when non-zero */
} bad_input;

static const bad_input bad_inputs[] = {
	{ .what = "no host", .header = { "X-Other", "x" } },
	{ .what = "bad header name", .header = { "Bad Name", "x" } },
	{ .what = "control char in value", .header = { "X-Secret", SECRET "\x01" } },
	{ .what = "reserved authorization", .header = { "Authorization", SECRET } },
	{ .what = "reserved token header", .header = { "X-Amz-Security-Token", TOKEN } },
	{ .what = "reserved presign param", .param = { "X-Amz-Signature", SECRET }, .expires = 60 },
	{ .what = "swapped key fields", .access_key = SECRET },
	{ .what = "secret as region", .region = SECRET },
	{ .what = "secret as service", .service = SECRET },
	{ .what = "empty secret", .secret = "" },
	{ .what = "token with newline", .token = TOKEN "\n" },
	{ .what = "secret as payload hash", .payload_hash = SECRET },
	{ .what = "relative path", .path = SECRET },
	{ .what = "path with query", .path = "/k?" SECRET },
	{ .what = "negative time", .time = -1 },
	{ .what = "expires too long", .expires = LL_SIGV4_MAX_EXPIRES + 1 },
};

static ll_status sign_bad(const bad_input *b, ll_error *err)
{
	ll_sigv4_config cfg = {
		.credentials = { b->access_key ? b->access_key : "AKIDEXAMPLE",
				 b->secret ? b->secret : SECRET, b->token ? b->token : TOKEN },
		.region = b->region ? b->region : "us-east-1",
		.service = b->service ? b->service : "s3",
		.time = b->time ? b->time : 1440938160,
		.sign_body = true,
	};
	ll_sigv4_pair headers[] = { { "Host", "bucket.s3.amazonaws.com" } };
	if (b->header.name)
		headers[0] = b->header;
	ll_sigv4_request req = { .method = "GET", .path = b->path ? b->path : "/bucket/k",
				 .query = &b->param, .nquery = b->param.name ? 1 : 0,
				 .headers = headers, .nheaders = 1,
				 .payload_hash = b->payload_hash };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_status s = b->expires ? ll_sigv4_presign(&req, &cfg, b->expires, &res, err)
				 : ll_sigv4_sign_headers(&req, &cfg, &res, err);
	ll_sigv4_result_free(&res);
	return s;
}

static void test_errors_hide_secrets(void)
{
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(*bad_inputs); i++) {
		ll_error err = { 0 };
		char text[2048];
		ll_status s = sign_bad(&bad_inputs[i], &err);
		ll_error_format(&err, text, sizeof(text));
		if (s == LL_OK || !err.message[0] || strstr(text, "SECRET") ||
		    strstr(text, "TOKEN") || strstr(text, "EXAMPLE") || strstr(text, "AKID")) {
			fprintf(stderr, "  %s: status %d, message \"%s\"\n", bad_inputs[i].what, s,
				text);
			ll_test_failures++;
		}
	}
}

LL_TEST_MAIN(LL_TEST(test_aws_suite), LL_TEST(test_s3_get_object_example),
	     LL_TEST(test_s3_put_object_example), LL_TEST(test_s3_presign_example),
	     LL_TEST(test_s3_key_encoded_once), LL_TEST(test_s3_query_encoding),
	     LL_TEST(test_s3_content_sha256), LL_TEST(test_session_token_signed),
	     LL_TEST(test_errors_hide_secrets))
