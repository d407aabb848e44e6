#!/usr/bin/env bash
# End-to-end tests of the factlint command line: usage errors, the bad-input
# matrix, determinism across -j, and the facts round trip.
# usage: cli_test.sh FACTLINT SOURCE_DIR
set -u
FL=$1
SRC=$2
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { # ok NAME COMMAND... : the command must succeed
  local name=$1
  shift
  if "$@" >"$T/out.log" 2>&1; then
    pass=$((pass + 1))
    echo "ok   $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name"
    sed 's/^/     | /' "$T/out.log" | head -20
  fi
}

run() { # run CMD...: sets $status, $out (stdout), $err (stderr)
  "$@" >"$T/stdout" 2>"$T/stderr"
  status=$?
  out=$(cat "$T/stdout")
  err=$(cat "$T/stderr")
}

has() { grep -qF -- "$2" <<<"$1"; }
eq() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }; }
jq_py() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

CHECK=("$FL" check --no-config --no-default-rules -q)

# ---- usage -----------------------------------------------------------------
run "$FL" --version
ok "--version" eval 'eq $status 0 && has "$out" "factlint 0." && has "$out" "Lua 5.4" && has "$out" "PCRE2"'
run "$FL" --help
ok "--help lists the subcommands" eval 'eq $status 0 && has "$out" check && has "$out" extract && has "$out" rules && has "$out" test'
for c in check extract rules test; do
  run "$FL" $c --help
  ok "$c --help" eval 'eq $status 0 && has "$out" "usage: factlint $c"'
done
run "$FL" frobnicate
ok "unknown command exits 2 with a hint" eval 'eq $status 2 && has "$err" "unknown command '"'"'frobnicate'"'"'" && has "$err" "hint:"'
run "$FL"
ok "no command exits 2" eval 'eq $status 2'
run "$FL" check
ok "check without input exits 2" eval 'eq $status 2 && has "$err" "no input"'
run "$FL" check --fail-on sometimes x
ok "bad --fail-on exits 2" eval 'eq $status 2 && has "$err" "--fail-on"'
run "$FL" check --bogus x
ok "unknown option exits 2" eval 'eq $status 2 && has "$err" "unknown option '"'"'--bogus'"'"'" && has "$err" "hint:"'
run "$FL" check -f yaml x
ok "unknown format exits 2" eval 'eq $status 2 && has "$err" "unknown format '"'"'yaml'"'"'"'
run "$FL" check --date 2015-02-30 x
ok "bad --date exits 2" eval 'eq $status 2 && has "$err" "YYYY-MM-DD"'
run "$FL" extract -j 0 x
ok "bad --jobs exits 2" eval 'eq $status 2'

