"""E-mailing the morning digest: after a run, one message to each specialist with an address.

Off unless ``Settings.smtp_host`` is set. Each message carries the digest as plain text
(the Markdown) and as standalone HTML (``templates/digest_email.html``: inline styles
only, no stylesheet, image or script, as mail readers want), narrowed to the clients the
specialist carries when it is sent, like every other form of the digest. A failure to
deliver is logged (without any client's data) and never fails the run.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.fit_bands import BAND_WORDS, fit_band
from api.models import Role, User
from api.rematch import store as rematch_store
from api.rematch.caseload import DigestView, narrow_digest
from matcher.rematch.digest import TOP_N

_log = logging.getLogger(__name__)

# The pages' template folder, read by path: this module serves the nightly job, not the pages.
_TEMPLATES = Path(__file__).parent / "web" / "templates"
_env = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["band"] = fit_band
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class MailConfig:
    """Where and how digests are sent (from :class:`~api.config.Settings`)."""

    host: str
    port: int = 25
    sender: str = "placement-matcher@localhost"
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    recipients: Mapping[str, str] = field(default_factory=dict)  # username -> address


def mail_config(settings: Settings) -> MailConfig | None:
    """The SMTP settings, or None when e-mail is off (no ``smtp_host``)."""
    if not settings.smtp_host:
        return None
    return MailConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
        user=settings.smtp_user,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        timeout=settings.smtp_timeout,
        recipients=dict(settings.digest_recipients),
    )


def address_of(user: User, config: MailConfig) -> str | None:
    """The specialist's address: configured for their username, else the username if it is one."""
    address = config.recipients.get(user.username) or user.username
    return address if _ADDRESS.match(address) else None


def digest_html(view: DigestView) -> str:
    """The standalone, e-mail-ready HTML of a digest."""
    template = _env.get_template("digest_email.html")
    return template.render(summary=view.summary, band=lambda score: BAND_WORDS[fit_band(score)])


def digest_message(view: DigestView, *, sender: str, to: str) -> EmailMessage:
    """One digest as a message: the Markdown as its text part, the HTML as its alternative."""
    message = EmailMessage()
    message["Subject"] = view.summary.title
    message["From"], message["To"] = sender, to
    message.set_content(view.markdown)
    message.add_alternative(digest_html(view), subtype="html")
    return message


def send_digests(
    factory: sessionmaker[Session], *, run_id: int, config: MailConfig, top_n: int = TOP_N
) -> int:
    """Mail the run's digests to their specialists who have an address; how many were sent."""
    with factory() as session:
        messages = list(_messages(session, run_id=run_id, config=config, top_n=top_n))
    if not messages:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.user:
                smtp.login(config.user, config.password or "")
            for user_id, message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPException as exc:
                    _log.warning(
                        "run %d: digest for user %d not sent: %s", run_id, user_id, type(exc).__name__
                    )
    except (OSError, smtplib.SMTPException) as exc:
        _log.warning("run %d: digests not sent, SMTP %s:%d: %s", run_id, config.host, config.port, exc)
    _log.info("run %d: %d of %d digests e-mailed", run_id, sent, len(messages))
    return sent


def _messages(
    session: Session, *, run_id: int, config: MailConfig, top_n: int
) -> list[tuple[int, EmailMessage]]:
    specialists = session.scalars(select(User).where(User.role == Role.SPECIALIST.value, User.is_active))
    out = []
    for user in specialists:
        to = address_of(user, config)
        found = rematch_store.specialist_digest(session, specialist_id=user.id, run_id=run_id) if to else None
        if to is None or found is None:
            continue
        digest, run = found
        keep = rematch_store.caseload_labels(session, specialist_id=user.id)
        view = narrow_digest(digest.body, keep=keep, run=run, reader=user, top_n=top_n)
        out.append((user.id, digest_message(view, sender=config.sender, to=to)))
    return out
