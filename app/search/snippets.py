"""Snippets: a hit's text HTML-escaped, its matched words in <mark>, cut around the first."""

from __future__ import annotations

from markupsafe import Markup, escape

from app.search.spans import word_spans
from app.search.types import SNIPPET_CHARS
from app.text.stems import word_stem

TEXT_CHARS = 5000  # the longest sentence text a search hit or quote check carries whole


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def runs(spans: list[tuple[int, int]], marked: list[bool]) -> list[tuple[int, int]]:
    """Adjacent marked words joined into one range (punctuation between them included)."""
    out: list[tuple[int, int]] = []
    prev = False
    for (a, b), m in zip(spans, marked):
        if m:
            if prev and out:
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        prev = m
    return out


def make_snippet(text: str, marks: list[tuple[int, int]], limit: int = SNIPPET_CHARS) -> Markup:
    """The text HTML-escaped, with `marks` (character ranges) in <mark>, cut around the first."""
    marks = _merge([(max(0, a), min(len(text), b)) for a, b in marks if b > a])
    start, end = 0, len(text)
    if len(text) > limit:
        focus = marks[0][0] if marks else 0
        start = max(0, focus - limit // 3)
        if start:
            sp = text.find(" ", start)
            start = sp + 1 if 0 <= sp < focus else start
        end = min(len(text), start + limit)
        if end < len(text):
            sp = text.rfind(" ", start, end)
            end = sp if sp > start else end
    parts: list[str] = ["…" if start else ""]
    pos = start
    for a, b in marks:
        if a >= end:
            break  # marks are sorted: the rest lie beyond the cut
        a, b = max(a, start), min(b, end)
        if b <= a:
            continue
        parts.append(str(escape(text[pos:a])))
        parts.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    parts.append(str(escape(text[pos:end])))
    parts.append("…" if end < len(text) else "")
    return Markup("".join(parts))


def clip(text: str, limit: int = TEXT_CHARS) -> tuple[str, bool]:
    """`text` cut to at most `limit` characters at a space, with "…", and whether it was cut.

    A hit or a quote check names a sentence by id; over-long text is cut so one pathological
    sentence cannot make every answer that mentions it megabytes long (its page shows it whole).
    """
    if len(text) <= limit:
        return text, False
    end = text.rfind(" ", 0, limit)
    return text[:end if end > limit // 2 else limit - 1].rstrip() + "…", True


def marks_window(text: str, norm: str, window: tuple[int, int], qset: set[str] | None) -> list[tuple[int, int]]:
    """Marks for words start..end of the text (`norm` is its normalised form); only words of
    `qset` (or sharing their stem) when given."""
    spans = word_spans(text, norm)
    if spans is None:
        return []
    a, b = window
    words = norm.split()
    qstems = {word_stem(w) for w in qset} - {None} if qset is not None else set()
    marked = [a <= i < b and (qset is None or words[i] in qset or word_stem(words[i]) in qstems)
              for i in range(len(spans))]
    return runs(spans, marked)


def marks_stems(text: str, norm: str, qstems: set[str]) -> list[tuple[int, int]]:
    spans = word_spans(text, norm)
    if spans is None:
        return []
    words = norm.split()
    marked = [(word_stem(w) in qstems) or (w in qstems) for w in words]
    return runs(spans, marked)
