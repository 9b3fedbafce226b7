"""Screens and reports agree: on the demo clinic, the Sessions tab, the patient overview and the
report give the same adherence, and the Outcomes tab and the report's outcome table the same
change from baseline."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.data.database import Database
from rehab_tracker.domain.redflags import RED_FLAGS, ClearanceEntry, RedFlagOutcomeEntry
from rehab_tracker.domain.sessions import mark_all_done
from rehab_tracker.services.container import Services
from tests.staff import staff

ALL_NO = {flag.code: False for flag in RED_FLAGS}


@pytest.fixture
def clinic(demo_db: Database) -> Services:
    """The demo clinic (seeded once as of ``today``, copied for each test)."""
    return Services(demo_db, staff("tester"))


def _adherence_three_ways(services: Services, pid, today: dt.date) -> dict[str, tuple[int, int]]:
    sessions = services.sessions.adherence(pid, today=today)
    overview = services.patients.overview(pid, today=today)
    report = services.reports.gather(pid, today=today).adherence
    assert services.sessions.overview(pid, today=today).adherence == sessions
    return {
        "sessions": (sessions.planned, sessions.attended),
        "overview": (overview.sessions_planned_to_date, overview.sessions_attended),
        "report": (report.planned_to_date, report.attended),
    }


def _agree_in_full(services: Services, pid, today: dt.date) -> None:
    """The three give the same planned and attended, and the Sessions tab and the report the
    same weeks and the same count of unscheduled sessions."""
    numbers = _adherence_three_ways(services, pid, today)
    assert len(set(numbers.values())) == 1, numbers
    report = services.reports.gather(pid, today=today).adherence
    sessions = services.sessions.adherence(pid, today=today)
    assert [(w.week, w.planned, w.attended, w.missed) for w in report.weeks] == [
        (w.week, w.planned, w.attended, w.missed) for w in sessions.weeks
    ]
    assert (report.extra_sessions, report.planned_total) == (
        sessions.extra_sessions,
        sessions.scheduled,
    )
    assert services.sessions.overview(pid, today=today).adherence == sessions


def test_adherence_agrees_for_every_demo_patient(clinic: Services, today: dt.date) -> None:
    rows = clinic.patients.list_patients(today=today)
    assert len(rows) >= 6
    seen_planned = 0
    for row in rows:
        numbers = _adherence_three_ways(clinic, row.id, today)
        assert len(set(numbers.values())) == 1, (row.name, numbers)
        seen_planned += numbers["sessions"][0]
        report = clinic.reports.gather(row.id, today=today).adherence
        sessions = clinic.sessions.adherence(row.id, today=today)
        assert [(w.week, w.planned, w.attended) for w in report.weeks] == [
            (w.week, w.planned, w.attended) for w in sessions.weeks
        ]
        assert report.extra_sessions == sessions.extra_sessions
    assert seen_planned > 0


def test_adherence_agrees_on_the_edge_cases(clinic: Services, today: dt.date) -> None:
    """Today's slot logged or not, a deleted log, a red-flag stop: the three still agree."""
    s = clinic.sessions

    def todays_open_slot(pid):
        return next(
            (
                x
                for x in s.slots(pid)
                if x.open and x.kind == "exercise" and x.scheduled_date == today
            ),
            None,
        )

    pid = next(r.id for r in clinic.patients.list_patients(today=today) if todays_open_slot(r.id))
    slot = todays_open_slot(pid)
    assert slot is not None
    before = _adherence_three_ways(clinic, pid, today)
    assert len(set(before.values())) == 1, before  # today's unlogged slot is not due anywhere

    # log today's slot: due and attended everywhere; delete the log: back to before
    form = s.new_form(pid, slot.id, today=today)
    log_id = s.save(pid, slot.id, dataclasses.replace(mark_all_done(form.entry),
            red_flags=ALL_NO), today=today)
    logged = _adherence_three_ways(clinic, pid, today)
    assert len(set(logged.values())) == 1, logged
    planned, attended = logged["sessions"]
    assert attended == before["sessions"][1] + 1
    s.delete(log_id)
    assert _adherence_three_ways(clinic, pid, today) == before

    # a red-flag stop on that slot is due but not attended, everywhere
    stopped = dict(ALL_NO, **{RED_FLAGS[0].code: True})
    s.record_red_flag_stop(pid, slot.id, stopped, session_date=today, today=today)
    after = _adherence_three_ways(clinic, pid, today)
    assert len(set(after.values())) == 1, after
    assert after["sessions"] == (planned, before["sessions"][1])


