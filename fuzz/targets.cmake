# The fuzz targets and the libraries each links; shared by fuzz/ (libFuzzer
# builds) and tests/fuzz/ (corpus replay under ctest).
set(LL_FUZZ_TARGETS
  json_parse json_reader json_chunks toml parquet avro iceberg_metadata iceberg_manifest_list
  iceberg_manifest s3_xml schema_json aws_json sql iso_time)
set(LL_FUZZ_DEPS_json_parse ll_json)
set(LL_FUZZ_DEPS_json_reader ll_json)
set(LL_FUZZ_DEPS_json_chunks ll_json ll_extract)
set(LL_FUZZ_DEPS_toml ll_config)
set(LL_FUZZ_DEPS_parquet ll_parquet)
set(LL_FUZZ_DEPS_avro ll_avro)
set(LL_FUZZ_DEPS_iceberg_metadata ll_iceberg)
set(LL_FUZZ_DEPS_iceberg_manifest_list ll_iceberg)
set(LL_FUZZ_DEPS_iceberg_manifest ll_iceberg PkgConfig::JANSSON)
set(LL_FUZZ_DEPS_s3_xml ll_storage)
set(LL_FUZZ_DEPS_schema_json ll_schema)
set(LL_FUZZ_DEPS_aws_json ll_aws)
set(LL_FUZZ_DEPS_sql ll_sql)
set(LL_FUZZ_DEPS_iso_time ll_schema)
