"""A partner dossier for the next meeting: the last meetings, what was asked of the partner and what it promised
(each with what became of it), targets and figures, and the people on both sides, every fact cited to its sentence.

Candidates come from indexes only and are bounded per dossier: the partner's events (event_participants by
entity), statements addressed to it or made by it (the speaker and addressee indexes), and its people, found
through the roles of its latest DOCS articles (doc_entities by entity, roles by article). A person's statement
counts for the partner when the same article gives them a role there ("through whom" is said).
"""
from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, or_, select, tuple_

from hoptac import lifecycle_view
from hoptac.citations import doc_sources
from hoptac.isodate import full_day, sort_key
from hoptac.kb import NotFound, entity_doc_ids
from hoptac.lifecycle_match import STATUSES
from hoptac.sites import safe_url
from hoptac.stories import story_members, story_of
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.textnorm import key

MEETING_TYPES = ("meeting", "visit", "conference", "agreement")
PROMISE_KINDS = ("commitment", "intent", "agreement")
LATEST = 12  # stories per section: a dossier is read before a meeting, not an export
DOCS = 300  # the partner's latest articles searched for its people's roles and its figures
PER_LOOKUP = 400  # rows an index lookup reads at most


def _names(conn: Connection, entity_id: int, name: str) -> set[str]:
    """Folded names the partner goes by in its articles (its name and the aliases they used)."""
    de = S.doc_entities
    out = {key(name)}
    for n, aliases in conn.execute(select(de.c.name, de.c.aliases).where(de.c.entity_id == entity_id)
                                   .order_by(de.c.id.desc()).limit(50)):
        out.add(key(n))
        out.update(key(a) for a in json.loads(aliases or "[]"))
    return {x for x in out if x}


def _at(names: set[str], organization: str | None, title: str | None) -> bool:
    """A role is at the partner when its organization (or its title, "Giám đốc NVIDIA Việt Nam") names it."""
    text = f" {key(organization or '')} {key(title or '')} "
    return any(f" {n} " in text for n in names)


_CLAUSE = re.compile(r"[^,;.:()\n]*")


def _clause_names(names: set[str], rest: str) -> bool:
    """The words after a title, to the end of its clause, say whose it is: "Phó Chủ tịch ... của NVIDIA,"."""
    m = _CLAUSE.match(rest)
    text = f" {key(m.group(0) if m else '')} "
    return any(f" cua {n} " in text for n in names)


def _people(conn: Connection, entity_id: int, names: set[str], docs: list[int]) -> dict[tuple[int, int], dict]:
    """(person, article) -> the role that article gives the person at the partner, from its latest articles."""
    rl, se = S.roles, S.sentences
    out: dict[tuple[int, int], dict] = {}
    loose = []  # roles naming no organization: the rest of their clause may
    for k in range(0, len(docs), 500):
        for r in conn.execute(select(rl.c.person_entity_id, rl.c.person, rl.c.title, rl.c.organization, rl.c.doc_id,
                                     rl.c.sent_idx, rl.c.char_end)
                              .where(rl.c.doc_id.in_(docs[k:k + 500]), rl.c.person_entity_id.is_not(None))):
            if r.person_entity_id == entity_id:
                continue
            if _at(names, r.organization, r.title):
                out.setdefault((r.person_entity_id, r.doc_id), {"person": r.person, "title": r.title,
                                                                "organization": r.organization})
            elif not r.organization and r.char_end is not None:
                loose.append(r)
    keys = sorted({(r.doc_id, r.sent_idx) for r in loose if (r.person_entity_id, r.doc_id) not in out})
    sents = {}
    for k in range(0, len(keys), 500):
        sents.update({(d, i): (a, t) for d, i, a, t in conn.execute(
            select(se.c.doc_id, se.c.idx, se.c.char_start, se.c.text)
            .where(tuple_(se.c.doc_id, se.c.idx).in_(keys[k:k + 500])))})
    for r in loose:
        start, text = sents.get((r.doc_id, r.sent_idx), (0, ""))
        if text and _clause_names(names, text[max(0, r.char_end - start):]):
            out.setdefault((r.person_entity_id, r.doc_id), {"person": r.person, "title": r.title,
                                                            "organization": None})
    return out


