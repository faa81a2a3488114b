"""The openings index: arrays describing J openings, built once at fit.

Every fuzzy or per-record step of an opening (phrase canonicalisation, text
analysis, schedule packing, accommodation tables) happens here, once.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from rapidfuzz import utils
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import geo, schedule
from matcher.config import MatcherConfig
from matcher.features.terms import (
    SkillSpace,
    bool_rows,
    centred_riasec,
    industry_code,
    pack_bits,
    riasec_rows,
    take_rows,
)
from matcher.features.text import opening_text, transform_texts
from matcher.interests import opening_areas, opening_occupations
from matcher.topics import scan_openings, stems, topic_hits
from matcher.types import Offer, Opening, Status, available
from matcher.vocab import Vocabulary


@dataclass(frozen=True, slots=True)
class OpeningIndex:
    """Arrays describing J openings, in ``ids`` order (sorted by id)."""

    openings: tuple[Opening, ...]
    ids: tuple[str, ...]
    position: Mapping[str, int]  # id -> column (a dict, or :class:`SortedIds` after an update)
    as_of: dt.date
    is_open: np.ndarray  # (J,) bool: status open
    expired: np.ndarray  # (J,) bool
    remote: np.ndarray
    xyz: np.ndarray  # (J, 3)
    shifts: np.ndarray  # (J, N_WORDS) uint64 weekly slot masks
    shift_patterns: np.ndarray  # (P, N_WORDS) distinct shift masks
    shift_inverse: np.ndarray  # (J,) pattern of each opening
    shifts_known: np.ndarray  # (J,) bool: shift times stated (else the mask is empty)
    located: np.ndarray  # (J,) bool: a place to commute to is known, or remote (no commute)
    location_radius: np.ndarray  # (J,) km the location may be off by (0: exact or remote)
    service_span: np.ndarray  # (J, 2) earliest start, latest end (minutes)
    unserved_by_mode: dict[str, np.ndarray]  # mode -> (J,) bool: it does not run at the shift's hours
    hours: np.ndarray  # (J,) NaN: not stated
    wage: np.ndarray  # (J,) NaN: not stated
    monthly: np.ndarray  # expected monthly earnings, NaN when hours or wage is not stated
    employer_code: np.ndarray  # (J,) int
    employers: tuple[str, ...]
    industry_code: np.ndarray  # (J,) int, -1 unknown
    areas: sp.csr_matrix  # (J, T) work areas in title/industry, or of the O*NET occupation
    area_phrase: tuple[dict[str, str], ...]  # per opening: area code -> phrase found ("": the occupation)
    occupation: np.ndarray  # (J,) int64 O*NET-SOC code as a number (``interests.soc_number``), -1 none
    text: sp.csr_matrix  # (J, V) tf-idf rows (L2-normalised)
    words: sp.csc_matrix  # (J, W) binary word-stem presence (keyword exclusions, ``topics.stems``)
    word_vocab: dict[str, int]
    skill_terms: tuple[str, ...]
    skill_column: dict[str, int]
    req_skills: sp.csr_matrix  # (J, S)
    pref_skills: sp.csr_matrix
    n_req: np.ndarray
    n_pref: np.ndarray
    demands: np.ndarray  # (J, D) float, NaN unknown
    stamina_from_shifts: np.ndarray  # (J,) bool: stamina demand derived from shift length
    offer: np.ndarray  # (J, A) int8 Offer: how each opening gives each accommodation
    # ``types.available`` tabulated for a client who does not (index 0) and who does (1) disclose:
    available_bits: np.ndarray  # (J, 2, words) uint64 bit sets of the accommodations available
    not_possible_bits: np.ndarray  # (J, words) uint64: the employer states they cannot be given
    not_stated_bits: np.ndarray  # (J, words) uint64: the employer says nothing (a question to ask)
    offset: np.ndarray  # (J, 2, D) bool: an available accommodation offsets dimension d
    background_check: np.ndarray
    fair_chance: np.ndarray
    riasec: np.ndarray  # (J, 6) NaN unknown
    riasec_centred: np.ndarray  # (J, 6) centred, unit length (0 where unknown)
    has_riasec: np.ndarray  # (J,) bool
    n_unknown_demands: np.ndarray  # (J,) demands left unknown
    positions: np.ndarray
    topic_hits: np.ndarray  # (J, T) bool: the opening belongs to avoidance topic t (``matcher.topics``)


class SortedIds(Mapping[str, int]):
    """The column of each id in a sorted tuple of ids, found by bisection: nothing to build.

    An update that adds or drops openings moves the columns of every opening after
    it; this finds them in the new ``ids`` (O(log J) a lookup) instead of a new dict.
    """

    def __init__(self, ids: tuple[str, ...]) -> None:
        self._ids = ids

    def __getitem__(self, key: str) -> int:
        j = bisect.bisect_left(self._ids, key) if isinstance(key, str) else len(self._ids)
        if j < len(self._ids) and self._ids[j] == key:
            return j
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def build_openings(
    openings: Sequence[Opening],
    *,
    vocab: Vocabulary,
    config: MatcherConfig,
    as_of: dt.date,
    text_model: TfidfVectorizer,
) -> OpeningIndex:
    """Index openings (sorted by id, so ties break the same way whatever the input order)."""
    ops = tuple(sorted(openings, key=lambda o: o.id))
    texts = [opening_text(o) for o in ops]
    employers = sorted({utils.default_process(o.employer) for o in ops})
    emp_pos = {e: i for i, e in enumerate(employers)}
    area_hits = [opening_areas(o, vocab) for o in ops]  # title and industry words, and the occupation
    area_pos = {c: i for i, c in enumerate(vocab.work_areas.codes)}
    words, word_vocab, keyword_hits = scan_openings(ops, vocab.avoidance_topics)
    skills = SkillSpace(vocab, config, [(*o.required_skills, *o.preferred_skills) for o in ops])
    demands, from_shifts = _demands(ops, vocab)
    offer = np.array([[o.offer(a) for a in vocab.accommodations] for o in ops], dtype=np.int8)
    offer = offer.reshape(len(ops), len(vocab.accommodations))
    given = available_by_disclosure(offer)
    hours = _stated([o.hours_per_week for o in ops])
    shifts_known = np.array([o.shifts is not None for o in ops], dtype=bool)
    # unknown shifts: an empty mask (no slot outside any availability); the rule reads shifts_known
    shifts = schedule.masks([o.shifts or () for o in ops], cover=True)
    shift_patterns, shift_inverse = schedule.patterns(shifts)
    riasec = riasec_rows([o.riasec for o in ops])
    span = np.array([schedule.shift_service_span(o.shifts or ()) for o in ops], dtype=np.int32)
    span = span.reshape(len(ops), 2)
    wage = _stated([o.hourly_wage for o in ops])
    industry = np.array([industry_code(o.industry, vocab, config) for o in ops], int)
    return OpeningIndex(
        openings=ops,
        ids=tuple(o.id for o in ops),
        position={o.id: j for j, o in enumerate(ops)},
        as_of=as_of,
        is_open=np.array([o.status is Status.OPEN for o in ops], dtype=bool),
        expired=np.array([o.expires is not None and o.expires < as_of for o in ops], dtype=bool),
        remote=np.array([o.remote for o in ops], dtype=bool),
        xyz=geo.unit_vectors([o.location for o in ops]),
        shifts=shifts,
        shift_patterns=shift_patterns,
        shift_inverse=shift_inverse,
        shifts_known=shifts_known,
        located=np.array([o.located for o in ops], dtype=bool),
        location_radius=np.array([location_radius(o, config) for o in ops], dtype=np.float64),
        service_span=span,
        unserved_by_mode={  # at unknown shift times, a mode is taken to run (the commute is a question)
            name: ~runs_at(span, mode.service_start, mode.service_end) & shifts_known
            for name, mode in config.commute.modes.items()
        },
        hours=hours,
        wage=wage,
        monthly=wage * hours * config.benefits.weeks_per_month,
        employer_code=np.array([emp_pos[utils.default_process(o.employer)] for o in ops], int),
        employers=tuple(employers),
        industry_code=industry,
        areas=bool_rows([[area_pos[m.code] for m in hits] for hits in area_hits], len(area_pos)),
        area_phrase=tuple({m.code: m.matched for m in hits} for hits in area_hits),
        occupation=opening_occupations(ops),
        text=transform_texts(text_model, texts),
        words=words,
        word_vocab=word_vocab,
        skill_terms=skills.terms,
        skill_column=skills.column,
        req_skills=skills.rows([o.required_skills for o in ops]),
        pref_skills=skills.rows([o.preferred_skills for o in ops]),
        n_req=np.array([len(set(skills.terms_of(o.required_skills))) for o in ops], float),
        n_pref=np.array([len(set(skills.terms_of(o.preferred_skills))) for o in ops], float),
        demands=demands,
        stamina_from_shifts=from_shifts,
        offer=offer,
        available_bits=pack_bits(given),
        not_possible_bits=pack_bits(offer == Offer.NOT_POSSIBLE),
        not_stated_bits=pack_bits(offer == Offer.NOT_STATED),
        offset=(given.astype(np.int32) @ offset_matrix(vocab)) > 0,
        background_check=np.array([o.background_check for o in ops], dtype=bool),
        fair_chance=np.array([o.fair_chance for o in ops], dtype=bool),
        riasec=riasec,
        riasec_centred=centred_riasec(riasec),
        has_riasec=~np.isnan(riasec).any(axis=1),
        n_unknown_demands=np.isnan(demands).sum(axis=1),
        positions=np.array([o.positions for o in ops], dtype=np.int64),
        topic_hits=topic_hits(ops, keyword_hits, industry, vocab.industries.codes, vocab.avoidance_topics),
    )


def _stated(values: Sequence[float | None]) -> np.ndarray:
    """(J,) float, NaN where the value is not stated."""
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def location_radius(opening: Opening, config: MatcherConfig) -> float:
    """Km the opening's location may be off by: its own figure, else its precision's default."""
    if opening.remote or opening.location is None:
        return 0.0
    if opening.location_uncertainty_km is not None:
        return opening.location_uncertainty_km
    return config.commute.precision_radius_km.get(opening.location_precision.value, 0.0)


def available_by_disclosure(offer: np.ndarray) -> np.ndarray:
    """(J, 2, A) bool: ``types.available`` for a client who does not (0) and who does (1) disclose."""
    return np.stack([available(offer, False), available(offer, True)], axis=1)


def _demands(ops: Sequence[Opening], vocab: Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """(J, D) rated demands (NaN unknown) and (J,) whether stamina came from the longest shift."""
    demands = np.full((len(ops), len(vocab.dimensions)), np.nan)
    from_shifts = np.zeros(len(ops), dtype=bool)
    stamina = vocab.dimensions.index("stamina") if "stamina" in vocab.dimensions else -1
    for j, o in enumerate(ops):
        for d, dim in enumerate(vocab.dimensions):
            if dim in o.demands:
                demands[j, d] = o.demands[dim]
        if stamina >= 0 and np.isnan(demands[j, stamina]) and o.shifts:
            demands[j, stamina] = _stamina_level(schedule.longest_shift_hours(o.shifts), vocab)
            from_shifts[j] = True
    return demands, from_shifts


def runs_at(span: np.ndarray, start: int | None, end: int | None) -> np.ndarray:
    """(J,) bool: a mode with these service hours runs at every shift's start and end."""
    if start is None or end is None:
        return np.ones(len(span), dtype=bool)
    return (span[:, 0] >= start) & (span[:, 1] <= end)


