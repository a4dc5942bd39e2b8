"""The `hoptac` command: a thin adapter over the library (ingest, extract, stats, export, ...)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table

from hoptac.options import Options, db_url

app = typer.Typer(help="hoptac: a knowledge base of Vietnamese news on technology cooperation.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class State:
    db: str = ""


state = State()


@app.callback()
def main(db: Annotated[Optional[str], typer.Option(
        "--db", envvar="HOPTAC_DB",
        help="Store URL: sqlite:///file.db (default sqlite:///hoptac.db), a bare file path, or postgresql://...")] = None,
         index_dir: Annotated[Optional[str], typer.Option(
        "--index-dir", help="Folder of search indexes (HOPTAC_INDEX_DIR; one subfolder per store; 'off' for none). "
                            "Default: next to a SQLite file; none for PostgreSQL (search by SQL).")] = None
         ) -> None:
    """Select the store used by every verb."""
    state.db = db_url(db)
    if index_dir is not None:  # every store this process opens, the web app's included
        os.environ["HOPTAC_INDEX_DIR"] = index_dir


def _store():
    from hoptac.store import Store
    try:
        return Store(state.db)
    except Exception as e:  # connection refused, bad URL, unwritable file
        err.print(f"hoptac: cannot open the database {state.db}: {str(e).splitlines()[0]}", markup=False)
        raise typer.Exit(2)


def _pipeline(max_bytes: int, learned: bool = True):
    from hoptac.pipeline import Pipeline
    return Pipeline(Options(max_bytes=max_bytes, learned=learned))


MaxBytes = Annotated[int, typer.Option("--max-bytes", help="Largest document accepted, in bytes.")]
Paths = Annotated[list[str], typer.Argument(help="Files, folders (read recursively) or - for standard input.")]


def _fail_line(s) -> None:
    err.print(f"hoptac: {s.source}: {s.reason}", markup=False, highlight=False)


def _bar(label: str, show: bool) -> Progress:
    """A progress bar like ingest's: count, rate, elapsed, ETA; hidden off a terminal."""
    return Progress(SpinnerColumn(), TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]:.1f} articles/s"), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=err, disable=not show, transient=True)


def _counter(progress: Progress, task):
    """on_item for ingest and load: advance the bar and show articles per second."""
    def on_item(_source: str, _status: str) -> None:
        progress.advance(task)
        t = progress.tasks[0]
        progress.update(task, rate=(t.completed / t.elapsed) if t.elapsed else 0.0)
    return on_item


@app.command()
def ingest(paths: Paths, max_bytes: MaxBytes = 20_000_000,
           workers: Annotated[int, typer.Option("--workers", "-w", min=1, max=64,
                                                help="Processes that analyse articles in parallel.")] = 1,
           quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False) -> None:
    """Read articles, extract their facts and store them (idempotent: known inputs are skipped)."""
    from hoptac.ingest import StoreUnavailable
    from hoptac.ingest import ingest as run_ingest

    store = _store()
    pipe = _pipeline(max_bytes)
    from hoptac.inputs import count_inputs

    show = not quiet and err.is_terminal
    with _bar("ingest", show) as progress:
        task = progress.add_task("ingest", total=count_inputs(paths) if show else None, rate=0.0)
        on_item = _counter(progress, task)
        try:
            rep = run_ingest(paths, store, pipe, on_item=on_item, workers=workers)
        except StoreUnavailable as e:
            err.print(f"hoptac: {e}; everything stored before is kept, rerun the same command to resume",
                      markup=False)
            raise typer.Exit(2)
    for s in rep.failed:
        _fail_line(s)
    total = store.stats()["documents"]
    err.print(f"stored {rep.stored}, duplicates {rep.duplicates}, unchanged {rep.unchanged}, "
              f"near-duplicates linked {rep.near_duplicates}, failed {len(rep.failed)} "
              f"in {rep.seconds:.1f}s; {total} documents in the store", highlight=False)
    store.close()
    if rep.failed:
        raise typer.Exit(1)


FullOpt = Annotated[bool, typer.Option("--full", help="With --json: add the whole analysed article "
                                         "(key \"article\"), which `hoptac load` stores.")]


