"""`hoptac stories` and `hoptac story show|split|merge`: the stories of the store, and a user's corrections."""
from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer
from rich.console import Console

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

story_app = typer.Typer(help="Look at one story and correct how reports were merged.", no_args_is_help=True)


def _store():
    from hoptac.cli import _store as open_store
    return open_store()


def stories(as_json: Annotated[bool, typer.Option("--json", help="Print the contract's JSON Lines.")] = False,
            kind: Annotated[Optional[str], typer.Option(help="event or statement.")] = None,
            multi: Annotated[bool, typer.Option("--multi", help="Only stories more than one outlet reported.")]
            = False,
            rebuild: Annotated[bool, typer.Option("--rebuild", help="Assign every stored article to stories again "
                                                  "first (users' splits and merges are kept).")] = False) -> None:
    """Every real-world event and every request/commitment/intent/agreement, with the articles that report it."""
    from hoptac import stories as st
    if kind not in (None, "event", "statement"):
        err.print("hoptac: --kind is event or statement", markup=False)
        raise typer.Exit(2)
    store = _store()
    if rebuild:
        n = st.rebuild(store)
        err.print(f"hoptac: {n} articles assigned to stories again", markup=False)
    for s in st.all_stories(store, kind):
        if multi and s["outlets"] < 2:
            continue
        if as_json:
            members = [{k: v for k, v in m.items() if k not in ("fact_id", "member_key", "title", "published",
                                                                 "outlet")} for m in s["members"]]
            sys.stdout.write(json.dumps({"story": s["story"], "kind": s["kind"], "members": members},
                                        ensure_ascii=False) + "\n")
            continue
        first = s["members"][0]
        what = first.get("content") or ", ".join(first.get("participants") or [])
        out.print(f"[{s['story']}] {s['kind']} {s['label']} {s['date'] or '—'}  {s['outlets']} outlet(s), "
                  f"{len(s['members'])} report(s): {what[:100]}", markup=False, highlight=False)
    store.close()


@story_app.command("show")
def story_show(story_id: Annotated[int, typer.Argument(help="Story id.")],
               as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """One story: what it is, when, and each report with its outlet and sentence."""
    from hoptac import stories as st
    store = _store()
    s = st.show(store, story_id)
    store.close()
    if s is None:
        err.print(f"hoptac: no story {story_id}", markup=False)
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps(s, ensure_ascii=False) + "\n")
        return
    out.print(f"story {s['story']}: {s['kind']} {s['label']}, {s['date'] or 'undated'}; {s['outlets']} outlet(s); "
              f"first report {s['first_seen']}, latest {s['last_seen']}" + (" (split by a user)" if s["pinned"]
                                                                           else ""), markup=False, highlight=False)
    for m in s["members"]:
        out.print(f"  member {m['fact_id']}: {m['outlet']} {m['published'] or ''} — {m['title'] or m['source']}",
                  markup=False, highlight=False)
        out.print(f"    {m['evidence']}", markup=False, highlight=False)


@story_app.command("split")
def story_split(story_id: Annotated[int, typer.Argument(help="Story id.")],
                member: Annotated[int, typer.Option("--member", help="The member to take out (see story show).")]
                ) -> None:
    """Take one report out of a story into a story of its own; kept when the articles are stored again."""
    from hoptac import stories as st
    store = _store()
    try:
        new = st.split(store, story_id, member)
    except LookupError as e:
        err.print(f"hoptac: {e}", markup=False)
        raise typer.Exit(1)
    finally:
        store.close()
    out.print(f"member {member} is now story {new}", markup=False, highlight=False)


@story_app.command("merge")
def story_merge(keep: Annotated[int, typer.Argument(help="The story that stays.")],
                other: Annotated[int, typer.Argument(help="The story whose reports join it.")]) -> None:
    """Put the reports of one story into another; kept when the articles are stored again."""
    from hoptac import stories as st
    store = _store()
    try:
        st.merge(store, keep, other)
    except (LookupError, ValueError) as e:
        err.print(f"hoptac: {e}", markup=False)
        raise typer.Exit(1)
    finally:
        store.close()
    out.print(f"story {other} merged into {keep}", markup=False, highlight=False)
