"""Plain-language reasons, concerns, support-plan hints and why-nots.

- :mod:`matcher.explain.pair`: :class:`Pair`, one pair of a scored block, and its :class:`Details`;
- :mod:`matcher.explain.suggestions`: the reasons of a suggestion, factor by factor;
- :mod:`matcher.explain.exclusions`: the why-not of an exclusion, from the constraint table.
"""

from matcher.explain.exclusions import best_columns, exclusion_reasons, single_failures
from matcher.explain.pair import Details, Pair, pair_details
from matcher.explain.suggestions import employer_cap_reason, suggestion_reasons, unknown_reasons

__all__ = [
    "Details",
    "Pair",
    "best_columns",
    "employer_cap_reason",
    "exclusion_reasons",
    "pair_details",
    "single_failures",
    "suggestion_reasons",
    "unknown_reasons",
]
