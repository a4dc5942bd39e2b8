"""Answer Vietnamese questions from the knowledge base, every answer cited to its sentence.

No language model is needed: the question's type (who, where, when, how many,
which X, what was requested or committed) decides which stored facts answer it,
and full-text search finds the sentences they come from. With HOPTAC_LLM_URL set,
hoptac.llm may rephrase the answer from the cited sentences only.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import and_, func, or_, select

from hoptac import ask_facts
from hoptac.lexicon import Lexicons, lex_key, read_tsv
from hoptac.sites import host
from hoptac.search import Filters, Hit, QueryError, doc_freq, search
from hoptac.store import Store
from hoptac.store import schema as S
from hoptac.textnorm import fold, key

# Question words and function words, folded; they never count as content keywords.
STOP = set("""ai gi nao dau bao nhieu khi nao bao gio luc nao ngay nao nam nao thang nao o dau tai dau
la co cua do duoc va voi nhung cac mot trong cho de ve tu den toi nay kia thi ma ra vao len da se dang
khong chua hay hoac the nhu the nao sao vi sao tai sao nguoi chu gi nhieu it bang hon nua cung boi theo""".split())
UNIT_HINTS = {"tien": ("USD", "VND", "EUR", "CNY", "JPY", "KRW"), "usd": ("USD",), "dong": ("VND",),
              "met vuong": ("m2",), "m2": ("m2",), "hecta": ("ha",), "phan tram": ("%",), "ty le": ("%",),
              "cong suat": ("MW", "GW", "kW", "MWp"), "dien tich": ("m2", "ha", "km2")}
WHICH_NOUNS = ["trung tam", "tap doan", "cong ty", "to chuc", "chuong trinh", "hiep hoi", "thanh pho", "quoc gia",
               "doanh nghiep", "nghi quyet", "chien luoc", "co quan", "ngan hang", "hoi nghi", "su kien", "du an",
               "linh vuc", "bo", "luat", "quy", "tinh", "nuoc", "truong", "vien"]


def which_noun(fq: str) -> str | None:
    """The noun a "which X" question asks about: the nearest known noun before "nào"/"gì"."""
    words = re.findall(r"\w+", fq)
    for i, w in enumerate(words):
        if w not in ("nao", "gi"):
            continue
        for j in range(i - 1, max(-1, i - 6), -1):
            for n in (2, 1):
                cand = " ".join(words[j - n + 1:j + 1]) if j - n + 1 >= 0 else None
                if cand in WHICH_NOUNS:
                    return cand
    return None


MIN_COVERAGE = 0.45  # share of the question's keyword weight a sentence must hold to answer it


@dataclass(slots=True)
class Citation:
    """A cited sentence: its article's source, text, and where it sits (for links to the article page)."""

    source: str
    text: str
    doc_id: int | None = None
    sentence: int | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None


@dataclass(slots=True)
class Answer:
    """The answer, its citations, and what kind of question it was read as."""

    q: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    kind: str = "unknown"
    found: bool = True

    def to_dict(self) -> dict:
        return {"q": self.q, "answer": self.answer, "kind": self.kind,
                "citations": [{"source": c.source, "text": c.text, "doc_id": c.doc_id, "sentence": c.sentence,
                               "title": c.title, "outlet": c.outlet, "published": c.published}
                              for c in self.citations]}


def question_type(fq: str, q: str = "") -> str:
    """The kind of answer a folded question asks for (q, unfolded, tells "mấy" from "nhà máy")."""
    if re.search(r"\bbao nhieu\b", fq) or re.search(r"\bmấy\b", q.lower()):
        return "how_many"
    if re.search(r"\b(khi nao|bao gio|luc nao|nam nao|thang nao|ngay nao|thoi gian nao|tu khi nao)\b", fq):
        return "when"
    if re.search(r"\b(o dau|tai dau|dia diem nao|noi nao)\b", fq) or re.search(r"\bdau\s*\??$", fq):
        return "where"
    # "ai" (who), not "AI" (the acronym): the unfolded question tells them apart
    who = re.compile(r"(?<!\w)(?:ai|Ai|ại)(?!\w)") if q else re.compile(r"\bai\b")
    src = q or fq
    if re.match(r"^\s*(?:ai|Ai)\b", src) and re.search(r"\bla\b", fq):
        return "who_is"
    if which_noun(fq):
        return "which"
    if who.search(src):
        return "who"
    if re.search(r"\b(de nghi|yeu cau|keu goi|cam ket|hua|mong muon|thong nhat|dong y)\b", fq) and \
            re.search(r"\b(gi|nhung gi|noi dung|viec gi|nao)\b", fq):
        return "statement"
    return "sentence"


