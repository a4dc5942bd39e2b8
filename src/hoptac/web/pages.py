"""Page handlers: read the query, call the library, render a template. No logic of their own."""
from __future__ import annotations

import hmac
from datetime import date
from typing import Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import Environment

from hoptac.ask import Answer, keywords
from hoptac.citations import doc_sources, docs_after, last_doc_id
from hoptac.isodate import readable
from hoptac.ask import ask as run_ask
from hoptac.kb import NotFound, document, find_entities, profile, top_entities
from hoptac.llm import rephrase
from hoptac.overview import home as home_data
from hoptac.overview import open_requests
from hoptac.lifecycle_view import FILTERS as STATUS_FILTERS
from hoptac.report import briefing_filename, briefing_html, briefing_md, briefing_pdf, related_graph
from hoptac.search import Filters, QueryError, parse_query, search
from hoptac.textnorm import fold
from hoptac.tracker import COUNT_CAP, KINDS, SORTS, DateFilterError, TrackerFilters, date_filters, iter_rows, rows, to_csv
from hoptac.uploads import MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, Pasted, UploadRejected, check_count, ingest_uploads
from hoptac.web import lang_of, qs, safe_next, safe_url
from hoptac.web.charts import EVENT_TYPES, timeline_svg
from hoptac.web.highlight import marks_for, render
from hoptac.web.i18n import ENTITY_TYPES, LANGS, labels, strings, topics, translator
from hoptac.web.periods import parse_period, window
from hoptac.web.dossier_pages import add_dossier_routes
from hoptac.web.story_pages import add_story_routes

PAGE = 50
TIMELINE_EVENTS = 100  # per page of one period: a page costs the same with 50 or 50,000 articles
ENTITY_ROWS = 200  # latest facts per table on an entity page; the tracker has them all


def _int(v: str | None, default: int = 1) -> int:
    try:
        return max(1, int(v)) if v else default
    except ValueError:
        return default


def answer_text(answer: Answer, t) -> str:
    """The answer in the page's language where ask() fell back on a fixed phrase (no keywords, unknown, nearest)."""
    if answer.found:
        return answer.answer
    if answer.citations:
        return t("ask_nearest", text=answer.citations[0].text)
    return t("ask_unknown") if keywords(fold(answer.q)) else t("ask_no_keywords")


