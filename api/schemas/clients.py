"""Clients: a functional profile (never a diagnosis) on a specialist's caseload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError, core_schema

from api.schemas import examples
from api.schemas.common import LatLon, Phrase, Phrases, Riasec, Strict, Zip
from matcher.config import MatcherConfig
from matcher.errors import ValidationError as RecordError
from matcher.features.terms import industry_code
from matcher.records import client_from_record
from matcher.topics import stems, topic_named
from matcher.vocab import load_vocabulary

Window = Annotated[str, StringConstraints(max_length=80)]
Level = Literal["low", "normal", "high"]
# A level by number or by name ("moderate", "average"); the engine's records check which.
CapacityLevel = int | Annotated[str, StringConstraints(max_length=40)] | None
CapacityRatings = Annotated[dict[str, CapacityLevel], Field(max_length=20)]

# The codes the descriptions list come from the engine's vocabulary (data/*.csv).
DIMENSIONS = ", ".join(load_vocabulary().dimensions)
ACCOMMODATIONS = ", ".join(load_vocabulary().accommodations)
LEVEL_NAMES = ", ".join(f'"{name}"' for name in load_vocabulary().level_names)
FACTORS = "preference, strengths, cognitive, accommodation, commute, schedule, wage"


def _known_industry(phrase: str) -> str:
    """An industry to avoid must name one the engine knows: an unknown one would exclude nothing.

    Checked on input only (stored profiles load as they are). One that names an avoidance
    topic ("casino") is pointed to the keywords, where topics apply.
    """
    vocab = load_vocabulary()
    if not phrase.strip() or industry_code(phrase, vocab, MatcherConfig()) >= 0:
        return phrase
    labels = ", ".join(vocab.industries.labels)
    topic = topic_named(phrase, vocab.avoidance_topics)
    hint = (
        f"it names the avoidance topic {vocab.avoidance_topics[topic].label!r}: add it to exclusions.keywords"
        if topic is not None
        else "to avoid jobs that mention it, add it to exclusions.keywords"
    )
    raise PydanticCustomError(
        "unknown_industry",
        "{phrase!r} names none of the industries ({labels}); {hint}",
        {"phrase": phrase, "labels": labels, "hint": hint},
    )


def _has_a_word(keyword: str) -> str:
    """A keyword of only punctuation ("!!!") would match nothing."""
    if keyword.strip() and not stems(keyword):
        raise PydanticCustomError("no_word", "{keyword!r} holds no word to look for", {"keyword": keyword})
    return keyword


class ClientExclusions(Strict):
    """Industries, employers and keywords the client does not want."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.EXCLUSIONS]})

    industries: Annotated[list[Annotated[Phrase, AfterValidator(_known_industry)]], Field(max_length=50)] = (
        Field(
            default=[],
            description='Industries to avoid, in everyday words (e.g. "retail", "food service"); matched '
            "to the industries of data/industries.csv (one that matches none is refused). An opening in "
            'one of them is excluded. For a kind of job or workplace ("casino", "bars"), use keywords.',
        )
    )
    employers: Phrases = Field(
        default=[],
        description="Employer names to avoid (near-spellings match too); their openings are excluded.",
    )
    keywords: Annotated[list[Annotated[Phrase, AfterValidator(_has_a_word)]], Field(max_length=50)] = Field(
        default=[],
        description='Words to avoid in a job\'s title or description (e.g. "liquor", "night shift"): '
        "an opening containing every word of one keyword is excluded.",
    )


