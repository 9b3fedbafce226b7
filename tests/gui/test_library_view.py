"""The exercise library screen: search, filter, add, edit errors, retire (confirmed), restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog

from rehab_tracker.data import locations
from rehab_tracker.services.library import ExerciseRow
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
