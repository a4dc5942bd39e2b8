"""Export the knowledge base as CSV, JSON Lines and a GraphML entity graph."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import select

from hoptac import stories
from hoptac.store import Store
from hoptac.store import schema as S

TABLES = {
    "documents": (S.documents, ["id", "source", "url", "title", "published", "author", "language",
                                "duplicate_of", "similarity", "topics", "ingested_at"]),
    "entities": (S.entities, ["id", "name", "type"]),
    "mentions": (S.doc_entities, ["doc_id", "entity_id", "name", "type", "aliases"]),
    "roles": (S.roles, ["id", "doc_id", "sent_idx", "char_start", "char_end", "person", "person_entity_id",
                        "title", "organization", "as_of"]),
    "events": (S.events, ["id", "doc_id", "sent_idx", "type", "date", "location", "participants", "evidence"]),
    "statements": (S.statements, ["id", "doc_id", "sent_idx", "char_start", "char_end", "kind", "speaker",
                                  "speaker_entity_id", "addressee", "addressee_entity_id", "content", "date",
                                  "topics", "evidence"]),
    "figures": (S.figures, ["id", "doc_id", "sent_idx", "char_start", "char_end", "value", "unit", "text",
                            "subject", "deadline", "evidence"]),
    "dates": (S.dates, ["id", "doc_id", "sent_idx", "char_start", "char_end", "text", "value"]),
    # one row per real-world event or statement, and which event or statement rows report it
    "stories": (stories.stories, ["id", "kind", "label", "date", "first_seen", "last_seen", "members", "outlets"]),
    "story_members": (stories.story_members, ["story_id", "kind", "fact_id", "doc_id"]),
}


# A cell starting with one of these runs as a formula in Excel or LibreOffice (the fullwidth forms too).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def defuse(value: Any) -> Any:
    """A cell as written to CSV: text a spreadsheet would run as a formula gets a leading ' (shown, not run)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value  # numbers stay numbers: -3.5 is a value, not a formula


def csv_row(row) -> list[Any]:
    """A database row as CSV cells, defused; shared by `hoptac export` and the API's CSV."""
    return [defuse(v) for v in row]


def export(store: Store, out_dir: str | Path, formats: tuple[str, ...] = ("csv", "jsonl", "graphml")) -> list[Path]:
    """Write one CSV and one JSONL file per table and entity_graph.graphml; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with store.engine.connect() as conn:
        for name, (table, cols) in TABLES.items():
            rows = conn.execute(select(*[table.c[c] for c in cols]).order_by(*[table.c[c] for c in cols[:2]]))
            csv_f = jsonl_f = None
            writer = None
            if "csv" in formats:
                csv_f = open(out / f"{name}.csv", "w", newline="", encoding="utf-8")
                writer = csv.writer(csv_f)
                writer.writerow(cols)
            if "jsonl" in formats:
                jsonl_f = open(out / f"{name}.jsonl", "w", encoding="utf-8")
            for row in rows:
                if writer:
                    writer.writerow(csv_row(row))
                if jsonl_f:
                    rec = dict(zip(cols, row))
                    for k in ("participants", "aliases", "topics"):
                        if isinstance(rec.get(k), str):
                            rec[k] = json.loads(rec[k])
                    jsonl_f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            for f, ext in ((csv_f, "csv"), (jsonl_f, "jsonl")):
                if f:
                    f.close()
                    written.append(out / f"{name}.{ext}")
        if "graphml" in formats:
            written.append(_graphml(conn, out / "entity_graph.graphml"))
    return written


def _graphml(conn, path: Path) -> Path:
    """Entities as nodes; edges weighted by shared documents and shared events."""
    nodes = {r.id: r for r in conn.execute(select(S.entities.c.id, S.entities.c.name, S.entities.c.type))}
    by_doc: dict[int, set[int]] = {}
    for doc_id, ent_id in conn.execute(select(S.doc_entities.c.doc_id, S.doc_entities.c.entity_id)):
        if ent_id is not None:
            by_doc.setdefault(doc_id, set()).add(ent_id)
    by_event: dict[int, set[int]] = {}
    for ev_id, ent_id in conn.execute(select(S.event_participants.c.event_id, S.event_participants.c.entity_id)):
        by_event.setdefault(ev_id, set()).add(ent_id)
    co: Counter[tuple[int, int]] = Counter()
    ev: Counter[tuple[int, int]] = Counter()
    for groups, counter in ((by_doc, co), (by_event, ev)):
        for members in groups.values():
            ms = sorted(members)
            for i, a in enumerate(ms):
                for b in ms[i + 1:]:
                    counter[(a, b)] += 1
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
                '  <key id="name" for="node" attr.name="name" attr.type="string"/>\n'
                '  <key id="type" for="node" attr.name="type" attr.type="string"/>\n'
                '  <key id="docs" for="edge" attr.name="shared_documents" attr.type="int"/>\n'
                '  <key id="events" for="edge" attr.name="shared_events" attr.type="int"/>\n'
                '  <graph id="entities" edgedefault="undirected">\n')
        for nid, r in sorted(nodes.items()):
            f.write(f'    <node id="e{nid}"><data key="name">{escape(r.name)}</data>'
                    f'<data key="type">{escape(r.type)}</data></node>\n')
        for (a, b) in sorted(set(co) | set(ev)):
            f.write(f'    <edge source={quoteattr("e%d" % a)} target={quoteattr("e%d" % b)}>'
                    f'<data key="docs">{co[(a, b)]}</data><data key="events">{ev[(a, b)]}</data></edge>\n')
        f.write("  </graph>\n</graphml>\n")
    return path
