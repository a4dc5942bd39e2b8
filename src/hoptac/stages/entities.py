"""Group name mentions into one entity per real-world thing in the document."""
from __future__ import annotations

from difflib import SequenceMatcher

from hoptac.lexicon import lex_key
from hoptac.models import Article, Entity
from hoptac.textnorm import key as fold_key

NAME = "entities"
REQUIRES = ["mentions"]
ASSIGNS = ["entities"]

NAMED = ("PER", "ORG", "LOC", "MISC")


def _strip_head(text: str, heads: dict[str, str]) -> str | None:
    """The name after an organization head word: "Tập đoàn NVIDIA" -> "nvidia"."""
    words = lex_key(text).split()
    for n in range(min(4, len(words) - 1), 0, -1):
        if " ".join(words[:n]) in heads:
            return " ".join(words[n:])
    return None


def _variant_of(fk: str, person_full: dict[str, int]) -> int | None:
    """A person already named in the document whose name differs by a typo in the last word ("Johnsen" for "Johnson")."""
    words = fk.split()
    for other, eid in person_full.items():
        ow = other.split()
        if len(ow) != len(words) or ow[:-1] != words[:-1] or min(len(ow[-1]), len(words[-1])) < 4:
            continue
        if SequenceMatcher(None, ow[-1], words[-1]).ratio() >= 0.85:
            return eid
    return None


def run(a: Article, res) -> None:
    """Assign every PER/ORG/LOC/MISC mention to a document entity."""
    lex = res.lex
    groups: dict[str, int] = {}
    ents: list[Entity] = []
    surfaces: list[list[str]] = []
    person_last: dict[str, int] = {}  # last syllable of a full name -> entity
    person_full: dict[str, int] = {}

    def new(name: str, typ: str, key: str) -> int:
        eid = len(ents)
        ents.append(Entity(eid, name, typ, [], key))
        surfaces.append([])
        groups[key] = eid
        return eid

    named = [m for m in a.mentions if m.type in NAMED]
    # full person names first, so that short mentions before them still resolve
    for m in sorted(named, key=lambda m: (m.type != "PER" or len(m.text.split()) < 2, m.start)):
        key, name, typ = None, m.text, m.type
        if m.how.startswith("lexicon:"):
            canon = m.how.split(":", 1)[1]
            entry = lex.names.get(lex_key(canon))
            typ = entry.type if entry else typ
            key, name = f"{typ}:{fold_key(canon)}", canon
        elif m.type in ("ORG", "LOC") and m.how == "orghead":
            rest = _strip_head(m.text, lex.org_heads)
            entry = lex.names.get(rest) if rest else None
            if entry is not None and entry.type == "ORG":
                key, name, typ = f"ORG:{fold_key(entry.canonical)}", entry.canonical, "ORG"
        elif m.how == "acronym-of":
            prev = [x for x in named if x.sent == m.sent and x.end <= m.start and x.entity >= 0]
            if prev:
                # the outermost name ending nearest the parenthesis: "Cục ... Mỹ (FDA)" is the agency, not Mỹ
                m.entity = max(prev, key=lambda x: (x.end, x.end - x.start)).entity
                surfaces[m.entity].append(m.text)
                groups.setdefault(f"ACR:{fold_key(m.text)}", m.entity)
                continue
        if key is None and typ == "ORG" and m.how == "acronym" and f"ACR:{fold_key(m.text)}" in groups:
            key = f"ACR:{fold_key(m.text)}"
        if key is None and typ in ("PER", "MISC"):
            fk = fold_key(m.text)
            words = fk.split()
            if fk in person_full:
                key = ents[person_full[fk]].key
            elif len(words) == 1 and fk in person_last and (typ == "PER" or m.how == "caps"):
                key = ents[person_last[fk]].key
            elif typ == "MISC" and len(words) >= 2 and fk in person_full:
                key = ents[person_full[fk]].key
        if key is None and typ == "PER" and len(m.text.split()) >= 2:
            near = _variant_of(fold_key(m.text), person_full)
            if near is not None:
                key = ents[near].key
        if key is None:
            key = f"{typ}:{fold_key(m.text)}"
        eid = groups.get(key)
        if eid is None:
            eid = new(name, typ, key)
            if typ == "PER" and len(m.text.split()) >= 2:
                fk = fold_key(m.text)
                person_full[fk] = eid
                person_last.setdefault(fk.split()[-1], eid)
        m.entity = eid
        if ents[eid].type == "PER" and m.type == "MISC":
            m.type = "PER"
        surfaces[eid].append(m.text)

    known = {m.entity for m in named if m.how.startswith("lexicon:") or m.how == "orghead"}
    for e, surf in zip(ents, surfaces):
        if e.id not in known or e.type == "PER":  # otherwise the lexicon's canonical name stays
            e.name = max(surf, key=lambda x: (len(x.split()), len(x)), default=e.name)
        seen = {e.name.casefold()}
        for s in surf:
            if s.casefold() not in seen:
                seen.add(s.casefold())
                e.aliases.append(s)
        e.key = f"{e.type}:{fold_key(e.name)}"
    a.entities = ents
