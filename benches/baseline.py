#!/usr/bin/env python3
"""Reference for chiso's throughput: a plain Python script doing comparable regex extraction
(the core pack's trigger words, then one regex per rule, on every sentence that holds a
trigger) with multiprocessing. Usage: baseline.py CORPUS.jsonl|FOLDER [PROCESSES] [--read-only]

--read-only stops after reading, parsing and NFC-normalising each document: Python's floor for
this corpus, before any extraction."""
import json
import multiprocessing as mp
import os
import re
import sys
import tomllib
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUM = r"(?:(?:trên|hơn|gần|khoảng|xấp xỉ|dưới)\s+)?\d[\d.,]*(?:\s*(?:nghìn|triệu|tỷ))?"
WORDS = {
    "PARTY_MEMBER": r"đảng viên|ĐV", "PARTY_ORG": r"chi bộ|đảng bộ|tổ chức đảng|TCCSĐ",
    "ENTERPRISE": r"doanh nghiệp|DN|công ty", "NTM": r"nông thôn mới|NTM",
    "VILLAGE_HEAD": r"trưởng thôn|trưởng bản|tổ trưởng tổ dân phố",
}


def load_rules():
    rules = []
    for folder in ["rules/core"] + [f"plugins/{p}/rules" for p in sorted(os.listdir(os.path.join(ROOT, "plugins")))]:
        path = os.path.join(ROOT, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith(".toml"):
                with open(os.path.join(path, name), "rb") as f:
                    for r in tomllib.load(f).get("rule", []):
                        # Comparable, simplified: every placeholder becomes a plain number or word class.
                        pat = re.sub(r"%\{(\w+)(?::\w+)?\}", lambda m: f"(?:{WORDS.get(m.group(1), NUM)})", r["pattern"])
                        pat = re.sub(r"\(\?P<\w+>", "(?:", pat)
                        try:
                            rules.append((r["indicator"], [t.lower() for t in r.get("triggers", [])], re.compile(pat, re.I)))
                        except re.error:
                            pass
    return rules


RULES = load_rules()
SENTENCE = re.compile(r"[^.!?\n]+")


def extract(text):
    text = unicodedata.normalize("NFC", text)
    lower = text.lower()
    found = []
    for indicator, triggers, rx in RULES:
        if triggers and not any(t in lower for t in triggers):
            continue
        for s in SENTENCE.finditer(text):
            for m in rx.finditer(s.group()):
                found.append((indicator, m.group()))
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
    procs = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count()
    with mp.Pool(procs) as pool:
        work = read_only if "--read-only" in sys.argv else extract
        results = pool.imap(work, documents(sys.argv[1]), chunksize=256)
        total = sum(n for n, _ in results)
    print(f"baseline: {total} bytes", file=sys.stderr)
