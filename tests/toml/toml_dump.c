/*
 * toml_dump FILE: parses a TOML file and prints its tree to stdout as the
 * tagged JSON of the toml-test suite, the form check_corpus.py also makes
 * from Python's tomllib. Tables are JSON objects in document order, arrays
 * are arrays, and every scalar is {"type": ..., "value": "..."}. Date-times
 * are printed as Python's isoformat prints them ("Z" as +00:00, fractions
 * to the microsecond and only when not zero), the precision tomllib keeps.
 * On a parse error it prints the error to stderr and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/number.h"

static void put_tagged(ll_buf *out, const char *type, const char *value, size_t len)
{
	ll_buf_printf(out, "{\"type\":\"%s\",\"value\":", type);
	ll_buf_put_json_string(out, value, len);
	ll_buf_putc(out, '}');
}

static void put_datetime(ll_buf *out, const ll_toml_value *v)
{
	static const char *types[] = {
		[LL_TOML_OFFSET_DATETIME] = "datetime",
		[LL_TOML_LOCAL_DATETIME] = "datetime-local",
		[LL_TOML_LOCAL_DATE] = "date-local",
		[LL_TOML_LOCAL_TIME] = "time-local",
	};
	const ll_toml_datetime *dt = &v->u.dt;
	ll_buf text = LL_BUF_INIT;
	if (v->kind != LL_TOML_LOCAL_TIME)
		ll_buf_printf(&text, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
	if (v->kind != LL_TOML_LOCAL_DATE) {
		ll_buf_printf(&text, "%s%02d:%02d:%02d", v->kind == LL_TOML_LOCAL_TIME ? "" : "T",
			      dt->hour, dt->minute, dt->second);
		if (dt->nanosecond / 1000)
			ll_buf_printf(&text, ".%06u", (unsigned)(dt->nanosecond / 1000));
	}
	if (v->kind == LL_TOML_OFFSET_DATETIME) {
		int off = dt->offset_minutes < 0 ? -dt->offset_minutes : dt->offset_minutes;
		ll_buf_printf(&text, "%c%02d:%02d", dt->offset_minutes < 0 ? '-' : '+', off / 60,
			      off % 60);
	}
	put_tagged(out, types[v->kind], ll_buf_cstr(&text), text.len);
	ll_buf_free(&text);
}

static void put_value(ll_buf *out, const ll_toml_value *v)
{
	char num[LL_DOUBLE_TEXT_MAX];
	switch (v->kind) {
	case LL_TOML_STRING:
		put_tagged(out, "string", v->u.s.ptr, v->u.s.len);
		break;
	case LL_TOML_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)v->u.i);
		put_tagged(out, "integer", num, strlen(num));
		break;
	case LL_TOML_FLOAT:
		put_tagged(out, "float", num, ll_double_repr(v->u.d, num, sizeof(num)));
		break;
	case LL_TOML_BOOL:
		put_tagged(out, "bool", v->u.b ? "true" : "false", v->u.b ? 4 : 5);
		break;
	case LL_TOML_OFFSET_DATETIME:
	case LL_TOML_LOCAL_DATETIME:
	case LL_TOML_LOCAL_DATE:
	case LL_TOML_LOCAL_TIME:
		put_datetime(out, v);
		break;
	case LL_TOML_ARRAY:
		ll_buf_putc(out, '[');
		for (size_t i = 0; i < v->u.arr.count; i++) {
			if (i)
				ll_buf_putc(out, ',');
			put_value(out, v->u.arr.items[i]);
		}
		ll_buf_putc(out, ']');
		break;
	case LL_TOML_TABLE:
		ll_buf_putc(out, '{');
		for (size_t i = 0; i < v->u.table.count; i++) {
			const ll_toml_member *m = &v->u.table.members[i];
			if (i)
				ll_buf_putc(out, ',');
			ll_buf_put_json_string(out, m->key, m->key_len);
			ll_buf_putc(out, ':');
			put_value(out, m->value);
		}
		ll_buf_putc(out, '}');
		break;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: toml_dump FILE\n");
		return 2;
	}
	ll_buf text = LL_BUF_INIT, out = LL_BUF_INIT;
	ll_error err = { 0 };
	ll_arena arena;
	const ll_toml_value *root;
	char msg[2048];
	ll_arena_init(&arena, 0);
	ll_status st = ll_fs_read_all(argv[1], &text, &err);
	if (st == LL_OK)
		st = ll_toml_parse(ll_buf_cstr(&text), text.len, argv[1], &arena, &root, &err);
	if (st == LL_OK) {
		put_value(&out, root);
		ll_buf_putc(&out, '\n');
		fwrite(ll_buf_cstr(&out), 1, out.len, stdout);
	} else {
		fprintf(stderr, "%s\n", ll_error_format(&err, msg, sizeof(msg)));
	}
	ll_buf_free(&text);
	ll_buf_free(&out);
	ll_arena_free(&arena);
	return st == LL_OK ? 0 : 1;
}