@lru_cache(maxsize=1)
def _title_keys() -> frozenset[str]:
    """The folded titles of the lexicon, built once: every who/which question looks them up."""
    return frozenset(key(t) for t in Lexicons.load().titles.values())


def _title_which(fq: str) -> bool:
    """The words before "nào" end with a known title ("Phó Chủ tịch nước nào", "Bộ trưởng nào")."""
    m = re.search(r"((?:\w+\s+){1,5})nao\b", fq)
    if not m:
        return False
    words = m.group(1).split()
    titles = _title_keys()
    return any(" ".join(words[i:]) in titles for i in range(len(words)))


def keywords(fq: str) -> list[str]:
    """The content words of a folded question; a function word stays when it is half of a measure ("đầu tư",
    whose "dau" is also the "where" of "ở đâu")."""
    words = re.findall(r"\w+", fq)
    measures = _measures()[1]
    keep = set()
    for i in range(len(words) - 1):
        if f"{words[i]} {words[i + 1]}" in measures:
            keep |= {i, i + 1}
    return [w for i, w in enumerate(words)
            if (i in keep or w not in STOP) and (len(w) > 1 or w.isdigit())]


DF_CAP = 20000  # sentences counted per word at most: enough to tell a common word from a rare one


def _idf(store: Store, words: list[str]) -> dict[str, float]:
    """Rarer words weigh more when rescoring candidate sentences."""
    out = {}
    with store.engine.connect() as c:
        n = c.execute(select(S.sentences.c.id).order_by(S.sentences.c.id.desc()).limit(1)).scalar() or 1
    for w in words:
        try:
            df = doc_freq(store, w, DF_CAP)
        except QueryError:
            df = 0
        out[w] = math.log(1 + n / (1 + df))
    return out


PARTY_BONUS = 2.0  # per organization or person the question names that the sentence's article mentions


CANDIDATE_HITS = 200  # best-matching sentences read per search (the index's top-k: cheap at any archive size)
RARE_PLACE = 300  # a place the question names narrows the search when at most this many articles name it


def _named(store: Store, fq: str, q: str | None) -> list:
    """The parties whose articles to search first: people and organizations, and places rare enough to tell
    articles apart ("Fukuoka", not "Việt Nam"); at most three."""
    parties = ask_facts.parties(store, f" {key(fq)} ", q)
    places = [p for p in parties if p.type == "LOC"]
    out = [p for p in parties if p.type in ("ORG", "PER")]
    if places:
        de, cap = S.doc_entities, RARE_PLACE + 1
        with store.engine.connect() as c:
            for p in places:
                seen = c.execute(select(func.count()).select_from(
                    select(de.c.doc_id).where(de.c.entity_id.in_(p.ids)).limit(cap).subquery())).scalar_one()
                if seen < cap:
                    out.append(p)
    return out[:3]


def _candidates(store: Store, fq: str, words: list[str], q: str | None = None) -> list[tuple[float, Hit]]:
    """Sentences that may answer: the best matches in the articles of each organization or person the question
    names (the index's entity filter: in a large archive the right article is otherwise drowned by ordinary
    news sharing common words), then the best matches anywhere; rescored by rare words, phrases and coverage."""
    if not words:
        return []
    query = " ".join(words)
    named = _named(store, fq, q)
    hits: dict[tuple[int, int], Hit] = {}
    try:
        for p in named:
            for h in search(store, query, Filters(entity_ids=p.ids), limit=CANDIDATE_HITS, any_term=True,
                            highlight=False):
                hits.setdefault((h.doc_id, h.sent_idx), h)
        for h in search(store, query, limit=CANDIDATE_HITS, any_term=True, highlight=False):
            hits.setdefault((h.doc_id, h.sent_idx), h)
    except QueryError:
        return []
    parties_of: dict[int, int] = {}
    for p in named:  # how many of the named parties each candidate article mentions
        for doc_id in _docs_mentioning(store, p.ids, {h.doc_id for h in hits.values()}):
            parties_of[doc_id] = parties_of.get(doc_id, 0) + 1
    return _rescore(store, words, list(hits.values()), parties_of)


def _docs_mentioning(store: Store, entity_ids: list[int], doc_ids: set[int]) -> set[int]:
    """Which of these articles mention the entity (the (entity, document) index)."""
    if not doc_ids:
        return set()
    de = S.doc_entities
    with store.engine.connect() as c:
        return set(c.execute(select(de.c.doc_id).where(de.c.entity_id.in_(entity_ids),
                                                       de.c.doc_id.in_(sorted(doc_ids)))).scalars())


