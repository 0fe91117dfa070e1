"""Split a document body into headings, paragraphs, enumerated items and sentences."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from syntok.segmenter import analyze

from app.text import zh

# Words that stay lower-case in a Title Case heading ("Key to Gaining an Edge in AI").
_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into nor of on or per the to vs via with".split()
)
_ITEM_RE = re.compile(r"^\s*(?:\(\d{1,3}\)|\([a-zA-Z]\)|\d{1,3}[.)](?=\s)|[a-zA-Z]\)|[-*•·])\s*")
_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
# "(Xinhua News Agency, Beijing, April 26) —", "BEIJING, Oct. 31 (Xinhua) --", "WASHINGTON —",
# "WASHINGTON (Reuters) -", "Brussels, 12 March 2025 —": a place, then a date or an agency or
# both, then a dash. A place in mixed case needs a date, so "Paris — The" stays a sentence.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s*\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
_DASH = r"(?:—|–|--|-(?=\s))"
_DATELINE_RES = (
    re.compile(r"^\s*(\([^()\n]{2,120}\))\s*(?:—|–|--|-)\s*"),
    re.compile(
        rf"^\s*([A-Z][A-Z .'’-]{{1,40}}(?:,\s*{_DATE})?(?:\s*\([^()\n]{{2,60}}\))?)\s*({_DASH})\s*"
    ),
    re.compile(
        rf"^\s*([A-Z][a-z]+(?:[ -][A-Z][a-z]+){{0,3}},\s*{_DATE}(?:\s*\([^()\n]{{2,60}}\))?)\s*({_DASH})\s*"
    ),
)
# A full stop glued to the next sentence ("governance.Xi emphasized"): syntok usually splits
# these, this covers the cases it leaves joined. The left word needs two lower-case letters
# so initials and abbreviations ("U.S.Army", "J.Smith") are not split.
# A figure ("in 2023.The target") or a closing curly quote ("final.”Then") may end the left
# sentence too; a dotted name ("www.Gov.uk") is not a boundary.
_RUN_TOGETHER_RE = re.compile(
    r"(?:(?<=[a-z0-9%]{2}[.!?])|(?<=[a-z0-9]{2}[.!?][”’]))(?=[\"“‘']?[A-Z][a-z]+(?!\.[a-z]))"
)
# syntok's known misses, fixed with general rules (see split_sentences):
# a title before a name never ends a sentence ("Gov. Newsom", "Lt. Gen. Smith") ...
_TITLES = frozenset(
    "Adm Amb Asst Assoc Atty Brig Capt Cdr Cmdr Col Comdr Cpl Dep Det Dir Dr Fr Gen Gov Hon Insp "
    "Lt Maj Messrs Mme Mmes Mr Mrs Ms Msgr Mx Pres Prof Pvt Rep Reps Rev Sen Sens Sgt Supt".split()
)
# ... nor does a reference word before its number ("pp. 14-15", "Sec. 3.2", "Nos. 3-4") ...
_REFERENCES = frozenset(
    "Art Arts art arts Ch ch Chap chap Cl cl Doc Ex Exh Fig Figs fig figs No Nos no nos Nr p pp "
    "Para Paras para paras Pt pt Rec Recs Reg Regs Sec Secs sec secs Sect sect Tab tab Vol Vols vol vols".split()
)
# ... nor "e.g." or "i.e.", whatever follows;
_NEVER_FINAL_RE = re.compile(r"(?:^|[\s(\[])(?:e\.g|i\.e|cf|viz|vs)\.$", re.IGNORECASE)
_LAST_WORD_RE = re.compile(r"(?:^|[\s(\[“\"])([A-Za-z]+)\.$")
# while an abbreviation that can end a sentence ("5 p.m.", "the U.S.", "Apple Inc.") does
# end it when a pronoun or other clear sentence opener follows, which syntok misses.
_FINAL_ABBREVIATION_RE = re.compile(
    r"(?:\b[ap]\.m\.|\betc\.|\b(?:Inc|Ltd|Corp|Co|Bros|LLC|PLC)\.|\b(?:[A-Z]\.){2,})(?=\s+[\"“‘]?"
    r"(?:He|She|It|They|We|I|You|His|Her|Its|Their|Our|My|Your|This|That|These|Those|There|The|"
    r"But|And|However|In|On|At|For|After|Before|When|While|Meanwhile|Officials|Some|Many|Most|Such)\b)"
)
# A sentence ending inside brackets ("(a close call.) Then") ends there when a capital follows.
_BRACKET_END_RE = re.compile(r"(?<=[a-z0-9]{2}[.!?][)\]])(?=\s+[\"“‘]?[A-Z][a-z])")
_TERMINAL = ".!?;,\"”’)]"


@dataclass(frozen=True)
class Segment:
    """One addressable unit of a document: a heading, a sentence or an enumerated item."""

    kind: str  # "heading" | "sentence" | "item"
    text: str
    paragraph: int  # 1-based paragraph number; a heading is a paragraph of its own
    section: int  # 0 before the first heading, then 1, 2, ...
    line: int  # 1-based line in the source file where the paragraph starts


@dataclass
class SegmentedText:
    """The result of segmenting one document body."""

    headline: str | None = None
    dateline: str | None = None
    segments: list[Segment] = field(default_factory=list)


@dataclass
class _Paragraph:
    text: str
    line: int
    markdown_heading: bool = False


def squash(text: str) -> str:
    """Unicode NFC and single spaces: the only normalisation identity-bearing text gets."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _paragraphs(body: str, first_line: int, chinese: bool = False) -> list[_Paragraph]:
    """Blank lines separate paragraphs where the text has them, else every line is one.

    Hard-wrapped lines are joined with a space, except between two Chinese characters in a
    Chinese text (which has no spaces between words)."""
    lines = body.split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    has_blank_separators = any(b - a > 1 for a, b in zip(nonblank, nonblank[1:]))
    paragraphs: list[_Paragraph] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        if current:
            joined = zh.join_lines(current) if chinese else " ".join(current)
            paragraphs.append(_Paragraph(squash(joined), first_line + start))
            current.clear()

    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            flush()
            continue
        md = _MD_HEADING_RE.match(line)
        if md:
            flush()
            paragraphs.append(_Paragraph(squash(md.group(1)), first_line + i, True))
            continue
        # Without blank separators each line is its own paragraph; with them, list items
        # still start a new unit so hard-wrapped lists keep their items apart.
        if not has_blank_separators or _ITEM_RE.match(line):
            flush()
        if not current:
            start = i
        current.append(line)
    flush()
    return paragraphs


