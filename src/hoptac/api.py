"""The REST API: a thin adapter over the library (search, ask, kb, ingest, export), JSON in and out."""
from __future__ import annotations

import csv
import hmac
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import and_, func, select

from hoptac import __version__
from hoptac.ask import ask as run_ask
from hoptac.export import TABLES
from hoptac.ingest import ingest as run_ingest
from hoptac.kb import NotFound, find_entities, profile, timeline
from hoptac.llm import rephrase
from hoptac.pipeline import Pipeline
from hoptac.search import Filters, QueryError, search
from hoptac.store import Store, date_range
from hoptac.store import schema as S

MAX_UPLOAD_BYTES = 20_000_000
MAX_UPLOAD_FILES = 50
MAX_LIMIT = 500


class Settings:
    """What the app was started with: the store, and whether writes need a token."""

    def __init__(self, db: str | None, token: str | None, loopback: bool):
        self.store = Store(db)
        self.token = token
        self.loopback = loopback
        self._pipeline: Pipeline | None = None

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:  # built on the first ingest, not at start-up
            self._pipeline = Pipeline()
        return self._pipeline


def create_app(db: str | None = None, token: str | None = None, loopback: bool = True) -> FastAPI:
    """The FastAPI application over one store. Off loopback, write endpoints need HOPTAC_TOKEN."""
    st = Settings(db, token if token is not None else os.environ.get("HOPTAC_TOKEN"), loopback)
    app = FastAPI(title="hoptac", version=__version__,
                  description="Knowledge base of Vietnamese news on technology cooperation; every fact cited.")

    @app.exception_handler(HTTPException)
    async def http_error(_req: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(QueryError)
    async def query_error(_req: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(NotFound)
    async def not_found(_req: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=404)

    def may_write(authorization: str | None = Header(default=None)) -> None:
        if st.loopback and not st.token:
            return
        if not st.token:
            raise HTTPException(403, "writing is disabled: set HOPTAC_TOKEN to allow it on this address")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given, st.token):
            raise HTTPException(401, "a valid token is required (Authorization: Bearer <HOPTAC_TOKEN>)")

    def page(limit: int, offset: int) -> tuple[int, int]:
        if not 1 <= limit <= MAX_LIMIT or offset < 0:
            raise HTTPException(400, f"limit must be 1..{MAX_LIMIT} and offset >= 0")
        return limit, offset

    def counted_page(q, conds: list, order: list, limit: int, offset: int) -> tuple[int, list]:
        """Total matches and one page of them."""
        if conds:
            q = q.where(and_(*conds))
        with st.store.engine.connect() as c:
            total = c.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            rows = c.execute(q.order_by(*order).limit(limit).offset(offset)).mappings().all()
        return total, rows

    @app.get("/api/stats")
    def stats() -> dict[str, int]:
        return st.store.stats()

    @app.get("/api/documents")
    def documents(limit: int = 50, offset: int = 0, source: str | None = None, date_from: str | None = None,
                  date_to: str | None = None) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        d = S.documents
        q = select(d.c.id, d.c.source, d.c.url, d.c.title, d.c.published, d.c.language, d.c.duplicate_of)
        conds = date_range(d.c.published, date_from, date_to)
        if source:
            conds.append(d.c.source.like(f"%{source}%"))
        total, rows = counted_page(q, conds, [d.c.published.desc(), d.c.id], limit, offset)
        return {"total": total, "items": [dict(r) for r in rows]}

    @app.get("/api/documents/{doc_id}")
    def document(doc_id: int) -> dict[str, Any]:
        d = S.documents
        with st.store.engine.connect() as c:
            row = c.execute(select(d.c.id, d.c.source, d.c.url, d.c.title, d.c.published, d.c.author, d.c.language,
                                   d.c.text, d.c.removed, d.c.topics, d.c.duplicate_of)
                            .where(d.c.id == doc_id)).mappings().first()
            if row is None:
                raise HTTPException(404, f"no document {doc_id}")
            out = dict(row)
            out["removed"] = json.loads(out["removed"] or "[]")
            out["topics"] = json.loads(out["topics"] or "[]")
            out["sentences"] = [dict(r) for r in c.execute(
                select(S.sentences.c.idx, S.sentences.c.char_start, S.sentences.c.char_end, S.sentences.c.text)
                .where(S.sentences.c.doc_id == doc_id).order_by(S.sentences.c.idx)).mappings()]
            out["mentions"] = [dict(r) for r in c.execute(
                select(S.mentions.c.sent_idx, S.mentions.c.char_start, S.mentions.c.char_end, S.mentions.c.text,
                       S.mentions.c.type, S.mentions.c.entity_id)
                .where(S.mentions.c.doc_id == doc_id).order_by(S.mentions.c.char_start)).mappings()]
            for name, table in S.FACT_TABLES.items():
                out[name] = [dict(r) for r in c.execute(select(table).where(table.c.doc_id == doc_id)
                                                         .order_by(table.c.id)).mappings()]
        return out

    @app.get("/api/entities")
    def entities(q: str | None = None, type: str | None = None, limit: int = 50,
                 offset: int = 0) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        if q:
            found = find_entities(st.store, q, type)
            return {"total": len(found), "items": found[offset:offset + limit]}
        e, de = S.entities, S.doc_entities
        query = (select(e.c.id, e.c.name, e.c.type, func.count().label("documents"))
                 .join(de, de.c.entity_id == e.c.id).group_by(e.c.id, e.c.name, e.c.type))
        if type:
            query = query.where(e.c.type == type.upper())
        with st.store.engine.connect() as c:
            rows = c.execute(query.order_by(func.count().desc(), e.c.id).limit(limit).offset(offset)).mappings().all()
        return {"items": [dict(r) for r in rows]}

    @app.get("/api/entities/{entity_id}")
    def entity(entity_id: int) -> dict[str, Any]:
        return profile(st.store, entity_id)

    @app.get("/api/events")
    def events(entity: int | None = None, date_from: str | None = None, date_to: str | None = None,
               limit: int = 200) -> dict[str, Any]:
        limit, _ = page(limit, 0)
        return {"items": timeline(st.store, entity, date_from, date_to, limit)}

    @app.get("/api/statements")
    def statements(kind: str | None = None, speaker: int | None = None, addressee: int | None = None,
                   topic: str | None = None, date_from: str | None = None, date_to: str | None = None,
                   limit: int = 100, offset: int = 0) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        t, d = S.statements, S.documents
        q = select(t, d.c.source, d.c.title).join(d, d.c.id == t.c.doc_id)
        conds = date_range(t.c.date, date_from, date_to)
        if kind:
            conds.append(t.c.kind == kind)
        if speaker is not None:
            conds.append(t.c.speaker_entity_id == speaker)
        if addressee is not None:
            conds.append(t.c.addressee_entity_id == addressee)
        if topic:
            conds.append(t.c.topics.like(f'%"{topic}"%'))
        total, rows = counted_page(q, conds, [t.c.date, t.c.id], limit, offset)
        items = []
        for r in rows:
            item = dict(r)
            item["topics"] = json.loads(item["topics"] or "[]")
            items.append(item)
        return {"total": total, "items": items}

    @app.get("/api/figures")
    def figures(unit: str | None = None, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        f, d = S.figures, S.documents
        q = select(f, d.c.source).join(d, d.c.id == f.c.doc_id)
        if unit:
            q = q.where(f.c.unit == unit)
        with st.store.engine.connect() as c:
            rows = c.execute(q.order_by(f.c.doc_id, f.c.id).limit(limit).offset(offset)).mappings().all()
        return {"items": [dict(r) for r in rows]}

    @app.get("/api/search")
    def search_api(q: str = Query(..., max_length=5000), entity: str | None = None, type: str | None = None,
                   kind: str | None = None, topic: str | None = None, date_from: str | None = None,
                   date_to: str | None = None, source: str | None = None, limit: int = 20,
                   offset: int = 0) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        hits = search(st.store, q, Filters(entity, type, kind, topic, date_from, date_to, source), limit, offset)
        return {"items": [{"doc_id": h.doc_id, "source": h.source, "title": h.title, "published": h.published,
                           "sentence": h.sent_idx, "text": h.text, "score": h.score,
                           "highlights": h.highlights} for h in hits]}

    @app.get("/api/ask")
    def ask_api(q: str = Query(..., max_length=2000)) -> dict[str, Any]:
        return rephrase(run_ask(st.store, q)).to_dict()

    @app.post("/api/ingest", dependencies=[Depends(may_write)])
    async def ingest_api(request: Request, files: list[UploadFile] = File(default=[])) -> dict[str, Any]:
        """Upload files (multipart) or post {"text": ..., "title": ..., "date": ..., "source": ...} as JSON."""
        with tempfile.TemporaryDirectory(prefix="hoptac-upload-") as tmp:
            paths: list[str] = []
            names: dict[str, str] = {}
            if files:
                if len(files) > MAX_UPLOAD_FILES:
                    raise HTTPException(413, f"at most {MAX_UPLOAD_FILES} files per upload")
                for k, up in enumerate(files):
                    data = await up.read(MAX_UPLOAD_BYTES + 1)
                    if len(data) > MAX_UPLOAD_BYTES:
                        raise HTTPException(413, f"{up.filename}: larger than {MAX_UPLOAD_BYTES // 1_000_000} MB")
                    name = Path(up.filename or f"upload-{k}.txt").name or f"upload-{k}.txt"
                    p = Path(tmp) / f"{k:03d}-{name}"
                    p.write_bytes(data)
                    paths.append(str(p))
                    names[str(p)] = name
            else:
                try:
                    body = await request.json()
                except ValueError:
                    raise HTTPException(400, "send files as multipart/form-data or JSON with a 'text' field")
                if not isinstance(body, dict) or not str(body.get("text") or "").strip():
                    raise HTTPException(400, "the JSON body needs a non-empty 'text'")
                rec = {"text": str(body["text"]), "title": body.get("title"), "published": body.get("date"),
                       "id": body.get("source") or body.get("url")}
                p = Path(tmp) / "pasted.jsonl"
                p.write_text(json.dumps({k: v for k, v in rec.items() if v}, ensure_ascii=False) + "\n",
                             encoding="utf-8")
                paths.append(str(p))
            rep = run_ingest(paths, st.store, st.pipeline)
        return {"stored": rep.stored, "duplicates": rep.duplicates, "unchanged": rep.unchanged,
                "failed": [{"source": names.get(f.source, Path(f.source).name), "reason": f.reason}
                           for f in rep.failed]}

    @app.get("/api/export/{table}.csv", response_class=PlainTextResponse)
    def export_csv(table: str) -> PlainTextResponse:
        if table not in TABLES:
            raise HTTPException(404, f"no table {table!r}; one of {', '.join(TABLES)}")
        t, cols = TABLES[table]
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(cols)
        with st.store.engine.connect() as c:
            for row in c.execute(select(*[t.c[x] for x in cols]).order_by(t.c[cols[0]])):
                w.writerow(["" if v is None else v for v in row])
        return PlainTextResponse(buf.getvalue(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{table}.csv"'})

    return app
