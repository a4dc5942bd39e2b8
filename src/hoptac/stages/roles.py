"""Person-title-organization facts: "Bộ trưởng Bộ X Nguyễn Văn A", "ông A, Chủ tịch Y", title chains."""
from __future__ import annotations

import re

from hoptac.lexicon import lex_key
from hoptac.models import Article, Mention, Role

NAME = "roles"
REQUIRES = ["entities"]
ASSIGNS = ["roles"]

_SEP_CHAIN = re.compile(r"^\s*(?:,|và|kiêm)\s*$")
_SEP_APPOS = re.compile(r"^\s*[,\-–—]\s*$")
# "ông X, nhà sáng lập, Chủ tịch ...": a lowercase title between the name and the capitalized chain
_LOWER_BETWEEN = re.compile(r"^\s*,\s*(?:[a-zà-ỹđ]+\s+){0,3}[a-zà-ỹđ]+\s*,\s*$")
# "Tổng Giám đốc điều hành Tập đoàn X": a few lowercase words may finish a title before its organization
_TITLE_TAIL = re.compile(r"^\s+(?:[a-zà-ỹđ]+\s+){0,2}$")
_LOWER_TITLE_END = re.compile(r"\s+(?:của|tại|ở|thuộc|cùng|và)\s|[,.;:()]")


def sentence_mentions(a: Article) -> list[list[Mention]]:
    """Mentions per sentence, outermost only (a place nested in an organization's name is skipped)."""
    per: list[list[Mention]] = [[] for _ in a.sentences]
    for m in sorted(a.mentions, key=lambda m: (m.sent, m.start, -m.end)):
        lst = per[m.sent]
        if lst and m.start < lst[-1].end:
            continue
        lst.append(m)
    return per


def org_name(a: Article, m: Mention) -> str | None:
    """The organization a mention names; a bare head ("Tập đoàn") takes its resolved entity's name."""
    if m.entity >= 0:
        return a.entities[m.entity].name
    return m.text if m.type in ("ORG", "LOC") else None


def run(a: Article, res) -> None:
    """Read titles next to person names."""
    roles: list[Role] = []
    by_key: dict[tuple[int, str], int] = {}
    as_of = a.published

    def add(person: int, title: str, org: str | None, m: Mention, end: int) -> None:
        k = (person, lex_key(title))
        if k in by_key:
            r = roles[by_key[k]]
            if r.organization is None and org:
                r.organization = org
            return
        by_key[k] = len(roles)
        roles.append(Role(person, title, org, as_of, m.sent, m.start, end))

    for ms in sentence_mentions(a):
        for k, m in enumerate(ms):
            if m.type == "TITLE":
                j = k + 1
                org_m = None
                if j < len(ms) and ms[j].type in ("ORG", "LOC", "HEAD") and _adjacent(a, m, ms[j]):
                    org_m = ms[j]
                    j += 1
                if j < len(ms) and ms[j].type == "PER" and _adjacent(a, org_m or m, ms[j]) and ms[j].entity >= 0:
                    person = ms[j].entity
                    org = _resolve_head(a, org_m) if org_m is not None else None
                    add(person, m.text, org, m, ms[j].end)
                    m.entity = -2 - person  # marks this title as used by a role (not a reference)
                    c = k - 1
                    while c >= 0 and ms[c].type == "TITLE" and _SEP_CHAIN.match(a.text[ms[c].end:ms[c + 1].start]):
                        add(person, ms[c].text, None, ms[c], ms[j].end)
                        ms[c].entity = -2 - person
                        c -= 1
            elif m.type == "PER" and m.entity >= 0 and k + 1 < len(ms):
                nxt = ms[k + 1]
                after = ms[k + 2] if k + 2 < len(ms) else None
                # "ông Park Ji Hoon, Bộ trưởng Lê Văn Tùng", "Trần Văn Hải, Thủ tướng Nhật Bản Sato Ken": a title
                # right before a name (or before an organization and a name) is that name's
                owned = after is not None and after.type == "PER" and _adjacent(a, nxt, after)
                if not owned and after is not None and after.type in ("ORG", "LOC", "HEAD") and _adjacent(a, nxt, after):
                    third = ms[k + 3] if k + 3 < len(ms) else None
                    owned = third is not None and third.type == "PER" and _adjacent(a, after, third)
                gap = a.text[m.end:nxt.start]
                if nxt.type == "TITLE" and (_SEP_APPOS.match(gap) or _LOWER_BETWEEN.match(gap)) and not owned:
                    _lower_appositive(a, m, res, add)
                    _appositive_chain(a, ms, k, add)
                    continue
            if m.type == "PER" and m.entity >= 0:
                _lower_appositive(a, m, res, add)
    a.roles = roles


_KIEM = re.compile(r"\s+kiêm\s+", re.I)


def _appositive_chain(a: Article, ms: list[Mention], k: int, add) -> None:
    """"X, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an": every title of the chain after a name is the name's;
    titles joined by "kiêm" share the organization that follows the last of them."""
    person = ms[k]
    j = k + 1
    pending: list[Mention] = []  # titles waiting for the organization a "kiêm" chain ends with
    while j < len(ms) and ms[j].type == "TITLE":
        t = ms[j]
        org_m = ms[j + 1] if j + 1 < len(ms) and ms[j + 1].type in ("ORG", "LOC", "HEAD") \
            and (_adjacent(a, t, ms[j + 1]) or _TITLE_TAIL.match(a.text[t.end:ms[j + 1].start])) else None
        org = _resolve_head(a, org_m) if org_m else None
        pending.append(t)
        if org is not None or j + 1 + (org_m is not None) >= len(ms):
            for p in pending:
                for part in _KIEM.split(p.text):  # "Chủ tịch kiêm Tổng Giám đốc": two titles, one organization
                    add(person.entity, part.strip(), org, p, t.end)
                p.entity = -2 - person.entity
            pending = []
        nxt_i = j + 1 + (org_m is not None)
        if nxt_i >= len(ms) or ms[nxt_i].type != "TITLE":
            break
        sep = a.text[(org_m or t).end:ms[nxt_i].start]
        if not _SEP_CHAIN.match(sep):
            break
        if pending and "kiêm" not in sep:
            for p in pending:  # a comma ends a title without its own organization
                add(person.entity, p.text, None, p, t.end)
                p.entity = -2 - person.entity
            pending = []
        j = nxt_i
    for p in pending:
        add(person.entity, p.text, None, p, p.end)
        p.entity = -2 - person.entity


def _adjacent(a: Article, left: Mention, right: Mention) -> bool:
    return not a.text[left.end:right.start].strip()


def _resolve_head(a: Article, m: Mention | None) -> str | None:
    if m is None:
        return None
    if m.type == "HEAD":
        from .coref import resolve_head
        eid = resolve_head(a, m)
        return a.entities[eid].name if eid is not None else None
    return org_name(a, m)


def _lower_appositive(a: Article, m: Mention, res, add) -> None:
    """`ông A, người đứng đầu bộ phận X của ...`: a lowercase title phrase after the name."""
    rest = a.text[m.end:m.end + 120]
    if not rest.startswith(", "):
        return
    phrase = rest[2:]
    low = lex_key(phrase)
    for title_key in res.lex.titles:
        if low.startswith(title_key + " ") and not phrase[:1].isupper():
            stop = _LOWER_TITLE_END.search(phrase)
            title = phrase[:stop.start()] if stop else phrase
            if 1 <= len(title.split()) <= 10:
                add(m.entity, title.strip(), None, m, m.end + 2 + len(title))
            return
