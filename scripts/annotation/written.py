#!/usr/bin/env python3
"""Check and convert the written training articles: texts the project wrote itself, annotated like the bench.

    written.py check FILE          every problem, one line each; exit 1 if any
    written.py convert FILE OUT    the same records with every annotated string replaced by offsets into "text"

A record is {"id": "w<batch>_<n>", "published": "YYYY-MM-DD", "text": "...", "entities": [...], "roles": [...],
"events": [...], "statements": [...]} with the strings of GUIDELINES.md. These texts are invented for training
(not news from anywhere), so unlike the bench excerpts they are stored in the repository with their annotations.
"""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("annotation_tool", Path(__file__).with_name("tool.py"))
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

ID = re.compile(r"^w\d+_\d+$")


def run(path: str, out_path: str | None) -> int:
    problems: list[str] = []
    out, seen = [], set()
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{path}:{n}: not JSON: {e}")
            continue
        rid, text = r.get("id"), r.get("text")
        if not isinstance(rid, str) or not ID.match(rid):
            problems.append(f"{path}:{n}: id {rid!r} is not w<batch>_<n>")
            continue
        if rid in seen:
            problems.append(f"{rid}: written twice")
        seen.add(rid)
        if not isinstance(text, str) or len(text.split()) < 40:
            problems.append(f"{rid}: text missing or shorter than 40 words")
            continue
        if r.get("published") is not None and not tool.DATE.match(str(r["published"])):
            problems.append(f"{rid}: published {r.get('published')!r} is not YYYY-MM-DD")
        conv = tool.convert_record(r, {rid: {"end": len(text)}}, {rid: text}, problems)
        if conv:
            conv["text"], conv["published"] = text, r.get("published")
            out.append(conv)
    return tool.finish(problems, out, len(seen), out_path)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["check"] and len(a) == 2:
        sys.exit(run(a[1], None))
    if a[:1] == ["convert"] and len(a) == 3:
        sys.exit(run(a[1], a[2]))
    print(__doc__)
    sys.exit(2)
