#!/usr/bin/env bash
# The AWS credential chain through the command: a profile that assumes a
# role (STS is tests/config/aws_responder.py on a free 127.0.0.1 port,
# verifying the SigV4 signature), credential_process, and the message when
# no source has credentials; no secret in anything lakeload prints.
source "$(dirname "$0")/lib.sh"
: "${LL_SOURCE_DIR:?run through ctest, which sets LL_SOURCE_DIR}"
W="$T/work"
mkdir -p "$W/.dlt" "$T/h/.aws"
cd "$W"
for v in $(env | grep -o '^AWS_[A-Z_]*'); do unset "$v"; done
export HOME="$T/h" AWS_EC2_METADATA_DISABLED=true
SECRET=wJalrXUtnFEMIK7MDENGbPxRfiCYBASESECRET
PROCESS_SECRET=processSecretNeverPrinted0123456789

cat > "$T/responder.json" <<JSON
{"static": {"AKIABASEKEY000000001": "$SECRET"},
 "roles": {"arn:aws:iam::123456789012:role/loader": {"key": "ASIALOADER0000001234",
           "session_name": "nightly"}}}
JSON
/usr/bin/python3 "$LL_SOURCE_DIR/tests/config/aws_responder.py" "$T/responder.json" \
	"$T/responder.port" "$T/responder.log" &
RESPONDER=$!
trap 'kill $RESPONDER 2>/dev/null || true' EXIT
for _ in $(seq 1 500); do [[ -s "$T/responder.port" ]] && break; sleep 0.02; done
export AWS_ENDPOINT_URL_STS="http://127.0.0.1:$(cat "$T/responder.port")"

cat > "$HOME/.aws/credentials" <<INI
[base]
aws_access_key_id = AKIABASEKEY000000001
aws_secret_access_key = $SECRET
INI
cat > "$T/creds.sh" <<SH
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "ASIAPROCESS000005678", "SecretAccessKey": "$PROCESS_SECRET"}'
SH
chmod +x "$T/creds.sh"
cat > "$HOME/.aws/config" <<INI
[profile loader]
role_arn = arn:aws:iam::123456789012:role/loader
source_profile = base
role_session_name = nightly
region = eu-west-1
[profile proc]
credential_process = $T/creds.sh
INI
printf '[destination.filesystem]\nbucket_url = "s3://b/p"\n' > .dlt/config.toml

out=$(ll config show --profile loader 2>&1)
check_contains "role assumed through STS" "$out" \
	"credentials = ****************1234 from sts AssumeRole arn:aws:iam::123456789012:role/loader (profile loader)"
check_contains "temporary credentials say when they expire" "$out" "credentials expire = "
check_contains "session token masked" "$out" "session token = ********"
check_contains "the profile's region" "$out" "region = eu-west-1"
check_eq "one signed AssumeRole call" "$(grep -c 'STS AssumeRole arn:aws:iam::123456789012:role/loader nightly' "$T/responder.log")" "1"

out2=$(AWS_PROFILE=proc ll config show 2>&1)
check_contains "credential_process" "$out2" "****************5678 from credential_process of profile proc"

rm "$HOME/.aws/config" "$HOME/.aws/credentials"
expect_failure "no credentials" ll query "SELECT 1"
check_contains "lists the role source" "$ERR" "role_arn in profile default"
check_contains "lists credential_process" "$ERR" "credential_process in profile default"
check_contains "lists the container endpoint" "$ERR" "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
check_contains "lists instance metadata, off" "$ERR" "EC2 instance metadata (off: AWS_EC2_METADATA_DISABLED)"

# the responder derives the role's secret and token from its key id
ROLE_SECRET=S$(printf %s ASIALOADER0000001234 | sha256sum | cut -c1-39)
ROLE_TOKEN=T$(printf %s "$ROLE_SECRET" | sha256sum | cut -c1-64)
all="$out$out2$ERR"
secrets=(-e "$SECRET" -e "$PROCESS_SECRET" -e "$ROLE_SECRET" -e "$ROLE_TOKEN")
check_eq "no secret in any output" "$(grep -c "${secrets[@]}" <<<"$all" || true)" "0"
check_eq "no secret in any file lakeload wrote" "$(grep -rl "${secrets[@]}" "$LAKELOAD_HOME" "$W" 2>/dev/null | wc -l)" "0"
finish
