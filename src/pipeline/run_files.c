/*
 * Files of a resource and their records; see run_files.h.
 *
 * A CSV row becomes an object keyed by the header row's names. As pandas
 * reads CSV for dlt's filesystem source: an empty unquoted field is null,
 * an unquoted integer or decimal number is a number, true/false (any case)
 * a boolean; a quoted field is always text.
 */
#include "pipeline/run_files.h"

#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/csv.h"
#include "util/fs.h"

struct ll_run_file {
	ll_input *in;
	ll_record_source src;
	bool csv;
	ll_csv_reader *csv_reader;
	char **header;
	size_t nheader;
};

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ll_status add_matches(const char *pattern, char ***list, size_t *n, size_t *cap,
			     ll_error *err)
{
	glob_t g;
	int rc = glob(pattern, GLOB_ERR, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return LL_OK;
	if (rc != 0)
		return ll_error_set(err, LL_EIO, "cannot list the files matching %s: %s", pattern,
				    rc == GLOB_NOSPACE ? "out of memory" : strerror(errno));
	ll_status st = LL_OK;
	for (size_t i = 0; i < g.gl_pathc && st == LL_OK; i++) {
		if (ll_fs_is_dir(g.gl_pathv[i]))
			continue;
		if (*n == *cap) {
			size_t grown_cap = *cap ? *cap * 2 : 16;
			char **grown = realloc(*list, grown_cap * sizeof(*grown));
			if (!grown) {
				st = ll_error_oom(err);
				break;
			}
			*list = grown;
			*cap = grown_cap;
		}
		if (!((*list)[*n] = strdup(g.gl_pathv[i])))
			st = ll_error_oom(err);
		else
			(*n)++;
	}
	globfree(&g);
	return st;
}

ll_status ll_run_files_match(const char *dir, const ll_plan_files *files, char ***out, size_t *n,
			     ll_error *err)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	ll_buf folder = LL_BUF_INIT, pattern = LL_BUF_INIT;
	const char *bucket = files->bucket_url ? files->bucket_url : ".";
	if (strncmp(bucket, "file://", 7) == 0)
		bucket += 7;
	if (bucket[0] == '/')
		ll_buf_puts(&folder, bucket);
	else
		ll_path_join(&folder, dir, bucket);
	ll_status st = LL_OK;
	for (size_t i = 0; i < files->nglobs && st == LL_OK; i++) {
		ll_buf_clear(&pattern);
		ll_path_join(&pattern, ll_buf_cstr(&folder), files->globs[i]);
		st = ll_buf_oom(&pattern) ? ll_error_oom(err) : add_matches(pattern.data, out, n, &cap, err);
	}
	ll_buf_free(&folder);
	ll_buf_free(&pattern);
	if (st != LL_OK) {
		ll_fs_free_list(*out, *n);
		*out = NULL;
		*n = 0;
		return st;
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), compare_paths);
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++) {
		if (kept && strcmp((*out)[kept - 1], (*out)[i]) == 0)
			free((*out)[i]);
		else
			(*out)[kept++] = (*out)[i];
	}
	*n = kept;
	return LL_OK;
}

static bool is_csv_name(const char *path)
{
	size_t len = strlen(path);
	return (len >= 4 && strcasecmp(path + len - 4, ".csv") == 0) ||
	       (len >= 7 && strcasecmp(path + len - 7, ".csv.gz") == 0);
}

/* An unquoted CSV field as pandas types it. */
static void csv_value(const ll_csv_field *f, ll_json_value *v)
{
	memset(v, 0, sizeof(*v));
	if (!f->quoted) {
		if (f->len == 0) {
			v->kind = LL_JSON_NULL;
			return;
		}
		if (strcasecmp(f->ptr, "true") == 0 || strcasecmp(f->ptr, "false") == 0) {
			v->kind = strcasecmp(f->ptr, "true") == 0 ? LL_JSON_TRUE : LL_JSON_FALSE;
			return;
		}
		char *end;
		errno = 0;
		long long i = strtoll(f->ptr, &end, 10);
		if (*end == '\0' && errno == 0 && f->ptr[0] != '+' && f->ptr[0] != ' ') {
			v->kind = LL_JSON_INT;
			v->u.i = i;
			return;
		}
		double d = strtod(f->ptr, &end);
		if (*end == '\0' && isfinite(d) && f->ptr[0] != ' ' &&
		    strspn(f->ptr, "0123456789+-.eE") == f->len) {
			v->kind = LL_JSON_DOUBLE;
			v->u.d = d;
			return;
		}
	}
	v->kind = LL_JSON_STRING;
	v->u.s.ptr = f->ptr;
	v->u.s.len = f->len;
}

