"""The self-reported groups of the fairness audit: codes and the words shown for them.

Each attribute is optional and self-reported; :data:`UNSTATED` is the value when the client
chose not to say or nothing was recorded. Disability is recorded as a *functional* category
(what is hard to do, after the Washington Group's functional domains), never a diagnosis.
Race and ethnicity follow the EEO-1 categories that NYC Local Law 144 audits use.
"""

from __future__ import annotations

from matcher.outcomes.fairness import UNSTATED

SEX = {"female": "Female", "male": "Male", "another": "Another sex or gender"}
RACE_ETHNICITY = {
    "hispanic_latino": "Hispanic or Latino",
    "white": "White",
    "black": "Black or African American",
    "asian": "Asian",
    "native_hawaiian_pacific": "Native Hawaiian or other Pacific Islander",
    "american_indian_alaska": "American Indian or Alaska Native",
    "two_or_more": "Two or more races",
}
AGE_BAND = {
    "18_24": "18 to 24",
    "25_34": "25 to 34",
    "35_44": "35 to 44",
    "45_54": "45 to 54",
    "55_64": "55 to 64",
    "65_plus": "65 or older",
}
DISABILITY = {
    "emotional_social": "Coping with stress, emotions or relating to others",
    "cognitive": "Concentrating, remembering or making decisions",
    "mobility": "Walking, climbing or using hands",
    "seeing": "Seeing",
    "hearing": "Hearing",
    "communication": "Communicating (understanding or being understood)",
    "self_care": "Self-care",
    "several": "Several of these",
}
#: Each attribute's column name, question and choices (UNSTATED is always allowed).
ATTRIBUTES: dict[str, tuple[str, dict[str, str]]] = {
    "sex": ("Sex", SEX),
    "race_ethnicity": ("Race or ethnicity", RACE_ETHNICITY),
    "age_band": ("Age", AGE_BAND),
    "disability": ("What the client's disability makes hard (functional, never a diagnosis)", DISABILITY),
}
#: The groupings the audit reports: each attribute, then sex × race/ethnicity (as LL144 does).
GROUPINGS: tuple[tuple[str, ...], ...] = (
    ("sex",),
    ("race_ethnicity",),
    ("age_band",),
    ("disability",),
    ("sex", "race_ethnicity"),
)
UNSTATED_WORDS = "Not stated"


def label(attribute: str, code: str) -> str:
    """The words for one attribute's code (``UNSTATED``: "Not stated")."""
    if code == UNSTATED:
        return UNSTATED_WORDS
    return ATTRIBUTES[attribute][1].get(code, code)
