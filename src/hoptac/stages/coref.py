"""Resolve short references: a bare title ("Phó Thủ tướng"), a bare head ("Tập đoàn"), "ông"."""
from __future__ import annotations

import re

from hoptac.lexicon import lex_key
from hoptac.models import Article, Mention

NAME = "coref"
REQUIRES = ["roles"]
ASSIGNS = ["references"]

PRONOUN_WINDOW = 3  # sentences back that "ông" may reach


def resolve_title(a: Article, m: Mention) -> int | None:
    """The person the article gave this title, nearest before the mention, else the first after."""
    k = lex_key(m.text)
    holders = [r for r in a.roles if lex_key(r.title) == k]
    if not holders:
        holders = [r for r in a.roles if lex_key(r.title).endswith(k) or k.endswith(lex_key(r.title))]
    before = [r for r in holders if r.start <= m.start]
    if before:
        return max(before, key=lambda r: r.start).person
    return min(holders, key=lambda r: r.start).person if holders else None


def resolve_head(a: Article, m: Mention) -> int | None:
    """The organization a bare head word refers to: the nearest one named with that head."""
    head = lex_key(m.text)
    cands = []
    for x in a.mentions:
        if x.entity < 0 or x is m or x.type != "ORG":
            continue
        surf = lex_key(x.text)
        ent = a.entities[x.entity]
        if surf.startswith(head + " ") or any(lex_key(al).startswith(head + " ") for al in ent.aliases):
            cands.append(x)
    if not cands:
        return None
    before = [x for x in cands if x.start < m.start]
    pick = max(before, key=lambda x: x.start) if before else min(cands, key=lambda x: x.start)
    return pick.entity


OBJECT_BEFORE = re.compile(r"(?:của|với|cho|tiếp|đón|gặp|mời|cảm ơn|thăm|về|đối với|biết ơn)\s*$", re.I)


def resolve_pronoun(a: Article, m: Mention) -> int | None:
    """The person most recently named as a subject before "ông"/"bà" (within a few sentences)."""
    best = None
    for x in a.mentions:
        if x.start >= m.start or m.sent - x.sent > PRONOUN_WINDOW:
            continue
        before = a.text[max(0, x.start - 12):x.start]
        if OBJECT_BEFORE.search(re.sub(r"\b(?:ông|bà|ngài)\s*$", "", before, flags=re.I)):
            continue
        pid = x.entity if x.type in ("PER", "TITLE") and x.entity >= 0 else None
        if pid is not None and a.entities[pid].type == "PER" and (best is None or x.start > best[0]):
            best = (x.start, pid)
    return best[1] if best else None


def salient_party(a: Article, si: int, org_weight: int = 1) -> int | None:
    """The person or organization the article has named most often up to sentence si: whom a sentence that
    leaves its subject out is about (organizations may count org_weight times)."""
    counts: dict[int, int] = {}
    for m in a.mentions:
        if m.sent <= si and 0 <= m.entity < len(a.entities) and a.entities[m.entity].type in ("PER", "ORG"):
            counts[m.entity] = counts.get(m.entity, 0) + (org_weight if a.entities[m.entity].type == "ORG" else 1)
    return max(counts, key=lambda e: (counts[e], -e)) if counts else None


def run(a: Article, res) -> None:
    """Point every TITLE, HEAD and PRON mention at an entity where the article allows it."""
    for m in a.mentions:
        if m.type == "TITLE" and m.entity <= -2:  # part of a role: refers to that role's person
            m.entity = -2 - m.entity
    for kind, fn in (("TITLE", resolve_title), ("HEAD", resolve_head), ("PRON", resolve_pronoun)):
        for m in a.mentions:
            if m.type == kind and m.entity < 0:
                pid = fn(a, m)
                m.entity = pid if pid is not None else -1
