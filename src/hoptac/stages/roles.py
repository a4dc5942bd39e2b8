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
                if nxt.type == "TITLE" and _SEP_APPOS.match(a.text[m.end:nxt.start]):
                    org_m = ms[k + 2] if k + 2 < len(ms) and ms[k + 2].type in ("ORG", "LOC", "HEAD") \
                        and _adjacent(a, nxt, ms[k + 2]) else None
                    add(m.entity, nxt.text, _resolve_head(a, org_m) if org_m else None, m, nxt.end)
                    nxt.entity = -2 - m.entity
                    continue
            if m.type == "PER" and m.entity >= 0:
                _lower_appositive(a, m, res, add)
    a.roles = roles


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
