"""SQLAlchemy 2 models: the clinic's records.

Conventions (see ARCHITECTURE.md, "Data conventions"):
- every row that can travel between machines (a patient's laptop and the clinic, or several
  workstations) has a UUID key, ``created_at``/``updated_at`` in UTC and ``created_by``;
- quantities are stored in SI units: metres, seconds, kilograms;
- questionnaires keep their raw item answers and the id of the scoring rule that scored them;
- deletions a user can undo are soft (``deleted_at``); the audit trail is append-only.

Why one file of over 600 lines: it is the schema, and the schema is read as a whole (foreign
keys, relationships and constraints point across tables, and Alembic's autogenerate compares
this one metadata with the database). Each class is a table with no behaviour of its own; split
by table it would only scatter what a migration author needs side by side.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from rehab_tracker.data.patient_list import search_key
from rehab_tracker.data.types import JSONDoc, UTCDateTime, new_id, utcnow
from rehab_tracker.domain.dosage import DOSE_FIELDS, Dosage

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSONDoc(),
        list[Any]: JSONDoc(),
        uuid.UUID: Uuid(),
    }


#: column ``info`` key: the audit trail records a SHA-256 digest of the value instead of the
#: value (a password hash: the trail shows that it changed, and ``db check`` can still compare)
AUDIT_DIGEST = "audit_digest"


class Travelling:
    """Columns of every row that can travel between machines."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="system")


class Versioned:
    """Optimistic concurrency of a row a user edits: ``version`` goes up at every change (the
    mapper's ``version_id_col``), a form keeps the version it was loaded with and the service
    refuses the save when it moved (``services._lookup.check_version``); an UPDATE that lost a
    race with another workstation matches no row and raises ``StaleDataError``."""

    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


# --- people ---------------------------------------------------------------------------------


