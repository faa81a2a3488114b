"""Career exploration: title resolution, occupation profiles, related occupations, a client's openings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.fit_bands import Band

#: An O*NET-SOC code as people write it: ``35-9021.00`` or ``35-9021``.
SocCode = Annotated[str, StringConstraints(pattern=r"^\d{2}-\d{4}(\.\d{2})?$")]
CODE_EXAMPLE = "35-9021.00"
Relation = Annotated[
    Literal["chosen", "related"],
    Field(description="chosen: the occupation asked about; related: one related to it."),
]


class TitleCandidatePublic(BaseModel):
    """One occupation a title may denote."""

    code: str = Field(description="O*NET-SOC code.", examples=[CODE_EXAMPLE])
    title: str = Field(description="O*NET occupation title.", examples=["Dishwashers"])
    confidence: float = Field(description="0-1; only candidates at or above the threshold are listed.")
    matched: str = Field(description="The known title (normalised) the query matched.")


class TitleResolutionPublic(BaseModel):
    """The occupations a free-text job title may denote, best first."""

    title: str = Field(description="The title as asked.")
    unknown: bool = Field(
        description="True when no occupation reaches the threshold: say unknown, don't guess."
    )
    threshold: float = Field(description="Confidence below which a candidate is not listed.")
    candidates: list[TitleCandidatePublic] = Field(description="Candidates, best first (empty: unknown).")


class Preparation(BaseModel):
    """The preparation most people in the occupation had (O*NET Job Zone)."""

    job_zone: int | None = Field(description="O*NET Job Zone 1-5; null when O*NET gives none.")
    name: str = Field(description='The Job Zone in words, e.g. "Some preparation".')
    words: str = Field(description="What that usually means: schooling, experience, training.")
    education: str | None = Field(description="The most common education level O*NET reports, if any.")


class DemandPublic(BaseModel):
    """A typical demand of the occupation on one of the engine's dimensions, derived from O*NET."""

    dimension: str = Field(description="Dimension code, as in client capacities and opening demands.")
    label: str = Field(description="The dimension in words.")
    level: int = Field(ge=1, le=5, description="Typical demand 1-5.")
    words: str = Field(description="The level in words.")


class OccupationProfilePublic(BaseModel):
    """One occupation in plain language: what people do, preparation needed, typical demands."""

    code: str = Field(description="O*NET-SOC code.", examples=[CODE_EXAMPLE])
    title: str = Field(description="O*NET occupation title.")
    description: str = Field(description="What people in the occupation do, in O*NET's words.")
    activities: list[str] = Field(description="Work activities most tasks of the occupation involve.")
    skills: list[str] = Field(description="Its most distinctive skills.")
    knowledge: list[str] = Field(description="Its most distinctive knowledge areas.")
    technology: list[str] = Field(description="Distinctive in-demand technology (none for most entry jobs).")
    preparation: Preparation = Field(description="The preparation it takes (Job Zone).")
    demands: list[DemandPublic] = Field(
        description="Typical demands on the engine's dimensions; dimensions O*NET says nothing about "
        "(e.g. stamina) are left out."
    )


class RelatedOccupationPublic(BaseModel):
    """An occupation a person could move to, with what carries over."""

    code: str = Field(description="O*NET-SOC code.")
    title: str = Field(description="O*NET occupation title.")
    score: float = Field(description="Transferability 0-1, best first.")
    job_zone: int | None = Field(description="Its Job Zone 1-5 (null: not rated).")
    preparation: str = Field(description="Its Job Zone in words.")
    reasons: list[str] = Field(description="Shared work activities, skills and technology.")


class RelatedOccupationsPublic(BaseModel):
    """Related occupations of one occupation (a transferable-skills analysis)."""

    code: str = Field(description="The occupation asked about (O*NET-SOC code).")
    title: str = Field(description="Its O*NET title.")
    count: int = Field(description="Number of occupations in data.")
    data: list[RelatedOccupationPublic] = Field(description="Related occupations, most transferable first.")


class ExploreOccupation(BaseModel):
    """An occupation whose openings are listed: the one asked about or one related to it."""

    code: str = Field(description="O*NET-SOC code.")
    title: str = Field(description="O*NET occupation title.")
    relation: Relation


class ExploreOpeningPublic(BaseModel):
    """A current open opening in one of the occupations, as it stands for this client."""

    opening_id: str = Field(description="The opening's id.")
    title: str = Field(description="The opening's title.")
    employer: str = Field(description="The employer's name.")
    occupation_code: str = Field(
        description="The opening's O*NET-SOC code (given or inferred from its title)."
    )
    occupation_title: str = Field(description="The O*NET title of that code.")
    relation: Relation
    open_to_client: bool = Field(description="Whether it passes every hard limit of the client.")
    band: Band | None = Field(description="Its fit band when open to the client (strong, good, possible).")
    ruled_out: list[str] = Field(
        description="Reason codes of the limits it fails (empty when open to the client)."
    )
    ruled_out_words: list[str] = Field(description="The same in words.")


class ExploreOpeningsPublic(BaseModel):
    """A client's current openings in an occupation and its related ones (open ones first)."""

    client_id: str = Field(description="The client's id.")
    code: str = Field(description="The occupation explored (O*NET-SOC code).")
    title: str = Field(description="Its O*NET title.")
    occupations: list[ExploreOccupation] = Field(description="It and its related occupations, in that order.")
    total: int = Field(description="Openings in those occupations in all (every page).")
    count: int = Field(description="Number of openings in data (this page).")
    data: list[ExploreOpeningPublic] = Field(
        description="Open openings in those occupations: open to the client first (best score first), "
        "then the ruled-out ones."
    )
