"""YAML and TOML parsed with bounds: nesting depth and size checked before a parser recurses,
YAML aliases and duplicate keys refused, every failure a ParseError with a line.

Both parsers build nested values by recursion (tomllib in Python, libyaml's composer in C,
where running out of stack is a crash rather than an exception), so depth is measured first:
for YAML from the parser's event stream, which libyaml produces without recursing; for TOML
by a scan of the text that steps over strings and comments.
"""

from __future__ import annotations

import re
import tomllib

import yaml
from yaml.constructor import ConstructorError

MAX_DEPTH = 32  # metadata is flat; a theme's keywords are a list, two levels at most


class ParseError(Exception):
    """Text that cannot be parsed; `line` is 1-based within the text given, or None."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def check_size(raw: str | bytes, limit: int, what: str) -> None:
    """Refuse text over `limit` characters before any parser sees it."""
    if len(raw) > limit:
        raise ParseError(f"{what} is {len(raw):,} characters, over the {limit:,}-character limit")


# --- YAML ---------------------------------------------------------------------------------

class _NoDuplicates:
    """Constructor rule: a key given twice is an error (YAML's own rule; PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            if duplicate:
                raise ConstructorError(None, None, f"duplicate key {_short(key)!r}", key_node.start_mark)
        return super().construct_mapping(node, deep)


class _TextDateLoader(_NoDuplicates, yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text and are validated like every other
    value, so `date: 2025-13-45` is reported at its line instead of crashing the YAML parser."""


class _FastTextDateLoader(_NoDuplicates, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same rules on libyaml's parser, much faster than the pure-Python one."""


_TextDateLoader.yaml_implicit_resolvers = _FastTextDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def load_yaml(raw: str, max_depth: int = MAX_DEPTH):
    """Parse one YAML document: libyaml first; on a problem the pure parser again, whose messages
    and marks are the ones users are shown (libyaml words and places some differently)."""
    try:
        _scan_events(_FastTextDateLoader(raw), max_depth)
        return yaml.load(raw, Loader=_FastTextDateLoader)
    except yaml.YAMLError:
        pass
    try:
        _scan_events(_TextDateLoader(raw), max_depth)
        return yaml.load(raw, Loader=_TextDateLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ParseError(f"not valid YAML: {exc.problem or exc}", mark.line + 1 if mark else None) from None
    except (yaml.YAMLError, ValueError) as exc:  # e.g. a value too large for the constructor
        raise ParseError(f"not valid YAML: {_short(str(exc), 200)}") from None


def _scan_events(loader, max_depth: int) -> None:
    """Walk the event stream, refusing aliases and nesting deeper than `max_depth`.

    An alias repeats a value by reference, so a few lines can stand for billions of values
    ("billion laughs"); metadata never needs one, so none is accepted.
    """
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise ParseError("YAML aliases (*name) are not allowed here; write the value out",
                                 event.start_mark.line + 1)
            if isinstance(event, _OPEN):
                depth += 1
                if depth > max_depth:
                    raise ParseError(f"nested more than {max_depth} levels deep", event.start_mark.line + 1)
            elif isinstance(event, _CLOSE):
                depth -= 1
    finally:
        loader.dispose()


# --- TOML ---------------------------------------------------------------------------------

# The next thing that matters to nesting: a bracket or brace, or the start of what can hold one
# that is not structure (a string of one of TOML's four kinds, a comment).
_TOML_NEXT = re.compile(r'"""|\'\'\'|["\'#\[\]{}]')
# The bodies of the two escaping string kinds, as unrolled loops: one way to match each
# character, so a string that never ends costs one pass, not a pass per quote.
_BASIC_BODY = re.compile(r'[^"\\\n]*(?:\\.[^"\\\n]*)*')
_MULTILINE_BODY = re.compile(r'[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*', re.S)
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def toml_too_deep(raw: str, max_depth: int = MAX_DEPTH) -> int | None:
    """The line where brackets and braces nest deeper than `max_depth`, else None, in one pass
    over the text. A single-line string that never closes ends at its line's end."""
    depth, pos = 0, 0
    while (m := _TOML_NEXT.search(raw, pos)) is not None:
        token, pos = m.group(), m.end()
        if token in ("[", "{"):
            depth += 1
            if depth > max_depth:
                return raw.count("\n", 0, m.start()) + 1
        elif token in ("]", "}"):
            depth = max(0, depth - 1)
        elif token == '"':
            pos = _BASIC_BODY.match(raw, pos).end() + 1
        elif token == '"""':
            pos = _MULTILINE_BODY.match(raw, pos).end() + 3
        else:  # a comment or a literal string: nothing escapes inside, it ends at its terminator
            end = {"#": "\n", "'": "'", "'''": "'''"}[token]
            found = raw.find(end, pos)
            if token == "'":
                newline = raw.find("\n", pos)
                found = newline if found < 0 or 0 <= newline < found else found
            if found < 0:
                return None
            pos = found + len(end)
    return None


def load_toml(raw: str, max_depth: int = MAX_DEPTH) -> dict:
    """tomllib.loads with the depth checked first; ParseError with tomllib's line otherwise."""
    line = toml_too_deep(raw, max_depth)
    if line is not None:
        raise ParseError(f"nested more than {max_depth} levels deep", line)
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS_RE.search(msg)
        if m:
            line = int(m.group(1))
        elif msg.endswith("(at end of document)"):  # e.g. an unclosed array: say where it ends
            line, msg = raw.count("\n") + 1, msg[: -len("(at end of document)")] + "(at end of file)"
        raise ParseError(f"not valid TOML: {_TOML_POS_RE.sub('', msg).strip()}", line) from None
    except RecursionError:  # the scan above should make this unreachable; never a traceback
        raise ParseError(f"nested more than {max_depth} levels deep") from None


def _short(value, limit: int = 60) -> str:
    """A value for a message, cut to `limit` characters (a message never grows with the input)."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