class User(Travelling, Base):
    """A member of staff who signs in: user name, role (``domain.roles.Role``), an Argon2id
    password hash (``services.passwords``), and the registration number that signs reports.

    ``failed_sign_ins`` and ``next_sign_in_at`` slow down guessing: each failed attempt after the
    first few pushes the earliest next attempt further out (``services.users``). The trail keeps
    only a digest of the password hash (``AUDIT_DIGEST``), never the hash itself."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('administrator', 'physiotherapist', 'assistant', 'read_only')", name="role"
        ),
    )

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255), info={AUDIT_DIGEST: True})
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: the professional registration number that signs reports (physiotherapists)
    registration_number: Mapped[str | None] = mapped_column(String(64))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    #: no sign-in is tried before this time (the growing delay after failed attempts)
    next_sign_in_at: Mapped[dt.datetime | None]
    last_sign_in_at: Mapped[dt.datetime | None]


class Patient(Travelling, Base):
    __tablename__ = "patients"
    __table_args__ = (
        CheckConstraint("sex IN ('male', 'female', 'other', 'unknown')", name="sex"),
        CheckConstraint("pathway IN ('surgical', 'conservative')", name="pathway"),
        CheckConstraint("height_m IS NULL OR (height_m > 0.5 AND height_m < 2.8)", name="height"),
        CheckConstraint("weight_kg IS NULL OR (weight_kg > 20 AND weight_kg < 400)", name="weight"),
        #: the list's search and order by name: the current patients' keys in order, and the
        #: ids, read from the index alone
        Index("ix_patients_list", "archived_at", "search_key", "record_number", "id"),
    )

    record_number: Mapped[str] = mapped_column(String(32), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    #: the list's search key (``data.patient_list.search_key``: name and record number without
    #: accents, case folded), set on every insert and update of the row (below)
    search_key: Mapped[str | None] = mapped_column(String(240))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(8))
    height_m: Mapped[float | None] = mapped_column(Float)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    pathway: Mapped[str] = mapped_column(String(16), default="surgical")
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[dt.datetime | None]
    #: optimistic concurrency: two workstations editing the same patient cannot overwrite each other
    version: Mapped[int] = mapped_column(Integer, default=1)

    surgeries: Mapped[list[Surgery]] = relationship(
        back_populates="patient", order_by="Surgery.surgery_date", cascade="all, delete-orphan"
    )
    programs: Mapped[list[Program]] = relationship(
        back_populates="patient", order_by="Program.start_date", cascade="all, delete-orphan"
    )
    restrictions: Mapped[list[Restriction]] = relationship(
        back_populates="patient", cascade="all, delete-orphan"
    )
    # The rows below point at the patient with ON DELETE CASCADE. The ORM deletes them itself
    # (cascade="all") so the audit trail has an entry for each; a cascade done by the database
    # alone never reaches the trail (tests/data/test_audit.py checks every foreign key).
    session_logs: Mapped[list[SessionLog]] = relationship(cascade="all")
    adverse_events: Mapped[list[AdverseEvent]] = relationship(cascade="all")
    outcome_assessments: Mapped[list[OutcomeAssessment]] = relationship(cascade="all")
    walk_tests: Mapped[list[WalkTest]] = relationship(cascade="all")
    neuro_screens: Mapped[list[NeuroScreen]] = relationship(cascade="all")
    assessment_skips: Mapped[list[AssessmentSkip]] = relationship(cascade="all")
    import_batches: Mapped[list[ImportBatch]] = relationship(cascade="all")
    home_packs: Mapped[list[HomePack]] = relationship(cascade="all")

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def _keep_search_key(_mapper: object, _connection: object, patient: Patient) -> None:
    """The search key follows the name and record number in every flush that writes the row."""
    key = search_key(patient.given_name, patient.family_name, patient.record_number)
    if patient.search_key != key:
        patient.search_key = key


event.listen(Patient, "before_insert", _keep_search_key)
event.listen(Patient, "before_update", _keep_search_key)


class Surgery(Travelling, Base):
    __tablename__ = "surgeries"
    __table_args__ = (
        CheckConstraint(
            "side IS NULL OR side IN ('left', 'right', 'bilateral', 'central')", name="side"
        ),
        #: the list reads each patient's latest surgery
        Index("ix_surgeries_patient_date", "patient_id", "surgery_date"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    surgery_date: Mapped[dt.date] = mapped_column(Date)
    #: spinal levels, e.g. ["L4-L5"] or ["L4-L5", "L5-S1"]
    levels: Mapped[list[Any]] = mapped_column(default=list)
    side: Mapped[str | None] = mapped_column(String(16))
    procedure: Mapped[str] = mapped_column(String(200), default="Lumbar micro-discectomy")
    surgeon: Mapped[str | None] = mapped_column(String(200))
    hospital: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    patient: Mapped[Patient] = relationship(back_populates="surgeries")


class Restriction(Travelling, Base):
    """An early post-operative restriction set by the surgeon, with its end date.

    ``kind`` is a code of :data:`rehab_tracker.domain.restrictions.KINDS`; ``limit_value`` is
    in that kind's unit (kg for lifting, minutes for sitting). Active from ``starts_on`` to
    ``until``, both inclusive.
    """

    __tablename__ = "restrictions"

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    limit_value: Mapped[float | None] = mapped_column(Float)
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    #: who gave the restriction ("surgeon", or the surgeon's name)
    set_by: Mapped[str] = mapped_column(String(100), default="surgeon")

    patient: Mapped[Patient] = relationship(back_populates="restrictions")


# --- libraries ------------------------------------------------------------------------------


class Exercise(Versioned, Travelling, Base):
    __tablename__ = "exercises"
    __table_args__ = (
        CheckConstraint("dosage_type IN ('reps', 'hold', 'distance', 'time')", name="dosage_type"),
    )

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    body_region: Mapped[str] = mapped_column(String(32))
    equipment: Mapped[list[Any]] = mapped_column(default=list)
    dosage_type: Mapped[str] = mapped_column(String(16))
    instructions: Mapped[str] = mapped_column(Text, default="")
    cautions: Mapped[str] = mapped_column(Text, default="")
    #: default dosage per phase code, SI units
    default_dosage: Mapped[dict[str, Any]] = mapped_column(default=dict)
    progression: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: image paths or video links the clinic attached
    media: Mapped[list[Any]] = mapped_column(default=list)
    #: movements a restriction may rule out (domain.restrictions.MOVEMENTS), e.g. ["rotation"]
    movements: Mapped[list[Any]] = mapped_column(default=list)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    retired_at: Mapped[dt.datetime | None]


class ProgramTemplate(Travelling, Base):
    """A program template: the shipped one, or a clinic's own saved from a program."""

    __tablename__ = "program_templates"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    retired_at: Mapped[dt.datetime | None]


