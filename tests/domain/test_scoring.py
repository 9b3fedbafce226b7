"""Outcome scoring (ODI, RMDQ, 6-minute walk) and change interpretation."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rehab_tracker.domain.scoring import (
    SCORING_RULE_VERSION,
    IncompleteResponse,
    Interpretation,
    change_interpretation,
    mcid_reached,
    nprs_rule_id,
    odi_band,
    odi_rule_id,
    odi_score,
    rmdq_rule_id,
    rmdq_score,
    six_minute_walk_predicted,
)
from rehab_tracker.domain.thresholds import DEFAULT_THRESHOLDS, with_overrides

section = st.integers(min_value=0, max_value=5)
full_odi = st.lists(section, min_size=10, max_size=10)

# ------------------------------------------------------------------------------------------ ODI


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ([0] * 10, 0.0),
        ([5] * 10, 100.0),
        ([1, 2, 3, 4, 5, 0, 1, 2, 3, 4], 50.0),
        ([2] * 10, 40.0),
        ([3, 2, 2, 3, 2, 3, 2, 0, 3, 3], 46.0),
        ([1, 2, 3, None, 5, 0, 1, 2, 3, 4], 21 / 45 * 100),
        ([5, 5, 5, 5, 5, 5, 5, None, 5, 5], 100.0),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, None], 0.0),
    ],
)
def test_odi_score(sections, expected):
    assert odi_score(sections) == pytest.approx(expected)


def test_odi_is_unrounded():
    assert odi_score([1, 0, 0, 0, 0, 0, 0, 0, 0, None]) == pytest.approx(100 / 45)
    assert odi_score([1, 0, 0, 0, 0, 0, 0, 0, 0, None]) != 2.0


def test_odi_accepts_tuples():
    assert odi_score((1,) * 10) == 20.0


def test_odi_two_missing_with_default_rule():
    with pytest.raises(IncompleteResponse, match="2 sections unanswered"):
        odi_score([1, None, 3, 4, None, 0, 1, 2, 3, 4])


def test_incomplete_response_is_a_value_error():
    assert issubclass(IncompleteResponse, ValueError)


def test_odi_missing_sections_named_in_message():
    with pytest.raises(IncompleteResponse) as info:
        odi_score([1, None, 3, 4, None, 0, 1, 2, 3, 4])
    assert "section 2 (personal care)" in str(info.value)
    assert "section 5 (sitting)" in str(info.value)


@pytest.mark.parametrize(
    ("missing", "max_missing", "ok"),
    [
        (0, 0, True), (1, 0, False), (1, 1, True), (2, 1, False), (2, 2, True),
        (3, 2, False), (9, None, True), (9, 9, True), (9, 8, False),
    ],
)
def test_odi_max_missing(missing, max_missing, ok):
    sections: list[int | None] = [3] * (10 - missing) + [None] * missing
    if ok:
        assert odi_score(sections, max_missing=max_missing) == pytest.approx(60.0)
    else:
        with pytest.raises(IncompleteResponse):
            odi_score(sections, max_missing=max_missing)


@pytest.mark.parametrize("max_missing", [None, 10, 1])
def test_odi_all_missing_is_incomplete(max_missing):
    with pytest.raises(IncompleteResponse, match="no section answered"):
        odi_score([None] * 10, max_missing=max_missing)


@pytest.mark.parametrize("length", [0, 9, 11, 24])
def test_odi_wrong_length(length):
    with pytest.raises(ValueError, match="exactly 10"):
        odi_score([1] * length)


@pytest.mark.parametrize(
    ("index", "value", "name"),
    [
        (2, 6, "section 3 (lifting)"),
        (0, -1, "section 1 (pain intensity)"),
        (9, True, "section 10 (travelling)"),
        (3, False, "section 4 (walking)"),
        (4, 2.0, "section 5 (sitting)"),
        (5, 2.5, "section 6 (standing)"),
        (6, "3", "section 7 (sleeping)"),
        (7, math.nan, "section 8 (sex life)"),
    ],
)
def test_odi_bad_value_names_the_section(index, value, name):
    sections: list[object] = [1] * 10
    sections[index] = value
    with pytest.raises(ValueError) as info:
        odi_score(sections)  # type: ignore[arg-type]
    assert not isinstance(info.value, IncompleteResponse)
    assert name in str(info.value)


def test_odi_bad_value_reported_before_missing_count():
    with pytest.raises(ValueError) as info:
        odi_score([None, None, None, 7, 1, 1, 1, 1, 1, 1])
    assert not isinstance(info.value, IncompleteResponse)


@pytest.mark.parametrize("sections", ["0123401234", b"0123401234", 5, None])
def test_odi_not_a_sequence(sections):
    with pytest.raises(ValueError):
        odi_score(sections)  # type: ignore[arg-type]


@pytest.mark.parametrize("max_missing", [-1, 1.0, True, "1"])
def test_odi_bad_max_missing(max_missing):
    with pytest.raises(ValueError, match="max_missing"):
        odi_score([1] * 10, max_missing=max_missing)  # type: ignore[arg-type]


@given(st.lists(st.none() | section, min_size=10, max_size=10))
def test_odi_bounded(sections):
    assume(any(s is not None for s in sections))
    score = odi_score(sections, max_missing=None)
    assert 0 <= score <= 100


@given(full_odi)
def test_odi_without_missing_is_sum_times_two(sections):
    assert odi_score(sections) == pytest.approx(sum(sections) * 2)


@given(st.lists(st.none() | section, min_size=10, max_size=10), st.integers(0, 9))
def test_odi_monotone_in_every_section(sections, index):
    assume(sections[index] is not None and sections[index] < 5)
    assume(any(s is not None for s in sections))
    raised = list(sections)
    raised[index] = sections[index] + 1
    assert odi_score(raised, max_missing=None) > odi_score(sections, max_missing=None)


@given(st.lists(section, min_size=9, max_size=9), st.integers(0, 9), st.integers(0, 9))
def test_odi_does_not_depend_on_which_section_is_missing(answers, first, second):
    a: list[int | None] = list(answers)
    b: list[int | None] = list(answers)
    a.insert(first, None)
    b.insert(second, None)
    assert odi_score(a) == pytest.approx(odi_score(b))
    assert odi_score(a) == pytest.approx(sum(answers) / 45 * 100)


@given(st.permutations([0, 1, 2, 3, 4, 5, 5, 4, None, 2]))
def test_odi_permutation_invariant(sections):
    assert odi_score(sections) == pytest.approx(26 / 45 * 100)


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (0, "minimal"), (20, "minimal"), (20.0001, "moderate"), (21, "moderate"),
        (40, "moderate"), (40.5, "severe"), (60, "severe"), (61, "crippled"), (80, "crippled"),
        (80.1, "bed-bound"), (100, "bed-bound"),
    ],
)
def test_odi_band(percent, band):
    assert odi_band(percent) == band


@pytest.mark.parametrize("percent", [-0.1, 100.01, math.nan, math.inf, -math.inf, True, "20"])
def test_odi_band_refuses(percent):
    with pytest.raises(ValueError):
        odi_band(percent)


# ------------------------------------------------------------------------------ rule versions


def test_rule_ids():
    assert odi_rule_id(1) == "odi-2.1a;max_missing=1"
    assert odi_rule_id() == "odi-2.1a;max_missing=1"
    assert odi_rule_id(None) == "odi-2.1a;max_missing=any"
    assert odi_rule_id(0) == "odi-2.1a;max_missing=0"
    assert rmdq_rule_id() == SCORING_RULE_VERSION["rmdq"]
    assert nprs_rule_id() == SCORING_RULE_VERSION["nprs"]
    assert SCORING_RULE_VERSION["odi"] == "odi-2.1a"
    assert len(set(SCORING_RULE_VERSION.values())) == 3


@pytest.mark.parametrize("max_missing", [-1, True, 1.5])
def test_odi_rule_id_refuses(max_missing):
    with pytest.raises(ValueError):
        odi_rule_id(max_missing)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------- RMDQ


@pytest.mark.parametrize(
    ("items", "expected"),
    [([False] * 24, 0), ([True] * 24, 24), ([True, False] * 12, 12), ([True] + [False] * 23, 1)],
)
def test_rmdq_score(items, expected):
    assert rmdq_score(items) == expected


@given(st.lists(st.booleans(), min_size=24, max_size=24))
def test_rmdq_counts_true(items):
    assert rmdq_score(items) == items.count(True)
    assert rmdq_score(tuple(items)) == items.count(True)


@pytest.mark.parametrize("length", [0, 23, 25])
def test_rmdq_wrong_length(length):
    with pytest.raises(ValueError, match="exactly 24"):
        rmdq_score([True] * length)


@pytest.mark.parametrize("bad", [1, 0, None, "yes", 1.0])
def test_rmdq_refuses_non_bool(bad):
    items: list[object] = [False] * 24
    items[5] = bad
    with pytest.raises(ValueError, match="item 6"):
        rmdq_score(items)  # type: ignore[arg-type]


@pytest.mark.parametrize("items", ["y" * 24, None, 24])
def test_rmdq_refuses_non_sequences(items):
    with pytest.raises(ValueError):
        rmdq_score(items)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- 6-minute walk


@pytest.mark.parametrize(
    ("sex", "age", "height", "weight", "predicted", "lln"),
    [
        # 7.57*175 - 5.02*50 - 1.76*80 - 309 = 1324.75 - 251 - 140.8 - 309
        ("male", 50, 175, 80, 623.95, 470.95),
        # 2.11*165 - 2.29*65 - 5.78*45 + 667 = 348.15 - 148.85 - 260.1 + 667
        ("female", 45, 165, 65, 606.2, 467.2),
        ("Female ", 45, 165, 65, 606.2, 467.2),
        ("MALE", 60, 180, 90, 7.57 * 180 - 5.02 * 60 - 1.76 * 90 - 309,
         7.57 * 180 - 5.02 * 60 - 1.76 * 90 - 309 - 153),
    ],
)
def test_six_minute_walk_predicted(sex, age, height, weight, predicted, lln):
    got = six_minute_walk_predicted(sex, age, height, weight)
    assert got == pytest.approx((predicted, lln))


@given(
    st.sampled_from(["male", "female"]),
    st.floats(18, 90),
    st.floats(140, 210),
    st.floats(40, 160),
)
def test_six_minute_walk_lln(sex, age, height, weight):
    predicted, lln = six_minute_walk_predicted(sex, age, height, weight)
    assert predicted - lln == pytest.approx(153 if sex == "male" else 139)


@given(st.floats(18, 80), st.floats(140, 210), st.floats(40, 160))
def test_six_minute_walk_falls_with_age_and_weight(age, height, weight):
    for sex in ("male", "female"):
        base = six_minute_walk_predicted(sex, age, height, weight)[0]
        assert six_minute_walk_predicted(sex, age + 1, height, weight)[0] < base
        assert six_minute_walk_predicted(sex, age, height, weight + 1)[0] < base
        assert six_minute_walk_predicted(sex, age, height + 1, weight)[0] > base


@pytest.mark.parametrize("sex", ["m", "f", "", "other", None, 1])
def test_six_minute_walk_bad_sex(sex):
    with pytest.raises(ValueError, match="sex"):
        six_minute_walk_predicted(sex, 50, 170, 70)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf, True, "50", None])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_six_minute_walk_bad_numbers(bad, position):
    args: list[object] = [50, 170, 70]
    args[position] = bad
    with pytest.raises(ValueError):
        six_minute_walk_predicted("male", *args)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- change and MCID


@pytest.mark.parametrize(
    ("measure", "baseline", "follow_up", "reached"),
    [
        ("odi", 46, 28, True),
        ("odi", 46, 36, True),  # exactly 10 points
        ("odi", 46, 36.5, False),  # 9.5 points, 20.7%
        ("odi", 40, 28, True),  # 12 points and exactly 30%
        ("odi", 20, 14, True),  # 6 points but exactly 30%
        ("odi", 20, 14.2, False),  # 29%
        ("odi", 0, 0, False),
        ("odi", 28, 46, False),
        ("nprs_back", 6, 5, False),
        ("nprs_back", 6, 4, True),
        ("nprs_back", 3, 2, True),  # 1 point, 33%
        ("nprs_back", 10, 8, True),
        ("nprs_leg", 7, 6, False),
        ("nprs_leg", 7, 5, True),
        ("nprs_leg", 0, 0, False),
        ("rmdq", 12, 7, True),
        ("rmdq", 12, 8, True),  # 4 points but 33%
        ("rmdq", 20, 16, False),  # 4 points, 20%
        ("rmdq", 0, 0, False),
        ("walk_5min", 300, 345.5, True),
        ("walk_5min", 300, 345.4, False),
        ("walk_5min", 100, 140, False),  # 40% but no relative rule for walking tests
        ("walk_6min", 300, 330, True),
        ("walk_6min", 300, 329.9, False),
        ("walk_6min", 0, 30, True),
        ("walk_6min", 330, 300, False),
        ("walk_50ft", 10, 9.4, True),  # float rounding: 0.5999999999999996
        ("walk_50ft", 10, 9.5, False),
        ("walk_50ft", 2, 1.5, False),  # 25% but no relative rule
        ("tug", 12, 10.7, True),
        ("tug", 12, 10.8, False),
        ("tug", 10.7, 12, False),
    ],
)
def test_mcid_reached(measure, baseline, follow_up, reached):
    assert mcid_reached(measure, baseline, follow_up) is reached
    assert change_interpretation(measure, baseline, follow_up).reached is reached


@pytest.mark.parametrize(
    ("baseline", "follow_up"),
    [(40, 28), (70, 49), (10, 7), (30, 21), (100, 70), (1.0, 0.7), (33.3, 23.31)],
)
def test_relative_rule_boundary_counts_despite_float_rounding(baseline, follow_up):
    only_relative = with_overrides({"odi": {"absolute": 99}})
    assert mcid_reached("odi", baseline, follow_up, only_relative)


def test_values_are_compared_as_shown():
    """0.7 -> 0.49 reads 0.7 -> 0.5 (one decimal): 0.2 of 0.7 is 28.6%, short of 30%."""
    only_relative = with_overrides({"odi": {"absolute": 99}})
    result = change_interpretation("odi", 0.7, 0.49, only_relative)
    assert not result.reached
    assert result.sentence == (
        "ODI changed by 0.2 points, 28.6% (from 0.7 to 0.5), below the 99-point and 30% "
        "thresholds."
    )


def test_relative_rule_never_applies_from_a_zero_baseline():
    rules = with_overrides({"walk_6min": {"relative": 0.1, "absolute": 100}})
    assert not mcid_reached("walk_6min", 0, 50, rules)
    assert mcid_reached("walk_6min", 100, 110, rules)
    interpretation = change_interpretation("walk_6min", 0, 50, rules)
    assert interpretation.percent_change is None
    assert not interpretation.reached


def test_tiny_baseline_does_not_overflow_the_percentage():
    result = change_interpretation("nprs_back", 2.2e-311, 1.0)
    assert result.percent_change is None
    assert not result.worsened_by_threshold  # 1 point: below 2, and no 30% rule for worsening
    assert result.sentence.startswith("Back pain changed by 1 point (from 0 to 1)")


def test_custom_thresholds_are_used():
    strict = with_overrides({"odi": {"absolute": 13, "relative": 0.33}})
    assert mcid_reached("odi", 46, 36) is True
    assert mcid_reached("odi", 46, 36, strict) is False
    assert mcid_reached("odi", 46, 33, strict) is True


@pytest.mark.parametrize(
    ("measure", "value"),
    [
        ("odi", -1), ("odi", 100.5), ("nprs_back", 11), ("nprs_leg", -0.5), ("rmdq", 25),
        ("rmdq", -1), ("walk_6min", -1), ("walk_5min", -0.01), ("tug", -2), ("walk_50ft", -1),
        ("odi", math.nan), ("walk_6min", math.inf), ("tug", math.nan), ("odi", True),
        ("odi", "40"), ("odi", None),
    ],
)
@pytest.mark.parametrize("which", ["baseline", "follow_up"])
def test_out_of_range_values(measure, value, which):
    good = {"odi": 40, "nprs_back": 5, "nprs_leg": 5, "rmdq": 10}.get(measure, 10)
    args = (value, good) if which == "baseline" else (good, value)
    with pytest.raises(ValueError):
        mcid_reached(measure, *args)
    with pytest.raises(ValueError):
        change_interpretation(measure, *args)


@pytest.mark.parametrize("measure", ["vas", "ODI", "", "sf36"])
def test_unknown_measure(measure):
    with pytest.raises(ValueError, match="unknown measure"):
        mcid_reached(measure, 1, 2)


def _upper(measure):
    high = DEFAULT_THRESHOLDS[measure].valid_range[1]
    return 1000.0 if high is None else high


#: values are compared as shown, to one decimal: rounding each of the two values can move their
#: difference by up to one such step
SHOWN_STEP = 0.1


@given(st.sampled_from(sorted(DEFAULT_THRESHOLDS)), st.data())
def test_improvement_of_at_least_the_absolute_threshold_is_always_reached(measure, data):
    """Any improvement a display step past the threshold is reached (exactly on it: see
    test_interpretation_rounding, where values are typed as shown)."""
    t = DEFAULT_THRESHOLDS[measure]
    high = _upper(measure)
    amount = data.draw(st.floats(t.absolute + SHOWN_STEP, high))
    if t.direction == "lower_better":
        baseline = data.draw(st.floats(amount, high))
        follow_up = baseline - amount
    else:
        baseline = data.draw(st.floats(0, high - amount))
        follow_up = baseline + amount
    assume(0 <= follow_up <= high)
    assert mcid_reached(measure, baseline, follow_up)
    # and the same amount the other way is a deterioration, never an improvement
    back = change_interpretation(measure, follow_up, baseline)
    assert not back.reached
    assert back.worsened_by_threshold


@given(st.sampled_from(sorted(DEFAULT_THRESHOLDS)), st.data())
def test_no_change_or_worsening_never_reaches(measure, data):
    high = _upper(measure)
    a = data.draw(st.floats(0, high))
    b = data.draw(st.floats(0, high))
    better_or_equal, worse_or_equal = (min(a, b), max(a, b))
    if DEFAULT_THRESHOLDS[measure].direction == "lower_better":
        baseline, follow_up = better_or_equal, worse_or_equal
    else:
        baseline, follow_up = worse_or_equal, better_or_equal
    result = change_interpretation(measure, baseline, follow_up)
    assert not result.reached
    assert result.improvement <= 0


@given(st.sampled_from(sorted(DEFAULT_THRESHOLDS)), st.data())
def test_interpretation_fields_are_consistent(measure, data):
    high = _upper(measure)
    baseline = data.draw(st.floats(0, high))
    follow_up = data.draw(st.floats(0, high))
    result = change_interpretation(measure, baseline, follow_up)
    assert result.change == pytest.approx(follow_up - baseline)
    sign = -1 if DEFAULT_THRESHOLDS[measure].direction == "lower_better" else 1
    assert result.improvement == pytest.approx(sign * result.change)
    assert not (result.reached and result.worsened_by_threshold)
    if baseline == 0:
        assert result.percent_change is None
    elif result.percent_change is not None:
        assert result.percent_change == pytest.approx(result.change / baseline * 100)
    assert result.sentence.endswith(".")
    assert result.sentence[0].isupper() or result.sentence[0].isdigit()
    assert "improved 0 " not in result.sentence
    assert "worse by 0 " not in result.sentence


def test_interpretation_example_odi():
    result = change_interpretation("odi", 46, 28)
    assert isinstance(result, Interpretation)
    assert result.measure == "odi"
    assert (result.baseline, result.follow_up) == (46, 28)
    assert result.change == -18
    assert result.improvement == 18
    assert result.percent_change == pytest.approx(-18 / 46 * 100)
    assert result.reached and not result.worsened_by_threshold
    assert result.threshold == "10-point or 30%"
    assert result.rule == "absolute"
    assert (result.shown_change, result.shown_percent) == ("-18", "-39.1")
    assert result.sentence == (
        "ODI improved 18 points (from 46 to 28), more than the 10-point threshold (absolute rule)."
    )


@pytest.mark.parametrize(
    ("measure", "baseline", "follow_up", "sentence"),
    [
        ("nprs_back", 6, 5,
         "Back pain changed by 1 point, 16.7% (from 6 to 5), below the 2-point and 30% "
         "thresholds."),
        ("nprs_leg", 6, 3,
         "Leg pain improved 3 points (from 6 to 3), more than the 2-point threshold (absolute "
         "rule)."),
        ("walk_6min", 300, 342,
         "6-minute walk improved 42 m (from 300 to 342), more than the 30 m threshold (absolute "
         "rule)."),
        ("walk_6min", 300, 320,
         "6-minute walk changed by 20 m (from 300 to 320), below the 30 m threshold."),
        ("walk_5min", 350, 395.5,
         "5-minute walk improved 45.5 m (from 350 to 395.5), reaching the 45.5 m threshold "
         "(absolute rule)."),
        ("tug", 10.0, 12.1,
         "TUG time got worse by 2.1 s (from 10 to 12.1), more than the 1.3 s threshold "
         "(absolute rule)."),
        ("tug", 10.0, 10.5,
         "TUG time changed by 0.5 s (from 10 to 10.5), below the 1.3 s threshold."),
        ("walk_50ft", 10, 9.4,
         "50-foot walk time improved 0.6 s (from 10 to 9.4), reaching the 0.6 s threshold "
         "(absolute rule)."),
        ("odi", 20, 14,
         "ODI improved 6 points, 30% (from 20 to 14), reaching the 30% threshold (relative "
         "rule; less than the 10-point absolute threshold)."),
        ("odi", 30, 20,
         "ODI improved 10 points (from 30 to 20), reaching the 10-point threshold (absolute "
         "rule)."),
        ("odi", 0, 4,
         "ODI changed by 4 points (from 0 to 4), below the 10-point threshold; the 30% rule "
         "applies to improvement only."),
        ("rmdq", 10, 10, "RMDQ did not change (10 at both measurements)."),
        ("odi", 40, 40 + 1e-12, "ODI did not change (40 at both measurements)."),
        ("odi", 46.67, 28.89,
         "ODI improved 17.8 points (from 46.7 to 28.9), more than the 10-point threshold "
         "(absolute rule)."),
    ],
)
def test_interpretation_sentences(measure, baseline, follow_up, sentence):
    assert change_interpretation(measure, baseline, follow_up).sentence == sentence


def test_no_worsening_by_the_relative_rule():
    """The 30% rule is a threshold for improvement (Ostelo 2008): 3 -> 4 is 33% worse but only
    1 point, below the 2-point threshold."""
    result = change_interpretation("nprs_back", 3, 4)
    assert not result.worsened_by_threshold
    assert not result.reached
    assert result.rule is None
    assert result.sentence == (
        "Back pain changed by 1 point (from 3 to 4), below the 2-point threshold; the 30% rule "
        "applies to improvement only."
    )
    assert change_interpretation("nprs_back", 3, 5).worsened_by_threshold  # 2 points


def test_interpretation_is_frozen():
    result = change_interpretation("odi", 46, 28)
    with pytest.raises(AttributeError):
        result.reached = False  # type: ignore[misc]


def test_rule_words_put_the_odi_rule_in_words() -> None:
    from rehab_tracker.domain.scoring import odi_rule_id, rule_words

    assert rule_words(odi_rule_id(1)) == "scored with at most 1 section missing"
    assert rule_words(odi_rule_id(2)) == "scored with at most 2 sections missing"
    assert rule_words(odi_rule_id(0)) == "scored with no section missing"
    assert rule_words(odi_rule_id(None)) == "scored with any number of sections missing"
    assert rule_words("rmdq-24") == "" and rule_words("odi-9;max_missing=x") == ""
