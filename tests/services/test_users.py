"""Staff accounts (issue 13 items 1, 2): Argon2id storage, re-hash, delays, reset, audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from rehab_tracker.data import audit, trail_check
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, User
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.patients import PatientDetails
from rehab_tracker.domain.roles import Role
from rehab_tracker.services import passwords, users
from rehab_tracker.services.access import PermissionDenied
from rehab_tracker.services.container import Services
from rehab_tracker.services.settings import ReportSigner
from rehab_tracker.services.users import SignInDelayed, SignInError, UserForm

PASSWORD = "a quiet walk by the river"
T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def _admin(db: Database) -> Services:
    principal = users.create_first_administrator(
        db, UserForm("owner", "Olive Owner", Role.ADMINISTRATOR, PASSWORD), os_name="olive"
    )
    return Services(db, principal)


def _stored(db: Database, name: str) -> User:
    with db.reading() as session:
        user = session.scalar(select(User).where(User.username == name))
        assert user is not None
        return user


def test_the_hash_is_argon2id_at_the_owasp_parameters(any_db: Database) -> None:
    _admin(any_db)
    stored = _stored(any_db, "owner").password_hash
    assert stored is not None
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), stored
    assert PASSWORD not in stored
    assert passwords.MEMORY_KIB >= 19_456 and passwords.TIME_COST >= 2


def test_a_sign_in_rehashes_when_the_parameters_change(
    any_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _admin(any_db)
    before = _stored(any_db, "owner").password_hash
    stronger = PasswordHasher(time_cost=3, memory_cost=19_456, parallelism=1, type=Type.ID)
    monkeypatch.setattr(passwords, "HASHER", stronger)
    users.sign_in(any_db, "owner", PASSWORD)
    after = _stored(any_db, "owner").password_hash
    assert after is not None and after != before
    assert after.startswith("$argon2id$v=19$m=19456,t=3,p=1$")
    users.sign_in(any_db, "owner", PASSWORD)  # and the new hash verifies
    assert _stored(any_db, "owner").password_hash == after  # no re-hash without a change


def test_wrong_name_and_wrong_password_say_the_same(any_db: Database) -> None:
    _admin(any_db)
    with pytest.raises(SignInError) as wrong_name:
        users.sign_in(any_db, "nobody", PASSWORD)
    with pytest.raises(SignInError) as wrong_password:
        users.sign_in(any_db, "owner", "not the password at all")
    assert str(wrong_name.value) == str(wrong_password.value) == users.WRONG


def test_failed_attempts_make_the_next_one_wait_longer_and_are_stored(any_db: Database) -> None:
    _admin(any_db)
    clock = Clock()
    for _ in range(users.FREE_ATTEMPTS):
        with pytest.raises(SignInError):
            users.sign_in(any_db, "owner", "wrong wrong wrong", now=clock)
    # the third failure starts the delays: even the right password waits now
    with pytest.raises(SignInDelayed) as waiting:
        users.sign_in(any_db, "owner", PASSWORD, now=clock)
    assert waiting.value.wait == dt.timedelta(seconds=1)
    assert "Wait 1 second" in str(waiting.value)
    clock.now += dt.timedelta(seconds=1)
    with pytest.raises(SignInError):
        users.sign_in(any_db, "owner", "wrong again wrong", now=clock)
    stored = _stored(any_db, "owner")
    assert stored.failed_sign_ins == users.FREE_ATTEMPTS + 1
    assert stored.next_sign_in_at == clock.now + dt.timedelta(seconds=2)  # doubled
    clock.now += dt.timedelta(seconds=2)
    principal = users.sign_in(any_db, "owner", PASSWORD, now=clock, os_name="olive")
    assert principal.role is Role.ADMINISTRATOR and principal.os_user == "olive"
    stored = _stored(any_db, "owner")
    assert stored.failed_sign_ins == 0 and stored.next_sign_in_at is None
    assert stored.last_sign_in_at == clock.now
    assert users.delay_after(40) == users.MAX_DELAY


def test_passwords_short_or_common_are_refused_at_the_field(any_db: Database) -> None:
    services = _admin(any_db)
    for weak, word in (
        ("short", "12 characters"),
        ("Password2026!", "common"),
        ("qwertyuiop12", "common"),
        ("Physio123456", "name"),
        ("Clinic2026!!", "common"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.users.add(UserForm("pat", "Pat Physio", Role.PHYSIOTHERAPIST, weak))
        assert set(refused.value.errors) == {"password"}
        assert word in refused.value.errors["password"]
    assert [row.username for row in services.users.list_users()] == ["owner"]


def test_the_first_administrator_is_made_once(any_db: Database) -> None:
    assert not users.has_users(any_db)
    _admin(any_db)
    assert users.has_users(any_db)
    with pytest.raises(users.ServiceError):
        users.create_first_administrator(
            any_db, UserForm("second", "Sam", Role.ADMINISTRATOR, PASSWORD)
        )


def test_only_the_administrator_manages_users(any_db: Database) -> None:
    services = _admin(any_db)
    services.users.add(UserForm("asst", "Ash Assistant", Role.ASSISTANT, PASSWORD))
    assistant = Services(any_db, users.sign_in(any_db, "asst", PASSWORD))
    with pytest.raises(PermissionDenied) as refused:
        assistant.users.add(UserForm("evil", "Eve", Role.ADMINISTRATOR, PASSWORD))
    assert str(refused.value) == "An assistant cannot manage users. Ask an administrator."


def test_a_reset_is_audited_and_the_trail_never_holds_a_hash(any_db: Database) -> None:
    services = _admin(any_db)
    physio = services.users.add(
        UserForm("pat", "Pat Physio", Role.PHYSIOTHERAPIST, PASSWORD, "HCPC PH123456")
    )
    new_password = "another quiet walk home"
    services.users.reset_password(physio, new_password)
    with pytest.raises(SignInError):
        users.sign_in(any_db, "pat", PASSWORD)
    assert users.sign_in(any_db, "pat", new_password).role is Role.PHYSIOTHERAPIST
    with any_db.reading() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        (reset,) = [e for e in entries if e.action == "password_reset"]
        assert reset.actor == "owner" and reset.os_user == "olive"
        assert reset.after == {"username": "pat", "reset_by": "owner"}
        dumped = json.dumps([[e.before, e.after] for e in entries], default=str)
        assert "$argon2" not in dumped and PASSWORD not in dumped
        assert "sha256:" in dumped  # the digest shows that the hash changed
        assert audit.verify_chain(session) == []
    with any_db.read_connection() as conn:
        assert list(trail_check.record_problems(conn)) == []


def test_the_last_active_administrator_stays(any_db: Database) -> None:
    services = _admin(any_db)
    owner = services.principal.user_id
    assert owner is not None
    with pytest.raises(users.ServiceError, match="only active administrator"):
        services.users.set_active(owner, False)
    physio = services.users.add(UserForm("pat", "Pat Physio", Role.PHYSIOTHERAPIST, PASSWORD))
    services.users.set_active(physio, False)
    with pytest.raises(SignInError, match="deactivated"):
        users.sign_in(any_db, "pat", PASSWORD)


def test_the_signed_in_physiotherapist_signs_reports(any_db: Database) -> None:
    services = _admin(any_db)
    services.users.add(
        UserForm("pat", "Pat Physio", Role.PHYSIOTHERAPIST, PASSWORD, "HCPC PH123456")
    )
    services.users.add(UserForm("sam", "Sam Physio", Role.PHYSIOTHERAPIST, PASSWORD))
    pat = Services(any_db, users.sign_in(any_db, "pat", PASSWORD))
    assert pat.reports.signer() == ReportSigner("Pat Physio", "HCPC PH123456")
    sam = Services(any_db, users.sign_in(any_db, "sam", PASSWORD))
    assert sam.reports.signer() == sam.settings.report_signer()  # no number: the settings'


def test_every_audit_row_names_the_signed_in_user_and_the_os_account(any_db: Database) -> None:
    services = _admin(any_db)
    ada = PatientDetails(
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth=dt.date(1980, 5, 17),
        sex="female",
        pathway="conservative",
    )
    services.patients.enrol(ada, None, today=dt.date(2026, 11, 23))
    with any_db.reading() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.os_user).where(AuditEntry.entity == "patients")
        ).all()
        assert rows and set(rows) == {("owner", "olive")}
        assert audit.verify_chain(session) == []


def test_a_read_only_sign_in_writes_nothing_and_answers_a_failure_late(any_db: Database) -> None:
    _admin(any_db)
    before = _stored(any_db, "owner")
    waits: list[float] = []
    with pytest.raises(SignInError):
        users.sign_in(any_db, "owner", "not the password at all", record=False, pause=waits.append)
    assert waits == [1.0]
    principal = users.sign_in(any_db, "owner", PASSWORD, record=False, pause=waits.append)
    assert principal.role is Role.ADMINISTRATOR and waits == [1.0]
    after = _stored(any_db, "owner")
    assert (after.failed_sign_ins, after.last_sign_in_at) == (
        before.failed_sign_ins,
        before.last_sign_in_at,
    )
