/*
 * ll_aws_creds: temporary or long-term AWS credentials as the sources hand
 * them over, and the JSON shape three of the sources share; see aws_sources.h.
 */
#include <string.h>

#include "config/aws_sources.h"
#include "json/json.h"
#include "util/arena.h"
#include "util/time.h"

void ll_aws_creds_clear(ll_aws_creds *c)
{
	ll_buf_wipe(&c->access_key_id);
	ll_buf_wipe(&c->secret_access_key);
	ll_buf_wipe(&c->session_token);
	c->expires = 0;
	c->source[0] = '\0';
}

void ll_aws_creds_copy(ll_aws_creds *dst, const ll_aws_creds *src)
{
	ll_aws_creds_clear(dst);
	ll_buf_append(&dst->access_key_id, src->access_key_id.data, src->access_key_id.len);
	ll_buf_append(&dst->secret_access_key, src->secret_access_key.data, src->secret_access_key.len);
	ll_buf_append(&dst->session_token, src->session_token.data, src->session_token.len);
	dst->expires = src->expires;
	memcpy(dst->source, src->source, sizeof(dst->source));
}

bool ll_aws_creds_complete(const ll_aws_creds *c)
{
	return c->access_key_id.len > 0 && c->secret_access_key.len > 0 &&
	       !ll_buf_oom(&c->access_key_id) && !ll_buf_oom(&c->secret_access_key) &&
	       !ll_buf_oom(&c->session_token);
}

bool ll_aws_parse_expiration(const char *s, int64_t *out)
{
	int64_t micros;
	if (ll_time_parse(s, strlen(s), &micros) != LL_TIME_TIMESTAMP)
		return false;
	*out = micros / 1000000;
	return true;
}

static const char *json_text(const ll_json_value *obj, const char *key)
{
	const ll_json_value *v = ll_json_get(obj, key);
	return v && v->kind == LL_JSON_STRING && v->u.s.len ? v->u.s.ptr : NULL;
}

static const char *fill(const ll_json_value *doc, const char *token_key, bool need_version,
			ll_aws_creds *out)
{
	if (!doc || doc->kind != LL_JSON_OBJECT)
		return "the answer is not a JSON object";
	const ll_json_value *version = ll_json_get(doc, "Version");
	if (need_version && !(version && version->kind == LL_JSON_INT && version->u.i == 1))
		return "the answer's Version is not 1";
	const char *id = json_text(doc, "AccessKeyId");
	const char *secret = json_text(doc, "SecretAccessKey");
	const char *token = json_text(doc, token_key);
	const char *expiration = json_text(doc, "Expiration");
	if (!id)
		return "the answer has no AccessKeyId";
	if (!secret)
		return "the answer has no SecretAccessKey";
	int64_t expires = 0;
	if (expiration && !ll_aws_parse_expiration(expiration, &expires))
		return "the answer's Expiration is not an ISO 8601 time";
	ll_aws_creds_clear(out);
	ll_buf_puts(&out->access_key_id, id);
	ll_buf_puts(&out->secret_access_key, secret);
	if (token)
		ll_buf_puts(&out->session_token, token);
	out->expires = expires;
	return NULL;
}

const char *ll_aws_creds_from_json(const char *text, size_t len, const char *token_key,
				   bool need_version, ll_aws_creds *out)
{
	ll_arena arena;
	ll_arena_init(&arena, 4096);
	const ll_json_value *doc = NULL;
	ll_error ignored;
	const char *why = ll_json_parse(text, len, "credentials", &arena, &doc, &ignored) == LL_OK
				  ? fill(doc, token_key, need_version, out)
				  : "the answer is not valid JSON";
	ll_arena_free(&arena);
	return why;
}
