"""Password hashing (argon2), users with hashed credentials, and access tokens (JWT)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from api import store
from api.models import User

if TYPE_CHECKING:
    from api.config import Settings
    from api.schemas import UserCreate

_hasher = PasswordHasher()
# Verified against when a username does not exist, so a miss costs as long as a hit
# (no timing oracle for which usernames exist).
_DUMMY_HASH = _hasher.hash("placement-matcher-dummy-password")


def configure(*, time_cost: int, memory_kib: int, parallelism: int) -> None:
    """Set the argon2 cost of new hashes (existing hashes keep their own parameters)."""
    global _hasher, _DUMMY_HASH
    current = _hasher
    if (current.time_cost, current.memory_cost, current.parallelism) == (
        time_cost,
        memory_kib,
        parallelism,
    ):
        return
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _DUMMY_HASH = _hasher.hash("placement-matcher-dummy-password")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    """True when ``password`` matches ``hashed``; ``None`` checks a dummy hash."""
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def create_user(session: Session, *, user_create: UserCreate, is_demo: bool = False) -> User:
    """Store a new user with the argon2 hash of their password (Conflict: username taken)."""
    return store.users.create_user(
        session,
        username=user_create.username,
        role=user_create.role.value,
        full_name=user_create.full_name,
        hashed_password=hash_password(user_create.password),
        is_demo=is_demo,
    )


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = store.users.get_user_by_username(session, username=username)
    ok = verify_password(password, user.hashed_password if user else None)
    return user if ok and user is not None and user.is_active else None


def create_access_token(
    *, user_id: int, role: str, secret: str, algorithm: str, minutes: int, version: int = 0
) -> str:
    """A signed token naming the user, role and token version, valid for ``minutes``."""
    now = dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "role": role,
        "ver": version,
        "iat": now,
        "exp": now + dt.timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=algorithm)


def decode_access_token(token: str, *, secret: str, algorithm: str) -> tuple[int, int] | None:
    """The user id and token version of a valid token, or ``None`` when invalid or expired."""
    try:
        claims = jwt.decode(token, secret, algorithms=[algorithm], options={"require": ["exp", "ver"]})
        version = claims["ver"]
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        return int(claims["sub"]), version
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        return None


def end_tokens(session: Session, *, user: User) -> None:
    """End every token issued to ``user`` so far (the caller commits)."""
    store.users.end_tokens(session, user=user)


class DemoUsersPresent(RuntimeError):
    """An active demo user exists and the service was started outside demo mode."""


def refuse_demo_users(session: Session) -> None:
    """Raise ``DemoUsersPresent`` when an active demo user (known password) could log in."""
    names = store.users.demo_usernames(session, active_only=True)
    if names:
        raise DemoUsersPresent(
            f"refusing to serve outside demo mode: demo users exist ({', '.join(names)}); "
            "serve this database with `placement-api serve --demo` (PLACEMENT_DEMO_MODE=true), "
            "or deactivate them, or use a database of your own"
        )


def configure_from(settings: Settings) -> None:
    """Apply the argon2 cost from the service settings."""
    configure(
        time_cost=settings.argon2_time_cost,
        memory_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )
