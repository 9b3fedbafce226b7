"""Every service entry point that takes what a user typed, driven with fuzzed input.

Shared by tests/services/test_input_fuzz.py (every entry point, both backends, as a property
test) and the fault campaign (tests/campaign/test_fault_campaign.py, which counts).

:class:`World` is one clinic to fuzz against: a surgical patient with a program, a logged
session and a positive red-flag screen, a conservative patient without surgery, a clinic
exercise and an education item. Each entry in :data:`ENTRY_POINTS` draws its arguments (texts
with control, format and bidi characters, surrogates, over-long strings; numbers from huge
integers to NaN; dates from year 1 to 9999, mixed with ordinary values so that some calls
succeed) and calls the service once.

:func:`attempt` runs one call and says what happened: it was saved, it was refused the app's way
(``ValidationError`` or a ``ServiceError``: not found, conflict, refused) with nothing written,
or something else escaped (a bug: the exception, or a refusal that still wrote rows).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import String, Text, event, func, inspect, select
from sqlalchemy.orm import Session
from test_library_service import valid_form

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Base, Program
from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.neuro import NeuroScreenEntry, SideFindings
from rehab_tracker.domain.patients import LEVELS, PatientDetails, SurgeryDetails
from rehab_tracker.domain.psfs import PsfsActivity
from rehab_tracker.domain.redflags import RED_FLAGS, ClearanceEntry, RedFlagOutcomeEntry
from rehab_tracker.domain.restrictions import KINDS, Restriction
from rehab_tracker.domain.sessions import (
    AdverseEventEntry,
    ExerciseEntry,
    SessionEntry,
    SetEntry,
    SixMinuteWalkEntry,
)
from rehab_tracker.services.container import Services
from rehab_tracker.services.education import EducationForm
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.library import ExerciseForm
from rehab_tracker.services.outcomes.review import ReviewEntry
from rehab_tracker.services.programs.types import PrescriptionDraft, ProgramDraft
from rehab_tracker.services.settings import ClinicDetails, ReportSigner
from tests.staff import staff

TODAY = dt.date(2026, 11, 23)
SURGERY_DATE = dt.date(2026, 10, 1)
#: the start of the program whose status changes are fuzzed
STATUS_START = dt.date(2026, 10, 29)
BORN = dt.date(1980, 5, 17)
ALL_NO = {f.code: False for f in RED_FLAGS}
FIRST_FLAG = RED_FLAGS[0].code

# --- strategies ------------------------------------------------------------------------------

#: what a paste or a broken device puts into a field
NASTY = (
    "\x00",
    "\x1b[31m",
    "\n",
    "\r\n",
    "\t",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\uffff",
    "\U0010ffff",
    "é",
    "ß",
    "日本",
    "🙂",
    "'; DROP TABLE patients; --",
    "%s",
    "{}",
    "\\",
    '"',
)


def _nasty_text(max_size: int) -> st.SearchStrategy[str]:
    pieces = st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(codec=None, exclude_categories=()), max_size=8),
        st.text("abcdefghij XYZ-'.", min_size=1, max_size=12),
    )
    return st.lists(pieces, max_size=max_size).map("".join)


#: the percentage of fields drawn wild in the current attempt (:func:`attempt` draws it: a few,
#: so that most calls get far enough to reach the one odd field, or all of them)
_WILD = [100]


def mix(ordinary: st.SearchStrategy[Any], wild: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``ordinary`` or, for :data:`_WILD` percent of the fields, ``wild``."""
    return st.integers(0, 99).flatmap(lambda r: wild if r < _WILD[0] else ordinary)


def texts(ordinary: str = "Ada") -> st.SearchStrategy[str]:
    """An ordinary value, or a fuzzed one, or one around a column's length."""
    return mix(
        st.just(ordinary),
        st.one_of(
            _nasty_text(6),
            st.integers(0, 12).map(
                lambda n: "x" * (30 * n + n % 3)
            ),  # up to 362: past every String
            st.integers(0, 3).map(lambda n: "word " * (2000 * n)),  # long free text
            st.sampled_from(["", "   ", "1234", "---", "'", "O'Brien", "Nguyễn", "محمد"]),
        ),
    )


def maybe_texts(ordinary: str | None = None) -> st.SearchStrategy[str | None]:
    return mix(st.just(ordinary), st.one_of(st.none(), texts(ordinary or "note")))


def dates(near: dt.date = TODAY, since: dt.date | None = None) -> st.SearchStrategy[dt.date | None]:
    """A recent date (the 40 days up to ``near``, or from ``since``), or a fuzzed one."""
    recent = st.dates(since or near - dt.timedelta(days=40), min(near, TODAY))
    return mix(
        recent,
        st.one_of(
            st.none(),
            st.dates(),
            st.sampled_from(
                [
                    dt.date(1900, 1, 1),
                    dt.date(1899, 12, 31),
                    dt.date(9999, 12, 31),
                    dt.date(1, 1, 1),
                    BORN,
                    BORN - dt.timedelta(days=1),
                    TODAY + dt.timedelta(days=1),
                    TODAY + dt.timedelta(days=3650),
                ]
            ),
        ),
    )


