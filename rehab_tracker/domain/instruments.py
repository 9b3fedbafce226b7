"""Neutral labels for the questionnaires, and a parser for a licensed clinic's own wording.

The wording of the Oswestry Disability Index is copyrighted (licensed through Mapi Research Trust)
and the licensing of the Roland-Morris wording for software is unverified, so the application ships
only neutral section names and item numbers. A clinic that holds a licence can load the wording
from a JSON document:

ODI::

    {"instrument": "odi", "version": "2.1a", "licence": "<licence reference>",
     "sections": [{"title": "...", "options": ["<score 0>", ..., "<score 5>"]}, ... 10 sections]}

RMDQ::

    {"instrument": "rmdq", "version": "...", "licence": "...", "items": ["...", ... 24 items]}

``version`` is optional for both; ``licence`` is required for the ODI and optional for the RMDQ.
:func:`parse_wording` takes text or an already-decoded mapping; reading the file is the
caller's job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Instrument = Literal["odi", "rmdq"]

ODI_SECTION_COUNT = 10
ODI_OPTIONS_PER_SECTION = 6  # scores 0-5
RMDQ_ITEM_COUNT = 24
#: the questionnaires whose wording a licensed clinic may load
WORDING_INSTRUMENTS: tuple[str, ...] = ("odi", "rmdq")

ODI_SECTIONS: tuple[str, ...] = (
    "pain intensity",
    "personal care",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sex life",
    "social life",
    "travelling",
)

RMDQ_ITEMS: tuple[str, ...] = tuple(f"Item {n}" for n in range(1, RMDQ_ITEM_COUNT + 1))


def odi_section_label(index: int) -> str:
    """``odi_section_label(2) == "section 3 (lifting)"`` (``index`` counts from 0)."""
    if not 0 <= index < ODI_SECTION_COUNT:
        raise ValueError(f"ODI section index must be 0-9, got {index}")
    return f"section {index + 1} ({ODI_SECTIONS[index]})"


@dataclass(frozen=True)
class WordingSection:
    title: str
    options: tuple[str, ...]  # option text for scores 0..5


@dataclass(frozen=True)
class InstrumentWording:
    """A licensed wording: ``sections`` for the ODI, ``items`` for the RMDQ (the other is empty)."""

    instrument: Instrument
    version: str | None
    licence: str | None
    sections: tuple[WordingSection, ...] = ()
    items: tuple[str, ...] = ()


_ODI_KEYS = frozenset({"instrument", "version", "licence", "sections"})
_RMDQ_KEYS = frozenset({"instrument", "version", "licence", "items"})


def parse_wording(text: str | Mapping[str, Any], instrument: str) -> InstrumentWording:
    """Validate a wording document for ``instrument`` ("odi" or "rmdq") and return it.

    Raises ValueError naming the first problem found (invalid JSON, wrong instrument, unknown or
    missing keys, wrong number of sections/options/items, empty or non-text entries).
    """
    if instrument not in WORDING_INSTRUMENTS:
        raise ValueError(f"instrument must be 'odi' or 'rmdq', got {instrument!r}")
    data: object
    if isinstance(text, str):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"wording file is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
            ) from None
    else:
        data = text
    if not isinstance(data, Mapping):
        raise ValueError("wording file must be a JSON object at the top level")

    declared = data.get("instrument")
    if declared != instrument:
        raise ValueError(f"wording file is for instrument {declared!r}, expected {instrument!r}")
    allowed = _ODI_KEYS if instrument == "odi" else _RMDQ_KEYS
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        raise ValueError(
            f"unknown key(s) in wording file: {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    version = _optional_text(data, "version")
    licence = _optional_text(data, "licence")

    if instrument == "odi":
        if licence is None:
            raise ValueError("ODI wording needs a 'licence' entry (the clinic's licence reference)")
        return InstrumentWording("odi", version, licence, sections=_odi_sections(data))
    return InstrumentWording("rmdq", version, licence, items=_rmdq_items(data))


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    if key not in data or data[key] is None:
        return None
    return _text(data[key], key)


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected text, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{where}: must not be empty")
    return value.strip()


def _list(value: object, where: str, count: int, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of {count} {what}")
    if len(value) != count:
        raise ValueError(f"{where}: expected {count} {what}, got {len(value)}")
    return value


def _odi_sections(data: Mapping[str, Any]) -> tuple[WordingSection, ...]:
    if "sections" not in data:
        raise ValueError("ODI wording needs 'sections'")
    raw = _list(data["sections"], "sections", ODI_SECTION_COUNT, "sections")
    sections = []
    for i, section in enumerate(raw):
        where = f"sections[{i}] ({ODI_SECTIONS[i]})"
        if not isinstance(section, Mapping):
            raise ValueError(f"{where}: expected an object with 'title' and 'options'")
        extra = sorted(str(k) for k in section if k not in ("title", "options"))
        if extra:
            raise ValueError(f"{where}: unknown key(s) {', '.join(extra)}")
        if "title" not in section or "options" not in section:
            raise ValueError(f"{where}: needs both 'title' and 'options'")
        title = _text(section["title"], f"{where}.title")
        options = _list(
            section["options"],
            f"{where}.options",
            ODI_OPTIONS_PER_SECTION,
            "options (scores 0-5)",
        )
        texts = tuple(_text(o, f"{where}.options[{j}]") for j, o in enumerate(options))
        sections.append(WordingSection(title, texts))
    return tuple(sections)


def _rmdq_items(data: Mapping[str, Any]) -> tuple[str, ...]:
    if "items" not in data:
        raise ValueError("RMDQ wording needs 'items'")
    raw = _list(data["items"], "items", RMDQ_ITEM_COUNT, "items")
    return tuple(_text(item, f"items[{i}] (item {i + 1})") for i, item in enumerate(raw))
