#!/usr/bin/env bash
# The hostile-input matrix (docs/robustness.md): every case runs factlint
# under `timeout` and an address-space limit (prlimit --as) and asserts a
# clear message or a correct finding.  Each line reports the wall time and
# the peak RSS; set ROBUSTNESS_RESULTS=FILE to get them as TSV as well.
# usage: robustness_test.sh FACTLINT SOURCE_DIR
set -u
FL=$1
SRC=$2
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
results=${ROBUSTNESS_RESULTS:-/dev/null}

# hostile NAME SECONDS MEMORY_MB CMD...: runs CMD bounded in time and address
# space; sets $status, $out, $err, $both, $secs, $rss_mb for the assertion.
hostile() {
  local name=$1 limit=$2 mem=$3
  shift 3
  case_name=$name
  /usr/bin/time -f '%e %M' -o "$T/time" \
    timeout -k 5 "$limit" prlimit --as=$((mem * 1024 * 1024)) -- "$@" >"$T/stdout" 2>"$T/stderr"
  status=$?
  read -r secs rss_kb <<<"$(tail -1 "$T/time")"
  rss_mb=$(((${rss_kb:-0} + 1023) / 1024))
  out=$(head -c 200000 "$T/stdout")
  err=$(head -c 20000 "$T/stderr")
  both="$out
$err" # the text report lists skipped inputs on standard output
}

# check ASSERTION: evaluates the assertion for the last hostile case.
check() {
  local verdict=ok
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    verdict=FAIL
    echo "     | timed out"
  elif [ "$status" -gt 128 ]; then
    verdict=FAIL
    echo "     | killed by signal $((status - 128))"
  elif ! (eval "$1") >"$T/why" 2>&1; then
    verdict=FAIL
  fi
  if [ $verdict = ok ]; then
    pass=$((pass + 1))
    printf 'ok   %s (%.2f s, %d MB)\n' "$case_name" "$secs" "$rss_mb"
  else
    fail=$((fail + 1))
    printf 'FAIL %s (%.2f s, %d MB, exit %d)\n' "$case_name" "$secs" "$rss_mb" "$status"
    sed 's/^/     | /' "$T/why" | head -10
    sed 's/^/     | stderr: /' "$T/stderr" | head -10
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$case_name" "$verdict" "$secs" "$rss_mb" "$status" >>"$results"
}

has() { grep -qF -- "$2" <<<"$1" || { echo "missing '$2'"; return 1; }; }
eq() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }; }
# facts_ok FILE ARTICLE: every line of FILE is strict JSON (no NaN/Infinity) and
# every fact's text is the article's bytes at its offset (for .txt inputs).
facts_ok() {
  "$PY" - "$1" "${2:-}" <<'EOF'
import json, sys
def bad(c):
    raise ValueError("non-finite number " + c)
src = open(sys.argv[2], "rb").read() if sys.argv[2] else None
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    f = json.loads(line, parse_constant=bad)
    if src is not None and f["kind"] != "quote":
        got = src[f["offset"]:f["offset"] + f["length"]].decode("utf-8")
        if got != f["text"]:
            sys.exit(f"line {n}: span {f['offset']}+{f['length']} is {got!r}, text is {f['text']!r}")
EOF
}
# checked REPORT: a JSON report that parses and counts one article checked.
checked() {
  "$PY" -c "import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d['summary']['articles_checked'] != 1)" "$1" ||
    { echo "$1: not a JSON report of one checked article"; return 1; }
}

CHECK=("$FL" check --no-config -j2)
EXTRACT=("$FL" extract -q -j2)
cd "$T"

# ---- the file system -----------------------------------------------------
mkdir -p loop/sub
ln -s .. loop/sub/up
ln -s ../sub loop/sub/self
echo 'The council said on Monday it would spend 5m on roads.' >loop/sub/a.txt
hostile "directory loop through symlinks" 20 1024 "${CHECK[@]}" loop
check 'eq $status 2 && has "$both" "symlink loop" && has "$both" "1 articles checked, 2 skipped"'

mkfifo fifo.txt
hostile "a FIFO as input" 10 1024 "${CHECK[@]}" fifo.txt
check 'eq $status 2 && has "$both" "not a regular file"'

hostile "/dev/zero as input" 10 1024 "${CHECK[@]}" /dev/zero
check 'eq $status 2 && has "$both" "not a regular file"'

truncate -s 1G sparse.txt
hostile "1 GB sparse file with --max-file-size 500M" 20 1024 "${CHECK[@]}" --max-file-size 500M sparse.txt
check 'eq $status 2 && has "$both" "larger than the limit"'

hostile "1 GB sparse file (NUL bytes), no size limit" 60 2048 "${CHECK[@]}" sparse.txt
check 'eq $status 2 && has "$both" "NUL byte) at byte 0"'

