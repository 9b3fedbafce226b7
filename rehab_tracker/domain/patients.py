"""Rules for patient and surgery details, checked by the services and again by every form."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rehab_tracker.domain import bounds
from rehab_tracker.domain.errors import Collector

SEXES = ("male", "female", "other", "unknown")
SIDES = ("left", "right", "bilateral", "central")
#: lumbar and lumbosacral levels a micro-discectomy is done at
LEVELS = ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")
PATHWAYS = ("surgical", "conservative")

HEIGHT_RANGE_CM = (100.0, 250.0)
WEIGHT_RANGE_KG = (30.0, 300.0)
AGE_RANGE_YEARS = (16, 110)

_RECORD_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,31}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class PatientDetails:
    """What the patient form holds, in the units the user typed (cm, kg)."""

    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str
    record_number: str | None = None  # None: the clinic numbers it
    height_cm: float | None = None
    weight_kg: float | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    pathway: str = "surgical"
    notes: str | None = None


@dataclass(frozen=True)
class SurgeryDetails:
    surgery_date: dt.date | None
    levels: tuple[str, ...] = field(default_factory=tuple)
    side: str | None = None
    procedure: str = "Lumbar micro-discectomy"
    surgeon: str | None = None
    hospital: str | None = None
    notes: str | None = None


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Age in whole years on ``on`` (the birthday itself counts; born 29 February: 1 March in
    other years)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def check_patient(details: PatientDetails, *, today: dt.date, errors: Collector) -> None:
    """Add every problem with ``details`` to ``errors`` (field names as on the form)."""
    errors.check(bool(details.given_name.strip()), "given_name", "Enter the given name.")
    errors.check(bool(details.family_name.strip()), "family_name", "Enter the family name.")
    if details.date_of_birth is None:
        errors.add("date_of_birth", "Enter the date of birth.")
    elif details.date_of_birth > today:
        errors.add("date_of_birth", "The date of birth cannot be in the future.")
    else:
        age = age_on(details.date_of_birth, today)
        low, high = AGE_RANGE_YEARS
        errors.check(
            low <= age <= high,
            "date_of_birth",
            f"The patient must be {low} to {high} years old (this date gives {age}).",
        )
    errors.check(details.sex in SEXES, "sex", "Choose male, female, other or unknown.")
    if details.record_number is not None:
        errors.check(
            bool(_RECORD_NUMBER.match(details.record_number.strip())),
            "record_number",
            "Use 1-32 letters, digits, '/', '.', '_' or '-', starting with a letter or digit.",
        )
    for name, label, (least, most), unit in (
        ("height_cm", "Height", HEIGHT_RANGE_CM, "cm"),
        ("weight_kg", "Weight", WEIGHT_RANGE_KG, "kg"),
    ):
        value = getattr(details, name)
        if value is not None:
            errors.check(
                least <= value <= most,
                name,
                f"{label} must be between {least:.0f} and {most:.0f} {unit}.",
            )
    if details.email:
        errors.check(
            bool(_EMAIL.match(details.email.strip())),
            "email",
            "Enter an address like name@example.org.",
        )
    errors.check(
        details.pathway in PATHWAYS, "pathway", "Choose the surgical or the conservative pathway."
    )
    check_patient_bounds(details, errors)


def check_patient_bounds(details: PatientDetails, errors: Collector) -> None:
    """What the columns hold (:mod:`rehab_tracker.domain.bounds`): names with a letter and
    within their length, one-line phone and e-mail, multi-line address and notes without
    control characters, no birth before 1900."""
    bounds.check_name(errors, "given_name", details.given_name)
    bounds.check_name(errors, "family_name", details.family_name)
    bounds.check_text(errors, "record_number", details.record_number, limit=bounds.RECORD_NUMBER)
    bounds.check_text(errors, "phone", details.phone, limit=bounds.PHONE)
    bounds.check_text(errors, "email", details.email, limit=bounds.EMAIL)
    bounds.check_notes(errors, "address", details.address)
    bounds.check_notes(errors, "notes", details.notes)
    bounds.check_past_date(
        errors, "date_of_birth", details.date_of_birth, date_of_birth=None,
        what="The date of birth",
    )


def check_surgery(
    surgery: SurgeryDetails,
    *,
    date_of_birth: dt.date | None,
    today: dt.date,
    errors: Collector,
) -> None:
    if surgery.surgery_date is None:
        errors.add("surgery_date", "Enter the date of surgery.")
    elif surgery.surgery_date > today:
        errors.add("surgery_date", "The surgery date cannot be in the future.")
    elif date_of_birth is not None and surgery.surgery_date <= date_of_birth:
        errors.add("surgery_date", "The surgery date must be after the date of birth.")
    if not surgery.levels:
        errors.add("levels", "Choose at least one spinal level.")
    for level in surgery.levels:
        errors.check(level in LEVELS, "levels", f"Levels must be among {', '.join(LEVELS)}.")
    if surgery.side is not None:
        errors.check(surgery.side in SIDES, "side", "Choose left, right, bilateral or central.")
    errors.check(bool(surgery.procedure.strip()), "procedure", "Enter the procedure.")
    check_surgery_bounds(surgery, errors)


def check_surgery_bounds(surgery: SurgeryDetails, errors: Collector) -> None:
    """What the surgery's columns hold (:mod:`rehab_tracker.domain.bounds`); its notes are
    ``surgery_notes`` (the patient's are ``notes``)."""
    for name in ("procedure", "surgeon", "hospital"):
        bounds.check_text(errors, name, getattr(surgery, name), limit=bounds.LABEL)
    bounds.check_notes(errors, "surgery_notes", surgery.notes)


def validate(
    details: PatientDetails, surgery: SurgeryDetails | None, *, today: dt.date
) -> None:
    """Raise ValidationError listing every problem with the patient and surgery details."""
    errors = Collector()
    check_patient(details, today=today, errors=errors)
    if details.pathway == "surgical":
        if surgery is None:
            errors.add("surgery_date", "A surgical-pathway patient needs the surgery details.")
        else:
            check_surgery(
                surgery, date_of_birth=details.date_of_birth, today=today, errors=errors
            )
    errors.raise_if_any()
