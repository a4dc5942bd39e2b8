"""Rebuild the shipped models from the annotations and print held-out scores (`hoptac train`)."""
from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hoptac.learn import classifier
from hoptac.learn.corpus import Annotated, load, load_written, to_gold
from hoptac.learn.features import candidates, event_features, statement_features
from hoptac.models import Article
from hoptac.options import Options
from hoptac.pipeline import Pipeline

SEED = 13


@dataclass(slots=True)
class Instances:
    """Classifier instances of one task, by split, and what the candidates could not reach."""

    train: list[tuple[list[str], str]] = field(default_factory=list)
    heldout: list[tuple[list[str], str]] = field(default_factory=list)
    uncovered: Counter = field(default_factory=Counter)  # words before an annotated item no candidate reached
    gold: int = 0


def _find(a: Article, s: str | None, lo: int = 0) -> int:
    return a.text.find(s, lo) if s else -1


def _names(a: Article, si: int) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in a.mentions if m.sent == si and m.type in ("ORG", "PER", "LOC", "MISC", "TITLE")]


def statement_instances(a: Article, x: Annotated, lex, out: Instances) -> None:
    """One instance per cue candidate, labelled with the kind of the annotated statement it opens, else none."""
    from hoptac.stages.statements import _refs, subject_type

    labels: dict[tuple[int, int], str] = {}
    per_sent: dict[int, list] = {}
    for st in x.ann.get("statements", []):
        out.gold += 1
        ev = _find(a, st.get("evidence"))
        cpos = _find(a, st.get("content"), max(ev, 0))
        if cpos < 0:
            out.uncovered["<text changed by cleaning>"] += 1
            continue
        si = a.sentence_at(cpos)
        if si not in per_sent:
            per_sent[si] = candidates(a, si, lex.cue_cands, lex.cues, lex.prefix(lex.cue_cands), _names(a, si))
        cands = per_sent[si]
        hit = None
        qpos = _find(a, st.get("cue"), max(ev, 0))
        if qpos >= 0:
            hit = next((c for c in cands if c.start < qpos + len(st["cue"]) and qpos < c.end), None)
        if hit is None:
            before = [c for c in cands if c.end <= cpos]  # the cue of a ';' list's first item opens them all
            hit = before[-1] if before else None
        if hit is None:
            words = a.text[max(a.sentences[si].start, cpos - 30):cpos].split()[-2:]
            out.uncovered[" ".join(words).lower()] += 1
            continue
        labels.setdefault((si, hit.start), st["kind"])
    dest = out.train if x.split == "train" else out.heldout
    for si, s in enumerate(a.sentences):
        cands = per_sent.get(si) or candidates(a, si, lex.cue_cands, lex.cues, lex.prefix(lex.cue_cands),
                                               _names(a, si))
        if not cands:
            continue
        refs = _refs(a, si)
        for c in cands:
            dest.append((statement_features(a, si, c, cands, subject_type(a, si, c.start, refs)), labels.get((si, c.start), classifier.NONE)))


def event_instances(a: Article, x: Annotated, lex, out: Instances) -> None:
    """One instance per trigger candidate, labelled with the annotated event's type, else none."""
    from hoptac.stages.events import location, sentence_context

    labels: dict[tuple[int, int], str] = {}
    per_sent: dict[int, list] = {}
    named = lambda si: [(m.start, m.end) for m in a.mentions if m.sent == si and m.type in ("PER", "ORG", "LOC")]
    for ev in x.ann.get("events", []):
        out.gold += 1
        pos = _find(a, ev.get("evidence"))
        tpos = _find(a, ev.get("trigger"), max(pos, 0))
        anchor = tpos if tpos >= 0 else pos
        if anchor < 0:
            out.uncovered["<text changed by cleaning>"] += 1
            continue
        si = a.sentence_at(anchor)
        if si not in per_sent:
            per_sent[si] = candidates(a, si, lex.event_cands, lex.events, lex.prefix(lex.event_cands), named(si))
        cands = per_sent[si]
        hit = None
        if tpos >= 0:
            hit = next((c for c in cands if c.start < tpos + len(ev["trigger"]) and tpos < c.end), None)
        if hit is None:
            hit = next((c for c in cands if c.prior == ev["type"]), cands[0] if cands else None)
        if hit is None:
            out.uncovered[(ev.get("trigger") or "-").lower()] += 1
            continue
        labels.setdefault((si, hit.start), ev["type"])
    dest = out.train if x.split == "train" else out.heldout
    for si, s in enumerate(a.sentences):
        cands = per_sent.get(si) or candidates(a, si, lex.event_cands, lex.events, lex.prefix(lex.event_cands),
                                               named(si))
        if not cands:
            continue
        feats = sentence_context(a, si, location(a, si))
        for c in cands:
            dest.append((event_features(a, si, c, *feats, cands), labels.get((si, c.start), classifier.NONE)))


