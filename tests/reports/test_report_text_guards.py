"""What the walkthrough of issue 11 found printed, kept from coming back: a 6-minute walk
reference for a patient who never walked the test, "in 0 (none)" on page 1, and training
legends whose exercise names were cut off ("Roman chair back extension," twice)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from rehab_tracker.charts.progress import training_figure
from rehab_tracker.data.database import Database
from rehab_tracker.reports.progress import REPORT_CHARTS, write_pdf
from rehab_tracker.reports.sections import build_html
from rehab_tracker.services.report_data.model import TrainingSeries
from rehab_tracker.services.report_data.service import ReportDataService

from .conftest import pdf_text
from .sample_data import TODAY, add_conservative_patient, add_twelve_week_patient

REFERENCE_WORDS = ("6-minute walk reference", "expected 6-minute walk", "Enright")


@pytest.mark.parametrize("audience", ["clinical", "patient"])
def test_no_six_minute_reference_without_a_six_minute_walk(
    db: Database, report_service: ReportDataService, tmp_path: Path, audience: str
) -> None:
    data = report_service.gather(add_conservative_patient(db), today=TODAY)
    assert not any(w.code == "walk_6min" and w.points for w in data.walks)
    assert data.six_minute_reference.predicted_m is not None  # it could be computed
    text = pdf_text(write_pdf(data, tmp_path / "r.pdf", audience))  # type: ignore[arg-type]
    for words in REFERENCE_WORDS:
        assert words not in text, words


def test_the_reference_stays_beside_a_recorded_walk(
    db: Database, report_service: ReportDataService
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    assert any(w.code == "walk_6min" and w.points for w in data.walks)
    assert "6-minute walk reference for this patient" in build_html(data, "clinical")
    without = dataclasses.replace(
        data, walks=tuple(w for w in data.walks if w.code != "walk_6min")
    )
    assert "6-minute walk reference" not in build_html(without, "clinical")


def test_page_one_counts_no_empty_group(
    db: Database, report_service: ReportDataService, tmp_path: Path
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    text = pdf_text(write_pdf(data, tmp_path / "r.pdf"))
    assert "(none)" not in text and " in 0 " not in text
    assert "none worse by at least the threshold" in text


#: names as long as the library's longest, two alike up to the comma
LONG_NAMES = (
    "Roman chair back extension, horizontal (0 degrees, hardest)",
    "Roman chair back extension, 60 degrees (most upright)",
    "Roman chair back extension, 30 degrees",
    "Roman chair back extension, 45 degrees",
    "Prone trunk lift, hands at the temples",
    "Abdominal bracing, lying on the back",
    "Half-kneeling hip flexor stretch",
    "Roman chair isometric back hold",
    "Standing banded hip abduction",
)


@pytest.mark.parametrize("metric", ["load", "volume"])
def test_training_legends_show_whole_names_inside_the_figure(
    db: Database, report_service: ReportDataService, metric: str
) -> None:
    data = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    series = tuple(
        TrainingSeries(f"ex{i}", name, metric, "kg" if metric == "load" else "reps",
                       (1, 2, 3 + i), (10.0, 11.0, 12.0))
        for i, name in enumerate(LONG_NAMES)
    )
    figsize = next(c.figsize for c in REPORT_CHARTS if c.key == "training")
    fig = training_figure(dataclasses.replace(data, training=series), figsize=figsize)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    renderer = canvas.get_renderer()
    page = fig.bbox
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert legends
    shown = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0, box
        shown += [t.get_text().replace("\n", " ") for t in legend.get_texts()]
        for ax in fig.axes:  # a legend never covers a plot
            assert not box.overlaps(ax.get_window_extent(renderer)), box
    # every line drawn is named in full: the seven shown, and the rest counted in the title
    drawn = [line.get_label() for ax in fig.axes for line in ax.lines if line.get_gid()]
    assert len(drawn) == 7 and all(name.replace("\n", " ") in LONG_NAMES for name in drawn)
    assert set(shown) == {name.replace("\n", " ") for name in drawn}
    assert "…" not in " ".join(shown)
    title = next(legend.get_title().get_text() for legend in legends if legend.get_title())
    assert f"{len(LONG_NAMES) - 7} more not shown" in title
