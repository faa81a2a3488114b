"""Title resolution: free-text job title -> ranked O*NET-SOC candidates.

Every O*NET title (occupation titles, Sample of Reported Titles, Alternate
Titles and, when ESCO was imported, ESCO occupation labels linked to an O*NET
code) is normalised once (:mod:`matcher.occupations.normalize`). A query is
normalised the same way and compared with rapidfuzz to the titles that share a
word with it (all titles when none does):

``score = (token_set_ratio + token_sort_ratio) / 2``, and when both titles
end in the same word (English job titles name the job last: a "nurse
manager" is a manager) the score closes ``HEAD_SHARE`` of its gap to 100. ``token_set_ratio`` forgives extra
words, ``token_sort_ratio`` charges for them; the mean of the two ranks "sales
manager" above "manager" for "Manager, Corporate Vertical Sales". Parts of the
query split at separators ("/", " - ", "(", ...) are scored too, at
``PART_WEIGHT`` of their score (``GENERIC_PART_WEIGHT`` for a bare role word
such as "manager"). An occupation's confidence is its best title
score / 100; candidates below ``min_confidence`` are dropped, so an unknown
title gives ``[]`` and callers say "unknown" instead of guessing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from matcher.occupations.normalize import GENERIC_ROLES, normalize_title, title_variants
from matcher.occupations.store import TITLE_SOURCES, OccupationStore

MIN_CONFIDENCE = 0.8
HEAD_SHARE = 0.4
PART_WEIGHT = 0.92
GENERIC_PART_WEIGHT = 0.7


@dataclass(frozen=True, slots=True)
class TitleCandidate:
    """One O*NET occupation a title may denote, with the title that matched."""

    code: str
    title: str
    confidence: float
    matched: str = ""


class TitleIndex:
    """Normalised titles of a store with an inverted word index (built once per store).

    ``sources`` limits the index to some title sources (indexes into
    ``TITLE_SOURCES``), e.g. ``(0, 1, 2)`` to leave ESCO labels out.
    """

    def __init__(self, store: OccupationStore, *, sources: tuple[int, ...] | None = None) -> None:
        keys: dict[str, int] = {}
        entry_choice: list[int] = []
        entry_text: list[int] = []
        for t, text in enumerate(store.title_texts):
            if sources is not None and int(store.title_source[t]) not in sources:
                continue
            for variant in _index_variants(text):
                choice = keys.setdefault(variant, len(keys))
                entry_choice.append(choice)
                entry_text.append(t)
        self.choices = list(keys)
        # one entry per (choice, occupation), with the strongest source naming it
        texts = np.asarray(entry_text, dtype=np.int64)
        table = np.stack(
            [np.asarray(entry_choice), store.title_owner[texts], store.title_source[texts]], axis=1
        ).astype(np.int64)
        table = table[np.lexsort((table[:, 2], table[:, 1], table[:, 0]))]
        first = np.ones(len(table), dtype=bool)
        first[1:] = (table[1:, :2] != table[:-1, :2]).any(axis=1)
        self._entry_choice, self._entry_row, self._entry_source = table[first].T
        self._n_rows = len(store)
        self._last = np.asarray([c.rsplit(" ", 1)[-1] for c in self.choices], dtype=object)
        postings: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(self.choices):
            for key in _keys(text):
                postings[key].append(i)
        self._postings = {k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}
        self._cache: dict[str, list[tuple[int, float, int]]] = {}

    def candidates(self, words: str) -> np.ndarray:
        """Choice ids sharing a word (or a joined word pair) with ``words``; all when none."""
        hits = [self._postings[k] for k in _keys(words) if k in self._postings]
        if not hits:
            return np.arange(len(self.choices))
        return np.unique(np.concatenate(hits))

    def score(self, query: str) -> np.ndarray:
        """Best score (0-100) of every choice against ``query`` (whole title and its parts)."""
        best = np.zeros(len(self.choices), dtype=np.float64)
        for k, variant in enumerate(title_variants(query)):
            ids = self.candidates(variant)
            texts = [self.choices[i] for i in ids]
            s = _pair_scores(variant, texts)
            same_head = self._last[ids] == variant.rsplit(" ", 1)[-1]
            s = np.where(same_head, s + HEAD_SHARE * (100.0 - s), s)
            s *= 1.0 if k == 0 else _part_weight(variant)
            best[ids] = np.maximum(best[ids], s)
        return best

    def rank(self, query: str) -> list[tuple[int, float, int]]:
        """(occupation row, score, choice id) for every occupation with a score, best first.

        Occupations rank by their best title score; ties go to the one with
        more well-matching titles (``support``: each title scoring 80-100 adds
        0-1), then to the stronger title source, then to the lower code.
        """
        if query in self._cache:
            return self._cache[query]
        best = self.score(query)
        raw = best[self._entry_choice]
        hit = np.flatnonzero(raw > 0)
        rows, raw = self._entry_row[hit], raw[hit]
        top = np.zeros(self._n_rows)
        np.maximum.at(top, rows, raw)
        support = np.zeros(self._n_rows)
        np.add.at(support, rows, np.clip((raw - 80.0) / 20.0, 0.0, 1.0))
        is_top = raw >= top[rows] - 1e-9
        source = np.full(self._n_rows, len(TITLE_SOURCES))
        np.minimum.at(source, rows[is_top], self._entry_source[hit][is_top])
        occ = np.flatnonzero(top > 0)
        order = occ[np.lexsort((occ, source[occ], -support[occ], -np.round(top[occ], 1)))]
        matched: dict[int, int] = {}
        for i in np.flatnonzero(is_top):
            row = int(rows[i])
            if self._entry_source[hit[i]] == source[row]:
                matched.setdefault(row, int(self._entry_choice[hit[i]]))
        out = [(int(r), float(top[r]), matched[int(r)]) for r in order]
        if len(self._cache) < 100_000:
            self._cache[query] = out
        return out


def _part_weight(part: str) -> float:
    # A part that is a bare role word ("manager") says too little to be trusted alone.
    return GENERIC_PART_WEIGHT if part in GENERIC_ROLES else PART_WEIGHT


def _pair_scores(query: str, texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros(0)
    token_set = process.cdist([query], texts, scorer=fuzz.token_set_ratio, dtype=np.float32)
    token_sort = process.cdist([query], texts, scorer=fuzz.token_sort_ratio, dtype=np.float32)
    return np.asarray((token_set[0] + token_sort[0]) / 2.0, dtype=np.float64)


def _keys(words: str) -> set[str]:
    tokens = words.split()
    return set(tokens) | {a + b for a, b in zip(tokens, tokens[1:], strict=False)}


def _index_variants(text: str) -> list[str]:
    # "Dish Machine Operator (DMO)": the whole title, the title without the
    # parenthesis, and the abbreviation alone.
    if "(" in text:
        return title_variants(text)
    key = normalize_title(text)
    return [key] if key else []


def title_index(store: OccupationStore) -> TitleIndex:
    """The store's title index, built on first use and kept with the store."""
    index = store.cache.get("titles")
    if not isinstance(index, TitleIndex):
        index = store.cache["titles"] = TitleIndex(store)
    return index


def resolve_title(
    store: OccupationStore, title: str, *, top: int = 5, min_confidence: float = MIN_CONFIDENCE
) -> list[TitleCandidate]:
    """Rank the O*NET occupations a free-text job title may denote.

    Parameters
    ----------
    store : OccupationStore
        The imported occupation profiles.
    title : str
        A job title as people write it ("Dishwasher PT nights", "dish washer").
    top : int
        At most this many candidates.
    min_confidence : float
        Candidates below this confidence (0-1) are dropped; an empty list
        means the title is unknown.

    Returns
    -------
    list of TitleCandidate
        Best first, each with the O*NET title, the confidence and the known
        title that matched.
    """
    query = normalize_title(title)
    if not query:
        return []
    index = title_index(store)
    out: list[TitleCandidate] = []
    for row, score, choice in index.rank(title.strip()):
        confidence = round(score / 100.0, 3)
        if confidence < min_confidence or len(out) >= top:
            break
        out.append(TitleCandidate(store.codes[row], store.titles[row], confidence, index.choices[choice]))
    return out
