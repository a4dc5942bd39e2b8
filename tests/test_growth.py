"""Growth and versions (issue 14) on real SQLite and PostgreSQL stores: stored bytes grow with the input,
near-duplicate lookups read a bounded number of rows, a source's new version replaces the old one, and
implausible dates are never stored. Growth is measured by sizes and counts, never by time."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import event, func, select

from hoptac import neardup
from hoptac.contract import to_contract
from hoptac.hashing import raw_hash
from hoptac.ingest import ingest, ingest_raw
from hoptac.inputs.raw import RawDoc
from hoptac.models import Article, DateMention
from hoptac.store import PER_BAND, Store
from hoptac.store import schema as S

from paths import SEEDS

ARTICLE = """title: Qualcomm mở trung tâm R&D tại Hà Nội
date: 2024-10-15
source: Báo Thử

Sáng 15/10, tại Hà Nội, Bộ trưởng Bộ Thông tin và Truyền thông Nguyễn Mạnh Hùng dự lễ ra mắt trung tâm nghiên cứu và phát triển trí tuệ nhân tạo của Qualcomm.

Bộ trưởng Hùng đề nghị Qualcomm hỗ trợ đào tạo 1.000 kỹ sư thiết kế chip cho Việt Nam đến năm 2030.
"""


def dense(n_bytes: int) -> str:
    """Number-dense text in one long sentence: a figure every ~30 bytes (the attack of issue 14)."""
    s, i = "date: 2024-05-10\n\nTheo báo cáo, ", 0
    while len(s.encode()) < n_bytes:
        s += f"mục {i} đạt {(i * 37) % 900 + 100} tỷ đồng, "
        i += 1
    return s.rstrip(", ") + ".\n"


def write(tmp_path, name: str, body: str):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


def evidence_bytes(store: Store) -> tuple[int, int]:
    """(characters of evidence stored, number of facts holding evidence)."""
    total = n = 0
    with store.engine.connect() as c:
        for t in (S.events, S.statements, S.figures):
            chars, count = c.execute(select(func.coalesce(func.sum(func.length(t.c.evidence)), 0),
                                            func.count())).one()
            total, n = total + chars, n + count
    return total, n


# 1. Figures grow quadratically: evidence is bounded per fact, never facts x sentence.

@pytest.mark.parametrize("size", [5_000, 20_000])
def test_evidence_grows_with_the_input_not_its_square(db_url, pipeline, tmp_path, size):
    store = Store(db_url)
    src = write(tmp_path, "dense.txt", dense(size))
    assert ingest([str(src)], store, pipeline).stored == 1
    chars, facts = evidence_bytes(store)
    store.close()
    assert facts > size / 60  # the text really is number-dense
    # at most EVIDENCE_FLOOR (+ ellipses) per fact beyond one budget per sentence: ~5 per input byte here;
    # full-sentence copies were facts x size: 150 per input byte at 5 KB, 600 at 20 KB
    assert chars / size < 8


def test_sqlite_file_grows_linearly_with_number_dense_input(pipeline, tmp_path):
    def growth(size: int) -> float:
        db = tmp_path / f"kb{size}.db"
        store = Store(f"sqlite:///{db}")
        with store.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        before = os.path.getsize(db)
        src = write(tmp_path, f"dense{size}.txt", dense(size))
        ingest([str(src)], store, pipeline)
        with store.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        return (os.path.getsize(db) - before) / src.stat().st_size

    small, big = growth(10_000), growth(40_000)
    assert big < 40  # bytes stored per input byte (was ~300 at 10 KB, ~1,200 at 40 KB)
    assert big < 1.5 * small + 5  # four times the input, about four times the bytes: linear, not quadratic


def test_normal_sentences_stay_whole_evidence(store, pipeline):
    ingest([str(SEEDS / "002_97f8f4cc8781255b.txt")], store, pipeline)
    with store.engine.connect() as c:
        for t in (S.events, S.statements, S.figures):
            rows = c.execute(select(t.c.evidence, S.sentences.c.text).join(S.sentences, (S.sentences.c.doc_id == t.c.doc_id)
                                                                           & (S.sentences.c.idx == t.c.sent_idx))).all()
            assert all(ev == sent for ev, sent in rows)


def test_contract_evidence_is_the_sentence_unless_copies_would_blow_up(pipeline):
    normal = to_contract(pipeline(RawDoc("a.txt", ARTICLE, "text")))
    a = pipeline(RawDoc("a.txt", ARTICLE, "text"))
    sentences = {s.text for s in a.sentences}
    assert normal["figures"] and all(f["evidence"] in sentences for f in normal["figures"] + normal["statements"])
    text = dense(40_000)
    big = to_contract(pipeline(RawDoc("dense.txt", text, "text")))
    chars = sum(len(x["evidence"]) for k in ("events", "statements", "figures") for x in big[k])
    assert len(big["figures"]) > 500
    assert chars / len(text) < 12  # bounded per fact (was figures x 40 KB: ~1,300 characters per input character)
    for f in big["figures"][:50]:  # each excerpt holds its own figure
        assert f["text"] in f["evidence"]


def test_store_keeps_the_evidence_extract_prints(store, pipeline):
    """So `stories --json`, which reads stored evidence, prints members exactly as extract does."""
    a = pipeline(RawDoc("dense.txt", dense(10_000), "text"))
    printed = [f["evidence"] for f in to_contract(a)["figures"]]
    store.save_article(a, "h")
    with store.engine.connect() as c:
        assert c.execute(select(S.figures.c.evidence).order_by(S.figures.c.id)).scalars().all() == printed


# 2. Near-duplicate lookups read a bounded number of candidate rows however many similar records are stored.

def similar(i: int) -> Article:
    t = (f"Ngày {i % 28 + 1}/5, Tập đoàn FPT ký thỏa thuận hợp tác với đối tác số {i} về đào tạo "
         f"kỹ sư trí tuệ nhân tạo và bán dẫn tại Hà Nội.")
    return Article(source=f"rec{i}", raw=t, text=t)


def test_near_duplicate_lookup_reads_bounded_rows(store):
    read = {}
    for i in range(400):
        saved = store.save_article(similar(i), raw_hash(f"rec{i}"))
        assert saved.status == "stored"
        read[i] = saved.candidates
    cap = neardup.BANDS * PER_BAND
    assert max(read.values()) <= cap
    assert read[399] <= max(read[i] for i in range(40, 60))  # no more at 400 stored than at 50
    with store.engine.connect() as c:
        linked = c.execute(select(func.count()).where(S.documents.c.duplicate_of.is_not(None))).scalar_one()
    assert linked > 230  # still found: the unbounded lookup linked 255 of these 400 records, this one 251


def test_sqlite_lookup_work_stays_flat(sqlite_url):
    """SQLite's own count of executed VM instructions per stored article, at 100 and at 600 similar records."""
    store = Store(sqlite_url)
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    store.engine.dispose()
    event.listen(store.engine, "checkout", lambda dbapi, *_: dbapi.set_progress_handler(count, 100))

    def work(i: int) -> int:
        steps[0] = 0
        store.save_article(similar(i), raw_hash(f"rec{i}"))
        return steps[0]

    for i in range(100):
        store.save_article(similar(i), raw_hash(f"rec{i}"))
    early = sum(work(i) for i in range(100, 110))
    for i in range(110, 600):
        store.save_article(similar(i), raw_hash(f"rec{i}"))
    late = sum(work(i) for i in range(600, 610))
    store.close()
    assert late < 1.5 * early  # the old lookup read every record of each shared band: ~5x here


