"""Sentence alignment of a translation with its original: which sentences render which.

A dynamic programme over beads (1–1, 1–2, 2–1, 1–0, 0–1, as Gale and Church 1993), whose cost
adds two kinds of evidence:

- length: a sentence's translation is about as long as the document pair's overall ratio
  predicts (measured per pair, so Chinese characters against English letters needs no table),
  scored as a Gaussian on the difference, as Gale–Church do;
- lexical anchors: numbers (Arabic, full-width or Chinese numerals), dates, Latin-script words
  inside Chinese (names, acronyms), enumerators ("（三）", "三是" / "third", "(3)") and a small
  lexicon of policy terms. A bead whose two sides share anchors is cheaper; one whose sides
  carry different numbers is dearer.

The maintained Gale–Church package on PyPI (galechurch 0.1.0) was considered: it aligns on
lengths alone, with no way to add anchors and no cost per bead, which are what make the
free-translation case and a confidence per pair possible, so the programme is written here.

Each bead carries a confidence in [0, 1]: how far it beats the best other way of covering the
same sentences, and how well lengths and anchors agree. A 1–0 bead (a sentence the translation
leaves out) is kept, never forced into a neighbour; `LOW_CONFIDENCE` marks what a reader
should check.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from app.text import zh
from app.text.stems import word_stem

LOW_CONFIDENCE = 0.5
# -log of each bead's prior probability (Gale & Church's estimates, Table 5).
_PRIORS = {(1, 1): 0.89, (1, 0): 0.005, (0, 1): 0.005, (2, 1): 0.045, (1, 2): 0.045}
_BEAD_COST = {k: -math.log(v) for k, v in _PRIORS.items()}
_VARIANCE = 6.8  # Gale & Church's variance of the length difference per character
_ANCHOR_WEIGHT = 2.5  # cost saved per shared anchor
_CLASH_WEIGHT = 1.5  # cost added per number on one side only
_LEXICON_WEIGHT = 0.9  # cost saved per lexicon term rendered on the other side
_MISSING_WEIGHT = 0.6  # cost added per lexicon term not rendered there
_UNRENDERED_WEIGHT = 2.5  # cost added per merged sentence that shows no sign of being rendered
_BAND = 6  # how far from the diagonal (in sentences) a path may stray, at least

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile("[零〇一二两三四五六七八九十百千万]+")
_ARABIC = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]+")
_NAME_WORD = re.compile(r"\b[A-Z][A-Za-z0-9\-]*[A-Z0-9][A-Za-z0-9\-]*\b|(?<=[a-z,;] )[A-Z][a-z]+")
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1)}
_EN_ZH_NUMBERS = {w: i for i, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve".split(), 1)}
_ZH_ENUM = re.compile(r"[（(]([一二三四五六七八九十]{1,3})[)）]|([一二三四五六七八九十]{1,3})[、是]|第([一二三四五六七八九十]{1,3})")
# Policy terms and their usual English renderings (stems), a small hand-made lexicon: no
# maintained Chinese–English lexicon package for the domain was found.
_LEXICON = {
    "人工智能": ("artifici", "ai"), "数据": ("data",), "安全": ("secur", "safeti", "safe"), "治理": ("govern",),
    "发展": ("develop",), "创新": ("innov",), "监管": ("regul", "supervis", "oversight"), "法律": ("law", "legal"),
    "法规": ("regul", "law"), "伦理": ("ethic",), "国际": ("intern", "global"), "合作": ("cooper", "collabor"),
    "人才": ("talent",), "教育": ("educ",), "算力": ("comput",), "芯片": ("chip", "semiconductor"),
    "基础研究": ("basic", "fundament"), "产业": ("industri", "industry"), "企业": ("enterpris", "compani", "firm"),
    "风险": ("risk",), "标准": ("standard",), "开源": ("open", "sourc"), "模型": ("model",), "算法": ("algorithm",),
    "隐私": ("privaci", "privat"), "个人信息": ("person", "inform"), "应用": ("applic", "use"),
    "科技": ("technolog", "scienc"), "技术": ("technolog",), "经济": ("econom", "economi"), "社会": ("social", "societi"),
    "政府": ("govern",), "市场": ("market",), "投资": ("invest",), "资金": ("fund", "financ"), "就业": ("employ", "job"),
    "医疗": ("health", "medic"), "交通": ("transport",), "农业": ("agricultur", "farm"), "制造": ("manufactur",),
    "网络": ("network", "cyber", "onlin"), "平台": ("platform",), "基础设施": ("infrastructur",),
    "知识产权": ("intellectu", "properti"), "青年": ("young", "youth"), "学生": ("student",), "大学": ("univers",),
    "研究": ("research", "studi"), "国家": ("nation", "countri", "state"), "全球": ("global", "world"),
    "联合国": ("un", "nation"), "发展中国家": ("develop",), "能源": ("energi",), "环境": ("environment",),
    "文化": ("cultur",), "公平": ("fair", "equit"), "透明": ("transpar",), "责任": ("respons", "account"),
    "评估": ("assess", "evalu"), "测试": ("test",), "会议": ("meet", "confer"), "学习": ("studi", "learn"),
    "总书记": ("secretari",), "政治局": ("politburo", "polit"), "委员会": ("committe", "commiss"),
    "部门": ("depart", "agenc", "ministri"), "地方": ("local",), "试点": ("pilot",), "出口": ("export",),
}


_LEXICON_SETS = {term: frozenset(stems) for term, stems in _LEXICON.items()}


@dataclass(frozen=True)
class Bead:
    original: tuple[int, ...]  # indices into the original's sentences
    translation: tuple[int, ...]  # indices into the translation's sentences
    confidence: float


def chinese_number(text: str) -> int | None:
    """二十 -> 20, 三百零五 -> 305, 一 -> 1 (enough for dates, counts and enumerators)."""
    total, section, digit = 0, 0, None
    for c in text:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            section += (digit if digit is not None else 1) * unit
            digit = None
        elif c == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def anchors(text: str) -> tuple[frozenset, frozenset]:
    """(anchors, words) of one sentence: numbers, Latin words and enumerators; then the lexicon's
    terms it holds when it is Chinese, its word stems (to match them with) otherwise."""
    folded = zh.to_simplified(_full_width(text)) if zh.has_han(text) else _full_width(text)
    out: set = set()
    for m in _ARABIC.finditer(folded):
        value = m.group().replace(",", "")
        out.add(("n", value.lstrip("0") or "0"))
    if zh.has_han(folded):
        for m in _CN_NUMBER.finditer(folded):
            n = chinese_number(m.group())
            if n is not None and (n > 1 or len(m.group()) > 1):
                out.add(("n", str(n)))
        for m in _ZH_ENUM.finditer(folded):
            n = chinese_number(next(g for g in m.groups() if g))
            if n:
                out.add(("e", n))
        for m in _LATIN_WORD.finditer(folded):
            out.add(("w", m.group().lower()))
        return frozenset(out), frozenset(term for term in _LEXICON if term in folded)
    lower = folded.lower()
    words = re.findall(r"[a-z][a-z0-9\-]*", lower)
    for w in words:
        if w in _MONTHS:
            out.add(("n", str(_MONTHS[w])))
        elif w in _EN_ZH_NUMBERS:
            out.add(("n", str(_EN_ZH_NUMBERS[w])))
        if w in _ORDINALS:
            out.add(("e", _ORDINALS[w]))
    for m in re.finditer(r"\((\d{1,2})\)|\b(\d{1,2})(?:st|nd|rd|th)\b", lower):
        out.add(("e", int(m.group(1) or m.group(2))))
    for m in _NAME_WORD.finditer(folded):  # names and acronyms, to meet the Latin words of a Chinese text
        out.add(("w", m.group().lower()))
    return frozenset(out), frozenset(filter(None, (word_stem(w) for w in words)))


def _union(sets: list[frozenset], a: int, b: int) -> frozenset:
    """The union of sets[a:b] (a bead has one or two sentences a side)."""
    return sets[a] if b - a == 1 else frozenset().union(*sets[a:b])


def _full_width(text: str) -> str:
    return text.translate(_WIDTH)


_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def _length(text: str) -> int:
    """Characters that carry text (spaces and punctuation out), the unit of the length model."""
    return sum(1 for c in text if c.isalnum()) or 1


def align(original: list[str], translation: list[str]) -> list[Bead]:
    """The beads aligning two documents' sentences, in order, covering every sentence once."""
    n, m = len(original), len(translation)
    if not n or not m:
        return [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
    lo = [_length(s) for s in original]
    lt = [_length(s) for s in translation]
    ratio = sum(lt) / sum(lo)
    ao = [anchors(s) for s in original]
    at = [anchors(s) for s in translation]
    zh_side = 0 if any(zh.has_han(s) for s in original) else 1 if any(zh.has_han(s) for s in translation) else None
    band = max(_BAND, abs(n - m) + _BAND // 2)

    xo, xt = [a[0] for a in ao], [a[0] for a in at]
    if zh_side is not None:
        # The lexicon terms each sentence of the non-Chinese side renders, found once per sentence.
        zh_terms = [a[1] for a in (ao if zh_side == 0 else at)]
        rendered = [frozenset(t for t, stems in _LEXICON_SETS.items() if not a[1].isdisjoint(stems))
                    for a in (at if zh_side == 0 else ao)]
    memo: dict[tuple[int, int, int, int], float] = {}

    def evidence(i0: int, i1: int, j0: int, j1: int) -> float:
        """Length and anchor cost of original[i0:i1] against translation[j0:j1] (both non-empty)."""
        key = (i0, i1, j0, j1)
        if key in memo:
            return memo[key]
        a = sum(lo[i0:i1])
        b = sum(lt[j0:j1])
        mean = a * ratio
        delta = (b - mean) / math.sqrt(max(mean, 1.0) * _VARIANCE * max(ratio, 1.0) / 4)
        cost = delta * delta / 2
        xa, xb = _union(xo, i0, i1), _union(xt, j0, j1)
        shared = len(xa & xb)
        clash = sum(1 for x in xa ^ xb if x[0] == "n")
        if zh_side is None:  # no Chinese side: shared word stems are the lexicon
            common = len(_union([x[1] for x in ao[i0:i1]], 0, i1 - i0) & _union([x[1] for x in at[j0:j1]], 0, j1 - j0))
            memo[key] = cost - _ANCHOR_WEIGHT * shared + _CLASH_WEIGHT * clash - _LEXICON_WEIGHT * min(common, 4)
            return memo[key]
        (z0, z1), (r0, r1) = ((i0, i1), (j0, j1)) if zh_side == 0 else ((j0, j1), (i0, i1))
        terms, rend = _union(zh_terms, z0, z1), _union(rendered, r0, r1)
        found = len(terms & rend)
        if i1 - i0 > 1 or j1 - j0 > 1:
            # Each sentence a bead joins should show some sign of being rendered there.
            unrendered = sum(1 for k in range(z0, z1) if zh_terms[k] and zh_terms[k].isdisjoint(rend))
            unrendered += sum(1 for k in range(r0, r1) if terms and rendered[k].isdisjoint(terms))
            cost += _UNRENDERED_WEIGHT * unrendered
        # A term rendered nowhere in the other side suggests its sentence belongs elsewhere.
        memo[key] = (cost - _ANCHOR_WEIGHT * shared + _CLASH_WEIGHT * clash - _LEXICON_WEIGHT * found
                     + _MISSING_WEIGHT * (len(terms) - found))
        return memo[key]

    def skip_cost(anch: tuple[frozenset, frozenset]) -> float:
        # A sentence left out takes its anchors with it; an anchor-rich one is dearer to drop.
        return 0.5 * len(anch[0])

    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        centre = i * m / n
        for j in range(max(0, int(centre) - band), min(m, int(centre) + band) + 1):
            if i == 0 and j == 0:
                continue
            best, how = inf, None
            for (di, dj), prior in _BEAD_COST.items():
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or cost[pi][pj] == inf:
                    continue
                if di and dj:
                    c = prior + evidence(pi, i, pj, j)
                elif di:
                    c = prior + skip_cost(ao[pi])
                else:
                    c = prior + skip_cost(at[pj])
                c += cost[pi][pj]
                if c < best:
                    best, how = c, (di, dj)
            cost[i][j], back[i][j] = best, how
    path: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j]
        path.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    path.reverse()

    def bead_cost(i0: int, i1: int, j0: int, j1: int) -> float:
        shape = (i1 - i0, j1 - j0)
        if shape not in _BEAD_COST:
            return inf
        if shape[0] and shape[1]:
            return _BEAD_COST[shape] + evidence(i0, i1, j0, j1)
        return _BEAD_COST[shape] + skip_cost(ao[i0] if shape[0] else at[j0])

    beads = []
    for k, (i0, i1, j0, j1) in enumerate(path):
        if i1 > i0 and j1 > j0:
            # Evidence against: lengths that disagree, numbers on one side only, no shared anchors.
            own = evidence(i0, i1, j0, j1) + _BEAD_COST[(i1 - i0, j1 - j0)] / 2
            confidence = 1 / (1 + math.exp((own - 3.0) / 1.2))
        else:
            # A gap is as sure as joining it to a neighbouring bead would be worse.
            own = bead_cost(i0, i1, j0, j1)
            rivals = []
            for nb in (path[k - 1] if k else None, path[k + 1] if k + 1 < len(path) else None):
                if nb is None or (nb[1] == nb[0]) or (nb[3] == nb[2]):
                    continue
                joined = (min(i0, nb[0]), max(i1, nb[1]), min(j0, nb[2]), max(j1, nb[3]))
                rivals.append(bead_cost(*joined) - bead_cost(*nb))
            margin = (min(rivals) if rivals else own + 3.0) - own
            confidence = 1 / (1 + math.exp(-margin / 1.5))
        beads.append(Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(confidence, 3)))
    return beads


