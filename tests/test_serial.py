"""hoptac.serial: a whole analysed Article survives JSON and back, field for field; bad input is refused by name."""
from __future__ import annotations

import itertools
import json

import pytest

from hoptac.ingest import extract
from hoptac.models import Article
from hoptac.serial import VERSION, article_from_dict, article_to_dict, full_record

from paths import BENCH, SEEDS


@pytest.fixture(scope="module")
def articles(tmp_path_factory, pipeline) -> list[Article]:
    part = tmp_path_factory.mktemp("serial") / "bench.jsonl"
    with open(BENCH, encoding="utf-8") as f:
        part.write_text("".join(itertools.islice(f, 30)), encoding="utf-8")
    found = [a for a in extract([str(SEEDS), str(part)], pipeline) if isinstance(a, Article)]
    assert len(found) == 35
    return found


def test_round_trip_through_json_is_lossless(articles):
    for a in articles:
        d = article_to_dict(a)
        assert d["version"] == VERSION and "toks" not in json.dumps(d["sentences"][:1])
        back = article_from_dict(json.loads(json.dumps(d, ensure_ascii=False)))
        for s in a.sentences:
            s.toks = None  # a cache, deliberately not serialized
        assert back == a
        assert all(isinstance(w, tuple) for s in back.sentences for w in s.words)
        assert article_to_dict(back) == d
    assert any(a.statements and a.figures and a.roles and a.events and a.removed for a in articles)


def test_full_record_carries_the_raw_hash(articles):
    d = full_record(articles[0], "ab" * 32)
    assert d["raw_hash"] == "ab" * 32
    assert article_from_dict(d) == article_from_dict(article_to_dict(articles[0]))


def test_bad_records_are_refused_with_the_field(articles):
    d = json.loads(json.dumps(article_to_dict(articles[0])))
    with pytest.raises(ValueError, match="version 99"):
        article_from_dict({**d, "version": 99})
    with pytest.raises(ValueError, match="lacks field 'text'"):
        article_from_dict({k: v for k, v in d.items() if k != "text"})
    with pytest.raises(ValueError, match="unknown field"):
        article_from_dict({**d, "colour": "red"})
    bad = json.loads(json.dumps(d))
    bad["sentences"][0]["start"] = "0"
    with pytest.raises(ValueError, match=r"article\.sentences\[0\]\.start"):
        article_from_dict(bad)
    with pytest.raises(ValueError, match="not a JSON object"):
        article_from_dict([d])
