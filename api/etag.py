"""ETags from record versions, and ``If-Match`` checks (412 on mismatch)."""

from __future__ import annotations

from fastapi import HTTPException, Response


def etag(version: int) -> str:
    """The strong ETag of a record version, e.g. ``"3"``."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(if_match: str | None, version: int) -> None:
    """Accept a missing header, ``*``, or a list of tags that includes the current version."""
    if if_match is None:
        return
    tags = {t.strip().removeprefix("W/").strip('"') for t in if_match.split(",")}
    if "*" not in tags and str(version) not in tags:
        raise HTTPException(status_code=412, detail=f"Precondition failed: version is {version}")
