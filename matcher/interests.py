"""Interest phrases resolved to kinds of work, and the kinds of work an opening is.

A client's interest ("stocking", "animal care", "computors") is resolved once,
when the client's features are built, to work areas of ``data/work_areas.csv``:
the best alias by rapidfuzz (typos, word order) and every area whose alias words
the phrase contains ("I like working with dogs"). An opening is of a work area
when an alias's words occur in its title or industry, or when its O*NET-SOC code
(given by the employer, or inferred from the title by the occupation store when
one is used) is listed for the area in ``data/interest_occupations.csv``. The
interest meets the opening when they share an area, or when the employer's
industry is the field the area names (``data/interest_industries.csv``: any job
at a grocery is retail work; cooking is an activity, not a field); :func:`bridge`
says how, for the explanation.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from weakref import WeakKeyDictionary

import numpy as np
from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import JaroWinkler

from matcher.resources import data_dir
from matcher.types import Opening
from matcher.vocab import Match, TermIndex, Vocabulary, tokens

OCCUPATIONS_FILE = "interest_occupations.csv"
INDUSTRIES_FILE = "interest_industries.csv"
# An alias found inside a client's phrase must be this long: "it" or "art" inside a
# sentence ("I like it outdoors") is a word, not an interest; the fuzzy match still sees them.
MIN_CONTAINED_ALIAS = 4


@dataclass(frozen=True, slots=True)
class KindOfWork:
    """One interest phrase resolved to one work area, through the alias it matched."""

    interest: str
    area: str
    matched: str


@dataclass(frozen=True, slots=True)
class Occupation:
    """An O*NET-SOC occupation listed for a work area."""

    code: str  # six digits, "53-7065"
    title: str


@dataclass(frozen=True, slots=True)
class Bridge:
    """How an opening meets an interest: its occupation, else a phrase in its title or industry."""

    interest: str
    area: str
    job_phrase: str  # the alias found in the title or industry ("" when only the occupation bridges)
    occupation: Occupation | None
    industry: str = ""  # the employer's industry (a code of ``data/industries.csv``) when only it bridges


class AreaAliases:
    """The work areas' aliases, read once per vocabulary, with the phrases already resolved.

    Fuzzy matching (``fuzz.WRatio``) takes the best alias at or above the cutoff, but a
    short alias ("it", "art") only as a whole word of the phrase: WRatio scores a short
    string found inside a longer one highly ("it" in "security"). Failing that, a phrase
    whose words come close to each word of an alias (Jaro-Winkler similarity >=
    ``WORD_CUTOFF``, same first letter, words of 5 letters or more) takes that alias:
    "aminals", "wearhouse work" (two edits in a short word, which WRatio scores low).
    """

    WORD_CUTOFF = 0.94

    def __init__(self, terms: TermIndex) -> None:
        self.terms = terms
        self.processed = [utils.default_process(p) for p in terms.phrases]
        self.owners = [terms.codes[int(i)] for i in terms._owners]  # alias position -> area code
        self.words = [tuple(tokens(p)) for p in terms.phrases]
        # the typo step's tables: alias x word incidence over the words of the aliases
        self.vocab_words = sorted({w for ws in self.words for w in ws})
        column = {w: k for k, w in enumerate(self.vocab_words)}
        self.alias_words = np.zeros((len(self.words), len(self.vocab_words)), dtype=np.int32)
        for i, ws in enumerate(self.words):
            self.alias_words[i, [column[w] for w in set(ws)]] = 1
        self.n_words = self.alias_words.sum(axis=1)
        self.first_letters = np.array([w[0] for w in self.vocab_words])
        self.eligible = np.array([bool(ws) and all(len(w) >= 5 for w in ws) for ws in self.words])
        self.lengths = np.array([len(p) for p in terms.phrases])
        self._memo: dict[tuple[str, float], tuple[KindOfWork, ...]] = {}

    def kinds(self, phrase: str, cutoff: float) -> tuple[KindOfWork, ...]:
        """The work areas one phrase resolves to (memoised: clients share phrases)."""
        key = (phrase, cutoff)
        if key not in self._memo:
            best = self._fuzzy(phrase, cutoff) or self._by_words(phrase)
            found = [best] if best is not None else []
            contained = self.terms.find_in_text(phrase)
            found += [m for m in contained if len(m.matched) >= MIN_CONTAINED_ALIAS]
            areas = {m.code: KindOfWork(phrase, m.code, m.matched) for m in reversed(found)}
            self._memo[key] = tuple(areas[a] for a in dict.fromkeys(m.code for m in found))
        return self._memo[key]

    def _fuzzy(self, phrase: str, cutoff: float) -> Match | None:
        query = utils.default_process(phrase)  # the aliases are processed once, in __init__
        scores = process.cdist([query], self.processed, scorer=fuzz.WRatio, dtype=np.float32)[0]
        words = set(tokens(phrase))
        for i in np.argsort(-scores, kind="stable"):  # best first; ties in table order
            if scores[i] < cutoff:
                return None
            alias = self.terms.phrases[i]
            if len(alias) >= MIN_CONTAINED_ALIAS or set(self.words[i]) <= words:
                return Match(phrase, self.owners[i], alias, float(scores[i]))
        return None

    def _by_words(self, phrase: str) -> Match | None:
        words = [w for w in tokens(phrase) if len(w) >= 5]
        if not words or not self.vocab_words:
            return None
        similar = process.cdist(words, self.vocab_words, scorer=JaroWinkler.similarity, dtype=np.float32)
        same_start = np.array([w[0] for w in words])[:, None] == self.first_letters[None, :]
        close = ((similar >= self.WORD_CUTOFF) & same_start).any(axis=0)
        whole = self.eligible & (self.alias_words @ close.astype(np.int32) == self.n_words)
        if not whole.any():
            return None
        best = int(np.argmax(np.where(whole, self.lengths, -1)))  # the longest alias; ties in table order
        return Match(phrase, self.owners[best], self.terms.phrases[best], 100.0 * self.WORD_CUTOFF)


_ALIASES: WeakKeyDictionary[TermIndex, AreaAliases] = WeakKeyDictionary()


def area_aliases(terms: TermIndex) -> AreaAliases:
    """The alias table of a vocabulary's work areas, built on first use and kept with it."""
    if terms not in _ALIASES:
        _ALIASES[terms] = AreaAliases(terms)
    return _ALIASES[terms]


