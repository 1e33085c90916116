"""Input of the Iceberg merge benchmarks (bench/iceberg_merge.sh, bench/small_loads.sh).

    merge_data.py DIR ROWS CHANGED

writes DIR/table.ndjson, ROWS orders with ids 0..ROWS-1, and
DIR/changes.ndjson, CHANGED of those ids (a fixed random choice) with new
amounts of 5000 or more, so a merged table has exactly CHANGED rows with
amount >= 5000.
"""
import json
import random
import sys

out_dir, rows, changed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
CATEGORIES = ["books", "games", "tools", "music", "garden"]


def row(i, amount):
    return json.dumps({"id": i, "category": CATEGORIES[i % 5], "user_id": i % 9973,
                       "created_at": f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}T12:00:00Z",
                       "amount": amount, "note": f"order {i}"})


with open(f"{out_dir}/table.ndjson", "w") as f:
    for i in range(rows):
        f.write(row(i, i % 1000) + "\n")
keys = random.Random(1).sample(range(rows), changed)
with open(f"{out_dir}/changes.ndjson", "w") as f:
    for k in keys:
        f.write(row(k, 5000 + k % 7) + "\n")
