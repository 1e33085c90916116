/*
 * Test helper: prints the SQLite translation of the Trino query given as
 * argv[1] (default database argv[2], if any), or the error on stderr with
 * exit status 1, so shell tests can run translated queries through the CLI.
 */
#include <stdio.h>

#include "sql/sql.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: sql_translate QUERY [DATABASE]\n");
		return 2;
	}
	ll_sql_context ctx = { .database = argc > 2 ? argv[2] : NULL };
	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	if (ll_sql_translate_query(argv[1], &ctx, &out, &err) != LL_OK) {
		char msg[2048];
		fprintf(stderr, "%s\n", ll_error_format(&err, msg, sizeof(msg)));
		ll_buf_free(&out);
		return 1;
	}
	printf("%s\n", ll_buf_cstr(&out));
	ll_buf_free(&out);
	return 0;
}
