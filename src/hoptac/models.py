"""The typed objects that flow through the pipeline: one Article, its sentences and facts."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Removed:
    """A piece of site furniture the cleaner dropped, kept so users can inspect it."""

    text: str
    reason: str


@dataclass(slots=True)
class Sentence:
    """A sentence of the clean text; start/end are character offsets into Article.text."""

    start: int
    end: int
    text: str
    words: list[tuple[int, int]] = field(default_factory=list)  # word spans, absolute offsets
    toks: list | None = None  # syllable tokens, computed once by stages.tokens


@dataclass(slots=True)
class Mention:
    """A surface form of a name in the text, linked to an entity of the same document."""

    start: int
    end: int
    text: str
    type: str  # PER | ORG | LOC | MISC
    sent: int
    entity: int = -1
    how: str = ""  # what found it: lexicon, title, orghead, acronym, caps, alias


@dataclass(slots=True)
class Entity:
    """One real-world thing per document; name is the fullest surface form."""

    id: int
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    key: str = ""  # folded canonical key used for linking


@dataclass(slots=True)
class Role:
    """A person holding a title (optionally at an organization) as the article states it."""

    person: int  # entity id
    title: str
    organization: str | None
    as_of: str | None
    sent: int
    start: int
    end: int


@dataclass(slots=True)
class DateMention:
    """A temporal expression and its normalized ISO value at the precision the text gives."""

    text: str
    value: str | None
    start: int
    end: int
    sent: int
    kind: str = "point"  # point | deadline | range | relative


@dataclass(slots=True)
class Figure:
    """A quantity with its unit and normalized value."""

    value: float
    unit: str
    text: str
    subject: str | None
    deadline: str | None
    sent: int
    start: int
    end: int


@dataclass(slots=True)
class Event:
    """A meeting, visit, signing, launch, policy or investment, from one sentence."""

    type: str
    date: str | None
    location: str | None
    participants: list[int]  # entity ids
    sent: int
    trigger: str = ""


@dataclass(slots=True)
class Statement:
    """A request, commitment, intent or agreement; one item each."""

    kind: str
    speaker: int | None  # entity id
    addressee: int | None  # entity id
    content: str
    date: str | None
    sent: int
    start: int
    end: int
    cue: str = ""
    topics: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Article:
    """One document from raw input to extracted facts; stages fill it in order."""

    source: str
    raw: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    url: str | None = None
    language: str = "vi"
    text: str = ""
    match: str = ""  # same length as text: tone placement normalized, for matching
    removed: list[Removed] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)  # names of the stages that ran

    def sentence_at(self, pos: int) -> int:
        """Index of the sentence holding character offset pos (binary search)."""
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if pos < s.start:
                hi = mid - 1
            elif pos >= s.end:
                lo = mid + 1
            else:
                return mid
        return max(0, min(lo, len(self.sentences) - 1))

    def entity_name(self, eid: int | None) -> str | None:
        """Canonical name of a document entity, or None."""
        if eid is None or eid < 0 or eid >= len(self.entities):
            return None
        return self.entities[eid].name


class Skipped(Exception):
    """An input that cannot become an article; the message is the one-line reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
