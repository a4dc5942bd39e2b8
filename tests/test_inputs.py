"""Reading inputs as users have them: encodings, metadata headers, HTML, JSON Lines, and bad files."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from hoptac.clean import build_article
from hoptac.clean.header import parse_published, split_header
from hoptac.inputs import read_inputs
from hoptac.inputs.decode import decode_bytes
from hoptac.inputs.raw import RawDoc
from hoptac.models import Skipped
from hoptac.options import Options

BODY = ("Sáng 12/3, tại Hà Nội, Bộ trưởng Bộ Khoa học và Công nghệ Nguyễn Mạnh Hùng đã tiếp đoàn "
        "doanh nghiệp bán dẫn. Hai bên thống nhất thúc đẩy đào tạo kỹ sư thiết kế vi mạch.")


def read_all(paths, **kw):
    return list(read_inputs([str(p) for p in paths], Options(**kw)))


def test_encodings_are_detected(tmp_path):
    (tmp_path / "u8.txt").write_bytes(BODY.encode("utf-8"))
    (tmp_path / "u16.txt").write_bytes(BODY.encode("utf-16"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + BODY.encode("utf-8"))
    docs = read_all(sorted(tmp_path.iterdir()))
    assert [d.body for d in docs] == [BODY] * 3


def to_cp1258(text: str) -> bytes:
    """Windows-1258 writes tone marks as combining characters after a precomposed vowel."""
    from hoptac.textnorm import _split
    return "".join(b + t for b, t in map(_split, text)).encode("cp1258")


def test_windows_1258_is_detected():
    import unicodedata
    data = to_cp1258(BODY)
    text = decode_bytes(data, "x.txt")
    assert unicodedata.normalize("NFC", text) == BODY


def test_inline_date_prefix_keeps_first_sentence():
    meta, body, removed = split_header(" date 2025-09-23 Sáng 23/9, tại Hà Nội, hội nghị khai mạc.\n\nĐoạn hai.")
    assert meta == {"date": "2025-09-23"}
    assert body.startswith("Sáng 23/9, tại Hà Nội")
    assert removed == "date 2025-09-23"


def test_header_block():
    text = "title: Tin thử\nsource: Báo Mẫu\ndate: 2024-06-26\nurl: https://example.vn/a\n\nNội dung bài viết."
    meta, body, _ = split_header(text)
    assert meta["title"] == "Tin thử" and meta["date"] == "2024-06-26" and meta["url"].endswith("/a")
    assert body == "Nội dung bài viết."


def test_a_colon_line_in_the_body_is_not_a_header():
    text = "Hà Nội: hội nghị về bán dẫn khai mạc sáng nay.\n\nĐoạn hai."
    meta, body, _ = split_header(text)
    assert meta == {} and body == text


@given(st.dictionaries(st.sampled_from(["title", "source", "author", "url"]),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                               max_size=30).map(str.strip).filter(bool), min_size=1),
       st.text(alphabet="abc đêm ngày ,.", min_size=1, max_size=60).map(str.strip).filter(bool))
@settings(max_examples=60)
def test_header_round_trip(fields, body):
    text = "".join(f"{k}: {v}\n" for k, v in fields.items()) + "\n" + body
    meta, got_body, _ = split_header(text)
    assert meta == fields
    assert got_body == body


@given(st.text(max_size=40))
def test_parse_published_never_raises(s):
    v = parse_published(s)
    assert v is None or len(v) == 10


def test_jsonl_broken_line_reports_and_continues(tmp_path):
    p = tmp_path / "a.jsonl"
    good = {"id": "r1", "url": "https://x.vn/1", "title": "T", "published": "2020-01-02", "text": BODY}
    p.write_text(json.dumps(good, ensure_ascii=False) + "\n{broken\n" +
                 json.dumps({**good, "id": "r2", "url": None}, ensure_ascii=False) + "\n", encoding="utf-8")
    items = read_all([p])
    assert [type(x).__name__ for x in items] == ["RawDoc", "Skipped", "RawDoc"]
    assert items[0].source == "https://x.vn/1" and items[2].source == "r2"
    assert items[1].source == f"{p}:2" and "invalid JSON" in items[1].reason


def test_bad_files_each_get_a_reason(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.7\n\x00\x01binary")
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "broken.txt").write_bytes(BODY.encode() + b"\xff\xfe\xfa" + BODY.encode())
    (tmp_path / "big.txt").write_bytes(b"a" * 5000)
    (tmp_path / "noise.txt").write_bytes(b"\x00\xff" * 200)  # decodes as UTF-16 to one run of "ÿ"
    items = {x.source.rsplit("/", 1)[-1]: x for x in read_all([tmp_path], max_bytes=4000)}
    assert all(isinstance(x, Skipped) for x in items.values())
    assert items["empty.txt"].reason == "empty file"
    assert "PDF" in items["doc.pdf"].reason
    assert "PNG" in items["img.txt"].reason
    assert "invalid UTF-8" in items["broken.txt"].reason
    assert "too large" in items["big.txt"].reason
    assert "no readable words" in items["noise.txt"].reason


def test_missing_path_and_empty_folder(tmp_path):
    (tmp_path / "emptydir").mkdir()
    items = read_all([tmp_path / "nope.txt", tmp_path / "emptydir"])
    assert [x.reason for x in items] == ["no such file or folder", "folder holds no files"]


def test_html_page(tmp_path):
    html = ("<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Hợp tác bán dẫn</title>"
            "<meta name='author' content='Minh An'>"
            "<meta property='article:published_time' content='2025-03-12T09:00:00+07:00'></head><body>"
            "<nav><a href='/'>Trang chủ</a> <a href='/kt'>Kinh tế</a></nav><article><h1>Hợp tác bán dẫn</h1>"
            f"<p>{BODY}</p><p>Hai bên cam kết đào tạo 10.000 kỹ sư bán dẫn trong giai đoạn tới.</p></article>"
            "<footer>© 2025 Báo Mẫu</footer></body></html>")
    p = tmp_path / "a.html"
    p.write_text(html, encoding="utf-8")
    raw = read_all([p])[0]
    art = build_article(raw, Options())
    assert art.title == "Hợp tác bán dẫn"
    assert art.published == "2025-03-12"
    assert "Nguyễn Mạnh Hùng" in art.text and "Trang chủ" not in art.text


def test_html_without_article(tmp_path):
    p = tmp_path / "nav.html"
    p.write_text("<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>", encoding="utf-8")
    raw = read_all([p])[0]
    try:
        build_article(raw, Options())
    except Skipped as s:
        assert "no article text" in s.reason
    else:
        raise AssertionError("an HTML page without an article must be skipped")


def test_record_without_text_is_reported():
    from hoptac.inputs.records import _record
    out = _record("f.jsonl", "f.jsonl:3", {"id": "x"}, Options())
    assert isinstance(out, Skipped) and "no text" in out.reason
    assert isinstance(_record("f.jsonl", "f.jsonl:4", [1, 2], Options()), Skipped)


def test_raw_doc_body_kept():
    raw = RawDoc("s", "title: A\n\n" + BODY, "text")
    art = build_article(raw, Options())
    assert art.title == "A" and art.text == BODY and art.raw.startswith("title: A")


def test_fifty_megabyte_file_and_unreadable_entry(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.write(("Sáng 12/3, tại Hà Nội, hội nghị về bán dẫn khai mạc. " * 20).encode() * 40_000)
    assert big.stat().st_size > 50_000_000
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # a dangling link cannot be read
    (tmp_path / "ok.txt").write_text(BODY, encoding="utf-8")
    items = {x.source.rsplit("/", 1)[-1]: x for x in read_all([tmp_path])}
    assert "too large" in items["big.txt"].reason and "MB" in items["big.txt"].reason
    assert "cannot read" in items["gone.txt"].reason
    assert isinstance(items["ok.txt"], RawDoc)


def test_section_label_after_byline_is_removed():
    from hoptac.clean.furniture import clean_lines
    c = clean_lines("Tiêu đề bài viết về bán dẫn\nMinh An 11/10/2023 15:42\nKinh tế - Công nghệ\n"
                    "Sáng 11/10, tại Bắc Ninh, nhà máy khánh thành và đi vào hoạt động ổn định.")
    assert c.lines == ["Sáng 11/10, tại Bắc Ninh, nhà máy khánh thành và đi vào hoạt động ổn định."]
    assert ("section label", "Kinh tế - Công nghệ") in {(r.reason, r.text) for r in c.removed}
    assert c.title == "Tiêu đề bài viết về bán dẫn" and c.published == "2023-10-11" and c.author == "Minh An"


def test_count_inputs_for_the_progress_bar(tmp_path):
    from hoptac.inputs import count_inputs
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n{"text": "y"}\n{"text": "z"}\n', encoding="utf-8")
    assert count_inputs([str(tmp_path)]) == 4
    assert count_inputs([str(tmp_path / "a.txt"), "-"]) is None
