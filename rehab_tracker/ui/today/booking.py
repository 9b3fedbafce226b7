"""Book or move a session: a patient's scheduled session (not logged yet) on a date at a time.

Booking chooses the patient (those with an open program) and which of their sessions; moving
opens on one session. Either way the save is ``services.schedule.book``: a refused date, time or
session shows under its field, a move saved meanwhile at another workstation offers a reload.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.programs import is_open
from rehab_tracker.services.schedule import Appointment
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets.date_field import DateField, date_problems
from rehab_tracker.ui.widgets.dialogs import save_cancel_buttons
from rehab_tracker.ui.widgets.forms import FieldForm

if TYPE_CHECKING:
    from rehab_tracker.services.container import Services
    from rehab_tracker.services.patients import PatientRow

#: the time a session without a booked time is offered at
DEFAULT_TIME = dt.time(9, 0)


def slot_text(a: Appointment) -> str:
    when = f" at {a.time_text}" if a.time is not None else f", {a.time_text}"
    return f"{a.name} (week {a.week}), planned {a.day.isoformat()}{when}"


class BookingDialog(QDialog):
    """Book a session (``appointment`` None: choose patient and session) or move one."""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        *,
        patients: Sequence[PatientRow] = (),
        patient_id: uuid.UUID | None = None,
        appointment: Appointment | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bookingDialog")
        self.services, self.today = services, today
        self.moving = appointment
        self.setWindowTitle("Move session" if appointment else "Book session")
        self.slots: list[Appointment] = []
        self.saved = False
        self.form = FieldForm()
        if appointment is not None:
            self.patient = None
            self.form.add(
                "patient",
                "Patient",
                QLabel(f"{appointment.patient_name} ({appointment.record_number})"),
            )
            self.slot = None
            self.form.add("slot", "Session", QLabel(slot_text(appointment)))
        else:
            self.patient = self.form.add("patient", "&Patient", QComboBox())
            for row in patients:
                if is_open(row.program_status):
                    self.patient.addItem(f"{row.name} ({row.record_number})", row.id)
            self.slot = self.form.add("slot", "&Session", QComboBox())
        self.date = self.form.add("date", "&Date", DateField())
        self.date.dateChanged.connect(
            lambda: self.form.show_error("date", self.date.problem() or "")
        )
        self.time = self.form.add("time", "&Time", QTimeEdit())
        self.time.setDisplayFormat("HH:mm")
        buttons = save_cancel_buttons(self, self.save)
        # Alt+S and Alt+P, D, T are the fields': Save and Cancel take letters of their own
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Sa&ve")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Cancel")
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        if self.patient is not None and self.slot is not None:
            self.patient.currentIndexChanged.connect(lambda _i: self.load_slots())
            self.slot.currentIndexChanged.connect(lambda _i: self.offer(self.chosen()))
            if patient_id is not None and (i := self.patient.findData(patient_id)) >= 0:
                self.patient.setCurrentIndex(i)
            self.load_slots()
        else:
            self.offer(appointment)

    def load_slots(self) -> None:
        """The chosen patient's sessions not logged yet; the first from today is offered."""
        assert self.patient is not None and self.slot is not None
        patient_id = self.patient.currentData()
        self.slots = [] if patient_id is None else self.services.schedule.bookable(patient_id)
        self.slot.blockSignals(True)
        self.slot.clear()
        for a in self.slots:
            self.slot.addItem(slot_text(a), a.slot_id)
        today = self.today()
        first = next((i for i, a in enumerate(self.slots) if a.day >= today), 0)
        self.slot.setCurrentIndex(first if self.slots else -1)
        self.slot.blockSignals(False)
        self.form.show_error(
            "slot",
            ""
            if self.slots or patient_id is None
            else "Every session of this patient's program is logged.",
        )
        self.offer(self.chosen())

    def chosen(self) -> Appointment | None:
        """The session being booked or moved."""
        if self.moving is not None:
            return self.moving
        assert self.slot is not None
        index = self.slot.currentIndex()
        return self.slots[index] if 0 <= index < len(self.slots) else None

    def offer(self, a: Appointment | None) -> None:
        """Prefill the date and time from the session (not before today)."""
        if a is None:
            return
        self.date.set_value(max(a.day, self.today()))
        at = a.time or DEFAULT_TIME
        self.time.setTime(QTime(at.hour, at.minute))

    def save(self) -> None:
        problems = date_problems(self.form.fields)
        a = self.chosen()
        if a is None:
            problems["slot"] = "Choose the session to book."
        self.form.show_errors(problems)
        if problems or a is None:
            return
        t = self.time.time()
        at = dt.time(t.hour(), t.minute())
        done = run_action(
            self,
            lambda: self.services.schedule.book(
                a.slot_id,
                self.date.value(),
                at,
                expected_version=a.version,
                today=self.today(),
            ),
            title=self.windowTitle(),
            form=self.form,
            on_conflict=self.reload,
        )
        if done:
            self.saved = True
            self.accept()

    def reload(self) -> None:
        """After another workstation's move: read the session again (what was typed stays)."""
        moving = self.moving
        if moving is None:
            typed = (self.date.text(), self.time.time())
            self.load_slots()
            self.date.setText(typed[0])
            self.time.setTime(typed[1])
            return
        fresh = next(
            (
                a
                for a in self.services.schedule.bookable(moving.patient_id)
                if a.slot_id == moving.slot_id
            ),
            None,
        )
        if fresh is None:
            self.form.show_error("slot", "This session was logged meanwhile; it keeps its date.")
            return
        self.moving = fresh
        self.form.show_error("slot", f"Now planned {fresh.day.isoformat()} {fresh.time_text}.")
