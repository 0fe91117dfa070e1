"""The meaning check: does a quote say what its source says, or only look like it?

`compare(quote, source)` lines the two up word by word (case, punctuation, quote and dash
styles aside, as everywhere in search) and sorts every difference into one of two heaps:

* form only, allowed in a ``near`` match: spelling variants (British and American), typos,
  hyphenation and words run together, a function word or an article dropped, added or swapped,
  a pronoun where the source names the person, a known synonym or another form of the same word
  (these are still shown in the diff), words left out where the quote marks an ellipsis;
* meaning-bearing, which makes the match ``altered``: negation (not, no, never, without, n't,
  un-/in-/non- and other negating prefixes), an antonym, a changed number, ordinal, date or
  year, a changed person, organisation or place name, a changed modal (must, may, should,
  will…), a changed quantifier (all, some, most, few…), a content word replaced by one that is
  no known synonym or variant of it, and a content word dropped or added.

Synonyms, antonyms and derived forms come from WordNet (app.text.lexicon); the word lists here
are general English function words, never phrases of one document.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA

from app.search import meaning_zh
from app.search.context import Context
from app.search.spans import word_spans
from app.search.types import Cand
from app.text.cues import STOPWORDS
from app.text.lexicon import lexicon
from app.text.normalize import normalize
from app.text.stems import word_stem

KINDS = ("negation", "antonym", "number", "date", "name", "modality", "quantifier", "content")

# Negators, with the contracted forms as normalize() leaves them ("can't" -> "cant").
NEGATORS = frozenset(
    "not no never without nor neither none nobody nothing nowhere non cannot cant dont doesnt didnt "
    "wont isnt arent wasnt werent hasnt havent hadnt shouldnt wouldnt couldnt mustnt neednt shant "
    "mightnt aint".split()
)
# Modal verbs and semi-modals, each with the obligation or possibility it expresses; contractions
# give their modal too. "ought" is "should", "shall" an obligation like "must" in legal English
# but kept apart from it, as a translator would.
MODALS = {
    "must": "must", "mustnt": "must", "shall": "shall", "shant": "shall", "should": "should",
    "shouldnt": "should", "ought": "should", "may": "may", "might": "might", "mightnt": "might",
    "can": "can", "cannot": "can", "cant": "can", "could": "could", "couldnt": "could",
    "will": "will", "wont": "will", "would": "would", "wouldnt": "would", "need": "need",
    "needs": "need", "neednt": "need",
}
# Quantifiers and adverbs of frequency, grouped where English uses them interchangeably.
QUANTIFIERS = {
    "all": "all", "every": "all", "each": "all", "any": "any", "some": "some", "several": "several",
    "many": "many", "numerous": "many", "much": "many", "most": "most", "few": "few", "fewer": "fewer",
    "more": "more", "less": "less", "both": "both", "either": "either", "only": "only",
    "always": "always", "often": "often", "frequently": "often", "sometimes": "sometimes",
    "occasionally": "sometimes", "rarely": "rarely", "seldom": "rarely", "usually": "usually",
    "generally": "usually", "mostly": "most", "partly": "some", "entirely": "all", "fully": "all",
}
NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS |= {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
                 "ninety": "90", "hundred": "100", "thousand": "1000", "million": "1000000",
                 "billion": "1000000000", "trillion": "1000000000000", "dozen": "12", "half": "0.5"}
ORDINALS = {w: str(i + 1) for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())}
MONTHS = frozenset("january february march april may june july august september october november december "
                   "jan feb mar apr jun jul aug sep sept oct nov dec".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
PRONOUNS = frozenset("he she they it we i you him her them us his its their our".split())
NEGATING_PREFIXES = ("un", "non", "in", "im", "il", "ir", "dis", "de", "anti", "counter")
ELLIPSIS = re.compile(r"\.\.\.|…|\[\s*\.*\s*\]")
# British spellings and their American forms, as endings (applied to both words compared).
_SPELLING = [(re.compile(p), r) for p, r in (
    (r"is(e|ed|es|ing|er|ers|ation|ations)$", r"iz\1"), (r"ys(e|ed|es|ing)$", r"yz\1"),
    (r"(?<=[a-z]{3})our(s|ed|ing|able|ite|ites)?$", r"or\1"), (r"(?<=[a-z]{2})tre(s)?$", r"ter\1"),
    (r"ogue(s)?$", r"og\1"), (r"ll(ed|ing|er|ers)$", r"l\1"), (r"^(defen|licen|offen|preten)c", r"\1s"),
    (r"^programme", "program"), (r"^judgement", "judgment"), (r"^ageing", "aging"), (r"^grey", "gray"),
)]


@dataclass
class Tok:
    norm: str  # the word as normalize() gives it (a number written "40,000" or "2.3" is one word)
    text: str  # its characters in the original text
    start: int  # where they are in it
    end: int
    cap: bool  # written with a capital
    name: bool  # ... where no sentence starts: a name


@dataclass
class Change:
    kind: str  # one of KINDS
    quote: str  # the quote's words ("" when the quote leaves the source's out)
    source: str  # the source's words ("" when the quote adds them)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "quote": self.quote, "source": self.source}

    def phrase(self) -> str:
        if self.quote and self.source:
            return f"'{self.quote}' where the source says '{self.source}'"
        if self.quote:
            return f"'{self.quote}', which the source does not say"
        return f"the source's '{self.source}' left out"


@dataclass
class Comparison:
    ops: list[dict] = field(default_factory=list)  # {"op", "quote", "source", "change"}
    changes: list[Change] = field(default_factory=list)

    @property
    def altered(self) -> bool:
        return bool(self.changes)

    def verdict(self) -> str:
        described = described_changes(self.changes)
        return "wording close to a real sentence, but the meaning differs: " + "; ".join(
            described[:3]) + ("; …" if len(described) > 3 else "")


# How a verdict names a kind of change, after the words it concerns; a replaced content word needs no name.
KIND_NAMES = {"negation": "negation", "antonym": "opposite", "number": "number", "date": "date", "name": "name",
              "modality": "obligation or possibility", "quantifier": "quantity", "content": None}


def _within(inner: str, outer: str) -> bool:
    """Whether the words `inner` are a run of the words `outer` (an empty side is within any)."""
    return not inner or f" {inner} " in f" {outer} "


def described_changes(changes: list[Change]) -> list[str]:
    """Each place the quote departs from the source described once: one difference is often found by
    several checks ('need not' for 'must' is a negation and a modality), and its words once, with
    what kinds of change they make, read better than the same words repeated for each."""
    groups: list[tuple[Change, list[str]]] = []
    for c in changes:
        for i, (g, kinds) in enumerate(groups):
            if _within(c.quote, g.quote) and _within(c.source, g.source):
                pass
            elif _within(g.quote, c.quote) and _within(g.source, c.source):
                groups[i] = (g := c, kinds)
            else:
                continue
            if c.kind not in kinds:
                kinds.append(c.kind)
            break
        else:
            groups.append((c, [c.kind]))
    out = []
    for g, kinds in groups:
        names = [KIND_NAMES[k] for k in kinds if KIND_NAMES.get(k)]
        out.append(g.phrase() + (f" ({', '.join(names)})" if names else ""))
    return out


def tokens(text: str) -> tuple[list[Tok], set[int]]:
    """The words of `text` with their original characters, and where an ellipsis stands (before word i)."""
    words = normalize(text).split()
    spans = word_spans(text)
    if spans is None:  # characters that normalise into several words: keep the words, lose the spans
        return [Tok(w, w, 0, 0, False, False) for w in words], set()
    out: list[Tok] = []
    gaps, prev_end = set(), 0
    for w, (s, e) in zip(words, spans):
        between = text[prev_end:s]
        if out and between in (",", ".") and w.isdigit() and out[-1].norm.replace(".", "").isdigit():
            last = out[-1]  # "40,000", "2.3": one number
            last.norm += "." if between == "." else ""
            last.norm += w
            last.end, last.text = e, text[last.start:e]
            prev_end = e
            continue
        if ELLIPSIS.search(between):
            gaps.add(len(out))
        original = text[s:e]
        cap = original[:1].isupper() and not (original.isupper() and len(original) > 3)
        starts_sentence = not out or bool(re.search(r"[.!?:;]\s*$|[\"“‘(\[]\s*$", between))
        out.append(Tok(w, original, s, e, cap, cap and not starts_sentence))
        prev_end = e
    if ELLIPSIS.search(text[prev_end:]):
        gaps.add(len(out))
    return out, gaps


# A quote is compared with every close candidate, so its words are found once; read only after.
_tokens_once = lru_cache(maxsize=256)(tokens)


def compare(quote: str, source: str) -> Comparison:
    """Every word of both sides in order, each op same, added (quote only), removed (source only)
    or changed (both), and the meaning-bearing changes among them."""
    q, gaps = _tokens_once(quote)
    s, _ = tokens(source)
    out = Comparison()

    def piece(toks: list[Tok], text: str) -> str:
        if not toks:
            return ""
        return text[toks[0].start:toks[-1].end] if toks[-1].end > toks[0].start else " ".join(t.text for t in toks)

    matcher = difflib.SequenceMatcher(None, [t.norm for t in q], [t.norm for t in s], autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        qa, sb = q[a1:a2], s[b1:b2]
        op = {"equal": "same", "delete": "added", "insert": "removed", "replace": "changed"}[tag]
        found: list[Change] = []
        if op != "same" and not (op == "removed" and (a1 in gaps)):
            found = classify(qa, sb)
        out.ops.append({"op": op, "quote": piece(qa, quote), "source": piece(sb, source),
                        "change": found[0].kind if found else None})
        out.changes += found
    return out


def _text(toks: list[Tok]) -> str:
    return " ".join(t.text for t in toks)


def classify(qa: list[Tok], sb: list[Tok]) -> list[Change]:
    """The meaning-bearing changes between the quote's words `qa` and the source's `sb` (one diff op)."""
    found: list[Change] = []
    qn, sn = [t.norm for t in qa], [t.norm for t in sb]
    if meaning_zh.involves_chinese(qn + sn):  # character by character (see app.search.meaning_zh)
        return meaning_zh.classify(qn, sn, _text(qa), _text(sb), Change)
    if "".join(qn) == "".join(sn) or _spelling("".join(qn)) == _spelling("".join(sn)):
        return []  # hyphenation, words run together ("co-operation", "per cent")

    def check(kind: str, pick, key) -> None:
        qm, sm = [t for t in qa if pick(t)], [t for t in sb if pick(t)]
        if sorted(map(key, qm)) != sorted(map(key, sm)):
            if (not qm or not sm) and len(qa) <= 4 and len(sb) <= 4:
                qm, sm = qa, sb  # "did not engage" where the source says "engaged": the words around it too
            found.append(Change(kind, _text(qm), _text(sm)))

    check("negation", lambda t: t.norm in NEGATORS, lambda t: 0)
    check("modality", lambda t: t.norm in MODALS and not _month(t), lambda t: MODALS[t.norm])
    check("quantifier", lambda t: t.norm in QUANTIFIERS, lambda t: QUANTIFIERS[t.norm])
    qnum, snum = [t for t in qa if _numeric(t)], [t for t in sb if _numeric(t)]
    if [_value(t) for t in qnum] != [_value(t) for t in snum]:
        dated = any(_dated(t) for t in qnum + snum)
        found.append(Change("date" if dated else "number", _text(qnum), _text(snum)))
    return found + _content_changes([t for t in qa if _content(t)], [t for t in sb if _content(t)], qa, sb)


def _content_changes(qc: list[Tok], sc: list[Tok], qa: list[Tok], sb: list[Tok]) -> list[Change]:
    lex = lexicon()
    found: list[Change] = []
    # Opposites first: "developing" and "developed" share a base form but mean the opposite.
    for x in list(qc):
        for y in sc:
            kind = "negation" if _negated_pair(x.norm, y.norm) else "antonym" if lex.opposites(x.norm, y.norm) else None
            if kind:
                found.append(Change(kind, x.text, y.text))
                qc.remove(x)
                sc.remove(y)
                break
    for x in list(qc):  # the same word in another spelling or form, a typo or a known synonym
        for y in sc:
            if _variant(x.norm, y.norm):
                qc.remove(x)
                sc.remove(y)
                break
    if not qc and not sc:
        return found
    q_pron = any(t.norm in PRONOUNS for t in qa)
    s_pron = any(t.norm in PRONOUNS for t in sb)
    if (not sc and s_pron and all(t.cap for t in qc)) or (not qc and q_pron and all(t.cap for t in sc)):
        return found  # "He" where the quote names him ("Xi"), or the other way round
    if not qc or not sc:  # a phrase dropped or added: one change
        rest = qc or sc
        kind = "name" if all(_name(t) for t in rest) else "content"
        return found + [Change(kind, _text(qa), _text(sb))]
    while qc and sc:
        x, y = qc.pop(0), sc.pop(0)
        found.append(Change("name" if (_name(x) or _name(y)) else "content", x.text, y.text))
    for x in qc:
        found.append(Change("name" if _name(x) else "content", x.text, ""))
    for y in sc:
        found.append(Change("name" if _name(y) else "content", "", y.text))
    return found


def _name(t: Tok) -> bool:
    """Capitalised where no sentence starts, or capitalised and no word WordNet knows ("Ruiz said")."""
    return t.name or (t.cap and not lexicon().known(t.norm))


def _content(t: Tok) -> bool:
    """A word that carries content of its own: no function word, negator, modal, quantifier or number."""
    w = t.norm
    return not (w in STOPWORDS or w in NEGATORS or w in MODALS or w in QUANTIFIERS or _numeric(t))


def _month(t: Tok) -> bool:
    """"May" the month, not "may" the modal: capitalised where no sentence starts."""
    return t.norm == "may" and t.name


def _numeric(t: Tok) -> bool:
    return (any(c.isdigit() for c in t.norm) or t.norm in NUMBER_WORDS or t.norm in ORDINALS
            or t.norm in WEEKDAYS or (t.norm in MONTHS and (t.norm != "may" or t.name)))


def _value(t: Tok) -> str:
    w = t.norm
    w = NUMBER_WORDS.get(w) or ORDINALS.get(w) or w
    return re.sub(r"(?<=\d)(st|nd|rd|th)$", "", w)


def _dated(t: Tok) -> bool:
    w = t.norm
    return (w in MONTHS and (w != "may" or t.name)) or w in WEEKDAYS or bool(re.fullmatch(r"1[5-9]\d\d|2[01]\d\d", w))


@lru_cache(maxsize=65536)  # every candidate of a quote asks about the same words
def _spelling(w: str) -> str:
    for pattern, repl in _SPELLING:
        w = pattern.sub(repl, w)
    return w


def _negated_pair(a: str, b: str) -> bool:
    """One word is the other with a negating prefix ("unnecessary", "non-binding" run together)."""
    short, long = sorted((a, b), key=len)
    if len(short) < 3 or not long.endswith(short):
        return False
    prefix = long[: -len(short)]
    return prefix in NEGATING_PREFIXES and (prefix in ("un", "non") or lexicon().known(long))


def _variant(a: str, b: str) -> bool:
    """Not meaning-bearing: a spelling variant, a typo, another form of the word or a known synonym."""
    if _spelling(a) == _spelling(b) or word_stem(a) == word_stem(b):
        return True
    n = min(len(a), len(b))
    distance = OSA.distance(a, b)
    if n >= 4 and distance <= 1 or n >= 8 and distance <= 2:
        return True
    lex = lexicon()
    return lex.related_forms(a, b) or lex.synonyms(a, b)


def source_window(ctx: Context, cand: Cand) -> str:
    """The source's wording a candidate was compared with: its matched words, or all of it."""
    docnums = cand.span or [cand.docnum]
    text = " ".join(ctx.stored(d).get("text", "") for d in docnums)
    if cand.window is None:
        return text
    spans = word_spans(text)
    if not spans:
        return text
    a, b = cand.window
    a, b = max(0, min(a, len(spans) - 1)), max(1, min(b, len(spans)))
    return text[spans[a][0]:spans[b - 1][1]]


# Institutional boilerplate recurs word for word in many documents ("Members listened carefully
# and held discussions"), so one quote meets the same source wording many times; compare it once.
# Comparisons are only read after they are made.
_compare_once = lru_cache(maxsize=2048)(compare)


def judge(ctx: Context, cand: Cand, quote: str) -> Cand:
    """A close, non-verbatim match stays ``near`` only when every difference is form only; one
    meaning-bearing difference makes it ``altered``. The comparison is kept for its diff."""
    if cand.grade == "near":
        cand.comparison = _compare_once(quote, source_window(ctx, cand))
        if cand.comparison.altered:
            cand.grade = "altered"
    return cand
