"""Neutral questionnaire labels and the licensed-wording parser."""

from __future__ import annotations

import copy
import json

import pytest

from rehab_tracker.domain.instruments import (
    ODI_SECTIONS,
    RMDQ_ITEMS,
    InstrumentWording,
    odi_section_label,
    parse_wording,
)


def test_odi_sections_are_the_ten_neutral_names():
    assert ODI_SECTIONS == (
        "pain intensity", "personal care", "lifting", "walking", "sitting", "standing",
        "sleeping", "sex life", "social life", "travelling",
    )


def test_rmdq_items_are_numbered():
    assert len(RMDQ_ITEMS) == 24
    assert RMDQ_ITEMS[0] == "Item 1"
    assert RMDQ_ITEMS[-1] == "Item 24"


@pytest.mark.parametrize(
    ("index", "label"),
    [(0, "section 1 (pain intensity)"), (2, "section 3 (lifting)"), (9, "section 10 (travelling)")],
)
def test_odi_section_label(index, label):
    assert odi_section_label(index) == label


@pytest.mark.parametrize("index", [-1, 10])
def test_odi_section_label_out_of_range(index):
    with pytest.raises(ValueError):
        odi_section_label(index)


def odi_document() -> dict[str, object]:
    return {
        "instrument": "odi",
        "version": "2.1a",
        "licence": "Clinic licence 0001",
        "sections": [
            {"title": f"Heading {i}", "options": [f"Choice {i}.{j}" for j in range(6)]}
            for i in range(10)
        ],
    }


def rmdq_document() -> dict[str, object]:
    return {"instrument": "rmdq", "items": [f"Statement {i}" for i in range(1, 25)]}


def test_parse_odi_from_text():
    wording = parse_wording(json.dumps(odi_document()), "odi")
    assert isinstance(wording, InstrumentWording)
    assert wording.instrument == "odi"
    assert wording.version == "2.1a"
    assert wording.licence == "Clinic licence 0001"
    assert len(wording.sections) == 10
    assert wording.sections[3].title == "Heading 3"
    assert wording.sections[3].options[5] == "Choice 3.5"
    assert wording.items == ()


def test_parse_odi_from_mapping_strips_whitespace():
    doc = odi_document()
    doc["sections"][0]["title"] = "  Padded  "  # type: ignore[index]
    assert parse_wording(doc, "odi").sections[0].title == "Padded"


def test_parse_rmdq_without_version_or_licence():
    wording = parse_wording(json.dumps(rmdq_document()), "rmdq")
    assert wording.instrument == "rmdq"
    assert wording.items[0] == "Statement 1"
    assert len(wording.items) == 24
    assert wording.version is None and wording.licence is None
    assert wording.sections == ()


def _mutate(doc, path, value):
    doc = copy.deepcopy(doc)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("instrument",), "rmdq", "expected 'odi'"),
        (("instrument",), KeyError, "expected 'odi'"),
        (("licence",), KeyError, "licence"),
        (("licence",), "   ", "must not be empty"),
        (("version",), 2.1, "version: expected text"),
        (("extra",), 1, "unknown key"),
        (("sections",), KeyError, "needs 'sections'"),
        (("sections",), "x", "expected a list of 10"),
        (("sections",), [], "expected 10 sections, got 0"),
        (("sections", 2), "lifting", "sections[2] (lifting): expected an object"),
        (("sections", 2, "title"), KeyError, "needs both"),
        (("sections", 2, "title"), 3, "sections[2] (lifting).title: expected text"),
        (("sections", 2, "options"), ["a"] * 5, "expected 6 options (scores 0-5), got 5"),
        (("sections", 2, "options"), ["a"] * 7, "got 7"),
        (("sections", 2, "options", 4), "", "options[4]: must not be empty"),
        (("sections", 2, "options", 4), None, "options[4]: expected text"),
        (("sections", 2, "note"), "x", "unknown key"),
    ],
)
def test_odi_shape_errors(path, value, message):
    doc = _mutate(odi_document(), path, value)
    with pytest.raises(ValueError) as info:
        parse_wording(doc, "odi")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("items",), KeyError, "needs 'items'"),
        (("items",), ["x"] * 23, "expected 24 items, got 23"),
        (("items",), {"a": 1}, "expected a list of 24"),
        (("items", 23), "", "items[23] (item 24): must not be empty"),
        (("items", 0), 1, "items[0] (item 1): expected text"),
        (("sections",), [], "unknown key"),
    ],
)
def test_rmdq_shape_errors(path, value, message):
    doc = _mutate(rmdq_document(), path, value)
    with pytest.raises(ValueError) as info:
        parse_wording(doc, "rmdq")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [("{not json", "not valid JSON"), ("[1, 2]", "JSON object"), ("", "not valid JSON")],
)
def test_text_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_wording(text, "odi")


def test_unknown_instrument():
    with pytest.raises(ValueError, match="instrument must be"):
        parse_wording(rmdq_document(), "sf36")
