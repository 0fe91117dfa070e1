"""Stable, URL-safe identifiers for passages, derived from slug and text only."""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable

from app.text.segment import squash

ID_LENGTH = 11  # base32 characters after the "p" prefix: 55 bits, ample for millions of passages


def passage_id(slug: str, text: str, occurrence: int = 1) -> str:
    """Id of the `occurrence`-th passage with this text in the document `slug`.

    Only Unicode form and white space are normalised, so any real correction (punctuation
    included) yields a new id; position never enters, so inserting text elsewhere is harmless.
    """
    return _id(slug, squash(text), occurrence)


def _id(slug: str, squashed: str, occurrence: int) -> str:
    key = f"{slug}\x1f{squashed}\x1f{occurrence}".encode()
    # Base32 turns each 5 bytes into 8 characters on its own, so the first 10 bytes give the
    # first 16 characters of the whole digest's encoding (b32encode is pure Python: a full
    # ingest encodes 300,000 of these).
    digest = base64.b32encode(hashlib.sha256(key).digest()[:10]).decode().lower()
    return "p" + digest[:ID_LENGTH]  # a letter first keeps the id a valid CSS/HTML fragment


def assign_ids(slug: str, texts: Iterable[str]) -> list[str]:
    """Ids for a document's passages in reading order, numbering repeated texts."""
    seen: Counter[str] = Counter()
    ids = []
    for text in texts:
        key = squash(text)
        seen[key] += 1
        ids.append(_id(slug, key, seen[key]))
    return ids
