"""Plain words for the engine's factors and program settings, shown on the audit and admin pages."""

from __future__ import annotations

from api.web.words import FACTOR_WORDS

#: Program settings in words, by their path in the configuration (``section.name``).
SETTING_LABELS = {
    **{f"scoring.weights.{f}": f"Weight: {label.lower()}" for f, label in FACTOR_WORDS.items()},
    "ranking.k": "Suggestions in a shortlist",
    "ranking.max_per_employer": "Most suggestions from one employer",
    "commute.short_share": "Short commute: up to this share of the client's limit",
    "commute.fit_at_limit": "Commute fit at the client's limit",
}

DECISION_WORDS = {
    "approve": "approved",
    "reject": "rejected",
    "restore": "restored (rejection withdrawn)",
    "applied": "applied",
    "interview": "interview",
    "hired": "hired",
    "not_hired": "not hired",
}


def setting_label(path: str) -> str:
    """A setting's words, or its path when it has none (an expert setting)."""
    return SETTING_LABELS.get(path, f"Expert setting {path}")
