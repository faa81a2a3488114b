"""Soft factors in [0, 1] and the weighted 0-100 score, on whole matrices.

Score = 100 * sum_f w[c, f] * factor_f[c, j], so the per-factor contributions
``100 * w * factor`` add up to the score by construction. Excluded pairs get
NaN. The formulas are spelled out in the README ("The factors").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.commute import Commute
from matcher.config import FACTORS, CommuteConfig, ScoringConfig
from matcher.features import ClientBatch, OpeningIndex

PREFERENCE_PARTS = ("phrases", "text", "industry", "riasec")


@dataclass(frozen=True, slots=True)
class Scores:
    """Factor matrices (F, C, J), the per-client weights and the score (C, J)."""

    factors: np.ndarray
    weights: np.ndarray
    score: np.ndarray

    def contributions(self, c: int, j: int) -> dict[str, float]:
        """Points each factor adds to the score of pair (c, j)."""
        return {
            f: float(100.0 * self.weights[c, k] * self.factors[k, c, j])
            for k, f in enumerate(FACTORS)
        }


def preference(clients: ClientBatch, index: OpeningIndex, config: ScoringConfig) -> np.ndarray:
    """Blend of work-area phrases, TF-IDF text, preferred industry and RIASEC.

    Each part counts only where the client (and, for RIASEC, the job) gave
    something to compare; with nothing at all, the factor is neutral.
    """
    parts = preference_parts(clients, index, config)
    blend = config.preference_blend
    num = np.zeros(parts["phrases"][0].shape)
    den = np.zeros_like(num)
    for name in PREFERENCE_PARTS:
        value, available = parts[name]
        num += blend[name] * np.where(available, value, 0.0)
        den += blend[name] * available
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), config.neutral)


def preference_parts(
    clients: ClientBatch, index: OpeningIndex, config: ScoringConfig
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each preference part as (value (C, J), available (C, J) or broadcastable)."""
    n_c = len(clients.clients)
    phrases = (clients.areas @ index.areas.T).toarray() > 0
    has_areas = (np.asarray(clients.areas.sum(axis=1)).ravel() > 0)[:, None]
    cos = (clients.query @ index.text.T).toarray()
    has_query = (np.asarray(clients.query.getnnz(axis=1)) > 0)[:, None]
    text = np.minimum(cos / config.text_full_match, 1.0)
    industry = np.zeros((n_c, len(index.ids)))
    known = index.industry_code >= 0
    industry[:, known] = clients.industries[:, index.industry_code[known]]
    has_industry = clients.industries.any(axis=1)[:, None]
    riasec, has_riasec = riasec_congruence(clients.riasec, index.riasec)
    return {
        "phrases": (phrases.astype(np.float64), has_areas),
        "text": (text, has_query),
        "industry": (industry, has_industry),
        "riasec": (riasec, has_riasec),
    }


