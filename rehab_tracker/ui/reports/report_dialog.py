"""The progress report dialog (audience, date range, clinician notes, preview and print, save
PDF) and the batch export of every active patient's report with a progress dialog.

Report code (and matplotlib) load when the dialog first builds a report, not at start-up.
Previewing and printing reuse :mod:`rehab_tracker.ui.widgets.print_preview` (the home-sheet helper).
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs, print_preview
from rehab_tracker.ui.widgets.date_field import DateField
from rehab_tracker.ui.widgets.forms import FieldForm, buddy_label, name_button, push_button

if TYPE_CHECKING:
    from PySide6.QtGui import QTextDocument

    from rehab_tracker.reports.batch import BatchResult
    from rehab_tracker.services.container import Services
    from rehab_tracker.services.report_data.model import ReportData


def get_export_folder(parent: QWidget | None) -> Path | None:
    """Ask for the folder a batch export writes into; None when cancelled."""
    folder = QFileDialog.getExistingDirectory(parent, "Export all reports to", str(Path.home()))
    return Path(folder) if folder else None


class ReportDialog(QDialog):
    """One patient's progress report: choose the version, add notes, preview/print or save."""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        patient_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle("Progress Report")
        self.services = services
        self.today = today
        self.patient_id = patient_id
        self._data: ReportData | None = None
        self._data_period: tuple[dt.date | None, dt.date | None] = (None, None)
        self.saved_path: Path | None = None
        audience_box = self._build_audience_box()
        range_box = self._build_range_box()
        notes_label = self._build_notes()
        self.status = QLabel("")
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        buttons = self._build_buttons()
        self._build_heading()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(audience_box)
        layout.addWidget(range_box)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.setTabOrder(self.clinical, self.patient)
        self.setTabOrder(self.patient, self.period_start)
        self.setTabOrder(self.period_start, self.period_end)
        self.setTabOrder(self.period_end, self.notes)
        dialogs.fit_to_screen(self, 560, 480)

    def _build_audience_box(self) -> QGroupBox:
        """The clinical or patient version of the report."""
        audience_box = QGroupBox("Version")
        self.clinical = name_button(
            QRadioButton("C&linical (surgeon, referrer or insurer)"), "audienceClinical"
        )
        self.patient = name_button(QRadioButton("&Patient (plain language)"), "audiencePatient")
        self.clinical.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.clinical)
        group.addButton(self.patient)
        box_layout = QVBoxLayout(audience_box)
        box_layout.addWidget(self.clinical)
        box_layout.addWidget(self.patient)
        return audience_box

    def _build_range_box(self) -> QGroupBox:
        """The date range the report covers: from the program's start to today unless
        changed."""
        box = QGroupBox("Date range")
        data = self.report_data()
        self.range_form = FieldForm()
        self.period_start = self.range_form.add(
            "period_start", "&From date", DateField(data.period_start, maximum=self.today())
        )
        self.period_end = self.range_form.add(
            "period_end", "&To date", DateField(data.period_end, maximum=self.today())
        )
        self.period_start.setObjectName("reportFrom")
        self.period_end.setObjectName("reportTo")
        self._default_range = (data.period_start, data.period_end)
        self.period_start.dateChanged.connect(lambda: self.range_form.show_errors({}))
        self.period_end.dateChanged.connect(lambda: self.range_form.show_errors({}))
        QVBoxLayout(box).addWidget(self.range_form)
        return box

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The range typed (None for a bound left at its default); ValidationError (keyed by
        field) for a date that cannot be read."""
        problems = {
            key: problem
            for key, field in (("period_start", self.period_start), ("period_end", self.period_end))
            if (problem := field.problem())
        }
        if problems:
            raise ValidationError(problems)
        start, end = self.period_start.value(), self.period_end.value()
        default_start, default_end = self._default_range
        return (
            None if start in (None, default_start) else start,
            None if end in (None, default_end) else end,
        )

    def _build_notes(self) -> QLabel:
        """The clinician's notes field; returns its label."""
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("reportNotes")
        self.notes.setTabChangesFocus(True)
        return buddy_label("Clinician &notes (printed on the report):", self.notes)

    def _build_buttons(self) -> QDialogButtonBox:
        """Preview and Print, Save PDF, Close."""
        buttons = QDialogButtonBox()
        self.preview_button = push_button("Pre&view and Print…", "reportPreview")
        self.save_button = push_button("&Save PDF…", "reportSavePdf")
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        self.preview_button.clicked.connect(self.preview)
        self.save_button.clicked.connect(self.save_pdf)
        return buttons

    def _build_heading(self) -> None:
        """The patient's name and record number, also in the window title."""
        data = self.report_data()
        self.heading = QLabel(
            f"<b>{html.escape(data.patient.name)}</b> ({html.escape(data.patient.record_number)})"
        )
        self.heading.setObjectName("reportPatient")
        self.setWindowTitle(f"Progress Report — {data.patient.name}")

    def audience(self) -> str:
        return "patient" if self.patient.isChecked() else "clinical"

    def report_data(self) -> ReportData:
        """The report's data for the range chosen (the whole program before the range fields
        exist); ValidationError for a range the service refuses."""
        period = self.period() if hasattr(self, "period_start") else (None, None)
        if self._data is None or period != self._data_period:
            self._data = self.services.reports.gather(
                self.patient_id, today=self.today(), period_start=period[0], period_end=period[1]
            )
            self._data_period = period
        return self._data

    def _checked_data(self) -> ReportData | None:
        """The report data, or None once the range's problem is shown at its field."""
        done = run_action(self, self.report_data, form=self.range_form.show_errors)
        return done.value if done else None

    def document(self, data: ReportData | None = None) -> QTextDocument:
        from rehab_tracker.reports.progress import build_document

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return build_document(
                data or self.report_data(), self.audience(), self.notes.toPlainText()  # type: ignore[arg-type]
            )
        finally:
            QApplication.restoreOverrideCursor()

    def preview(self) -> None:
        from rehab_tracker.reports.progress import print_document

        data = self._checked_data()
        if data is None:
            return
        doc = self.document(data)
        printed = print_preview.show_print_preview(
            doc,
            self,
            f"Progress report — {data.patient.name}",
            lambda printer: print_document(doc, printer),
        )
        if printed is not None:
            self.services.disclosures.disclosed(
                self.patient_id, "report_print", printed, audience=self.audience()
            )

    def save_pdf(self) -> Path | None:
        from rehab_tracker.reports.progress import report_file_name, save_document_pdf

        data = self._checked_data()
        if data is None:
            return None
        target = print_preview.get_save_path(
            self, "Save progress report", report_file_name(data, self.audience())  # type: ignore[arg-type]
        )
        if target is None:
            return None
        if not run_action(
            self,
            lambda: save_document_pdf(self.document(data), target),
            title="Save progress report",
        ):
            return None
        self.services.disclosures.disclosed(
            self.patient_id, "report_pdf", str(target), audience=self.audience()
        )
        self.saved_path = target
        self.status.setText(f"Saved {target}")
        return target


