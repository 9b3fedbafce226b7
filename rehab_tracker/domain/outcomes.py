"""Change from baseline of one outcome measure: which records are compared, and in what words
(pure: no I/O, no clock). The Outcomes tab (services.outcomes) and the progress report
(services.report_data) both use these, so they always compare the same two records.

* Baseline: the earliest record marked timepoint ``"baseline"``, else the earliest record.
* Latest: the newest record dated after the baseline (on the same date: the last one given).
* No record after the baseline's date: no follow-up, no change (None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar

from rehab_tracker.domain.scoring import Interpretation, change_interpretation
from rehab_tracker.domain.sessions import WALK_TEST_LABELS, WALK_THRESHOLD_KEY
from rehab_tracker.domain.thresholds import MEASURES, Threshold

BASELINE = "baseline"


class Dated(Protocol):
    """A recorded value: its date and the timepoint it was recorded for."""

    @property
    def on(self) -> dt.date: ...

    @property
    def timepoint(self) -> str: ...


P = TypeVar("P", bound=Dated)


def baseline_of(points: Iterable[P]) -> P | None:
    """The baseline record: the earliest marked "baseline", else the earliest (None: no records).
    Same-day records keep the order given."""
    ordered = sorted(points, key=lambda p: p.on)
    return next((p for p in ordered if p.timepoint == BASELINE), ordered[0] if ordered else None)


def baseline_and_latest(points: Iterable[P]) -> tuple[P, P] | None:
    """(baseline, latest) of one measure's records, or None when there is no follow-up yet.

    ``points`` in any order; records on the same date keep the order given (pass them oldest
    entry first), so the first baseline-marked record of a day is the baseline and the last
    record of the newest day the latest.
    """
    ordered = sorted(points, key=lambda p: p.on)  # stable: same-day records keep their order
    baseline = baseline_of(ordered)
    if baseline is None:
        return None
    later = [p for p in ordered if p.on > baseline.on]
    if not later:
        return None
    return baseline, later[-1]


def threshold_key(code: str) -> str:
    """The threshold (domain.thresholds) a stored instrument or test code is judged by."""
    return WALK_THRESHOLD_KEY.get(code, code)


def measure_label(code: str) -> str:
    """The label of a stored instrument or test code on screen and in the report: the walking
    test's own (the two 50-foot walks share one threshold), else the measure's."""
    return WALK_TEST_LABELS[code] if code in WALK_TEST_LABELS else MEASURES[code].label


def change_noun(code: str) -> str | None:
    """The name a change sentence uses when it is not the threshold's own noun: the two 50-foot
    walk tests share one threshold but are different tests."""
    return WALK_TEST_LABELS[code] if code.startswith("walk_50ft") else None


def interpret_change(
    code: str,
    baseline: float,
    latest: float,
    thresholds: Mapping[str, Threshold] | None = None,
    *,
    units: str = "metric",
) -> Interpretation:
    """:func:`~rehab_tracker.domain.scoring.change_interpretation` for a stored instrument or
    test code (``odi``, ``walk_6min``, ``walk_50ft_fastest``...), worded in the clinic's
    ``units`` ("metric" or "imperial"; values stay SI)."""
    return change_interpretation(
        threshold_key(code),
        baseline,
        latest,
        thresholds,
        units=units,
        noun=change_noun(code),
    )
