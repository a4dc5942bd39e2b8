"""Tone placement and folding keep offsets: every function maps one character to one."""
from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from hoptac.textnorm import fold, key, nfc, tone_normalize

VI = st.text(alphabet=st.sampled_from(list("aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệoòóỏõọôồốổỗộơờớởỡợ"
                                           "uùúủũụưừứửữựyỳýỷỹỵiìíỉĩịhkqgtn ,.ÀÁĐÔƠƯUY")), max_size=80)


def test_old_tone_placement_becomes_official():
    assert tone_normalize("Toà đàm hoà bình, thuỷ lợi, Khoá 79, Uỷ ban") == "Tòa đàm hòa bình, thủy lợi, Khóa 79, Ủy ban"


def test_qu_and_closed_syllables_untouched():
    assert tone_normalize("quý khách, hoàng hôn, Quỳnh, khoẻ") == "quý khách, hoàng hôn, Quỳnh, khỏe"


def test_fold_removes_accents_and_d():
    assert fold("Đà Nẵng, Bộ KH&ĐT") == "da nang, bo kh&dt"
    assert key("Bộ Kế hoạch - Đầu tư") == "bo ke hoach dau tu"


@given(VI)
def test_tone_normalize_keeps_length_and_is_idempotent(s):
    s = unicodedata.normalize("NFC", s)
    once = tone_normalize(s)
    assert len(once) == len(s)
    assert tone_normalize(once) == once


@given(VI)
def test_fold_keeps_length_of_nfc_text(s):
    s = nfc(s)
    assert len(fold(s)) == len(s)
    assert fold(s).isascii() or any(not c.isalpha() for c in fold(s) if not c.isascii())
