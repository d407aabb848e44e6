#!/usr/bin/env python3
"""Sanity checks for factlint reference data (standard library only).

Usage: python3 facts/reference/check_reference.py [--root DIR] [FILE ...]

With no FILE arguments, checks facts/reference/exchange-rates.json,
facts/reference/officeholders.json and facts/gazetteer.tsv under the
repository root (default: two directories above this script). A FILE whose
JSON "name" is exchange-rates / officeholders, or which ends in .tsv, is
checked with the matching rules, so user reference files passed to
`factlint --reference` can be checked the same way.

Exit status 0 when clean, 1 when any error was reported. Warnings (suspicious
but not invalid data) do not change the exit status.
"""
import argparse
import datetime
import json
import os
import sys

CURRENCIES = ["USD", "GBP", "EUR", "CNY", "JPY", "HKD", "INR", "CHF", "CAD", "AUD"]
FIRST_YEAR, LAST_YEAR = 1985, 2025
KINDS = {"country", "capital", "city", "region"}
ROLES = {"head_of_state", "head_of_government", "head_of_state_and_government",
         "party_leader", "head_of_executive", "head_of_council"}

errors = []
warnings = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def warn(where, msg):
    warnings.append(f"{where}: warning: {msg}")


def check_header(path, doc, name):
    for key in ("name", "version", "sources", "notes"):
        if key not in doc:
            err(path, f"missing top-level field '{key}'")
    if doc.get("name") != name:
        err(path, f"name is {doc.get('name')!r}, expected {name!r}")
    if not isinstance(doc.get("version"), int):
        err(path, "version must be an integer")
    for i, s in enumerate(doc.get("sources", [])):
        if not isinstance(s, dict) or not s.get("name") or not s.get("url"):
            err(path, f"sources[{i}] needs 'name' and 'url'")


def check_rates(path, doc, full=True):
    check_header(path, doc, "exchange-rates")
    if doc.get("base") != "USD":
        err(path, "base must be USD")
    rates = doc.get("rates")
    if not isinstance(rates, dict):
        err(path, "rates must be an object keyed by year")
        return
    if full:
        for y in range(FIRST_YEAR, LAST_YEAR + 1):
            if str(y) not in rates:
                err(path, f"year {y} missing")
    prev = {}
    for year in sorted(rates, key=lambda k: int(k) if k.isdigit() else 0):
        where = f"{path}: rates[{year}]"
        if not (year.isdigit() and len(year) == 4):
            err(where, "year keys must be 4-digit strings")
            continue
        row = rates[year]
        if full:
            for c in CURRENCIES:
                if c not in row:
                    err(where, f"currency {c} missing")
        for c, v in row.items():
            if len(c) != 3 or not c.isupper():
                err(where, f"currency code {c!r} is not ISO 4217 style")
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
                err(where, f"{c} = {v!r} is not a positive number")
                continue
            if c == "USD" and v != 1:
                err(where, "USD must be 1")
            p = prev.get(c)
            if p and (v / p > 1.6 or p / v > 1.6) and c not in ("CNY",):
                warn(where, f"{c} moved from {p} to {v} year on year (>60%)")
            prev[c] = v
    # HKD peg sanity: 7.70-7.90 since 1984
    for year, row in rates.items():
        h = row.get("HKD")
        if isinstance(h, (int, float)) and not 7.70 <= h <= 7.90:
            warn(f"{path}: rates[{year}]", f"HKD {h} outside the 7.70-7.90 peg range")


def parse_date(where, s):
    try:
        return datetime.date.fromisoformat(s)
    except (TypeError, ValueError):
        err(where, f"bad ISO date {s!r}")
        return None


def check_officeholders(path, doc):
    check_header(path, doc, "officeholders")
    offices = doc.get("offices")
    if not isinstance(offices, list):
        err(path, "offices must be a list")
        return
    seen = set()
    for i, off in enumerate(offices):
        where = f"{path}: offices[{i}] {off.get('country')} {off.get('office')}"
        for key in ("country", "country_name", "office", "role", "holders"):
            if key not in off:
                err(where, f"missing '{key}'")
        key = (off.get("country"), off.get("office"))
        if key in seen:
            err(where, "duplicate country+office")
        seen.add(key)
        if off.get("role") not in ROLES:
            err(where, f"unknown role {off.get('role')!r}")
        prev_end = None
        prev_start = None
        holders = off.get("holders", [])
        for j, h in enumerate(holders):
            hw = f"{where} holders[{j}] {h.get('name')}"
            if not h.get("name"):
                err(hw, "missing name")
            start = parse_date(hw, h.get("start"))
            end = None
            if h.get("end") is not None:
                end = parse_date(hw, h.get("end"))
            elif j != len(holders) - 1:
                err(hw, "only the last holder may have end null")
            if not isinstance(h.get("variants", []), list):
                err(hw, "variants must be a list")
            elif any(not isinstance(v, str) or not v.strip() for v in h.get("variants", [])):
                err(hw, "variants must be non-empty strings")
            if start and end and end < start:
                err(hw, f"end {end} before start {start}")
            if start and prev_start and start < prev_start:
                err(hw, "holders not in date order")
            if start and prev_end and start < prev_end:
                err(hw, f"starts {start} before previous holder ended {prev_end} (overlap)")
            if start and prev_end and (start - prev_end).days > 120:
                warn(hw, f"gap of {(start - prev_end).days} days after previous holder")
            prev_start = start or prev_start
            prev_end = end


def check_gazetteer(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != "name\tkind\tcountry\tvariants":
        err(path, "first line must be the header name<TAB>kind<TAB>country<TAB>variants")
    seen = set()
    for n, line in enumerate(lines[1:], start=2):
        where = f"{path}:{n}"
        cols = line.split("\t")
        if len(cols) != 4:
            err(where, f"{len(cols)} columns, expected 4")
            continue
        name, kind, cc, variants = cols
        if not name.strip() or name != name.strip():
            err(where, "empty name or surrounding whitespace")
        if kind not in KINDS:
            err(where, f"unknown kind {kind!r}")
        if len(cc) != 2 or not cc.isupper() or not cc.isascii():
            err(where, f"country {cc!r} is not an ISO 3166 alpha-2 code")
        if variants:
            vs = variants.split("|")
            if any(not v.strip() or v != v.strip() for v in vs):
                err(where, "empty variant or surrounding whitespace")
        if not name.isascii() and not any(v.isascii() for v in variants.split("|")):
            warn(where, f"{name!r} has no ASCII variant")
        if (name, kind, cc) in seen:
            err(where, f"duplicate entry {name}/{kind}/{cc}")
        seen.add((name, kind, cc))


def check_file(path, full):
    if path.endswith(".tsv"):
        check_gazetteer(path)
        return
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        err(path, f"cannot read JSON: {e}")
        return
    name = doc.get("name")
    if name == "exchange-rates":
        check_rates(path, doc, full)
    elif name == "officeholders":
        check_officeholders(path, doc)
    else:
        warn(path, f"unknown reference name {name!r}; only the header was checked")
        for key in ("name", "version"):
            if key not in doc:
                err(path, f"missing top-level field '{key}'")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.normpath(os.path.join(here, "..", "..")))
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.files:
        for p in a.files:
            check_file(p, full=False)
    else:
        for rel in ("facts/reference/exchange-rates.json",
                    "facts/reference/officeholders.json",
                    "facts/gazetteer.tsv"):
            check_file(os.path.join(a.root, rel), full=True)
    for w in warnings:
        print(w)
    for e in errors:
        print(e, file=sys.stderr)
    print(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