# --- statements ------------------------------------------------------------------------------------------------

def _statements(conn: Connection, where, limit: int = PER_LOOKUP) -> list:
    st, d = S.statements, S.documents
    return conn.execute(select(st.c.id, st.c.doc_id, st.c.sent_idx, st.c.kind, st.c.speaker, st.c.speaker_entity_id,
                               st.c.addressee, st.c.addressee_entity_id, st.c.content, st.c.date, st.c.evidence,
                               d.c.published)
                        .join(d, d.c.id == st.c.doc_id).where(where).order_by(st.c.id.desc()).limit(limit)).all()


def _item(r, via: dict | None = None) -> dict[str, Any]:
    full = r.date if full_day(r.date) else None
    return {"id": r.id, "doc_id": r.doc_id, "sentence": r.sent_idx, "kind": r.kind, "speaker": r.speaker,
            "speaker_entity_id": r.speaker_entity_id, "addressee": r.addressee,
            "addressee_entity_id": r.addressee_entity_id, "content": r.content, "evidence": r.evidence,
            "date": full or r.published or r.date, "via": via}


def _asked(conn: Connection, entity_id: int, people: dict) -> list[dict]:
    """Requests addressed to the partner, or to a person the same article places at the partner."""
    st = S.statements
    rows = _statements(conn, (st.c.kind == "request") & (st.c.addressee_entity_id == entity_id))
    ids = sorted({p for p, _ in people})
    docs = sorted({d for _, d in people})
    if ids:
        rows += [r for r in _statements(conn, (st.c.kind == "request") & st.c.addressee_entity_id.in_(ids)
                                        & st.c.doc_id.in_(docs)) if (r.addressee_entity_id, r.doc_id) in people]
    out = []
    for r in rows:
        if r.speaker_entity_id == entity_id or (r.speaker_entity_id, r.doc_id) in people:
            continue  # the partner asking its own people is not Vietnam asking the partner
        via = people.get((r.addressee_entity_id, r.doc_id)) if r.addressee_entity_id != entity_id else None
        out.append(_item(r, via))
    return out


def _promised(conn: Connection, entity_id: int, people: dict) -> list[dict]:
    """Commitments, intents and agreements by the partner or by a person the same article places at it; agreements
    made with the partner count too (both sides agreed)."""
    st = S.statements
    rows = _statements(conn, st.c.kind.in_(PROMISE_KINDS) & or_(
        st.c.speaker_entity_id == entity_id, (st.c.kind == "agreement") & (st.c.addressee_entity_id == entity_id)))
    ids = sorted({p for p, _ in people})
    docs = sorted({d for _, d in people})
    if ids:
        rows += [r for r in _statements(conn, st.c.kind.in_(PROMISE_KINDS) & st.c.speaker_entity_id.in_(ids)
                                        & st.c.doc_id.in_(docs)) if (r.speaker_entity_id, r.doc_id) in people]
    return [_item(r, people.get((r.speaker_entity_id, r.doc_id)) if r.speaker_entity_id != entity_id else None)
            for r in rows]


def _one_per_story(conn: Connection, kind: str, items: list[dict]) -> list[dict]:
    """The earliest report of each story (a happening reported by three outlets is listed once), latest first."""
    stories = story_of(conn, kind, [i["id"] for i in items])
    by: dict[Any, dict] = {}
    for i in sorted({i["id"]: i for i in items}.values(), key=lambda i: (sort_key(i["date"]) or "9999", i["id"])):
        i["story"], i["outlets"] = stories.get(i["id"], (None, 1))
        by.setdefault(i["story"] or f"s{i['id']}", i)
    return sorted(by.values(), key=lambda i: (sort_key(i["date"]), i["id"]), reverse=True)[:LATEST]