def is_heading(text: str) -> bool:
    """A short Title Case line with no sentence punctuation introduces a section."""
    words = text.split()
    if not words or len(words) > 14 or len(text) > 120 or _ITEM_RE.match(text):
        return False
    body = text[:-1] if text.endswith(":") else text
    if not body or body[-1] in _TERMINAL or re.search(r"[.!?]\s", body):
        return False
    content = [w for w in words if any(c.isalpha() for c in w) and w.lower() not in _SMALL_WORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w.lstrip("\"“‘'(")[:1].isupper() or w[:1].isdigit())
    return capitalised / len(content) >= 0.75 and words[0][:1].isupper()


def _split_dateline(text: str) -> tuple[str | None, str]:
    """Take a leading dateline ("(Agency, City, Month Day) —") off the first paragraph."""
    for pattern in _DATELINE_RES:
        m = pattern.match(text)
        # A sentence starts after a dateline; "AI — and how to govern it" is no dateline.
        if not m or len(text) <= m.end() or text[m.end():].lstrip()[:1].islower():
            continue
        # A lone hyphen is a dateline's dash only after an agency or a date ("WASHINGTON
        # (Reuters) -"); after a bare word it is more likely the sentence's own ("AI - The").
        if m.lastindex and m.lastindex > 1 and m.group(2) == "-" and not re.search(r"[(\d]", m.group(1)):
            continue
        return m.group(1).strip(), text[m.end():].strip()
    return None, text


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, as exact substrings of it.

    syntok finds the boundaries; general rules then fix what it is known to get wrong: it
    splits after titles and reference words it does not know as abbreviations ("Gov. Newsom",
    "pp. 14"), keeps sentences together after "p.m."/"U.S." when a pronoun follows, and
    misses boundaries with no space after the full stop ("governance.Xi emphasized").
    """
    spans: list[tuple[int, int]] = []
    for paragraph in analyze(text):
        for sentence in paragraph:
            start = sentence[0].offset
            end = sentence[-1].offset + len(sentence[-1].value)
            spans.append((start, end))
    spans = _merge_abbreviations(text, spans)
    pieces: list[str] = []
    for start, end in spans:
        cuts = {start, end}
        chunk = text[start:end]
        for pattern in (_RUN_TOGETHER_RE, _FINAL_ABBREVIATION_RE, _BRACKET_END_RE):
            cuts.update(start + m.end() for m in pattern.finditer(chunk))
        ordered = sorted(cuts)
        pieces.extend(text[a:b].strip() for a, b in zip(ordered, ordered[1:]))
    return [p for p in pieces if p]


MAX_SENTENCE_CHARS = 2000  # the default of Settings.max_sentence_chars
# Where an over-long sentence may be cut, strongest first; each cut falls after the mark.
_CLAUSE_MARKS = ("; ", ": ", ", ")


def bounded(sentence: str, limit: int = MAX_SENTENCE_CHARS, marks: tuple[str, ...] = _CLAUSE_MARKS) -> list[str]:
    """`sentence` in pieces of at most `limit` characters, each an exact substring of it.

    A piece ends at the strongest clause boundary (a semicolon, a colon, a comma) in the back
    half of the room left, else at the last space, else (a run with no space at all) at the
    limit itself, so no piece is much shorter than it needs to be.
    """
    pieces: list[str] = []
    start = 0
    while len(sentence) - start > limit:
        end = start + limit
        cut = -1
        for mark in marks:
            found = sentence.rfind(mark, start + limit // 2, end)
            if found != -1:
                cut = found + 1
                break
        if cut == -1:
            found = sentence.rfind(" ", start + 1, end + 1)
            cut = found if found != -1 else end
        piece = sentence[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
        while start < len(sentence) and sentence[start].isspace():
            start += 1
    rest = sentence[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _merge_abbreviations(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a span that ends in a title or reference abbreviation to the span after it."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            prev = text[merged[-1][0]:merged[-1][1]]
            nxt = text[start:end].lstrip("\"“‘'(")
            m = _LAST_WORD_RE.search(prev)
            word = m.group(1) if m else ""
            if (_NEVER_FINAL_RE.search(prev)
                    or (word in _TITLES and nxt[:1].isupper())
                    or (word in _REFERENCES and nxt[:1].isdigit())):
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged


def segment(body: str, title: str | None = None, first_line: int = 1,
            max_chars: int = MAX_SENTENCE_CHARS, language: str | None = None) -> SegmentedText:
    """Segment a document body; a first paragraph equal to the title is the headline.

    No heading, sentence or item is longer than `max_chars` (see `bounded`). A Chinese document
    (`language` zh, zh-Hant, ...) is split by app.text.zh's rules instead of syntok's.
    """
    chinese = zh.is_chinese(language)
    result = SegmentedText()
    paragraphs = _paragraphs(body, first_line, chinese)
    if paragraphs and title and _same_text(paragraphs[0].text, title):
        result.headline = paragraphs.pop(0).text
    if paragraphs and not paragraphs[0].markdown_heading:
        dateline, rest = zh.split_dateline(paragraphs[0].text) if chinese else (None, "")
        if not dateline:
            dateline, rest = _split_dateline(paragraphs[0].text)
        if dateline:
            result.dateline = dateline
            paragraphs[0] = _Paragraph(rest, paragraphs[0].line)
    section = 0
    for number, para in enumerate(paragraphs, start=1):
        followed = number < len(paragraphs)
        heading = is_heading(para.text) or (chinese and zh.is_heading(para.text))
        if (para.markdown_heading and len(para.text) <= max_chars) or (followed and heading):
            section += 1
            result.segments.append(Segment("heading", para.text, number, section, para.line))
            continue
        if chinese:
            for sentence in zh.split_sentences(para.text):
                kind = "item" if zh.is_item(sentence) or _ITEM_RE.match(sentence) else "sentence"
                for i, piece in enumerate(bounded(sentence, max_chars, zh.CLAUSE_MARKS)):
                    result.segments.append(Segment(kind if i == 0 else "sentence", piece, number, section, para.line))
            continue
        kind = "item" if _ITEM_RE.match(para.text) else "sentence"
        sentences = (piece for sentence in split_sentences(para.text) for piece in bounded(sentence, max_chars))
        for i, sentence in enumerate(sentences):
            result.segments.append(
                Segment(kind if i == 0 else "sentence", sentence, number, section, para.line)
            )
    return result


def _same_text(a: str, b: str) -> bool:
    """Compare ignoring case, punctuation and spacing (a headline may differ in trivia)."""
    key = lambda s: re.sub(r"\W+", " ", unicodedata.normalize("NFKC", s)).strip().casefold()  # noqa: E731
    return key(a) == key(b)
