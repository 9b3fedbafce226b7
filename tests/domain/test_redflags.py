"""The red-flag screen asked before every session, read as the rules a clinician checks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.redflags import (
    ACTIONS,
    RED_FLAGS,
    RED_FLAGS_BY_CODE,
    REFERRALS,
    RETIRED_FLAGS,
    ClearanceEntry,
    RedFlagOutcomeEntry,
    check_clearance,
    check_outcome,
    label_of,
    screen,
    stored_screen,
)

CODES = (
    "new_both_legs", "saddle_numbness", "bladder_bowel", "calf", "chest_breathless",
    "one_sided_leg", "progressive_weakness", "infection", "rest_night_pain",
)
ALL_NO = dict.fromkeys(CODES, False)
EMERGENCY = ("new_both_legs", "saddle_numbness", "bladder_bowel", "calf", "chest_breathless")
URGENT = ("one_sided_leg", "progressive_weakness", "infection", "rest_night_pain")


def test_the_post_discectomy_questions_in_order():
    assert tuple(f.code for f in RED_FLAGS) == CODES
    assert set(RED_FLAGS_BY_CODE) == set(CODES)


@pytest.mark.parametrize("flag", RED_FLAGS, ids=lambda f: f.code)
def test_every_question_says_what_it_is_for_what_to_do_and_its_source(flag):
    assert flag.question.endswith("?") or flag.question.endswith(".)")
    assert len(flag.why) > 20 and flag.label and flag.purpose
    assert flag.action in ACTIONS
    # the clinical reference, and "clinic default" wherever the action is the clinic's choice
    assert flag.source.startswith("CLINICAL.md")
    assert not flag.retired


def test_each_question_has_the_action_the_reference_gives():
    assert {f.code for f in RED_FLAGS if f.action == "emergency"} == set(EMERGENCY)
    assert {f.code for f in RED_FLAGS if f.action == "urgent"} == set(URGENT)
    assert {RED_FLAGS_BY_CODE[c].purpose for c in ("calf", "chest_breathless")} == {
        "deep vein thrombosis", "pulmonary embolism"}
    assert RED_FLAGS_BY_CODE["one_sided_leg"].purpose == "recurrent disc herniation"
    assert "clinic default" in RED_FLAGS_BY_CODE["rest_night_pain"].source


def test_symptoms_in_both_legs_are_asked_as_new():
    question = RED_FLAGS_BY_CODE["new_both_legs"].question
    assert "NEW" in question and "long time" in question and "count as no" in question


def test_all_no_is_clear():
    result = screen(ALL_NO)
    assert result.outcome == "clear" and result.positives == () and result.unanswered == ()
    assert result.session_may_start and result.action is None
    assert "can start" in result.message


@pytest.mark.parametrize("code", EMERGENCY)
def test_an_emergency_answer_stops_and_says_call_emergency_services(code):
    result = screen({**ALL_NO, code: True})
    assert result.outcome == "positive" and result.positives == (code,)
    assert result.action == "emergency" and result.emergency and not result.session_may_start
    assert result.message.startswith("EMERGENCY: stop the session and call emergency services")
    assert RED_FLAGS_BY_CODE[code].label in result.message
    assert RED_FLAGS_BY_CODE[code].purpose in result.message


@pytest.mark.parametrize("code", URGENT)
def test_an_urgent_answer_stops_todays_exercise_but_is_not_an_emergency_call(code):
    result = screen({**ALL_NO, code: True})
    assert result.outcome == "positive" and result.action == "urgent" and not result.emergency
    assert not result.session_may_start
    assert result.message.startswith("Stop the session: no exercise today")
    assert "not an emergency call" in result.message
    assert "review today with the surgeon or GP" in result.message
    assert "call emergency services now" not in result.message.lower()


def test_recurrent_herniation_is_urgent_review():
    message = screen({**ALL_NO, "one_sided_leg": True}).message
    assert "possible recurrent disc herniation" in message


def test_emergency_wins_and_the_urgent_answers_are_passed_on():
    result = screen({**ALL_NO, "infection": True, "calf": True})
    assert result.positives == ("calf", "infection") and result.action == "emergency"
    assert "possible deep vein thrombosis" in result.message
    assert "Also yes to fever or wound redness or discharge" in result.message


def test_the_same_concern_is_named_once():
    message = screen({**ALL_NO, "saddle_numbness": True, "bladder_bowel": True}).message
    assert message.count("possible cauda equina syndrome") == 1


@pytest.mark.parametrize("code", CODES)
def test_one_unanswered_is_incomplete(code):
    result = screen({**ALL_NO, code: None})
    assert result.outcome == "incomplete" and result.unanswered == (code,)
    assert not result.session_may_start
    assert "1 question is unanswered" in result.message


def test_missing_keys_count_as_unanswered():
    result = screen({})
    assert result.outcome == "incomplete" and result.unanswered == CODES
    assert f"{len(CODES)} questions are unanswered" in result.message


def test_a_yes_wins_over_unanswered_questions():
    result = screen({"bladder_bowel": True})
    assert result.outcome == "positive" and result.positives == ("bladder_bowel",)
    assert len(result.unanswered) == len(CODES) - 1


def test_unknown_code_and_a_retired_code_are_not_new_answers():
    with pytest.raises(ValueError, match="unknown red-flag code"):
        screen({**ALL_NO, "headache": False})
    with pytest.raises(ValueError, match="unknown red-flag code 'both_legs'"):
        screen({**ALL_NO, "both_legs": True})


@pytest.mark.parametrize("answer", [1, 0, "yes", "no", 1.0])
def test_answers_must_be_bool_or_none(answer):
    with pytest.raises(ValueError, match="answer must be"):
        screen({**ALL_NO, "calf": answer})


@given(st.fixed_dictionaries({}, optional={c: st.none() | st.booleans() for c in CODES}))
def test_outcome_matches_the_answers(answers):
    result = screen(answers)
    yes = [c for c in CODES if answers.get(c) is True]
    blank = [c for c in CODES if answers.get(c) is None]
    if yes:
        assert result.outcome == "positive" and list(result.positives) == yes
        assert result.emergency == any(c in EMERGENCY for c in yes)
    elif blank:
        assert result.outcome == "incomplete" and list(result.unanswered) == blank
    else:
        assert result.outcome == "clear"
    assert result.message


# --- screens stored with the earlier question set ------------------------------------------

OLD_SET = ("both_legs", "saddle_numbness", "bladder_bowel", "progressive_weakness", "infection")


def test_an_old_screen_still_reads_and_its_old_question_is_labelled():
    assert [f.code for f in RETIRED_FLAGS] == ["both_legs"]
    old = {**dict.fromkeys(OLD_SET, False), "both_legs": True}
    result = stored_screen(old)
    assert result.outcome == "positive" and result.positives == ("both_legs",)
    assert result.action == "emergency"
    assert label_of("both_legs") == (
        "pain or numbness in both legs (earlier question, not asked as new)")
    assert "earlier question" in result.message


def test_every_code_of_the_old_set_has_a_label():
    for code in OLD_SET:
        assert "unknown" not in label_of(code)
    assert label_of("headache") == "headache (unknown question)"


def test_stored_screen_ignores_unknown_codes_and_non_answers():
    assert stored_screen({"headache": True, "calf": "yes"}).outcome == "clear"
    assert stored_screen({"calf": True, "headache": True}).positives == ("calf",)


# --- what followed a positive screen -------------------------------------------------------


def _outcome_errors(entry: RedFlagOutcomeEntry) -> dict[str, str]:
    errors = Collector()
    check_outcome(entry, errors)
    return errors.errors


def test_an_outcome_needs_advice_and_a_known_referral():
    assert _outcome_errors(RedFlagOutcomeEntry("Go to A&E now.", "emergency_department")) == {}
    errors = _outcome_errors(RedFlagOutcomeEntry("  ", "hospital"))
    assert set(errors) == {"advice", "referred_to"}


@pytest.mark.parametrize("referral", ["other", "none"])
def test_other_and_no_referral_say_who_or_why(referral):
    errors = _outcome_errors(RedFlagOutcomeEntry("Rest.", referral))
    assert set(errors) == {"referral_details"}
    assert _outcome_errors(RedFlagOutcomeEntry("Rest.", referral, "Patient declined")) == {}


def test_every_referral_has_a_label():
    assert list(REFERRALS) == ["emergency_services", "emergency_department", "surgeon", "gp",
                               "other", "none"]


FLAGGED = dt.date(2026, 11, 20)
TODAY = dt.date(2026, 11, 23)


def _clearance_errors(entry: ClearanceEntry) -> dict[str, str]:
    errors = Collector()
    check_clearance(entry, errors, flagged_on=FLAGGED, today=TODAY)
    return errors.errors


def test_a_clearance_says_who_and_when_between_the_flag_and_today():
    assert _clearance_errors(ClearanceEntry("surgeon Dr Ng", FLAGGED)) == {}
    assert _clearance_errors(ClearanceEntry("surgeon Dr Ng", TODAY)) == {}
    assert set(_clearance_errors(ClearanceEntry("", None))) == {"cleared_by", "cleared_on"}
    early = _clearance_errors(ClearanceEntry("GP", FLAGGED - dt.timedelta(days=1)))
    assert "before the red flag" in early["cleared_on"]
    late = _clearance_errors(ClearanceEntry("GP", TODAY + dt.timedelta(days=1)))
    assert "future" in late["cleared_on"]
