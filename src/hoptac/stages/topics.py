"""Topic tags for documents and statements from the documented keyword lexicon (lexicons/topics.tsv)."""
from __future__ import annotations

from collections import Counter

from hoptac.lexicon import tokens
from hoptac.models import Article

NAME = "topics"
REQUIRES = ["statements"]
ASSIGNS = ["topics"]

MIN_DOC_HITS = 2  # a document needs two keyword hits of a topic (one if it is in the title)


def topic_hits(text: str, lex) -> Counter[str]:
    """Keyword hits per topic; all-caps keywords (AI, GPU) must be written in capitals."""
    toks = tokens(text)
    low = [t.lower() for _, _, t in toks]
    hits: Counter[str] = Counter()
    firsts, max_n = lex.prefix(lex.topics)
    i = 0
    while i < len(toks):
        if low[i] not in firsts:
            i += 1
            continue
        for n in range(min(max_n, len(toks) - i), 0, -1):
            k = " ".join(low[i:i + n])
            topic = lex.topics.get(k)
            if topic and (k not in lex.topic_upper or text[toks[i][0]:toks[i + n - 1][1]].isupper()):
                hits[topic] += 1
                i += n - 1
                break
        i += 1
    return hits


def run(a: Article, res) -> None:
    """Tag the document and each statement."""
    lex = res.lex
    doc = topic_hits(a.text[:res.opts.max_chars], lex)
    title = topic_hits(a.title, lex) if a.title else Counter()
    a.topics = sorted(t for t in set(doc) | set(title) if doc[t] + 2 * title[t] >= MIN_DOC_HITS)
    for st in a.statements:
        st.topics = sorted(topic_hits(st.content, lex))
