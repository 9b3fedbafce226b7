"""Every date field of the app, typed into as a user does: Tab in, type, Tab out, save.

Issue 11 item 1: typing ``1978-04-12`` into an empty date of birth saved 1978-01-04. Each case
below opens the real dialog that holds one date field, types the date (ISO, the British and the
American short format under ``QLocale.setDefault``) and checks the stored value; bad text shows a
message at the field and saves nothing; an empty optional date stays empty; the calendar picker
still works.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QToolButton,
    QWidget,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import Built, build_patient

from rehab_tracker.data.models import SessionLog
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.services.container import Services
from rehab_tracker.ui.education.education_view import RecordEducationDialog
from rehab_tracker.ui.outcomes.outcome_forms import NprsDialog, WalkTestDialog
from rehab_tracker.ui.outcomes.outcome_tab import OutcomesTab
from rehab_tracker.ui.patients.patient_dialog import PatientDialog
from rehab_tracker.ui.program.builder import ProgramBuilderDialog
from rehab_tracker.ui.sessions.acknowledge import RedFlagOutcomeDialog
from rehab_tracker.ui.sessions.redflag_dialog import RedFlagDialog
from rehab_tracker.ui.sessions.session_form import SessionFormDialog
from tests.gui.a11y import assert_accessible
from tests.gui.test_patient_dialog import with_modal

ALL_NO = {f.code: False for f in RED_FLAGS}

#: how each locale writes a date when typed (the app must read every one of them)
FORMATS: dict[str, Callable[[dt.date], str]] = {
    "iso": dt.date.isoformat,
    "en_GB": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "en_US": lambda d: f"{d.month}/{d.day}/{d.year}",
}


@pytest.fixture
def locale() -> Iterator[Callable[[str], None]]:
    """Set the default locale for the test (the formats a user of it types); restored after."""
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale("en_GB" if name == "iso" else name))

    yield use
    QLocale.setDefault(before)


@pytest.fixture
def built(db, today, answers) -> Built:
    """A patient three weeks into the program; the app's questions answered by ``answers``."""
    return build_patient(db, today)


# --- driving a field as a user does ------------------------------------------------------------


def _tabbable(widget: QWidget) -> bool:
    return bool(
        widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.isVisible()
        and widget.isEnabled()
        and widget.focusProxy() is None
    )


def tab_into(qtbot, field: QWidget) -> None:
    """Focus the input before ``field`` in the Tab order and press Tab: the field has the focus."""
    before = field.previousInFocusChain()
    while not _tabbable(before):
        before = before.previousInFocusChain()
    before.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is field


def type_date(qtbot, field: QWidget, text: str) -> None:
    """Tab into ``field``, type ``text`` (replacing what the field showed; Backspace clears it
    for an empty ``text``), Tab out."""
    tab_into(qtbot, field)
    if text:
        qtbot.keyClicks(field, text)
    else:
        qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not field


def show(qtbot, dialog: QWidget) -> QWidget:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return dialog


