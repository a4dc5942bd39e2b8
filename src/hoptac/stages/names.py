"""Find names: lexicon matches, titles, organization heads, acronyms, honorifics and capitalized runs.

underthesea's ner() is weak on this genre (about 0.4 F1 on the seeds, almost no
organizations) and its pos_tag is too slow for the speed budget, so names are
found from case, word boundaries (word_tokenize) and lexicons of general facts.
Besides PER/ORG/LOC/MISC mentions, this stage records TITLE, HEAD ("Tập đoàn"
alone) and PRON ("ông") mentions for the resolution stage.
"""
from __future__ import annotations

import re

from hoptac.lexicon import Entry, Lexicons, lex_key
from hoptac.models import Article, Mention

from .tokens import Tok, sentence_tokens

NAME = "names"
REQUIRES = ["sentences"]
ASSIGNS = ["mentions"]

HONORIFICS = {"ông", "bà", "ngài"}
# Lowercase words that never continue an organization name after its head word.
BREAKERS = {
    "của", "tại", "ở", "với", "cho", "trong", "để", "về", "từ", "đến", "tới", "và", "hoặc", "là", "có", "được",
    "bị", "đã", "sẽ", "đang", "cũng", "vẫn", "này", "đó", "kia", "các", "những", "một", "nhiều", "mọi", "đề",
    "nghị", "cam", "kết", "dự", "tham", "phát", "biểu", "biết", "nhấn", "mạnh", "làm", "tiếp", "gặp", "ký",
    "thăm", "do", "theo", "như", "khi", "nếu", "vì", "nên", "thì", "mà", "rằng", "lần", "thứ", "nhằm", "giữa",
    "cùng", "đều", "rất", "không", "chưa", "vừa", "mới", "trên", "dưới", "sau", "trước", "qua", "hay", "hơn",
    "ra", "vào", "lên", "xuống", "ngày", "năm", "tháng", "sáng", "chiều", "tối", "đây", "số", "nay",
}
_PLACE_ABBREVIATIONS = {"tp", "tx", "q", "p", "h", "tt"}  # thành phố, thị xã, quận, phường, huyện, thị trấn
# Heads of bodies named after the place they serve: "... tại Osaka" belongs to the name.
REPRESENTING = {"tổng lãnh sự quán", "lãnh sự quán", "đại sứ quán", "hiệp hội", "hội", "văn phòng", "chi nhánh",
                "tổ chức", "phòng thương mại", "cơ quan đại diện", "trung tâm"}
NOT_ACRONYMS = {
    "ai", "ceo", "cto", "cfo", "coo", "r & d", "gdp", "fdi", "oda", "ppp", "cntt", "ict", "it", "khcn", "usd", "vnd",
    "vnđ", "eur", "ndt", "gpu", "cpu", "ic", "ok", "tv", "pc", "mou", "ttxvn", "gmt", "hđqt", "ubnd", "ii", "iii",
    "iv", "vi", "vii", "viii", "ix", "xi", "xii", "xiii", "xiv", "xv", "tp", "cn", "cp", "tnhh", "mtv", "qh",
    "nq", "tw", "nđ", "qđ", "ttg", "kh", "đt", "vs", "pgs", "ts", "gs", "ths", "km", "mw", "gw", "kwh", "sms",
    "api", "app", "web", "ar", "vr", "iot", "nft", "esg", "rd", "sme", "smes", "vip", "cv", "pr", "hr",
    "stem", "xr", "ev", "ml", "llm", "saas", "erp", "crm", "osat", "5g", "hd", "ceo", "ipo", "m&a", "kpi",
}


_VI_SYLLABLE = re.compile(r"^[bcdđghklmnpqrstvx]{0,3}[aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợ"
                          r"uùúủũụưừứửữựyỳýỷỹỵ]{1,3}(?:c|ch|m|n|ng|nh|p|t)?$")


