"""Users and their credentials."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import User
from api.schemas import UserCreate, UserUpdate
from api.security import hash_password, verify_password
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


def create_user(session: Session, *, user_create: UserCreate) -> User:
    """Create a user; usernames are unique regardless of case."""
    if get_user_by_username(session, username=user_create.username) is not None:
        raise Conflict("Username already exists")
    user = User(
        username=user_create.username,
        full_name=user_create.full_name,
        role=user_create.role.value,
        hashed_password=hash_password(user_create.password),
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, *, user: User, user_update: UserUpdate) -> User:
    if user_update.full_name is not None:
        user.full_name = user_update.full_name
    if user_update.password is not None:
        user.hashed_password = hash_password(user_update.password)
    if user_update.is_active is not None:
        user.is_active = user_update.is_active
    session.flush()
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = get_user_by_username(session, username=username)
    ok = verify_password(password, user.hashed_password if user else None)
    return user if ok and user is not None and user.is_active else None