def ints(low: int = 0, high: int = 10) -> st.SearchStrategy[Any]:
    return mix(
        st.integers(low, high),
        st.one_of(
            st.none(),
            st.integers(),
            st.sampled_from([2**31, 2**63, 2**64 + 1, -(2**63) - 1, True]),
        ),
    )


def floats(low: float = 0.0, high: float = 100.0) -> st.SearchStrategy[Any]:
    return mix(
        st.floats(low, high),
        st.one_of(
            st.none(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -0.0, 10**400]),
        ),
    )


def choice(*ordinary: str) -> st.SearchStrategy[str]:
    return mix(st.sampled_from(ordinary), texts(ordinary[0]))


# --- the clinic to fuzz against ----------------------------------------------------------


@dataclass
class World:
    services: Services
    patient: uuid.UUID  # surgical, with a program and a logged session
    conservative: uuid.UUID  # no surgery, no program
    program: uuid.UUID
    session: uuid.UUID
    flagged_session: uuid.UUID  # a positive red-flag screen of the conservative patient
    exercise: uuid.UUID
    exercise_code: str
    education_item: uuid.UUID
    #: the program the status changes are fuzzed on (of a third patient, with a logged
    #: session): brought into a drawn state before each call (:func:`prepare_status`)
    status_program: uuid.UUID

    @property
    def db(self) -> Database:
        return self.services.db


def person(**changes: Any) -> PatientDetails:
    values: dict[str, Any] = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": BORN,
        "sex": "female",
        "height_cm": 168.0,
    }
    values.update(changes)
    return PatientDetails(**values)


SURGERY = SurgeryDetails(surgery_date=SURGERY_DATE, levels=("L4-L5",), side="left")

EXERCISE = valid_form()


def build_world(db: Database) -> World:
    services = Services(db, staff("fuzz"))
    services.library.ensure_seeded()
    services.education.ensure_seeded()
    patient = services.patients.enrol(person(), SURGERY, today=TODAY)
    conservative = services.patients.enrol(
        person(given_name="Cyd", pathway="conservative"), None, today=TODAY
    )
    program = services.programs.create_from_template(
        patient, services.programs.templates()[0].code, "high", dt.date(2026, 10, 29), today=TODAY
    )
    session = services.sessions.save(
        patient, None, SessionEntry(session_date=TODAY, red_flags=ALL_NO), today=TODAY
    )
    flagged = services.sessions.record_red_flag_stop(
        conservative, None, {**ALL_NO, FIRST_FLAG: True}, session_date=TODAY, today=TODAY
    )
    exercise = services.library.add(EXERCISE)
    third = services.patients.enrol(person(given_name="Bea"), SURGERY, today=TODAY)
    status_program = services.programs.create_from_template(
        third, services.programs.templates()[0].code, "high", STATUS_START, today=TODAY
    )
    services.sessions.save(
        third, None, SessionEntry(session_date=STATUS_START, red_flags=ALL_NO), today=TODAY
    )
    return World(
        services=services,
        patient=patient,
        conservative=conservative,
        program=program,
        session=session,
        flagged_session=flagged,
        exercise=exercise,
        exercise_code=services.library.detail(exercise).form.code or "",
        education_item=services.education.list_items()[0].id,
        status_program=status_program,
    )


# --- the entry points ------------------------------------------------------------------------

Draw = Callable[[st.SearchStrategy[Any]], Any]
EntryPoint = Callable[[World, Draw], object]


def _details(draw: Draw, **fixed: Any) -> PatientDetails:
    values = {
        "given_name": draw(texts("Ada")),
        "family_name": draw(texts("Lovelace")),
        "date_of_birth": draw(dates(BORN)),
        "sex": draw(choice("female", "male")),
        "record_number": draw(st.one_of(st.none(), texts("RT-9"))),
        "height_cm": draw(floats(100, 250)),
        "weight_kg": draw(floats(30, 300)),
        "phone": draw(maybe_texts("0123 456")),
        "email": draw(maybe_texts("a@b.org")),
        "address": draw(maybe_texts("1 High St\nTown")),
        "pathway": draw(choice("surgical", "conservative")),
        "notes": draw(maybe_texts()),
    }
    values.update(fixed)
    return PatientDetails(**values)


