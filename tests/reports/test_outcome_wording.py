"""The outcome table and its sentences say the same thing (issue 9 items 6, 7, 9, 12): the
baseline, latest and change cells show the sentence's own numbers, the "clinically important?"
cell agrees with the sentence's verdict, for random values of every measure in both unit
systems; ODI bands and the 6-minute walk age caveat in each audience's words."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from rehab_tracker.domain.sessions import WALK_TESTS
from rehab_tracker.domain.thresholds import DEFAULT_THRESHOLDS, shown_unit
from rehab_tracker.reports.sections import build_html
from rehab_tracker.reports.wording import (
    PLAIN_SIX_MINUTE_AGE_CAVEAT,
    change_text,
    esc,
    important_text,
    plain_change_text,
    value_text,
)
from rehab_tracker.services.report_data.model import OutcomePoint, OutcomeSeries, ReportData
from rehab_tracker.services.report_data.outcome_table import outcome_rows

from .sample_data import TODAY, add_twelve_week_patient

D0, D1 = dt.date(2026, 9, 1), dt.date(2026, 11, 24)
CODES = ("odi", "nprs_back", "nprs_leg", "rmdq", *WALK_TESTS)


def key_of(code: str) -> str:
    return "walk_50ft" if code.startswith("walk_50ft") else code


def series(code: str, base: float, follow: float) -> OutcomeSeries:
    measure = key_of(code)
    return OutcomeSeries(
        measure, code, code, shown_unit(measure),
        (OutcomePoint(D0, 0.0, base, "baseline"), OutcomePoint(D1, 12.0, follow, "end")),
    )


@st.composite
def measured(draw: st.DrawFn) -> tuple[str, float, float]:
    code = draw(st.sampled_from(CODES))
    t = DEFAULT_THRESHOLDS[key_of(code)]
    high = t.valid_range[1] or (3000.0 if t.unit == "m" else 120.0)
    value = st.one_of(st.floats(0, high), st.integers(0, int(high * 10)).map(lambda n: n / 10))
    return code, draw(value), draw(value)


@settings(max_examples=300)
@given(measured(), st.sampled_from(["metric", "imperial"]))
def test_table_cells_show_the_sentences_numbers_and_verdict(case, units):
    code, base, follow = case
    (row,) = outcome_rows([series(code, base, follow)], DEFAULT_THRESHOLDS, units)
    sentence = row.sentence
    baseline, latest = value_text(row, row.baseline, units), value_text(row, row.latest, units)
    number = lambda cell: cell.split(" ")[0].rstrip("%")  # noqa: E731
    if row.shown_change == "0":
        assert "did not change" in sentence and number(baseline) == number(latest)
        assert plain_change_text(row, units) == "No change"
        return
    # the sentence's values are the table's values; its amount is the change cell's
    assert f"from {number(baseline)} to {number(latest)}" in sentence
    amount = row.shown_change.lstrip("+-")
    assert change_text(row, units).startswith(row.shown_change)
    assert f" {amount} " in sentence
    assert plain_change_text(row, units).startswith(amount)
    if row.shown_percent is not None and row.unit in ("points", "%"):
        assert f"({row.shown_percent}%)" in change_text(row, units)
    cell = important_text(row, "clinical")
    if " improved " in sentence:
        assert cell == f"Yes: clinically important improvement ({row.rule} rule)"
        assert f"({row.rule} rule" in sentence
    elif " got worse by " in sentence:
        assert cell == "Worse by at least the threshold (absolute rule)"
    else:
        assert " changed by " in sentence and cell == "No: below the threshold"


def test_odi_bands_and_age_caveat_in_each_audiences_words(db, report_service) -> None:
    """The clinical table names the band above 80 "bed-bound or exaggerating symptoms"; the
    patient's report has no "crippled" or "bed-bound"; both say the predicted 6-minute walk is
    an extrapolation for a patient younger than 40."""
    data: ReportData = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    odi = data.row("odi")
    assert odi is not None
    rows = tuple(
        dataclasses.replace(odi, band_baseline="bed-bound", band_latest="crippled")
        if r.code == "odi"
        else r
        for r in data.outcome_rows
    )
    young = dataclasses.replace(
        data,
        outcome_rows=rows,
        patient=dataclasses.replace(data.patient, age_years=30),
        six_minute_reference=dataclasses.replace(data.six_minute_reference, extrapolated=True),
    )
    clinical = build_html(young, "clinical")
    assert "bed-bound or exaggerating symptoms" in clinical
    patient = build_html(young, "patient")
    assert "crippled" not in patient.lower() and "bed-bound" not in patient.lower()
    assert PLAIN_SIX_MINUTE_AGE_CAVEAT in patient
    assert "aged 40 to 80" in PLAIN_SIX_MINUTE_AGE_CAVEAT


def test_the_clinical_reference_names_the_extrapolation(db, report_service) -> None:
    from rehab_tracker.services.report_data.walks import six_minute_reference

    data: ReportData = report_service.gather(add_twelve_week_patient(db), today=TODAY)
    inside = six_minute_reference(data.patient)
    assert not inside.extrapolated and "extrapolation" not in inside.note
    old = six_minute_reference(dataclasses.replace(data.patient, age_years=84))
    assert old.extrapolated
    assert old.note.endswith(
        "The Enright-Sherrill equations were derived in healthy adults aged 40-80: at age 84 the "
        "predicted distance is an extrapolation."
    )
    html = build_html(dataclasses.replace(data, six_minute_reference=old), "clinical")
    assert esc(old.note) in html