def _surname_person(toks: list[Tok], i: int, surnames: set[str]) -> int:
    """End of a Vietnamese-looking full name starting at i (surname + 1-3 capitalized syllables), or i."""
    if toks[i].low not in surnames or toks[i].upper:
        return i
    j = i + 1
    while j < len(toks) and j - i < 5 and toks[j].cap and toks[j].alpha and not toks[j].upper:
        j += 1
    return j if j - i >= 2 else i


class Scanner:
    """Scans one sentence's tokens left to right."""

    def __init__(self, toks: list[Tok], lex: Lexicons, surnames: set[str], first: int):
        self.t, self.lex, self.surnames, self.first = toks, lex, surnames, first
        self.n = len(toks)
        self.out: list[tuple[int, int, str, str, Entry | None]] = []  # (i, j, type, how, entry)

    def title_at(self, i: int) -> int:
        if not self.t[i].cap:
            return 0
        m = self._look(self.lex.titles, i)
        return m[0] if m else 0

    def _look(self, table: dict, i: int):
        toks = self.t
        firsts, max_n = self.lex.prefix(table)
        if toks[i].low not in firsts:
            return None
        for n in range(min(max_n, self.n - i), 0, -1):
            k = " ".join(x.low for x in toks[i:i + n])
            v = table.get(k)
            if v is not None:
                # a match must end at a word boundary: "Ý kiến", "Anh em" are not names
                j = i + n
                if j < self.n and toks[j].word == toks[j - 1].word and toks[j].alpha and not toks[j].cap \
                        and _VI_SYLLABLE.match(toks[j - 1].low) \
                        and not (n >= 2 and table is self.lex.titles and not self._head_prefix(toks[i:j + 1])):
                    continue  # "Hanbit điện tử" glued is still Hanbit; "Tổng Giám đốc điều hành" a title
                return n, v
        return None

    def name_at(self, i: int) -> tuple[int, Entry] | None:
        t = self.t[i]
        m = self._look(self.lex.names, i)
        if not m:
            return None
        n, entry = m
        if not t.cap and not t.low[:1].isdigit():
            surface = " ".join(x.text for x in self.t[i:i + n])
            if surface[:1] != surface[:1].lower() or not self.lex.lower_ok(" ".join(x.low for x in self.t[i:i + n])):
                return None
        return n, entry

    def caps_word_end(self, k: int) -> int:
        """Past a capitalized syllable and the lowercase syllables of the same word ("Kế hoạch")."""
        if not _VI_SYLLABLE.match(self.t[k].low):  # "Qualcomm mở" glued by the tokenizer is two words
            return k + 1
        k += 1
        while k < self.n and self.t[k].word == self.t[k - 1].word and self.t[k].alpha and not self.t[k].cap:
            k += 1
        return k

    def consume_org(self, j: int, typ: str) -> int:
        t, n = self.t, self.n
        k, caps = j, 0
        while k < n:
            tok = t[k]
            if tok.cap and self.title_at(k):
                break
            if tok.cap or tok.low[:1].isdigit():
                m = self.name_at(k) if tok.cap else None
                if tok.cap and self._surname_ahead(k) and not (m and m[1].type in ("LOC", "ORG")):
                    break  # a person's name ends the organization; "Hàn Quốc", "Hà Nội" are places, not people
                if m and typ == "MISC" and m[1].type == "ORG" and k > j and not t[k - 1].cap:
                    break  # "Luật Dữ liệu trình Quốc hội": a law's name stops before the body it goes to
                if m:
                    k += m[0]
                    caps += 1
                    if m[1].type == "LOC" and k < n and t[k].cap:
                        m2 = self.name_at(k)
                        if not (typ == "ORG" and m2 and m2[1].type == "LOC" and m2[1].kind in ("province", "city")):
                            break  # "Công ty TNHH X Việt Nam Đà Nẵng": a unit named by country, then city
                    continue
                if tok.low[:1].isdigit() and typ != "MISC":
                    break
                k = self.caps_word_end(k)
                caps += 1
                continue
            if tok.text == "." and caps and k + 1 < n and t[k + 1].cap and t[k - 1].low in _PLACE_ABBREVIATIONS:
                k += 1  # "UBND TP. Hà Nội", "Công an Q. 1": an abbreviated place word ends with a dot
                continue
            if tok.low in ("và", "&", "-") and caps and k + 1 < n and t[k + 1].cap and typ != "LOC" \
                    and t[k + 1].low not in self.lex.stop_caps \
                    and not self.title_at(k + 1) and not self._surname_ahead(k + 1) and not self._starts_org(k + 1):
                k += 1
                continue
            if caps and typ == "ORG" and tok.alpha and not tok.cap and not self._breaks(k):
                # "Ban Quản lý Khu kinh tế Nghi Sơn", "Cơ quan Kiểm ngư Nhật Bản": lowercase words inside
                # an organization's name, when a capitalized word of the name follows them
                e = k
                while e < n and e - k < 4 and t[e].alpha and not t[e].cap and not self._breaks(e):
                    e += 1
                m_next = self.name_at(e) if e < n and t[e].cap else None
                if e > k and m_next and m_next[1].type == "LOC":
                    k = e
                    continue
            if caps and typ == "ORG" and tok.low == "tại" and self._represents(j) and k + 1 < n and t[k + 1].cap:
                # "Tổng Lãnh sự quán Việt Nam tại Osaka", "Hội X tại Busan": where it represents is its name
                m_next = self.name_at(k + 1)
                if m_next and m_next[1].type == "LOC":
                    k += 1 + m_next[0]
                    break
            if caps == 0 and typ in ("ORG", "LOC") and tok.alpha and not tok.cap:
                e = k
                while e < n and e - k < 6 and t[e].alpha and not t[e].cap and not self._breaks(e):
                    e += 1
                if e > k and e < n and t[e].cap and not self.title_at(e):
                    k = e
                    continue
            break
        return k

    def _head_prefix(self, toks: list[Tok]) -> bool:
        """These syllables begin an organization's head word ("Đại sứ quán", "Tổng Lãnh sự quán")."""
        k = " ".join(x.low for x in toks)
        return any(h == k or h.startswith(k + " ") for h in self.lex.org_heads)

    def _field_word(self, j: int) -> bool:
        """"Bộ trưởng Kinh tế và Thương mại Chile": a ministry's field, capitalized, is no person's name."""
        return " ".join(x.low for x in self.t[j:j + 2]) in self.lex.fields

    def _subsidiary_end(self, j: int) -> int:
        """End of what follows a company's name and belongs to it: "C&T", or the places of a subsidiary."""
        t, n = self.t, self.n
        if j + 2 < n and t[j].cap and t[j + 1].text == "&" and t[j + 2].cap \
                and t[j].end == t[j + 1].start and t[j + 1].end == t[j + 2].start:
            return j + 3
        k = j
        while k < n and t[k].cap:
            m = self.name_at(k)
            if not m or m[1].type != "LOC" or m[1].kind not in ("country", "province", "city"):
                break
            k += m[0]
        # a place that ends the sentence's subject, not one that starts a new phrase ("Hanbit Việt Nam cho biết")
        return k

    def _represents(self, j: int) -> bool:
        """The organization's head (the tokens before j) names a body that represents its members somewhere."""
        i = j
        while i > 0 and j - i < 4 and self.t[i - 1].alpha:
            i -= 1
            if " ".join(x.low for x in self.t[i:j]) in REPRESENTING:
                return True
        return False

    def _starts_org(self, k: int) -> bool:
        """A new organization begins here: a head word ("Tổ chức", "Học viện") or a known organization."""
        if self._look(self.lex.org_heads, k):
            return True
        m = self.name_at(k)
        return bool(m and m[1].type == "ORG")

    def _breaks(self, k: int) -> bool:
        """A function word standing alone (not a syllable of a longer word like "đổi mới")."""
        t = self.t
        alone = (k == 0 or t[k - 1].word != t[k].word) and (k + 1 >= self.n or t[k + 1].word != t[k].word)
        return alone and t[k].low in BREAKERS

    def _kinship_name(self, i: int) -> bool:
        """"Anh Đức cho biết": anh/chị + one or two capitalized syllables + a lowercase word is a person."""
        t, n = self.t, self.n
        j = i + 1
        while j < n and j - i <= 3 and t[j].cap and t[j].alpha and not t[j].upper:
            j += 1
        return 2 <= j - i <= 3 and j < n and t[j].alpha and not t[j].cap \
            and t[j].low not in ("và", "với", "cùng", "quốc")

    def _surname_ahead(self, k: int) -> bool:
        e = _surname_person(self.t, k, self.surnames)
        if e > k and any((m := self.name_at(x)) and m[1].type == "LOC" for x in range(k + 1, e)):
            return False  # "Sao Mai Việt Nam": a run that holds a known place is a firm's name, not a person's
        return e > k and (e >= self.n or not self.t[e].cap)

    def person_run(self, i: int) -> int:
        """End of a capitalized run read as a person's name (1-5 syllables)."""
        j = i
        if i + 1 < self.n and self.t[i + 1].word == self.t[i].word and self.t[i + 1].alpha \
                and not self.t[i + 1].cap and _VI_SYLLABLE.match(self.t[i].low):
            return i  # "Chính sách", "Kinh tế": a capitalized common word (underthesea joins it), no name
        t = self.t
        while j < self.n and j - i < 5 and t[j].cap and t[j].alpha and not self.title_at(j):
            j += 1
            if j + 1 < self.n and t[j].low == "-" and t[j + 1].cap and not self.title_at(j + 1):
                j += 1
            elif j + 1 < self.n and t[j].low == "-" and t[j + 1].alpha and t[j].start == t[j - 1].end \
                    and t[j + 1].start == t[j].end:
                j += 2  # "Hyuk-soo", "Suk-yeol": a hyphenated given name, written without spaces
            elif j + 2 < self.n and t[j].low == "." and len(t[j - 1].text) == 1 and t[j + 1].cap and t[j + 1].alpha:
                j += 1  # "Peter J. Lang": a middle initial
        while j > i and not self.t[j - 1].alpha:  # never end a name on a dash
            j -= 1
        return j

    def _one_syllable_place_in_run(self, i: int, m: tuple[int, Entry]) -> bool:
        """A one-syllable known place glued to an unknown capitalized syllable, with no punctuation between."""
        t = self.t
        if m[0] != 1 or m[1].type != "LOC":
            return False
        before = i > 0 and t[i - 1].cap and t[i - 1].alpha and not self.name_at(i - 1) and not self.title_at(i - 1) \
            and not self._look(self.lex.org_heads, i - 1) and t[i - 1].end == t[i].start - 1
        after = i + 1 < self.n and t[i + 1].cap and t[i + 1].alpha and not self.name_at(i + 1) \
            and not self.title_at(i + 1) and not self._look(self.lex.org_heads, i + 1) \
            and t[i + 1].start == t[i].end + 1 and not _surname_person(t, i, self.surnames) > i + 1
        return bool(before or after)

    def scan(self) -> list[tuple[int, int, str, str, Entry | None]]:
        t, n, out = self.t, self.n, self.out
        i = 0
        while i < n:
            tok = t[i]
            if not tok.alpha:
                i += 1
                continue
            if tok.low in ("anh", "chị") and self._kinship_name(i):
                j = self.person_run(i + 1)
                out.append((i + 1, j, "PER", "honorific", None))
                i = j
                continue
            if tok.low in HONORIFICS and not (i + 1 < n and t[i + 1].word == tok.word):
                j = self.person_run(i + 1) if i + 1 < n and t[i + 1].cap and not self.name_at(i + 1) else i + 1
                if j > i + 1:
                    out.append((i + 1, j, "PER", "honorific", None))
                else:
                    out.append((i, i + 1, "PRON", "pronoun", None))
                i = j
                continue
            if not tok.cap:
                m = self.name_at(i)
                if m:
                    out.append((i, i + m[0], m[1].type, "lexicon", m[1]))
                    i += m[0]
                else:
                    i += 1
                continue
            nt = self.title_at(i)
            if nt:
                out.append((i, i + nt, "TITLE", "title", None))
                i += nt
                j = i
                # title [org] person
                if j < n and t[j].cap:
                    m = self.name_at(j)
                    h = None if m else self._look(self.lex.org_heads, j)
                    if m:
                        out.append((j, j + m[0], m[1].type, "lexicon", m[1]))
                        j += m[0]
                        if m[1].type == "ORG" and j < n and t[j].cap:
                            m2 = self.name_at(j)
                            if m2 and m2[1].type == "LOC" and j + m2[0] < n and t[j + m2[0]].cap:
                                out.append((j, j + m2[0], "LOC", "lexicon", m2[1]))
                                j += m2[0]
                    elif h:
                        e = self.consume_org(j + h[0], h[1])
                        out.append((j, e, h[1] if e > j + h[0] else "HEAD", "orghead", None))
                        j = e
                    m3 = self.name_at(j) if j < n and t[j].cap else None
                    if m3 and m3[1].type == "LOC":  # "Tổng Giám đốc Marvell Việt Nam": the country belongs to the org
                        out.append((j, j + m3[0], "LOC", "lexicon", m3[1]))
                        j += m3[0]
                    if j < n and t[j].cap and not self.title_at(j) and not self.name_at(j) and not self._field_word(j):
                        e = self.person_run(j)
                        if e == j + 1 and not _VI_SYLLABLE.match(t[j].low) and self.lex.title_org.get(
                                " ".join(x.low for x in t[i - nt:i]), False):
                            # "Tổng giám đốc Lumora": one foreign word after a title that names its organization
                            out.append((j, e, "ORG", "caps", None))
                            j = e
                        elif e > j:
                            out.append((j, e, "PER", "title", None))
                            j = e
                i = j
                continue
            m = self.name_at(i)
            if m and self._one_syllable_place_in_run(i, m):
                m = None  # "Mỹ Đình", "Phú Mỹ": a place name that merely contains a country's short name
            if m:
                e = _surname_person(t, i, self.surnames) if m[0] == 1 else i
                if e > i + 1 and m[1].type == "LOC":  # "Đức", "Hà" starting a person's name
                    out.append((i, e, "PER", "surname", None))
                    i = e
                    continue
                j = i + m[0]
                if m[1].kind == "company" and j < n:
                    e = self._subsidiary_end(j)
                    if e > j:  # "Hanbit E&C", "Hanbit Optics Việt Nam Bắc Giang": a unit of the group, its own name
                        out.append((i, e, "ORG", "caps", None))
                        i = e
                        continue
                if m[1].type == "ORG" and j < n and t[j].cap:
                    m2 = self.name_at(j)  # "Bộ Khoa học và Công nghệ Việt Nam": the country is part of the name
                    if m2 and m2[1].kind == "country" and not (j + m2[0] < n and t[j + m2[0]].cap):
                        out.append((j, j + m2[0], "LOC", "lexicon", m2[1]))
                        j += m2[0]
                out.append((i, j, m[1].type, "lexicon", m[1]))
                i = j
                continue
            h = self._look(self.lex.org_heads, i)
            if h:
                e = self.consume_org(i + h[0], h[1])
                out.append((i, e, h[1] if e > i + h[0] else "HEAD", "orghead", None))
                i = e
                continue
            e = _surname_person(t, i, self.surnames)
            if e > i:
                out.append((i, e, "PER", "surname", None))
                i = e
                continue
            # an unknown capitalized run, up to the next title, known name or head
            if " ".join(x.low for x in t[i:self.caps_word_end(i)]) in self.lex.stop_caps:
                i = self.caps_word_end(i)
                continue
            j = self.caps_word_end(i)
            while j < n and t[j].cap and not self.title_at(j) \
                    and (not self.name_at(j) or self._one_syllable_place_in_run(j, self.name_at(j))) \
                    and not self._look(self.lex.org_heads, j):
                j = self.caps_word_end(j)
            span = " ".join(x.low for x in t[i:j])
            if j == i + 1 and len(tok.text) == 1:
                i = j  # a lone capital letter ("R&D", "hạng A") names nothing
                continue
            if tok.upper and j == i + 1:
                if span not in NOT_ACRONYMS:
                    # an unknown acronym is as often a technology or a product as an organization (XGS, WAN)
                    out.append((i, j, "MISC", "acronym", None))
            elif not (i == self.first and j == self.caps_word_end(i)):
                out.append((i, j, "MISC", "caps", None))
            i = j
        self._acronyms()
        return out

    def _acronyms(self) -> None:
        """`Long Name (ACR)`: the name runs from the nearest head or known name to the parenthesis."""
        t, out = self.t, self.out
        for k in range(1, self.n - 2):
            if t[k].text != "(" or not t[k + 1].upper or t[k + 2].text != ")":
                continue
            before = [x for x in out if x[1] <= k and k - x[0] <= 12]
            if not before:
                continue
            # the nearest organization-like span whose stretch to "(" holds only words and no person or title
            start = None
            # organization heads first (nearest first), then known organizations, then the name just before "("
            for x in sorted(before, key=lambda x: (x[3] != "orghead", not (x[3] == "lexicon" and x[2] == "ORG"), -x[0])):
                stretch = t[x[0]:k]
                inner = [y for y in before if y[0] >= x[0]]
                if x[2] in ("ORG", "HEAD", "MISC", "LOC") and all(tok.alpha for tok in stretch) \
                        and not any(y[2] in ("PER", "TITLE", "PRON") for y in inner) \
                        and (x[3] in ("orghead", "lexicon") or x[1] == k):
                    start = x
                    break
            if start is None:
                continue
            entry = start[4] if start[1] == k else None
            for y in [y for y in out if y[0] >= start[0] and y[1] <= k]:
                out.remove(y)
            for y in [y for y in out if y[0] == k + 1 and y[1] == k + 2]:
                out.remove(y)
            typ = start[2] if start[2] in ("ORG", "LOC") else "ORG"
            out.append((start[0], k, typ, start[3] if entry else "orghead", entry))
            out.append((k + 1, k + 2, typ, "acronym-of", entry))
        out.sort(key=lambda x: (x[0], x[1]))