def _surgery(draw: Draw) -> SurgeryDetails | None:
    if draw(st.booleans()):
        return None
    return SurgeryDetails(
        surgery_date=draw(dates(SURGERY_DATE)),
        levels=tuple(draw(st.lists(choice(*LEVELS), max_size=3))),
        side=draw(st.one_of(st.none(), choice("left", "right"))),
        procedure=draw(texts("Lumbar micro-discectomy")),
        surgeon=draw(maybe_texts("Mr Patel")),
        hospital=draw(maybe_texts("St Mary's")),
        notes=draw(maybe_texts()),
    )


def _restriction(draw: Draw, restriction_id: uuid.UUID | None = None) -> Restriction:
    return Restriction(
        kind=draw(choice(*KINDS)),
        until=draw(dates(TODAY + dt.timedelta(days=30))),
        limit=draw(floats(0, 50)),
        detail=draw(texts("no heavy bags")),
        starts_on=draw(dates()),
        set_by=draw(texts("surgeon")),
        id=restriction_id,
    )


def enrol(w: World, draw: Draw) -> object:
    restrictions = [_restriction(draw) for _ in range(draw(st.integers(0, 2)))]
    return w.services.patients.enrol(
        _details(draw), _surgery(draw), today=TODAY, restrictions=restrictions
    )


def update_patient(w: World, draw: Draw) -> object:
    record = w.services.patients.record(w.patient)
    return w.services.patients.update(
        w.patient,
        _details(draw, record_number=record.details.record_number),
        _surgery(draw),
        expected_version=record.version,
        today=TODAY,
    )


def add_restriction(w: World, draw: Draw) -> object:
    return w.services.restrictions.add(w.patient, _restriction(draw), today=TODAY)


def update_restriction(w: World, draw: Draw) -> object:
    saved = w.services.restrictions.list_for(w.patient)
    target = saved[0].id if saved else uuid.uuid4()
    return w.services.restrictions.update(_restriction(draw, target), today=TODAY)


def _set(draw: Draw) -> SetEntry:
    return SetEntry(
        reps=draw(ints(0, 30)),
        hold_seconds=draw(floats(0, 60)),
        load_kg=draw(floats(0, 20)),
        distance_m=draw(floats()),
        duration_s=draw(floats()),
        effort=draw(ints()),
    )


def _entry(w: World, draw: Draw) -> SessionEntry:
    exercise = ExerciseEntry(
        exercise_id=w.exercise,
        name=draw(texts("Bridge")),
        dosage_type="reps",
        sets=tuple(_set(draw) for _ in range(draw(st.integers(0, 2)))),
        notes=draw(texts("ok")),
    )
    events = tuple(
        AdverseEventEntry(
            description=draw(texts("dizzy")),
            severity=draw(choice("mild")),
            action_taken=draw(texts("rested")),
        )
        for _ in range(draw(st.integers(0, 1)))
    )
    return SessionEntry(
        session_date=draw(dates()),
        location=draw(choice("clinic", "home")),
        attended=draw(st.booleans()),
        missed_reason=draw(texts("ill")),
        pain_back_before=draw(ints()),
        pain_back_after=draw(ints()),
        pain_leg_before=draw(ints()),
        pain_leg_after=draw(ints()),
        exercises=(exercise,) if draw(st.booleans()) else (),
        adverse_events=events,
        notes=draw(texts("went well")),
        red_flags=ALL_NO,
    )


def save_session(w: World, draw: Draw) -> object:
    patient = draw(st.sampled_from([w.patient, w.conservative]))
    return w.services.sessions.save(patient, None, _entry(w, draw), today=TODAY)


def update_session(w: World, draw: Draw) -> object:
    form = w.services.sessions.edit_form(w.session)
    return w.services.sessions.update(
        w.session, _entry(w, draw), expected_version=form.version, today=TODAY
    )


def red_flag_stop(w: World, draw: Draw) -> object:
    return w.services.sessions.record_red_flag_stop(
        w.patient,
        None,
        {**ALL_NO, FIRST_FLAG: True},
        session_date=draw(dates()),
        today=TODAY,
        location=draw(choice("clinic", "home")),
    )


def red_flag_outcome(w: World, draw: Draw) -> object:
    """What followed a positive screen, recorded or corrected: the clearance recorded again,
    or withdrawn (the outcome dialog's correction)."""
    withdraw = draw(st.booleans())
    clearance = (
        None
        if draw(st.booleans())
        else ClearanceEntry(
            cleared_by=draw(texts("surgeon Dr Ng")),
            cleared_on=draw(dates()),
            note=draw(texts("fine")),
        )
    )
    return w.services.sessions.record_red_flag_outcome(
        w.flagged_session,
        RedFlagOutcomeEntry(
            advice=draw(texts("Go to A&E")),
            referred_to=draw(choice("gp", "emergency_department")),
            referral_details=draw(texts("Dr Who")),
        ),
        clearance,
        today=TODAY,
        withdraw_clearance=withdraw,
    )


def _when(draw: Draw) -> dict[str, Any]:
    return {
        "today": TODAY,
        "timepoint": draw(choice("other", "baseline")),
        "notes": draw(texts("note")),
    }


