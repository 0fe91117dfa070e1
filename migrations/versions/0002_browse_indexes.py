"""covering indexes for browsing a theme

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 09:10:00.000000

A theme page counts its passages per document. With these two indexes SQLite (and PostgreSQL,
as index-only scans) answers that from the indexes alone instead of reading every passage row.
"""
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('passage_themes', schema=None) as batch_op:
        batch_op.create_index('ix_passage_themes_theme_passage', ['theme', 'passage_id'], unique=False)

    with op.batch_alter_table('passages', schema=None) as batch_op:
        batch_op.create_index('ix_passages_id_active_kind_document', ['id', 'active', 'kind', 'document_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('passages', schema=None) as batch_op:
        batch_op.drop_index('ix_passages_id_active_kind_document')

    with op.batch_alter_table('passage_themes', schema=None) as batch_op:
        batch_op.drop_index('ix_passage_themes_theme_passage')
