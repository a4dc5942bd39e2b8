"""The REST API: a thin adapter over the library (search, ask, kb, ingest, export), JSON in and out."""
from __future__ import annotations

import csv
import hmac
import io
import os
from typing import Any

from fastapi import Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import and_, func, select

from hoptac import __version__
from hoptac.ask import ask as run_ask
from hoptac.export import TABLES
from hoptac.kb import NotFound, document, find_entities, profile, timeline, top_entities
from hoptac.llm import rephrase
from hoptac.pipeline import Pipeline
from hoptac.search import Filters, QueryError, search
from hoptac.store import Store, date_range
from hoptac.store import schema as S
from hoptac.tracker import SORTS, TrackerFilters
from hoptac.tracker import rows as tracker_rows
from hoptac.web import mount
from hoptac.uploads import MAX_UPLOAD_BYTES, Pasted, UploadRejected, check_count, check_size, ingest_uploads

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

    def is_api(req: Request) -> bool:
        return req.url.path.startswith(("/api", "/openapi", "/docs", "/redoc"))

    @app.exception_handler(HTTPException)
    @app.exception_handler(StarletteHTTPException)
    async def http_error(req: Request, exc: HTTPException):
        if not is_api(req):
            return app.state.html_error(req, exc.status_code, str(exc.detail))
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(req: Request, exc: RequestValidationError):
        msg = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        if not is_api(req):
            return app.state.html_error(req, 400, msg)
        return JSONResponse({"error": msg}, status_code=422)

    @app.exception_handler(QueryError)
    async def query_error(_req: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(UploadRejected)
    async def rejected(_req: Request, exc: UploadRejected) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)

    @app.exception_handler(NotFound)
    async def not_found(_req: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=404)

    def may_write(request: Request, authorization: str | None = Header(default=None)) -> None:
        origin = request.headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1] != request.headers.get("host"):
            raise HTTPException(403, "writes from another site's pages are refused (Origin does not match)")
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
    def document_api(doc_id: int) -> dict[str, Any]:
        return document(st.store, doc_id)

    @app.get("/api/entities")
    def entities(q: str | None = None, type: str | None = None, limit: int = 50,
                 offset: int = 0) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        if q:
            found = find_entities(st.store, q, type)
            return {"total": len(found), "items": found[offset:offset + limit]}
        return {"items": top_entities(st.store, type, limit, offset)}

    @app.get("/api/entities/{entity_id}")
    def entity(entity_id: int) -> dict[str, Any]:
        return profile(st.store, entity_id)

    @app.get("/api/events")
    def events(entity: int | None = None, date_from: str | None = None, date_to: str | None = None,
               limit: int = 200) -> dict[str, Any]:
        limit, _ = page(limit, 0)
        return {"items": timeline(st.store, entity, date_from, date_to, limit)}

    @app.get("/api/statements")
    def statements(kind: str | None = None, speaker: str | None = None, addressee: str | None = None,
                   entity: str | None = None, topic: str | None = None, date_from: str | None = None,
                   date_to: str | None = None, q: str | None = None, sort: str = "published",
                   order: str = "desc", limit: int = 100, offset: int = 0) -> dict[str, Any]:
        """The tracker's table: filters take entity ids or names (aliases too), as the page's do."""
        limit, offset = page(limit, offset)
        if sort not in SORTS or order not in ("asc", "desc"):
            raise HTTPException(400, f"sort is one of {', '.join(SORTS)}; order is asc or desc")
        total, items = tracker_rows(st.store, TrackerFilters(kind, speaker, addressee, entity, topic, date_from,
                                                             date_to, q), sort, order == "desc", limit, offset)
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
        pasted = None
        got: list[tuple[str, bytes]] = []
        if files:
            check_count(len(files))
            for up in files:
                data = await up.read(MAX_UPLOAD_BYTES + 1)
                check_size(up.filename or "upload", len(data))
                got.append((up.filename or "", data))
        else:
            try:
                body = await request.json()
            except ValueError:
                raise HTTPException(400, "send files as multipart/form-data or JSON with a 'text' field")
            if not isinstance(body, dict) or not str(body.get("text") or "").strip():
                raise HTTPException(400, "the JSON body needs a non-empty 'text'")
            pasted = Pasted(str(body["text"]), body.get("title"), body.get("date"),
                            body.get("source") or body.get("url"))
        return await run_in_threadpool(ingest_uploads, st.store, st.pipeline, got, pasted)

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

    mount(app, st)
    return app
