"""What AWS's Python SDK (boto3, as Debian packages it) sees of a lake that
lakeload wrote to S3, for the S3 lake tests.

    /usr/bin/python3 boto3_lake.py <endpoint> <bucket> keys <prefix>
        prints the keys under prefix as a JSON list, in listing order
    /usr/bin/python3 boto3_lake.py <endpoint> <bucket> download <key> <path>
        downloads the object to path and prints {"size": N}

Credentials are s3rver's (S3RVER/S3RVER); addressing is path style.
"""
import json
import os
import sys

import boto3
from botocore.config import Config


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="S3RVER",
        aws_secret_access_key="S3RVER",
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )


def keys(s3, bucket, prefix):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        out.extend(obj["Key"] for obj in page.get("Contents", []))
    return out


def download(s3, bucket, key, path):
    s3.download_file(bucket, key, path)
    return {"size": os.path.getsize(path)}


def main(argv):
    endpoint, bucket, command, *args = argv[1:]
    s3 = client(endpoint)
    if command == "keys":
        result = keys(s3, bucket, args[0])
    elif command == "download":
        result = download(s3, bucket, args[0], args[1])
    else:
        raise SystemExit("unknown command " + command)
    json.dump(result, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
