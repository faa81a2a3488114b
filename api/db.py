"""Database base class shared by every table (engine and sessions are added by the service)."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of all tables; Alembic reads ``Base.metadata``."""