DOC_CHECKED = 30  # articles of the best sentences whose whole text is read for the question's words


def _rescore(store: Store, words: list[str], hits: list[Hit], parties_of: dict[int, int]) -> list[tuple[float, Hit]]:
    """Candidates that cover enough of the question's weight, best first. The article around a sentence may
    name what the sentence leaves implicit: the articles of the best sentences are read for the question's words."""
    idf = _idf(store, words)
    uniq = set(words)
    total = sum(idf[w] for w in uniq) or 1.0
    pre = []
    for h in hits:
        ftext = " " + " ".join(re.findall(r"\w+", fold(h.text))) + " "
        toks = set(ftext.split())
        s = sum(idf[w] for w in uniq if w in toks)
        # consecutive question words found together in the sentence weigh extra (names, terms)
        for a, b in zip(words, words[1:]):
            if f" {a} {b} " in ftext:
                s += 0.5 * (idf[a] + idf[b])
        covered = sum(idf[w] for w in uniq if w in toks) / total
        pre.append((s + PARTY_BONUS * parties_of.get(h.doc_id, 0), covered, s, h))
    pre.sort(key=lambda x: -x[0])
    docs = list(dict.fromkeys(x[3].doc_id for x in pre))[:DOC_CHECKED]
    doc_words = _doc_words(store, set(docs), uniq)
    scored = []
    for _, covered, s, h in pre:
        doc_s = sum(idf[w] for w in doc_words.get(h.doc_id, ()))
        covered = max(covered, 0.5 * covered + 0.5 * doc_s / total)
        if covered >= MIN_COVERAGE:
            scored.append((s + 0.3 * doc_s + PARTY_BONUS * parties_of.get(h.doc_id, 0), h))
    scored.sort(key=lambda x: -x[0])
    return scored


def _doc_words(store: Store, doc_ids: set[int], wanted: set[str]) -> dict[int, set[str]]:
    """Which of the wanted (folded) words each article holds, in its title, text or the names of what it
    mentions (lexicon aliases included)."""
    out: dict[int, set[str]] = {}
    if not doc_ids or not wanted:
        return out
    find = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True)) + r")\b")
    with store.engine.connect() as c:
        for doc_id, title, body in c.execute(select(S.documents.c.id, S.documents.c.title, S.documents.c.text)
                                             .where(S.documents.c.id.in_(sorted(doc_ids)))):
            out[doc_id] = set(find.findall(fold(f"{title or ''} {body}")))
        for doc_id, aliases, name in c.execute(select(S.doc_entities.c.doc_id, S.doc_entities.c.aliases,
                                                      S.entities.c.name)
                                               .select_from(S.doc_entities.join(
                                                   S.entities, S.entities.c.id == S.doc_entities.c.entity_id))
                                               .where(S.doc_entities.c.doc_id.in_(sorted(doc_ids)))):
            out[doc_id] |= set(find.findall(fold(f"{name} {aliases or ''}"))) | (_lexicon_aliases(name) & wanted)
    return out


@lru_cache(maxsize=1)
def _alias_words() -> dict[str, frozenset[str]]:
    """For every lexicon name, the folded words of all its entry's aliases; built once."""
    lex = Lexicons.load()
    by_entry: dict[int, set[str]] = {}
    for k, e in lex.names.items():
        by_entry.setdefault(id(e), set()).update(re.findall(r"\w+", fold(k)))
    return {k: frozenset(by_entry[id(e)]) for k, e in lex.names.items()}


@lru_cache(maxsize=20000)
def _lexicon_aliases(name: str) -> frozenset[str]:
    """Folded words of every alias the lexicons give a name ("Hoa Kỳ" -> also "mỹ", "usa")."""
    return _alias_words().get(lex_key(name), frozenset())


def _mentions(store: Store, h: Hit) -> list:
    m = S.mentions
    with store.engine.connect() as c:
        return c.execute(select(m.c.char_start, m.c.char_end, m.c.text, m.c.type, m.c.entity_id)
                         .where(and_(m.c.doc_id == h.doc_id, m.c.sent_idx == h.sent_idx))
                         .order_by(m.c.char_start)).all()


def _sentence_start(store: Store, h: Hit) -> int:
    with store.engine.connect() as c:
        return c.execute(select(S.sentences.c.char_start).where(and_(
            S.sentences.c.doc_id == h.doc_id, S.sentences.c.idx == h.sent_idx))).scalar_one()


