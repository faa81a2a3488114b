"""Users (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status

from api import security, store
from api.deps import AdminUser, SessionDep
from api.events import log_event
from api.models import Role
from api.schemas import UserCreate, UserPublic, UsersPublic, UserUpdate, errors

PathId = Annotated[int, Path(ge=1, le=2_147_483_647)]

router = APIRouter(prefix="/users", tags=["users"], responses=errors(401, 403))


@router.get("")
def list_users(session: SessionDep, _admin: AdminUser, role: Role | None = None) -> UsersPublic:
    """All users, optionally of one role."""
    users = store.users.list_users(session, role=role.value if role else None)
    return UsersPublic(data=[UserPublic.model_validate(u) for u in users], count=len(users))


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_user(session: SessionDep, admin: AdminUser, user_in: UserCreate) -> UserPublic:
    """Create a user with a role."""
    user = security.create_user(session, user_create=user_in)
    log_event(session, kind="user.created", user=admin, user_id=user.id, role=user.role)
    session.commit()
    return UserPublic.model_validate(user)


@router.get("/{user_id}", responses=errors(404))
def read_user(session: SessionDep, _admin: AdminUser, user_id: PathId) -> UserPublic:
    user = store.users.get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return UserPublic.model_validate(user)


@router.patch("/{user_id}", responses=errors(404, 409))
def update_user(session: SessionDep, admin: AdminUser, user_id: PathId, user_in: UserUpdate) -> UserPublic:
    """Change a user's name or password, or (de)activate them; both of the latter end their tokens."""
    user = store.users.get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    if user.id == admin.id and user_in.is_active is False:
        raise HTTPException(status_code=409, detail="Cannot deactivate yourself")
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
    session.commit()
    return UserPublic.model_validate(user)
