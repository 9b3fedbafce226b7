"""Surgeon restrictions where the program is: the builder asks for a reason before saving a dose
past one (blank refused at the field, Cancel saves nothing, the reason stored and audited); the
home exercise sheet and the session form show the ones in force."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from rehab_tracker.data.models import AuditEntry, Prescription
from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.ui.program.builder.reason_dialog import RestrictionReasonDialog
from rehab_tracker.ui.widgets import print_preview
from tests.gui.a11y import assert_accessible
from tests.gui.test_handout import pdf_text
from tests.gui.test_program_builder import build_through_dialog, edit_cell
from tests.services.test_sessions_support import build_patient

UNTIL = dt.date(2026, 12, 20)


@pytest.fixture
def ada(services, patient_ids, today) -> uuid.UUID:  # type: ignore[no-untyped-def]
    """Ada with a 5 kg lifting limit and no loaded forward bending until 20 December."""
    for item in (Restriction("lifting", UNTIL, limit=5),
                 Restriction("no_loaded_flexion", UNTIL)):
        services.restrictions.add(patient_ids[0], item, today=today)
    return patient_ids[0]


def _click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def build_with_reason(qtbot, services, today, patient, monkeypatch):  # type: ignore[no-untyped-def]
    """The builder's Create, answering the question about the template doses past a
    restriction (the first phase's curl-up bends forward) with a reason."""

    def give_reason(self: RestrictionReasonDialog) -> int:
        qtbot.addWidget(self)
        qtbot.keyClicks(self.reason_edit, "Curl-up agreed with the surgeon")
        _click(qtbot, self.save_button)
        return int(self.result())

    with monkeypatch.context() as patch:
        patch.setattr(RestrictionReasonDialog, "exec", give_reason)
        return build_through_dialog(qtbot, services, today, patient)


def test_the_builder_asks_for_a_reason_before_saving_a_dose_past_a_restriction(
    qtbot, services, db, today, ada, answers, monkeypatch
) -> None:
    dialog = build_with_reason(qtbot, services, today, ada, monkeypatch)
    assert dialog.restrictions_label.isVisible()
    assert "Lifting limit 5 kg until 2026-12-20 (surgeon)" in dialog.restrictions_label.text()
    editor = dialog.phase_editors()[0]
    row = next(i for i, it in enumerate(editor.model.items) if it.exercise_code == "bridge")
    edit_cell(qtbot, editor, row, "load_kg", "8")
    asked: list[str] = []
    reason = "Surgeon agreed 8 kg on the hips at the 4-week review"

    def cancel(self: RestrictionReasonDialog) -> int:
        qtbot.addWidget(self)
        asked.append(self.findChild(QLabel, "restrictionBreaches").text())
        _click(qtbot, self.save_button)  # no reason typed
        asked.append(self.form.errors["restriction_reason"].text())
        return 0  # then Cancel

    monkeypatch.setattr(RestrictionReasonDialog, "exec", cancel)
    _click(qtbot, dialog.save_button)
    assert "Bridge is dosed at 8 kg" in asked[0] and "Lifting limit 5 kg" in asked[0]
    assert "give a reason" in asked[1]
    assert dialog.dirty and "Not saved" in dialog.error.text()
    program = services.programs.active_program_for(ada)
    assert program.phases[0].prescriptions[row].dosage.load_kg is None  # nothing saved

    def give_reason(self: RestrictionReasonDialog) -> int:
        qtbot.addWidget(self)
        assert_accessible(self)
        qtbot.keyClicks(self.reason_edit, reason)
        _click(qtbot, self.save_button)
        return int(self.result())

    monkeypatch.setattr(RestrictionReasonDialog, "exec", give_reason)
    _click(qtbot, dialog.save_button)
    assert not dialog.dirty
    saved = services.programs.active_program_for(ada).phases[0].prescriptions[row]
    assert saved.dosage.load_kg == 8.0 and saved.restriction_override == reason
    with db.reading() as s:
        assert s.get(Prescription, saved.id).restriction_override == reason
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.entity == "prescriptions", AuditEntry.action == "create"
        ).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None and entry.after["restriction_override"] == reason


def test_the_home_sheet_lists_the_limits_and_marks_an_exercise_that_goes_past_one(
    qtbot, services, today, patient_ids, tmp_path, monkeypatch, answers
) -> None:
    """Restrictions given after the program was built: the sheet lists them, and the exercise
    that now goes past one (no reason was ever given for it) is marked to leave out."""
    dialog = build_through_dialog(qtbot, services, today, patient_ids[0])
    for item in (Restriction("lifting", UNTIL, limit=5),
                 Restriction("no_loaded_flexion", UNTIL)):
        services.restrictions.add(patient_ids[0], item, today=today)
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(print_preview, "get_save_path", lambda parent, title, name: target)
    _click(qtbot, dialog.pdf_button)
    _count, text = pdf_text(target)
    assert "Limits from your surgeon" in text
    assert "Do not lift anything heavier than 5 kg until 20 December 2026." in text
    assert "Do not bend forward while lifting or holding something until 20 December 2026." \
        in text
    # the curl-up of the first phase bends the trunk forward under its own weight
    curl = text.index("Curl-up")
    assert "Leave this one out until 20 December 2026" in text[curl:curl + 400]


def test_the_session_form_shows_the_restrictions_in_force(qtbot, db, today) -> None:
    from tests.gui.test_session_form import open_form

    b = build_patient(db, today)
    b.services.restrictions.add(
        b.patient_id, Restriction("sitting", UNTIL, limit=20, set_by="Dr Example"), today=today
    )
    _slot, dialog = open_form(qtbot, b, today)
    assert dialog.restrictions_label.isVisible()
    assert dialog.restrictions_label.text() == (
        "Surgeon restrictions in force: Sitting limit 20 min until 2026-12-20 (Dr Example)"
    )
