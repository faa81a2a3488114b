"""The retention model: how well the engine's factors predicted who kept a job, and proposed weights.

Pure (no database): :func:`train` reads :class:`Outcomes` (placements with the engine's factor
values), :func:`save` writes ``models/retention_model.joblib`` with its sidecar and card. The
service half (reading placements, promoting a proposal) is :mod:`api.retention`.
"""

from matcher.retention.model import RetentionModel
from matcher.retention.outcomes import RETAINED_DAYS, Outcomes, TimeSplit, time_split
from matcher.retention.proposal import MIN_OUTCOMES, MIN_PER_CLASS, learned_shares, propose_weights
from matcher.retention.train import RETENTION_MODEL, Trained, model_version, save, train, write_card

__all__ = [
    "MIN_OUTCOMES",
    "MIN_PER_CLASS",
    "RETAINED_DAYS",
    "RETENTION_MODEL",
    "Outcomes",
    "RetentionModel",
    "TimeSplit",
    "Trained",
    "learned_shares",
    "model_version",
    "propose_weights",
    "save",
    "time_split",
    "train",
    "write_card",
]
