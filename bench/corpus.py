"""Deterministic synthetic corpus of official readouts and commentaries, for benchmarks.

    python -m bench.corpus --docs 10000 --out bench/out/corpus-10k [--seed 1] [--overwrite]

Documents come in pairs: pair ``i`` is an official readout plus a commentary whose
``comments_on`` names it.  Every pair is drawn from its own ``Random(f"{seed}:{i}")``, so
its bytes depend only on (seed, i): runs are reproducible and ``write_one`` can add a
fresh pair past the end of a corpus without regenerating it.  Sentence *shapes* come
from templates; the content words come from a Zipf draw over ~40,000 pseudo-words plus
real policy nouns, so index sizes and posting lists behave like real text.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

ZIPF_EXPONENT = 1.07
# Zipf-Mandelbrot offset: content words sit below the function words in real rankings, so
# the head is flattened (otherwise "development" alone would be 1 word in 8).
ZIPF_OFFSET = 20
PSEUDO_WORDS = 40_000

# Real words at the top of the Zipf ranking, so the frequent content reads like policy text.
_NOUNS = """development governance innovation security industry market data technology system
reform economy policy growth infrastructure investment finance trade energy education talent
research science regulation standards cooperation consumption employment manufacturing
agriculture transport health environment ecology climate carbon resources supply chains
capacity platforms enterprises institutions mechanisms frameworks networks services products
computing chips software hardware intelligence application scenarios modernization
productivity competitiveness resilience stability safety risks opportunities challenges
priorities strategies measures tasks goals rules laws guidelines ethics oversight monitoring
procurement taxation subsidies credit banking insurance pensions housing land water food
grain logistics ports railways aviation shipping telecommunications satellites space oceans
defence diplomacy partnership openness integration coordination planning implementation
evaluation assessment supervision enforcement compliance transparency accountability
efficiency quality capability potential advantage momentum foundation breakthroughs
bottlenecks shortcomings progress achievements outcomes projects programmes pilots zones
regions provinces cities villages communities households youth workers farmers scientists
universities laboratories hospitals schools culture heritage tourism media publicity
""".split()
_FUNCTION = """the of and to in a an for on with by as at from that this is are was be has have
it its their which while also all more new into such through must should will can may
not but or than so over under between among across within without toward during after
before since until upon about against per via both each every other same own""".split()
_ADJECTIVES = """strategic comprehensive systematic sustained orderly healthy steady sound
modern open green digital secure reliable independent coordinated balanced inclusive
innovative advanced fundamental critical major key core basic vital significant profound
effective efficient stable robust favorable solid broad deep shared common national
regional global local rural urban industrial technological institutional structural""".split()
_ADVERBS = "firmly further actively continuously deeply fully steadily vigorously".split()
_IRREGULAR = {"build": "built", "uphold": "upheld"}
_VERBS = """strengthen improve promote advance deepen coordinate accelerate build establish
safeguard optimize expand enhance support ensure foster consolidate implement uphold
modernize integrate standardize cultivate prioritize stabilize regulate upgrade reinforce
develop harness leverage refine deploy unify streamline bolster""".split()

# Paraphrase substitutions: commentary reuses official wording with these swaps.
_SYNONYMS = dict(pair.split(":") for pair in """stressed:emphasized emphasized:underscored
strengthen:reinforce promote:advance improve:enhance accelerate:speed deepen:intensify
ensure:guarantee coordinate:align expand:broaden support:back build:construct
establish:create strengthening:reinforcing promoting:advancing improving:enhancing
building:constructing remains:is profoundly:deeply necessary:essential must:should
efforts:steps achieved:made progress:headway risks:dangers opportunities:openings
important:significant shortcomings:weaknesses major:leading""".split())
_DROPPABLE = (set(_ADJECTIVES) - {"key"}) | set(_ADVERBS) | {"also", "the"}  # "the key to" stays

_SURNAMES = "Xi Li Wang Zhang Zhao Chen Liu Ding Han Zheng Wu Huang Zhou Sun Guo Ma Yang".split()
_GIVEN = "jin ping qiang xue xiang ning nan wei hua ming guo rong jun hong yang feng tao".split()
_TITLES = [("General Secretary", "the general secretary"), ("Premier", "the premier"),
           ("Vice Premier", "the vice premier"), ("Minister", "the minister"),
           ("Director", "the director"), ("Chairman", "the chairman")]
_DOMAINS = """Commerce Finance Education Industry Science Agriculture Transport Health
Ecology Energy Civil-Affairs Justice""".split()
_ORGS = ["the Political Bureau of the Central Committee", "the State Council",
         "the Central Financial and Economic Affairs Commission", "the Standing Committee",
         "the National Development Commission", "the Central Leading Group on Reform"]
_SESSIONS = ["group study session", "executive meeting", "plenary session", "symposium",
             "work conference", "special meeting"]
_CITIES = "Beijing Shanghai Shenzhen Guangzhou Chengdu Wuhan Hangzhou Tianjin Capital".split()
_AGENCIES = ["Example News Agency", "State News Service", "Central Wire", "National Press Office"]
_MONTHS = """January February March April May June July August September October November
December""".split()  # not strftime: locale-independent bytes
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_NUMBERS = ["two", "three", "four", "five"]
_PLURALS = ["strengths", "priorities", "tasks", "directions", "advantages", "measures"]
_OFFICIAL_PUBLISHERS = [f"Ministry of {d.replace('-', ' ')} News Service" for d in _DOMAINS] + [
    "State Council Information Office", "Example News Agency", "National Development Bulletin",
    "Central Commission Gazette", "People's Daily Digest", "Provincial Affairs Wire",
    "National Statistics Release", "Government Work Portal"]
_COMMENTARY_PUBLISHERS = [
    "Policy Watch Weekly", "Capital Brief", "Strait Analytics", "Eastwind Observer",
    "Governance Notes", "Harbor Policy Letter", "Meridian Research", "Long View Analysis",
    "Signal and Noise", "Readout Tracker"]
_OFFICIAL_KINDS = ["readout", "communique", "session", "notice", "speech"]
_COMMENTARY_KINDS = ["analysis", "brief", "notes"]  # disjoint from the official ones: unique slugs
_FIRST_DAY, _LAST_DAY = date(2015, 1, 1), date(2025, 12, 17)  # +14 days of commentary lag

_OFFICIAL_OPENING = [
    "{L}, {Z}, presided over the session and delivered an important speech.",
    "Professor {Y} from {U} delivered a lecture on {T} and offered policy recommendations.",
    "Members of {O} listened carefully and engaged in discussions.",
    "Following the lecture and discussions, {R} delivered an important speech.",
]
_DIRECTIVES = [
    "{S} stressed the need to {V} {N} and {V} {N}.",
    "It is necessary to {V} {N}, {V} {N}, and {V} {N}.",
    "{C} must {V} {N} and {V} {N} in {N}.",
    "{S} called for {G} {N}, {G} {N}, and {G} {N}.",
    "{S} emphasized that {C} must {V} {N}—the key to {N}—and {V} {N}.",
    "Efforts should be made to {V} {N} so as to {V} {N} and {V} {N}.",
    "We must {V} {N} and {B} {V} {N} in {N}.",
    "{S} urged {O} to {B} {V} {N}, {V} {N}, and {V} {N}.",
]
_DESCRIPTIONS = [
    "{S} pointed out that {N}, as a {A} {M}, is profoundly reshaping {N}.",
    "In recent years, {O} has {D} {N}, {D} {N}, and {D} {N}.",
    "At the same time, {R} acknowledged that shortcomings remain in {N} and {N}.",
    "{P} {M} has achieved {A} progress in {N}, while {N} remains {A}.",
    "{C} possesses {A} {M}, a {A} {M}, and {A} {M}.",
    "{N} brings {A} opportunities for {N}, but it also introduces {A} risks to {N}.",
    "{S} noted that {N} — long a weak link — now underpins {N}.",
]
_ATTRIBUTED = [
    "{S} called for {G} {N} and {G} {N}.",
    "{S} stressed the need to {V} {N} and to {V} {N}.",
    "{S} urged {O} to {V} {N}.",
    "{S} emphasized that {N} is a {A} {M} leading {N}.",
    "{S} highlighted that {N} is the key element for {N}.",
    "{S} acknowledged that {C} still has notable shortcomings in {N} and {N}.",
    "{S} warned that {N} also introduces {A} risks to {N}.",
    "{S} pointed to {N} as a {A} priority for {O}.",
    "{S} welcomed {G} {N}, describing it as {A}.",
]
_INTERPRETATIONS = [
    "This suggests that {C} will likely {V} {N} in the coming years.",
    "This suggests that {O} will likely {V} {N}, with more rules and frameworks to follow.",
    "In our reading, this signals that {N} will likely become a priority for {O}.",
    "This is the first time that the top leadership has explicitly endorsed {N}, "
    "giving it significant weight.",
]
_HEADINGS = [
    "Strategic Positioning of {H}:", "Key to Gaining an Edge in {H}:", "Policy Support for {H}:",
    "{W} Development for {H}:", "Domestic {H} Regulation:", "International {H} Governance:",
    "Building a {W}-Led {W} System:", "{C}’s Major Advantages in {H}:", "{W} and {W} in {H}:",
    "Risks and Safeguards for {W} {W}:", "The Role of {W} in {H}:", "Next Steps on {W} {W}:",
]
_PARAPHRASE_LEADS = ["{S} emphasized that ", "{S} noted that ", "According to the readout, ",
                     "The readout stated that ", ""]

_SLOT = re.compile(r"\{(\w)\}")
_TOKEN = re.compile(r"[a-z]+")
_A_AN = re.compile(r"\b([Aa])n? (?=([aeiouAEIOU])?)")


@dataclass
class CorpusInfo:
    """What generate() wrote: counts for benchmark reports."""

    documents: int
    sentences: int  # sentence-like units generated: prose sentences, headings, list items
    words: int  # alphabetic tokens in bodies
    vocabulary: int  # distinct lower-cased alphabetic tokens
    bytes: int
    seconds: float = 0.0


@dataclass
class Doc:
    """One generated document: its slug, full file text and sentence count."""

    slug: str
    text: str
    sentences: int


@dataclass(frozen=True)
class _Vocab:
    """Content words in Zipf rank order and their cumulative weights (for bisection)."""

    words: list[str]
    cum: list[float]


@lru_cache(maxsize=4)
def _vocab(seed: int) -> _Vocab:
    """Build the Zipf-ranked content vocabulary: real policy nouns first, then pseudo-words."""
    rng = random.Random(f"vocab:{seed}")
    onsets = "b c d f g h j k l m n p r s t v w z br cr dr gr pr tr st sh ch th pl".split()
    vowels = "a e i o u a e i o ai ea ou".split()
    codas = ["", "", "", "", "n", "r", "s", "l", "m", "t", "nd"]
    suffixes = ["", "", "", "", "", "", "ion", "ity", "ment", "ism", "ics", "ance", "ate"]
    seen = set(_NOUNS) | set(_FUNCTION) | set(_ADJECTIVES) | set(_ADVERBS) | set(_VERBS)
    pseudo: list[str] = []
    while len(pseudo) < PSEUDO_WORDS:
        syllables = rng.choice((1, 2, 2, 2, 2, 2, 3, 3))
        w = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                    for _ in range(syllables)) + rng.choice(suffixes)
        if len(w) > 3 and w not in seen:  # the set only filters, so the order stays deterministic
            seen.add(w)
            pseudo.append(w)
    words = _NOUNS + pseudo
    cum = list(accumulate((r + ZIPF_OFFSET) ** -ZIPF_EXPONENT for r in range(1, len(words) + 1)))
    return _Vocab(words, cum)


def _articles(s: str) -> str:
    """Make 'a'/'an' agree with the next word, since slots are filled independently."""
    return _A_AN.sub(lambda m: m.group(1) + ("n " if m.group(2) else " "), s)


def _cap(s: str) -> str:
    """Upper-case the first character only (str.capitalize would lower the rest)."""
    return s[:1].upper() + s[1:]


def _inflect(verb: str) -> tuple[str, str]:
    """Return (-ing form, past participle) for the regular-ish verbs in _VERBS."""
    stem = verb[:-1] if verb.endswith("e") else verb
    past = verb[:-1] + "ied" if verb.endswith("y") and verb[-2] not in "aeiou" else stem + "ed"
    return stem + "ing", _IRREGULAR.get(verb, past)


_INFLECTED = {v: _inflect(v) for v in _VERBS}
# Not "advanced" or "coordinated": as verbs they carry the clause.
_DROPPABLE -= {form for forms in _INFLECTED.values() for form in forms}


class _Pair:
    """State for generating one official/commentary pair from its own Random."""

    def __init__(self, seed: int, index: int):
        """Draw the pair's cast (speaker, organisation, topic, dates, publishers)."""
        self.rng = rng = random.Random(f"{seed}:{index}")
        self.vocab = _vocab(seed)
        self.index = index
        self._buf: list[str] = []
        self.surname = rng.choice(_SURNAMES)
        self.leader = f"{self.surname} {_cap(''.join(rng.sample(_GIVEN, 2)))}"
        self.title, self.role = rng.choice(_TITLES)
        lecturer = f"{rng.choice(_SURNAMES)} {_cap(''.join(rng.sample(_GIVEN, 2)))}"
        self.lecturer, self.lecturer_surname = lecturer, lecturer.split()[0]
        university = rng.choice(["the University of {}", "{} University", "{} Institute"])
        self.university = university.format(_cap(self.word()))
        self.org = rng.choice(_ORGS + [f"the Ministry of {rng.choice(_DOMAINS)}"]).replace("-", " ")
        self.session = rng.choice(_SESSIONS)
        self.ordinal = self._ordinal(rng.randint(1, 30))
        self.topic_words = [self.word() for _ in range(rng.choice((1, 1, 2)))]
        self.topic = " ".join(self.topic_words)
        self.topic_title = " ".join(_cap(w) for w in self.topic_words)
        self.day = _FIRST_DAY + timedelta(days=rng.randrange((_LAST_DAY - _FIRST_DAY).days + 1))
        self.publisher = rng.choice(_OFFICIAL_PUBLISHERS)
        self.cpublisher = rng.choice(_COMMENTARY_PUBLISHERS)
        self.slug = f"{self._abbr(self.publisher)}-{rng.choice(_OFFICIAL_KINDS)}-{index:05d}"
        self.cslug = f"{self._abbr(self.cpublisher)}-{rng.choice(_COMMENTARY_KINDS)}-{index:05d}"
        self.propers = {self.surname, "China", "Professor"}
        self.speakers: list[str] = []  # set per document kind: who "{S}" may be
        self.sentences = 0
        # One filler per template slot; each occurrence gets a fresh draw.
        self.fill = {
            "N": self.np, "M": lambda: self.np(article=False),
            "A": lambda: rng.choice(_ADJECTIVES), "B": lambda: rng.choice(_ADVERBS),
            "V": lambda: rng.choice(_VERBS), "G": lambda: _INFLECTED[rng.choice(_VERBS)][0],
            "D": lambda: _INFLECTED[rng.choice(_VERBS)][1], "C": lambda: "China",
            "P": lambda: rng.choice(("China’s", "China's", "China's")), "O": lambda: self.org,
            "S": lambda: rng.choice(self.speakers),
            "R": lambda: rng.choice((self.surname, self.leader)),
            "L": lambda: self.leader, "Z": lambda: f"{self.title} of {self.org}",
            "Y": lambda: self.lecturer, "U": lambda: self.university, "T": lambda: self.topic,
            "H": lambda: self.topic_title, "W": lambda: _cap(self.word()),
        }

    @staticmethod
    def _ordinal(n: int) -> str:
        """1 -> '1st', 12 -> '12th', 22 -> '22nd'."""
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    @staticmethod
    def _abbr(name: str) -> str:
        """Slug prefix from a publisher's initials, e.g. 'Capital Brief' -> 'cb'."""
        return "".join(w[0] for w in re.findall(r"[A-Za-z]+", name)).lower()

    def word(self) -> str:
        """One Zipf-distributed content word (drawn in batches: choices() has per-call cost)."""
        if not self._buf:
            # choices() with cum_weights bisects the cumulative table: O(log V) per word.
            self._buf = self.rng.choices(self.vocab.words, cum_weights=self.vocab.cum, k=256)
        return self._buf.pop()

    def np(self, article: bool = True) -> str:
        """A noun phrase of 1-3 content words, maybe with an adjective, article or 'of' tail."""
        r = self.rng.random()
        phrase = " ".join(self.word() for _ in range(1 + (r > 0.4) + (r > 0.8)))
        if self.rng.random() < 0.1:  # keep the pair on topic, as real readouts are
            phrase = f"{self.topic} {phrase}"
        if r < 0.5:
            phrase = f"{self.rng.choice(_ADJECTIVES)} {phrase}"
        if self.rng.random() < 0.3:
            phrase = f"{phrase} of {self.word()}"
        return f"the {phrase}" if article and self.rng.random() < 0.3 else phrase

    def say(self, template: str) -> str:
        """Fill a template's slots into one capitalised sentence and count it."""
        self.sentences += 1
        return _cap(_articles(_SLOT.sub(lambda m: self.fill[m.group(1)](), template)))

    def join(self, sentences: list[str], glue: float) -> str:
        """Join sentences into one line; with probability `glue` drop the space (run-together)."""
        line = sentences[0]
        for s in sentences[1:]:
            line += ("" if self.rng.random() < glue else " ") + s
        return line

    def official(self) -> tuple[Doc, list[str]]:
        """The official readout, plus its prose sentences for the commentary to paraphrase."""
        rng, d = self.rng, self.day
        self.speakers, self.sentences = [self.surname] * 3 + ["He"] * 2 + [self.leader], 0
        prev = d - timedelta(days=1)
        lines = [self.say(
            f"({rng.choice(_AGENCIES)}, {rng.choice(_CITIES)}, {_MONTHS[d.month - 1]} {d.day}) — "
            f"On the {rng.choice(('morning', 'afternoon', 'evening'))} of "
            f"{_MONTHS[prev.month - 1]} {prev.day}, {{O}} held its {self.ordinal} "
            f"{self.session} focused on {{T}}.")]
        pool: list[str] = []
        opening = [self.say(t) for t in _OFFICIAL_OPENING[: rng.randint(2, 4)]]
        lines.append(self.join(opening, 0.15))
        for _ in range(rng.randint(4, 9)):
            sents = [self.say(rng.choice(_DIRECTIVES if rng.random() < 0.55 else _DESCRIPTIONS))
                     for _ in range(rng.randint(2, 5))]
            pool += sents
            lines.append(self.join(sents, 0.15))
        title = rng.choice([
            f"{self.org[4:]} Readout on {self.topic_title}",
            f"{self.leader} Stresses at the {self.ordinal} {self.session.title()}: "
            f"{_cap(rng.choice(_VERBS))} {self.topic_title} and {_cap(rng.choice(_VERBS))} "
            f"{_cap(self.word())} {_cap(self.word())}",
            f"{self.org[4:]} Holds {self.ordinal} {self.session.title()} on {self.topic_title}",
            f"Communiqué of the {self.ordinal} {self.session.title()} on {self.topic_title}",
            f"{self.leader} Calls for {_cap(_INFLECTED[rng.choice(_VERBS)][0])} {self.topic_title}",
        ])
        meta = {"title": title, "kind": "official", "slug": self.slug, "date": d,
                "publisher": self.publisher,
                "source_url": f"https://example.org/{self.slug.split('-')[0]}/{self.index:05d}"}
        return Doc(self.slug, _render(meta, lines), self.sentences), pool

    def paraphrase(self, sentence: str) -> str:
        """Reuse an official sentence with reordered list items, synonyms and dropped words."""
        rng = self.rng
        parts = sentence.rstrip(".").split(", ")
        head = 2 if len(parts[0].split()) <= 3 else 1  # "In recent years, X has ..." is one head
        if len(parts) >= head + 2 and parts[-1].startswith("and ") and rng.random() < 0.6:
            items = parts[head:-1] + [parts[-1][4:]]
            rng.shuffle(items)
            parts = [*parts[:head], *items[:-1], "and " + items[-1]]
        words = ", ".join(parts).split(" ")
        words = [_SYNONYMS.get(w, w) if rng.random() < 0.6 else w for w in words]
        # Never the first word (the subject) or the last (a predicate adjective).
        droppable = [i for i, w in enumerate(words[:-1]) if w in _DROPPABLE and i > 0]
        drop = rng.sample(droppable, min(len(droppable), rng.randint(1, 2)))
        for i in sorted(drop, reverse=True):
            del words[i]
        # Sentences that already name a speaker keep it rather than gaining a second one.
        lead = "" if words[0] in (self.surname, "He") else rng.choice(_PARAPHRASE_LEADS)
        if lead and re.split("['’]", words[0])[0] not in self.propers:
            words[0] = words[0].lower()  # it now continues the lead clause
        self.sentences += 1
        text = _SLOT.sub(lambda m: self.fill[m.group(1)](), lead) + " ".join(words) + "."
        return _cap(_articles(text))  # dropped adjectives can leave "a" before a vowel

    def commentary(self, pool: list[str]) -> Doc:
        """An analyst summary: background intro, then themed headings with reports and lists."""
        rng = self.rng
        role = _cap(self.role)
        self.speakers = [self.surname] * 4 + ["He"] * 3 + [role] * 2 + ["The readout"]
        self.sentences = 0
        ls = self.lecturer_surname
        lines = [self.join([
            self.say(f'{{O}} held a {self.session} on {rng.choice(_WEEKDAYS)} focused on "{{T}}."'),
            self.say("The speaker for this session was Professor {Y} from {U}."),
            self.say(f"{ls} was a professor at {{U}} and former president of the {{W}} Academy."),
        ], 0.0)]
        if rng.random() < 0.7:
            lines.append(self.join([
                self.say(f"As early as {rng.randint(1980, 2010)}, {ls} established the "
                         "Institute of {W} {W} at {U}—the first dedicated institution for "
                         "{N} in {C}."),
                self.say("This program strongly supported {P} {M} in {N}."),
            ], 0.0))
        if rng.random() < 0.5:
            lines.append(self.say(f"In addition to the lecture, {ls} also offered "
                                  "recommendations on {N}."))
        lines.append(self.say(f"{rng.choice(_AGENCIES)} published an official report summarizing "
                              f"the key points of {self.leader}’s remarks, which can be broken "
                              "down into several main themes:"))
        enumerations = rng.randint(0, 2)
        for heading in rng.sample(_HEADINGS, rng.randint(3, 7)):
            lines.append(self.say(heading))
            for _ in range(rng.choice((1, 2, 2, 3))):
                if enumerations and rng.random() < 0.25:
                    enumerations -= 1
                    n = rng.randint(2, 5)
                    what = f"{_NUMBERS[n - 2]} {rng.choice(_PLURALS)}"
                    lines.append(self.say("{S} outlined " + what + ":"))
                    lines += [self.say(f"({k}) {_cap(self.np())}" + (";" if k < n else "."))
                              for k in range(1, n + 1)]
                    continue
                sents = [self.paraphrase(rng.choice(pool)) if rng.random() < 0.5
                         else self.say(rng.choice(_ATTRIBUTED))
                         for _ in range(rng.choice((1, 1, 2, 2, 3)))]
                if rng.random() < 0.2:
                    sents.append(self.say(rng.choice(_INTERPRETATIONS)))
                lines.append(self.join(sents, 0.0))
        title = rng.choice([
            f"Analysis: {self.leader}’s Remarks on {self.topic_title}",
            f"What the {self.ordinal} {self.session.title()} Means for {self.topic_title}",
            f"Key Themes from the {self.org[4:]} Session on {self.topic_title}",
            f"{self.topic_title}: Reading the {self.org[4:]} Readout",
            f"Brief: {_cap(self.word())} {_cap(self.word())} and {self.topic_title}",
        ])
        meta = {"title": title, "kind": "commentary", "slug": self.cslug,
                "date": self.day + timedelta(days=rng.randint(0, 14)), "publisher": self.cpublisher,
                "source_url": f"https://example.com/{self.cslug.split('-')[0]}/{self.cslug}",
                "comments_on": self.slug}
        return Doc(self.cslug, _render(meta, lines), self.sentences)


