"""Occupational knowledge from O*NET and ESCO.

Import an O*NET release into a profile store, resolve free-text job titles to
O*NET-SOC codes, infer an opening's cognitive demands and skills and a
client's strengths from occupations, and rank related occupations
(transferable skills). Data sources and their licences: the README, "Occupational knowledge: O*NET and ESCO".

>>> store = OccupationStore.load("var/occupations")          # doctest: +SKIP
>>> resolve_title(store, "Dishwasher PT nights")[0].code       # doctest: +SKIP
'35-9021.00'
"""

from matcher.occupations.esco import EscoSkills
from matcher.occupations.inference import (
    InferredStrength,
    enrich_clients,
    enrich_openings,
    infer_strengths,
)
from matcher.occupations.onet_import import ImportReport, import_onet
from matcher.occupations.profile import DIMENSION_SOURCES, occupation_demands, occupation_phrases
from matcher.occupations.similar import OccupationNotFound, Related, similar_occupations
from matcher.occupations.store import OccupationStore, StoreError
from matcher.occupations.titles import MIN_CONFIDENCE, TitleCandidate, resolve_title

__all__ = [
    "DIMENSION_SOURCES",
    "MIN_CONFIDENCE",
    "EscoSkills",
    "ImportReport",
    "InferredStrength",
    "OccupationNotFound",
    "OccupationStore",
    "Related",
    "StoreError",
    "TitleCandidate",
    "enrich_clients",
    "enrich_openings",
    "import_onet",
    "infer_strengths",
    "occupation_demands",
    "occupation_phrases",
    "resolve_title",
    "similar_occupations",
]
