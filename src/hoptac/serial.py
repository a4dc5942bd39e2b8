"""A whole Article as plain JSON data and back, so analysis (Spark) and storage (`hoptac load`) can run apart."""
from __future__ import annotations

from dataclasses import fields
from typing import Any

from hoptac.models import (Article, DateMention, Entity, Event, Figure, Mention, Removed, Role, Sentence,
                           Statement)

VERSION = 1  # raise when a field changes meaning or shape; article_from_dict refuses other versions
DROPPED = {"toks"}  # Sentence.toks is a cache of stages.tokens, rebuilt when needed
NESTED: dict[str, type] = {"removed": Removed, "sentences": Sentence, "mentions": Mention, "entities": Entity,
                           "roles": Role, "dates": DateMention, "figures": Figure, "events": Event,
                           "statements": Statement}
EXTRA = {"version", "raw_hash"}  # envelope keys, not Article fields


def _row(obj: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj) if f.name not in DROPPED}


def _plain(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return dict(v)
    return v


def article_to_dict(a: Article) -> dict[str, Any]:
    """Every field of the article and of its parts, JSON-ready, with the format version first."""
    d: dict[str, Any] = {"version": VERSION}
    for f in fields(Article):
        v = getattr(a, f.name)
        d[f.name] = [_row(x) for x in v] if f.name in NESTED else _plain(v)
    return d


def full_record(a: Article, raw_hash: str) -> dict[str, Any]:
    """The `article` value of `extract --json --full` and `spark-extract --full`: what `hoptac load` stores."""
    d = article_to_dict(a)
    d["raw_hash"] = raw_hash
    return d


# What each annotation of models.py accepts; checked so a bad record fails with its field's name.
_SCALAR = {"int": (int,), "float": (int, float), "str": (str,), "None": (type(None),)}


def _ok(v: Any, ann: str) -> bool:
    ann = ann.strip()
    if "|" in ann:
        return any(_ok(v, part) for part in ann.split("|"))
    if ann in _SCALAR:
        return isinstance(v, _SCALAR[ann]) and not isinstance(v, bool)
    if ann == "list":
        return isinstance(v, list)
    if ann.startswith("list[tuple["):
        return isinstance(v, list) and all(isinstance(x, list) and len(x) == 2 and all(_ok(y, "int") for y in x)
                                           for x in v)
    if ann.startswith("list["):
        return isinstance(v, list) and all(_ok(x, ann[5:-1]) for x in v)
    if ann == "dict[str, str]":
        return isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items())
    raise AssertionError(f"serial: no check for annotation {ann}")


def _build(cls: type, d: Any, where: str) -> Any:
    if not isinstance(d, dict):
        raise ValueError(f"{where} is not an object")
    known = {f.name: f for f in fields(cls) if f.name not in DROPPED}
    extra = set(d) - set(known) - (EXTRA if cls is Article else set())
    if extra:
        raise ValueError(f"{where} has unknown field(s) {', '.join(sorted(extra))}")
    kw: dict[str, Any] = {}
    for name, f in known.items():
        if name not in d:
            raise ValueError(f"{where} lacks field {name!r}")
        v = d[name]
        if cls is Article and name in NESTED:
            if not isinstance(v, list):
                raise ValueError(f"{where}.{name} is not a list")
            kw[name] = [_build(NESTED[name], x, f"{where}.{name}[{i}]") for i, x in enumerate(v)]
            continue
        if not _ok(v, str(f.type)):
            raise ValueError(f"{where}.{name} is not {f.type}: {str(v)[:60]!r}")
        kw[name] = [tuple(x) for x in v] if name == "words" else (list(v) if isinstance(v, list) else v)
    return cls(**kw)


def article_from_dict(d: Any) -> Article:
    """The Article article_to_dict wrote; ValueError with the field at fault for anything else."""
    if not isinstance(d, dict):
        raise ValueError("article is not a JSON object")
    version = d.get("version")
    if version != VERSION:
        raise ValueError(f"article format version {version!r} is not {VERSION}: write it again with this hoptac")
    return _build(Article, d, "article")
