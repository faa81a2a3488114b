"""Helpers shared by the store modules."""

from __future__ import annotations

import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.models import Counter


class Conflict(Exception):
    """A change refused because of the current state (mapped to HTTP 409)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def new_id(prefix: str) -> str:
    """A fresh random id such as ``C-3F9A0B12C4`` (no sequence to guess)."""
    return f"{prefix}-{secrets.token_hex(5).upper()}"


def bump_counter(session: Session, *, name: str) -> None:
    """Increment a named counter (created on first use)."""
    result = session.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(Counter(name=name, value=1))
        session.flush()


def read_counter(session: Session, *, name: str) -> int:
    """Current value of a named counter (0 when never bumped)."""
    value = session.scalar(select(Counter.value).where(Counter.name == name))
    return int(value or 0)