# ---- bad input: one bad article never stops the others ---------------------
mkdir -p "$T/in"
printf 'Harbour plan\n\nThe council approved the plan on Monday, said Mayor Ines Kart.\n' >"$T/in/a-good.txt"
: >"$T/in/b-empty.txt"
printf 'abc\0def\n' >"$T/in/c-binary.txt"
printf 'Price rose to \xff\xfe 40 pence.\n' >"$T/in/d-badutf8.txt"
printf '\xef\xbb\xbfBOM headline\n\nThe port handled 700m tonnes in 2016.\n' >"$T/in/e-bom.txt"
printf 'CRLF headline\r\n\r\nFirst paragraph.\r\n\r\nThe port handled 700m tonnes.\r\n' >"$T/in/f-crlf.txt"
printf 'CR headline\r\rFirst paragraph.\r\rThe port handled 700m tonnes.\r' >"$T/in/g-cr.txt"
printf '# About these files\n\nNot an article: "a quote" 40m.\n' >"$T/in/README.md"
cat >"$T/in/h-wire.jsonl" <<'JSONL'
{"id": "w1", "title": "Copper", "date": "1987-03-02", "text": "Copper output rose 4 pct to 300,000 tonnes."}
{"id": "w2", "title": broken json
{"id": "w3", "title": "Tin", "date": "1987-03-03", "text": "Tin stocks fell by 1,200 tonnes."}
{"id": "w4", "text": 42}
JSONL

run "${CHECK[@]}" -f json:"$T/r.json" "$T/in" "$T/missing.txt"
ok "bad inputs exit 2" eval 'eq $status 2'
ok "report accounts for every input" eval '
  eq "$(jq_py "$T/r.json" "len(d[\"articles\"])")" 12 &&
  eq "$(jq_py "$T/r.json" "sum(1 for a in d[\"articles\"] if a[\"status\"] == \"skipped\")")" 6'
msgs=$(jq_py "$T/r.json" "'\n'.join((a.get('path') or '')+' '+json.dumps(a.get('error')) for a in d['articles'] if a['status'] == 'skipped')")
ok "empty file named" has "$msgs" "b-empty.txt"
ok "binary file names the byte" eval 'has "$msgs" "c-binary.txt" && has "$msgs" "NUL"'
ok "invalid UTF-8 names file and byte offset" eval 'has "$msgs" "d-badutf8.txt" && has "$msgs" "byte 14"'
ok "malformed JSONL line names file and line" eval 'has "$msgs" "h-wire.jsonl" && grep -q "\"line\": 2" <<<"$msgs"'
ok "JSONL line with a non-string text is skipped" eval 'grep -q "\"line\": 4" <<<"$msgs"'
ok "missing path is reported" eval 'has "$msgs" "missing.txt" && has "$msgs" "cannot open"'
ok "good JSONL lines around a bad one are read" eval '
  eq "$(jq_py "$T/r.json" "sorted(a[\"id\"] for a in d[\"articles\"] if a[\"status\"] != \"skipped\" and a[\"id\"] in (\"w1\",\"w3\"))")" "['"'"'w1'"'"', '"'"'w3'"'"']"'

run "$FL" extract -q --lossy "$T/in/d-badutf8.txt"
ok "--lossy reads invalid UTF-8" eval 'eq $status 0 && has "$out" "pence"'

run "$FL" extract -q "$T/in/e-bom.txt" "$T/in/f-crlf.txt" "$T/in/g-cr.txt"
ok "BOM, CRLF and CR: true line numbers" eval '
  eq $status 0 &&
  [ "$(grep -c "\"text\":\"700m tonnes\",\"offset\":[0-9]*,\"length\":11,\"line\":5" <<<"$out")" = 2 ] &&
  grep -q "e-bom.txt.*\"text\":\"700m tonnes\".*\"line\":3,\"column\":18" <<<"$out"'

# a Markdown heading in a CR-only file (a crash libFuzzer found: the heading's
# end was looked for as "\n" only)
printf '# Harbour plan\rapproved\r\rThe council met on Monday.\r' >"$T/cr-heading.md"
run "${CHECK[@]}" -f json:"$T/cr.json" "$T/cr-heading.md"
ok "Markdown heading with CR line endings" eval 'eq $status 0 && eq "$(jq_py "$T/cr.json" "d[\"articles\"][0][\"title\"]")" "Harbour plan"'

# a 50 MB single line
"$PY" - "$T/big.txt" <<'PYEOF'
import sys
filler = "the committee heard evidence from residents about the plans for the harbour " * 12
chunk = filler + "The fund paid out \u00a31.5m, said Ana Ruiz. "
with open(sys.argv[1], "w", encoding="utf-8") as f:
    n = 0
    while n < 50 * 1024 * 1024:
        f.write(chunk)
        n += len(chunk.encode())
PYEOF
run "$FL" extract -q -j2 -o "$T/big.facts" "$T/big.txt"
ok "a 50 MB single line is read" eval 'eq $status 0 && [ "$(grep -c "\"kind\":\"money\"" "$T/big.facts")" -gt 50000 ]'

# SIGINT and SIGTERM stop cleanly and leave no partial output file
"$PY" - "$T/many.jsonl" <<'PYEOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        text = ("The council approved a \u00a3%d.5m plan on Monday, said Mayor Ines Kart. "
                "\"We will build it,\" she said. Work starts in March 2016.\n\n" % (i % 90)) * 4
        f.write(json.dumps({"id": "m%05d" % i, "date": "2015-10-21", "text": text}) + "\n")
PYEOF
# (the big file twenty times over: a lower-case filler line is now extracted
# at well over 100 MB/s, and three copies were done within the second)
bigs=()
for i in $(seq 20); do bigs+=("$T/big.txt"); done
for sig in INT TERM; do
  rm -f "$T/int.facts" "$T/int.json"
  "$FL" extract -q -j2 -o "$T/int.facts" "${bigs[@]}" &
  pid=$!
  sleep 1
  kill -$sig $pid
  wait $pid
  s1=$?
  "$FL" check -q --no-config -j2 -f json:"$T/int.json" "$T/many.jsonl" "$T/many.jsonl" &
  pid=$!
  sleep 1
  kill -$sig $pid
  wait $pid
  s2=$?
  ok "SIG$sig: exit 130, no output file" eval 'eq $s1 130 && eq $s2 130 && [ ! -e "$T/int.facts" ] && [ ! -e "$T/int.json" ] && [ -z "$(ls "$T" | grep -E "int\.(facts|json)\.")" ]'
done

# ---- start-up ------------------------------------------------------------------
# libxml2 (and the ICU, libstdc++, zlib and liblzma it pulls in) is opened when
# the first HTML page is read, not at every start (engine/ingest/html.c)
ok "factlint does not link libxml2 (loaded for HTML input only)" eval '[ -n "$(readelf -d "$FL" | grep NEEDED)" ] && ! readelf -d "$FL" | grep -q "NEEDED.*libxml2"'
printf '<html><head><title>Lazy load</title></head><body><p>The council said "we will build it," on Monday.</p></body></html>' >"$T/lazy.html"
run "$FL" extract -q -j2 "$T/lazy.html" "$T/lazy.html"
ok "HTML pages read after the lazy load of libxml2" eval 'eq $status 0 && has "$out" "we will build it" && eq "$(grep -c "\"kind\":\"quote\"" <<<"$out")" 2'

# a binary without its data still extracts, but says its facts are not a full install's
mkdir -p "$T/nodata"
run env FACTLINT_DATA_DIR="$T/nodata" "$FL" extract -q -j1 "$SRC/facts/examples"
ok "no gazetteer: a warning naming its path, even with -q" eval 'eq $status 0 && has "$err" "warning: no gazetteer at '"'"'$T/nodata/gazetteer.tsv'"'"'" && [ -n "$out" ]'
run "$FL" extract -q -j1 "$SRC/facts/examples"
ok "with the gazetteer: no warning" eval 'eq $status 0 && [ -z "$err" ]'

# ---- determinism and the facts round trip ------------------------------------
EX="$SRC/facts/examples"
run "$FL" extract -q -j1 -o "$T/x1.jsonl" "$EX"
s1=$status
run "$FL" extract -q -j4 -o "$T/x4.jsonl" "$EX"
ok "extract -j1 and -j4 write the same bytes" eval 'eq $s1 0 && eq $status 0 && cmp "$T/x1.jsonl" "$T/x4.jsonl" && [ -s "$T/x1.jsonl" ]'
run "$FL" extract -q -j1 --fsync -o "$T/xs.jsonl" "$EX"
ok "extract --fsync writes the same bytes" eval 'eq $status 0 && cmp "$T/x1.jsonl" "$T/xs.jsonl"'
# -o into what is not a plain file: written through, never renamed over
run "$FL" extract -q -j1 -o /dev/null "$EX"
ok "extract -o /dev/null leaves /dev/null a device" eval 'eq $status 0 && [ -c /dev/null ] && ! ls /dev/null.tmp.* 2>/dev/null'
printf 'before\n' >"$T/app.jsonl"
"$FL" extract -q -j1 -o /dev/stdout "$EX" >>"$T/app.jsonl"
ok "extract -o /dev/stdout appends to a >> redirection" eval '{ printf "before\n"; cat "$T/x1.jsonl"; } | cmp - "$T/app.jsonl"'
mkfifo "$T/fifo"
timeout 60 cat "$T/fifo" >"$T/fromfifo" &
run "$FL" extract -q -j1 -o "$T/fifo" "$EX"
wait
ok "extract -o FIFO writes into the pipe" eval 'eq $status 0 && [ -p "$T/fifo" ] && cmp "$T/x1.jsonl" "$T/fromfifo"'
mkdir "$T/real"
printf 'old\n' >"$T/real/target.jsonl"
chmod 600 "$T/real/target.jsonl"
ln -s real/target.jsonl "$T/link.jsonl"
run "$FL" extract -q -j1 -o "$T/link.jsonl" "$EX"
ok "extract -o SYMLINK replaces its target and keeps the link and the mode" eval '
  eq $status 0 && [ -L "$T/link.jsonl" ] && cmp "$T/x1.jsonl" "$T/real/target.jsonl" &&
  eq "$(stat -c %a "$T/real/target.jsonl")" 600 && eq "$(ls "$T/real")" target.jsonl'
run "$FL" extract -q --facts "$T/x1.jsonl" -o "$T/x1-again.jsonl"
ok "extract -> load -> extract gives identical facts" eval 'eq $status 0 && cmp "$T/x1.jsonl" "$T/x1-again.jsonl"'
printf '{"article":"z","kind":"money","text":"x","offset":0,"length":1}\nnot json\n' >"$T/badfacts.jsonl"
run "$FL" extract -q --facts "$T/badfacts.jsonl"
ok "a bad facts line names file and line" eval 'eq $status 2 && has "$err" "badfacts.jsonl:2:"'

for fmt in text json; do
  run "$FL" check --no-config -q -j1 -f "$fmt:$T/c1.$fmt" "$EX"
  s1=$status
  run "$FL" check --no-config -q -j4 -f "$fmt:$T/c4.$fmt" "$EX"
  ok "check -j1 and -j4: identical $fmt report" eval 'eq $s1 $status && cmp "$T/c1.$fmt" "$T/c4.$fmt"'
  "$FL" check --no-config -q -j1 -f "$fmt:/dev/stdout" "$EX" >"$T/cso.$fmt"
  ok "check -f $fmt:/dev/stdout: the same report on standard output" cmp "$T/c1.$fmt" "$T/cso.$fmt"
  run "$FL" check --no-config -q -j1 --fsync -f "$fmt:$T/cs.$fmt" "$EX"
  ok "check --fsync: the same $fmt report" eval 'eq $s1 $status && cmp "$T/c1.$fmt" "$T/cs.$fmt"'
done

# ---- rule selection ------------------------------------------------------------
run "$FL" check --no-config -q -f json:"$T/only.json" --disable all --enable quote.duplicate "$EX"
ok "--disable all --enable ID runs only that rule" eval '
  [ "$(jq_py "$T/only.json" "sorted(set(f[\"rule\"] for f in d[\"findings\"]))")" = "['"'"'quote.duplicate'"'"']" ]'
run "$FL" check --no-config -q --disable no.such.rule "$EX"
ok "an unknown rule id is a usage error" eval 'eq $status 2 && has "$err" "unknown rule or tag '"'"'no.such.rule'"'"'"'

# ---- corpus rules on big key groups ----------------------------------------------
# one workforce figure in 3,000 articles, the last ten giving another: the
# key's figures are compared article by article within the instruction
# budget (comparing every pair ran out of it, a rule error), one finding for
# each of the ten
"$PY" -c '
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        n = "1,900" if i >= 2990 else "1,200"
        f.write(json.dumps({"id": "w%04d" % i, "date": "2019-05-%02d" % (1 + i % 28),
                            "text": "Brennick Foods employs %s people at its bakery in Leeds." % n}) + "\n")
' "$T/workforce.jsonl"
run "$FL" check --no-config -q -j2 --disable all --enable figure.conflict-corpus -f "json:$T/workforce.json" "$T/workforce.jsonl"
ok "a figure in 3,000 articles: checked, one finding for each conflicting article" eval '
  eq $status 1 && eq "$(jq_py "$T/workforce.json" "len(d[\"errors\"])")" 0 &&
  eq "$(jq_py "$T/workforce.json" "sorted(set(f[\"article\"] for f in d[\"findings\"]))==[\"w%04d\" % i for i in range(2990, 3000)]")" True'

# ---- --timing: each enabled rule's calls and CPU time, on standard error --------
run "$FL" check --no-config -q -j2 --timing --disable all --enable quote.duplicate --enable money.no-currency -f "json:$T/timed.json" "$EX"
ok "--timing prints a row per enabled rule and a total" eval '
  has "$err" "us per call" && has "$err" "(all rules)" &&
  grep -qE "^quote\.duplicate +[1-9][0-9]* +[0-9]+\.[0-9]" <<<"$err" &&
  grep -qE "^money\.no-currency +[1-9][0-9]* " <<<"$err" && ! has "$err" "figure.conflict"'
run "$FL" check --no-config -q -j2 --disable all --enable quote.duplicate --enable money.no-currency -f "json:$T/untimed.json" "$EX"
ok "--timing leaves the report as it is" eval 'eq "$err" "" && cmp "$T/timed.json" "$T/untimed.json"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
