"""Avoidance topics: what a client's exclusion keyword means, and which openings it rules out.

A keyword that *names* a topic of ``data/avoidance_topics.csv`` ("alcohol", "bars",
"night shift", or a near spelling: "alchohol") expands through it: every opening with one of
the topic's keyword phrases (in its title, industry, description or employer), one of its
industries, or one of its O*NET-SOC occupations is ruled out. Any other keyword matches as
words, every word of it anywhere in the opening. Both compare Snowball (Porter2) English
stems, so "casinos" meets "casino" and "bartending" meets "bartender". A phrase right after
"no", "not", "non", "without" or "never" does not count ("no heavy lifting").

The rule is declared here once: the fit step tabulates :func:`topic_hits` per opening
(``OpeningIndex.topic_hits``), a client's keyword picks a column by :func:`topic_named`,
and the why-not names what matched with :func:`opening_hit`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
import snowballstemmer
from rapidfuzz import fuzz, utils

from matcher.types import Opening
from matcher.vocab import AvoidanceTopic

_STEMMER = snowballstemmer.stemmer("english")
_WORD = re.compile(r"[a-z0-9]+")

#: Words that negate the phrase right after them ("no driving required").
NEGATIONS = frozenset({"no", "not", "non", "without", "never"})

#: How close a typed keyword must be to a topic's name to mean it (``fuzz.ratio``, 0-100), and
#: the shortest keyword read that way (short words are too easily near another: "gun", "fun").
NAME_CUTOFF, NAME_MIN_LENGTH = 90.0, 5

#: The fields of an opening searched for a topic's phrases, in the order evidence is told.
FIELDS = ("title", "industry", "description", "employer")

Phrase = tuple[str, ...]


@cache
def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word ("bartending" -> "bartend")."""
    result: str = _STEMMER.stemWord(word)
    return result


