"""index employee_skills.updated_at (the analytics cache's data-version check)

Revision ID: 0005_analytics
Revises: 0004_trust
Create Date: 2026-11-24 11:00:00

The dashboards' results cache (trellis.analytics.cache) reads, for every table a dashboard
uses, its row count, highest id and latest updated_at on every request. On employee_skills
(10⁶ rows on a 100k organisation) the latest updated_at was a full scan; with this index it
is one index lookup.
"""
from collections.abc import Sequence

from alembic import op


revision: str = '0005_analytics'
down_revision: str | Sequence[str] | None = '0004_trust'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_employee_skills_updated_at'), 'employee_skills', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_employee_skills_updated_at'), table_name='employee_skills')
