"""The REST API: a thin adapter over the library (search, ask, kb, ingest, export), JSON in and out."""
from __future__ import annotations

import csv
import hmac
import html
import io
import json
import os
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from pydantic import AfterValidator
from sqlalchemy import and_, func, select
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from hoptac import __version__
from hoptac.ask import ask as run_ask
from hoptac.export import TABLES, csv_row
from hoptac.ingest import StoreUnavailable
from hoptac.kb import NotFound, document, find_entities, profile, timeline, top_entities
from hoptac.llm import rephrase
from hoptac.pipeline import Pipeline
from hoptac.search import Filters, QueryError, search
from hoptac.store import Store, date_range
from hoptac.store import schema as S
from hoptac.tracker import SORTS, DateFilterError, TrackerFilters, date_filters
from hoptac.tracker import rows as tracker_rows
from hoptac.uploads import (FIRST_YEAR, FUTURE_YEARS, MAX_JSON_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES,
                            MAX_UPLOAD_TOTAL, MultipartReader, Pasted, UploadRejected, ingest_uploads)
from hoptac.web import CSP, mount

MAX_LIMIT = 500
INT64 = 2**63 - 1  # the largest id or offset either database stores; larger numbers are refused (422), not sent
MAX_REQUEST_BYTES = MAX_UPLOAD_TOTAL + 1_000_000  # an upload's body: all its files and the form around them
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


def _entity_ref(value: str | None) -> str | None:
    """An entity filter: a name, or an id within range (digits only: "²" is a digit to Python but no number)."""
    if value is not None and value.strip().isdigit():
        if not (value.strip().isascii() and len(value.strip()) <= 19 and int(value) <= INT64):
            raise ValueError(f"{value[:30]!r} is not an entity id (1 to {INT64}) nor a name")
    return value


Id = Annotated[int, Path(ge=1, le=INT64)]
Int = Annotated[int, Query(ge=-INT64, le=INT64)]  # limit and offset: page() says which values make sense
EntityRef = Annotated[str | None, Query(max_length=500), AfterValidator(_entity_ref)]
Text = Annotated[str | None, Query(max_length=500)]
DateParam = Annotated[str | None, Query(max_length=40,
                                        description="YYYY, YYYY-MM, YYYY-MM-DD, mm/yyyy or dd/mm/yyyy")]
INGEST_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": f"at most {MAX_UPLOAD_FILES} files, {MAX_UPLOAD_BYTES // 1_000_000} MB each, "
                                 f"{MAX_UPLOAD_TOTAL // 1_000_000} MB in all"}}}},
    "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
        "text": {"type": "string"}, "title": {"type": "string"},
        "date": {"type": "string", "description": f"YYYY-MM-DD or dd/mm/yyyy, {FIRST_YEAR} to {FUTURE_YEARS} years "
                                                  "ahead"},
        "source": {"type": "string"}, "url": {"type": "string"}}}}}}}


def allowed_hosts(host: str | None, loopback: bool) -> frozenset[str] | None:
    """Host names requests may name (DNS rebinding): the bound address, and HOPTAC_ALLOWED_HOSTS; None for any."""
    extra = {h.strip().lower().strip("[]").rstrip(".") for h in os.environ.get("HOPTAC_ALLOWED_HOSTS", "").split(",")
             if h.strip()}
    if "*" in extra:
        return None
    if loopback:
        return LOOPBACK_NAMES | {(host or "127.0.0.1").lower().strip("[]")} | extra
    if host in (None, "", "0.0.0.0", "::"):  # every address of the machine: only the allow-list can say which names
        return frozenset(extra) or None
    return frozenset({host.lower().strip("[]")}) | extra