static ll_status read_header(ll_run_file *f, ll_error *err)
{
	const ll_csv_field *fields;
	size_t n;
	uint64_t line;
	ll_status st = ll_csv_reader_next(f->csv_reader, &fields, &n, &line, err);
	if (st != LL_OK || !fields)
		return st;
	if (!(f->header = calloc(n, sizeof(*f->header))))
		return ll_error_oom(err);
	f->nheader = n;
	for (size_t i = 0; i < n; i++) {
		if (fields[i].len == 0) {
			ll_error_set(err, LL_EFORMAT, "CSV: column %zu of the header row has no name", i + 1);
			ll_error_set_location(err, ll_input_name(f->in), line, 0);
			return LL_EFORMAT;
		}
		if (!(f->header[i] = strdup(fields[i].ptr)))
			return ll_error_oom(err);
	}
	return LL_OK;
}

static ll_status next_csv_record(void *user, ll_arena *arena, const ll_json_value **record,
				 uint64_t *line, uint64_t *column, ll_error *err)
{
	ll_run_file *f = user;
	*record = NULL;
	*column = 1;
	ll_status st = f->header ? LL_OK : read_header(f, err);
	const ll_csv_field *fields = NULL;
	size_t n = 0;
	if (st == LL_OK && f->header)
		st = ll_csv_reader_next(f->csv_reader, &fields, &n, line, err);
	if (st != LL_OK || !fields)
		return st;
	if (n > f->nheader) {
		ll_error_set(err, LL_EFORMAT, "CSV: this row has %zu fields, the header row %zu", n,
			     f->nheader);
		ll_error_set_location(err, ll_input_name(f->in), *line, 0);
		return LL_EFORMAT;
	}
	ll_json_value *obj = ll_arena_alloc(arena, sizeof(*obj));
	ll_json_member *members = ll_arena_alloc(arena, (n + 1) * sizeof(*members));
	ll_json_value *values = ll_arena_alloc(arena, (n + 1) * sizeof(*values));
	if (!obj || !members || !values)
		return ll_error_oom(err);
	for (size_t i = 0; i < n; i++) {
		ll_csv_field copy = fields[i];
		if (!(copy.ptr = ll_arena_strndup(arena, fields[i].ptr, fields[i].len)))
			return ll_error_oom(err);
		csv_value(&copy, &values[i]);
		members[i] = (ll_json_member){ f->header[i], strlen(f->header[i]), &values[i] };
	}
	obj->kind = LL_JSON_OBJECT;
	obj->u.obj.members = members;
	obj->u.obj.count = n;
	*record = obj;
	return LL_OK;
}

ll_status ll_run_file_open(const char *path, ll_file_format format, ll_run_file **out,
			   ll_record_source **src, ll_error *err)
{
	*out = NULL;
	ll_run_file *f = calloc(1, sizeof(*f));
	if (!f)
		return ll_error_oom(err);
	f->csv = format == LL_FILE_CSV || (format == LL_FILE_AUTO && is_csv_name(path));
	ll_status st = ll_input_open(&f->in, path, err);
	if (st == LL_OK && f->csv) {
		st = ll_csv_reader_open(&f->csv_reader, f->in, err);
		f->src = (ll_record_source){ next_csv_record, f, ll_input_name(f->in) };
	} else if (st == LL_OK) {
		st = ll_json_record_source_open(&f->src, f->in, err);
	}
	if (st != LL_OK) {
		ll_run_file_close(f);
		return st;
	}
	*out = f;
	*src = &f->src;
	return LL_OK;
}

void ll_run_file_close(ll_run_file *f)
{
	if (!f)
		return;
	if (f->csv)
		ll_csv_reader_free(f->csv_reader);
	else if (f->src.user)
		ll_json_record_source_close(&f->src);
	for (size_t i = 0; i < f->nheader; i++)
		free(f->header[i]);
	free(f->header);
	ll_input_free(f->in);
	free(f);
}

const ll_input *ll_run_file_input(const ll_run_file *f)
{
	return f->in;
}
