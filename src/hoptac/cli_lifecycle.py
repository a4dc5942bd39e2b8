"""`hoptac lifecycle` and `hoptac link confirm|reject|add`: what became of each pledge, and a user's corrections."""
from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer
from rich.console import Console

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

link_app = typer.Typer(help="Correct what became of a pledge: confirm, reject or add a link to a later report.",
                       no_args_is_help=True)


def _store():
    from hoptac.cli import _store as open_store
    return open_store()


def lifecycle(as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON Lines.")] = False,
              rebuild: Annotated[bool, typer.Option("--rebuild", help="Link every stored article again first "
                                                    "(users' corrections are kept).")] = False) -> None:
    """Every request, commitment, intent and agreement a later article reports on: its status and evidence trail."""
    from hoptac import lifecycle as lc
    from hoptac import lifecycle_view as view
    store = _store()
    if rebuild:
        n = lc.rebuild(store)
        err.print(f"hoptac: {n} links found again", markup=False)
    for ch in view.chains(store):
        if as_json:
            sys.stdout.write(json.dumps(view.contract(ch), ensure_ascii=False) + "\n")
            continue
        p = ch["pledge"]
        out.print(f"[{p['id']}] {p['kind']} {p['speaker'] or '—'}"
                  f"{' → ' + p['addressee'] if p['addressee'] else ''} ({p['date'] or 'undated'}, {p['outlet']}): "
                  f"{p['content'][:100]} — now {ch['status']}", markup=False, highlight=False)
        for u in ch["updates"]:
            who = "" if u["origin"] == "auto" else f" ({u['origin']} by a user)"
            out.print(f"    link {u['link']}: {u['date'] or '—'} {u['status']}{who}, {u['outlet']}: {u['evidence'][:140]}",
                      markup=False, highlight=False)
    store.close()


def _fail(e: Exception) -> None:
    err.print(f"hoptac: {e}", markup=False)
    raise typer.Exit(1)


Status = Annotated[Optional[str], typer.Option(
    "--status", help="implemented, in_progress, reaffirmed, dropped or unclear.")]


@link_app.command("confirm")
def link_confirm(link_id: Annotated[int, typer.Argument(help="Link id (see hoptac lifecycle).")],
                 status: Status = None) -> None:
    """Say a link is right, optionally with its status; kept when the articles are stored again."""
    from hoptac import lifecycle as lc
    store = _store()
    try:
        new = lc.confirm(store, link_id, status)
    except (LookupError, ValueError) as e:
        _fail(e)
    finally:
        store.close()
    out.print(f"link {new} confirmed", markup=False, highlight=False)


@link_app.command("reject")
def link_reject(link_id: Annotated[int, typer.Argument(help="Link id (see hoptac lifecycle).")]) -> None:
    """Say a later article does not report on that pledge; it stays unlinked when articles are stored again."""
    from hoptac import lifecycle as lc
    store = _store()
    try:
        lc.reject(store, link_id)
    except LookupError as e:
        _fail(e)
    finally:
        store.close()
    out.print(f"link {link_id} rejected", markup=False, highlight=False)


@link_app.command("add")
def link_add(pledge: Annotated[int, typer.Option("--pledge", help="The statement id of the request, commitment, "
                                                 "intent or agreement.")],
             doc: Annotated[int, typer.Option("--doc", help="The later article's id.")],
             sentence: Annotated[int, typer.Option("--sentence", help="The sentence's place in that article (0 is "
                                                   "the first).")],
             status: Annotated[str, typer.Option("--status", help="implemented, in_progress, reaffirmed, dropped or "
                                                 "unclear.")]) -> None:
    """Link a pledge to a later article's sentence the rules missed; kept when the articles are stored again."""
    from hoptac import lifecycle as lc
    store = _store()
    try:
        new = lc.add(store, pledge, doc, sentence, status)
    except (LookupError, ValueError) as e:
        _fail(e)
    finally:
        store.close()
    out.print(f"link {new} added", markup=False, highlight=False)
