"""Client batches: arrays describing C clients against one openings index.

Built per request (or per chunk of the nightly run); named exclusions are
resolved here against the index, so constraints only read arrays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import geo, schedule
from matcher.config import FACTORS, PRIORITY_MULTIPLIERS, MatcherConfig
from matcher.features.openings import OpeningIndex, keyword_mask
from matcher.features.terms import (
    bool_rows,
    centred_riasec,
    industry_code,
    pack_bits,
    riasec_rows,
    skill_term,
    take_rows,
)
from matcher.features.text import transform_texts
from matcher.interests import KindOfWork, interest_industries, interest_occupations, resolve_interests
from matcher.occupations.store import OccupationStore
from matcher.topics import topic_named
from matcher.types import Client, Need
from matcher.vocab import AvoidanceTopic, Vocabulary, load_vocabulary

# ClientBatch fields shaped (clients x openings): they follow any selection of openings.
PAIR_FIELDS = ("excluded_by_employer", "excluded_by_keyword")


@dataclass(frozen=True, slots=True)
class ClientBatch:
    """Arrays describing C clients against one :class:`OpeningIndex`."""

    clients: tuple[Client, ...]
    xyz: np.ndarray  # (C, 3)
    modes: np.ndarray  # (C, M) bool in config.commute.modes order
    limit: np.ndarray  # (C,) minutes
    avail: np.ndarray  # (C, N_WORDS) uint64
    min_hours: np.ndarray
    max_hours: np.ndarray
    wage_floor: np.ndarray
    earnings_cap: np.ndarray  # inf when none
    capacity: np.ndarray  # (C, D) float, NaN unknown
    required: np.ndarray  # (C, A) bool
    required_bits: np.ndarray  # (C, words) uint64: ``required`` as bit sets
    preferred: np.ndarray  # (C, A) bool
    discloses: np.ndarray
    interest_kinds: tuple[tuple[KindOfWork, ...], ...]  # per client: interests resolved, once
    areas: sp.csr_matrix  # (C, T) interests resolved to work areas
    interest_occupations: np.ndarray  # (C, K) int64 O*NET-SOC numbers interests name (the store), -1 pad
    interest_industries: np.ndarray  # (C, I) bool: industries that are the field of an interest's area
    past_areas: sp.csr_matrix  # (C, T) past job titles resolved to work areas
    query: sp.csr_matrix  # (C, V) tf-idf of interests + preferred industries
    industries: np.ndarray  # (C, I) bool preferred industries
    riasec: np.ndarray
    riasec_centred: np.ndarray
    has_riasec: np.ndarray
    skills: sp.csr_matrix  # (C, S) strengths + inferred strengths
    excluded_industries: np.ndarray  # (C, I) bool
    excluded_by_employer: np.ndarray  # (C, J) bool
    excluded_by_keyword: np.ndarray  # (C, J) bool
    avoid_background_check: np.ndarray
    weights: np.ndarray  # (C, F) weights after the client's priorities, summing to 1


def build_clients(
    clients: Sequence[Client],
    index: OpeningIndex,
    *,
    vocab: Vocabulary,
    config: MatcherConfig,
    text_model: TfidfVectorizer,
    occupations: OccupationStore | None = None,
) -> ClientBatch:
    """Turn clients into arrays aligned with ``index`` (``occupations``: the engine's store, if any)."""
    cs, cut = tuple(clients), config.scoring.phrase_cutoff
    mode_names, acc_codes = list(config.commute.modes), list(vocab.accommodations)
    area_pos = {c: i for i, c in enumerate(vocab.work_areas.codes)}
    n_ind = len(vocab.industries)

    def area_rows(phrase_lists: list[tuple[str, ...]]) -> sp.csr_matrix:
        rows = [
            [area_pos[m.code] for m in vocab.work_areas.resolve(p, score_cutoff=cut)] for p in phrase_lists
        ]
        return bool_rows(rows, len(area_pos))

    kinds = tuple(resolve_interests(c.interests, vocab, cut, occupations) for c in cs)

    def industry_rows(phrase_lists: list[tuple[str, ...]]) -> np.ndarray:
        out = np.zeros((len(cs), n_ind), dtype=bool)
        for i, phrases in enumerate(phrase_lists):
            for p in phrases:
                code = industry_code(p, vocab, config)
                if code >= 0:
                    out[i, code] = True
        return out

    def skill_cols(c: Client) -> list[int]:
        terms = (skill_term(p, vocab, config) for p in (*c.strengths, *c.inferred_strengths))
        return [index.skill_column[t] for t in terms if t in index.skill_column]

    by_employer, by_keyword = _named_exclusions(cs, index, vocab.avoidance_topics)
    client_riasec = riasec_rows([c.riasec for c in cs])
    required = _needs(cs, acc_codes, Need.REQUIRED)
    return ClientBatch(
        clients=cs,
        xyz=geo.unit_vectors([c.home for c in cs]),
        modes=np.array([[m in c.modes for m in mode_names] for c in cs], bool).reshape(
            len(cs), len(mode_names)
        ),
        limit=np.array([c.max_commute_minutes for c in cs], dtype=np.float64),
        avail=schedule.masks([c.availability for c in cs], cover=False),
        min_hours=np.array([c.min_hours for c in cs], dtype=np.float64),
        max_hours=np.array([c.max_hours for c in cs], dtype=np.float64),
        wage_floor=np.array([c.wage_floor for c in cs], dtype=np.float64),
        earnings_cap=np.array([np.inf if c.earnings_cap is None else c.earnings_cap for c in cs]),
        capacity=np.array(
            [[c.capacity.get(d, np.nan) for d in vocab.dimensions] for c in cs], dtype=np.float64
        ).reshape(len(cs), len(vocab.dimensions)),
        required=required,
        required_bits=pack_bits(required),
        preferred=_needs(cs, acc_codes, Need.PREFERRED),
        discloses=np.array([c.discloses for c in cs], dtype=bool),
        interest_kinds=kinds,
        areas=bool_rows([[area_pos[k.area] for k in ks if k.area] for ks in kinds], len(area_pos)),
        interest_occupations=interest_occupations(kinds),
        interest_industries=bool_rows([interest_industries(ks, vocab) for ks in kinds], n_ind).toarray() > 0,
        past_areas=area_rows([c.past_titles for c in cs]),
        query=transform_texts(text_model, [" ".join((*c.interests, *c.preferred_industries)) for c in cs]),
        industries=industry_rows([c.preferred_industries for c in cs]),
        riasec=client_riasec,
        riasec_centred=centred_riasec(client_riasec),
        has_riasec=~np.isnan(client_riasec).any(axis=1),
        skills=bool_rows([skill_cols(c) for c in cs], len(index.skill_terms)),
        excluded_industries=industry_rows([c.excluded_industries for c in cs]),
        excluded_by_employer=by_employer,
        excluded_by_keyword=by_keyword,
        avoid_background_check=np.array([c.avoid_background_check for c in cs], dtype=bool),
        weights=client_weights(cs, config),
    )


def _needs(cs: Sequence[Client], codes: list[str], need: Need) -> np.ndarray:
    out = np.array([[c.accommodations.get(a) is need for a in codes] for c in cs], dtype=bool)
    return out.reshape(len(cs), len(codes))


def client_weights(cs: Sequence[Client], config: MatcherConfig) -> np.ndarray:
    """Program weights times each client's priorities, renormalised to sum to 1."""
    base = np.array([config.scoring.weights[f] for f in FACTORS], dtype=np.float64)
    mult = np.array(
        [[PRIORITY_MULTIPLIERS[c.priorities.get(f, "normal")] for f in FACTORS] for c in cs]
    ).reshape(len(cs), len(FACTORS))
    w = base * mult
    result: np.ndarray = w / w.sum(axis=1, keepdims=True)
    return result


def _named_exclusions(
    cs: Sequence[Client], index: OpeningIndex, topics: tuple[AvoidanceTopic, ...] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(C, J) masks of openings hit by a client's excluded employers / keywords.

    A keyword naming an avoidance topic takes the topic's column of ``index.topic_hits``
    (``topics``: those the index was built with, by default the packaged vocabulary's).
    """
    topics = load_vocabulary().avoidance_topics if topics is None else topics
    by_employer = np.zeros((len(cs), len(index.ids)), dtype=bool)
    by_keyword = np.zeros_like(by_employer)
    # each distinct excluded name compared with the employers once (clients share names)
    names = sorted({n for c in cs for n in c.excluded_employers}) if index.employers else []
    if names:
        similar = _similar_employers(tuple(names), index.employers)
        row_of = {n: k for k, n in enumerate(names)}
    for i, c in enumerate(cs):
        if c.excluded_employers and names:
            sim = similar[[row_of[n] for n in c.excluded_employers]]
            hit = np.flatnonzero(sim.max(axis=0) > 0)
            by_employer[i] = np.isin(index.employer_code, hit)
        for keyword in c.excluded_keywords:
            t = topic_named(keyword, topics)
            by_keyword[i] |= keyword_mask(keyword, index) if t is None else index.topic_hits[:, t]
    return by_employer, by_keyword


#: Excluded names whose similarity rows are kept, per employer table, before they are forgotten.
MAX_SIMILAR_NAMES = 4096

_SIMILAR: list[tuple[Sequence[str], dict[str, np.ndarray]]] = []


def _similar_employers(names: tuple[str, ...], employers: Sequence[str]) -> np.ndarray:
    """(N, E) similarity of excluded names to the employers, >= 90 or 0; each name's row kept.

    A shortlist asks it of the same names and employers up to three times (the client's
    features, the rule counts of the whole index, those of its patched rows), and clients
    share names: each name is compared once per employer table (rows are pair by pair, so a
    name's row is the same whatever names come with it).
    """
    held = _SIMILAR[-1] if _SIMILAR else None  # one read: other threads may replace it
    if held is None or held[0] is not employers:
        held = (employers, {})
        _SIMILAR[:] = [held]
    rows = held[1]
    got: dict[str, np.ndarray] = {}
    for n in names:  # read once each: another thread may clear them meanwhile
        row = rows.get(n)
        if row is not None:
            got[n] = row
    new = [n for n in dict.fromkeys(names) if n not in got]
    if new:
        similar = process.cdist(
            new,
            list(employers),
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            score_cutoff=90,
        )
        if len(rows) + len(new) > MAX_SIMILAR_NAMES:
            rows.clear()
        for n, row in zip(new, similar, strict=True):
            got[n] = rows[n] = row
    out: np.ndarray = np.stack([got[n] for n in names])
    return out


def take_clients(batch: ClientBatch, rows: Sequence[int]) -> ClientBatch:
    """The batch restricted to some clients (row selection on every array)."""
    idx, n = np.asarray(rows, dtype=np.int64), len(batch.clients)
    changes = {f.name: take_rows(getattr(batch, f.name), idx, n) for f in dataclasses.fields(batch)}
    return ClientBatch(**changes)
