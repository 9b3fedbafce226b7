"""The exercise library screen: search, filter, add, edit errors, retire (confirmed), restore."""

from __future__ import annotations

from PySide6.QtCore import Qt

from rehab_tracker.ui.library_view import ExerciseTableModel, LibraryView
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


def test_add_exercise_with_errors_then_valid(qtbot, services) -> None:
    view = make_view(qtbot, services)
    before = len(services.library.list_exercises())
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(view.editor.name, "Wall slide")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    errors = view.editor.form.errors
    assert errors["instructions"].text()  # no instructions yet
    assert errors["default_dosage"].text()
    assert len(services.library.list_exercises()) == before

    view.editor.instructions.setPlainText("Stand with the back to a wall.\nSlide down slowly.")
    view.editor.default_dosage.setPlainText("strength: sets=2 reps_min=8 reps_max=12")
    view.editor.progression_note.setPlainText("Add two repetitions when easy.")
    view.editor.progression_steps.setText("reps_step=2")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert len(services.library.list_exercises()) == before + 1
    assert view.selected_row() is not None and view.selected_row().name == "Wall slide"
    assert all(not label.text() for label in errors.values())


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


def test_library_opens_from_menu(window, qtbot) -> None:
    from PySide6.QtGui import QAction

    from tests.gui.test_patient_dialog import with_modal

    seen = {}

    def handle(dialog) -> None:  # type: ignore[no-untyped-def]
        seen["title"] = dialog.windowTitle()
        seen["rows"] = dialog.view.proxy.rowCount()

    with_modal(qtbot, window.findChild(QAction, "exerciseLibrary").trigger, handle)
    assert seen["title"] == "Exercise library" and seen["rows"] > 0
