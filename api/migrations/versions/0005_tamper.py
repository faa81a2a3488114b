"""Signed checkpoints of the audit-chain head, and free-text notes kept outside the chain.

* ``audit_checkpoints``: ``(seq, hash)`` of the chain head, signed with a key kept outside
  the database (``api.audit.checkpoints``); the online verify reports a chain cut back past one.
* ``audit_notes``: the text of a free-text note whose salted hash the chain holds; the text
  can be redacted on a lawful request without breaking verification.

Revision ID: 0005_tamper
Revises: 0004
Create Date: 2026-12-01 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_tamper'
down_revision: str | None = '0005_authn'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_checkpoints_seq', 'audit_checkpoints', ['seq'], unique=False)
    op.create_table('audit_notes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('redacted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('redacted_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('audit_notes')
    op.drop_index('ix_audit_checkpoints_seq', table_name='audit_checkpoints')
    op.drop_table('audit_checkpoints')
