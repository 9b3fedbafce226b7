"""Forms open with the keyboard in their first input, not on a frame (the scroll area round the
fields) nor on a check box above them: the program builder, the settings and the outcome forms
of the walkthrough of issue 11, and every dialog of the layout tests."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
)

from tests.gui.test_layout import DIALOGS, _dialogs
from tests.gui.test_program_builder import make_dialog


def focused_after_opening(qtbot, dialog):  # type: ignore[no-untyped-def]
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return QApplication.focusWidget()


def current_phase(dialog):  # type: ignore[no-untyped-def]
    return dialog.phase_editors()[dialog.tabs.currentIndex()]


def test_create_page_opens_in_the_template_choice(  # type: ignore[no-untyped-def]
    qtbot, services, today, patient_ids, answers
) -> None:
    dialog = make_dialog(qtbot, services, today, patient_ids[0])
    assert dialog.create_page is not None
    assert focused_after_opening(qtbot, dialog) is dialog.create_page.template_combo
    # created: the editor's first input, the shown phase's name, takes the keyboard
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Create program
    assert dialog.program is not None
    assert QApplication.focusWidget() is current_phase(dialog).name_edit


def test_editor_opens_in_the_phase_name(qtbot, services, today, patient_ids, answers) -> None:  # type: ignore[no-untyped-def]
    first = make_dialog(qtbot, services, today, patient_ids[0])
    qtbot.mouseClick(first.create_page.create_button, Qt.MouseButton.LeftButton)
    first.close()
    dialog = make_dialog(qtbot, services, today, patient_ids[0])
    assert dialog.create_page is None
    assert focused_after_opening(qtbot, dialog) is current_phase(dialog).name_edit


#: what a form's first focus may be: somewhere to type or choose, never a frame
INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QRadioButton, QCheckBox)


def open_dialog(window, qtbot, name):  # type: ignore[no-untyped-def]
    """The layout tests' dialog ``name``, shown, for the first patient."""
    window.patient_list.table.selectRow(0)
    dialog = _dialogs(window)[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.mark.parametrize("name", DIALOGS)
def test_every_dialog_opens_in_an_input(window, qtbot, name) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, qtbot, name)
    focused = focused_after_opening(qtbot, dialog)
    assert isinstance(focused, INPUTS), (name, type(focused).__name__)
    assert not isinstance(focused, QAbstractScrollArea) or isinstance(focused, QPlainTextEdit)
    dialog.done(0)
