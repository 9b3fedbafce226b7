"""Staff accounts: the first administrator, signing in, and the administrator's user management.

Signing in (:func:`sign_in`) comes before there is anyone to act for, so it and
:func:`create_first_administrator` are functions of the database; what the administrator does
afterwards (add staff, reset a password, deactivate) is :class:`UserService`, bound to the
signed-in principal and checked against the role matrix like every other service.

Growing delays: after :data:`FREE_ATTEMPTS` failed attempts in a row, each further failure
makes the user wait before the next try: 1 s, 2 s, 4 s, ... doubling up to :data:`MAX_DELAY`
(clinic default, after OWASP's Authentication Cheat Sheet: throttle rather than lock out, so a
guesser cannot lock staff out either). The count and the time of the earliest next try are
stored on the user (``users.failed_sign_ins``, ``next_sign_in_at``): a restart or another
workstation does not reset them. A successful sign-in resets them. Each attempt's changes go
to the audit trail like every other change (the failure with the actor ``sign-in``).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from rehab_tracker.data import audit
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import User
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import passwords as policy
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.roles import SIGNING_ROLES, Permission, Principal, Role
from rehab_tracker.services import passwords
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import NotFoundError, ServiceError

#: failed attempts in a row before the delays start
FREE_ATTEMPTS = 3
#: the longest wait between two attempts
MAX_DELAY = dt.timedelta(minutes=15)
#: the audit trail's actor for a failed attempt (nobody is signed in)
SIGN_IN_ACTOR = "sign-in"
WRONG = "The user name or the password is not right."

Clock = Callable[[], dt.datetime]


class SignInError(ServiceError):
    """A sign-in that did not succeed (wrong name or password, a wait, a deactivated account)."""


class SignInDelayed(SignInError):
    """Too many failed attempts: the next one is accepted only after ``wait``."""

    def __init__(self, wait: dt.timedelta) -> None:
        seconds = max(1, int(wait.total_seconds() + 0.999))
        super().__init__(
            f"Too many failed attempts. Wait {seconds} second{'s' if seconds != 1 else ''} "
            "before trying again."
        )
        self.wait = wait


def os_user() -> str | None:
    """The operating-system account the app runs under (recorded beside the signed-in user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or None


def delay_after(failures: int) -> dt.timedelta:
    """How long a user waits after ``failures`` failed attempts in a row."""
    if failures < FREE_ATTEMPTS:
        return dt.timedelta(0)
    return min(MAX_DELAY, dt.timedelta(seconds=2 ** min(failures - FREE_ATTEMPTS, 20)))


def _principal(user: User, os_name: str | None) -> Principal:
    return Principal(user.username, Role(user.role), user.id, os_name)


def has_users(db: Database) -> bool:
    """Whether the clinic has any account yet (none: the first start creates the administrator)."""
    with db.reading() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


@dataclass(frozen=True)
class UserForm:
    """A new member of staff as the Users dialog (or the first-run dialog) gives it."""

    username: str
    display_name: str
    role: Role
    password: str
    registration_number: str = ""


def _check(form: UserForm, *, taken: bool) -> None:
    errors = Collector()
    name = form.username.strip()
    errors.check(bool(name), "username", "Enter a user name.")
    errors.check(len(name) <= 64, "username", "Use at most 64 characters.")
    errors.check(
        not name or (name.isprintable() and " " not in name),
        "username",
        "Use letters, digits and punctuation without spaces.",
    )
    errors.check(not taken, "username", "This user name is taken.")
    display = form.display_name.strip()
    errors.check(bool(display), "display_name", "Enter the name to show.")
    errors.check(
        len(display) <= 200 and display.isprintable(),
        "display_name",
        "Use at most 200 printable characters.",
    )
    number = form.registration_number.strip()
    errors.check(
        len(number) <= 64 and number.isprintable(),
        "registration_number",
        "Use at most 64 printable characters.",
    )
    message = policy.problem(form.password, username=name, display_name=display)
    if message:
        errors.add("password", message)
    errors.raise_if_any()


def _new_user(db: Database, form: UserForm, actor: str | Principal) -> uuid.UUID:
    with db.unit_of_work(actor) as session:
        name = form.username.strip()
        taken = session.scalar(select(User.id).where(func.lower(User.username) == name.lower()))
        _check(form, taken=taken is not None)
        user = User(
            username=name,
            display_name=form.display_name.strip(),
            role=Role(form.role).value,
            password_hash=passwords.hash_password(form.password),
            active=True,
            registration_number=form.registration_number.strip() or None,
            failed_sign_ins=0,
            created_by=actor.username if isinstance(actor, Principal) else actor,
        )
        session.add(user)
        session.flush()
        return user.id


def create_first_administrator(
    db: Database, form: UserForm, *, os_name: str | None = None
) -> Principal:
    """The clinic's first account, an administrator, made on the first start of a new database;
    refused once any account exists. Returns the new administrator, signed in."""
    if form.role is not Role.ADMINISTRATOR:
        raise ServiceError("The first account is the administrator's.")
    if has_users(db):
        raise ServiceError("This clinic has its administrator already; sign in instead.")
    actor = Principal(form.username.strip(), Role.ADMINISTRATOR, None, os_name)
    user_id = _new_user(db, form, actor)
    return Principal(actor.username, Role.ADMINISTRATOR, user_id, os_name)


def sign_in(
    db: Database,
    username: str,
    password: str,
    *,
    os_name: str | None = None,
    now: Clock = utcnow,
    record: bool = True,
    pause: Callable[[float], object] = time.sleep,
) -> Principal:
    """The principal for ``username`` if ``password`` is theirs; else :class:`SignInError`
    (one message for a wrong name and a wrong password), or :class:`SignInDelayed` while the
    wait after failed attempts lasts (the password is then not even tried).

    ``record=False`` for a database opened read-only (the command line's ``patients``): the
    stored wait is honoured but nothing is written, so a failure cannot be counted; instead the
    answer to it is held back (``pause``) as long as the next stored failure would make the user
    wait, at least a second, so guessing through a read-only open is no faster."""
    name = username.strip()
    with db.reading() as session:
        user = session.scalar(select(User).where(func.lower(User.username) == name.lower()))
        stored = user.password_hash if user is not None else None
        wait_until = user.next_sign_in_at if user is not None else None
        failures = (user.failed_sign_ins or 0) if user is not None else 0
    moment = now()
    if wait_until is not None and moment < wait_until:
        raise SignInDelayed(wait_until - moment)
    matches = passwords.verify(stored, password)
    if user is None:
        raise SignInError(WRONG)
    if not matches and not record:
        pause(max(1.0, delay_after(failures + 1).total_seconds()))
        raise SignInError(WRONG)
    if not matches:
        with db.unit_of_work(Principal(SIGN_IN_ACTOR, Role.READ_ONLY, None, os_name)) as session:
            row = session.get(User, user.id)
            assert row is not None
            row.failed_sign_ins = (row.failed_sign_ins or 0) + 1
            wait = delay_after(row.failed_sign_ins)
            row.next_sign_in_at = moment + wait if wait else None
        raise SignInError(WRONG)
    if not user.active:
        raise SignInError("This account is deactivated. Ask an administrator.")
    principal = _principal(user, os_name)
    if not record:
        return principal
    with db.unit_of_work(principal) as session:
        row = session.get(User, user.id)
        assert row is not None and row.password_hash is not None
        if passwords.needs_rehash(row.password_hash):
            row.password_hash = passwords.hash_password(password)
        row.failed_sign_ins = 0
        row.next_sign_in_at = None
        row.last_sign_in_at = moment
    return principal


@dataclass(frozen=True)
class UserRow:
    """One account as the Users dialog lists it (no password hash)."""

    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    active: bool
    registration_number: str | None
    last_sign_in_at: dt.datetime | None


@dataclass(frozen=True)
class Signer:
    """Who signs a report: the name and the registration number."""

    name: str
    registration_number: str


def generate_password() -> str:
    """A password to hand out once (demo accounts, a reset): four groups of four letters and
    digits, about 80 bits, easy to read aloud."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
        candidate = "-".join(groups)
        if policy.problem(candidate) is None:
            return candidate


class UserService:
    """User management for the signed-in principal (the administrator) and one's own profile."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    @requires(Permission.USERS)
    def list_users(self) -> list[UserRow]:
        with self.db.reading() as session:
            users = session.scalars(select(User).order_by(func.lower(User.username)))
            return [
                UserRow(
                    u.id,
                    u.username,
                    u.display_name,
                    Role(u.role),
                    u.active,
                    u.registration_number,
                    u.last_sign_in_at,
                )
                for u in users
            ]

    @requires(Permission.USERS)
    def add(self, form: UserForm) -> uuid.UUID:
        """A new member of staff, with the password the administrator gives them."""
        return _new_user(self.db, form, self.principal)

    @requires(Permission.USERS)
    def reset_password(self, user_id: uuid.UUID, new_password: str) -> None:
        """Give the user a new password (they forgot theirs): the hash changes, the failed
        attempts are forgiven, and the trail gets a ``password_reset`` entry naming who did it."""
        with self.db.unit_of_work(self.principal) as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFoundError("This user no longer exists.")
            message = policy.problem(
                new_password, username=user.username, display_name=user.display_name
            )
            if message:
                raise ValidationError.single("password", message)
            user.password_hash = passwords.hash_password(new_password)
            user.failed_sign_ins = 0
            user.next_sign_in_at = None
            session.flush()
            audit.append(
                session,
                [
                    (
                        "password_reset",
                        "users",
                        str(user.id),
                        None,
                        {"username": user.username, "reset_by": self.principal.username},
                    )
                ],
            )

    def change_own_password(self, current: str, new: str, repeat: str) -> None:
        """File > Change My Password…: any signed-in user changes their own password (never
        another's: the account is the principal's). The current password must match, the new
        one pass the same rules as a new account's and be typed twice alike; on any error
        nothing is saved. The trail gets a ``password_changed`` entry, as a reset does."""
        errors = Collector()
        errors.check(bool(current), "current", "Enter your current password.")
        errors.check(bool(new), "new", "Enter the new password.")
        errors.check(new == repeat, "repeat", "The two new passwords differ.")
        if self.principal.user_id is None:
            raise ServiceError("Only a signed-in user can change their password.")
        with self.db.unit_of_work(self.principal) as session:
            user = session.get(User, self.principal.user_id)
            if user is None or not user.active:
                raise NotFoundError("This user no longer exists.")
            if current and not passwords.verify(user.password_hash, current):
                errors.add("current", "This is not your current password.")
            if new:
                message = policy.problem(
                    new, username=user.username, display_name=user.display_name
                )
                if message:
                    errors.add("new", message)
                elif current and new == current:
                    errors.add("new", "Choose a password other than the current one.")
            errors.raise_if_any()
            user.password_hash = passwords.hash_password(new)
            session.flush()
            audit.append(
                session,
                [
                    (
                        "password_changed",
                        "users",
                        str(user.id),
                        None,
                        {"username": user.username, "changed_by": self.principal.username},
                    )
                ],
            )

    @requires(Permission.USERS)
    def set_active(self, user_id: uuid.UUID, active: bool) -> None:
        """Deactivate (or reactivate) an account; the administrator cannot deactivate the last
        active administrator (nobody could manage users any more)."""
        with self.db.unit_of_work(self.principal) as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFoundError("This user no longer exists.")
            if not active and user.role == Role.ADMINISTRATOR.value and user.active:
                admins = session.scalar(
                    select(func.count())
                    .select_from(User)
                    .where(User.role == Role.ADMINISTRATOR.value, User.active.is_(True))
                )
                if (admins or 0) <= 1:
                    raise ServiceError(
                        "This is the only active administrator; add another one first."
                    )
            user.active = active

    @requires(Permission.USERS)
    def update_profile(
        self, user_id: uuid.UUID, *, display_name: str, role: Role, registration_number: str
    ) -> None:
        with self.db.unit_of_work(self.principal) as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFoundError("This user no longer exists.")
            errors = Collector()
            display = display_name.strip()
            errors.check(
                bool(display) and len(display) <= 200 and display.isprintable(),
                "display_name",
                "Enter the name to show (at most 200 characters).",
            )
            number = registration_number.strip()
            errors.check(
                len(number) <= 64 and number.isprintable(),
                "registration_number",
                "Use at most 64 printable characters.",
            )
            errors.raise_if_any()
            user.display_name = display
            user.role = Role(role).value
            user.registration_number = number or None

    @requires(Permission.READ)
    def signer(self) -> Signer | None:
        """The signed-in user's signature for reports, when their role signs and their profile
        has a registration number (else None: the clinic settings' signer is used)."""
        if self.principal.user_id is None or self.principal.role not in SIGNING_ROLES:
            return None
        with self.db.reading() as session:
            user = session.get(User, self.principal.user_id)
            if user is None or not user.registration_number:
                return None
            return Signer(user.display_name, user.registration_number)


#: the demo clinic's accounts, one per role (issue 13 item 6)
DEMO_USERS = (
    ("admin", "Alex Admin (demo)", Role.ADMINISTRATOR, ""),
    ("physio", "Pat Physio (demo)", Role.PHYSIOTHERAPIST, "DEMO-PT-0001"),
    ("assistant", "Sam Assistant (demo)", Role.ASSISTANT, ""),
    ("readonly", "Robin Reader (demo)", Role.READ_ONLY, ""),
)


def create_demo_users(
    db: Database, password: str, *, by: Principal | None = None, os_name: str | None = None
) -> list[str]:
    """The demo accounts that do not exist yet, all with ``password``; returns their names.

    On a clinic without accounts they are the first ones (``by`` None: the demo's administrator
    makes them); otherwise ``by`` must be allowed to manage users."""
    message = policy.problem(password)
    if message:
        raise ValidationError.single("password", message)
    if by is None:
        if has_users(db):
            raise ServiceError("This clinic has users already; sign in to add the demo users.")
        name, display, role, number = DEMO_USERS[0]
        first = create_first_administrator(
            db, UserForm(name, display, role, password, number), os_name=os_name
        )
        return [name, *create_demo_users(db, password, by=first, os_name=os_name)]
    service = UserService(db, by)
    taken = {row.username.lower() for row in service.list_users()}
    made = []
    for name, display, role, number in DEMO_USERS:
        if name not in taken:
            service.add(UserForm(name, display, role, password, number))
            made.append(name)
    return made
