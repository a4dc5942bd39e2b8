"""The partner dossier pages and downloads, and the forms that correct what became of a pledge."""
from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hoptac import lifecycle as lc
from hoptac.dossier import dossier_html, dossier_md, dossier_pdf, parse_place
from hoptac.kb import NotFound
from hoptac.web import lang_of, safe_next


def add_dossier_routes(app: FastAPI, store, error: Callable, refused: Callable,
                       needs_token: Callable[[], bool], entity_file: Callable) -> None:
    """`/entity/<id>/dossier` (.md, .pdf) and the confirm, reject and add forms; `refused(request, token)` guards
    writes."""

    @app.get("/entity/{entity_id}/dossier", response_class=HTMLResponse)
    def dossier_page(request: Request, entity_id: int):
        try:
            return HTMLResponse(dossier_html(store, entity_id, lang_of(request), needs_token=needs_token()))
        except NotFound as e:
            return error(request, 404, str(e))

    def dossier_file(request: Request, entity_id: int, ext: str, media_type: str, make) -> Response:
        """The dossier as the file `hoptac dossier --format pdf|md` writes, as a download."""
        return entity_file(request, entity_id, ext, media_type, make, "dossier")

    @app.get("/entity/{entity_id}/dossier.pdf")
    async def dossier_pdf_file(request: Request, entity_id: int) -> Response:
        return await run_in_threadpool(dossier_file, request, entity_id, "pdf", "application/pdf", dossier_pdf)

    @app.get("/entity/{entity_id}/dossier.md")
    def dossier_md_file(request: Request, entity_id: int) -> Response:
        return dossier_file(request, entity_id, "md", "text/markdown; charset=utf-8", dossier_md)

    @app.post("/lifecycle/link/{link_id}/confirm")
    def confirm_post(request: Request, link_id: int, status: str = Form(""), next: str = Form("/"),
                     token: str = Form("")):
        if (bad := refused(request, token)) is not None:
            return bad
        try:
            lc.confirm(store, link_id, status or None)
        except LookupError as e:
            return error(request, 404, str(e))
        except ValueError as e:
            return error(request, 400, str(e))
        return RedirectResponse(safe_next(next), status_code=303)

    @app.post("/lifecycle/link/{link_id}/reject")
    def reject_post(request: Request, link_id: int, next: str = Form("/"), token: str = Form("")):
        if (bad := refused(request, token)) is not None:
            return bad
        try:
            lc.reject(store, link_id)
        except LookupError as e:
            return error(request, 404, str(e))
        return RedirectResponse(safe_next(next), status_code=303)

    @app.post("/lifecycle/pledge/{statement_id}/add")
    def add_post(request: Request, statement_id: int, article: str = Form(""), sentence: str = Form(""),
                 status: str = Form(""), next: str = Form("/"), token: str = Form("")):
        if (bad := refused(request, token)) is not None:
            return bad
        try:
            doc_id, sent_idx = parse_place(article, sentence)
            lc.add(store, statement_id, doc_id, sent_idx, status)
        except LookupError as e:
            return error(request, 404, str(e))
        except ValueError as e:
            return error(request, 400, str(e))
        return RedirectResponse(safe_next(next), status_code=303)