def riasec_congruence(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(C, J) Pearson correlation of RIASEC profiles mapped to [0, 1], and availability."""

    def centred(x: np.ndarray) -> np.ndarray:
        z = x - x.mean(axis=1, keepdims=True)
        norm = np.linalg.norm(z, axis=1, keepdims=True)
        return np.divide(z, norm, out=np.zeros_like(z), where=norm > 0)

    has_a = ~np.isnan(a).any(axis=1) if len(a) else np.zeros(0, bool)
    has_b = ~np.isnan(b).any(axis=1) if len(b) else np.zeros(0, bool)
    r = centred(np.where(has_a[:, None], a, 0.0)) @ centred(np.where(has_b[:, None], b, 0.0)).T
    return np.clip((r + 1.0) / 2.0, 0.0, 1.0), has_a[:, None] & has_b[None, :]


def strengths(clients: ClientBatch, index: OpeningIndex, config: ScoringConfig) -> np.ndarray:
    """Coverage of required and preferred skills, plus a bonus for related past jobs."""
    req_hit = (clients.skills @ index.req_skills.T).toarray()
    pref_hit = (clients.skills @ index.pref_skills.T).toarray()
    n_req, n_pref = index.n_req[None, :], index.n_pref[None, :]
    req_cov = np.divide(req_hit, n_req, out=np.zeros_like(req_hit), where=n_req > 0)
    pref_cov = np.divide(pref_hit, n_pref, out=np.zeros_like(pref_hit), where=n_pref > 0)
    share = np.where(n_pref > 0, np.where(n_req > 0, config.required_skill_share, 0.0), 1.0)
    coverage = np.where(
        (n_req + n_pref) > 0, share * req_cov + (1 - share) * pref_cov, config.neutral
    )
    past = (clients.past_areas @ index.areas.T).toarray() > 0
    return np.minimum(coverage + config.past_title_bonus * past, 1.0)


def cognitive_gaps(
    clients: ClientBatch, index: OpeningIndex, config: ScoringConfig, d: int
) -> tuple[np.ndarray, np.ndarray]:
    """(C, J) demand-above-capacity gap on dimension d, before and after offsets."""
    gap = np.maximum(index.demands[None, :, d] - clients.capacity[:, None, d], 0.0)
    gap = np.nan_to_num(gap)  # unknown demand or unrated capacity: no gap measured
    offset = np.where(
        clients.discloses[:, None], index.offset_disclosed[None, :, d], index.offset_all[None, :, d]
    )
    return gap, np.maximum(gap - config.offset_levels * offset, 0.0)


def cognitive(clients: ClientBatch, index: OpeningIndex, config: ScoringConfig) -> np.ndarray:
    """1 - (gaps left after accommodations + a small cost per unknown demand) / tolerance."""
    total = np.zeros((len(clients.clients), len(index.ids)))
    for d in range(index.demands.shape[1]):
        total += cognitive_gaps(clients, index, config, d)[1]
    unknown = np.isnan(index.demands).sum(axis=1)[None, :]
    return np.clip(
        1.0 - (total + config.unknown_gap * unknown) / config.cognitive_tolerance, 0.0, 1.0
    )


def accommodation(clients: ClientBatch, index: OpeningIndex) -> np.ndarray:
    """Share of the client's *preferred* accommodations the job gives them (1 if none)."""
    pref = clients.preferred.astype(np.float64)
    met_everyone = pref @ index.offered.T.astype(np.float64)
    met_request = pref @ index.on_request.T.astype(np.float64)
    met = met_everyone + np.where(clients.discloses[:, None], met_request, 0.0)
    n = pref.sum(axis=1)[:, None]
    return np.divide(met, n, out=np.ones_like(met), where=n > 0)


def commute_fit(clients: ClientBatch, commute: Commute, config: CommuteConfig) -> np.ndarray:
    """1 for no commute, falling linearly to ``fit_at_limit`` at the client's limit."""
    share = np.minimum(commute.minutes / clients.limit[:, None], 1.0)
    return np.where(np.isfinite(share), 1.0 - (1.0 - config.fit_at_limit) * share, 0.0)


def schedule_fit(clients: ClientBatch, index: OpeningIndex, config: ScoringConfig) -> np.ndarray:
    """Closeness of the job's weekly hours to the middle of the client's range."""
    mid = (clients.min_hours + clients.max_hours)[:, None] / 2.0
    half = (clients.max_hours - clients.min_hours)[:, None] / 2.0
    off = np.abs(index.hours[None, :] - mid)
    return np.clip(1.0 - off / (half + config.hours_tolerance), 0.0, 1.0)


def wage_fit(clients: ClientBatch, index: OpeningIndex, config: ScoringConfig) -> np.ndarray:
    """Wage above the client's reference (floor, or minimum wage), full at +headroom."""
    ref = np.maximum(clients.wage_floor, config.minimum_wage)[:, None]
    gain = (index.wage[None, :] - ref) / (ref * config.wage_headroom)
    return np.clip(config.wage_base + (1.0 - config.wage_base) * gain, 0.0, 1.0)


def score(
    clients: ClientBatch,
    index: OpeningIndex,
    commute: Commute,
    feasible: np.ndarray,
    *,
    scoring: ScoringConfig,
    commute_config: CommuteConfig,
) -> Scores:
    """All factors and the score; NaN where ``feasible`` is False."""
    factors = np.stack(
        [
            preference(clients, index, scoring),
            strengths(clients, index, scoring),
            cognitive(clients, index, scoring),
            accommodation(clients, index),
            commute_fit(clients, commute, commute_config),
            schedule_fit(clients, index, scoring),
            wage_fit(clients, index, scoring),
        ]
    )
    total = np.zeros(feasible.shape)
    for k in range(len(FACTORS)):  # fixed order: the same sum every time
        total += 100.0 * clients.weights[:, k, None] * factors[k]
    return Scores(factors, clients.weights, np.where(feasible, total, np.nan))