def _patient(w: World, draw: Draw) -> uuid.UUID:
    return draw(st.sampled_from([w.patient, w.conservative]))  # type: ignore[no-any-return]


def record_odi(w: World, draw: Draw) -> object:
    sections = draw(st.lists(ints(0, 5), min_size=9, max_size=11))
    return w.services.outcomes.record_odi(
        _patient(w, draw), sections, assessed_on=draw(dates()), **_when(draw)
    )


def record_rmdq(w: World, draw: Draw) -> object:
    items = draw(st.lists(st.one_of(st.booleans(), st.none()), min_size=23, max_size=25))
    return w.services.outcomes.record_rmdq(
        _patient(w, draw), items, assessed_on=draw(dates()), **_when(draw)
    )


def record_nprs(w: World, draw: Draw) -> object:
    return w.services.outcomes.record_nprs(
        _patient(w, draw),
        back=draw(ints()),
        leg=draw(ints()),
        assessed_on=draw(dates()),
        **_when(draw),
    )


def record_psfs(w: World, draw: Draw) -> object:
    activities = [
        PsfsActivity(draw(texts("Walking the dog")), draw(ints()))
        for _ in range(draw(st.integers(0, 6)))
    ]
    return w.services.outcomes.record_psfs(
        _patient(w, draw), activities, assessed_on=draw(dates()), **_when(draw)
    )


def record_grc(w: World, draw: Draw) -> object:
    return w.services.outcomes.record_grc(
        _patient(w, draw), draw(ints(-5, 5)), assessed_on=draw(dates()), **_when(draw)
    )


def record_walk(w: World, draw: Draw) -> object:
    return w.services.outcomes.record_walk(
        _patient(w, draw),
        draw(choice("tug", "walk_5min")),
        draw(floats(1, 400)),
        performed_on=draw(dates()),
        **_when(draw),
    )


def record_six_minute_walk(w: World, draw: Draw) -> object:
    entry = SixMinuteWalkEntry(
        course_length_m=draw(floats(10, 40)),
        laps=draw(ints(0, 30)),
        partial_lap_m=draw(floats(0, 10)),
        rests=draw(ints(0, 3)),
        stop_reason=draw(texts("tired")),
        effort_before=draw(ints()),
        heart_rate_before=draw(ints(40, 200)),
        spo2_before=draw(ints(80, 100)),
    )
    return w.services.outcomes.record_six_minute_walk(
        _patient(w, draw), entry, performed_on=draw(dates()), **_when(draw)
    )


def record_performance(w: World, draw: Draw) -> object:
    return w.services.outcomes.record_performance_test(
        _patient(w, draw),
        draw(choice("sts_5x", "sorensen")),
        draw(floats(1, 240)),
        performed_on=draw(dates()),
        stop_reason=draw(texts("pain")),
        **_when(draw),
    )


def record_neuro(w: World, draw: Draw) -> object:
    side = SideFindings(
        slr=draw(st.one_of(st.none(), choice("negative", "positive"))),
        slr_angle=draw(ints(0, 90)),
        myotomes={draw(choice("L5")): draw(ints(0, 5))},
        dermatomes={draw(choice("L5")): draw(st.one_of(st.none(), choice("normal", "reduced")))},
        reflexes={draw(choice("ankle")): draw(st.one_of(st.none(), choice("normal", "reduced")))},
    )
    return w.services.outcomes.record_neuro_screen(
        _patient(w, draw), NeuroScreenEntry(left=side), examined_on=draw(dates()), **_when(draw)
    )


def add_follow_up(w: World, draw: Draw) -> object:
    return w.services.outcomes.add_follow_up(
        w.patient, draw(dates(TODAY + dt.timedelta(days=30))), label=draw(texts("Follow-up"))
    )


def outcome_delete(w: World, draw: Draw) -> object:
    return w.services.outcomes.delete(draw(choice("questionnaire", "walk", "neuro")), uuid.uuid4())


def _program_choice(w: World, draw: Draw) -> dict[str, Any]:
    """What the program builder's page gives: a template, an intensity, a start, a reason to
    start early and the training weekdays."""
    weekdays = draw(st.lists(ints(0, 6), max_size=4))
    return {
        "template_code": draw(choice(w.services.programs.templates()[0].code)),
        "intensity": draw(choice("high", "low")),
        "start_date": draw(dates(TODAY)) or TODAY,
        "today": TODAY,
        "early_start_reason": draw(maybe_texts("surgeon agreed")),
        "weekdays": [d for d in weekdays if d is not None] or [0, 2, 4],
    }


def create_program(w: World, draw: Draw) -> object:
    return w.services.programs.create_from_template(w.conservative, **_program_choice(w, draw))


