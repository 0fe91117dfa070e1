"""translations and alignments

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 12:05:00.000000

A document may translate another (`translation_of`, the original's slug), and each translation's
sentences are aligned with its original's at ingest: one row per link of a bead (a 1–2 bead is
two rows sharing `bead`), a sentence left without counterpart (1–0 or 0–1) a row with the other
side empty, each with the aligner's confidence.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translation_of', sa.String(length=80), nullable=True))
        batch_op.create_index('ix_documents_translation_of', ['translation_of'], unique=False)
    op.create_table(
        'alignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('bead', sa.Integer(), nullable=False),
        sa.Column('original_id', sa.String(length=16), nullable=True),
        sa.Column('translation_id', sa.String(length=16), nullable=True),
        sa.Column('confidence', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['original_id'], ['passages.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['translation_id'], ['passages.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_alignments_document_id', 'alignments', ['document_id'], unique=False)
    op.create_index('ix_alignments_original_id', 'alignments', ['original_id'], unique=False)
    op.create_index('ix_alignments_translation_id', 'alignments', ['translation_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_alignments_translation_id', table_name='alignments')
    op.drop_index('ix_alignments_original_id', table_name='alignments')
    op.drop_index('ix_alignments_document_id', table_name='alignments')
    op.drop_table('alignments')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_translation_of')
        batch_op.drop_column('translation_of')
