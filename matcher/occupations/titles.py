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
score / 100 (``raw``).

The raw score is a poor probability: on hand-labelled LinkedIn titles a
score of 100 is right only about 7 times in 10. ``confidence`` is calibrated
(:func:`calibrated`): a logistic model of whether the candidate is right,
from how many occupations tie with it (within one point) and whether the
query equals the matched title after normalisation, fitted on one part of
the labelled titles (``python -m bench.quality`` shows the reliability table
on the held-out part). The model is fitted for the first-ranked
candidate (ties are ordered by how many well-matching titles each
occupation has, then by title source); a later candidate gets at most what
the ones above it leave (the confidences of one query sum to 1 or less).
A match to the curated synonym table (``data/title_synonyms.csv``) gets
``SYNONYM_CONFIDENCE``: a curated judgement, not a measured rate.
Candidates below ``min_confidence``, or whose raw score is below
``RAW_FLOOR``, are dropped, so an unknown title gives ``[]`` and callers say
"unknown" instead of guessing. Resolution therefore scores only what can reach
``RAW_FLOOR``: ``token_sort_ratio`` first (a plain ratio of token-sorted titles,
sorted once), ``token_set_ratio`` only where the mean can still reach it, and
none for a part that cannot (a bare role word); the answers are those of
scoring every title.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from matcher.occupations.normalize import GENERIC_ROLES, normalize_title, title_variants
from matcher.occupations.store import TITLE_SOURCES, OccupationStore

