"""Incremental updates of a built :class:`OpeningIndex`: append, patch and drop openings.

An update builds the index of the changed openings alone (with the already-fitted
text model) and merges it with the rows kept from the old index, in id order, so
the result is the index ``build_openings`` would give for the new pool, except
that the pool-wide vocabularies (employers, free skill terms, keyword words,
shift patterns) keep the entries of dropped openings. No score or constraint
reads an entry that no opening points to, so results are the same. The
text rows of appended openings come from the fitted text model: when that model
was fitted on the pool itself (no trained model), a full refit may shift text
scores slightly.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.config import MatcherConfig
from matcher.features.openings import OpeningIndex, build_openings, take_openings
from matcher.types import Opening
from matcher.vocab import Vocabulary

# Fields that are not one row per opening: vocabularies and lookups, merged separately.
_SHARED = frozenset(
    {
        "position",
        "as_of",
        "shift_patterns",
        "employers",
        "word_vocab",
        "skill_terms",
        "skill_column",
        "unserved_by_mode",
    }
)


def update_openings(
    index: OpeningIndex,
    upserts: Sequence[Opening],
    removed: Collection[str],
    *,
    vocab: Vocabulary,
    config: MatcherConfig,
    text_model: TfidfVectorizer,
) -> OpeningIndex:
    """A new index: ``upserts`` added or replacing the opening of the same id, ``removed`` dropped.

    Parameters
    ----------
    index : OpeningIndex
        The current index (left unchanged: readers may still use it).
    upserts : sequence of Opening
        New openings, or new versions of indexed ones (ids must be unique).
    removed : collection of str
        Ids to drop; unknown ids are ignored. An id both upserted and removed is dropped.
    vocab, config, text_model
        What ``index`` was built with.

    Returns
    -------
    OpeningIndex
        Sorted by id, like :func:`build_openings`.
    """
    gone = set(removed)
    added = [o for o in upserts if o.id not in gone]
    drop = [index.position[i] for i in gone | {o.id for o in added} if i in index.position]
    keep = np.delete(np.arange(len(index.ids)), drop)
    if not added:
        return take_openings(index, keep.tolist())
    new = build_openings(added, vocab=vocab, config=config, as_of=index.as_of, text_model=text_model)
    # both are sorted by id: a new row goes where its id falls among the kept ones
    drop.sort()
    at = [(p := bisect.bisect_left(index.ids, i)) - bisect.bisect_left(drop, p) for i in new.ids]
    splice = _Splice(drop, at, np.insert(keep, at, len(index.ids) + np.arange(len(new.ids))))
    return _merge(index, new, splice, n_fixed=len(vocab.skills.codes))


@dataclass(frozen=True, slots=True)
class _Splice:
    """Rows ``drop`` of the old index removed, then new row ``k`` inserted before kept row ``at[k]``;
    ``take`` says the same as positions into the old rows stacked on the new ones."""

    drop: list[int]
    at: list[int]
    take: np.ndarray


def _merge(old: OpeningIndex, new: OpeningIndex, splice: _Splice, *, n_fixed: int) -> OpeningIndex:
    """The old index spliced with the new rows, vocabularies merged."""
    employers, old_emp, new_emp = _union(old.employers, new.employers)
    free, old_free, new_free = _union(old.skill_terms[n_fixed:], new.skill_terms[n_fixed:])
    skills = (*old.skill_terms[:n_fixed], *free)
    old_sk = np.concatenate([np.arange(n_fixed), n_fixed + old_free]).astype(int)
    new_sk = np.concatenate([np.arange(n_fixed), n_fixed + new_free]).astype(int)
    if new.word_vocab.keys() <= old.word_vocab.keys():  # the common case: no new word
        words, word_vocab = list(old.word_vocab), old.word_vocab
        old_w = np.arange(len(old.word_vocab))
    else:
        word_vocab = {w: i for i, w in enumerate(sorted(old.word_vocab.keys() | new.word_vocab.keys()))}
        words = list(word_vocab)
        old_w = np.array([word_vocab[w] for w in sorted(old.word_vocab, key=old.word_vocab.__getitem__)], int)
    new_w = np.array([word_vocab[w] for w in sorted(new.word_vocab, key=new.word_vocab.__getitem__)], int)
    patterns, inverse = np.unique(
        np.concatenate([old.shift_patterns, new.shift_patterns]), axis=0, return_inverse=True
    )
    inverse = inverse.reshape(-1)
    n_old_pat = len(old.shift_patterns)
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(old):
        if f.name in _SHARED:
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if f.name == "employer_code":
            a, b = old_emp[a], new_emp[b]
        elif f.name == "shift_inverse":
            a, b = inverse[a], inverse[n_old_pat + b]
        elif f.name in ("req_skills", "pref_skills"):
            a, b = _recolumn(a, old_sk, len(skills)), _recolumn(b, new_sk, len(skills))
        elif f.name == "words":
            a, b = _recolumn(a, old_w, len(words)), _recolumn(b, new_w, len(words))
        changes[f.name] = _stack(a, b, splice)
    changes["unserved_by_mode"] = {
        m: _stack(mask, new.unserved_by_mode[m], splice) for m, mask in old.unserved_by_mode.items()
    }
    changes["words"] = changes["words"].tocsc()
    ids: tuple[str, ...] = changes["ids"]
    return OpeningIndex(
        **changes,
        position=dict(zip(ids, range(len(ids)), strict=True)),
        as_of=old.as_of,
        shift_patterns=patterns,
        employers=employers,
        word_vocab=word_vocab,
        skill_terms=skills,
        skill_column={t: i for i, t in enumerate(skills)},
    )


def _stack(a: Any, b: Any, splice: _Splice) -> Any:
    """Rows of ``a`` spliced with the rows of ``b``."""
    if isinstance(a, tuple):  # list surgery: C-level moves, no Python loop over every row
        rows = list(a)
        for j in reversed(splice.drop):
            del rows[j]
        for k in reversed(range(len(splice.at))):
            rows.insert(splice.at[k], b[k])
        return tuple(rows)
    if sp.issparse(a):
        stacked = sp.vstack([sp.csr_matrix(a), sp.csr_matrix(b)], format="csr")
        return stacked[splice.take]
    # contiguous copies (memcpy) rather than a gather of every row
    return np.insert(np.delete(a, splice.drop, axis=0), splice.at, b, axis=0)


def _union(old: Sequence[str], new: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """A sorted union of two sorted vocabularies and where each one's entries went."""
    merged = tuple(sorted(set(old) | set(new)))
    at = {v: i for i, v in enumerate(merged)}
    return merged, np.array([at[v] for v in old], int), np.array([at[v] for v in new], int)


def _recolumn(m: sp.spmatrix, cols: np.ndarray, n_cols: int) -> sp.spmatrix:
    """``m`` with column ``k`` moved to ``cols[k]`` in a matrix of ``n_cols`` columns."""
    if m.shape[1] == n_cols and np.array_equal(cols, np.arange(n_cols)):
        return m  # unchanged
    csr = sp.csr_matrix(m)
    out = sp.csr_matrix(
        (csr.data, cols[csr.indices] if len(cols) else csr.indices, csr.indptr), shape=(csr.shape[0], n_cols)
    )
    out.sort_indices()
    return out
