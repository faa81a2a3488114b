"""The text model: what it reads of an opening, fitting and transforming (TF-IDF)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

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
    return text_model.transform(texts).tocsr()
