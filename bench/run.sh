#!/usr/bin/env bash
# bench/run.sh - factlint's speed and scale benchmark.
#
#   bash bench/run.sh [--quick] [--keep] [--runs N] [--peer-articles N] [--tmp DIR]
#
# Builds factlint in Release into build-bench/, makes sure the floor
# (pcre2grep, Debian package pcre2-utils) and the peer (textlint, pinned in
# bench/package.json) are installed, then hands over to bench/bench.py, which
# measures, prints a Markdown report and writes it to bench/results/latest.md.
# The corpora are read from ../shared/corpus relative to the repository root;
# everything generated goes under a temporary directory outside the repository
# (default /tmp/factlint-bench), removed at the end unless --keep is given.
# docs/performance.md explains the method and the figures.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"

echo "bench: building factlint (Release) in $build" >&2
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target factlint >/dev/null

if ! command -v pcre2grep >/dev/null 2>&1; then
    echo "bench: installing pcre2-utils for pcre2grep" >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt-get install -y pcre2-utils >/dev/null
    else
        sudo apt-get install -y pcre2-utils >/dev/null
    fi
fi

if [ ! -x /usr/bin/time ]; then
    echo "bench: installing time (GNU time) for peak memory" >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt-get install -y time >/dev/null
    else
        sudo apt-get install -y time >/dev/null
    fi
fi

if [ ! -x "$root/bench/node_modules/.bin/textlint" ]; then
    echo "bench: installing the peer linter (textlint) into bench/node_modules" >&2
    if [ -f "$root/bench/package-lock.json" ]; then
        (cd "$root/bench" && npm ci --no-audit --no-fund >/dev/null)
    else
        (cd "$root/bench" && npm install --no-audit --no-fund >/dev/null)
    fi
fi

exec /usr/bin/python3 "$root/bench/bench.py" --root "$root" --factlint "$build/factlint" "$@"
