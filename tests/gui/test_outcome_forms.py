"""Outcome forms driven through real widgets: live scores, every bad-input case, change in words,
delete + undo, settings (units, thresholds with sources, licensed wording)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.ui.clinic.settings_dialog import SettingsDialog
from rehab_tracker.ui.outcomes.outcome_forms import (
    NprsDialog,
    OdiDialog,
    RmdqDialog,
    SixMinuteWalkDialog,
    WalkTestDialog,
)
from rehab_tracker.ui.outcomes.outcome_tab import OutcomesTab, OutcomeTableModel
from rehab_tracker.ui.widgets.forms import FieldForm, plain
from tests.gui.a11y import assert_accessible


@pytest.fixture
def built(db, today):
    return build_patient(db, today, weeks_ago=12)


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def click_save(qtbot, dialog):
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def type_odi(qtbot, dialog, values):
    for field, value in zip(dialog.sections, values, strict=True):
        field.clear()
        if value is not None:
            qtbot.keyClicks(field, str(value))


def test_odi_live_score_and_save(qtbot, built, today):
    d = show(qtbot, OdiDialog(built.services, built.patient_id, lambda: today))
    type_odi(qtbot, d, [2, 2, 2, 2, 2, None, 2, 2, 2, 2])
    assert d.score.text().startswith("ODI 40% — moderate (9/10")
    click_save(qtbot, d)
    assert d.saved_ids
    rows = built.services.outcomes.history(built.patient_id)
    assert rows[0].value == 40


def test_odi_section_six_refused(qtbot, built, today):
    d = show(qtbot, OdiDialog(built.services, built.patient_id, lambda: today))
    type_odi(qtbot, d, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    d.sections[3].clear()
    qtbot.keyClicks(d.sections[3], "6")
    assert "0 to 5" in d.sections[3].error.text()
    assert "fix the sections" in d.score.text()
    click_save(qtbot, d)
    assert not d.saved_ids and built.services.outcomes.history(built.patient_id) == []


def test_odi_too_many_missing(qtbot, built, today):
    d = show(qtbot, OdiDialog(built.services, built.patient_id, lambda: today))
    type_odi(qtbot, d, [1, 1, None, None, 1, 1, 1, 1, 1, 1])
    assert "no score yet" in d.score.text()
    click_save(qtbot, d)
    assert "at most 1" in d.score.text() and not d.saved_ids


@pytest.mark.parametrize(("offset", "words"), [(1, "future"), (-400, "before the surgery")])
def test_outcome_date_refused(qtbot, built, today, offset, words):
    d = show(qtbot, NprsDialog(built.services, built.patient_id, lambda: today))
    qtbot.keyClicks(d.back, "3")
    d.date.set_value(d.date.value() + dt.timedelta(days=offset))
    assert words in d.form.errors["assessed_on"].text()
    click_save(qtbot, d)
    assert not d.saved_ids


def test_nprs_eleven_refused_then_saved(qtbot, built, today):
    d = show(qtbot, NprsDialog(built.services, built.patient_id, lambda: today))
    qtbot.keyClicks(d.back, "11")
    assert "0 to 10" in d.back.error.text()
    click_save(qtbot, d)
    assert not d.saved_ids
    d.back.clear()
    qtbot.keyClicks(d.back, "4")
    qtbot.keyClicks(d.leg, "2")
    click_save(qtbot, d)
    assert len(d.saved_ids) == 2


def test_five_minute_walk_over_1000_m_refused(qtbot, built, today):
    d = show(qtbot, WalkTestDialog(built.services, built.patient_id, lambda: today,
                                   test="walk_5min"))
    qtbot.keyClicks(d.value_field, "1200")
    assert "at most 1000 m" in d.value_field.error.text()
    click_save(qtbot, d)
    assert not d.saved_ids
    d.value_field.clear()
    qtbot.keyClicks(d.value_field, "-5")
    assert d.value_field.error.isVisibleTo(d)
    d.value_field.clear()
    qtbot.keyClicks(d.value_field, "420")
    click_save(qtbot, d)
    assert d.saved_ids


def test_walk_in_feet_stored_in_metres(qtbot, built, today):
    built.services.settings.set_units("imperial")
    d = show(qtbot, WalkTestDialog(built.services, built.patient_id, lambda: today,
                                   test="walk_5min"))
    qtbot.keyClicks(d.value_field, "1000")
    assert "ft" in d.score.text()
    click_save(qtbot, d)
    assert built.services.outcomes.history(built.patient_id)[0].value == pytest.approx(304.8)


@pytest.mark.parametrize("test", ["walk_50ft_preferred", "walk_50ft_fastest", "tug"])
def test_timed_tests(qtbot, built, today, test):
    d = show(qtbot, WalkTestDialog(built.services, built.patient_id, lambda: today, test=test))
    qtbot.keyClicks(d.value_field, "0")
    assert "between" in d.value_field.error.text()
    d.value_field.clear()
    qtbot.keyClicks(d.value_field, "9.4")
    click_save(qtbot, d)
    assert d.saved_ids


def test_six_minute_walk_live_distance_and_predicted(qtbot, built, today):
    d = show(qtbot, SixMinuteWalkDialog(built.services, built.patient_id, lambda: today))
    assert d.f["course_length_m"].text() == "30"
    qtbot.keyClicks(d.f["laps"], "7")
    qtbot.keyClicks(d.f["partial_lap_m"], "12")
    qtbot.keyClicks(d.f["rests"], "1")
    qtbot.keyClicks(d.stop_reason, "calf tightness")
    qtbot.keyClicks(d.f["effort_after"], "6")
    qtbot.keyClicks(d.f["spo2_after"], "97")
    assert "Distance 432 m" in d.score.text()
    assert "% of predicted" in d.score.text() and "lower limit of normal" in d.score.text()
    click_save(qtbot, d)
    row = built.services.outcomes.history(built.patient_id)[0]
    assert row.value == 432 and "stopped: calf tightness" in row.detail


def set_date_of_birth(built, born, today):
    """Edit the patient's date of birth through the service, as the patient dialog saves it."""
    record = built.services.patients.record(built.patient_id)
    details = dataclasses.replace(record.details, date_of_birth=born)
    built.services.patients.update(
        built.patient_id, details, record.surgery, expected_version=None, today=today
    )


