#!/usr/bin/python3
"""Drives factlint's HTML review page in headless Chromium and checks the DOM.

usage: test_html_report.py --chromium EXE --factlint EXE --gen-reports EXE
                           --source-dir DIR --out DIR [--big N]

Three pages are checked, each against the JSON report of the same run:

  examples  `factlint check -f html -f json facts/examples` (run in DIR)
  fixture   the report writers' hand-made audit (fl_gen_reports OUT): crossing
            spans, a suppressed finding, a skipped article, hostile text
  big       fl_gen_reports OUT --big N: load and interaction times

Everything a person does goes through real input events (mouse moves and
clicks, key presses) sent over the DevTools protocol, so :hover, focus and
hit testing are the browser's own.  Screenshots go to OUT/*.png.  The last
line is "N passed, N failed"; the exit status is 1 when a check failed or
Chromium is missing (a missing browser is a failure, not a skip).

Standard library only (tests/report/browser/cdp.py is the protocol client).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

# The big page (2,225 articles, 22,250 findings, 22.5 MB) is checked for
# behaviour only.  Its load, open, filter and key timings are printed for the
# record, never asserted: the machines are shared and noisy, so speed is
# measured by benchmarks (docs/performance.md), not by timed tests.


class Checks:
    def __init__(self, quiet=False):
        self.passed = 0
        self.failed = 0
        self.quiet = quiet

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        if not self.quiet:
            print("%s %s%s" % ("ok  " if ok else "FAIL", what,
                               (": " + detail) if detail and not ok else ""))
        sys.stdout.flush()
        return ok

    def equal(self, got, want, what):
        return self.check(got == want, what, "got %r, want %r" % (got, want))


def js(s):
    return json.dumps(s)


def xml_text(s):
    """s without the characters XML text cannot hold (the writers drop them)."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", s)


def shown_findings(report):
    """(index, finding) for each finding the HTML page shows: not suppressed."""
    return [(i, f) for i, f in enumerate(report["findings"]) if not f.get("suppressed")]


def article_seq(report):
    return {a["id"]: n for n, a in enumerate(report["articles"])}


def wait_for(page, cond, what, timeout_ms=5000):
    """Polls the JS expression cond in the page until it is true."""
    ok = page.eval("new Promise(function(res){var t0=performance.now();(function poll(){"
                   "var v=false;try{v=!!(%s);}catch(e){}if(v)return res(true);"
                   "if(performance.now()-t0>%d)return res(false);setTimeout(poll,20);})();})"
                   % (cond, timeout_ms))
    if not ok:
        raise cdp.CDPError("timed out waiting for %s" % what)


def blur(page):
    """Clicks the page header so no element keeps focus or hover."""
    page.eval("window.scrollTo(0,0)")
    page.click_at(900, 20)
    page.eval("document.activeElement&&document.activeElement.blur&&"
              "document.activeElement.blur()")


def reset_filters(page):
    page.eval("(function(){document.querySelectorAll('input.fsev').forEach(function(b){"
              "b.checked=true;});['frule','fart'].forEach(function(id){var s="
              "document.getElementById(id);if(s)s.value='';});var b=document.querySelector("
              "'input.fsev');if(b)b.dispatchEvent(new Event('change'));})()")


def open_article(page, art):
    """Opens <details id=art> with a real click on its summary."""
    page.click("details#%s > summary" % art)
    wait_for(page, "document.getElementById(%s).getAttribute('data-done')" % js(art),
             "article %s to open" % art)


def mark_text_js():
    # The text of a finding's span: its first piece and every continuation,
    # without the related-span arrow inside the primary mark.
    return ("function markText(id){var out='';var ps=[document.getElementById(id)].concat("
            "Array.prototype.slice.call(document.querySelectorAll('mark.cont[data-of=\"'+id+"
            "'\"]')));ps.forEach(function(p){if(!p)return;var c=p.cloneNode(true);c."
            "querySelectorAll('a.goto,mark').forEach(function(x){if(x.tagName==='A'||x."
            "classList.contains('cont'))x.remove();});out+=c.textContent;});return out;}")


