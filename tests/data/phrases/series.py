"""A synthetic series of dated official statements (2016–2025) and commentaries, with planted phrases.

`write(folder)` writes the documents as Markdown files with front matter; `PLANTED` says, for each
planted phrase, which documents hold it and in how many sentences, so tests derive every expected
first use and yearly count from the plan, never from what the archive answers. Boilerplate
sentences appear in every statement; near-misses of the planted phrases ("independent and
controlled", a stem of "controllable") appear where the real phrase does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

YEARS = range(2016, 2026)
BOILERPLATE = [
    "The meeting was chaired by the head of the leading group and attended by members of the council.",
    "Participants exchanged views on the work of the coming period.",
]
# Two statements a year; a few dates are coarser, as real readouts' sometimes are.
DATE_OVERRIDES = {("2018", 2): "2018", ("2020", 1): "2020-05"}

# phrase -> sentence templates that hold it (one sentence each; {y} is the statement's year)
SENTENCES = {
    "independent and controllable": "Core technologies in {y} must become independent and controllable, the meeting said.",
    "safe, reliable and controllable": "Artificial intelligence should be safe, reliable and controllable in every sector.",
    "new quality productive forces": "Officials called for new quality productive forces to be developed through AI.",
    "people centred development": "The statement stressed people-centred development of intelligent technology.",
}
SECOND = {  # a second sentence holding the phrase, for documents that use it twice
    "safe, reliable and controllable": "Only systems that are Safe, Reliable and Controllable may be deployed in public services.",
}
NEAR_MISS = "Supply chains were described as independent and controlled by domestic firms."


@dataclass(frozen=True)
class Doc:
    slug: str
    kind: str
    date: str
    phrases: dict[str, int]  # planted phrase -> sentences holding it
    near_miss: bool = False


def _official_docs() -> list[Doc]:
    docs = []
    for y in YEARS:
        for n, (month, day) in enumerate([("03", "10"), ("09", "20")], start=1):
            date = DATE_OVERRIDES.get((str(y), n), f"{y}-{month}-{day}")
            phrases: dict[str, int] = {}
            if (y, n) >= (2019, 2):
                phrases["independent and controllable"] = 1
            if y >= 2021:
                phrases["safe, reliable and controllable"] = 2 if (y, n) == (2021, 1) else 1
            if (y, n) >= (2024, 1) and (y, n) != (2025, 2):
                phrases["new quality productive forces"] = 1
            if y == 2018:
                phrases["people centred development"] = 1
            docs.append(Doc(f"readout-{y}-{n}", "official", date, phrases, near_miss=(y, n) == (2017, 1)))
    return docs


def _commentaries() -> list[Doc]:
    return [
        # Quotes the phrase a year before any official text uses it: the first *official* use stays 2019.
        Doc("analysis-2018-06", "commentary", "2018-06-01", {"independent and controllable": 1}),
        Doc("analysis-2022-05", "commentary", "2022-05-01", {"safe, reliable and controllable": 1}),
        Doc("analysis-2025-04", "commentary", "2025-04-15", {"new quality productive forces": 1}),
    ]


DOCS = _official_docs() + _commentaries()


def planted(phrase: str, kind: str | None = None) -> list[Doc]:
    """The documents holding `phrase` (of one kind), in date order as the archive sorts them."""
    found = [d for d in DOCS if phrase in d.phrases and (kind is None or d.kind == kind)]
    return sorted(found, key=lambda d: (d.kind != "official", d.date))  # "2018" before "2018-03-10"


def by_year(phrase: str, kind: str | None = None) -> dict[str, int]:
    """Sentences holding `phrase` per year, from the plan."""
    out: dict[str, int] = {}
    for d in planted(phrase, kind):
        out[d.date[:4]] = out.get(d.date[:4], 0) + d.phrases[phrase]
    return dict(sorted(out.items()))


def _text(d: Doc) -> str:
    y = d.date[:4]
    lines = []
    if d.kind == "official":
        lines.append(BOILERPLATE[0])
        lines.append(f"The meeting reviewed the work on artificial intelligence carried out in {y}.")
    else:
        lines.append(f"This note looks at how officials described technology policy in {y}.")
    for phrase, count in d.phrases.items():
        lines.append(SENTENCES[phrase].format(y=y))
        if count > 1:
            lines.append(SECOND[phrase])
    if d.near_miss:
        lines.append(NEAR_MISS)
    if d.kind == "official":
        lines.append(BOILERPLATE[1])
    return "\n\n".join(lines) + "\n"


def write(folder: Path) -> Path:
    """Write every document of the series into `folder` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in DOCS:
        title = (f"Readout of meeting {d.slug[-1]} of {d.date[:4]} on artificial intelligence" if d.kind == "official"
                 else f"Commentary on technology policy, {d.date}")
        front = [f'title: "{title}"', f"kind: {d.kind}", f"slug: {d.slug}", f'date: "{d.date}"',
                 "publisher: Example Council" if d.kind == "official" else "publisher: Example Analysts", "language: en"]
        (folder / f"{d.slug}.md").write_text("---\n" + "\n".join(front) + "\n---\n" + _text(d), encoding="utf-8")
    return folder