def click(qtbot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


# --- one case per date field ----------------------------------------------------------------------


@dataclass
class Case:
    """A dialog with the date field under test, how to finish and save it, what was stored."""

    dialog: QWidget
    field: QWidget
    error: QLabel
    save: Callable[[], None]
    stored: Callable[[], dt.date | None]


def _new_patient(qtbot, built: Built, today: dt.date, key: str) -> Case:
    d = show(qtbot, PatientDialog(built.services, lambda: today))
    qtbot.keyClicks(d.given_name, "Grace")
    qtbot.keyClicks(d.family_name, "Hopper")
    click(qtbot, d.levels["L4-L5"])
    other = d.surgery_date if key == "date_of_birth" else d.date_of_birth
    type_date(qtbot, other, "2026-10-20" if key == "date_of_birth" else "1976-12-09")

    def stored() -> dt.date | None:
        if d.saved_id is None:
            return None
        record = built.services.patients.record(d.saved_id)
        if key == "date_of_birth":
            return record.details.date_of_birth
        assert record.surgery is not None
        return record.surgery.surgery_date

    field = d.date_of_birth if key == "date_of_birth" else d.surgery_date
    form = d.form if key == "date_of_birth" else d.surgery_form
    return Case(d, field, form.errors[key], lambda: click(qtbot, d.save_button), stored)


def date_of_birth(qtbot, built, today) -> Case:
    return _new_patient(qtbot, built, today, "date_of_birth")


def surgery_date(qtbot, built, today) -> Case:
    return _new_patient(qtbot, built, today, "surgery_date")


def _restriction(qtbot, built: Built, today: dt.date, key: str) -> Case:
    d = show(qtbot, PatientDialog(built.services, lambda: today, built.patient_id))
    click(qtbot, d.restrictions.add_button)
    (row,) = d.restrictions.rows
    qtbot.waitUntil(row.isVisible)  # a layout shows a new row on the next event loop turn
    qtbot.keyClicks(row.limit, "5")
    if key == "starts_on":
        type_date(qtbot, row.until, "2027-02-01")

    def stored() -> dt.date | None:
        saved = built.services.patients.record(built.patient_id).restrictions
        return getattr(saved[0], key) if saved else None

    field = row.starts_on if key == "starts_on" else row.until
    return Case(d, field, row.form.errors[key], lambda: click(qtbot, d.save_button), stored)


def restriction_start(qtbot, built, today) -> Case:
    return _restriction(qtbot, built, today, "starts_on")


def restriction_end(qtbot, built, today) -> Case:
    return _restriction(qtbot, built, today, "until")


def session_date(qtbot, built: Built, today: dt.date) -> Case:
    s = built.services.sessions
    slot = s.next_slot(built.patient_id)
    form = s.new_form(built.patient_id, slot.id, today=today)
    d = show(qtbot, SessionFormDialog(built.services, form, lambda: today, red_flags=ALL_NO))
    for key, value in zip(d.pain, ("3", "2", "2", "1"), strict=True):
        qtbot.keyClicks(d.pain[key], value)

    def stored() -> dt.date | None:
        return None if d.saved_id is None else s.edit_form(d.saved_id).entry.session_date

    return Case(d, d.date, d.fields.errors["session_date"],
                lambda: click(qtbot, d.save_button), stored)


def _outcome(qtbot, built: Built, today: dt.date, dialog: QWidget, value) -> Case:
    d = show(qtbot, dialog)
    for field, text in value(d):
        qtbot.keyClicks(field, text)

    def stored() -> dt.date | None:
        rows = built.services.outcomes.history(built.patient_id)
        return rows[0].date if rows else None

    return Case(d, d.date, d.form.errors["assessed_on"], lambda: click(qtbot, d.save_button),
                stored)


def pain_assessed_on(qtbot, built, today) -> Case:
    return _outcome(qtbot, built, today, NprsDialog(built.services, built.patient_id,
                                                    lambda: today),
                    lambda d: [(d.back, "3"), (d.leg, "2")])


def walk_test_on(qtbot, built, today) -> Case:
    dialog = WalkTestDialog(built.services, built.patient_id, lambda: today, test="walk_5min")
    return _outcome(qtbot, built, today, dialog, lambda d: [(d.value_field, "420")])


def assessment_on(qtbot, built, today) -> Case:
    """The assessment screen's date (issue 11 item 4): back pain typed, saved as the review."""
    from rehab_tracker.ui.outcomes.review_dialog import AssessmentDialog

    d = show(qtbot, AssessmentDialog(built.services, built.patient_id, lambda: today))
    qtbot.keyClicks(d.numbers["nprs.back"], "3")

    def stored() -> dt.date | None:
        rows = built.services.outcomes.history(built.patient_id)
        return rows[0].date if rows else None

    return Case(d, d.date, d.header.errors["assessed_on"], lambda: click(qtbot, d.save_button),
                stored)


class Modal:
    """A case whose dialog is modal: ``run(body)`` opens it and runs ``body(case)`` inside."""

    def __init__(self, opener: QWidget, make: Callable[[QWidget], Case]) -> None:
        self.opener, self.make = opener, make

    def run(self, qtbot, body: Callable[[Case], None]) -> None:
        with_modal(qtbot, self.opener.click, lambda dialog: body(self.make(dialog)))


def follow_up_due(qtbot, built: Built, today: dt.date) -> Modal:
    """The Outcomes tab's Add follow-up dialog (modal: driven while it runs)."""
    tab = OutcomesTab(built.services, lambda: today)
    qtbot.addWidget(tab)
    tab.show()
    row = next(r for r in built.services.patients.list_patients(today=today)
               if r.id == built.patient_id)
    tab.set_patient(row)

    def stored() -> dt.date | None:
        dues = [d for d in built.services.outcomes.schedule(built.patient_id, today=today)
                if d.label == "Check-up"]
        return dues[0].due_date if dues else None

    def make(dialog: QWidget) -> Case:
        def save() -> None:
            dialog.label.clear()
            qtbot.keyClicks(dialog.label, "Check-up")
            qtbot.keyClick(dialog.label, Qt.Key.Key_Return)

        return Case(dialog, dialog.due, dialog.form.errors["due_date"], save, stored)

    return Modal(tab.follow_up_button, make)


def education_covered_on(qtbot, built: Built, today: dt.date) -> Case:
    built.services.education.ensure_seeded()
    d = show(qtbot, RecordEducationDialog(built.services, built.program_id, lambda: today))
    first = d.model.index(0, 0)
    d.model.setData(first, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)

    def stored() -> dt.date | None:
        covered = built.services.education.covered(built.program_id)
        return covered[0].covered_on if covered else None

    return Case(d, d.covered_on, d.form.errors["covered_on"],
                lambda: click(qtbot, _save_of(d)), stored)


def _save_of(dialog: QWidget) -> QWidget:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return box.button(QDialogButtonBox.StandardButton.Save)


def program_start(qtbot, built: Built, today: dt.date) -> Case:
    services: Services = built.services
    patient_id = services.patients.enrol(
        PatientDetails("Ada", "Lovelace", dt.date(1980, 5, 1), "female", record_number="RT-77"),
        SurgeryDetails(dt.date(2026, 10, 1), ("L5-S1",), "left"),
        today=today,
    )
    d = show(qtbot, ProgramBuilderDialog(services, lambda: today, patient_id))
    page = d.create_page
    assert page is not None

    def stored() -> dt.date | None:
        program = services.programs.active_program_for(patient_id)
        return None if program is None else program.start_date

    return Case(d, page.start_edit, page.form.errors["start_date"],
                lambda: click(qtbot, page.create_button), stored)


def _phase(qtbot, built: Built, today: dt.date, key: str) -> Case:
    d = show(qtbot, ProgramBuilderDialog(built.services, lambda: today, built.patient_id))
    editor = d.phase_editors()[1 if key == "start_date" else 0]
    field = editor.start_edit if key == "start_date" else editor.end_edit

    def stored() -> dt.date | None:
        program = built.services.programs.program(built.program_id)
        phase = program.phases[1 if key == "start_date" else 0]
        return phase.start_date if key == "start_date" else phase.end_date

    d.tabs.setCurrentIndex(1 if key == "start_date" else 0)
    return Case(d, field, editor.form.errors[key], lambda: click(qtbot, d.save_button), stored)


def phase_start(qtbot, built, today) -> Case:
    return _phase(qtbot, built, today, "start_date")


def phase_end(qtbot, built, today) -> Case:
    return _phase(qtbot, built, today, "end_date")


def red_flag_cleared_on(qtbot, built: Built, today: dt.date) -> Case:
    """The clearance of a positive red-flag screen (the session stopped on a yes)."""
    slot = built.services.sessions.next_slot(built.patient_id)
    screen = RedFlagDialog(built.services, built.patient_id, slot, lambda: today)
    qtbot.addWidget(screen)
    screen.show()
    click(qtbot, screen.all_no)
    screen.yes["one_sided_leg"].click()
    click(qtbot, screen.continue_button)
    (alert,) = built.services.sessions.open_red_flags(built.patient_id)
    d = show(qtbot, RedFlagOutcomeDialog(built.services, alert, lambda: today,
                                         require_clearance=True))
    qtbot.keyClicks(d.advice, "Seen by the surgeon the same day.")
    d.referred_to.setCurrentIndex(d.referred_to.findData("surgeon"))
    qtbot.keyClicks(d.cleared_by, "surgeon Dr Ng")

    def stored() -> dt.date | None:
        with built.services.db.reading() as session:
            log = session.get(SessionLog, alert.session_id)
            return None if log is None else log.red_flag_cleared_on

    return Case(d, d.cleared_on, d.fields.errors["cleared_on"],
                lambda: click(qtbot, d.save_button), stored)


#: every date field, with a date it accepts (day <= 12 where the rules allow, so a day/month
#: mix-up shows as a wrong date)
FIELDS: dict[str, tuple[Callable[..., Case], dt.date]] = {
    "date_of_birth": (date_of_birth, dt.date(1978, 4, 12)),
    "surgery_date": (surgery_date, dt.date(2026, 10, 5)),
    "restriction_start": (restriction_start, dt.date(2026, 11, 3)),
    "restriction_end": (restriction_end, dt.date(2027, 1, 9)),
    "session_date": (session_date, dt.date(2026, 11, 23)),
    "pain_assessed_on": (pain_assessed_on, dt.date(2026, 11, 10)),
    "walk_test_on": (walk_test_on, dt.date(2026, 11, 9)),
    "assessment_on": (assessment_on, dt.date(2026, 11, 10)),
    "follow_up_due": (follow_up_due, dt.date(2027, 3, 8)),
    "education_covered_on": (education_covered_on, dt.date(2026, 11, 9)),
    "program_start": (program_start, dt.date(2026, 11, 2)),
    "phase_start": (phase_start, dt.date(2026, 12, 2)),
    "phase_end": (phase_end, dt.date(2026, 11, 11)),
    "red_flag_cleared_on": (red_flag_cleared_on, dt.date(2026, 11, 23)),
}


def run_case(qtbot, built, today, name: str, body: Callable[[Case], None]) -> Case | Modal:
    """Open the dialog of field ``name`` and run ``body`` on it; returns the case (or Modal)."""
    case = FIELDS[name][0](qtbot, built, today)
    if isinstance(case, Modal):
        case.run(qtbot, body)
    else:
        body(case)
    return case


# --- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", list(FIELDS))
def test_typed_date_is_the_date_saved(qtbot, built, today, locale, name, fmt) -> None:
    locale(fmt)
    value = FIELDS[name][1]
    seen: dict[str, object] = {}

    def body(case: Case) -> None:
        type_date(qtbot, case.field, FORMATS[fmt](value))
        # once left, the field shows the date it holds in one unambiguous form
        seen["shown"] = case.field.text()
        seen["stored"] = case.stored
        case.save()
        seen["error"] = case.error.text()

    run_case(qtbot, built, today, name, body)
    assert seen["shown"] == value.isoformat()
    assert seen["error"] == ""
    assert seen["stored"]() == value


def test_the_dates_of_the_issue_typed_into_a_new_patient(qtbot, built, today) -> None:
    """1978-04-12 saved 1978-01-04, and 2026-10-27 saved 2026-01-10 with its error gone."""
    d = show(qtbot, PatientDialog(built.services, lambda: today))
    qtbot.keyClicks(d.given_name, "Grace")
    qtbot.keyClicks(d.family_name, "Hopper")
    click(qtbot, d.levels["L4-L5"])
    type_date(qtbot, d.date_of_birth, "1978-04-12")
    click(qtbot, d.save_button)
    surgery_error = d.surgery_form.errors["surgery_date"]
    assert "date of surgery" in surgery_error.text().lower()
    type_date(qtbot, d.surgery_date, "2026-10")  # not finished: the message stays
    assert "not complete" in surgery_error.text() and surgery_error.isVisible()
    type_date(qtbot, d.surgery_date, "2026-10-27")
    assert surgery_error.text() == "" and d.surgery_date.text() == "2026-10-27"
    assert d.date_of_birth.text() == "1978-04-12"
    assert_accessible(d)
    click(qtbot, d.save_button)
    assert d.saved_id is not None
    record = built.services.patients.record(d.saved_id)
    assert record.details.date_of_birth == dt.date(1978, 4, 12)
    assert record.surgery is not None and record.surgery.surgery_date == dt.date(2026, 10, 27)


BAD = {
    "2026-02-30": "no 30 February 2026",
    "tomorrow": "Not a date",
    "2026-10": "not complete",
    "27/10/26": "four digits",
}


@pytest.mark.parametrize("bad", list(BAD))
@pytest.mark.parametrize("name", list(FIELDS))
def test_text_that_is_not_a_date_is_refused_at_the_field(
    qtbot, built, today, locale, name, bad
) -> None:
    locale("en_GB")
    seen: dict[str, object] = {}

    def body(case: Case) -> None:
        before = case.stored()
        type_date(qtbot, case.field, bad)
        seen["live"] = case.error.text()
        seen["kept"] = case.field.text()
        case.save()
        seen["after_save"] = case.error.text()
        seen["visible"] = case.error.isVisible()
        seen["open"] = case.dialog.isVisible() or name == "program_start"
        seen["unchanged"] = case.stored() == before

    run_case(qtbot, built, today, name, body)
    assert BAD[bad] in str(seen["live"])  # told as soon as the field is left
    assert seen["kept"] == bad  # what was typed stays, to be corrected
    assert BAD[bad] in str(seen["after_save"]) and seen["visible"]
    assert seen["open"] and seen["unchanged"]


#: the offscreen platform cannot raise a popup or grab the keyboard for it (a real display does)
OFFSCREEN_POPUP = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing the keyboard"
)


