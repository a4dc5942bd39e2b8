"""Quantities with unit and normalized value: "1,5 tỷ USD", "50.000 kỹ sư", "20.000m2", "ba trung tâm"."""
from __future__ import annotations

import re

from hoptac.lexicon import lex_key
from hoptac.models import Article, Figure

from .tokens import sentence_tokens

NAME = "figures"
REQUIRES = ["sentences", "dates"]
ASSIGNS = ["figures"]

SCALES = [("nghìn tỷ", 1e12), ("ngàn tỷ", 1e12), ("nghìn tỉ", 1e12), ("triệu tỷ", 1e15), ("nghìn", 1e3),
          ("ngàn", 1e3), ("triệu", 1e6), ("tỷ", 1e9), ("tỉ", 1e9), ("trăm", 1e2)]
NUMBER_WORDS = {"hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "hàng chục": None}
# Words after which a number is an identifier or an ordinal, not a quantity.
ORDINAL_BEFORE = re.compile(
    r"(?<!\w)(?:thứ|số|khóa|khoá|kỳ|lần|điều|khoản|điểm|chương|mục|phiên|trang|tập|phần|quận|phường|tầng|phòng|"
    r"nghị quyết|nghị định|quyết định|luật|chỉ thị|thông tư|công văn|kết luận|tờ trình|top|covid|"
    r"hạng|vị trí|giai đoạn|năm|tháng|ngày|quý|lô|tuyến|lớp|khối)\s*$", re.I)
_NUM = re.compile(
    r"(?<![\w.,/:\-])(?P<cur>US\$|\$)?(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d{1,2}(?!\d)|\d+)"
    r"(?P<tail>%|[a-zA-Z²]+\d?)?(?![\w]|[.,/:]\d)")
_WORD_NUM = re.compile(r"(?<![\w])(?P<w>hai|ba|bốn|sáu|bảy|tám|chín|mười)\s+(?=[a-zà-ỹđ])", re.I)
_SCALE_RX = re.compile(r"\s*(" + "|".join(s for s, _ in SCALES) + r")(?![\w])", re.I)
NOT_COUNTED = {"bên", "phía", "lần", "trong", "là", "và", "của", "với", "tại", "từ", "đến", "tới", "cho", "để",
               "về", "khi", "thì", "mà", "đã", "sẽ", "đang", "được", "có", "này", "đó", "nay", "qua", "hơn", "gần", "khoảng", "trên", "dưới"}
TIME_UNITS = {"năm", "tháng", "tuần", "ngày", "giờ", "phút", "thế kỷ", "thập kỷ", "quý"}
# Number words before these count nothing worth a figure ("hai nước", "ba bên").
VAGUE_NOUNS = {"nước", "quốc gia", "bên", "phía", "đoàn", "nhà", "người", "vị", "ông", "bà", "lần", "điều",
               "yếu tố", "mặt", "khía cạnh", "vấn đề", "nội dung", "ý", "cách", "loại", "chữ", "lời"}
STOP_AFTER = NOT_COUNTED | {"sau", "trước", "này", "đó", "ở", "tại", "hàng", "đầu", "lớn", "nhỏ", "mới", "nhất", "khác", "thêm", "nữa", "như", "theo",
                            "trị", "giá", "vào", "ra", "cùng", "mỗi", "các", "những", "nhiều"}


def parse_number(s: str) -> float:
    """Vietnamese number format: dots group thousands, a comma marks decimals."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        return float(s.replace(".", "").replace(",", "."))
    return float(s.replace(",", "."))


_PER_UNIT = re.compile(r"\s?/\s?([^\W\d_]{1,8})")


def _unit_after(a: Article, pos: int, end: int, units: dict[str, str]) -> tuple[str, int] | None:
    """A unit word (from the units lexicon) right after pos: (normalized unit, end offset)."""
    rest = a.text[pos:min(end, pos + 30)]
    m = re.match(r"\s*([^\W\d_][\w²$]*(?:\s+[^\W\d_]+){0,2}|%|\$)", rest)
    if not m:
        return None
    words = m.group(1).split()
    for n in range(len(words), 0, -1):
        k = lex_key(" ".join(words[:n]))
        if k in units:
            span = " ".join(words[:n])
            end = pos + rest.find(span) + len(span)
            if not _ends_word(a, end):
                continue  # "đồng bào", "đồng hồ": the unit word is part of a longer word
            per = _PER_UNIT.match(a.text, end)  # a rate: "km/h", "USD/tấn", "%/năm"
            if per:
                return f"{units[k]}/{per.group(1)}", per.end()
            return units[k], end
    return None


def _counted(a: Article, si: int, pos: int) -> tuple[str, int] | None:
    """The counted noun after a number: one or two words of the sentence, lowercase."""
    words = [w for w in a.sentences[si].words if w[0] >= pos]
    picked: list[tuple[int, int]] = []
    for st, en in words[:3]:
        w = a.text[st:en]
        low = w.lower()
        if not w[:1].isalpha() or (w[:1].isupper() and picked) or low in STOP_AFTER or low.split()[0] in STOP_AFTER:
            break
        if picked and a.text[picked[-1][1]:st].strip():
            break
        if picked and low in TIME_UNITS:
            break  # "45.000 phiếu năm 2016": the year belongs to the sentence, not the unit
        picked.append((st, en))
        if len(picked) == 2:
            break
    if not picked or a.text[pos:picked[0][0]].strip():
        return None
    first = a.text[picked[0][0]:picked[0][1]]
    if first.lower() in TIME_UNITS:
        picked = picked[:1]
    if first.lower() in NOT_COUNTED or first[:1].isupper():
        return None
    return a.text[picked[0][0]:picked[-1][1]], picked[-1][1]


def _ends_word(a: Article, pos: int) -> bool:
    """True when pos ends an underthesea word of its sentence (punctuation after it always ends one: the
    tokenizer sometimes glues "USD." to the next sentence's first word)."""
    if pos >= len(a.text) or a.text[pos] in ".,;:!?)]}\"'”’…":
        return True
    si = a.sentence_at(max(0, pos - 1))
    toks = sentence_tokens(a, a.sentences[si])
    for k, t in enumerate(toks):
        if t.end == pos:
            return k + 1 >= len(toks) or toks[k + 1].word != t.word
    return True


def _after_name(a: Article, si: int, pos: int) -> bool:
    """True when the word just before pos belongs to a capitalized name (not the sentence's first word)."""
    toks = sentence_tokens(a, a.sentences[si])
    prev = [t for t in toks if t.end <= pos]
    if not prev or not prev[-1].alpha:
        return False
    word = [t for t in prev if t.word == prev[-1].word]
    first_alpha = next((t for t in toks if t.alpha), None)
    return any(t.cap for t in word) and word[0] is not first_alpha


def _deadline(a: Article, si: int, pos: int) -> str | None:
    for d in a.dates:
        if d.sent == si and d.kind == "deadline" and d.start >= pos:
            return d.value
    return None


def _subject(a: Article, si: int, pos: int) -> str | None:
    s = a.sentences[si]
    m = re.match(r"\s*(?:cho|vào|để)\s+([^,.;:()]{3,120})", a.text[pos:s.end])
    return m.group(1).strip() if m else None


def run(a: Article, res) -> None:
    """Every quantity of every sentence, dates and ordinals excluded."""
    units = res.lex.units
    date_spans = [(d.start, d.end) for d in a.dates]
    figs: list[Figure] = []
    for si, s in enumerate(a.sentences):
        for m in _NUM.finditer(s.text):
            st = s.start + m.start()
            if any(ds <= st < de for ds, de in date_spans):
                continue
            before = a.text[max(s.start, st - 20):st]
            if ORDINAL_BEFORE.search(before) or re.search(r"[\w]-$", before):
                continue
            raw = m.group("num")
            value = parse_number(raw)
            end = s.start + m.end("num")
            if len(raw) == 4 and 1900 <= value <= 2100 and not m.group("tail"):
                continue
            sc = _SCALE_RX.match(a.text, end) if not m.group("tail") else None
            if sc:
                for word, mult in SCALES:
                    if sc.group(1).lower() == word:
                        value *= mult
                        break
                end = sc.end()
            unit = None
            if m.group("cur"):
                unit = "USD"
            tail = m.group("tail")
            if tail:
                u = units.get(lex_key(tail))
                if u is None:
                    continue  # "5G", "G20", "3D": a name, not a quantity
                unit, end = u, s.start + m.end("tail")
                per = _PER_UNIT.match(a.text, end)
                if per:
                    unit, end = f"{unit}/{per.group(1)}", per.end()
            if unit is None:
                u = _unit_after(a, end, s.end, units)
                if u:
                    unit, end = u
            subject = None
            if unit is None:
                if _after_name(a, si, st):
                    continue  # part of a name: "Bệnh viện Nhân Dân 115", "Bệnh viện Quân y 108"
                c = _counted(a, si, end)
                if not c:
                    continue
                unit, end = c
                subject = unit
                per = _PER_UNIT.match(a.text, end)  # "2,5 hải lý/giờ", "600 mẫu/ngày"
                if per:
                    unit, end = f"{unit}/{per.group(1)}", per.end()
            else:
                subject = _subject(a, si, end)
            figs.append(Figure(value, unit, a.text[st:end], subject, _deadline(a, si, end), si, st, end))
        for m in _WORD_NUM.finditer(s.text):
            st = s.start + m.start()
            if ORDINAL_BEFORE.search(a.text[max(s.start, st - 12):st]) or re.search(r"\bthứ\s*$", a.text[max(0, st - 5):st]):
                continue
            word = m.group("w").lower()
            n = NUMBER_WORDS[word]
            if word == "chín" and re.search(r"(?:làm|nấu|chưa|đã|đủ|được|rất|quả)\s*$", a.text[max(s.start, st - 6):st],
                                            re.I):
                continue  # "chín" as cooked or ripe
            pos = s.start + m.end()
            sc = _SCALE_RX.match(a.text, pos - 1)
            value = float(n) if n is not None else None
            if sc and value is not None:
                value *= dict(SCALES)[sc.group(1).lower()]
                pos = sc.end()
                u = _unit_after(a, pos, s.end, units)
                if u:
                    figs.append(Figure(value, u[0], a.text[st:u[1]], _subject(a, si, u[1]),
                                       _deadline(a, si, u[1]), si, st, u[1]))
                    continue
            c = _counted(a, si, pos)
            if value is None or not c or (not sc and (c[0].lower() in VAGUE_NOUNS
                                                      or c[0].split()[0].lower() in VAGUE_NOUNS)):
                continue
            unit, end = c
            figs.append(Figure(value, unit, a.text[st:end], unit, _deadline(a, si, end), si, st, end))
    figs.sort(key=lambda f: f.start)
    a.figures = figs
