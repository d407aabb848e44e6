#!/usr/bin/env python3
"""Score `factlint extract` against the hand-annotated gold set.

Standard library only.  Usage:

    python3 tests/gold/score.py --factlint build/factlint [--gold tests/gold]
                                [--details] [--json FILE] [--facts FILE]
    python3 tests/gold/score.py --self-test

The scorer runs `factlint extract` over GOLD/articles (or reads a facts
JSONL file given with --facts), matches the extracted facts to the gold facts
of tests/gold/*.gold.jsonl per article and kind, and prints precision, recall
and F1 per kind.  It exits 1 when a kind with a threshold scores below it,
2 when the run itself fails (factlint crashes, a gold fact cannot be located).

Coordinates.  factlint reports byte offsets into the article's *document
text*: for .txt the whole file, for .md everything after the front matter's
closing line, for .html the text of the page's blocks joined by blank lines
with white space collapsed (engine/ingest/html.h).  The scorer rebuilds that
text for every article, locates each gold fact in it the way
tests/gold/check_gold.py does (the k-th gold fact with text T is the next
occurrence of T at or after the previous gold fact's start), and checks that
every extracted fact's text is found at its offset; where it is not (a
different text model), the fact is placed at the nearest occurrence of its
text, and the number of such facts is reported.

Regions the gold set does not annotate (tests/gold/README.md) are left out of
the comparison, and extracted facts found there are counted per region
instead: the headline (the first line of a .txt, <h1> in .html; the front
matter of .md is not in the document text at all), the .txt date line, HTML
page chrome (everything outside <div class="article-body">), and a wire
dateline such as "FRANKFURT, March 3 -" opening the body.

Match criteria (one extracted fact matches at most one gold fact; the
matching is a maximum bipartite matching that prefers the nearest pairs):
  money     same value (relative tolerance 1e-6; null = null) and currency,
            spans overlapping;
  date      same ISO value (truncated to its precision), spans overlapping;
  quote     same text after normalising white space, curly/straight quotes
            and a trailing comma or full stop, and the same speaker
            (case-insensitive; null = null; the extracted `speaker`, or
            `speaker_text` when that is the one equal to the gold name);
  quantity, duration
            same value and unit (case- and singular/plural-insensitive),
            spans overlapping;
  percent   same value, spans overlapping;
  person, org, place
            same name (case-insensitive), spans overlapping.
"""
import argparse
import datetime as dt
import glob
import html.parser
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ["money", "date", "quote", "quantity", "percent", "duration",
         "person", "org", "place"]
THRESHOLDS = {"money": 0.95, "date": 0.93, "quote": 0.90, "quantity": 0.90,
              "percent": 0.90}
REL_TOL = 1e-6

WIRE_DATELINE = re.compile(
    r"[A-Z][A-Z .'\u2019-]*[A-Z]\.?,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}"
    r"(?:\s*\([^)\n]{1,40}\))?\s*[-\u2013\u2014]+[ \t]*")
TXT_DATE_FORMATS = ["%A %d %B %Y", "%d %B %Y", "%B %d, %Y", "%A, %d %B %Y",
                    "%A %B %d, %Y", "%Y-%m-%d"]


# --------------------------------------------------------------------------
# Document text, in factlint's coordinates

class Doc:
    """One article's document text (bytes) and its annotated body."""

    def __init__(self, path, text, body, regions):
        self.path = path
        self.text = text          # bytes, factlint's document text
        self.body = body          # (start, end) of the annotated body
        self.regions = regions    # [(start, end, label)] not annotated

    def region_of(self, start):
        """The label of the unannotated region holding offset start, or None."""
        for b, e, label in self.regions:
            if b <= start < e:
                return label
        if not self.body[0] <= start < self.body[1]:
            return "outside body"
        return None


