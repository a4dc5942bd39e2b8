"""Stories: one real-world event, or one request/commitment/intent/agreement, however many articles report it.

Every stored event and statement is a member of exactly one story. Stories are assigned inside the article's
transaction (`assign`), from candidates an index gives (the event's participants, the statement's speaker or
addressee), never from a scan of the archive. Wrong merges cost more than missed ones, so the tests are strict:
an event joins a story of the same type that shares a named party (not just a country) on a compatible date;
a statement joins one of the same kind group and speaker whose content overlaps. A user's split or merge is
recorded by the members' stable keys (the article's source and the fact's place in it) and honoured
whenever those articles are stored again.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import (Column, Connection, ForeignKey, Index, Integer, String, Table, UniqueConstraint, and_,
                        bindparam, delete, func, select, update)

from hoptac.isodate import full_day, month_day, year_known, year_unknown
from hoptac.lexicon import read_tsv
from hoptac.sites import host
from hoptac.store import schema as S
from hoptac.textnorm import fold

stories = Table(
    "stories", S.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # event | statement
    Column("label", String(20), nullable=False),  # the event type or the statement kind
    Column("date", String(10)),  # the earliest member date
    Column("first_seen", String(10)),  # the earliest and latest report (publication dates)
    Column("last_seen", String(10)),
    Column("members", Integer, nullable=False),
    Column("outlets", Integer, nullable=False),
    Column("pinned", Integer, nullable=False),  # 1: made by a user's split; never grows by itself
    Index("ix_stories_kind", "kind", "label"),
)

story_members = Table(
    "story_members", S.metadata,
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("fact_id", Integer, nullable=False),  # events.id or statements.id
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("member_key", String(80), nullable=False),  # source hash : kind : ordinal, stable across re-ingest
    UniqueConstraint("kind", "fact_id"),
    Index("ix_story_members_story", "story_id"),
    # "an earlier report of the same story": equality on story and kind, a range on the fact (migration 0008)
    Index("ix_story_members_story_kind_fact", "story_id", "kind", "fact_id"),
    Index("ix_story_members_doc", "doc_id"),
    Index("ix_story_members_key", "member_key"),
)

story_overrides = Table(
    "story_overrides", S.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(10), nullable=False),  # split | merge
    Column("member_key", String(80), nullable=False),
    Column("other_key", String(80)),  # merge: a member of the story to join
    Column("created_at", String(40), nullable=False),
    Index("ix_story_overrides_key", "member_key"),
)

CANDIDATES = 200  # facts read per lookup at most: the cost per article stays flat as the archive grows
KIND_GROUP = {"request": "request", "commitment": "commitment", "intent": "intent", "agreement": "agreement"}
MIN_CONTENT = 0.5  # content overlap (token F1) two reports of one statement share at least
DAYS = 14  # statements reported more than this apart are not one story


def create(conn: Connection) -> None:
    """The story tables (migration 0005)."""
    for t in (stories, story_members, story_overrides):
        t.create(conn, checkfirst=True)


@lru_cache(maxsize=8192)
def _tokens(text: str | None) -> tuple[str, ...]:
    return tuple(re.findall(r"\w+", fold(text or "").lower()))


def _f1(a: str | None, b: str | None) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    pool: dict[str, int] = {}
    for t in ta:
        pool[t] = pool.get(t, 0) + 1
    hit = 0
    for t in tb:
        if pool.get(t, 0) > 0:
            hit += 1
            pool[t] -= 1
    if not hit:
        return 0.0
    p, r = hit / len(tb), hit / len(ta)
    return 2 * p * r / (p + r)


def _days(a: str | None, b: str | None) -> int | None:
    if not a or not b or len(a) < 10 or len(b) < 10:
        return None
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return None


def _dates_agree(a: str | None, b: str | None) -> bool:
    """Same day (or a day apart: time zones, evening reports), or the same month/year at the coarser precision."""
    if not a or not b:
        return False
    d = _days(a, b)
    if d is not None:
        return d <= 1
    if year_unknown(a) or year_unknown(b):
        return month_day(a) is not None and month_day(a) == month_day(b)  # "29/10" of an article with no year
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def outlet(source: str | None, url: str | None) -> str:
    """Who published it: the host of the address, else the source's file stem ("17_outlet-slug.txt" -> "outlet")."""
    site = host(url, source)
    if site:
        return site
    if source:
        name = source.replace("\\", "/").rsplit("/", 1)[-1]
        m = re.match(r"\d*_?([a-z0-9]+)", name.lower())
        return m.group(1) if m else name
    return ""


