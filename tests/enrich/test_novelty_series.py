"""What is new in a statement, on a synthetic series of official statements (2015–2024) generated
here: chosen phrases first said in known years and repeated after, boilerplate in every statement,
a sentence copied word for word and one copied with other case and punctuation (#20).

Every expectation is derived from the plan below (PLANTED, COPIES), never from what the archive
answers. Other tests (web, browser, ingest) import the series from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.store import novelty as stored
from app.store.db import make_engine, session_factory
from app.store.models import Document, Passage
from app.text.normalize import normalize

YEARS = range(2015, 2025)
BOILERPLATE = [
    "The meeting was chaired by the head of the leading group and attended by members of the council.",
    "Participants exchanged views on the work of the coming period and on the tasks ahead.",
]
# Frames whose words around the phrase are all function words, so the phrase itself is the
# formulation (no longer run around it is a candidate); which frame varies with the year.
FRAMES = ["We will be {p}.", "It must be {p}, as it has been.", "All of this is to be {p} for us."]
# phrase -> the statements saying it (slug); its first in date order is the one it is new in.
PLANTED = {
    "independent and controllable": [f"statement-{y}" for y in range(2017, 2025)],
    "safe, reliable and controllable": [f"statement-{y}" for y in range(2019, 2025)],
    "new quality productive forces": ["statement-2023", "statement-2024"],
    "people centred development": ["statement-2016"],
    # Said in the year-only "2021" and in "2021-01-20": a year-only date sorts at the start of its year.
    "open source foundation models": ["statement-2021-01", "statement-2021", "statement-2022"],
}
ORIGINAL = "The council approved a dedicated fund for computing infrastructure in the western provinces."
COPIES = {  # slug -> the copy it holds of ORIGINAL (first said in statement-2016), and the match expected
    "statement-2022": (ORIGINAL, "exact"),
    "statement-2023": ("The Council approved a dedicated fund for computing infrastructure in the Western provinces!",
                       "near"),
}


@dataclass(frozen=True)
class Statement:
    slug: str
    date: str
    extra: list[str] = field(default_factory=list)


def statements() -> list[Statement]:
    out = [Statement(f"statement-{y}", "2021" if y == 2021 else f"{y}-03-10") for y in YEARS]
    out.append(Statement("statement-2021-01", "2021-01-20"))
    return sorted(out, key=lambda s: s.date)


def order_key(s: Statement) -> tuple:
    """The plan's own order: a year-only date before every day of its year, then the slug."""
    return (s.date if len(s.date) > 4 else s.date + "-00-00", s.slug)


def first_of(phrase: str) -> str:
    by_slug = {s.slug: s for s in statements()}
    return min(PLANTED[phrase], key=lambda slug: order_key(by_slug[slug]))


def text_of(s: Statement) -> str:
    year = int(s.date[:4])
    lines = [BOILERPLATE[0], f"The meeting reviewed the work carried out in {year}."]
    for phrase, slugs in PLANTED.items():
        if s.slug in slugs:
            lines.append(FRAMES[year % len(FRAMES)].format(p=phrase))
    if s.slug == "statement-2016":
        lines.append(ORIGINAL)
    if s.slug in COPIES:
        lines.append(COPIES[s.slug][0])
    lines.append(BOILERPLATE[1])
    return "\n\n".join(lines) + "\n"


def write(folder: Path, only: set[str] | None = None, leave_out: set[str] = frozenset()) -> Path:
    """Write the series' statements (only some, or all but some) into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for s in statements():
        if (only is not None and s.slug not in only) or s.slug in leave_out:
            continue
        front = [f'title: "Readout of the council meeting, {s.date}"', "kind: official", f"slug: {s.slug}",
                 f'date: "{s.date}"', "publisher: Example Council", "language: en"]
        (folder / f"{s.slug}.md").write_text("---\n" + "\n".join(front) + "\n---\n" + text_of(s), encoding="utf-8")
    return folder


def stored_novelty(settings) -> dict[str, dict]:
    """Per slug: its stored `new`, `reason`, computed version and its said-before list (documents as slugs)."""
    engine = make_engine(settings)
    try:
        with session_factory(engine)() as session:
            out = {}
            for d in session.scalars(select(Document).where(Document.status == "active")):
                row = stored.of_document(session, d.id)
                out[d.slug] = {"new": row.new, "reason": row.reason, "version": row.computed_version,
                               "said": [{**x, "earlier": [{**e, "document": e["document"].slug} for e in x["earlier"]]}
                                        for x in stored.said_before(session, d.id)]} if row else None
            return out
    finally:
        engine.dispose()


def _contains(phrase: str, words: str) -> bool:
    return f" {normalize(phrase)} " in f" {words} "


def _texts(settings) -> dict[str, str]:
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(Passage.id, Passage.text)).all())
    finally:
        engine.dispose()


def test_each_planted_phrase_is_new_in_its_first_statement_only(tmp_path, ingest):
    settings = ingest(write(tmp_path / "series"))
    got = stored_novelty(settings)
    texts = _texts(settings)
    assert set(got) == {s.slug for s in statements()}
    for phrase in PLANTED:
        first = first_of(phrase)
        listed_in = sorted(slug for slug, n in got.items() if any(_contains(phrase, x["phrase"]) for x in n["new"]))
        assert listed_in == [first], phrase
        entry = next(x for x in got[first]["new"] if x["phrase"] == normalize(phrase))
        assert entry["ids"]  # the sentences holding it, to mark and link
        # where the reader marks it, found at ingest: exactly the phrase's words in its sentences
        assert entry["marks"] and {pid for pid, _, _ in entry["marks"]} == set(entry["ids"])
        assert all(normalize(texts[pid][a:b]) == normalize(phrase) for pid, a, b in entry["marks"])
    assert first_of("open source foundation models") == "statement-2021"  # the year-only date came first


def test_no_boilerplate_is_ever_new_and_the_earliest_lists_nothing(tmp_path, ingest):
    got = stored_novelty(ingest(write(tmp_path / "series")))
    earliest = min(statements(), key=order_key).slug
    assert got[earliest]["reason"] == "first" and got[earliest]["new"] == []
    every = [normalize(b) for b in BOILERPLATE] + [normalize("The meeting reviewed the work carried out in")]
    for slug, n in got.items():
        assert len(n["new"]) <= 30
        for x in n["new"]:
            assert not any(f" {x['phrase']} " in f" {b} " for b in every), (slug, x)


def test_a_copied_sentence_is_said_before_with_its_first_statement(tmp_path, ingest):
    got = stored_novelty(ingest(write(tmp_path / "series")))
    for slug, (copy, match) in COPIES.items():
        said = {s["text"]: s["earlier"] for s in got[slug]["said"]}
        assert copy in said, slug
        (earlier,) = said[copy]
        assert earlier["document"] == "statement-2016" and earlier["text"] == ORIGINAL
        assert earlier["match"] == match
    # the boilerplate is said before too, first in the earliest statement; the statement's own sentences are not
    said_2020 = {s["text"]: s["earlier"][0]["document"] for s in got["statement-2020"]["said"]}
    assert said_2020[BOILERPLATE[0]] == "statement-2015"
    assert "The meeting reviewed the work carried out in 2020." not in said_2020
    assert got["statement-2016"]["said"] and ORIGINAL not in {s["text"] for s in got["statement-2016"]["said"]}