def _entity_names(store: Store, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    with store.engine.connect() as c:
        return dict(c.execute(select(S.entities.c.id, S.entities.c.name).where(S.entities.c.id.in_(ids))).all())


def _in_question(name: str, fq: str) -> bool:
    """The question names it, in full or, for a person of several words, by the last ("Durand")."""
    k = key(name)
    if not k:
        return False
    q = f" {key(fq)} "
    words = k.split()
    return f" {k} " in q or (len(words) >= 2 and len(words[-1]) >= 4 and f" {words[-1]} " in q
                             and name[:1].isupper() and not any(w.isdigit() for w in words))


MONEY_WORDS = re.compile(r"\b(?:von|doanh thu|tri gia|gia tri|xuat khau|nhap khau|giai ngan|kim ngach|vien tro|tien|"
                         r"loi nhuan|ngan sach|chi phi|dau tu bao nhieu|tong muc)\b")
CURRENCIES = ("USD", "VND", "EUR", "CNY", "JPY", "KRW", "won", "yên", "nhân dân tệ")
TOP = 8  # candidate sentences an answer may come from


def _near(fq_words: set[str], text: str, start: int, end: int) -> float:
    """Share of the question's words found within a few words of a fact in its sentence."""
    window = fold(text[max(0, start - 60):end + 60])
    ws = set(re.findall(r"\w+", window))
    return len(ws & fq_words) / max(1, len(fq_words))


_DOC_NUMBER = re.compile(r"\bsố\s+(\d+[\w/\-–.]*\w)", re.I)


def _just_before(fq_words: set[str], text: str, start: int, fq: str = "") -> float:
    """The question's words right before a fact ("nâng công suất lên tới 80 MW"): the words that name what it counts."""
    ws = set(re.findall(r"\w+", fold(text[max(0, start - 25):start])))
    return 0.5 * len(ws & fq_words)


def _answer_number(store, fq, cands):
    """"quyết định số mấy", "thông báo số bao nhiêu": the document number the sentence gives."""
    for _, h in cands[:TOP]:
        for m in _DOC_NUMBER.finditer(h.text):
            if not m.group(1).isdigit() or "/" in h.text[m.end():m.end() + 2]:
                if fold(m.group(1)) not in fq:
                    return m.group(1), h
        m = re.search(r"\b(\d+/[A-ZĐ][\w\-–/]*)", h.text)
        if m and fold(m.group(1)) not in fq:
            return m.group(1), h
    return None


@lru_cache(maxsize=1)
def _measures() -> tuple[re.Pattern, dict[str, str]]:
    """What sums measure ("doanh thu", "vốn đầu tư"): one pattern, longest words first, and word -> measure."""
    words = {r["word"]: r["measure"] for r in read_tsv("measures.tsv")}
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b"), words


def _measure(text: str) -> str | None:
    """The last measure a folded text names ("tổng vốn đầu tư của X đạt" -> investment)."""
    pattern, words = _measures()
    found = pattern.findall(text)
    return words[found[-1]] if found else None


def _measure_agrees(fq: str, text: str, start: int) -> float:
    """+1 when the measure named just before a sum is the question's, -1 when it is another ("doanh thu"
    when the question asks how much was invested), 0 when either names none."""
    asked = _measure(fq)
    said = _measure(fold(text[max(0, start - 80):start]))
    if not asked or not said:
        return 0.0
    return 1.0 if asked == said else -1.0


def _answer_how_many(store, fq, cands):
    hints = [u for k, units in UNIT_HINTS.items() if re.search(rf"\b{k}\b", fq) for u in units]
    money = (bool(MONEY_WORDS.search(fq)) or "USD" in hints) and not re.search(r"\b(phan tram|ty le|cong suat)\b", fq)
    after = re.search(r"bao nhieu\s+((?:\w+\s*){1,3})", fq)
    noun = [w for w in (fold(after.group(1)).split() if after else []) if w not in STOP]
    qwords = set(keywords(fq))
    best = None
    for rank, (_, h) in enumerate(cands[:TOP]):
        with store.engine.connect() as c:
            figs = c.execute(select(S.figures.c.text, S.figures.c.unit, S.figures.c.value, S.figures.c.char_start,
                                    S.figures.c.char_end).where(and_(
                S.figures.c.doc_id == h.doc_id, S.figures.c.sent_idx == h.sent_idx))).all()
        base = _sentence_start(store, h) if figs else 0
        for f in figs:
            if f" {fold(f.text)} " in f" {fq} ":
                continue  # a figure the question already states is not its answer
            u = fold(f.unit)
            base_unit = f.unit.split("/")[0].strip().lower()  # "USD/năm" is money per year
            is_money = any(base_unit == x.lower() for x in CURRENCIES) or fold(base_unit) in ("usd", "vnd", "dong")
            if money and not is_money:
                continue
            score = (2 if hints and f.unit in hints else 0) + sum(1 for w in noun if w in u.split())
            if (hints or noun) and not money and score == 0:
                continue
            # the question's other words in the unit: "khách mời trực tiếp" against "khách mời trực tuyến"
            score += 0.5 * sum(1 for w in set(u.split()) if w in qwords and w not in noun)
            score += 2 * _near(qwords, h.text, f.char_start - base, f.char_end - base) - 0.25 * rank
            score += _just_before(qwords, h.text, f.char_start - base, fq)
            if money:
                score += 1.5 * _measure_agrees(fq, h.text, f.char_start - base)
            if best is None or score > best[0]:
                best = (score, f, h)
    if best:
        f, h = best[1], best[2]
        value = int(f.value) if float(f.value).is_integer() else f.value
        return f"{f.text} ({value} {f.unit})", h
    return None


_DATE_NEAR = re.compile(r"(?:tháng\s+\d{1,2}\s*[/.-]\s*\d{4}|(?:ngày\s+)?\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{4})?|năm\s+\d{4}|"
                        r"quý\s+[IV\d]+\s*/\s*\d{4})", re.I)


def _date_kind(text: str) -> str:
    """A stored date's reading from its words: a deadline ("đến năm 2030"), a range ("3-5/4"), or a point."""
    t = text.lower().strip()
    if re.match(r"(?:từ nay\s+)?(?:đến|tới|trước|tầm nhìn|định hướng)\b", t):
        return "deadline"
    if re.search(r"\d\s*(?:-|–|đến)\s*\d{1,2}[./]", t):
        return "range"
    return "point"


_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})(?!\d)")


