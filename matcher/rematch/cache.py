"""Per-phrase memo of vocabulary look-ups, and a text model that reads each distinct text once.

``TermIndex.resolve`` scores each phrase on its own against every alias, and
``find_in_text`` reads each text on its own, so remembering the answer per
phrase gives exactly the same matches. A nightly run over 100,000 clients
repeats the same few thousand phrases; without the memo, fuzzy matching is
most of the time spent building client features. Likewise a TF-IDF row
depends on its text alone, and about half the clients' queries (and a quarter
of the openings' texts) repeat one another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.vocab import Match, TermIndex, Vocabulary


class CachedTermIndex(TermIndex):
    """A :class:`TermIndex` that remembers each phrase's match (same answers, once each)."""

    def __init__(self, base: TermIndex) -> None:  # noqa: D107 - copies a built index
        self.__dict__.update(base.__dict__)
        self._resolved: dict[tuple[str, float], Match | None] = {}
        self._found: dict[str, tuple[Match, ...]] = {}

    def resolve(self, phrases: tuple[str, ...] | list[str], *, score_cutoff: float) -> list[Match]:
        """As :meth:`TermIndex.resolve`, looking up each phrase once."""
        missing = list(dict.fromkeys(p for p in phrases if (p, score_cutoff) not in self._resolved))
        if missing:
            found = {m.phrase: m for m in super().resolve(missing, score_cutoff=score_cutoff)}
            for p in missing:
                self._resolved[(p, score_cutoff)] = found.get(p)
        hits = (self._resolved[(p, score_cutoff)] for p in phrases)
        return [m for m in hits if m is not None]

    def find_in_text(self, text: str) -> list[Match]:
        """As :meth:`TermIndex.find_in_text`, reading each distinct text once."""
        if text not in self._found:
            self._found[text] = tuple(super().find_in_text(text))
        return list(self._found[text])


def caching_vocabulary(vocab: Vocabulary) -> Vocabulary:
    """The same vocabulary with memoised phrase look-ups.

    Parameters
    ----------
    vocab : Vocabulary
        A loaded vocabulary (``matcher.vocab.load_vocabulary()``).

    Returns
    -------
    Vocabulary
        Equal in content; its term indexes remember answers per phrase.
    """

    def wrap(index: TermIndex) -> TermIndex:
        return index if isinstance(index, CachedTermIndex) else CachedTermIndex(index)

    return dataclasses.replace(
        vocab,
        industries=wrap(vocab.industries),
        work_areas=wrap(vocab.work_areas),
        skills=wrap(vocab.skills),
    )


class DistinctTextModel(TfidfVectorizer):  # type: ignore[misc]  # sklearn is untyped
    """A fitted :class:`TfidfVectorizer` that analyses each distinct text of a call once (same rows)."""

    def transform(self, raw_documents: Iterable[str]) -> Any:  # noqa: D102 - as TfidfVectorizer
        texts = list(raw_documents)
        distinct = {t: i for i, t in enumerate(dict.fromkeys(texts))}
        if len(distinct) == len(texts):
            return super().transform(texts)
        rows = sp.csr_matrix(super().transform(list(distinct)))
        return rows[[distinct[t] for t in texts]]


def distinct_text_model(model: TfidfVectorizer) -> TfidfVectorizer:
    """The same fitted text model, transforming repeated texts once per call."""
    if isinstance(model, DistinctTextModel):
        return model
    out = DistinctTextModel.__new__(DistinctTextModel)
    out.__dict__.update(model.__dict__)
    return out
