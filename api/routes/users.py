"""Users (admin).

The rules of changing users are the plain functions below (:func:`add_user`,
:func:`change_user`, :func:`change_role`); the JSON routes and the admin pages
(:mod:`api.web.admin`) both call them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from sqlalchemy.orm import Session

from api import security, store
from api.deps import AdminUser, SessionDep
from api.events import log_event
from api.models import Role, User
from api.schemas import UserCreate, UserPublic, UsersPublic, UserUpdate, errors
from api.schemas.users import UserRoleUpdate

PathId = Annotated[int, Path(ge=1, le=2_147_483_647)]
#: Pages of a JSON list: ``limit`` (default 100, at most 500) items after ``offset``.
Limit = Annotated[int, Query(ge=1, le=500, description="Most items to return (default 100, at most 500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip first.")]

router = APIRouter(prefix="/users", tags=["users"], responses=errors(401, 403))


class UserRefused(Exception):
    """A change the rules do not allow (the JSON API answers 409; the pages show the message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def add_user(session: Session, *, admin: User, user_in: UserCreate) -> User:
    """Create a user with a role (``Conflict``: the username is taken). The caller commits."""
    user = security.create_user(session, user_create=user_in)
    log_event(session, kind="user.created", user=admin, user_id=user.id, role=user.role)
    return user


def change_user(session: Session, *, admin: User, user: User, user_in: UserUpdate) -> User:
    """Change name, password or active state; a new password or deactivation ends their tokens."""
    if user.id == admin.id and user_in.is_active is False:
        raise UserRefused("Cannot deactivate yourself")
    store.users.update_user(
        session,
        user=user,
        full_name=user_in.full_name,
        hashed_password=security.hash_password(user_in.password) if user_in.password is not None else None,
        is_active=user_in.is_active,
    )
    if user_in.password is not None or user_in.is_active is False:
        security.end_tokens(session, user=user)
    changed = sorted(user_in.model_dump(exclude_none=True, exclude={"password"}))
    if user_in.password is not None:
        changed.append("password")
    log_event(session, kind="user.updated", user=admin, user_id=user.id, changed=changed)
    return user


def change_role(session: Session, *, admin: User, user: User, role: Role) -> User:
    """Give ``user`` another role and end their tokens (a session carries the role it was made with).

    Refused for the admin themselves (they would lock themselves out), and while the user's
    work would be left without anyone: a specialist's clients or a liaison's employers.
    """
    if user.role == role.value:
        return user
    if user.id == admin.id:
        raise UserRefused("Cannot change your own role")
    if user.role == Role.SPECIALIST and store.clients.list_clients(session, specialist_id=user.id):
        raise UserRefused("This specialist still carries clients: move them to another specialist first")
    if user.role == Role.LIAISON and store.employers.list_employers(session, liaison_id=user.id):
        raise UserRefused("This liaison still manages employers: assign them to another liaison first")
    previous = user.role
    store.users.update_user(session, user=user, role=role.value)
    security.end_tokens(session, user=user)
    log_event(
        session, kind="user.role_changed", user=admin, user_id=user.id, role=role.value, previous=previous
    )
    return user


@router.get("")
def list_users(
    session: SessionDep, _admin: AdminUser, role: Role | None = None, limit: Limit = 100, offset: Offset = 0
) -> UsersPublic:
    """All users (by id), optionally of one role, a page at a time."""
    users = store.users.list_users(session, role=role.value if role else None)
    page = users[offset : offset + limit]
    return UsersPublic(
        data=[UserPublic.model_validate(u) for u in page],
        count=len(page),
        total=len(users),
        limit=limit,
        offset=offset,
    )


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_user(session: SessionDep, admin: AdminUser, user_in: UserCreate) -> UserPublic:
    """Create a user with a role."""
    user = add_user(session, admin=admin, user_in=user_in)
    session.commit()
    return UserPublic.model_validate(user)


def _user(session: Session, user_id: int) -> User:
    user = store.users.get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@router.get("/{user_id}", responses=errors(404))
def read_user(session: SessionDep, _admin: AdminUser, user_id: PathId) -> UserPublic:
    return UserPublic.model_validate(_user(session, user_id))


@router.patch("/{user_id}", responses=errors(404, 409))
def update_user(session: SessionDep, admin: AdminUser, user_id: PathId, user_in: UserUpdate) -> UserPublic:
    """Change a user's name or password, or (de)activate them; both of the latter end their tokens."""
    user = _user(session, user_id)
    try:
        change_user(session, admin=admin, user=user, user_in=user_in)
    except UserRefused as refused:
        raise HTTPException(status_code=409, detail=refused.message) from None
    session.commit()
    return UserPublic.model_validate(user)


@router.put("/{user_id}/role", responses=errors(404, 409))
def update_role(session: SessionDep, admin: AdminUser, user_id: PathId, body: UserRoleUpdate) -> UserPublic:
    """Give a user another role; their tokens end, so they log in again with the new role."""
    user = _user(session, user_id)
    try:
        change_role(session, admin=admin, user=user, role=body.role)
    except UserRefused as refused:
        raise HTTPException(status_code=409, detail=refused.message) from None
    session.commit()
    return UserPublic.model_validate(user)