def run(a: Article, res) -> None:
    """Record every name-like mention of every sentence."""
    lex: Lexicons = res.lex
    mentions: list[Mention] = []
    for si, s in enumerate(a.sentences):
        toks = sentence_tokens(a, s)
        first = next((k for k, x in enumerate(toks) if x.alpha), 0)
        for i, j, typ, how, entry in Scanner(toks, lex, lex.surnames, first).scan():
            st, en = toks[i].start, toks[j - 1].end
            m = Mention(st, en, a.text[st:en], typ, si, -1, how)
            mentions.append(m)
            if entry is not None:
                m.how = f"lexicon:{entry.canonical}"
            if typ in ("ORG", "HEAD") and how == "orghead":
                # names of known places inside an organization's name are places too: "UBND Thành phố Hồ Chí Minh"
                k = i + 1
                while k < j:
                    found = None
                    for nn in range(min(lex.max_n, j - k), 0, -1):
                        e = lex.names.get(" ".join(x.low for x in toks[k:k + nn]))
                        if e is not None and toks[k].cap:
                            found = (nn, e)
                            break
                    if found and found[1].type == "LOC":
                        s2, e2 = toks[k].start, toks[k + found[0] - 1].end
                        mentions.append(Mention(s2, e2, a.text[s2:e2], "LOC", si, -1, f"lexicon:{found[1].canonical}"))
                        k += found[0]
                    else:
                        k += 1
    _split_head_person(a, mentions, lex)
    _type_unknown(a, mentions, lex)
    a.mentions = mentions


