"""Page handlers: read the query, call the library, render a template. No logic of their own."""
from __future__ import annotations

import hmac
from datetime import date
from typing import Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from jinja2 import Environment

from hoptac.ask import ask as run_ask
from hoptac.kb import NotFound, document, find_entities, profile, timeline, top_entities
from hoptac.llm import rephrase
from hoptac.overview import home as home_data
from hoptac.overview import open_requests
from hoptac.report import briefing_html, related_graph
from hoptac.search import Filters, QueryError, parse_query, search
from hoptac.tracker import KINDS, SORTS, TrackerFilters, iter_rows, rows, to_csv
from hoptac.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, Pasted, UploadRejected, check_count, ingest_uploads
from hoptac.web import lang_of, qs, safe_next, safe_url
from hoptac.web.charts import EVENT_TYPES, timeline_svg
from hoptac.web.highlight import marks_for, render
from hoptac.web.i18n import ENTITY_TYPES, LANGS, labels, strings, topics, translator

PAGE = 50
TIMELINE_EVENTS = 500  # the latest events matching the filters; narrow by entity, topic or dates for older ones
ENTITY_ROWS = 200  # latest facts per table on an entity page; the tracker has them all


def _int(v: str | None, default: int = 1) -> int:
    try:
        return max(1, int(v)) if v else default
    except ValueError:
        return default


