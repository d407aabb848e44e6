#!/usr/bin/env python3
"""Validate the factlint gold set (python3 standard library only).

For every tests/gold/NAME.gold.jsonl this checks that:
  * tests/gold/articles/NAME.<txt|md|html> exists (exactly one);
  * every line is a JSON object with the fields required for its kind;
  * every `text` occurs verbatim in the article, and the facts appear in
    document order (each `text` is found after the start of the previous one);
  * field types are right (numbers, ISO 4217 codes, ISO date values);
  * relative dates (yesterday, on <weekday>, last month, last year,
    earlier this year) resolve to the annotated value against the dateline.
Prints a summary (articles, facts per kind) and exits 1 on any error.
"""
import datetime as dt
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ART = os.path.join(HERE, "articles")
KINDS = {
    "quote": ["speaker"],
    "money": ["value", "currency"],
    "quantity": ["value", "unit"],
    "percent": ["value"],
    "duration": ["value", "unit"],
    "date": ["value"],
    "person": ["name", "title"],
    "org": ["name"],
    "place": ["name"],
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday"]
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def dateline(path, text):
    """The article's dateline as a date, following tests/gold/README.md."""
    if path.endswith(".md"):
        m = re.search(r"^date:\s*(\d{4}-\d{2}-\d{2})\s*$", text, re.M)
    elif path.endswith(".html"):
        m = re.search(r'<meta name="date" content="(\d{4}-\d{2}-\d{2})"', text)
    else:
        lines = text.split("\n")
        try:
            return dt.datetime.strptime(lines[2].strip(), "%A %d %B %Y").date()
        except (IndexError, ValueError):
            return None
    return dt.date.fromisoformat(m.group(1)) if m else None


def resolve(expr, anchor):
    e = expr.lower()
    if e == "yesterday":
        return (anchor - dt.timedelta(days=1)).isoformat()
    if e in WEEKDAYS:
        back = (anchor.weekday() - WEEKDAYS.index(e)) % 7 or 7
        return (anchor - dt.timedelta(days=back)).isoformat()
    if e == "last month":
        y, m = (anchor.year, anchor.month - 1) if anchor.month > 1 else (anchor.year - 1, 12)
        return "%04d-%02d" % (y, m)
    if e == "last year":
        return "%04d" % (anchor.year - 1)
    if e == "earlier this year":
        return "%04d" % anchor.year
    return None


def body_start(path, text):
    """Offset where the annotated body begins (after front matter/headline)."""
    if path.endswith(".md") and text.startswith("---\n"):
        return text.index("\n---\n", 4) + 5
    if path.endswith(".txt"):
        lines = text.split("\n")
        skip = 3 if dateline(path, text) is not None else 1
        return sum(len(l) + 1 for l in lines[:skip])
    if path.endswith(".html"):
        m = re.search(r'<div class="article-body">', text) or re.search(r"<article", text)
        return m.start() if m else 0
    return 0


def check(gold):
    errors = []
    name = os.path.basename(gold)[:-len(".gold.jsonl")]
    arts = glob.glob(os.path.join(ART, name + ".*"))
    if len(arts) != 1:
        return ["%s: expected one article, found %d" % (name, len(arts))], []
    path = arts[0]
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    anchor = dateline(path, text)
    if anchor is None:
        errors.append("%s: no dateline found" % path)
    pos = body_start(path, text) - 1
    prev = None
    facts = []
    with open(gold, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            where = "%s:%d" % (os.path.relpath(gold, HERE), n)
            try:
                f = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append("%s: invalid JSON: %s" % (where, e))
                continue
            if not isinstance(f, dict):
                errors.append("%s: not an object" % where)
                continue
            kind = f.get("kind")
            if kind not in KINDS:
                errors.append("%s: bad kind %r" % (where, kind))
                continue
            missing = [k for k in ["text"] + KINDS[kind] if k not in f]
            if missing:
                errors.append("%s: missing %s" % (where, ", ".join(missing)))
                continue
            t = f["text"]
            if not isinstance(t, str) or not t:
                errors.append("%s: empty text" % where)
                continue
            # Facts are in order of start offset; a fact nested at the same
            # start as the previous one (a quote opening with a name) may
            # share its offset, a repeated mention may not.
            at = text.find(t, pos + 1 if t == prev else max(pos, 0))
            prev = t
            if at < 0:
                if t in text:
                    errors.append("%s: %r out of document order" % (where, t))
                else:
                    errors.append("%s: %r not in article" % (where, t))
            else:
                pos = at
            v = f.get("value")
            if kind in ("money", "quantity") and v is not None and not isinstance(v, (int, float)):
                errors.append("%s: value must be a number or null" % where)
            if kind in ("percent", "duration") and not isinstance(v, (int, float)):
                errors.append("%s: value must be a number" % where)
            if kind == "money":
                c = f["currency"]
                if c is not None and not re.fullmatch(r"[A-Z]{3}", c):
                    errors.append("%s: bad currency %r" % (where, c))
            if kind in ("quantity", "duration") and not (isinstance(f["unit"], str) and f["unit"]):
                errors.append("%s: unit must be a non-empty string" % where)
            if kind == "quote" and f["speaker"] is not None and not isinstance(f["speaker"], str):
                errors.append("%s: speaker must be a string or null" % where)
            if kind == "person" and f["title"] is not None and not isinstance(f["title"], str):
                errors.append("%s: title must be a string or null" % where)
            if kind in ("person", "org", "place") and f["name"] != t:
                errors.append("%s: name must equal text" % where)
            if kind == "date":
                if not (isinstance(v, str) and DATE_RE.match(v)):
                    errors.append("%s: bad date value %r" % (where, v))
                elif anchor is not None:
                    want = resolve(t, anchor)
                    if want is not None and want != v:
                        errors.append("%s: %r resolves to %s, gold says %s"
                                      % (where, t, want, v))
            facts.append(f)
    return errors, facts


def main():
    golds = sorted(glob.glob(os.path.join(HERE, "*.gold.jsonl")))
    names = {os.path.basename(g)[:-len(".gold.jsonl")] for g in golds}
    errors, counts, total = [], {}, 0
    for a in sorted(glob.glob(os.path.join(ART, "*"))):
        stem = os.path.splitext(os.path.basename(a))[0]
        if stem not in names:
            errors.append("%s: no gold file" % a)
    for g in golds:
        e, facts = check(g)
        errors += e
        for f in facts:
            counts[f["kind"]] = counts.get(f["kind"], 0) + 1
            total += 1
    for e in errors:
        print("ERROR", e)
    print("articles: %d" % len(golds))
    print("facts:    %d" % total)
    for k in KINDS:
        print("  %-9s %d" % (k, counts.get(k, 0)))
    if errors:
        print("%d error(s)" % len(errors))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
