"""saved marketplace searches with alerts

Revision ID: 0007_saved_searches
Revises: 0006_suggested_level
Create Date: 2026-12-02 14:30:00

A person saves the marketplace's filters under a name; with ``alert`` on, an opening that HR
approves and that matches them sends the person a notification.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007_saved_searches'
down_revision: str | Sequence[str] | None = '0006_suggested_level'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('alert', sa.Boolean(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_saved_searches_employee_id_employees'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches'))
    )
    op.create_index(op.f('ix_saved_searches_employee_id'), 'saved_searches', ['employee_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_saved_searches_employee_id'), table_name='saved_searches')
    op.drop_table('saved_searches')