class _HtmlText(html.parser.HTMLParser):
    """Rebuilds the document text of engine/ingest/html.c from a page."""

    DROPPED = {"script", "style", "noscript", "template", "svg", "iframe",
               "object", "canvas"}
    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
              "ol", "dl", "dt", "dd", "blockquote", "figcaption", "figure",
              "article", "section", "main", "header", "footer", "nav",
              "aside", "br", "hr", "tr", "td", "th", "table", "caption",
              "pre", "address", "form", "body", "details", "summary",
              "fieldset", "legend"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
            "link", "meta", "param", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = bytearray()
        self.stack = []           # open element names
        self.block_open = False
        self.pending = False
        self.skip = 0             # depth inside a dropped element
        self.in_head = False
        self.body_at = None       # output length when article-body opened
        self.body_depth = None
        self.body = None
        self.h1 = None            # (start, end) of the first <h1>
        self.h1_at = None

    def _flush(self):
        self.pending = False
        self.block_open = False

    def handle_starttag(self, tag, attrs):
        if self.skip:
            if tag in self.DROPPED:
                self.skip += 1
            return
        if tag in self.DROPPED:
            self.skip = 1
            return
        if tag == "head":
            self.in_head = True
        if tag in self.BLOCKS:
            self._flush()
        if tag in self.VOID:
            return
        self.stack.append(tag)
        cls = dict(attrs).get("class") or ""
        if tag == "div" and "article-body" in cls.split() and self.body_at is None:
            self.body_at = len(self.out)
            self.body_depth = len(self.stack)
        if tag == "h1" and self.h1 is None and self.h1_at is None:
            self.h1_at = len(self.out)

    def handle_startendtag(self, tag, attrs):
        if not self.skip and tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if self.skip:
            if tag in self.DROPPED:
                self.skip -= 1
            return
        if tag == "head":
            self.in_head = False
        if tag not in self.stack:
            return
        while self.stack:
            t = self.stack.pop()
            if t in self.BLOCKS:
                self._flush()
            if self.body_depth is not None and len(self.stack) < self.body_depth:
                self.body = (self.body_at, len(self.out))
                self.body_depth = None
            if t == "h1" and self.h1_at is not None and self.h1 is None:
                self.h1 = (self.h1_at, len(self.out))
            if t == tag:
                break

    def handle_data(self, data):
        if self.skip or self.in_head or "title" in self.stack:
            return
        for word in re.split(r"([ \t\n\r\f]+)", data):
            if not word:
                continue
            if word[0] in " \t\n\r\f":
                self.pending = True
                continue
            if not self.block_open:
                if self.out:
                    self.out += b"\n\n"
                self.block_open = True
                self.pending = False
            if self.pending and self.out:
                self.out += b" "
            self.pending = False
            self.out += word.encode("utf-8")


def txt_date_line(line):
    for fmt in TXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(line.strip(), fmt).date()
        except ValueError:
            pass
    return None


