#!/usr/bin/env python3
"""Generates docs/lua-api.md from the /*** ... */ doc blocks in engine/lua/*.c.

    lua_api_docs.py SOURCE_DIR --write   rewrite docs/lua-api.md
    lua_api_docs.py SOURCE_DIR --check   fail (exit 1) when a function registered
                                         to Lua (an entry of a luaL_Reg array) has
                                         no doc block, or docs/lua-api.md is stale

A doc block is a comment that starts with "/***" right before the function it
documents (or on its own for a value); its first line is the signature.
"""
import glob
import os
import re
import sys

SECTIONS = [
    ("factlint.rule", "Registering a rule"),
    ("report", "Reporting findings"),
    ("article", "Articles"),
    ("fact", "Facts"),
    ("factlint.re", "Regular expressions"),
    ("regex", "Regular expressions"),
    ("factlint.util", "Helpers: factlint.util"),
    ("factlint.reference", "Reference facts"),
    ("factlint.version", "Registering a rule"),
    ("", "The sandboxed base library"),
]
ORDER = ["Registering a rule", "Reporting findings", "Articles", "Facts", "Regular expressions",
         "Helpers: factlint.util", "Reference facts", "The sandboxed base library"]

REG = re.compile(r"static\s+const\s+luaL_Reg\s+\w+\[\]\s*=\s*\{(.*?)\};", re.S)
ENTRY = re.compile(r'\{\s*"([^"]+)"\s*,\s*(\w+)\s*\}')
BLOCK = re.compile(r"/\*\*\*\n(.*?)\*/", re.S)


def section(sig):
    for prefix, name in sorted(SECTIONS, key=lambda p: -len(p[0])):
        if sig.startswith(prefix):
            return name
    return ORDER[-1]


def parse(src_dir):
    blocks, missing = [], []
    for path in sorted(glob.glob(os.path.join(src_dir, "engine", "lua", "*.c"))):
        text = open(path, encoding="utf-8").read()
        rel = os.path.relpath(path, src_dir)
        for m in BLOCK.finditer(text):
            lines = [re.sub(r"^ ?\* ?", "", l) for l in m.group(1).split("\n")]
            lines = [l.rstrip() for l in lines]
            while lines and not lines[-1]:
                lines.pop()
            head = 0
            while head < len(lines) and lines[head].strip():
                head += 1
            sig = " ".join(l.strip() for l in lines[:head])
            body = "\n".join(lines[head:]).strip()
            blocks.append((section(sig), sig, body, rel))
        for reg in REG.finditer(text):
            for name, func in ENTRY.findall(reg.group(1)):
                d = re.search(r"static\s+int\s+" + func + r"\s*\(lua_State", text)
                if not d:
                    missing.append(f"{rel}: '{name}' ({func}): definition not found")
                    continue
                before = text[:d.start()].rstrip()
                start = before.rfind("/*")
                if not before.endswith("*/") or not before.startswith("/***", start):
                    missing.append(f"{rel}: '{name}' ({func}) has no /*** doc block")
    return blocks, missing


def render(blocks):
    out = ["# factlint Lua API", "",
           "Generated from the `/***` doc blocks in `engine/lua/*.c` by",
           "`tests/lua/lua_api_docs.py --write`; a test fails when this file is stale or a",
           "function registered to Lua has no doc block.  For a tutorial see",
           "[writing-rules.md](writing-rules.md).", ""]
    for name in ORDER:
        items = sorted((b for b in blocks if b[0] == name), key=lambda b: b[1])
        if not items:
            continue
        out += [f"## {name}", ""]
        for _, sig, body, rel in items:
            out += [f"### `{sig}`", "", body, "", f"<sub>{rel}</sub>", ""]
    return "\n".join(out).rstrip() + "\n"


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("--write", "--check"):
        print(__doc__, file=sys.stderr)
        return 2
    src = sys.argv[1]
    blocks, missing = parse(src)
    doc = os.path.join(src, "docs", "lua-api.md")
    text = render(blocks)
    if missing:
        print("\n".join(missing), file=sys.stderr)
        return 1
    if sys.argv[2] == "--write":
        with open(doc, "w", encoding="utf-8") as f:
            f.write(text)
        return 0
    try:
        current = open(doc, encoding="utf-8").read()
    except OSError:
        current = ""
    if current != text:
        print(f"{doc} is stale: run tests/lua/lua_api_docs.py {src} --write", file=sys.stderr)
        return 1
    print(f"{len(blocks)} doc blocks, docs/lua-api.md is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
