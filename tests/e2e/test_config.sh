#!/usr/bin/env bash
# dlt-style configuration: .dlt/config.toml < .dlt/secrets.toml < environment
# < flags, each value with its origin; "did you mean" for misspelt keys and
# sections under [destination]; the AWS credential chain (explicit keys,
# AWS_* variables, ~/.aws profiles) with its region order; and no secret in
# anything lakeload prints or writes.
source "$(dirname "$0")/lib.sh"
W="$T/work"
mkdir -p "$W/.dlt" "$T/h/.aws"
cd "$W"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_REGION \
	AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE
export HOME="$T/h"
SECRET=wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY
TOKEN=FQoGZXIvYXdzEBSESSIONTOKENVALUE
cat > .dlt/config.toml <<'TOML'
[destination.filesystem]
bucket_url = "s3://from-config/lake"

[destination.athena]
query_result_bucket = "s3://results/"
athena_work_group = "primary"
force_iceberg = true

[sources.my_api]
whatever = 1
TOML
cat > .dlt/secrets.toml <<TOML
[destination.athena.credentials]
aws_access_key_id = "AKIAEXAMPLEKEY12ABCD"
aws_secret_access_key = "$SECRET"
aws_session_token = "$TOKEN"
region_name = "eu-west-1"
TOML
out=$(ll config show 2>&1)
check_contains "value from config.toml with its line" "$out" "destination.athena.athena_work_group = primary  (./.dlt/config.toml:6)"
check_contains "secrets.toml value" "$out" "destination.athena.credentials.region_name = eu-west-1  (./.dlt/secrets.toml:5)"
check_contains "secret masked" "$out" "destination.athena.credentials.aws_secret_access_key = ********"
check_contains "access key shows its last four" "$out" "****************ABCD"
check_contains "bucket_url is the lake" "$out" "lake = s3://from-config/lake"
check_contains "credentials from the configuration" "$out" "credentials = ****************ABCD from ./.dlt/secrets.toml:2"
check_contains "region and where it came from" "$out" "region = eu-west-1 (./.dlt/secrets.toml:5)"

out=$(DESTINATION__ATHENA__ATHENA_WORK_GROUP=fromenv ll config show --region ap-south-1 2>&1)
check_contains "environment beats files" "$out" "athena_work_group = fromenv  (env DESTINATION__ATHENA__ATHENA_WORK_GROUP)"
check_contains "flags beat everything" "$out" "region = ap-south-1 (flag --region)"

# misspelt keys and sections under [destination]; other sections are not ours
cat >> .dlt/config.toml <<'TOML'

[destination.filesystem.extra]
bucket_ur = "x"

[destination.athna]
query_result_bucket = "y"
TOML
sed -i 's/^bucket_url = /bucket_ur = /' .dlt/config.toml
out=$(ll config show 2>&1)
check_contains "did you mean a key" "$out" "config.toml:2: unknown setting destination.filesystem.bucket_ur; did you mean destination.filesystem.bucket_url?"
check_contains "did you mean a section" "$out" "unknown setting destination.athna.query_result_bucket; did you mean destination.athena?"
check_eq "no warning for other sections" "$(grep -c 'sources.my_api' <<<"$out" || true)" "0"
printf '[destination.filesystem]\nbucket_url = "a"\nbucket_url = "b"\n' > "$T/bad.toml"
mkdir -p "$T/badcfg" && cp "$T/bad.toml" "$T/badcfg/config.toml"
expect_failure "TOML error" ll config show --config-dir "$T/badcfg"
check_contains "TOML error names file:line:column" "$ERR" "$T/badcfg/config.toml:3:"

# the credential chain without explicit keys
rm .dlt/secrets.toml
printf '[destination.filesystem]\nbucket_url = "s3://b/p"\n' > .dlt/config.toml
out=$(AWS_ACCESS_KEY_ID=AKIAENVKEY0000009876 AWS_SECRET_ACCESS_KEY=$SECRET ll config show 2>&1)
check_contains "environment keys" "$out" "credentials = ****************9876 from env AWS_ACCESS_KEY_ID"
cat > "$HOME/.aws/credentials" <<INI
[default]
aws_access_key_id = AKIADEFAULTPROF1111
aws_secret_access_key = $SECRET
# a comment
[work]
aws_access_key_id = AKIAWORKPROFILE2222
aws_secret_access_key = $SECRET
INI
cat > "$HOME/.aws/config" <<'INI'
[default]
region = us-west-2
[profile work]
region = ca-central-1
s3 =
    addressing_style = path
[profile cfgonly]
aws_access_key_id = AKIACONFIGONLY33333
aws_secret_access_key = x
INI
out=$(ll config show 2>&1)
check_contains "default profile" "$out" "****************1111 from $HOME/.aws/credentials (profile default)"
check_contains "profile region" "$out" "region = us-west-2 ($HOME/.aws/config)"
out=$(AWS_PROFILE=work ll config show 2>&1)
check_contains "AWS_PROFILE" "$out" "****************2222 from $HOME/.aws/credentials (profile work)"
check_contains "named profile's region" "$out" "region = ca-central-1"
out=$(AWS_PROFILE=work AWS_DEFAULT_REGION=sa-east-1 ll config show 2>&1)
check_contains "AWS_DEFAULT_REGION beats the profile" "$out" "region = sa-east-1 (AWS_DEFAULT_REGION)"
out=$(AWS_PROFILE=work ll config show --profile cfgonly 2>&1)
check_contains "--profile beats AWS_PROFILE; [profile x] in config" "$out" "****************3333 from $HOME/.aws/config (profile cfgonly)"
out=$(DESTINATION__FILESYSTEM__CREDENTIALS__PROFILE_NAME=work ll config show 2>&1)
check_contains "profile_name" "$out" "(profile work)"
expect_failure "missing profile" ll query "SELECT 1" --profile nosuch
check_contains "missing profile named" "$ERR" "AWS profile nosuch"
mv "$HOME/.aws" "$HOME/aws.off"
expect_failure "no credentials" ll query "SELECT 1"
check_contains "says where it looked" "$ERR" "AWS_ACCESS_KEY_ID"
check_contains "names the shared files" "$ERR" "$HOME/.aws/credentials"

# no secret anywhere: outputs, errors, failed loads, files written
echo '{"a": 1}' > "$T/x.ndjson"
all=$(AWS_ACCESS_KEY_ID=AKIAENVKEY0000009876 AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN \
	ll load "$T/x.ndjson" --dataset s --lake s3://nowhere/p --endpoint-url http://127.0.0.1:1 2>&1; \
	AWS_ACCESS_KEY_ID=AKIAENVKEY0000009876 AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN \
	ll config show -v 2>&1; \
	AWS_ACCESS_KEY_ID=AKIAENVKEY0000009876 AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN \
	ll query "SELECT 1" --endpoint-url http://127.0.0.1:1 2>&1 || true)
check_eq "no secret in any output" "$(grep -c -e "$SECRET" -e "$TOKEN" <<<"$all" || true)" "0"
check_eq "no secret in any file lakeload wrote" "$(grep -rl -e "$SECRET" -e "$TOKEN" "$LAKELOAD_HOME" "$W" 2>/dev/null | grep -v '\.dlt/' | wc -l)" "0"
finish
