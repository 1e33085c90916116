/*
 * The AWS credential chain, as botocore walks it, and the lake settings
 * built from it; see ll_config_resolve_lake in lakeload.h.
 *
 *   keys      aws_access_key_id / aws_secret_access_key / aws_session_token
 *             from the configuration (Athena credentials, else filesystem)
 *             -> AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
 *             -> the shared credentials file (AWS_SHARED_CREDENTIALS_FILE,
 *                else ~/.aws/credentials), section [<profile>]
 *             -> the shared config file (AWS_CONFIG_FILE, else ~/.aws/config),
 *                section [profile <profile>] ([default] for default)
 *   profile   profile_name -> AWS_PROFILE -> "default"
 *   region    region_name -> AWS_REGION -> AWS_DEFAULT_REGION -> the
 *             profile's region in the config file -> us-east-1
 *   endpoint  endpoint_url -> AWS_ENDPOINT_URL_S3 -> AWS_ENDPOINT_URL
 *
 * The shared files are INI as botocore reads them: [section] headers,
 * "key = value" lines, '#' and ';' comments; indented lines (nested
 * service settings) are skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/buf.h"
#include "util/fs.h"

/* One value of a section of an INI file into out; false when absent. */
static bool ini_get(const char *text, const char *section, const char *key, ll_buf *out)
{
	ll_buf_clear(out);
	bool in = false;
	size_t klen = strlen(key);
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *p = line;
		line = end ? end + 1 : NULL;
		if (len && (p[0] == ' ' || p[0] == '\t'))
			continue;
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || p[0] == '#' || p[0] == ';')
			continue;
		if (p[0] == '[') {
			const char *close = memchr(p, ']', len);
			size_t n = close ? (size_t)(close - p - 1) : 0;
			const char *name = p + 1;
			while (n && *name == ' ')
				name++, n--;
			while (n && name[n - 1] == ' ')
				n--;
			in = n == strlen(section) && memcmp(name, section, n) == 0;
			continue;
		}
		if (!in || len <= klen || memcmp(p, key, klen) != 0)
			continue;
		const char *q = p + klen;
		while (q < p + len && (*q == ' ' || *q == '\t'))
			q++;
		if (q >= p + len || *q != '=')
			continue;
		q++;
		while (q < p + len && (*q == ' ' || *q == '\t'))
			q++;
		ll_buf_append(out, q, (size_t)(p + len - q));
		return true;
	}
	return false;
}

typedef struct chain {
	ll_config *c;
	ll_buf creds_path, config_path, creds_text, config_text;
	char profile[128];
	const char *profile_origin;
} chain;

static void shared_file_path(const char *env, const char *rel, ll_buf *out)
{
	const char *v = getenv(env);
	if (v && *v) {
		ll_buf_puts(out, v);
		return;
	}
	ll_buf_printf(out, "%s/%s", getenv("HOME") ? getenv("HOME") : ".", rel);
}

static void chain_init(chain *ch, ll_config *c)
{
	memset(ch, 0, sizeof(*ch));
	ch->c = c;
	shared_file_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", &ch->creds_path);
	shared_file_path("AWS_CONFIG_FILE", ".aws/config", &ch->config_path);
	ll_error ignored;
	if (ll_fs_read_all(ll_buf_cstr(&ch->creds_path), &ch->creds_text, &ignored) != LL_OK)
		ll_buf_clear(&ch->creds_text);
	if (ll_fs_read_all(ll_buf_cstr(&ch->config_path), &ch->config_text, &ignored) != LL_OK)
		ll_buf_clear(&ch->config_text);
	const char *origin = NULL;
	const char *p = ll_config_credential(c, "profile_name", &origin);
	ch->profile_origin = origin;
	if (!p && (p = getenv("AWS_PROFILE")) && *p)
		ch->profile_origin = "env AWS_PROFILE";
	if (!p || !*p) {
		p = "default";
		ch->profile_origin = "default";
	}
	snprintf(ch->profile, sizeof(ch->profile), "%s", p);
}

static void chain_free(chain *ch)
{
	ll_buf_free(&ch->creds_path);
	ll_buf_free(&ch->config_path);
	ll_buf_free(&ch->creds_text);
	ll_buf_free(&ch->config_text);
}