def offset_matrix(vocab: Vocabulary) -> np.ndarray:
    """(A, D) int: accommodation a offsets dimension d."""
    out = np.zeros((len(vocab.accommodations), len(vocab.dimensions)), dtype=np.int32)
    for a, code in enumerate(vocab.accommodations):
        for dim in vocab.accommodation_offsets[code]:
            out[a, vocab.dimensions.index(dim)] = 1
    return out


def _stamina_level(hours: float, vocab: Vocabulary) -> float:
    """The lowest stamina level whose anchor covers a shift of ``hours``."""
    for level in vocab.levels:
        if hours <= vocab.stamina_hours[level]:
            return float(level)
    return float(vocab.max_level)


def keyword_mask(keyword: str, index: OpeningIndex) -> np.ndarray:
    """(J,) bool: openings whose text contains every word of ``keyword`` (as stems)."""
    cols = [index.word_vocab.get(w) for w in stems(keyword)]
    if not cols or None in cols:
        return np.zeros(index.words.shape[0], dtype=bool)
    hit = np.ones(index.words.shape[0], dtype=bool)
    for col in cols:
        hit &= index.words[:, col].toarray().ravel() > 0
    return hit


def take_openings(index: OpeningIndex, cols: Sequence[int]) -> OpeningIndex:
    """The index restricted to some openings (keeps the shared vocabularies)."""
    idx, n = np.asarray(cols, dtype=np.int64), len(index.ids)
    changes = {f.name: take_rows(getattr(index, f.name), idx, n) for f in dataclasses.fields(index)}
    changes["unserved_by_mode"] = {m: mask[idx] for m, mask in index.unserved_by_mode.items()}
    changes["position"] = dict(zip(changes["ids"], range(len(idx)), strict=True))
    # employers and skill terms are vocabularies that column codes point into: never sliced
    changes["employers"], changes["skill_terms"] = index.employers, index.skill_terms
    changes["shift_patterns"] = index.shift_patterns
    return OpeningIndex(**changes)