_ORG_LEFT = re.compile(r"(?:^|[\s,(])(?:[Tt]heo|hãng(?: tin)?|nhà sản xuất|đối thủ|startup|công ty con)\s+$")
_PLACE_LEFT = re.compile(r"(?:\b(?:tại|ở)\s+|(?:Quốc|Nam|Bản|Mỹ|Kỳ|Độ|Loan)\s*\((?:[^()]*,\s*)?)$")
_ORG_RIGHT = re.compile(r"^\s*(?:cho biết|cho hay|công bố|thông báo|tuyên bố|cam kết|đã ký|ký kết|ký|đầu tư|sản xuất|"
                        r"ra mắt|mua lại|muốn mua|dự kiến|có kế hoạch|sẽ đầu tư|vừa|đã đầu tư|họp|tổ chức|phối hợp|"
                        r"hợp tác|khai trương|triển khai)\b")


def foreign(name: str) -> bool:
    """A name with a syllable no Vietnamese word has ("Lumora", "Credence"): a foreign firm's, not a common word."""
    return not all(_VI_SYLLABLE.match(w.lower()) for w in re.findall(r"\w+", name))


def _type_unknown(a: Article, mentions: list[Mention], lex: Lexicons) -> None:
    """An unknown capitalized name that a source cites or that acts like a firm is an organization:
    "theo Lumora", "Lumora công bố ...", "hãng Lumora"; a Vietnamese-looking run stays as it is."""
    for m in mentions:
        if m.type != "MISC" or m.how not in ("caps", "acronym"):
            continue
        if any(w.lower() in lex.gatherings for w in m.text.split()[1:]):
            continue  # "tại Vietnam Semiconductor Summit 2024": a happening's name, no place
        left = a.text[max(0, m.start - 25):m.start]
        right = a.text[m.end:m.end + 25]
        unknown_word = foreign(m.text)
        if _ORG_LEFT.search(left) or (unknown_word and _ORG_RIGHT.match(right)):
            m.type = "ORG"
        elif unknown_word and _PLACE_LEFT.search(left) and ("(" not in left[-3:] and not left.rstrip().endswith(",")
                                                         or "," in a.text[m.start - 40:m.end + 40].split("(")[-1]):
            m.type = "LOC"  # "tại Changwon", "nhà máy ở Gimhae", "Hàn Quốc (Changwon, Gimhae)"
        elif unknown_word and re.search(r"(?:^|\s)(?:và|,)\s*$", left):
            prev = next((x for x in reversed(mentions) if x.end <= m.start and x.sent == m.sent), None)
            if prev is not None and prev.type in ("ORG", "LOC") and m.start - prev.end <= 5:
                m.type = prev.type  # "Theo Bloomberg và AFP": a list holds names of one kind


