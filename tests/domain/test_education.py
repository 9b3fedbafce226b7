"""Patient education items: the shipped texts and the parser's rules."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from rehab_tracker.domain.education import EducationItem, parse_education
from rehab_tracker.domain.errors import ValidationError

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
RAW: dict[str, Any] = json.loads((RESOURCES / "education.json").read_text(encoding="utf-8"))


@pytest.fixture()
def raw() -> dict[str, Any]:
    return copy.deepcopy(RAW)


def _by_code(items: tuple[EducationItem, ...]) -> dict[str, EducationItem]:
    return {i.code: i for i in items}


def test_shipped_items_parse_and_are_patient_texts(raw: dict[str, Any]) -> None:
    items = parse_education(raw)
    assert len(items) >= 8
    for item in items:
        assert item.audience == "patient"
        assert item.kind == "text" and item.url is None
        assert "\n" not in item.summary
        assert len(item.paragraphs) >= 2, item.code


def test_shipped_items_cover_the_required_topics(raw: dict[str, Any]) -> None:
    items = _by_code(parse_education(raw))
    for code in (
        "what-the-surgery-did",
        "what-recovery-looks-like",
        "why-exercise-and-when",
        "warning-signs",
        "early-restrictions",
        "pacing-and-flare-ups",
        "work-and-driving",
        "sitting-and-sleeping",
    ):
        assert code in items, code
    warning = items["warning-signs"].body.lower()
    for phrase in ("both legs", "saddle", "urine", "weakness", "fever", "emergency"):
        assert phrase in warning, phrase
    why = items["why-exercise-and-when"].body.lower()
    assert "4 to 6 weeks" in why and "repeat operations" in why
    assert "surgeon" in items["work-and-driving"].body.lower()


def test_paragraphs_split_at_blank_lines() -> None:
    item = EducationItem("x", "T", "S", "One\nline.\n\n\nTwo.\n\n", "patient", None, "text")
    assert item.paragraphs == ("One line.", "Two.")


def test_duplicate_codes_are_refused(raw: dict[str, Any]) -> None:
    raw["items"].append(copy.deepcopy(raw["items"][0]))
    with pytest.raises(ValidationError) as info:
        parse_education(raw)
    assert list(info.value.errors) == [f"items[{len(raw['items']) - 1}].code"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/v.mp4", "file:///etc/passwd", "www.x.org", 5]
)
def test_only_http_urls_are_accepted(raw: dict[str, Any], url: object) -> None:
    raw["items"][0]["url"] = url
    code = raw["items"][0]["code"]
    with pytest.raises(ValidationError) as info:
        parse_education(raw)
    assert f"{code}.url" in info.value.errors


def test_clinic_video_item_with_url(raw: dict[str, Any]) -> None:
    raw["items"].append(
        {
            "code": "clinic-video-bridge",
            "title": "Video: the bridge",
            "summary": "A short video of the bridge exercise.",
            "body": "",
            "audience": "patient",
            "url": "https://clinic.example.org/videos/bridge.mp4",
            "kind": "video",
        }
    )
    items = _by_code(parse_education(raw))
    assert items["clinic-video-bridge"].url == "https://clinic.example.org/videos/bridge.mp4"
    raw["items"][-1]["url"] = None
    with pytest.raises(ValidationError) as info:
        parse_education(raw)
    assert "clinic-video-bridge.url" in info.value.errors


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"summary": "two\nlines"}, "summary"),
        ({"body": "  "}, "body"),
        ({"audience": "public"}, "audience"),
        ({"kind": "podcast"}, "kind"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_fields_are_named(raw: dict[str, Any], changes: dict[str, Any], field: str) -> None:
    raw["items"][1].update(changes)
    code = raw["items"][1]["code"]
    with pytest.raises(ValidationError) as info:
        parse_education(raw)
    assert f"{code}.{field}" in info.value.errors


def test_schema_version_is_checked(raw: dict[str, Any]) -> None:
    raw["schema_version"] = 99
    with pytest.raises(ValidationError) as info:
        parse_education(raw)
    assert "schema_version" in info.value.errors
