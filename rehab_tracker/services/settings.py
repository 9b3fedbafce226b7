"""Clinic settings shared by every workstation, stored in the Setting table (plain JSON values).

Defaults live here, in one place (:data:`DEFAULTS`). Keys:

* ``units``: ``{"system": "metric" | "imperial"}`` (display only; values are stored in SI);
* ``odi_rule``: ``{"max_missing": 1}`` how many unanswered ODI sections still give a score
  (``None`` = any number);
* ``thresholds``: ``{"overrides": {"odi": {"absolute": 13, "relative": 0.33}, ...}}``
  (see :func:`rehab_tracker.domain.thresholds.with_overrides`);
* ``progression``: ``{"pain_ceiling": 7}`` back or leg pain (0-10) at or above which the
  progression engine holds an exercise (a clinic default,
  :data:`rehab_tracker.domain.progression.PAIN_CEILING_DEFAULT`);
* ``wording.odi`` / ``wording.rmdq``: ``{"document": {...}}`` a licensed clinic's wording file;
* ``clinic``: ``{"name", "address", "phone", "email"}`` (strings; absent when nothing is set) for
  the progress report header (services.report_data reads name, address, phone) and the home
  exercise sheet (:meth:`ProgramService.clinic_contact` reads it through this service);
* ``report.signer``: ``{"name", "registration"}`` the clinician who signs the progress reports
  and their professional registration number (until clinic sign-in gives the signed-in user's);
* ``clinic.logo``: ``{"format": "png" | "jpeg", "base64": ...}`` the clinic's logo for the report
  header (at most :data:`LOGO_MAX_BYTES`).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Setting
from rehab_tracker.domain import bounds
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.instruments import (
    WORDING_INSTRUMENTS,
    InstrumentWording,
    parse_wording,
)
from rehab_tracker.domain.progression import PAIN_CEILING_DEFAULT, is_pain_ceiling
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.domain.scoring import is_max_missing
from rehab_tracker.domain.thresholds import DEFAULT_THRESHOLDS, Threshold, with_overrides
from rehab_tracker.domain.units import UNIT_SYSTEMS
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import ConflictError

DEFAULTS: Mapping[str, dict[str, Any]] = {
    "units": {"system": "metric"},
    "odi_rule": {"max_missing": 1},
    "thresholds": {"overrides": {}},
    "progression": {"pain_ceiling": PAIN_CEILING_DEFAULT},
}


CLINIC_KEY = "clinic"
CLINIC_FIELDS = ("name", "address", "phone", "email")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]+$")
_MAX_LENGTH = {"name": 120, "address": 300, "phone": 30, "email": 254}


@dataclass(frozen=True)
class ClinicDetails:
    """The clinic's name and contact details as printed on reports and exercise sheets."""

    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""

    @property
    def empty(self) -> bool:
        return not any((self.name, self.address, self.phone, self.email))

    @property
    def contact_line(self) -> str | None:
        """One line for a printed sheet: name - phone - email (what is set), else None."""
        return " - ".join(p for p in (self.name, self.phone, self.email) if p) or None


def check_clinic_details(details: ClinicDetails) -> ClinicDetails:
    """The details with surrounding spaces removed; ValidationError (per field) if refused."""
    clean = ClinicDetails(*(" ".join(getattr(details, f).split()) if f != "address"
                            else getattr(details, f).strip() for f in CLINIC_FIELDS))
    errors = Collector()
    if not clean.empty and not clean.name:
        errors.add("name", "Enter the clinic name (it heads the report and the exercise sheet).")
    for name in CLINIC_FIELDS:
        limit = _MAX_LENGTH[name]
        if len(getattr(clean, name)) > limit:
            errors.add(name, f"At most {limit} characters.")
        bounds.check_text(errors, name, getattr(clean, name), limit=limit,
                          multiline=name == "address")
    if clean.phone and (
        not _PHONE.match(clean.phone) or sum(c.isdigit() for c in clean.phone) < 5
    ):
        errors.add(
            "phone",
            "Phone: digits, spaces and + ( ) - . / only, at least 5 digits "
            "(e.g. +44 20 7946 0000).",
        )
    if clean.email and not _EMAIL.match(clean.email):
        errors.add("email", "Email: an address like reception@clinic.example.")
    errors.raise_if_any()
    return clean


