"""Shared fixtures: real SQLite files, the real PostgreSQL server named by HOPTAC_TEST_PG, the real pipeline."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from hoptac.pipeline import Pipeline
from hoptac.store import Store

from paths import PG_URL


def pytest_collection_modifyitems(config, items):
    """Without a PostgreSQL server, its tests are skipped on a laptop but fail in CI."""
    if PG_URL:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI must run the PostgreSQL tests, but HOPTAC_TEST_PG is not set")
    marker = pytest.mark.skip(reason="HOPTAC_TEST_PG is not set (scripts/test.sh starts a server)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(marker)


@pytest.fixture(scope="session", autouse=True)
def index_folder(tmp_path_factory):
    """Every test store's search index under one temporary folder, PostgreSQL's too (it has none unless named)."""
    folder = tmp_path_factory.mktemp("indexes")
    before = os.environ.get("HOPTAC_INDEX_DIR")
    os.environ["HOPTAC_INDEX_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("HOPTAC_INDEX_DIR", None)
    else:
        os.environ["HOPTAC_INDEX_DIR"] = before


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """One pipeline for the session: lexicons are loaded once, as in the product."""
    return Pipeline()


def _pg_database() -> str:
    """A fresh database on the test server, so tests never see each other's rows."""
    assert PG_URL
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """The same test against a real SQLite file and a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.db'}"
    return _pg_database()


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'kb.db'}"


@pytest.fixture
def kb(db_url, pipeline):
    """A store holding the five seed articles, on SQLite and on PostgreSQL."""
    from hoptac.ingest import ingest
    from paths import SEEDS
    s = Store(db_url)
    ingest([str(SEEDS)], s, pipeline)
    yield s
    s.close()
