"""One numbering of program weeks: a session shows the same week in the session form, the
Sessions tab, the training chart's hover text and the report, also when it was logged on a day
of another week (early or late)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.charts.progress import hover_targets, training_figure
from rehab_tracker.data.database import Database
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import mark_all_done

ALL_NO = {flag.code: False for flag in RED_FLAGS}


def _weeks_shown(built, session_id, today: dt.date) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    s = built.services.sessions
    form = re.findall(r"week (\d+)", s.edit_form(session_id).title)
    tab = [r.week for r in s.history(built.patient_id) if r.id == session_id]
    data = built.services.reports.gather(built.patient_id, today=today)
    hover = [
        int(m)
        for _artist, info in hover_targets(training_figure(data))
        for text in info.texts
        for m in re.findall(r", week (\d+):", text)
    ]
    return {
        "form": {int(w) for w in form},
        "sessions tab": set(tab),
        "chart hover": set(hover),
        "report training": {w for t in data.training for w in t.weeks},
        "report adherence": {w.week for w in data.adherence.weeks if w.attended},
    }


@pytest.mark.parametrize(("number", "shift_days"), [(16, 0), (16, -2), (18, 3)])
def test_a_session_has_one_week_everywhere(
    db: Database, today: dt.date, number: int, shift_days: int
) -> None:
    """Session 16 logged on its day or two days early (in week 5), session 18 (the last of week
    6) three days late (in week 7): week 6 everywhere."""
    built = build_patient(db, today, weeks_ago=8)
    s = built.services.sessions
    slot = next(x for x in s.slots(built.patient_id) if x.number == number)
    assert slot.week == 6
    form = s.new_form(built.patient_id, slot.id, today=today)
    entry = dataclasses.replace(
        mark_all_done(form.entry),
        session_date=slot.scheduled_date + dt.timedelta(days=shift_days),
        red_flags=ALL_NO,
    )
    sid = s.save(built.patient_id, slot.id, entry, today=today)
    shown = _weeks_shown(built, sid, today)
    assert all(weeks == {6} for weeks in shown.values()), shown


def test_an_unscheduled_session_is_in_the_week_of_its_date(db: Database, today: dt.date) -> None:
    built = build_patient(db, today, weeks_ago=8)
    s = built.services.sessions
    slot = next(x for x in s.slots(built.patient_id) if x.number == 16)
    form = s.new_form(built.patient_id, None, today=today)
    assert form.entry.exercises  # prefilled from the phase of today
    entry = dataclasses.replace(
        mark_all_done(form.entry),
        session_date=slot.scheduled_date + dt.timedelta(days=1),
        red_flags=ALL_NO,
    )
    sid = s.save(built.patient_id, None, entry, today=today)
    shown = _weeks_shown(built, sid, today)
    assert shown["form"] == set()  # "Unscheduled session": no slot, no week in the title
    assert shown["sessions tab"] == shown["chart hover"] == shown["report training"] == {6}
    assert shown["report adherence"] == set()  # outside the rate (an extra session)
