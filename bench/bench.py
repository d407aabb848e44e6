#!/usr/bin/python3
"""bench/bench.py - the measuring half of bench/run.sh (standard library only).

run.sh builds factlint and installs the floor (pcre2grep) and the peer
(textlint); this script generates the scaled corpus, runs every command the
requested number of times, and writes a Markdown report to standard output
and to bench/results/latest.md (raw figures in bench/results/latest.json).

Every figure is the median of --runs runs (3, or 1 with --quick): wall time is
time.perf_counter() around the child process, CPU time and peak RSS come from
the rusage os.wait4() returns for it (ru_maxrss, KiB on Linux).  MB means
10**6 bytes.  docs/performance.md describes the method and reads the results.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import signal
import subprocess
import sys
import tempfile
import threading
import time

CORPORA = ("bbc.jsonl", "reuters21578.jsonl")
SCALE_MB = (50, 100, 200, 500)
MB = 1_000_000


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


class Run:
    """One finished child process: wall and CPU seconds, peak RSS, exit code."""

    def __init__(self, wall, cpu, rss_kib, code):
        self.wall, self.cpu, self.rss_kib, self.code = wall, cpu, rss_kib, code


GNU_TIME = "/usr/bin/time"


def measure(cmd, cwd=None, timeout=None, ok=(0,)):
    """Runs cmd once with stdout discarded; raises if its exit code is not in ok.

    Peak RSS comes from GNU time's %M, not from the rusage os.wait4 returns:
    Linux folds the high-water mark of the memory a process had before exec
    into its ru_maxrss, so a child of this script would report at least this
    script's own RSS (hundreds of MiB once it has read a large report)."""
    rss_file = tempfile.NamedTemporaryFile(delete=False)
    rss_file.close()
    if os.access(GNU_TIME, os.X_OK):
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file.name] + list(cmd)
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        # its own session, so that a timeout kills GNU time's child too
        p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        killer = None
        if timeout:
            killer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
            killer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        if killer:
            killer.cancel()
        code = os.waitstatus_to_exitcode(status)
        p.returncode = code
        if code not in ok:
            err.seek(0)
            tail = err.read()[-2000:].decode("utf-8", "replace")
            raise RuntimeError("%s exited with %d\n%s" % (" ".join(cmd), code, tail))
    rss = ru.ru_maxrss
    try:
        with open(rss_file.name) as f:
            lines = [l for l in f.read().split("\n") if l.strip()]
        if lines and lines[-1].strip().isdigit():
            rss = int(lines[-1])
    finally:
        os.unlink(rss_file.name)
    return Run(wall, ru.ru_utime + ru.ru_stime, rss, code)


class Figure:
    """The runs of one command and their medians."""

    def __init__(self, label, runs, nbytes, text_bytes, articles, extra=None):
        self.label = label
        self.runs = runs
        self.wall = statistics.median(r.wall for r in runs)
        self.cpu = statistics.median(r.cpu for r in runs)
        self.rss_kib = max(r.rss_kib for r in runs)
        self.nbytes, self.text_bytes, self.articles = nbytes, text_bytes, articles
        self.extra = extra or {}

    @property
    def mbps(self):
        return self.nbytes / MB / self.wall

    @property
    def text_mbps(self):
        return self.text_bytes / MB / self.wall

    @property
    def cpu_mbps(self):
        return self.nbytes / MB / self.cpu if self.cpu > 0 else float("inf")

    @property
    def arts(self):
        return self.articles / self.wall

    def as_json(self):
        return {"label": self.label, "wall_s": self.wall, "cpu_s": self.cpu,
                "peak_rss_kib": self.rss_kib, "bytes": self.nbytes,
                "text_bytes": self.text_bytes, "articles": self.articles,
                "mb_per_s": self.mbps, "articles_per_s": self.arts,
                "runs": [{"wall_s": r.wall, "cpu_s": r.cpu, "peak_rss_kib": r.rss_kib,
                          "exit": r.code} for r in self.runs],
                **self.extra}