class EducationItem(Versioned, Travelling, Base):
    __tablename__ = "education_items"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16), default="text")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    retired_at: Mapped[dt.datetime | None]


# --- programs -------------------------------------------------------------------------------


class Program(Travelling, Base):
    __tablename__ = "programs"
    __table_args__ = (
        CheckConstraint("intensity IN ('high', 'low')", name="intensity"),
        CheckConstraint(
            "status IN ('planned', 'active', 'paused', 'completed', 'stopped')", name="status"
        ),
        CheckConstraint("status != 'paused' OR paused_on IS NOT NULL", name="paused_on"),
        CheckConstraint(
            "status NOT IN ('completed', 'stopped') OR ended_on IS NOT NULL", name="ended_on"
        ),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    template_code: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    intensity: Mapped[str] = mapped_column(String(8), default="high")
    start_date: Mapped[dt.date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer, default=12)
    sessions_per_week: Mapped[int] = mapped_column(Integer, default=3)
    status: Mapped[str] = mapped_column(String(16), default="active")
    #: why the program started earlier than 4 weeks after surgery, when it did
    early_start_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    #: the pause under way (status ``paused``): since when and why
    paused_on: Mapped[dt.date | None] = mapped_column(Date)
    pause_reason: Mapped[str | None] = mapped_column(Text)
    #: the days of the earlier pauses of the program, added up at each resume
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    #: the day the program was completed or stopped early, and why (a stop's reason, a note)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    #: why the program was completed without the end-of-program assessment, when it was
    end_assessment_skip_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    patient: Mapped[Patient] = relationship(back_populates="programs")
    phases: Mapped[list[ProgramPhase]] = relationship(
        back_populates="program", order_by="ProgramPhase.position", cascade="all, delete-orphan"
    )
    prescriptions: Mapped[list[Prescription]] = relationship(
        back_populates="program", order_by="Prescription.position", cascade="all, delete-orphan"
    )
    scheduled_sessions: Mapped[list[ScheduledSession]] = relationship(
        back_populates="program",
        order_by="ScheduledSession.number",
        cascade="all, delete-orphan",
    )
    assessments_due: Mapped[list[ScheduledAssessment]] = relationship(
        back_populates="program",
        order_by="ScheduledAssessment.due_date",
        cascade="all, delete-orphan",
    )
    education_records: Mapped[list[EducationRecord]] = relationship(cascade="all")
    # ON DELETE SET NULL: the ORM clears the link itself (its default for a relationship without
    # a delete cascade), so each cleared link is an update in the audit trail
    session_logs: Mapped[list[SessionLog]] = relationship()
    outcome_assessments: Mapped[list[OutcomeAssessment]] = relationship()
    walk_tests: Mapped[list[WalkTest]] = relationship()
    neuro_screens: Mapped[list[NeuroScreen]] = relationship()
    assessment_skips: Mapped[list[AssessmentSkip]] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ProgramPhase(Travelling, Base):
    __tablename__ = "program_phases"

    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    start_week: Mapped[int] = mapped_column(Integer)
    end_week: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    goals: Mapped[str] = mapped_column(Text, default="")

    program: Mapped[Program] = relationship(back_populates="phases")
    prescriptions: Mapped[list[Prescription]] = relationship(
        back_populates="phase", cascade="all"
    )


class Prescription(Versioned, Travelling, Base):
    """One exercise prescribed in one phase.

    A change to a running program closes the old row (``valid_to``) and adds a new one, so the
    history of what was prescribed when is kept.
    """

    __tablename__ = "prescriptions"
    __table_args__ = (
        CheckConstraint("sets >= 1", name="sets"),
        CheckConstraint(
            "effort_target IS NULL OR (effort_target >= 0 AND effort_target <= 10)",
            name="effort_target",
        ),
        Index("ix_prescriptions_program_phase", "program_id", "phase_id"),
    )

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    phase_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("program_phases.id", ondelete="CASCADE")
    )
    exercise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exercises.id"))
    position: Mapped[int] = mapped_column(Integer)
    dosage_type: Mapped[str] = mapped_column(String(16))
    sets: Mapped[int] = mapped_column(Integer)
    reps_min: Mapped[int | None] = mapped_column(Integer)
    reps_max: Mapped[int | None] = mapped_column(Integer)
    # the column keeps its old spelling; Python (and the domain's Dosage) say hold_seconds
    hold_seconds: Mapped[float | None] = mapped_column("hold_s", Float)
    load_kg: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    effort_target: Mapped[int | None] = mapped_column(Integer)
    sessions_per_week: Mapped[int] = mapped_column(Integer, default=3)
    notes: Mapped[str | None] = mapped_column(Text)
    #: why the dose was prescribed although it goes past an active restriction, when it does
    restriction_override: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[dt.datetime] = mapped_column(default=utcnow)
    valid_to: Mapped[dt.datetime | None]

    program: Mapped[Program] = relationship(back_populates="prescriptions")
    phase: Mapped[ProgramPhase] = relationship(back_populates="prescriptions")
    exercise: Mapped[Exercise] = relationship()
    #: ON DELETE SET NULL, done by the ORM so the trail sees it (see Patient)
    exercise_logs: Mapped[list[ExerciseLog]] = relationship()

    @property
    def dosage(self) -> Dosage:
        """The row's dose fields as the domain's :class:`Dosage`."""
        return Dosage(**{name: getattr(self, name) for name in DOSE_FIELDS})

    @dosage.setter
    def dosage(self, dose: Dosage) -> None:
        for name in DOSE_FIELDS:
            setattr(self, name, getattr(dose, name))


