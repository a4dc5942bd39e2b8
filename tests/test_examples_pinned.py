"""Every statement of every example article, pinned: the project's own examples must read right.

tests/pinned/example_statements.json holds, per example, each statement as [kind, speaker, addressee, content];
it was written from the extractor's output after each statement was checked by hand against its article.
A change to extraction that alters one of them fails here: check the new reading, then rewrite the file with
`.venv/bin/python tests/test_examples_pinned.py --write`.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from hoptac.inputs import read_inputs
from hoptac.pipeline import Pipeline
from paths import EXAMPLES

PINNED = Path(__file__).resolve().parent / "pinned" / "example_statements.json"


def current(pipeline) -> dict[str, list]:
    out = {}
    for raw in read_inputs(sorted(str(p) for p in EXAMPLES.iterdir()), pipeline.opts):
        if not hasattr(raw, "body"):
            continue
        a = pipeline(raw)
        key = raw.source if raw.source.startswith("http") else Path(raw.source).name
        out[key] = [[s.kind, a.entity_name(s.speaker), a.entity_name(s.addressee), s.content] for s in a.statements]
    return out


def test_every_example_statement_is_pinned(pipeline):
    want = json.loads(PINNED.read_text(encoding="utf-8"))
    got = current(pipeline)
    assert set(got) == set(want)
    for name in want:
        assert got[name] == want[name], name


def test_the_december_2024_nvidia_example_reads_right(pipeline):
    """The new user's example: the three numbered requests, Jensen Huang's commitment, his titles."""
    got = current(pipeline)["01_nvidia_hop_tac_2024.txt"]
    requests = [s for s in got if s[0] == "request" and s[2] == "NVIDIA"]
    assert len(requests) == 3 and all(s[1] == "Phạm Minh Chính" for s in requests)
    assert ["commitment", "Jensen Huang", None, 'biến Việt Nam thành "ngôi nhà thứ hai" của NVIDIA'] in got
    assert not any(s[0] == "agreement" and s[3] == "vừa ký" for s in got)
    raw = next(iter(read_inputs([str(EXAMPLES / "01_nvidia_hop_tac_2024.txt")], pipeline.opts)))
    a = pipeline(raw)
    titles = {(a.entity_name(r.person), r.title) for r in a.roles}
    assert ("Jensen Huang", "Chủ tịch") in titles and ("Jensen Huang", "Tổng Giám đốc") in titles
    assert not any(p == "Jensen Huang" and t.startswith("Bộ trưởng") for p, t in titles)


if __name__ == "__main__" and "--write" in sys.argv:
    PINNED.write_text(json.dumps(current(Pipeline()), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {PINNED}")
