#!/usr/bin/env python3
"""Draw the real-news review sample of extracted facts (standard library only).

    python3 tests/gold/review/sample.py --factlint build/factlint \
        [--corpus /work/shared/corpus] [--work /tmp/fl-review] [--per-kind 50]

1. Runs `factlint extract` over CORPUS/bbc.jsonl and CORPUS/reuters21578.jsonl
   (once; the facts are kept in WORK/<corpus>.facts.jsonl and reused when
   --factlint is not given), printing the time, exit status and counts.
2. For each kind, pools that kind's facts in file order (bbc first, then
   reuters) and draws a sample with a fresh random.Random(SEED) per kind
   (SEED 42 unless --seed), so the sample of one kind does not depend on
   the others.  The sample is listed sorted by corpus, article and offset,
   numbered as in tests/gold/review/sample-review.md.
3. With --context, prints each sampled fact's fields and the text around it,
   read from the corpus, for the reviewer.  The corpus stays where it is:
   nothing is written into the repository.

Offsets are byte offsets into the record's "text" field (engine/ingest/jsonl.h).
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

KINDS = ["money", "date", "quote", "quantity", "percent", "duration",
         "person", "org", "place"]
CORPORA = ["bbc.jsonl", "reuters21578.jsonl"]


def facts_path(work, corpus):
    return os.path.join(work, corpus.replace(".jsonl", ".facts.jsonl"))


def extract(factlint, corpus_dir, work):
    os.makedirs(work, exist_ok=True)
    for c in CORPORA:
        out = facts_path(work, c)
        t0 = time.time()
        r = subprocess.run([factlint, "extract", "-o", out, os.path.join(corpus_dir, c)],
                           stderr=subprocess.PIPE, timeout=3600)
        secs = time.time() - t0
        err = r.stderr.decode("utf-8", "replace").strip().splitlines()
        print("%s: exit %d in %.1f s; %s" % (c, r.returncode, secs, err[-1] if err else ""))
        if r.returncode < 0 or r.returncode > 2:
            raise SystemExit("factlint extract failed on %s" % c)


def pools(work):
    """{kind: [(corpus index, line number, line)]} in file order."""
    out = {k: [] for k in KINDS}
    counts = {}
    for ci, c in enumerate(CORPORA):
        with open(facts_path(work, c), encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                f = json.loads(line)
                k = f.get("kind")
                counts[(c, k)] = counts.get((c, k), 0) + 1
                if k in out:
                    out[k].append((ci, n, line))
    return out, counts


def draw(pool, n, seed):
    rng = random.Random(seed)
    picked = rng.sample(pool, min(n, len(pool)))
    return sorted(picked, key=lambda p: (p[0], p[1]))


def load_texts(corpus_dir, wanted):
    """{(corpus index, id): text} for the wanted articles."""
    texts = {}
    for ci, c in enumerate(CORPORA):
        ids = {i for (cj, i) in wanted if cj == ci}
        if not ids:
            continue
        with open(os.path.join(corpus_dir, c), encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                if str(r.get("id")) in ids:
                    texts[(ci, str(r.get("id")))] = r.get("text", "")
    return texts


def context(text, offset, length, width):
    b = text.encode("utf-8")
    lo = max(0, b.rfind(b"\n", 0, offset) + 1, offset - width)
    hi = b.find(b"\n", offset + length)
    hi = len(b) if hi < 0 else hi
    hi = min(hi, offset + length + width)
    return (b[lo:offset].decode("utf-8", "replace") + "[[" +
            b[offset:offset + length].decode("utf-8", "replace") + "]]" +
            b[offset + length:hi].decode("utf-8", "replace"))


def fields(f):
    skip = {"article", "kind", "text", "offset", "length", "line", "column",
            "paragraph", "sentence"}
    return " ".join("%s=%s" % (k, json.dumps(v, ensure_ascii=False))
                    for k, v in f.items() if k not in skip and v is not None)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--factlint", help="run this factlint first (else reuse WORK)")
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--work", default="/tmp/fl-review")
    ap.add_argument("--per-kind", type=int, default=50)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds")
    ap.add_argument("--context", action="store_true", help="print the text around each fact")
    ap.add_argument("--width", type=int, default=160, help="context bytes each side")
    a = ap.parse_args(argv)
    if a.factlint:
        extract(a.factlint, a.corpus, a.work)
    pool, counts = pools(a.work)
    for c in CORPORA:
        print("%s: %s" % (c, ", ".join("%s %d" % (k, counts.get((c, k), 0)) for k in KINDS)))
    kinds = [k for k in a.kinds.split(",") if k]
    samples = {k: draw(pool[k], a.per_kind, a.seed) for k in kinds}
    texts = {}
    if a.context:
        wanted = {(ci, str(json.loads(line)["article"]))
                  for s in samples.values() for (ci, _, line) in s}
        texts = load_texts(a.corpus, wanted)
    for k in kinds:
        print("\n== %s: %d of %d" % (k, len(samples[k]), len(pool[k])))
        for i, (ci, _, line) in enumerate(samples[k], 1):
            f = json.loads(line)
            print("%2d %s %s@%d %s" % (i, CORPORA[ci].split(".")[0], f["article"],
                                       f["offset"], fields(f)))
            if a.context:
                t = texts.get((ci, str(f["article"])), "")
                print("     " + context(t, f["offset"], f["length"], a.width).replace("\n", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