class ScheduledSession(Versioned, Travelling, Base):
    """One numbered visit of a program on its date; booking or moving it sets the date and
    the time of day (``appointment_time``; None: planned on the date, no time booked)."""

    __tablename__ = "scheduled_sessions"
    __table_args__ = (
        UniqueConstraint("program_id", "number", name="uq_scheduled_sessions_program_number"),
        CheckConstraint("kind IN ('education', 'exercise')", name="kind"),
    )

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    #: 0 is the education session; exercise sessions are numbered 1..36
    number: Mapped[int] = mapped_column(Integer)
    week: Mapped[int] = mapped_column(Integer)
    scheduled_date: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16), default="exercise")
    location: Mapped[str] = mapped_column(String(8), default="clinic")
    appointment_time: Mapped[dt.time | None] = mapped_column(Time)

    program: Mapped[Program] = relationship(back_populates="scheduled_sessions")
    #: ON DELETE SET NULL, done by the ORM so the trail sees it (see Patient)
    session_logs: Mapped[list[SessionLog]] = relationship()


class ScheduledAssessment(Travelling, Base):
    __tablename__ = "scheduled_assessments"

    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    timepoint: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100))
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    instruments: Mapped[list[Any]] = mapped_column(default=list)

    program: Mapped[Program] = relationship(back_populates="assessments_due")


class EducationRecord(Travelling, Base):
    """Which education items were covered with the patient, and when."""

    __tablename__ = "education_records"

    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("education_items.id"))
    covered_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


# --- sessions -------------------------------------------------------------------------------