class ClientProfile(Strict):
    """What the engine matches on. Give ``home`` or a US ``zip``."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.CLIENT_PROFILE]})

    home: LatLon | None = Field(
        default=None,
        description="Where the client lives, for commute estimates. Give this or zip; if both are "
        "given, home is used. Shown only to the client's own specialist.",
    )
    zip: Zip | None = Field(
        default=None,
        description='A 5-digit US ZIP code instead of home (e.g. "60647"); stored as the ZIP\'s centre.',
    )
    modes: Annotated[list[Phrase], Field(min_length=1, max_length=10)] = Field(
        description="Ways the client can travel to work (at least one): walk, bike, transit (public "
        "transit), car, ride (a ride or paratransit). Codes from data/modes.csv.",
    )
    max_commute_minutes: int = Field(
        default=45,
        ge=1,
        le=240,
        description="Longest trip the client accepts, one way, in minutes. Longer commutes are excluded.",
    )
    availability: Annotated[list[Window], Field(min_length=1, max_length=50)] = Field(
        description='When the client can work: days and a time range, e.g. "Mon-Fri 9am-3pm", '
        '"Mon, Wed, Fri 12pm-8pm", "weekends 10:00-16:00", "Tue 22:00-06:00" (past midnight). '
        'Days by name ("Monday", "Mon"), ranges, lists, "weekdays", "weekends", "daily"; times '
        'as 24-hour ("09:00") or with am/pm ("9.30am"), "noon", "midnight", on 5-minute steps. '
        'A bare "9-3" is refused (say am or pm). Stored one window per day, "Mon 09:00-15:00". '
        "An opening whose shifts fall outside them is excluded.",
    )
    min_hours: float = Field(
        default=0.0, ge=0, le=80, description="Fewest hours a week the client wants to work."
    )
    max_hours: float = Field(
        default=40.0,
        ge=0,
        le=80,
        description="Most hours a week the client wants to work (at least min_hours). Openings with "
        "hours outside min_hours to max_hours are excluded.",
    )
    capacity: CapacityRatings = Field(
        default={},
        description="How the client manages each cognitive demand, from 1 (very low) to 5 (very high), "
        f"by number or by name ({LEVEL_NAMES}, in any case; stored as the number); "
        f"dimensions: {DIMENSIONS} (for stamina, 1-5 means about 3, 4, 6, 8, 10 hours a day). Leave "
        "a dimension out (or null) when unknown. Never excludes a job: a demand above capacity "
        "lowers the fit and adds a support-plan hint.",
    )
    interests: Phrases = Field(
        default=[],
        description='Kinds of work the client wants, in their own words (e.g. "working with '
        'animals", "cooking"); with preferred_industries and riasec they make the preference '
        "factor, which weighs most in the score.",
    )
    preferred_industries: Phrases = Field(
        default=[],
        description='Industries the client prefers, in everyday words (e.g. "animal care", '
        '"landscaping"); matched to data/industries.csv.',
    )
    riasec: Riasec | None = Field(
        default=None,
        description="Optional O*NET interest profile: six scores from 0 to 7 in the order Realistic, "
        "Investigative, Artistic, Social, Enterprising, Conventional.",
    )
    strengths: Phrases = Field(
        default=[],
        description='Skills and strengths the client has (e.g. "reliability", "cash handling"); '
        "matched (via data/skills.csv) to the skills openings require or prefer.",
    )
    past_titles: Phrases = Field(
        default=[],
        description='Job titles the client has held (e.g. "Dishwasher"). Used for the strengths '
        "factor, and to infer strengths when the service has an occupation store.",
    )
    inferred_strengths: Phrases = Field(
        default=[],
        description='Strengths inferred from past jobs (shown as "inferred from work history"). '
        "Usually left empty: the service infers them; see the inferred-strengths endpoints.",
    )
    accommodations: Annotated[dict[str, Literal["required", "preferred"]], Field(max_length=50)] = Field(
        default={},
        description=f'Workplace accommodations the client needs: code -> "required" or "preferred". '
        f"Codes: {ACCOMMODATIONS}. An opening that cannot give a required one to this client is "
        "excluded (see discloses); preferred ones raise the score.",
    )
    discloses: bool = Field(
        default=False,
        description="Whether the client chooses to disclose a condition to employers. Without "
        "disclosure only accommodations an opening offers to everyone count; with it, those "
        "available on request count too, and a required one the employer has not stated is a "
        "question to ask (ACCOMMODATION_NOT_STATED), not an exclusion; only one the employer says is "
        "not possible excludes.",
    )
    wage_floor: float = Field(
        default=0.0,
        ge=0,
        le=1000,
        description="Lowest hourly wage the client accepts, in US dollars; lower-paid openings are "
        "excluded (0: no floor).",
    )
    earnings_cap: float | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        description="Highest monthly earnings, in US dollars, the client chose to protect disability "
        "benefits (e.g. below SGA); openings paying more a month (hourly wage x weekly hours x "
        "4.345) are excluded. Null: no cap.",
    )
    receives_ssdi: bool = Field(
        default=False,
        description="The client receives SSDI: shortlists flag jobs that cross SGA or use trial work "
        "months, so a benefits counselor can be involved.",
    )
    receives_ssi: bool = Field(
        default=False,
        description="The client receives SSI: shortlists estimate how much a job would reduce it.",
    )
    exclusions: ClientExclusions = Field(
        default=ClientExclusions(),
        description="Industries, employers and keywords the client wants to avoid.",
    )
    avoid_background_check: bool = Field(
        default=False,
        description="Exclude openings with a background check, except at fair-chance employers.",
    )
    priorities: Annotated[dict[str, Level], Field(max_length=20)] = Field(
        default={},
        description=f'What matters more or less to this client: factor -> "low", "normal" or '
        f'"high" (weight x0.5, x1, x2). Factors: {FACTORS}.',
    )

    @model_validator(mode="wrap")
    @classmethod
    def _record_rules(cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo) -> Self:
        """The field checks, then the engine's record rules: every problem of both at once.

        The engine stops at its first bad field, so each one found is set aside and the
        record checked again; fields the model refused are replaced by stand-ins first.
        """
        if (info.context or {}).get(_FIELDS_ONLY):
            return handler(data)
        try:
            model: Self | None = handler(data)
            errors: list[InitErrorDetails] = []
        except ValidationError as exc:
            model = None
            errors = [_again(e) for e in exc.errors()]
        bad = {e["loc"][0] for e in errors if e["loc"]}
        checkable = model if model is not None else _checkable(cls, data, bad)
        if checkable is not None:
            given = data if isinstance(data, dict) else {}
            errors += _record_errors(checkable.model_dump(mode="json", exclude_none=True), given, bad)
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        assert model is not None
        return model


Label = Annotated[str, StringConstraints(max_length=80)]
LABEL = "A short name the specialist recognises the client by, e.g. initials (up to 80 characters)."


class ClientCreate(Strict):
    """A new client on the caller's caseload; the id and status are assigned."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"label": "D.W.", "profile": examples.CLIENT_PROFILE},
                {"label": "J.T.", "profile": examples.MINIMAL_PROFILE},
            ]
        }
    )

    label: Label = Field(default="", description=LABEL)
    profile: ClientProfile = Field(description="What the engine matches on.")