def add_routes(app: FastAPI, st, env: Environment) -> None:
    """Register every page on the app; `st` is the API's Settings (the store and the write token)."""
    store = st.store

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = lang_of(request)
        path = request.url.path + (("?" + request.url.query) if request.url.query else "")
        html = env.get_template(name).render(
            t=translator(lang), lang=lang, other_lang=[x for x in LANGS if x != lang][0], here=path,
            labels=labels(lang), qs=qs, topics=topics(), kinds=KINDS, event_types=EVENT_TYPES,
            entity_types=ENTITY_TYPES, **ctx)
        return HTMLResponse(html, status_code=status)

    def error(request: Request, status: int, message: str) -> HTMLResponse:
        return page(request, "error.html", status, code=status, message=message)

    app.state.html_error = error

    def needs_token() -> bool:
        return not (st.loopback and not st.token)

    def origin_ok(request: Request) -> bool:
        """A form posted from another site (CSRF) is refused: Origin, when sent, must be this host."""
        origin = request.headers.get("origin")
        if not origin or origin == "null":
            return origin is None
        return origin.split("://", 1)[-1] == request.headers.get("host")

    @app.get("/lang/{code}")
    def set_lang(code: str, next: str = "/") -> RedirectResponse:
        r = RedirectResponse(safe_next(next), status_code=303)
        if code in LANGS:
            r.set_cookie("lang", code, max_age=365 * 86400, samesite="lax", httponly=True)
        return r

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        return page(request, "home.html", data=home_data(store), nav="home")

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = "", entity: str = "", type: str = "", kind: str = "",
                    topic: str = "", date_from: str = "", date_to: str = "", source: str = "", page_no: str = ""):
        params = {"q": q, "entity": entity, "type": type, "kind": kind, "topic": topic, "date_from": date_from,
                  "date_to": date_to, "source": source}
        n = _int(page_no)
        hits, message = [], None
        if q.strip():
            try:
                hits = search(store, q[:2000], Filters(entity or None, type or None, kind or None, topic or None,
                                                       date_from or None, date_to or None, source or None),
                              20 + 1, (n - 1) * 20)
            except QueryError as e:
                message = str(e)
        return page(request, "search.html", 400 if message else 200, params=params, hits=hits[:20],
                    more=len(hits) > 20, page_no=n, message=message, nav="search")

    @app.get("/ask", response_class=HTMLResponse)
    def ask_page(request: Request, q: str = ""):
        answer = rephrase(run_ask(store, q[:2000])) if q.strip() else None
        return page(request, "ask.html", q=q, answer=answer, nav="ask")

    @app.get("/entities", response_class=HTMLResponse)
    def entities_page(request: Request, q: str = "", type: str = "", page_no: str = ""):
        n = _int(page_no)
        typ = type if type in ENTITY_TYPES else None
        if q.strip():
            found = find_entities(store, q, typ)
            items = found[(n - 1) * PAGE:n * PAGE + 1]
        else:
            items = top_entities(store, typ, PAGE + 1, (n - 1) * PAGE)
        return page(request, "entities.html", q=q, type=type, items=items[:PAGE], more=len(items) > PAGE,
                    page_no=n, nav="entities")

    @app.get("/entity/{entity_id}", response_class=HTMLResponse)
    def entity_page(request: Request, entity_id: int):
        try:
            p = profile(store, entity_id, limit=ENTITY_ROWS)
        except NotFound as e:
            return error(request, 404, str(e))
        lang = lang_of(request)
        recent = sorted((e for e in p["events"] if e["date"]), key=lambda e: (e["date"], e["id"]), reverse=True)
        recent += [e for e in p["events"] if not e["date"]]
        return page(request, "entity.html", p=p, open=open_requests(p["statements_received"], p["statements_made"]),
                    recent_events=recent[:30],
                    chart=timeline_svg(p["events"], labels(lang)), graph=related_graph(store, p), nav="entities")

    @app.get("/entity/{entity_id}/briefing", response_class=HTMLResponse)
    def briefing_page(request: Request, entity_id: int):
        try:
            return HTMLResponse(briefing_html(store, entity_id, lang_of(request)))
        except NotFound as e:
            return error(request, 404, str(e))

    def tracker_filters(params: dict) -> TrackerFilters:
        return TrackerFilters(kind=params["kind"] if params["kind"] in KINDS else None,
                              speaker=params["speaker"] or None, addressee=params["addressee"] or None,
                              entity=params["entity"] or None, topic=params["topic"] or None,
                              date_from=params["date_from"] or None, date_to=params["date_to"] or None,
                              text=params["q"] or None)

    def tracker_params(request: Request) -> dict[str, str]:
        g = request.query_params.get
        params = {k: (g(k) or "").strip()[:200] for k in ("kind", "speaker", "addressee", "entity", "topic",
                                                          "date_from", "date_to", "q", "sort", "order")}
        params["sort"] = params["sort"] if params["sort"] in SORTS else "published"
        params["order"] = "asc" if params["order"] == "asc" else "desc"
        return params

    @app.get("/tracker", response_class=HTMLResponse)
    def tracker_page(request: Request, page_no: str = ""):
        params = tracker_params(request)
        n = _int(page_no)
        try:
            total, items = rows(store, tracker_filters(params), params["sort"], params["order"] == "desc", PAGE,
                                (n - 1) * PAGE)
        except QueryError as e:
            return page(request, "tracker.html", 400, params=params, items=[], total=0, page_no=1, size=PAGE,
                        message=str(e), nav="tracker")
        return page(request, "tracker.html", params=params, items=items, total=total, page_no=n, size=PAGE,
                    message=None, nav="tracker")

    @app.get("/tracker.csv")
    def tracker_csv(request: Request) -> StreamingResponse:
        params = tracker_params(request)
        if params["q"]:
            parse_query(params["q"])  # a query with no words fails here (400), not mid-download
        items = iter_rows(store, tracker_filters(params), params["sort"], params["order"] == "desc")
        return StreamingResponse(to_csv(items), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="hoptac-tracker.csv"'})

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline_page(request: Request, entity: str = "", topic: str = "", date_from: str = "", date_to: str = ""):
        params = {"entity": entity, "topic": topic, "date_from": date_from, "date_to": date_to}
        chosen, events = None, []
        if entity.strip():
            found = [{"id": int(entity)}] if entity.strip().isdigit() else find_entities(store, entity)
            if found:
                chosen = found[0]["id"]
        if not entity.strip() or chosen is not None:
            events = timeline(store, chosen, date_from or None, date_to or None, TIMELINE_EVENTS, topic or None,
                              newest_first=True)
        lang = lang_of(request)
        return page(request, "timeline.html", params=params, events=events, chart=timeline_svg(events, labels(lang)),
                    limit=TIMELINE_EVENTS,
                    unknown_entity=bool(entity.strip()) and chosen is None, nav="timeline")

    @app.get("/article/{doc_id}", response_class=HTMLResponse)
    def article_page(request: Request, doc_id: int):
        try:
            doc = document(store, doc_id)
        except NotFound as e:
            return error(request, 404, str(e))
        body = render(doc["text"], marks_for(doc, labels(lang_of(request))))
        names = {m["entity_id"]: m["text"] for m in doc["mentions"] if m["entity_id"] is not None}
        return page(request, "article.html", doc=doc, body=body, url=safe_url(doc["url"]), names=names,
                    nav="")

    def add_context(**ctx: Any) -> dict[str, Any]:
        return {"needs_token": needs_token(), "max_files": MAX_UPLOAD_FILES,
                "max_mb": MAX_UPLOAD_BYTES // 1_000_000, "nav": "add", **ctx}

    @app.get("/add", response_class=HTMLResponse)
    def add_page(request: Request):
        return page(request, "add.html", **add_context(result=None, message=None))

    @app.post("/add", response_class=HTMLResponse)
    async def add_post(request: Request, files: list[UploadFile] = File(default=[]), text: str = Form(""),
                       title: str = Form(""), date_: str = Form("", alias="date"), token: str = Form("")):
        if not origin_ok(request):
            return error(request, 403, "form posted from another site")
        if needs_token() and not (st.token and hmac.compare_digest(token.strip(), st.token)):
            return page(request, "add.html", 401, **add_context(result=None, message="a valid token is required"))
        files = [f for f in files if f.filename]
        try:
            check_count(len(files))
            got = [(f.filename or "", await f.read(MAX_UPLOAD_BYTES + 1)) for f in files]
            result = await run_in_threadpool(ingest_uploads, store, st.pipeline, got,
                                             Pasted(text, title or None, date_ or None) if text.strip() else None)
        except UploadRejected as e:
            return page(request, "add.html", e.status, **add_context(result=None, message=str(e)))
        return page(request, "add.html", **add_context(result=result, message=None))

    @app.get("/strings.json", include_in_schema=False)
    def strings_json(request: Request) -> dict[str, str]:
        """UI strings for the little JavaScript there is, in the page's language."""
        lang = lang_of(request)
        return {k: v[lang] for k, v in strings().items() if k.startswith(("status_", "add_"))}

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "date": date.today().isoformat()}