def _lifecycle(store: Store, conn: Connection, items: list[dict]) -> None:
    """Each pledge's current status and its trail of later reports (oldest first), by its story."""
    sm = story_members
    stories = [i["story"] for i in items if i["story"] is not None]
    members = {i["id"] for i in items}
    if stories:
        members |= set(conn.execute(select(sm.c.fact_id).where(sm.c.kind == "statement",
                                                                sm.c.story_id.in_(stories))).scalars())
    chains = {}
    for ch in lifecycle_view.chains(store, sorted(members)):
        chains[ch["story"] or f"s{ch['pledge']['id']}"] = ch
    for i in items:
        ch = chains.get(i["story"] or f"s{i['id']}")
        i["updates"] = ch["updates"] if ch else []
        i["status"] = ch["status"] if ch else lifecycle_view.OPEN
        last = i["updates"][-1] if i["updates"] else i
        i["status_at"] = {"doc_id": last["doc_id"], "sentence": last["sentence"]}  # where the status is read


# --- events, people, figures ---------------------------------------------------------------------------------

def _meetings(conn: Connection, entity_id: int, people: dict) -> list[dict]:
    """The partner's latest meetings, visits, conferences and signings (its own or its people's), with who took part."""
    ev, ep = S.events, S.event_participants
    ids = sorted({entity_id} | {p for p, _ in people})
    rows = conn.execute(select(ev).where(ev.c.type.in_(MEETING_TYPES), ev.c.id.in_(
        select(ep.c.event_id).where(ep.c.entity_id.in_(ids)))).order_by(ev.c.id.desc()).limit(PER_LOOKUP)).all()
    items = [{"id": r.id, "doc_id": r.doc_id, "sentence": r.sent_idx, "type": r.type, "date": r.date,
              "location": r.location, "names": json.loads(r.participants or "[]"), "evidence": r.evidence}
             for r in rows]
    items = _one_per_story(conn, "event", items)
    if not items:
        return items
    de, rl = S.doc_entities, S.roles
    docs = sorted({i["doc_id"] for i in items})
    ent_of = {(d, n): (e, typ) for d, n, e, typ in conn.execute(select(de.c.doc_id, de.c.name, de.c.entity_id,
                                                                        de.c.type).where(de.c.doc_id.in_(docs)))}
    titles = {}
    for d, p, title, org in conn.execute(select(rl.c.doc_id, rl.c.person_entity_id, rl.c.title, rl.c.organization)
                                         .where(rl.c.doc_id.in_(docs), rl.c.person_entity_id.is_not(None))
                                         .order_by(rl.c.id)):
        titles.setdefault((d, p), (title, org))
    for i in items:
        i["participants"] = []
        for n in i.pop("names"):
            e, typ = ent_of.get((i["doc_id"], n), (None, None))
            if typ == "LOC":
                continue  # the place a meeting is held in, or a country named beside it, attended nothing
            title, org = titles.get((i["doc_id"], e), (None, None))
            i["participants"].append({"name": n, "entity_id": e, "title": title, "organization": org})
    return items


def _latest_roles(conn: Connection, person_ids: list[int]) -> dict[int, Any]:
    """Each person's latest role as the latest report gives it (by its date, then as stored)."""
    rl = S.roles
    out: dict[int, Any] = {}
    for p in person_ids:  # one row each through the person index: a prime minister has thousands
        r = conn.execute(select(rl).where(rl.c.person_entity_id == p)
                         .order_by(rl.c.as_of.is_(None), rl.c.as_of.desc(), rl.c.id.desc()).limit(1)).first()
        if r is not None:
            out[p] = r
    return out


def _sides(conn: Connection, entity_id: int, people: dict, meetings: list, asked: list, promised: list,
           names: set[str]) -> dict[str, list[dict]]:
    """The people on both sides: the partner's (from its articles' roles) and those who dealt with it (in its
    meetings, asking it, or addressed by its pledges), each with the latest title a report gives them."""
    last_seen: dict[int, int] = {}
    for p, d in people:
        last_seen[p] = max(d, last_seen.get(p, 0))
    ours = set(sorted(last_seen, key=last_seen.get, reverse=True)[:2 * LATEST])  # those of its latest articles
    theirs: set[int] = set()
    for m in meetings:
        theirs |= {p["entity_id"] for p in m["participants"] if p["entity_id"] is not None}
    theirs |= {s["speaker_entity_id"] for s in asked if s["speaker_entity_id"]}
    theirs |= {s["addressee_entity_id"] for s in promised if s["addressee_entity_id"]}
    theirs -= set(last_seen) | {entity_id}
    e = S.entities
    persons = set(conn.execute(select(e.c.id).where(e.c.id.in_(sorted(ours | theirs)), e.c.type == "PER")).scalars())
    latest = _latest_roles(conn, sorted(persons))

    def row(pid: int) -> dict | None:
        r = latest.get(pid)
        if r is None:
            return None
        return {"entity_id": pid, "name": r.person, "title": r.title, "organization": r.organization,
                "as_of": r.as_of, "doc_id": r.doc_id, "sentence": r.sent_idx,
                "at_partner": _at(names, r.organization, r.title)}

    def side(ids: set[int]) -> list[dict]:
        rows = [x for x in (row(p) for p in ids & persons) if x]
        return sorted(rows, key=lambda x: (sort_key(x["as_of"]), x["name"]), reverse=True)[:2 * LATEST]

    return {"partner": side(ours), "counterparts": [x for x in side(theirs) if not x["at_partner"]]}


