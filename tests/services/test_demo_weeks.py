"""The demo puts each patient in the program week it says, on every day of the week.

A fresh-clone CI run on a Wednesday found every demo patient one week ahead of the one intended
(``patients --json`` listed weeks 3, 4, 6 ... instead of 2, 3, 5 ...): the education day was
always the Monday a week before the target's, so from Wednesday on session 1 was a week early.
"""

from __future__ import annotations

import datetime as dt

import pytest

from rehab_tracker.domain.weeks import program_week
from rehab_tracker.services.demo import _first_exercise_day, _program_start


@pytest.mark.parametrize("offset", range(7))
@pytest.mark.parametrize("week", [1, 2, 5, 12, 13])
def test_today_falls_in_the_intended_week_whatever_the_weekday(offset: int, week: int) -> None:
    today = dt.date(2026, 11, 30) + dt.timedelta(days=offset)  # Monday 30 November, then on
    start = _program_start(today, week)
    assert start.weekday() == 0  # the education day is a Monday
    first = _first_exercise_day(start)
    assert program_week(first, today) == week, (today.strftime("%A"), start, first)
