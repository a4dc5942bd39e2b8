"""The stories pages: one row per real-world event or statement, its reports, and users' splits and merges."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hoptac import stories as st
from hoptac.citations import doc_sources

PAGE = 50


def add_story_routes(app: FastAPI, store, page: Callable, error: Callable, refused: Callable,
                     needs_token: Callable[[], bool]) -> None:
    """`/stories`, `/story/<id>` and the split and merge forms; `refused(request, token)` guards writes."""

    @app.get("/stories", response_class=HTMLResponse)
    def stories_page(request: Request, kind: str = "", multi: str = "", page_no: str = ""):
        n = int(page_no) if page_no.isdigit() and int(page_no) > 0 else 1
        total, items = st.listing(store, kind or None, multi == "1", PAGE, (n - 1) * PAGE)
        params = {"kind": kind if kind in ("event", "statement") else "", "multi": "1" if multi == "1" else ""}
        return page(request, "stories.html", items=items, total=total, page_no=n, size=PAGE, params=params,
                    docs=doc_sources(store, [i["doc_id"] for i in items if i["doc_id"]]), nav="stories")

    @app.get("/story/{sid}", response_class=HTMLResponse)
    def story_page(request: Request, sid: int, message: str = ""):
        story = st.show(store, sid)
        if story is None:
            return error(request, 404, f"no story {sid}")
        return page(request, "story.html", s=story, message=message[:200] or None, needs_token=needs_token(),
                    docs=doc_sources(store, [m["doc_id"] for m in story["members"]]), nav="stories")

    @app.post("/story/{sid}/split")
    def split_post(request: Request, sid: int, fact_id: int = Form(...), token: str = Form("")):
        if (bad := refused(request, token)) is not None:
            return bad
        try:
            new = st.split(store, sid, fact_id)
        except LookupError as e:
            return error(request, 404, str(e))
        return RedirectResponse(f"/story/{new}", status_code=303)

    @app.post("/story/{sid}/merge")
    def merge_post(request: Request, sid: int, other: str = Form(""), token: str = Form("")):
        if (bad := refused(request, token)) is not None:
            return bad
        if not other.strip().isdigit():
            return error(request, 400, "give the number of the story to merge into this one")
        try:
            st.merge(store, sid, int(other))
        except LookupError as e:
            return error(request, 404, str(e))
        except ValueError as e:
            return error(request, 400, str(e))
        return RedirectResponse(f"/story/{sid}", status_code=303)
