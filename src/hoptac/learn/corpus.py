"""The annotated training corpus: record ids and offsets in the repository, texts from the shared bench corpus;
and texts written for training, stored whole with their annotations."""
from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from hoptac.inputs.raw import RawDoc


@dataclass(slots=True)
class Annotated:
    """One annotated excerpt: its text, publication date, split, and the annotation with strings restored."""

    id: str
    text: str
    published: str | None
    split: str  # train | heldout
    ann: dict

    def raw(self) -> RawDoc:
        """The excerpt as the pipeline reads a text input."""
        meta = {"date": self.published} if self.published else {}
        return RawDoc(source=self.id, body=self.text, kind="text", meta=meta)


def _restore(x, text: str):
    """Offsets {"s", "e"} back to the strings they point at, recursively."""
    if isinstance(x, dict):
        if set(x) == {"s", "e"}:
            return text[x["s"]:x["e"]]
        return {k: _restore(v, text) for k, v in x.items()}
    if isinstance(x, list):
        return [_restore(v, text) for v in x]
    return x


def load(folder: str | Path, bench: str | Path, pattern: str = "batch_*.jsonl") -> list[Annotated]:
    """Every annotated excerpt of the folder's files matching pattern, in selection order."""
    folder = Path(folder)
    with open(folder / "selection.tsv", encoding="utf-8") as f:
        sel = {r["id"]: r for r in csv.DictReader(f, delimiter="\t")}
    anns: dict[str, dict] = {}
    for p in sorted(folder.glob(pattern)):
        for line in open(p, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                anns[r["id"]] = r
    recs: dict[str, dict] = {}
    with open(bench, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in anns:
                recs[r["id"]] = r
    out = []
    for rid, row in sel.items():
        if rid not in anns or rid not in recs:
            continue
        text = recs[rid]["text"][: int(row["end"])]
        out.append(Annotated(rid, text, recs[rid].get("published"), row["split"], _restore(anns[rid], text)))
    return out


def split_of(rid: str) -> str:
    """About 15% of the records are held out from training, decided by the id alone (as for the bench)."""
    return "heldout" if int(hashlib.sha1(rid.encode()).hexdigest(), 16) % 100 < 15 else "train"


def load_written(folder: str | Path) -> list[Annotated]:
    """The texts the project wrote itself for training (folder/written/batch_*.jsonl: text and offsets inline)."""
    out = []
    for p in sorted((Path(folder) / "written").glob("batch_*.jsonl")):
        for line in open(p, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                text = r["text"]
                ann = {k: v for k, v in r.items() if k not in ("text", "published")}
                out.append(Annotated(r["id"], text, r.get("published"), split_of(r["id"]), _restore(ann, text)))
    return out


def to_gold(x: Annotated) -> dict:
    """The annotation as a gold file of ../shared/eval/GOLD_FORMAT.md, for the shared scorer."""
    a = x.ann
    return {
        "doc": x.id, "published": None, "body_must_contain": [], "body_must_not_contain": [],
        # MISC names are not scored (only predicted PER, ORG and LOC are): they are optional, as in the shared gold
        "entities": [e for e in a.get("entities", []) if e.get("type") != "MISC"],
        "optional_entities": [e for e in a.get("entities", []) if e.get("type") == "MISC"],
        "roles": a.get("roles", []), "optional_roles": [],
        "events": [{k: v for k, v in e.items() if k != "trigger"} for e in a.get("events", [])],
        "optional_events": [],
        "statements": [{k: v for k, v in s.items() if k != "cue"} for s in a.get("statements", [])],
        "optional_statements": [],
    }
