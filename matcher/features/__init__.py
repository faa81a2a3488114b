"""Records -> arrays: the openings index (built once), client batches, the text model.

Every fuzzy or per-record step (phrase canonicalisation, text analysis,
schedule packing) happens here, once per record. Scoring then works on whole
arrays only.

- :mod:`matcher.features.openings`: :class:`OpeningIndex`, built at fit;
- :mod:`matcher.features.clients`: :class:`ClientBatch`, per request or chunk;
- :mod:`matcher.features.text`: what the TF-IDF text model reads;
- :mod:`matcher.features.terms`: canonical industries and skills, array helpers.
"""

from matcher.features.clients import PAIR_FIELDS, ClientBatch, build_clients, client_weights, take_clients
from matcher.features.openings import OpeningIndex, build_openings, keyword_mask, take_openings
from matcher.features.terms import FREE_PREFIX, industry_code, skill_term
from matcher.features.text import fit_text_model, opening_text, transform_texts

__all__ = [
    "FREE_PREFIX",
    "PAIR_FIELDS",
    "ClientBatch",
    "OpeningIndex",
    "build_clients",
    "build_openings",
    "client_weights",
    "fit_text_model",
    "industry_code",
    "keyword_mask",
    "opening_text",
    "skill_term",
    "take_clients",
    "take_openings",
    "transform_texts",
]
