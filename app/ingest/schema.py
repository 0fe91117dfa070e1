"""The schema of a document's metadata, as front matter or a manifest entry: pydantic models
whose every field is checked with a message of ours, turned into SourceErrors with lines.

Each field's validator runs before pydantic's own type check and accepts only what the
documentation allows, so the messages users see are these, never pydantic's or a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from app.ingest.records import SourceError, shown

KINDS = ("official", "commentary")
KEYS = {
    "title", "kind", "slug", "date", "event_date", "publisher", "author", "translator",
    "language", "source_url", "retrieved", "comments_on", "translation_of", "aliases",
}
MANIFEST_ONLY_KEYS = {"file", "lines"}
DATE_KEYS = ("date", "event_date", "retrieved")
TEXT_KEYS = ("title", "kind", "slug", "publisher", "author", "translator", "language", "source_url", "comments_on",
             "translation_of")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
# A BCP 47 language tag as documents use them: language, then optional script, region and
# variants ("en", "zh-Hant", "zh-Hans-CN", "pt-BR", "de-CH-1996"); private-use and extension
# subtags are not for document languages.
BCP47_RE = re.compile(r"^([A-Za-z]{2,3})(?:-([A-Za-z]{4}))?(?:-([A-Za-z]{2}|\d{3}))?((?:-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*)$")


def _problem(key: str, message: str) -> PydanticCustomError:
    # The message goes in the context, so braces in a quoted value are never read as a template.
    return PydanticCustomError("source", "{message}", {"message": message, "key": key})


def quoted(value) -> str:
    """A value for a message: repr, escaped and cut short, so a message never grows with the input."""
    text = shown(repr(value))
    return text if len(text) <= 80 else text[:80] + "…"


class DocumentMeta(BaseModel):
    """Front matter: the keys of README's "Adding a document", each value checked."""

    model_config = ConfigDict(extra="forbid")

    title: str
    kind: str
    slug: str | None = None
    date: str | None = None
    event_date: str | None = None
    retrieved: str | None = None
    publisher: str | None = None
    author: str | None = None
    translator: str | None = None
    language: str | None = None
    source_url: str | None = None
    comments_on: str | None = None
    translation_of: str | None = None
    aliases: list[str] = []

    @field_validator(*TEXT_KEYS, mode="before")
    @classmethod
    def _text(cls, value, info: ValidationInfo):
        key = info.field_name
        if (value is None or value == "") and key in ("title", "kind"):
            raise PydanticCustomError("missing", "missing")  # gathered with the absent keys
        if value is None or value == "":
            return None
        if isinstance(value, bool):  # YAML reads `no`, `off`, `yes` as booleans
            raise _problem(key, f"'{key}' must be text, not {quoted(value)} (put it in quotes)")
        if not isinstance(value, (str, int, float)):
            raise _problem(key, f"'{key}' must be text, not a {_kind_of(value)}")
        text = " ".join(str(value).split())
        if not text and key == "title":
            raise _problem(key, "'title' is blank")
        if not text and key == "kind":
            raise PydanticCustomError("missing", "missing")
        return text or None

    @field_validator("kind")
    @classmethod
    def _kind(cls, value):
        if value not in KINDS:
            raise _problem("kind", f"kind must be one of {', '.join(KINDS)}, not {quoted(value)}")
        return value

    @field_validator("slug")
    @classmethod
    def _slug(cls, value):
        if value is not None and not SLUG_RE.match(value):
            raise _problem("slug", f"slug {quoted(value)} must be lower-case letters, digits and hyphens")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value):
        if value is None:
            return None
        m = BCP47_RE.match(value)
        if not m:
            raise _problem("language", f"'language' must be a BCP 47 language tag such as en, zh, zh-Hant or fr, "
                                       f"not {quoted(value)}")
        lang, script, region, variants = m.groups()
        # The registry's case conventions, so zh-hant and zh-Hant are one language.
        return "-".join(p for p in (lang.lower(), script and script.title(), region and region.upper(),
                                    variants.lower().lstrip("-") if variants else None) if p)

    @field_validator("translation_of")
    @classmethod
    def _translation_of(cls, value):
        if value is not None and not SLUG_RE.match(value):
            raise _problem("translation_of", f"'translation_of' must be the slug of the original, not {quoted(value)}")
        return value

    @field_validator("source_url")
    @classmethod
    def _url(cls, value):
        # rendered as a link: a "javascript:" or other scheme must never get that far
        if value is not None and not re.match(r"(?i)https?://[^\s/]", value):
            raise _problem("source_url", f"'source_url' must be an http:// or https:// address, not {quoted(value)}")
        return value

    @field_validator(*DATE_KEYS, mode="before")
    @classmethod
    def _date(cls, value, info: ValidationInfo):
        try:
            return parse_date(value)
        except ValueError:
            raise _problem(info.field_name, f"'{info.field_name}' is not a date (use YYYY-MM-DD): {quoted(value)}") from None

    @field_validator("aliases", mode="before")
    @classmethod
    def _aliases(cls, value):
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(a, str) and SLUG_RE.match(a) for a in value):
            raise _problem("aliases", "'aliases' must be a list of slugs")
        return sorted(set(value))

    @model_validator(mode="after")
    def _together(self, info: ValidationInfo):
        if self.kind == "official" and self.comments_on:
            raise _problem("comments_on", "'comments_on' is only for commentary")
        if self.slug is None:
            default = (info.context or {}).get("default_slug")
            if default is not None and not SLUG_RE.match(default):
                raise _problem("slug", f"slug {quoted(default)} (from the file name) must be lower-case "
                                       "letters, digits and hyphens; set 'slug'")
            self.slug = default
        self.language = self.language or "en"
        if self.translation_of is not None and self.translation_of == self.slug:
            raise _problem("translation_of", "a document cannot be a translation of itself")
        return self