def _render(meta: dict, lines: list[str]) -> str:
    """Front matter (strings JSON-quoted, which is valid YAML), then one paragraph a line."""
    head = [
        f"title: {json.dumps(meta['title'], ensure_ascii=False)}",
        f"kind: {meta['kind']}",
        f"slug: {meta['slug']}",
        f"date: {meta['date'].isoformat()}",
        f"publisher: {json.dumps(meta['publisher'], ensure_ascii=False)}",
        "language: en",
        f"source_url: {meta['source_url']}",
    ]
    if "comments_on" in meta:
        head.append(f"comments_on: {meta['comments_on']}")
    return "---\n" + "\n".join(head) + "\n---\n" + "\n".join(lines) + "\n"


def make_pair(index: int, seed: int = 1) -> tuple[Doc, Doc]:
    """Generate pair `index` (official, commentary); depends only on (seed, index)."""
    pair = _Pair(seed, index)
    official, pool = pair.official()
    return official, pair.commentary(pool)


def fresh_index(docs: int) -> int:
    """First pair index that a corpus of `docs` documents does not use."""
    return (docs + 1) // 2


def write_one(out_dir: Path, index: int, seed: int = 1, kind: str = "official") -> Path:
    """Write one document of pair `index` ('official' or 'commentary'); return its path.

    For the "add one document" benchmark pass index >= fresh_index(docs): slugs end in the
    pair index, so that slug is not in a corpus of `docs` documents.
    """
    official, commentary = make_pair(index, seed)
    doc = official if kind == "official" else commentary
    path = Path(out_dir) / f"{doc.slug}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(doc.text.encode("utf-8"))
    return path


