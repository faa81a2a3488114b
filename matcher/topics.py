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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
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
    or ``"industry_code"``) and the ``term`` found there (a keyword, an O*NET-SOC code or an
    industry code)."""

    topic: AvoidanceTopic
    where: str
    term: str


@dataclass(frozen=True)
class _Compiled:
    """The topics' names and keyword phrases as stem tuples."""

    names: tuple[frozenset[Phrase], ...]
    spellings: tuple[tuple[str, ...], ...]  # processed names, for near spellings
    phrases: tuple[tuple[tuple[Phrase, str], ...], ...]  # (stems, keyword as written)
    exceptions: tuple[tuple[Phrase, ...], ...]


@cache
def _compiled(topics: tuple[AvoidanceTopic, ...]) -> _Compiled:
    named = [(t.label, t.code.replace("_", " "), *t.names) for t in topics]
    return _Compiled(
        names=tuple(frozenset(tuple(stems(n)) for n in ns) for ns in named),
        spellings=tuple(tuple(utils.default_process(n) for n in ns) for ns in named),
        phrases=tuple(tuple((tuple(stems(k)), k) for k in t.keywords if stems(k)) for t in topics),
        exceptions=tuple(tuple(tuple(stems(e)) for e in t.exceptions if stems(e)) for t in topics),
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


def occurs(words: Sequence[str], phrase: Phrase) -> bool:
    """``phrase`` occurs in ``words`` as consecutive stems, not right after a negation."""
    n, first = len(phrase), phrase[0]
    for i, w in enumerate(words):
        if w == first and tuple(words[i : i + n]) == phrase and not (i and words[i - 1] in NEGATIONS):
            return True
    return False


def blank_exceptions(words: list[str], exceptions: Sequence[Phrase]) -> list[str]:
    """``words`` with every occurrence of an exception phrase blanked out ("drive thru")."""
    out = list(words)
    for phrase in exceptions:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == phrase:
                out[i : i + n] = [""] * n
    return out


def _field_stems(opening: Opening) -> dict[str, list[str]]:
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
    return _keyword_hit(_field_stems(opening), topic, topics)


def _keyword_hit(fields: dict[str, list[str]], topic: int, topics: tuple[AvoidanceTopic, ...]) -> Hit | None:
    table = _compiled(topics)
    phrases, exceptions = table.phrases[topic], table.exceptions[topic]
    for where, words in fields.items():
        if exceptions:
            words = blank_exceptions(words, exceptions)
        for phrase, written in phrases:
            if occurs(words, phrase):
                return Hit(topics[topic], where, written)
    return None


def topic_hits(
    openings: Sequence[Opening],
    industry_code: np.ndarray,
    industry_codes: Sequence[str],
    topics: tuple[AvoidanceTopic, ...],
    *,
    words: sp.spmatrix,
    word_vocab: dict[str, int],
) -> np.ndarray:
    """(J, T) bool: opening j belongs to topic t (the fit step's table).

    ``industry_code`` holds each opening's position in ``industry_codes`` (-1 unknown);
    ``words``/``word_vocab`` the openings' stem presence, which picks the few openings whose
    text is read for phrases (an opening lacking a phrase's stems cannot contain it).
    """
    out = np.zeros((len(openings), len(topics)), dtype=bool)
    socs = np.array([_soc(o) for o in openings], dtype=object)
    csc = sp.csc_matrix(words)
    read: dict[int, dict[str, list[str]]] = {}
    for t, topic in enumerate(topics):
        if topic.onet_soc:
            out[:, t] |= np.isin(socs, list(topic.onet_soc))
        codes = [industry_codes.index(c) for c in topic.industries]
        if codes:
            out[:, t] |= np.isin(industry_code, codes)
        maybe = np.zeros(len(openings), dtype=bool)
        for phrase, _ in _compiled(topics).phrases[t]:
            cols = [word_vocab.get(w) for w in phrase]
            if None not in cols:
                present = np.ones(len(openings), dtype=bool)
                for col in cols:
                    present &= csc[:, col].toarray().ravel() > 0
                maybe |= present
        for j in np.flatnonzero(maybe & ~out[:, t]).tolist():
            fields = read.setdefault(j, _field_stems(openings[j]))
            out[j, t] = _keyword_hit(fields, t, topics) is not None
    return out
