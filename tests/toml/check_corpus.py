"""Checks our TOML parser against Python's tomllib on every corpus document.

usage: check_corpus.py TOML_DUMP CORPUS_DIR [--verbose] [--generated N]

CORPUS_DIR holds valid/*.toml and invalid/*.toml. For each document the
verdict of tomllib must match the directory it sits in (so the corpus itself
is checked by a parser nobody here wrote), and our verdict must match
tomllib's. For valid documents the trees must be equal, including the order
of keys in every table. TOML_DUMP prints our tree as toml-test's tagged JSON
({"type": "integer", "value": "42"}); tomllib's result is converted to the
same form here. Our errors must name file:line:column.

With --generated N it then also compares N random documents, made from a
fixed seed out of headers, array-of-tables headers, dotted keys, inline
tables and arrays over a three-letter key alphabet, so that they collide
often: the rules on which tables may be defined or extended where are the
subtle part of TOML, and tomllib decides each collision independently.

One rule is applied on top of tomllib: TOML 1.0 requires an error for an
integer outside the signed 64-bit range, while tomllib returns Python's
unbounded int, so a document whose result holds such an integer counts as
rejected.
"""

import datetime
import json
import math
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import tomllib

INT64 = range(-(2**63), 2**63)


class OutOfRange(Exception):
    pass


def tagged_float(f):
    return "nan" if math.isnan(f) else repr(f)


def from_tomllib(v):
    """tomllib's value as ("table", pairs) / ("array", items) / (type, text)."""
    if isinstance(v, dict):
        return ("table", [(k, from_tomllib(x)) for k, x in v.items()])
    if isinstance(v, list):
        return ("array", [from_tomllib(x) for x in v])
    if isinstance(v, bool):
        return ("bool", "true" if v else "false")
    if isinstance(v, int):
        if v not in INT64:
            raise OutOfRange(v)
        return ("integer", str(v))
    if isinstance(v, float):
        return ("float", tagged_float(v))
    if isinstance(v, str):
        return ("string", v)
    if isinstance(v, datetime.datetime):
        return ("datetime" if v.tzinfo else "datetime-local", v.isoformat())
    if isinstance(v, datetime.date):
        return ("date-local", v.isoformat())
    if isinstance(v, datetime.time):
        return ("time-local", v.isoformat())
    raise TypeError(f"unexpected tomllib value {v!r}")


def from_dump(j):
    """The dump's JSON (objects as ("obj", pairs)) in from_tomllib's form."""
    if isinstance(j, list):
        return ("array", [from_dump(x) for x in j])
    pairs = j[1]
    keys = sorted(k for k, _ in pairs)
    if keys == ["type", "value"] and all(isinstance(x, str) for _, x in pairs):
        tag = dict(pairs)
        if tag["type"] == "float":
            return ("float", tagged_float(float(tag["value"])))
        return (tag["type"], tag["value"])
    return ("table", [(k, from_dump(x)) for k, x in pairs])


def tomllib_verdict(data):
    """(tree, None) or (None, reason)."""
    try:
        return from_tomllib(tomllib.loads(data.decode("utf-8"))), None
    except UnicodeDecodeError as e:
        return None, f"not UTF-8: {e}"
    except tomllib.TOMLDecodeError as e:
        return None, str(e)
    except OutOfRange as e:
        return None, f"integer {e} is outside int64"


def our_verdict(dump, path):
    """(tree, None, None), (None, message, None) or (None, None, failure)."""
    r = subprocess.run([dump, str(path)], capture_output=True)
    err = r.stderr.decode("utf-8", "replace").strip()
    if r.returncode == 0:
        try:
            tree = json.loads(r.stdout, object_pairs_hook=lambda p: ("obj", p))
        except ValueError as e:
            return None, None, f"toml_dump printed no JSON: {e}"
        return from_dump(tree), None, None
    if r.returncode != 1:
        return None, None, f"toml_dump exited with {r.returncode}: {err}"
    if not re.match(re.escape(str(path)) + r":\d+:\d+: invalid TOML: \S", err):
        return None, None, f"error does not name file:line:column: {err}"
    return None, err, None


def show(tree):
    return json.dumps(tree, ensure_ascii=False)


def check(dump, path, expect_valid, verbose):
    """A list of failure messages for one document (empty when it passes)."""
    data = path.read_bytes()
    want, want_err = tomllib_verdict(data)
    got, got_err, broken = our_verdict(dump, path)
    failures = []
    if (want is not None) != expect_valid:
        failures.append(f"tomllib {'accepts' if want is not None else 'rejects'} it"
                        f"{': ' + want_err if want_err else ''}")
    if broken:
        failures.append(broken)
    elif (got is not None) != (want is not None):
        failures.append(f"we {'accept' if got is not None else 'reject'} it, tomllib "
                        f"{'accepts' if want is not None else 'rejects'} it"
                        f"{': ' + (got_err or want_err or '')}")
    elif got is not None and got != want:
        failures.append(f"trees differ\n  ours:    {show(got)}\n  tomllib: {show(want)}")
    if verbose and not failures:
        print(f"ok   {path.parent.name}/{path.name}" + (f"  [{got_err}]" if got_err else ""))
    return failures


def random_document(rnd):
    def key():
        return ".".join(rnd.choice("abc") for _ in range(rnd.randint(1, 3)))

    def value():
        r = rnd.random()
        if r < 0.5:
            return "1"
        if r < 0.65:
            return "{ " + ", ".join(f"{key()} = 1" for _ in range(rnd.randint(0, 2))) + " }"
        return f"[{{ {key()} = 1 }}]" if r < 0.8 else "[]"

    def statement():
        r = rnd.random()
        if r < 0.3:
            return f"[{key()}]"
        return f"[[{key()}]]" if r < 0.5 else f"{key()} = {value()}"

    return "\n".join(statement() for _ in range(rnd.randint(1, 6))) + "\n"


def check_generated(dump, count):
    """Compares count random documents; returns how many disagree."""
    rnd = random.Random(1)
    failed = accepted = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "generated.toml"
        for _ in range(count):
            doc = random_document(rnd)
            path.write_text(doc)
            want, want_err = tomllib_verdict(doc.encode())
            got, got_err, broken = our_verdict(dump, path)
            accepted += want is not None
            if broken or got != want:
                failed += 1
                print(f"FAIL generated document:\n{doc}  ours:    "
                      f"{broken or got_err or show(got)}\n  tomllib: {want_err or show(want)}")
    print(f"{count} generated documents ({accepted} valid), {failed} disagreeing with tomllib")
    return failed


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    dump, corpus = argv[1], pathlib.Path(argv[2])
    verbose = "--verbose" in argv[3:]
    generated = int(argv[argv.index("--generated") + 1]) if "--generated" in argv else 0
    failed = 0
    counts = {}
    for kind in ("valid", "invalid"):
        files = sorted((corpus / kind).glob("*.toml"))
        counts[kind] = len(files)
        for path in files:
            failures = check(dump, path, kind == "valid", verbose)
            for f in failures:
                print(f"FAIL {kind}/{path.name}: {f}")
            failed += bool(failures)
    print(f"{counts['valid']} valid and {counts['invalid']} invalid documents, "
          f"{failed} disagreeing with tomllib")
    failed += check_generated(dump, generated) if generated else 0
    return 1 if failed or not all(counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