class ClientUpdate(Strict):
    """A full replacement of label and profile; ``version`` must be the current one."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"version": 1, "label": "D.W.", "profile": examples.CLIENT_PROFILE | {"max_hours": 28}}
            ]
        }
    )

    version: int = Field(
        ge=1, description="The version this edit starts from (from the client as read); a stale one is a 409."
    )
    label: Label = Field(default="", description=LABEL)
    profile: ClientProfile = Field(description="The whole new profile (it replaces the old one).")


class ClientPublic(BaseModel):
    """A client as its own specialist sees it (``profile.home`` included)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.CLIENT_PUBLIC]})

    id: str = Field(description='The client\'s id, assigned by the service (e.g. "C-3F9A0B12C4").')
    label: str = Field(description=LABEL)
    status: Literal["active", "paused", "closed"] = Field(
        description="active: gets shortlists; paused: none until resumed; closed: final, no more edits."
    )
    version: int = Field(description="Increases with every change; send it back when editing.")
    specialist_id: int = Field(description="User id of the specialist whose caseload holds the client.")
    created_at: dt.datetime = Field(description="When the client was added (UTC).")
    updated_at: dt.datetime = Field(description="When the client last changed (UTC).")
    profile: dict[str, Any] = Field(
        description="The stored profile: the ClientProfile fields, normalised (a ZIP resolved to home, "
        'defaults filled in, availability written as "Mon 09:00-15:00").'
    )


class ClientsPublic(BaseModel):
    """A list of clients."""

    data: list[ClientPublic] = Field(description="The clients, oldest first.")
    count: int = Field(description="Number of clients in data.")


class InferredStrength(BaseModel):
    """A strength inferred from a past job title, with the O*NET occupation it comes from.

    ``kind``, ``source_title``, ``code`` and ``occupation`` are null for a phrase
    the stored profile holds as inferred that the occupation store does not explain.
    """

    phrase: str = Field(description='The strength, as O*NET words it (e.g. "Clean tableware").')
    kind: Literal["activity", "skill", "knowledge", "technology"] | None = Field(
        default=None,
        description="What the phrase is in O*NET: a work activity, skill, knowledge or technology.",
    )
    source_title: str | None = Field(
        default=None, description='The client\'s past job title it was inferred from (e.g. "Dishwasher").'
    )
    code: str | None = Field(
        default=None, description='O*NET-SOC code of the occupation behind it (e.g. "35-9021.00").'
    )
    occupation: str | None = Field(
        default=None, description='Name of that O*NET occupation (e.g. "Dishwashers").'
    )


class InferredStrengthsPublic(BaseModel):
    """A client's inferred strengths as the engine uses them (removed ones left out)."""

    client_id: str = Field(description="The client's id.")
    version: int = Field(description="The client's current version (send it when accepting).")
    occupation_store: bool = Field(
        description="Whether the service has an O*NET occupation store; without one, only the "
        "profile's own inferred_strengths are listed, without sources."
    )
    data: list[InferredStrength] = Field(description="The inferred strengths the engine uses now.")
    count: int = Field(description="Number of strengths in data.")
    removed: list[str] = Field(
        description="Phrases the specialist removed: never inferred again for this client."
    )