def _dosage(draw: Draw, dosage_type: str = "reps") -> Dosage:
    return Dosage(
        dosage_type=draw(choice(dosage_type)),
        sets=draw(ints(1, 5)),
        reps_min=draw(ints(1, 12)),
        reps_max=draw(ints(1, 15)),
        load_kg=draw(floats(0, 20)),
        effort_target=draw(ints()),
    )


def save_program_edits(w: World, draw: Draw) -> object:
    detail = w.services.programs.program(w.program)
    draft = detail.to_draft()
    phases = []
    for phase in draft.phases:
        items = tuple(
            dataclasses.replace(item, notes=draw(maybe_texts())) for item in phase.items[:2]
        )
        if draw(st.booleans()):
            items += (PrescriptionDraft(w.exercise_code, _dosage(draw), notes=draw(maybe_texts())),)
        phases.append(
            dataclasses.replace(
                phase,
                name=draw(texts(phase.name)),
                items=items,
                end_date=draw(st.one_of(st.just(phase.end_date), st.dates())),
            )
        )
    return w.services.programs.save_edits(
        w.program,
        ProgramDraft(tuple(phases)),
        expected_version=detail.version,
        restriction_reason=draw(maybe_texts("agreed")),
        today=TODAY,
    )


def save_as_template(w: World, draw: Draw) -> object:
    return w.services.programs.save_as_template(
        w.program, draw(choice("clinic-plan")), draw(texts("Our plan"))
    )


def accept_suggestion(w: World, draw: Draw) -> object:
    detail = w.services.programs.program(w.program)
    open_rx = [rx for phase in detail.phases for rx in phase.prescriptions if rx.valid_to is None]
    target = draw(st.sampled_from(open_rx)) if open_rx else None
    return w.services.programs.accept_suggestion(
        target.id if target else uuid.uuid4(),
        _dosage(draw, target.dosage.dosage_type if target else "reps"),
        notes=draw(maybe_texts()),
        restriction_reason=draw(maybe_texts()),
        today=TODAY,
    )


def _exercise_form(draw: Draw) -> ExerciseForm:
    return dataclasses.replace(
        EXERCISE,
        name=draw(texts("Bridge " + str(draw(st.integers(0, 10**6))))),
        body_region=draw(choice("trunk")),
        equipment=draw(texts("mat")),
        instructions=draw(texts("Lie down.")),
        cautions=draw(texts("Slowly.")),
        progression_note=draw(texts("Add reps.")),
        default_dosage=(
            (
                "strength",
                {
                    "sets": draw(ints(1, 5)),
                    "reps_min": draw(ints(1, 12)),
                    "reps_max": draw(ints(1, 15)),
                },
            ),
        ),
        code=draw(st.one_of(st.none(), choice("clinic-bridge"))),
    )


def add_exercise(w: World, draw: Draw) -> object:
    return w.services.library.add(_exercise_form(draw))


def update_exercise(w: World, draw: Draw) -> object:
    detail = w.services.library.detail(w.exercise)
    form = dataclasses.replace(_exercise_form(draw), code=detail.form.code)
    return w.services.library.update(w.exercise, form, expected_version=detail.version)


def add_link(w: World, draw: Draw) -> object:
    url = draw(
        st.one_of(
            texts("https://example.org/v"), texts("x").map(lambda t: "https://example.org/" + t)
        )
    )
    return w.services.library.add_link(w.exercise, url)


def attach_image(w: World, draw: Draw) -> object:
    """An image file with a fuzzed name (created when the file system takes the name)."""
    name = draw(texts("photo")) + draw(choice(".png", ".jpg"))
    folder = Path(tempfile.mkdtemp(prefix="fuzz-media-"))
    source = folder / name.replace("/", "_")
    with contextlib.suppress(OSError, ValueError):
        source.write_bytes(b"\x89PNG\r\n\x1a\n")
    return w.services.library.attach_image(w.exercise, str(source))


def remove_media(w: World, draw: Draw) -> object:
    return w.services.library.remove_media(w.exercise, draw(texts("bridge/photo.png")))


def add_education(w: World, draw: Draw) -> object:
    form = EducationForm(
        title=draw(texts("Sitting well")),
        summary=draw(texts("Short")),
        body=draw(texts("Long\ntext")),
        url=draw(st.one_of(st.none(), texts("https://example.org/x"))),
    )
    return w.services.education.add_item(form)


def record_covered(w: World, draw: Draw) -> object:
    return w.services.education.record_covered(
        w.program,
        [w.education_item],
        draw(dates()) or TODAY,
        today=TODAY,
        notes=draw(maybe_texts()),
    )


def _clinic(draw: Draw) -> ClinicDetails:
    return ClinicDetails(
        name=draw(texts("Riverside Physio")),
        address=draw(texts("1 Road")),
        phone=draw(texts("0123 456")),
        email=draw(texts("desk@rp.org")),
    )


