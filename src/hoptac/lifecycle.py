"""What became of it: links from each request, commitment, intent and agreement to the later articles reporting on it.

Links are found inside an article's transaction (`link`), from two small indexes and never a scan of the archive:
the parties of every stored pledge (`pledge_parties`: speaker, addressee, the organization a speaking person
holds a role in, the names in its sentence) and the sentences of every article that carry a status cue
(`update_sentences`). A new article is matched as a later report against the pledges of earlier articles that
share a party with it, and its own pledges against the cue sentences of later articles that do; the matching of
one earlier and one later article depends on those two alone, so the order articles arrive in does not change
the links. A user's confirm, reject or add is recorded by stable keys (the pledge's story member key, the later
article's source and sentence) and applied again whenever either article is stored.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from sqlalchemy import (Column, Connection, Float, ForeignKey, Index, Integer, String, Table, Text, and_, delete,
                        bindparam, func, or_, select, tuple_)

from hoptac import lifecycle_match as M
from hoptac.isodate import full_day
from hoptac.lexicon import read_tsv
from hoptac.stories import member_keys
from hoptac.store import schema as S

PLEDGE_KINDS = ("request", "commitment", "intent", "agreement")
GAP_DAYS = 7  # a report within a week of the pledge is the same news, not what became of it
PER_LOOKUP = 400  # rows an index lookup reads at most: the cost per article stays flat as the archive grows
LATER_DOCS = 40  # later articles a new article's pledges are matched against at most
EARLIER_DOCS = 40  # earlier articles a new article is matched against at most
PARTIES = 12  # people and organizations of an article looked up at most
PER_PARTY = 40  # latest pledges read per party
PARTY_DOCS = 200  # latest articles read per party when looking for later reports

pledge_parties = Table(
    "pledge_parties", S.metadata,
    Column("statement_id", Integer, nullable=False),
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("as_of", String(10)),  # the pledge's article's date (published, else the latest full date it gives)
    Index("ix_pledge_parties_entity", "entity_id", "as_of"),
    Index("ix_pledge_parties_doc", "doc_id"),
)

update_sentences = Table(
    "update_sentences", S.metadata,
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("sent_idx", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("as_of", String(10)),
    Index("ix_update_sentences_doc", "doc_id"),
)

doc_plans = Table(
    "doc_plans", S.metadata,
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("plan", Text, nullable=False),  # a plan, law or programme the article names (lifecycle_match.plans)
    Index("ix_doc_plans_doc", "doc_id"),
)

links = Table(
    "lifecycle_links", S.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("statement_id", Integer, nullable=False),  # the pledge
    Column("pledge_doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("pledge_key", String(80), nullable=False),  # its story member key: stable when articles are stored again
    Column("doc_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),  # the later article
    Column("sent_idx", Integer, nullable=False),
    Column("date", String(10)),
    Column("status", String(12), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("score", Float),
    Column("origin", String(10), nullable=False),  # auto | confirmed | added
    Index("ix_lifecycle_links_statement", "statement_id"),
    Index("ix_lifecycle_links_doc", "doc_id"),
    Index("ix_lifecycle_links_pledge_doc", "pledge_doc_id"),
)

overrides = Table(
    "lifecycle_overrides", S.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(10), nullable=False),  # confirm | reject | add
    Column("pledge_key", String(80), nullable=False),
    Column("pledge_source", Text, nullable=False),
    Column("update_source", Text, nullable=False),
    Column("sent_idx", Integer),
    Column("status", String(12)),
    Column("created_at", String(40), nullable=False),
    Index("ix_lifecycle_overrides_pledge", "pledge_source"),
    Index("ix_lifecycle_overrides_update", "update_source"),
)


def create(conn: Connection) -> None:
    """The lifecycle tables (migration 0007)."""
    for t in (pledge_parties, update_sentences, doc_plans, links, overrides):
        t.create(conn, checkfirst=True)


# --- dates ------------------------------------------------------------------------------------------------

def doc_date(conn: Connection, doc_id: int) -> str | None:
    """When an article speaks from: its publication date, else the latest full date it gives."""
    pub = conn.execute(select(S.documents.c.published).where(S.documents.c.id == doc_id)).scalar()
    if pub and len(pub) == 10:
        return pub
    full = [v for v in conn.execute(select(S.dates.c.value).where(S.dates.c.doc_id == doc_id)).scalars()
            if full_day(v)]
    return max(full) if full else (pub or None)


def later(pledge_as_of: str | None, update_as_of: str | None) -> bool | None:
    """Whether an article dated update_as_of comes after the pledge by more than a week (None: unknown)."""
    if not update_as_of or len(update_as_of) < 10:
        return False
    if not pledge_as_of or len(pledge_as_of) < 10:
        return None
    return date.fromisoformat(update_as_of) > date.fromisoformat(pledge_as_of) + timedelta(days=GAP_DAYS)


# --- the two indexes ----------------------------------------------------------------------------------------

def _pledge_rows(conn: Connection, doc_ids: list[int]) -> list:
    """The requests, commitments, intents and agreements of the articles, in their order (a reported result or
    forecast the extractor took for an intent is left out)."""
    st = S.statements
    if not doc_ids:
        return []
    return [r for r in conn.execute(select(st.c.id, st.c.doc_id, st.c.sent_idx, st.c.kind, st.c.speaker,
                                           st.c.speaker_entity_id, st.c.addressee_entity_id, st.c.content)
                                    .where(st.c.doc_id.in_(doc_ids), st.c.kind.in_(PLEDGE_KINDS))
                                    .order_by(st.c.doc_id, st.c.id)) if not M.is_result(r.content)]


def _parties(conn: Connection, doc_id: int, rows: list) -> dict[int, dict[int, str]]:
    """Each pledge's parties (entity id -> name): its speaker, addressee and the organization the article gives
    a speaking person a role in; with none of these, the people and organizations its sentence names."""
    m, de, ro = S.mentions, S.doc_entities, S.roles
    names = {e: n for n, e in conn.execute(select(de.c.name, de.c.entity_id).where(de.c.doc_id == doc_id))}
    by_name = {n: e for e, n in names.items()}
    role_org = {p: by_name.get(o) for p, o in conn.execute(select(ro.c.person_entity_id, ro.c.organization)
                                                              .where(ro.c.doc_id == doc_id)) if p and o}
    out: dict[int, dict[int, str]] = {}
    in_sent: dict[int, set[int]] | None = None
    for r in rows:
        ids = {x for x in (r.speaker_entity_id, r.addressee_entity_id, role_org.get(r.speaker_entity_id)) if x}
        if not ids:
            if in_sent is None:
                in_sent = {}
                for sent, ent in conn.execute(select(m.c.sent_idx, m.c.entity_id).where(
                        m.c.doc_id == doc_id, m.c.entity_id.is_not(None), m.c.type.in_(["PER", "ORG"]))):
                    in_sent.setdefault(sent, set()).add(ent)
            ids = set(in_sent.get(r.sent_idx, set()))
        out[r.id] = {e: names.get(e, "") for e in ids}
    return out


def _published(conn: Connection, doc_id: int) -> str | None:
    """A later report needs a day of publication: dates an undated article gives may be of anything."""
    pub = conn.execute(select(S.documents.c.published).where(S.documents.c.id == doc_id)).scalar()
    return pub if pub and len(pub) == 10 else None


def _index(conn: Connection, doc_id: int, as_of: str | None) -> list:
    """Record the article's pledges by party and, when it has a day of publication, its sentences that say what
    became of something."""
    rows = _pledge_rows(conn, [doc_id])
    parties = {k: set(v) for k, v in _parties(conn, doc_id, rows).items()} if rows else {}
    if rows:  # the names of its sentence too: another outlet may name the party otherwise ("LG Innotek")
        m = S.mentions
        sents = {r.sent_idx for r in rows}
        for sent, ent in conn.execute(select(m.c.sent_idx, m.c.entity_id).where(
                m.c.doc_id == doc_id, m.c.entity_id.is_not(None), m.c.type.in_(["PER", "ORG", "LOC"]))):
            if sent in sents:
                for r in rows:
                    if r.sent_idx == sent:
                        parties[r.id].add(ent)
    values = [{"statement_id": sid, "doc_id": doc_id, "entity_id": e, "as_of": as_of}
              for sid, ents in parties.items() for e in sorted(ents)]
    if values:
        conn.execute(pledge_parties.insert(), values)
    published = _published(conn, doc_id)
    se = S.sentences
    texts = conn.execute(select(se.c.idx, se.c.text).where(se.c.doc_id == doc_id)).all()
    plans = {i: M.plans(t) for i, t in texts} if rows else {}
    if rows:  # the plans an article with pledges names: a later report may name them again
        named = sorted(set().union(*plans.values()))
        if named:
            conn.execute(doc_plans.insert(), [{"doc_id": doc_id, "plan": x} for x in named])
    if published:
        status = {i: st for i, t in texts if (st := M.status_of(t))}
        # a sentence with no status cue that cites a plan with a full date is a back-reference to it: in an article
        # that reports a happening, the plan is being carried out; otherwise what became of it is unclear
        cited = sorted(i for i, t in texts if i not in status and (plans[i] if rows else M.plans(t)))
        if cited:
            dated = {i for i, v in conn.execute(select(S.dates.c.sent_idx, S.dates.c.value).where(
                S.dates.c.doc_id == doc_id, S.dates.c.sent_idx.in_(cited))) if full_day(v)}
            if dated:
                happened = conn.execute(select(S.events.c.id).where(S.events.c.doc_id == doc_id).limit(1)).first()
                status.update(dict.fromkeys(dated, "in_progress" if happened else M.BACKREF))
        if status:
            conn.execute(update_sentences.insert(), [{"doc_id": doc_id, "sent_idx": i, "status": st,
                                                      "as_of": published} for i, st in sorted(status.items())])
    return rows


# --- matching one earlier article with one later article ----------------------------------------------------

def _name_pairs(conn: Connection, keys: list[tuple[int, int]]) -> dict[tuple[int, int], set[str]]:
    """Word pairs inside the names each sentence gives: a shared name is a party, not shared substance."""
    m = S.mentions
    out: dict[tuple[int, int], set[str]] = {}
    for d, i, text in conn.execute(select(m.c.doc_id, m.c.sent_idx, m.c.text).where(
            tuple_(m.c.doc_id, m.c.sent_idx).in_(keys), m.c.type.in_(["PER", "ORG", "LOC"]))):
        out.setdefault((d, i), set()).update(M.pairs(text))
    return out


def _pledges(conn: Connection, rows: list, dated: dict[int, bool]) -> list[M.Pledge]:
    """Matcher pledges with their parties and targets (the counted figures of their sentence)."""
    f, en = S.figures, S.entities
    out, by_doc = [], {}
    for r in rows:
        by_doc.setdefault(r.doc_id, []).append(r)
    if not rows:
        return out
    targets: dict[tuple[int, int], dict[str, float]] = {}
    for d, s, v, unit in conn.execute(select(f.c.doc_id, f.c.sent_idx, f.c.value, f.c.unit)
                                      .where(f.c.doc_id.in_(sorted(by_doc)))):
        if _counted(unit):
            targets.setdefault((d, s), {}).setdefault(M.unit_head(unit), v)
    names = _name_pairs(conn, sorted({(r.doc_id, r.sent_idx) for r in rows}))
    parties: dict[int, dict[int, str]] = {}
    for d, doc_rows in by_doc.items():
        parties.update(_parties(conn, d, doc_rows))
    ids = sorted({e for ps in parties.values() for e in ps})
    strong = {e: t in ("PER", "ORG") for e, t in conn.execute(select(en.c.id, en.c.type).where(en.c.id.in_(ids)))}
    for doc_rows in by_doc.values():
        for n, r in enumerate(doc_rows):
            ps = parties.get(r.id, {})
            p = M.Pledge(id=r.id, doc_id=r.doc_id, ordinal=n, content=r.content, speaker=r.speaker, kind=r.kind,
                         targets=targets.get((r.doc_id, r.sent_idx), {}),
                         parties={e: strong.get(e, False) for e in ps},
                         names={" ".join(M.words(name)): strong.get(e, False) for e, name in ps.items() if name},
                         dated=dated.get(r.doc_id, False))
            p.name_pairs = names.get((r.doc_id, r.sent_idx), set())
            out.append(p)
    M.prepare(out)
    return out


@lru_cache(maxsize=1)
def _not_counted() -> frozenset[str]:
    """Units no target counts in (lexicons/lifecycle_uncounted.tsv)."""
    return frozenset(r["unit"] for r in read_tsv("lifecycle_uncounted.tsv"))


def _counted(unit: str | None) -> bool:
    """A unit that counts things a target can be measured by (engineers, firms, plants), not money or time."""
    if not unit or unit in _not_counted() or unit.split("/")[0].isupper():  # USD, VND, KRW...
        return False
    return bool(M.words(unit))


def _sentences(conn: Connection, doc_ids: list[int]) -> dict[int, list[M.Sentence]]:
    """The cue sentences of later articles with their words (names, figures and dates come with `_enrich`)."""
    if not doc_ids:
        return {}
    us, se = update_sentences, S.sentences
    out: dict[int, list[M.Sentence]] = {}
    for d, i, status, text in conn.execute(select(us.c.doc_id, us.c.sent_idx, us.c.status, se.c.text)
                                           .join(se, and_(se.c.doc_id == us.c.doc_id, se.c.idx == us.c.sent_idx))
                                           .where(us.c.doc_id.in_(doc_ids)).order_by(us.c.doc_id, us.c.sent_idx)):
        out.setdefault(d, []).append(M.Sentence(doc_id=d, idx=i, text=text, status=status, pairs=M.pairs(text),
                                                words=" ".join(M.words(text)), plans=M.plans(text),
                                                cue=M.status_of(text) is not None))
    return out


def _enrich(conn: Connection, sents: dict[int, list[M.Sentence]]) -> None:
    """The names (less their word pairs), counted figures and full dates of the cue sentences."""
    at = {(s.doc_id, s.idx): s for ss in sents.values() for s in ss}
    if not at:
        return
    keys = sorted(at)
    f, dt, m = S.figures, S.dates, S.mentions
    for d, i, v, unit in conn.execute(select(f.c.doc_id, f.c.sent_idx, f.c.value, f.c.unit)
                                      .where(tuple_(f.c.doc_id, f.c.sent_idx).in_(keys))):
        if _counted(unit):
            at[(d, i)].figures.setdefault(M.unit_head(unit), v)
    for d, i, v in conn.execute(select(dt.c.doc_id, dt.c.sent_idx, dt.c.value)
                                .where(tuple_(dt.c.doc_id, dt.c.sent_idx).in_(keys))):
        if full_day(v):
            at[(d, i)].dates.add(v)
    for d, i, e, text, typ in conn.execute(select(m.c.doc_id, m.c.sent_idx, m.c.entity_id, m.c.text, m.c.type)
                                           .where(tuple_(m.c.doc_id, m.c.sent_idx).in_(keys))):
        s = at[(d, i)]
        if e is not None:
            s.entities.add(e)
        if typ in ("PER", "ORG", "LOC"):
            s.pairs -= M.pairs(text)


def _article_dates(conn: Connection, doc_ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for d, v in conn.execute(select(S.dates.c.doc_id, S.dates.c.value).where(S.dates.c.doc_id.in_(doc_ids))):
        if full_day(v):
            out.setdefault(d, set()).add(v)
    return out


def _write(conn: Connection, pairs: list[tuple[int, int]]) -> None:
    """Match each (earlier article, later article) pair and store the links a user has not rejected."""
    if not pairs:
        return
    rows = _pledge_rows(conn, sorted({a for a, _ in pairs}))
    sents = _sentences(conn, sorted({lt for _, lt in pairs}))
    # a cheap screen first: a pair whose pledges and cue sentences share no word pair cannot match
    said: dict[int, set[str]] = {}
    for r in rows:
        said.setdefault(r.doc_id, set()).update(M.pairs(r.content))
    told = {lt: set().union(*[x.pairs for x in ss]) for lt, ss in sents.items()}
    pairs = [(a, lt) for a, lt in pairs if said.get(a, set()) & told.get(lt, set())]
    if not pairs:
        return
    pledge_docs = sorted({a for a, _ in pairs})
    sents = {lt: sents[lt] for lt in {lt for _, lt in pairs}}
    _enrich(conn, sents)
    pledge_dates = {a: doc_date(conn, a) for a in pledge_docs}
    update_dates = {lt: _published(conn, lt) for lt in sents}
    pledges: dict[int, list[M.Pledge]] = {}
    dated = {a: bool(v and len(v) == 10) for a, v in pledge_dates.items()}
    for p in _pledges(conn, [r for r in rows if r.doc_id in pledge_dates], dated):
        pledges.setdefault(p.doc_id, []).append(p)
    adates = _article_dates(conn, pledge_docs)
    aplans: dict[int, set[str]] = {}
    for d, x in conn.execute(select(doc_plans.c.doc_id, doc_plans.c.plan).where(doc_plans.c.doc_id.in_(pledge_docs))):
        aplans.setdefault(d, set()).add(x)
    found: list[M.Match] = []
    for a, lt in pairs:
        when = later(pledge_dates.get(a), update_dates.get(lt))
        if when is False:
            continue
        for m in M.match_article(pledges.get(a, []), sents.get(lt, []), adates.get(a, set()), aplans.get(a, set())):
            if when is None and m.status == "reaffirmed":
                continue  # an undated pledge: only a step taken shows the later article is later
            found.append(m)
    if not found:
        return
    keys = member_keys(conn, "statement", sorted({m.pledge.id for m in found}))
    sources = dict(conn.execute(select(S.documents.c.id, S.documents.c.source).where(
        S.documents.c.id.in_(sorted({m.sentence.doc_id for m in found} | {m.pledge.doc_id for m in found}))))
        .all())
    rejected = {(k, u) for k, u in conn.execute(select(overrides.c.pledge_key, overrides.c.update_source).where(
        overrides.c.action == "reject", overrides.c.update_source.in_(sorted(set(sources.values())))))}
    values = []
    for m in found:
        key = keys.get(m.pledge.id)
        if key is None or (key, sources[m.sentence.doc_id]) in rejected:
            continue
        values.append({"statement_id": m.pledge.id, "pledge_doc_id": m.pledge.doc_id, "pledge_key": key,
                       "doc_id": m.sentence.doc_id, "sent_idx": m.sentence.idx,
                       "date": update_dates.get(m.sentence.doc_id), "status": m.status, "evidence": m.sentence.text,
                       "score": m.score, "origin": "auto"})
    if values:
        conn.execute(links.insert(), values)


# --- at ingest ----------------------------------------------------------------------------------------------

def link(conn: Connection, doc_id: int) -> None:
    """Index a new article and link it both ways: as a later report on earlier pledges, and its pledges to later
    reports already stored; then apply users' corrections that name it."""
    as_of = doc_date(conn, doc_id)
    rows = _index(conn, doc_id, as_of)
    pairs: list[tuple[int, int]] = []
    published = _published(conn, doc_id)
    has_cues = published is not None and conn.execute(select(update_sentences.c.sent_idx).where(
        update_sentences.c.doc_id == doc_id).limit(1)).first() is not None
    if has_cues:  # as a later report: earlier pledges with a person or organization it names
        de, pp = S.doc_entities, pledge_parties
        # people and organizations first, then places, at most PARTIES of them
        named = {(r.type == "LOC", r.entity_id) for r in conn.execute(select(de.c.entity_id, de.c.type).where(
            de.c.doc_id == doc_id, de.c.entity_id.is_not(None), de.c.type.in_(["PER", "ORG", "LOC"])))}
        ents = [e for _, e in sorted(named)][:PARTIES]
        # one bounded read per party through the (entity, as_of) index (one statement, compiled once): the cost
        # stays flat as the archive grows
        earlier = select(pp.c.doc_id, pp.c.as_of).where(pp.c.entity_id == bindparam("ent"), pp.c.doc_id != doc_id,
                                                        or_(pp.c.as_of.is_(None), pp.c.as_of < published)) \
            .order_by(pp.c.as_of.desc(), pp.c.doc_id.desc()).limit(PER_PARTY)
        hits: dict[int, list] = {}  # earlier article -> [parties shared, its date]
        for e in ents:
            for r in conn.execute(earlier, {"ent": e}):
                h = hits.setdefault(r.doc_id, [0, r.as_of or ""])
                h[0] += 1
        # the articles sharing the most parties first (a country alone is shared by every pledge), then the latest
        for a in sorted(hits, key=lambda x: (hits[x][0], hits[x][1]), reverse=True)[:EARLIER_DOCS]:
            pairs.append((a, doc_id))
    parties = sorted(set(conn.execute(select(pledge_parties.c.entity_id).join(
        S.entities, S.entities.c.id == pledge_parties.c.entity_id).where(
        pledge_parties.c.doc_id == doc_id, S.entities.c.type.in_(["PER", "ORG"]))).scalars()))[:PARTIES] if rows else []
    if parties:  # its pledges: later articles naming a party that say what became of something
        de, us = S.doc_entities, update_sentences
        # the latest articles of each party (the (entity, document) index), then their cue sentences by document
        latest = select(de.c.doc_id).where(de.c.entity_id == bindparam("ent"), de.c.doc_id != doc_id) \
            .order_by(de.c.doc_id.desc()).limit(PARTY_DOCS)
        docs = sorted({d for e in parties for d in conn.execute(latest, {"ent": e}).scalars()})
        q = select(us.c.doc_id, us.c.as_of).where(us.c.doc_id.in_(docs), us.c.as_of.is_not(None))
        if as_of and len(as_of) == 10:
            q = q.where(us.c.as_of > as_of)
        later_docs = sorted({(r.as_of, r.doc_id) for r in conn.execute(q)})
        for lt in list(dict.fromkeys(d for _, d in later_docs))[:LATER_DOCS]:
            pairs.append((doc_id, lt))
    _write(conn, pairs)
    _apply_overrides(conn, doc_id)


