"""The retention model's weight proposal and its promotion."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Strict


class RetentionPromotion(BaseModel):
    by: str | None = Field(description="The admin who promoted the proposal.")
    at: str = Field(description="When (UTC, ISO 8601).")
    config_version: int = Field(description="The program configuration version it became.")


class RetentionProposalPublic(BaseModel):
    """What the retention model learned and the factor weights it proposes (nothing is applied)."""

    status: str = Field(
        description="ok (weights proposed), not_enough (too few outcomes: nothing proposed), "
        "no_clear_effect (no factor clearly predicts retention) or no_model (none trained yet)."
    )
    message: str | None = Field(description='Why nothing is proposed, e.g. "not enough outcomes: ...".')
    model_version: str | None = Field(description="The trained model's version (send it back to promote).")
    config_version: int = Field(description="The configuration version in force (0: engine defaults).")
    current_weights: dict[str, float] = Field(description="The factor weights in force.")
    proposed_weights: dict[str, float] | None = Field(
        description="The proposed weights (never negative, same sum as in force), or null."
    )
    report: dict[str, Any] | None = Field(
        default=None,
        description="The model card's facts: data window, counts, coefficients with intervals, "
        "time-split calibration and ranking metrics with intervals.",
    )
    promotions: list[RetentionPromotion] = Field(default=[], description="Earlier promotions of this model.")


class RetentionPromote(Strict):
    """Promote the reviewed proposal as a new program configuration version."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"model_version": "retention-20261201-3f9a2c1b"}]}
    )

    model_version: str = Field(
        min_length=1, max_length=64, description="The model version reviewed (from the proposal)."
    )
