#!/usr/bin/python3
"""Validate SARIF files against the OASIS SARIF 2.1.0 JSON Schema.

usage: validate_sarif.py SCHEMA FILE...

Besides the schema, checks what the schema cannot: every result's ruleIndex
points at a rule with the same id, and related location ids are unique.
Needs Debian's python3-jsonschema (run with /usr/bin/python3).
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate_sarif: python3-jsonschema is missing (apt-get install python3-jsonschema)")


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: validate_sarif.py SCHEMA FILE...")
    schema_path = argv[1]
    if not os.path.exists(schema_path):
        sys.exit("validate_sarif: schema not found: %s" % schema_path)
    with open(schema_path, encoding="utf-8") as fp:
        schema = json.load(fp)
    validator = jsonschema.Draft4Validator(schema)
    failed = False
    for path in argv[2:]:
        with open(path, encoding="utf-8") as fp:
            doc = json.load(fp)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            failed = True
            print("%s: %s: %s" % (path, "/".join(str(p) for p in e.path), e.message))
        for run in doc.get("runs", []):
            rules = run["tool"]["driver"].get("rules", [])
            for i, res in enumerate(run.get("results", [])):
                idx = res.get("ruleIndex")
                if idx is not None and (idx >= len(rules) or rules[idx]["id"] != res["ruleId"]):
                    failed = True
                    print("%s: results/%d: ruleIndex %s does not name %s" % (path, i, idx, res["ruleId"]))
                ids = [r["id"] for r in res.get("relatedLocations", [])]
                if len(ids) != len(set(ids)):
                    failed = True
                    print("%s: results/%d: duplicate relatedLocations ids" % (path, i))
        if not errors:
            print("%s: valid SARIF 2.1.0" % path)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