/* A profile setting: credentials file first, then the config file's profile section. */
static bool profile_value(chain *ch, const char *key, ll_buf *out, const char **where)
{
	if (ini_get(ll_buf_cstr(&ch->creds_text), ch->profile, key, out)) {
		*where = ll_buf_cstr(&ch->creds_path);
		return true;
	}
	char section[160];
	if (strcmp(ch->profile, "default") == 0)
		snprintf(section, sizeof(section), "default");
	else
		snprintf(section, sizeof(section), "profile %s", ch->profile);
	*where = ll_buf_cstr(&ch->config_path);
	return ini_get(ll_buf_cstr(&ch->config_text), section, key, out);
}

static bool profile_exists(chain *ch)
{
	char section[160], hdr[170];
	snprintf(section, sizeof(section), strcmp(ch->profile, "default") == 0 ? "%s" : "profile %s",
		 ch->profile);
	snprintf(hdr, sizeof(hdr), "[%s]", section);
	char plain[170];
	snprintf(plain, sizeof(plain), "[%s]", ch->profile);
	return strstr(ll_buf_cstr(&ch->creds_text), plain) || strstr(ll_buf_cstr(&ch->config_text), hdr);
}

/* Owned copies live in the config as flags would, so the strings outlive this call. */
static ll_status keep(ll_config *c, const char *key, const char *value, const char *origin,
		      const char **out, ll_error *err)
{
	ll_status st = ll_config_set(c, key, value, origin, err);
	*out = st == LL_OK ? ll_config_get(c, key, NULL) : NULL;
	return st;
}

#define RESOLVED "destination.athena.credentials."

static ll_status resolve_keys(chain *ch, ll_s3_options *s3, const char **source, ll_error *err)
{
	ll_config *c = ch->c;
	const char *id = ll_config_credential(c, "aws_access_key_id", source);
	const char *secret = ll_config_credential(c, "aws_secret_access_key", NULL);
	if (id && secret) {
		s3->access_key_id = id;
		s3->secret_access_key = secret;
		s3->session_token = ll_config_credential(c, "aws_session_token", NULL);
		return LL_OK;
	}
	if (getenv("AWS_ACCESS_KEY_ID") && getenv("AWS_SECRET_ACCESS_KEY")) {
		s3->access_key_id = getenv("AWS_ACCESS_KEY_ID");
		s3->secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
		s3->session_token = getenv("AWS_SESSION_TOKEN");
		*source = "env AWS_ACCESS_KEY_ID";
		return LL_OK;
	}
	if (strcmp(ch->profile_origin, "default") != 0 && !profile_exists(ch))
		return ll_error_set(err, LL_EAUTH,
				    "AWS profile %s (from %s) is in neither %s nor %s", ch->profile,
				    ch->profile_origin, ll_buf_cstr(&ch->creds_path),
				    ll_buf_cstr(&ch->config_path));
	ll_buf v = LL_BUF_INIT;
	const char *where = NULL;
	ll_status st = LL_OK;
	if (profile_value(ch, "aws_access_key_id", &v, &where)) {
		st = keep(c, RESOLVED "aws_access_key_id", ll_buf_cstr(&v), where, &s3->access_key_id, err);
		*source = where;
	}
	if (st == LL_OK && profile_value(ch, "aws_secret_access_key", &v, &where))
		st = keep(c, RESOLVED "aws_secret_access_key", ll_buf_cstr(&v), where,
			  &s3->secret_access_key, err);
	if (st == LL_OK && profile_value(ch, "aws_session_token", &v, &where))
		st = keep(c, RESOLVED "aws_session_token", ll_buf_cstr(&v), where, &s3->session_token, err);
	ll_buf_free(&v);
	if (st == LL_OK && (!s3->access_key_id || !s3->secret_access_key))
		st = ll_error_set(err, LL_EAUTH,
				  "no AWS credentials found; looked at destination.athena.credentials and "
				  "destination.filesystem.credentials (aws_access_key_id, "
				  "aws_secret_access_key) in .dlt/config.toml, .dlt/secrets.toml and "
				  "their DESTINATION__... environment variables, at AWS_ACCESS_KEY_ID and "
				  "AWS_SECRET_ACCESS_KEY, and at profile %s in %s and %s",
				  ch->profile, ll_buf_cstr(&ch->creds_path), ll_buf_cstr(&ch->config_path));
	return st;
}

static const char *first_env(const char *a, const char *b, const char **origin)
{
	const char *v = getenv(a);
	*origin = a;
	if (!v || !*v) {
		v = b ? getenv(b) : NULL;
		*origin = b;
	}
	return v && *v ? v : NULL;
}