def _answer_when(store, fq, cands):
    if re.search(r"\btu nam nao den nam nao\b|\bgiai doan nao\b", fq):
        for _, h in cands[:TOP]:
            m = _PERIOD.search(h.text)
            if m:
                return m.group(0), h
    want_year = bool(re.search(r"\bnam nao\b", fq)) and not re.search(r"\bngay\b", fq)
    want_day = bool(re.search(r"\bngay nao\b", fq))
    want_range = bool(re.search(r"\b(tu ngay nao|nhung ngay nao|den ngay nao)\b", fq))
    want_deadline = bool(re.search(r"\b(truoc ngay nao|han chot|thoi han|truoc thoi diem nao)\b", fq))
    qwords = set(keywords(fq))
    best = None
    for rank, (_, h) in enumerate(cands[:TOP]):
        with store.engine.connect() as c:
            dates = c.execute(select(S.dates.c.text, S.dates.c.value, S.dates.c.char_start, S.dates.c.char_end
                                     ).where(and_(
                S.dates.c.doc_id == h.doc_id, S.dates.c.sent_idx == h.sent_idx))
                .order_by(S.dates.c.char_start)).all()
        base = _sentence_start(store, h) if dates else 0
        for d in dates:
            kind = _date_kind(d.text)
            if f" {fold(d.text)} " in f" {fq} " or (kind == "deadline" and not want_deadline):
                continue  # the question's own date, or a target, is not when it happened
            score = 2 * _near(qwords, h.text, d.char_start - base, d.char_end - base) - 0.25 * rank
            if want_year and d.value and len(d.value) == 4:
                score += 0.5
            if want_day and d.value and len(d.value) == 10:
                score += 1.0
            if want_range and kind == "range":
                score += 1.5
            if want_deadline and kind == "deadline":
                score += 1.5
            if best is None or score > best[0]:
                best = (score, d, h)
    if best:
        d, h = best[1], best[2]
        if _date_kind(d.text) == "range":  # both ends: "từ ngày 3-5/4/2024"
            m = re.search(r"\d{1,2}\s*(?:-|–|đến)\s*\d{1,2}[./]\d{1,2}(?:[./]\d{4})?", h.text)
            if m:
                return m.group(0), h
        return (f"{d.text} ({d.value})" if d.value else d.text), h
    return None


