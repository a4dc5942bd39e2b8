"""The extraction pipeline: stages listed once, in order, each declaring what it needs and adds."""
from __future__ import annotations

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
        self.res = Resources(self.opts, lex, lex.fixed_words())
        self.runs: list[tuple[str, Callable[[Article, Resources], None]]] = [(s.NAME, s.run) for s in self.stages]

    def analyse(self, a: Article) -> Article:
        """Run every stage on a cleaned article."""
        for name, fn in self.runs:
            fn(a, self.res)
            a.done.append(name)
        return a

    def __call__(self, raw: RawDoc) -> Article:
        return self.analyse(build_article(raw, self.opts))
