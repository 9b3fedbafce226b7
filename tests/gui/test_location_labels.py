"""The session's location reads "Clinic" / "Home" on screen (the walkthrough of issue 11 saw the
stored codes "clinic" and "home"): one label mapping (domain.sessions.LOCATION_LABELS) for the
session form's choice and the Sessions tab's column; the stored value stays the code."""

from __future__ import annotations

from PySide6.QtCore import Qt

from rehab_tracker.domain.sessions import LOCATION_LABELS, LOCATIONS, location_label
from tests.gui import test_session_form as base

built = base.built


def test_every_location_has_one_label() -> None:
    assert LOCATION_LABELS == {"clinic": "Clinic", "home": "Home"}
    assert tuple(LOCATION_LABELS) == LOCATIONS
    assert location_label("home") == "Home"


def test_the_form_offers_the_labels_and_the_tab_shows_them(qtbot, built, today) -> None:  # type: ignore[no-untyped-def]
    _slot, dialog = base.open_form(qtbot, built, today)
    combo = dialog.location
    assert [combo.itemText(i) for i in range(combo.count())] == ["Clinic", "Home"]
    assert combo.currentText() == "Clinic"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the keyboard picks Home
    assert combo.currentText() == "Home"
    assert dialog.payload()["location"] == "home"  # the draft keeps the code
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved_id is not None
    assert built.services.sessions.edit_form(dialog.saved_id).entry.location == "home"

    tab = base.SessionsTab(built.services, lambda: today)
    qtbot.addWidget(tab)
    tab.set_patient(base.row_for(built))
    tab.show()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)  # the education session and this one
    column = base.SessionTableModel.headers.index("Where")
    shown = {tab.model.data(tab.model.index(r, column)) for r in range(tab.model.rowCount())}
    assert shown == {"Clinic", "Home"}

    # a correction opens on the stored code's label
    form = built.services.sessions.edit_form(dialog.saved_id)
    again = base.SessionFormDialog(built.services, form, lambda: today)
    qtbot.addWidget(again)
    assert again.location.currentText() == "Home" and again.location.currentData() == "home"
