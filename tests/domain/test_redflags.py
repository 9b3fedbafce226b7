"""The red-flag screen asked before every session."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain.redflags import RED_FLAGS, RED_FLAGS_BY_CODE, screen

CODES = ("both_legs", "saddle_numbness", "bladder_bowel", "progressive_weakness", "infection")
ALL_NO = dict.fromkeys(CODES, False)


def test_the_five_flags_in_order():
    assert tuple(f.code for f in RED_FLAGS) == CODES
    assert set(RED_FLAGS_BY_CODE) == set(CODES)


@pytest.mark.parametrize("flag", RED_FLAGS, ids=lambda f: f.code)
def test_every_flag_has_a_question_and_a_reason(flag):
    assert flag.question.endswith("?")
    assert len(flag.why) > 20
    assert flag.label


def test_all_no_is_clear():
    result = screen(ALL_NO)
    assert result.outcome == "clear"
    assert result.positives == ()
    assert result.unanswered == ()
    assert result.session_may_start
    assert "can start" in result.message


@pytest.mark.parametrize("code", CODES)
def test_any_single_yes_is_positive(code):
    result = screen({**ALL_NO, code: True})
    assert result.outcome == "positive"
    assert result.positives == (code,)
    assert not result.session_may_start
    assert result.message.startswith("Stop the session. Refer urgently")
    assert RED_FLAGS_BY_CODE[code].label in result.message


@pytest.mark.parametrize(
    "code", ["both_legs", "saddle_numbness", "bladder_bowel", "progressive_weakness"]
)
def test_neurological_flags_mention_cauda_equina(code):
    message = screen({**ALL_NO, code: True}).message
    assert "cauda equina" in message
    assert "infection" not in message


def test_infection_flag_mentions_infection():
    message = screen({**ALL_NO, "infection": True}).message
    assert "infection" in message
    assert "cauda equina" not in message


def test_several_positives_listed_in_order_and_both_concerns_named():
    result = screen({**ALL_NO, "infection": True, "saddle_numbness": True})
    assert result.positives == ("saddle_numbness", "infection")
    assert "cauda equina" in result.message and "infection" in result.message


@pytest.mark.parametrize("code", CODES)
def test_one_unanswered_is_incomplete(code):
    answers: dict[str, bool | None] = {**ALL_NO, code: None}
    result = screen(answers)
    assert result.outcome == "incomplete"
    assert result.unanswered == (code,)
    assert not result.session_may_start
    assert "1 question is unanswered" in result.message


def test_missing_keys_count_as_unanswered():
    result = screen({})
    assert result.outcome == "incomplete"
    assert result.unanswered == CODES
    assert "5 questions are unanswered" in result.message


def test_a_yes_wins_over_unanswered_questions():
    result = screen({"bladder_bowel": True})
    assert result.outcome == "positive"
    assert result.positives == ("bladder_bowel",)
    assert len(result.unanswered) == 4


def test_unknown_code():
    with pytest.raises(ValueError, match="unknown red-flag code"):
        screen({**ALL_NO, "headache": False})


@pytest.mark.parametrize("answer", [1, 0, "yes", "no", 1.0])
def test_answers_must_be_bool_or_none(answer):
    with pytest.raises(ValueError, match="answer must be"):
        screen({**ALL_NO, "both_legs": answer})


@given(st.fixed_dictionaries({}, optional={c: st.none() | st.booleans() for c in CODES}))
def test_outcome_matches_the_answers(answers):
    result = screen(answers)
    yes = [c for c in CODES if answers.get(c) is True]
    blank = [c for c in CODES if answers.get(c) is None]
    if yes:
        assert result.outcome == "positive" and list(result.positives) == yes
    elif blank:
        assert result.outcome == "incomplete" and list(result.unanswered) == blank
    else:
        assert result.outcome == "clear"
    assert result.message
