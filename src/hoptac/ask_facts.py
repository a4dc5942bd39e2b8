"""Questions about requests, commitments, plans and agreements, answered from the stored statements that
satisfy what the question says: who speaks, to whom, which kind, and when.

"A đề nghị B những gì?" reads as speaker A, addressee B, kind request; "tháng 12/2024", "năm 2024", "năm
ngoái", "lần gần nhất" narrow the time. The parties are the entities the question names, found through the
entities' (type, key) index; a person's statement counts for the organization the article gives them a role
in. Candidates come from the statement and (entity, document) indexes, never from a scan; the answer lists
each story once, newest first, with its speaker, addressee and date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import Connection, select

from hoptac.isodate import full_day
from hoptac.lexicon import Lexicons, read_tsv
from hoptac.sites import host
from hoptac.stories import outlet, story_of
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.textnorm import key

MAX_GRAM = 6  # words in the longest name looked up
PER_PARTY = 400  # latest statements read per party and index: bounded however large the archive
PARTY_DOCS = 300  # latest articles of an organization searched for its people's statements
MAX_STORIES = 8  # stories an answer lists


@lru_cache(maxsize=1)
def _verbs() -> tuple[tuple[str, str], ...]:
    """(folded verb, kind), longest first so "dat muc tieu" wins over "muc tieu"."""
    rows = [(r["verb"], r["kind"]) for r in read_tsv("question_kinds.tsv")]
    return tuple(sorted(rows, key=lambda x: -len(x[0])))


@lru_cache(maxsize=1)
def _titles() -> tuple[str, ...]:
    """Folded titles, longest first ("pho thu tuong" before "thu tuong")."""
    return tuple(sorted({key(t) for t in Lexicons.load().titles.values() if key(t)}, key=lambda t: -len(t)))


@dataclass(slots=True)
class Party:
    """An entity the question names, where it sits in the folded question, and how it may be written."""

    ids: list[int]
    name: str
    type: str
    start: int
    keys: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Constraints:
    """What a statement must satisfy to answer the question."""

    kind: str
    verb_at: int
    speakers: list[Party] = field(default_factory=list)
    addressees: list[Party] = field(default_factory=list)
    speaker_title: str | None = None  # "thu tuong": the speaker holds this title
    when: str | None = None  # a date prefix: "2024-12", "2024"
    latest: bool = False  # "lần gần nhất": the latest date only


def read(store: Store, q: str, today: date | None = None) -> Constraints | None:
    """The question's constraints, or None when it names no kind of statement."""
    k = f" {key(q)} "
    verb = None
    for v, kind in _verbs():
        m = re.search(rf" {re.escape(v)} ", k)
        if m and (verb is None or m.start() < verb[0]):
            verb = (m.start(), kind)
    if verb is None:
        return None
    c = Constraints(kind=verb[1], verb_at=verb[0])
    for p in parties(store, k, q):
        if p.type == "LOC" and p.start < c.verb_at:
            continue  # "Việt Nam đề nghị ...": the country speaks through its officials, any of them
        (c.speakers if p.start < c.verb_at else c.addressees).append(p)
    before = k[:c.verb_at + 1]  # with the space that ends its last word
    for t in _titles():
        if f" {t} " in before:
            c.speaker_title = t
            break
    c.when, c.latest = _when(k, today or date.today())
    return c