class ManifestEntry(DocumentMeta):
    """A [[document]] of manifest.toml: the metadata, plus the file and its line range."""

    file: str
    lines: tuple[int, int] | None = None

    @field_validator("file", mode="before")
    @classmethod
    def _file(cls, value):
        if not isinstance(value, str) or not value.strip():
            raise _problem("file", "document entry has no 'file' (the text file's name, in quotes)")
        return value

    @field_validator("lines", mode="before")
    @classmethod
    def _lines(cls, value):
        if value is None:
            return None
        if not (isinstance(value, list) and len(value) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in value)):
            raise _problem("lines", f"'lines' must be [first, last] line numbers, not {quoted(value)}")
        return tuple(value)


def validate(model: type[DocumentMeta], path: Path | str, meta: dict, key_line=lambda key: None,
             default_slug: str | None = None) -> tuple[DocumentMeta | None, list[SourceError]]:
    """The checked model, or None and every problem, each at its key's line where there is one."""
    bad_keys = [k for k in meta if not isinstance(k, str)]
    if bad_keys:
        return None, [SourceError(path, f"keys must be text, not {quoted(bad_keys[0])}")]
    try:
        return model.model_validate(meta, context={"default_slug": default_slug}), []
    except ValidationError as exc:
        return None, _errors(path, exc, key_line)


def _errors(path: Path | str, exc: ValidationError, key_line) -> list[SourceError]:
    """Pydantic's errors as ours: unknown and missing keys gathered, one line each."""
    unknown, missing, errors = [], [], []
    for err in exc.errors(include_url=False):
        key = (err.get("ctx") or {}).get("key") or (str(err["loc"][0]) if err["loc"] else None)
        if err["type"] == "extra_forbidden":
            unknown.append(key)
        elif err["type"] == "missing":
            missing.append(key)
        else:
            message = (err.get("ctx") or {}).get("message") or f"{key!r}: {err['msg']}"
            errors.append(SourceError(path, message, key_line(key) if key else None))
    if unknown:
        errors.insert(0, SourceError(path, f"unknown key(s): {', '.join(shown(k) for k in sorted(unknown))}",
                                     key_line(sorted(unknown)[0])))
    if missing:
        order = ["title", "kind", "file"]
        errors.insert(0, SourceError(path, f"missing required key(s): {', '.join(sorted(missing, key=order.index))}"))
    return errors


def _kind_of(value) -> str:
    return {dict: "table", list: "list"}.get(type(value), type(value).__name__)


def parse_date(value) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (text or TOML/YAML date); return ISO text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError("not a date")
    text = str(value).strip()
    for fmt, width in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(text) == width:
            try:
                dt.datetime.strptime(text, fmt)
                return text
            except ValueError:
                pass
    raise ValueError(text)
