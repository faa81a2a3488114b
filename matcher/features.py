"""Records -> arrays: the openings index (built once) and client batches.

Every fuzzy or per-record step (phrase canonicalisation, text analysis,
schedule packing) happens here, once per record. Scoring then works on whole
arrays only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from matcher import geo, schedule
from matcher.config import FACTORS, PRIORITY_MULTIPLIERS, MatcherConfig
from matcher.types import Client, Need, Opening, Status
from matcher.vocab import Vocabulary, analyze, tokens

FREE_PREFIX = "free:"  # skill phrases outside the vocabulary keep their own normalised form
# ClientBatch fields shaped (clients x openings): they follow any selection of openings.
PAIR_FIELDS = ("excluded_by_employer", "excluded_by_keyword")
# OpeningIndex fields shaped (accommodations x openings).
TRANSPOSED_FIELDS = ("not_offered_t", "not_available_t")


def opening_text(o: Opening) -> str:
    """What the text model reads of an opening (the title counts twice)."""
    return f"{o.title} {o.title} {o.industry} {o.description}"


def fit_text_model(texts: Sequence[str]) -> TfidfVectorizer:
    """TF-IDF over word tokens and bigrams, sublinear term frequency."""
    return TfidfVectorizer(analyzer=analyze, sublinear_tf=True, dtype=np.float32).fit(texts)


def transform_texts(text_model: TfidfVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    """TF-IDF rows of ``texts`` (an empty list gives an empty matrix, not an error)."""
    if not texts:
        return sp.csr_matrix((0, len(text_model.vocabulary_)), dtype=np.float32)
    return text_model.transform(texts).tocsr()


def _bool_rows(rows: Sequence[Sequence[int]], n_cols: int) -> sp.csr_matrix:
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    m = sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


@dataclass(frozen=True, slots=True)
class OpeningIndex:
    """Arrays describing J openings, in ``ids`` order (sorted by id)."""

    openings: tuple[Opening, ...]
    ids: tuple[str, ...]
    position: dict[str, int]
    as_of: dt.date
    is_open: np.ndarray  # (J,) bool: status open
    expired: np.ndarray  # (J,) bool
    remote: np.ndarray
    xyz: np.ndarray  # (J, 3)
    shifts: np.ndarray  # (J, N_WORDS) uint64 weekly slot masks
    shift_patterns: np.ndarray  # (P, N_WORDS) distinct shift masks
    shift_inverse: np.ndarray  # (J,) pattern of each opening
    service_span: np.ndarray  # (J, 2) earliest start, latest end (minutes)
    unserved_by_mode: dict[str, np.ndarray]  # mode -> (J,) bool: it does not run at the shift's hours
    hours: np.ndarray
    wage: np.ndarray
    monthly: np.ndarray  # expected monthly earnings
    employer_code: np.ndarray  # (J,) int
    employers: tuple[str, ...]
    industry_code: np.ndarray  # (J,) int, -1 unknown
    areas: sp.csr_matrix  # (J, T) work areas in title/industry
    area_phrase: tuple[dict[str, str], ...]  # per opening: area code -> phrase found
    text: sp.csr_matrix  # (J, V) tf-idf rows (L2-normalised)
    words: sp.csc_matrix  # (J, W) binary word presence (keyword exclusions)
    word_vocab: dict[str, int]
    skill_terms: tuple[str, ...]
    skill_column: dict[str, int]
    req_skills: sp.csr_matrix  # (J, S)
    pref_skills: sp.csr_matrix
    n_req: np.ndarray
    n_pref: np.ndarray
    demands: np.ndarray  # (J, D) float, NaN unknown
    stamina_from_shifts: np.ndarray  # (J,) bool: stamina demand derived from shift length
    offered: np.ndarray  # (J, A) bool, offered to everyone
    on_request: np.ndarray  # (J, A) bool, only on request (needs disclosure)
    not_offered_t: np.ndarray  # (A, J) bool: not offered to everyone (for counting unmet needs)
    not_available_t: np.ndarray  # (A, J) bool: not even on request
    offset_all: np.ndarray  # (J, D) bool: an everyone-offer offsets dimension d
    offset_disclosed: np.ndarray  # (J, D) bool: the same counting on-request offers
    background_check: np.ndarray
    fair_chance: np.ndarray
    riasec: np.ndarray  # (J, 6) NaN unknown
    riasec_centred: np.ndarray  # (J, 6) centred, unit length (0 where unknown)
    has_riasec: np.ndarray  # (J,) bool
    n_unknown_demands: np.ndarray  # (J,) demands left unknown
    positions: np.ndarray


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
    n_dims, acc_codes = len(vocab.dimensions), list(vocab.accommodations)
    texts = [opening_text(o) for o in ops]
    employers = sorted({utils.default_process(o.employer) for o in ops})
    emp_pos = {e: i for i, e in enumerate(employers)}
    area_hits = [vocab.work_areas.find_in_text(f"{o.title} {o.industry}") for o in ops]
    area_pos = {c: i for i, c in enumerate(vocab.work_areas.codes)}
    words, word_vocab = _word_presence([f"{t} {o.employer}" for t, o in zip(texts, ops, strict=True)])
    skills = _SkillSpace(vocab, config, [(*o.required_skills, *o.preferred_skills) for o in ops])
    demands = np.full((len(ops), n_dims), np.nan)
    from_shifts = np.zeros(len(ops), dtype=bool)
    stamina = vocab.dimensions.index("stamina") if "stamina" in vocab.dimensions else -1
    for j, o in enumerate(ops):
        for d, dim in enumerate(vocab.dimensions):
            if dim in o.demands:
                demands[j, d] = o.demands[dim]
        if stamina >= 0 and np.isnan(demands[j, stamina]) and o.shifts:
            demands[j, stamina] = _stamina_level(schedule.longest_shift_hours(o.shifts), vocab)
            from_shifts[j] = True
    offered = np.array([[o.offers_to_everyone(a) for a in acc_codes] for o in ops], dtype=bool)
    requested = np.array([[a in o.on_request for a in acc_codes] for o in ops], dtype=bool)
    offered, requested = (a.reshape(len(ops), len(acc_codes)) for a in (offered, requested))
    offsets = offset_matrix(vocab)
    hours = np.array([o.hours_per_week for o in ops], dtype=np.float64)
    shifts = schedule.masks([o.shifts for o in ops], cover=True)
    shift_patterns, shift_inverse = schedule.patterns(shifts)
    riasec = _riasec([o.riasec for o in ops])
    span = np.array([schedule.shift_service_span(o.shifts) for o in ops], dtype=np.int32)
    span = span.reshape(len(ops), 2)
    wage = np.array([o.hourly_wage for o in ops], dtype=np.float64)
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
        service_span=span,
        unserved_by_mode={
            name: ~runs_at(span, mode.service_start, mode.service_end)
            for name, mode in config.commute.modes.items()
        },
        hours=hours,
        wage=wage,
        monthly=wage * hours * config.benefits.weeks_per_month,
        employer_code=np.array([emp_pos[utils.default_process(o.employer)] for o in ops], int),
        employers=tuple(employers),
        industry_code=np.array([industry_code(o.industry, vocab, config) for o in ops], int),
        areas=_bool_rows([[area_pos[m.code] for m in hits] for hits in area_hits], len(area_pos)),
        area_phrase=tuple({m.code: m.matched for m in hits} for hits in area_hits),
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
        offered=offered,
        on_request=requested & ~offered,
        not_offered_t=np.ascontiguousarray((~offered).T),
        not_available_t=np.ascontiguousarray((~(offered | requested)).T),
        offset_all=(offered.astype(np.int32) @ offsets) > 0,
        offset_disclosed=((offered | requested).astype(np.int32) @ offsets) > 0,
        background_check=np.array([o.background_check for o in ops], dtype=bool),
        fair_chance=np.array([o.fair_chance for o in ops], dtype=bool),
        riasec=riasec,
        riasec_centred=centred_riasec(riasec),
        has_riasec=~np.isnan(riasec).any(axis=1),
        n_unknown_demands=np.isnan(demands).sum(axis=1),
        positions=np.array([o.positions for o in ops], dtype=np.int64),
    )


def _word_presence(texts: list[str]) -> tuple[sp.csc_matrix, dict[str, int]]:
    """Binary (texts x words) matrix for keyword exclusions; empty when there is no word at all."""
    counter = CountVectorizer(analyzer=tokens, binary=True, dtype=np.float32)
    try:
        return counter.fit_transform(texts).tocsc(), dict(counter.vocabulary_)
    except ValueError:  # no openings, or no words in them
        return sp.csc_matrix((len(texts), 0), dtype=np.float32), {}


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


def centred_riasec(profiles: np.ndarray) -> np.ndarray:
    """Profiles minus their mean, scaled to unit length, so a dot product is Pearson's r."""
    z = np.nan_to_num(profiles - profiles.mean(axis=1, keepdims=True))
    norm = np.linalg.norm(z, axis=1, keepdims=True)
    result: np.ndarray = np.divide(z, norm, out=np.zeros_like(z), where=norm > 0)
    return result


