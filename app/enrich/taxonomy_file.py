"""Reading a themes file (seeds/themes.toml's format): its [[theme]] blocks and [classifier]
table checked, every problem named with the file and line. The classifier is app.enrich.taxonomy."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from app.enrich.taxonomy import _STOP, _WORD_RE, DEFAULT_THRESHOLD, Keyword, Taxonomy, Theme, lemma

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _parse_keyword(raw: str) -> Keyword:
    """Parse "basic research^2" into terms and weight; ValueError says what is wrong."""
    text, _, weight = raw.partition("^")
    try:
        w = float(weight) if weight else 1.0
    except ValueError:
        raise ValueError(f"keyword {raw!r}: weight after ^ must be a number") from None
    terms = []
    for token in _WORD_RE.finditer(text):
        star = text[token.end():token.end() + 1] == "*"
        base = token.group().casefold() if star else lemma(token.group())
        if base not in _STOP:
            terms.append(base + "*" if star else base)
    if not terms or w <= 0:
        raise ValueError(f"keyword {raw!r}: needs a content word and a positive weight")
    return Keyword(raw, tuple(terms), w)


def _line_of(lines: list[str], start: int, key: str) -> int:
    """1-based line of `key =` in the block starting at line `start`, else the block's line."""
    for i in range(start, len(lines)):
        if i > start and lines[i].lstrip().startswith("["):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return start + 1


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate a themes file; ValueError names the file and line of any problem."""
    from app.ingest.records import shown  # file names in messages escaped, as for every source
    from app.ingest.safeparse import MAX_DEPTH, toml_too_deep  # the bounds every source file is parsed with

    path = Path(path)
    where_file = shown(path)
    try:
        if path.stat().st_size > 5 * 1024 * 1024:  # a taxonomy is a few kilobytes
            raise ValueError(f"{where_file}: over 5 MiB; not a themes file")
        raw = path.read_bytes()
        deep = toml_too_deep(raw.decode("utf-8"))
        if deep is not None:  # before tomllib, which recurses once per level
            raise ValueError(f"{where_file}, line {deep}: nested more than {MAX_DEPTH} levels deep")
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ValueError(f"{where_file}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where_file}: not UTF-8 text ({exc})") from None
    except RecursionError:
        raise ValueError(f"{where_file}: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS_RE.search(msg)
        if m:
            where = f", line {m.group(1)}, column {m.group(2)}"
        elif msg.endswith("(at end of document)"):  # e.g. an unclosed array: say where it ends
            where, msg = f", line {len(raw.splitlines())} (end of file)", msg[: -len("(at end of document)")]
        else:
            where = ""
        raise ValueError(f"{where_file}{where}: {_TOML_POS_RE.sub('', msg).strip()}") from None
    lines = raw.decode("utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if re.match(r"\s*\[\[\s*theme\s*\]\]", line)]
    blocks = data.get("theme")
    if not isinstance(blocks, list) or not blocks:
        raise ValueError(f"{where_file}: no [[theme]] blocks")
    themes: dict[str, Theme] = {}
    for n, block in enumerate(blocks):
        start = starts[n] if n < len(starts) else 0

        def fail(key: str, message: str) -> ValueError:
            return ValueError(f"{where_file}, line {_line_of(lines, start, key)}: {message}")

        if not isinstance(block, dict):
            raise ValueError(f"{where_file}: theme #{n + 1} must be a [[theme]] table")
        for key in ("slug", "label", "keywords"):
            if not block.get(key):
                raise fail("[[theme]]", f"theme #{n + 1} needs a non-empty {key!r}")
        slug = block["slug"]
        if not isinstance(slug, str) or not _SLUG_RE.match(slug):
            raise fail("slug", f"slug {slug!r} must be lower-case words joined by dashes")
        if slug in themes:
            raise fail("slug", f"duplicate slug {slug!r}")
        if not isinstance(block["keywords"], list) or not all(isinstance(k, str) for k in block["keywords"]):
            raise fail("keywords", f"{slug}: keywords must be a list of strings")
        try:
            keywords = tuple(_parse_keyword(k) for k in block["keywords"])
        except ValueError as exc:
            raise fail("keywords", f"{slug}: {exc}") from None
        if not isinstance(block.get("parent") or "", str):
            raise fail("parent", f"{slug}: parent must be a theme's slug")
        replaces = block.get("replaces", [])
        if not isinstance(replaces, list) or not all(isinstance(r, str) and _SLUG_RE.match(r) for r in replaces):
            raise fail("replaces", f"{slug}: replaces must be a list of slugs")
        themes[slug] = Theme(
            slug, str(block["label"]), str(block.get("description", "")),
            block.get("parent") or None, keywords, n, tuple(replaces),
        )
    for n, theme in enumerate(themes.values()):
        seen, p = {theme.slug}, theme.parent
        while p is not None:  # parents may come later in the file, so check after reading all
            if p not in themes:
                raise ValueError(f"{where_file}, line {_line_of(lines, starts[n], 'parent')}: "
                                 f"{theme.slug}: unknown parent {p!r}")
            if p in seen:
                raise ValueError(f"{where_file}, line {_line_of(lines, starts[n], 'parent')}: "
                                 f"{theme.slug}: parent cycle through {p!r}")
            seen.add(p)
            p = themes[p].parent
    replaced: dict[str, str] = {}
    for n, theme in enumerate(themes.values()):
        for old in theme.replaces:  # a retired slug must lead to one live theme, not shadow one
            if old in themes or old in replaced:
                why = "is a theme of this file" if old in themes else f"is already replaced by {replaced[old]!r}"
                raise ValueError(f"{where_file}, line {_line_of(lines, starts[n], 'replaces')}: "
                                 f"{theme.slug}: replaced slug {old!r} {why}")
            replaced[old] = theme.slug
    classifier = data.get("classifier", {})
    threshold = classifier.get("threshold", DEFAULT_THRESHOLD) if isinstance(classifier, dict) else None
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or threshold <= 0:
        raise ValueError(f"{where_file}: [classifier] threshold must be a positive number")
    return Taxonomy(themes, hashlib.sha256(raw).hexdigest(), path, float(threshold))
