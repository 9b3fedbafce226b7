"""Layouts at 200% scaling on a 1280x800 screen (640x400 logical): everything fits, every
patient tab is reachable, mnemonics are unique in each window, inputs are named by their labels."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QWidget,
)

from tests.gui.a11y import assert_accessible

SMALL = (640, 400)  # a 1280x800 screen at QT_SCALE_FACTOR=2, in logical pixels
MNEMONIC = re.compile(r"&(.)")


def mnemonic(text: str) -> str | None:
    found = MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Letter -> the texts whose Alt+letter is live now (visible widgets and the menu bar)."""
    seen: dict[str, list[str]] = defaultdict(list)
    texts: list[str] = []
    if isinstance(window, QMainWindow):
        texts += [action.text() for action in window.menuBar().actions()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or isinstance(
            widget, QAbstractButton
        ):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox) and widget.isCheckable():
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
    for text in texts:
        letter = mnemonic(text)
        if letter:
            seen[letter].append(text)
    return dict(seen)


def assert_unique_mnemonics(window: QWidget) -> None:
    clashes = {k: v for k, v in mnemonics(window).items() if len(v) > 1}
    assert not clashes, f"{window.windowTitle()}: {clashes}"


def assert_fits_small_screen(widget: QWidget) -> None:
    hint = widget.minimumSizeHint()
    assert hint.width() <= SMALL[0] and hint.height() <= SMALL[1], (
        f"{type(widget).__name__} needs {hint.width()}x{hint.height()}"
    )


def test_main_window_narrow_layout_fits_and_shows_every_tab(window, qtbot):  # type: ignore[no-untyped-def]
    window.patient_list.table.selectRow(0)
    window.set_narrow(True)
    assert window.patient_list.isVisible() and not window.workspace.patient_view.isVisible()
    assert_fits_small_screen(window)
    window.show_patient_view()
    assert window.workspace.patient_view.isVisible() and not window.patient_list.isVisible()
    assert window.back_button.isVisible()
    assert_fits_small_screen(window)
    window.resize(*SMALL)
    view = window.workspace.patient_view
    assert view.usesScrollButtons()
    titles = [view.tabText(i).replace("&", "") for i in range(view.count())]
    assert titles == ["Overview", "Program", "Charts", "Sessions", "Outcomes"]
    for i in range(view.count()):
        view.setCurrentIndex(i)
        assert view.currentWidget().isVisible()
        assert_unique_mnemonics(window)
    window.back_button.click()
    assert window.patient_list.isVisible() and not view.isVisible()
    window.set_narrow(False)
    assert window.patient_list.isVisible() and view.isVisible()
    assert not window.back_button.isVisible()


def test_main_window_wide_mnemonics_unique_per_tab(window):  # type: ignore[no-untyped-def]
    window.patient_list.table.selectRow(0)
    view = window.workspace.patient_view
    for i in range(view.count()):
        view.setCurrentIndex(i)
        assert_unique_mnemonics(window)
    assert_accessible(window.patient_list)


def test_main_window_never_larger_than_the_screen(window):  # type: ignore[no-untyped-def]
    window.resize(5000, 5000)
    window.fit_screen()
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()


def _dialogs(window) -> dict[str, Callable[[], QDialog]]:  # type: ignore[no-untyped-def]
    from rehab_tracker.services.sessions import RedFlagAlert
    from rehab_tracker.ui.clinic.settings_dialog import SettingsDialog
    from rehab_tracker.ui.education.education_view import EducationDialog
    from rehab_tracker.ui.library.library_view import LibraryDialog
    from rehab_tracker.ui.outcomes.outcome_forms import OdiDialog, SixMinuteWalkDialog
    from rehab_tracker.ui.patients.patient_dialog import PatientDialog
    from rehab_tracker.ui.program.builder import ProgramBuilderDialog
    from rehab_tracker.ui.sessions.acknowledge import RedFlagOutcomeDialog
    from rehab_tracker.ui.sessions.redflag_dialog import RedFlagDialog

    services, today = window.workspace.services, window.today
    patient = window.patient_list.selected_id()
    return {
        "patient": lambda: PatientDialog(services, today, parent=window),
        "edit patient": lambda: PatientDialog(services, today, patient, parent=window),
        "library": lambda: LibraryDialog(services, parent=window),
        "education": lambda: EducationDialog(services, parent=window),
        "settings": lambda: SettingsDialog(services, window),
        "builder": lambda: ProgramBuilderDialog(services, today, patient, window),
        "odi": lambda: OdiDialog(services, patient, today, parent=window),
        "walk": lambda: SixMinuteWalkDialog(services, patient, today, parent=window),
        "red flags": lambda: RedFlagDialog(services, patient, None, today, parent=window),
        "red flag outcome": lambda: RedFlagOutcomeDialog(
            services, RedFlagAlert(uuid.uuid4(), today(), ("calf",), "Stop.", "emergency"),
            today, require_clearance=True, parent=window,
        ),
    }


DIALOGS = ["patient", "edit patient", "library", "education", "settings", "builder", "odi",
           "walk", "red flags", "red flag outcome"]


@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_fits_small_screen_and_reads_well(window, qtbot, name):  # type: ignore[no-untyped-def]
    window.patient_list.table.selectRow(0)
    dialog = _dialogs(window)[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    assert_fits_small_screen(dialog)
    available = dialog.screen().availableGeometry()
    assert dialog.width() <= available.width() and dialog.height() <= available.height()
    boxes = dialog.findChildren(QDialogButtonBox)
    for box in boxes:
        assert box.isVisible()
    assert_unique_mnemonics(dialog)
    assert_accessible(dialog)
    dialog.reject()


def test_welcome_page_mnemonics_unique_beside_the_patient_list(empty_window):  # type: ignore[no-untyped-def]
    # Alt+A took "Active program only" instead of "Add the first patient…" (walkthrough, issue 11)
    assert empty_window.welcome is not None and empty_window.welcome.isVisible()
    assert_unique_mnemonics(empty_window)


def test_a_search_box_clear_button_is_named(qtbot):  # type: ignore[no-untyped-def]
    # a screen reader read the Find field's clear button as an unnamed button (walkthrough)
    from PySide6.QtWidgets import QToolButton

    from rehab_tracker.ui.widgets.forms import search_box

    edit, _label = search_box("findPatient", "F&ind:", "Name or record number")
    qtbot.addWidget(edit)
    buttons = edit.findChildren(QToolButton)
    assert buttons and [b.accessibleName() for b in buttons] == ["Clear Find"] * len(buttons)


def test_a_wrapped_field_error_is_not_squeezed(qtbot):  # type: ignore[no-untyped-def]
    """The walkthrough of issue 11 saw the Book session dialog draw a two-line date error in
    one line's height, over the field: a shown dialog grows to fit the message."""
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    from rehab_tracker.ui.widgets.date_field import DateField
    from rehab_tracker.ui.widgets.forms import FieldForm

    dialog = QDialog()
    qtbot.addWidget(dialog)
    form = FieldForm()
    form.add("date", "&Date", DateField())
    form.add("time", "&Time", QLineEdit())
    QVBoxLayout(dialog).addWidget(form)
    dialog.show()
    qtbot.waitExposed(dialog)
    form.show_error("date", "Education session of this program is already on 2026-12-01. " * 2)
    err = form.errors["date"]
    qtbot.waitUntil(lambda: err.height() >= err.heightForWidth(err.width()), timeout=1000)