def open_progress_report(
    parent: QWidget | None,
    services: Services,
    today: Callable[[], dt.date],
    patient_id: uuid.UUID | None,
) -> ReportDialog | None:
    """The Reports > Progress Report… action: a non-blocking dialog for the selected patient."""
    if patient_id is None:
        dialogs.inform(parent, "Progress Report", "Select a patient first.")
        return None
    dialog = ReportDialog(services, today, patient_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def export_all_reports(
    parent: QWidget | None,
    services: Services,
    today: Callable[[], dt.date],
    audience: str = "clinical",
) -> BatchResult | None:
    """The Reports > Export All Reports… action: every active patient's PDF, with progress."""
    from rehab_tracker.reports.batch import export_all

    folder = get_export_folder(parent)
    if folder is None:
        return None
    from rehab_tracker.ui.widgets.background import BackgroundTask, progress_dialog, run_and_wait

    progress = progress_dialog(
        parent, "Export All Reports", "exportProgress", "Preparing reports…", maximum=1
    )

    def export(step: Callable[[str, int, int], bool]) -> BatchResult:  # in the worker thread
        return export_all(
            services.reports, folder, today=day, audience=audience,  # type: ignore[arg-type]
            progress=lambda done, total, label: step(label, done, total),
            disclosures=services.disclosures,
        )

    def shown(label: str, done: int, total: int) -> None:  # in the GUI thread
        progress.setMaximum(max(total, 1))
        progress.setValue(done)
        progress.setLabelText(
            "Finished" if label == "done" else f"Report {done + 1} of {total}: {label}"
        )
        if progress.wasCanceled():
            task.cancel()

    day = today()
    # the reports are built and written in a worker thread; each step waits for the dialog,
    # so Cancel stops the batch before the next report
    task = BackgroundTask(export, progress, in_step=True)
    task.progressed.connect(shown)
    progress.canceled.connect(task.cancel)
    try:
        done = run_action(parent, lambda: run_and_wait(task), title="Export All Reports")
    finally:
        progress.close()
    if not done:
        return None
    result: Any = done.value
    text = f"{result.summary()}.\nFolder: {folder}"
    if result.failed:
        text += "\n\nNot written:\n" + "\n".join(f"{n}: {why}" for n, why in result.failed)
        dialogs.error(parent, "Export All Reports", text)
    else:
        dialogs.inform(parent, "Export All Reports", text)
    return result  # type: ignore[no-any-return]