def check_counts(c, page, report, name):
    fs = shown_findings(report)
    s = report["summary"]
    got = page.eval("document.querySelectorAll('li.fi').length")
    c.equal(got, len(fs), "%s: finding items on the page = findings in the JSON" % name)
    c.equal(page.eval("document.getElementById('shown').textContent"),
            "%d of %d findings shown" % (len(fs), len(fs)), "%s: the shown-count line" % name)
    header = page.eval("document.querySelector('header').textContent")
    want = "%d errors, %d warnings, %d info" % (s["errors"], s["warnings"], s["info"])
    c.check(want in header, "%s: header counts match the JSON summary" % name,
            "%r not in %r" % (want, header))
    by_sev = page.eval("(function(){var o={};document.querySelectorAll('table.counts tr')"
                       ".forEach(function(r){var t=r.querySelectorAll('td');if(t.length==2)"
                       "o[t[0].textContent]=+t[1].textContent;});return o;})()")
    c.equal({k: by_sev.get(k) for k in ("error", "warning", "info")},
            {"error": s["errors"], "warning": s["warnings"], "info": s["info"]},
            "%s: summary table by severity" % name)
    items = page.eval("Array.prototype.map.call(document.querySelectorAll('li.fi'),function(li)"
                      "{var a=li.querySelector('a[data-art]');return {href:a?a.getAttribute("
                      "'href'):null,rule:li.getAttribute('data-rule'),sev:li.getAttribute("
                      "'data-severity'),art:li.getAttribute('data-art'),text:li.textContent};})")
    seq = article_seq(report)
    bad = []
    for (i, f), it in zip(fs, items):
        want_art = "a%d" % seq[f["article"]]
        if (it["href"] != "#m%d" % i or it["rule"] != f["rule"] or it["sev"] != f["severity"]
                or it["art"] != want_art or xml_text(f["message"]) not in it["text"]
                or not it["text"].startswith("%d:%d" % (f["line"], f["column"]))):
            bad.append((i, it))
    c.check(not bad and len(items) == len(fs),
            "%s: each item shows its JSON finding (location, rule, severity, message)" % name,
            repr(bad[:3]))
    c.equal(page.eval("document.querySelectorAll('main mark').length"), 0,
            "%s: article bodies are not in the DOM before an article opens" % name)


def check_article(c, page, report, name, art_id):
    """Opens one article and checks its marks against the JSON."""
    seq = article_seq(report)
    art = "a%d" % seq[art_id]
    mine = [(i, f) for i, f in shown_findings(report) if f["article"] == art_id]
    open_article(page, art)
    q = "document.getElementById(%s)" % js(art)
    c.equal(page.eval(q + ".querySelectorAll('mark.f[id]').length"), len(mine),
            "%s: opening %s attaches one highlight per finding" % (name, art_id))
    c.equal(page.eval(q + ".querySelectorAll('mark[tabindex=\"0\"]').length"), len(mine),
            "%s: %s has exactly one focusable mark per finding" % (name, art_id))
    nrel = sum(len(f["related"]) for _, f in mine)
    c.equal(page.eval(q + ".querySelectorAll('mark.rel[id]').length"), nrel,
            "%s: %s has one related mark per related span" % (name, art_id))
    texts = page.eval("(function(){%s;return %s.map(markText);})()"
                      % (mark_text_js(), js(["m%d" % i for i, _ in mine])))
    bad = [(f["excerpt"], t) for (i, f), t in zip(mine, texts)
           if f["length"] and t.replace("\r", "") != f["excerpt"].replace("\r", "")]
    c.check(not bad, "%s: %s highlights cover exactly the reported spans" % (name, art_id),
            repr(bad[:3]))
    rel = [("m%dr%d" % (i, k), r) for i, f in mine for k, r in enumerate(f["related"])]
    texts = page.eval("(function(){%s;return %s.map(markText);})()"
                      % (mark_text_js(), js([rid for rid, _ in rel])))
    bad = [(rid, r["excerpt"], t) for (rid, r), t in zip(rel, texts)
           if r["length"] and t.replace("\r", "") != r["excerpt"].replace("\r", "")]
    c.check(not bad, "%s: %s related highlights cover exactly the related spans"
            % (name, art_id), repr(bad[:3]))
    others = page.eval("Array.prototype.filter.call(document.querySelectorAll('details.art'),"
                       "function(d){return d.id!==%s&&d.querySelector('mark');}).length"
                       % js(art))
    c.equal(others, 0, "%s: other articles stay lazy" % name)
    return art, mine