@OFFSCREEN_POPUP
@pytest.mark.parametrize("name", list(FIELDS))
def test_the_calendar_picks_the_date_saved(qtbot, built, today, name) -> None:
    """Alt+Down opens the calendar on the field's date; Left and Enter take the day before."""
    value = FIELDS[name][1] + dt.timedelta(days=1)
    seen: dict[str, object] = {}

    def body(case: Case) -> None:
        type_date(qtbot, case.field, value.isoformat())
        tab_into(qtbot, case.field)
        qtbot.keyClick(case.field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        calendar = case.field.calendar
        qtbot.waitUntil(lambda: calendar.isVisible())
        seen["opened_on"] = calendar.selectedDate().toPython()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: case.field.calendar is None)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is case.field)  # back in the field
        seen["shown"] = case.field.text()
        seen["stored"] = case.stored
        case.save()
        seen["error"] = case.error.text()

    run_case(qtbot, built, today, name, body)
    assert seen["opened_on"] == value
    assert seen["shown"] == FIELDS[name][1].isoformat()
    assert seen["error"] == ""
    assert seen["stored"]() == FIELDS[name][1]


@OFFSCREEN_POPUP
def test_the_calendar_by_mouse_and_escape(qtbot, built, today) -> None:
    """The calendar button opens it; Escape leaves the date alone; a click on a day takes it."""
    d = show(qtbot, PatientDialog(built.services, lambda: today))
    field = d.date_of_birth
    assert field.picker_action.text()  # the button says what it does
    (button,) = [b for b in field.findChildren(QToolButton) if b.isVisible()]
    click(qtbot, button)
    qtbot.waitUntil(lambda: field.calendar is not None and field.calendar.isVisible())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: field.calendar is None and QApplication.focusWidget() is field)
    assert field.text() == "" and field.value() is None
    type_date(qtbot, field, "1978-04-12")
    tab_into(qtbot, field)
    qtbot.keyClick(field, Qt.Key.Key_F4)
    calendar = field.calendar
    assert calendar is not None
    qtbot.waitUntil(calendar.isVisible)
    assert calendar.accessibleName() == "Date of birth calendar"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # a week earlier
    view = calendar.findChild(QTableView)
    cell = view.visualRect(view.currentIndex()).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.waitUntil(lambda: field.calendar is None)
    assert field.text() == "1978-04-05"


