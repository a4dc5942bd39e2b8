"""The extraction pipeline: stages listed once, in order, each declaring what it needs and adds."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from hoptac.clean import build_article
from hoptac.inputs.raw import RawDoc
from hoptac.lexicon import Lexicons
from hoptac.models import Article
from hoptac.options import Options
from hoptac.stages import coref, dates, entities, events, figures, names, roles, sentences, statements, topics

STAGES: list[ModuleType] = [sentences, names, entities, roles, coref, dates, figures, events, statements, topics]


@dataclass(frozen=True, slots=True)
class Resources:
    """What stages share, built once with the pipeline: options and lexicons."""

    opts: Options
    lex: Lexicons
    fixed_words: list[str]


def check_order(stages: list[ModuleType]) -> None:
    """Fail at start-up if a stage needs what no earlier stage assigns."""
    have = {"text"}
    for st in stages:
        missing = set(st.REQUIRES) - have
        if missing:
            raise RuntimeError(f"stage {st.NAME} needs {sorted(missing)} before it")
        have |= set(st.ASSIGNS)


class Pipeline:
    """Raw document in, Article with every fact out."""

    def __init__(self, opts: Options | None = None, stages: list[ModuleType] | None = None):
        self.opts = opts or Options()
        self.stages = stages if stages is not None else STAGES
        check_order(self.stages)
        lex = Lexicons.load()
        self.res = Resources(self.opts, lex, lex.fixed_words() if self.opts.fixed_words else [])
        self.runs: list[tuple[str, Callable[[Article, Resources], None]]] = [(s.NAME, s.run) for s in self.stages]
        self.timings: dict[str, float] | None = None  # set to {} to accumulate seconds per stage

    def analyse(self, a: Article) -> Article:
        """Run every stage on a cleaned article."""
        t = self.timings
        for name, fn in self.runs:
            if t is None:
                fn(a, self.res)
            else:
                t0 = time.perf_counter()
                fn(a, self.res)
                t[name] = t.get(name, 0.0) + time.perf_counter() - t0
            a.done.append(name)
        return a

    def __call__(self, raw: RawDoc) -> Article:
        if self.timings is None:
            return self.analyse(build_article(raw, self.opts))
        t0 = time.perf_counter()
        a = build_article(raw, self.opts)
        self.timings["clean"] = self.timings.get("clean", 0.0) + time.perf_counter() - t0
        return self.analyse(a)