def host_name(header: str) -> str:
    """The name in a Host header, without port, brackets or a final dot."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    return (h.rsplit(":", 1)[0] if h.count(":") == 1 else h).rstrip(".")


class BodyTooLarge(HTTPException):
    """A request body past its limit: an HTTP error, so form parsing passes it on as it is."""

    def __init__(self, limit: int) -> None:
        hint = "" if limit == MAX_REQUEST_BYTES else "; send a larger article as a file (multipart/form-data)"
        super().__init__(413, f"the request body is over {limit // 1_000_000} MB{hint}")


def body_limit(headers: list[tuple[bytes, bytes]]) -> int:
    """Uploads may carry files up to MAX_UPLOAD_TOTAL; any other body (JSON, a form) is one article at most."""
    kind = next((v for k, v in headers if k == b"content-type"), b"")
    return MAX_REQUEST_BYTES if kind.lower().startswith(b"multipart/") else MAX_JSON_BYTES


class Guard:
    """What every request is checked for before the app reads it: the Host it names, NULs in its query, and
    the size of its body, counted as it is read (uploads spooled by form parsing stop there too)."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None):
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.hosts is not None:
            given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
            if host_name(given) not in self.hosts:
                msg = (f"host {given[:100]!r} is not served here (set HOPTAC_ALLOWED_HOSTS to allow a name)"
                       if given else "a Host header is required")
                return await _error(scope, 400, msg)(scope, receive, send)
        q = scope.get("query_string", b"")
        if b"%00" in q:  # NUL is no text to search for, and PostgreSQL refuses it
            while b"%00" in q:
                q = q.replace(b"%00", b"")
            scope = {**scope, "query_string": q}
        limit = body_limit(scope["headers"])
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        if declared.isdigit() and int(declared) > limit:  # refused before a byte of it is read
            return await _error(scope, 413, BodyTooLarge(limit).detail)(scope, receive, send)
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def is_api(req: Request) -> bool:
    return req.url.path.startswith(("/api", "/openapi", "/docs", "/redoc"))


def _error(scope: Scope, status: int, message: str):
    """An error response as the rest of the app answers: JSON for the API, a page for people."""
    req = Request(scope)
    if is_api(req) or not hasattr(req.app.state, "html_error"):
        return JSONResponse({"error": message}, status_code=status)
    return req.app.state.html_error(req, status, message)


async def read_json_body(request: Request) -> Any:
    """The body as JSON (Guard stops it at MAX_JSON_BYTES); nesting too deep for the parser is a 400."""
    data = await request.body()
    try:
        return json.loads(data)
    except RecursionError:
        raise HTTPException(400, "the JSON body is nested too deeply")
    except ValueError:
        raise HTTPException(400, "send files as multipart/form-data or JSON with a 'text' field")


