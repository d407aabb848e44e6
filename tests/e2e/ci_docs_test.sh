#!/usr/bin/env bash
# ci_docs_test.sh FACTLINT SOURCE_DIR [SCHEMA_DIR]
#
# Tries the CI integrations of docs/ci.md on this repository's own example
# articles (facts/examples) and checks what the page promises:
#
#   - the 'factlint check' commands are read out of docs/examples/*.yml and
#     *.yaml with grep/sed and run exactly as written (with FACTLINT first on
#     PATH), so the examples and this test cannot drift apart;
#   - the SARIF they write validates against the SARIF 2.1.0 schema and the
#     JUnit XML against junit.xsd (SCHEMA_DIR, default SOURCE_DIR/../shared/schemas);
#   - exit status 0/1/2/3, --fail-on, baselines (fingerprints survive lines
#     moving), and <!-- factlint-disable rule.id --> behave as documented;
#   - the build commands in the examples name real Debian 12 packages and a
#     CMake option that exists.
#
# Everything runs in a temporary directory; facts/ is reached through a
# symlink so report paths read facts/examples/... as they do in CI.
# Ends with "N passed, N failed"; exit status 1 when a check failed.
set -u

if [ $# -lt 2 ]; then
    echo "usage: ci_docs_test.sh FACTLINT SOURCE_DIR [SCHEMA_DIR]" >&2
    exit 2
fi
factlint=$(realpath "$1")
src=$(realpath "$2")
schemas=${3:-$src/../shared/schemas}
examples=$src/docs/examples
gha=$examples/github-actions.yml
gitlab=$examples/gitlab-ci.yml
hooks=$examples/pre-commit-hooks.yaml

pass=0
fail=0
ok() {
    pass=$((pass + 1))
    echo "ok   $1"
}
bad() {
    fail=$((fail + 1))
    echo "FAIL $1"
    [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /' | head -20
    return 0
}
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local what=$1
    shift
    local out
    if out=$("$@" 2>&1); then ok "$what"; else bad "$what" "$out"; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/fl-ci-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/repo"
ln -s "$factlint" "$work/bin/factlint"
ln -s "$src/facts" "$work/repo/facts"
export PATH="$work/bin:$PATH"
cd "$work/repo" || exit 1

status_of() { # status_of CMD...: runs it quietly, prints the exit status
    "$@" >"$work/last.out" 2>"$work/last.err"
    echo $?
}
expect() { # expect STATUS DESCRIPTION CMD...
    local want=$1 what=$2
    shift 2
    local got
    got=$(status_of "$@")
    if [ "$got" = "$want" ]; then
        ok "$what: exit $want"
    else
        bad "$what: exit $got, want $want" "$(tail -5 "$work/last.err")"
    fi
}

# The shell commands of a CI file that run factlint check (comments left out).
commands_in() {
    grep -v '^[[:space:]]*#' "$1" | sed -n 's/^.*\(factlint check .*\)$/\1/p'
}
# A key's value in the hook file ("entry: ..." -> "...").
hook_value() {
    sed -n "s/^[[:space:]]*-\{0,1\}[[:space:]]*$1:[[:space:]]*//p" "$hooks" | head -1
}

for f in "$gha" "$gitlab" "$hooks"; do
    if [ ! -f "$f" ]; then
        bad "example file exists: $f"
    fi
done
if [ ! -f "$schemas/sarif-schema-2.1.0.json" ] || [ ! -f "$schemas/junit.xsd" ]; then
    bad "schemas found in $schemas (sarif-schema-2.1.0.json, junit.xsd)"
fi
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    bad "python3-jsonschema is installed (apt-get install python3-jsonschema)"
fi
if ! command -v xmllint >/dev/null; then
    bad "xmllint is installed (apt-get install libxml2-utils)"
fi

# A JSON report of the same inputs, to compare the CI reports with.
factlint check -q -f json:reference.json facts/examples >/dev/null 2>&1
json_count() { # json_count PYTHON-EXPR over the report `d`
    /usr/bin/python3 -c "import json,sys; d=json.load(open('reference.json')); print($1)"
}
n_findings=$(json_count "len([f for f in d['findings'] if not f['suppressed']])")
n_errors=$(json_count "d['summary']['errors']")
if [ "${n_findings:-0}" -gt 0 ] && [ "${n_errors:-0}" -gt 0 ]; then
    ok "facts/examples has findings ($n_findings, $n_errors errors) for the CI runs to report"
else
    bad "facts/examples has findings with errors" "findings=$n_findings errors=$n_errors"
fi

# --- GitHub Actions ----------------------------------------------------------
mapfile -t cmds < <(commands_in "$gha")
if [ "${#cmds[@]}" = 1 ] && [[ ${cmds[0]} == *"-f sarif:factlint.sarif"* ]] &&
    [[ ${cmds[0]} == *"facts/examples"* ]]; then
    ok "github-actions.yml has one check command: ${cmds[0]}"
    rm -f factlint.sarif
    got=$(status_of sh -c "${cmds[0]}")
    if [ "$got" = 1 ]; then
        ok "github-actions.yml: the check fails the job on facts/examples: exit 1"
    else
        bad "github-actions.yml: exit $got, want 1 (error findings)" "$(tail -5 "$work/last.err")"
    fi
    if tail -1 "$work/last.out" | grep -q '^[0-9][0-9]* articles checked'; then
        ok "github-actions.yml: the job log ends with the summary line"
    else
        bad "github-actions.yml: the job log ends with the summary line" "$(tail -2 "$work/last.out")"
    fi
    check "github-actions.yml: factlint.sarif validates against the SARIF 2.1.0 schema" \
        /usr/bin/python3 "$src/tests/report/validate_sarif.py" \
        "$schemas/sarif-schema-2.1.0.json" factlint.sarif
    n=$(/usr/bin/python3 -c "import json; print(len(json.load(open('factlint.sarif'))['runs'][0]['results']))" 2>&1)
    if [ "$n" = "$n_findings" ]; then
        ok "github-actions.yml: the SARIF holds every finding ($n)"
    else
        bad "github-actions.yml: the SARIF holds $n results, the JSON $n_findings findings"
    fi
else
    bad "github-actions.yml has one 'factlint check -f sarif:factlint.sarif ... facts/examples'" \
        "$(printf '%s\n' "${cmds[@]}")"
fi
if grep -q 'uses: github/codeql-action/upload-sarif@' "$gha" &&
    grep -q 'sarif_file: factlint.sarif' "$gha" && grep -q 'security-events: write' "$gha"; then
    ok "github-actions.yml uploads factlint.sarif with upload-sarif (security-events: write)"
else
    bad "github-actions.yml uploads factlint.sarif with upload-sarif (security-events: write)"
fi
if grep -q 'if: success() || failure()' "$gha"; then
    ok "github-actions.yml uploads the SARIF when the check step fails too"
else
    bad "github-actions.yml uploads the SARIF when the check step fails too"
fi

# --- GitLab CI ---------------------------------------------------------------
mapfile -t cmds < <(commands_in "$gitlab")
if [ "${#cmds[@]}" = 1 ] && [[ ${cmds[0]} == *"-f junit:factlint.xml"* ]] &&
    [[ ${cmds[0]} == *"facts/examples"* ]]; then
    ok "gitlab-ci.yml has one check command: ${cmds[0]}"
    rm -f factlint.xml
    got=$(status_of sh -c "${cmds[0]}")
    if [ "$got" = 1 ]; then
        ok "gitlab-ci.yml: the check fails the job on facts/examples: exit 1"
    else
        bad "gitlab-ci.yml: exit $got, want 1 (error findings)" "$(tail -5 "$work/last.err")"
    fi
    check "gitlab-ci.yml: factlint.xml validates against junit.xsd" \
        xmllint --noout --schema "$schemas/junit.xsd" factlint.xml
    failures=$(xmllint --xpath 'sum(//testsuite/@failures)' factlint.xml 2>&1)
    if [ "${failures%%.*}" -gt 0 ] 2>/dev/null; then
        ok "gitlab-ci.yml: the JUnit report has failing cases ($failures)"
    else
        bad "gitlab-ci.yml: the JUnit report has failing cases" "$failures"
    fi
else
    bad "gitlab-ci.yml has one 'factlint check -f junit:factlint.xml ... facts/examples'" \
        "$(printf '%s\n' "${cmds[@]}")"
fi
if grep -q 'junit: factlint.xml' "$gitlab" && grep -q 'when: always' "$gitlab"; then
    ok "gitlab-ci.yml publishes factlint.xml as a JUnit report, also on failure"
else
    bad "gitlab-ci.yml publishes factlint.xml as a JUnit report, also on failure"
fi

# --- pre-commit --------------------------------------------------------------
entry=$(hook_value entry)
files_re=$(hook_value files)
if [ "$entry" = "factlint check --fail-on warning" ] && [ "$(hook_value language)" = system ] &&
    [ -n "$files_re" ]; then
    ok "pre-commit-hooks.yaml: entry '$entry', language system, files '$files_re'"
    # pre-commit passes the matching files as arguments (re.search on the path).
    mapfile -t all < <(find facts/examples/ -type f | LC_ALL=C sort | grep -E "$files_re")
    mapfile -t clean < <(printf '%s\n' "${all[@]}" | grep -E '/clean-|/promoted-links-')
    if [ "${#all[@]}" -ge 10 ] && [ "${#clean[@]}" -ge 3 ] &&
        ! find facts/examples/ -type f | grep -E "$files_re" | grep -qv -E '\.(md|txt|html|jsonl)$'; then
        ok "pre-commit-hooks.yaml: 'files' picks the ${#all[@]} article files"
    else
        bad "pre-commit-hooks.yaml: 'files' picks the article files" "${all[*]}"
    fi
    # shellcheck disable=SC2086 # the entry is split into words, as pre-commit does
    expect 1 "pre-commit hook on every example article" $entry "${all[@]}"
    # shellcheck disable=SC2086
    expect 0 "pre-commit hook on the clean articles only" $entry "${clean[@]}"
    # shellcheck disable=SC2086
    expect 1 "pre-commit hook blocks a commit with warnings only (word-spelled-two-ways.md)" \
        $entry facts/examples/word-spelled-two-ways.md
    expect 0 "the same file without --fail-on warning (errors only)" \
        factlint check facts/examples/word-spelled-two-ways.md
else
    bad "pre-commit-hooks.yaml: entry 'factlint check --fail-on warning', language system, files" \
        "entry='$entry' files='$files_re'"
fi
if grep -q '^[[:space:]]*require_serial: true' "$hooks"; then
    ok "pre-commit-hooks.yaml keeps all files in one run (require_serial)"
else
    bad "pre-commit-hooks.yaml keeps all files in one run (require_serial)"
fi

# --- exit status (docs/ci.md, "Exit status") -----------------------------------
mkdir -p rules
printf 'return {\n  id = "broken.rule",\n  severity = "warning",\n  check = function(a, r)\n' >rules/broken.lua
printf '    local t = nil\n    return t.x\n  end,\n}\n' >>rules/broken.lua
expect 0 "a clean article" factlint check facts/examples/clean-council-budget.md
expect 1 "error findings (default --fail-on error)" factlint check facts/examples
expect 0 "--fail-on never" factlint check --fail-on never facts/examples
expect 1 "--fail-on warning on warnings only" \
    factlint check --fail-on warning facts/examples/word-spelled-two-ways.md
expect 2 "an unknown option (usage error)" factlint check --no-such-option facts/examples
expect 2 "an input that cannot be read" factlint check facts/examples/no-such-article.md
expect 1 "findings win over an unreadable input" \
    factlint check facts/examples facts/examples/no-such-article.md
expect 3 "a rule error" factlint check --rules rules/broken.lua facts/examples/clean-council-budget.md
expect 3 "a rule error wins over findings" factlint check --rules rules/broken.lua facts/examples
expect 3 "a rule error is not turned off by --fail-on never" \
    factlint check --fail-on never --rules rules/broken.lua facts/examples

# --- baselines ---------------------------------------------------------------
expect 0 "--write-baseline with --fail-on never" \
    factlint check --fail-on never --write-baseline baseline.json facts/examples
if /usr/bin/python3 -c "
import json,sys
b=json.load(open('baseline.json'))
sys.exit(0 if b['version']==1 and len(b['findings'])==$n_findings and all(len(f['fingerprint'])==16 for f in b['findings']) else 1)" 2>/dev/null; then
    ok "the baseline lists every finding with a fingerprint ($n_findings)"
else
    bad "the baseline lists every finding with a fingerprint" "$(head -c 400 baseline.json)"
fi
expect 0 "every finding accepted by the baseline, even with --fail-on info" \
    factlint check --baseline baseline.json --fail-on info facts/examples

expect 0 "--baseline and --write-baseline in the same run" \
    factlint check --baseline baseline.json --write-baseline baseline2.json --fail-on info \
    facts/examples
if cmp -s baseline.json baseline2.json; then
    ok "the rewritten baseline is the same file when nothing changed"
else
    bad "the rewritten baseline is the same file when nothing changed"
fi
printf '{"version": 1, "findings": [\n{"fingerprint": }\n' >broken-baseline.json
expect 2 "a malformed baseline" factlint check --baseline broken-baseline.json facts/examples
if grep -q "broken-baseline.json:2" "$work/last.err"; then
    ok "the malformed baseline's message names the file and line"
else
    bad "the malformed baseline's message names the file and line" "$(cat "$work/last.err")"
fi

mkdir -p news
cp facts/examples/quote-printed-twice.md news/
factlint check -q --fail-on never --write-baseline news.json -f json:before.json news >/dev/null 2>&1
# A new paragraph after the front matter moves every line below it.
awk '{ print } /^---$/ && ++n == 2 { print ""
    print "An editor added this paragraph at the top, so the quotes moved down by two lines." }' \
    facts/examples/quote-printed-twice.md>news/quote-printed-twice.md
factlint check -q --fail-on never -f json:after.json news >/dev/null 2>&1
moved=$(/usr/bin/python3 -c "
import json
a=json.load(open('before.json'))['findings']; b=json.load(open('after.json'))['findings']
same=[f['fingerprint'] for f in a]==[f['fingerprint'] for f in b]
lines=[(f['line'],g['line']) for f,g in zip(a,b)]
print('yes' if a and same and all(y==x+2 for x,y in lines) else 'no', lines)" 2>&1)
if [ "${moved%% *}" = yes ]; then
    ok "findings keep their fingerprints when their lines move: ${moved#yes }"
else
    bad "findings keep their fingerprints when their lines move" "$moved"
fi
expect 0 "the moved finding is still accepted by the baseline" \
    factlint check --baseline news.json --fail-on warning news
sed 's/the first fortnight would be difficult/the first fortnight would be very hard/g' \
    news/quote-printed-twice.md >news/q.tmp && mv news/q.tmp news/quote-printed-twice.md
expect 1 "an edited span is a new finding the baseline does not accept" \
    factlint check --baseline news.json --fail-on warning news
cp facts/examples/quote-printed-twice.md news/
cp facts/examples/word-spelled-two-ways.md news/
expect 1 "a new article's findings fail the run despite the baseline" \
    factlint check --baseline news.json --fail-on warning news

# --- inline suppression --------------------------------------------------------
mkdir -p inline
cp facts/examples/word-spelled-two-ways.md inline/plain.md
{ cat facts/examples/word-spelled-two-ways.md; printf '\n<!-- factlint-disable spelling.variant -->\n'; } >inline/by-id.md
{ cat facts/examples/word-spelled-two-ways.md; printf '\n<!-- factlint-disable spelling -->\n'; } >inline/by-prefix.md
{ cat facts/examples/word-spelled-two-ways.md; printf '\n<!-- factlint-disable quote.duplicate -->\n'; } >inline/other.md
expect 1 "without a comment the warnings fail" factlint check --fail-on warning inline/plain.md
expect 0 "<!-- factlint-disable spelling.variant --> silences that rule" \
    factlint check --fail-on warning inline/by-id.md
expect 0 "<!-- factlint-disable spelling --> silences rules by prefix" \
    factlint check --fail-on warning inline/by-prefix.md
{ cat facts/examples/word-spelled-two-ways.md; printf '\n<!-- factlint-disable -->\n'; } >inline/all.md
{ cat facts/examples/word-spelled-two-ways.md
  printf '\n<!-- factlint-disable quote.duplicate, spelling.variant -- house style -->\n'; } >inline/list.md
expect 1 "disabling another rule leaves these warnings" \
    factlint check --fail-on warning inline/other.md
expect 0 "<!-- factlint-disable --> with no id silences every rule" \
    factlint check --fail-on info inline/all.md
expect 0 "ids separated by a comma, then a '--' comment" \
    factlint check --fail-on info inline/list.md

# --- the build steps of the examples -------------------------------------------
# The packages on each 'apt-get install' line and its continuation lines.
pkgs=$(awk '/apt-get install/ { on = 1; print; next }
    on && /^[[:space:]]*(-[[:space:]]|$)|:/ { on = 0 }
    on { print }' "$gha" "$gitlab" | sed 's/[\]//g' | tr ' ' '\n' |
    grep -E '^[a-z0-9][a-z0-9.+-]+$' | grep -v -E '^(sudo|apt-get|install)$' | sort -u)
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -n "$pkgs" ] && [ -z "$missing" ]; then
    ok "the examples install Debian packages that exist here: ${pkgs//$'\n'/ }"
else
    bad "the examples install Debian packages that exist here" "not installed:${missing:- (none listed)}"
fi
if grep -q -- '-DFL_BUILD_TESTS=OFF' "$gha" && grep -q -- '-DFL_BUILD_TESTS=OFF' "$gitlab"; then
    check "cmake configures with the examples' options (-DFL_BUILD_TESTS=OFF)" \
        cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DFL_BUILD_TESTS=OFF
else
    bad "the examples build without the test suite (-DFL_BUILD_TESTS=OFF)"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