def unlink(conn: Connection, doc_id: int) -> None:
    """Take an article out of the indexes and drop its links both ways (before it is stored again or deleted)."""
    conn.execute(delete(links).where(or_(links.c.doc_id == doc_id, links.c.pledge_doc_id == doc_id)))
    conn.execute(delete(pledge_parties).where(pledge_parties.c.doc_id == doc_id))
    conn.execute(delete(update_sentences).where(update_sentences.c.doc_id == doc_id))
    conn.execute(delete(doc_plans).where(doc_plans.c.doc_id == doc_id))


# --- corrections --------------------------------------------------------------------------------------------

def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _apply_overrides(conn: Connection, doc_id: int) -> None:
    """Users' confirms and adds that name this article (as pledge or later report), when the other side is stored."""
    source = conn.execute(select(S.documents.c.source).where(S.documents.c.id == doc_id)).scalar()
    if source is None:
        return
    rows = conn.execute(select(overrides).where(overrides.c.action.in_(["confirm", "add"]), or_(
        overrides.c.pledge_source == source, overrides.c.update_source == source)).order_by(overrides.c.id)).all()
    for o in rows:
        _place(conn, o.pledge_key, o.update_source, o.sent_idx, o.status, "confirmed" if o.action == "confirm"
               else "added")


