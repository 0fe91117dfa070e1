"""The meaning check for Chinese wording: which differences between a quote and its source change
what is said.

Chinese text is compared character by character (app.text.zh.spaced), so one diff op holds the
characters that differ. Traditional against Simplified characters and full-width against
half-width forms never reach here: normalisation makes them equal, and the quote is exact.

Meaning-bearing: a negation added or removed (不 没 无 非 未 别 勿 莫), a modal changed (要, 必须,
应当, 应该, 可以, 不得, 能, 将…: "must" against "may" is the difference analysts argue about), a
number changed (Arabic or Chinese numerals), and any other content character changed. Form only:
the structural particles and conjunctions a translator or a retyping adds or drops (的 了 地 之
和 与 及 并…).
"""

from __future__ import annotations

import re

from app.text.zh import HAN_CLASS, HAN_RE

NEGATORS = frozenset("不没无非未别勿莫否")
# Longest first, so 必须 is read as one modal and not as 须 alone.
MODALS = ("必须", "务必", "应当", "应该", "不得", "不能", "不可", "能够", "可以", "需要", "必要", "要", "须", "应",
          "得", "可", "能", "将", "会", "宜")
_MODAL_RE = re.compile("|".join(MODALS))
FUNCTION_CHARS = frozenset("的了地着之和与及并而也都就其等这那个")
_BETWEEN_HAN = re.compile(f"(?<=[{HAN_CLASS}]) (?=[{HAN_CLASS}])")
_NUMERAL = re.compile(r"[\d零〇一二两三四五六七八九十百千万亿]+")


def involves_chinese(words: list[str]) -> bool:
    return any(HAN_RE.search(w) for w in words)


def classify(quote_chars: list[str], source_chars: list[str], quote_text: str, source_text: str, change):
    """The meaning-bearing changes in one diff op of Chinese wording (`change(kind, quote, source)` makes one)."""
    q, s = "".join(quote_chars), "".join(source_chars)
    quote_text, source_text = _BETWEEN_HAN.sub("", quote_text), _BETWEEN_HAN.sub("", source_text)
    found = []
    if sorted(c for c in q if c in NEGATORS) != sorted(c for c in s if c in NEGATORS):
        found.append(change("negation", quote_text, source_text))
    elif _MODAL_RE.findall(q) != _MODAL_RE.findall(s):
        found.append(change("modality", quote_text, source_text))
    if _NUMERAL.findall(q) != _NUMERAL.findall(s):
        found.append(change("number", quote_text, source_text))
    if found:
        return found
    rest_q = [c for c in quote_chars if c not in FUNCTION_CHARS]
    rest_s = [c for c in source_chars if c not in FUNCTION_CHARS]
    if rest_q != rest_s:
        found.append(change("content", quote_text, source_text))
    return found
