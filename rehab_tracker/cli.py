"""The ``rehab-tracker`` command: the GUI by default, and subcommands for the terminal.

Environment problems (a corrupt or newer database, a folder that cannot be written, a server that
does not answer) print one line and exit with code 2; only bugs show a traceback. Everything
printed goes through :func:`say`, which shows control characters in names as escapes. The
commands that only look (``patients``, ``db current``, ``db check``) open the database
read-only; every file the process writes is private (``data.private_files``).

Commands that read or write patient data (``patients``, ``demo``, ``report``,
``export-reports``, ``db backup``) sign in first (:func:`sign_in`: ``$REHAB_TRACKER_USER`` and
``$REHAB_TRACKER_PASSWORD``, else a prompt on a terminal, else one line and exit code 2); the
signed-in user is the audit trail's actor, the OS account beside it. ``patients`` opens the
database read-only: its sign-in writes nothing (a failed one is answered only after a wait).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from rehab_tracker import __version__
from rehab_tracker.data.locations import DB_ENV
from rehab_tracker.data.private_files import keep_new_files_private
from rehab_tracker.domain.escaping import for_json_line, for_terminal

if TYPE_CHECKING:
    from rehab_tracker.data.database import Database
    from rehab_tracker.domain.roles import Principal

PROGRAM_WEEKS = 12
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: entries `audit` prints when --limit is not given
AUDIT_LIMIT = 100
#: the home app's database in the data folder, when --db does not name one
HOME_DATABASE = "rehab-tracker-home.db"


class CliError(Exception):
    """A problem to report in one line (exit code 2)."""


def say(text: str, *, err: bool = False) -> None:
    """Print one line; control characters a record may hold are shown as escapes."""
    print(for_terminal(text), file=sys.stderr if err else sys.stdout)


class _Parser(argparse.ArgumentParser):
    """argparse's parser whose usage errors are one escaped line (exit 2), like every other
    error of the command: argparse printed the usage and the error with the typed word as is,
    so an ESC sequence or a newline in a mistyped argument reached the terminal."""

    def error(self, message: str) -> NoReturn:
        say(f"{self.prog}: error: {message} (`{self.prog} --help` lists the options)", err=True)
        raise SystemExit(EXIT_USAGE)
class TerminalProgress:
    """A one-line progress display on a terminal's stderr, redrawn at most every
    ``interval`` seconds; never on a pipe or a CI log (``for_stderr`` gives None there)."""

    def __init__(self, stream: TextIO, interval: float = 0.2) -> None:
        self.stream, self.interval = stream, interval
        self._shown = 0.0
        self._width = 0

    @classmethod
    def for_stderr(cls) -> TerminalProgress | None:
        return cls(sys.stderr) if sys.stderr.isatty() else None

    def __call__(self, stage: str, done: int, total: int) -> bool:
        now = time.monotonic()
        if now - self._shown < self.interval and not (total and done >= total):
            return True
        self._shown = now
        text = f"{stage}: {done:,} of {total:,} ({100 * done // total}%)" if total else stage
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)
        return True

    def finish(self) -> None:
        """Clear the line, so the report that follows starts on a clean one."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _db_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=None if top else argparse.SUPPRESS,
        help=(
            "the database: a file path or a postgresql+psycopg:// URL "
            f"(default: ${DB_ENV}, else the server chosen on this workstation's welcome page, "
            "else rehab-tracker.db in your data folder)"
        ),
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rehab-tracker",
        description=(
            "Rehab Tracker: the 12-week rehabilitation program after lumbar micro-discectomy. "
            "Without a command, the desktop application starts."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _db_option(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="start the desktop application (the default)")
    _db_option(gui, top=False)

    demo = commands.add_parser(
        "demo",
        help="fill the database with a synthetic demo clinic",
        description=(
            "Seed realistic synthetic patients at different weeks of the program, with sessions, "
            "sets, outcomes and walking tests. Refuses a database that already has patients "
            "unless --force is given."
        ),
    )
    _db_option(demo, top=False)
    demo.add_argument("--force", action="store_true", help="add the demo patients anyway")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument(
        "--password",
        default=None,
        help=f"the password of the demo users admin, physio, assistant and readonly (default: "
        f"${PASSWORD_ENV}, else one generated and printed once)",
    )
    demo.add_argument(
        "--patients",
        type=int,
        metavar="N",
        default=None,
        help="instead of the nine demo patients, a clinic of N generated patients for "
        "benchmarks (bulk inserts; progress on stderr)",
    )

    patients = commands.add_parser(
        "patients",
        help="list patients, one a line",
        description="List patients: record number, name, surgery date, program week.",
    )
    _db_option(patients, top=False)
    patients.add_argument("--json", action="store_true", help="one JSON object a line")

    db = commands.add_parser("db", help="database upkeep", description="Database upkeep.")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for name, text in (
        ("upgrade", "back up (SQLite) and upgrade the database to the latest schema"),
        ("current", "show the database's schema revision and the latest one"),
        ("check", "run SQLite's integrity check, compare the schema, verify the audit trail"),
        ("backup", "make an online backup of an SQLite database"),
    ):
        sub = db_commands.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        _db_option(sub, top=False)
        if name == "check":
            sub.description = (
                "Run SQLite's integrity check, compare the schema with the code and verify the "
                "audit trail. The trail's chain is verified from the last clean check on (the "
                "entries written since); --full verifies every entry again (as the app does "
                "after each backup and on its schedule). Progress shows on a terminal."
            )
            sub.add_argument(
                "--full", action="store_true",
                help="verify every entry of the audit trail, not only those since the last check",
            )
    backups = db_commands.add_parser(
        "backups",
        help="list the backups of an SQLite database: date, size, patients",
        description="List the backups of an SQLite database, newest first: when each was "
        "taken, its size, its patients, and whether it can be restored.",
    )
    _db_option(backups, top=False)
    restore = db_commands.add_parser(
        "restore",
        help="replace an SQLite database with one of its backups",
        description="Replace an SQLite database with a backup: the backup is checked first, "
        "the current file (with its -wal and -shm) is kept beside it as a dated copy, and the "
        "restore is written to the restored database's audit trail. Close the app everywhere "
        "the database is open first.",
    )
    _db_option(restore, top=False)
    restore.add_argument(
        "backup", metavar="BACKUP",
        help="the backup file (a path, or a file name from `rehab-tracker db backups`)",
    )

    report = commands.add_parser(
        "report",
        help="write a patient's progress report as PDF",
        description="Write a patient's progress report as a PDF file.",
    )
    _db_option(report, top=False)
    report.add_argument("patient", metavar="PATIENT", help="record number or patient id")
    report.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write it")
    report.add_argument(
        "--audience",
        choices=("clinical", "patient"),
        default="clinical",
        help="clinical (surgeon, insurer; the default) or patient (plain language)",
    )
    report.add_argument(
        "--from", dest="period_start", metavar="YYYY-MM-DD",
        help="start of the date range the report covers (default: the program's start)",
    )
    report.add_argument(
        "--to", dest="period_end", metavar="YYYY-MM-DD",
        help="end of the date range the report covers (default: today)",
    )

    _add_audit_parser(commands)
    _add_home_parsers(commands)

    export = commands.add_parser(
        "export-reports",
        help="write the progress reports of all active patients",
        description="Write a PDF progress report for every patient with an active program.",
    )
    _db_option(export, top=False)
    export.add_argument("--out", required=True, metavar="FOLDER", help="folder for the PDFs")
    export.add_argument(
        "--audience", choices=("clinical", "patient"), default="clinical", help="report version"
    )
    return parser


def _add_audit_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`audit`: the trail in the terminal (build_parser's share, kept apart for size)."""
    trail = commands.add_parser(
        "audit",
        help="show the audit trail, one entry a line, newest first",
        description="Show the audit trail newest first, one entry a line (entry, when, who, "
        "kind, record number, patient, record, record id, what changed), filtered like the "
        "Audit Trail window; --csv writes every matching entry to a file instead (recorded "
        "as a disclosure of each patient in it).",
    )
    _db_option(trail, top=False)
    trail.add_argument("--user", metavar="U", help="only the entries this user wrote")
    trail.add_argument("--patient", metavar="RT-xxxxx",
                       help="only the entries about this patient's record (record number)")
    trail.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="from this day on")
    trail.add_argument("--to", dest="until", metavar="YYYY-MM-DD", help="up to this day")
    trail.add_argument("--kind", metavar="K",
                       help="one kind of entry: create, update, delete, disclose (a report or "
                       "export), access (a record opened), restore, seal, or another kind the "
                       "trail holds")
    trail.add_argument("--csv", metavar="FILE", help="write the entries to this CSV file")
    trail.add_argument("--limit", metavar="N", default=None,
                       help=f"at most N entries (default {AUDIT_LIMIT} on the terminal, all "
                       "with --csv; 0 for all)")


def _add_home_parsers(commands: argparse._SubParsersAction[_Parser]) -> None:
    """`home-pack` at the clinic and `home ...` on the patient's laptop."""
    pack = commands.add_parser(
        "home-pack",
        help="write a patient's home pack (program for the home app) to a file",
        description="Write one patient's home pack: the current program and schedule, the "
        "exercises with their pictures, education, restrictions, baseline scores, assessments "
        "due and the clinic's name and phone; signed with the clinic's key and encrypted with "
        "a passphrase. Prints the passphrase when it makes one (six words: print it on the "
        "home exercise sheet). The export is recorded as a disclosure.",
    )
    _db_option(pack, top=False)
    pack.add_argument("patient", metavar="PATIENT", help="record number or patient id")
    pack.add_argument("--out", required=True, metavar="FILE", help="where to write the pack")
    pack.add_argument(
        "--passphrase", metavar="TEXT", default=None,
        help="the passphrase to encrypt with (default: six random words, printed)",
    )

    home = commands.add_parser(
        "home", help="the patient's home app", description="The patient's home app."
    )
    home_commands = home.add_subparsers(dest="home_command", metavar="ACTION", required=True)
    import_pack = home_commands.add_parser(
        "import-pack",
        help="open a home pack from the clinic into the home database",
        description="Verify, decrypt and apply a home pack to the home database (--db; "
        "default: rehab-tracker-home.db in your data folder), which is encrypted at rest with "
        "SQLCipher, keyed with the passphrase of the first pack. The first pack pins the "
        "clinic's key; a pack that is tampered with, truncated, signed by another key, older "
        "than the one applied, for another patient or of an unknown version is refused in one "
        "line (exit code 2) and nothing is written.",
    )
    _db_option(import_pack, top=False)
    import_pack.add_argument("file", metavar="FILE", help="the home pack file")
    import_pack.add_argument(
        "--passphrase", metavar="TEXT", default=None,
        help="the words on the home exercise sheet (asked for when left out)",
    )
    import_pack.add_argument(
        "--db-passphrase", metavar="TEXT", default=None,
        help="the passphrase of the (encrypted) home database when it is not the pack's: the "
        "one of the first pack opened in it",
    )
    export_log = home_commands.add_parser(
        "export-log",
        help="write the home log (sessions, pain, red flags, questionnaires) for the clinic",
        description="Write every home entry to a file encrypted to the clinic's key and "
        "signed by this home installation's own key (made at the first log).",
    )
    _db_option(export_log, top=False)
    export_log.add_argument("--out", metavar="FILE", required=True, help="the log file to write")
    export_log.add_argument(
        "--all", action="store_true", help="every entry (a full resend; today every log is one)"
    )
    export_log.add_argument(
        "--db-passphrase", metavar="TEXT", default=None,
        help="the passphrase of the home database (asked for when left out)",
    )

    log = commands.add_parser(
        "import-home-log",
        help="import a patient's home log at the clinic",
        description="Verify a home log, then add its entries as home-sourced records (the "
        "same file twice adds nothing; a clinic edit is never overwritten). A file that is "
        "tampered with, truncated, another patient's or clinic's, older than one imported or "
        "of an unknown version is refused in one line (exit code 2) and nothing is written.",
    )
    _db_option(log, top=False)
    log.add_argument("file", metavar="FILE", help="the home log file")
    log.add_argument(
        "--patient", metavar="PATIENT", default=None,
        help="refuse the file unless it is this patient's (record number or name)",
    )
USER_ENV = "REHAB_TRACKER_USER"
PASSWORD_ENV = "REHAB_TRACKER_PASSWORD"


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _ask(prompt: str, *, secret: bool = False) -> str:
    import getpass

    if secret:
        return getpass.getpass(prompt, stream=sys.stderr)
    print(prompt, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().rstrip("\n")


def sign_in(db: Database, *, record: bool = True) -> Principal:
    """Sign the command line's user in on ``db``: ``$REHAB_TRACKER_USER`` and
    ``$REHAB_TRACKER_PASSWORD`` (scripts, CI), else asked on the terminal, else refused
    (``SignInError``: one line, exit code 2). On a new clinic database without any account the
    same name and password create the administrator first (the first start). ``record=False``
    on a database opened read-only: nothing is written (``services.users.sign_in``), and a
    database without users is refused (its administrator is made by a command that writes)."""
    from rehab_tracker.domain.roles import Role
    from rehab_tracker.services import users

    name, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    from_env = bool(name) and password is not None
    if not from_env and not _interactive():
        raise users.SignInError(
            f"sign-in needed: set {USER_ENV} and {PASSWORD_ENV}, or run on a terminal"
        )
    first = not users.has_users(db)
    if first and not record:
        raise users.SignInError(
            "this clinic database has no users yet: start the app (or `rehab-tracker demo`) "
            "to create its administrator"
        )
    if first:
        say("This clinic database has no users yet: create its administrator.", err=True)
    if not from_env:
        name = _ask("User name: ")
        password = _ask("Password: ", secret=True)
        if first and _ask("Password again: ", secret=True) != password:
            raise users.SignInError("the two passwords differ")
    assert name is not None and password is not None
    if first:
        form = users.UserForm(name, name, Role.ADMINISTRATOR, password)
        principal = users.create_first_administrator(db, form, os_name=users.os_user())
        say(f"Created the administrator {name}.", err=True)
        return principal
    return users.sign_in(db, name, password, os_name=users.os_user(), record=record)


def _open(
    args: argparse.Namespace, *, upgrade: bool = True, create: bool = True, read_only: bool = False
) -> Database:
    from rehab_tracker.data.database import open_database

    return open_database(args.db, upgrade=upgrade, create=create, read_only=read_only)


def _default_database_not_made_yet(args: argparse.Namespace) -> bool:
    """No --db, no $REHAB_TRACKER_DB, no saved choice, and the default file does not exist yet
    (a file the user named that does not exist is an error instead: most likely a typo)."""
    from rehab_tracker.data.locations import default_database_path, saved_database

    return (
        not args.db
        and not os.environ.get(DB_ENV)
        and not saved_database()
        and not default_database_path().exists()
    )


def _cmd_patients(args: argparse.Namespace) -> int:
    from rehab_tracker.domain.program_status import status_words
    from rehab_tracker.services.patients import PatientService

    if _default_database_not_made_yet(args):
        rows = []  # a first run: no patients, and looking creates nothing
    else:
        db = _open(args, read_only=True)
        try:
            rows = PatientService(db, sign_in(db, record=False)).list_patients(
                today=dt.date.today()
            )
        finally:
            db.close()
    for row in rows:
        if args.json:
            print(for_json_line(json.dumps(row.as_dict(), ensure_ascii=False)))
        else:
            surgery = row.surgery_date.isoformat() if row.surgery_date else "conservative"
            if row.program_status in ("completed", "stopped", "paused"):
                week = status_words(row.program_status)
                week += f" (week {row.program_week})" if row.program_week else ""
            elif row.program_week is None:
                week = "no program"
            elif row.program_week == 0:
                week = "starts soon"
            elif row.program_week > PROGRAM_WEEKS:
                week = f"finished (week {row.program_week})"
            else:
                week = f"week {row.program_week}"
            fields = (for_terminal(row.record_number), for_terminal(row.name), surgery, week)
            print("\t".join(fields))
    if not rows and not args.json:
        say("No patients yet. `rehab-tracker demo` adds a demo clinic.", err=True)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from rehab_tracker.services.demo import refuse_a_clinic_with_patients, seed_demo

    if args.patients is not None:
        return _demo_clinic(args)
    db = _open(args)
    try:
        # refused before the demo users are made: a refusal writes nothing
        refuse_a_clinic_with_patients(db, force=args.force)
        principal, accounts, generated = _demo_users(db, args.password)
        made = seed_demo(
            db, today=dt.date.today(), seed=args.seed, force=args.force, principal=principal
        )
    finally:
        db.close()
    if accounts:
        say(f"Demo users: {', '.join(accounts)} (one per role)")
        if generated:
            say(f"Their password (shown once, write it down): {generated}")
    say(f"Added {len(made)} demo patients to {db.display_name}:")
    for line in made:
        say(f"  {line}")
    return EXIT_OK


def _demo_users(
    db: Database, password: str | None
) -> tuple[Principal, list[str], str | None]:
    """Who writes the demo, the demo users made, and the password generated for them (if any).

    A clinic without users gets the four demo users first and the demo is written as ``admin``;
    otherwise the command signs in as usual and an administrator adds the missing demo users."""
    from rehab_tracker.domain.roles import Permission
    from rehab_tracker.services import users

    chosen = password or os.environ.get(PASSWORD_ENV) or None
    generated = None if chosen else users.generate_password()
    secret = chosen or generated
    assert secret is not None
    if not users.has_users(db):
        made = users.create_demo_users(db, secret, os_name=users.os_user())
        return users.sign_in(db, "admin", secret, os_name=users.os_user()), made, generated
    principal = sign_in(db)
    if not principal.may(Permission.USERS):
        return principal, [], None
    made = users.create_demo_users(db, secret, by=principal)
    return principal, made, generated if made else None


def _demo_clinic(args: argparse.Namespace) -> int:
    from rehab_tracker.services.demo import refuse_a_clinic_with_patients
    from rehab_tracker.services.demo_clinic import generate_clinic

    if args.patients < 1:
        raise CliError("--patients needs a number of at least 1")

    def progress(done: int, total: int) -> None:
        say(f"{done} of {total} patients written", err=True)

    db = _open(args)
    try:
        refuse_a_clinic_with_patients(db, force=args.force)  # before the demo users are made
        _demo_users(db, args.password)
        made = generate_clinic(
            db,
            patients=args.patients,
            today=dt.date.today(),
            seed=args.seed,
            force=args.force,
            progress=progress,
            progress_every=max(1, min(500, args.patients // 10)),
        )
    finally:
        db.close()
    say(f"Added {args.patients} generated patients to {db.display_name} in {made.seconds:.1f} s:")
    for table, count in sorted(made.counts.items()):
        say(f"  {table}: {count}")
    return EXIT_OK


def _cmd_db(args: argparse.Namespace) -> int:
    return _DB_COMMANDS[args.db_command](args)


def _db_current(args: argparse.Namespace) -> int:
    from rehab_tracker.data import maintenance

    db = _open(args, upgrade=False, read_only=True)
    try:
        current, head = maintenance.revisions(db)
    finally:
        db.close()
    say(f"database: {db.display_name}")
    say(f"schema revision: {current or 'none (empty database)'}")
    say(f"latest revision: {head}{' (up to date)' if current == head else ''}")
    return EXIT_OK


def _db_upgrade(args: argparse.Namespace) -> int:
    from rehab_tracker.data import maintenance

    db = _open(args, upgrade=False)
    try:
        before, after, backup = maintenance.upgrade(db)
    finally:
        db.close()
    if backup is not None:
        say(f"backup: {backup}")
    if before == after:
        say(f"{db.display_name} is already at the latest revision ({after})")
    else:
        say(f"upgraded {db.display_name} from {before or 'empty'} to {after}")
    return EXIT_OK


def _db_backup(args: argparse.Namespace) -> int:
    from rehab_tracker.domain.roles import Permission
    from rehab_tracker.services.access import check

    db = _open(args)
    try:
        check(sign_in(db), Permission.BACKUPS)
        made = db.backup("manual")
    finally:
        db.close()
    say(f"backup written: {made}")
    return EXIT_OK


def _db_check(args: argparse.Namespace) -> int:
    from rehab_tracker.data import maintenance

    db = _open(args, upgrade=False, read_only=True)
    progress = TerminalProgress.for_stderr()
    try:
        report = maintenance.check(db, full=args.full, progress=progress)
    finally:
        db.close()
        if progress is not None:
            progress.finish()
    for line in report.lines():
        say(line)
    return EXIT_OK if report.ok else EXIT_FAILED


def _sqlite_file(args: argparse.Namespace, what: str) -> Path:
    """The SQLite file ``--db`` names (PostgreSQL is backed up and restored on its server)."""
    from sqlalchemy.engine import make_url

    from rehab_tracker.data.database import resolve_target

    url = make_url(resolve_target(args.db))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise CliError(f"{what} of a PostgreSQL database are made on the server "
                       "(pg_dump and pg_restore), not here")
    return Path(url.database)


def _db_backups(args: argparse.Namespace) -> int:
    from rehab_tracker.data import locations
    from rehab_tracker.data.backup import describe_backups, megabytes

    path = _sqlite_file(args, "backups")
    found = describe_backups(locations.backup_dir_for(path), path.stem)
    for info in found:
        taken = info.taken.astimezone().strftime("%Y-%m-%d %H:%M")
        patients = f"{info.patients} patients" if info.problem is None else "cannot be restored"
        fields = [taken, megabytes(info.size), patients, info.path.name]
        fields += [info.problem] if info.problem else []
        print("\t".join(for_terminal(field) for field in fields))
    if not found:
        say(f"No backups of {path} yet. `rehab-tracker db backup` makes one.", err=True)
    return EXIT_OK


def _db_restore(args: argparse.Namespace) -> int:
    from rehab_tracker.data import locations
    from rehab_tracker.data.restore import restore_backup

    path = _sqlite_file(args, "restores")
    backup = Path(args.backup).expanduser()
    if not backup.exists() and backup.name == args.backup:  # a name from `db backups`
        backup = locations.backup_dir_for(path) / backup.name
    done = restore_backup(path, backup.resolve(), actor=_restorer(args))
    say(f"restored {path} from {done.backup} (schema revision {done.revision})")
    if done.replaced is not None:
        say(f"the replaced file was kept as {done.replaced}")
    say("the restore is recorded in the audit trail")
    return EXIT_OK


def _restorer(args: argparse.Namespace) -> str:
    """Who restores: an administrator signed in on the current database; when that database
    cannot be opened at all (corrupt, the reason to restore), the operating-system account,
    said as such in the trail (nobody can sign in to a database that does not open)."""
    from rehab_tracker.data.database import DatabaseError
    from rehab_tracker.domain.roles import Permission
    from rehab_tracker.services.access import check
    from rehab_tracker.services.users import os_user

    try:
        db = _open(args, upgrade=False, create=False)
    except DatabaseError:
        return f"{os_user() or 'unknown'} (OS account; the database did not open for sign-in)"
    try:
        # nothing written before the backup is verified (record=False): a refused restore
        # leaves the file byte-identical; the restore's own trail entry names the user
        principal = sign_in(db, record=False)
        check(principal, Permission.BACKUPS)
    finally:
        db.close()
    return principal.username


_DB_COMMANDS = {
    "current": _db_current,
    "upgrade": _db_upgrade,
    "backup": _db_backup,
    "check": _db_check,
    "backups": _db_backups,
    "restore": _db_restore,
}


def _cmd_report(args: argparse.Namespace) -> int:
    from rehab_tracker.reports.cli_support import run_report

    return int(
        run_report(
            args.db, args.patient, args.out, args.audience, sign_in=sign_in,
            period_start=_iso_date("--from", args.period_start),
            period_end=_iso_date("--to", args.period_end),
        )
    )


def _iso_date(option: str, text: str | None) -> dt.date | None:
    """A YYYY-MM-DD option's date (None when not given); CliError when it is not a date."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{option}: not a date (YYYY-MM-DD): {text!r}") from None


def _cmd_audit(args: argparse.Namespace) -> int:
    from pathlib import Path

    from rehab_tracker.services.audit_view import PAGE, AuditFilter, AuditViewService

    limit = AUDIT_LIMIT if args.limit is None and not args.csv else _count("--limit", args.limit)
    filters = AuditFilter(
        user=args.user, patient=args.patient, since=_iso_date("--from", args.since),
        until=_iso_date("--to", args.until), kind=args.kind,
    )
    db = _open(args, read_only=not args.csv)
    try:
        viewer = AuditViewService(db, sign_in(db, record=bool(args.csv)))
        if args.kind is not None:
            kinds = [key for key, _ in viewer.choices().kinds]
            if args.kind not in kinds:
                raise CliError(f"--kind: not a kind of entry: {args.kind!r} (one of "
                               f"{', '.join(kinds)})")
        query = viewer.query(filters)
        if args.csv:
            made = viewer.export_csv(query, Path(args.csv).expanduser(), limit=limit)
            say(f"wrote {made.rows} entries to {args.csv} (recorded as a disclosure of "
                f"{made.patients} patients)")
            return EXIT_OK
        shown, before, more = 0, None, True
        while more and (not limit or shown < limit):
            size = PAGE if not limit else min(PAGE, limit - shown)
            page = viewer.page(query, before=before, limit=size)
            for entry in page.entries:
                print("\t".join(for_terminal(field) for field in entry.fields()))
            shown += len(page.entries)
            before, more = page.last, page.more
    finally:
        db.close()
    if more:
        say(f"(the newest {shown} entries; --limit N for more, 0 for all)", err=True)
    elif not shown:
        say("No entries match.", err=True)
    return EXIT_OK


def _count(option: str, text: str | None) -> int | None:
    """A whole-number option's value (None when not given, or 0: no limit)."""
    if text is None:
        return None
    if not text.strip().isdigit():
        raise CliError(f"{option}: not a whole number of at least 0: {text!r}")
    return int(text) or None


def _cmd_export(args: argparse.Namespace) -> int:
    from rehab_tracker.reports.cli_support import run_batch

    return int(run_batch(args.db, args.out, args.audience, sign_in=sign_in))


def _cmd_home_pack(args: argparse.Namespace) -> int:
    from rehab_tracker.services.home_format import passphrase_bits
    from rehab_tracker.services.home_pack import HomePackService
    from rehab_tracker.services.patients import PatientService

    db = _open(args, create=False)
    try:
        principal = sign_in(db)
        patient_id = PatientService(db, principal).find(args.patient)
        made = HomePackService(db, principal).make(
            patient_id, Path(args.out), today=dt.date.today(), passphrase=args.passphrase
        )
    finally:
        db.close()
    say(f"wrote home pack version {made.version} ({made.size_bytes} bytes) to {made.path}")
    say(f"signed with the clinic key {made.key_id}")
    if made.passphrase_made:
        say(f"passphrase ({passphrase_bits():.0f} bits; print it for the patient): "
            f"{made.passphrase}")
    return EXIT_OK


def _cmd_home(args: argparse.Namespace) -> int:
    import getpass

    from rehab_tracker.services.home_format import Refused

    if args.home_command == "export-log":
        return _export_log(args)
    passphrase = args.passphrase
    if passphrase is None:
        try:
            passphrase = getpass.getpass("Passphrase (the words on your home exercise sheet): ")
        except EOFError:
            raise CliError("no passphrase given (--passphrase TEXT)") from None
    try:
        return _import_pack(args, Path(args.file), passphrase)
    except Refused as refused:
        say(f"rehab-tracker home import-pack: refused: {refused}", err=True)
        return EXIT_USAGE


def _import_pack(args: argparse.Namespace, file: Path, passphrase: str) -> int:
    from rehab_tracker.data.home_database import open_home_database
    from rehab_tracker.data.locations import data_dir
    from rehab_tracker.data.private_files import private_dir
    from rehab_tracker.services.home_format import normalize_passphrase
    from rehab_tracker.services.home_import import HomeImportService

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {file}: {exc.strerror}") from exc
    target = Path(args.db) if args.db else private_dir(data_dir()) / HOME_DATABASE
    if "://" in str(args.db or ""):
        raise CliError("the home database is a file on this computer, not a server")
    verified = None
    if not target.exists():  # a new home database is made only for a pack that passes
        verified = HomeImportService.verify_alone(data, passphrase)
    db = open_home_database(target, normalize_passphrase(args.db_passphrase or passphrase))
    try:
        service = HomeImportService(db)
        if verified is None:
            applied = service.import_bytes(data, passphrase)
        else:
            applied = service.import_inner(verified.sealed, verified.inner, verified.sha256)
    finally:
        db.close()
    say(f"applied home pack version {applied.version} for {applied.patient_name} "
        f"to {db.display_name}")
    if applied.pinned_now:
        say(f"pinned the clinic's key {applied.key_id}: packs signed by another key are refused")
    rows = ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in applied.counts.items() if n)
    say(f"{rows}; {applied.pictures} pictures; {applied.removed} rows no longer in the program")
    return EXIT_OK


def _export_log(args: argparse.Namespace) -> int:
    import getpass

    from rehab_tracker.data.home_database import open_home_database
    from rehab_tracker.data.locations import data_dir
    from rehab_tracker.services.home_format import normalize_passphrase
    from rehab_tracker.services.home_log import HomeLogExport

    if "://" in str(args.db or ""):
        raise CliError("the home database is a file on this computer, not a server")
    target = Path(args.db) if args.db else data_dir() / HOME_DATABASE
    if not target.exists():
        raise CliError(f"there is no home database {target}: open a home pack first")
    passphrase = args.db_passphrase
    if passphrase is None:
        try:
            passphrase = getpass.getpass("Passphrase of your home database: ")
        except EOFError:
            raise CliError("no passphrase given (--db-passphrase TEXT)") from None
    db = open_home_database(target, normalize_passphrase(passphrase))
    try:
        made = HomeLogExport(db).export(Path(args.out), full=args.all)
    finally:
        db.close()
    rows = ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in made.counts.items())
    say(f"wrote home log number {made.sequence} ({made.size_bytes} bytes) to {made.path}")
    say(f"{rows}; signed with this home installation's key {made.device_key_id}")
    return EXIT_OK


def _cmd_import_home_log(args: argparse.Namespace) -> int:
    from rehab_tracker.services.home_format import Refused
    from rehab_tracker.services.home_log import HomeLogImport
    from rehab_tracker.services.patients import PatientService

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}") from exc
    db = _open(args, create=False)
    try:
        principal = sign_in(db)
        patient = PatientService(db, principal).find(args.patient) if args.patient else None
        try:
            done = HomeLogImport(db, principal).import_bytes(data, patient)
        except Refused as refused:
            say(f"rehab-tracker import-home-log: refused: {refused}", err=True)
            return EXIT_USAGE
    finally:
        db.close()
    say(f"imported home log number {done.sequence} for {for_terminal(done.patient_name)} "
        f"from the home device {done.device_key_id}")
    if done.pinned_now:
        say("pinned this home device's key to the patient: logs signed by another are refused")
    for table in done.added:
        say(f"{table.replace('_', ' ')}: {done.added[table]} added, "
            f"{done.skipped[table]} already imported or skipped")
    if done.red_flags:
        say(f"RED FLAG: {done.red_flags} positive home screen(s): the red-flag banner is raised")
    for conflict in done.conflicts:
        say(f"conflict (the clinic's record kept): {conflict}")
    return EXIT_OK


def _cmd_gui(args: argparse.Namespace) -> int:
    from rehab_tracker.app import run_gui

    return int(run_gui(args.db))


_COMMANDS = {
    None: _cmd_gui,
    "gui": _cmd_gui,
    "demo": _cmd_demo,
    "patients": _cmd_patients,
    "db": _cmd_db,
    "report": _cmd_report,
    "export-reports": _cmd_export,
    "audit": _cmd_audit,
    "home-pack": _cmd_home_pack,
    "home": _cmd_home,
    "import-home-log": _cmd_import_home_log,
}


def _reported(exc: BaseException) -> bool:
    """An error to report in one line (classes imported late: keep SQLAlchemy off the GUI start):
    the app's own, and a file the system refuses (a name too long, a folder not writable)."""
    from rehab_tracker.data.database import DatabaseError
    from rehab_tracker.domain.errors import ValidationError
    from rehab_tracker.services.errors import ServiceError

    return isinstance(exc, DatabaseError | ServiceError | ValidationError | CliError | OSError)


def _check_arguments(argv: Sequence[str]) -> None:
    """Refuse an argument no file name, URL or record can hold: a NUL, or bytes that are not
    UTF-8 (Python hands them over as lone surrogates, which no driver or URL can encode)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise CliError(f"an argument is not UTF-8 text: {arg!r}") from None
        if "\x00" in arg:
            raise CliError(f"an argument holds a NUL character: {arg!r}")


def main(argv: Sequence[str] | None = None) -> int:
    keep_new_files_private()  # the database, backups, logs, reports: patient data, 0600
    parser = build_parser()
    try:
        _check_arguments(sys.argv[1:] if argv is None else argv)
    except CliError as exc:
        say(f"rehab-tracker: error: {exc}", err=True)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    try:
        return _COMMANDS[args.command](args)
    except BrokenPipeError:  # e.g. `rehab-tracker patients | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        say("rehab-tracker: interrupted", err=True)
        return 130
    except Exception as exc:
        if not _reported(exc):
            raise
        say(f"rehab-tracker: error: {exc}", err=True)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
