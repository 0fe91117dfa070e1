"""How a commentary sentence differs from an official one, word by word."""

from __future__ import annotations

import difflib
import re
import unicodedata

_DIFF_TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]", re.UNICODE)


def word_diff(commentary_text: str, official_text: str) -> list[dict]:
    """Word-level diff of a commentary sentence against the official sentence it draws on.

    Every word of both appears once, in order, as in the quote check's diffs: each op is
    "same", "added" (in the commentary only), "removed" (in the official text only) or "changed"
    (different words on both sides). Tokens are words and punctuation marks; comparison ignores
    case (and Unicode form); the returned pieces are the original text spans, spacing included.
    """
    a = list(_DIFF_TOKEN_RE.finditer(commentary_text))
    b = list(_DIFF_TOKEN_RE.finditer(official_text))
    def key(m: re.Match) -> str:
        return unicodedata.normalize("NFKC", m.group()).casefold().replace("’", "'")

    matcher = difflib.SequenceMatcher(
        None, [key(m) for m in a], [key(m) for m in b], autojunk=False
    )

    def piece(tokens, text, lo, hi) -> str:
        return text[tokens[lo].start() : tokens[hi - 1].end()] if hi > lo else ""

    names = {"equal": "same", "delete": "added", "insert": "removed", "replace": "changed"}
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        ops.append(
            {
                "op": names[tag],
                "commentary": piece(a, commentary_text, i1, i2),
                "official": piece(b, official_text, j1, j2),
            }
        )
    return ops