def test_six_minute_walk_says_the_prediction_is_extrapolated_outside_40_to_80(
    qtbot, built, today
):
    """Enright-Sherrill was derived at ages 40-80: a 30-year-old's form says so at once."""
    set_date_of_birth(built, today.replace(year=today.year - 30), today)
    d = show(qtbot, SixMinuteWalkDialog(built.services, built.patient_id, lambda: today))
    assert d.age_caveat.isVisible()
    assert d.age_caveat.text() == (
        "The Enright-Sherrill equations were derived in healthy adults aged 40-80: at age 30 "
        "the predicted distance is an extrapolation."
    )
    qtbot.keyClicks(d.f["laps"], "7")
    assert "% of predicted" in d.score.text() and "extrapolation" in d.score.toolTip()


def test_six_minute_walk_caveat_hidden_inside_40_to_80(qtbot, built, today):
    d = show(qtbot, SixMinuteWalkDialog(built.services, built.patient_id, lambda: today))
    assert not d.age_caveat.isVisible() and d.age_caveat.text() == ""  # born 1980


def test_six_minute_walk_form_counts_ats_laps(qtbot, built, today):
    """ATS 2002: a lap is out and back to the start line (60 m on a 30 m course); distance =
    laps x 2 x course length + the final partial lap. Typed into the real form."""
    d = show(qtbot, SixMinuteWalkDialog(built.services, built.patient_id, lambda: today))
    assert_accessible(d)
    label = d.body.findChild(FieldForm).labels["laps"]
    assert plain(label.text()) == "Laps (out and back to the start line)"
    assert d.f["laps"].accessibleName() == plain(label.text())
    assert "60 m on this 30 m course" in d.lap_note.text()
    assert "laps × 2 × course length + the final partial lap" in d.lap_note.text()
    qtbot.keyClicks(d.f["laps"], "7")
    qtbot.keyClicks(d.f["partial_lap_m"], "25")
    assert "Distance 445 m (7 laps × 60 m + 25 m)" in d.score.text()
    # a 20 m corridor: a lap is 40 m, and 45 m is more than a lap
    d.f["course_length_m"].clear()
    qtbot.keyClicks(d.f["course_length_m"], "20")
    assert "40 m on this 20 m course" in d.lap_note.text()
    assert "Distance 305 m (7 laps × 40 m + 25 m)" in d.score.text()
    d.f["partial_lap_m"].clear()
    qtbot.keyClicks(d.f["partial_lap_m"], "45")
    click_save(qtbot, d)
    assert "shorter than a lap (40 m" in d.f["partial_lap_m"].error.text() and not d.saved_ids
    d.f["partial_lap_m"].clear()
    qtbot.keyClicks(d.f["partial_lap_m"], "35")  # past the turn, not yet back at the start
    assert "Distance 315 m" in d.score.text()
    click_save(qtbot, d)
    row = built.services.outcomes.history(built.patient_id)[0]
    assert row.value == 315
    assert row.detail.startswith("7 laps of 40 m (out and back on the 20 m course) + 35 m")