def _place(conn: Connection, pledge_key: str, update_source: str, sent_idx: int | None, status: str | None,
           origin: str) -> int | None:
    """Write a user's link (replacing what the rules found for that pledge and article); None if a side is absent."""
    from hoptac.stories import story_members
    sm, d = story_members, S.documents
    pledge = conn.execute(select(sm.c.fact_id, sm.c.doc_id).where(sm.c.kind == "statement",
                                                                  sm.c.member_key == pledge_key)).first()
    doc = conn.execute(select(d.c.id).where(d.c.source == update_source).order_by(d.c.id)).scalar()
    if pledge is None or doc is None:
        return None
    cur = conn.execute(select(links.c.sent_idx, links.c.status).where(
        links.c.statement_id == pledge.fact_id, links.c.doc_id == doc)).first()
    if sent_idx is None:
        sent_idx = cur.sent_idx if cur else 0
    text = conn.execute(select(S.sentences.c.text).where(S.sentences.c.doc_id == doc,
                                                         S.sentences.c.idx == sent_idx)).scalar()
    if text is None:
        return None
    status = status or (cur.status if cur else None) or M.status_of(text) or "unclear"
    conn.execute(delete(links).where(links.c.statement_id == pledge.fact_id, links.c.doc_id == doc))
    return conn.execute(links.insert().values(
        statement_id=pledge.fact_id, pledge_doc_id=pledge.doc_id, pledge_key=pledge_key, doc_id=doc,
        sent_idx=sent_idx, date=doc_date(conn, doc), status=status, evidence=text, score=None, origin=origin)
        .returning(links.c.id)).scalar_one()


