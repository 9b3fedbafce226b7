"""Charts and report benchmark: the app's pipeline against matplotlib drawing the same figures.

Run: ``.venv/bin/pytest tests/benchmarks/bench_charts_report.py -s -m benchmark``. All in one
process, after one warm-up run (imports, font cache), medians of several runs:

* chart view: a patient with 12 weeks of data selected in the Charts tab until the ODI chart is
  drawn (database read, figure build, Qt canvas draw) against the floor: the same picture made
  with bare matplotlib calls from the values in memory (:func:`_bare_odi`: the figure, its
  severity bands and their names, the phases and their names, the title and axis labels, the
  series with markers, the important-change line and the legend; not the app's figure
  builder) and drawn with Agg;
* report: the full clinical report (database read, all charts, HTML layout, PDF via QPdfWriter)
  against the app's figures written bare with matplotlib's PdfPages (this floor still builds
  the figures with the app's own builder);
* batch export throughput in reports per minute.

The goal for both ratios is under 1.5; the test fails only above 3 (noise on a busy machine).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reports.sample_data import TODAY, add_patient, twelve_week_spec

from rehab_tracker.data.database import Database
from tests.staff import staff

RUNS = 7
GOAL = 1.5
LIMIT = 3.0
BATCH_PATIENTS = 6

pytestmark = pytest.mark.benchmark


def _bare_odi(data):  # type: ignore[no-untyped-def]
    """The ODI chart's picture with plain matplotlib calls: what any program drawing it would
    do, none of the app's styling, tooltips or layout code."""
    from matplotlib.figure import Figure

    from rehab_tracker.charts.progress import SCREEN_SIZE
    from rehab_tracker.domain.scoring import ODI_BANDS

    fig = Figure(figsize=SCREEN_SIZE)
    fig.subplots_adjust(left=0.08, right=0.85, top=0.85, bottom=0.12)
    ax = fig.add_subplot()
    ax.set_ylim(0, 100)
    lower = 0.0
    for index, (upper, band) in enumerate(ODI_BANDS):
        ax.axhspan(lower, upper, color=("#f2f2f2", "#ffffff")[index % 2], linewidth=0)
        ax.text(1.005, (lower + upper) / 2, band, transform=ax.get_yaxis_transform(), fontsize=7)
        lower = upper
    low, high = data.x_range
    ax.set_xlim(low - 0.3, high + 0.3)
    for index, phase in enumerate(data.program.phases):
        ax.axvspan(phase.x_start, phase.x_end, color=("#e8eef7", "#f7f7f7")[index % 2])
        ax.text(
            (phase.x_start + phase.x_end) / 2,
            1.0,
            phase.name,
            fontsize=7,
            ha="center",
            transform=ax.get_xaxis_transform(),
        )
    ax.set_title("Disability (Oswestry Disability Index)", loc="left", pad=14)
    ax.set_xlabel(data.axis_label)
    ax.set_ylabel("ODI % (lower is better)")
    series = data.series("odi")
    ax.plot(series.xs, series.ys, marker="o", linewidth=1.8, markersize=6, label="ODI")
    row = data.row("odi")
    ax.hlines(
        row.target,
        data.x_of(row.baseline_on),
        high,
        linestyles="--",
        label="Important improvement from baseline",
    )
    ax.legend(loc="upper right", fontsize=7.5)
    return fig


def _median(fn, runs: int = RUNS) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_chart_view_and_report_against_bare_matplotlib(qtbot, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.backends.backend_pdf import PdfPages

    from rehab_tracker.reports.batch import export_all
    from rehab_tracker.reports.progress import report_figures, write_pdf
    from rehab_tracker.services.container import Services
    from rehab_tracker.ui.reports.charts_view import ChartsTab

    ids = [add_patient(db, twelve_week_spec(f"RT-{n:05d}")) for n in range(1, BATCH_PATIENTS + 1)]
    services = Services(db, staff("bench"))
    row = next(r for r in services.patients.list_patients(today=TODAY) if r.id == ids[0])
    data = services.reports.gather(ids[0], today=TODAY)

    tab = ChartsTab(services, lambda: TODAY)
    qtbot.addWidget(tab)
    tab.resize(900, 560)
    tab.show()
    qtbot.waitExposed(tab)

    def open_view() -> None:
        tab.set_patient(None)
        tab.set_patient(row)  # visible: reads the data and builds the figure
        tab.canvas.draw()  # what draw_idle would do on the next event loop turn

    assert data.series("odi").points and data.row("odi").target is not None  # as drawn

    def bare_chart() -> None:
        FigureCanvasAgg(_bare_odi(data)).draw()

    view = _median(open_view)
    bare_view = _median(bare_chart)

    out = tmp_path / "report.pdf"

    def full_report() -> None:
        write_pdf(services.reports.gather(ids[0], today=TODAY), out)

    def bare_report() -> None:
        with PdfPages(tmp_path / "bare.pdf") as pdf:
            for _chart, fig in report_figures(data):
                pdf.savefig(fig)

    report = _median(full_report, 5)
    bare = _median(bare_report, 5)

    start = time.perf_counter()
    result = export_all(services.reports, tmp_path / "batch", today=TODAY)
    batch_seconds = time.perf_counter() - start
    assert len(result.written) == BATCH_PATIENTS

    view_ratio = view / bare_view
    report_ratio = report / bare
    print()
    print(
        f"chart view open (12 weeks): {view * 1000:.0f} ms; bare matplotlib and Agg "
        f"{bare_view * 1000:.0f} ms; "
        f"ratio {view_ratio:.2f} (goal < {GOAL})"
    )
    print(
        f"full report: {report * 1000:.0f} ms; bare PdfPages {bare * 1000:.0f} ms; "
        f"ratio {report_ratio:.2f} (goal < {GOAL})"
    )
    print(
        f"batch export: {BATCH_PATIENTS} reports in {batch_seconds:.1f} s = "
        f"{BATCH_PATIENTS / batch_seconds * 60:.0f} reports a minute"
    )
    assert view_ratio < LIMIT and report_ratio < LIMIT