def pasted_from(body: Any) -> Pasted:
    """The pasted article a JSON body describes; wrong types are refused, never stored as text."""
    if not isinstance(body, dict):
        raise HTTPException(422, "the JSON body must be an object with a 'text' field")
    for key in ("text", "title", "date", "source", "url"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise HTTPException(422, f"'{key}' must be a string, not a JSON {type(body[key]).__name__}")
    if not (body.get("text") or "").strip():
        raise HTTPException(400, "the JSON body needs a non-empty 'text'")
    return Pasted(body["text"], body.get("title"), body.get("date"), body.get("source") or body.get("url"))


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


def create_app(db: str | None = None, token: str | None = None, loopback: bool = True,
               host: str | None = None) -> FastAPI:
    """The FastAPI application over one store, served at `host`. Off loopback, write endpoints need HOPTAC_TOKEN."""
    st = Settings(db, token if token is not None else os.environ.get("HOPTAC_TOKEN"), loopback)
    app = FastAPI(title="hoptac", version=__version__, docs_url=None, redoc_url=None,
                  description="Knowledge base of Vietnamese news on technology cooperation; every fact cited.")
    app.add_middleware(Guard, hosts=allowed_hosts(host, loopback))

    @app.exception_handler(HTTPException)
    @app.exception_handler(StarletteHTTPException)
    async def http_error(req: Request, exc: HTTPException):
        if not is_api(req):
            return app.state.html_error(req, exc.status_code, str(exc.detail))
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(req: Request, _exc: Exception):
        """A number too large for the database, or text it cannot hold, that slipped past a route's checks."""
        return _error(req.scope, 422 if is_api(req) else 400, "a value in the request is out of range or not text")

    @app.exception_handler(DateFilterError)
    async def bad_date(req: Request, exc: DateFilterError):
        return _error(req.scope, 422 if is_api(req) else 400, f"date filter {exc}")

    @app.exception_handler(StoreUnavailable)
    async def unavailable(req: Request, exc: StoreUnavailable):
        return _error(req.scope, 503, f"{exc}; try again later")

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

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The API reference rendered here from the OpenAPI schema: no script, font or style from elsewhere."""
        return HTMLResponse(reference_page(app.openapi()),
                            headers={"Content-Security-Policy": CSP, "X-Frame-Options": "DENY"})

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> RedirectResponse:
        return RedirectResponse("/docs", status_code=301)

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
        # as bytes: compare_digest refuses non-ASCII str, and headers arrive as latin-1
        if not hmac.compare_digest(given.encode("latin-1", "replace"), st.token.encode("utf-8")):
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
    def documents(limit: Int = 50, offset: Int = 0, source: Text = None, date_from: DateParam = None,
                  date_to: DateParam = None) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        d = S.documents
        q = select(d.c.id, d.c.source, d.c.url, d.c.title, d.c.published, d.c.language, d.c.duplicate_of)
        conds = date_range(d.c.published, *date_filters(date_from, date_to))
        if source:
            conds.append(d.c.source.like(f"%{source}%"))
        total, rows = counted_page(q, conds, [d.c.published.desc(), d.c.id], limit, offset)
        return {"total": total, "items": [dict(r) for r in rows]}

    @app.get("/api/documents/{doc_id}")
    def document_api(doc_id: Id) -> dict[str, Any]:
        return document(st.store, doc_id)

    @app.get("/api/entities")
    def entities(q: Text = None, type: Text = None, limit: Int = 50, offset: Int = 0) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        if q:
            found = find_entities(st.store, q, type)
            return {"total": len(found), "items": found[offset:offset + limit]}
        return {"items": top_entities(st.store, type, limit, offset)}

    @app.get("/api/entities/{entity_id}")
    def entity(entity_id: Id) -> dict[str, Any]:
        return profile(st.store, entity_id)

    @app.get("/api/events")
    def events(entity: Annotated[int | None, Query(ge=1, le=INT64)] = None, date_from: DateParam = None,
               date_to: DateParam = None, limit: Int = 200) -> dict[str, Any]:
        limit, _ = page(limit, 0)
        return {"items": timeline(st.store, entity, *date_filters(date_from, date_to), limit)}

    @app.get("/api/statements")
    def statements(kind: Text = None, speaker: EntityRef = None, addressee: EntityRef = None,
                   entity: EntityRef = None, topic: Text = None, date_from: DateParam = None,
                   date_to: DateParam = None, q: Text = None, sort: str = "published",
                   order: str = "desc", limit: Int = 100, offset: Int = 0) -> dict[str, Any]:
        """The tracker's table: filters take entity ids or names (aliases too), as the page's do."""
        limit, offset = page(limit, offset)
        if sort not in SORTS or order not in ("asc", "desc"):
            raise HTTPException(400, f"sort is one of {', '.join(SORTS)}; order is asc or desc")
        lo, hi = date_filters(date_from, date_to)
        total, items = tracker_rows(st.store, TrackerFilters(kind, speaker, addressee, entity, topic, lo, hi, q),
                                    sort, order == "desc", limit, offset)
        return {"total": total, "items": items}

    @app.get("/api/figures")
    def figures(unit: Text = None, limit: Int = 100, offset: Int = 0) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        f, d = S.figures, S.documents
        q = select(f, d.c.source).join(d, d.c.id == f.c.doc_id)
        if unit:
            q = q.where(f.c.unit == unit)
        with st.store.engine.connect() as c:
            rows = c.execute(q.order_by(f.c.doc_id, f.c.id).limit(limit).offset(offset)).mappings().all()
        return {"items": [dict(r) for r in rows]}

    @app.get("/api/search")
    def search_api(q: str = Query(..., max_length=5000), entity: EntityRef = None, type: Text = None,
                   kind: Text = None, topic: Text = None, date_from: DateParam = None,
                   date_to: DateParam = None, source: Text = None, limit: Int = 20,
                   offset: Int = 0) -> dict[str, Any]:
        limit, offset = page(limit, offset)
        lo, hi = date_filters(date_from, date_to)
        hits = search(st.store, q, Filters(entity, type, kind, topic, lo, hi, source), limit, offset)
        return {"items": [{"doc_id": h.doc_id, "source": h.source, "title": h.title, "published": h.published,
                           "sentence": h.sent_idx, "text": h.text, "score": h.score,
                           "highlights": h.highlights} for h in hits]}

    @app.get("/api/ask")
    def ask_api(q: str = Query(..., max_length=2000)) -> dict[str, Any]:
        return rephrase(run_ask(st.store, q)).to_dict()

    @app.post("/api/ingest", dependencies=[Depends(may_write)], openapi_extra=INGEST_BODY)
    async def ingest_api(request: Request) -> dict[str, Any]:
        """Upload files (multipart) or post {"text": ..., "title": ..., "date": ..., "source": ...} as JSON.

        The body is read as it arrives and the limits stop it there, before it fills memory or disk.
        """
        kind = request.headers.get("content-type", "")
        mime = kind.split(";", 1)[0].strip().lower()
        if mime == "multipart/form-data":
            reader = MultipartReader(kind)
            async for chunk in request.stream():
                reader.feed(chunk)
            return await run_in_threadpool(ingest_uploads, st.store, st.pipeline, reader.finish())
        if mime not in ("", "application/json") and not mime.endswith("+json"):
            raise HTTPException(415, "send files as multipart/form-data or JSON with a 'text' field "
                                     f"(not {mime[:60]})")
        pasted = pasted_from(await read_json_body(request))
        return await run_in_threadpool(ingest_uploads, st.store, st.pipeline, [], pasted)

    @app.get("/api/export/{table}.csv", response_class=PlainTextResponse)
    def export_csv(table: str) -> PlainTextResponse:
        """One table as CSV, every text cell defused as in `hoptac export`."""
        if table not in TABLES:
            raise HTTPException(404, f"no table {table!r}; one of {', '.join(TABLES)}")
        t, cols = TABLES[table]
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(cols)
        with st.store.engine.connect() as c:
            for row in c.execute(select(*[t.c[x] for x in cols]).order_by(t.c[cols[0]])):
                w.writerow(csv_row(row))
        return PlainTextResponse(buf.getvalue(), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{table}.csv"'})

    mount(app, st)
    return app


def _type(s: dict[str, Any]) -> str:
    """A schema's type in words: "integer", "string or null", "list of string"."""
    if "anyOf" in s:
        return " or ".join(_type(x) for x in s["anyOf"])
    if "$ref" in s:
        return s["$ref"].rsplit("/", 1)[-1]
    if s.get("type") == "array":
        return "list of " + _type(s.get("items", {}))
    return str(s.get("type", "any"))


def _bounds(s: dict[str, Any]) -> str:
    parts = [x for y in [s, *s.get("anyOf", [])] for x in (
        f"≥ {y['minimum']}" if "minimum" in y else "", f"≤ {y['maximum']}" if "maximum" in y else "",
        f"≤ {y['maxLength']} characters" if "maxLength" in y else "") if x]
    return ", ".join(parts)


def reference_page(schema: dict[str, Any]) -> str:
    """The OpenAPI schema as one server-rendered page: every operation, its parameters, body and answers."""
    e = html.escape
    info = schema.get("info", {})
    ops = [(path, method, op) for path, item in schema.get("paths", {}).items() for method, op in item.items()]
    out = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<title>{e(info.get("title", ""))} API</title><link rel="stylesheet" href="/static/app.css"></head>',
           f'<body><main><h1>{e(info.get("title", ""))} API ',
           f'<span class="muted">{e(info.get("version", ""))}</span></h1>',
           f'<p>{e(info.get("description", ""))}</p><p>Errors are JSON, <code>{{"error": "…"}}</code>, with the HTTP '
           'status. The machine-readable schema: <a href="/openapi.json">/openapi.json</a>.</p><section><ul>']
    for path, method, op in ops:
        out.append(f'<li><a href="#{e(op.get("operationId", ""))}"><code>{e(method.upper())} {e(path)}</code></a> '
                   f'{e(op.get("summary", ""))}</li>')
    out.append("</ul></section>")
    for path, method, op in ops:
        out.append(f'<section id="{e(op.get("operationId", ""))}"><h2><code>{e(method.upper())} {e(path)}</code></h2>')
        if op.get("description"):
            out.append(f'<p>{e(op["description"])}</p>')
        if op.get("parameters"):
            out.append('<table><tr><th>parameter</th><th>in</th><th>type</th><th>required</th><th>default</th>'
                       '<th>limits</th><th>description</th></tr>')
            for p in op["parameters"]:
                s = p.get("schema", {})
                out.append(f'<tr><td><code>{e(p["name"])}</code></td><td>{e(p.get("in", ""))}</td>'
                           f'<td>{e(_type(s))}</td><td>{"yes" if p.get("required") else ""}</td>'
                           f'<td>{e(str(s.get("default", "")))}</td><td>{e(_bounds(s))}</td>'
                           f'<td>{e(p.get("description") or s.get("description") or "")}</td></tr>')
            out.append("</table>")
        for mime, body in op.get("requestBody", {}).get("content", {}).items():
            props = body.get("schema", {}).get("properties", {})
            fields = ", ".join(f"{k} ({_type(v)}{': ' + v['description'] if v.get('description') else ''})"
                               for k, v in props.items())
            out.append(f'<p>Body <code>{e(mime)}</code>: {e(fields)}</p>')
        answers = ", ".join(f"{code} {r.get('description', '')}" for code, r in op.get("responses", {}).items())
        out.append(f'<p class="muted">Answers: {e(answers)}</p></section>')
    out.append("</main></body></html>")
    return "\n".join(out)