def _sources(conn: Connection, link_id: int):
    d = S.documents
    row = conn.execute(select(links).where(links.c.id == link_id)).first()
    if row is None:
        raise LookupError(f"no link {link_id}")
    ps = conn.execute(select(d.c.source).where(d.c.id == row.pledge_doc_id)).scalar_one()
    us = conn.execute(select(d.c.source).where(d.c.id == row.doc_id)).scalar_one()
    return row, ps, us


def confirm(store, link_id: int, status: str | None = None) -> int:
    """A user says this link is right (and, optionally, what its status is); kept when articles are stored again."""
    if status is not None and status not in M.STATUSES:
        raise ValueError(f"status is one of {', '.join(M.STATUSES)}")
    with store.engine.begin() as c:
        row, ps, us = _sources(c, link_id)
        c.execute(overrides.insert().values(action="confirm", pledge_key=row.pledge_key, pledge_source=ps,
                                            update_source=us, sent_idx=row.sent_idx, status=status or row.status,
                                            created_at=_now()))
        return _place(c, row.pledge_key, us, row.sent_idx, status or row.status, "confirmed") or link_id


def reject(store, link_id: int) -> None:
    """A user says this later article does not report on this pledge; it stays unlinked after re-ingest."""
    with store.engine.begin() as c:
        row, ps, us = _sources(c, link_id)
        c.execute(delete(overrides).where(overrides.c.pledge_key == row.pledge_key, overrides.c.update_source == us))
        c.execute(overrides.insert().values(action="reject", pledge_key=row.pledge_key, pledge_source=ps,
                                            update_source=us, created_at=_now()))
        c.execute(delete(links).where(links.c.statement_id == row.statement_id, links.c.doc_id == row.doc_id))