def _riasec(profiles: Sequence[tuple[float, ...] | None]) -> np.ndarray:
    out = np.full((len(profiles), 6), np.nan)
    for i, p in enumerate(profiles):
        if p is not None:
            out[i] = p
    return out


def industry_code(text: str, vocab: Vocabulary, config: MatcherConfig) -> int:
    """Canonical industry index of a free-text industry, or -1."""
    if not text:
        return -1
    found = vocab.industries.resolve([text], score_cutoff=config.scoring.phrase_cutoff)
    found = found or vocab.industries.find_in_text(text)
    return vocab.industries.codes.index(found[0].code) if found else -1


class _SkillSpace:
    """Skill columns: vocabulary skills plus free phrases that openings use."""

    def __init__(
        self, vocab: Vocabulary, config: MatcherConfig, phrase_lists: Sequence[Sequence[str]]
    ) -> None:
        self.vocab, self.cutoff = vocab, config.scoring.phrase_cutoff
        self._cache: dict[str, str] = {}
        free = sorted({self.term(p) for ps in phrase_lists for p in ps} - set(vocab.skills.codes))
        self.terms = tuple(vocab.skills.codes) + tuple(free)
        self.column = {t: i for i, t in enumerate(self.terms)}

    def term(self, phrase: str) -> str:
        if phrase not in self._cache:
            hit = self.vocab.skills.resolve([phrase], score_cutoff=self.cutoff)
            self._cache[phrase] = hit[0].code if hit else FREE_PREFIX + utils.default_process(phrase)
        return self._cache[phrase]

    def terms_of(self, phrases: Sequence[str]) -> list[str]:
        return [self.term(p) for p in phrases]

    def rows(self, phrase_lists: Sequence[Sequence[str]]) -> sp.csr_matrix:
        cols = [[self.column[t] for t in self.terms_of(ps) if t in self.column] for ps in phrase_lists]
        return _bool_rows(cols, len(self.terms))


