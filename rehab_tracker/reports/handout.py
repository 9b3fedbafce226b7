"""The home exercise sheet: the patient's current phase on one or two A4 pages.

Built as HTML in a QTextDocument (QtGui only; QtPrintSupport is imported inside
:func:`write_handout_pdf`), laid out on an A4 page with 15 mm margins. When the exercises do not
fit on two pages the text is set a little smaller, down to a readable minimum.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QGuiApplication, QTextDocument

from rehab_tracker.data.private_files import private_output, was_written
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.restrictions import ExerciseFacts, Restriction, check_dose
from rehab_tracker.services.programs import PhaseDetail, PrescribedExercise, ProgramDetail

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

A4_MM = (210.0, 297.0)
MARGIN_MM = 15.0
MAX_PAGES = 2
#: base font sizes tried in turn until the sheet fits on MAX_PAGES pages
FONT_STEPS_PT = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _date(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


def _sentence(parts: tuple[str, ...]) -> str:
    return " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts)


def _limits_note(rx: PrescribedExercise, restrictions: Sequence[Restriction]) -> str:
    """What the sheet says under an exercise that goes past one of the surgeon's limits."""
    breaches = check_dose(ExerciseFacts(rx.exercise_name, rx.movements), rx.dosage, restrictions)
    if not breaches:
        return ""
    ends = max((b.restriction.until for b in breaches if b.restriction.until), default=None)
    if rx.restriction_override:
        return (
            "<br/><b>Your physiotherapist set this amount knowing your surgeon's limits "
            "above.</b>"
        )
    until = f" until {_date(ends)}" if ends is not None else ""
    return (
        f"<br/><b style='color:#b00020'>Leave this one out{until}: it goes against a limit your "
        "surgeon set (see the limits above). Ask your physiotherapist.</b>"
    )


def _restrictions_html(restrictions: Sequence[Restriction]) -> str:
    if not restrictions:
        return ""
    items = "".join(f"<li>{_e(r.plain_words())}</li>" for r in restrictions)
    return (
        "<p><b>Limits from your surgeon</b> (these come first, before any exercise on this "
        f"sheet):</p><ul>{items}</ul>"
    )


