"""Vocabularies from ``data/`` and canonicalisation of free-text phrases.

``data/`` is found as package data (``matcher.resources``), in a wheel as in a checkout.

Fuzzy matching runs on vocabularies (phrases -> canonical terms), once per
record, never per client-opening pair.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

from matcher.errors import VocabularyError
from matcher.resources import data_dir

DATA_DIR = data_dir()


@dataclass(frozen=True, slots=True)
class Match:
    """A phrase resolved to a vocabulary term (``code``) via ``matched`` alias."""

    phrase: str
    code: str
    matched: str
    score: float


class TermIndex:
    """Canonical terms with their alias phrases; resolves free text to terms.

    Parameters
    ----------
    codes, labels : sequences of str
        The canonical terms and their display labels.
    aliases : sequence of sequence of str
        Alias phrases of each term (its label is always an alias too).
    """

    def __init__(self, codes: list[str], labels: list[str], aliases: list[list[str]]) -> None:
        self.codes = tuple(codes)
        self.labels = dict(zip(codes, labels, strict=True))
        phrases: list[str] = []
        owners: list[int] = []
        for i, (label, alias) in enumerate(zip(labels, aliases, strict=True)):
            for phrase in dict.fromkeys([label, *alias]):
                phrases.append(phrase)
                owners.append(i)
        self.phrases = tuple(phrases)
        self._owners = np.asarray(owners, dtype=np.int32)
        self._processed = [utils.default_process(p) for p in phrases]
        self._token_sets = [frozenset(tokens(p)) for p in phrases]
        # aliases as short as an acronym ("it"): WRatio scores them high inside any word ("unit")
        self._short = [i for i, p in enumerate(phrases) if len(p.strip()) <= MAX_ACRONYM]
        # phrase -> (best alias position, score): each phrase is fuzzy-matched once per process
        self._memo: dict[str, tuple[int, float]] = {}

    def __len__(self) -> int:
        return len(self.codes)

    def resolve(self, phrases: tuple[str, ...] | list[str], *, score_cutoff: float) -> list[Match]:
        """Resolve client-typed phrases to terms with rapidfuzz (typos, word order).

        Each phrase resolves to its best alias scoring at least ``score_cutoff``
        (``fuzz.WRatio``, 0–100); phrases with no such alias are dropped.
        """
        memo = self._memo
        new = [p for p in dict.fromkeys(phrases) if p not in memo]
        if new:
            scores = process.cdist(
                new, self._processed, scorer=fuzz.WRatio, processor=utils.default_process, dtype=np.float32
            )
            for row, phrase in enumerate(new):
                words = frozenset(tokens(phrase))
                for i in self._short:  # a short alias counts only as a whole word of the phrase
                    if not self._token_sets[i] <= words:
                        scores[row, i] = 0.0
                best = int(np.argmax(scores[row]))  # first best alias: deterministic
                self._memo[phrase] = (best, float(scores[row, best]))
        # each phrase's match is made once too (explanations resolve the same phrases per suggestion)
        matches: dict[str, Match] | None = getattr(self, "_matches", None)  # absent in indexes pickled before
        if matches is None:
            matches = {}
            self._matches = matches
        out: list[Match] = []
        for phrase in phrases:
            found = matches.get(phrase)
            if found is None:
                best, score = memo[phrase]
                found = Match(phrase, self.codes[self._owners[best]], self.phrases[best], score)
                matches[phrase] = found
            if found.score >= score_cutoff:
                out.append(found)
        return out

    def find_in_text(self, text: str) -> list[Match]:
        """Terms with an alias in ``text`` (job titles, industries) as consecutive whole words.

        Word-level matching rather than fuzzy scoring, so that a short alias such as
        "art" never matches inside "part-time"; a multi-word alias matches only as its
        words in sequence ("day care", not "Customer Care Associate - Day Shift").
        """
        sequence = tokens(text)
        words = frozenset(sequence)
        found: dict[str, Match] = {}
        for i, alias_words in enumerate(self._token_sets):
            if alias_words and alias_words <= words:  # cheap filter; the order is checked next
                if len(alias_words) > 1 and find_words(sequence, tokens(self.phrases[i])) < 0:
                    continue
                code = self.codes[self._owners[i]]
                found.setdefault(code, Match(text, code, self.phrases[i], 100.0))
        return list(found.values())

    def find_in_job_text(self, text: str) -> list[Match]:
        """As :meth:`find_in_text` for an employer's words (a posting's title, its industry).

        An alias of ``MAX_ACRONYM`` letters or fewer ("it") counts there only as a capitalised
        word ("IT Support"): lower-case, it is an ordinary word ("Make it Right Technician").
        """
        words = set(_WORD.findall(text))
        return [
            m for m in self.find_in_text(text) if len(m.matched) > MAX_ACRONYM or m.matched.upper() in words
        ]


#: The longest alias read as an acronym: a whole word of a typed phrase (``TermIndex.resolve``),
#: a capitalised word of job text (``TermIndex.find_in_job_text``).
MAX_ACRONYM = 2
_WORD = re.compile(r"[A-Za-z0-9]+")
_TOKEN = re.compile(r"[a-z0-9]+")


def find_words(sequence: list[str], words: list[str]) -> int:
    """Where ``words`` first occur in ``sequence`` as consecutive tokens, or -1."""
    n = len(words)
    if n == 0:
        return -1
    for k in range(len(sequence) - n + 1):
        if sequence[k : k + n] == words:
            return k
    return -1


@lru_cache(maxsize=4096)  # the shown suggestions are explained again and again (pages, re-asks)
def quote_in_text(text: str, alias: str) -> str:
    """The words of ``text`` that an alias matched, as ``text`` writes them ("Unload" for "unload").

    The alias's tokens are found as consecutive tokens of ``text`` (``find_in_text``'s rule);
    the span from the first to the last is returned verbatim, or "" when the alias is not there.
    """
    spans = list(_WORD.finditer(text))  # positions in ``text`` itself, as ``tokens`` reads it
    k = find_words([stem(m.group().lower()) for m in spans], tokens(alias))
    if k < 0:
        return ""
    return text[spans[k].start() : spans[k + len(tokens(alias)) - 1].end()]


def stem(word: str) -> str:
    """Fold simple English plurals so "dishwashers" meets "dishwasher"."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lower-cased, plural-folded word tokens."""
    return [stem(w) for w in _TOKEN.findall(text.lower())]