def _answer_where(store, fq, cands):
    qwords = set(keywords(fq))
    best = None
    for rank, (_, h) in enumerate(cands[:TOP]):
        base = _sentence_start(store, h)
        ms = _mentions(store, h)
        for m in re.finditer(r"(?:^|\s)(?:tại|ở)\s+", h.text):
            pos = base + m.end()
            lead = [x for x in ms if x.char_start == pos and x.type in ("LOC", "ORG", "MISC")]
            if not lead and not h.text[m.end():m.end() + 1].isupper():
                continue
            end = m.end()
            # a capitalized run, or the lowercase-written place that starts here
            run = re.match(r"(?:[A-ZÀ-ỸĐ][\w.]*(?:\s+|$)|(?:-)\s+(?=[A-ZÀ-ỸĐ]))+", h.text[end:])
            stop = max((x.char_end - base for x in lead), default=end)
            stop = max(stop, end + (len(run.group(0).rstrip()) if run else 0))
            grown = True
            while grown:  # "Trụ sở" + "Trung ương Đảng": names that follow each other form one place
                grown = False
                for x in ms:
                    if 0 < x.char_start - base - stop <= 1 and x.char_end - base > stop:
                        stop, grown = x.char_end - base, True
            place = h.text[end:stop].strip(" ,.;")
            if not place or _in_question(place, fq):
                continue
            score = _near(qwords, h.text, end, stop) - rank + (0.5 if any(x.type == "LOC" for x in lead) else 0)
            if best is None or score > best[0]:
                best = (score, place, h)
    return (best[1], best[2]) if best else None


def _answer_who_is(store, fq, cands):
    m = re.match(r"^\s*ai\s+la\s+(.+?)\s*\??$", fq)
    if not m:
        return None
    want = m.group(1)
    wk = key(want)
    wt = set(wk.split())
    r = S.roles
    with store.engine.connect() as c:
        # distinct titles at organizations first (few), then the roles holding the best-matching ones
        pairs = []
        for title, org in c.execute(select(r.c.title, r.c.organization).distinct()):
            role = key(" ".join(x for x in (title, org) if x))
            if not role or not key(title) or f" {key(title)} " not in f" {wk} ":
                continue
            rt = set(role.split())
            overlap = len(rt & wt) / max(1, len(rt | wt))
            if overlap > 0.5:
                pairs.append((overlap, title, org))
        if not pairs:
            return None
        top = max(p[0] for p in pairs)
        best_pairs = [(t, o) for ov, t, o in pairs if ov == top]
        conds = [and_(r.c.title == t, r.c.organization == o if o is not None else r.c.organization.is_(None))
                 for t, o in best_pairs]
        rows = c.execute(select(r.c.person, r.c.title, r.c.organization, r.c.doc_id, r.c.sent_idx, r.c.as_of,
                                S.documents.c.source, S.sentences.c.text)
                         .select_from(r.join(S.documents, S.documents.c.id == r.c.doc_id)
                                      .join(S.sentences, and_(S.sentences.c.doc_id == r.c.doc_id,
                                                              S.sentences.c.idx == r.c.sent_idx)))
                         .where(or_(*conds))).all()
    if not rows:
        return None
    # the latest dated role wins (a title changes hands); the first stored among equals
    row = max(enumerate(rows), key=lambda x: (x[1].as_of or "", -x[0]))[1]
    h = Hit(row.doc_id, row.source, None, None, row.sent_idx, row.text, 1.0)
    return row.person, h


def _asked_title(fq: str) -> str | None:
    """The title the question asks about: the first it names, the longest there ("Chủ tịch nước nào" ->
    "chu tich nuoc"; "Ai là Hiệu trưởng X, người trao ... cho Tổng Bí thư Y" -> "hieu truong")."""
    q = f" {key(fq)} "
    found = [(q.find(f" {k} "), -len(k), k) for k in _title_keys()
             if f" {k} " in q]
    return min(found)[2] if found else None


def _answer_who(store, fq, cands):
    want = _asked_title(fq)
    if want:
        # the people of the candidate sentences, then which of them the store gives that title (by name: indexed)
        per_hit = []
        for _, h in cands[:TOP]:
            names = _entity_names(store, [m.entity_id for m in _mentions(store, h) if m.entity_id])
            per_hit.append((h, [n for n in names.values() if not _in_question(n, fq)]))
        people = sorted({n for _, ns in per_hit for n in ns})
        with store.engine.connect() as c:
            rows = c.execute(select(S.roles.c.person, S.roles.c.title).where(S.roles.c.person.in_(people))).all() \
                if people else []
        holders = {p for p, t in rows if key(t) == want or key(t).startswith(want + " ")}
        for h, ns in per_hit:
            hit = [n for n in ns if n in holders]
            if hit:
                return hit[0], h
    for _, h in cands[:10]:
        ms = _mentions(store, h)
        names = _entity_names(store, [m.entity_id for m in ms if m.entity_id])
        people = []
        for m in ms:
            n = names.get(m.entity_id)
            typ = m.type
            if n and typ in ("PER", "TITLE", "PRON") and n not in people and not _in_question(n, fq):
                with store.engine.connect() as c:
                    et = c.execute(select(S.entities.c.type).where(S.entities.c.id == m.entity_id)).scalar()
                if et == "PER":
                    people.append(n)
        if people:
            return ", ".join(people), h
    return None


