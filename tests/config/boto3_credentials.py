#!/usr/bin/python3
"""Prints the access key id botocore's own credential chain resolves.

Run with the same environment and ~/.aws files a test gives lakeload, so the
two readings of the chain can be compared. The Debian botocore predates
AWS_ENDPOINT_URL_STS, so when LL_TEST_STS_URL is set the STS client it
creates is pointed there, signing for us-east-1 when no region is set (the
region of the global STS endpoint botocore would otherwise use); nothing
else of botocore is changed. Prints the
key id, "NONE" when botocore finds no credentials, or "ERROR <class>".
"""
import os
import sys

import botocore.session

session = botocore.session.get_session()
create_client = session.create_client


def create_client_with_local_sts(service, *args, **kwargs):
    if service == "sts" and os.environ.get("LL_TEST_STS_URL"):
        kwargs["endpoint_url"] = os.environ["LL_TEST_STS_URL"]
        kwargs["region_name"] = kwargs.get("region_name") or "us-east-1"
    return create_client(service, *args, **kwargs)


session.create_client = create_client_with_local_sts
try:
    credentials = session.get_credentials()
    print(credentials.get_frozen_credentials().access_key if credentials else "NONE")
except Exception as e:  # the class is what the test compares, never the message
    print("ERROR", type(e).__name__)
    sys.exit(0)