def load_doc(path):
    """The Doc of an article file (see the module comment for the model)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    regions = []
    if path.endswith(".html") or path.endswith(".htm"):
        p = _HtmlText()
        p.feed(raw.decode("utf-8"))
        p.close()
        text = bytes(p.out)
        body = p.body or (0, len(text))
        if p.h1:
            regions.append((p.h1[0], p.h1[1], "headline"))
        regions.append((0, body[0], "chrome"))
        regions.append((body[1], len(text) + 1, "chrome"))
    elif path.endswith(".md") or path.endswith(".markdown"):
        text = raw
        if raw.startswith(b"---\n") or raw.startswith(b"---\r\n"):
            m = re.search(rb"\r?\n---[ \t]*(\r?\n|$)", raw[3:])
            if m:
                text = raw[3 + m.end():]
        body = (0, len(text))
    else:
        text = raw
        lines = text.split(b"\n")
        first = len(lines[0]) + 1
        regions.append((0, first, "headline"))
        start = first
        if len(lines) > 2 and txt_date_line(lines[2].decode("utf-8", "replace")):
            start = first + len(lines[1]) + 1 + len(lines[2]) + 1
            regions.append((first, start, "date line"))
        body = (start, len(text))
    # a wire dateline opening the body
    b = body[0]
    while b < body[1] and text[b:b + 1] in (b"\n", b"\r", b" ", b"\t"):
        b += 1
    head = text[b:b + 120].decode("utf-8", "ignore")
    m = WIRE_DATELINE.match(head)
    if m:
        regions.append((b, b + len(m.group(0).encode("utf-8")), "wire dateline"))
    return Doc(path, text, body, regions)


# --------------------------------------------------------------------------
# Gold and extracted facts

class Fact:
    __slots__ = ("kind", "text", "start", "end", "data", "where")

    def __init__(self, kind, text, start, end, data, where):
        self.kind, self.text, self.start, self.end = kind, text, start, end
        self.data, self.where = data, where


def load_gold(gold_dir):
    """{stem: (Doc, [Fact])} for every gold file; raises ValueError when a gold
    fact cannot be located in its article."""
    out = {}
    for g in sorted(glob.glob(os.path.join(gold_dir, "*.gold.jsonl"))):
        stem = os.path.basename(g)[:-len(".gold.jsonl")]
        arts = glob.glob(os.path.join(gold_dir, "articles", stem + ".*"))
        if len(arts) != 1:
            raise ValueError("%s: expected one article, found %d" % (stem, len(arts)))
        doc = load_doc(arts[0])
        facts = []
        pos, prev, spans = doc.body[0], None, []
        with open(g, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                f = json.loads(line)
                t = f["text"].encode("utf-8")
                at = doc.text.find(t, pos + 1 if t == prev else pos)
                # names, numbers and dates are not annotated inside one
                # another ("Wang" in "Wang Deming" is not the next "Wang"),
                # only inside quotes
                while at >= 0 and any(b <= at and at + len(t) <= e for b, e in spans):
                    at = doc.text.find(t, at + 1)
                if at < 0:
                    raise ValueError("%s:%d: %r not found in document order"
                                     % (os.path.basename(g), n, f["text"]))
                pos, prev = at, t
                if f["kind"] != "quote":
                    spans.append((at, at + len(t)))
                facts.append(Fact(f["kind"], f["text"], at, at + len(t), f,
                                  "%s:%d" % (os.path.basename(g), n)))
        out[stem] = (doc, facts)
    return out


def stem_of(article):
    return os.path.splitext(os.path.basename(article))[0]


def place_extracted(doc, f):
    """(start, end, relocated) of an extracted fact in doc's text."""
    t = (f.get("text") or "").encode("utf-8")
    off = f.get("offset")
    length = f.get("length")
    if not isinstance(off, int):
        off = 0
    if not isinstance(length, int):
        length = len(t)
    if t and doc.text[off:off + len(t)] == t:
        return off, off + len(t), False
    if t:
        best, at = None, doc.text.find(t)
        while at >= 0:
            if best is None or abs(at - off) < abs(best - off):
                best = at
            at = doc.text.find(t, at + 1)
        if best is not None:
            return best, best + len(t), True
    return off, off + length, True


# --------------------------------------------------------------------------
# Comparison

QUOTE_MAP = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"',
                           "\u201f": '"', "\u2033": '"', "\u00ab": '"',
                           "\u00bb": '"', "\u2018": "'", "\u2019": "'",
                           "\u201a": "'", "\u201b": "'", "\u2032": "'"})


def norm_quote(s):
    s = re.sub(r"\s+", " ", (s or "").translate(QUOTE_MAP)).strip()
    s = re.sub(r"[,.]+$", "", s).strip()
    return s


def norm_name(s):
    if s is None:
        return None
    return re.sub(r"\s+", " ", s.translate(QUOTE_MAP)).strip().casefold()


