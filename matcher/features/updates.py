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


def patch_openings(
    index: OpeningIndex,
    upserts: Sequence[Opening],
    *,
    vocab: Vocabulary,
    config: MatcherConfig,
    text_model: TfidfVectorizer,
) -> tuple[OpeningIndex, np.ndarray, OpeningIndex] | None:
    """New versions of indexed openings written over their rows; None when that cannot be done.

    The fast path of an edit: every upsert replaces an opening of the same id and
    brings no employer, free skill term, keyword word or shift pattern the index
    lacks, so no position and no vocabulary moves. Each row array is copied once
    (``index`` stays as it was for its readers) and the changed rows written over;
    sparse rows are spliced in without re-sorting the matrix.

    Returns
    -------
    (OpeningIndex, ndarray, OpeningIndex) or None
        The patched index, the patched rows (ascending) and the new rows alone in the
        index's vocabularies (sorted by id, like the rows).
    """
    if not upserts or any(o.id not in index.position for o in upserts):
        return None
    new = build_openings(upserts, vocab=vocab, config=config, as_of=index.as_of, text_model=text_model)
    rows = np.array([index.position[i] for i in new.ids], dtype=np.int64)
    aligned = _aligned(index, new)
    if aligned is None:
        return None
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(index):
        if f.name not in _SHARED:
            changes[f.name] = patch_rows(getattr(index, f.name), rows, getattr(aligned, f.name))
    changes["unserved_by_mode"] = {
        m: patch_rows(mask, rows, aligned.unserved_by_mode[m]) for m, mask in index.unserved_by_mode.items()
    }
    for name in _SHARED - {"unserved_by_mode"}:
        changes[name] = getattr(index, name)  # never modified in place: shared with the old index
    return OpeningIndex(**changes), rows, aligned


def _aligned(index: OpeningIndex, new: OpeningIndex) -> OpeningIndex | None:
    """``new`` with its codes and columns in ``index``'s vocabularies; None if it needs a new entry."""
    emp = [bisect.bisect_left(index.employers, e) for e in new.employers]
    if any(
        p >= len(index.employers) or index.employers[p] != e for p, e in zip(emp, new.employers, strict=True)
    ):
        return None
    skills = [index.skill_column.get(t) for t in new.skill_terms]
    words = [index.word_vocab.get(w) for w in sorted(new.word_vocab, key=new.word_vocab.__getitem__)]
    pattern = [np.flatnonzero((index.shift_patterns == p).all(axis=1)) for p in new.shift_patterns]
    if None in skills or None in words or any(len(p) != 1 for p in pattern):
        return None
    return dataclasses.replace(
        new,
        employer_code=np.array(emp, dtype=int)[new.employer_code] if len(emp) else new.employer_code,
        employers=index.employers,
        shift_inverse=np.array([int(p[0]) for p in pattern], dtype=int)[new.shift_inverse],
        shift_patterns=index.shift_patterns,
        req_skills=_recolumn(new.req_skills, np.array(skills, int), len(index.skill_terms)).tocsr(),
        pref_skills=_recolumn(new.pref_skills, np.array(skills, int), len(index.skill_terms)).tocsr(),
        skill_terms=index.skill_terms,
        skill_column=index.skill_column,
        words=_recolumn(new.words, np.array(words, int), len(index.word_vocab)).tocsr(),
        word_vocab=index.word_vocab,
    )


def patch_rows(a: Any, rows: np.ndarray, b: Any) -> Any:
    """A copy of ``a`` with its rows ``rows`` (ascending) replaced by the rows of ``b``.

    Arrays are copied and written over; tuples rebuilt; CSR matrices spliced;
    CSC matrices get the old entries of the rows dropped and the new ones put
    at the end of their columns. Anything not one row per opening is kept.
    """
    if _same_rows(a, rows, b):
        return a  # nothing in these rows changed: share it (it is never written into)
    if isinstance(a, tuple):
        out = list(a)
        for k, r in enumerate(rows.tolist()):
            out[r] = b[k]
        return tuple(out)
    if isinstance(a, np.ndarray):
        copied = a.copy()
        copied[rows] = b
        return copied
    if sp.issparse(a) and a.format == "csr":
        return _splice_csr(a, rows, sp.csr_matrix(b))
    if sp.issparse(a) and a.format == "csc":
        return _splice_csc(a, rows, sp.csr_matrix(b))
    return a


