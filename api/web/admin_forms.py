"""What the admin pages with one form share: the page with its notice and field errors, and the
redirect after a success (``?done=``), so a refresh never posts the form again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.models import User
from api.web.render import render


@dataclass(frozen=True, slots=True)
class AdminForm:
    """One admin page: its template, path, nav entry and the notice shown after each success."""

    template: str
    path: str
    nav: str
    notices: dict[str, str]

    def page(
        self,
        request: Request,
        admin: User,
        *,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
        done: str | None = None,
        **context: Any,
    ) -> Response:
        """The page; ``errors`` name the fields, ``done`` picks the notice of the success before."""
        return render(
            request,
            self.template,
            user=admin,
            nav=self.nav,
            notice=self.notices.get(done or ""),
            errors=errors or {},
            status_code=status_code,
            **context,
        )

    def done(self, what: str) -> RedirectResponse:
        """After a success: back to the page, which then shows the notice for ``what``."""
        return RedirectResponse(f"{self.path}?done={what}", status_code=303)
