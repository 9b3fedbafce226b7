"""Chart builders: the data drawn (lines, bands, thresholds, phases, points), not only a figure."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from rehab_tracker.charts import style
from rehab_tracker.charts.progress import (
    CHARTS,
    adherence_figure,
    build_chart,
    hover_targets,
    odi_figure,
    pain_figure,
    training_figure,
    walking_figure,
)
from rehab_tracker.services.report_data.model import ReportData

Make = Callable[[str], ReportData]


def by_gid(fig: Figure, gid: str) -> list:
    return [a for a in fig.findobj() if a.get_gid() == gid]


def one(fig: Figure, gid: str):  # type: ignore[no-untyped-def]
    found = by_gid(fig, gid)
    assert len(found) == 1, (gid, found)
    return found[0]


def span_x(patch) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    if isinstance(patch, Rectangle):  # axvspan since matplotlib 3.9
        return patch.get_x(), patch.get_x() + patch.get_width()
    xs = [x for x, _y in patch.get_xy()]
    return min(xs), max(xs)


def span_y(patch) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    if isinstance(patch, Rectangle):
        return patch.get_y(), patch.get_y() + patch.get_height()
    ys = [y for _x, y in patch.get_xy()]
    return min(ys), max(ys)


def test_odi_line_bands_threshold_and_phases(report_data: Make) -> None:
    data = report_data("twelve_week")
    fig = odi_figure(data)
    line = one(fig, "series:odi")
    assert isinstance(line, Line2D)
    assert list(line.get_xdata()) == [4.0, 11.0, 17.0]
    assert list(line.get_ydata()) == [42.0, 30.0, 24.0]
    bands = {g: span_y(one(fig, f"band:{g}")) for g in ("minimal", "moderate", "severe")}
    assert bands == {"minimal": (0.0, 20.0), "moderate": (20.0, 40.0), "severe": (40.0, 60.0)}
    assert span_y(one(fig, "band:bed-bound")) == (80.0, 100.0)
    threshold = one(fig, "threshold:odi")
    segments = threshold.get_segments()
    assert segments[0][0][1] == segments[0][1][1] == 32.0  # 42 - 10
    assert segments[0][0][0] == 4.0  # drawn from the baseline on
    phases = [span_x(one(fig, f"phase:{p.code}")) for p in data.program.phases]  # type: ignore[union-attr]
    assert phases == [(5.0, 9.0), (9.0, 13.0), (13.0, 17.0)]
    assert not by_gid(fig, "empty")
    ax = fig.axes[0]
    assert ax.get_ylim() == (0.0, 100.0)
    assert ax.get_xlabel() == "Weeks since surgery"


def band_labels(fig: Figure) -> list[str]:
    """The labels in the right margin, one per band (drawn before anything else)."""
    return [" ".join(t.get_text().split()) for t in fig.axes[0].texts[:5]]


def test_odi_bands_in_each_audiences_words(report_data: Make) -> None:
    """Fairbank's names for the clinician (above 80: bed-bound or exaggerating symptoms); plain
    severity words, never "crippled" or "bed-bound", in the patient's report."""
    data = report_data("twelve_week")
    clinical = band_labels(odi_figure(data))
    assert clinical == [
        "Minimal", "Moderate", "Severe", "Crippled", "Bed-bound or exaggerating symptoms"
    ]
    patient = band_labels(odi_figure(data, audience="patient"))
    assert patient == ["Minimal", "Moderate", "Severe", "Very severe", "Extreme"]
    assert not any(w in " ".join(patient).lower() for w in ("crippled", "bed-bound"))


def test_odi_partial_and_empty(report_data: Make) -> None:
    single = odi_figure(report_data("baseline_only"))
    assert len(one(single, "series:odi").get_xdata()) == 1
    assert one(single, "note:single").get_text().startswith("One assessment so far")
    empty = odi_figure(report_data("empty"))
    assert one(empty, "empty").get_text() == "No ODI recorded yet"
    assert not by_gid(empty, "series:odi")
    assert not by_gid(empty, "threshold:odi")


