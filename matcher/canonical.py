"""The one canonical JSON form that every hash is computed over: RFC 8785 (JCS).

A hash is only as stable as the bytes under it. The configuration hash, the
client fingerprints of the nightly run and the service's audit chain all hash
:func:`canonical_bytes`: object keys sorted (by UTF-16 code units), no
whitespace, UTF-8, numbers in ECMAScript's shortest form (``5.0`` is ``5``),
no NaN or Infinity, integers within ±(2**53 - 1). The same data therefore gives
the same bytes in any language with an RFC 8785 library.

The ``rfc8785`` package is the reference. It is pure Python, about five times
slower than ``json.dumps``; for the values hashed all day (plain dicts and lists
of strings, integers and floats in the ordinary range) the C ``json`` encoder
writes the very same bytes once integral floats are made integers, so those take
that path and everything else goes to ``rfc8785`` (the test suite checks the two
agree on random values).

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


_SAFE_INT = 2**53 - 1
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class CanonicalError(ValueError):
    """A value that has no canonical JSON form (NaN, a set, a non-string key, a huge integer...)."""


class _Reference(Exception):
    """Raised inside :func:`_plain` for a value the C encoder would not write as RFC 8785 does."""


def _plain(value: Any) -> Any:
    """``value`` with integral floats as ints, when the C encoder then writes RFC 8785 exactly."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value  # json escapes strings exactly as RFC 8785 does (with ensure_ascii=False)
    if kind is dict:
        out = {}
        for key, item in value.items():
            # key order: code points (json) and UTF-16 units (RFC 8785) agree within the BMP
            if type(key) is not str or (not key.isascii() and max(key) > "\uffff"):
                raise _Reference
            out[key] = _plain(item)
        return out
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if kind is int and -_SAFE_INT <= value <= _SAFE_INT:
        return value
    if kind is float:
        if value.is_integer():
            if -_SAFE_INT <= value <= _SAFE_INT:
                return int(value)  # RFC 8785 writes 5.0 as 5; below 2**53 the digits are exact
        elif 1e-4 <= abs(value) < 1e16:
            return value  # repr is ECMAScript's form here (shortest digits, no exponent)
    raise _Reference


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value`` (dicts, lists or tuples, str, int, float, bool, None).

    Raises
    ------
    CanonicalError
        If ``value`` holds anything else, NaN or infinity, or an integer beyond 2**53 - 1.
    """
    try:
        try:
            return _ENCODER.encode(_plain(value)).encode("utf-8")
        except (_Reference, UnicodeEncodeError):
            return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise CanonicalError(str(exc)) from exc
    except RecursionError as exc:
        raise CanonicalError("value nested too deeply") from exc


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
