"""company settings (the AI switch and other run-time governance settings)

Revision ID: 0004_trust
Revises: 0003_portal
Create Date: 2026-11-24 07:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004_trust'
down_revision: str | Sequence[str] | None = '0003_portal'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('company_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_company_settings'))
    )


def downgrade() -> None:
    op.drop_table('company_settings')
