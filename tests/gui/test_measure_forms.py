"""The new measures recorded in their real forms, as a user would: typing, keys and clicks;
errors at the field and nothing saved on bad input; accessible names equal to labels; the
change shown on the Overview's panel."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from a11y import assert_accessible
from test_outcome_forms import click_save as save
from test_outcome_forms import show
from test_sessions_support import build_patient

from rehab_tracker.ui.outcomes.outcome_forms import (
    GrcDialog,
    NeuroScreenDialog,
    PerformanceTestDialog,
    PsfsDialog,
)
from rehab_tracker.ui.outcomes.overview_panel import ChangesPanel


@pytest.fixture
def built(db, today):
    return build_patient(db, today, weeks_ago=12)


def choose(qtbot, box, text):
    """Pick ``text`` in a combo box with the keyboard (Home, then Down until it shows)."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentText() == text:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentText() == text


def set_timepoint(qtbot, dialog, label):
    choose(qtbot, dialog.timepoint, label)


def back_date(dialog, days):
    dialog.date.setDate(dialog.date.date().addDays(-days))


def overview_text(qtbot, built):
    panel = ChangesPanel(built.services)
    qtbot.addWidget(panel)
    panel.set_patient(SimpleNamespace(id=built.patient_id))
    return panel.label.text()


def test_sit_to_stand_and_sorensen_hold_recorded_and_compared(qtbot, built, today):
    d = show(qtbot, PerformanceTestDialog(built.services, built.patient_id, lambda: today,
                                          test="sts_5x"))
    assert_accessible(d)
    assert "five times" in d.findChild(type(d.score), "testInstructions").text()
    set_timepoint(qtbot, d, "Baseline")
    back_date(d, 70)
    qtbot.keyClicks(d.value_field, "1")
    assert "between 2 and 120 seconds" in d.value_field.error.text()
    save(qtbot, d)
    assert not d.saved_ids and built.services.outcomes.history(built.patient_id) == []
    qtbot.keyClicks(d.value_field, "6.4")
    save(qtbot, d)
    assert d.saved_ids

    d = show(qtbot, PerformanceTestDialog(built.services, built.patient_id, lambda: today,
                                          test="sts_5x"))
    set_timepoint(qtbot, d, "End of program (week 12)")
    qtbot.keyClicks(d.value_field, "11")
    save(qtbot, d)
    assert d.saved_ids

    h = show(qtbot, PerformanceTestDialog(built.services, built.patient_id, lambda: today,
                                          test="sorensen"))
    assert_accessible(h)
    qtbot.keyClicks(h.value_field, "250")
    assert "between 0 and 240 seconds" in h.value_field.error.text()
    h.value_field.clear()
    qtbot.keyClicks(h.value_field, "240")
    assert "held to the 240 s maximum (clinic default)" in h.score.text()
    qtbot.keyClicks(h.stop_reason, "reached the maximum")
    save(qtbot, h)
    row = next(r for r in built.services.outcomes.history(built.patient_id)
               if r.measure == "sorensen")
    assert row.detail == "held to the 240 s maximum, stopped: reached the maximum"
    text = overview_text(qtbot, built)
    assert (
        "Sit-to-stand time improved 5.4 s (from 16.4 to 11), more than the 2 s threshold "
        "(absolute rule)."
    ) in text


def _psfs_row(qtbot, d, n, name, rating):
    if name is not None:
        qtbot.keyClicks(d.names[n], name)
    d.ratings[n].clear()
    qtbot.keyClicks(d.ratings[n], str(rating))