@app.command()
def extract(paths: Paths, as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON Lines.")] = False,
            show_removed: Annotated[bool, typer.Option("--show-removed", help="Also show what the cleaner removed.")] = False,
            full: FullOpt = False, max_bytes: MaxBytes = 20_000_000,
            rules_only: Annotated[bool, typer.Option("--rules-only", help="Leave the learned classifiers out: "
                                                     "the hand-written rules alone.")] = False) -> None:
    """Extract facts from articles and print them, without touching any database."""
    from hoptac.contract import json_line, removed_view, to_contract
    from hoptac.ingest import extract_hashed
    from hoptac.models import Skipped
    from hoptac.serial import full_record

    failed = 0
    for item, raw_hash in extract_hashed(paths, _pipeline(max_bytes, learned=not rules_only)):
        if isinstance(item, Skipped):
            _fail_line(item)
            failed += 1
            continue
        doc = to_contract(item)
        if show_removed:
            doc["removed"] = removed_view(item)
        if full:
            doc["article"] = full_record(item, raw_hash)
        if as_json:
            sys.stdout.write(json_line(doc) + "\n")
            continue
        _print_doc(doc)
    sys.stdout.flush()
    if failed:
        raise typer.Exit(1)


@app.command("spark-extract")
def spark_extract(inputs: Annotated[list[str], typer.Argument(
                      metavar="INPUT", help="Files, folders or globs on any Hadoop file system (file:, hdfs:, s3a:).")],
                  output: Annotated[str, typer.Argument(metavar="OUTPUT", help="New folder for the part files.")],
                  fmt: Annotated[str, typer.Option("--format", help="jsonl (as extract --json prints) or parquet.")] = "jsonl",
                  master: Annotated[Optional[str], typer.Option(help="Spark master: local[2], spark://host:7077, yarn... "
                                                                     "(default local[*]).")] = None,
                  partitions: Annotated[Optional[int], typer.Option(min=1, help="Partitions to analyse in "
                                                                               "(default: as the input splits).")] = None,
                  full: Annotated[bool, typer.Option("--full", help="Add the whole article, which `hoptac load` "
                                                                    "stores.")] = False,
                  max_bytes: MaxBytes = 20_000_000) -> None:
    """Extract facts on Apache Spark; writes the lines `extract --json` prints, in input order."""
    import importlib.util

    from hoptac.spark_job import FORMATS, run
    if importlib.util.find_spec("pyspark") is None:
        err.print("hoptac: spark-extract needs pyspark: pip install 'hoptac[spark]' (and a Java 17 runtime)",
                  markup=False)
        raise typer.Exit(2)
    if fmt not in FORMATS:
        err.print(f"hoptac: unknown format {fmt}; use {' or '.join(FORMATS)}", markup=False)
        raise typer.Exit(2)
    try:
        rep = run(inputs, output, fmt, master, partitions, full, Options(max_bytes=max_bytes))
    except FileExistsError as e:
        err.print(f"hoptac: {e}", markup=False)
        raise typer.Exit(2)
    for source, reason in rep.failed:
        err.print(f"hoptac: {source}: {reason}", markup=False, highlight=False)
    err.print(rep.summary(output, fmt), markup=False, highlight=False)
    if rep.failed:
        raise typer.Exit(1)


@app.command()
def load(paths: Annotated[list[str], typer.Argument(help="Output of spark-extract --full (a folder of part files) "
                                                         "or of extract --json --full (a .jsonl file).")],
         quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False) -> None:
    """Store articles analysed by spark-extract --full, one transaction each (reruns add nothing)."""
    from hoptac.ingest import StoreUnavailable
    from hoptac.load import count_lines
    from hoptac.load import load as run_load

    store = _store()
    show = not quiet and err.is_terminal
    with _bar("load", show) as progress:
        task = progress.add_task("load", total=count_lines(paths) if show else None, rate=0.0)
        on_item = _counter(progress, task)
        try:
            rep = run_load(paths, store, on_item)
        except StoreUnavailable as e:
            err.print(f"hoptac: {e}; everything stored before is kept, rerun the same command to resume",
                      markup=False)
            raise typer.Exit(2)
    for msg in rep.failed:
        err.print(f"hoptac: {msg}", markup=False, highlight=False)
    total = store.stats()["documents"]
    err.print(f"stored {rep.stored}, duplicates {rep.duplicates}, unchanged {rep.unchanged}, "
              f"failed {len(rep.failed)} in {rep.seconds:.1f}s; {total} documents in the store", highlight=False)
    store.close()
    if rep.failed:
        raise typer.Exit(1)


