"""Directives: official sentences in which the speaker or issuing body calls for action.

A sentence is a directive when it holds one of these cues (the earliest one names it):
- an urging verb: called for/on/upon, urged, demanded, instructed/asked/encouraged/ordered/
  requires ... to, directed the X/all X ... to, "required/directed that", advocated,
  appealed to, mandated, "are required/obliged/encouraged to", "is prohibited", prohibits;
- an emphasis verb (stressed, emphasized, highlighted, underlined, underscored, reiterated)
  followed by "the need/necessity/urgency to|of" or by a gerund of action ("emphasized
  improving"), or by "the importance of" + gerund;
- a modal of obligation or need anywhere, including inside "X emphasized that ...": must,
  shall (not), should, ought to, need(s) to, have/has to, "it is necessary/imperative/
  essential/vital/crucial/important/urgent to|that".
Not directives: description and observation ("noted that China possesses", "pointed out
that AI is reshaping", "emphasized that X is extremely important": an evaluative predicate
without a modal or an action is an observation), statements of intent ("will"), ability
("can"), procedure ("presided over", "delivered a speech", "listened": no cue, so no
directive; a procedure sentence that also holds a cue is one), and predictions: "should"
followed by an effect verb (help, contribute, enable, ...) after a non-agent subject
("Such efforts should help ..."). "shall mean/apply/enter into force/be deemed" are
definitions and commencement, not directions. "Should X happen, ..." is a condition.
An enumerated item after a directive that ends with ":" inherits it ("Member States shall:").

Speaker: the name before a speech verb, through an appositive and an auxiliary ("Xi Jinping,
General Secretary ..., has stressed", "the Commission urged"), or after a quotation ('"...,"
said Minister X Y'), or a collective subject opening a sentence with a verb of requiring or
asking ("The agency also requires suppliers to ..."); titles and portfolios dropped ("Minister of Labour Ingrid Solberg" ->
"Ingrid Solberg"). A surname resolves to the fullest form of that name anywhere in the document
("Xi" -> "Xi Jinping"); a collective subject ("The council", "The Board") to the full name of
the body with that head noun in the document ("State Council of the Republic of Norvale"), or,
when the text never spells it out, to the issuing body with that head noun ("City Council of X").
An office title with the person in apposition ("The Chief Technology Officer, Amara Okonkwo-Reyes,
has instructed") names the person.
He/She/They/We and agentless or addressee-subject sentences ("It is necessary", "China
should", "Providers shall") take the last named speaker, else `default_speaker` (the issuing
body, for laws and regulations).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.enrich import directives_zh


@dataclass(frozen=True)
class Directive:
    """What marks a sentence as a directive, and who gives it."""

    verb: str
    speaker: str | None


_EMPH = r"(?:stress(?:ed|es)?|emphasi[sz](?:ed|es|e)|highlight(?:ed|s)?|underlin(?:ed|es)|underscor(?:ed|es)|reiterat(?:ed|es))"
# Only finite forms before a gerund: "stress testing" is a noun, "stressed improving" urges.
_EMPH_FINITE = r"(?:stress(?:ed|es)|emphasi[sz](?:ed|es)|highlighted|underlined|underscored|reiterated)"
# -ing words that are adjectives after "highlighted" ("growing risks"), not actions urged.
_NOT_GERUNDS = ("during|nothing|something|everything|anything|growing|emerging|existing|increasing|"
                "rising|mounting|ongoing|leading|pressing|remaining|evolving|underlying|prevailing|"
                "outstanding|interesting|concerning|worrying|encouraging|promising|striking|"
                "challenging|changing|booming")
# Adverbs between a subject or modal and its verb ("Xi also emphasized", "should also help").
_ADV = r"(?:\s+(?:also|further|again|then|today|jointly|(?!(?:apply|supply|rely|reply|comply)\b)\w{3,}ly))*"
_TO = r"(?:\s+[\w'’-]+){1,4}?\s+to\b"  # an object of one to four words, then "to"
_CUES = [re.compile(p, re.I) for p in (
    r"\bcall(?:ed|s|ing)?\s+(?:for|on|upon)\b",
    r"\burg(?:ed|es|e|ing)\b",
    r"\bdemand(?:ed|s)?\s+that\b",
    r"\bdemanded\b",
    # Active forms need an object before "to"; "required"/"directed" + object are usually
    # narrative ("required large resources to train", "directed funds to"), so only
    # present-tense "requires" and an institution or "all/relevant ..." object for "directed".
    r"\b(?:instruct(?:ed|s)|ask(?:ed|s)|encourag(?:ed|es|e)|requires?|order(?:ed|s)|mandat(?:ed|es)|oblig(?:ed|es))" + _TO,
    r"\bdirect(?:ed|s)\s+(?:(?:the\s+)?(?-i:[A-Z])\w*|all\b|relevant\b|competent\b)" + _TO.replace("{1,4}", "{0,4}"),
    r"\b(?:is|are|be|been)\s+(?:instructed|directed|asked|encouraged|required|ordered|mandated|obliged|obligated)\s+to\b",
    r"\b(?:instructed|ordered|mandated|required|directed)\s+that\b",
    r"\badvocat(?:ed|es|e)\b",
    r"\bappeal(?:ed|s)?\s+to\b",
    r"\b(?:is|are|be|been)\s+(?:prohibited|forbidden|banned|not\s+permitted)\b",
    r"\bprohibits?\b",
    _EMPH + r"\s+the\s+(?:need|necessity|urgency)\s+(?:to|of|for)\b",
    _EMPH + r"\s+the\s+importance\s+of\s+\w+ing\b",
    _EMPH_FINITE + rf"\s+(?!(?:{_NOT_GERUNDS})\b)\w{{3,}}ing\b",
    r"\bmust\b(?!\s+(?:not\s+)?have\s+been\b)",
    r"\bshall(?:\s+not)?\b(?!\s+(?:mean|apply|enter\s+into\s+force|be\s+deemed|be\s+understood|be\s+construed|be\s+without\s+prejudice|be\s+binding)\b)",
    r"\bshould\b",
    r"\bought\s+to\b",
    r"\b(?:needs?|has|have)\s+to\b",
    r"\bit\s+is\s+(?:\w+\s+)?(?:necessary|imperative|essential|vital|crucial|important|urgent|indispensable)\s+(?:to(?!\s+(?:note|recall|remember|mention)\b)|that)\b",
)]
# Nouns before "calls for" etc. make it a noun ("there have been calls for"), not an urging.
_NOMINAL_BEFORE = {"the", "a", "these", "those", "its", "their", "seen", "been", "growing",
                   "renewed", "many", "repeated", "amid", "despite", "following", "such"}
# "should" + one of these after a non-agent subject predicts an effect ("Such efforts should help").
_EFFECT = {"help", "contribute", "enable", "allow", "lead", "result", "bring", "boost",
           "facilitate", "spur", "generate", "yield", "produce", "benefit", "make", "pave"}
_NON_AGENT_FIRST = {"such", "this", "these", "those", "that", "it", "which", "doing"}
_NON_AGENT_HEAD = {"effort", "efforts", "measure", "measures", "step", "steps", "move", "moves",
                   "initiative", "initiatives", "action", "actions", "reform", "reforms",
                   "investment", "investments", "approach", "plan", "change", "changes", "work"}

_SPEECH = (r"(?:said|says|stated|states|stress(?:ed|es)|emphasi[sz]e[sd]|highlight(?:ed|s)|noted|notes|"
           r"pointed\s+out|points\s+out|call(?:ed|s)|urg(?:ed|es)|acknowledged|added|remarked|"
           r"announced|declared|outlined|warned|underlined|underscored|reiterated|demanded|"
           r"instructed|directed|ordered|proposed|recommended|asked|observed|affirmed|reaffirmed|"
           r"explained|told|presided|chaired|delivered|addressed|spoke|wrote|concluded|insisted|"
           r"advocated|encouraged|requested|required|reported|argued|argues|pledged|promised|vowed|decided|"
           r"approved|adopted|issued)")
_NAME = r"(?:\b(?:[Tt]he\s+)?[A-Z][\w'’.-]*(?:\s+(?:(?:of|for|and|on)\s+(?:the\s+)?)?[A-Z][\w'’.-]*){0,7})"
# Collective bodies a sentence may name by their head noun alone ("The council urged").
_BODIES = ("council|commission|committee|board|cabinet|ministry|department|office|government|agency|"
           "authority|institute|assembly|parliament|bureau|secretariat|presidency|administration|"
           "court|senate|congress|regulator")
_BODY_NOUNS = frozenset(_BODIES.split("|"))
_BODY = rf"\b[Tt]he\s+(?:[A-Z][\w'’-]*\s+)*(?i:{_BODIES})\b"
_AUX = r"(?:\s+(?:has|have|had))?"  # "has stressed", "have called for"
# An appositive after the subject: one to three comma-separated pieces ("X, Minister of A, B and C, said").
_APPOSITIVE = r"(?:,\s[^,]{1,120}){1,3},"
_SPEAKER_RE = re.compile(
    rf"(?P<name>{_BODY}|{_NAME}|\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e)\b)(?:\s*\([A-Z][\w.]*\))?(?P<appos>{_APPOSITIVE})?"
    rf"{_AUX}{_ADV}\s+{_SPEECH}\b"
)
# A collective subject that itself directs ("The agency also requires suppliers to ...", "The
# ministry expects ..."): the body speaks, even though the verb is not a speech verb. Only
# verbs of requiring or asking: after "The Board will write ..." the reporter still speaks.
_DIRECTING = (r"(?:requires?|required|expects?|expected|obliges?|obliged|mandates?|mandated|"
              r"prohibits?|prohibited|bans?|banned|forbids?|forbade|asks?|asked|invites?|invited|"
              r"instructs?|instructed|orders?|ordered|recommends?|recommended|advises?|advised|"
              r"wants?|wanted|insists?|insisted|requests?|requested|tells?|told)")
_BODY_DIRECTS_RE = re.compile(
    rf"^\s*(?:[A-Z][\w'’ -]{{0,40}},\s+)?(?P<name>{_BODY})(?:\s*\([A-Z][\w.]*\))?(?:{_APPOSITIVE})?"
    rf"{_AUX}{_ADV}(?:\s+will{_ADV})?\s+{_DIRECTING}\b"
)
# Inverted attribution after a quotation: '"...," said Minister X Y.'
_SAID_NAME_RE = re.compile(rf"[,”\"]\s*(?:said|says|added|stressed|noted)\s+(?P<name>{_NAME})")
# A name spelled out anywhere in the text: the candidates short forms resolve to. A list of
# capitalised words ending in "and" continues it ("Department for Science, Innovation and Technology").
_MENTION_RE = re.compile(_NAME + r"(?:(?:,\s+[A-Z][\w'’.-]*)+,?\s+and\s+[A-Z][\w'’.-]*)?")
_PRONOUNS = {"he", "she", "they", "we"}
# Capitalised words that open a sentence without being a name ("Moreover, Xi urged").
_NOT_NAMES = {"moreover", "finally", "however", "following", "at", "in", "on", "meanwhile",
              "furthermore", "additionally", "also", "then", "this", "these", "such", "that",
              "those", "there", "as", "after", "before", "under", "according", "while", "when",
              "since", "for", "to", "by", "with", "it", "article", "where", "if"}
_PREPOSITIONS = {"from", "of", "at", "in", "by", "with", "to", "for", "on", "and", "about"}
_TITLES = {"president", "premier", "chairman", "chair", "professor", "prof", "prof.", "dr", "dr.",
           "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "sir", "dame", "commissioner", "minister",
           "secretary", "senator", "governor", "chancellor", "vice-president", "director", "director-general", "ambassador",
           # the head nouns of office titles ("Chief Technology Officer", "Government Spokesperson")
           "officer", "spokesperson", "spokesman", "spokeswoman", "chairwoman", "chairperson", "mayor",
           "envoy", "representative", "coordinator", "ombudsman", "registrar", "rapporteur"}
# A personal name as an appositive: one to four capitalised words ("Amara Okonkwo-Reyes").
_PERSON_RE = re.compile(r"^\s*(?:(?:Mr|Ms|Mrs|Dr|Prof)\.?\s+)?[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|(?:von|van|de|da|bin|al)))"
                        r"{0,3}\s*$")
_ITEM_RE = re.compile(r"^\s*(?:\(\d{1,3}\)|\([a-zA-Z]{1,4}\)|\d{1,3}[.)]\s|[a-zA-Z]\)|[-*•·]\s)")


def _is_prediction(text: str, start: int, end: int) -> bool:
    """'should' + effect verb after a non-agent subject describes an expected effect."""
    after = re.match(_ADV + r"\s+(\w+)", text[end:], re.I)
    if not after or after.group(1).lower() not in _EFFECT:
        return False
    clause = re.split(r"[;:,—–]|\bthat\b|\bwhich\b", text[:start])[-1].split()
    if not clause:
        return True  # "..., which should help": the subject is the preceding clause
    return clause[0].lower() in _NON_AGENT_FIRST or clause[-1].lower() in _NON_AGENT_HEAD


def _cue(text: str) -> str | None:
    """The earliest directive cue in a sentence, as written (lower-cased), or None."""
    best: tuple[int, str] | None = None
    for pattern in _CUES:
        for m in pattern.finditer(text):
            before = text[:m.start()].split()
            if pattern is _CUES[0] and before and before[-1].lower() in _NOMINAL_BEFORE:
                continue  # "there have been calls for": a noun
            if m.group().lower() == "should" and (
                _is_prediction(text, m.start(), m.end()) or (not before and m.group() == "Should")
            ):
                continue  # a prediction, or "Should the provider fail ...", a condition
            if best is None or m.start() < best[0]:
                best = (m.start(), " ".join(m.group().lower().split()))
            break
    return best[1] if best else None


_PARTICLES = {"von", "van", "der", "den", "de", "da", "del", "la", "le", "bin", "al", "di"}
_CONNECTORS = {"of", "for", "and", "on", "the"}


def _clean_name(name: str) -> str:
    """A name without its titles: "President Xi Jinping" -> "Xi Jinping", "Minister of Industry
    and Trade Leila Haddad" -> "Leila Haddad", "The State Council" -> "State Council"."""
    parts = name.rstrip(".").split()  # a name that ends the sentence ('..., said X Y.')
    if parts and parts[0].lower() == "the":
        parts = parts[1:]
    if not parts:
        return name
    if parts[0].lower() in _TITLES and any(p in _CONNECTORS for p in parts[1:]):
        # a title with its portfolio: the person is the last two words (and any particles)
        keep = 2
        while keep < len(parts) and parts[-keep - 1].lower() in _PARTICLES:
            keep += 1
        if len(parts) - keep > 0 and parts[-keep].lower() in _PARTICLES:
            keep += 1
        rest = parts[-keep:]
        return " ".join(rest) if rest[0][:1].isupper() and len(parts) > keep else " ".join(parts)
    cut = 0
    for i, p in enumerate(parts):
        if p.lower() in _TITLES:
            cut = i + 1
    rest = parts[cut:]
    return " ".join(rest) if rest and rest[0][:1].isupper() else " ".join(parts)