def generate(out_dir: Path, docs: int, seed: int = 1, *, overwrite: bool = False,
             progress: bool = False) -> CorpusInfo:
    """Write `docs` documents (docs // 2 pairs, plus a lone official if odd) into out_dir.

    Refuses a directory that already holds .txt files unless overwrite=True (which deletes
    them), so a smaller corpus never silently mixes with a stale larger one.
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stale = sorted(out_dir.glob("*.txt"))
    if stale and not overwrite:
        raise FileExistsError(f"{out_dir} already holds {len(stale)} .txt files (use overwrite)")
    for path in stale:
        path.unlink()
    written = sentences = words = size = 0
    vocabulary: set[str] = set()
    step = max(1, docs // 10)
    for index in range(fresh_index(docs)):
        for doc in make_pair(index, seed)[: min(2, docs - written)]:
            data = doc.text.encode("utf-8")
            (out_dir / f"{doc.slug}.txt").write_bytes(data)
            tokens = _TOKEN.findall(doc.text.split("\n---\n", 1)[1].lower())
            vocabulary.update(tokens)
            written += 1
            sentences, words = sentences + doc.sentences, words + len(tokens)
            size += len(data)
            if progress and written % step == 0:
                elapsed = time.perf_counter() - started
                print(f"  {written}/{docs} documents, {elapsed:.1f}s", file=sys.stderr)
    return CorpusInfo(written, sentences, words, len(vocabulary), size,
                      round(time.perf_counter() - started, 2))


def main(argv: list[str] | None = None) -> int:
    """CLI entry point: generate a corpus and print its CorpusInfo as JSON."""
    ap = argparse.ArgumentParser(prog="python -m bench.corpus",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, required=True, help="documents to write (docs/2 pairs)")
    ap.add_argument("--out", type=Path, required=True, help="directory (bench/out/ is git-ignored)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--overwrite", action="store_true", help="delete .txt files in --out first")
    args = ap.parse_args(argv)
    try:
        info = generate(args.out, args.docs, args.seed, overwrite=args.overwrite,
                        progress=args.docs >= 1000)
    except FileExistsError as exc:
        ap.error(str(exc))
    print(json.dumps(info.__dict__))
    return 0


if __name__ == "__main__":
    sys.exit(main())