def test_an_empty_optional_date_stays_empty(qtbot, built, today) -> None:
    """Tabbing through an empty date of birth leaves it empty: the rule asks for it, no date is
    made up."""
    d = show(qtbot, PatientDialog(built.services, lambda: today))
    type_date(qtbot, d.date_of_birth, "")
    assert d.date_of_birth.text() == "" and d.date_of_birth.value() is None
    assert d.date_of_birth.problem() is None
    click(qtbot, d.save_button)
    assert d.form.errors["date_of_birth"].text() == "Enter the date of birth."
    assert d.saved_id is None


def test_a_required_date_cleared_says_so(qtbot, built, today) -> None:
    d = show(qtbot, NprsDialog(built.services, built.patient_id, lambda: today))
    type_date(qtbot, d.date, "")
    assert d.form.errors["assessed_on"].text() == "Enter the date."
    qtbot.keyClicks(d.back, "3")
    qtbot.keyClicks(d.leg, "2")
    click(qtbot, d.save_button)
    assert not d.saved_ids


def test_up_and_down_move_the_date_by_a_day(qtbot, built, today) -> None:
    d = show(qtbot, NprsDialog(built.services, built.patient_id, lambda: today))
    tab_into(qtbot, d.date)
    assert d.date.text() == today.isoformat()
    for _ in range(3):
        qtbot.keyClick(d.date, Qt.Key.Key_Down)
    qtbot.keyClick(d.date, Qt.Key.Key_Up)
    assert d.date.text() == (today - dt.timedelta(days=2)).isoformat()
    qtbot.keyClicks(d.back, "3")
    qtbot.keyClicks(d.leg, "2")
    click(qtbot, d.save_button)
    assert built.services.outcomes.history(built.patient_id)[0].date == today - dt.timedelta(2)


def test_every_date_input_is_the_date_field() -> None:
    """No QDateEdit (whose sections mangled typed dates) is left in the app's screens."""
    ui = Path(__file__).resolve().parents[2] / "rehab_tracker" / "ui"
    users = [p.name for p in ui.rglob("*.py")
             if re.search(r"\bQDate(Time)?Edit\b", p.read_text(encoding="utf-8"))
             and p.name != "date_field.py"]
    assert users == []