SIGNER_KEY = "report.signer"
LOGO_KEY = "clinic.logo"
#: the largest logo kept (bytes): a header image, read with every report
LOGO_MAX_BYTES = 256 * 1024
_LOGO_FORMATS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


@dataclass(frozen=True)
class ReportSigner:
    """The clinician who signs the progress reports: name and professional registration
    number (e.g. "HCPC PH123456"), as printed above the signature line."""

    name: str = ""
    registration: str = ""


def check_report_signer(signer: ReportSigner) -> ReportSigner:
    """The signer with spaces tidied; ValidationError (``signer_name`` /
    ``signer_registration``) if refused."""
    clean = ReportSigner(" ".join(signer.name.split()), " ".join(signer.registration.split()))
    errors = Collector()
    if clean.registration and not clean.name:
        errors.add("signer_name", "Enter the clinician's name for this registration number.")
    if len(clean.name) > 120:
        errors.add("signer_name", "At most 120 characters.")
    if len(clean.registration) > 40:
        errors.add("signer_registration", "At most 40 characters.")
    errors.raise_if_any()
    return clean


def logo_format(data: bytes) -> str:
    """``"png"`` or ``"jpeg"`` for a logo image; ValidationError (``logo``) if refused."""
    if not data:
        raise ValidationError.single("logo", "The logo file is empty.")
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError.single(
            "logo", f"The logo is too large: at most {LOGO_MAX_BYTES // 1024} KB."
        )
    for magic, kind in _LOGO_FORMATS.items():
        if data.startswith(magic):
            return kind
    raise ValidationError.single("logo", "The logo must be a PNG or JPEG image.")


@dataclass(frozen=True)
class ClinicSettings:
    units: str
    odi_max_missing: int | None
    threshold_overrides: dict[str, dict[str, float | None]]
    thresholds: dict[str, Threshold]
    odi_wording: InstrumentWording | None
    rmdq_wording: InstrumentWording | None
    #: back or leg pain (0-10) at or above which an exercise holds (progression rule 4)
    progression_pain_ceiling: int = PAIN_CEILING_DEFAULT


#: the automatic lock's idle time (issue 13 item 3): the clinic default and the bounds, minutes
LOCK_KEY = "lock"
LOCK_DEFAULT = 10
LOCK_MIN, LOCK_MAX = 1, 120


