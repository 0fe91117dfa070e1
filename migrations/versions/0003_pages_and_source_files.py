"""pages and source files

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 11:50:00.000000

A passage records the page it starts on (null for formats without pages), and a document the
media type and size of the file it was read from, which is kept under its SHA-256 in the data
folder (app/store/blobs.py) so a reader can check any sentence against the original.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('passages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page', sa.Integer(), nullable=True))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_media_type', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('source_size', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('source_size')
        batch_op.drop_column('source_media_type')
    with op.batch_alter_table('passages', schema=None) as batch_op:
        batch_op.drop_column('page')
