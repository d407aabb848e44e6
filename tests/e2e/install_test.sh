#!/usr/bin/env bash
# cmake --install puts factlint, the default rules, the reference facts and the
# gazetteer under a prefix; the installed binary finds them there, also after
# the whole prefix is moved, and the build-tree binary finds the source tree's.
# usage: install_test.sh BUILD_DIR SOURCE_DIR
set -u
B=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() {
  if eval "$2"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
cmake --install "$B" --prefix "$T/prefix" >/dev/null 2>&1
ok "installed: binary, rules, reference, gazetteer" \
  '[ -x "$T/prefix/bin/factlint" ] && ls "$T/prefix/share/factlint/rules/"*.lua >/dev/null && [ -f "$T/prefix/share/factlint/reference/exchange-rates.json" ] && [ -f "$T/prefix/share/factlint/gazetteer.tsv" ]'
mv "$T/prefix" "$T/moved"
n_build=$("$B/factlint" rules --no-config | wc -l)
n_inst=$(cd "$T" && "$T/moved/bin/factlint" rules --no-config | wc -l)
ok "the moved install lists the same rules as the build tree ($n_build)" '[ "$n_build" -gt 0 ] && [ "$n_build" = "$n_inst" ]'
out=$(cd "$T" && "$T/moved/bin/factlint" check --no-config -q "$SRC/facts/examples/yuan-total-below-pound-deal.md")
ok "the moved install converts with its reference rates" 'grep -q "money.currency-conflict" <<<"$out"'
places=$(cd "$T" && "$T/moved/bin/factlint" extract -q "$SRC/facts/examples/yuan-total-below-pound-deal.md" | grep -c "\"kind\":\"place\"")
ok "the moved install reads its gazetteer" '[ "$places" -gt 0 ]'
rm -rf "$T/moved/share/factlint"
out=$(cd "$T" && FACTLINT_DATA_DIR="$B/nowhere" "$T/moved/bin/factlint" rules --no-config 2>&1)
ok "a missing rules directory is an error, not an empty suite" '[ -n "$out" ] && ! grep -q "^quote.duplicate" <<<"$out"'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