def _split_head_person(a: Article, mentions: list[Mention], lex: Lexicons) -> None:
    """`Phó Chủ tịch Tập đoàn Peter Lang` after the article named "Tập đoàn Intel": head + person.

    A title, then a bare organization head and an unknown capitalized run, reads as
    the title's organization (the one the document named with that head) and a person.
    """
    known_heads = set()
    for m in mentions:
        if m.type == "ORG" and m.how == "orghead":
            words = lex_key(m.text).split()
            for n in range(1, min(4, len(words))):
                if " ".join(words[:n]) in lex.org_heads and " ".join(words[n:]) in lex.names:
                    known_heads.add(" ".join(words[:n]))
    titles_end = {m.end for m in mentions if m.type == "TITLE"}
    for m in list(mentions):
        if m.type != "ORG" or m.how != "orghead" or not any(a.text[e:m.start].strip() == "" for e in titles_end
                                                                 if e <= m.start and m.start - e <= 2):
            continue
        words = m.text.split()
        for n in range(1, min(4, len(words))):
            head, rest = " ".join(words[:n]), words[n:]
            if lex_key(head) in known_heads and 2 <= len(rest) <= 3 and lex_key(" ".join(rest)) not in lex.names:
                head_end = m.start + len(head)
                p_start = a.text.index(rest[0], head_end)
                mentions.remove(m)
                mentions.append(Mention(m.start, head_end, head, "HEAD", m.sent, -1, "orghead"))
                mentions.append(Mention(p_start, m.end, a.text[p_start:m.end], "PER", m.sent, -1, "title"))
                break
    mentions.sort(key=lambda x: (x.start, -x.end))
