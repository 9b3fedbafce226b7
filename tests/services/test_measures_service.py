"""The trial's performance tests, the PSFS, the GRC and the neurological screen as services:
validated at the service (nothing saved on bad input), audited, and compared with their
baseline in words (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.data.models import AuditEntry
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.neuro import NeuroScreenEntry, SideFindings
from rehab_tracker.domain.psfs import PsfsActivity

BACKENDS = ["db", pytest.param("pg_db", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def any_db(request: pytest.FixtureRequest):
    return request.getfixturevalue(request.param)


def _audited(db, table: str) -> list[AuditEntry]:
    with db.reading() as session:
        return list(session.scalars(
            select(AuditEntry).where(AuditEntry.entity == table).order_by(AuditEntry.seq)
        ))


def test_performance_tests_change_from_baseline_in_words(any_db, today):
    b = build_patient(any_db, today, weeks_ago=12)
    o = b.services.outcomes
    o.record_performance_test(b.patient_id, "sts_5x", 16.4, performed_on=b.start, today=today,
                              timepoint="baseline")
    o.record_performance_test(b.patient_id, "sts_5x", 11.0, performed_on=today, today=today,
                              timepoint="end")
    o.record_performance_test(b.patient_id, "sorensen", 45.0, performed_on=b.start,
                              today=today, timepoint="baseline")
    hold = o.record_performance_test(b.patient_id, "sorensen", 240.0, performed_on=today,
                                     today=today, timepoint="end")
    changes = {c.measure: c for c in o.changes(b.patient_id)}
    assert changes["sts_5x"].sentence == (
        "Sit-to-stand time improved 5.4 s (from 16.4 to 11), more than the 2 s threshold "
        "(absolute rule)."
    )
    assert changes["sts_5x"].interpretation.reached
    assert "Clinic default" in changes["sts_5x"].threshold_source
    assert changes["sorensen"].sentence.startswith("Back-extensor hold improved 195 s")
    row = next(r for r in o.history(b.patient_id) if r.id == hold)
    assert row.detail == "held to the 240 s maximum"
    assert len(_audited(any_db, "walk_tests")) == 4


@pytest.mark.parametrize(
    ("test", "seconds", "words"),
    [("sts_5x", 1.0, "between 2 and 120 seconds"), ("sorensen", 241.0, "between 0 and 240"),
     ("sorensen", None, "Enter the"), ("tug", 9.0, "performance test")],
)
def test_bad_performance_values_are_refused_and_nothing_saved(db, today, test, seconds, words):
    b = build_patient(db, today)
    with pytest.raises(ValidationError) as err:
        b.services.outcomes.record_performance_test(
            b.patient_id, test, seconds, performed_on=today, today=today
        )
    assert words in " ".join(err.value.errors.values())
    assert b.services.outcomes.history(b.patient_id) == []


def test_psfs_follow_up_rates_the_baseline_activities_and_shows_each_change(any_db, today):
    b = build_patient(any_db, today, weeks_ago=12)
    o = b.services.outcomes
    assert o.psfs_baseline(b.patient_id) is None
    o.record_psfs(
        b.patient_id,
        [PsfsActivity("Climbing stairs", 3), PsfsActivity("Sitting through a film", 2),
         PsfsActivity("", None), PsfsActivity("Lifting my toddler", 1)],
        assessed_on=b.start, today=today, timepoint="baseline",
    )
    baseline = o.psfs_baseline(b.patient_id)
    assert [a.name for a in baseline] == [
        "Climbing stairs", "Sitting through a film", "Lifting my toddler"
    ]
    # a follow-up with other activities is refused: it would compare unlike with unlike
    with pytest.raises(ValidationError) as err:
        o.record_psfs(b.patient_id, [PsfsActivity("Running", 5)], assessed_on=today,
                      today=today, timepoint="end")
    assert "same activities as the baseline" in err.value.errors["activities"]
    o.record_psfs(
        b.patient_id,
        [PsfsActivity("climbing  stairs", 7), PsfsActivity("Sitting through a film", 6),
         PsfsActivity("Lifting my toddler", 4)],
        assessed_on=today, today=today, timepoint="end",
    )
    psfs = next(c for c in o.changes(b.patient_id) if c.measure == "psfs")
    assert (psfs.baseline, psfs.latest) == (pytest.approx(2.0), pytest.approx(17 / 3))
    assert psfs.interpretation.reached  # +3.7 points on the mean, above the 2-point default
    summary = o.overview_summary(b.patient_id)
    assert summary.notes.psfs_activities == (
        "Climbing stairs: 3 -> 7 of 10 (+4)",
        "Sitting through a film: 2 -> 6 of 10 (+4)",
        "Lifting my toddler: 1 -> 4 of 10 (+3)",
    )
    assert any(s.startswith("PSFS (mean of the activities) improved") for s in summary.changes)
    assert len(_audited(any_db, "outcome_assessments")) == 2


def test_psfs_bad_rows_are_refused_at_their_field(db, today):
    b = build_patient(db, today)
    with pytest.raises(ValidationError) as err:
        b.services.outcomes.record_psfs(
            b.patient_id,
            [PsfsActivity("Walking the dog", 11), PsfsActivity("", 4),
             PsfsActivity("walking the DOG", 3)],
            assessed_on=today, today=today,
        )
    assert set(err.value.errors) == {"rating_1", "activity_2", "activity_3"}
    assert b.services.outcomes.history(b.patient_id) == []


def test_grc_is_a_follow_up_rating_never_compared_with_a_baseline(any_db, today):
    b = build_patient(any_db, today, weeks_ago=12)
    o = b.services.outcomes
    with pytest.raises(ValidationError) as err:
        o.record_grc(b.patient_id, 2, assessed_on=b.start, today=today, timepoint="baseline")
    assert "not at baseline" in err.value.errors["timepoint"]
    with pytest.raises(ValidationError) as err:
        o.record_grc(b.patient_id, 6, assessed_on=today, today=today)
    assert "-5 (very much worse) to +5" in err.value.errors["rating"]
    assert o.history(b.patient_id) == []
    o.record_grc(b.patient_id, 1, assessed_on=today - dt.timedelta(weeks=6), today=today,
                 timepoint="mid")
    o.record_grc(b.patient_id, 4, assessed_on=today, today=today, timepoint="end")
    assert [c for c in o.changes(b.patient_id) if c.measure == "grc"] == []
    assert o.overview_summary(b.patient_id).notes.grc == (
        f"Global rating of change on {today.isoformat()}: +4 (much better)",
        f"Global rating of change on {(today - dt.timedelta(weeks=6)).isoformat()}: "
        "+1 (a little better)",
    )
    assert len(_audited(any_db, "outcome_assessments")) == 2


def _side(**kw) -> SideFindings:
    return SideFindings(**kw)


def test_neuro_screen_changes_name_the_finding_side_and_grades(any_db, today):
    b = build_patient(any_db, today, weeks_ago=12)
    o = b.services.outcomes
    baseline = NeuroScreenEntry(
        left=_side(slr="positive", slr_angle=40, myotomes={"L5": 4, "S1": 5},
                   dermatomes={"L5": "reduced"}, reflexes={"ankle": "reduced"}),
        right=_side(slr="negative", myotomes={"L5": 5}),
    )
    o.record_neuro_screen(b.patient_id, baseline, examined_on=b.start, today=today,
                          timepoint="baseline")
    assert o.neuro_change(b.patient_id).lines[0].endswith(
        "No follow-up screen yet: change cannot be computed."
    )
    latest = NeuroScreenEntry(
        left=_side(slr="negative", myotomes={"L5": 5, "S1": 5}, dermatomes={"L5": "normal"},
                   reflexes={"ankle": "reduced"}),
        right=_side(slr="negative", myotomes={"L5": 4}),
    )
    sid = o.record_neuro_screen(b.patient_id, latest, examined_on=today, today=today,
                                timepoint="end")
    assert o.neuro_change(b.patient_id).lines == (
        "Straight-leg raise left positive at 40° -> negative (better)",
        "L5 myotome left 4/5 -> 5/5 (better)",
        "L5 dermatome left reduced -> normal (better)",
        "L5 myotome right 5/5 -> 4/5 (worse)",
    )
    row = next(r for r in o.history(b.patient_id) if r.id == sid)
    assert (row.kind, row.detail) == (
        "neuro", "Ankle reflex (S1) left reduced; L5 myotome right 4/5"
    )
    # delete and undo like every other measure
    o.delete("neuro", sid)
    assert o.neuro_change(b.patient_id).latest_on is None
    o.restore("neuro", sid)
    assert o.neuro_change(b.patient_id).latest_on == today
    assert [e.action for e in _audited(any_db, "neuro_screens")] == [
        "create", "create", "update", "update"
    ]


def test_neuro_screen_bad_findings_are_refused_at_their_field(db, today):
    b = build_patient(db, today)
    entry = NeuroScreenEntry(
        left=_side(slr="positive", myotomes={"L4": 6}),
        right=_side(slr_angle=120, reflexes={"knee": "jumpy"}),
    )
    with pytest.raises(ValidationError) as err:
        b.services.outcomes.record_neuro_screen(b.patient_id, entry, examined_on=today,
                                                today=today)
    assert set(err.value.errors) == {
        "left.slr_angle", "left.myotome.L4", "right.slr_angle", "right.reflex.knee"
    }
    with pytest.raises(ValidationError) as err:
        b.services.outcomes.record_neuro_screen(b.patient_id, NeuroScreenEntry(),
                                                examined_on=today, today=today)
    assert "at least one finding" in err.value.errors["screen"]
    assert b.services.outcomes.history(b.patient_id) == []


def test_a_psfs_follow_up_reads_its_baseline_in_the_transaction_that_saves_it(
    db, today, monkeypatch
):
    """The baseline's activities are checked in the unit of work that writes the follow-up (a
    baseline changed by another desk between a separate read and the write cannot slip by):
    recording opens one transaction and no other."""
    b = build_patient(db, today, weeks_ago=12)
    o = b.services.outcomes
    o.record_psfs(b.patient_id, [PsfsActivity("Climbing stairs", 3)], assessed_on=b.start,
                  today=today, timepoint="baseline")
    opened: list[str] = []
    reading, writing = type(db).reading, type(db).unit_of_work

    def counted_reading(self):  # type: ignore[no-untyped-def]
        opened.append("reading")
        return reading(self)

    def counted_writing(self, actor="system"):  # type: ignore[no-untyped-def]
        opened.append("unit_of_work")
        return writing(self, actor)

    monkeypatch.setattr(type(db), "reading", counted_reading)
    monkeypatch.setattr(type(db), "unit_of_work", counted_writing)
    with pytest.raises(ValidationError) as err:
        o.record_psfs(b.patient_id, [PsfsActivity("Running", 5)], assessed_on=today,
                      today=today, timepoint="end")
    assert "same activities as the baseline" in err.value.errors["activities"]
    assert opened == ["unit_of_work"]
    opened.clear()
    o.record_psfs(b.patient_id, [PsfsActivity("Climbing stairs", 7)], assessed_on=today,
                  today=today, timepoint="end")
    assert opened == ["unit_of_work"]
