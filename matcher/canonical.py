"""The one canonical JSON form that every hash is computed over: RFC 8785 (JCS).

A hash is only as stable as the bytes under it. The configuration hash, the
client fingerprints of the nightly run and the service's audit chain all hash
:func:`canonical_bytes`: object keys sorted (by UTF-16 code units), no
whitespace, UTF-8, numbers in ECMAScript's shortest form (``5.0`` is ``5``),
no NaN or Infinity, integers within ±(2**53 - 1). The same data therefore gives
the same bytes in any language with an RFC 8785 library.

Hashes stored before this module existed were made over ``json.dumps`` with
``sort_keys=True`` and one of three sets of options. :func:`legacy_bytes`
reproduces each exactly, only so that such stored hashes can still be verified
or compared (:func:`matches`); nothing new is hashed with them.
"""

from __future__ import annotations

import enum
import hashlib
import json
from typing import Any

import rfc8785

__all__ = [
    "CanonicalError",
    "Legacy",
    "canonical_bytes",
    "canonical_text",
    "legacy_bytes",
    "matches",
    "sha256_hex",
]


class CanonicalError(ValueError):
    """A value that has no canonical JSON form (NaN, a set, a non-string key, a huge integer...)."""


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value`` (dicts, lists or tuples, str, int, float, bool, None).

    Raises
    ------
    CanonicalError
        If ``value`` holds anything else, NaN or infinity, or an integer beyond 2**53 - 1.
    """
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalError(str(exc)) from exc


def canonical_text(value: Any) -> str:
    """:func:`canonical_bytes` as text (what a JSON column stores)."""
    return canonical_bytes(value).decode("utf-8")


def sha256_hex(value: Any, *, length: int = 64) -> str:
    """Hex SHA-256 of the canonical bytes of ``value``, cut to ``length`` characters."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()[:length]


class Legacy(enum.Enum):
    """The ``json.dumps`` forms hashed before RFC 8785; read-only, for hashes already stored."""

    #: The audit chain and the nightly run's stored client hashes: compact, ASCII, no NaN.
    AUDIT = "audit"
    #: ``MatcherConfig.config_hash``: default separators (``", "``, ``": "``).
    CONFIG = "config"
    #: Client fingerprints of ``matcher rematch`` runs (``shortlists.json``): as CONFIG, dates as str.
    FINGERPRINT = "fingerprint"


def legacy_bytes(value: Any, *, form: Legacy) -> bytes:
    """The bytes the pre-RFC 8785 code hashed for ``value`` in ``form`` (never for new hashes)."""
    try:
        if form is Legacy.AUDIT:
            text = json.dumps(
                value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
            )
        elif form is Legacy.CONFIG:
            text = json.dumps(value, sort_keys=True)
        else:
            text = json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError) as exc:
        raise CanonicalError(str(exc)) from exc
    return text.encode("utf-8")


def matches(stored: str, value: Any, *, legacy: Legacy) -> bool:
    """True when ``stored`` is the SHA-256 (full or cut short) of ``value`` now or in ``legacy`` form.

    For comparing a hash stored before the change of form with today's value:
    a record that did not change matches in the form it was hashed in.
    """
    if len(stored) < 16:  # every hash this project stores has 16 or 64 hex digits
        return False
    for form in (None, legacy):
        try:
            blob = canonical_bytes(value) if form is None else legacy_bytes(value, form=form)
        except CanonicalError:
            continue
        if hashlib.sha256(blob).hexdigest()[: len(stored)] == stored:
            return True
    return False
