"""The progress report: ReportData -> HTML in a QTextDocument -> PDF (QPdfWriter) or a printer.

The HTML comes from :mod:`rehab_tracker.reports.sections` (one function per section; the first
page is :mod:`rehab_tracker.reports.summary`), its words from :mod:`rehab_tracker.reports.wording`;
this module draws the charts and makes the document, which :mod:`rehab_tracker.reports.paging`
lays out on A4 (no table row split across pages) and prints with a footer on every page.

Two audiences: ``"clinical"`` (for the surgeon or an insurer: numbers, thresholds and sources) and
``"patient"`` (the same facts in plain words). The charts are the chart view's own figures
(:mod:`rehab_tracker.charts.progress`), rendered with Agg at print resolution and embedded as
images. Missing data is said in words ("No follow-up yet: change cannot be computed"), never
drawn as a line or a zero.

Qt needs a QGuiApplication for fonts and painting; :func:`ensure_gui_application` makes an
offscreen one when the caller (the CLI) has none.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rehab_tracker.data.private_files import private_output, was_written
from rehab_tracker.reports.paging import keep_rows_together, paginate, print_pages
from rehab_tracker.reports.sections import (
    CHART_DPI,
    CHART_WIDTH_IN,
    LOGO_RESOURCE,
    build_html,
)
from rehab_tracker.reports.wording import Audience
from rehab_tracker.services.report_data.model import ReportData

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from PySide6.QtGui import QImage, QPagedPaintDevice, QTextDocument

# ---------------------------------------------------------------------------------- Qt setup


def ensure_gui_application() -> object:
    """The running Qt application, or a new one (offscreen when there is no display).

    A QApplication (a QGuiApplication that also allows widgets), so that a process which
    writes reports first and opens a window later (tests, a script) does not abort.
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QCoreApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["rehab-tracker-report"])
    return app


# ------------------------------------------------------------------------------------ charts


@dataclass(frozen=True)
class ReportChart:
    key: str
    title: str
    figsize: tuple[float, float]


REPORT_CHARTS: tuple[ReportChart, ...] = (
    ReportChart("odi", "Disability (ODI)", (CHART_WIDTH_IN, 3.3)),
    ReportChart("pain", "Pain", (CHART_WIDTH_IN, 3.3)),
    ReportChart("walking", "Walking tests", (CHART_WIDTH_IN, 4.6)),
    ReportChart("training", "Training", (CHART_WIDTH_IN, 4.4)),
    ReportChart("adherence", "Attendance", (CHART_WIDTH_IN, 3.0)),
)


def charts_with_data(data: ReportData) -> tuple[list[ReportChart], list[str]]:
    """The charts worth printing, and the titles of those left out for lack of data."""
    has = {
        "odi": bool((s := data.series("odi")) and s.points),
        "pain": bool(
            data.session_pain
            or any((s := data.series(c)) and s.points for c in ("nprs_back", "nprs_leg"))
        ),
        "walking": any(w.points for w in data.walks),
        "training": bool(data.training),
        "adherence": data.adherence.planned_to_date > 0,
    }
    shown = [c for c in REPORT_CHARTS if has[c.key]]
    missing = [c.title for c in REPORT_CHARTS if not has[c.key]]
    return shown, missing


def report_figures(
    data: ReportData, audience: Audience = "clinical"
) -> list[tuple[ReportChart, Figure]]:
    """The charts of :func:`charts_with_data`; the ODI, pain and walking charts in the
    ``audience``'s words (the patient's version names no instrument, nor a "crippled" or
    "bed-bound" band)."""
    from rehab_tracker.charts.progress import build_chart

    shown, _missing = charts_with_data(data)
    return [
        (
            c,
            build_chart(c.key, data, figsize=c.figsize, audience=audience)
            if c.key in ("odi", "pain", "walking")
            else build_chart(c.key, data, figsize=c.figsize),
        )
        for c in shown
    ]