@pytest.mark.parametrize("backend", ["db", "pg_db"])
def test_adherence_agrees_after_every_kind_of_session(
    request: pytest.FixtureRequest, backend: str, today: dt.date
) -> None:
    """Attended, missed, red-flag stopped, unscheduled (attended and missed), corrected after
    saving, deleted, and deleted then restored: the Sessions tab, the overview and the report
    count them all the same way (on SQLite and on PostgreSQL)."""
    built = build_patient(request.getfixturevalue(backend), today, weeks_ago=4)
    s, pid = built.services.sessions, built.patient_id
    past = [x for x in s.slots(pid) if x.kind == "exercise" and x.scheduled_date < today]
    assert len(past) >= 9

    def log(slot, **changes) -> dt.date:
        form = s.new_form(pid, slot.id if slot else None, today=today)
        when = slot.scheduled_date if slot else today - dt.timedelta(days=1)
        entry = dataclasses.replace(mark_all_done(form.entry),
                session_date=when, red_flags=ALL_NO, **changes)
        return s.save(pid, slot.id if slot else None, entry, today=today)

    for slot in past[:3]:
        log(slot)  # attended
    log(past[3], attended=False, missed_reason="ill")  # missed
    stopped = dict(ALL_NO, **{RED_FLAGS[0].code: True})
    stop = s.record_red_flag_stop(pid, past[4].id, stopped,
                                  session_date=past[4].scheduled_date, today=today)
    s.record_red_flag_outcome(  # cleared: the later sessions may be logged as attended
        stop,
        RedFlagOutcomeEntry("Assessed the same day.", "surgeon"),
        ClearanceEntry("surgeon Dr Ng", past[4].scheduled_date, "Resume the program."),
        today=today,
    )
    corrected = log(past[5])  # corrected to missed after saving
    form = s.edit_form(corrected)
    s.update(corrected, dataclasses.replace(mark_all_done(form.entry),
            attended=False, missed_reason="forgot"),
             expected_version=form.version, today=today)
    s.delete(log(past[6]))  # deleted: the slot is open again, past, so missed
    restored = log(past[7])  # deleted, then restored: attended
    s.delete(restored)
    s.restore(restored)
    # past[8] and later: never logged (missed by absence)
    extra = log(None)  # unscheduled, attended
    log(None, attended=False, missed_reason="transport")  # unscheduled, missed
    _agree_in_full(built.services, pid, today)

    sessions = s.adherence(pid, today=today)
    assert sessions.extra_sessions == 1
    assert sessions.attended == 4  # three, and the restored one
    assert sessions.planned == len(past)
    # the unscheduled attended one corrected to missed: no extra session any more, anywhere
    form = s.edit_form(extra)
    s.update(extra, dataclasses.replace(mark_all_done(form.entry),
            attended=False, missed_reason="ill"),
             expected_version=form.version, today=today)
    _agree_in_full(built.services, pid, today)
    assert s.adherence(pid, today=today).extra_sessions == 0


def _changes_both_ways(services: Services, pid, today: dt.date):
    tab = {c.measure: c for c in services.outcomes.changes(pid)}
    data = services.reports.gather(pid, today=today)
    table = {r.code: r for r in data.outcome_rows if r.status == "change"}
    return tab, table, data


@pytest.mark.parametrize("units", ["metric", "imperial"])
def test_outcome_changes_agree_for_every_demo_patient(
    clinic: Services, today: dt.date, units: str
) -> None:
    clinic.settings.set_units(units)
    compared = 0
    for row in clinic.patients.list_patients(today=today):
        tab, table, data = _changes_both_ways(clinic, row.id, today)
        assert data.units == units
        assert set(tab) == set(table), row.name
        for code, change in tab.items():
            line = table[code]
            assert (line.baseline_on, line.baseline) == (change.baseline_date, change.baseline)
            assert (line.latest_on, line.latest) == (change.latest_date, change.latest)
            assert line.change == change.interpretation.change
            assert line.clinically_important == change.interpretation.reached
            assert line.sentence == change.sentence
            compared += 1
        walk = tab.get("walk_6min")
        if walk is not None:
            assert (" ft " in walk.sentence) == (units == "imperial")
            assert (" m " in walk.sentence) == (units == "metric")
    assert compared >= 10


def test_outcome_changes_agree_on_tricky_records(clinic: Services, today: dt.date) -> None:
    """An unmarked record before the marked baseline, two follow-ups on one day, a re-marked
    baseline later on: the Outcomes tab and the report still pick the same two records."""
    pid = next(
        r.id
        for r in clinic.patients.list_patients(today=today)
        if "nprs_back" in {c.measure for c in clinic.outcomes.changes(r.id)}
    )
    back_rows = [r for r in clinic.outcomes.history(pid) if r.measure == "nprs_back"]
    assert any(r.timepoint == "baseline" for r in back_rows)
    earlier = min(r.date for r in back_rows) - dt.timedelta(days=3)
    record = clinic.outcomes.record_nprs
    record(pid, back=9, leg=None, assessed_on=earlier, timepoint="other", today=today)
    record(pid, back=8, leg=None, assessed_on=today, timepoint="baseline", today=today)
    record(pid, back=7, leg=None, assessed_on=today, timepoint="other", today=today)
    tab, table, _ = _changes_both_ways(clinic, pid, today)
    back, line = tab["nprs_back"], table["nprs_back"]
    assert back.baseline_date != earlier  # the marked baseline wins over an earlier record
    assert (back.latest_date, back.latest) == (today, 7.0)  # the last entered on the newest day
    assert (line.baseline_on, line.baseline, line.latest_on, line.latest) == (
        back.baseline_date, back.baseline, back.latest_date, back.latest
    )
    assert line.sentence == back.sentence
