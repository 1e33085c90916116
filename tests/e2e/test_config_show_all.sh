#!/usr/bin/env bash
# `lakeload config show --all` lists every configuration key lakeload reads:
# its value and origin when something sets it (secrets masked as by
# `config show`), "(unset)" otherwise; plain `config show` lists only the
# keys that are set. Beside a pipeline.toml, --all also lists the
# [sources.<name>] keys its source reads.
source "$(dirname "$0")/lib.sh"
W="$T/work"
mkdir -p "$W/.dlt"
cd "$W"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION \
	AWS_DEFAULT_REGION AWS_ENDPOINT_URL
export HOME="$T"
SECRET=wJalrXUtnFEMIK7MDENGbPxRfiCYSHOWALLKEY
cat >.dlt/secrets.toml <<TOML
[destination.athena.credentials]
aws_access_key_id = "AKIAEXAMPLEKEY12WXYZ"
aws_secret_access_key = "$SECRET"
TOML
export DESTINATION__ATHENA__ATHENA_WORK_GROUP=analytics
KEYS=(
	destination.filesystem.bucket_url
	destination.filesystem.catalog
	destination.filesystem.credentials.aws_access_key_id
	destination.filesystem.credentials.aws_secret_access_key
	destination.filesystem.credentials.aws_session_token
	destination.filesystem.credentials.region_name
	destination.filesystem.credentials.profile_name
	destination.filesystem.credentials.endpoint_url
	destination.athena.query_result_bucket
	destination.athena.athena_work_group
	destination.athena.aws_data_catalog
	destination.athena.force_iceberg
	destination.athena.credentials.aws_access_key_id
	destination.athena.credentials.aws_secret_access_key
	destination.athena.credentials.aws_session_token
	destination.athena.credentials.region_name
	destination.athena.credentials.profile_name
	destination.athena.credentials.endpoint_url
	load.compact_after_delete_files
	normalize.detections
	normalize.workers
	pipeline.destination
)
rc=0
out=$(ll config show --all 2>&1) || rc=$?
check_eq "config show --all exits 0" "$rc" 0
for key in "${KEYS[@]}"; do
	check_contains "--all lists $key" "$out" "$key = "
done
check_eq "--all lists each key once" "$(grep -c ' = ' <<<"$out" | tr -d ' ')" "$((${#KEYS[@]} + 1))" # + lake
check_contains "unset key" "$out" "destination.athena.query_result_bucket = (unset)"
check_contains "value from the environment" "$out" \
	"destination.athena.athena_work_group = analytics  (env DESTINATION__ATHENA__ATHENA_WORK_GROUP)"
check_contains "secret masked" "$out" "destination.athena.credentials.aws_secret_access_key = ********  (./.dlt/secrets.toml:3)"
check_contains "access key shows its last four" "$out" \
	"destination.athena.credentials.aws_access_key_id = ****************WXYZ"
check_eq "the secret is not printed" "$([[ $out == *"$SECRET"* ]] && echo shown || echo hidden)" hidden
plain=$(ll config show 2>&1)
check_eq "plain show lists no unset key" "$([[ $plain == *"(unset)"* ]] && echo yes || echo no)" no

# beside a pipeline.toml, --all lists the keys its source reads too
mkdir "$T/rest" && cd "$T/rest"
ll init rest_api local >/dev/null
TOKEN=tok-VERYSECRET-42
out=$(SOURCES__REST_API__TOKEN=$TOKEN ll config show --all 2>&1)
check_contains "source key from config.toml" "$out" \
	"sources.rest_api.base_url = https://api.example.com/v1/  (config.toml)"
check_contains "source secret masked" "$out" "sources.rest_api.token = ****  (environment)"
check_contains "unset source key" "$out" "sources.rest_api.password = (unset)"
check_eq "the source secret is not printed" "$([[ $out == *"$TOKEN"* ]] && echo shown || echo hidden)" hidden
cd "$T" && mkdir chess && cd chess
ll init chess local >/dev/null
out=$(SOURCES__CHESS__PLAYERS='["magnuscarlsen", "hikaru"]' ll config show --all 2>&1)
check_contains "a list from the environment" "$out" \
	'sources.chess.players = ["magnuscarlsen", "hikaru"]  (environment)'
check_contains "chess settings" "$out" "sources.chess.start_month = "
finish