static ll_status resolve_region(chain *ch, ll_s3_options *s3, const char **origin, ll_error *err)
{
	s3->region = ll_config_credential(ch->c, "region_name", origin);
	if (s3->region)
		return LL_OK;
	if ((s3->region = first_env("AWS_REGION", "AWS_DEFAULT_REGION", origin)))
		return LL_OK;
	ll_buf v = LL_BUF_INIT;
	const char *where;
	ll_status st = LL_OK;
	if (profile_value(ch, "region", &v, &where)) {
		st = keep(ch->c, RESOLVED "region_name", ll_buf_cstr(&v), where, &s3->region, err);
		*origin = where;
	} else {
		s3->region = "us-east-1";
		*origin = "default";
	}
	ll_buf_free(&v);
	return st;
}

static ll_status resolve(ll_config *c, const char *lake, const char **lake_out, ll_s3_options *s3,
			 bool *use_s3, const char **key_source, const char **region_origin,
			 chain *ch, ll_error *err)
{
	memset(s3, 0, sizeof(*s3));
	*use_s3 = false;
	*lake_out = lake ? lake : ll_config_get(c, "destination.filesystem.bucket_url", NULL);
	if (!*lake_out)
		*lake_out = "lake";
	if (strncmp(*lake_out, "s3://", 5) != 0)
		return LL_OK;
	*use_s3 = true;
	const char *eo;
	s3->endpoint_url = ll_config_credential(c, "endpoint_url", &eo);
	if (!s3->endpoint_url)
		s3->endpoint_url = first_env("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", &eo);
	s3->path_style = s3->endpoint_url != NULL;
	ll_status st = resolve_keys(ch, s3, key_source, err);
	if (st == LL_OK)
		st = resolve_region(ch, s3, region_origin, err);
	return st;
}

ll_status ll_config_resolve_lake(ll_config *c, const char *lake, const char **lake_out,
				 ll_s3_options *s3, bool *use_s3, ll_error *err)
{
	chain ch;
	chain_init(&ch, c);
	const char *source = NULL, *region_origin = NULL;
	ll_status st = resolve(c, lake, lake_out, s3, use_s3, &source, &region_origin, &ch, err);
	chain_free(&ch);
	return st;
}

/* ------------------------------------------------------------------ show */

static void masked(const char *key, const char *value, char *out, size_t size)
{
	size_t n = strlen(value);
	if (ll_config_key_is_secret(key))
		snprintf(out, size, "********");
	else if (strstr(key, "aws_access_key_id"))
		snprintf(out, size, "****************%s", n > 4 ? value + n - 4 : "");
	else
		snprintf(out, size, "%s", value);
}

ll_status ll_config_show(ll_config *c, const char *lake, FILE *out, ll_error *err)
{
	char shown[512];
	for (size_t i = 0; ll_config_known_keys[i]; i++) {
		const char *origin;
		const char *v = ll_config_get(c, ll_config_known_keys[i], &origin);
		if (!v)
			continue;
		masked(ll_config_known_keys[i], v, shown, sizeof(shown));
		fprintf(out, "%s = %s  (%s)\n", ll_config_known_keys[i], shown, origin);
	}
	chain ch;
	chain_init(&ch, c);
	const char *lake_out, *source = NULL, *region_origin = NULL;
	ll_s3_options s3;
	bool use_s3;
	ll_error chain_err;
	ll_error_clear(&chain_err);
	ll_status st = resolve(c, lake, &lake_out, &s3, &use_s3, &source, &region_origin, &ch,
			       &chain_err);
	fprintf(out, "lake = %s\n", lake_out);
	if (use_s3 && st == LL_OK) {
		masked("aws_access_key_id", s3.access_key_id, shown, sizeof(shown));
		fprintf(out, "credentials = %s from %s (profile %s)\n", shown, source ? source : "?",
			ch.profile);
		fprintf(out, "session token = %s\n", s3.session_token ? "********" : "(none)");
		fprintf(out, "region = %s (%s)\n", s3.region, region_origin ? region_origin : "?");
		fprintf(out, "endpoint = %s\n", s3.endpoint_url ? s3.endpoint_url : "(AWS)");
	} else if (use_s3) {
		fprintf(out, "credentials = (none): %s\n", chain_err.message);
	}
	chain_free(&ch);
	(void)err;
	return LL_OK;
}