def _print_doc(doc: dict) -> None:
    out.rule(f"[bold]{doc['title'] or doc['source']}")
    out.print(f"source: {doc['source']}  published: {doc['published']}  language: {doc['language']}", markup=False)
    if "removed" in doc:
        for r in doc["removed"]:
            out.print(f"[dim]removed ({r['reason']}):[/dim] {r['text'][:200]}", highlight=False)
    for field, cols in (("entities", ["name", "type", "aliases"]), ("roles", ["person", "title", "organization"]),
                        ("events", ["type", "date", "location", "participants"]),
                        ("statements", ["kind", "speaker", "addressee", "content"]),
                        ("figures", ["value", "unit", "subject", "deadline"]), ("dates", ["text", "value"])):
        if not doc.get(field):
            continue
        t = Table(title=field, show_lines=False)
        for c in cols:
            t.add_column(c, overflow="fold")
        for row in doc[field]:
            t.add_row(*[", ".join(v) if isinstance(v, list) else ("" if v is None else str(v))
                        for v in (row.get(c) for c in cols)])
        out.print(t)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Count documents and every kind of fact in the store."""
    store = _store()
    counts = store.stats()
    store.close()
    if as_json:
        sys.stdout.write(json.dumps(counts) + "\n")
        return
    t = Table(title=f"hoptac store {state.db}")
    t.add_column("what")
    t.add_column("count", justify="right")
    for k, v in counts.items():
        t.add_row(k, str(v))
    out.print(t)


@app.command()
def export(out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")] = Path("export"),
           formats: Annotated[str, typer.Option("--format", help="Comma-separated: csv,jsonl,graphml.")] = "csv,jsonl,graphml"
           ) -> None:
    """Write entities, roles, events, statements, figures and dates as CSV/JSONL, and the entity graph as GraphML."""
    from hoptac.export import export as run_export

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    bad = set(wanted) - {"csv", "jsonl", "graphml"}
    if bad:
        err.print(f"hoptac: unknown export format {', '.join(sorted(bad))}; use csv, jsonl, graphml")
        raise typer.Exit(2)
    store = _store()
    paths = run_export(store, out_dir, wanted)
    store.close()
    err.print(f"wrote {len(paths)} files to {out_dir}")


@app.command()
def serve(host: Annotated[str, typer.Option(help="Address to bind (127.0.0.1 by default).")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port.")] = 8000) -> None:
    """Serve the web app (Vietnamese/English pages) and the REST API (/api/..., docs at /docs) over the store."""
    import uvicorn

    from hoptac.api import create_app

    import ipaddress
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost
        loopback = False
    if not loopback and not os.environ.get("HOPTAC_TOKEN"):
        err.print("hoptac: bound to a non-loopback address without HOPTAC_TOKEN: write endpoints are disabled",
                  markup=False)
    store = _store()
    counts = store.stats()
    store.close()
    err.print(f"hoptac store {state.db}: {counts['documents']} documents; web app on http://{host}:{port}/ "
              f"(REST API under /api, docs at /docs)", markup=False, highlight=False)
    if host in ("0.0.0.0", "::") and not os.environ.get("HOPTAC_ALLOWED_HOSTS"):
        err.print("hoptac: bound to every address: set HOPTAC_ALLOWED_HOSTS (names this server is reached by) "
                  "to refuse requests for other names (DNS rebinding)", markup=False)
    # Bounded under attack: at most 500 requests at once (the rest get 503); a connection whose first request
    # head has not arrived within 10 s is closed (slow clients cannot hold every descriptor); no per-request
    # access log to grow without end; a shutdown that waits at most 15 s for a request in flight.
    from hoptac.serving import HeadDeadlineH11
    uvicorn.run(create_app(state.db, loopback=loopback, host=host), host=host, port=port, log_level="warning",
                access_log=False, limit_concurrency=500, timeout_keep_alive=5, timeout_graceful_shutdown=15,
                http=HeadDeadlineH11)


@app.command()
def search(query: Annotated[str, typer.Argument(help="Words to find, with or without diacritics; \"...\" for a phrase.")],
           entity: Annotated[Optional[str], typer.Option(help="Only articles naming this entity.")] = None,
           entity_type: Annotated[Optional[str], typer.Option("--type", help="Sentences naming a PER, ORG, LOC or MISC.")] = None,
           kind: Annotated[Optional[str], typer.Option(help="Sentences carrying a statement kind or event type.")] = None,
           topic: Annotated[Optional[str], typer.Option(help="Articles tagged with this topic.")] = None,
           date_from: Annotated[Optional[str], typer.Option("--from", help="Published on or after YYYY-MM-DD.")] = None,
           date_to: Annotated[Optional[str], typer.Option("--to", help="Published on or before YYYY-MM-DD.")] = None,
           source: Annotated[Optional[str], typer.Option(help="Source (path or URL) containing this text.")] = None,
           limit: Annotated[int, typer.Option(help="How many hits.")] = 20,
           as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines.")] = False) -> None:
    """Search sentences of all articles (BM25), accent-insensitive, with filters."""
    from hoptac.search import Filters, QueryError
    from hoptac.search import search as run_search

    store = _store()
    try:
        hits = run_search(store, query, Filters(entity, entity_type, kind, topic, date_from, date_to, source),
                          limit=limit)
    except QueryError as e:
        err.print(f"hoptac: {e}", markup=False)
        raise typer.Exit(2)
    finally:
        store.close()
    if as_json:
        for h in hits:
            sys.stdout.write(json.dumps({"source": h.source, "title": h.title, "published": h.published,
                                         "sentence": h.sent_idx, "text": h.text, "score": round(h.score, 4),
                                         "highlights": h.highlights}, ensure_ascii=False) + "\n")
        return
    if not hits:
        out.print("no match")
    for h in hits:
        from rich.text import Text
        t = Text(h.text)
        for s_, e_ in h.highlights:
            t.stylize("bold yellow", s_, e_)
        out.print(Text(f"{h.source} ({h.published or '?'}) #{h.sent_idx}", style="dim"))
        out.print(t)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the store (searches keep the old one until it is done)."""
    from hoptac.index import IndexUnavailable, rebuild

    store = _store()
    try:
        r = rebuild(store)
    except IndexUnavailable as e:
        err.print(f"hoptac: {e}", markup=False)
        raise typer.Exit(2)
    finally:
        store.close()
    out.print(f"indexed {r['sentences']} sentences of {r['documents']} articles in {r['seconds']}s: "
              f"{r['bytes'] / 1e6:.1f} MB in {r['folder']}", markup=False, highlight=False)


