"""``ReportDataService`` (``Services.reports``) and :func:`read_report`, which composes the
section readers of this package into one :class:`ReportData` over one read session."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Patient, Program
from rehab_tracker.domain.programs import OPEN_STATUSES
from rehab_tracker.domain.roles import Principal
from rehab_tracker.domain.thresholds import Threshold
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.outcomes.summary import read_measure_notes
from rehab_tracker.services.report_data.axis import time_axis
from rehab_tracker.services.report_data.header import clinic_header, read_patient, read_surgery
from rehab_tracker.services.report_data.model import (
    ClinicHeader,
    ProgramSummary,
    ReportData,
    weeks_between,
)
from rehab_tracker.services.report_data.outcome_table import outcome_rows
from rehab_tracker.services.report_data.outcomes import read_questionnaires
from rehab_tracker.services.report_data.pain import read_session_pain
from rehab_tracker.services.report_data.period import check_period, restrict
from rehab_tracker.services.report_data.program import read_adherence, read_program
from rehab_tracker.services.report_data.safety import read_adverse_events, read_red_flags
from rehab_tracker.services.report_data.training import read_training
from rehab_tracker.services.report_data.walks import read_walks, six_minute_reference
from rehab_tracker.services.settings import ReportSigner, SettingsService
from rehab_tracker.services.users import UserService


class ReportDataService:
    """Reads what reports and charts need; one read-only session per call."""

    def __init__(
        self, db: Database, principal: Principal, settings: SettingsService | None = None
    ) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username
        self.settings = settings or SettingsService(db, principal)

    def gather(
        self,
        patient_id: uuid.UUID,
        *,
        today: dt.date,
        period_start: dt.date | None = None,
        period_end: dt.date | None = None,
    ) -> ReportData:
        """The report data of one patient up to ``today`` (events from ``period_start`` on).

        With a ``period_end``, the data are as on that day; with a ``period_start``, what came
        before it is left out (:mod:`~rehab_tracker.services.report_data.period`). A range
        ending after ``today`` or before it starts is refused (ValidationError)."""
        check_period(period_start, period_end, today)
        clinic = clinic_header(
            self.settings.clinic_details(), self.signer(), self.settings.clinic_logo()
        )
        # the clinic's settings as every service reads them: a damaged value falls back to
        # its default (thresholds: the cited defaults) instead of stopping the report
        loaded = self.settings.load()
        with self.db.reading() as session:
            data = read_report(
                session,
                patient_id,
                today=period_end or today,
                period_start=period_start,
                clinic=clinic,
                units=loaded.units,
                thresholds=loaded.thresholds,
            )
        if period_start is not None:
            return restrict(data, period_start, today)
        return data if period_end is None else dataclasses.replace(data, generated_on=today)

    def signer(self) -> ReportSigner:
        """Who signs: the signed-in physiotherapist (or administrator) whose profile has a
        registration number, else the clinic settings' signer (issue 13)."""
        own = UserService(self.db, self.principal).signer()
        if own is not None:
            return ReportSigner(own.name, own.registration_number)
        return self.settings.report_signer()

    def active_patient_ids(self) -> list[tuple[uuid.UUID, str, str]]:
        """(id, record number, name) of every patient not archived with a planned or active
        program, by family name: who a batch export covers."""
        with self.db.reading() as session:
            rows = session.execute(
                select(Patient.id, Patient.record_number, Patient.given_name, Patient.family_name)
                .where(
                    Patient.archived_at.is_(None),
                    Patient.id.in_(
                        select(Program.patient_id).where(Program.status.in_(OPEN_STATUSES))
                    ),
                )
                .order_by(Patient.family_name, Patient.given_name, Patient.record_number)
            )
            return [(pid, number, f"{given} {family}") for pid, number, given, family in rows]


def read_report(
    session: Session,
    patient_id: uuid.UUID,
    *,
    today: dt.date,
    period_start: dt.date | None,
    clinic: ClinicHeader,
    units: str,
    thresholds: Mapping[str, Threshold],
) -> ReportData:
    """One patient's report data up to ``today``, section by section."""
    patient = read_patient(session, patient_id, today)
    surgery = read_surgery(session, patient_id)
    program_row = lookup.current_program(lookup.programs_by_start(session, patient_id))
    origin, axis_label = time_axis(session, patient_id, surgery, program_row, today)

    def x(day: dt.date) -> float:
        return weeks_between(origin, day)

    program = read_program(session, program_row, today, x)
    outcomes = read_questionnaires(session, patient_id, today, x)
    walks = read_walks(session, patient_id, today, x)
    start = period_start if period_start is not None else default_period_start(origin, program)
    return ReportData(
        generated_on=today,
        period_start=start,
        period_end=today,
        clinic=clinic,
        patient=patient,
        surgery=surgery,
        program=program,
        adherence=read_adherence(session, program, today),
        axis_origin=origin,
        axis_label=axis_label,
        outcomes=outcomes,
        session_pain=read_session_pain(session, patient_id, today, x),
        walks=walks,
        six_minute_reference=six_minute_reference(patient),
        training=read_training(session, patient_id, program, today),
        red_flags=read_red_flags(session, patient_id, start, today),
        adverse_events=read_adverse_events(session, patient_id, start, today),
        outcome_rows=outcome_rows((*outcomes, *walks), thresholds, units),
        thresholds=thresholds,
        units=units,
        measure_notes=read_measure_notes(session, patient_id, today),
    )


def default_period_start(origin: dt.date, program: ProgramSummary | None) -> dt.date:
    """Where the report period starts when not given: the axis origin or the program start,
    whichever is earlier."""
    return origin if program is None else min(origin, program.start_date)
