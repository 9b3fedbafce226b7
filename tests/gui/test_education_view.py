"""Education: list, add a clinic item (with errors first), record items covered for a program."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from rehab_tracker.data.models import Program
from rehab_tracker.ui.education.education_view import (
    AddEducationDialog,
    EducationListModel,
    EducationView,
    RecordEducationDialog,
)
from rehab_tracker.ui.education.feature import EducationFeature
from tests.gui.a11y import assert_accessible
from tests.gui.installed import installed


def make_program(services, patient_id, today: dt.date):  # type: ignore[no-untyped-def]
    with services.db.unit_of_work("tester") as session:
        program = Program(patient_id=patient_id, name="USC 12-week", start_date=today)
        session.add(program)
        session.flush()
        return program.id


def test_view_lists_shipped_items(qtbot, services) -> None:
    services.education.ensure_seeded()
    view = EducationView(services)
    qtbot.addWidget(view)
    assert view.proxy.rowCount() >= 5
    assert view.selected() is not None
    assert view.selected().title in view.viewer.toPlainText()
    qtbot.keyClicks(view.search, "zzzz-nothing")
    assert view.proxy.rowCount() == 0
    assert_accessible(view)


def test_add_clinic_item(qtbot, services) -> None:
    dialog = AddEducationDialog(services)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title_edit, "Sitting at work")
    qtbot.keyClicks(dialog.url, "ftp://example.org/x")
    dialog.save()
    assert dialog.form.errors["summary"].text()
    assert "http" in dialog.form.errors["url"].text()
    assert dialog.saved_id is None
    qtbot.keyClicks(dialog.summary, "How to sit during the first weeks.")
    dialog.url.clear()
    qtbot.keyClicks(dialog.url, "https://example.org/sitting")
    dialog.save()
    assert dialog.saved_id is not None
    item = services.education.item(dialog.saved_id)
    assert item.title == "Sitting at work" and not item.builtin
    assert_accessible(dialog)


def test_record_covered(qtbot, services, patient_ids, today) -> None:
    services.education.ensure_seeded()
    program_id = make_program(services, patient_ids[0], today)
    dialog = RecordEducationDialog(services, program_id, lambda: today)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.form.errors["items"].text()  # nothing ticked
    first = dialog.model.index(0, 0)
    dialog.model.setData(first, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    dialog.save()
    covered = services.education.covered(program_id)
    assert [c.covered_on for c in covered] == [today]
    assert covered[0].title == first.data()
    assert_accessible(dialog)


def test_record_from_overview(window, qtbot, services, patient_ids, today) -> None:
    make_program(services, patient_ids[0], today)
    window.workspace.refresh_patients(select=patient_ids[0])
    button = installed(window, EducationFeature).record_button
    assert button.isEnabled()


def test_model(qtmodeltester, services) -> None:
    services.education.ensure_seeded()
    model = EducationListModel(checkable=True)
    model.set_rows(services.education.list_items())
    qtmodeltester.check(model, force_py=True)
