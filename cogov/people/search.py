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
    """Words of a query; every word must match. A short query (a surname) is kept whole.

    Numbers and single characters are glued to a neighbour ("乐瑞名苑1栋" → 乐瑞名苑, 1栋),
    because a bare "1" or "栋" would match almost everyone.
    """
    query = query.strip().lower()
    if not query:
        return []
    terms: list[str] = []
    for chunk in query.split():
        if len(chunk) <= 3:
            terms.append(chunk)
            continue
        merged: list[str] = []
        pending = ""
        for word in (w for w in jieba.cut(chunk) if w.strip()):
            if word.isdigit() or (len(word) == 1 and not merged):
                pending += word
            elif len(word) == 1 and not pending:
                merged[-1] += word
            else:
                merged.append(pending + word)
                pending = ""
        if pending:
            if merged:
                merged[-1] += pending
            else:
                merged.append(pending)
        terms.extend(merged)
    return list(dict.fromkeys(terms))