def parties(store: Store, k: str, q: str | None = None) -> list[Party]:
    """The people, organizations and places a folded question names: longest names first, not overlapping.
    With the question as typed (q), a name must start with a capital where the asker used capitals at all
    ("chỉ đạo" is no person, whatever some article's tagger thought)."""
    words = k.split()
    typed = re.findall(r"[\w&]+", q) if q else []
    caps = len(typed) == len(words) and any(w[:1].isupper() for w in typed[1:])
    spans: dict[str, tuple[int, int]] = {}
    for n in range(MAX_GRAM, 0, -1):
        for i in range(len(words) - n + 1):
            g = " ".join(words[i:i + n])
            if n == 1 and (len(g) < 3 or g.isdigit()):
                continue
            spans.setdefault(g, (i, i + n))
    if not spans:
        return []
    e = S.entities
    types = ("PER", "ORG", "LOC")
    with store.engine.connect() as conn:
        rows = conn.execute(select(e.c.id, e.c.name, e.c.type, e.c.key).where(
            e.c.key.in_([f"{t}:{g}" for t in types for g in spans]))).all()
    found: dict[str, list] = {}
    for r in rows:
        g = r.key.split(":", 1)[1]
        if len(g.split()) == 1 and r.type != "ORG":
            continue  # one word names an organization ("nvidia"), rarely a person or place
        found.setdefault(g, []).append(r)
    taken: set[int] = set()
    out = []
    for g in sorted(found, key=lambda x: (-len(x.split()), spans[x][0])):
        i, j = spans[g]
        if taken & set(range(i, j)):
            continue
        if caps and not typed[i][:1].isupper() and not typed[i][:1].isdigit():
            continue
        taken |= set(range(i, j))
        rs = found[g]
        start = len(" " + " ".join(words[:i]) + " ") - 1 if i else 0
        out.append(Party([r.id for r in rs], rs[0].name, rs[0].type, start, {g}))
    return sorted(out, key=lambda p: p.start)


def _when(k: str, today: date) -> tuple[str | None, bool]:
    latest = bool(re.search(r" (?:lan|dot) (?:gan day nhat|gan nhat|moi nhat|cuoi cung) | gan day nhat ", k))
    if m := re.search(r" thang (\d{1,2}) (?:nam )?((?:19|20)\d{2}) ", k):
        return f"{m.group(2)}-{int(m.group(1)):02d}", latest
    if m := re.search(r" (\d{1,2}) ((?:19|20)\d{2}) ", k):  # "12/2024" folds to "12 2024"
        if 1 <= int(m.group(1)) <= 12:
            return f"{m.group(2)}-{int(m.group(1)):02d}", latest
    if m := re.search(r" nam ((?:19|20)\d{2}) ", k):
        return m.group(1), latest
    if " nam ngoai " in k or " nam truoc " in k:
        return str(today.year - 1), latest
    if " nam nay " in k:
        return str(today.year), latest
    return None, latest


@dataclass(slots=True)
class Fact:
    """A statement that satisfies the question, with what the answer shows of it."""

    id: int
    doc_id: int
    sentence: int
    kind: str
    speaker: str | None
    addressee: str | None
    content: str
    when: str | None
    evidence: str
    source: str
    title: str | None
    published: str | None
    outlet: str
    via: str | None = None  # the organization a person spoke for
    story: int | None = None
    site: str | None = None  # the outlet's web address, when the article has one (what readers are shown)


def answer(store: Store, c: Constraints) -> list[list[Fact]]:
    """The statements that satisfy the constraints, grouped by story, newest story first."""
    if not (c.speakers or c.addressees):
        return []
    with store.engine.connect() as conn:
        rows = _candidates(conn, c)
        facts = [f for f in (_check(conn, c, r) for r in rows) if f is not None]
        stories = story_of(conn, "statement", [f.id for f in facts])
    groups: dict[object, list[Fact]] = {}
    for f in facts:
        f.story = stories.get(f.id, (None, 1))[0]
        groups.setdefault(f.story if f.story is not None else ("fact", f.id), []).append(f)
    out = sorted(groups.values(), key=lambda g: max((x.when or x.published or "") for x in g), reverse=True)
    if c.latest and out:
        newest = max((x.when or x.published or "")[:10] for x in out[0])
        out = [g for g in out if max((x.when or x.published or "")[:10] for x in g) == newest]
    for g in out:
        g.sort(key=lambda x: (x.published or "", x.id))
    return out[:MAX_STORIES]


