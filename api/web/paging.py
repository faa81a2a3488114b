"""One page of a long list, with links that keep the page's other query parameters."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request

PAGE_SIZE = 25


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    size: int
    total: int
    previous_url: str | None
    next_url: str | None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_of(request: Request, *, total: int, size: int = PAGE_SIZE) -> Page:
    """The page the ``page`` query parameter asks for, clamped to those that exist."""
    try:
        asked = int(request.query_params.get("page", "1"))
    except ValueError:
        asked = 1
    pages = max(1, math.ceil(total / size))
    number = min(max(asked, 1), pages)

    def url(n: int) -> str:
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "page"] + [("page", str(n))]
        return f"{request.url.path}?{urlencode(query)}"

    return Page(
        number=number,
        size=size,
        total=total,
        previous_url=url(number - 1) if number > 1 else None,
        next_url=url(number + 1) if number < pages else None,
    )
