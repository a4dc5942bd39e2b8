#!/usr/bin/env python3
"""Annotators' helper: show a batch, check an annotation file, convert it to offsets (standard library only).

    tool.py show BATCH [--reannot]        the excerpts to annotate, each under a '### id' line
    tool.py check FILE                    every problem, one line each; exit 1 if any
    tool.py convert FILE OUT              the same annotations with every string replaced by offsets

Annotators write strings copied from the text (easy to read and check); the repository stores only record ids,
offsets and labels, never the article text (data/annotations/README.md).
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT.parent / "shared" / "corpus" / "bench" / "dantri-2019-2021.jsonl"
SELECTION = ROOT / "data" / "annotations" / "selection.tsv"
KINDS = {"request", "commitment", "intent", "agreement"}
EVENT_TYPES = {"meeting", "conference", "visit", "agreement", "launch", "policy", "investment", "other"}
ENTITY_TYPES = {"PER", "ORG", "LOC", "MISC"}
DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def selection() -> dict[str, dict]:
    with open(SELECTION, encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(f, delimiter="\t")}


def records(ids: set[str]) -> dict[str, dict]:
    out = {}
    with open(BENCH, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in ids:
                out[r["id"]] = r
    return out


def texts(ids: set[str]) -> dict[str, str]:
    return {k: r["text"] for k, r in records(ids).items()}


def show(batch: str, reannot: bool) -> None:
    sel = selection()
    ids = [i for i, r in sel.items() if (r["reannotate_in"] if reannot else r["batch"]) == batch]
    rs = records(set(ids))
    for i in ids:
        print(f"### {i}  (published {rs[i].get('published')})\n{rs[i]['text'][: int(sel[i]['end'])]}\n")


class Checker:
    """Finds every string of one annotated record in its excerpt."""

    def __init__(self, rid: str, text: str, problems: list[str]):
        self.rid, self.text, self.p = rid, text, problems

    def span(self, s, where: tuple[int, int] | None = None, what: str = "") -> dict | None:
        if s is None:
            return None
        if not isinstance(s, str) or not s.strip():
            self.p.append(f"{self.rid}: {what}: not a non-empty string: {s!r}")
            return None
        lo, hi = where or (0, len(self.text))
        k = self.text.find(s, lo, hi)
        if k < 0:
            k2 = self.text.find(s)
            if k2 < 0:
                self.p.append(f"{self.rid}: {what}: not found verbatim in the excerpt: {s[:80]!r}")
                return None
            if where:
                self.p.append(f"{self.rid}: {what}: not inside its evidence sentence: {s[:80]!r}")
                return None
            k = k2
        return {"s": k, "e": k + len(s)}

    def names(self, xs, what: str) -> list:
        if xs is None:
            return []
        if isinstance(xs, str):
            xs = [xs]
        return [self.span(x, None, what) for x in xs]


def convert_record(r: dict, sel: dict, tx: dict, p: list[str]) -> dict | None:
    rid = r.get("id")
    if rid not in sel:
        p.append(f"{rid}: not in selection.tsv")
        return None
    text = tx[rid][: int(sel[rid]["end"])]
    c = Checker(rid, text, p)
    out = {"id": rid, "entities": [], "roles": [], "events": [], "statements": []}
    for e in r.get("entities", []):
        if e.get("type") not in ENTITY_TYPES:
            p.append(f"{rid}: entity type {e.get('type')!r}")
        out["entities"].append({"type": e.get("type"), "names": c.names(e.get("names"), "entity name")})
    for ro in r.get("roles", []):
        out["roles"].append({"person": c.span(ro.get("person"), None, "role person"),
                             "title": c.span(ro.get("title"), None, "role title"),
                             "organization": c.span(ro.get("organization"), None, "role organization")})
    for ev in r.get("events", []):
        if ev.get("type") not in EVENT_TYPES:
            p.append(f"{rid}: event type {ev.get('type')!r}")
        if ev.get("date") is not None and not DATE.match(str(ev.get("date"))):
            p.append(f"{rid}: event date {ev.get('date')!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        evi = c.span(ev.get("evidence"), None, "event evidence")
        w = (evi["s"], evi["e"]) if evi else None
        out["events"].append({"type": ev.get("type"), "date": ev.get("date"),
                              "location": c.span(ev.get("location"), None, "event location"),
                              "participants": c.names(ev.get("participants"), "event participant"),
                              "trigger": c.span(ev.get("trigger"), w, "event trigger"), "evidence": evi})
    for st in r.get("statements", []):
        if st.get("kind") not in KINDS:
            p.append(f"{rid}: statement kind {st.get('kind')!r}")
        evi = c.span(st.get("evidence"), None, "statement evidence")
        w = (evi["s"], evi["e"]) if evi else None
        out["statements"].append({"kind": st.get("kind"),
                                  "speaker": c.span(st.get("speaker"), None, "statement speaker"),
                                  "addressee": c.span(st.get("addressee"), None, "statement addressee"),
                                  "cue": c.span(st.get("cue"), w, "statement cue"),
                                  "content": c.span(st.get("content"), w, "statement content"),
                                  "evidence": evi})
    return out


def run(path: str, out_path: str | None) -> int:
    sel = selection()
    recs = []
    p: list[str] = []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if line.strip():
            try:
                recs.append(json.loads(line))
            except json.JSONDecodeError as e:
                p.append(f"line {n}: not JSON: {e}")
    tx = texts({r.get("id") for r in recs})
    seen = set()
    conv = []
    for r in recs:
        if r.get("id") in seen:
            p.append(f"{r.get('id')}: annotated twice")
        seen.add(r.get("id"))
        c = convert_record(r, sel, tx, p)
        if c:
            conv.append(c)
    return finish(p, conv, len(recs), out_path)


def finish(problems: list[str], converted: list[dict], n: int, out_path: str | None) -> int:
    """Print every problem, one line each; write the converted records only when there is none."""
    for line in problems:
        print(line)
    print(f"{n} records, {len(problems)} problems", file=sys.stderr)
    if out_path and not problems:
        with open(out_path, "w", encoding="utf-8") as f:
            for c in converted:
                f.write(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["show"]:
        show(a[1], "--reannot" in a)
    elif a[:1] == ["check"]:
        sys.exit(run(a[1], None))
    elif a[:1] == ["convert"]:
        sys.exit(run(a[1], a[2]))
    else:
        print(__doc__)
        sys.exit(2)
