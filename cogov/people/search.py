"""Chinese search terms: jieba cuts text into words for indexing and for queries."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)


def index_text(parts: Iterable[str]) -> str:
    """The text stored for searching: the original parts plus their words, lower-cased."""
    words: list[str] = []
    for part in parts:
        if part:
            words.append(part.lower())
            words.extend(w.lower() for w in jieba.cut_for_search(part) if w.strip())
    return " ".join(dict.fromkeys(words))


def query_terms(query: str) -> list[str]:
    """Words of a query; a short query (a surname, two characters) is kept whole."""
    query = query.strip().lower()
    if not query:
        return []
    terms: list[str] = []
    for chunk in query.split():
        if len(chunk) <= 3:
            terms.append(chunk)
        else:
            terms.extend(w for w in jieba.cut(chunk) if w.strip())
    return list(dict.fromkeys(terms))
