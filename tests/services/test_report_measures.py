"""The report shows the new measures as the overview does: the performance tests and the PSFS
in the outcome table with their change sentences, each PSFS activity's change, the GRC as rated,
and the neurological screen's change lines (clinical version), with the instruments' sources."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.domain.neuro import NeuroScreenEntry, SideFindings
from rehab_tracker.domain.psfs import PsfsActivity
from rehab_tracker.reports.sections import build_html


def _record_everything(b, today: dt.date) -> None:
    o, pid, start = b.services.outcomes, b.patient_id, b.start
    o.record_performance_test(pid, "sts_5x", 15.0, performed_on=start, today=today,
                              timepoint="baseline")
    o.record_performance_test(pid, "sts_5x", 14.2, performed_on=today, today=today,
                              timepoint="end")
    o.record_performance_test(pid, "sorensen", 60.0, performed_on=start, today=today,
                              timepoint="baseline")
    o.record_performance_test(pid, "sorensen", 95.0, performed_on=today, today=today,
                              timepoint="end")
    o.record_psfs(pid, [PsfsActivity("Gardening", 2), PsfsActivity("Driving 1 hour", 4)],
                  assessed_on=start, today=today, timepoint="baseline")
    o.record_psfs(pid, [PsfsActivity("Gardening", 6), PsfsActivity("Driving 1 hour", 5)],
                  assessed_on=today, today=today, timepoint="end")
    o.record_grc(pid, 3, assessed_on=today, today=today, timepoint="end")
    o.record_neuro_screen(
        pid,
        NeuroScreenEntry(left=SideFindings(slr="positive", slr_angle=35, myotomes={"L5": 4},
                                           reflexes={"ankle": "absent"})),
        examined_on=start, today=today, timepoint="baseline",
    )
    o.record_neuro_screen(
        pid,
        NeuroScreenEntry(left=SideFindings(slr="positive", slr_angle=70, myotomes={"L5": 5},
                                           reflexes={"ankle": "reduced"})),
        examined_on=today, today=today, timepoint="end",
    )


def test_report_data_carries_the_change_lines_of_every_new_measure(db, today):
    b = build_patient(db, today, weeks_ago=12)
    _record_everything(b, today)
    data = b.services.reports.gather(b.patient_id, today=today)
    sts, hold, psfs = data.row("sts_5x"), data.row("sorensen"), data.row("psfs")
    assert sts.sentence == (
        "Sit-to-stand time changed by 0.8 s (from 15 to 14.2), below the 2 s threshold."
    )
    assert sts.clinically_important is False
    assert hold.sentence == (
        "Back-extensor hold improved 35 s (from 60 to 95), more than the 15 s threshold "
        "(absolute rule)."
    )
    assert psfs.clinically_important is True and psfs.latest == 5.5
    notes = data.measure_notes
    assert notes.psfs_activities == (
        "Gardening: 2 -> 6 of 10 (+4)", "Driving 1 hour: 4 -> 5 of 10 (+1)"
    )
    assert notes.grc == (f"Global rating of change on {today.isoformat()}: +3 (moderately better)",)
    assert notes.neuro is not None and notes.neuro.lines == (
        "Straight-leg raise left positive at 35° -> positive at 70° (better)",
        "L5 myotome left 4/5 -> 5/5 (better)",
        "Ankle reflex (S1) left absent -> reduced (better)",
    )
    # the overview reads the same lines
    assert b.services.outcomes.overview_summary(b.patient_id).notes == notes


def test_both_report_versions_show_the_lines_and_cite_the_sources(db, today):
    b = build_patient(db, today, weeks_ago=12)
    _record_everything(b, today)
    data = b.services.reports.gather(b.patient_id, today=today)
    clinical = build_html(data, "clinical")
    for words in ("L5 myotome left 4/5 -&gt; 5/5 (better)", "Gardening: 2 -&gt; 6 of 10 (+4)",
                  "+3 (moderately better)", "Stratford et al. 1995", "Kamper, Maher &amp; Mackay",
                  "Selkowitz et al. 2006", "Five-repetition sit-to-stand",
                  "Clinic default: no minimal important change of the five-repetition"):
        assert words in clinical, words
    patient = build_html(data, "patient")
    assert "Gardening: 2 -&gt; 6 of 10 (+4)" in patient
    assert "Time to stand up and sit down 5 times" in patient
    assert "myotome" not in patient  # the neurological screen is for the clinical version


def test_a_report_dated_before_the_follow_up_has_no_change_yet(db, today):
    b = build_patient(db, today, weeks_ago=12)
    _record_everything(b, today)
    earlier = today - dt.timedelta(days=1)
    data = b.services.reports.gather(b.patient_id, today=earlier)
    assert data.measure_notes.psfs_activities == () and data.measure_notes.grc == ()
    assert data.measure_notes.neuro.lines[0].endswith("No follow-up screen yet: change cannot be "
                                                      "computed.")
    assert data.row("sorensen").status == "no_follow_up"
