"""The JSON object `hoptac extract --json` prints for one article (../shared/eval/CONTRACT.md)."""
from __future__ import annotations

import json
from typing import Any

from hoptac.models import Article


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def to_contract(a: Article) -> dict[str, Any]:
    """The contract's fields, with facts named by their entities' canonical names."""
    name = a.entity_name
    sent = a.sentences
    return {
        "source": a.source,
        "title": a.title,
        "published": a.published,
        "language": a.language,
        "text": a.text,
        "entities": [{"name": e.name, "type": e.type, "aliases": e.aliases} for e in a.entities],
        "roles": [{"person": name(r.person), "title": r.title, "organization": r.organization,
                   "as_of": r.as_of} for r in a.roles],
        "events": [{"type": ev.type, "date": ev.date, "location": ev.location,
                    "participants": [name(p) for p in ev.participants],
                    "evidence": sent[ev.sent].text} for ev in a.events],
        "statements": [{"kind": s.kind, "speaker": name(s.speaker), "addressee": name(s.addressee),
                        "content": s.content, "date": s.date, "evidence": sent[s.sent].text,
                        "topics": s.topics} for s in a.statements],
        "figures": [{"value": _num(f.value), "unit": f.unit, "text": f.text, "subject": f.subject,
                     "deadline": f.deadline, "evidence": sent[f.sent].text} for f in a.figures],
        "dates": [{"text": d.text, "value": d.value} for d in a.dates],
        "topics": a.topics,
    }


def removed_view(a: Article) -> list[dict[str, str]]:
    """What the cleaner dropped and why, for --show-removed."""
    return [{"reason": r.reason, "text": r.text} for r in a.removed]


def json_line(doc: dict[str, Any]) -> str:
    """One contract object as `extract --json` and `spark-extract` print it, so their outputs compare equal."""
    return json.dumps(doc, ensure_ascii=False)