@app.command()
def ask(question: Annotated[str, typer.Argument(help="A question in Vietnamese, with or without diacritics.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Answer a question from the knowledge base, citing the sentences it comes from."""
    from hoptac.ask import ask as run_ask
    from hoptac.llm import rephrase

    store = _store()
    try:
        ans = rephrase(run_ask(store, question))  # a no-op unless HOPTAC_LLM_URL is set
    finally:
        store.close()
    if as_json:
        sys.stdout.write(json.dumps(ans.to_dict(), ensure_ascii=False) + "\n")
        return
    out.print(ans.answer, markup=False)
    for c in ans.citations:  # an article as readers know it: title, outlet, date
        label = " · ".join(x for x in (c.title or c.text[:80], c.outlet, c.published) if x)
        out.print(f"  — {label}", style="dim", markup=False, highlight=False)
        out.print(f"    {c.text}", markup=False, highlight=False)


entity_app = typer.Typer(help="Look up entities and correct how articles were linked to them.", no_args_is_help=True)
app.add_typer(entity_app, name="entity")


def _one(store, ref: str) -> dict:
    from hoptac.kb import NotFound, resolve
    try:
        return resolve(store, ref)
    except NotFound as e:
        err.print(f"hoptac: {e}", markup=False)
        raise typer.Exit(2)


@entity_app.command("show")
def entity_show(ref: Annotated[str, typer.Argument(help="Entity id, name or alias.")],
                as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Profile of an entity: aliases, titles over time, events, requests and commitments, figures."""
    from hoptac.kb import profile
    store = _store()
    p = profile(store, _one(store, ref)["id"])
    store.close()
    if as_json:
        sys.stdout.write(json.dumps(p, ensure_ascii=False) + "\n")
        return
    out.rule(f"[bold]{p['name']}[/bold] ({p['type']}, id {p['id']}, {p['documents']} articles)")
    if p["aliases"]:
        out.print("aliases: " + ", ".join(p["aliases"]), markup=False)
    for r in p["roles"]:
        out.print(f"{r['as_of'] or '?':<10} {r['title']}{' — ' + r['organization'] if r['organization'] else ''}"
                  f"  [dim]{r['source']}[/dim]", highlight=False)
    for title, rows in (("events", p["events"]), ("statements made", p["statements_made"]),
                        ("statements addressed to it", p["statements_received"])):
        if rows:
            out.print(f"[bold]{title}[/bold]")
            for r in rows:
                what = r.get("content") or r.get("evidence")
                out.print(f"  {r.get('date') or '?':<10} {r.get('kind') or r.get('type')}: {what}", highlight=False,
                          markup=False)


@entity_app.command("list")
def entity_list(entity_type: Annotated[Optional[str], typer.Option("--type", help="PER, ORG, LOC or MISC.")] = None,
                limit: Annotated[int, typer.Option(help="How many.")] = 50) -> None:
    """The most mentioned entities."""
    from hoptac.kb import top_entities
    store = _store()
    rows = top_entities(store, entity_type, limit)
    store.close()
    t = Table()
    for col in ("id", "name", "type", "articles"):
        t.add_column(col)
    for r in rows:
        t.add_row(str(r["id"]), r["name"], r["type"], str(r["documents"]))
    out.print(t)


@entity_app.command("merge")
def entity_merge(keep: Annotated[str, typer.Argument(help="The entity that stays (id or name).")],
                 drop: Annotated[str, typer.Argument(help="The entity merged into it (id or name).")]) -> None:
    """Declare two entities the same; later articles follow the correction."""
    from hoptac.kb import merge
    store = _store()
    a, b = _one(store, keep), _one(store, drop)
    try:
        merge(store, a["id"], b["id"])
    except ValueError as e:
        err.print(f"hoptac: {e}", markup=False)
        raise typer.Exit(2)
    finally:
        store.close()
    err.print(f"merged {b['name']} (id {b['id']}) into {a['name']} (id {a['id']})", highlight=False)


@entity_app.command("rename")
def entity_rename(ref: Annotated[str, typer.Argument(help="Entity id or name.")],
                  new_name: Annotated[str, typer.Argument(help="The new canonical name.")]) -> None:
    """Change an entity's canonical name."""
    from hoptac.kb import rename
    store = _store()
    e = _one(store, ref)
    rename(store, e["id"], new_name)
    store.close()
    err.print(f"renamed {e['name']} (id {e['id']}) to {new_name}", highlight=False)


@entity_app.command("split")
def entity_split(ref: Annotated[str, typer.Argument(help="Entity id or name.")],
                 docs: Annotated[list[int], typer.Option("--doc", help="Document ids whose mentions are another entity.")],
                 name: Annotated[Optional[str], typer.Option(help="Name of the new entity.")] = None) -> None:
    """Separate what some articles say into a new entity (two people with one name)."""
    from hoptac.kb import split
    store = _store()
    e = _one(store, ref)
    new_id = split(store, e["id"], docs, name)
    store.close()
    err.print(f"split {len(docs)} article(s) of {e['name']} into entity {new_id}", highlight=False)


@app.command()
def timeline(entity: Annotated[Optional[str], typer.Option(help="Only events of this entity.")] = None,
             date_from: Annotated[Optional[str], typer.Option("--from", help="From this date.")] = None,
             date_to: Annotated[Optional[str], typer.Option("--to", help="Up to this date.")] = None,
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines.")] = False) -> None:
    """Dated events in order, for one entity or all."""
    from hoptac.kb import timeline as run_timeline
    store = _store()
    eid = _one(store, entity)["id"] if entity else None
    rows = run_timeline(store, eid, date_from, date_to)
    store.close()
    for r in rows:
        if as_json:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            out.print(f"{r['date']:<10} {r['type']:<10} {', '.join(r['participants'])}"
                      f"{' @ ' + r['location'] if r['location'] else ''}", markup=False, highlight=False)


@app.command()
def report(entity: Annotated[str, typer.Argument(help="Entity id, name or alias.")],
           fmt: Annotated[str, typer.Option("--format", "-f", help="html, md or pdf.")] = "html",
           out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="File to write (default: stdout; "
                                                            "a PDF needs --out).")] = None,
           lang: Annotated[str, typer.Option(help="vi or en.")] = "vi") -> None:
    """A printable briefing on one entity: profile, timeline, open requests, commitments, figures, all cited."""
    from hoptac.report import briefing_html, briefing_md, briefing_pdf
    _document(entity, fmt, out_path, lang, briefing_html, briefing_md, briefing_pdf)


@app.command()
def dossier(entity: Annotated[str, typer.Argument(help="Entity id, name or alias of the partner.")],
            fmt: Annotated[str, typer.Option("--format", "-f", help="html, md or pdf.")] = "md",
            out_path: Annotated[Optional[Path], typer.Option("--out", "-o", help="File to write (default: stdout; "
                                                             "a PDF needs --out).")] = None,
            lang: Annotated[str, typer.Option(help="vi or en.")] = "vi") -> None:
    """A partner dossier for the next meeting: last meetings, requests and pledges with what became of them, cited."""
    from hoptac.dossier import dossier_html, dossier_md, dossier_pdf
    _document(entity, fmt, out_path, lang, dossier_html, dossier_md, dossier_pdf)


def _document(entity: str, fmt: str, out_path: Path | None, lang: str, html, md, pdf) -> None:
    """Write a briefing or dossier (the three renderers given) to --out or stdout."""
    if fmt not in ("html", "md", "pdf") or lang not in ("vi", "en"):
        err.print("hoptac: --format is html, md or pdf and --lang is vi or en", markup=False)
        raise typer.Exit(2)
    if fmt == "pdf" and out_path is None:
        err.print("hoptac: a PDF is binary: give --out FILE.pdf", markup=False)
        raise typer.Exit(2)
    store = _store()
    eid = _one(store, entity)["id"]
    if fmt == "pdf":
        data: str | bytes = pdf(store, eid, lang)
    elif fmt == "md":
        data = md(store, eid, lang)
    else:
        data = html(store, eid, lang, standalone=True)
    store.close()
    if out_path is None:
        sys.stdout.write(data)  # type: ignore[arg-type]
        return
    try:
        if isinstance(data, bytes):
            out_path.write_bytes(data)
        else:
            out_path.write_text(data, encoding="utf-8")
    except OSError as e:
        err.print(f"hoptac: {out_path}: cannot write: {e.strerror}", markup=False)
        raise typer.Exit(2)
    err.print(f"hoptac: wrote {out_path}", markup=False)


@app.command()
def train(annotations: Annotated[Path, typer.Option(help="The annotation folder (selection.tsv, batch_*.jsonl).")]
          = Path("data/annotations"),
          bench: Annotated[Path, typer.Option(help="The bench corpus the annotations point into.")]
          = Path("../shared/corpus/bench/dantri-2019-2021.jsonl"),
          out_dir: Annotated[Optional[Path], typer.Option("--out", help="Where to write the models (default: the "
                                                          "installed package's hoptac/learned/).")] = None,
          gold_out: Annotated[Optional[Path], typer.Option("--gold-out", help="Also write the held-out annotations "
                                                           "as gold files for ../shared/eval/score.py, their "
                                                           "excerpts under DIR/raw/.")] = None) -> None:
    """Rebuild the learned classifiers from the annotated corpus (fixed seed) and print held-out scores."""
    from hoptac.learn import classifier
    from hoptac.learn.train import run as train_run
    for p in (annotations / "selection.tsv", bench):
        if not p.exists():
            err.print(f"hoptac: {p}: not found", markup=False)
            raise typer.Exit(2)
    dest = out_dir or classifier.model_path("statements").parent
    train_run(annotations, bench, dest, gold_out, log=lambda m: out.print(m, markup=False, highlight=False))
    out.print(f"models written to {dest}", markup=False, highlight=False)


from hoptac.cli_stories import stories as _stories_cmd, story_app  # noqa: E402  (they use _store above)

app.command("stories")(_stories_cmd)
app.add_typer(story_app, name="story")

from hoptac.cli_lifecycle import lifecycle as _lifecycle_cmd, link_app  # noqa: E402  (they use _store above)

app.command("lifecycle")(_lifecycle_cmd)
app.add_typer(link_app, name="link")

if __name__ == "__main__":
    app()
