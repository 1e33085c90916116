"""Reads Glue with Debian's boto3 for test_aws_moto, as an independent
client: `boto3_glue.py ENDPOINT REGION get-table DB TABLE` prints GetTable's
Table, `... count-tables DB` counts tables with boto3's own paginator, and
`... update-table DB TABLE KEY VALUE` sets one table parameter. Output is
JSON on stdout; credentials come from the environment."""
import json
import sys

import boto3


def main():
    endpoint, region, command = sys.argv[1:4]
    glue = boto3.client("glue", endpoint_url=endpoint, region_name=region)
    args = sys.argv[4:]
    if command == "get-table":
        out = glue.get_table(DatabaseName=args[0], Name=args[1])["Table"]
    elif command == "count-tables":
        pages = glue.get_paginator("get_tables").paginate(DatabaseName=args[0])
        out = {"count": sum(len(p["TableList"]) for p in pages)}
    elif command == "update-table":
        table = glue.get_table(DatabaseName=args[0], Name=args[1])["Table"]
        keep = ("Name", "Description", "TableType", "Parameters", "StorageDescriptor",
                "PartitionKeys")
        table_input = {k: v for k, v in table.items() if k in keep}
        table_input["Parameters"][args[2]] = args[3]
        glue.update_table(DatabaseName=args[0], TableInput=table_input)
        out = {"ok": True}
    else:
        raise SystemExit("unknown command " + command)
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    main()