def _answer_which(store, fq, cands):
    noun = which_noun(fq)
    plural = bool(re.search(r"\b(nhung|cac)\s+" + noun, fq))
    lex = Lexicons.load()
    options = []
    for rank, (_, h) in enumerate(cands[:10]):
        ms = _mentions(store, h)
        names = _entity_names(store, [x.entity_id for x in ms if x.entity_id])
        found = []
        for x in ms:
            surface = x.text
            name = names.get(x.entity_id) or surface
            if _in_question(name, fq) or _in_question(surface, fq):
                continue
            fs = key(surface)
            ok = fs.startswith(noun + " ")
            entry = lex.names.get(lex_key(name)) or lex.names.get(lex_key(surface))
            if noun in ("tap doan", "cong ty", "doanh nghiep"):
                ok = ok or (x.type == "ORG" and entry is not None and entry.kind == "company")
            if noun == "to chuc":
                ok = ok or x.type == "ORG"
            if noun in ("thanh pho", "tinh"):
                ok = ok or (x.type == "LOC" and (entry is None or entry.kind != "country"))
            if noun in ("nuoc", "quoc gia"):
                ok = ok or (x.type == "LOC" and entry is not None and entry.kind == "country")
            if ok and surface not in found:
                found.append(surface if fs.startswith(noun + " ") else name)
        if not found:
            # a common noun phrase: "trung tâm gì" -> "trung tâm nghiên cứu và phát triển ..."
            fh = fold(h.text)
            i = fh.find(noun + " ")
            if i >= 0 and noun in ("trung tam", "chuong trinh", "du an", "linh vuc", "su kien"):
                tail = h.text[i:]
                stop = re.search(r"\s(?:tại|ở|của|cho|vào|với|nhằm|để)\s|[,.;:]", tail)
                found.append(tail[:stop.start()] if stop else tail)
        if found:
            if not plural:
                return found[0], h
            options.append((len(found), -rank, found, h))
    if options:
        _, _, found, h = max(options, key=lambda o: (o[0], o[1]))
        return ", ".join(found), h
    return None


def _answer_role_of(store, fq, cands):
    """"Bà X giữ chức vụ gì?": the titles the store gives a person the question names."""
    r = S.roles
    for _, h in cands[:TOP]:
        names = _entity_names(store, [m.entity_id for m in _mentions(store, h) if m.entity_id])
        people = [n for n in names.values() if f" {key(n)} " in f" {key(fq)} "]
        if not people:
            continue
        with store.engine.connect() as c:
            rows = c.execute(select(r.c.title, r.c.organization, r.c.doc_id, r.c.sent_idx, S.documents.c.source,
                                    S.sentences.c.text)
                             .select_from(r.join(S.documents, S.documents.c.id == r.c.doc_id)
                                          .join(S.sentences, and_(S.sentences.c.doc_id == r.c.doc_id,
                                                                  S.sentences.c.idx == r.c.sent_idx)))
                             .where(r.c.person.in_(people))).all()
        if rows:
            row = rows[0]
            title = " ".join(x for x in (row.title, row.organization) if x)
            # the titles of one sentence as it writes them: "Chủ tịch kiêm Tổng Giám đốc Tập đoàn X"
            same = [r for r in rows if (r.doc_id, r.sent_idx) == (row.doc_id, row.sent_idx)]
            spans = [(row.text.find(r.title), row.text.find(r.title) + len(r.title)) for r in same
                     if row.text.find(r.title) >= 0]
            if spans:
                lo, hi = min(x for x, _ in spans), max(y for _, y in spans)
                org = row.organization and row.text.find(row.organization.split()[-1], hi)
                if org and org > 0 and org - hi <= 40:
                    hi = org + len(row.organization.split()[-1])
                title = row.text[lo:hi]
            return title, Hit(row.doc_id, row.source, None, None, row.sent_idx, row.text, 1.0)
    return None