InferredPhrases = Annotated[list[Phrase], Field(min_length=1, max_length=50)]


class InferredStrengthsAccept(Strict):
    """Inferred strengths the specialist confirms; they become the client's own ``strengths``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "phrases": ["Feed animals"]}]})

    version: int = Field(ge=1, description="The client's current version; a stale one is a 409.")
    phrases: InferredPhrases = Field(
        description="Current inferred strengths to keep, spelled as listed (case does not matter)."
    )


class InferredStrengthsRemove(Strict):
    """Inferred strengths the specialist removes; they are not inferred for the client again."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"phrases": ["Clean tableware"]}]})

    phrases: InferredPhrases = Field(
        description="Inferred strengths that do not fit the client, spelled as listed (case does not matter)."
    )


# ---- the engine's record rules, gathered -----------------------------------------------------

_FIELDS_ONLY = "fields only"  # validation context: skip the record rules (used inside them)
# Stand-ins for required profile fields that are themselves invalid, so that the engine
# can still check every other field (their own problems are already reported).
_STAND_INS: dict[str, Any] = {
    "modes": ["walk"],
    "availability": ["Mon 09:00-10:00"],
    "home": {"lat": 0.0, "lon": 0.0},
}


_CORE_ERRORS = frozenset(get_args(core_schema.ErrorType))


def _again(error: Any) -> InitErrorDetails:
    """A pydantic error as raised again beside the record's."""
    if error["type"] not in _CORE_ERRORS:  # ours (PydanticCustomError): raised again as such
        custom = PydanticCustomError(error["type"], "{message}", {"message": error["msg"]})
        return InitErrorDetails(type=custom, loc=error["loc"], input=error.get("input"))
    again = InitErrorDetails(type=error["type"], loc=error["loc"], input=error.get("input"))
    if "ctx" in error:
        again["ctx"] = error["ctx"]
    return again


def _checkable(model: type[ClientProfile], raw: Any, bad: set[Any]) -> ClientProfile | None:
    """The profile without the fields the model refused (stand-ins where one is required)."""
    if not isinstance(raw, dict):
        return None
    kept = {k: v for k, v in raw.items() if k not in bad}
    if "zip" in bad and "home" not in kept:
        kept["home"] = _STAND_INS["home"]
    for field in ("modes", "availability", "home"):
        if field in bad:
            kept[field] = _STAND_INS[field]
    try:
        return model.model_validate(kept, context={_FIELDS_ONLY: True})
    except ValidationError:  # only when a field depends on another refused one
        return None


def _record_errors(profile: dict[str, Any], given: dict[str, Any], skip: set[Any]) -> list[InitErrorDetails]:
    """Every engine record problem of a profile the model accepted, outside ``skip``."""
    record: dict[str, Any] = {**profile, "id": "check"}
    vocab = load_vocabulary()
    found: list[InitErrorDetails] = []
    for _ in range(len(record) + 120):  # each pass sets one bad part aside
        try:
            client_from_record(record, vocab)
            break
        except RecordError as exc:
            top = exc.field.split(".")[0]
            path: list[str | int] = list(exc.field.split("."))
            if top not in skip:
                entries = given.get(top)
                if len(path) == 1 and isinstance(entries, list) and exc.value in entries:
                    path.append(entries.index(exc.value))  # the entry of a list
                found.append(
                    InitErrorDetails(
                        type=PydanticCustomError("record", "{message}", {"message": exc.message}),
                        loc=tuple(path),
                        input=exc.value,
                    )
                )
            if not _set_aside(record, exc.field.split("."), exc.value):
                break
    return found


def _set_aside(record: dict[str, Any], path: Sequence[str], value: Any) -> bool:
    """Remove the bad part of ``record`` (False when nothing could be removed)."""
    top = path[0]
    if isinstance(record.get(top), list) and value in record[top]:  # one entry of a list
        record[top] = [v for v in record[top] if v != value]
        if not record[top] and top in _STAND_INS:
            record[top] = _STAND_INS[top]
        return True
    if len(path) > 1 and isinstance(record.get(top), dict) and path[1] in record[top]:
        del record[top][path[1]]
        return True
    if top in ("home", "zip"):
        record.pop("zip", None)
        record["home"] = _STAND_INS["home"]
        return True
    if top in _STAND_INS and record.get(top) != _STAND_INS[top]:
        record[top] = _STAND_INS[top]
        return True
    return record.pop(top, None) is not None