def check_lock_minutes(minutes: object) -> int:
    """``minutes`` as a whole number of minutes in LOCK_MIN-LOCK_MAX, else ValidationError
    (``lock_minutes``)."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
        LOCK_MIN <= minutes <= LOCK_MAX
    ):
        raise ValidationError.single(
            "lock_minutes",
            f"Lock after {LOCK_MIN}-{LOCK_MAX} minutes without use (clinic default "
            f"{LOCK_DEFAULT}).",
        )
    return minutes


#: what the second writer of the settings is told they were (``lookup.conflict_message``)
STALE = "One of the clinic settings"


class SettingsService:
    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    # --- reading ---------------------------------------------------------------------------

    def _values(self) -> dict[str, dict[str, Any]]:
        """The stored values, read once per read snapshot (``Database.snapshot``: several panes
        of one selection ask for the settings); a copy the caller may change."""
        return copy.deepcopy(self.db.memo("settings", self._read_values))

    def _read_values(self) -> dict[str, dict[str, Any]]:
        with self.db.reading() as session:
            # a value of the wrong shape counts as missing: its default is used
            rows = {
                s.key: dict(s.value)
                for s in session.query(Setting).all()
                if isinstance(s.value, Mapping)
            }
        return rows

    def load(self) -> ClinicSettings:
        """Every clinic setting, defaults filled in; a damaged stored value falls back to its
        default rather than stopping the app."""
        raw = self._values()
        units = raw.get("units", DEFAULTS["units"]).get("system", "metric")
        if units not in UNIT_SYSTEMS:
            units = "metric"
        max_missing = raw.get("odi_rule", DEFAULTS["odi_rule"]).get("max_missing", 1)
        if not is_max_missing(max_missing):
            max_missing = 1
        overrides = raw.get("thresholds", DEFAULTS["thresholds"]).get("overrides", {}) or {}
        try:
            if not isinstance(overrides, dict):
                raise ValidationError.single("thresholds", "Expected a mapping of measures.")
            thresholds = with_overrides(overrides)
        except ValidationError:
            overrides, thresholds = {}, dict(DEFAULT_THRESHOLDS)
        stored = raw.get("progression", DEFAULTS["progression"]).get("pain_ceiling")
        ceiling = stored if is_pain_ceiling(stored) else PAIN_CEILING_DEFAULT
        return ClinicSettings(
            units=units,
            odi_max_missing=max_missing,
            threshold_overrides=overrides,
            thresholds=thresholds,
            odi_wording=self._wording(raw, "odi"),
            rmdq_wording=self._wording(raw, "rmdq"),
            progression_pain_ceiling=ceiling,
        )

    @staticmethod
    def _wording(raw: Mapping[str, dict[str, Any]], instrument: str) -> InstrumentWording | None:
        stored = raw.get(f"wording.{instrument}")
        if not stored or not stored.get("document"):
            return None
        try:
            return parse_wording(stored["document"], instrument)
        except ValueError:
            return None

    def units(self) -> str:
        return self.load().units

    def thresholds(self) -> dict[str, Threshold]:
        return self.load().thresholds

    def clinic_details(self) -> ClinicDetails:
        """The stored clinic details (empty strings where nothing is set)."""
        with self.db.reading() as session:
            row = session.get(Setting, CLINIC_KEY)
            value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
        return ClinicDetails(
            *(str(value.get(f) or "").strip() for f in CLINIC_FIELDS)
        )

    def report_signer(self) -> ReportSigner:
        """The clinician who signs the reports (empty strings where nothing is set)."""
        with self.db.reading() as session:
            row = session.get(Setting, SIGNER_KEY)
            value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
        return ReportSigner(
            str(value.get("name") or "").strip(), str(value.get("registration") or "").strip()
        )

    def lock_minutes(self) -> int:
        """Minutes without input before the window locks (LOCK_DEFAULT when not set or a
        stored value is damaged)."""
        with self.db.reading() as session:
            row = session.get(Setting, LOCK_KEY)
            value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
        try:
            return check_lock_minutes(value.get("minutes", LOCK_DEFAULT))
        except ValidationError:
            return LOCK_DEFAULT

    @requires(Permission.SETTINGS)
    def set_lock_minutes(self, minutes: int, *, expected_version: int | None = None) -> None:
        """The automatic lock's idle time, LOCK_MIN-LOCK_MAX minutes (administrator)."""
        self._put(LOCK_KEY, {"minutes": check_lock_minutes(minutes)}, expected_version)

    def clinic_logo(self) -> bytes | None:
        """The clinic's logo image (PNG or JPEG bytes), None when none is set or the stored one
        is damaged."""
        with self.db.reading() as session:
            row = session.get(Setting, LOGO_KEY)
            value = dict(row.value) if row is not None and isinstance(row.value, dict) else {}
        try:
            data = base64.b64decode(str(value.get("base64") or ""), validate=True)
            logo_format(data)
        except (binascii.Error, ValueError, ValidationError):
            return None
        return data

    @requires(Permission.SETTINGS)
    def set_clinic_logo(self, data: bytes | None, *, expected_version: int | None = None) -> None:
        """Store the clinic's logo (PNG or JPEG, checked), or remove it (None)."""
        value = (
            None
            if data is None
            else {"format": logo_format(data), "base64": base64.b64encode(data).decode("ascii")}
        )
        self._put(LOGO_KEY, value, expected_version)

    def versions(self) -> dict[str, int]:
        """The version of each stored setting, by key (a key not stored is at version 0): a
        settings form keeps them, and its save is refused once another workstation moved one."""
        with self.db.reading() as session:
            return {key: version for key, version in session.execute(
                select(Setting.key, Setting.version))}

    # --- writing ---------------------------------------------------------------------------

    def _put(self, key: str, value: dict[str, Any] | None, expected: int | None = None) -> None:
        self._put_all({key: value}, None if expected is None else {key: expected})

    def _put_all(
        self, values: Mapping[str, dict[str, Any] | None], expected: Mapping[str, int] | None
    ) -> None:
        """Store (None: remove) settings in one unit of work: all or none. With ``expected``
        (key -> version the form read, 0 for a key not stored), refused as a whole
        (ConflictError) when another workstation changed any of them since."""
        with lookup.editing(self.db, self.principal, STALE) as session:
            rows = {key: session.get(Setting, key) for key in values}
            for key, row in rows.items():
                if expected is not None:
                    lookup.check_version(row, expected.get(key, 0), STALE)
                value = values[key]
                if value is None:
                    if row is not None:
                        session.delete(row)
                elif row is None:
                    session.add(Setting(key=key, value=value))
                else:
                    row.value = value
            try:
                session.flush()
            except IntegrityError as exc:  # PostgreSQL: another desk added the key meanwhile
                raise ConflictError(lookup.conflict_message(STALE)) from exc

    @requires(Permission.SETTINGS)
    def set_units(self, system: str, *, expected_version: int | None = None) -> None:
        self._put("units", _units_value(system), expected_version)

    @requires(Permission.SETTINGS)
    def set_odi_max_missing(
        self, max_missing: int | None, *, expected_version: int | None = None
    ) -> None:
        self._put("odi_rule", _odi_rule_value(max_missing), expected_version)

    @requires(Permission.SETTINGS)
    def set_progression_pain_ceiling(
        self, ceiling: int, *, expected_version: int | None = None
    ) -> None:
        """The pain (0-10) at or above which progression holds an exercise (1-10)."""
        self._put("progression", _pain_ceiling_value(ceiling), expected_version)

    @requires(Permission.SETTINGS)
    def set_threshold_overrides(
        self,
        overrides: Mapping[str, Mapping[str, float | None]],
        *,
        expected_version: int | None = None,
    ) -> None:
        """Replace the clinic's threshold overrides (validated; keys ``<measure>.<field>``)."""
        self._put("thresholds", _thresholds_value(overrides), expected_version)

    @requires(Permission.SETTINGS)
    def set_clinic_details(
        self, details: ClinicDetails, *, expected_version: int | None = None
    ) -> ClinicDetails:
        """Store the clinic details (validated; all empty removes them); returns what was kept.
        Empty fields are left out of the stored value so readers fall back to their defaults."""
        clean, stored = _clinic_value(details)
        self._put(CLINIC_KEY, stored, expected_version)
        return clean

    @requires(Permission.SETTINGS)
    def save_clinic_settings(
        self,
        details: ClinicDetails,
        *,
        units: str,
        odi_max_missing: int | None,
        pain_ceiling: int,
        threshold_overrides: Mapping[str, Mapping[str, float | None]],
        expected_versions: Mapping[str, int] | None = None,
        signer: ReportSigner | None = None,
        lock_minutes: int | None = None,
    ) -> ClinicDetails:
        """The Clinic Settings dialog's Save: every part checked first, then all written in one
        unit of work, so a failure part-way leaves none of them changed. With
        ``expected_versions`` (:meth:`versions` as the dialog read them; a key not stored at 0)
        refused as a whole (ConflictError) when another workstation changed one of these
        settings since; None: no check (scripts). ``signer``: the reports' signing clinician
        (None: left as stored); ``lock_minutes``: the automatic lock's idle time (None: left
        as stored). Returns the details kept."""
        clean, stored = _clinic_value(details)
        lock = (
            {} if lock_minutes is None
            else {LOCK_KEY: {"minutes": check_lock_minutes(lock_minutes)}}
        )
        values = {
            **({} if signer is None else {SIGNER_KEY: _signer_value(signer)}),
            **lock,
            CLINIC_KEY: stored,
            "units": _units_value(units),
            "odi_rule": _odi_rule_value(odi_max_missing),
            "progression": _pain_ceiling_value(pain_ceiling),
            "thresholds": _thresholds_value(threshold_overrides),
        }
        expected = (
            None
            if expected_versions is None
            else {key: expected_versions.get(key, 0) for key in values}
        )
        self._put_all(values, expected)
        return clean

    @requires(Permission.SETTINGS)
    def import_wording(self, instrument: str, text: str) -> InstrumentWording:
        """Store a licensed clinic's wording file (JSON text) after checking it."""
        try:
            wording = parse_wording(text, instrument)
        except ValueError as exc:
            raise ValidationError.single("wording", str(exc)) from exc
        problem = _stored_text_problem(json.loads(text))
        if problem is not None:
            raise ValidationError.single("wording", f"The wording file: {problem}")
        self._put(f"wording.{instrument}", {"document": json.loads(text)})
        return wording

    @requires(Permission.SETTINGS)
    def remove_wording(self, instrument: str) -> None:
        if instrument not in WORDING_INSTRUMENTS:
            raise ValidationError.single(
                "wording", f"There is no loadable wording for {instrument!r}."
            )
        self._put(f"wording.{instrument}", None)


