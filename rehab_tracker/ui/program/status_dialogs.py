"""Program > Pause Program…, Resume Program, Complete Program… and Stop Program Early…: the
dialogs and confirmations of a program's status changes, and the overview's status line.

Each change is one service call through the action runner (:mod:`rehab_tracker.services.programs
.status`): field messages at their fields, nothing saved on bad input, a stale program (changed
at another workstation since the dialog opened) refused with the reload choice. Completing and
stopping are asked again before they are saved (a closed program's doses no longer change and no
session is logged against it); a resume says first what it moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from rehab_tracker.domain.program_status import status_words
from rehab_tracker.services.container import Services
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.services.programs import ProgramDetail
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.date_field import DateField, date_problems
from rehab_tracker.ui.widgets.forms import FieldForm, focus_first_error, save_cancel_row, text_label
from rehab_tracker.ui.widgets.scroll import scrolled

DialogChange = Literal["pause", "complete", "stop"]

TITLES: dict[DialogChange, str] = {
    "pause": "Pause program",
    "complete": "Complete program",
    "stop": "Stop program early",
}
SAVE_TEXT: dict[DialogChange, str] = {
    "pause": "&Pause program",
    "complete": "&Complete program",
    "stop": "&Stop program",
}
DONE: dict[DialogChange, str] = {
    "pause": "Program paused",
    "complete": "Program completed",
    "stop": "Program stopped early",
}
RESUME_TITLE = "Resume program"
CLOSED_NOTE = (
    "Its doses can no longer be changed and no session can be logged against it; a new program "
    "can be built afterwards."
)


def status_text(program: ProgramDetail | None) -> str:
    """The overview's status line of the current program ("" while it simply runs)."""
    if program is None or program.status in ("active", "planned"):
        return ""
    if program.status == "paused":
        since = program.paused_on.isoformat() if program.paused_on else "?"
        why = f" ({program.pause_reason.rstrip('.')})" if program.pause_reason else ""
        return (
            f"Program paused since {since}{why}. No session can be logged until it is resumed "
            "(Program > Resume Program)."
        )
    ended = program.ended_on.isoformat() if program.ended_on else "?"
    why = f": {program.end_reason.rstrip('.')}" if program.end_reason else ""
    return f"Program {status_words(program.status)} on {ended}{why}."