def figure_image(fig: Figure, dpi: int = CHART_DPI) -> QImage:
    """Draw ``fig`` with Agg and hand the pixels to Qt without a PNG round trip."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PySide6.QtGui import QImage

    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    width, height = canvas.get_width_height()
    buffer = bytes(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    return QImage(buffer, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


# --------------------------------------------------------------------------------- documents


def build_document(
    data: ReportData,
    audience: Audience = "clinical",
    notes: str = "",
    *,
    figures: Sequence[tuple[ReportChart, Figure]] | None = None,
    dpi: int = CHART_DPI,
) -> QTextDocument:
    """The report as a QTextDocument with the charts added as image resources."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFont, QImage, QTextDocument

    ensure_gui_application()
    _shown, missing = charts_with_data(data)
    figs = report_figures(data, audience) if figures is None else list(figures)
    doc = QTextDocument()
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    paginate(doc)
    names = []
    for chart, fig in figs:
        name = f"chart-{chart.key}.png"
        doc.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(name), figure_image(fig, dpi)
        )
        names.append((name, chart.title))
    if data.clinic.logo:
        logo = QImage.fromData(data.clinic.logo)
        if logo.isNull():  # not an image Qt reads: the header goes without it
            data = dataclasses.replace(
                data, clinic=dataclasses.replace(data.clinic, logo=None)
            )
        else:
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(LOGO_RESOURCE), logo)
    doc.setHtml(build_html(data, audience, notes, names, missing))
    keep_rows_together(doc)
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, report_title(data))
    return doc


def report_title(data: ReportData) -> str:
    """The document's title: the print job's name, the PDF's /Title and each page's footer.
    A plain hyphen, not a dash: CUPS-PDF writes a non-ASCII job name into the file name as
    octal escapes and into the PDF's title as mojibake."""
    return f"Progress report - {data.patient.name} ({data.patient.record_number})"


def _setup_page(device: QPagedPaintDevice) -> None:
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)


def print_document(doc: QTextDocument, device: QPagedPaintDevice) -> None:
    """Print the report ``doc`` (from :func:`build_document`) on ``device`` (a QPdfWriter or a
    QPrinter), its title and "Page n of N" at the bottom of each page."""
    from PySide6.QtGui import QTextDocument

    print_pages(doc, device, doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle))


def save_document_pdf(doc: QTextDocument, path: str | os.PathLike[str], title: str = "") -> Path:
    """Write an already built report document as an A4 PDF (``title``: the PDF's /Title, by
    default the document's own)."""
    from PySide6.QtGui import QPdfWriter, QTextDocument

    title = title or doc.metaInformation(QTextDocument.MetaInformation.DocumentTitle)

    target = private_output(Path(path))  # 0600 before Qt writes into it
    writer = QPdfWriter(str(target))
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("Rehab Tracker")
    _setup_page(writer)
    print_document(doc, writer)
    del writer  # finishes the file
    if not was_written(target):
        raise OSError(f"the PDF could not be written to {target}")
    return target


def write_pdf(
    data: ReportData,
    path: str | os.PathLike[str],
    audience: Audience = "clinical",
    notes: str = "",
    *,
    dpi: int = CHART_DPI,
) -> Path:
    """Write the report as a PDF file at ``path`` (A4, 300 dpi for its vector text)."""
    ensure_gui_application()
    doc = build_document(data, audience, notes, dpi=dpi)
    return save_document_pdf(doc, path)


def report_file_name(data: ReportData, audience: Audience = "clinical") -> str:
    """``RT-00001_Jensen_progress_2026-11-23.pdf`` (``_patient`` added for that version)."""
    family = "".join(
        c for c in data.patient.name.split(" ")[-1] if c.isalnum() or c in "-_"
    ) or "patient"
    suffix = "" if audience == "clinical" else "_patient"
    return (
        f"{data.patient.record_number}_{family}_progress{suffix}_"
        f"{data.generated_on.isoformat()}.pdf"
    )
