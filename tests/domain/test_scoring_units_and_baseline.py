"""Change sentences in the clinic's units, and which two records a change compares
(domain.scoring.change_interpretation, domain.outcomes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from rehab_tracker.domain.outcomes import baseline_and_latest, baseline_of, interpret_change
from rehab_tracker.domain.scoring import change_interpretation, describe_threshold
from rehab_tracker.domain.thresholds import DEFAULT_THRESHOLDS
from rehab_tracker.domain.units import feet_to_metres

D = dt.date(2026, 9, 1)


def ft(feet: float) -> float:
    return feet_to_metres(feet)


# ------------------------------------------------------------------------------------ units


def test_imperial_clinic_reads_feet():
    result = change_interpretation("walk_6min", ft(1465), ft(1835), units="imperial")
    assert result.sentence == (
        "6-minute walk improved 370 ft (from 1,465 to 1,835 ft), more than the 98.4 ft threshold "
        "(absolute rule)."
    )
    assert result.threshold == "98.4 ft"  # 30 m: whole feet (98) would misplace the line


def test_metric_clinic_reads_metres_as_before():
    result = change_interpretation("walk_6min", 300.0, 342.0)
    assert result.sentence == (
        "6-minute walk improved 42 m (from 300 to 342), more than the 30 m threshold (absolute "
        "rule)."
    )
    assert change_interpretation("walk_6min", 300.0, 342.0, units="metric") == result


def test_units_change_words_and_the_verdict_follows_the_words():
    """29.9 m is less than 30 m; in feet it reads 98 ft, less than the 98.4 ft threshold (not
    "98 ft, less than the 98 ft threshold")."""
    metric = change_interpretation("walk_6min", 300.0, 329.9)
    imperial = change_interpretation("walk_6min", 300.0, 329.9, units="imperial")
    assert metric.reached is imperial.reached is False
    assert (metric.change, metric.percent_change) == (imperial.change, imperial.percent_change)
    assert imperial.sentence == (
        "6-minute walk changed by 98 ft (from 984 to 1,082 ft), below the 98.4 ft threshold."
    )
    assert imperial.shown_change == "+98"


@pytest.mark.parametrize(
    ("measure", "baseline", "follow_up", "sentence"),
    [
        # 45.5 m is 149.3 ft; 1,148 -> 1,298 ft is 150 ft
        ("walk_5min", 350.0, 395.5,
         "5-minute walk improved 150 ft (from 1,148 to 1,298 ft), more than the 149.3 ft "
         "threshold (absolute rule)."),
        # the change is the difference of the numbers shown: 1,312 - 1,247 = 65 (not 66)
        ("walk_6min", 400.0, 380.0,
         "6-minute walk changed by 65 ft (from 1,312 to 1,247 ft), below the 98.4 ft "
         "threshold."),
        ("walk_6min", 400.0, 400.0,
         "6-minute walk did not change (1,312 ft at both measurements)."),
        ("walk_6min", 400.0, 402.0,
         "6-minute walk changed by 7 ft (from 1,312 to 1,319 ft), below the 98.4 ft threshold."),
        # seconds and points are the same in both systems
        ("tug", 10.0, 12.1, "TUG time got worse by 2.1 s (from 10 to 12.1), more than the 1.3 s "
         "threshold (absolute rule)."),
        ("odi", 46.0, 28.0,
         "ODI improved 18 points (from 46 to 28), more than the 10-point threshold (absolute "
         "rule)."),
    ],
)
def test_imperial_sentences(measure, baseline, follow_up, sentence):
    result = change_interpretation(measure, baseline, follow_up, units="imperial")
    assert result.sentence == sentence


def test_describe_threshold():
    assert describe_threshold(DEFAULT_THRESHOLDS["walk_6min"]) == "30 m"
    assert describe_threshold(DEFAULT_THRESHOLDS["walk_6min"], "imperial") == "98.4 ft"
    assert describe_threshold(DEFAULT_THRESHOLDS["walk_5min"], "imperial") == "149.3 ft"
    assert describe_threshold(DEFAULT_THRESHOLDS["odi"], "imperial") == "10-point or 30%"
    assert describe_threshold(DEFAULT_THRESHOLDS["odi"], absolute_only=True) == "10-point"


def test_unknown_unit_system_is_refused():
    with pytest.raises(ValueError, match="units"):
        change_interpretation("walk_6min", 300.0, 342.0, units="furlongs")


def test_fifty_foot_tests_are_named_apart():
    result = interpret_change("walk_50ft_fastest", 10.0, 9.4, units="imperial")
    assert result.sentence == (
        "50-foot walk, fastest speed improved 0.6 s (from 10 to 9.4), reaching the 0.6 s "
        "threshold (absolute rule)."
    )
    assert result.measure == "walk_50ft"


# --------------------------------------------------------------------------- baseline / latest


@dataclass(frozen=True)
class P:
    on: dt.date
    value: float
    timepoint: str = "other"


def days(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def test_marked_baseline_wins_over_an_earlier_record():
    early, marked, later = P(days(0), 50), P(days(7), 46, "baseline"), P(days(70), 28, "end")
    assert baseline_and_latest([early, marked, later]) == (marked, later)


def test_earliest_record_when_none_is_marked():
    a, b, c = P(days(0), 50), P(days(30), 40), P(days(60), 30)
    assert baseline_and_latest([c, a, b]) == (a, c)  # order of input dates does not matter


def test_latest_is_newest_after_the_baseline_date():
    base = P(days(10), 50, "baseline")
    same_day = P(days(10), 45)
    follow = P(days(40), 30, "mid")
    assert baseline_and_latest([base, same_day, follow]) == (base, follow)
    # a record dated after the baseline but marked baseline again is still the newest
    rebaseline = P(days(50), 35, "baseline")
    assert baseline_and_latest([base, follow, rebaseline]) == (base, rebaseline)


def test_same_day_records_keep_the_given_order():
    base = P(days(0), 50, "baseline")
    first, second = P(days(9), 40), P(days(9), 38)
    assert baseline_and_latest([base, first, second]) == (base, second)


def test_no_follow_up():
    assert baseline_and_latest([]) is None
    assert baseline_and_latest([P(days(0), 50)]) is None
    assert baseline_and_latest([P(days(0), 50), P(days(0), 40)]) is None  # same day only
    assert baseline_of([P(days(3), 40), P(days(5), 50, "baseline")]) == P(days(5), 50, "baseline")
    assert baseline_and_latest([P(days(3), 40), P(days(5), 50, "baseline")]) is None
    assert baseline_of([]) is None
