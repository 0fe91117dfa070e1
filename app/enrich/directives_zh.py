"""Directives in Chinese official text: what a readout or regulation requires, and who requires it.

Cues, where they are clear in official Chinese:

- a modal of obligation or prohibition in the sentence: 要、必须、应当、务必、不得、不能、须
  ("要加强基础研究", "企业应当严格遵守……", "不得收集……"), except the framing "要看到/要认识到"
  ("it must be recognised that"), which introduces a finding;
- a speaker's verb of direction followed by an action: 强调/要求/提出/号召/部署 + 加强、推动、坚持……
  ("会议要求加强……", "会议部署了五项重点任务：一是实施……");
- 可以 + 鼓励/支持 (a permission the text grants: "可以鼓励有条件的地方先行先试");
- an enumerated item opening with an action ("（一）加大财政资金支持力度", "二是培育……"), and
  items under a directive lead ending in "：" or continuing a "一是……；" list.

Not directives: findings after 指出/认为 without a modal ("会议指出，我国数据资源丰富"), commitments
in the future tense (将、愿: "中央财政将安排专项资金"), reports and attendance.

The speaker is the last one named before a verb of saying (会议, 国务院, a named official), else
the document's publisher; a pronoun (他, 我们) keeps the previous speaker. Limits: a modal inside
a quoted promise ("我们要……" said by an official) counts as a directive of that speaker; negated
cues in long sentences are not parsed, and 要 as a noun (要点, 要素) is excluded only in common words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.text.zh import ENUMERATOR_RE, HAN_RE, to_simplified

_ACTIONS = ("加强|加快|加大|推动|推进|完善|健全|深化|强化|优化|坚持|确保|实施|支持|鼓励|培育|建立|防范|落实|提高|"
            "提升|扩大|促进|保护|规范|统筹|构建|打造|采取|开展|清理|严格|依法|积极|切实|重视|发挥|坚决")
_MODAL = re.compile(r"(?<![主重需纲])要(?![点素求闻务看认意知是])|必须|应当|务必|不得|不能|不可|(?<![必])须(?![知])")
_FRAMING = re.compile(r"要(?:看到|认识到|注意到)")
# "研究部署" (discussed and planned) opens a readout's summary of its agenda, not a directive.
_DIRECTING = re.compile(rf"(强调|要求|提出|号召|(?<!研究)部署|指示)了?[^。；]{{0,12}}?({_ACTIONS})")
_PERMISSION = re.compile(r"可以(?:鼓励|支持|探索|先行)")
_ITEM_ACTION = re.compile(rf"^\s*(?:{ENUMERATOR_RE.pattern.lstrip('^')})\s*({_ACTIONS})")
_SAYING = re.compile(r"^([^，。：；“”]{1,16}?)(?:在[^，。：；]{1,20}?)?(强调|指出|要求|提出|号召|表示|说|认为|部署|宣布)")
_PRONOUNS = ("他", "她", "我们", "他们", "我", "其")


def applies(units: Sequence) -> bool:
    """True when the document's text is Chinese (its first units hold Han characters)."""
    return any(HAN_RE.search(u.text) for u in units[:5])


def _cue(text: str) -> str | None:
    modal = _MODAL.search(text)
    if modal and not _FRAMING.search(text, modal.start(), modal.start() + 4):
        return modal.group()
    m = _DIRECTING.search(text)
    if m:
        return m.group(1)
    m = _PERMISSION.search(text)
    if m:
        return "可以"
    m = _ITEM_ACTION.match(text)
    if m:
        return m.group(1)
    return None


def detect(units: Sequence, kind: str = "official", default_speaker: str | None = None) -> dict[int, tuple]:
    """Map the index of each directive unit to (verb, speaker), as app.enrich.directive_rules.detect
    maps it to a Directive."""
    if kind != "official":
        return {}
    out: dict[int, tuple] = {}
    speaker = default_speaker
    lead: tuple | None = None
    for i, unit in enumerate(units):
        text = to_simplified(unit.text)
        said = _SAYING.match(text)
        if said and said.group(1).strip() not in _PRONOUNS:
            speaker = said.group(1).strip()
        if lead and ENUMERATOR_RE.match(text):
            out[i] = lead
            lead = lead if text.rstrip().endswith(("；", ";")) else None
            continue
        cue = _cue(text)
        lead = None
        if cue:
            out[i] = (cue, speaker)
            if text.rstrip().endswith(("：", ":", "；", ";")):
                lead = out[i]
    return out