def _candidates(conn: Connection, c: Constraints) -> list:
    """Statements of the kind by or to the named parties, through the speaker and addressee indexes, and those
    of people speaking in the latest articles of a named organization (their roles are checked after)."""
    st, d = S.statements, S.documents
    cols = (st.c.id, st.c.doc_id, st.c.sent_idx, st.c.kind, st.c.speaker, st.c.speaker_entity_id, st.c.addressee,
            st.c.addressee_entity_id, st.c.content, st.c.date, st.c.evidence, d.c.source, d.c.url, d.c.title,
            d.c.published)
    seen: dict[int, object] = {}

    def take(where) -> None:
        for r in conn.execute(select(*cols).join(d, d.c.id == st.c.doc_id)
                              .where(st.c.kind == c.kind, where).order_by(st.c.id.desc()).limit(PER_PARTY)):
            seen.setdefault(r.id, r)

    side = c.speakers or c.addressees
    for p in side:
        take(st.c.speaker_entity_id.in_(p.ids) if c.speakers else st.c.addressee_entity_id.in_(p.ids))
        if p.type == "ORG":
            docs = select(S.doc_entities.c.doc_id).where(S.doc_entities.c.entity_id.in_(p.ids)) \
                .order_by(S.doc_entities.c.doc_id.desc()).limit(PARTY_DOCS).subquery()
            take(st.c.doc_id.in_(select(docs.c.doc_id)))
    return list(seen.values())


def _names(conn: Connection, ids: list[int]) -> set[str]:
    """Folded keys an entity goes by in the articles (its name and the aliases they used)."""
    out = set()
    for name, aliases in conn.execute(select(S.doc_entities.c.name, S.doc_entities.c.aliases)
                                      .where(S.doc_entities.c.entity_id.in_(ids)).limit(50)):
        out.add(key(name))
        out.update(key(a) for a in re.findall(r'"([^"]+)"', aliases or ""))
    return {x for x in out if x}


def _party_keys(conn: Connection, p: Party) -> set[str]:
    if len(p.keys) == 1:
        p.keys |= _names(conn, p.ids)
    return p.keys


def _is(conn: Connection, p: Party, entity_id: int | None, text: str | None) -> bool:
    """The statement's party (its entity, else its words) is this one."""
    if entity_id is not None and entity_id in p.ids:
        return True
    t = f" {key(text or '')} "
    return any(f" {k} " in t for k in _party_keys(conn, p))


def _speaks_for(conn: Connection, p: Party, r) -> bool:
    """The person who made the statement holds a role in the organization, in that article."""
    if r.speaker_entity_id is None:
        return False
    rl = S.roles
    for title, org in conn.execute(select(rl.c.title, rl.c.organization).where(
            rl.c.person_entity_id == r.speaker_entity_id, rl.c.doc_id == r.doc_id)):
        o = f" {key(org or '')} {key(title or '')} "
        if any(f" {k} " in o for k in _party_keys(conn, p)):
            return True
    return False


def _check(conn: Connection, c: Constraints, r) -> Fact | None:
    """A Fact when the statement satisfies every constraint of the question, else None."""
    via = None
    for p in c.speakers:
        if _is(conn, p, r.speaker_entity_id, r.speaker):
            continue
        if not (p.type == "ORG" and _speaks_for(conn, p, r)):
            return None
        via = p.name  # an NVIDIA vice-president's pledge is NVIDIA's, said through them
    for p in c.addressees:
        if not _is(conn, p, r.addressee_entity_id, r.addressee):
            if p.type == "LOC" and r.addressee is None:
                continue  # "hứa gì với Việt Nam": most pledges name no addressee
            return None
    if c.addressees and not c.speakers:
        # the partner asked is not the one asking ("Việt Nam đề nghị NVIDIA": not NVIDIA's own requests)
        if any(_is(conn, p, r.speaker_entity_id, r.speaker) for p in c.addressees):
            return None
    if c.speaker_title and not _titled(c.speaker_title, r.speaker) and not _has_title(conn, c, r):
        return None
    when = r.date or r.published
    if c.when and not ((r.date or "").startswith(c.when) or (r.published or "").startswith(c.when)):
        return None
    return Fact(r.id, r.doc_id, r.sent_idx, r.kind, r.speaker, r.addressee, r.content, when, r.evidence,
                r.source, r.title, r.published, outlet(r.source, r.url), via, site=host(r.url, r.source))