def skill_term(phrase: str, vocab: Vocabulary, config: MatcherConfig) -> str:
    """Canonical skill term of one phrase (vocabulary code or ``free:`` form)."""
    hit = vocab.skills.resolve([phrase], score_cutoff=config.scoring.phrase_cutoff)
    return hit[0].code if hit else FREE_PREFIX + utils.default_process(phrase)


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
    preferred: np.ndarray  # (C, A) bool
    discloses: np.ndarray
    areas: sp.csr_matrix  # (C, T) interests resolved to work areas
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
) -> ClientBatch:
    """Turn clients into arrays aligned with ``index``."""
    cs, cut = tuple(clients), config.scoring.phrase_cutoff
    mode_names, acc_codes = list(config.commute.modes), list(vocab.accommodations)
    area_pos = {c: i for i, c in enumerate(vocab.work_areas.codes)}
    n_ind = len(vocab.industries)

    def area_rows(phrase_lists: list[tuple[str, ...]]) -> sp.csr_matrix:
        rows = [
            [area_pos[m.code] for m in vocab.work_areas.resolve(p, score_cutoff=cut)] for p in phrase_lists
        ]
        return _bool_rows(rows, len(area_pos))

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

    by_employer, by_keyword = _named_exclusions(cs, index)
    client_riasec = _riasec([c.riasec for c in cs])
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
        required=_needs(cs, acc_codes, Need.REQUIRED),
        preferred=_needs(cs, acc_codes, Need.PREFERRED),
        discloses=np.array([c.discloses for c in cs], dtype=bool),
        areas=area_rows([c.interests for c in cs]),
        past_areas=area_rows([c.past_titles for c in cs]),
        query=transform_texts(text_model, [" ".join((*c.interests, *c.preferred_industries)) for c in cs]),
        industries=industry_rows([c.preferred_industries for c in cs]),
        riasec=client_riasec,
        riasec_centred=centred_riasec(client_riasec),
        has_riasec=~np.isnan(client_riasec).any(axis=1),
        skills=_bool_rows([skill_cols(c) for c in cs], len(index.skill_terms)),
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