def evaluate(model: classifier.Classifier, inst: list[tuple[list[str], str]]) -> dict[str, tuple[float, float, float]]:
    """Precision, recall and F1 per label (none excluded) and over all labels."""
    tp, pp, gg = Counter(), Counter(), Counter()
    for feats, gold in inst:
        y, _ = model.predict(feats)
        if y != classifier.NONE:
            pp[y] += 1
            pp["all"] += 1
        if gold != classifier.NONE:
            gg[gold] += 1
            gg["all"] += 1
        if y == gold != classifier.NONE:
            tp[y] += 1
            tp["all"] += 1
    res = {}
    for k in sorted(set(gg) | set(pp)):
        p = tp[k] / pp[k] if pp[k] else 0.0
        r = tp[k] / gg[k] if gg[k] else 0.0
        res[k] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return res


def run(annotations: str | Path, bench: str | Path, out_dir: str | Path, gold_dir: str | Path | None = None,
        log=print) -> dict:
    """Annotations in, model files out; returns (and logs) the held-out scores."""
    random.seed(SEED)
    docs = load(annotations, bench) + load_written(annotations)
    pipe = Pipeline(Options(learned=False))
    lex = pipe.res.lex
    st, ev = Instances(), Instances()
    for x in docs:
        a = pipe(x.raw())
        statement_instances(a, x, lex, st)
        event_instances(a, x, lex, ev)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict = {"articles": {"train": sum(x.split == "train" for x in docs),
                                 "heldout": sum(x.split == "heldout" for x in docs)}}
    for name, inst in (("statements", st), ("events", ev)):
        path = out_dir / f"{name}.crfsuite"
        classifier.train(inst.train, path)
        scores = evaluate(classifier.Classifier(path), inst.heldout)
        report[name] = {"instances": {"train": len(inst.train), "heldout": len(inst.heldout)},
                        "annotated": inst.gold, "unreached": sum(inst.uncovered.values()),
                        "unreached_top": inst.uncovered.most_common(15),
                        "heldout": {k: [round(v, 3) for v in prf] for k, prf in scores.items()}}
        log(f"{name}: {len(inst.train)} training candidates, {len(inst.heldout)} held out; "
            f"{sum(inst.uncovered.values())} of {inst.gold} annotated items reached by no candidate")
        for k, (p, r, f) in scores.items():
            log(f"  held-out {k:12s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    if gold_dir is not None:
        gold_dir = Path(gold_dir)
        gold_dir.mkdir(parents=True, exist_ok=True)
        (gold_dir / "raw").mkdir(exist_ok=True)
        for x in docs:
            if x.split == "heldout":  # gold file and the excerpt itself, so `hoptac extract DIR/raw/*` can be scored
                (gold_dir / f"{x.id}.json").write_text(json.dumps(to_gold(x), ensure_ascii=False), encoding="utf-8")
                head = f"date {x.published}\n" if x.published else ""  # a dated first line, read as the publication date
                (gold_dir / "raw" / x.id).write_text(head + x.text, encoding="utf-8")
    (out_dir / "scores.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return report