def clinic_details(w: World, draw: Draw) -> object:
    return w.services.settings.set_clinic_details(_clinic(draw))


def clinic_settings(w: World, draw: Draw) -> object:
    overrides = draw(
        st.one_of(
            st.just({}),
            st.dictionaries(
                choice("odi"),
                st.dictionaries(choice("absolute", "relative"), floats(0, 50), max_size=2),
                max_size=1,
            ),
        )
    )
    return w.services.settings.save_clinic_settings(
        _clinic(draw),
        units=draw(choice("metric", "imperial")),
        odi_max_missing=draw(ints(0, 9)),
        pain_ceiling=draw(ints(1, 10)),
        threshold_overrides=overrides,
    )


def import_wording(w: World, draw: Draw) -> object:
    document = {
        "instrument": draw(choice("odi")),
        "title": draw(texts("ODI")),
        "items": [draw(texts("item"))],
    }
    raw = draw(st.one_of(st.just(json.dumps(document)), texts("{}")))
    return w.services.settings.import_wording(draw(choice("odi", "rmdq")), raw)


def record_review(w: World, draw: Draw) -> object:
    entry = ReviewEntry(
        timepoint=draw(choice("baseline", "mid", "end", "follow_up")),
        assessed_on=draw(dates()),
        back_pain=draw(st.one_of(st.none(), ints(0, 10))),
        walks={draw(choice("walk_5min", "tug")): draw(st.one_of(st.none(), floats(1, 600)))},
        skips=draw(
            st.dictionaries(
                choice("odi", "rmdq", "walk_50ft_preferred"), texts("Declined"), max_size=2
            )
        ),
        notes=draw(texts("")),
    )
    return w.services.outcomes.record_review(_patient(w, draw), entry, today=TODAY)


def book_session(w: World, draw: Draw) -> object:
    slots = w.services.schedule.bookable(w.patient)
    if not slots:
        return None
    slot = draw(st.sampled_from(slots))
    at = draw(st.one_of(st.none(), st.times()))
    return w.services.schedule.book(
        slot.slot_id, draw(dates(TODAY)), at, expected_version=slot.version, today=TODAY
    )


def report_signer(w: World, draw: Draw) -> object:
    return w.services.settings.save_clinic_settings(
        _clinic(draw),
        units="metric",
        odi_max_missing=1,
        pain_ceiling=7,
        threshold_overrides={},
        signer=ReportSigner(draw(texts("Dr A. Physio")), draw(texts("HCPC PH123456"))),
    )


def clinic_logo(w: World, draw: Draw) -> object:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    data = draw(st.one_of(st.none(), st.just(png), st.binary(max_size=512)))
    return w.services.settings.set_clinic_logo(data)


def save_draft(w: World, draw: Draw) -> object:
    return w.services.drafts.save(
        draw(texts("patient:new")), {"given_name": draw(texts("Ada")), "notes": draw(texts())}
    )


# --- a program's status: pause, resume, complete, stop ---------------------------------------

#: the states :func:`prepare_status` draws (mostly the ones a change starts from)
_STATUS_STATES = ("active", "active", "paused", "paused", "completed", "stopped")


def prepare_status(w: World, draw: Draw) -> None:
    """Bring the status program into a drawn state (active, paused since a day of its own, or
    ended) in one audited write, before the call is counted: each example starts from a state
    a change can start from, without building a program (seconds) for each."""
    status = draw(st.sampled_from(_STATUS_STATES))
    paused_on = draw(st.dates(STATUS_START, TODAY)) if status == "paused" else None
    with w.db.unit_of_work("fuzz-prepare") as session:
        program = session.get(Program, w.status_program)
        assert program is not None
        program.status = status
        program.paused_on = paused_on
        program.pause_reason = "Chest infection" if paused_on else None
        program.ended_on = TODAY if status in ("completed", "stopped") else None
        program.end_reason = "Moved away" if program.ended_on else None
        program.end_assessment_skip_reason = None


def _status_version(w: World, draw: Draw) -> int:
    """The status program's version as a form read it: current, or (now and then) stale."""
    version = w.services.programs.program(w.status_program).version
    return version - 1 if draw(st.integers(0, 9)) == 5 else version  # 0 and 9 come often


def _reason_and_version(w: World, draw: Draw, reason: str) -> dict[str, Any]:
    """The arguments a status change's form gives besides its day: a reason, the version and
    today."""
    return {
        "reason": draw(maybe_texts(reason)),
        "expected_version": _status_version(w, draw),
        "today": TODAY,
    }


def pause_program(w: World, draw: Draw) -> object:
    day = draw(dates(TODAY, STATUS_START))
    return w.services.programs.pause(
        w.status_program, paused_on=day, **_reason_and_version(w, draw, "Chest infection")
    )


