"""The other side of bench/upload.sh: uploads the same files with boto3's
upload_file and its default TransferConfig (8 MiB threshold and parts, 10
threads), one file after another, and prints the bytes and seconds as one
line of JSON.

    /usr/bin/python3 upload_boto3.py ENDPOINT BUCKET PREFIX FILE...

Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
"""
import json
import os
import sys
import time

import boto3
from botocore.config import Config


def main(argv):
    endpoint, bucket, prefix, *files = argv[1:]
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )
    total = 0
    start = time.monotonic()
    for path in files:
        s3.upload_file(path, bucket, prefix + os.path.basename(path))
        total += os.path.getsize(path)
    seconds = time.monotonic() - start
    json.dump({"bytes": total, "seconds": round(seconds, 3)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
