#!/usr/bin/env python3
"""The window's Chinese against the book's glossary (issue 30.4).

For every term of d2l-zh's TERMINOLOGY.md ("中文，english") that a text of the
window uses (resources/translations/traveller_zh_CN.ts, whole words, any case,
a plural -s allowed), its translations must hold the book's Chinese word, or
the term must be listed with the reason in docs/GLOSSARY-zh_CN.md's section
"Where we differ from the book's glossary". Prints the terms used and where
we differ; exits 1 for an undocumented difference.
"""
import html
import re
import sys


def glossary(path):
    terms = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if "，" not in line or line.startswith("#"):
            continue
        zh, en = line.split("，", 1)
        en = re.sub(r"\s*\(.*?\)", "", en).strip().lower()
        if en and zh:
            terms.append((en, zh.strip()))
    return terms


def messages(path):
    text = open(path, encoding="utf-8").read()
    out = []
    for m in re.finditer(r"<source>(.*?)</source>\s*(?:<comment>.*?</comment>\s*)?<translation>(.*?)</translation>",
                         text, re.S):
        src = html.unescape(m.group(1))
        zh = html.unescape(re.sub(r"</?numerusform>", "", m.group(2)))
        out.append((src, zh))
    return out


def documented(path):
    text = open(path, encoding="utf-8").read()
    at = text.find("## Where we differ from the book's glossary")
    if at < 0:
        return set()
    rows = set()
    for line in text[at:].splitlines()[1:]:
        if line.startswith("## "):
            break
        m = re.match(r"\|\s*([^|]+?)\s*\|", line)
        if m and not m.group(1).startswith("-") and m.group(1).lower() != "english":
            rows.add(m.group(1).lower())
    return rows


def main():
    terminology, ts, ours = sys.argv[1:4]
    msgs = messages(ts)
    differ_ok = documented(ours)
    used, differ = [], []
    for en, zh in glossary(terminology):
        pattern = re.compile(r"(?<![A-Za-z-])" + re.escape(en) + r"s?(?![A-Za-z-])", re.I)
        hits = [(s, t) for s, t in msgs if pattern.search(s)]
        if not hits:
            continue
        used.append(en)
        misses = [(s, t) for s, t in hits if zh not in t]
        if misses:
            differ.append((en, zh, misses))
    print(f"{len(used)} of the book's terms are used by the window: {', '.join(sorted(used))}")
    bad = 0
    for en, zh, misses in differ:
        known = en in differ_ok
        print(f"{'documented' if known else 'UNDOCUMENTED'}: '{en}' (book: {zh}) differs in {len(misses)} text(s), "
              f"e.g. {misses[0][0]!r} -> {misses[0][1]!r}")
        bad += 0 if known else 1
    if bad:
        print(f"{bad} difference(s) from the book's glossary are not explained in {ours}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
