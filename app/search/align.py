"""One similarity for every grade: the best word-aligned window of a sentence for a quote."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from app.search.spans import word_offsets
from app.search.types import NEAR_MIN


@dataclass
class Alignment:
    score: float  # 0–1
    start: int  # first word of the sentence matched
    end: int  # one past the last word matched
    verbatim: bool


def align(qn: str, sn: str, cutoff: float = 0.0) -> Alignment | None:
    """Best word-aligned window of sentence `sn` for quote `qn` (both normalised).

    rapidfuzz finds the best character window; it is snapped to word boundaries and the
    neighbouring windows (one word more or less at either end) are tried, so a missing or
    extra word is scored fairly. Returns None when the score is below `cutoff`.
    """
    if not qn or not sn:
        return None
    sw = sn.split()
    starts = word_offsets(sw)
    ends = [s + len(w) for s, w in zip(starts, sw)]
    padded = f" {sn} "
    pos = padded.find(f" {qn} ")
    if pos >= 0:
        first = sn[:pos].count(" ") if pos else 0
        return Alignment(1.0, first, first + qn.count(" ") + 1, True)
    if len(qn) >= len(sn):
        score = fuzz.ratio(qn, sn) / 100
        return Alignment(min(score, 0.999), 0, len(sw), False) if score >= cutoff else None
    al = fuzz.partial_ratio_alignment(qn, sn, score_cutoff=max(0.0, cutoff * 100 - 12))
    if al is None:
        return None
    ws = _word_at(starts, al.dest_start)
    we = _word_at(starts, max(al.dest_end - 1, al.dest_start))
    best = (-1.0, ws, we + 1)
    for i in (ws - 1, ws, ws + 1):
        for j in (we - 1, we, we + 1):
            if 0 <= i <= j < len(sw):
                r = fuzz.ratio(qn, sn[starts[i]:ends[j]])
                if r > best[0]:
                    best = (r, i, j + 1)
    score = min(best[0] / 100, 0.999)  # 1.0 is reserved for verbatim, found above
    return Alignment(score, best[1], best[2], False) if score >= cutoff else None


def _word_at(starts: list[int], char: int) -> int:
    """Index of the word containing (or just after) character `char`."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo


def grade_for(score: float, verbatim: bool) -> str:
    if verbatim:
        return "exact"
    return "near" if score >= NEAR_MIN else "related"
