"""The text model: what it reads of an opening, fitting and transforming (TF-IDF)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from matcher.types import Opening
from matcher.vocab import analyze


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
    if _ours(text_model):
        return _transform(text_model, texts)
    return text_model.transform(texts).tocsr()


def _ours(text_model: TfidfVectorizer) -> bool:
    """A model as :func:`fit_text_model` fits it (and ``matcher.train`` trains it)."""
    return (
        isinstance(text_model, TfidfVectorizer)
        and text_model.analyzer is analyze
        and text_model.input == "content"
        and text_model.sublinear_tf
        and text_model.use_idf
        and text_model.norm == "l2"
        and not text_model.binary
        and text_model.dtype is np.float32
    )


def _transform(text_model: TfidfVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    """``text_model.transform(texts)`` step by step, as scikit-learn computes it (the same bits).

    Its input checks cost about a millisecond a call, more than transforming one client's
    few words: counts of the known terms, 1 + log of each, times its idf, rows scaled to
    unit length by scikit-learn's own routine.
    """
    get = text_model.vocabulary_.get
    # a row depends on its text alone: each distinct text is read once, repeats copy its row
    distinct: dict[str, int] = {}
    rows = [distinct.setdefault(text, len(distinct)) for text in texts]
    indices: list[int] = []
    indptr = [0]
    for text in distinct:
        indices += [at for at in map(get, analyze(text)) if at is not None]
        indptr.append(len(indices))
    columns, starts = np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)
    shape = (len(distinct), len(text_model.vocabulary_))
    out = sp.csr_matrix((np.ones(len(columns), np.float32), columns, starts), shape=shape, dtype=np.float32)
    out.sum_duplicates()  # counts of each term (small whole numbers: exact in float32), indices sorted
    if len(distinct) < len(texts):
        out = out[rows]
    np.log(out.data, out.data)
    out.data += 1.0
    out.data *= text_model.idf_[out.indices]
    inplace_csr_row_normalize_l2(out)
    return out
