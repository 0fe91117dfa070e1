"""General English cue vocabularies used by `app.enrich.links` to label commentary claims.

Nothing here is taken from a particular document. The lists are short, hand-picked subsets
of standard descriptive vocabularies of English:

* REPORTING VERBS: the verbs and phrases writers use to attribute content to a source, after
  the reporting-verb taxonomies of Thompson & Ye (1991, "Evaluation in the reporting verbs
  used in academic papers") and Hyland (2002, "Activity and evaluation: reporting practices
  in academic writing"), plus the attribution formulas of news style guides ("according to",
  "the statement says", "under the law"). Past-tense forms are what a commentary uses to
  report an official text; present-tense forms ("requires", "states") are how commentaries
  report laws and guidance.
* HEDGES, EVIDENTIALS, BOOSTERS and ATTITUDE MARKERS: after Hyland (2005, "Metadiscourse",
  appendix of hedges, boosters and attitude markers) and Biber et al. (1999, "Longman
  Grammar", stance adverbials): words with which writers signal inference, forecast or
  judgement ("suggests", "likely", "the first time", "this means"), and the appraisal
  vocabulary of argument (Martin & White 2005, "The Language of Evaluation": "a loophole",
  "the right call", "falls short"), with the hearsay of news style ("critics say").
* TIME-FRAME and BIOGRAPHY markers: the vocabulary of narrative background in news writing
  (time adverbials of the past, career and institution-founding verbs); see Bell (1991,
  "The Language of News Media") on background and history in news discourse.
* ANAPHORA: sentence openings that continue the previous sentence. Demonstratives ("This
  suggests") refer back to its proposition; possessives and pronouns ("Her emphasis",
  "He") refer back to a person.
* ABBREVIATIONS: the usual short forms of multi-word names common in policy texts ("AI",
  "EU"), so that "artificial intelligence" and "AI" count as the same word.
* STOPWORDS: a general English function-word list (articles, pronouns, auxiliaries,
  prepositions, conjunctions, quantifiers), as in common IR stopword lists.

The lists are deliberately short and general. Extend them with more general vocabulary,
never with phrases taken from one document.

Each cue list is compiled to one case-insensitive regular expression.
"""

from __future__ import annotations

import re