def test_six_minute_walk_laps_in_feet(qtbot, built, today):
    built.services.settings.set_units("imperial")
    d = show(qtbot, SixMinuteWalkDialog(built.services, built.patient_id, lambda: today))
    d.f["course_length_m"].clear()
    qtbot.keyClicks(d.f["course_length_m"], "100")
    assert "200 ft on this 100 ft course" in d.lap_note.text()
    qtbot.keyClicks(d.f["laps"], "6")
    qtbot.keyClicks(d.f["partial_lap_m"], "150")
    assert "Distance 1350 ft (6 laps × 200 ft + 150 ft)" in d.score.text()
    click_save(qtbot, d)
    assert built.services.outcomes.history(built.patient_id)[0].value == pytest.approx(
        1350 * 0.3048
    )


def test_six_minute_walk_bad_input(qtbot, built, today):
    d = show(qtbot, SixMinuteWalkDialog(built.services, built.patient_id, lambda: today))
    qtbot.keyClicks(d.f["laps"], "25")  # 1,500 m in 6 minutes
    click_save(qtbot, d)
    assert "1200 m" in d.f["laps"].error.text() and not d.saved_ids
    d.f["laps"].clear()
    qtbot.keyClicks(d.f["laps"], "5")
    qtbot.keyClicks(d.f["spo2_after"], "130")
    assert "50 to 100" in d.f["spo2_after"].error.text()
    click_save(qtbot, d)
    assert not d.saved_ids


def test_rmdq_live_score(qtbot, built, today):
    d = show(qtbot, RmdqDialog(built.services, built.patient_id, lambda: today))
    for box in d.items[:7]:
        qtbot.keyClick(box, Qt.Key.Key_Space)
    assert d.score.text() == "RMDQ 7 / 24"
    click_save(qtbot, d)
    assert built.services.outcomes.history(built.patient_id)[0].value == 7


def test_outcome_draft_restored(qtbot, built, today):
    d = show(qtbot, OdiDialog(built.services, built.patient_id, lambda: today))
    qtbot.keyClicks(d.sections[0], "3")
    with qtbot.waitSignal(d.autosave.saved, timeout=3000):
        pass
    d.close()
    again = show(qtbot, OdiDialog(built.services, built.patient_id, lambda: today))
    assert again.sections[0].text() == "3" and "restored" in again.status.text()


def record_baseline_and_week12(built, today):
    o = built.services.outcomes
    o.record_odi(built.patient_id, [4] * 10, assessed_on=built.start, today=today,
                 timepoint="baseline")
    o.record_odi(built.patient_id, [2, 2, 2, 2, 2, 2, 2, 1, 1, 1], assessed_on=today,
                 today=today, timepoint="end")


