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
    session: Session,
    *,
    username: str,
    role: str,
    hashed_password: str,
    full_name: str = "",
    is_demo: bool = False,
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
        is_demo=is_demo,
        token_version=0,
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
    role: str | None = None,
) -> User:
    """Change the given fields (None: keep)."""
    if full_name is not None:
        user.full_name = full_name
    if hashed_password is not None:
        user.hashed_password = hashed_password
    if is_active is not None:
        user.is_active = is_active
    if role is not None:
        user.role = role
    session.flush()
    return user


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def demo_usernames(session: Session, *, active_only: bool = False) -> list[str]:
    """Usernames of the users the demo created (marked ``is_demo``)."""
    query = select(User.username).where(User.is_demo).order_by(User.id)
    if active_only:
        query = query.where(User.is_active)
    return list(session.scalars(query))


def end_tokens(session: Session, *, user: User) -> None:
    """Add one to the user's token version in the database (atomic: concurrent bumps all count)."""
    user.token_version = User.token_version + 1
    session.flush()
