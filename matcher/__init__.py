"""placement-matcher's pure engine: ranked, explained job suggestions for supported employment.

Entry point: :func:`build_matcher` (a fitted :class:`Matcher`; ``recommend`` for clients).
No web, no database, no environment: configuration is passed in.
"""

from matcher.assembly import build_matcher
from matcher.commute import TravelTimes
from matcher.config import FACTORS, MatcherConfig
from matcher.errors import (
    ArtifactError,
    ConfigError,
    MatcherError,
    MatcherWarning,
    NotFittedError,
    ValidationError,
    VocabularyError,
)
from matcher.pipeline import ENGINE_VERSION, Matcher
from matcher.records import client_from_record, load_clients, load_openings, opening_from_record
from matcher.types import Client, Exclusion, Location, Need, Opening, Reason, Shortlist, Status, Suggestion
from matcher.vocab import load_vocabulary

__all__ = [
    "ENGINE_VERSION",
    "FACTORS",
    "ArtifactError",
    "Client",
    "ConfigError",
    "Exclusion",
    "Location",
    "Matcher",
    "MatcherConfig",
    "MatcherError",
    "MatcherWarning",
    "Need",
    "NotFittedError",
    "Opening",
    "Reason",
    "Shortlist",
    "Status",
    "Suggestion",
    "TravelTimes",
    "ValidationError",
    "VocabularyError",
    "build_matcher",
    "client_from_record",
    "load_clients",
    "load_openings",
    "load_vocabulary",
    "opening_from_record",
]