def analyze(text: str) -> list[str]:
    """TF-IDF analyzer: word tokens plus adjacent-word bigrams."""
    words = tokens(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True, slots=True)
class AvoidanceTopic:
    """Something a client may choose to avoid (``data/avoidance_topics.csv``).

    ``names`` are what a client may type to mean the topic (besides ``label``);
    ``keywords`` are the phrases that signal it in an opening; ``industries`` are
    industry codes (``industries.csv``) whose every job counts; ``onet_soc`` are
    6-digit O*NET-SOC codes ("35-3011") whose every detailed occupation counts.
    ``job_words`` words a matching job in explanations ("an alcohol-serving job");
    ``exceptions`` are phrases inside which a keyword does not count ("drive thru").
    """

    code: str
    label: str
    job_words: str
    names: tuple[str, ...]
    keywords: tuple[str, ...]
    industries: tuple[str, ...]
    onet_soc: tuple[str, ...]
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Everything loaded from ``data/``."""

    dimensions: tuple[str, ...]
    dimension_labels: dict[str, str]
    capacity_questions: dict[str, str]  # what to ask about a person, per dimension
    demand_questions: dict[str, str]  # what to ask about a job, per dimension
    levels: tuple[int, ...]
    level_labels: dict[int, str]
    level_names: dict[str, int]  # lower-cased label or everyday word -> level
    stamina_hours: dict[int, float]
    accommodations: dict[str, str]
    accommodation_offsets: dict[str, tuple[str, ...]]
    modes: dict[str, str]
    industries: TermIndex
    work_areas: TermIndex
    skills: TermIndex
    avoidance_topics: tuple[AvoidanceTopic, ...] = ()

    @property
    def min_level(self) -> int:
        return self.levels[0]

    @property
    def max_level(self) -> int:
        return self.levels[-1]

    def level_of(self, value: object) -> int | None:
        """The level a number or a name stands for ("moderate", "Average", 3, "3"), or None."""
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            word = " ".join(value.lower().replace("-", " ").split())
            value = int(word) if word.isdigit() else self.level_names.get(word)
        return value if isinstance(value, int) and value in self.levels else None

    def level_choices(self) -> str:
        """The levels as a user may give them: "1-5 or very low, low, moderate, high, very high"."""
        return f"{self.min_level}-{self.max_level} or {', '.join(self.level_labels.values())}"


#: Everyday words for a level beside the scale's own labels (a name may stand for one level only).
LEVEL_WORDS = {"average": "moderate", "medium": "moderate", "fair": "moderate"}


def _level_names(scale: list[dict[str, str]]) -> dict[str, int]:
    names = {r["label"].lower(): int(r["level"]) for r in scale}
    for word, label in LEVEL_WORDS.items():
        if label not in names:
            raise VocabularyError(f"level word {word!r} names unknown level label {label!r}")
        names.setdefault(word, names[label])
    return names


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise VocabularyError(f"vocabulary file missing: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(";") if p.strip()]


def _term_index(path: Path, alias_column: str) -> TermIndex:
    rows = _rows(path)
    return TermIndex(
        [r["code"] for r in rows],
        [r["label"] for r in rows],
        [_split(r[alias_column]) for r in rows],
    )


_SOC = re.compile(r"\d{2}-\d{4}")


def _avoidance_topics(path: Path, industry_codes: tuple[str, ...]) -> tuple[AvoidanceTopic, ...]:
    """The avoidance topics, checked: unique codes, known industries, 6-digit O*NET-SOC codes."""
    topics = []
    for r in _rows(path):
        topic = AvoidanceTopic(
            code=r["code"],
            label=r["label"],
            job_words=r["job_words"],
            names=tuple(_split(r["names"])),
            keywords=tuple(_split(r["keywords"])),
            industries=tuple(_split(r["industries"])),
            onet_soc=tuple(_split(r["onet_soc"])),
            exceptions=tuple(_split(r.get("exceptions"))),
        )
        if not topic.keywords or not topic.job_words:
            raise VocabularyError(f"avoidance topic {topic.code} needs keywords and job_words")
        unknown = set(topic.industries) - set(industry_codes)
        if unknown:
            raise VocabularyError(f"avoidance topic {topic.code} names unknown industries {unknown}")
        bad = [c for c in topic.onet_soc if not _SOC.fullmatch(c)]
        if bad:
            raise VocabularyError(f"avoidance topic {topic.code}: not 6-digit O*NET-SOC codes {bad}")
        topics.append(topic)
    codes = [t.code for t in topics]
    if len(set(codes)) != len(codes):
        raise VocabularyError("avoidance_topics.csv repeats a topic code")
    return tuple(topics)


@cache
def load_vocabulary(data_dir: Path = DATA_DIR) -> Vocabulary:
    """Load and check the vocabularies in ``data_dir`` (cached per directory)."""
    dims = _rows(data_dir / "dimensions.csv")
    scale = _rows(data_dir / "scale.csv")
    accs = _rows(data_dir / "accommodations.csv")
    modes = _rows(data_dir / "modes.csv")
    industries = _term_index(data_dir / "industries.csv", "aliases")
    dim_codes = tuple(r["code"] for r in dims)
    offsets = {r["code"]: tuple(_split(r["offsets"])) for r in accs}
    for code, offs in offsets.items():
        unknown = set(offs) - set(dim_codes)
        if unknown:
            raise VocabularyError(f"accommodation {code} offsets unknown dimensions {unknown}")
    levels = tuple(int(r["level"]) for r in scale)
    if list(levels) != list(range(levels[0], levels[0] + len(levels))):
        raise VocabularyError("scale.csv levels must be consecutive integers")
    return Vocabulary(
        dimensions=dim_codes,
        dimension_labels={r["code"]: r["label"] for r in dims},
        # questions are one CSV cell each, where ";" stands for a comma
        capacity_questions={r["code"]: r["capacity_question"].replace(";", ",") for r in dims},
        demand_questions={r["code"]: r["demand_question"].replace(";", ",") for r in dims},
        levels=levels,
        level_labels={int(r["level"]): r["label"] for r in scale},
        level_names=_level_names(scale),
        stamina_hours={int(r["level"]): float(r["stamina_hours"]) for r in scale},
        accommodations={r["code"]: r["label"] for r in accs},
        accommodation_offsets=offsets,
        modes={r["code"]: r["label"] for r in modes},
        industries=industries,
        work_areas=_term_index(data_dir / "work_areas.csv", "phrases"),
        skills=_term_index(data_dir / "skills.csv", "aliases"),
        avoidance_topics=_avoidance_topics(data_dir / "avoidance_topics.csv", industries.codes),
    )