class SessionLog(Versioned, Travelling, Base):
    """What happened at one session, in the clinic or at home."""

    __tablename__ = "session_logs"
    __table_args__ = (
        CheckConstraint("location IN ('clinic', 'home')", name="location"),
        CheckConstraint("status IN ('draft', 'final', 'aborted')", name="status"),
        CheckConstraint(
            "red_flag_result IN ('clear', 'positive', 'not_screened')", name="red_flag_result"
        ),
        CheckConstraint(
            "red_flag_referred_to IS NULL OR red_flag_referred_to IN ('emergency_services', "
            "'emergency_department', 'surgeon', 'gp', 'other', 'none')",
            name="red_flag_referred_to",
        ),
        # a positive screen is cleared only with who cleared exercise to resume, and when
        CheckConstraint(
            "red_flag_acknowledged_at IS NULL OR "
            "(red_flag_cleared_by IS NOT NULL AND red_flag_cleared_on IS NOT NULL)",
            name="red_flag_clearance",
        ),
        *(
            CheckConstraint(f"{c} IS NULL OR ({c} >= 0 AND {c} <= 10)", name=c)
            for c in (
                "pain_back_before",
                "pain_back_after",
                "pain_leg_before",
                "pain_leg_after",
                "effort",
            )
        ),
        Index("ix_session_logs_patient_date", "patient_id", "session_date"),
        # the open positive screens of every patient (the Today view) without a full scan
        Index("ix_session_logs_red_flag_open", "red_flag_result", "red_flag_acknowledged_at"),
        Index(
            "uq_session_logs_live_slot",
            "scheduled_session_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    program_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL")
    )
    #: a scheduled slot can be logged only once among live rows (unscheduled sessions leave it
    #: empty; a deleted log keeps its slot id so undoing the delete restores it)
    scheduled_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("scheduled_sessions.id", ondelete="SET NULL")
    )
    session_date: Mapped[dt.date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(8), default="clinic")
    attended: Mapped[bool] = mapped_column(Boolean, default=True)
    missed_reason: Mapped[str | None] = mapped_column(Text)
    pain_back_before: Mapped[int | None] = mapped_column(Integer)
    pain_back_after: Mapped[int | None] = mapped_column(Integer)
    pain_leg_before: Mapped[int | None] = mapped_column(Integer)
    pain_leg_after: Mapped[int | None] = mapped_column(Integer)
    effort: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    red_flag_result: Mapped[str] = mapped_column(String(16), default="not_screened")
    #: the screen's answers, item code -> bool
    red_flags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: what followed a positive screen: the advice given, who the patient was referred to
    #: (domain.redflags.REFERRALS) with details, and who recorded it when
    red_flag_advice: Mapped[str | None] = mapped_column(Text)
    red_flag_referred_to: Mapped[str | None] = mapped_column(String(32))
    red_flag_referral_details: Mapped[str | None] = mapped_column(Text)
    red_flag_outcome_at: Mapped[dt.datetime | None]
    red_flag_outcome_by: Mapped[str | None] = mapped_column(String(100))
    #: the clearance: who cleared exercise to resume (name and role) and on which day
    red_flag_cleared_by: Mapped[str | None] = mapped_column(String(200))
    red_flag_cleared_on: Mapped[dt.date | None] = mapped_column(Date)
    red_flag_clearance_note: Mapped[str | None] = mapped_column(Text)
    #: when and by whom the clearance was recorded: a positive screen is open (progression
    #: holds) while this is NULL (services._lookup.open_red_flags)
    red_flag_acknowledged_at: Mapped[dt.datetime | None]
    red_flag_acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="final")
    #: where the record came from: typed at this clinic, or imported from a home log file
    source: Mapped[str] = mapped_column(String(16), default="clinic")
    deleted_at: Mapped[dt.datetime | None]

    exercises: Mapped[list[ExerciseLog]] = relationship(
        back_populates="session", order_by="ExerciseLog.position", cascade="all, delete-orphan"
    )
    adverse_events: Mapped[list[AdverseEvent]] = relationship(back_populates="session")


class ExerciseLog(Travelling, Base):
    """One exercise of a session log: done as prescribed, changed, or not done (an exercise
    nobody recorded is not stored; migration 0009)."""

    __tablename__ = "exercise_logs"
    __table_args__ = (
        CheckConstraint("status IN ('done', 'changed', 'not_done')", name="status"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session_logs.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exercises.id"))
    prescription_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("prescriptions.id", ondelete="SET NULL")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)

    session: Mapped[SessionLog] = relationship(back_populates="exercises")
    exercise: Mapped[Exercise] = relationship()
    sets: Mapped[list[SetLog]] = relationship(
        back_populates="exercise_log", order_by="SetLog.set_number", cascade="all, delete-orphan"
    )


class SetLog(Travelling, Base):
    __tablename__ = "set_logs"
    __table_args__ = (
        CheckConstraint("effort IS NULL OR (effort >= 0 AND effort <= 10)", name="effort"),
        CheckConstraint("reps IS NULL OR reps >= 0", name="reps"),
        CheckConstraint("load_kg IS NULL OR load_kg >= 0", name="load"),
    )

    exercise_log_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("exercise_logs.id", ondelete="CASCADE"), index=True
    )
    set_number: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int | None] = mapped_column(Integer)
    hold_seconds: Mapped[float | None] = mapped_column("hold_s", Float)
    load_kg: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    effort: Mapped[int | None] = mapped_column(Integer)

    exercise_log: Mapped[ExerciseLog] = relationship(back_populates="sets")


