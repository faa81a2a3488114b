"""Login limits: attempts per username and per client IP in a moving window (the ``limits`` library).

Each login attempt is counted before its password is checked, by an atomic check-and-add
(a Lua script in Redis, a lock in memory), so an attempt over the limit is refused with 429
and Retry-After without any argon2 work, and N concurrent attempts count exactly N. A
successful login clears its username's count (not its IP's). The counters live in Redis when
``PLACEMENT_REDIS_URL`` is set, shared by every worker process and host; otherwise in the memory
of each process, which is exact for one worker only (``uvicorn --workers 2`` doubles the limit).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from api.config import Settings


class LimitsUnavailable(Exception):
    """The login-limit store (Redis) did not answer."""


@dataclass(frozen=True)
class LoginLimiter:
    """The two moving windows of login attempts and where they are counted."""

    limiter: MovingWindowRateLimiter
    per_user: RateLimitItem
    per_ip: RateLimitItem

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimiter:
        storage: Storage = RedisStorage(settings.redis_url) if settings.redis_url else MemoryStorage()
        window = settings.login_window_seconds
        namespace = f"{settings.redis_prefix}:login"
        return cls(
            limiter=MovingWindowRateLimiter(storage),
            per_user=RateLimitItemPerSecond(settings.login_user_limit, window, namespace=f"{namespace}:user"),
            per_ip=RateLimitItemPerSecond(settings.login_ip_limit, window, namespace=f"{namespace}:ip"),
        )

    def attempt(self, *, username: str, ip: str) -> int | None:
        """Count one attempt: None when allowed, else the seconds until one would be.

        Raises ``LimitsUnavailable`` when Redis does not answer: no attempt goes uncounted.
        """
        try:
            for item, key in ((self.per_ip, ip), (self.per_user, _user_key(username))):
                if not self.limiter.hit(item, key):
                    reset = self.limiter.get_window_stats(item, key).reset_time
                    return max(1, math.ceil(reset - time.time()))
        except RedisError as exc:
            raise LimitsUnavailable(str(exc)) from exc
        return None

    def succeeded(self, *, username: str) -> None:
        """Forget the username's attempts after a successful login (best effort)."""
        with contextlib.suppress(RedisError):
            self.limiter.clear(self.per_user, _user_key(username))


def _user_key(username: str) -> str:
    # Usernames match case-insensitively; hashing bounds the key size whatever is typed.
    return hashlib.sha256(username.lower().encode("utf-8", "surrogatepass")).hexdigest()