def add(store, statement_id: int, doc_id: int, sent_idx: int, status: str) -> int:
    """A user links a pledge to a later article's sentence the rules missed; kept when articles are stored again."""
    if status not in M.STATUSES:
        raise ValueError(f"status is one of {', '.join(M.STATUSES)}")
    from hoptac.stories import story_members
    d = S.documents
    with store.engine.begin() as c:
        key = c.execute(select(story_members.c.member_key).where(story_members.c.kind == "statement",
                                                                 story_members.c.fact_id == statement_id)).scalar()
        st = c.execute(select(S.statements.c.doc_id, S.statements.c.kind).where(S.statements.c.id == statement_id)
                       ).first()
        if key is None or st is None or st.kind not in PLEDGE_KINDS:
            raise LookupError(f"no request, commitment, intent or agreement {statement_id}")
        ps = c.execute(select(d.c.source).where(d.c.id == st.doc_id)).scalar_one()
        us = c.execute(select(d.c.source).where(d.c.id == doc_id)).scalar()
        if us is None:
            raise LookupError(f"no article {doc_id}")
        if c.execute(select(S.sentences.c.idx).where(S.sentences.c.doc_id == doc_id,
                                                     S.sentences.c.idx == sent_idx)).first() is None:
            raise LookupError(f"article {doc_id} has no sentence {sent_idx}")
        c.execute(delete(overrides).where(overrides.c.pledge_key == key, overrides.c.update_source == us))
        c.execute(overrides.insert().values(action="add", pledge_key=key, pledge_source=ps, update_source=us,
                                            sent_idx=sent_idx, status=status, created_at=_now()))
        return _place(c, key, us, sent_idx, status, "added")


# --- the whole store ----------------------------------------------------------------------------------------

def rebuild(store) -> int:
    """Index every stored article again and link them all (users' corrections kept): for stores made before
    lifecycle links existed, or after the rules change. Returns the number of links."""
    with store.engine.begin() as c:
        for t in (links, pledge_parties, update_sentences, doc_plans):
            c.execute(delete(t))
        ids = list(c.execute(select(S.documents.c.id).order_by(S.documents.c.id)).scalars())
    for k in range(0, len(ids), 200):
        with store.engine.begin() as c:
            for doc_id in ids[k:k + 200]:
                unlink(c, doc_id)  # an article stored again meanwhile was indexed already: never twice
                link(c, doc_id)
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(links)).scalar_one()
