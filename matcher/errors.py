"""Exceptions and warnings raised by the engine."""

from __future__ import annotations


class MatcherError(Exception):
    """Base class of every error the engine raises."""


class ConfigError(MatcherError):
    """A configuration value is invalid."""


class VocabularyError(MatcherError):
    """A vocabulary file is missing or malformed."""


class ArtifactError(MatcherError):
    """A saved model artifact is missing or was built by another version."""


class NotFittedError(MatcherError):
    """The matcher was asked to recommend before it was fitted to openings."""


class ValidationError(MatcherError, ValueError):
    """A record has an invalid field.

    Names the record, the field and the offending value, e.g.
    ``client C-7: field 'accommodations.quiet_room': unknown accommodation code``.
    """

    def __init__(self, record: str, field: str, value: object, message: str) -> None:
        self.record = record
        self.field = field
        self.value = value
        self.message = message
        super().__init__(f"{record}: field {field!r} = {value!r}: {message}")


class MatcherWarning(UserWarning):
    """A recoverable data problem (e.g. one bad record skipped in a batch)."""
