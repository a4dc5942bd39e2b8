"""UI strings in Vietnamese (default) and English, read once from strings.tsv."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

LANGS = ("vi", "en")
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
DEFAULT = "vi"


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """key -> {lang: text}; a data file, so translators never touch code."""
    path = Path(__file__).with_name("strings.tsv")
    rows = (line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))
    table: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
        table[row["key"]] = {lang: row[lang] for lang in LANGS}
    return table


def translator(lang: str):
    """t(key, **fields) in one language; a missing key shows itself so it is noticed, never crashes."""
    table = strings()

    def t(key: str, **fields) -> str:
        text = table.get(key, {}).get(lang) or table.get(key, {}).get(DEFAULT) or key
        return text.format(**fields) if fields else text

    return t


@lru_cache(maxsize=1)
def topics() -> tuple[str, ...]:
    """The topic names of the lexicon, for the filter menus."""
    from hoptac.lexicon import read_tsv

    return tuple(sorted({r["topic"] for r in read_tsv("topics.tsv")}))


@lru_cache(maxsize=4)
def labels(lang: str) -> dict[str, str]:
    """Display names of statement kinds, event types, entity types and topics in one language."""
    from hoptac.tracker import KINDS
    from hoptac.web.charts import EVENT_TYPES

    t = translator(lang)
    out = {k: t("kind_" + k) for k in KINDS}
    out.update({k: t("ev_" + k) for k in EVENT_TYPES})
    out.update({"type_" + k: t("type_" + k) for k in ENTITY_TYPES})
    out.update({"topic_" + k: t("topic_" + k) for k in topics()})
    out["_title"] = t("timeline_title")
    return out
