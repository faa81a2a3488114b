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

With an occupation store (the engine built with ``build_matcher(occupations=...)``), a
phrase that names no work area is looked up among the store's job titles (O*NET titles,
alternate and reported titles, the curated ``data/title_synonyms.csv``), as said and as the
job title its last word names ("phlebotomy" -> "phlebotomist", "welding" -> "welder"):
:class:`OccupationInterests`. It then names that O*NET occupation (and only that one, or the
few that tie with it), and openings of that occupation (their code, given or inferred from
the title by the store) meet it; related occupations do not.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar
from weakref import WeakKeyDictionary

import numpy as np
from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import JaroWinkler

from matcher.occupations.normalize import normalize_title
from matcher.occupations.store import OccupationStore
from matcher.occupations.titles import TIE_POINTS, title_matches
from matcher.resources import data_dir
from matcher.topics import stem
from matcher.types import Opening
from matcher.vocab import Match, TermIndex, Vocabulary, tokens

_Resolver = TypeVar("_Resolver", "OccupationInterests", "TaskInterests")

OCCUPATIONS_FILE = "interest_occupations.csv"
INDUSTRIES_FILE = "interest_industries.csv"
TASK_WORDS_FILE = "interest_task_words.csv"
# An alias found inside a client's phrase must be this long: "it" or "art" inside a
# sentence ("I like it outdoors") is a word, not an interest; the fuzzy match still sees them.
MIN_CONTAINED_ALIAS = 4


@dataclass(frozen=True, slots=True)
class Occupation:
    """An O*NET-SOC occupation listed for a work area, or named by an interest."""

    code: str  # six digits, "53-7065"
    title: str


@dataclass(frozen=True, slots=True)
class KindOfWork:
    """One interest phrase resolved to one work area (through the alias it matched) or occupation.

    ``occupation`` is set (and ``area`` is "") when the occupation store resolved the phrase;
    ``matched`` is then the job title that matched, or the task statement when ``task`` is True.
    """

    interest: str
    area: str
    matched: str
    occupation: Occupation | None = None
    task: bool = False  # the occupation was found through its task statements


@dataclass(frozen=True, slots=True)
class Bridge:
    """How an opening meets an interest: its occupation, else a phrase in its title or industry."""

    interest: str
    area: str
    job_phrase: str  # the alias found in the title or industry ("" when only the occupation bridges)
    occupation: Occupation | None
    industry: str = ""  # the employer's industry (a code of ``data/industries.csv``) when only it bridges
    task: str = ""  # the occupation's task statement that says the interest, when a task bridges


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


def resolve_interests(
    phrases: Sequence[str], vocab: Vocabulary, cutoff: float, occupations: OccupationStore | None = None
) -> tuple[KindOfWork, ...]:
    """The kinds of work of a client's interest phrases, in phrase order (each once per phrase).

    Each phrase takes its best alias (:class:`AreaAliases`) and every area whose alias
    words it contains ("I like working with dogs and computers"); a phrase that names no
    area takes the occupations the store's titles give it (:class:`OccupationInterests`);
    with a store, every phrase also takes the occupations whose tasks say it (:class:`TaskInterests`).
    """
    aliases = area_aliases(vocab.work_areas)
    by_title = occupation_interests(occupations) if occupations is not None else None
    by_task = task_interests(occupations) if occupations is not None else None
    out: dict[tuple[str, str], KindOfWork] = {}
    for phrase in phrases:
        kinds = aliases.kinds(phrase, cutoff)
        if not kinds and by_title is not None:
            kinds = by_title.kinds(phrase)
        if by_task is not None:
            kinds = (*kinds, *by_task.kinds(phrase))
        for kind in kinds:
            key = kind.area or (kind.occupation.code if kind.occupation else "")
            out.setdefault((phrase, key), kind)
    return tuple(out.values())


