"""The one adherence rule (domain.sessions.compute_adherence): what is due, what is attended."""

from __future__ import annotations

import datetime as dt

from rehab_tracker.domain.sessions import (
    SlotStatus,
    compute_adherence,
    log_counts_as_attended,
    log_is_counted,
    slot_is_due,
)

TODAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


def test_todays_unlogged_slot_is_not_due_yet():
    slot = SlotStatus(2, TODAY)
    assert not slot_is_due(slot, TODAY)
    result = compute_adherence([SlotStatus(1, TODAY - DAY, True, True), slot], TODAY)
    assert (result.planned, result.attended, result.missed) == (1, 1, 0)
    assert [w.week for w in result.weeks] == [1]  # week 2 has nothing due yet
    assert result.scheduled == 2


def test_todays_logged_slot_is_due():
    attended = compute_adherence([SlotStatus(1, TODAY, logged=True, attended=True)], TODAY)
    assert (attended.planned, attended.attended) == (1, 1)
    missed = compute_adherence([SlotStatus(1, TODAY, logged=True, attended=False)], TODAY)
    assert (missed.planned, missed.attended, missed.missed) == (1, 0, 1)


def test_yesterdays_unlogged_slot_is_missed():
    result = compute_adherence([SlotStatus(1, TODAY - DAY)], TODAY)
    assert (result.planned, result.attended, result.missed) == (1, 0, 1)
    assert result.weeks[0].missed == 1 and result.weeks[0].rate == 0.0


def test_future_slot_logged_early_counts():
    result = compute_adherence(
        [
            SlotStatus(3, TODAY + 2 * DAY, logged=True, attended=True),
            SlotStatus(3, TODAY + 4 * DAY),
        ],
        TODAY,
    )
    assert (result.planned, result.attended) == (1, 1)
    assert result.weeks[0].start_date == TODAY + 2 * DAY


def test_deleted_log_leaves_the_slot_open():
    # a deleted log is no log: callers pass logged=False, attended=False; a past slot is missed,
    # today's is simply not due
    past = compute_adherence([SlotStatus(1, TODAY - DAY, logged=False, attended=False)], TODAY)
    assert (past.planned, past.attended) == (1, 0)
    today = compute_adherence([SlotStatus(1, TODAY, logged=False, attended=False)], TODAY)
    assert (today.planned, today.attended) == (0, 0)
    assert today.describe() == "Adherence: no sessions planned yet."


def test_what_counts_as_attended():
    assert log_counts_as_attended("final", True)
    assert not log_counts_as_attended("final", False)  # recorded as missed
    assert not log_counts_as_attended("aborted", True)  # red-flag stop
    assert not log_counts_as_attended(None, None)


def test_extra_sessions_are_reported_outside_the_rate():
    result = compute_adherence(
        [SlotStatus(1, TODAY - DAY, True, True), SlotStatus(1, TODAY - 3 * DAY)],
        TODAY,
        extra_attended=[True, False, True],
    )
    assert result.extra_sessions == 2
    assert (result.planned, result.attended, result.rate) == (2, 1, 0.5)
    assert result.describe() == "Adherence: 1 of 2 planned sessions attended (50%)."


def test_weeks_start_on_their_first_scheduled_session():
    slots = [SlotStatus(1, TODAY - 6 * DAY, True, True), SlotStatus(1, TODAY - 8 * DAY)]
    assert compute_adherence(slots, TODAY).weeks[0].start_date == TODAY - 8 * DAY


def test_only_finished_logs_up_to_today_are_counted():
    assert log_is_counted("final", TODAY, TODAY)
    assert log_is_counted("aborted", TODAY - DAY, TODAY)  # a red-flag stop is a record
    assert not log_is_counted("draft", TODAY - DAY, TODAY)  # not finished
    assert not log_is_counted("final", TODAY + DAY, TODAY)  # not yet, on a report dated earlier
