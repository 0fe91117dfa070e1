"""Chinese text: sentences, enumerations, datelines, and the folding that makes Traditional and
Simplified characters, full-width and half-width forms compare alike.

OpenCC (Traditional→Simplified) and jieba (word segmentation) load on first use only, so an
archive without Chinese never pays for them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Han ideographs: the unified block, extension A, compatibility ideographs and the
# supplementary planes' extensions.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RE = re.compile(f"[{HAN_CLASS}]")
_HAN_RUN = re.compile(f"[{HAN_CLASS}]+")

_NUMERALS = "一二三四五六七八九十百零〇"
# An enumerator opening an item: （一） (一) （1） (1) 一、 1、 1. 第一， 一是 ...
ENUMERATOR_RE = re.compile(
    rf"^\s*(?:[（(](?:[{_NUMERALS}]{{1,3}}|\d{{1,3}}|[０-９]{{1,3}})[)）]"
    rf"|[{_NUMERALS}]{{1,3}}[、是]|\d{{1,3}}[、．]|[０-９]{{1,3}}[、．]|\d{{1,3}}\.(?!\d)"
    rf"|第[{_NUMERALS}]{{1,3}}[，、,是])\s*"
)
_TERMINALS = "。！？!?"
_OPENERS = "「『“‘《（(【"
_CLOSERS = "」』”’》）)】"
_CLOSE_OF = dict(zip(_OPENERS, _CLOSERS))
# "新华社北京4月26日电" (Xinhua, Beijing, April 26), optionally "（记者 某某）" after it.
_DATELINE_RE = re.compile(
    rf"^\s*((?:新华社|新華社|人民网|人民網|中新社|央视网|央視網)[{HAN_CLASS}\d０-９月日年]{{1,24}}[电電]"
    r"(?:\s*[（(][^()（）\n]{1,40}[)）])?)\s*[：:]?\s*"
)
_HEADING_MAX = 40


def has_han(text: str) -> bool:
    """True when `text` holds a Han character (ASCII text is answered without a scan)."""
    return not text.isascii() and HAN_RE.search(text) is not None


def is_chinese(language: str | None) -> bool:
    """A BCP 47 tag naming Chinese in any script or region: zh, zh-Hans, zh-Hant-TW, cmn..."""
    if not language:
        return False
    primary = language.split("-")[0].lower()
    return primary in ("zh", "cmn", "yue", "lzh", "wuu")


@lru_cache(maxsize=1)
def _converter():
    import opencc  # lazy: see the module docstring

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional characters (and Taiwan/Hong Kong variant forms) folded to Simplified."""
    if not has_han(text):
        return text
    return _converter().convert(text)


def spaced(text: str) -> str:
    """Each Han character a word of its own: matching then needs no word segmentation, so a quote
    and a sentence compare alike however a segmenter would have cut either."""
    return _HAN_RUN.sub(lambda m: " " + " ".join(m.group()) + " ", text)


def fold(text: str) -> str:
    """The matching form of Chinese text: full-width forms half-width (NFKC), Traditional folded to
    Simplified, every Han character spaced apart. Used by app.text.normalize."""
    return spaced(to_simplified(unicodedata.normalize("NFKC", text)))


def words(text: str) -> list[tuple[str, int, int]]:
    """jieba's words of a run of Chinese text (already folded), with character offsets."""
    from app.text import zh_words  # lazy: see the module docstring

    return [(w, start, end) for w, start, end in zh_words.tokenizer().tokenize(text) if w.strip()]


def split_dateline(text: str) -> tuple[str | None, str]:
    """Take a leading Chinese news dateline ("新华社北京4月26日电") off the first paragraph."""
    m = _DATELINE_RE.match(text)
    if m and len(text) > m.end():
        return m.group(1).strip(), text[m.end():].strip()
    return None, text


def is_item(text: str) -> bool:
    """True when the text opens with an enumerator."""
    return ENUMERATOR_RE.match(text) is not None


def is_heading(text: str) -> bool:
    """A short Chinese line with no sentence punctuation ("一、总体要求", "加快发展新质生产力")."""
    t = text.strip()
    if not t or len(t) > _HEADING_MAX or not has_han(t):
        return False
    if any(c in t for c in _TERMINALS + "；;，,：:"):
        return False
    return len(HAN_RE.findall(t)) * 2 >= len(t)


def split_sentences(text: str) -> list[str]:
    """Sentences of one Chinese paragraph, as exact substrings of it.

    A sentence ends at 。！？ (with any closing quotes or brackets after it), never inside quotes
    「」“” or brackets that are still open; at ； only where the next clause opens an enumerated
    item ("一是……；二是……"), so a semicolon list of items gives one unit per item. Latin text
    inside ends a sentence at ". " before a capital, as English does.
    """
    cuts = [0]
    stack: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c in _CLOSE_OF:
            # ASCII quotes/brackets are ambiguous; only full-width openers and "(" nest.
            stack.append(_CLOSE_OF[c])
        elif stack and c == stack[-1]:
            stack.pop()
        elif c in _CLOSERS and stack and c in stack:
            while stack and stack.pop() != c:
                pass
        if not stack:
            end = None
            if c in _TERMINALS:
                end = i + 1
            elif c in "；;" and ENUMERATOR_RE.match(text[i + 1:]):
                end = i + 1
            elif c == "." and i + 2 < n and text[i + 1] == " " and text[i - 1:i].isalpha() \
                    and text[i - 1:i].isascii() and (text[i + 2].isupper() or has_han(text[i + 2])):
                end = i + 1
            if end is not None:
                while end < n and (text[end] in _TERMINALS or text[end] in _CLOSERS):
                    end += 1
                cuts.append(end)
                i = end
                continue
        elif c in _TERMINALS and i + 1 < n and text[i + 1] in _CLOSERS:
            # "……。”" closes the quote that held the sentence: the boundary is after the closers.
            end = i + 1
            inner = list(stack)
            while end < n and text[end] in _CLOSERS and inner and text[end] == inner[-1]:
                inner.pop()
                end += 1
            if not inner:
                stack = []
                while end < n and text[end] in _TERMINALS:
                    end += 1
                cuts.append(end)
                i = end
                continue
        i += 1
    cuts.append(n)
    pieces = (text[a:b].strip() for a, b in zip(cuts, cuts[1:]))
    return [p for p in pieces if p]


# Where an over-long Chinese sentence may be cut (see app.text.segment.bounded), strongest first.
CLAUSE_MARKS = ("；", "：", "，", "; ", ": ", ", ")


def join_lines(lines: list[str]) -> str:
    """Hard-wrapped lines of one paragraph joined: no space where both sides are Chinese."""
    out = lines[0] if lines else ""
    for line in lines[1:]:
        sep = "" if out and line and (has_han(out[-1]) or out[-1] in "，。；：、！？）」”") and has_han(line[0]) else " "
        out += sep + line
    return out