def test_psfs_baseline_then_follow_up_rates_the_same_activities(qtbot, built, today):
    d = show(qtbot, PsfsDialog(built.services, built.patient_id, lambda: today))
    assert_accessible(d)
    set_timepoint(qtbot, d, "Baseline")
    back_date(d, 70)
    _psfs_row(qtbot, d, 0, "Putting on socks", 2)
    _psfs_row(qtbot, d, 1, "Walking to the shops", 11)
    assert "0 to 10" in d.ratings[1].error.text()
    save(qtbot, d)
    assert not d.saved_ids and built.services.outcomes.history(built.patient_id) == []
    _psfs_row(qtbot, d, 1, None, 4)
    qtbot.keyClicks(d.ratings[2], "5")  # a rating without its activity
    save(qtbot, d)
    assert "Name the activity" in d.fields_form.errors["activity_3"].text()
    assert not d.saved_ids
    d.ratings[2].clear()
    assert d.score.text() == "PSFS: mean 3 of 10 (2 activities rated)"
    save(qtbot, d)
    assert d.saved_ids

    f = show(qtbot, PsfsDialog(built.services, built.patient_id, lambda: today))
    assert [n.text() for n in f.names[:2]] == ["Putting on socks", "Walking to the shops"]
    assert f.names[0].isReadOnly() and f.findChild(type(f.score), "psfsSameActivities")
    set_timepoint(qtbot, f, "End of program (week 12)")
    _psfs_row(qtbot, f, 0, None, 7)
    _psfs_row(qtbot, f, 1, None, 8)
    save(qtbot, f)
    assert f.saved_ids
    text = overview_text(qtbot, built)
    assert "PSFS (mean of the activities) improved 4.5 points" in text
    assert "Putting on socks: 2 -> 7 of 10 (+5)" in text


def test_grc_refused_at_baseline_then_saved_at_a_follow_up(qtbot, built, today):
    d = show(qtbot, GrcDialog(built.services, built.patient_id, lambda: today))
    assert_accessible(d)
    set_timepoint(qtbot, d, "Baseline")
    save(qtbot, d)
    assert "choose a rating" in d.score.text().lower()
    assert "-5 (very much worse)" in d.fields_form.errors["rating"].text()
    assert "not at baseline" in d.form.errors["timepoint"].text()
    assert not d.saved_ids
    choose(qtbot, d.rating, "+3 (moderately better)")
    set_timepoint(qtbot, d, "Follow-up")
    assert d.score.text() == "Global rating of change: +3 (moderately better)"
    save(qtbot, d)
    assert d.saved_ids
    assert f"Global rating of change on {today.isoformat()}: +3 (moderately better)." in (
        overview_text(qtbot, built)
    )


def test_neurological_screen_recorded_each_side_and_changes_shown(qtbot, built, today):
    d = show(qtbot, NeuroScreenDialog(built.services, built.patient_id, lambda: today))
    assert_accessible(d)
    names = {box.accessibleName() for box in d.choices.values()}
    assert {"Left L5 myotome (great toe extension)", "Right ankle reflex (S1)",
            "Left straight-leg raise", "Right S1 dermatome"} <= names
    save(qtbot, d)
    assert "at least one finding" in d.score.text() and not d.saved_ids
    set_timepoint(qtbot, d, "Baseline")
    back_date(d, 70)
    choose(qtbot, d.choices["left.slr"], "positive")
    save(qtbot, d)
    assert "Give the angle" in d.side_forms["left"].errors["left.slr_angle"].text()
    assert not d.saved_ids
    qtbot.keyClicks(d.angles["left.slr_angle"], "95")
    assert "0 to 90" in d.side_forms["left"].errors["left.slr_angle"].text()
    d.angles["left.slr_angle"].clear()
    qtbot.keyClicks(d.angles["left.slr_angle"], "45")
    choose(qtbot, d.choices["left.myotome.L5"], "4/5")
    choose(qtbot, d.choices["left.reflex.ankle"], "reduced")
    choose(qtbot, d.choices["right.slr"], "negative")
    assert "L5 myotome left 4/5" in d.score.text()
    save(qtbot, d)
    assert d.saved_ids
    assert "No follow-up screen yet" in overview_text(qtbot, built)

    e = show(qtbot, NeuroScreenDialog(built.services, built.patient_id, lambda: today))
    set_timepoint(qtbot, e, "End of program (week 12)")
    choose(qtbot, e.choices["left.slr"], "negative")
    choose(qtbot, e.choices["left.myotome.L5"], "5/5")
    choose(qtbot, e.choices["left.reflex.ankle"], "reduced")
    save(qtbot, e)
    assert e.saved_ids
    text = overview_text(qtbot, built)
    assert "L5 myotome left 4/5 -> 5/5 (better)" in text
    assert "Straight-leg raise left positive at 45° -> negative (better)" in text
    assert "Ankle reflex" not in text  # unchanged findings are not listed
