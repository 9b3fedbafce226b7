"""The report header: the clinic, the patient, the latest surgery."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import Surgery
from rehab_tracker.domain.patients import age_on
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.report_data.model import ClinicHeader, PatientHeader, SurgeryInfo
from rehab_tracker.services.settings import ClinicDetails, ReportSigner

DEFAULT_CLINIC_NAME = "Rehab Tracker clinic"


def clinic_header(
    details: ClinicDetails, signer: ReportSigner | None = None, logo: bytes | None = None
) -> ClinicHeader:
    signer = signer or ReportSigner()
    return ClinicHeader(
        name=details.name or DEFAULT_CLINIC_NAME,
        address=details.address or None,
        phone=details.phone or None,
        logo=logo,
        signer=signer.name or None,
        signer_registration=signer.registration or None,
    )


def read_patient(session: Session, patient_id: uuid.UUID, today: dt.date) -> PatientHeader:
    """The patient (:class:`~rehab_tracker.services.errors.NotFoundError` when there is none)."""
    patient = lookup.patient(session, patient_id)
    return PatientHeader(
        id=patient.id,
        record_number=patient.record_number,
        name=patient.full_name,
        given_name=patient.given_name,
        date_of_birth=patient.date_of_birth,
        age_years=age_on(patient.date_of_birth, today),
        sex=patient.sex,
        height_m=patient.height_m,
        weight_kg=patient.weight_kg,
        pathway=patient.pathway,
    )


def read_surgery(session: Session, patient_id: uuid.UUID) -> SurgeryInfo | None:
    """The patient's latest surgery, or None (conservative pathway)."""
    surgeries = list(
        session.scalars(
            select(Surgery).where(Surgery.patient_id == patient_id).order_by(Surgery.surgery_date)
        )
    )
    if not surgeries:
        return None
    row = surgeries[-1]
    return SurgeryInfo(
        surgery_date=row.surgery_date,
        levels=tuple(str(x) for x in row.levels),
        side=row.side,
        procedure=row.procedure,
        surgeon=row.surgeon,
        hospital=row.hospital,
    )