def repeat(n, label, cmd, fresh=(), **kw):
    """n timed runs of cmd.  The files in `fresh` (what cmd writes) are removed
    before each run, outside the timing: each run writes a new file, as a
    first run does.  Replacing an existing file would add the kernel's freeing
    of the old one's pages to the run (~0.04 s for Reuters' 59 MB of facts
    on ext4), which is the file system's work, not factlint's."""
    runs = []
    for i in range(n):
        for path in fresh:
            if os.path.exists(path):
                os.unlink(path)
        log("%s (run %d/%d)" % (label, i + 1, n))
        runs.append(measure(cmd, **kw))
    return runs


def corpus_stats(path):
    """Bytes, article-text bytes and articles (non-empty lines) of a JSONL file."""
    text_bytes = articles = 0
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            articles += 1
            text_bytes += len(json.loads(line).get("text", "").encode("utf-8"))
    return os.path.getsize(path), text_bytes, articles


def generate(tmp, sources, sizes):
    """Concatenates the sources round after round, each round's ids (and the
    duplicate_of references to them) prefixed with 'gN-' so every id is unique,
    until the largest size is reached.  Writes one file per size; the file for
    S MB holds the first lines whose start lies before byte S*10**6, so it is
    S MB plus at most one article.  Returns {size: (path, bytes, articles)}."""
    lines = []
    for src in sources:
        with open(src, "rb") as f:
            lines.extend(l for l in f if l.strip())
    for l in lines:
        if not l.startswith(b'{"id": "'):
            raise RuntimeError("unexpected line start in the corpus: %r" % l[:40])
    paths = {s: os.path.join(tmp, "corpus-%dMB.jsonl" % s) for s in sizes}
    outs = {s: open(paths[s], "wb") for s in sizes}
    counts = {s: [0, 0] for s in sizes}
    written, rnd, limit = 0, 0, max(sizes) * MB
    try:
        while written < limit:
            tag = b"g%d-" % rnd
            for l in lines:
                if written >= limit:
                    break
                l = l.replace(b'{"id": "', b'{"id": "' + tag, 1)
                l = l.replace(b'"duplicate_of": "', b'"duplicate_of": "' + tag, 1)
                for s in sizes:
                    if written < s * MB:
                        outs[s].write(l)
                        counts[s][0] += len(l)
                        counts[s][1] += 1
                written += len(l)
            rnd += 1
    finally:
        for f in outs.values():
            f.close()
    return {s: (paths[s], counts[s][0], counts[s][1]) for s in sizes}