def _key(name: str) -> set[str]:
    """Comparable words of a name, ignoring case and a leading article."""
    return {w for w in name.casefold().split() if w != "the"}


def _head(name: str) -> str:
    """A name's head noun, before any "of" ("State Council of X" -> "council")."""
    words = re.split(r"\s+(?:of|for|on)\s+", name, maxsplit=1)[0].split()
    return words[-1].casefold() if words else ""


def _is_body(name: str) -> bool:
    """A collective subject: its head noun is a body ("State Council of X")."""
    return _head(name) in _BODY_NOUNS


def _person_in_apposition(name: str, appos: str | None) -> str | None:
    """The person an office title introduces: "The Chief Technology Officer, Amara Okonkwo-Reyes,
    has instructed" is Amara Okonkwo-Reyes's instruction, not the title's."""
    if not appos or _head(name) not in _TITLES:  # "Chief Technology Officer", "Chair of the Committee"
        return None
    first = appos.strip(",").split(",")[0]
    return first.strip() if _PERSON_RE.match(first) and not _is_body(first) else None


class _Speakers:
    """Who speaks, as the document is read: names resolved to their fullest form anywhere in
    the document ("Xi" -> "Xi Jinping", "The council" -> "State Council of the Republic of X")."""

    def __init__(self, default: str | None, texts: Sequence[str]):
        self.last: str | None = None
        self.default = default
        # The issuing body names "the council" when the text never spells it out.
        self.fallback = [default] if default and _is_body(default) else []
        self.candidates: list[str] = []  # every capitalised name in the document, cleaned
        for text in texts:
            for m in _MENTION_RE.finditer(text):
                for part in re.split(r"\s+and\s+the\s+", m.group()):
                    name = _clean_name(part)
                    if name.split()[0].lower() not in _NOT_NAMES and name not in self.candidates:
                        self.candidates.append(name)

    def full(self, name: str) -> str:
        """The fullest form in the document of a person's or body's name."""
        name = _clean_name(name)
        key = _key(name)
        if _is_body(name):
            head = name.split()[-1].casefold() if " of " not in name else None

            def same_body(c: str) -> bool:
                return key <= _key(c) and (head is None or _head(c) == head)

            fits = ([c for c in self.candidates if _is_body(c) and same_body(c)]
                    or [c for c in self.fallback if same_body(c)])
        else:
            fits = [c for c in self.candidates if key <= _key(c) and len(c.split()) <= 4
                    and "," not in c and not _is_body(c) and not (set(c.lower().split()) & _CONNECTORS)]
        best = max(fits, key=len, default=name)
        return best[:1].upper() + best[1:]

    def mention(self, name: str) -> None:
        """Record a named speaker."""
        self.last = self.full(name)

    def find(self, text: str) -> None:
        """Note the first name (or pronoun) before a speech verb in a sentence."""
        for m in _SPEAKER_RE.finditer(text):
            name = m.group("name")
            first = name.split()[0].lower()
            prev = text[:m.start()].split()
            if first in _PRONOUNS:
                return  # He/She/They/We: the current speaker continues
            if first in _NOT_NAMES or (prev and prev[-1].lower() in _PREPOSITIONS):
                continue  # a sentence opener, or the object of a preposition ("from X University")
            self.mention(_person_in_apposition(name, m.group("appos")) or name)
            return
        m = _SAID_NAME_RE.search(text)
        if m and m.group("name").split()[0].lower() not in _NOT_NAMES:
            self.mention(m.group("name"))
            return
        m = _BODY_DIRECTS_RE.match(text)
        if m:
            self.mention(m.group("name"))

    def current(self) -> str | None:
        """Who speaks now: the last named speaker, else the document's issuing body."""
        return self.last or self.default


def detect(units: Sequence, kind: str = "official", default_speaker: str | None = None) -> dict[int, Directive]:
    """Map the index of each directive unit (objects with .text, reading order) to its Directive."""
    if kind != "official":
        return {}
    if directives_zh.applies(units):  # Chinese official text has cues of its own
        return {i: Directive(*d) for i, d in directives_zh.detect(units, kind, default_speaker).items()}
    speakers = _Speakers(default_speaker, [u.text for u in units])
    out: dict[int, Directive] = {}
    lead: Directive | None = None  # a directive ending with ":" whose items inherit it
    for i, unit in enumerate(units):
        text = unit.text
        speakers.find(text)
        if lead and _ITEM_RE.match(text):
            out[i] = lead
            continue
        cue = _cue(text)
        lead = None
        if cue:
            out[i] = Directive(cue, speakers.current())
            if text.rstrip().endswith(":"):
                lead = out[i]
    return out