def realign(session, changed, retired) -> int:
    """Align every translation touched by this ingest with its original; returns how many.

    A translation is touched when it or its original changed; a retired document's own
    alignments go with it (its original's sentences then show one translation fewer)."""
    from app.store import alignments as store  # enrich writes through the store

    changed = [d for d in changed if d.status == "active"]
    by_id = {d.id: d for d in changed if d.translation_of}
    for t in store.translations_of(session, [d.slug for d in changed]):
        by_id.setdefault(t.id, t)
    store.clear(session, [d.id for d in retired] + [d.id for d in changed if not d.translation_of])
    count = 0
    for t in by_id.values():
        original = _active_original(session, t.translation_of)
        if original is None:
            store.clear(session, [t.id])
            continue
        o_rows, t_rows = store.active_passages(session, original), store.active_passages(session, t)
        beads = align([text for _, text in o_rows], [text for _, text in t_rows])
        rows = []
        for n, b in enumerate(beads):
            for i in b.original or (None,):
                for j in b.translation or (None,):
                    rows.append((n, o_rows[i][0] if i is not None else None,
                                 t_rows[j][0] if j is not None else None, b.confidence))
        store.replace(session, t, rows)
        count += 1
    return count


def _active_original(session, slug):
    from sqlalchemy import select

    from app.store.models import Document

    return session.scalar(select(Document).where(Document.slug == slug, Document.status == "active"))