class OccupationInterests:
    """Interest phrases resolved to O*NET occupations through a store's job titles (memoised).

    1. The phrase or one of its agent-noun forms (:func:`agent_forms`) is a known job title
       after normalisation (``occupations.titles.title_matches``: O*NET, alternate, reported
       and curated titles): "bookkeeper" is one, "bookkeeping" is not. That occupation is
       kept with those tying with it (within ``TIE_POINTS``), up to ``MAX_TIED``; more ties
       ("teaching": 24 kinds of teacher, "social work": 5 kinds of social worker) name a
       family of occupations, not one, and the phrase names none.
    2. When no form is a title, the titles containing every word of the phrase vote: an
       occupation holding at least ``VOTE_SHARE`` of at least ``VOTE_MIN`` such titles is
       kept ("massage": 18 of the 20 titles with the word are Massage Therapists'). A
       near match is not enough: "fitness" is 85% like "fitness model".
    """

    MAX_TIED = 3
    VOTE_SHARE = 0.6
    VOTE_MIN = 5

    def __init__(self, store: OccupationStore) -> None:
        self.store = store
        self._memo: dict[str, tuple[KindOfWork, ...]] = {}
        self._titles: dict[str, list[tuple[str, int]]] | None = None  # word -> (title, owner row)

    def kinds(self, phrase: str) -> tuple[KindOfWork, ...]:
        """The occupations ``phrase`` names, best first (none when it names none clearly)."""
        if phrase not in self._memo:
            found = self._by_title(phrase)
            self._memo[phrase] = self._by_vote(phrase) if found is None else found
        return self._memo[phrase]

    def _kind(self, phrase: str, row: int, matched: str) -> KindOfWork:
        return KindOfWork(phrase, "", matched, Occupation(self.store.codes[row][:7], self.store.titles[row]))

    def _by_title(self, phrase: str) -> tuple[KindOfWork, ...] | None:
        """The occupations of the first form that is a title; () for a family; None: no title."""
        for form in agent_forms(phrase):
            matches = title_matches(self.store, form)
            if matches and matches[0].exact:
                tied = [m for m in matches if m.raw >= matches[0].raw - TIE_POINTS / 100.0]
                if len(tied) > self.MAX_TIED:
                    return ()
                return tuple(self._kind(phrase, m.row, m.matched) for m in tied)
        return None

    def _by_vote(self, phrase: str) -> tuple[KindOfWork, ...]:
        words = normalize_title(phrase).split()
        titles = self._word_titles()
        found = set(titles.get(words[0], ())) if words else set()
        for word in words[1:]:
            found &= set(titles.get(word, ()))
        distinct = len({title for title, _ in found})
        if distinct < self.VOTE_MIN:
            return ()
        ((row, n),) = Counter(row for _, row in found).most_common(1)
        if n < self.VOTE_SHARE * distinct:
            return ()
        return (self._kind(phrase, row, f"{n} of {distinct} job titles with {' '.join(words)!r}"),)

    def _word_titles(self) -> dict[str, list[tuple[str, int]]]:
        if self._titles is None:  # ~0.6 s once per store, only when a phrase gets this far
            out: dict[str, set[tuple[str, int]]] = {}
            for text, row in zip(self.store.title_texts, self.store.title_owner.tolist(), strict=True):
                title = normalize_title(text)
                for word in set(title.split()):
                    out.setdefault(word, set()).add((title, int(row)))
            self._titles = {w: sorted(v) for w, v in out.items()}
        return self._titles


def _kept(store: OccupationStore, key: str, build: type[_Resolver]) -> _Resolver:
    """The store's resolver of type ``build``, built on first use and kept with the store."""
    found = store.cache.get(key)
    if not isinstance(found, build):
        found = store.cache[key] = build(store)
    return found


def occupation_interests(store: OccupationStore) -> OccupationInterests:
    """The store's phrase resolver through job titles."""
    return _kept(store, "interests", OccupationInterests)


# Words that name no work ("I like working with ..."): never a content word of a phrase or task.
FILLER = frozenset(
    "a an and or the of for with to in on at by from as such other i my me like love enjoy "
    "working work doing do being things thing job jobs someone something".split()
)
_WORD = re.compile(r"[a-z]+")


@cache
def task_words(path: Path | None = None) -> dict[str, str]:
    """People's word -> the task statements' word, both stemmed (``data/interest_task_words.csv``)."""
    source = path or data_dir() / TASK_WORDS_FILE
    with source.open(encoding="utf-8", newline="") as fh:
        return {
            stem(r["word"].strip().lower()): stem(r["task_word"].strip().lower()) for r in csv.DictReader(fh)
        }


def content_stems(text: str) -> list[str]:
    """The content words of ``text`` in order, Snowball-stemmed, people's words in the tasks' words."""
    said = task_words()
    return [said.get(s, s) for s in (stem(w) for w in _WORD.findall(text.lower()) if w not in FILLER)]


