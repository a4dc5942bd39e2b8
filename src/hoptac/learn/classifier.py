"""A maximum-entropy classifier over string features: a CRFsuite model read once per process.

CRFsuite (python-crfsuite) trains a linear-chain CRF; over one-item sequences that is multinomial logistic
regression, with L-BFGS and L1/L2 penalties, deterministic, and a small binary model file that needs no
pickle: the same library could later tag whole sentences without a new dependency.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import json
import time

import pycrfsuite

NONE = "none"


ENOUGH = 40  # training examples of a label before the model may overrule the rules about it


class Classifier:
    """Labels one candidate from its features; the label with its probability."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(self.path)
        self.labels = self.tagger.labels()
        counts = Path(self.path).with_suffix(".counts.json")
        self.counts: dict[str, int] = json.loads(counts.read_text()) if counts.exists() else {}

    seconds = 0.0  # time spent in the models by this process, for the speed benchmark's per-stage report
    calls = 0

    def predict(self, feats: list[str]) -> tuple[str, float]:
        t0 = time.perf_counter()
        self.tagger.set([feats])
        y = self.tagger.tag()[0]
        p = self.tagger.marginal(y, 0)
        Classifier.seconds += time.perf_counter() - t0
        Classifier.calls += 1
        return y, p

    def proba(self, feats: list[str]) -> dict[str, float]:
        t0 = time.perf_counter()
        self.tagger.set([feats])
        self.tagger.tag()
        out = {y: self.tagger.marginal(y, 0) for y in self.labels}
        Classifier.seconds += time.perf_counter() - t0
        Classifier.calls += 1
        return out


def seen(model: Classifier | None, label: str) -> bool:
    """Whether the model was trained on enough examples of a label to overrule the rules about it."""
    return model is not None and model.counts.get(label, 0) >= ENOUGH


def model_path(name: str) -> Path:
    """Where a shipped model lives inside the package."""
    return Path(str(resources.files("hoptac").joinpath("learned").joinpath(f"{name}.crfsuite")))


@lru_cache(maxsize=8)
def load(name: str) -> Classifier | None:
    """The shipped model of that name, or None when the package has none (the rules then decide alone)."""
    p = model_path(name)
    return Classifier(p) if p.exists() else None


def train(instances: list[tuple[list[str], str]], path: str | Path, c1: float = 0.05, c2: float = 0.5,
          max_iterations: int = 300) -> None:
    """Fit and write a model; L-BFGS is deterministic, so the same instances give the same file."""
    tr = pycrfsuite.Trainer(verbose=False)
    for feats, label in instances:
        tr.append([feats], [label])
    tr.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.possible_transitions": False})
    tr.train(str(path))
    counts: dict[str, int] = {}
    for _, label in instances:
        counts[label] = counts.get(label, 0) + 1
    Path(path).with_suffix(".counts.json").write_text(json.dumps(counts, sort_keys=True) + "\n")
    load.cache_clear()
