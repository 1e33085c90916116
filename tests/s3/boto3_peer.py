"""The other side of the S3 interop test: AWS's own Python SDK (boto3, as
Debian packages it) reads what lakeload wrote and writes what lakeload
must read.

    /usr/bin/python3 boto3_peer.py <endpoint> <bucket> dump <prefix>
        prints [{"key", "size", "etag", "sha256"}] for every object under
        prefix, listed with boto3's paginator and each one read back
    /usr/bin/python3 boto3_peer.py <endpoint> <bucket> put-keys <prefix>
        puts one object per tricky key name, each holding content(key),
        and prints the keys as a JSON list
    /usr/bin/python3 boto3_peer.py <endpoint> <bucket> upload <key> <path>
        uploads a file with boto3's managed transfer in 5 MiB parts

Credentials are s3rver's (S3RVER/S3RVER); addressing is path style.
"""
import hashlib
import json
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

TRICKY_KEYS = [
    "a b/ü+=%.txt",
    "plus+and space .txt",
    "percent%2Fslash-looking.txt",
    "eq=amp&semi;colon:at@dollar$comma,.txt",
    "deep/er/path/with spaces/ünïcödé 😀.bin",
    "tilde~underscore_dash-dot.txt",
    "quote'and\"angle<>.txt",
]


def content(key):
    """The bytes both sides agree an object named key holds."""
    return ("lakeload:" + key + "\n").encode() * 3


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="S3RVER",
        aws_secret_access_key="S3RVER",
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def dump(s3, bucket, prefix):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            out.append(
                {
                    "key": obj["Key"],
                    "size": obj["Size"],
                    "etag": obj["ETag"],
                    "sha256": hashlib.sha256(body).hexdigest(),
                }
            )
    return out


def put_keys(s3, bucket, prefix):
    keys = [prefix + k for k in TRICKY_KEYS]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=content(key))
    return keys


def upload(s3, bucket, key, path):
    mib = 1024 * 1024
    config = TransferConfig(multipart_threshold=5 * mib, multipart_chunksize=5 * mib)
    s3.upload_file(path, bucket, key, Config=config)
    return {"key": key}


def main(argv):
    endpoint, bucket, command, *args = argv[1:]
    s3 = client(endpoint)
    if command == "dump":
        result = dump(s3, bucket, args[0])
    elif command == "put-keys":
        result = put_keys(s3, bucket, args[0])
    elif command == "upload":
        result = upload(s3, bucket, args[0], args[1])
    else:
        raise SystemExit("unknown command " + command)
    json.dump(result, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