def check_tooltip(c, page, name, mark_id, message):
    sel = "mark#" + mark_id
    page.hover(sel)
    tip = page.eval("(function(){var m=document.querySelector(%s);var s=getComputedStyle(m,"
                    "'::after');return {hover:m.matches(':hover'),content:s.content,display:"
                    "s.display,vis:s.visibility};})()" % js(sel))
    c.check(tip["hover"] and message in tip["content"] and tip["display"] != "none",
            "%s: hovering %s shows its message" % (name, mark_id), repr(tip))
    page.mouse_move(5, 5)
    page.eval("document.getElementById(%s).focus()" % js(mark_id))
    tip = page.eval("(function(){var m=document.querySelector(%s);var s=getComputedStyle(m,"
                    "'::after');return {focus:document.activeElement===m,hover:m.matches("
                    "':hover'),content:s.content};})()" % js(sel))
    c.check(tip["focus"] and not tip["hover"] and message in tip["content"],
            "%s: keyboard focus on %s shows its message" % (name, mark_id), repr(tip))


def check_related(c, page, report, name):
    """A related link in a closed article, then the arrow inside a primary mark."""
    seq = article_seq(report)
    cand = [(i, f) for i, f in shown_findings(report) if f["related"]]
    if not c.check(bool(cand), "%s: the report has a finding with a related span" % name):
        return
    closed = page.eval("Array.prototype.filter.call(document.querySelectorAll('details.art'),"
                       "function(d){return !d.open;}).map(function(d){return d.id;})")
    pick = [(i, f) for i, f in cand if "a%d" % seq[f["article"]] in closed] or cand
    i, f = pick[0]
    rid = "m%dr0" % i
    # The findings list sits inside the article's <details>: a person opens it first.
    art = "a%d" % seq[f["article"]]
    if art in closed:
        open_article(page, art)
    blur(page)
    page.click("li.fi a[href='#%s']" % rid)
    wait_for(page, "document.activeElement&&document.activeElement.id===%s" % js(rid),
             "focus on " + rid)
    got = page.eval("(function(){var e=document.activeElement,r=e.getBoundingClientRect();"
                    "return {id:e.id,text:e.textContent,open:e.closest('details').open,"
                    "inView:r.top>=0&&r.bottom<=innerHeight};})()")
    c.check(got["id"] == rid and got["open"] and got["inView"],
            "%s: clicking a related link opens %s and focuses the first occurrence %s"
            % (name, f["article"], rid), repr(got))
    c.check(got["text"].replace("\r", "") == f["related"][0]["excerpt"].replace("\r", ""),
            "%s: the focused related span is the one the JSON names" % name,
            "%r vs %r" % (got["text"], f["related"][0]["excerpt"]))
    # The arrow inside the primary mark leads to the same place.
    page.eval("document.getElementById(%s).blur()" % js(rid))
    blur(page)
    page.click("mark#m%d > a.goto" % i)
    wait_for(page, "document.activeElement&&document.activeElement.id===%s" % js(rid),
             "focus on %s after the arrow" % rid)
    c.check(True, "%s: the arrow in mark m%d moves focus to %s" % (name, i, rid))


def visible_items(page):
    return page.eval("Array.prototype.filter.call(document.querySelectorAll('li.fi'),"
                     "function(li){return li.offsetParent!==null;}).map(function(li){return "
                     "li.querySelector('a[data-art]')?li.querySelector('a[data-art]')"
                     ".getAttribute('href').slice(2):null;})")