def resume_program(w: World, draw: Draw) -> object:
    return w.services.programs.resume(
        w.status_program, resume_on=draw(dates(TODAY)), expected_version=_status_version(w, draw)
    )


def resume_preview(w: World, draw: Draw) -> object:
    return w.services.programs.resume_preview(w.status_program, draw(dates(TODAY)) or TODAY)


def complete_program(w: World, draw: Draw) -> object:
    return w.services.programs.complete(
        w.status_program,
        ended_on=draw(dates(TODAY, STATUS_START)),
        note=draw(maybe_texts("Goals met")),
        skip_reason=draw(maybe_texts("Patient moved away")),
        expected_version=_status_version(w, draw),
        today=TODAY,
    )


def stop_program(w: World, draw: Draw) -> object:
    day = draw(dates(TODAY, STATUS_START))
    return w.services.programs.stop(
        w.status_program, ended_on=day, **_reason_and_version(w, draw, "Revision operation")
    )


def end_assessment_recorded(w: World, draw: Draw) -> object:
    return w.services.programs.end_assessment_recorded(w.status_program, draw(dates()) or TODAY)


# --- the other entry points: corrections, removals, reads of typed keys ----------------------


def remove_restriction(w: World, draw: Draw) -> object:
    saved = w.services.restrictions.list_for(w.patient)
    existing = draw(st.booleans())  # drawn whatever is saved: the same draws on a replay
    target = saved[0].id if existing and saved else uuid.uuid4()
    return w.services.restrictions.remove(target)


def delete_restore_session(w: World, draw: Draw) -> object:
    """A session deleted and restored (the Sessions tab's Delete and Undo)."""
    target = draw(st.sampled_from([w.session, uuid.uuid4()]))
    w.services.sessions.delete(target)
    return w.services.sessions.restore(target)


def red_flag_follow_up(w: World, draw: Draw) -> object:
    return w.services.sessions.red_flag_follow_up(
        draw(st.sampled_from([w.flagged_session, w.session, uuid.uuid4()]))
    )


def outcome_restore(w: World, draw: Draw) -> object:
    return w.services.outcomes.restore(draw(choice("questionnaire", "walk", "neuro")), uuid.uuid4())


def review_plan(w: World, draw: Draw) -> object:
    return w.services.outcomes.review_plan(
        _patient(w, draw), draw(choice("baseline", "mid", "end", "follow_up")), today=TODAY
    )


def retire_restore_exercise(w: World, draw: Draw) -> object:
    target = draw(st.sampled_from([w.exercise, uuid.uuid4()]))
    w.services.library.retire(target)
    return w.services.library.restore(target)


def check_exercise(w: World, draw: Draw) -> object:
    return w.services.library.check(_exercise_form(draw))


def set_units(w: World, draw: Draw) -> object:
    return w.services.settings.set_units(draw(choice("metric", "imperial")))


def set_odi_max_missing(w: World, draw: Draw) -> object:
    return w.services.settings.set_odi_max_missing(draw(ints(0, 9)))


def set_pain_ceiling(w: World, draw: Draw) -> object:
    return w.services.settings.set_progression_pain_ceiling(draw(ints(1, 10)))


def set_threshold_overrides(w: World, draw: Draw) -> object:
    overrides = draw(
        st.dictionaries(
            choice("odi", "nprs_back"),
            st.dictionaries(
                choice("absolute", "relative"), st.one_of(st.none(), floats(0, 50)), max_size=2
            ),
            max_size=2,
        )
    )
    return w.services.settings.set_threshold_overrides(overrides)


def remove_wording(w: World, draw: Draw) -> object:
    return w.services.settings.remove_wording(draw(choice("odi", "rmdq")))


def draft_keys(w: World, draw: Draw) -> object:
    """A draft loaded, listed and discarded by a typed key (what the forms pass)."""
    key = draw(texts("patient:new"))
    w.services.drafts.load(key)
    w.services.drafts.list_drafts(key)
    return w.services.drafts.discard(key)


def disclosed(w: World, draw: Draw) -> object:
    return w.services.disclosures.disclosed(
        _patient(w, draw),
        draw(choice("report_pdf", "handout_print")),
        draw(texts("/home/desk/report.pdf")),
        audience=draw(st.one_of(st.none(), choice("clinical", "patient"))),
    )


def accessed(w: World, draw: Draw) -> object:
    return w.services.disclosures.accessed(_patient(w, draw), draw(choice("record")))


def find_patient(w: World, draw: Draw) -> object:
    """The report command's PATIENT: a record number or an id, as typed."""
    return w.services.patients.find(draw(st.one_of(texts("RT-00001"), st.just(str(w.patient)))))


def schedule_week(w: World, draw: Draw) -> object:
    return w.services.schedule.week(draw(dates()) or TODAY)


def schedule_today(w: World, draw: Draw) -> object:
    return w.services.schedule.today(today=draw(dates()) or TODAY)


