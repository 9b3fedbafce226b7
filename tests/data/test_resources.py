"""Loading the shipped resources from disk, and clear errors for broken files."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from rehab_tracker.data import locations
from rehab_tracker.data.resources import (
    ResourceError,
    list_templates,
    load_education,
    load_exercise_library,
    load_template,
)
from rehab_tracker.domain.schedule import plan_schedule


@pytest.fixture()
def copy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "resources"
    shutil.copytree(locations.resources_dir(), target)
    return target


def test_shipped_resources_load_from_the_resources_dir() -> None:
    library = load_exercise_library()
    assert len(library) >= 24
    assert "usc-12-week" in list_templates()
    template = load_template()
    assert template.code == "usc-12-week"
    assert template.exercise_codes() <= {e.code for e in library}
    assert len(load_education()) >= 8


def test_shipped_template_plans_36_sessions() -> None:
    plan = plan_schedule(
        load_template("usc-12-week"),
        "high",
        date(2026, 1, 5),
        date(2026, 2, 2),
        today=date(2026, 1, 20),
    )
    assert len(plan.sessions) == 36


def test_broken_json_names_the_file(copy_dir: Path) -> None:
    (copy_dir / "exercises.json").write_text('{"schema_version": 1,', encoding="utf-8")
    with pytest.raises(ResourceError) as info:
        load_exercise_library(copy_dir)
    assert "exercises.json" in str(info.value)
    assert "line 1" in str(info.value)


def test_invalid_content_names_the_file_and_field(copy_dir: Path) -> None:
    path = copy_dir / "education.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["items"][0]["url"] = "ftp://example.org"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResourceError) as info:
        load_education(copy_dir)
    assert "education.json" in str(info.value)
    assert any(key.endswith(".url") for key in info.value.errors)


def test_template_checked_against_the_library_in_the_same_folder(copy_dir: Path) -> None:
    path = copy_dir / "exercises.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["exercises"] = [e for e in data["exercises"] if e["code"] != "bird_dog"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResourceError) as info:
        load_template(directory=copy_dir)
    assert "usc-12-week.json" in str(info.value)
    assert "bird_dog" in str(info.value)


def test_non_utf8_file_is_reported(copy_dir: Path) -> None:
    (copy_dir / "education.json").write_bytes(b'{"title": "caf\xe9"}')
    with pytest.raises(ResourceError, match="UTF-8"):
        load_education(copy_dir)


def test_missing_and_bad_template_codes(copy_dir: Path) -> None:
    with pytest.raises(ResourceError, match="available: usc-12-week"):
        load_template("nope", copy_dir)
    with pytest.raises(ResourceError, match="not a valid template code"):
        load_template("../exercises", copy_dir)
    (copy_dir / "exercises.json").unlink()
    with pytest.raises(ResourceError, match="missing"):
        load_exercise_library(copy_dir)


def test_template_file_name_must_match_its_code(copy_dir: Path) -> None:
    shutil.copy(copy_dir / "templates" / "usc-12-week.json", copy_dir / "templates" / "copy.json")
    assert list_templates(copy_dir) == ["copy", "usc-12-week"]
    with pytest.raises(ResourceError, match="code is 'usc-12-week'"):
        load_template("copy", copy_dir)


def test_list_templates_without_folder(tmp_path: Path) -> None:
    assert list_templates(tmp_path) == []