class ProgramStatusPanel(QLabel):
    """The overview's line saying a program is paused, completed or stopped early (hidden while
    it runs); ``on_program`` hears the current program at each patient change (the feature
    enables its menu actions from it)."""

    def __init__(
        self,
        services: Services,
        on_program: Callable[[ProgramDetail | None], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("programStatusLine")
        self.setAccessibleDescription("Program status")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("font-weight: bold;")
        self.services = services
        self.on_program = on_program
        self.program: ProgramDetail | None = None
        self.setVisible(False)

    def set_patient(self, row: PatientRow | None) -> None:
        self.program = None if row is None else self.services.programs.current_program_for(row.id)
        text = status_text(self.program)
        self.setText(text)
        self.setVisible(bool(text))
        if self.on_program is not None:
            self.on_program(self.program)


class ProgramStatusDialog(QDialog):
    """Pause, complete or stop ``program``: its day (a :class:`DateField`, today at first) and
    its reason; ``saved`` is True once the change is saved."""

    def __init__(
        self,
        services: Services,
        program: ProgramDetail,
        change: DialogChange,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{change}ProgramDialog")
        self.setWindowTitle(TITLES[change])
        self.services = services
        self.program = program
        self.change: DialogChange = change
        self.today = today
        self.saved = False
        self.assessment_recorded = False
        intro = text_label("programStatusIntro", description=TITLES[change])
        intro.setText(self._intro())
        #: the end-of-program assessment's state (Complete program only)
        self.assessment = text_label("endAssessmentState", description="End-of-program assessment")
        self.assessment.setVisible(change == "complete")
        self.fields = FieldForm()
        self.fields.setObjectName("programStatusFields")
        self._build_fields()
        buttons, self.save_button, self.cancel_button = save_cancel_row(
            SAVE_TEXT[change], "programStatus", self.save, self.reject
        )
        layout = QVBoxLayout(self)
        layout.addWidget(scrolled(intro, self.assessment, self.fields, stretch=True))  # at 200%
        layout.addLayout(buttons)
        dialogs.fit_to_screen(self, 620, 380 if change != "complete" else 460)
        self.day.setFocus(Qt.FocusReason.OtherFocusReason)

    def _intro(self) -> str:
        p = self.program
        head = f"{p.name}, started {p.start_date.isoformat()}, now {status_words(p.status)}."
        if self.change == "pause":
            return (
                f"{head}\n\nWhile the program is paused no session can be logged. When it is "
                "resumed, the sessions not logged yet from the first day of the pause on move by "
                "the pause's length, rounded up to whole weeks so they keep their weekdays."
            )
        if self.change == "complete":
            return f"{head}\n\nThe program ends as completed. {CLOSED_NOTE}"
        return f"{head}\n\nThe program ends before its planned end. {CLOSED_NOTE}"

    def _build_fields(self) -> None:
        today = self.today()
        if self.change == "pause":
            self.day = self.fields.add("paused_on", "&First day of the pause", DateField(today))
            self.reason = self.fields.add("reason", "&Reason", QLineEdit())
            self.reason.setPlaceholderText("e.g. chest infection, revision operation")
        elif self.change == "stop":
            self.day = self.fields.add("ended_on", "S&topped on", DateField(today))
            self.reason = self.fields.add("reason", "&Reason", QLineEdit())
            self.reason.setPlaceholderText("e.g. moved away, recurrent herniation")
        else:
            self.day = self.fields.add("ended_on", "Completed &on", DateField(today))
            self.reason = self.fields.add("note", "&Note (optional)", QLineEdit())
            self.reason.setPlaceholderText("e.g. goals met")
            self.skip_reason = self.fields.add(
                "end_assessment", "Assessment &skipped because", QLineEdit()
            )
            self.skip_reason.setPlaceholderText("e.g. patient moved away before the assessment")
            self._update_assessment()
        self.day.dateChanged.connect(self._day_changed)

    def _day_changed(self) -> None:
        key = "paused_on" if self.change == "pause" else "ended_on"
        self.fields.show_error(key, self.day.problem() or "")
        if self.change == "complete":
            self._update_assessment()

    def _update_assessment(self) -> None:
        """Whether the end-of-program assessment counts for the day typed; the reason to skip it
        is asked for only when it does not."""
        day = self.day.value()
        recorded = day is not None and self.services.programs.end_assessment_recorded(
            self.program.id, day
        )
        self.assessment_recorded = recorded
        self.assessment.setText(
            "End-of-program assessment: recorded."
            if recorded
            else "End-of-program assessment: not recorded. Record it on the Outcomes tab, or "
            "say below why it was skipped."
        )
        self.fields.set_row_visible("end_assessment", not recorded)

    def _write(self) -> int:
        """The service call of the change, with what the fields hold; the program's new
        version."""
        day, text, today = self.day.value(), self.reason.text(), self.today()
        programs, p = self.services.programs, self.program
        if self.change == "pause":
            return programs.pause(
                p.id, paused_on=day, reason=text, expected_version=p.version, today=today
            )
        if self.change == "stop":
            return programs.stop(
                p.id, ended_on=day, reason=text, expected_version=p.version, today=today
            )
        return programs.complete(
            p.id,
            ended_on=day,
            note=text,
            skip_reason="" if self.assessment_recorded else self.skip_reason.text(),
            expected_version=p.version,
            today=today,
        )

    def save(self) -> None:
        if typed := date_problems(self.fields.fields):
            self.fields.show_errors(typed)
            focus_first_error(self)
            return
        if self.change != "pause" and not self._confirmed(self.day.value()):
            return
        done = run_action(
            self,
            self._write,
            title=self.windowTitle(),
            form=self.fields.show_errors,
            on_conflict=self.reject,
        )
        if done:
            self.saved = True
            self.accept()

    def _confirmed(self, day: dt.date | None) -> bool:
        when = day.isoformat() if day else "the day given"
        verb = "Complete" if self.change == "complete" else "Stop"
        return dialogs.confirm(
            self,
            self.windowTitle(),
            f"{verb} {self.program.name} of {self.program.patient_name} on {when}?\n\n"
            f"{CLOSED_NOTE}",
        )


def resume_program(
    parent: QWidget, services: Services, program: ProgramDetail, today: dt.date
) -> bool:
    """Resume ``program`` today, once the user has read what moves and agreed; True when
    resumed."""
    preview = run_action(
        parent,
        lambda: services.programs.resume_preview(program.id, today),
        title=RESUME_TITLE,
    )
    if not preview:
        return False
    plan = preview.value
    since = program.paused_on.isoformat() if program.paused_on else "?"
    if plan.shift_days:
        weeks = plan.shift_days // 7
        moves = (
            f"The {plan.sessions_moved} sessions not logged yet move {weeks} "
            f"week{'s' if weeks != 1 else ''} later (the pause rounded up to whole weeks, so "
            "they keep their weekdays); the phases and assessments due move with them."
        )
    else:
        moves = "No session needs to move: the next one is today or later."
    question = (
        f"Resume {program.name} of {program.patient_name} today ({today.isoformat()})? It is "
        f"paused since {since}.\n\n{moves}"
    )
    if not dialogs.confirm(parent, RESUME_TITLE, question):
        return False
    done = run_action(
        parent,
        lambda: services.programs.resume(
            program.id, resume_on=today, expected_version=plan.version
        ),
        title=RESUME_TITLE,
    )
    return bool(done)
