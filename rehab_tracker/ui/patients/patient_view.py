"""The selected patient: a tab widget whose first tab is the Overview.

The features add a tab with one line in their ``attach`` (the view is the workspace's)::

    workspace.patient_view.add_tab(SessionsTab(services, today), "Sessio&ns")

and may add a panel to the Overview (``overview.add_section``) or a button under it
(``overview.add_button``). A tab, section or button is any QWidget; if it has
``set_patient(row: PatientRow | None)`` (:class:`ShowsPatient`) the view calls it whenever the
selection changes (and on ``refresh()``), so each one loads what it needs through its service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.domain.units import measured_with_unit
from rehab_tracker.domain.weeks import weeks_since
from rehab_tracker.services.container import Services
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.ui.widgets.scroll import scrolled_column

#: (code, caption, unit, what follows the value): the values read as the Outcomes tab and the
#: change sentences read them (domain.units.measured_with_unit, one rounding everywhere)
SCORE_LABELS = (
    ("odi", "Disability (ODI)", "%", ""),
    ("rmdq", "Disability (RMDQ)", "", " / 24"),
    ("nprs_back", "Back pain", "", " / 10"),
    ("nprs_leg", "Leg pain", "", " / 10"),
    ("walk_6min", "6-minute walk", "m", ""),
)
BANNER_STYLE = (
    "background: #b00020; color: white; font-weight: bold; padding: 6px; border-radius: 3px;"
)


@runtime_checkable
class ShowsPatient(Protocol):
    """A tab or overview part that follows the selected patient."""

    def set_patient(self, row: PatientRow | None) -> None: ...


def _value_label(name: str) -> QLabel:
    label = QLabel()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                  | Qt.TextInteractionFlag.TextSelectableByMouse)
    # a screen reader reads a label's name instead of its text: describe, don't rename, so the
    # value itself is what is heard (the caption label beside it says what it is)
    label.setAccessibleDescription(name)
    label.setWordWrap(True)
    return label


class OverviewTab(QWidget):
    """Surgery, where the patient is in the program, adherence, surgeon restrictions in force,
    latest scores, red flags."""

    def __init__(
        self, services: Services, today: Callable[[], dt.date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.today = today
        self.row: PatientRow | None = None

        self.banner = QLabel()
        self.banner.setObjectName("redFlagBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setAccessibleDescription("Red flag")
        self.banner.setVisible(False)
        self.title = QLabel()
        self.title.setObjectName("patientTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)

        grid = self._build_groups()
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)

        column = scrolled_column(self)
        column.addWidget(self.banner)
        column.addWidget(self.title)
        column.addLayout(grid)
        column.addLayout(self.buttons)
        self.column = column
        self.parts: list[ShowsPatient] = []
        column.addStretch(1)
        self.set_patient(None)

    def _build_groups(self) -> QGridLayout:
        """Surgery, Program and Latest scores: a caption and a value label per line."""
        self.values: dict[str, QLabel] = {}

        def group(title: str, rows: list[tuple[str, str]]) -> QGroupBox:
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key, text in rows:
                value = _value_label(text)
                self.values[key] = value
                form.addRow(f"{text}:", value)
            return box

        surgery = group(
            "Surgery",
            [
                ("surgery_date", "Date"),
                ("levels", "Levels"),
                ("side", "Side"),
                ("procedure", "Procedure"),
                ("surgeon", "Surgeon"),
                ("weeks_since", "Weeks since surgery"),
            ],
        )
        program = group(
            "Program",
            [
                ("program", "Program"),
                ("phase", "Phase"),
                ("week", "Program week"),
                ("next_session", "Next session"),
                ("adherence", "Adherence to date"),
            ],
        )
        scores = group("Latest scores", [(code, text) for code, text, _u, _s in SCORE_LABELS])
        restrictions = QGroupBox("Surgeon restrictions")
        self.restrictions_label = _value_label("Surgeon restrictions in force")
        self.restrictions_label.setObjectName("restrictionsInForce")
        QVBoxLayout(restrictions).addWidget(self.restrictions_label)

        # two columns fit the patient pane at 1280x800 and at 200%; the scroll area does the rest
        grid = QGridLayout()
        grid.addWidget(surgery, 0, 0)
        grid.addWidget(program, 0, 1)
        grid.addWidget(restrictions, 1, 0, 1, 2)
        grid.addWidget(scores, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return grid

    def add_section(self, widget: QWidget, *, under_scores: bool = False) -> None:
        """Add a panel under the banner (what must be seen first: red flags), or with
        ``under_scores`` below the latest scores; it gets ``set_patient(row)`` with the tab."""
        if under_scores:
            self.column.insertWidget(self.column.indexOf(self.buttons), widget)
        else:
            self.column.insertWidget(1, widget)
        self._follow(widget)

    def add_button(self, button: QWidget) -> None:
        """Add a button to the row under the scores (left to right in the order added)."""
        self.buttons.insertWidget(self.buttons.count() - 1, button)
        self._follow(button)

    def _follow(self, widget: QWidget) -> None:
        if isinstance(widget, ShowsPatient):
            self.parts.append(widget)
            widget.set_patient(self.row)

    def set_patient(self, row: PatientRow | None) -> None:
        self.row = row
        for part in self.parts:
            part.set_patient(row)
        if row is None:
            self.title.setText("No patient selected")
            self.banner.setVisible(False)
            for label in self.values.values():
                label.setText("")
            self.restrictions_label.setText("")
            return
        today = self.today()
        record = self.services.patients.record(row.id)
        overview = self.services.patients.overview(row.id, today=today)
        self.title.setText(f"{row.name}  ({row.record_number})")
        s = record.surgery
        v = self.values
        if record.details.pathway == "conservative" or s is None:
            v["surgery_date"].setText("Conservative pathway (no surgery)")
            for key in ("levels", "side", "procedure", "surgeon", "weeks_since"):
                v[key].setText("")
        else:
            v["surgery_date"].setText(s.surgery_date.isoformat() if s.surgery_date else "")
            v["levels"].setText(", ".join(s.levels))
            v["side"].setText((s.side or "not recorded").capitalize())
            v["procedure"].setText(s.procedure)
            v["surgeon"].setText(s.surgeon or "not recorded")
            v["weeks_since"].setText(str(weeks_since(s.surgery_date, today)))
        v["program"].setText(overview.program_name or "No program yet")
        v["phase"].setText(row.phase or "")
        v["week"].setText("" if row.program_week is None else str(row.program_week))
        v["next_session"].setText(row.next_session.isoformat() if row.next_session else "")
        if overview.adherence is None:
            v["adherence"].setText("No sessions planned to date")
        else:
            v["adherence"].setText(
                f"{overview.sessions_attended} of {overview.sessions_planned_to_date} sessions "
                f"({overview.adherence:.0%})"
            )
        units = self.services.settings.units()
        for code, _text, unit, after in SCORE_LABELS:
            latest = overview.latest_scores.get(code)
            v[code].setText(
                "none yet"
                if latest is None
                else f"{measured_with_unit(latest[0], unit, units)}{after} on {latest[1]}"
            )
        self.restrictions_label.setText(_restrictions_text(overview.restrictions,
                                                           bool(record.restrictions)))
        if overview.open_red_flag_on is not None:
            self.banner.setText(
                "RED FLAG reported on "
                f"{overview.open_red_flag_on.isoformat()}, not cleared: exercise and "
                "progression on hold until the clearance is recorded (Session > Record "
                "Red-Flag Outcome)."
            )
            self.banner.setVisible(True)
        else:
            self.banner.setVisible(False)


def _restrictions_text(active: Sequence[Restriction], any_recorded: bool) -> str:
    """One restriction in force a line; or why there is none."""
    if active:
        return "\n".join(r.describe() for r in active)
    return "None in force today (the recorded ones have ended)" if any_recorded else (
        "None recorded"
    )


class PatientView(QTabWidget):
    """The selected patient's tabs; ``add_tab`` is how the features join."""

    def __init__(
        self, services: Services, today: Callable[[], dt.date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patientView")
        self.setAccessibleName("Patient")
        # every tab stays reachable in a narrow window (200% scaling): scroll, never elide
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideNone)
        self.tabBar().setExpanding(False)
        self.services = services
        self.today = today
        self.row: PatientRow | None = None
        self.overview = OverviewTab(services, today)
        self.add_tab(self.overview, "O&verview")

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a tab (title may carry a ``&`` mnemonic); it gets the current patient at once."""
        if not widget.objectName():
            widget.setObjectName(title.replace("&", "").lower().replace(" ", "_") + "Tab")
        index = self.addTab(widget, title)
        if isinstance(widget, ShowsPatient) and self.row is not None:
            widget.set_patient(self.row)
        return index

    def set_patient(self, row: PatientRow | None) -> None:
        """Show ``row``'s record; opening another patient's is an access in the audit trail
        (showing the same patient again after a change is not)."""
        if row is not None and (self.row is None or self.row.id != row.id):
            self.services.disclosures.accessed(row.id)
        self.row = row
        for i in range(self.count()):
            tab = self.widget(i)
            if isinstance(tab, ShowsPatient):
                tab.set_patient(row)

    def refresh(self) -> None:
        self.set_patient(self.row)

