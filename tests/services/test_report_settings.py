"""The report's settings: the signing clinician and the clinic logo (stored, checked, audited,
refused when stale), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rehab_tracker.data.models import AuditEntry
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.errors import ConflictError
from rehab_tracker.services.settings import (
    LOGO_KEY,
    LOGO_MAX_BYTES,
    SIGNER_KEY,
    ClinicDetails,
    ReportSigner,
    SettingsService,
)
from tests.staff import staff

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _save(settings: SettingsService, signer: ReportSigner | None, versions=None) -> None:  # type: ignore[no-untyped-def]
    settings.save_clinic_settings(
        ClinicDetails("Riverside"),
        units="metric",
        odi_max_missing=1,
        pain_ceiling=7,
        threshold_overrides={},
        signer=signer,
        expected_versions=versions,
    )


def test_signer_round_trip_checks_and_audit(any_db) -> None:  # type: ignore[no-untyped-def]
    settings = SettingsService(any_db, staff("dr.kim"))
    assert settings.report_signer() == ReportSigner()
    _save(settings, ReportSigner("  Dr  Ana Ruiz ", " HCPC PH123456 "))
    assert settings.report_signer() == ReportSigner("Dr Ana Ruiz", "HCPC PH123456")
    with any_db.reading() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == SIGNER_KEY)
        ).all()
    assert entries and entries[-1].actor == "dr.kim"
    with pytest.raises(ValidationError) as refused:
        _save(settings, ReportSigner("", "HCPC PH999"))
    assert "signer_name" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        _save(settings, ReportSigner("A", "x" * 41))
    assert "signer_registration" in refused.value.errors
    # nothing of a refused save was kept
    assert settings.report_signer() == ReportSigner("Dr Ana Ruiz", "HCPC PH123456")
    # a save without a signer leaves it
    _save(settings, None)
    assert settings.report_signer().name == "Dr Ana Ruiz"


def test_signer_save_over_a_newer_one_is_refused(any_db) -> None:  # type: ignore[no-untyped-def]
    desk_a, desk_b = SettingsService(any_db, staff("a")), SettingsService(any_db, staff("b"))
    seen = desk_b.versions()
    _save(desk_a, ReportSigner("Dr Ana Ruiz"), desk_a.versions())
    with pytest.raises(ConflictError):
        _save(desk_b, ReportSigner("Dr Bo Li"), seen)
    assert desk_b.report_signer().name == "Dr Ana Ruiz"


def test_logo_is_checked_stored_and_removed(any_db) -> None:  # type: ignore[no-untyped-def]
    settings = SettingsService(any_db, staff("tester"))
    assert settings.clinic_logo() is None
    for bad, words in (
        (b"", "empty"),
        (b"GIF89a" + b"\x00" * 10, "PNG or JPEG"),
        (PNG + b"\x00" * LOGO_MAX_BYTES, "too large"),
    ):
        with pytest.raises(ValidationError, match=words):
            settings.set_clinic_logo(bad)
    settings.set_clinic_logo(PNG)
    assert settings.clinic_logo() == PNG
    version = settings.versions()[LOGO_KEY]
    with pytest.raises(ConflictError):
        settings.set_clinic_logo(b"\xff\xd8\xff" + b"\x00" * 8, expected_version=version - 1)
    settings.set_clinic_logo(None, expected_version=version)
    assert settings.clinic_logo() is None