def test_pain_lines_and_lighter_session_points(report_data: Make) -> None:
    data = report_data("twelve_week")
    fig = pain_figure(data)
    back = one(fig, "series:nprs_back")
    leg = one(fig, "series:nprs_leg")
    assert list(back.get_ydata()) == [6.0, 4.0, 3.0]
    assert list(leg.get_ydata()) == [5.0, 3.0, 4.0]
    assert back.get_linestyle() != leg.get_linestyle()  # greyscale tells them apart
    assert back.get_marker() != leg.get_marker()
    before = one(fig, "session:back_before")
    after = one(fig, "session:back_after")
    assert isinstance(before, PathCollection)
    assert len(before.get_offsets()) == 36 and len(after.get_offsets()) == 36
    assert before.get_alpha() < 1.0
    assert before.get_offsets()[0][1] == 6  # week 1: max(0, 6 - 0)


def test_walking_with_6mwt_reference(report_data: Make) -> None:
    data = report_data("twelve_week")
    fig = walking_figure(data)
    assert list(one(fig, "series:walk_6min").get_ydata()) == [420.0, 470.0, 505.0]
    assert list(one(fig, "series:walk_5min").get_ydata()) == [380.0, 440.0]
    assert list(one(fig, "series:tug").get_ydata()) == [9.8, 8.1]
    assert len(one(fig, "series:walk_50ft_preferred").get_xdata()) == 2
    predicted = one(fig, "reference:predicted").get_ydata()[0]
    lln = one(fig, "reference:lln").get_ydata()[0]
    assert predicted == pytest.approx(583.7, abs=0.1)
    assert lln == pytest.approx(predicted - 139, abs=0.1)


def test_walking_not_tested(report_data: Make) -> None:
    fig = walking_figure(report_data("missed_weeks"))
    assert len(by_gid(fig, "empty")) == 4


def test_training_load_and_volume(report_data: Make) -> None:
    data = report_data("missed_weeks")
    fig = training_figure(data)
    chair = one(fig, "series:roman_chair_extension")
    weeks = list(chair.get_xdata())
    assert weeks == [1, 2, 3, 4, 8, 9, 10, 11, 12]  # weeks 5-7 were missed: no points
    assert list(chair.get_ydata())[:2] == [3.0, 4.0]
    load_ax, volume_ax = fig.axes
    assert chair in load_ax.lines
    assert one(fig, "series:bridge") in volume_ax.lines
    assert [span_x(p) for p in by_gid(fig, "phase:strength")] == [(4.5, 8.5)] * 2


def test_adherence_bars(report_data: Make) -> None:
    data = report_data("missed_weeks")
    fig = adherence_figure(data)
    ax = fig.axes[0]
    heights = {
        round(p.get_x() + p.get_width() / 2): p.get_height()
        for p in ax.patches
        if isinstance(p, Rectangle) and p.get_hatch() == "///"
    }
    assert heights[6] == 3 and heights[1] == 0
    assert "27 of 36" in ax.get_title(loc="left")


def test_adherence_without_program(report_data: Make) -> None:
    fig = adherence_figure(report_data("empty"))
    assert one(fig, "empty").get_text() == "No program yet"


def test_every_chart_builds_for_every_patient_and_has_hover(report_data: Make) -> None:
    made = {
        kind: report_data(kind)
        for kind in ("twelve_week", "baseline_only", "missed_weeks", "conservative", "empty")
    }
    for data in made.values():
        for spec in CHARTS:
            fig = build_chart(spec.key, data)
            assert isinstance(fig, Figure)
            fig.canvas.draw()  # draws without error
    fig = build_chart("odi", made["twelve_week"])
    texts = [info.texts for _artist, info in hover_targets(fig)]
    assert any(t[0].startswith("ODI: 42%") for t in texts)
    with pytest.raises(KeyError):
        build_chart("nope", data)


def test_palette_is_okabe_ito() -> None:
    assert set(style.SERIES_COLOURS) <= set(style.OKABE_ITO.values())
    assert len(set(style.MARKERS)) == len(style.MARKERS)


def test_walking_in_feet_for_an_imperial_clinic(report_data: Make) -> None:
    """Imperial: walking panels are titled and plotted in feet; hover texts say ft; the report
    data itself stays in metres."""
    from dataclasses import replace

    from rehab_tracker.domain.units import metres_to_feet

    data = replace(report_data("twelve_week"), units="imperial")
    fig = walking_figure(data)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert "6-minute walk (ft), higher is better" in titles
    assert "5-minute walk (ft), higher is better" in titles
    assert not any("(m)" in t for t in titles)
    six = list(one(fig, "series:walk_6min").get_ydata())
    assert six == pytest.approx([metres_to_feet(v) for v in (420.0, 470.0, 505.0)])
    assert list(one(fig, "series:tug").get_ydata()) == [9.8, 8.1]  # seconds are unchanged
    predicted = one(fig, "reference:predicted")
    assert predicted.get_ydata()[0] == pytest.approx(metres_to_feet(583.7), abs=0.5)
    assert predicted.get_label() == "Predicted (1,915 ft)"
    texts = [t for _artist, info in hover_targets(fig) for t in info.texts]
    assert any(t.startswith("6-minute walk: 1,378 ft") for t in texts)
    assert not any(" m\n" in t or t.endswith(" m") for t in texts)
    assert data.walks[0].points[0].value < 1000  # still metres in the data


