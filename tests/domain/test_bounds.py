"""What a typed value may hold (domain/bounds.py), and the one source of truth for lengths: the
domain's limits are the columns' (data/models.py), checked here column by column."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import String, Text

from rehab_tracker.data.models import Base
from rehab_tracker.domain import bounds, education, library, patients, redflags, restrictions
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.domain.sessions import ExerciseEntry, SessionEntry, validate_session
from rehab_tracker.services import drafts

TODAY = dt.date(2026, 11, 23)

#: every column a user types into: the domain's limit, and whether it is the column's own
#: (``==``) or a stricter clinic rule (``<=``)
TYPED: dict[str, tuple[int, str]] = {
    "patients.given_name": (bounds.NAME, "=="),
    "patients.family_name": (bounds.NAME, "=="),
    "patients.record_number": (bounds.RECORD_NUMBER, "=="),
    "patients.phone": (bounds.PHONE, "=="),
    "patients.email": (bounds.EMAIL, "=="),
    "surgeries.procedure": (bounds.LABEL, "=="),
    "surgeries.surgeon": (bounds.LABEL, "=="),
    "surgeries.hospital": (bounds.LABEL, "=="),
    "restrictions.set_by": (restrictions.MAX_SET_BY, "=="),
    "programs.name": (bounds.LABEL, "=="),
    "program_phases.name": (bounds.LABEL, "=="),
    "program_templates.name": (bounds.LABEL, "=="),
    "program_templates.code": (bounds.CODE, "=="),
    "exercises.code": (bounds.CODE, "=="),
    "exercises.name": (library.MAX_NAME_LENGTH, "<="),
    "education_items.code": (bounds.CODE, "=="),
    "education_items.title": (education.MAX_TITLE_LENGTH, "<="),
    "education_items.url": (bounds.URL, "=="),
    "session_logs.red_flag_cleared_by": (redflags.NAME_MAX, "=="),
    "scheduled_assessments.label": (bounds.SCHEDULE_LABEL, "=="),
    "outcome_assessments.timepoint": (bounds.TIMEPOINT, "=="),
    "walk_tests.timepoint": (bounds.TIMEPOINT, "=="),
    "neuro_screens.timepoint": (bounds.TIMEPOINT, "=="),
    "scheduled_assessments.timepoint": (bounds.TIMEPOINT, "=="),
    "drafts.key": (drafts.KEY_MAX, "=="),
    # staff accounts (services/users.py checks these lengths at the Users dialog's fields)
    "users.username": (64, "=="),
    "users.display_name": (200, "=="),
    "users.registration_number": (64, "=="),
}

#: String columns nobody types into: codes from a fixed list (each with a CHECK constraint or
#: a domain list), ids, hashes and the signed-in user's name, all set by the app
SET_BY_THE_APP = {
    "audit_log.key_id",  # the id of the installation key that sealed the entry
    "audit_log.os_user",  # the operating-system account, beside the signed-in user
    "patients.search_key",  # derived from the name and record number on every write
    "home_packs.direction",
    "home_packs.key_id",
    "home_packs.sha256",
    "signing_keys.algorithm",
    "signing_keys.key_id",
    "signing_keys.owner",
    "signing_keys.public_key",
    "signing_keys.role",
    "users.role",
    "users.password_hash",
    "patients.sex",
    "patients.pathway",
    "surgeries.side",
    "restrictions.kind",
    "exercises.body_region",
    "exercises.dosage_type",
    "education_items.kind",
    "programs.template_code",
    "programs.intensity",
    "programs.status",
    "program_phases.code",
    "prescriptions.dosage_type",
    "assessment_skips.instrument",  # one of the scheduled instruments' codes
    "assessment_skips.timepoint",  # one of TIMEPOINTS
    "exercise_logs.status",  # one of EXERCISE_STATUSES
    "scheduled_sessions.kind",
    "scheduled_sessions.location",
    "session_logs.location",
    "session_logs.red_flag_result",
    "session_logs.red_flag_referred_to",
    "session_logs.red_flag_outcome_by",
    "session_logs.red_flag_acknowledged_by",
    "session_logs.status",
    "session_logs.source",
    "adverse_events.severity",
    "drafts.updated_by",
    "outcome_assessments.instrument",
    "outcome_assessments.scoring_rule",
    "outcome_assessments.source",
    "walk_tests.test",
    "walk_tests.unit",
    "walk_tests.source",
    "neuro_screens.rule_version",
    "neuro_screens.source",
    "settings.key",
    "counters.name",
    "import_batches.device",
    "import_batches.imported_by",
    "import_batches.sha256",
    "audit_log.actor",
    "audit_log.action",
    "audit_log.entity",
    "audit_log.entity_id",
    "audit_log.prev_hash",
    "audit_log.hash",
}


def _string_columns() -> dict[str, int]:
    out = {}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, String) and not isinstance(column.type, Text):
                if column.name == "created_by":
                    continue  # the actor, on every travelling row
                out[f"{table.name}.{column.name}"] = column.type.length
    return out


def test_the_domains_limits_are_the_columns() -> None:
    columns = _string_columns()
    for name, (limit, relation) in TYPED.items():
        assert name in columns, f"{name} is not a String column any more"
        if relation == "==":
            assert limit == columns[name], f"{name}: domain {limit}, column {columns[name]}"
        else:
            assert limit <= columns[name], f"{name}: domain {limit} > column {columns[name]}"


def test_every_string_column_is_typed_or_set_by_the_app() -> None:
    """A new String column needs its domain limit (TYPED) or a reason nobody types it."""
    unknown = set(_string_columns()) - set(TYPED) - SET_BY_THE_APP
    assert unknown == set()


def test_timepoints_fit_their_column() -> None:
    from rehab_tracker.services.outcomes import TIMEPOINTS

    assert max(len(code) for code in TIMEPOINTS) <= bounds.TIMEPOINT


# --- texts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "multiline", "refused"),
    [
        ("Ada Lovelace", False, False),
        ("Nguyễn Thị Minh Khai", False, False),
        ("محمد", False, False),
        ("می‌خواهم", False, False),  # a zero-width non-joiner, as Persian is written
        ("👩‍⚕️", False, False),  # a zero-width joiner inside an emoji
        ("line one\nline two", True, False),
        ("line one\nline two", False, True),
        ("a\x00b", True, True),
        ("\x1b[31mred", True, True),
        ("tab\there", True, True),
        ("cr\r\nlf", True, True),
        ("a\u2028b", True, True),
        ("evil\u202etxt.exe", False, True),
        ("isolate\u2066x\u2069", False, True),
        ("lone \ud800 surrogate", True, True),
        ("\x85next line", True, True),
    ],
)
def test_what_a_text_may_hold(text: str, multiline: bool, refused: bool) -> None:
    problem = bounds.text_problem(text, limit=100, multiline=multiline)
    assert (problem is not None) is refused, problem


def test_length_is_counted_on_what_is_kept() -> None:
    assert bounds.text_problem("x" * 100, limit=100) is None
    assert bounds.text_problem("  " + "x" * 100 + "  ", limit=100) is None  # trimmed on save
    assert bounds.text_problem("x" * 101, limit=100) == "At most 100 characters (this has 101)."


@given(st.text(st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"])))
def test_printable_text_within_the_limit_is_never_refused(text: str) -> None:
    assert bounds.text_problem(text, limit=10_000) is None


def test_a_name_needs_a_letter() -> None:
    errors = Collector()
    bounds.check_name(errors, "given_name", "1234")
    bounds.check_name(errors, "family_name", "O'Brien-Smith")
    assert errors.errors == {"given_name": "A name must contain a letter."}


# --- dates -----------------------------------------------------------------------------------


def test_planned_dates_stop_five_years_ahead() -> None:
    assert bounds.latest_planned(TODAY) == dt.date(2031, 11, 23)
    assert bounds.latest_planned(dt.date(2028, 2, 29)) == dt.date(2033, 2, 28)
    errors = Collector()
    bounds.check_planned_date(errors, "until", dt.date(2031, 11, 24), today=TODAY)
    bounds.check_planned_date(errors, "starts_on", dt.date(1899, 12, 31), today=TODAY)
    bounds.check_planned_date(errors, "ok", dt.date(2031, 11, 23), today=TODAY)
    assert set(errors.errors) == {"until", "starts_on"}


def details(**changes: object) -> PatientDetails:
    values: dict[str, object] = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": dt.date(1980, 5, 17),
        "sex": "female",
        "pathway": "conservative",
    }
    values.update(changes)
    return PatientDetails(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"given_name": "A" * 101}, "given_name"),
        ({"family_name": "12345"}, "family_name"),
        ({"family_name": "Love\u202elace"}, "family_name"),
        ({"phone": "0" * 41}, "phone"),
        ({"phone": "0123\n456"}, "phone"),
        ({"email": "a@b.org" + "x" * 200}, "email"),
        ({"address": "1 High St\nTown\x00"}, "address"),
        ({"notes": "x" * (bounds.LONG_TEXT + 1)}, "notes"),
        ({"date_of_birth": dt.date(1899, 12, 31)}, "date_of_birth"),
    ],
)
def test_the_patient_rules_refuse_what_the_columns_cannot_hold(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        patients.validate(details(**changes), None, today=TODAY)
    assert field in caught.value.errors


def test_a_multi_line_address_and_notes_are_kept() -> None:
    patients.validate(details(address="1 High St\nTown", notes="first\nsecond"), None, today=TODAY)


def test_the_surgery_rules_refuse_what_the_columns_cannot_hold() -> None:
    surgery = SurgeryDetails(
        surgery_date=dt.date(2026, 10, 1),
        levels=("L4-L5",),
        surgeon="Mr\x1b[2J Patel",
        hospital="H" * 201,
        notes="a\x00",
    )
    with pytest.raises(ValidationError) as caught:
        patients.validate(details(pathway="surgical"), surgery, today=TODAY)
    assert set(caught.value.errors) == {"surgeon", "hospital", "surgery_notes"}


def test_no_session_before_the_birth_nor_before_1900() -> None:
    """A conservative patient has no surgery to bound a date: 1900 was accepted before."""
    for day in (dt.date(1900, 1, 1), dt.date(1899, 1, 1)):
        with pytest.raises(ValidationError) as caught:
            validate_session(
                SessionEntry(session_date=day),
                today=TODAY,
                surgery_date=None,
                date_of_birth=dt.date(1980, 5, 17),
            )
        assert set(caught.value.errors) == {"session_date"}


def test_session_texts_are_checked_at_their_fields() -> None:
    import uuid

    entry = SessionEntry(
        session_date=TODAY,
        notes="ok\nfine",
        missed_reason="\x00",
        exercises=(
            ExerciseEntry(uuid.uuid4(), "Bridge", "reps", notes="\u202e", status="not_done"),
        ),
    )
    with pytest.raises(ValidationError) as caught:
        validate_session(entry, today=TODAY, surgery_date=None)
    assert set(caught.value.errors) == {"missed_reason", "exercises.0.notes"}


def test_restriction_dates_within_the_planned_bounds() -> None:
    far = restrictions.Restriction(
        "no_twisting", until=dt.date(2099, 1, 1), starts_on=dt.date(1800, 1, 1)
    )
    errors = restrictions.restriction_errors(far, "r.", today=TODAY)
    assert set(errors) == {"r.until", "r.starts_on"}
    assert restrictions.restriction_errors(far) == {}  # no today: only the shape is checked


def test_no_restriction_before_the_birth() -> None:
    early = restrictions.Restriction(
        "no_twisting", until=dt.date(2026, 12, 1), starts_on=dt.date(1979, 1, 1)
    )
    errors = restrictions.restrictions_errors(
        [early], today=TODAY, date_of_birth=dt.date(1980, 5, 17)
    )
    assert set(errors) == {"restrictions[0].starts_on"}