class TaskInterests:
    """Interest phrases resolved to O*NET occupations through their task statements (memoised).

    A task says a phrase when it holds each of the phrase's content words (:func:`content_stems`)
    within ``WINDOW`` words of one of them ("Sort mail for delivery" for "sorting mail"). Only a
    specific phrase is looked up: at least ``MIN_WORDS`` content words, whose inverse task
    frequencies (log of tasks / tasks with the word) add up to ``MIN_IDF`` ("customer service",
    "food service" are said by the tasks of dozens of occupations: they name no occupation). An
    occupation is kept when ``MIN_TASKS`` of its tasks say it (the activity is what the job is
    about, not one duty among its others: one receptionist task sorts mail, three of the postal
    sorters' do) and one of them says it among its first ``HEAD`` words, where O*NET tasks say
    what is done (social workers' tasks name "child care" at the end of a list of services);
    the ``MAX_OCCUPATIONS`` with the most such tasks. The explanation quotes the shortest lead
    task, one led by the phrase's first word ("Clean ... rooms" for "cleaning rooms") first.
    The store does not mark which tasks are O*NET "core" (its task lists hold core tasks first,
    supplemental ones after): the rule reads all of them.
    """

    MIN_WORDS = 2
    MIN_IDF = 8.5
    WINDOW = 4
    HEAD = 3
    MIN_TASKS = 2
    MAX_OCCUPATIONS = 3

    def __init__(self, store: OccupationStore) -> None:
        self.store = store
        self._memo: dict[str, tuple[KindOfWork, ...]] = {}
        # (occupation row, task statement, its content stems); built on first use
        self._tasks: list[tuple[int, str, list[str]]] | None = None
        self._idf: dict[str, float] = {}
        self._holding: dict[str, set[int]] = {}  # stem -> positions in _tasks of the tasks holding it

    def kinds(self, phrase: str) -> tuple[KindOfWork, ...]:
        """The occupations whose tasks say ``phrase``, most tasks first (none for a generic phrase)."""
        if phrase not in self._memo:
            self._memo[phrase] = self._lookup(phrase)
        return self._memo[phrase]

    def _lookup(self, phrase: str) -> tuple[KindOfWork, ...]:
        words = list(dict.fromkeys(content_stems(phrase)))
        if len(words) < self.MIN_WORDS:
            return ()
        tasks = self._task_index()
        if sum(self._idf.get(w, 0.0) for w in words) < self.MIN_IDF:
            return ()
        said: dict[int, int] = {}  # occupation row -> how many of its tasks say the phrase
        # occupation row -> (not led by the phrase's first word, length, task) of its lead tasks
        leads: dict[int, list[tuple[bool, int, str]]] = {}
        holding = set.intersection(*(self._holding.get(w, set()) for w in words))
        for row, text, stems in (tasks[k] for k in sorted(holding)):  # only tasks holding every word
            found, head = self._says(words, stems)
            said[row] = said.get(row, 0) + found
            if head:
                leads.setdefault(row, []).append((stems[: self.HEAD].count(words[0]) == 0, len(text), text))
        kept = [row for row in leads if said[row] >= self.MIN_TASKS]
        kept.sort(key=lambda row: (-said[row], row))  # most tasks first; ties by code
        store = self.store
        return tuple(
            KindOfWork(
                phrase,
                "",
                min(leads[row])[2],  # "Sort mail ..." before "Stock rooms ... cleaning carts"
                Occupation(store.codes[row][:7], store.titles[row]),
                task=True,
            )
            for row in kept[: self.MAX_OCCUPATIONS]
        )

    def _says(self, words: list[str], stems: list[str]) -> tuple[bool, bool]:
        """(every word within WINDOW of one of them, and so with that one among the first HEAD words).

        A task's first words say what is done ("Sort mail for delivery"); a phrase at the end of a
        list is a topic the task mentions ("Counsel ... regarding ... child care"), not the work.
        """
        found = head = False
        for anchor, first in enumerate(stems):
            if first in words and all(
                any(s == w and abs(j - anchor) <= self.WINDOW for j, s in enumerate(stems)) for w in words
            ):
                found = True
                head = head or anchor < self.HEAD
        return found, head

    def _task_index(self) -> list[tuple[int, str, list[str]]]:
        if self._tasks is None:  # once per store, only when a specific phrase is looked up
            self._tasks = [
                (row, text, content_stems(text))
                for row, texts in enumerate(self.store.tasks)
                for text in texts
            ]
            for k, (_, _, stems) in enumerate(self._tasks):
                for w in stems:
                    self._holding.setdefault(w, set()).add(k)
            n = len(self._tasks)
            self._idf = {w: math.log(n / len(held)) for w, held in self._holding.items()}
        return self._tasks


def task_interests(store: OccupationStore) -> TaskInterests:
    """The store's phrase resolver through task statements."""
    return _kept(store, "task_interests", TaskInterests)


