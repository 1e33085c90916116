/*
 * Running the interop scripts; see interop.h.
 */
#include "interop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* the failure counter of test.h, which defines it in the test program itself */
extern int ll_test_failures;

const char *const interop_readers[2] = { "duckdb", "hyparquet" };

bool interop_same(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++) {
			if (!interop_same(json_array_get(a, i), json_array_get(b, i)))
				return false;
		}
		return true;
	}
	if (json_is_object(a)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)a, key, v) {
			const json_t *w = json_object_get(b, key);
			if (!w || !interop_same(v, w))
				return false;
		}
		return true;
	}
	return json_equal((json_t *)a, (json_t *)b);
}

/* Builds "node '<dir>/<script>' <args>"; false when LL_INTEROP_DIR is unset. */
static bool command(char *buf, size_t size, const char *script, const char *args)
{
	const char *dir = getenv("LL_INTEROP_DIR");
	if (!dir || !*dir) {
		fprintf(stderr, "LL_INTEROP_DIR is not set; run the tests through ctest\n");
		ll_test_failures++;
		return false;
	}
	snprintf(buf, size, "node '%s/%s' %s", dir, script, args);
	return true;
}

static void quote(char *buf, size_t size, const char *s)
{
	size_t n = 0;
	buf[n++] = '\'';
	for (; *s && n + 5 < size; s++) {
		if (*s == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n++] = '\'';
	buf[n] = '\0';
}

static bool finish(FILE *p, const char *cmd)
{
	int status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "`%s` failed (status %d); is node installed and are the modules in "
				"tests/interop/node_modules?\n",
			cmd, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ll_test_failures++;
		return false;
	}
	return true;
}

json_t *interop_run_json(const char *script, const char *args)
{
	char cmd[8192];
	if (!command(cmd, sizeof(cmd), script, args))
		return NULL;
	FILE *p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "cannot run `%s`\n", cmd);
		ll_test_failures++;
		return NULL;
	}
	json_error_t jerr;
	json_t *out = json_loadf(p, 0, &jerr);
	if (!finish(p, cmd)) {
		json_decref(out);
		return NULL;
	}
	if (!out) {
		fprintf(stderr, "`%s` printed no JSON: %s (line %d)\n", cmd, jerr.text, jerr.line);
		ll_test_failures++;
	}
	return out;
}

json_t *interop_meta(const char *path)
{
	char args[4200];
	char q[4096];
	quote(q, sizeof(q), path);
	snprintf(args, sizeof(args), "--pages %s", q);
	return interop_run_json("parquet_meta.mjs", args);
}

/* Parses one line of the rows format: "[", "]", "", or a row with an optional trailing comma. */
static int parse_line(char *line, json_t **row)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	*row = NULL;
	if (n == 0 || strcmp(line, "[") == 0 || strcmp(line, "]") == 0)
		return 0;
	if (line[n - 1] == ',')
		line[--n] = '\0';
	json_error_t jerr;
	*row = json_loadb(line, n, 0, &jerr);
	return *row ? 1 : -1;
}

long interop_each_row(const char *reader, const char *path,
		      bool (*fn)(void *user, size_t index, const json_t *row), void *user)
{
	char cmd[8192], args[4200], q[4096];
	quote(q, sizeof(q), path);
	snprintf(args, sizeof(args), "--reader %s %s", reader, q);
	if (!command(cmd, sizeof(cmd), "parquet_rows.mjs", args))
		return -1;
	FILE *p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "cannot run `%s`\n", cmd);
		ll_test_failures++;
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	long count = 0;
	bool ok = true;
	while (getline(&line, &cap, p) > 0) {
		json_t *row;
		int r = parse_line(line, &row);
		if (r < 0) {
			fprintf(stderr, "%s printed a line that is not a row: %.200s\n", reader, line);
			ok = false;
		}
		if (r <= 0)
			continue;
		if (ok && !fn(user, (size_t)count, row))
			ok = false;
		json_decref(row);
		count++;
	}
	free(line);
	if (!finish(p, cmd))
		return -1;
	if (!ok) {
		ll_test_failures++;
		return -1;
	}
	return count;
}

typedef struct expect_rows {
	const json_t *expected;
	const char *reader;
	const char *path;
} expect_rows;

static bool compare_row(void *user, size_t index, const json_t *row)
{
	expect_rows *x = user;
	const json_t *want = json_array_get(x->expected, index);
	if (want && interop_same(row, want))
		return true;
	char *got = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *exp = want ? json_dumps(want, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	fprintf(stderr, "%s: row %zu of %s differs\n  got      %.600s\n  expected %.600s\n",
		x->reader, index, x->path, got ? got : "?", exp ? exp : "(no such row)");
	free(got);
	free(exp);
	return false;
}

void interop_check_rows(const char *path, const json_t *expected)
{
	for (size_t r = 0; r < 2; r++) {
		expect_rows x = { expected, interop_readers[r], path };
		long n = interop_each_row(interop_readers[r], path, compare_row, &x);
		if (n >= 0 && (size_t)n != json_array_size(expected)) {
			fprintf(stderr, "%s: %s has %ld rows, expected %zu\n", interop_readers[r], path,
				n, json_array_size(expected));
			ll_test_failures++;
		}
	}
}

const json_t *interop_chunk(const json_t *meta, size_t rg, const char *column)
{
	const json_t *cols = json_object_get(meta, "columns");
	for (size_t i = 0; i < json_array_size(cols); i++) {
		const json_t *c = json_array_get(cols, i);
		const char *id = json_string_value(json_object_get(c, "row_group_id"));
		const char *name = json_string_value(json_object_get(c, "path_in_schema"));
		if (id && name && strtoul(id, NULL, 10) == rg && strcmp(name, column) == 0)
			return c;
	}
	fprintf(stderr, "no column chunk %s in row group %zu\n", column, rg);
	ll_test_failures++;
	return NULL;
}

const json_t *interop_schema(const json_t *meta, const char *column)
{
	const json_t *rows = json_object_get(meta, "schema");
	for (size_t i = 0; i < json_array_size(rows); i++) {
		const json_t *s = json_array_get(rows, i);
		const char *name = json_string_value(json_object_get(s, "name"));
		if (name && strcmp(name, column) == 0)
			return s;
	}
	fprintf(stderr, "no schema element %s\n", column);
	ll_test_failures++;
	return NULL;
}

const char *interop_str(const json_t *row, const char *key)
{
	const json_t *v = json_object_get(row, key);
	if (!v)
		return "";
	if (json_is_null(v))
		return "(null)";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_true(v))
		return "true";
	if (json_is_false(v))
		return "false";
	return "?";
}