def program_preview(w: World, draw: Draw) -> object:
    return w.services.programs.preview(w.conservative, **_program_choice(w, draw))


ENTRY_POINTS: dict[str, EntryPoint] = {
    f.__name__: f
    for f in (
        enrol,
        update_patient,
        add_restriction,
        update_restriction,
        save_session,
        update_session,
        red_flag_stop,
        red_flag_outcome,
        record_odi,
        record_rmdq,
        record_nprs,
        record_psfs,
        record_grc,
        record_walk,
        record_six_minute_walk,
        record_performance,
        record_neuro,
        add_follow_up,
        outcome_delete,
        create_program,
        save_program_edits,
        save_as_template,
        accept_suggestion,
        add_exercise,
        update_exercise,
        add_link,
        attach_image,
        remove_media,
        add_education,
        record_covered,
        clinic_details,
        clinic_settings,
        import_wording,
        save_draft,
        record_review,
        book_session,
        report_signer,
        clinic_logo,
        pause_program,
        resume_program,
        resume_preview,
        complete_program,
        stop_program,
        end_assessment_recorded,
        remove_restriction,
        delete_restore_session,
        red_flag_follow_up,
        outcome_restore,
        review_plan,
        retire_restore_exercise,
        check_exercise,
        set_units,
        set_odi_max_missing,
        set_pain_ceiling,
        set_threshold_overrides,
        remove_wording,
        draft_keys,
        disclosed,
        accessed,
        find_patient,
        schedule_week,
        schedule_today,
        program_preview,
    )
}
#: what runs before an entry point's call is counted (the state it starts from)
PREPARE: dict[str, EntryPoint] = {
    name: prepare_status  # type: ignore[misc]
    for name in (
        "pause_program",
        "resume_program",
        "resume_preview",
        "complete_program",
        "stop_program",
        "end_assessment_recorded",
    )
}

# --- one attempt -----------------------------------------------------------------------------

REFUSALS = (ValidationError, ServiceError)
#: what no column holds (a one-line String column not even a line break)
_NEVER = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NO_LINE = re.compile("[\n\t]")


def _column_problems(row: object) -> list[str]:
    """The columns of ``row`` holding text their column cannot hold: longer than a String's
    length, or a character refused in every field (a line break in a one-line column too).
    SQLite stores any of them without a word, so the oracle is the same on both backends."""
    problems = []
    mapper = inspect(type(row))
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        value = getattr(row, attr.key, None)
        if not isinstance(value, str) or not isinstance(column.type, String):
            continue
        length = column.type.length
        where = f"{mapper.local_table.name}.{column.name}"
        if length is not None and len(value) > length:
            problems.append(f"{where}: {len(value)} characters > {length}")
        if _NEVER.search(value) or (not isinstance(column.type, Text) and _NO_LINE.search(value)):
            problems.append(f"{where}: a control character")
    return problems


@contextlib.contextmanager
def column_oracle() -> Iterator[list[str]]:
    """Collect :func:`_column_problems` of every row flushed inside (any session)."""
    found: list[str] = []

    def check(session: Session, _context: object, _instances: object) -> None:
        for row in (*session.new, *session.dirty):
            found.extend(_column_problems(row))

    event.listen(Session, "before_flush", check)
    try:
        yield found
    finally:
        event.remove(Session, "before_flush", check)


def row_counts(db: Database) -> dict[str, int]:
    """Rows of every table (the audit trail's too), read in one statement."""
    tables = sorted(Base.metadata.tables.values(), key=lambda t: t.name)
    statement = select(
        *(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables)
    )
    with db.reading() as session:
        row = session.execute(statement).one()
    return dict(row._mapping)


@dataclass
class Attempt:
    saved: bool = False
    refused: str | None = None  # the refusal's type name
    escaped: BaseException | None = None  # anything else: a bug
    wrote_on_refusal: dict[str, tuple[int, int]] | None = None

    @property
    def clean(self) -> bool:
        return self.escaped is None and self.wrote_on_refusal is None


def attempt(world: World, name: str, draw: Draw) -> Attempt:
    """Call entry point ``name`` once with drawn input and say what happened."""
    _WILD[0] = draw(st.sampled_from([3, 10, 30, 100]))
    if name in PREPARE:
        PREPARE[name](world, draw)
    before = row_counts(world.db)
    try:
        with column_oracle() as stored_badly:
            ENTRY_POINTS[name](world, draw)
        if stored_badly:
            raise AssertionError(f"saved what the columns cannot hold: {stored_badly}")
    except REFUSALS as exc:
        after = row_counts(world.db)
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        return Attempt(refused=type(exc).__name__, wrote_on_refusal=changed or None)
    except Exception as exc:  # a bug the fuzzer found
        return Attempt(escaped=exc)
    return Attempt(saved=True)
