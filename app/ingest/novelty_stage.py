"""The ingest's novelty stage (#20): what is new in each official statement, brought up to date
inside the ingest's one transaction, so a failed ingest leaves the previous novelty serving with
the previous archive.

Only the documents the ingest adds, changes or retires are read again; of the others, only the
later official documents whose first uses move are recomputed (app.enrich.novelty.update), and the
progress says how many. Every document is recomputed when the rules changed (a new PIPELINE),
when most official documents changed, or when the stored novelty does not describe the archive
(an archive from before novelty was kept: its next ingest computes it, even with nothing to store).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.enrich import novelty
from app.progress import Progress
from app.store.models import Document


def update(session: Session, changed: list[Document], retired: list[Document], version: int,
           everything: bool, progress: Progress) -> int:
    """Update stored novelty after the ingest's changes; how many documents' novelty was recomputed."""
    with progress.stage("novelty"):
        count = novelty.update(session, changed, retired, version, everything=everything)
    progress.say(f"novelty: recomputed for {count} document{'s' if count != 1 else ''}")
    return count
