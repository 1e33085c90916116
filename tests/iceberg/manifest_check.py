"""Prints what the official Apache Avro library reads from Iceberg manifests
and manifest lists, in the canonical form test_iceberg_manifest.c prints
from lakeload's reader, so the two can be compared.

    manifest_check.py list FILE        one line per manifest list entry
    manifest_check.py manifest FILE    one line per manifest entry
    manifest_check.py header FILE      the header metadata and field ids

Run with /usr/bin/python3 (Debian's python3-avro)."""
import datetime
import warnings
import json
import sys

import avro.datafile
import avro.io


def plain(v):
    if isinstance(v, datetime.datetime):
        epoch = datetime.datetime(1970, 1, 1, tzinfo=v.tzinfo)
        return (v - epoch) // datetime.timedelta(microseconds=1)
    if isinstance(v, datetime.date):
        return (v - datetime.date(1970, 1, 1)).days
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, str):
        return v
    return v


def records(path):
    with avro.datafile.DataFileReader(open(path, "rb"), avro.io.DatumReader()) as r:
        return list(r), {k: r.get_meta(k) for k in r.meta}


def main():
    warnings.simplefilter("ignore")
    kind, path = sys.argv[1], sys.argv[2]
    recs, meta = records(path)
    if kind == "list":
        for m in recs:
            added = m.get("added_files_count", m.get("added_data_files_count"))
            print(json.dumps([m["manifest_path"], m["manifest_length"], m["partition_spec_id"],
                              m.get("content", 0), m.get("sequence_number", 0), added,
                              m["added_rows_count"],
                              len(m.get("partitions") or [])]))
    elif kind == "manifest":
        for e in recs:
            f = e["data_file"]
            part = [plain(v) for v in f["partition"].values()]
            lower = sorted((kv["key"], kv["value"].hex()) for kv in (f.get("lower_bounds") or []))
            print(json.dumps([e["status"], f.get("content", 0), f["file_path"], f["record_count"],
                              f["file_size_in_bytes"], part, f.get("equality_ids") or [],
                              [list(x) for x in lower]]))
    else:
        schema = json.loads(meta["avro.schema"])
        ids = {}

        def walk(t, prefix):
            if isinstance(t, list):
                for b in t:
                    walk(b, prefix)
            elif isinstance(t, dict):
                if t.get("type") == "record":
                    for f in t["fields"]:
                        ids[prefix + f["name"]] = f.get("field-id")
                        walk(f["type"], prefix + f["name"] + ".")
                elif t.get("type") == "array":
                    walk(t["items"], prefix)
        walk(schema, "")
        keys = sorted(k for k in meta if not k.startswith("avro."))
        print(json.dumps({"meta": keys, "ids": ids}, sort_keys=True))


main()
