"""The search index's fields: one tantivy document per stored sentence."""
from __future__ import annotations

import re

import tantivy

VERSION = 1  # bump when the fields change: an index of another version is rebuilt
TOKENIZER = "folded"
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def build() -> tantivy.Schema:
    """Folded text for BM25 with positions (phrases); every filter a field of its own."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("text", tokenizer_name=TOKENIZER, index_option="position")
    sb.add_unsigned_field("doc", indexed=True, fast=True)
    sb.add_unsigned_field("idx", fast=True)
    sb.add_unsigned_field("sid", fast=True)  # sentences.id: the hit's row, read back from the store
    sb.add_integer_field("published", indexed=True, fast=True)  # date_key of the article's date
    sb.add_text_field("source", tokenizer_name="raw", index_option="basic")  # lowercased, matched by substring
    sb.add_text_field("outlet", tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("entity", indexed=True)  # the article's canonical entities
    sb.add_text_field("etype", tokenizer_name="raw", index_option="basic")  # types of the sentence's names
    sb.add_text_field("kind", tokenizer_name="raw", index_option="basic")  # statement kinds and event types
    sb.add_text_field("statement", tokenizer_name="raw", index_option="basic", fast=True)  # statement kinds
    sb.add_text_field("topic", tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("story", indexed=True)
    return sb.build()


def register(index: tantivy.Index) -> None:
    """Word tokens of the folded text as the query parser reads them (no length cut, no stemming)."""
    index.register_tokenizer(TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                             .filter(tantivy.Filter.lowercase()).build())


def date_key(value: str | None, upper: bool = False) -> int | None:
    """An ISO date of any precision as a number ordered like the string: 2025 < 2025-09 < 2025-09-01.

    As an upper bound a missing month or day counts as the largest ("2025-09" keeps every day of September),
    as SQL's `<= date_to + "~"` does. None when the value is not an ISO date.
    """
    m = _DATE.match((value or "").strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    fill = 99 if upper else 0
    return y * 10000 + (int(mo) if mo else fill) * 100 + (int(d) if d else fill)
