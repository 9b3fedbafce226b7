"""The outcome table: baseline, latest and change of each series against its threshold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rehab_tracker.domain.outcomes import baseline_and_latest, baseline_of, interpret_change
from rehab_tracker.domain.scoring import describe_threshold, odi_band
from rehab_tracker.domain.thresholds import Threshold, shown_unit
from rehab_tracker.services.report_data.model import OutcomeRow, OutcomeSeries

#: rows the outcome table shows even without any record, so a gap is visible
ALWAYS_TABLED = frozenset({"odi", "nprs_back", "nprs_leg"})


def outcome_rows(
    series: Iterable[OutcomeSeries], thresholds: Mapping[str, Threshold], units: str
) -> tuple[OutcomeRow, ...]:
    """One row per series with points, plus the :data:`ALWAYS_TABLED` ones without."""
    return tuple(
        _outcome_row(s, thresholds, units)
        if s.points
        else _empty_row(s.code, s.measure, s.label, thresholds, units)
        for s in series
        if s.points or s.code in ALWAYS_TABLED
    )


def important_change_target(threshold: Threshold, baseline: float) -> float:
    """The follow-up value that just reaches a clinically important improvement from
    ``baseline`` (the easier of the absolute and relative rules), kept inside the valid range."""
    if threshold.direction == "lower_better":
        target = baseline - threshold.absolute
        if threshold.relative is not None and baseline != 0:
            target = max(target, baseline * (1 - threshold.relative))
    else:
        target = baseline + threshold.absolute
        if threshold.relative is not None and baseline != 0:
            target = min(target, baseline * (1 + threshold.relative))
    low, high = threshold.valid_range
    target = max(target, low)
    return target if high is None else min(target, high)


#: the fields of a row without a follow-up value: no change to show
_NO_CHANGE: dict[str, Any] = {
    "latest": None,
    "latest_on": None,
    "change": None,
    "percent_change": None,
    "clinically_important": None,
    "worsened": None,
}


def _heading(
    code: str, measure: str, label: str, unit: str, t: Threshold, units: str
) -> dict[str, Any]:
    """What every row of a series shows whatever it holds: its names, unit and threshold."""
    return {
        "measure": measure,
        "code": code,
        "label": label,
        "unit": unit,
        "direction": t.direction,
        "threshold": describe_threshold(t, units),  # "30 m" or "98 ft"; t stays in SI
        "threshold_source": t.source,
    }


def _empty_row(
    code: str, measure: str, label: str, thresholds: Mapping[str, Threshold], units: str
) -> OutcomeRow:
    return OutcomeRow(
        **_heading(code, measure, label, shown_unit(measure), thresholds[measure], units),
        baseline=None,
        baseline_on=None,
        **_NO_CHANGE,
        sentence=f"No {label} recorded yet: change cannot be computed.",
        status="no_data",
    )


def _outcome_row(
    series: OutcomeSeries, thresholds: Mapping[str, Threshold], units: str = "metric"
) -> OutcomeRow:
    """Baseline and latest from :func:`rehab_tracker.domain.outcomes.baseline_and_latest` and
    the sentence from :func:`~rehab_tracker.domain.outcomes.interpret_change`, as the Outcomes
    tab (OutcomeService.changes) has them."""
    t = thresholds[series.measure]
    points = series.points
    pair = baseline_and_latest(points)
    if pair is not None:
        baseline, latest = pair
    else:
        only = baseline_of(points)
        assert only is not None  # callers pass a series with points
        baseline, latest = only, None
    odi = series.code == "odi"
    common: dict[str, Any] = {
        **_heading(series.code, series.measure, series.label, series.unit, t, units),
        "baseline": baseline.value,
        "baseline_on": baseline.on,
        "band_baseline": odi_band(baseline.value) if odi else None,
        "target": important_change_target(t, baseline.value),
    }
    if latest is None:
        return OutcomeRow(
            **common,
            **_NO_CHANGE,
            sentence=f"{series.label}: no follow-up yet, so its change cannot be computed.",
            status="no_follow_up",
        )
    interp = interpret_change(series.code, baseline.value, latest.value, thresholds, units=units)
    return OutcomeRow(
        **common,
        latest=latest.value,
        latest_on=latest.on,
        change=interp.change,
        percent_change=interp.percent_change,
        clinically_important=interp.reached,
        worsened=interp.worsened_by_threshold,
        sentence=interp.sentence,
        status="change",
        band_latest=odi_band(latest.value) if odi else None,
        shown_change=interp.shown_change,
        shown_percent=interp.shown_percent,
        rule=interp.rule,
        noun=interp.noun,
    )
