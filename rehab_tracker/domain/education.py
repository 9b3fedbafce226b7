"""Patient education items: plain-language texts, and links to a clinic's own videos or pages.

Pure parsing and validation of an already-loaded dict (``resources/education.json``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from rehab_tracker.domain import bounds
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.library import (
    SLUG_RE,
    check_schema_version,
    is_http_url,
    parse_coded_list,
)

SCHEMA_VERSION: Final = 1
AUDIENCES: Final = ("patient", "clinician")
KINDS: Final = ("text", "video", "link")
#: Kinds that are only a pointer elsewhere and so need a URL.
URL_KINDS: Final = frozenset({"video", "link"})
MAX_TITLE_LENGTH: Final = 100
MAX_SUMMARY_LENGTH: Final = 200

_KEYS: Final = frozenset({"code", "title", "summary", "body", "audience", "url", "kind"})


@dataclass(frozen=True, slots=True)
class EducationItem:
    code: str
    title: str
    summary: str
    body: str
    audience: str
    url: str | None
    kind: str

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body split at blank lines, each paragraph's lines joined by spaces."""
        blocks = [block for block in self.body.replace("\r\n", "\n").split("\n\n")]
        return tuple(
            " ".join(line.strip() for line in b.splitlines()).strip() for b in blocks if b.strip()
        )


def education_item_errors(d: Mapping[str, Any]) -> dict[str, str]:
    """Field errors of one item (empty when valid); usable by an edit form."""
    col = Collector()
    code = d.get("code")
    who = f"education item {code!r}" if isinstance(code, str) and code else "education item"
    col.check(
        isinstance(code, str) and SLUG_RE.fullmatch(code) is not None,
        "code",
        f"{who}: code must be lower-case letters and digits joined by '_' or '-'.",
    )
    unknown = sorted(str(k) for k in d if k not in _KEYS)
    if unknown:
        col.add(unknown[0], f"{who}: unknown field(s): {', '.join(unknown)}.")
    _check_heading(d, col, who)
    kind = d.get("kind", "text")
    col.check(kind in KINDS, "kind", f"{who}: kind must be one of {', '.join(KINDS)}.")
    audience = d.get("audience", "patient")
    col.check(
        audience in AUDIENCES, "audience", f"{who}: audience must be one of {', '.join(AUDIENCES)}."
    )
    _check_content(d, kind, col, who)
    return col.errors


def _check_heading(d: Mapping[str, Any], col: Collector, who: str) -> None:
    """The title and the one-line summary: present and within their lengths."""
    for key, limit in (("title", MAX_TITLE_LENGTH), ("summary", MAX_SUMMARY_LENGTH)):
        value = d.get(key)
        if not isinstance(value, str) or not value.strip():
            col.add(key, f"{who}: {key} must not be empty.")
        elif len(value.strip()) > limit:
            col.add(key, f"{who}: {key} must be at most {limit} characters.")
        elif key == "summary" and "\n" in value.strip():
            col.add(key, f"{who}: the summary must be one line.")
        else:
            problem = bounds.text_problem(value, limit=limit)
            if problem is not None:
                col.add(key, f"{who}: {problem}")


def _check_content(d: Mapping[str, Any], kind: object, col: Collector, who: str) -> None:
    """The body (text items need one) and the URL (http or https; link kinds need one)."""
    body = d.get("body", "")
    if not isinstance(body, str):
        col.add("body", f"{who}: body must be text.")
    elif kind == "text" and not body.strip():
        col.add("body", f"{who}: a text item needs a body.")
    else:
        problem = bounds.text_problem(body, limit=bounds.LONG_TEXT, multiline=True)
        if problem is not None:
            col.add("body", f"{who}: {problem}")
    url = d.get("url")
    if url is not None:
        if not isinstance(url, str) or not is_http_url(url.strip()):
            col.add("url", f"{who}: the URL must start with http:// or https:// (got {url!r}).")
        elif (problem := bounds.text_problem(url, limit=bounds.URL)) is not None:
            col.add("url", f"{who}: {problem}")
    elif kind in URL_KINDS:
        col.add("url", f"{who}: a {kind} item needs a URL (http:// or https://).")


def parse_education_item(d: Mapping[str, Any]) -> EducationItem:
    if not isinstance(d, Mapping):
        raise ValidationError.single("item", "each education item must be an object.")
    errors = education_item_errors(d)
    if errors:
        raise ValidationError(errors)
    url = d.get("url")
    return EducationItem(
        code=str(d["code"]),
        title=str(d["title"]).strip(),
        summary=str(d["summary"]).strip(),
        body=str(d.get("body", "")).strip(),
        audience=str(d.get("audience", "patient")),
        url=url.strip() if isinstance(url, str) else None,
        kind=str(d.get("kind", "text")),
    )


def parse_education(d: Mapping[str, Any]) -> tuple[EducationItem, ...]:
    """Validate ``{"schema_version": 1, "items": [...]}``; every problem in one ValidationError.

    Keys are ``<item code>.<field>`` (``items[<index>].<field>`` when the code is unusable).
    """
    if not isinstance(d, Mapping):
        raise ValidationError.single("education", "the education file must be a JSON object.")
    check_schema_version(d, "education", SCHEMA_VERSION)
    raw = d.get("items")
    if not isinstance(raw, list):
        raise ValidationError.single("items", "the education file needs an 'items' list.")
    return parse_coded_list(
        raw,
        "items",
        parse_education_item,
        lambda code, _first, _again: f"education item {code!r}: the code is used twice.",
    )
