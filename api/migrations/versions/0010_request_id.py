"""Audit events name the request (or CLI run) that caused them.

A new nullable ``audit_events.request_id``: the ``X-Request-ID`` of the HTTP request, as on
that request's log lines, inside the event's hash when set. Events written before keep no
request id and hash as they did, so the chain verifies across the upgrade.

Revision ID: 0010_request_id
Revises: 0009_benefits_figures
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_request_id'
down_revision: str | None = '0009_benefits_figures'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (not a batch copy): the append-only triggers on the table stay.
    op.add_column('audit_events', sa.Column('request_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('request_id')
