"""Service settings: the only place that reads the environment.

Every value can be set by an environment variable ``PLACEMENT_<NAME>`` (or a
``.env`` file); the database URL also reads plain ``DATABASE_URL``.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.db import LOCK_TIMEOUT_S, MAX_OVERFLOW, POOL_SIZE, POOL_TIMEOUT_S

_log = logging.getLogger(__name__)

JWT_SECRET_FILE = "jwt_secret"


class Settings(BaseSettings):
    """Configuration of the HTTP service, read once at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="PLACEMENT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    var_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "PLACEMENT_DATABASE_URL")
    )
    # Database connections of one process (each uvicorn worker has its own pool): a request
    # waits up to db_pool_timeout s for one, and up to db_lock_timeout s for a lock (SQLite's
    # write lock, a PostgreSQL row or advisory lock); then it is answered 503 with Retry-After.
    db_pool_size: int = Field(default=POOL_SIZE, ge=1)
    db_max_overflow: int = Field(default=MAX_OVERFLOW, ge=0)
    db_pool_timeout: float = Field(default=POOL_TIMEOUT_S, gt=0)
    db_lock_timeout: float = Field(default=LOCK_TIMEOUT_S, gt=0)
    jwt_secret: SecretStr | None = None
    jwt_algorithm: str = "HS256"
    access_token_minutes: int = Field(default=8 * 60, ge=1)
    # Run `alembic upgrade head` when the app starts (off when a deploy step migrates).
    auto_migrate: bool = True
    # Reference date for expiry checks; None means today (set it for reproducible demos).
    as_of: dt.date | None = None
    # argon2id cost of new password hashes (argon2-cffi's defaults, RFC 9106 low-memory).
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    demo_password: SecretStr = SecretStr("demo-password")
    max_import_bytes: int = 5_000_000
    # O*NET profile store (`matcher occupations import`); None means ``var_dir/occupations``
    # (var/occupations by default). Used only when that directory holds an imported store.
    occupations_store: Path | None = None
    # Name the answering process in an ``X-Worker-Pid`` header (tests of several workers only).
    worker_header: bool = False

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL; an SQLite file under ``var_dir`` unless one is configured."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'placement.db'}"

    @property
    def occupations_path(self) -> Path:
        """Where the O*NET occupation store is looked for."""
        return self.occupations_store or self.var_dir / "occupations"

    def today(self) -> dt.date:
        """The date openings are checked against (``as_of`` or today)."""
        return self.as_of or dt.date.today()

    def secret_key(self) -> str:
        """The JWT signing key: configured, or generated once and kept in ``var_dir``."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        path = self.var_dir / JWT_SECRET_FILE
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key, encoding="utf-8")
        _log.info("generated a JWT signing key in %s", path)
        return key


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
