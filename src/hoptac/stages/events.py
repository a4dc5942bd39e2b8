"""Meetings, conferences, visits, signings, launches, policies and investments, one sentence each."""
from __future__ import annotations

import re
from datetime import date

from hoptac.learn import classifier
from hoptac.learn.features import candidates, event_features
from hoptac.models import Article, Event

from .coref import salient_party
from .tokens import find_phrases, sentence_tokens

NAME = "events"
REQUIRES = ["references", "dates"]
ASSIGNS = ["events"]

PRIORITY = ["agreement", "conference", "meeting", "visit", "launch", "policy", "investment"]
NEEDS_DATE = {"launch", "policy", "investment"}
LASTS_DAYS = {"visit", "conference"}  # happenings of several days, dated by the first
# Before these words, a trigger is a noun phrase's part, not an event: "vốn đầu tư", "nhà đầu tư", "môi trường
# đầu tư", "hoạt động hợp tác".
NOUN_BEFORE = {"vốn", "nhà", "môi", "trường", "dòng", "lĩnh", "vực", "cơ", "hội", "kế", "hoạch", "chính", "sách",
               "thu", "hút", "quỹ", "hoạt", "động", "tiềm", "năng", "các", "những", "nhu", "cầu", "xúc", "tiến",
               "mời", "gọi", "danh", "mục", "hình", "thức", "suất", "tổng", "mức"}


def triggers(a: Article, si: int, lex) -> list[tuple[int, str]]:
    """(offset, event type) of each trigger word, outside person, organization and place names."""
    named = [(m.start, m.end) for m in a.mentions if m.sent == si and m.type in ("PER", "ORG", "LOC")]
    return [(st, typ) for st, _, typ, prev in find_phrases(a, si, lex.events, named, lex.prefix(lex.events))
            if not (typ == "investment" and prev in NOUN_BEFORE)]


def location(a: Article, si: int) -> str | None:
    """The place introduced by "tại"/"ở": capitalized words holding a known place or organization."""
    s = a.sentences[si]
    toks = sentence_tokens(a, s)
    named = [m for m in a.mentions if m.sent == si and m.type in ("LOC", "ORG")]
    for i, t in enumerate(toks):
        if t.low not in ("tại", "ở") or i + 1 >= len(toks):
            continue
        lead = [m for m in named if m.start == toks[i + 1].start]
        if not toks[i + 1].cap and not lead:
            continue
        j = i + 1
        if lead:  # a place written in lowercase: "tại thung lũng Silicon"
            while j < len(toks) and toks[j].start < lead[0].end:
                j += 1
        while j < len(toks) and (toks[j].cap or (toks[j].alpha and toks[j].word == toks[j - 1].word)
                                 or (toks[j].text in (".", "-") and j + 1 < len(toks) and toks[j + 1].cap)):
            j += 1
        st, en = toks[i + 1].start, toks[j - 1].end
        if any(st <= m.start and m.end <= en for m in named):
            return a.text[st:en].rstrip(".")
    return None


# The model adds an event the rules miss at MIN_PROB, and drops a rule event only when every trigger of the
# sentence is "none" at VETO or more: its training news (general Dân trí sections) holds few diplomatic events.
MIN_PROB = 0.5
VETO = 0.98
VETOED = "-"


def _trigger_candidates(a: Article, si: int, lex) -> list:
    """Every word of the sentence that may name a happening (rule triggers and candidates), outside names."""
    named = [(m.start, m.end) for m in a.mentions if m.sent == si and m.type in ("PER", "ORG", "LOC")]
    return candidates(a, si, lex.event_cands, lex.events, lex.prefix(lex.event_cands), named)


def _learned_type(a: Article, si: int, cands: list, model, loc: str | None) -> str | None:
    """The event type the classifier reads in the sentence's trigger candidates, or None."""
    ctx = sentence_context(a, si, loc)
    best, none = None, 1.0
    for c in cands:
        probs = model.proba(event_features(a, si, c, *ctx, cands))
        none = min(none, probs.get(classifier.NONE, 0.0))
        for label, p in probs.items():
            if label != classifier.NONE and p >= MIN_PROB and (best is None or p > best[1]):
                best = (label, p)
    if best:
        return best[0]
    return VETOED if none >= VETO else None