def write_peer_files(src, outdir, limit):
    """Writes the first `limit` articles' text as .txt files; returns (text bytes, n)."""
    os.makedirs(outdir, exist_ok=True)
    total = n = 0
    with open(src, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            if n >= limit:
                break
            text = json.loads(line).get("text", "").encode("utf-8")
            with open(os.path.join(outdir, "%05d.txt" % n), "wb") as out:
                out.write(text)
            total += len(text)
            n += 1
    return total, n


def check_summary(path):
    with open(path, encoding="utf-8") as f:
        s = json.load(f)["summary"]
    return {"findings": s.get("findings"), "rule_errors": s.get("rule_errors"),
            "articles_checked": s.get("articles_checked")}


def textlint_count(path):
    try:
        with open(path, encoding="utf-8") as f:
            return sum(len(x.get("messages", [])) for x in json.load(f))
    except (OSError, ValueError):
        return None


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def machine_info(root, fl):
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    git = ["git", "-C", root]
    commit = subprocess.run(git + ["rev-parse", "--short=12", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(git + ["status", "--porcelain", "--untracked-files=no", "--", "engine",
                                  "rules", "CMakeLists.txt"],
                           capture_output=True, text=True).stdout.strip()
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model,
        "mem_gib": round(mem_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "commit": commit + (" (engine/rules modified in the working tree)" if dirty else ""),
        "factlint": tool_version([fl, "-V"]),
        "pcre2grep": tool_version(["pcre2grep", "-V"]),
        "node": tool_version(["node", "--version"]),
        "python": platform.python_version(),
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
    }


def fmt_s(x):
    return "%.2f" % x if x < 100 else "%.0f" % x


def fmt_rate(x):
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.2f" % x


def fmt_mib(kib):
    return "%.0f" % (kib / 1024)


def met(ok):
    return "**met**" if ok else "**not met**"


def report(info, rules, nruns, corpora, figs, scale, peer, peer_note, sizes, scale_article,
           scale_extract):
    out = []
    w = out.append
    w("# factlint benchmark results")
    w("")
    w("Produced by `%s`; method in docs/performance.md." % info["invocation"])
    w("Each figure is the median of %d run%s; MB = 10^6 bytes; peak RSS is ru_maxrss "
      "of the process (the largest over the runs)." % (nruns, "" if nruns == 1 else "s"))
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("|---|---|")
    for k in ("date", "nproc", "cpu", "mem_gib", "kernel", "commit", "factlint", "pcre2grep",
              "node", "python"):
        w("| %s | %s |" % (k, info[k]))
    w("| load average at start / end | %s / %s |" % (" ".join(info["loadavg_start"]),
                                                     " ".join(info["loadavg_end"])))
    w("| default rule suite (rules/ copied at the start, run with `--no-default-rules --rules "
      "COPY`) | %d rules (%s) |" % (len(rules), ", ".join(rules)))
    w("")
    w("Wall time is what the targets are about; CPU s (user+system of the process) is "
      "shown beside it because the machine is shared: when the load average is above "
      "nproc, wall time includes waiting for a core.")
    w("")
    w("## Throughput on the real corpora")
    w("")
    w("| corpus | MB | articles | command | wall s | CPU s | MB/s | articles/s | "
      "MB/s per CPU s | peak RSS MiB | notes |")
    w("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for name in corpora:
        for key in ("extract -j1", "extract -j2", "check -j1", "check -j2",
                    "pcre2grep -c -f", "pcre2grep -o (each pattern)"):
            f = figs.get((name, key))
            if not f:
                continue
            notes = ""
            if "findings" in f.extra:
                notes = "%s findings, %s rule errors" % (f.extra["findings"],
                                                        f.extra["rule_errors"])
            if "matching_lines" in f.extra:
                notes = "%s matching lines" % f.extra["matching_lines"]
            w("| %s | %.1f | %d | `%s` | %s | %s | %s | %s | %s | %s | %s |" % (
                name, f.nbytes / MB, f.articles, key, fmt_s(f.wall), fmt_s(f.cpu),
                fmt_rate(f.mbps), fmt_rate(f.arts), fmt_rate(f.cpu_mbps),
                fmt_mib(f.rss_kib), notes))
    w("")
    w("## The peer: textlint")
    w("")
    w(peer_note)
    w("")
    w("| corpus | articles | text MB | wall s | CPU s | text MB/s | articles/s | peak RSS MiB | "
      "messages |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in corpora:
        f = peer.get(name)
        if f:
            w("| %s (first %d) | %d | %.2f | %s | %s | %s | %s | %s | %s |" % (
                name, f.articles, f.articles, f.text_bytes / MB, fmt_s(f.wall), fmt_s(f.cpu),
                fmt_rate(f.text_mbps), fmt_rate(f.arts), fmt_mib(f.rss_kib),
                f.extra.get("messages")))
    w("")
    w("## Ratios (from this run)")
    w("")
    w("| corpus | check -j1 ÷ textlint | check -j2 ÷ textlint | check -j2 ÷ textlint "
      "(CPU) | extract -j1 ÷ `pcre2grep -c -f` | extract -j1 ÷ `pcre2grep -o` "
      "(each pattern) | extract -j1 ÷ `pcre2grep -c -f` (CPU) |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    ratios = {}
    for name in corpora:
        p = peer.get(name)
        c1, c2 = figs.get((name, "check -j1")), figs.get((name, "check -j2"))
        e1 = figs.get((name, "extract -j1"))
        g, go = figs.get((name, "pcre2grep -c -f")), figs.get((name, "pcre2grep -o (each pattern)"))
        r = {}
        if p and c1 and c2:
            # article-text MB/s on both sides: factlint reads JSONL, textlint plain text
            r["check_j1_vs_peer"] = c1.text_mbps / p.text_mbps
            r["check_j2_vs_peer"] = c2.text_mbps / p.text_mbps
            r["check_j2_vs_peer_cpu"] = (c2.text_bytes / c2.cpu) / (p.text_bytes / p.cpu)
        if e1 and g and go:
            r["extract_vs_floor"] = e1.wall / g.wall
            r["extract_vs_floor_all"] = e1.wall / go.wall
            r["extract_vs_floor_cpu"] = e1.cpu / g.cpu
        ratios[name] = r

        def x(k, suffix="x"):
            return ("%.1f%s" % (r[k], suffix)) if k in r else "n/a"

        w("| %s | %s | %s | %s | %s | %s | %s |" % (
            name, x("check_j1_vs_peer"), x("check_j2_vs_peer"), x("check_j2_vs_peer_cpu"),
            x("extract_vs_floor"), x("extract_vs_floor_all"), x("extract_vs_floor_cpu")))
    w("")
    w("check ÷ textlint compares article-text MB/s (higher is better for factlint); "
      "extract ÷ pcre2grep compares time (lower is better; 1.0 would be as fast as the raw scan).")
    w("")
    w("## Time against corpus size: `check -j2`")
    w("")
    w("| corpus MB | articles | wall s | CPU s | MB/s | MB/s per CPU s | peak RSS MiB | findings |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        f = scale.get(s)
        if f:
            w("| %.0f | %d | %s | %s | %s | %s | %s | %s |" % (
                f.nbytes / MB, f.articles, fmt_s(f.wall), fmt_s(f.cpu), fmt_rate(f.mbps),
                fmt_rate(f.cpu_mbps), fmt_mib(f.rss_kib), f.extra.get("findings")))
    lin = rss_growth = None
    lo, hi = scale.get(min(sizes)), scale.get(max(sizes))
    if lo and hi:
        lin = hi.mbps / lo.mbps
        rss_growth = hi.rss_kib / lo.rss_kib
        w("")
        w("Linearity (MB/s at %d MB ÷ MB/s at %d MB): **%.2f** (1.00 is linear; wall), "
          "%.2f by CPU time. Peak RSS at %d MB ÷ at %d MB: **%.2f**." % (
              max(sizes), min(sizes), lin, hi.cpu_mbps / lo.cpu_mbps,
              max(sizes), min(sizes), rss_growth))
    alo, ahi = scale_article.get(min(sizes)), scale_article.get(max(sizes))
    if alo and ahi:
        w("")
        w("Article scope alone (the corpus-scope rules switched off), `check -j2`: peak RSS %s "
          "MiB at %d MB, %s MiB at %d MB (x%.2f); wall %s s and %s s." % (
              fmt_mib(alo.rss_kib), min(sizes), fmt_mib(ahi.rss_kib), max(sizes),
              ahi.rss_kib / alo.rss_kib, fmt_s(alo.wall), fmt_s(ahi.wall)))
    elo, ehi = scale_extract.get(min(sizes)), scale_extract.get(max(sizes))
    if elo and ehi:
        w("")
        w("Extraction alone, `extract -j1` (one core, facts written to a file): %s MB/s at %d MB "
          "(wall %s s, %s MB per CPU s), %s MB/s at %d MB (wall %s s, %s MB per CPU s); peak RSS "
          "%s MiB and %s MiB (x%.2f)." % (
              fmt_rate(elo.mbps), min(sizes), fmt_s(elo.wall), fmt_rate(elo.cpu_mbps),
              fmt_rate(ehi.mbps), max(sizes), fmt_s(ehi.wall), fmt_rate(ehi.cpu_mbps),
              fmt_mib(elo.rss_kib), fmt_mib(ehi.rss_kib), ehi.rss_kib / elo.rss_kib))
    w("")
    w("## Targets")
    w("")
    w("| target | figure from this run | verdict |")
    w("|---|---|---|")
    chk = [(n, figs[(n, "check -j2")].mbps) for n in corpora if (n, "check -j2") in figs]
    if hi:
        chk.append(("%d MB corpus" % max(sizes), hi.mbps))
    if chk:
        w("| check, default suite, >= 25 MB/s on %d cores (-j2) | %s | %s |" % (
            info["nproc"], "; ".join("%s %s MB/s" % (n, fmt_rate(v)) for n, v in chk),
            met(min(v for _, v in chk) >= 25)))
    ext = [(n, figs[(n, "extract -j1")]) for n in corpora if (n, "extract -j1") in figs]
    if ehi:
        ext.append(("%d MB corpus" % max(sizes), ehi))
    if ext:
        w("| extraction >= 50 MB/s on one core (`extract -j1`, issue 3) | %s | %s |" % (
            "; ".join("%s %s MB/s (%s MB per CPU s)" % (n, fmt_rate(f.mbps), fmt_rate(f.cpu_mbps))
                      for n, f in ext),
            met(min(f.mbps for _, f in ext) >= 50)))
    pv = [(n, ratios[n]["check_j2_vs_peer"]) for n in corpora if "check_j2_vs_peer" in ratios[n]]
    if pv:
        w("| >= 100x faster than the peer (textlint) | %s | %s |" % (
            "; ".join("%s %.1fx" % (n, v) for n, v in pv), met(min(v for _, v in pv) >= 100)))
    fv = [(n, ratios[n]["extract_vs_floor"], ratios[n]["extract_vs_floor_all"])
          for n in corpora if "extract_vs_floor" in ratios[n]]
    if fv:
        w("| extraction within 5x of the raw PCRE2 scan (`pcre2grep -c -f`, as specified) | %s | "
          "%s |" % ("; ".join("%s %.1fx" % (n, a) for n, a, _ in fv),
                    met(max(a for _, a, _ in fv) <= 5)))
        w("| the same against every match of each pattern (`pcre2grep -o`) | %s | %s |" % (
            "; ".join("%s %.1fx" % (n, b) for n, _, b in fv), met(max(b for _, _, b in fv) <= 5)))
    def rss_target(what, lo_fig, hi_fig):
        growth = hi_fig.rss_kib / lo_fig.rss_kib
        w("| peak RSS of %s | %s MiB at %d MB, %s MiB at %d MB (x%.2f) | %s |" % (
            what, fmt_mib(lo_fig.rss_kib), min(sizes), fmt_mib(hi_fig.rss_kib), max(sizes),
            growth, met(growth <= 1.25)))

    if alo and ahi:
        rss_target("article-scope work not growing with corpus size", alo, ahi)
    if elo and ehi:
        rss_target("extraction not growing with corpus size (`extract -j1`, issue 3)", elo, ehi)
    if rss_growth is not None:
        w("| full suite: corpus-scope rules keep the facts their key selects, so peak RSS grows "
          "(documented per kept fact, not a target) | %s MiB at %d MB, %s MiB at %d MB (x%.2f) "
          "| - |" % (fmt_mib(lo.rss_kib), min(sizes), fmt_mib(hi.rss_kib), max(sizes),
                     rss_growth))
    w("")
    return "\n".join(out) + "\n", ratios, lin, rss_growth


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", required=True)
    ap.add_argument("--factlint", required=True)
    ap.add_argument("--quick", action="store_true", help="one run per figure instead of three")
    ap.add_argument("--runs", type=int, help="runs per figure (overrides --quick)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--tmp", default="/tmp/factlint-bench", help="temporary directory")
    ap.add_argument("--peer-articles", type=int,
                    help="articles per corpus given to textlint (default 500, 200 with --quick)")
    ap.add_argument("--peer-timeout", type=int, default=1800)
    ap.add_argument("--sizes", default=",".join(map(str, SCALE_MB)),
                    help="corpus sizes in MB for the scaling figures (default 50,100,200,500)")
    ap.add_argument("--output", help="Markdown file (default bench/results/latest.md)")
    a = ap.parse_args()

    root, fl = os.path.abspath(a.root), os.path.abspath(a.factlint)
    nruns = a.runs or (1 if a.quick else 3)
    sizes = sorted(int(x) for x in a.sizes.split(","))
    peer_n = a.peer_articles or (200 if a.quick else 500)
    corpus_dir = os.path.normpath(os.path.join(root, "..", "shared", "corpus"))
    sources = [os.path.join(corpus_dir, c) for c in CORPORA]
    for s in sources:
        if not os.path.isfile(s):
            sys.exit("bench: missing corpus %s" % s)
    tmp = os.path.abspath(a.tmp)
    if os.path.commonpath([tmp, root]) == root:
        sys.exit("bench: the temporary directory must be outside the repository")
    bench_dir = os.path.join(root, "bench")
    textlint = os.path.join(bench_dir, "node_modules", ".bin", "textlint")
    os.makedirs(tmp, exist_ok=True)

    info = machine_info(root, fl)
    # The rule files are read at run time; a snapshot keeps the suite the same
    # for every figure even while rules/ is being edited.
    rules_dir = os.path.join(tmp, "rules")
    shutil.rmtree(rules_dir, ignore_errors=True)
    shutil.copytree(os.path.join(root, "rules"), rules_dir)
    suite = ["--no-config", "--no-default-rules", "--rules", rules_dir]
    user_args, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg in ("--root", "--factlint"):
            skip = True
        elif not arg.startswith(("--root=", "--factlint=")):
            user_args.append(arg)
    info["invocation"] = " ".join(["bash bench/run.sh"] + user_args)
    listing = [l.split() for l in subprocess.run(
        [fl, "rules"] + suite, capture_output=True, text=True, cwd=tmp).stdout.splitlines()
        if l.strip()]
    rules = [l[0] for l in listing]
    # article scope alone: the suite with its corpus-scope rules switched off
    article_only = suite + [a for l in listing if len(l) > 2 and l[2] == "corpus"
                            for a in ("--disable", l[0])]
    try:
        figs, peer, scale, scale_article, scale_extract = {}, {}, {}, {}, {}
        names = []
        for src in sources:
            name = os.path.basename(src)
            names.append(name)
            nbytes, tbytes, narts = corpus_stats(src)
            out = os.path.join(tmp, "out")
            for j in (1, 2):
                runs = repeat(nruns, "%s extract -j%d" % (name, j),
                              [fl, "extract", "-q", "-j", str(j), "-o", out + ".facts.jsonl", src],
                              fresh=[out + ".facts.jsonl"])
                figs[(name, "extract -j%d" % j)] = Figure("extract", runs, nbytes, tbytes, narts)
            for j in (1, 2):
                # exit 1 = findings, 3 = rule errors: both are normal outcomes here
                runs = repeat(nruns, "%s check -j%d" % (name, j),
                              [fl, "check"] + suite + ["-q", "-j", str(j),
                                                       "-f", "json:" + out + ".check.json", src],
                              fresh=[out + ".check.json"], ok=(0, 1, 3))
                figs[(name, "check -j%d" % j)] = Figure(
                    "check", runs, nbytes, tbytes, narts, check_summary(out + ".check.json"))
            pat = os.path.join(bench_dir, "patterns.txt")
            runs = repeat(nruns, "%s pcre2grep -c -f" % name,
                          ["pcre2grep", "-u", "-c", "-f", pat, src], ok=(0, 1))
            cnt = subprocess.run(["pcre2grep", "-u", "-c", "-f", pat, src],
                                 capture_output=True, text=True).stdout.strip()
            figs[(name, "pcre2grep -c -f")] = Figure("floor", runs, nbytes, tbytes, narts,
                                                     {"matching_lines": cnt})
            # every match of every pattern: one -o pass per pattern, times summed
            with open(pat, encoding="utf-8") as f:
                pats = [l.rstrip("\n") for l in f if l.strip()]
            per = []
            for i in range(nruns):
                log("%s pcre2grep -o, %d patterns (run %d/%d)" % (name, len(pats), i + 1, nruns))
                rs = [measure(["pcre2grep", "-u", "-o", "-e", p, src], ok=(0, 1)) for p in pats]
                per.append(Run(sum(r.wall for r in rs), sum(r.cpu for r in rs),
                               max(r.rss_kib for r in rs), 0))
            figs[(name, "pcre2grep -o (each pattern)")] = Figure("floor-all", per, nbytes, tbytes,
                                                                 narts)
            # the peer on the first peer_n articles, as .txt files
            pdir = os.path.join(tmp, "peer", name.replace(".jsonl", ""))
            shutil.rmtree(pdir, ignore_errors=True)
            ptext, pn = write_peer_files(src, pdir, peer_n)
            pout = os.path.join(tmp, "peer-%s.json" % name)
            runs = repeat(nruns, "%s textlint, %d articles" % (name, pn),
                          [textlint, "-c", os.path.join(bench_dir, ".textlintrc.json"),
                           "-f", "json", "-o", pout, pdir],
                          cwd=bench_dir, timeout=a.peer_timeout, ok=(0, 1))
            peer[name] = Figure("textlint", runs, ptext, ptext, pn,
                                {"messages": textlint_count(pout)})

        log("generating the scaled corpus under %s" % tmp)
        gen = generate(tmp, sources, sizes)
        for s in sizes:
            path, nbytes, narts = gen[s]
            out = os.path.join(tmp, "out.scale.json")
            runs = repeat(nruns, "%d MB check -j2" % s,
                          [fl, "check"] + suite + ["-q", "-j", "2", "-f", "json:" + out, path],
                          fresh=[out], ok=(0, 1, 3))
            scale[s] = Figure("check -j2", runs, nbytes, 0, narts, check_summary(out))
            os.unlink(out)
        # peak memory of article-scope work at the smallest and largest size: it
        # must not grow with the corpus (corpus-scope rules keep facts, and
        # grow by design: see docs/performance.md, Memory)
        for s in sorted({min(sizes), max(sizes)}):
            path, nbytes, narts = gen[s]
            out = os.path.join(tmp, "out.scale.json")
            runs = repeat(nruns, "%d MB check -j2, article scope" % s,
                          [fl, "check"] + article_only + ["-q", "-j", "2", "-f", "json:" + out,
                                                          path], fresh=[out], ok=(0, 1, 3))
            scale_article[s] = Figure("check -j2 article scope", runs, nbytes, 0, narts,
                                      check_summary(out))
            os.unlink(out)
        # extraction alone at the same two sizes: its speed on one core over a
        # long run (start-up is a small share), and a peak RSS that must not
        # grow with the corpus (articles are streamed: issue 3)
        for s in sorted({min(sizes), max(sizes)}):
            path, nbytes, narts = gen[s]
            out = os.path.join(tmp, "out.scale.facts.jsonl")
            runs = repeat(nruns, "%d MB extract -j1" % s,
                          [fl, "extract", "-q", "-j", "1", "-o", out, path], fresh=[out])
            scale_extract[s] = Figure("extract -j1", runs, nbytes, 0, narts)
            os.unlink(out)

        info["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        peer_note = (
            "textlint %s (bench/package.json) with the offline, regex-based rules in "
            "bench/.textlintrc.json, run on the first %d articles of each corpus written out as "
            ".txt files (one process per corpus, node start-up included); its MB/s is "
            "extrapolated per MB of article text.  textlint does a lighter job than factlint "
            "check: style rules over sentences, no fact extraction, no cross-checks." % (
                tool_version([textlint, "--version"]), peer_n))
        md, ratios, lin, growth = report(info, rules, nruns, names, figs, scale, peer, peer_note,
                                         sizes, scale_article, scale_extract)
        sys.stdout.write(md)
        dest = a.output or os.path.join(bench_dir, "results", "latest.md")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as f:
            f.write(md)
        raw = {"machine": info, "rules": rules, "runs_per_figure": nruns,
               "peer_articles": peer_n,
               "corpora": {"%s | %s" % k: v.as_json() for k, v in figs.items()},
               "peer": {k: v.as_json() for k, v in peer.items()},
               "scale_check_j2": {str(k): v.as_json() for k, v in scale.items()},
               "scale_check_j2_article_scope": {str(k): v.as_json()
                                                for k, v in scale_article.items()},
               "scale_extract_j1": {str(k): v.as_json() for k, v in scale_extract.items()},
               "ratios": ratios, "linearity": lin, "rss_growth": growth}
        with open(os.path.splitext(dest)[0] + ".json", "w", encoding="utf-8") as f:
            json.dump(raw, f, indent=1)
            f.write("\n")
        log("wrote %s" % dest)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