MIN_CONFIDENCE = 0.4  # calibrated: below this, a title is "unknown"
RAW_FLOOR = 0.8  # a title matching no known title this well is unknown, whatever the calibration
# P(right) = sigmoid(a + b / tied + c * exact); fitted by `python -m bench.quality --fit` on
# bench/labels/linkedin_titles_dev50.csv + linkedin_titles_more60.csv (95 labelled titles).
CALIBRATION = (-2.305, 2.011, 1.708)
TIE_POINTS = 1.0  # occupations whose best title scores within this many points tie
SYNONYM_CONFIDENCE = 0.95
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
    raw: float = 0.0  # best title score / 100, before calibration


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
        # one entry per (choice, occupation), with the strongest source naming it; a curated
        # synonym (-1 here) is the strongest claim that a title means an occupation
        texts = np.asarray(entry_text, dtype=np.int64)
        synonym = TITLE_SOURCES.index("synonym")
        source = np.where(store.title_source[texts] == synonym, -1, store.title_source[texts])
        table = np.stack([np.asarray(entry_choice), store.title_owner[texts], source], axis=1).astype(
            np.int64
        )
        table = table[np.lexsort((table[:, 2], table[:, 1], table[:, 0]))]
        first = np.ones(len(table), dtype=bool)
        first[1:] = (table[1:, :2] != table[:-1, :2]).any(axis=1)
        self._entry_choice, self._entry_row, self._entry_source = table[first].T
        self._synonyms = {
            (int(c), int(r))
            for c, r, s in zip(self._entry_choice, self._entry_row, self._entry_source, strict=True)
            if s == -1
        }
        self._n_rows = len(store)
        # each choice's last word as a number: comparing numbers is cheaper than strings
        self._heads: dict[str, int] = {}
        self._last = np.asarray(
            [self._heads.setdefault(c.rsplit(" ", 1)[-1], len(self._heads)) for c in self.choices],
            dtype=np.int64,
        )
        postings: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(self.choices):
            for key in _keys(text):
                postings[key].append(i)
        self._postings = {k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}
        self._key_list = np.asarray(list(self._postings), dtype=object)
        self._key_len = np.asarray([len(k) for k in self._key_list], dtype=np.int64)
        # token_sort_ratio is the plain ratio of the token-sorted strings: sort each title once
        self._choice_array = np.asarray(self.choices, dtype=object)
        self._sorted = np.asarray([_sort_tokens(c) for c in self.choices], dtype=object)
        # the entries are sorted by choice: the entries of choice c are _entry_start[c]:[c + 1]
        self._entry_start = np.searchsorted(self._entry_choice, np.arange(len(self.choices) + 1))
        self._cache: dict[tuple[str, float], list[tuple[int, float, int]]] = {}
        self._variants: dict[tuple[str, bool, float], tuple[np.ndarray, np.ndarray]] = {}

    def is_synonym(self, choice: int, row: int) -> bool:
        """Whether the curated synonym table gives title ``choice`` to occupation ``row``."""
        return (choice, row) in self._synonyms

    def candidates(self, words: str, *, whole: bool = True) -> np.ndarray:
        """Choice ids sharing a word (or a joined word pair) with ``words``.

        With no shared word (a misspelling, a word no title uses), the choices sharing a word
        spelled like one of the query's; when not even that finds any, every choice for a whole
        title and none for a part of one ("Data Engineer - Kafka": "kafka" alone names no job).
        """
        hits = [self._postings[k] for k in _keys(words) if k in self._postings]
        if not hits:
            hits = [self._postings[k] for k in self._similar_keys(words)]
        if not hits:
            return np.arange(len(self.choices)) if whole else np.zeros(0, dtype=np.int64)
        seen = np.zeros(len(self.choices), dtype=bool)
        for ids in hits:
            seen[ids] = True
        return np.flatnonzero(seen)

    def _similar_keys(self, words: str) -> list[str]:
        found: list[str] = []
        for token in words.split():
            # ratio >= SIMILAR_WORD needs |len a - len b| <= (1 - SIMILAR_WORD / 100) (len a + len b):
            # only keys of such a length can match (their order kept, so ties rank as before)
            slack = (1.0 - SIMILAR_WORD / 100.0) * (len(token) + self._key_len) + 1e-9
            near = self._key_list[np.abs(self._key_len - len(token)) <= slack]
            matches = process.extract(token, near, scorer=fuzz.ratio, score_cutoff=SIMILAR_WORD, limit=20)
            found.extend(key for key, _, _ in matches)
        return found

    def score(self, query: str, *, floor: float = 0.0) -> np.ndarray:
        """Best score (0-100) of every choice against ``query`` (whole title and its parts).

        With a ``floor``, titles that cannot score ``floor`` are skipped (left at 0); the
        scores of the others are those computed without it.
        """
        best = np.zeros(len(self.choices), dtype=np.float64)
        for k, variant in enumerate(title_variants(query)):
            weight = 1.0 if k == 0 else _part_weight(variant)
            ids, s = self._variant_scores(variant, whole=k == 0, floor=floor / weight)
            s = s * weight
            best[ids] = np.maximum(best[ids], s)
        return best

    def _variant_scores(self, variant: str, *, whole: bool, floor: float) -> tuple[np.ndarray, np.ndarray]:
        # Parts recur across titles ("sales associate", "assistant"): score each once per index.
        key = (variant, whole, floor)
        if key in self._variants:
            return self._variants[key]
        head = variant.rsplit(" ", 1)[-1]
        # The lowest mean score s that can still reach ``floor``: a shared head word lifts s to
        # s + HEAD_SHARE (100 - s). None can when even that needs more than 100 (a bare "manager").
        lowest = (floor - 100.0 * HEAD_SHARE) / (1.0 - HEAD_SHARE)
        ids = self.candidates(variant, whole=whole) if lowest <= 100.0 + _MARGIN else _NONE
        same_head = self._last[ids] == self._heads.get(head, -1)
        token_sort = _ratios(_sort_tokens(variant), self._sorted[ids], scorer=fuzz.ratio)
        if floor > 0.0:
            # s is the mean of token_sort and token_set (<= 100): s >= need needs token_sort >= 2 need - 100
            need = np.where(same_head, lowest, floor)
            keep = token_sort >= 2.0 * need - 100.0 - _MARGIN
            ids, same_head, token_sort = ids[keep], same_head[keep], token_sort[keep]
        token_set = _ratios(variant, self._choice_array[ids], scorer=fuzz.token_set_ratio)
        s = np.asarray((token_set + token_sort) / 2.0, dtype=np.float64)
        scored = (ids, np.where(same_head, s + HEAD_SHARE * (100.0 - s), s))
        if len(self._variants) < _VARIANT_CACHE:
            self._variants[key] = scored
        return scored

    def rank(self, query: str, *, floor: float = 0.0) -> list[tuple[int, float, int]]:
        """(occupation row, score, choice id) for every occupation with a score, best first.

        Occupations rank by their best title score; ties go to the one with
        more well-matching titles (``support``: each title scoring 80-100 adds
        0-1), then to the stronger title source, then to the lower code.
        With a ``floor`` (at most 80), only titles scoring at least ``floor`` count;
        occupations scoring 80 or more rank as they do without it.
        """
        if (query, floor) in self._cache:
            return self._cache[query, floor]
        best = self.score(query, floor=floor)
        scored = np.flatnonzero((best > 0) & (best >= floor))
        hit = _ranges(self._entry_start[scored], self._entry_start[scored + 1])  # in entry order
        rows, raw = self._entry_row[hit], best[self._entry_choice[hit]]
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
            self._cache[query, floor] = out
        return out


