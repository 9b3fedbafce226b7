"""The ``rehab-tracker`` command: the GUI by default, and subcommands for the terminal.

Environment problems (a corrupt or newer database, a folder that cannot be written, a server that
does not answer) print one line and exit with code 2; only bugs show a traceback. Everything
printed goes through :func:`say`, which shows control characters in names as escapes. The
commands that only look (``patients``, ``db current``, ``db check``) open the database
read-only; every file the process writes is private (``data.private_files``).
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
from typing import TYPE_CHECKING, TextIO

from rehab_tracker import __version__
from rehab_tracker.data.locations import DB_ENV
from rehab_tracker.data.private_files import keep_new_files_private
from rehab_tracker.domain.escaping import for_json_line, for_terminal

if TYPE_CHECKING:
    from rehab_tracker.data.database import Database

PROGRAM_WEEKS = 12
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A problem to report in one line (exit code 2)."""


def say(text: str, *, err: bool = False) -> None:
    """Print one line; control characters a record may hold are shown as escapes."""
    print(for_terminal(text), file=sys.stderr if err else sys.stdout)


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
    parser = argparse.ArgumentParser(
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
    from rehab_tracker.app import default_actor
    from rehab_tracker.domain.program_status import status_words
    from rehab_tracker.services.patients import PatientService

    if _default_database_not_made_yet(args):
        rows = []  # a first run: no patients, and looking creates nothing
    else:
        db = _open(args, read_only=True)
        try:
            rows = PatientService(db, default_actor()).list_patients(today=dt.date.today())
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
    from rehab_tracker.services.demo import seed_demo

    if args.patients is not None:
        return _demo_clinic(args)
    db = _open(args)
    try:
        made = seed_demo(db, today=dt.date.today(), seed=args.seed, force=args.force)
    finally:
        db.close()
    say(f"Added {len(made)} demo patients to {db.display_name}:")
    for line in made:
        say(f"  {line}")
    return EXIT_OK


def _demo_clinic(args: argparse.Namespace) -> int:
    from rehab_tracker.services.demo_clinic import generate_clinic

    if args.patients < 1:
        raise CliError("--patients needs a number of at least 1")

    def progress(done: int, total: int) -> None:
        say(f"{done} of {total} patients written", err=True)

    db = _open(args)
    try:
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
    db = _open(args)
    try:
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
    from rehab_tracker.app import default_actor
    from rehab_tracker.data import locations
    from rehab_tracker.data.restore import restore_backup

    path = _sqlite_file(args, "restores")
    backup = Path(args.backup).expanduser()
    if not backup.exists() and backup.name == args.backup:  # a name from `db backups`
        backup = locations.backup_dir_for(path) / backup.name
    done = restore_backup(path, backup.resolve(), actor=default_actor())
    say(f"restored {path} from {done.backup} (schema revision {done.revision})")
    if done.replaced is not None:
        say(f"the replaced file was kept as {done.replaced}")
    say("the restore is recorded in the audit trail")
    return EXIT_OK


_DB_COMMANDS = {
    "current": _db_current,
    "upgrade": _db_upgrade,
    "backup": _db_backup,
    "check": _db_check,
    "backups": _db_backups,
    "restore": _db_restore,
}


def _cmd_report(args: argparse.Namespace) -> int:
    from rehab_tracker.app import default_actor
    from rehab_tracker.reports.cli_support import run_report

    return int(
        run_report(
            args.db, args.patient, args.out, args.audience, actor=default_actor(),
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


def _cmd_export(args: argparse.Namespace) -> int:
    from rehab_tracker.app import default_actor
    from rehab_tracker.reports.cli_support import run_batch

    return int(run_batch(args.db, args.out, args.audience, actor=default_actor()))


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
}


def _reported(exc: BaseException) -> bool:
    """An error to report in one line (classes imported late: keep SQLAlchemy off the GUI start)."""
    from rehab_tracker.data.database import DatabaseError
    from rehab_tracker.domain.errors import ValidationError
    from rehab_tracker.services.errors import ServiceError

    return isinstance(exc, DatabaseError | ServiceError | ValidationError | CliError)


def main(argv: Sequence[str] | None = None) -> int:
    keep_new_files_private()  # the database, backups, logs, reports: patient data, 0600
    parser = build_parser()
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
