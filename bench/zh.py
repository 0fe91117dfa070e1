"""Chinese originals with English translations for the benchmark corpus (issue #19's case).

    python -m bench.zh --originals 500 --out bench/out/corpus-10000/zh [--seed 1]

Each original is a readout-style Chinese text drawn from sentence templates with parallel
English renderings; its translation renders each sentence (now and then leaving one out, as a
free translation does) and names the original with `translation_of`, so the ingest aligns them.
Every document depends only on (seed, index), like bench.corpus.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

# (Chinese, English) topic pairs and sentence templates with {t} (topic), {n} (a count), {y} (a year).
TOPICS = [
    ("人工智能", "artificial intelligence"), ("数据安全", "data security"), ("算力网络", "computing networks"),
    ("基础研究", "basic research"), ("开源模型", "open-source models"), ("人才培养", "talent training"),
    ("芯片产业", "the chip industry"), ("数字经济", "the digital economy"), ("个人信息保护", "personal information protection"),
    ("算法治理", "algorithm governance"), ("智能制造", "smart manufacturing"), ("医疗健康", "health care"),
    ("自动驾驶", "autonomous driving"), ("国际合作", "international cooperation"), ("标准体系", "the standards system"),
    ("风险评估", "risk assessment"), ("公共数据", "public data"), ("科技金融", "technology finance"),
    ("知识产权", "intellectual property"), ("网络安全", "cybersecurity"), ("教育培训", "education and training"),
    ("绿色低碳", "green and low-carbon development"), ("农业农村", "agriculture and rural areas"), ("交通运输", "transport"),
]
TEMPLATES = [
    ("会议强调，要加快推进{t}发展。", "The meeting stressed the need to speed up the development of {t}."),
    ("要完善{t}相关制度，防范化解重大风险。", "Rules on {t} should be improved to prevent and defuse major risks."),
    ("会议指出，我国{t}基础较好，应用场景广阔。", "The meeting noted that China has a good foundation in {t} and broad applications."),
    ("截至{y}年底，全国已有{n}家企业参与{t}试点。", "By the end of {y}, {n} enterprises nationwide had joined pilots in {t}."),
    ("各地区各部门必须把{t}放在突出位置。", "All regions and departments must give {t} a prominent place."),
    ("不得利用{t}从事危害公共利益的活动。", "{T} must not be used for activities that harm the public interest."),
    ("对{t}领域的新业态，应当依法开展安全评估。", "New business forms in {t} shall undergo security assessment according to law."),
    ("中央财政将安排{n}亿元专项资金支持{t}。", "The central budget will allocate {n} hundred million yuan to support {t}."),
    ("会议要求加强{t}领域的国际交流。", "The meeting called for stronger international exchanges in {t}."),
    ("{y}年，{t}相关产业规模增长{n}%。", "In {y}, industries related to {t} grew by {n} percent."),
    ("要鼓励有条件的地方在{t}方面先行先试。", "Localities where conditions permit should be encouraged to pilot {t} first."),
    ("与会代表围绕{t}进行了深入交流。", "Participants held in-depth exchanges on {t}."),
    ("会议认为，{t}是推动高质量发展的重要引擎。", "The meeting held that {t} is an important engine of high-quality development."),
    ("要建立健全{t}监测预警机制。", "A monitoring and early-warning mechanism for {t} should be established."),
    ("有关部门将于{y}年出台{t}指导意见。", "The relevant departments will issue guidelines on {t} in {y}."),
]


def _sentence(rng: random.Random) -> tuple[str, str]:
    zh, en = rng.choice(TEMPLATES)
    t_zh, t_en = rng.choice(TOPICS)
    n, y = rng.randint(2, 900), rng.randint(2020, 2030)
    slots = {"t": t_zh, "n": n, "y": y}
    return zh.format(**slots), en.format(t=t_en, T=t_en[:1].upper() + t_en[1:], n=n, y=y)


def make_pair(index: int, seed: int = 1) -> tuple[str, str, str, str]:
    """(original slug, its text, translation slug, its text) of pair `index`."""
    rng = random.Random(f"zh:{seed}:{index}")
    paragraphs = [[_sentence(rng) for _ in range(rng.randint(2, 5))] for _ in range(rng.randint(5, 9))]
    slug = f"bench-zh-{index:06d}"
    date = f"20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    head = f"---\ntitle: \"国务院常务会议第{index + 1}次会议\"\nkind: official\nslug: {slug}\ndate: {date}\n" \
           f"publisher: 新华社\nlanguage: zh\n---\n"
    original = head + "\n\n".join("".join(zh for zh, _ in p) for p in paragraphs) + "\n"
    omit = rng.random() < 0.3
    kept = [[en for k, (_, en) in enumerate(p) if not (omit and i == 1 and k == 0)] for i, p in enumerate(paragraphs)]
    t_head = f"---\ntitle: \"State Council executive meeting no. {index + 1}\"\nkind: official\nslug: {slug}-en\n" \
             f"date: {date}\npublisher: Bench Translations\ntranslator: bench\nlanguage: en\ntranslation_of: {slug}\n---\n"
    translation = t_head + "\n\n".join(" ".join(p) for p in kept if p) + "\n"
    return slug, original, f"{slug}-en", translation


def generate(out: Path, originals: int, seed: int = 1) -> int:
    """Write `originals` pairs under `out` (kept when already there); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for i in range(originals):
        slug, text, t_slug, t_text = make_pair(i, seed)
        for name, body in ((f"{slug}.md", text), (f"{t_slug}.md", t_text)):
            path = out / name
            if not path.exists():
                path.write_text(body, encoding="utf-8")
                written += 1
    for stale in out.glob("bench-zh-*.md"):  # pairs past the requested number
        if int(stale.stem.split("-")[2]) >= originals:
            stale.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.zh", description=__doc__.split("\n\n")[0])
    ap.add_argument("--originals", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    n = generate(args.out, args.originals, args.seed)
    print(f"{args.originals} Chinese originals with translations in {args.out} ({n} files written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
