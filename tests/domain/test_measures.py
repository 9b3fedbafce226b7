"""Rules of the new measures: PSFS scoring and validation, the GRC scale, the neurological
screen's validation and change lines (unit and property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.grc import GRC_HIGH, GRC_LOW, grc_error, grc_text
from rehab_tracker.domain.neuro import (
    LEVELS,
    REFLEX_GRADES,
    SENSATION,
    NeuroScreenEntry,
    SideFindings,
    compared_count,
    from_doc,
    screen_changes,
    to_doc,
    validate_neuro,
)
from rehab_tracker.domain.psfs import (
    PsfsActivity,
    activities_of,
    activity_changes,
    answers_doc,
    psfs_score,
    validate_psfs,
)
from rehab_tracker.domain.scoring import change_interpretation

ratings = st.lists(st.integers(0, 10), min_size=1, max_size=5)


@given(ratings)
def test_psfs_score_is_the_mean_and_stays_on_the_scale(values):
    score = psfs_score(values)
    assert score == pytest.approx(sum(values) / len(values))
    assert min(values) <= score <= max(values)


@given(st.integers().filter(lambda v: not 0 <= v <= 10))
def test_psfs_rating_off_the_scale_is_refused_at_its_row(value):
    with pytest.raises(ValidationError) as err:
        validate_psfs([PsfsActivity("Gardening", 5), PsfsActivity("Cycling", value)])
    assert set(err.value.errors) == {"rating_2"}


def test_psfs_more_than_five_activities_is_refused():
    with pytest.raises(ValidationError) as err:
        validate_psfs([PsfsActivity(f"Activity {n}", 3) for n in range(6)])
    assert "at most 5" in err.value.errors["activities"]


def test_psfs_follow_up_must_rate_the_baseline_activities_case_and_order_ignored():
    kept = validate_psfs([PsfsActivity("  cycling ", 4), PsfsActivity("GARDENING", 6)],
                         ["Gardening", "Cycling"])
    assert [a.name for a in kept] == ["cycling", "GARDENING"]
    with pytest.raises(ValidationError):
        validate_psfs([PsfsActivity("Gardening", 6)], ["Gardening", "Cycling"])


# printable names: a control character in a name is refused (domain/bounds.py)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=20).filter(
                              lambda t: bool(t.strip()) and t.isprintable()),
                          st.integers(0, 10)), min_size=1, max_size=5,
                unique_by=lambda t: " ".join(t[0].split()).casefold()))
def test_psfs_answers_round_trip_and_an_unchanged_follow_up_shows_no_change(rows):
    activities = validate_psfs([PsfsActivity(n, r) for n, r in rows])
    assert activities_of(answers_doc(activities)) == activities
    assert all(line.endswith("(no change)") for line in activity_changes(activities, activities))


@given(st.integers(0, 10), st.integers(0, 10))
def test_psfs_change_sentence_never_calls_a_fall_an_improvement(before, after):
    interp = change_interpretation("psfs", before, after)
    assert interp.reached == (after - before >= 2)
    if after < before:
        assert "improved" not in interp.sentence


@given(st.integers(GRC_LOW, GRC_HIGH))
def test_every_grc_rating_has_words_and_a_sign(value):
    assert grc_error(value) is None
    text = grc_text(value)
    assert text.startswith("+" if value > 0 else ("-" if value < 0 else "0"))


@pytest.mark.parametrize("value", [-6, 6, 1.5, True, None, "3"])
def test_grc_off_the_scale_is_refused(value):
    assert grc_error(value) is not None


sides = st.builds(
    SideFindings,
    slr=st.sampled_from([None, "negative"]),
    myotomes=st.dictionaries(st.sampled_from(LEVELS), st.integers(0, 5)),
    dermatomes=st.dictionaries(st.sampled_from(LEVELS), st.sampled_from(SENSATION)),
    reflexes=st.dictionaries(st.sampled_from(["knee", "ankle"]),
                             st.sampled_from(REFLEX_GRADES)),
)
screens = st.builds(NeuroScreenEntry, left=sides, right=sides)


@given(screens)
def test_a_stored_screen_reads_back_the_same_and_has_no_change_from_itself(entry):
    assert from_doc(to_doc(entry)) == NeuroScreenEntry(
        left=SideFindings(entry.left.slr, None, dict(entry.left.myotomes),
                          dict(entry.left.dermatomes), dict(entry.left.reflexes)),
        right=SideFindings(entry.right.slr, None, dict(entry.right.myotomes),
                           dict(entry.right.dermatomes), dict(entry.right.reflexes)),
    )
    assert screen_changes(entry, entry) == []


@given(screens, screens)
def test_every_change_line_names_a_finding_tested_at_both(a, b):
    lines = screen_changes(a, b)
    assert len(lines) <= compared_count(a, b)
    for line in lines:
        assert " -> " in line and (" left " in line or " right " in line)


def test_myotome_dermatome_and_reflex_changes_read_as_better_or_worse():
    before = NeuroScreenEntry(left=SideFindings(myotomes={"L5": 3}, dermatomes={"S1": "normal"},
                                                reflexes={"knee": "normal"}))
    after = NeuroScreenEntry(left=SideFindings(myotomes={"L5": 4}, dermatomes={"S1": "absent"},
                                               reflexes={"knee": "brisk"}))
    assert screen_changes(before, after) == [
        "L5 myotome left 3/5 -> 4/5 (better)",
        "S1 dermatome left normal -> absent (worse)",
        "Knee reflex (L4) left normal -> brisk (brisk: not a nerve-root sign, points above the "
        "lumbar roots; review)",
    ]


@pytest.mark.parametrize(
    ("side", "key"),
    [
        (SideFindings(slr="positive"), "left.slr_angle"),
        (SideFindings(slr_angle=30), "left.slr"),
        (SideFindings(slr="negative", slr_angle=91), "left.slr_angle"),
        (SideFindings(myotomes={"L5": 6}), "left.myotome.L5"),
        (SideFindings(myotomes={"L1": 5}), "left.myotome.L1"),
        (SideFindings(dermatomes={"L4": "tingly"}), "left.dermatome.L4"),
        (SideFindings(reflexes={"knee": "absent", "biceps": "normal"}), "left.reflex.biceps"),
    ],
)
def test_bad_findings_are_refused_at_their_field(side, key):
    with pytest.raises(ValidationError) as err:
        validate_neuro(NeuroScreenEntry(left=side))
    assert key in err.value.errors
