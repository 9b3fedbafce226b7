"""The home exercise sheet of a saved program: print preview and PDF.

The Program tab and the builder both offer it. The report code is imported on first use, never on
the start-up path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QWidget

from rehab_tracker.services.container import Services
from rehab_tracker.services.programs import ProgramDetail

TITLE = "Home exercise sheet"


def handout_document(services: Services, program: ProgramDetail, today: dt.date) -> Any:
    """The sheet as a QTextDocument, with the clinic's contact details and the surgeon's
    restrictions in force."""
    from rehab_tracker.reports.handout import build_handout_document

    return build_handout_document(
        program,
        today=today,
        clinic_contact=services.programs.clinic_contact(),
        restrictions=services.restrictions.active(program.patient_id, today=today),
    )


def preview_sheet(
    parent: QWidget, services: Services, program: ProgramDetail, today: dt.date
) -> None:
    from rehab_tracker.ui.widgets.print_preview import show_print_preview

    printed = show_print_preview(handout_document(services, program, today), parent, TITLE)
    if printed is not None:
        services.disclosures.disclosed(program.patient_id, "handout_print", printed)


def save_sheet_pdf(
    parent: QWidget, services: Services, program: ProgramDetail, today: dt.date
) -> None:
    """Ask where to save the sheet as PDF (named after the patient's record number)."""
    from rehab_tracker.ui.widgets.print_preview import ask_and_save_pdf

    name = f"home-exercises-{program.record_number}.pdf"
    saved = ask_and_save_pdf(handout_document(services, program, today), parent, name)
    if saved is not None:
        services.disclosures.disclosed(program.patient_id, "handout_pdf", str(saved))
