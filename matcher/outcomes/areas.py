"""Whether a job is in the client's stated areas: the kinds of work and industries they named.

IPS counts jobs in a person's preferred areas because they last about twice as long. A job is
in the stated areas when a work area named in its title or industry is one the client's
interests resolve to, or its industry is one of the client's preferred industries; the same
vocabularies and phrase cut-off as the engine's preference reasons. A client who stated no
interest and no industry has no stated areas: their jobs are left out of the share.
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.vocab import Vocabulary


@dataclass(frozen=True, slots=True)
class StatedAreas:
    """The work-area and industry codes a client's stated preferences resolve to."""

    areas: frozenset[str]
    industries: frozenset[str]

    @property
    def stated(self) -> bool:
        return bool(self.areas or self.industries)


def stated_areas(
    interests: tuple[str, ...] | list[str],
    preferred_industries: tuple[str, ...] | list[str],
    vocab: Vocabulary,
    *,
    score_cutoff: float,
) -> StatedAreas:
    """The codes of the client's interests (work areas) and preferred industries."""
    areas = {m.code for m in vocab.work_areas.resolve(tuple(interests), score_cutoff=score_cutoff)}
    industries = {
        m.code for m in vocab.industries.resolve(tuple(preferred_industries), score_cutoff=score_cutoff)
    }
    return StatedAreas(areas=frozenset(areas), industries=frozenset(industries))


def in_stated_areas(
    stated: StatedAreas, *, job_title: str, industry: str, vocab: Vocabulary, score_cutoff: float
) -> bool | None:
    """True when the job is in ``stated``; None when the client stated no areas."""
    if not stated.stated:
        return None
    text = f"{job_title} {industry}"
    if stated.areas & {m.code for m in vocab.work_areas.find_in_job_text(text)}:
        return True
    found = vocab.industries.resolve((industry,), score_cutoff=score_cutoff) if industry else []
    return bool(stated.industries & {m.code for m in found})