def _answer_statement(store: Store, fq: str, q: str | None = None) -> Answer | None:
    """A question about what someone asked, promised, planned or agreed: the statements that satisfy who, to
    whom, which kind and when, one per story, newest first; or, when none does, that it does not know, with
    the nearest statements of those parties shown as such. None when the question names no party."""
    c = ask_facts.read(store, q or fq)
    if c is None or not (c.speakers or c.addressees):
        return None
    groups = ask_facts.answer(store, c)
    if groups:
        return Answer(fq, "; ".join(ask_facts.line(g) for g in groups), _fact_citations(groups), "statement")
    wanted = (c.when, c.latest)
    c.when, c.latest = None, False
    near = ask_facts.answer(store, c)
    if not near and c.speaker_title:
        c.speaker_title = None
        near = ask_facts.answer(store, c)
    if not near:
        return Answer(fq, "Không biết: không có phát biểu nào thỏa câu hỏi.", [], "statement", False)
    said = "; ".join(ask_facts.line(g) for g in near[:3])
    what = " (trong thời gian đã hỏi)" if wanted[0] or wanted[1] else ""
    return Answer(fq, f"Không biết: không có phát biểu nào thỏa câu hỏi{what}. Gần nhất: {said}",
                  _fact_citations(near[:3]), "statement", False)


def _fact_citations(groups) -> list[Citation]:
    """Every report of each story, each sentence once."""
    out, seen = [], set()
    for g in groups:
        for f in g:
            if (f.doc_id, f.sentence) in seen:
                continue
            seen.add((f.doc_id, f.sentence))
            out.append(Citation(f.source, f.evidence, f.doc_id, f.sentence, f.title, f.site, f.published))
    return out


def ask(store: Store, question: str) -> Answer:
    """Answer one question; says plainly when the knowledge base does not know. Each citation appears once,
    with its article's title, outlet and date (what a reader knows an article by, not a file path)."""
    a = _ask(store, question)
    seen, cites = set(), []
    for c in a.citations:
        if (c.doc_id, c.sentence) not in seen:
            seen.add((c.doc_id, c.sentence))
            cites.append(c)
    a.citations = cites
    missing = sorted({c.doc_id for c in cites if c.doc_id is not None and c.published is None and c.title is None})
    if missing:
        d = S.documents
        with store.engine.connect() as conn:
            docs = {r.id: r for r in conn.execute(select(d.c.id, d.c.title, d.c.url, d.c.source, d.c.published)
                                                  .where(d.c.id.in_(missing)))}
        for c in cites:
            r = docs.get(c.doc_id)
            if r is not None:
                c.title, c.outlet, c.published = r.title, host(r.url, r.source), r.published
    return a


def _ask(store: Store, question: str) -> Answer:
    q = (question or "").strip()
    fq = fold(q)
    kind = question_type(fq, q)
    if kind == "which" and _title_which(fq):
        kind = "who"  # "Phó Chủ tịch nước nào ...": a title, not a country
    words = keywords(fq)
    if not words:
        return Answer(q, "Câu hỏi không có từ khóa nào để tìm.", [], kind, False)
    unknown = None
    if kind == "statement":
        got = _answer_statement(store, fq, q)
        if got:
            got.q = q
            if got.found or re.search(r"\b(gi|nhung gi)\b", fq):
                return got  # "X đề nghị Y những gì?": nothing satisfies it, and no other sentence is the answer
            unknown = got  # "... bằng nhà máy nào?": a verb used as a noun; the sentences may still answer it
    if kind == "when":
        happened = ask_facts.latest_event(store, q)
        if happened:
            h = happened[0]
            y, m, d = h.date.split("-")
            return Answer(q, f"ngày {int(d)}/{int(m)}/{y} ({h.date})",
                          [Citation(h.source, h.evidence, h.doc_id, h.sentence)], kind)
    cands = _candidates(store, fq, words, q)
    handlers = {"how_many": _answer_how_many, "when": _answer_when, "where": _answer_where,
                "who_is": _answer_who_is, "who": _answer_who, "which": _answer_which}
    if re.search(r"\b(chuc vu|chuc danh|cuong vi)\b", fq):
        got = _answer_role_of(store, fq, cands) or (handlers[kind](store, fq, cands) if kind in handlers else None)
    elif kind == "how_many" and re.search(r"\bso (may|bao nhieu|hieu)\b", fq):
        got = _answer_number(store, fq, cands) or _answer_how_many(store, fq, cands)
    else:
        got = handlers[kind](store, fq, cands) if kind in handlers else None
    if got is None and kind == "who_is":
        got = _answer_who(store, fq, cands)
    if got:
        ans, h = got
        return Answer(q, ans, [Citation(h.source, h.text, h.doc_id, h.sent_idx)], kind)
    if unknown is not None and not cands:
        return unknown
    if cands:
        h = cands[0][1]
        return Answer(q, f"Không tìm thấy câu trả lời trực tiếp; câu liên quan nhất: {h.text}",
                      [Citation(h.source, h.text, h.doc_id, h.sent_idx)], kind, False)
    return Answer(q, "Không biết: cơ sở tri thức chưa có thông tin về câu hỏi này.", [], kind, False)
