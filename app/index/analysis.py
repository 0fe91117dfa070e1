"""The index's analyzers, one per language, and the `text` field's analyzer that picks between them.

English (and every Latin-script language for now) is Whoosh's StemmingAnalyzer, as before.
Chinese is jieba's word segmentation over text folded to Simplified characters (OpenCC), so
數據資源豐富 and 数据资源丰富 index the same words. jieba ships a Whoosh analyzer
(jieba.analyse.ChineseAnalyzer) and it works with whoosh3, but it is not used as such: it
indexes in jieba's "search" mode (overlapping sub-words, which count a word several times in
a sentence's stems), gives each token its character offset as its position (so phrase
positions are wrong), and does not fold Traditional characters.

A sentence may mix scripts ("发布《AI Act》…"), and a query's language is not declared, so the
`text` field's analyzer works per run of script: Han runs go to the Chinese analyzer, the rest
to the English one. Text with no Han character takes the English path unchanged, and jieba and
OpenCC are never loaded for it.
"""

from __future__ import annotations

import re

from whoosh.analysis import StemmingAnalyzer, Token

from app.text import zh

# Function words that carry no topic, dropped as the English stop list drops "the" and "of".
# Negations and modals (不 没 无 非 未, 要 必须 应当 可以 不得) are kept: they carry meaning.
ZH_STOPS = frozenset("的 了 和 与 及 或 是 在 等 对 把 被 之 其 也 都 而 并 就 将 于 以 为 从 向 这 那 个 着 过".split())
_RUNS = re.compile(f"[{zh.HAN_CLASS}]+|[^{zh.HAN_CLASS}]+")


class ChineseAnalyzer:
    """jieba's words of Simplified-folded text, Chinese stop words out, positions word by word."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = zh.to_simplified(value)
        same_length = len(folded) == len(value)
        pos = start_pos
        for word, start, end in (zh.words(folded) if tokenize else [(folded, 0, len(folded))]):
            if not zh.HAN_RE.search(word):
                continue
            t.text = word
            t.boost = 1.0
            t.stopped = word in ZH_STOPS
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
            pos += 1
            if chars:
                t.startchar = start_char + (start if same_length else 0)
                t.endchar = start_char + (end if same_length else len(value))
            if t.stopped and removestops:
                continue
            yield t

    def clean(self) -> None:
        pass

    def has_morph(self) -> bool:
        return False


class TextAnalyzer:
    """The `text` field: each script run to its language's analyzer (see the module docstring)."""

    def __init__(self):
        self.english = StemmingAnalyzer()
        self.chinese = ChineseAnalyzer()

    def __call__(self, value: str, positions: bool = False, chars: bool = False, start_pos: int = 0,
                 start_char: int = 0, **kwargs):
        if not zh.has_han(value):
            yield from self.english(value, positions=positions, chars=chars, start_pos=start_pos,
                                    start_char=start_char, **kwargs)
            return
        pos = start_pos
        for m in _RUNS.finditer(value):
            run = m.group()
            analyzer = self.chinese if zh.HAN_RE.match(run) else self.english
            last = None
            for t in analyzer(run, positions=True, chars=chars, start_pos=pos, start_char=start_char + m.start(),
                              **kwargs):
                last = t.pos
                yield t
            if last is not None:
                pos = last + 1

    def __eq__(self, other):
        return type(other) is type(self)

    # What Whoosh asks of an analyzer besides calling it (Analyzer's interface, duck-typed:
    # subclassing Whoosh is kept to app.index.whoosh_fast).
    def clean(self) -> None:
        self.english.clean()

    def has_morph(self) -> bool:
        return True  # words are stemmed


ANALYZERS = {"en": StemmingAnalyzer, "zh": ChineseAnalyzer}


def text_words(text: str) -> list[str]:
    """The `text` field's terms of one text, in order (what the stems column keeps for Chinese)."""
    return [t.text for t in _TEXT(text)]


_TEXT = TextAnalyzer()
