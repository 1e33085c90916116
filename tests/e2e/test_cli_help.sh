#!/usr/bin/env bash
# `lakeload COMMAND --help` (and -h) for every command: exits 0, prints on
# stdout, and names every option the command reads; `lakeload --help`
# names every command.
source "$(dirname "$0")/lib.sh"
cd "$T"
LAKE_OPTS="--lake --destination --catalog --endpoint-url --region --profile --config-dir --home --quiet --verbose --help"
declare -A OPTS=(
	[load]="--dataset --table --write-disposition --primary-key --merge-key --column --table-format --partition --detect --max-table-nesting --codec --layout --pipeline --progress $LAKE_OPTS"
	[query]="--format --wide --dialect --dataset --engine $LAKE_OPTS"
	[info]="--pipeline --format --endpoint-url --region --profile --config-dir --home --quiet --verbose --help"
	[run]="--resource --progress $LAKE_OPTS"
	[delete]="--where $LAKE_OPTS"
	[history]="$LAKE_OPTS"
	[drop-pending]="--pipeline --home --quiet --verbose --help"
	[drop-table]="$LAKE_OPTS"
	[show]="--ddl $LAKE_OPTS"
	[register]="$LAKE_OPTS"
	[config]="--all --lake --endpoint-url --region --profile --config-dir --help"
	[init]="--force --list-sources"
	[dbt-profile]="--destination --dataset --config-dir --lake --write"
	[serve]="--host --port --lake --catalog --home --config-dir --access-key-id --secret-access-key --work-group"
)
main_help=$(ll --help)
for cmd in "${!OPTS[@]}"; do
	check_contains "lakeload --help lists $cmd" "$main_help" "  $cmd"
	for flag in --help -h; do
		rc=0
		out=$(ll "$cmd" $flag 2>"$T/err") || rc=$?
		check_eq "$cmd $flag exits 0" "$rc" 0
		check_eq "$cmd $flag prints nothing on stderr" "$(cat "$T/err")" ""
		check_contains "$cmd $flag shows its usage" "$out" "usage: lakeload $cmd"
	done
	for opt in ${OPTS[$cmd]}; do
		check_contains "$cmd --help names $opt" "$out" "$opt"
	done
done
# help wins over other arguments, even ones that would be a usage error
rc=0
out=$(ll load --no-such-option --help 2>/dev/null) || rc=$?
check_eq "load --help with a bad option exits 0" "$rc" 0
check_contains "load --help with a bad option shows help" "$out" "usage: lakeload load"
finish