def sentence_context(a: Article, si: int, loc: str | None) -> tuple[bool, bool, int, int]:
    """Date, place (found by the caller: `location`) and how many people and organizations a sentence names:
    what decides an event. The same at training and at run time."""
    has_date = any(d.sent == si and d.value for d in a.dates)
    ents = {m.entity for m in a.mentions if m.sent == si and 0 <= m.entity < len(a.entities)}
    n_per = sum(a.entities[e].type == "PER" for e in ents)
    n_org = sum(a.entities[e].type == "ORG" for e in ents)
    return has_date, loc is not None, n_per, n_org


def _when(a: Article, si: int) -> list:
    """Dates of the sentence that can say when something happened: not a deadline, a period, nor a bare year
    after publication (a target)."""
    out = []
    for d in a.dates:
        if d.sent != si or not d.value or d.kind not in ("point", "range", "relative"):
            continue
        if len(d.value) == 4 and d.value > (a.published[:4] if a.published else str(date.today().year)):
            continue  # a year still to come is a target
        if len(d.value) == 4 and d.kind == "relative":
            continue  # "năm ngoái", "năm nay": a period that a figure is counted over, not a day something happened
        out.append(d)
    # the end of a range ("từ 14-17/4": "17/4") lies inside the range's own mention: the range starts the happening
    return [d for d in out if not any(o is not d and o.start <= d.start < o.end for o in out)]


def run(a: Article, res) -> None:
    """Events from sentences with a trigger; the learned classifier decides which triggers name one."""
    model = classifier.load("events") if res.opts.learned else None
    events: list[Event] = []
    for si, s in enumerate(a.sentences):
        if not s.text.rstrip().endswith(tuple(".!?…\"”:;)")) and len(s.text.split()) < 12:
            continue  # a heading or a caption
        trig = triggers(a, si, res.lex)
        cands = _trigger_candidates(a, si, res.lex) if model is not None else []
        if not trig and not cands:
            continue
        loc = location(a, si)  # once a sentence: the classifier and the event both use it
        learned = _learned_type(a, si, cands, model, loc) if cands else None
        if learned == VETOED:
            if all(classifier.seen(model, t[1]) for t in trig):
                continue
            learned = None
        if not trig and learned is None:
            continue
        dates = _when(a, si)
        refs = [m for m in a.mentions if m.sent == si and m.entity >= 0
                and m.type in ("PER", "ORG", "TITLE", "HEAD", "PRON", "LOC")]
        if len(dates) >= 2 and len(trig) >= 2:
            segs = []
            for d in dates:
                before = [t for t in trig if t[0] < d.start]
                t = before[-1] if before else trig[0]
                segs.append((t, d))
            whole = _participants(a, refs, None)
            for k, (t, d) in enumerate(segs):
                lo = t[0] if k else s.start
                hi = segs[k + 1][0][0] if k + 1 < len(segs) else s.end
                parts = _participants(a, [m for m in refs if lo <= m.start < hi], None) or whole
                if not parts:
                    main = salient_party(a, si, org_weight=2)
                    parts = [main] if main is not None else []
                events.append(Event(t[1], d.value, None, parts, si, a.text[t[0]:t[0] + 20]))
            continue
        typ = learned or min((t[1] for t in trig), key=PRIORITY.index)
        # the trigger of the chosen type: "Bên lề hội nghị ..., Sao Mai đã ký kết ..." is the signing
        tpos = next((t[0] for t in trig if t[1] == typ), trig[0][0] if trig else s.start)
        date = _nearest_date(dates, tpos)
        after = sorted((d for d in dates if d.start >= tpos), key=lambda d: d.start)
        if typ in LASTS_DAYS and after and after[0].kind == "range":
            # "Ngày 12/8, ... đưa tin về chuyến thăm ... từ ngày 10-13/8": a visit or a conference is dated by the
            # days it lasted, from the first; another day of the sentence is when it was reported
            date = after[0].value
        parts = _participants(a, refs, loc)
        if learned is None and date is None:
            # an undated happening stands when the sentence reports it as done ("đã ký kết", "vừa ban hành")
            # between named parties, or at a named place with a person
            done_at, held = _took_place(a, s, trig, typ)
            done = done_at is not None
            if done:
                tpos = done_at
            named = [p for p in parts if a.entities[p].type in ("PER", "ORG")]
            if held and not named:
                # "Lễ trao biên bản ghi nhớ diễn ra dưới sự chứng kiến của lãnh đạo hai nước": the ceremony of the
                # article's main party, whom the sentence leaves out
                main = salient_party(a, len(a.sentences) - 1, org_weight=2)
                named = [main] if main is not None else []
                parts = named + parts
            if not ((done and named) or (loc is not None and typ not in NEEDS_DATE and
                                         any(a.entities[p].type == "PER" for p in parts))):
                continue
        if not parts:
            # "Tháng 3.2020, xưởng mới chính thức đi vào hoạt động": the subject left out is the article's party
            main = salient_party(a, si, org_weight=2)
            parts = [main] if main is not None else []
        events.append(Event(typ, date, loc, parts, si, a.text[tpos:tpos + 20]))
    a.events = _dedupe(events)