def test_walking_in_metres_for_a_metric_clinic(report_data: Make) -> None:
    fig = walking_figure(report_data("twelve_week"))
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert "6-minute walk (m), higher is better" in titles
    assert one(fig, "reference:predicted").get_label() == "Predicted (583.7 m)"


def test_training_distance_volume_in_feet_for_an_imperial_clinic(report_data: Make) -> None:
    """A distance-dosed exercise's weekly volume (metres stored) is plotted and told in feet."""
    from dataclasses import replace

    from rehab_tracker.domain.units import metres_to_feet
    from rehab_tracker.services.report_data.model import TrainingSeries

    data = replace(
        report_data("twelve_week"),
        units="imperial",
        training=(TrainingSeries("carry", "Farmer carry", "volume", "m", (1, 2), (60.0, 90.0)),),
    )
    fig = training_figure(data)
    line = one(fig, "series:carry")
    assert list(line.get_ydata()) == pytest.approx([metres_to_feet(60), metres_to_feet(90)])
    texts = [t for _artist, info in hover_targets(fig) for t in info.texts]
    assert "Farmer carry, week 2: 295 ft" in texts


@pytest.mark.parametrize("figsize", [(8.0, 4.6), (6.7, 3.3), (3.5, 3.0)])
def test_phases_are_named_by_their_one_name_at_any_width(report_data: Make, figsize) -> None:
    """The chart names a phase as the program and the report do, wrapped when narrow, never
    "Phase 1" (one name for each phase everywhere)."""
    data = report_data("twelve_week")
    assert data.program is not None
    names = {p.code: p.name for p in data.program.phases}
    for key in ("odi", "pain", "training", "adherence"):
        fig = build_chart(key, data, figsize=figsize)
        labels = {
            str(t.get_gid()).removeprefix("phase-label:"): t.get_text()
            for t in fig.findobj()
            if str(t.get_gid()).startswith("phase-label:")
        }
        assert {code: text.replace("\n", " ") for code, text in labels.items()} == names, key


def test_patient_odi_chart_has_no_clinical_labels(report_data: Make) -> None:
    """The patient's chart names the score as the patient's report does, not "Oswestry",
    "ODI" or "clinically important"."""
    data = report_data("twelve_week")
    ax = odi_figure(data, audience="patient").axes[0]
    texts = [ax.get_title(loc="left"), ax.get_ylabel()]
    legend = ax.get_legend()
    assert legend is not None
    texts += [t.get_text() for t in legend.get_texts()]
    words = " ".join(texts)
    assert "everyday activities" in ax.get_title(loc="left")
    for label in ("Oswestry", "ODI", "clinically important", "baseline"):
        assert label.lower() not in words.lower(), (label, words)
    clinical = odi_figure(data).axes[0]
    assert clinical.get_title(loc="left") == "Disability (Oswestry Disability Index)"


def test_patient_pain_and_walking_charts_name_no_instrument(report_data: Make) -> None:
    from rehab_tracker.charts.progress import pain_figure, walking_figure

    data = report_data("twelve_week")
    for figure in (pain_figure, walking_figure):
        fig = figure(data, audience="patient")
        words = " ".join(
            [ax.get_title(loc="left") for ax in fig.axes]
            + [t.get_text() for ax in fig.axes if (lg := ax.get_legend()) for t in lg.get_texts()]
        )
        for label in ("NPRS", "Timed Up and Go", "TUG"):
            assert label not in words, (label, words)
        clinical = " ".join(
            [ax.get_title(loc="left") for ax in figure(data).axes]
            + [t.get_text() for ax in figure(data).axes if (lg := ax.get_legend())
               for t in lg.get_texts()]
        )
        assert "NPRS" in clinical or "Timed Up and Go" in clinical
