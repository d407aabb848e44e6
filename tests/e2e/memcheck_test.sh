#!/usr/bin/env bash
# Runs representative factlint invocations under valgrind memcheck and
# requires zero errors and zero definite/indirect leaks in each.
# usage: memcheck_test.sh FACTLINT SOURCE_DIR
set -u
FL=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
  --suppressions="$SRC/tests/lua/valgrind-pcre2-jit.supp" --log-file="$T/vg.log")

# memcheck NAME CMD...: the command may exit 0..3, never 99 (valgrind errors).
memcheck() {
  local name=$1
  shift
  "${VG[@]}" "$@" >"$T/out" 2>"$T/err"
  local status=$?
  if [ $status -le 3 ] && ! grep -q 'ERROR SUMMARY: [1-9]\|definitely lost\|indirectly lost\|Invalid' "$T/vg.log"; then
    pass=$((pass + 1))
    echo "ok   $name"
  else
    fail=$((fail + 1))
    echo "FAIL $name (exit $status)"
    sed 's/^/     | /' "$T/vg.log" | head -60
  fi
}

EX=$SRC/facts/examples
cd "$T"
mkdir bad
printf 'Price rose to \xff\xfe 40 pence.\n' >bad/badutf8.txt
printf 'abc\0def\n' >bad/nul.txt
: >bad/empty.txt
printf '{"id": "x", "text": 5}\nnot json\n{"id": "ok", "text": "The bank raised $40m."}\n' >bad/lines.jsonl
printf '<html><body><div><p>The council spent \xc2\xa35m.</p></body>\n' >bad/unclosed.html
ln -s . bad/loop

for fmt in text json sarif junit markdown html; do
  memcheck "check facts/examples -f $fmt" "$FL" check --no-config -j2 -f "$fmt:$T/report.$fmt" "$EX"
done
memcheck "extract facts/examples" "$FL" extract -q -j2 -o facts.jsonl "$EX"
memcheck "extract --facts round trip" "$FL" extract -q --facts facts.jsonl -o facts2.jsonl
memcheck "check --facts" "$FL" check --no-config -j2 -f json:facts-report.json --facts facts.jsonl
memcheck "rules" "$FL" rules --no-config
memcheck "test rules/" "$FL" test "$SRC/rules"
memcheck "check a bad-input directory" "$FL" check --no-config -j2 bad
memcheck "check --lossy a bad-input directory" "$FL" check --no-config -j1 --lossy bad
memcheck "check with hostile rules" "$FL" check --no-config --no-default-rules -j2 --rules "$SRC/tests/lua/hostile" "$EX/name-spelled-two-ways.md"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