def _took_place(a: Article, s, trig: list, typ: str) -> tuple[int | None, bool]:
    """Of the triggers of that type, the first the sentence reports as done, and whether the words after it say
    so ("Lễ ký kết diễn ra ...", not only "đã ký kết")."""
    for at, t in trig:
        if t != typ:
            continue
        held = _held_after(a, at, s.end)
        if held or _done_before(a, s.start, at):
            return at, held
    return None, False


def _done_before(a: Article, start: int, at: int) -> bool:
    """The clause before a trigger says it took place: "đã ký kết", "vừa ban hành", "kết quả chuyến thăm ...",
    "thành công của hội nghị"."""
    clause = re.split(r"[,;:]", a.text[max(start, at - 40):at])[-1]
    return re.search(r"\b(?:đã|vừa|chính thức)\b", clause) is not None or \
        re.search(r"\b(?:kết quả|thành công)\s+(?:tốt đẹp\s+)?(?:của\s+)?$", clause) is not None


_HELD = re.compile(r"\b(?:diễn ra|được tổ chức|được khai mạc|đã khai mạc|khai mạc|(?:trước|dưới) sự chứng kiến)\b")
_AHEAD = re.compile(r"\b(?:sẽ|dự kiến|dự định|chuẩn bị|sắp|nếu|chưa|không)\s+(?:được\s+)?$")


def _held_after(a: Article, at: int, end: int) -> bool:
    """The trigger's noun phrase is said to have taken place: "Hội thảo ... được tổ chức dưới sự phối hợp của",
    "Lễ trao biên bản ghi nhớ diễn ra ...", "biên bản ghi nhớ giữa X và Y trước sự chứng kiến của"; not "sẽ diễn
    ra"."""
    clause = re.split(r"[,;:(]", a.text[at:min(end, at + 120)])[0]
    m = _HELD.search(clause, 1)  # not the trigger itself ("khai mạc")
    return m is not None and not _AHEAD.search(clause[:m.start()])


def _nearest_date(dates: list, at: int) -> str | None:
    """The date closest to the trigger: a long sentence may hold several ("Lợi nhuận quý I năm 2024 ...; mẫu
    máy X2 ra mắt vào tháng 5")."""
    if not dates:
        return None
    return min(dates, key=lambda d: min(abs(d.start - at), abs(d.end - at))).value


def _dedupe(events: list[Event]) -> list[Event]:
    """One event per happening: a later sentence of the same type, date and parties repeats an earlier one, and
    the parties it names are the happening's too ("Hội thảo được tổ chức dưới sự phối hợp của ...")."""
    out: list[Event] = []
    for e in events:
        dup = next((o for o in out if o.type == e.type and (o.date == e.date or e.date is None)
                    and (set(o.participants) & set(e.participants) or e.date is None)), None)
        if dup is None:
            out.append(e)
        else:
            dup.participants.extend(p for p in e.participants if p not in dup.participants)
    return out


def _participants(a: Article, refs, place: str | None) -> list[int]:
    """People and organizations of the sentence; places too, unless they are where it happened; named products
    and programmes last ("mẫu máy X2 ra mắt")."""
    out: list[int] = []
    for m in refs:
        e = a.entities[m.entity]
        if e.type == "LOC" and (m.type != "LOC" or (place and (m.text in place or e.name in place))):
            continue
        if e.type in ("PER", "ORG", "LOC") and e.id not in out:
            out.append(e.id)
    for m in a.mentions:
        if refs and m.sent == refs[0].sent and m.type == "MISC" and m.entity >= 0 and m.how == "caps" \
                and m.entity not in out and len(out) < 2:
            out.append(m.entity)
    return out