def _titled(title: str, text: str | None) -> bool:
    """The words start with the title: "Thủ tướng Chính phủ" is a Thủ tướng, "Phó Thủ tướng" is not."""
    k = key(text or "")
    return k == title or k.startswith(title + " ")


def _has_title(conn: Connection, c: Constraints, r) -> bool:
    """The speaker holds the title the question names, by the roles the same article gives them."""
    if r.speaker_entity_id is None or not c.speaker_title:
        return False
    rl = S.roles
    return any(_titled(c.speaker_title, t) for (t,) in conn.execute(
        select(rl.c.title).where(rl.c.person_entity_id == r.speaker_entity_id, rl.c.doc_id == r.doc_id)))


def line(group: list[Fact]) -> str:
    """One story of the answer: what was said, by whom to whom, when, and how many outlets said it."""
    f = group[0]
    who = f.speaker or "?"
    if f.via:
        who = f"{who} ({f.via})"
    parts = [who + (f" → {f.addressee}" if f.addressee else "")]
    if f.when:
        parts.append(f.when)
    outlets = len({x.outlet for x in group})
    if outlets > 1:
        parts.append(f"{outlets} nguồn")
    return f"{f.content} ({', '.join(parts)})"


LATEST = re.compile(r" (?:lan|dot) (?:gan day nhat|gan nhat|moi nhat|cuoi cung) | gan day nhat | moi nhat ")
MEETINGS = ("meeting", "visit", "conference", "agreement")  # what "gặp", "tiếp", "làm việc" may be reported as
PER_PARTY_EVENTS = 500  # latest events read per party: bounded however large the archive


@dataclass(slots=True)
class Happening:
    """An event that answers "when, the latest time": its date and where the article says so."""

    date: str
    type: str
    doc_id: int
    sentence: int
    evidence: str
    source: str


def latest_event(store: Store, q: str) -> list[Happening]:
    """For "... lần gần nhất ... khi nào?": the meetings, visits and signings of all the people and
    organizations the question names (and of a person holding the title it names), newest first; empty when
    the question asks no "latest" or names no party."""
    k = f" {key(q)} "
    if not LATEST.search(k):
        return []
    named = [p for p in parties(store, k, q) if p.type in ("ORG", "PER")]
    if not named:
        return []
    title = next((t for t in _titles() if f" {t} " in k), None)
    ev, ep, d = S.events, S.event_participants, S.documents
    with store.engine.connect() as conn:
        ids: set[int] | None = None
        for p in named:
            mine = set(conn.execute(select(ep.c.event_id).where(ep.c.entity_id.in_(p.ids))
                                    .order_by(ep.c.event_id.desc()).limit(PER_PARTY_EVENTS)).scalars())
            ids = mine if ids is None else ids & mine
        if not ids:
            return []
        rows = conn.execute(select(ev.c.id, ev.c.date, ev.c.type, ev.c.doc_id, ev.c.sent_idx, ev.c.evidence, d.c.source)
                            .join(d, d.c.id == ev.c.doc_id)
                            .where(ev.c.id.in_(sorted(ids)), ev.c.type.in_(MEETINGS), ev.c.date.is_not(None))).all()
        out = [Happening(r.date, r.type, r.doc_id, r.sent_idx, r.evidence, r.source) for r in rows
               if full_day(r.date) and (title is None or _title_in(conn, title, r.id, r.doc_id))]
    return sorted(out, key=lambda h: h.date, reverse=True)


def _title_in(conn: Connection, title: str, event_id: int, doc_id: int) -> bool:
    """One of the event's people holds the title in that article ("Thủ tướng", not "Phó Thủ tướng")."""
    ep, rl = S.event_participants, S.roles
    people = select(ep.c.entity_id).where(ep.c.event_id == event_id)
    return any(_titled(title, t) for (t,) in conn.execute(
        select(rl.c.title).where(rl.c.doc_id == doc_id, rl.c.person_entity_id.in_(people))))