def agent_forms(phrase: str) -> list[str]:
    """The phrase, then the job titles its last word may name as an activity or a field.

    "welding" -> "welder", "weld", "weldor"; "carpentry" -> ..., "carpenter"; "phlebotomy" ->
    "phlebotomist", "phlebotomer"; "web design" -> "web designer". Forms that are no title
    match nothing; the first that is one is taken (:class:`OccupationInterests`).
    """
    words = phrase.lower().split()
    if not words:
        return []
    head, last = words[:-1], words[-1]
    if last.endswith("ing") and len(last) > 5:
        base = last[:-3]
        stems = [base + "er", base, base + "or"]  # welding -> welder; tutoring -> tutor; editing -> editor
    elif last.endswith("ry") and len(last) > 4:
        stems = [last[:-1], last[:-1] + "er", last[:-2], last[:-2] + "er"]  # pottery, embroidery, floristry
    elif last.endswith("y") and len(last) > 4:
        stems = [last[:-1] + "ist", last[:-1] + "er"]  # phlebotomy, photography
    else:
        stems = [last + "r" if last.endswith("e") else last + "er"]  # design -> designer; dance -> dancer
    return list(dict.fromkeys([phrase, *(" ".join([*head, s]) for s in stems)]))


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


def soc_number(onet_soc: str | None) -> int:
    """The six digits of an O*NET-SOC code as a number ("31-9097.00" -> 319097), -1 for none."""
    digits = (onet_soc or "").strip()[:7].replace("-", "")
    return int(digits) if len(digits) == 6 and digits.isdigit() else -1


def opening_occupations(openings: Sequence[Opening]) -> np.ndarray:
    """(J,) int64: each opening's O*NET-SOC code as :func:`soc_number` gives it."""
    return np.array([soc_number(o.onet_soc) for o in openings], dtype=np.int64)


def interest_occupations(kinds: Sequence[Sequence[KindOfWork]]) -> np.ndarray:
    """(C, K) int64: the occupations each client's interests name (:func:`soc_number`), -1 padded."""
    codes = [sorted({soc_number(k.occupation.code) for k in ks if k.occupation}) for ks in kinds]
    out = np.full((len(codes), max(map(len, codes), default=0)), -1, dtype=np.int64)
    for i, row in enumerate(codes):
        out[i, : len(row)] = row
    return out


def occupation_met(interests: np.ndarray, openings: np.ndarray, ci: np.ndarray, ji: np.ndarray) -> np.ndarray:
    """(P,) bool: pair p's opening is of an occupation its client's interests name.

    ``interests``: :func:`interest_occupations` of the clients; ``openings``: their
    :func:`opening_occupations`. Without a store no client names one (K = 0): all False.
    """
    if interests.shape[1] == 0:
        return np.zeros(len(ci), dtype=bool)
    code = openings[ji]
    met: np.ndarray = (interests[ci] == code[:, None]).any(axis=1) & (code >= 0)
    return met


def occupation_areas(onet_soc: str | None) -> tuple[tuple[str, Occupation], ...]:
    """(area, occupation) pairs an O*NET-SOC code belongs to (``35-2014.00`` is read as ``35-2014``)."""
    return _areas_by_code().get((onet_soc or "").strip()[:7], ())


def opening_areas(opening: Opening, vocab: Vocabulary) -> list[Match]:
    """Work areas of an opening: alias words in its title or industry, then its occupation's areas."""
    found = vocab.work_areas.find_in_job_text(f"{opening.title} {opening.industry}")
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
    occupation, an industry that is the interest's field bridges. An interest resolved to
    an occupation (through the store) meets only openings of that occupation.
    """
    if kind.occupation is not None:
        code = soc_number(opening.onet_soc)
        same = code >= 0 and code == soc_number(kind.occupation.code)
        task = kind.matched if kind.task else ""
        return Bridge(kind.interest, "", "", kind.occupation, task=task) if same else None
    occupation = next((o for a, o in occupation_areas(opening.onet_soc) if a == kind.area), None)
    phrase = title_phrases.get(kind.area, "")
    if occupation is not None or phrase:
        return Bridge(kind.interest, kind.area, phrase, occupation)
    if industry and industry in industries_by_area().get(kind.area, ()):
        return Bridge(kind.interest, kind.area, "", None, industry)
    return None


def interest_fit(
    vocab: Vocabulary,
    cutoff: float,
    interest: str,
    opening: Opening,
    industry: str = "",
    occupations: OccupationStore | None = None,
) -> Bridge | None:
    """The first bridge between one interest phrase and one opening (benchmarks, one pair at a time).

    ``industry``: the opening's canonical industry code (``features.industry_code``), if known;
    ``occupations``: the store the engine uses, if any.
    """
    phrases = {m.code: m.matched for m in opening_areas(opening, vocab)}
    for kind in resolve_interests([interest], vocab, cutoff, occupations):
        found = bridge(kind, opening, phrases, industry)
        if found is not None:
            return found
    return None