def singular(word):
    w = word
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and re.search(r"(ches|shes|sses|xes|zes)$", w):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def norm_unit(u):
    if u is None:
        return None
    words = re.sub(r"\s+", " ", u.strip().casefold()).split(" ")
    words[-1] = "-".join(singular(p) for p in words[-1].split("-"))
    return " ".join(words)


def num_eq(a, b):
    if a is None or b is None:
        return a is None and b is None
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return False
    if a == b:
        return True
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def norm_date(v):
    if not isinstance(v, str):
        return None
    m = re.match(r"^(-?)(\d+)(.*)$", v.strip())
    if not m:
        return v.strip()
    return m.group(1) + m.group(2).zfill(4) + m.group(3)


def overlaps(g, e):
    return g.start < e.end and e.start < g.end


def speaker_ok(gold, ext):
    want = norm_name(gold.data.get("speaker"))
    got = norm_name(ext.data.get("speaker"))
    if want is None:
        return got is None
    return want == got or want == norm_name(ext.data.get("speaker_text"))


def ext_name(e):
    n = e.data.get("name")
    return n if isinstance(n, str) else e.text


def differences(g, e):
    """The list of fields in which extracted e differs from gold g (empty when
    they match under the kind's criteria)."""
    k = g.kind
    d = []
    if k == "quote":
        if norm_quote(g.text) != norm_quote(e.text):
            d.append("text")
        if not speaker_ok(g, e):
            d.append("speaker")
        return d
    if not overlaps(g, e):
        d.append("position")
    if k == "money":
        if not num_eq(g.data.get("value"), e.data.get("value")):
            d.append("value")
        if (g.data.get("currency") or None) != (e.data.get("currency") or None):
            d.append("currency")
    elif k == "date":
        if norm_date(g.data.get("value")) != norm_date(e.data.get("value")):
            d.append("value")
    elif k in ("quantity", "duration"):
        if not num_eq(g.data.get("value"), e.data.get("value")):
            d.append("value")
        if norm_unit(g.data.get("unit")) != norm_unit(e.data.get("unit")):
            d.append("unit")
    elif k == "percent":
        if not num_eq(g.data.get("value"), e.data.get("value")):
            d.append("value")
    else:
        if norm_name(g.data.get("name", g.text)) != norm_name(ext_name(e)):
            d.append("name")
    return d


def distance(g, e):
    if overlaps(g, e):
        return abs(g.start - e.start)
    return 1000000 + min(abs(g.start - e.end), abs(e.start - g.end))


def match(gold, ext):
    """Maximum matching of gold to extracted facts of one kind in one article;
    returns {gold index: extracted index}."""
    cand = []
    for gi, g in enumerate(gold):
        c = [ei for ei, e in enumerate(ext) if not differences(g, e)]
        c.sort(key=lambda ei: distance(g, ext[ei]))
        cand.append(c)
    owner = {}

    def augment(gi, seen):
        for ei in cand[gi]:
            if ei in seen:
                continue
            seen.add(ei)
            if ei not in owner or augment(owner[ei], seen):
                owner[ei] = gi
                return True
        return False

    for gi in range(len(gold)):
        augment(gi, set())
    return {gi: ei for ei, gi in owner.items()}


def describe(f):
    """The kind-specific fields of a fact, compactly."""
    d = f.data
    k = f.kind
    if k == "money":
        return "value=%s currency=%s" % (fmt_num(d.get("value")), d.get("currency"))
    if k in ("quantity", "duration"):
        return "value=%s unit=%s" % (fmt_num(d.get("value")), d.get("unit"))
    if k == "percent":
        return "value=%s" % fmt_num(d.get("value"))
    if k == "date":
        return "value=%s" % d.get("value")
    if k == "quote":
        s = "speaker=%s" % d.get("speaker")
        if d.get("speaker_text") and d.get("speaker_text") != d.get("speaker"):
            s += " (as written %s)" % d.get("speaker_text")
        return s
    if k == "person":
        return "name=%s title=%s" % (ext_name(f), d.get("title"))
    return "name=%s" % ext_name(f)


