#!/usr/bin/env python3
"""bench/compare.py - two builds of factlint side by side, taking turns.

    python3 bench/compare.py [options] A B

A and B are each a factlint binary or a git revision of this repository (a
revision is checked out into a temporary worktree and built in Release).
Every round runs each command on each corpus once with A and once with B, in
alternating order, so that the machine's slow and fast moments fall on both
(a shared VM can change speed by 2x within the hour: docs/performance.md).
The report gives, per command and corpus, the median and the minimum of the
wall and CPU times of each build and the median of the per-round CPU ratios
B / A (the paired ratio: below 1.00 means B is faster).

Options:
  --rounds N        rounds (default 15)
  --corpus FILE     a corpus (repeatable; default ../shared/corpus/bbc.jsonl
                    and reuters21578.jsonl beside the repository)
  --cmd "CMD"       a command, e.g. "extract -j1" or "check -j2" (repeatable;
                    default "extract -j1"); check runs the default suite of
                    the build's own rules/ with no config file
  --tmp DIR         scratch directory (default: a new one under /tmp)
  --keep            keep the scratch directory (worktrees, builds, outputs)

Each run's previous output is removed before it starts, outside the timing.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def build_rev(root, rev, tmp, label):
    """Checks rev out into a worktree under tmp and builds factlint there."""
    wt = os.path.join(tmp, "wt-" + label)
    bd = os.path.join(tmp, "build-" + label)
    subprocess.run(["git", "-C", root, "worktree", "add", "-f", "--detach", wt, rev],
                   check=True, capture_output=True)
    subprocess.run(["cmake", "-S", wt, "-B", bd, "-DCMAKE_BUILD_TYPE=Release"],
                   check=True, capture_output=True)
    subprocess.run(["cmake", "--build", bd, "-j", str(os.cpu_count() or 1), "--target",
                    "factlint"], check=True, capture_output=True)
    return os.path.join(bd, "factlint"), wt


def resolve(root, arg, tmp, label, worktrees):
    if os.path.isfile(arg) and os.access(arg, os.X_OK):
        return os.path.abspath(arg), None
    r = subprocess.run(["git", "-C", root, "rev-parse", "--verify", "--short", arg + "^{commit}"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("compare: '%s' is neither a factlint binary nor a revision" % arg)
    print("compare: building %s (%s)" % (arg, r.stdout.strip()), file=sys.stderr)
    binary, wt = build_rev(root, arg, tmp, label)
    worktrees.append(wt)
    return binary, r.stdout.strip()


def run_once(binary, sub, jobs, corpus, out, rules):
    """One timed run: (wall s, CPU s of the child)."""
    if os.path.exists(out):
        os.unlink(out)
    if sub == "extract":
        argv = [binary, "extract", "-q", jobs, "-o", out, corpus]
        ok = (0,)
    else:
        argv = [binary, "check", "--no-config", "--no-default-rules", "--rules", rules, "-q",
                jobs, "--fail-on", "never", "-f", "json:" + out, corpus]
        ok = (0, 3)
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode not in ok:
        sys.exit("compare: %s exited %d: %s" % (" ".join(argv), p.returncode, err.strip()))
    return wall, ru.ru_utime + ru.ru_stime


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--corpus", action="append")
    ap.add_argument("--cmd", action="append")
    ap.add_argument("--tmp")
    ap.add_argument("--keep", action="store_true")
    o = ap.parse_args()
    corpora = o.corpus or [os.path.join(root, "..", "shared", "corpus", n)
                           for n in ("bbc.jsonl", "reuters21578.jsonl")]
    for c in corpora:
        if not os.path.isfile(c):
            sys.exit("compare: missing corpus %s" % c)
    cmds = []
    for c in o.cmd or ["extract -j1"]:
        parts = c.split()
        if len(parts) != 2 or parts[0] not in ("extract", "check") or not parts[1].startswith("-j"):
            sys.exit("compare: --cmd wants 'extract -jN' or 'check -jN', not '%s'" % c)
        cmds.append((parts[0], parts[1]))
    if o.rounds < 1:
        sys.exit("compare: --rounds wants a positive number")
    tmp = os.path.abspath(o.tmp) if o.tmp else tempfile.mkdtemp(prefix="factlint-compare-")
    os.makedirs(tmp, exist_ok=True)
    worktrees = []
    try:
        builds = []
        for label, arg in (("a", o.a), ("b", o.b)):
            binary, rev = resolve(root, arg, tmp, label, worktrees)
            # the rules a check runs: the revision's own, else this tree's
            rules = os.path.join(tmp, "wt-" + label, "rules") if rev else os.path.join(root, "rules")
            builds.append((label, arg, rev, binary, rules))
        times = {}
        for r in range(o.rounds):
            order = builds if r % 2 == 0 else builds[::-1]
            for corpus in corpora:
                for sub, jobs in cmds:
                    for label, _, _, binary, rules in order:
                        out = os.path.join(tmp, "out-%s.%s" % (label, "json" if sub == "check"
                                                                 else "jsonl"))
                        times.setdefault((corpus, sub, jobs, label), []).append(
                            run_once(binary, sub, jobs, corpus, out, rules))
            print("compare: round %d of %d done" % (r + 1, o.rounds), file=sys.stderr)
        names = {label: ("%s (%s)" % (arg, rev) if rev else arg) for label, arg, rev, _, _ in builds}
        print("A = %s; B = %s; %d rounds, taking turns; times in seconds\n" %
              (names["a"], names["b"], o.rounds))
        print("| corpus | command | A wall median | B wall median | A CPU median | B CPU median "
              "| A CPU min | B CPU min | B / A CPU (paired median) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for corpus in corpora:
            for sub, jobs in cmds:
                a = times[(corpus, sub, jobs, "a")]
                b = times[(corpus, sub, jobs, "b")]
                ratio = statistics.median(y[1] / x[1] for x, y in zip(a, b) if x[1] > 0)
                print("| %s | `%s %s` | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |" % (
                    os.path.basename(corpus), sub, jobs,
                    statistics.median(x[0] for x in a), statistics.median(x[0] for x in b),
                    statistics.median(x[1] for x in a), statistics.median(x[1] for x in b),
                    min(x[1] for x in a), min(x[1] for x in b), ratio))
    finally:
        if not o.keep:
            for wt in worktrees:
                subprocess.run(["git", "-C", root, "worktree", "remove", "--force", wt],
                               capture_output=True)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
