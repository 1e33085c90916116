#!/usr/bin/env bash
# `lakeload dbt-profile`: profiles.yml for dbt-athena-community and
# dbt-duckdb, read back with PyYAML; credentials referred to by env_var()
# when printed, their values only in the 0600 file --write makes; the local
# profile's sources read the lake's Parquet files (checked with DuckDB).
source "$(dirname "$0")/lib.sh"

yaml() { /usr/bin/python3 -c 'import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    doc = doc[int(k)] if isinstance(doc, list) else doc[k]
print(doc)' "$@"; }

# athena: the init template filled in
A="$T/athena"
mkdir "$A"
cd "$A"
ll init chess athena >/dev/null
sed -i -e 's|s3://\[your_bucket_name\]|s3://chess-lake/data|' -e 's|s3://\[results_bucket_name\]|s3://chess-results/|' \
	-e 's|^aws_access_key_id *= *"please set me up!"|aws_access_key_id = "AKIAEXAMPLE1234"|' \
	-e 's|^aws_secret_access_key *= *"please set me up!"|aws_secret_access_key = "wJalrSECRETvalue"|' \
	-e 's|^region_name="please set me up!"|region_name="eu-central-1"|' .dlt/secrets.toml
printf '[destination.athena]\nathena_work_group = "analysts"\n' >>.dlt/config.toml
ll dbt-profile >printed.yml
P=chess_pipeline.outputs.dev
check_eq "type" "$(yaml printed.yml $P.type)" athena
check_eq "s3_staging_dir" "$(yaml printed.yml $P.s3_staging_dir)" "s3://chess-results/"
check_eq "s3_data_dir" "$(yaml printed.yml $P.s3_data_dir)" "s3://chess-lake/data"
check_eq "region_name" "$(yaml printed.yml $P.region_name)" eu-central-1
check_eq "schema is the dataset" "$(yaml printed.yml $P.schema)" chess_data
check_eq "database" "$(yaml printed.yml $P.database)" awsdatacatalog
check_eq "work_group" "$(yaml printed.yml $P.work_group)" analysts
check_eq "target" "$(yaml printed.yml chess_pipeline.target)" dev
check_eq "key id by env_var" "$(yaml printed.yml $P.aws_access_key_id)" \
	"{{ env_var('DESTINATION__ATHENA__CREDENTIALS__AWS_ACCESS_KEY_ID') }}"
if grep -q 'wJalrSECRETvalue\|AKIAEXAMPLE1234' printed.yml; then
	FAIL=$((FAIL + 1))
	echo "FAIL a credential was printed" >&2
else
	PASS=$((PASS + 1))
fi
check_eq "nothing written without --write" "$(ls profiles.yml 2>/dev/null || true)" ""
ll dbt-profile --write 2>/dev/null
check_eq "profiles.yml mode" "$(stat -c %a profiles.yml)" 600
check_eq "written secret" "$(yaml profiles.yml $P.aws_secret_access_key)" wJalrSECRETvalue
check_eq "written key id" "$(yaml profiles.yml $P.aws_access_key_id)" AKIAEXAMPLE1234
# a profile name instead of keys
printf '[destination.athena.credentials]\nprofile_name = "analytics"\n' >.dlt/secrets.toml
printf '[destination.athena]\nquery_result_bucket = "s3://r/"\n' >.dlt/config.toml
ll dbt-profile >printed.yml
check_eq "aws_profile_name" "$(yaml printed.yml $P.aws_profile_name)" analytics
check_eq "no keys with a profile" "$(grep -c aws_access_key_id printed.yml || true)" 0
rm .dlt/config.toml
expect_failure "no query_result_bucket" ll dbt-profile
check_eq "missing bucket status" "$RC" 2
check_contains "missing bucket named" "$ERR" "query_result_bucket"

# local: a dbt-duckdb profile, and sources over the lake's Parquet files
L="$T/local"
mkdir -p "$L/data"
cd "$L"
ll init filesystem local >/dev/null
printf '{"id":1,"items":[{"sku":"a"}]}\n{"id":2,"items":[]}\n' >data/orders.ndjson
sed -i 's/^name = "events"/name = "orders"/' pipeline.toml
ll run -q
ll dbt-profile >printed.yml
P=filesystem_pipeline.outputs.dev
check_eq "duckdb type" "$(yaml printed.yml $P.type)" duckdb
check_eq "duckdb schema" "$(yaml printed.yml $P.schema)" filesystem_data
check_eq "duckdb path" "$(yaml printed.yml $P.path)" "$L/lake/dbt_filesystem_data.duckdb"
check_eq "--destination wins" "$(ll dbt-profile --destination athena --dataset x 2>&1 >/dev/null | grep -c query_result_bucket)" 1
ll dbt-profile --write 2>/dev/null
check_eq "local profiles.yml mode" "$(stat -c %a profiles.yml)" 600
S=models/lakeload_sources.yml
check_eq "source tables" "$(yaml $S sources.0.tables.0.name) $(yaml $S sources.0.tables.1.name)" "orders orders__items"
loc=$(yaml $S sources.0.tables.0.meta.external_location)
check_eq "external_location read by duckdb" "$(duck "SELECT count(*) FROM $loc")" 2
expect_failure "unknown destination" ll dbt-profile --destination redshift
check_eq "unknown destination status" "$RC" 2

cd "$T"
finish
