"""Users and their (already hashed) credentials; hashing and checking passwords is ``api.security``."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import User
from api.store.common import Conflict


def get_user(session: Session, *, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_username(session: Session, *, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def list_users(session: Session, *, role: str | None = None) -> list[User]:
    query = select(User).order_by(User.id)
    if role is not None:
        query = query.where(User.role == role)
    return list(session.scalars(query))


def create_user(
    session: Session, *, username: str, role: str, hashed_password: str, full_name: str = ""
) -> User:
    """Create a user; usernames are unique regardless of case."""
    if get_user_by_username(session, username=username) is not None:
        raise Conflict("Username already exists")
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        hashed_password=hashed_password,
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def update_user(
    session: Session,
    *,
    user: User,
    full_name: str | None = None,
    hashed_password: str | None = None,
    is_active: bool | None = None,
) -> User:
    """Change the given fields (None: keep)."""
    if full_name is not None:
        user.full_name = full_name
    if hashed_password is not None:
        user.hashed_password = hashed_password
    if is_active is not None:
        user.is_active = is_active
    session.flush()
    return user
