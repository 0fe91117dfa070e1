"""novelty

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:05:00.000000

What is new in each official statement (#20): per document, the hashes of its candidate word runs
and sentences and the formulations it is the first to use; and, per hash, the earliest official
document using it, so an ingest looks up only the hashes of the documents it changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# In SQLite an INTEGER PRIMARY KEY is the rowid itself (no second index); elsewhere a BIGINT.
HASH = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'novelty_documents',
        sa.Column('document_id', sa.Integer(), sa.ForeignKey('documents.id', ondelete='CASCADE'), primary_key=True,
                  autoincrement=False),
        sa.Column('sort_key', sa.String(length=100), nullable=False),
        sa.Column('runs', sa.LargeBinary(), nullable=False),
        sa.Column('sentences', sa.JSON(), nullable=False),
        sa.Column('new', sa.JSON(), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=True),
        sa.Column('computed_version', sa.Integer(), nullable=False),
    )
    op.create_table(
        'novelty_first',
        sa.Column('hash', HASH, primary_key=True, autoincrement=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('novelty_first')
    op.drop_table('novelty_documents')