def _same_rows(a: Any, rows: np.ndarray, b: Any) -> bool:
    """``b`` holds exactly (bit for bit) what rows ``rows`` of ``a`` hold: an edit left them alone."""
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        old = np.ascontiguousarray(a[rows])
        return (
            old.dtype == b.dtype
            and old.shape == b.shape
            and old.tobytes() == np.ascontiguousarray(b).tobytes()
        )
    if sp.issparse(a) and a.format == "csr" and sp.issparse(b):
        new = sp.csr_matrix(b)
        old = a[rows]
        return (
            old.shape == new.shape
            and old.dtype == new.dtype
            and np.array_equal(old.indptr, new.indptr)
            and old.indices.tobytes() == new.indices.astype(old.indices.dtype).tobytes()
            and old.data.tobytes() == new.data.tobytes()
        )
    return False


def _splice_csr(a: sp.csr_matrix, rows: np.ndarray, b: sp.csr_matrix) -> sp.csr_matrix:
    """CSR ``a`` with rows ``rows`` replaced by the rows of ``b`` (contiguous copies between them)."""
    data, indices, bounds = [], [], [0]
    for k, r in enumerate(rows.tolist()):
        data += [a.data[a.indptr[bounds[-1]] : a.indptr[r]], b.data[b.indptr[k] : b.indptr[k + 1]]]
        indices += [a.indices[a.indptr[bounds[-1]] : a.indptr[r]], b.indices[b.indptr[k] : b.indptr[k + 1]]]
        bounds.append(r + 1)
    data.append(a.data[a.indptr[bounds[-1]] :])
    indices.append(a.indices[a.indptr[bounds[-1]] :])
    lengths = np.diff(a.indptr)
    lengths[rows] = np.diff(b.indptr)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(a.indptr.dtype)
    values = np.concatenate(data).astype(a.dtype, copy=False)
    return sp.csr_matrix(
        (values, np.concatenate(indices).astype(a.indices.dtype, copy=False), indptr),
        shape=a.shape,
        copy=False,
    )


def _splice_csc(a: sp.csc_matrix, rows: np.ndarray, b: sp.csr_matrix) -> sp.csc_matrix:
    """CSC ``a`` with rows ``rows`` replaced by those of ``b``: old entries out, new ones last in columns."""
    gone = np.flatnonzero(np.isin(a.indices, rows))
    col_of_gone = np.searchsorted(a.indptr, gone, side="right") - 1
    coo = b.tocoo()
    was = np.lexsort((col_of_gone, a.indices[gone]))
    now = np.lexsort((coo.col, rows[coo.row]))
    if (
        len(gone) == coo.nnz
        and np.array_equal(a.indices[gone][was], rows[coo.row][now])
        and np.array_equal(col_of_gone[was], coo.col[now])
        and np.array_equal(a.data[gone][was], coo.data[now])
    ):
        return a  # the same entries: nothing to splice
    data, indices = np.delete(a.data, gone), np.delete(a.indices, gone)
    counts = np.diff(a.indptr) - np.bincount(col_of_gone, minlength=a.shape[1])
    order = np.lexsort((rows[coo.row], coo.col))
    new_cols, new_rows, new_data = coo.col[order], rows[coo.row][order], coo.data[order]
    kept_ptr = np.concatenate([[0], np.cumsum(counts)])
    data = np.insert(data, kept_ptr[new_cols + 1], new_data.astype(a.dtype))
    indices = np.insert(indices, kept_ptr[new_cols + 1], new_rows.astype(a.indices.dtype))
    counts += np.bincount(new_cols, minlength=a.shape[1])
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(a.indptr.dtype)
    return sp.csc_matrix((data, indices, indptr), shape=a.shape, copy=False)
