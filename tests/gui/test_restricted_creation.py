"""Creating a program from the builder when template doses go past a surgeon restriction: the
builder lists them and asks for a reason (Cancel creates nothing), or lowers the loads to the
limits; the reason is stored on each such prescription."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.ui.program.builder.reason_dialog import RestrictionReasonDialog
from tests.gui.a11y import assert_accessible
from tests.gui.test_program_builder import make_dialog

REASON = "Surgeon agreed 8 kg hip hinges at the 4-week review"


@pytest.fixture
def ada(services, patient_ids, today) -> uuid.UUID:  # type: ignore[no-untyped-def]
    """Ada with a 5 kg lifting limit for ten weeks (the strength phases' loads go past it)."""
    services.restrictions.add(
        patient_ids[0],
        Restriction("lifting", today + dt.timedelta(weeks=10), limit=5),
        today=today,
    )
    return patient_ids[0]


def _click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _loads(services, patient) -> list[tuple[float, str | None]]:  # type: ignore[no-untyped-def]
    program = services.programs.active_program_for(patient)
    return [
        (rx.dosage.load_kg or 0.0, rx.restriction_override)
        for ph in program.phases
        for rx in ph.prescriptions
    ]


def test_creating_asks_for_a_reason_for_template_doses_past_a_restriction(
    qtbot, services, today, ada, answers, monkeypatch
) -> None:
    dialog = make_dialog(qtbot, services, today, ada)
    page = dialog.create_page
    seen: list[str] = []

    def cancel(self: RestrictionReasonDialog) -> int:
        qtbot.addWidget(self)
        seen.append(self.findChild(QLabel, "restrictionBreaches").text())
        _click(qtbot, self.save_button)  # no reason typed: refused at the field
        seen.append(self.form.errors["restriction_reason"].text())
        return 0

    monkeypatch.setattr(RestrictionReasonDialog, "exec", cancel)
    _click(qtbot, page.create_button)
    assert "Romanian deadlift is dosed at 8 kg" in seen[0] and "Lifting limit 5 kg" in seen[0]
    assert "give a reason" in seen[1]
    assert services.programs.active_program_for(ada) is None  # nothing created
    assert "no reason was given" in page.form.banner.text()

    def give_reason(self: RestrictionReasonDialog) -> int:
        qtbot.addWidget(self)
        assert_accessible(self)
        qtbot.keyClicks(self.reason_edit, REASON)
        _click(qtbot, self.save_button)
        return int(self.result())

    monkeypatch.setattr(RestrictionReasonDialog, "exec", give_reason)
    _click(qtbot, page.create_button)
    loads = _loads(services, ada)
    assert any(kg > 5 for kg, _ in loads)
    assert all(why == REASON for kg, why in loads if kg > 5)
    assert all(why is None for kg, why in loads if kg <= 5)
    assert dialog.stack.currentWidget() is dialog.editor_page


def test_creating_can_lower_the_template_loads_to_the_limit(
    qtbot, services, today, ada, answers, monkeypatch
) -> None:
    dialog = make_dialog(qtbot, services, today, ada)
    asked: list[int] = []

    def lower(self: RestrictionReasonDialog) -> int:
        qtbot.addWidget(self)
        asked.append(1)
        assert self.lower_button is not None
        assert self.lower_button.accessibleName() == "Lower the doses to the limits"
        _click(qtbot, self.lower_button)
        return int(self.result())

    monkeypatch.setattr(RestrictionReasonDialog, "exec", lower)
    _click(qtbot, dialog.create_page.create_button)
    assert asked == [1]  # a lifting limit only: nothing is left to give a reason for
    loads = _loads(services, ada)
    assert max(kg for kg, _ in loads) == 5 and all(why is None for _, why in loads)


def test_lowered_loads_then_a_reason_for_the_movement_that_cannot_be_lowered(
    qtbot, services, today, ada, answers, monkeypatch
) -> None:
    """With no loaded forward bending too, lowering the loads leaves the hip hinges and squats
    past the restriction: the builder asks again, for the reason only (no second Lower)."""
    services.restrictions.add(
        ada, Restriction("no_loaded_flexion", today + dt.timedelta(weeks=10)), today=today
    )
    dialog = make_dialog(qtbot, services, today, ada)
    asked: list[tuple[bool, str]] = []

    def answer(self: RestrictionReasonDialog) -> int:
        qtbot.addWidget(self)
        listing = self.findChild(QLabel, "restrictionBreaches").text()
        asked.append((self.lower_button is not None, listing))
        if self.lower_button is not None:
            _click(qtbot, self.lower_button)
        else:
            qtbot.keyClicks(self.reason_edit, REASON)
            _click(qtbot, self.save_button)
        return int(self.result())

    monkeypatch.setattr(RestrictionReasonDialog, "exec", answer)
    _click(qtbot, dialog.create_page.create_button)
    assert [lower for lower, _ in asked] == [True, False]
    assert "is dosed at" in asked[0][1] and "is dosed at" not in asked[1][1]
    assert "Romanian deadlift bends the low back forward" in asked[1][1]
    program = services.programs.active_program_for(ada)
    rows = [rx for ph in program.phases for rx in ph.prescriptions]
    assert max(rx.dosage.load_kg or 0 for rx in rows) == 5
    hinges = [rx for rx in rows if rx.exercise_code == "romanian_deadlift"]
    assert hinges and all(rx.restriction_override == REASON for rx in hinges)