def date_message(e: DateFilterError, t) -> str:
    return t("bad_date_order" if e.order else "bad_date", value=e.value)


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
        try:
            lo, hi = date_filters(date_from, date_to)
            if q.strip():
                hits = search(store, q[:2000], Filters(entity or None, type or None, kind or None, topic or None,
                                                       lo, hi, source or None), 20 + 1, (n - 1) * 20)
        except DateFilterError as e:
            message = date_message(e, translator(lang_of(request)))
        except QueryError as e:
            message = str(e)
        return page(request, "search.html", 400 if message else 200, params=params, hits=hits[:20],
                    more=len(hits) > 20, page_no=n, message=message, docs=doc_sources(store, [h.doc_id for h in hits]),
                    nav="search")

    @app.get("/ask", response_class=HTMLResponse)
    def ask_page(request: Request, q: str = ""):
        answer = rephrase(run_ask(store, q[:2000])) if q.strip() else None
        return page(request, "ask.html", q=q, answer=answer,
                    answer_text=answer_text(answer, translator(lang_of(request))) if answer else None,
                    docs=doc_sources(store, [c.doc_id for c in answer.citations]) if answer else {}, nav="ask")

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
        # newest first; undated events, and dates no calendar has ("9999-12-31"), after them
        recent = sorted((e for e in p["events"] if readable(e["date"])), key=lambda e: (e["date"], e["id"]),
                        reverse=True)
        recent += [e for e in p["events"] if not readable(e["date"])]
        cited = [x["doc_id"] for x in [*p["roles"], *p["statements_received"], *p["statements_made"]]]
        return page(request, "entity.html", p=p, open=open_requests(store, p["statements_received"]),
                    recent_events=recent[:30], docs=doc_sources(store, cited),
                    chart=timeline_svg(p["events"], labels(lang)), graph=related_graph(store, p), nav="entities")

    @app.get("/entity/{entity_id}/briefing", response_class=HTMLResponse)
    def briefing_page(request: Request, entity_id: int):
        try:
            return HTMLResponse(briefing_html(store, entity_id, lang_of(request)))
        except NotFound as e:
            return error(request, 404, str(e))

    def entity_file(request: Request, entity_id: int, ext: str, media_type: str, make, prefix: str = "briefing"
                    ) -> Response:
        """A briefing or dossier as the file the CLI writes (`--format pdf|md`), as a download."""
        try:
            p = profile(store, entity_id, limit=1)
            body = make(store, entity_id, lang_of(request))
        except NotFound as e:
            return error(request, 404, str(e))
        return Response(body, media_type=media_type, headers={
            "Content-Disposition": f'attachment; filename="{briefing_filename(p, entity_id, ext, prefix)}"'})

    @app.get("/entity/{entity_id}/briefing.pdf")
    async def briefing_pdf_file(request: Request, entity_id: int) -> Response:
        return await run_in_threadpool(entity_file, request, entity_id, "pdf", "application/pdf", briefing_pdf)

    @app.get("/entity/{entity_id}/briefing.md")
    def briefing_md_file(request: Request, entity_id: int) -> Response:
        return entity_file(request, entity_id, "md", "text/markdown; charset=utf-8", briefing_md)

    def tracker_filters(params: dict) -> TrackerFilters:
        """The table's filters; a date that is no date raises DateFilterError rather than being dropped."""
        lo, hi = date_filters(params["date_from"], params["date_to"])
        return TrackerFilters(kind=params["kind"] if params["kind"] in KINDS else None,
                              speaker=params["speaker"] or None, addressee=params["addressee"] or None,
                              entity=params["entity"] or None, topic=params["topic"] or None,
                              date_from=lo, date_to=hi, text=params["q"] or None,
                              status=params["status"] if params["status"] in STATUS_FILTERS else None)

    def tracker_params(request: Request) -> dict[str, str]:
        g = request.query_params.get
        params = {k: (g(k) or "").strip()[:200] for k in ("kind", "speaker", "addressee", "entity", "topic",
                                                          "date_from", "date_to", "q", "sort", "order", "status")}
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
        except (QueryError, DateFilterError) as e:
            message = date_message(e, translator(lang_of(request))) if isinstance(e, DateFilterError) else str(e)
            return page(request, "tracker.html", 400, params=params, items=[], total=0, count_cap=COUNT_CAP,
                        page_no=1, size=PAGE,
                        message=message, nav="tracker")
        return page(request, "tracker.html", params=params, items=items, total=total, count_cap=COUNT_CAP,
                    page_no=n, size=PAGE,
                    message=None, docs=doc_sources(store, [c["doc_id"] for s in items for c in s["citations"]]),
                    nav="tracker")

    @app.get("/tracker.csv")
    def tracker_csv(request: Request) -> Response:
        params = tracker_params(request)
        if params["q"]:
            parse_query(params["q"])  # a query with no words fails here (400), not mid-download
        try:
            filters = tracker_filters(params)
        except DateFilterError as e:
            return error(request, 400, date_message(e, translator(lang_of(request))))
        items = iter_rows(store, filters, params["sort"], params["order"] == "desc")
        return StreamingResponse(to_csv(items), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="hoptac-tracker.csv"'})

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline_page(request: Request, entity: str = "", topic: str = "", date_from: str = "", date_to: str = "",
                      period: str = "", page_no: str = ""):
        params = {"entity": entity, "topic": topic, "date_from": date_from, "date_to": date_to}
        n, lang = _int(page_no), lang_of(request)
        shown = {"events": [], "period": None, "prev": None, "next": None, "more": False}
        chosen, message = None, None
        if entity.strip():
            found = [{"id": int(entity)}] if entity.strip().isdigit() else find_entities(store, entity)
            if found:
                chosen = found[0]["id"]
        try:
            lo, hi = date_filters(date_from, date_to)
            if not entity.strip() or chosen is not None:
                shown = window(store, chosen, topic or None, lo, hi, parse_period(period), TIMELINE_EVENTS, n)
        except DateFilterError as e:
            message = date_message(e, translator(lang))
        return page(request, "timeline.html", 400 if message else 200, params=params, **shown, page_no=n,
                    chart=timeline_svg(shown["events"], labels(lang)), message=message,
                    docs=doc_sources(store, [e["doc_id"] for e in shown["events"]]),
                    unknown_entity=bool(entity.strip()) and chosen is None, nav="timeline")

    @app.get("/article/{doc_id}", response_class=HTMLResponse)
    def article_page(request: Request, doc_id: int):
        try:
            doc = document(store, doc_id)
        except NotFound as e:
            return error(request, 404, str(e))
        body = render(doc["text"], marks_for(doc, labels(lang_of(request)), lang_of(request)))
        names = {m["entity_id"]: m["text"] for m in doc["mentions"] if m["entity_id"] is not None}
        return page(request, "article.html", doc=doc, body=body, url=safe_url(doc["url"]), names=names,
                    label=doc_sources(store, [doc_id]).get(doc_id, {}), nav="")

    def add_context(**ctx: Any) -> dict[str, Any]:
        return {"needs_token": needs_token(), "max_files": MAX_UPLOAD_FILES, "last_id": last_doc_id(store),
                "max_mb": MAX_UPLOAD_BYTES // 1_000_000, "nav": "add", "added": None, **ctx}

    @app.get("/add", response_class=HTMLResponse)
    def add_page(request: Request, after: str = ""):
        """The form; with ?after=<id> (where the page sends people once its uploads are done), what was added."""
        if after.isdigit():
            added = docs_after(store, int(after))
            if len(added) == 1:
                return RedirectResponse(f"/article/{added[0]['id']}", status_code=303)
            return page(request, "add.html", **add_context(result=None, message=None, added=added))
        return page(request, "add.html", **add_context(result=None, message=None))

    @app.post("/add", response_class=HTMLResponse)
    async def add_post(request: Request, files: list[UploadFile] = File(default=[]), text: str = Form(""),
                       title: str = Form(""), date_: str = Form("", alias="date"), token: str = Form("")):
        if not origin_ok(request):
            return error(request, 403, "form posted from another site")
        if needs_token() and not (st.token and hmac.compare_digest(token.strip().encode("utf-8"),
                                                                   st.token.encode("utf-8"))):
            return page(request, "add.html", 401, **add_context(result=None, message="a valid token is required"))
        files = [f for f in files if f.filename]
        before = last_doc_id(store)
        try:
            check_count(len(files))
            got = [(f.filename or "", await f.read(MAX_UPLOAD_BYTES + 1)) for f in files]
            result = await run_in_threadpool(ingest_uploads, store, st.pipeline, got,
                                             Pasted(text, title or None, date_ or None) if text.strip() else None)
        except UploadRejected as e:
            return page(request, "add.html", e.status, **add_context(result=None, message=str(e)))
        return page(request, "add.html", **add_context(result=result, message=None, added=docs_after(store, before)))

    def refused(request: Request, token: str) -> HTMLResponse | None:
        """Why a correction posted from a form is refused (another site, no valid token), or None."""
        if not origin_ok(request):
            return error(request, 403, "form posted from another site")
        if needs_token() and not (st.token and hmac.compare_digest(token.strip().encode("utf-8"),
                                                                   st.token.encode("utf-8"))):
            return error(request, 401, "a valid token is required")
        return None

    add_story_routes(app, store, page, error, refused, needs_token)
    add_dossier_routes(app, store, error, refused, needs_token, entity_file)

    @app.get("/strings.json", include_in_schema=False)
    def strings_json(request: Request) -> dict[str, str]:
        """UI strings for the little JavaScript there is, in the page's language."""
        lang = lang_of(request)
        return {k: v[lang] for k, v in strings().items() if k.startswith(("status_", "add_"))}

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "date": date.today().isoformat()}
