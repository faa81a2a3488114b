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
    vocabulary = text_model.vocabulary_
    indices: list[int] = []
    counts: list[int] = []
    indptr = [0]
    seen: dict[str, dict[int, int]] = {}  # a row depends on its text alone: a repeated text is read once
    for text in texts:
        counter = seen.get(text)
        if counter is None:
            counter = seen[text] = {}
            for term in analyze(text):
                at = vocabulary.get(term)
                if at is not None:
                    counter[at] = counter.get(at, 0) + 1
        indices += counter
        counts += counter.values()
        indptr.append(len(indices))
    data = np.asarray(counts, dtype=np.float32)
    columns, starts = np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)
    out = sp.csr_matrix((data, columns, starts), shape=(len(texts), len(vocabulary)), dtype=np.float32)
    out.sort_indices()
    np.log(out.data, out.data)
    out.data += 1.0
    out.data *= text_model.idf_[out.indices]
    inplace_csr_row_normalize_l2(out)
    return out
