"""Read and write Avro container files with Apache Avro's Python library.

The lakeload Avro tests use this as the implementation nobody here wrote:

  avro_check.py read FILE           print FILE's metadata, schema and records
  avro_check.py write FILE CODEC    write sample records, print what was written

Both print one JSON document in the same normalized form, so the C tests
compare values exactly: records are lists of field values in schema order,
unions are {"branch": index, "value": ...}, maps are lists of [key, value]
pairs in file order, bytes and fixed are hex, floats and doubles are the hex
of their IEEE bits, enums are symbol names. Logical types are shown as their
underlying values (days, microseconds, unscaled bytes), not converted.
"""

import json
import random
import struct
import sys
import warnings

import avro.datafile
import avro.errors
import avro.io
import avro.schema


def strip_logical_types(j):
    """The schema JSON without logicalType, so values read back unconverted."""
    if isinstance(j, dict):
        return {k: strip_logical_types(v) for k, v in j.items() if k != "logicalType"}
    if isinstance(j, list):
        return [strip_logical_types(v) for v in j]
    return j


def normalize(schema, datum):
    t = schema.type
    if t == "union":
        for i, branch in enumerate(schema.schemas):
            if avro.io.validate(branch, datum):
                return {"branch": i, "value": normalize(branch, datum)}
        raise ValueError(f"no union branch fits {datum!r}")
    if t in ("null", "boolean", "int", "long", "string", "enum"):
        return datum
    if t == "float":
        return struct.pack(">f", datum).hex()
    if t == "double":
        return struct.pack(">d", datum).hex()
    if t in ("bytes", "fixed"):
        return datum.hex()
    if t == "array":
        return [normalize(schema.items, v) for v in datum]
    if t == "map":
        return [[k, normalize(schema.values, v)] for k, v in datum.items()]
    if t in ("record", "error"):
        return [normalize(f.type, datum.get(f.name)) for f in schema.fields]
    raise ValueError(f"unexpected schema type {t}")


def read(path):
    with open(path, "rb") as f:
        reader = avro.datafile.DataFileReader(f, avro.io.DatumReader())
        parsed = avro.schema.parse(reader.schema)
        raw = avro.schema.parse(json.dumps(strip_logical_types(parsed.to_json())))
        reader.datum_reader.writers_schema = raw
        reader.datum_reader.readers_schema = raw
        records = [normalize(raw, r) for r in reader]
        meta = {k: v.hex() for k, v in reader.meta.items()}
        out = {"meta": meta, "schema": parsed.to_json(), "records": records}
    print(json.dumps(out))


SAMPLE_SCHEMA = {
    "type": "record",
    "name": "sample",
    "namespace": "lakeload.test",
    "fields": [
        {"name": "id", "type": "long", "field-id": 1},
        {"name": "flag", "type": "boolean"},
        {"name": "small", "type": "int"},
        {"name": "ratio", "type": "float"},
        {"name": "amount", "type": "double"},
        {"name": "blob", "type": "bytes"},
        {"name": "label", "type": "string"},
        {"name": "nothing", "type": "null"},
        {"name": "digest", "type": {"type": "fixed", "name": "md5", "size": 16}},
        {"name": "color", "type": {"type": "enum", "name": "color",
                                   "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "counts", "type": {"type": "map", "values": "long"}},
        {"name": "maybe", "type": ["null", "string", "long"]},
        {"name": "point", "type": ["null", {
            "type": "record", "name": "point",
            "fields": [{"name": "x", "type": "double"}, {"name": "y", "type": "double"}]}]},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal",
                                   "precision": 10, "scale": 2}},
        {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
    ],
}

WORDS = ["", "a", "lake", "naïve", "日本語", "emoji 🎉", "tab\there", "quote\"s", "x" * 300]


def sample_record(rng, i):
    def text():
        return rng.choice(WORDS) + (str(rng.randrange(1000)) if rng.random() < 0.5 else "")

    maybe = rng.choice([None, text(), rng.randrange(-2**63, 2**63)])
    point = None if rng.random() < 0.3 else {"x": rng.uniform(-1e9, 1e9), "y": -0.0}
    return {
        "id": i if i % 7 else -i * 2**40,
        "flag": rng.random() < 0.5,
        "small": rng.randrange(-2**31, 2**31),
        "ratio": struct.unpack("<f", struct.pack("<f", rng.uniform(-1e6, 1e6)))[0],
        "amount": rng.choice([0.1, -2.5e-300, 1e308, rng.random()]),
        "blob": bytes(rng.randrange(256) for _ in range(rng.randrange(40))),
        "label": text(),
        "nothing": None,
        "digest": bytes(rng.randrange(256) for _ in range(16)),
        "color": rng.choice(["RED", "GREEN", "BLUE"]),
        "tags": [text() for _ in range(rng.randrange(5))],
        "counts": {f"k{j}": rng.randrange(-10**12, 10**12) for j in range(rng.randrange(4))},
        "maybe": maybe,
        "point": point,
        "day": rng.randrange(-10000, 30000),
        "at": rng.randrange(-2**62, 2**62),
        "price": rng.randrange(-2**60, 2**60).to_bytes(8, "big", signed=True),
        "uid": "0f8fad5b-d9cb-469f-a165-70867728950e",
    }


def write(path, codec):
    schema = avro.schema.parse(json.dumps(SAMPLE_SCHEMA))
    raw = avro.schema.parse(json.dumps(strip_logical_types(SAMPLE_SCHEMA)))
    rng = random.Random(20240611)
    records = []
    with open(path, "wb") as f:
        writer = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema, codec=codec)
        # the header keeps the logical types; values are encoded as their raw form
        writer.datum_writer.writers_schema = raw
        writer.set_meta("lakeload.note", "written by python-avro".encode())
        for i in range(1000):
            r = sample_record(rng, i)
            writer.append(r)
            records.append(normalize(schema, r))
            if i % 97 == 96:
                writer.sync()  # many blocks, of uneven sizes
        writer.close()
    print(json.dumps({"records": records}))


def main():
    # Iceberg annotates arrays of key/value records with "logicalType": "map",
    # which python-avro does not know and rightly ignores
    warnings.filterwarnings("ignore", category=avro.errors.IgnoredLogicalType)
    if len(sys.argv) == 3 and sys.argv[1] == "read":
        read(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: avro_check.py read FILE | write FILE CODEC")


if __name__ == "__main__":
    main()
