"""The Today view's missed window at the ends of the calendar (the input fuzz found an
OverflowError for a day in the first fortnight of year 1)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain.schedule import MISSED_WINDOW_DAYS, missed_window


def test_the_window_is_the_fortnight_before_today() -> None:
    today = date(2026, 12, 1)
    assert missed_window(today) == (
        today - timedelta(days=MISSED_WINDOW_DAYS),
        today - timedelta(days=1),
    )


def test_on_the_first_representable_day_the_window_is_empty() -> None:
    first, last = missed_window(date.min)
    assert first > last


@given(st.dates())
def test_any_day_gives_a_window_before_it_of_at_most_the_clinic_default(today: date) -> None:
    first, last = missed_window(today)
    assert last < today
    if first <= last:
        assert (last - first).days == min(MISSED_WINDOW_DAYS, (today - date.min).days) - 1