def resolve_interests(phrases: Sequence[str], vocab: Vocabulary, cutoff: float) -> tuple[KindOfWork, ...]:
    """The work areas of a client's interest phrases, in phrase order (each area once per phrase).

    Each phrase takes its best alias (:class:`AreaAliases`) and every area whose alias
    words it contains ("I like working with dogs and computers").
    """
    aliases = area_aliases(vocab.work_areas)
    out: dict[tuple[str, str], KindOfWork] = {}
    for phrase in phrases:
        for kind in aliases.kinds(phrase, cutoff):
            out.setdefault((phrase, kind.area), kind)
    return tuple(out.values())


@cache
def occupations_by_area(path: Path | None = None) -> dict[str, tuple[Occupation, ...]]:
    """Work area -> the O*NET-SOC occupations listed for it (``data/interest_occupations.csv``)."""
    source = path or data_dir() / OCCUPATIONS_FILE
    out: dict[str, list[Occupation]] = {}
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["area"], []).append(Occupation(row["onet_soc"].strip(), row["title"].strip()))
    return {area: tuple(found) for area, found in out.items()}


@cache
def _areas_by_code() -> dict[str, tuple[tuple[str, Occupation], ...]]:
    out: dict[str, list[tuple[str, Occupation]]] = {}
    for area, found in occupations_by_area().items():
        for occupation in found:
            out.setdefault(occupation.code, []).append((area, occupation))
    return {code: tuple(pairs) for code, pairs in out.items()}


@cache
def industries_by_area(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Work area -> the industries (codes of ``data/industries.csv``) that are that field of work.

    Only areas that name a field are listed ("retail", "healthcare", "animal care"): any job of
    such an employer is work in it; "cooking" is an activity, and a restaurant's host is not cooking.
    """
    source = path or data_dir() / INDUSTRIES_FILE
    out: dict[str, list[str]] = {}
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["area"], []).append(row["industry"].strip())
    return {area: tuple(found) for area, found in out.items()}


def interest_industries(kinds: Sequence[KindOfWork], vocab: Vocabulary) -> list[int]:
    """Positions in ``vocab.industries`` of the fields a client's resolved interests name."""
    codes = vocab.industries.codes
    named = (i for k in kinds for i in industries_by_area().get(k.area, ()))
    return sorted({codes.index(i) for i in named if i in codes})


def occupation_areas(onet_soc: str | None) -> tuple[tuple[str, Occupation], ...]:
    """(area, occupation) pairs an O*NET-SOC code belongs to (``35-2014.00`` is read as ``35-2014``)."""
    return _areas_by_code().get((onet_soc or "").strip()[:7], ())


def opening_areas(opening: Opening, vocab: Vocabulary) -> list[Match]:
    """Work areas of an opening: alias words in its title or industry, then its occupation's areas."""
    found = list(vocab.work_areas.find_in_text(f"{opening.title} {opening.industry}"))
    known = {m.code for m in found}
    for area, _ in occupation_areas(opening.onet_soc):
        if area not in known and area in vocab.work_areas.labels:
            found.append(Match(opening.onet_soc or "", area, "", 100.0))
            known.add(area)
    return found


def bridge(
    kind: KindOfWork, opening: Opening, title_phrases: dict[str, str], industry: str = ""
) -> Bridge | None:
    """How ``opening`` meets one resolved interest, or None.

    ``title_phrases``: area -> alias found in the opening's title or industry (the
    index's ``area_phrase``); ``industry``: the opening's canonical industry code. The
    occupation is named when the opening's code is listed for the area, so the
    explanation can say which kind of work bridges the two; failing a title phrase or an
    occupation, an industry that is the interest's field bridges.
    """
    occupation = next((o for a, o in occupation_areas(opening.onet_soc) if a == kind.area), None)
    phrase = title_phrases.get(kind.area, "")
    if occupation is not None or phrase:
        return Bridge(kind.interest, kind.area, phrase, occupation)
    if industry and industry in industries_by_area().get(kind.area, ()):
        return Bridge(kind.interest, kind.area, "", None, industry)
    return None


def interest_fit(
    vocab: Vocabulary, cutoff: float, interest: str, opening: Opening, industry: str = ""
) -> Bridge | None:
    """The first bridge between one interest phrase and one opening (benchmarks, one pair at a time).

    ``industry``: the opening's canonical industry code (``features.industry_code``), if known.
    """
    phrases = {m.code: m.matched for m in opening_areas(opening, vocab)}
    for kind in resolve_interests([interest], vocab, cutoff):
        found = bridge(kind, opening, phrases, industry)
        if found is not None:
            return found
    return None