def check_filters(c, page, report, name, open_art):
    fs = shown_findings(report)
    sevs = sorted({f["severity"] for _, f in fs})
    sev = "warning" if "warning" in sevs else sevs[0]
    reset_filters(page)
    page.click("input.fsev[value=%s]" % sev)
    want = [str(i) for i, f in fs if f["severity"] != sev]
    c.equal(visible_items(page), want,
            "%s: unticking '%s' hides exactly the %s findings" % (name, sev, sev))
    c.equal(page.eval("document.getElementById('shown').textContent"),
            "%d of %d findings shown" % (len(want), len(fs)), "%s: shown-count after it" % name)
    marks = page.eval("Array.prototype.map.call(document.querySelectorAll('#%s mark.f[id]'),"
                      "function(m){return [m.getAttribute('data-severity'),m.classList.contains("
                      "'off'),getComputedStyle(m,'::after').content];})" % open_art)
    c.check(all(off == (s == sev) for s, off, _ in marks) and marks,
            "%s: in the open article only the %s highlights are switched off" % (name, sev),
            repr(marks))
    seq = article_seq(report)
    want_arts = sorted({"a%d" % seq[f["article"]] for _, f in fs if f["severity"] != sev})
    got_arts = sorted(page.eval("Array.prototype.filter.call(document.querySelectorAll("
                                "'details.art'),function(d){return !d.hidden;}).map(function(d)"
                                "{return d.id;})"))
    c.equal(got_arts, want_arts, "%s: articles with nothing left to show are hidden" % name)
    page.click("input.fsev[value=%s]" % sev)
    c.equal(len(visible_items(page)), len(fs), "%s: ticking it again shows all" % name)

    rules = sorted({f["rule"] for _, f in fs})
    rule = max(rules, key=lambda r: (sum(1 for _, f in fs if f["rule"] == r), r))
    # A <select> pop-up is not part of the page in headless mode: pick the
    # option with the keyboard-free API the page listens to (a change event).
    page.eval("(function(){var s=document.getElementById('frule');s.value=%s;"
              "s.dispatchEvent(new Event('change'));})()" % js(rule))
    want = [str(i) for i, f in fs if f["rule"] == rule]
    c.equal(visible_items(page), want, "%s: the rule filter '%s' shows only its findings"
            % (name, rule))
    reset_filters(page)


def check_keys(c, page, report, name):
    fs = shown_findings(report)
    reset_filters(page)
    blur(page)
    order = []
    for key in ("j", "j", "k", "n", "p"):
        page.press(key)
        wait_for(page, "document.activeElement&&document.activeElement.tagName==='MARK'",
                 "focus after '%s'" % key)
        order.append(page.eval("document.activeElement.id"))
    ids = ["m%d" % i for i, _ in fs]
    want = [ids[0], ids[1 % len(ids)], ids[0], ids[1 % len(ids)], ids[0]]
    c.equal(order, want, "%s: j, j, k, n, p move focus through the findings in order" % name)
    cur = page.eval("Array.prototype.map.call(document.querySelectorAll('li.fi.current'),"
                    "function(li){return li.querySelector('a').getAttribute('href');})")
    c.equal(cur, ["#" + ids[0]], "%s: the current finding's list item is highlighted" % name)
    # With a filter, j skips what is hidden.
    sevs = {f["severity"] for _, f in fs}
    if len(sevs) > 1:
        sev = "error" if "error" in sevs else sorted(sevs)[0]
        for s in sorted(sevs - {sev}):
            page.click("input.fsev[value=%s]" % s)
        blur(page)
        page.press("j")
        first = next("m%d" % i for i, f in fs if f["severity"] == sev)
        wait_for(page, "document.activeElement&&document.activeElement.tagName==='MARK'",
                 "focus after a filtered 'j'")
        c.equal(page.eval("document.activeElement.id"), first,
                "%s: with only '%s' shown, j goes to the first %s finding" % (name, sev, sev))
        reset_filters(page)
    # Typing in a form control is not navigation.
    page.eval("document.getElementById('frule').focus()")
    page.press("j")
    c.equal(page.eval("document.activeElement.id"), "frule",
            "%s: 'j' in the rule select does not move focus" % name)


