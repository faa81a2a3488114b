"""Service settings: the only place that reads the environment.

Every value can be set by an environment variable ``PLACEMENT_<NAME>`` (or a
``.env`` file); the database URL also reads plain ``DATABASE_URL``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.db import LOCK_TIMEOUT_S, MAX_OVERFLOW, POOL_SIZE, POOL_TIMEOUT_S

_log = logging.getLogger(__name__)

JWT_SECRET_FILE = "jwt_secret"
MIN_JWT_SECRET_BYTES = 32
AUDIT_KEY_FILE = "audit_key"


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
    # At least MIN_JWT_SECRET_BYTES bytes (a short one is refused at start-up); None: generated.
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
    # Password of the demo users `placement-api demo` creates; None: a random one per install,
    # printed once. demo_mode lets the service start with demo users present (`make run`).
    demo_password: SecretStr | None = None
    demo_mode: bool = False
    # Login limits: attempts per username and per client IP within login_window_seconds, then
    # 429 with Retry-After until the oldest attempt leaves the (moving) window. Counted in Redis
    # when redis_url is set (exact across workers and hosts), else in this process's memory.
    redis_url: str | None = None
    redis_prefix: str = "placement"
    login_user_limit: int = Field(default=5, ge=1)
    login_ip_limit: int = Field(default=50, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    # Key that signs audit checkpoints (api.audit.checkpoints); keep it outside the database.
    # Given directly, or in a file; else generated once in ``var_dir/audit_key`` (mode 0600).
    audit_key: SecretStr | None = None
    audit_key_file: Path | None = None
    max_import_bytes: int = 5_000_000
    # Rows of one uploaded file in the project's own CSV format (job-board files have none).
    max_import_rows: int = Field(default=100_000, ge=1)
    # Days an imported job-board posting that states no expiry date stays open after it was
    # posted (after its first import when it states no posting date either).
    import_ttl_days: int = Field(default=30, ge=1, le=3650)
    # Mark the pages' session cookie Secure (sent over HTTPS only): on behind a TLS proxy.
    secure_cookies: bool = False
    # O*NET profile store (`matcher occupations import`); None means ``var_dir/occupations``
    # (var/occupations by default). Used only when that directory holds an imported store.
    occupations_store: Path | None = None
    # Name the answering process in an ``X-Worker-Pid`` header (tests of several workers only).
    worker_header: bool = False
    # The morning digest: moves are reported when a suggestion enters or leaves this many top
    # places. E-mailed after each run when smtp_host is set (off by default) to each specialist
    # with an address: digest_recipients maps a username to one (a username that is an address
    # is used as it is). STARTTLS before logging in with smtp_user / smtp_password when set.
    digest_top_n: int = Field(default=3, ge=1, le=10)
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "placement-matcher@localhost"
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)
    digest_recipients: dict[str, str] = Field(default_factory=dict)
    # Logs (api.logs): the least level written, and "text" lines or "json" (one object per line).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # uvicorn worker processes of `placement-api serve` (each with its own matcher; see operators docs).
    workers: int = Field(default=1, ge=1, le=64)
    # Sync routes and dependencies one worker runs at once (the rest wait in order, api.balance).
    threads: int = Field(default=40, ge=1, le=256)
    # How long a thread runs before Python hands the GIL to another (ms; None: Python's 5 ms).
    # Shorter lets a thread holding the SQLite write lock get back to it sooner (api.balance).
    switch_interval_ms: float | None = Field(default=None, gt=0, le=100)
    # GTFS feeds (zip or folder) by name, e.g. PLACEMENT_GTFS_FEEDS='{"NYC subway": "/data/nyc.zip"}':
    # transit minutes come from their timetables where a feed covers both ends (api.travel,
    # docs/travel.md); precomputed once per feed and kept under var_dir/gtfs.
    gtfs_feeds: dict[str, Path] = Field(default_factory=dict)

    @field_validator("jwt_secret")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().encode()) < MIN_JWT_SECRET_BYTES:
            raise ValueError(
                f"PLACEMENT_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or unset to generate one in var/jwt_secret"
            )
        return value

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
        """The JWT signing key: configured, or generated once and kept in ``var_dir`` (mode 0600)."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return read_or_create_key(self.var_dir / JWT_SECRET_FILE)

    def audit_signing_key(self) -> bytes:
        """The audit checkpoint key: configured, read from its file, or generated once (0600)."""
        if self.audit_key is not None:
            return self.audit_key.get_secret_value().encode("utf-8")
        path = self.audit_key_file or self.var_dir / AUDIT_KEY_FILE
        if not path.exists() and _create_secret_file(path, secrets.token_hex(32)):
            _log.info("generated an audit checkpoint key in %s", path)
        return path.read_text(encoding="utf-8").strip().encode("utf-8")


def read_or_create_key(path: Path) -> str:
    """A random JWT key kept in ``path``: created owner-only, atomically (several workers may race)."""
    if not path.exists() and _create_secret_file(path, secrets.token_urlsafe(48)):
        _log.info("generated a JWT signing key in %s", path)
    stored = path.read_text(encoding="utf-8").strip()
    if len(stored.encode()) < MIN_JWT_SECRET_BYTES:
        raise ValueError(f"{path} holds a key shorter than {MIN_JWT_SECRET_BYTES} bytes")
    return stored


def _create_secret_file(path: Path, value: str) -> bool:
    """Write ``value`` to a new file readable by its owner only (0600 from the first byte).

    Written under a temporary name and linked into place, so a reader never sees a half-written
    key and two processes racing to create it end with one key (the loser keeps the winner's).
    Returns whether this call created it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(value)
        os.link(tmp, path)  # fails when the file exists: the first writer wins
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


@lru_cache
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