# 3. A source's new version replaces the old one; byte-identical input stays unchanged.

def test_new_version_of_a_source_replaces_the_old(store, pipeline, tmp_path):
    a = write(tmp_path, "a.txt", ARTICLE)
    rep = ingest([str(a)], store, pipeline)
    assert rep.stored == 1
    with store.engine.connect() as c:
        doc_id = c.execute(select(S.documents.c.id)).scalar_one()
    assert ingest([str(a)], store, pipeline).unchanged == 1
    # a corrected title and date (the body is the same): applied, not a duplicate
    write(tmp_path, "a.txt", ARTICLE.replace("title: Qualcomm mở", "title: Qualcomm khai trương")
          .replace("date: 2024-10-15", "date: 2024-10-16"))
    rep = ingest([str(a)], store, pipeline)
    assert (rep.stored, rep.updated, rep.duplicates) == (1, 1, 0)
    with store.engine.connect() as c:
        row = c.execute(select(S.documents.c.id, S.documents.c.title, S.documents.c.published)).one()
    assert row == (doc_id, "Qualcomm khai trương trung tâm R&D tại Hà Nội", "2024-10-16")
    # an edited body: still one document, holding the new facts only
    edited = ARTICLE.replace("1.000 kỹ sư", "2.000 kỹ sư")
    write(tmp_path, "a.txt", edited)
    rep = ingest([str(a)], store, pipeline)
    assert (rep.stored, rep.updated) == (1, 1)
    assert ingest([str(a)], store, pipeline).unchanged == 1
    with store.engine.connect() as c:
        assert c.execute(select(S.documents.c.id)).scalars().all() == [doc_id]
        values = c.execute(select(S.figures.c.value).where(S.figures.c.text.like("%kỹ sư%"))).scalars().all()
        bands = c.execute(select(func.count()).select_from(S.doc_bands)).scalar_one()
    assert values == [2000]
    assert bands == neardup.BANDS
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    (tmp_path / "other").mkdir()
    ingest([str(write(tmp_path / "other", "a.txt", edited))], fresh, pipeline)
    assert store.stats() == fresh.stats()  # exactly what storing the new version alone gives
    fresh.close()
    # the same body under another name is still a duplicate, not a version
    assert ingest([str(write(tmp_path, "copy.txt", edited + "\n"))], store, pipeline).duplicates == 1


