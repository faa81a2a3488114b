"""ESCO (European Skills, Competences, Qualifications and Occupations) CSV release.

Two uses: skill phrases are normalised to ESCO skill labels, so "customer
care" and "customer service" meet (:class:`EscoSkills`); and ESCO occupation
labels that clearly name one O*NET occupation add titles to title resolution
(:func:`crosswalk_titles`), e.g. the British "kitchen porter" whose ESCO
alternative labels ("dish washer", "kitchen steward", ...) are O*NET
Dishwashers titles.

ESCO is published by the European Commission (ESCO v1.1.1, (c) European Union),
reusable with attribution.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from matcher.errors import MatcherError
from matcher.occupations.normalize import normalize_title
from matcher.vocab import tokens

ATTRIBUTION = (
    "This product uses the ESCO classification of the European Commission "
    "(ESCO, (c) European Union, https://esco.ec.europa.eu), reused with attribution."
)
SKILL_CUTOFF = 90.0


class EscoError(MatcherError):
    """The ESCO release is missing or unreadable."""


def find_zip(path: Path | str, member: str) -> Path:
    """The zip under ``path`` (a zip or a folder of zips) that holds ``member``."""
    path = Path(path)
    candidates = [path] if path.is_file() else sorted(path.glob("*.zip"))
    for candidate in candidates:
        try:
            with zipfile.ZipFile(candidate) as zf:
                if member in zf.namelist():
                    return candidate
        except zipfile.BadZipFile:
            continue
    raise EscoError(f"no ESCO zip holding {member} at {path}")


def read_csv(path: Path | str, member: str) -> Iterator[dict[str, str]]:
    """Rows of one CSV member of the ESCO release (``path``: zip or folder)."""
    with zipfile.ZipFile(find_zip(path, member)) as zf, zf.open(member) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))


def labels_of(row: dict[str, str]) -> list[str]:
    """Preferred label first, then the alternative labels (newline-separated in ESCO)."""
    alts = [a.strip() for a in (row.get("altLabels") or "").split("\n")]
    return list(dict.fromkeys([row["preferredLabel"].strip(), *[a for a in alts if a]]))


def skill_key(phrase: str) -> str:
    """Lower-case, plural-folded words of a skill phrase."""
    return " ".join(tokens(phrase))


class EscoSkills:
    """ESCO skill labels for canonicalising free-text skill phrases.

    Parameters
    ----------
    uris, preferred : list of str
        Skill URIs and their preferred labels.
    labels : dict
        Normalised label (preferred or alternative) -> position in ``uris``.
    """

    def __init__(self, uris: list[str], preferred: list[str], labels: dict[str, int]) -> None:
        self.uris = uris
        self.preferred = preferred
        self._labels = labels
        self._keys = list(labels)
        self._memo: dict[str, int | None] = {}

    def __len__(self) -> int:
        return len(self.uris)

    @classmethod
    def load(cls, path: Path | str) -> EscoSkills:
        """Read ``skills_en.csv`` from the classification zip (or a folder holding it)."""
        uris: list[str] = []
        preferred: list[str] = []
        alternatives: list[tuple[str, int]] = []
        labels: dict[str, int] = {}
        for row in read_csv(path, "skills_en.csv"):
            i = len(uris)
            uris.append(row["conceptUri"])
            names = labels_of(row)
            preferred.append(names[0])
            labels.setdefault(skill_key(names[0]), i)  # preferred labels win over alternatives
            alternatives.extend((name, i) for name in names[1:])
        for name, i in alternatives:
            labels.setdefault(skill_key(name), i)
        labels.pop("", None)
        return cls(uris, preferred, labels)

    def lookup(self, phrase: str, *, score_cutoff: float = SKILL_CUTOFF) -> int | None:
        """Position of the ESCO skill a phrase names (exact label, else rapidfuzz), or None."""
        key = skill_key(phrase)
        if key in self._memo:
            return self._memo[key]
        found = self._labels.get(key)
        if found is None and key:
            hit = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=score_cutoff)
            found = None if hit is None else self._labels[hit[0]]
        self._memo[key] = found
        return found

    def canonical(self, phrase: str) -> str | None:
        """The preferred ESCO label of the skill a phrase names, or None.

        >>> skills.canonical("customer care")  # doctest: +SKIP
        'customer service'
        """
        found = self.lookup(phrase)
        return None if found is None else self.preferred[found]

    def uri(self, phrase: str) -> str | None:
        """The ESCO concept URI of the skill a phrase names, or None."""
        found = self.lookup(phrase)
        return None if found is None else self.uris[found]


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """ESCO labels added as O*NET titles, and how many ESCO occupations were read and linked."""

    titles: list[tuple[str, int]]
    read: int
    linked: int


def crosswalk_titles(path: Path | str, onet_titles: dict[str, set[int]]) -> Crosswalk:
    """ESCO occupation labels to add as titles of O*NET occupations.

    An ESCO occupation is linked to the O*NET occupation its labels name
    exactly (after title normalisation): each label found in O*NET votes for
    the occupations it names (1/k each when it names k), and the winner must
    hold a strict majority of the votes and be named by at least two labels.
    Its labels that O*NET lacks become extra titles of that occupation, e.g.
    ESCO "kitchen porter" (alternative labels "dish washer", "kitchen
    steward", ...) adds "kitchen porter" to O*NET 35-9021.00 Dishwashers.

    Parameters
    ----------
    path : path
        The ESCO classification zip, or a folder holding it.
    onet_titles : dict
        Normalised O*NET title -> occupation rows it names.

    Returns
    -------
    Crosswalk
        ``titles`` holds (label, occupation row) pairs.
    """
    out: list[tuple[str, int]] = []
    read = linked = 0
    for _, names, winner in occupation_links(path, onet_titles):
        read += 1
        if winner is not None:
            linked += 1
            out.extend((name, winner) for name in names if normalize_title(name) not in onet_titles)
    return Crosswalk(out, read, linked)


def occupation_links(
    path: Path | str, onet_titles: dict[str, set[int]]
) -> Iterator[tuple[str, list[str], int | None]]:
    """(ESCO occupation URI, its labels, the O*NET row it names or None) for every ESCO occupation.

    The rule of :func:`crosswalk_titles`: a strict majority of the label
    votes, from at least two labels.
    """
    for row in read_csv(path, "occupations_en.csv"):
        names = labels_of(row)
        weight: dict[int, float] = defaultdict(float)
        count: Counter[int] = Counter()
        for name in names:
            owners = onet_titles.get(normalize_title(name), set())
            for owner in owners:  # a label naming k occupations gives each 1/k vote
                weight[owner] += 1.0 / len(owners)
                count[owner] += 1
        winner = min(weight, key=lambda o: (-weight[o], o)) if weight else None
        if winner is not None and not (count[winner] >= 2 and weight[winner] > 0.5 * sum(weight.values())):
            winner = None
        yield row["conceptUri"], names, winner