# --- assignment at ingest ---------------------------------------------------------------------------------

def assign(conn: Connection, doc_id: int) -> None:
    """Put every event and statement of the article in a story: an existing one it reports, else a new one."""
    d = S.documents
    doc = conn.execute(select(d.c.source, d.c.published).where(d.c.id == doc_id)).first()
    if doc is None:
        return
    source, published = doc
    # a member's key: the article's source (stable when a corrected version replaces it) and the fact's place
    chash = hashlib.sha1(source.encode("utf-8")).hexdigest()
    cands = _candidate_docs(conn, doc_id, published)
    corrected = conn.execute(select(story_overrides.c.id).limit(1)).first() is not None  # most stores: none
    ev = S.events
    events = conn.execute(select(ev.c.id, ev.c.type, ev.c.date, ev.c.evidence).where(ev.c.doc_id == doc_id)
                          .order_by(ev.c.id)).all()
    mine = _participants(conn, [e.id for e in events])
    types = {e.type for e in events}
    theirs_ev = _their_events(conn, cands, types.union(*(KIN_TYPES.get(t, set()) for t in types)))
    for n, e in enumerate(events):
        key = f"{chash[:40]}:event:{n}"
        split_ = corrected and _is_split(conn, key)
        sid = (corrected and _override(conn, key)) or (
            None if split_ else _event_story(conn, e, published, mine.get(e.id, {}), theirs_ev, cands))
        _join(conn, sid, "event", e.type, e.id, doc_id, key, e.date, published, pinned=split_)
    st = S.statements
    sts = conn.execute(select(st.c.id, st.c.doc_id, st.c.kind, st.c.speaker, st.c.speaker_entity_id, st.c.addressee,
                              st.c.addressee_entity_id, st.c.content, st.c.date)
                       .where(st.c.doc_id == doc_id).order_by(st.c.id)).all()
    theirs_st = _their_statements(conn, cands, {k for x in sts for k in (x.kind, *KIN_KINDS.get(x.kind, ()))})
    orgs = _speakers_orgs(conn, sts + theirs_st) if sts and theirs_st else {}
    for n, s in enumerate(sts):
        key = f"{chash[:40]}:statement:{n}"
        split_ = corrected and _is_split(conn, key)
        sid = (corrected and _override(conn, key)) or (None if split_ else _statement_story(conn, s, theirs_st, orgs))
        _join(conn, sid, "statement", s.kind, s.id, doc_id, key, s.date, published, pinned=split_)


PARTIES = 12  # named parties of the new article whose other articles are looked at
PER_PARTY = 15  # the latest articles per party
NEAR_DAYS = 2  # and the articles published this many days around it,
NEAR_DOCS = 150  # at most this many: a few days of a large outlet's output
WINDOW = 7  # days between two reports of one happening at most


def _candidate_docs(conn: Connection, doc_id: int, published: str | None) -> dict[int, str | None]:
    """Articles that name the same people or organizations (the latest few per party, through the (entity,
    document) index) or were published within two days (the publication-date index): a bounded number of
    rows however large the archive grows. Returns {doc_id: published}."""
    de, en, d = S.doc_entities, S.entities, S.documents
    named = [x for x in conn.execute(select(de.c.entity_id).join(en, en.c.id == de.c.entity_id)
                                     .where(de.c.doc_id == doc_id, en.c.type.in_(["PER", "ORG"]))
                                     .order_by(de.c.entity_id).limit(PARTIES)).scalars()]
    ids: set[int] = set()
    # the latest few articles of each party, one bounded read of the index per party (one statement, compiled once)
    latest = select(de.c.doc_id).where(de.c.entity_id == bindparam("ent"), de.c.doc_id != doc_id) \
        .order_by(de.c.doc_id.desc()).limit(PER_PARTY)
    for ent in named:
        ids.update(conn.execute(latest, {"ent": ent}).scalars())
    out: dict[int, str | None] = {}
    if ids:
        for r in conn.execute(select(d.c.id, d.c.published).where(d.c.id.in_(sorted(ids)))):
            gap = _days(published, r.published)
            if gap is None or gap <= WINDOW:
                out[r.id] = r.published
    if published and len(published) == 10:
        # outlets name the same party differently ("UBND TP. Đà Nẵng", "Ủy ban nhân dân thành phố Đà Nẵng")
        lo = (date.fromisoformat(published) - timedelta(days=NEAR_DAYS)).isoformat()
        hi = (date.fromisoformat(published) + timedelta(days=NEAR_DAYS)).isoformat()
        for r in conn.execute(select(d.c.id, d.c.published).where(d.c.published.between(lo, hi), d.c.id != doc_id)
                              .order_by(d.c.id.desc()).limit(NEAR_DOCS)):
            out.setdefault(r.id, r.published)
    return out