def test_versions_stored_twice_before_are_folded_into_one(store, pipeline, tmp_path):
    """A store from before updates may hold two versions of one source: the next version leaves one."""
    v1, v2 = ARTICLE, ARTICLE.replace("1.000 kỹ sư", "3.000 kỹ sư")
    first = store.save_article(pipeline(RawDoc("a.txt", v1, "text")), raw_hash(v1)).doc_id
    second = store.save_article(pipeline(RawDoc("old.txt", v2, "text")), raw_hash(v2)).doc_id
    with store.engine.begin() as c:  # as the old code left an edited article: a second document, same source
        c.execute(S.documents.update().where(S.documents.c.id == second).values(source="a.txt"))
    v3 = ARTICLE.replace("1.000 kỹ sư", "4.000 kỹ sư")
    saved = store.save_article(pipeline(RawDoc("a.txt", v3, "text")), raw_hash(v3))
    assert (saved.status, saved.doc_id) == ("updated", first)
    with store.engine.connect() as c:
        assert c.execute(select(S.documents.c.id)).scalars().all() == [first]
        assert set(c.execute(select(S.figures.c.doc_id)).scalars()) == {first}
    # edited into another source's very body: a duplicate of it, and this source's stale version goes
    other = store.save_article(pipeline(RawDoc("b.txt", v1, "text")), raw_hash("b" + v1)).doc_id
    saved = store.save_article(pipeline(RawDoc("a.txt", v1 + "\n", "text")), raw_hash(v1 + "\n"))
    assert (saved.status, saved.doc_id) == ("duplicate", other)
    assert store.stats()["documents"] == 1


def test_standard_input_is_no_source_identity(store, pipeline):
    docs = [RawDoc("-", t, "text", raw_hash=raw_hash(t)) for t in (
        "Tập đoàn Samsung cam kết đầu tư thêm 2 tỷ USD vào Việt Nam.",
        "Tập đoàn Intel đề nghị Việt Nam đào tạo 500 kỹ sư bán dẫn.")]
    rep = ingest_raw(docs, store, pipeline)
    assert (rep.stored, rep.updated) == (2, 0) and store.stats()["documents"] == 2


# 4. Dates outside 1900 .. publication (else today) + 30 years are stored as null.

def test_implausible_dates_are_stored_as_null(store, pipeline):
    a = pipeline(RawDoc("a.txt", ARTICLE, "text"))
    assert a.published == "2024-10-15" and a.statements and a.figures and a.roles
    s0 = a.sentences[0]
    for value in ("1899-12-31", "2055-01", "2030", "2054-10-15"):
        a.dates.append(DateMention(value, value, s0.start, s0.start + 1, 0))
    a.statements[0].date = "2300"
    a.figures[0].deadline = "1066"
    a.roles[0].as_of = "2099-01-01"
    if a.events:
        a.events[0].date = "1700-05-01"
    store.save_article(a, "h1")
    with store.engine.connect() as c:
        dates = set(c.execute(select(S.dates.c.value)).scalars())
        assert {"2030", "2054-10-15"} <= dates and not dates & {"1899-12-31", "2055-01"}
        assert c.execute(select(S.statements.c.date).where(S.statements.c.id == select(func.min(S.statements.c.id))
                                                           .scalar_subquery())).scalar_one() is None
        assert None in c.execute(select(S.figures.c.deadline)).scalars().all()
        assert "2099-01-01" not in c.execute(select(S.roles.c.as_of)).scalars().all()
        assert "1700-05-01" not in c.execute(select(S.events.c.date)).scalars().all()
    b = pipeline(RawDoc("b.txt", ARTICLE.replace("date: 2024-10-15", "date: 2124-10-15")
                        + "\nTập đoàn Qualcomm cũng cam kết mở thêm một trung tâm tại Đà Nẵng.\n", "text"))
    b.published = "2124-10-15"  # whatever the extraction gives
    b.dates.append(DateMention("2100", "2100", s0.start, s0.start + 1, 0))
    store.save_article(b, "h2")
    with store.engine.connect() as c:
        doc = c.execute(select(S.documents.c.id, S.documents.c.published).where(S.documents.c.source == "b.txt")).one()
        assert doc.published is None  # later than today + 30 years
        values = set(c.execute(select(S.dates.c.value).where(S.dates.c.doc_id == doc.id)).scalars())
    assert "2100" not in values  # with no publication date, today + 30 years bounds the rest
