"""Source bytes to clean text: UTF-8, else a confident legacy-encoding guess; invisibles unified."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from app.ingest.records import SourceError, shown

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Control characters that carry no text; tab and newline are kept, NUL is an error (see _clean).
_STRAY_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ZERO_WIDTH = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen too
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


# Readings of non-UTF-8 bytes that are trusted: a wrong guess among these still yields
# letters, while a wrong multi-byte guess yields nonsense silently. cp1252 first: it is what
# "Latin-1" files usually are, and it decodes curly quotes and dashes that Latin-1 cannot.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_MAX_CHAOS = 0.1


def decode(path: Path, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, list[str]]:
    """Bytes to clean text: UTF-8 (BOM allowed), else a confident legacy-encoding guess."""
    warnings: list[str] = []
    if not data.strip():
        raise SourceError(path, "file is empty")
    if len(data) > max_bytes:
        raise SourceError(path, f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError(path, "starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
        warnings.append(f"{shown(path)}: decoded as UTF-16 (byte-order mark), not UTF-8")
        return _clean(path, text, warnings), warnings
    if b"\x00" in data:
        if data.count(b"\x00") > 8:  # a line number means nothing in a binary file
            raise SourceError(path, "binary file (NUL bytes); not a text file")
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(path, "NUL character; not a text file", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        encoding = _western_guess(data)
        if encoding is None:
            raise SourceError(
                path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}) and no confident encoding guess; "
                "save the file as UTF-8", line
            ) from None
        text = data.decode(encoding)
        warnings.append(f"{shown(path)}: decoded as {encoding}, not UTF-8 (first odd byte on line {line})")
    return _clean(path, text, warnings), warnings


def _western_guess(data: bytes) -> str | None:
    """A Western single-byte encoding that reads `data` as well as any other reading does.

    charset-normalizer groups encodings that decode the bytes alike and, among readings that
    score the same, may name e.g. cp1250 first; a Western reading scoring as well as the best
    one is taken. A text that only reads well in another script (Cyrillic, Polish, Chinese) is
    refused rather than decoded into wrong letters.
    """
    from charset_normalizer import from_bytes  # only for the rare file that is not UTF-8

    matches = list(from_bytes(data))
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    if best > _MAX_CHAOS:
        return None
    for m in matches:
        if m.chaos > best + 0.005:
            continue
        names = {m.encoding, *m.could_be_from_charset}
        for encoding in _WESTERN:
            if encoding in names:
                try:
                    data.decode(encoding)
                except UnicodeDecodeError:
                    continue
                return encoding
    return None


def _clean(path: Path | str, text: str, warnings: list[str] | None = None) -> str:
    """Unify line endings and invisible characters so segmentation and ids see plain text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    controls = len(_STRAY_CONTROLS.findall(text))
    if controls:
        # A vertical tab or form feed separates words; the other controls carry nothing.
        text = _STRAY_CONTROLS.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)
        if warnings is not None:
            warnings.append(f"{shown(path)}: removed {controls} control character(s)")
    return unicodedata.normalize("NFC", text)
