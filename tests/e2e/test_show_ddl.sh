#!/usr/bin/env bash
# lakeload show --ddl prints the Athena DDL that defines a table, as dlt's
# Athena destination writes it: Hive backtick quoting (a backtick doubled),
# Athena's types, the table's folder as LOCATION, and for an Iceberg table
# its partition transforms and table_type ICEBERG.
source "$(dirname "$0")/lib.sh"

cat > "$T/o.ndjson" <<'JSON'
{"id": 1, "We ird Name": "a", "amount": 1.5, "at": "2024-01-02T03:04:05Z", "ok": true, "tags": {"k": 1}}
JSON
ll load "$T/o.ndjson" --lake "$LAKE" --dataset shop --table hv -q
ll load "$T/o.ndjson" --lake "$LAKE" --dataset shop --table ib -q --table-format iceberg \
	--partition 'month(at)' --partition 'bucket(4, id)' --partition ok

hv=$(ll show shop.hv --ddl --lake "$LAKE")
check_contains "hive: create" "$hv" 'CREATE EXTERNAL TABLE IF NOT EXISTS `shop`.`hv`'
check_contains "hive: normalized name quoted" "$hv" '`we_ird_name` string'
check_contains "hive: types" "$hv" '`amount` double'
check_contains "hive: timestamp" "$hv" '`at` timestamp'
check_contains "hive: boolean" "$hv" '`ok` boolean'
check_contains "hive: flattened" "$hv" '`tags__k` bigint'
check_contains "hive: stored as parquet" "$hv" 'STORED AS PARQUET'
check_contains "hive: location" "$hv" "LOCATION '$LAKE/shop/hv"

ib=$(ll show shop.ib --ddl --lake "$LAKE")
check_contains "iceberg: create" "$ib" 'CREATE TABLE `shop`.`ib`'
check_contains "iceberg: partitions" "$ib" 'PARTITIONED BY (month(`at`), bucket(4, `id`), `ok`)'
check_contains "iceberg: table type" "$ib" "'table_type'='ICEBERG'"
check_contains "iceberg: location" "$ib" "LOCATION '$LAKE/shop/ib"

expect_failure "unknown table" ll show shop.nope --ddl --lake "$LAKE"
check_contains "unknown table: named" "$ERR" "shop.nope"
finish