# --- the stored value of each setting, checked (ValidationError keyed by the setting) ---------


def _stored_text_problem(document: object) -> str | None:
    """The first text of a JSON document that cannot be stored (a control character: on
    PostgreSQL a NUL cannot be kept in JSON at all), or None."""
    if isinstance(document, str):
        return bounds.text_problem(document, limit=bounds.LONG_TEXT, multiline=True)
    children = (
        [*document.keys(), *document.values()] if isinstance(document, dict)
        else document if isinstance(document, list) else []
    )
    for child in children:
        problem = _stored_text_problem(child)
        if problem is not None:
            return problem
    return None


def _units_value(system: str) -> dict[str, Any]:
    if system not in UNIT_SYSTEMS:
        raise ValidationError.single("units", "Units must be metric or imperial.")
    return {"system": system}


def _pain_ceiling_value(ceiling: int) -> dict[str, Any]:
    if not is_pain_ceiling(ceiling):
        raise ValidationError.single(
            "progression_pain_ceiling", "Pain ceiling: a whole number 1-10."
        )
    return {"pain_ceiling": ceiling}


def _odi_rule_value(max_missing: int | None) -> dict[str, Any]:
    if not is_max_missing(max_missing):
        raise ValidationError.single(
            "odi_max_missing", "Allowed missing sections: a whole number 0-9, or any."
        )
    return {"max_missing": max_missing}


def _thresholds_value(overrides: Mapping[str, Mapping[str, float | None]]) -> dict[str, Any]:
    with_overrides(overrides)  # raises ValidationError
    return {"overrides": {m: dict(v) for m, v in overrides.items()}}


def _signer_value(signer: ReportSigner) -> dict[str, Any] | None:
    clean = check_report_signer(signer)
    stored = {k: v for k, v in (("name", clean.name), ("registration", clean.registration)) if v}
    return stored or None


def _clinic_value(details: ClinicDetails) -> tuple[ClinicDetails, dict[str, Any] | None]:
    """The checked details and what is stored (only the fields given; None when all empty)."""
    clean = check_clinic_details(details)
    stored = {f: getattr(clean, f) for f in CLINIC_FIELDS if getattr(clean, f)}
    return clean, stored or None