def check_page(c, page, report, html, name, out, screenshots=True):
    page.navigate("file://" + os.path.abspath(html))
    check_counts(c, page, report, name)
    fs = shown_findings(report)
    by_art = {}
    for i, f in fs:
        by_art.setdefault(f["article"], []).append((i, f))
    # The article with the most findings, preferring one with related spans.
    art_id = max(by_art, key=lambda a: (sum(1 for _, f in by_art[a] if f["related"]) > 0,
                                        len(by_art[a]), a))
    art, mine = check_article(c, page, report, name, art_id)
    i, f = mine[0]
    check_tooltip(c, page, name, "m%d" % i, f["message"])
    page.hover("mark#m%d" % i)
    if screenshots:
        page.screenshot(os.path.join(out, "html-%s-article.png" % name))
    check_related(c, page, report, name)
    check_filters(c, page, report, name, art)
    check_keys(c, page, report, name)
    errs = page.exceptions()
    c.check(not errs, "%s: no script errors on the page" % name, repr(errs))
    if screenshots:
        page.eval("window.scrollTo(0,0)")
        page.screenshot(os.path.join(out, "html-%s-top.png" % name))


def check_big(c, b, gen, out, n):
    big = os.path.join(out, "big")
    r = subprocess.run([gen, big, "--big", str(n)], capture_output=True, text=True)
    if not c.check(r.returncode == 0, "big: fl_gen_reports --big %d" % n, r.stderr):
        return
    sys.stdout.write(r.stdout)
    with open(os.path.join(big, "big.json"), encoding="utf-8") as fp:
        report = json.load(fp)
    page = b.new_page()
    t0 = time.monotonic()
    page.navigate("file://" + os.path.join(big, "big.html"), timeout=240)
    wall = (time.monotonic() - t0) * 1000
    nav = page.eval("(function(){var e=performance.getEntriesByType('navigation')[0];return "
                    "{dcl:e.domContentLoadedEventEnd,load:e.loadEventEnd};})()")
    print("big: %d articles, %d findings, %.1f MB: DOMContentLoaded %.0f ms, load %.0f ms "
          "(%.0f ms from navigate to load, seen from the test)"
          % (n, len(report["findings"]), os.path.getsize(os.path.join(big, "big.html")) / 1e6,
             nav["dcl"], nav["load"], wall))
    c.equal(page.eval("document.querySelectorAll('li.fi').length"),
            len(shown_findings(report)), "big: finding items = findings in the JSON")
    # First article open: from the click to the next frame after the body is in.
    page.eval("(function(){var d=document.querySelector('details.art');window.__open=null;"
              "d.addEventListener('toggle',function(){"
              "requestAnimationFrame(function(){setTimeout(function(){window.__open="
              "performance.now()-window.__t0;},0);});},{once:true});"
              "d.querySelector('summary').addEventListener('click',function(){"
              "window.__t0=performance.now();},{once:true,capture:true});})()")
    page.click("details.art > summary")
    wait_for(page, "window.__open!==null", "the first big article to open", 30000)
    ms = page.eval("window.__open")
    marks = page.eval("document.querySelector('details.art').querySelectorAll('mark.f[id]')"
                      ".length")
    print("big: first article open: %.1f ms (%d highlights)" % (ms, marks))
    c.check(marks > 0, "big: the first article opens with its highlights")
    # A severity filter over every finding, and a key press.
    ms = page.eval("new Promise(function(res){var b=document.querySelector('input.fsev');"
                   "var t0=performance.now();b.click();requestAnimationFrame(function(){"
                   "setTimeout(function(){res(performance.now()-t0);},0);});})")
    print("big: severity filter: %.1f ms" % ms)
    reset_filters(page)
    blur(page)
    page.eval("window.__key=null;document.addEventListener('keydown',function(){var t0="
              "performance.now();requestAnimationFrame(function(){setTimeout(function(){"
              "window.__key=performance.now()-t0;},0);});},{once:true,capture:true});")
    page.press("j")
    wait_for(page, "window.__key!==null", "the 'j' key on the big page", 30000)
    ms = page.eval("window.__key")
    print("big: 'j' to the next finding: %.1f ms" % ms)
    c.check(page.eval("document.activeElement.tagName") == "MARK",
            "big: 'j' moves focus to a finding")
    errs = page.exceptions()
    c.check(not errs, "big: no script errors on the page", repr(errs))
    page.eval("window.scrollTo(0,0)")
    page.screenshot(os.path.join(out, "html-big-top.png"))