def test_tab_shows_change_in_words_and_delete_undo(qtbot, built, today, answers):
    record_baseline_and_week12(built, today)
    tab = OutcomesTab(built.services, lambda: today)
    qtbot.addWidget(tab)
    tab.show()  # tabs load when shown
    row = next(r for r in built.services.patients.list_patients(today=today)
               if r.id == built.patient_id)
    tab.set_patient(row)
    assert (
        "ODI improved 46 points (from 80 to 34), more than the 10-point threshold (absolute rule)."
    ) in tab.changes_label.text()
    assert "Ostelo" in tab.changes_label.toolTip()
    assert "Baseline" in tab.schedule_label.text()
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert answers["confirm"] and len(tab.model.rows) == 1
    assert "Record a baseline" in tab.changes_label.text()
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert len(tab.model.rows) == 2 and "ODI improved" in tab.changes_label.text()


def test_settings_thresholds_with_source_and_wording(qtbot, built, today, tmp_path, answers):
    d = show(qtbot, SettingsDialog(built.services))
    assert "Ostelo" in d.sources["odi"].text()
    d.absolute["odi"].clear()
    qtbot.keyClicks(d.absolute["odi"], "13")
    d.units.setCurrentIndex(1)
    d.save()
    s = built.services.settings.load()
    assert s.units == "imperial" and s.thresholds["odi"].absolute == 13
    assert s.thresholds["odi"].source.startswith("Clinic setting")
    doc = {"instrument": "odi", "licence": "LIC-42",
           "sections": [{"title": f"Licensed title {i}", "options": [f"o{j}" for j in range(6)]}
                        for i in range(10)]}
    path = tmp_path / "odi.json"
    path.write_text(json.dumps(doc))
    d2 = show(qtbot, SettingsDialog(built.services))
    assert d2.import_wording("odi", path)
    assert "LIC-42" in d2.wording_status.text()
    odi = show(qtbot, OdiDialog(built.services, built.patient_id, lambda: today))
    assert odi.sections[0].toolTip().startswith("0: o0")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert not d2.import_wording("odi", bad) and answers["error"]


def test_outcome_model(qtmodeltester, built, today):
    record_baseline_and_week12(built, today)
    model = OutcomeTableModel()
    model.set_rows(built.services.outcomes.history(built.patient_id))
    qtmodeltester.check(model)


def test_history_values_read_as_the_change_sentence(qtbot, built, today):
    """The history's Value column rounds as the sentence above it: 382.1 m stays 382.1 m (not
    382 m), and an imperial clinic reads the same whole feet, thousands separated."""
    o = built.services.outcomes
    for on, metres, timepoint in ((built.start, 382.1, "baseline"), (today, 449.3, "end")):
        o.record_walk(built.patient_id, "walk_5min", metres, performed_on=on, today=today,
                      timepoint=timepoint)
    for units, values in (("metric", ("382.1 m", "449.3 m")), ("imperial", ("1,254 ft",
                                                                           "1,474 ft"))):
        built.services.settings.set_units(units)
        tab = OutcomesTab(built.services, lambda: today)
        qtbot.addWidget(tab)
        tab.show()
        row = next(r for r in built.services.patients.list_patients(today=today)
                   if r.id == built.patient_id)
        tab.set_patient(row)
        shown = {tab.model.data(tab.model.index(i, 3)) for i in range(tab.model.rowCount())}
        assert shown == set(values)
        number = values[0].split(" ")[0], values[1].split(" ")[0]
        assert f"from {number[0]} to {number[1]}" in tab.changes_label.text()


def test_one_spelling_of_time_point(qtbot, built, today):
    """The walkthrough of issue 11 read "Time point" on the assessment screen, "Timepoint" on a
    measure's form and over the history's column: one spelling everywhere."""
    from rehab_tracker.ui.outcomes.review_dialog import AssessmentDialog

    odi = show(qtbot, OdiDialog(built.services, built.patient_id, lambda: today))
    screen = AssessmentDialog(built.services, built.patient_id, lambda: today)
    qtbot.addWidget(screen)
    model = OutcomeTableModel()
    header = model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    names = {odi.timepoint.accessibleName(), screen.timepoint.accessibleName(), header}
    assert names == {"Time point"}