def _their_events(conn: Connection, docs: dict[int, str | None], types: set[str] | None = None) -> list:
    ev = S.events
    if not docs or types == set():
        return []
    rows = conn.execute(select(ev.c.id, ev.c.doc_id, ev.c.type, ev.c.date, ev.c.evidence)
                        .where(ev.c.doc_id.in_(list(docs)), *([ev.c.type.in_(sorted(types))] if types else []))
                        .order_by(ev.c.id)).all()
    return _with_story(conn, "event", rows)


def _their_statements(conn: Connection, docs: dict[int, str | None], kinds: set[str] | None = None) -> list:
    st = S.statements
    if not docs or kinds == set():
        return []
    rows = conn.execute(select(st.c.id, st.c.doc_id, st.c.kind, st.c.speaker, st.c.speaker_entity_id, st.c.addressee,
                               st.c.addressee_entity_id, st.c.content, st.c.date)
                        .where(st.c.doc_id.in_(list(docs)), *([st.c.kind.in_(sorted(kinds))] if kinds else []))
                        .order_by(st.c.id)).all()
    return _with_story(conn, "statement", rows)


def _with_story(conn: Connection, kind: str, rows: list) -> list:
    """The facts (read by document) with their story, looked up by (kind, fact id): two index reads, where one
    join would let SQLite's planner walk every member of the kind."""
    if not rows:
        return []
    sm = story_members
    sid = dict(conn.execute(select(sm.c.fact_id, sm.c.story_id).where(
        sm.c.kind == kind, sm.c.fact_id.in_([r.id for r in rows]))).all())
    return [SimpleNamespace(story_id=sid[r.id], **r._mapping) for r in rows if r.id in sid]


_ABBREV = {"ubnd": "uy ban nhan dan", "tp": "thanh pho", "hdnd": "hoi dong nhan dan", "tphcm": "thanh pho ho chi minh"}


@lru_cache(maxsize=65536)
def name_key(name: str | None) -> str:
    """A name compared across outlets: folded, abbreviations spelled out ("UBND TP." = "Ủy ban nhân dân thành phố")."""
    words = re.findall(r"\w+", fold(name or "").lower())
    return " ".join(_ABBREV.get(w, w) for w in words)


