"""What one O*NET occupation implies: cognitive demands (1-5) and skill phrases.

Cognitive demands
-----------------
O*NET has no direct rating of the engine's eight dimensions, so each is
derived from related O*NET elements (``DIMENSION_SOURCES``). Work Styles and
Skills/Knowledge ratings are compressed (most occupations rate Attention to
Detail 4-5 of 5), so each element is first turned into a percentile rank among
all rated occupations and mapped linearly to 1-5 (``1 + 4 * percentile``);
Job Zone is already a 1-5 scale and is used as is. A dimension is the rounded
mean of its available components; with none available it stays unknown.
Stamina is never derived from O*NET (nothing in it measures hours a day); the
engine derives it from shift lengths.

Skill phrases
-------------
An occupation's phrases are what most people in it do: its most distinctive
skills and knowledge areas (importance >= 3 of 5, "important", and both
importance and level above the all-occupation mean; ranked by how far the
importance is above it), its detailed work activities linked to a core task
(O*NET: a task at least 67% of incumbents perform and rate important; most
core-task-linked first), and the technologies O*NET marks In Demand for the
occupation (often asked for in its job postings) that are not office tools
(:func:`office_tool`: no "Microsoft Excel" or "Google Docs" for everyone;
none for occupations listing under 5 technologies).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from matcher.occupations.store import OccupationStore, Technology

Kind = Literal["zone", "style", "skill_level", "knowledge_importance"]

# dimension -> the O*NET elements it is derived from (kind, element name)
DIMENSION_SOURCES: dict[str, tuple[tuple[Kind, str], ...]] = {
    "attention": (("style", "Attention to Detail"),),
    "memory": (("zone", "Job Zone"), ("skill_level", "Active Learning")),
    "pace": (("style", "Stress Tolerance"), ("skill_level", "Time Management")),
    "multitasking": (("skill_level", "Coordination"), ("skill_level", "Time Management")),
    "complexity": (
        ("zone", "Job Zone"),
        ("skill_level", "Complex Problem Solving"),
        ("style", "Analytical Thinking"),
    ),
    "public_contact": (
        ("style", "Social Orientation"),
        ("style", "Concern for Others"),
        ("skill_level", "Service Orientation"),
        ("knowledge_importance", "Customer and Personal Service"),
    ),
    "change": (("style", "Adaptability/Flexibility"),),
}
IMPORTANT = 3.0  # O*NET importance 3 = "important"
COMMON_TECHNOLOGY = 0.3
MIN_TECHNOLOGY = 5


@dataclass(frozen=True, slots=True)
class OccupationPhrases:
    """Skill phrases of one occupation, by kind, most characteristic first."""

    skills: tuple[str, ...]
    knowledge: tuple[str, ...]
    activities: tuple[str, ...]
    technology: tuple[str, ...]


def _percentiles(values: np.ndarray) -> np.ndarray:
    """Column-wise percentile rank in (0, 1) among non-missing values (ties averaged)."""
    out = np.full(values.shape, np.nan)
    for j in range(values.shape[1]):
        col = values[:, j]
        ok = np.isfinite(col)
        if ok.any():
            v = col[ok]
            order = np.sort(v)
            below = np.searchsorted(order, v, side="left")
            upto = np.searchsorted(order, v, side="right")
            out[ok, j] = (below + upto) / 2.0 / len(v)
    return out


def _component_table(store: OccupationStore, kind: Kind) -> tuple[tuple[str, ...], np.ndarray]:
    key = f"pct:{kind}"
    if key not in store.cache:
        names, values = {
            "style": (store.style_names, store.styles),
            "skill_level": (store.skill_names, store.skill_level),
            "knowledge_importance": (store.knowledge_names, store.knowledge_importance),
        }[kind]
        store.cache[key] = (names, 1.0 + 4.0 * _percentiles(values))
    return store.cache[key]  # type: ignore[no-any-return]


def _component(store: OccupationStore, row: int, kind: Kind, element: str) -> float:
    if kind == "zone":
        return float(store.job_zone[row])
    names, scaled = _component_table(store, kind)
    if element not in names:
        return math.nan
    return float(scaled[row, names.index(element)])


def occupation_demands(store: OccupationStore, code: str) -> dict[str, int]:
    """Cognitive demands (1-5) of an occupation, for the dimensions O*NET supports.

    Parameters
    ----------
    store : OccupationStore
    code : str
        O*NET-SOC code.

    Returns
    -------
    dict
        Dimension code -> rating; dimensions without data are absent.
    """
    row = store.row(code)
    out: dict[str, int] = {}
    for dim, sources in DIMENSION_SOURCES.items():
        values = [v for k, e in sources if math.isfinite(v := _component(store, row, k, e))]
        if values:
            out[dim] = int(min(5, max(1, math.floor(sum(values) / len(values) + 0.5))))
    return out


def standardize(values: np.ndarray) -> np.ndarray:
    """Column-wise z-scores over the rated occupations (NaN stays NaN; unrated columns 0 mean)."""
    rated = np.isfinite(values).sum(axis=0)
    safe = np.where(np.isfinite(values), values, 0.0)
    mean = safe.sum(axis=0) / np.maximum(rated, 1)
    var = np.where(np.isfinite(values), (values - mean) ** 2, 0.0).sum(axis=0) / np.maximum(rated, 1)
    sd = np.sqrt(var)
    return np.asarray((values - mean) / np.where(sd > 0, sd, 1.0))


def _zscores(store: OccupationStore, name: str, values: np.ndarray) -> np.ndarray:
    key = f"z:{name}"
    if key not in store.cache:
        store.cache[key] = standardize(values)
    return store.cache[key]  # type: ignore[no-any-return]


def _distinctive(
    store: OccupationStore, kind: Literal["skill", "knowledge"], row: int, n: int
) -> tuple[str, ...]:
    names = store.skill_names if kind == "skill" else store.knowledge_names
    importance = store.skill_importance if kind == "skill" else store.knowledge_importance
    level = store.skill_level if kind == "skill" else store.knowledge_level
    z_im = _zscores(store, f"{kind}_im", importance)[row]
    z_lv = _zscores(store, f"{kind}_lv", level)[row]
    with np.errstate(invalid="ignore"):  # NaN compares False: unrated elements drop out
        ok = np.flatnonzero((importance[row] >= IMPORTANT) & (z_im > 0) & (z_lv > 0))
    ranked = sorted(ok, key=lambda j: (-z_im[j], names[j]))
    return tuple(names[j] for j in ranked[:n])


# Software nearly every office job uses: never evidence that two jobs are alike, nor a skill
# worth inferring from a title (UNSPSC commodity titles of O*NET Technology Skills).
OFFICE_COMMODITIES = frozenset(
    {
        "Word processing software",
        "Spreadsheet software",
        "Electronic mail software",
        "Office suite software",
        "Presentation software",
        "Operating system software",
        "Internet browser software",
        "Calendar and scheduling software",
        "Cloud-based data access and sharing software",
        "Instant messaging software",
        "Video conferencing software",
    }
)


def technology_share(store: OccupationStore) -> dict[str, float]:
    """Technology example -> share of the occupations listing any technology that list it."""
    if "tech_share" not in store.cache:
        counts: dict[str, int] = {}
        for techs in store.technology:
            for example in {t.example for t in techs}:
                counts[example] = counts.get(example, 0) + 1
        rated = max(1, sum(1 for t in store.technology if t))
        store.cache["tech_share"] = {k: v / rated for k, v in counts.items()}
    return store.cache["tech_share"]  # type: ignore[no-any-return]


def office_tool(tech: Technology, share: dict[str, float]) -> bool:
    """An office tool: general office software, or listed for 30% of occupations or more."""
    return tech.commodity in OFFICE_COMMODITIES or share.get(tech.example, 0.0) >= COMMON_TECHNOLOGY


def distinctive_technology(store: OccupationStore, row: int, n: int) -> tuple[str, ...]:
    """Up to ``n`` technologies to infer from the occupation: what its job postings ask for.

    A technology counts when O*NET marks it In Demand for this occupation
    (often in its own postings), is not an office tool (:func:`office_tool`)
    and the occupation lists at least ``MIN_TECHNOLOGY`` (O*NET lists a few
    token examples for jobs with little technology).
    """
    share = technology_share(store)
    techs = store.technology[row]
    if len(techs) < MIN_TECHNOLOGY:
        return ()
    wanted = [t.example for t in techs if t.demand and not office_tool(t, share)]
    return tuple(dict.fromkeys(wanted))[:n]


def _family_counts(store: OccupationStore) -> dict[tuple[str, str], int]:
    """(SOC minor group, DWA id) -> occupations of the group listing the DWA."""
    if "family_dwa" not in store.cache:
        counts: dict[tuple[str, str], int] = {}
        for code, acts in zip(store.codes, store.activities, strict=True):
            for dwa in acts:
                counts[(code[:4], dwa)] = counts.get((code[:4], dwa), 0) + 1
        store.cache["family_dwa"] = counts
    return store.cache["family_dwa"]  # type: ignore[no-any-return]


def typical_core_activities(store: OccupationStore, row: int) -> list[str]:
    """Core-task activities, most core tasks first, then most common in the occupation's family.

    The family (SOC minor group, e.g. 21-1 community and social service
    specialists) breaks ties, so an activity O*NET links to one core task
    but that is foreign to the kind of work ("Conduct diagnostic tests" for
    human service assistants) comes after the ones the family shares.
    """
    family = _family_counts(store)
    prefix = store.codes[row][:4]
    pairs = zip(store.core_activities[row], store.core_task_links[row], strict=True)
    ranked = sorted(pairs, key=lambda p: (-p[1], -family.get((prefix, p[0]), 0), p[0]))
    return [dwa for dwa, _ in ranked]


def occupation_phrases(
    store: OccupationStore,
    code: str,
    *,
    skills: int = 3,
    knowledge: int = 2,
    activities: int = 5,
    technology: int = 2,
) -> OccupationPhrases:
    """The occupation's most characteristic skills, knowledge, work activities and technology."""
    row = store.row(code)
    dwas = tuple(store.dwa_titles.get(d, "").rstrip(".") for d in typical_core_activities(store, row))
    return OccupationPhrases(
        skills=_distinctive(store, "skill", row, skills),
        knowledge=_distinctive(store, "knowledge", row, knowledge),
        activities=tuple(d for d in dwas if d)[:activities],
        technology=distinctive_technology(store, row, technology),
    )