def fmt_num(v):
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return str(v)


def short(s, n=90):
    s = re.sub(r"\s+", " ", s or "")
    return s if len(s) <= n else s[:n - 3] + "..."


def score(gold_by_stem, extracted):
    """Compares; returns (table, errors, info).  extracted: list of dicts."""
    by_article = {}
    info = {"unknown_articles": set(), "relocated": 0, "excluded": {}}
    for f in extracted:
        stem = stem_of(f.get("article", ""))
        if stem not in gold_by_stem:
            info["unknown_articles"].add(f.get("article"))
            continue
        by_article.setdefault(stem, []).append(f)
    table = {k: {"gold": 0, "extracted": 0, "matched": 0} for k in KINDS}
    errors = []
    for stem, (doc, gold) in sorted(gold_by_stem.items()):
        ext = []
        for f in by_article.get(stem, []):
            kind = f.get("kind")
            if kind not in table:
                continue
            s, e, moved = place_extracted(doc, f)
            info["relocated"] += moved
            region = doc.region_of(s)
            if region:
                key = (kind, region)
                info["excluded"][key] = info["excluded"].get(key, 0) + 1
                continue
            ext.append(Fact(kind, f.get("text") or "", s, e, f, stem))
        for kind in KINDS:
            gk = [g for g in gold if g.kind == kind]
            ek = [e for e in ext if e.kind == kind]
            m = match(gk, ek)
            t = table[kind]
            t["gold"] += len(gk)
            t["extracted"] += len(ek)
            t["matched"] += len(m)
            used = set(m.values())
            free_e = [ei for ei in range(len(ek)) if ei not in used]
            paired = set()
            for gi, g in enumerate(gk):
                if gi in m:
                    continue
                # the nearest unmatched extracted fact of the kind at this span
                near = [ei for ei in free_e if ei not in paired and
                        (overlaps(g, ek[ei]) or
                         (kind == "quote" and norm_quote(g.text) == norm_quote(ek[ei].text)))]
                near.sort(key=lambda ei: distance(g, ek[ei]))
                other = None
                if near:
                    other = ek[near[0]]
                    paired.add(near[0])
                    diff = differences(g, other)
                    if kind == "quote":
                        diff = ["span" if d == "text" else d for d in diff]
                    elif other.text != g.text:
                        diff = ["span"] + diff
                    cls = "wrong " + "+".join(diff)
                else:
                    cls = "missed"
                errors.append({"type": "FN" if other is None else "FN+FP",
                               "article": stem, "kind": kind, "class": cls,
                               "text": g.text, "offset": g.start,
                               "expected": describe(g),
                               "got": None if other is None else
                               "%r %s" % (short(other.text, 60), describe(other))})
            for ei in free_e:
                if ei in paired:
                    continue
                e = ek[ei]
                others = [g.kind for g in gold
                          if g.kind not in (kind, "quote") and overlaps(g, e)]
                cls = "spurious" + (" (gold: %s)" % others[0] if others else "")
                errors.append({"type": "FP", "article": stem, "kind": kind,
                               "class": cls, "text": e.text, "offset": e.start,
                               "expected": None, "got": describe(e)})
    for t in table.values():
        p = t["matched"] / t["extracted"] if t["extracted"] else (1.0 if not t["gold"] else 0.0)
        r = t["matched"] / t["gold"] if t["gold"] else (1.0 if not t["extracted"] else 0.0)
        t["precision"] = p
        t["recall"] = r
        t["f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return table, errors, info


# --------------------------------------------------------------------------
# Reporting

def print_table(table, out=sys.stdout):
    out.write("%-9s %6s %9s %7s %7s %7s %7s  %s\n"
              % ("kind", "gold", "extracted", "matched", "P", "R", "F1", "threshold"))
    tg = te = tm = 0
    for k in KINDS:
        t = table[k]
        thr = THRESHOLDS.get(k)
        verdict = ""
        if thr is not None:
            verdict = "%.2f %s" % (thr, "ok" if t["f1"] >= thr else "FAIL")
        out.write("%-9s %6d %9d %7d %7.3f %7.3f %7.3f  %s\n"
                  % (k, t["gold"], t["extracted"], t["matched"], t["precision"],
                     t["recall"], t["f1"], verdict))
        tg, te, tm = tg + t["gold"], te + t["extracted"], tm + t["matched"]
    p = tm / te if te else 0.0
    r = tm / tg if tg else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    out.write("%-9s %6d %9d %7d %7.3f %7.3f %7.3f\n" % ("all", tg, te, tm, p, r, f))


def error_classes(errors):
    counts = {}
    for e in errors:
        key = (e["kind"], e["class"])
        counts[key] = counts.get(key, 0) + 1
    return counts


def print_details(errors, out=sys.stdout):
    for k in KINDS:
        ek = [e for e in errors if e["kind"] == k]
        if not ek:
            continue
        out.write("\n== %s: %d error(s)\n" % (k, len(ek)))
        for cls, n in sorted(error_classes(ek).items(), key=lambda x: -x[1]):
            out.write("   %3d  %s\n" % (n, cls[1]))
        for e in sorted(ek, key=lambda e: (e["article"], e["offset"])):
            out.write("%-5s %s@%d [%s] %r" % (e["type"], e["article"], e["offset"],
                                             e["class"], short(e["text"])))
            if e["expected"]:
                out.write(" expected %s" % e["expected"])
            if e["got"]:
                out.write(" got %s" % e["got"])
            out.write("\n")


def git_commit(path):
    try:
        r = subprocess.run(["git", "-C", path, "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, timeout=20)
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def run_factlint(factlint, articles):
    r = subprocess.run([factlint, "extract", "-q", "-j", "2", articles],
                       capture_output=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("factlint extract exited with %d: %s"
                           % (r.returncode, r.stderr.decode("utf-8", "replace").strip()))
    return parse_jsonl(r.stdout.decode("utf-8"), "factlint output")


def parse_jsonl(text, what):
    facts = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            facts.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise RuntimeError("%s line %d: invalid JSON: %s" % (what, n, e))
    return facts


# --------------------------------------------------------------------------
# Self-test: the scorer against gold converted to extractor output

def gold_as_output(gold_by_stem, jitter=0):
    """The gold facts in factlint's facts format (offsets shifted by jitter,
    so the relocation path is exercised when it is not 0)."""
    out = []
    for stem, (doc, gold) in sorted(gold_by_stem.items()):
        for g in gold:
            f = {"article": doc.path, "kind": g.kind, "text": g.text,
                 "offset": max(0, g.start + jitter), "length": g.end - g.start,
                 "line": 1, "column": 1, "paragraph": 0, "sentence": 0}
            for key, val in g.data.items():
                if key not in ("kind", "text"):
                    f[key] = val
            out.append(f)
    return out


def self_test(gold_dir):
    gold = load_gold(gold_dir)
    failures = []

    def check(name, cond):
        print("%-4s %s" % ("ok" if cond else "FAIL", name))
        if not cond:
            failures.append(name)

    base = gold_as_output(gold)
    table, errors, info = score(gold, base)
    check("gold as output: F1 = 1.0 for every kind",
          all(table[k]["f1"] == 1.0 for k in KINDS if table[k]["gold"]))
    check("gold as output: no errors, nothing relocated",
          not errors and info["relocated"] == 0)
    check("every kind is in the gold set", all(table[k]["gold"] for k in KINDS))

    table, errors, info = score(gold, gold_as_output(gold, jitter=3))
    check("offsets off by 3 bytes: relocated, F1 still 1.0",
          info["relocated"] > 0 and all(table[k]["f1"] == 1.0 for k in KINDS))

    def perturbed(kind, fn, limit=5):
        out, n = [], 0
        for f in gold_as_output(gold):
            if f["kind"] == kind and n < limit:
                g = dict(f)
                if fn(g) is not False:
                    n += 1
                    out.append(g)
                    continue
            out.append(f)
        return out, n

    cases = [
        ("money value x10", "money", lambda f: f.update(value=f["value"] * 10)
         if f["value"] else False, "wrong value"),
        ("money currency changed", "money",
         lambda f: f.update(currency="XXX"), "wrong currency"),
        ("money value within 1e-7 still matches", "money",
         lambda f: f.update(value=f["value"] * (1 + 1e-7)) if f["value"] else False, None),
        ("date value changed", "date", lambda f: f.update(value="1900"), "wrong value"),
        ("date moved to another span", "date",
         lambda f: f.update(offset=0, text="@@@", length=3), "missed"),
        ("quote speaker changed", "quote",
         lambda f: f.update(speaker="Nobody Atall"), "wrong speaker"),
        ("quote speaker null", "quote",
         lambda f: f.update(speaker=None) if f["speaker"] else False, "wrong speaker"),
        ("quote with curly marks and trailing comma still matches", "quote",
         lambda f: f.update(text=f["text"].replace("'", "\u2019") + ","), None),
        ("quote truncated", "quote",
         lambda f: f.update(text=f["text"][:len(f["text"]) // 2] + " x")
         if len(f["text"]) > 12 else False, "wrong span"),
        ("quantity unit changed", "quantity", lambda f: f.update(unit="widgets"), "wrong unit"),
        ("quantity singular unit still matches", "quantity",
         lambda f: f.update(unit=singular(f["unit"])), None),
        ("duration value changed", "duration",
         lambda f: f.update(value=f["value"] + 1), "wrong value"),
        ("percent value changed", "percent",
         lambda f: f.update(value=f["value"] + 0.5), "wrong value"),
        ("person name changed", "person", lambda f: f.update(name="Zed"), "wrong name"),
        ("place name upper-cased still matches", "place",
         lambda f: f.update(name=f["name"].upper()), None),
    ]
    for name, kind, fn, cls in cases:
        out, n = perturbed(kind, fn)
        table, errors, _ = score(gold, out)
        t = table[kind]
        if cls is None:
            check("%s (%d facts)" % (name, n), n > 0 and t["f1"] == 1.0 and not errors)
        else:
            classes = {e["class"] for e in errors if e["kind"] == kind}
            others_perfect = all(table[k]["f1"] == 1.0 for k in KINDS if k != kind)
            check("%s (%d facts): F1 %.3f < 1, class %r" % (name, n, t["f1"], cls),
                  n > 0 and t["f1"] < 1.0 and t["matched"] == t["gold"] - n and
                  any(c.startswith(cls) for c in classes) and others_perfect)

    # dropping facts lowers recall only; adding a spurious one lowers precision
    first = [f["kind"] for f in base].index("percent")
    table, errors, _ = score(gold, base[:first] + base[first + 1:])
    check("dropped percent: recall < 1, precision 1",
          table["percent"]["recall"] < 1.0 and table["percent"]["precision"] == 1.0)
    extra = dict(base[0])
    extra.update(kind="org", name="Nonexistent Body", text=base[0]["text"])
    table, errors, _ = score(gold, base + [extra])
    check("spurious org: precision < 1, recall 1",
          table["org"]["precision"] < 1.0 and table["org"]["recall"] == 1.0 and
          any(e["type"] == "FP" for e in errors))

    # facts in unannotated regions are left out, not counted as errors
    extras = []
    for stem, (doc, _) in sorted(gold.items()):
        for b, e, label in doc.regions:
            if e > b and b < len(doc.text):
                seg = doc.text[b:min(e, len(doc.text))].decode("utf-8", "ignore")
                w = re.search(r"[A-Z][a-z]+", seg)
                if w:
                    extras.append({"article": doc.path, "kind": "place",
                                   "text": w.group(0), "name": w.group(0),
                                   "offset": b + len(seg[:w.start()].encode("utf-8")),
                                   "length": len(w.group(0).encode("utf-8"))})
    table, errors, info = score(gold, base + extras)
    labels = {lab for (_, lab) in info["excluded"]}
    check("facts in headline/date line/wire dateline/chrome excluded (%d; %s)"
          % (len(extras), ", ".join(sorted(labels))),
          len(extras) > 40 and not errors and
          {"headline", "date line", "wire dateline", "chrome"} <= labels and
          sum(info["excluded"].values()) == len(extras))

    # HTML text model: every extracted offset of the gold body lies in body
    html_docs = [d for d, _ in gold.values() if d.path.endswith(".html")]
    check("html body found in every page (%d)" % len(html_docs),
          html_docs and all(d.body[1] > d.body[0] > 0 for d in html_docs))

    print("%d check(s) failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


# --------------------------------------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--factlint", help="the factlint binary")
    ap.add_argument("--gold", default=HERE, help="the gold directory (default: %(default)s)")
    ap.add_argument("--facts", help="score this facts JSONL instead of running factlint")
    ap.add_argument("--save-facts", help="write factlint's output here")
    ap.add_argument("--details", action="store_true",
                    help="list every false positive and false negative")
    ap.add_argument("--json", help="write the table and error classes as JSON to this file")
    ap.add_argument("--self-test", action="store_true",
                    help="check the scorer on the gold set converted to extractor output")
    a = ap.parse_args(argv)
    if a.self_test:
        return self_test(a.gold)
    if not a.factlint and not a.facts:
        ap.error("give --factlint BINARY or --facts FILE")
    try:
        gold = load_gold(a.gold)
        if a.facts:
            with open(a.facts, encoding="utf-8") as fh:
                extracted = parse_jsonl(fh.read(), a.facts)
        else:
            extracted = run_factlint(a.factlint, os.path.join(a.gold, "articles"))
            if a.save_facts:
                with open(a.save_facts, "w", encoding="utf-8") as fh:
                    for f in extracted:
                        fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    except (OSError, ValueError, RuntimeError, subprocess.SubprocessError) as e:
        print("score.py: %s" % e, file=sys.stderr)
        return 2
    table, errors, info = score(gold, extracted)
    print("factlint extract vs gold: %d articles, %d facts extracted"
          % (len(gold), len(extracted)))
    print_table(table)
    if info["excluded"]:
        ex = {}
        for (_, label), n in info["excluded"].items():
            ex[label] = ex.get(label, 0) + n
        print("left out (regions not annotated): " +
              ", ".join("%s %d" % kv for kv in sorted(ex.items())))
    if info["relocated"]:
        print("facts whose text was not at their offset (placed at the nearest "
              "occurrence): %d" % info["relocated"])
    if info["unknown_articles"]:
        print("facts of articles without gold: %d article(s)" % len(info["unknown_articles"]))
    if a.details:
        print_details(errors)
    if a.json:
        doc = {"date": dt.date.today().isoformat(),
               "commit": git_commit(a.gold),
               "articles": len(gold),
               "kinds": {k: dict(table[k], threshold=THRESHOLDS.get(k)) for k in KINDS},
               "excluded": {"%s/%s" % k: n for k, n in sorted(info["excluded"].items())},
               "relocated": info["relocated"],
               "error_classes": {"%s/%s" % k: n for k, n in
                                 sorted(error_classes(errors).items())},
               "errors": errors}
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    failed = [k for k, thr in THRESHOLDS.items() if table[k]["f1"] < thr]
    if failed:
        print("below threshold: " + ", ".join(
            "%s F1 %.3f < %.2f" % (k, table[k]["f1"], THRESHOLDS[k]) for k in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