# ---- size ----------------------------------------------------------------
# 200 MB of articles in one JSONL file: memory must not grow with the corpus.
"$PY" - <<'EOF'
import json, random
random.seed(11)
orgs = ["Harbour Freight Ltd", "Brandt Steel", "Kestrel Energy plc", "Northgate Council"]
para = ('{org} said on Tuesday it would invest \u00a3{m}m in {s} new sites, creating {j} jobs. '
        '"We are confident," said chief executive Maria Okafor. Shares rose {p}% to {x} pence.')
with open("corpus200.jsonl", "w") as out:
    size, i = 0, 0
    while size < 200 * 2**20:
        i += 1
        text = "\n\n".join(para.format(org=random.choice(orgs), m=random.randint(1, 900),
                                       s=random.randint(2, 90), j=random.randint(10, 5000),
                                       p=random.randint(1, 30) / 10, x=random.randint(50, 900))
                           for _ in range(40))
        line = json.dumps({"id": f"a{i}", "date": "2021-03-02", "text": text}) + "\n"
        out.write(line)
        size += len(line.encode())
EOF
hostile "200 MB JSONL corpus (extract, streaming)" 900 1536 "${EXTRACT[@]}" -o facts200.jsonl corpus200.jsonl
check 'eq $status 0 && [ "$rss_mb" -lt 400 ] && [ "$(wc -l <facts200.jsonl)" -gt 1000000 ]'
rm -f corpus200.jsonl facts200.jsonl

# One 20 MB article: a single article is held whole; rules hit their limits.
"$PY" - <<'EOF'
import random
random.seed(7)
with open("big20.txt", "w") as out:
    size = 0
    while size < 20 * 2**20:
        p = ("Brandt Steel said on Tuesday it would invest \u00a3%dm in %d new sites. "
             "Shares rose %.1f%% to %d pence.\n\n" % (random.randint(1, 900), random.randint(2, 90),
                                                      random.randint(1, 30) / 10, random.randint(50, 900)))
        out.write(p)
        size += len(p.encode())
EOF
hostile "one 20 MB article (check, default rules)" 600 3072 "${CHECK[@]}" -f json:big20.json big20.txt
check '[ $status -le 3 ] && checked big20.json'
rm -f big20.txt big20.json

"$PY" -c "
with open('para1m.txt', 'w') as f:
    for i in range(1000000):
        f.write('Item %d: the fund rose 2%%.\n\n' % i)"
hostile "1 million paragraphs" 300 2048 "${EXTRACT[@]}" -o para1m.jsonl para1m.txt
check 'eq $status 0 && eq "$(grep -c "\"kind\":\"percent\"" para1m.jsonl)" 1000000 && eq "$(tail -1 para1m.jsonl | grep -o "\"paragraph\":[0-9]*")" "\"paragraph\":1000000"'
rm -f para1m.txt para1m.jsonl

"$PY" -c "
open('quote10m.txt', 'w').write('The minister said: \u201c' + 'we will build more homes and ' * 360000 + '\n')"
hostile "10 MB quote with no closing mark" 120 2048 "${CHECK[@]}" -f json:quote.json quote10m.txt
check '[ $status -le 3 ] && checked quote.json'
rm -f quote10m.txt quote.json

"$PY" -c "
open('nested.html', 'w').write('<html><body>' + '<div>' * 100000 +
    '<p>The council spent \u00a35m on roads.</p>' + '</div>' * 100000 + '</body></html>\n')"
hostile "100,000 nested <div> (HTML)" 60 2048 "${EXTRACT[@]}" nested.html
check 'if [ $status = 0 ]; then has "$out" "\"text\":\"£5m\""; else has "$both" "nesting"; fi'

# ---- numbers, dates, scripts ----------------------------------------------
printf 'The bank lost 1e999bn last year, it said on Monday.\n\nThe fund is worth \xc2\xa399999999999999999999, the report said.\n\nA loss of \xc2\xa31e999bn was ruled out.\n' >nums.txt
hostile "numbers 1e999bn and £99999999999999999999" 20 1024 "${EXTRACT[@]}" -o nums.jsonl nums.txt
check 'eq $status 0 && facts_ok nums.jsonl nums.txt && grep -q "\"value\":9.99999999999999[0-9]*e+19,\"currency\":\"GBP\"" nums.jsonl'

printf 'The contract was signed on 31 February 2015 in London.\n\nThe filing is dated 2015-13-45, the court said.\n' >dates.txt
hostile "dates 31 February 2015 and 2015-13-45" 20 1024 "${EXTRACT[@]}" -o dates.jsonl dates.txt
check 'eq $status 0 && facts_ok dates.jsonl dates.txt && eq "$(grep -c "\"kind\":\"date\"" dates.jsonl)" 0'

