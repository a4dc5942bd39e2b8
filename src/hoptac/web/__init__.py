"""The web pages: server-rendered Jinja2 over the same library functions as the CLI and the REST API."""
from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup, escape

from hoptac.isodate import year_unknown
from hoptac.sites import safe_url  # noqa: F401  (the pages' and templates' filter)
from hoptac.web.i18n import DEFAULT, LANGS, translator

HERE = Path(__file__).parent

# Article text is untrusted: no inline script, no plug-ins, no framing, nothing fetched from elsewhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _vendor_dir() -> str:
    """D3 as shipped by the xstatic-d3 wheel: installed with the app, served locally, never from a CDN."""
    import xstatic.pkg.d3 as d3

    return d3.BASE_DIR


def safe_next(target: str | None) -> str:
    """A local path to return to (no scheme, no //host): the language switch cannot redirect elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def mark_spans(text: str, spans: list[tuple[int, int]]) -> Markup:
    """The text escaped, with the given spans wrapped in <mark>."""
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos or b > len(text):
            continue
        out.append(str(escape(text[pos:a])))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


_VI_SEPARATORS = str.maketrans(",.", ".,")


def number(value: int | float | None, lang: str = DEFAULT) -> str:
    """A count or a figure grouped the reader's way: 30.000 and 1,8 in Vietnamese, 30,000 and 1.8 in English."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.15g}"
    return text.translate(_VI_SEPARATORS) if lang == "vi" else text


@pass_context
def _number(ctx, value) -> str:
    return number(value, ctx.get("lang") or DEFAULT)


@pass_context
def _day(ctx, value):
    """A date as stored, except a day of no known year ("XXXX-10-29"), which reads "29/10 (chưa rõ năm)"."""
    if not year_unknown(value):
        return value
    return translator(ctx.get("lang") or DEFAULT)("day_no_year", day=f"{int(value[8:10])}/{int(value[5:7])}")


def make_env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html", "xml"]),
                      trim_blocks=True, lstrip_blocks=True,
                      finalize=lambda v: "" if v is None else v)  # unknown shows as nothing, never "None"
    env.filters["safe_url"] = safe_url
    env.filters["num"] = _number  # every number a page shows, in the page's language
    env.filters["day"] = _day  # every date a page shows
    env.globals["mark_spans"] = mark_spans
    return env


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or DEFAULT
    return lang if lang in LANGS else DEFAULT


def qs(params: dict, **changes) -> str:
    """The current filters with some changed, as a query string (empty values dropped)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def mount(app: FastAPI, settings) -> None:
    """Add the pages, the static files and the security headers to the API's app."""
    from hoptac.web import pages

    app.mount("/static/vendor", StaticFiles(directory=_vendor_dir()), name="vendor")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        t0 = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.1f}"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Frame-Options"] = "DENY"
        return response

    pages.add_routes(app, settings, make_env())