def handout_html(
    program: ProgramDetail,
    phase: PhaseDetail | None,
    *,
    today: dt.date,
    clinic_contact: str | None = None,
    base_pt: float = 10.0,
    restrictions: Sequence[Restriction] = (),
) -> str:
    """The sheet as HTML (Qt's rich-text subset); ``restrictions`` are the surgeon's limits in
    force, listed in plain words and marked on the exercises that go past one."""
    small = base_pt - 1
    head = base_pt + 5
    rows = []
    items = phase.prescriptions if phase is not None else ()
    for n, rx in enumerate(items, 1):
        how = _sentence(rx.instructions)
        care = _sentence(rx.cautions)
        note = f"<br/><i>Note from your physiotherapist:</i> {_e(rx.notes)}" if rx.notes else ""
        note += _limits_note(rx, restrictions)
        rows.append(
            "<tr>"
            f"<td width='5%' valign='top' nowrap><b>{n}.</b></td>"
            "<td valign='top'>"
            f"<b>{_e(rx.exercise_name)}</b> - <b>{_e(rx.dosage.plain_words())}</b>{note}"
            + (f"<br/><span style='font-size:{small}pt'>How: {_e(how)}</span>" if how else "")
            + (
                f"<br/><span style='font-size:{small}pt; color:#7a3b00'>Take care: "
                f"{_e(care)}</span>"
                if care
                else ""
            )
            + "</td>"
            "<td width='8%' valign='top' align='center' style='color:#777777'>&#9744;</td>"
            "</tr>"
        )
    if phase is None:
        phase_line = "The program has finished: ask your physiotherapist what to do next."
    else:
        phase_line = (
            f"<b>{_e(phase.name)}</b>, program weeks {phase.start_week} to {phase.end_week}: "
            f"{_date(phase.start_date)} to {_date(phase.end_date)}"
        )
    emergency, urgent = (
        "".join(f"<li>{_e(f.label[0].upper() + f.label[1:])}</li>" for f in RED_FLAGS
                if f.action == action)
        for action in ("emergency", "urgent")
    )
    contact = (
        f"Questions about your exercises: {_e(clinic_contact)}"
        if clinic_contact
        else "Questions about your exercises: call your physiotherapy clinic."
    )
    table = (
        "<table width='100%' cellspacing='0' cellpadding='3' border='0'>"
        "<tr><td></td><td><b>Exercise and how much</b></td>"
        "<td align='center'><b>Done</b></td></tr>" + "".join(rows) + "</table>"
        if rows
        else "<p>No exercises are prescribed for this phase.</p>"
    )
    return (
        f"<html><body style='font-family: sans-serif; font-size:{base_pt}pt'>"
        f"<p style='font-size:{head}pt'><b>Home exercise sheet</b></p>"
        f"<p><b>{_e(program.patient_name)}</b> ({_e(program.record_number)})<br/>"
        f"{phase_line}<br/>"
        f"<span style='font-size:{small}pt'>Printed {_date(today)}. "
        f"Do each exercise as your physiotherapist showed you, at a comfortable pace. "
        f"Effort is out of 10: 0 is no effort, 10 the hardest you could manage. "
        f"Stop an exercise that makes your leg pain, numbness or tingling worse, and tell your "
        f"physiotherapist at the next visit.</span></p>"
        "<table width='100%' cellspacing='0' cellpadding='6' border='1' "
        "style='border-color:#b00020; border-style:solid; margin-bottom:6px'>"
        "<tr><td bgcolor='#fdecee'>"
        "<b style='color:#b00020'>Call emergency services now</b> and do not exercise if you "
        f"notice:<ul>{emergency}</ul>"
        "<b style='color:#b00020'>Get medical help the same day</b> (your surgeon's team or "
        f"your doctor) and do not exercise if you notice:<ul>{urgent}</ul>"
        "These are rare but need checking at once.</td></tr></table>"
        f"{_restrictions_html(restrictions)}"
        f"{table}"
        f"<p>{contact}</p>"
        "</body></html>"
    )


def _page_size() -> QSizeF:
    """The printable A4 area in the document's layout units (screen pixels)."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
    w = (A4_MM[0] - 2 * MARGIN_MM) / 25.4 * dpi
    h = (A4_MM[1] - 2 * MARGIN_MM) / 25.4 * dpi
    return QSizeF(w, h)


def build_handout_document(
    program: ProgramDetail,
    *,
    today: dt.date,
    clinic_contact: str | None = None,
    phase: PhaseDetail | None = None,
    restrictions: Sequence[Restriction] = (),
) -> QTextDocument:
    """The sheet for ``phase`` (default: the phase running ``today``), paginated on A4, with
    the surgeon's ``restrictions`` in force."""
    if phase is None:
        phase = program.phase_on(today)
    doc = QTextDocument()
    for size in FONT_STEPS_PT:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setPageSize(_page_size())
        doc.setHtml(
            handout_html(
                program, phase, today=today, clinic_contact=clinic_contact, base_pt=size,
                restrictions=restrictions,
            )
        )
        if doc.pageCount() <= MAX_PAGES:
            break
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, "Home exercise sheet")
    return doc


def a4_printer(path: str | Path | None = None) -> QPrinter:
    """A high-resolution A4 printer with 15 mm margins; PDF output when ``path`` is given."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    if path is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
    return printer


def write_pdf(doc: QTextDocument, path: str | Path) -> None:
    """Print ``doc`` to a PDF file on A4."""
    target = private_output(Path(path))  # 0600 before Qt writes into it
    printer = a4_printer(target)
    doc.print_(printer)
    if not was_written(target):
        raise OSError(f"the PDF could not be written to {target}")


def write_handout_pdf(
    program: ProgramDetail,
    path: str | Path,
    *,
    today: dt.date,
    clinic_contact: str | None = None,
    restrictions: Sequence[Restriction] = (),
) -> int:
    """Write the home exercise sheet of the current phase to ``path``; returns its page count."""
    doc = build_handout_document(
        program, today=today, clinic_contact=clinic_contact, restrictions=restrictions
    )
    write_pdf(doc, path)
    return doc.pageCount()
