#!/usr/bin/env bash
# tests/e2e/mapreduce_test.sh FACTLINT SOURCE_DIR
#
# `factlint map | sort | reduce | merge` (docs/scale.md) against a plain
# `factlint check` of the same JSONL corpus: facts/examples/*.jsonl plus
# invented articles, two of which print one quote with different speakers
# (the corpus rule quote.attribution-conflict) and one with a malformed line.
# The findings (every field, fingerprints included), the articles and the
# rule health must be equal whether the map runs as 1 or 3 processes, and
# whatever the order of the input lines.  Ends with "N passed, N failed".
set -u
fl=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
export FACTLINT=$fl

command -v parallel >/dev/null || { echo "FAIL GNU parallel is not installed (apt-get install parallel)"; echo "0 passed, 1 failed"; exit 1; }

cat >"$tmp/invented.jsonl" <<'EOF'
{"id": "inv-0001", "title": "Harbour board approves dredging plan", "date": "2021-03-04", "text": "PORT ELLARD, March 4 - The harbour board approved a dredging plan on Thursday.\n\n\"The channel has to be deeper before the new cranes arrive next spring,\" said Maria Okonkwo, the board's chair.\n\nThe work will cost 14 million euros."}
{"id": "inv-0002", "title": "Dredging plan draws criticism", "date": "2021-03-05", "text": "PORT ELLARD, March 5 - Fishing groups criticised the harbour dredging plan on Friday.\n\n\"The channel has to be deeper before the new cranes arrive next spring,\" said Tomas Bergqvist, a spokesman for the port operator.\n\nMaria Okonkwo declined to comment further."}
{"id": "inv-0003", "title": "Council weighs library hours", "date": "2021-03-06", "text": "LOWFIELD, March 6 - The town council debated library opening hours on Saturday.\n\n\"We cannot keep every branch open seven days a week on this budget,\" said councillor Edwin Marsh.\n\nLater, Edwin Marsch said the council would vote next month."}
{"id": "inv-0004", "title": "Ferry timetable changes", "text": "The ferry company said on Monday it would cut two evening sailings.\n\n\"The channel has to be deeper before the new cranes arrive next spring,\" said Maria Okonkwo.\n\nTickets rise by 3 pct."}
EOF
# the corpus in article-id order: check numbers articles in input order,
# merge in id order (docs/scale.md), so this is where the two must agree
cat "$src"/facts/examples/*.jsonl "$tmp/invented.jsonl" | LC_ALL=C sort >"$tmp/corpus.jsonl"
echo '{"id": "inv-0009", "text": ' >>"$tmp/corpus.jsonl" # malformed: a skipped input
articles=$(wc -l <"$tmp/corpus.jsonl")

cd "$tmp"
"$fl" check -q -f json:check.json corpus.jsonl
check_rc=$?
"$src/scripts/mapreduce" corpus.jsonl 1 -f json:mr1.json
mr1_rc=$?
"$src/scripts/mapreduce" corpus.jsonl 3 -f json:mr3.json
mr3_rc=$?
mkdir shuffled
shuf --random-source=<(yes) corpus.jsonl >shuffled/corpus.jsonl
(cd shuffled && "$src/scripts/mapreduce" corpus.jsonl 3 -f json:../shuf.json)
shuf_rc=$?

[[ $check_rc == "$mr1_rc" && $check_rc == "$mr3_rc" && $check_rc == "$shuf_rc" ]] &&
    ok "exit status $check_rc from check and from map/reduce/merge (1 and 3 maps, shuffled)" ||
    bad "exit status: check $check_rc, mapreduce 1: $mr1_rc, 3: $mr3_rc, shuffled: $shuf_rc"

compare() { # compare WHAT A.json [B.json | RULE]
    python3 - "$@" <<'EOF'
import json, sys
what, a, b = sys.argv[1:4]
A = json.load(open(a))
def drop_location(x):
    """An input error's line and byte offset are those in the map task's slice."""
    if isinstance(x, dict):
        if "code" in x and "line" in x and "offset" in x:
            x = {k: v for k, v in x.items() if k not in ("line", "offset")}
        return {k: drop_location(v) for k, v in x.items()}
    if isinstance(x, list):
        return [drop_location(v) for v in x]
    return x
if what == "fires":
    n = sum(1 for f in A["findings"] if f["rule"] == b)
    print("  %d %s findings" % (n, b))
    sys.exit(0 if n else 1)
B = json.load(open(b))
def dumps(xs):
    return [json.dumps(x, sort_keys=True) for x in xs]
if what == "findings":
    fa, fb = sorted(dumps(A["findings"])), sorted(dumps(B["findings"]))
    if fa != fb:
        print("  only in", a, [f for f in fa if f not in fb][:3])
        print("  only in", b, [f for f in fb if f not in fa][:3])
        sys.exit(1)
elif what == "order":
    if [f["fingerprint"] for f in A["findings"]] != [f["fingerprint"] for f in B["findings"]]:
        sys.exit(1)
elif what == "articles":
    # check lists articles in input order, merge in id order: compare as sets
    xa = sorted(dumps(drop_location(A["articles"])))
    xb = sorted(dumps(drop_location(B["articles"])))
    if xa != xb:
        print("  only in", a, [x for x in xa if x not in xb])
        print("  only in", b, [x for x in xb if x not in xa])
        sys.exit(1)
elif what in ("summary", "rules", "errors"):
    if drop_location(A[what]) != drop_location(B[what]):
        print(" ", A[what]); print(" ", B[what]); sys.exit(1)
elif what == "same":
    if drop_location(A) != drop_location(B):
        sys.exit(1)
EOF
}

python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["summary"]["articles"]==int(sys.argv[2]) else 1)' check.json "$articles" &&
    ok "check saw all $articles input lines" || bad "check did not account for $articles lines"
compare fires check.json quote.attribution-conflict && ok "the corpus rule fires in check" ||
    bad "quote.attribution-conflict does not fire in check: the test proves nothing"
compare fires mr3.json quote.attribution-conflict && ok "the corpus rule fires in map/reduce" ||
    bad "quote.attribution-conflict does not fire in map/reduce"
for run in mr1 mr3 shuf; do
    compare findings check.json $run.json && ok "$run: findings equal check's (every field)" ||
        bad "$run: findings differ from check's"
    compare order check.json $run.json && ok "$run: findings in check's order" ||
        bad "$run: findings in another order"
    compare articles check.json $run.json && ok "$run: article records equal check's" ||
        bad "$run: article records differ"
    compare summary check.json $run.json && ok "$run: summary equal" || bad "$run: summary differs"
    compare rules check.json $run.json && ok "$run: rule health equal" || bad "$run: rule health differs"
    compare errors check.json $run.json && ok "$run: input and rule errors equal" ||
        bad "$run: errors differ"
done
# the same but for the skipped line's position within its map slice
compare same mr1.json mr3.json && ok "1 and 3 map processes give the same report" ||
    bad "1 and 3 map processes give different reports"
compare same mr3.json shuf.json && ok "shuffled input gives the same report" ||
    bad "shuffled input gives a different report"
diff <(grep -v '"line"\|"offset"' mr1.json) <(grep -v '"line"\|"offset"' shuf.json) >/dev/null &&
    ok "the reports differ in nothing but line and offset fields" ||
    bad "the reports differ in more than the input error's position"

# reduce refuses unsorted input; merge refuses unreduced facts
"$fl" map --path corpus.jsonl <corpus.jsonl >map.out
grep -q '^c:quote\.attribution-conflict:' map.out && ok "map writes kept corpus facts" ||
    bad "map wrote no c: lines for quote.attribution-conflict"
grep -c '^a:' map.out | grep -qx "$articles" && ok "map writes one a: line per input line" ||
    bad "map a: lines != $articles"
LC_ALL=C sort -r map.out | "$fl" reduce >/dev/null 2>err.txt
[[ $? == 2 ]] && grep -q "out of order" err.txt && ok "reduce rejects unsorted keys" ||
    bad "reduce accepted unsorted keys"
"$fl" merge -f json map.out >/dev/null 2>err.txt
[[ $? == 2 ]] && grep -q "reduce" err.txt && ok "merge rejects unreduced c: lines" ||
    bad "merge accepted c: lines"
# reduce is per key: splitting the sorted stream between two reducers at a key
# boundary and merging both outputs gives the same report
LC_ALL=C sort map.out >sorted.out
half=$(($(wc -l <sorted.out) / 2))
while [[ $half -gt 1 ]] && [[ "$(sed -n "${half}p" sorted.out | cut -f1)" == "$(sed -n "$((half + 1))p" sorted.out | cut -f1)" ]]; do
    half=$((half - 1))
done
head -n "$half" sorted.out | "$fl" reduce >part-0
tail -n +"$((half + 1))" sorted.out | "$fl" reduce >part-1
"$fl" merge -f json:two.json part-0 part-1
compare findings check.json two.json && compare articles check.json two.json &&
    ok "two reducers (split at line $half) give check's findings" || bad "two reducers differ"

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