class AdverseEvent(Travelling, Base):
    __tablename__ = "adverse_events"
    __table_args__ = (
        CheckConstraint(
            "severity IN ('mild', 'moderate', 'severe', 'serious')", name="severity"
        ),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("session_logs.id", ondelete="SET NULL"), index=True
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    action_taken: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[dt.datetime | None]

    session: Mapped[SessionLog | None] = relationship(back_populates="adverse_events")


class Draft(Base):
    """Form contents saved as the user types, so a crash or a closed window loses nothing."""

    __tablename__ = "drafts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="system")


# --- outcomes -------------------------------------------------------------------------------


class OutcomeAssessment(Versioned, Travelling, Base):
    """A questionnaire or rating: ODI, RMDQ, back or leg pain (NPRS), the Patient-Specific
    Functional Scale (its activities and ratings) or a Global Rating of Change, with its raw
    answers."""

    __tablename__ = "outcome_assessments"
    __table_args__ = (
        CheckConstraint(
            "instrument IN ('odi', 'rmdq', 'nprs_back', 'nprs_leg', 'psfs', 'grc')",
            name="instrument",
        ),
        Index("ix_outcome_assessments_patient_instrument", "patient_id", "instrument"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    program_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL")
    )
    instrument: Mapped[str] = mapped_column(String(16))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    timepoint: Mapped[str] = mapped_column(String(32), default="other")
    #: raw item answers, e.g. {"sections": [3, 2, None, ...]} or {"items": [true, ...]}
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    score: Mapped[float] = mapped_column(Float)
    #: which rule scored it, e.g. "odi-2.1a;max_missing=1"
    scoring_rule: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="clinic")
    notes: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[dt.datetime | None]


class WalkTest(Versioned, Travelling, Base):
    """A walking, mobility or performance test (the five-repetition sit-to-stand and the
    Biering-Sorensen hold), its result in SI units (metres or seconds)."""

    __tablename__ = "walk_tests"
    __table_args__ = (
        CheckConstraint(
            "test IN ('walk_5min', 'walk_6min', 'walk_50ft_preferred', 'walk_50ft_fastest', "
            "'tug', 'sts_5x', 'sorensen')",
            name="test",
        ),
        CheckConstraint("value >= 0", name="value"),
        Index("ix_walk_tests_patient_test", "patient_id", "test"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    program_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL")
    )
    test: Mapped[str] = mapped_column(String(32))
    performed_on: Mapped[dt.date] = mapped_column(Date)
    timepoint: Mapped[str] = mapped_column(String(32), default="other")
    #: metres for distance tests, seconds for timed tests
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(4))
    #: laps, course_length_m, partial_lap_m, rests, stop_reason, effort/breathlessness, HR, SpO2
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source: Mapped[str] = mapped_column(String(16), default="clinic")
    notes: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[dt.datetime | None]


class NeuroScreen(Travelling, Base):
    """A neurological screen of both legs (straight-leg raise, myotomes, dermatomes, reflexes)
    at an assessment time point; the findings as domain.neuro stores them."""

    __tablename__ = "neuro_screens"
    __table_args__ = (Index("ix_neuro_screens_patient_examined", "patient_id", "examined_on"),)

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    program_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL")
    )
    examined_on: Mapped[dt.date] = mapped_column(Date)
    timepoint: Mapped[str] = mapped_column(String(32), default="other")
    #: {"left": {"slr": ..., "slr_angle": ..., "myotomes": {...}, ...}, "right": {...}}
    findings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: which rules read the findings, e.g. "neuro-screen-1"
    rule_version: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), default="clinic")
    notes: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[dt.datetime | None]