# Self-test: each mutant breaks one behaviour of the page (a text replacement
# in the generated HTML); the checks must catch every one of them.
MUTANTS = [
    ("the j key does nothing", "e.key==='j'||", "e.key==='J'||"),
    ("opening an article attaches nothing", "b.appendChild(t.content.cloneNode(true));", ""),
    ("filters hide nothing", "li.classList.toggle('hidden',!v);", ""),
    ("no tooltip on keyboard focus", "mark[aria-label]:hover::after,mark[aria-label]:focus::after{",
     "mark[aria-label]:hover::after{"),
    ("related links do not move focus", "t.focus({preventScroll:true});", ""),
    ("one finding item missing", '<li class="fi ', '<li class="fx ', 1),
    ("a highlight one character short", '</mark>', '</mark>', 0),
]


def run_mutants(c, b, html, report, out):
    with open(html, encoding="utf-8") as fp:
        page_src = fp.read()
    for m in MUTANTS:
        what, old, new = m[:3]
        count = m[3] if len(m) > 3 else -1
        if old not in page_src:
            c.check(False, "mutant '%s' applies" % what,
                    "%r is no longer in the page: update MUTANTS" % old)
            continue
        if what.startswith("a highlight"):
            # Move the first mark's end one character left: "...x</mark>" -> "...</mark>x".
            k = page_src.index("</mark>")
            src = page_src[:k - 1] + "</mark>" + page_src[k - 1] + page_src[k + 7:]
        else:
            src = page_src.replace(old, new, count)
        path = os.path.join(out, "mutant.html")
        with open(path, "w", encoding="utf-8") as fp:
            fp.write(src)
        inner = Checks(quiet=True)
        page = b.new_page()
        try:
            check_page(inner, page, report, path, "mutant", out, screenshots=False)
        except cdp.CDPError as e:
            inner.check(False, "driven", str(e))
        page.send("Page.close")
        c.check(inner.failed > 0, "mutant '%s' is caught (%d checks failed)"
                % (what, inner.failed))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--factlint", required=True)
    ap.add_argument("--gen-reports", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--big", type=int, default=2225)
    ap.add_argument("--mutants", action="store_true",
                    help="check that the checks catch broken pages (self-test)")
    a = ap.parse_args()
    c = Checks()
    if not os.access(a.chromium, os.X_OK):
        c.check(False, "chromium is installed",
                "%s not found: install Debian's chromium (apt-get install -y chromium); "
                "this test needs a real browser and does not skip" % a.chromium)
        print("%d passed, %d failed" % (c.passed, c.failed))
        return 1
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)

    html, rep = os.path.join(out, "examples.html"), os.path.join(out, "examples.json")
    r = subprocess.run([a.factlint, "check", "-q", "-f", "html:" + html, "-f", "json:" + rep,
                        "facts/examples"], cwd=a.source_dir, capture_output=True, text=True)
    c.check(r.returncode in (0, 1), "factlint check -f html -f json facts/examples runs",
            "exit %d: %s" % (r.returncode, r.stderr[-2000:]))
    r = subprocess.run([a.gen_reports, os.path.join(out, "fixture")], capture_output=True,
                       text=True)
    c.check(r.returncode == 0, "fl_gen_reports writes the fixture reports", r.stderr)
    pages = [("examples", html, rep),
             ("fixture", os.path.join(out, "fixture", "report.html"),
              os.path.join(out, "fixture", "report.json"))]
    if a.mutants:
        pages = []
    try:
        with cdp.Browser.launch(a.chromium) as b:
            for name, h, j in pages:
                if not os.path.exists(h) or not os.path.exists(j):
                    c.check(False, "%s: report files exist" % name, h)
                    continue
                with open(j, encoding="utf-8") as fp:
                    report = json.load(fp)
                page = b.new_page()
                try:
                    check_page(c, page, report, h, name, out)
                except cdp.CDPError as e:
                    c.check(False, "%s: the page could be driven" % name, str(e))
            if a.mutants:
                with open(rep, encoding="utf-8") as fp:
                    run_mutants(c, b, html, json.load(fp), out)
            elif a.big > 0:
                try:
                    check_big(c, b, a.gen_reports, out, a.big)
                except cdp.CDPError as e:
                    c.check(False, "big: the page could be driven", str(e))
    except cdp.CDPError as e:
        c.check(False, "chromium starts and answers on the debugging pipe", str(e))
    print("screenshots: %s/html-*.png" % out)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
