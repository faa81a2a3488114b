"""Hard constraints: the client's own limits, as a (clients x openings) bit mask.

The rules are declared once, in the table :data:`RULES` (``rules.py``): each
with its reason code, what it reads, its vectorised test and its why-not. The
engine (:func:`failed_codes`), the nightly prefilter (:func:`passes_at` over
:data:`PREFILTER`) and the explanations all read that table. A rule the opening
leaves undecided (:data:`UNDECIDABLE`, :func:`unknown_codes_at`) never
excludes: it is a question, with an :class:`Unknown` code.
"""

from matcher.constraints.check import failed_codes, failed_codes_at, passes_at, unknown_codes_at
from matcher.constraints.disclosure import opened_by_disclosing
from matcher.constraints.pairs import AllPairs, ListedPairs, Pairs
from matcher.constraints.rules import (
    PREFILTER,
    RULES,
    UNDECIDABLE,
    Failed,
    Rule,
    Unknown,
    flag_names,
    opening_unknowns,
)
from matcher.constraints.why_not import WhyNot

__all__ = [
    "PREFILTER",
    "RULES",
    "UNDECIDABLE",
    "AllPairs",
    "Failed",
    "ListedPairs",
    "Pairs",
    "Rule",
    "Unknown",
    "WhyNot",
    "failed_codes",
    "failed_codes_at",
    "flag_names",
    "opened_by_disclosing",
    "opening_unknowns",
    "passes_at",
    "unknown_codes_at",
]