class AssessmentSkip(Travelling, Base):
    """An instrument of an assessment not done, and why (issue 11 item 4): it counts for the
    assessment as a record of the instrument does (domain.assessments), so a review is done
    when each of its instruments is recorded or skipped."""

    __tablename__ = "assessment_skips"
    __table_args__ = (
        CheckConstraint("length(trim(reason)) > 0", name="reason"),
        Index("ix_assessment_skips_patient_skipped", "patient_id", "skipped_on"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    program_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("programs.id", ondelete="SET NULL")
    )
    #: the instrument's code, as the scheduled assessment lists it ("odi", "walk_5min", ...)
    instrument: Mapped[str] = mapped_column(String(32))
    skipped_on: Mapped[dt.date] = mapped_column(Date)
    timepoint: Mapped[str] = mapped_column(String(32), default="other")
    reason: Mapped[str] = mapped_column(Text)
    deleted_at: Mapped[dt.datetime | None]


# --- settings, imports, audit ---------------------------------------------------------------


class Setting(Versioned, Base):
    """Clinic-wide settings shared by every workstation (plain JSON values)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Counter(Base):
    """Named counters (e.g. the next clinic record number), incremented inside a write."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class ImportBatch(Base):
    """One home-log file merged into the clinic database; importing it again changes nothing."""

    __tablename__ = "import_batches"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    device: Mapped[str] = mapped_column(String(200))
    exported_at: Mapped[dt.datetime]
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SigningKey(Travelling, Base):
    """An Ed25519 public key (issue 14): the clinic's own (``role`` "clinic", one per clinic
    database; its private half is a file in the settings folder of the workstation that made
    it, ``data.signing_keys``, never in the database) or, in a home database, the clinic key
    pinned at the first imported pack (``role`` "pinned")."""

    __tablename__ = "signing_keys"
    __table_args__ = (
        CheckConstraint("role IN ('clinic', 'pinned')", name="role"),
        CheckConstraint("algorithm = 'ed25519'", name="algorithm"),
    )

    #: 32 hex digits of the SHA-256 of the raw public key (``data.signing_keys.key_id``)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16), default="ed25519")
    #: the raw 32-byte public key, hex
    public_key: Mapped[str] = mapped_column(String(64))
    #: one key per role in a database: a second clinic key (two workstations making one at
    #: once) or a second pinned key is refused by the database
    role: Mapped[str] = mapped_column(String(16), unique=True)
    #: whose key: the clinic's name when it was made or pinned (for the user's eyes only)
    owner: Mapped[str] = mapped_column(String(200), default="")


class HomePack(Travelling, Base):
    """A home pack (issue 14): at the clinic, one sent (``direction`` "sent"); in a home
    database, one applied ("applied"). ``id`` is the pack's own UUID, ``version`` goes up by one
    per patient at each pack the clinic makes; a home database applies only a newer one."""

    __tablename__ = "home_packs"
    __table_args__ = (
        CheckConstraint("direction IN ('sent', 'applied')", name="direction"),
        CheckConstraint("version >= 1", name="version"),
        UniqueConstraint(
            "patient_id", "direction", "version", name="uq_home_packs_patient_direction_version"
        ),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    #: the clinic key that signed it
    key_id: Mapped[str] = mapped_column(String(32))
    #: SHA-256 of the whole file, hex
    sha256: Mapped[str] = mapped_column(String(64))
    #: when the clinic made it (the pack's own time stamp)
    made_at: Mapped[dt.datetime]
    size_bytes: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """Append-only audit trail, chained and sealed (HMAC-SHA256 under the key ``key_id`` names,
    kept outside the database) so a changed or removed row shows (``data.audit``).

    Database triggers refuse UPDATE and DELETE on this table (see the initial migration).
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        #: the trail of one table's record, in order (``db check`` compares records with it)
        Index("ix_audit_log_entity_entity_id_seq", "entity", "entity_id", "seq"),
        #: the audit viewer's filters by kind and by user, newest first (migration 0012)
        Index("ix_audit_log_action_seq", "action", "seq"),
        Index("ix_audit_log_actor_seq", "actor", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True, default=new_id)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc())
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: the key that sealed the entry (``data.audit_keys.key_id``); None: the unkeyed SHA-256
    #: of entries written before revision 0009
    key_id: Mapped[str | None] = mapped_column(String(32))
    #: the operating-system account the app ran under, beside ``actor`` (the signed-in user);
    #: None for entries before revision 0015 and for the system's own work. Covered by the
    #: seal when present (``data.audit``).
    os_user: Mapped[str | None] = mapped_column(String(100))