@lru_cache(maxsize=1)
def _durations() -> frozenset[str]:
    """Units of time (lexicons/dossier_durations.tsv): "5 năm" is how long, not what was promised."""
    from hoptac.lexicon import read_tsv

    return frozenset(r["unit"] for r in read_tsv("dossier_durations.tsv"))


def _figures(conn: Connection, entity_id: int, docs: list[int], people: dict, facts: list[dict]) -> list[dict]:
    """Targets and figures of the partner's articles, in sentences naming it or its people, or of its pledges."""
    m, f, d = S.mentions, S.figures, S.documents
    recent = docs[-60:]  # the latest articles: figures go stale
    ids = sorted({entity_id} | {p for p, _ in people})
    here = set(conn.execute(select(m.c.doc_id, m.c.sent_idx).where(m.c.entity_id.in_(ids),
                                                                    m.c.doc_id.in_(recent or [-1]))).all())
    here |= {(x["doc_id"], x["sentence"]) for x in facts}
    durations = _durations()
    rows = [r for r in conn.execute(select(f, d.c.published).join(d, d.c.id == f.c.doc_id)
                                    .where(f.c.doc_id.in_(sorted({x for x, _ in here}) or [-1])))
            if (r.doc_id, r.sent_idx) in here and (r.unit or "").strip().lower() not in durations]
    rows.sort(key=lambda r: (r.deadline is not None, sort_key(r.published), r.id), reverse=True)
    return [{"value": r.value, "unit": r.unit, "text": r.text, "subject": r.subject, "deadline": r.deadline,
             "evidence": r.evidence, "date": r.published, "doc_id": r.doc_id, "sentence": r.sent_idx}
            for r in rows[:2 * LATEST]]


# --- the dossier -------------------------------------------------------------------------------------------------

def dossier_data(store: Store, entity_id: int) -> dict[str, Any]:
    """What a dossier shows, every fact with a citation number into one list of sources (title, outlet, date)."""

    e = S.entities
    with store.engine.connect() as c:
        row = c.execute(select(e.c.id, e.c.name, e.c.type).where(e.c.id == entity_id)).first()
        if row is None:
            raise NotFound(f"no entity with id {entity_id}")
        names = _names(c, entity_id, row.name)
        docs = entity_doc_ids(c, entity_id, DOCS)
        people = _people(c, entity_id, names, docs)
        meetings = _meetings(c, entity_id, people)
        asked = _one_per_story(c, "statement", _asked(c, entity_id, people))
        promised = _one_per_story(c, "statement", _promised(c, entity_id, people))
        _lifecycle(store, c, asked + promised)
        sides = _sides(c, entity_id, people, meetings, asked, promised, names)
        figures = _figures(c, entity_id, docs, people, asked + promised)
    facts = [*meetings, *asked, *promised, *figures, *sides["partner"], *sides["counterparts"]]
    trail = [u for s in asked + promised for u in s["updates"]]
    info = doc_sources(store, {x["doc_id"] for x in facts + trail})
    cites: dict[tuple[int, int], int] = {}
    sources: list[dict[str, Any]] = []

    def cite(x: dict[str, Any]) -> dict[str, Any]:
        k = (x["doc_id"], x["sentence"])
        if k not in cites:
            cites[k] = len(sources) + 1
            d = info.get(x["doc_id"], {})
            sources.append({"n": cites[k], "doc_id": k[0], "sentence": k[1], "text": x.get("evidence") or "",
                            "title": d.get("title"), "outlet": d.get("outlet"), "published": d.get("published"),
                            "url": d.get("url")})
        x["cite"] = cites[k]
        return x

    for x in facts:
        cite(x)
    for s in asked + promised:
        for u in s["updates"]:
            cite(u)
            u.update({"title": info.get(u["doc_id"], {}).get("title"), "published":
                      info.get(u["doc_id"], {}).get("published"), "outlet": info.get(u["doc_id"], {}).get("outlet")})
        s["status_cite"] = s["updates"][-1]["cite"] if s["updates"] else s["cite"]
    for s in sources:  # a role's or a figure's sentence has no evidence field of its own
        if not s["text"]:
            s["text"] = _sentence(store, s["doc_id"], s["sentence"])
    return {"entity": {"id": row.id, "name": row.name, "type": row.type, "documents": len(docs)},
            "generated": date.today().isoformat(), "meetings": meetings, "asked": asked, "promised": promised,
            "figures": figures, "people": sides, "sources": sources, "docs": info}


