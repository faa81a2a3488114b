"""Enrich openings and clients with what their occupations imply.

* :func:`enrich_openings` — an opening's O*NET occupation (its given code, else
  its resolved title) fills the cognitive demands the liaison left unrated
  (named in ``inferred_demands``), its skills when none were given
  (``skills_inferred``) and its RIASEC profile when absent. Explicit liaison
  values always win.
* :func:`enrich_clients` — past job titles give ``inferred_strengths``: skills,
  work activities and technology the client has likely used. They are shown as
  "inferred from work history"; a specialist may accept one (the API then
  stores it as an ordinary strength) or remove it (pass it in ``removed`` so
  it is not inferred again). A client's RIASEC profile is never inferred.

Only what most people in the occupation do is inferred (core-task
activities, important and distinctive skills and knowledge, In Demand
technology that is not an office tool; :mod:`matcher.occupations.profile`);
:func:`infer_strengths` gives each with its evidence and a confidence.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from matcher.occupations.profile import occupation_demands, occupation_phrases
from matcher.occupations.store import OccupationStore
from matcher.occupations.titles import MIN_CONFIDENCE, resolve_title
from matcher.types import Client, Opening

_log = logging.getLogger(__name__)

MAX_STRENGTHS = 15


@dataclass(frozen=True, slots=True)
class InferredStrength:
    """A strength inferred from a past job title, with where it came from.

    ``evidence`` says which O*NET rating or flag carries it; ``confidence``
    (0-1) is the title's resolution confidence times how sure the data is
    that people in the occupation do it (:func:`item_support`).
    """

    phrase: str
    kind: str  # "activity", "skill", "knowledge" or "technology"
    source_title: str
    code: str
    evidence: str = ""
    confidence: float = 0.0


# How sure O*NET is that an incumbent does it: a core task is done by >= 67% of incumbents,
# a DWA several core tasks lead to more surely so; an "In Demand" technology is asked for by
# many (not most) employers, so it is weaker evidence.
CORE_TASK_SUPPORT = (0.67, 0.8, 0.9)  # DWA linked to 1, 2, 3+ core tasks
IN_DEMAND_SUPPORT = 0.6


def item_support(kind: str, value: float) -> float:
    """Support (0-1) for one inferred item: ``value`` is core-task links (activity) or importance 1-5."""
    if kind == "activity":
        return CORE_TASK_SUPPORT[min(int(value), len(CORE_TASK_SUPPORT)) - 1]
    if kind in ("skill", "knowledge"):
        return min(1.0, value / 5.0)
    return IN_DEMAND_SUPPORT


def _evidence(store: OccupationStore, code: str) -> list[tuple[str, str, str, float]]:
    """(phrase, kind, evidence, support) for everything :func:`occupation_phrases` infers."""
    row = store.row(code)
    title = store.titles[row]
    p = occupation_phrases(store, code)
    links = {
        store.dwa_titles.get(dwa, "").rstrip("."): k
        for dwa, k in zip(store.core_activities[row], store.core_task_links[row], strict=True)
    }
    out: list[tuple[str, str, str, float]] = []
    for phrase in p.activities:
        k = links.get(phrase, 1)
        out.append(
            (
                phrase,
                "activity",
                f"work activity of {k} core task{'s' if k > 1 else ''} of {title} "
                "(O*NET core: done by at least 67% of incumbents, rated important)",
                item_support("activity", k),
            )
        )
    for kind, names, importance, level, items in (
        ("skill", store.skill_names, store.skill_importance, store.skill_level, p.skills),
        ("knowledge", store.knowledge_names, store.knowledge_importance, store.knowledge_level, p.knowledge),
    ):
        for phrase in items:
            j = names.index(phrase)
            im, lv = float(importance[row, j]), float(level[row, j])
            out.append(
                (
                    phrase,
                    kind,
                    f"O*NET {kind} importance {im:.1f}/5, level {lv:.1f}/7 for {title} "
                    "(above the average occupation)",
                    item_support(kind, im),
                )
            )
    for phrase in p.technology:
        out.append(
            (
                phrase,
                "technology",
                f"O*NET In Demand for {title}: often asked for in its job postings",
                IN_DEMAND_SUPPORT,
            )
        )
    return out


def occupation_of(
    store: OccupationStore, code: str | None, title: str, *, min_confidence: float = MIN_CONFIDENCE
) -> str | None:
    """The O*NET-SOC code to use: a given code known to the store wins, else the resolved title."""
    if code:
        try:
            return store.codes[store.row(code)]
        except KeyError:
            _log.warning("O*NET-SOC code %r is not in the occupation store", code)
            return None
    found = resolve_title(store, title, top=1, min_confidence=min_confidence)
    return found[0].code if found else None


def _riasec(store: OccupationStore, code: str) -> tuple[float, ...] | None:
    values = store.riasec[store.row(code)]
    return tuple(round(float(v), 2) for v in values) if all(v == v for v in values) else None


def enrich_opening(
    opening: Opening, store: OccupationStore, *, min_confidence: float = MIN_CONFIDENCE
) -> Opening:
    """One opening enriched from its occupation (see :func:`enrich_openings`)."""
    code = occupation_of(store, opening.onet_soc, opening.title, min_confidence=min_confidence)
    if code is None:
        return opening
    changes: dict[str, object] = {}
    if not opening.onet_soc:
        changes["onet_soc"] = code
    filled = {d: v for d, v in occupation_demands(store, code).items() if d not in opening.demands}
    if filled:
        changes["demands"] = {**opening.demands, **filled}
        changes["inferred_demands"] = opening.inferred_demands | frozenset(filled)
    if not opening.required_skills and not opening.preferred_skills:
        phrases = occupation_phrases(store, code, knowledge=0, technology=0)
        skills = tuple(dict.fromkeys((*phrases.skills, *phrases.activities)))
        if skills:
            changes["preferred_skills"] = skills
            changes["skills_inferred"] = True
    if opening.riasec is None and (riasec := _riasec(store, code)) is not None:
        changes["riasec"] = riasec
    return dataclasses.replace(opening, **changes) if changes else opening  # type: ignore[arg-type]


def enrich_openings(
    openings: list[Opening], store: OccupationStore, *, min_confidence: float = MIN_CONFIDENCE
) -> list[Opening]:
    """Fill unrated demands, missing skills and RIASEC from each opening's O*NET occupation.

    Parameters
    ----------
    openings : list of Opening
    store : OccupationStore
    min_confidence : float
        Title resolution threshold; an opening whose title resolves below it
        (and has no ``onet_soc``) is returned unchanged.

    Returns
    -------
    list of Opening
        New records (``dataclasses.replace``), in input order. Filled demand
        dimensions are listed in ``inferred_demands``; liaison ratings are
        never changed. ``preferred_skills`` are filled (``skills_inferred``)
        only when the opening had no required or preferred skills.
    """
    return [enrich_opening(o, store, min_confidence=min_confidence) for o in openings]


def infer_strengths(
    store: OccupationStore, titles: Collection[str], *, min_confidence: float = MIN_CONFIDENCE
) -> list[InferredStrength]:
    """Strengths a person likely used in past jobs, deduplicated (case-insensitive).

    Each title that resolves contributes what most people in its occupation
    do: work activities of core tasks, important and distinctive skills and
    knowledge areas, and In Demand technology that is not an office tool, in
    that order (see :mod:`matcher.occupations.profile`), each with its
    evidence and a confidence; titles take turns, so every past job is
    represented near the top.
    """
    per_title: list[list[InferredStrength]] = []
    for title in titles:
        found = resolve_title(store, title, top=1, min_confidence=min_confidence)
        if not found:
            continue
        code, sure = found[0].code, found[0].confidence
        per_title.append(
            [
                InferredStrength(phrase, kind, title, code, evidence, round(sure * support, 3))
                for phrase, kind, evidence, support in _evidence(store, code)
            ]
        )
    out: dict[str, InferredStrength] = {}
    for turn in itertools.zip_longest(*per_title):
        for strength in turn:
            if strength is not None:
                out.setdefault(strength.phrase.casefold(), strength)
    return list(out.values())


def enrich_clients(
    clients: list[Client],
    store: OccupationStore,
    *,
    min_confidence: float = MIN_CONFIDENCE,
    limit: int = MAX_STRENGTHS,
    removed: Mapping[str, Collection[str]] | None = None,
) -> list[Client]:
    """Fill ``inferred_strengths`` from each client's past job titles.

    Parameters
    ----------
    clients : list of Client
    store : OccupationStore
    min_confidence : float
        Past titles resolving below this are ignored.
    limit : int
        At most this many inferred strengths per client.
    removed : mapping, optional
        Client id -> phrases a specialist removed; they are not inferred again.

    Returns
    -------
    list of Client
        New records in input order: ``inferred_strengths`` holds phrases not
        already among the client's own strengths (case-insensitive), in the
        order of :func:`infer_strengths`. A client none of whose past titles
        resolves is returned unchanged. ``riasec`` is never changed.
    """
    out: list[Client] = []
    for client in clients:
        skip = {s.casefold() for s in client.strengths}
        skip |= {s.casefold() for s in (removed or {}).get(client.id, ())}
        found = infer_strengths(store, client.past_titles, min_confidence=min_confidence)
        if not found:  # nothing resolvable: keep whatever the record already holds
            out.append(client)
            continue
        phrases = tuple(s.phrase for s in found if s.phrase.casefold() not in skip)[:limit]
        out.append(dataclasses.replace(client, inferred_strengths=phrases))
    return out
