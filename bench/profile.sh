#!/usr/bin/env bash
# bench/profile.sh - where factlint spends its time, for docs/performance.md.
#
#   bash bench/profile.sh [extract|check|rules] [CORPUS]
#
# Profiles one single-threaded run (-j1, default: extract on
# ../shared/corpus/reuters21578.jsonl) of the Release binary that bench/run.sh
# builds, with `perf record --call-graph dwarf` (the Release build keeps its
# symbols and unwind tables, so no debug build is needed), and prints the top
# functions by self time, by shared object, and by inclusive time.  Falls back
# to valgrind --tool=callgrind on a 2 MB prefix when perf cannot record here.
# `rules` instead times `check -j1` with and without the default suite (CPU
# seconds, user+system) and prints `check --timing`: each rule's calls and
# thread CPU time inside the run of the whole suite.
# Scratch files go under /tmp/factlint-profile, removed at the end.
set -eu

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
cmd="${1:-extract}"
corpus="${2:-$root/../shared/corpus/reuters21578.jsonl}"
tmp=/tmp/factlint-profile
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target factlint >/dev/null

cpu_seconds() {
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$tmp/time" | awk '{printf "%.2f", $1 + $2}'
}

case "$cmd" in
rules)
    # check --timing measures each rule's thread CPU time inside the run of the
    # whole suite (switching rules off one at a time would miss what they cost
    # together, and a corpus rule's key() calls)
    fl="$build/factlint"
    echo "== CPU seconds of check -j1 on $(basename "$corpus")"
    printf '%-32s %8s\n' "(no rules: ingest + extract)" "$(cpu_seconds "$fl" check --no-config -q -j1 \
        -f "json:$tmp/check.json" --no-default-rules "$corpus")"
    printf '%-32s %8s\n' "(whole default suite)" "$(cpu_seconds "$fl" check --no-config -q -j1 \
        -f "json:$tmp/check.json" "$corpus")"
    echo
    echo "== each rule inside that run (check --timing)"
    "$fl" check --no-config -q -j1 --timing -f "json:$tmp/check.json" --fail-on never "$corpus" 2>&1 >/dev/null
    exit 0
    ;;
extract) run=("$build/factlint" extract -q -j1 -o "$tmp/facts.jsonl") ;;
check) run=("$build/factlint" check --no-config -q -j1 -f "json:$tmp/check.json") ;;
*)
    echo "usage: bash bench/profile.sh [extract|check|rules] [CORPUS]" >&2
    exit 2
    ;;
esac

if perf record -q --call-graph dwarf,16384 -F 999 -o "$tmp/perf.data" -- "${run[@]}" "$corpus" \
    2>"$tmp/perf.err" || [ -s "$tmp/perf.data" ]; then
    echo "== top functions by self time (perf, ${cmd} -j1 on $(basename "$corpus"))"
    perf report -i "$tmp/perf.data" --no-children --stdio --sort symbol -g none 2>/dev/null |
        grep -E '^ +[0-9]' | head -30
    echo
    echo "== by shared object"
    perf report -i "$tmp/perf.data" --no-children --stdio --sort dso -g none 2>/dev/null |
        grep -E '^ +[0-9]' | head -10
    echo
    echo "== inclusive time (children), factlint's own functions"
    perf report -i "$tmp/perf.data" --children --stdio --sort symbol -g none 2>/dev/null |
        grep -E '^ +[0-9].*\] fl_' | head -30
else
    echo "perf cannot record here ($(tail -1 "$tmp/perf.err")); using callgrind on a 2 MB prefix"
    head -c 2000000 "$corpus" | sed '$d' >"$tmp/prefix.jsonl"
    FACTLINT_NO_WATCHDOG=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.out" \
        "${run[@]}" "$tmp/prefix.jsonl" 2>/dev/null
    callgrind_annotate "$tmp/callgrind.out" | head -50
fi
