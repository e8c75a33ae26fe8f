"""employee_skills.suggested_level: the level a CV's words suggest for a pending skill, or none

Revision ID: 0006_suggested_level
Revises: 0005_analytics
Create Date: 2026-12-02 14:00:00

A suggestion from a CV used to be stored at level 2 when the CV said nothing about the level
("Spanish (native)" became Spanish at 2). The suggestion now keeps the level the words gave, or
none, and the person chooses the level as they accept it.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006_suggested_level'
down_revision: str | Sequence[str] | None = '0005_analytics'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('employee_skills') as batch:
        batch.add_column(sa.Column('suggested_level', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('employee_skills') as batch:
        batch.drop_column('suggested_level')
