#!/usr/bin/env python3
"""Reference for chiso's throughput: a plain Python script doing comparable number-anchored
extraction with multiprocessing. It loads the same vocabulary (rules/readings.toml and the
plugins' readings.toml), looks at the sentences holding one of its anchor words, finds every
number there with a regex, and keeps a number when the noun after it and the cue words of its
sentence fit a reading (no blockers, windows or confidence: a lower bound on the work).
Usage: baseline.py CORPUS.jsonl|FOLDER [PROCESSES] [--read-only] [--anchors]

--read-only stops after reading, parsing and NFC-normalising each document: Python's floor for
this corpus, before any extraction. --anchors prints the anchor words (for ripgrep) and exits."""
import glob
import json
import multiprocessing as mp
import os
import re
import sys
import tomllib
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUM = re.compile(r"(?:(?:trên|hơn|gần|khoảng|xấp xỉ|dưới)\s+)?\d[\d.,]*(?:/\d[\d.,]*)?(?:\s*(?:%|nghìn|triệu|tỷ))?")
SCOPE = re.compile(r"^(prev|next|before|after|near|sentence|paragraph|document):")


def load_readings():
    files = [os.path.join(ROOT, "rules/readings.toml")]
    files += sorted(glob.glob(os.path.join(ROOT, "plugins/*/readings.toml")))
    parsed = []
    for f in files:
        with open(f, "rb") as fh:
            parsed.append(tomllib.load(fh))
    words = {}
    for p in parsed:
        for name, items in p.get("words", {}).items():
            words.setdefault(name, []).extend(items)

    def group(text):
        text = SCOPE.sub("", text)
        out = []
        for item in (w.strip() for w in text.split("|")):
            out += words.get(item[1:], []) if item.startswith("@") else [item]
        return [w.lower() for w in out if w]

    readings = []
    anchors = set()
    for p in parsed:
        for r in p.get("reading", []):
            nouns = group(" | ".join(r.get("nouns", []))) if r.get("nouns") else []
            cues = [group(c) for c in r.get("cues", [])]
            readings.append((r["indicator"], nouns, cues))
            # As chiso does: the reading's most selective group (longest shortest word) wakes
            # a sentence; paragraph and document cues are not looked for there.
            local = [g for c, g in zip(r.get("cues", []), cues) if not re.match(r"(paragraph|document):", c)]
            candidates = [g for g in [nouns] + local if g]
            if candidates:
                anchors.update(max(candidates, key=lambda g: (min(map(len, g)), -len(g))))
    return readings, sorted(anchors)


READINGS, ANCHORS = load_readings()
ANCHOR = re.compile("|".join(map(re.escape, sorted(ANCHORS, key=len, reverse=True))))
SENTENCE = re.compile(r"[^.!?\n]+")


def extract(text):
    text = unicodedata.normalize("NFC", text)
    found = []
    for s in SENTENCE.finditer(text.lower()):
        lower = s.group()
        if not ANCHOR.search(lower):
            continue
        for m in NUM.finditer(lower):
            after = lower[m.end():m.end() + 40].lstrip()
            for indicator, nouns, cues in READINGS:
                if nouns and not any(after.startswith(n) for n in nouns):
                    continue
                if all(any(w in lower for w in g) for g in cues):
                    found.append((indicator, m.group()))
                    break
    return len(text.encode()), len(found)


def read_only(text):
    text = unicodedata.normalize("NFC", text)
    return len(text.encode()), 0


def documents(path):
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            with open(os.path.join(path, name), encoding="utf-8", errors="replace") as f:
                yield f.read()
    else:
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)["text"]


if __name__ == "__main__":
    if "--anchors" in sys.argv:
        print("\n".join(ANCHORS))
        sys.exit(0)
    procs = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count()
    with mp.Pool(procs) as pool:
        work = read_only if "--read-only" in sys.argv else extract
        results = pool.imap(work, documents(sys.argv[1]), chunksize=256)
        total = sum(n for n, _ in results)
    print(f"baseline: {total} bytes", file=sys.stderr)
