"""Canonical terms shared by openings and clients: industries, skills, and the array helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from rapidfuzz import utils

from matcher.config import MatcherConfig
from matcher.vocab import Vocabulary

FREE_PREFIX = "free:"  # skill phrases outside the vocabulary keep their own normalised form


def industry_code(text: str, vocab: Vocabulary, config: MatcherConfig) -> int:
    """Canonical industry index of a free-text industry, or -1."""
    if not text:
        return -1
    found = vocab.industries.resolve([text], score_cutoff=config.scoring.phrase_cutoff)
    found = found or vocab.industries.find_in_job_text(text)
    return vocab.industries.codes.index(found[0].code) if found else -1


def skill_term(phrase: str, vocab: Vocabulary, config: MatcherConfig) -> str:
    """Canonical skill term of one phrase (vocabulary code or ``free:`` form)."""
    hit = vocab.skills.resolve([phrase], score_cutoff=config.scoring.phrase_cutoff)
    return hit[0].code if hit else FREE_PREFIX + utils.default_process(phrase)


class SkillSpace:
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
        return bool_rows(cols, len(self.terms))


def bool_rows(rows: Sequence[Sequence[int]], n_cols: int) -> sp.csr_matrix:
    """A sparse 0/1 matrix with a one at each listed column of each row."""
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    m = sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def pack_bits(flags: np.ndarray) -> np.ndarray:
    """(..., A) bool -> (..., W) uint64 bit sets, W = ceil(A / 64) words (at least one)."""
    n_words = max(1, -(-flags.shape[-1] // 64))
    padded = np.zeros((*flags.shape[:-1], n_words * 64), dtype=bool)
    padded[..., : flags.shape[-1]] = flags
    words = padded.reshape(*flags.shape[:-1], n_words, 64)
    packed = np.packbits(words, axis=-1, bitorder="little").view(np.uint64)
    return np.ascontiguousarray(packed.reshape(*flags.shape[:-1], n_words))


def centred_riasec(profiles: np.ndarray) -> np.ndarray:
    """Profiles minus their mean, scaled to unit length, so a dot product is Pearson's r."""
    z = np.nan_to_num(profiles - profiles.mean(axis=1, keepdims=True))
    norm = np.linalg.norm(z, axis=1, keepdims=True)
    result: np.ndarray = np.divide(z, norm, out=np.zeros_like(z), where=norm > 0)
    return result


def riasec_rows(profiles: Sequence[tuple[float, ...] | None]) -> np.ndarray:
    """(n, 6) RIASEC profiles, NaN where unknown."""
    out = np.full((len(profiles), 6), np.nan)
    for i, p in enumerate(profiles):
        if p is not None:
            out[i] = p
    return out


def take_rows(value: Any, rows: np.ndarray, n: int) -> Any:
    """``value`` restricted to ``rows`` when its first axis has length ``n``; else unchanged."""
    if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == n:
        return value[rows]
    if sp.issparse(value) and value.shape[0] == n:
        return value[rows]
    if isinstance(value, tuple) and len(value) == n:
        return tuple(map(value.__getitem__, rows.tolist()))
    return value