def _alternation(phrases: list[str]) -> str:
    """A regex matching any of the phrases, as a character trie (fast to reject).

    Longer continuations are tried before a phrase ends ("called for" before "called"); a
    space in a phrase matches any run of white space.
    """
    trie: dict = {}
    for phrase in {" ".join(p.lower().split()) for p in phrases if p.strip()}:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [
            (r"\s+" if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie)


# --- Attribution: the sentence reports what a source says ---------------------------------

# Past and present forms of reporting verbs (Thompson & Ye 1991; Hyland 2002).
REPORTING_VERBS = [
    # past
    "said", "stated", "stressed", "emphasized", "emphasised", "underlined", "urged", "noted",
    "outlined", "highlighted", "called for", "called on", "pointed out", "argued", "announced",
    "declared", "added", "acknowledged", "admitted", "warned", "insisted", "pledged", "vowed",
    "promised", "reiterated", "affirmed", "asserted", "claimed", "explained", "observed",
    "remarked", "mentioned", "told", "cited", "described", "proposed", "recommended",
    "reported", "wrote", "maintained", "confirmed", "expressed", "demanded", "instructed",
    "ordered", "presented", "set out", "laid out", "listed", "identified", "singled out",
    "put forward", "recognized", "recognised", "summarized", "summarised", "concluded",
    "agreed", "decided", "ruled", "required", "stipulated", "mandated", "specified",
    "directed", "advocated", "encouraged", "endorsed", "welcomed", "praised", "criticized",
    "criticised", "condemned", "rejected", "denied", "referred to", "spoke of", "talked about",
    "went on to", "made clear", "made it clear", "heard", "was told", "were told",
    # present (laws, guidance, standing documents)
    "says", "states", "stresses", "emphasizes", "emphasises", "urges", "notes", "outlines",
    "requires", "stipulates", "mandates", "specifies", "provides that", "prohibits", "bans",
    "forbids", "obliges", "directs", "sets out", "lays down", "lists", "declares",
]

# Source formulas of news and policy writing.
ATTRIBUTION_PHRASES = [
    "according to", "as stated in", "as set out in", "in the words of", "in his words",
    "in her words", "in their words", "the statement says", "the statement said",
    "the readout", "the document", "the guidance says", "the law says", "the text says",
    "the report says", "under the guidance", "under the law", "under the rules",
    "under the new rules", "under the new guidance", "under the regulation",
    "under the directive", "under the act", "under the plan", "under the strategy",
    "per the statement",
]

# A noun use of a reporting verb ("seen calls for", "amid demands") is not an attribution.
_NOUN_USE = r"(?<!seen\s)(?<!amid\s)(?<!the\s)(?<!growing\s)(?<!been\s)(?<!repeated\s)(?<!many\s)"
ATTRIBUTION_RE = re.compile(
    r"\b(?:" + _alternation(ATTRIBUTION_PHRASES) + r")\b"
    r"|" + _NOUN_USE
    + r"\b(?:" + _alternation(REPORTING_VERBS + ["calls for", "calls on"]) + r")\b",
    re.IGNORECASE,
)

# The frame that names a sentence's source, at its end (", the framework says.", ", officials
# said.", ", according to the ministry.") or its start ("According to the statement,"): its
# words say who says it, not what is said, so they are no evidence for a further source.
_FRAME_VERB = r"(?:" + _alternation(REPORTING_VERBS) + r")"
SOURCE_FRAME_RE = re.compile(
    r",\s*((?:according\s+to\s+[^,;]{1,60})|(?:[^\W\d_][\w'’-]*(?:\s+[\w'’-]+){0,4}\s+"
    + _FRAME_VERB + r"))\s*[.!?]?[\"”’']*\s*$"
    r"|^\s*(according\s+to\s+[^,;]{1,60}),",
    re.IGNORECASE,
)


def source_frame(text: str) -> str:
    """The words of the sentence's source frame (empty when it has none)."""
    m = SOURCE_FRAME_RE.search(text)
    return (m.group(1) or m.group(2) or "") if m else ""


# --- Interpretation: inference, forecast, judgement ----------------------------------------

# Evidential and inferential verbs/phrases and hedges that mark the writer's own inference or
# forecast (Hyland 2005 hedges; Biber et al. 1999 epistemic stance adverbials). Any of these
# makes a sentence `interprets`, even when it also names a source ("Xi's remarks suggest").
STRONG_INTERPRETIVE = [
    "suggests", "suggesting", "suggest that", "signals", "signalling", "signaling",
    "indicates", "indicating", "implies", "implying", "this means", "that means",
    "which means", "this shows", "this reflects", "reflects a", "points to", "hints at",
    "likely", "unlikely", "probably", "presumably", "perhaps", "possibly", "arguably",
    "apparently", "appears to", "appear to", "seems to", "seem to", "it seems",
    "the first time", "in other words", "remains to be seen", "it is unclear",
    "is expected to", "are expected to", "is set to", "are set to", "is poised to",
    "a sign of", "a sign that", "a signal that", "a turning point",
    "a milestone", "a clear message", "the message is",
    "we can expect", "one can expect", "it is worth noting", "noteworthy", "tellingly",
    "raises questions", "raises the question", "underscores",
    "demonstrates", "reveals", "illustrates", "confirms that",
    # evaluation in argument and analysis (Hyland 2005 attitude markers; Martin & White 2005
    # appraisal: judgement of worth, weakness and correctness)
    "the right call", "the right decision", "the right approach", "a mistake", "a loophole",
    "the weak point", "weak spot", "falls short", "fall short", "matters most", "matters more",
    "a serious attempt", "a step forward", "a step back", "a real gap", "a welcome",
    "is welcome", "is wrong", "are wrong", "is right to", "are right to", "too little",
    "do little", "does little", "will not be enough", "is not enough", "are not enough",
    "critics say", "critics argue", "supporters say", "observers say", "analysts say",
    "experts say",
]
STRONG_INTERPRETIVE_RE = re.compile(r"\b(?:" + _alternation(STRONG_INTERPRETIVE) + r")\b", re.I)

# Modal hedges and attitude markers: weaker evidence, they also occur inside reported
# content ("AI could serve as a public good"), so they decide only when the sentence has
# no good official counterpart. Deontic "may not" (a prohibition) is excluded.
WEAK_INTERPRETIVE = [
    "may", "might", "could", "would", "should we", "can be seen", "seems", "appears",
    "notable", "notably", "remarkable", "striking", "surprising",
    "surprisingly", "interestingly", "importantly", "unfortunately", "fortunately",
    "ambitious", "modest", "vague", "bold", "controversial", "for the first time",
    "key question", "not enough", "clearly", "obviously", "undoubtedly", "certainly",
    "of course", "indeed", "in effect", "in practice", "crucially", "significantly",
    # evaluative adjectives of appraisal (Martin & White 2005): the writer's verdict on a measure
    "sensible", "timid", "overdue", "flawed", "disappointing", "troubling", "misguided",
    "half-hearted", "a good start", "a sensible start",
]
# Evaluative superlatives and excess judgements ("the most important change", "too slow").
_EVALUATIVE = (
    r"\bthe\s+(?:most|least)\s+(?:important|significant|notable|striking|consequential|"
    r"ambitious|controversial|radical|far-reaching|sweeping|interesting|surprising|telling)\b"
    r"|\btoo\s+(?:long|short|slow|fast|little|late|early|much|vague|broad|narrow|weak|strict|"
    r"lax|costly|timid)\b"
)
WEAK_INTERPRETIVE_RE = re.compile(
    r"\b(?:" + _alternation(WEAK_INTERPRETIVE) + r")\b(?!\s+not\b)|" + _EVALUATIVE,
    re.IGNORECASE,
)

# The writer's own prescription: deontic "should" / "ought to" in a commentary sentence that
# attributes nothing ("Parliament should close the loophole") is the writer's judgement;
# with an attribution ("She said firms should ...") it reports.
PRESCRIPTIVE_RE = re.compile(r"\b(?:should|ought\s+to)\b", re.IGNORECASE)

# The writer's own counterfactual: a modal with the perfect ("should have required", "ought to
# have", "would have been", "could have banned") says what the text did not do, so it is the
# writer's claim, never a report of the text, even where its verb is a reporting verb
# (Biber et al. 1999 on modals of past obligation and hypothesis). An attribution elsewhere in
# the sentence ("critics said") still counts.
_PERFECT_MODAL = (r"\b(?:should|ought\s+to|would|could|might)(?:n't|\s+not)?"
                  r"(?:\s+(?:also|still|instead|rather|surely|easily|\w+ly))*\s+have"
                  r"(?:\s+(?:also|instead|\w+ly))*\s+(?:been\s+)?")
_PARTICIPLE = r"(?=(?:had|\w+(?:ed|en|wn|ne|pt|lt|nt|ght|ade|ut|et|un|on|id|ld))\b)"
COUNTERFACTUAL_RE = re.compile(_PERFECT_MODAL + _PARTICIPLE, re.IGNORECASE)
# "should be" + participle: "Firms should be required to ...", a recommendation, and its
# "required" no attribution.
_DEONTIC_BE = r"\b(?:should|ought\s+to)(?:\s+not)?(?:\s+(?:also|still|\w+ly))*\s+be\s+"
_MODAL_BEFORE_RE = re.compile(r"(?:" + _PERFECT_MODAL + "|" + _DEONTIC_BE + r")$", re.IGNORECASE)


def attributes(text: str) -> bool:
    """True when the sentence attributes content to a source: an attribution cue that is not
    the verb of the writer's own counterfactual or recommendation ("should have required")."""
    return any(not _MODAL_BEFORE_RE.search(text[max(0, m.start() - 80):m.start()])
               for m in ATTRIBUTION_RE.finditer(text))


# A sentence opening with an anaphor continues the previous one ("This suggests...",
# "That will probably...", "Such a move...", "Her emphasis on...").
ANAPHOR_RE = re.compile(
    r"^\s*(?:(?:without|with|given|despite|because\s+of)\s+(?:this|that|these|those|such)\b|"
    r"this|that|these|those|such|it|its|his|her|their|the move|the decision|"
    r"the step|the shift|the change|the emphasis|the focus)\b(?!\s+(?:is|are)\s+(?:why|how)\b)",
    re.IGNORECASE,
)
# Demonstratives that point back to the previous proposition (not possessives, which point
# to a person or body): "This suggests", "That will probably", "Such a move", "The move".
# A hearsay frame before it does not change what it points to: "Critics say these duties ...".
_HEARSAY = (r"(?:critics|supporters|opponents|observers|analysts|experts|officials|some|many|others)"
            r"\s+(?:say|argue|warn|fear|claim|believe|worry|complain)(?:\s+that)?\s+"
            r"(?:this|these|those|such)\b")
DEMONSTRATIVE_RE = re.compile(
    r"^\s*(?:" + _HEARSAY + r"|(?:this|that|these|those|such|the move|the decision|the step|"
    r"the shift|the change)\b(?!\s+(?:is|are)\s+(?:why|how)\b))",
    re.IGNORECASE,
)

# --- Background: history, biography, context -------------------------------------------------

# Time adverbials of the past and narrative-history markers (Bell 1991).
PAST_FRAME = [
    "historically", "previously", "formerly", "in the past", "as long ago as", "for decades",
    "for years", "over the years", "over the past", "in recent years", "in previous years",
    "long been", "has long", "have long", "was once", "were once", "at the time", "back then",
    "years ago", "decades ago", "earlier this year", "last year", "since then", "had already",
    "until recently", "in the early", "in the late", "in the mid", "has become", "have become",
]
# Career and institution vocabulary of biographies and organisation histories (the "who is
# who" and "about us" genres: birth, study, posts held, institutions founded).
BIOGRAPHY = [
    "was born", "born in", "graduated", "alumnus", "alumna", "studied at", "received his",
    "received her", "doctorate", "phd", "fellow of", "member of the", "former", "formerly",
    "has served", "was appointed", "became", "his career", "her career", "career as",
    "veteran", "pioneer", "founded", "co-founded", "was established", "known as", "nicknamed",
    "headed", "mentor", "predecessor", "teaches", "taught", "professor of", "lecturer",
    "the author is", "the writer is", "is an independent", "non-profit", "think tank",
]
BACKGROUND_RE = re.compile(
    r"\b(?:" + _alternation(PAST_FRAME + BIOGRAPHY) + r")\b", re.IGNORECASE
)
YEAR_RE = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")

# --- Abbreviations -------------------------------------------------------------------------

# Multi-word names that policy texts write either in full or as the usual abbreviation
# (general usage, not from any one document): both forms become the abbreviation.
ABBREVIATIONS = {
    "artificial intelligence": "ai",
    "machine learning": "ml",
    "large language model": "llm",
    "large language models": "llms",
    "european union": "eu",
    "united states": "usa",
    "united kingdom": "uk",
    "united nations": "un",
}
ABBREVIATION_RE = re.compile(r"\b(?:" + _alternation(list(ABBREVIATIONS)) + r")\b", re.IGNORECASE)

# --- Stopwords -------------------------------------------------------------------------------

STOPWORDS = frozenset(
    """
    a about above after again against all also although am among an and another any are as at
    be because been before being below between both but by can cannot could did do does doing
    done down during each either else even ever every few for from further had has have having
    he her here hers herself him himself his how however i if in into is it its itself just
    least less many may me might more most much must my myself neither no nor not now of off
    often on once one only onto or other others otherwise our ours ourselves out over own per
    rather same several shall she should since so some such than that the their theirs them
    themselves then there these they this those though through thus to too under until up upon
    us very via was we were what whatever when where whether which while who whom whose why
    will with within without would yet you your yours yourself
    also already still well like including especially particularly various
    mr ms mrs dr
    """.split()
)
