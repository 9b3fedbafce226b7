"""Library service: idempotent seeding, add/edit with domain validation, retire keeps history."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Exercise, ProgramTemplate
from rehab_tracker.data.resources import list_templates, load_exercise_library
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.library import ExerciseForm, LibraryService
from tests.staff import staff


@pytest.fixture
def library(db: Database) -> LibraryService:
    return LibraryService(db, staff("tester"))


def count(db: Database, model: type) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def valid_form(**changes: object) -> ExerciseForm:
    form = ExerciseForm(
        name="Bridge with march",
        body_region="trunk",
        dosage_type="reps",
        equipment="mat",
        instructions="Lie on the back, knees bent.\nLift the hips, then march slowly.",
        cautions="Keep the pelvis level.",
        default_dosage=(
            ("strength", {"sets": 2, "reps_min": 8, "reps_max": 12, "effort_target": 5}),
        ),
        progression_note="Add two repetitions when all sets are easy.",
        progression_steps={"reps_step": 2},
    )
    return dataclasses.replace(form, **changes)  # type: ignore[arg-type]


def test_seeding_is_idempotent(db: Database, library: LibraryService) -> None:
    shipped = len(load_exercise_library())
    added = library.ensure_seeded()
    assert added == shipped + len(list_templates())
    assert count(db, Exercise) == shipped
    assert count(db, ProgramTemplate) == len(list_templates())
    assert library.ensure_seeded() == 0
    assert count(db, Exercise) == shipped


def test_seeding_keeps_clinic_edits(library: LibraryService) -> None:
    library.ensure_seeded()
    row = library.list_exercises()[0]
    form = dataclasses.replace(library.detail(row.id).form, cautions="Clinic caution.")
    library.update(row.id, form, expected_version=library.detail(row.id).version)
    library.ensure_seeded()
    assert library.detail(row.id).form.cautions == "Clinic caution."


def test_detail_round_trips_every_shipped_exercise(library: LibraryService) -> None:
    library.ensure_seeded()
    for row in library.list_exercises():
        detail = library.detail(row.id)
        library.check(detail.form)  # the form's doses and steps check back to the same exercise


def test_add_and_validation_errors(library: LibraryService) -> None:
    with pytest.raises(ValidationError) as caught:
        library.add(
            valid_form(instructions="", default_dosage=(("strength", {"sets": 0, "reps_min": 8}),))
        )
    assert {"instructions", "default_dosage"} <= set(caught.value.errors)
    with pytest.raises(ValidationError) as caught:
        library.add(valid_form(progression_steps={"distance_step_m": 5}))
    assert "progression_steps" in caught.value.errors
    new_id = library.add(valid_form())
    row = next(r for r in library.list_exercises() if r.id == new_id)
    assert row.code == "bridge_with_march" and not row.builtin
    second = library.add(valid_form())
    assert next(r for r in library.list_exercises() if r.id == second).code == "bridge_with_march_2"


def test_retire_keeps_the_row_and_restore(db: Database, library: LibraryService) -> None:
    new_id = library.add(valid_form())
    before = count(db, Exercise)
    library.retire(new_id)
    assert count(db, Exercise) == before
    assert library.detail(new_id).retired
    assert next(r for r in library.list_exercises() if r.id == new_id).retired
    library.restore(new_id)
    assert not library.detail(new_id).retired


def test_file_names_match_resources() -> None:
    from rehab_tracker.data import resources
    from rehab_tracker.services import library

    assert library.EXERCISES_FILE == resources.EXERCISES_FILE
    assert library.EDUCATION_FILE == resources.EDUCATION_FILE


# --- media: images copied into the media folder, stored relative -------------------------


def test_media_dir_follows_the_isolated_home(isolated_home: Path) -> None:
    from rehab_tracker.data import locations

    assert locations.media_dir() == isolated_home / "data" / "media"


def test_attach_image_copies_into_the_media_folder(library: LibraryService, tmp_path: Path) -> None:
    from rehab_tracker.data import locations

    new_id = library.add(valid_form())
    source = tmp_path / "Bridge photo (1).PNG"
    source.write_bytes(b"\x89PNG first")
    entry = library.attach_image(new_id, source)
    assert entry == "bridge_with_march/Bridge-photo-1.png"
    stored = locations.media_dir() / "bridge_with_march" / "Bridge-photo-1.png"
    assert stored.read_bytes() == b"\x89PNG first"
    assert library.media_file(entry) == stored
    assert library.detail(new_id).form.media == (entry,)

    # the same name again: a second file, nothing overwritten
    source.write_bytes(b"\x89PNG second")
    again = library.attach_image(new_id, source)
    assert again == "bridge_with_march/Bridge-photo-1-2.png"
    assert stored.read_bytes() == b"\x89PNG first"
    assert library.media_file(again).read_bytes() == b"\x89PNG second"
    assert library.detail(new_id).form.media == (entry, again)
    library.check(library.detail(new_id).form)  # the domain accepts the stored paths

    # removing keeps the file (past sessions may have shown it)
    library.remove_media(new_id, entry)
    assert library.detail(new_id).form.media == (again,)
    assert stored.is_file()


def test_attach_refuses_other_files_and_traversal(library: LibraryService, tmp_path: Path) -> None:
    from rehab_tracker.data import locations

    new_id = library.add(valid_form())
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    with pytest.raises(ValidationError) as caught:
        library.attach_image(new_id, text)
    assert "media" in caught.value.errors
    with pytest.raises(ValidationError):
        library.attach_image(new_id, tmp_path / "missing.png")
    for bad in ("../secret.png", "a/../../secret.png", "/etc/passwd", "\\\\server\\x.png",
                "C:/x.png", "c:x.png"):
        with pytest.raises(ValidationError):
            library.media_file(bad)
    with pytest.raises(ValidationError):
        library.update(new_id, valid_form(media=("../outside.png",)), expected_version=1)
    # a hostile file name is made safe: it lands inside the exercise's folder
    odd = tmp_path / "..png"
    odd.write_bytes(b"x")
    entry = library.attach_image(new_id, odd)
    assert library.media_file(entry).parent == locations.media_dir() / "bridge_with_march"
    assert library.detail(new_id).form.media == (entry,)


def test_video_links_stay_web_addresses(library: LibraryService) -> None:
    new_id = library.add(valid_form())
    assert library.add_link(new_id, " https://example.org/v/1 ") == "https://example.org/v/1"
    with pytest.raises(ValidationError):
        library.add_link(new_id, "javascript:alert(1)")
    with pytest.raises(ValidationError):
        library.add_link(new_id, "file:///etc/passwd")
    with pytest.raises(ValidationError):
        library.media_file("https://example.org/v/1")
    assert library.detail(new_id).form.media == ("https://example.org/v/1",)
