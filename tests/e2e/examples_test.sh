#!/usr/bin/env bash
# The default suite on facts/examples/ must report exactly the findings in
# tests/e2e/examples.expected (rule, file, line), no more and no fewer.
# usage: examples_test.sh FACTLINT SOURCE_DIR
set -u
FL=$1
SRC=$2
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$SRC"
"$FL" check --no-config -q -f json:"$T/r.json" facts/examples
status=$?
"$PY" - "$T/r.json" tests/e2e/examples.expected "$status" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
got = sorted(f"{f['rule']} {f['file']}:{f['line']}" for f in report["findings"])
want = sorted(l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#"))
passed = failed = 0
def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + detail if detail else ""))
for w in want:
    check("expected " + w, w in got)
for g in got:
    if g not in want:
        check("unexpected " + g, False, "not in tests/e2e/examples.expected")
check("every article read", report["summary"]["articles_skipped"] == 0 and report["summary"]["articles_checked"] >= 18)
check("no rule errors", report["summary"]["rule_errors"] == 0)
check("exit status 1 (error findings)", sys.argv[3] == "1", "got " + sys.argv[3])
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PYEOF
