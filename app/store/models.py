"""The store's tables: documents, passages (sentences, items, headings) and what links them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base for all tables."""


class ArchiveState(Base):
    """One row: the version readers should use. Updating it is the ingest's atomic switch."""

    __tablename__ = "archive_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    themes_fingerprint: Mapped[str | None] = mapped_column(String(64))
    pipeline: Mapped[str | None] = mapped_column(String(32))


class Document(Base):
    """A document; retired documents stay so their ids can answer 410."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    event_date: Mapped[str | None] = mapped_column(String(10))
    publisher: Mapped[str | None] = mapped_column(String(200), index=True)
    author: Mapped[str | None] = mapped_column(String(200))
    translator: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16), default="en")
    source_url: Mapped[str | None] = mapped_column(Text)
    retrieved: Mapped[str | None] = mapped_column(String(10))
    comments_on: Mapped[str | None] = mapped_column(String(80), index=True)
    translation_of: Mapped[str | None] = mapped_column(String(80), index=True)  # the original's slug
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    headline: Mapped[str | None] = mapped_column(Text)
    dateline: Mapped[str | None] = mapped_column(Text)
    source_path: Mapped[str] = mapped_column(Text)
    source_first_line: Mapped[int] = mapped_column(Integer, default=1)
    source_sha256: Mapped[str] = mapped_column(String(64))
    # The file as received is kept under source_sha256 (app/store/blobs.py); these describe it.
    source_media_type: Mapped[str | None] = mapped_column(String(100))
    source_size: Mapped[int | None] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    first_version: Mapped[int] = mapped_column(Integer)
    changed_version: Mapped[int] = mapped_column(Integer)
    sentence_count: Mapped[int] = mapped_column(Integer, default=0)

    passages: Mapped[list[Passage]] = relationship(back_populates="document", order_by="Passage.position")


class DocumentAlias(Base):
    """An old slug that redirects to a document."""

    __tablename__ = "document_aliases"
    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))


class Passage(Base):
    """A sentence, enumerated item or heading. Its id never changes; inactive rows are history."""

    __tablename__ = "passages"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # heading | sentence | item
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    paragraph: Mapped[int] = mapped_column(Integer)
    section: Mapped[int] = mapped_column(Integer)
    section_title: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)  # the page it starts on; None for formats without pages
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    first_version: Mapped[int] = mapped_column(Integer)
    retired_version: Mapped[int | None] = mapped_column(Integer)
    successor_id: Mapped[str | None] = mapped_column(String(16), index=True)
    successor_similarity: Mapped[float | None] = mapped_column(Float)
    claim: Mapped[str | None] = mapped_column(String(16))
    is_directive: Mapped[bool] = mapped_column(Boolean, default=False)
    directive_verb: Mapped[str | None] = mapped_column(String(80))
    speaker: Mapped[str | None] = mapped_column(String(200))

    document: Mapped[Document] = relationship(back_populates="passages")

    __table_args__ = (
        Index("ix_passages_document_active_position", "document_id", "active", "position"),
        Index("ix_passages_directive", "is_directive", "active"),
        # Covering: a theme page counts passages per document from the indexes alone (0002).
        Index("ix_passages_id_active_kind_document", "id", "active", "kind", "document_id"),
    )


class Theme(Base):
    """A theme of the taxonomy (seeds/themes.toml)."""

    __tablename__ = "themes"
    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    parent: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    replaces: Mapped[str] = mapped_column(Text, default="", server_default="")  # retired slugs, space-separated


class PassageTheme(Base):
    """A theme given to a passage, with where it came from (heading, crossref, classifier)."""

    __tablename__ = "passage_themes"
    __table_args__ = (Index("ix_passage_themes_theme_passage", "theme", "passage_id"),)
    passage_id: Mapped[str] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float, default=1.0)
    source: Mapped[str] = mapped_column(String(16))


class Alignment(Base):
    """One link of a bead aligning a translation's sentences with its original's (0004).

    A 1–2 bead is two rows sharing `bead`; a sentence without counterpart has the other side None."""

    __tablename__ = "alignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    bead: Mapped[int] = mapped_column(Integer)
    original_id: Mapped[str | None] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), index=True)
    translation_id: Mapped[str | None] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), index=True)
    confidence: Mapped[float] = mapped_column(Float)


class Crossref(Base):
    """A link from a commentary passage to an official passage it reports on or interprets."""

    __tablename__ = "crossrefs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commentary_id: Mapped[str] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), index=True)
    official_id: Mapped[str] = mapped_column(ForeignKey("passages.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