def _named_exclusions(cs: Sequence[Client], index: OpeningIndex) -> tuple[np.ndarray, np.ndarray]:
    """(C, J) masks of openings hit by a client's excluded employers / keywords."""
    by_employer = np.zeros((len(cs), len(index.ids)), dtype=bool)
    by_keyword = np.zeros_like(by_employer)
    for i, c in enumerate(cs):
        if c.excluded_employers and index.employers:
            sim = process.cdist(
                list(c.excluded_employers),
                list(index.employers),
                scorer=fuzz.token_set_ratio,
                processor=utils.default_process,
                score_cutoff=90,
            )
            hit = np.flatnonzero(sim.max(axis=0) > 0)
            by_employer[i] = np.isin(index.employer_code, hit)
        for keyword in c.excluded_keywords:
            by_keyword[i] |= keyword_mask(keyword, index)
    return by_employer, by_keyword


def keyword_mask(keyword: str, index: OpeningIndex) -> np.ndarray:
    """(J,) bool: openings whose text contains every word of ``keyword``."""
    cols = [index.word_vocab.get(w) for w in tokens(keyword)]
    if not cols or None in cols:
        return np.zeros(index.words.shape[0], dtype=bool)
    hit = np.ones(index.words.shape[0], dtype=bool)
    for col in cols:
        hit &= index.words[:, col].toarray().ravel() > 0
    return hit


def _take_rows(value: Any, rows: np.ndarray, n: int) -> Any:
    if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == n:
        return value[rows]
    if sp.issparse(value) and value.shape[0] == n:
        return value[rows]
    if isinstance(value, tuple) and len(value) == n:
        return tuple(value[i] for i in rows)
    return value


def take_clients(batch: ClientBatch, rows: Sequence[int]) -> ClientBatch:
    """The batch restricted to some clients (row selection on every array)."""
    idx, n = np.asarray(rows, dtype=np.int64), len(batch.clients)
    changes = {f.name: _take_rows(getattr(batch, f.name), idx, n) for f in dataclasses.fields(batch)}
    return ClientBatch(**changes)


def take_openings(index: OpeningIndex, cols: Sequence[int]) -> OpeningIndex:
    """The index restricted to some openings (keeps the shared vocabularies)."""
    idx, n = np.asarray(cols, dtype=np.int64), len(index.ids)
    changes = {f.name: _take_rows(getattr(index, f.name), idx, n) for f in dataclasses.fields(index)}
    for name in TRANSPOSED_FIELDS:  # (A, J): select columns
        changes[name] = getattr(index, name)[:, idx]
    changes["unserved_by_mode"] = {m: mask[idx] for m, mask in index.unserved_by_mode.items()}
    changes["position"] = {index.ids[j]: k for k, j in enumerate(idx)}
    # employers and skill terms are vocabularies that column codes point into: never sliced
    changes["employers"], changes["skill_terms"] = index.employers, index.skill_terms
    changes["shift_patterns"] = index.shift_patterns
    return OpeningIndex(**changes)
