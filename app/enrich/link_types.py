"""What the aligner takes and gives: units of text, claim labels and links."""

from __future__ import annotations

from dataclasses import dataclass

CLAIMS = ("reports", "interprets", "background")
RELATIONS = ("quotes", "paraphrases", "interprets")


@dataclass(frozen=True)
class Unit:
    """One addressable passage as the aligner sees it."""

    id: str
    text: str
    kind: str  # "heading" | "sentence" | "item"
    section: str | None  # text of the heading of the section the unit is in
    position: int  # 0-based reading order within its document


@dataclass(frozen=True)
class Link:
    """A commentary unit drawing on (or interpreting) an official sentence."""

    commentary_id: str
    official_id: str
    relation: str  # "quotes" | "paraphrases" | "interprets"
    score: float  # 0..1


@dataclass
class Alignment:
    """Claim labels of every non-heading commentary unit and their links."""

    claims: dict[str, str]
    links: list[Link]
