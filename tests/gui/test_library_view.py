"""The exercise library screen: search, filter, add, edit errors, retire (confirmed), restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QDoubleSpinBox,
    QFileDialog,
    QInputDialog,
    QSpinBox,
    QStyleOptionViewItem,
)

from rehab_tracker.data import locations
from rehab_tracker.domain.dosage import DOSAGE_TYPES, LIMITS, fitting_fields
from rehab_tracker.services.library import ExerciseRow
from rehab_tracker.ui.library.library_view import ROW_ROLE, ExerciseTableModel, LibraryView
from tests.gui.a11y import assert_accessible


def shown(view: LibraryView) -> list[str]:
    return [view.proxy.index(r, 0).data() for r in range(view.proxy.rowCount())]


def make_view(qtbot, services) -> LibraryView:
    services.library.ensure_seeded()
    view = LibraryView(services)
    qtbot.addWidget(view)
    view.show()
    return view


def test_search_and_region_filter(qtbot, services) -> None:
    view = make_view(qtbot, services)
    total = len(shown(view))
    assert total >= 30
    qtbot.keyClicks(view.search, "roman chair")
    assert shown(view) and all("Roman chair" in name for name in shown(view))
    view.search.clear()
    view.region.setCurrentIndex(view.region.findData("endurance"))
    assert 0 < len(shown(view)) < total
    assert_accessible(view)


def edit_cell(qtbot, view: LibraryView, phase: str, field: str, value: str) -> None:
    """Select a dose cell, press F2, type the value and Enter, as a keyboard user does."""
    table = view.editor.dosage_table
    index = view.editor.dosage.model.cell_of(phase, field)
    assert index.isValid(), (phase, field)
    table.setFocus()
    table.setCurrentIndex(index)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    # a closed editor is hidden and deleted later (on a slow machine it can still be around):
    # take the open editor that sits over this cell
    cell = table.visualRect(index).center()

    def open_editors() -> list[QAbstractSpinBox]:
        return [
            e
            for e in table.viewport().findChildren(QAbstractSpinBox)
            if e.isVisible() and e.geometry().contains(cell)
        ]

    qtbot.waitUntil(lambda: len(open_editors()) == 1)
    editor = open_editors()[0]
    assert editor.accessibleName() == table.model().headerData(
        index.column(), Qt.Orientation.Horizontal
    )
    editor.lineEdit().selectAll()
    qtbot.keyClicks(editor, value)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the delegate commits and closes the editor (queued)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    assert index.data() == value


def set_step(qtbot, view: LibraryView, name: str, value: str) -> None:
    box = view.editor.steps.boxes[name]
    assert box.isVisible()
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, value)


def headers(view: LibraryView) -> list[str]:
    model = view.editor.dosage.model
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_add_exercise_with_errors_then_valid(qtbot, services) -> None:
    view = make_view(qtbot, services)
    before = len(services.library.list_exercises())
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.editor.name, "Wall slide")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    errors = view.editor.form.errors
    assert errors["instructions"].text()  # no instructions yet
    assert errors["default_dosage"].text()  # no phase yet
    assert len(services.library.list_exercises()) == before

    view.editor.instructions.setPlainText("Stand with the back to a wall.\nSlide down slowly.")
    dosage = view.editor.dosage
    assert dosage.new_phase.findData("strength") >= 0  # the library's phase codes are offered
    dosage.new_phase.setCurrentText("strength")
    qtbot.mouseClick(dosage.add_button, Qt.MouseButton.LeftButton)
    assert dosage.model.phases() == ["strength"]
    edit_cell(qtbot, view, "strength", "sets", "2")
    edit_cell(qtbot, view, "strength", "reps_min", "8")
    edit_cell(qtbot, view, "strength", "reps_max", "12")
    view.editor.progression_note.setPlainText("Add two repetitions when easy.")
    set_step(qtbot, view, "reps_step", "2")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert len(services.library.list_exercises()) == before + 1
    row = view.selected_row()
    assert row is not None and row.name == "Wall slide"
    assert all(not label.text() for label in errors.values())
    form = services.library.detail(row.id).form
    assert form.default_dosage == (("strength", {"sets": 2, "reps_min": 8, "reps_max": 12}),)
    assert form.progression_steps == {"reps_step": 2}


def first_reps_exercise(view: LibraryView) -> ExerciseRow:
    for r in range(view.proxy.rowCount()):
        row = view.proxy.index(r, 0).data(ROW_ROLE)
        if row.dosage_type == "reps":
            view.table.selectRow(r)
            return row
    raise AssertionError("no reps exercise")


def test_dosage_cell_and_step_are_saved(qtbot, services) -> None:
    view = make_view(qtbot, services)
    row = first_reps_exercise(view)
    assert headers(view) == ["Phase", "Sets", "Reps min", "Reps max", "Load (kg)", "Effort (0-10)"]
    assert view.editor.dosage.model.phases() == ["motor_control", "strength", "strength_function"]
    edit_cell(qtbot, view, "strength", "sets", "4")
    edit_cell(qtbot, view, "strength", "load_kg", "7.5")
    set_step(qtbot, view, "load_step_kg", "1.25")
    assert not view.editor.steps.boxes["hold_step_s"].isVisible()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert all(not label.text() for label in view.editor.form.errors.values())

    stored = services.library.detail(row.id).form
    strength = dict(stored.default_dosage)["strength"]
    assert strength["sets"] == 4 and strength["load_kg"] == 7.5
    assert stored.progression_steps["load_step_kg"] == 1.25

    # reopen: a new screen shows the stored values in the widgets
    again = make_view(qtbot, services)
    assert again.select(row.id)
    model = again.editor.dosage.model
    assert model.cell_of("strength", "sets").data() == "4"
    assert model.cell_of("strength", "load_kg").data() == "7.5"
    assert again.editor.steps.boxes["load_step_kg"].value() == 1.25


def test_reps_min_above_max_shows_at_the_cell_and_saves_nothing(qtbot, services) -> None:
    view = make_view(qtbot, services)
    row = first_reps_exercise(view)
    before = services.library.detail(row.id)
    edit_cell(qtbot, view, "strength", "reps_min", "30")
    edit_cell(qtbot, view, "strength", "reps_max", "10")
    view.editor.dosage_table.setCurrentIndex(view.editor.dosage.model.index(0, 0))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    message = view.editor.form.errors["default_dosage"]
    assert "reps_max must not be less than reps_min" in message.text()
    assert message.isVisible()
    current = view.editor.dosage_table.currentIndex()
    assert current == view.editor.dosage.model.cell_of("strength", "reps_max")
    after = services.library.detail(row.id)
    assert after.form == before.form and after.version == before.version


def test_dosage_type_reshapes_columns_and_steps(qtbot, services) -> None:
    view = make_view(qtbot, services)
    first_reps_exercise(view)
    editor = view.editor
    steps = editor.steps.boxes
    editor.dosage_type.setCurrentIndex(editor.dosage_type.findData("hold"))
    assert headers(view) == [
        "Phase", "Sets", "Holds min", "Holds max", "Hold (s)", "Load (kg)", "Effort (0-10)",
    ]
    assert steps["hold_step_s"].isVisible() and steps["reps_step"].isVisible()
    editor.dosage_type.setCurrentIndex(editor.dosage_type.findData("distance"))
    assert headers(view) == ["Phase", "Sets", "Distance (m)", "Effort (0-10)"]
    assert steps["distance_step_m"].isVisible() and not steps["load_step_kg"].isVisible()
    editor.dosage_type.setCurrentIndex(editor.dosage_type.findData("time"))
    assert headers(view) == ["Phase", "Sets", "Duration (s)", "Effort (0-10)"]
    assert [n for n, box in steps.items() if box.isVisible()] == ["duration_step_s"]
    assert_accessible(view)


def test_remove_phase(qtbot, services) -> None:
    view = make_view(qtbot, services)
    row = first_reps_exercise(view)
    dosage = view.editor.dosage
    dosage.table.setCurrentIndex(dosage.model.cell_of("strength_function", "sets"))
    qtbot.mouseClick(dosage.remove_button, Qt.MouseButton.LeftButton)
    assert dosage.model.phases() == ["motor_control", "strength"]
    assert dosage.new_phase.findData("strength_function") >= 0
    assert dosage.new_phase.findText("Strength and function") >= 0  # offered by its name
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    stored = services.library.detail(row.id).form.default_dosage
    assert [p for p, _v in stored] == ["motor_control", "strength"]


def test_edit_exercise(qtbot, services) -> None:
    view = make_view(qtbot, services)
    view.table.selectRow(0)
    row = view.selected_row()
    view.editor.cautions.setPlainText("Stop if leg pain increases.")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert services.library.detail(row.id).form.cautions == "Stop if leg pain increases."


def test_retire_asks_first_and_restore(qtbot, services, answers) -> None:
    view = make_view(qtbot, services)
    view.table.selectRow(0)
    row = view.selected_row()
    answers["confirm_reply"].append(False)
    qtbot.mouseClick(view.retire_button, Qt.MouseButton.LeftButton)
    assert not services.library.detail(row.id).retired
    answers["confirm_reply"].append(True)
    qtbot.mouseClick(view.retire_button, Qt.MouseButton.LeftButton)
    assert services.library.detail(row.id).retired
    assert len(answers["confirm"]) == 2
    assert row.name not in shown(view)  # retired are hidden by default
    qtbot.mouseClick(view.show_retired, Qt.MouseButton.LeftButton)
    assert row.name in shown(view)
    assert view.select(row.id)
    assert view.restore_button.isEnabled()
    qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    assert not services.library.detail(row.id).retired


def test_models(qtmodeltester, qtbot, services) -> None:
    services.library.ensure_seeded()
    model = ExerciseTableModel()
    model.set_rows(services.library.list_exercises())
    qtmodeltester.check(model, force_py=True)
    view = make_view(qtbot, services)
    qtmodeltester.check(view.proxy, force_py=True)
    first_reps_exercise(view)
    dosage = view.editor.dosage.model
    qtmodeltester.check(dosage, force_py=True)
    view.editor.dosage_type.setCurrentIndex(view.editor.dosage_type.findData("hold"))
    dosage.add_phase("maintenance")
    qtmodeltester.check(dosage, force_py=True)


def test_library_opens_from_menu(window, qtbot) -> None:
    from PySide6.QtGui import QAction

    from tests.gui.test_patient_dialog import with_modal

    seen = {}

    def handle(dialog) -> None:  # type: ignore[no-untyped-def]
        seen["title"] = dialog.windowTitle()
        seen["rows"] = dialog.view.proxy.rowCount()

    with_modal(qtbot, window.findChild(QAction, "exerciseLibrary").trigger, handle)
    assert seen["title"] == "Exercise library" and seen["rows"] > 0


# --- media: attach an image, open it with the system viewer, links, remove ---------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """QDesktopServices.openUrl records the address instead of starting a viewer."""
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(QUrl(url))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return urls


def saved_exercise(qtbot, services) -> tuple[LibraryView, ExerciseRow]:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, services)
    assert not view.editor.add_image.isEnabled()  # a new exercise has no folder yet
    assert view.editor.media_hint.isVisible()
    view.table.selectRow(0)
    assert view.editor.add_image.isEnabled() and not view.editor.media_hint.isVisible()
    row = view.selected_row()
    assert row is not None
    return view, row


def pick_file(monkeypatch: pytest.MonkeyPatch, path: Path, seen: list[str]) -> None:
    def get_open_file_name(parent, caption, folder, filters):  # type: ignore[no-untyped-def]
        seen.append(filters)
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", get_open_file_name)


def test_attach_image_and_open_it(  # type: ignore[no-untyped-def]
    qtbot, services, answers, opened, monkeypatch, tmp_path
) -> None:
    view, row = saved_exercise(qtbot, services)
    image = tmp_path / "side view.jpg"
    image.write_bytes(b"jpeg")
    filters: list[str] = []
    pick_file(monkeypatch, image, filters)
    qtbot.mouseClick(view.editor.add_image, Qt.MouseButton.LeftButton)
    assert all(f"*.{ext}" in filters[0] for ext in ("png", "jpg", "jpeg", "gif", "svg", "webp"))

    entry = f"{row.code}/side-view.jpg"
    stored = locations.media_dir() / row.code / "side-view.jpg"
    assert stored.read_bytes() == b"jpeg"
    assert services.library.detail(row.id).form.media[-1] == entry
    assert view.editor.current_media() == entry
    qtbot.mouseClick(view.editor.open_media, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(stored))]
    assert not answers["error"]

    # the same picture again does not overwrite the first
    qtbot.mouseClick(view.editor.add_image, Qt.MouseButton.LeftButton)
    assert view.editor.current_media() == f"{row.code}/side-view-2.jpg"

    # saving the form keeps the attachments
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert services.library.detail(row.id).form.media[-2:] == (entry, f"{row.code}/side-view-2.jpg")


def test_missing_image_says_where_it_looked(  # type: ignore[no-untyped-def]
    qtbot, services, answers, opened, monkeypatch, tmp_path
) -> None:
    view, row = saved_exercise(qtbot, services)
    image = tmp_path / "plank.png"
    image.write_bytes(b"png")
    pick_file(monkeypatch, image, [])
    qtbot.mouseClick(view.editor.add_image, Qt.MouseButton.LeftButton)
    stored = locations.media_dir() / row.code / "plank.png"
    stored.unlink()  # as on a workstation where it was never copied
    qtbot.mouseClick(view.editor.open_media, Qt.MouseButton.LeftButton)
    assert opened == []
    [(_title, text)] = answers["error"]
    assert "not in this workstation's media folder" in text and str(stored) in text


def test_video_link_opens_in_the_browser(  # type: ignore[no-untyped-def]
    qtbot, services, answers, opened, monkeypatch
) -> None:
    view, row = saved_exercise(qtbot, services)
    replies = ["javascript:alert(1)", "https://example.org/watch?v=bridge"]
    monkeypatch.setattr(
        QInputDialog, "getText", lambda *args, **kwargs: (replies.pop(0), True)
    )
    qtbot.mouseClick(view.editor.add_video, Qt.MouseButton.LeftButton)
    assert len(answers["error"]) == 1  # not a web address: refused, nothing stored
    assert "javascript:alert(1)" not in services.library.detail(row.id).form.media
    qtbot.mouseClick(view.editor.add_video, Qt.MouseButton.LeftButton)
    assert services.library.detail(row.id).form.media[-1] == "https://example.org/watch?v=bridge"
    qtbot.mouseClick(view.editor.open_media, Qt.MouseButton.LeftButton)
    assert opened == [QUrl("https://example.org/watch?v=bridge")]


def test_remove_attachment_asks_first_and_keeps_the_file(  # type: ignore[no-untyped-def]
    qtbot, services, answers, opened, monkeypatch, tmp_path
) -> None:
    view, row = saved_exercise(qtbot, services)
    image = tmp_path / "stretch.gif"
    image.write_bytes(b"gif")
    pick_file(monkeypatch, image, [])
    qtbot.mouseClick(view.editor.add_image, Qt.MouseButton.LeftButton)
    entry = f"{row.code}/stretch.gif"
    answers["confirm_reply"].append(False)
    qtbot.mouseClick(view.editor.remove_media, Qt.MouseButton.LeftButton)
    assert entry in services.library.detail(row.id).form.media
    assert view.editor.current_media() == entry
    answers["confirm_reply"].append(True)
    qtbot.mouseClick(view.editor.remove_media, Qt.MouseButton.LeftButton)
    assert len(answers["confirm"]) == 2
    assert entry not in services.library.detail(row.id).form.media
    assert view.editor.media.count() == len(services.library.detail(row.id).form.media)
    assert (locations.media_dir() / row.code / "stretch.gif").is_file()


def test_dose_spin_boxes_stop_at_the_domain_limits(qtbot, services) -> None:
    """The editor of every dose cell offers exactly the range the domain accepts: 25 sets
    cannot be typed (the table used to allow 99 sets where the domain allows 20)."""
    view = make_view(qtbot, services)
    first_reps_exercise(view)
    editor, table = view.editor, view.editor.dosage_table
    model = editor.dosage.model
    for dosage_type in DOSAGE_TYPES:
        editor.dosage_type.setCurrentIndex(editor.dosage_type.findData(dosage_type))
        for field in fitting_fields(dosage_type):
            if field == "dosage_type":
                continue
            index = model.cell_of("strength", field)
            box = table.itemDelegate().createEditor(
                table.viewport(), QStyleOptionViewItem(), index
            )
            assert isinstance(box, QSpinBox | QDoubleSpinBox)
            assert box.maximum() == LIMITS[field].maximum, (dosage_type, field)
            box.deleteLater()
    editor.dosage_type.setCurrentIndex(editor.dosage_type.findData("reps"))
    sets = model.cell_of("strength", "sets")
    table.setFocus()
    table.setCurrentIndex(sets)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: table.state() == QAbstractItemView.State.EditingState)
    box = table.viewport().focusWidget()
    assert isinstance(box, QSpinBox)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "25")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)
    assert sets.data() != "25"