# How alike (rapidfuzz ratio) a word must be to one of the index's to stand in for it.
SIMILAR_WORD = 80.0
# Scored title parts kept per index (each at most a few thousand floats).
_VARIANT_CACHE = 4096
# Score points of slack in the bounds that skip titles (float32 rounding is far smaller).
_MARGIN = 0.01
_NONE = np.zeros(0, dtype=np.int64)


def _part_weight(part: str) -> float:
    # A part that is a bare role word ("manager") says too little to be trusted alone.
    return GENERIC_PART_WEIGHT if part in GENERIC_ROLES else PART_WEIGHT


def _sort_tokens(text: str) -> str:
    return " ".join(sorted(text.split()))


def _ratios(query: str, texts: np.ndarray, *, scorer: Any) -> np.ndarray:
    # fuzz.ratio of token-sorted strings is fuzz.token_sort_ratio of the strings: sorted once
    if not len(texts):
        return np.zeros(0, dtype=np.float32)
    return np.asarray(process.cdist([query], texts, scorer=scorer, dtype=np.float32)[0])


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(s, e)`` for each pair, in order."""
    lengths = ends - starts
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    out: np.ndarray = np.arange(int(lengths.sum()), dtype=np.int64) + offsets
    return out


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


def calibrated(tied: int, exact: bool) -> float:
    """Probability (0-1) that a candidate is right, from its ties and exactness (see module doc)."""
    a, b, c = CALIBRATION
    return 1.0 / (1.0 + math.exp(-(a + b / max(tied, 1) + c * float(exact))))


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
    out: list[TitleCandidate] = []
    left = 1.0
    for m in title_matches(store, title):
        if len(out) >= top or left <= 0.0:
            break
        p = SYNONYM_CONFIDENCE if m.synonym and m.exact else calibrated(m.tied, m.exact)
        confidence = round(min(p, left), 3)
        left -= confidence
        if confidence >= min_confidence:
            out.append(TitleCandidate(store.codes[m.row], store.titles[m.row], confidence, m.matched, m.raw))
    return out


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """One ranked occupation for a title, with what its calibrated confidence is computed from."""

    row: int
    raw: float  # best title score / 100
    matched: str  # the normalised known title that matched
    tied: int  # occupations whose best score is within TIE_POINTS of this one (itself included)
    exact: bool  # the normalised query equals the matched title
    synonym: bool  # the match comes from the curated synonym table


def title_matches(store: OccupationStore, title: str) -> list[TitleMatch]:
    """Every occupation scoring at least ``RAW_FLOOR`` for ``title``, best first."""
    query = normalize_title(title)
    if not query:
        return []
    index = title_index(store)
    # titles scoring under the floor cannot make an occupation reach it: they are not scored
    found = index.rank(title.strip(), floor=100.0 * RAW_FLOOR - _MARGIN)
    ranked = [r for r in found if r[1] / 100.0 >= RAW_FLOOR]
    scores = np.asarray([score for _, score, _ in ranked])
    # |a - b| <= TIE_POINTS, counted on the sorted scores (exact: all are within 64-128)
    ordered = np.sort(scores)
    tied = np.searchsorted(ordered, scores + TIE_POINTS, "right") - np.searchsorted(
        ordered, scores - TIE_POINTS, "left"
    )
    return [
        TitleMatch(
            row=row,
            raw=score / 100.0,
            matched=index.choices[choice],
            tied=int(n),
            exact=index.choices[choice] == query,
            synonym=index.is_synonym(choice, row),
        )
        for (row, score, choice), n in zip(ranked, tied, strict=True)
    ]
