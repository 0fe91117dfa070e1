"""Typed settings, read from the environment (and CLI flags that override them)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.resources import PROJECT_ROOT, STATIC_DIR, TEMPLATES_DIR, THEMES_FILE

__all__ = ["PROJECT_ROOT", "Settings"]


class Settings(BaseSettings):
    """Where the archive lives and the limits it enforces."""

    model_config = SettingsConfigDict(env_prefix="POLICY_ARCHIVE_", populate_by_name=True, extra="ignore")

    data_dir: Path = Field(default=Path("data"), validation_alias="POLICY_ARCHIVE_DATA")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    # The checkout's folders, or the installed package's copies (app/resources.py).
    themes_file: Path = THEMES_FILE
    templates_dir: Path = TEMPLATES_DIR
    static_dir: Path = STATIC_DIR
    # Size limits of a source file, per format: a file over its limit is refused before it is
    # read. max_file_bytes is the limit of text and Markdown files (and of manifests and sidecars).
    max_file_bytes: int = 5 * 1024 * 1024
    max_html_bytes: int = 10 * 1024 * 1024
    max_pdf_bytes: int = 100 * 1024 * 1024
    max_docx_bytes: int = 50 * 1024 * 1024
    # Longer sentences are cut at clause boundaries (app.text.segment.bounded): one run-on
    # sentence must not make every search that hits it slow and its answer huge.
    max_sentence_chars: int = Field(default=2000, ge=100)
    max_query_chars: int = 1000  # a long paragraph; longer inputs get a 422 with a message
    max_verify_chars: int = 5000
    max_page_size: int = 100
    # The reader's margin notes show a cross-reference only from this score (0-1, the link's
    # confidence, app.enrich): weaker links stay on the sentence's own page, where they are listed.
    margin_note_min: float = Field(default=0.5, ge=0, le=1)
    keep_index_versions: int = 3  # older index versions are deleted after a switch
    # Threads running the handlers of one web process. Pages and searches are Python work that
    # holds the GIL, so a second thread only interleaves them (see Scaling in the README); a
    # database on another machine is different: handlers then wait on the network.
    threads: int = Field(default=1, ge=1, le=256)
    # How long a page-cache hit may reuse the last read of the committed archive version. 0: read it
    # for every request (requests arriving together share one read), so a commit is seen at once.
    version_check_seconds: float = Field(default=0.0, ge=0, le=60)
    # Memory each web process gives rendered pages (kept gzipped: a results page of 80 KB takes
    # about 12); 0 renders every request afresh.
    page_cache_mb: int = Field(default=32, ge=0, le=4096)
    # The public address canonical links, link previews, citations and feeds are built from
    # (POLICY_ARCHIVE_BASE_URL). Never the request's Host header, which the client chooses;
    # `serve` falls back to the address it listens on, with a warning.
    base_url: str | None = Field(default=None, pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$")

    @property
    def url(self) -> str:
        """The database URL: DATABASE_URL, else a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'archive.sqlite3').resolve()}"

    @property
    def format_limits(self) -> dict[str, int]:
        """The size limit of each source format other than text, by file suffix."""
        return {".html": self.max_html_bytes, ".htm": self.max_html_bytes, ".pdf": self.max_pdf_bytes,
                ".docx": self.max_docx_bytes}

    @property
    def index_root(self) -> Path:
        """Folder holding one Whoosh index per archive version."""
        return self.data_dir / "index"