printf '\xd9\x82\xd8\xa7\xd9\x84\xd8\xaa \xd8\xa7\xd9\x84\xd8\xb4\xd8\xb1\xd9\x83\xd8\xa9 \xd8\xa5\xd9\x86\xd9\x87\xd8\xa7 \xd8\xb3\xd8\xaa\xd8\xb3\xd8\xaa\xd8\xab\xd9\x85\xd8\xb1 \xc2\xa35m \xd9\x81\xd9\x8a \xd8\xa7\xd9\x84\xd9\x85\xd8\xb5\xd9\x86\xd8\xb9.\n\n\xd7\x94\xd7\x97\xd7\x91\xd7\xa8\xd7\x94 \xd7\xaa\xd7\xa9\xd7\xa7\xd7\x99\xd7\xa2 \xc2\xa35m \xd7\x91\xd7\x9e\xd7\xa4\xd7\xa2\xd7\x9c.\n\nThe firm, known as \xe2\x80\xab\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\xe2\x80\xac, said it raised \xc2\xa35m.\n' >rtl.txt
hostile "Arabic and Hebrew with embedded £5m" 20 1024 "${EXTRACT[@]}" -o rtl.jsonl rtl.txt
check 'eq $status 0 && facts_ok rtl.jsonl rtl.txt && eq "$(grep -c "\"value\":5000000,\"currency\":\"GBP\"" rtl.jsonl)" 3'

printf 'BEIJING, 3 May 2021 - President Xi Jinping met the delegation.\n\nLater, Xi\xe2\x80\x8bJinping said the talks had gone well.\n\nMr Xi\xe2\x80\x8c Jinping spoke again.\n' >zw.txt
hostile "zero-width characters inside a name" 20 1024 "${EXTRACT[@]}" -o zw.jsonl zw.txt
check 'eq $status 0 && facts_ok zw.jsonl zw.txt && eq "$(grep -c "\"canonical\":\"Xi Jinping\"" zw.jsonl)" "$(grep -c "\"kind\":\"person\"" zw.jsonl)"'
hostile "zero-width name: no name.variant finding" 30 1024 "${CHECK[@]}" -f json zw.txt
check '[ $status -le 1 ] && "$PY" -c "import json, sys; d = json.loads(sys.argv[1]); sys.exit(any(f[\"rule\"] == \"name.variant\" for f in d[\"findings\"]))" "$out"'

# ---- JSONL -----------------------------------------------------------------
cat >bad.jsonl <<'EOF'
{"id": "dup", "text": "First: the council spent £5m.", "text": "Second: the council spent £7m."}
{"id": "num", "text": 12345}
{"id": {"nested": true}, "text": "The port handled 2 million containers."}
{"id": "date-type", "date": 20200101, "text": "The mill cut 300 jobs, it said."}
{"id": "good", "text": "The bank raised $40m."}
EOF
hostile "JSONL: duplicate keys and wrong types" 20 1024 "${EXTRACT[@]}" -o bad.facts.jsonl bad.jsonl
check 'eq $status 2 && has "$both" "bad.jsonl:1: invalid JSON: duplicate object key" && has "$both" "bad.jsonl:2: field '"'"'text'"'"' must be a string" && has "$both" "bad.jsonl:3: field '"'"'id'"'"'" && has "$both" "bad.jsonl:4:" && has "$(cat bad.facts.jsonl)" "\"article\":\"good\"" && ! has "$(cat bad.facts.jsonl)" "£7m"'

"$PY" -c "
import json
with open('longline.jsonl', 'w') as f:
    f.write(json.dumps({'id': 'before', 'text': 'The mill cut 300 jobs.'}) + '\n')
    f.write(json.dumps({'id': 'huge', 'text': 'The port handled more containers. ' * 3100000}) + '\n')
    f.write(json.dumps({'id': 'after', 'text': 'The bank raised \$40m.'}) + '\n')"
hostile "JSONL: a 100 MB line, --max-file-size 50M" 60 2048 "${EXTRACT[@]}" --max-file-size 50M -o long.facts.jsonl longline.jsonl
check 'eq $status 2 && has "$both" "longline.jsonl:2" && has "$(cat long.facts.jsonl)" "\"article\":\"after\""'
hostile "JSONL: a 100 MB line, no limit" 300 4096 "${EXTRACT[@]}" -o long.facts.jsonl longline.jsonl
check 'eq $status 0 && has "$(cat long.facts.jsonl)" "\"article\":\"after\"" && has "$(cat long.facts.jsonl)" "\"article\":\"before\""'
rm -f longline.jsonl long.facts.jsonl

# a full temporary directory (here a file size limit: EFBIG where the disk
# would give ENOSPC): the entries and findings that check keeps in its
# temporary files cannot be written, so it stops with a message naming the
# directory and writes no report rather than an incomplete one
"$PY" -c "
import json
with open('many.jsonl', 'w') as f:
    for i in range(3000):
        f.write(json.dumps({'id': 'wire-%05d' % i, 'title': 'Harbour berths %d' % i,
                            'text': 'The harbour board approved %d new berths, it said.' % i}) + '\n')"
hostile "check: temporary directory full" 60 2048 bash -c 'trap "" XFSZ; ulimit -f 64; exec "$@"' sh \
  env TMPDIR="$T" "${CHECK[@]}" -q -f json:full.json --fail-on never many.jsonl
check 'eq $status 2 && has "$err" "temporary file in '"'"'$T'"'"' (TMPDIR)" && [ ! -e full.json ]'
rm -f many.jsonl full.json

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
