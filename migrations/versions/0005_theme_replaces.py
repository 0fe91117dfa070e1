"""theme replaces

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:20:00.000000

A theme lists the retired slugs it replaces (space-separated), so a published /themes/OLD URL
and its feed can answer 301 to the theme that took its place.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('replaces')