def stems(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``, stemmed (the keyword-matching analyzer)."""
    return [stem(w) for w in _WORD.findall(text.lower())]


class Hit(NamedTuple):
    """Why an opening belongs to a topic: ``where`` (a field of :data:`FIELDS`, ``"occupation"``
    or ``"industry_code"``) and the ``term`` found there (an O*NET-SOC code, an industry code,
    or in a field the posting's own words that matched, "Unload" for the keyword "unloader");
    ``keyword``: the topic's keyword that matched in a field ("" otherwise)."""

    topic: AvoidanceTopic
    where: str
    term: str
    keyword: str = ""


@dataclass(frozen=True)
class _Compiled:
    """The topics' names and keyword phrases as stem tuples."""

    names: tuple[frozenset[Phrase], ...]
    spellings: tuple[tuple[str, ...], ...]  # processed names, for near spellings
    # (stems, keyword as written, the fields it counts in)
    phrases: tuple[tuple[tuple[Phrase, str, tuple[str, ...]], ...], ...]
    exceptions: tuple[tuple[Phrase, ...], ...]
    firsts: dict[str, frozenset[int]]  # first stem of a keyword -> the topics it may signal
    by_first: tuple[dict[str, tuple[int, ...]], ...]  # per topic: first stem -> its keywords


#: A keyword written ``title:driver`` counts in the title only ("driver" is too common elsewhere:
#: "a key driver of growth").
TITLE_ONLY = "title:"


def _phrase(keyword: str) -> tuple[Phrase, str, tuple[str, ...]]:
    if keyword.startswith(TITLE_ONLY):
        written = keyword.removeprefix(TITLE_ONLY).strip()
        return tuple(stems(written)), written, ("title",)
    return tuple(stems(keyword)), keyword, FIELDS


@cache
def _compiled(topics: tuple[AvoidanceTopic, ...]) -> _Compiled:
    named = [(t.label, t.code.replace("_", " "), *t.names) for t in topics]
    phrases = tuple(tuple(_phrase(k) for k in t.keywords if stems(k)) for t in topics)
    firsts: dict[str, set[int]] = {}
    by_first: list[dict[str, tuple[int, ...]]] = []
    for t, ps in enumerate(phrases):
        mine: dict[str, tuple[int, ...]] = {}
        for k, (phrase, _, _) in enumerate(ps):
            firsts.setdefault(phrase[0], set()).add(t)
            mine[phrase[0]] = (*mine.get(phrase[0], ()), k)
        by_first.append(mine)
    return _Compiled(
        names=tuple(frozenset(tuple(stems(n)) for n in ns) for ns in named),
        spellings=tuple(tuple(utils.default_process(n) for n in ns) for ns in named),
        phrases=phrases,
        exceptions=tuple(tuple(tuple(stems(e)) for e in t.exceptions if stems(e)) for t in topics),
        firsts={w: frozenset(ts) for w, ts in firsts.items()},
        by_first=tuple(by_first),
    )


def topic_named(keyword: str, topics: tuple[AvoidanceTopic, ...]) -> int | None:
    """Position of the topic ``keyword`` names (by stems, or a near spelling), or None."""
    table, words = _compiled(topics), tuple(stems(keyword))
    if not words:
        return None
    for t, names in enumerate(table.names):
        if words in names:
            return t
    typed = utils.default_process(keyword)
    if len(typed) < NAME_MIN_LENGTH:
        return None
    best, at = 0.0, None
    for t, spellings in enumerate(table.spellings):
        for s in spellings:
            score = fuzz.ratio(typed, s)
            if score > best:
                best, at = score, t
    return at if best >= NAME_CUTOFF else None


def _starts(words: list[str], phrase: Phrase) -> Iterator[int]:
    """Positions where ``phrase`` starts in ``words`` as consecutive stems (``list.index`` scans)."""
    n, first, i = len(phrase), phrase[0], -1
    while True:
        try:
            i = words.index(first, i + 1)
        except ValueError:
            return
        if n == 1 or tuple(words[i : i + n]) == phrase:
            yield i


def _counts(words: list[str], i: int, exceptions: Sequence[Phrase]) -> bool:
    """An occurrence at ``i`` counts: not right after a negation, nor inside an exception."""
    if i and words[i - 1] in NEGATIONS:
        return False
    for e in exceptions:
        for s in range(max(0, i - len(e) + 1), i + 1):
            if tuple(words[s : s + len(e)]) == e:
                return False
    return True


def _keyword_hit(
    fields: dict[str, list[str]], sets: dict[str, set[str]], topic: int, table: _Compiled
) -> tuple[str, str] | None:
    """(field, keyword) of the first keyword of ``topic`` that counts in ``fields`` (stems; their
    ``sets``), by field and then in the vocabulary's order; None when none counts."""
    phrases, exceptions, by_first = table.phrases[topic], table.exceptions[topic], table.by_first[topic]
    for where, words in fields.items():
        maybe = sorted(k for w in sets[where] & by_first.keys() for k in by_first[w])
        for k in maybe:
            phrase, written, only = phrases[k]
            if where in only and any(_counts(words, i, exceptions) for i in _starts(words, phrase)):
                return where, written
    return None


def field_stems(opening: Opening) -> dict[str, list[str]]:
    """The stems of each field of :data:`FIELDS` (read once per opening at fit)."""
    return {f: stems(getattr(opening, f)) for f in FIELDS}


def _soc(opening: Opening) -> str:
    return (opening.onet_soc or "")[:7]  # "35-3011.00" -> "35-3011"


def opening_hit(
    opening: Opening, industry: str | None, topic: int, topics: tuple[AvoidanceTopic, ...]
) -> Hit | None:
    """What puts ``opening`` (its canonical ``industry`` code, or None) in topic ``topic``, or None.

    The occupation is told first, then the industry, then the first keyword found by field.
    """
    t = topics[topic]
    if _soc(opening) in t.onet_soc:
        return Hit(t, "occupation", _soc(opening))
    if industry is not None and industry in t.industries:
        return Hit(t, "industry_code", industry)
    fields = field_stems(opening)
    table = _compiled(topics)
    found = _keyword_hit(fields, {f: set(ws) for f, ws in fields.items()}, topic, table)
    if found is None:
        return None
    where, keyword = found
    return Hit(t, where, _quote(getattr(opening, where), fields[where], keyword, topic, table), keyword)


def _quote(text: str, words: list[str], keyword: str, topic: int, table: _Compiled) -> str:
    """The words of ``text`` where ``keyword`` counts (as ``text`` writes them), else the keyword.

    Read for the shown why-nots only: the scan over all openings never needs the position.
    """
    phrase = next(p for p, written, _ in table.phrases[topic] if written == keyword)
    at = next((i for i in _starts(words, phrase) if _counts(words, i, table.exceptions[topic])), None)
    spans = list(_WORD.finditer(text.lower()))
    if at is None or len(text.lower()) != len(text) or len(spans) != len(words):  # positions would shift
        return keyword
    return text[spans[at].start() : spans[at + len(phrase) - 1].end()]


def _keyword_topics(
    fields: dict[str, list[str]], sets: dict[str, set[str]], present: set[str], table: _Compiled
) -> list[int]:
    """The topics one of whose keywords counts in ``fields`` (an opening's stems, ``present``).

    Only the topics with a keyword whose first stem the opening has are read closely.
    """
    maybe = {t for w in present & table.firsts.keys() for t in table.firsts[w]}
    return [t for t in sorted(maybe) if _keyword_hit(fields, sets, t, table) is not None]


def scan_openings(
    openings: Sequence[Opening], topics: tuple[AvoidanceTopic, ...]
) -> tuple[sp.csc_matrix, dict[str, int], np.ndarray]:
    """The fit step's one pass over the openings' words.

    Returns
    -------
    words : csc_matrix (J, W)
        Binary stem presence (plain keyword exclusions), columns in sorted stem order.
    word_vocab : dict
        Stem -> column.
    keyword_hits : ndarray (J, T) bool
        The topics whose keywords count in each opening.
    """
    flat: list[str] = []
    indptr = [0]
    hits = np.zeros((len(openings), len(topics)), dtype=bool)
    table = _compiled(topics)
    for j, o in enumerate(openings):
        fields = field_stems(o)
        sets = {f: set(ws) for f, ws in fields.items()}
        present = set().union(*sets.values())
        flat.extend(present)
        indptr.append(len(flat))
        if not present.isdisjoint(table.firsts):
            hits[j, _keyword_topics(fields, sets, present, table)] = True
    codes, uniques = pd.factorize(np.asarray(flat, dtype=object))  # hashing in C, not a dict per word
    order = np.argsort(uniques.astype(str), kind="stable")  # columns in stem order, as CountVectorizer
    remap = np.empty(len(order), dtype=np.int64)
    remap[order] = np.arange(len(order))
    cols = remap[codes] if len(codes) else np.zeros(0, dtype=np.int64)
    data = np.ones(len(cols), dtype=np.float32)
    words = sp.csr_matrix((data, cols, np.asarray(indptr)), shape=(len(openings), len(order)))
    words.sort_indices()
    vocab_order = [str(w) for w in uniques[order]]
    return words.tocsc(), {w: i for i, w in enumerate(vocab_order)}, hits


def topic_hits(
    openings: Sequence[Opening],
    keyword_hits: np.ndarray,
    industry_code: np.ndarray,
    industry_codes: Sequence[str],
    topics: tuple[AvoidanceTopic, ...],
) -> np.ndarray:
    """(J, T) bool: opening j belongs to topic t by a keyword, its occupation or its industry.

    ``industry_code`` holds each opening's position in ``industry_codes`` (-1: unknown).
    """
    out = keyword_hits.copy()
    socs = np.array([_soc(o) for o in openings], dtype=object)
    for t, topic in enumerate(topics):
        if topic.onet_soc:
            out[:, t] |= np.isin(socs, list(topic.onet_soc))
        codes = [industry_codes.index(c) for c in topic.industries]
        if codes:
            out[:, t] |= np.isin(industry_code, codes)
    return out