def _participants(conn: Connection, event_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each event's participants: name key -> entity type."""
    ep, en = S.event_participants, S.entities
    out: dict[int, dict[str, str]] = {}
    if not event_ids:
        return out
    for eid, name, typ in conn.execute(select(ep.c.event_id, en.c.name, en.c.type)
                                       .join(en, en.c.id == ep.c.entity_id)
                                       .where(ep.c.event_id.in_(event_ids))):
        out.setdefault(eid, {})[name_key(name)] = typ
    return out


# one outlet's "visit" is another's "meeting" on that day; a licence ceremony is a "conference" to one outlet and an
# "investment" to another, an opening ceremony a "conference" or a "launch"
KIN_TYPES = {"meeting": {"visit"}, "visit": {"meeting"}, "conference": {"investment", "launch"},
             "investment": {"conference"}, "launch": {"conference"}}


def _event_story(conn: Connection, e, published: str | None, parts: dict[str, str], theirs: list,
                 docs: dict[int, str | None]) -> int | None:
    """The story of another article's event of the same type on an agreeing date that shares a named party, or
    whose sentence says much the same."""
    rows = [r for r in theirs if r.type == e.type or r.type in KIN_TYPES.get(e.type, ())]
    if not rows:
        return None
    others = _participants(conn, [r.id for r in rows])
    # the day of the stories an undated report belongs to (read only when this event is dated and such a report is
    # a candidate)
    bridges = sorted({r.story_id for r in rows if not r.date}) if e.date else []
    story_day = dict(conn.execute(select(stories.c.id, stories.c.date).where(stories.c.id.in_(bridges))).all()) \
        if bridges else {}
    named = {k for k, t in parts.items() if t in ("PER", "ORG")}
    best = None
    for r in rows:
        their_named = {k for k, t in others.get(r.id, {}).items() if t in ("PER", "ORG")}
        shared = _shared(named, their_named)
        if named and their_named and not shared:
            continue  # each names its parties, and none is the same: two happenings
        if _own_orgs(named, parts, their_named, others.get(r.id, {})):
            continue  # the same officials with another company each: another meeting
        close = _f1(e.evidence, r.evidence)
        # an undated article's "ngày 27/5" takes its year from the other years it mentions, a guess: the day and
        # month must then agree, and the parties (below) decide
        guessed = _year_guessed(e, published) or _year_guessed(r, docs.get(r.doc_id))
        same_day = bool(e.date and r.date and len(e.date) == 10 and len(r.date) == 10 and
                        (e.date == r.date or (guessed and e.date[5:] == r.date[5:])))
        if r.type != e.type:  # a kindred type: the same day and two of the same parties at least
            if not (same_day and shared >= 2):
                continue
        elif e.date and r.date:
            if not (_dates_agree(e.date, r.date) or (same_day and shared >= 2)):
                continue  # across a guessed year, two of the same parties at least (a yearly forum recurs)
        elif not _undated_agrees(e, r, published, docs.get(r.doc_id), shared, close):
            continue
        elif e.date and not _dates_agree(e.date, story_day.get(r.story_id) or e.date):
            continue  # an undated report of a story dated another day: no bridge between two happenings
        # one shared party is enough only when the sentences say much the same (a Prime Minister meets many)
        if not (shared >= 2 or (shared == 1 and close >= 0.3) or close >= 0.5):
            continue
        score = shared + close
        if best is None or score > best[0]:
            best = (score, r.story_id)
    return _open(conn, best[1]) if best else None


def _year_guessed(e, published: str | None) -> bool:
    """The article gives no publication date and the event's sentence does not state the year with the day."""
    if published or not e.date or len(e.date) != 10:
        return False
    if year_unknown(e.date):
        return True  # no year at all: the day and month must agree, the parties decide
    y, m, d = int(e.date[:4]), int(e.date[5:7]), int(e.date[8:10])
    stated = re.compile(rf"(?<!\d)0?{d}\s*[/.-]\s*0?{m}\s*[/.-]\s*{y}|tháng\s+0?{m}\s*(?:[/.-]|,?\s*năm)\s*{y}", re.I)
    return not stated.search(e.evidence or "")


@lru_cache(maxsize=1)
def _name_parts() -> tuple[tuple[str, ...], frozenset[str]]:
    """Folded head words of organization names ("cong ty", "truong") and the words of place names: what a longer
    form of a name may add before and after it."""
    heads = tuple(sorted({name_key(r["head"]) for r in read_tsv("orgheads.tsv")}, key=len, reverse=True))
    places = {w for r in read_tsv("places.tsv") for n in [r["canonical"], *r["aliases"].split("|")]
              for w in name_key(n).split()}
    return heads, frozenset(places | {"tnhh", "viet", "nam"})


def _longer_form(short: str, long: str) -> bool:
    """long is short with a head before it and places after it: "Công ty TNHH Orion Optics Việt Nam Bắc Ninh" is
    "Orion Optics"; "Ban Kiểm soát Công ty" is not "Ban Kiểm soát", nor "Orion Optics" "Orion"; a name of four
    words or more that another begins with and adds two words at most to."""
    at = f" {long} ".find(f" {short} ")
    if at < 0:
        return False
    before, after = long[:at].split(), long[at + len(short):].split()
    heads, places = _name_parts()
    if not before and len(short.split()) >= 4 and len(after) <= 2:
        # a long name one outlet cut short: "Viện Nghiên cứu Khoa học" of "... Khoa học Tổng hợp"; not a bare head
        # ("Công ty Cổ phần" is no one's name)
        return len(_core(short).split()) >= 2
    head_ok = not before or " ".join(before).startswith(heads)
    return head_ok and all(w in places for w in after)


def _shared(mine: set[str], theirs: set[str]) -> int:
    """How many of my named parties the other report names too, in the same or a longer or shorter form."""
    return sum(1 for x in mine if x in theirs or any(_longer_form(x, y) or _longer_form(y, x) for y in theirs))


def _own_orgs(mine: set[str], my_types: dict[str, str], theirs: set[str], their_types: dict[str, str]) -> bool:
    """Each report names an organization the other does not (nor a longer or shorter form of it: "Samsung",
    "Samsung Việt Nam"): two happenings with different companies."""
    def alone(a: set[str], b: set[str]) -> bool:
        return any(not any(f" {x} " in f" {y} " or f" {y} " in f" {x} " for y in b) for x in a)
    orgs = {k for k in mine if my_types.get(k) == "ORG"}
    their_orgs = {k for k in theirs if their_types.get(k) == "ORG"}
    return bool(orgs and their_orgs and alone(orgs, their_orgs) and alone(their_orgs, orgs))


def _undated_agrees(e, r, published: str | None, their_published: str | None, shared: int, close: float) -> bool:
    """One of two reports gives no date for the happening: their publication dates must be close, or, where an
    outlet gives none, the sentences must say nearly the same of the same party."""
    dated = e.date or r.date
    pub = their_published if e.date else published  # the publication of the undated side, when known
    if full_day(dated) and pub and len(pub) >= 10:
        # news reports a happening within days: not before it, nor weeks after
        lag = (date.fromisoformat(pub[:10]) - date.fromisoformat(dated[:10])).days if _days(pub, dated) is not None else None
        if lag is not None and not -1 <= lag <= WINDOW:
            return False
    gap = _days(published, their_published)
    if gap is not None:
        return gap <= 2 or (gap <= WINDOW and shared >= 1 and close >= 0.5)
    # no publication date to go by: the sentences say nearly the same, or three of the same parties are named
    return (shared >= 1 and close >= 0.6) or shared >= 3


# what a memorandum provides is, in another outlet's words, what one of its parties will do: the same item when
# the words are much the same
KIN_KINDS = {"agreement": ("intent", "commitment"), "intent": ("agreement",), "commitment": ("agreement",)}
KIN_CONTENT = 0.6


def _speakers_orgs(conn: Connection, rows: list) -> dict[tuple[int, int], set[str]]:
    """(article, speaker) -> the name keys of the organizations that article gives the speaker a role in: one
    bounded read of the roles of the articles compared."""
    people = {(r.doc_id, r.speaker_entity_id) for r in rows if r.speaker_entity_id is not None}
    if not people:
        return {}
    ro = S.roles
    out: dict[tuple[int, int], set[str]] = {}
    for d, p, org in conn.execute(select(ro.c.doc_id, ro.c.person_entity_id, ro.c.organization).where(
            ro.c.doc_id.in_(sorted({d for d, _ in people})), ro.c.organization.is_not(None))):
        if (d, p) in people:
            out.setdefault((d, p), set()).add(name_key(org))
    return out


@lru_cache(maxsize=65536)
def _core(key: str) -> str:
    """A name key without its organization head ("tap doan orion" -> "orion"; a bare head -> "")."""
    heads, _ = _name_parts()
    head = next((h for h in heads if key == h or key.startswith(h + " ")), "")
    return key[len(head):].strip()


def _through_role(a, b, orgs: dict[tuple[int, int], set[str]]) -> bool:
    """a's speaker is a person the article gives a role in b's speaker, an organization: "ông Jensen Huang, Chủ
    tịch NVIDIA, cam kết ..." and "NVIDIA cam kết ..." are one party's words. The names must be the same but for
    a head ("Tập đoàn"): a role "tại Hà Nội" makes no one a spokesman of "Đại học Quốc gia Hà Nội"."""
    mine = orgs.get((a.doc_id, a.speaker_entity_id))
    if not mine or not b.speaker:
        return False
    other = _core(name_key(b.speaker))
    return bool(other) and any(_core(o) == other for o in mine)


def _statement_story(conn: Connection, s, theirs: list, orgs: dict | None = None) -> int | None:
    """The story of another article's statement of the same kind whose speaker agrees (the same party, a person
    speaking for it, or one side naming none) and whose content overlaps."""
    best = None
    orgs = orgs or {}
    for r in theirs:
        kin = r.kind in KIN_KINDS.get(s.kind, ())
        if r.kind != s.kind and not kin:
            continue
        same_speaker = (s.speaker_entity_id is not None and s.speaker_entity_id == r.speaker_entity_id) or \
            (s.speaker and name_key(s.speaker) == name_key(r.speaker)) or \
            _through_role(s, r, orgs) or _through_role(r, s, orgs)
        if s.speaker and r.speaker and not same_speaker:
            continue
        if s.addressee and r.addressee and name_key(s.addressee) != name_key(r.addressee) \
                and s.addressee_entity_id != r.addressee_entity_id:
            continue
        gap = _days(s.date, r.date)
        if gap is not None and gap > DAYS:
            continue
        if _numbers_clash(s.content, r.content):
            continue  # "25 tỷ USD" and "100 tỷ USD": two targets, however alike the words
        f = _f1(s.content, r.content)
        if kin and f < KIN_CONTENT:
            continue
        if f >= (0.4 if same_speaker else MIN_CONTENT) and (best is None or f > best[0]):
            best = (f, r.story_id)
    return _open(conn, best[1]) if best else None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers_clash(a: str | None, b: str | None) -> bool:
    """Both say figures and none is the same: two different sums or targets."""
    na, nb = set(_NUMBER.findall(a or "")), set(_NUMBER.findall(b or ""))
    return bool(na and nb and not na & nb)


def _open(conn: Connection, sid: int) -> int | None:
    """A story a new member may join: not one a user made by splitting a member out."""
    pinned = conn.execute(select(stories.c.pinned).where(stories.c.id == sid)).scalar()
    return None if pinned else sid


def _is_split(conn: Connection, key: str) -> bool:
    return conn.execute(select(story_overrides.c.id).where(
        story_overrides.c.member_key == key, story_overrides.c.action == "split").limit(1)).first() is not None


def _override(conn: Connection, key: str) -> int | None:
    """The story a user merged this member into, when its partner is stored."""
    for (other,) in conn.execute(select(story_overrides.c.other_key).where(
            story_overrides.c.member_key == key, story_overrides.c.action == "merge")
            .order_by(story_overrides.c.id.desc())):
        sid = conn.execute(select(story_members.c.story_id).where(story_members.c.member_key == other)).scalar()
        if sid is not None:
            return sid
    return None


def _join(conn: Connection, sid: int | None, kind: str, label: str, fact_id: int, doc_id: int, key: str,
          when: str | None, published: str | None, pinned: bool = False) -> int:
    if sid is None:  # a story of its own: its counts are known, no recount needed
        sid = conn.execute(stories.insert().values(
            kind=kind, label=label, date=when, first_seen=published, last_seen=published, members=1, outlets=1,
            pinned=1 if pinned else 0).returning(stories.c.id)).scalar_one()
        conn.execute(story_members.insert().values(story_id=sid, kind=kind, fact_id=fact_id, doc_id=doc_id,
                                                   member_key=key))
        return sid
    conn.execute(story_members.insert().values(story_id=sid, kind=kind, fact_id=fact_id, doc_id=doc_id,
                                               member_key=key))
    refresh(conn, sid)
    return sid


def refresh(conn: Connection, sid: int) -> None:
    """Recount a story's members and outlets, its earliest date and its first and last report."""
    d = S.documents
    rows = conn.execute(select(story_members.c.kind, story_members.c.fact_id, d.c.source, d.c.url, d.c.published)
                        .join(d, d.c.id == story_members.c.doc_id).where(story_members.c.story_id == sid)).all()
    if not rows:
        conn.execute(delete(stories).where(stories.c.id == sid))
        return
    kind = rows[0].kind
    table = S.events if kind == "event" else S.statements
    pub = {r.fact_id: r.published for r in rows}
    facts = conn.execute(select(table.c.id, table.c.date, table.c.evidence)
                         .where(table.c.id.in_([r.fact_id for r in rows]))).all()
    dates = [f.date for f in facts if f.date]
    if kind == "event":
        # a year stated or published beats one guessed from the years an article mentions; a guess is the
        # earliest the day can be, so of guesses only the latest stands
        sure = [f.date for f in facts if f.date and not _year_guessed(f, pub.get(f.id))]
        guesses = [v for v in dates if year_known(v)]
        dates = sure or ([max(guesses)] if guesses else dates[:1])
    pubs = sorted(r.published for r in rows if r.published)
    conn.execute(update(stories).where(stories.c.id == sid).values(
        members=len(rows), outlets=len({outlet(r.source, r.url) for r in rows}),
        date=min(dates) if dates else None, first_seen=pubs[0] if pubs else None,
        last_seen=pubs[-1] if pubs else None))


def unassign(conn: Connection, doc_id: int) -> None:
    """Take an article's facts out of their stories (before it is stored again or deleted)."""
    sids = sorted(set(conn.execute(select(story_members.c.story_id).where(story_members.c.doc_id == doc_id))
                      .scalars()))
    conn.execute(delete(story_members).where(story_members.c.doc_id == doc_id))
    for sid in sids:
        refresh(conn, sid)


# --- reading and correcting -------------------------------------------------------------------------------

def _members(conn: Connection, sid: int) -> list[dict]:
    """A story's members as `extract --json` prints events and statements, with their article's source."""
    d = S.documents
    rows = conn.execute(select(story_members.c.kind, story_members.c.fact_id, story_members.c.member_key,
                               story_members.c.doc_id, d.c.source, d.c.url, d.c.title, d.c.published)
                        .join(d, d.c.id == story_members.c.doc_id).where(story_members.c.story_id == sid)
                        .order_by(d.c.published, story_members.c.doc_id, story_members.c.fact_id)).all()
    out = []
    for r in rows:
        if r.kind == "event":
            e = S.events
            f = conn.execute(select(e.c.type, e.c.date, e.c.location, e.c.participants, e.c.evidence, e.c.sent_idx)
                             .where(e.c.id == r.fact_id)).first()
            item = {"type": f.type, "date": f.date, "location": f.location,
                    "participants": json.loads(f.participants or "[]"), "evidence": f.evidence}
        else:
            s = S.statements
            f = conn.execute(select(s.c.kind, s.c.speaker, s.c.addressee, s.c.content, s.c.date, s.c.evidence,
                                    s.c.sent_idx)
                             .where(s.c.id == r.fact_id)).first()
            item = {"kind": f.kind, "speaker": f.speaker, "addressee": f.addressee, "content": f.content,
                    "date": f.date, "evidence": f.evidence}
        out.append({"source": r.source, **item, "fact_id": r.fact_id, "member_key": r.member_key,
                    "doc_id": r.doc_id, "sentence": f.sent_idx,
                    "title": r.title, "published": r.published, "outlet": outlet(r.source, r.url)})
    return out


def all_stories(store, kind: str | None = None):
    """Every story with its members (for `hoptac stories --json`), in story order."""
    with store.engine.connect() as c:
        q = select(stories).order_by(stories.c.id)
        if kind:
            q = q.where(stories.c.kind == kind)
        for row in c.execute(q).mappings().all():
            yield {"story": row["id"], "kind": row["kind"], "label": row["label"], "date": row["date"],
                   "first_seen": row["first_seen"], "last_seen": row["last_seen"], "outlets": row["outlets"],
                   "members": _members(c, row["id"])}


def show(store, sid: int) -> dict | None:
    """One story and its members."""
    with store.engine.connect() as c:
        row = c.execute(select(stories).where(stories.c.id == sid)).mappings().first()
        if row is None:
            return None
        return {"story": row["id"], "kind": row["kind"], "label": row["label"], "date": row["date"],
                "first_seen": row["first_seen"], "last_seen": row["last_seen"], "outlets": row["outlets"],
                "pinned": bool(row["pinned"]), "members": _members(c, sid)}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def split(store, sid: int, fact_id: int) -> int:
    """Take one member out of its story into a story of its own; recorded, so re-ingest keeps it apart."""
    with store.engine.begin() as c:
        m = c.execute(select(story_members).where(story_members.c.story_id == sid,
                                                  story_members.c.fact_id == fact_id)).mappings().first()
        if m is None:
            raise LookupError(f"story {sid} has no member {fact_id}")
        c.execute(story_overrides.insert().values(action="split", member_key=m["member_key"], created_at=_now()))
        label = c.execute(select(stories.c.label).where(stories.c.id == sid)).scalar_one()
        new = c.execute(stories.insert().values(kind=m["kind"], label=label, members=0, outlets=0, pinned=1)
                        .returning(stories.c.id)).scalar_one()
        c.execute(update(story_members).where(story_members.c.kind == m["kind"],
                                              story_members.c.fact_id == fact_id).values(story_id=new))
        refresh(c, sid)
        refresh(c, new)
        return new


def merge(store, keep: int, other: int) -> int:
    """Put every member of one story into another; recorded, so re-ingest keeps them together."""
    if keep == other:
        return keep
    with store.engine.begin() as c:
        kinds = dict(c.execute(select(stories.c.id, stories.c.kind).where(stories.c.id.in_([keep, other]))).all())
        if len(kinds) != 2:
            raise LookupError(f"no story {other if keep in kinds else keep}")
        if kinds[keep] != kinds[other]:
            raise ValueError("an event story and a statement story cannot be merged")
        anchor = c.execute(select(story_members.c.member_key).where(story_members.c.story_id == keep)
                           .order_by(story_members.c.fact_id).limit(1)).scalar_one()
        for (key,) in c.execute(select(story_members.c.member_key).where(story_members.c.story_id == other)).all():
            c.execute(delete(story_overrides).where(story_overrides.c.member_key == key,
                                                    story_overrides.c.action == "split"))
            c.execute(story_overrides.insert().values(action="merge", member_key=key, other_key=anchor,
                                                      created_at=_now()))
        c.execute(update(story_members).where(story_members.c.story_id == other).values(story_id=keep))
        refresh(c, other)
        refresh(c, keep)
        return keep


def rebuild(store) -> int:
    """Assign every stored article's facts to stories again, in the order they were stored (users' splits and
    merges are kept): for stores made before stories existed, or after the merging rules change."""
    with store.engine.begin() as c:
        c.execute(delete(story_members))
        c.execute(delete(stories))
        ids = list(c.execute(select(S.documents.c.id).order_by(S.documents.c.id)).scalars())
    for k in range(0, len(ids), 200):
        with store.engine.begin() as c:
            for doc_id in ids[k:k + 200]:
                assign(c, doc_id)
    return len(ids)


def count(store) -> dict[str, int]:
    """How many stories of each kind, and how many of them more than one outlet reported."""
    with store.engine.connect() as c:
        out = {}
        for kind in ("event", "statement"):
            out[kind] = c.execute(select(func.count()).select_from(stories).where(stories.c.kind == kind)).scalar()
            out[f"{kind}_multi_outlet"] = c.execute(select(func.count()).select_from(stories).where(
                stories.c.kind == kind, stories.c.outlets > 1)).scalar()
        return out


def listing(store, kind: str | None = None, multi: bool = False, limit: int = 50, offset: int = 0) -> tuple[int, list]:
    """One page of stories, latest report first, each with its first report as headline (for the stories page)."""
    conds = []
    if kind in ("event", "statement"):
        conds.append(stories.c.kind == kind)
    if multi:
        conds.append(stories.c.outlets > 1)
    with store.engine.connect() as c:
        total = c.execute(select(func.count()).select_from(stories).where(*conds)).scalar_one()
        page = c.execute(select(stories).where(*conds)
                         .order_by(stories.c.last_seen.desc(), stories.c.id.desc()).limit(limit).offset(offset)
                         ).mappings().all()
        out = []
        for row in page:
            first = c.execute(select(story_members.c.fact_id, story_members.c.doc_id).where(
                story_members.c.story_id == row["id"]).order_by(story_members.c.fact_id).limit(1)).first()
            table = S.events if row["kind"] == "event" else S.statements
            fact = None
            if first is not None:
                fact = c.execute(select(table.c.evidence if row["kind"] == "event" else table.c.content,
                                        table.c.sent_idx).where(table.c.id == first.fact_id)).first()
            out.append({**dict(row), "headline": fact[0] if fact else None, "sentence": fact[1] if fact else None,
                        "doc_id": first.doc_id if first else None})
    return total, out


def story_of(conn: Connection, kind: str, fact_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{fact id: (story id, outlets)} for facts of one kind: what a view needs to show a story once."""
    if not fact_ids:
        return {}
    return {r.fact_id: (r.story_id, r.outlets) for r in conn.execute(
        select(story_members.c.fact_id, story_members.c.story_id, stories.c.outlets)
        .join(stories, stories.c.id == story_members.c.story_id)
        .where(story_members.c.kind == kind, story_members.c.fact_id.in_(sorted(set(fact_ids)))))}


def member_keys(conn: Connection, kind: str, fact_ids: list[int]) -> dict[int, str]:
    """{fact id: member key}: how corrections name a fact, stable when its article is stored again."""
    if not fact_ids:
        return {}
    return dict(conn.execute(select(story_members.c.fact_id, story_members.c.member_key).where(
        story_members.c.kind == kind, story_members.c.fact_id.in_(sorted(set(fact_ids))))).all())


def with_stories(conn: Connection, kind: str, items: list[dict]) -> list[dict]:
    """Each item (an event or statement dict with "id") gains its "story" and the story's "outlets"."""
    known = story_of(conn, kind, [i["id"] for i in items])
    for i in items:
        i["story"], i["outlets"] = known.get(i["id"], (None, 1))
    return items


def first_report(table, kind: str, same_filters=lambda other: []):
    """A condition on an events or statements query: the fact is its story's first report among those the
    query's filters would also keep (`same_filters(alias)` gives them on another copy of the table), so a view
    lists each happening once. Index lookups per row: the story's members, never the archive."""
    me, m2, other = story_members.alias("me"), story_members.alias("m2"), table.alias("other")
    earlier = (select(m2.c.fact_id)
               .select_from(me.join(m2, and_(m2.c.story_id == me.c.story_id, m2.c.kind == kind))
                            .join(other, other.c.id == m2.c.fact_id))
               .where(me.c.kind == kind, me.c.fact_id == table.c.id, m2.c.fact_id < table.c.id,
                      *same_filters(other)))
    return ~earlier.exists()