def _sentence(store: Store, doc_id: int, idx: int) -> str:
    s = S.sentences
    with store.engine.connect() as c:
        return c.execute(select(s.c.text).where(s.c.doc_id == doc_id, s.c.idx == idx)).scalar() or ""


_PLACE = re.compile(r"(?:/article/)?(\d+)(?:#s(\d+))?\s*$")


def parse_place(article: str, sentence: str = "") -> tuple[int, int]:
    """An article and sentence a user names: "/article/12#s3" (a citation's link), or "12" with the sentence as the
    article page numbers it (§4 is the fourth: 0-based inside). Raises ValueError with what to write instead."""
    m = _PLACE.search((article or "").strip())
    if not m:
        raise ValueError("give the article's number or a link to its sentence (/article/12#s3)")
    doc = int(m.group(1))
    if m.group(2) is not None and not sentence.strip():
        return doc, int(m.group(2))
    n = sentence.strip().lstrip("§")
    if not n.isdigit() or int(n) < 1:
        raise ValueError("give the sentence's number as the article page shows it (§1 is the first)")
    return doc, int(n) - 1


# --- rendering ---------------------------------------------------------------------------------------------------

def dossier_html(store: Store, entity_id: int, lang: str = "vi", standalone: bool = False,
                 needs_token: bool = False) -> str:
    """The dossier page; standalone (files, PDFs) inlines its stylesheets, cites by number and has no forms."""
    from markupsafe import Markup

    from hoptac.web import HERE, make_env
    from hoptac.web.i18n import labels, translator

    css = None
    if standalone:
        css = Markup("\n".join((HERE / "static" / f).read_text(encoding="utf-8")  # ours: not escaped as text
                                for f in ("briefing.css", "dossier.css")))
    return make_env().get_template("dossier.html").render(
        t=translator(lang), lang=lang, labels=labels(lang), d=dossier_data(store, entity_id), css=css,
        standalone=standalone, safe_url=safe_url, needs_token=needs_token, statuses=STATUSES)


def dossier_md(store: Store, entity_id: int, lang: str = "vi") -> str:
    """The same dossier as Markdown, for notes and e-mail; safe to paste into any Markdown renderer."""
    from hoptac.report import _Md, md_link, md_text
    from hoptac.web import make_env
    from hoptac.web.i18n import labels, translator

    env = make_env()
    env.autoescape = False  # Markdown, not HTML: every value is escaped for Markdown by finalize instead
    env.finalize = md_text
    env.filters["md"] = lambda v: _Md(md_text(v))
    env.filters["md_link"] = md_link
    return env.get_template("dossier.md").render(t=translator(lang), lang=lang, labels=labels(lang),
                                                 d=dossier_data(store, entity_id))


def dossier_pdf(store: Store, entity_id: int, lang: str = "vi") -> bytes:
    """The standalone HTML dossier printed to PDF by WeasyPrint (fonts from the system: DejaVu)."""
    from weasyprint import HTML

    return HTML(string=dossier_html(store, entity_id, lang, standalone=True)).write_pdf()
